// Python exercises in the browser: the code editor, and the "Run" button,
// which runs the learner's program in her browser against the exercise's
// tests (MicroPython in a Web Worker, loaded only when she presses it) and
// says in plain words what happened. A trial run: "Check the program"
// sends it to the server, whose verdict counts. Every text comes from the
// page, rendered in the learner's language.
const TIME_LIMIT_MS = 5000;
const workerUrl = new URL('python-worker.js', import.meta.url);
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');

/** Runs `code` with `input` in a fresh worker, stopped after the time limit. */
function runOnce(code, input) {
  return new Promise((resolve) => {
    const worker = new Worker(workerUrl, { type: 'module' });
    const done = (result) => { clearTimeout(timer); worker.terminate(); resolve(result); };
    const timer = setTimeout(() => done({ ok: false, timedOut: true, output: '' }), TIME_LIMIT_MS);
    worker.onmessage = ({ data }) => done(data);
    worker.onerror = (event) => { event.preventDefault(); done({ ok: false, output: '', error: event.message }); };
    worker.postMessage({ code, input });
  });
}

/** Whether `printed` is `expected` line by line (as the server compares). */
function sameOutput(printed, expected) {
  const lines = (text) => {
    const all = text.split('\n').map((line) => line.trimEnd());
    while (all.length && all[all.length - 1] === '') all.pop();
    return all.join('\n');
  };
  return lines(printed) === lines(expected);
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The exercise's tests, as the page lists them. */
function testsOf(section) {
  const part = (item, name) => item.querySelector(`.code-test-${name} code`)?.textContent ?? null;
  return [...section.querySelectorAll('.code-tests > ol > li')].map((item) => ({
    input: part(item, 'input'), output: part(item, 'output'), code: part(item, 'code'),
  }));
}

async function run(section, button) {
  const text = section.dataset;
  const tests = testsOf(section);
  const code = section.querySelector('textarea').value;
  const region = section.querySelector('.code-run');
  region.hidden = false;
  region.replaceChildren(element('p', '', text.textRunning));
  button.disabled = true;
  const results = element('ol', 'code-results');
  let passed = 0;
  for (const test of tests) {
    const program = test.code ? `${code}\n\n${test.code}\n` : code;
    const result = await runOnce(program, test.input ? `${test.input}` : '');
    const ok = result.ok && (test.output == null || sameOutput(result.output, test.output));
    if (ok) passed += 1;
    const item = element('li');
    item.append(element('strong', '', fill(text.textTest, { n: results.children.length + 1 })), `: ${ok ? text.textPassed : text.textFailed}`);
    if (result.timedOut) item.append(element('p', '', text.textTimeout));
    if (result.error) {
      const error = element('p', '', `${text.textError} `);
      error.append(element('code', '', result.error));
      item.append(error);
    }
    if (!ok) {
      if (result.output) {
        item.append(element('p', '', text.textPrinted));
        const pre = element('pre');
        pre.append(element('code', '', result.output));
        item.append(pre);
      } else if (!result.timedOut) {
        item.append(element('p', '', text.textNothing));
      }
    }
    results.append(item);
  }
  region.replaceChildren(
    element('p', 'verdict-title', fill(text.textSummary, { passed, total: tests.length })),
    results,
    element('p', 'code-run-note', text.textNote),
  );
  button.disabled = false;
}

document.addEventListener('click', (event) => {
  const button = event.target.closest?.('[data-python-run]');
  if (!button) return;
  event.preventDefault();
  run(button.closest('.quiz--python'), button);
});

// The button shows only where this script runs (Web Workers and
// WebAssembly are there); pages the app draws later get it too.
function reveal() {
  for (const button of document.querySelectorAll('[data-python-run][hidden]')) button.hidden = false;
}
const canRun = typeof Worker === 'function' && typeof WebAssembly === 'object';

// The code editor (code-editor.js, about 105 KB) takes each text area's
// place once the page is hydrated: before that, the app's hydration
// expects the page as the server sent it. Where the browser asks to save
// data, the plain text area stays (it works the same, without colours,
// line numbers or automatic indentation), as it does in the lesson
// editor's preview, where it is disabled.
const saveData = navigator.connection?.saveData === true;
const hydrated = () => document.documentElement.dataset.hydrated === 'true';
let editor = null;
async function enhance() {
  const areas = [...document.querySelectorAll('textarea.code-input:not([hidden]):not(:disabled)')];
  if (!areas.length || !hydrated()) return;
  editor ??= import('./code-editor.js');
  let module;
  try { module = await editor; } catch { return; }
  for (const area of areas) {
    if (area.hidden || !area.isConnected) continue;
    module.attach(area, document.getElementById(`${area.id}-hint`));
  }
}

// One watch for both: pages drawn later, and the page becoming hydrated.
function update() {
  if (canRun) reveal();
  if (!saveData) enhance();
}
new MutationObserver(update).observe(document.documentElement, {
  attributes: true, attributeFilter: ['data-hydrated'], childList: true, subtree: true,
});
update();
