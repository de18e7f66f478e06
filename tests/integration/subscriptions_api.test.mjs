// Mercure active subscriptions (--subscriptions): the JSON-LD API under
// /.well-known/mercure/subscriptions[/{topic}[/{subscriber}]] with lastEventID, and the
// private subscription events published when a subscriber comes and goes, carrying its
// token's mercure.payload. Access needs a subscribe claim matching the requested path.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startHerald } from '../lib/herald.mjs';
import { subscribeOk, publish, request } from '../lib/sse_reader.mjs';
import { DEV_KEY, bearer, mercureToken } from '../lib/jwt.mjs';

const uid = () => randomUUID().slice(0, 8);
const SUBS = '/.well-known/mercure/subscriptions';
const SUBS_SELECTOR = `${SUBS}{/topic}{/subscriber}`;
const ADMIN = bearer(mercureToken({ subscribe: [SUBS_SELECTOR] }));
const esc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

async function getJson(hub, path, headers = ADMIN) {
  const r = await request(hub.url, { path, headers });
  assert.equal(r.status, 200, `${path}: ${r.status} ${r.body}`);
  assert.equal(r.headers['content-type'], 'application/ld+json');
  assert.match(r.headers.link ?? '', /rel="mercure"/);
  return JSON.parse(r.body);
}

describe('subscriptions API off by default', () => {
  it('404 without --subscriptions', async () => {
    const hub = await startHerald(['--jwt-key', DEV_KEY, '--no-ticker']);
    try {
      const r = await request(hub.url, { path: SUBS, headers: ADMIN });
      assert.equal(r.status, 404);
      assert.match(r.body, /--subscriptions/);
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });
});

describe('subscriptions API', () => {
  let hub;
  before(async () => { hub = await startHerald(['--jwt-key', DEV_KEY, '--no-ticker', '--subscriptions', '--anonymous']); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('an empty hub: no subscriptions, lastEventID "earliest"', async () => {
    const j = await getJson(hub, SUBS);
    assert.deepEqual(j, { '@context': 'https://mercure.rocks/', id: SUBS, type: 'Subscriptions',
      lastEventID: 'earliest', subscriptions: [] });
  });

  it('access: 401 without a token, 403 when the subscribe claim does not cover the path', async () => {
    let r = await request(hub.url, { path: SUBS });
    assert.equal(r.status, 401);
    r = await request(hub.url, { path: SUBS, headers: bearer(mercureToken({ subscribe: ['https://example.com/{x}'] })) });
    assert.equal(r.status, 403);
    r = await request(hub.url, { path: SUBS, headers: bearer(mercureToken({ subscribe: ['*'] })) });
    assert.equal(r.status, 200, '* covers everything');
    // A selector for one topic's subscriptions opens that collection and nothing wider.
    const narrow = bearer(mercureToken({ subscribe: [`${SUBS}/${esc('urn:one')}{/subscriber}`] }));
    r = await request(hub.url, { path: `${SUBS}/${esc('urn:one')}`, headers: narrow });
    assert.equal(r.status, 200, r.body);
    r = await request(hub.url, { path: SUBS, headers: narrow });
    assert.equal(r.status, 403);
    r = await request(hub.url, { path: `${SUBS}/${esc('urn:two')}`, headers: narrow });
    assert.equal(r.status, 403);
    r = await request(hub.url, { path: SUBS, headers: bearer('junk') });
    assert.equal(r.status, 401);
  });

  it('lists subscriptions with their payloads; the topic and single-subscription resources', async () => {
    const topic = `https://example.com/books/${uid()}`;
    const other = `urn:other:${uid()}`;
    const s = await subscribeOk(hub.url, { topics: [topic, other], headers: bearer(mercureToken({ payload: { user: 'alice' } })) });
    const anon = await subscribeOk(hub.url, { topics: topic });
    const all = await getJson(hub, SUBS);
    const mine = all.subscriptions.filter((x) => x.topic === topic || x.topic === other);
    assert.equal(mine.length, 3);
    const alice = mine.filter((x) => x.payload?.user === 'alice');
    assert.equal(alice.length, 2, 'one subscription per topic selector');
    assert.equal(alice[0].subscriber, alice[1].subscriber);
    const subscriber = alice[0].subscriber;
    assert.match(subscriber, /^urn:uuid:/);
    const a = alice.find((x) => x.topic === topic);
    assert.deepEqual(a, { id: `${SUBS}/${esc(topic)}/${esc(subscriber)}`, type: 'Subscription', subscriber,
      topic, active: true, payload: { user: 'alice' } });
    const anonymous = mine.find((x) => x.payload === undefined);
    assert.equal(anonymous.topic, topic);
    assert.notEqual(all.lastEventID, 'earliest', 'subscription events are in history');

    const byTopic = await getJson(hub, `${SUBS}/${esc(topic)}`);
    assert.equal(byTopic.id, `${SUBS}/${esc(topic)}`);
    assert.equal(byTopic.type, 'Subscriptions');
    assert.deepEqual(byTopic.subscriptions.map((x) => x.topic), [topic, topic]);
    // A selector in the path lists the subscriptions it matches, as in Mercure.
    const byTemplate = await getJson(hub, `${SUBS}/${esc('https://example.com/books/{id}')}`);
    assert.equal(byTemplate.subscriptions.filter((x) => x.topic === topic).length, 2);

    const one = await getJson(hub, a.id);
    assert.deepEqual(one, { '@context': 'https://mercure.rocks/', ...a, lastEventID: one.lastEventID });
    assert.equal(typeof one.lastEventID, 'string');

    let r = await request(hub.url, { path: `${SUBS}/${esc(topic)}/${esc('urn:uuid:nobody')}`, headers: ADMIN });
    assert.equal(r.status, 404);
    r = await request(hub.url, { path: `${a.id}/extra`, headers: ADMIN });
    assert.equal(r.status, 404);
    r = await request(hub.url, { path: `${SUBS}/%ZZ`, headers: ADMIN });
    assert.equal(r.status, 400);
    r = await request(hub.url, { path: `${SUBS}/%C3%28`, headers: ADMIN });
    assert.equal(r.status, 400, 'invalid UTF-8');
    r = await request(hub.url, { path: SUBS, method: 'POST', headers: ADMIN });
    assert.equal(r.status, 405);

    s.close();
    anon.close();
  });

  it('subscription events: private, active then inactive, with the payload; lastEventID misses nothing', async () => {
    const topic = `urn:ev:${uid()}`;
    const listing = await getJson(hub, SUBS);
    // An admin that resumes from the listing's lastEventID, and a nosy subscriber to `*`.
    const admin = await subscribeOk(hub.url, { topics: SUBS_SELECTOR, lastEventID: listing.lastEventID, headers: ADMIN });
    const nosy = await subscribeOk(hub.url, { topics: '*', headers: bearer(mercureToken({ subscribe: ['https://example.com/{x}'] })) });
    const s = await subscribeOk(hub.url, { topics: topic, headers: bearer(mercureToken({ payload: { user: 'bob' } })) });
    const joined = await admin.waitForEvent((e) => JSON.parse(e.data).topic === topic);
    const doc = JSON.parse(joined.data);
    assert.equal(doc['@context'], 'https://mercure.rocks/');
    assert.equal(doc.type, 'Subscription');
    assert.equal(doc.active, true);
    assert.deepEqual(doc.payload, { user: 'bob' });
    assert.equal(doc.id, `${SUBS}/${esc(topic)}/${esc(doc.subscriber)}`);
    s.close();
    const left = await admin.waitForEvent((e) => JSON.parse(e.data).topic === topic && JSON.parse(e.data).active === false);
    assert.equal(JSON.parse(left.data).subscriber, doc.subscriber);
    // The listing no longer has it.
    const after = await getJson(hub, SUBS);
    assert.ok(!after.subscriptions.some((x) => x.topic === topic));
    assert.ok(!nosy.events.some((e) => e.data.includes(topic)), 'subscription events are private');
    admin.close();
    nosy.close();
  });

  it('nobody may publish forged subscription events', async () => {
    const r = await publish(hub.url, { topic: `${SUBS}/x/y`, data: '{"active":true}' },
      { headers: bearer(mercureToken({ publish: ['*'] })) });
    assert.equal(r.status, 403);
  });
});

describe('subscriptions API under --dev', () => {
  it('is open to anonymous requests', async () => {
    const hub = await startHerald(['--dev', '--no-ticker', '--subscriptions']);
    try {
      const s = await subscribeOk(hub.url, { topics: 'urn:dev' });
      const j = await getJson(hub, SUBS, {});
      assert.ok(j.subscriptions.some((x) => x.topic === 'urn:dev'));
      s.close();
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });
});
