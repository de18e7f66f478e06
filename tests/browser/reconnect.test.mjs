// After its connection drops, the browser's EventSource comes back with Last-Event-ID and
// the hub's history fills the gap: every event arrives exactly once, in order.
// Chromium reaches the hub through a TCP proxy that can cut every connection at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, OVER_H2, proxyFor, publish, recordingPage, startHub } from './helpers.mjs';

// The reconnection delay the first event asks for, so tests do not sit out the default 3 s.
const RETRY_MS = 300;

let herald;
let proxy;
let browser;

before(async () => {
  herald = await startHub(['--dev']);
  proxy = await proxyFor(herald);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await herald?.stop();
});

// Publishes events from..to on `topic`, each followed by one on a topic the page does not
// subscribe to: replay from history must leave those out too.
async function publishRange(topic, from, to, onEach = () => {}) {
  for (let n = from; n <= to; n += 1) {
    const retry = n === 1 ? { retry: RETRY_MS } : {};
    await publish(herald.url, { topic, id: `${topic}#${n}`, data: `event ${n}`, ...retry });
    await publish(herald.url, { topic: `${topic}:other`, id: `${topic}:other#${n}`, data: `other ${n}` });
    onEach(n);
  }
}

const expected = (topic, from, to) => Array.from({ length: to - from + 1 },
  (_, i) => ({ id: `${topic}#${from + i}`, data: `event ${from + i}` }));

// Waits until the page holds `count` events; on a timeout, says which ones it got.
async function waitForEvents(page, count) {
  try {
    await page.waitForFunction((n) => window.received.length >= n, count);
  } catch (error) {
    const ids = await page.evaluate(() => window.received.map((e) => e.id));
    const message = `expected ${count} events, the page got ${ids.length}: ${ids.join(' ')}`;
    throw new Error(message, { cause: error });
  }
}

// Over h2 the proxy sees only TLS, not the request heads: the reconnect shows as a new
// connection, and the exact, in-order events before it are what show it resumed from
// Last-Event-ID (the plain run checks the header itself).
function assertReconnectedOverTls(connectionsBefore) {
  assert.ok(proxy.connections() >= connectionsBefore + 2,
    `${proxy.connections() - connectionsBefore} connection(s): the page did not reconnect`);
}

// The subscription requests the browser sent for `topic` through the proxy.
const subscribeRequests = (topic) => proxy.requests.filter((r) => r.method === 'GET'
  && r.target.startsWith('/.well-known/mercure?')
  && new URL(r.target, 'http://x').searchParams.get('topic') === topic);

test('events published while disconnected arrive after the reconnect', { timeout: 60000 }, async () => {
  const topic = 'urn:herald:test:reconnect:held';
  const connectionsBefore = proxy.connections();
  const page = await recordingPage(browser, proxy.origin, topic);

  await publishRange(topic, 1, 5);
  await waitForEvents(page, 5);

  // Hold the reconnect at the proxy, so that 6..10 are certainly published while the
  // browser has no connection to the hub.
  proxy.pause();
  proxy.dropAll();
  await page.waitForFunction(() => window.idsAtError.length >= 1);
  await publishRange(topic, 6, 10);
  proxy.resume();

  await waitForEvents(page, 10);
  // Anything duplicated would come right behind: give it a moment to show up.
  await page.waitForTimeout(500);
  assert.deepEqual(await page.evaluate(() => window.received), expected(topic, 1, 10));

  if (OVER_H2) {
    assertReconnectedOverTls(connectionsBefore);
  } else {
    const requests = subscribeRequests(topic);
    assert.equal(requests.length, 2, 'one subscription, one reconnect');
    assert.equal(requests[0].headers['last-event-id'], undefined);
    assert.equal(requests[1].headers['last-event-id'], `${topic}#5`);
  }
  assert.deepEqual(page.errors, []);
});

test('a cut in the middle of a burst loses and repeats nothing', { timeout: 60000 }, async () => {
  const topic = 'urn:herald:test:reconnect:burst';
  const connectionsBefore = proxy.connections();
  const page = await recordingPage(browser, proxy.origin, topic);

  // Cut while events are still in flight: some were written to the dropped socket and
  // never parsed by the browser, so only history replay can deliver them.
  await publishRange(topic, 1, 100, (n) => { if (n === 50) proxy.dropAll(); });
  await waitForEvents(page, 100);
  await page.waitForTimeout(500);
  assert.deepEqual(await page.evaluate(() => window.received), expected(topic, 1, 100));

  // Each reconnect resumed from the last event the page had when its connection failed.
  if (OVER_H2) {
    assertReconnectedOverTls(connectionsBefore);
  } else {
    const idsAtError = await page.evaluate(() => window.idsAtError);
    const requests = subscribeRequests(topic);
    assert.ok(requests.length >= 2, 'the page reconnected');
    assert.equal(requests[0].headers['last-event-id'], undefined);
    assert.deepEqual(requests.slice(1).map((r) => r.headers['last-event-id']), idsAtError);
  }
  assert.deepEqual(page.errors, []);
});
