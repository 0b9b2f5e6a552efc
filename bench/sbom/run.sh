#!/bin/sh
# SBOM and vulnerability scan of this machine as one image layer. See bench/sbom/README.md.
#   bench/sbom/run.sh                      # /etc, the dpkg database, Python's dist-packages and the .NET SDK; 30,000 advisories
#   PATHS="/etc /var/lib/dpkg" ADVISORIES=1000 bench/sbom/run.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/slipway-sbom-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
PATHS=${PATHS:-"/etc /var/lib/dpkg /usr/lib/python3 /usr/share/dotnet"}
ADVISORIES=${ADVISORIES:-30000}

# shellcheck disable=SC2086
tar -cf - $PATHS 2>/dev/null | gzip -1 > "$work/layer.tar.gz" || true
echo "layer: $(stat -c %s "$work/layer.tar.gz") bytes gzipped, $(gzip -dc "$work/layer.tar.gz" | wc -c) bytes of tar"

# Synthetic Debian 12 advisories: a third name this machine's source packages, the rest other names.
python3 - "$work/osv.zip" "$ADVISORIES" <<'PY'
import json, random, subprocess, sys, zipfile
random.seed(1)
sources = sorted(set(subprocess.run(["dpkg-query", "-W", "-f", "${source:Package}\n"], capture_output=True, text=True).stdout.split()))
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(int(sys.argv[2])):
        name = random.choice(sources) if i % 3 == 0 else f"pkg{i}"
        advisory = {"id": f"DEBIAN-CVE-2026-{i:05d}", "modified": "2026-10-01T00:00:00Z",
                    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
                    "affected": [{"package": {"ecosystem": "Debian:12", "name": name},
                                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": random.choice(["0.1-1", "99:1.0-1", "1.0-1"])}]}]}]}
        z.writestr(advisory["id"] + ".json", json.dumps(advisory, indent=2))
PY

cd "$here" && dotnet run SbomBench.cs -c Release -- "$work/layer.tar.gz" "$work/osv.zip"
