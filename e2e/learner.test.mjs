// A learner's journey: sign up → enrol → read → quiz (wrong, then right)
// → mark as done → progress shows; sign out and back in → "continue"
// lands on the lesson she was reading; the rest of the course and the phone
// course done, level 1 of her learning path is complete: its milestone badge is in her wallet
// and level 2's first course is her next step. With JavaScript on and off;
// axe on every page (where JavaScript runs).
import assert from 'node:assert/strict';
import { test, BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading, openMenu } from './support.mjs';

const PASSWORD = 'oma-salasana-pitkä';

for (const javaScriptEnabled of [true, false]) {
  test(`a learner signs up, learns, and continues where she left off (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
    const browser = await openBrowser({ javaScriptEnabled });
    const { page } = browser;
    const username = `oppija-${javaScriptEnabled ? 'js' : 'nojs'}-${Date.now()}`;
    const check = async (what) => {
      if (javaScriptEnabled) {
        await waitForHydration(page);
        await expectNoAxeViolations(page, what);
      }
    };
    try {
      // Sign up: a too-short password first keeps the username typed.
      await page.goto(`${BASE}/`);
      if (javaScriptEnabled) await waitForHydration(page);
      await openMenu(page);
      await page.getByRole('link', { name: 'Luo tunnus' }).click();
      await mainHeading(page).filter({ hasText: 'Luo tunnus' }).waitFor();
      await check('sign-up form');
      await page.getByLabel('Käyttäjätunnus').fill(username);
      await page.getByLabel('Salasana', { exact: true }).fill('lyhyt');
      await page.getByLabel('Nimesi (vapaaehtoinen)').fill('Maija');
      // The browser's own check would stop a short password: switch it off
      // to see the server's answer.
      await page.locator('form').evaluateAll((forms) => forms.forEach((f) => { f.noValidate = true; })).catch(() => {});
      if (!javaScriptEnabled) {
        await page.getByLabel('Salasana', { exact: true }).evaluate((el) => el.removeAttribute('minlength')).catch(() => {});
      }
      await page.getByRole('button', { name: 'Luo tunnus' }).click();
      await page.getByRole('alert').getByText('Salasana on liian lyhyt').waitFor();
      assert.equal(await page.getByLabel('Käyttäjätunnus').inputValue(), username, 'the username is kept');
      assert.equal(await page.getByLabel('Nimesi (vapaaehtoinen)').inputValue(), 'Maija');
      await check('sign-up form with an error');
      await page.getByLabel('Salasana', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Luo tunnus' }).click();

      // The dashboard: nothing started yet.
      await mainHeading(page).filter({ hasText: 'Omat opinnot' }).waitFor();
      await page.getByText('Hei, Maija!').waitFor();
      // Her learning path: the first level, its course as the next step.
      const path = page.getByRole('region', { name: 'Digitaidot työelämään' });
      await path.getByText('Taso 1/5: Perusteet').waitFor();
      assert.equal((await path.locator('.pathway-next a').textContent()).trim(), 'Puhelin haltuun');
      assert.equal(await path.locator('.pathway-step--done').count(), 0, 'nothing done yet');
      await check('empty dashboard');
      await page.getByRole('link', { name: 'Valitse kurssi' }).click();

      // Enrol in a course.
      await page.getByRole('link', { name: 'Digitaidot alusta' }).first().click();
      await page.getByRole('button', { name: 'Ilmoittaudu kurssille' }).click();
      await page.getByText('Olet ilmoittautunut tälle kurssille.').waitFor();
      await page.getByText('0/4 oppituntia tehty (0 %)').waitFor();
      await check('course page, enrolled');

      // Read the first lesson and mark it done.
      await page.getByRole('link', { name: /Jatka: / }).click();
      await mainHeading(page).waitFor();
      await page.getByRole('button', { name: 'Merkitse tehdyksi' }).click();
      await page.getByText('Olet merkinnyt tämän oppitunnin tehdyksi.').waitFor();
      await check('lesson marked done');

      // The second lesson: a quiz, wrong then right (recorded).
      await page.getByRole('link', { name: /Seuraava/ }).click();
      const quiz = () => page.getByRole('region', { name: /Työmarkkinatorille/ });
      await quiz().getByLabel('http://tyomarkkinatori-kirjaudu.net').check();
      await quiz().getByRole('button', { name: 'Tarkista vastaus' }).click();
      await quiz().getByRole('status').getByText('Ei vielä aivan oikein').waitFor();
      await quiz().getByLabel('https://tyomarkkinatori.fi', { exact: true }).check();
      await quiz().getByRole('button', { name: 'Tarkista vastaus' }).click();
      await quiz().getByRole('status').getByText('Oikein!', { exact: true }).waitFor();
      await check('lesson with a quiz answered');
      const reading = new URL(page.url()).pathname;

      // Progress shows on the course page.
      await page.goto(`${BASE}/courses/digital-basics`);
      await page.getByText('1/4 oppituntia tehty (25 %)').waitFor();

      // Sign out, sign back in: "continue" lands on the lesson she was reading.
      await openMenu(page);
      await page.getByRole('button', { name: 'Kirjaudu ulos' }).click();
      await openMenu(page);
      await page.getByRole('link', { name: 'Kirjaudu sisään' }).first().click();
      await check('sign-in form');
      await page.getByLabel('Käyttäjätunnus').fill(username);
      await page.getByLabel('Salasana').fill(PASSWORD);
      await page.getByRole('button', { name: 'Kirjaudu', exact: true }).click();
      await mainHeading(page).filter({ hasText: 'Omat opinnot' }).waitFor();
      await page.getByText('1/4 oppituntia tehty (25 %)').waitFor();
      await check('dashboard with progress');
      await page.getByRole('link', { name: /Jatka: / }).click();
      await page.waitForURL((url) => url.pathname === reading);
      assert.equal(new URL(page.url()).pathname, reading, 'continue lands on the lesson she was reading');

      // The rest of the course, and the phone course, done: level 1 of her
      // path is complete, its milestone badge is hers at once, and the next
      // step is level 2's course.
      const rest = [
        ...['browser', 'email', 'passwords-and-phishing'].map((l) => `digital-basics/${l}`),
        ...['touchscreen', 'settings', 'apps', 'calls-and-messages', 'camera', 'when-stuck'].map((l) => `phone-first-steps/${l}`),
      ];
      for (const lesson of rest) {
        await page.goto(`${BASE}/courses/${lesson}`);
        if (javaScriptEnabled) await waitForHydration(page);
        await page.getByRole('button', { name: 'Merkitse tehdyksi' }).click();
        await page.getByText('Olet merkinnyt tämän oppitunnin tehdyksi.').waitFor();
      }
      await page.goto(`${BASE}/dashboard`);
      const level2 = page.getByRole('region', { name: 'Digitaidot työelämään' });
      await level2.getByText('Taso 2/5: Turvallisesti verkossa').waitFor();
      assert.equal((await level2.locator('.pathway-next a').textContent()).trim(), 'Turvallisesti verkossa');
      const milestone = level2.locator('.pathway-milestone').first();
      assert.match(await milestone.textContent(), /Tason osaamismerkki: Digitaidot työelämään: perusteet/);
      assert.match(await level2.locator('.pathway-milestone').nth(1).textContent(), /Saat sen, kun olet tehnyt tason kaikki askeleet/);
      await check('dashboard with level 1 done and its milestone badge');
      await milestone.getByRole('link', { name: 'Saatu – näytä merkki' }).click();
      await mainHeading(page).filter({ hasText: 'Osaamismerkkini' }).waitFor();
      await page.getByRole('heading', { name: 'Digitaidot työelämään: perusteet' }).waitFor();
      await check('wallet with the milestone badge');

      // Her account page.
      await openMenu(page);
      await page.getByRole('link', { name: 'Oma tili' }).click();
      await mainHeading(page).filter({ hasText: 'Oma tili' }).waitFor();
      await check('account page');
      if (javaScriptEnabled) assert.deepEqual(browser.problems, [], 'no script errors or CSP violations');
    } finally {
      await browser.close();
    }
  });
}
