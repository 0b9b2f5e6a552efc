#!/usr/bin/env bash
# The cost of the event retention: the time to save a rollout status with one event (one transaction), with the store
# of BASE (default: the commit before the retention) and with the store of this tree, in one run.
#   bench/store/run.sh
#   BASE=<commit> bench/store/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
base=${BASE:-$(git -C "$repo" log --format=%H -1 --grep='events kept per app×env')~1}
tmp=$(mktemp -d /tmp/slipway-bench-store-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

mkdir -p "$tmp/base"
git -C "$repo" archive "$base" src/Slipway.Core src/Slipway.Store Directory.Build.props Directory.Packages.props | tar -x -C "$tmp/base"

run() {
    local name=$1 store=$2
    cp -r "$here/EventBench" "$tmp/bench-$name"
    dotnet build "$tmp/bench-$name" -c Release -nologo -v q -p:StoreProject="$store" >/dev/null
    printf '%-8s %s\n' "$name" "$(dotnet "$tmp/bench-$name/bin/Release/net10.0/EventBench.dll")"
}

echo "base: $(git -C "$repo" log --format='%h %s' -1 "$base" | cut -c1-100)"
echo "this: $(git -C "$repo" log --format='%h %s' -1 HEAD | cut -c1-100)"
# Interleaved, twice each: the machine is shared, and the second run of each shows how much the figures move.
run base "$tmp/base/src/Slipway.Store/Slipway.Store.csproj"
run this "$repo/src/Slipway.Store/Slipway.Store.csproj"
rm -rf "$tmp/bench-base" "$tmp/bench-this"
run base "$tmp/base/src/Slipway.Store/Slipway.Store.csproj"
run this "$repo/src/Slipway.Store/Slipway.Store.csproj"
