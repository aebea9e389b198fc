// Reading settings: chosen from the header's menu on any page, with and
// without JavaScript, kept after a reload (a cookie), applied from the
// page's first byte; every theme passes axe. On a 360 px phone the header
// is one row and the lesson starts on the first screen.
import assert from 'node:assert/strict';
import { test, BASE, openBrowser, expectNoAxeViolations, mainHeading } from './support.mjs';

const LESSON = `${BASE}/courses/first-steps-in-programming/first-program`;

/** Opens the menu and the settings, picks `choices` (labels) and saves. */
async function choose(page, choices) {
  const menu = page.locator('summary', { hasText: 'Valikko' });
  if (await menu.isVisible()) await menu.click();
  await page.locator('summary', { hasText: 'Lukuasetukset' }).click();
  for (const [group, label] of choices) {
    await page.getByRole('group', { name: group }).getByLabel(label, { exact: true }).check();
  }
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Tallenna asetukset' }).click(),
  ]);
}

const style = (page) => page.evaluate(() => {
  const html = getComputedStyle(document.documentElement);
  return {
    theme: document.documentElement.dataset.theme,
    size: html.fontSize,
    background: html.backgroundColor,
    font: html.fontFamily,
    lineHeight: parseFloat(getComputedStyle(document.querySelector('main p') ?? document.body).lineHeight),
  };
});

test('on a phone the header is one row and the lesson starts on the first screen', async () => {
  const browser = await openBrowser({ javaScriptEnabled: false });
  const { page } = browser;
  try {
    await page.goto(LESSON);
    const header = await page.locator('header.site-header').boundingBox();
    assert.ok(header.height <= 80, `the header is ${header.height} px high`);
    const heading = await mainHeading(page).boundingBox();
    assert.ok(heading.y + heading.height < 740 / 2, `the lesson title ends at ${heading.y + heading.height} px`);
    // The rest is one tap away.
    const signIn = page.locator('header').getByRole('link', { name: 'Kirjaudu sisään', exact: true });
    assert.equal(await signIn.isVisible(), false);
    assert.equal(await page.getByRole('search').isVisible(), false);
    await page.locator('summary', { hasText: 'Valikko' }).click();
    await signIn.waitFor();
    assert.ok(await page.getByRole('search').isVisible());
  } finally {
    await browser.close();
  }
});

test('settings change the page and stay after a reload, without JavaScript', async () => {
  const browser = await openBrowser({ javaScriptEnabled: false });
  const { page } = browser;
  try {
    await page.goto(LESSON);
    const before = await style(page);
    assert.equal(before.theme, 'auto');
    await choose(page, [
      ['Tekstin koko', 'Suurempi'], ['Riviväli', 'Väljä'], ['Värit', 'Tumma'],
      ['Kirjasin', 'Helppolukuinen (Atkinson Hyperlegible)'],
    ]);
    assert.equal(new URL(page.url()).pathname, new URL(LESSON).pathname);
    for (const when of ['after saving', 'after a reload']) {
      const after = await style(page);
      assert.equal(after.theme, 'dark', when);
      assert.equal(after.size, '21px', when);
      assert.equal(after.background, 'rgb(18, 20, 23)', when);
      assert.match(after.font, /Atkinson Hyperlegible/, when);
      assert.ok(after.lineHeight / 21 > 1.8, `${when}: line height ${after.lineHeight}`);
      await page.reload();
    }
    // The form shows what is chosen.
    await page.locator('summary', { hasText: 'Valikko' }).click();
    await page.locator('summary', { hasText: 'Lukuasetukset' }).click();
    assert.ok(await page.getByRole('group', { name: 'Värit' }).getByLabel('Tumma').isChecked());
  } finally {
    await browser.close();
  }
});

test('every theme passes axe, and "as on my device" follows it', async () => {
  const browser = await openBrowser();
  const { page, problems } = browser;
  try {
    await page.setViewportSize({ width: 1024, height: 800 });
    await page.goto(LESSON);
    await mainHeading(page).waitFor();
    for (const [label, theme, background] of [
      ['Tumma', 'dark', 'rgb(18, 20, 23)'],
      ['Suuri kontrasti', 'contrast', 'rgb(255, 255, 255)'],
      ['Vaalea', 'light', 'rgb(255, 255, 255)'],
    ]) {
      await choose(page, [['Värit', label], ['Kirjasin', 'Helppolukuinen (Atkinson Hyperlegible)']]);
      const now = await style(page);
      assert.equal(now.theme, theme);
      assert.equal(now.background, background, theme);
      await expectNoAxeViolations(page, `a lesson with code, ${theme} theme`);
      assert.ok(await page.evaluate(async () => {
        await document.fonts.ready;
        return document.fonts.check('16px "Atkinson Hyperlegible"');
      }), 'the reading font is loaded from the site');
      await page.goto(`${BASE}/`);
      await expectNoAxeViolations(page, `the catalog, ${theme} theme`);
      await page.goto(LESSON);
    }
    await choose(page, [['Värit', 'Laitteen mukaan']]);
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.equal((await style(page)).background, 'rgb(18, 20, 23)');
    await expectNoAxeViolations(page, 'a lesson, the device in dark mode');
    await page.emulateMedia({ colorScheme: 'light' });
    assert.equal((await style(page)).background, 'rgb(255, 255, 255)');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
