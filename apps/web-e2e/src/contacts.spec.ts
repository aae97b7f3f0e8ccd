import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser, screenshot } from './support/browser';
import { type ProductStack, startProductStack } from './support/product-stack';

const CSV = [
  'Name,Phone,Email,Tags',
  'Giulia Rossi,333 123 0001,giulia@example.com,vip',
  'Giulia R,+39 333 123 0002,giulia@example.com,work',
  'Bad Number,12,,',
  'Nobody,,,',
  'Bad Email,3331230009,not-an-email,',
  'Marco Bianchi,0039 333 123 0003,marco@example.com,lead;sofa',
].join('\n');

describeInBrowser('contacts: import a CSV with bad rows, review a duplicate, merge it and undo it', () => {
  let stack: ProductStack | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    stack = await startProductStack();
    const simulator = stack.urls.simulator;
    if (!simulator) throw new Error('The stack runs without the WhatsApp simulator');
    // Giulia writes on WhatsApp first: the import finds her by her number in another format.
    const sent = await fetch(`${simulator}/sim/customer-messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '393331230001', name: 'Giulia', text: 'Ciao! Avete il divano blu?' }),
    });
    expect(sent.status).toBe(200);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${stack.urls.web}/login?next=%2Fcontacts`);
    await page.getByLabel('Email').fill(stack.admin.email);
    await page.getByLabel('Password').fill(stack.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/contacts');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('imports a CSV: the dry run reports created, updated and skipped rows with the reason, then the import does it', async () => {
    const table = page.getByRole('table', { name: 'Contacts' });
    await table.getByRole('link', { name: 'Giulia', exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).waitFor();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.waitForURL((url) => url.pathname === '/contacts/import');
    await page.getByLabel('CSV file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByRole('combobox', { name: 'Column Phone' }).waitFor();
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    const report = page.getByRole('region', { name: 'Dry run: nothing was changed' });
    await report.getByText('6 rows: 2 to create, 1 to update, 0 unchanged, 3 skipped.').waitFor();
    const skipped = report.getByRole('table', { name: 'Skipped rows' });
    await skipped.getByText('Phone: "12" is not a valid phone number').waitFor();
    await skipped.getByText('no phone number or email').waitFor();
    await skipped.getByText('Email: "not-an-email" is not an email address').waitFor();
    await report.getByText(/Row 3: same email as a contact with number \+393331230001/).waitFor();
    await screenshot(page, 'contacts-import-dry-run');

    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('region', { name: 'Imported' }).getByText('6 rows: 2 created, 1 updated, 0 unchanged, 3 skipped.').waitFor();

    await page.goto(`${stack?.urls.web}/contacts`);
    await page.getByRole('searchbox', { name: 'Search' }).fill('+39 333 123 0003');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('table', { name: 'Contacts' }).getByRole('link', { name: 'Marco Bianchi' }).waitFor();
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('table', { name: 'Contacts' }).getByRole('link', { name: 'Giulia R', exact: true }).waitFor();
    await screenshot(page, 'contacts-list');
  });

  it('reviews the duplicate the import found, merges it, and undoes the merge', async () => {
    await page.goto(`${stack?.urls.web}/contacts/duplicates`);
    const candidates = page.getByRole('table', { name: 'Duplicate candidates' });
    await candidates.getByText('same email giulia@example.com').waitFor();
    await candidates.getByRole('button', { name: /^Review Giulia/ }).click();
    const review = page.getByRole('region', { name: 'Merge these contacts?' });
    await review.getByText('same email giulia@example.com').waitFor();
    await screenshot(page, 'contacts-duplicate-review');
    await review.getByRole('button', { name: 'Merge' }).click();
    const status = page.getByRole('status');
    await status.getByText(/You can undo this for 30 days/).waitFor();
    await page.getByText('No duplicates to review.').waitFor();
    await screenshot(page, 'contacts-merged');

    await status.getByRole('button', { name: 'Undo merge' }).click();
    await page.getByText('Merge undone: both contacts are back as they were.').waitFor();
    await candidates.getByText('same email giulia@example.com').waitFor();
    await screenshot(page, 'contacts-merge-undone');
  });

  it('shows a contact with identity, tags and the timeline', async () => {
    await page.goto(`${stack?.urls.web}/contacts`);
    await page.getByRole('table', { name: 'Contacts' }).getByRole('link', { name: 'Giulia Rossi', exact: true }).click();
    await page.getByRole('heading', { name: 'Giulia Rossi' }).waitFor();
    await page.getByRole('region', { name: 'Identity' }).getByText('+393331230001').waitFor();
    await page.getByRole('region', { name: 'Timeline' }).getByText('Ciao! Avete il divano blu?').waitFor();
    await page.getByRole('link', { name: 'Open conversation' }).waitFor();
    await screenshot(page, 'contacts-detail');
  });

  it('answers a GDPR request from the contact page: exports the data, then erases it after "erase" is typed', async () => {
    const privacy = page.getByRole('region', { name: 'Personal data (GDPR)' });
    const download = page.waitForEvent('download');
    await privacy.getByRole('button', { name: 'Export personal data' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^contact-[0-9a-f-]{36}-data\.json$/);
    const exported: unknown = JSON.parse(await readFile(await file.path(), 'utf8'));
    expect(JSON.stringify(exported)).toContain('Ciao! Avete il divano blu?');
    await privacy
      .getByRole('status')
      .getByText(/^Exported \d+ rows from \d+ tables/)
      .waitFor();

    await privacy.getByRole('button', { name: 'Erase personal data…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase this contact’s personal data?' });
    // A wrong word is refused by the engine, naming the field, and erases nothing.
    await dialog.getByLabel('Type “erase” to confirm').fill('delete');
    await dialog.getByRole('button', { name: 'Erase personal data' }).click();
    await dialog.getByRole('alert').getByText('confirm', { exact: false }).waitFor();
    await page.getByRole('region', { name: 'Timeline' }).getByText('Ciao! Avete il divano blu?').waitFor();
    await dialog.getByLabel('Type “erase” to confirm').fill('erase');
    await screenshot(page, 'contacts-gdpr-erase');
    await dialog.getByRole('button', { name: 'Erase personal data' }).click();
    await privacy
      .getByRole('status')
      .getByText(/^Personal data erased: \d+ rows emptied/)
      .waitFor();
    await page.getByRole('region', { name: 'Timeline' }).getByText('Ciao! Avete il divano blu?').waitFor({ state: 'detached' });
  });
});
