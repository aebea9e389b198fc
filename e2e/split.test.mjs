// Islands: pages are rendered on the server and only their interactive
// parts hydrate. Learner pages need only the first wasm module (and the
// read-aloud player's, on a lesson with audio); the lesson editor's island
// loads its own module when its page opens, and works
// hydrated (axe clean, no script errors); staff pages work without
// JavaScript.
import assert from 'node:assert/strict';
import { test, BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading, signIn, openMenu } from './support.mjs';

const ADMIN_PASSWORD = process.env.POLKU_E2E_ADMIN_PASSWORD;

test('learner pages load one module; the lesson editor loads its own when opened, and hydrates', async () => {
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
    // Besides it, only the read-aloud player's own module, on a lesson
    // whose audio is ready.
    const others = () => modules.filter((m) => !first.test(m) && !m.includes('read_aloud'));
    assert.deepEqual(others(), [], 'learner pages need no other module');

    // A staff page without an island of its own: nothing more to load.
    await signIn(page, 'e2e-admin', ADMIN_PASSWORD);
    await waitForHydration(page);
    await openMenu(page);
    await page.getByRole('link', { name: 'Ylläpito' }).click();
    await mainHeading(page).filter({ hasText: 'Ylläpito' }).waitFor();
    await waitForHydration(page);
    await expectNoAxeViolations(page, 'admin page');
    assert.deepEqual(others(), [], 'the admin page needs no other module');

    // The lesson editor: its island's module comes when the page opens.
    await page.goto(`${BASE}/author/courses/digital-basics/devices`);
    await waitForHydration(page);
    assert.ok(modules.some((m) => m.includes('lesson_editor')), `the editor's module loads when opened: ${modules}`);
    await expectNoAxeViolations(page, 'lesson editor');
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
