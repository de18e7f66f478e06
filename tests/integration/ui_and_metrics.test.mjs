// What a hub shows besides the protocol: the demo pages, the dashboard and its stream only
// with --dev or --ui; /metrics on the public listener only with --dev or --metrics-public,
// else on its own listener (--metrics-listen); /healthz and /readyz always.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withHub } from '../lib/herald.mjs';
import { request } from '../lib/http_util.mjs';

const uiPaths = ['/', '/index.html', '/chat.html', '/dashboard', '/dashboard/stream', '/demo/clock'];

// GET `path` and, for streams, just the head: the request is aborted after it.
async function status(url, path) {
  const r = await request(url, { path, headersOnly: true });
  return r.status;
}

describe('the UI and metrics are opt-in outside --dev', () => {
  it('a production hub serves neither pages nor metrics publicly, and says how to', async () => {
    await withHub(['--anonymous'], async (hub) => {
      for (const path of uiPaths) assert.equal(await status(hub.url, path), 404, path);
      const root = await request(hub.url, { path: '/' });
      assert.match(root.body, /--ui/);
      const metrics = await request(hub.url, { path: '/metrics' });
      assert.equal(metrics.status, 404);
      assert.match(metrics.body, /--metrics-listen/);
      assert.equal(await status(hub.url, '/healthz'), 200);
      assert.equal(await status(hub.url, '/readyz'), 200);
    });
  });

  it('--ui serves the pages, the dashboard and their streams', async () => {
    await withHub(['--anonymous', '--ui'], async (hub) => {
      for (const path of uiPaths) assert.equal(await status(hub.url, path), 200, path);
      assert.equal(await status(hub.url, '/metrics'), 404);
    });
  });

  it('--metrics-listen serves metrics and probes on their own port, and only those', async () => {
    await withHub(['--anonymous', '--metrics-listen', '127.0.0.1:0'], async (hub) => {
      const line = hub.out().match(/metrics on (http:\/\/[^\s/]+)\/metrics/);
      assert.ok(line, `the metrics URL is printed: ${hub.out()}`);
      const metricsUrl = line[1];
      const m = await request(metricsUrl, { path: '/metrics' });
      assert.equal(m.status, 200);
      assert.match(m.body, /^herald_connections /m);
      assert.equal(await status(metricsUrl, '/healthz'), 200);
      assert.equal(await status(metricsUrl, '/readyz'), 200);
      assert.equal(await status(metricsUrl, '/.well-known/mercure?topic=a'), 404);
      assert.equal(await status(metricsUrl, '/'), 404);
      assert.equal(await status(hub.url, '/metrics'), 404);
    });
  });

  it('--metrics-public and --dev serve /metrics on the public listener', async () => {
    for (const args of [['--anonymous', '--metrics-public'], ['--dev', '--no-ticker']]) {
      await withHub(args, async (hub) => {
        const m = await request(hub.url, { path: '/metrics' });
        assert.equal(m.status, 200, args.join(' '));
        assert.match(m.body, /^herald_connections /m);
      });
    }
  });
});
