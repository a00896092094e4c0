#!/usr/bin/env bash
# bench/media.sh - anchored, recorded media: ringto against Kamailio + rtpengine.
#
# N concurrent calls, each carrying G.711 A-law RTP both ways for the whole call,
# from a sipp UAC (caller) through the target to a sipp UAS (the ring-to phone):
#   ringto     .venv/bin/ringto serve, the service number with --record (both
#              parties recorded to a stereo WAV), media anchored in ringto
#   rtpengine  Debian's Kamailio (bench/kamailio_rtpengine.cfg) steering Debian's
#              rtpengine in userspace (--table=-1, no kernel module), recording
#              every call (record-call=yes, --recording-method=pcap)
# Per step of N calls: packet loss and added jitter inside the target (tcpdump on lo,
# analysed by bench/rtp_pcap.py), the target's CPU while all N calls talk, and whether
# every call completed. Then ringto's ratios and the highest N each handles < 0.1 % loss.
#
# Usage: bench/media.sh [target ...]           (default: ringto rtpengine)
# Environment (defaults in brackets):
#   TARGETS ["ringto rtpengine"]   CALLS ["50 100 200 300"] concurrent calls per step
#   HOLD [25] seconds all N calls talk at once   RAMP_CPS [50] call set-up rate
#   LEAD_MS [2500] caller's wait after its 200 before it talks (ringto's announcement)
#   PTIME [20] ms per RTP packet   BASE_PORT [16060] UAC; +10 ringto, +20 kamailio,
#   +22 rtpengine ng, +40 UAS, +100 caller media, +200 callee media
#   RINGTO_PORTS [30000-33999]  RTPENGINE_PORTS [34000-37999]  RTP port ranges
#   OUT [bench/out]  NO_INSTALL [0] 1: do not apt-get install missing tools
#   RECORD [1] 0: relay only, no recording (ringto without --record, rtpengine without
#   record-call), to see what recording costs
#   KEEP_CAPTURES [0] 1: keep each step's RTP capture (about 150 MB at 300 calls)
#   MAX_DELAY_MS [50] p99 delay in->out a step may have to count as usable, too
#   PROFILE [0] 1: sample ringto with py-spy while all calls talk (costs CPU: the
#   CPU figures of a profiled run are not comparable)
# Needs root: tcpdump on lo, sipp's raw-socket RTP, and installing missing packages.
set -uo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
if [[ $# -gt 0 ]]; then
    case $1 in -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
    TARGETS="$*"
fi
TARGETS=${TARGETS:-"ringto rtpengine"}
CALLS=${CALLS:-"50 100 200 300"}
HOLD=${HOLD:-25}
RAMP_CPS=${RAMP_CPS:-50}
LEAD_MS=${LEAD_MS:-2500}
PTIME=${PTIME:-20}
BASE_PORT=${BASE_PORT:-16060}
RINGTO_PORTS=${RINGTO_PORTS:-30000-33999}
RTPENGINE_PORTS=${RTPENGINE_PORTS:-34000-37999}
OUT=${OUT:-$BENCH/out}
NO_INSTALL=${NO_INSTALL:-0}
PROFILE=${PROFILE:-0}
KEEP_CAPTURES=${KEEP_CAPTURES:-0}
RECORD=${RECORD:-1}
MAX_DELAY_MS=${MAX_DELAY_MS:-50}
SETTLE=${SETTLE:-3}
MAX_LOSS_PCT=0.1                     # the issue's target: < 0.1 % loss
SERVICE=+318000200000
FORWARD=+31201234567
UAC_PORT=$BASE_PORT
UAS_PORT=$((BASE_PORT + 40))
CALLER_MEDIA=$((BASE_PORT + 100))
CALLEE_MEDIA=$((BASE_PORT + 200))
NG_PORT=$((BASE_PORT + 22))
declare -A PORT=([ringto]=$((BASE_PORT + 10)) [rtpengine]=$((BASE_PORT + 20)))
CLK_TCK=$(getconf CLK_TCK)
SIPP_BUFFER=${SIPP_BUFFER:-8388608}
ulimit -n 65536 2>/dev/null || true

RUN_ID=media-$(date +%Y%m%d-%H%M%S)
RUN_DIR=$OUT/$RUN_ID
mkdir -p "$RUN_DIR" && ln -sfn "$RUN_ID" "$OUT/latest-media"
LOG=$RUN_DIR/bench.log
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

want() { [[ " $TARGETS " == *" $1 "* ]]; }
ensure_tools() {
    local missing=()
    command -v sipp >/dev/null || missing+=(sip-tester)
    command -v tcpdump >/dev/null || missing+=(tcpdump)
    if want rtpengine; then
        command -v kamailio >/dev/null || missing+=(kamailio)   # ships rtpengine.so
        command -v rtpengine >/dev/null || missing+=(rtpengine-daemon)
    fi
    [[ ${#missing[@]} == 0 ]] || { log "installing ${missing[*]}"; apt_install "${missing[@]}"; }
    [[ -r /usr/share/sip-tester/g711a.pcap ]] || die "/usr/share/sip-tester/g711a.pcap missing (sip-tester)"
    [[ $(id -u) == 0 ]] || die "run as root: tcpdump on lo and sipp's RTP (raw socket) need it"
    if [[ $PROFILE == 1 && ! -x $BENCH/.venv/bin/py-spy ]]; then
        [[ $NO_INSTALL == 1 ]] && die "bench/.venv has no py-spy"
        log "installing py-spy into bench/.venv"
        { python3 -m venv "$BENCH/.venv" && "$BENCH/.venv/bin/pip" install -q py-spy; } >>"$LOG" 2>&1 \
            || die "could not install py-spy (see $LOG)"
    fi
}

# ---------------------------------------------------------------- targets
TPIDS=()     # the processes whose CPU is the target's: ringto; rtpengine then kamailio
TWRAPS=()
RECORDINGS=""   # where the target leaves its recordings
start_bg() {    # name log dir command...: start a process under `timeout` in dir, remember it
    local name=$1 tlog=$2 cwd=$3; shift 3
    (cd "$cwd" && exec timeout "${TARGET_TIMEOUT:-7200}" "$@") >>"$tlog" 2>&1 &
    local wrap=$!; PIDS+=("$wrap"); TWRAPS+=("$wrap")
    sleep 0.3
    local pid; pid=$(child_of "$wrap"); TPIDS+=("${pid:-$wrap}")
    log "$name started (pid ${pid:-$wrap})"
}
start_target() {
    local target=$1 port=${PORT[$1]} tlog=$RUN_DIR/$1.log
    udp_bound "$port" && { log "port $port is already in use; set BASE_PORT"; return 1; }
    TPIDS=(); TWRAPS=()
    local data; data=$(mktemp -d "${TMPDIR:-/tmp}/media-bench.XXXXXX"); TMP_DIRS+=("$data")
    case $target in
    ringto)
        local bin=$ROOT/.venv/bin/ringto
        [[ -x $bin ]] || { log "ringto: $bin missing (run 'make install'); skipped"; return 1; }
        local -a env=(RINGTO_SIP_LISTEN="127.0.0.1:$port" RINGTO_TRUNK="127.0.0.1:$UAS_PORT"
            RINGTO_DATA_DIR="$data" RINGTO_RTP_PORTS="$RINGTO_PORTS" RINGTO_MEDIA_ANCHOR=always)
        local cmd setup=("db upgrade" "number add $SERVICE --forward $FORWARD")
        [[ $RECORD == 1 ]] && setup+=("number update $SERVICE --record")
        for cmd in "${setup[@]}"; do
            # shellcheck disable=SC2086 # the words of $cmd are the arguments
            (cd "$data" && env "${env[@]}" timeout 120 "$bin" $cmd) >>"$tlog" 2>&1 \
                || { log "ringto: '$cmd' failed (see $tlog)"; return 1; }
        done
        start_bg ringto "$tlog" "$data" env "${env[@]}" "$bin" serve
        RECORDINGS=$data/recordings
        ;;
    rtpengine)
        local rec=$data/recordings; mkdir -p "$rec"
        start_bg rtpengine "$tlog" "$data" rtpengine --config-file=none --foreground --log-stderr --log-level=4 \
            --table=-1 --interface="127.0.0.1" --listen-ng="127.0.0.1:$NG_PORT" \
            --port-min="${RTPENGINE_PORTS%-*}" --port-max="${RTPENGINE_PORTS#*-}" \
            --recording-dir="$rec" --recording-method=pcap --num-threads=2 \
            --pidfile="$data/rtpengine.pid"
        wait_bound "$NG_PORT" "${TWRAPS[0]}" 15 \
            || { log "rtpengine did not come up (see $tlog)"; stop_target; return 1; }
        start_bg kamailio "$RUN_DIR/kamailio.log" "$data" kamailio -f "$BENCH/kamailio_rtpengine.cfg" -DD -E \
            -m 256 -M 16 -Y "$data" -P "$data/kamailio.pid" -l "udp:127.0.0.1:$port" \
            -A "UAS_HOSTPORT=\"127.0.0.1:$UAS_PORT\"" -A "RTPENGINE_SOCK=\"udp:127.0.0.1:$NG_PORT\"" \
            -A "CHILDREN=${KAMAILIO_CHILDREN:-2}" $([[ $RECORD == 1 ]] || echo -A NO_RECORD)
        RECORDINGS=$rec
        ;;
    esac
    if ! wait_bound "$port" "${TWRAPS[-1]}" 30; then
        log "$target did not come up on udp 127.0.0.1:$port; last log lines:"
        tail -5 "$tlog" | tee -a "$LOG" >&2
        stop_target; return 1
    fi
    log "$target up on 127.0.0.1:$port (cpu of pids ${TPIDS[*]})"
}
stop_target() {
    local i
    for ((i = ${#TWRAPS[@]} - 1; i >= 0; i--)); do stop_pid "${TWRAPS[i]}"; done
    TWRAPS=(); TPIDS=(); sleep 1
}
ticks_each() { local p out=(); for p in "${TPIDS[@]}"; do out+=("$(tree_ticks "$p")"); done; echo "${out[*]}"; }
count_files() { find "$RECORDINGS" -type f \( -name '*.wav' -o -name '*.pcap' \) 2>/dev/null | wc -l; }

# ---------------------------------------------------------------- one step
start_capture() {   # name filter snaplen dir
    local name=$1 filter=$2 snap=$3 dir=$4
    timeout 600 tcpdump -i lo -n -B 65536 -s "$snap" -w "$dir/$name.pcap" "$filter" \
        >"$dir/tcpdump-$name.out" 2>&1 &
    local pid=$!; PIDS+=("$pid")
    for _ in $(seq 1 50); do grep -q "listening on" "$dir/tcpdump-$name.out" 2>/dev/null && break; sleep 0.1; done
    echo "$pid"
}
# a cumulative sipp count (PREFIX.out screen line, PREFIX_stat.csv column): the larger of the
# two, as each is written periodically and either can miss the last calls of a step
sipp_total() {
    local screen csv
    screen=$(awk -F'|' -v want="$2" 'index($1, want) { v = $3 } END { gsub(/ /, "", v); print v + 0 }' "$1.out")
    csv=$(csv_col "$1_stat.csv" "$3")
    echo $((screen > csv ? screen : csv))
}
capture_drops() { awk '/dropped by kernel/ { d += $1 } END { print d + 0 }' "$1"; }

# run_step TARGET N -> one line in steps.tsv, S_* results
run_step() {
    local target=$1 n=$2 port=${PORT[$1]}
    local dir=$RUN_DIR/$target/$n; mkdir -p "$dir"
    local ramp_s=$(( (n + RAMP_CPS - 1) / RAMP_CPS ))
    local talk_s=$((HOLD + ramp_s))
    local run_s=$((ramp_s + LEAD_MS / 1000 + talk_s + 30))
    python3 "$BENCH/rtp_pcap.py" make "$dir/audio.pcap" "$talk_s" --ptime "$PTIME" >/dev/null \
        || die "could not write $dir/audio.pcap"
    { echo SEQUENTIAL; seq -f '+3161%07.0f' 1 "$n"; } >"$dir/callers.csv"
    local files0; files0=$(count_files)

    local sip_cap rtp_cap
    sip_cap=$(start_capture sip "udp and (port $UAC_PORT or port $UAS_PORT)" 0 "$dir")
    rtp_cap=$(start_capture rtp "udp and (port $CALLER_MEDIA or port $CALLEE_MEDIA)" 64 "$dir")

    (cd "$dir" && exec timeout "$run_s" sipp -sf "$BENCH/scenarios/uas_media.xml" \
        -i 127.0.0.1 -p "$UAS_PORT" -mp "$CALLEE_MEDIA" -nostdin -m "$n" -buff_size "$SIPP_BUFFER" \
        -key pcap "$dir/audio.pcap" -timeout "${run_s}s" \
        -trace_stat -stf uas_stat.csv -fd 5 -trace_err -error_file uas_err.log >uas.out 2>&1) &
    local uas=$!; PIDS+=("$uas")
    wait_bound "$UAS_PORT" "$uas" 10 || log "  UAS did not bind :$UAS_PORT (see $dir/uas.out)"

    (cd "$dir" && exec timeout "$run_s" sipp "127.0.0.1:$port" -sf "$BENCH/scenarios/uac_media.xml" \
        -inf "$dir/callers.csv" -s "$SERVICE" -i 127.0.0.1 -p "$UAC_PORT" -mp "$CALLER_MEDIA" \
        -nostdin -r "$RAMP_CPS" -m "$n" -l "$n" -buff_size "$SIPP_BUFFER" \
        -key pcap "$dir/audio.pcap" -key lead "$LEAD_MS" -key talk $((talk_s * 1000 + 500)) \
        -timeout "${run_s}s" -trace_stat -stf uac_stat.csv -fd 5 -trace_err -error_file uac_err.log \
        >uac.out 2>&1) &
    local uac=$!; PIDS+=("$uac")

    # CPU while all N calls talk: after the ramp and the lead, for HOLD - 2 s
    sleep $((ramp_s + LEAD_MS / 1000 + 1))
    local t0 w0 t1 w1
    t0=$(ticks_each); w0=$(date +%s.%N)
    if [[ $PROFILE == 1 && $target == ringto ]]; then
        timeout $((HOLD + 10)) "$BENCH/.venv/bin/py-spy" record --nonblocking -p "${TPIDS[0]}" \
            -d $((HOLD - 3)) -r 100 --format raw -o "$dir/profile.txt" >"$dir/py-spy.out" 2>&1 &
        PIDS+=("$!")
    fi
    sleep $((HOLD - 2))
    t1=$(ticks_each); w1=$(date +%s.%N)

    wait "$uac"; local uac_rc=$?; forget_pid "$uac"
    for _ in $(seq 1 50); do kill -0 "$uas" 2>/dev/null || break; sleep 0.2; done
    stop_pid "$uas"
    sleep 0.5
    stop_pid "$sip_cap"; stop_pid "$rtp_cap"
    local drops=$(( $(capture_drops "$dir/tcpdump-sip.out") + $(capture_drops "$dir/tcpdump-rtp.out") ))
    sleep 1
    local recordings=$(( $(count_files) - files0 ))

    python3 "$BENCH/rtp_pcap.py" analyse --sip "$dir/sip.pcap" --rtp "$dir/rtp.pcap" \
        --uac-port "$UAC_PORT" --uas-port "$UAS_PORT" \
        --caller-media "$CALLER_MEDIA" --callee-media "$CALLEE_MEDIA" >"$dir/analysis.json" \
        2>"$dir/analysis.err" || log "  analysis failed (see $dir/analysis.err)"
    [[ $KEEP_CAPTURES == 1 ]] || rm -f "$dir/rtp.pcap" "$dir/audio.pcap"
    local cpu; cpu=$(awk -v a="$t0" -v b="$t1" -v w0="$w0" -v w1="$w1" -v hz="$CLK_TCK" 'BEGIN {
        na = split(a, x, " "); split(b, y, " ")
        for (i = 1; i <= na; i++) printf "%s%.1f", (i > 1 ? " " : ""), (y[i] - x[i]) / hz / (w1 - w0) * 100 }')
    S_OK=$(sipp_total "$dir/uac" 'Successful call' 'SuccessfulCall(C)')
    S_FAIL=$(sipp_total "$dir/uac" 'Failed call' 'FailedCall(C)')
    local uas_ok; uas_ok=$(sipp_total "$dir/uas" 'Successful call' 'SuccessfulCall(C)')
    python3 - "$dir/analysis.json" "$target" "$n" "$S_OK" "$S_FAIL" "$uas_ok" "$uac_rc" "$drops" \
        "$recordings" "$cpu" >>"$RUN_DIR/steps.tsv" <<'PY'
import json, sys
path, target, n, ok, failed, uas_ok, rc, drops, recordings, cpu = sys.argv[1:]
try:
    a = json.load(open(path))
except (OSError, ValueError):
    a = {}
cpus = cpu.split() + ["-", "-"]
fields = [target, n, ok, failed, uas_ok, rc, a.get("calls", 0), a.get("packets_in", 0), a.get("lost", "-"),
          a.get("loss_pct", "-"), a.get("pre_bridge", "-"), a.get("jitter_in_ms", "-"),
          a.get("added_jitter_mean_ms", "-"), a.get("added_jitter_p99_ms", "-"),
          a.get("delay_p50_ms", "-"), a.get("delay_p99_ms", "-"), a.get("delay_max_ms", "-"),
          cpus[0], cpus[1], drops, recordings]
print("\t".join("-" if f is None else str(f) for f in fields))
PY
    log "  $target N=$n: $(tail -1 "$RUN_DIR/steps.tsv" | cut -f3-)"
    if [[ -s $dir/profile.txt ]]; then
        python3 "$BENCH/pyspy_top.py" "$dir/profile.txt" >"$dir/profile-top.txt"
        log "  py-spy: $dir/profile-top.txt"
    fi
}

# ---------------------------------------------------------------- main
ensure_tools
{
    machine_lines
    want rtpengine && echo "kamailio: $(kamailio -v 2>/dev/null | head -1 | sed 's/^version: //')"
    want rtpengine && echo "rtpengine: $(rtpengine --version 2>&1 | head -1)"
    echo "tcpdump: $(tcpdump --version 2>&1 | head -1)"
    echo "load: CALLS=$CALLS HOLD=${HOLD}s RAMP_CPS=$RAMP_CPS LEAD_MS=$LEAD_MS PTIME=${PTIME}ms RECORD=$RECORD," \
        "G.711 A-law both ways"
} | tee "$RUN_DIR/machine.txt" | tee -a "$LOG" >&2
COLUMNS=(target calls ok failed uas_ok uac_rc calls_seen packets_in lost loss_pct pre_bridge
    jitter_in_ms added_jitter_ms added_jitter_p99_ms delay_p50_ms delay_p99_ms delay_max_ms
    cpu_pct cpu2_pct capture_drops recordings)
(IFS=$'\t'; echo "${COLUMNS[*]}") >"$RUN_DIR/steps.tsv"

for t in $TARGETS; do
    [[ -n ${PORT[$t]:-} ]] || die "unknown target '$t' (ringto, rtpengine)"
    log "== $t"
    start_target "$t" || continue
    for n in $CALLS; do
        run_step "$t" "$n"
        sleep "$SETTLE"
    done
    stop_target
done

python3 "$BENCH/media_summary.py" "$RUN_DIR/steps.tsv" "$MAX_LOSS_PCT" "$MAX_DELAY_MS" \
    | tee "$RUN_DIR/summary.md"
echo "steps: $RUN_DIR/steps.tsv   captures and logs: $RUN_DIR" | tee -a "$RUN_DIR/summary.md"
