// The ticker demo: one row per symbol, created when its first price arrives.
import { openStream, parseJson } from './common.js';

const TOPIC = 'urn:herald:demo:ticker';
// 600 ticks at ten a second: a sparkline covers up to the last minute.
const SPARK_POINTS = 600;
const FLASH_GAP_MS = 1000;

const badge = document.querySelector('[data-testid="status"]');
const rows = document.querySelector('[data-testid="ticker-rows"]');
const rateLabel = document.querySelector('[data-testid="ticker-rate"]');

// symbol -> { row, price, change, canvas, history: number[], dirty, flashedAt }
const symbols = new Map();

function cell(className, testid) {
  const td = document.createElement('td');
  td.className = className;
  if (testid) td.dataset.testid = testid;
  return td;
}

function addSymbol(symbol) {
  rows.querySelector('.empty')?.remove();
  const row = document.createElement('tr');
  row.dataset.testid = 'ticker-row';
  row.dataset.symbol = symbol;
  row.dataset.updates = '0';
  const name = cell('symbol');
  name.textContent = symbol;
  const entry = {
    row,
    price: cell('num', 'price'),
    change: cell('num', 'change'),
    canvas: document.createElement('canvas'),
    history: [],
    dirty: false,
    flashedAt: -Infinity,
  };
  entry.canvas.dataset.testid = 'sparkline';
  const spark = cell('spark');
  spark.append(entry.canvas);
  row.append(name, entry.price, entry.change, spark);
  // Keep rows in alphabetical order whatever order the symbols first arrive in.
  const next = [...rows.children].find((r) => r.dataset.symbol > symbol);
  rows.insertBefore(row, next ?? null);
  symbols.set(symbol, entry);
  return entry;
}

// Ticks come ten times a second, faster than a flash fades: flashing on every tick would
// leave the cells tinted for good, so each price flashes at most once per FLASH_GAP_MS.
function flash(entry, direction) {
  const now = performance.now();
  if (now - entry.flashedAt < FLASH_GAP_MS) return;
  entry.flashedAt = now;
  entry.price.classList.remove('flash-up', 'flash-down');
  void entry.price.offsetWidth; // a reflow, so that adding the class starts a new animation
  entry.price.classList.add(`flash-${direction}`);
}

function drawSparkline(canvas, history) {
  // Draw at device resolution so the line stays crisp on high-DPI screens.
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== width * ratio) canvas.width = width * ratio;
  if (canvas.height !== height * ratio) canvas.height = height * ratio;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  if (history.length < 2) return;

  const min = Math.min(...history);
  const max = Math.max(...history);
  const span = max - min || 1;
  const x = (i) => (i / (history.length - 1)) * width;
  const y = (v) => height - 2 - ((v - min) / span) * (height - 4);
  const style = getComputedStyle(canvas);
  ctx.strokeStyle = history.at(-1) >= history[0]
    ? style.getPropertyValue('--up') : style.getPropertyValue('--down');
  ctx.lineWidth = 1.5;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  history.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
  ctx.stroke();
}

function formatChange(change, price) {
  const sign = change > 0 ? '+' : change < 0 ? '\u2212' : '';
  const previous = price - change;
  const percent = previous ? Math.abs(change / previous) * 100 : 0;
  return `${sign}${Math.abs(change).toFixed(2)} (${sign}${percent.toFixed(2)}%)`;
}

function update({ symbol, price, change }) {
  const entry = symbols.get(symbol) ?? addSymbol(symbol);
  const direction = change >= 0 ? 'up' : 'down';
  entry.price.textContent = price.toFixed(2);
  entry.change.textContent = formatChange(change, price);
  entry.change.classList.toggle('up', change > 0);
  entry.change.classList.toggle('down', change < 0);
  entry.row.dataset.updates = String(Number(entry.row.dataset.updates) + 1);
  flash(entry, direction);
  entry.history.push(price);
  if (entry.history.length > SPARK_POINTS) entry.history.shift();
  entry.dirty = true;
}

// Events arrive ~50 a second; redraw the sparklines once per frame, not once per event.
function redraw() {
  for (const entry of symbols.values()) {
    if (!entry.dirty) continue;
    entry.dirty = false;
    drawSparkline(entry.canvas, entry.history);
  }
  requestAnimationFrame(redraw);
}
requestAnimationFrame(redraw);

let eventsThisSecond = 0;
setInterval(() => {
  rateLabel.textContent = String(eventsThisSecond);
  eventsThisSecond = 0;
}, 1000);

const source = openStream(`/.well-known/mercure?topic=${TOPIC}`, badge);
source.addEventListener('price', (event) => {
  eventsThisSecond += 1;
  const tick = parseJson(event.data);
  if (typeof tick?.symbol !== 'string' || !Number.isFinite(tick.price)
      || !Number.isFinite(tick.change)) return;
  update(tick);
});
