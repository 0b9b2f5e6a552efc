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

dotnet build Slipway.sln -c "$config" -nologo -v q || exit 1
dotnet test Slipway.sln -c "$config" --no-build -nologo -m:1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One closing line over all assemblies, in the plain form CI reads.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
