import type { RemoteContact } from '../connectors/crm-connector';
import { type EngineHarness, startEngineHarness, type TestWorkspace } from '../../test-support/engine-harness';
import { obj, str } from '../../test-support/json';
import { CrmConnectionsService } from '../connections/crm-connections.service';
import { CrmSyncService, type PageOutcome } from './crm-sync.service';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');

/**
 * A page of CRM records applied in one set-based transaction resolves exactly
 * as the same records applied one by one: two workspaces with the same
 * state, one page each way, and every stored row compared.
 */
describe('CRM page applied at once = record by record', () => {
  let h: EngineHarness;
  let sync: CrmSyncService;
  let connections: CrmConnectionsService;

  beforeAll(async () => {
    h = await startEngineHarness({ env: { CRM_SYNC_INTERVAL_MS: '600000', CRM_PUSH_ON_CHANGE: 'false', CRM_POLL_INTERVAL_MS: '600000' } });
    sync = h.app.get(CrmSyncService);
    connections = h.app.get(CrmConnectionsService);
  });
  afterAll(async () => {
    await h.close();
  });

  /** A write made by "anyone" (not the sync): the contacts trigger files it in the outbox. */
  const exec = async (query: string, parameters: unknown[] = []): Promise<void> => {
    await h.dataSource.query(query, parameters);
  };

  /** The same starting state in a workspace: known, linked, merged contacts, and waiting Parley changes. */
  const prepare = async (workspace: TestWorkspace): Promise<string> => {
    const created = await workspace.admin.post('/api/crm/connections', {
      provider: 'hubspot',
      name: 'Page test',
      // No call reaches it: records are handed to the sync directly.
      settings: { baseUrl: 'http://127.0.0.1:4179', searchLagMs: 0 },
      secrets: { privateAppToken: 'pat-page-test' },
    });
    expect(created.status).toBe(201);
    const connectionId = str(obj(created.body)['id']);
    const contact = async (phone: string | null, first: string, email: string | null = null, createdAt = '2026-11-01T00:00:00Z') =>
      str(
        (
          await h.sql(
            `INSERT INTO contacts (workspace_id, wa_id, phone_e164, email, first_name, display_name, created_at)
             VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id`,
            [workspace.id, phone ? phone.slice(1) : null, phone, email, first, createdAt],
          )
        )[0]?.['id'],
      );
    await contact('+393330000001', 'Anna');
    const bruno = await contact('+393330000002', 'Bruno', 'bruno@example.com');
    const carla = await contact('+393330000003', 'Carla', 'carla@example.com');
    const dario = await contact('+393330000010', 'Dario', 'dario@example.com');
    const old = await contact('+393330000011', 'Elsa old', null, '2026-10-01T00:00:00Z');
    const kept = await contact('+393330000012', 'Elsa');
    await exec(`UPDATE contacts SET merged_into_id = $2, phone_e164 = '+393330000013' WHERE id = $1`, [old, kept]);
    const link = async (contactId: string, remoteId: string, baseline: Record<string, string | null>, modifiedAt: number) =>
      h.sql(
        `INSERT INTO crm_links (connection_id, contact_id, remote_type, remote_id, baseline, remote_modified_at)
         VALUES ($1, $2, 'contacts', $3, $4, $5) RETURNING contact_id`,
        [connectionId, contactId, remoteId, JSON.stringify(baseline), new Date(modifiedAt)],
      );
    const agreed = (first: string, phone: string, email: string) => ({ firstName: first, lastName: null, email, phone });
    await link(bruno, '102', agreed('Bruno', '+393330000002', 'bruno@example.com'), T0);
    await link(carla, '103', agreed('Carla', '+393330000003', 'carla@example.com'), T0);
    await link(dario, '110', agreed('Dario', '+393330000010', 'dario@example.com'), T0 + 60_000);
    // The contacts' creation was pushed already: only the two edits below wait.
    await exec(`UPDATE crm_outbox SET status = 'done', done_at = now() WHERE connection_id = $1`, [connectionId]);
    // Parley changes waiting for the CRM: Bruno's is older than the CRM's edit (the CRM wins), Carla's newer (Parley wins).
    await exec(`UPDATE contacts SET first_name = 'Bruno P' WHERE id = $1`, [bruno]);
    await exec(`UPDATE contacts SET first_name = 'Carla P' WHERE id = $1`, [carla]);
    await exec(
      `UPDATE crm_outbox SET changed_at = CASE WHEN contact_id = $2 THEN $4::timestamptz ELSE $5::timestamptz END
        WHERE connection_id = $1 AND contact_id IN ($2, $3)`,
      [connectionId, bruno, carla, new Date(T0 + 1_000), new Date(T0 + 9_000_000)],
    );
    return connectionId;
  };

  const record = (id: string, fields: Partial<RemoteContact['fields']>, modifiedAt: number): RemoteContact => ({
    type: 'contacts',
    id,
    fields: { firstName: null, lastName: null, email: null, phone: null, ...fields },
    modifiedAt,
  });
  const page: RemoteContact[] = [
    // A known contact, found by number (national format), gets the CRM's email.
    record('101', { firstName: 'Anna', lastName: 'Rossi', email: 'Anna@Example.com', phone: '333 000 0001' }, T0 + 5_000),
    // Linked, changed on both sides: the CRM's later change wins over Bruno's; Carla's later Parley change wins.
    record('102', { firstName: 'Bruna', email: 'bruno@example.com', phone: '+393330000002' }, T0 + 5_000),
    record('103', { firstName: 'Carla C', email: 'carla@example.com', phone: '+393330000003' }, T0 + 5_000),
    // New in Parley, then two duplicates in the CRM: one with the same number, one with the same email.
    record('104', { firstName: 'Franco', email: 'franco@example.com', phone: '+393330000004' }, T0 + 5_000),
    record('105', { firstName: 'Franco2', phone: '+39 333 000 0004' }, T0 + 5_000),
    record('106', { firstName: 'Franco3', email: 'FRANCO@example.com', phone: '+393330000006' }, T0 + 5_000),
    // Email only; nothing to match by; an old version of a linked record; a merged contact's number.
    record('107', { firstName: 'Gina', email: 'gina@example.com' }, T0 + 5_000),
    record('108', { firstName: 'Nobody' }, T0 + 5_000),
    record('110', { firstName: 'Dario old', email: 'dario@example.com', phone: '+393330000010' }, T0),
    record('113', { firstName: 'Elsa CRM', phone: '+393330000013' }, T0 + 5_000),
    // The same record twice in a page (the CRM's list moved under the reader): the later version applies over the first.
    record('101', { firstName: 'Anna', lastName: 'Rossi Bianchi', email: 'anna@example.com', phone: '+393330000001' }, T0 + 7_000),
  ];

  /** Every row the sync writes, keyed by what identifies it across workspaces (not ids). */
  const snapshot = async (workspaceId: string, connectionId: string) => {
    const key = `coalesce(c.phone_e164, c.email)`;
    return {
      contacts: await h.sql(
        `SELECT wa_id, phone_e164, email, first_name, last_name, display_name, merged_into_id IS NOT NULL AS merged
           FROM contacts c WHERE workspace_id = $1 ORDER BY ${key}`,
        [workspaceId],
      ),
      links: await h.sql(
        `SELECT ${key} AS contact, l.remote_type, l.remote_id, l.baseline, l.remote_modified_at, l.synced_at IS NOT NULL AS synced
           FROM crm_links l JOIN contacts c ON c.id = l.contact_id WHERE l.connection_id = $1 ORDER BY l.remote_id`,
        [connectionId],
      ),
      conflicts: await h.sql(
        `SELECT ${key} AS contact, field, local_value, local_changed_at, remote_value, remote_changed_at, remote_source, winner, status
           FROM crm_conflicts x JOIN contacts c ON c.id = x.contact_id WHERE x.connection_id = $1 ORDER BY 1, field`,
        [connectionId],
      ),
      outbox: await h.sql(
        `SELECT ${key} AS contact, kind, payload, status FROM crm_outbox o JOIN contacts c ON c.id = o.contact_id
          WHERE o.connection_id = $1 ORDER BY 1, o.id`,
        [connectionId],
      ),
      created: await h.sql(
        `SELECT ${key} AS contact, e.payload FROM events e JOIN contacts c ON c.id = e.contact_id
          WHERE e.workspace_id = $1 AND e.type = 'contact.created' ORDER BY 1`,
        [workspaceId],
      ),
    };
  };
  const summary = (outcomes: PageOutcome[]) => outcomes.map((o) => ('error' in o ? 'error' : o.conflicts));

  it('resolves duplicates, conflicts and known contacts exactly as one record at a time', async () => {
    const one = h.workspace;
    const other = await h.addWorkspace('Page');
    const oneConnection = await prepare(one);
    const otherConnection = await prepare(other);
    const rowOf = async (id: string) => {
      const row = await connections.rowById(id);
      if (!row) throw new Error('no connection');
      return row;
    };
    const before = await snapshot(one.id, oneConnection);
    expect(await snapshot(other.id, otherConnection)).toEqual(before);

    const each = await sync.applyEach(await rowOf(oneConnection), 'hubspot', page);
    const atOnce = await sync.applyPage(await rowOf(otherConnection), 'hubspot', page);

    expect(summary(atOnce)).toEqual(summary(each));
    const after = await snapshot(one.id, oneConnection);
    expect(await snapshot(other.id, otherConnection)).toEqual(after);

    // And the outcome is the one the rules give (so the comparison is not of two empty results).
    expect(summary(each)).toEqual([0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(after.links.map((l) => l['remote_id'])).toEqual(['101', '102', '103', '104', '107', '110', '113']);
    expect(after.conflicts.map((c) => [c['contact'], c['winner']])).toEqual([
      ['+393330000002', 'remote'],
      ['+393330000003', 'local'],
    ]);
    const byPhone = new Map(after.contacts.map((c) => [c['phone_e164'], c]));
    expect(byPhone.get('+393330000001')).toMatchObject({ email: 'anna@example.com', last_name: 'Rossi Bianchi' });
    expect(byPhone.get('+393330000002')).toMatchObject({ first_name: 'Bruna' });
    expect(byPhone.get('+393330000003')).toMatchObject({ first_name: 'Carla P' });
    expect(byPhone.get('+393330000004')).toMatchObject({ first_name: 'Franco' });
    expect(byPhone.has('+393330000006')).toBe(false);
    expect(byPhone.get('+393330000010')).toMatchObject({ first_name: 'Dario' });
    // The merged contact's number found the contact it was merged into, which takes the CRM's values.
    expect(after.contacts.filter((c) => c['first_name'] === 'Elsa CRM')).toEqual([
      expect.objectContaining({ wa_id: '393330000012', phone_e164: '+393330000013', merged: false }),
    ]);
    expect(after.created.map((c) => c['contact'])).toEqual(['+393330000004', 'gina@example.com']);
  });
});
