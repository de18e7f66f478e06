// A TCP proxy for tests that must cut connections the way a network does: it forwards
// bytes both ways, records the HTTP request heads the client sends, and can drop every
// connection at once or hold new ones until told to let them through, and can send new
// connections to another target (a load balancer failing over to another node).
import net from 'node:net';

// Returns { url, port, requests, connections(), pause(), resume(), dropAll(), setTarget(),
// close() }. `requests` collects { method, target, headers, upstreamPort } (header names
// lower-cased; upstreamPort: the target port the request's connection was forwarded to)
// in arrival order, over all connections. setTarget(port[, host]) sends connections
// forwarded from then on (held ones included) there; open ones stay where they are.
export async function startTcpProxy({ targetHost = '127.0.0.1', targetPort }) {
  const pairs = new Set();
  const requests = [];
  let accepted = 0;
  // While paused, accepted connections wait here instead of reaching the target.
  let held = null;

  function forward(pair) {
    if (pair.client.destroyed) return;
    const upstreamPort = targetPort;
    const upstream = net.connect({ host: targetHost, port: upstreamPort });
    pair.upstream = upstream;
    pair.client.on('data', requestRecorder((request) => requests.push({ ...request, upstreamPort })));
    pair.client.pipe(upstream);
    upstream.pipe(pair.client);
    upstream.on('error', () => pair.client.destroy());
    upstream.on('close', () => pair.client.destroy());
  }

  const server = net.createServer((client) => {
    accepted += 1;
    const pair = { client, upstream: null };
    pairs.add(pair);
    client.on('error', () => {});
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    // No 'data' listener yet: what the client sends stays buffered until forward().
    if (held) held.push(pair);
    else forward(pair);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();

  // A reset, not a clean close: to the browser this looks like a dropped network.
  function dropAll() {
    for (const { client, upstream } of pairs) {
      client.resetAndDestroy();
      upstream?.destroy();
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => accepted,
    pause: () => { held ??= []; },
    resume: () => {
      const waiting = held ?? [];
      held = null;
      waiting.forEach(forward);
    },
    dropAll,
    setTarget: (port, host = targetHost) => { targetPort = port; targetHost = host; },
    close: () => new Promise((resolve) => {
      held = null;
      dropAll();
      server.close(() => resolve());
    }),
  };
}

// Splits the client's byte stream into HTTP/1.1 request heads. Bodies are skipped by
// Content-Length, which covers what browsers send (chunked request bodies are not).
function requestRecorder(onRequest) {
  let buffered = '';
  let bodyLeft = 0;
  return (chunk) => {
    buffered += chunk.toString('latin1');
    for (;;) {
      if (bodyLeft > 0) {
        const skipped = Math.min(bodyLeft, buffered.length);
        buffered = buffered.slice(skipped);
        bodyLeft -= skipped;
        if (bodyLeft > 0) return;
      }
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [requestLine, ...lines] = buffered.slice(0, end).split('\r\n');
      buffered = buffered.slice(end + 4);
      const [method, target] = requestLine.split(' ');
      const headers = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      bodyLeft = Number(headers['content-length'] ?? 0);
      onRequest({ method, target, headers });
    }
  };
}
