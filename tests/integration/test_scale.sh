#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_scale.sh - hundreds of published ports: element batches larger than one netlink
# message survive publish, restart (the table rebuilt in one batch) and detach
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"
command -v nft >/dev/null || skip "nft (package nftables) is needed to count map elements"

count() { # elements of a map: one " : " per element, one in its type line
    echo $(($(nft list map inet netd "$1" | grep -o ' : ' | wc -l) - 1))
}

netd_start
ctr_start c1
check "attach c1" netctl attach c1 --pid "$(ctr_pid c1)"
# 600 ports mapped to other numbers: 600 hash-map elements in one publish
check "publish a 600-port shifted range" netctl publish 20000-20599:30000-30599 c1
check_eq "600 elements in pub4" 600 "$(count pub4)"
# a range on its own numbers is one interval element
check "publish 21000-21999:21000-21999" netctl publish 21000-21999:21000-21999 c1
check_eq "one element in pub4_same" 1 "$(count pub4_same)"
# 300 single ports, each its own publish
for i in $(seq 0 299); do
    curl -s -o /dev/null -m 5 --unix-socket "$T/run/netd.sock" -X POST \
        -d "{\"container\":\"c1\",\"spec\":\"$((40000 + i)):80\"}" http://netd/v1/ports
done
check_eq "900 elements in pub4" 900 "$(count pub4)"

# restart: the whole table, with every element, in one batch
netd_stop
check_eq "netd exited 0" 0 "$?"
netd_start
check "netd answers after the restart" netctl info
check_eq "900 elements in pub4 after the restart" 900 "$(count pub4)"
check_eq "the range element after the restart" 1 "$(count pub4_same)"
check_eq "302 mappings listed" 302 "$(netctl port c1 --json | grep -c '"spec"')"

# detach: every element goes, in one batch, and netd lives on
check "detach c1" netctl detach c1
check_eq "pub4 is empty" 0 "$(count pub4)"
check_eq "pub4_same is empty" 0 "$(count pub4_same)"
check_eq "no state file left" 0 "$(ls "$T/state/ports" | wc -l)"
check "netd still answers" netctl info
check "a port of the range can be bound again" \
    python3 -c "import socket; s = socket.socket(); s.bind(('0.0.0.0', 20300))"
netd_stop
check_eq "netd exits 0 (ASan clean)" 0 "$?"
finish
