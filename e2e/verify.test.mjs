// An employer checks a badge at /verify without an account: pastes it and
// reads the verdict in plain language, with the technical checks below.
// With JavaScript on and off; axe on the page with each verdict. The
// badges come from polku-core's badge test (POLKU_CONFORMANCE_DIR).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading } from './support.mjs';

const dir = process.env.POLKU_CONFORMANCE_DIR;
const ready = dir && existsSync(`${dir}/polku-signed.json`);
const skip = !ready && process.env.CI !== 'true' && 'run through scripts/test.sh (POLKU_CONFORMANCE_DIR)';

for (const javaScriptEnabled of [true, false]) {
  test(`an employer checks a valid, a changed and a broken badge (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, { skip }, async () => {
    assert.ok(ready, 'POLKU_CONFORMANCE_DIR must hold what cargo test writes');
    const browser = await openBrowser({ javaScriptEnabled });
    const { page } = browser;
    const check = async (what) => {
      if (javaScriptEnabled) {
        await waitForHydration(page);
        await expectNoAxeViolations(page, what);
      }
    };
    try {
      await page.goto(`${BASE}/`);
      await page.getByRole('link', { name: 'Tarkista osaamismerkki' }).click();
      await mainHeading(page).filter({ hasText: 'Tarkista osaamismerkki' }).waitFor();
      await check('verify page');
      const paste = async (text) => {
        await page.getByLabel('Merkin tiedot (JSON)').fill(text);
        await page.getByRole('button', { name: 'Tarkista merkki' }).click();
        await page.getByRole('region', { name: 'Tulos' }).waitFor();
      };
      const verdict = () => page.getByRole('region', { name: 'Tulos' });

      await paste(readFileSync(`${dir}/polku-signed.json`, 'utf8'));
      await verdict().getByText('Voimassa.', { exact: true }).waitFor();
      await verdict().getByText('Mitä se osoittaa: Sähköpostin turvallinen käyttö.').waitFor();
      await verdict().getByText(/Myöntäjä: Polku, Kuopion työllisyyspalvelut, 1\.1\.2026\./).waitFor();
      await verdict().getByText(/Allekirjoitus: ?kunnossa/).waitFor();
      await check('verdict: valid');

      await paste(readFileSync(`${dir}/polku-tampered.json`, 'utf8'));
      await verdict().getByText(/Ei kelpaa: merkkiä on muutettu/).waitFor();
      await verdict().getByText(/Allekirjoitus: ?virhe/).waitFor();
      await check('verdict: tampered');

      // A baked badge image, dropped as a file.
      const drop = async (path) => {
        await page.getByLabel(/Merkin tiedosto/).setInputFiles(path);
        await page.getByRole('button', { name: 'Tarkista merkki' }).click();
        await page.getByRole('region', { name: 'Tulos' }).waitFor();
      };
      await drop(`${dir}/polku-badge.png`);
      await verdict().getByText('Voimassa.', { exact: true }).waitFor();
      await check('verdict: baked PNG');
      await drop(`${dir}/polku-badge.svg`);
      await verdict().getByText('Voimassa.', { exact: true }).waitFor();
      await drop(`${dir}/not-a-badge.png`);
      await verdict().getByText(/Tämä ei ole luettava osaamismerkki/).waitFor();
      await verdict().getByText(/no badge in it/).waitFor();

      await paste('{"hello": "world"}');
      await verdict().getByText(/Tämä ei ole luettava osaamismerkki/).waitFor();
      assert.equal(await page.getByLabel('Merkin tiedot (JSON)').inputValue(), '{"hello": "world"}', 'what was pasted is kept');
      await check('verdict: not a badge');
    } finally {
      await browser.close();
    }
  });
}
