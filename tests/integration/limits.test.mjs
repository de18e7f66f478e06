// HUB-CONTRACT "Limits" and HTTP/1.1 basics: 413 body over --max-body-bytes, 431 request
// line + headers over 16 KiB, 503 over --max-connections, 404, 405, /healthz, keep-alive
// and pipelined requests answered in order.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHerald } from '../lib/herald.mjs';
import { subscribeOk, publish, request, sleep } from '../lib/sse_reader.mjs';
import { rawExchange, connect, waitUntil, parseResponses } from '../lib/http_util.mjs';

const GET = (path, extra = '') => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`;

describe('request limits and HTTP basics', () => {
  let hub;
  before(async () => { hub = await startHerald(['--dev', '--max-body-bytes', '1024']); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('GET /healthz: 200 ok', async () => {
    const r = await request(hub.url, { path: '/healthz' });
    assert.equal(r.status, 200);
    assert.equal(r.body.trim(), 'ok');
  });

  it('404 for an unknown path', async () => {
    for (const path of ['/nope', '/.well-known/mercurex', '/.well-known/', '/healthz/extra']) {
      const r = await request(hub.url, { path });
      assert.equal(r.status, 404, `${path}: ${r.status}`);
    }
  });

  it('no file outside web/ is served (path traversal)', async () => {
    for (const target of ['/../../../../etc/passwd', '/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/....//....//etc/passwd']) {
      const r = await rawExchange(hub.port, GET(target), { timeoutMs: 5000 });
      const res = r.responses[0];
      assert.ok(!res || [400, 403, 404].includes(res.status), `${target}: ${res?.status}`);
      assert.ok(!r.raw.toString('latin1').includes('root:'), `${target} leaked /etc/passwd`);
    }
  });

  it('405 for a wrong method on a known path', async () => {
    for (const [method, path] of [['PUT', '/.well-known/mercure'], ['DELETE', '/.well-known/mercure'],
      ['PATCH', '/.well-known/mercure'], ['POST', '/healthz'], ['DELETE', '/healthz']]) {
      const r = await request(hub.url, { method, path, headers: { 'content-length': 0 } });
      assert.equal(r.status, 405, `${method} ${path}: ${r.status}`);
    }
  });

  it('413 for a body over --max-body-bytes (Content-Length)', async () => {
    const big = { topic: 'urn:test:limits', data: 'b'.repeat(2000) };
    const r = await publish(hub.url, big);
    assert.equal(r.status, 413, `status ${r.status}`);
    const small = await publish(hub.url, { topic: 'urn:test:limits', data: 'b'.repeat(900) });
    assert.equal(small.status, 200, `a body under the limit: ${small.status} ${small.body}`);
  });

  it('413 for a chunked body over --max-body-bytes', async () => {
    const body = `topic=urn%3Atest%3Alimits&data=${'c'.repeat(3000)}`;
    const chunks = [];
    for (let i = 0; i < body.length; i += 500) {
      const part = body.slice(i, i + 500);
      chunks.push(`${part.length.toString(16)}\r\n${part}\r\n`);
    }
    const req = 'POST /.well-known/mercure HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n' +
      chunks.join('') + '0\r\n\r\n';
    const r = await rawExchange(hub.port, req, { timeoutMs: 5000 });
    assert.equal(r.responses[0]?.status, 413, `raw answer: ${r.raw.toString('latin1').slice(0, 200)}`);
  });

  it('a chunked body under the limit is accepted', async () => {
    const body = 'topic=urn%3Atest%3Alimits&id=chunked-ok&data=hello';
    const req = 'POST /.well-known/mercure HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n' +
      `${(10).toString(16)}\r\n${body.slice(0, 10)}\r\n${(body.length - 10).toString(16)}\r\n${body.slice(10)}\r\n0\r\n\r\n`;
    const r = await rawExchange(hub.port, req, { timeoutMs: 5000 });
    assert.equal(r.responses[0]?.status, 200, `raw answer: ${r.raw.toString('latin1').slice(0, 200)}`);
    assert.equal(r.responses[0].text, 'chunked-ok');
  });

  it('431 for headers over 16 KiB', async () => {
    const r = await rawExchange(hub.port, GET('/healthz', `X-Big: ${'h'.repeat(20 * 1024)}\r\n`), { timeoutMs: 5000 });
    assert.equal(r.responses[0]?.status, 431, `raw answer: ${r.raw.toString('latin1').slice(0, 200)}`);
  });

  it('431 for many headers adding up to over 16 KiB', async () => {
    let extra = '';
    for (let i = 0; i < 200; i++) extra += `X-H${i}: ${'v'.repeat(100)}\r\n`; // ~21 KiB
    const r = await rawExchange(hub.port, GET('/healthz', extra), { timeoutMs: 5000 });
    assert.equal(r.responses[0]?.status, 431, `raw answer: ${r.raw.toString('latin1').slice(0, 200)}`);
  });

  it('431 for a request line over 16 KiB', async () => {
    const r = await rawExchange(hub.port, GET(`/.well-known/mercure?topic=${'t'.repeat(17 * 1024)}`), { timeoutMs: 5000 });
    assert.equal(r.responses[0]?.status, 431, `raw answer: ${r.raw.toString('latin1').slice(0, 200)}`);
  });

  it('headers of 12 KiB are fine', async () => {
    const r = await rawExchange(hub.port, GET('/healthz', `X-Big: ${'h'.repeat(12 * 1024)}\r\n`), { timeoutMs: 5000 });
    assert.equal(r.responses[0]?.status, 200);
  });

  it('keep-alive: several requests one after another on one connection', async () => {
    const sock = await connect(hub.port);
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => { buf = Buffer.concat([buf, d]); });
    sock.on('error', () => {});
    try {
      for (let i = 1; i <= 3; i++) {
        sock.write(i === 2 ? GET('/nope') : GET('/healthz'));
        await waitUntil(() => parseResponses(buf).responses.length >= i, { timeoutMs: 5000, what: `answer ${i}` });
      }
      const { responses } = parseResponses(buf);
      assert.deepEqual(responses.map((r) => r.status), [200, 404, 200]);
      assert.equal(sock.destroyed, false, 'still open');
    } finally {
      sock.destroy();
    }
  });

  it('pipelining: two GET /healthz in one write answered in order', async () => {
    const r = await rawExchange(hub.port, GET('/healthz') + GET('/healthz'), { responses: 2, timeoutMs: 5000 });
    assert.equal(r.responses.length, 2, `raw: ${r.raw.toString('latin1')}`);
    assert.deepEqual(r.responses.map((x) => [x.status, x.text.trim()]), [[200, 'ok'], [200, 'ok']]);
  });

  it('pipelining: different answers come back in request order', async () => {
    const r = await rawExchange(hub.port, GET('/healthz') + GET('/nope') + GET('/healthz') + GET('/.well-known/mercure'),
      { responses: 4, timeoutMs: 5000 });
    assert.deepEqual(r.responses.map((x) => x.status), [200, 404, 200, 400]);
  });

  it('pipelining: a publish then a health check', async () => {
    const body = 'topic=urn%3Atest%3Apipe&id=pipelined-1&data=p';
    const post = 'POST /.well-known/mercure HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const r = await rawExchange(hub.port, post + GET('/healthz'), { responses: 2, timeoutMs: 5000 });
    assert.deepEqual(r.responses.map((x) => [x.status, x.text.trim()]), [[200, 'pipelined-1'], [200, 'ok']]);
  });

  it('Connection: close is honoured', async () => {
    const r = await rawExchange(hub.port, GET('/healthz', 'Connection: close\r\n'), { responses: 2, timeoutMs: 5000 });
    assert.equal(r.closed, true, 'the server closed the connection');
    assert.equal(r.responses[0]?.status, 200);
  });

  it('garbage instead of HTTP: an error or a close, and the hub lives on', async () => {
    const r = await rawExchange(hub.port, 'THIS IS NOT HTTP\r\n\r\n\x00\x01\x02', { responses: 1, timeoutMs: 5000 });
    assert.equal(r.timedOut, false, 'answered or closed');
    if (r.responses[0]) assert.equal(r.responses[0].status, 400);
    const h = await request(hub.url, { path: '/healthz' });
    assert.equal(h.status, 200);
  });
});

describe('--max-connections', () => {
  let hub;
  before(async () => { hub = await startHerald(['--dev', '--max-connections', '3']); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('503 over the limit, and a freed slot is usable again', async () => {
    const held = [];
    try {
      for (let i = 0; i < 3; i++) held.push(await subscribeOk(hub.url, { topics: `urn:test:maxconn:${i}` }));
      const r = await rawExchange(hub.port, GET('/healthz'), { timeoutMs: 5000 });
      assert.equal(r.responses[0]?.status, 503, `4th connection: ${r.raw.toString('latin1').slice(0, 200)}`);

      held.pop().close();
      await waitUntil(async () => {
        const x = await rawExchange(hub.port, GET('/healthz'), { timeoutMs: 2000 });
        return x.responses[0]?.status === 200;
      }, { timeoutMs: 5000, what: 'a slot to free up' });
    } finally {
      for (const s of held) s.close();
    }
  });

  it('503 stays bounded: many refused connections in a row do not wedge the hub', async () => {
    const held = [];
    try {
      for (let i = 0; i < 3; i++) held.push(await subscribeOk(hub.url, { topics: `urn:test:maxconn:b${i}` }));
      for (let i = 0; i < 50; i++) {
        const r = await rawExchange(hub.port, GET('/healthz'), { timeoutMs: 3000 });
        assert.equal(r.responses[0]?.status, 503);
      }
    } finally {
      for (const s of held) s.close();
    }
    await sleep(200);
    await waitUntil(async () => (await rawExchange(hub.port, GET('/healthz'), { timeoutMs: 2000 })).responses[0]?.status === 200,
      { timeoutMs: 5000, what: 'the hub to accept again' });
  });
});
