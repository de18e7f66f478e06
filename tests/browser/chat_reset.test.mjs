// The chat demo when history moved past it: a page whose connection dropped while more
// messages came than the hub keeps per topic reconnects with a Last-Event-ID history no
// longer holds. The hub says so (herald-reset) and the page starts the room over from what
// is held, instead of showing a conversation with a hole in it.
// Chromium reaches the hub through a TCP proxy that holds its reconnect while we publish.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gotoHub, launchBrowser, newPage, proxyFor, publish, startHub, WAIT_MS } from './helpers.mjs';

const TOPIC = 'urn:herald:demo:chat';
const KEPT = 5;

let herald;
let proxy;
let browser;

before(async () => {
  herald = await startHub(['--dev', '--no-ticker', '--history-per-topic', String(KEPT)]);
  proxy = await proxyFor(herald);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await herald?.stop();
});

const say = (text, retry) => publish(herald.url, {
  topic: TOPIC, type: 'message', data: JSON.stringify({ user: 'carol', text }), ...(retry ? { retry } : {}),
});
const room = (page) => page.$$eval('[data-testid="chat-messages"] li[data-kind]', (items) =>
  items.map((li) => (li.dataset.kind === 'message' ? li.querySelector('.text').textContent : li.dataset.kind)));

test('a page that missed more than history holds starts the room over from what is held', { timeout: 60000 }, async () => {
  const page = await newPage(browser);
  await gotoHub(page, proxy.origin, '/chat.html');
  await page.waitForSelector('[data-testid="status"][data-state="open"]', { timeout: WAIT_MS });
  // The first message asks the browser to come back quickly after a drop.
  for (const text of ['old 1', 'old 2', 'old 3']) await say(text, text === 'old 1' ? 300 : undefined);
  await page.waitForFunction(() => document.querySelectorAll('li[data-kind="message"]').length === 3,
    null, { timeout: WAIT_MS });

  // The network drops and the reconnect waits at the proxy while ten more are said: the
  // hub keeps only the newest five, so the page's last id is gone by the time it is back.
  proxy.pause();
  proxy.dropAll();
  const newer = Array.from({ length: 10 }, (_, i) => `new ${i + 1}`);
  for (const text of newer) await say(text);
  proxy.resume();

  await page.waitForFunction((n) => document.querySelectorAll('li[data-kind="message"]').length === n
    && document.querySelector('li[data-kind="reset"]'), KEPT, { timeout: WAIT_MS });
  assert.deepEqual(await room(page), ['reset', ...newer.slice(-KEPT)],
    'the notice, then exactly what the hub holds: no old message, no hole');
  assert.deepEqual(page.errors, []);
});
