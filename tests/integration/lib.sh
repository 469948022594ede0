# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - sandbox, netd start/stop by PID, fake containers, bounded waits, assertions.
#
# Every test sources this and calls `sandbox_enter "$@"` first: the script re-runs itself
# under `unshare --net --mount --fork`, so everything it creates lives in a network namespace
# of its own and disappears with it. Nothing touches the machine's own network namespace.
# Exit codes (automake): 0 pass, 77 skip, 99 hard error, anything else fail.

set -u

: "${NETD_BUILDDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${NETD_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
NETD_BIN="$NETD_BUILDDIR/netd"
NETCTL_BIN="$NETD_BUILDDIR/netctl"
T=""
NETD_PID=""
CTR_PIDS=()
FAILS=0
CHECKS=0

skip() {
    echo "SKIP: $*"
    if [ "${NETD_TEST_MUST_RUN:-0}" = 1 ]; then
        echo "NETD_TEST_MUST_RUN=1: a skip is a failure here"
        exit 99
    fi
    exit 77
}

hard_error() {
    echo "ERROR: $*"
    exit 99
}

# sandbox_enter "$@": re-exec in a private net+mount namespace, then set up a private tmpfs.
sandbox_enter() {
    if [ "${NETD_IN_SANDBOX:-}" != 1 ]; then
        [ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
        command -v unshare >/dev/null || skip "unshare not found"
        [ -x "$NETD_BIN" ] || hard_error "netd not built at $NETD_BIN"
        NETD_IN_SANDBOX=1 exec unshare --net --mount --fork -- bash "$0" "$@"
        hard_error "unshare failed"
    fi
    mount --make-rprivate / || hard_error "cannot make mounts private"
    # a private /run: what a test's tools leave there (ip netns add's /run/netns/NAME, the
    # reference tuning plugin's /run/cni, runc's and crun's default roots) goes with the sandbox
    mount -t tmpfs -o mode=0755 sandbox-run /run || hard_error "cannot mount a private /run"
    T=$(mktemp -d /tmp/netd-test.XXXXXX) || hard_error "mktemp"
    mount -t tmpfs -o mode=0755 tmpfs "$T" || hard_error "cannot mount tmpfs on $T"
    mkdir -p "$T/run" "$T/state" "$T/ns"
    ip link set lo up || hard_error "cannot bring lo up"
    # netrun keeps its parent cgroups (as Docker keeps /docker): the ones a test makes go again
    NETRUN_CG_BEFORE=$(ls -d /sys/fs/cgroup/*/netrun /sys/fs/cgroup/netrun 2>/dev/null)
    trap sandbox_cleanup EXIT
}

# the empty netrun/.pods and netrun cgroups this test made (rmdir leaves any in use)
netrun_parents_remove() {
    local d
    for d in /sys/fs/cgroup/*/netrun /sys/fs/cgroup/netrun; do
        [ -d "$d" ] && ! grep -qxF "$d" <<<"${NETRUN_CG_BEFORE:-}" || continue
        rmdir "$d/.pods" "$d" 2>/dev/null
    done
    return 0
}

sandbox_cleanup() {
    local rc=$?
    netd_stop >/dev/null 2>&1
    local p
    for p in "${CTR_PIDS[@]}"; do
        kill "$p" 2>/dev/null
    done
    for p in "${CTR_PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    if [ "$rc" != 0 ] && [ -f "$T/netd.log" ]; then
        echo "---- netd log (last 40 lines) ----"
        tail -n 40 "$T/netd.log"
    fi
    netrun_parents_remove
    umount -l "$T" 2>/dev/null
    rmdir "$T" 2>/dev/null
    exit "$rc"
}

# wait_for DESC TRIES CMD...: retry CMD every 0.1 s, at most TRIES times
wait_for() {
    local desc=$1 tries=$2 i
    shift 2
    for ((i = 0; i < tries; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "timed out waiting for: $desc"
    return 1
}

netctl() {
    "$NETCTL_BIN" --socket "$T/run/netd.sock" "$@"
}

api() { # api METHOD PATH [BODY]: curl the API, print body; HTTP status in $API_STATUS
    local method=$1 path=$2 body=${3:-}
    local out
    if [ -n "$body" ]; then
        out=$(curl -s -m 10 -w '\n%{http_code}' --unix-socket "$T/run/netd.sock" -X "$method" \
            -H 'Content-Type: application/json' --data-binary "$body" "http://netd$path")
    else
        out=$(curl -s -m 10 -w '\n%{http_code}' --unix-socket "$T/run/netd.sock" -X "$method" \
            "http://netd$path")
    fi
    API_STATUS=${out##*$'\n'}
    printf '%s\n' "${out%$'\n'*}"
}

# netd_start [ARGS]: start netd in the sandbox with private dirs; waits until it answers
netd_start() {
    "$NETD_BIN" --run-dir "$T/run" --state-dir "$T/state" --log-level debug "$@" \
        >>"$T/netd.log" 2>&1 &
    NETD_PID=$!
    if ! wait_for "netd to answer" 100 netctl info; then
        cat "$T/netd.log"
        hard_error "netd did not start"
    fi
}

# netd_stop: SIGTERM our netd and wait for it (bounded); returns its exit status
netd_stop() {
    [ -n "$NETD_PID" ] || return 0
    kill -TERM "$NETD_PID" 2>/dev/null
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$NETD_PID" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$NETD_PID" 2>/dev/null
    wait "$NETD_PID"
    local rc=$?
    NETD_PID=""
    return "$rc"
}

# netd_kill9: crash netd
netd_kill9() {
    [ -n "$NETD_PID" ] || return 0
    kill -KILL "$NETD_PID" 2>/dev/null
    wait "$NETD_PID" 2>/dev/null
    NETD_PID=""
}

ns_differs() { # ns_differs PID: PID has entered a network namespace other than ours
    local theirs ours
    theirs=$(readlink "/proc/$1/ns/net") || return 1
    ours=$(readlink /proc/self/ns/net)
    [ "$theirs" != "$ours" ]
}

# ctr_start NAME: a "container": a process in a new network namespace; sets CTR_PID
# and bind-mounts its netns at $T/ns/NAME (for --netns tests).
ctr_start() {
    local name=$1
    unshare --net -- sleep 3600 &
    CTR_PID=$!
    CTR_PIDS+=("$CTR_PID")
    wait_for "netns of $name" 50 ns_differs "$CTR_PID" ||
        hard_error "container $name did not start"
    touch "$T/ns/$name"
    mount --bind "/proc/$CTR_PID/ns/net" "$T/ns/$name" || hard_error "bind netns $name"
    eval "PID_${name//[^a-zA-Z0-9]/_}=$CTR_PID"
}

# ctr_stop NAME: end the container process and drop its netns bind mount
ctr_stop() {
    local name=$1 var="PID_${1//[^a-zA-Z0-9]/_}"
    local pid=${!var}
    umount "$T/ns/$name" 2>/dev/null
    rm -f "$T/ns/$name"
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

ctr_pid() {
    local var="PID_${1//[^a-zA-Z0-9]/_}"
    echo "${!var}"
}

# outside_start: a client host "out" (a container of its own) wired to the sandbox host by
# a veth: 192.0.2.1/24 and fd00:ff::1/64 on the host side (vout), .2 and ::2 inside, and no
# route to any container, so only what netd's NAT does reaches them
outside_start() {
    ctr_start out
    ip link add vout type veth peer name eth0 netns "$(ctr_pid out)" || hard_error "veth vout"
    ip addr add 192.0.2.1/24 dev vout
    ip addr add fd00:ff::1/64 dev vout nodad
    ip link set vout up
    in_ctr out ip addr add 192.0.2.2/24 dev eth0
    in_ctr out ip addr add fd00:ff::2/64 dev eth0 nodad
    in_ctr out ip link set eth0 up
    in_ctr out ip link set lo up
}

# in_ctr NAME CMD...: run CMD in the container's network namespace
in_ctr() {
    local name=$1
    shift
    nsenter --net="$T/ns/$name" -- "$@"
}

# in_ctr_bg NAME CMD...: start CMD in the background in the container's network namespace;
# its PID (nsenter execs CMD in place) goes in CTR_PIDS and in BG_PID, so the exit trap
# ends it. (`in_ctr ... &` would fork a subshell: $! would be the subshell's, not CMD's.)
in_ctr_bg() {
    local name=$1
    shift
    nsenter --net="$T/ns/$name" -- "$@" &
    BG_PID=$!
    CTR_PIDS+=("$BG_PID")
}

# ---- assertions: each prints one line; failures are counted, the script goes on ----
pass() {
    CHECKS=$((CHECKS + 1))
    echo "ok $CHECKS - $*"
}

fail() {
    CHECKS=$((CHECKS + 1))
    FAILS=$((FAILS + 1))
    echo "not ok $CHECKS - $*"
}

# check* run CMD in a subshell: never pass netd_stop/netd_kill9/ctr_* (they track PIDs)
check() { # check DESC CMD...: CMD must succeed
    local desc=$1
    shift
    local out
    if out=$("$@" 2>&1); then
        pass "$desc"
    else
        fail "$desc"
        printf '%s\n' "$out" | sed 's/^/    # /' | head -n 20
    fi
}

check_fails() { # check_fails DESC CMD...: CMD must fail
    local desc=$1
    shift
    local out
    if out=$("$@" 2>&1); then
        fail "$desc (it succeeded)"
        printf '%s\n' "$out" | sed 's/^/    # /' | head -n 20
    else
        pass "$desc"
    fi
}

check_eq() { # check_eq DESC EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1: expected '$2', got '$3'"
    fi
}

check_match() { # check_match DESC REGEX TEXT
    if printf '%s' "$3" | grep -Eq -- "$2"; then
        pass "$1"
    else
        fail "$1: '$3' does not match /$2/"
    fi
}

# counts of what netd owns in the sandbox's kernel
count_host_veths() {
    ip -o link show type veth 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -c '^vn[0-9a-f]\{8\}$'
}

count_bridges() {
    ip -o link show type bridge 2>/dev/null | wc -l
}

ping_ok() { # ping_ok CTR ADDR: one ping within 2 s
    in_ctr "$1" ping -c 1 -W 2 "$2"
}

finish() {
    echo "# $CHECKS checks, $FAILS failed"
    [ "$CHECKS" -gt 0 ] || hard_error "no checks ran"
    [ "$FAILS" = 0 ]
    exit $?
}
