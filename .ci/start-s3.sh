#!/usr/bin/env bash
# Starts a single-node, in-memory Ceph RADOS Gateway on 127.0.0.1:7480 as the S3 server for the e2e suite
# (MinIO's server is not packaged for Debian; s3rver is not faithful -- see /work/shared/SERVICES.md).
# Access key / secret: minioadmin / minioadmin. Everything lives under S3_RUN_DIR (default /tmp/xz-s3).
# Idempotent: does nothing when something already answers on the endpoint. Stop with .ci/stop-s3.sh.
set -euo pipefail

RUN_DIR="${S3_RUN_DIR:-/tmp/xz-s3}"
HOST=127.0.0.1
PORT=7480
ENDPOINT="http://${HOST}:${PORT}/"
ACCESS_KEY=minioadmin
SECRET_KEY=minioadmin
TIMEOUT_SECONDS="${S3_START_TIMEOUT:-90}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if curl -sf -m 3 -o /dev/null "$ENDPOINT"; then
  echo "start-s3: S3 already answers on $ENDPOINT"
  exit 0
fi

# Install the Ceph pieces only when missing, so repeated CI runs stay fast.
missing=()
for pkg in radosgw ceph-mon ceph-osd uuid-runtime curl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "start-s3: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Nothing answers: clear what a previous (crashed or stopped) run left behind. memstore keeps no data anyway.
case "$RUN_DIR" in
  "" | "/" | "/tmp" | "/tmp/") echo "start-s3: refusing S3_RUN_DIR=$RUN_DIR" >&2; exit 2 ;;
esac
S3_RUN_DIR="$RUN_DIR" "$HERE/stop-s3.sh" >/dev/null 2>&1 || true
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"/{run,log,mon,osd}
export CEPH_CONF="$RUN_DIR/ceph.conf"

FSID="$(uuidgen)"
cat >"$CEPH_CONF" <<EOF
[global]
fsid = $FSID
mon initial members = a
mon host = v2:${HOST}:3300
public addr = ${HOST}
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
osd crush chooseleaf type = 0
run dir = $RUN_DIR/run
log file = $RUN_DIR/log/\$name.log
pid file = $RUN_DIR/run/\$name.pid
admin socket = $RUN_DIR/run/\$name.asok
keyring = $RUN_DIR/keyring
mon data = $RUN_DIR/mon/\$cluster-\$id
osd data = $RUN_DIR/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = 6442450944
osd max object size = 134217728

[client.rgw.a]
rgw frontends = beast endpoint=${HOST}:${PORT}
rgw gc obj min wait = 0
rgw gc processor period = 5
# Without these radosgw loops forever on "get_initial_auth_request returned -13".
ms mon client mode = crc secure
ms client mode = crc secure
EOF

deadline=$((SECONDS + TIMEOUT_SECONDS))
fail() {
  echo "start-s3: $1" >&2
  for f in "$RUN_DIR"/log/*.log; do
    [ -f "$f" ] || continue
    echo "----- $f (last 40 lines)" >&2
    tail -n 40 "$f" >&2
  done
  exit 1
}
# wait_for DESCRIPTION COMMAND...: polls until COMMAND succeeds or the overall deadline passes.
wait_for() {
  local what="$1"; shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "timed out after ${TIMEOUT_SECONDS}s waiting for $what"
    sleep 1
  done
}

# The monitor.
ceph-authtool --create-keyring "$RUN_DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$RUN_DIR/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
  --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
monmaptool --create --fsid "$FSID" --addv a "[v2:${HOST}:3300]" "$RUN_DIR/monmap" >/dev/null
ceph-mon --mkfs -i a --monmap "$RUN_DIR/monmap" --keyring "$RUN_DIR/keyring" || fail "ceph-mon --mkfs failed"
ceph-mon -i a || fail "ceph-mon did not start"
wait_for "the monitor" ceph --connect-timeout 5 mon stat

# One OSD on memstore.
OSD_UUID="$(uuidgen)"
OSD_ID="$(ceph --connect-timeout 10 osd new "$OSD_UUID")" || fail "ceph osd new failed"
mkdir -p "$RUN_DIR/osd/ceph-$OSD_ID"
ceph-osd -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >/dev/null 2>&1 || fail "ceph-osd --mkfs failed"
ceph-osd -i "$OSD_ID" 2>>"$RUN_DIR/log/osd-start.log" || fail "ceph-osd did not start"
osd_up() { ceph --connect-timeout 5 osd stat 2>/dev/null | grep -q ' 1 up'; }
wait_for "the OSD to be up" osd_up

# The gateway, then its S3 user (radosgw creates its pools on first start).
radosgw -n client.rgw.a || fail "radosgw did not start"
wait_for "radosgw on $ENDPOINT" curl -sf -m 3 -o /dev/null "$ENDPOINT"
if ! radosgw-admin user info --uid=xz-test >/dev/null 2>&1; then
  radosgw-admin user create --uid=xz-test --display-name="xianzhong test" \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null || fail "radosgw-admin user create failed"
fi

echo "start-s3: radosgw ready on $ENDPOINT (run dir $RUN_DIR, $((SECONDS))s)"
