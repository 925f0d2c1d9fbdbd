// What `make run` does on a fresh data dir: generate the demo world, then serve it. The token
// printed at first start authenticates, and the world is there to read.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, startPond, stopPond, getJson, check, finish } from './lib.mjs';

const [pondBin] = process.argv.slice(2);
const data = tempDir('pond-demo-');

const gen = spawnSync(pondBin, ['demo', '--data', data, '--customers', '3000', '--days', '40'],
                      { encoding: 'utf8' });
check(gen.status === 0, `pond demo exits 0 (${gen.stderr.slice(-200)})`);
check(/customers [\d,]+ \(after [\d,]+ merges\), events [\d,]+, orders [\d,]+/.test(gen.stdout),
      'pond demo reports customers, merges, events and orders');
check(/SOP journeys: 7 active on the outbox/.test(gen.stdout), 'pond demo turns the SOP library on');

check(/communities: [\d,]+ routed by the club code \(\d groups\), [\d,]+ refused by its threshold.*content: [\d,]+ Moments planned, 0 rule broken/.test(gen.stdout),
      'pond demo routes by the club code and plans Moments that keep every rule');
const scripts = spawnSync(pondBin, ['scripts', 'search', '防晒', '--data', data, '--json'],
                          { encoding: 'utf8' });
check(scripts.status === 0 && JSON.parse(scripts.stdout).data[0].id === 'scr_spf',
      'pond scripts search finds a script by a two-character Chinese word');
const plan = spawnSync(pondBin, ['plan', 'moments', '--data', data, '--staff', 'stf_lily,stf_amy',
                                 '--persona', 'expert', '--from', '2026-12-01', '--days', '14',
                                 '--json'], { encoding: 'utf8' });
const checked = spawnSync(pondBin, ['plan', 'moments', '--data', data, '--persona', 'expert',
                                    '--check', '-', '--from', '2026-12-01', '--days', '14'],
                          { encoding: 'utf8', input: plan.stdout });
check(plan.status === 0 && checked.status === 0 && /posts keep every rule/.test(checked.stdout),
      'pond plan moments | pond plan moments --check - finds no broken rule');

const groups = spawnSync(pondBin, ['groups', 'list', '--data', data, '--json'], { encoding: 'utf8' });
const club = groups.status === 0 ? JSON.parse(groups.stdout).data : [];
check(club.length > 1 && club.every((g) => g.members + g.held <= g.capacity),
      'pond groups list: the club code opened groups, none over its capacity');
const refused = spawnSync(pondBin, ['groups', 'route', 'gcd_club', 'nobody-at-all', '--data', data],
                          { encoding: 'utf8' });
check(refused.status !== 0 && /not found/.test(refused.stderr), 'routing an unknown customer is refused');

// Issue 26: the demo's customers' phones (1390000xxxx) are in pond, readable through it, and in
// no file of the data dir in plain text: not the store, its WAL, nor the snapshot.
const first = spawnSync(pondBin, ['customers', 'show', 'cus_00000001', '--data', data, '--json'],
                        { encoding: 'utf8' });
const phone = first.status === 0
  ? (JSON.parse(first.stdout).identities.find((i) => i.kind === 'phone')?.value ?? '') : '';
check(/^1390000\d{4}$/.test(phone), `the demo's first customer has a demo phone (${phone})`);
const shown = spawnSync(pondBin, ['customers', 'list', '--data', data, '--query', phone, '--json'],
                        { encoding: 'utf8' });
check(shown.status === 0 && JSON.parse(shown.stdout).total === 1,
      'that customer is found by that phone (the lookup works on sealed data)');
const files = readdirSync(data).filter((f) => statSync(join(data, f)).isFile());
check(files.includes('pond.db') && files.includes('snapshot.bin'),
      `the demo leaves a store and a snapshot (${files.join(', ')})`);
const leaks = files.filter((f) => /1390000\d{4}/.test(readFileSync(join(data, f), 'latin1')));
check(leaks.length === 0, `no demo phone in plain text in any data file (found in: ${leaks.join(', ')})`);

const again = spawnSync(pondBin, ['demo', '--data', data, '--customers', '10', '--days', '1'],
                        { encoding: 'utf8' });
check(again.status !== 0 && /already holds/.test(again.stderr),
      'a second demo into the same data dir is refused');

// The fission CLI reads the same data dir: the phone farms come first, and a farm's friend's
// line goes up to its inviter.
const fraud = spawnSync(pondBin, ['fission', 'fraud', 'cmp_mask_task', '--data', data, '--json'],
                        { encoding: 'utf8' });
const farms = fraud.status === 0 ? JSON.parse(fraud.stdout).data : [];
check(farms.length > 0 && farms[0].score >= 50 && /share device/.test(farms[0].invitees[0].why),
      'pond fission fraud lists the phone farms first, with the reasons');
const friend = farms[0]?.invitees[0]?.id ?? 'none';
const tree = spawnSync(pondBin, ['fission', 'tree', friend, '--data', data, '--json'],
                       { encoding: 'utf8' });
const nodes = tree.status === 0 ? JSON.parse(tree.stdout).nodes : [];
check(nodes.some((n) => n.level === -1 && n.customer === farms[0].id) &&
      nodes.some((n) => n.level === 0 && n.campaign === 'cmp_mask_task'),
      'pond fission tree shows who invited a friend, in which campaign');
const deep = spawnSync(pondBin, ['fission', 'tree', friend, '--data', data, '--depth', '11'],
                       { encoding: 'utf8' });
check(deep.status !== 0 && /--depth/.test(deep.stderr), 'a depth out of range is refused');

// Reports on the demo world from the CLI: the same JSON as the API, CSV, and a named error.
const funnel = spawnSync(pondBin, ['report', 'funnel', '--data', data, '--json'], { encoding: 'utf8' });
const f = JSON.parse(funnel.stdout || '{}');
check(funnel.status === 0 && f.stages?.[1] === 'friend' && f.total.reached[0] > 0 &&
      f.total.reached[1] > 0 && f.total.reached.every((n, k) => k === 0 || n <= f.total.reached[k - 1]),
      'pond report funnel: the channel funnel narrows from scanned to friend and on');
const steps = spawnSync(pondBin, ['report', 'funnel', 'friend_added', 'order_paid', '--window', '30d',
                                  '--by', 'channel', '--data', data, '--csv'], { encoding: 'utf8' });
check(steps.status === 0 && steps.stdout.startsWith('channel,step,customers,') &&
      /\n\*,order_paid,[1-9]/.test(steps.stdout), 'pond report funnel STEPS --csv: friends who then bought');
const cohorts = spawnSync(pondBin, ['report', 'cohorts', '--data', data], { encoding: 'utf8' });
check(cohorts.status === 0 && /cohort\s+customers\s+offset\s+active\s+buyers/.test(cohorts.stdout),
      'pond report cohorts prints an aligned table');
const ltv = spawnSync(pondBin, ['report', 'ltv', '--data', data, '--json'], { encoding: 'utf8' });
const l = JSON.parse(ltv.stdout || '{}');
check(ltv.status === 0 && l.buyers > 0 && l.channels.length > 0 &&
      (l.predicted ? l.purchases_model.converged : typeof l.why === 'string'),
      `pond report ltv fits or says why (${l.predicted ? 'fitted' : l.why})`);
const roi = spawnSync(pondBin, ['report', 'channels', '--gross-margin', '60', '--data', data, '--json'],
                      { encoding: 'utf8' });
const r = JSON.parse(roi.stdout || '{}');
check(roi.status === 0 && r.gross_margin_pct === 60 && r.channels.length === 9 &&
      r.channels.some((c) => c.customers > 0 && c.spend_fen > 0 && c.cac_fen > 0),
      'pond report channels: the nine demo channels with spend, customers and CAC');
const diag = spawnSync(pondBin, ['diagnose', '--category', 'beauty', '--gross-margin', '65', '--data', data,
                                 '--json'], { encoding: 'utf8' });
const dg = JSON.parse(diag.stdout || '{}');
check(diag.status === 0 && dg.store?.used && dg.inputs.repurchase_bp.source === 'store' &&
      dg.inputs.gross_margin_bp.source === 'given' && dg.verdict_text.zh.length > 0,
      `pond diagnose reads the demo store's own orders (${dg.verdict})`);
const bad = spawnSync(pondBin, ['report', 'funnel', 'order_paid', '--data', data], { encoding: 'utf8' });
check(bad.status === 1 && /steps: 2 to 10/.test(bad.stderr), 'a one-step funnel is refused by name');

const pond = await startPond(pondBin, data);
try {
  check(typeof pond.keys.admin === 'string', 'first start prints an admin token');
  check(pond.output().includes(`Bearer ${pond.keys.admin}`), 'the "try" line carries the token');
  const customers = await getJson(`${pond.url}/v1/customers?limit=5`, pond.keys.admin);
  check(customers.status === 200 && customers.body.data.length === 5,
        'the printed token reads the demo customers');
  const channels = await getJson(`${pond.url}/v1/channels`, pond.keys.admin);
  check(channels.status === 200 && channels.body.total === 9, 'the nine demo channels are registered');
  const stages = await getJson(`${pond.url}/v1/stages`, pond.keys.admin);
  const count = (name) => stages.body.data.find((s) => s.stage === name)?.customers ?? 0;
  check(count('customer') + count('repeat') > 0 && count('lead') > 0,
        'the funnel has leads and buyers');
  const journeys = await getJson(`${pond.url}/v1/journeys`, pond.keys.admin);
  check(journeys.status === 200 && journeys.body.total === 7 &&
        journeys.body.data.every((j) => j.status === 'active'),
        'the seven SOP journeys are active');
  const welcome = await getJson(`${pond.url}/v1/journeys/welcome`, pond.keys.admin);
  check(welcome.body.definition.steps.filter((s) => s.send).every((s) => s.send.channel === 'outbox'),
        'on the outbox: the demo sends nothing real');
  const growth = await getJson(`${pond.url}/v1/reports/growth`, pond.keys.admin);
  const task = growth.body.fission?.campaigns?.find((c) => c.campaign === 'cmp_mask_task');
  check(growth.status === 200 && growth.body.fission.k_factor > 0 && task?.invites > 0 &&
        task.invites_per_participant > 0 && growth.body.distribution.commission_cost_bp > 0,
        `the growth report: K ${growth.body.fission?.k_factor?.toFixed(2)}, commission ${growth.body.distribution?.commission_cost_bp} bp of GMV`);
  const wrong = await getJson(`${pond.url}/v1/customers`, 'pond_admin_wrong');
  check(wrong.status === 401, 'a wrong token is refused');

  // The team (issue 26): the first start's owner signs in; a user added with the CLI beside the
  // running server signs in too, and is signed out within 5 s of `pond user disable`.
  const signIn = async (login, password) => {
    const res = await fetch(`${pond.url}/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, password }),
    });
    return { status: res.status, cookie: res.headers.get('set-cookie'), body: await res.json() };
  };
  const owner = pond.keys.owner;
  const asOwner = owner ? await signIn(owner.login, owner.password) : { status: 0, body: {} };
  check(asOwner.status === 200 && asOwner.body.user.role === 'owner' &&
        /HttpOnly/.test(asOwner.cookie) && /SameSite=Strict/.test(asOwner.cookie),
        'first start prints an owner login that signs in (HttpOnly, SameSite=Strict cookie)');
  const added = spawnSync(pondBin, ['user', 'add', '--login', 'Analyst@Brand.cn', '--role', 'analyst',
                                    '--password-stdin', '--data', data],
                          { input: 'an-analyst-password\n', encoding: 'utf8' });
  const asAnalyst = await signIn('analyst@brand.cn', 'an-analyst-password');
  check(added.status === 0 && asAnalyst.status === 200 && asAnalyst.body.user.role === 'analyst',
        'pond user add beside the running server: the user signs in at once');
  const readAsAnalyst = await getJson(`${pond.url}/v1/reports/value`, asAnalyst.body.token);
  const writeAsAnalyst = await fetch(`${pond.url}/v1/segments`, {
    method: 'POST', body: '{"name":"x","rule":"count(order_paid, 30d) >= 1"}',
    headers: { authorization: `Bearer ${asAnalyst.body.token}`, 'content-type': 'application/json' },
  });
  check(readAsAnalyst.status === 200 && writeAsAnalyst.status === 403,
        'an analyst reads reports and may not save a segment (403)');
  const listed = spawnSync(pondBin, ['user', 'list', '--json', '--data', data], { encoding: 'utf8' });
  check(listed.status === 0 && JSON.parse(listed.stdout).data.length === 2 && !/argon2/.test(listed.stdout),
        'pond user list shows both users and no password hash');
  spawnSync(pondBin, ['user', 'disable', 'analyst@brand.cn', '--data', data], { encoding: 'utf8' });
  let after = 200;
  for (let i = 0; i < 40 && after === 200; i++) {
    await new Promise((r) => setTimeout(r, 250));
    after = (await getJson(`${pond.url}/v1/me`, asAnalyst.body.token)).status;
  }
  check(after === 401, 'pond user disable beside the running server ends the session within 10 s');
} finally {
  await stopPond(pond);
}
finish(33);
