import { expect, test, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCustomer, signIn } from './helpers';

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

  test('buying', async ({ page, request, baseURL }) => {
    // A customer of its own (no other story's cart lines), and products nobody else buys.
    const customer = await createCustomer(request, baseURL!, 'Laura Gómez');
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto('/login?next=%2Fproducts%2Fcanvas-low-top-sneakers');
    await signIn(page, customer.email, customer.password);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Canvas Low Top Sneakers');
    await expect(page.locator('body[data-hydrated]')).toHaveCount(1);
    const form = page.locator('.product-info form.add-to-cart');
    await form.getByLabel('Quantity').fill('2');
    await form.getByRole('button', { name: 'Add to cart' }).click();
    await expect(form.locator('.add-status')).toContainText('Added to your cart');
    await page.goto('/products/wireless-charging-pad');
    await expect(page.locator('body[data-hydrated]')).toHaveCount(1);
    await page.locator('.product-info form.add-to-cart').getByRole('button', { name: 'Add to cart' }).click();
    await expect(page.locator('.product-info .add-status')).toContainText('Added to your cart');

    await page.goto('/cart');
    await expect(page.locator('li.cart-line')).toHaveCount(2);
    await shoot(page, 'storefront-cart');

    await page.getByRole('link', { name: 'Checkout' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Checkout');
    await expect(page.locator('body[data-hydrated]')).toHaveCount(1);
    await page.getByLabel('Pick up at one of our stores (pay at pickup)').check();
    await page.getByLabel('Full name').fill(customer.name);
    await page.getByLabel('Phone').fill('+57 300 555 0199');
    await expect(page.locator('#field-store_id')).toBeVisible();
    await shoot(page, 'storefront-checkout');

    await page.getByRole('button', { name: 'Place order' }).click();
    await expect(page).toHaveURL(/\/account\/orders\/\d+\?placed=1$/);
    await expect(page.locator('.order-lines tbody tr')).toHaveCount(2);
    await shoot(page, 'storefront-order');
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
