// Mercure 1.0 authorization from a browser, written from the draft ("Cookie",
// "Subscribers"): Chromium's native EventSource presents an RFC 9068 access token in the
// `__Secure-mercure_access_token` cookie (HttpOnly, Secure, SameSite=Strict, as an
// application sets it), subscribes with `match_urlpattern`, and receives a private update
// only when its token's `subscribe` grant matches one of the update's topics: an alternate
// topic is enough, the routing matcher never is. Tokens come from `herald token --v1`
// (EdDSA, an issuer bound to its key with --jwt-issuer). A `__Secure-` cookie needs https:
// the h2 run (pages over https) uses the default name; the plain-http run configures
// another name with --access-cookie-name, as the draft allows, without Secure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { runHerald } from '../lib/herald.mjs';
import { gotoHub, launchBrowser, newPage, OVER_H2, startHub, WAIT_MS } from './helpers.mjs';

const ISSUER = 'https://issuer.example.com';
const RESOURCE = 'https://hub.example.com/.well-known/mercure';
const COOKIE = OVER_H2 ? '__Secure-mercure_access_token' : 'mercure_access_token';

let dir;
let herald;
let browser;
let publisher;

async function mint(args) {
  const r = await runHerald(['token', '--v1', '--alg', 'EdDSA', '--key', `@${path.join(dir, 'issuer.pem')}`,
    '--issuer', ISSUER, '--audience', RESOURCE, ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-v1-cookie-'));
  execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', path.join(dir, 'issuer.pem')]);
  execFileSync('openssl', ['pkey', '-in', path.join(dir, 'issuer.pem'), '-pubout', '-out', path.join(dir, 'issuer.pub.pem')]);
  herald = await startHub(['--no-ticker', '--anonymous', '--resource', RESOURCE,
    '--jwt-issuer', `${ISSUER} EdDSA @${path.join(dir, 'issuer.pub.pem')}`,
    ...(OVER_H2 ? [] : ['--access-cookie-name', COOKIE])]);
  browser = await launchBrowser();
  publisher = await mint(['--publish', '*']);
});

after(async () => {
  await browser?.close();
  await herald?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function publish(fields) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of [value].flat()) body.append(name, String(v));
  }
  const response = await fetch(`${herald.url}/.well-known/mercure`, {
    method: 'POST', headers: { Authorization: `Bearer ${publisher}` }, body, signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `publish answered ${response.status}: ${text}`);
  return text;
}

// A page of the hub's origin with the access token in the cookie, whose EventSource
// subscribes as the draft's example does (URLSearchParams on the hub URL).
async function subscribedPage(token, matchers) {
  const page = await newPage(browser);
  if (token) {
    await page.context().addCookies([{ name: COOKIE, value: token, url: `${herald.origin}/.well-known/mercure`,
      secure: OVER_H2, httpOnly: true, sameSite: 'Strict' }]);
  }
  await gotoHub(page, herald.origin, '/');
  await page.evaluate(({ matchers, waitMs }) => new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('EventSource did not open')), waitMs);
    const url = new URL('/.well-known/mercure', location.href);
    for (const [name, value] of matchers) url.searchParams.append(name, value);
    const source = new EventSource(url);
    window.received = [];
    source.onmessage = (e) => window.received.push({ id: e.lastEventId, data: e.data });
    source.onopen = resolve;
    source.onerror = () => { if (source.readyState === EventSource.CLOSED) reject(new Error('EventSource refused')); };
  }), { matchers, waitMs: WAIT_MS });
  return page;
}

async function receivedUntil(page, sentinel) {
  await page.waitForFunction((id) => window.received.some((e) => e.id === id), sentinel);
  return (await page.evaluate(() => window.received)).map((e) => e.data);
}

test('the 1.0 cookie brings private updates its grant matches, an alternate topic included', { timeout: 60000 }, async () => {
  const tag = Date.now();
  const alice = await mint(['--subject', 'alice', '--subscribe-urlpattern', `https://example.com/users/alice/:rest*`]);
  const page = await subscribedPage(alice, [['match_urlpattern', `https://example.com/books${tag}/:id`]]);
  const anonymous = await subscribedPage(null, [['match_urlpattern', `https://example.com/books${tag}/:id`]]);

  await publish({ topic: `https://example.com/books${tag}/2`, private: 'on', data: 'private, not granted' });
  await publish({ topic: [`https://example.com/books${tag}/1`, `https://example.com/users/alice/books/1`],
    private: 'on', data: 'private, granted by the alternate topic' });
  await publish({ topic: `https://example.com/users/alice/inbox`, private: 'on', data: 'granted but not routed' });
  const sentinel = await publish({ topic: `https://example.com/books${tag}/3`, data: 'public' });

  assert.deepEqual(await receivedUntil(page, sentinel), ['private, granted by the alternate topic', 'public']);
  assert.deepEqual(await receivedUntil(anonymous, sentinel), ['public'], 'no token, no private update');
  assert.deepEqual(page.errors, []);
});

test('a page with a 0.x selector on the same hub, anonymous, still gets public updates', { timeout: 60000 }, async () => {
  const tag = Date.now();
  const page = await subscribedPage(null, [['topic', `https://example.com/legacy${tag}/{id}`]]);
  const sentinel = await publish({ topic: `https://example.com/legacy${tag}/9`, data: 'legacy' });
  assert.deepEqual(await receivedUntil(page, sentinel), ['legacy']);
});
