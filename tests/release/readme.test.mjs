// Runs the shell commands of README.md against the release binary, so the README cannot
// drift from what herald does. Each ```sh block runs in one bash session against a hub
// of its own: the block's `herald serve` command when it has one (moved to a free port),
// else `herald serve --dev` as `make run` starts it. Rules:
// - `127.0.0.1:8080` means that hub, and `127.0.0.1:8443` its TLS listener when its serve
//   command has one; `herald` and `build/release/herald` the release binary; other
//   listeners in a serve command move to free ports;
// - a command that streams (`curl -N`, `herald sub` without `--count`) runs for a few
//   seconds while the test publishes a marker to each topic it names (a URI template's
//   variables expanded to `1`); every marker must reach it; one that names no topic (a
//   plain SSE URL) must print something by itself;
// - `urn:uuid:...` stands for an id the hub gave: a real one is put in;
// - every other command must exit 0 (curl with --fail-with-body);
// - commands before a block's `herald serve` (making its key files, say) run first, and the
//   whole block then runs in a directory of its own, where the hub runs too;
// - commands that build, install or package (`make`, `cmake`, `cpack`, `dpkg`, `sudo`,
//   `systemctl`, `apt-get`, and the `export`/`g++` of building against an installed
//   herald, which name a <prefix>) are covered by `make test` itself and by the install
//   and package tests, and are skipped here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHerald } from '../lib/herald.mjs';
import { publishOk, waitUntil } from '../lib/http_util.mjs';

const repo = process.env.HERALD_SOURCE_DIR
  || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const heraldBin = process.env.HERALD_BIN;
const skippedWords = new Set(['make', 'cmake', 'cpack', 'dpkg', 'sudo', 'systemctl', 'apt-get', 'export', 'g++']);

// The ```sh blocks of the README: arrays of commands (continuations joined, comments and
// blank lines dropped).
export function shellBlocks(markdown) {
  const blocks = [];
  for (const m of markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)) {
    const commands = [];
    let current = '';
    for (const line of m[1].split('\n')) {
      if (!current && (line.trim() === '' || line.trim().startsWith('#'))) continue;
      current += line.replace(/\s+#\s.*$/, '');
      if (current.endsWith('\\')) {
        current = `${current.slice(0, -1).trimEnd()} `;
        continue;
      }
      commands.push(current.trim());
      current = '';
    }
    blocks.push(commands);
  }
  return blocks;
}

// Shell words of a simple command (quotes removed), for reading its topics and flags.
function words(command) {
  const out = [];
  for (const m of command.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

const isServe = (c) => /^(build\/release\/)?herald serve\b/.test(c) && !/--help\b/.test(c);
const isStreaming = (c) => /^curl\b.*\s-N\b/.test(c) || (/^herald sub\b/.test(c) && !/--count\b/.test(c));

// A topic each selector of `command` matches: a 0.x URI template's variables and a 1.0 URL
// pattern's named groups become `1`; 1.0 exact matchers are topics as they are.
function topicsOf(command) {
  const w = words(command);
  const topics = [];
  const template = (t) => t.replace(/\{[^}]*\}/g, '1');
  const pattern = (t) => t.replace(/\/:\w+/g, '/1');
  const add = (name, value) => {
    if (name === 'topic') topics.push(template(value));
    if (name === 'match' || name === 'match_exact') topics.push(value);
    if (name === 'match_urlpattern') topics.push(pattern(value));
  };
  for (let i = 0; i < w.length; ++i) {
    if (w[i].startsWith('--') && i + 1 < w.length) add(w[i].slice(2).replace(/-/g, '_'), w[i + 1]);
    if (/^https?:\/\//.test(w[i]) && w[i].includes('?')) {
      for (const [k, v] of new URL(w[i]).searchParams) add(k, v);
    }
  }
  return topics;
}

// Runs a bash script to its end (killed after `timeoutMs`): { status, stdout, stderr }.
function runScript(script, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const proc = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    proc.on('error', reject);
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

// Runs one block; returns what was skipped.
async function runBlock(commands, index, binDir, work) {
  const skipped = [];
  const serve = commands.filter(isServe);
  assert.ok(serve.length <= 1, `README block ${index}: one herald serve per block`);
  let hub;
  let scriptDir = repo;
  const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}` };
  if (serve.length) {
    let args = words(serve[0].replace(/^(build\/release\/)?herald serve/, ''));
    args = args.map((a) => a.replace(/^(0\.0\.0\.0|127\.0\.0\.1|localhost|\[::\]):\d+$/, '127.0.0.1:0'));
    const hasListen = args.includes('--listen');
    // As a user runs it: history in ./herald-data (LMDB) unless the block says otherwise,
    // in a directory of this block's own.
    const cwd = fs.mkdtempSync(path.join(work, `block-${index}-`));
    const before = commands.slice(0, commands.indexOf(serve[0]))
      .filter((c) => !skippedWords.has(c.split(/\s+/)[0]));
    if (before.length) {
      const script = before.map((c) => c.replaceAll('build/release/herald', 'herald'));
      const prepared = await runScript(['set -euo pipefail', ...script].join('\n'), { cwd, env, timeoutMs: 60000 });
      assert.equal(prepared.status, 0, `README block ${index}, before herald serve:\n${prepared.stdout}\n${prepared.stderr}`);
      commands = commands.filter((c) => !before.includes(c));
      scriptDir = cwd;
    }
    hub = await startHerald(args, { listen: hasListen ? null : '127.0.0.1:0', cwd, defaultStore: true });
    if (args.includes('--tls-listen')) {
      await waitUntil(() => /listening on https:/.test(hub.out()), { what: 'the https listener line' });
    }
  } else {
    hub = await startHerald(['--dev']);
  }
  try {
    const givenId = await publishOk(hub.url, { topic: 'urn:chat:lobby', data: 'an earlier event' })
      .catch(() => 'urn:uuid:00000000-0000-4000-8000-000000000000');
    const tlsPort = hub.out().match(/listening on https:\/\/127\.0\.0\.1:(\d+)/)?.[1];
    const lines = ['set -euo pipefail', `out=${JSON.stringify(work)}`];
    let n = 0;
    for (const original of commands) {
      if (isServe(original)) continue;
      const first = original.split(/\s+/)[0];
      if (skippedWords.has(first)) { skipped.push(original); continue; }
      let c = original
        .replaceAll('127.0.0.1:8080', `127.0.0.1:${hub.port}`)
        .replaceAll('127.0.0.1:8443', `127.0.0.1:${tlsPort ?? 8443}`)
        .replaceAll('build/release/herald', 'herald')
        .replaceAll('urn:uuid:...', givenId);
      n += 1;
      if (isStreaming(c)) {
        lines.push(`echo "README> ${original.replaceAll('"', '\\"').replaceAll('$', '\\$')}" >&2`);
        lines.push(`timeout 4 ${c} > "$out/${n}" 2>&1 &`, 'pid=$!', 'sleep 1.5');
        const topics = topicsOf(original);
        topics.forEach((t, i) => {
          lines.push(`curl -sS --fail-with-body -o /dev/null -d topic=${JSON.stringify(encodeURIComponent(t))} ` +
            `-d data=marker-${n}-${i} http://127.0.0.1:${hub.port}/.well-known/mercure`);
        });
        lines.push('rc=0; wait $pid || rc=$?', `[ $rc -eq 0 ] || [ $rc -eq 124 ] || { echo "exit $rc: ${original.replaceAll('"', '\\"').replaceAll('$', '\\$')}"; cat "$out/${n}"; exit 1; }`);
        topics.forEach((t, i) => {
          lines.push(`grep -q marker-${n}-${i} "$out/${n}" || { echo "README command got no event on ${t}: ` +
            `${original.replaceAll('"', '\\"').replaceAll('$', '\\$')}"; cat "$out/${n}"; exit 1; }`);
        });
        // A plain SSE URL (no topic to publish to) must have streamed something by itself.
        if (!topics.length) {
          lines.push(`[ -s "$out/${n}" ] || { echo "README command streamed nothing: ` +
            `${original.replaceAll('"', '\\"').replaceAll('$', '\\$')}"; exit 1; }`);
        }
      } else {
        if (/^curl\b/.test(c) || /\|\s*curl\b/.test(c)) c = c.replace(/\bcurl\b/, 'curl -sS --fail-with-body');
        c = c.replace(/\$\(\s*curl\b/g, '$(curl -sS --fail-with-body');
        lines.push(`echo "README> ${original.replaceAll('"', '\\"').replaceAll('$', '\\$')}" >&2`, c);
      }
    }
    // Run without blocking this process: the hub's own output must go on being read, or
    // a block that makes it log much (a thousand subscriptions) would stall it on a full pipe.
    const run = await runScript(lines.join('\n'), { cwd: scriptDir, timeoutMs: 60000, env });
    assert.equal(run.status, 0, `README block ${index} failed:\n${run.stdout}\n${run.stderr}\n--- script ---\n${lines.join('\n')}`);
  } finally {
    assert.equal(await hub.stop(), 0, `README block ${index}: the hub stops cleanly`);
  }
  return skipped;
}

test('every shell command of the README works as written', { timeout: 300000 }, async () => {
  assert.ok(heraldBin, 'HERALD_BIN names the release binary');
  const blocks = shellBlocks(fs.readFileSync(path.join(repo, 'README.md'), 'utf8'));
  assert.ok(blocks.length >= 4, `the README has its shell blocks (found ${blocks.length})`);
  const binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-readme-bin-'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-readme-out-'));
  fs.symlinkSync(heraldBin, path.join(binDir, 'herald'));
  const skipped = [];
  let ran = 0;
  try {
    for (const [i, commands] of blocks.entries()) {
      skipped.push(...await runBlock(commands, i, binDir, work));
      ran += commands.length;
    }
  } finally {
    fs.rmSync(binDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`README: ${ran - skipped.length} commands run, ${skipped.length} skipped (build/install): ${skipped.join(' | ')}`);
  assert.ok(ran - skipped.length >= 8, 'most of the README ran');
});
