#!/usr/bin/env bash
# Starts, stops or reports the Docker Engine that Slipway's image tests and the local target's container runtime use.
#
#   scripts/docker-engine.sh start|stop|status
#
# The engine is Debian's dockerd (package docker.io) with everything of its own under one folder,
# ${SLIPWAY_DOCKER_ROOT:-/var/tmp/slipway-docker}: data (root/), runtime state (exec/), pid file, log and the API socket
# ($root/docker.sock). It never touches /var/lib/docker or /var/run/docker.sock, so it can run beside a system engine.
# The flags are the ones that work on this machine class (a container without its own network namespace support or
# iptables): the vfs storage driver, no iptables rules, no bridge; containers use host networking.
#
# start is idempotent (an engine answering on the socket is left as it is) and waits until GET /_ping answers OK.
# stop sends SIGTERM, waits for dockerd (and the containerd it started) to exit, then unmounts whatever is still
# mounted under the folder. status prints where the engine is and exits 0 when it answers, 1 when it does not.
#
# Environment for the tests and the CLI: SLIPWAY_DOCKER_HOST=unix://$root/docker.sock (printed by start and status).
set -euo pipefail

root=${SLIPWAY_DOCKER_ROOT:-/var/tmp/slipway-docker}
socket=$root/docker.sock
pidfile=$root/dockerd.pid
logfile=$root/dockerd.log
start_deadline=${SLIPWAY_DOCKER_START_SECONDS:-90}

ping() {
  [ -S "$socket" ] && curl -fsS --max-time 5 --unix-socket "$socket" http://docker/_ping 2>/dev/null | grep -qx OK
}

dockerd_pid() {
  local pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Mount points under $root, deepest first (containers' shm and the exec root's netns files).
mounts_under_root() {
  awk -v root="$root" '$2 == root || index($2, root "/") == 1 { print $2 }' /proc/self/mounts | sort -r
}

start() {
  if ping; then
    echo "Docker Engine already running: SLIPWAY_DOCKER_HOST=unix://$socket"
    return 0
  fi
  if ! command -v dockerd >/dev/null; then
    echo "dockerd is not installed: install Debian's docker.io package (apt-get install -y docker.io)" >&2
    return 1
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "dockerd needs root: run scripts/docker-engine.sh start as root" >&2
    return 1
  fi
  if pid=$(dockerd_pid); then
    echo "dockerd (pid $pid) is running but does not answer on $socket: stopping it first" >&2
    stop
  fi

  mkdir -p "$root/root" "$root/exec"
  rm -f "$socket"
  # setsid: the engine outlives this script and the shell that ran it; its containers must keep running when a test
  # run or a controller ends.
  setsid dockerd \
    --storage-driver=vfs --iptables=false --bridge=none \
    --data-root "$root/root" --exec-root "$root/exec" --pidfile "$pidfile" \
    -H "unix://$socket" \
    >>"$logfile" 2>&1 </dev/null &

  local waited=0
  until ping; do
    if ! kill -0 $! 2>/dev/null; then
      echo "dockerd exited while starting; the end of its log ($logfile):" >&2
      tail -n 20 "$logfile" >&2
      return 1
    fi
    if [ "$waited" -ge $((start_deadline * 5)) ]; then
      echo "dockerd did not answer on $socket within ${start_deadline}s; the end of its log ($logfile):" >&2
      tail -n 20 "$logfile" >&2
      return 1
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  echo "Docker Engine running: SLIPWAY_DOCKER_HOST=unix://$socket"
}

stop() {
  local pid waited=0
  if pid=$(dockerd_pid); then
    kill -TERM "$pid"
    # dockerd stops its containerd and gives running containers their stop timeout: allow for both.
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$waited" -ge 300 ]; then
        echo "dockerd (pid $pid) did not exit within 60s of SIGTERM: killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.2
      waited=$((waited + 1))
    done
  fi
  # A containerd left behind by a killed dockerd holds the exec root; only the one under this root is ours.
  local cpid
  if [ -f "$root/exec/containerd/containerd.pid" ]; then
    cpid=$(cat "$root/exec/containerd/containerd.pid" 2>/dev/null || true)
    if [ -n "$cpid" ] && kill -0 "$cpid" 2>/dev/null; then
      kill -TERM "$cpid" 2>/dev/null || true
    fi
  fi
  local m
  for m in $(mounts_under_root); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || echo "could not unmount $m" >&2
  done
  rm -f "$socket" "$pidfile"
  echo "Docker Engine stopped ($root)"
}

status() {
  if ping; then
    local version
    version=$(curl -fsS --max-time 5 --unix-socket "$socket" http://docker/version | sed -n 's/.*"ApiVersion":"\([^"]*\)".*/\1/p')
    echo "Docker Engine running (API $version): SLIPWAY_DOCKER_HOST=unix://$socket"
    return 0
  fi
  echo "Docker Engine not running at unix://$socket (start it with scripts/docker-engine.sh start)"
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status   (data under \${SLIPWAY_DOCKER_ROOT:-/var/tmp/slipway-docker})" >&2
    exit 2
    ;;
esac
