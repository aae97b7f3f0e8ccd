import type { Browser, Page } from 'playwright-core';
import { Client } from 'pg';
import { describeInBrowser, launchBrowser, screenshot, signIn } from './support/browser';
import { type ProductStack, startProductStack } from './support/product-stack';

/** The local HubSpot's default private app token (apps/crm-simulators config). */
const HUBSPOT_TOKEN = 'pat-sim-hubspot-private-app-token';

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  return text === '' ? null : JSON.parse(text);
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? Object.entries(body).find(([k]) => k === name)?.[1] : undefined;
}

describeInBrowser('CRM: connect the local HubSpot, resolve a sync conflict, merge a duplicate, map product names', () => {
  let stack: ProductStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let hubspotUrl = '';
  let remoteId = '';
  let token = '';

  const db = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: stack?.databaseUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const engine = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${stack?.urls.engine}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await readJson(response) };
  };
  const hubspot = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${hubspotUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return await readJson(response);
  };

  beforeAll(async () => {
    // The periodic sync is slowed to a crawl so that "Sync now" alone moves changes and a change made on each side meets in one run.
    stack = await startProductStack({
      crmSimulators: ['hubspot'],
      engineEnv: { CRM_SYNC_INTERVAL_MS: '600000', CRM_PUSH_ON_CHANGE: 'false' },
    });
    hubspotUrl = stack.urls.crm['hubspot'] ?? '';
    if (!hubspotUrl) throw new Error('The stack runs without the local HubSpot');
    // A customer who exists only in HubSpot so far.
    remoteId = String(
      field(
        await hubspot('POST', '/sim/ui/contacts', {
          properties: { firstname: 'Lucia', lastname: 'Verdi', phone: '+393401112233', email: 'lucia@example.com' },
        }),
        'id',
      ),
    );
    const login = await engine('POST', '/api/auth/login', stack.admin);
    token = String(field(login.body, 'token'));
    browser = await launchBrowser();
    page = await signIn(browser, stack.urls.web, stack.admin, { next: '/settings/crm', viewport: { width: 1280, height: 900 } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('connects the local HubSpot, tests the connection, syncs and shows the health', async () => {
    const connect = page.getByRole('region', { name: 'Connect a CRM' });
    await connect.getByLabel('API address').fill(hubspotUrl);
    await connect.getByLabel('Private app token').fill(HUBSPOT_TOKEN);
    await screenshot(page, 'crm-connect');
    await connect.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('status').getByText('HubSpot connected. Test the connection, then sync.').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page
      .getByRole('status')
      .getByText(/^Connection works/)
      .waitFor();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page
      .getByRole('status')
      .getByText(/^Synced: 1 read from the CRM/)
      .waitFor();
    const health = page.getByRole('region', { name: 'Sync health' });
    await health.getByText('Batch success').waitFor();
    await health.getByText('Changes only').waitFor();
    await health.getByText('No error.').waitFor();
    // The HubSpot contact is now a Parley contact.
    const [lucia] = await db(
      async (c) => (await c.query(`SELECT first_name, email FROM contacts WHERE phone_e164 = '+393401112233'`)).rows,
    );
    expect(lucia).toEqual({ first_name: 'Lucia', email: 'lucia@example.com' });
    await page.getByRole('button', { name: 'Show signing key' }).click();
    expect(await page.getByLabel('Signing key').textContent()).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    await screenshot(page, 'crm-connected-health');

    // The nightly batch moves to another time; HubSpot's webhook target is shown, with why it is refused without a secret.
    const schedule = page.getByRole('region', { name: 'Nightly batch and webhooks' });
    const batchAt = schedule.getByLabel('Nightly batch at');
    expect(await batchAt.inputValue()).toBe('02:00');
    await batchAt.fill('03:30');
    await schedule.getByRole('button', { name: 'Save batch time' }).click();
    await page.getByRole('status').getByText('The nightly batch now runs at 03:30, workspace time.').waitFor();
    expect(await batchAt.inputValue()).toBe('03:30');
    await schedule.getByText(/^\/webhooks\/hubspot\/[0-9a-f-]{36}$/).waitFor();
    await schedule.getByText(/No app client secret is held/).waitFor();
    const [stored] = await db(async (c) => (await c.query(`SELECT batch_at FROM crm_connections`)).rows);
    expect(stored).toEqual({ batch_at: '03:30' });
    await schedule.scrollIntoViewIfNeeded();
    await screenshot(page, 'crm-nightly-batch');
  });

  it('queues a field changed on both sides, applies the latest, and lets a person keep the other value', async () => {
    await db((c) => c.query(`UPDATE contacts SET email = 'lucia.parley@example.com' WHERE phone_e164 = '+393401112233'`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await hubspot('PATCH', `/sim/ui/contacts/${remoteId}`, { properties: { email: 'lucia.crm@example.com' } });
    // HubSpot's search shows a change only after a few seconds (the local HubSpot: 3 s), and polling is every 5 s.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    const before = await page.getByRole('status').textContent();
    await page.getByRole('button', { name: 'Sync now' }).click();
    // The status still shows the previous sync until this one answers.
    await page.waitForFunction((previous) => {
      const text = document.querySelector('[role="status"]')?.textContent ?? '';
      return text !== previous && text.startsWith('Synced: ');
    }, before);
    expect(await page.getByRole('status').textContent()).toBe('Synced: 1 read from the CRM, 0 sent, 0 failed, 1 conflicts for review.');

    await page.goto(`${stack?.urls.web}/contacts/review`);
    const queue = page.getByRole('table');
    await queue.getByText('lucia.parley@example.com').waitFor();
    await queue.getByText('lucia.crm@example.com').waitFor();
    await queue.getByText(/applied \(latest\)/).waitFor();
    await screenshot(page, 'crm-conflict-review');
    await page.getByRole('button', { name: /^Keep the Parley value for Lucia/ }).click();
    await page
      .getByRole('status')
      .getByText(/is now “lucia\.parley@example\.com”, in Parley and the CRM\./)
      .waitFor();
    const [stored] = await db(async (c) => (await c.query(`SELECT email FROM contacts WHERE phone_e164 = '+393401112233'`)).rows);
    expect(stored).toEqual({ email: 'lucia.parley@example.com' });
    await screenshot(page, 'crm-conflict-resolved');
  });

  it('finds a duplicate of the synced customer and merges it', async () => {
    await db((c) =>
      c.query(
        `INSERT INTO contacts (workspace_id, wa_id, phone_e164, first_name, last_name, email)
         SELECT workspace_id, '393409998877', '+393409998877', 'Lucia', 'V.', 'lucia.parley@example.com' FROM contacts WHERE phone_e164 = '+393401112233'`,
      ),
    );
    await page.goto(`${stack?.urls.web}/contacts/duplicates`);
    await page.getByRole('button', { name: 'Scan now' }).click();
    const candidates = page.getByRole('table', { name: 'Duplicate candidates' });
    await candidates.getByText('same email lucia.parley@example.com').waitFor();
    await candidates.getByRole('button', { name: /^Review Lucia/ }).click();
    await page.getByRole('region', { name: 'Merge these contacts?' }).getByRole('button', { name: 'Merge' }).click();
    await page
      .getByRole('status')
      .getByText(/You can undo this for 30 days/)
      .waitFor();
    await page.getByText('No duplicates to review.').waitFor();
    const [merged] = await db(
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM contacts WHERE merged_into_id IS NOT NULL`)).rows,
    );
    expect(merged).toEqual({ n: 1 });
    await screenshot(page, 'crm-duplicate-merged');
  });

  it('maps a product name from an order to a catalogue code', async () => {
    const key = String(field((await engine('POST', '/api/api-keys', { name: 'Shop' })).body, 'key'));
    const order = await engine(
      'POST',
      '/api/crm/events',
      {
        type: 'order.created',
        id: 'ord-1',
        contact: { phone: '+393401112233' },
        order: { id: 'ord-1', total: 1299, currency: 'EUR', items: [{ name: 'IP15 Pro Max 256GB', qty: 1 }] },
      },
      { 'x-api-key': key },
    );
    expect(order.status).toBe(202);
    await page.goto(`${stack?.urls.web}/contacts`);
    await page.getByRole('link', { name: 'Products' }).click();
    await page.waitForURL((url) => url.pathname === '/contacts/products');
    const unmapped = page.getByRole('table', { name: 'Unmapped names' });
    await unmapped.getByText('IP15 Pro Max 256GB').waitFor();

    const form = page.getByRole('region', { name: 'Add a product' });
    await form.getByLabel('Code (SKU)').fill('apl-ip15pm');
    await form.getByLabel('Name').fill('iPhone 15 Pro Max');
    await form.getByLabel('Aliases (comma-separated)').fill('iPhone15 Pro Max, IP15 PM');
    await form.getByRole('button', { name: 'Add product' }).click();
    await page.getByRole('status').getByText('Added APL-IP15PM.').waitFor();
    await page.getByRole('table', { name: 'Products' }).getByText('iPhone15 Pro Max, IP15 PM').waitFor();
    // The same alias on a second product is refused, naming it.
    await form.getByLabel('Code (SKU)').fill('OTHER-1');
    await form.getByLabel('Name').fill('Something else');
    await form.getByLabel('Aliases (comma-separated)').fill('iphone 15 pro-max');
    await form.getByRole('button', { name: 'Add product' }).click();
    await form.getByRole('alert').getByText('aliases: "iphone 15 pro-max" already names APL-IP15PM').waitFor();
    await screenshot(page, 'products-catalogue');

    await unmapped.getByLabel('Product for IP15 Pro Max 256GB').selectOption({ label: 'APL-IP15PM — iPhone 15 Pro Max' });
    await unmapped.getByRole('button', { name: 'Map IP15 Pro Max 256GB' }).click();
    await page.getByRole('status').getByText('“IP15 Pro Max 256GB” now means APL-IP15PM; 1 order(s) updated.').waitFor();
    await page.getByText('Every product name in orders matches a product.').waitFor();
    const [line] = await db(
      async (c) => (await c.query(`SELECT items -> 0 ->> 'sku' AS sku FROM orders WHERE external_id = 'ord-1'`)).rows,
    );
    expect(line).toEqual({ sku: 'APL-IP15PM' });
    await screenshot(page, 'products-mapped');
  });

  it('offers "Send to webhook" in the flow editor', async () => {
    await page.goto(`${stack?.urls.web}/flows/new`);
    await page.getByLabel('Flow name').fill('To Zapier');
    await page.getByRole('button', { name: 'Create empty flow' }).click();
    await page.waitForURL((url) => /^\/flows\/[0-9a-f-]{36}$/.test(url.pathname));
    const palette = page.getByRole('complementary', { name: 'Steps' });
    await palette.getByLabel('Search steps').fill('zapier');
    const canvas = page.getByRole('region', { name: 'Flow canvas' });
    await palette.getByRole('button', { name: 'Send to webhook' }).dragTo(canvas, { targetPosition: { x: 300, y: 200 } });
    await canvas.getByRole('group', { name: 'Send to webhook', exact: true }).click();
    const form = page.getByRole('complementary', { name: 'Side panel' }).getByRole('form', { name: 'Settings of Send to webhook' });
    await form.getByLabel('Webhook URL').fill('https://hooks.zapier.com/hooks/catch/1/abc/');
    await form.getByLabel('Give up after (seconds)').waitFor();
    await screenshot(page, 'canvas-send-to-webhook');
  });
});

describeInBrowser('CRM: connect the local Zoho CRM and see a contact sync both ways', () => {
  let stack: ProductStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let zohoUrl = '';
  let token = '';

  const db = async (sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> => {
    const client = new Client({ connectionString: stack?.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows;
    } finally {
      await client.end();
    }
  };
  const zoho = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${zohoUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return await readJson(response);
  };
  /** Presses "Sync now" and answers the message the page shows for that sync (not an earlier one's). */
  const syncNow = async (): Promise<string> => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/sync') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Sync now' }).click(),
    ]);
    const d: unknown = JSON.parse(await response.text());
    const text = `Synced: ${String(field(d, 'pulled'))} read from the CRM, ${String(field(d, 'pushed'))} sent, ${String(field(d, 'failed'))} failed, ${String(field(d, 'conflicts'))} conflicts for review.`;
    await page.getByRole('status').getByText(text).waitFor();
    return text;
  };

  beforeAll(async () => {
    // Rounds slowed to a crawl: "Sync now" alone moves changes, so each step below is one sync a person starts.
    stack = await startProductStack({
      crmSimulators: ['zoho'],
      engineEnv: { CRM_SYNC_INTERVAL_MS: '600000', CRM_PUSH_ON_CHANGE: 'false' },
    });
    zohoUrl = stack.urls.crm['zoho'] ?? '';
    if (!zohoUrl) throw new Error('The stack runs without the local Zoho CRM');
    // A customer who exists only in Zoho so far, entered in Zoho's own screen.
    await zoho('POST', '/sim/ui/Contacts', {
      fields: { First_Name: 'Giada', Last_Name: 'Neri', Mobile: '+393405556677', Email: 'giada@example.com' },
    });
    const login = await fetch(`${stack.urls.engine}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(stack.admin),
    });
    token = String(field(await readJson(login), 'token'));
    browser = await launchBrowser();
    page = await signIn(browser, stack.urls.web, stack.admin, { next: '/settings/crm', viewport: { width: 1280, height: 900 } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('connects Zoho in /settings/crm, reads its contact, sends a Parley change and reads a Zoho change back', async () => {
    const connect = page.getByRole('region', { name: 'Connect a CRM' });
    await connect.getByLabel('CRM').selectOption('zoho');
    await connect.getByLabel('Accounts server of your data centre').fill(zohoUrl);
    // The local Zoho's default OAuth client and refresh token (apps/crm-simulators config).
    await connect.getByLabel('Client id').fill('1000.ZOHOSIMCLIENT');
    await connect.getByLabel('Client secret').fill('zoho-sim-client-secret');
    await connect.getByLabel('Refresh token').fill('1000.zoho-sim-refresh-token');
    await screenshot(page, 'crm-zoho-connect');
    await connect.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('status').getByText('Zoho CRM connected. Test the connection, then sync.').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page
      .getByRole('status')
      .getByText(/^Connection works/)
      .waitFor();

    // Zoho -> Parley: the contact entered in Zoho becomes a Parley contact, linked to its Zoho record.
    expect(await syncNow()).toMatch(/^Synced: 1 read from the CRM, 0 sent, 0 failed/);
    const [giada] = await db(
      `SELECT c.id::text AS id, c.first_name, c.email, l.remote_type, l.remote_id
         FROM contacts c JOIN crm_links l ON l.contact_id = c.id WHERE c.phone_e164 = '+393405556677'`,
    );
    expect(giada).toMatchObject({ first_name: 'Giada', email: 'giada@example.com', remote_type: 'Contacts' });
    const contactId = String(giada?.['id']);
    const remoteId = String(giada?.['remote_id']);
    const health = page.getByRole('region', { name: 'Sync health' });
    await health.getByText('No error.').waitFor();
    await screenshot(page, 'crm-zoho-connected');

    // Parley -> Zoho: the name changed in Parley (PATCH /api/contacts/:id, as the contact's owner would) reaches Zoho.
    const patched = await fetch(`${stack?.urls.engine}/api/contacts/${contactId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ firstName: 'Giadina' }),
    });
    expect(patched.status).toBe(200);
    expect(await syncNow()).toMatch(/ 1 sent, 0 failed/);
    const record = await zoho('GET', `/sim/records/Contacts?id=${remoteId}`);
    expect(field(record, 'First_Name')).toBe('Giadina');

    // Zoho -> Parley again: an email changed in Zoho's screen shows on the contact's page after a sync.
    await zoho('PATCH', `/sim/ui/Contacts/${remoteId}`, { fields: { Email: 'giada.neri@example.com' } });
    expect(await syncNow()).toMatch(/^Synced: 1 read from the CRM/);
    const [after] = await db(`SELECT first_name, email FROM contacts WHERE id = $1`, [contactId]);
    expect(after).toEqual({ first_name: 'Giadina', email: 'giada.neri@example.com' });
    await page.goto(`${stack?.urls.web}/contacts/${contactId}`);
    await page.getByText('giada.neri@example.com').first().waitFor();
    await page.getByText('Giadina').first().waitFor();
    // The contact's identity names the Zoho record it is linked to.
    await page.getByText(`Contacts ${remoteId}`).waitFor();
    await screenshot(page, 'crm-zoho-contact-both-ways');
  });
});

describeInBrowser('CRM: connect the local Salesforce and set how often it is read', () => {
  let stack: ProductStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let salesforceUrl = '';

  const settingsOf = async (): Promise<Record<string, unknown>> => {
    const client = new Client({ connectionString: stack?.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ settings: unknown }>(`SELECT settings FROM crm_connections`);
      const settings: unknown = rows[0]?.settings;
      if (typeof settings !== 'object' || settings === null) throw new Error('no CRM connection stored');
      return Object.fromEntries(Object.entries(settings));
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    stack = await startProductStack({
      crmSimulators: ['salesforce'],
      engineEnv: { CRM_SYNC_INTERVAL_MS: '600000', CRM_PUSH_ON_CHANGE: 'false', CRM_POLL_INTERVAL_MS: '5000' },
    });
    salesforceUrl = stack.urls.crm['salesforce'] ?? '';
    if (!salesforceUrl) throw new Error('The stack runs without the local Salesforce');
    browser = await launchBrowser();
    page = await signIn(browser, stack.urls.web, stack.admin, { next: '/settings/crm', viewport: { width: 1280, height: 900 } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('shows the installation default and the cost in requests a day, and saves only the poll interval', async () => {
    const connect = page.getByRole('region', { name: 'Connect a CRM' });
    await connect.getByLabel('CRM').selectOption('salesforce');
    await connect.getByLabel('Login address').fill(salesforceUrl);
    // The local Salesforce's default connected app and refresh token (apps/crm-simulators config).
    await connect.getByLabel('Consumer key').fill('3MVG9salesforce-sim-client-id');
    await connect.getByLabel('Consumer secret').fill('salesforce-sim-client-secret');
    await connect.getByLabel('Refresh token').fill('5Aep861salesforce-sim-refresh-token');
    await connect.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('status').getByText('Salesforce connected. Test the connection, then sync.').waitFor();

    const poll = page.getByRole('region', { name: "Reading Salesforce's changes" });
    const interval = poll.getByLabel('Poll every (seconds)');
    expect(await interval.inputValue()).toBe('5');
    await poll.getByText('Using the installation default, every 5 s.').waitFor();
    const cost = poll.getByRole('status', { name: 'Poll cost' });
    expect(await cost.textContent()).toBe('Costs 17,280 API requests a day.');

    // Once Salesforce has reported its daily allocation (Sforce-Limit-Info), the cost is also a share of it.
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page
      .getByRole('status')
      .getByText(/^Connection works/)
      .waitFor();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page
      .getByRole('status')
      .getByText(/^Synced: /)
      .waitFor();
    await poll.getByText('Costs 17,280 API requests a day (17.3 % of the 100,000 allowed).').waitFor({ timeout: 15_000 });

    // Typing shows the trade-off before anything is saved.
    await interval.fill('1.5');
    expect(await cost.textContent()).toBe('Costs 57,600 API requests a day (57.6 % of the 100,000 allowed).');
    await interval.fill('0.2');
    expect(await cost.textContent()).toBe('Enter 0.5 to 86,400 seconds.');
    expect(await poll.getByRole('button', { name: 'Save poll interval' }).isDisabled()).toBe(true);
    await interval.fill('1.5');
    const before = await settingsOf();
    await screenshot(page, 'crm-salesforce-poll-interval');
    await poll.getByRole('button', { name: 'Save poll interval' }).click();
    await page.getByRole('status').getByText('Salesforce is now read every 1.5 s.').waitFor();
    await poll.getByText("This connection's own interval; the installation default is every 5 s.", { exact: false }).waitFor();
    // Only the interval changed: the login address and the rest of the settings are as they were.
    expect(await settingsOf()).toEqual({ ...before, pollIntervalMs: 1500 });

    await poll.getByRole('button', { name: 'Use the installation default' }).click();
    await page.getByRole('status').getByText('Salesforce is read at the installation default, every 5 s.').waitFor();
    expect(await settingsOf()).toEqual(before);
    // The status shows as soon as the PATCH answers; the field follows when the page has reloaded the connection.
    for (let tries = 0; tries < 100 && (await interval.inputValue()) !== '5'; tries++) await page.waitForTimeout(100);
    expect(await interval.inputValue()).toBe('5');
  });
});
