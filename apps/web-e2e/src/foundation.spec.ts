import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser, screenshot } from './support/browser';
import { arr, isObject, obj, str } from './support/json-value';
import { type ProductStack, startProductStack } from './support/product-stack';
import { priceReplyFlow } from './support/price-reply-flow';

// Per-test limit: Jest ignores `testTimeout` in a project's config when run through the root `projects` list.
const STEP_TIMEOUT_MS = 60_000;
const REPLY = 'Our prices start at 10 EUR. Want a discount code?';
const CUSTOMER = '393331234567';

async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`Expected JSON from ${response.url} (${response.status}), got: ${text.slice(0, 300)}`);
  }
}

function pathOf(page: Page): string {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

describeInBrowser('foundation: sign in, see the published flow on the canvas, answer a customer', () => {
  let stack: ProductStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let web = '';
  let flowId = '';

  beforeAll(async () => {
    stack = await startProductStack();
    web = stack.urls.web;
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  function requireStack(): ProductStack {
    if (!stack) throw new Error('The product stack did not start');
    return stack;
  }

  it(
    'sends a visitor without a session to the login page, and keeps a wrong password there',
    async () => {
      const { admin } = requireStack();
      await page.goto(`${web}/flows`);
      await page.waitForURL((url) => url.pathname === '/login');
      expect(pathOf(page)).toBe('/login?next=%2Fflows');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await screenshot(page, 'login');

      await page.getByLabel('Email').fill(admin.email);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();

      const alert = page.getByRole('alert').filter({ hasText: 'Email or password is incorrect.' });
      await alert.waitFor();
      expect(new URL(page.url()).pathname).toBe('/login');
      // The password is cleared so the next attempt starts clean; the email stays.
      expect(await page.getByLabel('Password').inputValue()).toBe('');
      expect(await page.getByLabel('Email').inputValue()).toBe(admin.email);
      await screenshot(page, 'login-wrong-password');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'signs the admin in and lists the flow published through the API',
    async () => {
      const { admin, urls } = requireStack();
      const login = await fetch(`${urls.engine}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(admin),
      });
      expect(login.status).toBe(200);
      const authorization = `Bearer ${str(obj(await json(login))['token'])}`;
      const created = await fetch(`${urls.engine}/api/flows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ name: 'Price question', definition: priceReplyFlow(REPLY) }),
      });
      expect(created.status).toBe(201);
      flowId = str(obj(await json(created))['id']);
      const published = await fetch(`${urls.engine}/api/flows/${flowId}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({}),
      });
      expect(published.status).toBe(201);

      await page.getByLabel('Password').fill(admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => url.pathname === '/flows');

      const header = page.getByRole('banner');
      await header.getByText(admin.email).waitFor();
      await header.getByText('Admin', { exact: true }).waitFor();
      await header.getByRole('button', { name: 'Sign out' }).waitFor();
      await page.getByRole('heading', { level: 1, name: 'Flows' }).waitFor();

      const row = page.getByRole('link', { name: /Price question/ });
      await row.waitFor();
      await row.getByText('Published v1').waitFor();
      expect(await row.getAttribute('href')).toBe(`/flows/${flowId}`);
      await screenshot(page, 'flow-list');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'opens the flow on the canvas and shows a step’s settings in the side panel',
    async () => {
      await page.getByRole('link', { name: /Price question/ }).click();
      await page.waitForURL((url) => url.pathname === `/flows/${flowId}`);
      await page.getByRole('heading', { level: 1, name: 'Price question' }).waitFor();
      await page.getByText('Published v1').first().waitFor();

      const canvas = page.getByRole('region', { name: 'Flow canvas' });
      const trigger = canvas.getByRole('group', { name: 'Message received', exact: true });
      const reply = canvas.getByRole('group', { name: 'Send WhatsApp message', exact: true });
      await trigger.waitFor();
      await reply.waitFor();
      await trigger.getByText('“price”').waitFor();
      // A straight vertical edge has a zero-width box, which Playwright calls hidden: check it is drawn instead.
      const edge = canvas.getByRole('group', { name: 'Connection from Message received to Send WhatsApp message' });
      await edge.waitFor({ state: 'attached' });
      expect(await edge.locator('path.react-flow__edge-path').getAttribute('d')).toMatch(/^M/);
      expect(await canvas.getByRole('group', { name: /^Connection from/ }).count()).toBe(1);

      const panel = page.getByRole('complementary', { name: 'Side panel' });
      await panel.getByText('Select a step on the canvas').waitFor();

      await reply.click();
      await panel.getByRole('heading', { name: 'Send WhatsApp message' }).waitFor();
      expect(await panel.getByLabel('Message', { exact: true }).inputValue()).toBe(REPLY);
      await screenshot(page, 'flow-canvas');

      await trigger.click();
      await panel.getByRole('heading', { name: 'Message received' }).waitFor();
      await panel.getByRole('list', { name: 'Keywords' }).getByText('price').waitFor();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'answers a customer on WhatsApp with the published flow',
    async () => {
      const simulator = requireStack().urls.simulator;
      if (!simulator) throw new Error('The stack runs without the WhatsApp simulator');
      const sent = await fetch(`${simulator}/sim/customer-messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: CUSTOMER, name: 'Giulia', text: 'What is the price?' }),
      });
      expect(sent.status).toBe(200);
      expect(obj(await json(sent))).toMatchObject({ delivered: true });

      const deadline = Date.now() + 10_000;
      let replies: unknown[] = [];
      while (Date.now() < deadline) {
        const messages = await fetch(`${simulator}/sim/messages?to=${CUSTOMER}`);
        replies = arr(obj(await json(messages))['data']);
        if (replies.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(replies).toHaveLength(1);
      const body = obj(obj(replies[0])['body']);
      const text = body['text'];
      expect(isObject(text) ? text['body'] : undefined).toBe(REPLY);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'signs out to the login page, after which the flow list needs a new sign-in',
    async () => {
      await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((url) => url.pathname === '/login');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();

      await page.goto(`${web}/flows`);
      await page.waitForURL((url) => url.pathname === '/login');
      expect(pathOf(page)).toBe('/login?next=%2Fflows');
      await page.getByLabel('Email').waitFor();
    },
    STEP_TIMEOUT_MS,
  );
});
