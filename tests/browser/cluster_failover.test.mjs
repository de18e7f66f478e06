// Cluster mode as a browser sees it: two hubs share one Redis stream (--store redis://),
// and Chromium's native EventSource, reaching them through a loopback proxy (a load
// balancer), is moved from node A to node B. It comes back with Last-Event-ID on B, which
// replays exactly what followed from its mirror of the stream: nothing lost, nothing twice,
// then live events. Once with A still up (the balancer switches and drops every
// connection), once with A killed hard (kill -9, the balancer notices and switches), and
// once with a node killed hard while the balancer still sends the browser's reconnects to
// it for a while (they fail; EventSource keeps retrying, then lands on B).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis } from '../lib/redis.mjs';
import { launchBrowser, OVER_H2, proxyFor, publish, recordingPage, startHub } from './helpers.mjs';

// The reconnection delay the first event asks for, so tests do not sit out the default 3 s.
const RETRY_MS = 300;

let redis;
let nodeA;
let nodeB;
let nodeC;
let proxy;
let browser;

// The port the proxy forwards a node's browser traffic to: its TLS listener over h2 (the
// proxy passes TLS through untouched; the page's origin is https at the proxy's port).
const browserPort = (node) => Number(new URL(node.origin).port);

// `herald serve` flags of a node of the cluster.
let nodeArgs;

before(async () => {
  redis = await startRedis();
  nodeArgs = ['--dev', '--no-ticker', '--store', redis.url];
  nodeA = await startHub(nodeArgs);
  nodeB = await startHub(nodeArgs);
  proxy = await proxyFor(nodeA);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await nodeA?.stop();
  await nodeB?.stop();
  await nodeC?.stop();
  await redis?.cleanup();
});

const idOf = (topic, n) => `${topic}#e${n}`;

// Publishes e`from`..e`to` on `topic` straight to the nodes (not through the proxy), each
// followed by one on a topic the page does not subscribe to. `nodeFor(n)` picks the node.
async function publishRange(topic, from, to, nodeFor) {
  for (let n = from; n <= to; n += 1) {
    const node = nodeFor(n);
    const retry = n === 1 ? { retry: RETRY_MS } : {};
    await publish(node.url, { topic, id: idOf(topic, n), data: `event ${n}`, ...retry });
    await publish(node.url, { topic: `${topic}:other`, id: `${topic}:other#${n}`, data: `other ${n}` });
  }
}

const expected = (topic, from, to) => Array.from({ length: to - from + 1 },
  (_, i) => ({ id: idOf(topic, from + i), data: `event ${from + i}` }));

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

// Waits until the page's EventSource saw its connection fail `count` times in all.
async function waitForErrors(page, count) {
  await page.waitForFunction((n) => window.idsAtError.length >= n, count);
}

// The subscription requests the browser sent for `topic` through the proxy.
const subscribeRequests = (topic) => proxy.requests.filter((r) => r.method === 'GET'
  && r.target.startsWith('/.well-known/mercure?')
  && new URL(r.target, 'http://x').searchParams.get('topic') === topic);

// Where e1..e10 are published: alternately, e1 (with the retry) on B, e10 (the id the page
// resumes from) on A, so that B knows it only from the shared stream.
const firstNodeFor = (n) => (n % 2 ? nodeB : nodeA);

// The part both failovers share, once the page has e1..e10 and its connection to A is
// gone with the proxy holding its reconnect: e11..e20 are published (where `gapNodeFor(n)`
// says) while the browser is certainly disconnected, then the proxy switches to B and lets
// the held reconnect through. B must replay exactly e11..e20; then e21..e25 arrive live
// (published where `liveNodeFor(n)` says).
async function resumeOnB(page, topic, connectionsBefore, { gapNodeFor, liveNodeFor }) {
  await publishRange(topic, 11, 20, gapNodeFor);
  proxy.setTarget(browserPort(nodeB));
  proxy.resume();
  await waitForEvents(page, 20);
  await publishRange(topic, 21, 25, liveNodeFor);
  await waitForEvents(page, 25);
  // Anything duplicated would come right behind: give it a moment to show up.
  await page.waitForTimeout(500);
  assert.deepEqual(await page.evaluate(() => window.received), expected(topic, 1, 25));
  assert.deepEqual(await page.evaluate(() => window.idsAtError), [idOf(topic, 10)],
    'one failure, after e10');
  assert.deepEqual(await page.evaluate(() => window.resets), []);

  if (OVER_H2) {
    // The proxy sees only TLS, not the request heads: the reconnect shows as a new
    // connection, and the exact events after it show it resumed from Last-Event-ID.
    assert.ok(proxy.connections() >= connectionsBefore + 2,
      `${proxy.connections() - connectionsBefore} connection(s): the page did not reconnect`);
  } else {
    const requests = subscribeRequests(topic);
    assert.equal(requests.length, 2, 'one subscription, one reconnect');
    assert.equal(requests[0].headers['last-event-id'], undefined);
    assert.equal(requests[0].upstreamPort, browserPort(nodeA), 'subscribed on A');
    assert.equal(requests[1].headers['last-event-id'], idOf(topic, 10));
    assert.equal(requests[1].upstreamPort, browserPort(nodeB), 'reconnected to B');
  }
  assert.deepEqual(page.errors, []);
}

// The balancer sends the page to `node`; the page subscribes to `topic` there and gets
// e1..e10, published by `nodeFor(n)`. Resolves { page, connectionsBefore }.
async function pageOn(node, topic, nodeFor) {
  proxy.setTarget(browserPort(node));
  proxy.resume(); // (should an earlier test have failed holding)
  const connectionsBefore = proxy.connections();
  const page = await recordingPage(browser, proxy.origin, topic);
  await publishRange(topic, 1, 10, nodeFor);
  await waitForEvents(page, 10);
  return { page, connectionsBefore };
}

test('moved from A to B by the balancer (A still up): B replays exactly what followed', { timeout: 60000 }, async () => {
  const topic = 'urn:herald:test:cluster:switch';
  // Published on A and B alternately: the page, on A, gets them all in one order.
  const { page, connectionsBefore } = await pageOn(nodeA, topic, firstNodeFor);

  // Hold the reconnect at the proxy, cut every connection (to A).
  proxy.pause();
  proxy.dropAll();
  await waitForErrors(page, 1);
  // A is up: the missed events and the live ones come from both nodes (B replays A's from
  // its mirror of the stream, and passes A's live ones on).
  await resumeOnB(page, topic, connectionsBefore, { gapNodeFor: firstNodeFor, liveNodeFor: firstNodeFor });
});

test('A killed hard (kill -9): the page resumes on B with nothing lost or repeated', { timeout: 60000 }, async () => {
  const topic = 'urn:herald:test:cluster:kill';
  const { page, connectionsBefore } = await pageOn(nodeA, topic, firstNodeFor);

  // A dies with the page's stream open; the balancer holds the reconnect until it has
  // noticed and switched to B.
  proxy.pause();
  const killed = new Promise((resolve) => nodeA.proc.once('exit', (code, signal) => resolve(signal)));
  nodeA.proc.kill('SIGKILL');
  assert.equal(await killed, 'SIGKILL');
  await waitForErrors(page, 1);
  await resumeOnB(page, topic, connectionsBefore, { gapNodeFor: () => nodeB, liveNodeFor: () => nodeB });
});

test('a node killed hard while reconnects still go to it: the page retries, then resumes on B', { timeout: 60000 }, async () => {
  const topic = 'urn:herald:test:cluster:late-switch';
  // A node that joins the running cluster (its mirror starts from the stream).
  nodeC = await startHub(nodeArgs);
  const nodeFor = (n) => (n % 2 ? nodeB : nodeC); // e10 on C
  const { page, connectionsBefore } = await pageOn(nodeC, topic, nodeFor);

  // C dies, and the balancer has not noticed: the reconnects reach C's dead port and
  // fail. e11..e20 are published on B meanwhile; then the balancer switches to B.
  const killed = new Promise((resolve) => nodeC.proc.once('exit', (code, signal) => resolve(signal)));
  nodeC.proc.kill('SIGKILL');
  assert.equal(await killed, 'SIGKILL');
  await waitForErrors(page, 3); // the cut, and at least two failed reconnects
  await publishRange(topic, 11, 20, () => nodeB);
  proxy.setTarget(browserPort(nodeB));
  await waitForEvents(page, 20);
  await publishRange(topic, 21, 25, () => nodeB);
  await waitForEvents(page, 25);
  await page.waitForTimeout(500);
  assert.deepEqual(await page.evaluate(() => window.received), expected(topic, 1, 25));
  assert.deepEqual(await page.evaluate(() => window.resets), []);
  const idsAtError = await page.evaluate(() => window.idsAtError);
  assert.ok(idsAtError.length >= 3);
  assert.deepEqual(idsAtError, idsAtError.map(() => idOf(topic, 10)), 'every failure after e10');

  if (OVER_H2) {
    assert.ok(proxy.connections() >= connectionsBefore + 4,
      `${proxy.connections() - connectionsBefore} connection(s): the page did not retry`);
  } else {
    // Reconnects that reached C's dead port may or may not have got their head to the
    // proxy before it gave up on them; the one to B did, and it is the last.
    const requests = subscribeRequests(topic);
    assert.equal(requests[0].headers['last-event-id'], undefined);
    assert.equal(requests[0].upstreamPort, browserPort(nodeC), 'subscribed on C');
    for (const r of requests.slice(1)) assert.equal(r.headers['last-event-id'], idOf(topic, 10));
    assert.deepEqual(requests.filter((r) => r.upstreamPort === browserPort(nodeB)), [requests.at(-1)],
      'one reconnect to B, the last');
  }
  assert.deepEqual(page.errors, []);
});
