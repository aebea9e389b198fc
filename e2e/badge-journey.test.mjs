// A badge's life, with every person in their own browser:
// - a learner finishes a course, is told at once that she earned its
//   badge, finds it in her wallet, downloads the baked PNG, makes a public
//   link (QR code, LinkedIn, printable certificate), and sends evidence for
//   a badge her coach approves;
// - an employer, signed out, drops the PNG on the verify page and opens
//   the link: valid, not revoked;
// - her coach approves the evidence (the second badge is issued), then
//   revokes the first badge with a reason, then lets her earn it again;
// - the employer's page now says revoked, for the link and the picture.
// axe runs on every page on the way.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  test,
  BASE, openBrowser, waitForHydration, expectNoAxeViolations, mainHeading, signUp, signIn, signOut, grantRole,
  acceptInvitation,
} from './support.mjs';

const PASSWORD = 'merkin-salasana-pitkä';

/** The employer drops `png` on the verify page; the verdict region. */
async function dropPicture(page, png) {
  await page.goto(`${BASE}/verify`);
  await waitForHydration(page);
  await page.getByLabel(/Merkin tiedosto/).setInputFiles({ name: 'merkki.png', mimeType: 'image/png', buffer: png });
  await page.getByRole('button', { name: 'Tarkista merkki' }).click();
  return page.getByRole('region', { name: 'Tulos' });
}

test('a badge is earned, shared, checked by an employer, and revoked by the coach', async () => {
  const tag = `${Date.now() % 1000000}`;
  const learner = `merkki-${tag}`;
  const coach = `ohjaaja-${tag}`;
  const browser = await openBrowser();
  const employer = await openBrowser();
  const { page } = browser;
  try {
    // The coach-to-be signs up and is made a coach.
    await signUp(page, coach, `Kerttu ${tag}`, PASSWORD);
    await signOut(page);
    await grantRole(page, coach, 'coach');

    // The learner finishes the course.
    await signUp(page, learner, 'Aino Ansio', PASSWORD);
    await page.goto(`${BASE}/courses/digital-basics`);
    await waitForHydration(page);
    await page.getByRole('button', { name: 'Ilmoittaudu kurssille' }).click();
    await page.getByText('Olet ilmoittautunut tälle kurssille.').waitFor();
    for (const lesson of ['devices', 'browser', 'email', 'passwords-and-phishing']) {
      await page.goto(`${BASE}/courses/digital-basics/${lesson}`);
      await waitForHydration(page);
      await page.getByRole('button', { name: 'Merkitse tehdyksi' }).click();
      await page.getByText('Olet merkinnyt tämän oppitunnin tehdyksi.').waitFor();
    }
    // Told at once, on the lesson page.
    await page.getByRole('status').getByText('Sait osaamismerkin!').waitFor();
    await expectNoAxeViolations(page, 'lesson with a badge just earned');
    await page.getByRole('link', { name: 'Katso merkkisi' }).click();
    await mainHeading(page).filter({ hasText: 'Osaamismerkkini' }).waitFor();
    await waitForHydration(page);
    const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Digitaidot alusta' }) });
    await expectNoAxeViolations(page, 'wallet');

    // The baked PNG.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      item.getByRole('link', { name: 'Lataa merkki kuvana (PNG)' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'polku-digital-basics.png');
    const png = readFileSync(await download.path());
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);

    // A public link, its QR code, LinkedIn and the certificate.
    await item.getByRole('button', { name: 'Luo julkinen linkki merkille Digitaidot alusta' }).click();
    await page.getByRole('status').getByText('Merkillä on nyt julkinen linkki.').waitFor();
    const shared = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Digitaidot alusta' }) });
    const link = await shared.locator('.wallet-badge__link').getAttribute('href');
    assert.match(link, /\/verify\?badge=[a-z0-9]{26}$/);
    const qr = shared.getByRole('img', { name: /QR-koodi/ });
    await qr.waitFor();
    // Drawn as soon as the share is answered; its picture may still be on
    // the way: wait for it to load or fail.
    const loaded = await qr.evaluate((img) => img.complete ? img.naturalWidth > 0 : new Promise((done) => {
      img.addEventListener('load', () => done(img.naturalWidth > 0), { once: true });
      img.addEventListener('error', () => done(false), { once: true });
    }));
    assert.ok(loaded, 'the QR code loads');
    const linkedin = await shared.getByRole('link', { name: 'Lisää LinkedIn-profiiliin' }).getAttribute('href');
    assert.match(linkedin, /^https:\/\/www\.linkedin\.com\/profile\/add\?startTask=CERTIFICATION_NAME&name=Digitaidot\+alusta/);
    assert.ok(linkedin.includes(encodeURIComponent(link)), 'LinkedIn gets the public link');
    await waitForHydration(page);
    await expectNoAxeViolations(page, 'wallet with a shared badge');
    await shared.getByRole('link', { name: 'Tulostettava todistus' }).click();
    await mainHeading(page).filter({ hasText: 'Digitaidot alusta' }).waitFor();
    await page.getByText('Myönnetty: Aino Ansio').waitFor();
    await page.getByRole('img', { name: /QR-koodi/ }).waitFor();
    await waitForHydration(page);
    await expectNoAxeViolations(page, 'certificate');

    // The employer: the dropped picture and the link both say valid.
    let verdict = await dropPicture(employer.page, png);
    await verdict.getByText('Voimassa.', { exact: true }).waitFor();
    await verdict.getByText('Myöntäjä ei ole perunut merkkiä.').waitFor();
    await verdict.getByText(/Myönnetty henkilölle Aino Ansio/).waitFor();
    await employer.page.goto(link);
    await waitForHydration(employer.page);
    verdict = employer.page.getByRole('region', { name: 'Tulos' });
    await verdict.getByText('Voimassa.', { exact: true }).waitFor();
    await expectNoAxeViolations(employer.page, 'verdict for a shared link');

    // Evidence for the badge a coach approves: a bad link is refused and
    // what she wrote stays.
    await page.goto(`${BASE}/courses/digital-basics`);
    await waitForHydration(page);
    const text = 'Kirjoitin hakemuksen Kuopion kirjastoon ja lähetin sen liitteineen.';
    await page.getByLabel('Mitä teit? Kerro omin sanoin.').fill(text);
    await page.getByLabel('Linkki työhön (vapaaehtoinen)').fill('ftp://esimerkki.fi/hakemus');
    await page.getByRole('button', { name: 'Lähetä näyttö merkkiä Työhakemus sähköpostilla varten' }).click();
    await page.getByRole('alert').getByText('Linkin pitää alkaa https:// tai http://.').waitFor();
    assert.equal(await page.getByLabel('Mitä teit? Kerro omin sanoin.').inputValue(), text);
    await page.getByLabel('Linkki työhön (vapaaehtoinen)').fill('https://esimerkki.fi/hakemus');
    await page.getByRole('button', { name: 'Lähetä näyttö merkkiä Työhakemus sähköpostilla varten' }).click();
    await page.getByText(/Näyttösi odottaa valmentajan hyväksyntää/).waitFor();
    await waitForHydration(page);
    await expectNoAxeViolations(page, 'course page with evidence sent');
    await signOut(page);

    // The coach makes a group with her in it, approves the evidence…
    await signIn(page, coach, PASSWORD);
    await page.goto(`${BASE}/coach`);
    await page.getByLabel('Ryhmän nimi').fill(`Merkit ${tag}`);
    await page.getByRole('button', { name: 'Luo ryhmä' }).click();
    await mainHeading(page).filter({ hasText: `Merkit ${tag}` }).waitFor();
    await page.getByLabel('Käyttäjätunnus').fill(learner);
    await page.getByRole('button', { name: 'Kutsu', exact: true }).click();
    await page.getByRole('status').getByText(`${learner} sai kutsun.`, { exact: false }).waitFor();
    // She accepts on her dashboard; only then does the coach see her work.
    await signOut(page);
    await acceptInvitation(page, learner, PASSWORD, `Merkit ${tag}`);
    await signIn(page, coach, PASSWORD);
    // The coach's start page says evidence is waiting in the group.
    await page.goto(`${BASE}/coach`);
    await page.getByRole('listitem').filter({ hasText: `Merkit ${tag}` }).getByText('näyttöjä odottaa: 1').waitFor();
    await page.getByRole('link', { name: `Merkit ${tag}` }).click();
    await mainHeading(page).filter({ hasText: `Merkit ${tag}` }).waitFor();
    const evidence = page.getByRole('list', { name: 'Hyväksyntää odottavat näytöt' }).getByRole('listitem')
      .filter({ hasText: 'Aino Ansio: Työhakemus sähköpostilla' });
    await evidence.getByText(text).waitFor();
    await waitForHydration(page);
    await expectNoAxeViolations(page, 'group page with evidence waiting');
    await evidence.getByRole('button', { name: 'Hyväksy ja myönnä merkki: Aino Ansio' }).click();
    await page.getByRole('status').getByText(/Päätös tallennettu/).waitFor();

    // …and revokes the course badge, with a reason.
    const badges = page.getByRole('list', { name: 'Ryhmän osaamismerkit' });
    const held = badges.getByRole('listitem').filter({ hasText: 'Digitaidot alusta – Aino Ansio' });
    await badges.getByRole('listitem').filter({ hasText: 'Työhakemus sähköpostilla – Aino Ansio' }).waitFor();
    await held.getByLabel(/Perumisen syy/).fill('Tehtävät teki toinen henkilö.');
    await waitForHydration(page);
    await expectNoAxeViolations(page, 'group page with badges');
    await held.getByRole('button', { name: 'Peru merkki Digitaidot alusta (Aino Ansio)' }).click();
    await page.getByRole('status').getByText(/Merkki peruttu/).waitFor();
    await badges.getByRole('listitem').filter({ hasText: 'Digitaidot alusta – Aino Ansio' })
      .getByText('Tehtävät teki toinen henkilö.').waitFor();

    // The revocation sticks until the coach lets her earn it again, with a
    // reason for the audit log.
    const revoked = badges.getByRole('listitem').filter({ hasText: 'Digitaidot alusta – Aino Ansio' });
    await revoked.getByLabel(/Miksi merkin saa ansaita uudelleen/).fill('Teki tehtävät itse uudelleen.');
    await expectNoAxeViolations(page, 'group page with a revoked badge');
    await revoked.getByRole('button', { name: 'Salli oppijan Aino Ansio ansaita merkki Digitaidot alusta uudelleen' }).click();
    await page.getByRole('status').getByText(/Sallittu\. Oppija saa uuden merkin/).waitFor();
    await badges.getByRole('listitem').filter({ hasText: 'Digitaidot alusta – Aino Ansio' })
      .getByText(/Saa ansaita uudelleen/).waitFor();

    // The employer's link and picture now say revoked.
    await employer.page.reload();
    await waitForHydration(employer.page);
    verdict = employer.page.getByRole('region', { name: 'Tulos' });
    await verdict.getByText(/Ei voimassa: myöntäjä on perunut tämän merkin/).waitFor();
    await expectNoAxeViolations(employer.page, 'verdict for a revoked badge');
    verdict = await dropPicture(employer.page, png);
    await verdict.getByText(/Ei voimassa: myöntäjä on perunut tämän merkin/).waitFor();
    // The reason stays between the learner and her coaches.
    assert.ok(!(await employer.page.content()).includes('Tehtävät teki toinen henkilö.'));
    assert.deepEqual(browser.problems, [], 'no script errors or CSP violations');
    assert.deepEqual(employer.problems, [], 'no script errors or CSP violations');
  } finally {
    await browser.close();
    await employer.close();
  }
});
