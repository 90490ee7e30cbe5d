import { defineConfig } from '@playwright/test';
import os from 'node:os';
import path from 'node:path';

// Every story runs twice: with JavaScript (the hydrated app) and without (plain HTML, links and
// GET forms). The browser is Debian's Chromium: Playwright's own download is not reachable here.
const port = Number(process.env.TIENDA_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// Where the server writes the mail it sends (serve.sh), for the stories that follow a mailed
// link; set here so that the server and every worker agree on it.
process.env.TIENDA_E2E_OUTBOX ??= path.join(os.tmpdir(), `tienda-e2e-outbox-${port}`);

export default defineConfig({
  testDir: './tests',
  // Generous: a CI machine can be several times slower than a laptop, and a test must not fail on
  // timing. A test that hangs still fails, a minute later.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
  // The back-office stories change the catalog every other story reads (counts, pages, the
  // home page), so they run once the read-only stories are done.
  projects: [
    { name: 'js', use: { javaScriptEnabled: true }, testIgnore: /admin\.spec\.ts/ },
    { name: 'no-js', use: { javaScriptEnabled: false }, testIgnore: /admin\.spec\.ts/ },
    { name: 'admin-js', use: { javaScriptEnabled: true }, testMatch: /admin\.spec\.ts/, dependencies: ['js', 'no-js'] },
    { name: 'admin-no-js', use: { javaScriptEnabled: false }, testMatch: /admin\.spec\.ts/, dependencies: ['js', 'no-js'] },
  ],
  webServer: {
    // Seeds a fresh SQLite database and serves the built site (see serve.sh).
    command: `./serve.sh ${port}`,
    url: `${baseURL}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
