// The clock demo against the real hub: /demo/clock reaches the page and the page can close it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gotoHub, hubAndBrowser, newPage } from './helpers.mjs';

const env = hubAndBrowser(['--dev']);

const lines = (page, kind) =>
  page.locator(`[data-testid="clock-log"] li[data-kind="${kind}"]`).allTextContents();

test('clock page shows the start time and a ping every second', { timeout: 60000 }, async () => {
  const page = await newPage(env.browser);
  await gotoHub(page, env.herald.origin, '/clock.html');

  await page.waitForSelector('[data-testid="status"][data-state="open"]');
  assert.deepEqual(await lines(page, 'open'), ['Connection open']);

  await page.waitForFunction(() =>
    document.querySelectorAll('[data-testid="clock-log"] li[data-kind="ping"]').length >= 2);
  const startTime = await page.getByTestId('start-time').textContent();
  assert.notEqual(startTime, '-');
  assert.deepEqual(await lines(page, 'start'), [`Start time: ${startTime}`]);

  const pings = await lines(page, 'ping');
  for (const ping of pings) assert.match(ping, /^Ping: \S/);
  assert.equal(new Set(pings).size, pings.length, 'every ping carries a new time');
  assert.deepEqual(page.errors, []);
});

test('the close button ends the stream', { timeout: 60000 }, async () => {
  const page = await newPage(env.browser);
  await gotoHub(page, env.herald.origin, '/clock.html');
  await page.waitForSelector('[data-testid="clock-log"] li[data-kind="ping"]');

  await page.getByTestId('close-stream').click();
  await page.waitForSelector('[data-testid="status"][data-state="closed"]');
  const closedLog = await page.getByTestId('clock-log').locator('li').allTextContents();
  assert.equal(closedLog.at(-1), 'Connection closed');

  // The server pings every second: 2.5 s without a new line means the stream is gone.
  await page.waitForTimeout(2500);
  assert.deepEqual(await page.getByTestId('clock-log').locator('li').allTextContents(), closedLog);
  assert.deepEqual(page.errors, []);
});
