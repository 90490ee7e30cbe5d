import { expect, test, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The README's screenshots, taken from the running store. Every run takes them (so a page that
// stops rendering fails here); `TIENDA_SCREENSHOTS_DIR=docs/screenshots` (see scripts/screenshots)
// also copies them where the README shows them.
const target = process.env.TIENDA_SCREENSHOTS_DIR;

async function shoot(page: Page, name: string) {
  const file = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  if (target) {
    fs.mkdirSync(target, { recursive: true });
    fs.copyFileSync(file, path.join(target, `${name}.png`));
  }
}

test.describe('screenshots', () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, 'taken once, with JavaScript');

  test('storefront', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await shoot(page, 'storefront-home');
    await page.goto('/products?category=furniture');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await shoot(page, 'storefront-catalog');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/products/classic-oxford-shirt');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Classic Oxford Shirt');
    await shoot(page, 'storefront-product-phone');
  });

  test('back office', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto('/login?next=%2Fadmin');
    await page.getByLabel('Email').fill('admin@mail.com');
    await page.getByLabel('Password', { exact: true }).fill('admin123');
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('img', { name: 'Price distribution' })).toBeVisible();
    await shoot(page, 'admin-dashboard');
    await page.goto('/admin/products?sort=price_desc');
    await expect(page.getByRole('table')).toBeVisible();
    await shoot(page, 'admin-products');
    await page.getByRole('table').getByRole('link', { name: 'Edit' }).first().click();
    await expect(page.getByRole('button', { name: 'Save product' })).toBeVisible();
    await shoot(page, 'admin-product-form');
  });
});
