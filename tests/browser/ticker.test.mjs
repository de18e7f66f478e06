// The ticker demo against the real hub: the --dev publisher's prices fill and update the board.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gotoHub, hubAndBrowser, newPage } from './helpers.mjs';

// The symbols HUB-CONTRACT.md promises for the --dev ticker.
const SYMBOLS = ['ACME', 'GLBX', 'HRLD', 'INTC', 'NOVA'];

const env = hubAndBrowser(['--dev']);

const rowUpdates = (page) => page.$$eval('[data-testid="ticker-row"]', (rows) =>
  Object.fromEntries(rows.map((r) => [r.dataset.symbol, Number(r.dataset.updates)])));

test('ticker rows appear for every symbol and keep updating', { timeout: 60000 }, async () => {
  const page = await newPage(env.browser);
  await gotoHub(page, env.herald.origin, '/ticker.html');
  await page.waitForSelector('[data-testid="status"][data-state="open"]');

  await page.waitForFunction((n) =>
    document.querySelectorAll('[data-testid="ticker-row"]').length >= n, SYMBOLS.length);
  const first = await rowUpdates(page);
  assert.deepEqual(Object.keys(first), SYMBOLS, 'one row per symbol, in alphabetical order');

  // Ten ticks a second per symbol: five more each is half a second of a healthy feed.
  await page.waitForFunction((before) => [...document.querySelectorAll('[data-testid="ticker-row"]')]
    .every((r) => Number(r.dataset.updates) >= before[r.dataset.symbol] + 5), first);

  const rows = await page.$$eval('[data-testid="ticker-row"]', (all) => all.map((r) => ({
    price: r.querySelector('[data-testid="price"]').textContent,
    change: r.querySelector('[data-testid="change"]').textContent,
    // The sparkline has drawn something: at least one pixel is not transparent.
    drawn: (() => {
      const canvas = r.querySelector('[data-testid="sparkline"]');
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      return pixels.some((value, i) => i % 4 === 3 && value > 0);
    })(),
  })));
  for (const row of rows) {
    assert.match(row.price, /^\d+\.\d\d$/);
    assert.match(row.change, /^[+\u2212]?\d+\.\d\d \([+\u2212]?\d+\.\d\d%\)$/);
    assert.ok(row.drawn, 'sparkline drawn');
  }
  assert.deepEqual(page.errors, []);
});
