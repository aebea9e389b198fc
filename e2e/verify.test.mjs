// An employer checks a badge at /verify without an account: pastes it and
// reads the verdict in plain language, with the technical checks below.
// With JavaScript on and off; axe on the page with each verdict. The
// badges come from polku-core's badge test (POLKU_CONFORMANCE_DIR).
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { test, BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading } from './support.mjs';

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

      // Signed by an issuer on this site's trust list: valid, named as the
      // list names it (the badge itself says "Polku, Kuopion …").
      await paste(readFileSync(`${dir}/polku-signed.json`, 'utf8'));
      await verdict().getByText(/^Voimassa\. Myöntäjä: Testikunnan työllisyyspalvelut, jonka tämä palvelu tuntee luotettavaksi/).waitFor();
      await verdict().getByText('Mitä se osoittaa: Sähköpostin turvallinen käyttö.').waitFor();
      await verdict().getByText(/^Myöntäjä: Testikunnan työllisyyspalvelut, 1\.1\.2026\./).waitFor();
      await verdict().getByText(/Allekirjoitus: ?kunnossa/).waitFor();
      assert.ok(!(await verdict().textContent()).includes('Kuopion'), 'the name only the badge gives is not shown as its issuer');
      await check('verdict: valid, trusted issuer');

      // Self-signed: a real signature by a key nobody here knows, with a
      // municipality's name in it. Not valid; the name is only a claim.
      await paste(readFileSync(`${dir}/polku-self-signed.json`, 'utf8'));
      await verdict().getByText(/^Myöntäjää ei ole varmistettu: allekirjoitus on ehjä/).waitFor();
      await verdict().getByText(/^Merkin mukaan se on myönnetty henkilölle Maija Meikäläinen, myöntäjä Polku, Kuopion työllisyyspalvelut, 1\.1\.2026\. Tätä ei voi varmistaa\./).waitFor();
      await verdict().getByText(/^Allekirjoittajan avain: did:key:z6Mk/).waitFor();
      assert.equal(await verdict().getByText(/^Voimassa\./).count(), 0, 'never "valid"');
      await check('verdict: issuer not verified');

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
      await verdict().getByText(/^Voimassa\. Myöntäjä: Testikunnan työllisyyspalvelut/).waitFor();
      await check('verdict: baked PNG');
      await drop(`${dir}/polku-badge.svg`);
      await verdict().getByText(/^Voimassa\. Myöntäjä: Testikunnan työllisyyspalvelut/).waitFor();
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
