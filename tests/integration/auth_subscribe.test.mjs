// AUTH.md, subscribing: anonymous subscribers only with --anonymous (or --dev); the token
// from the Authorization header, the authorization query parameter or the cookie (with an
// allowed Origin); private updates only for subscribers whose mercure.subscribe selectors
// match one of their topics, live and on replay; a stream ends at its token's exp with a
// retry hint, and the client resumes with a fresh token without losing anything.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startHerald } from '../lib/herald.mjs';
import { subscribe, subscribeOk, publish, publishOk } from '../lib/sse_reader.mjs';
import { DEV_KEY, bearer, mercureToken } from '../lib/jwt.mjs';

const uid = () => randomUUID().slice(0, 8);
const PUB = bearer(mercureToken({ publish: ['*'] }));
const pub = (hub, fields) => publishOk(hub.url, fields, { headers: PUB });

async function expectRefused(hub, opts, status, why) {
  const s = await subscribe(hub.url, opts);
  const body = await s.waitForBody(3000);
  s.close();
  assert.equal(s.status, status, `${why}: ${s.status} ${body}`);
  assert.ok(body.trim().length > 0, `${why}: a message says why`);
  return s;
}

describe('who may subscribe', () => {
  it('without --anonymous an anonymous subscriber gets 401; with it (or --dev) 200', async () => {
    const locked = await startHerald(['--jwt-key', DEV_KEY, '--no-ticker']);
    const open = await startHerald(['--jwt-key', DEV_KEY, '--no-ticker', '--anonymous']);
    const dev = await startHerald(['--dev', '--no-ticker']);
    try {
      const s = await expectRefused(locked, { topics: 'urn:a' }, 401, 'anonymous, not --anonymous');
      assert.match(s.headers['www-authenticate'] ?? '', /^Bearer/);
      (await subscribeOk(open.url, { topics: 'urn:a' })).close();
      (await subscribeOk(dev.url, { topics: 'urn:a' })).close();
      // A token with no claim at all is a known subscriber: let in, no private updates.
      (await subscribeOk(locked.url, { topics: 'urn:a', headers: bearer(mercureToken({})) })).close();
    } finally {
      for (const h of [locked, open, dev]) assert.equal(await h.stop(), 0);
    }
  });

  it('an invalid token is 401 even on an --anonymous hub (no fall-back to anonymous)', async () => {
    const hub = await startHerald(['--jwt-key', DEV_KEY, '--no-ticker', '--anonymous']);
    try {
      await expectRefused(hub, { topics: 'urn:a', headers: bearer('junk') }, 401, 'junk');
      await expectRefused(hub, { topics: 'urn:a', headers: bearer(mercureToken({ subscribe: ['*'] }, 'other')) }, 401, 'wrong key');
      await expectRefused(hub, { topics: 'urn:a', headers: bearer(mercureToken({ subscribe: ['*'], exp: -60 })) }, 401, 'expired');
      await expectRefused(hub, { topics: 'urn:a', query: [['authorization', 'junk']] }, 401, 'junk query token');
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });

  it('without a subscriber key and without --anonymous nobody subscribes; the log says why', async () => {
    const hub = await startHerald(['--publisher-jwt-key', DEV_KEY]);
    try {
      const s = await expectRefused(hub, { topics: 'urn:a' }, 401, 'no subscriber key');
      assert.match(s.text, /--anonymous/);
      assert.match(hub.logs(), /not --anonymous: subscribing is refused/);
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });
});

describe('tokens of subscribers and private updates', () => {
  let hub;
  before(async () => {
    hub = await startHerald(['--jwt-key', DEV_KEY, '--no-ticker', '--anonymous', '--cors-origins', 'https://app.example']);
  });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('header, query parameter and cookie each carry the token that unlocks private updates', async () => {
    const t = `https://example.com/users/${uid()}`;
    const token = mercureToken({ subscribe: ['https://example.com/users/{id}'] });
    const viaHeader = await subscribeOk(hub.url, { topics: t, headers: bearer(token) });
    const viaQuery = await subscribeOk(hub.url, { topics: t, query: [['authorization', token]] });
    const viaCookie = await subscribeOk(hub.url, { topics: t, headers: { Cookie: `mercureAuthorization=${token}`, Origin: 'https://app.example' } });
    const anonymous = await subscribeOk(hub.url, { topics: t });
    const privateId = await pub(hub, { topic: t, private: 'on', data: 'secret' });
    const publicId = await pub(hub, { topic: t, data: 'public' });
    for (const s of [viaHeader, viaQuery, viaCookie]) {
      const evs = await s.waitForEvents(2);
      assert.deepEqual(evs.map((e) => e.id), [privateId, publicId]);
    }
    const [ev] = await anonymous.waitForEvents(1);
    assert.equal(ev.id, publicId, 'anonymous subscribers never get private updates');
    for (const s of [viaHeader, viaQuery, viaCookie, anonymous]) s.close();
  });

  it('a cookie from a foreign page, or without Origin and Referer, is refused (403)', async () => {
    const cookie = `mercureAuthorization=${mercureToken({ subscribe: ['*'] })}`;
    await expectRefused(hub, { topics: 'urn:a', headers: { Cookie: cookie } }, 403, 'no Origin');
    await expectRefused(hub, { topics: 'urn:a', headers: { Cookie: cookie, Origin: 'https://evil.example' } }, 403, 'foreign Origin');
    (await subscribeOk(hub.url, { topics: 'urn:a', headers: { Cookie: cookie, Referer: 'https://app.example/page' } })).close();
    (await subscribeOk(hub.url, { topics: 'urn:a', headers: { Cookie: cookie, Origin: hub.url } })).close();
  });

  it('private updates: one topic matching one subscribe selector; the subscription alone grants nothing', async () => {
    const base = `https://example.com/${uid()}`;
    const token = mercureToken({ subscribe: [`${base}/books/{id}`, `${base}/exact`] });
    const s = await subscribeOk(hub.url, { topics: '*', headers: bearer(token) });
    const denied = [
      await pub(hub, { topic: `${base}/users/1`, private: 'on', data: 'no' }),
      await pub(hub, { topic: `${base}/books/1/more`, private: 'on', data: 'no' }),
      await pub(hub, { topic: `${base}/exact2`, private: 'on', data: 'no' }),
    ];
    const allowed = [
      await pub(hub, { topic: `${base}/books/1`, private: 'on', data: 'yes' }),
      await pub(hub, { topic: [`${base}/users/1`, `${base}/exact`], private: 'on', data: 'yes, by its second topic' }),
      await pub(hub, { topic: `${base}/users/1`, data: 'public' }),
    ];
    const evs = await s.waitForEvents(3);
    assert.deepEqual(evs.map((e) => e.id), allowed);
    assert.ok(!s.events.some((e) => denied.includes(e.id)));
    s.close();
  });

  it('replay applies the same rule: Last-Event-ID never brings a private update back', async () => {
    const base = `https://example.com/${uid()}`;
    const first = await pub(hub, { topic: `${base}/a`, data: 'start' });
    const ids = {
      pa: await pub(hub, { topic: `${base}/a`, private: 'on', data: 'private a' }),
      pb: await pub(hub, { topic: `${base}/b`, private: 'on', data: 'private b' }),
      pub: await pub(hub, { topic: `${base}/b`, data: 'public b' }),
    };
    const forA = await subscribeOk(hub.url, { topics: `${base}/{x}`, lastEventID: first, headers: bearer(mercureToken({ subscribe: [`${base}/a`] })) });
    const anon = await subscribeOk(hub.url, { topics: `${base}/{x}`, lastEventID: 'earliest' });
    assert.deepEqual((await forA.waitForEvents(2)).map((e) => e.id), [ids.pa, ids.pub]);
    assert.deepEqual((await anon.waitForEvents(2)).map((e) => e.id), [first, ids.pub]);
    const last = await pub(hub, { topic: `${base}/a`, data: 'end' });
    await forA.waitForEvent((e) => e.id === last);
    await anon.waitForEvent((e) => e.id === last);
    assert.ok(!forA.events.some((e) => e.id === ids.pb));
    assert.ok(!anon.events.some((e) => e.id === ids.pa || e.id === ids.pb));
    forA.close();
    anon.close();
  });

  // Property: random topics, claims, selectors, private flags and join times; every
  // subscriber gets exactly what the rules allow (no leak, no loss), live or replayed.
  it('property: private updates never leak, live or replayed', async () => {
    let seed = 12345;
    const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const base = `https://example.com/p${uid()}`;
    const topics = [`${base}/books/1`, `${base}/books/2`, `${base}/users/1`, `${base}/users/1/inbox`, `${base}-chat`];
    const selectors = [`${base}/books/1`, `${base}/books/{id}`, `${base}/{kind}/1`, `${base}/users/1{/rest}`,
      `${base}{+rest}`, `${base}-chat`, '*', `${base}/none`];
    const pick = (list) => list[rand(list.length)];
    const matches = (sel, topic) => {
      if (sel === '*') return true;
      if (sel === topic) return true;
      const re = new RegExp(`^${sel.replace(/[.?]/g, '\\$&').replace(/\{\+\w+\}/g, '.*').replace(/\{\/\w+\}/g, '(?:/[^/?#]*)?').replace(/\{\w+\}/g, '[^/?#]*')}$`);
      return re.test(topic);
    };
    const clients = [];
    const published = [];
    const start = await pub(hub, { topic: `${base}/start`, data: 'start' });
    const join = async () => {
      const subs = Array.from({ length: 1 + rand(2) }, () => pick(selectors));
      const claims = rand(10) < 3 ? null : Array.from({ length: rand(3) }, () => pick(selectors));
      const headers = claims ? bearer(mercureToken({ subscribe: claims })) : {};
      const s = await subscribeOk(hub.url, { topics: subs, headers, lastEventID: start });
      clients.push({ subs, claims, s });
    };
    for (let i = 0; i < 12; i++) await join();
    for (let i = 0; i < 80; i++) {
      const ts = Array.from({ length: 1 + rand(2) }, () => pick(topics));
      const isPrivate = rand(2) === 0;
      const id = `prop-${i}-${uid()}`;
      await pub(hub, { topic: ts, private: isPrivate ? 'on' : undefined, id, data: String(i) });
      published.push({ id, ts, isPrivate });
      if (i % 20 === 10) await join();  // joins late, gets the start by replay
    }
    const end = await pub(hub, { topic: `${base}/end`, data: 'end' });
    const endWatch = await subscribeOk(hub.url, { topics: `${base}/end`, lastEventID: start });
    await endWatch.waitForEvent((e) => e.id === end);
    endWatch.close();
    for (const c of clients) {
      const expected = published.filter((u) =>
        c.subs.some((sel) => u.ts.some((t) => matches(sel, t))) &&
        (!u.isPrivate || (c.claims && c.claims.some((sel) => u.ts.some((t) => matches(sel, t)))))).map((u) => u.id);
      // Every client sees `end` only if its selectors match it; wait for the last expected one.
      if (expected.length) await c.s.waitForEvent((e) => e.id === expected.at(-1), 5000, `last expected of ${c.subs}`);
      const got = c.s.events.map((e) => e.id).filter((id) => id.startsWith('prop-'));
      for (const id of got) assert.ok(expected.includes(id), `${id} leaked to ${JSON.stringify({ subs: c.subs, claims: c.claims })}`);
      assert.deepEqual(got, expected, `subs ${c.subs} claims ${c.claims}`);
      c.s.close();
    }
  });
});

describe('a token that expires while its stream is open', () => {
  let hub;
  before(async () => { hub = await startHerald(['--jwt-key', DEV_KEY, '--no-ticker', '--heartbeat', '0']); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('ends the stream at exp with a retry hint; a fresh token resumes from history, losing nothing', async () => {
    const t = `urn:exp:${uid()}`;
    // exp is in whole seconds: 2 s from now is 1 to 2 s of stream.
    const s = await subscribeOk(hub.url, { topics: t, headers: bearer(mercureToken({ subscribe: [t], exp: 2 })) });
    const opened = Date.now();
    const before = await pub(hub, { topic: t, private: 'on', data: 'before exp' });
    await s.waitForEvent((e) => e.id === before);
    const end = await s.waitForClose(6000);
    const lived = Date.now() - opened;
    assert.ok(lived >= 500 && lived < 4000, `the stream lived ${lived} ms for a 1-2 s token`);
    assert.equal(end.terminated, true, 'ended cleanly with the chunked terminator');
    assert.equal(s.parser.retry, 1000, 'a retry hint before the end');
    assert.ok(s.comments.some((c) => /token expired/.test(c)), 'a comment says why');

    // Published while the client was away, then it comes back with a fresh token.
    const missed = await pub(hub, { topic: t, private: 'on', data: 'while away' });
    const again = await subscribeOk(hub.url, { topics: t, lastEventIdHeader: s.lastEventId,
      headers: bearer(mercureToken({ subscribe: [t], exp: 60 })) });
    const [ev] = await again.waitForEvents(1);
    assert.equal(ev.id, missed);
    again.close();
  });

  it('streams whose tokens live longer, or have no exp, stay open', async () => {
    const t = `urn:exp:${uid()}`;
    const short = await subscribeOk(hub.url, { topics: t, headers: bearer(mercureToken({ subscribe: [t], exp: 1 })) });
    const long = await subscribeOk(hub.url, { topics: t, headers: bearer(mercureToken({ subscribe: [t], exp: 3600 })) });
    const never = await subscribeOk(hub.url, { topics: t, headers: bearer(mercureToken({ subscribe: [t] })) });
    await short.waitForClose(5000);
    const id = await pub(hub, { topic: t, data: 'still here' });
    await long.waitForEvent((e) => e.id === id);
    await never.waitForEvent((e) => e.id === id);
    assert.equal(long.closed || never.closed, false);
    long.close();
    never.close();
  });
});
