// Issue 11, the loss signal as a browser sees it: Chromium's native EventSource resuming
// from an id history no longer holds gets the named event `herald-reset` first (seen with
// addEventListener; JSON data with the reason and the oldest id held), then everything
// held through onmessage, then live. A page that does not listen for it loses nothing.
// EventSource cannot set Last-Event-ID on its first request: the hub takes the
// lastEventID query parameter too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gotoHub, hubAndBrowser, newPage, publish, WAIT_MS } from './helpers.mjs';

// History holds 3 events: publishing 5 evicts the first 2.
const env = hubAndBrowser(['--dev', '--no-ticker', '--history-size', '3']);

// Opens a page whose EventSource subscribes to `topic` from `lastEventID` and logs, in
// arrival order, every herald-reset event (when `listen`) and every untyped event.
async function resumingPage(topic, lastEventID, { listen }) {
  const page = await newPage(env.browser);
  await gotoHub(page, env.herald.origin, '/');
  await page.evaluate(({ topic, lastEventID, listen, waitMs }) => new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('EventSource did not open')), waitMs);
    const q = new URLSearchParams({ topic, lastEventID });
    const source = new EventSource(`/.well-known/mercure?${q}`);
    window.log = [];
    if (listen) {
      source.addEventListener('herald-reset', (event) => {
        window.log.push({ kind: 'reset', type: event.type, lastEventId: event.lastEventId, data: JSON.parse(event.data) });
      });
    }
    source.onmessage = (event) => window.log.push({ kind: 'message', id: event.lastEventId, data: event.data });
    source.onopen = resolve;
  }), { topic, lastEventID, listen, waitMs: WAIT_MS });
  return page;
}

// Waits until the page logged the message `id`; on a timeout says what it got.
async function waitForMessage(page, id) {
  try {
    await page.waitForFunction((want) => window.log.some((e) => e.kind === 'message' && e.id === want), id);
  } catch (error) {
    const log = await page.evaluate(() => JSON.stringify(window.log));
    throw new Error(`the page did not get ${id}; its log: ${log}`, { cause: error });
  }
}

test('addEventListener("herald-reset") sees the reset first, then the held events, then live', async () => {
  const topic = 'urn:herald:test:reset:listened';
  const ids = ['r1', 'r2', 'r3', 'r4', 'r5'].map((n) => `${topic}#${n}`);
  for (const id of ids) await publish(env.herald.url, { topic, id, data: `data ${id}` });
  const page = await resumingPage(topic, ids[0], { listen: true }); // r1: evicted
  await waitForMessage(page, ids[4]);
  await publish(env.herald.url, { topic, id: `${topic}#live`, data: 'live' });
  await waitForMessage(page, `${topic}#live`);
  const log = await page.evaluate(() => window.log);
  assert.deepEqual(log, [
    // No id line: the page's last event id is untouched by the reset.
    { kind: 'reset', type: 'herald-reset', lastEventId: '', data: { reason: 'last-event-id-not-held', oldest: ids[2] } },
    { kind: 'message', id: ids[2], data: `data ${ids[2]}` },
    { kind: 'message', id: ids[3], data: `data ${ids[3]}` },
    { kind: 'message', id: ids[4], data: `data ${ids[4]}` },
    { kind: 'message', id: `${topic}#live`, data: 'live' },
  ]);
  assert.deepEqual(page.errors, []);
});

test('a page that does not listen for it still gets every event', async () => {
  const topic = 'urn:herald:test:reset:unlistened';
  const ids = ['u1', 'u2', 'u3'].map((n) => `${topic}#${n}`);
  for (const id of ids) await publish(env.herald.url, { topic, id, data: `data ${id}` });
  // An id the hub never saw: a reset too, which this page ignores.
  const page = await resumingPage(topic, 'never-published', { listen: false });
  await waitForMessage(page, ids[2]);
  await publish(env.herald.url, { topic, id: `${topic}#live`, data: 'live' });
  await waitForMessage(page, `${topic}#live`);
  const log = await page.evaluate(() => window.log);
  assert.deepEqual(log, [...ids, `${topic}#live`].map((id) => ({ kind: 'message', id, data: id.endsWith('#live') ? 'live' : `data ${id}` })));
  assert.deepEqual(page.errors, []);
});

test('a held id: no reset, exactly what followed it', async () => {
  const topic = 'urn:herald:test:reset:held';
  const ids = ['h1', 'h2', 'h3'].map((n) => `${topic}#${n}`);
  for (const id of ids) await publish(env.herald.url, { topic, id, data: `data ${id}` });
  const page = await resumingPage(topic, ids[0], { listen: true });
  await waitForMessage(page, ids[2]);
  await publish(env.herald.url, { topic, id: `${topic}#live`, data: 'live' });
  await waitForMessage(page, `${topic}#live`);
  const log = await page.evaluate(() => window.log);
  assert.deepEqual(log.map((e) => e.kind === 'reset' ? 'reset' : e.id), [ids[1], ids[2], `${topic}#live`]);
  assert.deepEqual(page.errors, []);
});
