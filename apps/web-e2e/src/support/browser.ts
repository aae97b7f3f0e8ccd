import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium), or CHROMIUM_PATH. Never a downloaded browser. */
export function chromiumPath(): string | null {
  const candidates = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => typeof path === 'string' && path.length > 0 && existsSync(path)) ?? null;
}

/** `describe` when Chromium is installed, otherwise the block is reported as skipped by name. */
export const describeInBrowser: jest.Describe = chromiumPath() ? describe : describe.skip;

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium is not installed (apt-get install -y chromium)');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

const artifacts = join(__dirname, '..', '..', '..', '..', 'test-artifacts', 'screenshots');

/** Saves a full-page screenshot under test-artifacts/screenshots. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifacts, { recursive: true });
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Where a signed-in page starts: `next` (the login form's redirect, waited for) and the window's size. */
export interface SignInOptions {
  next?: string;
  viewport?: { width: number; height: number };
}

/** A new page signed in as `credentials` through the login form (1280x720 unless told), on `next` or wherever the login leads. */
export async function signIn(
  browser: Browser,
  web: string,
  credentials: { email: string; password: string },
  options: SignInOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(options.next ? `${web}/login?next=${encodeURIComponent(options.next)}` : `${web}/login`);
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => (options.next ? url.pathname === options.next : url.pathname !== '/login'));
  return page;
}
