// Polku's service worker: courses a learner saved on her device work with
// no connection. Served at /sw.js (scope: the whole site).
//
// * Pages: from the network; with no connection, from the saved courses,
//   else the offline page (in the learner's language, kept at install).
// * The site's files (/pkg/<version>/…, never changing under one name):
//   from the saved copies first.
// * Media and audio of a saved course: from the device (byte ranges too,
//   as players ask), so a saved course costs no data to read again.
// * Saved courses are the caches named polku-course-<slug> (offline.js
//   fills and removes them).
// * Nothing is sent from here: answers and "done" marks made offline are
//   queued by offline.js in the page and sent when the connection returns.
const SHELL = 'polku-shell';

self.addEventListener('install', (event) => {
  event.waitUntil(keepOfflinePage().catch(() => {}).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  if (event.data === 'keep-offline-page') event.waitUntil(keepOfflinePage().catch(() => {}));
});

/** Keeps the offline page (as the server renders it for this learner) and its style sheet. */
async function keepOfflinePage() {
  const cache = await caches.open(SHELL);
  const response = await fetch('/offline', { credentials: 'same-origin' });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put('/offline', response);
  const sheet = /href="(\/pkg\/[^"]+\.css)"/.exec(html);
  if (sheet) await cache.add(sheet[1]);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith('/pkg/')) {
    event.respondWith(keptFirst(request));
  } else if (url.pathname.startsWith('/media/') || /^\/courses\/[^/]+\/[^/]+\/audio\//.test(url.pathname)) {
    event.respondWith(saved(request));
  }
});

async function page(request) {
  try {
    return await fetch(request);
  } catch (offline) {
    const kept = await caches.match(request, { ignoreSearch: true, ignoreVary: true });
    if (kept) return kept;
    // The offline page at its own address (the page's script expects the
    // page its address names).
    const url = new URL(request.url);
    const notice = await caches.match('/offline');
    if (notice && url.pathname === '/offline') return notice;
    if (notice) return Response.redirect('/offline', 302);
    throw offline;
  }
}

async function keptFirst(request) {
  const kept = await caches.match(request, { ignoreVary: true });
  return kept ?? fetch(request);
}

/** A saved file, or the part of it a player asks for (Range: bytes=a-b). */
async function saved(request) {
  const kept = await caches.match(request.url, { ignoreVary: true });
  if (!kept) return fetch(request);
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get('range') ?? '');
  if (!range) return kept;
  const body = await kept.arrayBuffer();
  const size = body.byteLength;
  let start = range[1] === '' ? size - Number(range[2]) : Number(range[1]);
  let end = range[1] !== '' && range[2] !== '' ? Number(range[2]) : size - 1;
  start = Math.max(0, start);
  end = Math.min(end, size - 1);
  if (start > end) {
    return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${size}` } });
  }
  return new Response(body.slice(start, end + 1), {
    status: 206,
    headers: {
      'Content-Type': kept.headers.get('Content-Type') ?? 'application/octet-stream',
      'Content-Range': `bytes ${start}-${end}/${size}`,
      'Content-Length': String(end - start + 1),
      'Accept-Ranges': 'bytes',
    },
  });
}
