import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser, screenshot } from './support/browser';
import { type EngineApi, engineApi } from './support/engine-api';
import { arr, obj, str } from './support/json-value';
import { type ProductStack, startProductStack } from './support/product-stack';

const STEP_TIMEOUT_MS = 180_000;
const FAILING = ['393337000001', '393337000002', '393337000003', '393337000004'];

function priceReplyFlow() {
  return {
    schemaVersion: 1,
    nodes: [
      {
        id: 'trigger',
        type: 'trigger.inbound_message',
        typeVersion: 1,
        position: { x: 0, y: 0 },
        config: { match: 'keyword', keywords: ['price'], mode: 'contains', caseSensitive: false },
      },
      {
        id: 'reply',
        type: 'whatsapp.send_message',
        typeVersion: 1,
        position: { x: 0, y: 180 },
        label: 'Send the price',
        config: { message: { type: 'text', text: 'Prices start at 10 EUR', previewUrl: false } },
      },
    ],
    edges: [{ id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'reply' }],
    notes: [],
  };
}

async function waitUntil<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describeInBrowser('the admin console: find a failed execution, retry it, bulk-retry by filter, read the audit trail', () => {
  let stack: ProductStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let admin: EngineApi;
  let web = '';

  async function failedCount(): Promise<number> {
    const response = await admin.request('GET', '/api/executions?status=failed&errorCode=131026');
    return arr(obj(response.body)['data']).length;
  }

  beforeAll(async () => {
    stack = await startProductStack();
    web = stack.urls.web;
    const simulator = stack.urls.simulator ?? '';
    admin = await engineApi(stack.urls.engine, stack.admin);
    const created = await admin.request('POST', '/api/flows', { name: 'Price question', definition: priceReplyFlow() });
    const flowId = str(obj(created.body)['id']);
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
});
