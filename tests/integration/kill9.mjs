// kill -9 during ingest loses nothing that was acknowledged, and a retry of everything after
// the restart stores each event exactly once.
import { startPond, stopPond, tempDir, basic, getJson, metric, check, finish } from './lib.mjs';

const [pondBin] = process.argv.slice(2);
const data = tempDir();
const EVENTS_PER_BATCH = 100;
const BATCHES = 400;
const KILL_AFTER_ACKS = 150;

function batchBody(b) {
  const batch = [];
  for (let i = 0; i < EVENTS_PER_BATCH; i++) {
    batch.push({ type: 'track', userId: `kill-u${b}`, event: 'message_received',
                 messageId: `kill-${b}-${i}`, properties: { n: i } });
  }
  return JSON.stringify({ batch });
}

let pond = await startPond(pondBin, data);
const { admin, write } = pond.keys;
const acked = new Set();
let next = 0;
let killed = false;

async function sender() {
  while (next < BATCHES) {
    const b = next++;
    try {
      const res = await fetch(`${pond.url}/v1/batch`, {
        method: 'POST', body: batchBody(b),
        headers: { 'content-type': 'application/json', authorization: basic(write) },
      });
      if (res.status === 200) acked.add(b);
      await res.arrayBuffer();
    } catch {
      // connection refused or reset: the server is gone; this batch was not acknowledged
    }
    if (!killed && acked.size >= KILL_AFTER_ACKS) {
      killed = true;
      pond.proc.kill('SIGKILL');  // mid-stream: other senders have requests in flight
    }
  }
}
await Promise.all([sender(), sender(), sender(), sender()]);
await stopPond(pond, 'SIGKILL');
check(killed, `server was killed with SIGKILL after ${acked.size} acknowledged batches`);

pond = await startPond(pondBin, data);
let lost = 0;
for (const b of acked) {
  const r = await getJson(`${pond.url}/v1/customers/kill-u${b}`, admin);
  if (r.status !== 200 || r.body.event_count !== EVENTS_PER_BATCH) lost++;
}
check(lost === 0, `every acknowledged batch is whole after restart (${acked.size} checked, ${lost} lost)`);
const stored = await metric(pond.url, 'pond_events_in_memory');
check(stored >= acked.size * EVENTS_PER_BATCH && stored % EVENTS_PER_BATCH === 0,
      `stored events (${stored}) cover the acknowledged ones and no batch is half-stored`);

// The client retries everything; each event ends up stored exactly once.
for (let b = 0; b < BATCHES; b++) {
  const res = await fetch(`${pond.url}/v1/batch`, {
    method: 'POST', body: batchBody(b),
    headers: { 'content-type': 'application/json', authorization: basic(write) },
  });
  if (res.status !== 200) throw new Error(`retry ${b}: ${res.status}`);
}
check(await metric(pond.url, 'pond_events_in_memory') === BATCHES * EVENTS_PER_BATCH,
      `after retrying all ${BATCHES} batches exactly ${BATCHES * EVENTS_PER_BATCH} events are stored (${await metric(pond.url, "pond_events_in_memory")})`);
await stopPond(pond);
finish(4);
