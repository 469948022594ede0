#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_conntrack.sh - unpublishing a UDP port removes its conntrack entries, so the next
# datagram of an ongoing flow meets the new rules instead of the old NAT binding
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"
command -v socat >/dev/null || skip "socat is needed for UDP"
command -v python3 >/dev/null || skip "python3 is needed"

netd_start
outside_start
ctr_start c1
check "attach c1 publishing 5353:53/udp" netctl attach c1 --pid "$(ctr_pid c1)" -p 5353:53/udp
# one socket answering every datagram: socat's UDP-LISTEN,fork hands a peer to a child that
# may be exiting when that peer's next datagram comes, which made this test flaky
nsenter --net="$T/ns/c1" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 53))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(b"pong\n", peer)' &
CTR_PIDS+=($!)

udp_ping() { # the same client port every time: one conntrack flow
    echo ping | nsenter --net="$T/ns/out" socat -T 2 - UDP:192.0.2.1:5353,sourceport=40000 |
        grep -q pong
}
wait_for "the UDP server" 30 udp_ping
check "a datagram reaches the container through the published port" udp_ping
check "the flow has a conntrack entry" grep -q "dport=5353" /proc/net/nf_conntrack
check "unpublish" netctl unpublish 5353:53/udp c1
check_fails "its conntrack entry is gone" grep -q "dport=5353 .*sport=53 " /proc/net/nf_conntrack
check "netd says it removed it" grep -q "conntrack entries of 5353/udp removed" "$T/netd.log"
check_fails "the next datagram of the same flow does not reach the container" udp_ping
check "publish again" netctl publish 5353:53/udp c1
check "and the flow works again" udp_ping
finish
