import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { arr, obj, str } from '../../test-support/json';
import { productNameKey, productNameKeySql } from './product-name-key';

describe('product catalogue: codes, aliases, order lines and the unmapped names queue', () => {
  let h: EngineHarness;
  let apiKey: string;

  beforeAll(async () => {
    h = await startEngineHarness();
    apiKey = str(obj((await h.workspace.admin.post('/api/api-keys', { name: 'Shop' })).body)['key']);
  });
  afterAll(async () => {
    await h.close();
  });

  const order = async (id: string, items: Record<string, unknown>[], phone = '+39 333 555 0202') => {
    const response = await fetch(`${h.url}/api/crm/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({
        type: 'order.created',
        id,
        contact: { phone, firstName: 'Marta' },
        order: { id, total: 10, currency: 'EUR', items },
      }),
    });
    expect(response.status).toBe(202);
  };
  const linesOf = async (externalId: string) =>
    arr((await h.sql(`SELECT items FROM orders WHERE workspace_id = $1 AND external_id = $2`, [h.workspace.id, externalId]))[0]?.['items']);
  const unmapped = async () => arr(obj((await h.workspace.admin.get('/api/unmapped-product-names')).body)['data']).map(obj);

  it('computes the same match key in SQL as in TypeScript', async () => {
    const samples = ['iPhone15 Pro Max', 'IPHONE 15 pro-max', 'Café  Crème', 'Straße', 'İstanbul ✓ 2', '— ! —', 'ÅÄÖ-ﬁ 1/2'];
    const rows = await h.sql(`SELECT ${productNameKeySql('t')} AS key FROM unnest($1::text[]) WITH ORDINALITY AS s(t, n) ORDER BY n`, [
      samples,
    ]);
    expect(rows.map((r) => r['key'])).toEqual(samples.map(productNameKey));
  });

  it('creates a product, finds it by any way of writing it, and gives orders its code', async () => {
    const created = await h.workspace.admin.post('/api/products', {
      code: 'apl-ip15pm',
      name: 'iPhone 15 Pro Max',
      aliases: ['iPhone15 Pro Max', 'IP15 PM'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'APL-IP15PM', name: 'iPhone 15 Pro Max', aliases: ['iPhone15 Pro Max', 'IP15 PM'] });
    const match = await h.workspace.admin.get(`/api/products/match?name=${encodeURIComponent('iphone15 pro-max')}`);
    expect(obj(obj(match.body)['product'])).toMatchObject({ code: 'APL-IP15PM' });
    expect(obj((await h.workspace.admin.get('/api/products/match?name=Galaxy')).body)).toEqual({ product: null });

    await order('P-1', [
      { name: 'iPhone15 Pro Max', qty: 1 },
      { sku: 'shop-1', name: 'Galaxy S24 Ultra' },
    ]);
    expect(await linesOf('P-1')).toEqual([
      { name: 'iPhone15 Pro Max', qty: 1, sku: 'APL-IP15PM' },
      { sku: 'shop-1', name: 'Galaxy S24 Ultra' },
    ]);
    expect(await unmapped()).toEqual([
      expect.objectContaining({ name: 'Galaxy S24 Ultra', source: 'order', occurrences: 1, status: 'open' }),
    ]);
    await order('P-2', [{ title: 'galaxy s24 ultra' }]);
    expect(await unmapped()).toEqual([expect.objectContaining({ name: 'Galaxy S24 Ultra', occurrences: 2 })]);
  });

  it('Map to…: the name becomes an alias and stored orders get the code; the decision is audited', async () => {
    const galaxy = obj((await h.workspace.admin.post('/api/products', { code: 'SAM-S24U', name: 'Samsung Galaxy S24 Ultra' })).body);
    const [queued] = await unmapped();
    const mapped = await h.workspace.admin.post(`/api/unmapped-product-names/${str(queued?.['id'])}/map`, { productId: galaxy['id'] });
    expect(mapped.status).toBe(200);
    expect(mapped.body).toMatchObject({ ordersUpdated: 2, name: { status: 'mapped', productCode: 'SAM-S24U' } });
    expect(await linesOf('P-1')).toEqual([
      { name: 'iPhone15 Pro Max', qty: 1, sku: 'APL-IP15PM' },
      { sku: 'SAM-S24U', source_sku: 'shop-1', name: 'Galaxy S24 Ultra' },
    ]);
    expect(await linesOf('P-2')).toEqual([{ title: 'galaxy s24 ultra', sku: 'SAM-S24U' }]);
    expect(await unmapped()).toEqual([]);
    const product = obj((await h.workspace.admin.get('/api/products?q=galaxy')).body);
    expect(arr(product['data']).map(obj)).toEqual([expect.objectContaining({ code: 'SAM-S24U', aliases: ['Galaxy S24 Ultra'] })]);
    expect(await h.count('audit_log', `action = 'product.name_mapped' AND workspace_id = $1`, [h.workspace.id])).toBe(1);
    // A later order with the name is coded on arrival.
    await order('P-3', [{ name: 'GALAXY S24 ULTRA' }]);
    expect(await linesOf('P-3')).toEqual([{ name: 'GALAXY S24 ULTRA', sku: 'SAM-S24U' }]);
    const again = await h.workspace.admin.post(`/api/unmapped-product-names/${str(queued?.['id'])}/map`, { productId: galaxy['id'] });
    expect(again.status).toBe(409);
  });

  it('adding a product whose alias matches a queued name settles it; dismissed names stay dismissed', async () => {
    await order('P-4', [{ name: 'Pixel 9' }, { name: 'Gift wrap' }]);
    const queue = await unmapped();
    expect(queue.map((q) => q['name']).sort()).toEqual(['Gift wrap', 'Pixel 9']);
    const wrap = queue.find((q) => q['name'] === 'Gift wrap');
    expect((await h.workspace.admin.post(`/api/unmapped-product-names/${str(wrap?.['id'])}/dismiss`)).status).toBe(200);
    expect((await h.workspace.admin.post('/api/products', { code: 'GOO-PX9', name: 'Google Pixel 9', aliases: ['Pixel 9'] })).status).toBe(
      201,
    );
    expect(await linesOf('P-4')).toEqual([{ name: 'Pixel 9', sku: 'GOO-PX9' }, { name: 'Gift wrap' }]);
    expect(await unmapped()).toEqual([]);
    await order('P-5', [{ name: 'gift wrap' }]);
    expect(await unmapped()).toEqual([]);
  });

  it('refuses bad input with 4xx naming the field, clashes with 409, and stores nothing', async () => {
    const before = { products: await h.count('products'), aliases: await h.count('product_aliases') };
    const cases: [unknown, number, RegExp][] = [
      [{ name: 'x' }, 400, /code/],
      [{ code: 'bad code!', name: 'x' }, 400, /code/],
      [{ code: 'OK-1', name: '  ' }, 400, /name/],
      [{ code: 'OK-1', name: 'x', aliases: ['?!'] }, 400, /alias/],
      [{ code: 'OK-1', name: 'x', aliases: 'a' }, 400, /aliases/],
      [{ code: 'APL-IP15PM', name: 'Another' }, 409, /code: APL-IP15PM already exists/],
      [{ code: 'OK-2', name: 'Thing', aliases: ['iphone 15 PRO max'] }, 409, /aliases: "iphone 15 PRO max" already names APL-IP15PM/],
    ];
    for (const [body, status, message] of cases) {
      const response = await h.workspace.admin.post('/api/products', body);
      expect({ body, status: response.status }).toEqual({ body, status });
      expect(JSON.stringify(response.body).replace(/\\"/g, '"')).toMatch(message);
    }
    expect({ products: await h.count('products'), aliases: await h.count('product_aliases') }).toEqual(before);
    expect((await h.workspace.admin.post('/api/unmapped-product-names/not-a-uuid/map', { productId: 'x' })).status).toBe(400);
  });

  it('edits and removes a product; support may read but not write; other workspaces see nothing', async () => {
    const created = obj((await h.workspace.admin.post('/api/products', { code: 'TMP-1', name: 'Temporary' })).body);
    const id = str(created['id']);
    const edited = await h.workspace.admin.request('PATCH', `/api/products/${id}`, { code: 'TMP-2', name: 'Temporary', aliases: ['Temp'] });
    expect(edited.status).toBe(200);
    expect(obj(obj((await h.workspace.admin.get('/api/products/match?name=temp')).body)['product'])).toMatchObject({ code: 'TMP-2' });
    const support = await h.workspace.user('support');
    expect((await support.get('/api/products')).status).toBe(200);
    expect((await support.post('/api/products', { code: 'NO-1', name: 'No' })).status).toBe(403);
    const other = await h.addWorkspace('Other shop');
    expect(arr(obj((await other.admin.get('/api/products')).body)['data'])).toEqual([]);
    expect((await other.admin.request('PATCH', `/api/products/${id}`, { code: 'X-1', name: 'x' })).status).toBe(404);
    expect((await other.admin.request('DELETE', `/api/products/${id}`)).status).toBe(404);
    expect(obj((await other.admin.get('/api/products/match?name=temp')).body)).toEqual({ product: null });
    expect((await h.workspace.admin.request('DELETE', `/api/products/${id}`)).status).toBe(204);
    expect(await h.count('product_aliases', 'product_id = $1', [id])).toBe(0);
  });
});
