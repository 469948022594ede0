#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_crash_soak.sh - random attach, detach, publish, unpublish, network create and remove,
# with netd killed by SIGKILL at random moments, also while a request is in flight. After
# every restart, and at the end, state and kernel must agree exactly: a veth for every
# endpoint and none more, each on its network's bridge, each container holding its address,
# no address twice, a bridge for every network and none more, a map element and a held socket
# for every published port and none more; and a TCP connection made through a published
# port before the first crash still carries data after the last.
#
# A second phase uses netd's test-only fault switch: netd restarted with
# NETD_FAULT_ABORT_AFTER=N (N random) aborts right after its N-th kernel step, so the crash
# lands between two steps of one operation (the veth made but not yet addressed, the map
# element in but the state file not written, the state file gone but the bridge still there).
# After each abort netd starts normally and the same check runs. A third phase sweeps N
# over one fixed sequence (network create, attach, publish, unpublish, detach, network rm),
# so every step of every kind of operation is a crash point once.
#
# NETD_SOAK_ITERATIONS (default 300), NETD_SOAK_FAULTS (default 25 random rounds of the
# switch) and NETD_SOAK_SEED (default: random, printed) repeat a run.
. "$(dirname "$0")/../integration/lib.sh"
sandbox_enter "$@"

for tool in python3 socat nft; do
    command -v "$tool" >/dev/null || skip "$tool not found"
done
ITER=${NETD_SOAK_ITERATIONS:-300}
FAULT_ROUNDS=${NETD_SOAK_FAULTS:-25}
SEED=${NETD_SOAK_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
RANDOM=$SEED
echo "# seed $SEED, $ITER iterations"
CTRS=(s0 s1 s2 s3 s4 s5)
KILLS=0
RESTART_CHECKS=0

. "$(dirname "$0")/consistent.sh"

restart() {
    netd_start
    RESTART_CHECKS=$((RESTART_CHECKS + 1))
    local verdict
    verdict=$(consistent)
    if [ "$verdict" != consistent ]; then
        fail "after restart $RESTART_CHECKS (iteration $i): $verdict"
    fi
}

netd_start
outside_start
ctr_start keep
netctl attach keep --pid "$(ctr_pid keep)" -p 7777:7777 >/dev/null || hard_error "attach keep"
in_ctr_bg keep socat TCP-LISTEN:7777,reuseaddr,fork EXEC:cat
wait_for "echo server" 50 in_ctr keep sh -c 'ss -Hltn | grep -q ":7777 "' || hard_error "socat"
for c in "${CTRS[@]}"; do ctr_start "$c"; done
# one connection through the published port for the whole run, a line every 0.2 s
cat >"$T/conn.py" <<'PY'
import os, socket, sys, time
c = socket.create_connection(("192.0.2.1", 7777), timeout=5)
ok = fail = 0
while not os.path.exists(sys.argv[1]) and ok + fail < 100000:
    try:
        c.sendall(b"ping\n")
        ok += c.recv(16) == b"ping\n"
    except OSError as e:
        fail += 1
        print("error", e, flush=True)
        break
    time.sleep(0.2)
print("ok", ok, "failed", fail)
PY
# (a background job's stdin is /dev/null: the script goes in a file, not on stdin)
in_ctr_bg out python3 "$T/conn.py" "$T/conn.stop" >"$T/conn.out" 2>&1
CONN=$BG_PID

random_op() { # sets op: one random netctl operation
    local c=${CTRS[RANDOM % ${#CTRS[@]}]} net=netd port=$((20000 + RANDOM % 40))
    [ $((RANDOM % 3)) = 0 ] && net=n1
    case $((RANDOM % 6)) in
    0 | 1) op=(attach "$c" --pid "$(ctr_pid "$c")" --network "$net") ;;
    2) op=(detach "$c") ;;
    3) op=(publish "$port:80" "$c") ;;
    4) op=(unpublish "$port:80" "$c") ;;
    5) if [ $((RANDOM % 2)) = 0 ]; then op=(network create n1); else op=(network rm n1); fi ;;
    esac
}

for ((i = 0; i < ITER; i++)); do
    random_op
    if [ $((RANDOM % 5)) = 0 ]; then
        # SIGKILL while the request is in flight, 0 to 20 ms after it was sent
        netctl "${op[@]}" >/dev/null 2>&1 &
        op_pid=$!
        sleep "0.0$((RANDOM % 3))"
        netd_kill9
        wait "$op_pid" 2>/dev/null
        KILLS=$((KILLS + 1))
        restart
    else
        netctl "${op[@]}" >/dev/null 2>&1
    fi
done
verdict=$(consistent)
check_eq "after $ITER operations and $KILLS kills, state and kernel agree" consistent "$verdict"
check "every restart found them agreeing ($RESTART_CHECKS checks)" test "$FAILS" = 0

# ---- phase 2: aborts between two kernel steps of one operation (NETD_FAULT_ABORT_AFTER) ----
ulimit -c 0 # an abort leaves no core file behind
fault_start() { # fault_start N: netd that aborts after its N-th kernel step
    local w
    netd_stop >/dev/null 2>&1
    NETD_FAULT_ABORT_AFTER=$1 "$NETD_BIN" --run-dir "$T/run" --state-dir "$T/state" \
        --log-level debug >>"$T/netd.log" 2>&1 &
    NETD_PID=$!
    # it answers, or a repair at its start already reached step N
    for ((w = 0; w < 100; w++)); do
        netctl info >/dev/null 2>&1 && break
        kill -0 "$NETD_PID" 2>/dev/null || break
        sleep 0.1
    done
}
fault_died() { # fault_died: netd died of the switch's abort (and was reaped)
    local w
    # an abort that has just happened may still be on its way out: give it a second
    for ((w = 0; w < 10; w++)); do
        [ "$(awk '{print $3}' "/proc/$NETD_PID/stat" 2>/dev/null)" = "" ] && break
        [ "$(awk '{print $3}' "/proc/$NETD_PID/stat" 2>/dev/null)" = Z ] && break
        sleep 0.1
    done
    [ "$w" = 10 ] && return 1
    wait "$NETD_PID"
    local rc=$?
    NETD_PID=""
    [ "$rc" = 134 ] && return 0
    fail "netd ended with status $rc, not by the switch's abort (134)"
    return 0
}
ABORTS=0
FAULT_OPS=0
declare -A ABORTED_IN=()
KILL_RESTARTS=$RESTART_CHECKS
FAILS_BEFORE=$FAILS
for ((f = 0; f < FAULT_ROUNDS; f++)); do
    i="fault round $f"
    fault_start $((1 + RANDOM % 20))
    op=(start)
    for ((k = 0; k < 40; k++)); do
        kill -0 "$NETD_PID" 2>/dev/null || break
        random_op
        netctl "${op[@]}" >/dev/null 2>&1
        FAULT_OPS=$((FAULT_OPS + 1))
    done
    if ! fault_died; then
        netd_stop >/dev/null 2>&1 # 40 operations took fewer than N steps
    else
        ABORTS=$((ABORTS + 1))
        what="${op[0]}${op[1]:+ ${op[1]}}"
        [ "${op[0]}" = network ] || what=${op[0]}
        ABORTED_IN[$what]=$((${ABORTED_IN[$what]:-0} + 1))
    fi
    restart
done
echo "# fault switch: $FAULT_ROUNDS rounds, $ABORTS aborts between kernel steps, $FAULT_OPS operations"
for what in "${!ABORTED_IN[@]}"; do echo "#   aborted in $what: ${ABORTED_IN[$what]}"; done | sort
check "the fault switch aborted netd inside operations ($ABORTS of $FAULT_ROUNDS rounds)" \
    test "$ABORTS" -ge $((FAULT_ROUNDS / 2))
check_eq "every restart after an abort found state and kernel agreeing ($((RESTART_CHECKS - KILL_RESTARTS)) checks)" \
    "$FAILS_BEFORE" "$FAILS"
verdict=$(consistent)
check_eq "after the aborts, state and kernel agree" consistent "$verdict"

# ---- phase 3: every step of one fixed sequence is a crash point once ----
for c in "${CTRS[@]}"; do netctl detach "$c" >/dev/null 2>&1; done
netctl network rm n1 >/dev/null 2>&1
SWEEP=("network create n1" "attach s0 --pid $(ctr_pid s0) --network n1" "publish 20000:80 s0"
    "unpublish 20000:80 s0" "detach s0" "network rm n1")
declare -A SWEPT=()
SWEEP_FAILS=$FAILS
for ((n = 1; n <= 60; n++)); do
    i="sweep step $n"
    fault_start "$n"
    what=start
    for step in "${SWEEP[@]}"; do
        kill -0 "$NETD_PID" 2>/dev/null || break
        read -r w1 w2 _ <<<"$step"
        what=$w1
        [ "$w1" = network ] && what="network $w2"
        # shellcheck disable=SC2086
        netctl $step >/dev/null 2>&1
    done
    if ! fault_died; then
        netd_stop >/dev/null 2>&1 # the whole sequence took fewer than n steps: done
        break
    fi
    SWEPT[$what]="${SWEPT[$what]:+${SWEPT[$what]},}$n"
    restart
    # back to where the sequence starts
    netctl detach s0 >/dev/null 2>&1
    netctl network rm n1 >/dev/null 2>&1
done
SWEPT_N=$((n - 1))
echo "# sweep: $SWEPT_N kernel steps in the sequence, an abort after each:"
for what in "network create" attach publish unpublish detach "network rm"; do
    echo "#   $what: steps ${SWEPT[$what]:-none}"
done
check "the sweep aborted after every step of the sequence ($SWEPT_N steps)" \
    test "$SWEPT_N" -ge 6 -a "$SWEPT_N" -lt 60
check_eq "every restart in the sweep found state and kernel agreeing" "$SWEEP_FAILS" "$FAILS"
[ -n "$NETD_PID" ] || netd_start
touch "$T/conn.stop"
wait "$CONN"
check_match "the connection made before the first kill still works after the last" \
    '^ok [1-9][0-9]* failed 0$' "$(tail -1 "$T/conn.out")"
netctl network rm n1 >/dev/null 2>&1
for c in "${CTRS[@]}"; do netctl detach "$c" >/dev/null 2>&1; done
netctl detach keep >/dev/null
check_eq "after detaching everything, no veth is left" 0 "$(count_host_veths)"
[ -z "${NETD_SOAK_LOG:-}" ] || cp "$T/netd.log" "$NETD_SOAK_LOG"
finish
