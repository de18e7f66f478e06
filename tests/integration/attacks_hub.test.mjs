// Issue 9: what one client may cost the hub. Loopback only, bounded in count and time.
// - many template subscribers coming and going while a legitimate publisher publishes;
// - a resume (`lastEventID=earliest`) with big URI templates while history holds 10,000
//   events: refused when over the selector limits, and never a freeze of the publishers;
// - --history-bytes bounds real memory (topics count), seen in RSS and in the metric;
// - a resumer that never reads holds its budget, not the history it has yet to replay;
// - CORS `*` gives no credentials, and no cookie from a foreign page.
// Timings are only bounded generously here: the numbers are in bench/attacks.py.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { startHerald } from '../lib/herald.mjs';
import { subscribe, subscribeOk, publish, publishOk, request, sleep } from '../lib/sse_reader.mjs';
import { DEV_KEY, mercureToken } from '../lib/jwt.mjs';

const uid = () => randomUUID().slice(0, 8);
const GENEROUS_MS = 2000; // an answer slower than this means the hub froze

// Milliseconds /healthz takes to answer.
async function healthzMs(url) {
  const start = performance.now();
  const r = await request(url, { path: '/healthz', timeoutMs: 10000 });
  assert.equal(r.status, 200);
  return performance.now() - start;
}

// `n` distinct URI templates for attacker `who`, within the default limits.
function templates(who, n) {
  return Array.from({ length: n }, (_, i) => `https://example.com/{kind}/a${who}-${i}/{id}`);
}

function rssBytes(pid) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Number(m[1]) * 1024;
}

// Subscribes expecting a refusal: resolves { status, text } once the body is in.
async function refusal(url, opts) {
  const s = await subscribe(url, opts);
  try {
    await s.waitFor(() => s.text.length > 0, 2000, 'the refusal body').catch(() => {});
    return { status: s.status, text: s.text };
  } finally {
    s.close();
  }
}

async function metric(url, name) {
  const r = await request(url, { path: '/metrics' });
  const m = r.body.match(new RegExp(`^${name} (\\d+)`, 'm'));
  assert.ok(m, `${name} in /metrics`);
  return Number(m[1]);
}

// Publishes `count` updates with `concurrency` requests in flight over keep-alive.
async function publishMany(url, count, fieldsOf, concurrency = 8) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await publishOk(url, fieldsOf(i), { agent });
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
}

describe('many template subscribers while a publisher publishes (point 2)', () => {
  let hub;
  before(async () => { hub = await startHerald(['--dev', '--no-ticker']); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('the publisher keeps working, every event arrives, /healthz answers', async () => {
    const topic = `urn:attack:legit:${uid()}`;
    const legit = await subscribeOk(hub.url, { topics: topic });
    const attackers = [];
    let stop = false;
    try {
      for (let i = 0; i < 150; ++i) attackers.push(await subscribeOk(hub.url, { topics: templates(i, 30) }));
      // Churn: attackers leave and come back with fresh templates while publishing goes on.
      let generation = 1000;
      const churn = (async () => {
        while (!stop) {
          const k = generation % attackers.length;
          attackers[k].close();
          attackers[k] = await subscribeOk(hub.url, { topics: templates(generation++, 30) });
        }
      })();
      const ids = [];
      let slowestHealthz = 0;
      for (let i = 0; i < 150; ++i) {
        // Repeated and fresh topics: both must get through.
        ids.push(await publishOk(hub.url, { topic: [topic, `https://example.com/books/${i % 10 === 0 ? uid() : i % 7}`], data: `e${i}` }));
        if (i % 25 === 0) slowestHealthz = Math.max(slowestHealthz, await healthzMs(hub.url));
      }
      stop = true;
      await churn;
      assert.ok(slowestHealthz < GENEROUS_MS, `/healthz took ${slowestHealthz.toFixed(0)} ms`);
      await legit.waitForEvent((e) => e.id === ids.at(-1), 10000, 'the last event');
      assert.deepEqual(legit.events.map((e) => e.id), ids, 'every event, in order, once');
    } finally {
      stop = true;
      legit.close();
      for (const a of attackers) a.close();
    }
  });
});

describe('a resume with big templates while history holds 10,000 events (point 1)', () => {
  let hub;
  const topics = Array.from({ length: 100 }, (_, i) => `https://example.com/held/${i}`);
  let livePublished = 0; // by the tests below, on other topics
  before(async () => {
    hub = await startHerald(['--dev', '--no-ticker', '--history-size', '10000', '--history-per-topic', '0']);
    await publishMany(hub.url, 10000, (i) => ({ topic: topics[i % topics.length], data: `h${i}` }));
  });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('selectors over the limits are refused with a 400 naming the limit', async () => {
    const cases = [
      [[`https://example.com/${'x'.repeat(1100)}`], '--max-selector-bytes'],
      [Array.from({ length: 5 }, (_, k) => `https://example.com/${k}/${Array.from({ length: 16 }, (_, i) => `{v${i}}`).join('/')}`), '--max-template-variables'],
      [Array.from({ length: 12 }, (_, i) => `https://example.com/${'p'.repeat(400)}${i}/{id}`), '--max-template-bytes'],
    ];
    for (const [selectors, flag] of cases) {
      const s = await refusal(hub.url, { topics: selectors, lastEventID: 'earliest' });
      assert.equal(s.status, 400, flag);
      assert.match(s.text, new RegExp(flag), `the 400 names ${flag}: ${s.text}`);
    }
  });

  it('resumes within the limits do not hold up publishers', async () => {
    const topic = `urn:attack:resume:${uid()}`;
    const legit = await subscribeOk(hub.url, { topics: topic });
    // Near the most an anonymous subscriber may send: 64 variables, 4 KiB of templates.
    // Expressions at both ends: no cheap rejection on a literal head or tail.
    const heavy = Array.from({ length: 3 }, (_, k) =>
      `{v0}${'q'.repeat(700)}${Array.from({ length: 15 }, (_, i) => `-${k}-{w${i}}`).join('')}`);
    let stop = false;
    const resumes = (async () => {
      let n = 0;
      while (!stop && n < 20) {
        const s = await subscribe(hub.url, { topics: [...heavy, 'https://example.com/held/{n}'], lastEventID: 'earliest', timeoutMs: 30000 });
        assert.equal(s.status, 200, s.text);
        s.close();
        ++n;
      }
      return n;
    })();
    try {
      const ids = [];
      let slowest = 0;
      for (let i = 0; i < 40; ++i) {
        const start = performance.now();
        ids.push(await publishOk(hub.url, { topic, data: `live${i}` }));
        ++livePublished;
        slowest = Math.max(slowest, performance.now() - start);
        if (i % 10 === 0) slowest = Math.max(slowest, await healthzMs(hub.url));
      }
      stop = true;
      assert.ok(await resumes > 0, 'the resumes ran');
      assert.ok(slowest < GENEROUS_MS, `a publish or /healthz took ${slowest.toFixed(0)} ms`);
      await legit.waitForEvent((e) => e.id === ids.at(-1), 10000, 'the last live event');
      assert.deepEqual(legit.events.map((e) => e.id), ids);
    } finally {
      stop = true;
      await resumes.catch(() => {});
      legit.close();
    }
  });

  it('a resume still replays exactly what history holds of its topics', async () => {
    const s = await subscribeOk(hub.url, { topics: ['https://example.com/held/{n}'], lastEventID: 'earliest' });
    try {
      // History keeps 10,000 events: the previous test's live ones pushed out the oldest.
      const expected = 10000 - livePublished;
      await s.waitForEvents(expected, 20000);
      await sleep(200);
      const data = s.events.map((e) => e.data);
      assert.equal(data.length, expected, 'every held event of those topics, once');
      assert.ok(data.every((d) => /^h\d+$/.test(d)), 'only held events');
      assert.equal(new Set(data).size, expected, 'no duplicate');
    } finally {
      s.close();
    }
  });
});

describe('--history-bytes bounds what history really holds (point 3)', () => {
  const bound = 4 * 1024 * 1024;
  let hub;
  before(async () => {
    // A small ASan quarantine: freed memory must be given back for RSS to mean anything.
    const asan = [process.env.ASAN_OPTIONS, 'quarantine_size_mb=1'].filter(Boolean).join(':');
    hub = await startHerald(['--dev', '--no-ticker', '--history-size', '100000',
      '--history-bytes', String(bound), '--history-per-topic', '1000'], { env: { ASAN_OPTIONS: asan } });
  });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('updates with 100 topics of 2 KB: RSS and herald_history_bytes stay near the bound', async () => {
    await publishOk(hub.url, { topic: 'urn:warm', data: 'x' });
    const rssBefore = rssBytes(hub.proc.pid);
    const updates = 300; // 60 MB of topics: 15 times the bound
    await publishMany(hub.url, updates, (i) => ({
      topic: Array.from({ length: 100 }, (_, k) => `https://example.com/${'t'.repeat(1960)}/${i}/${k}`),
      data: `u${i}`,
    }), 4);
    const growth = rssBytes(hub.proc.pid) - rssBefore;
    const held = await metric(hub.url, 'herald_history_events');
    const bytes = await metric(hub.url, 'herald_history_bytes');
    assert.ok(bytes <= bound, `herald_history_bytes ${bytes} <= ${bound}`);
    assert.ok(held >= 1 && held * 100 * 2000 <= bytes, `${held} updates held count their topics (${bytes} bytes)`);
    assert.ok(growth < 10 * bound, `RSS grew ${(growth / 1e6).toFixed(1)} MB for a ${bound / 1e6} MB bound`);
  });
});

describe('a resumer that never reads pins its budget, not history (point 4)', () => {
  const bound = 4 * 1024 * 1024;
  const buffer = 256 * 1024;
  let hub;
  before(async () => {
    const asan = [process.env.ASAN_OPTIONS, 'quarantine_size_mb=1'].filter(Boolean).join(':');
    hub = await startHerald(['--dev', '--no-ticker', '--history-size', '100000',
      '--history-bytes', String(bound), '--history-per-topic', '0',
      '--subscriber-buffer', String(buffer)], { env: { ASAN_OPTIONS: asan } });
  });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('six generations of history, two stalled resumers each: RSS stays near the bound', async () => {
    const data = 'x'.repeat(256 * 1024);
    await publishOk(hub.url, { topic: 'urn:warm', data: 'x' });
    const rssBefore = rssBytes(hub.proc.pid);
    const stalled = [];
    try {
      for (let g = 0; g < 6; g++) {
        // A new generation fills history; then two subscribers resume with a selector of
        // that generation only (no live event reaches them, so no budget cut) and stop
        // reading. Before the fix, each generation stayed pinned by their queues.
        const gen = uid();
        await publishMany(hub.url, 16, (i) => ({ topic: `urn:${gen}:${i % 4}`, data }), 2);
        for (let k = 0; k < 2; k++) {
          const sock = net.connect(hub.port, '127.0.0.1');
          await new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
          sock.write(`GET /.well-known/mercure?topic=${encodeURIComponent(`urn:${gen}:{n}`)}` +
            `&lastEventID=earliest HTTP/1.1\r\nHost: x\r\n\r\n`);
          sock.pause(); // never reads: the kernel's buffers fill, then the hub's queue
          stalled.push(sock);
        }
        await sleep(200);
      }
      const growth = rssBytes(hub.proc.pid) - rssBefore;
      // History, plus per stalled subscriber what waits behind its write in flight and the
      // write in flight (each about its budget), plus slack for the allocator.
      const limit = 2 * bound + stalled.length * 3 * buffer;
      assert.ok(growth < limit,
        `RSS grew ${(growth / 1e6).toFixed(1)} MB; limit ${(limit / 1e6).toFixed(1)} MB`);
    } finally {
      for (const sock of stalled) sock.destroy();
    }
  });
});

describe('CORS * never lends credentials (point 4)', () => {
  let hub;
  before(async () => {
    hub = await startHerald(['--jwt-key', DEV_KEY, '--anonymous', '--no-ticker', '--cors-origins', '*']);
  });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('a foreign page gets Allow-Origin * without credentials', async () => {
    const s = await subscribeOk(hub.url, { topics: 'urn:public', headers: { Origin: 'https://evil.example' } });
    assert.equal(s.headers['access-control-allow-origin'], '*');
    assert.equal(s.headers['access-control-allow-credentials'], undefined);
    s.close();
  });

  it("a foreign page cannot subscribe with the user's cookie", async () => {
    const cookie = `mercureAuthorization=${mercureToken({ subscribe: ['*'] })}`;
    const s = await refusal(hub.url, { topics: 'urn:private', headers: { Cookie: cookie, Origin: 'https://evil.example' } });
    assert.equal(s.status, 403, s.text);
  });
});
