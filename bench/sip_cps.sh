#!/usr/bin/env bash
# bench/sip_cps.sh - SIP calls-per-second benchmark of ringto against two peers.
#
# One sipp UAC (the carrier) calls the service number through the target, which
# forwards every call to one sipp UAS (the ring-to side). Same sipp load for all:
#   ringto    .venv/bin/ringto serve (the project), by its env contract
#   sippy     bench/sippy_b2bua.py, a minimal B2BUA on PyPI's sippy (bench/.venv)
#   kamailio  Debian's Kamailio as a stateful relay, bench/kamailio.cfg
#
# Per target: highest calls/s with 0 failed calls (step rates, then a short
# bisection), CPU ms per call of the target's process tree at that rate, and
# p50/p99 of INVITE-in -> INVITE-out inside the target (dumpcap on lo at one
# moderate rate, INVITEs paired by the unique caller number in From).
#
# Usage: bench/sip_cps.sh [target ...]           (default: ringto sippy kamailio)
# Environment (defaults in brackets):
#   TARGETS ["ringto sippy kamailio"]  DURATION [10] seconds of load per step
#   RATES ["50 100 200 300 400 600 800 1000 1500 2000 3000 4000 5000 6000 8000 10000"]  BISECT [2]
#   HOLD_MS [1000] call hold      LAT_RATE [100] cps of the latency capture (0: off)
#   KAMAILIO_LENIENT [1] also Kamailio with sipp -default_behaviors all,-abortunexp
#   BASE_PORT [15060] UAC; targets +10 ringto, +20 sippy, +30 kamailio; UAS +40
#   OUT [bench/out]  NO_INSTALL [0] 1: do not apt-get/pip install missing tools
# Needs root only to install missing Debian packages and to capture on lo.
set -uo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
if [[ $# -gt 0 ]]; then
    case $1 in -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
    TARGETS="$*"
fi
TARGETS=${TARGETS:-"ringto sippy kamailio"}
DURATION=${DURATION:-10}
RATES=${RATES:-"50 100 200 300 400 600 800 1000 1500 2000 3000 4000 5000 6000 8000 10000"}
BISECT=${BISECT:-2}
HOLD_MS=${HOLD_MS:-1000}
LAT_RATE=${LAT_RATE:-100}
KAMAILIO_LENIENT=${KAMAILIO_LENIENT:-1}
BASE_PORT=${BASE_PORT:-15060}
OUT=${OUT:-$BENCH/out}
NO_INSTALL=${NO_INSTALL:-0}
SETTLE=${SETTLE:-2}                  # seconds between steps, for the target to drain
RECV_TIMEOUT_MS=${RECV_TIMEOUT_MS:-10000}
SLACK=${SLACK:-3}                    # a step may run this many s over DURATION+hold
SIPPY_VERSION=2.5.0
SERVICE=+318000200000                # the called service number (R-URI user)
FORWARD=+31201234567                 # its ring-to number (ringto's outbound R-URI user)
UAC_PORT=$BASE_PORT
UAS_PORT=$((BASE_PORT + 40))
declare -A PORT=([ringto]=$((BASE_PORT + 10)) [sippy]=$((BASE_PORT + 20)) [kamailio]=$((BASE_PORT + 30)))
HOLD_S=$(( (HOLD_MS + 999) / 1000 ))
CLK_TCK=$(getconf CLK_TCK)
# sipp's own sockets get big buffers too: with the default 208 KiB, the UAC and UAS drop
# datagrams in bursts and every target pays for sipp's losses in retransmissions.
SIPP_BUFFER=${SIPP_BUFFER:-8388608}
ulimit -n 65536 2>/dev/null || true  # sipp wants open calls < open files at high rates

RUN_ID=$(date +%Y%m%d-%H%M%S)
RUN_DIR=$OUT/$RUN_ID
mkdir -p "$RUN_DIR" && ln -sfn "$RUN_ID" "$OUT/latest"
LOG=$RUN_DIR/bench.log
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

# ---------------------------------------------------------------- tools
want() { [[ " $TARGETS " == *" $1 "* ]]; }
ensure_tools() {
    command -v sipp >/dev/null || { log "installing sip-tester (sipp)"; apt_install sip-tester; }
    if want kamailio && ! command -v kamailio >/dev/null; then
        log "installing kamailio"; apt_install kamailio
    fi
    if [[ $LAT_RATE != 0 ]] && ! { command -v dumpcap && command -v tshark; } >/dev/null; then
        log "installing tshark"; apt_install tshark
    fi
    if want sippy && ! "$BENCH/.venv/bin/python" -c 'import sippy' 2>/dev/null; then
        [[ $NO_INSTALL == 1 ]] && die "bench/.venv has no sippy"
        log "installing sippy==$SIPPY_VERSION into bench/.venv"
        timeout 300 python3 -m venv "$BENCH/.venv" >>"$LOG" 2>&1 \
            || die "python3 -m venv failed (apt-get install python3-venv?)"
        timeout 600 "$BENCH/.venv/bin/pip" install -q "sippy==$SIPPY_VERSION" >>"$LOG" 2>&1 \
            || die "pip install sippy failed (see $LOG)"
    fi
}

# ---------------------------------------------------------------- measurements
hms_to_s() { awk -F: '{ printf "%.1f", $1 * 3600 + $2 * 60 + $3 + $4 / 1e6 }' <<<"$1"; }

# run_step TARGET MODE RATE CAPTURE(0/1) -> sets S_* results, files in $dir
run_step() {
    local target=$1 mode=$2 rate=$3 capture=$4
    local port=${PORT[$target]} n=$((rate * DURATION))
    local dir=$RUN_DIR/$target-$mode/$rate$([[ $capture == 1 ]] && echo -lat)
    mkdir -p "$dir"
    local -a behav=()
    [[ $mode == lenient ]] && behav=(-default_behaviors all,-abortunexp)
    local run_s=$((DURATION + HOLD_S + RECV_TIMEOUT_MS / 1000 + 20))

    { echo SEQUENTIAL; seq -f '+3161%07.0f' 1 "$n"; } >"$dir/callers.csv"

    (cd "$dir" && exec timeout $((run_s + 30)) sipp -sf "$BENCH/scenarios/uas_ring_answer.xml" \
        -i 127.0.0.1 -p "$UAS_PORT" -nostdin -m "$n" "${behav[@]}" -buff_size "$SIPP_BUFFER" \
        -recv_timeout "$RECV_TIMEOUT_MS" -timeout "${run_s}s" \
        -trace_stat -stf uas_stat.csv -fd 5 -trace_err -error_file uas_err.log \
        >uas.out 2>&1) &
    local uas=$!; PIDS+=("$uas")
    local cap=""
    if [[ $capture == 1 ]]; then
        # only INVITEs (UDP payload starts "INVI"), into the target and out to the UAS
        timeout $((run_s + 30)) dumpcap -q -i lo -w "$dir/invites.pcap" \
            -f "udp and (dst port $port or dst port $UAS_PORT) and udp[8:4] = 0x494e5649" \
            >"$dir/dumpcap.out" 2>&1 &
        cap=$!; PIDS+=("$cap")
    fi
    wait_bound "$UAS_PORT" "$uas" 10 || log "  UAS did not bind :$UAS_PORT (see $dir/uas.out)"
    sleep 0.5   # dumpcap needs a moment before it captures

    local t0 t1; t0=$(tree_ticks "$TPID")
    (cd "$dir" && exec timeout $((run_s + 30)) sipp "127.0.0.1:$port" \
        -sf "$BENCH/scenarios/uac_answered.xml" -inf "$dir/callers.csv" -s "$SERVICE" \
        -i 127.0.0.1 -p "$UAC_PORT" -nostdin -r "$rate" -m "$n" -l $((rate * (HOLD_S + 10))) \
        -buff_size "$SIPP_BUFFER" \
        -d "$HOLD_MS" "${behav[@]}" -recv_timeout "$RECV_TIMEOUT_MS" -timeout "${run_s}s" \
        -trace_stat -stf uac_stat.csv -fd 5 -trace_err -error_file uac_err.log -trace_counts \
        >uac.out 2>&1) &
    local uac=$!; PIDS+=("$uac")
    wait "$uac"; local uac_rc=$?; forget_pid "$uac"
    # calls that reached the UAS end there within a receive timeout
    local i
    for ((i = 0; i < (RECV_TIMEOUT_MS / 1000 + 3) * 5; i++)); do
        kill -0 "$uas" 2>/dev/null || break; sleep 0.2
    done
    if kill -0 "$uas" 2>/dev/null; then
        local sp; sp=$(child_of "$uas"); [[ -n $sp ]] && kill -USR1 "$sp" 2>/dev/null; sleep 2
    fi
    stop_pid "$uas"
    t1=$(tree_ticks "$TPID")
    [[ -n $cap ]] && { sleep 0.5; stop_pid "$cap"; }

    local counts; counts=$(ls "$dir"/uac_answered_*_counts.csv 2>/dev/null | head -1)
    S_OK=$(csv_col "$dir/uac_stat.csv" 'SuccessfulCall(C)')
    S_FAIL=$(csv_col "$dir/uac_stat.csv" 'FailedCall(C)')
    S_CREATED=$(csv_col "$dir/uac_stat.csv" 'TotalCallCreated')
    S_RETRANS=$(csv_col "$dir/uac_stat.csv" 'Retransmissions(C)')
    S_503=$(csv_col "$counts" '*_503_Recv')
    S_UAS_OK=$(csv_col "$dir/uas_stat.csv" 'SuccessfulCall(C)')
    S_UAS_FAIL=$(csv_col "$dir/uas_stat.csv" 'FailedCall(C)')
    S_ELAPSED=$(hms_to_s "$(csv_col "$dir/uac_stat.csv" 'ElapsedTime(C)')")
    S_CPU_MS=$(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$S_OK" \
        'BEGIN { if (n > 0) printf "%.2f", t * 1000 / hz / n; else print "-" }')
    S_CLEAN=1
    local why=""
    [[ $uac_rc == 0 ]] || why+=" uac-exit=$uac_rc"
    [[ $S_OK == "$n" ]] || why+=" ok=$S_OK/$n"
    [[ $S_FAIL == 0 ]] || why+=" failed=$S_FAIL"
    [[ $S_503 == 0 ]] || why+=" 503=$S_503"
    [[ $S_UAS_OK == "$n" && $S_UAS_FAIL == 0 ]] || why+=" uas-ok=$S_UAS_OK uas-failed=$S_UAS_FAIL"
    awk -v e="$S_ELAPSED" -v max=$((DURATION + HOLD_S + SLACK)) 'BEGIN { exit !(e > max) }' \
        && why+=" slow(${S_ELAPSED}s: rate not sustained)"
    [[ -n $why ]] && S_CLEAN=0
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$mode" "$rate" "$S_CLEAN" \
        "$S_OK" "$S_FAIL" "$S_503" "$S_UAS_FAIL" "$S_RETRANS" "$S_ELAPSED" "$S_CPU_MS" \
        >>"$RUN_DIR/steps.tsv"
    log "  $target/$mode ${rate} cps x ${DURATION}s: $([[ $S_CLEAN == 1 ]] && echo clean || echo "FAILED:$why")" \
        "| ok=$S_OK retrans=$S_RETRANS cpu=${S_CPU_MS} ms/call"
}

# p50/p99 in ms from the capture of a latency step; also the outbound R-URIs seen
latency() {
    local target=$1 dir=$2 port=${PORT[$1]}
    [[ -s $dir/invites.pcap ]] || { echo "- - 0"; return; }
    timeout 300 tshark -r "$dir/invites.pcap" -d "udp.port==$port,sip" -d "udp.port==$UAS_PORT,sip" \
        -Y 'sip.Method == "INVITE"' -T fields -E separator='|' \
        -e frame.time_epoch -e udp.dstport -e sip.from.user -e sip.r-uri \
        >"$dir/invites.tsv" 2>"$dir/tshark.err"
    awk -F'|' -v out="$UAS_PORT" '$2 == out && !($4 in seen) { seen[$4] = 1; print $4 }' \
        "$dir/invites.tsv" | head -3 >"$dir/outbound_ruris.txt"
    awk -F'|' -v in_port="$port" -v out_port="$UAS_PORT" '
        $2 == in_port && !($3 in tin) { tin[$3] = $1 }
        $2 == out_port && !($3 in tout) { tout[$3] = $1 }
        END { for (u in tin) if (u in tout) printf "%.3f\n", (tout[u] - tin[u]) * 1000 }' \
        "$dir/invites.tsv" | sort -n >"$dir/latency_ms.txt"
    awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "- - 0"; exit }
        i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++; if (i50 < 1) i50 = 1
        i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++; if (i99 < 1) i99 = 1
        printf "%.2f %.2f %d\n", v[i50], v[i99], NR }' "$dir/latency_ms.txt"
}

# ---------------------------------------------------------------- targets
TPID=""   # the target's own process (not its timeout wrapper), for CPU accounting
TWRAP=""
start_target() {
    local target=$1 port=${PORT[$1]} tlog=$RUN_DIR/$1.log
    udp_bound "$port" && { log "port $port is already in use; set BASE_PORT"; return 1; }
    local life=${TARGET_TIMEOUT:-3600}
    case $target in
    ringto)
        local bin=$ROOT/.venv/bin/ringto
        [[ -x $bin ]] || { log "ringto: $bin missing (run 'make install'); skipped"; return 1; }
        local data; data=$(mktemp -d "${TMPDIR:-/tmp}/ringto-bench.XXXXXX"); TMP_DIRS+=("$data")
        # Signalling only, like the two peers: RTP anchoring has its own bench (bench/media.sh).
        local -a env=(RINGTO_SIP_LISTEN="127.0.0.1:$port" RINGTO_TRUNK="127.0.0.1:$UAS_PORT"
            RINGTO_DATA_DIR="$data" RINGTO_MEDIA_ANCHOR="${RINGTO_MEDIA_ANCHOR:-needed}")
        (cd "$ROOT" && env "${env[@]}" timeout 120 "$bin" db upgrade) >>"$tlog" 2>&1 \
            || { log "ringto: 'db upgrade' failed (see $tlog)"; return 1; }
        (cd "$ROOT" && env "${env[@]}" timeout 120 "$bin" number add "$SERVICE" --forward "$FORWARD") \
            >>"$tlog" 2>&1 || { log "ringto: 'number add' failed (see $tlog)"; return 1; }
        (cd "$ROOT" && exec env "${env[@]}" timeout "$life" "$bin" serve) >>"$tlog" 2>&1 &
        ;;
    sippy)
        (exec timeout "$life" "$BENCH/.venv/bin/python" "$BENCH/sippy_b2bua.py" \
            -l "127.0.0.1:$port" -n "127.0.0.1:$UAS_PORT") >>"$tlog" 2>&1 &
        ;;
    kamailio)
        local rt; rt=$(mktemp -d "${TMPDIR:-/tmp}/kamailio-bench.XXXXXX"); TMP_DIRS+=("$rt")
        (exec timeout "$life" kamailio -f "$BENCH/kamailio.cfg" -DD -E -m 1024 -M 16 \
            -Y "$rt" -P "$rt/kamailio.pid" -l "udp:127.0.0.1:$port" \
            -A "UAS_HOSTPORT=\"127.0.0.1:$UAS_PORT\"" -A "CHILDREN=${KAMAILIO_CHILDREN:-2}") \
            >>"$tlog" 2>&1 &
        ;;
    esac
    TWRAP=$!; PIDS+=("$TWRAP")
    if ! wait_bound "$port" "$TWRAP" 30; then
        log "$target did not come up on udp 127.0.0.1:$port; last log lines:"
        tail -5 "$tlog" | tee -a "$LOG" >&2
        stop_pid "$TWRAP"; return 1
    fi
    # `timeout` starts the target as its only child; `env` has exec'd into it
    TPID=$(child_of "$TWRAP")
    [[ -n $TPID ]] || TPID=$TWRAP
    log "$target up on 127.0.0.1:$port (pid $TPID)"
}
stop_target() { [[ -n $TWRAP ]] && stop_pid "$TWRAP"; TWRAP=""; TPID=""; sleep 1; }

declare -A R_CPS R_CPU R_P50 R_P99 R_N503 R_KNEE_FAIL R_RURI
# after a failed step the target may still be chewing on the backlog (sippy takes many
# seconds): start it afresh so the next step measures it, not the previous overload
fresh_target() { stop_target; start_target "$1"; }
sweep() {   # target mode
    local target=$1 mode=$2 key="$1/$2" good=0 good_cpu="-" bad="" bad_503="" rate
    for rate in $RATES; do
        run_step "$target" "$mode" "$rate" 0
        if [[ $S_CLEAN == 1 ]]; then good=$rate; good_cpu=$S_CPU_MS
        else bad=$rate; bad_503=$S_503; break; fi
        sleep "$SETTLE"
    done
    local i mid
    for ((i = 0; i < BISECT && ${#bad} > 0; i++)); do
        mid=$(( (good + bad) / 2 / 10 * 10 ))
        ((mid > good && mid < bad)) || break
        fresh_target "$target" || break
        run_step "$target" "$mode" "$mid" 0
        if [[ $S_CLEAN == 1 ]]; then good=$mid; good_cpu=$S_CPU_MS
        else bad=$mid; bad_503=$S_503; fi
    done
    R_CPS[$key]=$good; R_CPU[$key]=$good_cpu
    R_KNEE_FAIL[$key]=${bad:-"none<=$rate"}; R_N503[$key]=${bad_503:-"-"}
}
bench_target() {   # target mode
    local target=$1 mode=$2 key="$1/$2"
    log "== $target ($mode sipp behaviours) on 127.0.0.1:${PORT[$target]}"
    start_target "$target" || { R_CPS[$key]="not run"; return; }
    if [[ $LAT_RATE != 0 ]]; then
        run_step "$target" "$mode" "$LAT_RATE" 1
        local lat; read -r R_P50[$key] R_P99[$key] lat <<<"$(latency "$target" "$RUN_DIR/$1-$2/$LAT_RATE-lat")"
        R_RURI[$key]=$(head -1 "$RUN_DIR/$1-$2/$LAT_RATE-lat/outbound_ruris.txt" 2>/dev/null)
        log "  latency INVITE in->out at $LAT_RATE cps: p50 ${R_P50[$key]} ms, p99 ${R_P99[$key]} ms" \
            "($lat pairs); outbound R-URI e.g. ${R_RURI[$key]:-?}"
        if [[ $target == ringto && -n ${R_RURI[$key]} ]] &&
            [[ ${R_RURI[$key]} != "sip:$FORWARD@127.0.0.1:$UAS_PORT;user=phone" ]]; then
            log "  WARNING: ringto's outbound R-URI is not sip:$FORWARD@127.0.0.1:$UAS_PORT;user=phone"
        fi
        sleep "$SETTLE"
    fi
    sweep "$target" "$mode"
    stop_target
}

# ---------------------------------------------------------------- main
ensure_tools
{
    machine_lines
    want kamailio && echo "kamailio: $(kamailio -v 2>/dev/null | head -1 | sed 's/^version: //')"
    want sippy && echo "sippy: $("$BENCH/.venv/bin/python" -c 'import importlib.metadata as m; print(m.version("sippy"))' 2>/dev/null)"
    echo "load: DURATION=${DURATION}s per step, HOLD_MS=$HOLD_MS, RATES=$RATES, BISECT=$BISECT, LAT_RATE=$LAT_RATE, UDP"
} | tee "$RUN_DIR/machine.txt" | tee -a "$LOG" >&2
printf 'target\tmode\trate\tclean\tok\tfailed\t503\tuas_failed\tretrans\telapsed_s\tcpu_ms_per_call\n' \
    >"$RUN_DIR/steps.tsv"

KEYS=()
for t in $TARGETS; do
    [[ -n ${PORT[$t]:-} ]] || die "unknown target '$t' (ringto, sippy, kamailio)"
    bench_target "$t" strict; KEYS+=("$t/strict")
    if [[ $t == kamailio && $KAMAILIO_LENIENT == 1 ]]; then
        sleep "$SETTLE"; bench_target "$t" lenient; KEYS+=("$t/lenient")
    fi
done

ratio() {
    awk -v a="${R_CPS[$1]:-}" -v b="${R_CPS[$2]:-}" \
        'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'
}
{
    echo
    echo "| target | sipp behaviours | max clean cps | CPU ms/call | INVITE in->out p50 / p99 ms (@$LAT_RATE cps) | first failing cps | 503s there |"
    echo "|---|---|---:|---:|---:|---:|---:|"
    for k in "${KEYS[@]}"; do
        mode=${k#*/}
        [[ $mode == lenient ]] && mode="all,-abortunexp" || mode="strict defaults"
        echo "| ${k%/*} | $mode | ${R_CPS[$k]:-} | ${R_CPU[$k]:--} | ${R_P50[$k]:--} / ${R_P99[$k]:--} | ${R_KNEE_FAIL[$k]:--} | ${R_N503[$k]:--} |"
    done
    echo
    if want ringto; then
        echo "ringto cps / sippy cps:              $(ratio ringto/strict sippy/strict)"
        echo "ringto cps / kamailio cps (strict):  $(ratio ringto/strict kamailio/strict)"
        [[ $KAMAILIO_LENIENT == 1 ]] &&
            echo "ringto cps / kamailio cps (lenient): $(ratio ringto/strict kamailio/lenient)"
        echo "ringto 503s at the first failing step (${R_KNEE_FAIL[ringto/strict]:--} cps): ${R_N503[ringto/strict]:--}"
    fi
    echo
    echo "steps: $RUN_DIR/steps.tsv   logs: $RUN_DIR"
} | tee "$RUN_DIR/summary.md"
