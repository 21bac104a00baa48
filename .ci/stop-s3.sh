#!/usr/bin/env bash
# Stops the radosgw started by .ci/start-s3.sh: gateway, OSD, monitor, each by its pid file.
# Leaves S3_RUN_DIR (logs) in place; start-s3.sh clears it before the next start.
set -uo pipefail

RUN_DIR="${S3_RUN_DIR:-/tmp/xz-s3}"
PID_DIR="$RUN_DIR/run"
[ -d "$PID_DIR" ] || { echo "stop-s3: nothing to stop in $RUN_DIR"; exit 0; }

# stop_pid_file FILE COMMAND: stops the pid in FILE only if it still runs COMMAND (a stale pid file after a
# reboot may name an unrelated process).
stop_pid_file() {
  local file="$1" command="$2" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$command" ]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    echo "stop-s3: stopped $(basename "$file" .pid) (pid $pid)"
  fi
  rm -f "$file"
}

# Gateway first, monitor last, so nothing is left waiting on a vanished monitor.
stop_pid_file "$PID_DIR/client.rgw.a.pid" radosgw
for f in "$PID_DIR"/osd.*.pid; do stop_pid_file "$f" ceph-osd; done
stop_pid_file "$PID_DIR/mon.a.pid" ceph-mon
exit 0
