#!/usr/bin/env python3
"""Fan-out by matcher kind (issue 13), side by side in one run: N subscribers on a real hub
subscribed with 0.x `topic=`, 1.0 `match=` (exact) and 1.0 `match_urlpattern=`, each
pattern the topic's own URL (so every kind selects the same subscribers and only the
matching differs). Two shapes: every subscriber on one topic (`herald bench --scenario
fanout`), and the subscribers spread over T topics, one pattern each (`--scenario topics
--topics T`), which publishes T times as many events so that both shapes make the same
number of deliveries (with 200 events over 100 topics, the 20,000 deliveries of an early
version of this script took under half a second and mostly measured the start). Rounds
alternate the order of the kinds so machine noise falls on all alike; medians of
deliveries/s and of the hub's CPU seconds per million deliveries.

Each hub is `herald serve --dev --no-ticker --heartbeat 0 --log-level error --store memory
--threads K` on port 0, started here and stopped by its own pid. Every `herald bench` run
is bounded (--timeout). The load generator shares the machine's cores with the hub.

Writes OUT/matcher_fanout.json (every report) and OUT/matcher_fanout.md (the table).
Exit 1 when a run's accounting was not clean.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import machine, stop, wait_for_line  # noqa: E402

KINDS = [
    ("0.x topic=", "/.well-known/mercure?topic={topic}"),
    ("1.0 match=", "/.well-known/mercure?match={topic}"),
    ("1.0 match_urlpattern=", "/.well-known/mercure?match_urlpattern={topic}"),
]
PREFIX = "https://bench.herald.example/books/"


def run_once(args, target, shape):
    hub_cmd = [args.herald, "serve", "--dev", "--no-ticker", "--heartbeat", "0", "--log-level",
               "error", "--store", "memory", "--listen", "127.0.0.1:0", "--threads",
               str(args.threads)]
    hub = subprocess.Popen(hub_cmd, stdout=subprocess.PIPE, text=True)
    try:
        url = wait_for_line(hub, "listening on", 60).rsplit(" ", 1)[1]
        events = args.events if shape == "one topic" else args.events * args.topics
        flags = ["--subscribers", str(args.subscribers), "--events", str(events),
                 "--window", "8", "--topic-prefix", PREFIX, "--subscribe-target", target]
        if shape == "one topic":
            flags += ["--scenario", "fanout"]
        else:
            flags += ["--scenario", "topics", "--topics", str(args.topics)]
        cmd = [args.herald, "bench", "--url", url, "--quiet", "--compact", "--timeout",
               f"{args.timeout}s", "--server-pid", str(hub.pid)] + flags
        res = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=args.timeout + 60)
        if res.returncode not in (0, 3):
            raise RuntimeError(f"herald bench exited {res.returncode}: {shlex.join(cmd)}")
        report = json.loads(res.stdout)
        report["command"] = shlex.join(cmd)
        report["hub_command"] = shlex.join(hub_cmd)
        return report
    finally:
        stop(hub)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--herald", default="build/release/herald")
    p.add_argument("--out", default="build/bench")
    p.add_argument("--subscribers", type=int, default=10000)
    p.add_argument("--events", type=int, default=200)
    p.add_argument("--topics", type=int, default=100)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--timeout", type=int, default=120)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)

    runs = {}
    ok = True
    for shape in ("one topic", f"{args.topics} topics"):
        for r in range(args.rounds):
            order = KINDS if r % 2 == 0 else list(reversed(KINDS))
            for label, target in order:
                rep = run_once(args, target, "one topic" if shape == "one topic" else "spread")
                runs.setdefault(shape, {}).setdefault(label, []).append(rep)
                ok &= bool(rep["ok"])
                print(f"{shape} round {r + 1} {label}: "
                      f"{rep['delivery']['events_per_s']:,.0f} deliveries/s, hub cpu "
                      f"{rep['server']['cpu_s']} s, ok {rep['ok']}", file=sys.stderr)

    lines = [f"Machine: {machine()}", "",
             f"{args.subscribers} subscribers, {args.events} events on one topic and "
             f"{args.events * args.topics} over {args.topics} topics, `--threads {args.threads}`, "
             f"medians of {args.rounds} rounds", "",
             "| shape | subscribed with | deliveries/s | against `match=` | hub CPU s per 1M deliveries |",
             "|---|---|---|---|---|"]
    for shape, by_kind in runs.items():
        med = {k: statistics.median(r["delivery"]["events_per_s"] for r in rs)
               for k, rs in by_kind.items()}
        cpu = {k: statistics.median(r["server"]["cpu_s"] / max(r["events"]["delivered"], 1) * 1e6
                                    for r in rs) for k, rs in by_kind.items()}
        for label, _ in KINDS:
            lines.append(f"| {shape} | `{label}` | {med[label]:,.0f} | "
                         f"{med[label] / med['1.0 match='] * 100:.0f}% | {cpu[label]:.2f} |")
    table = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "matcher_fanout.md"), "w") as f:
        f.write(table)
    with open(os.path.join(args.out, "matcher_fanout.json"), "w") as f:
        json.dump(runs, f, indent=1)
    print(table)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
