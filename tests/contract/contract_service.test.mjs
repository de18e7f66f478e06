// Plays the SSE contract harness (LaunchDarkly sse-contract-tests' REST protocol) against
// herald_contract_service: a Node SSE server stands in for the harness's stream endpoint, a
// Node HTTP server for its callback endpoint. Checks the status resource, stream creation
// with every parameter, the callbacks (numbered from 1, in order), the restart and listen
// commands, read timeout, reconnect with Last-Event-ID, a BOM, an event of several MiB,
// deletion (a 204 with nothing after its head), and stopping the service.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { rawExchange, request, waitUntil } from '../lib/http_util.mjs';

const serviceBin = process.env.HERALD_CONTRACT_SERVICE;

function startService() {
  const proc = spawn(serviceBin, ['--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`service did not start: ${err}`)); }, 10000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m) { clearTimeout(timer); resolve({ url: m[1], proc, exited, logs: () => err }); }
    });
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));
}

// The harness's stream endpoint: every request becomes a connection the test drives.
async function startStreamServer() {
  const connections = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.flushHeaders();
      const closed = new Promise((r) => res.on('close', r));
      connections.push({
        method: req.method, url: req.url, headers: req.headers, body, closed,
        send: (text) => res.write(text),
        breakConnection: () => res.socket.destroy(),
      });
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  const url = await listen(server);
  return {
    url,
    connections,
    awaitConnection: (i, timeoutMs = 5000) => waitUntil(() => connections[i], { timeoutMs, what: `stream connection ${i + 1}` }),
    close: () => { for (const s of sockets) s.destroy(); return new Promise((r) => server.close(r)); },
  };
}

// The harness's callback endpoint: POST /<stream>/<n>, JSON bodies, answered 202.
async function startCallbackServer() {
  const byStream = new Map();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const [, stream, n] = req.url.split('/');
      if (!byStream.has(stream)) byStream.set(stream, []);
      byStream.get(stream).push({ n: Number(n), message: JSON.parse(body) });
      res.writeHead(202);
      res.end();
    });
  });
  const url = await listen(server);
  const messages = (stream) => (byStream.get(stream) ?? []).slice().sort((a, b) => a.n - b.n);
  return {
    url,
    messages,
    // The first `count` messages of a stream, once they all arrived.
    await: (stream, count, timeoutMs = 5000) => waitUntil(() => {
      const m = messages(stream);
      return m.length >= count && m.slice(0, count);
    }, { timeoutMs, what: `${count} callbacks for ${stream}: ${JSON.stringify(messages(stream))}` }),
    close: () => new Promise((r) => server.close(r)),
  };
}

describe('herald_contract_service (sse-contract-tests REST protocol)', () => {
  let service;
  let streams;
  let callbacks;
  let counter = 0;
  before(async () => {
    assert.ok(serviceBin, 'HERALD_CONTRACT_SERVICE must name the service binary');
    service = await startService();
    streams = await startStreamServer();
    callbacks = await startCallbackServer();
  });
  after(async () => {
    await streams.close();
    await callbacks.close();
    if (service.proc.exitCode === null) service.proc.kill('SIGKILL');
  });

  // Creates a client; returns { tag, location, stream: the index of its first connection }.
  async function createClient(params = {}) {
    const tag = `s${++counter}`;
    const body = JSON.stringify({ streamUrl: `${streams.url}/stream/${tag}`, callbackUrl: `${callbacks.url}/${tag}`, tag, initialDelayMs: 0, ...params });
    const before = streams.connections.length;
    const r = await request(service.url, { method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body });
    assert.equal(r.status, 201, r.body);
    assert.match(r.headers.location, /^\/streams\/\d+$/);
    await streams.awaitConnection(before);
    return { tag, location: r.headers.location, first: before };
  }
  const command = (location, body) => request(service.url, { method: 'POST', path: location, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const remove = (location) => request(service.url, { method: 'DELETE', path: location });

  it('GET / answers 200 with the capabilities', async () => {
    const r = await request(service.url, { path: '/' });
    assert.equal(r.status, 200);
    const info = JSON.parse(r.body);
    assert.deepEqual(info.capabilities.slice().sort(), ['bom', 'comments', 'headers', 'last-event-id',
      'payload-size-stress-testable', 'post', 'read-timeout', 'report', 'restart']);
  });

  it('bom: a UTF-8 BOM opening the stream is skipped, even split across writes', async () => {
    const c = await createClient();
    const conn = streams.connections[c.first];
    conn.send(Buffer.from([0xEF, 0xBB]));  // the BOM's first two bytes, alone
    await new Promise((r) => setTimeout(r, 50));
    conn.send(Buffer.concat([Buffer.from([0xBF]), Buffer.from('data: Hello\n\ndata: \uFEFFSecond\n\n')]));
    const got = await callbacks.await(c.tag, 2);
    assert.deepEqual(got.map((m) => m.message.event.data), ['Hello', '\uFEFFSecond']);
    await remove(c.location);
  });

  it('payload-size-stress-testable: an event of 8 MiB arrives whole', async () => {
    const c = await createClient();
    const data = 'x'.repeat(8 << 20);
    streams.connections[c.first].send(`data: ${data}\n\ndata: after\n\n`);
    const got = await callbacks.await(c.tag, 2, 30000);
    assert.equal(got[0].message.kind, 'event', JSON.stringify(got[0].message).slice(0, 200));
    assert.ok(got[0].message.event.data === data, `${got[0].message.event.data.length} bytes of ${data.length} arrived`);
    assert.deepEqual(got[1].message, { kind: 'event', event: { type: 'message', data: 'after', id: '' } });
    await remove(c.location);
  });

  it('the stream request carries the default and custom headers and the initial Last-Event-Id', async () => {
    const c = await createClient({ headers: { 'header-name-1': 'value-1', authorization: 'Bearer x' }, lastEventId: 'abc' });
    const conn = streams.connections[c.first];
    assert.equal(conn.method, 'GET');
    assert.equal(conn.url, `/stream/${c.tag}`);
    assert.equal(conn.headers.accept, 'text/event-stream');
    assert.equal(conn.headers['cache-control'], 'no-cache');
    assert.equal(conn.headers['header-name-1'], 'value-1');
    assert.equal(conn.headers.authorization, 'Bearer x');
    assert.equal(conn.headers['last-event-id'], 'abc');
    assert.equal((await remove(c.location)).status, 204);
  });

  it('events and comments reach the callback URL numbered from 1, in order', async () => {
    const c = await createClient();
    const conn = streams.connections[c.first];
    conn.send(':Hello\n');
    conn.send('event: greeting\nid: abc\ndata: Hel');
    conn.send('lo\n\ndata: €豆腐\n\n');
    let all = '';
    for (let i = 0; i < 100; i++) all += `data: message ${i}\n\n`;
    conn.send(all);
    const got = await callbacks.await(c.tag, 103);
    assert.deepEqual(got.map((m) => m.n), Array.from({ length: 103 }, (_, i) => i + 1));
    assert.deepEqual(got[0].message, { kind: 'comment', comment: 'Hello' });
    assert.deepEqual(got[1].message, { kind: 'event', event: { type: 'greeting', data: 'Hello', id: 'abc' } });
    assert.deepEqual(got[2].message, { kind: 'event', event: { type: 'message', data: '€豆腐', id: 'abc' } });
    assert.equal(got[102].message.event.data, 'message 99');
    await remove(c.location);
  });

  it('a broken connection reports an error and reconnects with the last event id', async () => {
    const c = await createClient();
    streams.connections[c.first].send('id: abc\ndata: Hello\n\n');
    await callbacks.await(c.tag, 1);
    streams.connections[c.first].breakConnection();
    const second = await streams.awaitConnection(c.first + 1);
    assert.equal(second.headers['last-event-id'], 'abc');
    const got = await callbacks.await(c.tag, 2);
    assert.equal(got[1].message.kind, 'error');
    assert.ok(got[1].message.error.length > 0);
    await remove(c.location);
  });

  it('restart reconnects at once without an error callback', async () => {
    const c = await createClient();
    streams.connections[c.first].send('data: Hello\n\n');
    await callbacks.await(c.tag, 1);
    assert.equal((await command(c.location, { command: 'restart' })).status, 202);
    const second = await streams.awaitConnection(c.first + 1);
    second.send('data: Thanks\n\n');
    const got = await callbacks.await(c.tag, 2);
    assert.deepEqual(got[1].message, { kind: 'event', event: { type: 'message', data: 'Thanks', id: '' } });
    await streams.connections[c.first].closed;  // the old connection was dropped
    await remove(c.location);
  });

  for (const method of ['POST', 'REPORT']) {
    it(`${method} with a body, sent again on reconnect`, async () => {
      const body = '{"hello": "world"}';
      const c = await createClient({ method, body, headers: { 'content-type': 'application/json; charset=utf-8' } });
      const first = streams.connections[c.first];
      assert.equal(first.method, method);
      assert.equal(first.body, body);
      assert.equal(first.headers['content-type'], 'application/json; charset=utf-8');
      first.breakConnection();
      const second = await streams.awaitConnection(c.first + 1);
      assert.equal(second.method, method);
      assert.equal(second.body, body);
      await remove(c.location);
    });
  }

  it('readTimeoutMs drops a silent stream: event, error, reconnect', async () => {
    const c = await createClient({ readTimeoutMs: 300 });
    streams.connections[c.first].send('data: Hello\n\n');
    const got = await callbacks.await(c.tag, 2, 3000);
    assert.equal(got[0].message.event.data, 'Hello');
    assert.equal(got[1].message.kind, 'error');
    assert.match(got[1].message.error, /no data/);
    await streams.awaitConnection(c.first + 1);
    await remove(c.location);
  });

  it('listen is accepted, unknown commands are 400, unknown streams 404', async () => {
    const c = await createClient();
    assert.equal((await command(c.location, { command: 'listen', listen: { type: 'x' } })).status, 202);
    assert.equal((await command(c.location, { command: 'dance' })).status, 400);
    assert.equal((await command('/streams/999999', { command: 'restart' })).status, 404);
    assert.equal((await remove('/streams/999999')).status, 404);
    await remove(c.location);
  });

  it('DELETE closes the client: the stream connection ends, nothing reconnects', async () => {
    const c = await createClient();
    const count = streams.connections.length;
    assert.equal((await remove(c.location)).status, 204);
    await streams.connections[c.first].closed;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(streams.connections.length, count);
    assert.equal((await remove(c.location)).status, 404);
  });

  it('DELETE answers 204 with nothing after the head: no Content-Length, no body', async () => {
    const c = await createClient();
    // A second request on the same connection: a stray body byte would lead its answer.
    const { raw } = await rawExchange(new URL(service.url).port, `DELETE ${c.location} HTTP/1.1\r\nHost: x\r\n\r\n` +
      'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { responses: 2 });
    const text = raw.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    assert.ok(end > 0, text);
    const head = text.slice(0, end);
    assert.match(head, /^HTTP\/1\.1 204 /);
    assert.doesNotMatch(head, /content-length|transfer-encoding/i);
    assert.match(text.slice(end + 4), /^HTTP\/1\.1 200 /, 'the next answer follows the head at once');
  });

  it('bad create parameters are 400', async () => {
    const post = (body) => request(service.url, { method: 'POST', path: '/', body });
    assert.equal((await post('{}')).status, 400);
    assert.equal((await post('not json')).status, 400);
    assert.equal((await post(JSON.stringify({ streamUrl: 'ftp://x/', callbackUrl: `${callbacks.url}/z` }))).status, 400);
    assert.equal((await post(JSON.stringify({ streamUrl: `${streams.url}/s`, callbackUrl: `${callbacks.url}/z`, initialDelayMs: -1 }))).status, 400);
  });

  it('DELETE / stops the service', async () => {
    const r = await request(service.url, { method: 'DELETE', path: '/' });
    assert.ok(r.status >= 200 && r.status < 300);
    const { code } = await Promise.race([service.exited, new Promise((r2) => setTimeout(() => r2({ code: 'timeout' }), 5000))]);
    assert.equal(code, 0, service.logs());
  });
});
