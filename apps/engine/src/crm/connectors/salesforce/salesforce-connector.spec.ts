import { startSalesforceSimulator } from '@parley/crm-simulators';
import { useContractSimulator } from '../connector-contract.spec-helper';
import type { SyncCursor } from '../crm-connector';
import { SalesforceConnector } from './salesforce-connector';

const OAUTH = { clientId: 'sf-client', clientSecret: 'sf-secret', refreshToken: 'sf-refresh' };

/** Contract tests: our Salesforce client over real HTTP against the local Salesforce (no mock of the client). */
describe('Salesforce connector against the local Salesforce', () => {
  const { sim, control } = useContractSimulator(() =>
    startSalesforceSimulator({
      oauth: { clientId: OAUTH.clientId, clientSecret: OAUTH.clientSecret, refreshTokens: [OAUTH.refreshToken] },
    }),
  );
  const connector = (object: 'Contact' | 'Lead' = 'Contact') =>
    new SalesforceConnector({ loginUrl: sim().url, apiVersion: 'v62.0', object }, OAUTH, { maxRateWaitMs: 2_000 });

  it('upserts by the E.164 external id (twice is one record), reads, updates and finds by phone', async () => {
    const sf = connector();
    expect((await sf.test()).account).toBe(new URL(sim().url).host);
    const made = await sf.create({ firstName: 'Ana', lastName: null, email: 'ANA@example.com', phone: '+393331112222' });
    const again = await sf.create({ firstName: 'Ana', lastName: null, email: 'ana@example.com', phone: '+393331112222' });
    expect(again.id).toBe(made.id);
    expect(made.fields).toEqual({ firstName: 'Ana', lastName: null, email: 'ana@example.com', phone: '+393331112222' });
    await sf.update(made, { lastName: 'Silva' });
    expect((await sf.get(made))?.fields.lastName).toBe('Silva');
    expect((await sf.findByPhone('+393331112222'))?.id).toBe(made.id);
    expect(await sf.findByPhone('+393339999999')).toBeNull();
    expect(sf.quota().dailyRemaining).not.toBeNull();
  });

  it('writes records with one sObject Collections call (allOrNone false); refused and unknown records fail alone', async () => {
    const sf = connector();
    const a = await sf.create({ firstName: 'Ugo', lastName: null, email: null, phone: '+393331110001' });
    const b = await sf.create({ firstName: 'Ivo', lastName: null, email: null, phone: '+393331110002' });
    await control('DELETE', '/sim/calls');
    const outcomes = await sf.updateMany([
      { ref: a, fields: { lastName: 'Uno', phone: '+393331110009' } },
      { ref: b, fields: { email: 'not an email' } },
      { ref: { type: 'Contact', id: '003000000000000AAA' }, fields: { lastName: 'Gone' } },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false]);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(outcomes[2]).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    const calls = await fetch(`${sim().url}/sim/calls?method=PATCH`).then((r) => r.json());
    expect(JSON.stringify(calls).match(/"path":"[^"]*\/composite\/sobjects"/g)).toHaveLength(1);
    expect((await sf.get(a))?.fields).toMatchObject({ lastName: 'Uno', phone: '+393331110009' });
    expect((await sf.get(b))?.fields.email).toBeNull();
    const read = await sf.getMany('Contact', [a.id, '003000000000000AAA', b.id]);
    expect(read.map((r) => [r.id, r.fields.firstName])).toEqual([
      [a.id, 'Ugo'],
      [b.id, 'Ivo'],
    ]);
  });

  it('sends several records with one number to a person (300 → ambiguous)', async () => {
    const seeded = await control('POST', '/sim/records/Contact', {
      records: [
        { LastName: 'One', Phone_E164__c: '+393330000001' },
        { LastName: 'Two', Phone_E164__c: '+393330000001' },
      ],
    });
    expect(seeded).toBeLessThan(300);
    await expect(connector().findByPhone('+393330000001')).rejects.toMatchObject({ kind: 'ambiguous', retryable: false });
  });

  it('refreshes an expired session and repeats the call', async () => {
    const sf = connector();
    await sf.test();
    await control('POST', '/sim/faults', { kind: 'token_expiry' });
    await expect(sf.test()).resolves.toBeDefined();
  });

  it('stops with quota_exhausted when the 24 h allocation is spent (403 REQUEST_LIMIT_EXCEEDED)', async () => {
    const sf = connector();
    await sf.test();
    await control('POST', '/sim/faults', { kind: 'rate_limit', count: 1 });
    await expect(sf.test()).rejects.toMatchObject({ kind: 'quota_exhausted', retryable: true });
  });

  it('pages through every record with a keyset cursor, then reads changes by SystemModstamp', async () => {
    expect(await control('POST', '/sim/generate', { count: 2500, sobject: 'Contact' })).toBeLessThan(300);
    const sf = connector();
    const seen = new Set<string>();
    let cursor: SyncCursor = { phase: 'initial' };
    for (let i = 0; i < 5; i++) {
      const page = await sf.pull(cursor);
      page.contacts.forEach((c) => seen.add(c.id));
      cursor = page.cursor;
      if (page.caughtUp) break;
    }
    expect(seen.size).toBe(2500);
    expect(cursor.phase).toBe('incremental');
    const changes = await sf.pull(cursor);
    const someId = [...seen][42] ?? '';
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await control('PATCH', `/sim/ui/Contact/${someId}`, { fields: { FirstName: 'Changed' } })).toBeLessThan(300);
    const after = await sf.pull(changes.cursor);
    expect(after.contacts.map((c) => [c.id, c.fields.firstName])).toContainEqual([someId, 'Changed']);
  });

  it('logs chat history as a Task found again by its key, creates opportunities and tasks', async () => {
    const sf = connector();
    const contact = await sf.create({ firstName: 'Bo', lastName: 'Li', email: null, phone: '+393334445555' });
    const logged = await sf.logActivity(contact, {
      key: 'conv-9-3',
      conversationTitle: 'Bo',
      lines: [{ at: '2026-01-01T10:00:00Z', direction: 'in', text: 'Ciao' }],
    });
    expect(await sf.findActivity('conv-9-3')).toEqual({ id: logged.id });
    expect(await sf.findActivity('conv-9-4')).toBeNull();
    expect((await sf.createDeal(contact, { title: 'Order', stage: 'Prospecting', amount: 100 })).id).toBeTruthy();
    expect((await sf.createTask(contact, { title: 'Call back', notes: '', dueAt: new Date() })).id).toBeTruthy();
    await expect(sf.createDeal(contact, { title: 'Bad', stage: 'Nope', amount: null })).rejects.toMatchObject({ kind: 'validation' });
  });
});
