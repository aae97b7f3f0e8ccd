import { testContext } from '../../test-kit.spec-helper';
import { sendMessageConfigSchema } from './send-message.definition';
import type { RuntimeEvent } from '@parley/node-sdk';
import { RECONCILE_WINDOW_MS, sendMessageHandler } from './send-message.handler';

function config(message: unknown, extra: Record<string, unknown> = {}) {
  return sendMessageConfigSchema.parse({ message, ...extra });
}

describe('send WhatsApp message step', () => {
  it('renders variables and sends a text with the step idempotency key', async () => {
    const { context, recorded } = testContext(
      config({ type: 'text', text: 'Hi {{ contact.first_name | "there" }}, code {{ vars.coupon_code | "none" }}' }),
    );
    const result = await sendMessageHandler.execute(context);
    expect(recorded.sent).toEqual([
      {
        contactId: 'contact-1',
        idempotencyKey: 'exec-1:node-1:0',
        category: 'service',
        message: { type: 'text', text: { body: 'Hi Ada, code none', preview_url: false } },
      },
    ]);
    expect(result).toEqual({
      outcome: 'continue',
      output: 'next',
      data: { wamid: 'wamid.out', waId: '393331234567', usedFallback: false },
    });
  });

  it('builds reply buttons, lists, media and templates in the Cloud API shape', async () => {
    const cases = [
      config({
        type: 'buttons',
        header: 'Quiz',
        body: 'Q1?',
        footer: 'tap one',
        buttons: [
          { id: 'a', title: 'Yes' },
          { id: 'b', title: 'No' },
        ],
      }),
      config({
        type: 'list',
        body: 'Pick',
        buttonText: 'Options',
        sections: [{ title: 'Sofas', rows: [{ id: 'r1', title: 'Blue', description: 'velvet' }] }],
      }),
      config({ type: 'media', mediaType: 'document', link: 'https://cdn.example.com/c.pdf', caption: 'Catalogue', filename: 'c.pdf' }),
      config({
        type: 'template',
        template: {
          name: 'order_update',
          language: 'it',
          headerFormat: 'image',
          headerParameter: 'https://cdn.example.com/h.jpg',
          bodyParameters: ['{{ contact.first_name }}', '10%'],
          buttonParameters: [{ index: 0, subType: 'copy_code', value: 'CODE1' }],
        },
      }),
    ];
    const bodies = [];
    for (const c of cases) {
      const { context, recorded } = testContext(c);
      await sendMessageHandler.execute(context);
      bodies.push(recorded.sent[0]?.message);
    }
    expect(bodies).toEqual([
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'text', text: 'Quiz' },
          body: { text: 'Q1?' },
          footer: { text: 'tap one' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'a', title: 'Yes' } },
              { type: 'reply', reply: { id: 'b', title: 'No' } },
            ],
          },
        },
      },
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Pick' },
          action: { button: 'Options', sections: [{ title: 'Sofas', rows: [{ id: 'r1', title: 'Blue', description: 'velvet' }] }] },
        },
      },
      { type: 'document', document: { link: 'https://cdn.example.com/c.pdf', caption: 'Catalogue', filename: 'c.pdf' } },
      {
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'it' },
          components: [
            { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/h.jpg' } }] },
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Ada' },
                { type: 'text', text: '10%' },
              ],
            },
            { type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'CODE1' }] },
          ],
        },
      },
    ]);
  });

  it('checks Meta limits on the config, naming the problem', () => {
    const tooMany = sendMessageConfigSchema.safeParse({
      message: { type: 'buttons', body: 'x', buttons: [1, 2, 3, 4].map((i) => ({ id: `b${i}`, title: `B${i}` })) },
    });
    expect(tooMany.success).toBe(false);
    const longTitle = sendMessageConfigSchema.safeParse({
      message: { type: 'buttons', body: 'x', buttons: [{ id: 'a', title: 'x'.repeat(21) }] },
    });
    expect(JSON.stringify(longTitle.error?.issues)).toContain('20 characters');
    const rows = Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
    const tooManyRows = sendMessageConfigSchema.safeParse({ message: { type: 'list', body: 'x', buttonText: 'Go', sections: [{ rows }] } });
    expect(JSON.stringify(tooManyRows.error?.issues)).toContain('at most 10 rows');
    expect(sendMessageConfigSchema.safeParse({ message: { type: 'text', text: 'x'.repeat(4097) } }).success).toBe(false);
    expect(sendMessageConfigSchema.safeParse({ message: { type: 'text', text: '   ' } }).success).toBe(false);
  });

  it('fails a message that grows past the limit once variables are filled in', async () => {
    const { context, recorded } = testContext(config({ type: 'text', text: 'x{{ vars.long }}' }), {
      data: { vars: { long: 'y'.repeat(5000) } },
    });
    expect(await sendMessageHandler.execute(context)).toMatchObject({
      outcome: 'failed',
      errorCode: 'message_too_long',
      data: { field: 'text' },
    });
    expect(recorded.sent).toEqual([]);
  });

  it('maps refusals, unknown outcomes and policy blocks', async () => {
    const failed = testContext(config({ type: 'text', text: 'x' }), {
      send: { status: 'failed', errorCode: '131047', errorMessage: 'window', retryable: false },
    });
    expect(await sendMessageHandler.execute(failed.context)).toMatchObject({ outcome: 'failed', errorCode: '131047', retryable: false });
    const unknown = testContext(config({ type: 'text', text: 'x' }), { send: { status: 'unknown', errorMessage: 'timeout' } });
    // An unknown outcome is never resent: the step waits for the status webhook that echoes its key.
    expect(await sendMessageHandler.execute(unknown.context)).toEqual({
      outcome: 'wait',
      wait: {
        kind: 'event',
        eventType: 'message.status',
        filter: { callback_key: 'exec-1:node-1:0' },
        timeoutAt: new Date(Date.parse('2026-11-22T10:00:00Z') + RECONCILE_WINDOW_MS),
      },
      data: { outcome: 'unknown', reason: 'timeout' },
    });
    const statusEvent: RuntimeEvent = {
      id: 'ev',
      type: 'message.status',
      occurredAt: new Date(),
      contactId: 'c',
      payload: { wamid: 'wamid.X', status: 'sent' },
    };
    expect(await sendMessageHandler.resume?.(unknown.context, { outcome: 'received', event: statusEvent, lateByMs: 0 })).toEqual({
      outcome: 'continue',
      output: 'next',
      data: { wamid: 'wamid.X', reconciled: true, status: 'sent' },
    });
    expect(await sendMessageHandler.resume?.(unknown.context, { outcome: 'timeout', event: null, lateByMs: 0 })).toMatchObject({
      outcome: 'failed',
      errorCode: 'outcome_unknown',
      retryable: false,
    });
    expect(unknown.recorded.sent).toHaveLength(1);
    const retryAt = new Date('2026-11-22T20:00:00Z');
    const deferred = testContext(config({ type: 'text', text: 'x' }), {
      send: { status: 'blocked', rule: 'quiet_hours', reason: 'night', retryAt },
    });
    expect(await sendMessageHandler.execute(deferred.context)).toEqual({
      outcome: 'wait',
      wait: { kind: 'until', resumeAt: retryAt },
      data: { deferredBy: 'quiet_hours', reason: 'night', numbers: {} },
    });
    const refused = testContext(config({ type: 'text', text: 'x' }), {
      send: { status: 'blocked', rule: 'consent', reason: 'opted out', retryAt: null },
    });
    expect(await sendMessageHandler.execute(refused.context)).toMatchObject({ outcome: 'failed', errorCode: 'policy:consent' });
  });

  it('records on its output the category the gate judged the send by', async () => {
    const category = {
      applied: 'marketing',
      declared: 'utility',
      source: 'registry',
      registryCategory: 'MARKETING',
      reason: 'Template coupon_10 (en) is MARKETING in WhatsApp’s template registry; the step says utility, WhatsApp’s category applies.',
    } as const;
    const coupon = { type: 'template', template: { name: 'coupon_10', language: 'en' } };
    const refused = testContext(config(coupon, { category: 'utility' }), {
      send: { status: 'blocked', rule: 'consent', reason: 'opted out', retryAt: null, category },
    });
    expect(await sendMessageHandler.execute(refused.context)).toMatchObject({
      outcome: 'failed',
      errorCode: 'policy:consent',
      data: { blockedBy: 'consent', category },
    });
    const sent = testContext(config(coupon, { category: 'marketing' }), {
      send: { status: 'accepted', wamid: 'wamid.1', waId: null, usedFallback: false, category: { ...category, declared: 'marketing' } },
    });
    expect(await sendMessageHandler.execute(sent.context)).toMatchObject({
      outcome: 'continue',
      data: { wamid: 'wamid.1', category: { applied: 'marketing', declared: 'marketing' } },
    });
  });

  it('passes the template fallback for a closed window', async () => {
    const { context, recorded } = testContext(
      config(
        { type: 'text', text: 'Come back!' },
        { category: 'marketing', templateFallback: { name: 'win_back', language: 'en_US', bodyParameters: ['{{ contact.first_name }}'] } },
      ),
    );
    await sendMessageHandler.execute(context);
    expect(recorded.sent[0]).toMatchObject({
      category: 'marketing',
      templateFallback: {
        type: 'template',
        template: {
          name: 'win_back',
          language: { code: 'en_US' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ada' }] }],
        },
      },
    });
  });
});
