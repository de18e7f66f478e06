// The Mercure promises over HTTP/2 (node:http2 as the client; h2c with prior knowledge and
// h2 over TLS): a stream that reconnects with Last-Event-ID gets exactly what it missed;
// private updates reach only the streams whose token allows them, even among streams of
// one connection; a graceful shutdown ends the streams and sends GOAWAY, and the client
// resumes with Last-Event-ID against the restarted hub. History is in memory only, so
// the restarted hub knows nothing of the old ids: the resumed stream gets what was
// published after the restart (as for any id history no longer holds).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { startHerald } from '../lib/herald.mjs';
import { DEV_KEY, mercureToken, bearer } from '../lib/jwt.mjs';
import { publishOk, waitUntil, withTimeout } from '../lib/http_util.mjs';
import { connectH2, openSseOk } from '../lib/h2_sse.mjs';
import { makeCert, tlsArgs, httpsUrlOf } from '../lib/tls_cert.mjs';

let seq = 0;
const uid = () => `${process.pid}-${++seq}`;
const data = (events) => events.map((e) => e.data);
const messages = (s) => s.events.filter((e) => e.type === '' || e.type === 'message');

describe('Last-Event-ID over HTTP/2', () => {
  let hub;
  let cert;
  const url = {};
  before(async () => {
    cert = makeCert();
    hub = await startHerald(['--dev', '--no-ticker', '--heartbeat', '0', ...tlsArgs(cert)]);
    url.h2c = hub.url;
    url.h2 = httpsUrlOf(hub);
  });
  after(async () => {
    assert.equal(await hub.stop(), 0);
    cert.remove();
  });

  for (const transport of ['h2c', 'h2']) {
    it(`${transport}: a stream resumed with Last-Event-ID gets exactly the missed events`, async () => {
      const topic = `urn:test:h2-resume:${uid()}`;
      const session = await connectH2(url[transport], { ca: cert.ca });
      try {
        const first = await openSseOk(session, { topics: [topic] });
        for (let i = 1; i <= 3; i++) await publishOk(hub.url, { topic, id: `${topic}#${i}`, data: `e${i}` });
        assert.deepEqual(data(await first.waitForEvents(3)), ['e1', 'e2', 'e3']);
        assert.equal(first.parser.lastId, `${topic}#3`);
        first.close();
        await first.waitClosed();

        // Missed while no stream was open, plus noise on another topic.
        for (let i = 4; i <= 6; i++) {
          await publishOk(hub.url, { topic, id: `${topic}#${i}`, data: `e${i}` });
          await publishOk(hub.url, { topic: `${topic}:other`, data: `other${i}` });
        }
        // Same connection, a new stream, resuming with the header.
        const resumed = await openSseOk(session, { topics: [topic], headers: { 'last-event-id': `${topic}#3` } });
        await resumed.waitForEvents(3);
        await publishOk(hub.url, { topic, id: `${topic}#7`, data: 'e7' });
        await resumed.waitForEvents(4);
        await new Promise((r) => setTimeout(r, 200));  // a duplicate would come right behind
        assert.deepEqual(data(resumed.events), ['e4', 'e5', 'e6', 'e7']);
        assert.deepEqual(resumed.events.map((e) => e.id), [4, 5, 6, 7].map((i) => `${topic}#${i}`));
        resumed.close();
      } finally {
        session.close();
      }
    });
  }
});

describe('private updates over HTTP/2', () => {
  let hub;
  before(async () => {
    hub = await startHerald(['--jwt-key', DEV_KEY, '--no-ticker', '--anonymous', '--heartbeat', '0']);
  });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('only the streams whose token matches get private updates, on one shared connection', async () => {
    const topic = `https://example.com/h2/users/${uid()}`;
    const publisher = bearer(mercureToken({ publish: ['*'] }));
    const allowed = mercureToken({ subscribe: ['https://example.com/h2/users/{id}'] });
    const other = mercureToken({ subscribe: ['https://example.com/h2/elsewhere/{id}'] });
    const session = await connectH2(hub.url);
    try {
      const streams = {
        authorized: await openSseOk(session, { topics: [topic], headers: { authorization: `Bearer ${allowed}` } }),
        viaQuery: await openSseOk(session, { topics: [topic], query: [['authorization', allowed]] }),
        anonymous: await openSseOk(session, { topics: [topic] }),
        otherToken: await openSseOk(session, { topics: [topic], headers: { authorization: `Bearer ${other}` } }),
      };
      const pub = (fields) => publishOk(hub.url, { topic, ...fields }, { headers: publisher });
      const secret1 = await pub({ private: 'on', data: 'secret1' });
      const public1 = await pub({ data: 'public1' });
      const secret2 = await pub({ private: 'on', data: 'secret2' });
      const sentinel = await pub({ data: 'sentinel' });
      // The sentinel is last in one history order: whatever else a stream gets came before.
      for (const s of Object.values(streams)) {
        await waitUntil(() => s.events.some((e) => e.id === sentinel), { what: 'the sentinel' });
      }
      assert.deepEqual(streams.authorized.events.map((e) => e.id), [secret1, public1, secret2, sentinel]);
      assert.deepEqual(streams.viaQuery.events.map((e) => e.id), [secret1, public1, secret2, sentinel]);
      assert.deepEqual(streams.anonymous.events.map((e) => e.id), [public1, sentinel]);
      assert.deepEqual(streams.otherToken.events.map((e) => e.id), [public1, sentinel]);
      for (const s of [streams.anonymous, streams.otherToken]) assert.doesNotMatch(s.body, /secret/);

      // Nor does history replay leak them to a resuming unauthorized stream.
      const replayed = await openSseOk(session, { topics: [topic], headers: { 'last-event-id': 'earliest' } });
      await waitUntil(() => replayed.events.some((e) => e.id === sentinel), { what: 'the replayed sentinel' });
      assert.deepEqual(replayed.events.map((e) => e.id), [public1, sentinel]);
    } finally {
      session.destroy();
    }
  });
});

describe('graceful shutdown over HTTP/2', () => {
  it('SIGTERM ends the h2 streams (END_STREAM) with GOAWAY; the client resumes with Last-Event-ID on the restarted hub and gets what was published after the restart (memory history)', { timeout: 60000 }, async () => {
    const topic = `urn:test:h2-shutdown:${uid()}`;
    let hub = await startHerald(['--dev', '--no-ticker', '--heartbeat', '0']);
    const port = hub.port;
    let session;
    try {
      session = await connectH2(hub.url);
      const streams = [];
      for (let i = 0; i < 3; i++) streams.push(await openSseOk(session, { topics: [topic] }));
      await publishOk(hub.url, { topic, id: 'before-stop', data: 'before' });
      for (const s of streams) await s.waitForEvents(1);

      const exited = new Promise((resolve) => hub.proc.once('exit', (code, signal) => resolve({ code, signal })));
      hub.proc.kill('SIGTERM');
      for (const s of streams) {
        await s.waitClosed(5000);
        assert.equal(s.ended, true, 'the stream ended with END_STREAM');
        assert.equal(s.rstCode, http2.constants.NGHTTP2_NO_ERROR, `stream closed with code ${s.rstCode}`);
        assert.deepEqual(data(messages(s)), ['before'], 'nothing lost, no half event');
        assert.equal(s.parser.buf, '');
      }
      await waitUntil(() => session.goawayReceived || session.closed, { what: 'GOAWAY' });
      assert.ok(session.goawayReceived, 'the session received GOAWAY');
      assert.equal(session.goawayReceived.code, http2.constants.NGHTTP2_NO_ERROR);
      const { code, signal } = await withTimeout(exited, 10000, 'the hub to exit');
      assert.equal(signal, null);
      assert.equal(code, 0, hub.logs());
      const lastId = streams[0].parser.lastId;
      assert.equal(lastId, 'before-stop');
      session.close();

      // The same port, a new process: its memory history starts empty.
      hub = await startHerald(['--dev', '--no-ticker', '--heartbeat', '0'], { listen: `127.0.0.1:${port}` });
      await publishOk(hub.url, { topic, id: 'after-restart', data: 'after' });
      session = await connectH2(hub.url);
      const resumed = await openSseOk(session, { topics: [topic], headers: { 'last-event-id': lastId } });
      await waitUntil(() => resumed.events.some((e) => e.id === 'after-restart'), { what: 'the event published after the restart' });
      await publishOk(hub.url, { topic, id: 'live', data: 'live' });
      await waitUntil(() => resumed.events.some((e) => e.id === 'live'), { what: 'the live event' });
      assert.deepEqual(messages(resumed).map((e) => e.id), ['after-restart', 'live'],
        'the resumed stream got the new events once, and no old one');
    } finally {
      session?.destroy();
      assert.equal(await hub.stop(), 0);
    }
  });
});
