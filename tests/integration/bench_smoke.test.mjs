// `herald bench` against the real hub: a seconds-long run of each scenario with a few
// connections, asserting the report's accounting (every expected event delivered once, in
// order, nothing failed), and that failures are reported as such.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { startHerald, heraldBin } from '../lib/herald.mjs';
import { makeCert, tlsArgs, httpsUrlOf } from '../lib/tls_cert.mjs';

// Runs `herald bench ARGS` and resolves with { code, report }.
function bench(url, args) {
  return new Promise((resolve, reject) => {
    execFile(heraldBin, ['bench', '--url', url, '--quiet', '--compact', '--timeout', '60s', ...args],
      { timeout: 90000 }, (error, stdout, stderr) => {
        const code = error ? error.code : 0;
        if (typeof code !== 'number') return reject(new Error(`herald bench: ${error}\n${stderr}`));
        try {
          resolve({ code, report: JSON.parse(stdout) });
        } catch (e) {
          reject(new Error(`no JSON report (exit ${code}):\n${stdout}\n${stderr}`));
        }
      });
  });
}

// A clean run: everyone connected, every expected event delivered exactly once, in order.
function assertClean(r, { subscribers, expected, published }) {
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.subscribers.connected, subscribers);
  assert.equal(r.subscribers.failed, 0);
  assert.equal(r.subscribers.dropped, 0);
  assert.equal(r.events.expected, expected);
  assert.equal(r.events.delivered, expected);
  assert.equal(r.events.missing, 0);
  assert.equal(r.events.duplicates, 0);
  assert.equal(r.events.reordered, 0);
  assert.equal(r.events.unexpected, 0);
  assert.equal(r.events.malformed, 0);
  assert.equal(r.events.published, published);
  assert.equal(r.publish.failed, 0);
  assert.equal(r.delivery.latency_ms.count, expected, 'one latency sample per delivered event');
  if (expected > 0) {
    assert.ok(r.delivery.events_per_s > 0);
    assert.ok(r.delivery.latency_ms.p50 <= r.delivery.latency_ms.p99);
    assert.ok(r.delivery.latency_ms.p99 <= r.delivery.latency_ms.max);
  }
  assert.ok(r.loadgen.cpu_s_total > 0, 'the load generator reports its own CPU');
}

function closedPort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

describe('herald bench smoke', () => {
  let hub;
  let pid;
  before(async () => {
    hub = await startHerald(['--dev', '--threads', '2', '--log-level', 'warn']);
    pid = String(hub.proc.pid);
  });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('fanout: every subscriber gets every event once, in order', async () => {
    const { code, report } = await bench(hub.url, ['--scenario', 'fanout', '--subscribers', '12',
      '--events', '40', '--window', '4', '--server-pid', pid]);
    assert.equal(code, 0);
    assertClean(report, { subscribers: 12, expected: 12 * 40, published: 40 });
    assert.equal(report.server.pids[0].pid, Number(pid));
    assert.ok(report.server.pids[0].rss_kib_held > 0, 'server RSS is sampled');
  });

  it('fanout at a fixed rate, with an extra publish header', async () => {
    const { code, report } = await bench(hub.url, ['--scenario', 'fanout', '--subscribers', '5',
      '--events', '20', '--rate', '100', '--header', 'X-Bench: 1']);
    assert.equal(code, 0);
    assertClean(report, { subscribers: 5, expected: 100, published: 20 });
    assert.ok(report.publish.seconds >= 0.15, `20 events at 100/s take ~0.19 s: ${report.publish.seconds}`);
  });

  it('topics: one topic per subscriber, events round-robin', async () => {
    const { code, report } = await bench(hub.url, ['--scenario', 'topics', '--subscribers', '8',
      '--events', '30']);
    assert.equal(code, 0);
    assert.equal(report.config.topics, 8);
    assertClean(report, { subscribers: 8, expected: 30, published: 30 });
  });

  it('several worker processes and source addresses', async () => {
    const { code, report } = await bench(hub.url, ['--scenario', 'fanout', '--subscribers', '10',
      '--per-process', '4', '--source-addresses', '3', '--events', '15']);
    assert.equal(code, 0);
    assert.equal(report.config.processes, 3);
    assert.equal(report.loadgen.processes, 4, 'three workers and the coordinator');
    assertClean(report, { subscribers: 10, expected: 150, published: 15 });
  });

  it('idle: subscribers held, memory sampled', async () => {
    const { code, report } = await bench(hub.url, ['--scenario', 'idle', '--subscribers', '10',
      '--hold', '300ms', '--server-pid', pid]);
    assert.equal(code, 0);
    assertClean(report, { subscribers: 10, expected: 0, published: 0 });
    assert.equal(typeof report.server.bytes_per_subscriber, 'number');
    assert.ok(report.server.pids[0].alive);
  });

  it('publish: requests/s with no subscribers', async () => {
    const { code, report } = await bench(hub.url, ['--scenario', 'publish', '--events', '200',
      '--window', '4', '--per-topic', '4']);
    assert.equal(code, 0);
    assertClean(report, { subscribers: 0, expected: 0, published: 200 });
    assert.ok(report.publish.requests_per_s > 0);
    assert.equal(report.publish.latency_ms.count, 200);
  });

  it('reconnect: clients resume with Last-Event-ID and get exactly what they missed', async () => {
    const { code, report } = await bench(hub.url, ['--scenario', 'reconnect', '--subscribers', '6',
      '--events', '40', '--resume-behind', '15']);
    assert.equal(code, 0);
    assertClean(report, { subscribers: 6, expected: 6 * 15, published: 40 });
    assert.match(report.events.resumed_after_id, /^urn:uuid:/);
  });

  it('a refused hub is reported, not hidden', async () => {
    const port = await closedPort();
    const { code, report } = await bench(`http://127.0.0.1:${port}`, ['--scenario', 'fanout',
      '--subscribers', '3', '--events', '2', '--drain', '200ms']);
    assert.equal(code, 3, 'exit 3: the run completed but its accounting is not clean');
    assert.equal(report.ok, false);
    assert.equal(report.subscribers.failed, 3);
    assert.equal(report.subscribers.failures.refused, 3);
    assert.equal(report.events.missing, report.events.expected);
    assert.equal(report.publish.failed, 2);
  });

  it('a wrong subscribe path is counted by status code', async () => {
    const { code, report } = await bench(hub.url, ['--scenario', 'fanout', '--subscribers', '2',
      '--events', '1', '--drain', '200ms', '--subscribe-target', '/nope?topic={topic}']);
    assert.equal(code, 3);
    assert.equal(report.subscribers.failures.status_404, 2);
    assert.equal(report.events.delivered, 0);
  });

  it('publish answers other than 2xx are counted by status code', async () => {
    // herald takes form posts only: a JSON body gets 415, and nothing is delivered.
    const { code, report } = await bench(hub.url, ['--scenario', 'fanout', '--subscribers', '2',
      '--events', '3', '--drain', '200ms', '--publish-format', 'json']);
    assert.equal(code, 3);
    assert.equal(report.publish.failures.status_415, 3);
    assert.equal(report.events.missing, 6);
  });

  it('--http2: subscribers as streams on shared h2c connections, every event once, in order', async () => {
    // 12 subscribers, 5 streams per connection: connections of 5, 5 and 2 streams.
    const { code, report } = await bench(hub.url, ['--scenario', 'fanout', '--subscribers', '12',
      '--http2', '--streams-per-connection', '5', '--events', '40', '--window', '4',
      '--server-pid', pid]);
    assert.equal(code, 0);
    assert.equal(report.config.protocol, 'h2c');
    assert.equal(report.config.streams_per_connection, 5);
    assertClean(report, { subscribers: 12, expected: 12 * 40, published: 40 });
  });

  it('--http2 over several processes and source addresses', async () => {
    const { code, report } = await bench(hub.url, ['--scenario', 'fanout', '--subscribers', '10',
      '--http2', '--streams-per-connection', '3', '--per-process', '6', '--source-addresses', '2',
      '--events', '15']);
    assert.equal(code, 0);
    assert.equal(report.config.processes, 2);
    assertClean(report, { subscribers: 10, expected: 150, published: 15 });
  });

  it('--http2 reconnect: streams resume with Last-Event-ID', async () => {
    const { code, report } = await bench(hub.url, ['--scenario', 'reconnect', '--subscribers', '6',
      '--http2', '--streams-per-connection', '4', '--events', '30', '--resume-behind', '10']);
    assert.equal(code, 0);
    assertClean(report, { subscribers: 6, expected: 6 * 10, published: 30 });
  });

  it('refuses targets off loopback', async () => {
    await assert.rejects(bench('http://192.0.2.1:80', []), /no JSON report \(exit 2\)/);
  });
});

describe('herald bench --http2 against a hub that speaks only HTTP/1.1', () => {
  let hub;
  before(async () => {
    hub = await startHerald(['--dev', '--threads', '1', '--log-level', 'warn',
      '--h2-max-streams', '0']);
  });
  after(async () => { assert.equal(await hub.stop(), 0); });

  it('every stream fails, counted under the reason', async () => {
    const { code, report } = await bench(hub.url, ['--scenario', 'fanout', '--subscribers', '7',
      '--http2', '--streams-per-connection', '3', '--events', '2', '--drain', '200ms']);
    assert.equal(code, 3, 'exit 3: the run completed but its accounting is not clean');
    assert.equal(report.ok, false);
    assert.equal(report.subscribers.connected, 0);
    assert.equal(report.subscribers.failed, 7);
    assert.deepEqual(report.subscribers.failures, { h2_protocol: 7 });
    assert.equal(report.events.delivered, 0);
    assert.equal(report.events.missing, report.events.expected);
    assert.equal(report.events.published, 2, 'publishing over HTTP/1.1 still works');
  });
});

describe('herald bench over TLS (https:// subscribers, plain publishers)', () => {
  let hub;
  let https;
  let cert;
  let other;  // a certificate the hub does not use: verification against it fails
  before(async () => {
    cert = makeCert();
    other = makeCert();
    hub = await startHerald(['--dev', '--no-ticker', '--threads', '1', '--log-level', 'warn',
      ...tlsArgs(cert)]);
    https = httpsUrlOf(hub);
  });
  after(async () => {
    assert.equal(await hub.stop(), 0);
    cert.remove();
    other.remove();
  });

  it('HTTP/1.1 over TLS: every subscriber gets every event once, in order', async () => {
    const { code, report } = await bench(https, ['--publish-url', hub.url, '--scenario', 'fanout',
      '--subscribers', '12', '--events', '40', '--window', '4', '--ca-file', cert.cert]);
    assert.equal(code, 0);
    assert.equal(report.config.protocol, 'http/1.1');
    assert.equal(report.config.tls, true);
    assertClean(report, { subscribers: 12, expected: 12 * 40, published: 40 });
  });

  it('h2 over TLS (ALPN): streams on shared connections, every event once, in order', async () => {
    const { code, report } = await bench(https, ['--publish-url', hub.url, '--scenario', 'fanout',
      '--subscribers', '12', '--http2', '--streams-per-connection', '5', '--events', '40',
      '--per-process', '6']);
    assert.equal(code, 0);
    assert.equal(report.config.protocol, 'h2');
    assert.equal(report.config.processes, 2);
    assertClean(report, { subscribers: 12, expected: 12 * 40, published: 40 });
  });

  it('reconnect over TLS: the recording subscriber and the clients resume', async () => {
    const { code, report } = await bench(https, ['--publish-url', hub.url, '--scenario', 'reconnect',
      '--subscribers', '4', '--events', '20', '--resume-behind', '5']);
    assert.equal(code, 0);
    assertClean(report, { subscribers: 4, expected: 4 * 5, published: 20 });
  });

  it('a certificate that does not verify against --ca-file fails every subscriber as tls_verify', async () => {
    const { code, report } = await bench(https, ['--publish-url', hub.url, '--scenario', 'fanout',
      '--subscribers', '3', '--events', '2', '--drain', '200ms', '--ca-file', other.cert]);
    assert.equal(code, 3);
    assert.equal(report.ok, false);
    assert.equal(report.subscribers.connected, 0);
    assert.deepEqual(report.subscribers.failures, { tls_verify: 3 });
  });

  it('refuses an https:// publish URL and an unreadable --ca-file', async () => {
    await assert.rejects(bench(https, ['--scenario', 'publish', '--events', '1']),
      /no JSON report \(exit 2\)[\s\S]*--publish-url/);
    await assert.rejects(bench(https, ['--publish-url', hub.url, '--ca-file', '/nonexistent.pem']),
      /no JSON report \(exit 2\)[\s\S]*--ca-file/);
  });
});

describe('herald bench --http2 over TLS against a hub that does not offer h2', () => {
  let hub;
  let cert;
  before(async () => {
    cert = makeCert();
    hub = await startHerald(['--dev', '--no-ticker', '--threads', '1', '--log-level', 'warn',
      '--h2-max-streams', '0', ...tlsArgs(cert)]);
  });
  after(async () => {
    assert.equal(await hub.stop(), 0);
    cert.remove();
  });

  it('every stream fails as tls_alpn', async () => {
    const { code, report } = await bench(httpsUrlOf(hub), ['--publish-url', hub.url,
      '--scenario', 'fanout', '--subscribers', '7', '--http2', '--streams-per-connection', '3',
      '--events', '2', '--drain', '200ms']);
    assert.equal(code, 3);
    assert.equal(report.subscribers.connected, 0);
    assert.deepEqual(report.subscribers.failures, { tls_alpn: 7 });
    assert.equal(report.events.published, 2);
  });
});
