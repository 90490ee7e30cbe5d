import fs from 'node:fs';
import path from 'node:path';
import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page, type TestInfo } from '@playwright/test';

export const hasJs = (testInfo: TestInfo) => testInfo.project.use.javaScriptEnabled !== false;

/**
 * With JavaScript, waits until the app has hydrated and plants a marker in the page's JavaScript
 * state; `expectNoReload` later proves that the interaction in between did not load a new
 * document. Without JavaScript both are no-ops.
 */
export async function startWatchingForReloads(page: Page, testInfo: TestInfo) {
  if (!hasJs(testInfo)) return;
  await expect(page.locator('body[data-hydrated]')).toHaveCount(1);
  await page.evaluate(() => ((window as any).__tiendaSamePage = true));
}

export async function expectNoReload(page: Page, testInfo: TestInfo) {
  if (!hasJs(testInfo)) return;
  expect(await page.evaluate(() => (window as any).__tiendaSamePage)).toBe(true);
}

/**
 * Fails the test on any uncaught error in the page (a hydration mismatch, a WASM trap) or a
 * server error. A 4xx answer to a form is how the server reports a wrong entry, so Chromium's
 * console note about it is expected.
 */
export function failOnPageErrors(page: Page) {
  const errors: string[] = [];
  const expectedAnswer = /^Failed to load resource: the server responded with a status of 4\d\d/;
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !expectedAnswer.test(message.text())) errors.push(message.text());
  });
  return () => expect(errors, 'errors in the page').toEqual([]);
}

/**
 * Signs in on the sign-in page the browser is on (`/login`, with or without `?next=`).
 */
export async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
}

export type Customer = { name: string; email: string; password: string };

/**
 * A new customer account of a story's own, registered from outside any browser (a request
 * context of its own, so no page's session is touched). Stories that buy use one each: a demo
 * account's cart would be shared with every other story signed in as it at the same time.
 */
export async function createCustomer(request: APIRequestContext, baseURL: string, name: string): Promise<Customer> {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const customer = {
    name,
    email: `${slug}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`,
    password: 'a long enough secret',
  };
  // A plain form post, as a browser without JavaScript sends it: success is the redirect to `next`.
  const response = await request.post('/rpc/register', {
    form: { ...customer, next: '/account' },
    headers: { Origin: baseURL, Accept: 'text/html' },
    maxRedirects: 0,
  });
  expect(response.status(), `registering ${customer.email}`).toBeGreaterThanOrEqual(300);
  expect(response.status()).toBeLessThan(400);
  expect(response.headers()['location']).toBe('/account');
  return customer;
}

/**
 * A second person at another browser (an admin beside a customer): a new context with the same
 * address and the same JavaScript setting as the story's own page. The caller closes it.
 */
export async function newVisitor(browser: Browser, baseURL: string, testInfo: TestInfo): Promise<BrowserContext> {
  return browser.newContext({ baseURL, javaScriptEnabled: hasJs(testInfo) });
}

/**
 * The password reset link last mailed to `email`, read from the server's outbox (serve.sh), once
 * its job has sent it: the mail's text part is quoted-printable (soft line breaks, `=3D`).
 */
export async function mailedResetLink(email: string): Promise<string> {
  const outbox = process.env.TIENDA_E2E_OUTBOX!;
  let link = '';
  await expect
    .poll(() => {
      const files = fs.existsSync(outbox) ? fs.readdirSync(outbox) : [];
      for (const file of files) {
        const text = fs.readFileSync(path.join(outbox, file), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
        const found = text.includes(email) && text.match(/https?:\/\/[^\s"<>]*\/login\/reset\?token=[0-9a-f]{64}/);
        if (found) link = found[0];
      }
      return link;
    }, { message: `a reset link mailed to ${email}` })
    .not.toBe('');
  return link;
}
