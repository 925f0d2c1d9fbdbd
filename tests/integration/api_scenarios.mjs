// Runs the HTTP scenario files in tests/api/*.scenario against a real `pond serve`.
//
// A file is a list of cases, each starting with "=== name":
//   === missing userId is a 400 naming the field
//   POST /v1/track                  method and path (query string allowed)
//   auth: write                     write | admin | none | bad   (write = Basic, admin = Bearer)
//   header: Content-Encoding: gzip  extra headers (optional, repeatable)
//   gzip: true                      gzip the body before sending (optional)
//   body:                           the body follows, up to the first "expect" line
//   {"event": "e"}
//   expect: 400                     the status
//   expect-json: error.field = "userId"     a JSON path and the JSON value it must equal
//   expect-json: total >= 1                 (=, >=, contains for strings)
//   eventually: 10                  repeat the request (every 100 ms, up to 10 s) until the
//                                   expectations hold: for work pond does in the background
//   save: portal = token            keep a JSON value of the answer; later cases write
//                                   {{portal}} in their path, headers or body
// Cases run in file order and share one server, so later cases see what earlier ones stored.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startPond, stopPond, tempDir, basic, check, finish } from './lib.mjs';

const [pondBin, testsDir] = process.argv.slice(2);

function parse(text, file) {
  const cases = [];
  let cur = null;
  let inBody = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('=== ')) {
      cur = { name: `${path.basename(file)}: ${line.slice(4)}`, headers: {}, body: '', expects: [], auth: 'none' };
      cases.push(cur);
      inBody = false;
      continue;
    }
    if (!cur || (line.startsWith('#') && !inBody)) continue;
    if (line.startsWith('expect')) inBody = false;
    if (inBody) { cur.body += (cur.body ? '\n' : '') + line; continue; }
    const m = line.match(/^(GET|POST|PUT|DELETE|PATCH) (\S+)$/);
    if (m) { cur.method = m[1]; cur.path = m[2]; continue; }
    if (line.startsWith('auth: ')) cur.auth = line.slice(6).trim();
    else if (line.startsWith('header: ')) {
      const [k, ...v] = line.slice(8).split(':');
      cur.headers[k.trim().toLowerCase()] = v.join(':').trim();
    } else if (line.startsWith('gzip: ')) cur.gzip = line.slice(6).trim() === 'true';
    else if (line.startsWith('body:')) inBody = true;
    else if (line.startsWith('expect: ')) cur.status = Number(line.slice(8));
    else if (line.startsWith('expect-json: ')) cur.expects.push(line.slice(13));
    else if (line.startsWith('eventually: ')) cur.eventually = Number(line.slice(12));
    else if (line.startsWith('save: ')) cur.saves = [...(cur.saves ?? []), line.slice(6).split(' = ')];
  }
  return cases;
}

function lookup(obj, p) {
  return p.split('.').reduce((o, k) => {
    if (o === undefined || o === null) return undefined;
    const idx = k.match(/^(\w+)\[(\d+)\]$/);
    return idx ? (o[idx[1]] ?? [])[Number(idx[2])] : o[k];
  }, obj);
}

function holds(json, expectation) {
  const m = expectation.match(/^(\S+) (=|>=|contains) (.+)$/);
  if (!m) return false;
  const actual = lookup(json, m[1]);
  const want = JSON.parse(m[3]);
  if (m[2] === '=') return JSON.stringify(actual) === JSON.stringify(want);
  if (m[2] === '>=') return actual >= want;
  return typeof actual === 'string' && actual.includes(want);
}

const pond = await startPond(pondBin, tempDir());
const files = fs.readdirSync(path.join(testsDir, 'api')).filter((f) => f.endsWith('.scenario')).sort();
let count = 0;
const saved = { write_key: pond.keys.write };
const fill = (text) => text.replace(/\{\{(\w+)\}\}/g, (all, name) => saved[name] ?? all);
for (const file of files) {
  const text = fs.readFileSync(path.join(testsDir, 'api', file), 'utf8');
  for (const c of parse(text, file)) {
    const headers = Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, fill(v)]));
    if (c.auth === 'write') headers.authorization = basic(pond.keys.write);
    if (c.auth === 'admin') headers.authorization = `Bearer ${pond.keys.admin}`;
    if (c.auth === 'bad') headers.authorization = basic('pond_write_0000');
    let body = fill(c.body);
    if (c.gzip) body = zlib.gzipSync(body);
    const deadline = Date.now() + (c.eventually ?? 0) * 1000;
    let text;
    let failed;
    for (;;) {
      const res = await fetch(pond.url + fill(c.path), {
        method: c.method, headers, body: c.method === 'GET' ? undefined : body,
      });
      text = await res.text();
      let json = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      failed = [];
      if (res.status !== c.status) failed.push(`status ${res.status}, want ${c.status}`);
      for (const e of c.expects.map(fill)) if (!json || !holds(json, e)) failed.push(`not: ${e}`);
      if (failed.length === 0) for (const [name, at] of c.saves ?? []) saved[name] = lookup(json, at);
      if (failed.length === 0 || Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    check(failed.length === 0, `${c.name}${failed.length ? ` (${failed.join('; ')}) body: ${text.slice(0, 300)}` : ''}`);
    count++;
  }
}
await stopPond(pond);
finish(count);
