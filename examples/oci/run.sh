#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - the OCI bundle of make-bundle.sh run by runc (and by crun when it is installed)
# with netd networking from netd-hook: the container gets an address on netd's network and
# its port 80 published on the host's 8080, where the page is fetched; deleting it detaches it.
#
# Usage: sudo bash examples/oci/run.sh
# Needs runc (crun optional), jq and busybox-static. netd is built (optimised, into
# build-demo) on first use, unless NETD_BUILDDIR names a build or the source tree is built in
# place. Everything happens in a private network and mount namespace made for the example;
# the machine's own network is never touched.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=examples/sandbox.sh
. "$here/../sandbox.sh"
example_sandbox oci/run "netd netctl netd-proxy netd-hook" "runc jq busybox curl" "$@"
netctl() { "$build/netctl" --socket "$sock" "$@"; }
say() { printf '\n== %s\n' "$*"; }
rt() { # rt RUNTIME ARGS...: the runtime, its state in this example's directory
    local r=$1
    shift
    "$r" --root "$dir/$r" "$@"
}

runtimes=(runc)
command -v crun >/dev/null && runtimes+=(crun)

# what this script started, by PID: netd; the runtimes' containers, by id
netd_pid=""
cleanup() {
    set +e
    local r
    for r in "${runtimes[@]}"; do
        rt "$r" delete -f "ex-oci-$r" >/dev/null 2>&1
    done
    [ -n "$netd_pid" ] && kill "$netd_pid" 2>/dev/null && wait "$netd_pid" 2>/dev/null
    umount -l "$dir" 2>/dev/null
    rmdir "$dir" 2>/dev/null
}
trap cleanup EXIT

# A host with cgroup v1 controllers next to an empty v2 mount (hybrid) makes crun 1.8 refuse
# to start; an empty tmpfs over the v2 mount, in this example's own mount namespace only,
# makes it use v1 as runc does. (Not an unmount: crun would then write its v2 directories
# onto the host's /sys/fs/cgroup.)
if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] && mountpoint -q /sys/fs/cgroup/unified; then
    mount -t tmpfs -o size=1m tmpfs /sys/fs/cgroup/unified
fi

say "starting netd (state in $dir/state)"
"$build/netd" --run-dir "$dir/run" --state-dir "$dir/state" 2>"$dir/netd.log" &
netd_pid=$!
for _ in $(seq 100); do netctl info >/dev/null 2>&1 && break; sleep 0.05; done
netctl info >/dev/null

for r in "${runtimes[@]}"; do
    id=ex-oci-$r
    b=$dir/bundles/$id
    say "$r: NETD_HOOK=$build/netd-hook examples/oci/make-bundle.sh $b"
    NETD_HOOK=$build/netd-hook bash "$here/make-bundle.sh" "$b"
    # this example's netd listens on its own socket: tell the hooks (netd-hook --socket PATH)
    jq --arg s "$sock" '.hooks[][].args |= [.[0], "--socket", $s] + .[1:]' "$b/config.json" \
        >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
    echo "the bundle's annotations and hooks (config.json):"
    jq -c '.annotations, .hooks.createRuntime[0], .hooks.poststop[0]' "$b/config.json"

    say "$r: cd $b && $r run -d $id"
    # the container's stdio goes to a file: httpd would otherwise keep this script's output open
    (cd "$b" && rt "$r" run -d "$id" </dev/null >"$dir/$id.log" 2>&1) ||
        { cat "$dir/$id.log"; exit 1; }
    rt "$r" list
    echo "netd attached it (the createRuntime hook):"
    netctl ls
    netctl port "$id"
    pid=$(rt "$r" state "$id" | jq -r .pid)
    echo "its eth0: $(nsenter --net="/proc/$pid/ns/net" ip -4 -o addr show eth0 | awk '{print $4}')"

    say "$r: curl http://127.0.0.1:8080/ (the published port, through netd's userland proxy)"
    for _ in $(seq 50); do curl -sf -m 1 -o /dev/null http://127.0.0.1:8080/ && break; sleep 0.1; done
    curl -sS -f -m 5 http://127.0.0.1:8080/
    gw=$(netctl inspect "$id" | awk '/^ipv4:/ {print $4}')
    say "$r: curl http://$gw:8080/ (the host's address on netd's bridge: DNAT)"
    curl -sS -f -m 5 "http://$gw:8080/"

    say "$r: $r delete -f $id (the poststop hook detaches it and unpublishes 8080)"
    rt "$r" delete -f "$id"
    netctl ls
    if curl -s -m 2 -o /dev/null http://127.0.0.1:8080/; then
        echo "oci/run: port 8080 still answers after the delete" >&2
        exit 1
    fi
    echo "=> port 8080 is closed again"
done
[ "${#runtimes[@]}" = 2 ] || echo "(crun is not installed: only runc ran)"
say "done"
