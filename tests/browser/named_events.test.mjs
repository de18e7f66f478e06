// Named events (`type` when publishing) reach addEventListener(type) in the browser and
// only there; untyped events reach onmessage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gotoHub, hubAndBrowser, newPage, publish, WAIT_MS } from './helpers.mjs';

const env = hubAndBrowser(['--dev']);

test('a typed event goes to its listener, not to onmessage', { timeout: 60000 }, async () => {
  // A topic that needs percent-encoding in the query, as Mercure topic URLs do.
  const topic = 'https://example.com/books/1?lang=fr';
  const page = await newPage(env.browser);
  await gotoHub(page, env.herald.origin, '/');
  await page.evaluate(({ topic, waitMs }) => new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('EventSource did not open')), waitMs);
    const source = new EventSource(`/.well-known/mercure?topic=${encodeURIComponent(topic)}`);
    const record = (list) => (event) =>
      list.push({ type: event.type, id: event.lastEventId, data: event.data });
    window.received = { foo: [], message: [] };
    source.addEventListener('foo', record(window.received.foo));
    source.onmessage = record(window.received.message);
    source.onopen = resolve;
  }), { topic, waitMs: WAIT_MS });

  await publish(env.herald.url, { topic: 'urn:herald:test:elsewhere', type: 'foo', data: 'not for this page' });
  await publish(env.herald.url, { topic, type: 'foo', id: 'foo-1', data: 'first line\nsecond line, é ✓' });
  await publish(env.herald.url, { topic, id: 'plain-1', data: 'plain' });
  // The untyped event was published last: once it is in, the others have been dispatched.
  await page.waitForFunction(() => window.received.message.length >= 1);

  const received = await page.evaluate(() => window.received);
  assert.deepEqual(received.foo, [{ type: 'foo', id: 'foo-1', data: 'first line\nsecond line, é ✓' }]);
  assert.deepEqual(received.message, [{ type: 'message', id: 'plain-1', data: 'plain' }]);
  assert.deepEqual(page.errors, []);
});
