import { expect, test, type Page } from '@playwright/test';
import {
  createCustomer,
  expectNoReload,
  failOnPageErrors,
  hasJs,
  newVisitor,
  signIn,
  startWatchingForReloads,
} from './helpers';

// Buying, from a guest's first add to the back office's "ready for pickup". Every story runs on
// the same store as every other spec (one database per run), beside them, so each one buys with a
// customer of its own (a demo account's cart would collect other stories' lines) and products
// with plenty of stock that no other story buys or counts.
const products = {
  js: { page: 'organic-cotton-t-shirt', pageTitle: 'Organic Cotton T-Shirt', search: 'beanie', cardTitle: 'Ribbed Knit Beanie' },
  'no-js': {
    page: 'insulated-steel-water-bottle',
    pageTitle: 'Insulated Steel Water Bottle',
    search: 'slippers',
    cardTitle: 'Memory Foam Slippers',
  },
} as const;

const cartCount = (page: Page) => page.getByRole('banner').locator('a.cart-link .cart-count');

/** The status shown in an order's facts (the payment has a badge of its own). */
const orderStatus = (page: Page) => page.locator('.order-facts > div', { hasText: /^Status/ }).locator('.status-badge');

test('a guest fills a cart, signs in at checkout, picks up at a store, and the back office gets it ready', async ({
  page,
  browser,
  request,
  baseURL,
}, testInfo) => {
  const noErrors = failOnPageErrors(page);
  const js = hasJs(testInfo);
  const pick = products[js ? 'js' : 'no-js'];
  const customer = await createCustomer(request, baseURL!, `Lucía ${testInfo.project.name}`);

  // Two of a product, from its page.
  await page.goto(`/products/${pick.page}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(pick.pageTitle);
  await expect(cartCount(page)).toHaveAttribute('data-cart-count', '0');
  await expect(cartCount(page)).toBeHidden();
  await startWatchingForReloads(page, testInfo);
  const productForm = page.locator('.product-info form.add-to-cart');
  await productForm.getByLabel('Quantity').fill('2');
  await productForm.getByRole('button', { name: 'Add to cart' }).click();
  if (js) {
    await expect(productForm.locator('.add-status')).toHaveText(`Added to your cart: ${pick.pageTitle}. View cart`);
  } else {
    await expect(page).toHaveURL(new RegExp(`/products/${pick.page}\\?added=\\d+$`));
    await expect(page.locator('.form-notice')).toHaveText(`Added to your cart: ${pick.pageTitle}. View cart`);
  }
  await expect(cartCount(page)).toHaveAttribute('data-cart-count', '2');
  await expect(cartCount(page)).toBeVisible();
  await expectNoReload(page, testInfo);

  // One more, from a card of a listing (a cached page: the count is still the guest's own).
  await page.goto(`/products?q=${pick.search}`);
  await expect(cartCount(page)).toHaveAttribute('data-cart-count', '2');
  await startWatchingForReloads(page, testInfo);
  const card = page.locator('.product-card', { has: page.getByRole('heading', { name: pick.cardTitle }) });
  await card.getByRole('button', { name: 'Add to cart' }).click();
  if (js) {
    await expect(card.locator('.add-status')).toHaveText(`Added to your cart: ${pick.cardTitle}. View cart`);
  } else {
    await expect(page).toHaveURL(new RegExp(`/products\\?q=${pick.search}&added=\\d+$`));
    await expect(page.locator('.form-notice')).toHaveText(`Added to your cart: ${pick.cardTitle}. View cart`);
  }
  await expect(cartCount(page)).toHaveAttribute('data-cart-count', '3');
  await expectNoReload(page, testInfo);

  // The cart holds both lines.
  await page.getByRole('banner').getByRole('link', { name: /^Cart/ }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your cart');
  const lines = page.locator('li.cart-line');
  await expect(lines).toHaveCount(2);
  await expect(lines.filter({ hasText: pick.pageTitle })).toHaveCount(1);
  await expect(lines.filter({ hasText: pick.cardTitle })).toHaveCount(1);
  await expect(page.getByLabel(`Quantity of ${pick.pageTitle}`)).toHaveValue('2');
  await expect(page.getByLabel(`Quantity of ${pick.cardTitle}`)).toHaveValue('1');

  // Checkout asks a guest to sign in, and comes back with the cart now the account's.
  await page.getByRole('link', { name: 'Checkout' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fcheckout$/);
  await signIn(page, customer.email, customer.password);
  await expect(page).toHaveURL(/\/checkout$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Checkout');
  await expect(page.getByRole('banner').getByRole('link', { name: customer.name })).toBeVisible();
  const review = page.locator('.review-table tbody tr');
  await expect(review).toHaveCount(2);
  await expect(review.filter({ hasText: pick.pageTitle }).locator('td').first()).toHaveText('2');
  await expect(review.filter({ hasText: pick.cardTitle }).locator('td').first()).toHaveText('1');
  await expect(cartCount(page)).toHaveAttribute('data-cart-count', '3');

  // Pickup at a store, paid there.
  if (js) await expect(page.locator('body[data-hydrated]')).toHaveCount(1);
  await page.getByLabel('Pick up at one of our stores (pay at pickup)').check();
  await expect(page.getByLabel('Street and number')).toBeHidden();
  // The payment that goes with pickup is the one the form now names.
  await expect(page.locator('.payment-note .payment-delivery')).toBeHidden();
  await expect(page.locator('.payment-note .payment-pickup')).toBeVisible();
  await page.getByLabel('Full name').fill(customer.name);
  await page.getByLabel('Phone').fill('+57 300 555 0101');
  const store = page.locator('#field-store_id');
  await expect(store).toBeVisible();
  const chapinero = await store.locator('option', { hasText: 'Tienda Chapinero' }).getAttribute('value');
  await store.selectOption(chapinero!);
  await page.getByRole('button', { name: 'Place order' }).click();

  // The order's page: placed, with what was in the cart; the cart is empty again.
  await expect(page).toHaveURL(/\/account\/orders\/\d+\?placed=1$/);
  const orderId = page.url().match(/\/account\/orders\/(\d+)/)![1];
  const orderPath = `/account/orders/${orderId}`;
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Order #${orderId}`);
  await expect(page.getByRole('status')).toHaveText('Thank you! Your order was placed.');
  await expect(orderStatus(page)).toHaveText('Placed');
  await expect(page.locator('.order-facts')).toContainText('Tienda Chapinero');
  await expect(page.locator('.order-facts')).toContainText('Pay at pickup');
  const orderLines = page.locator('.order-lines tbody tr');
  await expect(orderLines).toHaveCount(2);
  await expect(orderLines.filter({ hasText: pick.pageTitle }).locator('td').nth(1)).toHaveText('2');
  await expect(orderLines.filter({ hasText: pick.cardTitle }).locator('td').nth(1)).toHaveText('1');
  await expect(cartCount(page)).toHaveAttribute('data-cart-count', '0');

  // It is listed in "My orders".
  await page.getByRole('main').getByRole('link', { name: 'My orders' }).click();
  await expect(page).toHaveURL(/\/account\/orders$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My orders');
  await expect(page.getByRole('row', { name: new RegExp(`Order #${orderId}\\b`) })).toContainText('Placed');

  // The back office, at another browser: finds the order by its customer, confirms it and gets it
  // ready for pickup.
  const office = await newVisitor(browser, baseURL!, testInfo);
  try {
    const admin = await office.newPage();
    const adminErrors = failOnPageErrors(admin);
    await admin.goto(`/login?next=${encodeURIComponent(`/admin/orders?customer=${customer.email}`)}`);
    await signIn(admin, 'admin@mail.com', 'admin123');
    await expect(admin.getByRole('heading', { level: 1 })).toHaveText('Orders');
    await expect(admin.getByRole('status')).toHaveText('1 order');
    await admin.getByRole('link', { name: `Order #${orderId}`, exact: true }).click();
    await expect(admin).toHaveURL(new RegExp(`/admin/orders/${orderId}$`));
    await expect(orderStatus(admin)).toHaveText('Placed');
    await expect(admin.getByRole('button', { name: 'Mark shipped' })).toHaveCount(0);

    await admin.getByRole('button', { name: 'Confirm' }).click();
    await expect(admin).toHaveURL(new RegExp(`/admin/orders/${orderId}\\?saved=1$`));
    await expect(admin.getByRole('status')).toHaveText('Saved.');
    await expect(orderStatus(admin)).toHaveText('Confirmed');

    await admin.getByRole('button', { name: 'Mark ready for pickup' }).click();
    await expect(orderStatus(admin)).toHaveText('Ready for pickup');
    await expect(admin.getByRole('status')).toHaveText('Saved.');
    await expect(admin.getByRole('button', { name: 'Record payment' })).toBeVisible();
    if (js) adminErrors();
  } finally {
    await office.close();
  }

  // The customer sees it, and can no longer cancel.
  await page.goto(orderPath);
  await expect(orderStatus(page)).toHaveText('Ready for pickup');
  await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
  noErrors();
});

test('asking for more than is left says how many are left', async ({ page }, testInfo) => {
  const noErrors = failOnPageErrors(page);
  const js = hasJs(testInfo);
  // Few units, and nobody buys it: carts do not hold stock, so the count stays as seeded.
  const slug = 'wool-blend-overcoat';
  const title = 'Wool Blend Overcoat';
  await page.goto(`/products/${slug}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  const form = page.locator('.product-info form.add-to-cart');
  const quantity = form.getByLabel('Quantity');
  const left = Number(await quantity.getAttribute('max'));
  expect(left, 'units in stock').toBeGreaterThan(2);
  await startWatchingForReloads(page, testInfo);

  // More than the stock at all: the browser itself refuses the form.
  await quantity.fill(String(left + 1));
  await form.getByRole('button', { name: 'Add to cart' }).click();
  await expect(form.locator('input[name=quantity]:invalid')).toHaveCount(1);
  await expect(page).toHaveURL(new RegExp(`/products/${slug}$`));

  // Two in the cart, then all of them again: the server says how many more there are.
  await quantity.fill('2');
  await form.getByRole('button', { name: 'Add to cart' }).click();
  await expect(cartCount(page)).toHaveAttribute('data-cart-count', '2');
  await form.getByLabel('Quantity').fill(String(left));
  await form.getByRole('button', { name: 'Add to cart' }).click();
  const message = `Only ${left - 2} left.`;
  if (js) {
    await expect(form.locator('.add-status')).toHaveText(message);
  } else {
    // Without JavaScript the page names the product the refusal is about.
    await expect(page.locator('.product-info').getByRole('alert')).toHaveText(`${title}: ${message}`);
  }
  await expect(cartCount(page)).toHaveAttribute('data-cart-count', '2');
  await expectNoReload(page, testInfo);

  // The cart still holds the two.
  await page.goto('/cart');
  await expect(page.locator('li.cart-line')).toHaveCount(1);
  await expect(page.getByLabel(`Quantity of ${title}`)).toHaveValue('2');
  noErrors();
});
