// HUB-CONTRACT "Endpoints": GET / (the demo page, files of web/), GET /demo/clock (only
// with --dev) and the --dev ticker publisher on urn:herald:demo:ticker.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHerald } from '../lib/herald.mjs';
import { subscribeOk, request } from '../lib/sse_reader.mjs';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const SYMBOLS = ['HRLD', 'ACME', 'GLBX', 'INTC', 'NOVA'];

describe('demo (--dev)', () => {
  let hub;
  before(async () => { hub = await startHerald(['--dev']); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('GET / serves web/index.html as HTML', async () => {
    const r = await request(hub.url, { path: '/' });
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'] ?? '', /^text\/html/);
    const file = path.join(webDir, 'index.html');
    if (fs.existsSync(file)) assert.equal(r.body, fs.readFileSync(file, 'utf8'));
  });

  it('any file of web/ is served at /<name>', async (t) => {
    const files = fs.existsSync(webDir) ? fs.readdirSync(webDir).filter((f) => fs.statSync(path.join(webDir, f)).isFile()) : [];
    if (!files.length) return t.skip('web/ has no files yet');
    for (const f of files) {
      const r = await request(hub.url, { path: `/${f}` });
      assert.equal(r.status, 200, `/${f}`);
      assert.ok(r.raw.equals(fs.readFileSync(path.join(webDir, f))), `/${f} byte-exact`);
    }
  });

  it('/demo/clock: retry 10000, a connecttime event, then a data line every second', { timeout: 15000 }, async () => {
    const s = await subscribeOk(hub.url, { rawPath: '/demo/clock' });
    assert.match(s.headers['content-type'], /^text\/event-stream/);
    const evs = await s.waitForEvents(3, 4500);
    assert.equal(s.parser.retry, 10000, 'retry: 10000');
    assert.equal(evs[0].type, 'connecttime');
    assert.ok(evs[0].data.length > 0, 'connecttime carries the start time');
    assert.equal(evs[1].type, 'message');
    assert.equal(evs[2].type, 'message');
    assert.notEqual(evs[1].data, evs[2].data, 'the time moves on');
    s.close();
  });

  it('the ticker publishes price events for every symbol about every 100 ms', { timeout: 15000 }, async () => {
    const s = await subscribeOk(hub.url, { topics: 'urn:herald:demo:ticker' });
    await s.waitFor(() => SYMBOLS.every((sym) => s.events.some((e) => JSON.parse(e.data).symbol === sym)), 3000,
      'a price for every symbol');
    const t0 = Date.now();
    const n0 = s.events.length;
    await new Promise((r) => setTimeout(r, 1000));
    const perSecond = (s.events.length - n0) / ((Date.now() - t0) / 1000);
    // 5 symbols every 100 ms = 50/s; allow a wide margin for a sanitized build.
    assert.ok(perSecond >= 20 && perSecond <= 80, `ticker rate ${perSecond.toFixed(1)} events/s`);
    for (const e of s.events) {
      assert.equal(e.type, 'price');
      const v = JSON.parse(e.data);
      assert.ok(SYMBOLS.includes(v.symbol), `symbol ${v.symbol}`);
      assert.equal(typeof v.price, 'number');
      assert.equal(typeof v.change, 'number');
    }
    s.close();
  });
});

describe('demo without --dev', () => {
  let hub;
  before(async () => { hub = await startHerald([]); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('/demo/clock is 404', async () => {
    const r = await request(hub.url, { path: '/demo/clock' });
    assert.equal(r.status, 404);
  });
});
