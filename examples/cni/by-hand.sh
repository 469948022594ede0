#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# by-hand.sh - netd-cni driven the way a CNI runtime drives it: the 10-netd.conflist chain
# (netd-cni, then the reference tuning plugin) for ADD, CHECK and DEL of one container, with
# the name and cniVersion of the list and each plugin's prevResult put in by this script.
#
# Usage: sudo NETD_BUILDDIR=/path/to/build bash examples/cni/by-hand.sh
# Needs a build (netd, netd-cni), jq, and the reference plugins in CNI_PATH (Debian:
# containernetworking-plugins, /usr/lib/cni). Everything happens in a private network and
# mount namespace; the machine's own network is never touched.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${NETD_BUILDDIR:-$here/../../build}
export CNI_PATH=${CNI_PATH:-/usr/lib/cni}

if [ "${NETD_CNI_SANDBOX:-}" != 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "by-hand: run as root (network namespaces)"; exit 1; }
    [ -x "$build/netd-cni" ] || { echo "by-hand: no netd-cni in $build (set NETD_BUILDDIR)"; exit 1; }
    command -v jq >/dev/null || { echo "by-hand: needs jq"; exit 1; }
    NETD_CNI_SANDBOX=1 exec unshare --net --mount --fork -- bash "$0" "$@"
fi

set -e
mount --make-rprivate /
# the tuning plugin keeps its state in /run/cni: a private /run keeps it in the sandbox
mount -t tmpfs -o mode=0755 sandbox-run /run
dir=$(mktemp -d /tmp/netd-cni.XXXXXX)
mount -t tmpfs tmpfs "$dir"
ip link set lo up
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    umount -l "$dir" 2>/dev/null || true
    rmdir "$dir" 2>/dev/null || true
}
trap cleanup EXIT

"$build/netd" --run-dir "$dir/run" --state-dir "$dir/state" 2>"$dir/netd.log" &
pids+=($!)
for _ in $(seq 100); do [ -S "$dir/run/netd.sock" ] && break; sleep 0.05; done

# the example list, pointed at this sandbox's netd socket
list=$(jq --arg s "$dir/run/netd.sock" '.plugins[0].socket = $s' "$here/10-netd.conflist")
n=$(jq '.plugins | length' <<<"$list")

# a "container": a process in a network namespace of its own
unshare --net -- sleep 3600 &
pids+=($!)
sleep 0.2
export CNI_CONTAINERID=demo1 CNI_NETNS=/proc/$!/ns/net CNI_IFNAME=eth0

# run CMD INDEX PREV: one plugin of the list with the list's name and cniVersion
run() {
    local conf bin
    conf=$(jq -c --argjson i "$2" --argjson prev "$3" \
        '.plugins[$i] + {cniVersion, name} + (if $prev then {prevResult: $prev} else {} end)' \
        <<<"$list")
    bin=$(jq -r --argjson i "$2" '.plugins[$i].type' <<<"$list")
    if [ -x "$build/$bin" ]; then bin=$build/$bin; else bin=$CNI_PATH/$bin; fi
    CNI_COMMAND=$1 "$bin" <<<"$conf"
}

echo "== ADD (each plugin gets the previous one's result)"
result=null
for ((i = 0; i < n; i++)); do
    result=$(run ADD "$i" "$result")
done
jq . <<<"$result"
nsenter --net="$CNI_NETNS" ip -br addr show eth0
nsenter --net="$CNI_NETNS" ping -c 1 -W 2 "$(jq -r '.ips[0].gateway' <<<"$result")"

echo "== CHECK (every plugin, with the final result)"
for ((i = 0; i < n; i++)); do run CHECK "$i" "$result"; done && echo "CHECK ok"

echo "== DEL (in reverse order)"
for ((i = n - 1; i >= 0; i--)); do run DEL "$i" "$result"; done && echo "DEL ok"
