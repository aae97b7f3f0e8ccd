import { startZohoSimulator } from '@parley/crm-simulators';
import { useContractSimulator } from '../connector-contract.spec-helper';
import type { SyncCursor } from '../crm-connector';
import { ZohoConnector } from './zoho-connector';

const OAUTH = { clientId: '1000.CLIENT', clientSecret: 'zoho-secret', refreshToken: '1000.refresh' };

/** Contract tests: our Zoho CRM client over real HTTP against the local Zoho CRM (no mock of the client). */
describe('Zoho connector against the local Zoho CRM', () => {
  const { sim, control } = useContractSimulator(() =>
    startZohoSimulator({
      dataCentre: 'eu',
      oauth: { clientId: OAUTH.clientId, clientSecret: OAUTH.clientSecret, refreshTokens: [OAUTH.refreshToken] },
    }),
  );
  const connector = () => new ZohoConnector({ accountsUrl: sim().url, module: 'Contacts' }, OAUTH, { maxRateWaitMs: 3_000 });

  it('creates, reads, updates, and finds by phone in Contacts then Leads', async () => {
    const zoho = connector();
    await zoho.test();
    const made = await zoho.create({ firstName: 'Eva', lastName: null, email: 'eva@example.com', phone: '+393331112222' });
    expect((await zoho.get(made))?.fields).toEqual({ firstName: 'Eva', lastName: null, email: 'eva@example.com', phone: '+393331112222' });
    await zoho.update(made, { lastName: 'Neri' });
    expect((await zoho.get(made))?.fields.lastName).toBe('Neri');
    expect((await zoho.findByPhone('+393331112222'))?.id).toBe(made.id);
    expect(await control('POST', '/sim/records/Leads', { records: [{ Last_Name: 'Lead', Mobile: '+393338887777' }] })).toBeLessThan(300);
    expect((await zoho.findByPhone('+393338887777'))?.type).toBe('Leads');
    expect(await zoho.findByPhone('+390000000000')).toBeNull();
    expect(await zoho.get({ type: 'Contacts', id: '1' })).toBeNull();
  });

  it('writes records of both modules with one PUT per module; a refused record fails alone and the others land', async () => {
    const zoho = connector();
    const a = await zoho.create({ firstName: 'Ugo', lastName: null, email: null, phone: '+393331110001' });
    const b = await zoho.create({ firstName: 'Ivo', lastName: null, email: null, phone: '+393331110002' });
    expect(await control('POST', '/sim/records/Leads', { records: [{ Last_Name: 'Lead', Mobile: '+393331110003' }] })).toBeLessThan(300);
    const lead = await zoho.findByPhone('+393331110003');
    if (!lead) throw new Error('lead not seeded');
    await control('DELETE', '/sim/calls');
    const outcomes = await zoho.updateMany([
      { ref: a, fields: { lastName: 'Uno' } },
      { ref: b, fields: { email: 'not an email' } },
      { ref: lead, fields: { firstName: 'Lea' } },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { kind: 'validation' } });
    const calls = await fetch(`${sim().url}/sim/calls?method=PUT`).then((r) => r.json());
    expect(JSON.stringify(calls).match(/"path":"[^"]*\/(Contacts|Leads)"/g)).toHaveLength(2);
    expect((await zoho.get(a))?.fields.lastName).toBe('Uno');
    expect((await zoho.get(b))?.fields.email).toBeNull();
    expect((await zoho.get(lead))?.fields.firstName).toBe('Lea');
    // Every record refused: Zoho answers 400 with the list, still one outcome each.
    expect((await zoho.updateMany([{ ref: b, fields: { email: 'still bad' } }])).map((o) => o.ok)).toEqual([false]);
    const read = await zoho.getMany('Contacts', [a.id, '999999999999', b.id]);
    // Zoho answers in its own order.
    expect(read.map((r) => [r.id, r.fields.firstName]).sort()).toEqual(
      [
        [a.id, 'Ugo'],
        [b.id, 'Ivo'],
      ].sort(),
    );
    expect(await zoho.getMany('Contacts', ['999999999999'])).toEqual([]);
  });

  it('refreshes an expired token; a revoked refresh token is an auth error', async () => {
    const zoho = connector();
    await zoho.test();
    await control('POST', '/sim/faults', { kind: 'token_expiry' });
    await expect(zoho.test()).resolves.toBeDefined();
    const bad = new ZohoConnector({ accountsUrl: sim().url, module: 'Contacts' }, { ...OAUTH, refreshToken: '1000.wrong' });
    await expect(bad.test()).rejects.toMatchObject({ kind: 'auth' });
  });

  it('waits out TOO_MANY_REQUESTS and counts its calls (Zoho sends no usage header)', async () => {
    const zoho = connector();
    await zoho.test();
    await control('POST', '/sim/faults', { kind: 'rate_limit', count: 1 });
    await expect(zoho.test()).resolves.toBeDefined();
    expect(zoho.quota().callsMade).toBeGreaterThanOrEqual(3);
  });

  it('pages through every record with page tokens past 2,000, then reads changes with If-Modified-Since', async () => {
    expect(await control('POST', '/sim/generate', { count: 2300, module: 'Contacts' })).toBeLessThan(300);
    const zoho = connector();
    const seen = new Set<string>();
    let cursor: SyncCursor = { phase: 'initial' };
    for (let i = 0; i < 20; i++) {
      const page = await zoho.pull(cursor);
      page.contacts.forEach((c) => seen.add(c.id));
      cursor = page.cursor;
      if (page.caughtUp) break;
    }
    expect(seen.size).toBe(2300);
    expect(cursor.phase).toBe('incremental');
    const someId = [...seen][7] ?? '';
    // Zoho's times are to the second: the change lands in a later second than the seed.
    await control('POST', '/sim/clock', { advanceMs: 2000 });
    expect(await control('PATCH', `/sim/ui/Contacts/${someId}`, { fields: { First_Name: 'Changed' } })).toBeLessThan(300);
    // The last second before the cursor is read again (Zoho's times have no milliseconds), so the change may be on a later page.
    const changed: [string, string | null][] = [];
    for (let i = 0; i < 20; i++) {
      const page = await zoho.pull(cursor);
      changed.push(...page.contacts.map((c): [string, string | null] => [c.id, c.fields.firstName]));
      cursor = page.cursor;
      if (page.caughtUp) break;
    }
    expect(changed).toContainEqual([someId, 'Changed']);
    // Caught up, the next pull reads only the last second again.
    expect((await zoho.pull(cursor)).contacts.map((c) => c.id)).toEqual([someId]);
  });

  it('logs chat history as a Note found again by its key, creates deals and tasks', async () => {
    const zoho = connector();
    const contact = await zoho.create({ firstName: 'Ugo', lastName: 'Bassi', email: null, phone: '+393334445555' });
    const logged = await zoho.logActivity(contact, {
      key: 'conv-1-5',
      conversationTitle: 'Ugo',
      lines: [{ at: '2026-01-01T10:00:00Z', direction: 'out', text: 'Hi' }],
    });
    expect(await zoho.findActivity('conv-1-5')).toEqual({ id: logged.id });
    expect(await zoho.findActivity('conv-1-6')).toBeNull();
    expect((await zoho.createDeal(contact, { title: 'Order', stage: 'Qualification', amount: 5 })).id).toBeTruthy();
    expect((await zoho.createTask(contact, { title: 'Call', notes: 'n', dueAt: null })).id).toBeTruthy();
  });
});
