import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { obj, str } from '../test-support/json';

/** A weekly promotion to the "vip" tag: schedule trigger, then a reply. */
function promotionFlow(tags: string[]) {
  return {
    schemaVersion: 1,
    nodes: [
      {
        id: 'trigger',
        type: 'trigger.schedule',
        typeVersion: 1,
        position: { x: 0, y: 0 },
        config: {
          cron: '0 14 * * 3',
          timeZone: 'Europe/Rome',
          audience: { tags, excludeTags: ['opted-out'], list: null, unansweredForHours: null },
        },
      },
      {
        id: 'promo',
        type: 'whatsapp.send_message',
        typeVersion: 1,
        position: { x: 0, y: 150 },
        config: { message: { type: 'text', text: 'This week only: 10% off' } },
      },
    ],
    edges: [{ id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'promo' }],
    notes: [],
  };
}

describe('campaign pre-flight of a scheduled flow', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
    const settings = await h.workspace.admin.request('PATCH', '/api/workspace/settings', {
      messaging: { dailyRecipientLimit: 10, batchAbovePercent: 80 },
    });
    expect(settings.status).toBe(200);
    // 3 vip customers who wrote just now (inside their 24-hour window: free) ...
    for (const n of [1, 2, 3]) {
      await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: `39333700000${n}`, text: 'hello' });
    }
    await h.settle();
    await h.dataSource.query(
      `INSERT INTO contact_tags (workspace_id, contact_id, tag) SELECT workspace_id, id, 'vip' FROM contacts WHERE workspace_id = $1`,
      [h.workspace.id],
    );
    // ... 12 vip contacts who never wrote (each takes a place in the daily limit), and 1 vip who opted out (excluded by tag).
    await h.dataSource.query(
      `WITH made AS (
         INSERT INTO contacts (workspace_id, wa_id) SELECT $1, '3933380000' || lpad(n::text, 2, '0') FROM generate_series(1, 13) n RETURNING id, wa_id)
       INSERT INTO contact_tags (workspace_id, contact_id, tag)
       SELECT $1, id, 'vip' FROM made UNION ALL SELECT $1, id, 'opted-out' FROM made WHERE wa_id = '393338000013'`,
      [h.workspace.id],
    );
  });
  afterAll(async () => {
    await h.close();
  });

  async function preflight(definition: unknown) {
    const created = await h.workspace.admin.post('/api/flows', { name: 'Promotion', definition });
    const id = str(obj(created.body)['id']);
    return h.workspace.admin.get(`/api/flows/${id}/preflight`);
  }

  it("counts the next run's recipients and paces them by the daily limit: at once, spread over the day, beyond the limit", async () => {
    const response = await preflight(promotionFlow(['vip']));
    expect(response.status).toBe(200);
    const body = obj(response.body);
    expect(body).toMatchObject({
      scheduled: true,
      timeZone: 'Europe/Rome',
      sendsMessages: true,
      recipients: 15,
      newBusinessInitiated: 12,
      usedLast24h: 0,
      dailyLimit: 10,
      batchAbovePercent: 80,
      messagesPerSecond: 80,
      // 3 free + 8 below the threshold at once, 2 spread between 80 % and the limit, 2 held beyond it.
      estimate: { verdict: 'over_limit', atOnce: 11, spreadOverDay: 2, beyondLimit: 2, limitUsePercent: 100, atOnceSeconds: 1 },
    });
    // Wednesday 14:00 in Rome, in the future.
    const next = new Date(str(body['nextRunAt']));
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(
      new Intl.DateTimeFormat('en', { timeZone: 'Europe/Rome', weekday: 'short', hour: '2-digit', hourCycle: 'h23' }).format(next),
    ).toBe('Wed, 14');
  });

  it('sends everything at once for an audience within the limit', async () => {
    const response = await preflight(promotionFlow(['nobody-has-this-tag']));
    expect(obj(response.body)).toMatchObject({ recipients: 0, estimate: { verdict: 'at_once', atOnce: 0 } });
  });

  it('says a flow that does not start on a schedule has no pre-flight, and refuses a flow of another workspace', async () => {
    expect(obj((await preflight(priceReplyFlow())).body)).toEqual({ scheduled: false });
    const other = await h.addWorkspace('Another business');
    const created = await other.admin.post('/api/flows', { name: 'Theirs', definition: promotionFlow(['vip']) });
    expect((await h.workspace.admin.get(`/api/flows/${str(obj(created.body)['id'])}/preflight`)).status).toBe(404);
  });
});
