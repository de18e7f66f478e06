// `herald sub` and `herald pub` (the C++ client) against the real hub: ids, plain and JSON
// output, base or full URL, data from a file or stdin, refusals with the hub's message,
// resuming across a dropped connection with Last-Event-ID, clean exit on SIGINT/SIGTERM,
// the JWT header, flags from HERALD_<FLAG>. `herald sub` on a plain SSE URL (the hub's
// clock, a Node server that checks the exact request), and the choice of its mode.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runHerald, startHerald } from '../lib/herald.mjs';
import { startSseServer, startSub } from '../lib/herald_sub.mjs';
import { publishOk, waitUntil } from '../lib/http_util.mjs';
import { startTcpProxy } from '../lib/tcp_proxy.mjs';

const newTopic = () => `urn:test:cli:${randomUUID()}`;

describe('herald pub and herald sub', () => {
  let hub;
  const subs = [];
  let dir;
  before(async () => {
    hub = await startHerald(['--dev', '--no-ticker']);
    dir = mkdtempSync(path.join(tmpdir(), 'herald-cli-'));
  });
  after(async () => {
    for (const s of subs) await s.stop('SIGKILL');
    assert.equal(await hub.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });
  const sub = (args, opts) => { const s = startSub(args, opts); subs.push(s); return s; };

  it('pub prints the event id, the given one or the one the hub made', async () => {
    const t = newTopic();
    let r = await runHerald(['pub', hub.url, '--topic', t, '--data', 'x', '--id', 'cli-given-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'cli-given-1\n');
    r = await runHerald(['pub', hub.url, '--topic', t, '--data', 'y']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^urn:uuid:[0-9a-f-]{36}\n$/);
  });

  it('sub prints each event data on a line, and exits after --count', async () => {
    const t = newTopic();
    for (const data of ['one', 'two', 'three']) await publishOk(hub.url, { topic: t, data });
    const r = await runHerald(['sub', hub.url, '--topic', t, '--last-event-id', 'earliest', '--count', '3']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'one\ntwo\nthree\n');
  });

  it('sub --json prints one object per event with id, type and data', async () => {
    const t = newTopic();
    const id1 = await publishOk(hub.url, { topic: t, data: 'line 1\nline 2', type: 'note' });
    const id2 = await publishOk(hub.url, { topic: t, data: '{"a":1}' });
    const awkward = 'quote " backslash \\ tab \t bell \u0007 del \u007f caf\u00e9 \u{1F600}';
    const id3 = await publishOk(hub.url, { topic: t, id: 'awkward "id" \\', data: awkward });
    const r = await runHerald(['sub', hub.url, '--topic', t, '--last-event-id', 'earliest', '--count', '3', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines, [
      { id: id1, type: 'note', data: 'line 1\nline 2' },
      { id: id2, type: 'message', data: '{"a":1}' },
      { id: id3, type: 'message', data: awkward },
    ]);
  });

  it('takes the hub base URL or the full /.well-known/mercure URL', async () => {
    const t = newTopic();
    const full = `${hub.url}/.well-known/mercure`;
    let r = await runHerald(['pub', full, '--topic', t, '--data', 'via full']);
    assert.equal(r.code, 0, r.stderr);
    r = await runHerald(['pub', `${hub.url}/`, '--topic', t, '--data', 'via base/']);
    assert.equal(r.code, 0, r.stderr);
    r = await runHerald(['sub', full, '--topic', t, '--last-event-id', 'earliest', '--count', '2']);
    assert.equal(r.stdout, 'via full\nvia base/\n');
  });

  it('subscribes to several topics at once', async () => {
    const [a, b] = [newTopic(), newTopic()];
    await publishOk(hub.url, { topic: a, data: 'from a' });
    await publishOk(hub.url, { topic: b, data: 'from b' });
    const r = await runHerald(['sub', hub.url, '--topic', a, '--topic', b, '--last-event-id', 'earliest', '--count', '2']);
    assert.equal(r.stdout, 'from a\nfrom b\n');
  });

  it('pub reads the data from --data-file or from standard input with -', async () => {
    const t = newTopic();
    const file = path.join(dir, 'data.txt');
    writeFileSync(file, 'from a file\nwith two lines');
    let r = await runHerald(['pub', hub.url, '--topic', t, '--data-file', file]);
    assert.equal(r.code, 0, r.stderr);
    r = await runHerald(['pub', hub.url, '--topic', t, '-'], { input: 'from stdin & friends = 100%' });
    assert.equal(r.code, 0, r.stderr);
    r = await runHerald(['sub', hub.url, '--topic', t, '--last-event-id', 'earliest', '--count', '2', '--json']);
    const data = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).data);
    assert.deepEqual(data, ['from a file\nwith two lines', 'from stdin & friends = 100%']);
  });

  it('pub: a refusal prints the hub message and exits non-zero', async () => {
    const t = newTopic();
    let r = await runHerald(['pub', hub.url, '--topic', t, '--data', 'x', '--retry', 'soon']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^herald pub: 400 .*retry/);
    r = await runHerald(['pub', hub.url, '--topic', '/.well-known/mercure/subscriptions/x', '--data', 'x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^herald pub: 403 /);
    r = await runHerald(['pub', 'http://127.0.0.1:1', '--topic', t, '--data', 'x', '--timeout', '3s']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /herald pub: .*(refused|connect)/i);
    r = await runHerald(['pub', 'not a url', '--topic', t]);
    assert.equal(r.code, 2);
  });

  it('pub without --dev and without a token is refused (401)', async () => {
    const locked = await startHerald([]);
    try {
      const r = await runHerald(['pub', locked.url, '--topic', newTopic(), '--data', 'x']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /herald pub: 401/);
    } finally {
      await locked.stop();
    }
  });

  it('sub: a refused subscription exits 1 with the reason', async () => {
    const r = await runHerald(['sub', `${hub.url}/not-the-hub`, '--topic', newTopic()]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /herald sub: server answered 404/);
  });

  it('sub resumes with Last-Event-ID after the connection drops, missing nothing', async () => {
    const t = newTopic();
    const proxy = await startTcpProxy({ targetPort: hub.port });
    try {
      const s = sub([proxy.url, '--topic', t, '--json']);
      await waitUntil(() => proxy.requests.length >= 1, { what: 'sub connected' });
      await new Promise((r) => setTimeout(r, 200));  // the stream is open at the hub
      await publishOk(hub.url, { topic: t, id: 'r-1', data: 'before the cut' });
      await s.waitLines(1);
      proxy.pause();  // the reconnect waits at the proxy
      proxy.dropAll();
      await publishOk(hub.url, { topic: t, id: 'r-2', data: 'while away 1' });
      await publishOk(hub.url, { topic: t, id: 'r-3', data: 'while away 2' });
      await waitUntil(() => proxy.connections() >= 2, { timeoutMs: 15000, what: 'a reconnect' });
      proxy.resume();
      const lines = (await s.waitLines(3, 15000)).map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((e) => e.id), ['r-1', 'r-2', 'r-3']);
      assert.equal(proxy.requests[1].headers['last-event-id'], 'r-1');
      assert.match(s.stderr(), /reconnecting in \d+ ms/);
      const { code } = await s.stop('SIGINT');
      assert.equal(code, 0);
    } finally {
      await proxy.close();
    }
  });

  for (const signal of ['SIGINT', 'SIGTERM']) {
    it(`sub exits 0 on ${signal}, with every event printed`, async () => {
      const t = newTopic();
      const s = sub([hub.url, '--topic', t, '--last-event-id', 'earliest']);
      await publishOk(hub.url, { topic: t, data: 'last words' });
      await s.waitLines(1);
      const { code, signal: killedBy } = await s.stop(signal);
      assert.equal(killedBy, null, 'exited by itself, not killed');
      assert.equal(code, 0);
      assert.deepEqual(s.lines(), ['last words']);
    });
  }

  it('--jwt goes out as Authorization: Bearer, for sub and pub', async () => {
    const seen = [];
    const server = http.createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, accept: req.headers.accept });
      req.resume();
      res.writeHead(204);
      res.end();
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${server.address().port}`;
    try {
      const s = await runHerald(['sub', url, '--topic', 'a b', '--jwt', 'sub.jwt.token']);
      assert.equal(s.code, 1, '204 stops the subscription');
      const p = await runHerald(['pub', url, '--topic', 't', '--data', 'd', '--jwt', 'pub.jwt.token']);
      assert.equal(p.code, 0, p.stderr);
      assert.equal(seen[0].method, 'GET');
      assert.equal(seen[0].url, '/.well-known/mercure?topic=a%20b');
      assert.equal(seen[0].auth, 'Bearer sub.jwt.token');
      assert.equal(seen[0].accept, 'text/event-stream');
      assert.equal(seen[1].method, 'POST');
      assert.equal(seen[1].auth, 'Bearer pub.jwt.token');
    } finally {
      server.close();
    }
  });

  it('sub reads a plain SSE URL: the hub\'s /demo/clock, no --topic', async () => {
    const r = await runHerald(['sub', `${hub.url}/demo/clock`, '--count', '2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => e.type), ['connecttime', 'message']);
    for (const e of events) assert.match(e.data, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  });

  it('sub uses a plain URL as given, query included, resumes it; --topic makes it Mercure', async () => {
    const sse = await startSseServer((n) => [
      { body: 'retry: 50\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n' },
      { body: 'data: c\n\n' },
    ][n] ?? { status: 204 });  // stops a client that would go on
    try {
      const target = '/events/live?since=0&name=a%20b&flag';
      const r = await runHerald(['sub', `${sse.url}${target}`, '--count', '3']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'a\nb\nc\n');
      assert.deepEqual(sse.requests.map((q) => q.url), [target, target]);
      assert.equal(sse.requests[0].headers['last-event-id'], undefined);
      assert.equal(sse.requests[1].headers['last-event-id'], '2');
      assert.equal(sse.requests[0].headers.accept, 'text/event-stream');
      // The same URL with --topic: a hub's base URL, the endpoint path and topics added.
      const m = await runHerald(['sub', `${sse.url}${target}`, '--topic', 'urn:a b']);
      assert.equal(m.code, 1, '204 ends it');
      assert.equal(sse.requests[2].url, '/events/live/.well-known/mercure?since=0&name=a%20b&flag&topic=urn%3Aa%20b');
    } finally {
      await sse.close();
    }
  });

  it('sub takes a /.well-known/mercure URL whose query names the topics, without --topic', async () => {
    const t = newTopic();
    await publishOk(hub.url, { topic: t, data: 'by the URL' });
    const url = `${hub.url}/.well-known/mercure?topic=${encodeURIComponent(t)}`;
    const r = await runHerald(['sub', url, '--last-event-id', 'earliest', '--count', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'by the URL\n');
  });

  it('sub --help explains the plain and the Mercure mode', async () => {
    const r = await runHerald(['sub', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /plain +herald sub http:\/\/\S+\/demo\/clock/);
    assert.match(r.stdout, /Mercure +herald sub http:\/\/\S+ --topic/);
  });

  it('sub takes a plain URL from HERALD_URL', async () => {
    const r = await runHerald(['sub', '--count', '1'], { env: { HERALD_URL: `${hub.url}/demo/clock` } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n$/);
  });

  it('pub - reads standard input when the URL comes from HERALD_URL, or follows the -', async () => {
    const t = newTopic();
    const data = 'piped & sent\nline 2 = 100%';
    let r = await runHerald(['pub', '--topic', t, '--id', 'stdin-1', '-'], { env: { HERALD_URL: hub.url }, input: data });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'stdin-1\n');
    r = await runHerald(['pub', '-', hub.url, '--topic', t, '--id', 'stdin-2'], { input: 'second' });
    assert.equal(r.code, 0, r.stderr);
    r = await runHerald(['sub', hub.url, '--topic', t, '--last-event-id', 'earliest', '--count', '2', '--json']);
    const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => [e.id, e.data]), [['stdin-1', data], ['stdin-2', 'second']]);
  });

  it('flags can come from HERALD_<FLAG> environment variables', async () => {
    const t = newTopic();
    const env = { HERALD_URL: hub.url, HERALD_TOPIC: t, HERALD_DATA: 'from the environment', HERALD_ID: 'env-1' };
    const r = await runHerald(['pub'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'env-1\n');
    const s = await runHerald(['sub', '--count', '1'], { env: { HERALD_URL: hub.url, HERALD_TOPIC: t, HERALD_LAST_EVENT_ID: 'earliest' } });
    assert.equal(s.stdout, 'from the environment\n');
  });
});
