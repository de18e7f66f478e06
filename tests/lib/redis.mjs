// A real redis-server for the cluster tests (`herald serve --store redis://...`): on a
// free loopback port, with an AOF fsynced at every write in a temp directory of its own,
// so a kill -9 keeps every write Redis acknowledged and restart() (same port, same
// directory) brings the stream back. Nothing is skipped: without redis-server (REDIS_BIN,
// else /usr/bin/redis-server or the PATH) startRedis() fails saying so.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { withTimeout } from './http_util.mjs';

function findRedisServer() {
  if (process.env.REDIS_BIN) return process.env.REDIS_BIN;
  const candidates = ['/usr/bin/redis-server', '/usr/local/bin/redis-server',
    ...(process.env.PATH || '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'redis-server'))];
  return candidates.find((p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

// When the test process dies (a ctest timeout kills it), its redis-servers must not
// outlive it: each runs under `setpriv --pdeathsig KILL` where util-linux has it, and the
// ones still running when Node exits are killed then.
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
const running = new Set();
process.on('exit', () => {
  for (const proc of running) {
    try { proc.kill('SIGKILL'); } catch { /* gone */ }
  }
});

// A port nothing listens on right now (bound to 127.0.0.1:0 by us, then closed).
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// One raw command on a fresh connection: resolves with the first reply line (e.g.
// '+PONG'), rejects on a connection error or after `timeoutMs`.
export function redisCommand(port, line, { timeoutMs = 1000 } = {}) {
  return withTimeout(new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    s.on('connect', () => s.write(`${line}\r\n`));
    s.on('data', (d) => {
      buf += d;
      const eol = buf.indexOf('\r\n');
      if (eol >= 0) { s.destroy(); resolve(buf.slice(0, eol)); }
    });
    s.on('error', (e) => { s.destroy(); reject(e); });
    s.on('close', () => reject(new Error(`redis on ${port} closed before answering ${line}`)));
  }), timeoutMs, `redis ${line} on ${port}`);
}

// Polls PING until +PONG (bounded by `timeoutMs`), or until `proc` exits.
async function waitForPong(port, proc, timeoutMs, logs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`redis-server exited (${proc.exitCode ?? proc.signalCode}) before answering PING:\n${logs()}`);
    }
    try {
      last = await redisCommand(port, 'PING', { timeoutMs: 500 });
      if (last === '+PONG') return;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) {
      throw new Error(`redis-server on ${port} did not answer PING in ${timeoutMs} ms (last: ${last}):\n${logs()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Starts redis-server on 127.0.0.1:`port` (0: a free one). Returns { port, url, dir,
// proc, logs(), stop(), kill(), restart(), cleanup() }: stop() is SIGTERM (then SIGKILL
// after `graceMs`), kill() SIGKILL, both resolve once it exited; restart() starts it
// again on the same port and directory; cleanup() kills it if it runs and removes the
// directory. A test calls cleanup() in a finally block.
export async function startRedis({ port = 0, timeoutMs = 10000 } = {}) {
  const bin = findRedisServer();
  if (!bin) {
    throw new Error('redis-server not found (looked at REDIS_BIN, /usr/bin/redis-server, /usr/local/bin and the ' +
      'PATH): the cluster tests need a real Redis; install it (Debian: apt-get install redis-server)');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-itest-redis-'));
  const r = {
    port: port || await freePort(),
    dir,
    proc: undefined,
    out: '',
  };
  const launch = async () => {
    const args = ['--port', String(r.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes',
      '--appendfsync', 'always', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'no', '--loglevel', 'notice'];
    const proc = SETPRIV
      ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    r.proc = proc;
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    proc.stdout.on('data', (d) => { r.out += d; });
    proc.stderr.on('data', (d) => { r.out += d; });
    await new Promise((resolve, reject) => {
      proc.once('spawn', resolve);
      proc.once('error', (e) => reject(new Error(`cannot run ${bin}: ${e.message}`)));
    });
    try {
      await waitForPong(r.port, proc, timeoutMs, () => r.out);
    } catch (e) {
      proc.kill('SIGKILL');
      throw e;
    }
  };
  const isRunning = () => r.proc && r.proc.exitCode === null && r.proc.signalCode === null;
  const signal = (sig, graceMs = 10000) => new Promise((resolve) => {
    const { proc } = r;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve(proc?.exitCode ?? proc?.signalCode);
    const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    proc.once('exit', (code, sig2) => { clearTimeout(t); resolve(code ?? sig2); });
    proc.kill(sig);
  });
  try {
    await launch();
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    get port() { return r.port; },
    get proc() { return r.proc; },
    url: `redis://127.0.0.1:${r.port}`,
    dir,
    logs: () => r.out,
    running: isRunning,
    stop: (graceMs) => signal('SIGTERM', graceMs),
    kill: () => signal('SIGKILL'),
    async restart() {
      if (isRunning()) await signal('SIGTERM');
      await launch();
    },
    async cleanup() {
      if (isRunning()) await signal('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
