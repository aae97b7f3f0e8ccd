import type { Browser, Locator, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser, screenshot } from './support/browser';
import { type EngineApi, engineApi } from './support/engine-api';
import { arr, isObject, obj, str } from './support/json-value';
import { type ProductStack, startProductStack } from './support/product-stack';
import { waitUntil } from './support/wait-until';

const STEP_TIMEOUT_MS = 120_000;
const MARKETER = { email: 'marta@e2e.test', password: 'marketer-password-2' };
/** The simulated customer of the test runs: new to the simulator, she has never written. */
const MARTA = { waId: '393331234567', typed: '+39 333 123 4567', name: 'Marta Rossi' };
const HIGH_INTENT = 'High intent: price asked 3 times in 7 days';
const CONDITION_LABEL = 'Asked 3+ times in 7 days, no code yet';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function overlap(a: Box, b: Box): boolean {
  // One pixel of slack: borders of neighbours may touch.
  return a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1;
}

function inside(inner: Box, outer: Box): boolean {
  return (
    inner.x >= outer.x - 1 &&
    inner.y >= outer.y - 1 &&
    inner.x + inner.width <= outer.x + outer.width + 1 &&
    inner.y + inner.height <= outer.y + outer.height + 1
  );
}

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('The element has no box');
  return box;
}

function flowIdOf(page: Page): string {
  const match = /\/flows\/([0-9a-f-]{36})/.exec(new URL(page.url()).pathname);
  if (!match?.[1]) throw new Error(`Not on a flow page: ${page.url()}`);
  return match[1];
}

describeInBrowser('the marketer’s day: a template, test runs, the replay, the flow list', () => {
  let stack: ProductStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let admin: EngineApi;
  let web = '';
  let simulator = '';
  let highIntentId = '';

  beforeAll(async () => {
    stack = await startProductStack();
    web = stack.urls.web;
    simulator = stack.urls.simulator ?? '';
    admin = await engineApi(stack.urls.engine, stack.admin);
    expect((await admin.request('POST', '/api/users', { ...MARKETER, role: 'marketer' })).status).toBe(201);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${web}/login`);
    await page.getByLabel('Email').fill(MARKETER.email);
    await page.getByLabel('Password').fill(MARKETER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/flows');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  function canvas(): Locator {
    return page.getByRole('region', { name: 'Flow canvas' });
  }

  function step(name: string): Locator {
    return canvas().getByRole('group', { name, exact: true });
  }

  async function stepBoxes(region: Locator): Promise<Box[]> {
    const cards = region.locator('.react-flow__node-step');
    const count = await cards.count();
    const boxes: Box[] = [];
    for (let i = 0; i < count; i += 1) boxes.push(await boxOf(cards.nth(i)));
    return boxes;
  }

  async function expectNoOverlap(region: Locator, what: string): Promise<void> {
    const boxes = await stepBoxes(region);
    expect(boxes.length).toBeGreaterThan(1);
    const pairs = boxes.flatMap((a, i) =>
      boxes
        .slice(i + 1)
        .filter((b) => overlap(a, b))
        .map(() => i),
    );
    expect({ what, overlapping: pairs.length }).toEqual({ what, overlapping: 0 });
  }

  /** Waits until the opening layout ran (the address loses ?layout) and was saved. */
  async function laidOutAndSaved(): Promise<void> {
    await page.waitForURL((url) => /^\/flows\/[0-9a-f-]{36}$/.test(url.pathname) && url.search === '');
    await page.getByRole('status').filter({ hasText: 'All changes saved' }).waitFor();
  }

  it(
    'opens the "high intent" template laid out: no step covers another, the "No" branch’s "+" is free, the condition reads as a sentence',
    async () => {
      await page.getByRole('link', { name: 'New flow' }).click();
      await page.getByRole('button', { name: `Use template: ${HIGH_INTENT}` }).click();
      await laidOutAndSaved();
      highIntentId = flowIdOf(page);
      await expectNoOverlap(canvas(), 'high intent');
      // The layout was saved: the draft on the server has it too.
      const saved = obj(obj((await admin.request('GET', `/api/flows/${highIntentId}`)).body)['definition']);
      const positions = arr(saved['nodes']).map((n) => obj(obj(n)['position']));
      expect(positions.map((p) => `${String(p['x'])},${String(p['y'])}`)).not.toEqual(['0,0', '0,160', '0,320', '0,480', '0,640']);

      const condition = step(`If / else: ${CONDITION_LABEL}`);
      await condition.getByText('Asked about price 3+ times in 7 days and has no “coupon-high-intent” tag').waitFor();
      expect(await condition.textContent()).not.toMatch(/events_count|">="/);
      await step('Generate coupon').getByText('campaign “high-intent-10”', { exact: false }).waitFor();
      await screenshot(page, 'template-high-intent');

      // The "+" of the unconnected "No" branch can be clicked: nothing lies on top of it.
      await canvas()
        .getByRole('button', { name: `Add a step after “${CONDITION_LABEL}” (No)` })
        .click();
      const picker = page.getByRole('dialog', { name: 'Add a step' });
      await picker.waitFor();
      await page.keyboard.press('Escape');
      await picker.waitFor({ state: 'hidden' });
      // The raw JSONLogic stays in the form.
      await condition.click();
      await page
        .getByRole('complementary', { name: 'Side panel' })
        .getByText('events_count', { exact: false })
        .first()
        .waitFor({ state: 'attached' });
    },
    STEP_TIMEOUT_MS,
  );

  it('opens every one of the 17 templates with no step covering another', async () => {
    const templates = arr(obj((await admin.request('GET', '/api/flow-templates')).body)['data']).map(obj);
    expect(templates).toHaveLength(17);
    for (const template of templates) {
      const detail = obj((await admin.request('GET', `/api/flow-templates/${str(template['id'])}`)).body);
      const created = await admin.request('POST', '/api/flows', {
        name: str(detail['name']),
        description: str(detail['description']),
        definition: detail['document'],
      });
      expect(created.status).toBe(201);
      const id = str(obj(created.body)['id']);
      // The address the gallery opens a new template flow on.
      await page.goto(`${web}/flows/${id}?layout=auto`);
      await laidOutAndSaved();
      await expectNoOverlap(canvas(), str(template['id']));
      // Made only for this check: never run, so it can be deleted.
      expect((await admin.request('DELETE', `/api/flows/${id}`)).status).toBe(204);
    }
  }, 240_000);

  it(
    'test-runs the draft for a new customer with three price questions: she writes through the simulator, the window opens and the coupon arrives',
    async () => {
      await page.goto(`${web}/flows/${highIntentId}`);
      await page.getByRole('toolbar', { name: 'Editing' }).getByRole('button', { name: 'Test run' }).click();
      const panel = page.getByRole('complementary', { name: 'Test run' });
      await panel.getByRole('form', { name: 'Test run settings' }).waitFor();
      await panel.getByLabel('Simulated customer').selectOption({ label: 'New test customer…' });
      await panel.getByLabel('Name', { exact: true }).fill(MARTA.name);
      await panel.getByLabel('WhatsApp number').fill(MARTA.typed);
      const questions = ['How much is the sofa?', 'What is the price of the table?', 'quanto costa la lampada?'];
      for (const [index, question] of questions.entries()) {
        const text = panel.getByLabel('Message text');
        await waitUntil('the sample event', async () => ((await text.inputValue()) !== '' ? true : null));
        await text.fill(question);
        await panel.getByRole('button', { name: 'Run test' }).click();
        await panel.getByRole('status').filter({ hasText: 'Finished: the test run succeeded.' }).waitFor({ timeout: 30_000 });
        if (index < questions.length - 1) {
          // Fewer than three questions: the "No" branch, which ends the run.
          await panel.getByText('succeeded → No').waitFor();
          await panel.getByRole('button', { name: 'New test run' }).click();
          await panel.getByLabel('Simulated customer').selectOption(MARTA.waId);
        }
      }
      for (const name of [
        'Message received: Customer asks about price',
        `If / else: ${CONDITION_LABEL}`,
        'Generate coupon',
        'Send WhatsApp message',
      ]) {
        await step(`${name}: succeeded`).waitFor();
      }
      await panel.getByText('succeeded → Yes').waitFor();
      await screenshot(page, 'test-run-coupon');

      // On the simulator: her three messages were delivered as webhooks, the window is open, the coupon arrived.
      const customers = arr(obj(await (await fetch(`${simulator}/sim/customers`)).json())['data']).map(obj);
      const marta = customers.find((c) => c['waId'] === MARTA.waId);
      expect(marta).toMatchObject({ name: MARTA.name, lastMessage: 'quanto costa la lampada?', lastInboundAt: expect.any(String) });
      const coupon = await waitUntil('the coupon on the simulator', async () => {
        const sent = arr(obj(await (await fetch(`${simulator}/sim/messages?to=${MARTA.waId}`)).json())['data']);
        const texts = sent.map((m) => obj(obj(m)['body'])['text']).filter(isObject);
        const body = texts.map((t) => t['body']).find((b) => typeof b === 'string' && /PRICE-/.test(b));
        return typeof body === 'string' ? body : null;
      });
      expect(coupon).toMatch(/^Thanks for your interest, Marta! Here is 10% off your order: PRICE-[A-Z2-9]{8} \(valid 14 days\)\.$/);
      // Test runs never count as live: the flow is still an unpublished draft.
      expect(obj((await admin.request('GET', `/api/flows/${highIntentId}`)).body)).toMatchObject({
        status: 'draft',
        publishedVersion: null,
      });
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'replays the coupon run at 1280x720: the path fills the canvas in view, "Yes" as in the editor',
    async () => {
      const panel = page.getByRole('complementary', { name: 'Test run' });
      await panel.getByRole('link', { name: 'Open in replay' }).click();
      await page.waitForURL((url) => url.pathname.startsWith(`/flows/${highIntentId}/executions/`));
      const path = page.getByRole('region', { name: 'Execution path' });
      await path.getByRole('group', { name: 'Send WhatsApp message: succeeded' }).waitFor();
      await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: HIGH_INTENT }).waitFor();
      await page.getByText(`Customer: ${MARTA.name} (+${MARTA.waId})`, { exact: false }).waitFor();
      const header = page.getByText('Status:', { exact: false });
      expect(await header.textContent()).toBe('Status: succeeded');

      // The canvas fits the window and every step of the path is in view.
      const area = await boxOf(path);
      expect(area.y + area.height).toBeLessThanOrEqual(720 + 1);
      expect(area.height).toBeGreaterThan(400);
      for (const name of [
        'Message received: Customer asks about price',
        `If / else: ${CONDITION_LABEL}`,
        'Generate coupon',
        'Send WhatsApp message',
        'Add or remove tags',
      ]) {
        const box = await boxOf(path.getByRole('group', { name: `${name}: succeeded`, exact: true }));
        expect({ name, inView: inside(box, area) }).toEqual({ name, inView: true });
      }
      await path
        .getByRole('group', { name: `Taken: Connection from If / else to Generate coupon when “Yes”` })
        .waitFor({ state: 'attached' });
      await path.getByText('Yes', { exact: true }).first().waitFor();
      await path.getByRole('group', { name: `If / else: ${CONDITION_LABEL}: succeeded` }).click();
      const details = page.getByRole('complementary', { name: 'Step details' });
      await details.getByText('Branch taken').waitFor();
      expect(await details.locator('dd').nth(1).textContent()).toBe('Yes');
      await screenshot(page, 'replay-path');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'a run whose send succeeded on a retry says so in the header and on the step, and the long step details never push the path out of view',
    async () => {
      const created = await admin.request('POST', '/api/flows', {
        name: 'Welcome reply',
        definition: {
          schemaVersion: 1,
          nodes: [
            { id: 'trigger', type: 'trigger.inbound_message', typeVersion: 1, position: { x: 0, y: 0 }, config: { match: 'any' } },
            {
              id: 'reply',
              type: 'whatsapp.send_message',
              typeVersion: 1,
              position: { x: 0, y: 200 },
              config: { message: { type: 'text', text: 'Hello! Thanks for writing, we answer within the hour.' } },
            },
          ],
          edges: [{ id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'reply' }],
          notes: [],
        },
      });
      const flowId = str(obj(created.body)['id']);
      const runWithFault = async (waId: string, code: number) => {
        await fetch(`${simulator}/sim/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ to: waId, kind: 'graph_error', code }),
        });
        const run = await admin.request('POST', `/api/flows/${flowId}/test-runs`, {
          customer: { waId, name: 'Rita Retry' },
          event: { type: 'message.received', payload: { text: 'hello' } },
        });
        expect(run.status).toBe(201);
        const id = str(obj(run.body)['executionId']);
        await waitUntil('the run to end', async () => {
          const status = obj((await admin.request('GET', `/api/executions/${id}`)).body)['status'];
          return status === 'succeeded' || status === 'failed' ? status : null;
        });
        return id;
      };
      // 131000 is retryable: the second attempt goes through. 131026 is not: the run fails.
      const retried = await runWithFault('393338880001', 131000);
      await runWithFault('393338880002', 131026);

      await page.goto(`${web}/flows/${flowId}/executions/${retried}`);
      const path = page.getByRole('region', { name: 'Execution path' });
      await path.getByRole('group', { name: 'Send WhatsApp message: succeeded' }).waitFor();
      expect(await page.getByText('Status:', { exact: false }).textContent()).toBe('Status: succeeded (1 step needed a retry)');
      // A successful run opens on no step: a failed attempt is not its story.
      const details = page.getByRole('complementary', { name: 'Step details' });
      await details.getByText('Select a step on the canvas').waitFor();
      await path.getByRole('group', { name: 'Send WhatsApp message: succeeded' }).click();
      await details.getByText('Succeeded on attempt 2, after 1 failed attempt (131000).').waitFor();
      await details
        .getByRole('article', { name: 'Attempt 1 of Send WhatsApp message' })
        .getByText('An earlier attempt', { exact: false })
        .waitFor();
      const area = await boxOf(path);
      expect(area.y + area.height).toBeLessThanOrEqual(720 + 1);
      for (const name of ['Message received: succeeded', 'Send WhatsApp message: succeeded']) {
        expect({ name, inView: inside(await boxOf(path.getByRole('group', { name, exact: true })), area) }).toEqual({ name, inView: true });
      }
      await screenshot(page, 'replay-retry');

      // The executions list: to the second, the customer, the version and the error.
      await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Executions' }).click();
      const table = page.getByRole('table', { name: 'Executions' });
      await table.waitFor();
      const rows = table.getByRole('row');
      expect(await rows.count()).toBe(3);
      const failedRow = rows.filter({ hasText: '393338880002' });
      expect(await failedRow.textContent()).toMatch(/\d{2}:\d{2}:\d{2} UTC/);
      await failedRow.getByText('Rita Retry (+393338880002)').waitFor();
      await failedRow.getByText('Test run of draft revision 1').waitFor();
      await failedRow.getByText(/^131026: .+/).waitFor();
      await screenshot(page, 'executions-list');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'shows the template’s description under the title and lets the marketer change it',
    async () => {
      await page.goto(`${web}/flows/${highIntentId}`);
      await page.getByText('A customer who asks about price or product details 3 or more times', { exact: false }).first().waitFor();
      await page.getByRole('button', { name: 'Edit name and description' }).click();
      const dialog = page.getByRole('dialog', { name: 'Flow details' });
      await dialog.getByLabel('Description').fill('Sofa shoppers who keep asking the price get 10% off, once.');
      await screenshot(page, 'flow-details');
      await dialog.getByRole('button', { name: 'Save details' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.reload();
      await page.locator('p', { hasText: 'Sofa shoppers who keep asking the price get 10% off, once.' }).waitFor();
      expect(obj((await admin.request('GET', `/api/flows/${highIntentId}`)).body)['description']).toBe(
        'Sofa shoppers who keep asking the price get 10% off, once.',
      );
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'shows the campaign pre-flight of a scheduled promotion before publishing it',
    async () => {
      const definition = {
        schemaVersion: 1,
        nodes: [
          {
            id: 'weekly',
            type: 'trigger.schedule',
            typeVersion: 1,
            position: { x: 0, y: 0 },
            config: {
              cron: '0 14 * * 3',
              timeZone: 'Europe/Rome',
              audience: { tags: [], excludeTags: [], list: null, unansweredForHours: null },
            },
          },
          {
            id: 'promo',
            type: 'whatsapp.send_message',
            typeVersion: 1,
            position: { x: 0, y: 160 },
            config: { message: { type: 'text', text: 'This week only: 10% off' } },
          },
        ],
        edges: [{ id: 'e1', source: 'weekly', sourceOutput: 'next', target: 'promo' }],
        notes: [],
      };
      // Two customers wrote today (inside their 24-hour window: they cost no place in the daily limit).
      for (const from of ['393401110001', '393401110002']) {
        const wrote = await fetch(`${simulator}/sim/customer-messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ phoneNumberId: stack?.phoneNumberId, from, text: 'Any offers this week?' }),
        });
        expect(wrote.status).toBe(200);
      }
      const created = await admin.request('POST', '/api/flows', { name: 'Wednesday promotion', definition });
      expect(created.status).toBe(201);
      const id = str(obj(created.body)['id']);
      await page.goto(`${web}/flows/${id}`);
      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Before publishing: the next scheduled run' });
      const lines = dialog.getByRole('list', { name: 'Campaign pre-flight' }).getByRole('listitem');
      await lines.first().waitFor();
      expect(await lines.first().textContent()).toMatch(/^Next run: Wed \d+ \w+, 14:00 \(Europe\/Rome\), for \d+ contacts? as of now\.$/);
      expect(await dialog.textContent()).toContain('daily limit');
      expect(Number(/for (\d+) contacts/.exec((await lines.first().textContent()) ?? '')?.[1])).toBeGreaterThanOrEqual(2);
      await screenshot(page, 'publish-preflight');
      // Cancel publishes nothing; confirming publishes.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(obj((await admin.request('GET', `/api/flows/${id}`)).body)['publishedVersion']).toBeNull();
      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      await dialog.getByRole('button', { name: 'Publish' }).click();
      await page.getByText('Published version 1.').waitFor();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'deletes an empty "Untitled flow", archives a live flow (it stops) and restores it as a draft',
    async () => {
      await page.goto(`${web}/flows/new`);
      await page.getByRole('button', { name: 'Create empty flow' }).click();
      await page.waitForURL((url) => /^\/flows\/[0-9a-f-]{36}$/.test(url.pathname));
      const untitled = flowIdOf(page);
      await page.goto(`${web}/flows`);
      const list = page.getByRole('list', { name: 'Flows' });
      await list.getByRole('link', { name: /Untitled flow/ }).waitFor();
      // A flow that was tested keeps its history: it can be archived, not deleted.
      expect(await list.getByRole('button', { name: `Delete “${HIGH_INTENT}”` }).count()).toBe(0);
      await list.getByRole('button', { name: 'Delete “Untitled flow”' }).click();
      const confirmDelete = page.getByRole('dialog', { name: 'Delete “Untitled flow”?' });
      await confirmDelete.getByRole('button', { name: 'Delete flow' }).click();
      await list.getByRole('link', { name: /Untitled flow/ }).waitFor({ state: 'detached' });
      expect((await admin.request('GET', `/api/flows/${untitled}`)).status).toBe(404);

      expect((await admin.request('POST', `/api/flows/${highIntentId}/publish`, {})).status).toBe(201);
      await page.reload();
      await list.getByRole('button', { name: `Archive “${HIGH_INTENT}”` }).click();
      const confirmArchive = page.getByRole('dialog', { name: `Archive “${HIGH_INTENT}”?` });
      await confirmArchive.getByText('It is live now (version 1)', { exact: false }).waitFor();
      await confirmArchive.getByRole('button', { name: 'Archive flow' }).click();
      await list.getByRole('link', { name: new RegExp(HIGH_INTENT.slice(0, 20)) }).waitFor({ state: 'detached' });
      expect(obj((await admin.request('GET', `/api/flows/${highIntentId}`)).body)).toMatchObject({
        archivedAt: expect.any(String),
        publishedVersion: null,
      });
      await page.getByText('Archived flows (1)').click();
      const archived = page.getByRole('list', { name: 'Archived flows' });
      await archived.getByRole('button', { name: `Restore “${HIGH_INTENT}”` }).waitFor();
      await screenshot(page, 'flow-list-archived');

      // Opened, it is read-only and says how to bring it back.
      await archived.getByRole('link', { name: new RegExp(HIGH_INTENT.slice(0, 20)) }).click();
      await page.getByText('This flow does not run. Restore it to edit and publish it again.').waitFor();
      expect(await page.getByRole('button', { name: 'Publish', exact: true }).count()).toBe(0);
      await page.getByRole('button', { name: 'Restore' }).click();
      await page.getByRole('button', { name: 'Publish', exact: true }).waitFor();
      expect(obj((await admin.request('GET', `/api/flows/${highIntentId}`)).body)).toMatchObject({ archivedAt: null, status: 'draft' });
    },
    STEP_TIMEOUT_MS,
  );
});
