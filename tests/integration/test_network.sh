#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_network.sh - networks: default network, create/ls/inspect/rm, subnet pool, conflicts, internal, IPAM exhaustion
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

command -v jq >/dev/null || skip "jq not found"

# sandbox_sysctl VALUE: set ip_forward, only ever in the sandbox's own netns
sandbox_forward() {
    [ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/1/ns/net)" ] ||
        hard_error "refusing to write a sysctl outside the sandbox"
    echo "$1" >/proc/sys/net/ipv4/ip_forward
}
forward() { cat /proc/sys/net/ipv4/ip_forward; }

link_json() { ip -j -d link show dev "$1" 2>/dev/null; }
bridge_kind() { link_json "$1" | jq -r '.[0].linkinfo.info_kind // empty'; }
link_mtu() { link_json "$1" | jq -r '.[0].mtu // empty'; }
link_alias() { link_json "$1" | jq -r '.[0].ifalias // empty'; }
link_addrs4() { ip -j addr show dev "$1" 2>/dev/null | jq -r '[.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"] | join(" ")'; }
net_field() { netctl network inspect "$1" --json | jq -r ".$2"; }
ctr_addr4() { in_ctr "$1" ip -j addr show dev "${2:-eth0}" 2>/dev/null | jq -r '[.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"] | join(" ")'; }
# apic METHOD PATH [BODY]: api in this shell: body in $API_BODY, status in $API_STATUS
apic() {
    api "$@" >"$T/api.body"
    API_BODY=$(cat "$T/api.body")
}
ctr_links() { in_ctr "$1" ip -o link show | wc -l; }

# ---- the default network, and --default-subnet in a fresh state dir --------------------------
[ "$(forward)" = 0 ] || sandbox_forward 0
check_eq "ip_forward is 0 in the sandbox before netd" 0 "$(forward)"

netd_start --state-dir "$T/state-alt" --default-subnet 10.77.0.0/16
check_eq "--default-subnet: the default network's subnet" "10.77.0.0/16" "$(net_field netd subnet)"
check_eq "--default-subnet: gateway .1" "10.77.0.1" "$(net_field netd gateway)"
check_eq "--default-subnet: netd0 holds 10.77.0.1/16" "10.77.0.1/16" "$(link_addrs4 netd0)"
netd_stop
check_eq "netd exits 0 (alternate state dir)" 0 "$?"
ip link del netd0
rm -rf "$T/state-alt"

netd_start
check_eq "first start: ip_forward turned on by the default network" 1 "$(forward)"
check_eq "default network is listed" "netd" "$(netctl network ls -q)"
check_eq "default network bridge" "netd0" "$(net_field netd bridge)"
check_eq "default network subnet" "172.30.0.0/16" "$(net_field netd subnet)"
check_eq "default network gateway" "172.30.0.1" "$(net_field netd gateway)"
check_eq "default network is not internal" "false" "$(net_field netd internal)"
check_eq "netd0 is a bridge in the kernel" "bridge" "$(bridge_kind netd0)"
check_eq "netd0 has the gateway address 172.30.0.1/16" "172.30.0.1/16" "$(link_addrs4 netd0)"
check_eq "netd0 carries the ownership alias" "netd:netd" "$(link_alias netd0)"
check "netd0 is up" sh -c "ip -o link show netd0 | grep -q '[<,]UP[,>]'"
check "state file of the default network" test -f "$T/state/networks/netd.json"
check_eq "state file names the bridge" "netd0" "$(jq -r .bridge "$T/state/networks/netd.json")"

# ---- explicit subnet, gateway, bridge and mtu -------------------------------------------------
out=$(netctl network create alpha --subnet 10.50.0.0/24 --gateway 10.50.0.254 --bridge br-alpha --mtu 1450)
check_eq "network create prints the name" "alpha" "$out"
check_eq "br-alpha is a bridge" "bridge" "$(bridge_kind br-alpha)"
check_eq "br-alpha mtu is 1450" "1450" "$(link_mtu br-alpha)"
check_eq "br-alpha has the gateway 10.50.0.254/24" "10.50.0.254/24" "$(link_addrs4 br-alpha)"
check_eq "br-alpha alias" "netd:alpha" "$(link_alias br-alpha)"
check_eq "alpha: gateway in the API" "10.50.0.254" "$(net_field alpha gateway)"
check_eq "alpha: mtu in the API" "1450" "$(net_field alpha mtu)"
check_eq "alpha: 253 free addresses (254 hosts minus the gateway)" "253" "$(net_field alpha free_addresses)"
check_eq "alpha state file" "10.50.0.0/24" "$(jq -r .subnet "$T/state/networks/alpha.json")"

ctr_start a1
out=$(netctl attach a1 --pid "$(ctr_pid a1)" --network alpha)
check_match "a1 on alpha gets .1 (the gateway is .254)" "ipv4: +10\.50\.0\.1/24 via 10\.50\.0\.254" "$out"
check_eq "a1 eth0 mtu follows the network" "1450" "$(in_ctr a1 ip -j link show dev eth0 | jq .[0].mtu)"
check_eq "a1 default route via .254" "10.50.0.254" "$(in_ctr a1 ip -j route show default | jq -r '.[0].gateway')"
check "a1 pings its gateway 10.50.0.254" ping_ok a1 10.50.0.254

# ---- subnets from the pool --------------------------------------------------------------------
check "create p1 without --subnet" netctl network create p1
check_eq "p1 got the first /24 of the pool" "10.89.0.0/24" "$(net_field p1 subnet)"
check_eq "p1 gateway" "10.89.0.1" "$(net_field p1 gateway)"
check_eq "p1 default bridge name" "nd-p1" "$(net_field p1 bridge)"
check_eq "nd-p1 holds 10.89.0.1/24" "10.89.0.1/24" "$(link_addrs4 nd-p1)"
check "create x with the explicit 10.89.1.0/24" netctl network create x --subnet 10.89.1.0/24
check "create p2 without --subnet" netctl network create p2
check_eq "p2 skipped the taken 10.89.1.0/24" "10.89.2.0/24" "$(net_field p2 subnet)"
check "rm p1" netctl network rm p1
check "create p3 without --subnet" netctl network create p3
check_eq "p3 reuses the freed 10.89.0.0/24" "10.89.0.0/24" "$(net_field p3 subnet)"

# ---- conflicts --------------------------------------------------------------------------------
links_before=$(ip -o link show | awk -F': ' '{print $2}' | sort | tr '\n' ' ')
nets_before=$(netctl network ls --json)

apic POST /v1/networks '{"name":"ov","subnet":"10.50.0.0/16"}'
check_eq "overlapping subnet: 409" 409 "$API_STATUS"
check_match "overlap message names the other network" "overlaps network 'alpha'" "$(jq -r .message <<<"$API_BODY")"
check_eq "overlap errno" "EADDRINUSE" "$(jq -r .errno <<<"$API_BODY")"
apic POST /v1/networks '{"name":"ov2","subnet":"10.89.2.128/25"}'
check_eq "subnet inside another: 409" 409 "$API_STATUS"
check_match "message names p2" "'p2'" "$(jq -r .message <<<"$API_BODY")"
out=$(netctl network create ov3 --subnet 172.30.5.0/24 2>&1)
check_eq "netctl: overlap with the default network exits 1" 1 "$?"
check_match "netctl prints the overlap on stderr" "overlaps network 'netd'" "$out"

apic POST /v1/networks '{"name":"alpha","subnet":"10.52.0.0/24"}'
check_eq "duplicate name: 409" 409 "$API_STATUS"
check_match "duplicate name message" "network 'alpha' already exists" "$(jq -r .message <<<"$API_BODY")"
apic POST /v1/networks '{"name":"beta","subnet":"10.53.0.0/24","bridge":"br-alpha"}'
check_eq "duplicate bridge name: 409" 409 "$API_STATUS"
check_match "duplicate bridge message names the network" "bridge 'br-alpha' is already used by network 'alpha'" "$(jq -r .message <<<"$API_BODY")"
ip link add dum0 type bridge # a bridge netd did not make (no alias)
links_before=$(ip -o link show | awk -F': ' '{print $2}' | sort | tr '\n' ' ')
apic POST /v1/networks '{"name":"gamma","subnet":"10.54.0.0/24","bridge":"dum0"}'
check_eq "bridge name taken by a foreign interface: 409" 409 "$API_STATUS"
check_match "foreign interface message" "dum0.*not netd's bridge" "$(jq -r .message <<<"$API_BODY")"
check_eq "dum0 is untouched: still without an alias" "" "$(link_alias dum0)"
check_eq "dum0 is untouched: no address" "" "$(link_addrs4 dum0)"
check_eq "refused creates changed no network" "$nets_before" "$(netctl network ls --json)"
check_eq "refused creates changed no link" "$links_before" "$(ip -o link show | awk -F': ' '{print $2}' | sort | tr '\n' ' ')"
check_fails "no state file for refused networks" sh -c "ls '$T/state/networks' | grep -E '^(ov|ov2|ov3|beta|gamma)\.json$'"
ip link del dum0 || hard_error "dum0 vanished"

# ---- ls and inspect ---------------------------------------------------------------------------
tbl=$(netctl network ls)
check_match "ls table header" "^NAME +BRIDGE +SUBNET +GATEWAY +SUBNET6 +INTERNAL +ENDPOINTS" "$(head -1 <<<"$tbl")"
check_match "ls table row of alpha" "^alpha +br-alpha +10\.50\.0\.0/24 +10\.50\.0\.254 +false +1$" "$(grep '^alpha ' <<<"$tbl")"
check_match "ls table row of netd" "^netd +netd0 +172\.30\.0\.0/16 +172\.30\.0\.1 +false +0$" "$(grep '^netd ' <<<"$tbl")"
check_eq "ls table has a header and 5 rows" 6 "$(wc -l <<<"$tbl")"
check_eq "ls --json: 5 networks" 5 "$(netctl network ls --json | jq length)"
check_eq "ls --json: names" "alpha netd p2 p3 x" "$(netctl network ls --json | jq -r '[.[].name] | sort | join(" ")')"
check_eq "ls --json: alpha endpoints" 1 "$(netctl network ls --json | jq '.[] | select(.name=="alpha") | .endpoints')"
check_eq "ls -q: names only" "alpha netd p2 p3 x" "$(netctl network ls -q | sort | tr '\n' ' ' | sed 's/ $//')"
ins=$(netctl network inspect alpha)
check_match "inspect shows the bridge" "^bridge: +br-alpha$" "$(grep '^bridge:' <<<"$ins")"
check_match "inspect shows subnet and gateway" "subnet: +10\.50\.0\.0/24 \(gateway 10\.50\.0\.254\)" "$ins"
check_match "inspect counts 1 container" "^containers: 1$" "$(grep '^containers:' <<<"$ins")"
check_match "inspect lists a1 with its address" "^  a1  10\.50\.0\.1/24 " "$(grep '^  a1' <<<"$ins")"
check_eq "inspect --json: containers" "a1" "$(netctl network inspect alpha --json | jq -r '[.containers[].container] | join(" ")')"
check_eq "inspect --json: 252 free now" 252 "$(net_field alpha free_addresses)"
check_eq "inspect of an empty network: no containers" 0 "$(netctl network inspect x --json | jq '.containers | length')"
out=$(netctl network inspect nope 2>&1)
check_eq "inspect of an unknown network exits 1" 1 "$?"
check_match "inspect of an unknown network says not found" "network 'nope' not found" "$out"

# ---- rm ---------------------------------------------------------------------------------------
check_fails "rm alpha refused while a1 is attached" netctl network rm alpha
check "br-alpha still there" ip link show br-alpha
check "detach a1" netctl detach a1
check_eq "rm alpha prints the name" "alpha" "$(netctl network rm alpha)"
check_fails "br-alpha is gone" ip link show br-alpha
check_fails "alpha state file is gone" test -e "$T/state/networks/alpha.json"
check_fails "alpha is no longer listed" sh -c "'$NETCTL_BIN' --socket '$T/run/netd.sock' network ls -q | grep -x alpha"
check_fails "rm of an unknown network fails" netctl network rm alpha
check "rm two networks at once" netctl network rm x p3
check_fails "nd-p3 is gone" ip link show nd-p3
check_eq "networks left" "netd p2" "$(netctl network ls -q | sort | tr '\n' ' ' | sed 's/ $//')"

# ---- internal network, and forwarding --------------------------------------------------------
sandbox_forward 0
check "create internal network priv" netctl network create priv --subnet 10.60.0.0/24 --internal
check_eq "priv is internal in the API" "true" "$(net_field priv internal)"
check_eq "an internal network leaves ip_forward alone" 0 "$(forward)"
ctr_start i1
out=$(netctl attach i1 --pid "$(ctr_pid i1)" --network priv)
check_match "i1 attached to priv" "ipv4: +10\.60\.0\.2/24" "$out"
check_eq "i1 has its address" "10.60.0.2/24" "$(ctr_addr4 i1)"
check_eq "i1 has no default route" "" "$(in_ctr i1 ip route show default)"
check_match "i1 has the on-link route of its subnet" "^10\.60\.0\.0/24 dev eth0" "$(in_ctr i1 ip route show)"
check "i1 pings its gateway on the internal network" ping_ok i1 10.60.0.1
check "create non-internal network fw" netctl network create fw --subnet 10.61.0.0/24
check_eq "ip_forward is 1 after a non-internal network is created" 1 "$(forward)"

# ---- IPAM exhaustion on a /29 -----------------------------------------------------------------
check "create network tiny 10.70.0.0/29" netctl network create tiny --subnet 10.70.0.0/29
check_eq "tiny has 5 free addresses" 5 "$(net_field tiny free_addresses)"
got=""
for i in 1 2 3 4 5; do
    ctr_start "t$i"
    out=$(netctl attach "t$i" --pid "$(ctr_pid "t$i")" --network tiny)
    got+="$(sed -n 's/^ipv4: *\([0-9.]*\)\/29.*/\1/p' <<<"$out") "
done
check_eq "5 containers get .2 to .6" "10.70.0.2 10.70.0.3 10.70.0.4 10.70.0.5 10.70.0.6 " "$got"
check_eq "tiny has 0 free addresses" 0 "$(net_field tiny free_addresses)"
ctr_start t6
veths_before=$(count_host_veths)
out=$(netctl attach t6 --pid "$(ctr_pid t6)" --network tiny 2>&1)
check_eq "the 6th attach exits 1" 1 "$?"
check_match "the 6th attach says no free address" "no free address left in '10\.70\.0\.0/29'" "$out"
apic POST /v1/endpoints "{\"container\":\"t6\",\"pid\":$(ctr_pid t6),\"network\":\"tiny\"}"
check_eq "the API answers 409 on exhaustion" 409 "$API_STATUS"
check_eq "the API errno is ENOSPC" "ENOSPC" "$(jq -r .errno <<<"$API_BODY")"
check_eq "no veth left by the failed attaches" "$veths_before" "$(count_host_veths)"
check_eq "t6 has only lo" 1 "$(ctr_links t6)"
check_fails "no endpoint file for t6" test -e "$T/state/endpoints/t6@tiny.json"
check "detach t3" netctl detach t3
out=$(netctl attach t6 --pid "$(ctr_pid t6)" --network tiny)
check_match "after a detach the freed .4 is handed out" "ipv4: +10\.70\.0\.4/29" "$out"
check "t6 pings t1" ping_ok t6 10.70.0.2

# ---- two networks side by side ----------------------------------------------------------------
check "create side-a" netctl network create side-a --subnet 10.80.1.0/24
check "create side-b" netctl network create side-b --subnet 10.80.2.0/24
ctr_start sa
ctr_start sb
check "attach sa to side-a" netctl attach sa --pid "$(ctr_pid sa)" --network side-a
check "attach sb to side-b" netctl attach sb --pid "$(ctr_pid sb)" --network side-b
check_eq "sa address" "10.80.1.2/24" "$(ctr_addr4 sa)"
check_eq "sb address" "10.80.2.2/24" "$(ctr_addr4 sb)"
check "sa pings its gateway 10.80.1.1" ping_ok sa 10.80.1.1
check "sb pings its gateway 10.80.2.1" ping_ok sb 10.80.2.1
check_eq "sa's default route is side-a's gateway" "10.80.1.1" "$(in_ctr sa ip -j route show default | jq -r '.[0].gateway')"
check_eq "sb's default route is side-b's gateway" "10.80.2.1" "$(in_ctr sb ip -j route show default | jq -r '.[0].gateway')"
hs=$(netctl inspect sa --json | jq -r '.endpoints[0].host_ifname')
check_eq "sa's host veth is on nd-side-a" "nd-side-a" "$(ip -j link show dev "$hs" | jq -r '.[0].master')"
hs=$(netctl inspect sb --json | jq -r '.endpoints[0].host_ifname')
check_eq "sb's host veth is on nd-side-b" "nd-side-b" "$(ip -j link show dev "$hs" | jq -r '.[0].master')"

# ---- --subnet-pool and --subnet-size ----------------------------------------------------------
netd_stop
check_eq "netd exits 0 on SIGTERM" 0 "$?"
netd_start --subnet-pool 10.123.0.0/16 --subnet-size 26
check "create q1 from the custom pool" netctl network create q1
check_eq "q1 subnet is the first /26 of the pool" "10.123.0.0/26" "$(net_field q1 subnet)"
check "create q2 from the custom pool" netctl network create q2
check_eq "q2 subnet is the second /26" "10.123.0.64/26" "$(net_field q2 subnet)"
check_eq "q2 has 61 free addresses" 61 "$(net_field q2 free_addresses)"
check_eq "nd-q2 holds 10.123.0.65/26" "10.123.0.65/26" "$(link_addrs4 nd-q2)"
check_eq "networks created before the restart are still there" "fw netd p2 priv q1 q2 side-a side-b tiny" \
    "$(netctl network ls -q | sort | tr '\n' ' ' | sed 's/ $//')"

netd_stop
check_eq "netd exits 0 on SIGTERM (ASan leak check included)" 0 "$?"
finish
