// The clock demo: one EventSource on /demo/clock, every event written to a log.
import { openStream, closeStream } from './common.js';

// Keeps the log (one line a second) from growing for as long as the tab stays open.
const MAX_LOG_LINES = 100;

const badge = document.querySelector('[data-testid="status"]');
const log = document.querySelector('[data-testid="clock-log"]');
const face = document.querySelector('[data-testid="clock-face"]');
const startTime = document.querySelector('[data-testid="start-time"]');
const closeButton = document.querySelector('[data-testid="close-stream"]');

function addLine(kind, text) {
  const li = document.createElement('li');
  li.dataset.kind = kind;
  li.textContent = text;
  log.append(li);
  while (log.children.length > MAX_LOG_LINES) log.firstElementChild.remove();
  log.scrollTop = log.scrollHeight;
}

const source = openStream('/demo/clock', badge);

source.addEventListener('open', () => addLine('open', 'Connection open'));

source.addEventListener('connecttime', (event) => {
  startTime.textContent = event.data;
  addLine('start', `Start time: ${event.data}`);
});

source.addEventListener('message', (event) => {
  face.textContent = event.data;
  addLine('ping', `Ping: ${event.data}`);
});

closeButton.addEventListener('click', () => {
  closeStream(source, badge);
  addLine('closed', 'Connection closed');
  closeButton.disabled = true;
});
