// The live dashboard: the hub's own metrics, one `metrics` snapshot a second on
// /dashboard/stream. Totals in a snapshot are monotonic counters, so rates (events/s, cuts
// per interval) come from the difference between two consecutive snapshots.
// The charts are plain canvas, drawn at device resolution, over the last two minutes.
import { openStream, parseJson } from './common.js';

const WINDOW_MS = 120_000;
// Samples kept: the window plus a little, so lines enter from the left edge.
const KEEP_MS = WINDOW_MS + 5_000;
// Snapshots come every second; a longer silence than this breaks the lines (and a stream
// silent for STALE_MS greys out the figures).
const GAP_MS = 2_500;
const STALE_MS = 3_500;

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
const badge = $('status');

// ---------------------------------------------------------------------------------------
// Formatting.

const grouped = new Intl.NumberFormat('en');
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const DASH = '\u2014';

function formatCount(n) {
  if (n == null) return DASH;
  return n >= 100_000 ? compact.format(n) : grouped.format(Math.round(n));
}

function formatRate(x) {
  if (x == null) return DASH;
  if (x >= 100_000) return compact.format(x);
  if (x >= 10 || x === 0) return grouped.format(Math.round(x));
  return x.toFixed(1);
}

// Milliseconds, as [number, unit]: microseconds below 1 ms.
function latencyParts(ms) {
  if (ms == null) return [DASH, ''];
  if (ms < 1) return [String(Math.round(ms * 1000)), '\u00b5s'];
  if (ms < 10) return [ms.toFixed(2), 'ms'];
  if (ms < 100) return [ms.toFixed(1), 'ms'];
  return [grouped.format(Math.round(ms)), 'ms'];
}
const formatLatency = (ms) => latencyParts(ms).join(' ').trim();

function formatBytes(n) {
  if (n == null) return DASH;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
  return `${i ? n.toFixed(n < 10 ? 2 : 1) : Math.round(n)} ${units[i]}`;
}

function formatDuration(ms) {
  const s = Math.floor(ms / 1000);
  const pad = (v) => String(v).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${pad(Math.floor(s / 60) % 60)}m`;
}

const formatClock = (t) => new Date(t).toLocaleTimeString([], { hour12: false });

// ---------------------------------------------------------------------------------------
// Snapshots -> samples.

// One sample per snapshot, with what the charts and figures show. Rates and deltas are
// null for the first snapshot, and when a counter went backwards (the hub restarted).
// Latency percentiles are null when nothing was published in the interval: the hub sends
// 0 then, which would read as "instant" on a chart.
function toSample(snap, prev) {
  const seconds = prev ? (snap.t - prev.t) / 1000 : 0;
  const delta = (key) => (prev && snap[key] >= prev[key] ? snap[key] - prev[key] : null);
  const rate = (key) => {
    const d = delta(key);
    return d == null || seconds <= 0 ? null : d / seconds;
  };
  const latency = snap.publish_latency;
  const timed = latency.count > 0;
  return {
    t: snap.t,
    connections: snap.connections,
    subscribers: snap.subscribers,
    published: rate('published'),
    delivered: rate('delivered'),
    written: rate('bytes_written'),
    p50: timed ? latency.p50_ms : null,
    p90: timed ? latency.p90_ms : null,
    p99: timed ? latency.p99_ms : null,
    cut: delta('cut'),
  };
}

// A snapshot as the contract describes it, else null (a broken one is skipped, not drawn).
function validSnapshot(value) {
  if (!value) return null;
  const numbers = ['connections', 'subscribers', 'topics', 'published', 'delivered',
    'bytes_written', 'cut', 'replayed', 'history_size', 'history_bytes'];
  if (!Number.isFinite(value.t)) return null;
  for (const key of numbers) {
    value[key] ??= 0; // a field the hub does not send (yet) reads as 0
    if (!Number.isFinite(value[key])) return null;
  }
  const latency = value.publish_latency ?? {};
  value.publish_latency = Object.fromEntries(['count', 'p50_ms', 'p90_ms', 'p99_ms']
    .map((key) => [key, Number.isFinite(latency[key]) ? latency[key] : 0]));
  if (!Array.isArray(value.shards)) value.shards = [];
  if (!Array.isArray(value.protocols)) value.protocols = [];
  return value;
}

// What the page holds; also window.__dashboard, for the browser tests and for a curious
// developer's console.
const state = {
  snapshots: 0, // snapshots received since the page loaded
  latest: null, // the last snapshot, as received
  samples: [], // see toSample(), oldest first, the last KEEP_MS
  receivedAt: 0, // performance.now() of the last snapshot
};
window.__dashboard = state;
const openedAt = performance.now();

function onSnapshot(snap) {
  let prev = state.latest;
  // A clock that went backwards would fold the time axis: start the charts over.
  if (prev && snap.t <= prev.t) {
    state.samples.length = 0;
    prev = null;
  }
  state.samples.push(toSample(snap, prev));
  const oldest = snap.t - KEEP_MS;
  while (state.samples.length && state.samples[0].t < oldest) state.samples.shift();
  state.latest = snap;
  state.snapshots += 1;
  state.receivedAt = performance.now();
  updateFigures();
  updateFacts();
  scheduleDraw();
}

// ---------------------------------------------------------------------------------------
// Figures and facts.

function setFigure(testid, value, text, sub, unit) {
  const el = $(testid);
  el.dataset.value = value == null ? '' : String(value);
  el.querySelector('.num').textContent = text;
  if (unit !== undefined) el.querySelector('.unit').textContent = unit;
  el.querySelector('.sub').textContent = sub;
}

// The largest value of `key` over the samples of the window, or null.
function windowMax(key) {
  let max = null;
  for (const s of state.samples) if (s[key] != null && (max == null || s[key] > max)) max = s[key];
  return max;
}

function windowSum(key) {
  return state.samples.reduce((sum, s) => sum + (s[key] ?? 0), 0);
}

function updateFigures() {
  const snap = state.latest;
  const last = state.samples.at(-1);
  setFigure('fig-connections', snap.connections, formatCount(snap.connections),
    `peak ${formatCount(windowMax('connections'))} in 2 min`);
  setFigure('fig-subscribers', snap.subscribers, formatCount(snap.subscribers),
    `on ${formatCount(snap.topics)} topic${snap.topics === 1 ? '' : 's'}`);
  setFigure('fig-published', last.published, formatRate(last.published),
    `${formatCount(snap.published)} in total`);
  const fanout = last.published > 0 && last.delivered != null
    ? ` \u00b7 \u00d7${formatRate(last.delivered / last.published)}` : '';
  setFigure('fig-delivered', last.delivered, formatRate(last.delivered),
    `${formatCount(snap.delivered)} in total${fanout}`);
  const [p99, unit] = latencyParts(last.p99);
  setFigure('fig-latency', last.p99, p99,
    last.p99 == null ? 'no publish this second' : `p50 ${formatLatency(last.p50)}`, unit);
  $('fig-latency').title = last.p99 == null ? '' : `over ${formatCount(snap.publish_latency.count)}`
    + ` publishes: p50 ${formatLatency(last.p50)}, p90 ${formatLatency(last.p90)},`
    + ` p99 ${formatLatency(last.p99)}`;
  const recentCuts = windowSum('cut');
  setFigure('fig-cut', snap.cut, formatCount(snap.cut),
    recentCuts ? `+${formatCount(recentCuts)} in 2 min` : 'none in 2 min');
  $('fig-cut').toggleAttribute('data-alert', recentCuts > 0);
}

function updateFacts() {
  const snap = state.latest;
  const last = state.samples.at(-1);
  $('fact-topics').textContent = formatCount(snap.topics);
  $('fact-history').textContent =
    `${formatCount(snap.history_size)} events \u00b7 ${formatBytes(snap.history_bytes)}`;
  $('fact-replayed').textContent = `${formatCount(snap.replayed)} events`;
  $('fact-written').textContent = `${formatBytes(snap.bytes_written)}`
    + (last.written == null ? '' : ` \u00b7 ${formatBytes(last.written)}/s`);

  updateProtocols(snap.protocols);

  const list = $('shards');
  const shards = snap.shards;
  const most = Math.max(1, ...shards.map((s) => s.subscribers ?? 0));
  const items = shards.map((shard, i) => {
    const li = document.createElement('li');
    li.dataset.testid = 'shard';
    const subscribers = shard.subscribers ?? 0;
    const queue = shard.queue ?? 0;
    li.toggleAttribute('data-busy', queue > 0);
    const label = document.createElement('span');
    label.innerHTML = `<b>#${i}</b> <span class="muted">&middot;</span> `;
    label.append(`${formatCount(subscribers)} subscriber${subscribers === 1 ? '' : 's'}`,
      ` \u00b7 queue ${formatCount(queue)}`);
    li.append(label, meter(subscribers / most));
    return li;
  });
  list.replaceChildren(...orNone(items, 'no shard reported'));
}

// A bar filled to `fraction` (0..1) of its width.
function meter(fraction) {
  const bar = document.createElement('span');
  bar.className = 'meter';
  const fill = document.createElement('span');
  fill.style.width = `${fraction * 100}%`;
  bar.append(fill);
  return bar;
}

// The list items, or one muted item saying there is nothing.
function orNone(items, text) {
  if (items.length) return items;
  const li = document.createElement('li');
  li.className = 'muted';
  li.textContent = text;
  return [li];
}

// Connections and streams by protocol: HTTP/1.1 holds one stream per connection, HTTP/2
// multiplexes many on one. Meters are relative to the protocol with the most streams.
const PROTOCOL_NAMES = { 'http/1.1': 'HTTP/1.1', h2: 'HTTP/2' };

function updateProtocols(protocols) {
  const most = Math.max(1, ...protocols.map((p) => p.streams ?? 0));
  const items = protocols.map((p) => {
    const li = document.createElement('li');
    li.dataset.testid = 'protocol';
    li.dataset.protocol = p.protocol;
    li.dataset.tls = String(Boolean(p.tls));
    li.dataset.connections = String(p.connections ?? 0);
    li.dataset.streams = String(p.streams ?? 0);
    const connections = p.connections ?? 0;
    const streams = p.streams ?? 0;
    const label = document.createElement('span');
    const name = document.createElement('b');
    name.textContent = `${PROTOCOL_NAMES[p.protocol] ?? p.protocol}${p.tls ? ' over TLS' : ''}`;
    label.append(name, ` \u00b7 ${formatCount(connections)} connection${connections === 1 ? '' : 's'}`,
      ` \u00b7 ${formatCount(streams)} stream${streams === 1 ? '' : 's'}`);
    li.append(label, meter(streams / most));
    return li;
  });
  $('protocols').replaceChildren(...orNone(items, 'no protocol reported'));
}

// Once a second: how long the page has watched, how fresh the last snapshot is.
function tick() {
  $('watching').textContent = formatDuration(performance.now() - openedAt);
  if (!state.latest) return;
  const age = performance.now() - state.receivedAt;
  const stale = age > STALE_MS;
  $('figures').classList.toggle('stale', stale);
  $('freshness').textContent = stale
    ? `no snapshot for ${formatDuration(age)}`
    : `updated ${formatClock(state.latest.t)}`;
}
setInterval(tick, 1000);

// ---------------------------------------------------------------------------------------
// Charts.

// A "nice" step (1, 2, 2.5 or 5 times a power of ten; integers only: 1, 2, 5...) that
// splits [0, max] into about four intervals.
function niceScale(max, { minTop, integer }) {
  const target = Math.max(max * 1.08, minTop);
  const raw = target / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const steps = integer ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  let step = steps.find((f) => raw <= f * power) * power;
  if (integer) step = Math.max(1, Math.round(step));
  return { step, top: Math.ceil(target / step - 1e-9) * step };
}

// Axis labels with as many decimals as the step needs.
function tickFormatter(step) {
  let decimals = 0;
  while (decimals < 6 && Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-6) {
    decimals += 1;
  }
  return (v) => (v >= 1000 ? compact.format(v) : v.toFixed(decimals));
}

const TIME_TICKS = [[120, '\u22122m'], [90, '\u22121m30s'], [60, '\u22121m'], [30, '\u221230s'], [0, 'now']];

class Chart {
  // series: [{ key, label, color (a CSS variable), bar? }]; format: legend values;
  // minTop: the smallest top of the y axis; integer: whole-number ticks only.
  constructor(name, { series, format, minTop = 1, integer = false }) {
    this.canvas = $(`chart-${name}`);
    this.series = series;
    this.format = format;
    this.minTop = minTop;
    this.integer = integer;
    this.hoverX = null;
    this.draws = 0;

    const legend = document.querySelector(`[data-legend="${name}"]`);
    this.legendValues = series.map(({ key, label, color, bar }) => {
      const li = document.createElement('li');
      li.style.setProperty('--c', `var(${color})`);
      if (bar) li.className = 'bar';
      const value = document.createElement('b');
      value.dataset.testid = `legend-${key}`;
      value.textContent = DASH;
      li.append(label, value);
      legend.append(li);
      return value;
    });
    this.at = document.createElement('li');
    this.at.className = 'at';
    this.at.hidden = true;
    legend.prepend(this.at);

    this.canvas.addEventListener('pointermove', (event) => {
      this.hoverX = event.offsetX;
      scheduleDraw();
    });
    this.canvas.addEventListener('pointerleave', () => {
      this.hoverX = null;
      scheduleDraw();
    });
  }

  draw(samples) {
    const { canvas } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (!width || !height) return;
    // Draw at device resolution so lines and text stay crisp on high-DPI screens.
    const backingWidth = Math.round(width * ratio);
    const backingHeight = Math.round(height * ratio);
    if (canvas.width !== backingWidth) canvas.width = backingWidth;
    if (canvas.height !== backingHeight) canvas.height = backingHeight;
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);

    const style = getComputedStyle(canvas);
    const css = (name) => style.getPropertyValue(name).trim();
    const tEnd = samples.at(-1)?.t ?? Date.now();
    const tStart = tEnd - WINDOW_MS;
    const visible = samples.filter((s) => s.t >= tStart - GAP_MS);

    let max = 0;
    for (const s of visible) {
      for (const { key } of this.series) if (s[key] != null) max = Math.max(max, s[key]);
    }
    const { step, top } = niceScale(max, this);
    const label = tickFormatter(step);
    const ticks = [];
    for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);

    ctx.font = `11px ${style.fontFamily}`;
    const labelWidth = Math.max(...ticks.map((v) => ctx.measureText(label(v)).width));
    const left = Math.ceil(labelWidth) + 10;
    const right = 6;
    const topPad = 8;
    const bottom = 20;
    const plotWidth = width - left - right;
    const plotHeight = height - topPad - bottom;
    if (plotWidth <= 10 || plotHeight <= 10) return;
    const x = (t) => left + ((t - tStart) / WINDOW_MS) * plotWidth;
    const y = (v) => topPad + plotHeight - (v / top) * plotHeight;
    // The centre of a device pixel, so a one-device-pixel line is sharp at any ratio.
    const crisp = (v) => (Math.round(v * ratio - 0.5) + 0.5) / ratio;

    // Grid: a horizontal line per tick, faint vertical ones every 30 s.
    ctx.lineWidth = 1 / ratio;
    ctx.strokeStyle = css('--border');
    ctx.fillStyle = css('--muted');
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    ctx.beginPath();
    for (const v of ticks) {
      const yy = crisp(y(v));
      ctx.moveTo(left, yy);
      ctx.lineTo(width - right, yy);
      ctx.fillText(label(v), left - 6, y(v));
    }
    ctx.stroke();
    ctx.save();
    ctx.setLineDash([2, 3]);
    ctx.beginPath();
    ctx.textBaseline = 'alphabetic';
    for (const [seconds, text] of TIME_TICKS) {
      const xx = crisp(x(tEnd - seconds * 1000));
      if (seconds !== 0 && seconds !== 120) {
        ctx.moveTo(xx, topPad);
        ctx.lineTo(xx, topPad + plotHeight);
      }
      ctx.textAlign = seconds === 120 ? 'left' : seconds === 0 ? 'right' : 'center';
      ctx.fillText(text, x(tEnd - seconds * 1000), height - 5);
    }
    ctx.stroke();
    ctx.restore();

    // The data, clipped to the plot area.
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, 0, plotWidth + right, topPad + plotHeight);
    ctx.clip();
    let points = 0;
    for (const { key, color, bar } of this.series) {
      const stroke = css(color);
      const drawn = visible.filter((s) => s[key] != null);
      points = Math.max(points, drawn.length);
      if (bar) this.drawBars(ctx, drawn, key, stroke, { x, y, ratio, plotWidth });
      else this.drawLine(ctx, drawn, key, stroke, { x, y, baseline: y(0) });
    }
    ctx.restore();

    // Hover: a rule at the nearest sample; the legend shows its values.
    const hovered = this.hoverX == null ? null : nearest(visible, tStart + ((this.hoverX - left) / plotWidth) * WINDOW_MS);
    if (hovered) {
      const xx = crisp(x(hovered.t));
      ctx.strokeStyle = css('--muted');
      ctx.lineWidth = 1 / ratio;
      ctx.beginPath();
      ctx.moveTo(xx, topPad);
      ctx.lineTo(xx, topPad + plotHeight);
      ctx.stroke();
      for (const { key, color, bar } of this.series) {
        if (bar || hovered[key] == null) continue;
        ctx.fillStyle = css(color);
        ctx.beginPath();
        ctx.arc(x(hovered.t), y(hovered[key]), 3.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    const shown = hovered ?? samples.at(-1);
    this.series.forEach(({ key }, i) => { this.legendValues[i].textContent = this.format(shown?.[key]); });
    this.at.hidden = !hovered;
    if (hovered) this.at.textContent = formatClock(hovered.t);

    // For tests: how much is drawn, its largest value, the newest value of the first
    // series, how often.
    this.draws += 1;
    canvas.dataset.points = String(points);
    canvas.dataset.max = String(max);
    canvas.dataset.last = String(samples.at(-1)?.[this.series[0].key] ?? '');
    canvas.dataset.draws = String(this.draws);
  }

  // Lines break where a value is missing or snapshots were more than GAP_MS apart; each
  // run gets a soft fill down to zero and a dot on its newest point.
  drawLine(ctx, drawn, key, stroke, { x, y, baseline }) {
    const runs = [];
    for (const s of drawn) {
      const run = runs.at(-1);
      if (run && s.t - run.at(-1).t <= GAP_MS) run.push(s);
      else runs.push([s]);
    }
    ctx.lineWidth = 1.75;
    ctx.lineJoin = 'round';
    ctx.lineCap = 'round';
    ctx.strokeStyle = stroke;
    ctx.fillStyle = stroke;
    for (const run of runs) {
      ctx.beginPath();
      run.forEach((s, i) => (i ? ctx.lineTo(x(s.t), y(s[key])) : ctx.moveTo(x(s.t), y(s[key]))));
      if (run.length > 1) {
        ctx.stroke();
        ctx.lineTo(x(run.at(-1).t), baseline);
        ctx.lineTo(x(run[0].t), baseline);
        ctx.closePath();
        ctx.globalAlpha = 0.1;
        ctx.fill();
        ctx.globalAlpha = 1;
      }
    }
    const last = drawn.at(-1);
    if (last) {
      ctx.beginPath();
      ctx.arc(x(last.t), y(last[key]), 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  // One bar per snapshot with a value above zero, snapped to device pixels.
  drawBars(ctx, drawn, key, fill, { x, y, ratio, plotWidth }) {
    const barWidth = Math.max(2 / ratio, (plotWidth / (WINDOW_MS / 1000)) * 0.7);
    const snap = (v) => Math.round(v * ratio) / ratio;
    ctx.fillStyle = fill;
    for (const s of drawn) {
      if (!(s[key] > 0)) continue;
      const x0 = snap(x(s.t) - barWidth / 2);
      const top = snap(y(s[key]));
      ctx.fillRect(x0, top, Math.max(1 / ratio, snap(barWidth)), snap(y(0)) - top);
    }
  }
}

function nearest(samples, t) {
  let best = null;
  for (const s of samples) if (!best || Math.abs(s.t - t) < Math.abs(best.t - t)) best = s;
  return best && Math.abs(best.t - t) <= GAP_MS ? best : null;
}

const charts = [
  new Chart('clients', {
    series: [
      { key: 'connections', label: 'connections', color: '--series-1' },
      { key: 'subscribers', label: 'subscribers', color: '--series-2' },
    ],
    format: formatCount,
    integer: true,
    minTop: 4,
  }),
  new Chart('throughput', {
    series: [
      { key: 'published', label: 'published', color: '--series-1' },
      { key: 'delivered', label: 'delivered', color: '--series-2' },
    ],
    format: formatRate,
    minTop: 4,
  }),
  new Chart('latency', {
    series: [
      { key: 'p50', label: 'p50', color: '--series-1' },
      { key: 'p99', label: 'p99', color: '--series-3' },
    ],
    format: formatLatency,
    minTop: 0.1,
  }),
  new Chart('cut', {
    series: [{ key: 'cut', label: 'cut', color: '--down', bar: true }],
    format: formatCount,
    integer: true,
    minTop: 2,
  }),
];

// Redraw at most once a frame, whatever asked for it (a snapshot, a resize, the pointer,
// a switch between light and dark).
let drawPending = false;
function scheduleDraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    for (const chart of charts) chart.draw(state.samples);
  });
}
new ResizeObserver(scheduleDraw).observe(document.querySelector('.charts'));
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', scheduleDraw);

// ---------------------------------------------------------------------------------------
// The stream.

const source = openStream('/dashboard/stream', badge);
source.addEventListener('metrics', (event) => {
  const snap = validSnapshot(parseJson(event.data));
  if (snap) onSnapshot(snap);
});
tick();
