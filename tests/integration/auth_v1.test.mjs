// AUTH.md, "Mercure 1.0 access tokens": a real hub trusting issuers (--jwt-issuer) next to a
// 0.x key, with tokens minted by the real `herald token --v1` (EdDSA keys made by openssl,
// and HS256). Publish grants (exact and urlpattern), every refusal with its RFC 6750
// challenge, how the token is presented (header, cookie, never the query), the protected
// resource metadata, and --protocol.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runHerald, startHerald } from '../lib/herald.mjs';
import { publish, publishOk, request, subscribeOk } from '../lib/sse_reader.mjs';
import { DEV_KEY, bearer, mercureToken, signJwt } from '../lib/jwt.mjs';

const RESOURCE = 'https://hub.example.com/.well-known/mercure';
const METADATA_URL = 'https://hub.example.com/.well-known/oauth-protected-resource/.well-known/mercure';
const METADATA_PATH = '/.well-known/oauth-protected-resource/.well-known/mercure';
const ISS_A = 'https://a.example.com';
const ISS_B = 'https://b.example.com';
const ISS_H = 'https://hmac.example.com';
const SECRET_H = 'hmac-issuer-secret-0123456789abcdef';
const ACCESS_COOKIE = '__Secure-mercure_access_token';
const APP = 'https://app.example';
const uid = () => randomUUID().slice(0, 8);

let dir;
const keys = {};

// An Ed25519 key pair made by openssl, as AUTH.md tells users to.
function keyPair(name) {
  const priv = path.join(dir, `${name}.pem`);
  const pub = path.join(dir, `${name}.pub.pem`);
  execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', priv]);
  execFileSync('openssl', ['pkey', '-in', priv, '-pubout', '-out', pub]);
  return { priv, pub };
}

// `herald token --v1`, signed by issuer A's Ed25519 key unless `key`/`alg` say otherwise.
async function mint({ issuer = ISS_A, audience = RESOURCE, key = `@${keys.a.priv}`, alg = 'EdDSA',
  publish: pub = [], publishPattern = [], subscribe: sub = [] } = {}) {
  const args = ['token', '--v1', '--key', key, '--alg', alg, '--issuer', issuer, '--audience', audience];
  for (const m of pub) args.push('--publish', m);
  for (const m of publishPattern) args.push('--publish-urlpattern', m);
  for (const m of sub) args.push('--subscribe', m);
  const r = await runHerald(args);
  assert.equal(r.code, 0, `herald ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

const issuerFlags = () => [
  '--jwt-issuer', `${ISS_A} EdDSA @${keys.a.pub}`,
  '--jwt-issuer', `${ISS_B} EdDSA @${keys.b.pub}`,
  '--jwt-issuer', `${ISS_H} HS256 ${SECRET_H}`,
];

function assertChallenge(r, pattern, why) {
  assert.match(r.headers['www-authenticate'] ?? '', pattern, `${why}: ${r.status} ${r.body}`);
  assert.ok(r.body.trim().length > 0, `${why}: the body says why`);
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'herald-auth-v1-'));
  keys.a = keyPair('a');
  keys.b = keyPair('b');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('a hub speaking both generations, with --jwt-issuer', () => {
  let hub;
  let watcher;  // a 0.x subscriber to everything: what is refused must never reach it
  const refused = 'MUST-NOT-ARRIVE';
  before(async () => {
    hub = await startHerald(['--jwt-key', DEV_KEY, '--resource', RESOURCE, ...issuerFlags(),
      '--publish-origins', APP, '--subscriptions', '--no-ticker']);
    watcher = await subscribeOk(hub.url, { topics: '*', headers: bearer(mercureToken({ subscribe: ['*'] })) });
  });
  after(async () => {
    const id = `final-${uid()}`;
    await publishOk(hub.url, { topic: 'urn:final', id, data: 'x' }, { headers: bearer(mercureToken({ publish: ['*'] })) });
    await watcher.waitForEvent((e) => e.id === id);
    assert.deepEqual(watcher.events.filter((e) => e.data.includes(refused)), [], 'a refused update was delivered');
    watcher.close();
    assert.equal(await hub.stop(), 0);
  });

  it('publishes with exact and urlpattern grants, EdDSA and HS256 issuers alike', async () => {
    const eddsa = await mint({ publish: ['https://example.com/a'], publishPattern: ['https://example.com/books/:id'] });
    for (const topic of ['https://example.com/a', 'https://example.com/books/7']) {
      const id = `v1-${uid()}`;
      assert.equal(await publishOk(hub.url, { topic, id, data: 'hello' }, { headers: bearer(eddsa) }), id);
      const e = await watcher.waitForEvent((ev) => ev.id === id);
      assert.equal(e.data, 'hello');
    }
    // Several topics, each granted by one of the matchers.
    await publishOk(hub.url, { topic: ['https://example.com/a', 'https://example.com/books/8'], data: 'x' },
      { headers: bearer(eddsa) });
    const hs = await mint({ issuer: ISS_H, key: SECRET_H, alg: 'HS256', publish: ['*'] });
    await publishOk(hub.url, { topic: 'urn:anything', data: 'x' }, { headers: bearer(hs) });
    // A relative URL pattern resolves against --resource, relative topics too.
    const relative = await mint({ publishPattern: ['/books/:id'] });
    await publishOk(hub.url, { topic: 'https://hub.example.com/books/1', data: 'x' }, { headers: bearer(relative) });
    await publishOk(hub.url, { topic: '/books/2', data: 'x' }, { headers: bearer(relative) });
  });

  it('403 insufficient_scope when one topic is not granted, nothing delivered', async () => {
    const t = await mint({ publish: ['https://example.com/a'], publishPattern: ['https://example.com/books/:id'] });
    for (const topic of [['https://example.com/a', 'https://example.com/b'], 'https://example.com/books/1/2',
      'https://example.com/A']) {
      const r = await publish(hub.url, { topic, data: refused }, { headers: bearer(t) });
      assert.equal(r.status, 403, `${topic}: ${r.body}`);
      assertChallenge(r, /^Bearer error="insufficient_scope", error_description="[^"]+", resource_metadata="https:\/\/hub\.example\.com\/\.well-known\/oauth-protected-resource\/\.well-known\/mercure"$/, String(topic));
    }
    // A subscribe grant is no publish grant.
    const sub = await mint({ subscribe: ['*'] });
    const r = await publish(hub.url, { topic: 'urn:a', data: refused }, { headers: bearer(sub) });
    assert.equal(r.status, 403);
  });

  it('401 invalid_token for a token the hub must not trust', async () => {
    const signedByA = async (issuer) => mint({ issuer, publish: ['*'] });
    const good = await mint({ issuer: ISS_H, key: SECRET_H, alg: 'HS256', publish: ['*'] });
    const claims = JSON.parse(Buffer.from(good.split('.')[1], 'base64url').toString());
    const cases = {
      'another hub (aud)': await mint({ audience: 'https://other.example/.well-known/mercure', publish: ['*'] }),
      'an unknown issuer': await signedByA('https://unknown.example.com'),
      "issuer A's key claiming issuer B": await signedByA(ISS_B),
      'no typ at+jwt (typ JWT)': signJwt(claims, SECRET_H),
      'signed with the 0.x key': signJwt(claims, DEV_KEY, { header: { typ: 'at+jwt' } }),
      expired: signJwt({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, SECRET_H, { header: { typ: 'at+jwt' } }),
    };
    // The control: the same claims, correctly signed, publish.
    await publishOk(hub.url, { topic: 'urn:control', data: 'x' },
      { headers: bearer(signJwt(claims, SECRET_H, { header: { typ: 'at+jwt' } })) });
    for (const [why, token] of Object.entries(cases)) {
      const r = await publish(hub.url, { topic: 'urn:a', data: refused }, { headers: bearer(token) });
      assert.equal(r.status, 401, `${why}: ${r.status} ${r.body}`);
      assertChallenge(r, /^Bearer error="invalid_token", error_description="[^"]+", resource_metadata="https:\/\/hub\.example\.com\//, why);
    }
  });

  it('no token: 401 pointing to the metadata, no error code', async () => {
    const r = await publish(hub.url, { topic: 'urn:a', data: refused });
    assert.equal(r.status, 401, r.body);
    assert.equal(r.headers['www-authenticate'], `Bearer resource_metadata="${METADATA_URL}"`);
    assert.ok(r.body.trim());
  });

  it('a 1.0 token in ?authorization= is an invalid_request (400); 0.x tokens keep it', async () => {
    const t = await mint({ publish: ['*'] });
    const r = await publish(hub.url, { topic: 'urn:a', data: refused }, { path: `/.well-known/mercure?authorization=${t}` });
    assert.equal(r.status, 400, r.body);
    assertChallenge(r, /^Bearer error="invalid_request"/, 'query');
    const s = await request(hub.url, { path: `/.well-known/mercure?topic=urn:a&authorization=${t}`, headersOnly: true });
    assert.equal(s.status, 400, 'subscribing too');
    await publishOk(hub.url, { topic: 'urn:a', data: 'x' },
      { path: `/.well-known/mercure?authorization=${mercureToken({ publish: ['*'] })}` });
  });

  it('the access token cookie: used with an allowed Origin, ignored beside an Authorization header', async () => {
    const t = await mint({ publish: ['https://example.com/cookie'] });
    const cookie = { Cookie: `${ACCESS_COOKIE}=${t}` };
    await publishOk(hub.url, { topic: 'https://example.com/cookie', data: 'x' }, { headers: { ...cookie, Origin: APP } });
    const foreign = await publish(hub.url, { topic: 'https://example.com/cookie', data: refused },
      { headers: { ...cookie, Origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403, 'CSRF: a foreign origin may not use the cookie');
    // The header wins: a junk cookie beside a good header is not even read ...
    await publishOk(hub.url, { topic: 'https://example.com/cookie', data: 'x' },
      { headers: { Cookie: `${ACCESS_COOKIE}=junk`, ...bearer(t) } });
    // ... and a good cookie beside a header lacking the grant does not help.
    const narrow = await mint({ publish: ['https://example.com/other'] });
    const r = await publish(hub.url, { topic: 'https://example.com/cookie', data: refused },
      { headers: { ...cookie, Origin: APP, ...bearer(narrow) } });
    assert.equal(r.status, 403, r.body);
  });

  it('serves the protected resource metadata (RFC 9728)', async () => {
    const r = await request(hub.url, { path: METADATA_PATH, headers: { Origin: APP } });
    assert.equal(r.status, 200, r.body);
    assert.match(r.headers['content-type'], /^application\/json/);
    assert.deepEqual(JSON.parse(r.body), {
      resource: RESOURCE,
      authorization_details_types_supported: ['https://mercure.rocks/authorization-detail'],
      bearer_methods_supported: ['header'],
      mercure_cookie: ACCESS_COOKIE,
      mercure_matcher_types_supported: ['exact', 'urlpattern'],
      mercure_subscriptions: true,
    });
    const post = await request(hub.url, { method: 'POST', path: METADATA_PATH, body: '' });
    assert.equal(post.status, 405);
  });

  it('0.x tokens still work beside 1.0 ones', async () => {
    await publishOk(hub.url, { topic: 'urn:legacy', data: 'x' }, { headers: bearer(mercureToken({ publish: ['urn:legacy'] })) });
    const r = await publish(hub.url, { topic: 'urn:other', data: refused }, { headers: bearer(mercureToken({ publish: ['urn:legacy'] })) });
    assert.equal(r.status, 403);
    assertChallenge(r, /^Bearer error="insufficient_scope"/, '0.x scope');
  });
});

describe('--protocol', () => {
  it('0: 1.0 tokens are refused, no metadata, no resource_metadata in challenges', async () => {
    const hub = await startHerald(['--protocol', '0', '--jwt-key', DEV_KEY, '--resource', RESOURCE, ...issuerFlags(), '--no-ticker']);
    try {
      const t = await mint({ publish: ['*'] });
      const r = await publish(hub.url, { topic: 'urn:a', data: 'x' }, { headers: bearer(t) });
      assert.equal(r.status, 401, r.body);
      assert.match(r.body, /0\.x only/);
      assertChallenge(r, /^Bearer error="invalid_token"/, '--protocol 0');
      assert.doesNotMatch(r.headers['www-authenticate'], /resource_metadata/);
      await publishOk(hub.url, { topic: 'urn:a', data: 'x' }, { headers: bearer(mercureToken({ publish: ['*'] })) });
      const m = await request(hub.url, { path: METADATA_PATH });
      assert.equal(m.status, 404);
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });

  it('1: 0.x tokens are refused, 1.0 tokens publish', async () => {
    const hub = await startHerald(['--protocol', '1', '--jwt-key', DEV_KEY, '--resource', RESOURCE, ...issuerFlags(), '--no-ticker']);
    try {
      const r = await publish(hub.url, { topic: 'urn:a', data: 'x' }, { headers: bearer(mercureToken({ publish: ['*'] })) });
      assert.equal(r.status, 401, r.body);
      assert.match(r.body, /1\.0 only/);
      assertChallenge(r, /^Bearer error="invalid_token"/, '--protocol 1');
      await publishOk(hub.url, { topic: 'urn:a', data: 'x' }, { headers: bearer(await mint({ publish: ['*'] })) });
      const m = await request(hub.url, { path: METADATA_PATH });
      assert.equal(m.status, 200);
      assert.equal(JSON.parse(m.body).mercure_subscriptions, undefined, 'only with --subscriptions');
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });

  it('issuers alone (no 0.x key) verify 1.0 tokens', async () => {
    const hub = await startHerald(['--resource', RESOURCE, ...issuerFlags(), '--no-ticker']);
    try {
      await publishOk(hub.url, { topic: 'urn:a', data: 'x' }, { headers: bearer(await mint({ publish: ['*'] })) });
      const r = await publish(hub.url, { topic: 'urn:a', data: 'x' }, { headers: bearer(mercureToken({ publish: ['*'] })) });
      assert.equal(r.status, 401, r.body);
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });
});

describe('--jwt-issuer', () => {
  it('a bad spec stops the hub at start-up: exit 2, naming the flag', async () => {
    for (const spec of [ISS_A, `${ISS_A} EdDSA`, `${ISS_A} XS256 key`, `${ISS_A} EdDSA @/nonexistent/key.pem`,
      `${ISS_A} EdDSA not-a-pem-key`]) {
      const r = await runHerald(['serve', '--listen', '127.0.0.1:0', '--store', 'memory', '--jwt-issuer', spec]);
      assert.equal(r.code, 2, `${spec}: ${r.code} ${r.stderr}`);
      assert.match(r.stderr, /--jwt-issuer/, spec);
      assert.equal(r.stdout, '', `${spec}: never listened`);
    }
  });
});
