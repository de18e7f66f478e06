#!/usr/bin/env python3
"""Issue 9 "done when": the hub's RSS under the memory attacks, against its limits.

Starts the release herald on loopback with --history-bytes 64 MiB, then, one attack at a
time, samples the hub's RSS every 100 ms and reports its peak:
  chunk      (point 1) 8 connections send chunked publishes whose chunk extension and
             trailer never end, as fast as the hub reads, for --seconds;
  stalled    (point 4) four times, history is filled with a new ~64 MiB generation of
             512 KB events and 3 subscribers resume from `earliest` with a selector of
             that generation only, then never read (small receive buffers);
  topics     (point 5) 3,000 events naming 100 topics of 2 KB each.
The limit each is compared with: the history bound plus what the hub may hold per
connection (request bytes for point 1, --subscriber-buffer for point 4). Loopback only,
bounded in time and count; stdlib only.

  python3 bench/attack_memory.py --bin build/release/herald
"""
import argparse
import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

HOST = "127.0.0.1"
MIB = 1024 * 1024
HISTORY_BYTES = 64 * MIB


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class PeakRss:
    """Samples a process's RSS every 100 ms until stopped; keeps the peak."""

    def __init__(self, pid):
        self.pid, self.peak, self.stopped = pid, 0, False

    def __enter__(self):
        def run():
            while not self.stopped:
                self.peak = max(self.peak, rss_kib(self.pid))
                time.sleep(0.1)
        self.thread = threading.Thread(target=run)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped = True
        self.thread.join()


def start_hub(binary, extra):
    proc = subprocess.Popen(
        [binary, "serve", "--dev", "--no-ticker", "--listen", f"{HOST}:0", "--heartbeat", "0",
         "--log-level", "warn", "--history-size", "100000",
         "--history-bytes", str(HISTORY_BYTES), "--history-per-topic", "0"] + extra,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    m = re.search(r"listening on http://[^:]+:(\d+)", proc.stdout.readline())
    if not m:
        proc.kill()
        sys.exit("herald did not start")
    return proc, int(m.group(1))


def publish(conn, topics, data):
    body = urllib.parse.urlencode([("topic", t) for t in topics] + [("data", data)])
    conn.request("POST", "/.well-known/mercure", body,
                 {"Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    r.read()
    return r.status


def chunk_attack(port, seconds):
    stop = time.monotonic() + seconds

    def one(kind):
        s = socket.create_connection((HOST, port), timeout=5)
        s.sendall(b"POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n")
        s.sendall(b"7;" if kind == "extension" else b"7\r\ntopic=a\r\n0\r\nX-T: ")
        try:
            while time.monotonic() < stop:
                s.sendall(b"e" * 65536)
        except OSError:
            pass  # cut by the hub: what is wanted
        s.close()
    ts = [threading.Thread(target=one, args=("extension" if i % 2 else "trailer",))
          for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def stalled_attack(port):
    # Each round fills history with a new generation of ~64 MiB, then 3 subscribers resume
    # from `earliest` with a selector that matches only that generation and never read:
    # no live event reaches them (so no --subscriber-buffer cut), and what they were sent
    # stays referenced by their queues after history evicted it.
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    data = "x" * (512 * 1024)
    stalled = []
    for generation in range(4):
        for i in range(128):
            publish(conn, [f"urn:g{generation}:{i % 8}"], data)
        for _ in range(3):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect((HOST, port))
            s.sendall(f"GET /.well-known/mercure?topic=urn:g{generation}:{{n}}"
                      f"&lastEventID=earliest HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            stalled.append(s)
        time.sleep(0.5)
    conn.close()
    return stalled


def topics_attack(port):
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    for i in range(3000):
        publish(conn, [f"urn:t:{i}:{k}:" + "t" * 2000 for k in range(100)], "d")
    conn.close()


def metric(port, name):
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    m = re.search(rf"^{name} (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="build/release/herald")
    ap.add_argument("--seconds", type=float, default=8.0)
    args = ap.parse_args()
    results = {}
    for phase in ("chunk", "stalled", "topics"):
        proc, port = start_hub(args.bin, [])
        try:
            base = rss_kib(proc.pid)
            with PeakRss(proc.pid) as peak:
                if phase == "chunk":
                    chunk_attack(port, args.seconds)
                elif phase == "stalled":
                    held = stalled_attack(port)
                    time.sleep(2)
                    for s in held:
                        s.close()
                else:
                    topics_attack(port)
            results[phase] = {
                "rss_start_mib": round(base / 1024, 1),
                "rss_peak_mib": round(peak.peak / 1024, 1),
                "history_bytes_metric_mib": round((metric(port, "herald_history_bytes") or 0)
                                                  / MIB, 1),
            }
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(json.dumps(results, indent=2))
    print()
    print("| attack | RSS at start MiB | RSS peak MiB | herald_history_bytes at end MiB |")
    print("|---|---|---|---|")
    for phase, r in results.items():
        print(f"| {phase} | {r['rss_start_mib']} | {r['rss_peak_mib']} "
              f"| {r['history_bytes_metric_mib']} |")
    print(f"\nlimits: --history-bytes {HISTORY_BYTES // MIB} MiB")


if __name__ == "__main__":
    main()
