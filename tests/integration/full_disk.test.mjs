// A full disk under a durable hub (issue 11): the hub's data directory on a small tmpfs
// filled up by another file. Every publish while the disk is full gets 503 with the reason
// and is never delivered; what was acknowledged before stays (also across a restart); and
// once space comes back, publishes get 200 again without a restart.
// Mounting a tmpfs needs root (CAP_SYS_ADMIN): elsewhere the test says so and skips.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { publish, publishOk } from '../lib/http_util.mjs';
import { metrics, readHeld, removeDir, startOnDir, tempDir } from '../lib/durable.mjs';

const TOPIC = 'urn:herald:test:full-disk';

// Mounts a 4 MiB tmpfs on a fresh directory; null when this machine does not let us.
function mountSmallDisk() {
  const mountPoint = tempDir('full-disk');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    return mountPoint;
  } catch (e) {
    removeDir(mountPoint);
    return null;
  }
}

describe('a full disk', () => {
  let mountPoint;
  before(() => { mountPoint = mountSmallDisk(); });
  after(() => {
    if (!mountPoint) return;
    execFileSync('umount', [mountPoint]);
    removeDir(mountPoint);
  });

  it('answers 503 while full, loses nothing acknowledged, and recovers when space returns', async (t) => {
    if (!mountPoint) return t.skip('cannot mount a tmpfs here (not root?): full-disk behaviour not checked');
    const dir = path.join(mountPoint, 'herald-data');
    const data = 'x'.repeat(20000);
    let hub = await startOnDir(dir, ['--history-size', '100000', '--history-bytes', '1000000000']);
    try {
      const kept = [];
      for (let i = 0; i < 3; i++) kept.push(await publishOk(hub.url, { topic: TOPIC, id: `before-${i}`, data }));

      // Fill what is left of the disk with a file of our own.
      const filler = path.join(mountPoint, 'filler');
      try {
        fs.writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024));
      } catch (e) {
        assert.equal(e.code, 'ENOSPC', `filling the disk: ${e.message}`);
      }
      const refused = [];
      for (let i = 0; i < 20; i++) {
        const r = await publish(hub.url, { topic: TOPIC, id: `full-${i}`, data });
        if (r.status === 200) { kept.push(r.body); continue; } // a page LMDB could still reuse
        assert.equal(r.status, 503, `a publish on a full disk: ${r.status} ${r.body}`);
        assert.match(r.body, /^not published: .*No space left on device/);
        assert.equal(r.headers['retry-after'], '1');
        refused.push(`full-${i}`);
      }
      assert.ok(refused.length >= 15, `most publishes on a full disk are refused (${refused.length} of 20)`);
      assert.equal((await metrics(hub.url)).herald_publishes_failed_total, refused.length);

      // Space comes back: the same hub takes publishes again.
      fs.rmSync(filler);
      for (let i = 0; i < 3; i++) kept.push(await publishOk(hub.url, { topic: TOPIC, id: `after-${i}`, data }));

      const held = (await readHeld(hub.url, [TOPIC], 'earliest')).events.map((e) => e.id);
      assert.deepEqual(held, kept, 'every acknowledged event, in order; no refused one');
      assert.equal(await hub.stop(), 0);
      hub = await startOnDir(dir);
      const reopened = (await readHeld(hub.url, [TOPIC], 'earliest')).events.map((e) => e.id);
      assert.deepEqual(reopened, kept, 'the same after a restart');
    } finally {
      await hub.stop();
    }
  });
});
