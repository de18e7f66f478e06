// HUB-CONTRACT "CORS" and "OPTIONS any path": with --cors-origins, a listed Origin is
// echoed exactly with credentials, `*` answers `*` without them; a foreign one gets no
// CORS headers; the preflight a
// browser sends for a Last-Event-ID header (SSE-SPEC 19) is answered.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startHerald } from '../lib/herald.mjs';
import { subscribe, subscribeOk, publish, publishOk, request, sleep } from '../lib/sse_reader.mjs';

const A = 'https://app.example.com';
const B = 'http://localhost:3000';
const FOREIGN = 'https://evil.example.org';
const newTopic = () => `urn:test:cors:${randomUUID()}`;

function assertAllowed(headers, origin, what) {
  assert.equal(headers['access-control-allow-origin'], origin, `${what}: exact origin echoed`);
  assert.equal(headers['access-control-allow-credentials'], 'true', `${what}: credentials`);
  assert.ok((headers.vary ?? '').split(',').map((v) => v.trim().toLowerCase()).includes('origin'),
    `${what}: Vary: Origin (got ${headers.vary})`);
}
function assertNoCors(headers, what) {
  assert.equal(headers['access-control-allow-origin'], undefined, `${what}: no Allow-Origin`);
  assert.equal(headers['access-control-allow-credentials'], undefined, `${what}: no Allow-Credentials`);
}

describe('CORS with a list of origins', () => {
  let hub;
  before(async () => { hub = await startHerald(['--dev', '--cors-origins', `${A},${B}`]); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('subscribe from an allowed origin: exact echo + credentials + Vary', async () => {
    for (const origin of [A, B]) {
      const s = await subscribeOk(hub.url, { topics: newTopic(), headers: { Origin: origin } });
      assertAllowed(s.headers, origin, `subscribe from ${origin}`);
      s.close();
    }
  });

  it('events still flow on a CORS stream', async () => {
    const t = newTopic();
    const s = await subscribeOk(hub.url, { topics: t, headers: { Origin: A } });
    await publishOk(hub.url, { topic: t, data: 'cors-ok' });
    const [ev] = await s.waitForEvents(1);
    assert.equal(ev.data, 'cors-ok');
    s.close();
  });

  it('subscribe from a foreign origin: no CORS headers', async () => {
    const s = await subscribe(hub.url, { topics: newTopic(), headers: { Origin: FOREIGN } });
    assertNoCors(s.headers, 'foreign origin');
    s.close();
  });

  it('an origin that only shares a prefix is foreign', async () => {
    for (const origin of [`${A}.evil.org`, `${A}:8443`, 'https://app.example.co']) {
      const s = await subscribe(hub.url, { topics: newTopic(), headers: { Origin: origin } });
      assert.notEqual(s.headers['access-control-allow-origin'], origin, `${origin} must not be allowed`);
      assert.notEqual(s.headers['access-control-allow-origin'], '*');
      s.close();
    }
  });

  it('no Origin header: no CORS headers needed', async () => {
    const s = await subscribeOk(hub.url, { topics: newTopic() });
    assert.equal(s.headers['access-control-allow-origin'], undefined);
    s.close();
  });

  it('publish answers carry the CORS headers too', async () => {
    const r = await publish(hub.url, { topic: newTopic(), data: 'x' }, { headers: { Origin: A } });
    assert.equal(r.status, 200);
    assertAllowed(r.headers, A, 'publish');
  });

  it('/healthz answers carry them too ("responses carry")', async () => {
    const h = await request(hub.url, { path: '/healthz', headers: { Origin: B } });
    assert.equal(h.status, 200);
    assertAllowed(h.headers, B, '/healthz');
    const f = await request(hub.url, { path: '/healthz', headers: { Origin: FOREIGN } });
    assertNoCors(f.headers, '/healthz from a foreign origin');
  });

  it('error answers for an allowed origin carry them (so the page can read the 400)', async () => {
    const r = await request(hub.url, { path: '/.well-known/mercure', headers: { Origin: A } });
    assert.equal(r.status, 400);
    assertAllowed(r.headers, A, '400 on subscribe');
  });

  it('OPTIONS preflight for Last-Event-ID from an allowed origin', async () => {
    const r = await request(hub.url, {
      method: 'OPTIONS', path: `/.well-known/mercure?topic=${encodeURIComponent(newTopic())}`,
      headers: { Origin: A, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'last-event-id' },
    });
    assert.ok(r.status === 200 || r.status === 204, `preflight status ${r.status}`);
    assertAllowed(r.headers, A, 'preflight');
    const allowHeaders = (r.headers['access-control-allow-headers'] ?? '').toLowerCase()
      .split(',').map((h) => h.trim());
    // With credentials "*" is not a wildcard for browsers: the name must be listed.
    assert.ok(allowHeaders.includes('last-event-id'), `Allow-Headers lists Last-Event-ID: ${allowHeaders}`);
    const methods = (r.headers['access-control-allow-methods'] ?? '').toUpperCase();
    assert.ok(methods === '' || methods.includes('GET'), `Allow-Methods ${methods}`);
  });

  it('OPTIONS preflight for a publish from an allowed origin (POST, Authorization)', async () => {
    const r = await request(hub.url, {
      method: 'OPTIONS', path: '/.well-known/mercure',
      headers: { Origin: B, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' },
    });
    assert.ok(r.status === 200 || r.status === 204, `preflight status ${r.status}`);
    assertAllowed(r.headers, B, 'POST preflight');
    assert.ok((r.headers['access-control-allow-methods'] ?? '').toUpperCase().includes('POST'),
      `Allow-Methods includes POST: ${r.headers['access-control-allow-methods']}`);
  });

  it('OPTIONS on any path from an allowed origin', async () => {
    const r = await request(hub.url, {
      method: 'OPTIONS', path: '/healthz',
      headers: { Origin: A, 'Access-Control-Request-Method': 'GET' },
    });
    assert.ok(r.status === 200 || r.status === 204, `preflight status ${r.status}`);
    assertAllowed(r.headers, A, 'preflight on /healthz');
  });

  it('OPTIONS preflight from a foreign origin is not allowed', async () => {
    const r = await request(hub.url, {
      method: 'OPTIONS', path: '/.well-known/mercure',
      headers: { Origin: FOREIGN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'last-event-id' },
    });
    assertNoCors(r.headers, 'foreign preflight');
  });
});

describe('CORS with *', () => {
  // `*` is a literal wildcard WITHOUT credentials: any page may read public streams,
  // none may read a user's cookie-authenticated one (issue 9).
  let hub;
  before(async () => { hub = await startHerald(['--dev', '--cors-origins', '*']); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  function assertWildcard(headers, what) {
    assert.equal(headers['access-control-allow-origin'], '*', `${what}: Allow-Origin *`);
    assert.equal(headers['access-control-allow-credentials'], undefined, `${what}: no credentials`);
  }

  it('any origin gets Allow-Origin: * and no credentials', async () => {
    for (const origin of [A, FOREIGN]) {
      const s = await subscribeOk(hub.url, { topics: newTopic(), headers: { Origin: origin } });
      assertWildcard(s.headers, `* with ${origin}`);
      s.close();
    }
  });

  it('preflight from any origin, without credentials', async () => {
    const r = await request(hub.url, {
      method: 'OPTIONS', path: '/.well-known/mercure',
      headers: { Origin: FOREIGN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'last-event-id' },
    });
    assert.ok(r.status === 200 || r.status === 204, `preflight status ${r.status}`);
    assertWildcard(r.headers, 'preflight with *');
  });
});

describe('CORS with * beside a listed origin', () => {
  let hub;
  before(async () => { hub = await startHerald(['--dev', '--cors-origins', `*,${A}`]); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('the listed origin keeps credentials, the others get *', async () => {
    const s = await subscribeOk(hub.url, { topics: newTopic(), headers: { Origin: A } });
    assertAllowed(s.headers, A, 'listed');
    s.close();
    const f = await subscribeOk(hub.url, { topics: newTopic(), headers: { Origin: FOREIGN } });
    assert.equal(f.headers['access-control-allow-origin'], '*');
    assert.equal(f.headers['access-control-allow-credentials'], undefined);
    f.close();
  });
});

describe('--dev allows any origin (unless --cors-origins lists them)', () => {
  let hub;
  before(async () => { hub = await startHerald(['--dev', '--no-ticker']); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('a page on another port can subscribe and publish (exact echo + credentials)', async () => {
    const t = newTopic();
    const s = await subscribeOk(hub.url, { topics: t, headers: { Origin: B } });
    assertAllowed(s.headers, B, 'dev subscribe');
    const r = await publish(hub.url, { topic: t, data: 'from :3000' }, { headers: { Origin: B } });
    assert.equal(r.status, 200);
    assertAllowed(r.headers, B, 'dev publish');
    const [ev] = await s.waitForEvents(1);
    assert.equal(ev.data, 'from :3000');
    s.close();
  });

  it('preflight from any origin', async () => {
    const r = await request(hub.url, {
      method: 'OPTIONS', path: '/.well-known/mercure',
      headers: { Origin: FOREIGN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.equal(r.status, 204);
    assertAllowed(r.headers, FOREIGN, 'dev preflight');
  });
});

describe('CORS off by default (without --dev)', () => {
  let hub;
  before(async () => { hub = await startHerald(['--anonymous']); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('without --cors-origins no origin gets CORS headers', async () => {
    const s = await subscribeOk(hub.url, { topics: newTopic(), headers: { Origin: A } });
    assertNoCors(s.headers, 'default');
    s.close();
  });

  it('a refused origin is logged once, naming the flag that allows it', async () => {
    const origin = 'http://127.0.0.1:3999';
    const refusals = () => hub.logs().split('\n').filter((l) => l.includes('refused by CORS'));
    for (let i = 0; i < 3; ++i) {
      const s = await subscribe(hub.url, { topics: newTopic(), headers: { Origin: origin } });
      s.close();
    }
    const r = await request(hub.url, {
      method: 'OPTIONS', path: '/.well-known/mercure',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
    });
    assert.equal(r.status, 403);
    // Same-origin requests carry an Origin too: they are not refusals.
    const own = await request(hub.url, { path: '/healthz', headers: { Origin: hub.url } });
    assert.equal(own.status, 200);
    await sleep(300);  // the log arrives through a pipe
    const lines = refusals().filter((l) => l.includes(origin));
    assert.equal(lines.length, 1, `logged once: ${lines.join('\n')}`);
    assert.match(lines[0], /--cors-origins/);
    assert.ok(!refusals().some((l) => l.includes(hub.url)), 'the hub\'s own origin is no refusal');
  });
});
