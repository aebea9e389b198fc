// A lesson read aloud: the server's speech engine made its audio in the
// background; the plain <audio> player plays with JavaScript off, and
// hydrated, the sentence being heard is highlighted, follows the audio,
// skips a paragraph and changes speed. Axe-clean with the player.
import assert from 'node:assert/strict';
import { test, BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading } from './support.mjs';

const LESSON = `${BASE}/courses/digital-basics/devices`;

/** Opens the lesson once its audio is made (the server makes it after start). */
async function openWithPlayer(page) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    await page.goto(LESSON);
    await mainHeading(page).waitFor();
    if (await page.locator('audio').count() > 0) return page.locator('audio');
    assert.ok(Date.now() < deadline, 'the lesson audio was not made in 3 minutes');
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** Waits until the audio has played past `seconds`. */
async function playedPast(audio, seconds) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const at = await audio.evaluate((a) => a.currentTime);
    if (at > seconds) return at;
    assert.ok(Date.now() < deadline, `the audio stayed at ${at} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('the lesson audio plays without JavaScript', async () => {
  const browser = await openBrowser({ javaScriptEnabled: false });
  const { page } = browser;
  try {
    const audio = await openWithPlayer(page);
    await page.getByRole('heading', { name: 'Kuuntele oppitunti' }).waitFor();
    // No tools that need JavaScript.
    assert.equal(await page.getByRole('button', { name: 'Seuraava kappale' }).count(), 0);
    // The browser's own play control, pressed as a learner would.
    await audio.focus();
    await page.keyboard.press('Space');
    if (await audio.evaluate((a) => a.paused)) {
      const box = await audio.boundingBox();
      await page.mouse.click(box.x + 20, box.y + box.height / 2);
    }
    await playedPast(audio, 1);
    assert.equal(await audio.evaluate((a) => a.error), null);
  } finally {
    await browser.close();
  }
});

test('hydrated, the sentence heard is highlighted and follows the audio', async () => {
  const browser = await openBrowser();
  const { page, problems } = browser;
  try {
    const audio = await openWithPlayer(page);
    await waitForHydration(page);
    const highlighted = () => page.evaluate(() => {
      const highlight = CSS.highlights.get('read-aloud');
      if (!highlight) return null;
      const [range] = [...highlight];
      return range.toString();
    });
    const reading = () => page.evaluate(() => document.querySelector('.is-reading')?.textContent ?? null);

    // "Next paragraph" starts from the first: the title.
    await page.getByRole('button', { name: 'Seuraava kappale' }).click();
    await playedPast(audio, 0.3);
    await page.waitForFunction(() => CSS.highlights.get('read-aloud'));
    const title = await mainHeading(page).textContent();
    assert.equal(await highlighted(), title.trim());

    // The highlight follows: a later sentence, in the objectives.
    await playedPast(audio, 2.5);
    await page.waitForFunction(
      (first) => [...(CSS.highlights.get('read-aloud') ?? [])][0]?.toString() !== first,
      title.trim(),
    );
    const later = await highlighted();
    assert.ok(later && later.length > 3, `highlighted: ${later}`);
    assert.ok((await reading()).includes(later), 'the highlighted sentence is in the marked block');

    // Skipping a paragraph moves the highlight to the next block.
    const before = await reading();
    await page.getByRole('button', { name: 'Seuraava kappale' }).click();
    await page.waitForFunction((b) => document.querySelector('.is-reading')?.textContent !== b, before);
    assert.notEqual(await reading(), before);

    // Speed.
    await page.getByLabel('Nopeus').selectOption({ label: 'Nopea' });
    assert.equal(await audio.evaluate((a) => a.playbackRate), 1.25);

    await expectNoAxeViolations(page, 'a lesson with its player');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
