// The learner's first journey: catalog → course → lesson → next lesson,
// with JavaScript (each page's islands hydrated) and without it (plain
// links and a posting form). Pages are links and forms either way: the
// browser hydrates only the islands, never the whole page.
import assert from 'node:assert/strict';
import { test, BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading, openMenu } from './support.mjs';

test('with JavaScript: the journey hydrates, switches language and remembers it', async () => {
  const browser = await openBrowser();
  const { page } = browser;
  try {
    await page.goto(`${BASE}/`);
    await waitForHydration(page);
    assert.equal(await page.locator('html').getAttribute('lang'), 'fi');
    assert.equal(await mainHeading(page).textContent(), 'Kurssit');
    await expectNoAxeViolations(page, 'catalog');

    await page.getByRole('link', { name: 'Digitaidot alusta' }).click();
    await page.waitForURL(`${BASE}/courses/digital-basics`);
    await mainHeading(page).filter({ hasText: 'Digitaidot alusta' }).waitFor();
    await expectNoAxeViolations(page, 'course');

    await page.getByRole('link', { name: 'Aloita kurssi' }).click();
    await page.waitForURL(`${BASE}/courses/digital-basics/devices`);
    await mainHeading(page).filter({ hasText: 'Puhelin, tabletti ja tietokone' }).waitFor();
    assert.match(await page.getByText('Oppitunti 1/4').textContent(), /Oppitunti 1\/4/);
    await expectNoAxeViolations(page, 'lesson');

    await page.getByRole('link', { name: /Seuraava/ }).click();
    await page.waitForURL(`${BASE}/courses/digital-basics/browser`);
    await mainHeading(page).filter({ hasText: 'Verkkoselain' }).waitFor();

    // The language switch: the same page again, new texts, new <html lang>.
    await openMenu(page);
    await page.getByRole('button', { name: 'English' }).click();
    await mainHeading(page).filter({ hasText: 'The web browser' }).waitFor();
    await page.waitForURL(`${BASE}/courses/digital-basics/browser`);
    await page.getByRole('link', { name: /Previous/ }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await expectNoAxeViolations(page, 'lesson in English');
    // The search box (an island) speaks the page's language too.
    await openMenu(page);
    await page.getByRole('search').getByRole('button', { name: 'Search' }).waitFor();

    // The choice is remembered on the server (cookie) for the next load.
    await page.reload();
    await waitForHydration(page);
    assert.equal(await mainHeading(page).textContent(), 'The web browser');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');

    assert.deepEqual(browser.problems, [], 'no script errors or CSP violations');
  } finally {
    await browser.close();
  }
});

test('without JavaScript: links and the language form work', async () => {
  const browser = await openBrowser({ javaScriptEnabled: false });
  const { page } = browser;
  try {
    await page.goto(`${BASE}/`);
    assert.equal(await mainHeading(page).textContent(), 'Kurssit');
    await page.getByRole('link', { name: 'Digitaidot alusta' }).click();
    await page.waitForURL(`${BASE}/courses/digital-basics`);
    assert.equal(await mainHeading(page).textContent(), 'Digitaidot alusta');

    await page.getByRole('link', { name: 'Aloita kurssi' }).click();
    await page.waitForURL(`${BASE}/courses/digital-basics/devices`);
    assert.equal(await mainHeading(page).textContent(), 'Puhelin, tabletti ja tietokone');
    assert.equal(await page.getByRole('link', { name: /Edellinen/ }).count(), 0, 'the first lesson has no previous link');

    await page.getByRole('link', { name: /Seuraava/ }).click();
    await page.waitForURL(`${BASE}/courses/digital-basics/browser`);
    assert.equal(await mainHeading(page).textContent(), 'Verkkoselain');

    // The form posts, the server sets the cookie and sends us back here.
    await openMenu(page);
    await page.getByRole('button', { name: 'Svenska' }).click();
    await page.waitForURL(`${BASE}/courses/digital-basics/browser`);
    await mainHeading(page).filter({ hasText: 'Webbläsaren' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'sv');

    // Remembered across pages.
    await page.getByRole('link', { name: 'Kurser', exact: true }).first().click();
    await page.waitForURL(`${BASE}/`);
    assert.equal(await mainHeading(page).textContent(), 'Kurser');
    assert.equal(await page.getByRole('link', { name: 'Digitala grunder' }).count(), 1);
  } finally {
    await browser.close();
  }
});

test('every page has zero axe-core violations in fi, sv and en', async () => {
  const browser = await openBrowser();
  const { page, context } = browser;
  try {
    for (const lang of ['fi', 'sv', 'en']) {
      await context.addCookies([{ name: 'polku_lang', value: lang, url: BASE }]);
      for (const path of ['/', '/courses/digital-basics', '/courses/digital-basics/devices',
        '/courses/digital-basics/passwords-and-phishing', '/no-such-page', '/courses/no-such-course',
        '/login', '/signup', '/reset', '/privacy', '/dashboard', '/login?error=wrong_credentials&username=x',
        '/reset?error=reset_code_wrong']) {
        await page.goto(`${BASE}${path}`);
        await waitForHydration(page);
        assert.equal(await page.locator('html').getAttribute('lang'), lang);
        await expectNoAxeViolations(page, `${path} (${lang})`);
      }
    }
  } finally {
    await browser.close();
  }
});

test('unknown pages answer 404 with a helpful page', async () => {
  const browser = await openBrowser({ javaScriptEnabled: false });
  const { page } = browser;
  try {
    const response = await page.goto(`${BASE}/courses/digital-basics/no-such-lesson`);
    assert.equal(response.status(), 404);
    assert.equal(await mainHeading(page).textContent(), 'Sivua ei löytynyt');
    await page.getByRole('link', { name: 'Takaisin kursseihin' }).click();
    await page.waitForURL(`${BASE}/`);
  } finally {
    await browser.close();
  }
});

test('keyboard: the first Tab reaches the skip link, which moves focus to the content', async () => {
  const browser = await openBrowser();
  const { page } = browser;
  try {
    await page.goto(`${BASE}/courses/digital-basics/devices`);
    await waitForHydration(page);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Siirry sisältöön' });
    assert.equal(await skip.evaluate((el) => el === document.activeElement), true, 'skip link is focused first');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    // The next Tab goes into the lesson, not back to the header.
    await page.keyboard.press('Tab');
    const inMain = await page.evaluate(() => document.getElementById('main').contains(document.activeElement));
    assert.equal(inMain, true);
  } finally {
    await browser.close();
  }
});

test('a lesson carries its body once: hydration keeps it, navigation and a language switch load it', async () => {
  // The HTML as the server sends it: the body is in the page once; only
  // the islands (search box, read aloud) carry data for the browser, and
  // the page's own data is not sent again for hydration.
  const html = await (await fetch(`${BASE}/courses/digital-basics/devices`)).text();
  const sentence = 'Mikä laite sopii mihinkin?';
  assert.equal(html.split(sentence).length - 1, 1, 'the body is in the markup, once');
  assert.ok(html.includes('<leptos-island'), 'the interactive parts are islands');
  assert.match(html, /__RESOLVED_RESOURCES=\[\];/, 'no page data for hydration');

  const browser = await openBrowser();
  const { page } = browser;
  try {
    await page.goto(`${BASE}/courses/digital-basics/devices`);
    await waitForHydration(page);
    const heading = page.getByRole('heading', { level: 2, name: sentence });
    assert.equal(await heading.count(), 1, 'the body stays after hydration');
    await page.getByRole('link', { name: /Seuraava/ }).click();
    await page.waitForURL(`${BASE}/courses/digital-basics/browser`);
    await mainHeading(page).filter({ hasText: 'Verkkoselain' }).waitFor();
    assert.ok((await page.locator('.lesson-body').textContent()).trim().length > 200, 'the next lesson comes whole');
    await page.goBack();
    await page.waitForURL(`${BASE}/courses/digital-basics/devices`);
    await heading.waitFor();
    // A language switch on the page loaded whole: the body in English.
    await openMenu(page);
    await page.getByRole('button', { name: 'English' }).click();
    await mainHeading(page).filter({ hasText: /phone/i }).waitFor();
    assert.ok(!(await page.locator('.lesson-body').textContent()).includes('laite'), 'the body is in English');
    assert.ok((await page.locator('.lesson-body').textContent()).trim().length > 200, 'the English body is whole');
    assert.deepEqual(browser.problems, [], 'no script errors or CSP violations');
  } finally {
    await browser.close();
  }
});
