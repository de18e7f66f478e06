// Cluster mode (`herald serve --store redis://HOST:PORT[/DB]`, see
// lib/cluster/include/herald/cluster/redis_history.hpp) against a real redis-server and
// several real nodes: a publish on any node reaches the subscribers of every node, all in
// the one stream order, its fields intact; a resume by Last-Event-ID is exact on any node,
// also on one that joined late; a Redis kill -9 and restart loses nothing acknowledged and
// refuses (503) while Redis is away; a frozen Redis gets 503s in bounded time; a node
// killed hard or stopped loses its subscribers nothing; private updates stay private
// across nodes; Redis databases are separate hubs; a node started before Redis serves
// once Redis comes; a bad --store URL is an error (exit 2). Each test has its own Redis
// (and temp dir) and nodes, stopped by their own handles at its end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { startHerald, runHerald } from '../lib/herald.mjs';
import { subscribe, subscribeOk, publish, publishOk, sleep } from '../lib/sse_reader.mjs';
import { request } from '../lib/http_util.mjs';
import { killHard, eventually, metrics } from '../lib/durable.mjs';
import { startRedis, freePort, redisCommand } from '../lib/redis.mjs';
import { DEV_KEY, mercureToken, bearer } from '../lib/jwt.mjs';

const uid = () => randomUUID().slice(0, 8);
const ids = (events) => events.map((e) => e.id);
const alive = (node) => node.proc.exitCode === null && node.proc.signalCode === null;
const RESET = 'herald-reset';

// `herald serve` flags of a quiet dev node on `redis` (anonymous publish and subscribe).
const devNode = (redis) => ['--dev', '--no-ticker', '--heartbeat', '0', '--store', redis.url];

async function readyz(node) {
  return request(node.url, { path: '/readyz', timeoutMs: 3000 });
}

// Starts `n` nodes (in parallel) with `argsOf(redis)`; resolves once each answers /readyz
// 200 (it has read the stream). The nodes already started are pushed to `nodes` even when
// another fails, so the caller stops them all.
async function startNodes(redis, n, argsOf, nodes) {
  const started = await Promise.allSettled(Array.from({ length: n }, () => startHerald(argsOf(redis))));
  for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  await Promise.all(nodes.map((node, i) => eventually(async () => (await readyz(node)).status === 200,
    `node ${i} /readyz 200`, { timeoutMs: 10000 })));
}

// Runs fn({ redis, nodes, sub }) against a fresh Redis and `n` nodes on it. `sub(node,
// opts)` subscribes (200 or it throws) and the stream is closed at the end. Nodes still
// running at the end must stop cleanly (exit 0); whatever happens, every node is resumed
// (SIGCONT) and killed, and Redis killed and its directory removed.
async function withCluster(n, fn, { argsOf = devNode } = {}) {
  const redis = await startRedis();
  const nodes = [];
  const streams = [];
  const sub = async (node, opts) => {
    const s = await subscribeOk(node.url, opts);
    streams.push(s);
    return s;
  };
  try {
    await startNodes(redis, n, argsOf, nodes);
    await fn({ redis, nodes, sub, streams });
    for (const s of streams) s.close();
    for (const [i, node] of nodes.entries()) {
      if (alive(node)) assert.equal(await node.stop(), 0, `node ${i} stops cleanly; its log:\n${node.logs()}`);
    }
  } finally {
    for (const s of streams) s.close();
    for (const node of nodes) {
      if (alive(node)) node.proc.kill('SIGCONT');
      await killHard(node);
    }
    await redis.cleanup();
  }
}

// The events of `s` before the event `endId` (the sentinel the test published last, after
// which nothing else comes), once it arrived. Fails when a reset came.
async function eventsUntil(s, endId, timeoutMs = 15000, what = 'a subscriber') {
  const isEnd = (e) => e.id === endId && e.type === 'message';
  await s.waitForEvent(isEnd, timeoutMs, `${endId} on ${what}`);
  const end = s.events.findIndex(isEnd);
  const before = s.events.slice(0, end);
  assert.ok(!before.some((e) => e.type === RESET), `${what}: no ${RESET}: ` +
    `${JSON.stringify(before.filter((e) => e.type === RESET))}`);
  return before;
}

function assertNoDuplicates(list, what) {
  const seen = new Set();
  const dups = list.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  assert.deepEqual(dups, [], `${what}: no id twice`);
}

// Every publisher's ids appear in `order` in the order it published them (each publish
// was answered before the next was sent).
function assertPublisherOrder(order, published, what) {
  for (const [i, mine] of published.entries()) {
    const set = new Set(mine);
    assert.deepEqual(order.filter((id) => set.has(id)), mine, `${what}: publisher ${i}'s events in its order`);
  }
}

// Resolves once every thread of process `pid` is stopped (state T in /proc), bounded.
async function waitStopped(pid, timeoutMs = 5000) {
  const states = () => fs.readdirSync(`/proc/${pid}/task`).map((tid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch {
      return 'gone';
    }
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = states();
    if (now.every((st) => st === 'T' || st === 't' || st === 'gone')) return;
    if (Date.now() > deadline) throw new Error(`process ${pid} not stopped after ${timeoutMs} ms: ${now.join('')}`);
    await sleep(5);
  }
}

// A TCP proxy to Redis for one node whose replies can be held back: hold() keeps what
// Redis sends (the node lags: its XREAD replies wait here), and when Redis closes a
// connection the node's side is closed too and what was held is dropped, as when the
// network lost it. New connections (Redis restarted) go to the same port.
async function startHoldingProxy(targetPort) {
  const pairs = new Set();
  let holding = false;
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    const pair = { client, upstream };
    pairs.add(pair);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => { if (!holding) client.write(d); });
    const end = () => { client.destroy(); upstream.destroy(); pairs.delete(pair); };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `redis://127.0.0.1:${server.address().port}`,
    hold: () => { holding = true; },
    release: () => { holding = false; },
    close: () => new Promise((resolve) => {
      for (const { client, upstream } of pairs) { client.destroy(); upstream.destroy(); }
      server.close(() => resolve());
    }),
  };
}

// Publishes on `node` until one is answered 200 (at most `tries`, 200 ms apart), each try
// with an id of its own (`${prefix}-${try}`): a 504 (not confirmed) may still land in the
// stream (see the frozen-Redis tests), and a retry under the same id would then be there
// twice. Resolves
// { acked: the id answered 200, tried: every id sent }.
async function publishUntilOk(node, topic, prefix, { tries = 40 } = {}) {
  const tried = [];
  for (let k = 0; k < tries; k++) {
    const id = `${prefix}-${k}`;
    tried.push(id);
    const r = await publish(node.url, { topic, id, data: prefix }, { timeoutMs: 10000 });
    if (r.status === 200) return { acked: id, tried };
    await sleep(200);
  }
  throw new Error(`no publish on ${node.url} answered 200 in ${tries} tries`);
}

describe('cluster: one Redis stream, several nodes', () => {
  it('three nodes: every subscriber on every node gets every event exactly once, all in the same order', async () => {
    await withCluster(3, async ({ nodes, sub }) => {
      const p = uid();
      const T = `urn:t:cluster:fanout:${p}`;
      const subs = [];
      for (const [n, node] of nodes.entries()) {
        for (let k = 0; k < 3; k++) subs.push({ what: `subscriber ${k} on node ${n}`, s: await sub(node, { topics: T }) });
      }
      // 20 events from each node, the three publishers at once.
      const published = await Promise.all(nodes.map(async (node, n) => {
        const mine = [];
        for (let j = 0; j < 20; j++) {
          const id = `${p}-n${n}-${j}`;
          assert.equal(await publishOk(node.url, { topic: T, id, data: `data of ${id}` }), id);
          mine.push(id);
        }
        return mine;
      }));
      const end = `${p}-end`;
      await publishOk(nodes[1].url, { topic: T, id: end, data: 'end' });
      const all = published.flat();
      const seqs = await Promise.all(subs.map(({ s, what }) => eventsUntil(s, end, 15000, what)));
      const ref = ids(seqs[0]);
      assertNoDuplicates(ref, subs[0].what);
      assert.deepEqual([...ref].sort(), [...all].sort(), `${subs[0].what}: every event published, once`);
      assertPublisherOrder(ref, published, 'the stream order');
      for (const [k, seq] of seqs.entries()) {
        assert.deepEqual(ids(seq), ref, `${subs[k].what} sees the same events in the same order as ${subs[0].what}`);
        for (const e of seq) assert.equal(e.data, `data of ${e.id}`, `${subs[k].what}: the data of ${e.id}`);
      }
      // Three publishers at once on three nodes: the stream interleaves them (a weak
      // check that the test did publish concurrently, not one node after the other).
      const firstOf = published.map((mine) => ref.indexOf(mine[0]));
      const lastOf = published.map((mine) => ref.indexOf(mine.at(-1)));
      assert.ok(Math.max(...firstOf) < Math.min(...lastOf), `the publishers overlapped: first ${firstOf}, last ${lastOf}`);
    });
  });

  it('a subscriber resumes on another node with Last-Event-ID: exactly what followed, then live', async () => {
    await withCluster(3, async ({ nodes: [A, B, C], sub }) => {
      const p = uid();
      const T = `urn:t:cluster:resume:${p}`;
      const first = await sub(A, { topics: T });
      const before = [];
      for (let j = 0; j < 5; j++) {
        const id = `${p}-a${j}`;
        await publishOk(A.url, { topic: T, id, data: `data of ${id}` });
        before.push(id);
      }
      assert.deepEqual(ids(await first.waitForEvents(5)), before, 'the first subscriber on A');
      first.close();
      const lastSeen = first.events.at(-1).id;

      // Published on B and C while it is away.
      const missed = [];
      for (let j = 0; j < 6; j++) {
        const id = `${p}-m${j}`;
        await publishOk(j % 2 ? C.url : B.url, { topic: T, id, data: `data of ${id}` });
        missed.push(id);
      }
      const resumed = await sub(B, { topics: T, lastEventIdHeader: lastSeen });
      assert.deepEqual(ids(await resumed.waitForEvents(missed.length)), missed, 'the resume on B replays what it missed');
      // Then live ones, from all three nodes.
      const live = [];
      for (const [j, node] of [C, A, B].entries()) {
        const id = `${p}-l${j}`;
        await publishOk(node.url, { topic: T, id, data: `data of ${id}` });
        live.push(id);
      }
      const end = `${p}-end`;
      await publishOk(C.url, { topic: T, id: end, data: 'end' });
      const got = await eventsUntil(resumed, end, 10000, 'the resumed subscriber on B');
      assert.deepEqual(ids(got), [...missed, ...live], 'resumed on B: no gap, no duplicate, then live');
      for (const e of got) assert.equal(e.data, `data of ${e.id}`);

      // The same resume point through the 0.x lastEventID query parameter on C, and a
      // Mercure 1.0 match= subscription with the Last-Event-ID header on A.
      const byQuery = await sub(C, { topics: T, lastEventID: lastSeen });
      assert.deepEqual(ids(await eventsUntil(byQuery, end, 10000, 'lastEventID= on C')), [...missed, ...live]);
      const v1 = await sub(A, { query: [['match', T]], lastEventIdHeader: lastSeen });
      assert.deepEqual(ids(await eventsUntil(v1, end, 10000, '1.0 match= on A')), [...missed, ...live]);
      const v1q = await sub(B, { query: [['match', T], ['last_event_id', missed[2]]] });
      assert.deepEqual(ids(await eventsUntil(v1q, end, 10000, '1.0 last_event_id= on B')), [...missed.slice(3), ...live]);
    });
  });

  it('resume from a generated id, and right after the publish on another node (it waits to have read it)', async () => {
    await withCluster(3, async ({ nodes: [A, B, C], sub }) => {
      const p = uid();
      const T = `urn:t:cluster:genid:${p}`;
      // A generated id: the publish answers it.
      const gen = await publishOk(A.url, { topic: T, data: 'generated' });
      assert.match(gen, /^urn:uuid:[0-9a-f-]{36}$/, 'the publish answers the generated id');
      const after = [];
      for (let j = 0; j < 3; j++) after.push(await publishOk(B.url, { topic: T, data: `after ${j}` }));
      const end = `${p}-end`;
      await publishOk(A.url, { topic: T, id: end, data: 'end' });
      const onC = await sub(C, { topics: T, lastEventIdHeader: gen });
      const got = await eventsUntil(onC, end, 10000, 'the resume from a generated id on C');
      assert.deepEqual(ids(got), after, 'exactly the events after the generated id');
      assert.deepEqual(got.map((e) => e.data), ['after 0', 'after 1', 'after 2']);
      const earliest = await sub(B, { topics: T, lastEventIdHeader: 'earliest' });
      assert.deepEqual(ids(await eventsUntil(earliest, end, 10000, 'earliest on B')), [gen, ...after], 'earliest on B');

      // Publish x then y on one node and resume from x on another at once: the node may
      // not have read x yet; it must wait for it, not answer a reset or skip y.
      for (let round = 0; round < 12; round++) {
        const [from, to] = [[A, B], [B, C], [C, A]][round % 3];
        const x = `${p}-x${round}`;
        const y = `${p}-y${round}`;
        await publishOk(from.url, { topic: T, id: x, data: 'x' });
        await publishOk(from.url, { topic: T, id: y, data: 'y' });
        const s = await subscribeOk(to.url, { topics: T, lastEventIdHeader: x });
        try {
          const [e] = await s.waitForEvents(1, 5000);
          assert.deepEqual({ id: e.id, type: e.type, data: e.data }, { id: y, type: 'message', data: 'y' },
            `round ${round}: the resume from ${x} starts with ${y}`);
        } finally {
          s.close();
        }
      }
    });
  });

  it('an update crosses nodes intact: type, retry, multi-line and non-ASCII data, several topics', async () => {
    await withCluster(2, async ({ nodes: [A, B], sub }) => {
      const p = uid();
      const T = `urn:t:cluster:fields:${p}`;
      const U = `urn:t:cluster:fields:other:${p}`;
      const onT = await sub(B, { topics: T });
      const onU = await sub(B, { topics: U });
      const data = 'line one\nline two: ünïcødé ✓ 🚀\n\n  indented, then an empty line above';
      const big = 'x'.repeat(200000);
      await publishOk(A.url, { topic: [T, U], id: `${p}-1`, type: 'custom-type', retry: '4321', data });
      await publishOk(A.url, { topic: T, id: `${p}-2`, data: big });
      await publishOk(A.url, { topic: U, id: `${p}-3`, data: 'only U' });
      const end = `${p}-end`;
      await publishOk(A.url, { topic: [T, U], id: end, data: 'end' });
      const gotT = await eventsUntil(onT, end, 10000, 'the subscriber to T on B');
      assert.deepEqual(gotT.map(({ id, type, data: d, retry }) => ({ id, type, data: d, retry })), [
        { id: `${p}-1`, type: 'custom-type', data, retry: 4321 },
        { id: `${p}-2`, type: 'message', data: big, retry: undefined },
      ], 'T on B: the fields as published on A');
      const gotU = await eventsUntil(onU, end, 10000, 'the subscriber to U on B');
      assert.deepEqual(ids(gotU), [`${p}-1`, `${p}-3`], 'U on B: its two');
      assert.equal(gotU[0].data, data);
      // And from the other node's mirror, in a replay.
      const replay = await sub(A, { topics: T, lastEventIdHeader: 'earliest' });
      const gotReplay = await eventsUntil(replay, end, 10000, 'earliest on A');
      assert.deepEqual(gotReplay.map((e) => [e.id, e.type, e.data.length, e.retry]),
        [[`${p}-1`, 'custom-type', data.length, 4321], [`${p}-2`, 'message', big.length, undefined]]);
    });
  });

  it('a node that joins late reads the whole stream (several XREAD batches) and resumes exactly', async () => {
    const argsOf = (redis) => [...devNode(redis), '--history-per-topic', '0'];
    await withCluster(1, async ({ redis, nodes, sub }) => {
      const [A] = nodes;
      const p = uid();
      const T = `urn:t:cluster:late:${p}`;
      const live = await sub(A, { topics: T });
      // 2500 events (more than two batches of 1000), 10 publishers at once on A.
      const total = 2500;
      const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
      try {
        let next = 0;
        await Promise.all(Array.from({ length: 10 }, async () => {
          while (next < total) {
            const id = `${p}-${next++}`;
            await publishOk(A.url, { topic: T, id, data: `data of ${id}` }, { agent });
          }
        }));
      } finally {
        agent.destroy();
      }
      const end = `${p}-end`;
      await publishOk(A.url, { topic: T, id: end, data: 'end' });
      const order = ids(await eventsUntil(live, end, 20000, 'the live subscriber on A'));
      assert.equal(order.length, total, 'A delivered every event');
      assertNoDuplicates(order, 'A');
      // B starts now: it reads what the stream holds before it says it is ready.
      const late = [];
      await startNodes(redis, 1, argsOf, late);
      nodes.push(...late);
      const [B] = late;
      const all = await sub(B, { topics: T, lastEventIdHeader: 'earliest' });
      assert.deepEqual(ids(await eventsUntil(all, end, 20000, 'earliest on B')), order, 'earliest on B: A\'s order');
      const from = order[1234];
      const resumed = await sub(B, { topics: T, lastEventIdHeader: from });
      assert.deepEqual(ids(await eventsUntil(resumed, end, 20000, `resume from ${from} on B`)), order.slice(1235));
    }, { argsOf });
  });

  it('Redis killed (-9) and restarted under publishers: nothing acknowledged is lost, nothing refused appears, live streams go on', async (t) => {
    await withCluster(3, async ({ redis, nodes, sub, streams }) => {
      const p = uid();
      const T = `urn:t:cluster:redis-restart:${p}`;
      const live = [];
      for (const [n, node] of nodes.entries()) live.push({ what: `live subscriber on node ${n}`, s: await sub(node, { topics: T }) });
      live.push({ what: 'second live subscriber on node 0', s: await sub(nodes[0], { topics: T }) });

      let stop = false;
      const deadline = Date.now() + 10000;
      const marks = {};
      // Each publisher: up to 300 publishes (or 10 s), one at a time, 15 ms apart.
      const loop = async (node, n) => {
        const log = [];
        for (let j = 0; j < 300 && !stop && Date.now() < deadline; j++) {
          const id = `${p}-n${n}-${j}`;
          const at = Date.now();
          try {
            const r = await publish(node.url, { topic: T, id, data: `data of ${id}` }, { timeoutMs: 8000 });
            log.push({ id, at, status: r.status, body: r.body });
          } catch (e) {
            log.push({ id, at, status: 'error', body: e.message });
          }
          await sleep(15);
        }
        return log;
      };
      const running = nodes.map((node, n) => loop(node, n));
      await sleep(1000);
      marks.kill = Date.now();
      await redis.kill();
      // While Redis is away: every node says it is not ready, naming Redis; a subscriber
      // that comes now to node 1 to resume from the newest event node 1 delivered is either
      // refused (503) or served what followed, then the rest once Redis is back. (From an
      // id another node delivered but node 1 had not read yet: the todo test below.)
      await Promise.all(nodes.map(async (node, n) => {
        const r = await eventually(async () => {
          const x = await readyz(node);
          return x.status === 503 ? x : null;
        }, `node ${n} /readyz 503 once Redis is gone`, { timeoutMs: 5000, everyMs: 20 });
        assert.match(r.body, /^not ready: .*Redis/, `node ${n} /readyz while Redis is away: ${r.body}`);
      }));
      const lastBeforeKill = live[1].s.events.at(-1)?.id;
      let outageResume;
      if (lastBeforeKill) {
        const s = await subscribe(nodes[1].url, { topics: T, lastEventIdHeader: lastBeforeKill });
        if (s.status === 200) {
          streams.push(s);
          outageResume = s;
        } else {
          const body = await s.waitForBody(2000);
          s.close();
          assert.equal(s.status, 503, `a resume while Redis is away: ${s.status} ${body}`);
          assert.match(body, /Redis/, 'the 503 of a subscribe names Redis');
        }
      }
      const downFor = Date.now() - marks.kill;
      if (downFor < 1000) await sleep(1000 - downFor);
      await redis.restart();
      marks.restarted = Date.now();
      try {
        for (const [n, node] of nodes.entries()) {
          await eventually(async () => (await readyz(node)).status === 200, `node ${n} ready again after the restart`,
            { timeoutMs: 8000 });
        }
        await sleep(500); // some publishes after the recovery
      } finally {
        stop = true;
      }
      const logs = await Promise.all(running);
      const results = logs.flat();

      for (const r of results) {
        assert.ok([200, 503, 504, 'error'].includes(r.status), `${r.id}: answered ${r.status} ${r.body}`);
        if (r.status === 200) assert.equal(r.body, r.id, `${r.id}: a 200 answers the id`);
        if (r.status === 503) assert.match(r.body, /^not published: .*Redis/, `${r.id}: the 503 says why`);
        if (r.status === 504) assert.match(r.body, /^not confirmed: .*may still be delivered/, `${r.id}: the 504 says why`);
      }
      assert.deepEqual(results.filter((r) => r.status === 'error').map((r) => `${r.id}: ${r.body}`), [],
        'the nodes answered every publish (200, 503 or 504)');
      assert.ok(results.some((r) => r.status === 503), 'some publishes were refused while Redis was away');
      for (const [n, log] of logs.entries()) {
        assert.ok(log.some((r) => r.status === 200 && r.at < marks.kill), `publisher ${n}: a 200 before the kill`);
        assert.ok(log.some((r) => r.status === 200 && r.at > marks.restarted), `publisher ${n}: a 200 after the restart`);
        assert.ok(!log.some((r) => r.status === 200 && r.at > marks.kill + 50 && r.at < marks.restarted),
          `publisher ${n}: no 200 while Redis was down (sent between the kill and the restart)`);
      }
      const acked = logs.map((log) => log.filter((r) => r.status === 200).map((r) => r.id));
      const ackedSet = new Set(acked.flat());
      // A 504 is an XADD whose fate is unknown (Redis may have written it just before the
      // kill): it may be in the stream. A 503 was never sent to Redis and must never appear.
      const refused = new Set(results.filter((r) => r.status === 503).map((r) => r.id));
      const maybe = new Set(results.filter((r) => r.status === 504).map((r) => r.id));
      assert.ok(refused.size > 0, 'some publishes were refused outright (Redis known to be away)');

      const end = `${p}-end`;
      for (const [n, node] of nodes.entries()) await publishOk(node.url, { topic: T, id: `${end}-${n}`, data: 'after' });
      await publishOk(nodes[2].url, { topic: T, id: end, data: 'end' });
      const tails = nodes.map((_, n) => `${end}-${n}`);

      const check = (got, what) => {
        const order = ids(got);
        assertNoDuplicates(order, what);
        const lost = [...ackedSet].filter((id) => !order.includes(id));
        assert.deepEqual(lost, [], `${what}: every acknowledged publish is there`);
        const leaked = order.filter((id) => refused.has(id));
        assert.deepEqual(leaked, [], `${what}: no publish refused with 503 is there`);
        const strangers = order.filter((id) => !ackedSet.has(id) && !maybe.has(id) && !tails.includes(id));
        assert.deepEqual(strangers, [], `${what}: nothing else`);
        assert.deepEqual(order.slice(-tails.length), tails, `${what}: the publishes after the recovery come last`);
        assertPublisherOrder(order, acked, what);
        return order;
      };
      // The subscribers that stayed connected through the restart.
      const liveOrders = [];
      for (const { s, what } of live) {
        liveOrders.push(check(await eventsUntil(s, end, 20000, what), what));
        assert.deepEqual(liveOrders.at(-1), liveOrders[0], `${what}: the same order as ${live[0].what}`);
      }
      // Resumes on every node: from the beginning, and from the first acknowledged event.
      const firstAcked = liveOrders[0].find((id) => ackedSet.has(id));
      for (const [n, node] of nodes.entries()) {
        const all = await sub(node, { topics: T, lastEventIdHeader: 'earliest' });
        assert.deepEqual(check(await eventsUntil(all, end, 10000, `earliest on node ${n}`), `earliest on node ${n}`),
          liveOrders[0], `earliest on node ${n}: what the live subscribers saw`);
        const fromFirst = await sub(node, { topics: T, lastEventIdHeader: firstAcked });
        assert.deepEqual(ids(await eventsUntil(fromFirst, end, 10000, `resume from ${firstAcked} on node ${n}`)),
          liveOrders[0].slice(liveOrders[0].indexOf(firstAcked) + 1), `resume from ${firstAcked} on node ${n}`);
      }
      if (outageResume) {
        const what = `the resume from ${lastBeforeKill} on node 1 while Redis was away`;
        assert.deepEqual(ids(await eventsUntil(outageResume, end, 10000, what)),
          liveOrders[0].slice(liveOrders[0].indexOf(lastBeforeKill) + 1), what);
      }
      t.diagnostic(`a resume while Redis was away: ${outageResume ? 'served (200)' : 'refused (503)'}`);
      const appeared = [...maybe].filter((id) => liveOrders[0].includes(id));
      if (maybe.size) {
        t.diagnostic(`${maybe.size} publishes of unknown fate (504 "not confirmed"), ${appeared.length} of ` +
          `them in the stream: ${appeared.join(' ')}`);
      }
      t.diagnostic(`acked ${ackedSet.size}, refused ${refused.size}, unknown fate ${maybe.size}`);
    });
  });

  // Redis frozen (SIGSTOP) rather than gone: its sockets still accept, nothing answers.
  // A publish must not hang: it gets 503 once the command timeout (3 s) passes; the nodes
  // recover when Redis does, and their subscribers agree.
  // A node that lags (it had not read the newest entries when Redis went away) and a
  // subscriber that moves to it from another node meanwhile, with the Last-Event-ID it
  // got there: the id is in the stream, the cluster delivered it, but this node cannot
  // know it until Redis is back. It refuses (503, the client asks again); answering "not
  // held" (herald-reset, then everything from the oldest) would break the exact resume.
  it('a resume, while Redis is away, on a node that lags, from an id another node delivered, is exact', async () => {
    const redis = await startRedis();
    const proxy = await startHoldingProxy(redis.port);
    const nodes = [];
    const streams = [];
    try {
      nodes.push(await startHerald(devNode(redis)));
      nodes.push(await startHerald(['--dev', '--no-ticker', '--heartbeat', '0', '--store', proxy.url]));
      const [A, B] = nodes;
      for (const [n, node] of nodes.entries()) {
        await eventually(async () => (await readyz(node)).status === 200, `node ${n} ready`, { timeoutMs: 10000 });
      }
      const p = uid();
      const T = `urn:t:cluster:lag:${p}`;
      const sA = await subscribeOk(A.url, { topics: T });
      const sB = await subscribeOk(B.url, { topics: T });
      streams.push(sA, sB);
      await publishOk(A.url, { topic: T, id: `${p}-1`, data: 'one' });
      await Promise.all([sA, sB].map((s) => s.waitForEvents(1)));
      proxy.hold(); // B reads no more
      await publishOk(A.url, { topic: T, id: `${p}-2`, data: 'two' });
      assert.deepEqual(ids(await sA.waitForEvents(2)), [`${p}-1`, `${p}-2`], 'A delivered 2');
      await sleep(200);
      assert.deepEqual(ids(sB.events), [`${p}-1`], 'B lags: it has not read 2');
      await redis.kill();
      await eventually(async () => (await readyz(B)).status === 503, 'B not ready once Redis is gone', { timeoutMs: 5000 });
      proxy.release();

      // The subscriber of A moves to B with the last id it got.
      const moved = await subscribe(B.url, { topics: T, lastEventIdHeader: `${p}-2` });
      streams.push(moved);
      const status = moved.status;
      await redis.restart();
      await eventually(async () => (await readyz(B)).status === 200, 'B ready again', { timeoutMs: 10000 });
      await publishOk(A.url, { topic: T, id: `${p}-3`, data: 'three' });
      assert.deepEqual(ids(await eventsUntil(sB, `${p}-3`, 10000, 'the live subscriber on B')), [`${p}-1`, `${p}-2`],
        'the live subscriber on B: no gap once Redis is back');
      let resumed = moved;
      if (status !== 200) {
        const body = await moved.waitForBody(2000);
        assert.equal(status, 503, `the resume on B while Redis is away: ${status} ${body}`);
        assert.match(body, /cannot resume from this Last-Event-ID now/, 'the 503 says why');
        resumed = await subscribeOk(B.url, { topics: T, lastEventIdHeader: `${p}-2` });
        streams.push(resumed);
      }
      const got = await resumed.waitForEvent((e) => e.id === `${p}-3`, 10000, `${p}-3 on the resumed subscriber`)
        .then(() => resumed.events);
      assert.deepEqual(got.map((e) => `${e.type} ${e.id}`), [`message ${p}-3`],
        `the resume from ${p}-2 on B (answered ${status}): exactly what followed`);
      for (const s of streams) s.close();
      for (const [n, node] of nodes.entries()) assert.equal(await node.stop(), 0, `node ${n} stops cleanly`);
    } finally {
      for (const s of streams) s.close();
      for (const node of nodes) await killHard(node);
      await proxy.close();
      await redis.cleanup();
    }
  });

  it('Redis frozen (SIGSTOP) for 4 s: publishes get 504 (not confirmed) in bounded time, never 200; after SIGCONT the nodes serve and agree', async () => {
    await withCluster(2, async ({ redis, nodes: [A, B], sub }) => {
      const p = uid();
      const T = `urn:t:cluster:redis-frozen:${p}`;
      const subs = [await sub(A, { topics: T }), await sub(B, { topics: T })];
      await publishOk(A.url, { topic: T, id: `${p}-before`, data: 'before' });
      await Promise.all(subs.map((s) => s.waitForEvents(1)));
      let frozen;
      redis.proc.kill('SIGSTOP');
      try {
        await waitStopped(redis.proc.pid);
        const t0 = Date.now();
        frozen = await Promise.all([A, B].map(async (node, n) => {
          const id = `${p}-frozen-${n}`;
          const r = await publish(node.url, { topic: T, id, data: 'frozen' }, { timeoutMs: 10000 });
          return { id, status: r.status, body: r.body, ms: Date.now() - t0 };
        }));
        const left = 4000 - (Date.now() - t0);
        if (left > 0) await sleep(left);
      } finally {
        redis.proc.kill('SIGCONT');
      }
      for (const r of frozen) {
        assert.equal(r.status, 504, `${r.id} while Redis is frozen: ${r.status} ${r.body}`);
        assert.match(r.body, /^not confirmed: .*Redis.*may still be delivered/, `${r.id}: the 504 says why`);
        assert.ok(r.ms < 8000, `${r.id}: answered after ${r.ms} ms (the command timeout is 3 s)`);
      }
      // Once Redis runs again, each node publishes again (a few tries: a node may still
      // be reconnecting).
      const after = [];
      const tried = [];
      for (const [n, node] of [A, B].entries()) {
        const r = await publishUntilOk(node, T, `${p}-after-${n}`);
        after.push(r.acked);
        tried.push(...r.tried);
      }
      const end = `${p}-end`;
      await publishOk(B.url, { topic: T, id: end, data: 'end' });
      const seqs = [];
      for (const [n, s] of subs.entries()) seqs.push(ids(await eventsUntil(s, end, 10000, `the subscriber on node ${n}`)));
      assert.deepEqual(seqs[1], seqs[0], 'both nodes deliver the same sequence');
      assertNoDuplicates(seqs[0], 'the subscriber on node 0');
      assert.equal(seqs[0][0], `${p}-before`);
      const acked = new Set([`${p}-before`, ...after]);
      assert.deepEqual(seqs[0].filter((id) => acked.has(id)), [`${p}-before`, ...after],
        'every acknowledged publish, in order');
      // The 504'd ones may be there (see the next test): nothing else.
      const allowed = new Set([...acked, ...tried, ...frozen.map((r) => r.id)]);
      assert.deepEqual(seqs[0].filter((id) => !allowed.has(id)), [], 'nothing else');
    });
  });

  // HUB-CONTRACT: a 503 `not published: ...` means the event is never delivered. When
  // Redis is slow (frozen here) the node gives up after its command timeout, but the XADD
  // it sent is still in Redis's socket buffer, and Redis may run it once it resumes: the
  // node cannot know, so it answers 504 `not confirmed`, never 503. A frozen Redis still
  // completes TCP connects from its backlog; the node must not call that reachable.
  it('an update a frozen Redis did not confirm is answered 504, the node reports not ready, and the update is there at most once', async () => {
    await withCluster(1, async ({ redis, nodes: [A], sub }) => {
      const p = uid();
      const T = `urn:t:cluster:redis-frozen-504:${p}`;
      const s = await sub(A, { topics: T });
      let r;
      let readyWhileFrozen;
      redis.proc.kill('SIGSTOP');
      try {
        await waitStopped(redis.proc.pid);
        r = await publish(A.url, { topic: T, id: `${p}-unconfirmed`, data: 'unconfirmed' }, { timeoutMs: 10000 });
        readyWhileFrozen = await eventually(async () => {
          const x = await readyz(A);
          return x.status === 503 ? x : null;
        }, '/readyz 503 while Redis is frozen', { timeoutMs: 6000, everyMs: 50 });
      } finally {
        redis.proc.kill('SIGCONT');
      }
      assert.equal(r.status, 504, `the publish while Redis is frozen: ${r.status} ${r.body}`);
      assert.match(r.body, /^not confirmed: .*may still be delivered/);
      assert.match(readyWhileFrozen.body, /Redis/, 'the node says why it is not ready');
      const { acked: end } = await publishUntilOk(A, T, `${p}-end`);
      const got = ids(await eventsUntil(s, end, 10000, 'the subscriber'));
      assert.ok(got.filter((id) => id === `${p}-unconfirmed`).length <= 1,
        `the unconfirmed update is there at most once: ${JSON.stringify(got)}`);
    });
  });

  it('the subscriptions API of any node lists every node\'s subscribers; a node that stops leaves the listing', async () => {
    const withSubs = (redis) => [...devNode(redis), '--subscriptions'];
    await withCluster(2, async ({ nodes: [A, B], sub }) => {
      const p = uid();
      const onA = `urn:t:cluster:subs:a:${p}`;
      const onB = `urn:t:cluster:subs:b:${p}`;
      await sub(A, { topics: onA });
      const sB = await sub(B, { topics: onB });
      const listed = async (node) => {
        const r = await request(node.url, { path: '/.well-known/mercure/subscriptions', timeoutMs: 5000 });
        assert.equal(r.status, 200, `the listing on ${node.url}: ${r.status} ${r.body}`);
        return JSON.parse(r.body).subscriptions.map((x) => x.topic).filter((t) => t.endsWith(p)).sort();
      };
      for (const node of [A, B]) {
        await eventually(async () => JSON.stringify(await listed(node)) === JSON.stringify([onA, onB].sort()),
          `both subscribers listed on ${node.url}`, { timeoutMs: 5000, everyMs: 50 });
      }
      // A subscriber that leaves B leaves every listing.
      sB.close();
      await eventually(async () => JSON.stringify(await listed(A)) === JSON.stringify([onA]),
        'the subscriber that left B is gone from A\'s listing', { timeoutMs: 5000, everyMs: 50 });
      // So does every subscriber of a node that stops.
      await sub(B, { topics: onB });
      await eventually(async () => (await listed(A)).length === 2, 'listed again', { timeoutMs: 5000, everyMs: 50 });
      assert.equal(await B.stop(), 0, 'B stops cleanly');
      await eventually(async () => JSON.stringify(await listed(A)) === JSON.stringify([onA]),
        'the stopped node\'s subscriber is gone from A\'s listing', { timeoutMs: 5000, everyMs: 50 });
    }, { argsOf: withSubs });
  });

  it('a node killed -9 with subscribers: a live node publishes their "inactive" events, each once', async () => {
    const SUBS = '/.well-known/mercure/subscriptions';
    const selector = `${SUBS}{/topic}{/subscriber}`;
    const admin = { topics: selector, headers: bearer(mercureToken({ subscribe: [selector] })) };
    // Keys rather than --dev: subscription events are private, for the admin's token.
    const argsOf = (redis) => ['--jwt-key', DEV_KEY, '--anonymous', '--subscriptions', '--no-ticker',
      '--heartbeat', '0', '--store', redis.url];
    await withCluster(3, async ({ nodes: [A, B, C], sub }) => {
      const T = `urn:t:cluster:departed:${uid()}`;
      const admins = [await sub(A, admin), await sub(B, admin)];
      await sub(C, { topics: T });
      await sub(C, { topics: T });
      const docs = (s, active) => s.events.map((e) => JSON.parse(e.data)).filter((d) => d.topic === T && d.active === active);
      const subscribersOf = (s, active) => docs(s, active).map((d) => d.subscriber).sort();
      for (const s of admins) {
        await eventually(async () => docs(s, true).length === 2, 'the "active" events of C\'s two subscribers',
          { timeoutMs: 5000, everyMs: 50 });
      }
      const onC = subscribersOf(admins[0], true);
      const killed = Date.now();
      await killHard(C);
      // C's sign of life expires within 15 s, and the live nodes look every 5 s.
      for (const [k, s] of admins.entries()) {
        await eventually(async () => docs(s, false).length >= 2, `the "inactive" events on node ${k ? 'B' : 'A'}`,
          { timeoutMs: 25000, everyMs: 200 });
        assert.deepEqual(subscribersOf(s, false), onC, 'one "inactive" event for each of C\'s subscribers');
      }
      assert.ok(Date.now() - killed < 22000, `within the expiry and a refresh (${Date.now() - killed} ms)`);
      const r = await request(A.url, { path: SUBS, headers: admin.headers, timeoutMs: 5000 });
      assert.equal(r.status, 200, `the listing: ${r.status} ${r.body}`);
      assert.ok(!JSON.parse(r.body).subscriptions.some((x) => x.topic === T), 'gone from the listing');
    }, { argsOf });
  });

  it('/metrics reports each node\'s part: its Redis connections, entries read, reconnects, lag', async () => {
    await withCluster(2, async ({ redis, nodes: [A, B] }) => {
      const p = uid();
      for (let i = 0; i < 5; i++) await publishOk(A.url, { topic: `urn:t:cluster:metrics:${p}`, id: `${p}-${i}`, data: 'm' });
      const series = async (node) => {
        const r = await request(node.url, { path: '/metrics', timeoutMs: 5000 });
        assert.equal(r.status, 200);
        const out = {};
        for (const line of r.body.split('\n')) {
          const m = /^(herald_cluster_[a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
          if (m) out[m[1]] = Number(m[2]);
        }
        return out;
      };
      await eventually(async () => (await series(B)).herald_cluster_stream_entries_read_total >= 5,
        'B read the 5 entries A published', { timeoutMs: 5000, everyMs: 50 });
      const b = await series(B);
      assert.equal(b['herald_cluster_redis_connected{connection="commands"}'], 1);
      assert.equal(b['herald_cluster_redis_connected{connection="stream"}'], 1);
      assert.equal(b.herald_cluster_stream_entries_skipped_total, 0);
      assert.equal(b.herald_cluster_redis_reconnects_total, 0);
      assert.ok(b.herald_cluster_stream_lag_seconds >= 0 && b.herald_cluster_stream_lag_seconds < 5, `lag ${b.herald_cluster_stream_lag_seconds}`);
      await redis.kill();
      await eventually(async () => (await series(A))['herald_cluster_redis_connected{connection="stream"}'] === 0,
        'A reports its stream connection down', { timeoutMs: 5000, everyMs: 50 });
      await redis.restart();
      await eventually(async () => (await series(A)).herald_cluster_redis_reconnects_total >= 2,
        'A counts both connections made again', { timeoutMs: 10000, everyMs: 100 });
    });
  });

  it('nodes on different Redis databases (/1, /2) of one Redis are separate hubs', async () => {
    const redis = await startRedis();
    const nodes = [];
    try {
      for (const db of [1, 2, 1]) nodes.push(await startHerald(['--dev', '--no-ticker', '--heartbeat', '0', '--store', `${redis.url}/${db}`]));
      for (const [n, node] of nodes.entries()) {
        await eventually(async () => (await readyz(node)).status === 200, `node ${n} ready`, { timeoutMs: 10000 });
      }
      const [one, two, oneAgain] = nodes;
      const p = uid();
      const T = `urn:t:cluster:db:${p}`;
      const subs = await Promise.all(nodes.map((node) => subscribeOk(node.url, { topics: T })));
      try {
        await publishOk(one.url, { topic: T, id: `${p}-db1`, data: 'one' });
        await publishOk(two.url, { topic: T, id: `${p}-db2`, data: 'two' });
        await publishOk(oneAgain.url, { topic: T, id: `${p}-end1`, data: 'end' });
        await publishOk(two.url, { topic: T, id: `${p}-end2`, data: 'end' });
        assert.deepEqual(ids(await eventsUntil(subs[0], `${p}-end1`, 10000, 'db 1')), [`${p}-db1`], 'db 1 only');
        assert.deepEqual(ids(await eventsUntil(subs[2], `${p}-end1`, 10000, 'db 1 again')), [`${p}-db1`], 'db 1 only');
        assert.deepEqual(ids(await eventsUntil(subs[1], `${p}-end2`, 10000, 'db 2')), [`${p}-db2`], 'db 2 only');
        assert.ok(!subs[1].events.some((e) => e.id.endsWith('-db1') || e.id.endsWith('-end1')), 'nothing of db 1 on db 2');
      } finally {
        for (const s of subs) s.close();
      }
      for (const [n, node] of nodes.entries()) assert.equal(await node.stop(), 0, `node ${n} stops cleanly`);
    } finally {
      for (const node of nodes) await killHard(node);
      await redis.cleanup();
    }
  });

  it('a node killed -9: its subscribers resume on the others with Last-Event-ID, nothing missed or repeated', async () => {
    await withCluster(3, async ({ nodes: [A, B, C], sub }) => {
      const p = uid();
      const T = `urn:t:cluster:kill:${p}`;
      const ref = await sub(A, { topics: T });
      const onC = [await sub(C, { topics: T }), await sub(C, { topics: T })];
      // Publishers on A and B, 10 ms apart, while C is killed.
      const published = [[], []];
      const loop = async (node, n) => {
        for (let j = 0; j < 30; j++) {
          const id = `${p}-n${n}-${j}`;
          await publishOk(node.url, { topic: T, id, data: `data of ${id}` });
          published[n].push(id);
          await sleep(10);
        }
      };
      const running = Promise.all([loop(A, 0), loop(B, 1)]);
      try {
        await Promise.all(onC.map((s) => s.waitForEvents(10, 10000)));
        await killHard(C);
      } finally {
        await running;
      }
      for (const [k, s] of onC.entries()) {
        const { error } = await s.waitForClose(5000);
        assert.ok(s.closed, `subscriber ${k} on C: its connection ended with the node (${error?.code ?? 'FIN'})`);
      }
      const beforeKill = onC.map((s) => s.events.slice());
      for (const [k, got] of beforeKill.entries()) {
        assert.ok(got.length >= 10 && got.length < 60, `subscriber ${k} on C got ${got.length} events before the kill`);
      }
      // Each resumes from the last event it received (a browser's lastEventId is set
      // when an event is dispatched), one on A, one on B.
      const resumed = [
        await sub(A, { topics: T, lastEventIdHeader: beforeKill[0].at(-1).id }),
        await sub(B, { topics: T, lastEventIdHeader: beforeKill[1].at(-1).id }),
      ];
      for (let j = 0; j < 5; j++) await publishOk(j % 2 ? A.url : B.url, { topic: T, id: `${p}-after-${j}`, data: 'after' });
      const end = `${p}-end`;
      await publishOk(B.url, { topic: T, id: end, data: 'end' });
      const expected = ids(await eventsUntil(ref, end, 10000, 'the subscriber on A'));
      assert.equal(expected.length, 65, 'the subscriber on A got all 65 events');
      assertPublisherOrder(expected, published, 'the subscriber on A');
      for (const [k, s] of resumed.entries()) {
        const what = `subscriber ${k} of C resumed on ${k ? 'B' : 'A'}`;
        const whole = [...ids(beforeKill[k]), ...ids(await eventsUntil(s, end, 10000, what))];
        assertNoDuplicates(whole, what);
        assert.deepEqual(whole, expected, `${what}: before the kill + after the resume = everything, in order`);
      }
    });
  });

  it('a node stopped (SIGSTOP) for 2 s: the others keep delivering; after SIGCONT its subscribers get everything in order', async () => {
    await withCluster(3, async ({ nodes: [A, B, C], sub }) => {
      const p = uid();
      const T = `urn:t:cluster:sigstop:${p}`;
      const subs = [await sub(A, { topics: T }), await sub(B, { topics: T }), await sub(C, { topics: T })];
      const warm = [];
      for (let j = 0; j < 5; j++) warm.push(await publishOk([A, B, C][j % 3].url, { topic: T, id: `${p}-w${j}`, data: 'w' }));
      await Promise.all(subs.map((s) => s.waitForEvents(5)));
      const during = [];
      let stoppedFor;
      C.proc.kill('SIGSTOP');
      try {
        // kill() returns before the stop: one thread takes the signal and stops the others,
        // which keep running until it gets a CPU. Publish once they are all stopped.
        await waitStopped(C.proc.pid);
        const t0 = Date.now();
        for (let j = 0; j < 150 && Date.now() - t0 < 2000; j++) {
          const id = `${p}-s${j}`;
          await publishOk(j % 2 ? B.url : A.url, { topic: T, id, data: `data of ${id}` });
          during.push(id);
          await sleep(20);
        }
        // While C is still stopped, A's and B's subscribers have it all.
        for (const [k, s] of subs.slice(0, 2).entries()) {
          const got = await s.waitForEvents(5 + during.length, 5000);
          assert.deepEqual(ids(got), [...warm, ...during], `the subscriber on ${k ? 'B' : 'A'} while C is stopped`);
        }
        assert.deepEqual(ids(subs[2].events), warm, 'the subscriber on the stopped node got nothing meanwhile');
        stoppedFor = Date.now() - t0;
      } finally {
        C.proc.kill('SIGCONT');
      }
      assert.ok(during.length >= 3, `${during.length} events published during the stop`);
      assert.ok(stoppedFor >= 1900, `C was stopped ${stoppedFor} ms`);
      const end = `${p}-end`;
      await publishOk(C.url, { topic: T, id: end, data: 'end' });
      for (const [k, s] of subs.entries()) {
        assert.deepEqual(ids(await eventsUntil(s, end, 15000, `the subscriber on node ${k}`)), [...warm, ...during],
          `the subscriber on node ${k} after SIGCONT: everything once, in order`);
      }
      assert.equal((await readyz(C)).status, 200, 'C is ready after SIGCONT');
    });
  });

  // The stream keeps about max(--history-size, 1000) entries: a node stopped while more
  // than that were published reads on to find the ones it had not read gone. It must not
  // pass that over in silence: its live subscribers get herald-reset (node-fell-behind),
  // then what the stream still holds, and a resume there from before the loss is told too.
  it('a node stopped while more was published than the stream keeps: its subscribers get herald-reset, then the rest', async () => {
    const small = (redis) => [...devNode(redis), '--history-size', '100'];
    await withCluster(2, async ({ nodes: [A, B], sub }) => {
      const p = uid();
      const T = `urn:t:cluster:behind:${p}`;
      const onA = await sub(A, { topics: T });
      const onB = await sub(B, { topics: T });
      await publishOk(A.url, { topic: T, id: `${p}-first`, data: 'first' });
      await Promise.all([onA, onB].map((s) => s.waitForEvents(1)));
      const published = [`${p}-first`];
      B.proc.kill('SIGSTOP');
      try {
        await waitStopped(B.proc.pid);
        // 1500 events, 10 at a time (bounded: each publish has its own timeout).
        for (let j = 0; j < 1500; j += 10) {
          const batch = Array.from({ length: 10 }, (_, k) => `${p}-${j + k}`);
          await Promise.all(batch.map((id) => publishOk(A.url, { topic: T, id, data: id })));
          published.push(...batch);
        }
      } finally {
        B.proc.kill('SIGCONT');
      }
      const end = `${p}-end`;
      await publishOk(A.url, { topic: T, id: end, data: 'end' });
      await onB.waitForEvent((e) => e.id === end, 15000, `${end} on B`);
      const got = onB.events.slice(0, onB.events.findIndex((e) => e.id === end));
      const resets = got.filter((e) => e.type === RESET);
      assert.equal(resets.length, 1, `one ${RESET} on B: ${JSON.stringify(resets)}`);
      assert.equal(JSON.parse(resets[0].data).reason, 'node-fell-behind');
      const at = got.indexOf(resets[0]);
      // A kept up: everything once, no reset (in the stream's order: each batch of 10 was
      // published at once).
      const streamOrder = ids(await eventsUntil(onA, end, 15000, 'the subscriber on A'));
      assert.deepEqual([...streamOrder].sort(), [...published].sort(), 'A got every event once');
      // Before the reset, what B had read: `first`, and maybe the reply to its blocking read
      // that was already on its way when it stopped (the stream's next entries, in order).
      const before = ids(got.slice(0, at));
      assert.equal(before[0], `${p}-first`);
      assert.ok(before.length <= 11, `B read ${before.length} before the reset`);
      assert.deepEqual(before, streamOrder.slice(0, before.length), 'before the reset: the stream\'s order');
      // After the reset B got the newest part of the stream, in its order, none twice.
      const after = ids(got.slice(at + 1));
      assert.ok(after.length > 0 && after.length < 1500, `B got ${after.length} of the 1500 after the reset`);
      assert.deepEqual(after, streamOrder.slice(streamOrder.length - after.length),
        'after the reset: the stream\'s newest events, in its order, up to the last');
      // A resume on B from before the loss is told of it too.
      const resumed = await sub(B, { topics: T, lastEventIdHeader: `${p}-first` });
      await resumed.waitForEvent((e) => e.id === end, 15000, 'the resume on B');
      assert.equal(resumed.events[0].type, RESET, `the resume on B from before the loss starts with ${RESET}`);
      const metrics = await request(B.url, { path: '/metrics', timeoutMs: 5000 });
      assert.match(metrics.body, /^herald_cluster_stream_gaps_total 1$/m);
    }, { argsOf: small });
  });

  it('private updates do not leak across nodes: only an authorized subscriber on another node gets them', async () => {
    const argsOf = (redis) => ['--jwt-key', DEV_KEY, '--anonymous', '--no-ticker', '--heartbeat', '0', '--store', redis.url];
    await withCluster(3, async ({ nodes: [A, B, C], sub }) => {
      const p = uid();
      const T = `urn:t:cluster:private:${p}`;
      const pub = bearer(mercureToken({ publish: ['*'] }));
      const forT = bearer(mercureToken({ subscribe: [T] }));
      const forOther = bearer(mercureToken({ subscribe: [`urn:t:cluster:other:${p}`] }));
      const anonB = await sub(B, { topics: T });
      const authB = await sub(B, { topics: T, headers: forT });
      const otherB = await sub(B, { topics: T, headers: forOther });
      const authC = await sub(C, { topics: T, headers: forT });
      const anonA = await sub(A, { topics: T });
      // Anonymous publish is refused (not --dev): the publisher token is needed.
      assert.equal((await publish(A.url, { topic: T, data: 'x' })).status, 401, 'anonymous publish refused');
      const seq = [['u1', false], ['p1', true], ['u2', false], ['p2', true], ['p3', true]];
      for (const [n, priv] of seq) {
        const id = `${p}-${n}`;
        assert.equal(await publishOk(A.url, { topic: T, id, data: `data of ${n}`, private: priv ? 'on' : undefined },
          { headers: pub }), id);
      }
      const end = `${p}-end`;
      await publishOk(A.url, { topic: T, id: end, data: 'end' }, { headers: pub });
      const all = seq.map(([n]) => `${p}-${n}`);
      const pub2 = [`${p}-u1`, `${p}-u2`];
      assert.deepEqual(ids(await eventsUntil(anonB, end, 10000, 'anonymous on B')), pub2, 'anonymous on B: public only');
      assert.deepEqual(ids(await eventsUntil(otherB, end, 10000, 'other topic token on B')), pub2,
        'a token for another topic on B: public only');
      assert.deepEqual(ids(await eventsUntil(anonA, end, 10000, 'anonymous on A')), pub2, 'anonymous on A: public only');
      const authGot = await eventsUntil(authB, end, 10000, 'authorized on B');
      assert.deepEqual(ids(authGot), all, 'authorized on B: all, in order');
      assert.deepEqual(authGot.map((e) => e.data), seq.map(([n]) => `data of ${n}`));
      assert.deepEqual(ids(await eventsUntil(authC, end, 10000, 'authorized on C')), all, 'authorized on C: all');
      // Replays from the mirrors keep them private too.
      const anonReplay = await sub(C, { topics: T, lastEventIdHeader: 'earliest' });
      assert.deepEqual(ids(await eventsUntil(anonReplay, end, 10000, 'anonymous replay on C')), pub2,
        'an anonymous replay on C: public only');
      const authReplay = await sub(B, { topics: T, lastEventIdHeader: 'earliest', headers: forT });
      assert.deepEqual(ids(await eventsUntil(authReplay, end, 10000, 'authorized replay on B')), all,
        'an authorized replay on B: all');
      for (const s of [anonB, otherB, anonA, anonReplay]) {
        assert.ok(!s.text.includes('data of p'), 'no private data anywhere in an unauthorized stream');
      }
    }, { argsOf });
  });

  it('Redis absent at start: the node listens, is not ready and refuses (503) until Redis comes, then serves', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let node;
    let redis;
    try {
      node = await startHerald(['--dev', '--no-ticker', '--heartbeat', '0', '--store', url]);
      assert.match(node.out(), /listening on http:\/\//, 'the node prints where it listens');
      const r = await readyz(node);
      assert.equal(r.status, 503, '/readyz before Redis');
      assert.match(r.body, /^not ready: .*Redis/, `/readyz names Redis: ${r.body}`);
      assert.ok(r.body.includes(`127.0.0.1:${port}`), `/readyz names the address: ${r.body}`);
      const s = await subscribe(node.url, { topics: 'urn:t:cluster:absent' });
      const body = await s.waitForBody(3000);
      s.close();
      assert.equal(s.status, 503, `a subscribe before Redis: ${body}`);
      const pr = await publish(node.url, { topic: 'urn:t:cluster:absent', id: 'too-early', data: 'x' });
      assert.equal(pr.status, 503, `a publish before Redis: ${pr.body}`);
      assert.match(pr.body, /Redis/);
      await sleep(1500); // a few reconnection attempts fail first

      redis = await startRedis({ port });
      const t0 = Date.now();
      await eventually(async () => (await readyz(node)).status === 200, '/readyz 200 once Redis is up',
        { timeoutMs: 10000, everyMs: 50 });
      const readyAfter = Date.now() - t0;
      assert.ok(readyAfter < 6000, `ready ${readyAfter} ms after Redis came (backoff at most 2 s)`);
      assert.equal((await readyz(node)).body, 'ready\n');
      const T = 'urn:t:cluster:absent';
      const live = await subscribeOk(node.url, { topics: T });
      try {
        assert.equal(await publishOk(node.url, { topic: T, id: 'now-1', data: 'one' }), 'now-1');
        assert.deepEqual(ids(await live.waitForEvents(1, 5000)), ['now-1']);
      } finally {
        live.close();
      }
      const replay = await subscribeOk(node.url, { topics: T, lastEventIdHeader: 'earliest' });
      try {
        await publishOk(node.url, { topic: T, id: 'now-2', data: 'two' });
        assert.deepEqual(ids(await eventsUntil(replay, 'now-2', 5000, 'earliest')), ['now-1'],
          'history holds what was published once Redis came, not the refused publish');
      } finally {
        replay.close();
      }
      assert.equal(await node.stop(), 0, `the node stops cleanly:\n${node.logs()}`);
    } finally {
      if (node) await killHard(node);
      if (redis) await redis.cleanup();
    }
  });

  it('--history-max-age 1s: every node and the stream let go of old events but the newest; a resume from one gets herald-reset', async () => {
    const aging = (redis) => [...devNode(redis), '--history-max-age', '1s'];
    await withCluster(2, async ({ redis, nodes: [A, B], sub }) => {
      const p = uid();
      const T = `urn:t:cluster:age:${p}`;
      for (const n of ['o1', 'o2', 'o3']) await publishOk(A.url, { topic: T, id: `${p}-${n}`, data: n });
      for (const [k, node] of [A, B].entries()) {
        await eventually(async () => (await metrics(node.url)).herald_history_events === 1,
          `node ${k ? 'B' : 'A'} holds only the newest`, { timeoutMs: 6000 });
      }
      await eventually(async () => (await redisCommand(redis.port, 'XLEN herald:events')) === ':1',
        'the stream trimmed to the newest', { timeoutMs: 6000 });
      const resumed = await sub(B, { topics: T, lastEventIdHeader: `${p}-o1` });
      const end = `${p}-end`;
      await publishOk(A.url, { topic: T, id: end, data: 'end' });
      await resumed.waitForEvent((e) => e.id === end, 10000, 'the resume on B');
      assert.equal(resumed.events[0].type, RESET, 'a resume from an aged-out id is told');
      assert.equal(JSON.parse(resumed.events[0].data).oldest, `${p}-o3`);
      assert.deepEqual(ids(resumed.events.slice(1)), [`${p}-o3`, end]);
    }, { argsOf: aging });
    const r = await runHerald(['serve', '--listen', '127.0.0.1:0', '--store', 'memory', '--history-max-age', '1s'],
      { timeoutMs: 10000 });
    assert.equal(r.code, 2, `the memory store refuses an age bound (stderr ${r.stderr})`);
    assert.match(r.stderr, /--history-max-age needs --store lmdb:DIR or redis:/);
  });

  it('a bad --store redis:// URL: exit 2 with the reason on stderr', async () => {
    const bad = [
      ['redis://host:notaport', /port/],
      ['redis://127.0.0.1:0', /port/],
      ['redis://127.0.0.1:65536', /port/],
      ['redis://:6379', /host/],
      ['redis://127.0.0.1:6379/x', /database/],
      ['redis://user@127.0.0.1:6379', /password/],
    ];
    for (const [url, why] of bad) {
      const r = await runHerald(['serve', '--listen', '127.0.0.1:0', '--store', url], { timeoutMs: 10000 });
      assert.equal(r.code, 2, `${url}: exit code (stderr ${r.stderr})`);
      const shown = url.replace(/\/\/[^/]*@/, '//***@'); // a login is never echoed
      assert.ok(r.stderr.includes(`--store ${shown}`), `${url}: stderr names the flag and URL: ${r.stderr}`);
      assert.match(r.stderr, why, `${url}: stderr says why`);
      assert.ok(!/listening on/.test(r.stdout), `${url}: it never listened`);
    }
    // A URL with a login that does not parse is told without the login.
    const r = await runHerald(['serve', '--listen', '127.0.0.1:0', '--store', 'redis://:s3cret@host:x'], { timeoutMs: 10000 });
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes('--store redis://***@host:x') && !r.stderr.includes('s3cret'), r.stderr);
  });
});
