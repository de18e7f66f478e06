// Small HTTP/1.1 helpers for the integration tests: a raw response parser (so tests can
// see the exact bytes, pipelined answers and chunked framing), `request`/`publish` over
// node:http, and `rawExchange` that writes arbitrary bytes to a socket and collects the
// answers. Every wait is bounded by a timeout.
import http from 'node:http';
import net from 'node:net';

// --- parsing -------------------------------------------------------------------------

// Parses a response head at `offset`. Returns null when the head is not complete yet.
export function parseHead(buf, offset = 0) {
  const end = buf.indexOf('\r\n\r\n', offset, 'latin1');
  if (end < 0) return null;
  const lines = buf.toString('latin1', offset, end).split('\r\n');
  const m = lines[0].match(/^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/);
  if (!m) throw new Error(`bad status line: ${JSON.stringify(lines[0])}`);
  const headers = {};
  const headerList = [];
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) throw new Error(`bad header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headerList.push([name, value]);
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return {
    version: m[1], status: Number(m[2]), statusText: m[3] ?? '',
    headers, headerList, headLength: end + 4 - offset,
  };
}

// Incremental decoder of a chunked body. feed(buf) returns the payload bytes decoded so
// far from `buf`; `done` becomes true at the terminating zero-size chunk (+ trailers).
export class ChunkedDecoder {
  constructor() {
    this.pending = Buffer.alloc(0);
    this.state = 'size'; // size | data | data-crlf | trailers | done
    this.remaining = 0;
    this.done = false;
    this.consumedAfterDone = 0; // bytes that followed the terminator (next response)
  }

  feed(chunk) {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out = [];
    let p = 0;
    const buf = this.pending;
    for (;;) {
      if (this.state === 'size') {
        const eol = buf.indexOf('\r\n', p, 'latin1');
        if (eol < 0) break;
        const sizeText = buf.toString('latin1', p, eol).split(';')[0].trim();
        if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new Error(`bad chunk size ${JSON.stringify(sizeText)}`);
        this.remaining = parseInt(sizeText, 16);
        p = eol + 2;
        this.state = this.remaining === 0 ? 'trailers' : 'data';
      } else if (this.state === 'data') {
        if (p >= buf.length) break;
        const n = Math.min(this.remaining, buf.length - p);
        out.push(buf.subarray(p, p + n));
        p += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = 'data-crlf';
      } else if (this.state === 'data-crlf') {
        if (buf.length - p < 2) break;
        if (buf[p] !== 13 || buf[p + 1] !== 10) throw new Error('chunk not followed by CRLF');
        p += 2;
        this.state = 'size';
      } else if (this.state === 'trailers') {
        const eol = buf.indexOf('\r\n', p, 'latin1');
        if (eol < 0) break;
        const empty = eol === p;
        p = eol + 2;
        if (empty) { this.state = 'done'; this.done = true; }
      } else { // done: whatever follows belongs to someone else
        break;
      }
    }
    this.pending = buf.subarray(p);
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }
}

// Parses as many complete responses as `buf` holds. With `eof` a body without framing is
// taken to run to the end. `noBody(i)` tells that response i answers a HEAD request.
// Returns { responses: [{status, statusText, headers, headerList, body (Buffer), text}], rest }.
export function parseResponses(buf, { eof = false, noBody = () => false } = {}) {
  const responses = [];
  let offset = 0;
  while (offset < buf.length) {
    const head = parseHead(buf, offset);
    if (!head) break;
    let p = offset + head.headLength;
    let body;
    const te = (head.headers['transfer-encoding'] || '').toLowerCase();
    const bodyless = noBody(responses.length) || head.status === 204 || head.status === 304 ||
      (head.status >= 100 && head.status < 200);
    if (bodyless) {
      body = Buffer.alloc(0);
    } else if (te.includes('chunked')) {
      const dec = new ChunkedDecoder();
      const payload = dec.feed(buf.subarray(p));
      if (!dec.done) break;
      body = payload;
      p = buf.length - dec.pending.length;
    } else if ('content-length' in head.headers) {
      const len = Number(head.headers['content-length']);
      if (buf.length - p < len) break;
      body = buf.subarray(p, p + len);
      p += len;
    } else {
      if (!eof) break;
      body = buf.subarray(p);
      p = buf.length;
    }
    responses.push({ ...head, body, text: body.toString('utf8') });
    offset = p;
  }
  return { responses, rest: buf.subarray(offset) };
}

// --- requests --------------------------------------------------------------------------

export function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One request over node:http. A fresh connection (Connection: close) unless an `agent`
// is given. Resolves { status, headers, body (string), raw (Buffer) }.
// `headersOnly`: resolve at the response head (body empty) and drop the connection, for
// endpoints that stream.
export function request(baseUrl, { method = 'GET', path = '/', headers = {}, body, agent = false,
  timeoutMs = 10000, headersOnly = false } = {}) {
  const u = new URL(path, baseUrl);
  const p = new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers, agent,
    }, (res) => {
      if (headersOnly) {
        resolve({ status: res.statusCode, headers: res.headers, body: '', raw: Buffer.alloc(0) });
        req.destroy();
        return;
      }
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: raw.toString('utf8'), raw });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`request timed out: ${method} ${path}`)));
    if (body !== undefined) req.write(body);
    req.end();
  });
  return withTimeout(p, timeoutMs + 1000, `${method} ${path}`);
}

// Encodes publish fields: an object whose values are strings or arrays of strings (a
// repeated field such as several `topic`), an array of [name, value] pairs, or a
// URLSearchParams. A string is sent as the body unchanged.
export function formBody(fields) {
  if (typeof fields === 'string') return fields;
  if (fields instanceof URLSearchParams) return fields.toString();
  const params = new URLSearchParams();
  const entries = Array.isArray(fields) ? fields : Object.entries(fields);
  for (const [k, v] of entries) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, String(one));
  }
  return params.toString();
}

// POSTs a form to /.well-known/mercure. Resolves { status, body, headers }.
export async function publish(baseUrl, fields, { contentType = 'application/x-www-form-urlencoded',
  headers = {}, agent = false, timeoutMs = 10000, path = '/.well-known/mercure' } = {}) {
  const body = Buffer.from(formBody(fields), 'utf8');
  const h = { 'content-length': body.length, ...headers };
  if (contentType !== null) h['content-type'] = contentType;
  const r = await request(baseUrl, { method: 'POST', path, headers: h, body, agent, timeoutMs });
  return { status: r.status, body: r.body, headers: r.headers };
}

// Publishes and insists on 200; returns the event id the hub answered.
export async function publishOk(baseUrl, fields, opts) {
  const r = await publish(baseUrl, fields, opts);
  if (r.status !== 200) {
    throw new Error(`publish ${JSON.stringify(fields)} answered ${r.status}: ${r.body}`);
  }
  return r.body;
}

// Writes `data` (string, Buffer, or an array of them written one after another) on a new
// socket and reads until `responses` complete responses arrived, the server closed, or
// `timeoutMs` passed. Never rejects on timeout: resolves with what it got and
// `timedOut: true`. Resolves { responses, raw, closed, timedOut, error, socket? }.
export function rawExchange(port, data, { responses: want = 1, timeoutMs = 5000, host = '127.0.0.1',
  keepOpen = false, noBody } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    let raw = Buffer.alloc(0);
    let closed = false;
    let error = null;
    let finished = false;
    const finish = (timedOut) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      let parsed;
      try {
        parsed = parseResponses(raw, { eof: closed, noBody });
      } catch (e) {
        parsed = { responses: [], parseError: e };
      }
      if (!keepOpen) socket.destroy();
      resolve({ responses: parsed.responses, parseError: parsed.parseError, raw, closed, timedOut,
        error, socket: keepOpen ? socket : undefined });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    const check = () => {
      try {
        if (parseResponses(raw, { eof: closed, noBody }).responses.length >= want) finish(false);
      } catch { /* keep reading; the final parse reports it */ }
    };
    socket.on('connect', () => {
      const parts = Array.isArray(data) ? data : [data];
      for (const part of parts) socket.write(part);
    });
    socket.on('data', (d) => { raw = Buffer.concat([raw, d]); check(); });
    socket.on('error', (e) => { error = e; });
    socket.on('close', () => { closed = true; finish(false); });
  });
}

// Opens a TCP connection and resolves once connected (for holding connections open).
export function connect(port, { host = '127.0.0.1', timeoutMs = 5000 } = {}) {
  return withTimeout(new Promise((resolve, reject) => {
    const s = net.connect({ port, host }, () => resolve(s));
    s.on('error', reject);
  }), timeoutMs, `connect to ${host}:${port}`);
}

// Polls `fn` (sync or async, truthy = done) every `everyMs` until it holds or `timeoutMs`.
export async function waitUntil(fn, { timeoutMs = 5000, everyMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
