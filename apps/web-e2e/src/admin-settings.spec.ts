import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser, screenshot, signIn } from './support/browser';
import { type EngineApi, engineApi } from './support/engine-api';
import { arr, obj, str } from './support/json-value';
import { type ProductStack, startProductStack } from './support/product-stack';

const SUPPORT = { email: 'sara@e2e.test', name: 'Sara Support', password: 'support-password-1' };
const MARKETER = { email: 'mark@e2e.test', password: 'marketer-password-1' };

function navLabels(page: Page): Promise<string[]> {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
}

describeInBrowser('the admin console: navigation by role and the settings screens', () => {
  let stack: ProductStack | undefined;
  let browser: Browser | undefined;
  let admin: EngineApi;
  let page: Page;
  let web = '';

  beforeAll(async () => {
    stack = await startProductStack();
    web = stack.urls.web;
    admin = await engineApi(stack.urls.engine, stack.admin);
    browser = await launchBrowser();
    page = await signIn(browser, web, stack.admin);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('shows the admin the whole navigation, keyboard reachable', async () => {
    expect(await navLabels(page)).toEqual(['Flows', 'Inbox', 'Executions', 'Contacts', 'Reports', 'Audit', 'Settings']);
    await expect(page.getByRole('button', { name: /^Notifications, / }).isVisible()).resolves.toBe(true);
    // From the skip link, Tab walks into the navigation: the first item gets focus.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Flows');
    await screenshot(page, 'admin-settings-nav-admin');
  });

  it('the admin creates a support user in the users screen', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL((url) => url.pathname === '/settings/users');
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByLabel('Email', { exact: true }).fill(SUPPORT.email);
    await page.getByLabel('Name', { exact: true }).fill(SUPPORT.name);
    await page.getByLabel('Role', { exact: true }).selectOption('support');
    await page.getByLabel('Initial password').fill(SUPPORT.password);
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('cell', { name: SUPPORT.email }).waitFor();
    expect(await page.getByLabel(`Role of ${SUPPORT.name}`).inputValue()).toBe('support');
    await screenshot(page, 'admin-settings-users');
  });

  it('the support user sees only their navigation and a "not allowed" page on /settings', async () => {
    if (!browser) throw new Error('no browser');
    const support = await signIn(browser, web, SUPPORT);
    expect(await navLabels(support)).toEqual(['Flows', 'Inbox', 'Contacts']);
    await screenshot(support, 'admin-settings-nav-support');
    await support.goto(`${web}/settings`);
    await support.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(await support.getByRole('alert').filter({ hasText: 'Not allowed' }).innerText()).toContain(
      'Settings is not available to your role (Support)',
    );
    await screenshot(support, 'admin-settings-not-allowed-support');

    // Deactivated by the admin, their session ends at once: the next page sends them to sign in.
    await page.getByRole('button', { name: `Deactivate ${SUPPORT.name}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
    await page
      .getByRole('row', { name: new RegExp(SUPPORT.email) })
      .getByText('Deactivated')
      .waitFor();
    await support.goto(`${web}/flows`);
    await support.waitForURL((url) => url.pathname === '/login');
    await support.context().close();
  });

  it('a marketer sees Flows, Executions, Contacts and Reports', async () => {
    if (!browser) throw new Error('no browser');
    expect((await admin.request('POST', '/api/users', { ...MARKETER, role: 'marketer' })).status).toBe(201);
    const marketer = await signIn(browser, web, MARKETER);
    expect(await navLabels(marketer)).toEqual(['Flows', 'Executions', 'Contacts', 'Reports']);
    await screenshot(marketer, 'admin-settings-nav-marketer');
    await marketer.goto(`${web}/inbox`);
    await marketer.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await marketer.context().close();
  });

  it('the admin edits the time zone in the form and only it changes', async () => {
    const before = obj((await admin.request('GET', '/api/workspace/settings')).body);
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Workspace', exact: true }).click();
    await page.getByRole('heading', { name: 'Workspace settings' }).waitFor();
    await screenshot(page, 'admin-settings-workspace');
    await page.getByLabel('Time zone').selectOption('Europe/Rome');
    await page.getByText('Unsaved: time zone').waitFor();
    const patch = page.waitForRequest((request) => request.method() === 'PATCH' && request.url().endsWith('/api/workspace/settings'));
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect(JSON.parse((await patch).postData() ?? 'null')).toEqual({ timeZone: 'Europe/Rome' });
    await page.getByText('Saved: time zone.').waitFor();

    const after = obj((await admin.request('GET', '/api/workspace/settings')).body);
    expect(after).toEqual({ ...before, timeZone: 'Europe/Rome' });
    const audit = arr(obj((await admin.request('GET', '/api/audit')).body)['data']).map(obj);
    const entry = audit.find((a) => a['action'] === 'workspace.settings_updated');
    expect(arr(obj(entry?.['details'])['changes'])).toEqual([{ field: 'timeZone', before: 'UTC', after: 'Europe/Rome' }]);
  });

  it('shows the numbers, API keys (once) and workspaces screens', async () => {
    const settingsNav = page.getByRole('navigation', { name: 'Settings' });
    await settingsNav.getByRole('link', { name: 'WhatsApp numbers' }).click();
    await page.getByRole('heading', { name: 'WhatsApp numbers' }).waitFor();
    await page
      .getByRole('button', { name: /^Sync templates of .* now$/ })
      .first()
      .click();
    await page.getByText(/Templates of .* synced/).waitFor();
    await screenshot(page, 'admin-settings-numbers');

    await settingsNav.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Shopify');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('API key “Shopify”').innerText();
    expect(key).toMatch(/^pk_/);
    await page.getByRole('cell', { name: 'Shopify', exact: true }).waitFor();
    await screenshot(page, 'admin-settings-api-keys');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.reload();
    expect(await page.getByText(key).count()).toBe(0);

    await settingsNav.getByRole('link', { name: 'Workspaces' }).click();
    await page.getByLabel('Workspace name').fill('Milan store');
    await page.getByLabel("First admin's email").fill('milan@e2e.test');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    const password = await page.getByLabel(/Password of milan@e2e.test/).innerText();
    await page.getByRole('cell', { name: 'Milan store' }).waitFor();
    await screenshot(page, 'admin-settings-workspaces');
    const milan = await engineApi(stack?.urls.engine ?? '', { email: 'milan@e2e.test', password });
    const me = obj((await milan.request('GET', '/api/auth/me')).body);
    expect(str(obj(me['workspace'])['name'])).toBe('Milan store');
  });

  it('the admin adds the marketer to another workspace; she switches to it and sees none of the first', async () => {
    if (!browser) throw new Error('no browser');
    expect((await admin.request('POST', '/api/flows', { name: 'Only in the first workspace' })).status).toBe(201);
    await page.goto(`${web}/settings/workspaces`);
    await page.getByLabel('Workspace', { exact: true }).selectOption({ label: 'Milan store' });
    await page.getByLabel("User's email").fill(MARKETER.email);
    await page.getByLabel('Role in that workspace').selectOption('admin');
    await page.getByRole('button', { name: 'Add to workspace' }).click();
    await page.getByRole('button', { name: `Remove ${MARKETER.email} from Milan store` }).waitFor();
    await screenshot(page, 'admin-settings-workspace-members');

    const marketer = await signIn(browser, web, MARKETER);
    await marketer.goto(`${web}/flows`);
    await marketer.getByRole('link', { name: 'Only in the first workspace' }).waitFor();
    const switcher = marketer.getByRole('combobox', { name: 'Workspace' });
    expect(await switcher.inputValue()).not.toBe('');
    await switcher.selectOption({ label: 'Milan store (Admin)' });
    await marketer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).waitFor();
    expect(await navLabels(marketer)).toEqual(['Flows', 'Inbox', 'Executions', 'Contacts', 'Reports', 'Audit', 'Settings']);
    await marketer.goto(`${web}/flows`);
    await marketer.getByRole('heading', { name: 'Flows', level: 1 }).waitFor();
    expect(await marketer.getByRole('link', { name: 'Only in the first workspace' }).count()).toBe(0);
    await screenshot(marketer, 'admin-settings-switched-workspace');
    // Milan store's users screen lists her as added from the first workspace, without controls of its own.
    await marketer.goto(`${web}/settings/users`);
    await marketer
      .getByRole('row', { name: new RegExp(MARKETER.email) })
      .getByText('Added from My workspace')
      .waitFor();
    expect(
      await marketer
        .getByRole('row', { name: new RegExp(MARKETER.email) })
        .getByRole('button')
        .count(),
    ).toBe(0);
    await screenshot(marketer, 'admin-settings-users-added-member');

    // Removed from Milan store, her next page is her own workspace again, as a marketer.
    await page.getByRole('button', { name: `Remove ${MARKETER.email} from Milan store` }).click();
    await page.getByRole('button', { name: `Remove ${MARKETER.email} from Milan store` }).waitFor({ state: 'detached' });
    await marketer.goto(`${web}/flows`);
    await marketer.getByRole('link', { name: 'Only in the first workspace' }).waitFor();
    expect(await navLabels(marketer)).toEqual(['Flows', 'Executions', 'Contacts', 'Reports']);
    expect(await marketer.getByRole('combobox', { name: 'Workspace' }).count()).toBe(0);
    await marketer.context().close();
  });

  it('the admin edits the Italian STOP keywords, with the defaults of each language in view', async () => {
    await page.goto(`${web}/settings/workspace`);
    await page.getByRole('heading', { name: 'Workspace settings' }).waitFor();
    const italian = page.getByLabel('stop: Italian');
    expect(await italian.inputValue()).toBe('annulla\ndisiscrivimi\nbasta');
    await page.getByText('Default: stop, unsubscribe').waitFor();
    await italian.fill('annulla\nbasta così');
    await page.getByText('Unsaved: “stop” keywords (Italian)').waitFor();
    await italian.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-settings-keywords');
    const patch = page.waitForRequest((request) => request.method() === 'PATCH' && request.url().endsWith('/api/workspace/settings'));
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect(JSON.parse((await patch).postData() ?? 'null')).toEqual({ intents: { stop: { it: ['annulla', 'basta così'] } } });
    await page.getByText('Saved: “stop” keywords (Italian).').waitFor();
    const settings = obj((await admin.request('GET', '/api/workspace/settings')).body);
    expect(obj(obj(settings['effectiveIntentKeywordsByLanguage'])['stop'])).toMatchObject({
      it: ['annulla', 'basta così'],
      en: ['stop', 'unsubscribe'],
    });
  });
});
