// `herald sub` speaking Mercure 1.0 (../shared/reference/mercure-draft.md) to the real hub:
// --match (exact, byte for byte) and --match-urlpattern (absolute and relative to the hub
// URL) receive matching events only, live and replayed; --last-event-id resumes with
// last_event_id= on the first request and the Last-Event-ID header after a reconnect (the
// header wins: nothing twice); the exact request against a Node server; mixing --topic
// with --match* is a usage error.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { runHerald, startHerald } from '../lib/herald.mjs';
import { startSseServer, startSub } from '../lib/herald_sub.mjs';
import { publishOk, waitUntil } from '../lib/http_util.mjs';
import { startTcpProxy } from '../lib/tcp_proxy.mjs';

const uid = () => randomUUID().slice(0, 8);
const json = (lines) => lines.map((l) => JSON.parse(l));

describe('herald sub, Mercure 1.0', () => {
  let hub;
  const subs = [];
  // Relative topics and patterns resolve against the hub URL, --resource. (Its default,
  // http://LISTEN/.well-known/mercure, takes --listen as written: port 0 here.)
  const hubUrl = 'https://hub.example.com/.well-known/mercure';
  before(async () => { hub = await startHerald(['--dev', '--no-ticker', '--resource', hubUrl]); });
  after(async () => {
    for (const s of subs) await s.stop('SIGKILL');
    assert.equal(await hub.stop(), 0);
  });
  const sub = (args) => { const s = startSub(args); subs.push(s); return s; };

  const published = (base, rel) => [
    [`${base}/1`, 'not a template under 1.0'],
    [`${base}/{id}`, 'exact'],
    [`${base}/books/7`, 'pattern'],
    [`${base}/books/7/x`, 'too deep'],
    [`${rel}/a`, 'relative topic'],
    [`https://hub.example.com${rel}/b`, 'absolute on the hub'],
    [`https://elsewhere.example.com${rel}/c`, 'other host'],
  ];
  const selected = ['exact', 'pattern', 'relative topic', 'absolute on the hub'];
  const matchArgs = (base, rel) => ['--match', `${base}/{id}`, '--match-urlpattern', `${base}/books/:id`,
    '--match-urlpattern', `${rel}/:x`];

  it('--match and --match-urlpattern get matching live events only', async () => {
    const base = `https://example.com/cli-v1/${uid()}`;
    const rel = `/cli-v1-${uid()}`;
    // Replaying a first event from the history proves the stream open before the live ones.
    await publishOk(hub.url, { topic: `${base}/{id}`, data: 'ready' });
    const s = sub([hub.url, ...matchArgs(base, rel), '--last-event-id', 'earliest']);
    await s.waitLines(1);
    for (const [topic, data] of published(base, rel)) await publishOk(hub.url, { topic, data });
    await publishOk(hub.url, { topic: `${base}/books/end`, data: 'sentinel' });
    await s.waitLines(6);
    assert.deepEqual(s.lines(), ['ready', ...selected, 'sentinel']);
    assert.equal((await s.stop('SIGINT')).code, 0);
  });

  it('--match and --match-urlpattern get matching replayed events only', async () => {
    const base = `https://example.com/cli-v1/${uid()}`;
    const rel = `/cli-v1-${uid()}`;
    for (const [topic, data] of published(base, rel)) await publishOk(hub.url, { topic, data });
    await publishOk(hub.url, { topic: `${base}/books/end`, data: 'sentinel' });
    const r = await runHerald(['sub', hub.url, ...matchArgs(base, rel), '--last-event-id', 'earliest',
      '--count', '5']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [...selected, 'sentinel', ''].join('\n'));
  });

  it('--last-event-id resumes after that id; one the hub does not hold gets herald-reset first', async () => {
    const t = `urn:cli-v1:resume:${uid()}`;
    const ids = [];
    for (const data of ['one', 'two', 'three']) ids.push(await publishOk(hub.url, { topic: t, data }));
    let r = await runHerald(['sub', hub.url, '--match', t, '--last-event-id', ids[0], '--count', '2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(json(r.stdout.trimEnd().split('\n')), [
      { id: ids[1], type: 'message', data: 'two' },
      { id: ids[2], type: 'message', data: 'three' },
    ]);
    r = await runHerald(['sub', hub.url, '--match', t, '--last-event-id', 'never-published', '--count', '4', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const events = json(r.stdout.trimEnd().split('\n'));
    assert.equal(events[0].type, 'herald-reset');
    assert.deepEqual(events.slice(1).map((e) => e.data), ['one', 'two', 'three']);
  });

  it('after a dropped connection the Last-Event-ID header wins over last_event_id: nothing twice', async () => {
    const t = `urn:cli-v1:drop:${uid()}`;
    const z0 = await publishOk(hub.url, { topic: t, data: 'before the resume point' });
    await publishOk(hub.url, { topic: t, id: `${t}#1`, data: 'one' });
    const proxy = await startTcpProxy({ targetPort: hub.port });
    try {
      const s = sub([proxy.url, '--match', t, '--last-event-id', z0, '--json']);
      await s.waitLines(1);
      proxy.pause();  // the reconnect waits at the proxy
      proxy.dropAll();
      await publishOk(hub.url, { topic: t, id: `${t}#2`, data: 'while away' });
      await waitUntil(() => proxy.connections() >= 2, { timeoutMs: 15000, what: 'a reconnect' });
      proxy.resume();
      await s.waitLines(2, 15000);
      await publishOk(hub.url, { topic: t, id: `${t}#3`, data: 'live' });
      await s.waitLines(3);
      assert.deepEqual(json(s.lines()).map((e) => e.id), [`${t}#1`, `${t}#2`, `${t}#3`]);
      const query = (i) => new URL(proxy.requests[i].target, hub.url).searchParams;
      assert.equal(query(0).get('last_event_id'), z0);
      assert.equal(proxy.requests[0].headers['last-event-id'], undefined);
      assert.equal(query(1).get('last_event_id'), z0, 'the URL is the same on a reconnect');
      assert.equal(proxy.requests[1].headers['last-event-id'], `${t}#1`);
      assert.equal((await s.stop('SIGINT')).code, 0);
    } finally {
      await proxy.close();
    }
  });

  it('sends match, match_urlpattern and last_event_id encoded as URLSearchParams would', async () => {
    const sse = await startSseServer((n) => [
      { body: 'retry: 50\nid: 2\ndata: a\n\n' },
      { body: 'data: b\n\n' },
    ][n] ?? { status: 204 });
    try {
      const pairs = [['match', 'https://example.com/books/{id}'], ['match', 'a b~*+&=%'],
        ['match_urlpattern', '/books/:id'], ['last_event_id', 'x y']];
      const r = await runHerald(['sub', sse.url, '--match', pairs[0][1], '--match-urlpattern', pairs[2][1],
        '--match', pairs[1][1], '--last-event-id', pairs[3][1], '--count', '2']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'a\nb\n');
      const target = `/.well-known/mercure?${new URLSearchParams(pairs)}`;
      assert.deepEqual(sse.requests.map((q) => q.url), [target, target]);
      assert.equal(sse.requests[0].headers['last-event-id'], undefined, 'the query says it under 1.0');
      assert.equal(sse.requests[1].headers['last-event-id'], '2');
      // 0.x is as it was: topic= and the Last-Event-ID header from the first request on.
      const o = await runHerald(['sub', sse.url, '--topic', 'urn:a', '--last-event-id', 'x']);
      assert.equal(o.code, 1, '204 ends it');
      assert.equal(sse.requests[2].url, '/.well-known/mercure?topic=urn%3Aa');
      assert.equal(sse.requests[2].headers['last-event-id'], 'x');
    } finally {
      await sse.close();
    }
  });

  it('--topic with --match or --match-urlpattern is a usage error naming both', async () => {
    for (const v1 of [['--match', 'urn:b'], ['--match-urlpattern', '/b/:id']]) {
      const r = await runHerald(['sub', hub.url, '--topic', 'urn:a', ...v1]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--topic.*--match/);
      assert.equal(r.stdout, '');
    }
  });

  it('--help explains --match and --match-urlpattern', async () => {
    const r = await runHerald(['sub', '--help']);
    assert.equal(r.code, 0);
    for (const want of ['--match ', '--match-urlpattern', 'last_event_id', 'URL Pattern', 'byte for byte']) {
      assert.ok(r.stdout.includes(want), `--help mentions ${want}`);
    }
  });
});
