// The exit codes of docs/CLIENT.md, one test per row, for `herald sub`, `herald pub` and
// `herald token` (the real binary): 0 success, --help, SIGINT and --count; 1 the server
// refused or could not be reached; 2 usage errors, with CLI11's message on stderr.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { DEV_KEY } from '../lib/jwt.mjs';
import { heraldBin, runHerald, startHerald } from '../lib/herald.mjs';
import { waitUntil } from '../lib/http_util.mjs';

const topic = () => `urn:test:exit:${randomUUID()}`;
// A usage error that CLI11 found ends with these words; one that herald found (after
// parsing) starts with "herald <subcommand>: ".
const cli11Hint = /Run with --help for more information/;
const ourMessage = (re) => re?.source.startsWith('^herald ');

describe('exit codes', { concurrency: 4 }, () => {
  let hub;
  before(async () => { hub = await startHerald(['--dev', '--no-ticker']); });
  after(async () => { assert.equal(await hub.stop(), 0); });

  // One row of the table: `herald ARGS` exits `code`, stderr matching `stderr` when given.
  // `args` is a function so that it can name the hub once it started.
  const rows = [
    ['herald --help', 0, () => ['--help']],
    ['herald --version', 0, () => ['--version']],
    ['herald without a subcommand', 2, () => [], /subcommand/i],
    ['herald with an unknown subcommand', 2, () => ['subscribe'], /subcommand/i],

    ['sub --help', 0, () => ['sub', '--help']],
    ['sub: --count events arrived', 0, () => ['sub', `${hub.url}/demo/clock`, '--count', '1']],
    ['sub: the server refuses the stream (404)', 1, () => ['sub', `${hub.url}/nowhere`], /^herald sub: server answered 404/],
    ['sub: the hub refuses the subscription (400, no topic)', 1, () => ['sub', `${hub.url}/.well-known/mercure`], /^herald sub: server answered 400.*missing topic/],
    ['sub: an unknown flag', 2, () => ['sub', hub.url, '--bogus'], /--bogus/],
    ['sub: no URL', 2, () => ['sub', '--count', '1'], /url.*required|required.*url/i],
    ['sub: --count is not a number', 2, () => ['sub', hub.url, '--count', 'many'], /many/],
    ['sub: --read-timeout is not a duration', 2, () => ['sub', hub.url, '--read-timeout', 'soon'], /^herald sub: --read-timeout/],
    ['sub: not an http(s) URL', 2, () => ['sub', 'ftp://127.0.0.1/x'], /^herald sub: URL/],
    ['sub: a second URL', 2, () => ['sub', hub.url, hub.url], /not expected/],

    ['pub --help', 0, () => ['pub', '--help']],
    ['pub: the hub took the event', 0, () => ['pub', hub.url, '--topic', topic(), '--data', 'x']],
    ['pub: the hub refuses the event (400)', 1, () => ['pub', hub.url, '--topic', topic(), '--retry', 'soon'], /^herald pub: 400/],
    ['pub: the hub cannot be reached', 1, () => ['pub', 'http://127.0.0.1:1', '--topic', topic(), '--timeout', '3s'], /^herald pub: /],
    ['pub: an unknown flag', 2, () => ['pub', hub.url, '--topic', 'a', '--bogus'], /--bogus/],
    ['pub: no --topic', 2, () => ['pub', hub.url, '--data', 'x'], /--topic/],
    ['pub: no URL', 2, () => ['pub', '--topic', 'a', '--data', 'x'], /url.*required|required.*url/i],
    ['pub: --timeout is not a duration', 2, () => ['pub', hub.url, '--topic', 'a', '--timeout', 'soon'], /^herald pub: --timeout/],
    ['pub: an operand that is neither the URL nor -', 2, () => ['pub', hub.url, 'extra', '--topic', 'a'], /extra/],
    ['pub: the data given two ways', 2, () => ['pub', hub.url, '--topic', 'a', '--data', 'x', '-'], /^herald pub: give the data one way/],
    ['pub: not an http(s) URL', 2, () => ['pub', 'not a url', '--topic', 'a'], /^herald pub: URL/],

    ['token --help', 0, () => ['token', '--help']],
    ['token: a token is printed', 0, () => ['token', '--key', DEV_KEY, '--publish', '*']],
    ['token: an unknown flag', 2, () => ['token', '--key', DEV_KEY, '--publish', '*', '--bogus'], /--bogus/],
    ['token: no --key', 2, () => ['token', '--publish', '*'], /--key/],
    ['token: --exp is not a duration', 2, () => ['token', '--key', DEV_KEY, '--publish', '*', '--exp', 'soon'], /^herald token: --exp/],
    ['token: --alg is not supported', 2, () => ['token', '--key', DEV_KEY, '--publish', '*', '--alg', 'none'], /^herald token: --alg/],
    ['token: the key file cannot be read', 2, () => ['token', '--key', '@/nonexistent/key', '--publish', '*'], /^herald token: --key.*nonexistent/],
  ];
  for (const [what, code, args, stderr] of rows) {
    it(`${code}: ${what}`, async () => {
      // HERALD_* from the caller's environment would change what the row means.
      const r = await runHerald(args(), { env: { HERALD_URL: '', HERALD_TOPIC: '', HERALD_KEY: '' } });
      assert.equal(r.code, code, `exit ${r.code}; stderr: ${r.stderr}`);
      if (stderr) assert.match(r.stderr, stderr);
      if (code === 2 && !ourMessage(stderr)) assert.match(r.stderr, cli11Hint);
      if (code !== 0) assert.equal(r.stdout, '', 'nothing on stdout');
    });
  }

  for (const signal of ['SIGINT', 'SIGTERM']) {
    it(`0: sub ends on ${signal}`, async () => {
      const proc = spawn(heraldBin, ['sub', `${hub.url}/demo/clock`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      proc.stdout.on('data', (d) => { stdout += d; });
      const exited = new Promise((resolve) => proc.on('close', (c, s) => resolve({ code: c, signal: s })));
      const killer = setTimeout(() => proc.kill('SIGKILL'), 15000);
      try {
        await waitUntil(() => stdout.includes('\n'), { timeoutMs: 10000, what: 'the first event' });
        proc.kill(signal);
        assert.deepEqual(await exited, { code: 0, signal: null });
      } finally {
        clearTimeout(killer);
        proc.kill('SIGKILL');
      }
    });
  }
});
