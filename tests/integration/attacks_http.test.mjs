// HTTP-layer attacks and hardening (issue 9), against the real binary on loopback: every
// byte a request can make a connection hold is bounded, stalled readers are cut, smuggled
// framings are refused, HEAD on streams, absolute-form targets, slow bodies, and a publish
// caught by SIGTERM is answered. Every loop is bounded in count and time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { startHerald, withHub } from '../lib/herald.mjs';
import { rawExchange, connect, waitUntil, sleep, withTimeout, parseResponses } from '../lib/http_util.mjs';

const POST_CHUNKED = 'POST /.well-known/mercure HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
  'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n';

function rssKiB(pid) {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Number(m[1]);
}

// Writes `prefix`, then `filler` again and again (at most `maxBytes`) until the hub
// answers or closes. Resolves { raw, closed, sent }.
function flood(port, prefix, filler, { maxBytes = 64 * 1024 * 1024, timeoutMs = 10000 } = {}) {
  return withTimeout(new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    let raw = Buffer.alloc(0);
    let sent = 0;
    let done = false;
    const finish = (closed) => { if (!done) { done = true; sock.destroy(); resolve({ raw, closed, sent }); } };
    const pump = () => {
      while (!done && sent < maxBytes) {
        sent += filler.length;
        if (!sock.write(filler)) { sock.once('drain', pump); return; }
      }
    };
    sock.on('connect', () => { sock.write(prefix); pump(); });
    sock.on('data', (d) => { raw = Buffer.concat([raw, d]); if (raw.includes('\r\n\r\n')) finish(false); });
    sock.on('error', () => finish(true));
    sock.on('close', () => finish(true));
  }), timeoutMs + 1000, 'flood');
}

describe('HTTP attacks', () => {
  it('a never-ending chunk extension or trailer is refused fast and holds no memory', { timeout: 30000 }, async () => {
    await withHub(['--dev', '--no-ticker'], async (hub) => {
      const before = rssKiB(hub.proc.pid);
      const filler = Buffer.alloc(64 * 1024, 'e');
      for (const prefix of [`${POST_CHUNKED}7;`, `${POST_CHUNKED}1\r\na\r\n0\r\nX-Trailer: `]) {
        const t0 = Date.now();
        const r = await flood(hub.port, prefix, filler);
        const head = r.raw.toString('latin1');
        assert.ok(head === '' || /^HTTP\/1\.1 4\d\d /.test(head), `answer: ${head.slice(0, 80)}`);
        assert.ok(r.sent < 16 * 1024 * 1024, `the hub kept reading: ${r.sent} bytes sent`);
        assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
      }
      const grown = rssKiB(hub.proc.pid) - before;
      assert.ok(grown < 32 * 1024, `RSS grew by ${grown} KiB`);
    });
  });

  it('smuggled requests are refused with 400 and the second request is never answered', { timeout: 30000 }, async () => {
    await withHub(['--dev', '--no-ticker'], async (hub) => {
      const smuggled = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
      for (const framing of ['Transfer-Encoding: gzip', 'Transfer-Encoding: identity',
        'Transfer-Encoding: chunked, identity', 'Transfer-Encoding: chunked\r\nContent-Length: 5']) {
        const req = `POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\n${framing}\r\n\r\n0\r\n\r\n${smuggled}`;
        const r = await rawExchange(hub.port, req, { responses: 2, timeoutMs: 3000 });
        assert.equal(r.responses[0]?.status, 400, `${framing}: ${r.raw.toString('latin1').slice(0, 120)}`);
        assert.equal(r.responses.length, 1, `${framing}: the smuggled request was answered`);
        assert.equal(r.closed, true, `${framing}: connection closed`);
      }
    });
  });

  it('pipelined requests whose answers are never read are cut after --write-timeout', { timeout: 30000 }, async () => {
    await withHub(['--dev', '--no-ticker', '--write-timeout', '1s'], async (hub) => {
      const sock = await connect(hub.port);
      sock.on('error', () => {});
      sock.pause(); // never read
      const closed = new Promise((resolve) => sock.on('close', resolve));
      // The demo page is large enough that a few thousand answers fill any socket buffer.
      const req = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(2000);
      sock.write(req);
      await waitUntil(() => /write stalled/.test(hub.logs()), { timeoutMs: 10000, what: '"write stalled" in the log' });
      // A paused Node socket sees neither the reset nor the end: read again to find it cut.
      sock.resume();
      await withTimeout(closed, 10000, 'the stalled connection to be cut');
    });
  });

  it('a subscriber that never reads is cut after --write-timeout (large --subscriber-buffer)', { timeout: 40000 }, async () => {
    await withHub(['--dev', '--no-ticker', '--write-timeout', '1s', '--subscriber-buffer', '1000000000'], async (hub) => {
      const sock = await connect(hub.port);
      sock.on('error', () => {});
      const closed = new Promise((resolve) => sock.on('close', resolve));
      sock.write('GET /.well-known/mercure?topic=urn:stall HTTP/1.1\r\nHost: x\r\n\r\n');
      await sleep(200);
      sock.pause(); // reads nothing from now on
      const data = 'd'.repeat(512 * 1024);
      let isClosed = false;
      closed.then(() => { isClosed = true; });
      for (let i = 0; i < 120 && !isClosed && !/write stalled/.test(hub.logs()); i++) { // at most 60 MiB
        const body = `topic=urn%3Astall&data=${data}`;
        await rawExchange(hub.port, `POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`, { timeoutMs: 5000 });
      }
      await waitUntil(() => /write stalled/.test(hub.logs()), { timeoutMs: 10000, what: '"write stalled" in the log' });
      assert.doesNotMatch(hub.logs(), /subscriber cut/, 'cut by the stall timeout, not by the buffer');
      sock.resume();  // a paused Node socket sees neither the reset nor the end
      await withTimeout(closed, 10000, 'the stalled subscriber to be cut');
    });
  });

  it('HEAD on streaming endpoints answers the head only, and the next request is answered', { timeout: 30000 }, async () => {
    await withHub(['--dev', '--no-ticker'], async (hub) => {
      for (const path of ['/.well-known/mercure?topic=x', '/dashboard/stream']) {
        const req = `HEAD ${path} HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`;
        const r = await rawExchange(hub.port, req, { responses: 2, timeoutMs: 5000, noBody: (i) => i === 0 });
        assert.equal(r.responses.length, 2, `${path}: ${r.raw.toString('latin1').slice(0, 300)}`);
        assert.equal(r.responses[0].status, 200, path);
        assert.equal(r.responses[1].status, 200, path);
        assert.equal(r.responses[1].text.trim(), 'ok', path);
      }
    });
  });

  it('an absolute-form target is taken by its path and query', { timeout: 30000 }, async () => {
    await withHub(['--dev', '--no-ticker'], async (hub) => {
      const r = await rawExchange(hub.port, `GET http://127.0.0.1:${hub.port}/healthz HTTP/1.1\r\nHost: x\r\n\r\n`);
      assert.equal(r.responses[0]?.status, 200);
      // A stream: its head is all that comes before the timeout.
      const s = await rawExchange(hub.port, 'GET http://h/.well-known/mercure?topic=x HTTP/1.1\r\nHost: h\r\n\r\n', { timeoutMs: 1500 });
      assert.match(s.raw.toString('latin1'), /^HTTP\/1\.1 200 [^]*text\/event-stream/);
    });
  });

  it('--listen localhost:0 serves 127.0.0.1 and ::1 on one port', { timeout: 30000 }, async (t) => {
    const hub = await startHerald(['--dev', '--no-ticker'], { listen: 'localhost:0' });
    try {
      for (const host of ['127.0.0.1', '::1']) {
        const r = await rawExchange(hub.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', { host, timeoutMs: 3000 });
        if (host === '::1' && r.error?.code === 'EADDRNOTAVAIL') { t.skip('no ::1 here'); continue; }
        assert.equal(r.responses[0]?.status, 200, `${host}: ${r.error?.message}`);
      }
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });

  it('a body trickled over ~15 s is accepted; one that stops for the body timeout is not', { timeout: 60000 }, async () => {
    await withHub(['--dev', '--no-ticker'], async (hub) => {
      const body = `topic=urn%3Atrickle&id=trickled&data=${'t'.repeat(30)}`;
      const head = `POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;
      const parts = [head];
      const pieces = 15;
      const step = Math.ceil(body.length / pieces);
      for (let i = 0; i < body.length; i += step) parts.push(body.slice(i, i + step));
      const sock = await connect(hub.port);
      let raw = Buffer.alloc(0);
      sock.on('data', (d) => { raw = Buffer.concat([raw, d]); });
      sock.on('error', () => {});
      for (const part of parts) { sock.write(part); await sleep(1000); }
      await waitUntil(() => parseResponses(raw).responses.length > 0, { timeoutMs: 5000, what: 'the trickled publish answer' });
      assert.equal(parseResponses(raw).responses[0].status, 200, raw.toString('latin1').slice(0, 200));
      sock.destroy();

      const t0 = Date.now();
      const r = await rawExchange(hub.port, `${head}topic=urn`, { timeoutMs: 20000 });
      assert.ok(r.closed || r.responses[0]?.status === 408, 'stalled body answered 408 or closed');
      if (r.responses[0]) assert.equal(r.responses[0].status, 408);
      assert.ok(Date.now() - t0 < 15000, `took ${Date.now() - t0} ms`);
    });
  });

  it('SIGTERM during a publish: the publish is answered, never reset, and the hub exits 0', { timeout: 30000 }, async () => {
    const hub = await startHerald(['--dev', '--no-ticker']);
    try {
      const body = 'topic=urn%3Asigterm&id=during-stop&data=hello';
      const half = Math.floor(body.length / 2);
      const sock = await connect(hub.port);
      let raw = Buffer.alloc(0);
      let error = null;
      sock.on('data', (d) => { raw = Buffer.concat([raw, d]); });
      sock.on('error', (e) => { error = e; });
      const closed = new Promise((resolve) => sock.on('close', resolve));
      sock.write(`POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`);
      await sleep(300);
      const exited = new Promise((resolve) => hub.proc.once('exit', (code, signal) => resolve({ code, signal })));
      hub.proc.kill('SIGTERM');
      await sleep(300);
      sock.write(body.slice(half));
      await withTimeout(closed, 10000, 'the answer and close');
      assert.equal(error, null, `no reset: ${error?.message}`);
      const res = parseResponses(raw, { eof: true }).responses[0];
      assert.ok(res && (res.status === 200 || res.status === 503), raw.toString('latin1').slice(0, 200));
      if (res.status === 200) assert.equal(res.text, 'during-stop');
      assert.equal(res.headers.connection, 'close');
      const { code } = await withTimeout(exited, 10000, 'herald to exit');
      assert.equal(code, 0);
    } finally {
      await hub.stop(2000);
    }
  });
});
