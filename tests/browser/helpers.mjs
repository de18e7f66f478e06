// Shared by the browser tests: Debian's Chromium driven by playwright-core, and a
// publisher that talks to the hub straight from Node.
//
// Each test file runs twice (see CMakeLists.txt): over plain http (HTTP/1.1), and with
// HERALD_BROWSER_PROTOCOL=h2 over https, where Chromium speaks HTTP/2 (ALPN h2) to the
// hub's TLS listener. startHub() and pageOrigin() hide which: pages load from
// `hub.origin`, Node keeps publishing to `hub.url` (plain http).
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { startHerald } from '../lib/herald.mjs';
import { startTcpProxy } from '../lib/tcp_proxy.mjs';
import { makeCert, tlsArgs, httpsUrlOf } from '../lib/tls_cert.mjs';

// What Chromium speaks to the hub in this run: 'h2' or 'http/1.1'.
export const PROTOCOL = process.env.HERALD_BROWSER_PROTOCOL === 'h2' ? 'h2' : 'http/1.1';
export const OVER_H2 = PROTOCOL === 'h2';

// `herald serve ARGS` for a browser test; over h2 with a TLS listener too (a throwaway
// certificate). Returns startHerald()'s hub plus `origin`, where pages load from: the
// https URL over h2, the http one otherwise.
export async function startHub(args) {
  if (!OVER_H2) {
    const hub = await startHerald(args);
    hub.origin = hub.url;
    return hub;
  }
  const cert = makeCert();
  let hub;
  try {
    hub = await startHerald([...args, ...tlsArgs(cert)]);
  } catch (e) {
    cert.remove();
    throw e;
  }
  hub.origin = httpsUrlOf(hub);
  const stop = hub.stop;
  hub.stop = async (...a) => {
    try { return await stop(...a); } finally { cert.remove(); }
  };
  return hub;
}

// Opens `path` of `origin` and checks that the page came over the protocol of this run
// (so an h2 run that fell back to HTTP/1.1 fails instead of passing quietly).
export async function gotoHub(page, origin, path = '/') {
  await page.goto(`${origin}${path}`);
  const protocol = await page.evaluate(() => performance.getEntriesByType('navigation')[0].nextHopProtocol);
  assert.equal(protocol, PROTOCOL, `${origin}${path} came over ${protocol}, not ${PROTOCOL}`);
}

// Every Playwright wait in these tests gives up after this long.
export const WAIT_MS = 10000;

// Headless Chromium as root in a container, with nothing phoning home: no sandbox, no GPU,
// no QUIC (HTTP/1.1 and HTTP/2 over TCP only), no background or update traffic. `extraArgs`:
// more command-line flags (e.g. --ignore-certificate-errors for a self-signed hub).
// Over h2 the hub's certificate is a throwaway one: Chromium is told to accept it.
export function launchBrowser(extraArgs = []) {
  if (OVER_H2 && !extraArgs.includes('--ignore-certificate-errors')) {
    extraArgs = [...extraArgs, '--ignore-certificate-errors'];
  }
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    timeout: 30000,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...extraArgs,
    ],
  });
}

// A fresh page with bounded waits. Uncaught page exceptions land in `page.errors`, which
// tests check at the end: a demo that throws is broken even if the assertions pass.
export async function newPage(browser) {
  const context = await browser.newContext();
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  return page;
}

// Publishes one event to the hub (form fields as in the Mercure protocol; `topic` may be
// an array) and returns the event id from the 200 response.
export async function publish(hubUrl, fields) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of [value].flat()) body.append(name, String(v));
  }
  const response = await fetch(`${hubUrl}/.well-known/mercure`, {
    method: 'POST',
    body,
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`publish answered ${response.status}: ${text}`);
  return text;
}

// One hub and one browser for a whole test file, stopped after it. Tests read them as
// `env.herald` and `env.browser` once the file's before() hook has run, and open pages
// at `env.herald.origin` (see startHub).
export function hubAndBrowser(args = ['--dev']) {
  const env = {};
  before(async () => {
    env.herald = await startHub(args);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.herald?.stop();
  });
  return env;
}

// Opens a page from `origin` whose EventSource on `topic` records every untyped event
// (window.received: { id, data }), every herald-reset (window.resets) and, at each error,
// the last event id it had (window.idsAtError: EventSource keeps its last event id to
// itself, the last event received tells it). Resolves once the stream is open.
export async function recordingPage(browser, origin, topic) {
  const page = await newPage(browser);
  await gotoHub(page, origin, '/');
  await page.evaluate(({ topic, waitMs }) => new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('EventSource did not open')), waitMs);
    const source = new EventSource(`/.well-known/mercure?topic=${encodeURIComponent(topic)}`);
    window.received = [];
    window.idsAtError = [];
    window.resets = [];
    source.addEventListener('herald-reset', (event) => window.resets.push(event.data));
    source.onmessage = (event) => window.received.push({ id: event.lastEventId, data: event.data });
    source.onerror = () => window.idsAtError.push(window.received.at(-1)?.id);
    source.onopen = resolve;
  }), { topic, waitMs: WAIT_MS });
  return page;
}

// A loopback TCP proxy in front of `hub` (a startHub result), as a load balancer or a
// network the test can cut: `proxy.origin` is the pages' origin through it (https at the
// proxy's port over h2: the proxy passes TLS through to the hub's TLS listener).
export async function proxyFor(hub) {
  const proxy = await startTcpProxy({ targetPort: Number(new URL(hub.origin).port) });
  proxy.origin = OVER_H2 ? proxy.url.replace(/^http:/, 'https:') : proxy.url;
  return proxy;
}
