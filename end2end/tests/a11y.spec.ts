import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { hasJs, signIn } from './helpers';

// axe-core's checks (WCAG 2.x A and AA, and its best practices such as one name per landmark) on
// the storefront, account and back-office pages, at a desktop and a phone width. The markup is the
// server's, the same with JavaScript off, so the run needs JavaScript only for axe itself.

// A page's markup and layout do not depend on the backend (both runs load the same demo data), so
// this file, half of a run's time, runs on SQLite only (with-postgres.sh sets the variable).
test.skip(!!process.env.TIENDA_E2E_DATABASE_URL, 'markup and layout are checked on SQLite');

// axe is injected into each page; the strict Content-Security-Policy is security.spec.ts's subject.
test.use({ bypassCSP: true });

const widths = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

const storefront = [
  '/',
  '/products',
  '/products?q=shirt&sort=price_asc',
  '/categories/furniture',
  '/products/classic-oxford-shirt',
  '/stores',
  '/login',
  '/register',
  '/no-such-page',
];

const signedIn = [
  '/account',
  '/admin',
  '/admin/products',
  '/admin/products/1',
  '/admin/categories',
  '/admin/categories/1',
  '/admin/users',
  '/admin/jobs',
  '/account/inbox',
];

async function violations(page: Page, path: string) {
  await page.goto(path);
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((violation) => ({
    page: path,
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')),
  }));
}

// The admin signs in once per worker; each signed-in test starts from that session (a saved
// storage state) rather than from the sign-in form.
const asAdmin = test.extend<{}, { adminState: string }>({
  adminState: [
    async ({ browser }, use, workerInfo) => {
      const context = await browser.newContext({ baseURL: workerInfo.project.use.baseURL });
      const page = await context.newPage();
      await page.goto('/login?next=%2Fadmin');
      await signIn(page, 'admin@mail.com', 'admin123');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
      const file = `${workerInfo.project.outputDir}/admin-state-${workerInfo.workerIndex}.json`;
      await context.storageState({ path: file });
      await context.close();
      await use(file);
    },
    { scope: 'worker' },
  ],
  storageState: ({ adminState }, use) => use(adminState),
});

// One test per page and width: each has the whole test timeout to itself, so a slow machine
// (axe takes seconds per page there) cannot time out a run of nine pages that are all fine.
for (const size of widths) {
  for (const path of storefront) {
    test(`no accessibility violations on ${path} (${size.name})`, async ({ page }, testInfo) => {
      test.skip(!hasJs(testInfo), 'axe runs in the page; the markup is the same without JavaScript');
      await page.setViewportSize(size);
      expect(await violations(page, path)).toEqual([]);
    });
  }

  for (const path of signedIn) {
    asAdmin(`no accessibility violations on ${path}, signed in as the admin (${size.name})`, async ({ page }, testInfo) => {
      test.skip(!hasJs(testInfo), 'axe runs in the page; the markup is the same without JavaScript');
      await page.setViewportSize(size);
      expect(await violations(page, path)).toEqual([]);
    });
  }
}

// The header's links once scrolled sideways with no sign that more existed (Furniture and Shoes
// off-screen). Short of the one-row header they wrap, in either language, signed in or not.
for (const size of [{ width: 390, height: 844 }, { width: 1024, height: 768 }]) {
  for (const lang of ['en', 'es']) {
    test(`every category link in the header is in sight at ${size.width}px (${lang})`, async ({ page }, testInfo) => {
      await page.context().addCookies([{ name: 'lang', value: lang, url: testInfo.project.use.baseURL! }]);
      await page.setViewportSize(size);
      await page.goto('/');
      const nav = page.getByRole('navigation', { name: lang === 'en' ? 'Main' : 'Principal' });
      const links = nav.getByRole('link');
      expect(await links.count()).toBeGreaterThan(3);
      for (const link of await links.all()) {
        await expect(link).toBeInViewport({ ratio: 1 });
      }
    });
  }
}

// A signed-in admin's header holds the most (the back office, the inbox, the name, Sign out), in
// Spanish its longest words: it once made the page up to 300px wider than the screen, with Sign
// out off-screen on phones and on a 1280px desktop. The tools now wrap below the one-row header,
// and the nav gives way within it.
for (const width of [320, 390, 1200, 1280]) {
  for (const lang of ['en', 'es']) {
    asAdmin(`a signed-in admin's header fits a ${width}px screen (${lang})`, async ({ page }, testInfo) => {
      test.skip(!hasJs(testInfo), 'the layout is the same without JavaScript');
      await page.context().addCookies([{ name: 'lang', value: lang, url: testInfo.project.use.baseURL! }]);
      await page.setViewportSize({ width, height: 800 });
      await page.goto('/products');
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(sideways, 'how much wider than the screen the page is').toBe(0);
      const signOut = page.getByRole('banner').getByRole('button', { name: lang === 'en' ? 'Sign out' : 'Cerrar sesión' });
      await expect(signOut).toBeInViewport({ ratio: 1 });
    });
  }
}

// The dashboard's charts scale their text with their drawing: two side by side in a 960px back
// office once drew their labels at 6px. They now sit side by side only where each is wide enough,
// and on a phone a chart keeps its least width and scrolls sideways in a frame the keyboard reaches.
for (const width of [375, 960, 1280, 1600]) {
  asAdmin(`the dashboard's chart text is at least 12px on a ${width}px screen`, async ({ page }, testInfo) => {
    test.skip(!hasJs(testInfo), 'the layout is the same without JavaScript');
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/admin');
    const charts = page.locator('.chart svg');
    expect(await charts.count()).toBe(4);
    const sizes = await charts.evaluateAll((svgs) =>
      svgs.map((svg) => {
        const drawing = svg as SVGSVGElement;
        const scale = drawing.getBoundingClientRect().width / drawing.viewBox.baseVal.width;
        return scale * Number(drawing.getAttribute('font-size'));
      }),
    );
    for (const size of sizes) expect(size, 'the text size in CSS pixels').toBeGreaterThanOrEqual(12);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(sideways, 'how much wider than the screen the page is').toBe(0);
    // The keyboard reaches the frame: Tab from its heading lands on it.
    await page.getByRole('heading', { name: 'Products per category' }).click();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('region', { name: 'Products per category' })).toBeFocused();
  });
}
