#!/usr/bin/env bash
# bench/profile.sh - where ringto's CPU goes on the forward path, with py-spy.
#
# Starts ringto on a private port, has a sipp UAS answer as the trunk, drives RATE
# calls/s for SECONDS with a sipp UAC while py-spy samples the server (non-blocking),
# and prints CPU ms per call plus the top functions of the event-loop thread and of
# the other threads (the record writer).
#
# Usage: bench/profile.sh [RATE=600] [SECONDS=10]   (HOLD_MS [1000], BASE_PORT [25060])
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
RATE=${1:-600}
SECONDS_=${2:-10}
HOLD_MS=${HOLD_MS:-1000}
BASE_PORT=${BASE_PORT:-25060}
OUT=$BENCH/out/profile-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
[[ -x $BENCH/.venv/bin/py-spy ]] || { python3 -m venv "$BENCH/.venv" && "$BENCH/.venv/bin/pip" install -q py-spy; }
command -v sipp >/dev/null || apt-get install -y -qq sip-tester

export RINGTO_DATA_DIR=$OUT/var RINGTO_SIP_LISTEN=127.0.0.1:$BASE_PORT
export RINGTO_TRUNK=127.0.0.1:$((BASE_PORT + 10)) RINGTO_LOG_LEVEL=warning
export RINGTO_MEDIA_ANCHOR=${RINGTO_MEDIA_ANCHOR:-needed}  # signalling only, as bench/sip_cps.sh
R=$ROOT/.venv/bin/ringto
$R db upgrade >/dev/null && $R number add +318000200000 --forward +31201234567 >/dev/null
$R serve >"$OUT/server.log" 2>&1 &
SERVER=$!
UAS=""
trap 'kill $SERVER ${UAS:-} 2>/dev/null || true' EXIT
sleep 2
timeout $((SECONDS_ + 60)) sipp -sn uas -buff_size 8388608 -i 127.0.0.1 -p $((BASE_PORT + 10)) \
    -timeout $((SECONDS_ + 50))s -nostdin >/dev/null 2>&1 &
UAS=$!
sleep 0.5
timeout $((SECONDS_ + 10)) "$BENCH/.venv/bin/py-spy" record --nonblocking -p $SERVER \
    -d $((SECONDS_ - 2)) -r 250 ${PYSPY_OPTS:-} --format raw -o "$OUT/profile.txt" >/dev/null 2>&1 &
t0=$(awk '{print $14+$15}' /proc/$SERVER/stat)
timeout $((SECONDS_ + 50)) sipp -sn uac -buff_size 8388608 -i 127.0.0.1 -p $((BASE_PORT + 1)) \
    -s +318000200000 127.0.0.1:$BASE_PORT -r "$RATE" -m $((RATE * SECONDS_)) -d "$HOLD_MS" \
    -timeout $((SECONDS_ + 40))s -nostdin 2>&1 | grep -E "Successful call|Failed call" || true
t1=$(awk '{print $14+$15}' /proc/$SERVER/stat)
sleep 2  # py-spy stops on its own (-d) before the load ends
echo "CPU ms per call: $(python3 -c "print(round(($t1-$t0)*1000/$(getconf CLK_TCK)/($RATE*$SECONDS_), 3))")"
python3 "$BENCH/pyspy_top.py" "$OUT/profile.txt"
echo "raw profile: $OUT/profile.txt"
