// The console in a real browser (Debian's Chromium, driven by playwright-core) over a real
// `pond serve` with a demo world: sign in (a wrong password and a wrong token first), the overview's charts with data,
// a customer found and opened, a tag added and removed, a segment built whose count matches the
// API, the reports, a list page, and the language switched and remembered. Screenshots of each
// page go to the output directory. Last, a staff member signs in with her password and sees only
// her own customers.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { check, finish, getJson, startPond, stopPond, tempDir } from '../integration/lib.mjs';

const [pondBin, testsDir, outDir] = process.argv.slice(2);
const webDir = path.join(testsDir, '..', 'web');
const require = createRequire(path.join(webDir, 'package.json'));
const { chromium } = require('playwright-core');
fs.mkdirSync(outDir, { recursive: true });
if (!fs.existsSync(path.join(webDir, 'dist', 'index.html'))) {
  check(false, 'web/dist/index.html exists (scripts/setup.sh builds it)');
  finish(0);
}

const data = tempDir('pond-console-');
const gen = spawnSync(pondBin, ['demo', '--data', data, '--customers', '2000', '--days', '60'], { encoding: 'utf8' });
check(gen.status === 0, `pond demo exits 0${gen.status ? ` (${gen.stderr.slice(-200)})` : ''}`);
// A staff member's account: lily owns some of the demo's customers (stf_lily), amy others.
const STAFF_PASSWORD = 'lily-e2e-password';
const lily = spawnSync(pondBin, ['user', 'add', '--data', data, '--login', 'lily@brand.cn', '--name', 'Lily',
                                 '--role', 'staff', '--staff-id', 'stf_lily', '--password-stdin'],
                       { encoding: 'utf8', input: `${STAFF_PASSWORD}\n` });
check(lily.status === 0, `pond user add makes lily's staff account${lily.status ? ` (${lily.stderr})` : ''}`);
const pond = await startPond(pondBin, data, ['--web', path.join(webDir, 'dist')]);
const admin = pond.keys.admin;
const api = (p) => getJson(`${pond.url}${p}`, admin);

const context = await chromium.launchPersistentContext(tempDir('pond-chromium-'), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1360, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] ?? (await context.newPage());
const consoleErrors = [];
page.on('pageerror', (e) => consoleErrors.push(e.message));
const shot = (name) => page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: true });
const text = (selector) => page.locator(selector).first().innerText();
let n = 0;
async function step(what, fn) {
  try {
    await fn();
  } catch (e) {
    check(false, `${what}: ${e.message.split('\n')[0]}`);
  }
  n++;
}

try {
  await step('sign-in', async () => {
    await page.goto(`${pond.url}/`);
    check((await text('h1')) === '登录 pond', 'the console opens on sign-in, in Chinese by default');
    await page.fill('input[name=login]', 'lily@brand.cn');
    await page.fill('input[name=password]', 'not-her-password');
    await page.click('form.user button[type=submit]');
    await page.waitForSelector('form.user .error');
    check(/错误的登录名或密码|wrong login or password/.test(await text('form.user .error')),
          'a wrong password is refused with the API message');
    await page.click('details summary');
    await page.fill('input[name=token]', 'pond_admin_wrong');
    await page.click('form.token button[type=submit]');
    await page.waitForSelector('form.token .error');
    check(/出错了/.test(await text('form.token .error')), 'a wrong token is refused with the API message');
    await shot('signin');
    await page.fill('input[name=token]', admin);
    await page.click('form.token button[type=submit]');
    await page.waitForSelector('[data-kpi=gmv]');
  });

  await step('overview', async () => {
    await page.waitForSelector('[data-chart=trend][data-rendered] canvas');
    await page.waitForSelector('[data-chart=funnel][data-rendered] canvas');
    const value = (await api('/v1/reports/value')).body;
    const gmv = await text('[data-kpi=gmv] .kpi-value');
    check(value.gmv_fen > 0 && gmv.replace(/[¥,]/g, '') === (value.gmv_fen / 100).toFixed(2),
          `the overview's GMV is the API's (${gmv})`);
    const funnel = (await api('/v1/reports/funnel')).body;
    check(funnel.total.reached[0] > 0, 'the channel funnel it draws has customers');
    const trend = (await api('/v1/reports/trend')).body;
    check(trend.days.some((d) => d.active > 0), 'the trend it draws has active days');
    const active = await text('[data-kpi=active] .kpi-value');
    check(trend.active_customers > 0 && active.replace(/,/g, '') === String(trend.active_customers),
          `active customers in the range are the API's (${active})`);
    // The canvas is painted: some pixel differs from the background.
    const painted = await page.$eval('[data-chart=trend] canvas', (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] && (d[i] < 200 || d[i + 1] < 200)) return true;
      return false;
    });
    check(painted, 'the trend chart is drawn');
    // A narrower range through the date picker.
    const week = trend.days.slice(-14, -7);
    await page.fill('input[type=date] >> nth=0', week[0].day);
    await page.fill('input[type=date] >> nth=1', week[6].day);
    await page.click('form.range button');
    const narrow = (await api(`/v1/reports/trend?from=${week[0].day}&to=${week[6].day}`)).body;
    await page.waitForFunction((want) => document.querySelector('[data-kpi=active] .kpi-value')?.textContent.replace(/,/g, '') === want,
                               String(narrow.active_customers));
    check(narrow.active_customers < trend.active_customers, `the date range picker narrows the figures (${narrow.active_customers})`);
    await shot('overview');
  });

  await step('customers', async () => {
    const first = (await api('/v1/customers?limit=20')).body.data.find((c) => c.order_count > 0) ??
      (await api('/v1/customers?limit=1')).body.data[0];
    const profile = (await api(`/v1/customers/${first.id}?reveal=true`)).body;
    const phone = profile.identities.find((i) => i.kind === 'phone');
    const query = phone ? phone.value : first.id;
    await page.click('nav a[href="/customers"]');
    await page.fill('input[name=query]', query);
    await page.press('input[name=query]', 'Enter');  // the keyboard is enough
    await page.waitForSelector(`a[data-customer="${first.id}"]`);
    check(true, `searching ${phone ? 'a phone number' : 'an id'} finds the customer`);
    await shot('customers');
    await page.click(`a[data-customer="${first.id}"]`);
    await page.waitForSelector(`h1[data-profile="${first.id}"]`);
    const body = await page.locator('main').innerText();
    if (phone) {
      check(!body.includes(phone.value) && body.includes(`${phone.value.slice(0, 3)}****`), 'the phone number is masked');
      await page.click('[data-action=show-phone]');
      // The full number comes from a second request (?reveal=true): wait for it, not a fixed time.
      const shown = await page.waitForFunction((want) => document.querySelector('main')?.innerText.includes(want),
                                               phone.value, { timeout: 5000 }).then(() => true, () => false);
      check(shown, 'and shown in full when asked');
    }
    const stage = page.locator('[data-stage]');
    check((await stage.getAttribute('data-stage')) === profile.stage && /[\u4e00-\u9fff]/.test(await stage.innerText()),
          `the profile shows the stage in Chinese (${profile.stage}: ${await stage.innerText()})`);
    check(Array.isArray(profile.journeys) && Array.isArray(profile.groups), 'the profile API names journeys and groups');
    for (const g of profile.groups) check(body.includes(g.name), `the profile shows group ${g.name}`);
    await page.fill('input[name=tag]', 'e2e:checked');
    await page.click('form.inline button[type=submit]');
    await page.waitForSelector('[data-tag="e2e:checked"]');
    check((await api(`/v1/customers/${first.id}/tags`)).body.data.includes('e2e:checked'), 'a tag added in the profile is on the customer');
    await shot('profile');
    await page.click('[data-tag="e2e:checked"] button');
    await page.waitForSelector('[data-tag="e2e:checked"]', { state: 'detached' });
    check(!(await api(`/v1/customers/${first.id}/tags`)).body.data.includes('e2e:checked'), 'and removed again');
  });

  await step('hostile data', async () => {
    // A customer whose traits are markup: shown as text, never run. The name is personal data,
    // which the API masks ("<***"); the city is not, and reaches the page as sent.
    const name = '<img src=x onerror="window.__pwned=1">小美';
    const city = '<img src=y onerror="window.__pwned=2">杭州';
    const res = await fetch(`${pond.url}/v1/identify`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${pond.keys.write}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'e2e-hostile', traits: { name, city, phone: '13912345678' } }),
    });
    check(res.status === 200, 'the hostile customer is stored');
    await page.click('nav a[href="/customers"]');
    await page.fill('input[name=query]', '13912345678');
    await page.press('input[name=query]', 'Enter');
    await page.waitForSelector('a[data-customer]');
    check((await text('a[data-customer]')) === '<***', `the name is masked in the list (${await text('a[data-customer]')})`);
    await page.click('a[data-customer]');
    await page.waitForSelector('h1[data-profile]');
    const shown = await page.locator('main').innerText();
    check(shown.includes(city) && !shown.includes('13912345678') &&
          (await page.evaluate(() => window.__pwned)) === undefined,
          'markup in a trait is shown as text, not run; the phone stays masked');
  });

  await step('segments', async () => {
    await page.click('nav a[href="/segments"]');
    await page.waitForSelector('.count[data-count]');
    const condition = page.locator('.condition').first();
    await condition.locator('select').first().selectOption('orders');
    await condition.locator('input').last().fill('2');
    await page.waitForFunction(() => document.querySelector('textarea[name=rule]').value.includes('count(order_paid) >= 2'));
    await page.waitForSelector('.count[data-count]');
    const rule = await page.inputValue('textarea[name=rule]');
    const shown = Number(await page.getAttribute('.count', 'data-count'));
    const res = await fetch(`${pond.url}/v1/segments/preview`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rule, limit: 0 }) });
    const want = (await res.json()).count;
    check(shown === want && want > 0, `the builder's live count matches the API (${shown} = ${want}, ${rule})`);
    await page.click('.group-head [data-action=add-condition]');
    await page.waitForFunction(() => document.querySelector('textarea[name=rule]').value.includes(' and '));
    check(true, 'a second condition joins with and');
    await page.locator('.condition').nth(1).locator('button').click();
    await page.fill('input[name=name]', 'e2e 复购客户');
    await page.click('form.inline button[type=submit]');
    await page.waitForSelector('text=e2e 复购客户');
    const saved = (await api('/v1/segments')).body.data.find((s) => s.name === 'e2e 复购客户');
    check(saved && saved.customers === want, 'the saved segment has the previewed count');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`tr:has-text("e2e 复购客户") button`),
    ]);
    const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
    check(csv[0] === 'id,name,spent_fen' && csv.length - 1 === want,
          `the CSV export has a line per member (${csv.length - 1})`);
    await shot('segments');
  });

  await step('reports', async () => {
    await page.click('nav a[href="/reports"]');
    await page.waitForSelector('[data-chart=cohorts][data-rendered] canvas');
    await page.waitForSelector('table[data-report=grid]');
    check((await page.locator('table[data-report=grid] tbody tr').count()) === 8, 'the touchpoint grid has its eight rows');
    await page.waitForSelector('[data-chart=ltv][data-rendered]');
    await shot('reports');
  });

  await step('content', async () => {
    await page.click('nav a[href="/content"]');
    await page.waitForSelector('table[data-calendar] .post');
    const posts = await page.locator('table[data-calendar] tbody tr').first().locator('.post').count();
    check(posts >= 3, `the Moments calendar plans each staff account's day (${posts} posts on day one)`);
    await shot('content');
  });

  await step('lists', async () => {
    await page.click('nav a[href="/journeys"]');
    await page.waitForSelector('main table tbody tr');
    check(true, 'the journeys page lists the demo SOP journeys');
    await page.click('button[data-action="action.pause"][data-row="welcome"]');
    await page.waitForSelector('button[data-action="action.activate"][data-row="welcome"]');
    const paused = (await api('/v1/journeys/welcome')).body.status;
    check(paused === 'paused', `pausing a journey in the console pauses it (${paused})`);
    await shot('journeys');
    await page.click('button[data-action="action.activate"][data-row="welcome"]');
    await page.waitForSelector('button[data-action="action.pause"][data-row="welcome"]');
    check((await api('/v1/journeys/welcome')).body.status === 'active', 'and activating it again');
    const growth = (await api('/v1/reports/growth')).body;
    await page.click('nav a[href="/fission"]');
    await page.waitForSelector('[data-chart=k-factor][data-rendered] canvas');
    const first = growth.fission.campaigns[0];
    check((await text(`[data-k="${first.campaign}"]`)) === first.k_factor.toFixed(2),
          `the fission board's K-factor is the API's (${first.name}: ${first.k_factor.toFixed(2)})`);
    await shot('fission');
    await page.click('nav a[href="/distribution"]');
    await page.waitForSelector('[data-ratio]');
    check(Number(await page.getAttribute('[data-ratio]', 'data-ratio')) === growth.distribution.commission_cost_bp,
          'the distribution totals show the commission cost ratio');
    await page.waitForSelector('button[data-action="action.freeze"]');
    const target = await page.getAttribute('button[data-action="action.freeze"]', 'data-row');
    page.once('dialog', (d) => d.accept('e2e: suspicious orders'));
    await page.click(`button[data-action="action.freeze"][data-row="${target}"]`);
    await page.waitForSelector(`button[data-action="action.unfreeze"][data-row="${target}"]`);
    check((await api(`/v1/distributors/${target}`)).body.state === 'frozen', 'freezing a distributor, with the reason asked');
    await page.click(`button[data-action="action.unfreeze"][data-row="${target}"]`);
    await page.waitForSelector(`button[data-action="action.freeze"][data-row="${target}"]`);
    await shot('distribution');
    await page.click('nav a[href="/groups"]');
    await page.waitForSelector('main table tbody tr, main .empty');
    await shot('groups');
  });

  await step('language', async () => {
    await page.click('[data-action=language]');
    await page.waitForSelector('nav a[href="/customers"]:text("Customers")');
    check(true, 'English after the switch');
    await page.reload();
    await page.waitForSelector('nav a[href="/customers"]');
    check((await text('nav a[href="/customers"]')) === 'Customers', 'the language is remembered');
    await page.click('nav a[href="/overview"]');
    await page.waitForSelector('[data-chart=trend][data-rendered]');
    await shot('overview-en');
    await page.click('[data-action=language]');
    await page.waitForSelector('nav a[href="/customers"]');
    check((await text('nav a[href="/customers"]')) === '客户' && (await text('h1')) === '总览', 'Chinese labels after switching back');
    await page.click('nav a[href="/settings"]');
    await page.waitForSelector('main [data-zone]');
    check((await page.getAttribute('main [data-zone]', 'data-zone')) === (await api('/v1/workspace')).body.utc_offset,
          'settings show the workspace time zone');
    await page.fill('input[name=quiet_start]', '21:30');
    await page.fill('input[name=cap_per_week]', '2');
    await page.click('form.settings button[type=submit]');
    await page.waitForSelector('form.settings :text("已保存")');
    const saved = (await api('/v1/settings/messaging')).body;
    check(saved.quiet_hours.start === '21:30' && saved.caps.default.per_week === 2,
          'quiet hours and caps saved from the settings page');
    await shot('settings');
  });

  await step('refused token', async () => {
    await page.evaluate(() => localStorage.setItem('pond.token', 'pond_admin_revoked'));
    await page.goto(`${pond.url}/customers`);
    await page.waitForSelector('input[name=login]');
    check(true, 'a token the API refuses sends the operator back to sign in');
  });

  await step('a staff member', async () => {
    // Signed in with her login and password, lily sees her own customers and nothing else.
    await page.goto(`${pond.url}/`);
    await page.waitForSelector('input[name=login]');
    await page.fill('input[name=login]', 'lily@brand.cn');
    await page.fill('input[name=password]', STAFF_PASSWORD);
    await page.click('form.user button[type=submit]');
    await page.waitForSelector('h1:text("我的客户")');
    await page.waitForSelector('a[data-customer]');
    check((await page.locator('nav a').count()) === 2 && (await page.locator('nav a[href="/users"]').count()) === 0,
          'her navigation holds her customers and tasks only');
    const shown = await page.locator('a[data-customer]').evaluateAll((as) => as.map((a) => a.getAttribute('data-customer')));
    const owners = await Promise.all(shown.map(async (id) => (await api(`/v1/customers/${id}`)).body.owner));
    check(shown.length > 0 && owners.every((o) => o === 'stf_lily'),
          `every customer on her page is hers (${shown.length} shown, owners ${[...new Set(owners)].join(', ')})`);
    const all = (await api('/v1/customers?limit=1000')).body.data;
    const other = all.find((c) => c.owner && c.owner !== 'stf_lily');
    check(other && !shown.includes(other.id), `a customer of ${other?.owner} is not on her page`);
    await page.goto(`${pond.url}/customers/${other.id}`);
    await page.waitForSelector('main .error');
    check(/not found|没有|找不到/.test(await text('main .error')), "another staff member's customer is not found for her");
    const cookies = await context.cookies();
    const sessionCookie = cookies.find((c) => c.name === 'pond_session');
    check(sessionCookie && sessionCookie.httpOnly && sessionCookie.secure && sessionCookie.sameSite === 'Strict' &&
          !(await page.evaluate(() => document.cookie)).includes('pond_session'),
          'her session is an HttpOnly, Secure, SameSite=Strict cookie that scripts cannot read');
    await page.goto(`${pond.url}/customers`);
    await page.waitForSelector('a[data-customer]');
    await shot('staff-customers');
    await page.click('[data-action=signout]');
    await page.waitForSelector('input[name=login]');
    check((await page.evaluate(async () => (await fetch('/v1/me')).status)) === 401,
          'signing out ends the session: /v1/me is a 401 for this browser');
  });

  check(consoleErrors.length === 0, `no script errors in the page ${consoleErrors.slice(0, 3).join('; ')}`);
} finally {
  await context.close();
  await stopPond(pond);
}
check(fs.readdirSync(outDir).filter((f) => f.endsWith('.png')).length >= 9, `screenshots in ${outDir}`);
finish(n);
