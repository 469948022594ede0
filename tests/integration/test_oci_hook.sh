#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_oci_hook.sh - netd-hook with real runtimes: a runc and a crun container (busybox rootfs,
# a network namespace of their own, the hooks in config.json) get an address, reach their
# gateway, answer on a published port, and leave nothing behind when deleted; hooks run twice
# and bad annotations fail cleanly
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

HOOK="$NETD_BUILDDIR/netd-hook"
[ -x "$HOOK" ] || hard_error "netd-hook not built"
for tool in runc crun busybox jq curl; do
    command -v "$tool" >/dev/null || skip "$tool not found"
done
BUSYBOX=$(command -v busybox)
file -L "$BUSYBOX" 2>/dev/null | grep -q "statically linked" ||
    ldd "$BUSYBOX" 2>&1 | grep -q "not a dynamic" || skip "busybox is not static (busybox-static)"
# crun refuses cgroup v2 controllers next to v1 ones (a hybrid host); with an empty tmpfs
# over the v2 mount, in this sandbox's own mount namespace only, it uses v1 like runc (not
# an unmount: crun would then write its v2 directories onto the host's /sys/fs/cgroup)
if mountpoint -q /sys/fs/cgroup/unified; then
    mount -t tmpfs -o size=1m tmpfs /sys/fs/cgroup/unified || hard_error "hide cgroup v2"
fi

# bundle RUNTIME NAME ANNOTATIONS_JSON: a busybox bundle serving HTTP on port 80
bundle() {
    local rt=$1 name=$2 ann=$3 b="$T/bundles/$2"
    mkdir -p "$b/rootfs/bin" "$b/rootfs/www"
    cp "$BUSYBOX" "$b/rootfs/bin/busybox"
    local c
    for c in sh ip ping httpd sleep cat; do ln -sf busybox "$b/rootfs/bin/$c"; done
    echo "$name" >"$b/rootfs/www/index.html"
    (cd "$b" && runc spec) || hard_error "runc spec"
    jq --arg hook "$HOOK" --arg sock "$T/run/netd.sock" --argjson ann "$ann" '
        .process.terminal = false
        | .process.args = ["httpd", "-f", "-p", "80", "-h", "/www"]
        | .root.readonly = false
        | .annotations = $ann
        | .hooks = {
            createRuntime: [{path: $hook, args: ["netd-hook", "--socket", $sock, "create"]}],
            poststop: [{path: $hook, args: ["netd-hook", "--socket", $sock, "poststop"]}]
          }' "$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}
rt() { # rt RUNTIME ARGS...: the runtime with its state in the sandbox
    local r=$1
    shift
    if [ "$r" = crun ]; then
        crun --root "$T/crun" "$@"
    else
        runc --root "$T/runc" "$@"
    fi
}
ctr_pid_of() { rt "$1" state "$2" | jq -r .pid; }
in_oci() { nsenter --net="/proc/$(ctr_pid_of "$1" "$2")/ns/net" -- "${@:3}"; }

netd_start
port=8080
for r in runc crun; do
    name="web-$r"
    bundle "$r" "$name" "{\"netd.publish\": \"$port:80\"}"
    (cd "$T/bundles/$name" && rt "$r" run -d "$name" >"$T/$name.log" 2>&1)
    check "$r: the container runs (hooks set)" test "$(rt "$r" state "$name" | jq -r .status)" = running ||
        cat "$T/$name.log"
    check_match "$r: netd knows it" "^$name +netd " "$(netctl ls)"
    check_match "$r: its eth0 has an address from netd" "inet 172\.30\.0\.[0-9]+/16" \
        "$(in_oci "$r" "$name" ip -4 addr show eth0)"
    check "$r: it reaches its gateway" in_oci "$r" "$name" ping -c 1 -W 2 172.30.0.1
    check_eq "$r: its published port $port answers the sandbox host (DNAT)" "$name" \
        "$(curl -s -m 3 "http://172.30.0.1:$port/")"
    check_eq "$r: and on 127.0.0.1 (userland proxy)" "$name" "$(curl -s -m 3 "http://127.0.0.1:$port/")"
    # the hook run again by hand, as podman does: success, nothing changes
    state=$(rt "$r" state "$name")
    check "$r: create again is a no-op" sh -c "echo '$state' | '$HOOK' --socket '$T/run/netd.sock' create"
    check_eq "$r: still one endpoint" 1 "$(netctl ls -q | grep -c "^$name\$")"
    rt "$r" kill "$name" KILL
    for ((i = 0; i < 50; i++)); do
        [ "$(rt "$r" state "$name" | jq -r .status)" = stopped ] && break
        sleep 0.1
    done
    rt "$r" delete "$name"
    check_fails "$r: deleted: netd forgot it (poststop)" sh -c "netctl ls -q | grep -q '^$name\$'"
    check_fails "$r: its port is unpublished" sh -c "netctl --json port '$name' | grep -q '$port'"
    check_eq "$r: no veth left" 0 "$(count_host_veths)"
    check "$r: poststop again is a no-op" \
        sh -c "echo '{\"id\":\"$name\",\"status\":\"stopped\",\"bundle\":\"$T/bundles/$name\"}' | '$HOOK' --socket '$T/run/netd.sock' poststop"
    port=$((port + 1))
done

# ---- bad annotations: the create hook fails, the runtime fails the container, nothing stays ----
bundle runc bad '{"netd.publish": "80:80:80:80"}'
(cd "$T/bundles/bad" && rt runc run -d bad >"$T/bad.log" 2>&1)
running() { [ "$(rt "$1" state "$2" 2>/dev/null | jq -r .status)" = running ]; }
check_fails "a bad netd.publish fails the container" running runc bad
check_match "with the hook's message" "invalid port spec '80:80:80:80'" "$(cat "$T/bad.log")"
rt runc delete -f bad >/dev/null 2>&1
check_eq "nothing attached" "" "$(netctl ls -q)"
check_eq "no veth" 0 "$(count_host_veths)"

# ---- the hook by hand: input errors -----------------------------------------------------------
out=$(echo 'not json' | "$HOOK" --socket "$T/run/netd.sock" create 2>&1)
check_eq "invalid state: exit 1" 1 "$?"
check_match "with a message" "invalid JSON" "$out"
out=$(echo '{"id":"x","status":"stopped"}' | "$HOOK" --socket "$T/run/netd.sock" create 2>&1)
check_match "create without a pid says which hook to use" "createRuntime or prestart" "$out"
out=$("$HOOK" bogus </dev/null 2>&1)
check_eq "unknown command: exit 2" 2 "$?"
out=$(echo '{"id":"x","pid":1}' | "$HOOK" --socket "$T/nonexistent.sock" create 2>&1)
check_eq "netd not running: exit 1" 1 "$?"
finish
