// HUB-CONTRACT "Endpoints": topic selectors (exact topics, URI templates, `*`), several
// topics per subscription and per publish, one delivery per event and subscriber.
// Negative checks use a sentinel: publish what must not arrive, then a matching sentinel;
// once the sentinel is in, everything before it would have been too.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { hubForBlock } from '../lib/herald.mjs';
import { subscribe, subscribeOk, publishOk } from '../lib/sse_reader.mjs';

const uid = () => randomUUID().slice(0, 8);
// --dev runs a ticker on urn:herald:demo:ticker (type `price`); a `*` subscriber sees it.
const isTicker = (e) => e.type === 'price';

describe('topic selectors', () => {
  const fx = hubForBlock(['--dev'], subscribeOk);
  const sub = fx.sub;
  // Publishes a sentinel on `topic` and waits for it; returns the data of all events seen.
  const settle = async (s, topic) => {
    const id = `sentinel-${uid()}`;
    await publishOk(fx.hub.url, { topic, id, data: 'sentinel' });
    await s.waitForEvent((e) => e.id === id, 5000, `sentinel ${id}`);
    return s.events.filter((e) => !isTicker(e)).map((e) => e.data);
  };

  it('an exact topic receives only its own events', async () => {
    const t = `urn:test:sel:${uid()}`;
    const s = await sub({ topics: t });
    await publishOk(fx.hub.url, { topic: `${t}x`, data: 'longer' });
    await publishOk(fx.hub.url, { topic: t.slice(0, -1), data: 'prefix' });
    await publishOk(fx.hub.url, { topic: t.toUpperCase(), data: 'case' });
    await publishOk(fx.hub.url, { topic: t, data: 'mine' });
    assert.deepEqual(await settle(s, t), ['mine', 'sentinel']);
  });

  it('several topics in one subscription receive from each', async () => {
    const a = `urn:test:sel:a:${uid()}`;
    const b = `urn:test:sel:b:${uid()}`;
    const c = `urn:test:sel:c:${uid()}`;
    const s = await sub({ topics: [a, b] });
    await publishOk(fx.hub.url, { topic: a, data: 'to-a' });
    await publishOk(fx.hub.url, { topic: c, data: 'to-c' });
    await publishOk(fx.hub.url, { topic: b, data: 'to-b' });
    assert.deepEqual(await settle(s, a), ['to-a', 'to-b', 'sentinel']);
  });

  it('an event published to several topics reaches subscribers of any of them', async () => {
    const a = `urn:test:sel:a:${uid()}`;
    const b = `urn:test:sel:b:${uid()}`;
    const sa = await sub({ topics: a });
    const sb = await sub({ topics: b });
    const id = await publishOk(fx.hub.url, { topic: [a, b], data: 'both' });
    const [ea] = await sa.waitForEvents(1);
    const [eb] = await sb.waitForEvents(1);
    assert.equal(ea.id, id);
    assert.equal(eb.id, id);
  });

  it('one delivery when several topics of the event match the subscription', async () => {
    const a = `urn:test:sel:a:${uid()}`;
    const b = `urn:test:sel:b:${uid()}`;
    const s = await sub({ topics: [a, b] });
    await publishOk(fx.hub.url, { topic: [a, b], data: 'once' });
    assert.deepEqual(await settle(s, a), ['once', 'sentinel']);
  });

  it('one delivery when several selectors (exact, template, *) match', async () => {
    const base = `https://example.com/${uid()}/books`;
    const s = await sub({ topics: [`${base}/1`, `${base}/{id}`, '*'] });
    await publishOk(fx.hub.url, { topic: `${base}/1`, data: 'once' });
    await publishOk(fx.hub.url, { topic: [`${base}/1`, `${base}/2`], data: 'once-too' });
    assert.deepEqual(await settle(s, `${base}/1`), ['once', 'once-too', 'sentinel']);
  });

  it('a URI template selector matches its expansions only', async () => {
    const base = `https://example.com/${uid()}`;
    const s = await sub({ topics: `${base}/books/{id}` });
    await publishOk(fx.hub.url, { topic: `${base}/books/1`, data: 'book-1' });
    await publishOk(fx.hub.url, { topic: `${base}/authors/1`, data: 'author' });
    await publishOk(fx.hub.url, { topic: `${base}/books`, data: 'list' });
    await publishOk(fx.hub.url, { topic: `${base}/books/1/chapters`, data: 'deeper' });
    await publishOk(fx.hub.url, { topic: `${base}/books/abc-42`, data: 'book-abc' });
    await publishOk(fx.hub.url, { topic: `${base}/books/{id}`, data: 'literal' });
    const seen = await settle(s, `${base}/books/99`);
    // `{id}` (RFC 6570 simple expansion) never contains a "/"; the literal topic
    // "{id}" is the template text itself and is not an expansion either way, so we
    // accept it or not but require the rest exactly.
    assert.deepEqual(seen.filter((d) => d !== 'literal'), ['book-1', 'book-abc', 'sentinel']);
  });

  it('a template with two variables', async () => {
    const base = `https://example.com/${uid()}`;
    const s = await sub({ topics: `${base}/users/{user}/orders/{order}` });
    await publishOk(fx.hub.url, { topic: `${base}/users/7/orders/9`, data: 'yes' });
    await publishOk(fx.hub.url, { topic: `${base}/users/7/invoices/9`, data: 'no' });
    assert.deepEqual(await settle(s, `${base}/users/1/orders/2`), ['yes', 'sentinel']);
  });

  it('`*` receives every topic', async () => {
    const s = await sub({ topics: '*' });
    const mine = `urn:test:star:${uid()}`;
    await publishOk(fx.hub.url, { topic: `https://example.com/${uid()}`, id: `star-1-${uid()}`, data: 'one' });
    await publishOk(fx.hub.url, { topic: mine, data: 'two' });
    const seen = await settle(s, `urn:test:star:${uid()}`);
    assert.deepEqual(seen, ['one', 'two', 'sentinel']);
    // ...the --dev ticker's topic included.
    await s.waitForEvent(isTicker, 3000, 'a ticker event on *');
  });

  it('order of events is kept per subscriber', async () => {
    const t = `urn:test:order:${uid()}`;
    const s = await sub({ topics: t });
    for (let i = 0; i < 100; i++) await publishOk(fx.hub.url, { topic: t, data: String(i) });
    const evs = await s.waitForEvents(100, 15000);
    assert.deepEqual(evs.map((e) => e.data), Array.from({ length: 100 }, (_, i) => String(i)));
  });

  it('many subscribers of one topic each get the event once', async () => {
    const t = `urn:test:fan:${uid()}`;
    const subs = [];
    for (let i = 0; i < 20; i++) subs.push(await sub({ topics: t }));
    await publishOk(fx.hub.url, { topic: t, id: `fan-${uid()}`, data: 'fan' });
    for (const s of subs) await s.waitForEvents(1);
    const sentinelTopic = t;
    await publishOk(fx.hub.url, { topic: sentinelTopic, data: 'end' });
    for (const s of subs) {
      await s.waitForEvents(2);
      assert.deepEqual(s.events.map((e) => e.data), ['fan', 'end']);
      s.close();
    }
  });

  it('a malformed URI template selector is a 400', async () => {
    const s = await subscribe(fx.hub.url, { topics: 'https://example.com/books/{id' });
    await s.waitForBody(3000);
    assert.equal(s.status, 400, `unbalanced "{" answered ${s.status}`);
    assert.match(s.headers['content-type'] ?? '', /^text\/plain/);
    s.close();
  });
});
