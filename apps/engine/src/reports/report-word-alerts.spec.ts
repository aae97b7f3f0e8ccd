import { startEngineHarness, type EngineHarness } from '../test-support/engine-harness';
import { arr, obj } from '../test-support/json';
import { ReportRollupService } from './report-rollup.service';
import { ReportRollupWorker } from './report-rollup.worker';
import { ReportWordAlertsService } from './report-word-alerts.service';

describe('watched-word alerts', () => {
  let h: EngineHarness;
  let alerts: ReportWordAlertsService;
  let rollups: ReportRollupService;
  let contactId: string;
  let numberId: string;
  let written = 0;

  beforeAll(async () => {
    h = await startEngineHarness();
    // The test checks the alerts itself, at times it chooses; the background job would check them too.
    h.app.get(ReportRollupWorker).onApplicationShutdown();
    alerts = h.app.get(ReportWordAlertsService);
    rollups = h.app.get(ReportRollupService);
    const [number] = await h.sql('SELECT id FROM whatsapp_numbers WHERE workspace_id = $1 ORDER BY created_at LIMIT 1', [h.workspace.id]);
    numberId = String(number?.['id']);
    const [contact] = await h.sql(
      `INSERT INTO contacts (workspace_id, wa_id, phone_e164, display_name, whatsapp_number_id)
       VALUES ($1, '393330009001', '+393330009001', 'Alba', $2) RETURNING id`,
      [h.workspace.id, numberId],
    );
    contactId = String(contact?.['id']);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  /** Customer messages written an hour before `now`, then folded into the rollups. */
  async function write(texts: string[], now: Date): Promise<void> {
    for (const text of texts) {
      written += 1;
      await h.dataSource.query(
        `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at)
         VALUES ($1, $2, $3, 'inbound', $4, 'text', $5, '{}', $6)`,
        [h.workspace.id, contactId, numberId, `wamid.alert.${written}`, text, new Date(now.getTime() - 3_600_000)],
      );
    }
    await rollups.drain();
  }

  const notified = async (): Promise<number> =>
    h.count('notifications', "workspace_id = $1 AND kind = 'report.word_alert'", [h.workspace.id]);

  it('add, list, change and remove in the API; bad fields named with nothing stored; a duplicate refused', async () => {
    const admin = h.workspace.admin;
    for (const [body, field] of [
      [{ term: 'two words', direction: 'under', threshold: 0.08, periodDays: 7 }, 'term'],
      [{ term: 'sconto', direction: 'below', threshold: 0.08, periodDays: 7 }, 'direction'],
      [{ term: 'sconto', direction: 'under', threshold: 8, periodDays: 7 }, 'threshold'],
      [{ term: 'sconto', direction: 'under', threshold: 0.08, periodDays: 0 }, 'periodDays'],
    ] as const) {
      const refused = await admin.request('POST', '/api/reports/word-alerts', body);
      expect([field, refused.status]).toEqual([field, 400]);
      expect(JSON.stringify(refused.body)).toContain(field);
    }
    expect(await h.count('report_word_alerts')).toBe(0);
    const created = await admin.request('POST', '/api/reports/word-alerts', {
      term: ' Sconto ',
      direction: 'under',
      threshold: 0.08,
      periodDays: 7,
    });
    expect(created.status).toBe(201);
    expect(obj(created.body)).toMatchObject({ term: 'sconto', direction: 'under', threshold: 0.08, periodDays: 7, breachedAt: null });
    const id = String(obj(created.body)['id']);
    expect(
      (await admin.request('POST', '/api/reports/word-alerts', { term: 'sconto', direction: 'under', threshold: 0.2, periodDays: 1 }))
        .status,
    ).toBe(409);
    const changed = await admin.request('PUT', `/api/reports/word-alerts/${id}`, {
      term: 'sconto',
      direction: 'under',
      threshold: 0.1,
      periodDays: 14,
    });
    expect(changed.status).toBe(200);
    expect(obj(changed.body)).toMatchObject({ threshold: 0.1, periodDays: 14 });
    expect(arr(obj((await admin.get('/api/reports/word-alerts')).body)['data']).map((a) => obj(a)['term'])).toEqual(['sconto']);
    expect(
      (await admin.request('PUT', `/api/reports/word-alerts/${id}`, { term: 'sconto', direction: 'under', threshold: 2, periodDays: 14 }))
        .status,
    ).toBe(400);
    expect((await admin.request('DELETE', `/api/reports/word-alerts/${id}`)).status).toBe(200);
    expect((await admin.request('DELETE', `/api/reports/word-alerts/${id}`)).status).toBe(404);
    const audit = await h.sql(`SELECT action FROM audit_log WHERE action LIKE 'reports.word_alert.%' ORDER BY created_at, action`);
    expect(audit.map((a) => a['action'])).toEqual([
      'reports.word_alert.created',
      'reports.word_alert.updated',
      'reports.word_alert.removed',
    ]);
  });

  it('a breach notifies once, not once per message or per check; back over the threshold ends it, and the next breach notifies again', async () => {
    const now = new Date();
    const under = await alerts.create(h.workspace.id, { term: 'sconto', direction: 'under', threshold: 0.2, periodDays: 7 });
    const over = await alerts.create(h.workspace.id, { term: 'divano', direction: 'over', threshold: 0.5, periodDays: 7 });
    // No customer message in the period: nothing to judge.
    expect(await alerts.evaluate(now)).toBe(0);
    // 1 of 10 messages says "sconto": 10 % is under 20 %.
    await write(['Avete uno sconto?', ...Array.from({ length: 9 }, (_, i) => `Buongiorno ${i}`)], now);
    expect(await alerts.evaluate(now)).toBe(1);
    const first = await notified();
    expect(first).toBeGreaterThan(0);
    const [row] = await h.sql('SELECT breached_at, last_share, last_messages FROM report_word_alerts WHERE id = $1', [under?.id]);
    expect([row?.['last_share'], Number(row?.['last_messages']), row?.['breached_at'] !== null]).toEqual([0.1, 10, true]);
    // More messages, more checks, still under: no second notification.
    await write(['Ciao', 'Grazie'], now);
    expect(await alerts.evaluate(new Date(now.getTime() + 60_000))).toBe(0);
    expect(await notified()).toBe(first);
    // 6 of 17 say it (35 %): the breach is over.
    await write(
      Array.from({ length: 5 }, () => 'Uno sconto per favore'),
      now,
    );
    expect(await alerts.evaluate(now)).toBe(0);
    const [back] = await h.sql('SELECT breached_at FROM report_word_alerts WHERE id = $1', [under?.id]);
    expect(back?.['breached_at']).toBeNull();
    // 6 of 47 (12.8 %): under again, a new breach and a new notification.
    await write(
      Array.from({ length: 30 }, (_, i) => `Orari ${i}`),
      now,
    );
    expect(await alerts.evaluate(now)).toBe(1);
    expect(await notified()).toBe(first * 2);
    const [note] = await h.sql(
      "SELECT title, body, subject_id FROM notifications WHERE workspace_id = $1 AND kind = 'report.word_alert' ORDER BY created_at DESC LIMIT 1",
      [h.workspace.id],
    );
    expect(note).toMatchObject({
      title: '"sconto" is under 20% of customer messages',
      body: 'Over the last 7 days: 12.8% (6 of 47 customer messages).',
      subject_id: under?.id,
    });
    // "divano" never reached half of the messages: its "over" alert never breached.
    const [quiet] = await h.sql('SELECT breached_at, last_share FROM report_word_alerts WHERE id = $1', [over?.id]);
    expect([quiet?.['breached_at'], quiet?.['last_share']]).toEqual([null, 0]);
    // A period that has moved past the messages (8 days later): no messages, no breach, nothing sent.
    expect(await alerts.evaluate(new Date(now.getTime() + 8 * 86_400_000))).toBe(0);
    expect(await notified()).toBe(first * 2);
  });
});
