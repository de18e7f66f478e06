#!/usr/bin/env python3
"""Cluster on Redis (issue 12), side by side in one run: nodes on one Redis stream against
one node on the memory store and on the LMDB store, with `herald bench`.

1. Scaling: the nodes' CPU seconds per million deliveries, and deliveries/s, of N
   subscribers on one topic and E events, for (a) one node on --store memory (no
   cluster), (b) one node on Redis, (c) two nodes on Redis with the subscribers split
   between them. Rounds alternate the order; medians. Each shape runs at every pace of
   --scaling: as fast as --window allows (the 2 cores saturate, and a node that falls
   behind batches its writes, so its CPU per delivery drops), and at a fixed --rate (the
   steadier comparison of CPU per delivery).

   How two nodes' subscribers get the same events: `herald bench` cannot subscribe
   without publishing, and two benches publishing the same topic would each see the
   other's events as duplicates. So every shape is driven the same way, (a) and (b) too:
     - one `herald bench --scenario fanout` per node, each subscribing its share of the N
       subscribers to topic PREFIX0 on its node, and sending its own publishes to a
       *sink*: a separate `herald serve --store memory` hub (not in the cluster, nobody
       subscribes there), so those publishes touch neither the nodes nor Redis;
     - once every subscriber bench says "publishing" (its subscribers are connected and
       settled), one `herald bench --scenario publish --topic-prefix PREFIX` sends the E
       events (sequence numbers 1..E on PREFIX0, exactly what the subscriber benches
       expect) to the first node. Each subscriber bench checks its subscribers got every
       event once (in order with --per-topic 1) and measures delivery latency from the
       publisher's send time (payloads carry CLOCK_MONOTONIC, one machine).
   CPU: each node's utime+stime (/proc/PID/stat, read by its subscriber bench,
   --server-pid) over that bench's window, which opens before the publisher starts and
   closes once its subscribers got every event (connects and disconnects fall outside,
   as in the other benchmarks); the two-node figure is the sum over both nodes. Redis's
   CPU is read here (INFO cpu), from just before the publisher starts until every bench
   exited, and reported separately. Deliveries/s: all deliveries over the time from the
   publisher's first send (its "publishing" line) to the last delivery on the slowest node.

2. Publishes: (i) publishes/s (scenario publish, --window W --per-topic W) on one node on
   --store memory, lmdb:DIR --sync full, Redis (appendfsync always) and Redis (appendfsync
   everysec); (ii) publish latency p50/p99 at a fixed --rate with S subscribers on one
   topic (--per-topic 1: strict order, checked), the same four stores; the latency Redis
   adds against LMDB --sync full.

Redis: /usr/bin/redis-server --port P --bind 127.0.0.1 --save "" --appendonly yes
--appendfsync always|everysec --dir <fresh temp dir> --daemonize no, a fresh one per run.
Nodes: herald serve --dev --no-ticker --heartbeat 0 --log-level error --listen
127.0.0.1:0 --threads T --store ..., ready once GET /readyz answers 200. Every process
started here is stopped by its own pid (in a finally); every run is bounded (herald bench
--timeout, subprocess timeouts). The load generator, the sink and Redis share the
machine's cores with the nodes.

Writes OUT/cluster.json (every report) and OUT/cluster.md (the tables). Exit 1 when a
run's accounting was not clean (a report's "ok" false, a failed publish).
"""
import argparse
import json
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import free_port, machine, stop, wait_for_line  # noqa: E402

CPU_TARGET = 1.2  # two nodes' CPU per million deliveries / one node's, at most
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid):
    """utime + stime of `pid` in seconds (/proc/PID/stat), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return None


class OwnedProcess:
    """A process started here with a directory of its own: stop() ends the process by its
    pid and removes the directory."""
    proc = None
    dir = None

    def stop(self):
        if self.proc is not None:
            stop(self.proc)
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


class Redis(OwnedProcess):
    def __init__(self, args, fsync):
        self.args, self.fsync = args, fsync
        self.proc, self.dir = None, None

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="herald-cbench-redis-", dir=self.args.data_dir)
        self.port = free_port()
        self.cmd = [self.args.redis, "--port", str(self.port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "yes", "--appendfsync", self.fsync,
                    "--dir", self.dir, "--daemonize", "no"]
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited {self.proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("redis-server did not answer PING in 20 s")

    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def cpu_s(self):
        """Redis's own CPU seconds (INFO cpu: used_cpu_user + used_cpu_sys, getrusage of
        the whole process, microseconds; /proc/PID/stat counts 10 ms ticks)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(b"INFO cpu\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                head, _, rest = data.partition(b"\r\n")
                if head.startswith(b"$") and len(rest) >= int(head[1:]):
                    break
        fields = dict(line.split(":", 1) for line in data.decode().splitlines()
                      if ":" in line and not line.startswith("#"))
        return float(fields["used_cpu_user"]) + float(fields["used_cpu_sys"])



class Node(OwnedProcess):
    """One `herald serve`; store: 'memory', ('lmdb', sync) in a fresh directory, or a
    redis:// URL."""

    def __init__(self, args, store):
        self.args, self.store = args, store
        self.proc, self.dir = None, None

    def start(self):
        cmd = [self.args.binary, "serve", "--dev", "--no-ticker", "--heartbeat", "0",
               "--log-level", "error", "--listen", "127.0.0.1:0", "--threads",
               str(self.args.threads)]
        if isinstance(self.store, tuple):
            self.dir = tempfile.mkdtemp(prefix="herald-cbench-lmdb-", dir=self.args.data_dir)
            cmd += ["--store", "lmdb:" + self.dir, "--sync", self.store[1]]
        else:
            cmd += ["--store", self.store]
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = wait_for_line(self.proc, "listening on", 30)
        self.url = line.rsplit(" ", 1)[1]
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.url}/readyz not 200 after 30 s")
            time.sleep(0.05)

    @property
    def pid(self):
        return self.proc.pid



class Setup:
    """Starts processes in order and stops every one (by its own pid), last first."""

    def __init__(self):
        self.started = []

    def add(self, thing):
        self.started.append(thing)
        return thing.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for thing in reversed(self.started):
            try:
                thing.stop()
            except Exception as e:  # keep stopping the others
                print(f"stopping {thing}: {e}", file=sys.stderr)


class BenchProc:
    """A `herald bench` running in the background; notes when its progress lines come."""

    def __init__(self, args, flags, timeout_s):
        self.cmd = [args.binary, "bench", "--compact", "--timeout", f"{timeout_s}s"] + flags
        self.timeout_s = timeout_s
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.lines, self.seen = [], {}
        self.cond = threading.Condition()
        self.out = []
        self.t_err = threading.Thread(target=self._read_err, daemon=True)
        self.t_out = threading.Thread(target=lambda: self.out.append(self.proc.stdout.read()),
                                      daemon=True)
        self.t_err.start()
        self.t_out.start()

    def _read_err(self):
        for line in self.proc.stderr:
            t = time.monotonic()
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                for word in ("connecting", "publishing"):
                    if f"herald bench: {word}" in line and word not in self.seen:
                        self.seen[word] = t
                self.cond.notify_all()
        with self.cond:
            self.seen["eof"] = time.monotonic()
            self.cond.notify_all()

    def wait_for(self, word, timeout):
        """The time the progress line `word` came (raises if the bench ended first)."""
        with self.cond:
            ok = self.cond.wait_for(lambda: word in self.seen or "eof" in self.seen, timeout)
            if word in self.seen:
                return self.seen[word]
        raise RuntimeError(f"herald bench never said '{word}' ({'ended' if ok else 'timeout'}):"
                           f" {shlex.join(self.cmd)}\n" + "\n".join(self.lines[-5:]))

    def report(self):
        try:
            self.proc.wait(timeout=self.timeout_s + 60)
        except subprocess.TimeoutExpired:
            self.kill()
            raise RuntimeError(f"herald bench did not end: {shlex.join(self.cmd)}")
        self.t_out.join(10)
        self.t_err.join(10)
        if self.proc.returncode not in (0, 3):
            raise RuntimeError(f"herald bench exited {self.proc.returncode}: "
                               f"{shlex.join(self.cmd)}\n" + "\n".join(self.lines[-5:]))
        r = json.loads(self.out[0])
        r["command"] = shlex.join(self.cmd)
        return r

    def kill(self):
        if self.proc.poll() is None:
            stop(self.proc)


def run_bench(args, url, flags, timeout_s, pids):
    cmd = [args.binary, "bench", "--url", url, "--quiet", "--compact", "--timeout",
           f"{timeout_s}s"] + [x for p in pids for x in ("--server-pid", str(p))] + flags
    res = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=timeout_s + 60)
    if res.returncode not in (0, 3):
        raise RuntimeError(f"herald bench exited {res.returncode}: {shlex.join(cmd)}")
    r = json.loads(res.stdout)
    r["command"] = shlex.join(cmd)
    return r


def median(values):
    values = list(values)
    return statistics.median(values) if values else 0


# -- 1. scaling ---------------------------------------------------------------------------

SHAPES = {
    "memory, 1 node": ("memory", 1),
    "redis, 1 node": ("redis", 1),
    "redis, 2 nodes": ("redis", 2),
}


def scaling_run(args, shape, round_, pub_rate, events):
    store, n_nodes = SHAPES[shape]
    prefix = f"cbench-{os.getpid()}-{pub_rate:g}-{round_}-{store}{n_nodes}-"
    common = ["--events", str(events), "--window", str(args.fanout_window),
              "--per-topic", str(args.fanout_per_topic), "--event-bytes", str(args.event_bytes),
              "--topic-prefix", prefix]
    subs = [args.subscribers * (i + 1) // n_nodes - args.subscribers * i // n_nodes
            for i in range(n_nodes)]
    benches = []
    procs = benches
    with Setup() as setup:
        redis = setup.add(Redis(args, "always")) if store == "redis" else None
        nodes = [setup.add(Node(args, redis.url() if redis else "memory"))
                 for _ in range(n_nodes)]
        sink = setup.add(Node(args, "memory"))
        try:
            for node, n in zip(nodes, subs):
                benches.append(BenchProc(args, [
                    "--url", node.url, "--publish-url", sink.url, "--scenario", "fanout",
                    "--subscribers", str(n), "--drain", str(args.drain), "--server-pid",
                    str(node.pid), "--label", f"{shape}: subscribers on {node.url}"] + common,
                    args.timeout))
            t_ready = [b.wait_for("publishing", args.timeout) for b in benches]
            time.sleep(0.5)  # their publishes to the sink are done (a few ms)
            redis_cpu0 = redis.cpu_s() if redis else None
            node_cpu0 = [cpu_s(n.pid) for n in nodes]
            pub = BenchProc(args, ["--url", nodes[0].url, "--scenario", "publish",
                                   "--server-pid", str(nodes[0].pid), "--rate", f"{pub_rate:g}",
                                   "--label", f"{shape}: publisher"] + common, args.timeout)
            procs = benches + [pub]
            t_pub = pub.wait_for("publishing", args.timeout)
            reports = [b.report() for b in benches]
            pub_report = pub.report()
            redis_cpu1 = redis.cpu_s() if redis else None
            node_cpu1 = [cpu_s(n.pid) for n in nodes]
        finally:
            for b in procs:
                b.kill()
    delivered = sum(r["events"]["delivered"] for r in reports)
    # Each subscriber bench's delivery clock starts at its own first send (to the sink);
    # the cluster's starts at the publisher's.
    delivery_s = max(r["delivery"]["seconds"] - (t_pub - t0) for r, t0 in zip(reports, t_ready))
    node_cpu = sum(r["server"]["cpu_s"] for r in reports)
    out = {
        "shape": shape, "round": round_, "subscribers": subs, "delivered": delivered,
        "expected": args.subscribers * events, "rate": pub_rate, "events": events,
        "ok": all(r["ok"] for r in reports) and pub_report["ok"]
        and pub_report["publish"]["failed"] == 0,
        "delivery_s": delivery_s,
        "deliveries_per_s": delivered / delivery_s if delivery_s > 0 else 0,
        "node_cpu_s": node_cpu,
        "node_cpu_s_per_node": [r["server"]["cpu_s"] for r in reports],
        "node_cpu_s_wide": [b - a for a, b in zip(node_cpu0, node_cpu1)],
        "redis_cpu_s": None if redis is None else redis_cpu1 - redis_cpu0,
        "delivery_p50_ms": max(r["delivery"]["latency_ms"]["p50"] for r in reports),
        "delivery_p99_ms": max(r["delivery"]["latency_ms"]["p99"] for r in reports),
        "publish_per_s": pub_report["publish"]["requests_per_s"],
        "publish_p50_ms": pub_report["publish"]["latency_ms"]["p50"],
        "loadgen_cpu_s": sum(r["loadgen"]["cpu_s"] for r in reports + [pub_report]),
        "publisher": pub_report, "subscriber_benches": reports,
        "hub_commands": [shlex.join(n.cmd) for n in nodes],
        "redis_command": None if redis is None else shlex.join(redis.cmd),
    }
    out["node_cpu_s_per_million"] = node_cpu / max(delivered, 1) * 1e6
    if redis is not None:
        out["redis_cpu_us_per_publish"] = out["redis_cpu_s"] / events * 1e6
    return out


def scaling_section(args, log, pub_rate, events):
    shapes = list(SHAPES)
    runs = {s: [] for s in shapes}
    for round_ in range(args.rounds):
        for shape in (shapes if round_ % 2 == 0 else list(reversed(shapes))):
            r = scaling_run(args, shape, round_, pub_rate, events)
            runs[shape].append(r)
            log(f"scaling at rate {pub_rate:g} round {round_ + 1} {shape}: {r['deliveries_per_s']:,.0f} deliveries/s,"
                f" nodes {r['node_cpu_s']:.3f} CPU s ({r['node_cpu_s_per_million']:.2f} per 1M),"
                f" redis {r['redis_cpu_s']} CPU s, ok {r['ok']}")
    summary = {}
    for shape, rs in runs.items():
        summary[shape] = {
            "deliveries_per_s": median(r["deliveries_per_s"] for r in rs),
            "node_cpu_s_per_million": median(r["node_cpu_s_per_million"] for r in rs),
            "node_cpu_s": median(r["node_cpu_s"] for r in rs),
            "node_cpu_s_per_million_wide": median(
                sum(r["node_cpu_s_wide"]) / max(r["delivered"], 1) * 1e6 for r in rs),
            "redis_cpu_s": None if rs[0]["redis_cpu_s"] is None
            else median(r["redis_cpu_s"] for r in rs),
            "delivery_p50_ms": median(r["delivery_p50_ms"] for r in rs),
            "delivery_p99_ms": median(r["delivery_p99_ms"] for r in rs),
            "publish_per_s": median(r["publish_per_s"] for r in rs),
            "loadgen_cpu_s": median(r["loadgen_cpu_s"] for r in rs),
            "rounds_cpu": [r["node_cpu_s_per_million"] for r in rs],
            "rounds_rate": [r["deliveries_per_s"] for r in rs],
            "all_ok": all(r["ok"] for r in rs),
        }
    return {"rate": pub_rate, "events": events, "summary": summary, "runs": runs}


# -- 2. publishes -------------------------------------------------------------------------

STORES = ["memory", "lmdb --sync full", "redis appendfsync always", "redis appendfsync everysec"]


def entries_read(node):
    with urllib.request.urlopen(node.url + "/metrics", timeout=5) as r:
        for line in r.read().decode().splitlines():
            if line.startswith("herald_cluster_stream_entries_read_total "):
                return int(float(line.split()[1]))
    return None


def store_run(args, label, flags, timeout_s, observer=False):
    """One node on `label`'s store, `herald bench FLAGS` against it. Redis with
    `observer`: a second node with no subscribers reads the same stream; its CPU over the
    run (until it read every entry) is a node's cost of reading an entry it delivers to
    nobody."""
    with Setup() as setup:
        redis = obs = None
        if label.startswith("redis"):
            redis = setup.add(Redis(args, label.rsplit(" ", 1)[1]))
            node = setup.add(Node(args, redis.url()))
            if observer:
                obs = setup.add(Node(args, redis.url()))
        elif label.startswith("lmdb"):
            node = setup.add(Node(args, ("lmdb", "full")))
        else:
            node = setup.add(Node(args, "memory"))
        redis_cpu0 = redis.cpu_s() if redis else None
        obs_cpu0 = cpu_s(obs.pid) if obs else None
        r = run_bench(args, node.url, flags + ["--label", label], timeout_s, [node.pid])
        if obs:
            deadline = time.monotonic() + 20
            while (entries_read(obs) or 0) < r["publish"]["ok"] and time.monotonic() < deadline:
                time.sleep(0.05)
            r["observer"] = {"entries_read": entries_read(obs),
                             "cpu_s": cpu_s(obs.pid) - obs_cpu0,
                             "hub_command": shlex.join(obs.cmd)}
        r["redis_cpu_s"] = None if redis is None else redis.cpu_s() - redis_cpu0
        r["hub_command"] = shlex.join(node.cmd)
        r["redis_command"] = None if redis is None else shlex.join(redis.cmd)
    return r


def store_rounds(args, log, what, flags, describe, observer=False):
    runs = {s: [] for s in STORES}
    for round_ in range(args.rounds):
        for label in (STORES if round_ % 2 == 0 else list(reversed(STORES))):
            r = store_run(args, label, flags, args.timeout, observer)
            runs[label].append(r)
            log(f"{what} round {round_ + 1} {label}: {describe(r)}")
    return runs


def publish_summary(runs, n_events):
    out = {}
    for label, rs in runs.items():
        out[label] = {
            "requests_per_s": median(r["publish"]["requests_per_s"] for r in rs),
            "p50_ms": median(r["publish"]["latency_ms"]["p50"] for r in rs),
            "p99_ms": median(r["publish"]["latency_ms"]["p99"] for r in rs),
            "node_cpu_us_per_publish": median(r["server"]["cpu_s"] / max(r["publish"]["ok"], 1)
                                              * 1e6 for r in rs),
            "redis_cpu_us_per_publish": None if rs[0]["redis_cpu_s"] is None else median(
                r["redis_cpu_s"] / max(r["publish"]["ok"], 1) * 1e6 for r in rs),
            "delivery_p50_ms": median(r["delivery"]["latency_ms"]["p50"] for r in rs),
            "delivery_p99_ms": median(r["delivery"]["latency_ms"]["p99"] for r in rs),
            "rounds": [r["publish"]["requests_per_s"] for r in rs],
            "rounds_p99": [r["publish"]["latency_ms"]["p99"] for r in rs],
            "observer_cpu_us_per_entry": median(
                r["observer"]["cpu_s"] / max(r["observer"]["entries_read"] or 0, 1) * 1e6
                for r in rs) if "observer" in rs[0] else None,
            "all_ok": all(r["ok"] and r["publish"]["failed"] == 0 and (
                "observer" not in r or r["observer"]["entries_read"] == r["publish"]["ok"])
                for r in rs),
        }
    return out


def describe_publish(r):
    obs = r.get("observer")
    return (f"{r['publish']['requests_per_s']:,.0f}/s, p50 {r['publish']['latency_ms']['p50']} "
            f"ms, p99 {r['publish']['latency_ms']['p99']} ms, node cpu {r['server']['cpu_s']} s,"
            f" redis cpu {r['redis_cpu_s']}"
            + (f", observer read {obs['entries_read']} with {obs['cpu_s']:.2f} cpu s" if obs else "")
            + f", ok {r['ok']}")


def throughput_section(args, log):
    flags = ["--scenario", "publish", "--events", str(args.publish_events), "--window",
             str(args.window), "--per-topic", str(args.window), "--event-bytes",
             str(args.event_bytes)]
    runs = store_rounds(args, log, "publishes/s", flags, describe_publish, observer=True)
    return {"summary": publish_summary(runs, args.publish_events), "runs": runs}


def latency_section(args, log):
    flags = ["--scenario", "fanout", "--subscribers", str(args.latency_subscribers),
             "--events", str(args.latency_events), "--rate", str(args.rate), "--window", "8",
             "--per-topic", "8", "--event-bytes", str(args.event_bytes)]
    runs = store_rounds(args, log, f"latency at {args.rate}/s", flags, describe_publish)
    return {"summary": publish_summary(runs, args.latency_events), "runs": runs}


# -- the report ---------------------------------------------------------------------------

def rate(v):
    return f"{v:,.0f}"


def markdown(args, info):
    m = info["machine"]
    md = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Linux {m['kernel']}; "
        f"Redis {info['redis_version']}, AOF and LMDB on {info['filesystem']}. The load "
        f"generator (`herald bench`), the sink and Redis share the {m['cores']} cores with "
        f"the nodes. Load average {info['load_start']:.1f} at the start, "
        f"{info['load_end']:.1f} at the end. Nodes `--threads {args.threads}`, events of "
        f"{args.event_bytes} bytes.",
        f"Command: `{info['command']}` ({info['herald']}, commit {info['commit']}).",
        "",
    ]
    for part in info.get("scaling", []):
        s, events = part["summary"], part["events"]
        pace = ("as fast as --window allows" if not part["rate"] else
                f"at --rate {part['rate']:g}/s")
        md += [
            f"Scaling: {args.subscribers:,} subscribers on one topic (split evenly over the "
            f"nodes), {events:,} events published to the first node {pace} (--window "
            f"{args.fanout_window} --per-topic {args.fanout_per_topic}); Redis with appendfsync "
            f"always; {args.rounds} alternating rounds, medians.",
            "",
            "| shape | node CPU s per 1M deliveries | rounds | incl. disconnects | deliveries/s "
            "| rounds | Redis CPU s (us per publish) | delivery p50 / p99 ms | publishes/s | "
            "loadgen CPU s | clean |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for shape, v in s.items():
            rc = ("-" if v["redis_cpu_s"] is None else
                  f"{v['redis_cpu_s']:.3f} ({v['redis_cpu_s'] / events * 1e6:.0f})")
            md.append(
                f"| {shape} | {v['node_cpu_s_per_million']:.2f} | "
                f"{', '.join(f'{x:.2f}' for x in v['rounds_cpu'])} | "
                f"{v['node_cpu_s_per_million_wide']:.2f} | {rate(v['deliveries_per_s'])} | {', '.join(rate(x) for x in v['rounds_rate'])}"
                f" | {rc} | {v['delivery_p50_ms']:.1f} / {v['delivery_p99_ms']:.1f} | "
                f"{rate(v['publish_per_s'])} | {v['loadgen_cpu_s']:.2f} | "
                f"{'yes' if v['all_ok'] else 'NO'} |")
        a = s["memory, 1 node"]["node_cpu_s_per_million"]
        b = s["redis, 1 node"]["node_cpu_s_per_million"]
        c = s["redis, 2 nodes"]["node_cpu_s_per_million"]
        ca, cb = c / a if a else 0, c / b if b else 0
        part["ratios"] = {"two_nodes_vs_memory": ca, "two_nodes_vs_redis_one": cb,
                                     "redis_one_vs_memory": b / a if a else 0}
        md += ["", f"Two nodes' CPU per million deliveries / one node's: {ca:.2f} against one "
               f"node on memory (what the cluster adds; target {CPU_TARGET}: "
               f"{'met' if ca <= CPU_TARGET else 'NOT met'}), {cb:.2f} against one node on "
               f"Redis (what the second node adds: {'met' if cb <= CPU_TARGET else 'NOT met'}); "
               f"one node on Redis / on memory {b / a if a else 0:.2f}. Redis CPU per publish: "
               f"{s['redis, 1 node']['redis_cpu_s'] / events * 1e6:.0f} us with one node "
               f"reading the stream, {s['redis, 2 nodes']['redis_cpu_s'] / events * 1e6:.0f}"
               f" us with two. \"incl. disconnects\": the nodes' CPU read here from /proc "
               f"from before the publisher started until every bench exited.", ""]
    for key, title in (("throughput", "Publishes per second"), ("latency", "Publish latency")):
        if key not in info:
            continue
        s = info[key]["summary"]
        if key == "throughput":
            md += [f"{title}: one node, {args.publish_events:,} publishes per run, --window "
                   f"{args.window} --per-topic {args.window} ({args.window} in flight), no "
                   f"subscribers; {args.rounds} alternating rounds, medians.", ""]
        else:
            md += [f"{title}: one node, {args.latency_subscribers:,} subscribers on one topic, "
                   f"{args.latency_events:,} events at --rate {args.rate:g}/s, --window 8 --per-topic "
                   f"8 (up to 8 in flight, so the rate holds; order not checked; node CPU includes the "
                   f"fan-out); "
                   f"{args.rounds} alternating rounds, medians.", ""]
        md += ["| store | publishes/s | rounds | publish p50 ms | publish p99 ms | p99 rounds | "
               "delivery p50 / p99 ms | node CPU us per publish | Redis CPU us per publish "
               "| clean |", "|---|---|---|---|---|---|---|---|---|---|"]
        for label, v in s.items():
            rc = "-" if v["redis_cpu_us_per_publish"] is None else \
                f"{v['redis_cpu_us_per_publish']:.1f}"
            md.append(
                f"| {label} | {rate(v['requests_per_s'])} | "
                f"{', '.join(rate(x) for x in v['rounds'])} | {v['p50_ms']:.2f} | "
                f"{v['p99_ms']:.2f} | {', '.join(f'{x:.2f}' for x in v['rounds_p99'])} | "
                + ("-" if key == "throughput" else
                   f"{v['delivery_p50_ms']:.1f} / {v['delivery_p99_ms']:.1f}")
                + f" | {v['node_cpu_us_per_publish']:.1f} | {rc} | "
                f"{'yes' if v['all_ok'] else 'NO'} |")
        lm, rd = s["lmdb --sync full"], s["redis appendfsync always"]
        if key == "throughput":
            md += ["", f"Redis (always) / LMDB --sync full publishes/s: "
                   f"{rd['requests_per_s'] / lm['requests_per_s']:.2f}; Redis (always) / "
                   f"memory: {rd['requests_per_s'] / s['memory']['requests_per_s']:.2f}. A "
                   f"second node with no subscribers on the same Redis (reading every entry, "
                   f"delivering to nobody) spent {rd['observer_cpu_us_per_entry']:.1f} us of CPU "
                   f"per entry (appendfsync always runs).", ""]
        else:
            md += ["", f"Redis (always) adds {rd['p50_ms'] - lm['p50_ms']:+.2f} ms at p50 and "
                   f"{rd['p99_ms'] - lm['p99_ms']:+.2f} ms at p99 to a publish against LMDB "
                   f"--sync full ({rd['p50_ms'] - s['memory']['p50_ms']:+.2f} / "
                   f"{rd['p99_ms'] - s['memory']['p99_ms']:+.2f} ms against memory).", ""]
    return md


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--herald", default="build/release/herald")
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--data-dir", default=None,
                    help="parent of the Redis and LMDB directories (default: the temp dir)")
    ap.add_argument("--sections", default="scaling,throughput,latency")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1, help="node threads, the same for all")
    ap.add_argument("--event-bytes", type=int, default=64)
    ap.add_argument("--subscribers", type=int, default=3000, help="scaling: subscribers")
    ap.add_argument("--scaling", default="0:1000,100:500", metavar="RATE:EVENTS,...",
                    help="scaling: the publisher's --rate (0: as fast as the window allows) "
                         "and events, one shape each")
    ap.add_argument("--fanout-window", type=int, default=8)
    ap.add_argument("--fanout-per-topic", type=int, default=8)
    ap.add_argument("--drain", type=int, default=60,
                    help="scaling: how long subscriber benches wait for the publisher")
    ap.add_argument("--publish-events", type=int, default=20000)
    ap.add_argument("--window", type=int, default=32, help="publishes in flight")
    ap.add_argument("--latency-subscribers", type=int, default=200)
    ap.add_argument("--latency-events", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=500)
    ap.add_argument("--timeout", type=int, default=90, help="each herald bench, seconds")
    ap.add_argument("--quick", action="store_true",
                    help="small runs and 1 round: checks the script, measures nothing")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.subscribers, args.scaling = 1, 200, "0:200,200:100"
        args.publish_events, args.latency_subscribers, args.latency_events = 2000, 100, 200
    args.binary = os.path.abspath(args.herald)
    os.makedirs(args.out, exist_ok=True)
    sections = args.sections.split(",")

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    fs = subprocess.run(["df", "--output=fstype,source", args.data_dir or tempfile.gettempdir()],
                        capture_output=True, text=True).stdout.split()
    info = {"machine": machine(), "load_start": os.getloadavg()[0],
            "filesystem": " ".join(fs[-2:]) if len(fs) >= 4 else "?",
            "command": shlex.join(["python3", "bench/cluster.py"] + sys.argv[1:]),
            "herald": subprocess.run([args.binary, "--version"], capture_output=True,
                                     text=True).stdout.strip(),
            "redis_version": subprocess.run([args.redis, "--version"], capture_output=True,
                                            text=True).stdout.split(" v=")[-1].split()[0],
            "commit": subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)),
                                      "rev-parse", "--short", "HEAD"], capture_output=True,
                                     text=True).stdout.strip() or "?"}
    t0 = time.monotonic()
    if "scaling" in sections:
        info["scaling"] = [scaling_section(args, log, float(shape.split(":")[0]),
                                           int(shape.split(":")[1]))
                           for shape in args.scaling.split(",")]
    if "throughput" in sections:
        info["throughput"] = throughput_section(args, log)
    if "latency" in sections:
        info["latency"] = latency_section(args, log)
    info["load_end"] = os.getloadavg()[0]
    info["elapsed_s"] = round(time.monotonic() - t0, 1)
    md = markdown(args, info)
    md.append(f"Whole run: {info['elapsed_s']:.0f} s.")
    with open(os.path.join(args.out, "cluster.json"), "w") as f:
        json.dump(info, f, indent=2)
    with open(os.path.join(args.out, "cluster.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))
    parts = info.get("scaling", []) + [info[k] for k in ("throughput", "latency") if k in info]
    ok = all(v["all_ok"] for part in parts for v in part["summary"].values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
