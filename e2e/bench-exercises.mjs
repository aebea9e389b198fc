// What a learner's phone fetches and waits for on a lesson with a Python
// exercise, and on one without (run by scripts/bench-exercises.sh against
// a running server, POLKU_BASE_URL). A fresh browser profile per page, so
// nothing is cached: bytes as sent (brotli), counted from the browser's own
// record of each response. Prints figures; asserts nothing.
import { BASE, openBrowser, waitForHydration } from './support.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const PYTHON = '/courses/first-steps-in-programming/first-program';
const PLAIN = '/courses/digital-basics/browser';

/** Loads `path` in a fresh profile; the bytes of every response by file. */
async function load(path, { editor = false } = {}) {
  const browser = await openBrowser();
  const { page } = browser;
  const sizes = new Map();
  browser.context.on('requestfinished', async (request) => {
    const { responseBodySize, responseHeadersSize } = await request.sizes();
    const name = new URL(request.url()).pathname.split('/').pop() || '(page)';
    sizes.set(name, (sizes.get(name) ?? 0) + responseBodySize + responseHeadersSize);
  });
  const start = Date.now();
  await page.goto(`${BASE}${path}`);
  await waitForHydration(page);
  const hydrated = Date.now() - start;
  let editorAt = null;
  if (editor) {
    await page.locator('.code-editor').first().waitFor();
    editorAt = Date.now() - start;
  }
  await page.waitForLoadState('networkidle');
  return { browser, page, sizes, hydrated, editorAt };
}

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
const total = (sizes) => [...sizes.values()].reduce((a, b) => a + b, 0);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const plain = await load(PLAIN);
console.log(`lesson without a Python exercise (${PLAIN}): ${kb(total(plain.sizes))} in ${plain.sizes.size} files`);
await plain.browser.close();

const python = await load(PYTHON, { editor: true });
const extra = ['python-run.js', 'code-editor.js'].map((f) => `${f} ${kb(python.sizes.get(f) ?? 0)}`).join(', ');
console.log(`lesson with a Python exercise (${PYTHON}): ${kb(total(python.sizes))} in ${python.sizes.size} files (${extra})`);
console.log(`  hydrated after ${python.hydrated} ms, the code editor in place after ${python.editorAt} ms`);
await python.browser.close();

// Trial runs: the first in a fresh profile (MicroPython fetched and
// compiled), then again in the same page.
const cold = [];
const warm = [];
let fetched = 0;
for (let i = 0; i < RUNS; i++) {
  const run = await load(PYTHON, { editor: true });
  const before = total(run.sizes);
  const section = run.page.locator('.quiz--python').first();
  for (const times of [cold, warm]) {
    await run.page.evaluate(() => { for (const r of document.querySelectorAll('.code-run')) r.replaceChildren(); });
    const start = Date.now();
    await section.getByRole('button', { name: 'Kokeile ohjelmaa' }).click();
    await section.locator('.code-run .verdict-title').waitFor();
    times.push(Date.now() - start);
  }
  await run.page.waitForLoadState('networkidle');
  fetched = total(run.sizes) - before;
  await run.browser.close();
}
console.log(`the first trial run: ${kb(fetched)} fetched once; from the click to the result of both tests: median ${median(cold)} ms cold, ${median(warm)} ms warm (${RUNS} runs each: cold ${cold.join(', ')}; warm ${warm.join(', ')})`);
