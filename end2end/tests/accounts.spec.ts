import { expect, test, type Page } from '@playwright/test';
import {
  createCustomer, expectNoReload, failOnPageErrors, hasJs, mailedResetLink, startWatchingForReloads,
} from './helpers';

// A real 16×16 PNG (checksums and all): the server decodes every picture whole, so a file that
// only starts like a PNG is refused.
const smallPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mPgj/ElCTGMahjVMHw1AACVh7gBNs/tsgAAAABJRU5ErkJggg==',
  'base64',
);

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
}

async function signOut(page: Page) {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
}

test('a shopper registers, signs out, signs in and changes the password', async ({ page }, testInfo) => {
  const noErrors = failOnPageErrors(page);
  const email = `ana-${testInfo.project.name}-${Date.now()}@example.com`;
  const header = page.getByRole('banner');

  await page.goto('/products?page=2');
  await header.getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fproducts%3Fpage%3D2$/);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create your account');
  await startWatchingForReloads(page, testInfo);

  // A password that is too short is refused next to its field (with JavaScript, in place).
  await page.getByLabel('Name').fill('Ana Pérez');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByRole('main').getByRole('button', { name: 'Create an account' }).click();
  const passwordField = page.getByLabel('Password', { exact: true });
  await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
  await expect(passwordField).toHaveAttribute('aria-invalid', 'true');
  // The form says that a field was refused, and the keyboard goes on from that field (the submit
  // button was disabled while the call ran, which would leave focus nowhere).
  await expect(page.getByRole('main').getByRole('alert')).toHaveText(/Some fields are not valid/);
  if (hasJs(testInfo)) await expect(passwordField).toBeFocused();
  await expectNoReload(page, testInfo);

  await page.getByLabel('Name').fill('Ana Pérez');
  await page.getByLabel('Email').fill(email);
  await passwordField.fill('correct horse battery');
  await page.getByRole('main').getByRole('button', { name: 'Create an account' }).click();
  await expect(page).toHaveURL(/\/products\?page=2$/);
  await expect(header.getByRole('link', { name: 'Ana Pérez' })).toBeVisible();

  await signOut(page);
  await header.getByRole('link', { name: 'Sign in' }).click();
  await signIn(page, email, 'correct horse battery');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');
  await expect(page.getByText(email)).toBeVisible();

  // The current password is checked before a new one is set.
  await startWatchingForReloads(page, testInfo);
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill('a brand new secret');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('That is not your current password.')).toBeVisible();
  await expectNoReload(page, testInfo);
  await page.getByLabel('Current password').fill('correct horse battery');
  await page.getByLabel('New password').fill('a brand new secret');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toHaveText(/Your password was changed/);

  // A picture, uploaded as a file: a real PNG.
  await page.getByLabel('Upload a picture').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: smallPng });
  await page.getByRole('button', { name: 'Upload picture' }).click();
  await expect(page.getByRole('status')).toHaveText('Your picture was updated.');
  await expect(page.getByRole('img', { name: 'Your picture' })).toBeVisible();

  await signOut(page);
  await page.goto('/login');
  await signIn(page, email, 'correct horse battery');
  await expect(page.getByRole('alert')).toHaveText(/The email or password is not correct/);
  // No one field is to blame: focus goes back to the button (the alert is heard without it).
  if (hasJs(testInfo)) await expect(page.getByRole('main').getByRole('button', { name: 'Sign in' })).toBeFocused();
  await signIn(page, email, 'a brand new secret');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');
  noErrors();
});

test('a forgotten password is set again through the mailed link', async ({ page, request, baseURL }) => {
  const customer = await createCustomer(request, baseURL!, 'Rosa Olvido');
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email').fill(customer.email);
  await page.getByRole('main').getByRole('button').click();
  await expect(page.getByRole('status')).toContainText('a link to choose a new password is on its way');

  const link = new URL(await mailedResetLink(customer.email));
  await page.goto(link.pathname + link.search);
  // A refused password comes back to the same page, the link still in its address (the page
  // names only our own site in a Referer, and the refusal is sent back to it).
  await page.getByLabel('New password').fill('short');
  await page.getByRole('main').getByRole('button').click();
  await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
  expect(new URL(page.url()).searchParams.get('token')).toBe(link.searchParams.get('token'));
  await page.getByLabel('New password').fill('my new long secret');
  await page.getByRole('main').getByRole('button').click();
  await expect(page.getByRole('status')).toContainText('Your password was changed');

  await signIn(page, customer.email, customer.password);
  await expect(page.getByRole('alert')).toHaveText(/The email or password is not correct/);
  await signIn(page, customer.email, 'my new long secret');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');
});

test('the account page asks signed-out visitors to sign in, then returns there', async ({ page }) => {
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login\?next=%2Faccount$/);
  await signIn(page, 'maria@mail.com', '12345');
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');
  await expect(page.getByRole('banner').getByRole('link', { name: 'Maria' })).toBeVisible();
});

test('a customer exports their data and downloads it from the inbox the header links to', async ({ page, request, baseURL }) => {
  const noErrors = failOnPageErrors(page);
  const customer = await createCustomer(request, baseURL!, 'Data Exporter');
  await page.goto('/login?next=%2Faccount');
  await signIn(page, customer.email, customer.password);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');

  const section = page.getByRole('region', { name: 'Your data' });
  await section.getByRole('button', { name: 'Export my data' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'We are preparing your file' })).toBeVisible();

  // The worker beside the server makes the file; the header's inbox says so once it is there.
  const inbox = page.getByRole('banner').getByRole('link', { name: /^Inbox/ });
  await expect(inbox).toHaveAttribute('href', '/account/inbox');
  await expect.poll(async () => {
    await page.reload();
    return (await inbox.textContent()) ?? '';
  }, { timeout: 20_000 }).toContain('1 new');
  // The job finishes just after its file is in the inbox (it mails the link last).
  await expect.poll(async () => {
    await page.reload();
    return (await section.getByRole('status').textContent()) ?? '';
  }, { timeout: 20_000 }).toContain('is ready in your inbox');

  await inbox.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inbox');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /^Download my-data-/ }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.zip$/);
  // Seen now: the header's count is gone.
  await page.reload();
  await expect(inbox).toHaveText('Inbox');
  noErrors();
});
