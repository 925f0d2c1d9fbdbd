// A crash loop under load: pond serve is killed with SIGKILL mid-stream, CYCLES times, while four
// clients send batches and record which were acknowledged. Afterwards:
//  - every acknowledged batch is stored whole, and no batch is half-stored;
//  - a retry of everything stores each event exactly once;
//  - restarts stay bounded: the events replayed at each start (after the snapshot) never grow
//    with the log, because a start that replays more than --snapshot-every writes a snapshot at
//    once instead of waiting for its first interval, which a short-lived run never reaches.
// Figures (restart times, replayed events) are printed.
import { startPond, stopPond, tempDir, basic, getJson, metric, check, finish } from './lib.mjs';

const [pondBin] = process.argv.slice(2);
const CYCLES = Number(process.env.POND_KILL9_CYCLES || 100);
const EVENTS_PER_BATCH = 50;
const ACKS_PER_CYCLE = 16;  // kill once this many batches were acknowledged in the cycle
const SENDERS = 4;
const SNAPSHOT_EVERY = 2000;
const data = tempDir();
const serveArgs = ['--snapshot-every', String(SNAPSHOT_EVERY)];

function batchBody(b) {
  const batch = [];
  for (let i = 0; i < EVENTS_PER_BATCH; i++) {
    batch.push({ type: 'track', userId: `kill-u${b}`, event: 'message_received',
                 messageId: `kill-${b}-${i}`, properties: { n: i } });
  }
  return JSON.stringify({ batch });
}

async function post(url, write, b) {
  const res = await fetch(`${url}/v1/batch`, {
    method: 'POST', body: batchBody(b),
    headers: { 'content-type': 'application/json', authorization: basic(write) },
  });
  await res.arrayBuffer();
  return res.status;
}

const acked = new Set();
let nextBatch = 0;
let keys = null;
const restarts = [];   // { millis, replayed, sentBefore }
let sentInPrevious = 0;

for (let cycle = 0; cycle < CYCLES; cycle++) {
  const t0 = performance.now();
  const pond = await startPond(pondBin, data, serveArgs);
  const millis = performance.now() - t0;
  keys ??= pond.keys;
  const replayed = await metric(pond.url, 'pond_events_replayed_at_open');
  restarts.push({ millis, replayed, sentBefore: sentInPrevious });

  let ackedHere = 0;
  let sent = 0;
  let killed = false;
  async function sender() {
    while (!killed) {
      const b = nextBatch++;
      sent += EVENTS_PER_BATCH;
      try {
        if (await post(pond.url, keys.write, b) === 200) {
          acked.add(b);
          ackedHere++;
        }
      } catch {
        // refused or reset: the server is gone, this batch was not acknowledged
      }
      if (!killed && ackedHere >= ACKS_PER_CYCLE) {
        killed = true;
        pond.proc.kill('SIGKILL');  // the other senders have requests in flight
      }
    }
  }
  await Promise.all(Array.from({ length: SENDERS }, sender));
  await stopPond(pond, 'SIGKILL');
  sentInPrevious = sent;
}

const pond = await startPond(pondBin, data, serveArgs);
const { admin, write } = keys;
let lost = 0;
for (const b of acked) {
  const r = await getJson(`${pond.url}/v1/customers/kill-u${b}`, admin);
  if (r.status !== 200 || r.body.event_count !== EVENTS_PER_BATCH) lost++;
}
check(lost === 0, `${CYCLES} kill -9 cycles: every acknowledged batch is whole ` +
      `(${acked.size} batches, ${acked.size * EVENTS_PER_BATCH} events checked, ${lost} lost)`);
const stored = await metric(pond.url, 'pond_events_in_memory');
check(stored >= acked.size * EVENTS_PER_BATCH && stored % EVENTS_PER_BATCH === 0,
      `stored events (${stored}) cover the acknowledged ones and no batch is half-stored`);

// Bounded restarts: a start replays at most the snapshot threshold plus what the runs since the
// last snapshot sent. Allow three runs' worth (a kill may land before a snapshot finishes);
// without the snapshot at start, the replay grows with every cycle to the whole log.
const maxSent = Math.max(...restarts.map((r) => r.sentBefore));
const maxReplayed = Math.max(...restarts.map((r) => r.replayed));
check(maxReplayed <= SNAPSHOT_EVERY + 3 * maxSent,
      `restarts replay at most ${maxReplayed} events (threshold ${SNAPSHOT_EVERY}, at most ` +
      `${maxSent} sent per run, ${stored} in the log)`);
const ms = (rs) => rs.map((r) => r.millis).sort((a, b) => a - b);
const median = (xs) => xs[Math.floor(xs.length / 2)];
const first = ms(restarts.slice(1, 11));
const last = ms(restarts.slice(-10));
console.log(`# restart to listening: first ten cycles median ${median(first).toFixed(0)} ms, ` +
            `last ten median ${median(last).toFixed(0)} ms (max ${last.at(-1).toFixed(0)} ms)`);
console.log(`# replayed at start: last ten ${restarts.slice(-10).map((r) => r.replayed).join(' ')}`);

// The client retries everything; each event ends up stored exactly once.
for (let b = 0; b < nextBatch; b++) {
  const status = await post(pond.url, write, b);
  if (status !== 200) throw new Error(`retry ${b}: ${status}`);
}
const after = await metric(pond.url, 'pond_events_in_memory');
check(after === nextBatch * EVENTS_PER_BATCH,
      `after retrying all ${nextBatch} batches exactly ${nextBatch * EVENTS_PER_BATCH} events are stored (${after})`);
await stopPond(pond);
finish(4);
