#!/usr/bin/env python3
"""User-space memory per idle SSE subscriber of `herald serve`.

Starts the release binary on loopback, opens N subscriptions from a few source addresses
(127.0.0.2, .3, ...), waits until every one has its response headers, then reads the
server's RSS. RSS counts user-space pages only (socket buffers live in the kernel), so
(RSS with N idle subscribers - RSS with none) / N is what one idle subscriber costs.
With --tls the subscribers come over TLS (the hub runs with --dev --tls-self-signed), so
OpenSSL's per-connection state is counted too. With --http2 each subscriber is one HTTP/2
connection with one stream (h2c with prior knowledge; with --tls, ALPN h2), so the HTTP/2
session's state is counted too.
Bounded: N connections, a 60 s deadline; loopback only.
"""
import argparse
import json
import os
import resource
import selectors
import socket
import ssl
import subprocess
import sys
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


REQUEST = (b"GET /.well-known/mercure?topic=idle HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           b"Accept: text/event-stream\r\n\r\n")


def h2_literal(name, value):
    # HPACK "literal header field without indexing, new name", lengths under 127.
    return bytes([0, len(name)]) + name + bytes([len(value)]) + value


def h2_frame(kind, flags, stream, payload):
    return len(payload).to_bytes(3, "big") + bytes([kind, flags]) + stream.to_bytes(4, "big") + payload


def h2_request(streams):
    """The client preface, an empty SETTINGS frame, and `streams` subscriptions on streams
    1, 3, 5, ... (HEADERS with END_HEADERS and END_STREAM)."""
    block = (h2_literal(b":method", b"GET") + h2_literal(b":scheme", b"http") +
             h2_literal(b":path", b"/.well-known/mercure?topic=idle") +
             h2_literal(b":authority", b"127.0.0.1"))
    return (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + h2_frame(4, 0, 0, b"") +
            b"".join(h2_frame(1, 0x5, 2 * i + 1, block) for i in range(streams)))


def h2_response_headers(data):
    """How many streams `data` (server bytes from the start) holds response HEADERS for."""
    offset = 0
    streams = set()
    while len(data) - offset >= 9:
        size = int.from_bytes(data[offset:offset + 3], "big")
        kind = data[offset + 3]
        stream = int.from_bytes(data[offset + 5:offset + 9], "big") & 0x7FFFFFFF
        if kind == 1:
            streams.add(stream)
        offset += 9 + size
    return len(streams)


def open_subscribers(port, count, deadline, tls=None, http2=0):
    """Subscribers on `port`; `tls` is an ssl.SSLContext for TLS ones, None for TCP.
    `http2`: streams per HTTP/2 connection (0: HTTP/1.1, one subscriber per connection)."""
    sel = selectors.DefaultSelector()
    socks = []
    for i in range(count):
        s = socket.socket()
        s.bind((f"127.0.0.{2 + i // 20000}", 0))
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        sel.register(s, selectors.EVENT_WRITE, {"phase": "connect", "head": bytearray()})
    pending = count
    while pending and time.time() < deadline:
        for key, _ in sel.select(timeout=1):
            s, state = key.fileobj, key.data
            try:
                if state["phase"] == "connect":
                    state["phase"] = "send"
                    if tls is not None:
                        sel.unregister(s)
                        s = tls.wrap_socket(s, do_handshake_on_connect=False,
                                            server_hostname="localhost")
                        sel.register(s, selectors.EVENT_WRITE, state)
                        state["phase"] = "handshake"
                if state["phase"] == "handshake":
                    s.do_handshake()
                    state["phase"] = "send"
                if state["phase"] == "send":
                    s.send(h2_request(http2) if http2 else REQUEST)
                    state["phase"] = "head"
                    sel.modify(s, selectors.EVENT_READ, state)
                    continue
                data = s.recv(4096)
            except ssl.SSLWantReadError:
                sel.modify(s, selectors.EVENT_READ, state)
                continue
            except ssl.SSLWantWriteError:
                sel.modify(s, selectors.EVENT_WRITE, state)
                continue
            if not data:
                raise RuntimeError("server closed a subscriber")
            state["head"].extend(data)
            if (h2_response_headers(state["head"]) >= http2 if http2 else
                    b"\r\n\r\n" in state["head"]):
                sel.unregister(s)
                socks.append(s)
                pending -= 1
    if pending:
        raise RuntimeError(f"{pending} subscribers got no headers in time")
    return socks


def client_tls_context(http2):
    # A measuring tool on loopback: the hub's throwaway certificate is not checked.
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["h2"] if http2 else ["http/1.1"])
    return ctx


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--binary", default="build/release/herald")
    ap.add_argument("--subscribers", type=int, default=5000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--tls", action="store_true",
                    help="subscribe over TLS (hub: --dev --tls-self-signed)")
    ap.add_argument("--http2", action="store_true",
                    help="subscribers over HTTP/2 (h2c, or ALPN h2 with --tls)")
    ap.add_argument("--streams", type=int, default=1,
                    help="with --http2: subscriptions per connection (at most 256)")
    ap.add_argument("--settle", type=float, default=6.0,
                    help="seconds idle before reading RSS (the hub trims freed memory every 5 s)")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # The probe holds a warm-up batch of 200 besides the N measured, and the server
    # inherits this limit: leave room for both.
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.subscribers + 1000), hard))

    tls_flags = ["--tls-self-signed", "--tls-listen", "127.0.0.1:0"] if args.tls else []
    server = subprocess.Popen(
        [args.binary, "serve", "--listen", "127.0.0.1:0", "--threads", str(args.threads),
         "--dev", "--log-level", "warn", "--heartbeat", "0", *tls_flags],
        stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        if args.tls:
            line = server.stdout.readline()  # the https:// listener comes second
        port = int(line.strip().rsplit(":", 1)[1])
        tls = client_tls_context(args.http2) if args.tls else None
        time.sleep(0.5)
        # Warm up allocator arenas and the reactor with a first batch, then measure a second.
        streams = args.streams if args.http2 else 0
        connections = args.subscribers // max(1, streams)
        warm = open_subscribers(port, 200 // max(1, streams), time.time() + 30, tls, streams)
        time.sleep(0.3)
        before = rss_kib(server.pid)
        socks = open_subscribers(port, connections, time.time() + 60, tls, streams)
        time.sleep(args.settle)
        after = rss_kib(server.pid)
        per = (after - before) * 1024 / (connections * max(1, streams))
        print(json.dumps({"subscribers": connections * max(1, streams), "tls": args.tls,
                          "http2": args.http2, "streams_per_connection": max(1, streams),
                          "rss_before_kib": before, "rss_after_kib": after,
                          "bytes_per_idle_subscriber": round(per)}))
        for s in socks + warm:
            s.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
