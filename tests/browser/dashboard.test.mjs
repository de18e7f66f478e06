// The live dashboard against the real hub: /dashboard loads, its figures follow the
// metrics the hub streams on /dashboard/stream, and its charts move: subscribers and
// deliveries show up when clients subscribe and events are published, and a subscriber
// cut for being slow shows up in the cut figure and chart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { subscribeOk } from '../lib/sse_reader.mjs';
import { connectH2, openSseOk } from '../lib/h2_sse.mjs';
import { gotoHub, launchBrowser, newPage, OVER_H2, PROTOCOL, publish, startHub } from './helpers.mjs';

// A small subscriber buffer, so that the cut test needs a few MiB of events, not 4 MiB
// more than the kernel buffers hold. The other clients here read all they get.
const SUBSCRIBER_BUFFER = 65536;

let herald;
let browser;
const streams = [];

before(async () => {
  herald = await startHub(['--dev', '--subscriber-buffer', String(SUBSCRIBER_BUFFER)]);
  browser = await launchBrowser();
});

after(async () => {
  for (const s of streams) s.close();
  await browser?.close();
  await herald?.stop();
});

// A big figure: its raw number (data-value; null before there is one) and its text.
const figure = (page, name) => page.$eval(`[data-testid="fig-${name}"]`, (el) => ({
  value: el.dataset.value ? Number(el.dataset.value) : null,
  text: el.querySelector('.num').textContent,
}));

// Waits until a figure's number is within [atLeast, atMost].
const waitForFigure = (page, name, { atLeast = null, atMost = null }) => page.waitForFunction(
  ({ name, atLeast, atMost }) => {
    const raw = document.querySelector(`[data-testid="fig-${name}"]`).dataset.value;
    const value = Number(raw);
    return Boolean(raw) && (atLeast === null || value >= atLeast) && (atMost === null || value <= atMost);
  }, { name, atLeast, atMost });

// What a chart canvas says it drew, and a checksum of its pixels.
const chart = (page, name) => page.$eval(`[data-testid="chart-${name}"]`, (canvas) => {
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0;
  let painted = 0;
  for (let i = 0; i < pixels.length; i += 1) {
    sum = (sum * 31 + pixels[i]) >>> 0;
    if (i % 4 === 3 && pixels[i] > 0) painted += 1;
  }
  return {
    points: Number(canvas.dataset.points ?? 0),
    max: Number(canvas.dataset.max ?? 0),
    draws: Number(canvas.dataset.draws ?? 0),
    checksum: sum,
    painted,
  };
});

async function openDashboard() {
  const page = await newPage(browser);
  await gotoHub(page, herald.origin, '/dashboard');
  await page.waitForSelector('[data-testid="status"][data-state="open"]');
  // Two snapshots: the first rates (differences between snapshots) are known.
  await page.waitForFunction(() => window.__dashboard?.samples.length >= 2);
  return page;
}

test('the landing page links to the dashboard', { timeout: 30000 }, async () => {
  const page = await newPage(browser);
  await gotoHub(page, herald.origin, '/');
  await page.click('a[href="/dashboard"]');
  await page.waitForURL(`${herald.origin}/dashboard`);
  assert.equal(await page.textContent('h1'), 'Dashboard');
  await page.waitForSelector('[data-testid="status"][data-state="open"]');
  assert.deepEqual(page.errors, []);
});

test('figures and charts follow subscribers and events', { timeout: 60000 }, async () => {
  const page = await openDashboard();

  // The --dev ticker publishes fifty events a second.
  await waitForFigure(page, 'published', { atLeast: 1 });
  assert.match((await figure(page, 'published')).text, /^\d[\d,.]*K?$/);
  const connections = await figure(page, 'connections');
  assert.ok(connections.value >= 1, 'the dashboard\'s own stream is a connection');
  assert.match(connections.text, /^\d[\d,]*$/);
  const subscribers = (await figure(page, 'subscribers')).value;
  const clients = await chart(page, 'clients');
  assert.ok(clients.points >= 2 && clients.painted > 0, 'the clients chart has drawn its first points');

  // Two subscribers appear on the figure and on the chart's legend.
  const topic = 'urn:test:dashboard';
  const subs = [await subscribeOk(herald.url, { topics: topic }), await subscribeOk(herald.url, { topics: topic })];
  streams.push(...subs);
  await waitForFigure(page, 'subscribers', { atLeast: subscribers + 2 });
  await waitForFigure(page, 'connections', { atLeast: 3 });
  assert.equal((await page.textContent('[data-testid="legend-subscribers"]')).trim(),
    (await figure(page, 'subscribers')).text);

  // Events published to them count as delivered: a delivered rate above zero in a sample.
  for (let i = 0; i < 20; i += 1) await publish(herald.url, { topic, data: `event ${i}` });
  for (const s of subs) await s.waitForEvents(20);
  await page.waitForFunction(() => window.__dashboard.samples.some((s) => s.delivered > 0));
  await page.waitForFunction(() =>
    Number(document.querySelector('[data-testid="chart-throughput"]').dataset.max) > 0);

  // The chart moved: more points, other pixels.
  await page.waitForFunction((before) =>
    Number(document.querySelector('[data-testid="chart-clients"]').dataset.points) >= before + 2,
  clients.points);
  const later = await chart(page, 'clients');
  assert.ok(later.draws > clients.draws, 'redrawn');
  assert.notEqual(later.checksum, clients.checksum, 'the clients chart shows other pixels');
  assert.ok(later.max >= subscribers + 2, 'the clients chart scales to the new subscribers');

  // Latency: the percentiles of our publishes, on the latency chart.
  await page.waitForFunction(() => window.__dashboard.samples.some((s) => s.p99 !== null));
  await page.waitForFunction(() =>
    Number(document.querySelector('[data-testid="chart-latency"]').dataset.points) >= 1);

  // The subscribers leave: the figure comes back down.
  for (const s of subs) s.close();
  await waitForFigure(page, 'subscribers', { atMost: subscribers });
  assert.deepEqual(page.errors, []);
});

test('the protocols list counts connections and streams by protocol', { timeout: 60000 }, async () => {
  const page = await openDashboard();
  const row = (protocol, tls) => `[data-testid="protocol"][data-protocol="${protocol}"][data-tls="${tls}"]`;
  assert.equal(await page.locator('[data-testid="protocol"]').count(), 4);
  // The page's own snapshot stream, under the protocol this run's page came over.
  await page.waitForFunction((selector) => {
    const li = document.querySelector(selector);
    return li && Number(li.dataset.connections) >= 1 && Number(li.dataset.streams) >= 1;
  }, row(PROTOCOL, OVER_H2));
  assert.match(await page.textContent(row(PROTOCOL, OVER_H2)),
    OVER_H2 ? /^HTTP\/2 over TLS · \d+ connections? · \d+ streams?$/ : /^HTTP\/1\.1 · \d+ connections? · \d+ streams?$/);

  // Three SSE streams on one h2c connection: one connection, three streams on the list.
  const session = await connectH2(herald.url);
  try {
    for (let i = 0; i < 3; i += 1) await openSseOk(session, { topics: [`urn:test:dashboard:h2c:${i}`] });
    await page.waitForFunction((selector) => {
      const li = document.querySelector(selector);
      return Number(li.dataset.connections) === 1 && Number(li.dataset.streams) === 3;
    }, row('h2', false));
    assert.match(await page.textContent(row('h2', false)), /^HTTP\/2 · 1 connection · 3 streams$/);
  } finally {
    session.destroy();  // close() would wait for the streams, which never end by themselves
  }
  await page.waitForFunction((selector) => Number(document.querySelector(selector).dataset.streams) === 0,
    row('h2', false));
  assert.deepEqual(page.errors, []);
});

test('a slow subscriber cut by the hub shows in the cut figure and chart', { timeout: 90000 }, async () => {
  const page = await openDashboard();
  assert.equal((await figure(page, 'cut')).value, 0, 'nothing cut yet');
  assert.equal((await chart(page, 'cut')).max, 0);

  // A subscriber that stops reading: the kernel buffers fill, then the hub's queue, and
  // past --subscriber-buffer the hub cuts it.
  const topic = 'urn:test:dashboard:slow';
  const slow = await subscribeOk(herald.url, { topics: topic });
  streams.push(slow);
  slow.pause();
  const data = 'x'.repeat(64 * 1024);
  const cut = () => /subscriber cut/.test(herald.logs());
  for (let i = 0; i < 1000 && !cut(); i += 1) {
    await publish(herald.url, { topic, data });
  }
  assert.ok(cut(), 'the hub logged "subscriber cut"');
  await waitForFigure(page, 'cut', { atLeast: 1 });
  await page.waitForSelector('[data-testid="fig-cut"][data-alert]');
  assert.match(await page.textContent('[data-testid="fig-cut"] .sub'), /^\+\d+ in 2 min$/);
  await page.waitForFunction(() =>
    Number(document.querySelector('[data-testid="chart-cut"]').dataset.max) >= 1);
  assert.ok((await chart(page, 'cut')).painted > 0);
  assert.deepEqual(page.errors, []);
});
