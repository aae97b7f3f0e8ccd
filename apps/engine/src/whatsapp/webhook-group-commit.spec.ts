import { inboundTextPayload, newWamid } from '@parley/whatsapp-simulator';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { str } from '../test-support/json';
import { WebhookProcessorService } from './webhook-processor.service';

/**
 * Deliveries whose processing is asked for while earlier ones are being
 * processed go together in one transaction (a group commit); a group in which
 * anything fails is processed again delivery by delivery, so one bad delivery
 * never costs the others anything and is noted exactly as it would be alone.
 */
describe('webhook deliveries processed together', () => {
  let h: EngineHarness;
  let processor: WebhookProcessorService;

  beforeAll(async () => {
    // No sweeper during the test: the deliveries are processed only by the calls below.
    h = await startEngineHarness({ env: { SWEEP_INTERVAL_MS: '600000' } });
    processor = h.app.get(WebhookProcessorService);
  });
  afterAll(async () => {
    await h.close();
  });

  /** Stores a delivery of one text message from `from` as ingest would, without dispatching it. */
  async function storeDelivery(from: string, wamid: string, text: string, sentAt: Date, name = 'Lina Costa'): Promise<string> {
    const number = h.simulator.state.numbers.get(h.workspace.phoneNumberId);
    if (!number) throw new Error('no simulated number');
    const payload = inboundTextPayload({ number, from, name, wamid, text, sentAt });
    const [row] = await h.sql(
      `INSERT INTO webhook_deliveries (provider, body, status) VALUES ('whatsapp', convert_to($1, 'UTF8'), 'pending') RETURNING id::text AS id`,
      [JSON.stringify(payload)],
    );
    return str(row?.['id']);
  }

  it('stores each message once, in order, and commits the waiting deliveries in one transaction', async () => {
    const t0 = Date.now() - 60_000;
    // Twelve, so the waiting group spans ids 9 and 10 (an order by their text would put 10 first).
    const wamids = Array.from({ length: 12 }, () => newWamid());
    const ids: string[] = [];
    for (const [i, wamid] of wamids.entries())
      ids.push(await storeDelivery('393339100001', wamid, `messaggio ${i}`, new Date(t0 + i * 1000)));

    // The first call's group takes the pending deliveries nobody holds with its own; the calls for those then end at once.
    const work = await Promise.all(ids.map((id) => processor.process(id)));
    await h.idle();

    const [contact] = await h.sql(`SELECT id FROM contacts WHERE wa_id = '393339100001'`);
    const contactId = str(contact?.['id']);
    expect(work.flat().every((item) => item.kind === 'contact' && item.id === contactId)).toBe(true);
    const [committed] = await h.sql(
      `SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS transactions FROM webhook_deliveries WHERE id = ANY($1::bigint[]) AND status = 'processed'`,
      [ids],
    );
    expect(committed?.['n']).toBe(12);
    expect(committed?.['transactions']).toBe(1);
    expect(await h.count('messages', 'wamid = ANY($1)', [wamids])).toBe(12);
    expect(await h.count('contacts', `wa_id = '393339100001'`)).toBe(1);
    // In the order they arrived in (events are numbered as they are stored).
    expect(
      (
        await h.sql(`SELECT payload->>'wamid' AS wamid FROM events WHERE contact_id = $1 AND type = 'message.received' ORDER BY id`, [
          contactId,
        ])
      ).map((r) => r['wamid']),
    ).toEqual(wamids);
    expect(await h.count('events', `contact_id = $1 AND type = 'contact.created'`, [contactId])).toBe(1);
    // Filed on one conversation in the order they were written: the last one is its last message.
    expect(
      await h.sql(
        `SELECT c.inbound_count, m.wamid AS last_wamid FROM conversations c JOIN messages m ON m.id = c.last_message_id WHERE c.contact_id = $1`,
        [contactId],
      ),
    ).toEqual([{ inbound_count: 12, last_wamid: wamids[11] }]);

    // Asked for again (a redelivery of the work item): nothing is stored twice and no work is made.
    expect((await Promise.all(ids.map((id) => processor.process(id)))).flat()).toEqual([]);
    expect(await h.count('messages', 'wamid = ANY($1)', [wamids])).toBe(12);
  });

  it('takes the pending deliveries nobody holds along with the one asked for, oldest first, and their own calls then end at once', async () => {
    const t0 = Date.now() - 45_000;
    const wamids = Array.from({ length: 5 }, () => newWamid());
    const ids: string[] = [];
    for (const [i, wamid] of wamids.entries()) ids.push(await storeDelivery('393339300001', wamid, `altro ${i}`, new Date(t0 + i * 1000)));

    const work = await processor.process(ids[4] ?? '');
    const [contact] = await h.sql(`SELECT id FROM contacts WHERE wa_id = '393339300001'`);
    expect(work).toEqual([{ kind: 'contact', id: str(contact?.['id']) }]);
    expect(
      await h.sql(
        `SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS transactions FROM webhook_deliveries WHERE id = ANY($1::bigint[]) AND status = 'processed'`,
        [ids],
      ),
    ).toEqual([{ n: 5, transactions: 1 }]);
    expect(
      (
        await h.sql(`SELECT payload->>'wamid' AS wamid FROM events WHERE contact_id = $1 AND type = 'message.received' ORDER BY id`, [
          str(contact?.['id']),
        ])
      ).map((r) => r['wamid']),
    ).toEqual(wamids);
    expect((await Promise.all(ids.slice(0, 4).map((id) => processor.process(id)))).flat()).toEqual([]);
  });

  it('processes a group with a failing delivery again one by one: the others are stored, the failure noted on its own', async () => {
    const bad = newWamid();
    await h.dataSource.query(`
      CREATE FUNCTION test_refuse_message() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'P0001';
      END $$;
      CREATE TRIGGER test_refuse_message BEFORE INSERT ON messages FOR EACH ROW
        WHEN (NEW.wamid = '${bad}') EXECUTE FUNCTION test_refuse_message();
    `);
    try {
      const t0 = Date.now() - 30_000;
      const wamids = [newWamid(), newWamid(), newWamid(), bad, newWamid(), newWamid()];
      const ids: string[] = [];
      for (const [i, wamid] of wamids.entries()) ids.push(await storeDelivery(`39333920000${i}`, wamid, 'ciao', new Date(t0 + i * 1000)));

      await Promise.all(ids.map((id) => processor.process(id)));
      await h.idle();

      const good = wamids.filter((w) => w !== bad);
      expect(await h.count('messages', 'wamid = ANY($1)', [good])).toBe(5);
      expect(await h.count('messages', 'wamid = $1', [bad])).toBe(0);
      const rows = await h.sql(
        `SELECT id::text AS id, status, notes::text AS notes FROM webhook_deliveries WHERE id = ANY($1::bigint[]) ORDER BY webhook_deliveries.id`,
        [ids],
      );
      expect(rows.map((r) => r['status'])).toEqual(ids.map(() => 'processed'));
      expect(rows.map((r) => str(r['notes']).includes('refused by the test'))).toEqual([false, false, false, true, false, false]);
    } finally {
      await h.dataSource.query('DROP TRIGGER test_refuse_message ON messages; DROP FUNCTION test_refuse_message()');
    }
  });

  it("looks up the group's numbers and stored messages once: a copy of a message in the same group, or of one stored before, changes nothing", async () => {
    const t0 = Date.now() - 20_000;
    const earlier = newWamid();
    await processor.process(await storeDelivery('393339400001', earlier, 'prima', new Date(t0)));
    const [contact] = await h.sql(`SELECT id, display_name FROM contacts WHERE wa_id = '393339400001'`);
    expect(contact?.['display_name']).toBe('Lina Costa');

    // Meta delivers a new message twice in one group, and the earlier one again, each copy under a newer profile name.
    const fresh = newWamid();
    const ids = [
      await storeDelivery('393339400001', fresh, 'seconda', new Date(t0 + 1000)),
      await storeDelivery('393339400001', fresh, 'seconda', new Date(t0 + 1000), 'Nome Nuovo'),
      await storeDelivery('393339400001', earlier, 'prima', new Date(t0), 'Nome Nuovo'),
    ];
    await processor.process(ids[0] ?? '');
    await h.idle();
    expect(
      await h.sql(
        `SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS transactions FROM webhook_deliveries WHERE id = ANY($1::bigint[]) AND status = 'processed'`,
        [ids],
      ),
    ).toEqual([{ n: 3, transactions: 1 }]);
    expect(await h.count('messages', 'wamid = ANY($1)', [[earlier, fresh]])).toBe(2);
    expect(await h.count('events', `type = 'message.received' AND contact_id = $1`, [str(contact?.['id'])])).toBe(2);
    // The first copy of the new message was the customer writing; the copies after it were redeliveries, which touch
    // nothing: the name stays the one the first copy carried.
    expect(await h.sql(`SELECT display_name FROM contacts WHERE wa_id = '393339400001'`)).toEqual([{ display_name: 'Lina Costa' }]);
  });
});
