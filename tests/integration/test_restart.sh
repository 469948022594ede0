#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_restart.sh - restart adopts kernel objects untouched, repairs drift, forgets gone netns, removes orphans
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

command -v jq >/dev/null || skip "jq not found"

# name=ifindex of every bridge and host veth netd owns or may own, sorted
ifindexes() {
    ip -j link show | jq -r '.[] | select(.ifname | test("^(vn[0-9a-f]{8}|nd-.*|netd0)$")) | "\(.ifname)=\(.ifindex)"' | sort | tr '\n' ' '
}
# the endpoints as netctl shows them, reduced to what must survive a restart
endpoints() {
    netctl ls --json | jq -c 'sort_by(.container, .network) | map({container, network, ifname, ipv4, ipv6, mac, host_ifname})'
}
# interfaces, MACs and addresses inside a container
ctr_view() {
    in_ctr "$1" ip -j addr show | jq -c 'map(select(.ifname != "lo") | {ifname, address, addrs: [.addr_info[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"]})'
}
master_of() { ip -j link show dev "$1" 2>/dev/null | jq -r '.[0].master // empty'; }
log_since() { tail -n +"$(($1 + 1))" "$T/netd.log"; }
log_lines() { wc -l <"$T/netd.log"; }

netd_start
check "create network r1" netctl network create r1 --subnet 10.31.0.0/24
check "create network r2 (dual stack)" netctl network create r2 --subnet 10.32.0.0/24 --subnet6 fd00:32::/64
check "create network r3 (stays empty)" netctl network create r3 --subnet 10.33.0.0/24
for c in c1 c2 c3 c5; do ctr_start "$c"; done
check "attach c1 to r1 by pid" netctl attach c1 --pid "$(ctr_pid c1)" --network r1
check "attach c2 to r1 by netns path" netctl attach c2 --netns "$T/ns/c2" --network r1
check "attach c3 to r2 by pid" netctl attach c3 --pid "$(ctr_pid c3)" --network r2
check "attach c1 to r2 as well" netctl attach c1 --pid "$(ctr_pid c1)" --network r2
check "attach c5 to r2 by netns path" netctl attach c5 --netns "$T/ns/c5" --network r2
check_eq "5 endpoints listed" 5 "$(netctl ls --json | jq length)"

idx_before=$(ifindexes)
eps_before=$(endpoints)
declare -A VIEW
for c in c1 c2 c3 c5; do VIEW[$c]=$(ctr_view "$c"); done
check_match "recorded the ifindexes of 4 bridges and 5 veths" "^([^ ]+ ){9}$" "$idx_before"
check_match "c1 view has eth0 and eth1" '"ifname":"eth0".*"ifname":"eth1"' "${VIEW[c1]}"

# a ping that runs across the restart: 0.1 s apart, bounded by -w
nsenter --net="$T/ns/c1" -- ping -n -i 0.1 -w 50 10.31.0.3 >"$T/ping.out" 2>&1 &
PING_PID=$!
sleep 1

# ---- SIGTERM: everything stays while netd is down ---------------------------------------------
netd_stop
check_eq "netd exits 0 on SIGTERM" 0 "$?"
check_fails "the socket file is gone while netd is down" test -S "$T/run/netd.sock"
check_eq "bridges and veths are all still there, same ifindexes" "$idx_before" "$(ifindexes)"
for c in c1 c2 c3 c5; do
    check_eq "$c keeps its interfaces and addresses while netd is down" "${VIEW[$c]}" "$(ctr_view "$c")"
done
check "c1 pings c2 while netd is down" ping_ok c1 10.31.0.3
check "c2 pings its gateway while netd is down" ping_ok c2 10.31.0.1
check "c3 pings c1 on r2 while netd is down" ping_ok c3 10.32.0.3
sleep 0.5

log_mark=$(log_lines)
netd_start
sleep 0.5
kill -INT "$PING_PID" 2>/dev/null
wait "$PING_PID"
stats=$(grep 'packets transmitted' "$T/ping.out")
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' <<<"$stats")
recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$stats")
check_match "the running ping sent packets across the restart" "^[0-9]+$" "$sent"
check "the running ping sent at least 15" test "${sent:-0}" -ge 15
check "the running ping lost at most the one in flight at its end ($recv of $sent)" test "${recv:-0}" -ge "$((${sent:-0} - 1))"

check_eq "after restart: same endpoints, addresses and MACs" "$eps_before" "$(endpoints)"
check_eq "after restart: same ifindex of every bridge and host veth (adopted untouched)" "$idx_before" "$(ifindexes)"
for c in c1 c2 c3 c5; do
    check_eq "after restart: $c unchanged" "${VIEW[$c]}" "$(ctr_view "$c")"
done
check_fails "the restart repaired nothing" sh -c "tail -n +$((log_mark + 1)) '$T/netd.log' | grep -E 'repaired|recreated|orphan|gone'"
check_eq "after restart: 4 networks" "netd r1 r2 r3" "$(netctl network ls -q | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "after restart: r1 counts 2 endpoints" 2 "$(netctl network inspect r1 --json | jq .endpoints)"
check_eq "after restart: r1 free addresses count the used ones" 251 "$(netctl network inspect r1 --json | jq .free_addresses)"

ctr_start c4
out=$(netctl attach c4 --pid "$(ctr_pid c4)" --network r1)
check_match "IPAM continues after restart: c4 gets the fresh 10.31.0.4" "ipv4: +10\.31\.0\.4/24" "$out"
out=$(netctl attach c4 --pid "$(ctr_pid c4)" --network r2)
check_match "IPAM continues on r2: 10.32.0.5 (c3, c1, c5 hold .2-.4)" "ipv4: +10\.32\.0\.5/24" "$out"
check_match "IPAM6 continues on r2: fd00:32::5" "ipv6: +fd00:32::5/64" "$out"
check_eq "no address is held twice" "" "$(netctl ls --json | jq -r '.[].ipv4' | sort | uniq -d)"
check "c4 pings c1" ping_ok c4 10.31.0.2

# ---- drift: a deleted veth, a deleted bridge, a veth off its bridge, a lost gateway address ----
netd_stop
check_eq "netd exits 0 on SIGTERM (before drift)" 0 "$?"
hc2=$(jq -r .host_ifname "$T/state/endpoints/c2@r1.json")
mac_c2=$(jq -r .mac "$T/state/endpoints/c2@r1.json")
hc4=$(jq -r .host_ifname "$T/state/endpoints/c4@r2.json")
check_match "c2's host veth is named by netd" "^vn[0-9a-f]{8}$" "$hc2"
ip link del "$hc2" || hard_error "cannot delete $hc2"
check_fails "c2 lost its eth0 with the veth" in_ctr c2 ip link show eth0
ip link del nd-r3 || hard_error "cannot delete nd-r3"
ip link set "$hc4" nomaster || hard_error "cannot take $hc4 off its bridge"
ip addr del 10.32.0.1/24 dev nd-r2 || hard_error "cannot delete the r2 gateway address"
idx_r1=$(ip -j link show dev nd-r1 | jq .[0].ifindex)

log_mark=$(log_lines)
netd_start
log=$(log_since "$log_mark")
check "c2's host veth is back" ip link show "$hc2"
check_eq "c2's host veth is on nd-r1" "nd-r1" "$(master_of "$hc2")"
check_eq "c2's eth0 is back with its address" "10.31.0.3/24" \
    "$(in_ctr c2 ip -j addr show dev eth0 | jq -r '[.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"] | join(" ")')"
check_eq "c2's eth0 has its MAC again" "$mac_c2" "$(in_ctr c2 ip -j link show dev eth0 | jq -r .[0].address)"
check_eq "c2's default route is back" "10.31.0.1" "$(in_ctr c2 ip -j route show default | jq -r '.[0].gateway')"
check "c2 pings c1 after the repair" ping_ok c2 10.31.0.2
check_match "the log says c2's veth was recreated" "endpoint 'c2' on 'r1': veth '$hc2' was missing, recreated" "$log"
check "bridge nd-r3 is back" ip link show nd-r3
check_eq "nd-r3 has its gateway address" "10.33.0.1/24" \
    "$(ip -j addr show dev nd-r3 | jq -r '[.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"] | join(" ")')"
check_eq "nd-r3 has its alias" "netd:r3" "$(ip -j -d link show dev nd-r3 | jq -r '.[0].ifalias')"
check_match "the log says nd-r3 was repaired" "network 'r3': bridge 'nd-r3' repaired" "$log"
check_eq "c4's veth is back on nd-r2" "nd-r2" "$(master_of "$hc4")"
check_match "the log says c4's veth was put back (or recreated)" "veth '$hc4' (put back on bridge 'nd-r2'|was missing, recreated)" "$log"
check "c4 pings c3 on r2 after the repair" ping_ok c4 10.32.0.2
check_match "nd-r2 has its gateway address again" "10\.32\.0\.1/24" "$(ip -o addr show dev nd-r2)"
check_match "the log says nd-r2 was repaired" "network 'r2': bridge 'nd-r2' repaired" "$log"
check "c3 pings its gateway after the repair" ping_ok c3 10.32.0.1
check_eq "the intact bridge nd-r1 kept its ifindex" "$idx_r1" "$(ip -j link show dev nd-r1 | jq .[0].ifindex)"
check_eq "the repair changed no endpoint in the API" 7 "$(netctl ls --json | jq length)"

# ---- gone netns: the container ended while netd was down --------------------------------------
netd_stop
check_eq "netd exits 0 on SIGTERM (before gone)" 0 "$?"
ip3=$(jq -r .ipv4 "$T/state/endpoints/c3@r2.json")
ip5=$(jq -r .ipv4 "$T/state/endpoints/c5@r2.json")
h3=$(jq -r .host_ifname "$T/state/endpoints/c3@r2.json")
ctr_stop c3
ctr_stop c5
log_mark=$(log_lines)
netd_start
log=$(log_since "$log_mark")
check_fails "c3's endpoint is no longer listed" sh -c "'$NETCTL_BIN' --socket '$T/run/netd.sock' ls -q | grep -x c3"
check_fails "c5's endpoint is no longer listed" sh -c "'$NETCTL_BIN' --socket '$T/run/netd.sock' ls -q | grep -x c5"
check_fails "c3's endpoint file is gone" test -e "$T/state/endpoints/c3@r2.json"
check_fails "c5's endpoint file is gone" test -e "$T/state/endpoints/c5@r2.json"
check_match "the log says c3's netns is gone (pid)" "endpoint 'c3' on 'r2': container netns is gone" "$log"
check_match "the log says c5's netns is gone (netns path)" "endpoint 'c5' on 'r2': container netns is gone" "$log"
check_fails "c3's host veth is gone" ip link show "$h3"
check_eq "the other endpoints stay" "c1@r1 c1@r2 c2@r1 c4@r1 c4@r2" \
    "$(netctl ls --json | jq -r '.[] | "\(.container)@\(.network)"' | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "r2 counts 2 endpoints" 2 "$(netctl network inspect r2 --json | jq .endpoints)"
ctr_start c6
out=$(netctl attach c6 --pid "$(ctr_pid c6)" --network r2 --ip "${ip3%/*}" 2>&1)
check_match "c3's address was freed: c6 may take it" "ipv4: +${ip3//./\\.}" "$out"
ctr_start c7
out=$(netctl attach c7 --pid "$(ctr_pid c7)" --network r2 --ip "${ip5%/*}" 2>&1)
check_match "c5's address was freed: c7 may take it" "ipv4: +${ip5//./\\.}" "$out"

# ---- orphans: netd-looking leftovers go, everything else stays --------------------------------
netd_stop
check_eq "netd exits 0 on SIGTERM (before orphans)" 0 "$?"
ip link add vn0000dead type veth peer name deadpeer0 || hard_error "veth vn0000dead"
ip link set vn0000dead master nd-r1
ip link add ndghost type bridge || hard_error "bridge ndghost"
ip link set ndghost alias netd:ghost
ip link add mybr0 type bridge || hard_error "bridge mybr0"
ip link add other0 type veth peer name other1 || hard_error "veth other0"
ip link set other0 master mybr0
ip link add vn0000beef type veth peer name beefpeer0 || hard_error "veth vn0000beef"
ip link set vn0000beef master mybr0
ip link add other2 type veth peer name other3 || hard_error "veth other2"
ip link set other2 master nd-r1
idx_keep=$(ifindexes)
log_mark=$(log_lines)
netd_start
log=$(log_since "$log_mark")
check_fails "orphan veth vn0000dead on a netd bridge is removed" ip link show vn0000dead
check_fails "its peer went with it" ip link show deadpeer0
check_fails "orphan bridge with alias netd:ghost is removed" ip link show ndghost
check_match "the log names the orphan veth" "removed orphan veth 'vn0000dead'" "$log"
check_match "the log names the orphan bridge" "removed orphan bridge 'ndghost'" "$log"
check "unrelated bridge mybr0 stays" ip link show mybr0
check "unrelated veth other0 stays" ip link show other0
check_eq "other0 stays on mybr0" "mybr0" "$(master_of other0)"
check "a vn-named veth on a foreign bridge stays" ip link show vn0000beef
check_eq "vn0000beef stays on mybr0" "mybr0" "$(master_of vn0000beef)"
check_eq "a foreign-named veth on a netd bridge stays there" "nd-r1" "$(master_of other2)"
check_eq "netd's own bridges and veths were not touched" \
    "$(sed 's/vn0000dead=[0-9]* //; s/vn0000beef=[0-9]* //' <<<"$idx_keep")" \
    "$(ifindexes | sed 's/vn0000beef=[0-9]* //')"
check "c1 still pings c2" ping_ok c1 10.31.0.3

# ---- clean up through the API -----------------------------------------------------------------
for c in c1 c2 c4 c6 c7; do netctl detach "$c" >/dev/null; done
check_eq "no endpoint left" 0 "$(netctl ls --json | jq length)"
check_eq "only the foreign vn0000beef remains as a vn veth" "vn0000beef" \
    "$(ip -o link show type veth | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^vn' | tr '\n' ' ' | sed 's/ $//')"
check "rm the networks" netctl network rm r1 r2 r3
check_eq "no endpoint files left" 0 "$(ls "$T/state/endpoints" | wc -l)"
netd_stop
check_eq "netd exits 0 on SIGTERM (ASan leak check included)" 0 "$?"
finish
