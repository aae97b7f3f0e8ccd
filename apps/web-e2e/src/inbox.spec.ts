import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser, screenshot } from './support/browser';
import { arr, obj, str } from './support/json-value';
import { type ProductStack, startProductStack } from './support/product-stack';
import { priceReplyFlow } from './support/price-reply-flow';

const STEP_TIMEOUT_MS = 90_000;
const CUSTOMER = '393339876543';
const REPLY = 'Our prices start at 10 EUR. Want a discount code?';

async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`Expected JSON from ${response.url} (${response.status}), got: ${text.slice(0, 300)}`);
  }
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describeInBrowser('inbox: a live conversation, takeover, resume, and the closed window', () => {
  let stack: ProductStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let web = '';
  let authorization = '';
  let flowId = '';

  beforeAll(async () => {
    stack = await startProductStack();
    web = stack.urls.web;
    const login = await fetch(`${stack.urls.engine}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(stack.admin),
    });
    authorization = `Bearer ${str(obj(await json(login))['token'])}`;
    const created = await fetch(`${stack.urls.engine}/api/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ name: 'Price question', definition: priceReplyFlow(REPLY) }),
    });
    flowId = str(obj(await json(created))['id']);
    const published = await fetch(`${stack.urls.engine}/api/flows/${flowId}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: '{}',
    });
    expect(published.status).toBe(201);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${web}/login?next=%2Finbox`);
    await page.getByLabel('Email').fill(stack.admin.email);
    await page.getByLabel('Password').fill(stack.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/inbox');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  function simulator(): string {
    const url = stack?.urls.simulator;
    if (!url) throw new Error('The stack runs without the WhatsApp simulator');
    return url;
  }

  async function customerSays(text: string): Promise<void> {
    const sent = await fetch(`${simulator()}/sim/customer-messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: CUSTOMER, name: 'Giulia', text }),
    });
    expect(sent.status).toBe(200);
  }

  /** The price flow's runs that did anything: while paused, a trigger is only recorded as `skipped` (the flow's whilePaused). */
  async function flowRuns(): Promise<number> {
    const runs = await fetch(`${stack?.urls.engine ?? ''}/api/executions?flowId=${flowId}&limit=100`, { headers: { authorization } });
    return arr(obj(await json(runs))['data']).filter((run) => obj(run)['status'] !== 'skipped').length;
  }

  async function receivedTexts(): Promise<string[]> {
    const messages = await fetch(`${simulator()}/sim/messages?to=${CUSTOMER}`);
    return arr(obj(await json(messages))['data']).map((m) => {
      const body = obj(obj(m)['body']);
      const text = body['text'];
      return typeof text === 'object' && text !== null && 'body' in text ? String(text.body) : `[${String(body['type'])}]`;
    });
  }

  it(
    'shows a customer’s message live, sends the agent’s reply to the customer, and pauses the bot until Resume',
    async () => {
      const list = page.getByRole('list', { name: 'Conversation list' });
      await page.getByRole('tab', { name: /All/ }).waitFor();
      // Nothing reloads the page from here on: the message must arrive over the live stream.
      await customerSays('Hello, what is the price of the blue sofa?');
      const row = list.getByRole('link', { name: /Giulia/ });
      await row.waitFor();
      await row.click();
      await page.waitForURL((url) => url.pathname.startsWith('/inbox/'));
      const thread = page.getByRole('region', { name: 'Conversation with Giulia' });
      await thread.getByText('Hello, what is the price of the blue sofa?').waitFor();
      await thread.getByText(REPLY).waitFor();
      await thread.getByText('Flow: Price question').waitFor();
      await thread.getByRole('button', { name: 'Take over' }).waitFor();
      await screenshot(page, 'inbox-flow-message');

      await customerSays('Is it available in green?');
      await thread.getByText('Is it available in green?').waitFor();

      const composer = page.getByRole('form', { name: 'Composer' });
      await composer.getByRole('textbox', { name: 'Reply' }).fill('Hi Giulia, Anna here: green is in stock.');
      await composer.getByRole('button', { name: 'Send', exact: true }).click();
      await thread.getByText('Hi Giulia, Anna here: green is in stock.').waitFor();
      expect(
        await until(
          async () => ((await receivedTexts()).includes('Hi Giulia, Anna here: green is in stock.') ? true : undefined),
          'the reply on the phone',
        ),
      ).toBe(true);

      const panel = page.getByRole('complementary', { name: 'Contact' });
      await panel.getByText(/Automation paused until .* by /).waitFor();
      await page.getByRole('radio', { name: 'Private note' }).check();
      await composer.getByRole('textbox', { name: 'Private note' }).fill('Wants the green one, check delivery dates.');
      await composer.getByRole('button', { name: 'Add note' }).click();
      await thread
        .getByRole('article', { name: /Private note by/ })
        .getByText('Wants the green one, check delivery dates.')
        .waitFor();
      await screenshot(page, 'inbox-conversation-with-note');

      // The bot stays quiet while a person has the conversation.
      const before = (await receivedTexts()).length;
      const runsBefore = await flowRuns();
      await customerSays('And the price with delivery?');
      await thread.getByText('And the price with delivery?').waitFor();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await receivedTexts()).length).toBe(before);
      expect(await flowRuns()).toBe(runsBefore);

      await panel.getByRole('button', { name: 'Resume now' }).click();
      await panel.getByText('Automation is running for this customer.').waitFor();
      await customerSays('OK, and the price of the chair?');
      expect(
        await until(
          async () => ((await receivedTexts()).filter((t) => t === REPLY).length >= 2 ? true : undefined),
          'the flow to answer again',
        ),
      ).toBe(true);
      await thread.getByText('OK, and the price of the chair?').waitFor();
      await until(async () => ((await thread.getByText(REPLY).count()) >= 2 ? true : undefined), 'the flow’s second answer on screen');
      await screenshot(page, 'inbox');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'offers only approved templates once the window has closed, and never free text',
    async () => {
      const engine = stack?.urls.engine ?? '';
      await fetch(`${simulator()}/sim/templates`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          template: {
            name: 'order_follow_up',
            language: 'en_US',
            category: 'UTILITY',
            status: 'APPROVED',
            components: [{ type: 'BODY', text: 'Hello {{1}}, your order {{2}} is ready.' }],
          },
        }),
      });
      const numbers = arr(obj(await json(await fetch(`${engine}/api/whatsapp/numbers`, { headers: { authorization } })))['data']);
      const numberId = str(obj(numbers[0])['id']);
      const sync = await fetch(`${engine}/api/whatsapp/numbers/${numberId}/templates/sync`, { method: 'POST', headers: { authorization } });
      expect(sync.status).toBeLessThan(300);
      // A customer who last wrote two days ago: Meta delivers his message late, with its own older timestamp,
      // and the window counts from that time, so it is closed.
      const old = await fetch(`${simulator()}/sim/customer-messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          from: '393331110000',
          name: 'Marco',
          text: 'thanks, bye',
          sentAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
        }),
      });
      expect(old.status).toBe(200);
      const list = page.getByRole('list', { name: 'Conversation list' });
      await list.getByRole('link', { name: /Marco/ }).waitFor();
      await list.getByRole('link', { name: /Marco/ }).click();
      const composer = page.getByRole('form', { name: 'Composer' });
      await composer.getByText(/The 24-hour window closed (at|yesterday at|on) .*WhatsApp only delivers approved templates/).waitFor();
      expect(await composer.getByRole('textbox', { name: 'Reply' }).count()).toBe(0);
      await composer.getByLabel('Template').selectOption({ label: 'order_follow_up (en_US, utility)' });
      await composer.getByLabel('Parameter 1').fill('Marco');
      await composer.getByLabel('Parameter 2').fill('A-1042');
      await composer.getByRole('figure', { name: 'Template preview' }).getByText('Hello Marco, your order A-1042 is ready.').waitFor();
      await screenshot(page, 'inbox-closed-window-composer');
      await composer.getByRole('button', { name: 'Send template' }).click();
      const thread = page.getByRole('region', { name: 'Conversation with Marco' });
      await thread.getByRole('list', { name: 'Messages' }).getByText('order_follow_up', { exact: true }).waitFor();
      // Tab counts follow the live changes: the template made Marco's conversation the admin's too (the reply to Giulia did before).
      const counts = async () => obj(obj(await json(await fetch(`${engine}/api/conversations`, { headers: { authorization } })))['counts']);
      await until(async () => ((await counts())['mine'] === 2 ? true : undefined), 'the template to make the conversation the admin’s');
      await page.getByRole('tab', { name: 'All 2' }).waitFor();
      await page.getByRole('tab', { name: 'Mine 2' }).waitFor();
      // Someone hands Giulia back to nobody (through the API, as another tab would): the counts follow without reload.
      const giulia = arr(
        obj(await json(await fetch(`${engine}/api/conversations?status=all&q=Giulia`, { headers: { authorization } })))['data'],
      );
      const unassign = await fetch(`${engine}/api/conversations/${str(obj(giulia[0])['id'])}/assign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ userId: null }),
      });
      expect(unassign.status).toBe(200);
      await page.getByRole('tab', { name: 'Mine 1' }).waitFor();
      await page.getByRole('tab', { name: 'Unassigned 1' }).waitFor();

      // The Mine tab lists the signed-in agent's conversations only (the API resolves assignee=me to them).
      await page.getByRole('tab', { name: 'Mine 1' }).click();
      await until(async () => ((await list.getByRole('link').count()) === 1 ? true : undefined), 'the Mine tab to list one conversation');
      await list.getByRole('link', { name: /Marco/ }).waitFor();
      expect(await page.getByRole('tab', { name: 'Mine 1' }).getAttribute('aria-selected')).toBe('true');
      await screenshot(page, 'inbox-mine-tab');
      await page.getByRole('tab', { name: 'Unassigned 1' }).click();
      await list.getByRole('link', { name: /Giulia/ }).waitFor();
      expect(await list.getByRole('link', { name: /Marco/ }).count()).toBe(0);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'shows a message that arrived while the page was opening, once its live stream connects',
    async () => {
      // The stream is held back until the message is stored: the page's list was read before it, and its stream
      // starts after it, so no event brings it; the page reads its views again when the stream connects.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/api/stream*', async (route) => {
        await held;
        await route.continue();
      });
      try {
        await page.goto(`${web}/inbox`);
        const list = page.getByRole('list', { name: 'Conversation list' });
        await list.getByRole('link', { name: /Giulia/ }).waitFor();
        const sent = await fetch(`${simulator()}/sim/customer-messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: '393331112233', name: 'Luca', text: 'Is the shop open on Sunday?' }),
        });
        expect(sent.status).toBe(200);
        const stored = async () => {
          const found = await fetch(`${stack?.urls.engine ?? ''}/api/conversations?status=all&q=Luca`, { headers: { authorization } });
          return arr(obj(await json(found))['data']).length > 0 ? true : undefined;
        };
        await until(stored, 'Luca’s message to be stored');
        expect(await list.getByRole('link', { name: /Luca/ }).count()).toBe(0);
        release();
        await list.getByRole('link', { name: /Luca/ }).waitFor();
        await page.getByText('Live', { exact: true }).waitFor();
      } finally {
        release();
        await page.unroute('**/api/stream*');
      }
    },
    STEP_TIMEOUT_MS,
  );
});
