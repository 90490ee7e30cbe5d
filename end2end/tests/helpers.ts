import { expect, type Page, type TestInfo } from '@playwright/test';

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
