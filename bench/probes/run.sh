#!/usr/bin/env bash
# What probing costs the process that probes: N instances, each with an httpGet readiness probe at a 10 s period
# against its own port of a light HTTP server (nginx, 1 worker, `return 200`), before and after the probe change,
# interleaved rounds in one run.
#
#   bench/probes/run.sh                              # 3 rounds × 60 s windows, 1,000 instances (what README figures used)
#   ROUNDS=1 WINDOW=30 INSTANCES=200 bench/probes/run.sh   # quick look
#   BEFORE=<commit> bench/probes/run.sh              # another baseline (default: the commit before the change)
#   EXTRA="name=/path/to/tree …" bench/probes/run.sh # more builds in the rotation (trees with src/Slipway.Local)
#
# "before" is Slipway.Local at $BEFORE (a new TCP connection per probe, `Connection: close`, and probes of instances
# started or adopted together in lockstep); "after" is the working tree (one kept-alive connection per instance, a
# random phase and ±5 % jitter per check). The same driver (bench/probes/ProbeBench, public API only) is built against
# each. Each run: `ProbeBench start` spawns the instances (`sleep infinity`, each probing port FIRST_PORT + i) and waits
# until all are ready; `ProbeBench measure`, a new process, adopts them all at once as a restarted server does, waits
# SETTLE s, then measures WINDOW s: its own CPU time, nginx's worker CPU, requests and accepted connections (from
# nginx's stub_status), the most probes nginx logged in any 100 ms, and how busy the machine was. Then it stops them.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BEFORE="${BEFORE:-144503e}"
INSTANCES="${INSTANCES:-1000}"
PERIOD="${PERIOD:-10}"
SETTLE="${SETTLE:-30}"   # lets the JIT finish compiling the hot paths of the new process before the window
WINDOW="${WINDOW:-60}"
ROUNDS="${ROUNDS:-3}"
# Above the kernel's ephemeral range (32768-60999 by default) and away from Slipway's instance ports (20000-29999), which
# other servers on the machine may use. The driver gives its instances ports 64000-65499 (unused: they run `sleep`).
FIRST_PORT="${FIRST_PORT:-62000}"   # nginx listens on FIRST_PORT … FIRST_PORT + INSTANCES - 1
STATUS_PORT="${STATUS_PORT:-63900}"

if [ "$INSTANCES" -gt 1000 ]; then
  echo "at most 1000 instances" >&2
  exit 2
fi

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2"
    apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
  fi
}
need nginx nginx
need curl curl

WORK="$(mktemp -d /tmp/slipway-probe-bench.XXXXXX)"
NGINX_PID=""
cleanup() {
  # Instances left by an interrupted run: every instance is its own process group, recorded with its pid.
  for pid in $(cat "$WORK"/data-*/supervisor/instances/*.json 2>/dev/null | grep -o '"pid": *[0-9]*' | grep -o '[0-9]*$'); do
    [ "$pid" -gt 0 ] && kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [ -n "$NGINX_PID" ]; then
    kill "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM


echo "building the driver against $BEFORE (before) and the working tree (after)${EXTRA:+, and $EXTRA}"
mkdir -p "$WORK/trees/before"
git -C "$ROOT" archive "$BEFORE" | tar -x -C "$WORK/trees/before"
declare -A TREE=([before]="$WORK/trees/before" [after]="$ROOT")
BUILDS=(before after)
for extra in ${EXTRA:-}; do
  TREE[${extra%%=*}]="${extra#*=}"
  BUILDS+=("${extra%%=*}")
done
declare -A DRIVER=()
for build in "${BUILDS[@]}"; do
  tree="${TREE[$build]}"
  project="$tree/bench/probes/ProbeBench"
  if [ "$tree" != "$ROOT" ]; then
    # The same driver source for every build.
    project="$WORK/drivers/$build/bench/probes/ProbeBench"
    mkdir -p "$(dirname "$project")"
    cp -r "$ROOT/bench/probes/ProbeBench" "$project"
    rm -rf "$project/bin" "$project/obj"
    sed -i "s|../../../src/Slipway.Local/Slipway.Local.csproj|$tree/src/Slipway.Local/Slipway.Local.csproj|" "$project/ProbeBench.csproj"
    cp "$tree/Directory.Build.props" "$tree/Directory.Packages.props" "$WORK/drivers/$build/"
  fi
  dotnet build -c Release -v q -nologo "$project/ProbeBench.csproj" >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }
  DRIVER[$build]="$project/bin/Release/net10.0/ProbeBench.dll"
done

mkdir -p "$WORK/nginx"
{
  echo "worker_processes 1;"
  echo "worker_rlimit_nofile 16384;"
  echo "daemon off;"
  echo "pid $WORK/nginx/nginx.pid;"
  echo "error_log $WORK/nginx/error.log warn;"
  echo "events { worker_connections 8192; }"
  echo "http {"
  echo "  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy; fastcgi_temp_path $WORK/nginx/fastcgi;"
  echo "  uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;"
  echo "  log_format probe '\$msec \$connection \$connection_requests';"
  echo "  server {"
  for ((i = 0; i < INSTANCES; i++)); do echo "    listen 127.0.0.1:$((FIRST_PORT + i));"; done
  echo "    access_log $WORK/nginx/access.log probe buffer=64k flush=1s;"
  echo "    location = /healthz { return 200 \"ok\\n\"; }"
  echo "  }"
  echo "  server { listen 127.0.0.1:$STATUS_PORT; access_log off; location = /status { stub_status; } }"
  echo "}"
} >"$WORK/nginx/nginx.conf"
nginx -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$STATUS_PORT/status" && break
  sleep 0.1
done
WORKER_PID="$(pgrep -P "$NGINX_PID" | head -1 || true)"
# nginx exits when one of its ports is taken: the error log says which.
[ -n "$WORKER_PID" ] || { echo "nginx did not start"; cat "$WORK/nginx/error.log"; exit 1; }

echo "machine: $(nproc) cores; before the run: $(uptime)"
RESULTS="$WORK/results.jsonl"
for ((round = 1; round <= ROUNDS; round++)); do
  # Alternate the order, so that a machine growing busier or quieter does not favour one build.
  order=("${BUILDS[@]}")
  if ((round % 2 == 0)); then
    for ((i = 0; i < ${#BUILDS[@]}; i++)); do order[i]="${BUILDS[${#BUILDS[@]} - 1 - i]}"; done
  fi
  for build in "${order[@]}"; do
    data="$WORK/data-$build"
    rm -rf "$data"
    echo "round $round, $build: $(dotnet "${DRIVER[$build]}" start "$data" "$INSTANCES" "$FIRST_PORT" "$PERIOD")"
    dotnet "${DRIVER[$build]}" measure "$data" "$SETTLE" "$WINDOW" "http://127.0.0.1:$STATUS_PORT/status" \
      "$WORKER_PID" "$WORK/nginx/access.log" "$build" "$round" | tee -a "$RESULTS"
    rm -rf "$data"
  done
done
echo "after the run: $(uptime)"
echo
dotnet "${DRIVER[after]}" summarize "$RESULTS"
