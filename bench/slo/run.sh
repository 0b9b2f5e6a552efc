#!/usr/bin/env bash
# The cost of SLO burn rates at full size: 30 days of per-minute history per SLO (43,200 rows), 100 app×envs; the
# time to evaluate one SLO (the sums over its windows, in one query, and Core's arithmetic) and to record 5 s of it.
#   bench/slo/run.sh
#   BENCH_TMP=/dev/shm bench/slo/run.sh     # the store on tmpfs: the disk out of the figures
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/slipway-bench-slo-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
cp -r "$here/SloBench" "$tmp/SloBench"
sed -i "s|../../../src/|$(git -C "$here" rev-parse --show-toplevel)/src/|" "$tmp/SloBench/SloBench.csproj"
dotnet build "$tmp/SloBench" -c Release -nologo -v q >/dev/null
dotnet "$tmp/SloBench/bin/Release/net10.0/SloBench.dll"
