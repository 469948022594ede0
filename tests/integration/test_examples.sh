#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_examples.sh - the examples users run do what they say: the pod examples (a reverse
# proxy over a pod's localhost, a sidecar), the OCI bundle under runc and crun, the CNI
# chain by hand, the API calls, and the containerd and podman CNI configs fed to netd-cni
# the way those runtimes call it. Each script runs against this build (NETD_BUILDDIR) in a
# sandbox of its own; this test checks its exit status and output, and what it leaves.
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

EX="$NETD_SRCDIR/examples"
CNI="$NETD_BUILDDIR/netd-cni"
for b in netrun netd-proxy netd-hook netd-cni; do
    [ -x "$NETD_BUILDDIR/$b" ] || hard_error "$b not built in $NETD_BUILDDIR"
done
for tool in busybox curl jq socat; do
    command -v "$tool" >/dev/null || skip "$tool not found"
done
file -L "$(command -v busybox)" 2>/dev/null | grep -q "statically linked" ||
    skip "busybox is not static (busybox-static)"

# run_example NAME SCRIPT [ARGS]: run an example, its output in $T/NAME.out, status in EX_RC
run_example() {
    local name=$1 script=$2 start
    shift 2
    start=$(date +%s)
    NETD_BUILDDIR=$NETD_BUILDDIR timeout 90 bash "$script" "$@" >"$T/$name.out" 2>&1
    EX_RC=$?
    echo "# $name: exit $EX_RC in $(($(date +%s) - start)) s"
    if [ "$EX_RC" != 0 ]; then
        echo "# ---- $name output (last 30 lines) ----"
        tail -n 30 "$T/$name.out" | sed 's/^/#   /'
    fi
}
has() { grep -Eq -- "$2" "$T/$1.out"; } # has NAME REGEX: the example printed a matching line
count_in() { grep -c -- "$2" "$T/$1.out"; } # count_in NAME PATTERN: matching lines
cgroups_of() { # our examples' cgroups left on the host: netrun's and the OCI runtimes'
    local d
    for d in /sys/fs/cgroup /sys/fs/cgroup/*; do
        ls -d "$d"/netrun/ex-* "$d"/netrun/.pods/ex-* "$d"/ex-oci-* 2>/dev/null
    done
    return 0
}
part_skipped() { # part_skipped WHY: a part this host cannot run (a failure in CI)
    echo "# SKIP: $*"
    [ "${NETD_TEST_MUST_RUN:-0}" != 1 ] || fail "$* (NETD_TEST_MUST_RUN=1)"
}
section() { # section NAME FROM TO: the output lines after the line matching FROM, up to TO
    sed -n "/$2/,/$3/p" "$T/$1.out"
}

EX_DIRS=$(ls -d /tmp/netd-example.* 2>/dev/null) # a user's own runs, if any

# ---- examples/pod/reverse-proxy.sh: the seeds' nginx + hugo pod ----------------------------------
run_example rp "$EX/pod/reverse-proxy.sh"
check_eq "reverse-proxy.sh exits 0" 0 "$EX_RC"
check_eq "the app's page came through the published port twice (127.0.0.1:8080 and the bridge address)" 2 \
    "$(count_in rp '^<h1>hello from the app container</h1>$')"
check "through the front (its Via header)" has rp "Via: 1\.1 ex-front"
check "which reached the app over the pod's localhost" has rp "^127\.0\.0\.1:[0-9]+: url:/"
check "the app is unreachable outside the pod" has rp "^=> refused, as it should be"
check_match "netd forgot the pod at the end" "^CONTAINER .*HOST-IF *$" "$(section rp 'stop the containers' '== done' | tail -n 3)"
check_eq "reverse-proxy.sh ran to its end" "== done" "$(tail -n 1 "$T/rp.out")"

# ---- examples/pod/sidecar.sh: a health checker sharing the app's network ----------------------------
run_example side "$EX/pod/sidecar.sh"
check_eq "sidecar.sh exits 0" 0 "$EX_RC"
check "the sidecar saw the app UP over localhost" test "$(count_in side ': app UP$')" -ge 3
check "and DOWN once stopped" test "$(count_in side ': app DOWN$')" -ge 2
for ns in net uts ipc; do
    check "app and sidecar share the $ns namespace" has side "^$ns +app $ns:\[[0-9]+\] +sidecar $ns:\[[0-9]+\] +the same$"
done
for ns in pid mnt; do
    check "but not the $ns namespace" has side "^$ns +app $ns:\[[0-9]+\] +sidecar $ns:\[[0-9]+\] +separate$"
done
a4=$(sed -n 's/^eth0 in the app: *//p' "$T/side.out")
s4=$(sed -n 's/^eth0 in the sidecar: *//p' "$T/side.out")
check_match "the app has an address from netd" "^172\.30\.[0-9]+\.[0-9]+/16$" "$a4"
check_eq "the sidecar has the same one" "$a4" "$s4"
check "the sidecar sees the app's listening socket" has side "127\.0\.0\.1:8081 .*LISTEN"
check_eq "ps in the sidecar shows no httpd" "" \
    "$(section side 'ps -o pid,comm in the sidecar' 'separate: file' | grep -w httpd)"
check_eq "ps in the app shows no health checker" "" \
    "$(section side 'ps -o pid,comm in the app' 'ps -o pid,comm in the sidecar' | grep -w healthcheck)"
check "the sidecar cannot see the app's files" has side "^=> the app's /www is not in the sidecar's file system"
check_eq "sidecar.sh ran to its end" "== done" "$(tail -n 1 "$T/side.out")"

# ---- examples/oci/run.sh: make-bundle.sh's bundle under runc (and crun) -------------------------------
if command -v runc >/dev/null; then
    n=1
    command -v crun >/dev/null && n=2
    run_example oci "$EX/oci/run.sh"
    check_eq "oci/run.sh exits 0" 0 "$EX_RC"
    check_eq "each runtime's container answered on 127.0.0.1:8080 and on the bridge address" $((2 * n)) \
        "$(count_in oci '^hello from an OCI container on netd$')"
    check_eq "the hook attached each one (netctl port)" $((2 * n)) "$(count_in oci '^80/tcp -> ')"
    check_eq "and its delete closed the port again" "$n" "$(count_in oci '^=> port 8080 is closed again$')"
    check_eq "oci/run.sh ran to its end" "== done" "$(tail -n 1 "$T/oci.out")"
else
    part_skipped "runc not installed: examples/oci/run.sh not run"
fi

# ---- examples/cni/by-hand.sh: the 10-netd.conflist chain (netd-cni, then tuning) ------------------
if [ -x /usr/lib/cni/tuning ]; then
    run_example byhand "$EX/cni/by-hand.sh"
    check_eq "cni/by-hand.sh exits 0" 0 "$EX_RC"
    check "its ADD gave an address of the list's subnet" has byhand '"address": "10\.88\.0\.[0-9]+/24"'
    check "CHECK passed" has byhand "^CHECK ok$"
    check "DEL passed" has byhand "^DEL ok$"
else
    part_skipped "no /usr/lib/cni/tuning (containernetworking-plugins): examples/cni/by-hand.sh not run"
fi

# the rest needs a netd of this test's own
netd_start

# ---- examples/api/*.sh against this netd ------------------------------------------------------------
out=$(NETD_SOCKET="$T/run/netd.sock" sh "$EX/api/system.sh" 2>&1)
check_eq "api/system.sh: version, info, health, each a JSON object" "true true true" \
    "$(printf '%s\n' "$out" | jq -c 'type == "object"' 2>&1 | tr '\n' ' ' | sed 's/ $//')"
out=$(NETD_SOCKET="$T/run/netd.sock" sh "$EX/api/networks.sh" 2>&1)
check_match "api/networks.sh: creates and inspects 'web'" '"name": ?"web"' "$out"
check_eq "and removes it" "" "$(netctl network ls | awk '$1 == "web"')"
ctr_start apictr
out=$(NETD_SOCKET="$T/run/netd.sock" sh "$EX/api/endpoints.sh" "$(ctr_pid apictr)" 2>&1)
check_match "api/endpoints.sh: attaches web1" '"container": ?"web1"' "$out"
check_eq "and detaches it" "" "$(netctl ls -q)"
ctr_stop apictr

# ---- examples/cni/containerd/10-netd.conflist: ADD, CHECK, DEL as containerd's CRI sends them ---------
# plugin_conf LIST [RUNTIMECONFIG]: the list's netd-cni entry as libcni hands it to the
# plugin (the list's name and cniVersion added, runtimeConfig for the declared capabilities),
# pointed at this test's netd
plugin_conf() {
    jq -c --arg s "$T/run/netd.sock" --argjson rc "${2:-null}" '
        (.plugins[] | select(.type == "netd-cni")) + {cniVersion, name}
        | .socket = $s | del(.capabilities)
        | if $rc then .runtimeConfig = $rc else . end' "$1"
}
# cni CMD CONF ID NETNS [CNI_ARGS]: run netd-cni; its stdout in CNI_OUT, status in CNI_RC
cni() {
    CNI_OUT=$(CNI_COMMAND=$1 CNI_CONTAINERID=$3 CNI_NETNS=$4 CNI_IFNAME=eth0 CNI_ARGS=${5:-} \
        CNI_PATH=/usr/lib/cni "$CNI" <<<"$2" 2>"$T/cni.err")
    CNI_RC=$?
}
mkdir -p "$T/www"
echo "hello from a CNI container" >"$T/www/index.html"

L="$EX/cni/containerd/10-netd.conflist"
check "containerd list: valid JSON, netd-cni first" test "$(jq -r '.plugins[0].type' "$L")" = netd-cni
check_eq "containerd list: portMappings capability, no portmap plugin (netd publishes)" "true 0" \
    "$(jq -r '"\(.plugins[0].capabilities.portMappings) \([.plugins[] | select(.type == "portmap")] | length)"' "$L")"
check_match "containerd list: a cniVersion libcni 1.1 (containerd 1.6/1.7) accepts" '^(0\.4\.0|1\.0\.0)$' "$(jq -r .cniVersion "$L")"
ctr_start cri
in_ctr_bg cri busybox httpd -f -p 80 -h "$T/www"
id=$(printf 'cri%.0s' {1..21})a # a 64-character sandbox id, as containerd makes them
conf=$(plugin_conf "$L" '{"portMappings": [{"hostPort": 8090, "containerPort": 80, "protocol": "tcp", "hostIP": ""}]}')
cri_args="IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=$id;K8S_POD_UID=0a1b2c3d"
cni ADD "$conf" "$id" "$T/ns/cri" "$cri_args"
check_eq "containerd list: ADD succeeds" 0 "$CNI_RC"
[ "$CNI_RC" = 0 ] || printf '    # %s\n' "$CNI_OUT" "$(cat "$T/cni.err")"
check_eq "the result is in the list's version" "1.0.0" "$(jq -r .cniVersion <<<"$CNI_OUT" 2>&1)"
check_match "with an IPv4 address of the list's subnet" "^10\.244\.1\.[0-9]+/24$" \
    "$(jq -r '.ips[] | select(.address | contains(".")) | .address' <<<"$CNI_OUT" 2>&1)"
check_match "and an IPv6 one" "^fd00:10:244:1::[0-9a-f]+/64$" \
    "$(jq -r '.ips[] | select(.address | contains(":")) | .address' <<<"$CNI_OUT" 2>&1)"
wait_for "the CRI container's port" 50 curl -sf -m 1 -o /dev/null http://10.244.1.1:8090/
check_eq "its hostPort 8090 answers on the host (DNAT)" "hello from a CNI container" \
    "$(curl -s -m 3 http://10.244.1.1:8090/)"
check_eq "and on 127.0.0.1 (netd holds the port, its proxy relays)" "hello from a CNI container" \
    "$(curl -s -m 3 http://127.0.0.1:8090/)"
cni CHECK "$(jq -c --argjson p "$CNI_OUT" '. + {prevResult: $p}' <<<"$conf")" "$id" "$T/ns/cri" "$cri_args"
check_eq "CHECK succeeds" 0 "$CNI_RC"
cni DEL "$conf" "$id" "$T/ns/cri" "$cri_args"
check_eq "DEL succeeds" 0 "$CNI_RC"
cni DEL "$conf" "$id" "" "$cri_args"
check_eq "DEL again, without a netns (containerd does both), succeeds" 0 "$CNI_RC"
check_fails "the port is unpublished" curl -s -m 2 http://10.244.1.1:8090/
check_eq "no endpoint left" "" "$(netctl ls -q)"
ctr_stop cri

# ---- examples/cni/podman/netd.conflist: podman holds the host port itself ----------------------------
L="$EX/cni/podman/netd.conflist"
check_eq "podman list: netd-cni with holdHostPorts false" "netd-cni false" \
    "$(jq -r '"\(.plugins[0].type) \(.plugins[0].holdHostPorts)"' "$L")"
check_eq "podman list: the cniVersion podman 4 writes" "0.4.0" "$(jq -r .cniVersion "$L")"
ctr_start pod1
in_ctr_bg pod1 busybox httpd -f -p 80 -h "$T/www"
# podman binds every -p host port and hands it to conmon before it calls the plugins
socat -u TCP-LISTEN:8091,bind=0.0.0.0,reuseaddr OPEN:/dev/null &
CTR_PIDS+=($!)
holder=$!
wait_for "podman's stand-in to hold 8091" 50 sh -c "grep -qi ':1F9B 00000000:0000 0A' /proc/net/tcp"
conf=$(plugin_conf "$L" '{"portMappings": [{"hostPort": 8091, "containerPort": 80, "protocol": "tcp", "hostIP": ""}]}')
pid1=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ctr_start pod2 # a second container, published without holdHostPorts: false
cni ADD "$(jq -c 'del(.holdHostPorts)' <<<"$conf")" "${pid1%?}0" "$T/ns/pod2" "IgnoreUnknown=1;K8S_POD_NAME=web2"
check_eq "without holdHostPorts false, ADD fails (error 7: the port is taken)" "1 7" \
    "$CNI_RC $(jq -r .code <<<"$CNI_OUT" 2>&1)"
check_match "saying why" "in use|EADDRINUSE" "$(jq -r '.msg + " " + .details' <<<"$CNI_OUT" 2>&1)"
check_eq "and leaves nothing attached" "" "$(netctl ls -q)"
cni ADD "$conf" "$pid1" "$T/ns/pod1" "IgnoreUnknown=1;K8S_POD_NAME=web;IP=10.89.0.10;MAC=02:00:00:00:89:10"
check_eq "podman list: ADD succeeds although the host port is held by podman" 0 "$CNI_RC"
[ "$CNI_RC" = 0 ] || printf '    # %s\n' "$CNI_OUT" "$(cat "$T/cni.err")"
check_eq "the result is 0.4.0, with podman's --ip and --mac (CNI_ARGS IP=, MAC=)" \
    "0.4.0 10.89.0.10/24 02:00:00:00:89:10" \
    "$(jq -r '"\(.cniVersion) \(.ips[0].address) \(.interfaces[.ips[0].interface].mac)"' <<<"$CNI_OUT" 2>&1)"
wait_for "the podman container's port" 50 curl -sf -m 1 -o /dev/null http://10.89.0.1:8091/
check_eq "hostPort 8091 reaches the container (DNAT), not podman's socket" "hello from a CNI container" \
    "$(curl -s -m 3 http://10.89.0.1:8091/)"
check_eq "127.0.0.1:8091 too (DNAT with route_localnet)" "hello from a CNI container" \
    "$(curl -s -m 3 http://127.0.0.1:8091/)"
cni DEL "$conf" "$pid1" "$T/ns/pod1" "IgnoreUnknown=1;K8S_POD_NAME=web"
check_eq "podman list: DEL succeeds" 0 "$CNI_RC"
check_eq "no endpoint left" "" "$(netctl ls -q)"
kill "$holder" 2>/dev/null
ctr_stop pod2
ctr_stop pod1

# ---- nothing left on the host by the examples -------------------------------------------------------
check_eq "no cgroup of the examples left on the host" "" "$(cgroups_of)"
check_eq "no example's directory left in /tmp" "$EX_DIRS" "$(ls -d /tmp/netd-example.* 2>/dev/null)"
finish
