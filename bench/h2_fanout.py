#!/usr/bin/env python3
"""Fan-out over HTTP/2 against HTTP/1.1, side by side in one run: the same `herald bench`
fanout (same events, same window) with N subscribers as N HTTP/1.1 connections, then as
HTTP/2 streams, --streams-per-connection on each h2c connection. Rounds alternate the order
(h1, h2 / h2, h1 / ...) so that other load on the machine falls on both alike; each run
gets a fresh hub (`herald serve --dev --no-ticker --heartbeat 0` on port 0, the URL read
from its output), started here and stopped by its own pid. Every run is bounded (--timeout).

Writes OUT/h2_fanout.json (every report) and OUT/h2_fanout.md (the table: medians of the
rounds, HTTP/2 / HTTP/1.1 deliveries per second against the 0.8 target, and the hub's CPU
seconds per million deliveries). Exit 1 when a run's accounting was not clean.

--tls: the same over TLS too, in the same alternating rounds: each hub also gets a TLS
listener (--tls-self-signed); HTTP/1.1 and h2 (ALPN) subscribers go to its https:// URL,
the publishers stay on the plain listener (--publish-url). Writes OUT/tls_fanout.{json,md}.
--baseline OTHER_HERALD: HTTP/1.1 (plain) with this binary's `herald bench` and with
OTHER_HERALD's, against the same hub binary: does the load generator itself differ?
Writes OUT/loadgen_baseline.{json,md}.
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

TARGET_RATIO = 0.8


def start_hub(binary, threads, tls):
    tls_flags = ["--tls-listen", "127.0.0.1:0", "--tls-self-signed"] if tls else []
    proc = subprocess.Popen(
        [binary, "serve", "--dev", "--no-ticker", "--heartbeat", "0", "--listen", "127.0.0.1:0",
         "--threads", str(threads), "--log-level", "error"] + tls_flags,
        stdout=subprocess.PIPE, text=True)
    try:
        urls = {}
        while len(urls) < (2 if tls else 1):
            url = wait_for_line(proc, "listening on", 15).rsplit(" ", 1)[1]
            urls[url.split(":", 1)[0]] = url
    except Exception:
        stop(proc)
        raise
    return proc, urls


# A variant: (label, flags of `herald bench`, over TLS, which binary runs `herald bench`).
def run(binary, args, variant):
    label, protocol_flags, tls, bench_binary = variant
    hub, urls = start_hub(binary, args.threads, args.tls)
    try:
        url = urls["https"] if tls else urls["http"]
        publish = ["--publish-url", urls["http"]] if tls else []
        cmd = [bench_binary or binary, "bench", "--url", url, *publish,
               "--label", label, "--quiet", "--compact",
               "--timeout", "120s", "--scenario", "fanout", "--subscribers", str(args.subscribers),
               "--events", str(args.events), "--window", str(args.window),
               "--per-topic", str(args.per_topic),
               "--server-pid", str(hub.pid)] + protocol_flags
        res = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=180)
        if res.returncode not in (0, 3):
            raise RuntimeError(f"herald bench exited {res.returncode}: {shlex.join(cmd)}")
        report = json.loads(res.stdout)
        report["command"] = shlex.join(cmd)
        return report
    finally:
        stop(hub)


def summary(reports):
    def median(f):
        return statistics.median(f(r) for r in reports)
    return {
        "events_per_s": median(lambda r: r["delivery"]["events_per_s"]),
        "server_cpu_s_per_million": median(
            lambda r: r["server"]["cpu_s"] / max(r["events"]["delivered"], 1) * 1e6),
        "p50_ms": round(median(lambda r: r["delivery"]["latency_ms"]["p50"]), 1),
        "p99_ms": round(median(lambda r: r["delivery"]["latency_ms"]["p99"]), 1),
        "loadgen_cpu_s": round(median(lambda r: r["loadgen"]["cpu_s"]), 2),
        "all_ok": all(r["ok"] for r in reports),
        "rounds": [r["delivery"]["events_per_s"] for r in reports],
    }


def write_comparison(args, reports, load_at_start):
    summaries = {name: summary(rs) for name, rs in reports.items()}
    name = "loadgen_baseline" if args.baseline else "tls_fanout"
    connections = -(-args.subscribers // args.streams_per_connection)
    md = [
        f"Fan-out, {args.subscribers} subscribers, {args.events} events, --window "
        f"{args.window} --per-topic {args.per_topic}, hub --threads {args.threads}; "
        f"{args.rounds} alternating rounds, medians; load average {load_at_start:.1f} at the "
        f"start, {os.getloadavg()[0]:.1f} at the end. HTTP/2: {connections} connections x "
        f"{args.streams_per_connection} streams. Publishers on the plain listener. "
        "Machine: {cpu}, {cores} cores.".format(**machine()),
        "",
        "| subscribers | deliveries/s | rounds | hub CPU s per 1M deliveries | p50 ms | p99 ms "
        "| loadgen CPU s | clean |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, s in summaries.items():
        md.append(f"| {label} | {s['events_per_s']:,.0f} | "
                  f"{', '.join(f'{v:,.0f}' for v in s['rounds'])} | "
                  f"{s['server_cpu_s_per_million']:.2f} | {s['p50_ms']} | {s['p99_ms']} | "
                  f"{s['loadgen_cpu_s']} | {'yes' if s['all_ok'] else 'NO'} |")
    labels = list(summaries)
    md.append("")
    for plain, other in zip(labels[0::2], labels[1::2]):
        a, b = summaries[plain], summaries[other]
        md.append(f"{other} / {plain}: deliveries/s {b['events_per_s'] / a['events_per_s']:.2f}, "
                  f"hub CPU per delivery {b['server_cpu_s_per_million'] / a['server_cpu_s_per_million']:.2f}.")
    with open(os.path.join(args.out, name + ".json"), "w") as f:
        json.dump({"summary": summaries, "runs": reports}, f, indent=2)
    with open(os.path.join(args.out, name + ".md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))
    return 0 if all(s["all_ok"] for s in summaries.values()) else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--herald", default="build/release/herald")
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help="hub threads, the same for both")
    ap.add_argument("--subscribers", type=int, default=5000)
    ap.add_argument("--streams-per-connection", type=int, default=100)
    ap.add_argument("--events", type=int, default=400)
    ap.add_argument("--window", type=int, default=8)
    ap.add_argument("--per-topic", type=int, default=1,
                    help="publishes in flight on the topic (1: strict order, checked)")
    ap.add_argument("--tls", action="store_true",
                    help="also over TLS: HTTP/1.1 and h2 subscribers on an https:// listener")
    ap.add_argument("--baseline", metavar="HERALD",
                    help="plain HTTP/1.1 with this binary's herald bench against ours")
    args = ap.parse_args()
    binary = os.path.abspath(args.herald)
    load_at_start = os.getloadavg()[0]
    os.makedirs(args.out, exist_ok=True)

    h2_flags = ["--http2", "--streams-per-connection", str(args.streams_per_connection)]
    if args.baseline:
        variants = [("http/1.1", [], False, None),
                    ("http/1.1 (baseline loadgen)", [], False, os.path.abspath(args.baseline))]
    elif args.tls:
        variants = [("http/1.1", [], False, None), ("http/1.1 over TLS", [], True, None),
                    ("h2c", h2_flags, False, None), ("h2 over TLS", h2_flags, True, None)]
    else:
        variants = [("http/1.1", [], False, None), ("h2c", h2_flags, False, None)]
    reports = {v[0]: [] for v in variants}
    for round_ in range(max(args.rounds, 1)):
        order = variants if round_ % 2 == 0 else list(reversed(variants))
        for v in order:
            r = run(binary, args, v)
            reports[v[0]].append(r)
            print(f"round {round_ + 1} {v[0]}: {r['delivery']['events_per_s']:.0f} deliveries/s, "
                  f"hub cpu {r['server']['cpu_s']} s, ok {r['ok']}", file=sys.stderr)
    if args.tls or args.baseline:
        return write_comparison(args, reports, load_at_start)

    h1, h2 = summary(reports["http/1.1"]), summary(reports["h2c"])
    ratio = h2["events_per_s"] / h1["events_per_s"] if h1["events_per_s"] else 0
    connections = -(-args.subscribers // args.streams_per_connection)
    md = [
        f"Fan-out, {args.subscribers} subscribers, {args.events} events, --window "
        f"{args.window} --per-topic {args.per_topic}, hub --threads {args.threads}; "
        f"{args.rounds} alternating rounds, medians; load average {load_at_start:.1f} at the start. "
        f"HTTP/2: {connections} h2c connections x {args.streams_per_connection} streams. "
        "Machine: {cpu}, {cores} cores.".format(**machine()),
        "",
        "| protocol | deliveries/s | rounds | hub CPU s per 1M deliveries | p50 ms | p99 ms "
        "| loadgen CPU s | clean |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, s in (("HTTP/1.1", h1), ("HTTP/2 (h2c)", h2)):
        md.append(f"| {name} | {s['events_per_s']:,.0f} | "
                  f"{', '.join(f'{v:,.0f}' for v in s['rounds'])} | "
                  f"{s['server_cpu_s_per_million']:.2f} | {s['p50_ms']} | {s['p99_ms']} | "
                  f"{s['loadgen_cpu_s']} | {'yes' if s['all_ok'] else 'NO'} |")
    met = "met" if ratio >= TARGET_RATIO else "NOT met"
    md += ["", f"HTTP/2 / HTTP/1.1 deliveries/s: {ratio:.2f} (target {TARGET_RATIO}: {met})."]
    with open(os.path.join(args.out, "h2_fanout.json"), "w") as f:
        json.dump({"summary": {"http/1.1": h1, "h2c": h2, "ratio": ratio}, "runs": reports}, f,
                  indent=2)
    with open(os.path.join(args.out, "h2_fanout.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))
    return 0 if h1["all_ok"] and h2["all_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
