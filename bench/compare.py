#!/usr/bin/env python3
"""`make bench`, side by side: the same `herald bench` scenarios against herald, nchan
(nginx + libnginx-mod-nchan from Debian) and a minimal Node.js hub (bench/peers/), in one
run on this machine. herald --threads N is compared with nginx worker_processes N.

Writes OUT/compare.json (machine, versions, every report) and OUT/compare.md (the table
with ratios against the targets). Every server is started here as a plain foreground
process on a loopback port and stopped by its own pid. Every run is bounded (--timeout).
"""
import argparse
import json
import os
import platform
import shlex
import signal
import socket
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name -> herald bench flags. Small enough that a whole comparison takes a few minutes.
SCENARIOS = {
    # Throughput: publishes as fast as 8 in flight allow (8 on the one topic, so the hub
    # may order concurrent ones either way: reordering is not checked here).
    "fanout": ["--scenario", "fanout", "--subscribers", "5000", "--events", "100",
               "--window", "8", "--per-topic", "8"],
    # Latency at one load every hub sustains: 1,000 subscribers x 25 events/s.
    "fanout-latency": ["--scenario", "fanout", "--subscribers", "1000", "--events", "100",
                       "--rate", "25"],
    "topics": ["--scenario", "topics", "--subscribers", "5000", "--events", "5000",
               "--window", "8"],
    "idle": ["--scenario", "idle", "--subscribers", "5000", "--hold", "1s"],
    # 32 in flight: enough that the hub, not the round trip, sets the pace.
    "publish": ["--scenario", "publish", "--events", "30000", "--window", "32",
                "--per-topic", "32"],
    "reconnect": ["--scenario", "reconnect", "--subscribers", "2000", "--events", "200",
                  "--resume-behind", "100"],
}
# --quick: the same scenarios with a few connections (checks the script, measures nothing).
QUICK = {"5000": "50", "1000": "20", "30000": "500", "2000": "20"}

HERALD_TARGETS = ["--subscribe-target", "/.well-known/mercure?topic={topic}",
                  "--publish-target", "/.well-known/mercure", "--publish-format", "form"]
NCHAN_TARGETS = ["--subscribe-target", "/sub/{topic}", "--publish-target", "/pub/{topic}",
                 "--publish-format", "raw"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_line(proc, marker, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if marker in line:
            return line.strip()
    raise RuntimeError(f"server did not say '{marker}' in {timeout}s")


def wait_for_port(port, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {timeout}s")


def children_of(pid):
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            out += [int(p) for p in f.read().split()]
    return out


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


class Herald:
    def __init__(self, binary, threads):
        self.binary, self.threads = binary, threads
        self.label, self.targets = f"herald-t{threads}", HERALD_TARGETS

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--dev", "--listen", "127.0.0.1:0", "--threads",
             str(self.threads), "--log-level", "error"],
            stdout=subprocess.PIPE, text=True)
        line = wait_for_line(self.proc, "listening on", 15)
        self.url, self.pids = line.rsplit(" ", 1)[1], [self.proc.pid]

    def stop(self):
        stop(self.proc)


class Nchan:
    def __init__(self, out, workers):
        self.workers, self.dir = workers, os.path.abspath(os.path.join(out, f"nchan-w{workers}"))
        self.label, self.targets = f"nchan-w{workers}", NCHAN_TARGETS

    def start(self):
        os.makedirs(os.path.join(self.dir, "tmp"), exist_ok=True)
        port = free_port()
        with open(os.path.join(REPO, "bench/peers/nchan.conf.in")) as f:
            conf = f.read()
        conf = (conf.replace("@USER@", "user root;" if os.getuid() == 0 else "")
                .replace("@WORKERS@", str(self.workers)).replace("@DIR@", self.dir)
                .replace("@PORT@", str(port)))
        path = os.path.join(self.dir, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen(["nginx", "-p", self.dir, "-c", path])
        wait_for_port(port, 10)
        deadline = time.time() + 5
        while len(children_of(self.proc.pid)) < self.workers and time.time() < deadline:
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{port}"
        self.pids = [self.proc.pid] + children_of(self.proc.pid)

    def stop(self):
        stop(self.proc)


class Node:
    def __init__(self):
        self.label, self.targets = "node", HERALD_TARGETS

    def start(self):
        self.proc = subprocess.Popen(
            ["node", os.path.join(REPO, "bench/peers/node_hub.mjs"), "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE, text=True)
        line = wait_for_line(self.proc, "listening on", 15)
        self.url, self.pids = line.rsplit(" ", 1)[1], [self.proc.pid]

    def stop(self):
        stop(self.proc)


def run_one(binary, hub, scenario, flags, out):
    hub.start()
    try:
        time.sleep(0.3)
        cmd = [binary, "bench", "--url", hub.url, "--label", hub.label, "--quiet", "--compact",
               "--timeout", "90s"] + hub.targets + flags
        for pid in hub.pids:
            cmd += ["--server-pid", str(pid)]
        res = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=150)
        if res.returncode not in (0, 3):
            raise RuntimeError(f"herald bench exited {res.returncode}: {shlex.join(cmd)}")
        report = json.loads(res.stdout)
    finally:
        hub.stop()
    with open(os.path.join(out, f"run-{hub.label}-{scenario}.json"), "w") as f:
        json.dump(report, f, indent=2)
    return report


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 2**20, 1),
            "kernel": platform.release(), "os": platform.freedesktop_os_release().get(
                "PRETTY_NAME", "?") if hasattr(platform, "freedesktop_os_release") else "?"}


def versions(binary):
    def out(cmd):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            return (r.stdout + r.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"
    dpkg = ["dpkg-query", "-W", "-f", "${Version}"]
    return {"herald": out([binary, "--version"]),
            "nginx": out(["nginx", "-v"]).replace("nginx version: nginx/", ""),
            "nginx_deb": out(dpkg + ["nginx"]),
            "libnginx-mod-nchan": out(dpkg + ["libnginx-mod-nchan"]),
            "node": out(["node", "--version"]),
            "compiler": out(["c++", "--version"])}


def get(report, path):
    for key in path.split("."):
        report = report[key]
    return report


# (row, scenario, path in the report, higher is better?, target for herald vs nchan)
METRICS = [
    ("fan-out delivered events/s", "fanout", "delivery.events_per_s", True, 2.0),
    ("fan-out latency p50 ms (1k subs x 25/s)", "fanout-latency", "delivery.latency_ms.p50",
     False, None),
    ("fan-out latency p99 ms (1k subs x 25/s)", "fanout-latency", "delivery.latency_ms.p99",
     False, 1.0),
    ("fan-out latency p99 ms (saturated)", "fanout", "delivery.latency_ms.p99", False, None),
    ("many topics delivered events/s", "topics", "delivery.events_per_s", True, None),
    ("idle memory per subscriber, bytes", "idle", "server.bytes_per_subscriber", False, 0.2),
    ("publish requests/s", "publish", "publish.requests_per_s", True, 1.0),
    ("publish latency p99 ms", "publish", "publish.latency_ms.p99", False, None),
    ("reconnect storm events/s", "reconnect", "delivery.events_per_s", True, None),
    ("reconnect storm p99 ms", "reconnect", "delivery.latency_ms.p99", False, None),
]


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float) and v < 100:
        return f"{v:.2f}"
    return f"{round(v):,}"


def table(results, threads):
    """Markdown rows; results[(label, scenario)] = report."""
    head = ["metric"]
    for t in threads:
        head += [f"herald {t}t", f"nchan {t}w", "herald/nchan"]
    head += ["node", "herald 1t/node", "target (herald vs nchan)", "met"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    verdicts = []
    for name, scenario, path, higher, target in METRICS:
        cells, met = [name], []
        for t in threads:
            h = results.get((f"herald-t{t}", scenario))
            n = results.get((f"nchan-w{t}", scenario))
            hv = get(h, path) if h else None
            nv = get(n, path) if n else None
            flag_h = "" if not h or h["ok"] else " (!)"
            flag_n = "" if not n or n["ok"] else " (!)"
            ratio = hv / nv if hv is not None and nv else None
            cells += [fmt(hv) + flag_h, fmt(nv) + flag_n, f"{ratio:.2f}x" if ratio else "-"]
            if target is not None and ratio is not None:
                met.append(ratio >= target if higher else ratio <= target)
        node = results.get(("node", scenario))
        nodev = get(node, path) if node else None
        h1 = results.get(("herald-t1", scenario))
        h1v = get(h1, path) if h1 else None
        cells += [fmt(nodev) + ("" if not node or node["ok"] else " (!)"),
                  f"{h1v / nodev:.2f}x" if h1v is not None and nodev else "-"]
        if target is None:
            cells += ["-", "-"]
        else:
            want = (f">= {target:g}x" if higher else
                    ("below" if target == 1.0 else f"<= {target:g}x"))
            cells += [want, "yes" if met and all(met) else "NO" if met else "-"]
            verdicts.append({"metric": name, "met": bool(met and all(met)), "ratios": met})
        rows.append("| " + " | ".join(cells) + " |")
    return rows, verdicts


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--herald", default="build/release/herald")
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--threads", default="1,2", help="herald threads / nginx workers to compare")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS))
    ap.add_argument("--hubs", default="herald,nchan,node")
    ap.add_argument("--quick", action="store_true", help="a few connections: checks the script")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    binary = os.path.abspath(args.herald)
    threads = [int(t) for t in args.threads.split(",")]
    hubs_wanted = args.hubs.split(",")
    scenarios = {n: SCENARIOS[n] for n in args.scenarios.split(",")}
    if args.quick:
        scenarios = {n: [QUICK.get(a, a) for a in f] for n, f in scenarios.items()}

    hubs = []
    for t in threads:
        if "herald" in hubs_wanted:
            hubs.append(Herald(binary, t))
        if "nchan" in hubs_wanted:
            hubs.append(Nchan(args.out, t))
    if "node" in hubs_wanted:
        hubs.append(Node())

    results, runs = {}, []
    for scenario, flags in scenarios.items():
        for hub in hubs:
            report = run_one(binary, hub, scenario, flags, args.out)
            results[(hub.label, scenario)] = report
            runs.append({"hub": hub.label, "scenario": scenario, "report": report})
            print(f"  {scenario:15} {hub.label:10} ok={report['ok']!s:5} "
                  f"delivered/s={report['delivery']['events_per_s']:>10,.0f} "
                  f"p99={report['delivery']['latency_ms']['p99']:>8.2f}ms "
                  f"publish/s={report['publish']['requests_per_s']:>8,.0f} "
                  f"B/sub={report['server']['bytes_per_subscriber']:>7,.0f} "
                  f"loadgen cpu={report['loadgen']['cpu_percent']}%", flush=True)

    command = "make bench  (bench/run.sh -> " + shlex.join(["bench/compare.py"] + sys.argv[1:]) + ")"
    rows, verdicts = table(results, threads)
    info = {"machine": machine(), "versions": versions(binary), "command": command,
            "scenarios": scenarios, "verdicts": verdicts, "runs": runs}
    with open(os.path.join(args.out, "compare.json"), "w") as f:
        json.dump(info, f, indent=2)
    worst_cpu = max((r["report"]["loadgen"]["cpu_percent"] for r in runs), default=0)
    not_ok = [f"{r['hub']}/{r['scenario']}" for r in runs if not r["report"]["ok"]]
    m, v = info["machine"], info["versions"]
    md = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Linux {m['kernel']} "
        f"({m['os']}). Loopback only.",
        f"Versions: {v['herald']}; nginx {v['nginx']} (Debian {v['nginx_deb']}) with "
        f"libnginx-mod-nchan {v['libnginx-mod-nchan']}; Node.js {v['node']}; {v['compiler']}.",
        f"Command: `{command}`",
        "",
        *rows,
        "",
        "Scenarios (herald bench flags): " + "; ".join(
            f"{n}: `{' '.join(f)}`" for n, f in scenarios.items()),
        "Ratios are herald / peer (for latency and memory, lower is better). (!) marks a run "
        "whose accounting was not clean (missing, duplicate or out-of-order events, failures).",
        f"Load generator CPU, worst run: {worst_cpu}% of one core over the measured window "
        f"(it shares the 2 cores with the hub).",
        f"Runs not clean: {', '.join(not_ok) if not_ok else 'none'}.",
    ]
    with open(os.path.join(args.out, "compare.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    sys.exit(main())
