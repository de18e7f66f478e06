#!/usr/bin/env python3
"""User-space memory per idle SSE subscriber of `herald serve`.

Starts the release binary on loopback, opens N subscriptions from a few source addresses
(127.0.0.2, .3, ...), waits until every one has its response headers, then reads the
server's RSS. RSS counts user-space pages only (socket buffers live in the kernel), so
(RSS with N idle subscribers - RSS with none) / N is what one idle subscriber costs.
Bounded: N connections, a 60 s deadline; loopback only.
"""
import argparse
import json
import os
import resource
import selectors
import socket
import subprocess
import sys
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def open_subscribers(port, count, deadline):
    sel = selectors.DefaultSelector()
    socks = []
    request = (b"GET /.well-known/mercure?topic=idle HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"Accept: text/event-stream\r\n\r\n")
    for i in range(count):
        s = socket.socket()
        s.bind((f"127.0.0.{2 + i // 20000}", 0))
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
        sel.register(s, selectors.EVENT_WRITE, bytearray())
    pending = count
    while pending and time.time() < deadline:
        for key, mask in sel.select(timeout=1):
            s = key.fileobj
            if mask & selectors.EVENT_WRITE:
                s.send(request)
                sel.modify(s, selectors.EVENT_READ, key.data)
            else:
                data = s.recv(4096)
                if not data:
                    raise RuntimeError("server closed a subscriber")
                key.data.extend(data)
                if b"\r\n\r\n" in key.data:
                    sel.unregister(s)
                    pending -= 1
    if pending:
        raise RuntimeError(f"{pending} subscribers got no headers in time")
    return socks


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--binary", default="build/release/herald")
    ap.add_argument("--subscribers", type=int, default=5000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--settle", type=float, default=6.0,
                    help="seconds idle before reading RSS (the hub trims freed memory every 5 s)")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # The probe holds a warm-up batch of 200 besides the N measured, and the server
    # inherits this limit: leave room for both.
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.subscribers + 1000), hard))

    server = subprocess.Popen(
        [args.binary, "serve", "--listen", "127.0.0.1:0", "--threads", str(args.threads),
         "--dev", "--log-level", "warn", "--heartbeat", "0"],
        stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        port = int(line.strip().rsplit(":", 1)[1])
        time.sleep(0.5)
        # Warm up allocator arenas and the reactor with a first batch, then measure a second.
        warm = open_subscribers(port, 200, time.time() + 30)
        time.sleep(0.3)
        before = rss_kib(server.pid)
        socks = open_subscribers(port, args.subscribers, time.time() + 60)
        time.sleep(args.settle)
        after = rss_kib(server.pid)
        per = (after - before) * 1024 / args.subscribers
        print(json.dumps({"subscribers": args.subscribers, "rss_before_kib": before,
                          "rss_after_kib": after, "bytes_per_idle_subscriber": round(per)}))
        for s in socks + warm:
            s.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
