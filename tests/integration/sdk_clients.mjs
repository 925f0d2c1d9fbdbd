// The real Segment and RudderStack Node SDKs deliver to `pond serve`, and the stored counts
// match what they sent.
import { createRequire } from 'node:module';
import path from 'node:path';
import { startPond, stopPond, tempDir, getJson, metric, check, finish } from './lib.mjs';

const [pondBin, testsDir] = process.argv.slice(2);
const require = createRequire(path.join(testsDir, 'sdk', 'package.json'));
const { Analytics: SegmentAnalytics } = require('@segment/analytics-node');
const RudderAnalytics = require('@rudderstack/rudder-sdk-node');

const PER_SDK = 600;
const USERS = 30;
const pond = await startPond(pondBin, tempDir());
const { admin, write } = pond.keys;

// Segment: posts {batch, sentAt} to /v1/batch with Basic auth, flushAt per request.
const segment = new SegmentAnalytics({ writeKey: write, host: pond.url, flushAt: 50, maxRetries: 3 });
const segErrors = [];
segment.on('error', (e) => segErrors.push(e));
for (let i = 0; i < PER_SDK; i++) {
  const userId = `seg-${i % USERS}`;
  if (i < USERS) segment.identify({ userId, traits: { name: `用户${i}`, phone: `1390000${String(i).padStart(4, '0')}` } });
  else segment.track({ userId, event: 'content_viewed', properties: { content_id: `c${i}` } });
}
await segment.closeAndFlush({ timeout: 30000 });
check(segErrors.length === 0, `segment SDK reported no delivery errors (${segErrors.length})`);

// RudderStack: same endpoint, gzipped bodies by default.
const rudder = new RudderAnalytics(write, { dataPlaneUrl: pond.url, flushAt: 50, flushInterval: 200 });
for (let i = 0; i < PER_SDK; i++) {
  rudder.track({ userId: `rud-${i % USERS}`, event: 'moment_viewed', properties: { moment: i } });
}
await new Promise((resolve) => rudder.flush(resolve));
// The SDK flushes in the background too; wait until everything arrived or 30 s passed.
const deadline = Date.now() + 30000;
while (Date.now() < deadline && (await metric(pond.url, 'pond_events_ingested_total')) < 2 * PER_SDK) {
  await new Promise((r) => setTimeout(r, 200));
}

check(await metric(pond.url, 'pond_http_gzip_requests_total') > 0,
      'the RudderStack SDK sent gzip bodies and pond inflated them');
check(await metric(pond.url, 'pond_events_ingested_total') === 2 * PER_SDK,
      `pond stored exactly ${2 * PER_SDK} events from the two SDKs`);
let segEvents = 0;
let rudEvents = 0;
for (let u = 0; u < USERS; u++) {
  segEvents += (await getJson(`${pond.url}/v1/customers/seg-${u}`, admin)).body.event_count;
  rudEvents += (await getJson(`${pond.url}/v1/customers/rud-${u}`, admin)).body.event_count;
}
check(segEvents === PER_SDK, `segment: ${segEvents} of ${PER_SDK} events on ${USERS} customers`);
check(rudEvents === PER_SDK, `rudderstack: ${rudEvents} of ${PER_SDK} events on ${USERS} customers`);
const profile = (await getJson(`${pond.url}/v1/customers/phone:13900000007?reveal=true`, admin)).body;
check(profile.id && profile.traits.name === '用户7', 'identify traits and phone identity arrived intact');
await stopPond(pond);
finish(6);
