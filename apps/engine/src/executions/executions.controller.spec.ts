import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';
import { ManualClock } from '../test-support/manual-clock';
import { Scenario } from '../test-support/scenario';

describe('execution log: filters and pages', () => {
  let h: EngineHarness;
  let s: Scenario;
  let clock: ManualClock;
  let priceFlow: string;
  let helloFlow: string;
  let firstVersion: string;
  let anna: string;

  beforeAll(async () => {
    clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    h = await startEngineHarness({ clock });
    s = await Scenario.create(h, 'execution log');
    priceFlow = await s.publish(priceReplyFlow('Prices start at 10 EUR', 'price'), 'Price reply');
    helloFlow = await s.publish(priceReplyFlow('Hello!', 'hello'), 'Hello reply');
    firstVersion = str(obj(obj((await s.admin.get(`/api/flows/${priceFlow}`)).body)['publishedVersion'])['id']);

    // Seven price runs an hour apart (the fourth fails: the number is unreachable), three hello runs.
    for (let i = 0; i < 7; i += 1) {
      const waId = `39333400000${i}`;
      if (i === 3)
        await fetch(`${h.simulator.url}/sim/faults`, {
          method: 'POST',
          body: JSON.stringify({ to: waId, kind: 'graph_error', code: 131026 }),
        });
      await s.customer(waId, i === 0 ? 'Anna' : `Customer ${i}`).says('price?');
      await h.advance(60 * 60 * 1000);
    }
    for (let i = 0; i < 3; i += 1) await s.customer('393334000000', 'Anna').says('hello');
    anna = str(
      obj(
        arr(obj((await s.admin.get('/api/contacts')).body)['data'])
          .map(obj)
          .find((c) => c['waId'] === '393334000000'),
      )['id'],
    );
  });
  afterAll(async () => {
    await h.close();
  });

  async function list(query: string): Promise<Record<string, unknown>[]> {
    const response = await s.admin.get(`/api/executions?${query}`);
    expect({ query, status: response.status }).toEqual({ query, status: 200 });
    return arr(obj(response.body)['data']).map(obj);
  }

  it('filters by flow, version, contact, status and error code', async () => {
    expect(await list(`flowId=${priceFlow}`)).toHaveLength(7);
    expect(await list(`flowId=${helloFlow}`)).toHaveLength(3);
    expect(await list(`flowVersionId=${firstVersion}`)).toHaveLength(7);
    const annas = await list(`contactId=${anna}`);
    expect(annas).toHaveLength(4);
    expect(new Set(annas.map((e) => e['contactId']))).toEqual(new Set([anna]));
    const failed = await list(`status=failed`);
    expect(failed.map((e) => [e['flowId'], e['errorCode']])).toEqual([[priceFlow, '131026']]);
    expect(await list(`errorCode=131026&flowId=${priceFlow}`)).toHaveLength(1);
    expect(await list(`errorCode=131047`)).toHaveLength(0);
    expect(await list(`status=succeeded&flowId=${priceFlow}`)).toHaveLength(6);
  });

  it('names the customer (name and number), the version and the error of each execution, in the list and the detail', async () => {
    const annas = await list(`contactId=${anna}&flowId=${priceFlow}`);
    expect(annas).toEqual([
      expect.objectContaining({ contact: { id: anna, name: 'Anna', phone: '+393334000000' }, version: { number: 1, kind: 'published' } }),
    ]);
    const [failed] = await list(`status=failed`);
    expect(failed).toMatchObject({
      contact: { name: 'Customer 3', phone: '+393334000003' },
      version: { number: 1, kind: 'published' },
      errorCode: '131026',
      errorMessage: expect.any(String),
    });
    const detail = obj((await s.admin.get(`/api/executions/${str(failed?.['id'])}`)).body);
    expect(detail).toMatchObject({ contact: { name: 'Customer 3', phone: '+393334000003' }, version: { number: 1, kind: 'published' } });
  });

  it("shows each execution's side effects with their idempotency keys and outcomes, as stored, never the request", async () => {
    const [failed] = await list(`status=failed`);
    const [succeeded] = await list(`contactId=${anna}&flowId=${priceFlow}`);
    for (const execution of [failed, succeeded]) {
      const id = str(execution?.['id']);
      const shown = arr(obj((await s.admin.get(`/api/executions/${id}`)).body)['sideEffects']).map(obj);
      const stored = await h.sql(
        `SELECT idempotency_key, node_id, kind, status, result FROM side_effects WHERE execution_id = $1 ORDER BY created_at, idempotency_key`,
        [id],
      );
      expect(stored.length).toBeGreaterThan(0);
      expect(shown.map((e) => [e['idempotencyKey'], e['nodeId'], e['kind'], e['status']])).toEqual(
        stored.map((r) => [r['idempotency_key'], r['node_id'], r['kind'], r['status']]),
      );
      for (const effect of shown) expect(Object.keys(effect)).not.toContain('request');
    }
    const failedEffects = arr(obj((await s.admin.get(`/api/executions/${str(failed?.['id'])}`)).body)['sideEffects']).map(obj);
    expect(failedEffects).toEqual([expect.objectContaining({ nodeId: 'reply', status: 'failed', code: '131026', wamid: null })]);
    const sent = arr(obj((await s.admin.get(`/api/executions/${str(succeeded?.['id'])}`)).body)['sideEffects']).map(obj);
    expect(sent).toEqual([
      expect.objectContaining({ nodeId: 'reply', status: 'succeeded', code: null, wamid: expect.stringMatching(/^wamid\./) }),
    ]);
  });

  it('filters by a time range, start inclusive and end exclusive', async () => {
    const rows = await list(`flowId=${priceFlow}&from=2026-03-02T11:00:00Z&to=2026-03-02T14:00:00Z`);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const at = Date.parse(str(row['startedAt']));
      expect(at).toBeGreaterThanOrEqual(Date.parse('2026-03-02T11:00:00Z'));
      expect(at).toBeLessThan(Date.parse('2026-03-02T14:00:00Z'));
    }
  });

  it('pages newest first with a cursor, without gaps or repeats', async () => {
    const all = await list('limit=200');
    expect(all).toHaveLength(10);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await s.admin.get(`/api/executions?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      const body = obj(response.body);
      seen.push(...arr(body['data']).map((e) => str(obj(e)['id'])));
      cursor = body['nextCursor'] === null ? null : str(body['nextCursor']);
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual(all.map((e) => str(e['id'])));
    const starts = all.map((e) => Date.parse(str(e['startedAt'])));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
  });

  it('refuses bad filters with 400 naming them', async () => {
    for (const [query, field] of [
      ['status=exploded', 'status'],
      ['flowId=not-a-uuid', 'flowId'],
      ['from=yesterday', 'from'],
      ['limit=0', 'limit'],
      ['limit=5000', 'limit'],
      ['cursor=bm9wZQ', 'cursor'],
      ['from=2026-03-03T00:00:00Z&to=2026-03-02T00:00:00Z', 'from'],
    ]) {
      const response = await s.admin.get(`/api/executions?${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(JSON.stringify(response.body)).toContain(field);
    }
  });
});
