#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_disk_faults.sh - the state directory read-only, then full: every operation that must
# write a state file fails with a clear error (netctl exits 1 naming the state directory and
# the cause; the API answers 5xx) and changes nothing, neither in the kernel (links,
# addresses, the nftables table, bound sockets, the containers' interfaces) nor in the state
# files (every file's checksum, no temporary file left). Removing a file needs no free space,
# so on a full disk detach and unpublish succeed, and state and kernel agree after them. Once
# the disk is writable again the same operations succeed, and a restarted netd adopts it all.
. "$(dirname "$0")/../integration/lib.sh"
sandbox_enter "$@"

for tool in python3 nft ss sha256sum; do
    command -v "$tool" >/dev/null || skip "$tool not found"
done
. "$(dirname "$0")/consistent.sh"

# the state directory on a small file system of its own, so it can be made read-only or full
mount -t tmpfs -o size=256k,mode=0700 netd-state "$T/state" || hard_error "tmpfs for the state"

# everything netd could have changed, in one text: kernel first, then the state files
snapshot() {
    local c
    echo "## links"
    # the bridge's and its ports' timers tick by themselves
    ip -d link show 2>/dev/null | sed -E 's/ [a-z_]+_timer +[0-9.]+//g'
    echo "## addresses"
    ip addr show
    echo "## routes"
    ip route show
    echo "## nftables"
    nft list table inet netd
    echo "## sockets"
    ss -Hlntu | sort
    for c in a b; do
        echo "## container $c"
        in_ctr "$c" ip -d link show 2>/dev/null # (it cannot name the peer's netns)
        in_ctr "$c" ip addr show 2>/dev/null
        in_ctr "$c" ip route show 2>/dev/null
    done
    echo "## state files"
    (cd "$T/state" && find . -path ./fill -prune -o -print | sort && find . -type f ! -name fill -print0 | sort -z | xargs -0 sha256sum)
}

# fails_cleanly DESC REGEX NETCTL-ARGS...: netctl exits 1 with a message matching REGEX, and
# the snapshot is what it was before
fails_cleanly() {
    local desc=$1 re=$2 out rc
    shift 2
    out=$(netctl "$@" 2>&1)
    rc=$?
    check_eq "$desc: netctl exits 1" 1 "$rc"
    check_match "$desc: the message names the state directory and the cause" "$re" "$out"
    snapshot >"$T/after"
    if diff -u "$T/before" "$T/after" >"$T/diff"; then
        pass "$desc: nothing changed in the kernel or the state files"
    else
        fail "$desc: something changed"
        head -n 30 "$T/diff" | sed 's/^/    # /'
    fi
}

netd_start
ctr_start a
ctr_start b
check "create network n1" netctl network create n1 --subnet 10.91.0.0/24
check "create network n3 (empty)" netctl network create n3 --subnet 10.93.0.0/24
check "attach a to n1, publishing 8080:80" netctl attach a --pid "$(ctr_pid a)" --network n1 -p 8080:80
check "attach b to netd" netctl attach b --pid "$(ctr_pid b)"
# the bridges' link-local addresses finish duplicate address detection first
wait_for "IPv6 DAD" 50 sh -c '! ip addr show | grep -q tentative' || hard_error "DAD"
snapshot >"$T/before"

# every operation of both fault rounds; the ones that only remove files are marked "rm"
ops() {
    echo "write|network create n2|network create n2 --subnet 10.92.0.0/24"
    echo "write|attach b to n1|attach b --pid $(ctr_pid b) --network n1"
    echo "write|attach b to n1 with a port|attach b --pid $(ctr_pid b) --network n1 -p 9090:80"
    echo "write|publish 8081:80 on a|publish 8081:80 a"
    echo "rm|unpublish 8080:80 of a|unpublish 8080:80 a"
    echo "rm|detach a|detach a"
    echo "rm|network rm n3|network rm n3"
}

# ---- read-only: every operation fails, nothing changes ----
mount -o remount,ro "$T/state" || hard_error "remount the state read-only"
while IFS='|' read -r kind desc args; do
    # shellcheck disable=SC2086
    fails_cleanly "read-only: $desc" 'state directory.*Read-only file system' $args
done < <(ops)
api POST /v1/ports '{"container":"a","spec":"8082:80"}' >"$T/out"
check_match "read-only: the API answers publish with a 5xx ($API_STATUS)" '^5[0-9][0-9]$' "$API_STATUS"
check_match "read-only: its message says why" 'Read-only file system' "$(cat "$T/out")"
api DELETE "/v1/endpoints/b" >"$T/out"
check_match "read-only: the API answers detach with a 5xx ($API_STATUS)" '^5[0-9][0-9]$' "$API_STATUS"
check_eq "read-only: state and kernel agree" consistent "$(consistent)"
# a netd (re)started on the read-only directory adopts everything and still refuses changes
netd_stop
check_eq "read-only: netd exits 0" 0 "$?"
netd_start
check_eq "read-only: after a restart, state and kernel agree" consistent "$(consistent)"
fails_cleanly "read-only, restarted: attach b to n1" 'state directory.*Read-only file system' \
    attach b --pid "$(ctr_pid b)" --network n1
mount -o remount,rw "$T/state" || hard_error "remount the state read-write"
snapshot >"$T/after"
check "read-only: nothing changed at all" diff -u "$T/before" "$T/after"
grep -c "" "$T/before" | sed "s/^/# reference snapshot: /; s/$/ lines/"

# ---- full: writes fail, nothing changes; removals succeed ----
dd if=/dev/zero of="$T/state/fill" bs=4k >/dev/null 2>&1 # until ENOSPC
check_eq "the state file system is full" 0 "$(df --output=avail -k "$T/state" | tail -1 | tr -d ' ')"
while IFS='|' read -r kind desc args; do
    [ "$kind" = write ] || continue
    # shellcheck disable=SC2086
    fails_cleanly "full: $desc" 'state directory.*No space left on device' $args
done < <(ops)
api POST /v1/ports '{"container":"a","spec":"8082:80"}' >"$T/out"
check_eq "full: the API answers publish with 507 Insufficient Storage, not a 409 conflict" 507 "$API_STATUS"
check_match "full: its message says why" 'No space left on device' "$(cat "$T/out")"
check "full: unpublish 8080:80 of a succeeds (a removal needs no space)" netctl unpublish 8080:80 a
check "full: detach a succeeds" netctl detach a
check "full: network rm n3 succeeds" netctl network rm n3
check_eq "full: state and kernel agree after the removals" consistent "$(consistent)"
check_eq "full: no temporary file was left" "" "$(find "$T/state" -name '.*.tmp')"
rm -f "$T/state/fill"

# ---- writable again: the same operations succeed ----
check "writable: network create n2" netctl network create n2 --subnet 10.92.0.0/24
check "writable: network create n3" netctl network create n3 --subnet 10.93.0.0/24
check "writable: attach a to n1 with 8080:80" netctl attach a --pid "$(ctr_pid a)" --network n1 -p 8080:80
check "writable: attach b to n1 with 9090:80" netctl attach b --pid "$(ctr_pid b)" --network n1 -p 9090:80
check "writable: publish 8081:80 on a" netctl publish 8081:80 a
check "writable: unpublish 8081:80 of a" netctl unpublish 8081:80 a
check "writable: network rm n3" netctl network rm n3
check_eq "writable: state and kernel agree" consistent "$(consistent)"

# ---- a restart adopts everything ----
ls_before=$(netctl ls 2>&1; netctl port a 2>&1; netctl port b 2>&1)
links_before=$(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sort)
netd_stop
check_eq "netd exits 0" 0 "$?"
netd_start
check_eq "after the restart: state and kernel agree" consistent "$(consistent)"
check_eq "after the restart: the same endpoints and ports" "$ls_before" \
    "$(netctl ls 2>&1; netctl port a 2>&1; netctl port b 2>&1)"
check_eq "after the restart: the same links (adopted, none recreated)" "$links_before" \
    "$(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sort)"
check_eq "netd logged no state file skipped" 0 "$(grep -c 'state file .* skipped' "$T/netd.log")"
netd_stop
check_eq "netd exits 0 (ASan clean)" 0 "$?"
finish
