// One page opens 20 EventSources to 20 topics. Over https the hub speaks HTTP/2 (ALPN h2)
// and every stream shares one connection: all 20 open and each gets its event. Over
// HTTP/1.1 a browser holds at most 6 connections per host, one stream each: the same page
// gets exactly 6 streams open and 6 events, on the hub's plain listener and on its TLS
// listener with HTTP/2 off (--h2-max-streams 0). So the h2 case fails if h2 is not there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHerald } from '../lib/herald.mjs';
import { launchBrowser, newPage, publish, WAIT_MS } from './helpers.mjs';

const STREAMS = 20;
const BROWSER_LIMIT = 6;  // Chromium's connections per host over HTTP/1.1

const env = {};
const httpsOf = (hub) => {
  const m = hub.out().match(/listening on (https:\/\/[^\s]+)/);
  assert.ok(m, `no https listener printed:\n${hub.out()}`);
  return m[1];
};

before(async () => {
  const tls = ['--dev', '--no-ticker', '--tls-self-signed', '--tls-listen', '127.0.0.1:0'];
  env.herald = await startHerald(tls);
  env.https = httpsOf(env.herald);
  env.h1only = await startHerald([...tls, '--h2-max-streams', '0']);
  env.h1onlyHttps = httpsOf(env.h1only);
  // The hubs' certificates are their own throwaway ones (--tls-self-signed).
  env.browser = await launchBrowser(['--ignore-certificate-errors']);
});
after(async () => {
  await env.browser?.close();
  await env.herald?.stop();
  await env.h1only?.stop();
});

// Opens a page at `origin` with one EventSource per topic; waits until all are open or
// `settleMs` passed, publishes one event per topic, then waits for every open stream's
// event. Resolves { page, opened, received (per topic), protocol (of the page) }.
async function manyStreams({ origin, hub, tag, settleMs = WAIT_MS }) {
  const page = await newPage(env.browser);
  await page.goto(`${origin}/`);
  const topics = Array.from({ length: STREAMS }, (_, i) => `urn:herald:test:streams:${tag}:${i}`);
  const opened = await page.evaluate(({ topics, settleMs }) => new Promise((resolve) => {
    window.received = topics.map(() => []);
    window.sources = [];
    window.opened = 0;
    const done = () => resolve(window.opened);
    setTimeout(done, settleMs);
    topics.forEach((topic, i) => {
      const source = new EventSource(`/.well-known/mercure?topic=${encodeURIComponent(topic)}`);
      source.onmessage = (event) => window.received[i].push(event.data);
      source.onopen = () => { if (++window.opened === topics.length) done(); };
      window.sources.push(source);
    });
  }), { topics, settleMs });
  for (const [i, topic] of topics.entries()) await publish(hub.url, { topic, data: `event ${i}` });
  await page.waitForFunction((n) => window.received.filter((list) => list.length >= 1).length >= n, opened);
  await page.waitForTimeout(300);  // an event for a stream that was not open would show up now
  const received = await page.evaluate(() => window.received);
  const protocol = await page.evaluate(() => performance.getEntriesByType('navigation')[0].nextHopProtocol);
  return { page, topics, opened, received, protocol };
}

test('20 EventSources on one https origin all open and receive their event over h2', { timeout: 90000 }, async () => {
  const { page, topics, opened, received, protocol } =
    await manyStreams({ origin: env.https, hub: env.herald, tag: 'h2' });
  assert.equal(protocol, 'h2');
  assert.equal(opened, STREAMS);
  assert.deepEqual(received, topics.map((_, i) => [`event ${i}`]));

  // A request made beside the streams went over HTTP/2 too. (A stream's own timing entry
  // appears only once its response ends.)
  const protocols = await page.evaluate(async () => {
    window.sources.forEach((source) => source.close());
    await fetch('/healthz');
    return performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/healthz') || e.name.includes('/.well-known/mercure'))
      .map((e) => e.nextHopProtocol);
  });
  assert.ok(protocols.length >= 1);
  for (const p of protocols) assert.equal(p, 'h2');
  assert.deepEqual(page.errors, []);
});

// The same page over HTTP/1.1: 6 streams, not 20. 3 s is ample for 20 local opens.
for (const [name, origin, hub] of [
  ['the plain http listener', () => env.herald.url, () => env.herald],
  ['https with HTTP/2 off (--h2-max-streams 0)', () => env.h1onlyHttps, () => env.h1only],
]) {
  test(`over HTTP/1.1 (${name}) the same page gets only ${BROWSER_LIMIT} streams open`, { timeout: 90000 }, async () => {
    const { page, opened, received, protocol } =
      await manyStreams({ origin: origin(), hub: hub(), tag: `h1-${hub().port}-${origin().slice(0, 5)}`, settleMs: 3000 });
    assert.equal(protocol, 'http/1.1');
    assert.equal(opened, BROWSER_LIMIT, `${opened} EventSources opened over HTTP/1.1`);
    assert.equal(received.filter((list) => list.length > 0).length, BROWSER_LIMIT);
    // Closing one frees its connection for a waiting stream.
    await page.evaluate(() => window.sources.find((s) => s.readyState === EventSource.OPEN).close());
    await page.waitForFunction((n) => window.opened === n, BROWSER_LIMIT + 1);
    await page.evaluate(() => window.sources.forEach((source) => source.close()));
    assert.deepEqual(page.errors, []);
  });
}
