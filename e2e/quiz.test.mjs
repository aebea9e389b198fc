// Quizzes inside a lesson: the answer is checked on the server, with
// per-answer feedback, by a plain GET form (with JavaScript or without).
// The chosen answer stays selected; the verdict takes the focus.
import assert from 'node:assert/strict';
import { test, BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading } from './support.mjs';

const LESSON = `${BASE}/courses/digital-basics/passwords-and-phishing`;
const QUESTION = /Mikä näistä salasanoista on vahvin\?/;

for (const javaScriptEnabled of [true, false]) {
  test(`a quiz gives feedback and takes retries (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
    const browser = await openBrowser({ javaScriptEnabled });
    const { page } = browser;
    try {
      await page.goto(LESSON);
      if (javaScriptEnabled) await waitForHydration(page);
      assert.equal(await mainHeading(page).textContent(), 'Salasanat ja huijausviestit');
      const quiz = page.getByRole('region', { name: QUESTION });

      // A wrong answer: feedback for that option, and a retry.
      await quiz.getByLabel('salasana123').check();
      await quiz.getByRole('button', { name: 'Tarkista vastaus' }).click();
      const verdict = quiz.getByRole('status');
      await verdict.getByText('Ei vielä aivan oikein').waitFor();
      await verdict.getByText('Tämä on yksi yleisimmistä salasanoista').waitFor();
      assert.equal(await page.getByRole('region', { name: QUESTION }).getByLabel('salasana123').isChecked(), true, 'the answer stays selected');
      // The address names the verdict: the browser scrolls to it and gives
      // it the focus (so it is read out at once), with or without JavaScript.
      assert.match(page.url(), /quiz=0&a=0#quiz-0-verdict$/);
      await page.waitForFunction(() => document.activeElement?.id === 'quiz-0-verdict', null, { timeout: 5_000 });

      // The right answer.
      await page.getByRole('region', { name: QUESTION }).getByLabel('sininen-polkupyörä-laulaa-aamulla').check();
      await page.getByRole('region', { name: QUESTION }).getByRole('button', { name: 'Tarkista vastaus' }).click();
      await page.getByRole('region', { name: QUESTION }).getByRole('status').getByText('Oikein!', { exact: true }).waitFor();
      if (javaScriptEnabled) await expectNoAxeViolations(page, 'lesson with quiz feedback');

      if (javaScriptEnabled) assert.deepEqual(browser.problems, [], 'no script errors or CSP violations');
      // The right answers are not in the page before answering.
      const fresh = await (await fetch(LESSON)).text();
      assert.ok(!fresh.includes('Monta sanaa peräkkäin on pitkä'), 'feedback must not be sent before an answer');
    } finally {
      await browser.close();
    }
  });
}
