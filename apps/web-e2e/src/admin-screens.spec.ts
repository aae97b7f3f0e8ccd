import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser, screenshot, signIn } from './support/browser';
import { type EngineApi, engineApi } from './support/engine-api';
import { arr, obj, str } from './support/json-value';
import { type ProductStack, startProductStack } from './support/product-stack';
import { priceReplyFlow } from './support/price-reply-flow';
import { waitUntil } from './support/wait-until';

const FAILING = '393338000001';
const SUPPORT = { email: 'tour-support@e2e.test', password: 'support-password-1' };
const MARKETER = { email: 'tour-marketer@e2e.test', password: 'marketer-password-1' };

/** Every admin screen: its address, its heading, and the screenshot's name. */
const ADMIN_SCREENS: readonly { path: string; heading: string; name: string }[] = [
  { path: '/executions', heading: 'Executions', name: 'admin-tour-executions' },
  { path: '/audit', heading: 'Audit trail', name: 'admin-tour-audit' },
  { path: '/settings/users', heading: 'Users', name: 'admin-tour-settings-users' },
  { path: '/settings/numbers', heading: 'WhatsApp numbers', name: 'admin-tour-settings-numbers-and-templates' },
  { path: '/settings/api-keys', heading: 'API keys', name: 'admin-tour-settings-api-keys-and-webhooks' },
  { path: '/settings/workspace', heading: 'Workspace settings', name: 'admin-tour-settings-workspace' },
  { path: '/settings/business-hours', heading: 'Business hours', name: 'admin-tour-settings-business-hours' },
  { path: '/settings/workspaces', heading: 'Workspaces', name: 'admin-tour-settings-workspaces' },
];

/** The pages each role may not see (issue 13's navigation by role), and the area name its "not allowed" page gives. */
const NOT_ALLOWED: readonly { role: 'marketer' | 'support'; path: string; area: string }[] = [
  { role: 'marketer', path: '/inbox', area: 'Inbox' },
  { role: 'marketer', path: '/audit', area: 'Audit' },
  { role: 'marketer', path: '/settings/users', area: 'Settings' },
  { role: 'support', path: '/executions', area: 'Executions' },
  { role: 'support', path: '/reports', area: 'Reports' },
  { role: 'support', path: '/audit', area: 'Audit' },
  { role: 'support', path: '/settings/workspace', area: 'Settings' },
];

/** How far the page is wider than the 1280-pixel window (0 when nothing needs a sideways scroll). */
function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describeInBrowser('the admin console at 1280x720: every admin screen, and the "not allowed" page of each role', () => {
  let stack: ProductStack | undefined;
  let browser: Browser | undefined;
  let admin: EngineApi;
  let page: Page;
  let web = '';
  let failedId = '';

  beforeAll(async () => {
    stack = await startProductStack();
    web = stack.urls.web;
    const simulator = stack.urls.simulator ?? '';
    admin = await engineApi(stack.urls.engine, stack.admin);
    const created = await admin.request('POST', '/api/flows', {
      name: 'Price question',
      definition: priceReplyFlow('Prices start at 10 EUR', 'Send the price'),
    });
    const flowId = str(obj(created.body)['id']);
    expect((await admin.request('POST', `/api/flows/${flowId}/publish`, {})).status).toBe(201);
    // One customer WhatsApp cannot reach: a failed run for the detail page and a notification for the bell.
    await fetch(`${simulator}/sim/faults`, { method: 'POST', body: JSON.stringify({ to: FAILING, kind: 'graph_error', code: 131026 }) });
    const sent = await fetch(`${simulator}/sim/customer-messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: FAILING, name: 'Tour Customer', text: 'price please' }),
    });
    expect(sent.status).toBe(200);
    failedId = await waitUntil(
      'a failed run',
      async () => {
        const found = arr(obj((await admin.request('GET', '/api/executions?status=failed')).body)['data']).map(obj);
        return found[0] ? str(found[0]['id']) : null;
      },
      60_000,
    );
    expect((await admin.request('POST', '/api/users', { ...SUPPORT, role: 'support' })).status).toBe(201);
    expect((await admin.request('POST', '/api/users', { ...MARKETER, role: 'marketer' })).status).toBe(201);
    browser = await launchBrowser();
    page = await signIn(browser, web, stack.admin);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('shows every admin screen with its heading, with nothing wider than the window', async () => {
    for (const screen of ADMIN_SCREENS) {
      await page.goto(`${web}${screen.path}`);
      await page.getByRole('heading', { name: screen.heading, level: 1 }).waitFor();
      expect({ path: screen.path, overflow: await overflow(page) }).toEqual({ path: screen.path, overflow: 0 });
      await screenshot(page, screen.name);
    }
  }, 180_000);

  it("shows a failed execution's detail: its step timeline, error and actions", async () => {
    await page.goto(`${web}/executions/${failedId}`);
    await page.getByRole('heading', { name: 'Step timeline' }).waitFor();
    expect(await page.getByText('Error 131026').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Retry from failed step' }).waitFor();
    await page.getByRole('link', { name: 'Open on canvas' }).waitFor();
    // The send it tried, under its idempotency key, and how it ended.
    const effects = page.getByRole('table', { name: 'Side effects of Send the price' });
    expect(await effects.getByRole('row').nth(1).innerText()).toMatch(/whatsapp[\s\S]*failed · 131026/);
    expect(await overflow(page)).toBe(0);
    await screenshot(page, 'admin-tour-execution-detail');
  });

  it('skips the wait of a waiting test run from its detail page, and the run goes on', async () => {
    const document = priceReplyFlow('Prices start at 10 EUR', 'Send the price');
    const waiting = {
      ...document,
      nodes: [
        ...document.nodes,
        { id: 'wait', type: 'timing.wait', typeVersion: 1, position: { x: 0, y: 90 }, config: { amount: 3, unit: 'days' } },
      ],
      edges: [
        { id: 'e0', source: 'trigger', sourceOutput: 'next', target: 'wait' },
        { id: 'e1', source: 'wait', sourceOutput: 'next', target: 'reply' },
      ],
    };
    const draft = str(obj((await admin.request('POST', '/api/flows', { name: 'Price after a pause', definition: waiting })).body)['id']);
    const started = await admin.request('POST', `/api/flows/${draft}/test-runs`, {
      customer: { waId: '393338000099', name: 'Tour Tester' },
      event: { type: 'message.received', payload: { text: 'price?' } },
      skipWaits: false,
    });
    expect(started.status).toBe(201);
    const testRunId = str(obj(started.body)['executionId']);
    await waitUntil(
      'the test run to wait',
      async () => (str(obj((await admin.request('GET', `/api/executions/${testRunId}`)).body)['status']) === 'waiting' ? true : null),
      60_000,
    );
    await page.goto(`${web}/executions/${testRunId}`);
    await page.getByRole('button', { name: 'Skip the wait' }).click();
    await page.getByRole('status').filter({ hasText: 'Wait skipped' }).waitFor();
    await waitUntil(
      'the test run to finish',
      async () => (str(obj((await admin.request('GET', `/api/executions/${testRunId}`)).body)['status']) === 'succeeded' ? true : null),
      60_000,
    );
    await page.reload();
    await page.getByRole('heading', { name: /Execution: succeeded/, level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: 'Skip the wait' }).count()).toBe(0);
    const trail = arr(obj((await admin.request('GET', '/api/audit?action=execution.wait_skipped')).body)['data']).map(obj);
    expect(trail.map((e) => str(e['subjectId']))).toEqual([testRunId]);
    await screenshot(page, 'admin-tour-test-run-wait-skipped');
  }, 120_000);

  it('opens the notifications bell with the failure and marks it read', async () => {
    await page.goto(`${web}/executions`);
    const bell = page.getByRole('button', { name: /^Notifications, \d+ unread$/ });
    await bell.click();
    const panel = page.getByRole('region', { name: 'Notifications' });
    await panel.getByRole('link', { name: 'A flow failed for Tour Customer' }).waitFor();
    await screenshot(page, 'admin-tour-notifications');
    await panel.getByRole('button', { name: 'Mark “A flow failed for Tour Customer” read' }).click();
    await page.getByRole('button', { name: 'Notifications, none unread' }).waitFor();
  });

  it('answers each page a role may not see with its own "not allowed" page, and links none of them', async () => {
    if (!browser) throw new Error('no browser');
    const pages = { marketer: await signIn(browser, web, MARKETER), support: await signIn(browser, web, SUPPORT) };
    for (const { role, path, area } of NOT_ALLOWED) {
      const rolePage = pages[role];
      await rolePage.goto(`${web}${path}`);
      const alert = rolePage.getByRole('alert').filter({ hasText: 'Not allowed' });
      await alert.getByRole('heading', { name: 'Not allowed' }).waitFor();
      expect(await alert.innerText()).toContain(`${area} is not available to your role`);
      expect(await rolePage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: area, exact: true }).count()).toBe(0);
      await screenshot(rolePage, `admin-tour-not-allowed-${role}-${area.toLowerCase()}`);
    }
    // Support reads flows and cannot change them: no "New flow", and a flow opens read-only.
    const support = pages.support;
    await support.goto(`${web}/flows`);
    await support.getByRole('heading', { name: 'Flows', level: 1 }).waitFor();
    expect(await support.getByRole('link', { name: 'New flow' }).count()).toBe(0);
    await support.getByRole('link', { name: 'Price question' }).click();
    await support
      .getByText(/Read-only/)
      .first()
      .waitFor();
    await screenshot(support, 'admin-tour-support-flow-read-only');
    await pages.marketer.context().close();
    await support.context().close();
  }, 120_000);
});
