// The wasm module is split: learner pages need only the first module; a
// staff page (here /admin) loads its own module when it is opened, by a
// link or directly, and works hydrated (axe clean, no script errors) and
// without JavaScript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading, signIn, openMenu } from './support.mjs';

const ADMIN_PASSWORD = process.env.POLKU_E2E_ADMIN_PASSWORD;

test('learner pages load one module; the admin page loads its own when opened, and hydrates', async () => {
  assert.ok(ADMIN_PASSWORD, 'POLKU_E2E_ADMIN_PASSWORD is set by scripts/test.sh');
  const browser = await openBrowser();
  const { page } = browser;
  const modules = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.wasm')) modules.push(path);
  });
  try {
    for (const path of ['/', '/courses/digital-basics/devices', '/search?q=salasana', '/verify']) {
      await page.goto(`${BASE}${path}`);
      await waitForHydration(page);
    }
    // Under the version of the files (their content), cached for good.
    const first = /^\/pkg\/[0-9a-f]{16}\/polku_bg\.wasm$/;
    assert.ok(modules.some((m) => first.test(m)), `the first module loads: ${modules}`);
    assert.deepEqual(modules.filter((m) => !first.test(m)), [], 'learner pages need no other module');

    // Opened by a link (client-side navigation): its module comes then.
    await signIn(page, 'e2e-admin', ADMIN_PASSWORD);
    await waitForHydration(page);
    await openMenu(page);
    await page.getByRole('link', { name: 'Ylläpito' }).click();
    await mainHeading(page).filter({ hasText: 'Ylläpito' }).waitFor();
    assert.ok(modules.some((m) => m.includes('admin_route')), `the admin page's module loads when opened: ${modules}`);

    // Opened directly: rendered on the server, hydrated once its module is in.
    await page.reload();
    await waitForHydration(page);
    await mainHeading(page).filter({ hasText: 'Ylläpito' }).waitFor();
    await expectNoAxeViolations(page, 'admin page, loaded directly');
    assert.deepEqual(browser.problems, [], 'no script errors or CSP violations');
  } finally {
    await browser.close();
  }
});

test('the admin page works without JavaScript', async () => {
  const browser = await openBrowser({ javaScriptEnabled: false });
  const { page } = browser;
  try {
    await signIn(page, 'e2e-admin', ADMIN_PASSWORD);
    await page.goto(`${BASE}/admin`);
    await mainHeading(page).filter({ hasText: 'Ylläpito' }).waitFor();
    await page.getByRole('link', { name: /Tapahtumaloki/ }).click();
    await mainHeading(page).filter({ hasText: 'Tapahtumaloki' }).waitFor();
  } finally {
    await browser.close();
  }
});
