import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';

describe('admin alerts from Meta: number quality dropped, template paused', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function control(path: string, body: unknown): Promise<number> {
    const response = await fetch(`${h.simulator.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.text();
    return response.status;
  }

  async function notifications(): Promise<Record<string, unknown>[]> {
    return arr(obj((await h.workspace.admin.get('/api/notifications')).body)['data']).map(obj);
  }

  it('a quality downgrade shows on the number and notifies the admins; an upgrade does not', async () => {
    const phoneNumberId = h.workspace.phoneNumberId;
    expect(await control('/sim/quality', { phoneNumberId, event: 'UPGRADE', currentLimit: 'TIER_2K' })).toBe(200);
    await h.settle();
    expect((await notifications()).filter((n) => n['kind'] === 'number_quality')).toEqual([]);

    expect(await control('/sim/quality', { phoneNumberId, event: 'DOWNGRADE', currentLimit: 'TIER_250' })).toBe(200);
    await h.settle();
    const number = obj(arr(obj((await h.workspace.admin.get('/api/whatsapp/numbers')).body)['data'])[0]);
    expect(number).toMatchObject({ qualityRating: 'DOWNGRADE', messagingLimit: 'TIER_250' });
    const alerts = (await notifications()).filter((n) => n['kind'] === 'number_quality');
    expect(alerts).toHaveLength(1);
    expect(str(alerts[0]?.['title'])).toMatch(/dropped \(downgrade\)/);
    expect(alerts[0]).toMatchObject({ subjectType: 'whatsapp_number', subjectId: number['id'], read: false });
  });

  it('a template paused by Meta notifies the admins once', async () => {
    const numberId = str(obj(arr(obj((await h.workspace.admin.get('/api/whatsapp/numbers')).body)['data'])[0])['id']);
    const template = {
      name: 'order_update',
      language: 'en',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Your order shipped' }],
    };
    expect(await control('/sim/templates', { phoneNumberId: h.workspace.phoneNumberId, template })).toBe(201);
    await h.settle();
    expect((await h.workspace.admin.post(`/api/whatsapp/numbers/${numberId}/templates/sync`)).status).toBe(200);
    const body = { phoneNumberId: h.workspace.phoneNumberId, name: template.name, language: template.language };
    expect(await control('/sim/templates/status', { ...body, status: 'PAUSED', reason: 'Low quality' })).toBe(200);
    await h.settle();
    const alerts = (await notifications()).filter((n) => n['kind'] === 'template_blocked');
    expect(alerts).toHaveLength(1);
    expect(str(alerts[0]?.['title'])).toBe('Template order_update (en) paused by Meta');
    expect(str(alerts[0]?.['body'])).toContain('Low quality');
  });
});
