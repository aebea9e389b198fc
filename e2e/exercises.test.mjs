// Interactive exercises in the bundled lessons, as a signed-in learner on a
// 360 px phone does them, with JavaScript on and off: she puts the steps of
// an algorithm in order, spots the signs of a scam e-mail, fills in an
// application form (a wrong entry first: the message sits at the field and
// what she typed stays) and writes a Python program the server runs
// against its tests. Graded on the server; axe finds nothing.
import assert from 'node:assert/strict';
import { test, BASE, openBrowser, waitForHydration, expectNoAxeViolations, signUp } from './support.mjs';

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
      if (javaScriptEnabled) await waitForHydration(page);
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

      // Python: her program is run on the server against the tests, and
      // kept with the result. With JavaScript she writes it in the code
      // editor (typed as she would: Enter keeps or adds indentation);
      // without, in the plain text area. Either way the form posts the text
      // area, which holds what she wrote.
      await open('/courses/first-steps-in-programming/first-program');
      const python = () => page.getByRole('region', { name: /Palkkalaskuri/ });
      const program = () => python().getByRole('textbox', { name: 'Ohjelmasi' });
      const sent = () => python().locator('textarea[name="code"]').inputValue();
      const write = async (text) => {
        if (!javaScriptEnabled) return program().fill(text);
        await program().click();
        await page.keyboard.press('Control+A');
        await page.keyboard.press('Delete');
        await page.keyboard.type(text);
      };
      if (javaScriptEnabled) {
        await python().locator('.code-editor').waitFor();
        assert.equal(await python().locator('textarea[name="code"]').isHidden(), true, 'the editor takes the text area\'s place');
        await python().getByText('Kun haluat siirtyä pois editorista, paina ensin Esc ja sitten Tab.', { exact: false }).waitFor();
        assert.match(await program().textContent(), /tunnit = float\(input\(\)\)/, 'the starting code, in the editor');
      } else {
        assert.equal(await python().locator('.code-editor').count(), 0, 'no editor without JavaScript');
      }
      assert.match(await sent(), /tunnit = float\(input\(\)\)/, 'the starting code');
      await write('tunnit = float(input())\ntuntipalkka = float(input())\nprint(tunnit * tuntipalkka)');
      assert.equal(await sent(), 'tunnit = float(input())\ntuntipalkka = float(input())\nprint(tunnit * tuntipalkka)');
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
      if (javaScriptEnabled) await python().locator('.code-editor').waitFor();
      await write('tunnit = float(input())\ntuntipalkka = float(input())\nprint("Palkka:", tunnit * tuntipalkka, "euroa")');
      await python().getByRole('button', { name: 'Tarkista ohjelma' }).click();
      await python().getByText('Kaikki testit menivät läpi!').waitFor();
      assert.match(await sent(), /"Palkka:"/, 'her program is kept');
      if (javaScriptEnabled) {
        await python().locator('.code-editor').waitFor();
        assert.match(await program().textContent(), /"Palkka:"/, 'her program is kept, in the editor');
        await python().getByRole('button', { name: 'Kokeile ohjelmaa' }).click();
        await python().getByText('Kokeilu selaimessasi: 2/2 testiä meni läpi.').waitFor();
        // Enter after a colon indents the next line by itself.
        await write('while True:\npass');
        assert.equal(await sent(), 'while True:\n    pass');
        // Tab indents; Esc and then Tab leaves the editor (no keyboard
        // trap), Shift+Tab comes back.
        await page.keyboard.press('Home');
        await page.keyboard.press('Tab');
        assert.equal(await sent(), 'while True:\n        pass', 'Tab indents the line');
        await page.keyboard.press('Shift+Tab');
        assert.equal(await sent(), 'while True:\n    pass', 'Shift+Tab takes it back');
        await page.keyboard.press('Escape');
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Tarkista ohjelma', 'Esc, Tab: on to the next control');
        await page.keyboard.press('Shift+Tab');
        assert.equal(await page.evaluate(() => document.activeElement.closest('.code-editor') !== null), true, 'Shift+Tab: back in the editor');
        // An endless loop stops at the time limit, the page stays usable.
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
