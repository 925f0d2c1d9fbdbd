// WeCom's callback protocol against `pond serve`, with messages made by @wecom/crypto (WeCom's
// own npm library): URL verification, an encrypted add_external_contact that becomes a friend
// with the live code's channel, WeCom's retry stored once, and forged or misdirected callbacks
// refused.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { tempDir, startPond, stopPond, getJson, check, finish } from './lib.mjs';

const [pondBin, testsDir] = process.argv.slice(2);
const require = createRequire(path.join(testsDir, 'sdk', 'package.json'));
const wecom = require('@wecom/crypto');

const TOKEN = 'QDG6eK';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP = 'ww1436e0e65a779aee';
const data = tempDir('pond-wecom-');
const conf = spawnSync(pondBin, ['wecom', 'configure', '--data', data, '--token', TOKEN,
                                 '--aes-key', AES_KEY, '--corp-id', CORP], { encoding: 'utf8' });
check(conf.status === 0 && /\/wecom\/callback\/default/.test(conf.stdout),
      'pond wecom configure stores the settings and names the callback path');
const bad = spawnSync(pondBin, ['wecom', 'configure', '--data', data, '--token', TOKEN,
                                '--aes-key', 'short', '--corp-id', CORP], { encoding: 'utf8' });
check(bad.status !== 0 && /aes_key/.test(bad.stderr), 'a bad EncodingAESKey is refused, named');

const pond = await startPond(pondBin, data);
const url = `${pond.url}/wecom/callback/default`;
const query = (encrypted, token = TOKEN) => {
  const timestamp = '1700000000';
  const nonce = 'n0nce';
  const sig = wecom.getSignature(token, timestamp, nonce, encrypted);
  return `msg_signature=${sig}&timestamp=${timestamp}&nonce=${nonce}`;
};
try {
  // URL verification: answer the decrypted echostr, as plain text.
  const echostr = wecom.encrypt(AES_KEY, '1616140317555161061', CORP);
  const verify = await fetch(`${url}?${query(echostr)}&echostr=${encodeURIComponent(echostr)}`);
  check(verify.status === 200 && (await verify.text()) === '1616140317555161061',
        'URL verification answers the plain echostr');
  const forged = await fetch(`${url}?${query(echostr, 'wrongToken')}&echostr=${encodeURIComponent(echostr)}`);
  check(forged.status === 401, 'a wrong signature is refused');

  // An encrypted add_external_contact, as WeCom posts it.
  const inner = '<xml><ToUserName><![CDATA[' + CORP + ']]></ToUserName><FromUserName><![CDATA[sys]]>' +
    '</FromUserName><CreateTime>1700000100</CreateTime><MsgType><![CDATA[event]]></MsgType>' +
    '<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]>' +
    '</ChangeType><UserID><![CDATA[lily]]></UserID><ExternalUserID><![CDATA[wmWECOMTEST01]]>' +
    '</ExternalUserID><State><![CDATA[xhs_note]]></State><WelcomeCode><![CDATA[WC1]]></WelcomeCode></xml>';
  const encrypted = wecom.encrypt(AES_KEY, inner, CORP);
  const body = `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID>` +
    `<Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`;
  const post = () => fetch(`${url}?${query(encrypted)}`, { method: 'POST', body,
                                                             headers: { 'content-type': 'text/xml' } });
  const first = await post();
  check(first.status === 200 && (await first.text()) === 'success', 'the callback is answered "success"');
  const retry = await post();
  check(retry.status === 200, "WeCom's retry is answered too");
  const found = await getJson(`${pond.url}/v1/customers/external_userid:wmWECOMTEST01`, pond.keys.admin);
  const added = (found.body.timeline ?? []).filter((e) => e.event === 'friend_added');
  check(found.status === 200 && added.length === 1, 'the customer exists, with one friend_added');
  check(found.body.channel === 'xhs_note' && found.body.owner === 'lily',
        'the live code state is the channel, and lily the owner');

  // The same message for another corp, and a tampered body, are refused and stored nowhere.
  const otherCorp = wecom.encrypt(AES_KEY, inner.replace('wmWECOMTEST01', 'wmOTHER'), 'wwSOMEONEELSE');
  const other = await fetch(`${url}?${query(otherCorp)}`, { method: 'POST',
    body: `<xml><Encrypt><![CDATA[${otherCorp}]]></Encrypt></xml>` });
  check(other.status === 401, 'a message for another corp is refused');
  const hostile = await fetch(`${url}?${query(encrypted)}`, { method: 'POST',
    body: '<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>' });
  check(hostile.status === 400, 'XML with a DOCTYPE is refused');
  const nobody = await getJson(`${pond.url}/v1/customers/external_userid:wmOTHER`, pond.keys.admin);
  check(nobody.status === 404, 'nothing was stored for them');
  const unknown = await fetch(`${pond.url}/wecom/callback/nowhere?${query(echostr)}&echostr=x`);
  check(unknown.status === 404, 'a workspace without settings answers 404');
} finally {
  await stopPond(pond);
}
finish(12);
