// Hardening: a limit on everything a client controls (topics per request, selector and
// topic length, form fields, body, header and token size), each a 4xx with a message; and
// malformed forms, percent-encoding, UTF-8 and tokens refused the same way. The hub stays
// up and keeps serving after every one of them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHerald } from '../lib/herald.mjs';
import { subscribe, subscribeOk, publish, publishOk, request } from '../lib/sse_reader.mjs';
import { rawExchange } from '../lib/http_util.mjs';
import { DEV_KEY, bearer, mercureToken } from '../lib/jwt.mjs';

const PUB = bearer(mercureToken({ publish: ['*'] }));
const SUB = bearer(mercureToken({ subscribe: ['*'] }));

describe('limits on what a client controls', () => {
  let hub;
  before(async () => {
    hub = await startHerald(['--jwt-key', DEV_KEY, '--no-ticker', '--max-topics', '3', '--max-form-fields', '8',
      '--max-header-bytes', '4096', '--max-token-bytes', '600', '--max-body-bytes', '2048']);
  });
  after(async () => {
    // Still serving after everything below.
    const s = await subscribeOk(hub.url, { topics: 'urn:alive', headers: SUB });
    const id = await publishOk(hub.url, { topic: 'urn:alive', data: 'x' }, { headers: PUB });
    assert.equal((await s.waitForEvents(1))[0].id, id);
    s.close();
    assert.equal(await hub.stop(), 0);
  });

  async function subscribeStatus(opts) {
    const s = await subscribe(hub.url, { headers: SUB, ...opts });
    const body = await s.waitForBody(3000);
    s.close();
    return { status: s.status, body };
  }

  it('--max-topics: topics of one update and selectors of one subscription', async () => {
    await publishOk(hub.url, { topic: ['urn:1', 'urn:2', 'urn:3'], data: 'x' }, { headers: PUB });
    let r = await publish(hub.url, { topic: ['urn:1', 'urn:2', 'urn:3', 'urn:4'], data: 'x' }, { headers: PUB });
    assert.equal(r.status, 400);
    assert.match(r.body, /too many topics \(limit 3\)/);
    (await subscribeOk(hub.url, { topics: ['urn:1', 'urn:2', 'urn:3'], headers: SUB })).close();
    r = await subscribeStatus({ topics: ['urn:1', 'urn:2', 'urn:3', 'urn:4'] });
    assert.equal(r.status, 400);
    assert.match(r.body, /too many topic selectors \(limit 3\)/);
  });

  it('--max-form-fields: publish forms and subscribe query strings', async () => {
    const fields = Array.from({ length: 9 }, (_, i) => ['data', String(i)]);
    let r = await publish(hub.url, [['topic', 'urn:f'], ...fields], { headers: PUB });
    assert.equal(r.status, 400);
    assert.match(r.body, /too many form fields/);
    r = await subscribeStatus({ topics: 'urn:f', query: Array.from({ length: 9 }, (_, i) => [`x${i}`, 'y']) });
    assert.equal(r.status, 400);
    assert.match(r.body, /too many form fields/);
  });

  it('selector and topic length: 2048 bytes', async () => {
    const long = `urn:${'x'.repeat(2045)}`;  // 2049 bytes
    // A hub with the default header and body limits, so that only this limit applies.
    const roomy = await startHerald(['--jwt-key', DEV_KEY, '--no-ticker']);
    try {
      const r = await publish(roomy.url, { topic: long, data: 'x' }, { headers: PUB });
      assert.equal(r.status, 400);
      assert.match(r.body, /topic too long/);
      await publishOk(roomy.url, { topic: long.slice(1), data: 'x' }, { headers: PUB });
      const s = await subscribe(roomy.url, { topics: long, headers: SUB });
      const body = await s.waitForBody(3000);
      s.close();
      assert.equal(s.status, 400);
      assert.match(body, /selector/);
    } finally {
      assert.equal(await roomy.stop(), 0);
    }
  });

  it('--max-header-bytes: 431', async () => {
    const r = await rawExchange(hub.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(5000)}\r\n\r\n`);
    assert.equal(r.responses[0]?.status, 431);
  });

  it('--max-body-bytes: 413', async () => {
    const r = await publish(hub.url, { topic: 'urn:b', data: 'x'.repeat(3000) }, { headers: PUB });
    assert.equal(r.status, 413);
  });

  it('--max-token-bytes: a larger token is 401 with a message', async () => {
    const big = mercureToken({ publish: ['*'], payload: { pad: 'p'.repeat(700) } });
    const r = await publish(hub.url, { topic: 'urn:t', data: 'x' }, { headers: bearer(big) });
    assert.equal(r.status, 401);
    assert.match(r.body, /large|size|long/i);
  });

  it('malformed percent-encoding, UTF-8 and forms: 400 with a message', async () => {
    for (const [why, body] of [
      ['a bad escape', 'topic=urn%3Aa&data=%ZZ'],
      ['a truncated escape', 'topic=urn%3Aa&data=%4'],
      ['invalid UTF-8', 'topic=urn%3Aa&data=%C3%28'],
      ['an overlong encoding', 'topic=urn%3Aa&data=%C0%AF'],
      ['a surrogate', 'topic=urn%3Aa&data=%ED%A0%80'],
    ]) {
      const r = await publish(hub.url, body, { headers: PUB });
      assert.equal(r.status, 400, `${why}: ${r.status} ${r.body}`);
      assert.ok(r.body.trim(), `${why}: a message`);
    }
    for (const [why, target] of [
      ['a bad escape', '/.well-known/mercure?topic=%ZZ'],
      ['invalid UTF-8', '/.well-known/mercure?topic=%FF'],
    ]) {
      const r = await subscribeStatus({ rawPath: target });
      assert.equal(r.status, 400, `${why}: ${r.status} ${r.body}`);
    }
    const r = await subscribeStatus({ topics: 'https://example.com/{unclosed' });
    assert.equal(r.status, 400);
    assert.match(r.body, /bad topic selector/);
  });

  it('malformed tokens: 401 invalid_token; a malformed presentation: 400 invalid_request', async () => {
    for (const [why, headers, path, status, error] of [
      ['two dots missing', { Authorization: 'Bearer abc' }, undefined, 401, 'invalid_token'],
      ['padding in base64url', { Authorization: `Bearer ${mercureToken({ publish: ['*'] })}=` }, undefined, 401, 'invalid_token'],
      ['a space in the token', { Authorization: 'Bearer a b.c' }, undefined, 400, 'invalid_request'],
      ['no token after Bearer', { Authorization: 'Bearer' }, undefined, 400, 'invalid_request'],
      ['a bad query token', {}, '/.well-known/mercure?authorization=%00', 400, 'invalid_request'],
    ]) {
      const r = await publish(hub.url, { topic: 'urn:m', data: 'x' }, { headers, path });
      assert.equal(r.status, status, `${why}: ${r.status} ${r.body}`);
      assert.match(r.headers['www-authenticate'] ?? '', new RegExp(`^Bearer error="${error}"`), why);
      assert.ok(r.body.trim(), `${why}: a message`);
    }
  });

  it('a selector given twice is one subscription, and leaving does not upset the hub', async () => {
    const s = await subscribeOk(hub.url, { topics: ['urn:dup', 'urn:dup'], headers: SUB });
    const id = await publishOk(hub.url, { topic: 'urn:dup', data: 'once' }, { headers: PUB });
    await s.waitForEvents(1);
    s.close();
    // The hub is still up and serving (checked again in after()).
    const r = await request(hub.url, { path: '/healthz' });
    assert.equal(r.status, 200);
    assert.deepEqual(s.events.map((e) => e.id), [id]);
  });
});
