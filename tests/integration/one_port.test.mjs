// One hub per port: herald's shards share their port among themselves (SO_REUSEPORT), but
// a second process on a taken port must refuse to start (exit 2, naming the port) instead
// of silently splitting requests with the first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { runHerald, startHerald, withHub } from '../lib/herald.mjs';
import { request } from '../lib/http_util.mjs';

// `herald serve ARGS` on a taken port must exit by itself: resolves { code, stderr }.
const serveExpectingExit = (args) => runHerald(['serve', ...args], { timeoutMs: 10000 });

describe('one hub per port', () => {
  it('a second herald on the port of a running one exits 2 naming the port', async () => {
    await withHub(['--dev', '--no-ticker', '--threads', '2'], async (hub) => {
      const { code, stderr } = await serveExpectingExit(['--dev', '--listen', `127.0.0.1:${hub.port}`]);
      assert.equal(code, 2, stderr);
      assert.ok(stderr.includes(String(hub.port)), `the message names the port: ${stderr}`);
      assert.match(stderr, /in use/);
      // The first hub still answers every request alone.
      for (let i = 0; i < 10; ++i) {
        const r = await request(hub.url, { path: '/healthz' });
        assert.equal(r.status, 200);
      }
    });
  });

  it('a port held by another program: exit 2 too', async () => {
    const other = net.createServer();
    await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address();
    try {
      const { code, stderr } = await serveExpectingExit(['--dev', '--listen', `127.0.0.1:${port}`]);
      assert.equal(code, 2, stderr);
      assert.ok(stderr.includes(String(port)), stderr);
    } finally {
      other.close();
    }
  });

  it('a taken --metrics-listen port: exit 2 too', async () => {
    const other = net.createServer();
    await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address();
    try {
      const { code, stderr } = await serveExpectingExit([
        '--dev', '--listen', '127.0.0.1:0', '--metrics-listen', `127.0.0.1:${port}`]);
      assert.equal(code, 2, stderr);
      assert.ok(stderr.includes(String(port)), stderr);
    } finally {
      other.close();
    }
  });

  it('the port is free again once the hub stopped', async () => {
    const first = await startHerald(['--dev', '--no-ticker']);
    assert.equal(await first.stop(), 0);
    const again = await startHerald(['--dev', '--no-ticker'], { listen: `127.0.0.1:${first.port}` });
    assert.equal(again.port, first.port);
    assert.equal(await again.stop(), 0);
  });
});
