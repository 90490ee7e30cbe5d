import { expect, test, type Page } from '@playwright/test';
import { expectNoReload, failOnPageErrors, hasJs, startWatchingForReloads } from './helpers';

// A real 16×16 PNG (checksums and all): the server decodes every product image, so only a
// real image passes.
const tealSquarePng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mPgj/ElCTGMahjVMHw1AACVh7gBNs/tsgAAAABJRU5ErkJggg==',
  'base64',
);

async function signInAsAdmin(page: Page) {
  await page.goto('/login?next=%2Fadmin');
  await page.getByLabel('Email').fill('admin@mail.com');
  await page.getByLabel('Password', { exact: true }).fill('admin123');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
}

test('signed-out visitors are sent to sign in, and customers are turned away', async ({ page, request }) => {
  // The redirect itself, read without a browser, so no earlier story's state can be involved.
  const signedOut = await request.get('/admin', { maxRedirects: 0 });
  expect(signedOut.status()).toBe(303);
  expect(signedOut.headers()['location']).toBe('/login?next=%2Fadmin');
  expect(signedOut.headers()['cache-control']).toBe('no-store');

  await page.goto('/login?next=%2Fadmin');
  await page.getByLabel('Email').fill('john@mail.com');
  await page.getByLabel('Password', { exact: true }).fill('changeme');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Access denied');
  await expect(page.getByRole('banner').getByRole('link', { name: 'Back office' })).toHaveCount(0);
});

test('an admin creates a category and a product, edits its price inline and deletes both', async ({ page, request }, testInfo) => {
  const noErrors = failOnPageErrors(page);
  const suffix = `${testInfo.project.name} ${Date.now()}`;
  const categoryName = `Lamps ${suffix}`;
  // Other stories run beside this one on the same store, so everything it shows must load here:
  // an image on another host would fail (no network) in their pages.
  const categoryImage = '/media/demo/category-furniture.svg';
  const title = `Brass Desk Lamp ${suffix}`;
  await signInAsAdmin(page);
  await expect(page.getByRole('img', { name: 'Products per category' })).toBeVisible();

  // A category: a mistake first, shown at its field (with JavaScript, without a reload).
  const nav = page.getByRole('navigation', { name: 'Back office' });
  await nav.getByRole('link', { name: 'Categories' }).click();
  await page.getByRole('link', { name: 'New category' }).click();
  await startWatchingForReloads(page, testInfo);
  await page.getByLabel('Image link').fill(categoryImage);
  await page.getByRole('button', { name: 'Save category' }).click();
  await expect(page.getByText('This field is required.')).toBeVisible();
  await expectNoReload(page, testInfo);
  await page.getByLabel('Name').fill(categoryName);
  await page.getByLabel('Image link').fill(categoryImage);
  await page.getByRole('button', { name: 'Save category' }).click();
  await expect(page).toHaveURL(/\/admin\/categories\?saved=1$/);
  await expect(page.getByRole('link', { name: categoryName, exact: true })).toBeVisible();

  // A product with an uploaded image; a price of zero is refused first.
  await nav.getByRole('link', { name: 'Products' }).click();
  await page.getByRole('link', { name: 'New product' }).click();
  const fillProduct = async (price: string) => {
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Description').fill('A warm light for late reading.');
    await page.getByLabel('Price (USD)').fill(price);
    await page.getByLabel('Units in stock').fill('4');
    await page.getByLabel('Category').selectOption({ label: categoryName });
    await page.getByLabel('Upload images').setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: tealSquarePng });
  };
  await fillProduct('0');
  await startWatchingForReloads(page, testInfo);
  await page.getByRole('button', { name: 'Save product' }).click();
  await expect(page.getByText('Enter an amount above zero.')).toBeVisible();
  await expectNoReload(page, testInfo);
  // With JavaScript the refusal keeps everything typed; without, the page comes back empty.
  if (hasJs(testInfo)) await expect(page.getByLabel('Description')).toHaveValue('A warm light for late reading.');
  await fillProduct('49.90');
  await page.getByRole('button', { name: 'Save product' }).click();
  await expect(page).toHaveURL(/\/admin\/products\/\d+\?saved=1$/);
  await expect(page.getByRole('status')).toHaveText('Saved.');
  await expect(page.getByLabel('Image links')).toHaveValue(/^\/media\/products\/[0-9a-f]+\.png$/);

  // The storefront and the sitemap show it at once.
  await page.getByRole('link', { name: 'View in the store' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByText('$49.90').first()).toBeVisible();
  const productPath = new URL(page.url()).pathname;
  // The sitemap is an index: the product is in one of the files it names.
  const index = await (await request.get('/sitemap.xml')).text();
  const files = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => new URL(match[1]).pathname);
  const listed = await Promise.all(files.map(async (file) => (await request.get(file)).text()));
  expect(listed.some((xml) => xml.includes(`${productPath}</loc>`))).toBe(true);

  // Its price, changed from the table: a fetch from the row's island with JavaScript (once it has
  // hydrated), a form post without. A saved edit goes back to the table either way (the server
  // redirects, and the island follows), so the test waits for that page: a navigation of its own
  // started meanwhile was cut short by it.
  await page.goto(`/admin/products?q=${encodeURIComponent(title)}`);
  if (hasJs(testInfo)) await expect(page.locator('body[data-hydrated]')).toHaveCount(1);
  const row = page.getByRole('row', { name: new RegExp(title) });
  await row.getByLabel(`Price of ${title}`).fill('19.99');
  const patched = page.waitForResponse((response) => response.url().endsWith('/rpc/admin/products/patch'));
  const tableAgain = page.waitForEvent('framenavigated');
  await row.getByRole('button', { name: 'Save' }).first().click();
  expect((await patched).status()).toBeLessThan(400);
  await tableAgain;
  await page.waitForLoadState('load');
  await expect(page.getByLabel(`Price of ${title}`)).toHaveValue('19.99');
  await page.goto(productPath);
  await expect(page.getByText('$19.99').first()).toBeVisible();

  // Deleted after a confirmation page; the product page is gone.
  await page.goto(`/admin/products?q=${encodeURIComponent(title)}`);
  await page.getByRole('row', { name: new RegExp(title) }).getByRole('link', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Delete ${title}?`);
  await page.getByRole('button', { name: 'Delete for good' }).click();
  await expect(page).toHaveURL(/\/admin\/products\?deleted=1$/);
  expect((await request.get(productPath)).status()).toBe(404);

  await page.goto('/admin/categories');
  await page.getByRole('row', { name: new RegExp(categoryName) }).getByRole('link', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Delete for good' }).click();
  await expect(page).toHaveURL(/\/admin\/categories\?deleted=1$/);
  await expect(page.getByRole('link', { name: categoryName })).toHaveCount(0);
  if (hasJs(testInfo)) noErrors();
});

test('a product named with markup stays text on every page, and nothing runs', async ({ page }, testInfo) => {
  const dialogs: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  const title = `</title><img src=x onerror=alert(1)> Hostile ${testInfo.project.name} ${Date.now()}`;
  await signInAsAdmin(page);
  await page.goto('/admin/products/new');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill('<script>alert(2)</script>');
  await page.getByLabel('Price (USD)').fill('5');
  await page.getByLabel('Units in stock').fill('1');
  await page.getByLabel('Category').selectOption({ label: 'Miscellaneous' });
  await page.getByLabel('Upload images').setInputFiles({ name: 'x.png', mimeType: 'image/png', buffer: tealSquarePng });
  await page.getByRole('button', { name: 'Save product' }).click();
  await expect(page).toHaveURL(/\/admin\/products\/\d+\?saved=1$/);
  // The back office's own title ("Edit …") holds the name too.
  await expect(page).toHaveTitle(new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  const editPath = new URL(page.url()).pathname;

  await page.getByRole('link', { name: 'View in the store' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page).toHaveTitle(`${title} · Tienda`);
  await expect(page.getByText('<script>alert(2)</script>')).toBeVisible();

  await page.goto(`${editPath}/delete`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Delete ${title}?`);
  await page.getByRole('button', { name: 'Delete for good' }).click();
  await expect(page).toHaveURL(/\/admin\/products\?deleted=1$/);
  expect(dialogs).toEqual([]);
});

test('an admin watches the background jobs, and a new order\'s e-mail shows up there', async ({ page, request }, testInfo) => {
  const noErrors = failOnPageErrors(page);
  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Jobs' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Background jobs');
  // The housekeeping that runs when the store starts.
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows.filter({ hasText: 'Housekeeping' }).first()).toContainText('Done');
  const orderMails = rows.filter({ hasText: 'Order e-mail' });
  const before = await orderMails.count();
  await startWatchingForReloads(page, testInfo);

  // A customer orders through the API, somewhere else.
  const login = await request.post('/api/v1/auth/login', { data: { email: 'john@mail.com', password: 'changeme' } });
  const token = (await login.json()).access_token;
  const order = await request.post('/api/v1/orders', {
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': `jobs-${testInfo.project.name}-${Date.now()}` },
    data: {
      lines: [{ productId: 5, quantity: 1 }], fulfilment: 'pickup', paymentMethod: 'pay_at_pickup',
      recipient: 'Jhon Doe', phone: '+57 300 123 4567', storeId: 1,
    },
  });
  expect(order.status(), await order.text()).toBe(201);

  // With JavaScript the table catches up by itself; without, a reload shows the latest.
  const note = hasJs(testInfo) ? 'This list updates by itself while it is open.' : 'Reload the page to see the latest state.';
  await expect(page.getByText(note)).toBeVisible();
  const latest = async () => {
    if (!hasJs(testInfo)) await page.reload();
    // The other project's run of this story may add its own order beside this one.
    return (await orderMails.count()) > before && ((await orderMails.first().textContent()) ?? '').includes('Done');
  };
  await expect.poll(latest, { timeout: 20_000 }).toBe(true);
  await expectNoReload(page, testInfo);

  const filters = page.getByRole('navigation', { name: 'Show jobs' });
  await filters.getByRole('link', { name: /^Done \(/ }).click();
  await expect(page).toHaveURL(/state=done/);
  await expect(filters.getByRole('link', { name: /^Done \(/ })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('table').getByText('Queued', { exact: true })).toHaveCount(0);
  noErrors();
});

test('an admin asks for the sales report and a backup, and downloads both from the inbox', async ({ page }, testInfo) => {
  const noErrors = failOnPageErrors(page);
  await signInAsAdmin(page);
  const today = new Date().toISOString().slice(0, 10);
  const report = page.getByRole('form', { name: 'Sales report' });
  await report.getByLabel('From').fill(today);
  await report.getByLabel('To').fill(today);
  await report.getByRole('button', { name: 'Sales report (PDF)' }).click();
  await expect(page).toHaveURL(/\/admin\/jobs/);

  await page.goto('/admin');
  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(page).toHaveURL(/\/admin\/jobs/);
  const rows = page.getByRole('table').getByRole('row');
  for (const kind of ['Sales report', 'Backup']) {
    const finished = async () => {
      if (!hasJs(testInfo)) await page.reload();
      return ((await rows.filter({ hasText: kind }).first().textContent()) ?? '').includes('Done');
    };
    await expect.poll(finished, { timeout: 30_000 }).toBe(true);
  }

  await page.goto('/account/inbox');
  const files = page.getByRole('main').getByRole('listitem');
  for (const [kind, type] of [['Sales report', 'application/pdf'], ['Backup', 'application/zip']]) {
    const link = files.filter({ has: page.getByText(kind, { exact: true }) }).first().getByRole('link');
    const answer = await page.request.get((await link.getAttribute('href')) ?? '');
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe(type);
  }
  noErrors();
});
