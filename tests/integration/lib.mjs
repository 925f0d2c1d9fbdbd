// Helpers for tests that drive a real `pond serve` on loopback.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(prefix = 'pond-it-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Starts `pond serve` on a free port; resolves once it prints where it listens. On a fresh
// data dir the first-start keys are captured too.
export function startPond(pondBin, dataDir, extraArgs = []) {
  return new Promise((resolve, reject) => {
    const proc = spawn(pondBin, ['serve', '--data', dataDir, '--listen', '127.0.0.1:0', ...extraArgs],
                       { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const keys = {};
    const timer = setTimeout(() => reject(new Error(`pond did not start: ${out}${err}`)), 60000);
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const admin = out.match(/admin token: (\S+)/);
      const write = out.match(/write key:\s+(\S+)/);
      const owner = out.match(/owner login: (\S+)\s+password: (\S+)/);
      if (admin) keys.admin = admin[1];
      if (write) keys.write = write[1];
      if (owner) keys.owner = { login: owner[1], password: owner[2] };
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1], keys, output: () => out + err });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pond exited with ${code}: ${out}${err}`));
    });
  });
}

export function stopPond(pond, signal = 'SIGTERM') {
  return new Promise((resolve) => {
    if (pond.proc.exitCode !== null || pond.proc.signalCode !== null) return resolve();
    pond.proc.removeAllListeners('exit');
    pond.proc.on('exit', () => resolve());
    pond.proc.kill(signal);
  });
}

export function basic(key) {
  return 'Basic ' + Buffer.from(`${key}:`).toString('base64');
}

export async function getJson(url, token) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

export async function metric(url, name) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = text.match(new RegExp(`^${name} (\\d+)`, 'm'));
  if (!m) throw new Error(`metric ${name} missing`);
  return Number(m[1]);
}

let failures = 0;
export function check(cond, what) {
  if (cond) {
    console.log(`ok - ${what}`);
  } else {
    failures++;
    console.log(`not ok - ${what}`);
  }
}

// Prints the plain closing line and exits non-zero on any failure.
export function finish(passed) {
  console.log(`${passed - failures} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}
