import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { z } from 'zod';
import { type RunningSimulator, startSimulator } from './simulator-server';
import { bodyTemplate, NUMBER, postMessage, template, wamidOf } from './graph-calls.spec-helper';
import { WebhookReceiver } from './webhook-receiver.spec-helper';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts', 'simulator');
// Never a downloaded browser: without Debian's Chromium the block is reported as skipped, by name.
const describeInBrowser = existsSync(CHROMIUM) ? describe : describe.skip;

describeInBrowser('phone page in Chromium (needs Chromium at /usr/bin/chromium)', () => {
  let sim: RunningSimulator;
  let browser: Browser;
  let page: Page;
  const receiver = new WebhookReceiver('phone-secret');
  const customer = '393331234567';

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await receiver.start();
    sim = await startSimulator({
      numbers: [NUMBER],
      webhook: receiver.target(),
      statuses: { sentAfterMs: 20, deliveredAfterMs: 60 },
      templates: [bodyTemplate('weekly_promo', 'MARKETING', 1)],
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${sim.url}/phone`);
    await page.locator('body[data-ready="true"]').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
    await receiver.close();
  });

  const inboundText = (body: string) =>
    receiver.messages().find((m) => z.object({ text: z.object({ body: z.literal(body) }) }).safeParse(m).success);

  it('creates a customer and sends a text: the receiver gets the signed inbound webhook', async () => {
    await page.getByLabel('Name').fill('Anna Verdi');
    await page.getByLabel('Number').fill('+39 333 123 4567');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('heading', { name: 'Anna Verdi' }).waitFor();
    await page.getByLabel('Message').fill('Hello from the phone');
    await page.getByLabel('Message').press('Enter');
    const message = await receiver.waitFor(() => inboundText('Hello from the phone'));
    expect(message).toMatchObject({ from: customer, type: 'text' });
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    expect(receiver.changes('messages')[0]?.value).toMatchObject({ contacts: [{ profile: { name: 'Anna Verdi' }, wa_id: customer }] });
    await page.getByText('Hello from the phone').waitFor();
    await shot('01-customer-wrote');
  }, 30_000);

  it("shows the business's reply buttons; tapping one sends a button_reply; the ticks turn to read", async () => {
    const answer = await postMessage(sim.url, {
      messaging_product: 'whatsapp',
      to: customer,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Want 10% off your sofa?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'yes', title: 'Yes please' } },
            { type: 'reply', reply: { id: 'no', title: 'No thanks' } },
          ],
        },
      },
    });
    const wamid = wamidOf(answer);
    await page.getByRole('button', { name: 'Yes please' }).click();
    const reply = await receiver.waitFor(() => receiver.messages().find((m) => m['type'] === 'interactive'));
    expect(reply).toMatchObject({
      from: customer,
      interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes please' } },
      context: { id: wamid },
    });
    // The chat is open, so the message is read as soon as it arrives.
    await page.locator(`li[data-wamid="${wamid}"] [aria-label="Read"]`).waitFor();
    await receiver.waitFor(() => receiver.statuses(wamid).some((s) => s.status === 'read'));
    await shot('02-button-reply-read');
  }, 30_000);

  it('picks a list row and shares a location', async () => {
    await postMessage(sim.url, {
      messaging_product: 'whatsapp',
      to: customer,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Which product?' },
        action: {
          button: 'Products',
          sections: [{ title: 'Living room', rows: [{ id: 'sofa', title: 'Sofa', description: 'Grey, 3 seats' }] }],
        },
      },
    });
    await page.getByText('Products').click();
    await page.getByRole('button', { name: /Sofa/ }).click();
    const row = await receiver.waitFor(() =>
      receiver.messages().find((m) => z.object({ interactive: z.object({ type: z.literal('list_reply') }) }).safeParse(m).success),
    );
    expect(row).toMatchObject({ interactive: { list_reply: { id: 'sofa', title: 'Sofa', description: 'Grey, 3 seats' } } });
    await page.getByRole('button', { name: 'Send location' }).click();
    await page.getByLabel('Place name').fill('Home');
    await page.getByRole('button', { name: 'Share this location' }).click();
    const location = await receiver.waitFor(() => receiver.messages().find((m) => m['type'] === 'location'));
    expect(location).toMatchObject({ location: { latitude: 45.4642, longitude: 9.19, name: 'Home', address: 'Via Roma 1, Milano' } });
    await shot('03-list-and-location');
  }, 30_000);

  it('stops marketing from the keyboard: user_preferences webhook, then a marketing template fails with 131050', async () => {
    await page.getByRole('button', { name: 'Stop marketing' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Resume marketing' }).waitFor();
    const preference = await receiver.waitFor(() => receiver.changes('user_preferences')[0]);
    expect(preference.value).toMatchObject({ user_preferences: [{ wa_id: customer, category: 'marketing_messages', value: 'stop' }] });
    const answer = await postMessage(sim.url, template(customer, 'weekly_promo', ['Anna']));
    expect(answer.status).toBe(200);
    const wamid = wamidOf(answer);
    const failed = await receiver.waitFor(() => receiver.statuses(wamid).find((s) => s.status === 'failed'));
    expect(failed).toMatchObject({ errors: [{ code: 131050 }] });
    await page.getByText('Failed: (#131050)').waitFor();
    await shot('04-marketing-stopped');
  }, 30_000);
});
