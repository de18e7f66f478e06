// HUB-CONTRACT "Starting": "SIGTERM/SIGINT: stops accepting, ends every stream cleanly
// (chunked terminator) so clients reconnect elsewhere, drains, exits 0."
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startHerald } from '../lib/herald.mjs';
import { subscribeOk, publishOk } from '../lib/sse_reader.mjs';
import { rawExchange, withTimeout } from '../lib/http_util.mjs';

function exitOf(proc, timeoutMs) {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  }
  return withTimeout(new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal }))),
    timeoutMs, 'herald to exit');
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

describe('graceful shutdown', () => {
  for (const signal of ['SIGTERM', 'SIGINT']) {
    it(`${signal} with open streams: streams end with the chunked terminator, exit 0`, { timeout: 30000 }, async () => {
      const hub = await startHerald(['--dev', '--heartbeat', '0']);
      try {
        const t = 'urn:test:shutdown';
        const subs = [];
        for (let i = 0; i < 3; i++) subs.push(await subscribeOk(hub.url, { topics: i === 2 ? '*' : t }));
        await publishOk(hub.url, { topic: t, id: 'before-stop', data: 'x' });
        for (const s of subs) await s.waitForEvent((e) => e.id === 'before-stop');

        const t0 = Date.now();
        hub.proc.kill(signal);
        for (const s of subs) {
          const end = await s.waitForClose(5000);
          assert.equal(end.terminated, true, 'stream ended with the chunked terminator (0\\r\\n\\r\\n)');
          assert.equal(s.protocolError, null, `clean chunk framing: ${s.protocolError}`);
          // The `*` one also gets the --dev ticker (type price): keep only ours.
          assert.deepEqual(s.events.filter((e) => e.type !== 'price').map((e) => e.id), ['before-stop'],
            'nothing lost');
          assert.ok(s.parser.buf === '' && s.parser.data.length === 0, `no half event before the end: ${JSON.stringify(s.text.slice(-100))}`);
        }
        const { code, signal: sig } = await exitOf(hub.proc, 5000);
        assert.equal(sig, null, `exited by itself, not killed by ${sig}`);
        assert.equal(code, 0, `exit code ${code}\n${hub.logs()}`);
        assert.ok(Date.now() - t0 < 5000, `shutdown took ${Date.now() - t0} ms`);
        assert.equal(await canConnect(hub.port), false, 'no longer accepting');
      } finally {
        await hub.stop(2000);
      }
    });
  }

  it('an idle keep-alive connection does not hold the exit', { timeout: 30000 }, async () => {
    const hub = await startHerald(['--dev']);
    try {
      const r = await rawExchange(hub.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', { keepOpen: true });
      assert.equal(r.responses[0]?.status, 200);
      const sock = r.socket;
      const closed = new Promise((resolve) => sock.on('close', resolve));
      sock.on('error', () => {});
      const t0 = Date.now();
      hub.proc.kill('SIGTERM');
      const { code } = await exitOf(hub.proc, 5000);
      assert.equal(code, 0);
      await withTimeout(closed, 2000, 'the idle connection to be closed');
      assert.ok(Date.now() - t0 < 5000);
    } finally {
      await hub.stop(2000);
    }
  });

  it('a half-sent request does not hold the exit for long', { timeout: 30000 }, async () => {
    const hub = await startHerald(['--dev']);
    try {
      const sock = net.connect({ port: hub.port, host: '127.0.0.1' });
      sock.on('error', () => {});
      await new Promise((r) => sock.on('connect', r));
      sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'); // no blank line
      await new Promise((r) => setTimeout(r, 200));
      hub.proc.kill('SIGTERM');
      const { code } = await exitOf(hub.proc, 10000);
      assert.equal(code, 0);
      sock.destroy();
    } finally {
      await hub.stop(2000);
    }
  });

  it('a stalled reader does not hold the exit for long', { timeout: 40000 }, async () => {
    // The subscriber stops reading with its kernel buffers full and part of its queue
    // still in the hub (under the 4 MiB default budget, so it is not cut): the hub cannot
    // write the terminator, yet must still exit 0 within a bounded time.
    const hub = await startHerald(['--dev', '--heartbeat', '0']);
    try {
      const t = 'urn:test:shutdown:stalled';
      const s = await subscribeOk(hub.url, { topics: t });
      s.pause();
      const data = 'w'.repeat(64 * 1024);
      for (let i = 0; i < 80; i++) await publishOk(hub.url, { topic: t, data }); // ~5 MiB
      const t0 = Date.now();
      hub.proc.kill('SIGTERM');
      const { code, signal } = await exitOf(hub.proc, 15000);
      assert.equal(signal, null);
      assert.equal(code, 0);
      assert.ok(Date.now() - t0 < 15000, `exit took ${Date.now() - t0} ms`);
      s.close();
    } finally {
      await hub.stop(2000);
    }
  });

  it('a subscriber connecting during shutdown is refused or ended, never hangs', { timeout: 30000 }, async () => {
    const hub = await startHerald(['--dev', '--heartbeat', '0']);
    try {
      const s = await subscribeOk(hub.url, { topics: 'urn:test:shutdown:late' });
      hub.proc.kill('SIGTERM');
      await s.waitForClose(5000);
      const r = await rawExchange(hub.port,
        'GET /.well-known/mercure?topic=x HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 5000 });
      assert.equal(r.timedOut, false, 'a late connection gets an answer or a close, not silence');
      const { code } = await exitOf(hub.proc, 5000);
      assert.equal(code, 0);
    } finally {
      await hub.stop(2000);
    }
  });
});
