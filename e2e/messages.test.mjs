// Coaching at a distance, messages: a learner who keeps failing a quiz
// joins a coach's group and switches the site to Swedish. The coach sees
// her flagged as stuck, opens "ask if she needs help" and finds a draft in
// the learner's language, adds a link and sends it. The learner sees the
// unread count in the header and reads it (hydrated: the open
// conversation shows it without a reload), answers; the coach sees the
// answer in her inbox and the time she last wrote in the group table. The
// learner gave her e-mail address: the SMTP server receives the e-mail.
// The coach offers times; the learner books one (her phone's dashboard
// shows it); the coach sees the booking and downloads its calendar file.
// Two browsers (the learner's, the coach's), JavaScript on and off, axe
// on every page where JavaScript runs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  test,
  BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading, signUp, signIn, signOut,
  grantRole, acceptInvitation, openMenu, waitForMail,
} from './support.mjs';

const PASSWORD = 'viestien-salasana';
const MAILDIR = process.env.POLKU_E2E_MAILDIR;

for (const javaScriptEnabled of [true, false]) {
  test(`a coach nudges a stuck learner and she answers (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
    const learnerBrowser = await openBrowser({ javaScriptEnabled });
    const coachBrowser = await openBrowser({ javaScriptEnabled });
    const me = learnerBrowser.page;
    const coachPage = coachBrowser.page;
    const tag = `${javaScriptEnabled ? 'js' : 'nojs'}${Date.now() % 100000}`;
    const learner = `viesti-oppija-${tag}`;
    const coach = `viesti-valmentaja-${tag}`;
    const name = `Sanna ${tag}`;
    const check = async (page, what) => {
      if (javaScriptEnabled) {
        await waitForHydration(page);
        await expectNoAxeViolations(page, what);
      }
    };
    try {
      // The learner answers one quiz wrong three times: she is stuck.
      await signUp(me, learner, name, PASSWORD);
      await me.goto(`${BASE}/courses/digital-basics`);
      await me.getByRole('button', { name: 'Ilmoittaudu kurssille' }).click();
      await me.getByText('Olet ilmoittautunut tälle kurssille.').waitFor();
      await me.goto(`${BASE}/courses/digital-basics/browser`);
      if (javaScriptEnabled) await waitForHydration(me);
      const quiz = () => me.getByRole('region', { name: /Työmarkkinatorille/ });
      for (let i = 0; i < 3; i++) {
        await quiz().getByLabel('http://tyomarkkinatori-kirjaudu.net').check();
        // Each attempt is recorded (the form posts, then the page shows
        // the verdict; the same answer again gives the same page).
        await Promise.all([
          me.waitForResponse((r) => r.url().endsWith('/answer') && r.request().method() === 'POST'),
          quiz().getByRole('button', { name: 'Tarkista vastaus' }).click(),
        ]);
        await quiz().getByRole('status').getByText('Ei vielä aivan oikein').waitFor();
      }
      await signOut(me);

      // The coach's group; the learner accepts the invitation.
      await signUp(coachPage, coach, `Kerttu ${tag}`, PASSWORD);
      await signOut(coachPage);
      await grantRole(coachPage, coach, 'coach');
      await signIn(coachPage, coach, PASSWORD);
      await openMenu(coachPage);
      await coachPage.getByRole('link', { name: 'Valmennus' }).click();
      const group = `Etäryhmä ${tag}`;
      await coachPage.getByLabel('Ryhmän nimi').fill(group);
      await coachPage.getByRole('button', { name: 'Luo ryhmä' }).click();
      await mainHeading(coachPage).filter({ hasText: group }).waitFor();
      const groupUrl = coachPage.url();
      await coachPage.getByLabel('Käyttäjätunnus').fill(learner);
      await coachPage.getByRole('button', { name: 'Kutsu', exact: true }).click();
      await coachPage.getByRole('status').getByText(`${learner} sai kutsun.`, { exact: false }).waitFor();
      await acceptInvitation(me, learner, PASSWORD, group);

      // She switches the site to Swedish (the language is kept with her
      // account) and opens her messages: her coach is there to write to.
      await signIn(me, learner, PASSWORD);
      if (javaScriptEnabled) await waitForHydration(me);
      await openMenu(me);
      await me.getByRole('button', { name: 'Svenska' }).click();
      await me.locator('html[lang="sv"]').waitFor({ state: 'attached' });
      // She gives her e-mail address for notifications (every kind by
      // default, without message texts).
      await me.goto(`${BASE}/account`);
      await me.getByRole('heading', { name: 'Aviseringar per e-post' }).waitFor();
      await me.getByLabel('E-post (frivilligt)').fill(`${learner}@example.fi`);
      await me.getByRole('button', { name: 'Spara e-postinställningarna' }).click();
      await me.getByRole('status').getByText('E-postinställningarna har sparats.').waitFor();
      assert.equal(await me.getByLabel('E-post (frivilligt)').inputValue(), `${learner}@example.fi`);
      await check(me, 'account with e-mail settings (learner, sv)');
      // The invitation is among her notifications, counted in the header
      // until she has seen it.
      await openMenu(me);
      await me.getByRole('link', { name: 'Aviseringar 1 olästa' }).click();
      await mainHeading(me).filter({ hasText: 'Aviseringar' }).waitFor();
      await me.getByText(`Kerttu ${tag} bjöd in dig till gruppen ${group}.`, { exact: false }).waitFor();
      await check(me, 'notifications (learner, sv)');
      await me.goto(`${BASE}/account`);
      await openMenu(me);
      await me.getByRole('link', { name: 'Aviseringar', exact: true }).waitFor();
      await me.getByRole('link', { name: 'Meddelanden' }).click();
      await mainHeading(me).filter({ hasText: 'Meddelanden' }).waitFor();
      await me.getByRole('link', { name: `Kerttu ${tag}` }).waitFor();
      await me.getByText('Inga meddelanden än. Öppna och skriv det första.').waitFor();
      await me.getByRole('link', { name: `Meddelanden till gruppen ${group}` }).waitFor();
      await check(me, 'inbox (learner, sv)');
      await me.getByRole('link', { name: `Kerttu ${tag}` }).click();
      await mainHeading(me).filter({ hasText: `Samtal med Kerttu ${tag}` }).waitFor();
      await check(me, 'empty conversation (learner, sv)');

      // The coach: the stuck row offers "ask if she needs help"; the draft
      // is in the learner's language (Swedish), and can be edited.
      await coachPage.goto(groupUrl);
      const row = coachPage.getByRole('table', { name: 'Oppijoiden edistyminen' }).getByRole('row').filter({ hasText: learner });
      await row.getByText('3 väärää vastausta peräkkäin').waitFor();
      await check(coachPage, 'group table with the nudge');
      await row.getByRole('link', { name: `Kysy, tarvitseeko ${name} apua` }).click();
      await mainHeading(coachPage).filter({ hasText: `Keskustelu: ${name}` }).waitFor();
      const draft = coachPage.getByLabel('Viestisi');
      assert.match(await draft.inputValue(), new RegExp(`^Hej ${name}! Jag märkte`));
      await check(coachPage, 'conversation with a nudge draft (coach)');
      await draft.fill(`${await draft.inputValue()} Läs också https://www.suomi.fi/ohjeet`);
      await coachPage.getByRole('button', { name: 'Lähetä viesti' }).click();
      const sent = coachPage.getByRole('listitem').filter({ hasText: 'Jag märkte' });
      await sent.waitFor();
      assert.equal(await sent.getByRole('link', { name: 'https://www.suomi.fi/ohjeet' }).getAttribute('href'), 'https://www.suomi.fi/ohjeet');
      assert.equal(await coachPage.getByLabel('Viestisi').inputValue(), '', 'the form is empty again');
      // The coach leaves the conversation: open, its poll (every 20 s) would
      // show her the learner's answer and mark it read, and the unread count
      // checked in her inbox below would depend on when that poll fell.
      await coachPage.goto(`${BASE}/coach`);

      // The e-mail reaches the SMTP server, in her language, with the
      // link to her settings and without the message's text.
      if (MAILDIR) {
        const mail = await waitForMail(`${learner}@example.fi`);
        assert.match(mail, new RegExp(`Subject: Polku: Kerttu ${tag} skrev ett meddelande till dig\\.`));
        assert.match(mail, /\/account#email/);
        assert.doesNotMatch(mail, /Jag märkte/, 'no message text unless she chose it');
      }

      // The learner: hydrated, the open conversation shows the message
      // without a reload; without JavaScript she finds it by the unread
      // count in the header and her inbox.
      if (javaScriptEnabled) {
        await me.getByText(`Hej ${name}! Jag märkte`).waitFor({ timeout: 50_000 }); // two polls (20 s apart) and a margin
      } else {
        await me.goto(`${BASE}/dashboard`);
        await openMenu(me);
        await me.getByRole('link', { name: 'Meddelanden 1 olästa' }).click();
        await me.getByText('Nya meddelanden: 1').waitFor();
        await me.getByRole('link', { name: `Kerttu ${tag}` }).click();
        await me.getByText(`Hej ${name}! Jag märkte`).waitFor();
      }
      // She answers.
      await me.getByLabel('Ditt meddelande').fill('Tack, jag behöver hjälp med länkarna.');
      await me.getByRole('button', { name: 'Skicka meddelandet' }).click();
      await me.getByRole('listitem').filter({ hasText: 'Tack, jag behöver hjälp med länkarna.' }).waitFor();
      await check(me, 'conversation with messages (learner, sv)');
      // Reading it cleared the count.
      await me.goto(`${BASE}/dashboard`);
      await openMenu(me);
      await me.getByRole('link', { name: 'Meddelanden', exact: true }).waitFor();

      // The coach offers two video-call times three days ahead.
      const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
      await coachPage.goto(`${BASE}/appointments`);
      await mainHeading(coachPage).filter({ hasText: 'Tapaamiset' }).waitFor();
      await check(coachPage, 'appointments (coach, none yet)');
      await coachPage.getByLabel('Päivä').fill(day);
      await coachPage.getByLabel('Alkaa klo').fill('10:00');
      await coachPage.getByLabel('Kesto minuutteina').fill('30');
      await coachPage.getByLabel('Montako peräkkäistä aikaa').fill('2');
      await coachPage.getByLabel('Videopuhelu').check();
      await coachPage.getByLabel('Puhelinnumero, videolinkki tai osoite').fill('javascript:alert(1)');
      await coachPage.getByLabel('Lisätieto (valinnainen)').fill('Ota puhelin ja tunnukset mukaan.');
      await coachPage.getByRole('button', { name: 'Tarjoa ajat' }).click();
      // A link that is not https is refused; what she typed is kept.
      await coachPage.getByRole('alert').getByText('Videopuheluun tarvitaan linkki, joka alkaa https://.').waitFor();
      assert.equal(await coachPage.getByLabel('Lisätieto (valinnainen)').inputValue(), 'Ota puhelin ja tunnukset mukaan.');
      assert.equal(await coachPage.getByLabel('Montako peräkkäistä aikaa').inputValue(), '2');
      await coachPage.getByLabel('Puhelinnumero, videolinkki tai osoite').fill('https://video.example.fi/kerttu');
      await coachPage.getByRole('button', { name: 'Tarjoa ajat' }).click();
      await coachPage.getByRole('status').getByText('Ajat on tarjottu.').waitFor();
      await coachPage.getByRole('heading', { name: /klo 10\.00–10\.30/ }).waitFor();
      await coachPage.getByRole('heading', { name: /klo 10\.30–11\.00/ }).waitFor();
      await check(coachPage, 'appointments (coach, two times offered)');

      // The learner books the first from her dashboard's link.
      await me.goto(`${BASE}/dashboard`);
      await me.getByRole('link', { name: 'Boka en tid hos din coach' }).click();
      await mainHeading(me).filter({ hasText: 'Möten' }).waitFor();
      await check(me, 'appointments (learner, sv, free times)');
      await me.getByRole('button', { name: /^Boka tiden .* kl\. 10\.00–10\.30$/ }).click();
      await me.getByRole('status').getByText('Tiden är bokad. Din coach har fått veta det.').waitFor();
      await mainHeading(me).filter({ hasText: 'kl. 10.00–10.30' }).waitFor();
      await me.getByText(`Möte: Kerttu ${tag}`).waitFor();
      await check(me, 'an appointment she booked (learner, sv)');
      // Her phone (360 px wide) shows it on her dashboard, with the link
      // to the video call.
      await me.goto(`${BASE}/dashboard`);
      const coming = me.getByRole('listitem').filter({ hasText: `Möte: Kerttu ${tag}` });
      await coming.getByRole('link', { name: /kl\. 10\.00–10\.30/ }).waitFor();
      assert.equal(await coming.getByRole('link', { name: 'Öppna videosamtalet' }).getAttribute('href'), 'https://video.example.fi/kerttu');
      await coming.getByText('Ota puhelin ja tunnukset mukaan.').waitFor();
      const width = await me.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `nothing wider than the phone's screen (${width} px)`);
      if (process.env.POLKU_E2E_SHOTS) {
        await me.screenshot({ path: `${process.env.POLKU_E2E_SHOTS}/dashboard-appointment-${tag}.png`, fullPage: true });
      }
      await check(me, 'dashboard with an appointment (learner, sv, 360 px)');

      // The coach sees the booking on her coaching page and downloads the
      // calendar file.
      await coachPage.goto(`${BASE}/coach`);
      const booking = coachPage.getByRole('listitem').filter({ hasText: `Tapaaminen: ${name}` });
      await booking.getByRole('link', { name: /klo 10\.00–10\.30/ }).click();
      await mainHeading(coachPage).filter({ hasText: 'klo 10.00–10.30' }).waitFor();
      await check(coachPage, 'a booked appointment (coach)');
      const [download] = await Promise.all([
        coachPage.waitForEvent('download'),
        coachPage.getByRole('link', { name: 'Lisää kalenteriin (.ics)' }).click(),
      ]);
      const ics = fs.readFileSync(await download.path(), 'utf8').replace(/\r\n /g, '');
      assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
      assert.match(ics, /\r\nMETHOD:REQUEST\r\n/);
      assert.match(ics, /\r\nTZID:Europe\/Helsinki\r\n/);
      assert.match(ics, /\r\nDTSTART;TZID=Europe\/Helsinki:\d{8}T100000\r\n/);
      assert.match(ics, new RegExp(`\\r\\nSUMMARY:Tapaaminen: ${name}\\r\\n`));
      assert.match(ics, /\r\nURL:https:\/\/video\.example\.fi\/kerttu\r\n/);

      // The coach sees the answer in her inbox, and when she last wrote in
      // the group table.
      await coachPage.goto(`${BASE}/dashboard`);
      await openMenu(coachPage);
      await coachPage.getByRole('link', { name: 'Viestit 1 lukematonta' }).click();
      await mainHeading(coachPage).filter({ hasText: 'Viestit' }).waitFor();
      const card = coachPage.getByRole('listitem').filter({ has: coachPage.getByRole('link', { name }) });
      await card.getByText('Uusia viestejä: 1').waitFor();
      await card.getByText('Tack, jag behöver hjälp med länkarna.').waitFor();
      await check(coachPage, 'inbox (coach)');
      await coachPage.goto(groupUrl);
      const contacted = coachPage.getByRole('table', { name: 'Oppijoiden edistyminen' }).getByRole('row').filter({ hasText: learner });
      assert.match(await contacted.textContent(), /\d{1,2}\.\d{1,2}\.\d{4} klo \d{1,2}\.\d{2}/, 'the time she last wrote, in Helsinki time, the Finnish way');
      for (const b of [learnerBrowser, coachBrowser]) {
        if (javaScriptEnabled) assert.deepEqual(b.problems, [], 'no script errors or CSP violations');
      }
    } finally {
      await learnerBrowser.close();
      await coachBrowser.close();
    }
  });
}
