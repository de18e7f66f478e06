// The chat demo: everyone subscribes to one topic; joining, talking and leaving are
// three event types published on it.
import { openStream, parseJson } from './common.js';

const TOPIC = 'urn:herald:demo:chat';
const HUB = '/.well-known/mercure';
const NAME_KEY = 'herald.chat.name';

const badge = document.querySelector('[data-testid="status"]');
const messages = document.querySelector('[data-testid="chat-messages"]');
const joinForm = document.querySelector('[data-testid="chat-join-form"]');
const sendForm = document.querySelector('[data-testid="chat-send-form"]');
const nameInput = document.querySelector('[data-testid="chat-name"]');
const textInput = document.querySelector('[data-testid="chat-text"]');
const leaveButton = document.querySelector('[data-testid="chat-leave"]');
const meLabel = document.querySelector('[data-testid="chat-me"]');
const errorLine = document.querySelector('[data-testid="chat-error"]');

// The name this tab joined with; null while only reading the room.
let me = null;

function form(type, data) {
  return new URLSearchParams({ topic: TOPIC, type, data: JSON.stringify(data) });
}

// Publishes through the hub; our own events come back on the stream like everyone else's,
// so nothing is drawn here. Requests go out one after another: two fetches in flight
// could reach the hub in either order, and a message must not overtake its join.
let lastPublish = Promise.resolve();
function publish(type, data) {
  lastPublish = lastPublish.then(async () => {
    try {
      const response = await fetch(HUB, { method: 'POST', body: form(type, data) });
      if (!response.ok) throw new Error(`${response.status} ${(await response.text()).trim()}`);
      errorLine.hidden = true;
    } catch (error) {
      errorLine.textContent = `Could not publish: ${error.message}`;
      errorLine.hidden = false;
    }
  });
}

function addItem(kind, user, text) {
  messages.querySelector('.empty')?.remove();
  // Follow new messages only when the reader is already at the bottom.
  const atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
  const li = document.createElement('li');
  li.dataset.kind = kind;
  li.dataset.user = user;
  if (kind === 'message') {
    const who = document.createElement('span');
    who.className = 'user';
    who.textContent = user;
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;
    li.append(who, body);
    li.classList.toggle('mine', user === me);
  } else {
    li.textContent = `${user} ${kind === 'join' ? 'joined' : 'left'}`;
  }
  messages.append(li);
  if (atBottom) messages.scrollTop = messages.scrollHeight;
}

function showJoined(name) {
  me = name;
  meLabel.textContent = name ? `You are ${name}` : '';
  meLabel.hidden = !name;
  joinForm.hidden = Boolean(name);
  sendForm.hidden = !name;
  (name ? textInput : nameInput).focus();
}

// Subscribe at once, so the room can be read before joining it. `lastEventID=earliest`
// replays what the hub's history still holds of the room; when the stream reconnects, the
// browser's Last-Event-ID header takes precedence and only what was missed comes back.
const source = openStream(`${HUB}?topic=${encodeURIComponent(TOPIC)}&lastEventID=earliest`, badge);
for (const kind of ['message', 'join', 'leave']) {
  source.addEventListener(kind, (event) => {
    const payload = parseJson(event.data);
    if (typeof payload?.user !== 'string') return;
    addItem(kind, payload.user, kind === 'message' ? String(payload.text ?? '') : '');
  });
}

// The hub says it no longer holds everything since the last message this page saw (the
// hub restarted without durable history, or its history moved past us while we were
// away). What it does hold follows at once, in full: start the room over from it rather
// than show a conversation with a hole in it.
source.addEventListener('herald-reset', () => {
  messages.replaceChildren();
  const note = document.createElement('li');
  note.dataset.kind = 'reset';
  note.className = 'notice';
  note.textContent = 'Some messages were missed while away; showing what the hub still holds.';
  messages.append(note);
});

nameInput.value = localStorage.getItem(NAME_KEY) ?? '';

joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = nameInput.value.trim();
  if (!name) return;
  localStorage.setItem(NAME_KEY, name);
  showJoined(name);
  publish('join', { user: name });
});

sendForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = textInput.value.trim();
  if (!text) return;
  textInput.value = '';
  publish('message', { user: me, text });
});

leaveButton.addEventListener('click', () => {
  publish('leave', { user: me });
  showJoined(null);
});

// A fetch started while the page unloads may be cancelled; a beacon is delivered anyway.
// URLSearchParams makes it an application/x-www-form-urlencoded POST, as the hub expects.
window.addEventListener('pagehide', () => {
  if (me) navigator.sendBeacon(HUB, form('leave', { user: me }));
});
