// `herald sub` as the CLI tests drive it: a subscriber left running, and a Node SSE server
// that records the exact requests a client sends.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { heraldBin } from './herald.mjs';
import { waitUntil } from './http_util.mjs';

// A `herald sub` left running: lines() so far, waitLines(n), stop(signal) -> exit code.
export function startSub(args, { env = {} } = {}) {
  const proc = spawn(heraldBin, ['sub', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => { stdout += d; });
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal })));
  const lines = () => stdout.split('\n').slice(0, -1);
  return {
    proc,
    lines,
    stderr: () => stderr,
    waitLines: (n, timeoutMs = 10000) => waitUntil(() => lines().length >= n && lines(),
      { timeoutMs, what: `${n} lines from herald sub (got ${JSON.stringify(stdout)}, stderr ${stderr})` }),
    stop: async (signal = 'SIGINT', graceMs = 5000) => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
    exited,
  };
}

// A Node server that answers its n-th request (from 0) with `answer(n)`, { status, body }:
// a 200 is text/event-stream and ends after the body (an SSE stream the server closes).
// Keeps the { url, headers } of every request.
export async function startSseServer(answer) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const { status = 200, body = '' } = answer(requests.length);
    requests.push({ url: req.url, headers: req.headers });
    req.resume();
    res.writeHead(status, status === 200 ? { 'Content-Type': 'text/event-stream' } : {});
    res.end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); },
  };
}
