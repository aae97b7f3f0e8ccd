import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser, screenshot } from './support/browser';
import { type EngineApi, engineApi } from './support/engine-api';
import { arr, obj, str } from './support/json-value';
import { type ProductStack, startProductStack } from './support/product-stack';
import { priceReplyFlow } from './support/price-reply-flow';
import { waitUntil } from './support/wait-until';

const STEP_TIMEOUT_MS = 180_000;
const FAILING = ['393337000001', '393337000002', '393337000003', '393337000004'];

describeInBrowser('the admin console: find a failed execution, retry it, bulk-retry by filter, read the audit trail', () => {
  let stack: ProductStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let admin: EngineApi;
  let web = '';
  let flowId = '';

  /** A copy of a processed delivery, parked as the engine parks one that failed its retries (its replay adds nothing new). */
  async function parkDelivery(): Promise<string> {
    const client = new Client({ connectionString: stack?.databaseUrl });
    await client.connect();
    try {
      const result = await client.query<{ id: string }>(
        `INSERT INTO webhook_deliveries (provider, received_at, body, processed_at, attempts, last_error, status, workspace_ids)
         SELECT provider, received_at, body, now(), 5, 'database connection lost', 'parked', parley_webhook_workspaces(body) FROM webhook_deliveries
          WHERE status = 'processed' ORDER BY id LIMIT 1 RETURNING id::text AS id`,
      );
      return str(result.rows[0]?.id);
    } finally {
      await client.end();
    }
  }

  async function failedCount(): Promise<number> {
    const response = await admin.request('GET', '/api/executions?status=failed&errorCode=131026');
    return arr(obj(response.body)['data']).length;
  }

  beforeAll(async () => {
    stack = await startProductStack();
    web = stack.urls.web;
    const simulator = stack.urls.simulator ?? '';
    admin = await engineApi(stack.urls.engine, stack.admin);
    const created = await admin.request('POST', '/api/flows', {
      name: 'Price question',
      definition: priceReplyFlow('Prices start at 10 EUR', 'Send the price'),
    });
    flowId = str(obj(created.body)['id']);
    expect((await admin.request('POST', `/api/flows/${flowId}/publish`, {})).status).toBe(201);
    // Four customers WhatsApp cannot reach once (131026): four failed runs to find and retry.
    for (const waId of FAILING) {
      await fetch(`${simulator}/sim/faults`, { method: 'POST', body: JSON.stringify({ to: waId, kind: 'graph_error', code: 131026 }) });
      const sent = await fetch(`${simulator}/sim/customer-messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: waId, name: `Customer ${waId.slice(-1)}`, text: 'price please' }),
      });
      expect(sent.status).toBe(200);
    }
    await waitUntil('four failed runs', async () => ((await failedCount()) === FAILING.length ? true : null), 60_000);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${web}/login`);
    await page.getByLabel('Email').fill(stack.admin.email);
    await page.getByLabel('Password').fill(stack.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/flows');
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it(
    'finds a failed execution by its error code, opens its timeline and retries it until it succeeds',
    async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Executions' }).click();
      await page.waitForURL((url) => url.pathname === '/executions');
      await page.getByRole('region', { name: 'Health in the last 24 hours' }).waitFor();
      const filters = page.getByRole('form', { name: 'Filter executions' });
      await filters.getByLabel('Error code').fill('131026');
      await filters.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL((url) => url.searchParams.get('errorCode') === '131026');
      const rows = page.getByRole('table', { name: 'Executions' }).getByRole('row');
      await waitUntil('four rows', async () => ((await rows.count()) === FAILING.length + 1 ? true : null));
      await screenshot(page, 'admin-executions-filtered');

      await rows.nth(1).getByRole('link').click();
      await page.waitForURL((url) => /^\/executions\/[0-9a-f-]{36}$/.test(url.pathname));
      await page.getByRole('heading', { name: 'Step timeline' }).waitFor();
      await page.getByRole('heading', { name: 'Send the price' }).waitFor();
      expect(await page.getByText('Error 131026').count()).toBeGreaterThan(0);
      await page.getByRole('link', { name: 'Open on canvas' }).waitFor();
      await screenshot(page, 'admin-execution-detail-failed');

      await page.getByRole('button', { name: 'Retry from failed step' }).click();
      const dialog = page.getByRole('dialog', { name: 'Retry this execution?' });
      await dialog.getByRole('button', { name: 'Retry', exact: true }).click();
      await waitUntil(
        'the retried run to succeed',
        async () => {
          await page.reload();
          return (await page.getByRole('heading', { level: 1 }).textContent())?.includes('succeeded') ? true : null;
        },
        60_000,
      );
      await screenshot(page, 'admin-execution-detail-retried');
      expect(await failedCount()).toBe(FAILING.length - 1);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'bulk-retries the rest of the filtered set after seeing the count',
    async () => {
      await page.goto(`${web}/executions?status=failed&errorCode=131026`);
      await page.getByRole('button', { name: 'Retry failed…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Retry failed executions' });
      await dialog.getByText('3 failed executions match the current filter').waitFor();
      await screenshot(page, 'admin-bulk-retry-confirm');
      await dialog.getByRole('button', { name: 'Retry 3 executions' }).click();
      await page.getByRole('status').filter({ hasText: 'Finished.' }).waitFor({ timeout: 60_000 });
      await screenshot(page, 'admin-bulk-retry-finished');
      await waitUntil('no failed run left', async () => ((await failedCount()) === 0 ? true : null), 60_000);
      // A retry clears the run's error, so the filter that found them is empty now.
      await page.reload();
      await page.getByText('No execution matches these filters.').waitFor();
      await screenshot(page, 'admin-executions-after-bulk');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'reads the audit entries of the retries and verifies the chain',
    async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
      await page.waitForURL((url) => url.pathname === '/audit');
      const filters = page.getByRole('form', { name: 'Filter the audit trail' });
      await filters.getByLabel('What').selectOption({ label: 'Bulk actions' });
      await filters.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL((url) => url.searchParams.get('action') === 'executions.');
      const table = page.getByRole('table', { name: 'Audit entries' });
      await table.getByText('started a bulk retry of 3 executions').waitFor();
      await table
        .getByText(stack?.admin.email ?? '')
        .first()
        .waitFor();
      await page.getByRole('button', { name: 'Verify chain' }).click();
      await page.getByText(/Chain intact: all \d+ entries/).waitFor();
      await screenshot(page, 'admin-audit-bulk');

      await filters.getByLabel('What').selectOption({ label: 'Retries and cancels' });
      await filters.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL((url) => url.searchParams.get('action') === 'execution.');
      expect(await table.getByText('retried an execution from step reply').count()).toBe(FAILING.length);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'replays a parked webhook from the health strip, and the audit names a key that replayed one',
    async () => {
      const first = await parkDelivery();
      await page.goto(`${web}/executions`);
      const strip = page.getByRole('region', { name: 'Health in the last 24 hours' });
      await strip.getByText('Show and replay').click();
      await strip.getByRole('button', { name: `Replay delivery ${first}` }).waitFor();
      await screenshot(page, 'admin-parked-webhooks');
      await strip.getByRole('button', { name: `Replay delivery ${first}` }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `Delivery #${first} replayed` })
        .waitFor();
      await waitUntil('the parked list to empty', async () => {
        const parked = arr(obj((await admin.request('GET', '/api/webhooks/parked')).body)['data']);
        return parked.length === 0 ? true : null;
      });
      await page.reload();
      expect(await strip.getByRole('button', { name: `Replay delivery ${first}` }).count()).toBe(0);
      await screenshot(page, 'admin-parked-webhooks-replayed');

      // A monitoring robot replays the next one with an API key: the trail names the key, not a person.
      const key = str(obj((await admin.request('POST', '/api/api-keys', { name: 'Ops robot' })).body)['key']);
      const second = await parkDelivery();
      const replay = await fetch(`${stack?.urls.engine ?? ''}/api/webhooks/parked/${second}/replay`, {
        method: 'POST',
        headers: { 'x-api-key': key },
      });
      expect(replay.status).toBe(200);
      await page.goto(`${web}/audit?action=webhook.`);
      const table = page.getByRole('table', { name: 'Audit entries' });
      await table.getByText(`API key “Ops robot” (${key.slice(0, 10)}…) replayed a parked webhook delivery`).waitFor();
      await table
        .getByText(/replayed a parked webhook delivery/)
        .nth(1)
        .waitFor();
      await screenshot(page, 'admin-audit-api-key-actor');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'shows on the audit page what a publish changed from the version before, in sentences',
    async () => {
      const flow = obj((await admin.request('GET', `/api/flows/${flowId}`)).body);
      const base = priceReplyFlow('Prices start at 10 EUR', 'Send the price');
      const definition = {
        ...base,
        nodes: [...base.nodes, { id: 'end', type: 'control.end', typeVersion: 1, position: { x: 0, y: 360 }, label: 'Done', config: {} }],
        edges: [...base.edges, { id: 'e2', source: 'reply', sourceOutput: 'next', target: 'end' }],
      };
      const saved = await admin.request('PUT', `/api/flows/${flowId}`, { revision: flow['revision'], definition });
      expect(saved.status).toBe(200);
      expect((await admin.request('POST', `/api/flows/${flowId}/publish`, {})).status).toBe(201);

      await page.goto(`${web}/audit?action=flow.`);
      const table = page.getByRole('table', { name: 'Audit entries' });
      await table.getByText('Changes from v1 to v2').click();
      const changes = table.getByRole('list', { name: 'Version changes' });
      await changes.getByText(/^Added the step “Done”/).waitFor();
      await changes.getByText(/^Connected “Send the price” .* \(next\) to “Done”/).waitFor();
      await screenshot(page, 'admin-audit-version-diff');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'retries a failed run on the latest published version, and the trail names both versions',
    async () => {
      // A run of v2 fails (the customer is unreachable once); then v3 changes the wording of the step it failed at.
      const simulator = stack?.urls.simulator ?? '';
      const waId = '393337000009';
      await fetch(`${simulator}/sim/faults`, { method: 'POST', body: JSON.stringify({ to: waId, kind: 'graph_error', code: 131026 }) });
      await fetch(`${simulator}/sim/customer-messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: waId, name: 'Customer 9', text: 'price please' }),
      });
      await waitUntil('the failed run', async () => ((await failedCount()) === 1 ? true : null), 60_000);
      const flow = obj((await admin.request('GET', `/api/flows/${flowId}`)).body);
      const definition = obj(flow['definition']);
      const nodes = arr(definition['nodes']).map(obj);
      const reworded = {
        ...definition,
        nodes: nodes.map((n) =>
          n['id'] === 'reply' ? { ...n, config: { message: { type: 'text', text: 'Prices start at 12 EUR', previewUrl: false } } } : n,
        ),
      };
      expect((await admin.request('PUT', `/api/flows/${flowId}`, { revision: flow['revision'], definition: reworded })).status).toBe(200);
      expect((await admin.request('POST', `/api/flows/${flowId}/publish`, {})).status).toBe(201);

      await page.goto(`${web}/executions?status=failed&errorCode=131026`);
      const rows = page.getByRole('table', { name: 'Executions' }).getByRole('row');
      await waitUntil('one failed row', async () => ((await rows.count()) === 2 ? true : null));
      await rows.nth(1).getByRole('link').first().click();
      await page.waitForURL((url) => /^\/executions\/[0-9a-f-]{36}$/.test(url.pathname));
      await page.getByRole('button', { name: 'Retry on latest version (v3)' }).click();
      const dialog = page.getByRole('dialog', { name: 'Retry on v3?' });
      await dialog.getByText('It moves from v2 to v3').waitFor();
      await screenshot(page, 'admin-retry-on-latest-confirm');
      await dialog.getByRole('button', { name: 'Retry on v3', exact: true }).click();
      await waitUntil(
        'the run to succeed on v3',
        async () => {
          await page.reload();
          const heading = await page.getByRole('heading', { level: 1 }).textContent();
          return heading?.includes('succeeded') ? true : null;
        },
        60_000,
      );
      await page.getByText(/ · Version 3 · /).waitFor();
      await screenshot(page, 'admin-retry-on-latest-succeeded');
      const sent = arr(obj(await (await fetch(`${simulator}/sim/messages?to=${waId}`)).json())['data']).map((m) => JSON.stringify(m));
      expect(sent.filter((m) => m.includes('Prices start at 12 EUR'))).toHaveLength(1);
      expect(sent.filter((m) => m.includes('Prices start at 10 EUR'))).toHaveLength(0);

      await page.goto(`${web}/audit?action=execution.`);
      await page
        .getByRole('table', { name: 'Audit entries' })
        .getByText('retried an execution from step reply on the latest version (v2 → v3)')
        .waitFor();
      await screenshot(page, 'admin-audit-retry-on-latest');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'shows times and reads the custom range in the workspace’s time zone, with UTC on hover',
    async () => {
      expect((await admin.request('PATCH', '/api/workspace/settings', { timeZone: 'Asia/Shanghai' })).status).toBe(200);
      await page.goto(`${web}/executions`);
      await page.getByText('Times in Asia/Shanghai (hover for UTC).').waitFor();
      const started = page.getByRole('table', { name: 'Executions' }).locator('time').first();
      expect(await started.getAttribute('title')).toMatch(/ UTC$/);
      expect(await started.innerText()).toMatch(/GMT\+8|CST/);
      // 1 Jan 2020 00:00 in Shanghai onwards: every run; up to then: none.
      const filters = page.getByRole('form', { name: 'Filter executions' });
      await filters.getByRole('combobox', { name: /^Time/ }).selectOption('custom');
      await filters.getByLabel('To (custom, Asia/Shanghai)').fill('2020-01-01T00:00');
      await filters.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL((url) => url.searchParams.get('to') === '2020-01-01T00:00');
      await page.getByText('No execution matches these filters.').waitFor();
      await filters.getByRole('combobox', { name: /^Time/ }).selectOption('today');
      await filters.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL((url) => url.searchParams.get('range') === 'today');
      await screenshot(page, 'admin-executions-time-zone');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'reads "10,000+" on the strip past its count cap, and bulk-cancels the held runs after seeing their exact count',
    async () => {
      // 10,001 held runs (held: nothing in the engine moves them on its own while the test looks).
      const client = new Client({ connectionString: stack?.databaseUrl });
      await client.connect();
      try {
        await client.query(
          `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, current_node_id, started_at, updated_at)
           SELECT e.workspace_id, e.flow_id, e.flow_version_id, e.contact_id, 'held', 'reply', now() - interval '1 minute', now()
             FROM (SELECT * FROM executions WHERE flow_id = $1 LIMIT 1) e, generate_series(1, 10001)`,
          [flowId],
        );
      } finally {
        await client.end();
      }
      await page.goto(`${web}/executions?status=held`);
      const strip = page.getByRole('region', { name: 'Health in the last 24 hours' });
      await strip.getByRole('link', { name: '10,000+' }).waitFor();
      await screenshot(page, 'admin-health-strip-capped');
      await page.getByRole('button', { name: 'Cancel active…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Cancel active executions' });
      await dialog.getByText('10,001 running, waiting or held executions match the current filter').waitFor();
      await screenshot(page, 'admin-bulk-cancel-confirm');
      await dialog.getByRole('button', { name: 'Cancel 10,001 executions' }).click();
      await page.getByRole('status').filter({ hasText: 'Finished.' }).waitFor({ timeout: 120_000 });
      await page.getByRole('status').filter({ hasText: '10,001 cancelled' }).waitFor();
      await screenshot(page, 'admin-bulk-cancel-finished');
      const left = await admin.request('GET', '/api/executions?status=held');
      expect(arr(obj(left.body)['data'])).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );
  it(
    'cancels the stuck runs from the health strip itself, after seeing their count',
    async () => {
      const runningBefore = arr(obj((await admin.request('GET', '/api/executions?status=running')).body)['data']).length;
      // Three runs that last moved an hour ago (stuck: 15 minutes past due) and one that moved now (not stuck), of a
      // contact whose lock this test holds, as a worker that hangs would: the engine's sweeper leaves a locked
      // contact alone, so it never resumes these runs while the admin looks at them (it would, seconds later,
      // for a contact nobody holds, and then they would not be stuck).
      const client = new Client({ connectionString: stack?.databaseUrl });
      await client.connect();
      try {
        const sample = await client.query<{ contact_id: string }>('SELECT contact_id FROM executions WHERE flow_id = $1 LIMIT 1', [flowId]);
        const contactId = sample.rows[0]?.contact_id;
        expect(contactId).toBeDefined();
        await client.query('SELECT pg_advisory_lock(72001, hashtext($1::text))', [contactId]);
        await client.query(
          `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, current_node_id, started_at, updated_at)
           SELECT e.workspace_id, e.flow_id, e.flow_version_id, e.contact_id, 'running', 'reply', now() - interval '2 hours',
                  CASE WHEN g <= 3 THEN now() - interval '1 hour' ELSE now() END
             FROM (SELECT * FROM executions WHERE flow_id = $1 AND contact_id = $2 LIMIT 1) e, generate_series(1, 4) g`,
          [flowId, contactId],
        );
        await page.goto(`${web}/executions`);
        const strip = page.getByRole('region', { name: 'Health in the last 24 hours' });
        await strip.getByRole('link', { name: '3', exact: true }).waitFor();
        await strip.getByRole('button', { name: 'Cancel stuck…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Cancel active executions' });
        await dialog.getByText('3 running, waiting or held executions are stuck past their expected time').waitFor({ timeout: 60_000 });
        await screenshot(page, 'admin-cancel-stuck-confirm');
        await dialog.getByRole('button', { name: 'Cancel 3 executions' }).click();
        await strip.getByRole('status').filter({ hasText: '3 cancelled' }).waitFor({ timeout: 60_000 });
        await screenshot(page, 'admin-cancel-stuck-finished');
        const running = await admin.request('GET', '/api/executions?status=running');
        expect(arr(obj(running.body)['data'])).toHaveLength(runningBefore + 1);
        expect(obj((await admin.request('GET', '/api/executions/health')).body)['stuck']).toBe(0);
      } finally {
        // Lets the contact go: the engine resumes the run that was not stuck.
        await client.end();
      }
    },
    STEP_TIMEOUT_MS,
  );
});
