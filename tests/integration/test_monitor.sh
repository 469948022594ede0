#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_monitor.sh - netd notices links removed behind its back while it runs: it repairs a
# deleted veth or bridge and forgets a container whose network namespace died
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

netd_start
check "create network web" netctl network create web --subnet 10.90.0.0/24
ctr_start c1
ctr_start c2
check "attach c1" netctl attach c1 --pid "$(ctr_pid c1)" --network web
check "attach c2" netctl attach c2 --netns "$T/ns/c2" --network web
host1=$(netctl inspect c1 --json | sed -n 's/.*"host_ifname": "\(vn[0-9a-f]*\)".*/\1/p')
idx_c2=$(ip -o link show "$(netctl inspect c2 --json | sed -n 's/.*"host_ifname": "\(vn[0-9a-f]*\)".*/\1/p')" | cut -d: -f1)

# a host veth deleted by hand takes the container's eth0 with it: netd rebuilds both
ip link del "$host1"
wait_for "c1's eth0 to come back" 50 in_ctr c1 sh -c "ip -o addr show eth0 | grep -q 'inet 10.90.0.2/24'"
check "c1's eth0 is back with its address" in_ctr c1 sh -c "ip -o addr show eth0 | grep -q 'inet 10.90.0.2/24'"
check "c1's default route is back" in_ctr c1 sh -c "ip route show default | grep -q 'via 10.90.0.1'"
check "c1 pings c2 again" ping_ok c1 10.90.0.3
check "the log says what happened" grep -q "'$host1' was missing, recreated" "$T/netd.log"

# a bridge deleted by hand: netd recreates it and puts the surviving ports back on it
ip link del nd-web
wait_for "bridge nd-web to come back" 50 ip link show nd-web
check "bridge nd-web is back with its gateway" sh -c "ip -o addr show nd-web | grep -q 'inet 10.90.0.1/24'"
wait_for "c1 to reach c2 again" 30 ping_ok c1 10.90.0.3
check "c1 pings c2 through the new bridge" ping_ok c1 10.90.0.3
check "c2's veth was kept, not rebuilt (same ifindex)" sh -c "ip -o link show master nd-web | grep -q '^$idx_c2:'"

# the container dies: its netns goes, and so does its endpoint
ctr_stop c2
wait_for "c2 to be forgotten" 50 sh -c "! '$NETCTL_BIN' --socket '$T/run/netd.sock' ls -q | grep -qx c2"
check_fails "c2 is no longer listed" sh -c "'$NETCTL_BIN' --socket '$T/run/netd.sock' ls -q | grep -qx c2"
check "the log says its netns is gone" grep -q "'c2' on 'web': container netns is gone" "$T/netd.log"
check_eq "c2's address went back to the pool" "252" \
    "$(netctl network inspect web --json | sed -n 's/.*"free_addresses": \([0-9]*\).*/\1/p')"
check_eq "one host veth left" "1" "$(count_host_veths)"

# netd's own detach is not mistaken for interference
check "detach c1" netctl detach c1
sleep 0.3
check_fails "no repair after netd's own detach" in_ctr c1 ip link show eth0
netd_stop
check_eq "netd exits 0" 0 "$?"
finish
