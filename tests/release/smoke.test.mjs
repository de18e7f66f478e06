// The release binary, as `make run` starts it: `herald serve --dev` serves the demo page,
// takes a publish and delivers it to a subscriber. CI builds and runs what users run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withHub } from '../lib/herald.mjs';
import { request } from '../lib/http_util.mjs';
import { subscribeOk, publishOk } from '../lib/sse_reader.mjs';

test('the release herald serves the demo, a publish and a subscribe', { timeout: 60000 }, async () => {
  assert.match(process.env.HERALD_BIN ?? '', /release/, 'HERALD_BIN names the release binary');
  await withHub(['--dev'], async (hub) => {
    const page = await request(hub.url, { path: '/' });
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /^text\/html/);
    assert.match(page.body, /<title>[^<]*herald/i);

    const topic = 'urn:herald:smoke';
    const s = await subscribeOk(hub.url, { topics: topic });
    const id = await publishOk(hub.url, { topic, data: 'hello from the release build' });
    const [event] = await s.waitForEvents(1);
    assert.equal(event.id, id);
    assert.equal(event.data, 'hello from the release build');
    s.close();
  });
});
