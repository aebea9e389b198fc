// A learner gives her e-mail address and confirms it by the link the site
// sends (read from the test SMTP server's Maildir). The link opens a page
// whose button confirms, signed out too; her account page then says the
// address is confirmed. JavaScript on and off; axe where it runs.
import assert from 'node:assert/strict';
import { test, BASE, openBrowser, waitForHydration, expectNoAxeViolations, signUp, waitForMail } from './support.mjs';

const MAILDIR = process.env.POLKU_E2E_MAILDIR;

for (const javaScriptEnabled of [true, false]) {
  test(`a learner confirms her e-mail address by the link sent to it (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, { skip: !MAILDIR && 'run through scripts/test.sh (POLKU_E2E_MAILDIR)' }, async () => {
    const browser = await openBrowser({ javaScriptEnabled });
    const other = await openBrowser({ javaScriptEnabled });
    const { page } = browser;
    const check = async (p, what) => {
      if (javaScriptEnabled) {
        await waitForHydration(p);
        await expectNoAxeViolations(p, what);
      }
    };
    const user = `vahvistaja-${javaScriptEnabled ? 'js' : 'nojs'}-${Date.now() % 1000000}`;
    const address = `${user}@example.fi`;
    try {
      await signUp(page, user, 'Veera Vahvistaja', 'vahvistajan-salasana');
      await page.goto(`${BASE}/account`);
      await page.getByLabel('Sähköposti (vapaaehtoinen)').fill(address);
      await page.getByRole('button', { name: 'Tallenna sähköpostiasetukset' }).click();
      await page.getByRole('status').getByText('Sähköpostiasetukset tallennettu.').waitFor();
      await page.getByText('Osoitetta ei ole vielä vahvistettu.', { exact: false }).waitFor();
      await check(page, 'account page with an unconfirmed address');
      await page.getByRole('button', { name: `Lähetä vahvistuslinkki osoitteeseen ${address}` }).click();
      await page.getByRole('status').getByText('Vahvistuslinkki on lähetetty.', { exact: false }).waitFor();

      const mail = await waitForMail(address);
      const link = mail.match(/https?:\/\/[^\s]+\/account\/confirm-email\?code=([a-z0-9]+)/);
      assert.ok(link, mail);
      // Opened signed out (another browser): the button confirms.
      await other.page.goto(`${BASE}/account/confirm-email?code=${link[1]}`);
      await check(other.page, 'confirmation page');
      await other.page.getByRole('button', { name: 'Vahvista' }).click();
      await other.page.getByRole('status').getByText('Sähköpostiosoitteesi on vahvistettu.').waitFor();
      await check(other.page, 'confirmation page, confirmed');
      // A second press: the link works once.
      await other.page.goto(`${BASE}/account/confirm-email?code=${link[1]}`);
      await other.page.getByRole('button', { name: 'Vahvista' }).click();
      await other.page.getByRole('alert').getByText('Linkki ei enää toimi', { exact: false }).waitFor();

      await page.goto(`${BASE}/account`);
      await page.getByText('Osoite on vahvistettu.').waitFor();
      await check(page, 'account page with a confirmed address');
      if (javaScriptEnabled) assert.deepEqual(browser.problems, [], 'no script errors or CSP violations');
    } finally {
      await browser.close();
      await other.close();
    }
  });
}
