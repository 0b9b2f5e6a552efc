#!/usr/bin/env bash
# Slipway router vs nginx as a reverse proxy, same backend, same load, interleaved rounds.
#
#   sudo bench/router/run.sh                     # 3 rounds × 15 s per target
#   ROUNDS=1 DURATION=5s bench/router/run.sh     # quick look
#   ROUTER_ARGS=--inline-scheduling bench/router/run.sh   # extra options for `slipway router`
#   BEFORE=144503e bench/router/run.sh           # also the router of an older commit, in the same rounds
#
# Backend: an nginx instance (1 worker) answering a fixed 13-byte body on its own port, so the backend costs
# as little CPU as possible and is identical for every target. Targets:
#   direct  — wrk → backend
#   nginx   — wrk → nginx reverse proxy (upstream keepalive, JSON access log to a file, buffered)
#   slipway — wrk → `slipway router` (the CLI built in Release, as the server starts it; JSON access log to a file)
#   before  — with BEFORE=<git rev>: the same, built from that commit (exported with `git archive` into the
#             temporary directory and built there in Release), so one run compares the router before and after a change
# Both proxies set X-Forwarded-For/-Host/-Proto and X-Request-ID and write one JSON access log line per request.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${DURATION:-15s}"
ROUNDS="${ROUNDS:-3}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
BACKEND_PORT=18080
NGINX_PORT=18081
SLIPWAY_PORT=18082
SLIPWAY_ADMIN_PORT=18083
BEFORE_PORT=18084
BEFORE_ADMIN_PORT=18085
BEFORE="${BEFORE:-}"

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2"
    apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
  fi
}
need nginx nginx
need wrk wrk
need curl curl

WORK="$(mktemp -d /tmp/slipway-router-bench.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

for port in $BACKEND_PORT $NGINX_PORT $SLIPWAY_PORT $SLIPWAY_ADMIN_PORT $BEFORE_PORT $BEFORE_ADMIN_PORT; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
    echo "port $port is already in use" >&2
    exit 1
  fi
done

echo "building slipway (Release)"
dotnet build -c Release -v q -nologo "$ROOT/src/Slipway.Cli/Slipway.Cli.csproj" >"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log"; exit 1; }
SLIPWAY_DLL="$ROOT/src/Slipway.Cli/bin/Release/net10.0/slipway.dll"

if [ -n "$BEFORE" ]; then
  BEFORE_REV="$(git -C "$ROOT" rev-parse --short "$BEFORE^{commit}")"
  echo "building slipway at $BEFORE_REV (Release) for the 'before' target"
  mkdir -p "$WORK/before"
  git -C "$ROOT" archive "$BEFORE_REV" | tar -x -C "$WORK/before"
  dotnet build -c Release -v q -nologo "$WORK/before/src/Slipway.Cli/Slipway.Cli.csproj" >"$WORK/before-build.log" 2>&1 \
    || { cat "$WORK/before-build.log"; exit 1; }
  BEFORE_DLL="$WORK/before/src/Slipway.Cli/bin/Release/net10.0/slipway.dll"
fi

mkdir -p "$WORK/backend" "$WORK/nginx"
nginx_common() {
  cat <<CONF
daemon off;
master_process on;
user root;
error_log $1/error.log warn;
pid $1/nginx.pid;
events { worker_connections 4096; }
CONF
}
temp_paths() {
  cat <<CONF
    client_body_temp_path $1/client_body;
    proxy_temp_path $1/proxy;
    fastcgi_temp_path $1/fastcgi;
    uwsgi_temp_path $1/uwsgi;
    scgi_temp_path $1/scgi;
CONF
}

{
  nginx_common "$WORK/backend"
  cat <<CONF
worker_processes 1;
http {
$(temp_paths "$WORK/backend")
    access_log off;
    keepalive_requests 10000000;
    server {
        listen 127.0.0.1:$BACKEND_PORT;
        location / { default_type text/plain; return 200 "hello, world\n"; }
    }
}
CONF
} >"$WORK/backend/nginx.conf"

{
  nginx_common "$WORK/nginx"
  cat <<CONF
worker_processes auto;
http {
$(temp_paths "$WORK/nginx")
    log_format json escape=json '{"time":"\$time_iso8601","requestId":"\$request_id","method":"\$request_method",'
        '"host":"\$host","path":"\$uri","status":\$status,"durationMs":\$request_time,'
        '"upstream":"\$upstream_addr","bytesSent":\$body_bytes_sent}';
    access_log $WORK/nginx/access.log json buffer=64k flush=1s;
    keepalive_requests 10000000;
    upstream backend {
        server 127.0.0.1:$BACKEND_PORT;
        keepalive 128;
        keepalive_requests 10000000;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Host \$host;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Request-ID \$request_id;
        }
    }
}
CONF
} >"$WORK/nginx/nginx.conf"

cat >"$WORK/router.json" <<CONF
{"version":1,"routes":[{"id":"bench/prod","app":"bench","environment":"prod","host":null,"pathPrefix":"/",
 "backends":[{"revision":"1","weight":100,"endpoints":["127.0.0.1:$BACKEND_PORT"]}]}]}
CONF

nginx -p "$WORK/backend" -c "$WORK/backend/nginx.conf" &
PIDS+=($!)
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=($!)
NGINX_MASTER=$!
declare -A PROXY_PID
# The environment the server gives the router it starts (RouterHost.ProcessEnvironment).
start_router() { # name dll port admin-port
  DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x4000000}" \
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS="${DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS:-1}" \
    dotnet "$2" router \
    --config "$WORK/router.json" --listen "127.0.0.1:$3" --admin "127.0.0.1:$4" \
    --access-log "$WORK/$1-access.log" ${ROUTER_ARGS:-} 2>"$WORK/$1.log" &
  PIDS+=($!)
  PROXY_PID[$1]=$!
}
start_router slipway "$SLIPWAY_DLL" $SLIPWAY_PORT $SLIPWAY_ADMIN_PORT
if [ -n "$BEFORE" ]; then
  start_router before "$BEFORE_DLL" $BEFORE_PORT $BEFORE_ADMIN_PORT
fi

wait_up() {
  for _ in $(seq 1 600); do
    if curl -sf -o /dev/null "$1"; then return 0; fi
    sleep 0.05
  done
  echo "$1 did not come up" >&2
  cat "$WORK/slipway.log" "$WORK/before.log" >&2 2>/dev/null || true
  exit 1
}
wait_up "http://127.0.0.1:$BACKEND_PORT/"
wait_up "http://127.0.0.1:$NGINX_PORT/"
wait_up "http://127.0.0.1:$SLIPWAY_PORT/"
[ -z "$BEFORE" ] || wait_up "http://127.0.0.1:$BEFORE_PORT/"

declare -A URL=(
  [direct]="http://127.0.0.1:$BACKEND_PORT/"
  [nginx]="http://127.0.0.1:$NGINX_PORT/"
  [slipway]="http://127.0.0.1:$SLIPWAY_PORT/"
  [before]="http://127.0.0.1:$BEFORE_PORT/"
)
TARGETS=(direct nginx)
[ -z "$BEFORE" ] || TARGETS+=(before)
TARGETS+=(slipway)

# wrk output → "rps p50_ms p99_ms"
parse() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000;
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0;
      if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000;
      return v + 0;
    }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    / requests in / { requests = $1 }
    /Non-2xx or 3xx responses/ { bad = $NF }
    /Socket errors/ { errors = $0 }
    END { printf "%.0f %.3f %.3f %s %d\n", rps, p50, p99, (bad == "" ? 0 : bad), requests }
  ' "$1"
}

# Slipway is a long-lived .NET process: its JIT recompiles hot code with profile data during the first seconds
# under load, which on 2 busy cores takes a while. Warm it up for 20 s (others 5 s) so the rounds measure the
# steady state.
echo "warming up (JIT, connection pools): 5 s direct, 5 s nginx, 20 s each Slipway router"
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "${URL[direct]}" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "${URL[nginx]}" >/dev/null
[ -z "$BEFORE" ] || wrk -t"$THREADS" -c"$CONNECTIONS" -d20s "${URL[before]}" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d20s "${URL[slipway]}" >/dev/null

# CPU time the proxy under test spent per request (user + system, from /proc/<pid>/stat over the round): unlike
# req/s, it hardly moves when other work shares the machine. nginx counts its master and workers; direct has none.
proxy_pids() {
  case "$1" in
    nginx) echo "$NGINX_MASTER $(pgrep -P "$NGINX_MASTER" | tr '\n' ' ')" ;;
    slipway | before) echo "${PROXY_PID[$1]}" ;;
  esac
}
cpu_ticks() { # pids...
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  echo "$total"
}
TICKS_PER_SECOND=$(getconf CLK_TCK)

CMD="wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
echo "command: $CMD <url>; $ROUNDS interleaved rounds; $(nproc) cores shared by wrk, proxy and backend"
for r in $(seq 1 "$ROUNDS"); do
  for t in "${TARGETS[@]}"; do
    pids=$(proxy_pids "$t")
    # shellcheck disable=SC2086 # a list of pids
    [ -z "$pids" ] || ticks_before=$(cpu_ticks $pids)
    $CMD "${URL[$t]}" >"$WORK/$t.$r.txt"
    # shellcheck disable=SC2086
    [ -z "$pids" ] || ticks=$(($(cpu_ticks $pids) - ticks_before))
    read -r rps p50 p99 bad requests <<<"$(parse "$WORK/$t.$r.txt")"
    cpu=$([ -z "$pids" ] && echo "-" || awk -v t="$ticks" -v hz="$TICKS_PER_SECOND" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
    printf 'round %d  %-8s %10s req/s   p50 %7s ms   p99 %7s ms   cpu %6s us/req   non-2xx %s\n' "$r" "$t" "$rps" "$p50" "$p99" "$cpu" "$bad"
    echo "$t $rps $p50 $p99 $cpu" >>"$WORK/results.txt"
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "medians over $ROUNDS rounds:"
printf '%-8s %12s %10s %10s %12s\n' target "req/s" "p50 ms" "p99 ms" "cpu us/req"
declare -A RPS P99 CPU
for t in "${TARGETS[@]}"; do
  RPS[$t]=$(awk -v t="$t" '$1 == t { print $2 }' "$WORK/results.txt" | median)
  p50=$(awk -v t="$t" '$1 == t { print $3 }' "$WORK/results.txt" | median)
  P99[$t]=$(awk -v t="$t" '$1 == t { print $4 }' "$WORK/results.txt" | median)
  CPU[$t]=$(awk -v t="$t" '$1 == t && $5 != "-" { print $5 }' "$WORK/results.txt" | median)
  printf '%-8s %12.0f %10.3f %10.3f %12s\n' "$t" "${RPS[$t]}" "$p50" "${P99[$t]}" "${CPU[$t]:--}"
done
awk -v s="${RPS[slipway]}" -v n="${RPS[nginx]}" -v sp="${P99[slipway]}" -v np="${P99[nginx]}" -v sc="${CPU[slipway]}" -v nc="${CPU[nginx]}" \
  'BEGIN { printf "slipway/nginx throughput ratio: %.2f   p99 difference: %+.3f ms   cpu per request ratio: %.2f\n", s / n, sp - np, sc / nc }'
if [ -n "$BEFORE" ]; then
  awk -v b="${RPS[before]}" -v n="${RPS[nginx]}" -v bp="${P99[before]}" -v np="${P99[nginx]}" -v bc="${CPU[before]}" -v nc="${CPU[nginx]}" \
    'BEGIN { printf "before/nginx  throughput ratio: %.2f   p99 difference: %+.3f ms   cpu per request ratio: %.2f\n", b / n, bp - np, bc / nc }'
  awk -v s="${RPS[slipway]}" -v b="${RPS[before]}" -v sp="${P99[slipway]}" -v bp="${P99[before]}" -v rev="$BEFORE_REV" \
    -v sc="${CPU[slipway]}" -v bc="${CPU[before]}" \
    'BEGIN { printf "slipway/before (%s) throughput ratio: %.2f   p99 difference: %+.3f ms   cpu per request ratio: %.2f\n", rev, s / b, sp - bp, sc / bc }'
  printf 'per round, slipway/before:'
  awk '$1 == "slipway" { s[++i] = $2 } $1 == "before" { b[++j] = $2 } END { for (r = 1; r <= i; r++) printf " %.2f", s[r] / b[r]; print "" }' \
    "$WORK/results.txt"
fi
access_lines="slipway $(wc -l <"$WORK/slipway-access.log"), nginx $(wc -l <"$WORK/nginx/access.log" 2>/dev/null || echo 0)"
[ -z "$BEFORE" ] || access_lines="$access_lines, before $(wc -l <"$WORK/before-access.log")"
echo "access log lines: $access_lines"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
