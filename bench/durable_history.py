#!/usr/bin/env python3
"""Durable history (issue 11), side by side in one run: the LMDB store against the memory
store, with `herald bench` and a few probes of our own.

1. Publishes per second, many publishers (--window W, --per-topic W, small events): the
   memory store, and LMDB with --sync full, batch and off, at equal --threads. Rounds
   alternate the order (memory, full, batch, off / off, batch, full, memory / ...) so other
   load on the machine falls on all alike; medians. LMDB batch / memory against the 0.5
   target, p50/p99 publish latency of each mode.
2. Fan-out deliveries/s (N subscribers on one topic): LMDB --sync batch against memory,
   alternating, medians; against the 0.9 target, and the hub's CPU seconds per million
   deliveries. Two shapes (--fanout): 8 publishes in flight on the topic (throughput,
   order not checked), and 1 (each publish waits for the previous one's 200, so a
   store's commit latency shows; strict order, checked).
3. Restart with H events held (LMDB, --history-size H): fill it (herald bench publish,
   --sync off, a wide window), stop the hub with SIGTERM, then time restarts: until
   "listening on", until a subscriber resuming with the Last-Event-ID of the first event
   gets the second one, and until it gets the last one held (the whole replay), cold
   (the data files dropped from the page cache) and warm. RSS
   (VmRSS, and its anonymous and file-backed parts: LMDB's map counts as file pages)
   after the restart, against an empty hub's.

Each hub is `herald serve --dev --no-ticker --heartbeat 0 --log-level error --store ...`
on port 0 (the URL read from its output), started here and stopped by its own pid; each
LMDB hub gets a fresh temporary directory, removed after. Every `herald bench` run is
bounded (--timeout). The load generator shares the machine's cores with the hub.

Writes OUT/durable_history.json (every report) and OUT/durable_history.md (the tables).
Exit 1 when a run's accounting was not clean or a resume did not return what it should.
"""
import argparse
import http.client
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import machine, stop, wait_for_line  # noqa: E402

PUBLISH_TARGET = 0.5  # LMDB --sync batch / memory, publishes per second
FANOUT_TARGET = 0.9   # LMDB --sync batch / memory, deliveries per second
MIB = 1024 * 1024


def proc_status(pid):
    """VmRSS, RssAnon and RssFile of `pid`, in KiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key = line.split(":", 1)[0]
            if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
                out[key] = int(line.split()[1])
    return out


def data_files(path):
    return [os.path.join(path, n) for n in sorted(os.listdir(path))
            if os.path.isfile(os.path.join(path, n))]


def drop_file_cache(path):
    """Drops the page cache of the files in `path` (only theirs: written back, then
    POSIX_FADV_DONTNEED), so the next start reads them from the disk."""
    for name in data_files(path):
        fd = os.open(name, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def cached_bytes(path):
    """Bytes of the files in `path` held in the page cache (fincore), or None."""
    try:
        res = subprocess.run(["fincore", "--bytes", "--noheadings", "--raw", "--output", "RES",
                              *data_files(path)], capture_output=True, text=True, timeout=10)
        return sum(int(x) for x in res.stdout.split()) if res.returncode == 0 else None
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total


def filesystem_of(path):
    """The mount (device, type) holding `path`, from /proc/mounts."""
    path = os.path.realpath(path)
    best = ("?", "?", "")
    with open("/proc/mounts") as f:
        for line in f:
            dev, mnt, kind = line.split()[:3]
            if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best[2]):
                best = (dev, kind, mnt)
    return {"device": best[0], "type": best[1], "mount": best[2]}


class Hub:
    """One `herald serve` with a store: 'memory', or ('lmdb', sync) in a fresh directory
    (or in `data_dir`, kept, when given)."""

    def __init__(self, args, store, sync=None, extra=(), data_dir=None, keep=False):
        self.args, self.store, self.sync = args, store, sync
        self.extra, self.keep = list(extra), keep or data_dir is not None
        self.dir = data_dir
        self.proc = None

    def command(self):
        cmd = [self.args.binary, "serve", "--dev", "--no-ticker", "--heartbeat", "0",
               "--log-level", "error", "--listen", "127.0.0.1:0", "--threads",
               str(self.args.threads), "--history-per-topic", "0"]
        if self.store == "memory":
            cmd += ["--store", "memory"]
        else:
            if self.dir is None:
                self.dir = tempfile.mkdtemp(prefix="herald-durbench-", dir=self.args.data_dir)
            cmd += ["--store", "lmdb:" + self.dir, "--sync", self.sync]
        return cmd + self.extra

    def start(self):
        self.cmd = self.command()
        self.started = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, text=True)
        try:
            line = wait_for_line(self.proc, "listening on", 120)
        except Exception:
            self.stop()
            raise
        self.listening_s = time.monotonic() - self.started
        self.url = line.rsplit(" ", 1)[1]
        return self

    def stop(self):
        """SIGTERM, wait; the seconds it took to exit."""
        t = time.monotonic()
        if self.proc is not None:
            stop(self.proc)
        took = time.monotonic() - t
        if self.dir is not None and not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
        return took

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def bench(args, hub, label, flags, timeout_s):
    cmd = [args.binary, "bench", "--url", hub.url, "--label", label, "--quiet", "--compact",
           "--timeout", f"{timeout_s}s", "--server-pid", str(hub.proc.pid)] + flags
    res = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=timeout_s + 60)
    if res.returncode not in (0, 3):
        raise RuntimeError(f"herald bench exited {res.returncode}: {shlex.join(cmd)}")
    report = json.loads(res.stdout)
    report["command"] = shlex.join(cmd)
    report["hub_command"] = shlex.join(hub.cmd)
    return report


def median(reports, f):
    return statistics.median(f(r) for r in reports)


def label_of(store, sync):
    return "memory" if store == "memory" else f"lmdb --sync {sync}"


def run_rounds(args, log, variants, flags, timeout_s, what, describe):
    """`herald bench FLAGS` against a fresh hub of each (store, sync) variant, args.rounds
    times, the order reversed every other round so that machine noise falls on all alike.
    Returns {label: [report per round]}; logs each report's `describe(report)`."""
    reports = {label_of(*v): [] for v in variants}
    for round_ in range(args.rounds):
        order = variants if round_ % 2 == 0 else list(reversed(variants))
        for store, sync in order:
            label = label_of(store, sync)
            with Hub(args, store, sync) as hub:
                r = bench(args, hub, label, flags, timeout_s)
            reports[label].append(r)
            log(f"{what} round {round_ + 1} {label}: {describe(r)}")
    return reports


# -- 1. publishes per second --------------------------------------------------------------

def publish_section(args, log):
    variants = [("memory", None)] + [("lmdb", s) for s in args.syncs.split(",")]
    flags = ["--scenario", "publish", "--events", str(args.publish_events), "--window",
             str(args.window), "--per-topic", str(args.window), "--event-bytes",
             str(args.event_bytes)]
    reports = run_rounds(
        args, log, variants, flags, args.publish_timeout, "publish",
        lambda r: f"{r['publish']['requests_per_s']:,.0f}/s, "
                  f"p50 {r['publish']['latency_ms']['p50']} ms, p99 "
                  f"{r['publish']['latency_ms']['p99']} ms, hub cpu {r['server']['cpu_s']} s, "
                  f"ok {r['ok']}")
    summary = {}
    for label, rs in reports.items():
        summary[label] = {
            "requests_per_s": median(rs, lambda r: r["publish"]["requests_per_s"]),
            "p50_ms": median(rs, lambda r: r["publish"]["latency_ms"]["p50"]),
            "p99_ms": median(rs, lambda r: r["publish"]["latency_ms"]["p99"]),
            "server_cpu_us_per_publish": median(
                rs, lambda r: r["server"]["cpu_s"] / max(r["publish"]["ok"], 1) * 1e6),
            "loadgen_cpu_s": median(rs, lambda r: r["loadgen"]["cpu_s"]),
            "rounds": [r["publish"]["requests_per_s"] for r in rs],
            "all_ok": all(r["ok"] and r["publish"]["failed"] == 0 for r in rs),
        }
    mem = summary["memory"]["requests_per_s"]
    for s in summary.values():
        s["vs_memory"] = s["requests_per_s"] / mem if mem else 0
    return summary, reports


# -- 2. fan-out ---------------------------------------------------------------------------

def fanout_section(args, log, per_topic, events):
    variants = [("memory", None), ("lmdb", args.fanout_sync)]
    flags = ["--scenario", "fanout", "--subscribers", str(args.subscribers), "--events",
             str(events), "--window", str(args.fanout_window), "--per-topic", str(per_topic),
             "--event-bytes", str(args.event_bytes)]
    reports = run_rounds(
        args, log, variants, flags, args.fanout_timeout, f"fanout --per-topic {per_topic}",
        lambda r: f"{r['delivery']['events_per_s']:,.0f} deliveries/s, "
                  f"{r['publish']['requests_per_s']:,.0f} publishes/s, hub cpu "
                  f"{r['server']['cpu_s']} s, ok {r['ok']}")
    summary = {}
    for label, rs in reports.items():
        summary[label] = {
            "events_per_s": median(rs, lambda r: r["delivery"]["events_per_s"]),
            "server_cpu_s_per_million": median(
                rs, lambda r: r["server"]["cpu_s"] / max(r["events"]["delivered"], 1) * 1e6),
            "p50_ms": median(rs, lambda r: r["delivery"]["latency_ms"]["p50"]),
            "p99_ms": median(rs, lambda r: r["delivery"]["latency_ms"]["p99"]),
            "publish_per_s": median(rs, lambda r: r["publish"]["requests_per_s"]),
            "publish_p50_ms": median(rs, lambda r: r["publish"]["latency_ms"]["p50"]),
            "loadgen_cpu_s": median(rs, lambda r: r["loadgen"]["cpu_s"]),
            "rounds": [r["delivery"]["events_per_s"] for r in rs],
            "all_ok": all(r["ok"] for r in rs),
        }
    mem = summary["memory"]["events_per_s"]
    lm = summary[label_of("lmdb", args.fanout_sync)]["events_per_s"]
    return {"per_topic": per_topic, "events": events, "summary": summary,
            "ratio": lm / mem if mem else 0, "runs": reports}


# -- 3. restart with many events held -----------------------------------------------------

TOPIC = "https://bench.herald.example/durable/marker"


def publish_one(url, data):
    body = urllib.parse.urlencode({"topic": TOPIC, "data": data}).encode()
    req = urllib.request.Request(url + "/.well-known/mercure", data=body, method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.read().decode().strip()


def resume(url, last_event_id, first_id, last_id, timeout_s):
    """Subscribe to TOPIC with Last-Event-ID; the seconds until `first_id` arrives, until
    `last_id` arrives, and the ids and event names seen (at most a few) before first_id."""
    t0 = time.monotonic()
    host, port = urllib.parse.urlsplit(url).netloc.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout_s)
    out = {"first_s": None, "last_s": None, "before_first": [], "status": None}
    try:
        conn.request("GET", "/.well-known/mercure?topic=" + urllib.parse.quote(TOPIC, safe=""),
                     headers={"Last-Event-ID": last_event_id, "Accept": "text/event-stream"})
        resp = conn.getresponse()
        out["status"] = resp.status
        out["headers_s"] = time.monotonic() - t0
        if resp.status != 200:
            return out
        deadline = t0 + timeout_s
        fields = {}
        while time.monotonic() < deadline:
            line = resp.readline()
            if not line:
                break
            line = line.decode().rstrip("\r\n")
            if line:
                if not line.startswith(":"):
                    name, _, value = line.partition(":")
                    fields[name] = value[1:] if value.startswith(" ") else value
                continue
            # A blank line: one event (or a comment) is complete.
            eid = fields.get("id")
            if eid == first_id and out["first_s"] is None:
                out["first_s"] = time.monotonic() - t0
            elif out["first_s"] is None and fields and len(out["before_first"]) < 5:
                out["before_first"].append({k: v[:200] for k, v in fields.items()})
            if eid == last_id:
                out["last_s"] = time.monotonic() - t0
                break
            fields = {}
    except OSError as e:  # a timeout: what arrived so far is in `out`
        out["error"] = f"{type(e).__name__}: {e}"
    finally:
        conn.close()
    return out


def restart_section(args, log):
    held = args.held
    store_flags = ["--history-size", str(held), "--history-bytes", str(args.history_bytes),
                   "--lmdb-map-size", str(args.map_size)]
    data_dir = tempfile.mkdtemp(prefix="herald-durbench-restart-", dir=args.data_dir)
    result = {"held": held, "hub_flags": store_flags, "restarts": []}
    try:
        # Fill: two markers on TOPIC, held - 3 events from herald bench, a last marker.
        hub = Hub(args, "lmdb", args.fill_sync, store_flags, data_dir=data_dir).start()
        try:
            first = publish_one(hub.url, "first")
            second = publish_one(hub.url, "second")
            t = time.monotonic()
            fill = bench(args, hub, f"fill {held}", [
                "--scenario", "publish", "--events", str(held - 3), "--window",
                str(args.fill_window), "--per-topic", str(args.fill_window), "--event-bytes",
                str(args.event_bytes)], args.fill_timeout)
            last = publish_one(hub.url, "last")
            result["fill_s"] = time.monotonic() - t
            result["fill_report"] = fill
            result["ids"] = {"first": first, "second": second, "last": last}
            result["rss_full_kib"] = proc_status(hub.proc.pid)
            log(f"restart: filled {fill['publish']['ok']:,} events in {result['fill_s']:.1f} s "
                f"({fill['publish']['requests_per_s']:,.0f}/s, --sync {args.fill_sync}), ok "
                f"{fill['ok']}; hub RSS {result['rss_full_kib']['VmRSS'] / 1024:.0f} MiB")
        finally:
            result["stop_full_s"] = hub.stop()
        result["data_bytes"] = dir_bytes(data_dir)
        log(f"restart: stopped in {result['stop_full_s']:.2f} s; data directory "
            f"{result['data_bytes'] / MIB:.0f} MiB")

        # Each round: a cold restart (the data files' pages dropped from the page cache
        # first, for these files only), then a warm one (right after, the file cached).
        for round_ in range(args.restarts):
            for cache in ("cold", "warm"):
                if cache == "cold":
                    drop_file_cache(data_dir)
                r = {"cache": cache, "cached_bytes_at_start": cached_bytes(data_dir)}
                hub = Hub(args, "lmdb", args.fill_sync, store_flags, data_dir=data_dir).start()
                try:
                    r["listening_s"] = hub.listening_s
                    r["rss_after_start_kib"] = proc_status(hub.proc.pid)
                    res = resume(hub.url, first, second, last, args.resume_timeout)
                    r["resume"] = res
                    r["rss_after_resume_kib"] = proc_status(hub.proc.pid)
                finally:
                    r["stop_s"] = hub.stop()
                # From the start of the process to the first resumed event (the resume
                # starts as soon as the hub says it listens).
                r["start_to_first_event_s"] = (hub.listening_s + res["first_s"]) if res[
                    "first_s"] is not None else None
                result["restarts"].append(r)
                cached = r["cached_bytes_at_start"]
                log(f"restart {round_ + 1} ({cache}, "
                    f"{'?' if cached is None else round(cached / MIB)} MiB cached): listening after {r['listening_s']:.3f} s, resumed first event "
                    f"after {res['first_s']} s, last held after {res['last_s']} s, RSS "
                    f"{r['rss_after_start_kib']['VmRSS'] / 1024:.1f} MiB after start, "
                    f"{r['rss_after_resume_kib']['VmRSS'] / 1024:.1f} MiB after the resume")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    # Empty hubs, same flags: LMDB in a fresh directory, and memory.
    empty = {}
    for store in ("lmdb", "memory"):
        with Hub(args, store, args.fill_sync if store == "lmdb" else None,
                 store_flags if store == "lmdb" else store_flags[:4]) as hub:
            time.sleep(0.2)
            empty[store] = proc_status(hub.proc.pid)
    result["empty_rss_kib"] = empty
    def med(values):
        values = list(values)
        return None if any(v is None for v in values) else statistics.median(values)
    result["summary"] = {}
    for cache in ("cold", "warm"):
        rs = [r for r in result["restarts"] if r["cache"] == cache]
        result["summary"][cache] = {
            "listening_s": med(r["listening_s"] for r in rs),
            "start_to_first_event_s": med(r["start_to_first_event_s"] for r in rs),
            "resume_first_s": med(r["resume"]["first_s"] for r in rs),
            "resume_last_s": med(r["resume"]["last_s"] for r in rs),
            "rss_after_start_kib": med(r["rss_after_start_kib"]["VmRSS"] for r in rs),
            "rss_after_resume_kib": med(r["rss_after_resume_kib"]["VmRSS"] for r in rs),
        }
    result["resumes_ok"] = all(
        r["resume"]["first_s"] is not None and r["resume"]["last_s"] is not None
        and not r["resume"]["before_first"] for r in result["restarts"])
    return result


# -- the report ---------------------------------------------------------------------------

def fmt_rate(v):
    return f"{v:,.0f}"


def secs(v):
    return "-" if v is None else f"{v:.3f}"


def kib_cell(s):
    return (f"{s['VmRSS'] / 1024:.1f} (anon {s.get('RssAnon', 0) / 1024:.1f}, file "
            f"{s.get('RssFile', 0) / 1024:.1f})")


def markdown(args, info):
    m = info["machine"]
    md = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Linux {m['kernel']}; "
        f"data directories on {info['filesystem']['type']} ({info['filesystem']['device']}). "
        f"The load generator (`herald bench`) shares the {m['cores']} cores with the hub. "
        f"Load average {info['load_start']:.1f} at the start, {info['load_end']:.1f} at the end. "
        f"Hub `--threads {args.threads}`, `--history-per-topic 0`, events of "
        f"{args.event_bytes} bytes.",
        f"Command: `{info['command']}` ({info['herald']}, commit {info['commit']}).",
        "",
    ]
    if "publish" in info:
        s = info["publish"]["summary"]
        md += [
            f"Publishes ({args.publish_events:,} per run, --window {args.window} --per-topic "
            f"{args.window}: {args.window} publishers in flight; history defaults: 10,000 "
            f"events, 64 MiB); {args.rounds} alternating rounds, medians.",
            "",
            "| store | publishes/s | rounds | / memory | p50 ms | p99 ms | hub CPU us per publish "
            "| loadgen CPU s | clean |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for label, v in s.items():
            md.append(f"| {label} | {fmt_rate(v['requests_per_s'])} | "
                      f"{', '.join(fmt_rate(x) for x in v['rounds'])} | {v['vs_memory']:.2f} | "
                      f"{v['p50_ms']:.2f} | {v['p99_ms']:.2f} | "
                      f"{v['server_cpu_us_per_publish']:.1f} | {v['loadgen_cpu_s']:.2f} | "
                      f"{'yes' if v['all_ok'] else 'NO'} |")
        batch = s.get("lmdb --sync batch")
        if batch:
            ratio = batch["vs_memory"]
            md += ["", f"LMDB --sync batch / memory publishes/s: {ratio:.2f} (target "
                   f"{PUBLISH_TARGET}: {'met' if ratio >= PUBLISH_TARGET else 'NOT met'}); "
                   f"{fmt_rate(batch['requests_per_s'])}/s against the issue's aim of "
                   "100,000/s durable."]
        md.append("")
    for shape in info.get("fanout", []):
        s = shape["summary"]
        order = ("strict order, checked" if shape["per_topic"] == 1 else
                 f"{shape['per_topic']} publishes in flight on the topic: order not checked")
        md += [
            f"Fan-out ({args.subscribers:,} subscribers on one topic, {shape['events']:,} "
            f"events, --window {args.fanout_window} --per-topic {shape['per_topic']}: {order}); "
            f"{args.rounds} alternating rounds, medians.",
            "",
            "| store | deliveries/s | rounds | hub CPU s per 1M deliveries | p50 ms | p99 ms "
            "| publishes/s | publish p50 ms | loadgen CPU s | clean |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for label, v in s.items():
            md.append(f"| {label} | {fmt_rate(v['events_per_s'])} | "
                      f"{', '.join(fmt_rate(x) for x in v['rounds'])} | "
                      f"{v['server_cpu_s_per_million']:.2f} | {v['p50_ms']:.1f} | "
                      f"{v['p99_ms']:.1f} | {fmt_rate(v['publish_per_s'])} | "
                      f"{v['publish_p50_ms']:.2f} | "
                      f"{v['loadgen_cpu_s']:.2f} | {'yes' if v['all_ok'] else 'NO'} |")
        lm = s[label_of("lmdb", args.fanout_sync)]
        ratio = shape["ratio"]
        md += ["", f"LMDB --sync {args.fanout_sync} / memory deliveries/s: {ratio:.2f} (target "
               f"{FANOUT_TARGET}: {'met' if ratio >= FANOUT_TARGET else 'NOT met'}); hub CPU "
               f"per delivery {lm['server_cpu_s_per_million'] / s['memory']['server_cpu_s_per_million']:.2f}"
               " x memory's.", ""]
    if "restart" in info:
        r = info["restart"]
        fill = r["fill_report"]
        md += [
            f"Restart with {r['held']:,} events held (LMDB, --sync {args.fill_sync}, "
            f"`{' '.join(r['hub_flags'])}`). Filled with `herald bench` publish, --window "
            f"{args.fill_window}: {fill['publish']['ok']:,} events in {r['fill_s']:.1f} s "
            f"({fmt_rate(fill['publish']['requests_per_s'])}/s, clean "
            f"{'yes' if fill['ok'] else 'NO'}), plus 3 markers; data directory "
            f"{r['data_bytes'] / MIB:.0f} MiB; the full hub's RSS "
            f"{kib_cell(r['rss_full_kib'])} MiB; SIGTERM took {r['stop_full_s']:.2f} s. "
            "Each round restarts cold (the data files' pages dropped from the page cache "
            "first: POSIX_FADV_DONTNEED on those files only), then warm. Resume: "
            "Last-Event-ID of the first event held, on its topic; `first` is the second event, "
            "`last` the last one held (the replay reads past all the others).",
            "",
            "| restart | page cache MiB at start | until \"listening on\" s | resume: first "
            "event s | start to first resumed event s | resume: last held event s | RSS after "
            "start MiB | RSS after resume MiB | stop s |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for i, x in enumerate(r["restarts"]):
            res = x["resume"]
            cached = x["cached_bytes_at_start"]
            md.append(
                f"| {i // 2 + 1} {x['cache']} | "
                f"{'?' if cached is None else f'{cached / MIB:.0f}'} | {x['listening_s']:.3f} | "
                f"{secs(res['first_s'])} | {secs(x['start_to_first_event_s'])} | "
                f"{secs(res['last_s'])} | {kib_cell(x['rss_after_start_kib'])} | "
                f"{kib_cell(x['rss_after_resume_kib'])} | {x['stop_s']:.2f} |")
        e = r["empty_rss_kib"]
        md.append("")
        for cache, sm in r["summary"].items():
            md.append(
                f"Medians, {cache}: listening after {secs(sm['listening_s'])} s; first resumed "
                f"event {secs(sm['start_to_first_event_s'])} s after the process started; the "
                f"whole replay {secs(sm['resume_last_s'])} s; RSS after restart "
                f"{sm['rss_after_start_kib'] / 1024:.1f} MiB (after the resume "
                f"{sm['rss_after_resume_kib'] / 1024:.1f} MiB).")
        md.append(
            f"Empty hubs' RSS: LMDB {kib_cell(e['lmdb'])} MiB, memory {kib_cell(e['memory'])} "
            f"MiB. Resumes exact (no reset, no stray event first): "
            f"{'yes' if r['resumes_ok'] else 'NO'}.")
        for i, x in enumerate(r["restarts"]):
            res = x["resume"]
            if res["before_first"] or res["status"] != 200 or res["last_s"] is None:
                md.append(f"Restart {i // 2 + 1} {x['cache']}: the resume got status "
                          f"{res['status']}; before the first event: "
                          f"{res['before_first'] or 'nothing'}; {res.get('error', 'no error')} "
                          f"(after {args.resume_timeout} s at most).")
        md.append("")
    return md


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--herald", default="build/release/herald")
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--data-dir", default=None,
                    help="parent of the LMDB directories (default: the system's temp dir)")
    ap.add_argument("--sections", default="publish,fanout,restart")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help="hub threads, the same for all")
    ap.add_argument("--event-bytes", type=int, default=64)
    ap.add_argument("--syncs", default="full,batch,off")
    ap.add_argument("--publish-events", type=int, default=30000)
    ap.add_argument("--window", type=int, default=64, help="publishes in flight")
    ap.add_argument("--publish-timeout", type=int, default=60)
    ap.add_argument("--subscribers", type=int, default=1000)
    ap.add_argument("--fanout", default="8:2000,1:500", metavar="PER_TOPIC:EVENTS,...",
                    help="fan-out shapes: publishes in flight on the topic, and events")
    ap.add_argument("--fanout-window", type=int, default=8)
    ap.add_argument("--fanout-sync", default="batch")
    ap.add_argument("--fanout-timeout", type=int, default=90)
    ap.add_argument("--held", type=int, default=1000000, help="restart: events held")
    ap.add_argument("--history-bytes", type=int, default=1 << 30)
    ap.add_argument("--map-size", type=int, default=4 << 30)
    ap.add_argument("--fill-sync", default="off")
    ap.add_argument("--fill-window", type=int, default=64)
    ap.add_argument("--fill-timeout", type=int, default=300)
    ap.add_argument("--restarts", type=int, default=3)
    ap.add_argument("--resume-timeout", type=int, default=60)
    ap.add_argument("--quick", action="store_true",
                    help="small runs and 1 round: checks the script, measures nothing")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.publish_events, args.subscribers = 1, 2000, 50
        args.fanout, args.held, args.restarts = "8:200,1:50", 20000, 1
    args.binary = os.path.abspath(args.herald)
    os.makedirs(args.out, exist_ok=True)
    sections = args.sections.split(",")

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    info = {"machine": machine(), "load_start": os.getloadavg()[0],
            "filesystem": filesystem_of(args.data_dir or tempfile.gettempdir()),
            "command": shlex.join(["python3", "bench/durable_history.py"] + sys.argv[1:]),
            "herald": subprocess.run([args.binary, "--version"], capture_output=True,
                                     text=True).stdout.strip(),
            "commit": subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)),
                                      "rev-parse", "--short", "HEAD"], capture_output=True,
                                     text=True).stdout.strip() or "?"}
    t0 = time.monotonic()
    if "publish" in sections:
        summary, reports = publish_section(args, log)
        info["publish"] = {"summary": summary, "runs": reports}
    if "fanout" in sections:
        info["fanout"] = [fanout_section(args, log, *map(int, shape.split(":")))
                          for shape in args.fanout.split(",")]
    if "restart" in sections:
        info["restart"] = restart_section(args, log)
    info["load_end"] = os.getloadavg()[0]
    info["elapsed_s"] = round(time.monotonic() - t0, 1)
    md = markdown(args, info)
    md.append(f"Whole run: {info['elapsed_s']:.0f} s.")
    with open(os.path.join(args.out, "durable_history.json"), "w") as f:
        json.dump(info, f, indent=2)
    with open(os.path.join(args.out, "durable_history.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))

    ok = all(v["all_ok"] for part in [info.get("publish")] + info.get("fanout", []) if part
             for v in part["summary"].values())
    if "restart" in info:
        ok = ok and info["restart"]["fill_report"]["ok"] and info["restart"]["resumes_ok"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
