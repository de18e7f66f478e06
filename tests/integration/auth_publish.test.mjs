// AUTH.md, publishing: a JWT whose mercure.publish selectors match every topic of the
// update (except under --dev), from the Authorization header, the authorization query
// parameter or the cookie (with an allowed Origin); separate publisher and subscriber keys
// and algorithms; 401 without a valid token, 403 when it does not cover the topics.
// Tokens are minted with node:crypto, independently of herald.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHerald } from '../lib/herald.mjs';
import { subscribeOk, publish, publishOk } from '../lib/sse_reader.mjs';
import { rawExchange } from '../lib/http_util.mjs';
import { DEV_KEY, bearer, mercureToken, signJwt } from '../lib/jwt.mjs';

const uid = () => randomUUID().slice(0, 8);
const ALL = mercureToken({ publish: ['*'] });
const SUBSCRIBE_ALL = mercureToken({ subscribe: ['*'] });

async function expectStatus(hub, fields, status, headers, why) {
  const r = await publish(hub.url, fields, { headers });
  assert.equal(r.status, status, `${why}: ${r.status} ${r.body}`);
  assert.match(r.headers['content-type'] ?? '', /^text\/plain/, `${why}: text/plain`);
  assert.ok(r.body.trim().length > 0, `${why}: a message says why`);
  return r;
}

describe('publishing with --jwt-key', () => {
  let hub;
  let watcher;  // sees everything, private included: nothing refused may reach it
  const refused = 'MUST-NOT-ARRIVE';
  before(async () => {
    hub = await startHerald(['--jwt-key', DEV_KEY, '--no-ticker', '--publish-origins', 'https://app.example']);
    watcher = await subscribeOk(hub.url, { topics: '*', headers: bearer(SUBSCRIBE_ALL) });
  });
  after(async () => {
    const id = `final-${uid()}`;
    await publishOk(hub.url, { topic: 'urn:final', id, data: 'x' }, { headers: bearer(ALL) });
    await watcher.waitForEvent((e) => e.id === id);
    assert.deepEqual(watcher.events.filter((e) => e.data.includes(refused)), [], 'a refused update was delivered');
    watcher.close();
    assert.equal(await hub.stop(), 0);
  });

  it('no token: 401 with a Bearer challenge', async () => {
    const r = await expectStatus(hub, { topic: 'urn:a', data: refused }, 401, {}, 'anonymous');
    assert.match(r.headers['www-authenticate'] ?? '', /^Bearer/);
  });

  it('a token with publish ["*"] publishes; 200 text/plain with the id, a given id is kept', async () => {
    const id = `given-${uid()}`;
    const r = await publish(hub.url, { topic: 'urn:a', id, data: 'hello' }, { headers: bearer(ALL) });
    assert.equal(r.status, 200, r.body);
    assert.match(r.headers['content-type'], /^text\/plain/);
    assert.equal(r.body, id);
    const generated = await publishOk(hub.url, { topic: 'urn:a', data: 'x' }, { headers: bearer(ALL) });
    assert.match(generated, /^urn:uuid:[0-9a-f-]{36}$/);
  });

  it('bad tokens: 401, never treated as anonymous', async () => {
    const cases = {
      'not a JWT': 'not.a.jwt',
      'another key': mercureToken({ publish: ['*'] }, 'another-secret'),
      'another algorithm': mercureToken({ publish: ['*'] }, DEV_KEY, { alg: 'HS512' }),
      'alg none': `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"mercure":{"publish":["*"]}}').toString('base64url')}.`,
      expired: mercureToken({ publish: ['*'], exp: -60 }),
      'not yet valid': mercureToken({ publish: ['*'], claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } }),
      'a bad selector in the claim': signJwt({ mercure: { publish: ['https://example.com/{'] } }, DEV_KEY),
      'publish not a list': signJwt({ mercure: { publish: '*' } }, DEV_KEY),
    };
    for (const [why, token] of Object.entries(cases)) {
      const r = await expectStatus(hub, { topic: 'urn:a', data: refused }, 401, bearer(token), why);
      assert.ok(!r.body.includes(token.slice(0, 20)) || why === 'not a JWT', `${why}: the token is not echoed`);
    }
    await expectStatus(hub, { topic: 'urn:a', data: refused }, 401, { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 'Basic auth');
  });

  it('two Authorization headers: 400', async () => {
    const body = `topic=urn%3Aa&data=${refused}`;
    const r = await rawExchange(hub.port, `POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\n` +
      `Authorization: Bearer ${ALL}\r\nAuthorization: Bearer ${ALL}\r\n` +
      `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    assert.equal(r.responses[0]?.status, 400, r.raw.toString());
  });

  it('every topic of the update must match a publish selector (public or private)', async () => {
    const books = mercureToken({ publish: ['https://example.com/books/{id}', 'urn:exact'] });
    await publishOk(hub.url, { topic: 'https://example.com/books/1', data: 'ok' }, { headers: bearer(books) });
    await publishOk(hub.url, { topic: ['https://example.com/books/1', 'urn:exact'], data: 'ok' }, { headers: bearer(books) });
    await publishOk(hub.url, { topic: 'urn:exact', private: 'on', data: 'ok' }, { headers: bearer(books) });
    for (const [why, fields] of [
      ['an unmatched topic', { topic: 'https://example.com/users/1', data: refused }],
      ['one unmatched topic among matched ones', { topic: ['https://example.com/books/1', 'urn:other'], data: refused }],
      ['a private update on an unmatched topic', { topic: 'urn:other', private: 'on', data: refused }],
      ['a deeper path than the template allows', { topic: 'https://example.com/books/1/2', data: refused }],
    ]) {
      await expectStatus(hub, fields, 403, bearer(books), why);
    }
  });

  it('no publish claim, or an empty one, publishes nothing (stricter than Mercure 0.x)', async () => {
    await expectStatus(hub, { topic: 'urn:a', data: refused }, 403, bearer(mercureToken({ subscribe: ['*'] })), 'no publish claim');
    await expectStatus(hub, { topic: 'urn:a', data: refused }, 403, bearer(mercureToken({ publish: [] })), 'publish: []');
    await expectStatus(hub, { topic: 'urn:a', data: refused }, 403, bearer(mercureToken({})), 'empty mercure claim');
  });

  it('the token in the authorization query parameter', async () => {
    const r = await publish(hub.url, { topic: 'urn:q', data: 'x' }, { path: `/.well-known/mercure?authorization=${ALL}` });
    assert.equal(r.status, 200, r.body);
  });

  it('the cookie: needs an Origin or Referer from --publish-origins (CSRF)', async () => {
    const cookie = { Cookie: `mercureAuthorization=${ALL}` };
    await expectStatus(hub, { topic: 'urn:c', data: refused }, 403, cookie, 'no Origin');
    await expectStatus(hub, { topic: 'urn:c', data: refused }, 403, { ...cookie, Origin: 'https://evil.example' }, 'foreign Origin');
    await expectStatus(hub, { topic: 'urn:c', data: refused }, 403, { ...cookie, Referer: 'https://evil.example/app' }, 'foreign Referer');
    await expectStatus(hub, { topic: 'urn:c', data: refused }, 403, { ...cookie, Origin: 'https://app.example.evil' }, 'lookalike Origin');
    await publishOk(hub.url, { topic: 'urn:c', data: 'x' }, { headers: { ...cookie, Origin: 'https://app.example' } });
    await publishOk(hub.url, { topic: 'urn:c', data: 'x' }, { headers: { ...cookie, Referer: 'https://app.example/page?x' } });
    // The hub's own pages are not cross-site.
    await publishOk(hub.url, { topic: 'urn:c', data: 'x' }, { headers: { ...cookie, Origin: hub.url } });
  });

  it('precedence: the header wins over the query parameter and the cookie; a broken header is an error', async () => {
    const junkCookie = { Cookie: 'mercureAuthorization=junk' };
    await publishOk(hub.url, { topic: 'urn:p', data: 'x' }, { headers: { ...bearer(ALL), ...junkCookie } });
    await publishOk(hub.url, { topic: 'urn:p', data: 'x' }, { headers: bearer(ALL), path: '/.well-known/mercure?authorization=junk' });
    await expectStatus(hub, { topic: 'urn:p', data: refused }, 401,
      { Authorization: 'Bearer junk', Cookie: `mercureAuthorization=${ALL}`, Origin: 'https://app.example' }, 'broken header, good cookie');
  });

  it('topics under /.well-known/mercure are the hub\'s own: 403 even for publish ["*"]', async () => {
    for (const topic of ['/.well-known/mercure/subscriptions/a/b', 'https://example.com/.well-known/mercure/subscriptions/x',
      '/.well-known/mercure']) {
      await expectStatus(hub, { topic, data: refused }, 403, bearer(ALL), topic);
    }
    // Only that path: a look-alike is an ordinary topic.
    await publishOk(hub.url, { topic: '/.well-known/mercurex', data: 'x' }, { headers: bearer(ALL) });
  });
});

describe('separate publisher and subscriber keys', () => {
  let hub;
  let dir;
  let rsaPrivate;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'herald-auth-'));
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    rsaPrivate = pair.privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(path.join(dir, 'publisher.pub.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
    hub = await startHerald(['--no-ticker',
      '--publisher-jwt-alg', 'RS256', '--publisher-jwt-key', `@${path.join(dir, 'publisher.pub.pem')}`,
      '--subscriber-jwt-key', 'subscriber-secret', '--subscriber-jwt-alg', 'HS384']);
  });
  after(async () => {
    assert.equal(await hub.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishers sign with the publisher key and algorithm', async () => {
    const t = `urn:sep:${uid()}`;
    const sub = await subscribeOk(hub.url, { topics: t, headers: bearer(mercureToken({}, 'subscriber-secret', { alg: 'HS384' })) });
    const token = mercureToken({ publish: ['*'] }, rsaPrivate, { alg: 'RS256' });
    const id = await publishOk(hub.url, { topic: t, data: 'signed with RS256' }, { headers: bearer(token) });
    const [ev] = await sub.waitForEvents(1);
    assert.equal(ev.id, id);
    sub.close();
  });

  it('a subscriber token cannot publish, a publisher token cannot subscribe', async () => {
    const subscriberToken = mercureToken({ publish: ['*'], subscribe: ['*'] }, 'subscriber-secret', { alg: 'HS384' });
    await expectStatus(hub, { topic: 'urn:x', data: 'x' }, 401, bearer(subscriberToken), 'subscriber key on publish');
    const publisherToken = mercureToken({ publish: ['*'], subscribe: ['*'] }, rsaPrivate, { alg: 'RS256' });
    const s = await (await import('../lib/sse_reader.mjs')).subscribe(hub.url, { topics: 'urn:x', headers: bearer(publisherToken) });
    assert.equal(s.status, 401);
    s.close();
  });

  it('an HMAC token signed with the public key is refused (algorithm confusion)', async () => {
    const pem = (await import('node:fs')).readFileSync(path.join(dir, 'publisher.pub.pem'), 'utf8');
    const forged = mercureToken({ publish: ['*'] }, pem, { alg: 'HS256' });
    await expectStatus(hub, { topic: 'urn:x', data: 'x' }, 401, bearer(forged), 'HS256 with the public key');
  });
});

describe('key configuration', () => {
  it('a bad key stops herald at start-up with a message naming the flag', async () => {
    await assert.rejects(startHerald(['--publisher-jwt-alg', 'RS256', '--publisher-jwt-key', 'just-a-secret']),
      /publisher-jwt-key/);
    await assert.rejects(startHerald(['--jwt-alg', 'none', '--jwt-key', 'x']), /jwt-alg/);
  });

  it('HERALD_JWT_KEY from the environment', async () => {
    const hub = await startHerald(['--no-ticker'], { env: { HERALD_JWT_KEY: 'env-secret' } });
    try {
      await publishOk(hub.url, { topic: 'urn:env', data: 'x' }, { headers: bearer(mercureToken({ publish: ['*'] }, 'env-secret')) });
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });

  it('without a publisher key nobody publishes (401 says why); --dev publishes anonymously', async () => {
    const bare = await startHerald(['--anonymous']);
    try {
      const r = await publish(bare.url, { topic: 'urn:x', data: 'x' }, { headers: bearer(ALL) });
      assert.equal(r.status, 401);
      assert.match(r.body, /no publisher key/);
    } finally {
      assert.equal(await bare.stop(), 0);
    }
    const dev = await startHerald(['--dev', '--no-ticker', '--jwt-key', DEV_KEY]);
    try {
      await publishOk(dev.url, { topic: 'urn:x', data: 'anonymous under --dev' });
    } finally {
      assert.equal(await dev.stop(), 0);
    }
  });
});

describe('a publisher written for Mercure', () => {
  it('a plain form POST with a token signed by the development key works unchanged', async () => {
    const hub = await startHerald(['--jwt-key', DEV_KEY, '--no-ticker']);
    try {
      // What Mercure's docs and client libraries send: HS256, {"mercure":{"publish":["*"]}},
      // no exp, a form body with repeated topics.
      const token = signJwt({ mercure: { publish: ['*'] } }, DEV_KEY);
      const sub = await subscribeOk(hub.url, { topics: ['https://example.com/books/1'], headers: bearer(SUBSCRIBE_ALL) });
      const body = 'topic=https%3A%2F%2Fexample.com%2Fbooks%2F1&topic=https%3A%2F%2Fexample.com%2Fbooks%2F1.jsonld' +
        '&data=%7B%22%40id%22%3A%22%2Fbooks%2F1%22%2C%22title%22%3A%22Mercure%22%7D&private=on&id=mercure-1&type=update&retry=5000';
      const r = await rawExchange(hub.port, `POST /.well-known/mercure HTTP/1.1\r\nHost: localhost\r\n` +
        `Authorization: Bearer ${token}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body}`);
      const res = r.responses[0];
      assert.equal(res?.status, 200, r.raw.toString());
      assert.match(res.headers['content-type'], /^text\/plain/);
      assert.equal(res.text, 'mercure-1');
      const [ev] = await sub.waitForEvents(1);
      assert.deepEqual(ev, { id: 'mercure-1', type: 'update', data: '{"@id":"/books/1","title":"Mercure"}', retry: 5000 });
      sub.close();
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });
});
