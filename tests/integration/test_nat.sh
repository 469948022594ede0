#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_nat.sh - netd's nftables table: the skeleton, masquerade out of the host (IPv4 and
# IPv6), isolation between networks, internal networks, no direct way in, restart, cleanup
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"
command -v nft >/dev/null || skip "nft (package nftables) is needed to check the ruleset"

# normalised ruleset: counters zeroed, so the dump compares with the checked-in one
dump() {
    nft list table inet "$1" | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'
}

netd_start --nft-table nattest
check "network web (dual stack)" netctl network create web --subnet 10.90.0.0/24 --subnet6 fd00:90::/64
check "network back" netctl network create back --subnet 10.91.0.0/24
check "network priv (internal)" netctl network create priv --subnet 10.92.0.0/24 --internal
check_fails "netd made no table under the default name" nft list table inet netd
# NETD_DUMP_WRITE=1 rewrites the checked-in dump (then review its diff)
[ "${NETD_DUMP_WRITE:-}" = 1 ] && dump nattest >"$NETD_SRCDIR/tests/integration/dumps/nat-skeleton.nft"
check "the ruleset matches the checked-in dump" \
    diff -u "$NETD_SRCDIR/tests/integration/dumps/nat-skeleton.nft" <(dump nattest)

# an "outside" host: a namespace wired to the sandbox host, with no route to any container
outside_start

ctr_start c1
ctr_start c2
ctr_start c3
ctr_start p1
check "attach c1 to web" netctl attach c1 --pid "$(ctr_pid c1)" --network web
check "attach c2 to back" netctl attach c2 --pid "$(ctr_pid c2)" --network back
check "attach c3 to web" netctl attach c3 --pid "$(ctr_pid c3)" --network web
check "attach p1 to priv" netctl attach p1 --pid "$(ctr_pid p1)" --network priv

check "c1 reaches the outside host (masquerade)" ping_ok c1 192.0.2.2
check "c2 reaches the outside host too" ping_ok c2 192.0.2.2
wait_for "IPv6 addresses of the outside link" 30 in_ctr c1 ping -6 -c 1 -W 1 fd00:ff::2
check "c1 reaches the outside host over IPv6 (masquerade6)" in_ctr c1 ping -6 -c 1 -W 2 fd00:ff::2
check "the masquerade rule counted it" sh -c "nft list chain inet nattest postrouting | grep -q 'ip saddr @masq4 oifname != @bridges counter packets [1-9]'"
check "containers on one network talk" ping_ok c1 10.90.0.3
check_fails "containers on two networks do not (isolation)" ping_ok c1 10.91.0.2
check_fails "nor the other way" ping_ok c2 10.90.0.2
check "the isolation rule counted it" sh -c "nft list chain inet nattest forward | grep -q 'iifname @bridges oifname @bridges counter packets [1-9]'"
check_fails "an internal network has no way out" in_ctr p1 ping -c 1 -W 1 -I eth0 192.0.2.2
check "p1 reaches its own gateway" ping_ok p1 10.92.0.1

# the outside host routes to the containers through the sandbox host: still no way in
in_ctr out ip route add 10.90.0.0/24 via 192.0.2.1
check_fails "no direct way into a container from outside" in_ctr out ping -c 1 -W 1 10.90.0.2
check "the host itself still reaches its containers" ping -c 1 -W 2 10.90.0.2

# network rm takes its elements with it, in one batch
check "detach p1" netctl detach p1
check "network rm priv" netctl network rm priv
check_fails "priv's bridge left the sets" sh -c "nft list set inet nattest bridges | grep -q nd-priv"
check_fails "priv's bridge left the internal set" sh -c "nft list set inet nattest internal | grep -q nd-priv"
check "web is still in them" sh -c "nft list set inet nattest bridges | grep -q nd-web"

# restart: the table is replaced in one batch with the same content
before=$(dump nattest)
netd_stop
check "the table stays while netd is down" nft list table inet nattest
check "c1 still reaches the outside while netd is down" ping_ok c1 192.0.2.2
netd_start --nft-table nattest
check_eq "the table after a restart is the same" "$before" "$(dump nattest)"

# a table wiped while netd was down comes back at start
netd_stop
nft delete table inet nattest
netd_start --nft-table nattest
check_eq "a deleted table is rebuilt at start" "$before" "$(dump nattest)"
check "c1 reaches the outside again" ping_ok c1 192.0.2.2

# netd heals its table at once when someone else flushes the ruleset or deletes the table
nft flush ruleset
wait_for "the table to come back after 'nft flush ruleset'" 20 nft list table inet nattest
check_eq "a flushed table is restored, whole, within 2 s" "$before" "$(dump nattest)"
check "the log says who and what" grep -q "changed by someone else" "$T/netd.log"
nft delete table inet nattest
wait_for "the table to come back after 'nft delete table'" 20 nft list table inet nattest
check_eq "a deleted table is restored" "$before" "$(dump nattest)"
nft delete chain inet nattest postrouting 2>/dev/null || nft flush chain inet nattest postrouting
wait_for "the postrouting chain to come back" 20 sh -c "nft list chain inet nattest postrouting | grep -q masquerade"
check_eq "a removed chain is restored" "$before" "$(dump nattest)"
check "c1 reaches the outside after the healing" ping_ok c1 192.0.2.2

# someone else's table is never touched
nft add table inet bystander
nft add chain inet bystander c '{ type filter hook forward priority 10; policy accept; }'
netd_stop
netd_start --nft-table nattest
check "another table is left alone" nft list chain inet bystander c

# --cleanup removes netd's table and nothing else
netd_stop
check "netd --cleanup" "$NETD_BIN" --nft-table nattest --cleanup
check_fails "the table is gone" nft list table inet nattest
check "the other table is still there" nft list table inet bystander
check "bridges and endpoints stay" ip link show nd-web
finish
