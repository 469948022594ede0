#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_cni.sh - netd-cni driven exactly as a CNI runtime drives it (environment + stdin):
# VERSION, ADD, CHECK, DEL, STATUS, GC and their error paths; addresses, ping, a published
# port; a chain with the reference tuning plugin; 0.4.0 results; 64 concurrent ADDs
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

for tool in jq curl busybox; do
    command -v "$tool" >/dev/null || skip "$tool not found"
done
CNI="$NETD_BUILDDIR/netd-cni"
[ -x "$CNI" ] || hard_error "netd-cni not built at $CNI"
SOCK="$T/run/netd.sock"
CNI_BIN_DIR=/usr/lib/cni

# conf VERSION [EXTRA]: the network config a runtime writes on stdin; EXTRA is a list of
# JSON members that replace or add to the defaults
conf() {
    jq -cn --arg v "$1" --arg s "$SOCK" --argjson x "{${2:-}}" \
        '{cniVersion: $v, name: "cninet", type: "netd-cni", network: "cninet",
          subnet: "10.77.0.0/24", socket: $s} + $x'
}

# plugin BIN CMD ID NETNS IFNAME CONFIG: exec a plugin as a runtime does; stdout in $OUT,
# exit status in $RC, stderr in $ERRF. Empty ID/NETNS/IFNAME are left unset.
plugin() {
    local bin=$1 cmd=$2 id=$3 ns=$4 ifn=$5 cfg=$6
    local -a envs=(-u CNI_CONTAINERID -u CNI_NETNS -u CNI_IFNAME -u CNI_ARGS "CNI_COMMAND=$cmd" "CNI_PATH=$CNI_BIN_DIR")
    [ -n "$id" ] && envs+=("CNI_CONTAINERID=$id")
    [ -n "$ns" ] && envs+=("CNI_NETNS=$ns")
    [ -n "$ifn" ] && envs+=("CNI_IFNAME=$ifn")
    [ -n "${CNI_ARGS_SET:-}" ] && envs+=("CNI_ARGS=$CNI_ARGS_SET")
    ERRF="$T/cni.err.$BASHPID" # one per shell: the concurrent runs below each have theirs
    OUT=$(printf '%s' "$cfg" | env "${envs[@]}" "$bin" 2>"$ERRF")
    RC=$?
    # a sanitizer report (a leak on an error path, say) must not hide behind an expected error
    if grep -q 'Sanitizer' "$ERRF"; then
        cat "$ERRF" >>"$T/sanitizer.log"
    fi
}
cni() { plugin "$CNI" "$@"; }

code_of() { printf '%s' "$OUT" | jq -r '.code // empty' 2>/dev/null; }
# check_code DESC CODE: the last call failed with that CNI error code, and a message
check_code() {
    if [ "$RC" = 1 ] && [ "$(code_of)" = "$2" ] &&
        [ -n "$(printf '%s' "$OUT" | jq -r '.msg // empty')" ]; then
        pass "$1"
    else
        fail "$1: exit $RC, expected code $2, got: $OUT"
    fi
}
check_ok() { # check_ok DESC: the last call succeeded
    if [ "$RC" = 0 ]; then
        pass "$1"
    else
        fail "$1: exit $RC: $OUT"
        sed 's/^/    # /' "$ERRF" | head -n 5
    fi
}
jqo() { printf '%s' "$OUT" | jq -r "$1"; }
# link_field CTR IFNAME KEY: the word after KEY in `ip link show` (sysfs would show the
# sandbox's own links: it is not remounted by nsenter)
link_field() {
    in_ctr "$1" ip -o link show "$2" | sed -n "s|.* $3 \([^ ]*\).*|\1|p"
}

# ---- VERSION ----
cni VERSION "" "" "" '{"cniVersion":"1.1.0"}'
check_ok "VERSION succeeds"
check_eq "VERSION lists the supported versions" "0.3.0 0.3.1 0.4.0 1.0.0 1.1.0" \
    "$(jqo '.supportedVersions | join(" ")')"
check_eq "VERSION answers with cniVersion 1.1.0" "1.1.0" "$(jqo .cniVersion)"

# ---- netd not running: try again later ----
ctr_start a
cni ADD ctr-a "$T/ns/a" eth0 "$(conf 1.1.0)"
check_code "ADD while netd is not running is code 11" 11
check_match "the message says netd is not reachable" "not reachable" "$(jqo .msg)"
cni DEL ctr-a "$T/ns/a" eth0 "$(conf 1.1.0)"
check_code "DEL while netd is not running is code 11 (the runtime retries)" 11
cni STATUS "" "" "" "$(conf 1.1.0)"
check_code "STATUS while netd is not running is code 50" 50

netd_start

# ---- environment and config errors ----
cni ADD ctr-a "$T/ns/a" eth0 '{"cniVersion": "1.1.0", "name":'
check_code "bad JSON is code 6" 6
cni ADD ctr-a "$T/ns/a" eth0 "$(conf 9.9.9)"
check_code "an unknown cniVersion is code 1" 1
cni ADD ctr-a "" eth0 "$(conf 1.1.0)"
check_code "ADD without CNI_NETNS is code 4" 4
cni ADD "" "$T/ns/a" eth0 "$(conf 1.1.0)"
check_code "ADD without CNI_CONTAINERID is code 4" 4
cni ADD ctr-a "$T/ns/a" "" "$(conf 1.1.0)"
check_code "ADD without CNI_IFNAME is code 4" 4
cni ADD ctr-a "$T/nowhere" eth0 "$(conf 1.1.0)"
check_code "ADD with a CNI_NETNS that does not exist is code 4" 4
cni ADD ctr-a "$T/state" eth0 "$(conf 1.1.0)"
check_code "ADD with a CNI_NETNS that is not a namespace is code 4" 4
cni ADD ctr-a "$T/ns/a" eth0 "$(conf 1.1.0 '"ipam":{"type":"host-local"}')"
check_code "an ipam section is code 2 (netd does its own)" 2
cni ADD ctr-a "$T/ns/a" eth0 '{"cniVersion":"1.1.0","name":"bad name!","type":"netd-cni"}'
check_code "an invalid network name is code 7" 7
cni ADD ctr-a "$T/ns/a" eth0 "$(conf 1.1.0 '"subnet6":"10.0.0.0/8"')"
check_code "an invalid subnet6 is code 7" 7
cni FOO ctr-a "$T/ns/a" eth0 "$(conf 1.1.0)"
check_code "an unknown CNI_COMMAND is code 4" 4
check_eq "no attachment was left by the failed ADDs" "0" "$(count_host_veths)"

# ---- ADD ----
cni ADD ctr-a "$T/ns/a" eth0 "$(conf 1.1.0)"
check_ok "ADD succeeds"
RES_A=$OUT
check_eq "the result has cniVersion 1.1.0" "1.1.0" "$(jqo .cniVersion)"
check_eq "the result's container interface is eth0 in the netns" "eth0 $T/ns/a" \
    "$(jqo '.interfaces[1] | "\(.name) \(.sandbox)"')"
check_match "the result's host interface is netd's veth, with its MAC" '^vn[0-9a-f]{8} ([0-9a-f]{2}:){5}[0-9a-f]{2}$' \
    "$(jqo '.interfaces[0] | "\(.name) \(.mac)"')"
check_eq "that MAC is the veth's own (netd reports it: no netlink from the plugin's netns)" \
    "$(ip -o link show "$(jqo '.interfaces[0].name')" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)" \
    "$(jqo '.interfaces[0].mac')"
check_eq "the result's address, gateway and interface index" "10.77.0.2/24 10.77.0.1 1" \
    "$(jqo '.ips[0] | "\(.address) \(.gateway) \(.interface)"')"
check_eq "the result's default route" "0.0.0.0/0 10.77.0.1" "$(jqo '.routes[0] | "\(.dst) \(.gw)"')"
check_eq "the result has dns {}" "{}" "$(jqo '.dns | tostring')"
check_eq "IPs carry no version field in 1.x results" "null" "$(jqo '.ips[0].version')"
check "netd created the network on the first ADD" netctl network inspect cninet
check "the container has its address" in_ctr a sh -c "ip -o addr show dev eth0 | grep -q 'inet 10.77.0.2/24'"
check_eq "the container MAC is the result's" "$(printf '%s' "$RES_A" | jq -r '.interfaces[1].mac')" \
    "$(link_field a eth0 link/ether)"
check "the container reaches the gateway" ping_ok a 10.77.0.1
check "the container has a default route via the gateway" in_ctr a sh -c "ip route show default | grep -q 'via 10.77.0.1 dev eth0'"
NAME_A=$(netctl ls --json | jq -r '.[] | select(.network == "cninet") | .container' | head -1)
check_match "the netd container name is derived from id and ifname" '^cni-[0-9a-f]{16}$' "$NAME_A"

cni ADD ctr-a "$T/ns/a" eth0 "$(conf 1.1.0)"
check_code "a second ADD for the same container and ifname is refused (code 7)" 7
check "the refused second ADD left the first attachment working" ping_ok a 10.77.0.1

# a second interface of the same container: another netd container name
cni ADD ctr-a "$T/ns/a" net1 "$(conf 1.1.0 '"network":"cniback","subnet":"10.78.0.0/24"')"
check_ok "ADD of a second interface on another network"
check "the container has net1 on the second network" in_ctr a sh -c "ip -o addr show dev net1 | grep -q 'inet 10.78.0.2/24'"
RES_A1=$OUT
check_eq "the second interface's result lists no default route (eth0 has it)" "0" "$(jqo '.routes | length')"
cni CHECK ctr-a "$T/ns/a" net1 "$(conf 1.1.0 "\"network\":\"cniback\",\"subnet\":\"10.78.0.0/24\",\"prevResult\":$RES_A1")"
check_ok "CHECK of the second interface succeeds"
ctr_start m
cni ADD ctr-m "$T/ns/m" eth0 "$(conf 1.1.0 '"network":"cniback","subnet":"10.99.0.0/24"')"
check_code "ADD with a subnet other than the existing network's is code 7" 7
check_match "the error names both subnets" "10.78.0.0/24.*10.99.0.0/24" "$(jqo .details)"

# ---- CHECK ----
cni CHECK ctr-a "$T/ns/a" eth0 "$(conf 1.1.0 "\"prevResult\":$RES_A")"
check_ok "CHECK of a good attachment succeeds"
cni CHECK ctr-a "$T/ns/a" eth0 "$(conf 1.1.0)"
check_code "CHECK without prevResult is code 7" 7
cni CHECK ctr-a "$T/ns/a" eth0 "$(conf 0.3.1 "\"prevResult\":$RES_A")"
check_code "CHECK with cniVersion 0.3.1 is code 1" 1
cni CHECK ctr-zz "$T/ns/a" eth0 "$(conf 1.1.0 "\"prevResult\":$RES_A")"
check_code "CHECK of an unknown container is code 3" 3
cni CHECK ctr-a "$T/ns/a" eth0 "$(conf 1.1.0 '"network":"nonet"'",\"prevResult\":$RES_A")"
check_code "CHECK on an unknown network is code 3" 3
bad_prev=$(printf '%s' "$RES_A" | jq -c '.ips[0].address = "10.77.0.99/24"')
cni CHECK ctr-a "$T/ns/a" eth0 "$(conf 1.1.0 "\"prevResult\":$bad_prev")"
check_code "CHECK with a prevResult that lists another address fails (code 100)" 100
in_ctr a ip addr del 10.77.0.2/24 dev eth0
cni CHECK ctr-a "$T/ns/a" eth0 "$(conf 1.1.0 "\"prevResult\":$RES_A")"
check_code "CHECK after the address was removed by hand fails (code 100)" 100
check_match "the CHECK error names the missing address" "10.77.0.2/24" "$(jqo .details)"
in_ctr a ip addr add 10.77.0.2/24 dev eth0
in_ctr a ip route replace default via 10.77.0.1 dev eth0
in_ctr a ip route del default
cni CHECK ctr-a "$T/ns/a" eth0 "$(conf 1.1.0 "\"prevResult\":$RES_A")"
check_code "CHECK after the default route was removed by hand fails" 100
in_ctr a ip route add default via 10.77.0.1 dev eth0
cni CHECK ctr-a "$T/ns/a" eth0 "$(conf 1.1.0 "\"prevResult\":$RES_A")"
check_ok "CHECK succeeds again once the route is back"

# ---- STATUS ----
cni STATUS "" "" "" "$(conf 1.1.0)"
check_ok "STATUS succeeds while netd runs"
cni STATUS "" "" "" "$(conf 1.0.0)"
check_code "STATUS with cniVersion 1.0.0 is code 1" 1
cni STATUS "" "" "" "$(conf 1.1.0 '"network":"tiny","subnet":"10.79.0.0/30"')"
check_ok "STATUS of a network not created yet succeeds"
ctr_start t1
cni ADD ctr-t1 "$T/ns/t1" eth0 "$(conf 1.1.0 '"network":"tiny","subnet":"10.79.0.0/30"')"
check_ok "ADD takes the only address of a /30"
cni STATUS "" "" "" "$(conf 1.1.0 '"network":"tiny","subnet":"10.79.0.0/30"')"
check_code "STATUS of an exhausted network is code 50" 50
ctr_start t2
cni ADD ctr-t2 "$T/ns/t2" eth0 "$(conf 1.1.0 '"network":"tiny","subnet":"10.79.0.0/30"')"
check_code "ADD on an exhausted network fails (code 7)" 7
check_eq "the failed ADD left nothing in the container" "1" "$(in_ctr t2 ip -o link show | wc -l)"

# ---- requested address and MAC, published port ----
ctr_start b
cni ADD ctr-b "$T/ns/b" eth0 "$(conf 1.1.0 '"capabilities":{"ips":true,"mac":true,"portMappings":true},"runtimeConfig":{"ips":["10.77.0.50/24"],"mac":"02:aa:bb:cc:dd:ee","portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp","hostIP":""}]}')"
check_ok "ADD with runtimeConfig ips, mac and portMappings"
RES_B=$OUT
check_eq "runtimeConfig.ips is honoured" "10.77.0.50/24" "$(jqo '.ips[0].address')"
check_eq "runtimeConfig.mac is honoured" "02:aa:bb:cc:dd:ee" "$(link_field b eth0 link/ether)"
NAME_B=$(netctl ls --json | jq -r '.[] | select(.ipv4 == "10.77.0.50/24") | .container')
check_match "the port is published in netd" "80/tcp -> 0.0.0.0:8080" "$(netctl port "$NAME_B" 2>&1)"
mkdir -p "$T/www"
echo "hello from cni" >"$T/www/index.html"
nsenter --net="$T/ns/b" busybox httpd -f -p 80 -h "$T/www" &
CTR_PIDS+=($!)
wait_for "httpd in b" 50 in_ctr b curl -s -m 1 http://127.0.0.1:80/ || hard_error "httpd in b did not start"
check_eq "the published port answers from the sandbox host" "hello from cni" \
    "$(curl -s -m 3 http://10.77.0.1:8080/)"
cni CHECK ctr-b "$T/ns/b" eth0 "$(conf 1.1.0 '"runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}'",\"prevResult\":$RES_B")"
check_ok "CHECK with the port mapping succeeds"
# atomic ADD: the attach succeeds in netd, the publish of a taken port does not
ctr_start e
cni ADD ctr-e "$T/ns/e" eth0 "$(conf 1.1.0 '"runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80}]}')"
check_code "ADD publishing a host port already published fails (code 7)" 7
check_match "the error says the port is in use" "8080" "$(jqo .details)"
check_eq "the failed ADD left no interface in the container" "1" "$(in_ctr e ip -o link show | wc -l)"
check_eq "netd lists the attached container by its netns path" "1" \
    "$(netctl ls --json | jq '[.[] | select(.netns == "'"$T/ns/b"'")] | length')"
check_eq "the failed ADD left no endpoint in netd" "0" \
    "$(netctl ls --json | jq '[.[] | select(.netns == "'"$T/ns/e"'")] | length')"
netctl unpublish 8080:80 "$NAME_B" >/dev/null
cni CHECK ctr-b "$T/ns/b" eth0 "$(conf 1.1.0 '"runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}'",\"prevResult\":$RES_B")"
check_code "CHECK after the port was unpublished by hand fails" 100

CNI_ARGS_SET="IgnoreUnknown=1;K8S_POD_NAME=x;IP=10.77.0.60" cni ADD ctr-c "$T/ns/t2" eth0 "$(conf 1.1.0)"
check_ok "ADD with CNI_ARGS IP="
check_eq "CNI_ARGS IP= is honoured" "10.77.0.60/24" "$(jqo '.ips[0].address')"
ctr_start d
cni ADD ctr-d "$T/ns/d" eth0 "$(conf 1.1.0 '"runtimeConfig":{"ips":["10.77.0.60/24"]}')"
check_code "ADD with an address in use fails (code 7)" 7
check_eq "the failed ADD left nothing in the container" "1" "$(in_ctr d ip -o link show | wc -l)"
# podman 4: it binds the published host port itself before the ADD, and speaks 0.4.0
python3 -c 'import socket, time; s = socket.socket(); s.bind(("0.0.0.0", 18181)); time.sleep(60)' &
PODMAN_HOLD=$!
CTR_PIDS+=("$PODMAN_HOLD")
wait_for "the runtime's bind of 18181" 50 sh -c "! python3 -c 'import socket; socket.socket().bind((\"0.0.0.0\", 18181))' 2>/dev/null" ||
    hard_error "the fake runtime could not hold port 18181"
cni ADD ctr-d "$T/ns/d" eth0 "$(conf 0.4.0 '"runtimeConfig":{"portMappings":[{"hostPort":18181,"containerPort":80}]}')"
check_code "a port the runtime holds cannot be held by netd too (code 7)" 7
check_match "the error says what to set" 'holdHostPorts' "$OUT"
cni ADD ctr-d "$T/ns/d" eth0 "$(conf 0.4.0 '"holdHostPorts":false,"runtimeConfig":{"portMappings":[{"hostPort":18181,"containerPort":80}]}')"
check_ok "with holdHostPorts false the ADD succeeds (podman's way)"
nsenter --net="$T/ns/d" busybox httpd -f -p 80 -h "$T/www" &
CTR_PIDS+=($!)
wait_for "httpd in d" 50 in_ctr d curl -s -m 1 http://127.0.0.1:80/ || hard_error "httpd in d did not start"
check_eq "its port answers on 127.0.0.1 by NAT (the runtime holds the socket)" \
    "$(cat "$T/www/index.html")" "$(curl -s -m 3 http://127.0.0.1:18181/)"
cni DEL ctr-d "$T/ns/d" eth0 "$(conf 0.4.0)"
check_ok "DEL of the podman-style container"
kill "$PODMAN_HOLD" 2>/dev/null
# a secondary network (Multus-style) asks for no default route, even as the first interface
cni ADD ctr-nr "$T/ns/d" net1 "$(conf 1.1.0 '"defaultRoute":false')"
check_ok "ADD with defaultRoute false"
check_eq "no default route in the container" "" "$(in_ctr d ip route show default)"
check_eq "and the result lists none" "0" "$(jqo '.routes // [] | length')"
cni ADD ctr-nr2 "$T/ns/d" net2 "$(conf 1.1.0 '"defaultRoute":"no"')"
check_code "defaultRoute must be a boolean (code 7)" 7
cni DEL ctr-nr "$T/ns/d" net1 "$(conf 1.1.0)"
check_ok "DEL of the secondary-network interface"

# ---- DEL ----
cni DEL ctr-a "$T/ns/a" eth0 "$(conf 1.1.0 "\"prevResult\":$RES_A")"
check_ok "DEL succeeds"
check_fails "the container has no eth0 after DEL" in_ctr a ip link show eth0
cni DEL ctr-a "$T/ns/a" eth0 "$(conf 1.1.0)"
check_ok "DEL again succeeds (idempotent)"
cni DEL ctr-never "$T/ns/a" eth0 "$(conf 1.1.0)"
check_ok "DEL without ADD succeeds"
cni DEL ctr-a "" eth0 "$(conf 1.1.0 '"network":"neverexisted"')"
check_ok "DEL on an unknown network succeeds"
cni DEL ctr-a "" eth0 "$(conf 1.1.0 | head -c 20)"
check_code "DEL with bad JSON is still code 6" 6
# the netns is gone before DEL, as after a container crash
ctr_stop b
cni DEL ctr-b "$T/ns/b" eth0 "$(conf 1.1.0)"
check_ok "DEL after the netns is gone succeeds"
cni DEL ctr-b "" eth0 "$(conf 1.1.0)"
check_ok "DEL without CNI_NETNS succeeds"
check_eq "nothing of ctr-b is left in netd" "" "$(netctl ls --json | jq -r '.[] | select(.ipv4 == "10.77.0.50/24") | .container')"

# ---- GC ----
ctr_start g1
ctr_start g2
cni ADD ctr-g1 "$T/ns/g1" eth0 "$(conf 1.1.0)"
check_ok "ADD g1"
cni ADD ctr-g2 "$T/ns/g2" eth0 "$(conf 1.1.0)"
check_ok "ADD g2"
ctr_start n1
check "netctl attaches a non-CNI container to the same network" netctl attach manual --netns "$T/ns/n1" --network cninet
cni GC "" "" "" "$(conf 1.1.0)"
check_code "GC without cni.dev/valid-attachments is code 7" 7
cni GC "" "" "" "$(conf 1.0.0 '"cni.dev/valid-attachments":[]')"
check_code "GC with cniVersion 1.0.0 is code 1" 1
cni GC "" "" "" "$(conf 1.1.0 '"cni.dev/valid-attachments":[{"containerID":"ctr-g1","ifname":"eth0"},{"containerID":"ctr-a","ifname":"net1"}]')"
check_ok "GC succeeds"
check "GC kept the valid attachment" ping_ok g1 10.77.0.1
check_fails "GC removed the attachment not in the list" in_ctr g2 ip link show eth0
check "GC left the non-CNI container alone" in_ctr n1 ip link show eth0
check "GC left another network alone" in_ctr a ip link show net1
check "netctl detach manual" netctl detach manual

# ---- 0.4.0 ----
ctr_start v4
cni ADD ctr-v4 "$T/ns/v4" eth0 "$(conf 0.4.0)"
check_ok "ADD with cniVersion 0.4.0"
RES_V4=$OUT
check_eq "the 0.4.0 result says so" "0.4.0" "$(jqo .cniVersion)"
check_eq "0.4.0 IPs carry version 4" "4" "$(jqo '.ips[0].version')"
cni CHECK ctr-v4 "$T/ns/v4" eth0 "$(conf 0.4.0 "\"prevResult\":$RES_V4")"
check_ok "CHECK with cniVersion 0.4.0"
cni DEL ctr-v4 "$T/ns/v4" eth0 "$(conf 0.4.0 "\"prevResult\":$RES_V4")"
check_ok "DEL with cniVersion 0.4.0"

# ---- dual stack ----
if [ -e /proc/sys/net/ipv6/conf/all/forwarding ]; then
    ctr_start v6
    DS='"network":"cnids","subnet":"10.81.0.0/24","subnet6":"fd00:81::/64"'
    cni ADD ctr-v6 "$T/ns/v6" eth0 "$(conf 1.0.0 "$DS")"
    check_ok "ADD on a dual-stack network"
    RES_V6=$OUT
    check_eq "the result lists both addresses" "10.81.0.2/24 fd00:81::2/64" "$(jqo '[.ips[].address] | join(" ")')"
    check_eq "the result lists both default routes" "0.0.0.0/0 via 10.81.0.1, ::/0 via fd00:81::1" \
        "$(jqo '[.routes[] | "\(.dst) via \(.gw)"] | join(", ")')"
    check "the container reaches the IPv6 gateway" in_ctr v6 ping -6 -c 1 -W 2 fd00:81::1
    cni CHECK ctr-v6 "$T/ns/v6" eth0 "$(conf 1.0.0 "$DS,\"prevResult\":$RES_V6")"
    check_ok "CHECK on a dual-stack network"
    in_ctr v6 ip -6 route del default
    cni CHECK ctr-v6 "$T/ns/v6" eth0 "$(conf 1.0.0 "$DS,\"prevResult\":$RES_V6")"
    check_code "CHECK without the IPv6 default route fails" 100
    cni DEL ctr-v6 "$T/ns/v6" eth0 "$(conf 1.0.0 "$DS")"
    check_ok "DEL on a dual-stack network"
else
    echo "# SKIP dual stack: no IPv6 in this kernel"
fi

# ---- a chain: netd-cni then the reference tuning plugin, driven as a runtime does ----
if [ -x "$CNI_BIN_DIR/tuning" ]; then
    ctr_start ch
    # the list's name and cniVersion go into each plugin's config (SPEC: network config lists)
    list='{"cniVersion":"1.0.0","name":"cninet","plugins":[{"type":"netd-cni","network":"cninet","socket":"'"$SOCK"'"},{"type":"tuning","sysctl":{"net.ipv4.conf.eth0.arp_filter":"1"},"mtu":1300}]}'
    pconf() { # pconf INDEX [PREVRESULT]
        printf '%s' "$list" | jq -c --argjson i "$1" --argjson prev "${2:-null}" \
            '.plugins[$i] + {cniVersion, name} + (if $prev then {prevResult: $prev} else {} end)'
    }
    cni ADD ctr-ch "$T/ns/ch" eth0 "$(pconf 0)"
    check_ok "chain: netd-cni ADD"
    R1=$OUT
    plugin "$CNI_BIN_DIR/tuning" ADD ctr-ch "$T/ns/ch" eth0 "$(pconf 1 "$R1")"
    check_ok "chain: tuning ADD with netd-cni's prevResult"
    R2=$OUT
    check_eq "chain: tuning passed netd-cni's address on" "$(printf '%s' "$R1" | jq -r '.ips[0].address')" \
        "$(printf '%s' "$R2" | jq -r '.ips[0].address')"
    check_eq "chain: tuning set the MTU on netd's interface" "1300" "$(link_field ch eth0 mtu)"
    check_eq "chain: tuning set the sysctl in the container" "1" \
        "$(in_ctr ch cat /proc/sys/net/ipv4/conf/eth0/arp_filter)"
    check "chain: the container still reaches the gateway" ping_ok ch 10.77.0.1
    cni CHECK ctr-ch "$T/ns/ch" eth0 "$(pconf 0 "$R2")"
    check_ok "chain: netd-cni CHECK with the chain's final result"
    plugin "$CNI_BIN_DIR/tuning" CHECK ctr-ch "$T/ns/ch" eth0 "$(pconf 1 "$R2")"
    check_ok "chain: tuning CHECK"
    plugin "$CNI_BIN_DIR/tuning" DEL ctr-ch "$T/ns/ch" eth0 "$(pconf 1 "$R2")"
    check_ok "chain: tuning DEL (reverse order)"
    cni DEL ctr-ch "$T/ns/ch" eth0 "$(pconf 0 "$R2")"
    check_ok "chain: netd-cni DEL"
    check_fails "chain: eth0 is gone" in_ctr ch ip link show eth0
    # netd-cni second in a chain: it appends to the previous result
    prev='{"cniVersion":"1.0.0","interfaces":[{"name":"dummy0"}],"ips":[],"dns":{"nameservers":["10.0.0.53"]}}'
    cni ADD ctr-ch "$T/ns/ch" eth0 "$(pconf 0 "$prev")"
    check_ok "chain: netd-cni ADD after another plugin"
    check_eq "chain: it appends its interfaces and keeps the previous DNS" "3 2 10.0.0.53" \
        "$(jqo '"\(.interfaces | length) \(.ips[0].interface) \(.dns.nameservers[0])"')"
    cni DEL ctr-ch "$T/ns/ch" eth0 "$(pconf 0)"
    check_ok "chain: DEL"
    # the same chain at 0.4.0, as podman 4 writes it: tuning must read the 0.4.0 result
    list=$(printf '%s' "$list" | jq -c '.cniVersion = "0.4.0"')
    cni ADD ctr-ch "$T/ns/ch" eth0 "$(pconf 0)"
    check_ok "chain 0.4.0: netd-cni ADD"
    R1=$OUT
    plugin "$CNI_BIN_DIR/tuning" ADD ctr-ch "$T/ns/ch" eth0 "$(pconf 1 "$R1")"
    check_ok "chain 0.4.0: tuning ADD reads netd-cni's 0.4.0 result"
    check_eq "chain 0.4.0: the final result keeps the address and its version" "10.77.0 4" \
        "$(jqo '.ips[0] | "\(.address | split(".")[0:3] | join(".")) \(.version)"')"
    plugin "$CNI_BIN_DIR/tuning" DEL ctr-ch "$T/ns/ch" eth0 "$(pconf 1 "$OUT")"
    check_ok "chain 0.4.0: tuning DEL"
    cni DEL ctr-ch "$T/ns/ch" eth0 "$(pconf 0)"
    check_ok "chain 0.4.0: netd-cni DEL"
elif [ "${NETD_TEST_MUST_RUN:-0}" = 1 ]; then
    fail "the reference tuning plugin is not installed (Debian: containernetworking-plugins)"
else
    echo "# SKIP chain: $CNI_BIN_DIR/tuning not installed (Debian: containernetworking-plugins)"
fi

# ---- 64 concurrent ADDs, then 64 concurrent DELs ----
N=64
for i in $(seq 1 $N); do
    unshare --net -- sleep 3600 &
    CTR_PIDS+=($!)
    pids[$i]=$!
done
for i in $(seq 1 $N); do
    wait_for "netns of p$i" 50 ns_differs "${pids[$i]}" || hard_error "p$i did not start"
done
mkdir -p "$T/par"
for i in $(seq 1 $N); do
    (
        plugin "$CNI" ADD "par-$i" "/proc/${pids[$i]}/ns/net" eth0 "$(conf 1.1.0 '"network":"par","subnet":"10.80.0.0/24"')"
        printf '%s\n' "$RC" >"$T/par/$i.rc"
        printf '%s\n' "$OUT" >"$T/par/$i.out"
    ) &
done
wait_jobs() {
    local i
    for i in $(seq 1 $N); do
        [ -s "$T/par/$i.rc" ] || return 1
    done
}
wait_for "64 ADDs" 600 wait_jobs
check_eq "64 concurrent ADDs all succeed" "$N" "$(cat "$T"/par/*.rc | grep -c '^0$')"
check_eq "64 concurrent ADDs get 64 distinct addresses" "$N" \
    "$(cat "$T"/par/*.out | jq -r '.ips[0].address // empty' 2>/dev/null | sort -u | wc -l)"
check_eq "netd has the 64 endpoints" "$N" "$(netctl ls --json | jq '[.[] | select(.network == "par")] | length')"
check "one of them reaches the gateway" nsenter --net="/proc/${pids[17]}/ns/net" ping -c 1 -W 2 10.80.0.1
rm -f "$T"/par/*.rc
for i in $(seq 1 $N); do
    (
        plugin "$CNI" DEL "par-$i" "/proc/${pids[$i]}/ns/net" eth0 "$(conf 1.1.0 '"network":"par","subnet":"10.80.0.0/24"')"
        printf '%s\n' "$RC" >"$T/par/$i.rc"
    ) &
done
wait_for "64 DELs" 600 wait_jobs
check_eq "64 concurrent DELs all succeed" "$N" "$(cat "$T"/par/*.rc | grep -c '^0$')"
check_eq "no endpoint is left on the network" "0" "$(netctl ls --json | jq '[.[] | select(.network == "par")] | length')"

check_eq "no sanitizer report from any plugin run" "" "$(head -n 30 "$T/sanitizer.log" 2>/dev/null)"

finish
