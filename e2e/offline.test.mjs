// A course saved on the device: with the connection off (Playwright's
// setOffline) its lessons are read from the device, an answer and a
// "done" mark are kept there, a page not saved shows the offline page in
// the learner's language; back online, what was kept is sent, the learner
// is told, and the server has each once (a replay of the same key
// changes nothing). The site is installable (manifest, icons, worker).
import assert from 'node:assert/strict';
import { test, BASE, openBrowser, expectNoAxeViolations, mainHeading, signUp } from './support.mjs';

const PASSWORD = 'offline journey password';

test('a saved course is read and answered offline, and its progress reaches the server once', async () => {
  const browser = await openBrowser();
  const { page, context, problems } = browser;
  try {
    const username = `offline${Date.now().toString(36)}`;
    await signUp(page, username, 'Oona Offline', PASSWORD);
    // The lesson's audio is made in the background after the server starts:
    // saved with the course once it is there.
    const deadline = Date.now() + 180_000;
    for (;;) {
      await page.goto(`${BASE}/courses/digital-basics/browser`);
      await mainHeading(page).waitFor();
      if (await page.locator('audio').count() > 0) break;
      assert.ok(Date.now() < deadline, 'the lesson audio was not made in 3 minutes');
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    await page.goto(`${BASE}/courses/digital-basics`);
    const box = page.getByRole('region', { name: 'Käytä ilman verkkoyhteyttä' });
    // The size before saving.
    await box.getByText(/Vie laitteelta noin .+ tilaa/).waitFor();
    await box.getByRole('button', { name: 'Tallenna laitteelle' }).click();
    await box.getByText(/Tallennettu laitteelle/).waitFor();
    await expectNoAxeViolations(page, 'a course saved on the device');
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector('link[rel="manifest"]');
      return (await fetch(link.href)).json();
    });
    assert.equal(manifest.start_url, '/');
    assert.ok(manifest.icons.some((icon) => icon.sizes === '512x512'));

    await context.setOffline(true);
    await page.goto(`${BASE}/courses/digital-basics/browser`);
    await mainHeading(page).waitFor();
    assert.ok((await page.locator('.lesson-body').textContent()).trim().length > 200, 'the saved lesson is whole');
    // Its audio plays from the device (the player asks for byte ranges).
    const audio = page.locator('audio');
    await audio.focus();
    await page.keyboard.press('Space');
    if (await audio.evaluate((a) => a.paused)) {
      const box = await audio.boundingBox();
      await page.mouse.click(box.x + 20, box.y + box.height / 2);
    }
    const played = Date.now() + 20_000;
    while ((await audio.evaluate((a) => a.currentTime)) < 1) {
      assert.ok(Date.now() < played, 'the saved audio does not play offline');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await audio.evaluate((a) => a.pause());
    // An answer and a "done" mark, kept on the device.
    const quiz = page.locator('section.quiz').first();
    await quiz.getByRole('radio').first().check();
    await quiz.getByRole('button', { name: 'Tarkista vastaus' }).click();
    const note = page.locator('#offline-sync');
    await note.filter({ hasText: 'lähetetään, kun yhteys palaa' }).waitFor();
    await page.getByRole('button', { name: 'Merkitse tehdyksi' }).click();
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('polku-offline-queue')).length), 2);

    // A page that was not saved: the offline page, in Finnish.
    await page.goto(`${BASE}/courses/job-seeking-online`);
    await mainHeading(page).filter({ hasText: 'Ei verkkoyhteyttä' }).waitFor();

    await page.goto(`${BASE}/courses/digital-basics/browser`);
    await mainHeading(page).waitFor();
    const kept = await page.evaluate(() => localStorage.getItem('polku-offline-queue'));
    const sent = page.waitForResponse((r) => r.url().endsWith('/api/mark_done'));
    await context.setOffline(false);
    await sent;
    await note.filter({ hasText: '2' }).filter({ hasText: 'lähetettiin' }).waitFor();
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('polku-offline-queue')).length), 0);

    // Sent again (as after an answer whose reply was lost): recorded once.
    await page.evaluate(async (items) => {
      for (const item of JSON.parse(items)) {
        await fetch(item.action, {
          method: 'POST', body: item.body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        });
      }
    }, kept);
    const body = await page.evaluate(async () => (await fetch('/account/export.json')).json());
    const attempts = body.quiz_attempts.filter((a) => String(a.lesson).includes('browser'));
    assert.equal(attempts.length, 1, JSON.stringify(body.quiz_attempts));
    assert.ok(body.lesson_progress.some((p) => String(p.lesson).includes('browser') && p.completed_at));

    await page.goto(`${BASE}/courses/digital-basics`);
    await page.getByText('1/4 oppituntia tehty (25 %)').waitFor();
    // Removing the saved copy.
    await box.getByRole('button', { name: 'Poista laitteelta' }).click();
    await box.getByText(/Poistettu laitteelta/).waitFor();
    assert.equal(await page.evaluate(() => caches.has('polku-course-digital-basics')), false);
    assert.deepEqual(problems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED')), []);
  } finally {
    await browser.close();
  }
});
