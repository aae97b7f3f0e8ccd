import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';

/**
 * The list's search pages exactly in updated_at order whichever way it is
 * read: a narrow search (its matches collected first, then ordered) and a
 * broad one (more matches than are collected: the ordered walk).
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
});
