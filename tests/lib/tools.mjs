// The command-line tools the integration tests drive as an operator would: curl for
// requests and streams (tls_cert.mjs makes certificates with openssl).
import { spawn } from 'node:child_process';
import { waitUntil, withTimeout } from './http_util.mjs';

// Runs a command to its end, `input` on its standard input (killed after `timeoutMs`):
// { code, stdout, stderr }.
export function run(cmd, args, { input = '', timeoutMs = 30000 } = {}) {
  return withTimeout(new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, stdout, stderr }));
    proc.stdin.end(input);
    setTimeout(() => proc.kill('SIGKILL'), timeoutMs).unref();
  }), timeoutMs + 2000, `${cmd} ${args.join(' ')}`);
}

// A long-running `curl -N` whose output is read as it comes.
export function curlStream(args) {
  const proc = spawn('curl', ['-sN', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  return {
    out: () => out,
    err: () => err,
    waitFor: (text, timeoutMs = 5000) => waitUntil(() => out.includes(text), { timeoutMs, what: `${text} in the stream` }),
    close: () => proc.kill('SIGTERM'),
    exited: () => proc.exitCode !== null || proc.signalCode !== null,
  };
}
