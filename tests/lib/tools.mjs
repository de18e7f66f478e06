// The command-line tools the integration tests drive as an operator would: openssl for
// certificates, curl for requests and streams.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import path from 'node:path';
import { waitUntil, withTimeout } from './http_util.mjs';

// A self-signed certificate for localhost and 127.0.0.1 in `dir`, named `name`:
// { cert, key } (PEM paths).
export function makeCert(dir, name = 'localhost') {
  const cert = path.join(dir, `${name}.cert.pem`);
  const key = path.join(dir, `${name}.key.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`,
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  return { cert, key };
}

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

// The https:// URL a hub printed ("herald listening on https://...").
export function httpsUrl(hub) {
  const m = hub.out().match(/listening on (https:\/\/[^\s]+)/);
  assert.ok(m, `no https listener printed:\n${hub.out()}`);
  return m[1];
}
