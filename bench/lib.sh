# bench/lib.sh - shell helpers shared by the benchmarks (sourced, not run).
#
# The caller sets LOG (a file) and TARGETS-independent state before use; every
# process a bench starts goes into PIDS and is ended by PID on exit, every
# temporary directory into TMP_DIRS. Needs root only to install missing packages.

log() { echo "[$(date +%T)] $*" | tee -a "$LOG" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- cleanup by PID
PIDS=()
TMP_DIRS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.3; done
        kill -KILL "$p" 2>/dev/null
    done
    PIDS=()
    for p in "${TMP_DIRS[@]}"; do rm -rf "$p"; done
    TMP_DIRS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM
forget_pid() { local p keep=(); for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done; PIDS=("${keep[@]}"); }
# stop one background job (a `timeout` wrapper: it passes TERM on to its child)
stop_pid() {
    local p=$1
    kill -TERM "$p" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
    forget_pid "$p"
}
child_of() { local c; c=$(cat "/proc/$1/task/$1/children" 2>/dev/null); echo "${c%% *}"; }

# ---------------------------------------------------------------- tools
APT_UPDATED=0
apt_install() {
    [[ ${NO_INSTALL:-0} == 1 ]] && die "missing Debian package(s) $*; install them or unset NO_INSTALL"
    [[ $(id -u) == 0 ]] || die "missing Debian package(s) $*; run as root or apt-get install them"
    if [[ $APT_UPDATED == 0 ]]; then timeout 300 apt-get update -qq >>"$LOG" 2>&1; APT_UPDATED=1; fi
    # no service of a package may start (kamailio and rtpengine ship one); restore any policy afterwards
    local policy=/usr/sbin/policy-rc.d own_policy=0
    if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; own_policy=1; fi
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "$@" \
        >>"$LOG" 2>&1
    local rc=$?
    [[ $own_policy == 1 ]] && rm -f "$policy"
    [[ $rc == 0 ]] || die "apt-get install $* failed (see $LOG)"
}

# ---------------------------------------------------------------- measurements
# utime+stime (+ reaped children's) of a process and all its descendants, in ticks;
# /proc/PID/stat of a process already sums all of its threads.
tree_pids() {
    local p=$1 c
    echo "$p"
    for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done
}
tree_ticks() {
    local p sum=0 s f
    for p in $(tree_pids "$1"); do
        s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        read -r -a f <<<"${s##*) }"          # fields from 3 (state) on
        sum=$((sum + f[11] + f[12] + f[13] + f[14]))
    done
    echo "$sum"
}
udp_bound() {   # is anyone bound to 127.0.0.1:$1 (or 0.0.0.0:$1) on UDP?
    local hex; hex=$(printf '%04X' "$1")
    awk -v h=":$hex" 'NR > 1 && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }' /proc/net/udp
}
wait_bound() {  # port pid seconds
    local i
    for ((i = 0; i < $3 * 5; i++)); do
        udp_bound "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}
# value of a column in the last line of a sipp ';' CSV (-trace_stat, -trace_counts);
# the column is named exactly, or by its ending with a leading '*'
csv_col() {
    [[ -s $1 ]] || { echo 0; return; }
    awk -F';' -v want="$2" 'NR == 1 { for (i = 1; i <= NF; i++) {
            if (substr(want, 1, 1) == "*") { suf = substr(want, 2)
                if (substr($i, length($i) - length(suf) + 1) == suf) c = i }
            else if ($i == want) c = i } }
        END { v = (c ? $c : 0); print (v == "" ? 0 : v) }' "$1"
}
machine_lines() {   # the lines every bench's machine.txt starts with
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "sipp: $(sipp -v 2>&1 | grep -m1 -o 'SIPp v[^ ]*')"
}
