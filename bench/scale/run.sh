#!/usr/bin/env bash
# Slipway scale benchmark: 100, 300 and 1,000 apps of a light test service on one `slipway server`.
#
#   NICE=-10 bench/scale/run.sh                                  # SIZES="100 300 1000", probes every 10 s (bench/README.md)
#   NICE=-10 PROBE_PERIOD=2 SIZES="200 400" bench/scale/run.sh   # the configuration of issue 9's table
#   SIZES=50 IDLE_SECONDS=10 CHANGES=3 bench/scale/run.sh        # quick look
#
# NICE (root) raises the priority of the server, the router and the driver, so that on a machine shared with builds
# the figures measure Slipway rather than the queue for a CPU; bench/README.md says why and how.
#
# Builds the CLI (Release) and the test service (bench/scale/lightsvc.c, cached in bench/scale/.build/), then runs
# bench/scale/scale.py, which starts and stops everything itself (see its docstring and bench/README.md for every
# setting). Raw numbers go to bench/scale/results/<time>.json (or $RESULTS); the table is printed at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/bench/scale"
BUILD="$HERE/.build"
mkdir -p "$BUILD"

command -v gcc >/dev/null || { echo "gcc is needed to build the test service (apt-get install gcc)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 1; }

# The test service, rebuilt only when its source changes.
hash="$(sha256sum "$HERE/lightsvc.c" | cut -c1-16)"
LIGHTSVC="$BUILD/lightsvc-$hash"
if [[ ! -x "$LIGHTSVC" ]]; then
  echo "building the test service (lightsvc)" >&2
  gcc -O2 -Wall -Wextra -Werror -o "$LIGHTSVC.tmp" "$HERE/lightsvc.c"
  mv "$LIGHTSVC.tmp" "$LIGHTSVC"
fi

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  echo "building slipway (Release)" >&2
  dotnet build -c Release -v q -nologo "$ROOT/src/Slipway.Cli/Slipway.Cli.csproj" >"$BUILD/build.log" 2>&1 \
    || { cat "$BUILD/build.log" >&2; exit 1; }
fi
SLIPWAY="$ROOT/src/Slipway.Cli/bin/Release/net10.0/slipway"
[[ -x "$SLIPWAY" ]] || { echo "$SLIPWAY is missing: build src/Slipway.Cli in Release" >&2; exit 1; }

export SLIPWAY LIGHTSVC
if [[ -n "${NICE:-}" ]]; then
  # Everything the benchmark starts (server, router, instances, CLI, the driver) inherits the priority: on a machine
  # shared with builds, a starved server does less work and its idle CPU would read lower than it is.
  exec nice -n "$NICE" python3 "$HERE/scale.py"
fi
exec python3 "$HERE/scale.py"
