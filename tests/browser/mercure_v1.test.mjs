// Mercure 1.0 (../shared/reference/mercure-draft.md, "Subscription", "Reconciliation") from
// Chromium's native EventSource, beside 0.x on one hub: a page builds its URL with
// url.searchParams.append('match' | 'match_urlpattern', ...) exactly as the draft's example
// does and gets what 1.0 selects (match exact byte for byte, URL patterns absolute and
// relative to the hub URL); a second page subscribing with 0.x topic= selectors gets what
// URI templates select; a page with last_event_id= in its URL gets what followed that id.
// Negative checks use a sentinel that every page wants: once it is in, anything unwanted
// published before it would have arrived too (one history order for all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gotoHub, hubAndBrowser, newPage, publish, WAIT_MS } from './helpers.mjs';

// Relative topics and patterns resolve against the hub URL, --resource, whichever listener
// a page came from. (Its default, http://LISTEN/.well-known/mercure, takes --listen as
// written: port 0 in tests.)
const env = hubAndBrowser(['--dev', '--no-ticker', '--resource', 'https://hub.example.com/.well-known/mercure']);

// A page of the hub's origin whose EventSource subscribes with `params`, [name, value]
// pairs appended to the hub URL's searchParams. Resolves once open; untyped events land in
// window.received as { id, data }.
async function subscribedPage(params) {
  const page = await newPage(env.browser);
  await gotoHub(page, env.herald.origin, '/');
  await page.evaluate(({ params, waitMs }) => new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('EventSource did not open')), waitMs);
    const url = new URL('/.well-known/mercure', location.href);
    for (const [name, value] of params) url.searchParams.append(name, value);
    const eventSource = new EventSource(url);
    window.received = [];
    eventSource.onmessage = ({ lastEventId, data }) => window.received.push({ id: lastEventId, data });
    eventSource.onopen = resolve;
    eventSource.onerror = () => {
      if (eventSource.readyState === EventSource.CLOSED) reject(new Error('EventSource refused'));
    };
  }), { params, waitMs: WAIT_MS });
  return page;
}

// Waits until `page` received the event `id`, then returns the data of all it received.
async function receivedUntil(page, id) {
  try {
    await page.waitForFunction((want) => window.received.some((e) => e.id === want), id);
  } catch (error) {
    const got = await page.evaluate(() => JSON.stringify(window.received));
    throw new Error(`the page did not get ${id}; it got ${got}`, { cause: error });
  }
  return (await page.evaluate(() => window.received)).map((e) => e.data);
}

test('match and match_urlpattern select by 1.0 rules, topic= by 0.x rules, on one hub', async () => {
  const template = 'https://example.com/books/{id}';
  const v1 = await subscribedPage([
    ['match', template],
    ['match', 'https://example.com/foo'],
    ['match_urlpattern', 'https://example.com/bar/:id'],
    ['match_urlpattern', '/rel/:id'],
  ]);
  const v0 = await subscribedPage([['topic', template], ['topic', 'https://example.com/bar']]);
  for (const [topic, data] of [
    [template, 'the template, literally'],
    ['https://example.com/books/1', 'a book'],
    ['https://example.com/foo', 'foo'],
    ['https://example.com/bar/7', 'bar 7'],
    ['https://example.com/bar/7/x', 'too deep'],
    ['/rel/a', 'relative topic'],
    ['https://hub.example.com/rel/b', 'absolute on the hub'],
    ['https://elsewhere.example.com/rel/c', 'other host'],
    ['https://example.com/books/1/x', 'no one'],
  ]) {
    await publish(env.herald.url, { topic, data });
  }
  const sentinel = await publish(env.herald.url, { topic: template, data: 'sentinel' });
  assert.deepEqual(await receivedUntil(v1, sentinel),
    ['the template, literally', 'foo', 'bar 7', 'relative topic', 'absolute on the hub', 'sentinel']);
  assert.deepEqual(await receivedUntil(v0, sentinel), ['the template, literally', 'a book', 'sentinel']);
  assert.deepEqual(v1.errors, []);
  assert.deepEqual(v0.errors, []);
});

test('match with last_event_id in the URL gets what followed that id, then live', async () => {
  const topic = 'https://example.com/resume';
  const ids = [];
  for (const data of ['one', 'two', 'three']) ids.push(await publish(env.herald.url, { topic, data }));
  const page = await subscribedPage([['match', topic], ['last_event_id', ids[0]]]);
  assert.deepEqual(await receivedUntil(page, ids[2]), ['two', 'three']);
  const live = await publish(env.herald.url, { topic, data: 'live' });
  assert.deepEqual(await receivedUntil(page, live), ['two', 'three', 'live']);
  const got = await page.evaluate(() => window.received.map((e) => e.id));
  assert.deepEqual(got, [ids[1], ids[2], live], 'each with its id');
  assert.deepEqual(page.errors, []);
});
