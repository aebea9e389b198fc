// A coach's journey: an admin makes an account a coach; the coach creates a
// group and invites a learner who keeps failing a quiz. Until she accepts
// on her own dashboard the coach sees only "invited"; then her progress and
// the "stuck" flag in the group table (CSV and chart too); when she leaves
// the group, nothing of hers. With JavaScript on and off; axe on every page
// (where JavaScript runs).
import assert from 'node:assert/strict';
import {
  test,
  BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading, signUp, signIn, signOut, openMenu,
} from './support.mjs';

const PASSWORD = 'valmentajan-salasana';
const ADMIN_PASSWORD = process.env.POLKU_E2E_ADMIN_PASSWORD;

for (const javaScriptEnabled of [true, false]) {
  test(`a coach sees the learner and the stuck flag (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
    assert.ok(ADMIN_PASSWORD, 'POLKU_E2E_ADMIN_PASSWORD is set by scripts/test.sh');
    const browser = await openBrowser({ javaScriptEnabled });
    const { page } = browser;
    const tag = `${javaScriptEnabled ? 'js' : 'nojs'}${Date.now() % 100000}`;
    const learner = `oppija-${tag}`;
    const coach = `valmentaja-${tag}`;
    const check = async (what) => {
      if (javaScriptEnabled) {
        await waitForHydration(page);
        await expectNoAxeViolations(page, what);
      }
    };
    try {
      // The learner answers one quiz wrong three times.
      await signUp(page, learner, `Liisa ${tag}`, PASSWORD);
      await page.goto(`${BASE}/courses/digital-basics`);
      await page.getByRole('button', { name: 'Ilmoittaudu kurssille' }).click();
      await page.getByText('Olet ilmoittautunut tälle kurssille.').waitFor();
      await page.goto(`${BASE}/courses/digital-basics/browser`);
      if (javaScriptEnabled) await waitForHydration(page);
      const quiz = () => page.getByRole('region', { name: /Työmarkkinatorille/ });
      for (let i = 0; i < 3; i++) {
        await quiz().getByLabel('http://tyomarkkinatori-kirjaudu.net').check();
        // Each attempt is recorded (the form posts, then the page shows
        // the verdict; the same answer again gives the same page).
        await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/answer') && r.request().method() === 'POST'),
          quiz().getByRole('button', { name: 'Tarkista vastaus' }).click(),
        ]);
        await quiz().getByRole('status').getByText('Ei vielä aivan oikein').waitFor();
      }
      // She can discuss the lesson and send feedback.
      const question = `Mistä näen, onko yhteys salattu? (${tag})`;
      await page.getByLabel('Kommenttisi').fill(question);
      await page.getByRole('button', { name: 'Lähetä kommentti' }).click();
      await page.getByText(question).waitFor();
      await check('lesson with discussion');
      await signOut(page);

      // The future coach signs up; the admin makes them a coach.
      await signUp(page, coach, `Kalle ${tag}`, PASSWORD);
      await signOut(page);
      await signIn(page, 'e2e-admin', ADMIN_PASSWORD);
      await openMenu(page);
      await page.getByRole('link', { name: 'Ylläpito' }).click();
      await mainHeading(page).filter({ hasText: 'Ylläpito' }).waitFor();
      await check('admin page');
      const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: new RegExp(coach) }) });
      await card.getByLabel('Rooli').selectOption('coach');
      await card.getByRole('button', { name: 'Tallenna' }).click();
      // Saved: wait for the page the form's answer leads to before leaving
      // it.
      await page.waitForURL((url) => url.searchParams.get('saved') === 'role');
      await mainHeading(page).filter({ hasText: 'Ylläpito' }).waitFor();
      // The audit log names the change, filtered by the coach.
      await page.getByRole('link', { name: /Tapahtumaloki/ }).click();
      await mainHeading(page).filter({ hasText: 'Tapahtumaloki' }).waitFor();
      await page.getByLabel('Käyttäjätunnus').fill(coach);
      await page.getByRole('button', { name: 'Näytä tämän henkilön merkinnät' }).click();
      const log = page.getByRole('table', { name: 'Tapahtumaloki' });
      await log.getByRole('row').filter({ hasText: 'Rooli muutettiin' }).filter({ hasText: `Kalle ${tag}` })
        .getByText('coach', { exact: true }).waitFor();
      await check('audit log');
      await signOut(page);

      // The coach creates a group and invites the learner: until she
      // accepts, only her name and "invited" show.
      const group = `Kevät ${tag}`;
      await signIn(page, coach, PASSWORD);
      await openMenu(page);
      await page.getByRole('link', { name: 'Valmennus' }).click();
      await mainHeading(page).filter({ hasText: 'Valmennus' }).waitFor();
      await check('coach home');
      await page.getByLabel('Ryhmän nimi').fill(group);
      await page.getByRole('button', { name: 'Luo ryhmä' }).click();
      await mainHeading(page).filter({ hasText: group }).waitFor();
      const groupUrl = page.url();
      await page.getByLabel('Käyttäjätunnus').fill(learner);
      await page.getByRole('button', { name: 'Kutsu', exact: true }).click();
      await page.getByRole('status').getByText(`${learner} sai kutsun.`, { exact: false }).waitFor();
      const invited = page.getByRole('list', { name: 'Kutsuttu, ei vielä liittynyt' });
      await invited.getByRole('listitem').filter({ hasText: `Liisa ${tag}` }).getByText('kutsuttu').waitFor();
      await page.getByText('Ryhmässä ei ole vielä oppijoita.').waitFor();
      assert.equal(await page.getByRole('table', { name: 'Oppijoiden edistyminen' }).count(), 0);
      await check('group page with an invitation');
      await signOut(page);

      // She sees the invitation on her dashboard and accepts it.
      await signIn(page, learner, PASSWORD);
      await page.getByRole('heading', { name: 'Kutsut ryhmiin' }).waitFor();
      await page.getByText(`Kalle ${tag} kutsuu sinut ryhmään ${group}.`).waitFor();
      await check('dashboard with an invitation');
      await page.getByRole('button', { name: `Hyväksy kutsu ryhmään ${group}` }).click();
      await page.getByRole('status').getByText(`Liityit ryhmään ${group}.`).waitFor();
      await page.getByRole('list', { name: 'Ryhmäsi ja valmentajasi' })
        .getByText(`Ryhmä ${group}, valmentaja Kalle ${tag}`).waitFor();
      await check('dashboard with a group');
      // Her account page says who invited her.
      await openMenu(page);
      await page.getByRole('link', { name: 'Oma tili' }).first().click();
      const mine = page.getByRole('table', { name: 'Mitä tilillesi on tehty' });
      await mine.getByRole('row').filter({ hasText: 'Kutsu ryhmään' }).filter({ hasText: `Kalle ${tag}` }).waitFor();
      await check('account page with the audit entries');
      await signOut(page);

      // The table: her progress, quiz results and the stuck flag.
      await signIn(page, coach, PASSWORD);
      await page.goto(groupUrl);
      const table = page.getByRole('table', { name: 'Oppijoiden edistyminen' });
      const row = table.getByRole('row').filter({ hasText: learner });
      await row.waitFor();
      assert.match(await row.textContent(), /0 %/);
      assert.match(await row.textContent(), /0\/3/);
      await row.getByText('3 väärää vastausta peräkkäin').waitFor();
      // Her place on the learning path, in its own column.
      await table.getByRole('columnheader', { name: 'Digitaidot työelämään' }).waitFor();
      await row.getByText('Taso 1/5 · tasomerkkejä 0').waitFor();
      await page.getByRole('img', { name: /Edistyminen viikoittain/ }).waitFor();
      await check('group table');
      // The CSV has her row (same session cookie).
      const csvHref = await page.getByRole('link', { name: 'Lataa taulukko (CSV)' }).getAttribute('href');
      const csv = await page.context().request.get(`${BASE}${csvHref}`);
      assert.equal(csv.status(), 200);
      assert.match(await csv.text(), new RegExp(`${learner},0 %,Taso 1/5 · tasomerkkejä 0,[0-9-]+,0/3,3 väärää vastausta peräkkäin`));
      await signOut(page);

      // She leaves the group: the coach no longer sees her.
      await signIn(page, learner, PASSWORD);
      await page.getByRole('button', { name: `Lähde ryhmästä ${group}` }).click();
      await page.getByRole('status').getByText(`Lähdit ryhmästä ${group}.`).waitFor();
      assert.equal(await page.getByRole('list', { name: 'Ryhmäsi ja valmentajasi' }).count(), 0);
      await signOut(page);
      await signIn(page, coach, PASSWORD);
      await page.goto(groupUrl);
      await page.getByText('Ryhmässä ei ole vielä oppijoita.').waitFor();
      assert.equal(await page.getByText(learner).count(), 0, 'nothing of hers on the group page');
      const after = await page.context().request.get(`${BASE}${csvHref}`);
      assert.equal(after.status(), 200);
      assert.ok(!(await after.text()).includes(learner), 'nothing of hers in the CSV');
      if (javaScriptEnabled) assert.deepEqual(browser.problems, [], 'no script errors or CSP violations');
    } finally {
      await browser.close();
    }
  });
}
