#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# demo.sh - netd in a sandbox: a network, two containers, ping between them and the gateway,
# and a web page served by one container and fetched from the host side.
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
    if [ ! -x "$build/netd" ] || [ ! -x "$build/netctl" ]; then
        echo "== building netd into $build"
        (cd "$top" && ./autogen.sh >/dev/null 2>&1) || exit 1
        mkdir -p "$build" && cd "$build" || exit 1
        "$top/configure" CFLAGS="-O2 -g" >/dev/null || exit 1
        make -j"$(nproc)" netd netctl >/dev/null || exit 1
    fi
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

say "c2 serves a page on port 80 (busybox httpd); the host side fetches it"
mkdir -p "$dir/www" && echo "hello from container c2" >"$dir/www/index.html"
nsenter -t "$c2" -n busybox httpd -f -p 80 -h "$dir/www" & pids+=($!)
for _ in $(seq 50); do curl -s -m 1 http://10.90.0.3/ >/dev/null && break; sleep 0.1; done
curl -s -m 5 http://10.90.0.3/

say "restart netd: endpoints stay, nothing flaps"
kill "${pids[0]}"; wait "${pids[0]}" || true
"$build/netd" --run-dir "$dir/run" --state-dir "$dir/state" 2>>"$dir/netd.log" &
pids[0]=$!
for _ in $(seq 100); do netctl info >/dev/null 2>&1 && break; sleep 0.05; done
netctl ls
nsenter -t "$c1" -n ping -c 1 -W 2 10.90.0.3 >/dev/null && echo "c1 still reaches c2"

say "detach and remove"
netctl detach c1
netctl detach c2
netctl network rm web
say "done"
