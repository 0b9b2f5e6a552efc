#!/usr/bin/env bash
# Runs every test of Slipway: unit, integration (real processes, real HTTP on loopback) and
# end-to-end (the real slipway server, router and sample service under load).
# Test assemblies run one after the other (-m:1): the end-to-end ones start many processes and
# this machine class has 2 cores.
set -uo pipefail
cd "$(dirname "$0")"
config=${CONFIGURATION:-Release}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The Docker Engine the image tests use: SLIPWAY_DOCKER_HOST when set, else the one scripts/docker-engine.sh runs
# (started here when it is not running, and then stopped at the end; .ci/run starts and stops its own). Without an
# engine the tests that need one fail, saying how to start it.
if [ -z "${SLIPWAY_DOCKER_HOST:-}" ]; then
  export SLIPWAY_DOCKER_ROOT=${SLIPWAY_DOCKER_ROOT:-/var/tmp/slipway-docker}
  export SLIPWAY_DOCKER_HOST=unix://$SLIPWAY_DOCKER_ROOT/docker.sock
  if ! scripts/docker-engine.sh status >/dev/null 2>&1; then
    if scripts/docker-engine.sh start; then
      trap 'rm -f "$log"; scripts/docker-engine.sh stop' EXIT
    else
      echo "warning: no Docker Engine: the image tests will fail (scripts/docker-engine.sh start needs root and docker.io)" >&2
    fi
  fi
fi
scripts/base-image.sh || echo "warning: the base images were not made: the image tests will fail (see scripts/base-image.sh)" >&2

dotnet build Slipway.sln -c "$config" -nologo -v q || exit 1
dotnet test Slipway.sln -c "$config" --no-build -nologo -m:1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One closing line over all assemblies, in the plain form CI reads.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
