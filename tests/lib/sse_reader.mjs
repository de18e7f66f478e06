// A raw SSE subscription for the integration tests: one TCP socket, our own request, the
// response head (status, headers), the bytes as they came off the wire, the de-chunked
// body, and the events parsed from it by a small parser (the real one is tested in the
// unit tests). Tests await "N events", "a comment" or "the end" with a timeout, and can
// pause reading so the kernel buffers fill (slow consumer).
import net from 'node:net';
import { parseHead, ChunkedDecoder, withTimeout } from './http_util.mjs';

export { publish, publishOk, request, sleep } from './http_util.mjs';

// A minimal SSE parser (WHATWG rules: CR, LF, CRLF line ends, one BOM, comments,
// id/event/data/retry). Events are { id, type, data, retry } where `id` is the stream's
// last event id when it was dispatched and `retry` the retry field of that block, if any.
export class SseParser {
  constructor() {
    this.buf = '';
    this.sawStart = false;
    this.skipLf = false;
    this.lastId = '';
    this.type = '';
    this.data = [];
    this.blockRetry = undefined;
    this.retry = undefined;
    this.events = [];
    this.comments = [];
  }

  feed(text) {
    if (!this.sawStart && text.length) {
      this.sawStart = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!text.length) return;
    if (this.skipLf && text.startsWith('\n')) text = text.slice(1);
    this.skipLf = false;
    this.buf += text;
    let start = 0;
    const s = this.buf;
    for (let i = start; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(s.slice(start, i));
      if (c === 13) {
        if (i + 1 < s.length) { if (s.charCodeAt(i + 1) === 10) i++; } else this.skipLf = true;
      }
      start = i + 1;
    }
    this.buf = s.slice(start);
  }

  line(l) {
    if (l === '') return this.dispatch();
    if (l.startsWith(':')) { this.comments.push(l.slice(1)); return; }
    const i = l.indexOf(':');
    const name = i < 0 ? l : l.slice(0, i);
    let value = i < 0 ? '' : l.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'data') this.data.push(value);
    else if (name === 'event') this.type = value;
    else if (name === 'id') { if (!value.includes('\0')) this.lastId = value; }
    else if (name === 'retry') {
      if (/^[0-9]+$/.test(value)) { this.retry = Number(value); this.blockRetry = Number(value); }
    }
  }

  dispatch() {
    if (this.data.length) {
      this.events.push({ id: this.lastId, type: this.type || 'message', data: this.data.join('\n'),
        retry: this.blockRetry });
    }
    this.data = [];
    this.type = '';
    this.blockRetry = undefined;
  }
}

// Builds the subscribe path: topics (string or array), lastEventID query parameter,
// extra query pairs.
export function subscribePath({ topics = [], lastEventID, query = [], path = '/.well-known/mercure' } = {}) {
  const q = new URLSearchParams();
  for (const t of Array.isArray(topics) ? topics : [topics]) q.append('topic', t);
  if (lastEventID !== undefined) q.append('lastEventID', lastEventID);
  for (const [k, v] of query) q.append(k, v);
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

export class SseStream {
  constructor(socket) {
    this.socket = socket;
    this.status = undefined;
    this.statusText = undefined;
    this.headers = undefined; // lower-case names; repeated headers joined with ", "
    this.headerList = undefined;
    this.wire = []; // raw bytes after the head, as received (chunk framing included)
    this.bodyChunks = []; // de-chunked body
    this.parser = new SseParser();
    this.decoder = new TextDecoder('utf-8');
    this.chunked = false;
    this.terminated = false; // saw the zero-size chunk
    this.ended = false; // server sent FIN
    this.closed = false;
    this.error = null;
    this.protocolError = null;
    this.headBuf = Buffer.alloc(0);
    this.waiters = new Set();
    this.bytesReceived = 0;
  }

  get events() { return this.parser.events; }
  get comments() { return this.parser.comments; }
  get lastEventId() { return this.parser.lastId; }
  get body() { return Buffer.concat(this.bodyChunks); }
  get text() { return this.body.toString('utf8'); }
  get wireBytes() { return Buffer.concat(this.wire); }

  onData(d) {
    this.bytesReceived += d.length;
    if (this.status === undefined) {
      this.headBuf = Buffer.concat([this.headBuf, d]);
      let head;
      try {
        head = parseHead(this.headBuf);
      } catch (e) {
        this.protocolError = e;
        this.socket.destroy();
        return;
      }
      if (!head) return;
      Object.assign(this, { status: head.status, statusText: head.statusText, headers: head.headers,
        headerList: head.headerList, version: head.version });
      this.chunked = (head.headers['transfer-encoding'] || '').toLowerCase().includes('chunked');
      if (this.chunked) this.dechunker = new ChunkedDecoder();
      d = this.headBuf.subarray(head.headLength);
      this.headBuf = null;
    }
    if (d.length) {
      this.wire.push(d);
      let payload = d;
      if (this.chunked) {
        try {
          payload = this.dechunker.feed(d);
        } catch (e) {
          this.protocolError = e;
        }
        if (this.dechunker.done) this.terminated = true;
      }
      if (payload.length) {
        this.bodyChunks.push(payload);
        this.parser.feed(this.decoder.decode(payload, { stream: true }));
      }
    }
    this.notify();
  }

  notify() {
    for (const w of [...this.waiters]) w();
  }

  // Resolves with pred()'s value once it is truthy; rejects on timeout or when the
  // connection closed while pred() is still false.
  waitFor(pred, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      let timer;
      const check = () => {
        let v;
        try { v = pred(); } catch (e) { done(); return reject(e); }
        if (v) { done(); return resolve(v); }
        if (this.closed) {
          done();
          return reject(new Error(`stream closed before ${what} (status ${this.status}, ` +
            `${this.events.length} events, ${this.comments.length} comments, error ${this.error?.code ?? 'none'})`));
        }
      };
      const done = () => { clearTimeout(timer); this.waiters.delete(check); };
      timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} ` +
          `(status ${this.status}, ${this.events.length} events, ${this.comments.length} comments, ` +
          `body tail ${JSON.stringify(this.text.slice(-200))})`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  // Resolves with the first `n` events.
  async waitForEvents(n, timeoutMs = 5000) {
    await this.waitFor(() => this.events.length >= n, timeoutMs, `${n} events`);
    return this.events.slice(0, n);
  }

  // Resolves with the first event that satisfies `pred`.
  waitForEvent(pred, timeoutMs = 5000, what = 'a matching event') {
    return this.waitFor(() => this.events.find(pred), timeoutMs, what);
  }

  // Resolves once more than `after` comments arrived (default: any comment).
  async waitForComment(timeoutMs = 5000, { after = 0 } = {}) {
    await this.waitFor(() => this.comments.length > after, timeoutMs, `comment #${after + 1}`);
    return this.comments[after];
  }

  // Resolves once the connection is closed: { terminated, ended, error }.
  async waitForClose(timeoutMs = 5000) {
    await this.waitFor(() => this.closed, timeoutMs, 'the end of the stream').catch((e) => {
      if (!this.closed) throw e;
    });
    return { terminated: this.terminated, ended: this.ended, error: this.error };
  }

  // For a response that is not a stream (an error): resolves with its body text once
  // Content-Length bytes, the chunked terminator or the end of the connection arrived.
  async waitForBody(timeoutMs = 5000) {
    const cl = this.headers?.['content-length'];
    await this.waitFor(() => this.terminated || (cl !== undefined && this.body.length >= Number(cl)) ||
      this.closed, timeoutMs, 'the response body').catch((e) => { if (!this.closed) throw e; });
    return this.text;
  }

  pause() { this.socket.pause(); }
  resume() { this.socket.resume(); }
  close() { this.socket.destroy(); }
}

// Opens a subscription. `url` is the hub's base URL. Options: topics, lastEventID (query
// parameter), lastEventIdHeader (the Last-Event-ID request header), query (extra pairs),
// headers (extra request headers, object), path (instead of /.well-known/mercure), rawPath
// (the request target as is), method, body (a form body: Mercure 1.0's QUERY). Resolves
// with the SseStream once the response head arrived (whatever the status).
export function subscribe(url, opts = {}) {
  const { lastEventIdHeader, headers = {}, method = 'GET', timeoutMs = 5000, body } = opts;
  const u = new URL(url);
  const target = opts.rawPath ?? subscribePath(opts);
  const h = { Host: u.host, Accept: 'text/event-stream', 'Cache-Control': 'no-cache', ...headers };
  if (lastEventIdHeader !== undefined) h['Last-Event-ID'] = lastEventIdHeader;
  if (body !== undefined) {
    h['Content-Type'] ??= 'application/x-www-form-urlencoded';
    h['Content-Length'] = Buffer.byteLength(body);
  }
  const head = `${method} ${target} HTTP/1.1\r\n` +
    Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n' + (body ?? '');
  const socket = net.connect({ host: u.hostname, port: Number(u.port) });
  const stream = new SseStream(socket);
  socket.on('connect', () => socket.write(head));
  socket.on('data', (d) => stream.onData(d));
  socket.on('end', () => { stream.ended = true; });
  socket.on('error', (e) => { stream.error = e; });
  socket.on('close', () => { stream.closed = true; stream.notify(); });
  return stream.waitFor(() => stream.status !== undefined, timeoutMs, 'the response head')
    .then(() => stream)
    .catch((e) => { socket.destroy(); throw stream.protocolError ?? e; });
}

// Subscribes and insists on 200 text/event-stream.
export async function subscribeOk(url, opts) {
  const s = await subscribe(url, opts);
  if (s.status !== 200) {
    await s.waitForClose(2000).catch(() => {});
    s.close();
    throw new Error(`subscribe ${subscribePath(opts)} answered ${s.status}: ${s.text}`);
  }
  return s;
}

export { withTimeout };
