// The server's limits against hostile connections (issue 25): a connection cap answered 503 while
// /healthz keeps answering once connections close, a slow client cut off, a keep-alive
// connection that cannot live forever, and RFC 9112's framing rules. Figures are printed.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startPond, stopPond, tempDir, basic, metric, check, finish } from './lib.mjs';

const [pondBin] = process.argv.slice(2);
const CAP = 20;
const AGE_S = 3;
const pond = await startPond(pondBin, tempDir(),
                             ['--max-connections', String(CAP), '--max-connection-age', String(AGE_S)]);
const { port } = new URL(pond.url);
let passed = 0;
const ok = (cond, what) => { check(cond, what); if (cond) passed++; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A raw connection that collects what the server sends and when it closes.
function open() {
  return new Promise((resolve) => {
    const c = { data: '', closed: false, closedAt: 0, socket: net.connect(Number(port), '127.0.0.1') };
    c.socket.on('data', (d) => { c.data += d; });
    c.socket.on('close', () => { c.closed = true; c.closedAt = Date.now(); });
    c.socket.on('error', () => {});
    c.socket.on('connect', () => resolve(c));
  });
}

// 1. The cap: twice as many idle connections as allowed; the ones over the cap get a 503 at once.
const idle = [];
for (let i = 0; i < CAP * 2; i++) idle.push(await open());
await sleep(500);
const refused = idle.filter((c) => c.data.startsWith('HTTP/1.1 503')).length;
console.log(`# ${CAP * 2} idle connections against a cap of ${CAP}: ${refused} answered 503`);
ok(refused >= CAP - 2 && refused <= CAP + 2, 'connections over the cap are answered 503');
ok(idle.some((c) => /retry-after: 1/i.test(c.data)), 'the 503 says when to retry');
for (const c of idle) c.socket.destroy();
await sleep(300);
const health = await fetch(`${pond.url}/healthz`);
ok(health.status === 200, '/healthz answers again once the connections closed');
ok(await metric(pond.url, 'pond_http_connections_refused_total') >= refused,
   'refusals are counted in /metrics');

// 2. A slow client sending its headers one byte at a time is cut off at the connection's age.
const slow = await open();
const started = Date.now();
const request = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: ' + 'a'.repeat(200);
for (let i = 0; i < request.length && !slow.closed; i++) {
  slow.socket.write(request[i]);
  await sleep(100);
}
const slowFor = ((slow.closedAt || Date.now()) - started) / 1000;
console.log(`# a client sending one byte per 100 ms was cut off after ${slowFor.toFixed(1)} s`);
ok(slow.closed && slowFor < AGE_S + 2, 'a slow client is cut off at the connection age');

// 3. Keep-alive renews nothing past the connection's age: a busy connection is told to close.
const busy = await open();
const busyStart = Date.now();
let answers = 0;
while (!busy.closed && Date.now() - busyStart < (AGE_S + 3) * 1000) {
  busy.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  await sleep(250);
  answers = (busy.data.match(/HTTP\/1\.1 200/g) || []).length;
}
const busyFor = ((busy.closedAt || Date.now()) - busyStart) / 1000;
console.log(`# a busy keep-alive connection: ${answers} answers, closed after ${busyFor.toFixed(1)} s`);
ok(busy.closed && /connection: close/i.test(busy.data), 'a busy connection is closed at its age');
ok(answers > 5, 'and served until then');

// 4. Framing (RFC 9112 §6.1): a transfer coding other than chunked, or one beside Content-Length.
async function raw(text) {
  const c = await open();
  c.socket.write(text);
  for (let i = 0; i < 40 && !c.data.includes('\r\n\r\n'); i++) await sleep(50);
  c.socket.destroy();
  return c.data.split('\r\n')[0];
}
const body = '{"userId":"u","event":"e"}';
const auth = basic(pond.keys.write);
const xchunked = await raw(`POST /v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\n` +
                           `Transfer-Encoding: xchunked\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
ok(xchunked.startsWith('HTTP/1.1 400'), `Transfer-Encoding: xchunked with Content-Length: ${xchunked}`);
const both = await raw(`POST /v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\n` +
                       `Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n` +
                       `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
ok(both.startsWith('HTTP/1.1 400'), `chunked beside Content-Length: ${both}`);
const chunked = await raw(`POST /v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\n` +
                          `Transfer-Encoding: Chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
ok(chunked.startsWith('HTTP/1.1 200'), `a chunked body alone is fine: ${chunked}`);

await stopPond(pond);

// 5. Out of file descriptors: a server with a 64-descriptor limit and no connection cap to
// protect it. Accept fails with EMFILE; the loop must wait and retry, not spin a core, and
// /healthz must answer again once the connections close.
const wrapDir = tempDir();
const wrapper = path.join(wrapDir, 'pond-fd64');
fs.writeFileSync(wrapper, `#!/bin/sh\nulimit -n 64\nexec '${pondBin}' "$@"\n`, { mode: 0o755 });
const starved = await startPond(wrapper, tempDir(), ['--max-connections', '10000']);
const starvedPort = Number(new URL(starved.url).port);
const hogs = [];
for (let i = 0; i < 120; i++) {
  const c = { socket: net.connect(starvedPort, '127.0.0.1') };
  c.socket.on('error', () => {});
  hogs.push(c);
}
await sleep(500);
function cpuTicks(pid) {  // user + system time of the process, in clock ticks
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
const ticks0 = cpuTicks(starved.proc.pid);
const cpuStart = Date.now();
await sleep(2000);
const cpuShare = (cpuTicks(starved.proc.pid) - ticks0) / 100 / ((Date.now() - cpuStart) / 1000);
ok(cpuShare < 0.5, 'a server out of descriptors does not spin (it waits between accepts)');
// (No request while starved: it would wait in the backlog until a descriptor is free.)
for (const c of hogs) c.socket.destroy();
await sleep(1500);
const recovered = await fetch(`${starved.url}/healthz`).then((r) => r.status).catch(() => 0);
ok(recovered === 200, '/healthz answers once the descriptors are free again');
const backoffs = await metric(starved.url, 'pond_http_accept_backoffs_total');
console.log(`# 120 connections against 64 descriptors: ${backoffs} accept back-offs, ` +
            `the server used ${(cpuShare * 100).toFixed(0)}% of a core while starved`);
ok(backoffs >= 1, 'the back-offs are counted in /metrics');
await stopPond(starved);
finish(passed);
