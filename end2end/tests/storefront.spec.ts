import { expect, test } from '@playwright/test';
import { expectNoReload, failOnPageErrors, hasJs, startWatchingForReloads } from './helpers';

test('browse from the home page to a product through links', async ({ page }) => {
  const noErrors = failOnPageErrors(page);
  await page.goto('/');
  await expect(page).toHaveTitle(/Tienda/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Everyday things, fairly priced');

  await page.getByRole('main').getByRole('link', { name: 'Furniture', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Furniture');
  await expect(page).toHaveURL(/\/categories\/furniture$/);
  await expect(page.getByText('7 products')).toBeVisible();

  await page.getByRole('link', { name: /Solid Oak Coffee Table/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Solid Oak Coffee Table');
  await expect(page).toHaveTitle('Solid Oak Coffee Table · Tienda');
  await expect(page.getByText('In stock')).toBeVisible();
  noErrors();
});

test('the filter form searches, filters and sorts, keeping the URL in step', async ({ page }, testInfo) => {
  const noErrors = failOnPageErrors(page);
  await page.goto('/products');
  await expect(page.getByText('51 products · page 1 of 3')).toBeVisible();
  await startWatchingForReloads(page, testInfo);

  const filters = page.getByRole('group', { name: 'Filter products' });
  await filters.getByLabel('Search').fill('wireless');
  await filters.getByLabel('Sort by').selectOption({ label: 'Price: low to high' });
  await filters.getByRole('button', { name: 'Apply' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Results for “wireless”');
  await expect(page).toHaveURL(/[?&]q=wireless/);
  await expect(page).toHaveURL(/[?&]sort=price_asc/);
  const titles = page.locator('.product-grid .card-title');
  await expect(titles).toHaveCount(3);
  await expect(page.locator('.result-count')).toContainText('3 products');

  await filters.getByLabel('Category').selectOption({ label: 'Electronics' });
  await filters.getByLabel('Max price (USD)').fill('30');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/[?&]price_max=30/);
  await expect(page).toHaveURL(/[?&]category=electronics/);
  const prices = await page.locator('.card-price').allTextContents();
  for (const price of prices) expect(Number(price.replace(/[^0-9.]/g, ''))).toBeLessThanOrEqual(30);
  await expectNoReload(page, testInfo);

  // Back returns to the earlier results, and forward to the later ones.
  await page.goBack();
  await expect(page.locator('.product-grid .card-title')).toHaveCount(3);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Results for “wireless”');
  await page.goForward();
  await expect(page.locator('.product-grid .card-title')).toHaveCount(prices.length);
  await expectNoReload(page, testInfo);

  // The filtered page is a real address: loading it afresh shows the same results.
  await page.reload();
  await expect(page.locator('.product-grid .card-title')).toHaveCount(prices.length);
  noErrors();
});

test('pagination walks through the whole catalog', async ({ page }, testInfo) => {
  await page.goto('/products?sort=name');
  await startWatchingForReloads(page, testInfo);
  const pages = page.getByRole('navigation', { name: 'Pages' });
  await pages.getByRole('link', { name: 'Next →' }).click();
  await expect(page).toHaveURL(/sort=name&page=2/);
  await expect(page.locator('.result-count')).toHaveText('51 products · page 2 of 3');
  if (hasJs(testInfo)) {
    // What a page load would change outside the listing changes too: screen readers hear the
    // new count, and the head describes the listing on screen.
    await expect(page.locator('#listing-status')).toHaveText('51 products · page 2 of 3');
    await expect(page.locator('link[rel=canonical]')).toHaveAttribute('href', page.url());
    await expect(page.locator('link[rel=canonical]')).toHaveAttribute('href', /\/products\?sort=name&page=2\b/);
    await expect(page.locator('link[rel=prev]')).toHaveCount(1);
    await expect(page.locator('link[rel=next]')).toHaveAttribute('href', /\/products\?sort=name&page=3\b/);
    await expect(page.locator('meta[property="og:url"]')).toHaveAttribute('content', page.url());
  }
  await pages.getByRole('link', { name: 'Page 3' }).click();
  await expect(page.locator('.product-grid .card-title')).toHaveCount(3);
  await expect(pages.getByRole('link', { name: 'Page 3' })).toHaveAttribute('aria-current', 'page');
  await expectNoReload(page, testInfo);
  if (!hasJs(testInfo)) return;
  // The new listing takes focus at its heading, as a page load starts a reader at the top.
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toBeFocused();
  // The page already shown, asked for again, is no new step back.
  const entries = await page.evaluate(() => history.length);
  await pages.getByRole('link', { name: 'Page 3' }).focus();
  await pages.getByRole('link', { name: 'Page 3' }).click();
  await expect(heading).toBeFocused();
  expect(await page.evaluate(() => history.length)).toBe(entries);
  await expectNoReload(page, testInfo);
});

test('a listing swapped in place makes its adds to the cart in place too', async ({ page }, testInfo) => {
  test.skip(!hasJs(testInfo), 'without JavaScript the form loads a page, and its adds post (shopping.spec.ts)');
  const noErrors = failOnPageErrors(page);
  // Nothing matches: the first page has no grid, so none of a grid's own listening for adds.
  await page.goto('/products?q=nothingmatchesthis');
  await expect(page.locator('.product-grid')).toHaveCount(0);
  await startWatchingForReloads(page, testInfo);
  const filters = page.getByRole('group', { name: 'Filter products' });
  await filters.getByLabel('Search').fill('candle');
  // While the next listing is on its way (held here until released), the one shown says so.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const search = /\/products\?q=candle&/;
  await page.route(search, async (route) => {
    await held;
    await route.continue();
  });
  await filters.getByRole('button', { name: 'Apply' }).click();
  const catalog = page.locator('.catalog');
  await expect(catalog).toHaveAttribute('aria-busy', 'true');
  await expect.poll(() => catalog.evaluate((element) => getComputedStyle(element).opacity)).toBe('0.6');
  release();
  await expect(page).toHaveURL(/\/products\?q=candle$/);
  await expect(page).toHaveTitle('Results for “candle” · Tienda');
  await expect(page.locator('.catalog')).toHaveAttribute('aria-busy', 'false');
  const card = page.locator('.product-card', { has: page.getByRole('heading', { name: 'Scented Soy Candle' }) });
  await card.getByRole('button', { name: 'Add to cart' }).click();
  await expect(card.locator('.add-status')).toHaveText('Added to your cart: Scented Soy Candle. View cart');
  await expect(page.getByRole('banner').locator('a.cart-link .cart-count')).toHaveAttribute('data-cart-count', '1');
  await expectNoReload(page, testInfo);
  noErrors();
});

test('a newer listing cancels the one on its way, and one that never comes loads as a page', async ({ page }, testInfo) => {
  test.skip(!hasJs(testInfo), 'without JavaScript the form loads a page');
  test.setTimeout(45_000);
  const noErrors = failOnPageErrors(page);
  await page.goto('/products');
  await startWatchingForReloads(page, testInfo);
  // The island's requests for these two searches never get an answer; a page load gets one.
  const never = new Promise<void>(() => {});
  await page.route(/\/products\?q=(lamp|chair)&/, async (route) => {
    if (route.request().resourceType() === 'fetch') await never;
    await route.continue();
  });
  const cancelled: string[] = [];
  page.on('requestfailed', (request) => cancelled.push(request.url()));
  const filters = page.getByRole('group', { name: 'Filter products' });
  const heading = page.getByRole('heading', { level: 1 });

  await filters.getByLabel('Search').fill('lamp');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await filters.getByLabel('Search').fill('candle');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(heading).toHaveText('Results for “candle”');
  await expect.poll(() => cancelled.join(' ')).toContain('q=lamp');
  await expectNoReload(page, testInfo);

  // After ten seconds without an answer the browser is left to load the address as a page.
  await filters.getByLabel('Search').fill('chair');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('.catalog')).toHaveAttribute('aria-busy', 'true');
  await expect(heading).toHaveText('Results for “chair”', { timeout: 25_000 });
  await expect(page.getByRole('heading', { name: 'Mid Century Accent Chair' })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__tiendaSamePage)).toBeUndefined();
  noErrors();
});

test('the gallery shows each image of a product', async ({ page }, testInfo) => {
  const noErrors = failOnPageErrors(page);
  await page.goto('/products/solid-oak-coffee-table');
  await startWatchingForReloads(page, testInfo);
  const main = page.locator('.gallery-main');
  await expect(main).toHaveAttribute('alt', /image 1 of/);
  await page.getByRole('link', { name: 'Show image 2' }).click();
  await expect(main).toHaveAttribute('alt', /image 2 of/);
  await expect(main).toHaveAttribute('src', /-2\.svg$/);
  await expect(page.getByRole('link', { name: 'Show image 2' })).toHaveAttribute('aria-current', 'true');
  await expectNoReload(page, testInfo);
  noErrors();
});

test('the header search box finds products from any page', async ({ page }) => {
  await page.goto('/products/solid-oak-coffee-table');
  const search = page.getByRole('search');
  await search.getByLabel('Search products').fill('leather');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Results for “leather”');
  await expect(page.locator('.product-grid .card-title').first()).toBeVisible();
});

test('an unknown product shows a helpful not-found page', async ({ page }) => {
  const response = await page.goto('/products/does-not-exist');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await page.getByRole('link', { name: 'Browse all products' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('All products');
});

test('the page is usable on a phone', async ({ page }, testInfo) => {
  test.skip(hasJs(testInfo) === false, 'layout does not depend on JavaScript');
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/products');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'no sideways scrolling').toBeLessThanOrEqual(0);
  await expect(page.getByRole('button', { name: 'Apply' })).toBeVisible();
});
