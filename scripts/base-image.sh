#!/usr/bin/env bash
# Builds the base images Slipway's images start from, on a machine that cannot pull from Docker Hub, and imports them
# into the Docker Engine that scripts/docker-engine.sh runs:
#
#   slipway/debian:bookworm   Debian 12 "minbase" (essential packages and apt), made by debootstrap from the Debian
#                             mirror apt uses. The root filesystem is cached in $cache/debian-bookworm-minbase and
#                             made once; later runs only import it again when the engine lacks the image.
#   slipway/busybox:test      FROM scratch with Debian's static busybox (its httpd applet serves HTTP): a 2 MB image
#                             that starts in milliseconds, for container tests.
#
#   scripts/base-image.sh [all|debian|busybox]       (default: all)
#
# Each image is printed with its digest (the image ID, sha256 of its config), e.g.
#   slipway/debian:bookworm sha256:4f1c…
# A Dockerfile pins a base by that digest with FROM slipway/debian@sha256:… only once the image has been pushed to a
# registry (a pull or push is what gives an engine a repository digest); see docs/build.md.
#
# Environment: SLIPWAY_DOCKER_HOST (unix://PATH; default unix://${SLIPWAY_DOCKER_ROOT:-/var/tmp/slipway-docker}/docker.sock),
# SLIPWAY_BASE_CACHE (default /var/tmp/slipway-base), DEBIAN_MIRROR (default: the first deb.debian.org-style URI apt
# uses). Needs root (debootstrap), debootstrap, busybox-static and curl. The docker CLI is not used: the images are
# imported and built through the Engine API.
set -euo pipefail
cd "$(dirname "$0")/.."

root=${SLIPWAY_DOCKER_ROOT:-/var/tmp/slipway-docker}
host=${SLIPWAY_DOCKER_HOST:-unix://$root/docker.sock}
socket=${host#unix://}
cache=${SLIPWAY_BASE_CACHE:-/var/tmp/slipway-base}
api=http://docker/v1.41
what=${1:-all}

engine() { curl -fsS --unix-socket "$socket" "$@"; }

if ! curl -fsS --max-time 5 --unix-socket "$socket" http://docker/_ping >/dev/null 2>&1; then
  echo "Docker Engine not reachable at $host: start it with scripts/docker-engine.sh start" >&2
  exit 1
fi

# The image ID of NAME, or nothing when the engine does not have it.
image_id() {
  { engine "$api/images/$1/json" 2>/dev/null || true; } | sed -n 's/^{"Id":"\(sha256:[0-9a-f]*\)".*/\1/p'
}

# Fails with the engine's message when a JSON progress stream (build, import) reports an error.
check_stream() {
  local out=$1 what=$2
  if grep -q '"errorDetail"' "$out"; then
    echo "$what failed: $(sed -n 's/.*"error":"\([^"]*\)".*/\1/p' "$out" | tail -n 1)" >&2
    return 1
  fi
}

debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  # The mirror apt is configured with (deb822 or one-line sources), so debootstrap reads what apt-get reads.
  local uri
  uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ && $2 ~ /debian\/?$/ { print $2; exit }')
  [ -n "$uri" ] || uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" && $2 ~ /debian\/?$/ { print $2; exit }')
  echo "${uri:-http://deb.debian.org/debian}"
}

debian() {
  local name=slipway/debian:bookworm id
  id=$(image_id "$name")
  if [ -z "$id" ]; then
    local rootfs=$cache/debian-bookworm-minbase
    if [ ! -f "$rootfs/.slipway-complete" ]; then
      command -v debootstrap >/dev/null || { echo "debootstrap is not installed (apt-get install -y debootstrap)" >&2; exit 1; }
      local mirror
      mirror=$(debian_mirror)
      echo "debootstrap --variant=minbase bookworm from $mirror into $rootfs (once; a few minutes)" >&2
      rm -rf "$rootfs"
      mkdir -p "$rootfs"
      debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
        echo "debootstrap failed; the end of $cache/debootstrap.log:" >&2
        tail -n 20 "$cache/debootstrap.log" >&2
        exit 1
      }
      # What an image does not need: the downloaded packages and the package lists (apt-get update refills them).
      rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log
      touch "$rootfs/.slipway-complete"
    fi
    local out
    out=$(mktemp)
    # numeric owners: files keep their Debian uids and gids whatever this machine's /etc/passwd says.
    tar --numeric-owner --sort=name --exclude=./.slipway-complete -C "$rootfs" -c . |
      engine -X POST -H 'Content-Type: application/x-tar' --data-binary @- \
        "$api/images/create?fromSrc=-&repo=slipway/debian&tag=bookworm&changes=$(urlencode 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')&changes=$(urlencode 'CMD ["bash"]')" >"$out"
    check_stream "$out" "importing $name" || { rm -f "$out"; exit 1; }
    rm -f "$out"
    id=$(image_id "$name")
  fi
  echo "$name $id"
}

busybox() {
  local name=slipway/busybox:test id
  id=$(image_id "$name")
  if [ -z "$id" ]; then
    # A scratch image has no dynamic loader: only a static busybox runs there (a dynamic ELF names its interpreter).
    local bin=/bin/busybox
    if [ ! -x "$bin" ] || grep -qa '/lib64/ld-linux' "$bin"; then
      echo "a static busybox is not installed at $bin (apt-get install -y busybox-static)" >&2
      exit 1
    fi
    local ctx out
    ctx=$(mktemp -d)
    out=$(mktemp)
    cp "$bin" "$ctx/busybox"
    cat >"$ctx/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
# httpd serves /www on $PORT, the port Slipway gives each instance (host networking).
RUN ["/bin/busybox", "sh", "-c", "mkdir -p /www /tmp && echo ok > /www/index.html"]
ENV PATH=/bin
CMD ["sh", "-c", "exec httpd -f -v -p 127.0.0.1:${PORT:-8080} -h /www"]
EOF
    tar -C "$ctx" -c . |
      engine -X POST -H 'Content-Type: application/x-tar' --data-binary @- "$api/build?t=$(urlencode "$name")&rm=1&forcerm=1" >"$out"
    local ok=0
    check_stream "$out" "building $name" || ok=1
    rm -rf "$ctx" "$out"
    [ "$ok" = 0 ] || exit 1
    id=$(image_id "$name")
  fi
  echo "$name $id"
}

urlencode() {
  local s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [a-zA-Z0-9.~_-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  echo "$out"
}

mkdir -p "$cache"
case "$what" in
  all) busybox; debian ;;
  debian) debian ;;
  busybox) busybox ;;
  *) echo "usage: $0 [all|debian|busybox]" >&2; exit 2 ;;
esac
