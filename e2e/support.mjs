// Shared helpers for the e2e journeys: a fresh headless Debian Chromium per
// test, axe-core run inside the page, and the e-mails the test SMTP server
// received.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test as nodeTest } from 'node:test';

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
  const browser = {
    context,
    page,
    problems,
    trail: [],
    async close() {
      closing.push(await whereIs(browser));
      open.delete(browser);
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
  // The pages (documents) this browser loaded, form posts and their
  // redirects included: said when its journey fails.
  context.on('response', (response) => {
    const request = response.request();
    if (request.resourceType() !== 'document') return;
    note(browser, `${request.method()} ${response.url()} -> ${response.status()}${response.fromServiceWorker() ? ' (from the service worker)' : ''}`);
  });
  context.on('requestfailed', (request) => {
    if (request.resourceType() === 'document') note(browser, `${request.method()} ${request.url()} failed: ${request.failure()?.errorText}`);
  });
  open.add(browser);
  return browser;
}

// Where each browser of the running journey is: said on stderr when the
// journey fails, so a timeout names the page it waited on and how the
// browser got there.
const open = new Set();
const closing = [];

function note(browser, line) {
  browser.trail.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
  if (browser.trail.length > 12) browser.trail.shift();
}

async function whereIs(browser) {
  const text = async (selector) => {
    const found = await Promise.all(browser.context.pages().map((p) => p.locator(selector).allInnerTexts().catch(() => [])));
    return found.flat().map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean).join(' | ');
  };
  return [
    `browser at ${browser.context.pages().map((p) => p.url()).join(', ')}`,
    `  heading: ${await text('h1')}`,
    `  alert: ${await text('[role=alert]')}`,
    `  status: ${await text('[role=status]')}`,
    '  last documents:',
    ...browser.trail.map((line) => `    ${line}`),
    ...browser.problems.map((line) => `  ${line}`),
  ].join('\n');
}

/**
 * `node:test`'s `test`, saying where the journey's browsers were when it
 * failed (see `whereIs`); the same arguments (name, options, function).
 */
export function test(name, ...rest) {
  const journey = rest.pop();
  return nodeTest(name, ...rest, async (t) => {
    closing.length = 0;
    try {
      await journey(t);
    } catch (error) {
      const still = await Promise.all([...open].map((b) => whereIs(b).catch(() => 'browser gone')));
      console.error([`journey failed: ${String(error?.message).split('\n')[0]}`, ...closing, ...still].join('\n'));
      throw error;
    }
  });
}

/** Waits until the wasm half has hydrated the page's islands, a lazily loaded one included (`BrowserHalf` in app/src/lib.rs sets the marker). */
export async function waitForHydration(page) {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true', null, { timeout: 30_000 });
}

/**
 * Runs axe-core on the current page, once hydrated, and fails with the rule
 * ids and targets of every violation, once the page's islands are hydrated
 * (the script starts only after the page has loaded).
 */
export async function expectNoAxeViolations(page, what) {
  await waitForHydration(page);
  // Right after a link or a form, the next page may still be arriving:
  // give it a moment to have its title and heading (a page that truly
  // lacks them still fails, on axe's own rules).
  await page.waitForFunction(() => document.title !== '' && document.querySelector('h1') !== null, null, { timeout: 10_000 })
    .catch(() => {});
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document));
  const details = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(details, [], `axe violations on ${what} (${page.url()})`);
}

/**
 * Opens the header's menu where it is folded (on a phone, under "Valikko"),
 * as a learner does before using its links, search box or language switch.
 */
export async function openMenu(page) {
  const toggle = page.locator('summary.site-menu__toggle');
  if (await toggle.isVisible() && !(await page.locator('details.site-menu').evaluate((d) => d.open))) {
    await toggle.click();
  }
}

/** The page's main heading. */
export function mainHeading(page) {
  return page.getByRole('heading', { level: 1 });
}

/** Signs up `username` (display name `name`) and waits for the dashboard. */
export async function signUp(page, username, name, password) {
  await page.goto(`${BASE}/signup`);
  await page.getByLabel('Käyttäjätunnus').fill(username);
  await page.getByLabel('Salasana', { exact: true }).fill(password);
  await page.getByLabel('Nimesi (vapaaehtoinen)').fill(name);
  await page.getByRole('button', { name: 'Luo tunnus' }).click();
  await mainHeading(page).filter({ hasText: 'Omat opinnot' }).waitFor();
}

/** Signs in and waits for the dashboard. */
export async function signIn(page, username, password) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel('Käyttäjätunnus').fill(username);
  await page.getByLabel('Salasana').fill(password);
  await page.getByRole('button', { name: 'Kirjaudu', exact: true }).click();
  await mainHeading(page).filter({ hasText: 'Omat opinnot' }).waitFor();
}

/** Signs out from the header. */
export async function signOut(page) {
  await openMenu(page);
  await page.getByRole('button', { name: 'Kirjaudu ulos' }).first().click();
  await page.getByRole('link', { name: 'Kirjaudu sisään', includeHidden: true }).first().waitFor({ state: 'attached' });
}

/** Signs in as the e2e admin (made by scripts/test.sh) and gives `username` the role `role`. */
export async function grantRole(page, username, role) {
  const password = process.env.POLKU_E2E_ADMIN_PASSWORD;
  assert.ok(password, 'POLKU_E2E_ADMIN_PASSWORD is set by scripts/test.sh');
  await signIn(page, 'e2e-admin', password);
  await openMenu(page);
  await page.getByRole('link', { name: 'Ylläpito' }).click();
  await mainHeading(page).filter({ hasText: 'Ylläpito' }).waitFor();
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: new RegExp(username) }) });
  await card.getByLabel('Rooli').selectOption(role);
  await card.getByRole('button', { name: 'Tallenna' }).click();
  await mainHeading(page).filter({ hasText: 'Ylläpito' }).waitFor();
  await signOut(page);
}

/** `username` signs in, accepts the coach's invitation to `group` on her dashboard, and signs out. */
export async function acceptInvitation(page, username, password, group) {
  await signIn(page, username, password);
  await page.getByRole('button', { name: `Hyväksy kutsu ryhmään ${group}` }).click();
  await page.getByRole('status').getByText(`Liityit ryhmään ${group}.`).waitFor();
  await signOut(page);
}

// The Maildir of the SMTP server scripts/test.sh starts for the e2e server.
const MAILDIR = process.env.POLKU_E2E_MAILDIR;

/** Quoted-printable decoded, as text. */
function unquote(text) {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The first e-mail to `address` the SMTP server received (waits up to 30 s). */
export async function waitForMail(address) {
  for (let i = 0; i < 60; i++) {
    for (const sub of ['new', 'cur']) {
      const dir = path.join(MAILDIR, sub);
      const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
      for (const f of files) {
        const text = unquote(fs.readFileSync(path.join(dir, f), 'utf8'));
        if (text.includes(`<${address}>`)) return text;
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no e-mail to ${address} arrived`);
}

