#!/usr/bin/env python3
"""Slipway live-analysis benchmark: how fast a bad canary is rolled back, and how good the judge is, on the real system.

Run through bench/analysis/run.sh, which builds the CLI (Release) and the sample service and passes their paths in
SLIPWAY and SAMPLE. Modes (MODE):

  detect   one app, stable v1 (no errors) under RATE requests/s; RUNS times: a canary with ERROR_RATE=CANARY_ERROR_RATE
           (setWeight 20, then a pause until promoted) and a background analysis of one `router` metric (errorRate over
           WINDOW, `failureCondition: result > 0.05`, every INTERVAL). Per run: (a) from the first 5xx the load
           generator got from the canary to the last response it got from the canary; (b) from the failing
           measurement (its finishedAt, and the moment this driver first saw it in the API) to the router's table
           version change (its admin /state, polled every 20 ms).
  judge    APPS apps side by side, each under RATE requests/s; each loops: apply a canary revision (stable
           ERROR_RATE=STABLE_ERROR_RATE, canary CANARY_ERROR_RATE), a background analysis by the `judge` provider
           (errorRate only, count 10, interval 1s, confidence 0.99), wait for its verdict, abort the rollout (or let
           the analysis abort it), next revision; until ANALYSES analyses are done. Per analysis: outcome, looks, the
           verdict's confidence and summary.

Everything it starts is stopped at the end, also on Ctrl-C. Raw numbers go to RESULTS (JSON); a summary is printed.
Standard library only.
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


def env_float(name, default):
    return float(os.environ.get(name, default))


SLIPWAY = os.environ["SLIPWAY"]
SAMPLE = os.environ["SAMPLE"]
MODE = os.environ.get("MODE", "detect")
RUNS = env_int("RUNS", 10)
INTERVAL = os.environ.get("INTERVAL", "1s")
WINDOW = os.environ.get("WINDOW", "5s")
MIN_SAMPLE = env_int("MIN_SAMPLE", 10)
RATE = env_float("RATE", 200 if MODE == "detect" else 500)
WORKERS = env_int("WORKERS", 8)
APPS = env_int("APPS", 3)
ANALYSES = env_int("ANALYSES", 100)
CANARY_ERROR_RATE = os.environ.get("CANARY_ERROR_RATE", "0.2" if MODE == "detect" else "0.03")
STABLE_ERROR_RATE = os.environ.get("STABLE_ERROR_RATE", "0" if MODE == "detect" else "0.01")
RUN_TIMEOUT = env_int("RUN_TIMEOUT", 240)
BASE_PORT = env_int("BASE_PORT", 17570)
API_PORT, ROUTER_PORT, ADMIN_PORT = BASE_PORT, BASE_PORT + 1, BASE_PORT + 2
INSTANCE_PORTS = os.environ.get("INSTANCE_PORTS", "30000-30999")
ENVIRONMENT = "bench"

if MODE not in ("detect", "judge"):
    sys.exit(f"MODE must be detect or judge, got {MODE!r}")


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def read_file(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def load_average():
    return read_file("/proc/loadavg").split()[:3]


def machine_ticks():
    fields = [int(v) for v in read_file("/proc/stat").splitlines()[0].split()[1:]]
    return sum(fields[:8]) - fields[3] - fields[4], sum(fields[:8])


def cpu_ticks(pid):
    text = read_file(f"/proc/{pid}/stat")
    if text is None:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def pids_under(directory):
    prefix = os.path.realpath(directory) + os.sep
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        for link in ("exe", "cwd"):
            try:
                if os.readlink(f"/proc/{entry}/{link}").startswith(prefix):
                    found.append(int(entry))
                    break
            except OSError:
                continue
    return found


def alive(pid):
    stat = read_file(f"/proc/{pid}/stat")
    return stat is not None and stat[stat.rindex(")") + 2] != "Z"


def parse_time(text):
    """An RFC 3339 time of the API as a Unix time (float); None for null."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def stats_of(values):
    if not values:
        return None
    ordered = sorted(values)
    return {"n": len(values), "median": round(statistics.median(values), 3), "min": round(ordered[0], 3),
            "max": round(ordered[-1], 3), "p90": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 3)}


# ---------------------------------------------------------------------------------------------------------------
# HTTP


class Api:
    def __init__(self, token):
        self.token = token
        self.local = threading.local()

    def call(self, method, path, body=None, timeout=30):
        """(status, parsed JSON or text) over a kept-alive connection of this thread."""
        for attempt in (0, 1):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", API_PORT, timeout=timeout)
            headers = {"Authorization": f"Bearer {self.token}"}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            try:
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                raw = response.read()
                break
            except (OSError, http.client.HTTPException):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        text = raw.decode("utf-8", "replace")
        if response.getheader("Content-Type", "").startswith("application/json"):
            return response.status, json.loads(text)
        return response.status, text


def http_get(port, path, timeout=5):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
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
        except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError):
            pass
        time.sleep(period)
    raise RuntimeError(f"{what}: not within {timeout} s")


# ---------------------------------------------------------------------------------------------------------------
# Load: WORKERS threads per app, each on one kept-alive connection to the router, paced to RATE in all. A minimal
# HTTP/1.1 client over a socket (http.client costs several times more CPU per request, which the driver cannot spare).


class VersionStats:
    __slots__ = ("requests", "errors", "first", "last", "first_error", "last_error")

    def __init__(self):
        self.requests = self.errors = 0
        self.first = self.last = self.first_error = self.last_error = None


class Load:
    """Open-loop-ish load: each worker sends at its own fixed schedule (rate/WORKERS); a worker more than a second
    behind skips the requests it missed rather than sending a burst. Counts responses per version (X-Version, or
    'router' for the router's own 502/503/504 answers)."""

    def __init__(self, host, rate, workers=WORKERS):
        self.host, self.rate, self.workers = host, rate, workers
        self.request = f"GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: slipway-bench\r\n\r\n".encode()
        self.lock = threading.Lock()
        self.versions = {}
        self.failures = 0
        self.skipped = 0
        self.stop = threading.Event()
        self.threads = []

    def start(self):
        t0 = time.monotonic() + 0.05
        for i in range(self.workers):
            thread = threading.Thread(target=self._worker, args=(t0 + i / self.rate,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def close(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)

    def snapshot(self, version):
        with self.lock:
            v = self.versions.get(version)
            return None if v is None else {s: getattr(v, s) for s in VersionStats.__slots__}

    def all_versions(self):
        with self.lock:
            return {k: {s: getattr(v, s) for s in VersionStats.__slots__} for k, v in self.versions.items()}

    def _record(self, version, status, now):
        with self.lock:
            v = self.versions.get(version)
            if v is None:
                v = self.versions[version] = VersionStats()
                v.first = now
            v.requests += 1
            v.last = now
            if status >= 500:
                v.errors += 1
                v.last_error = now
                if v.first_error is None:
                    v.first_error = now

    def _worker(self, start):
        period = self.workers / self.rate
        next_at = start
        sock = None
        buffer = b""
        while not self.stop.is_set():
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif delay < -1:
                missed = int(-delay / period)
                with self.lock:
                    self.skipped += missed
                next_at += missed * period
            next_at += period
            try:
                if sock is None:
                    sock = socket.create_connection(("127.0.0.1", ROUTER_PORT), timeout=10)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    buffer = b""
                sock.sendall(self.request)
                status, version, close, buffer = self._response(sock, buffer)
                self._record(version, status, time.time())
                if close:
                    sock.close()
                    sock = None
            except (OSError, ValueError):
                with self.lock:
                    self.failures += 1
                if sock:
                    sock.close()
                sock = None
        if sock:
            sock.close()

    @staticmethod
    def _response(sock, buffer):
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                raise ValueError("connection closed")
            buffer += chunk
        head, _, rest = buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        version, length, chunked, close = "router", 0, False, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"x-version":
                version = value.strip().decode()
            elif name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        if chunked:
            while True:
                end = rest.find(b"0\r\n\r\n")
                # the last chunk: "0\r\n\r\n" at the start of the body or after a chunk's CRLF
                if end == 0 or (end > 0 and rest[end - 2:end] == b"\r\n"):
                    return status, version, close, rest[end + 5:]
                chunk = sock.recv(65536)
                if not chunk:
                    raise ValueError("connection closed")
                rest += chunk
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise ValueError("connection closed")
            rest += chunk
        return status, version, close, rest[length:]


class RouterWatch(threading.Thread):
    """The router's table version (admin /state) every 20 ms: when each change was first seen."""

    def __init__(self):
        super().__init__(daemon=True)
        self.changes = []  # (unix time first seen, configVersion)
        self.stop = threading.Event()
        self.errors = 0

    def run(self):
        conn = None
        last = None
        while not self.stop.is_set():
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", ADMIN_PORT, timeout=5)
                conn.request("GET", "/state?inflight=")
                body = json.loads(conn.getresponse().read())
                version = body.get("configVersion")
                if version != last:
                    self.changes.append((time.time(), version))
                    last = version
            except (OSError, http.client.HTTPException, ValueError):
                self.errors += 1
                if conn:
                    conn.close()
                conn = None
            self.stop.wait(0.02)

    def first_change_after(self, t):
        for when, version in self.changes:
            if when > t:
                return when, version
        return None


# ---------------------------------------------------------------------------------------------------------------
# Specs


def template_document():
    if MODE == "detect":
        return f"""apiVersion: slipway.dev/v1alpha1
kind: AnalysisTemplate
metadata: {{name: bench-errors}}
spec:
  metrics:
    - name: errors
      interval: {INTERVAL}
      failureCondition: result > 0.05
      minSampleSize: {MIN_SAMPLE}
      lowTraffic: extend
      provider:
        router: {{measure: errorRate, window: {WINDOW}}}
"""
    return """apiVersion: slipway.dev/v1alpha1
kind: AnalysisTemplate
metadata: {name: bench-judge}
spec:
  metrics:
    - name: judged
      interval: 1s
      count: 10
      lowTraffic: extend
      provider:
        judge: {errorRate: {}, confidence: 0.99}
"""


def app_document(name, version, error_rate, artifact):
    template = "bench-errors" if MODE == "detect" else "bench-judge"
    return f"""apiVersion: slipway.dev/v1alpha1
kind: Application
metadata: {{name: {name}, environment: {ENVIRONMENT}}}
spec:
  artifact: {{path: {artifact}}}
  command: dotnet
  args: [Slipway.Sample.dll]
  env: [{{name: VERSION, value: {version}}}, {{name: ERROR_RATE, value: "{error_rate}"}}]
  probes:
    readiness: {{httpGet: {{path: /healthz}}, periodSeconds: 1}}
  progressDeadlineSeconds: 600
  strategy:
    canary:
      analysis:
        templates: [{{templateName: {template}}}]
      steps:
        - setWeight: 20
        - pause: {{}}
"""


# ---------------------------------------------------------------------------------------------------------------


class Bench:
    def __init__(self):
        self.work = tempfile.mkdtemp(prefix="slipway-analysis-", dir="/tmp")
        self.data = os.path.join(self.work, "data")
        self.artifact = os.path.join(self.work, "sample")
        self.server = None
        self.router_pid = None
        self.server_pid = None
        self.api = None
        self.stopped = False
        self.loads = []
        self.watch = None
        self.result = {}

    def slipway(self, *args, timeout=120):
        server = [] if args[0] == "down" else ["--server", f"127.0.0.1:{API_PORT}"]
        return subprocess.run([SLIPWAY, *args, *server, "--data", self.data],
                              capture_output=True, text=True, timeout=timeout, start_new_session=True)

    def start(self):
        for port in (API_PORT, ROUTER_PORT, ADMIN_PORT):
            if not port_free(port):
                raise RuntimeError(f"port {port} is in use: set BASE_PORT")
        shutil.copytree(SAMPLE, self.artifact)
        self.server_log = open(os.path.join(self.work, "server.log"), "w")
        self.server = subprocess.Popen(
            [SLIPWAY, "server", "--data", self.data, "--api", f"127.0.0.1:{API_PORT}",
             "--router-listen", f"127.0.0.1:{ROUTER_PORT}", "--router-admin", f"127.0.0.1:{ADMIN_PORT}",
             "--instance-ports", INSTANCE_PORTS],
            stdout=self.server_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        wait_for("server /healthz", lambda: self.server.poll() is None and http_get(API_PORT, "/healthz")[0] == 200, 120)
        self.api = Api(read_file(os.path.join(self.data, "api-token")).strip())
        self.server_pid = int(read_file(os.path.join(self.data, "server.pid")).strip())
        router_pid_file = os.path.join(self.data, "router", "router.pid")
        wait_for("router", lambda: read_file(router_pid_file) and http_get(ADMIN_PORT, "/healthz")[0] == 200, 60)
        self.router_pid = int(read_file(router_pid_file).split()[0])
        self.watch = RouterWatch()
        self.watch.start()
        log(f"server pid {self.server_pid}, router pid {self.router_pid}, data {self.data}")

    def apply(self, documents):
        body = {"fileName": "bench.yaml", "content": "---\n".join(documents), "baseDirectory": self.work,
                "environment": ENVIRONMENT}
        status, answer = self.api.call("POST", "/api/v1/apply", body=body, timeout=60)
        if status != 200:
            raise RuntimeError(f"apply answered {status}: {str(answer)[:2000]}")
        return answer

    def status(self, app):
        code, s = self.api.call("GET", f"/api/v1/apps/{app}/{ENVIRONMENT}")
        if code != 200:
            raise RuntimeError(f"status of {app}: {code} {s}")
        return s

    def analysis(self, app, measurements=20):
        code, a = self.api.call("GET", f"/api/v1/apps/{app}/{ENVIRONMENT}/analysis?runs=1&measurements={measurements}")
        if code != 200:
            raise RuntimeError(f"analysis of {app}: {code} {a}")
        return a

    def wait_healthy(self, app, timeout=180):
        def done():
            s = self.status(app)
            return (s["phase"] == "Healthy" and s["observedGeneration"] == s["generation"]
                    and s["stableRevision"] == s["desiredRevision"])
        wait_for(f"{app} Healthy", done, timeout, 0.3)

    def cpu_sample(self):
        pids = {"server": self.server_pid, "router": self.router_pid, "driver": os.getpid()}
        return {k: cpu_ticks(p) for k, p in pids.items()}, machine_ticks(), time.monotonic()

    @staticmethod
    def cpu_between(a, b):
        clk = os.sysconf("SC_CLK_TCK")
        elapsed = b[2] - a[2]
        out = {k: round((b[0][k] - a[0][k]) / clk / elapsed, 3) for k in a[0] if a[0][k] is not None and b[0][k] is not None}
        out["machine_busy_cores"] = round((b[1][0] - a[1][0]) / max(1, b[1][1] - a[1][1]) * os.cpu_count(), 2)
        out["seconds"] = round(elapsed, 1)
        return out

    # -------------------------------------------------------------------------------------------------------------
    # detect

    def detect(self):
        app = "det"
        host = f"{app}.{ENVIRONMENT}.localhost"
        r = self.result
        r["load_before"] = load_average()
        self.apply([template_document(), app_document(app, "v1", STABLE_ERROR_RATE, self.artifact)])
        self.wait_healthy(app)
        load = Load(host, RATE)
        self.loads.append(load)
        load.start()
        time.sleep(5)
        log(f"{app}: v1 Healthy under {RATE:g} requests/s (load average {' '.join(load_average())})")
        runs = r["runs"] = []
        cpu0 = self.cpu_sample()
        for i in range(1, RUNS + 1):
            runs.append(self.detect_run(app, load, i))
        r["cpu_during_runs"] = self.cpu_between(cpu0, self.cpu_sample())
        r["load_after"] = load_average()
        r["versions"] = load.all_versions()
        r["load_failures"] = load.failures
        r["load_skipped"] = load.skipped
        ok = [x for x in runs if x.get("a_s") is not None]
        r["summary"] = {
            "a_first_canary_error_to_last_canary_response_s": stats_of([x["a_s"] for x in ok]),
            "b_failing_measurement_finishedAt_to_router_change_s": stats_of([x["b_finished_s"] for x in ok if x.get("b_finished_s") is not None]),
            "b_failing_measurement_seen_to_router_change_s": stats_of([x["b_seen_s"] for x in ok if x.get("b_seen_s") is not None]),
            "failing_measurement_seen_to_last_canary_response_s": stats_of([x["seen_to_last_s"] for x in ok if x.get("seen_to_last_s") is not None]),
            "first_canary_response_to_first_error_s": stats_of([x["first_response_to_first_error_s"] for x in ok]),
            "canary_responses_after_router_change": sum(x.get("canary_responses_after_router_change", 0) for x in ok),
            "runs": len(runs), "measured": len(ok),
        }

    def detect_run(self, app, load, i):
        version = f"bad-{i}"
        entry = {"run": i, "version": version, "load_before": load_average()}
        t_apply = time.time()
        answer = self.apply([app_document(app, version, CANARY_ERROR_RATE, self.artifact)])
        entry["revision"] = answer["applied"][0]["revision"]
        log(f"run {i}: applied {version} (revision {entry['revision']})")
        failed_seen = None
        failing = None
        deadline = time.monotonic() + RUN_TIMEOUT
        status = None
        # Watch the analysis API closely until a measurement fails (when this driver first sees it), then the status
        # until the rollout is aborted.
        while time.monotonic() < deadline:
            try:
                a = self.analysis(app, measurements=5)
            except (OSError, http.client.HTTPException, RuntimeError):
                time.sleep(0.1)
                continue
            now = time.time()
            runs = [run for run in a.get("runs", []) if run.get("revision") == entry["revision"]]
            if runs:
                for metric in runs[0]["metrics"]:
                    for m in metric["measurements"]:
                        if m["phase"].lower() == "failed":
                            failing = m
                            failed_seen = now
                            break
                    if failing:
                        break
            if failing:
                entry["analysis_run"] = runs[0]
                break
            time.sleep(0.1)
        if failing is None:
            entry["error"] = f"no failed measurement within {RUN_TIMEOUT} s"
            log(f"run {i}: {entry['error']}")
            return entry
        while time.monotonic() < deadline:
            status = self.status(app)
            if status["phase"] == "Degraded" and status["observedGeneration"] == status["generation"]:
                break
            time.sleep(0.2)
        entry["phase"] = status["phase"] if status else None
        entry["reason"] = status["reason"] if status else None
        entry["message"] = status["message"] if status else None
        # Go on serving for 3 s: no response from the canary may come after the router's change.
        time.sleep(3)
        v = load.snapshot(version)
        entry["canary"] = v
        entry["failing_measurement"] = failing
        entry["failing_seen"] = failed_seen
        finished = parse_time(failing.get("finishedAt"))
        entry["failing_finished"] = finished
        changes = [c for c in self.watch.changes if c[0] >= t_apply]
        entry["router_changes_since_apply"] = [[round(w - t_apply, 3), ver] for w, ver in changes]
        # The rollback's table change: the first change after the canary's first response (the change that gave it
        # its 20 % came before that response).
        rollback = None
        if v and v["first"] is not None:
            rollback = next(((w, ver) for w, ver in changes if w > v["first"]), None)
        entry["router_rollback_change"] = rollback
        if v is None or v["first_error"] is None:
            entry["error"] = "the load generator got no error from the canary"
            log(f"run {i}: {entry['error']}")
            return entry
        entry["a_s"] = round(v["last"] - v["first_error"], 3)
        entry["first_response_to_first_error_s"] = round(v["first_error"] - v["first"], 3)
        entry["seen_to_last_s"] = round(v["last"] - failed_seen, 3)
        if rollback:
            entry["b_seen_s"] = round(rollback[0] - failed_seen, 3)
            if finished is not None:
                entry["b_finished_s"] = round(rollback[0] - finished, 3)
            entry["canary_responses_after_router_change"] = 0 if v["last"] <= rollback[0] + 0.2 else 1
            entry["last_canary_response_minus_router_change_s"] = round(v["last"] - rollback[0], 3)
        entry["load_after"] = load_average()
        log(f"run {i}: {v['requests']} canary responses ({v['errors']} errors); first error → last canary response "
            f"{entry['a_s']} s; failing measurement finishedAt {failing.get('finishedAt')} → router change "
            f"{entry.get('b_finished_s')} s (seen → change {entry.get('b_seen_s')} s); {entry['phase']} {entry['reason']}")
        # Wait until the canary's instance is gone before the next run, so each run starts from the same state.
        wait_for("canary scaled down", lambda: all(rv["role"] == "stable" for rv in self.status(app)["revisions"]), 60, 0.3)
        return entry

    # -------------------------------------------------------------------------------------------------------------
    # judge

    def judge(self):
        r = self.result
        r["load_before"] = load_average()
        names = [f"judge-{k}" for k in range(1, APPS + 1)]
        self.apply([template_document()] + [app_document(n, f"{n}-v1", STABLE_ERROR_RATE, self.artifact) for n in names])
        for n in names:
            self.wait_healthy(n)
        for n in names:
            load = Load(f"{n}.{ENVIRONMENT}.localhost", RATE)
            self.loads.append(load)
            load.start()
        time.sleep(5)
        log(f"{APPS} apps Healthy, each under {RATE:g} requests/s (load average {' '.join(load_average())})")
        self.analyses = r["analyses"] = []  # in the results even when interrupted
        self.analyses_lock = threading.Lock()
        self.judge_stop = threading.Event()
        cpu0 = self.cpu_sample()
        threads = [threading.Thread(target=self.judge_loop, args=(n, load), daemon=True) for n, load in zip(names, self.loads)]
        for t in threads:
            t.start()
        try:
            while any(t.is_alive() for t in threads):
                time.sleep(0.5)
        finally:
            self.judge_stop.set()
            for t in threads:
                t.join(timeout=120)
        r["cpu_during_runs"] = self.cpu_between(cpu0, self.cpu_sample())
        r["load_after"] = load_average()
        r["analyses"] = self.analyses
        r["versions"] = {n: l.all_versions() for n, l in zip(names, self.loads)}
        r["load_failures"] = sum(l.failures for l in self.loads)
        r["load_skipped"] = sum(l.skipped for l in self.loads)
        done = [a for a in self.analyses if a.get("outcome")]
        failed = [a for a in done if a["outcome"] == "Failed"]
        r["summary"] = {
            "analyses": len(done),
            "outcomes": {o: sum(1 for a in done if a["outcome"] == o) for o in sorted({a["outcome"] for a in done})},
            "failed": len(failed),
            "failed_share": round(len(failed) / len(done), 4) if done else None,
            "failed_within_10_looks": sum(1 for a in failed if a["looks"] <= 10),
            "failed_within_10s_of_first_canary_response_by_finishedAt": sum(1 for a in failed if a.get("first_canary_response_to_failure_s") is not None and a["first_canary_response_to_failure_s"] <= 10),
            "failed_within_10s_of_first_canary_response_by_seen": sum(1 for a in failed if a.get("first_canary_response_to_verdict_seen_s") is not None and a["first_canary_response_to_verdict_seen_s"] <= 10),
            "failed_within_11s_of_first_canary_response_by_seen": sum(1 for a in failed if a.get("first_canary_response_to_verdict_seen_s") is not None and a["first_canary_response_to_verdict_seen_s"] <= 11),
            "failure_time_from_first_canary_response_by_seen_s": stats_of([a["first_canary_response_to_verdict_seen_s"] for a in failed if a.get("first_canary_response_to_verdict_seen_s") is not None]),
            "looks_at_failure": stats_of([a["looks"] for a in failed]),
            "canary_rps": stats_of([a["canary_rps"] for a in done if a.get("canary_rps")]),
            "stable_rps": stats_of([a["stable_rps"] for a in done if a.get("stable_rps")]),
            "canary_error_rate": stats_of([a["canary_error_rate"] for a in done if a.get("canary_error_rate") is not None]),
            "stable_error_rate": stats_of([a["stable_error_rate"] for a in done if a.get("stable_error_rate") is not None]),
        }

    def judge_loop(self, app, load):
        k = 1
        while not self.judge_stop.is_set():
            with self.analyses_lock:
                if len([a for a in self.analyses if a.get("outcome")]) + sum(1 for a in self.analyses if a.get("running")) >= ANALYSES:
                    return
                entry = {"app": app, "k": k, "running": True}
                self.analyses.append(entry)
            k += 1
            try:
                self.judge_one(app, load, entry)
            except Exception as e:  # noqa: BLE001 - record it and go on
                entry["error"] = f"{type(e).__name__}: {e}"
                log(f"{app}: analysis {entry['k']}: {entry['error']}")
                time.sleep(2)
            finally:
                entry.pop("running", None)

    def judge_one(self, app, load, entry):
        version = f"{app}-c{entry['k']}"
        entry["version"] = version
        stable_before = self.status(app)
        stable_version = None
        for rv in stable_before["revisions"]:
            if rv["role"] == "stable":
                stable_version = rv["number"]
        t_apply = time.time()
        answer = self.apply([app_document(app, version, CANARY_ERROR_RATE, self.artifact)])
        revision = entry["revision"] = answer["applied"][0]["revision"]
        deadline = time.monotonic() + RUN_TIMEOUT
        run = None
        while time.monotonic() < deadline:
            a = self.analysis(app, measurements=30)
            runs = [x for x in a.get("runs", []) if x.get("revision") == revision]
            if runs and runs[0]["phase"].lower() not in ("pending", "running"):
                run = runs[0]
                entry["verdict_seen"] = time.time()
                break
            time.sleep(0.25)
        if run is None:
            raise RuntimeError(f"no verdict within {RUN_TIMEOUT} s")
        entry["outcome"] = run["phase"]
        entry["run_message"] = run.get("message")
        metric = run["metrics"][0]
        ms = metric["measurements"]
        entry["looks"] = sum(1 for m in ms if not m.get("lowTraffic"))
        entry["measurements"] = len(ms)
        entry["low_traffic"] = sum(1 for m in ms if m.get("lowTraffic"))
        last = ms[-1] if ms else {}
        verdict = last.get("verdict") or {}
        entry["confidence"] = verdict.get("confidence")
        entry["verdict"] = verdict.get("outcome")
        entry["summary"] = verdict.get("summary")
        entry["started_at"] = run.get("startedAt")
        entry["finished_at"] = run.get("finishedAt")
        entry["last_measurement_finished"] = last.get("finishedAt")
        tests = verdict.get("tests") or []
        if tests:
            t = tests[0]
            entry["test"] = {k: t.get(k) for k in t if k != "name"}
        v = load.snapshot(version)
        if v and v["first"] is not None and last.get("finishedAt"):
            entry["first_canary_response_to_failure_s"] = round(parse_time(last["finishedAt"]) - v["first"], 3) if run["phase"] == "Failed" else None
            # finishedAt is to the second: the moment this driver saw the verdict (polling every 0.25 s) bounds it above.
            entry["first_canary_response_to_verdict_seen_s"] = round(entry["verdict_seen"] - v["first"], 3)
        # The traffic it was judged on, from the verdict's own counts.
        if tests and tests[0].get("canaryRequests") is not None:
            pass
        for key_c, key_s in (("canaryRequests", "stableRequests"), ("canaryCount", "stableCount"), ("nCanary", "nStable")):
            if tests and key_c in tests[0]:
                span = max(1, entry["measurements"])
                entry["canary_rps"] = round(tests[0][key_c] / span, 1)
                entry["stable_rps"] = round(tests[0][key_s] / span, 1)
                break
        if tests and isinstance(tests[0].get("canary"), (int, float)):
            entry["canary_error_rate"] = tests[0]["canary"]
            entry["stable_error_rate"] = tests[0]["stable"]
        # End the rollout: a failed analysis has aborted it already; otherwise abort it ourselves.
        s = self.status(app)
        if not (s["phase"] == "Degraded"):
            code, answer = self.api.call("POST", f"/api/v1/apps/{app}/{ENVIRONMENT}/rollout/abort", body={})
            entry["aborted_by_driver"] = code
        wait_for(f"{app} canary scaled down",
                 lambda: (lambda st: st["phase"] == "Degraded" and st["observedGeneration"] == st["generation"]
                          and all(rv["role"] == "stable" for rv in st["revisions"]))(self.status(app)), 90, 0.3)
        entry["cycle_s"] = round(time.time() - t_apply, 1)
        with self.analyses_lock:
            n = len([a for a in self.analyses if a.get("outcome")])
        log(f"{app}: analysis {n}: {entry['outcome']} after {entry['looks']} looks ({entry['low_traffic']} low traffic), "
            f"confidence {entry['confidence']}: {entry['summary']}")

    # -------------------------------------------------------------------------------------------------------------

    def stop(self):
        if self.stopped:
            return
        self.stopped = True
        previous = {s: signal.signal(s, lambda *_: log("stopping: wait for the teardown to finish"))
                    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        try:
            self._stop()
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _stop(self):
        report = {}
        for load in self.loads:
            load.close()
        if self.watch:
            self.watch.stop.set()
            self.watch.join(timeout=5)
            self.result["router_watch_errors"] = self.watch.errors
        if self.server and self.server.poll() is None:
            for sig, wait in ((signal.SIGINT, 60), (signal.SIGTERM, 20), (signal.SIGKILL, 20)):
                self.server.send_signal(sig)
                try:
                    report["server_exit"] = self.server.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    log(f"the server did not stop within {wait} s of {sig.name}")
        if os.path.isdir(self.data):
            try:
                down = self.slipway("down", timeout=300)
                report["down"] = (down.stdout + down.stderr).strip()
                if down.returncode != 0:
                    down = self.slipway("down", "--force", timeout=300)
                    report["down_forced"] = (down.stdout + down.stderr).strip()
            except subprocess.TimeoutExpired:
                report["down"] = "timed out"
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
        if hasattr(self, "server_log"):
            self.server_log.close()
            text = read_file(os.path.join(self.work, "server.log")) or ""
            report["server_log_errors"] = [l for l in text.splitlines() if l.startswith(("fail:", "crit:"))][:20]
        shutil.rmtree(self.work, ignore_errors=True)
        self.result["teardown"] = report
        log(f"stopped; left behind: {left or 'nothing'}")


def main():
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    results_path = os.environ.get("RESULTS") or os.path.join(ROOT, "bench", "analysis", "results", f"{stamp}-{MODE}.json")
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    document = {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": commit,
        "machine": {"cores": os.cpu_count(), "uname": os.uname().release},
        "config": {"mode": MODE, "runs": RUNS, "interval": INTERVAL, "window": WINDOW, "min_sample": MIN_SAMPLE,
                   "rate": RATE, "workers": WORKERS, "apps": APPS, "analyses": ANALYSES,
                   "canary_error_rate": CANARY_ERROR_RATE, "stable_error_rate": STABLE_ERROR_RATE,
                   "ports": [API_PORT, ROUTER_PORT, ADMIN_PORT], "template": template_document()},
        "loadavg_before": read_file("/proc/loadavg").strip(),
    }

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    bench = Bench()
    document["result"] = bench.result
    interrupted = False
    try:
        bench.start()
        bench.detect() if MODE == "detect" else bench.judge()
    except KeyboardInterrupt:
        interrupted = True
        bench.result["error"] = "interrupted"
        log("interrupted: stopping what was started")
    except Exception as e:  # noqa: BLE001
        bench.result["error"] = f"{type(e).__name__}: {e}"
        log(f"FAILED: {bench.result['error']}")
    finally:
        bench.stop()
        document["loadavg_after"] = read_file("/proc/loadavg").strip()
        document["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        os.makedirs(os.path.dirname(results_path), exist_ok=True)
        with open(results_path, "w") as f:
            json.dump(document, f, indent=1, default=str)
            f.write("\n")
        print(json.dumps(bench.result.get("summary"), indent=1))
        print(f"load average before {document['loadavg_before']}, after {document['loadavg_after']}")
        print(f"raw numbers: {results_path}")
    return 130 if interrupted else (1 if "error" in bench.result else 0)


if __name__ == "__main__":
    sys.exit(main())
