// HUB-CONTRACT "Listeners": HTTP/2 on both listeners. h2c with prior knowledge on
// --listen (curl --http2-prior-knowledge, h2load), ALPN h2 on --tls-listen (curl --http2),
// and many SSE streams multiplexed on one connection (node:http2), each receiving every
// event exactly once; a slow stream and an expired token end their own stream only, not
// the connection. Certificates are made with the `openssl` command.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import { startHerald } from '../lib/herald.mjs';
import { DEV_KEY, mercureToken } from '../lib/jwt.mjs';
import { waitUntil } from '../lib/http_util.mjs';
import { makeCert, httpsUrlOf } from '../lib/tls_cert.mjs';
import { curlStream, run } from '../lib/tools.mjs';

// Publishes with curl over `flags` until `done()` holds (a stream is open once a publish
// reaches it); bounded.
async function publishUntil(url, flags, topic, data, done) {
  await waitUntil(async () => {
    const r = await run('curl', ['-s', ...flags, '-d', `topic=${topic}`, '-d', `data=${data}`,
      `${url}/.well-known/mercure`]);
    assert.equal(r.code, 0, r.stderr);
    return done();
  }, { timeoutMs: 10000, everyMs: 200, what: `${data} in the stream` });
}

describe('HTTP/2', () => {
  let dir;
  let hub;
  let https;
  let cert;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-h2-test-'));
    cert = makeCert('localhost', { dir });
    hub = await startHerald(['--dev', '--no-ticker', '--tls-listen', '127.0.0.1:0',
      '--tls-cert', cert.cert, '--tls-key', cert.key]);
    https = httpsUrlOf(hub);
  });
  after(async () => {
    assert.equal(await hub.stop(), 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves h2c to curl --http2-prior-knowledge: publish, and the event arrives', async () => {
    const r = await run('curl', ['-sv', '--http2-prior-knowledge', `${hub.url}/healthz`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'ok');
    assert.match(r.stderr, /< HTTP\/2 200/);
    const topic = 'urn:test:h2c';
    const stream = curlStream(['--http2-prior-knowledge', `${hub.url}/.well-known/mercure?topic=${topic}`]);
    try {
      await publishUntil(hub.url, ['--http2-prior-knowledge'], topic, 'over-h2c',
        () => stream.out().includes('data: over-h2c'));
    } finally {
      stream.close();
    }
  });

  it('serves h2 over TLS through ALPN (curl --http2 -v)', async () => {
    const r = await run('curl', ['-sv', '--http2', '--cacert', cert.cert, `${https}/healthz`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'ok');
    assert.match(r.stderr, /ALPN: server accepted h2/);
    assert.match(r.stderr, /< HTTP\/2 200/);
    const topic = 'urn:test:h2-tls';
    const stream = curlStream(['--http2', '--cacert', cert.cert, `${https}/.well-known/mercure?topic=${topic}`]);
    try {
      await publishUntil(https, ['--http2', '--cacert', cert.cert], topic, 'over-h2-tls',
        () => stream.out().includes('data: over-h2-tls'));
    } finally {
      stream.close();
    }
  });

  it('answers every h2load request with 2xx: /healthz and a short publish run', async () => {
    const health = await run('h2load', ['-n', '2000', '-c', '4', '-m', '10', `${hub.url}/healthz`]);
    assert.equal(health.code, 0, health.stderr);
    assert.match(health.stdout, /status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx/, health.stdout);
    const body = path.join(dir, 'publish.form');
    fs.writeFileSync(body, 'topic=urn:test:h2load&data=load');
    const publish = await run('h2load', ['-n', '200', '-c', '2', '-m', '4', '-d', body,
      '-H', 'content-type: application/x-www-form-urlencoded', `${hub.url}/.well-known/mercure`]);
    assert.equal(publish.code, 0, publish.stderr);
    assert.match(publish.stdout, /status codes: 200 2xx, 0 3xx, 0 4xx, 0 5xx/, publish.stdout);
    const tls = await run('h2load', ['-n', '500', '-c', '2', '-m', '10', `${https}/healthz`]);
    assert.equal(tls.code, 0, tls.stderr);
    assert.match(tls.stdout, /Application protocol: h2/, tls.stdout);
    assert.match(tls.stdout, /status codes: 500 2xx, 0 3xx, 0 4xx, 0 5xx/, tls.stdout);
  });

  it('multiplexes 50 SSE streams on one connection, each gets the event exactly once', async () => {
    const session = http2.connect(hub.url);
    session.on('error', () => {});
    const topic = 'urn:test:h2-many';
    const streams = [];
    try {
      for (let i = 0; i < 50; i++) {
        const req = session.request({ ':path': `/.well-known/mercure?topic=${topic}` });
        const s = { status: 0, body: '' };
        req.setEncoding('utf8');
        req.on('response', (headers) => { s.status = headers[':status']; });
        req.on('data', (d) => { s.body += d; });
        req.on('error', () => {});
        s.req = req;
        streams.push(s);
      }
      await waitUntil(() => streams.every((s) => s.status === 200), { what: '50 streams open' });
      // The headers go out once the subscription is registered: one publish reaches all.
      const r = await run('curl', ['-s', '-d', `topic=${topic}`, '-d', 'data=once', `${hub.url}/.well-known/mercure`]);
      assert.equal(r.code, 0, r.stderr);
      await waitUntil(() => streams.every((s) => s.body.includes('data: once')), { what: 'the event on every stream' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const s of streams) assert.equal(s.body.split('data: once').length - 1, 1, s.body);
      const metrics = await run('curl', ['-s', `${hub.url}/metrics`]);
      const gauge = (name) => Number((metrics.stdout.match(new RegExp(`^${name} (\\d+)$`, 'm')) || [])[1]);
      assert.ok(gauge('herald_subscribers') >= 50, metrics.stdout);
      // 50 subscriptions, one connection (plus this curl and stragglers closing).
      assert.ok(gauge('herald_connections') < 10, metrics.stdout);
    } finally {
      for (const s of streams) s.req.close();
      session.close();
    }
  });
});

describe('HTTP/2 slow subscriber', () => {
  it('a stream that stops reading is reset at --subscriber-buffer; its sibling on the connection goes on', async () => {
    const hub = await startHerald(['--dev', '--no-ticker', '--subscriber-buffer', '65536']);
    const session = http2.connect(hub.url);
    session.on('error', () => {});
    try {
      const topic = 'urn:test:h2-slow';
      const open = (s) => {
        s.req.on('response', (headers) => { s.status = headers[':status']; });
        s.req.on('close', () => { s.closed = true; s.rstCode = s.req.rstCode; });
        s.req.on('error', () => {});
        return s;
      };
      const path = `/.well-known/mercure?topic=${topic}`;
      const slow = open({ req: session.request({ ':path': path }), status: 0 });
      const fast = open({ req: session.request({ ':path': path }), status: 0, bytes: 0 });
      fast.req.on('data', (d) => { fast.bytes += d.length; });
      slow.req.pause();  // never read: Node stops granting it window once its buffer is full
      await waitUntil(() => slow.status === 200 && fast.status === 200, { what: 'both streams open' });
      const data = 'x'.repeat(8192);
      for (let i = 0; i < 200 && !slow.closed; i++) {
        const r = await run('curl', ['-s', '-d', `topic=${topic}`, '-d', `data=${data}`, `${hub.url}/.well-known/mercure`]);
        assert.equal(r.code, 0, r.stderr);
      }
      await waitUntil(() => slow.closed, { what: 'the slow stream reset' });
      assert.equal(slow.rstCode, http2.constants.NGHTTP2_CANCEL);
      assert.equal(fast.closed, undefined, 'the sibling stream was closed too');
      assert.ok(!session.closed && !session.destroyed, 'the connection was closed');
      await waitUntil(() => /subscriber cut/.test(hub.logs()), { what: 'subscriber cut in the log' });
      // The sibling still receives what is published next.
      const before = fast.bytes;
      await run('curl', ['-s', '-d', `topic=${topic}`, '-d', 'data=after-cut', `${hub.url}/.well-known/mercure`]);
      await waitUntil(() => fast.bytes > before, { what: 'an event on the sibling after the cut' });
    } finally {
      session.destroy();
      assert.equal(await hub.stop(), 0);
    }
  });
});

describe('HTTP/2 token expiry', () => {
  it('ends the stream whose token expired; the other stream of the connection goes on', async () => {
    const hub = await startHerald(['--jwt-key', DEV_KEY, '--no-ticker', '--heartbeat', '0']);
    const session = http2.connect(hub.url);
    session.on('error', () => {});
    try {
      const topic = 'urn:test:h2-exp';
      const open = (exp) => {
        const s = { status: 0, body: '', ended: false };
        s.req = session.request({ ':path': `/.well-known/mercure?topic=${topic}`,
          authorization: `Bearer ${mercureToken({ subscribe: [topic], exp })}` });
        s.req.setEncoding('utf8');
        s.req.on('response', (headers) => { s.status = headers[':status']; });
        s.req.on('data', (d) => { s.body += d; });
        s.req.on('end', () => { s.ended = true; });
        s.req.on('error', () => {});
        return s;
      };
      const short = open(2);  // exp is in whole seconds: 1 to 2 s of stream
      const long = open(600);
      await waitUntil(() => short.status === 200 && long.status === 200, { what: 'both streams open' });
      await waitUntil(() => short.ended, { timeoutMs: 6000, what: 'the short token\'s stream to end' });
      assert.match(short.body, /token expired/);
      assert.equal(long.ended, false);
      const publisher = mercureToken({ publish: ['*'] });
      const r = await run('curl', ['-s', '-H', `Authorization: Bearer ${publisher}`, '-d', `topic=${topic}`,
        '-d', 'data=still-here', `${hub.url}/.well-known/mercure`]);
      assert.equal(r.code, 0, r.stderr);
      await waitUntil(() => long.body.includes('data: still-here'), { what: 'the event on the other stream' });
    } finally {
      session.destroy();
      assert.equal(await hub.stop(), 0);
    }
  });
});

describe('HTTP/2 off (--h2-max-streams 0)', () => {
  it('speaks only HTTP/1.1: no h2c with prior knowledge', async () => {
    const hub = await startHerald(['--dev', '--no-ticker', '--h2-max-streams', '0']);
    try {
      const r = await run('curl', ['-s', '--http2-prior-knowledge', `${hub.url}/healthz`]);
      assert.notEqual(r.code, 0);
      const h1 = await run('curl', ['-s', `${hub.url}/healthz`]);
      assert.equal(h1.stdout.trim(), 'ok');
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });
});
