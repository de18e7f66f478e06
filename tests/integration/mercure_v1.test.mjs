// Mercure 1.0 (../shared/reference/mercure-draft.md) beside 0.x on one hub: `match`,
// `match_exact`, `match_urlpattern` (also in a QUERY form body), `last_event_id` and the
// `Mercure-Last-Event-ID` response field, the 1.0 publication rules, the subscriptions API's
// 1.0 documents, mixing refused, and --protocol. Tokens of both generations:
// auth_v1.test.mjs. Negative checks use a sentinel: once it is in, everything published
// before it would have been too.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { hubForBlock, withHub } from '../lib/herald.mjs';
import { subscribe, subscribeOk, publish, publishOk, request } from '../lib/sse_reader.mjs';

const uid = () => randomUUID().slice(0, 8);
const isTicker = (e) => e.type === 'price';
const match = (pairs) => ({ query: pairs });

describe('Mercure 1.0 subscriptions', () => {
  const fx = hubForBlock(['--dev', '--no-ticker', '--subscriptions', '--resource',
    'https://hub.example.com/.well-known/mercure'], subscribeOk);
  const settle = async (s, topic) => {
    const id = `sentinel-${uid()}`;
    await publishOk(fx.hub.url, { topic, id, data: 'sentinel' });
    await s.waitForEvent((e) => e.id === id, 5000, `sentinel ${id}`);
    return s.events.filter((e) => !isTicker(e) && e.type !== 'mercure').map((e) => e.data);
  };

  it('match is exact, byte for byte; match_urlpattern matches absolute and relative topics', async () => {
    const base = `https://example.com/v1/${uid()}`;
    const s = await fx.sub(match([['match', `${base}/{id}`], ['match_urlpattern', `${base}/books/:id`],
      ['match_urlpattern', '/rel/:x']]));
    await publishOk(fx.hub.url, { topic: `${base}/1`, data: 'not a template under 1.0' });
    await publishOk(fx.hub.url, { topic: `${base}/{id}`, data: 'exact' });
    await publishOk(fx.hub.url, { topic: `${base}/books/7`, data: 'pattern' });
    await publishOk(fx.hub.url, { topic: `${base}/books/7/x`, data: 'too deep' });
    await publishOk(fx.hub.url, { topic: '/rel/a', data: 'relative topic' });
    await publishOk(fx.hub.url, { topic: 'https://hub.example.com/rel/b', data: 'absolute on the hub' });
    await publishOk(fx.hub.url, { topic: 'https://elsewhere.example.com/rel/c', data: 'other host' });
    assert.deepEqual(await settle(s, `${base}/{id}`),
      ['exact', 'pattern', 'relative topic', 'absolute on the hub', 'sentinel']);
  });

  it('QUERY with a form body, and the union of query and body', async () => {
    const a = `urn:v1:a:${uid()}`;
    const b = `urn:v1:b:${uid()}`;
    const s = await fx.sub({ method: 'QUERY', query: [['match', a]], body: new URLSearchParams([['match', b]]).toString() });
    await publishOk(fx.hub.url, { topic: a, data: 'from the query' });
    await publishOk(fx.hub.url, { topic: b, data: 'from the body' });
    assert.deepEqual(await settle(s, a), ['from the query', 'from the body', 'sentinel']);
    const wrongType = await subscribe(fx.hub.url, { method: 'QUERY', query: [['match', a]], body: 'x',
      headers: { 'Content-Type': 'text/plain' } });
    assert.equal(wrongType.status, 415);
  });

  it('400 for the reserved match prefix, value constraints, bad patterns and mixing', async () => {
    for (const [why, pairs] of [
      ['unknown matcher type', [['match_regex', 'a']]],
      ['case-insensitive prefix', [['Match', 'a']]],
      ['a Cf character', [['match', 'a\u200Bb']]],
      ['a C1 character', [['match', 'a\u0085b']]],
      ['empty', [['match', '']]],
      ['not a URL pattern', [['match_urlpattern', 'https://x/(']]],
      ['mixing topic and match', [['topic', 'a'], ['match', 'b']]],
      ['mixing match and lastEventID', [['match', 'a'], ['lastEventID', 'x']]],
    ]) {
      const s = await subscribe(fx.hub.url, match(pairs));
      const body = await s.waitForBody();
      assert.equal(s.status, 400, `${why}: ${body}`);
      assert.ok(body.length > 0, `${why}: a message`);
    }
    const many = Array.from({ length: 101 }, (_, i) => ['match', `urn:many:${i}`]);
    assert.equal((await subscribe(fx.hub.url, match(many))).status, 400, 'more than 100 matchers');
  });

  it('last_event_id replays what followed; Mercure-Last-Event-ID names the resume point', async () => {
    const t = `urn:v1:replay:${uid()}`;
    const first = await publishOk(fx.hub.url, { topic: t, data: 'one' });
    await publishOk(fx.hub.url, { topic: t, data: 'two' });
    const s = await fx.sub(match([['match', t], ['last_event_id', first]]));
    assert.equal(s.headers['mercure-last-event-id'], first);
    assert.equal(s.headers['last-event-id'], undefined, '1.0 has its own response field');
    assert.deepEqual((await s.waitForEvents(1)).map((e) => e.data), ['two']);

    const header = await fx.sub({ ...match([['match', t], ['last_event_id', 'urn:nowhere']]), lastEventIdHeader: first });
    assert.equal(header.headers['mercure-last-event-id'], first, 'the Last-Event-ID header wins');

    const unknown = await fx.sub(match([['match', t], ['last_event_id', 'urn:never-seen']]));
    assert.equal(unknown.headers['mercure-last-event-id'], 'earliest', 'an id not held: earliest');
    const [told] = await unknown.waitForEvents(1);
    assert.equal(told.type, 'herald-reset', 'browsers, which cannot read the field, are told in band');

    const earliest = await fx.sub(match([['match', t], ['last_event_id', 'earliest']]));
    assert.equal(earliest.headers['mercure-last-event-id'], 'earliest');
    assert.deepEqual((await earliest.waitForEvents(2)).map((e) => e.data), ['one', 'two']);

    const none = await fx.sub(match([['match', t]]));
    assert.equal(none.headers['mercure-last-event-id'], undefined, 'no cursor asked: no field');
  });

  it('a repeated id is accepted, and resolves to its earliest occurrence', async () => {
    const t = `urn:v1:dup:${uid()}`;
    const id = `urn:dup:${uid()}`;
    await publishOk(fx.hub.url, { topic: t, id, data: 'a' });
    await publishOk(fx.hub.url, { topic: t, data: 'b' });
    assert.equal(await publishOk(fx.hub.url, { topic: t, id, data: 'c' }), id);
    const s = await fx.sub(match([['match', t], ['last_event_id', id]]));
    assert.deepEqual((await s.waitForEvents(2)).map((e) => e.data), ['b', 'c']);
  });

  it('the subscriptions API answers 1.0 documents with the cursor in the Link header', async () => {
    const pattern = `https://example.com/api/${uid()}/:id`;
    const s = await fx.sub(match([['match_urlpattern', pattern]]));
    const esc = encodeURIComponent;
    const coll = `/.well-known/mercure/subscriptions/urlpattern/${esc(pattern)}`;
    const r = await request(fx.hub.url, { path: coll });
    assert.equal(r.status, 200, r.body);
    assert.match(r.headers['content-type'], /^application\/json/);
    assert.match(r.headers.link, /<\/\.well-known\/mercure>; rel="mercure"; last-event-id="[^"]+"; type="mercure"; content-type="application\/json"/);
    const doc = JSON.parse(r.body);
    assert.equal(doc.type, 'subscriptions');
    assert.equal(doc.id, coll);
    assert.equal(doc.subscriptions.length, 1);
    const one = doc.subscriptions[0];
    assert.deepEqual(Object.keys(one).sort(), ['active', 'id', 'match', 'match_type', 'subscriber', 'type']);
    assert.equal(one.match, pattern);
    assert.equal(one.match_type, 'urlpattern');
    assert.equal(one.id, `${coll}/${esc(one.subscriber)}`);
    const single = await request(fx.hub.url, { path: one.id });
    assert.deepEqual(JSON.parse(single.body), one, 'a single subscription is the event document');
    assert.equal((await request(fx.hub.url, { path: `${coll}/${esc('urn:uuid:nobody')}` })).status, 404);
    assert.equal((await request(fx.hub.url, { path: `/.well-known/mercure/subscriptions/regex/${esc(pattern)}` })).status, 404);
    s.close();
  });
});

describe('Mercure 1.0 publication rules', () => {
  // Anonymous publishers (--dev) follow 1.0 rules on a 1.0-only hub.
  const fx = hubForBlock(['--dev', '--no-ticker', '--protocol', '1'], subscribeOk);

  it('private by presence, whatever the value', async () => {
    const t = `urn:v1:private:${uid()}`;
    const s = await fx.sub(match([['match', t]]));
    await publishOk(fx.hub.url, { topic: t, data: 'private off still private', private: 'off' });
    await publishOk(fx.hub.url, { topic: t, data: 'private empty still private', private: '' });
    const id = await publishOk(fx.hub.url, { topic: t, data: 'public' });
    await s.waitForEvent((e) => e.id === id);
    assert.deepEqual(s.events.map((e) => e.data), ['public'], 'an anonymous subscriber gets no private update');
  });

  it('400 for the reserved type, the * topic, the hub namespace in any spelling, and # ids', async () => {
    for (const [why, fields] of [
      ['type mercure', { topic: 'urn:a', type: 'mercure', data: 'x' }],
      ['topic *', { topic: '*', data: 'x' }],
      ['relative hub path', { topic: '/.well-known/mercure/subscriptions/exact/a/b', data: 'x' }],
      ['absolute on any host', { topic: 'https://evil.example/.well-known/mercure/subscriptions', data: 'x' }],
      ['percent-encoded', { topic: '/.well-known/%6Dercure/subscriptions', data: 'x' }],
      ['dot segments', { topic: '/x/../.well-known/mercure', data: 'x' }],
      ['an id starting with #', { topic: 'urn:a', id: '#1', data: 'x' }],
      ['an id that is a Cf character', { topic: 'urn:a', id: 'a\u202Eb', data: 'x' }],
      ['a type with a control character', { topic: 'urn:a', type: 'a\u0085', data: 'x' }],
      ['a topic with a format character', { topic: 'urn:a\u200D', data: 'x' }],
    ]) {
      const r = await publish(fx.hub.url, fields);
      assert.equal(r.status, 400, `${why}: ${r.status} ${r.body}`);
    }
  });

  it('200 text/plain; charset=utf-8 with the id; 413 past the limits; unknown fields ignored', async () => {
    const r = await publish(fx.hub.url, { topic: 'urn:v1:ok', data: 'x', future_field: 'y' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    assert.match(r.body, /^urn:uuid:/);
    const topics = Array.from({ length: 101 }, (_, i) => `urn:v1:t${i}`);
    assert.equal((await publish(fx.hub.url, { topic: topics, data: 'x' })).status, 413);
    assert.equal((await publish(fx.hub.url, { topic: `urn:${'x'.repeat(3000)}`, data: 'x' })).status, 413);
  });

  it('a 1.0-only hub refuses 0.x subscriptions with a message', async () => {
    const s = await subscribe(fx.hub.url, { topics: 'urn:a' });
    assert.equal(s.status, 400);
    assert.match(await s.waitForBody(), /1\.0 only/);
  });
});

describe('--protocol 0', () => {
  it('refuses 1.0 subscriptions with a message, serves 0.x', async () => {
    await withHub(['--dev', '--no-ticker', '--protocol', '0'], async (hub) => {
      const s = await subscribe(hub.url, match([['match', 'urn:a']]));
      assert.equal(s.status, 400);
      assert.match(await s.waitForBody(), /0\.x only/);
      const ok = await subscribeOk(hub.url, { topics: 'urn:a' });
      ok.close();
      // 0.x publication rules: private=off is public.
      const t = `urn:v0:${uid()}`;
      const sub = await subscribeOk(hub.url, { topics: t });
      const id = await publishOk(hub.url, { topic: t, data: 'public', private: 'off' });
      await sub.waitForEvent((e) => e.id === id);
      sub.close();
    });
  });
});
