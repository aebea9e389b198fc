// An instructor edits a lesson in the browser: signs in with the admin
// token, sees the preview, publishes, and a learner sees the new text.
// Without JavaScript the same form saves a draft and publishes.
import assert from 'node:assert/strict';
import {
  test, signIn as signInAs,
  BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading, signUp,
} from './support.mjs';

const TOKEN = process.env.POLKU_E2E_ADMIN_TOKEN;

// axe-core runs inside the page, so only where JavaScript is on (the
// server-rendered HTML is the same either way).
async function signIn(page, { axe }) {
  await page.goto(`${BASE}/author`);
  if (axe) await expectNoAxeViolations(page, 'author sign-in');
  await page.getByLabel('Ylläpidon tunnus').fill('wrong-token-0000000000');
  await page.getByRole('button', { name: 'Kirjaudu', exact: true }).click();
  await page.getByRole('alert').getByText('Tunnus oli väärä').waitFor();
  await page.getByLabel('Ylläpidon tunnus').fill(TOKEN);
  await page.getByRole('button', { name: 'Kirjaudu', exact: true }).click();
  await page.getByRole('link', { name: 'Digitaidot alusta' }).waitFor();
}

async function learnerSees(text, lesson = 'email') {
  const learner = await openBrowser({ javaScriptEnabled: false });
  try {
    await learner.page.goto(`${BASE}/courses/digital-basics/${lesson}`);
    return (await learner.page.locator('main').textContent()).includes(text);
  } finally {
    await learner.close();
  }
}

test('with JavaScript: edit with a live preview, publish, a learner sees it', async () => {
  assert.ok(TOKEN, 'POLKU_E2E_ADMIN_TOKEN is set by scripts/test.sh');
  const browser = await openBrowser();
  const { page } = browser;
  try {
    await signIn(page, { axe: true });
    await page.getByRole('link', { name: 'Digitaidot alusta' }).click();
    await mainHeading(page).filter({ hasText: 'Digitaidot alusta' }).waitFor();
    await expectNoAxeViolations(page, 'author course outline');
    await page.getByRole('link', { name: 'Sähköposti', exact: true }).click();
    // The editor is a lazily loaded page: it is there once its field is.
    await page.getByLabel('Oppitunnin teksti (Markdown)').waitFor();
    await expectNoAxeViolations(page, 'lesson editor');

    // The preview draws the lesson's exercises as a learner sees them,
    // with nothing to answer: its order exercise's lists are disabled.
    const preview = page.getByRole('region', { name: 'Esikatselu' });
    const ordering = preview.getByRole('region', { name: /Missä järjestyksessä teet nämä asiat/ });
    assert.ok(await ordering.getByRole('combobox').count() > 1, 'the steps are drawn');
    assert.equal(await ordering.getByRole('combobox').first().isDisabled(), true);
    assert.equal(await ordering.getByRole('button', { name: 'Tarkista vastaus' }).isDisabled(), true);

    const sentence = 'Tämä lause tuli editorista esikatselun kautta.';
    const editor = page.getByLabel('Oppitunnin teksti (Markdown)');
    await editor.fill(`${await editor.inputValue()}\n## Uusi osio\n\n${sentence}\n`);
    // The preview follows the typing (hydrated), before anything is saved.
    await page.getByRole('region', { name: 'Esikatselu' }).getByText(sentence).waitFor();
    assert.equal(await learnerSees(sentence), false, 'nothing is published yet');

    await page.getByRole('button', { name: 'Julkaise' }).click();
    await page.getByRole('status').getByText('Julkaistu.').first().waitFor();
    assert.equal(await learnerSees(sentence), true, 'the learner sees the published text');
    assert.deepEqual(browser.problems, [], 'no script errors or CSP violations');
  } finally {
    await browser.close();
  }
});

test('without JavaScript: the edit form saves a draft, then publishes', async () => {
  const browser = await openBrowser({ javaScriptEnabled: false });
  const { page } = browser;
  try {
    await signIn(page, { axe: false });
    await page.goto(`${BASE}/author/courses/digital-basics/email?lang=fi`);
    const sentence = 'Ilman JavaScriptiä tallennettu lause.';
    const editor = page.getByLabel('Oppitunnin teksti (Markdown)');
    const text = `${await editor.inputValue()}\n${sentence}\n`;
    await editor.fill(text);

    await page.getByRole('button', { name: 'Tallenna luonnos' }).click();
    await page.getByText('Tallennettu luonnoksena.').waitFor();
    assert.ok((await page.getByLabel('Oppitunnin teksti (Markdown)').inputValue()).includes(sentence), 'the draft keeps what was typed');
    await page.getByRole('region', { name: 'Esikatselu' }).getByText(sentence).waitFor();
    assert.equal(await learnerSees(sentence), false, 'a draft is not shown to learners');

    await page.getByRole('button', { name: 'Julkaise' }).click();
    await page.getByText('Julkaistu.').first().waitFor();
    assert.equal(await learnerSees(sentence), true);

    // The history lists the versions; restoring one makes a new draft.
    const history = page.getByRole('region', { name: 'Versiot' });
    await history.getByRole('button', { name: 'Palauta versio 1' }).click();
    await page.getByText('Vanha versio palautettiin luonnokseksi.').waitFor();
    assert.ok(!(await page.getByLabel('Oppitunnin teksti (Markdown)').inputValue()).includes(sentence), 'version 1 is back in the editor');
    assert.equal(await learnerSees(sentence), true, 'restoring does not publish');
  } finally {
    await browser.close();
  }
});

test('an instructor edits and adds badges; an admin approves the new one; a learner earns it with her answers and is told at once', async () => {
  const browser = await openBrowser();
  const { page } = browser;
  try {
    await signIn(page, { axe: false });
    await page.goto(`${BASE}/author/courses/digital-basics`);
    await page.getByRole('link', { name: 'Kurssin osaamismerkit' }).click();
    await mainHeading(page).filter({ hasText: 'Osaamismerkit' }).waitFor();
    await waitForHydration(page);
    await expectNoAxeViolations(page, 'badge editor (new badge)');
    await page.getByRole('link', { name: 'Työhakemus sähköpostilla' }).click();
    await page.getByRole('heading', { name: 'Muokkaa merkkiä' }).waitFor();
    const swedish = page.getByRole('group', { name: 'Ruotsi' });
    await swedish.getByLabel('Miten merkki ansaitaan').fill('Skriv ett ansökningsmejl och visa det för din coach.');
    // 0 days is refused by the server too (the browser's own check of
    // min="1" is switched off here, as an old browser would not have it);
    // what was typed stays.
    await page.locator('form[action="/api/save_badge"]').evaluate((form) => { form.noValidate = true; });
    await page.getByLabel(/Voimassa päivää/).fill('0');
    await page.getByRole('button', { name: 'Tallenna merkki' }).click();
    await page.getByRole('alert').getByText('Merkkiä ei tallennettu. Korjaa nämä:').waitFor();
    assert.equal(await page.getByRole('group', { name: 'Ruotsi' }).getByLabel('Miten merkki ansaitaan').inputValue(),
      'Skriv ett ansökningsmejl och visa det för din coach.');
    await waitForHydration(page);
    await expectNoAxeViolations(page, 'badge editor with problems');
    await page.getByLabel(/Voimassa päivää/).fill('730');
    await page.getByRole('button', { name: 'Tallenna merkki' }).click();
    await page.getByRole('status').getByText('Merkki tallennettu.').waitFor();
    assert.equal(await page.getByLabel(/Voimassa päivää/).inputValue(), '730');

    // Competences: course.toml's one is listed in Finnish; an unknown code
    // is refused with what was typed kept; a skill picked from the bundled
    // ESCO list (by its name) is added.
    const competences = () => page.getByRole('group', { name: 'Osaaminen, jota merkki kuvaa' });
    assert.equal(await competences().getByLabel('DigComp 2.2 2.1 – Vuorovaikutus digitaalitekniikoiden kautta').isChecked(), true);
    await competences().getByLabel('Lisää osaaminen').fill('9.9');
    await page.getByRole('button', { name: 'Tallenna merkki' }).click();
    await page.getByRole('alert').getByText(/ei ole "9\.9"|no DigComp competence or ESCO skill is "9\.9"/).waitFor();
    assert.equal(await competences().getByLabel('Lisää osaaminen').inputValue(), '9.9');
    await competences().getByLabel('Lisää osaaminen').fill('ESCO – käyttää taulukkolaskentaohjelmistoja');
    await page.getByRole('button', { name: 'Tallenna merkki' }).click();
    await page.getByRole('status').getByText('Merkki tallennettu.').waitFor();
    assert.equal(await competences().getByLabel('ESCO – käyttää taulukkolaskentaohjelmistoja').isChecked(), true);
    assert.equal(await competences().getByLabel('DigComp 2.2 2.1 – Vuorovaikutus digitaalitekniikoiden kautta').isChecked(), true);
    await waitForHydration(page);
    await expectNoAxeViolations(page, 'badge editor with competences');

    // A new badge: the browser lesson with its quiz and exercise answered right.
    await page.getByRole('link', { name: 'Uusi merkki' }).click();
    await page.getByRole('heading', { name: 'Uusi merkki', level: 2 }).waitFor();
    await page.getByLabel('Lyhyt nimi osoitteeseen').fill('selain-hallussa');
    await page.getByRole('group', { name: 'Suomi' }).getByLabel('Nimi').fill('Selain hallussa');
    await page.getByRole('group', { name: 'Tehtävät oppitunnit' }).getByLabel('Verkkoselain').check();
    await page.getByLabel(/Oikeita vastauksia vähintään/).fill('100');
    await page.getByRole('button', { name: 'Tallenna merkki' }).click();
    await page.getByRole('status').getByText('Merkki tallennettu.').waitFor();

    // It issues only once an admin approved it.
    const admin = await openBrowser();
    try {
      const ap = admin.page;
      await signInAs(ap, 'e2e-admin', process.env.POLKU_E2E_ADMIN_PASSWORD);
      await ap.goto(`${BASE}/admin`);
      const waiting = ap.getByRole('list', { name: 'Hyväksyntää odottavat merkit' }).getByRole('listitem')
        .filter({ hasText: 'Selain hallussa – digital-basics' });
      await waiting.getByText(/Tehtävistä oikein vähintään: 100 %/).waitFor();
      // The issuers this site trusts (scripts/test.sh's trust file) are listed.
      await ap.getByRole('list', { name: 'Luotetut merkkien myöntäjät' })
        .getByText(/Testikunnan työllisyyspalvelut/).first().waitFor();
      await waitForHydration(ap);
      await expectNoAxeViolations(ap, 'admin page with badges waiting');
      await waiting.getByRole('button', { name: 'Hyväksy Selain hallussa (digital-basics)' }).click();
      await ap.getByRole('status').getByText(/Hyväksytty\. Merkki myönnetään/).waitFor();
      assert.equal(await ap.getByRole('listitem').filter({ hasText: 'Selain hallussa – digital-basics' }).count(), 0);
    } finally {
      await admin.close();
    }

    // A learner (hydrated) earns it with the right answer and is told at once.
    const learner = await openBrowser();
    try {
      const lp = learner.page;
      await signUp(lp, `selain-${Date.now() % 1000000}`, 'Selma Selain', 'selaimen-salasana-pitkä');
      await lp.goto(`${BASE}/courses/digital-basics/browser`);
      await waitForHydration(lp);
      await lp.getByRole('button', { name: 'Merkitse tehdyksi' }).click();
      await lp.getByText('Olet merkinnyt tämän oppitunnin tehdyksi.').waitFor();
      assert.equal(await lp.getByText('Sait osaamismerkin!').count(), 0, 'not before the quiz');
      await waitForHydration(lp);
      // The lesson's exercise first (each address to its domain): not yet
      // enough, the quiz counts too.
      const domains = lp.getByRole('region', { name: /Kenen sivulle osoite vie/ });
      for (const [address, domain] of [
        ['https://www.kela.fi/hakemukset', 'kela.fi'],
        ['https://kela.fi-asiointi.com/kirjaudu', 'fi-asiointi.com'],
        ['https://www.suomi.fi/palvelut', 'suomi.fi'],
        ['http://tyomarkkinatori.fi.kirjaudu.net/', 'kirjaudu.net'],
      ]) {
        await domains.getByLabel(address, { exact: true }).selectOption({ label: domain });
      }
      await domains.getByRole('button', { name: 'Tarkista vastaus' }).click();
      await domains.getByRole('status').getByText('Oikein!', { exact: true }).waitFor();
      assert.equal(await lp.getByText('Sait osaamismerkin!').count(), 0, 'not before the quiz');
      const quiz = lp.getByRole('region', { name: /Työmarkkinatorille/ });
      await quiz.getByLabel('https://tyomarkkinatori.fi', { exact: true }).check();
      await quiz.getByRole('button', { name: 'Tarkista vastaus' }).click();
      await lp.getByRole('status').getByText('Sait osaamismerkin!').waitFor();
      assert.deepEqual(learner.problems, [], 'no script errors or CSP violations');
    } finally {
      await learner.close();
    }
  } finally {
    await browser.close();
  }
});

for (const javaScriptEnabled of [true, false]) {
  test(`an admin edits the learning paths in the browser: a mistake is kept as a draft with its line, then published (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
    const browser = await openBrowser({ javaScriptEnabled });
    const { page } = browser;
    const check = async (what) => {
      if (javaScriptEnabled) {
        await waitForHydration(page);
        await expectNoAxeViolations(page, what);
      }
    };
    try {
      await signInAs(page, 'e2e-admin', process.env.POLKU_E2E_ADMIN_PASSWORD);
      await page.goto(`${BASE}/admin`);
      await page.getByRole('link', { name: 'Muokkaa oppimispolkuja' }).click();
      await mainHeading(page).filter({ hasText: 'Oppimispolut' }).waitFor();
      await page.getByText('Oppijat näkevät nyt nämä polut: Digitaidot työelämään').waitFor();
      await check('pathway editor');
      const field = page.getByLabel('pathways.toml');
      const original = await field.inputValue();
      assert.match(original, /slug = "digital-skills-for-work"/);
      const summary = javaScriptEnabled ? 'Polku työelämään, kokeiltu selaimella.' : 'Polku työelämään, kokeiltu ilman JavaScriptiä.';
      const edited = original.replace(/summary = \{ fi = "[^"]*"/, `summary = { fi = "${summary}"`);
      assert.notEqual(edited, original);
      // A step naming no course: not published, kept as a draft, the line named.
      const broken = edited.replace('{ course = "safe-online" }', '{ course = "no-such-course" }');
      const line = broken.split('\n').findIndex((l) => l.includes('no-such-course')) + 1;
      await field.fill(broken);
      await page.getByRole('button', { name: 'Julkaise' }).click();
      const problems = page.getByRole('alert');
      await problems.getByText(`${line}: no course "no-such-course" on this site`, { exact: false }).waitFor();
      await page.getByText('Tämä on tallentamasi luonnos.', { exact: false }).waitFor();
      assert.equal(await page.getByLabel('pathways.toml').inputValue(), broken, 'what she typed is kept');
      await check('pathway editor with a problem');
      // Fixed and published: learners see the new summary.
      await page.getByLabel('pathways.toml').fill(edited);
      await page.getByRole('button', { name: 'Julkaise' }).click();
      await page.getByRole('status').getByText('Oppimispolut on julkaistu.').waitFor();
      await page.goto(`${BASE}/dashboard`);
      await page.getByRole('region', { name: 'Digitaidot työelämään' }).getByText(summary).waitFor();
      // Back as it was, for the other journeys.
      await page.goto(`${BASE}/admin/pathways`);
      await page.getByLabel('pathways.toml').fill(original);
      await page.getByRole('button', { name: 'Julkaise' }).click();
      await page.getByRole('status').getByText('Oppimispolut on julkaistu.').waitFor();
      if (javaScriptEnabled) assert.deepEqual(browser.problems, [], 'no script errors or CSP violations');
    } finally {
      await browser.close();
    }
  });
}
