// Shared helpers for the e2e journeys: a fresh headless Debian Chromium per
// test, and axe-core run inside the page.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

export const BASE = process.env.POLKU_BASE_URL ?? 'http://127.0.0.1:3901';

const require = createRequire(import.meta.url);
const axeSource = require('axe-core').source;

const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Opens a fresh browser profile; `javaScriptEnabled: false` for the no-JS journeys. */
export async function openBrowser({ javaScriptEnabled = true, locale = 'fi-FI' } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'polku-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    javaScriptEnabled,
    locale,
    viewport: { width: 360, height: 740 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until the wasm half has hydrated the page (an Effect sets the marker). */
export async function waitForHydration(page) {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true', null, { timeout: 30_000 });
}

/** Runs axe-core on the current page and fails with the rule ids and targets of every violation. */
export async function expectNoAxeViolations(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document));
  const details = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(details, [], `axe violations on ${what} (${page.url()})`);
}

/** The page's main heading. */
export function mainHeading(page) {
  return page.getByRole('heading', { level: 1 });
}
