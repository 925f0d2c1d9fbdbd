// WeCom's callback protocol against `pond serve`, with messages made by @wecom/crypto (WeCom's
// own npm library): URL verification; every mapped event kind landing as its documented pond
// event with the live code's channel; WeCom's retry stored once; forged, misdirected, truncated,
// badly padded and malformed callbacks refused with a logged reason and nothing stored; a
// channel created with its live code at a local server that checks WeCom's documented request
// shapes; the new friend's welcome message and profile; and `pond wecom replay`.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { tempDir, startPond, stopPond, getJson, metric, check, finish } from './lib.mjs';

// pond's group id for a WeCom chat (docs/wecom.md): "grp_wx_" and the chat id's 64-bit FNV-1a
// in hex, as src/pond/base/hash.h computes it (its offset basis is 1469598103934665603).
function groupIdForChat(chatId) {
  let h = 1469598103934665603n;
  for (const b of Buffer.from(chatId, 'utf8')) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return 'grp_wx_' + h.toString(16).padStart(16, '0');
}

const [pondBin, testsDir] = process.argv.slice(2);
const require = createRequire(path.join(testsDir, 'sdk', 'package.json'));
const wecom = require('@wecom/crypto');

const TOKEN = 'QDG6eK';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP = 'ww1436e0e65a779aee';
let checks = 0;
const ok = (cond, what) => { checks++; check(cond, what); };

// A local stand-in for qyapi.weixin.qq.com that checks each request against WeCom's documented
// shapes and answers as WeCom documents.
const calls = [];
const fake = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    calls.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), body });
    const answer = (o) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(o)); };
    if (url.pathname === '/cgi-bin/gettoken') {
      const good = url.searchParams.get('corpid') === CORP && url.searchParams.get('corpsecret') === 'S3CRET';
      return answer(good ? { errcode: 0, errmsg: 'ok', access_token: 'TOKEN1', expires_in: 7200 }
                         : { errcode: 40001, errmsg: 'invalid credential' });
    }
    if (url.searchParams.get('access_token') !== 'TOKEN1') return answer({ errcode: 40014, errmsg: 'invalid access_token' });
    if (url.pathname === '/cgi-bin/externalcontact/add_contact_way' && req.method === 'POST') {
      const b = JSON.parse(body);
      const shaped = [1, 2].includes(b.type) && b.scene === 2 && typeof b.state === 'string' &&
        b.state.length <= 30 && Array.isArray(b.user) && typeof b.skip_verify === 'boolean';
      return answer(shaped ? { errcode: 0, errmsg: 'ok', config_id: 'cfg-' + b.state, qr_code: `https://wework.qpic.cn/${b.state}/0` }
                           : { errcode: 40058, errmsg: 'invalid parameter' });
    }
    if (url.pathname === '/cgi-bin/externalcontact/get' && req.method === 'GET') {
      const id = url.searchParams.get('external_userid');
      return answer({ errcode: 0, errmsg: 'ok',
        external_contact: { external_userid: id, name: '小鹿', type: 1, gender: 2, unionid: 'oUNION' + id },
        follow_user: [{ userid: 'lily', state: 'xhs_note' }] });
    }
    if (url.pathname === '/cgi-bin/externalcontact/send_welcome_msg' && req.method === 'POST') {
      const b = JSON.parse(body);
      return answer(b.welcome_code && b.text?.content ? { errcode: 0, errmsg: 'ok' } : { errcode: 41051, errmsg: 'welcome code invalid' });
    }
    answer({ errcode: 404, errmsg: 'unknown path ' + url.pathname });
  });
});
await new Promise((r) => fake.listen(0, '127.0.0.1', r));
const fakeUrl = `http://127.0.0.1:${fake.address().port}`;

const data = tempDir('pond-wecom-');
const conf = spawnSync(pondBin, ['wecom', 'configure', '--data', data, '--token', TOKEN,
                                 '--aes-key', AES_KEY, '--corp-id', CORP], { encoding: 'utf8' });
ok(conf.status === 0 && /\/wecom\/callback\/default/.test(conf.stdout),
   'pond wecom configure stores the settings and names the callback path');
const bad = spawnSync(pondBin, ['wecom', 'configure', '--data', data, '--token', TOKEN,
                                '--aes-key', 'short', '--corp-id', CORP], { encoding: 'utf8' });
ok(bad.status !== 0 && /aes_key/.test(bad.stderr), 'a bad EncodingAESKey is refused, named');

let when = 1700000100;
const inner = (fields) => `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><FromUserName><![CDATA[sys]]>` +
  `</FromUserName><CreateTime>${when++}</CreateTime><MsgType><![CDATA[event]]></MsgType>${fields}</xml>`;
const contact = (change, user, extra = '') => inner(
  `<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[${change}]]></ChangeType>` +
  `<UserID><![CDATA[lily]]></UserID><ExternalUserID><![CDATA[${user}]]></ExternalUserID>${extra}`);
const chat = (change, detail, members) => inner(
  `<Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wrCHAT1]]></ChatId>` +
  `<ChangeType><![CDATA[${change}]]></ChangeType>` + (detail ? `<UpdateDetail><![CDATA[${detail}]]></UpdateDetail>` +
  `<JoinScene>1</JoinScene><MemChangeCnt>${members.length}</MemChangeCnt><MemChangeList>` +
  members.map((m) => `<Item><![CDATA[${m}]]></Item>`).join('') + '</MemChangeList>' : ''));
const signed = (encrypted, token = TOKEN) => {
  const timestamp = '1700000000';
  const nonce = 'n0nce';
  return `msg_signature=${wecom.getSignature(token, timestamp, nonce, encrypted)}&timestamp=${timestamp}&nonce=${nonce}`;
};
const outer = (encrypted) => `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID>` +
  `<Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`;

// AES-256-CBC by node's crypto (WeCom's layout, none of pond's code) with padding bytes of the
// value given: PKCS#7 to 32-byte blocks would need their count, 1 to 32.
function sealWithPadding(message, padByte) {
  const key = Buffer.from(AES_KEY + '=', 'base64');
  const msg = Buffer.from(message);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const plain = Buffer.concat([crypto.randomBytes(16), len, msg, Buffer.from(CORP)]);
  const padded = Buffer.concat([plain, Buffer.alloc(32 - (plain.length % 32), padByte)]);
  const cipher = crypto.createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

const pond = await startPond(pondBin, data);
const url = `${pond.url}/wecom/callback/default`;
const admin = { authorization: `Bearer ${pond.keys.admin}`, 'content-type': 'application/json' };
const post = (encrypted, body = outer(encrypted), token = TOKEN) =>
  fetch(`${url}?${signed(encrypted, token)}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
const deliver = (xml) => post(wecom.encrypt(AES_KEY, xml, CORP));
const timeline = async (user) => {
  const r = await getJson(`${pond.url}/v1/customers/external_userid:${user}?reveal=true`,
                          pond.keys.admin);
  return r.status === 200 ? r.body : null;
};
const events = (c, name) => (c?.timeline ?? []).filter((e) => e.event === name);
try {
  // The API settings point at the local WeCom; a channel created with `wecom` gets its code.
  let r = await fetch(`${pond.url}/v1/settings/channels`, { method: 'PUT', headers: admin,
    body: JSON.stringify({ wecom: { base_url: fakeUrl, corp_id: CORP, secret: 'S3CRET' } }) });
  ok(r.status === 200, 'the WeCom API settings are stored');
  r = await fetch(`${pond.url}/v1/channels`, { method: 'POST', headers: admin, body: JSON.stringify(
    { code: 'xhs_note', name: '小红书笔记', kind: 'xiaohongshu',
      wecom: { staff: ['lily', 'amy'], skip_verify: true, welcome: '你好，我是小美的护肤顾问 Lily' } }) });
  let made = await r.json();
  ok(r.status === 201 && made.qr_code === 'https://wework.qpic.cn/xhs_note/0',
     'creating a channel with wecom gives its live code QR');
  const way = calls.find((c) => c.path === '/cgi-bin/externalcontact/add_contact_way');
  const wayBody = way ? JSON.parse(way.body) : {};
  ok(way && wayBody.type === 2 && wayBody.scene === 2 && wayBody.state === 'xhs_note' &&
     wayBody.skip_verify === true && JSON.stringify(wayBody.user) === '["lily","amy"]' &&
     Object.keys(wayBody).length === 5,
     'add_contact_way carries the channel as state and the staff list');
  r = await fetch(`${pond.url}/v1/channels`, { method: 'POST', headers: admin, body: JSON.stringify(
    { code: 'dy', kind: 'douyin', wecom: { staff: [] } }) });
  ok(r.status === 400 && (await r.json()).error?.field === 'wecom.staff', 'a live code without staff is refused, named');
  const listed = await getJson(`${pond.url}/v1/channels`, pond.keys.admin);
  ok(listed.body.data.some((c) => c.code === 'xhs_note' && c.qr_code), 'GET /v1/channels shows the QR code');
  ok(!listed.body.data.some((c) => c.code === 'dy'), 'the refused channel was not created');

  // URL verification: answer the decrypted echostr, as plain text.
  const echostr = wecom.encrypt(AES_KEY, '1616140317555161061', CORP);
  const verify = await fetch(`${url}?${signed(echostr)}&echostr=${encodeURIComponent(echostr)}`);
  ok(verify.status === 200 && (await verify.text()) === '1616140317555161061',
     'URL verification answers the plain echostr');
  const forged = await fetch(`${url}?${signed(echostr, 'wrongToken')}&echostr=${encodeURIComponent(echostr)}`);
  ok(forged.status === 401, 'a wrong signature is refused');

  // add_external_contact: answered "success", stored once across WeCom's retry, followed up.
  const add = contact('add_external_contact', 'wmANN', '<State><![CDATA[xhs_note]]></State><WelcomeCode><![CDATA[WC1]]></WelcomeCode>');
  const encrypted = wecom.encrypt(AES_KEY, add, CORP);
  const first = await post(encrypted);
  ok(first.status === 200 && (await first.text()) === 'success', 'the callback is answered "success"');
  ok((await post(encrypted)).status === 200, "WeCom's retry is answered too");
  let ann = await timeline('wmANN');
  ok(ann && events(ann, 'friend_added').length === 1, 'one friend_added despite the retry');
  ok(ann?.channel === 'xhs_note' && ann?.owner === 'lily', 'the live code state is the channel, and lily the owner');
  for (let i = 0; i < 50 && !(ann?.traits?.name); i++) {
    await new Promise((res) => setTimeout(res, 200));
    ann = await timeline('wmANN');
  }
  ok(ann?.traits?.name === '小鹿' && ann.identities.some((i) => i.kind === 'unionid' && i.value === 'oUNIONwmANN'),
     'the profile (externalcontact/get) gave the name and the unionid');
  const welcome = calls.filter((c) => c.path === '/cgi-bin/externalcontact/send_welcome_msg');
  ok(welcome.length === 1 && JSON.parse(welcome[0].body).welcome_code === 'WC1' &&
     JSON.parse(welcome[0].body).text.content === '你好，我是小美的护肤顾问 Lily',
     'the welcome message went once, with the WelcomeCode and the live code text');

  // Every other mapped kind.
  await deliver(contact('add_half_external_contact', 'wmHALF', '<State><![CDATA[xhs_note]]></State>'));
  const half = await timeline('wmHALF');
  ok(events(half, 'friend_added')[0]?.properties?.half === true, 'add_half_external_contact → friend_added {half}');
  await deliver(contact('edit_external_contact', 'wmANN'));
  await deliver(contact('transfer_fail', 'wmANN', '<FailReason><![CDATA[customer_refused]]></FailReason>'));
  await deliver(contact('del_follow_user', 'wmANN'));
  await deliver(contact('del_external_contact', 'wmHALF'));
  ann = await timeline('wmANN');
  ok(events(ann, 'contact_edited').length === 1, 'edit_external_contact → contact_edited');
  ok(events(ann, 'transfer_failed')[0]?.properties?.reason === 'customer_refused', 'transfer_fail → transfer_failed {reason}');
  ok(events(ann, 'friend_deleted')[0]?.properties?.by === 'customer', 'del_follow_user → friend_deleted by the customer');
  ok(events(await timeline('wmHALF'), 'friend_deleted')[0]?.properties?.by === 'staff', 'del_external_contact → friend_deleted by staff');
  await deliver(chat('update', 'add_member', ['wmGRP1', 'wmGRP2']));
  await deliver(chat('update', 'del_member', ['wmGRP2']));
  await deliver(chat('create', '', []));
  const joined = events(await timeline('wmGRP1'), 'group_joined')[0]?.properties;
  ok(joined?.chat_id === 'wrCHAT1' && joined?.group_id === groupIdForChat('wrCHAT1'),
     'add_member → group_joined per member, in pond\'s group for the chat');
  ok(events(await timeline('wmGRP2'), 'group_left').length === 1, 'del_member → group_left');

  // Broken and hostile callbacks: refused, each with a logged reason, nothing stored.
  for (let i = 0; i < 50 && !(await timeline('wmHALF'))?.traits?.name; i++) {
    await new Promise((res) => setTimeout(res, 200));  // the last follow-up's profile is in
  }
  const before = await metric(pond.url, 'pond_events_ingested_total');
  const nobody = contact('add_external_contact', 'wmNOBODY', '<State><![CDATA[xhs_note]]></State>');
  const otherCorp = wecom.encrypt(AES_KEY, nobody, 'wwSOMEONEELSE');
  ok((await post(otherCorp)).status === 401, 'a message for another corp is refused');
  const truncated = wecom.encrypt(AES_KEY, nobody, CORP).slice(0, -24);
  ok((await post(truncated)).status === 400, 'a truncated ciphertext is refused');
  const badPad = sealWithPadding(nobody, 0);
  ok((await post(badPad)).status === 400, 'a ciphertext with bad padding is refused');
  ok((await post(wecom.encrypt(AES_KEY, '<xml><Event>oops', CORP))).status === 400, 'malformed inner XML is refused');
  ok((await post('x', '<xml><Encrypt>')).status === 400, 'malformed outer XML is refused');
  ok((await post('x', '<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>')).status === 400,
     'XML with a DOCTYPE is refused');
  ok((await getJson(`${pond.url}/v1/customers/external_userid:wmNOBODY`, pond.keys.admin)).status === 404,
     'nothing was stored for them');
  ok((await metric(pond.url, 'pond_events_ingested_total')) === before, 'no event was stored by any refused callback');
  // The worker's own entries (group follow-ups, polls) may come between: the refusals, newest first.
  const activity = await getJson(`${pond.url}/v1/wecom/activity?limit=50`, pond.keys.admin);
  const refusals = activity.body.data.filter((a) => a.kind === 'refused').slice(0, 6);
  ok(refusals.length === 6 && refusals.every((a) => !a.ok && a.detail),
     'each refusal is in /v1/wecom/activity with its reason');
  ok(/padding/.test(refusals[3].detail) && /another corp/.test(refusals[5].detail),
     'the reasons say what was wrong');
  ok(/wecom refused \(default\): .*msg_signature does not match/.test(pond.output()), 'refusals are logged');
  const unknown = await fetch(`${pond.url}/wecom/callback/nowhere?${signed(echostr)}&echostr=x`);
  ok(unknown.status === 404, 'a workspace without settings answers 404');
} finally {
  await stopPond(pond);
  fake.close();
}

// pond wecom replay: the same path from a file; the retry is a duplicate, the forgery refused.
const replayData = tempDir('pond-wecom-replay-');
spawnSync(pondBin, ['wecom', 'configure', '--data', replayData, '--token', TOKEN, '--aes-key', AES_KEY, '--corp-id', CORP]);
const line = (xml, token = TOKEN) => {
  const e = wecom.encrypt(AES_KEY, xml, CORP);
  return JSON.stringify({ query: signed(e, token), body: outer(e) });
};
const addBob = line(contact('add_external_contact', 'wmBOB', '<State><![CDATA[offline]]></State>'));
const file = path.join(replayData, 'callbacks.jsonl');
fs.writeFileSync(file, [addBob, addBob, line(contact('del_follow_user', 'wmBOB')),
                        line(contact('edit_external_contact', 'wmBOB'), 'forged'), 'not json'].join('\n') + '\n');
const replay = spawnSync(pondBin, ['wecom', 'replay', file, '--data', replayData], { encoding: 'utf8' });
const rows = replay.stdout.trim().split('\n').map((l) => l.split('\t'));
ok(replay.status === 1 && rows.length === 5, 'replay reports each line and exits 1 when one was refused');
ok(rows[0][1] === 'stored' && rows[0][2] === 'friend_added' && rows[1][1] === 'duplicate' &&
   rows[2][2] === 'friend_deleted' && rows[3][1] === 'refused' && rows[4][1] === 'refused',
   'stored, duplicate, stored, refused (signature), refused (not a record)');
ok(/2 events stored, 1 duplicates, 2 refused/.test(replay.stderr), 'the totals go to stderr');

// The demo world's WeCom events as encrypted callbacks, recorded; replayed into the same store,
// every one is already there (the same messageIds), and a running server takes them as WeCom's.
const demoData = tempDir('pond-wecom-demo-');
const record = path.join(demoData, 'demo-callbacks.jsonl');
const demo = spawnSync(pondBin, ['demo', '--customers', '800', '--days', '12', '--data', demoData,
                                 '--wecom', '--wecom-record', record], { encoding: 'utf8' });
const sealed = Number((demo.stdout.match(/wecom: ([\d,]+) callbacks/) ?? [, '0'])[1].replace(/,/g, ''));
ok(demo.status === 0 && sealed > 50, `pond demo --wecom sent ${sealed} callbacks through the callback path`);
const again = spawnSync(pondBin, ['wecom', 'replay', record, '--data', demoData], { encoding: 'utf8' });
const outcomes = again.stdout.trim().split('\n').map((l) => l.split('\t')[1]);
ok(again.status === 0 && outcomes.length === sealed && outcomes.every((o) => o === 'duplicate'),
   'replaying the recording stores nothing twice');
const demoPond = await startPond(pondBin, demoData);
try {
  const recorded = JSON.parse(fs.readFileSync(record, 'utf8').split('\n')[0]);
  const res = await fetch(`${demoPond.url}/wecom/callback/default?${recorded.query}`,
                          { method: 'POST', body: recorded.body });
  ok(res.status === 200 && (await res.text()) === 'success', "the server takes the demo corp's callback");
} finally {
  await stopPond(demoPond);
}
finish(checks);
