// Issue 11 (durable history) against the real binary: history in an LMDB directory
// survives a restart and a resume by id stays exact; retention by count, bytes, per topic
// and age, each also across a restart; a resume from an id history no longer holds gets
// the `herald-reset` event first; a corrupt or truncated data file and a second hub on
// the same directory refuse to start (exit 2); a full map answers 503 "not published:"
// with Retry-After, loses nothing acknowledged and recovers once retention makes room.
// Each test has its own temp directory, removed after it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { startHerald, runHerald } from '../lib/herald.mjs';
import { subscribeOk, publish, publishOk, sleep } from '../lib/sse_reader.mjs';
import {
  tempDir, removeDir, lmdbArgs, startOnDir, killHard, metrics, readHeld, resetFrames, eventually, RESET,
} from '../lib/durable.mjs';

const uid = () => randomUUID().slice(0, 8);
const ids = (events) => events.filter((e) => e.type !== RESET).map((e) => e.id);

// Runs fn(dir) with a fresh directory; whatever hubs it started are the test's to stop.
async function withDir(tag, fn) {
  const dir = tempDir(tag);
  try {
    return await fn(dir);
  } finally {
    removeDir(dir);
  }
}

// Subscribes to `topics` resuming from `from` (Last-Event-ID header) and reads until the
// event `lastId`, the newest the test published there: with nothing published after it,
// nothing held can come later. (Not readHeld's sentinel: under a count or byte bound a
// sentinel would itself evict what the test is checking.)
async function readUntil(url, topics, from, lastId, timeoutMs = 10000) {
  const s = await subscribeOk(url, { topics, lastEventIdHeader: from });
  try {
    const pred = (e) => e.id === lastId && e.type === 'message';
    await s.waitForEvent(pred, timeoutMs, `event ${lastId}`);
    return { events: s.events.slice(0, s.events.findIndex(pred) + 1), text: s.text };
  } finally {
    s.close();
  }
}

// The reset frame a resume from a not-held id must start with: exactly one, first, with
// the event and data lines only (no id: the client's last id stays its own), and its
// JSON. Returns the parsed data.
function expectReset({ events, text }, where) {
  assert.ok(events.length > 0 && events[0].type === RESET,
    `${where}: the first event is ${RESET} (got ${JSON.stringify(events.slice(0, 2))})`);
  assert.equal(events.filter((e) => e.type === RESET).length, 1, `${where}: one reset`);
  const [frame] = resetFrames(text);
  assert.deepEqual(frame.lines.filter((l) => !l.startsWith('data:')), [`event: ${RESET}`],
    `${where}: the reset frame has no id line: ${JSON.stringify(frame.lines)}`);
  assert.equal(frame.data.reason, 'last-event-id-not-held', `${where}: reason`);
  return frame.data;
}

function expectNoReset({ events }, where) {
  assert.ok(!events.some((e) => e.type === RESET), `${where}: no ${RESET} when resuming from a held id`);
}

// Publishes `list` of [id, topic(s), data] in order; every one must get 200 and its id.
async function publishAll(url, list) {
  for (const [id, topic, data] of list) {
    assert.equal(await publishOk(url, { topic, id, data: data ?? `data of ${id}` }), id);
  }
}

describe('durable history: restart', () => {
  it('a clean restart keeps history; resuming by id is exact; earliest replays all', async () => {
    await withDir('restart', async (dir) => {
      const T = `urn:t:restart:${uid()}`;
      const U = `urn:t:restart:other:${uid()}`;
      const p = uid();
      const seq = [
        [`${p}-r1`, T], [`${p}-r2`, T], [`${p}-u1`, U], [`${p}-r3`, T], [`${p}-both`, [T, U]],
        [`${p}-dup`, T, 'first'], [`${p}-r4`, T, 'multi\nline'], [`${p}-u2`, U], [`${p}-dup`, T, 'second'],
        [`${p}-r5`, T],
      ];
      const onT = seq.filter(([, t]) => [t].flat().includes(T)).map(([id]) => id);
      let hub = await startOnDir(dir);
      try {
        await publishAll(hub.url, seq);
        assert.equal(await hub.stop(), 0);
        hub = await startOnDir(dir);
        const m = await metrics(hub.url);
        assert.equal(m.herald_history_events, seq.length, 'herald_history_events after the restart');
        assert.ok(m.herald_history_bytes > 0, 'herald_history_bytes after the restart');

        // The stream's head names the newest id held (HUB-CONTRACT), loaded from disk.
        const head = await subscribeOk(hub.url, { topics: T });
        assert.equal(head.headers['last-event-id'], `${p}-r5`, 'Last-Event-ID response header after the restart');
        head.close();

        const all = await readHeld(hub.url, [T], 'earliest');
        expectNoReset(all, 'earliest');
        assert.deepEqual(ids(all.events), onT, 'earliest on T after the restart');
        assert.equal(all.events.find((e) => e.id === `${p}-r4`).data, 'multi\nline', 'data kept as published');
        const both = await readHeld(hub.url, [T, U], 'earliest');
        assert.deepEqual(ids(both.events), seq.map(([id]) => id), 'the global order is kept');

        // Resume from an id of T, and from one of U (a point in the global order).
        const fromR2 = await readHeld(hub.url, [T], `${p}-r2`);
        expectNoReset(fromR2, `resume from ${p}-r2`);
        const afterR2 = [`${p}-r3`, `${p}-both`, `${p}-dup`, `${p}-r4`, `${p}-dup`, `${p}-r5`];
        assert.deepEqual(ids(fromR2.events), afterR2);
        const fromU1 = await readHeld(hub.url, [T], `${p}-u1`);
        assert.deepEqual(ids(fromU1.events), afterR2);
        // An id held twice resumes after its earliest occurrence (HUB-CONTRACT).
        const fromDup = await readHeld(hub.url, [T], `${p}-dup`);
        assert.deepEqual(fromDup.events.map((e) => e.data), ['multi\nline', 'second', `data of ${p}-r5`]);
        const fromLast = await readHeld(hub.url, [T], `${p}-r5`);
        assert.deepEqual(ids(fromLast.events), [], 'resume from the newest: nothing to replay');

        // A publish after the restart follows the old ones: a resume spans the restart.
        await publishOk(hub.url, { topic: T, id: `${p}-r6`, data: 'after' });
        const span = await readHeld(hub.url, [T], `${p}-r4`);
        assert.deepEqual(ids(span.events), [`${p}-dup`, `${p}-r5`, `${p}-r6`]);
        assert.equal(await hub.stop(), 0);

        // Once more: the sentinels and r6 were kept too, in order.
        hub = await startOnDir(dir);
        const again = await readHeld(hub.url, [T], `${p}-r3`);
        assert.deepEqual(ids(again.events), [`${p}-both`, `${p}-dup`, `${p}-r4`, `${p}-dup`, `${p}-r5`, `${p}-r6`]);
        assert.equal(await hub.stop(), 0);
      } finally {
        await killHard(hub);
      }
    });
  });
});

describe('durable history: retention', () => {
  it('by count (--history-size): the newest N, a reset from an evicted id; across restarts', async () => {
    await withDir('count', async (dir) => {
      const T = `urn:t:count:${uid()}`;
      const p = uid();
      const all = Array.from({ length: 8 }, (_, i) => `${p}-c${i + 1}`);
      const args = ['--history-size', '5'];
      let hub = await startOnDir(dir, args);
      try {
        await publishAll(hub.url, all.map((id) => [id, T]));
        // Retention may run in the background: wait for it (bounded) before checking.
        await eventually(async () => (await metrics(hub.url)).herald_history_events === 5,
          'herald_history_events to settle at 5');
        const check = async (where) => {
          const earliest = await readUntil(hub.url, [T], 'earliest', all.at(-1));
          expectNoReset(earliest, `${where} earliest`);
          assert.deepEqual(ids(earliest.events), all.slice(3), `${where}: earliest holds the newest 5`);
          const evicted = await readUntil(hub.url, [T], all[1], all.at(-1));
          const data = expectReset(evicted, `${where} resume from evicted ${all[1]}`);
          assert.equal(data.oldest, all[3], `${where}: the reset names the oldest id held`);
          assert.deepEqual(ids(evicted.events), all.slice(3), `${where}: then everything held`);
          const held = await readUntil(hub.url, [T], all[4], all.at(-1));
          expectNoReset(held, `${where} resume from held ${all[4]}`);
          assert.deepEqual(ids(held.events), all.slice(5), `${where}: exactly what followed ${all[4]}`);
        };
        await check('before the restart');
        assert.equal((await metrics(hub.url)).herald_resets_total, 1, 'herald_resets_total counts the reset');
        assert.equal(await hub.stop(), 0);

        hub = await startOnDir(dir, args);
        assert.equal((await metrics(hub.url)).herald_history_events, 5, 'after the restart');
        await check('after the restart');
        assert.equal(await hub.stop(), 0);

        // A smaller bound at the next start applies to what the directory holds.
        hub = await startOnDir(dir, ['--history-size', '3']);
        await eventually(async () => (await metrics(hub.url)).herald_history_events === 3,
          'herald_history_events to settle at 3 after restarting with --history-size 3');
        const tighter = await readUntil(hub.url, [T], 'earliest', all.at(-1));
        assert.deepEqual(ids(tighter.events), all.slice(5));
        const reset = await readUntil(hub.url, [T], all[3], all.at(-1));
        assert.equal(expectReset(reset, 'resume from c4 after tightening').oldest, all[5]);
        assert.equal(await hub.stop(), 0);
      } finally {
        await killHard(hub);
      }
    });
  });

  it('by bytes (--history-bytes): a suffix within the bound; across a restart', async () => {
    await withDir('bytes', async (dir) => {
      const T = `urn:t:bytes:${uid()}`;
      const p = uid();
      const all = Array.from({ length: 10 }, (_, i) => `${p}-b${i + 1}`);
      const limit = 12000;
      const args = ['--history-bytes', String(limit)];
      let hub = await startOnDir(dir, args);
      try {
        // 2000 bytes of data each: whatever the per-event overhead, 12000 bytes hold 2-5.
        await publishAll(hub.url, all.map((id, i) => [id, T, `${i}`.padEnd(2000, '.')]));
        const m = await eventually(async () => {
          const v = await metrics(hub.url);
          return v.herald_history_bytes <= limit ? v : null;
        }, `herald_history_bytes <= ${limit}`);
        const check = async (where) => {
          const earliest = await readUntil(hub.url, [T], 'earliest', all.at(-1));
          const held = ids(earliest.events);
          assert.ok(held.length >= 2 && held.length <= 5, `${where}: ${held.length} events held of 2000 bytes each`);
          assert.deepEqual(held, all.slice(all.length - held.length), `${where}: the newest, in order`);
          assert.equal(earliest.events.at(-1).data, '9'.padEnd(2000, '.'));
          const reset = await readUntil(hub.url, [T], all[0], all.at(-1));
          assert.equal(expectReset(reset, `${where} resume from evicted b1`).oldest, held[0]);
          assert.deepEqual(ids(reset.events), held);
          return held;
        };
        const before = await check('before the restart');
        assert.equal(m.herald_history_events, before.length, 'herald_history_events');
        assert.equal(await hub.stop(), 0);
        hub = await startOnDir(dir, args);
        const after = await check('after the restart');
        assert.deepEqual(after, before, 'the restart holds the same events');
        assert.ok((await metrics(hub.url)).herald_history_bytes <= limit, 'herald_history_bytes after the restart');
        assert.equal(await hub.stop(), 0);
      } finally {
        await killHard(hub);
      }
    });
  });

  it('per topic (--history-per-topic): one chatty topic does not evict the others; across a restart', async () => {
    await withDir('pertopic', async (dir) => {
      const p = uid();
      const A = `urn:t:pertopic:a:${p}`;
      const B = `urn:t:pertopic:b:${p}`;
      const seq = [['a1', A], ['b1', B], ['a2', A], ['a3', A], ['a4', A], ['a5', A], ['b2', B], ['a6', A]]
        .map(([n, t]) => [`${p}-${n}`, t]);
      const id = (n) => `${p}-${n}`;
      const args = ['--history-per-topic', '3'];
      let hub = await startOnDir(dir, args);
      try {
        await publishAll(hub.url, seq);
        await eventually(async () => (await metrics(hub.url)).herald_history_events === 5,
          'herald_history_events to settle at 5 (3 of A, 2 of B)');
        const check = async (where) => {
          assert.deepEqual(ids((await readHeld(hub.url, [A], 'earliest')).events), [id('a4'), id('a5'), id('a6')],
            `${where}: A keeps its newest 3`);
          assert.deepEqual(ids((await readHeld(hub.url, [B], 'earliest')).events), [id('b1'), id('b2')],
            `${where}: B keeps both, older than A's`);
          assert.deepEqual(ids((await readHeld(hub.url, [A, B], 'earliest')).events),
            [id('b1'), id('a4'), id('a5'), id('b2'), id('a6')], `${where}: in the global order`);
          const evicted = await readHeld(hub.url, [A], id('a2'));
          const data = expectReset(evicted, `${where} resume from evicted a2`);
          assert.ok([id('b1'), id('a4')].includes(data.oldest), `${where}: oldest ${data.oldest} is the oldest held`);
          assert.deepEqual(ids(evicted.events), [id('a4'), id('a5'), id('a6')]);
          const held = await readHeld(hub.url, [A], id('a5'));
          expectNoReset(held, `${where} resume from a5`);
          assert.deepEqual(ids(held.events), [id('a6')]);
        };
        await check('before the restart');
        assert.equal(await hub.stop(), 0);
        hub = await startOnDir(dir, args);
        await check('after the restart');
        assert.equal(await hub.stop(), 0);
      } finally {
        await killHard(hub);
      }
    });
  });

  // HUB-CONTRACT: "The newest event is always kept", the age bound included: a client that
  // had everything resumes from it without a reset after a quiet spell. Everything older
  // goes with no publish to trigger it, and stays gone across a restart.
  it('by age (--history-max-age 1s): with no publish, all but the newest go; across a restart', async () => {
    await withDir('age-idle', async (dir) => {
      const T = `urn:t:age:${uid()}`;
      const old = ['o1', 'o2', 'o3'].map((n) => `${uid()}-${n}`);
      const args = ['--history-max-age', '1s'];
      let hub = await startOnDir(dir, args);
      try {
        await publishAll(hub.url, old.map((id) => [id, T]));
        const check = async (where) => {
          await eventually(async () => (await metrics(hub.url)).herald_history_events === 1,
            `${where}: the age bound to leave only the newest`, { timeoutMs: 6000 });
          const evicted = await readUntil(hub.url, [T], old[0], old[2]);
          assert.equal(expectReset(evicted, `${where}: resume from aged-out ${old[0]}`).oldest, old[2]);
          assert.deepEqual(ids(evicted.events), [old[2]]);
          // The newest resumes cleanly: no reset, nothing to replay, then live.
          const s = await subscribeOk(hub.url, { topics: T, lastEventIdHeader: old[2] });
          const live = `${uid()}-live`;
          await publishOk(hub.url, { topic: T, id: live, data: 'live' });
          await s.waitForEvent((e) => e.id === live);
          s.close();
          expectNoReset(s, `${where}: resume from the newest`);
          assert.deepEqual(ids(s.events), [live]);
          old.push(live); // the newest now; the next check expects only it
          old.shift();
        };
        await check('running');
        assert.equal(await hub.stop(), 0);
        await sleep(1100); // the live event ages while the hub is down: time is the condition
        hub = await startOnDir(dir, args);
        await check('after a restart');
        assert.equal(await hub.stop(), 0);
      } finally {
        await killHard(hub);
      }
    });
  });

  it('by age (--history-max-age 1s): old events go, a resume from one gets a reset', async () => {
    await withDir('age', async (dir) => {
      const T = `urn:t:age:${uid()}`;
      const p = uid();
      const old = [`${p}-o1`, `${p}-o2`, `${p}-o3`];
      const hub = await startOnDir(dir, ['--history-max-age', '1s']);
      try {
        await publishAll(hub.url, old.map((id) => [id, T]));
        // o1 and o2 go with age; o3, the newest, stays (HUB-CONTRACT).
        await eventually(async () => (await metrics(hub.url)).herald_history_events <= 1,
          'the age bound to let go of o1 and o2', { timeoutMs: 6000 });
        const t0 = Date.now();
        await publishOk(hub.url, { topic: T, id: `${p}-n1`, data: 'new' });
        // Once something newer is there, o3 (over a second old) goes too.
        await eventually(async () => {
          const r = await readUntil(hub.url, [T], 'earliest', `${p}-n1`);
          return ids(r.events).length === 1;
        }, 'only n1 held', { timeoutMs: 3000 });
        const reset = await readUntil(hub.url, [T], old[1], `${p}-n1`);
        const data = expectReset(reset, 'resume from an aged-out id');
        // n1 is the oldest held unless it aged out too before the check (a loaded machine).
        if (Date.now() - t0 < 900) assert.equal(data.oldest, `${p}-n1`);
        assert.deepEqual(ids(reset.events), [`${p}-n1`]);
        assert.ok((await metrics(hub.url)).herald_resets_total >= 1, 'herald_resets_total');
        assert.equal(await hub.stop(), 0);
      } finally {
        await killHard(hub);
      }
    });
  });

  it('by age across a restart: events age from their publish, not from the restart', async () => {
    await withDir('age-restart', async (dir) => {
      const T = `urn:t:age:${uid()}`;
      const p = uid();
      const again = [`${p}-a1`, `${p}-a2`];
      // 2s, for room to check a fresh event before it ages too.
      const args = ['--history-max-age', '2s'];
      let hub = await startOnDir(dir, args);
      try {
        await publishAll(hub.url, again.map((id) => [id, T]));
        const published = Date.now();
        assert.equal(await hub.stop(), 0);
        await sleep(Math.max(0, 3000 - (Date.now() - published))); // the hub is down: time is the condition
        hub = await startOnDir(dir, args);
        await publishOk(hub.url, { topic: T, id: `${p}-n1`, data: 'new' });
        const t0 = Date.now();
        await eventually(async () => (await metrics(hub.url)).herald_history_events === 1,
          'a1 and a2 (3 s old) to be gone after the restart', { timeoutMs: 1500 });
        const earliest = await readUntil(hub.url, [T], 'earliest', `${p}-n1`);
        assert.deepEqual(ids(earliest.events), [`${p}-n1`], 'nothing aged comes back after a restart');
        const reset = await readUntil(hub.url, [T], again[0], `${p}-n1`);
        const data = expectReset(reset, 'resume from an id aged out while the hub was down');
        if (Date.now() - t0 < 1800) assert.equal(data.oldest, `${p}-n1`);
        assert.deepEqual(ids(reset.events), [`${p}-n1`]);
        assert.equal(await hub.stop(), 0);
      } finally {
        await killHard(hub);
      }
    });
  });

  // HUB-CONTRACT: `earliest` = everything history holds, no reset: a subscriber that asked
  // for whatever is held cannot have missed anything, even when retention lets go of the
  // oldest between its subscribe and its first replayed event.
  for (const store of ['lmdb', 'memory']) {
    it(`\`earliest\` gets no reset while publishes evict the oldest (${store})`, { timeout: 60000 }, async () => {
      await withDir('earliest', async (dir) => {
        const bound = ['--history-size', '20'];
        const hub = store === 'lmdb' ? await startOnDir(dir, [...bound, '--sync', 'batch'])
          : await startHerald(['--dev', '--no-ticker', '--history-per-topic', '0', ...bound]);
        const stop = { now: false };
        let loop;
        try {
          for (let i = 0; i < 20; i++) await publishOk(hub.url, { topic: 'urn:t:e:a', id: `a${i}`, data: 'x' });
          // One publisher keeps evicting the oldest while subscribers come in.
          const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
          loop = (async () => {
            for (let n = 0; n < 100000 && !stop.now; n++) {
              await publishOk(hub.url, { topic: 'urn:t:e:b', id: `b${n}`, data: 'y' }, { agent });
            }
            agent.destroy();
          })();
          const deadline = Date.now() + 20000;
          for (let i = 0; i < 60 && Date.now() < deadline; i++) {
            const s = await subscribeOk(hub.url, { topics: ['urn:t:e:a', 'urn:t:e:b'], lastEventIdHeader: 'earliest' });
            try {
              await s.waitForEvents(2, 5000);
              assert.notEqual(s.events[0].type, RESET,
                `subscription ${i} from earliest started with ${JSON.stringify(s.events[0])}`);
            } finally {
              s.close();
            }
          }
        } finally {
          stop.now = true;
          await loop;
          assert.equal(await hub.stop(), 0);
        }
      });
    });
  }
});

// `n` bytes from a seeded PRNG (mulberry32): damage that replays.
function seededBytes(seed, n) {
  let a = seed >>> 0;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

// Starts a hub on a damaged `dir`: refused with exit 2 naming `file` is fine, and so is a
// hub that serves a replay, still answers and stops cleanly. Anything else (a crash at
// start or later, a sanitizer report, another exit code) is returned as a description.
async function startOrRefuse(dir, file) {
  let hub;
  try {
    hub = await startOnDir(dir);
  } catch (e) {
    if (/herald exited 2/.test(e.message) && e.message.includes(file)) return null;
    return `start: ${e.message.slice(0, 300).replace(/\s+/g, ' ')}`;
  }
  try {
    // A replay up to a sentinel; whether it completes (a 503 for the sentinel, a cut
    // stream) is up to the hub: what counts is that it is still there after.
    await readHeld(hub.url, ['urn:t:seed'], 'earliest', { timeoutMs: 5000 }).catch(() => {});
    const answers = await metrics(hub.url).then(() => true, () => false);
    if (!answers || hub.proc.exitCode !== null || hub.proc.signalCode !== null) {
      return `started, then died (${hub.proc.exitCode ?? hub.proc.signalCode}): ${hub.logs().slice(-300).replace(/\s+/g, ' ')}`;
    }
    const code = await hub.stop();
    if (code !== 0 || /AddressSanitizer|runtime error/.test(hub.logs())) {
      return `started; stop exit ${code}: ${hub.logs().slice(-300).replace(/\s+/g, ' ')}`;
    }
    return null;
  } finally {
    await killHard(hub);
  }
}

describe('durable history: bad files and a busy directory', () => {
  // A stopped hub's directory with some history in it (a few hundred KB, many pages).
  async function seededDir(dir) {
    const hub = await startOnDir(dir);
    try {
      for (let i = 0; i < 150; i++) await publishOk(hub.url, { topic: 'urn:t:seed', id: `s${i}`, data: 'z'.repeat(1500) });
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  }
  const serveArgs = (dir) => ['serve', '--listen', '127.0.0.1:0', ...lmdbArgs(dir)];

  it('a corrupt or truncated data.mdb: exit 2, the message names the file', { timeout: 120000 }, async () => {
    await withDir('corrupt', async (base) => {
      const pristine = path.join(base, 'pristine');
      fs.mkdirSync(pristine);
      await seededDir(pristine);
      const size = fs.statSync(path.join(pristine, 'data.mdb')).size;
      assert.ok(size > 64 * 1024, `data.mdb is ${size} bytes`);
      // Each damage on its own copy of the stopped hub's directory.
      const damages = {
        'garbage over the first 8 KiB (the meta pages)': (f) => {
          const fd = fs.openSync(f, 'r+');
          fs.writeSync(fd, randomBytes(8192), 0, 8192, 0);
          fs.closeSync(fd);
        },
        'garbage over the whole file': (f) => fs.writeFileSync(f, randomBytes(size)),
        'truncated to half': (f) => fs.truncateSync(f, Math.floor(size / 2)),
        'truncated to 5000 bytes (inside the second meta page)': (f) => fs.truncateSync(f, 5000),
      };
      const failures = [];
      for (const [what, damage] of Object.entries(damages)) {
        const dir = path.join(base, `case-${Object.keys(damages).indexOf(what)}`);
        fs.cpSync(pristine, dir, { recursive: true });
        const file = path.join(dir, 'data.mdb');
        damage(file);
        const r = await runHerald(serveArgs(dir), { timeoutMs: 8000 });
        const ok = r.code === 2 && r.stderr.includes(file) && !/AddressSanitizer|runtime error/.test(r.stderr);
        if (!ok) {
          failures.push(`${what}: exit ${r.code ?? r.signal}${r.stdout.includes('listening') ? ' (it started serving)' : ''}, ` +
            `stderr ${JSON.stringify(r.stderr.slice(0, 600))}`);
        }
      }
      // The control: the undamaged directory starts and holds its history.
      const hub = await startOnDir(pristine);
      try {
        assert.equal((await metrics(hub.url)).herald_history_events, 150, 'the pristine copy holds its 150 events');
      } finally {
        assert.equal(await hub.stop(), 0);
      }
      assert.deepEqual(failures, [], `want exit 2 naming ${'DIR/data.mdb'} for each damage`);
    });
  });

  // The issue: "a truncated or corrupt data file: a clear error at start naming the file,
  // never a crash or a silent empty history". Cut to nothing, LMDB takes data.mdb for a
  // new one; the directory still shows a hub kept history there (herald.lock, lock.mdb).
  it('data.mdb truncated to 0 bytes: exit 2 naming the file, not a silent empty history', { timeout: 60000 }, async () => {
    await withDir('corrupt-empty', async (dir) => {
      await seededDir(dir);
      const file = path.join(dir, 'data.mdb');
      fs.truncateSync(file, 0);
      const r = await runHerald(serveArgs(dir), { timeoutMs: 8000 });
      assert.ok(r.code === 2 && r.stderr.includes(file),
        `exit ${r.code ?? r.signal}${r.stdout.includes('listening') ? ' (it started serving, with an empty history)' : ''}; ` +
        `stderr ${JSON.stringify(r.stderr.slice(0, 400))}`);
    });
  });

  // LMDB has no checksums: garbage in the data pages (the meta pages intact) may not be
  // seen at start. The floor is "never a crash": either exit 2 naming the file, or
  // a hub that starts, answers a replay of the damaged topic and stops cleanly. The
  // garbage is seeded (a failure names its seed and replays); 16 seeds, as only some
  // patterns reach a bad path (in one probe about 1 in 5 crashed the hub at start).
  it('garbage in the data pages: exit 2 naming the file, or serving without a crash', { timeout: 120000 }, async () => {
    await withDir('corrupt-mid', async (base) => {
      const pristine = path.join(base, 'pristine');
      fs.mkdirSync(pristine);
      await seededDir(pristine);
      const size = fs.statSync(path.join(pristine, 'data.mdb')).size;
      const from = 2 * 4096; // after the two meta pages
      const failures = [];
      for (let seed = 1; seed <= 16; seed++) {
        const dir = path.join(base, `seed-${seed}`);
        fs.cpSync(pristine, dir, { recursive: true });
        const file = path.join(dir, 'data.mdb');
        const fd = fs.openSync(file, 'r+');
        fs.writeSync(fd, seededBytes(seed, size - from), 0, size - from, from);
        fs.closeSync(fd);
        const r = await startOrRefuse(dir, file);
        if (r) failures.push(`seed ${seed}: ${r}`);
        removeDir(dir);
      }
      assert.deepEqual(failures, [], 'each damaged copy is refused (exit 2, naming the file) or served without a crash');
    });
  });

  it('a second hub on the same directory exits 2; the first keeps serving', { timeout: 60000 }, async () => {
    await withDir('second', async (dir) => {
      const T = `urn:t:second:${uid()}`;
      const first = await startOnDir(dir);
      try {
        await publishOk(first.url, { topic: T, id: 'before', data: 'x' });
        const link = `${dir}-link`;
        fs.symlinkSync(dir, link);
        try {
          // The same directory spelled three ways: a lock on the path string would miss two.
          for (const spelling of [dir, `${dir}/`, link]) {
            const r = await runHerald(serveArgs(spelling), { timeoutMs: 8000 });
            assert.equal(r.code, 2, `second hub on ${spelling}: exit ${r.code ?? r.signal}; stderr ${r.stderr.slice(0, 400)}`);
            assert.match(r.stderr, /another herald/i, `the message says another herald holds it: ${r.stderr}`);
          }
        } finally {
          fs.rmSync(link, { force: true });
        }
        // The first is untouched: it publishes, replays and its history is whole.
        await publishOk(first.url, { topic: T, id: 'after', data: 'y' });
        assert.deepEqual(ids((await readHeld(first.url, [T], 'earliest')).events), ['before', 'after']);
        assert.equal(await first.stop(), 0);
        // Its clean stop lets the next hub in, with everything.
        const next = await startOnDir(dir);
        try {
          assert.deepEqual(ids((await readHeld(next.url, [T], 'earliest')).events), ['before', 'after']);
        } finally {
          assert.equal(await next.stop(), 0);
        }
      } finally {
        await killHard(first);
      }
    });
  });
});

describe('durable history: a full map', () => {
  // LmdbHistory (lmdb_history.hpp) answers a full map with 503 and then drops its oldest
  // events until appends fit again: the map acts as a byte bound. So what is held after a
  // full map is a suffix of what was acknowledged, and a resume from a dropped id gets the
  // reset: a 200'd event leaves only the way retention takes events, never from the middle
  // and never silently; a 503'd one is never held nor delivered.
  it('503 "not published:" with Retry-After, counted; nothing acknowledged lost silently; recovers',
    { timeout: 120000 }, async (t) => {
      await withDir('full', async (dir) => {
        const T = `urn:t:full:${uid()}`;
        const p = uid();
        const args = ['--lmdb-map-size', '1048576', '--history-size', '1000000', '--history-bytes', '4000000000'];
        const big = (id) => `${id}:`.padEnd(50 * 1024, 'f');
        let hub = await startOnDir(dir, args);
        const acked = [];
        const refused = [];
        const statuses = [];
        try {
          // A live subscriber from the start: it must see every acknowledged event and
          // never a refused one.
          const live = await subscribeOk(hub.url, { topics: T });
          // 1 MiB cannot hold 80 events of 50 KB: a 503 must come. Go on for a few more
          // after it, to see what follows a full map.
          let afterFirst503 = 0;
          for (let i = 0; i < 80 && afterFirst503 < 6; i++) {
            const id = `${p}-f${i}`;
            const r = await publish(hub.url, { topic: T, id, data: big(id) });
            statuses.push(r.status);
            if (refused.length > 0) afterFirst503++;
            if (r.status === 200) {
              assert.equal(r.body, id);
              acked.push(id);
            } else {
              assert.equal(r.status, 503, `publish ${id}: ${r.status} ${r.body}`);
              assert.ok(r.body.startsWith('not published:'), `503 body: ${JSON.stringify(r.body)}`);
              assert.equal(r.headers['retry-after'], '1', 'Retry-After: 1');
              refused.push(id);
            }
          }
          t.diagnostic(`statuses: ${statuses.join(' ')}`);
          assert.ok(refused.length > 0, `no 503 after ${acked.length} events of 50 KB in a 1 MiB map`);
          assert.ok(acked.length > 0, 'some fit');
          const m = await metrics(hub.url);
          assert.equal(m.herald_publishes_failed_total, refused.length, 'herald_publishes_failed_total counts the 503s');

          // Every acknowledged event was delivered live, in order; no refused one.
          await live.waitForEvent((e) => e.id === acked.at(-1), 10000, 'the last acknowledged event live');
          // Nothing is published after it, so a refused event that wrongly got through
          // would have come before it; the pause covers one still queued behind it.
          await sleep(300);
          assert.deepEqual(ids(live.events), acked, 'live: every acknowledged event, never a refused one');
          live.close();

          // The map is full, so no sentinel can be published: read up to the last
          // acknowledged event (nothing was published after it).
          const checkHeld = async (where) => {
            const s = await readUntil(hub.url, [T], 'earliest', acked.at(-1));
            const held = ids(s.events);
            assert.deepEqual(held, acked.slice(acked.length - held.length),
              `${where}: what is held is the newest acknowledged events, none missing in between, nothing refused`);
            for (const e of s.events) assert.equal(e.data, big(e.id), `${where}: data of ${e.id}`);
            assert.equal((await metrics(hub.url)).herald_history_events, held.length, `${where}: herald_history_events`);
            if (held.length < acked.length) {
              // Dropped to make room: a resume from a dropped id is told so.
              const r = await readUntil(hub.url, [T], acked[0], acked.at(-1));
              assert.equal(expectReset(r, `${where} resume from dropped ${acked[0]}`).oldest, held[0]);
              assert.deepEqual(ids(r.events), held);
            }
            return held;
          };
          const before = await checkHeld('before the restart');
          t.diagnostic(`acknowledged ${acked.length}, held ${before.length}, refused ${refused.length}`);
          assert.equal(await hub.stop(), 0, `clean stop with a full map\n${hub.logs().slice(-1500)}`);

          // Restarted on the full directory: the same events.
          hub = await startOnDir(dir, args);
          assert.deepEqual(await checkHeld('after the restart'), before, 'the restart holds what was held');
          assert.equal(await hub.stop(), 0);

          // Restarted with an age bound: the old events go, space comes back, publishes
          // get 200 again (bounded wait; a 503 meanwhile must still be well-formed).
          hub = await startOnDir(dir, [...args, '--history-max-age', '1s']);
          const recovered = `${p}-recovered`;
          let tries = 0;
          await eventually(async () => {
            tries++;
            const r = await publish(hub.url, { topic: T, id: recovered, data: big(recovered) });
            if (r.status === 503) {
              assert.ok(r.body.startsWith('not published:'), `503 body: ${r.body}`);
              return false;
            }
            assert.equal(r.status, 200, `publish after retention: ${r.status} ${r.body}`);
            return true;
          }, 'a publish to be accepted once the age bound made room', { timeoutMs: 10000, everyMs: 250 });
          const s = await readUntil(hub.url, [T], 'earliest', recovered);
          assert.ok(ids(s.events).every((id) => id === recovered || acked.includes(id)),
            `only acknowledged events are held: ${ids(s.events)}`);
          // Several more, to show it is not one freed page: the map keeps taking them.
          for (let i = 0; i < 5; i++) await publishOk(hub.url, { topic: T, id: `${p}-more${i}`, data: big(`${p}-more${i}`) });
          assert.equal(await hub.stop(), 0, `clean stop after the recovery (${tries} tries)`);
        } finally {
          await killHard(hub);
        }
      });
    });
});

describe('the reset event over plain HTTP (memory store)', () => {
  it('an unknown id gets the exact reset frame first, then everything held, then live', async () => {
    const hub = await startHerald(['--dev', '--no-ticker']);
    try {
      const T = `urn:t:reset:${uid()}`;
      // Empty history: the reset says so (oldest null), and live follows.
      const empty = await subscribeOk(hub.url, { topics: T, lastEventIdHeader: 'never-was' });
      await empty.waitForEvents(1);
      await publishOk(hub.url, { topic: T, id: 'm0', data: 'first' });
      await empty.waitForEvent((e) => e.id === 'm0');
      const d0 = expectReset({ events: empty.events, text: empty.text }, 'empty history');
      assert.deepEqual(d0, { reason: 'last-event-id-not-held', oldest: null });
      assert.deepEqual(ids(empty.events), ['m0']);
      empty.close();

      await publishAll(hub.url, [['m1', T], ['m2', T]]);
      // The header, and the query parameter (what an EventSource can send).
      for (const how of ['header', 'query']) {
        const s = await subscribeOk(hub.url, how === 'header'
          ? { topics: T, lastEventIdHeader: `unknown-${uid()}` } : { topics: T, lastEventID: `unknown-${uid()}` });
        await s.waitForEvents(4);
        await publishOk(hub.url, { topic: T, id: `live-${how}`, data: 'live' });
        await s.waitForEvent((e) => e.id === `live-${how}`);
        assert.deepEqual(expectReset({ events: s.events, text: s.text }, how), { reason: 'last-event-id-not-held', oldest: 'm0' });
        const blocks = resetFrames(s.text);
        assert.deepEqual(blocks[0].lines, ['event: herald-reset', `data: ${JSON.stringify(blocks[0].data)}`],
          'one event line, one data line');
        // Then everything held (m0, m1, m2, and the earlier live ones), then live.
        const got = ids(s.events);
        assert.deepEqual(got.slice(0, 3), ['m0', 'm1', 'm2']);
        assert.equal(got.at(-1), `live-${how}`);
        s.close();
      }
      // No reset for `earliest` or a held id.
      const e = await subscribeOk(hub.url, { topics: T, lastEventIdHeader: 'earliest' });
      await e.waitForEvent((x) => x.id === 'live-query');
      expectNoReset({ events: e.events }, 'earliest');
      e.close();
      const h = await subscribeOk(hub.url, { topics: T, lastEventIdHeader: 'm1' });
      await h.waitForEvent((x) => x.id === 'live-query');
      expectNoReset({ events: h.events }, 'a held id');
      assert.equal(h.events[0].id, 'm2');
      h.close();
      assert.equal((await metrics(hub.url)).herald_resets_total, 3, 'herald_resets_total: three resets');
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });

  it('an id evicted by --history-size gets a reset naming the oldest held', async () => {
    const hub = await startHerald(['--dev', '--no-ticker', '--history-size', '3']);
    try {
      const T = `urn:t:reset:evict:${uid()}`;
      await publishAll(hub.url, ['e1', 'e2', 'e3', 'e4', 'e5'].map((id) => [id, T]));
      const s = await readUntil(hub.url, [T], 'e1', 'e5');
      assert.equal(expectReset(s, 'resume from evicted e1').oldest, 'e3');
      assert.deepEqual(ids(s.events), ['e3', 'e4', 'e5']);
      const held = await readUntil(hub.url, [T], 'e3', 'e5');
      expectNoReset(held, 'resume from held e3');
      assert.deepEqual(ids(held.events), ['e4', 'e5']);
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });
});
