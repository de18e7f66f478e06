// Shared by the durable-history tests (crash_loop, durable_history): throwaway data
// directories, a hub on an LMDB directory (optionally on a fixed port, to restart on the
// same address), kill -9, /metrics as numbers, and "what history holds": a subscription
// read up to a sentinel published after it, so a test knows the replay is complete
// without sleeping.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startHerald } from './herald.mjs';
import { subscribeOk, publishOk } from './sse_reader.mjs';
import { request } from './http_util.mjs';

// The event name of the loss signal (HUB contract, issue 11).
export const RESET = 'herald-reset';

// A fresh directory under the system temp dir; remove it with removeDir().
export function tempDir(tag) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `herald-${tag}-`));
}

export function removeDir(dir) {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

// `herald serve` flags for a quiet dev hub (no token, no ticker: history holds only what
// the test published) whose history is the LMDB directory `dir`. --dev alone would bound
// history per topic at 1000 and keep it in memory, so both are given explicitly.
export function lmdbArgs(dir, extra = []) {
  const perTopic = extra.includes('--history-per-topic') ? [] : ['--history-per-topic', '0'];
  return ['--dev', '--no-ticker', '--store', `lmdb:${dir}`, ...perTopic, ...extra];
}

// Starts a hub on `dir` (lmdbArgs) on 127.0.0.1:`port` (0: any). When the fixed port is
// taken by something else in the meantime, falls back to a new one rather than failing:
// the tests are about the directory, not the port.
export async function startOnDir(dir, extra = [], { port = 0, timeoutMs = 20000 } = {}) {
  try {
    return await startHerald(lmdbArgs(dir, extra), { listen: `127.0.0.1:${port}`, timeoutMs });
  } catch (e) {
    if (port === 0 || !/address|in use/i.test(e.message)) throw e;
    return startHerald(lmdbArgs(dir, extra), { listen: '127.0.0.1:0', timeoutMs });
  }
}

// kill -9 of a hub this test started (by its pid); resolves once it is gone.
export function killHard(hub) {
  return new Promise((resolve) => {
    const { proc } = hub;
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.signalCode ?? proc.exitCode);
    proc.once('exit', (code, signal) => resolve(signal ?? code));
    proc.kill('SIGKILL');
  });
}

// /metrics as { name: number } (the hub serves it publicly with --dev).
export async function metrics(url) {
  const r = await request(url, { path: '/metrics' });
  if (r.status !== 200) throw new Error(`/metrics answered ${r.status}`);
  const values = {};
  for (const line of r.body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    values[line.slice(0, i)] = Number(line.slice(i + 1));
  }
  return values;
}

// The topic sentinels go to. Subscribers here include it, and drop every sentinel they
// see, so a sentinel never counts as history the test checks.
export const SENTINEL_TOPIC = 'urn:herald:test:durable:sentinel';
const isSentinel = (e) => e.id.startsWith('sentinel-');

// Subscribes to `topics` (plus the sentinel topic) resuming from `resumeFrom` (the
// Last-Event-ID header; undefined: none), publishes a sentinel, and resolves with every
// event that came before the sentinel, sentinels left out: exactly what history held for
// those topics after the resume point (replay and live meet without gap, so nothing held
// can come after the sentinel). Events keep the parser's shape: { id, type, data, retry }
// where id is the stream's last id at that event (so a reset frame, which has no id line,
// carries the previous one: test the type, not the id).
export async function readHeld(url, topics, resumeFrom, { timeoutMs = 20000 } = {}) {
  const s = await subscribeOk(url, { topics: [...topics, SENTINEL_TOPIC], lastEventIdHeader: resumeFrom });
  try {
    const sentinel = `sentinel-${randomUUID()}`;
    await publishOk(url, { topic: SENTINEL_TOPIC, id: sentinel, data: 'sentinel' });
    await s.waitForEvent((e) => e.id === sentinel && e.data === 'sentinel', timeoutMs, `sentinel ${sentinel}`);
    const end = s.events.findIndex((e) => e.id === sentinel && e.data === 'sentinel');
    const events = s.events.slice(0, end).filter((e) => !isSentinel(e) || e.type === RESET);
    return { events, text: s.text };
  } finally {
    s.close();
  }
}

// The SSE blocks of a stream body (split on blank lines), each as its list of lines; for
// checking the exact lines of a frame (the reset frame has no id line).
export function sseBlocks(text) {
  return text.replace(/\r\n?/g, '\n').split('\n\n').map((b) => b.split('\n').filter((l) => l !== ''))
    .filter((lines) => lines.length > 0);
}

// The reset frame(s) of a stream body: [{ lines, data (parsed JSON) }].
export function resetFrames(text) {
  return sseBlocks(text).filter((lines) => lines.includes(`event: ${RESET}`))
    .map((lines) => {
      const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.replace(/^data: ?/, '')).join('\n');
      return { lines, data: JSON.parse(data) };
    });
}

// Polls `fn` until it returns a truthy value (bounded by `timeoutMs`); the last value is
// in the error, so a failure says where the hub got stuck.
export async function eventually(fn, what, { timeoutMs = 8000, everyMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
