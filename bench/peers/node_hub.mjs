// A minimal Mercure-like hub in plain Node.js, written the way the classic examples are:
// one process, a Set of responses per topic, and res.write() per event per subscriber.
// It is the "what people do" baseline of `make bench`, not a product: no auth, no
// selectors beyond exact topics, history in a plain array.
//   node bench/peers/node_hub.mjs [--listen 127.0.0.1:0] [--history 10000]
// Prints "node_hub listening on http://HOST:PORT" once it listens.
import http from 'node:http';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const [host, port] = option('--listen', '127.0.0.1:0').split(':');
const historyLimit = Number(option('--history', '10000'));

const subscribers = new Map(); // topic -> Set of responses
const history = []; // { id, topics, frame }, oldest first
let nextId = 1;

function frameOf(id, data) {
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join('');
  return `id: ${id}\n${lines}\n`;
}

function subscribe(req, res, url) {
  const topics = url.searchParams.getAll('topic');
  if (topics.length === 0) {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('missing topic');
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  res.flushHeaders();
  const lastEventId = req.headers['last-event-id'] || url.searchParams.get('lastEventID');
  if (lastEventId) {
    const at = history.findIndex((e) => e.id === lastEventId);
    for (const e of history.slice(at + 1)) {
      if (e.topics.some((t) => topics.includes(t))) res.write(e.frame);
    }
  }
  for (const topic of topics) {
    if (!subscribers.has(topic)) subscribers.set(topic, new Set());
    subscribers.get(topic).add(res);
  }
  req.on('close', () => {
    for (const topic of topics) {
      const set = subscribers.get(topic);
      set?.delete(res);
      if (set?.size === 0) subscribers.delete(topic);
    }
  });
}

function publish(body, res) {
  const form = new URLSearchParams(body);
  const topics = form.getAll('topic');
  if (topics.length === 0) {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('missing topic');
    return;
  }
  const id = form.get('id') || String(nextId++);
  const frame = frameOf(id, form.getAll('data').join('\n'));
  history.push({ id, topics, frame });
  if (history.length > historyLimit) history.shift();
  const sent = new Set();
  for (const topic of topics) {
    for (const sub of subscribers.get(topic) ?? []) {
      if (sent.has(sub)) continue;
      sent.add(sub);
      sub.write(frame);
    }
  }
  res.writeHead(200, { 'Content-Type': 'text/plain' }).end(id);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://hub');
  if (url.pathname !== '/.well-known/mercure') {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
  } else if (req.method === 'GET') {
    subscribe(req, res, url);
  } else if (req.method === 'POST') {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => publish(body, res));
  } else {
    res.writeHead(405, { 'Content-Type': 'text/plain' }).end('method not allowed');
  }
});
server.requestTimeout = 0; // streams are long-lived
server.keepAliveTimeout = 60000;
server.listen(Number(port), host, () => {
  const a = server.address();
  console.log(`node_hub listening on http://${a.address}:${a.port}`);
});
const stop = () => { server.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
