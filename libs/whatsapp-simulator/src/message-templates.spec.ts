import { type RunningSimulator, startSimulator } from './simulator-server';
import { bodyTemplate, control, errorCode, getJson, NUMBER, postMessage, template } from './graph-calls.spec-helper';
import { WebhookReceiver } from './webhook-receiver.spec-helper';
import { z } from 'zod';

const OTHER = { phoneNumberId: '333', accessToken: 'other-token', displayPhoneNumber: '15550003333', wabaId: '444' };

describe('template registry: validation of template sends', () => {
  let sim: RunningSimulator;
  const to = '393334440000';

  beforeAll(async () => {
    sim = await startSimulator({
      numbers: [NUMBER, OTHER],
      templates: [
        { ...bodyTemplate('order_confirmation', 'UTILITY', 2), wabaId: NUMBER.wabaId },
        {
          wabaId: NUMBER.wabaId,
          name: 'welcome_named',
          language: 'en_US',
          category: 'MARKETING',
          parameter_format: 'NAMED',
          components: [{ type: 'BODY', text: 'Hi {{first_name}}, your code is {{code}}' }],
        },
        {
          wabaId: NUMBER.wabaId,
          name: 'shipping',
          language: 'it',
          category: 'UTILITY',
          components: [
            { type: 'HEADER', format: 'IMAGE' },
            { type: 'BODY', text: 'Ordine {{1}}' },
            {
              type: 'BUTTONS',
              buttons: [
                { type: 'QUICK_REPLY', text: 'Stop' },
                { type: 'URL', text: 'Track', url: 'https://example.com/t/{{1}}' },
              ],
            },
          ],
        },
      ],
    });
  });
  afterAll(() => sim.close());

  it('accepts a send with the right parameters', async () => {
    expect((await postMessage(sim.url, template(to, 'order_confirmation', ['Ana', 'A-1']))).status).toBe(200);
  });

  it('132001 for an unknown template or language', async () => {
    expect(await postMessage(sim.url, template(to, 'nope', []))).toMatchObject({
      status: 400,
      body: { error: { code: 132001, message: '(#132001) Template name does not exist in the translation' } },
    });
    expect(errorCode(await postMessage(sim.url, template(to, 'order_confirmation', ['a', 'b'], 'en_US')))).toBe(132001);
  });

  it('132000 for a body parameter count mismatch', async () => {
    const answer = await postMessage(sim.url, template(to, 'order_confirmation', ['only one']));
    expect(answer).toMatchObject({
      status: 400,
      body: { error: { code: 132000, error_data: { details: expect.stringContaining('body: number of localizable_params (1)') } } },
    });
  });

  it('checks named parameters by name', async () => {
    const named = (names: string[]) => ({
      messaging_product: 'whatsapp',
      to,
      type: 'template',
      template: {
        name: 'welcome_named',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: names.map((n) => ({ type: 'text', parameter_name: n, text: 'v' })) }],
      },
    });
    expect((await postMessage(sim.url, named(['first_name', 'code']))).status).toBe(200);
    expect(errorCode(await postMessage(sim.url, named(['first_name', 'coupon'])))).toBe(132000);
  });

  it('checks header media and button parameters', async () => {
    const send = (components: unknown[]) => ({
      messaging_product: 'whatsapp',
      to,
      type: 'template',
      template: { name: 'shipping', language: { code: 'it' }, components },
    });
    const body = { type: 'body', parameters: [{ type: 'text', text: 'A-1' }] };
    const header = { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/p.png' } }] };
    const url = { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'A-1' }] };
    const quick = { type: 'button', sub_type: 'quick_reply', index: 0, parameters: [{ type: 'payload', payload: 'STOP' }] };
    expect((await postMessage(sim.url, send([header, body, quick, url]))).status).toBe(200);
    expect(errorCode(await postMessage(sim.url, send([body, url])))).toBe(132000);
    expect(errorCode(await postMessage(sim.url, send([{ type: 'header', parameters: [{ type: 'text', text: 'x' }] }, body, url])))).toBe(
      132012,
    );
    expect(errorCode(await postMessage(sim.url, send([header, body])))).toBe(132000);
  });

  it('132015 while paused, 132016 when disabled, fine again when reinstated', async () => {
    await sim.setTemplateStatus({ wabaId: NUMBER.wabaId, name: 'order_confirmation', status: 'PAUSED' });
    expect(await postMessage(sim.url, template(to, 'order_confirmation', ['a', 'b']))).toMatchObject({
      status: 400,
      body: { error: { code: 132015 } },
    });
    await sim.setTemplateStatus({ wabaId: NUMBER.wabaId, name: 'order_confirmation', status: 'DISABLED' });
    expect(errorCode(await postMessage(sim.url, template(to, 'order_confirmation', ['a', 'b'])))).toBe(132016);
    await sim.setTemplateStatus({ wabaId: NUMBER.wabaId, name: 'order_confirmation', status: 'APPROVED' });
    expect((await postMessage(sim.url, template(to, 'order_confirmation', ['a', 'b']))).status).toBe(200);
  });

  it('accepts any template while the account has none registered', async () => {
    expect(
      (await postMessage(sim.url, template(to, 'whatever', ['x']), { token: OTHER.accessToken, pnid: OTHER.phoneNumberId })).status,
    ).toBe(200);
  });
});

const listSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      language: z.string(),
      status: z.string(),
      category: z.string(),
      components: z.array(z.unknown()),
      parameter_format: z.string(),
    }),
  ),
  paging: z.object({ cursors: z.object({ before: z.string().optional(), after: z.string().optional() }), next: z.string().optional() }),
});

describe('GET /{version}/{waba_id}/message_templates', () => {
  let sim: RunningSimulator;
  const receiver = new WebhookReceiver('template-secret');

  beforeAll(async () => {
    await receiver.start();
    sim = await startSimulator({
      numbers: [NUMBER, OTHER],
      webhook: receiver.target(),
      templates: Array.from({ length: 7 }, (_, i) => ({
        ...bodyTemplate(`template_${i}`, i % 2 === 0 ? 'UTILITY' : 'MARKETING', i % 3),
        wabaId: NUMBER.wabaId,
      })),
    });
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it("lists the templates in Meta's shape and pages with cursors and next", async () => {
    const names: string[] = [];
    let url: string | undefined = `${sim.url}/v24.0/${NUMBER.wabaId}/message_templates?limit=3`;
    let pages = 0;
    while (url) {
      const answer = await getJson(url, NUMBER.accessToken);
      expect(answer.status).toBe(200);
      const page = listSchema.parse(answer.body);
      names.push(...page.data.map((t) => t.name));
      url = page.paging.next;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(names).toEqual(Array.from({ length: 7 }, (_, i) => `template_${i}`));
    const first = listSchema.parse((await getJson(`${sim.url}/v24.0/${NUMBER.wabaId}/message_templates?limit=2`, NUMBER.accessToken)).body);
    expect(first.data[0]).toMatchObject({
      name: 'template_0',
      language: 'en',
      status: 'APPROVED',
      category: 'UTILITY',
      parameter_format: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Hello' }],
    });
    const after = listSchema.parse(
      (
        await getJson(
          `${sim.url}/v24.0/${NUMBER.wabaId}/message_templates?limit=2&after=${first.paging.cursors.after ?? ''}`,
          NUMBER.accessToken,
        )
      ).body,
    );
    expect(after.data.map((t) => t.name)).toEqual(['template_2', 'template_3']);
  });

  it('needs the bearer token of a number of that account', async () => {
    expect((await getJson(`${sim.url}/v24.0/${NUMBER.wabaId}/message_templates`)).status).toBe(401);
    expect(errorCode(await getJson(`${sim.url}/v24.0/${NUMBER.wabaId}/message_templates`, 'wrong'))).toBe(190);
    expect(errorCode(await getJson(`${sim.url}/v24.0/${NUMBER.wabaId}/message_templates`, OTHER.accessToken))).toBe(100);
    expect(listSchema.parse((await getJson(`${sim.url}/v24.0/${OTHER.wabaId}/message_templates`, OTHER.accessToken)).body).data).toEqual(
      [],
    );
  });

  it('adds, replaces and changes templates through the control API, with message_template_status_update webhooks', async () => {
    receiver.clear();
    const created = await control(sim.url, '/sim/templates', {
      phoneNumberId: NUMBER.phoneNumberId,
      template: { ...bodyTemplate('spring_sale', 'MARKETING', 1), status: 'PENDING' },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { replaced: false, delivered: true, template: { name: 'spring_sale', status: 'PENDING' } },
    });
    const replaced = await control(sim.url, '/sim/templates', {
      wabaId: NUMBER.wabaId,
      template: bodyTemplate('spring_sale', 'MARKETING', 2),
    });
    expect(replaced).toMatchObject({ status: 200, body: { replaced: true, template: { status: 'APPROVED' } } });
    const paused = await control(sim.url, '/sim/templates/status', {
      wabaId: NUMBER.wabaId,
      name: 'spring_sale',
      language: 'en',
      status: 'PAUSED',
      reason: 'NONE',
    });
    expect(paused.status).toBe(200);
    expect((await control(sim.url, '/sim/templates/status', { wabaId: NUMBER.wabaId, name: 'missing', status: 'PAUSED' })).status).toBe(
      404,
    );

    const events = receiver.changes('message_template_status_update');
    expect(events.map((e) => e.value['event'])).toEqual(['PENDING', 'APPROVED', 'PAUSED']);
    const id = z.object({ template: z.object({ id: z.string() }) }).parse(created.body).template.id;
    expect(events[2]).toMatchObject({
      wabaId: NUMBER.wabaId,
      value: {
        event: 'PAUSED',
        message_template_id: Number(id),
        message_template_name: 'spring_sale',
        message_template_language: 'en',
        reason: 'NONE',
        message_template_category: 'MARKETING',
      },
    });
    expect(receiver.received.every((r) => r.signatureValid && typeof r.body.entry[0]?.time === 'number')).toBe(true);
  });
});
