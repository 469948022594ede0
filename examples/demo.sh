#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# demo.sh - netd in a sandbox: a network, two containers, ping between them and the gateway,
# a web page served by one container, published with `netctl publish 8080:80 c2` and fetched
# through the published port by a client host outside.
#
# Usage: sudo bash examples/demo.sh
# Everything happens in a private network and mount namespace made for the demo; the
# machine's own network is never touched. netd is built (optimised) on first use.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
self="$top/examples/demo.sh"

if [ "${NETD_DEMO_SANDBOX:-}" != 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "demo: run as root (network namespaces)"; exit 1; }
    bash "$top/tests/deps.sh" || exit 1
    build=${NETD_BUILDDIR:-$top/build-demo}
    echo "== building netd into $build"
    if [ ! -f "$build/Makefile" ]; then
        (cd "$top" && ./autogen.sh >/dev/null 2>&1) || exit 1
        mkdir -p "$build" && (cd "$build" && "$top/configure" CFLAGS="-O2 -g" >/dev/null) || exit 1
    fi
    make -C "$build" -j"$(nproc)" netd netctl netd-proxy >/dev/null || exit 1
    NETD_DEMO_SANDBOX=1 NETD_BUILDDIR=$build exec unshare --net --mount --fork -- bash "$self" "$@"
fi

set -e
build=$NETD_BUILDDIR
mount --make-rprivate /
dir=$(mktemp -d /tmp/netd-demo.XXXXXX)
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
netctl() { "$build/netctl" --socket "$dir/run/netd.sock" "$@"; }
say() { printf '\n== %s\n' "$*"; }

say "starting netd (state in $dir/state)"
"$build/netd" --run-dir "$dir/run" --state-dir "$dir/state" 2>"$dir/netd.log" &
pids+=($!)
for _ in $(seq 100); do netctl info >/dev/null 2>&1 && break; sleep 0.05; done
netctl info

say "netctl network create web --subnet 10.90.0.0/24 --subnet6 fd00:90::/64"
netctl network create web --subnet 10.90.0.0/24 --subnet6 fd00:90::/64
netctl network ls

say "two containers: processes in network namespaces of their own"
unshare --net -- sleep 3600 & pids+=($!); c1=$!
unshare --net -- sleep 3600 & pids+=($!); c2=$!
sleep 0.2

say "netctl attach c1 --pid $c1 --network web"
netctl attach c1 --pid "$c1" --network web
say "netctl attach c2 --pid $c2 --network web"
netctl attach c2 --pid "$c2" --network web
netctl ls

say "c1 pings c2 (10.90.0.3), the gateway (10.90.0.1) and c2 over IPv6"
nsenter -t "$c1" -n ping -c 2 -W 2 10.90.0.3
nsenter -t "$c1" -n ping -c 1 -W 2 10.90.0.1
nsenter -t "$c1" -n ping -6 -c 1 -W 2 fd00:90::3

say "c2 serves a page on port 80 (busybox httpd)"
mkdir -p "$dir/www" && echo "hello from container c2, through a published port" >"$dir/www/index.html"
nsenter -t "$c2" -n busybox httpd -f -p 80 -h "$dir/www" & pids+=($!)

say "netctl publish 8080:80 c2"
netctl publish 8080:80 c2
netctl port c2

say "a client host outside (its own namespace, wired to this host as 192.0.2.2 -> 192.0.2.1)"
unshare --net -- sleep 3600 & pids+=($!); client=$!
sleep 0.2
ip link add vclient type veth peer name eth0 netns "$client"
ip addr add 192.0.2.1/24 dev vclient && ip link set vclient up
nsenter -t "$client" -n ip addr add 192.0.2.2/24 dev eth0
nsenter -t "$client" -n ip link set eth0 up
say "the client fetches http://192.0.2.1:8080/ (DNAT to c2's port 80)"
for _ in $(seq 50); do nsenter -t "$client" -n curl -s -m 1 http://192.0.2.1:8080/ >/dev/null && break; sleep 0.1; done
nsenter -t "$client" -n curl -s -m 5 http://192.0.2.1:8080/
say "c1 reaches the same page through the host's address (hairpin)"
nsenter -t "$c1" -n curl -s -m 5 http://192.0.2.1:8080/
say "netd's nftables table: one map element per published port"
nft list map inet netd pub4 2>/dev/null || true

say "restart netd: endpoints stay, nothing flaps"
kill "${pids[0]}"; wait "${pids[0]}" || true
"$build/netd" --run-dir "$dir/run" --state-dir "$dir/state" 2>>"$dir/netd.log" &
pids[0]=$!
for _ in $(seq 100); do netctl info >/dev/null 2>&1 && break; sleep 0.05; done
netctl ls
nsenter -t "$c1" -n ping -c 1 -W 2 10.90.0.3 >/dev/null && echo "c1 still reaches c2"
nsenter -t "$client" -n curl -s -m 5 http://192.0.2.1:8080/ >/dev/null && echo "the published port still answers"

say "unpublish, detach and remove"
netctl unpublish 8080:80 c2
netctl detach c1
netctl detach c2
netctl network rm web
say "done"
