// A learner finishes a course and gets its badge at once; she downloads
// it as a picture, and an employer (signed out) drops that picture on the
// verify page and reads that it is valid and whose it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading } from './support.mjs';

test('a learner earns a badge, downloads it, and an employer verifies the picture', async () => {
  const browser = await openBrowser();
  const { page } = browser;
  const username = `merkki-${Date.now()}`;
  try {
    await page.goto(`${BASE}/signup`);
    await waitForHydration(page);
    await page.getByLabel('Käyttäjätunnus').fill(username);
    await page.getByLabel('Salasana', { exact: true }).fill('merkin-salasana-pitkä');
    await page.getByLabel('Nimesi (vapaaehtoinen)').fill('Aino Ansio');
    await page.getByRole('button', { name: 'Luo tunnus' }).click();
    await mainHeading(page).filter({ hasText: 'Omat opinnot' }).waitFor();

    await page.goto(`${BASE}/courses/digital-basics`);
    await waitForHydration(page);
    await page.getByRole('button', { name: 'Ilmoittaudu kurssille' }).click();
    await page.getByText('Olet ilmoittautunut tälle kurssille.').waitFor();
    for (const lesson of ['devices', 'browser', 'email', 'passwords-and-phishing']) {
      await page.goto(`${BASE}/courses/digital-basics/${lesson}`);
      await waitForHydration(page);
      await page.getByRole('button', { name: 'Merkitse tehdyksi' }).click();
      await page.getByText('Olet merkinnyt tämän oppitunnin tehdyksi.').waitFor();
    }

    // The badge is on her dashboard at once.
    await page.goto(`${BASE}/dashboard`);
    await waitForHydration(page);
    const badges = page.getByRole('list', { name: 'Osaamismerkkisi' });
    await badges.getByRole('heading', { name: 'Digitaidot alusta' }).waitFor();
    await expectNoAxeViolations(page, 'dashboard with a badge');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      badges.getByRole('link', { name: 'Lataa merkki kuvana (SVG)' }).click(),
    ]);
    const picture = await download.path();
    assert.ok(picture, 'the picture was downloaded');

    // An employer, signed out, drops the picture on the verify page.
    const employer = await openBrowser();
    try {
      await employer.page.goto(`${BASE}/verify`);
      await waitForHydration(employer.page);
      await employer.page.getByLabel(/Merkin tiedosto/).setInputFiles({
        name: 'merkki.svg',
        mimeType: 'image/svg+xml',
        buffer: await import('node:fs').then((fs) => fs.readFileSync(picture)),
      });
      await employer.page.getByRole('button', { name: 'Tarkista merkki' }).click();
      const verdict = employer.page.getByRole('region', { name: 'Tulos' });
      await verdict.getByText('Voimassa.', { exact: true }).waitFor();
      await verdict.getByText(/Myönnetty henkilölle Aino Ansio\. Myöntäjä: Polku/).waitFor();
      await verdict.getByText(/Mitä se osoittaa: Digitaidot alusta\./).waitFor();
      await expectNoAxeViolations(employer.page, 'verdict for a downloaded badge');
    } finally {
      await employer.close();
    }
  } finally {
    await browser.close();
  }
});
