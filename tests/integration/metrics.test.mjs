// /metrics, /healthz and /readyz after known traffic (issue 3, observability).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHerald } from '../lib/herald.mjs';
import { subscribeOk, publish } from '../lib/sse_reader.mjs';

let hub;
before(async () => { hub = await startHerald(['--dev', '--no-ticker', '--threads', '1']); });
after(async () => { await hub.stop(); });

async function metrics() {
  const res = await fetch(`${hub.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const values = {};
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [name, value] = line.split(' ');
    values[name] = Number(value);
  }
  return values;
}

async function until(fn, what, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('counters follow known traffic', async () => {
  const base = await metrics();
  assert.equal(base.herald_events_published_total, 0);
  const a = await subscribeOk(hub.url, { topics: ['m'] });
  const b = await subscribeOk(hub.url, { topics: ['m', 'other'] });
  await until(async () => (await metrics()).herald_subscribers === 2, '2 subscribers');
  for (let i = 0; i < 3; i++) {
    const r = await publish(hub.url, { topic: 'm', data: `e${i}` });
    assert.equal(r.status, 200);
  }
  assert.equal((await publish(hub.url, { data: 'no topic' })).status, 400);
  await a.waitForEvents(3);
  await b.waitForEvents(3);
  const m = await until(async () => {
    const v = await metrics();
    return v.herald_events_delivered_total === 6 ? v : null;
  }, '6 deliveries');
  assert.equal(m.herald_events_published_total, 3);
  assert.equal(m.herald_publishes_rejected_total, 1);
  assert.equal(m.herald_publish_latency_seconds_count, 3);
  assert.equal(m['herald_publish_latency_seconds_bucket{le="+Inf"}'], 3);
  assert.equal(m.herald_history_events, 3);
  assert.ok(m.herald_connections >= 2);
  assert.equal(m.herald_topics, 2, 'selectors m and other');
  assert.ok(m.herald_bytes_written_total > 0);
  assert.equal(m['herald_shard_queue_depth{shard="0"}'], 0);
  a.close();
  b.close();
  await until(async () => (await metrics()).herald_subscribers === 0, 'subscribers gone');
});

test('replayed events are counted', async () => {
  const before = (await metrics()).herald_events_replayed_total;
  const s = await subscribeOk(hub.url, { topics: ['m'], lastEventID: 'earliest' });
  await s.waitForEvents(3);
  s.close();
  assert.equal((await metrics()).herald_events_replayed_total, before + 3);
});

test('health and readiness', async () => {
  const h = await fetch(`${hub.url}/healthz`);
  assert.equal(h.status, 200);
  assert.equal((await h.text()).trim(), 'ok');
  const r = await fetch(`${hub.url}/readyz`);
  assert.equal(r.status, 200);
  assert.equal((await r.text()).trim(), 'ready');
});
