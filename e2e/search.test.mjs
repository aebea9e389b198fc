// Search: with JavaScript, typing in the header's search box suggests
// lessons; the search page lists ranked results with the words marked,
// and a result opens the lesson at the matching heading. Without
// JavaScript, the same through the plain GET form. axe on every search
// page, in three languages.
import assert from 'node:assert/strict';
import { test, BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading, openMenu } from './support.mjs';

/** The heading `#id` is where the page is scrolled to (in the viewport, near the top). */
async function landedOn(page, id) {
  const heading = page.locator(`[id="${id}"]`);
  await heading.waitFor();
  const position = await heading.evaluate((el) => ({ top: el.getBoundingClientRect().top, height: window.innerHeight }));
  assert.ok(position.top >= -5 && position.top < position.height / 2, `#${id} is at ${position.top}px of ${position.height}px`);
}

test('with JavaScript: suggestions while typing, results, and a result opens the lesson at the heading', async () => {
  const browser = await openBrowser();
  const { page } = browser;
  try {
    await page.goto(`${BASE}/`);
    await waitForHydration(page);
    await openMenu(page);
    const box = page.getByRole('searchbox', { name: 'Hae kurssimateriaalista' }).first();
    await box.pressSequentially('salasan', { delay: 40 });
    const suggestions = page.getByRole('list', { name: 'Ehdotukset' });
    await suggestions.getByRole('link', { name: /Salasanat ja huijausviestit/ }).waitFor();
    await page.getByRole('status').filter({ hasText: /\d+ ehdotusta/ }).waitFor();
    await expectNoAxeViolations(page, 'search suggestions');
    // Escape closes them; the keyboard reaches them with Tab.
    await box.press('Escape');
    await suggestions.waitFor({ state: 'detached' });

    // Enter searches: the results page.
    await box.fill('vahva salasana');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=vahva/);
    await mainHeading(page).filter({ hasText: 'Haku' }).waitFor();
    await page.getByRole('status').filter({ hasText: /tulos(ta)? haulle ”vahva salasana”/ }).waitFor();
    const results = page.getByRole('list', { name: 'Hakutulokset' });
    const first = results.getByRole('listitem').first();
    assert.match(await first.getByRole('heading').textContent(), /Salasanat ja huijausviestit/);
    assert.ok(await first.locator('mark').count() >= 1, 'matched words are marked');
    await expectNoAxeViolations(page, 'search results');
    const href = await first.getByRole('link').getAttribute('href');
    assert.match(href, /^\/courses\/digital-basics\/passwords-and-phishing\?lang=fi#h-vahva-salasana$/, 'the heading naming both words');
    await first.getByRole('link').click();
    await page.waitForURL(/passwords-and-phishing/);
    await landedOn(page, href.split('#')[1]);
    await waitForHydration(page);
    await expectNoAxeViolations(page, 'lesson opened from search');
  } finally {
    await browser.close();
  }
});

test('without JavaScript: the header form and the search page work by plain GET', async () => {
  const browser = await openBrowser({ javaScriptEnabled: false });
  const { page } = browser;
  try {
    await page.goto(`${BASE}/courses/digital-basics`);
    await openMenu(page);
    const box = page.getByRole('searchbox', { name: 'Hae kurssimateriaalista' }).first();
    await box.fill('salasanoja');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=salasanoja/);
    const results = page.getByRole('list', { name: 'Hakutulokset' });
    assert.match(await results.getByRole('heading').first().textContent(), /Salasanat ja huijausviestit/);

    // The language filter: Swedish results only, in Swedish.
    await page.getByLabel('Hae kurssimateriaalista', { exact: true }).last().fill('lösenordet');
    await page.getByRole('combobox', { name: 'Kieli' }).selectOption('sv');
    await page.getByRole('button', { name: 'Hae' }).last().click();
    await page.waitForURL(/lang=sv/);
    const links = await results.getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.length >= 1 && links.every((h) => h.includes('lang=sv')), links.join(' '));
    assert.equal(await page.getByRole('combobox', { name: 'Kieli' }).inputValue(), 'sv', 'the filter keeps its value');

    // A result lands on its heading.
    const href = links[0];
    await results.getByRole('link').first().click();
    await page.waitForURL(/lang=sv/);
    if (href.includes('#')) {
      await landedOn(page, href.split('#')[1]);
    }

    // Bad input is answered with a friendly page.
    for (const q of ['"', '"salasana', '*** AND (', 'x'.repeat(3000)]) {
      const response = await page.goto(`${BASE}/search?q=${encodeURIComponent(q)}`);
      assert.equal(response.status(), 200, q.slice(0, 20));
      await mainHeading(page).filter({ hasText: 'Haku' }).waitFor();
    }
    await page.goto(`${BASE}/search?q=xylofonisti`);
    await page.getByRole('status').filter({ hasText: 'Ei tuloksia haulle ”xylofonisti”' }).waitFor();
  } finally {
    await browser.close();
  }
});

for (const [locale, query, heading] of [['fi-FI', 'salasana', 'Haku'], ['sv-SE', 'lösenord', 'Sök'], ['en-GB', 'password', 'Search']]) {
  test(`the search page passes axe in ${locale}`, async () => {
    const browser = await openBrowser({ locale });
    const { page } = browser;
    try {
      await page.goto(`${BASE}/search?q=${encodeURIComponent(query)}`);
      await waitForHydration(page);
      await mainHeading(page).filter({ hasText: heading }).waitFor();
      await expectNoAxeViolations(page, `search page (${locale})`);
      await page.goto(`${BASE}/search`);
      await waitForHydration(page);
      await expectNoAxeViolations(page, `empty search page (${locale})`);
    } finally {
      await browser.close();
    }
  });
}
