// Interactive exercises in the bundled lessons, as a signed-in learner on a
// 360 px phone does them, with JavaScript on and off: she puts the steps of
// an algorithm in order, spots the signs of a scam e-mail, fills in an
// application form (a wrong entry first: the message sits at the field and
// what she typed stays) and writes a Python program the server runs
// against its tests. Graded on the server; axe finds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, openBrowser, waitForHydration, expectNoAxeViolations, signUp } from './support.mjs';

const TEA = [
  'Laita vettä vedenkeittimeen.',
  'Käynnistä vedenkeitin ja odota, että vesi kiehuu.',
  'Kaada kuuma vesi mukiin, jossa on teepussi.',
  'Odota kolme minuuttia.',
  'Ota teepussi pois ja juo tee.',
];

async function check(exercise) {
  await exercise.getByRole('button', { name: 'Tarkista vastaus' }).click();
}

for (const javaScriptEnabled of [true, false]) {
  test(`a learner does the order, spot, form and Python exercises (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
    const browser = await openBrowser({ javaScriptEnabled });
    const { page } = browser;
    const open = async (path) => {
      await page.goto(`${BASE}${path}`);
      if (javaScriptEnabled) {
        await waitForHydration(page);
        await page.evaluate(() => { window.polkuNoReload = true; });
      }
    };
    const stayed = async () => {
      if (javaScriptEnabled) assert.equal(await page.evaluate(() => window.polkuNoReload), true, 'no reload');
    };
    try {
      await signUp(page, `harjoittelija-${javaScriptEnabled ? 'js' : 'nojs'}-${Date.now()}`, 'Harjoittelija', 'harjoitus on hauskaa 123');

      // Order: each step's place chosen from a list, by its label.
      await open('/courses/first-steps-in-programming/everyday-algorithms');
      const order = () => page.getByRole('region', { name: /Teen keittäminen on algoritmi/ });
      for (const [place, step] of TEA.entries()) {
        await order().getByLabel(step).selectOption(String(place + 1));
      }
      await check(order());
      await order().getByRole('status').getByText('Oikein!', { exact: true }).waitFor();
      assert.equal(await order().getByLabel(TEA[0]).inputValue(), '0', 'the places stay chosen');
      await stayed();
      if (javaScriptEnabled) await expectNoAxeViolations(page, 'order exercise with its verdict');

      // Spot: the message's parts are tick boxes; its link goes nowhere.
      await open('/courses/digital-basics/passwords-and-phishing');
      const spot = () => page.getByRole('region', { name: /Mitkä kohdat paljastavat/ });
      assert.equal(await spot().getByRole('link').count(), 0, 'nothing in the message can be opened');
      await spot().getByLabel(/Pankki Asiakaspalvelu/).check();
      await spot().getByLabel(/Tilisi suljetaan tänään/).check();
      await spot().getByLabel(/Hyvä asiakas/).check();
      await check(spot());
      await spot().getByRole('status').getByText('Tämä tervehdys on tavallinen', { exact: false }).waitFor();
      await spot().getByLabel(/Hyvä asiakas/).uncheck();
      await spot().getByLabel(/outoa toimintaa/).check();
      await spot().getByLabel(/Kirjaudu ja vahvista tiedot/).check();
      await check(spot());
      await spot().getByRole('status').getByText('Oikein!', { exact: true }).waitFor();
      await stayed();
      if (javaScriptEnabled) await expectNoAxeViolations(page, 'spot exercise with its verdict');

      // Form: a wrong entry gets the service's message at the field.
      await open('/courses/job-seeking-online/applying-online');
      const form = () => page.getByRole('region', { name: /Harjoittele hakulomaketta/ });
      await form().getByLabel('Etunimi').fill('Aino');
      await form().getByLabel('Sukunimi').fill('Virtanen');
      await form().getByLabel('Sähköposti').fill('aino.virtanen(at)esimerkki.fi');
      await form().getByLabel('Puhelinnumero').fill('040 123 4567');
      await form().getByLabel('Postinumero').fill('90100');
      await form().getByLabel('Voin aloittaa').fill('1.6.2026');
      await check(form());
      await form().getByText('Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.').first().waitFor();
      const email = form().getByLabel('Sähköposti');
      assert.equal(await email.inputValue(), 'aino.virtanen(at)esimerkki.fi', 'what she typed stays');
      assert.equal(await email.getAttribute('aria-invalid'), 'true');
      assert.equal(await form().getByLabel('Etunimi').inputValue(), 'Aino');
      if (javaScriptEnabled) await expectNoAxeViolations(page, 'form exercise with a field to correct');
      await email.fill('aino.virtanen@esimerkki.fi');
      await check(form());
      await form().getByRole('status').getByText('Oikein!', { exact: true }).waitFor();
      assert.equal(await form().locator('[aria-invalid="true"]').count(), 0);
      await stayed();

      // Python: her program is run on the server against the tests, and
      // kept with the result.
      await open('/courses/first-steps-in-programming/first-program');
      const python = () => page.getByRole('region', { name: /Palkkalaskuri/ });
      const editor = python().getByLabel('Ohjelmasi');
      assert.match(await editor.inputValue(), /tunnit = float\(input\(\)\)/, 'the starting code');
      await editor.fill('tunnit = float(input())\ntuntipalkka = float(input())\nprint(tunnit * tuntipalkka)');
      const tryIt = python().getByRole('button', { name: 'Kokeile ohjelmaa' });
      if (javaScriptEnabled) {
        // A trial run in her browser (MicroPython in a worker) first.
        await tryIt.click();
        await python().getByText('Kokeilu selaimessasi: 0/2 testiä meni läpi.').waitFor();
        await python().getByText('Kokeilu ei tallennu.', { exact: false }).waitFor();
      } else {
        assert.equal(await tryIt.count(), 0, 'no trial run without JavaScript');
      }
      await python().getByRole('button', { name: 'Tarkista ohjelma' }).click();
      await python().getByText('Ohjelma ei vielä läpäise kaikkia testejä', { exact: false }).waitFor();
      await python().getByText('120.0', { exact: true }).first().waitFor();
      await python().getByLabel('Ohjelmasi').fill('tunnit = float(input())\ntuntipalkka = float(input())\nprint("Palkka:", tunnit * tuntipalkka, "euroa")');
      await python().getByRole('button', { name: 'Tarkista ohjelma' }).click();
      await python().getByText('Kaikki testit menivät läpi!').waitFor();
      assert.match(await python().getByLabel('Ohjelmasi').inputValue(), /"Palkka:"/, 'her program is kept');
      if (javaScriptEnabled) {
        await python().getByRole('button', { name: 'Kokeile ohjelmaa' }).click();
        await python().getByText('Kokeilu selaimessasi: 2/2 testiä meni läpi.').waitFor();
        // An endless loop stops at the time limit, the page stays usable.
        await python().getByLabel('Ohjelmasi').fill('while True:\n    pass');
        await python().getByRole('button', { name: 'Kokeile ohjelmaa' }).click();
        await python().getByText('Ohjelma toimi liian kauan', { exact: false }).first().waitFor({ timeout: 30_000 });
      }
      if (javaScriptEnabled) await expectNoAxeViolations(page, 'Python exercise with its verdict');

      if (javaScriptEnabled) assert.deepEqual(browser.problems, [], 'no script errors or CSP violations');
    } finally {
      await browser.close();
    }
  });
}
