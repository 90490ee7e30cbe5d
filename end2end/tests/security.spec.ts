import { expect, test, type Page } from '@playwright/test';
import { failOnPageErrors, hasJs } from './helpers';

/** Records every dialog (an injected `alert`) and every Content-Security-Policy violation. */
async function watchForInjection(page: Page) {
  const dialogs: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.addInitScript(() => {
    (window as any).__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      (window as any).__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  return {
    dialogs,
    violations: () => page.evaluate(() => (window as any).__cspViolations as string[]),
  };
}

test('a search for markup shows it as text and runs nothing', async ({ page }, testInfo) => {
  const watch = await watchForInjection(page);
  const payload = '</title><script>alert(document.domain)</script><img src=x onerror=alert(1)>';
  await page.goto(`/products?q=${encodeURIComponent(payload)}#<img src=x onerror=alert(2)>`);
  await expect(page).toHaveTitle(/<\/title><script>alert\(document\.domain\)<\/script>/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('<script>alert(document.domain)</script>');
  // The same address again, now from the page cache.
  await page.reload();
  await expect(page).toHaveTitle(/<\/title><script>/);
  if (hasJs(testInfo)) await expect(page.locator('body[data-hydrated]')).toHaveCount(1);
  expect(watch.dialogs).toEqual([]);
});

test('no page breaks its Content-Security-Policy, the islands hydrate, and pages without one load no WebAssembly', async ({ page }, testInfo) => {
  test.skip(!hasJs(testInfo), 'a policy only matters to scripts');
  const noErrors = failOnPageErrors(page);
  const watch = await watchForInjection(page);
  // What the browser fetches of the built script and WebAssembly (preloads included).
  const frontEndRequests: string[] = [];
  page.on('request', (request) => {
    if (/^\/pkg\/.*\.(js|wasm)$/.test(new URL(request.url()).pathname)) frontEndRequests.push(request.url());
  });
  // The product cards' "add to cart" happens in place through an island, so every page with a grid has one.
  const interactive = ['/', '/products', '/products/solid-oak-coffee-table', '/categories/furniture', '/login', '/register'];
  for (const path of [...interactive, '/stores', '/cart']) {
    frontEndRequests.length = 0;
    const response = await page.goto(path);
    expect(response?.headers()['content-security-policy'], path).toContain("script-src 'self'");
    const islands = await page.locator('leptos-island').count();
    expect(islands > 0, `${path} has islands`).toBe(interactive.includes(path));
    if (islands > 0) {
      await expect(page.locator('body[data-hydrated]'), path).toHaveCount(1);
      expect(frontEndRequests.some((url) => url.endsWith('.wasm')), path).toBe(true);
    } else {
      // Nothing to hydrate: once the page is idle it still has fetched neither file.
      await page.waitForLoadState('networkidle');
      await page.evaluate(() => new Promise((done) => requestIdleCallback(() => done(null))));
      expect(frontEndRequests, path).toEqual([]);
    }
    expect(await watch.violations(), path).toEqual([]);
  }
  // The interactive parts work under the policy: the gallery and the filters.
  await page.goto('/products');
  const filters = page.getByRole('group', { name: 'Filter products' });
  await filters.getByLabel('Search').fill('oak');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/[?&]q=oak/);
  expect(await watch.violations()).toEqual([]);
  noErrors();
});

test('the API docs page runs under its own policy', async ({ page }, testInfo) => {
  test.skip(!hasJs(testInfo), 'the docs page is a script');
  const watch = await watchForInjection(page);
  const response = await page.goto('/api/docs/');
  expect(response?.headers()['content-security-policy']).toContain("object-src 'none'");
  await expect(page.getByText('/api/v1/products').first()).toBeVisible();
  expect(await watch.violations()).toEqual([]);
});
