#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_crash.sh - kill -9 netd in the middle of a series of attaches: state and kernel agree after restart
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

command -v jq >/dev/null || skip "jq not found"

N=40
CYCLES=3

# vn* host veths in the kernel, sorted
kernel_veths() {
    ip -o link show type veth | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^vn[0-9a-f]\{8\}$' | sort
}
endpoint_files() { find "$T/state/endpoints" -maxdepth 1 -name '*.json' | wc -l; }
leftover_tmp_files() { find "$T/state" -name '.*.tmp' | wc -l; }

# attach_loop FIRST LAST ACKED: attach c$FIRST..c$LAST one after the other, appending each
# container netd acknowledged to the file ACKED; failures are expected once netd is killed
# (the loop then ends quickly: nothing listens any more)
attach_loop() {
    local i
    for ((i = $1; i <= $2; i++)); do
        "$NETCTL_BIN" --socket "$T/run/netd.sock" attach "c$i" --pid "$(ctr_pid "c$i")" \
            --network cr >/dev/null 2>&1 && echo "c$i" >>"$3"
    done
}

# consistency CYCLE: every check that state and kernel agree
consistency() {
    local k=$1 eps problems="" ctr ifname host v4 v6 bridge master ns_addrs attached i
    eps=$(netctl ls --json) || { fail "cycle $k: netctl ls after restart"; return; }
    local n_eps
    n_eps=$(jq length <<<"$eps")
    CYCLE_ATTACHED=$n_eps
    echo "# cycle $k: $n_eps endpoint(s) survived the kill"

    # every endpoint in the state: host veth on its bridge, address inside its container
    # (plain ip -o and shell matching in the loops: one jq per container would cost seconds)
    while read -r ctr _ ifname host v4 v6 bridge; do
        [ -n "$ctr" ] || continue
        master=$(ip -o link show dev "$host" 2>/dev/null | grep -o ' master [^ ]*' | cut -d' ' -f3)
        [ "$master" = "$bridge" ] || problems+="$ctr: host veth '$host' master '${master:-none}' (want '$bridge'); "
        ns_addrs=" $(in_ctr "$ctr" ip -o addr show dev "$ifname" scope global 2>/dev/null | awk '{print $4}' | tr '\n' ' ')"
        [[ "$ns_addrs" == *" $v4 "* ]] || problems+="$ctr: $ifname lacks $v4 (has '$ns_addrs'); "
        [[ "$ns_addrs" == *" $v6 "* ]] || problems+="$ctr: $ifname lacks $v6 (has '$ns_addrs'); "
        in_ctr "$ctr" ip -o link show dev "$ifname" 2>/dev/null | grep -q '[<,]UP[,>]' ||
            problems+="$ctr: $ifname is not UP; "
    done < <(jq -r '.[] | "\(.container) \(.network) \(.ifname) \(.host_ifname) \(.ipv4) \(.ipv6) \(.bridge)"' <<<"$eps")
    check_eq "cycle $k: every endpoint has its veth on its bridge and its addresses in its container" "" "$problems"

    # no leaked veth: every vn* in the kernel belongs to an endpoint of the state
    check_eq "cycle $k: the vn* veths in the kernel are exactly the endpoints' host veths" \
        "$(jq -r '.[].host_ifname' <<<"$eps" | sort | tr '\n' ' ')" "$(kernel_veths | tr '\n' ' ')"
    check_eq "cycle $k: no address is held by two endpoints (IPv4)" "" "$(jq -r '.[].ipv4' <<<"$eps" | sort | uniq -d)"
    check_eq "cycle $k: no address is held by two endpoints (IPv6)" "" "$(jq -r '.[].ipv6' <<<"$eps" | sort | uniq -d)"
    check_eq "cycle $k: the network counts the endpoints" "$n_eps" "$(netctl network inspect cr --json | jq .endpoints)"
    check_eq "cycle $k: free addresses = 253 - endpoints" "$((253 - n_eps))" \
        "$(netctl network inspect cr --json | jq .free_addresses)"
    check_eq "cycle $k: one endpoint file per endpoint" "$n_eps" "$(endpoint_files)"

    # every container not in the state has no eth0
    problems=""
    attached=" $(jq -r '.[].container' <<<"$eps" | tr '\n' ' ')"
    for ((i = 1; i <= N; i++)); do
        [[ "$attached" == *" c$i "* ]] && continue
        in_ctr "c$i" ip link show eth0 >/dev/null 2>&1 && problems+="c$i has an eth0 but no endpoint; "
        [ "$(in_ctr "c$i" ip -o link show | wc -l)" = 1 ] || problems+="c$i has links besides lo; "
    done
    check_eq "cycle $k: containers not in the state have no eth0" "" "$problems"
}

for ((i = 1; i <= N; i++)); do ctr_start "c$i"; done

netd_start
check "create network cr" netctl network create cr --subnet 10.20.0.0/24 --subnet6 fd00:20::/64

for ((k = 1; k <= CYCLES; k++)); do
    : >"$T/acked"
    attach_loop 1 "$N" "$T/acked" &
    loop_pid=$!
    # a random delay of 0.2 to 0.6 s; on a fast machine the kill comes earlier, once all but
    # a few attaches are done, so that it always lands in the middle of the series
    delay_ms=$((200 + RANDOM % 401))
    deadline=$(($(date +%s%N) + delay_ms * 1000000))
    for ((w = 0; w < 100; w++)); do
        [ "$(date +%s%N)" -lt "$deadline" ] || break
        [ "$(endpoint_files)" -lt "$((N - 5))" ] || break
        sleep 0.01
    done
    netd_kill9
    echo "# cycle $k: netd killed after $(((($(date +%s%N) - deadline) / 1000000) + delay_ms)) ms (drawn: $delay_ms ms)"
    # the loop ends once netd is gone; bounded wait, then it is ours to end
    for ((w = 0; w < 200; w++)); do
        kill -0 "$loop_pid" 2>/dev/null || break
        sleep 0.05
    done
    kill "$loop_pid" 2>/dev/null
    wait "$loop_pid" 2>/dev/null
    check "cycle $k: the socket file of the killed netd is still there" test -S "$T/run/netd.sock"
    echo "# cycle $k: $(leftover_tmp_files) temporary state file(s) left by the kill"

    log_mark=$(wc -l <"$T/netd.log")
    netd_start
    check "cycle $k: netd restarts over the stale socket" netctl info
    echo "# cycle $k: reconcile removed $(tail -n +"$((log_mark + 1))" "$T/netd.log" | grep -c 'removed orphan') orphan(s)"
    consistency "$k"
    missing=""
    while read -r c; do
        [ -e "$T/state/endpoints/$c@cr.json" ] || missing+="$c "
    done <"$T/acked"
    check_eq "cycle $k: every attach netd acknowledged before the kill survived it ($(wc -l <"$T/acked") acked)" "" "$missing"
    check "cycle $k: some attaches were still to come when netd was killed" test "$CYCLE_ATTACHED" -lt "$N"

    # attach the rest, then check the full picture once more
    out=""
    for ((i = 1; i <= N; i++)); do
        [ -e "$T/state/endpoints/c$i@cr.json" ] && continue
        netctl attach "c$i" --pid "$(ctr_pid "c$i")" --network cr >/dev/null 2>&1 || out+="c$i "
    done
    check_eq "cycle $k: the remaining containers attach" "" "$out"
    check_eq "cycle $k: all $N attached" "$N" "$(netctl ls --json | jq length)"
    check_eq "cycle $k: $N vn* veths" "$N" "$(kernel_veths | wc -l)"
    check_eq "cycle $k: $N distinct IPv4 addresses" "$N" "$(netctl ls --json | jq -r '.[].ipv4' | sort -u | wc -l)"
    check "cycle $k: c1 pings c$N" ping_ok c1 "$(netctl inspect "c$N" --json | jq -r '.endpoints[0].ipv4 | split("/")[0]')"

    out=""
    for ((i = 1; i <= N; i++)); do
        netctl detach "c$i" >/dev/null 2>&1 || out+="c$i "
    done
    check_eq "cycle $k: every container detaches" "" "$out"
    check_eq "cycle $k: zero vn* veths" 0 "$(kernel_veths | wc -l)"
    check_eq "cycle $k: zero endpoint files" 0 "$(endpoint_files)"
    check_eq "cycle $k: zero endpoints listed" 0 "$(netctl ls --json | jq length)"
    check_eq "cycle $k: all 253 addresses free again" 253 "$(netctl network inspect cr --json | jq .free_addresses)"
    problems=""
    for ((i = 1; i <= N; i++)); do
        [ "$(in_ctr "c$i" ip -o link show | wc -l)" = 1 ] || problems+="c$i "
    done
    check_eq "cycle $k: every container is back to lo only" "" "$problems"
done

check "rm network cr" netctl network rm cr

# ---- killed between creating a bridge and marking it (the alias is a second request) ----------
check "network zz" netctl network create zz --subnet 10.77.0.0/24
check "network zy" netctl network create zy --subnet 10.78.0.0/24
netd_kill9
# zz: as if netd died before writing its state file; zy: before the alias, state written
rm -f "$T/state/networks/zz.json"
ip link set nd-zz alias ""
ip link set nd-zy alias ""
netd_start
check_fails "an unmarked bridge with netd's MAC and no network is removed as an orphan" \
    ip link show nd-zz
check_match "and logged" "removed orphan bridge 'nd-zz'" "$(cat "$T/netd.log")"
check_match "an unmarked bridge of a network netd has is adopted, marked again" "alias netd:zy" \
    "$(ip -d link show nd-zy)"
check "the network can be created again after all" netctl network create zz --subnet 10.77.0.0/24
ip link add nd-user type bridge
netctl network rm zz zy >/dev/null
netd_stop
netd_start
check "a bridge without netd's MAC is never touched" ip link show nd-user
ip link del nd-user
netd_stop
check_eq "netd exits 0 on SIGTERM (ASan leak check included)" 0 "$?"
finish
