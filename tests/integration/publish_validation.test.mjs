// HUB-CONTRACT "Endpoints", POST /.well-known/mercure: every bad input is a 400 (text with
// a message), 415 for another Content-Type, 401 without --dev; nothing rejected is ever
// delivered or stored.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startHerald } from '../lib/herald.mjs';
import { subscribeOk, publish, publishOk, request } from '../lib/sse_reader.mjs';

const uid = () => randomUUID().slice(0, 8);

describe('publish validation (--dev)', () => {
  let hub;
  let watcher; // a `*` subscriber: must never see a rejected event
  const rejectedMarker = 'MUST-NOT-ARRIVE';
  before(async () => {
    hub = await startHerald(['--dev']);
    watcher = await subscribeOk(hub.url, { topics: '*' });
  });
  after(async () => {
    // Nothing rejected was delivered live...
    const id = `final-${uid()}`;
    await publishOk(hub.url, { topic: 'urn:test:final', id, data: 'final' });
    await watcher.waitForEvent((e) => e.id === id);
    assert.ok(!watcher.events.some((e) => e.data.includes(rejectedMarker)),
      `a rejected publish was delivered: ${JSON.stringify(watcher.events.filter((e) => e.data.includes(rejectedMarker)))}`);
    // ...nor stored in history.
    const replay = await subscribeOk(hub.url, { topics: '*', lastEventID: 'earliest' });
    await replay.waitForEvent((e) => e.id === id);
    assert.ok(!replay.events.some((e) => e.data.includes(rejectedMarker)), 'a rejected publish was stored');
    replay.close();
    watcher.close();
    assert.equal(await hub.stop(), 0);
  });

  async function expect400(fields, why, opts) {
    const r = await publish(hub.url, fields, opts);
    assert.equal(r.status, 400, `${why}: status ${r.status} body ${JSON.stringify(r.body)}`);
    assert.match(r.headers['content-type'] ?? '', /^text\/plain/, `${why}: text/plain`);
    assert.ok(r.body.trim().length > 0, `${why}: a message says why`);
    return r;
  }

  it('no topic: 400', async () => {
    await expect400({ data: rejectedMarker }, 'no topic');
    await expect400('', 'empty body');
  });

  it('an empty topic is no topic: 400', async () => {
    await expect400({ topic: '', data: rejectedMarker }, 'empty topic');
  });

  it('bad retry (not digits): 400', async () => {
    for (const retry of ['abc', '-1', '1.5', '10s', ' 100', '100 ', '0x10', '+5']) {
      await expect400({ topic: 'urn:test:v', retry, data: rejectedMarker }, `retry ${JSON.stringify(retry)}`);
    }
  });

  it('CR, LF or NUL in id: 400', async () => {
    for (const [name, c] of [['LF', '\n'], ['CR', '\r'], ['NUL', '\0']]) {
      await expect400({ topic: 'urn:test:v', id: `bad${c}id-${uid()}`, data: rejectedMarker }, `${name} in id`);
    }
    // Exactly the percent-encoded bytes, in case a form encoder changes them.
    for (const enc of ['%0A', '%0D', '%00', '%0D%0A']) {
      await expect400(`topic=urn%3Atest%3Av&id=a${enc}b&data=${rejectedMarker}`, `${enc} in id`);
    }
  });

  it('CR, LF or NUL in type: 400', async () => {
    for (const enc of ['%0A', '%0D', '%00']) {
      await expect400(`topic=urn%3Atest%3Av&type=a${enc}b&data=${rejectedMarker}`, `${enc} in type`);
    }
    // The classic injection: a type that would start a new event.
    await expect400({ topic: 'urn:test:v', type: `x\ndata: ${rejectedMarker}\n\nid: forged`, data: 'y' }, 'injection in type');
  });

  it('undecodable form: 400', async () => {
    for (const body of [
      `topic=urn%3Atest%3Av&data=%zz${rejectedMarker}`,
      `topic=urn%3Atest%3Av&data=${rejectedMarker}%`,
      `topic=urn%3Atest%3Av&data=${rejectedMarker}%4`,
      `topic=%G1&data=${rejectedMarker}`,
    ]) {
      await expect400(body, `body ${JSON.stringify(body)}`);
    }
  });

  it('a form whose decoded bytes are not UTF-8: 400', async () => {
    // An SSE stream is UTF-8; invalid bytes would reach clients as U+FFFD.
    await expect400(`topic=urn%3Atest%3Av&data=${rejectedMarker}%FF%FE`, 'invalid UTF-8 in data');
  });

  it('an id already in history is accepted again (200 with that id)', async () => {
    const id = `dup-${uid()}`;
    assert.equal(await publishOk(hub.url, { topic: 'urn:test:v', id, data: 'first' }), id);
    assert.equal(await publishOk(hub.url, { topic: 'urn:test:v', id, data: 'again' }), id);
    assert.equal(await publishOk(hub.url, { topic: 'urn:test:other', id, data: 'other' }), id);
  });

  it('another Content-Type: 415', async () => {
    for (const ct of ['application/json', 'text/plain', 'multipart/form-data; boundary=x']) {
      const r = await publish(hub.url, { topic: 'urn:test:v', data: rejectedMarker }, { contentType: ct });
      assert.equal(r.status, 415, `${ct}: status ${r.status}`);
    }
  });

  it('the form Content-Type with a charset parameter is accepted', async () => {
    const r = await publish(hub.url, { topic: 'urn:test:v', data: 'ok' },
      { contentType: 'application/x-www-form-urlencoded; charset=UTF-8' });
    assert.equal(r.status, 200, r.body);
  });

  it('the form Content-Type in another letter case is accepted (media types are case-insensitive)', async () => {
    const r = await publish(hub.url, { topic: 'urn:test:v', data: 'ok' },
      { contentType: 'Application/X-WWW-Form-URLencoded' });
    assert.equal(r.status, 200, r.body);
  });

  it('a valid publish after all those still works (the hub survived)', async () => {
    const t = `urn:test:v:${uid()}`;
    const s = await subscribeOk(hub.url, { topics: t });
    await publishOk(hub.url, { topic: t, data: 'alive' });
    const [ev] = await s.waitForEvents(1);
    assert.equal(ev.data, 'alive');
    s.close();
  });

  it('unknown form fields are ignored, private is accepted', async () => {
    const r = await publish(hub.url, { topic: 'urn:test:v', data: 'x', foo: 'bar' });
    assert.equal(r.status, 200, r.body);
    const r2 = await publish(hub.url, { topic: 'urn:test:v', data: 'x', private: 'on' });
    assert.equal(r2.status, 200, r2.body);
  });

  it('GET without a topic: 400', async () => {
    const r = await request(hub.url, { path: '/.well-known/mercure' });
    assert.equal(r.status, 400);
    assert.match(r.headers['content-type'] ?? '', /^text\/plain/);
    const r2 = await request(hub.url, { path: '/.well-known/mercure?lastEventID=earliest' });
    assert.equal(r2.status, 400);
  });
});

describe('publish without --dev', () => {
  let hub;
  before(async () => { hub = await startHerald([]); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('401 for an anonymous publish', async () => {
    const r = await publish(hub.url, { topic: 'urn:test:auth', data: 'x' });
    assert.equal(r.status, 401, `status ${r.status}: ${r.body}`);
  });

  it('401 with a bogus bearer token', async () => {
    const r = await publish(hub.url, { topic: 'urn:test:auth', data: 'x' },
      { headers: { Authorization: 'Bearer not.a.jwt' } });
    assert.equal(r.status, 401, `status ${r.status}: ${r.body}`);
  });

  it('/healthz still answers', async () => {
    const r = await request(hub.url, { path: '/healthz' });
    assert.equal(r.status, 200);
  });
});
