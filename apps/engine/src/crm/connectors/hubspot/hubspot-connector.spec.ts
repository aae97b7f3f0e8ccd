import { type RunningHubSpotSimulator, startHubSpotSimulator } from '@parley/crm-simulators';
import { z } from 'zod';
import type { SyncCursor } from '../crm-connector';
import { CrmError } from '../crm-error';
import { HubSpotConnector } from './hubspot-connector';
import { callSimulator } from '../../../test-support/simulator-call';

const TOKEN = 'pat-test-token';
const callsAnswer = z.object({ calls: z.array(z.object({ status: z.number(), path: z.string() })) });

async function control(sim: RunningHubSpotSimulator, method: string, path: string, body?: unknown): Promise<unknown> {
  return (await callSimulator(sim.url, method, path, body)).body;
}

async function callCount(sim: RunningHubSpotSimulator, status?: number): Promise<number> {
  const calls = await control(sim, 'GET', '/sim/calls?limit=10000');
  const list = callsAnswer.parse(calls).calls;
  return list.filter((c) => !c.path.startsWith('/sim') && (status === undefined || c.status === status)).length;
}

/** Contract tests: our HubSpot client over real HTTP against the local HubSpot (no mock of the client). */
describe('HubSpot connector against the local HubSpot', () => {
  let sim: RunningHubSpotSimulator;
  const connector = (options: { oauth?: boolean; lagMs?: number } = {}) =>
    new HubSpotConnector(
      { baseUrl: sim.url, searchLagMs: options.lagMs ?? 0 },
      options.oauth ? { oauth: { clientId: 'client', clientSecret: 'secret', refreshToken: 'refresh-1' } } : { privateAppToken: TOKEN },
      { maxRateWaitMs: 2_000 },
    );

  beforeAll(async () => {
    sim = await startHubSpotSimulator({
      privateAppTokens: [TOKEN],
      oauth: { clientId: 'client', clientSecret: 'secret', refreshTokens: ['refresh-1'] },
      limits: { privateAppPerInterval: 5, oauthPerInterval: 5, intervalMs: 300, daily: 1_000_000, searchPerSecond: 50 },
      searchLagMs: 0,
    });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    await control(sim, 'POST', '/sim/reset');
  });

  it('creates, reads, updates and finds a contact by phone, mapping fields both ways', async () => {
    const hubspot = connector();
    expect(await hubspot.test()).toEqual({ account: new URL(sim.url).host });
    const made = await hubspot.create({ firstName: 'Marta', lastName: 'Rossi', email: 'Marta@Example.com', phone: '+393331112222' });
    expect(made).toMatchObject({
      type: 'contacts',
      fields: { firstName: 'Marta', lastName: 'Rossi', email: 'marta@example.com', phone: '+393331112222' },
    });
    await hubspot.update(made, { lastName: 'Bianchi', email: null });
    expect((await hubspot.get(made))?.fields).toEqual({ firstName: 'Marta', lastName: 'Bianchi', email: null, phone: '+393331112222' });
    expect((await hubspot.findByPhone('+393331112222'))?.id).toBe(made.id);
    expect(await hubspot.findByPhone('+393339999999')).toBeNull();
    expect(await hubspot.get({ type: 'contacts', id: '999999' })).toBeNull();
  });

  it('writes linked records with one batch/update call; a missing record fails alone; a refused value is retried record by record', async () => {
    const hubspot = connector();
    const made = await Promise.all(
      ['+393331110001', '+393331110002', '+393331110003'].map((phone) =>
        hubspot.create({ firstName: 'Bo', lastName: null, email: null, phone }),
      ),
    );
    const [a, b, c] = made;
    if (!a || !b || !c) throw new Error('not created');
    await control(sim, 'DELETE', '/sim/calls');
    const outcomes = await hubspot.updateMany([
      { ref: a, fields: { lastName: 'Uno' } },
      { ref: { type: 'contacts', id: '987654321' }, fields: { lastName: 'Gone' } },
      { ref: c, fields: { lastName: 'Tre', email: 'tre@example.com' } },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    expect(await callCount(sim)).toBe(1);
    expect((await hubspot.get(a))?.fields.lastName).toBe('Uno');
    expect((await hubspot.get(c))?.fields).toMatchObject({ lastName: 'Tre', email: 'tre@example.com' });

    // HubSpot refuses the whole batch for one bad value (400, nothing written): the records then go one by one.
    await control(sim, 'DELETE', '/sim/calls');
    const second = await hubspot.updateMany([
      { ref: a, fields: { firstName: 'Ada' } },
      { ref: b, fields: { email: 'not an email' } },
    ]);
    expect(second.map((o) => o.ok)).toEqual([true, false]);
    expect(second[1]).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(await callCount(sim, 400)).toBe(2);
    expect(await callCount(sim)).toBe(3);
    expect((await hubspot.get(a))?.fields.firstName).toBe('Ada');
    expect((await hubspot.get(b))?.fields.email).toBeNull();
    // Reading several records is one batch/read; an id HubSpot does not have is left out.
    const read = await hubspot.getMany('contacts', [a.id, '987654321', c.id]);
    expect(read.map((r) => [r.id, r.fields.lastName])).toEqual([
      [a.id, 'Uno'],
      [c.id, 'Tre'],
    ]);
  });

  it('holds calls when the 10-second window runs out and waits out 429s instead of failing', async () => {
    const hubspot = connector();
    // 5 calls per 300 ms window: 14 calls must be paced by the headers, and all succeed.
    const results = await Promise.all(Array.from({ length: 14 }, () => hubspot.get({ type: 'contacts', id: '1' })));
    expect(results).toHaveLength(14);
    // Injected 429s (the CRM's limit answer) are waited out and repeated.
    await control(sim, 'POST', '/sim/faults', { kind: 'rate_limit', count: 2 });
    expect(await hubspot.findByPhone('+390000000000')).toBeNull();
    expect(await callCount(sim, 429)).toBeGreaterThanOrEqual(2);
    expect(hubspot.quota().burstRemaining).not.toBeNull();
    expect(hubspot.quota().dailyRemaining).not.toBeNull();
  });

  it('gives up with quota_exhausted when the daily allowance is spent', async () => {
    const small = await startHubSpotSimulator({ privateAppTokens: [TOKEN], limits: { daily: 2, privateAppPerInterval: 100 } });
    try {
      const hubspot = new HubSpotConnector({ baseUrl: small.url, searchLagMs: 0 }, { privateAppToken: TOKEN });
      await hubspot.test();
      await hubspot.test();
      const failure = await hubspot.test().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CrmError);
      expect(failure).toMatchObject({ kind: 'quota_exhausted', retryable: true });
      expect(hubspot.quota().dailyRemaining).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('refreshes an expired OAuth token and repeats the call; a bad token is an auth error', async () => {
    const hubspot = connector({ oauth: true });
    await hubspot.test();
    await control(sim, 'POST', '/sim/faults', { kind: 'token_expiry' });
    await hubspot.test();
    const calls = callsAnswer.parse(await control(sim, 'GET', '/sim/calls?path=/oauth&limit=100'));
    expect(calls.calls).toHaveLength(2);
    const bad = new HubSpotConnector({ baseUrl: sim.url, searchLagMs: 0 }, { privateAppToken: 'pat-wrong' });
    await expect(bad.test()).rejects.toMatchObject({ kind: 'auth', retryable: false });
  });

  it('reads every contact through the list pages, then only changes after the cursor', async () => {
    await control(sim, 'POST', '/sim/generate', { count: 250 });
    const hubspot = connector();
    const seen = new Set<string>();
    let cursor: SyncCursor = { phase: 'initial' };
    for (let pages = 0; pages < 10; pages++) {
      const page = await hubspot.pull(cursor);
      page.contacts.forEach((c) => seen.add(c.id));
      cursor = page.cursor;
      if (page.caughtUp) break;
    }
    expect(seen.size).toBe(250);
    expect(cursor.phase).toBe('incremental');
    const firstId = [...seen][0] ?? '';
    await new Promise((resolve) => setTimeout(resolve, 5));
    await control(sim, 'PATCH', `/sim/ui/contacts/${firstId}`, { properties: { firstname: 'Changed' } });
    const changes = await hubspot.pull(cursor);
    expect(changes.contacts.map((c) => [c.id, c.fields.firstName])).toContainEqual([firstId, 'Changed']);
    expect(changes.contacts.length).toBeLessThan(250);
  });

  it('sees a change that search shows late, because the incremental pull re-reads the lag window', async () => {
    const lagged = await startHubSpotSimulator({ privateAppTokens: [TOKEN], searchLagMs: 60_000 });
    try {
      const hubspot = new HubSpotConnector({ baseUrl: lagged.url, searchLagMs: 60_000 }, { privateAppToken: TOKEN });
      const made = await hubspot.create({ firstName: 'Lag', lastName: 'Test', email: null, phone: '+393330001111' });
      const cursor = { phase: 'incremental' as const, since: made.modifiedAt };
      expect((await hubspot.pull(cursor)).contacts).toEqual([]);
      expect(await hubspot.findByPhone('+393330001111')).toBeNull();
      await fetch(`${lagged.url}/sim/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceMs: 61_000 }),
      });
      // The change is indexed now; a cursor that had moved on to its time still finds it.
      const later = await hubspot.pull({ phase: 'incremental', since: made.modifiedAt + 30_000 });
      expect(later.contacts.map((c) => c.id)).toContain(made.id);
    } finally {
      await lagged.close();
    }
  });

  it('logs chat history as a WhatsApp communication on the contact, creates deals and tasks', async () => {
    const hubspot = connector();
    const contact = await hubspot.create({ firstName: 'Ada', lastName: 'L', email: null, phone: '+393334445555' });
    const logged = await hubspot.logActivity(contact, {
      key: 'conv-1:10',
      conversationTitle: 'Ada',
      lines: [{ at: '2026-01-01T10:00:00.000Z', direction: 'in', text: 'Hi' }],
    });
    expect(await hubspot.findActivity('conv-1:10')).toMatchObject({ id: logged.id });
    expect(await hubspot.findActivity('conv-1:11')).toBeNull();
    expect((await hubspot.createDeal(contact, { title: 'Order', stage: 'appointmentscheduled', amount: 10 })).id).toMatch(/\d+/);
    expect((await hubspot.createTask(contact, { title: 'Call', notes: 'n', dueAt: null })).id).toMatch(/\d+/);
    await expect(hubspot.createDeal(contact, { title: 'Bad', stage: 'no-such-stage', amount: null })).rejects.toMatchObject({
      kind: 'validation',
    });
  });

  it('answers an outage as unavailable (retryable), and works again after it', async () => {
    const hubspot = connector();
    await control(sim, 'POST', '/sim/faults', { kind: 'outage', seconds: 600, mode: 'http' });
    await expect(hubspot.test()).rejects.toMatchObject({ kind: 'unavailable', retryable: true });
    await control(sim, 'DELETE', '/sim/faults');
    await expect(hubspot.test()).resolves.toBeDefined();
  });
});
