// Exactly-once timers across process restarts: every `pond journey run --at T` is a new
// process that rebuilds the instances from the log, fires what is due at T and exits. The
// journey greets, waits a day, sends again, waits two days, sends a third time and leaves; the
// runs go back and forth over the due times and must send each message once, and none twice.
// Events imported while no runtime runs are caught up by the next start.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { tempDir, check, finish } from './lib.mjs';

const [pondBin] = process.argv.slice(2);
const dir = tempDir('pond-journey-');
const data = path.join(dir, 'data');
let passed = 0;

function pond(...args) {
  const r = spawnSync(pondBin, [...args, '--data', data], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pond ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
function run(at) {
  return JSON.parse(pond('journey', 'run', '--at', at, '--json')).steps;
}
function stats() {
  return JSON.parse(pond('journey', 'stats', 'club', '--json'));
}
function expect(cond, what) {
  check(cond, what);
  passed++;
}

const journey = path.join(dir, 'club.json');
fs.writeFileSync(journey, JSON.stringify({
  id: 'club', name: '入会关怀', trigger: { event: 'joined_club' },
  steps: [
    { id: 'hello', send: { channel: 'outbox', template: 'club_hello' } },
    { id: 'w1', wait: '1d' },
    { id: 'day1', send: { channel: 'outbox', template: 'club_day1' } },
    { id: 'w2', wait: '2d' },
    { id: 'day3', send: { channel: 'outbox', template: 'club_day3' } },
    { id: 'bye', exit: true },
  ],
}));
const events = path.join(dir, 'joined.csv');
fs.writeFileSync(events, 'user_id,event,timestamp\n' +
  ['u1', 'u2', 'u3'].map((u, i) => `${u},joined_club,2026-11-23T10:0${i}:00+08:00`).join('\n') + '\n');

pond('journey', 'save', journey);
pond('journey', 'activate', 'club');
expect(run('2026-11-23T09:00:00+08:00') === 0, 'before any event nothing is due');
pond('import', 'events', events);
expect(run('2026-11-23T10:30:00+08:00') > 0, 'the next start catches up the imported events');
let s = stats();
expect(s.entered === 3 && s.messages_sent === 3 && s.at_step.w1 === 3,
       `three entered and greeted, waiting a day (${JSON.stringify(s)})`);
expect(run('2026-11-23T10:30:00+08:00') === 0, 'a restart at the same time sends nothing again');
expect(run('2026-11-24T09:59:00+08:00') === 0, 'a minute before the first wait ends: nothing');
expect(run('2026-11-24T10:30:00+08:00') > 0, 'after the wait, a new process fires the timers');
expect(run('2026-11-24T10:31:00+08:00') === 0, 'and the next one finds nothing left');
s = stats();
expect(s.messages_sent === 6 && s.at_step.w2 === 3, `day-1 message sent once each (${s.messages_sent})`);
pond('import', 'events', events);  // the same rows again: stored nothing, starts nothing
expect(run('2026-11-27T10:30:00+08:00') > 0, 'day 3 fires');
expect(run('2026-11-27T10:30:00+08:00') === 0, 'once');
s = stats();
expect(s.entered === 3 && s.messages_sent === 9 && s.exited === 3 && s.live === 0,
       `each customer got each message exactly once and left (${JSON.stringify(s)})`);

fs.rmSync(dir, { recursive: true, force: true });
finish(passed);
