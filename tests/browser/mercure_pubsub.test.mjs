// The Mercure protocol from a browser, written from the spec: a backend publishes with a
// Bearer token; Chromium's EventSource subscribes with the mercureAuthorization cookie or
// the authorization query parameter, on raw string topics, several topics, several
// selectors, URIs and URI templates. Non-matching and unauthorized private updates never
// arrive; the publish answer is 200 text/plain with the id, and a given id is kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEV_KEY, mercureToken } from '../lib/jwt.mjs';
import { gotoHub, launchBrowser, newPage, startHub, WAIT_MS } from './helpers.mjs';

const PUBLISHER = mercureToken({ publish: ['*'] });

let herald;
let browser;

before(async () => {
  // Not --anonymous: a browser without a token is refused.
  herald = await startHub(['--jwt-key', DEV_KEY, '--no-ticker']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await herald?.stop();
});

// Publishes with a Bearer token, as a backend does; checks the answer and returns the id.
async function publish(fields) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of [value].flat()) body.append(name, String(v));
  }
  const response = await fetch(`${herald.url}/.well-known/mercure`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${PUBLISHER}` },
    body,
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `publish answered ${response.status}: ${text}`);
  assert.match(response.headers.get('content-type'), /^text\/plain/);
  if (fields.id !== undefined) assert.equal(text, fields.id, 'a given id is kept');
  return text;
}

// A page of the hub's origin whose EventSource subscribes to `topics` (selectors), with
// `query` pairs added to the URL. Resolves once open; events land in window.received.
async function subscribedPage({ topics, token, via = 'cookie' }) {
  const page = await newPage(browser);
  if (token && via === 'cookie') {
    // As an application would set it: HttpOnly, SameSite=Strict, scoped to the hub.
    await page.context().addCookies([{ name: 'mercureAuthorization', value: token,
      url: `${herald.origin}/.well-known/mercure`, httpOnly: true, sameSite: 'Strict' }]);
  }
  await gotoHub(page, herald.origin, '/');
  const query = new URLSearchParams();
  for (const t of topics) query.append('topic', t);
  if (token && via === 'query') query.append('authorization', token);
  await page.evaluate(({ url, waitMs }) => new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('EventSource did not open')), waitMs);
    const source = new EventSource(url);
    window.received = [];
    source.onmessage = (e) => window.received.push({ id: e.lastEventId, data: e.data });
    source.onopen = resolve;
    source.onerror = () => { if (source.readyState === EventSource.CLOSED) reject(new Error('EventSource refused')); };
  }), { url: `/.well-known/mercure?${query}`, waitMs: WAIT_MS });
  return page;
}

// Publishes `unwanted` updates, then a sentinel the page wants; once the sentinel is in,
// anything unwanted would have arrived before it (one history order for all).
async function expectDelivery(page, { wanted, unwanted, sentinelTopic }) {
  const unwantedIds = [];
  for (const u of unwanted) unwantedIds.push(await publish(u));
  const wantedIds = [];
  for (const w of wanted) wantedIds.push(await publish(w));
  const sentinel = await publish({ topic: sentinelTopic, data: 'sentinel' });
  await page.waitForFunction((id) => window.received.some((e) => e.id === id), sentinel);
  const got = (await page.evaluate(() => window.received)).map((e) => e.id);
  const received = await page.evaluate(() => window.received);
  assert.deepEqual(got, [...wantedIds, sentinel], `received ${JSON.stringify(received)}`);
  assert.deepEqual(page.errors, []);
}

for (const via of ['cookie', 'query']) {
  test(`${via}: raw string topics, several topics, exact and template selectors`, { timeout: 60000 }, async () => {
    const tag = `${via}-${Date.now()}`;
    const raw = `a raw string topic ${tag}`;
    const page = await subscribedPage({
      via,
      token: mercureToken({ subscribe: [] }),
      topics: [raw, `https://example.com/books/1-${tag}`, `https://example.com/users/{id}/${tag}`],
    });
    await expectDelivery(page, {
      wanted: [
        { topic: raw, id: `raw-${tag}`, data: 'raw' },
        { topic: `https://example.com/books/1-${tag}`, data: 'exact URI' },
        { topic: `https://example.com/users/42/${tag}`, data: 'template' },
        // Several topics, one of them subscribed: delivered once.
        { topic: [`https://example.com/books/2-${tag}`, `https://example.com/users/7/${tag}`], data: 'two topics' },
      ],
      unwanted: [
        { topic: `${raw} and more`, data: 'no' },
        { topic: `https://example.com/books/2-${tag}`, data: 'no' },
        { topic: `https://example.com/users/42/extra/${tag}`, data: 'no' },
        { topic: `https://example.com/users/42/${tag}`, private: 'on', data: 'private, not authorized' },
      ],
      sentinelTopic: raw,
    });
  });

  test(`${via}: private updates arrive for the subscribe claim's selectors only`, { timeout: 60000 }, async () => {
    const tag = `${via}-p-${Date.now()}`;
    const page = await subscribedPage({
      via,
      token: mercureToken({ subscribe: [`https://example.com/inbox/{user}/${tag}`, `urn:exact:${tag}`] }),
      topics: ['*'],
    });
    await expectDelivery(page, {
      wanted: [
        { topic: `https://example.com/inbox/alice/${tag}`, private: 'on', data: 'for alice' },
        { topic: `urn:exact:${tag}`, private: 'on', id: `exact-${tag}`, data: 'exact' },
        { topic: [`urn:other:${tag}`, `urn:exact:${tag}`], private: 'on', data: 'one topic authorized' },
      ],
      unwanted: [
        { topic: `https://example.com/inbox/alice/more/${tag}`, private: 'on', data: 'no' },
        { topic: `urn:other:${tag}`, private: 'on', data: 'no' },
      ],
      sentinelTopic: `urn:sentinel:${tag}`,
    });
  });
}

test('without a token the browser is refused', { timeout: 60000 }, async () => {
  const page = await newPage(browser);
  await gotoHub(page, herald.origin, '/');
  const state = await page.evaluate((waitMs) => new Promise((resolve) => {
    setTimeout(() => resolve('timeout'), waitMs);
    const source = new EventSource('/.well-known/mercure?topic=urn%3Aany');
    source.onopen = () => resolve('open');
    source.onerror = () => { if (source.readyState === EventSource.CLOSED) resolve('closed'); };
  }), WAIT_MS);
  assert.equal(state, 'closed', 'a 401 ends the EventSource');
});
