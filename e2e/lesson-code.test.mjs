// A programming lesson: its code is highlighted on the server (coloured
// spans in the page as sent, no script needed) and the colours pass axe's
// contrast check, with JavaScript on and off.
import assert from 'node:assert/strict';
import { test, BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading } from './support.mjs';

for (const javaScriptEnabled of [true, false]) {
  test(`lesson code is highlighted and readable (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
    const browser = await openBrowser({ javaScriptEnabled });
    const { page } = browser;
    try {
      await page.goto(`${BASE}/courses/first-steps-in-programming/first-program`);
      await mainHeading(page).filter({ hasText: 'Ensimmäinen Python-ohjelma' }).waitFor();
      const code = page.locator('.lesson-body pre code').first();
      await code.waitFor();
      const kinds = await page.locator('.lesson-body pre code span[class^="hl-"]').evaluateAll(
        (spans) => [...new Set(spans.map((s) => s.className))],
      );
      assert.ok(kinds.includes('hl-function') || kinds.includes('hl-string'), `no highlighted tokens: ${kinds}`);
      // The colour comes from the style sheet, not the browser default.
      const colour = await page.locator('.lesson-body pre code .hl-string').first()
        .evaluate((el) => getComputedStyle(el).color);
      assert.equal(colour, 'rgb(15, 107, 47)');
      if (javaScriptEnabled) {
        await waitForHydration(page);
        await expectNoAxeViolations(page, 'a lesson with highlighted code');
      }
    } finally {
      await browser.close();
    }
  });
}
