// A page on the hub's https origin opens 10 EventSources to 10 topics and every one gets
// its event. Over HTTP/1.1 a browser holds at most 6 connections per host, so the 7th
// stream would never open; over HTTP/2 (ALPN h2) they share one connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHerald } from '../lib/herald.mjs';
import { launchBrowser, newPage, publish, WAIT_MS } from './helpers.mjs';

const env = {};
before(async () => {
  env.herald = await startHerald(['--dev', '--no-ticker', '--tls-self-signed', '--tls-listen', '127.0.0.1:0']);
  const m = env.herald.out().match(/listening on (https:\/\/[^\s]+)/);
  assert.ok(m, `no https listener printed:\n${env.herald.out()}`);
  env.https = m[1];
  // The hub's certificate is its own throwaway one (--tls-self-signed).
  env.browser = await launchBrowser(['--ignore-certificate-errors']);
});
after(async () => {
  await env.browser?.close();
  await env.herald?.stop();
});

test('10 EventSources on one https origin all receive their event over h2', { timeout: 90000 }, async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.https}/`);
  const topics = Array.from({ length: 10 }, (_, i) => `urn:herald:test:h2:${i}`);
  await page.evaluate(({ topics, waitMs }) => new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('not every EventSource opened')), waitMs);
    window.received = topics.map(() => []);
    window.sources = [];
    let open = 0;
    topics.forEach((topic, i) => {
      const source = new EventSource(`/.well-known/mercure?topic=${encodeURIComponent(topic)}`);
      source.onmessage = (event) => window.received[i].push(event.data);
      source.onopen = () => { if (++open === topics.length) resolve(); };
      window.sources.push(source);
    });
  }), { topics, waitMs: WAIT_MS });

  for (const [i, topic] of topics.entries()) await publish(env.herald.url, { topic, data: `event ${i}` });
  await page.waitForFunction((n) => window.received.every((list) => list.length >= 1), topics.length);
  const received = await page.evaluate(() => window.received);
  assert.deepEqual(received, topics.map((_, i) => [`event ${i}`]));

  // The page and a request made beside the streams went over HTTP/2. (A stream's own
  // timing entry appears only once its response ends.)
  const protocols = await page.evaluate(async () => {
    window.sources.forEach((source) => source.close());
    await fetch('/healthz');
    const navigation = performance.getEntriesByType('navigation')[0].nextHopProtocol;
    const resources = performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/healthz') || e.name.includes('/.well-known/mercure'))
      .map((e) => e.nextHopProtocol);
    return { navigation, resources };
  });
  assert.equal(protocols.navigation, 'h2');
  assert.ok(protocols.resources.length >= 1);
  for (const p of protocols.resources) assert.equal(p, 'h2');
  assert.deepEqual(page.errors, []);
});
