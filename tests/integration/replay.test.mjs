// HUB-CONTRACT "Endpoints": the resume point (Last-Event-ID header, else lastEventID query
// parameter; `earliest`; an unknown id = everything history holds) and the history bounds
// (--history-size, --history-bytes: the oldest are evicted).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { hubForBlock, startHerald } from '../lib/herald.mjs';
import { subscribeOk, publish, publishOk, sleep } from '../lib/sse_reader.mjs';

const uid = () => randomUUID().slice(0, 8);

describe('replay from history', () => {
  const fx = hubForBlock(['--dev'], subscribeOk);
  const sub = fx.sub;
  // Publishes n events e1..en on a fresh topic; returns { t, ids }.
  const seed = async (n, prefix = uid()) => {
    const t = `urn:test:replay:${prefix}`;
    const ids = [];
    for (let i = 1; i <= n; i++) ids.push(await publishOk(fx.hub.url, { topic: t, id: `${prefix}-e${i}`, data: `d${i}` }));
    return { t, ids };
  };
  // Publishes a live sentinel and returns the ids seen up to and including it.
  const idsUntilSentinel = async (s, t) => {
    const id = `live-${uid()}`;
    await publishOk(fx.hub.url, { topic: t, id, data: 'live' });
    await s.waitForEvent((e) => e.id === id, 5000, `live event ${id}`);
    return s.events.map((e) => e.id);
  };

  it('a repeated id is accepted, and a resume from it starts after its earliest occurrence', async () => {
    const prefix = uid();
    const t = `urn:test:replay:${prefix}`;
    const same = `${prefix}-same`;
    const sent = [];
    for (const [id, data] of [[same, 'first'], [`${prefix}-b`, 'b'], [same, 'second'], [`${prefix}-c`, 'c']]) {
      const r = await publish(fx.hub.url, { topic: t, id, data });
      assert.equal(r.status, 200, `publish ${id}: ${r.body}`);
      assert.equal(r.body, id, 'the answer is the given id');
      sent.push(data);
    }
    const s = await sub({ topics: t, lastEventIdHeader: same });
    await s.waitForEvents(3);
    await sleep(200);
    assert.deepEqual(s.events.map((e) => e.data), ['b', 'second', 'c']);
    const all = await sub({ topics: t, lastEventID: 'earliest' });
    await all.waitForEvents(4);
    assert.deepEqual(all.events.map((e) => e.data), sent);
  });

  it('no resume point: nothing is replayed', async () => {
    const { t } = await seed(3);
    const s = await sub({ topics: t });
    const ids = await idsUntilSentinel(s, t);
    assert.equal(ids.length, 1, `only the live event: ${ids}`);
  });

  it('Last-Event-ID header: replays what came after it, then live', async () => {
    const { t, ids } = await seed(5);
    const s = await sub({ topics: t, lastEventIdHeader: ids[1] });
    const got = await idsUntilSentinel(s, t);
    assert.deepEqual(got.slice(0, 3), ids.slice(2));
    assert.equal(got.length, 4);
    assert.deepEqual(s.events.slice(0, 3).map((e) => e.data), ['d3', 'd4', 'd5']);
  });

  it('lastEventID query parameter works the same', async () => {
    const { t, ids } = await seed(5);
    const s = await sub({ topics: t, lastEventID: ids[2] });
    const got = await idsUntilSentinel(s, t);
    assert.deepEqual(got.slice(0, -1), ids.slice(3));
  });

  it('the header wins over the query parameter', async () => {
    const { t, ids } = await seed(5);
    const s = await sub({ topics: t, lastEventIdHeader: ids[3], lastEventID: ids[0] });
    const got = await idsUntilSentinel(s, t);
    assert.deepEqual(got.slice(0, -1), [ids[4]]);
  });

  it('the newest id: nothing to replay, live continues', async () => {
    const { t, ids } = await seed(3);
    const s = await sub({ topics: t, lastEventIdHeader: ids[2] });
    const got = await idsUntilSentinel(s, t);
    assert.equal(got.length, 1);
  });

  it('`earliest` replays everything history holds for the topic', async () => {
    const { t, ids } = await seed(4);
    const s = await sub({ topics: t, lastEventID: 'earliest' });
    const got = await idsUntilSentinel(s, t);
    assert.deepEqual(got.slice(0, -1), ids);
  });

  it('`earliest` in the Last-Event-ID header too', async () => {
    const { t, ids } = await seed(2);
    const s = await sub({ topics: t, lastEventIdHeader: 'earliest' });
    const got = await idsUntilSentinel(s, t);
    assert.deepEqual(got.slice(0, -1), ids);
  });

  it('an id the history never saw: a herald-reset event, then everything history holds', async () => {
    const { t, ids } = await seed(3);
    const s = await sub({ topics: t, lastEventIdHeader: `never-seen-${uid()}` });
    const got = await idsUntilSentinel(s, t);
    const [reset] = s.events;
    assert.equal(reset.type, 'herald-reset');
    assert.equal(reset.id, '', 'the reset carries no id: the client keeps its own');
    const body = JSON.parse(reset.data);
    assert.equal(body.reason, 'last-event-id-not-held');
    assert.equal(typeof body.oldest, 'string', 'the oldest id history holds');
    assert.deepEqual(got.slice(1, -1), ids);
  });

  it('replay is filtered by the subscription topics and keeps the global order', async () => {
    const p = uid();
    const a = `urn:test:replay:a:${p}`;
    const b = `urn:test:replay:b:${p}`;
    const c = `urn:test:replay:c:${p}`;
    const start = await publishOk(fx.hub.url, { topic: c, id: `${p}-start`, data: 'start' });
    await publishOk(fx.hub.url, { topic: a, id: `${p}-a1`, data: 'a1' });
    await publishOk(fx.hub.url, { topic: c, id: `${p}-c1`, data: 'c1' });
    await publishOk(fx.hub.url, { topic: b, id: `${p}-b1`, data: 'b1' });
    await publishOk(fx.hub.url, { topic: [a, b], id: `${p}-ab`, data: 'ab' });
    await publishOk(fx.hub.url, { topic: a, id: `${p}-a2`, data: 'a2' });
    const s = await sub({ topics: [a, b], lastEventIdHeader: start });
    const got = await idsUntilSentinel(s, a);
    assert.deepEqual(got.slice(0, -1), [`${p}-a1`, `${p}-b1`, `${p}-ab`, `${p}-a2`]);
  });

  it('replayed events keep type, retry and multi-line data', async () => {
    const t = `urn:test:replay:${uid()}`;
    const first = await publishOk(fx.hub.url, { topic: t, data: 'x' });
    await publishOk(fx.hub.url, { topic: t, id: `typed-${uid()}`, type: 'kind', retry: '700', data: 'l1\nl2' });
    const s = await sub({ topics: t, lastEventIdHeader: first });
    const [ev] = await s.waitForEvents(1);
    assert.deepEqual({ type: ev.type, retry: ev.retry, data: ev.data }, { type: 'kind', retry: 700, data: 'l1\nl2' });
  });

  it('no gap and no duplicate between replay and live while publishing goes on', async () => {
    // Subscribe with `earliest` while a publisher runs: every event exactly once, in order.
    const t = `urn:test:race:${uid()}`;
    const total = 300;
    let published = 0;
    const pub = (async () => {
      for (; published < total; published++) {
        await publishOk(fx.hub.url, { topic: t, id: `race-${t.slice(-8)}-${published}`, data: String(published) });
      }
    })();
    const subs = [];
    for (let k = 0; k < 5; k++) {
      while (published < (k + 1) * 40) await sleep(5);
      subs.push(await sub({ topics: t, lastEventID: 'earliest' }));
    }
    await pub;
    const want = Array.from({ length: total }, (_, i) => String(i));
    for (const s of subs) {
      await s.waitForEvents(total, 20000);
      await sleep(100);
      assert.deepEqual(s.events.map((e) => e.data), want);
    }
  });
});

// --dev runs a ticker (5 events every 100 ms) that shares the history, so the bounds are
// checked with a burst of our own events and margins: what is replayed for our topic must
// be a contiguous run of the newest of ours, shorter than all of them.
describe('history bounds', () => {
  // Publishes `n` events b1..bn on a fresh topic as fast as possible; returns the ids.
  const burst = async (hub, t, n, data) => {
    const ids = [];
    for (let i = 1; i <= n; i++) ids.push(await publishOk(hub.url, { topic: t, id: `${t.slice(-8)}-b${i}`, data }));
    return ids;
  };
  const assertNewestRun = (got, ids, max, what, min = 1) => {
    assert.ok(got.length >= min && got.length <= max, `${what}: ${got.length} held, expected ${min}..${max}`);
    assert.deepEqual(got, ids.slice(ids.length - got.length), `${what}: the newest ones, contiguous, in order`);
  };

  it('--history-per-topic: a chatty topic cannot evict a quiet one', async () => {
    const hub = await startHerald(['--dev', '--no-ticker', '--history-size', '100', '--history-per-topic', '10']);
    const streams = [];
    try {
      const quiet = `urn:test:quiet:${uid()}`;
      const chatty = `urn:test:chatty:${uid()}`;
      const kept = await publishOk(hub.url, { topic: quiet, id: `${quiet.slice(-8)}-q`, data: 'q' });
      const ids = await burst(hub, chatty, 300, 'd');
      const sQuiet = await subscribeOk(hub.url, { topics: quiet, lastEventID: 'earliest' });
      streams.push(sQuiet);
      const [ev] = await sQuiet.waitForEvents(1);
      assert.equal(ev.id, kept, 'the quiet topic keeps its event after 300 on another topic');
      const sChatty = await subscribeOk(hub.url, { topics: chatty, lastEventID: 'earliest' });
      streams.push(sChatty);
      await sChatty.waitForEvent((e) => e.id === ids.at(-1), 5000, 'the newest chatty event');
      await sleep(200);
      assert.deepEqual(sChatty.events.map((e) => e.id), ids.slice(-10), 'the newest 10 of the chatty topic');
    } finally {
      for (const s of streams) s.close();
      assert.equal(await hub.stop(), 0);
    }
  });

  it('--history-size 100 keeps at most the newest 100: the oldest are evicted', async () => {
    const hub = await startHerald(['--dev', '--history-size', '100']);
    const streams = [];
    try {
      const t = `urn:test:bounds:${uid()}`;
      const ids = await burst(hub, t, 150, 'd');

      const sEarliest = await subscribeOk(hub.url, { topics: t, lastEventID: 'earliest' });
      streams.push(sEarliest);
      await sEarliest.waitForEvent((e) => e.id === ids.at(-1), 5000, 'the newest of ours');
      await sleep(200);
      const held = sEarliest.events.map((e) => e.id);
      assertNewestRun(held, ids, 100, 'earliest');

      // An evicted id: everything history still holds (it may have lost a few more to the
      // ticker meanwhile, never gained).
      const sEvicted = await subscribeOk(hub.url, { topics: t, lastEventIdHeader: ids[0] });
      streams.push(sEvicted);
      await sEvicted.waitForEvent((e) => e.id === ids.at(-1), 5000, 'the newest of ours');
      await sleep(200);
      assert.equal(sEvicted.events[0].type, 'herald-reset', 'an evicted id: told first');
      const got = sEvicted.events.slice(1).map((e) => e.id);
      assertNewestRun(got, ids, held.length, 'an evicted id');

      // A recent id still held: exactly what came after it.
      const sRecent = await subscribeOk(hub.url, { topics: t, lastEventIdHeader: ids.at(-4) });
      streams.push(sRecent);
      await sRecent.waitForEvents(3);
      await sleep(200);
      assert.deepEqual(sRecent.events.map((e) => e.id), ids.slice(-3));

      // An id still held may be published again (neither Mercure generation forbids it).
      const again = await publish(hub.url, { topic: t, id: ids.at(-1), data: 'again' });
      assert.equal(again.status, 200, 'a repeated id is accepted');
      assert.equal(again.body, ids.at(-1));

      // After a second the ticker (50 events/s) has pushed all of ours out.
      await sleep(2500);
      const sLater = await subscribeOk(hub.url, { topics: t, lastEventID: 'earliest' });
      streams.push(sLater);
      const live = await publishOk(hub.url, { topic: t, id: `${t.slice(-8)}-live`, data: 'live' });
      await sLater.waitForEvent((e) => e.id === live);
      assert.deepEqual(sLater.events.map((e) => e.id), [live], 'all evicted: only the live event');
    } finally {
      for (const s of streams) s.close();
      assert.equal(await hub.stop(), 0);
    }
  });

  it('--history-size 5: never more than the newest 5', async () => {
    const hub = await startHerald(['--dev', '--history-size', '5']);
    const streams = [];
    try {
      const t = `urn:test:bounds5:${uid()}`;
      const ids = await burst(hub, t, 8, 'd');
      for (const opts of [{ lastEventID: 'earliest' }, { lastEventIdHeader: ids[0] }]) {
        const s = await subscribeOk(hub.url, { topics: t, ...opts });
        streams.push(s);
        const live = await publishOk(hub.url, { topic: t, id: `${t.slice(-8)}-live-${streams.length}`, data: 'live' });
        await s.waitForEvent((e) => e.id === live, 5000, 'the live event');
        // An evicted id is told first (herald-reset, no id of its own).
        const told = s.events.filter((e) => e.type === 'herald-reset').length;
        assert.equal(told, opts.lastEventIdHeader ? 1 : 0, `${JSON.stringify(opts)}: herald-reset events`);
        const got = s.events.filter((e) => e.type !== 'herald-reset').map((e) => e.id).filter((id) => id !== live);
        // The ticker may have pushed some or all of ours out already: 0..5 of the newest.
        assertNewestRun(got, ids, 5, JSON.stringify(opts), 0);
        ids.push(live); // part of the topic's history from now on
      }
    } finally {
      for (const s of streams) s.close();
      assert.equal(await hub.stop(), 0);
    }
  });

  it('--history-bytes bounds the history by size, evicting the oldest', async () => {
    const hub = await startHerald(['--dev', '--history-size', '100000', '--history-bytes', '40000']);
    const streams = [];
    try {
      const t = `urn:test:bytes:${uid()}`;
      const ids = await burst(hub, t, 80, 'y'.repeat(1000));
      const s = await subscribeOk(hub.url, { topics: t, lastEventID: 'earliest' });
      streams.push(s);
      await s.waitForEvent((e) => e.id === ids.at(-1), 5000, 'the newest of ours');
      await sleep(300);
      // 80 events of ~1 KB do not fit in 40000 bytes.
      assertNewestRun(s.events.map((e) => e.id), ids, 40, 'earliest');
    } finally {
      for (const s of streams) s.close();
      assert.equal(await hub.stop(), 0);
    }
  });
});
