// h2load holds 10,000 SSE streams over 100 connections (100 streams each), h2c and then
// h2 over TLS, and every stream receives the one event published: /metrics counts 10,000 subscribers and 10,000
// open HTTP/2 streams, one event goes out, then a graceful SIGTERM ends every stream
// (END_STREAM) and h2load reports 10,000 succeeded with the DATA bytes of 10,000 whole
// streams, each as long as a control stream's (which got the event: so did every one).
// 100 connections for h2load and 100 for the hub: far below the 20,000 descriptors a
// process may hold. Bounded: h2load is killed after 90 s, the test gives up after 120 s.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startHerald } from '../lib/herald.mjs';
import { publishOk, request, waitUntil, withTimeout } from '../lib/http_util.mjs';
import { connectH2, openSseOk } from '../lib/h2_sse.mjs';
import { makeCert, tlsArgs, httpsUrlOf } from '../lib/tls_cert.mjs';

const CONNECTIONS = 100;
const STREAMS_PER_CONNECTION = 100;
const STREAMS = CONNECTIONS * STREAMS_PER_CONNECTION;

function gauge(text, name) {
  const escaped = name.replace(/[{}".\\/]/g, (c) => `\\${c}`);
  const m = text.match(new RegExp(`^${escaped} (\\d+)$`, 'm'));
  return m ? Number(m[1]) : NaN;
}

describe('h2load: 10,000 HTTP/2 streams', () => {
  for (const tls of [false, true]) {
    it(`${tls ? 'h2 over TLS' : 'h2c'}: holds ${STREAMS} streams over ${CONNECTIONS} connections, every one gets the event`, { timeout: 120000 }, async (t) => {
      const cert = tls ? makeCert() : null;
      const hub = await startHerald(['--dev', '--no-ticker', '--heartbeat', '0', '--threads', '2', ...(tls ? tlsArgs(cert) : [])]);
      const base = tls ? httpsUrlOf(hub) : hub.url;
      const topic = 'urn:test:h2load';
      const path = `/.well-known/mercure?topic=${encodeURIComponent(topic)}`;
      let h2load;
      let session;
      try {
        // A stream like h2load's, read here: what each stream must have received.
        session = await connectH2(base, { ca: cert?.ca });
        const control = await openSseOk(session, { topics: [topic] });

        h2load = { out: '', err: '' };
        h2load.proc = spawn('h2load', ['-c', String(CONNECTIONS), '-m', String(STREAMS_PER_CONNECTION),
          '-n', String(STREAMS), '-H', 'accept: text/event-stream', `${base}${path}`],
        { stdio: ['ignore', 'pipe', 'pipe'] });
        h2load.proc.stdout.on('data', (d) => { h2load.out += d; });
        h2load.proc.stderr.on('data', (d) => { h2load.err += d; });
        h2load.exited = new Promise((resolve) => h2load.proc.on('close', (code) => resolve(code)));
        const killer = setTimeout(() => h2load.proc.kill('SIGKILL'), 90000);
        h2load.exited.then(() => clearTimeout(killer));

        let metrics = '';
        await waitUntil(async () => {
          metrics = (await request(hub.url, { path: '/metrics' })).body;
          return gauge(metrics, 'herald_subscribers') >= STREAMS + 1;
        }, { timeoutMs: 45000, everyMs: 250, what: `${STREAMS + 1} subscribers (h2load: ${h2load.out}${h2load.err})` });
        assert.equal(gauge(metrics, 'herald_subscribers'), STREAMS + 1);
        assert.equal(gauge(metrics, `herald_streams{protocol="h2",tls="${tls}"}`), STREAMS + 1);
        assert.equal(gauge(metrics, `herald_connections_by_protocol{protocol="h2",tls="${tls}"}`), CONNECTIONS + 1);

        const id = await publishOk(hub.url, { topic, id: 'h2load-1', data: 'to every stream' });
        assert.equal(id, 'h2load-1');
        await control.waitForEvents(1);
        await waitUntil(async () => {
          metrics = (await request(hub.url, { path: '/metrics' })).body;
          return gauge(metrics, 'herald_events_delivered_total') >= STREAMS + 1;
        }, { timeoutMs: 15000, what: 'the event delivered to every subscriber' });

        // Graceful shutdown ends every stream: h2load's requests complete.
        const t0 = Date.now();
        hub.proc.kill('SIGTERM');
        const code = await withTimeout(h2load.exited, 60000, 'h2load to finish');
        await control.waitClosed(10000);
        assert.equal(control.ended, true);
        const perStream = Buffer.byteLength(control.body);
        assert.match(control.body, /data: to every stream\n\n/);
        assert.equal(code, 0, `h2load exit ${code}: ${h2load.out}${h2load.err}`);
        const out = h2load.out;
        assert.match(out, new RegExp(`requests: ${STREAMS} total, ${STREAMS} started, ${STREAMS} done, ${STREAMS} succeeded, 0 failed, 0 errored, 0 timeout`), out);
        assert.match(out, new RegExp(`status codes: ${STREAMS} 2xx`), out);
        assert.match(out, /Application protocol: h2/, out);
        const data = Number((out.match(/^traffic: .*? \((\d+)\) data/m) || [])[1]);
        t.diagnostic(`${out.match(/^traffic: .*$/m)?.[0]}; ${perStream} bytes per stream`);
        // Each stream carries exactly the control stream's bytes (the event, and whatever the
        // hub writes at the ends): fewer would mean a stream missed the event.
        assert.equal(data, STREAMS * perStream,
          `h2load got ${data} DATA bytes, ${STREAMS} streams x ${perStream} expected:\n${out}`);
        assert.ok(Date.now() - t0 < 30000, `the streams took ${Date.now() - t0} ms to end`);
      } finally {
        session?.destroy();
        if (h2load && h2load.proc.exitCode === null) h2load.proc.kill('SIGKILL');
        assert.equal(await hub.stop(), 0, hub.logs().slice(-2000));
        cert?.remove();
      }
    });
  }
});
