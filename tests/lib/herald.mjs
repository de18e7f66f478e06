// Starts the real `herald serve` binary on port 0 for a test and stops it afterwards, and
// runs the other subcommands to their end. The binary is taken from HERALD_BIN (set by
// ctest), else the dev build.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, after } from 'node:test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTimeout } from './http_util.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const heraldBin = process.env.HERALD_BIN || path.join(repo, 'build/dev/herald');

// Runs `herald ARGS...` to the end, with `input` (if given) on its standard input and
// `env` added to the environment; killed after `timeoutMs`. Resolves { code, signal,
// stdout, stderr }, whatever the exit code.
export function runHerald(args, { env = {}, input, timeoutMs = 20000 } = {}) {
  return withTimeout(new Promise((resolve, reject) => {
    const proc = spawn(heraldBin, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (input !== undefined) proc.stdin.end(input);
    else proc.stdin.end();
    setTimeout(() => proc.kill('SIGKILL'), timeoutMs).unref();
  }), timeoutMs + 2000, `herald ${args.join(' ')}`);
}

// Returns { url, port, proc, logs(), out(), stop() }. `args` are extra `herald serve` flags.
// `listen: null` leaves out the --listen flag (e.g. to test HERALD_LISTEN).
export async function startHerald(args = [], { env = {}, timeoutMs = 15000, listen = '127.0.0.1:0' } = {}) {
  const listenArgs = listen === null ? [] : ['--listen', listen];
  // `herald serve` keeps history in ./herald-data unless told otherwise: tests that do not
  // ask for a store get memory, so parallel hubs never share (or lock) one directory.
  const storeArgs = args.includes('--store') || env.HERALD_STORE ? [] : ['--store', 'memory'];
  const proc = spawn(heraldBin, ['serve', ...listenArgs, ...storeArgs, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`herald did not start:\n${err}`)); }, timeoutMs);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`herald exited ${code}:\n${err}`)); });
    proc.on('error', (e) => { clearTimeout(timer); reject(new Error(`cannot run ${heraldBin}: ${e.message}`)); });
  });
  const port = Number(new URL(url).port);
  return {
    url, port, proc,
    logs: () => err,
    out: () => out,
    // Sends SIGTERM and resolves with the exit code (kills hard after `graceMs`).
    stop: (graceMs = 10000) => new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode ?? proc.signalCode);
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      proc.once('exit', (code, signal) => { clearTimeout(t); resolve(code ?? signal); });
      proc.kill('SIGTERM');
    }),
  };
}

// Runs `fn(hub)` against a hub of its own, then checks that the hub stopped cleanly.
export async function withHub(args, fn, opts) {
  const hub = await startHerald(args, opts);
  try {
    await fn(hub);
  } finally {
    assert.equal(await hub.stop(), 0);
  }
}

// One hub for a describe() block: `fx.hub` once its before() hook ran, and `fx.sub(opts)`
// opens a subscription (see sse_reader.mjs) that is closed before the hub stops cleanly.
export function hubForBlock(args, subscribeOk) {
  const fx = { hub: undefined, streams: [] };
  before(async () => { fx.hub = await startHerald(args); });
  after(async () => {
    for (const s of fx.streams) s.close();
    assert.equal(await fx.hub.stop(), 0);
  });
  fx.sub = async (opts) => {
    const s = await subscribeOk(fx.hub.url, opts);
    fx.streams.push(s);
    return s;
  };
  return fx;
}
