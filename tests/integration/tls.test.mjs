// HUB-CONTRACT "Listeners": `--tls-listen HOST:PORT` with `--tls-cert`/`--tls-key` (TLS
// 1.2+, ALPN h2 and http/1.1), beside `--listen` in one process; SIGHUP reloads the certificate
// without dropping streams; `--dev --tls-self-signed` makes a certificate curl can trust.
// Certificates are made here with the `openssl` command; clients are curl and
// `openssl s_client`, as an operator would check a deployment.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { heraldBin, startHerald } from '../lib/herald.mjs';
import { publishOk, waitUntil } from '../lib/http_util.mjs';
import { makeCert, httpsUrlOf } from '../lib/tls_cert.mjs';
import { curlStream, run } from '../lib/tools.mjs';

async function tlsFailures(hub) {
  const r = await run('curl', ['-s', `${hub.url}/metrics`]);
  const m = r.stdout.match(/^herald_tls_handshake_failures_total (\d+)$/m);
  assert.ok(m, `no herald_tls_handshake_failures_total in /metrics:\n${r.stdout}`);
  return Number(m[1]);
}

describe('TLS listener', () => {
  let dir;
  let first;
  let hub;
  let https;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-tls-test-'));
    first = makeCert('first', { dir });
    // The files the hub serves: replaced in place by the SIGHUP test.
    fs.copyFileSync(first.cert, path.join(dir, 'served.cert.pem'));
    fs.copyFileSync(first.key, path.join(dir, 'served.key.pem'));
    hub = await startHerald(['--dev', '--no-ticker', '--tls-listen', '127.0.0.1:0',
      '--tls-cert', path.join(dir, 'served.cert.pem'), '--tls-key', path.join(dir, 'served.key.pem')]);
    // The TLS line comes after the plain one that startHerald waited for.
    await waitUntil(() => /listening on https:/.test(hub.out()), { what: 'the https listener line' });
    https = httpsUrlOf(hub);
  });
  after(async () => {
    if (hub) assert.equal(await hub.stop(), 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves both listeners from one process, on two ports', () => {
    assert.notEqual(new URL(https).port, String(hub.port));
    assert.match(hub.logs(), /TLS listener url=https:\/\/127\.0\.0\.1:\d+ .*subject=\/CN=first/);
  });

  it('answers over TLS 1.3 with ALPN h2, and http/1.1 to a client that asks for it (curl -v)', async () => {
    const r = await run('curl', ['-sv', '--cacert', first.cert, `${https}/healthz`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'ok');
    assert.match(r.stderr, /SSL connection using TLSv1\.3/);
    assert.match(r.stderr, /ALPN: server accepted h2/);
    assert.match(r.stderr, /subject: CN=first/);
    const h1 = await run('curl', ['-sv', '--http1.1', '--cacert', first.cert, `${https}/healthz`]);
    assert.equal(h1.code, 0, h1.stderr);
    assert.equal(h1.stdout.trim(), 'ok');
    assert.match(h1.stderr, /ALPN: server accepted http\/1\.1/);
  });

  it('publishes and streams over https', async () => {
    const topic = 'urn:test:tls';
    const stream = curlStream(['--cacert', first.cert, `${https}/.well-known/mercure?topic=${encodeURIComponent(topic)}`]);
    try {
      // The stream is open once a publish reaches it: publish over https until one does.
      let n = 0;
      await waitUntil(async () => {
        const id = `over-tls-${++n}`;
        const pub = await run('curl', ['-s', '--cacert', first.cert, '-d', `topic=${topic}`, '-d', `id=${id}`,
          '-d', 'data=hello over TLS', `${https}/.well-known/mercure`]);
        assert.equal(pub.code, 0, pub.stderr);
        assert.equal(pub.stdout, id);
        return stream.out().includes('data: hello over TLS');
      }, { timeoutMs: 5000, everyMs: 300, what: 'the event in the https stream' });
      assert.match(stream.out(), /id: over-tls-\d+\ndata: hello over TLS\n\n/);
    } finally {
      stream.close();
    }
  });

  // Runs `herald sub <args> --topic <topic> --count 1` and publishes until it printed the
  // event and exited 0.
  async function subReceives(args, topic) {
    const sub = spawn(heraldBin, ['sub', ...args, '--topic', topic, '--count', '1'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    sub.stdout.on('data', (d) => { out += d; });
    sub.stderr.on('data', (d) => { err += d; });
    const exited = new Promise((resolve) => sub.on('exit', (code) => resolve(code)));
    setTimeout(() => sub.kill('SIGKILL'), 10000).unref();
    try {
      await waitUntil(async () => {
        await publishOk(hub.url, { topic, data: 'to herald sub' });
        return out.includes('to herald sub');
      }, { timeoutMs: 8000, everyMs: 300, what: `the event in herald sub ${args.join(' ')}` });
      assert.equal(await exited, 0, err);
    } finally {
      sub.kill('SIGTERM');
    }
  }

  it('our own client: herald sub --ca-file reads a stream over https', async () => {
    await subReceives([https, '--ca-file', first.cert], 'urn:test:tls-sub');
  });

  it('herald sub --http2: h2 (ALPN) over https, h2c with prior knowledge over http', async () => {
    await subReceives([https, '--ca-file', first.cert, '--http2'], 'urn:test:tls-sub-h2');
    await subReceives([hub.url, '--http2'], 'urn:test:sub-h2c');
  });

  it('refuses TLS 1.1 and counts the failed handshake in /metrics', async () => {
    const before = await tlsFailures(hub);
    const r = await run('curl', ['-s', '--tlsv1.1', '--tls-max', '1.1', '--cacert', first.cert, `${https}/healthz`]);
    assert.notEqual(r.code, 0, 'TLS 1.1 was accepted');
    assert.equal(await tlsFailures(hub), before + 1);
  });

  it('refuses a client whose ALPN offers neither h2 nor http/1.1 (no_application_protocol)', async () => {
    const port = new URL(https).port;
    const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-alpn', 'spdy/3,http/1.0', '-CAfile', first.cert]);
    assert.match(r.stdout + r.stderr, /no application protocol/);
  });

  it('SIGHUP: an open stream goes on, new connections get the new certificate', async () => {
    const second = makeCert('second', { dir });
    const topic = 'urn:test:reload';
    const stream = curlStream(['--cacert', first.cert, `${https}/.well-known/mercure?topic=${encodeURIComponent(topic)}`]);
    try {
      await waitUntil(async () => {
        await publishOk(hub.url, { topic, data: 'before reload' });
        return stream.out().includes('data: before reload');
      }, { timeoutMs: 5000, everyMs: 300, what: 'the stream to open' });

      // As an operator would: new files moved over the old ones, then SIGHUP.
      fs.copyFileSync(second.cert, path.join(dir, 'next.cert.pem'));
      fs.copyFileSync(second.key, path.join(dir, 'next.key.pem'));
      fs.renameSync(path.join(dir, 'next.cert.pem'), path.join(dir, 'served.cert.pem'));
      fs.renameSync(path.join(dir, 'next.key.pem'), path.join(dir, 'served.key.pem'));
      hub.proc.kill('SIGHUP');
      await waitUntil(() => /TLS certificate reloaded.*subject=\/CN=second/.test(hub.logs()),
        { what: 'the reload in the log' });

      await publishOk(hub.url, { topic, data: 'after reload' });
      await stream.waitFor('data: after reload');
      assert.equal(stream.exited(), false, 'the stream was dropped');
      const r = await run('curl', ['-sv', '--cacert', second.cert, `${https}/healthz`]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /subject: CN=second/);

      // A reload that cannot read its files keeps the certificate in use.
      fs.writeFileSync(path.join(dir, 'served.cert.pem'), 'not a certificate\n');
      hub.proc.kill('SIGHUP');
      await waitUntil(() => /TLS certificate reload failed/.test(hub.logs()), { what: 'the failed reload in the log' });
      const still = await run('curl', ['-sv', '--cacert', second.cert, `${https}/healthz`]);
      assert.equal(still.code, 0, still.stderr);
      assert.match(still.stderr, /subject: CN=second/);
      assert.equal(hub.proc.exitCode, null, 'a failed reload stopped the hub');
    } finally {
      stream.close();
    }
  });
});

describe('--tls-self-signed', () => {
  it('with --dev: prints a certificate path that curl can trust, removed at exit', async () => {
    const hub = await startHerald(['--dev', '--no-ticker', '--tls-self-signed', '--tls-listen', '127.0.0.1:0']);
    let certPath;
    try {
      await waitUntil(() => /curl --cacert [^)\s]+/.test(hub.out()), { what: 'the certificate path' });
      certPath = hub.out().match(/curl --cacert ([^)\s]+)/)[1];
      assert.equal(fs.statSync(path.dirname(certPath)).mode & 0o777, 0o700);
      const port = new URL(httpsUrlOf(hub)).port;
      for (const host of ['localhost', '127.0.0.1']) {
        const r = await run('curl', ['-s', '--cacert', certPath, `https://${host}:${port}/healthz`]);
        assert.equal(r.code, 0, `${host}: ${r.stderr}`);
        assert.equal(r.stdout.trim(), 'ok');
      }
    } finally {
      assert.equal(await hub.stop(), 0);
    }
    assert.equal(fs.existsSync(path.dirname(certPath)), false, 'the throwaway certificate was left behind');
  });

  it('is refused without --dev (exit 2)', async () => {
    const r = await run(heraldBin, ['serve', '--tls-self-signed', '--listen', '127.0.0.1:0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--tls-self-signed is for --dev only/);
  });
});

describe('TLS configuration errors', () => {
  let dir;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-tls-test-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the file that cannot be used and exits 2', async () => {
    const a = makeCert('a', { dir });
    const b = makeCert('b', { dir });
    const serve = (cert, key) => run(heraldBin, ['serve', '--listen', '127.0.0.1:0', '--tls-listen', '127.0.0.1:0',
      '--tls-cert', cert, '--tls-key', key]);
    const missing = await serve(path.join(dir, 'missing.pem'), a.key);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read the TLS certificate \(--tls-cert\) .*missing\.pem: No such file/);
    const mismatch = await serve(a.cert, b.key);
    assert.equal(mismatch.code, 2);
    assert.match(mismatch.stderr, /the TLS key \(--tls-key\) .*b\.key\.pem does not match the certificate/);
    const noKey = await run(heraldBin, ['serve', '--tls-listen', '127.0.0.1:0', '--tls-cert', a.cert]);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /--tls-listen needs --tls-key/);
  });
});
