// HUB-CONTRACT "Starting": the listening line on stdout, flags, and every flag also as an
// environment variable HERALD_<FLAG> (upper case, "-" -> "_").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { withHub } from '../lib/herald.mjs';
import { subscribeOk, publish, publishOk, request, sleep } from '../lib/sse_reader.mjs';
import { rawExchange } from '../lib/http_util.mjs';

const newTopic = () => `urn:test:config:${randomUUID()}`;

describe('configuration', () => {
  it('prints "herald listening on http://HOST:PORT" on stdout with the real port', async () => {
    await withHub(['--dev'], async (hub) => {
      assert.match(hub.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(hub.port > 0, 'port 0 was replaced by the real one');
      const r = await request(hub.url, { path: '/healthz' });
      assert.equal(r.status, 200);
    });
  });

  it('HERALD_LISTEN works without --listen', async () => {
    await withHub(['--dev'], async (hub) => {
      assert.match(hub.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(hub.port, 8080);
      assert.equal((await request(hub.url, { path: '/healthz' })).status, 200);
    }, { listen: null, env: { HERALD_LISTEN: '127.0.0.1:0' } });
  });

  it('--listen on another loopback address', async () => {
    await withHub(['--dev'], async (hub) => {
      assert.match(hub.url, /^http:\/\/127\.0\.0\.2:\d+$/);
      const r = await rawExchange(hub.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', { host: '127.0.0.2' });
      assert.equal(r.responses[0]?.status, 200);
    }, { listen: '127.0.0.2:0' });
  });

  it('HERALD_DEV enables anonymous publishing', async () => {
    await withHub([], async (hub) => {
      const r = await publish(hub.url, { topic: newTopic(), data: 'x' });
      assert.equal(r.status, 200, `HERALD_DEV=1: ${r.status} ${r.body}`);
    }, { env: { HERALD_DEV: '1' } });
  });

  // --dev's ticker shares the history (5 events / 100 ms): bounds are checked with a
  // burst of ours and margins.
  it('HERALD_HISTORY_SIZE bounds the history', async () => {
    await withHub(['--dev'], async (hub) => {
      const t = newTopic();
      const ids = [];
      for (let i = 1; i <= 80; i++) ids.push(await publishOk(hub.url, { topic: t, id: `env-h${i}-${t.slice(-6)}`, data: String(i) }));
      const s = await subscribeOk(hub.url, { topics: t, lastEventID: 'earliest' });
      await s.waitForEvent((e) => e.id === ids.at(-1));
      await sleep(300);
      const got = s.events.map((e) => e.id);
      assert.ok(got.length <= 50, `HERALD_HISTORY_SIZE=50 held ${got.length} of 80`);
      assert.deepEqual(got, ids.slice(ids.length - got.length));
      s.close();
    }, { env: { HERALD_HISTORY_SIZE: '50' } });
  });

  it('HERALD_HISTORY_BYTES bounds the history by size', async () => {
    await withHub(['--dev'], async (hub) => {
      const t = newTopic();
      const ids = [];
      for (let i = 1; i <= 60; i++) ids.push(await publishOk(hub.url, { topic: t, id: `env-b${i}-${t.slice(-6)}`, data: 'k'.repeat(1000) }));
      const s = await subscribeOk(hub.url, { topics: t, lastEventID: 'earliest' });
      await s.waitForEvent((e) => e.id === ids.at(-1));
      await sleep(300);
      const got = s.events.map((e) => e.id);
      assert.ok(got.length <= 30, `30000 bytes hold at most ~30 events of 1 KB, got ${got.length}`);
      assert.deepEqual(got, ids.slice(ids.length - got.length));
      s.close();
    }, { env: { HERALD_HISTORY_BYTES: '30000' } });
  });

  it('HERALD_CORS_ORIGINS', async () => {
    await withHub(['--dev'], async (hub) => {
      const s = await subscribeOk(hub.url, { topics: newTopic(), headers: { Origin: 'https://env.example' } });
      assert.equal(s.headers['access-control-allow-origin'], 'https://env.example');
      s.close();
    }, { env: { HERALD_CORS_ORIGINS: 'https://env.example' } });
  });

  it('HERALD_MAX_BODY_BYTES', async () => {
    await withHub(['--dev'], async (hub) => {
      const r = await publish(hub.url, { topic: newTopic(), data: 'm'.repeat(500) });
      assert.equal(r.status, 413);
    }, { env: { HERALD_MAX_BODY_BYTES: '200' } });
  });

  it('HERALD_MAX_CONNECTIONS', async () => {
    await withHub(['--dev'], async (hub) => {
      const held = [];
      try {
        for (let i = 0; i < 2; i++) held.push(await subscribeOk(hub.url, { topics: newTopic() }));
        const r = await rawExchange(hub.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        assert.equal(r.responses[0]?.status, 503);
      } finally {
        for (const s of held) s.close();
      }
    }, { env: { HERALD_MAX_CONNECTIONS: '2' } });
  });

  it('HERALD_SUBSCRIBER_BUFFER: a stalled subscriber is cut at the env budget', { timeout: 60000 }, async () => {
    await withHub(['--dev', '--heartbeat', '0'], async (hub) => {
      const t = newTopic();
      const s = await subscribeOk(hub.url, { topics: t });
      s.pause();
      const data = 'u'.repeat(16 * 1024);
      // ~16 MiB, well over kernel buffers + 64 KiB; stop as soon as the cut is logged.
      for (let i = 0; i < 1000 && !/subscriber cut/.test(hub.logs()); i++) {
        await publishOk(hub.url, { topic: t, data });
      }
      assert.match(hub.logs(), /subscriber cut/);
      s.close();
    }, { env: { HERALD_SUBSCRIBER_BUFFER: '65536' } });
  });

  it('--threads 1 and --threads 2 both serve', async () => {
    for (const n of ['1', '2']) {
      await withHub(['--dev', '--threads', n], async (hub) => {
        const t = newTopic();
        const subs = [];
        for (let i = 0; i < 6; i++) subs.push(await subscribeOk(hub.url, { topics: t }));
        await publishOk(hub.url, { topic: t, data: `threads-${n}` });
        for (const s of subs) {
          const [ev] = await s.waitForEvents(1);
          assert.equal(ev.data, `threads-${n}`);
          s.close();
        }
      });
    }
  });

  it('--log-format json: every stderr line is a JSON object', async () => {
    let logs = '';
    await withHub(['--dev', '--log-format', 'json', '--log-level', 'debug'], async (hub) => {
      await request(hub.url, { path: '/healthz' });
      await publish(hub.url, { data: 'no topic' });
      await sleep(300);
      logs = hub.logs();
    });
    const lines = logs.split('\n').filter((l) => l.trim());
    assert.ok(lines.length > 0, 'some log lines at debug level');
    for (const l of lines) {
      let v;
      assert.doesNotThrow(() => { v = JSON.parse(l); }, `not JSON: ${l}`);
      assert.equal(typeof v, 'object');
    }
  });

  it('HERALD_LOG_FORMAT=json', async () => {
    let logs = '';
    await withHub(['--dev'], async (hub) => {
      await request(hub.url, { path: '/healthz' });
      await sleep(200);
      logs = hub.logs();
    }, { env: { HERALD_LOG_FORMAT: 'json', HERALD_LOG_LEVEL: 'debug' } });
    const lines = logs.split('\n').filter((l) => l.trim());
    assert.ok(lines.length > 0);
    for (const l of lines) assert.doesNotThrow(() => JSON.parse(l), `not JSON: ${l}`);
  });

  it('--log-level error: no info lines', async () => {
    let logs = '';
    await withHub(['--dev', '--log-level', 'error'], async (hub) => {
      for (let i = 0; i < 3; i++) await request(hub.url, { path: '/healthz' });
      logs = hub.logs();
    });
    assert.doesNotMatch(logs, /\binfo\b/i, `info lines at --log-level error: ${logs.slice(0, 500)}`);
  });
});
