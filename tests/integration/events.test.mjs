// HUB-CONTRACT "Endpoints": how a published event goes out on the stream
// (`id: ID\nevent: TYPE\nretry: MS\ndata: LINE\n...\n\n`), the publish answer, ids.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { hubForBlock } from '../lib/herald.mjs';
import { subscribeOk, publish, publishOk } from '../lib/sse_reader.mjs';

const newTopic = () => `urn:test:events:${randomUUID()}`;
const UUID_V4 = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('event format on the wire', () => {
  const fx = hubForBlock(['--dev'], subscribeOk);
  const sub = fx.sub;

  it('publish answers 200 text/plain with the given id, and the stream carries it', async () => {
    const t = newTopic();
    const s = await sub({ topics: t });
    const r = await publish(fx.hub.url, { topic: t, id: 'given-id-1', data: 'hello' });
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'] ?? '', /^text\/plain/);
    assert.equal(r.body, 'given-id-1', 'body = the event id, nothing else');
    const [ev] = await s.waitForEvents(1);
    assert.equal(ev.id, 'given-id-1');
    assert.equal(ev.data, 'hello');
    assert.equal(ev.type, 'message');
  });

  it('exact bytes: id then data, no event/retry lines when not given', async () => {
    const t = newTopic();
    const s = await sub({ topics: t });
    await publishOk(fx.hub.url, { topic: t, id: 'plain-1', data: 'x y' });
    await s.waitForEvents(1);
    assert.equal(s.text.replace(/^(:[^\n]*\n)+/, ''), 'id: plain-1\ndata: x y\n\n');
  });

  it('exact bytes with every field: id, event, retry, data in that order', async () => {
    const t = newTopic();
    const s = await sub({ topics: t });
    await publishOk(fx.hub.url, { topic: t, id: 'full-1', type: 'greet', retry: '5000', data: 'hi' });
    await s.waitForEvents(1);
    assert.equal(s.text.replace(/^(:[^\n]*\n)+/, ''), 'id: full-1\nevent: greet\nretry: 5000\ndata: hi\n\n');
    const [ev] = s.events;
    assert.deepEqual(ev, { id: 'full-1', type: 'greet', retry: 5000, data: 'hi' });
  });

  for (const [name, sep] of [['LF', '\n'], ['CRLF', '\r\n'], ['CR', '\r']]) {
    it(`multi-line data split at ${name} becomes several data: lines`, async () => {
      const t = newTopic();
      const s = await sub({ topics: t });
      const data = ['first', 'second', '', 'fourth'].join(sep);
      await publishOk(fx.hub.url, { topic: t, id: `ml-${name}`, data });
      const [ev] = await s.waitForEvents(1);
      assert.equal(ev.data, 'first\nsecond\n\nfourth', 'comes back intact, LF-joined');
      const body = s.text;
      assert.ok(body.includes('data: first\ndata: second\ndata: \ndata: fourth\n\n') ||
        body.includes('data: first\ndata: second\ndata:\ndata: fourth\n\n'), `wire: ${JSON.stringify(body)}`);
      assert.ok(!body.includes('\r'), 'no CR on the wire');
    });
  }

  it('mixed line ends and a trailing newline round-trip', async () => {
    const t = newTopic();
    const s = await sub({ topics: t });
    await publishOk(fx.hub.url, { topic: t, data: 'a\r\nb\rc\nd\n' });
    const [ev] = await s.waitForEvents(1);
    assert.equal(ev.data, 'a\nb\nc\nd\n');
  });

  it('leading spaces, colons and UTF-8 in data survive', async () => {
    const t = newTopic();
    const s = await sub({ topics: t });
    const data = '  two spaces: and a colon\u00e9\u4e2d\u{1F600}';
    await publishOk(fx.hub.url, { topic: t, data });
    const [ev] = await s.waitForEvents(1);
    assert.equal(ev.data, data);
  });

  it('JSON data with "+" and "&" decoded from the form correctly', async () => {
    const t = newTopic();
    const s = await sub({ topics: t });
    const data = JSON.stringify({ q: 'a+b & c=d', pct: '100%' });
    await publishOk(fx.hub.url, { topic: t, data });
    const [ev] = await s.waitForEvents(1);
    assert.equal(ev.data, data);
  });

  it('named events: type becomes the event: field', async () => {
    const t = newTopic();
    const s = await sub({ topics: t });
    await publishOk(fx.hub.url, { topic: t, type: 'price', data: '1' });
    await publishOk(fx.hub.url, { topic: t, data: '2' });
    const evs = await s.waitForEvents(2);
    assert.deepEqual(evs.map((e) => [e.type, e.data]), [['price', '1'], ['message', '2']]);
    assert.match(s.text, /\nevent: price\n/);
  });

  it('retry field is sent as given', async () => {
    const t = newTopic();
    const s = await sub({ topics: t });
    await publishOk(fx.hub.url, { topic: t, retry: '0', data: 'r0' });
    await publishOk(fx.hub.url, { topic: t, retry: '123456', data: 'r1' });
    const evs = await s.waitForEvents(2);
    assert.deepEqual(evs.map((e) => e.retry), [0, 123456]);
  });

  it('generated ids are unique urn:uuid v4 and match the publish answer', async () => {
    const t = newTopic();
    const s = await sub({ topics: t });
    const ids = [];
    for (let i = 0; i < 50; i++) ids.push(await publishOk(fx.hub.url, { topic: t, data: String(i) }));
    for (const id of ids) assert.match(id, UUID_V4);
    assert.equal(new Set(ids).size, ids.length, 'unique');
    const evs = await s.waitForEvents(50, 10000);
    assert.deepEqual(evs.map((e) => e.id), ids, 'stream ids = publish answers, in order');
    assert.deepEqual(evs.map((e) => e.data), ids.map((_, i) => String(i)));
  });

  it('an event with no data field still reaches the subscriber', async () => {
    // Mercure publishers may omit data; the fx.hub must still send an event block that a
    // client dispatches (a `data:` line), or at least its id. We check the id arrives.
    const t = newTopic();
    const s = await sub({ topics: t });
    await publishOk(fx.hub.url, { topic: t, id: 'no-data-1' });
    await publishOk(fx.hub.url, { topic: t, id: 'sentinel-1', data: 's' });
    await s.waitForEvent((e) => e.id === 'sentinel-1');
    assert.match(s.text, /id: no-data-1\n/);
  });

  it('large data (256 KiB) arrives intact', async () => {
    const t = newTopic();
    const s = await sub({ topics: t });
    const data = 'x'.repeat(256 * 1024);
    await publishOk(fx.hub.url, { topic: t, data });
    const [ev] = await s.waitForEvents(1, 10000);
    assert.equal(ev.data.length, data.length);
    assert.equal(ev.data, data);
  });
});
