// HUB-CONTRACT "Limits": "A subscriber whose queued bytes pass --subscriber-buffer is cut
// (connection closed without the chunked terminator; logged `subscriber cut`); it
// reconnects with Last-Event-ID and history replays what it missed."
// A subscriber stops reading (socket.pause(): the kernel buffers fill, then the hub's
// queue); we publish 3000 events of 8 KiB (~24 MiB, far more than the kernel buffers),
// then resume, see the cut, reconnect from the last event fully received and check that
// every event arrives exactly once, in order. A fast subscriber on the same topic must
// get everything and stay connected.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startHerald } from '../lib/herald.mjs';
import { subscribeOk, publishOk, request } from '../lib/sse_reader.mjs';
import { waitUntil } from '../lib/http_util.mjs';

const TOTAL = 3000;
const SIZE = 8 * 1024;

describe('slow consumer', () => {
  it('is cut past --subscriber-buffer and catches up from history without loss or duplicate',
    { timeout: 150000 }, async () => {
      const hub = await startHerald(['--dev', '--subscriber-buffer', '65536', '--history-size', '100000',
        '--history-bytes', '100000000', '--heartbeat', '0']);
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

        // The fast subscriber kept up and is still connected.
        await fast.waitForEvents(TOTAL, 30000);
        assert.equal(fast.closed, false, 'the fast subscriber is not cut');
        assert.deepEqual(fast.events.map((e) => e.id), ids);
        assert.ok(fast.events.every((e, i) => e.data === payload(i)), 'fast subscriber data intact');

        // The slow one was cut: the log says so.
        await waitUntil(() => /subscriber cut/.test(hub.logs()), { timeoutMs: 10000, what: '"subscriber cut" in the log' });

        // Resume reading: what the kernel held comes in, then the end without terminator.
        slow.resume();
        const end = await slow.waitForClose(30000);
        assert.equal(end.terminated, false, 'a cut stream ends WITHOUT the chunked terminator');
        const first = slow.events.map((e) => e.id);
        assert.ok(first.length < TOTAL, `the slow subscriber got only part before the cut (${first.length})`);
        assert.deepEqual(first, ids.slice(0, first.length), 'what it got is a prefix, in order');
        assert.ok(slow.events.every((e, i) => e.data === payload(i)), 'slow subscriber data intact');

        // Reconnect from the last event fully received.
        const resumeFrom = first.length ? first[first.length - 1] : 'earliest';
        const again = await subscribeOk(hub.url, { topics: topic, lastEventIdHeader: resumeFrom });
        streams.push(again);
        const rest = TOTAL - first.length;
        await again.waitForEvents(rest, 60000);
        const endId = await publishOk(hub.url, { topic, id: 'slow-end', data: 'end' });
        await again.waitForEvent((e) => e.id === endId, 10000, 'the live event after the replay');
        const second = again.events.map((e) => e.id);
        assert.deepEqual([...first, ...second], [...ids, 'slow-end'], 'every event exactly once, in order');
        assert.ok(again.events.slice(0, rest).every((e, i) => e.data === payload(first.length + i)), 'replayed data intact');

        // The hub is still healthy.
        const h = await request(hub.url, { path: '/healthz' });
        assert.equal(h.status, 200);
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
