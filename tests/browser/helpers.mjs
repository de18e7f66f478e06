// Shared by the browser tests: Debian's Chromium driven by playwright-core, and a
// publisher that talks to the hub straight from Node.
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { startHerald } from '../lib/herald.mjs';

// Every Playwright wait in these tests gives up after this long.
export const WAIT_MS = 10000;

// Headless Chromium as root in a container, with nothing phoning home: no sandbox, no GPU,
// no QUIC (HTTP/1.1 and HTTP/2 over TCP only), no background or update traffic. `extraArgs`:
// more command-line flags (e.g. --ignore-certificate-errors for a self-signed hub).
export function launchBrowser(extraArgs = []) {
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
// `env.herald` and `env.browser` once the file's before() hook has run.
export function hubAndBrowser(args = ['--dev']) {
  const env = {};
  before(async () => {
    env.herald = await startHerald(args);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.herald?.stop();
  });
  return env;
}
