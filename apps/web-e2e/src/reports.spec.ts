import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser, screenshot } from './support/browser';
import { arr, obj, str } from './support/json-value';
import { type ProductStack, startProductStack } from './support/product-stack';

const RANGE = 'from=2026-03-09&to=2026-03-16';
/** The engine's hand-computed reports fixture (apps/engine/src/reports/report-fixture.ts, docs/REPORTS.md). */
const REPORT_FIXTURE = {
  timeZone: 'Europe/Rome',
  from: '2026-03-09T00:00:00.000Z',
  to: '2026-03-17T00:00:00.000Z',
  flowName: 'Price offer',
} as const;

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describeInBrowser('reports: the hand-computed fixture in every report, range, CSV and print', () => {
  let stack: ProductStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let web = '';

  beforeAll(async () => {
    stack = await startProductStack();
    web = stack.urls.web;
    const engine = stack.urls.engine;
    const login = await fetch(`${engine}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(stack.admin),
    });
    const authorization = `Bearer ${str(obj(await login.json())['token'])}`;
    const patched = await fetch(`${engine}/api/workspace/settings`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ timeZone: REPORT_FIXTURE.timeZone }),
    });
    expect(patched.status).toBe(200);
    const seeded = spawnSync(process.execPath, [join(__dirname, '..', '..', 'engine', 'dist', 'cli.js'), 'seed:fixture'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        DATABASE_URL: stack.databaseUrl,
        SECRETS_KEY: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'warn',
      },
      encoding: 'utf8',
    });
    expect(seeded.stderr).toBe('');
    expect(seeded.status).toBe(0);
    // The rollup job runs every 2 s in the engine: wait until it has taken the fixture in.
    await until(async () => {
      // A connection the busy engine drops is retried like an answer that is not there yet.
      const response = await fetch(`${engine}/api/reports/service?from=${REPORT_FIXTURE.from}&to=${REPORT_FIXTURE.to}`, {
        headers: { authorization },
      }).catch(() => null);
      if (response?.status !== 200) return undefined;
      const body = obj(await response.json());
      const summary = obj(obj(body['current'])['summary']);
      return summary['opened'] === 5 && obj(summary['resolution'])['count'] === 3 ? true : undefined;
    }, 'the rollups of the fixture');

    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${web}/login?next=%2Freports`);
    await page.getByLabel('Email').fill(stack.admin.email);
    await page.getByLabel('Password').fill(stack.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/reports/service');
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  function kpi(label: string) {
    return page.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
  }

  it('service efficiency: the fixture’s medians, a flagged agent, another range, CSV export and print', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).waitFor();
    await page.goto(`${web}/reports/service?${RANGE}`);
    await page.getByRole('heading', { name: 'Service efficiency', level: 1 }).waitFor();
    expect(await kpi('First response (median)').textContent()).toBe('6 min');
    expect(await kpi('Reply time (median)').textContent()).toBe('6 min');
    expect(await kpi('Resolution (median)').textContent()).toBe('15 min');
    expect(await kpi('Conversations opened').textContent()).toBe('5');
    const agents = page.getByRole('table', { name: /Agents: conversations handled/ });
    const bruno = agents.getByRole('row', { name: /Bruno/ });
    expect(await bruno.getByRole('cell').allTextContents()).toEqual(['2', '2', '9 min', '9 min', '20 min', '9 min', '1', '40 min', 'Yes']);
    const anna = agents.getByRole('row', { name: /Anna/ });
    expect((await anna.getByRole('cell').allTextContents()).slice(0, 4)).toEqual(['4', '4', '4 min', '4 min']);
    await screenshot(page, 'reports-service');

    // CSV of the agents table: the same figures, raw (seconds).
    // The export is a download link carrying the CSV itself (no request): read what it holds.
    const exportLink = page.locator('a[download="service-agents.csv"]');
    expect(await exportLink.textContent()).toBe(
      'Export CSV: Agents: conversations handled, replies, first response, reply and resolution times',
    );
    const href = (await exportLink.getAttribute('href')) ?? '';
    expect(href.startsWith('data:text/csv;charset=utf-8,')).toBe(true);
    const csv = decodeURIComponent(href.slice(href.indexOf(',') + 1));
    expect(csv.split('\r\n')[0]).toBe(
      'Agent,Conversations,Replies,First response (median),Reply (median),Reply (p90),Reply in business hours (median),Resolved,Resolution (median),Over threshold',
    );
    expect(csv).toContain('Anna,4,4,240,240,229500,240,2,600,no');
    expect(csv).toContain('Bruno,2,2,540,540,1200,540,1,2400,yes');

    // Another range through the form: from Tuesday on, Giulia's and Piotr's Monday conversations drop out.
    await page.getByLabel('From').fill('2026-03-10');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((url) => url.searchParams.get('from') === '2026-03-10');
    expect(await kpi('Conversations opened').textContent()).toBe('3');
    expect(await kpi('Reply time (median)').textContent()).toBe('9 min');
    expect(await kpi('Resolution (median)').textContent()).toBe('10 min');

    // Print: the report alone, without the app's header, the filters and the buttons.
    await page.goto(`${web}/reports/service?${RANGE}`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('form', { name: 'Range and filters' }).isVisible()).toBe(false);
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    expect(await page.getByRole('heading', { name: 'Reply time per agent' }).isVisible()).toBe(true);
    await screenshot(page, 'reports-service-print');
    await page.emulateMedia({ media: 'screen' });
  });

  it('sales funnel: entered → converted for the flow, and its steps', async () => {
    await page.goto(`${web}/reports/funnel?${RANGE}`);
    // Discount requests → orders (every flow): Giulia asked for a "sconto" and never ordered; Piotr asked for a
    // "discount" and ordered two days later, within the 7-day window.
    const discount = page.getByRole('table', { name: 'Discount requests and the orders after them' });
    expect(
      await discount
        .getByRole('row', { name: /^This period/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['2', '2', '1', '50.0%']);
    const discountCsv = (await page.locator('a[download="funnel-discount.csv"]').getAttribute('href')) ?? '';
    expect(decodeURIComponent(discountCsv.slice(discountCsv.indexOf(',') + 1))).toContain('current,2,2,1,0.5');
    await page.getByRole('heading', { name: 'Discount requests → orders' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'reports-funnel-discount');
    // Conversion rate per day (Rome days): Monday's five sends convert nothing; Wednesday's one send, and Piotr's order.
    const conversionChart = page.getByRole('img', { name: /^Conversion rate per day \(%\), this period and the previous one/ });
    expect(await conversionChart.getAttribute('aria-label')).toContain('Conversion rate, this period: 0, 0, 100, none');
    const conversionDays = page.getByRole('table', { name: /^Conversion rate per day \(Europe\/Rome\)/ });
    expect(
      (
        await conversionDays
          .getByRole('row', { name: /^2026-03-11/ })
          .getByRole('cell')
          .allTextContents()
      ).slice(0, 3),
    ).toEqual(['1', '1', '100.0%']);
    const conversionCsv = (await page.locator('a[download="funnel-conversion-days.csv"]').getAttribute('href')) ?? '';
    expect(decodeURIComponent(conversionCsv.slice(conversionCsv.indexOf(',') + 1))).toContain('2026-03-11,1,1,1,');
    await conversionChart.scrollIntoViewIfNeeded();
    await screenshot(page, 'reports-funnel-conversion-per-day');
    await page.getByLabel('Flow').selectOption({ label: REPORT_FIXTURE.flowName });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((url) => url.searchParams.get('flowId') !== null && url.searchParams.get('flowId') !== '');
    const stages = page.getByRole('table', { name: /Funnel: each stage/ });
    const count = async (stage: string) =>
      (await stages
        .getByRole('row', { name: new RegExp(`^${stage}`) })
        .getByRole('cell')
        .first()
        .textContent()) ?? '';
    expect([
      await count('Entered'),
      await count('Sent'),
      await count('Delivered'),
      await count('Read'),
      await count('Replied'),
      await count('Converted'),
    ]).toEqual(['3', '2', '2', '1', '2', '1']);
    const steps = page.getByRole('table', { name: /Steps of the chosen flow/ });
    expect(
      await steps
        .getByRole('row', { name: /Send price offer/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['v1', '3', '2', '2', '1', '2', '1']);
    await screenshot(page, 'reports-funnel');
  });

  it('messaging and cost: per flow, failures by code, priced by country', async () => {
    await page.goto(`${web}/reports/messaging?${RANGE}`);
    const flows = page.getByRole('table', { name: 'Messages per flow' });
    expect(
      await flows
        .getByRole('row', { name: new RegExp(REPORT_FIXTURE.flowName) })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['2', '2', '1', '1', '50.0%', '5 min', '2', '1']);
    const failures = page.getByRole('table', { name: 'Failed messages by WhatsApp error code' });
    expect(
      await failures
        .getByRole('row', { name: /131049/ })
        .getByRole('cell')
        .first()
        .textContent(),
    ).toBe('1');
    expect(await kpi('Cost').textContent()).toBe('0.1191 EUR');
    expect(await kpi('Per converted customer').textContent()).toBe('0.1191 EUR');
    await page.getByRole('heading', { name: 'Price table' }).waitFor();
    await screenshot(page, 'reports-messaging-cost');
    // Read rate per day (Rome days): on Monday 9 March two messages were delivered and one of them read; no deliveries after.
    const readChart = page.getByRole('img', { name: /^Read rate per day \(%\), this period and the previous one/ });
    expect(await readChart.getAttribute('aria-label')).toContain('Read rate, this period: 50, none');
    const readDays = page.getByRole('table', { name: /^Read rate per day \(Europe\/Rome\)/ });
    expect(
      (
        await readDays
          .getByRole('row', { name: /^2026-03-09/ })
          .getByRole('cell')
          .allTextContents()
      ).slice(0, 3),
    ).toEqual(['2', '1', '50.0%']);
    const readCsv = (await page.locator('a[download="messaging-read-rate-days.csv"]').getAttribute('href')) ?? '';
    expect(decodeURIComponent(readCsv.slice(readCsv.indexOf(',') + 1))).toContain('2026-03-09,2,1,0.5,');
    await readChart.scrollIntoViewIfNeeded();
    await screenshot(page, 'reports-messaging-read-rate-per-day');
  });

  it('traffic and words: busiest hours in Rome time, words without stop words', async () => {
    await page.goto(`${web}/reports/traffic?${RANGE}`);
    const busiest = page.getByRole('table', { name: /Busiest hours/ });
    const rows = await busiest.getByRole('row').allTextContents();
    expect(rows.slice(1, 3)).toEqual(['Monday 10:0022', 'Monday 11:0022']);
    const words = page.getByRole('table', { name: /Most frequent words/ });
    expect(
      await words
        .getByRole('row', { name: /^divano/ })
        .getByRole('cell')
        .first()
        .textContent(),
    ).toBe('2');
    expect(await words.getByRole('row', { name: /^il\b/ }).count()).toBe(0);
    await page.getByRole('img', { name: /Customer messages by weekday and hour, Europe\/Rome/ }).waitFor();
    await screenshot(page, 'reports-traffic-words');
    // Per day: a line chart of this period against the previous one (dashed), with the same numbers in the table below it.
    // Monday 9 March: Giulia's two messages and Piotr's two.
    const perDay = page.getByRole('img', { name: /^Customer messages per day, this period and the previous one/ });
    expect(await perDay.getAttribute('aria-label')).toContain('Customer messages, this period: 4,');
    const days = page.getByRole('table', { name: /Messages and conversations opened per day/ });
    expect(
      await days
        .getByRole('row', { name: /^2026-03-09/ })
        .getByRole('cell')
        .first()
        .textContent(),
    ).toBe('4');
    await perDay.scrollIntoViewIfNeeded();
    await screenshot(page, 'reports-traffic-per-day');
  });

  it('flow editor: the Performance tab shows the fixture flow’s runs, sends, failures, conversions and revenue per step and version', async () => {
    await page.goto(`${web}/flows`);
    await page.getByRole('link', { name: REPORT_FIXTURE.flowName }).first().click();
    await page.waitForURL((url) => /^\/flows\/[0-9a-f-]{36}$/.test(url.pathname));
    await page.getByRole('tab', { name: 'Performance' }).click();
    // The fixture is in March 2026: the last 12 months hold it.
    await page.getByLabel('Period').selectOption({ label: 'Last 12 months' });
    const summary = page.getByRole('table', { name: 'Flow performance' });
    const figure = async (label: string) =>
      (await summary
        .getByRole('row', { name: new RegExp(`^${label}`) })
        .getByRole('cell')
        .textContent()) ?? '';
    await until(async () => ((await figure('Runs')) === '3' ? true : undefined), 'the flow’s runs', 20_000);
    expect([await figure('Sent'), await figure('Failed sends'), await figure('Converted'), await figure('Revenue')]).toEqual([
      '2 (drop-off 33.3%)',
      '1',
      '1 (drop-off 50.0%)',
      '499.00 EUR',
    ]);
    const steps = page.getByRole('table', { name: 'Performance by step' });
    expect(
      await steps
        .getByRole('row', { name: /Send price offer/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['3', '2', '1', '1', '2']);
    // One version: the fixture's only one has the same figures.
    await page.getByLabel('Version').selectOption({ label: 'Version 1' });
    await until(async () => ((await figure('Runs')) === '3' ? true : undefined), 'version 1’s runs', 20_000);
    // Completed runs: E3 (its send failed) failed, the two others succeeded.
    expect([await figure('Succeeded runs'), await figure('Failed runs'), await figure('Cancelled runs')]).toEqual(['2', '1', '0']);
    await screenshot(page, 'flow-editor-performance');
  });

  it('flow editor: the funnel drawn on the canvas, counts on each step and each connection, in words', async () => {
    // Still on the flow, Performance tab, last 12 months, version 1 (the test above).
    const canvas = page.getByRole('region', { name: 'Flow canvas' });
    await page.getByLabel('Show counts on the canvas').check();
    await canvas.getByRole('group', { name: /Customer asks: Reached 3$/ }).waitFor();
    await canvas.getByRole('group', { name: /Send price offer: Reached 3 · Sent 2 · Failed 1 · Replied 2$/ }).waitFor();
    await canvas
      .getByRole('group', { name: /^Connection from .*Customer asks.* to .*Send price offer.*: 3 runs took it$/ })
      .waitFor({ state: 'attached' });
    // The same counts as text on the cards and the connection, not only in names.
    expect(await canvas.getByText('Reached 3 · Sent 2 · Failed 1 · Replied 2').count()).toBe(1);
    expect(await canvas.getByText('3 taken').count()).toBe(1);
    await screenshot(page, 'flow-editor-canvas-counts');
    // Off again: the canvas is the draft alone.
    await page.getByLabel('Show counts on the canvas').uncheck();
    await canvas.getByText('3 taken').waitFor({ state: 'detached' });
  });

  it('tag filter: the funnel for contacts tagged “vip” (Piotr, who placed the order), with the note on what is not kept per tag', async () => {
    if (!stack) throw new Error('no stack');
    const client = new Client({ connectionString: stack.databaseUrl });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO contact_tags (workspace_id, contact_id, tag) SELECT workspace_id, id, 'vip' FROM contacts WHERE wa_id = '48500000002'`,
      );
    } finally {
      await client.end();
    }
    // Tags are read as the rollup takes changes in: fold the fixture's history in per tag.
    const rebuilt = spawnSync(process.execPath, [join(__dirname, '..', '..', 'engine', 'dist', 'cli.js'), 'reports:rebuild'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        DATABASE_URL: stack.databaseUrl,
        SECRETS_KEY: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'warn',
      },
      encoding: 'utf8',
    });
    expect(rebuilt.status).toBe(0);
    await page.goto(`${web}/reports/funnel?${RANGE}`);
    await page.getByRole('textbox', { name: 'Tag', exact: true }).fill('vip');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((url) => url.searchParams.get('tag') === 'vip');
    await page.getByRole('note').filter({ hasText: 'Tag “vip”' }).waitFor();
    const stages = page.getByRole('table', { name: /Funnel: each stage/ });
    const count = async (stage: string) =>
      (await stages
        .getByRole('row', { name: new RegExp(`^${stage}`) })
        .getByRole('cell')
        .first()
        .textContent()) ?? '';
    expect(await count('Converted')).toBe('1');
    await screenshot(page, 'reports-funnel-tag');
  });

  it('weekly reports: an admin sets the day, hour and webhook; the signing key and the deliveries are shown', async () => {
    await page.goto(`${web}/reports/weekly`);
    const form = page.getByRole('form', { name: 'Weekly report settings' });
    await form.getByLabel('Day').selectOption({ label: 'Tuesday' });
    await form.getByLabel('Hour').fill('9');
    await form.getByLabel('Webhook URL').fill('https://hooks.example.com/parley-weekly');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.reload();
    expect(await form.getByLabel('Webhook URL').inputValue()).toBe('https://hooks.example.com/parley-weekly');
    expect(await form.getByLabel('Day').inputValue()).toBe('2');
    expect(await form.locator('code').nth(1).textContent()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.getByText('No delivery yet.').waitFor();
    // A URL that is not http(s) is refused by the engine, and the form says why.
    await form.getByLabel('Webhook URL').fill('ftp://example.com/x');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('alert').waitFor();
    await screenshot(page, 'reports-weekly-settings');
  });

  it('business hours: an admin sets a weekday’s own hours in a form; only the changed days are saved and audited; a close before the open is refused, named', async () => {
    await page.goto(`${web}/settings`);
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Business hours' }).click();
    await page.waitForURL((url) => url.pathname === '/settings/business-hours');
    const form = page.getByRole('form', { name: 'Business hours' });
    expect([await form.getByLabel('Monday opens at').inputValue(), await form.getByLabel('Monday closes at').inputValue()]).toEqual([
      '09:00',
      '18:00',
    ]);
    expect(await form.getByRole('checkbox', { name: /on Saturday/ }).isChecked()).toBe(false);
    expect(await form.getByLabel('Time zone of these hours').inputValue()).toBe(REPORT_FIXTURE.timeZone);
    await form.getByLabel('Friday closes at').fill('13:00');
    await form.getByRole('checkbox', { name: /on Saturday/ }).check();
    await form.getByLabel('Saturday opens at').fill('10:00');
    await form.getByLabel('Saturday closes at').fill('12:00');
    await form.getByRole('button', { name: 'Save changes' }).click();
    expect(await form.getByRole('status').innerText()).toBe('Saved: Friday hours, Saturday hours, open days.');
    // The engine has them, and the audit trail holds exactly those fields with their values before and after.
    const engine = stack?.urls.engine ?? '';
    const login = await fetch(`${engine}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(stack?.admin),
    });
    const headers = { authorization: `Bearer ${str(obj(await login.json())['token'])}` };
    const settings = obj(await (await fetch(`${engine}/api/workspace/settings`, { headers })).json());
    expect(obj(settings['reports'])['businessHours']).toEqual({
      days: [1, 2, 3, 4, 5, 6],
      open: '09:00',
      close: '18:00',
      perDay: { '5': { open: '09:00', close: '13:00' }, '6': { open: '10:00', close: '12:00' } },
    });
    const audit = obj(await (await fetch(`${engine}/api/audit?action=workspace.settings_updated`, { headers })).json());
    const latest = obj(obj(arr(audit['data'])[0])['details']);
    expect(arr(latest['changes']).map((c) => obj(c)['field'])).toEqual([
      'reports.businessHours.days',
      'reports.businessHours.perDay.5',
      'reports.businessHours.perDay.6',
    ]);
    await page.reload();
    expect(await form.getByLabel('Friday closes at').inputValue()).toBe('13:00');
    await screenshot(page, 'reports-business-hours');
    // A close before the open: the engine refuses it and names the field; nothing is stored.
    await form.getByLabel('Friday closes at').fill('08:00');
    await form.getByRole('button', { name: 'Save changes' }).click();
    expect(await form.getByRole('alert').innerText()).toContain('reports.businessHours.perDay.5.close: must be after open');
    const after = obj(await (await fetch(`${engine}/api/workspace/settings`, { headers })).json());
    expect(obj(obj(obj(after['reports'])['businessHours'])['perDay'])['5']).toEqual({ open: '09:00', close: '13:00' });

    // The past still counts in the old hours: Sara's weekend wait is 30 min Friday + 15 min Monday in business hours.
    const replyBusinessP90 = async () => {
      const answer = await fetch(`${engine}/api/reports/service?from=${REPORT_FIXTURE.from}&to=${REPORT_FIXTURE.to}`, { headers });
      return obj(obj(obj(obj(await answer.json())['current'])['summary'])['reply'])['businessP90'];
    };
    expect(await replyBusinessP90()).toBe(2700);
    await page.reload();
    const past = page.getByRole('region', { name: 'Past figures' });
    await past.getByRole('button', { name: 'Recount past figures' }).click();
    // The rollup job rebuilds within seconds; the panel polls and says when it ended.
    await past.getByRole('status').filter({ hasText: 'Past figures recounted at' }).waitFor({ timeout: 60_000 });
    expect(await past.getByRole('status').innerText()).toMatch(
      /^Past figures recounted at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC with the hours as they were then, asked by /,
    );
    expect(await past.getByRole('button', { name: 'Recount past figures' }).isEnabled()).toBe(true);
    await screenshot(page, 'reports-business-hours-recount');
    // Friday closes at 13:00 now and Saturday opens 10:00-12:00: 2 h + 15 min.
    expect(await replyBusinessP90()).toBe(8100);
    const recounts = obj(await (await fetch(`${engine}/api/audit?action=reports.recounted`, { headers })).json());
    expect(arr(recounts['data']).length).toBe(1);
    const asked = obj(await (await fetch(`${engine}/api/audit?action=reports.recount_requested`, { headers })).json());
    expect(arr(asked['data']).length).toBe(1);
  });

  it('watched words: add an alert in the form, change it, remove it', async () => {
    await page.goto(`${web}/reports/service?${RANGE}`);
    await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Watched words' }).click();
    await page.waitForURL((url) => url.pathname === '/reports/alerts');
    const form = page.getByRole('form', { name: 'Watch a word' });
    await form.getByLabel('Word').fill('Discount');
    await form.getByLabel('Alert when its share is').selectOption('under');
    await form.getByLabel('Share (%)').fill('8');
    await form.getByLabel('Over the last (days)').fill('7');
    await form.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('main').getByRole('status').filter({ hasText: 'Added: "discount" under 8.0%.' }).waitFor();
    const table = page.getByRole('table', { name: 'Watched words' });
    const row = table.getByRole('row', { name: /^discount/ });
    await row.waitFor();
    expect((await row.getByRole('cell').allTextContents()).slice(0, 4)).toEqual(['under 8.0%', '7 days', 'not yet', 'Not checked yet']);
    await screenshot(page, 'reports-watched-words');
    // A second alert for the same word and direction is refused in the engine's words.
    await form.getByLabel('Word').fill('discount');
    await form.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('main').getByRole('alert').filter({ hasText: 'already watched' }).waitFor();
    await row.getByRole('button', { name: 'Edit discount' }).click();
    const edit = page.getByRole('form', { name: 'Change the watched word' });
    await edit.getByLabel('Share (%)').fill('10');
    await edit.getByLabel('Over the last (days)').fill('14');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('main').getByRole('status').filter({ hasText: 'Changed: "discount" under 10.0%.' }).waitFor();
    await table
      .getByRole('row', { name: /^discount/ })
      .getByRole('cell', { name: '14 days' })
      .waitFor();
    await table
      .getByRole('row', { name: /^discount/ })
      .getByRole('button', { name: 'Remove discount' })
      .click();
    await page.getByRole('main').getByRole('status').filter({ hasText: 'Removed: "discount".' }).waitFor();
    await table.getByRole('cell', { name: 'No watched word yet.' }).waitFor();
  });

  it('conversion window: an admin sets it in the form (days, not JSON); out of range is refused, named', async () => {
    await page.goto(`${web}/settings/business-hours`);
    const form = page.getByRole('form', { name: 'Business hours' });
    const field = form.getByLabel('Conversion window (days)');
    expect(await field.inputValue()).toBe('7');
    await field.fill('14');
    await form.getByRole('button', { name: 'Save changes' }).click();
    expect(await form.getByRole('status').innerText()).toBe('Saved: conversion window.');
    const engine = stack?.urls.engine ?? '';
    const login = await fetch(`${engine}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(stack?.admin),
    });
    const headers = { authorization: `Bearer ${str(obj(await login.json())['token'])}` };
    const conversionDays = async () =>
      obj(obj(await (await fetch(`${engine}/api/workspace/settings`, { headers })).json())['reports'])['conversionDays'];
    expect(await conversionDays()).toBe(14);
    await screenshot(page, 'reports-conversion-window');
    // 91 days is past the longest window the rollups keep: the field says so and nothing is sent.
    await field.fill('91');
    await form.getByRole('button', { name: 'Save changes' }).click();
    expect(await field.evaluate((input) => (input instanceof HTMLInputElement ? input.validationMessage : ''))).not.toBe('');
    expect(await conversionDays()).toBe(14);
    // Back to the default, for the figures the other tests read.
    await field.fill('7');
    await form.getByRole('button', { name: 'Save changes' }).click();
    expect(await form.getByRole('status').innerText()).toBe('Saved: conversion window.');
    expect(await conversionDays()).toBe(7);
  });
});
