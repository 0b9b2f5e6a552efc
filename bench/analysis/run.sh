#!/usr/bin/env bash
# Slipway live-analysis benchmark: how fast a bad canary is rolled back, and how good the statistical judge is.
#
#   bench/analysis/run.sh                                          # detection: 10 runs, router metric every 1s
#   INTERVAL=1m WINDOW=1m RUNS=3 bench/analysis/run.sh             # the anchors' default cadence (Argo, Flagger)
#   MODE=judge CANARY_ERROR_RATE=0.01 ANALYSES=100 bench/analysis/run.sh   # judge A/A: false failures
#   MODE=judge CANARY_ERROR_RATE=0.03 ANALYSES=100 bench/analysis/run.sh   # judge power: 3 % vs 1 % errors
#
# Builds the CLI and the sample service (Release), then runs bench/analysis/analysis.py, which starts
# `slipway server` on a fresh data directory and its own loopback ports (BASE_PORT, +1, +2; default 17570-17572),
# drives the load, measures, and stops everything (also on Ctrl-C). See bench/README.md for every setting.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/bench/analysis"
BUILD="$HERE/.build"
mkdir -p "$BUILD"
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 1; }

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  echo "building slipway and the sample service (Release)" >&2
  for project in src/Slipway.Cli/Slipway.Cli.csproj samples/Slipway.Sample/Slipway.Sample.csproj; do
    dotnet build -c Release -v q -nologo "$ROOT/$project" >"$BUILD/build.log" 2>&1 \
      || { cat "$BUILD/build.log" >&2; exit 1; }
  done
fi
SLIPWAY="$ROOT/src/Slipway.Cli/bin/Release/net10.0/slipway"
SAMPLE="$ROOT/samples/Slipway.Sample/bin/Release/net10.0"
[[ -x "$SLIPWAY" ]] || { echo "$SLIPWAY is missing: build src/Slipway.Cli in Release" >&2; exit 1; }
[[ -f "$SAMPLE/Slipway.Sample.dll" ]] || { echo "$SAMPLE/Slipway.Sample.dll is missing" >&2; exit 1; }

export SLIPWAY SAMPLE
exec python3 "$HERE/analysis.py"
