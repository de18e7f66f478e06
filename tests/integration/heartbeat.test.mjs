// HUB-CONTRACT "Endpoints": "Heartbeat: a comment line `:\n` every --heartbeat", the
// duration formats, and 0 = off.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { withHub } from '../lib/herald.mjs';
import { subscribeOk, publishOk, sleep } from '../lib/sse_reader.mjs';

const newTopic = () => `urn:test:hb:${randomUUID()}`;

describe('heartbeat', () => {
  it('--heartbeat 1: a ":" comment arrives within 2.5 s on an idle stream, and again', async () => {
    await withHub(['--dev', '--heartbeat', '1'], async (hub) => {
      const s = await subscribeOk(hub.url, { topics: newTopic() });
      const t0 = Date.now();
      await s.waitForComment(2500);
      await s.waitForComment(2500, { after: 1 });
      assert.ok(Date.now() - t0 < 5000);
      assert.equal(s.events.length, 0, 'a heartbeat is not an event');
      // The comment line is exactly ":\n" (contract), each at a block boundary.
      assert.match(s.text, /^:\n/);
      assert.equal(s.text.replace(/:\n/g, ''), '', `only heartbeats on the wire: ${JSON.stringify(s.text)}`);
      s.close();
    });
  });

  it('heartbeats do not disturb events around them', async () => {
    await withHub(['--dev', '--heartbeat', '1'], async (hub) => {
      const t = newTopic();
      const s = await subscribeOk(hub.url, { topics: t });
      await publishOk(hub.url, { topic: t, data: 'before', type: 'x' });
      await s.waitForComment(2500);
      await publishOk(hub.url, { topic: t, data: 'after' });
      const evs = await s.waitForEvents(2);
      assert.deepEqual(evs.map((e) => [e.type, e.data]), [['x', 'before'], ['message', 'after']]);
      s.close();
    });
  });

  it('every idle stream gets heartbeats, not only the first one', async () => {
    await withHub(['--dev', '--heartbeat', '1'], async (hub) => {
      const subs = [];
      for (let i = 0; i < 10; i++) subs.push(await subscribeOk(hub.url, { topics: newTopic() }));
      for (const s of subs) await s.waitForComment(3000);
      for (const s of subs) s.close();
    });
  });

  it('--heartbeat 500ms: comments about twice a second', async () => {
    await withHub(['--dev', '--heartbeat', '500ms'], async (hub) => {
      const s = await subscribeOk(hub.url, { topics: newTopic() });
      const t0 = Date.now();
      await s.waitForComment(3000, { after: 2 }); // three comments
      assert.ok(Date.now() - t0 < 3000, `three heartbeats took ${Date.now() - t0} ms`);
      s.close();
    });
  });

  it('--heartbeat 1s (with unit) works', async () => {
    await withHub(['--dev', '--heartbeat', '1s'], async (hub) => {
      const s = await subscribeOk(hub.url, { topics: newTopic() });
      await s.waitForComment(2500);
      s.close();
    });
  });

  it('--heartbeat 0 disables heartbeats', async () => {
    await withHub(['--dev', '--heartbeat', '0'], async (hub) => {
      const s = await subscribeOk(hub.url, { topics: newTopic() });
      await sleep(2500);
      assert.equal(s.comments.length, 0, 'no heartbeat with 0');
      assert.equal(s.closed, false, 'and the stream stays open');
      s.close();
    });
  });

  it('--heartbeat 1m: no comment in the first 2 s', async () => {
    await withHub(['--dev', '--heartbeat', '1m'], async (hub) => {
      const s = await subscribeOk(hub.url, { topics: newTopic() });
      await sleep(2000);
      assert.equal(s.comments.length, 0);
      s.close();
    });
  });

  it('HERALD_HEARTBEAT=1 in the environment takes effect', async () => {
    await withHub(['--dev'], async (hub) => {
      const s = await subscribeOk(hub.url, { topics: newTopic() });
      await s.waitForComment(2500);
      s.close();
    }, { env: { HERALD_HEARTBEAT: '1' } });
  });
});
