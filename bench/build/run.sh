#!/usr/bin/env bash
# Edit → slipway build → pushed, for the sample service, cold and warm. See bench/build/README.md.
#
#   bench/build/run.sh                   # 3 cold and 3 warm runs, medians (the figures in README.md)
#   RUNS=1 bench/build/run.sh            # a quick look
#
# Each run is the two commands a developer runs, timed apart and together, in a git copy of samples/Slipway.Sample:
#   dotnet publish -c Release -r linux-x64 --self-contained -p:TargetFramework=net10.0 -o bin/image
#   slipway build --context . --repo 127.0.0.1:$REGISTRY_PORT/sample          (+ --no-cache when cold)
# cold: no bin/ or obj/, the engine's build cache not used (--no-cache), an empty registry;
# warm: one source file of the service changed and committed, then the same two commands.
# A slipway server (data in the work directory) and a docker-registry run on BASE_PORT..BASE_PORT+3 (default
# 18090-18093) for the time of the benchmark; the engine is scripts/docker-engine.sh's (started when not running).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-3}
BASE_PORT=${BASE_PORT:-18090}
registry_port=$BASE_PORT
api=127.0.0.1:$((BASE_PORT + 1))
work=$(mktemp -d /tmp/slipway-build-bench-XXXXXX)
repository=127.0.0.1:$registry_port/sample
registry_pid=
server_pid=
slipway=$repo/src/Slipway.Cli/bin/Release/net10.0/slipway.dll

cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null || true
  [ -d "$work/data" ] && dotnet "$slipway" down --data "$work/data" >/dev/null 2>&1 || true
  remove_images || true
  rm -rf "$work"
}
trap cleanup EXIT

"$repo/scripts/docker-engine.sh" status >/dev/null 2>&1 || "$repo/scripts/docker-engine.sh" start
export SLIPWAY_DOCKER_HOST=${SLIPWAY_DOCKER_HOST:-unix:///var/tmp/slipway-docker/docker.sock}
socket=${SLIPWAY_DOCKER_HOST#unix://}
"$repo/scripts/base-image.sh" debian >/dev/null

echo "building the CLI (Release)…"
dotnet build "$repo/src/Slipway.Cli" -c Release -nologo -v q >/dev/null

# The engine's images of the benchmark's repository (every tag), and every image its builds made that lost its tags to
# a later build, removed through the Engine API (with the steps only they use).
remove_images() {
  curl -fsS --unix-socket "$socket" "http://docker/v1.41/images/json" |
    python3 -c 'import json,sys; print("\n".join(t for i in json.load(sys.stdin) for t in (i.get("RepoTags") or []) if t.startswith(sys.argv[1] + ":")))' "$repository" |
    while read -r tag; do [ -z "$tag" ] || curl -fsS -X DELETE --unix-socket "$socket" "http://docker/v1.41/images/$tag?force=1" >/dev/null; done
  if [ -f "$work/build.log" ]; then
    grep -o 'Successfully built [0-9a-f]*' "$work/build.log" | awk '{print $3}' |
      while read -r id; do curl -sS -X DELETE --unix-socket "$socket" "http://docker/v1.41/images/$id?force=1" >/dev/null || true; done
  fi
}

start_registry() {
  [ -n "$registry_pid" ] && kill "$registry_pid" && wait "$registry_pid" 2>/dev/null || true
  rm -rf "$work/registry"
  mkdir -p "$work/registry"
  printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:%s\n' \
    "$work/registry" "$registry_port" > "$work/registry.yml"
  docker-registry serve "$work/registry.yml" >>"$work/registry.log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$registry_port/v2/" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "docker-registry did not answer on $registry_port" >&2; exit 1
}

# A git copy of the sample: its sources, Dockerfile and .dockerignore, and the repository's build settings.
mkdir -p "$work/sample"
cp "$repo"/samples/Slipway.Sample/*.cs "$repo"/samples/Slipway.Sample/*.csproj "$repo"/samples/Slipway.Sample/Dockerfile \
  "$repo"/samples/Slipway.Sample/.dockerignore "$work/sample/"
cp "$repo"/Directory.Build.props "$repo"/Directory.Packages.props "$work/"
edit() { printf 'namespace Slipway.Sample;\n\n// Changed by bench/build/run.sh for each warm run.\ninternal static class BenchEdit\n{\n    public const string Value = "%s";\n}\n' "$1" > "$work/sample/BenchEdit.cs"; }
edit 0
git -C "$work" init -q -b main
git -C "$work" add -A
git -C "$work" -c user.name=bench -c user.email=bench@localhost commit -q -m "the sample"

start_registry
dotnet "$slipway" server --data "$work/data" --api "$api" --router-listen "127.0.0.1:$((BASE_PORT + 2))" \
  --router-admin "127.0.0.1:$((BASE_PORT + 3))" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do curl -fsS "http://$api/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
export SLIPWAY_SERVER=$api SLIPWAY_DATA=$work/data

now() { date +%s.%N; }
seconds() { python3 -c "print(f'{$2 - $1:.1f}')"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# Each line of slipway build's output with the seconds since the command started, as it was printed.
stamp() { python3 -u -c 'import sys, time
t = time.time()
for line in sys.stdin: print(f"{time.time() - t:8.1f} {line}", end="")'; }

# One run: publish, then build; prints "publish build total steps push" in seconds (steps: until the first push line,
# that is the engine's build steps and the lint; push: from there to the end, every tag pushed and the image recorded).
run() {
  local t0 t1 t2 log=$work/run.log
  t0=$(now)
  (cd "$work/sample" && dotnet publish -c Release -r linux-x64 --self-contained -p:TargetFramework=net10.0 -o bin/image -nologo -v q >>"$work/publish.log")
  t1=$(now)
  (cd "$work/sample" && dotnet "$slipway" build --context . --repo "$repository" "$@" | stamp >"$log") ||
    { echo "slipway build failed:" >&2; tail -20 "$log" >&2; return 1; }
  t2=$(now)
  cat "$log" >>"$work/build.log"
  local push
  push=$(grep -m1 ' The push refers to repository' "$log" | awk '{print $1}')
  echo "$(seconds "$t0" "$t1") $(seconds "$t1" "$t2") $(seconds "$t0" "$t2") $push $(seconds "$push" "$(seconds "$t1" "$t2")")"
}

declare -a cold_publish cold_build cold_total cold_steps cold_push warm_publish warm_build warm_total warm_steps warm_push
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
for i in $(seq "$RUNS"); do
  rm -rf "$work/sample/bin" "$work/sample/obj"
  remove_images
  start_registry
  run --no-cache > "$work/times"
  read -r p b t s u < "$work/times"
  cold_publish+=("$p"); cold_build+=("$b"); cold_total+=("$t"); cold_steps+=("$s"); cold_push+=("$u")
  echo "cold $i: publish ${p} s, slipway build ${b} s (steps ${s} s, push ${u} s), total ${t} s"

  edit "$i"
  git -C "$work" -c user.name=bench -c user.email=bench@localhost commit -q -am "edit $i"
  run > "$work/times"
  read -r p b t s u < "$work/times"
  warm_publish+=("$p"); warm_build+=("$b"); warm_total+=("$t"); warm_steps+=("$s"); warm_push+=("$u")
  echo "warm $i: publish ${p} s, slipway build ${b} s (steps ${s} s, push ${u} s), total ${t} s"
done

image=$(grep ' image: ' "$work/build.log" | tail -1 | awk '{print $3}')
size=$(grep ' size: ' "$work/build.log" | tail -1 | awk '{print $3, $4}')
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "sample image: $size ($image)"
echo "median of $RUNS | publish | slipway build | (steps | push) | total"
echo "cold | $(median "${cold_publish[@]}") s | $(median "${cold_build[@]}") s | $(median "${cold_steps[@]}") s | $(median "${cold_push[@]}") s | $(median "${cold_total[@]}") s"
echo "warm | $(median "${warm_publish[@]}") s | $(median "${warm_build[@]}") s | $(median "${warm_steps[@]}") s | $(median "${warm_push[@]}") s | $(median "${warm_total[@]}") s"
