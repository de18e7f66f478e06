// The chat demo against the real hub: two browsers in one room.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gotoHub, hubAndBrowser, newPage, publish } from './helpers.mjs';

const env = hubAndBrowser(['--dev']);

// The room as a page shows it: [kind, user, text] per line.
const room = (page) => page.$$eval('[data-testid="chat-messages"] li[data-kind]', (items) =>
  items.map((li) => [li.dataset.kind, li.dataset.user, (li.querySelector('.text') ?? li).textContent]));

test('a message and a join sent from one page reach the other', { timeout: 60000 }, async () => {
  // Two browser contexts: two users who share nothing but the hub.
  const bob = await newPage(env.browser);
  const alice = await newPage(env.browser);
  await gotoHub(bob, env.herald.origin, '/chat.html');
  await bob.waitForSelector('[data-testid="status"][data-state="open"]');

  await gotoHub(alice, env.herald.origin, '/chat.html');
  await alice.waitForSelector('[data-testid="status"][data-state="open"]');
  await alice.getByTestId('chat-name').fill('alice');
  await alice.getByTestId('chat-join').click();
  await alice.getByTestId('chat-text').fill('Hello <b>bob</b> & all');
  await alice.getByTestId('chat-send').click();

  await bob.waitForSelector('[data-testid="chat-messages"] li[data-kind="message"][data-user="alice"]');
  assert.deepEqual(await room(bob), [
    ['join', 'alice', 'alice joined'],
    ['message', 'alice', 'Hello <b>bob</b> & all'],
  ]);
  // Alice's own message comes back through the hub too, drawn as hers.
  await alice.waitForSelector('[data-testid="chat-messages"] li.mine[data-user="alice"]');
  assert.equal(await alice.getByTestId('chat-error').isHidden(), true);

  // Leaving the page sends a `leave` beacon.
  await alice.goto('about:blank');
  await bob.waitForSelector('[data-testid="chat-messages"] li[data-kind="leave"][data-user="alice"]');
  assert.deepEqual((await room(bob)).map(([kind]) => kind), ['join', 'message', 'leave']);

  assert.deepEqual(bob.errors, []);
  assert.deepEqual(alice.errors, []);
});

test('a newcomer sees the room\'s recent messages (history replayed on open)', { timeout: 60000 }, async () => {
  await publish(env.herald.url, {
    topic: 'urn:herald:demo:chat', type: 'message', data: JSON.stringify({ user: 'carol', text: 'before you came' }),
  });
  const dave = await newPage(env.browser);
  await gotoHub(dave, env.herald.origin, '/chat.html');
  await dave.waitForSelector('[data-testid="chat-messages"] li[data-kind="message"][data-user="carol"]');
  const seen = await room(dave);
  assert.deepEqual(seen.at(-1), ['message', 'carol', 'before you came']);
  // The first test's conversation is still held too, in order.
  assert.deepEqual(seen.filter(([kind]) => kind === 'message').map(([, user]) => user), ['alice', 'carol']);
  assert.deepEqual(dave.errors, []);
});
