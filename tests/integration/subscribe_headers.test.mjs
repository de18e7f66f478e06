// HUB-CONTRACT "Endpoints", GET /.well-known/mercure: the response head of a subscription.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { hubForBlock, startHerald } from '../lib/herald.mjs';
import { subscribe, subscribeOk, publishOk } from '../lib/sse_reader.mjs';

const newTopic = () => `urn:test:headers:${randomUUID()}`;

describe('subscribe response head', () => {
  const fx = hubForBlock(['--dev'], subscribeOk);
  const sub = fx.sub;

  it('answers 200 with the SSE headers at once, before any event', async () => {
    // The head must arrive although nothing is published and the first heartbeat is 15 s
    // away: headers are flushed at once (SSE-SPEC 20).
    const s = await sub({ topics: newTopic(), timeoutMs: 3000 });
    assert.equal(s.status, 200);
    assert.equal(s.version, '1.1');
    const ct = s.headers['content-type'];
    assert.ok(ct, 'Content-Type present');
    assert.match(ct, /^text\/event-stream\s*(;\s*charset=utf-8\s*)?$/i,
      `Content-Type essence text/event-stream, only a charset=utf-8 parameter allowed: ${ct}`);
    assert.equal(s.headers['cache-control'], 'no-cache');
    assert.equal(s.headers['x-accel-buffering'], 'no');
    assert.equal(s.headers['transfer-encoding'], 'chunked');
    assert.equal(s.headers['content-length'], undefined, 'a stream has no Content-Length');
    s.close();
  });

  it('Last-Event-ID header carries the newest id in history at connect time', async () => {
    // --dev runs a ticker that publishes every 100 ms, so "newest" is checked against a
    // `*` witness that sees the whole history in order: the header must name the witness's
    // newest event when the subscriber connected or a later one, never an older one.
    const witness = await sub({ topics: '*' });
    const t = newTopic();
    const b = await publishOk(fx.hub.url, { topic: t, id: `hdr-b-${randomUUID()}`, data: 'b' });
    await witness.waitForEvent((e) => e.id === b);
    const idxB = witness.events.findIndex((e) => e.id === b);
    const s1 = await sub({ topics: t });
    const h = s1.headers['last-event-id'];
    assert.ok(h, 'Last-Event-ID present: history is not empty');
    await witness.waitForEvent((e) => e.id === h, 3000, `the header id ${h} in the witness stream`);
    const idx = witness.events.findIndex((e) => e.id === h);
    assert.ok(idx >= idxB, `header ${h} is at position ${idx}, older than ${b} at ${idxB}`);

    // Again with ids of our own: the header is our id, or (a tick came in between) an
    // id the witness saw after ours, never an older one.
    let exact = 0;
    for (let i = 0; i < 10; i++) {
      const id = `hdr-${i}-${randomUUID()}`;
      await publishOk(fx.hub.url, { topic: t, id, data: 'x' });
      const s = await sub({ topics: t });
      const hdr = s.headers['last-event-id'];
      s.close();
      if (hdr === id) { exact++; continue; }
      await witness.waitForEvent((e) => e.id === hdr, 3000, `header id ${hdr} in the witness stream`);
      const ids = witness.events.map((e) => e.id);
      assert.ok(ids.indexOf(hdr) > ids.indexOf(id), `header ${hdr} is older than ${id}`);
    }
    assert.ok(exact > 0, 'in 10 tries the header named our own just-published id at least once');
    s1.close();
    witness.close();
  });

  it('no Last-Event-ID header while the history is empty (fx.hub without --dev, so no ticker)', async () => {
    // --anonymous: anonymous subscribers without --dev (and its ticker filling the history).
    const bare = await startHerald(['--anonymous']);
    try {
      const s = await subscribe(bare.url, { topics: newTopic() });
      s.close();
      assert.equal(s.status, 200, 'an anonymous subscriber of an --anonymous hub');
      assert.equal(s.headers['last-event-id'], undefined,
        'contract: Last-Event-ID only "when history is not empty"');
    } finally {
      assert.equal(await bare.stop(), 0);
    }
  });

  it('the stream stays open and delivers what is published after the head', async () => {
    const t = newTopic();
    const s = await sub({ topics: t });
    const id = await publishOk(fx.hub.url, { topic: t, data: 'after-head' });
    const [ev] = await s.waitForEvents(1, 5000);
    assert.deepEqual({ id: ev.id, data: ev.data, type: ev.type }, { id, data: 'after-head', type: 'message' });
    assert.equal(s.closed, false);
    s.close();
  });

  it('the request can be sent split into many small writes', async () => {
    // A subscriber whose request line and headers trickle in (one byte per write).
    const t = newTopic();
    const net = await import('node:net');
    const u = new URL(fx.hub.url);
    const req = `GET /.well-known/mercure?topic=${encodeURIComponent(t)} HTTP/1.1\r\nHost: ${u.host}\r\n` +
      'Accept: text/event-stream\r\n\r\n';
    const sock = net.connect({ port: fx.hub.port, host: '127.0.0.1' });
    let got = '';
    sock.on('data', (d) => { got += d.toString('latin1'); });
    sock.on('error', () => {});
    await new Promise((r) => sock.on('connect', r));
    for (const ch of req) { sock.write(ch); await new Promise((r) => setImmediate(r)); }
    const deadline = Date.now() + 5000;
    while (!got.includes('\r\n\r\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    sock.destroy();
    assert.match(got, /^HTTP\/1\.1 200/);
    assert.match(got, /content-type: text\/event-stream/i);
  });

  it('400 text/plain without a topic', async () => {
    const s = await subscribe(fx.hub.url, { topics: [] });
    await s.waitForBody(3000);
    assert.equal(s.status, 400);
    assert.match(s.headers['content-type'] ?? '', /^text\/plain/);
    assert.ok(s.text.trim().length > 0, 'a message says why');
    s.close();
  });
});
