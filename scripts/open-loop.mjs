// Open-loop load on loopback: each learner (one session token per line of
// TOKENS) sends one request a second, at a fixed rate whatever the server's
// answers take (a closed loop would slow down with the server and hide its
// queueing). Two in three requests read a lesson, one in three marks a
// lesson done or not done, as in bench-load.sh. Latency is measured from
// when each request was due, so a server that falls behind shows it.
//   node scripts/open-loop.mjs BASE TOKENS SECONDS
import http from 'node:http';
import { readFileSync } from 'node:fs';

const [base, tokensFile, secondsArg] = process.argv.slice(2);
const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);
const seconds = Number(secondsArg || 30);
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: tokens.length });
const lessons = ['devices', 'browser', 'email', 'passwords-and-phishing'];
const latencies = [];
let errors = 0;
let sent = 0;

function request(token, n, due) {
  const lesson = lessons[n % lessons.length];
  const write = n % 3 === 0;
  const body = write ? `course=digital-basics&lesson=${lesson}&done=${n % 2 === 0}` : null;
  const options = {
    host: url.hostname,
    port: url.port,
    agent,
    method: write ? 'POST' : 'GET',
    path: write ? '/api/mark_done' : `/courses/digital-basics/${lesson}`,
    headers: {
      Cookie: `polku_session=${token}`,
      'Sec-Fetch-Site': 'same-origin',
      ...(write ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
    },
  };
  sent += 1;
  const req = http.request(options, (res) => {
    res.resume();
    res.on('end', () => {
      latencies.push(performance.now() - due);
      // A form post answers with a redirect (303) back to the page.
      if (res.statusCode >= 400) errors += 1;
    });
  });
  req.on('error', () => {
    errors += 1;
  });
  req.setTimeout(10_000, () => req.destroy());
  if (body) req.end(body);
  else req.end();
}

const start = performance.now();
const end = start + seconds * 1000;
tokens.forEach((token, i) => {
  // Spread the learners over the second.
  let due = start + (i * 1000) / tokens.length;
  let n = i;
  const tick = () => {
    if (due >= end) return;
    request(token, n, due);
    n += 1;
    due += 1000;
    setTimeout(tick, Math.max(0, due - performance.now()));
  };
  setTimeout(tick, Math.max(0, due - performance.now()));
});

setTimeout(() => {
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const ms = (v) => `${v.toFixed(1)}ms`;
  console.log(
    `open loop: ${tokens.length} learners x 1 request/s for ${seconds} s: ${sent} sent, ${latencies.length} answered, ` +
      `${errors} errors; p50 ${ms(at(0.5))} p99 ${ms(at(0.99))} max ${ms(at(1))}`,
  );
  agent.destroy();
  process.exit(errors === 0 && latencies.length === sent ? 0 : 1);
}, seconds * 1000 + 11_000);
