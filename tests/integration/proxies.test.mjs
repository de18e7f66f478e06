// HUB-CONTRACT "Behind a proxy": the nginx and Caddy setups the docs show, run for real
// (Debian's nginx and caddy, started here on loopback ports with their own configuration):
// events pass through at once (no response buffering), Last-Event-ID reaches the hub, and
// Caddy multiplexes every stream onto one h2c connection to the hub.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startHerald } from '../lib/herald.mjs';
import { publishOk, waitUntil } from '../lib/http_util.mjs';
import { makeCert } from '../lib/tls_cert.mjs';
import { curlStream, run } from '../lib/tools.mjs';

// A loopback port free now (the proxies' configurations need a number).
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts a proxy in the foreground; resolves once `port` accepts connections.
async function startProxy(cmd, args, port, env = {}) {
  const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  await waitUntil(() => new Promise((resolve) => {
    if (proc.exitCode !== null) throw new Error(`${cmd} exited ${proc.exitCode}:\n${log}`);
    const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  }), { timeoutMs: 10000, what: `${cmd} listening on ${port}` });
  return {
    log: () => log,
    stop: () => new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.on('exit', resolve);
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
    }),
  };
}

async function metric(hub, name) {
  const r = await run('curl', ['-s', `${hub.url}/metrics`]);
  const m = r.stdout.match(new RegExp(`^${name} (\\d+)$`, 'm'));
  assert.ok(m, `no ${name} in /metrics:\n${r.stdout}`);
  return Number(m[1]);
}

describe('behind nginx: TLS and HTTP/2 at the proxy, HTTP/1.1 to the hub', () => {
  let dir;
  let hub;
  let nginx;
  let front;
  let cert;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-nginx-'));
    fs.chmodSync(dir, 0o755);  // nginx's workers run as nobody
    cert = makeCert('localhost', { dir });
    hub = await startHerald(['--dev', '--no-ticker']);
    const port = await freePort();
    front = `https://127.0.0.1:${port}`;
    // The server block is docs/HUB-CONTRACT.md's, with test paths and ports.
    fs.writeFileSync(path.join(dir, 'nginx.conf'), `
daemon off;
pid ${dir}/nginx.pid;
error_log stderr warn;
worker_processes 1;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream herald {
    server 127.0.0.1:${hub.port};
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port} ssl http2;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate ${cert.cert};
    ssl_certificate_key ${cert.key};
    location / {
      proxy_pass http://herald;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 1h;
    }
  }
}
`);
    nginx = await startProxy('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf')], port);
  });
  after(async () => {
    await nginx?.stop();
    await hub?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('streams each event through at once, over h2 to the browser side', async () => {
    const topic = 'urn:herald:test:nginx';
    const stream = curlStream(['-v', '--http2', '--cacert', cert.cert,
      `${front}/.well-known/mercure?topic=${encodeURIComponent(topic)}`]);
    try {
      await waitUntil(async () => (await metric(hub, 'herald_subscribers')) === 1,
        { what: 'the subscription through nginx' });
      for (const data of ['first', 'second']) {
        // No flush waits for a buffer to fill: each event shows up on its own, quickly.
        await publishOk(hub.url, { topic, data });
        await stream.waitFor(`data: ${data}\n\n`, 3000);
      }
      // nginx's HTTP/2 side sends the response head with the first body bytes (an event or
      // a heartbeat), not before: docs/HUB-CONTRACT.md says so.
      assert.match(stream.err(), /< HTTP\/2 200/);
    } finally {
      stream.close();
    }
  });

  it('passes Last-Event-ID to the hub: a resume through nginx gets what followed', async () => {
    const topic = 'urn:herald:test:nginx:resume';
    const first = await publishOk(hub.url, { topic, data: 'before' });
    await publishOk(hub.url, { topic, data: 'missed' });
    const stream = curlStream(['--http2', '--cacert', cert.cert, '-H', `Last-Event-ID: ${first}`,
      `${front}/.well-known/mercure?topic=${encodeURIComponent(topic)}`]);
    try {
      await stream.waitFor('data: missed\n\n');
      assert.ok(!stream.out().includes('data: before'), stream.out());
    } finally {
      stream.close();
    }
  });

  it('publishes through nginx', async () => {
    const topic = 'urn:herald:test:nginx:publish';
    const r = await run('curl', ['-s', '--http2', '--cacert', cert.cert, '-d', `topic=${topic}`,
      '-d', 'data=via-nginx', `${front}/.well-known/mercure`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^urn:uuid:/);
  });
});

describe('behind Caddy: every stream on one h2c connection to the hub', () => {
  let dir;
  let hub;
  let caddy;
  let front;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-caddy-'));
    hub = await startHerald(['--dev', '--no-ticker']);
    const port = await freePort();
    front = `http://127.0.0.1:${port}`;
    // docs/HUB-CONTRACT.md's Caddyfile, with a plain-HTTP site for the test (a real site
    // name gets Caddy's automatic HTTPS).
    fs.writeFileSync(path.join(dir, 'Caddyfile'), `{
	admin off
	auto_https off
}
http://127.0.0.1:${port} {
	reverse_proxy h2c://127.0.0.1:${hub.port} {
		flush_interval -1
	}
}
`);
    caddy = await startProxy('caddy', ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
      port, { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir });
  });
  after(async () => {
    await caddy?.stop();
    await hub?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('20 subscribers through Caddy share one connection to the hub, and each gets the event', async () => {
    const topic = 'urn:herald:test:caddy';
    const before = await metric(hub, 'herald_connections');
    const streams = Array.from({ length: 20 }, () =>
      curlStream([`${front}/.well-known/mercure?topic=${encodeURIComponent(topic)}`]));
    try {
      await waitUntil(async () => (await metric(hub, 'herald_subscribers')) === 20,
        { timeoutMs: 10000, what: '20 subscriptions through Caddy' });
      // Ours to /metrics is one; Caddy's h2c connection carries all 20 streams.
      assert.ok(await metric(hub, 'herald_connections') <= before + 1,
        'Caddy opened more than one connection to the hub');
      await publishOk(hub.url, { topic, data: 'through-caddy' });
      for (const s of streams) await s.waitFor('data: through-caddy\n\n', 3000);
    } finally {
      for (const s of streams) s.close();
    }
  });
});
