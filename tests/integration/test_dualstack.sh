#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_dualstack.sh - IPv6 next to IPv4: addresses, default routes, ping -6, --ip6, /60 subnets
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

command -v jq >/dev/null || skip "jq not found"
[ -e /proc/sys/net/ipv6/conf/all/forwarding ] || skip "no IPv6 in this kernel"

apic() { # apic METHOD PATH [BODY]: api in this shell: body in $API_BODY, status in $API_STATUS
    api "$@" >"$T/api.body"
    API_BODY=$(cat "$T/api.body")
}
ctr_addrs() { # ctr_addrs CTR FAMILY [DEV]: global addresses of DEV in the container
    in_ctr "$1" ip -j addr show dev "${3:-eth0}" 2>/dev/null |
        jq -r "[.[0].addr_info[] | select(.family==\"$2\" and .scope==\"global\") | \"\(.local)/\(.prefixlen)\"] | join(\" \")"
}
no_tentative_ctr() { [ -z "$(in_ctr "$1" ip -6 addr show tentative)" ]; }
no_tentative_host() { [ -z "$(ip -6 addr show dev "$1" tentative)" ]; }
ping6_ok() { in_ctr "$1" ping -6 -c 1 -W 2 "$2"; }
net_field() { netctl network inspect "$1" --json | jq -r ".$2"; }

netd_start
check "create dual-stack network v6" netctl network create v6 --subnet 10.40.0.0/24 --subnet6 fd00:90::/64
check_eq "v6: subnet6 in the API" "fd00:90::/64" "$(net_field v6 subnet6)"
check_eq "v6: gateway6 defaults to ::1" "fd00:90::1" "$(net_field v6 gateway6)"
check_eq "v6: state file has subnet6" "fd00:90::/64" "$(jq -r .subnet6 "$T/state/networks/v6.json")"
check_match "bridge nd-v6 holds fd00:90::1/64" "fd00:90::1/64" \
    "$(ip -j addr show dev nd-v6 | jq -r '[.[0].addr_info[] | select(.family=="inet6") | "\(.local)/\(.prefixlen)"] | join(" ")')"
check_eq "bridge nd-v6 still holds 10.40.0.1/24" "10.40.0.1/24" \
    "$(ip -j addr show dev nd-v6 | jq -r '[.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"] | join(" ")')"
check_eq "IPv6 forwarding is on in the sandbox" 1 "$(cat /proc/sys/net/ipv6/conf/all/forwarding)"
check_match "network ls shows subnet6" "^v6 +nd-v6 +10\.40\.0\.0/24 +10\.40\.0\.1 +fd00:90::/64 " "$(netctl network ls | grep '^v6 ')"

ctr_start c1
ctr_start c2
out=$(netctl attach c1 --pid "$(ctr_pid c1)" --network v6)
check_match "c1 gets fd00:90::2/64 via fd00:90::1" "ipv6: +fd00:90::2/64 via fd00:90::1" "$out"
check_match "c1 gets 10.40.0.2/24 too" "ipv4: +10\.40\.0\.2/24 via 10\.40\.0\.1" "$out"
out=$(netctl attach c2 --netns "$T/ns/c2" --network v6)
check_match "c2 gets fd00:90::3/64" "ipv6: +fd00:90::3/64" "$out"
check_eq "c1 eth0 IPv6 address in the kernel" "fd00:90::2/64" "$(ctr_addrs c1 inet6)"
check_eq "c1 eth0 IPv4 address in the kernel" "10.40.0.2/24" "$(ctr_addrs c1 inet)"
check_eq "c2 eth0 IPv6 address in the kernel" "fd00:90::3/64" "$(ctr_addrs c2 inet6)"
check_eq "c1 IPv6 default route via fd00:90::1" "fd00:90::1 eth0" \
    "$(in_ctr c1 ip -6 -j route show default | jq -r '.[0] | "\(.gateway) \(.dev)"')"
check_eq "c1 IPv4 default route via 10.40.0.1" "10.40.0.1 eth0" \
    "$(in_ctr c1 ip -j route show default | jq -r '.[0] | "\(.gateway) \(.dev)"')"
check_eq "c2 IPv6 default route via fd00:90::1" "fd00:90::1" \
    "$(in_ctr c2 ip -6 -j route show default | jq -r '.[0].gateway')"
check_eq "inspect --json: ipv6 and gateway6" "fd00:90::2/64 fd00:90::1" \
    "$(netctl inspect c1 --json | jq -r '.endpoints[0] | "\(.ipv6) \(.gateway6)"')"
check_eq "endpoint state file has ipv6" "fd00:90::2/64" "$(jq -r .ipv6 "$T/state/endpoints/c1@v6.json")"
check_match "ls shows the IPv6 column" "^c1 +v6 +eth0 +10\.40\.0\.2/24 +fd00:90::2/64 " "$(netctl ls | grep '^c1 ')"

# DAD must finish before IPv6 traffic flows (bounded)
wait_for "DAD in c1" 50 no_tentative_ctr c1
wait_for "DAD in c2" 50 no_tentative_ctr c2
wait_for "DAD on nd-v6" 50 no_tentative_host nd-v6
check "c1 ping -6 c2" ping6_ok c1 fd00:90::3
check "c2 ping -6 c1" ping6_ok c2 fd00:90::2
check "c1 ping -6 the gateway fd00:90::1" ping6_ok c1 fd00:90::1
check "the sandbox host pings c2 over IPv6" ping -6 -c 1 -W 2 fd00:90::3
check "c1 pings c2 over IPv4 too" ping_ok c1 10.40.0.3

# --ip6 honored, and refused where it makes no sense
ctr_start c3
out=$(netctl attach c3 --pid "$(ctr_pid c3)" --network v6 --ip6 fd00:90::99 --ip 10.40.0.99)
check_match "--ip6 is honored" "ipv6: +fd00:90::99/64" "$out"
check_eq "c3 has fd00:90::99/64 in the kernel" "fd00:90::99/64" "$(ctr_addrs c3 inet6)"
check_eq "c3 has 10.40.0.99/24" "10.40.0.99/24" "$(ctr_addrs c3 inet)"
wait_for "DAD in c3" 50 no_tentative_ctr c3
check "c1 ping -6 c3 at its requested address" ping6_ok c1 fd00:90::99

ctr_start c4
veths=$(count_host_veths)
out=$(netctl attach c4 --pid "$(ctr_pid c4)" --network v6 --ip6 fd00:90::99 2>&1)
check_eq "an IPv6 address in use is refused (exit 1)" 1 "$?"
check_match "refusal says in use" "address 'fd00:90::99' is already in use" "$out"
out=$(netctl attach c4 --pid "$(ctr_pid c4)" --network v6 --ip6 fd00:91::5 2>&1)
check_eq "an IPv6 address outside subnet6 is refused (exit 1)" 1 "$?"
check_match "refusal says not usable" "not a usable host address of 'fd00:90::/64'" "$out"
out=$(netctl attach c4 --pid "$(ctr_pid c4)" --network v6 --ip6 fd00:90::1 2>&1)
check_eq "the IPv6 gateway address is refused (exit 1)" 1 "$?"
out=$(netctl attach c4 --pid "$(ctr_pid c4)" --network v6 --ip6 10.40.0.7 2>&1)
check_eq "an IPv4 address as --ip6 is refused (exit 1)" 1 "$?"
check_match "refusal says expected an IPv6 address" "expected an IPv6 address" "$out"
check "create IPv4-only network v4only" netctl network create v4only --subnet 10.41.0.0/24
apic POST /v1/endpoints "{\"container\":\"c4\",\"pid\":$(ctr_pid c4),\"network\":\"v4only\",\"ip6\":\"fd00:90::50\"}"
check_eq "--ip6 on a network without subnet6: 400" 400 "$API_STATUS"
check_match "message says the network has no IPv6 subnet" "network 'v4only' has no IPv6 subnet" "$(jq -r .message <<<"$API_BODY")"
out=$(netctl attach c4 --pid "$(ctr_pid c4)" --network v4only --ip6 fd00:90::50 2>&1)
check_eq "netctl: --ip6 on a network without subnet6 exits 1" 1 "$?"
check_eq "refused attaches left no veth" "$veths" "$(count_host_veths)"
check_eq "refused attaches left c4 with lo only" 1 "$(in_ctr c4 ip -o link show | wc -l)"
out=$(netctl attach c4 --pid "$(ctr_pid c4)" --network v4only)
check_eq "IPv4-only attach has no ipv6 line" "" "$(grep '^ipv6:' <<<"$out")"
check_eq "c4 has no global IPv6 address" "" "$(ctr_addrs c4 inet6)"
check_eq "c4 has no IPv6 default route" "" "$(in_ctr c4 ip -6 route show default)"

# subnet6 overlap and prefix bounds
apic POST /v1/networks '{"name":"ov6","subnet":"10.42.0.0/24","subnet6":"fd00:90::/48"}'
check_eq "overlapping subnet6: 409" 409 "$API_STATUS"
check_match "overlap message names v6" "overlaps network 'v6'" "$(jq -r .message <<<"$API_BODY")"
apic POST /v1/networks '{"name":"b6","subnet":"10.42.0.0/24","subnet6":"fd00:99::/127"}'
check_eq "a /127 subnet6 is refused: 400" 400 "$API_STATUS"
apic POST /v1/networks '{"name":"b6","subnet":"10.42.0.0/24","subnet6":"fd00:99::1/64"}'
check_eq "subnet6 with host bits: 400" 400 "$API_STATUS"
check_match "host bits message suggests the network" "did you mean 'fd00:99::/64'" "$(jq -r .message <<<"$API_BODY")"
check_fails "no refused network was created" sh -c "'$NETCTL_BIN' --socket '$T/run/netd.sock' network ls -q | grep -E '^(ov6|b6)$'"

# a /60 subnet6 with an explicit gateway6
check "create network w60 with a /60" netctl network create w60 --subnet 10.43.0.0/24 --subnet6 fd00:a0::/60 --gateway6 fd00:a0::fe
check_eq "w60 gateway6" "fd00:a0::fe" "$(net_field w60 gateway6)"
ctr_start d1
ctr_start d2
out=$(netctl attach d1 --pid "$(ctr_pid d1)" --network w60)
check_match "d1 on the /60 gets fd00:a0::1/60 via fd00:a0::fe" "ipv6: +fd00:a0::1/60 via fd00:a0::fe" "$out"
out=$(netctl attach d2 --pid "$(ctr_pid d2)" --network w60 --ip6 fd00:a0::ffff:7)
check_match "--ip6 far from the gateway in the /60" "ipv6: +fd00:a0::ffff:7/60" "$out"
check_eq "d2 address in the kernel" "fd00:a0::ffff:7/60" "$(ctr_addrs d2 inet6)"
check_eq "d1 default route via fd00:a0::fe" "fd00:a0::fe" "$(in_ctr d1 ip -6 -j route show default | jq -r '.[0].gateway')"
wait_for "DAD in d1" 50 no_tentative_ctr d1
wait_for "DAD in d2" 50 no_tentative_ctr d2
wait_for "DAD on nd-w60" 50 no_tentative_host nd-w60
check "d1 ping -6 d2 across the /60" ping6_ok d1 fd00:a0::ffff:7
check "d2 ping -6 the gateway fd00:a0::fe" ping6_ok d2 fd00:a0::fe

# detach gives IPv6 addresses back; a restart keeps them
check "detach c2" netctl detach c2
out=$(netctl attach c2 --pid "$(ctr_pid c2)" --network v6 --ip6 fd00:90::3)
check_match "the released fd00:90::3 can be requested again" "ipv6: +fd00:90::3/64" "$out"
netd_stop
check_eq "netd exits 0 on SIGTERM" 0 "$?"
netd_start
check_eq "after a restart c1 keeps its IPv6 address" "fd00:90::2/64" "$(netctl inspect c1 --json | jq -r '.endpoints[0].ipv6')"
out=$(netctl attach c4 --pid "$(ctr_pid c4)" --network v6 2>&1)
check_match "after a restart IPAM6 continues without reuse" "ipv6: +fd00:90::4/64" "$out"
check_eq "c4's second interface eth1 has fd00:90::4/64" "fd00:90::4/64" "$(ctr_addrs c4 inet6 eth1)"

# a container with IPv6 switched off cannot take its IPv6 address: the attach fails late (the
# veth made) and undoes everything; lo, brought up last, stays as it was
ctr_start c5
nsenter --target "$(ctr_pid c5)" --net sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1 || hard_error "disable IPv6 in c5"
veths=$(count_host_veths)
out=$(netctl attach c5 --pid "$(ctr_pid c5)" --network v6 2>&1)
check_eq "attach to a dual-stack network of a container without IPv6: exit 1" 1 "$?"
check_match "saying which address could not be added" "add address 'fd00:90::[0-9a-f]+/64'" "$out"
check_eq "no veth left, on the host" "$veths" "$(count_host_veths)"
check_eq "nor in the container: lo, down again, as it was" "lo DOWN" \
    "$(nsenter --target "$(ctr_pid c5)" --net ip -br link | awk '{print $1, $2}' | tr '\n' ' ' | sed 's/ $//')"
check_eq "and no endpoint" "" "$(netctl inspect c5 --json 2>/dev/null | jq -r '.endpoints[]?.ipv6' 2>/dev/null)"

for c in c1 c2 c3 c4 d1 d2; do netctl detach "$c" >/dev/null; done
check_eq "no host veth left" 0 "$(count_host_veths)"
check "rm the networks" netctl network rm v6 w60 v4only
check_eq "only netd0 remains" 1 "$(count_bridges)"

netd_stop
check_eq "netd exits 0 on SIGTERM (ASan leak check included)" 0 "$?"
finish
