#!/usr/bin/env python3
"""Slipway scale benchmark: N apps of a light test service on one `slipway server`.

Run through bench/scale/run.sh, which builds the CLI (Release) and the test service and passes their paths in
SLIPWAY and LIGHTSVC. For each size in SIZES it measures, on a fresh data directory:

  apply         wall time of `slipway apply -f apps.yaml` (all N apps in one file)
  all Healthy   from the start of that apply to every app Healthy in GET /api/v1/apps
  API latency   GET /api/v1/apps/{app}/{env} (status of one app) every API_PERIOD_MS during the mass apply
  RSS           server and router VmRSS once all are Healthy and SETTLE_SECONDS have passed
  idle CPU      utime+stime of the server and the router over IDLE_SECONDS, as % of one core
  change        CHANGES apps, one after another: time from POST /api/v1/apply of a new VERSION to the router
                serving a body naming it (Host header of the app), and to the app Healthy again
  down          Ctrl-C (SIGINT) to the server, `slipway down --data DIR`, then a check that nothing is left

Raw numbers go to RESULTS (JSON); a summary table is printed at the end. Standard library only.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def env_int(name, default):
    return int(os.environ.get(name, default))


SLIPWAY = os.environ["SLIPWAY"]
LIGHTSVC = os.environ["LIGHTSVC"]
SIZES = [int(s) for s in os.environ.get("SIZES", "100 300 1000").split()]
PROBE_PERIOD = env_int("PROBE_PERIOD", 10)
STRATEGY = os.environ.get("STRATEGY", "recreate")
IDLE_SECONDS = env_int("IDLE_SECONDS", 60)
SETTLE_SECONDS = env_int("SETTLE_SECONDS", 10)
CHANGES = env_int("CHANGES", 10)
HEALTHY_TIMEOUT = env_int("HEALTHY_TIMEOUT", 600)
CHANGE_TIMEOUT = env_int("CHANGE_TIMEOUT", 120)
API_PERIOD = env_int("API_PERIOD_MS", 50) / 1000
HEALTHY_POLL = float(os.environ.get("HEALTHY_POLL", "1"))
BASE_PORT = env_int("BASE_PORT", 17470)
API_PORT, ROUTER_PORT, ADMIN_PORT = BASE_PORT, BASE_PORT + 1, BASE_PORT + 2
INSTANCE_PORTS = os.environ.get("INSTANCE_PORTS", "30000-32599")
QUIET_BUSY = float(os.environ["QUIET_BUSY"]) if os.environ.get("QUIET_BUSY") else None
QUIET_WAIT = env_int("QUIET_WAIT", 1800)
ENVIRONMENT = "bench"
CLK_TCK = os.sysconf("SC_CLK_TCK")

if STRATEGY not in ("recreate", "rolling"):
    sys.exit(f"STRATEGY must be recreate or rolling, got {STRATEGY!r}")


def prioritise(pid):
    """With NICE set, give the process's scheduling autogroup that nice value. With autogroups on (Debian's
    default), every session is one scheduling entity, so a process's own nice value only weighs it against its
    own session: the server and the router each run in a session of their own (setsid), so `nice` alone does
    nothing for them against other sessions' builds. Returns what /proc/PID/autogroup says afterwards."""
    nice = os.environ.get("NICE")
    path = f"/proc/{pid}/autogroup"
    if not nice or not os.path.exists(path):
        return None
    try:
        with open(path, "w") as f:
            f.write(nice)
    except OSError as e:
        return f"not set: {e}"
    return (read_file(path) or "").strip()


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def app_name(i):
    return f"app-{i:04d}"


def spec_document(i, artifact, version):
    strategy = "{recreate: {}}" if STRATEGY == "recreate" else "{rolling: {maxSurge: 1, maxUnavailable: 0}}"
    name = app_name(i)
    return f"""apiVersion: slipway.dev/v1alpha1
kind: Application
metadata: {{name: {name}, environment: {ENVIRONMENT}}}
spec:
  artifact: {{path: {artifact}}}
  command: ./lightsvc
  env: [{{name: APP, value: {name}}}, {{name: VERSION, value: {version}}}]
  port: 8080
  probes:
    readiness: {{httpGet: {{path: /healthz}}, periodSeconds: {PROBE_PERIOD}}}
  strategy: {strategy}
"""


# ---------------------------------------------------------------------------------------------------------------
# /proc readings


def read_file(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def rss_kib(pid):
    """(VmRSS, VmHWM, Threads) of a process, KiB; None when it is gone."""
    text = read_file(f"/proc/{pid}/status")
    if text is None:
        return None
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM", "Threads"):
            values[key] = int(rest.split()[0])
    return values


def cpu_ticks(pid):
    text = read_file(f"/proc/{pid}/stat")
    if text is None:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15 of proc(5))


def run_delay_ns(pid):
    """Per thread, the time it has spent waiting for a CPU while runnable (schedstat), ns."""
    delays = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    for task in tasks:
        text = read_file(f"/proc/{pid}/task/{task}/schedstat")
        if text:
            delays[task] = int(text.split()[1])
    return delays


def run_delay_between(before, after):
    """Waiting time of the threads alive at the end, since `before` (threads started since count in full)."""
    return sum(ns - before.get(task, 0) for task, ns in after.items())


def machine_ticks():
    """(busy, total) jiffies of the whole machine, all cores."""
    fields = [int(v) for v in read_file("/proc/stat").splitlines()[0].split()[1:]]
    total = sum(fields[:8])
    idle = fields[3] + fields[4]
    return total - idle, total


def pids_under(directory):
    """Processes whose executable or working directory lies under `directory` (the benchmark's instances)."""
    prefix = os.path.realpath(directory) + os.sep
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        for link in ("exe", "cwd"):
            try:
                target = os.readlink(f"/proc/{entry}/{link}")
            except OSError:
                continue
            if target.startswith(prefix):
                found.append(int(entry))
                break
    return found


def others_busy(pids, seconds=5):
    """Cores the rest of the machine (not `pids`) kept busy over the next `seconds`."""
    def sample():
        return machine_ticks(), sum(cpu_ticks(p) or 0 for p in pids)
    (busy0, total0), ours0 = sample()
    time.sleep(seconds)
    (busy1, total1), ours1 = sample()
    machine = (busy1 - busy0) / max(1, total1 - total0) * os.cpu_count()
    return max(0.0, machine - (ours1 - ours0) / CLK_TCK / seconds)


def wait_quiet(pids, what):
    """With QUIET_BUSY set, wait (at most QUIET_WAIT s) until other processes keep at most that many cores busy:
    on a shared machine a starved server does less work, and its idle CPU would read lower than it is."""
    if QUIET_BUSY is None:
        return None
    start = time.monotonic()
    busy = others_busy(pids)
    while busy > QUIET_BUSY and time.monotonic() - start < QUIET_WAIT:
        log(f"{what}: waiting for a quieter machine (others keep {busy:.2f} cores busy; QUIET_BUSY={QUIET_BUSY})")
        busy = others_busy(pids, 10)
    return {"waited_s": round(time.monotonic() - start, 1), "others_busy_cores": round(busy, 2)}


def load_average():
    return read_file("/proc/loadavg").split()[:3]


def port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            s.listen(1)
            return True
        except OSError:
            return False


def alive(pid):
    stat = read_file(f"/proc/{pid}/stat")
    return stat is not None and stat[stat.rindex(")") + 2] != "Z"


# ---------------------------------------------------------------------------------------------------------------
# HTTP


class Api:
    def __init__(self, token):
        self.token = token

    def call(self, method, path, body=None, timeout=30, conn=None):
        """(status, parsed JSON or text). Raises on a connection error or a timeout."""
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", API_PORT, timeout=timeout)
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        finally:
            if own:
                conn.close()
        text = raw.decode("utf-8", "replace")
        if response.getheader("Content-Type", "").startswith("application/json"):
            return response.status, json.loads(text)
        return response.status, text


def http_get(port, path, host=None, timeout=5):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": host} if host else {})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_for(what, condition, timeout, period=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (OSError, http.client.HTTPException, ValueError):
            pass
        time.sleep(period)
    raise RuntimeError(f"{what}: not within {timeout} s")


def metrics_snapshot(api):
    """The server's own Prometheus metrics, summed by metric name over their labels; None when it has none."""
    try:
        status, text = api.call("GET", "/metrics", timeout=10)
    except (OSError, http.client.HTTPException) as e:
        return {"status": None, "error": str(e)}
    if status != 200 or not isinstance(text, str):
        return {"status": status}
    totals = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = re.match(r"^([A-Za-z_:][A-Za-z0-9_:]*)(\{.*\})?\s+(\S+)", line)
        if not match:
            continue
        try:
            value = float(match.group(3))
        except ValueError:
            continue
        totals[match.group(1)] = totals.get(match.group(1), 0.0) + value
    return {"status": 200, "totals": totals}


def metrics_delta(before, after):
    if not before or not after or before.get("status") != 200 or after.get("status") != 200:
        return None
    names = sorted(set(before["totals"]) | set(after["totals"]))
    return {n: after["totals"].get(n, 0.0) - before["totals"].get(n, 0.0) for n in names}


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


# ---------------------------------------------------------------------------------------------------------------
# One size


class LatencyLoop(threading.Thread):
    """GET the status of one app every API_PERIOD (or right after the previous call, when it took longer)."""

    def __init__(self, api, path):
        super().__init__(daemon=True)
        self.api, self.path = api, path
        self.samples = []  # (seconds since start, latency s, status or error text)
        self.stop = threading.Event()

    def run(self):
        start = time.monotonic()
        conn = None
        next_call = start
        while not self.stop.is_set():
            t = time.monotonic()
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", API_PORT, timeout=30)
                status, _ = self.api.call("GET", self.path, conn=conn)
                outcome = status
            except (OSError, http.client.HTTPException) as e:
                outcome = type(e).__name__
                if conn:
                    conn.close()
                conn = None
            done = time.monotonic()
            self.samples.append((round(t - start, 3), round(done - t, 4), outcome))
            next_call += API_PERIOD
            if next_call < done:
                next_call = done
            self.stop.wait(max(0.0, next_call - time.monotonic()))
        if conn:
            conn.close()

    def summary(self):
        latencies = [s[1] for s in self.samples]
        failed = [s for s in self.samples if not (isinstance(s[2], int) and s[2] in (200, 404))]
        return {
            "path": self.path,
            "calls": len(self.samples),
            "p50_ms": round(percentile(latencies, 50) * 1000, 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 99) * 1000, 1) if latencies else None,
            "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
            "not_found": sum(1 for s in self.samples if s[2] == 404),
            "failed": len(failed),
            "over_10s": sum(1 for s in latencies if s > 10),
            "failures": [list(s) for s in failed[:20]],
        }


class Run:
    """Everything one size starts, and how to stop it."""

    def __init__(self, n):
        self.n = n
        self.work = tempfile.mkdtemp(prefix="slipway-scale-", dir="/tmp")
        self.data = os.path.join(self.work, "data")
        self.artifact = os.path.join(self.work, "artifact")
        self.server = None
        self.server_pid = None
        self.router_pid = None
        self.api = None
        self.stopped = False
        self.result = {"apps": n}

    def slipway(self, *args, timeout=600):
        server = [] if args[0] == "down" else ["--server", f"127.0.0.1:{API_PORT}"]
        return subprocess.run([SLIPWAY, *args, *server, "--data", self.data],
                              capture_output=True, text=True, timeout=timeout, start_new_session=True)

    def start(self):
        for port in (API_PORT, ROUTER_PORT, ADMIN_PORT):
            if not port_free(port):
                raise RuntimeError(f"port {port} is in use: set BASE_PORT")
        os.makedirs(self.artifact)
        shutil.copy2(LIGHTSVC, os.path.join(self.artifact, "lightsvc"))
        self.server_log = open(os.path.join(self.work, "server.log"), "w")
        self.server = subprocess.Popen(
            [SLIPWAY, "server", "--data", self.data, "--api", f"127.0.0.1:{API_PORT}",
             "--router-listen", f"127.0.0.1:{ROUTER_PORT}", "--router-admin", f"127.0.0.1:{ADMIN_PORT}",
             "--instance-ports", INSTANCE_PORTS],
            stdout=self.server_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)  # our Ctrl-C reaches it only through stop(), in order
        token_file = os.path.join(self.data, "api-token")
        wait_for("server /healthz", lambda: self.server.poll() is None and http_get(API_PORT, "/healthz")[0] == 200, 120)
        with open(token_file) as f:
            self.api = Api(f.read().strip())
        wait_for("server.pid", lambda: read_file(os.path.join(self.data, "server.pid")), 30)
        self.server_pid = int(read_file(os.path.join(self.data, "server.pid")).strip())
        router_pid_file = os.path.join(self.data, "router", "router.pid")
        wait_for("router", lambda: read_file(router_pid_file) and http_get(ADMIN_PORT, "/healthz")[0] == 200, 60)
        self.router_pid = int(read_file(router_pid_file).split()[0])
        self.result["autogroups"] = {"driver": (read_file(f"/proc/{os.getpid()}/autogroup") or "").strip(),
                                     "server": prioritise(self.server_pid),
                                     "router": prioritise(self.router_pid)}
        log(f"server pid {self.server_pid}, router pid {self.router_pid}, data {self.data}")

    def measure(self):
        n, r = self.n, self.result
        r["quiet_before_apply"] = wait_quiet([self.server_pid, self.router_pid], "apply")
        r["load_before"] = load_average()
        r["rss_before_apply_kib"] = {"server": rss_kib(self.server_pid), "router": rss_kib(self.router_pid)}
        spec_file = os.path.join(self.work, "apps.yaml")
        with open(spec_file, "w") as f:
            f.write("---\n".join(spec_document(i, self.artifact, "v1") for i in range(1, n + 1)))
        r["spec_bytes"] = os.path.getsize(spec_file)

        # Mass apply, with the latency loop running from just before it until every app is Healthy.
        loop = LatencyLoop(self.api, f"/api/v1/apps/{app_name(1)}/{ENVIRONMENT}")
        loop.start()
        time.sleep(1)  # a second of calls before the apply: the baseline
        log(f"{n} apps: applying")
        t0 = time.monotonic()
        applied = self.slipway("apply", "-f", spec_file)
        r["apply_s"] = round(time.monotonic() - t0, 3)
        if applied.returncode != 0:
            raise RuntimeError(f"apply failed ({applied.returncode}): {applied.stderr[-2000:]}")
        log(f"{n} apps: applied in {r['apply_s']} s; waiting for all Healthy (at most {HEALTHY_TIMEOUT} s)")
        timeline = []
        healthy_at = None
        while time.monotonic() - t0 < HEALTHY_TIMEOUT:
            try:
                status, apps = self.api.call("GET", "/api/v1/apps", timeout=60)
            except (OSError, http.client.HTTPException) as e:
                timeline.append((round(time.monotonic() - t0, 2), None, None, None, type(e).__name__))
                time.sleep(HEALTHY_POLL)
                continue
            now = round(time.monotonic() - t0, 2)
            healthy = sum(1 for a in apps if a["phase"] == "Healthy") if status == 200 else None
            ready = sum(a.get("ready") or 0 for a in apps) if status == 200 else None
            processes = len([p for p in pids_under(self.data) if p != self.router_pid])
            # (seconds since the apply, apps Healthy, instances ready, instance processes running, HTTP status)
            timeline.append((now, healthy, ready, processes, status))
            if len(timeline) % 10 == 0:
                log(f"{n} apps: after {now} s, {processes} instances running, {ready} ready, {healthy} apps Healthy")
            if healthy == n:
                healthy_at = now
                break
            time.sleep(HEALTHY_POLL)
        loop.stop.set()
        loop.join()
        r["all_healthy_s"] = healthy_at
        r["healthy_timeline"] = timeline
        r["healthy_reached"] = max((t[1] for t in timeline if t[1] is not None), default=0)
        r["api_latency"] = loop.summary()
        r["api_latency_samples"] = loop.samples
        if healthy_at is None:
            log(f"{n} apps: NOT all Healthy within {HEALTHY_TIMEOUT} s ({r['healthy_reached']} were)")
        else:
            log(f"{n} apps: all Healthy {healthy_at} s after the apply started")
        a = r["api_latency"]
        log(f"API during the mass apply: {a['calls']} calls, p50 {a['p50_ms']} ms, p99 {a['p99_ms']} ms, "
            f"max {a['max_ms']} ms, failed {a['failed']}, > 10 s {a['over_10s']}")

        # Memory, then a quiet minute.
        time.sleep(SETTLE_SECONDS)
        instances = [p for p in pids_under(self.work) if p not in (self.server_pid, self.router_pid)]
        r["instances_running"] = len(instances)
        r["rss_kib"] = {"server": rss_kib(self.server_pid), "router": rss_kib(self.router_pid),
                        "instances_total": sum((rss_kib(p) or {}).get("VmRSS", 0) for p in instances)}
        log(f"RSS: server {r['rss_kib']['server']}, router {r['rss_kib']['router']}, "
            f"{len(instances)} instances {r['rss_kib']['instances_total']} KiB in all")
        metrics_a = metrics_snapshot(self.api)
        r["quiet_before_idle"] = wait_quiet([self.server_pid, self.router_pid, *instances], "idle")
        log(f"idle: measuring CPU for {IDLE_SECONDS} s")
        delay_before = run_delay_ns(self.server_pid)
        before = (cpu_ticks(self.server_pid), cpu_ticks(self.router_pid),
                  sum(cpu_ticks(p) or 0 for p in instances), machine_ticks(), time.monotonic())
        time.sleep(IDLE_SECONDS)
        after = (cpu_ticks(self.server_pid), cpu_ticks(self.router_pid),
                 sum(cpu_ticks(p) or 0 for p in instances), machine_ticks(), time.monotonic())
        delay_after = run_delay_ns(self.server_pid)
        elapsed = after[4] - before[4]
        pct = lambda b, a: round(100 * (a - b) / CLK_TCK / elapsed, 1) if a is not None and b is not None else None
        busy = (after[3][0] - before[3][0]) / (after[3][1] - before[3][1]) * os.cpu_count()
        r["idle_cpu"] = {
            "seconds": round(elapsed, 1),
            "server_pct_of_core": pct(before[0], after[0]),
            "router_pct_of_core": pct(before[1], after[1]),
            "instances_pct_of_core": pct(before[2], after[2]),
            "machine_busy_cores": round(busy, 2),
            "cores": os.cpu_count(),
        }
        # How long the server's threads waited for a CPU while they had work: next to its CPU time, it says how far
        # other processes starved it (a starved reconciler makes fewer passes, and reads as cheaper than it is).
        if delay_before is not None and delay_after is not None:
            r["idle_cpu"]["server_run_delay_pct"] = round(100 * run_delay_between(delay_before, delay_after) / 1e9 / elapsed, 1)
        ours = sum(v or 0 for v in (r["idle_cpu"]["server_pct_of_core"], r["idle_cpu"]["router_pct_of_core"],
                                     r["idle_cpu"]["instances_pct_of_core"])) / 100
        r["idle_cpu"]["others_busy_cores"] = round(max(0.0, busy - ours), 2)
        metrics_b = metrics_snapshot(self.api)
        i = r["idle_cpu"]
        log(f"idle CPU: server {i['server_pct_of_core']} % (waited for a CPU {i.get('server_run_delay_pct')} %), router {i['router_pct_of_core']} %, instances "
            f"{i['instances_pct_of_core']} % of a core; whole machine {i['machine_busy_cores']} of {i['cores']} cores busy")

        # One app's change at a time.
        changes = []
        for k in range(CHANGES):
            index = 1 + k * n // CHANGES + (n // CHANGES) // 2
            changes.append(self.change(index))
        r["changes"] = changes
        served = [c["served_s"] for c in changes if c["served_s"] is not None]
        # A new instance's first readiness probe runs as it starts; when the process is not listening yet, the next
        # one is a whole period later. Those changes are counted apart, so that the control plane's own part shows.
        quick = [v for v in served if v < PROBE_PERIOD]
        r["change_served"] = {
            "count": len(changes),
            "served": len(served),
            "median_s": round(statistics.median(served), 2) if served else None,
            "p95_s": round(percentile(served, 95), 2) if served else None,
            "max_s": round(max(served), 2) if served else None,
            "waited_a_probe_period": len(served) - len(quick),
            "median_s_without_probe_wait": round(statistics.median(quick), 2) if quick else None,
            "p95_s_without_probe_wait": round(percentile(quick, 95), 2) if quick else None,
        }
        metrics_c = metrics_snapshot(self.api)
        r["metrics"] = {
            "after_healthy": metrics_a,
            "after_idle": metrics_b,
            "after_changes": metrics_c,
            "delta_idle": metrics_delta(metrics_a, metrics_b),
            "delta_changes": metrics_delta(metrics_b, metrics_c),
        }
        r["rss_after_changes_kib"] = {"server": rss_kib(self.server_pid), "router": rss_kib(self.router_pid)}
        r["load_after"] = load_average()

    def change(self, index):
        name = app_name(index)
        host = f"{name}.{ENVIRONMENT}.localhost"
        version = "v2"
        entry = {"app": name, "served_s": None, "healthy_s": None}
        try:
            entry["served_before"] = http_get(ROUTER_PORT, "/", host)[1].strip()
        except (OSError, http.client.HTTPException) as e:
            entry["served_before"] = type(e).__name__
        body = {"fileName": f"{name}.yaml", "content": spec_document(index, self.artifact, version),
                "baseDirectory": self.work, "environment": ENVIRONMENT}
        t0 = time.monotonic()
        status, answer = self.api.call("POST", "/api/v1/apply", body=body, timeout=60)
        entry["apply_ms"] = round((time.monotonic() - t0) * 1000, 1)
        if status != 200:
            entry["error"] = f"apply answered {status}: {str(answer)[:300]}"
            log(f"change {name}: {entry['error']}")
            return entry
        polls = 0
        while time.monotonic() - t0 < CHANGE_TIMEOUT:
            polls += 1
            try:
                code, text = http_get(ROUTER_PORT, "/", host, timeout=5)
                if code == 200 and f"version={version}" in text:
                    entry["served_s"] = round(time.monotonic() - t0, 3)
                    break
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        entry["router_polls"] = polls
        while time.monotonic() - t0 < CHANGE_TIMEOUT:
            try:
                code, s = self.api.call("GET", f"/api/v1/apps/{name}/{ENVIRONMENT}", timeout=30)
                if (code == 200 and s["phase"] == "Healthy" and s["observedGeneration"] == s["generation"]
                        and s["stableRevision"] == s["desiredRevision"] and s["desiredRevision"] > 1):
                    entry["healthy_s"] = round(time.monotonic() - t0, 3)
                    break
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        log(f"change {name}: apply {entry['apply_ms']} ms, served {entry['served_s']} s, Healthy {entry['healthy_s']} s")
        return entry

    def stop(self):
        """Ctrl-C the server, `slipway down`, check that nothing is left, delete the data directory."""
        if self.stopped:
            return
        self.stopped = True
        # A second Ctrl-C (or TERM) must not cut the teardown short and leave a thousand processes behind.
        previous = {s: signal.signal(s, lambda *_: log("stopping: wait for the teardown to finish"))
                    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        try:
            self._stop()
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _stop(self):
        report = {}
        # Which router `down` will look for, against the one measured (they differ when the server started another).
        pid_text = read_file(os.path.join(self.data, "router", "router.pid"))
        report["router_pid_measured"] = self.router_pid
        report["router_pid_file_at_stop"] = int(pid_text.split()[0]) if pid_text and pid_text.split() else None
        if self.server and self.server.poll() is None:
            t = time.monotonic()
            for sig, wait in ((signal.SIGINT, 60), (signal.SIGTERM, 20), (signal.SIGKILL, 20)):
                self.server.send_signal(sig)
                try:
                    report["server_exit"] = self.server.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    log(f"the server did not stop within {wait} s of {sig.name}")
            report["server_stopped_by"] = sig.name
            report["server_stop_s"] = round(time.monotonic() - t, 2)
        if os.path.isdir(self.data):
            t = time.monotonic()
            try:
                down = self.slipway("down", timeout=900)
                report["down"] = (down.stdout + down.stderr).strip()
                if down.returncode != 0:
                    down = self.slipway("down", "--force", timeout=900)
                    report["down_forced"] = (down.stdout + down.stderr).strip()
            except subprocess.TimeoutExpired:
                report["down"] = "timed out"
            report["down_s"] = round(time.monotonic() - t, 2)
            log(f"down: {report.get('down')} ({report['down_s']} s)")
        # Anything still there is a bug of `down` (or of the benchmark): say so, then stop it by its pid.
        deadline = time.monotonic() + 30
        left = pids_under(self.work)
        while left and time.monotonic() < deadline:
            time.sleep(0.5)
            left = pids_under(self.work)
        if self.router_pid and alive(self.router_pid) and self.router_pid not in left:
            left.append(self.router_pid)
        report["left_behind"] = left
        for pid in left:
            log(f"LEFT BEHIND: pid {pid} ({read_file(f'/proc/{pid}/cmdline')!r}): killing it")
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        deadline = time.monotonic() + 10
        busy = [p for p in (API_PORT, ROUTER_PORT, ADMIN_PORT) if not port_free(p)]
        while busy and time.monotonic() < deadline:
            time.sleep(0.5)
            busy = [p for p in (API_PORT, ROUTER_PORT, ADMIN_PORT) if not port_free(p)]
        report["ports_still_in_use"] = busy
        if busy:
            log(f"ports still in use after down: {busy}")
        if hasattr(self, "server_log"):
            self.server_log.close()
            tail = read_file(os.path.join(self.work, "server.log")) or ""
            report["server_log_lines"] = tail.count("\n")
            report["server_log_errors"] = [l for l in tail.splitlines() if l.startswith(("fail:", "crit:"))][:20]
            report["routers_started"] = [int(m) for m in re.findall(r"Started router \(pid (\d+)\)", tail)]
        shutil.rmtree(self.work, ignore_errors=True)
        self.result["teardown"] = report
        log(f"{self.n} apps: stopped; left behind: {left or 'nothing'}; ports in use: {busy or 'none'}")


# ---------------------------------------------------------------------------------------------------------------


def fmt(value, suffix="", digits=None):
    if value is None:
        return "—"
    if digits is not None:
        value = f"{value:.{digits}f}"
    return f"{value}{suffix}"


def table(results):
    lines = [
        f"probe period {PROBE_PERIOD} s, strategy of the change: {STRATEGY}, idle window {IDLE_SECONDS} s",
        "| apps | apply | all Healthy | server RSS | router RSS | server CPU at idle | router CPU at idle "
        "| API p50 / p99 during apply | API > 10 s / failed | one app's change served, median / p95 "
        "| … of those whose first probe passed (how many waited a period) | other processes during idle |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if "apply_s" not in r:
            lines.append(f"| {r['apps']} | failed: {r.get('error', '?')} |")
            continue
        if r.get("all_healthy_s") is not None:
            healthy = fmt(r["all_healthy_s"], " s")
        elif "healthy_reached" in r:
            healthy = f"not within {HEALTHY_TIMEOUT} s ({r['healthy_reached']} Healthy)"
        else:
            healthy = r.get("error", "—")
        rss = r.get("rss_kib", {})
        mib = lambda v: fmt((v or {}).get("VmRSS", 0) / 1024, " MiB", 0) if v else "—"
        idle = r.get("idle_cpu", {})
        a = r.get("api_latency", {})
        c = r.get("change_served", {})
        lines.append(
            f"| {r['apps']} | {fmt(r['apply_s'], ' s', 2)} | {healthy} | {mib(rss.get('server'))} | {mib(rss.get('router'))} "
            f"| {fmt(idle.get('server_pct_of_core'), ' %')} | {fmt(idle.get('router_pct_of_core'), ' %')} "
            f"| {fmt(a.get('p50_ms'), ' ms')} / {fmt(a.get('p99_ms'), ' ms')} | {a.get('over_10s', '—')} / {a.get('failed', '—')} "
            f"| {fmt(c.get('median_s'), ' s')} / {fmt(c.get('p95_s'), ' s')} "
            f"| {fmt(c.get('median_s_without_probe_wait'), ' s')} / {fmt(c.get('p95_s_without_probe_wait'), ' s')} "
            f"({c.get('waited_a_probe_period', '—')} of {c.get('count', '—')} waited) "
            f"| {fmt(idle.get('others_busy_cores'))} of {idle.get('cores', '—')} cores busy |")
    return "\n".join(lines)


def main():
    results_path = os.environ.get("RESULTS") or os.path.join(
        ROOT, "bench", "scale", "results", datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + ".json")
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "src"],
                                capture_output=True, text=True).stdout.strip())
    document = {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": commit, "src_dirty": dirty,
        "machine": {"cores": os.cpu_count(), "uname": os.uname().release,
                    "mem_total": (read_file("/proc/meminfo") or "").splitlines()[0]},
        "config": {"sizes": SIZES, "probe_period_s": PROBE_PERIOD, "strategy": STRATEGY, "idle_s": IDLE_SECONDS,
                   "settle_s": SETTLE_SECONDS, "changes": CHANGES, "healthy_timeout_s": HEALTHY_TIMEOUT,
                   "api_period_ms": API_PERIOD * 1000, "ports": [API_PORT, ROUTER_PORT, ADMIN_PORT],
                   "instance_ports": INSTANCE_PORTS, "quiet_busy": QUIET_BUSY, "nice": os.nice(0)},
        "uptime_before": read_file("/proc/loadavg").strip(),
        "results": [],
    }
    current = None

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    # Ctrl-C is KeyboardInterrupt, also when started in the background (where SIGINT is inherited as ignored: the
    # server would inherit that too, and a Ctrl-C would not stop it).
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    # The driver measures latencies: it gets the priority too, for the run only (its autogroup is its session's,
    # which outlives it).
    own_nice = re.search(r"nice (-?\d+)", read_file(f"/proc/{os.getpid()}/autogroup") or "")
    document["driver_autogroup"] = prioritise(os.getpid())
    interrupted = False
    try:
        for n in SIZES:
            log(f"=== {n} apps (load average {' '.join(load_average())}) ===")
            current = Run(n)
            document["results"].append(current.result)
            try:
                current.start()
                current.measure()
            except KeyboardInterrupt:
                current.result["error"] = "interrupted"
                raise
            except Exception as e:  # noqa: BLE001 - record it and go on with the next size
                current.result["error"] = f"{type(e).__name__}: {e}"
                log(f"{n} apps: FAILED: {current.result['error']}")
            finally:
                current.stop()
    except KeyboardInterrupt:
        interrupted = True
        log("interrupted: stopped what was running")
    finally:
        if current:
            current.stop()
        if own_nice and os.environ.get("NICE"):
            with open(f"/proc/{os.getpid()}/autogroup", "w") as f:
                f.write(own_nice.group(1))
        document["uptime_after"] = read_file("/proc/loadavg").strip()
        document["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        document["table"] = table(document["results"])
        os.makedirs(os.path.dirname(results_path), exist_ok=True)
        with open(results_path, "w") as f:
            json.dump(document, f, indent=1)
            f.write("\n")
        print()
        print(document["table"])
        print(f"\nload average before {document['uptime_before']}, after {document['uptime_after']}")
        print(f"raw numbers: {results_path}")
    return 130 if interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
