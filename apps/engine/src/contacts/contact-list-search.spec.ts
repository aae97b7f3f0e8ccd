import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';

/**
 * The list's search pages exactly in updated_at order whichever way it is
 * read: a narrow search (its matches collected first, then ordered), a
 * broad one (more matches than are collected: the ordered walk), and a tag
 * filter (the tag's rows in their own index, in the list's order).
 */
describe('contacts list search paging', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
    // 2,100 "Broad" customers (more than the narrow path collects) and 7 "Narrow" ones, updated at distinct times.
    await h.dataSource.query(
      `INSERT INTO contacts (workspace_id, wa_id, phone_e164, first_name, last_name, display_name, updated_at)
       SELECT $1, (393500000000 + i)::text, '+' || (393500000000 + i), CASE WHEN i <= 7 THEN 'Narrow' ELSE 'Broad' END, 'Cliente' || i, NULL,
              timestamptz '2026-12-01' + (i * 7919 % 2107) * interval '1 second'
         FROM generate_series(1, 2107) AS i`,
      [h.workspace.id],
    );
  });
  afterAll(async () => {
    await h.close();
  });

  /** Every page of the search, following the cursor. */
  const allPages = async (search: string, limit: number, pages: number) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < pages; page++) {
      const query: string = `/api/contacts?limit=${limit}&search=${encodeURIComponent(search)}${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await h.workspace.admin.get(query);
      expect(response.status).toBe(200);
      const body = obj(response.body);
      ids.push(...arr(body['data']).map((c) => str(obj(c)['id'])));
      cursor = typeof body['nextCursor'] === 'string' ? body['nextCursor'] : null;
      if (!cursor) break;
    }
    return ids;
  };
  const expected = async (firstName: string, count: number) =>
    (
      await h.sql(`SELECT id FROM contacts WHERE workspace_id = $1 AND first_name = $2 ORDER BY updated_at DESC, id DESC LIMIT $3`, [
        h.workspace.id,
        firstName,
        count,
      ])
    ).map((r) => str(r['id']));

  it('a narrow search: every match, newest change first, across pages', async () => {
    expect(await allPages('narrow', 3, 10)).toEqual(await expected('Narrow', 7));
    expect(await allPages('cliente5', 50, 1)).toEqual(
      (
        await h.sql(
          `SELECT id FROM contacts WHERE workspace_id = $1 AND lower(last_name) LIKE 'cliente5%' ORDER BY updated_at DESC, id DESC LIMIT 50`,
          [h.workspace.id],
        )
      ).map((r) => str(r['id'])),
    );
  });

  it('a broad search: the same order, page after page', async () => {
    expect(await allPages('broad', 50, 3)).toEqual(await expected('Broad', 150));
  });

  it('a tag filter pages in the list order through the tag index, after changes, new tags and with another filter', async () => {
    const tagged = async (extra = '') =>
      (
        await h.sql(
          `SELECT c.id FROM contacts c JOIN contact_tags t ON t.contact_id = c.id AND t.tag = 'vip'
            WHERE c.workspace_id = $1 ${extra} ORDER BY c.updated_at DESC, c.id DESC`,
          [h.workspace.id],
        )
      ).map((r) => str(r['id']));
    const tagPages = async (query: string, limit: number) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 200; page++) {
        const response = await h.workspace.admin.get(`/api/contacts?limit=${limit}&${query}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(response.status).toBe(200);
        const body = obj(response.body);
        ids.push(...arr(body['data']).map((c) => str(obj(c)['id'])));
        cursor = typeof body['nextCursor'] === 'string' ? body['nextCursor'] : null;
        if (!cursor) break;
      }
      return ids;
    };
    await h.dataSource.query(
      `INSERT INTO contact_tags (workspace_id, contact_id, tag) SELECT workspace_id, id, 'vip' FROM contacts WHERE workspace_id = $1 AND wa_id::bigint % 3 = 0`,
      [h.workspace.id],
    );
    const first = await tagPages('tag=vip', 100);
    expect(first).toHaveLength(703);
    expect(first).toEqual(await tagged());
    // Contacts changed since (their tags follow their updated_at), and a tag given to a contact after.
    await h.dataSource.query(
      `UPDATE contacts SET updated_at = now() + (wa_id::bigint % 11) * interval '1 second' WHERE workspace_id = $1 AND wa_id::bigint % 5 = 0`,
      [h.workspace.id],
    );
    await h.dataSource.query(
      `INSERT INTO contact_tags (workspace_id, contact_id, tag) SELECT workspace_id, id, 'vip' FROM contacts WHERE workspace_id = $1 AND wa_id = '393500000002'`,
      [h.workspace.id],
    );
    const stale = await h.sql(
      `SELECT count(*)::int AS n FROM contact_tags t JOIN contacts c ON c.id = t.contact_id WHERE t.contact_updated_at <> c.updated_at`,
    );
    expect(stale).toEqual([{ n: 0 }]);
    expect(await tagPages('tag=vip', 25)).toEqual(await tagged());
    expect(await tagPages('tag=vip&search=narrow', 2)).toEqual(await tagged(`AND c.first_name = 'Narrow'`));
    expect(await tagPages('tag=vip&lastInteraction=never', 100)).toEqual(await tagged('AND c.last_inbound_at IS NULL'));
    // About 60 pages: more than the default 30 s on the shared machine.
  }, 120_000);
});
