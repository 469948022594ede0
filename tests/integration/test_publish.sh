#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_publish.sh - published ports (docker's -p): netctl publish | unpublish | port, attach -p;
# traffic from an outside host, from the sandbox host, hairpin, across networks, ranges, host-IP
# bound and random host ports, conflicts with other programs, restart without a gap, bad input,
# and the nftables maps against a checked-in dump
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

for tool in nft socat curl busybox python3 ss; do
    command -v "$tool" >/dev/null || skip "$tool not found"
done
[ -e /proc/sys/net/ipv6/conf/all/forwarding ] || skip "no IPv6 in this kernel"

# normalised ruleset: counters zeroed, so the dump compares with the checked-in one
dump() {
    nft list table inet netd | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'
}
# the dump with the elements of every set and map sorted, one a line: a restart loads the
# mappings in another order, and the order of elements means nothing
canon() {
    dump | python3 -c '
import re, sys
def one_a_line(m):
    return "elements = {\n" + "\n".join(sorted(x.strip() for x in m.group(1).split(","))) + " }"
print(re.sub(r"elements = \{(.*?)\}", one_a_line, sys.stdin.read(), flags=re.S), end="")'
}
# what netd published: the state files and the whole ruleset
published() {
    ls "$T/state/ports"
    canon
}

# a web server in a container: GET / answers TEXT, GET /cgi-bin/peer the client's address
httpd_start() { # httpd_start CTR PORT TEXT
    local d="$T/www/$1-$2"
    mkdir -p "$d/cgi-bin"
    echo "$3" >"$d/index.html"
    printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n%%s\\n" "$REMOTE_ADDR"\n' \
        >"$d/cgi-bin/peer"
    chmod +x "$d/cgi-bin/peer"
    nsenter --net="$T/ns/$1" busybox httpd -f -p "$2" -h "$d" &
    CTR_PIDS+=($!)
    wait_for "httpd $1:$2" 50 in_ctr "$1" curl -s -m 1 "http://127.0.0.1:$2/" ||
        hard_error "httpd in $1 on port $2 did not start"
}

# get NS URL: the body, from NS ("host" for the sandbox host itself), within 3 s
get() {
    if [ "$1" = host ]; then
        curl -s -g -m 3 "$2"
    else
        in_ctr "$1" curl -s -g -m 3 "$2"
    fi
}
# refused NS URL: the connection fails at once (curl exit 7: refused or reset), no timeout
refused() {
    get "$@" >/dev/null
    [ $? = 7 ]
}
# udp_ask NS ADDR PORT: one datagram "ping", the answer within 1 s
udp_ask() {
    echo ping | in_ctr "$1" socat -t 1 -T 2 - "UDP:$2:$3"
}
# bind_errno ADDR PORT [tcp|udp] [reuse]: bind the port as another program would: "0" or the
# errno name (an IPv6 socket is IPv6-only, so it tells whether the IPv6 side alone is taken);
# "reuse" sets SO_REUSEADDR first, as servers do
bind_errno() {
    python3 - "$@" <<'PY'
import errno, socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
kind = socket.SOCK_DGRAM if sys.argv[3:4] == ["udp"] else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, kind)
if ":" in addr:
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
if sys.argv[4:5] == ["reuse"]:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((addr, port))
    print(0)
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
PY
}
listening() { [ -n "$(ss -Hltn "sport = :$1")" ]; }
no_tentative() { [ -z "$(in_ctr "$1" ip -6 addr show tentative)" ]; }

netd_start
check "network web (dual stack)" netctl network create web --subnet 10.90.0.0/24 --subnet6 fd00:90::/64
check "network back (IPv4 only)" netctl network create back --subnet 10.91.0.0/24
check "network priv (internal)" netctl network create priv --subnet 10.92.0.0/24 --internal

# an "outside" host wired to the sandbox host: 192.0.2.1 (and .3) + fd00:ff::1 on its side
outside_start
ip addr add 192.0.2.3/24 dev vout

# attached in a fixed order, so the addresses in the dump are always the same
for c in c1 c2 c3 c5 c6 p1; do ctr_start "$c"; done
check "attach c1 to web (10.90.0.2, fd00:90::2)" netctl attach c1 --pid "$(ctr_pid c1)" --network web --ip 10.90.0.2 --ip6 fd00:90::2
check "attach c3 to web (10.90.0.3)" netctl attach c3 --pid "$(ctr_pid c3)" --network web --ip 10.90.0.3 --ip6 fd00:90::3
check "attach c2 to back (10.91.0.2)" netctl attach c2 --pid "$(ctr_pid c2)" --network back --ip 10.91.0.2
check "attach p1 to priv" netctl attach p1 --pid "$(ctr_pid p1)" --network priv

httpd_start c1 80 c1
httpd_start c3 80 c3
for p in 8000 8001 8002 7000 7001; do httpd_start c1 "$p" "c1:$p"; done
# a UDP server in c1: answers each datagram with "pong CLIENT-ADDRESS" (it reads the datagram
# first, or socat may hit a closed pipe before the answer goes out)
nsenter --net="$T/ns/c1" socat -T 2 UDP4-RECVFROM:53,fork SYSTEM:'read -r l; echo pong $SOCAT_PEERADDR' &
CTR_PIDS+=($!)
wait_for "DAD in c1" 50 no_tentative c1
wait_for "DAD in c3" 50 no_tentative c3
wait_for "IPv6 between c1 and the outside link" 30 in_ctr c1 ping -6 -c 1 -W 1 fd00:ff::2

# ---- 14. the ruleset after a scripted sequence ---------------------------------------------
out=$(netctl publish 8080:80 c1)
check_eq "14. publish 8080:80 c1 prints both families" \
    "80/tcp -> 0.0.0.0:8080"$'\n'"80/tcp -> [::]:8080" "$out"
out=$(netctl publish 8000-8002:8000-8002 c1)
check_eq "14. publish 8000-8002:8000-8002 c1" \
    "8000-8002/tcp -> 0.0.0.0:8000-8002"$'\n'"8000-8002/tcp -> [::]:8000-8002" "$out"
out=$(netctl publish 127.0.0.1:9090:90/udp c2)
check_eq "14. publish 127.0.0.1:9090:90/udp c2" "90/udp -> 127.0.0.1:9090" "$out"
# NETD_DUMP_WRITE=1 rewrites the checked-in dump (then review its diff)
[ "${NETD_DUMP_WRITE:-}" = 1 ] && dump >"$NETD_SRCDIR/tests/integration/dumps/publish.nft"
check "14. the ruleset matches the checked-in dump" \
    diff -u "$NETD_SRCDIR/tests/integration/dumps/publish.nft" <(dump)
# netd lists a container's ports by host port, the same before and after a restart
check_eq "netctl port c1 (sorted by host port)" \
    "8000-8002/tcp -> 0.0.0.0:8000-8002"$'\n'"8000-8002/tcp -> [::]:8000-8002"$'\n'"80/tcp -> 0.0.0.0:8080"$'\n'"80/tcp -> [::]:8080" \
    "$(netctl port c1)"
check_eq "netctl port c2" "90/udp -> 127.0.0.1:9090" "$(netctl port c2)"
check_eq "netctl port c3: nothing published" "" "$(netctl port c3)"
check_eq "state files of the three mappings" "tcp-any-8000.json tcp-any-8080.json udp-127.0.0.1-9090.json" \
    "$(ls "$T/state/ports" | tr '\n' ' ' | sed 's/ $//')"

# ---- 1. from the outside host ----------------------------------------------------------------
check_eq "1. outside -> 192.0.2.1:8080 reaches c1:80" c1 "$(get out http://192.0.2.1:8080/)"
check_match "1. c1 sees the client's real address 192.0.2.2" '^\[?(::ffff:)?192\.0\.2\.2\]?$' \
    "$(get out http://192.0.2.1:8080/cgi-bin/peer)"
check_eq "1. outside -> [fd00:ff::1]:8080 reaches c1 over IPv6" c1 "$(get out 'http://[fd00:ff::1]:8080/')"
check_match "1. c1 sees the IPv6 client fd00:ff::2 (reached on its IPv6 address)" '^\[?fd00:ff::2\]?$' \
    "$(get out 'http://[fd00:ff::1]:8080/cgi-bin/peer')"
check "1. the pub6 DNAT rule counted it" sh -c \
    "nft list chain inet netd prerouting | grep -q 'counter packets [1-9][0-9]* bytes [0-9]* dnat ip6 to meta l4proto . th dport map @pub6\$'"
out=$(netctl publish 5353:53/udp c1)
check_eq "1. publish 5353:53/udp c1" "53/udp -> 0.0.0.0:5353"$'\n'"53/udp -> [::]:5353" "$out"
check_match "1. a UDP datagram to 192.0.2.1:5353 gets c1's answer, from 192.0.2.2" \
    '^pong 192\.0\.2\.2$' "$(udp_ask out 192.0.2.1 5353)"

# ---- 1b. what each port carried through NAT: /metrics from the map elements' counters ----------
nat_metric() { # nat_metric packets|bytes PORT-SPEC: the value for c1's mapping
    curl -s -m 3 --unix-socket "$T/run/netd.sock" http://netd/metrics |
        sed -n "s|^netd_port_nat_$1_total{container=\"c1\",port=\"$2\"} ||p"
}
head -c 200000 /dev/zero >"$T/www/c1-80/big"
b0=$(nat_metric bytes 8080:80/tcp)
p0=$(nat_metric packets 8080:80/tcp)
check_eq "1b. 200 KB from c1 through 192.0.2.1:8080" 200000 \
    "$(in_ctr out curl -s -m 5 http://192.0.2.1:8080/big | wc -c)"
b1=$(nat_metric bytes 8080:80/tcp)
p1=$(nat_metric packets 8080:80/tcp)
check "1b. the mapping's NAT byte counter grew by the transfer and its headers" \
    test "$((b1 - b0))" -ge 200000 -a "$((b1 - b0))" -lt 400000
check "1b. and its packet counter moved (the 200 KB went in large segments)" test "$((p1 - p0))" -gt 10
check_match "1b. every published port has its series, by container and spec" \
    'netd_port_nat_bytes_total\{container="c2",port="127.0.0.1:9090:90/udp"\} [0-9]+' \
    "$(curl -s -m 3 --unix-socket "$T/run/netd.sock" http://netd/metrics)"

# ---- 2. from the sandbox host itself ---------------------------------------------------------
check_eq "2. host -> 192.0.2.1:8080 reaches c1 (output chain DNAT)" c1 "$(get host http://192.0.2.1:8080/)"
check_eq "2. host -> [fd00:ff::1]:8080 reaches c1 (output chain DNAT, IPv6)" c1 \
    "$(get host 'http://[fd00:ff::1]:8080/')"
# DNAT cannot send 127.0.0.1 or ::1 to a container: the userland proxy relays them (on the
# socket netd holds for the port; test_proxy.sh covers it in depth)
check_eq "2. host -> 127.0.0.1:8080 reaches c1 (userland proxy)" c1 "$(get host http://127.0.0.1:8080/)"
check_eq "2. host -> [::1]:8080 reaches c1 (userland proxy)" c1 "$(get host 'http://[::1]:8080/')"

# ---- 3. hairpin --------------------------------------------------------------------------------
check_eq "3. c1 reaches itself through 192.0.2.1:8080" c1 "$(get c1 http://192.0.2.1:8080/)"
check_eq "3. c3 (same network) reaches c1 through 192.0.2.1:8080" c1 "$(get c3 http://192.0.2.1:8080/)"
check_eq "3. c3 reaches c1 through [fd00:ff::1]:8080 (IPv6 hairpin)" c1 "$(get c3 'http://[fd00:ff::1]:8080/')"

# ---- 4. across networks ------------------------------------------------------------------------
check_eq "4. c2 (network back) reaches c1 through 192.0.2.1:8080" c1 "$(get c2 http://192.0.2.1:8080/)"
check_fails "4. c2 still cannot reach c1's address directly" \
    in_ctr c2 curl -s --connect-timeout 1 -m 2 http://10.90.0.2:80/

# ---- 5. ranges -----------------------------------------------------------------------------------
for p in 8000 8001 8002; do
    check_eq "5. outside -> 192.0.2.1:$p reaches c1:$p" "c1:$p" "$(get out "http://192.0.2.1:$p/")"
done
check "5. a range's one element counts the traffic of all its ports" \
    test "$(nat_metric packets 8000-8002:8000-8002/tcp)" -ge 15
check_eq "5. the range is ONE element of pub4_same" "tcp . 8000-8002 : 10.90.0.2" \
    "$(nft list map inet netd pub4_same | sed -n 's/^.*elements = { \(.*\) }$/\1/p' | sed 's/ counter packets [0-9]* bytes [0-9]*//')"
check_eq "5. and ONE of pub6_same" "tcp . 8000-8002 : fd00:90::2" \
    "$(nft list map inet netd pub6_same | sed -n 's/^.*elements = { \(.*\) }$/\1/p' | sed 's/ counter packets [0-9]* bytes [0-9]*//')"
check "5. publish shifted range 9000-9001:7000-7001 c1" netctl publish 9000-9001:7000-7001 c1
check_eq "5. 192.0.2.1:9000 reaches c1:7000" c1:7000 "$(get out http://192.0.2.1:9000/)"
check_eq "5. 192.0.2.1:9001 reaches c1:7001" c1:7001 "$(get out http://192.0.2.1:9001/)"
check_eq "5. [fd00:ff::1]:9001 reaches c1:7001" c1:7001 "$(get out 'http://[fd00:ff::1]:9001/')"

# ---- 6. bound to one host address ----------------------------------------------------------------
out=$(netctl publish 192.0.2.3:8090:80 c1)
check_eq "6. publish 192.0.2.3:8090:80 c1" "80/tcp -> 192.0.2.3:8090" "$out"
check_eq "6. outside -> 192.0.2.3:8090 reaches c1" c1 "$(get out http://192.0.2.3:8090/)"
check "6. outside -> 192.0.2.1:8090 is refused" refused out http://192.0.2.1:8090/
check_match "6. the element is in pub4_ip" '192\.0\.2\.3 \. tcp \. 8090 counter packets [0-9]+ bytes [0-9]+ : 10\.90\.0\.2 \. 80' \
    "$(nft list map inet netd pub4_ip)"

# ---- 7. a random host port -------------------------------------------------------------------------
out=$(netctl publish 80 c1)
rport=$(sed -n '1s|^80/tcp -> 0\.0\.0\.0:\([0-9]*\)$|\1|p' <<<"$out")
check_match "7. publish 80 c1 prints a host port" '^[0-9]+$' "$rport"
check_eq "7. in both families" "80/tcp -> 0.0.0.0:$rport"$'\n'"80/tcp -> [::]:$rport" "$out"
check_match "7. netctl port c1 lists it" "^80/tcp -> \[::\]:$rport\$" "$(netctl port c1)"
check_eq "7. outside -> 192.0.2.1:$rport reaches c1" c1 "$(get out "http://192.0.2.1:$rport/")"
check_eq "7. the random port is held" EADDRINUSE "$(bind_errno 0.0.0.0 "$rport")"

# ---- 8. conflicts ----------------------------------------------------------------------------------
before=$(published)
out=$(netctl publish 8080:80 c3 2>&1)
check_eq "8. 8080 for a second container: exit 1" 1 "$?"
check_match "8. the message names the port or the container" "8080|'c1'" "$out"
out=$(netctl publish 8002-8003:80-81 c3 2>&1)
check_eq "8. a range overlapping 8000-8002: exit 1" 1 "$?"
check_match "8. the message names the port or the container" "800[0-3]|'c1'" "$out"
out=$(netctl publish 192.0.2.1:8001:80 c3 2>&1)
check_eq "8. 192.0.2.1:8001, inside c1's 0.0.0.0:8000-8002: exit 1" 1 "$?"
check_match "8. the message names the port or the container" "800[0-2]|'c1'" "$out"
out=$(netctl publish 8090:80 c3 2>&1)
check_eq "8. 0.0.0.0:8090 while c1 has 192.0.2.3:8090: exit 1" 1 "$?"
check_match "8. the message names the port or the container" "8090|'c1'" "$out"
check_eq "8. nothing was added" "$before" "$(published)"

socat TCP4-LISTEN:8111 /dev/null </dev/null &
CTR_PIDS+=($!)
socat TCP6-LISTEN:8112,ipv6only=1 /dev/null </dev/null &
CTR_PIDS+=($!)
wait_for "socat on 8111" 50 listening 8111 || hard_error "socat did not listen on 8111"
wait_for "socat on 8112" 50 listening 8112 || hard_error "socat did not listen on 8112"
out=$(netctl publish 8111:80 c3 2>&1)
check_eq "8. 8111 held by another program: exit 1" 1 "$?"
check_match "8. the message names the port" "8111" "$out"
out=$(netctl publish 8112:80 c3 2>&1)
check_eq "8. 8112 held on IPv6 only by another program: exit 1" 1 "$?"
check_match "8. the message names the port" "8112" "$out"
check_eq "8. nothing was added (maps, state files)" "$before" "$(published)"
check_eq "8. the IPv4 half of 8112 was let go" 0 "$(bind_errno 0.0.0.0 8112)"
check_eq "8. a published port cannot be bound by another program" EADDRINUSE "$(bind_errno 0.0.0.0 8080)"
check_eq "8. nor its IPv6 side" EADDRINUSE "$(bind_errno :: 8080)"
check_eq "8. nor a published UDP port" EADDRINUSE "$(bind_errno 0.0.0.0 5353 udp)"
check_eq "8. nor a port inside a published range" EADDRINUSE "$(bind_errno 0.0.0.0 8001)"
check_eq "8. nor a host-IP bound one on its address" EADDRINUSE "$(bind_errno 192.0.2.3 8090)"
check "8. 8080/udp for another container is fine (another protocol)" netctl publish 8080:80/udp c3
check "8. unpublish it" netctl unpublish 8080:80/udp c3

# ---- 13. bad input: 4xx, nothing changes -------------------------------------------------------
before=$(published)
ports_c1=$(netctl port c1)
for spec in 80:80:80:80 99999 abc 80/icmp '[::1:80'; do
    api POST /v1/ports "{\"container\":\"c1\",\"spec\":\"$spec\"}" >/dev/null
    check_match "13. spec '$spec' gets a 4xx" '^4[0-9][0-9]$' "$API_STATUS"
done
api POST /v1/ports '{"container":"nosuch","spec":"8300:80"}' >/dev/null
check_match "13. an unknown container gets a 4xx" '^4[0-9][0-9]$' "$API_STATUS"
api POST /v1/ports '{"container":"p1","spec":"8300:80"}' >/dev/null
check_match "13. a container on an internal network gets a 4xx" '^4[0-9][0-9]$' "$API_STATUS"
api POST /v1/ports '{"container":"c2","spec":"[fd00:ff::1]:8300:80"}' >/dev/null
check_match "13. an IPv6 host address for an IPv4-only container gets a 4xx" '^4[0-9][0-9]$' "$API_STATUS"
check_fails "13. netctl publish 80/icmp c1 fails" netctl publish 80/icmp c1
check_eq "13. nothing changed (maps, state files)" "$before" "$(published)"
check_eq "13. netctl port c1 is unchanged" "$ports_c1" "$(netctl port c1)"
check_eq "13. 8300 was never held" 0 "$(bind_errno 0.0.0.0 8300)"

# ---- 10. attach -p ---------------------------------------------------------------------------------
check "10. attach c5 -p 8200:80" netctl attach c5 --pid "$(ctr_pid c5)" --network web \
    --ip 10.90.0.4 --ip6 fd00:90::4 -p 8200:80
httpd_start c5 80 c5
check_eq "10. netctl port c5" "80/tcp -> 0.0.0.0:8200"$'\n'"80/tcp -> [::]:8200" "$(netctl port c5)"
check_eq "10. outside -> 192.0.2.1:8200 reaches c5" c5 "$(get out http://192.0.2.1:8200/)"
veths=$(count_host_veths)
out=$(netctl attach c6 --pid "$(ctr_pid c6)" --network web -p 8210:80 -p 8200:80 2>&1)
check_eq "10. attach c6 -p 8210:80 -p 8200:80 (taken): exit 1" 1 "$?"
check_match "10. the message names the port or the container" "8200|'c5'" "$out"
check_eq "10. c6 has no interface but lo" "lo" "$(in_ctr c6 ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | tr '\n' ' ' | sed 's/ $//')"
ls_out=$(netctl ls)
check_match "10. netctl ls works" "^c1 " "$ls_out"
check_fails "10. c6 is not in netctl ls" grep -q '^c6 ' <<<"$ls_out"
check_eq "10. no host veth left behind" "$veths" "$(count_host_veths)"
check_fails "10. no endpoint state file for c6" test -e "$T/state/endpoints/c6@web.json"
check_fails "10. 8210 (given first) was not left published" test -e "$T/state/ports/tcp-any-8210.json"
check_eq "10. 8210 is free" 0 "$(bind_errno 0.0.0.0 8210)"

# ---- 11. detach takes the container's mappings ---------------------------------------------------
check "11. publish 8201:80/udp c5 too" netctl publish 8201:80/udp c5
check "11. detach c5" netctl detach c5
check_eq "11. netctl port c5 is empty" "" "$(netctl port c5)"
check_fails "11. no map element for c5 (10.90.0.4) left" sh -c "nft list table inet netd | grep -E '10\.90\.0\.4|fd00:90::4'"
check_fails "11. no state file for 8200" test -e "$T/state/ports/tcp-any-8200.json"
check_fails "11. no state file for 8201/udp" test -e "$T/state/ports/udp-any-8201.json"
check_eq "11. 8200 can be bound again" 0 "$(bind_errno 0.0.0.0 8200)"
check_eq "11. 8201/udp can be bound again" 0 "$(bind_errno 0.0.0.0 8201 udp)"
check "11. outside -> 192.0.2.1:8200 is refused" refused out http://192.0.2.1:8200/

# ---- 12. restart keeps every mapping with no gap -----------------------------------------------
all_ports() { for c in c1 c2 c3; do netctl port "$c" | sort | sed "s/^/$c: /"; done; }
ports_before=$(all_ports)
dump_before=$(canon)
# 40 requests 0.1 s apart from the outside host, each bounded by 1 s, across the restart
in_ctr out bash -c 'for i in $(seq 40); do curl -s -m 1 -o /dev/null -w "%{http_code}\n" http://192.0.2.1:8080/; sleep 0.1; done' \
    >"$T/loop.out" 2>&1 &
LOOP_PID=$!
CTR_PIDS+=("$LOOP_PID")
sleep 0.5
netd_stop
check_eq "12. netd exits 0 on SIGTERM" 0 "$?"
sleep 0.5
netd_start
check "12. the client loop was still running after the restart" kill -0 "$LOOP_PID"
wait "$LOOP_PID"
check_eq "12. all 40 requests across the restart succeeded" 40 "$(grep -c '^200$' "$T/loop.out")"
check_eq "12. before it, netctl port listed 12 lines (7 mappings)" 12 "$(wc -l <<<"$ports_before")"
check_eq "12. after restart netctl port lists the same mappings" "$ports_before" "$(all_ports)"
check_eq "12. after restart the ruleset is the same (elements in any order)" "$dump_before" "$(canon)"
check_eq "12. 8080 is held again" EADDRINUSE "$(bind_errno 0.0.0.0 8080)"
check_eq "12. 8080 is held even against SO_REUSEADDR" EADDRINUSE "$(bind_errno 0.0.0.0 8080 tcp reuse)"
check_eq "12. 8001 (in a range) is held again" EADDRINUSE "$(bind_errno 0.0.0.0 8001)"
check_eq "12. 127.0.0.1:9090/udp is held again" EADDRINUSE "$(bind_errno 127.0.0.1 9090 udp)"
check_eq "12. the random port is held again" EADDRINUSE "$(bind_errno 0.0.0.0 "$rport")"
check_eq "12. outside -> 192.0.2.1:8080 still reaches c1" c1 "$(get out http://192.0.2.1:8080/)"

# ---- 9. unpublish ----------------------------------------------------------------------------------
out=$(netctl unpublish 8080:80 c1)
check_eq "9. unpublish 8080:80 c1 prints what it removed" \
    "80/tcp -> 0.0.0.0:8080"$'\n'"80/tcp -> [::]:8080" "$out"
check "9. outside -> 192.0.2.1:8080 is refused now" refused out http://192.0.2.1:8080/
check "9. over IPv6 too" refused out 'http://[fd00:ff::1]:8080/'
check_fails "9. no map element for 8080 left" sh -c "nft list table inet netd | grep -E 'tcp \. 8080 '"
check_fails "9. its state file is gone" test -e "$T/state/ports/tcp-any-8080.json"
# with SO_REUSEADDR, as servers bind: the connections proxied in 2. linger in TIME_WAIT
check_eq "9. 8080 can be bound again" 0 "$(bind_errno 0.0.0.0 8080 tcp reuse)"
check_eq "9. on IPv6 too" 0 "$(bind_errno :: 8080 tcp reuse)"
out=$(netctl unpublish 8080:80 c1 2>&1)
check_eq "9. unpublishing again: exit 1" 1 "$?"
check_match "9. with a clear message" "no such published port" "$out"
check_eq "9. the other mappings stay" c1:8001 "$(get out http://192.0.2.1:8001/)"
out=$(netctl unpublish 53/udp c1)
check_eq "9. unpublish by the container side alone (53/udp)" \
    "53/udp -> 0.0.0.0:5353"$'\n'"53/udp -> [::]:5353" "$out"
check_fails "9. its state file is gone" test -e "$T/state/ports/udp-any-5353.json"
check_eq "9. 5353/udp can be bound again" 0 "$(bind_errno 0.0.0.0 5353 udp)"
finish
