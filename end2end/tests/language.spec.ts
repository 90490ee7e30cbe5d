import { expect, test } from '@playwright/test';
import { expectNoReload, failOnPageErrors, hasJs, startWatchingForReloads } from './helpers';

test('the header switches the whole store to Spanish, and a new visit remembers it', async ({ page, browser }, testInfo) => {
  const noErrors = failOnPageErrors(page);
  await page.goto('/products');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  // The switch offers the other language, named in that language.
  const english = page.getByRole('form', { name: 'Language' });
  await expect(english.getByRole('button')).toHaveText(['Español']);
  await english.getByRole('button', { name: 'Español' }).click();

  // Back on the same page, now in Spanish. (server_fn's redirect back may leave an empty "?".)
  await expect(page).toHaveURL(/\/products$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Todos los productos');
  await expect(page).toHaveTitle('Todos los productos · Tienda');
  await expect(page.getByText('51 productos · página 1 de 3')).toBeVisible();
  await expect(page.getByRole('form', { name: 'Idioma' }).getByRole('button')).toHaveText(['English']);

  // The catalog island renders new results in Spanish too (in the browser, with JavaScript).
  await startWatchingForReloads(page, testInfo);
  const filters = page.getByRole('group', { name: 'Filtrar productos' });
  await filters.getByLabel('Buscar').fill('wireless');
  await filters.getByLabel('Ordenar por').selectOption({ label: 'Precio: menor a mayor' });
  await filters.getByRole('button', { name: 'Aplicar' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Resultados para “wireless”');
  await expect(page).toHaveTitle('Resultados para “wireless” · Tienda');
  await expect(page.locator('.result-count')).toContainText('3 productos');
  await expectNoReload(page, testInfo);

  await page.getByRole('link', { name: 'Tienda', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cosas de todos los días a precios justos');
  await expect(page.getByRole('heading', { name: 'Novedades' })).toBeVisible();

  await page.goto('/products/solid-oak-coffee-table');
  await expect(page.getByText('Disponible')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'También te puede interesar' })).toBeVisible();
  await page.getByRole('link', { name: 'Ver imagen 2' }).click();
  await expect(page.locator('.gallery-main')).toHaveAttribute('alt', /imagen 2 de/);
  noErrors();

  // A new browser session with the saved state (the cookie) opens in Spanish without asking.
  const state = await page.context().storageState();
  const later = await browser.newContext({
    storageState: state,
    baseURL: testInfo.project.use.baseURL,
    javaScriptEnabled: hasJs(testInfo),
  });
  try {
    const again = await later.newPage();
    await again.goto('/');
    await expect(again.locator('html')).toHaveAttribute('lang', 'es');
    await expect(again.getByRole('heading', { level: 1 })).toHaveText('Cosas de todos los días a precios justos');

    await again.getByRole('form', { name: 'Idioma' }).getByRole('button', { name: 'English' }).click();
    await expect(again).toHaveURL(/:\d+\/$/);
    await expect(again.locator('html')).toHaveAttribute('lang', 'en');
    await expect(again.getByRole('heading', { level: 1 })).toHaveText('Everyday things, fairly priced');
    await expect(again.getByRole('form', { name: 'Language' }).getByRole('button')).toHaveText(['Español']);
  } finally {
    await later.close();
  }
});

test('the language switch fits the header of a phone', async ({ page }, testInfo) => {
  test.skip(!hasJs(testInfo), 'layout does not depend on JavaScript');
  await page.setViewportSize({ width: 375, height: 740 });
  await page.context().addCookies([{ name: 'lang', value: 'es', url: testInfo.project.use.baseURL! }]);
  await page.goto('/products');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'no sideways scrolling').toBeLessThanOrEqual(0);
  const switcher = page.getByRole('form', { name: 'Idioma' });
  await expect(switcher.getByRole('button', { name: 'English' })).toBeInViewport();
  // Beside the brand, so it costs no extra row.
  const brand = await page.getByRole('link', { name: 'Tienda', exact: true }).boundingBox();
  const box = await switcher.boundingBox();
  expect(Math.abs(box!.y + box!.height / 2 - (brand!.y + brand!.height / 2))).toBeLessThan(4);
});
