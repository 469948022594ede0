#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_attach.sh - attach/detach containers on a network: addresses, routes, ping, cleanup
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

netd_start
check "create network web" netctl network create web --subnet 10.90.0.0/24
ctr_start c1
ctr_start c2

out=$(netctl attach c1 --pid "$(ctr_pid c1)" --network web)
check_match "attach by pid prints the endpoint" "ipv4: +10\.90\.0\.2/24 via 10\.90\.0\.1" "$out"
out=$(netctl attach c2 --netns "$T/ns/c2" --network web)
check_match "attach by netns path gets the next address" "ipv4: +10\.90\.0\.3/24" "$out"

check "c1 has eth0 with its address" in_ctr c1 sh -c "ip -o addr show dev eth0 | grep -q 'inet 10.90.0.2/24'"
check "c1 default route via the gateway" in_ctr c1 sh -c "ip route show default | grep -q 'via 10.90.0.1 dev eth0'"
check "c1 lo is up" in_ctr c1 sh -c "ip -o link show lo | grep -q 'UP'"
check "c1 pings c2" ping_ok c1 10.90.0.3
check "c2 pings c1" ping_ok c2 10.90.0.2
check "c1 pings the gateway" ping_ok c1 10.90.0.1
check "the sandbox host pings c1" ping -c 1 -W 2 10.90.0.2

mac_api=$(netctl inspect c1 --json | sed -n 's/.*"mac": "\([0-9a-f:]*\)".*/\1/p' | head -1)
check_eq "container MAC matches the API" "$mac_api" "$(in_ctr c1 ip -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)"
check_match "MAC is locally administered" '^[0-9a-f][26ae]:' "$mac_api"

host_if=$(netctl inspect c1 --json | sed -n 's/.*"host_ifname": "\(vn[0-9a-f]*\)".*/\1/p' | head -1)
check "host veth is on the bridge" sh -c "ip -o link show $host_if | grep -q 'master nd-web'"
check "hairpin is on for the host veth" sh -c "ip -d link show $host_if | grep -q 'hairpin on'"
check_eq "the API's host_mac is the host veth's" \
    "$(ip -o link show "$host_if" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)" \
    "$(netctl inspect c1 --format '{{json .endpoints}}' | sed -n 's/.*"host_mac":"\([0-9a-f:]*\)".*/\1/p')"
check "the host veth has IPv6 off (a bridge port needs no address)" \
    sh -c "test \$(cat /proc/sys/net/ipv6/conf/$host_if/disable_ipv6) = 1"
check "an IPv4-only network leaves eth0 without IPv6 addresses" \
    in_ctr c1 sh -c "! ip -6 -o addr show dev eth0 | grep -q inet6"

check "ls lists both" sh -c "'$NETCTL_BIN' --socket '$T/run/netd.sock' ls | grep -c '^c[12] ' | grep -q 2"

# a second network: the container gets eth1, the default route stays on eth0
check "create network back" netctl network create back --subnet 10.91.0.0/24
check "attach c1 to back" netctl attach c1 --pid "$(ctr_pid c1)" --network back
check "c1 got eth1 on back" in_ctr c1 sh -c "ip -o addr show dev eth1 | grep -q 'inet 10.91.0.2/24'"
check "c1 has one default route" sh -c "test \$(nsenter --net='$T/ns/c1' ip route show default | wc -l) = 1"
check_fails "attach c1 to back twice" netctl attach c1 --pid "$(ctr_pid c1)" --network back
check_fails "attach c1 from another netns" netctl attach c1 --pid "$(ctr_pid c2)" --network netd

# requested address and MAC
ctr_start c3
check "attach c3 with --ip and --mac" netctl attach c3 --pid "$(ctr_pid c3)" --network web --ip 10.90.0.50 --mac 02:aa:bb:cc:dd:ee --ifname net0
check "c3 has the requested address on net0" in_ctr c3 sh -c "ip -o addr show dev net0 | grep -q 'inet 10.90.0.50/24'"
check "c3 has the requested MAC" in_ctr c3 sh -c "ip -o link show net0 | grep -q '02:aa:bb:cc:dd:ee'"
ctr_start c4
check_fails "an address in use is refused" netctl attach c4 --pid "$(ctr_pid c4)" --network web --ip 10.90.0.50
check_fails "the gateway address is refused" netctl attach c4 --pid "$(ctr_pid c4)" --network web --ip 10.90.0.1
check_fails "the broadcast address is refused" netctl attach c4 --pid "$(ctr_pid c4)" --network web --ip 10.90.0.255
check_eq "refused attaches left no veth in c4" "1" "$(in_ctr c4 ip -o link show | wc -l)"

check_fails "network rm refused while endpoints are attached" netctl network rm web
out=$(netctl network rm web 2>&1)
check_match "the refusal names the reason" "endpoint" "$out"

# detach
check "detach c1 from back only" netctl detach c1 --network back
check_fails "c1 has no eth1 after detach" in_ctr c1 ip link show eth1
check "c1 still pings c2" ping_ok c1 10.90.0.3
check "detach c1 everywhere" netctl detach c1
check_fails "c1 has no eth0 after detach" in_ctr c1 ip link show eth0
check_fails "detach c1 again is an error" netctl detach c1
check "detach c2 and c3" sh -c "'$NETCTL_BIN' --socket '$T/run/netd.sock' detach c2 && '$NETCTL_BIN' --socket '$T/run/netd.sock' detach c3"
check_eq "no host veth left" "0" "$(count_host_veths)"

# released addresses come back (after the cursor wraps) and never twice
out=$(netctl attach c4 --pid "$(ctr_pid c4)" --network web)
check_match "a new attach gets a fresh address" "ipv4: +10\.90\.0\.(4|5|6)/24" "$out"
check "detach c4" netctl detach c4

# "default_route": false (netctl attach --no-default-route): none even as the first network,
# and none when netd rebuilds the veth
out=$(netctl attach c4 --pid "$(ctr_pid c4)" --network web --no-default-route --json)
check_match "--no-default-route: the endpoint says so" '"default_route": false' "$out"
check_eq "--no-default-route: no default route in the container" "" \
    "$(in_ctr c4 ip route show default)"
check "but the subnet route is there" in_ctr c4 sh -c "ip route show | grep -q '^10.90.0.0/24 dev eth0'"
ip link del "$(netctl ls --format '{{.container}} {{.host_ifname}}' | awk '$1 == "c4" { print $2 }')"
wait_for "the veth of c4 to be rebuilt" 50 in_ctr c4 ip link show eth0 >/dev/null
check_eq "a rebuilt veth gets no default route either" "" "$(in_ctr c4 ip route show default)"
check "detach c4 again" netctl detach c4
api POST /v1/endpoints '{"container":"c4","pid":1,"default_route":"no"}' >/dev/null
check_eq "default_route must be a boolean: 400" 400 "$API_STATUS"

# A detach answers once its veths are gone, but netd serves others meanwhile: deleting a veth
# waits ~20 ms for an RCU barrier in the kernel, so netd does it on a thread of its own, which
# deletes what is queued together (one link group, one barrier). The test-only delay holds each
# batch back 300 ms, so the checks below have time to act while veths are still queued.
# c5 on NDET networks: its detach queues them newest first; the thread takes them in one or two
# batches (d20 alone when it wakes before the loop queued the rest).
NDET=20
netd_stop
export NETD_TEST_REAPER_DELAY_MS=300
netd_start
unset NETD_TEST_REAPER_DELAY_MS
ctr_start c5
for ((i = 1; i <= NDET; i++)); do
    netctl network create "d$i" --subnet "10.91.$i.0/24" >/dev/null || hard_error "network d$i"
done
c5_attach_from() { # c5_attach_from K: attach c5 to dK..dNDET
    local k
    for ((k = $1; k <= NDET; k++)); do
        netctl attach c5 --pid "$(ctr_pid c5)" --network "d$k" >/dev/null || hard_error "c5 on d$k"
    done
}
veths_are() { [ "$(count_host_veths)" -eq "$1" ]; }
c5_forgotten() { api GET /v1/endpoints/c5 >/dev/null && [ "$API_STATUS" = 404 ]; }
c5_detach_begun() { # start `netctl detach c5`; return once netd has taken it (c5 is unknown),
    # its veths queued behind the 300 ms delay (10 s at most)
    local k
    netctl detach c5 >"$T/detach-c5.out" 2>&1 &
    DETACH_PID=$!
    for ((k = 0; k < 1000; k++)); do
        c5_forgotten && return 0
        sleep 0.01
    done
}
c5_attach_from 1
veths_before=$(count_host_veths)
log_mark=$(wc -l <"$T/netd.log")
ip link add nd-foreign type veth peer name nd-foreign-p &&
    ip link set nd-foreign group 1852142691 ||
    hard_error "a link of someone else's"
c5_detach_begun
api GET /v1/health >/dev/null
left=$(count_host_veths)
check_eq "GET /v1/health answers during the detach" 200 "$API_STATUS"
check "... while the detach still has veths to delete ($left of $veths_before left)" \
    test "$left" -gt $((veths_before - NDET))
api POST /v1/endpoints "{\"container\":\"c5\",\"pid\":$(ctr_pid c5),\"network\":\"d1\"}" >"$T/attach-c5.out"
out=$(cat "$T/attach-c5.out")
check_eq "attaching c5 to d1 while its old veth is being deleted: 409" 409 "$API_STATUS"
check_match "... saying why" "still being detached from 'd1'" "$out"
wait "$DETACH_PID"
check_eq "the detach succeeds" 0 "$?"
check_match "... and names all $NDET networks" "d1\b.*d$NDET\b|d$NDET\b.*d1\b" "$(tr '\n' ' ' <"$T/detach-c5.out")"
check_eq "when it answers, its $NDET veths are gone" $((veths_before - NDET)) "$(count_host_veths)"
grouped=$(tail -n +"$((log_mark + 1))" "$T/netd.log" |
    awk '/deleted [0-9]+ veths in one request/ { n += $4 } END { print n + 0 }')
check "at least $((NDET - 1)) of them deleted as link groups (only the first may go alone)" \
    test "$grouped" -ge $((NDET - 1))
check_fails "c5 has no eth0" in_ctr c5 ip link show eth0
check_eq "c5 has no interface but lo" 1 "$(in_ctr c5 ip -o link show | wc -l)"
check "a link of someone else's in a neighbouring group is untouched" ip link show nd-foreign
check_eq "no link is left in netd's deletion group" "" "$(ip -o link show group 1852142692)"
ip link del nd-foreign
check "attaching c5 to d1 works now" netctl attach c5 --pid "$(ctr_pid c5)" --network d1
c5_attach_from 2
# a client that gives up before the answer: netd finishes the detach and answers nobody
curl -s -m 0.05 --unix-socket "$T/run/netd.sock" -X DELETE http://netd/v1/endpoints/c5 >/dev/null
check_eq "a client can give up waiting for a detach (curl timed out)" 28 "$?"
check "the detach still completes" wait_for "c5's veths gone" 100 veths_are $((veths_before - NDET))
check_fails "c5 is not attached anymore" netctl inspect c5
check "netd still answers" netctl info
# SIGTERM while a detach is deleting veths: netd finishes it and answers before it goes
c5_attach_from 1
c5_detach_begun
netd_stop
check_eq "netd stopped during a detach exits 0" 0 "$?"
wait "$DETACH_PID"
check_eq "the detach it was doing is answered: success" 0 "$?"
check_eq "... with every network" "$NDET" "$(grep -c 'detached from' "$T/detach-c5.out")"
check_eq "... and every veth gone" $((veths_before - NDET)) "$(count_host_veths)"
netd_start
for ((i = 1; i <= NDET; i++)); do
    netctl network rm "d$i" >/dev/null || hard_error "network rm d$i"
done
check "network rm web" netctl network rm web
check "network rm back" netctl network rm back
check_fails "bridge nd-web is gone" ip link show nd-web
check_fails "bridge nd-back is gone" ip link show nd-back
check_fails "the default network cannot be removed" netctl network rm netd
check_eq "only netd0 remains" "1" "$(count_bridges)"
check_eq "no state file left for endpoints" "0" "$(ls "$T/state/endpoints" | wc -l)"

netd_stop
check_eq "netd exits 0 on SIGTERM (ASan leak check included)" 0 "$?"
finish
