// SSE over HTTP/2 for the integration tests: streams on a node:http2 session (h2c with
// prior knowledge for http://, ALPN h2 for https://), each with its status, headers, body,
// parsed events (the same small parser as sse_reader.mjs), and how it ended: END_STREAM,
// RST_STREAM (rstCode) or the session's GOAWAY. Every wait is bounded.
import http2 from 'node:http2';
import { SseParser, subscribePath } from './sse_reader.mjs';
import { waitUntil } from './http_util.mjs';

// Connects; `ca` (PEM) for an https:// URL. Resolves once the session is up. The session
// records the GOAWAY it receives (session.goawayReceived = { code, lastStreamId }).
export function connectH2(url, { ca, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, ca ? { ca } : {});
    const timer = setTimeout(() => { session.destroy(); reject(new Error(`no HTTP/2 session with ${url}`)); }, timeoutMs);
    session.goawayReceived = null;
    session.on('goaway', (code, lastStreamId) => { session.goawayReceived = { code, lastStreamId }; });
    session.on('error', (e) => { session.lastError = e; });
    session.once('connect', () => { clearTimeout(timer); resolve(session); });
    session.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

// Opens one SSE stream: `opts` as subscribePath() (topics, lastEventID, query) plus
// `headers` (e.g. authorization, last-event-id). Returns the stream record at once.
export function openSse(session, opts = {}) {
  const s = {
    status: 0, headers: null, body: '', parser: new SseParser(),
    ended: false, closed: false, rstCode: undefined,
    get events() { return this.parser.events; },
  };
  s.req = session.request({ ':path': subscribePath(opts), accept: 'text/event-stream', ...(opts.headers ?? {}) });
  s.req.setEncoding('utf8');
  s.req.on('response', (h) => { s.headers = h; s.status = h[':status']; });
  s.req.on('data', (d) => { s.body += d; s.parser.feed(d); });
  s.req.on('end', () => { s.ended = true; });
  s.req.on('close', () => { s.closed = true; s.rstCode = s.req.rstCode; });
  s.req.on('error', () => {});
  s.waitOpen = (timeoutMs = 5000) => waitUntil(() => s.status !== 0 || s.closed,
    { timeoutMs, what: 'the response head' }).then(() => s.status);
  s.waitForEvents = (n, timeoutMs = 5000) => waitUntil(() => s.events.length >= n,
    { timeoutMs, what: `${n} events (got ${s.events.length}: ${JSON.stringify(s.body.slice(-300))})` })
    .then(() => s.events.slice(0, n));
  s.waitClosed = (timeoutMs = 5000) => waitUntil(() => s.closed, { timeoutMs, what: 'the stream to close' });
  s.close = () => { if (!s.closed) s.req.close(); };
  return s;
}

// Opens a stream and insists on 200.
export async function openSseOk(session, opts) {
  const s = openSse(session, opts);
  const status = await s.waitOpen();
  if (status !== 200) throw new Error(`subscribe over h2 answered ${status}: ${s.body}`);
  return s;
}
