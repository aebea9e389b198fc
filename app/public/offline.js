// Polku offline: registers the service worker (sw.js), saves and removes
// courses on the device ("Save on this device" on a course page), and
// keeps answers and "done" marks made with no connection, sending them
// once the connection returns (each with a key, so the server records it
// once however often it arrives). Every text comes from the page, which
// the server rendered in the learner's language.
const QUEUE = 'polku-offline-queue';
const lang = document.documentElement.lang || 'fi';

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').then(() => {
    // The offline page in the learner's language, kept again when it changes.
    if (localStorage.getItem('polku-offline-lang') !== lang && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage('keep-offline-page');
      localStorage.setItem('polku-offline-lang', lang);
    }
  }).catch(() => {});
}

const megabytes = (bytes) => new Intl.NumberFormat(lang, {
  style: 'unit', unit: 'megabyte', maximumFractionDigits: 1,
}).format(Math.max(bytes, 100_000) / 1_000_000);
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');

/** The site's own files this page loaded (style sheet, scripts, wasm, fonts). */
function siteFiles() {
  const files = performance.getEntriesByType('resource')
    .map((entry) => new URL(entry.name))
    .filter((url) => url.origin === location.origin && url.pathname.startsWith('/pkg/'))
    .map((url) => url.pathname);
  for (const link of document.querySelectorAll('link[rel="stylesheet"], link[rel="icon"]')) {
    files.push(new URL(link.href).pathname);
  }
  return [...new Set(files)];
}

/** What the site's own files take on the device (as kept: uncompressed). */
function siteBytes() {
  return performance.getEntriesByType('resource')
    .filter((entry) => new URL(entry.name).pathname.startsWith('/pkg/'))
    .reduce((sum, entry) => sum + (entry.decodedBodySize || 0), 0);
}

async function setUpSaving(box) {
  if (!('caches' in window) || !('serviceWorker' in navigator)) return;
  const slug = box.dataset.offlineCourse;
  const name = `polku-course-${slug}`;
  const status = box.querySelector('[data-status]');
  const save = box.querySelector('[data-save]');
  const remove = box.querySelector('[data-remove]');
  const listUrl = `/courses/${slug}/offline.json`;
  const show = (saved, text) => {
    save.hidden = saved;
    remove.hidden = !saved;
    status.textContent = text;
  };
  box.hidden = false;
  const kept = await caches.open(name).then((cache) => cache.match(listUrl));
  if (kept) {
    const list = await kept.json();
    show(true, fill(box.dataset.textSaved, { size: megabytes(list.bytes) }));
  } else {
    try {
      const list = await (await fetch(listUrl)).json();
      show(false, fill(box.dataset.textSize, { size: megabytes(list.bytes + siteBytes()) }));
    } catch {
      show(false, '');
    }
  }
  save.addEventListener('click', async () => {
    save.disabled = true;
    status.textContent = box.dataset.textSaving;
    try {
      await navigator.serviceWorker.ready;
      const response = await fetch(listUrl);
      const list = await response.json();
      list.bytes += siteBytes();
      const cache = await caches.open(name);
      await cache.addAll([...list.urls, ...siteFiles()]);
      await cache.put(listUrl, new Response(JSON.stringify(list), {
        headers: { 'Content-Type': 'application/json' },
      }));
      show(true, fill(box.dataset.textSaved, { size: megabytes(list.bytes) }));
      remove.focus();
    } catch {
      await caches.delete(name);
      status.textContent = box.dataset.textFailed;
    } finally {
      save.disabled = false;
    }
  });
  remove.addEventListener('click', async () => {
    await caches.delete(name);
    show(false, box.dataset.textRemoved);
    save.focus();
  });
}

for (const box of document.querySelectorAll('[data-offline-course]')) setUpSaving(box);

// Answers and marks made offline.
const queued = () => JSON.parse(localStorage.getItem(QUEUE) ?? '[]');
const keep = (items) => localStorage.setItem(QUEUE, JSON.stringify(items));
const notice = () => document.getElementById('offline-sync');

function announce(text) {
  const box = notice();
  if (!box || !text) return;
  box.textContent = text;
  box.hidden = false;
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (navigator.onLine || !(form instanceof HTMLFormElement) || !form.hasAttribute('data-offline-queue')) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  const body = new URLSearchParams(new FormData(form, event.submitter ?? undefined));
  body.set('key', newKey());
  keep([...queued(), { action: form.getAttribute('action'), body: body.toString() }]);
  const box = notice();
  announce(box?.dataset.textQueued);
}, true);

let sending = false;
async function send() {
  if (sending || !navigator.onLine) return;
  sending = true;
  let sent = 0;
  try {
    for (const item of queued()) {
      let response;
      try {
        response = await fetch(item.action, {
          method: 'POST',
          body: item.body,
          // JSON asked for: a refusal comes as its status, not as a
          // redirect back to the form.
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          credentials: 'same-origin',
        });
      } catch {
        break;
      }
      // A server error, or not the learner who made it signed in now
      // (signed out, or another on a shared device): kept for later.
      if (response.status >= 500) break;
      if (response.status === 401 || response.status === 403) continue;
      // Sent (or refused for good: the lesson is gone): off the queue.
      keep(queued().filter((other) => other.body !== item.body));
      if (response.ok) sent += 1;
    }
  } finally {
    sending = false;
  }
  if (sent > 0) announce(fill(notice()?.dataset.textSent ?? '', { count: String(sent) }));
}

addEventListener('online', send);
send();

// Python exercises: the "Run" button's script, fetched only where a page
// has such an exercise (now, or after the app draws one).
const pythonHere = () => document.querySelector('.quiz--python');
const loadPython = () => import('./python-run.js').catch(() => {});
if (pythonHere()) {
  loadPython();
} else {
  const watch = new MutationObserver(() => {
    if (pythonHere()) { watch.disconnect(); loadPython(); }
  });
  watch.observe(document.documentElement, { childList: true, subtree: true });
}
