// /metrics by protocol: herald_connections_by_protocol{protocol,tls} and
// herald_streams{protocol,tls}. An HTTP/1.1 stream, an h2c connection with several streams,
// an h2 over TLS connection and an HTTP/1.1 over TLS stream are each counted under their
// own labels; closing a stream drops the stream gauge but not its connection's; closing
// the connections brings every gauge back; the unlabelled herald_connections stays the
// total of the split. Also in the dashboard's JSON snapshot (/dashboard/stream).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { startHerald } from '../lib/herald.mjs';
import { subscribeOk } from '../lib/sse_reader.mjs';
import { connectH2, openSseOk } from '../lib/h2_sse.mjs';
import { makeCert, tlsArgs, httpsUrlOf } from '../lib/tls_cert.mjs';
import { request, waitUntil } from '../lib/http_util.mjs';

const LABELS = [['http/1.1', 'false'], ['http/1.1', 'true'], ['h2', 'false'], ['h2', 'true']];
const key = (protocol, tls) => `${protocol}/${tls === 'true' || tls === true ? 'tls' : 'plain'}`;

// The gauges, read over a fresh HTTP/1.1 connection (which counts itself as one plain
// HTTP/1.1 connection while it asks).
async function gauges(hub) {
  const r = await request(hub.url, { path: '/metrics' });
  assert.equal(r.status, 200);
  const text = r.body.toString();
  const read = (name, protocol, tls) => {
    const m = text.match(new RegExp(`^${name}\\{protocol="${protocol.replace('.', '\\.')}",tls="${tls}"\\} (\\d+)$`, 'm'));
    assert.ok(m, `no ${name}{protocol="${protocol}",tls="${tls}"} in /metrics:\n${text}`);
    return Number(m[1]);
  };
  const g = { connections: {}, streams: {}, text };
  for (const [protocol, tls] of LABELS) {
    g.connections[key(protocol, tls)] = read('herald_connections_by_protocol', protocol, tls);
    g.streams[key(protocol, tls)] = read('herald_streams', protocol, tls);
  }
  g.total = Number(text.match(/^herald_connections (\d+)$/m)[1]);
  return g;
}

// Waits until the gauges are exactly `want` (the metrics request's own connection added).
async function expectGauges(hub, want, what) {
  const expected = {
    connections: { 'http/1.1/plain': 0, 'http/1.1/tls': 0, 'h2/plain': 0, 'h2/tls': 0, ...want.connections },
    streams: { 'http/1.1/plain': 0, 'http/1.1/tls': 0, 'h2/plain': 0, 'h2/tls': 0, ...want.streams },
  };
  expected.connections['http/1.1/plain'] += 1;  // the metrics request itself
  let last;
  try {
    await waitUntil(async () => {
      last = await gauges(hub);
      return JSON.stringify(last.connections) === JSON.stringify(expected.connections)
        && JSON.stringify(last.streams) === JSON.stringify(expected.streams);
    }, { timeoutMs: 5000, what });
  } catch (e) {
    assert.deepEqual({ connections: last.connections, streams: last.streams }, expected, `${what}:\n${last.text}`);
    throw e;
  }
  const sum = Object.values(last.connections).reduce((a, b) => a + b, 0);
  assert.equal(last.total, sum, 'herald_connections is the total of the split');
}

// An SSE stream over HTTP/1.1 over TLS (no ALPN offered: the hub picks http/1.1).
function httpsStream(url, ca, topic) {
  return new Promise((resolve, reject) => {
    const req = https.get(`${url}/.well-known/mercure?topic=${encodeURIComponent(topic)}`,
      { ca, agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
        assert.equal(res.statusCode, 200);
        assert.equal(res.httpVersion, '1.1');
        resolve({ close: () => req.destroy() });
      });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('no response over https')));
  });
}

describe('metrics by protocol', () => {
  let hub;
  let cert;
  let httpsUrl;
  before(async () => {
    cert = makeCert();
    hub = await startHerald(['--dev', '--no-ticker', '--threads', '2', ...tlsArgs(cert)]);
    httpsUrl = httpsUrlOf(hub);
  });
  after(async () => {
    assert.equal(await hub.stop(), 0);
    cert.remove();
  });

  it('counts connections and streams under their protocol and TLS, and drops them on close', async () => {
    await expectGauges(hub, {}, 'an idle hub');

    const h1 = await subscribeOk(hub.url, { topics: ['urn:m:h1'] });
    await expectGauges(hub, { connections: { 'http/1.1/plain': 1 }, streams: { 'http/1.1/plain': 1 } },
      'one HTTP/1.1 stream');

    const h2c = await connectH2(hub.url);
    const h2cStreams = [];
    for (let i = 0; i < 3; i++) h2cStreams.push(await openSseOk(h2c, { topics: [`urn:m:h2c:${i}`] }));
    const tls = await connectH2(httpsUrl, { ca: cert.ca });
    assert.equal(tls.alpnProtocol, 'h2');
    const tlsStreams = [];
    for (let i = 0; i < 2; i++) tlsStreams.push(await openSseOk(tls, { topics: [`urn:m:h2:${i}`] }));
    const h1tls = await httpsStream(httpsUrl, cert.ca, 'urn:m:h1tls');
    const all = {
      connections: { 'http/1.1/plain': 1, 'http/1.1/tls': 1, 'h2/plain': 1, 'h2/tls': 1 },
      streams: { 'http/1.1/plain': 1, 'http/1.1/tls': 1, 'h2/plain': 3, 'h2/tls': 2 },
    };
    await expectGauges(hub, all, 'every protocol at once');

    // A plain answer on an h2 connection is no stream; a closed stream leaves its connection.
    await new Promise((resolve, reject) => {
      const req = h2c.request({ ':path': '/healthz' });
      req.on('response', () => {});
      req.resume();
      req.on('end', resolve);
      req.on('error', reject);
    });
    h2cStreams[0].close();
    await h2cStreams[0].waitClosed();
    await expectGauges(hub, { ...all, streams: { ...all.streams, 'h2/plain': 2 } }, 'one h2c stream closed');

    h1.close();
    h1tls.close();
    h2c.destroy();  // close() would wait for the streams, which never end by themselves
    tls.destroy();
    await expectGauges(hub, {}, 'every client gone');
  });

  it('sends the split in the dashboard snapshot too', async () => {
    const session = await connectH2(hub.url);
    const stream = await openSseOk(session, { topics: ['urn:m:snapshot'] });
    try {
      const snapshot = await new Promise((resolve, reject) => {
        const req = session.request({ ':path': '/dashboard/stream' });
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (d) => {
          body += d;
          const m = body.match(/^data: (\{.*\})$/m);
          if (m) { resolve(JSON.parse(m[1])); req.close(); }
        });
        req.on('error', reject);
        setTimeout(() => reject(new Error(`no snapshot: ${body}`)), 5000).unref();
      });
      const h2plain = snapshot.protocols.find((p) => p.protocol === 'h2' && p.tls === false);
      assert.ok(h2plain, JSON.stringify(snapshot.protocols));
      assert.equal(h2plain.connections, 1);
      assert.ok(h2plain.streams >= 1, JSON.stringify(snapshot.protocols));  // + the snapshot stream
      assert.equal(snapshot.protocols.length, 4);
    } finally {
      session.destroy();
    }
  });
});
