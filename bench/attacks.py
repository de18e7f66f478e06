#!/usr/bin/env python3
"""Issue 9 "done when": a legitimate publisher and /healthz, unattacked and under attack.

Starts the release herald on loopback, then measures for --seconds each:
  baseline   nobody attacks;
  templates  (point 2) a standing crowd of template subscribers (30 distinct templates
             each) plus attackers that keep leaving and coming back with fresh templates;
  resume     (point 1) with 10,000 events held on distinct topics, attackers resume from
             `earliest` with the heaviest templates the limits allow and wait for their
             replay, in a loop, and also send the 15 KB over-limit request (it must get
             400).
Reports the publisher's rate and latency and /healthz latency per phase, as JSON and as a
markdown table. Targets: the publisher keeps >= 50% of its baseline rate; /healthz p99 <
100 ms. Loopback only, bounded in time and count; stdlib only.

  python3 bench/attacks.py --bin build/release/herald
"""
import argparse
import http.client
import json
import multiprocessing
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

HOST = "127.0.0.1"


def start_hub(binary):
    # The per-topic bound keeps the 10,000 held topics in history while the publisher
    # publishes: without it, its own events would evict them and every resume would filter
    # one repeated topic (one match, then the memo) instead of 10,000 distinct ones.
    proc = subprocess.Popen(
        [binary, "serve", "--dev", "--no-ticker", "--listen", f"{HOST}:0",
         "--history-size", "20000", "--history-per-topic", "100", "--heartbeat", "0",
         "--log-level", "warn"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    m = re.search(r"listening on http://[^:]+:(\d+)", line)
    if not m:
        proc.kill()
        sys.exit(f"herald did not start: {line!r}")
    return proc, int(m.group(1))


def subscribe_head(port, selectors, last_event_id=None, timeout=30.0):
    """Sends a subscribe request, waits for the response head; returns (status, socket)."""
    query = [("topic", s) for s in selectors]
    if last_event_id is not None:
        query.append(("lastEventID", last_event_id))
    target = "/.well-known/mercure?" + urllib.parse.urlencode(query)
    sock = socket.create_connection((HOST, port), timeout=timeout)
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {HOST}\r\nAccept: text/event-stream\r\n\r\n"
                 .encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(65536)
        if not chunk:
            break
        head += chunk
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, sock


def publish(conn, topic, data):
    body = urllib.parse.urlencode([("topic", topic), ("data", data)])
    conn.request("POST", "/.well-known/mercure", body,
                 {"Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        raise RuntimeError(f"publish answered {r.status}")


def preload_history(port, count, threads=4):
    def work(start):
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        for i in range(start, count, threads):
            publish(conn, f"https://example.com/held/{i}", f"h{i}")
        conn.close()
    ts = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def templates(who, n=30):
    # Expressions at both ends and short literals: every topic runs the matcher.
    return [f"{{scheme}}:{{+rest}}/a{who}-{i}/{{id}}" for i in range(n)]


END_TOPIC = "https://example.com/held-end"


def heavy_templates(k):
    # 3 x 16 variables + 1 <= 64, ~2.5 KB <= 4 KiB: the most the default limits allow,
    # with expressions at both ends so no literal head or tail rejects a topic cheaply.
    # They match none of the held topics: what is measured is the matching, not the
    # writing of a replay (any subscriber may ask for everything history holds). The last
    # selector matches the event published after all the held ones, so the attacker can
    # wait until its replay has been filtered to the end: leaving earlier would spare the
    # hub the work.
    return [f"{{v0}}{'q' * 700}" + "".join(f"-{k}{j}-{{w{i}}}" for i in range(15))
            for j in range(3)] + ["https://example.com/held/{n}/x", END_TOPIC]


def wait_for(sock, marker, limit=1 << 20):
    """Reads from `sock` until `marker` has come (or the stream ends or grows too long)."""
    seen = b""
    while marker not in seen and len(seen) < limit:
        chunk = sock.recv(65536)
        if not chunk:
            break
        seen += chunk


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(port, seconds):
    """Publisher rate/latency and /healthz latency over `seconds`."""
    stop = time.monotonic() + seconds
    pub_lat, hz_lat = [], []

    def publisher():
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        i = 0
        while time.monotonic() < stop:
            t0 = time.monotonic()
            publish(conn, "urn:bench:legit", f"p{i}")
            pub_lat.append(time.monotonic() - t0)
            i += 1
        conn.close()

    def prober():
        while time.monotonic() < stop:
            t0 = time.monotonic()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            hz_lat.append(time.monotonic() - t0)
            time.sleep(0.05)

    ts = [threading.Thread(target=publisher), threading.Thread(target=prober)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    ms = lambda v: None if v is None else round(v * 1000, 2)
    return {
        "publishes_per_s": round(len(pub_lat) / seconds, 1),
        "publish_p99_ms": ms(percentile(pub_lat, 99)),
        "publish_max_ms": ms(max(pub_lat, default=None)),
        "healthz_p50_ms": ms(percentile(hz_lat, 50)),
        "healthz_p99_ms": ms(percentile(hz_lat, 99)),
        "healthz_max_ms": ms(max(hz_lat, default=None)),
        "healthz_probes": len(hz_lat),
    }


class Attack:
    """Runs `step(n)` in `loops` processes until stopped; counts the steps.

    Processes, not threads: attacker threads would share the publisher's interpreter lock,
    and the publisher's rate would measure Python's scheduling instead of the hub's.
    """

    def __init__(self, step, loops):
        self.step, self.loops = step, loops
        self.stopped = multiprocessing.Event()
        self.counts = multiprocessing.Array("q", 2 * loops)  # steps, errors per loop

    def _loop(self, k):
        n = k * 1_000_000
        while not self.stopped.is_set():
            try:
                self.step(n)
                self.counts[2 * k] += 1
            except OSError:
                self.counts[2 * k + 1] += 1
            n += 1

    def __enter__(self):
        self.procs = [multiprocessing.Process(target=self._loop, args=(k,))
                      for k in range(self.loops)]
        for p in self.procs:
            p.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        for p in self.procs:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()

    @property
    def steps(self):
        return sum(self.counts[0::2])

    @property
    def errors(self):
        return sum(self.counts[1::2])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="build/release/herald")
    ap.add_argument("--seconds", type=float, default=8.0, help="per phase")
    ap.add_argument("--attackers", type=int, default=4, help="attacker loops per attack")
    ap.add_argument("--standing", type=int, default=300,
                    help="template subscribers that stay connected during the templates phase")
    args = ap.parse_args()

    proc, port = start_hub(args.bin)
    results = {}
    try:
        results["baseline"] = measure(port, args.seconds)

        standing = [subscribe_head(port, templates(i))[1] for i in range(args.standing)]

        def churn(n):
            status, sock = subscribe_head(port, templates(100_000 + n))
            time.sleep(0.05)
            sock.close()
        with Attack(churn, args.attackers) as a:
            results["templates"] = measure(port, args.seconds)
            results["templates"]["attack_steps"] = a.steps
        for s in standing:
            s.close()

        preload_history(port, 10000)
        end = http.client.HTTPConnection(HOST, port, timeout=30)
        publish(end, END_TOPIC, "end")
        end.close()
        over_limit = [f"{{v0}}{'z' * 480}{{v1}}-{i}" for i in range(28)]  # ~14 KB of selectors
        status, sock = subscribe_head(port, over_limit, "earliest")
        sock.close()
        results["over_limit_request_status"] = status

        def resume(n):
            status, sock = subscribe_head(port, heavy_templates(n), "earliest")
            if status == 200:
                wait_for(sock, b"data: end\n")
            sock.close()
            if status != 200:
                raise OSError(f"resume answered {status}")
        with Attack(resume, args.attackers) as a:
            results["resume"] = measure(port, args.seconds)
            results["resume"]["attack_steps"] = a.steps
            results["resume"]["attack_errors"] = a.errors
    finally:
        proc.terminate()
        proc.wait(timeout=20)

    base = results["baseline"]["publishes_per_s"]
    for phase in ("templates", "resume"):
        r = results[phase]
        r["publish_rate_vs_baseline"] = round(r["publishes_per_s"] / base, 2) if base else None
        r["ok"] = (r["publish_rate_vs_baseline"] or 0) >= 0.5 and (r["healthz_p99_ms"] or 1e9) < 100
    print(json.dumps(results, indent=2))
    print()
    print("| phase | publishes/s | vs baseline | publish p99 ms | /healthz p50 ms | /healthz p99 ms "
          "| /healthz max ms | attack steps |")
    print("|---|---|---|---|---|---|---|---|")
    for phase in ("baseline", "templates", "resume"):
        r = results[phase]
        print(f"| {phase} | {r['publishes_per_s']} | {r.get('publish_rate_vs_baseline', 1.0)} "
              f"| {r['publish_p99_ms']} | {r['healthz_p50_ms']} | {r['healthz_p99_ms']} "
              f"| {r['healthz_max_ms']} | {r.get('attack_steps', '-')} |")
    print(f"\nover-limit 15 KB resume request: HTTP {results['over_limit_request_status']}")


if __name__ == "__main__":
    main()
