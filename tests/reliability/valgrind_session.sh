#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# valgrind_session.sh - `make valgrind`'s daemon half: netd (and the netd-proxy it starts) and
# netctl under valgrind memcheck, in a sandbox: create a network, attach, publish, a request
# through the proxy, unpublish, detach, a restart that adopts what is there, SIGTERM. Passes
# when memcheck reports no error and no definite or indirect leak in any process.
#
# NETD_VALGRIND is the valgrind command line (the Makefile passes its own, with
# tests/valgrind.supp). Needs a build without sanitizers.
. "$(dirname "$0")/../integration/lib.sh"
sandbox_enter "$@"

command -v valgrind >/dev/null || skip "valgrind not found"
if nm -D "$NETD_BIN" 2>/dev/null | grep -q __asan_init; then
    hard_error "$NETD_BIN is built with sanitizers: configure without --enable-sanitizers"
fi
: "${NETD_VALGRIND:=valgrind --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --suppressions=$NETD_SRCDIR/tests/valgrind.supp}"

# every process of the session writes its own report, named by its pid
cat >"$T/netd-vg" <<EOF
#!/bin/sh
exec $NETD_VALGRIND --trace-children=yes --child-silent-after-fork=yes --log-file=$T/vg.netd.%p.log "$NETD_BIN" "\$@"
EOF
cat >"$T/netctl-vg" <<EOF
#!/bin/sh
exec $NETD_VALGRIND --log-file=$T/vg.netctl.%p.log "$NETCTL_BIN" "\$@"
EOF
chmod +x "$T/netd-vg" "$T/netctl-vg"
NETD_BIN="$T/netd-vg"
NETCTL_BIN="$T/netctl-vg"

vg_start() { # netd under valgrind answers much later than without: up to 60 s
    "$NETD_BIN" --run-dir "$T/run" --state-dir "$T/state" --log-level debug \
        >>"$T/netd.log" 2>&1 &
    NETD_PID=$!
    wait_for "netd under valgrind to answer" 600 netctl info || hard_error "netd did not start"
}

t0=$SECONDS
vg_start
ctr_start a
check "network create n1" netctl network create n1 --subnet 10.77.0.0/24
check "attach a to n1" netctl attach a --pid "$(ctr_pid a)" --network n1
check "publish 8080:80 on a" netctl publish 8080:80 a
in_ctr_bg a python3 -m http.server --bind 0.0.0.0 80
wait_for "http server in a" 100 in_ctr a sh -c 'ss -Hltn | grep -q ":80 "'
# loopback reaches the port through netd-proxy
check "a request through the proxy" curl -s -m 20 -o /dev/null http://127.0.0.1:8080/
check "netctl ls" netctl ls
check "netctl port a" netctl port a
netd_stop
check_eq "netd exits 0 under valgrind" 0 "$?"
vg_start
check "after a restart, a is still attached" netctl inspect a
check "unpublish 8080:80" netctl unpublish 8080:80 a
check "detach a" netctl detach a
check "network rm n1" netctl network rm n1
netd_stop
check_eq "netd exits 0 under valgrind again" 0 "$?"
echo "# session under valgrind: $((SECONDS - t0)) s"

# the verdict of every report: errors (definite and indirect leaks count as errors)
reports=("$T"/vg.*.log)
for r in "${reports[@]}"; do
    grep -q 'ERROR SUMMARY' "$r" || continue # netd's fork that exec'd the proxy
    prog=$(sed -n 's|.*Command: \([^ ]*\).*|\1|p' "$r" | head -1)
    prog=${prog##*/}
    errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*(suppressed: \([0-9]*\).*/\1 \2/p' "$r" | tail -1)
    lost=$(sed -n 's/.*\(definitely\|possibly\) lost: \([0-9,]*\) bytes.*/\1 \2/p' "$r" | tr '\n' ' ')
    echo "# $prog: errors, suppressed: $errors; lost: ${lost:-none (all freed)}"
    if [ "${errors%% *}" = 0 ]; then
        pass "${r##*/} ($prog): 0 errors"
    else
        fail "${r##*/} ($prog): ${errors%% *} errors"
        grep -A 20 -m 3 -E '^==[0-9]+== (Invalid|Conditional|Syscall|Use of|[0-9,]+ bytes in)' "$r" |
            head -n 60 | sed 's/^/    # /'
    fi
done
[ -n "${NETD_VG_KEEP:-}" ] && cp "$T"/vg.*.log "$NETD_VG_KEEP"/
finish
