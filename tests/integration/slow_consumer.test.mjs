// HUB-CONTRACT "Limits": "A subscriber whose queued bytes pass --subscriber-buffer is cut
// (connection closed without the chunked terminator; logged `subscriber cut`); it
// reconnects with Last-Event-ID and history replays what it missed."
// A subscriber stops reading (socket.pause(): the kernel buffers fill, then the hub's
// queue); we publish 3000 events of 8 KiB (~24 MiB, far more than the kernel buffers),
// then resume, see the cut, reconnect from the last event fully received and check that
// every event arrives exactly once, in order. A subscriber that reads as fast as it can
// gets everything too (the contract lets the hub cut it when its queue passes the budget
// for any reason, so it follows the same resume rule; the count of its cuts is reported).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startHerald } from '../lib/herald.mjs';
import { subscribeOk, publishOk, request, sleep } from '../lib/sse_reader.mjs';
import { waitUntil } from '../lib/http_util.mjs';

const TOTAL = 3000;
const SIZE = 8 * 1024;

// Reads `total` events starting with stream `s`; whenever the hub cuts the stream (closed
// without the chunked terminator) reconnects with Last-Event-ID = the last event fully
// received, as an EventSource would. Every reconnect must make progress. Resolves
// { events, cuts }.
async function readAllResuming(hub, topic, s, total, { timeoutMs = 60000, onStream = () => {} } = {}) {
  const deadline = Date.now() + timeoutMs;
  const events = [];
  let cuts = 0;
  for (;;) {
    const need = total - events.length;
    try {
      await s.waitForEvents(need, Math.max(1, deadline - Date.now()));
    } catch (e) {
      if (!s.closed) throw new Error(`${e.message} (after ${events.length} events, ${cuts} cuts)`);
    }
    const got = s.events.slice(0, need);
    events.push(...got);
    if (events.length >= total) return { events, cuts, last: s };
    assert.equal(s.terminated, false, 'a stream that ends early must be a cut (no chunked terminator)');
    assert.ok(got.length > 0 || cuts === 0 || events.length === 0, `no progress on reconnect #${cuts}`);
    cuts++;
    assert.ok(cuts <= 200, 'at most 200 reconnects');
    assert.ok(Date.now() < deadline, `timed out resuming after ${events.length} events`);
    s = await subscribeOk(hub.url, { topics: topic,
      lastEventIdHeader: events.length ? events[events.length - 1].id : 'earliest' });
    onStream(s);
  }
}

describe('slow consumer', () => {
  it('is cut past --subscriber-buffer and catches up from history without loss or duplicate',
    { timeout: 150000 }, async (t) => {
      const hub = await startHerald(['--dev', '--subscriber-buffer', '65536', '--history-size', '100000',
        '--history-bytes', '100000000', '--history-per-topic', '0', '--heartbeat', '0']);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const streams = [];
      try {
        const topic = 'urn:test:slow';
        const fast = await subscribeOk(hub.url, { topics: topic });
        const slow = await subscribeOk(hub.url, { topics: topic });
        streams.push(fast, slow);
        slow.pause();

        const ids = Array.from({ length: TOTAL }, (_, i) => `slow-${String(i).padStart(5, '0')}`);
        const payload = (i) => `${String(i).padStart(5, '0')}:${'z'.repeat(SIZE - 6)}`;
        const deadline = Date.now() + 90000;
        for (let i = 0; i < TOTAL; i++) {
          assert.ok(Date.now() < deadline, `publishing took over 90 s (at ${i})`);
          const id = await publishOk(hub.url, { topic, id: ids[i], data: payload(i) }, { agent });
          assert.equal(id, ids[i]);
        }
        agent.destroy();

        // The slow one was cut: the log says so.
        await waitUntil(() => /subscriber cut/.test(hub.logs()), { timeoutMs: 10000, what: '"subscriber cut" in the log' });

        // The reader that kept reading gets everything, once, in order.
        const f = await readAllResuming(hub, topic, fast, TOTAL, { onStream: (s) => streams.push(s) });
        assert.deepEqual(f.events.map((e) => e.id), ids, 'fast reader: every event once, in order');
        assert.ok(f.events.every((e, i) => e.data === payload(i)), 'fast reader: data intact');
        t.diagnostic(`fast reader was cut ${f.cuts} time(s)`);

        // Resume reading: what the kernel held comes in, then the end without terminator.
        slow.resume();
        const end = await slow.waitForClose(30000);
        assert.equal(end.terminated, false, 'a cut stream ends WITHOUT the chunked terminator');
        const first = slow.events.map((e) => e.id);
        assert.ok(first.length < TOTAL, `the slow subscriber got only part before the cut (${first.length})`);
        assert.deepEqual(first, ids.slice(0, first.length), 'what it got is a prefix, in order');
        assert.ok(slow.events.every((e, i) => e.data === payload(i)), 'slow subscriber data intact');
        t.diagnostic(`slow reader got ${first.length} events before the cut`);

        // Reconnect from the last event fully received; the replay brings the rest.
        const resumeFrom = first.length ? first[first.length - 1] : 'earliest';
        const again = await subscribeOk(hub.url, { topics: topic, lastEventIdHeader: resumeFrom });
        streams.push(again);
        const rest = TOTAL - first.length;
        const r = await readAllResuming(hub, topic, again, rest, { onStream: (s) => streams.push(s) });
        t.diagnostic(`the replay of ${rest} events was cut ${r.cuts} time(s)`);
        const second = r.events.map((e) => e.id);
        assert.deepEqual([...first, ...second], ids, 'every event exactly once, in order');
        assert.ok(r.events.every((e, i) => e.data === payload(first.length + i)), 'replayed data intact');

        // Nothing more after the replay but what is published next.
        await sleep(200);
        const before = r.last.events.length;
        const endId = await publishOk(hub.url, { topic, id: 'slow-end', data: 'end' });
        const evs = await r.last.waitForEvents(before + 1, 10000);
        assert.equal(evs.at(-1).id, endId, 'the next event after the replay is the live one');

        // The hub is still healthy.
        const h = await request(hub.url, { path: '/healthz' });
        assert.equal(h.status, 200);
      } finally {
        agent.destroy();
        for (const s of streams) s.close();
        assert.equal(await hub.stop(), 0);
      }
    });

  it('a reader that keeps up is not cut with the default budget (4 MiB)', { timeout: 120000 }, async () => {
    const hub = await startHerald(['--dev', '--heartbeat', '0']);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const streams = [];
    try {
      const topic = 'urn:test:fast';
      const s = await subscribeOk(hub.url, { topics: topic });
      streams.push(s);
      const data = 'f'.repeat(SIZE);
      for (let i = 0; i < 1000; i++) await publishOk(hub.url, { topic, id: `fast-${i}`, data }, { agent });
      await s.waitForEvents(1000, 30000);
      assert.equal(s.closed, false);
      assert.doesNotMatch(hub.logs(), /subscriber cut/);
    } finally {
      agent.destroy();
      for (const s of streams) s.close();
      assert.equal(await hub.stop(), 0);
    }
  });

  it('a subscriber that reads slowly but keeps under the budget is not cut', { timeout: 60000 }, async () => {
    const hub = await startHerald(['--dev', '--subscriber-buffer', '65536', '--heartbeat', '0']);
    const streams = [];
    try {
      const topic = 'urn:test:slow:ok';
      const s = await subscribeOk(hub.url, { topics: topic });
      streams.push(s);
      s.pause();
      // ~40 KiB in total: fits in the kernel buffers, far below the budget.
      for (let i = 0; i < 10; i++) await publishOk(hub.url, { topic, id: `ok-${i}`, data: 'q'.repeat(4096) });
      await new Promise((r) => setTimeout(r, 500));
      s.resume();
      await s.waitForEvents(10, 10000);
      assert.equal(s.closed, false);
      assert.doesNotMatch(hub.logs(), /subscriber cut/);
    } finally {
      for (const s of streams) s.close();
      assert.equal(await hub.stop(), 0);
    }
  });
});
