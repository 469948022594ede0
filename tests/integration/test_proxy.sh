#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_proxy.sh - the userland proxy (netd-proxy): loopback clients over IPv4 and IPv6, large
# transfers both ways byte for byte, half-close, UDP, the PROXY v2 header, counters, limits, a
# container that does not listen, the worker killed, unpublish, and --userland-proxy modes
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

for tool in socat curl busybox python3 sha256sum nft; do
    command -v "$tool" >/dev/null || skip "$tool not found"
done
[ -x "$NETD_BUILDDIR/netd-proxy" ] || hard_error "netd-proxy not built"

PER_PORT=8
BIG_MB=200

proxy_pid() { pgrep -P "$NETD_PID" -x netd-proxy; }
# stat CTR SPEC FIELD: a counter of the mapping from GET /v1/ports
stat_of() {
    api GET "/v1/ports?container=$1" | python3 -c '
import json, sys
for m in json.load(sys.stdin):
    if m["spec"] == sys.argv[1]:
        print(m.get("stats", {}).get(sys.argv[2], "none"))' "$2" "$3"
}
stat_is() { [ "$(stat_of "$@" | head -1)" = "$4" ]; }
# a web server in c1: GET / answers "c1", /cgi-bin/peer the client address it sees
httpd_start() {
    local d="$T/www"
    mkdir -p "$d/cgi-bin"
    echo c1 >"$d/index.html"
    printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n%%s\\n" "$REMOTE_ADDR"\n' \
        >"$d/cgi-bin/peer"
    chmod +x "$d/cgi-bin/peer"
    in_ctr_bg c1 busybox httpd -f -p 80 -h "$d"
    wait_for "httpd in c1" 50 in_ctr c1 curl -s -m 1 http://127.0.0.1:80/ || hard_error "httpd"
}
# bg_in_c1 CMD...: a server in c1, ended with the sandbox
bg_in_c1() {
    in_ctr_bg c1 "$@"
}
get() { curl -s -g -m 3 "$1"; }

netd_start --proxy-max-conns-per-port "$PER_PORT" --proxy-udp-timeout 1
ctr_start c1
netctl attach c1 --netns "$T/ns/c1" >/dev/null || hard_error "attach c1"
httpd_start
check "publish 8080:80 c1" netctl publish 8080:80 c1

# ---- the worker ------------------------------------------------------------------------------
wait_for "netd-proxy" 50 proxy_pid || hard_error "no netd-proxy child of netd"
PPID1=$(proxy_pid)
check_eq "one netd-proxy worker, a child of netd" 1 "$(proxy_pid | wc -l)"
check_eq "it runs as nobody" 65534 "$(awk '/^Uid:/ {print $2}' "/proc/$PPID1/status")"
check_eq "with no capability" 0000000000000000 "$(awk '/^CapEff:/ {print $2}' "/proc/$PPID1/status")"
check_eq "and an empty bounding set" 0000000000000000 "$(awk '/^CapBnd:/ {print $2}' "/proc/$PPID1/status")"
check_eq "and no_new_privs" 1 "$(awk '/^NoNewPrivs:/ {print $2}' "/proc/$PPID1/status")"

# ---- loopback clients ------------------------------------------------------------------------
check_eq "127.0.0.1:8080 reaches c1" c1 "$(get http://127.0.0.1:8080/)"
check_eq "[::1]:8080 reaches c1 (IPv6 client, IPv4-only container)" c1 "$(get 'http://[::1]:8080/')"
check_match "c1 sees the proxy's connection from its gateway" '^(\[::ffff:)?172\.30\.0\.1\]?$' "$(get http://127.0.0.1:8080/cgi-bin/peer)"

# ---- large transfers, both ways, and half-close ---------------------------------------------
head -c "${BIG_MB}M" /dev/urandom >"$T/big"
want=$(sha256sum <"$T/big" | cut -c1-64)
# upload: the server answers the checksum only after the client's EOF (the client shuts down
# its write side and still reads the answer: half-close through the proxy)
bg_in_c1 socat TCP-LISTEN:7000,reuseaddr,fork SYSTEM:'sha256sum | cut -c1-64'
bg_in_c1 socat -U TCP-LISTEN:7001,reuseaddr,fork OPEN:"$T/big",rdonly
wait_for "socat 7000" 50 in_ctr c1 sh -c 'ss -Hltn | grep -q ":7000 "' || hard_error "socat 7000"
wait_for "socat 7001" 50 in_ctr c1 sh -c 'ss -Hltn | grep -q ":7001 "' || hard_error "socat 7001"
netctl publish 7000:7000 c1 >/dev/null && netctl publish 7001:7001 c1 >/dev/null ||
    hard_error "publish 7000, 7001"
got=$(timeout 60 socat -t 30 -T 30 TCP:127.0.0.1:7000 - <"$T/big")
check_eq "upload of ${BIG_MB} MB arrives byte for byte; the answer after the half-close arrives" "$want" "$got"
got=$(timeout 60 socat -u -T 30 TCP:127.0.0.1:7001 - | sha256sum | cut -c1-64)
check_eq "download of ${BIG_MB} MB arrives byte for byte" "$want" "$got"
got=$(timeout 60 socat -t 30 -T 30 'TCP6:[::1]:7000' - <"$T/big")
check_eq "the upload over [::1] too" "$want" "$got"
rm -f "$T/big"
# 21 downloads at once, 7 a port (the per-port limit is 8): more bulk transfers than the
# proxy grows pipes for (16), each of them byte for byte
head -c 8M /dev/urandom >"$T/mid"
want8=$(sha256sum <"$T/mid" | cut -c1-64)
bg_in_c1 socat -U TCP-LISTEN:7030,reuseaddr,fork OPEN:"$T/mid",rdonly
wait_for "socat 7030" 50 in_ctr c1 sh -c 'ss -Hltn | grep -q ":7030 "' || hard_error "socat 7030"
for hp in 7030 7031 7032; do
    netctl publish "$hp:7030" c1 >/dev/null || hard_error "publish $hp:7030"
done
par=()
for ((i = 0; i < 21; i++)); do
    (timeout 60 socat -u -T 30 "TCP:127.0.0.1:$((7030 + i % 3))" - | sha256sum | cut -c1-64 >"$T/par.$i") &
    par+=($!)
done
wait "${par[@]}"
check_eq "21 downloads of 8 MB at once through 3 ports, each byte for byte" 21 "$(cat "$T"/par.* | grep -cx "$want8")"
rm -f "$T/mid" "$T"/par.*

# ---- counters ------------------------------------------------------------------------------
check "7000 counted ${BIG_MB} MB in" python3 -c "import sys; sys.exit(int('$(stat_of c1 7000:7000/tcp bytes_in)') < ${BIG_MB} * 2**20 * 2)"
check "7001 counted ${BIG_MB} MB out" python3 -c "import sys; sys.exit(int('$(stat_of c1 7001:7001/tcp bytes_out)') < ${BIG_MB} * 2**20)"
check "8080 counted its connections" python3 -c "import sys; sys.exit(int('$(stat_of c1 8080:80/tcp connections_total)') < 3)"
wait_for "connections of 7000 closed" 30 stat_is c1 7000:7000/tcp connections 0
check_eq "no connection of 7000 is open now" 0 "$(stat_of c1 7000:7000/tcp connections)"
out=$(netctl port --stats c1)
check_match "netctl port --stats has a header" '^PORT +CONNECTIONS +TOTAL +REFUSED +BYTES IN +BYTES OUT' "$out"
check_match "and a line per mapping with its counters" $'\n8080:80/tcp +0 +[3-9] +0 +[0-9]+ +[0-9]+' "$out"

# ---- UDP -------------------------------------------------------------------------------------
bg_in_c1 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 53))
while True:
    data, peer = s.recvfrom(65536)
    s.sendto(data.strip() + b" " + peer[0].encode() + b"\n", peer)'
sleep 0.3
netctl publish 5353:53/udp c1 >/dev/null || hard_error "publish 5353/udp"
check_eq "UDP echo over 127.0.0.1 (the answer comes from the published address)" "ping 172.30.0.1" \
    "$(echo ping | socat -t 2 -T 2 - UDP:127.0.0.1:5353)"
check_eq "UDP echo over [::1]" "ping 172.30.0.1" "$(echo ping | socat -t 2 -T 2 - 'UDP6:[::1]:5353')"
check_eq "the UDP flows are counted" 2 "$(stat_of c1 5353:53/udp connections_total)"
check "idle UDP flows end after --proxy-udp-timeout (1 s)" \
    wait_for "UDP flows expired" 30 stat_is c1 5353:53/udp connections 0

# ---- the PROXY protocol v2 header ------------------------------------------------------------
bg_in_c1 socat -u TCP-LISTEN:7002,reuseaddr OPEN:"$T/pp.bin",creat,trunc
wait_for "socat 7002" 50 in_ctr c1 sh -c 'ss -Hltn | grep -q ":7002 "' || hard_error "socat 7002"
check "publish --proxy-protocol 7002:7002 c1" netctl publish --proxy-protocol 7002:7002 c1
check_match "the mapping says so" '"proxy_protocol": *true' "$(api GET '/v1/ports?container=c1')"
echo hello | socat -t 2 - TCP:127.0.0.1:7002,sourceport=45678
wait_for "the header written" 30 test -s "$T/pp.bin"
sleep 0.2
out=$(python3 - "$T/pp.bin" <<'PY'
import socket, struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:12] == b"\r\n\r\n\0\r\nQUIT\n", "signature"
ver, fam, n = b[12], b[13], struct.unpack("!H", b[14:16])[0]
src, dst = socket.inet_ntoa(b[16:20]), socket.inet_ntoa(b[20:24])
sport, dport = struct.unpack("!HH", b[24:28])
print(hex(ver), hex(fam), n, src, sport, dst, dport, b[16 + n:].decode().strip())
PY
)
check_eq "the container reads the header with the client's address, then the data" \
    "0x21 0x11 12 127.0.0.1 45678 127.0.0.1 7002 hello" "$out"
out=$(netctl publish --proxy-protocol 7003:7003/udp c1 2>&1)
check_eq "--proxy-protocol on UDP: exit 1" 1 "$?"
check_match "with a clear message" "TCP ports only" "$out"
check_fails "and nothing published" sh -c "netctl port c1 | grep -q 7003"

# ---- a container port nobody listens on ------------------------------------------------------
netctl publish 7009:7009 c1 >/dev/null || hard_error "publish 7009"
start=$(date +%s%N)
get http://127.0.0.1:7009/ >/dev/null
rc=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
check "nothing listens: the client's connection ends (curl $rc), no hang" test "$rc" != 0 -a "$rc" != 28
check "within the connect timeout, at once in fact (${elapsed_ms} ms)" test "$elapsed_ms" -lt 3000
check_eq "and the proxy serves the others" c1 "$(get http://127.0.0.1:8080/)"

# ---- the per-port connection limit ---------------------------------------------------------
bg_in_c1 python3 -c '
import socket, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7010)); s.listen(64)
def hold(c):
    while c.recv(1024): pass
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=hold, args=(c,), daemon=True).start()'
wait_for "holder on 7010" 50 in_ctr c1 sh -c 'ss -Hltn | grep -q ":7010 "' || hard_error "holder"
netctl publish 7010:7010 c1 >/dev/null || hard_error "publish 7010"
python3 - "$PER_PORT" >"$T/flood.out" 2>&1 <<'PY' &
import socket, sys, time
n = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", 7010), timeout=3) for _ in range(n)]
print("held", len(held), flush=True)
time.sleep(6)
PY
FLOOD=$!
wait_for "$PER_PORT connections open through the proxy" 50 stat_is c1 7010:7010/tcp connections "$PER_PORT"
out=$(python3 - <<'PY'
import socket
try:
    c = socket.create_connection(("127.0.0.1", 7010), timeout=3)
    c.sendall(b"x")
    print("closed" if c.recv(10) == b"" else "data")
except (ConnectionResetError, BrokenPipeError):
    print("reset")
except socket.timeout:
    print("timeout")
PY
)
check_match "connection $((PER_PORT + 1)) over the per-port limit is refused" '^(reset|closed)$' "$out"
check_eq "it is counted as refused" 1 "$(stat_of c1 7010:7010/tcp refused)"
check "the limit is logged" grep -q "per-port connection limit reached" "$T/netd.log"
check_eq "other ports are served meanwhile" c1 "$(get http://127.0.0.1:8080/)"
kill "$FLOOD" 2>/dev/null
wait "$FLOOD" 2>/dev/null
check "the held connections end when their clients go" \
    wait_for "the held connections closed" 50 stat_is c1 7010:7010/tcp connections 0
check "a new connection to 7010 is served again" python3 -c '
import socket
c = socket.create_connection(("127.0.0.1", 7010), timeout=3)
c.sendall(b"x"); c.settimeout(0.5)
try:
    c.recv(1)
except socket.timeout:
    pass'

# ---- the worker killed ---------------------------------------------------------------------
kill -KILL "$PPID1"
# no waiting: the connection waits in the backlog of the socket netd holds for the new worker
check_eq "right after SIGKILL of the worker, a new connection is served" c1 "$(get http://127.0.0.1:8080/)"
wait_for "a new worker" 50 proxy_pid || true
PPID2=$(proxy_pid)
check "a new worker runs" test -n "$PPID2" -a "$PPID2" != "$PPID1"
check "netd logged it" grep -q "netd-proxy killed by signal 9: restarting it" "$T/netd.log"
check_eq "every port is served again: UDP" "ping 172.30.0.1" "$(echo ping | socat -t 2 -T 2 - UDP:127.0.0.1:5353)"

# ---- unpublish -------------------------------------------------------------------------------
netctl unpublish 8080:80 c1 >/dev/null
check "after unpublish 127.0.0.1:8080 is refused" sh -c "curl -s -m 3 http://127.0.0.1:8080/; test \$? = 7"
check "the port can be published again at once" netctl publish 8080:80 c1
check_eq "and is served" c1 "$(get http://127.0.0.1:8080/)"

# ---- a port the runtime holds itself (podman): published unheld, 127.0.0.1 by NAT ------------
python3 -c '
import socket, time
s = socket.socket(); s.bind(("0.0.0.0", 7020)); time.sleep(60)' &
HOLDER=$!
CTR_PIDS+=("$HOLDER")
wait_for "the runtime's bind of 7020" 50 sh -c "ss -Htan | grep -q ':7020 ' || python3 -c 'import socket; socket.socket().bind((\"0.0.0.0\", 7020))' 2>/dev/null; test \$? != 0"
api POST /v1/ports '{"container":"c1","spec":"7020:80"}' >"$T/out"
check_eq "the runtime's port is refused as before" 409 "$API_STATUS"
api POST /v1/ports '{"container":"c1","spec":"7020:80","hold_host_port":false}' >"$T/out"
check_eq "publish 7020:80 with hold_host_port false while the runtime holds 7020" 201 "$API_STATUS"
check_match "the mapping says so" '"hold_host_port": *false' "$(cat "$T/out")"
check_eq "127.0.0.1:7020 reaches c1 by NAT (not the proxy: it has no socket)" c1 \
    "$(get http://127.0.0.1:7020/)"
check_eq "the bridge routes loopback sources for it" 1 "$(cat /proc/sys/net/ipv4/conf/netd0/route_localnet)"
check "its port is in lo4" sh -c "nft list set inet netd lo4 | grep -q 'tcp . 7020'"
check_eq "172.30.0.1:7020 reaches c1 too" c1 "$(get http://172.30.0.1:7020/)"
api POST /v1/ports '{"container":"c1","spec":"80","hold_host_port":false}' >"$T/out"
check_eq "unheld without a host port: 400" 400 "$API_STATUS"
check_match "netd cannot pick one" "needs a host port" "$(cat "$T/out")"
netctl unpublish 7020:80 c1 >/dev/null
check_fails "unpublished: its lo4 element is gone" sh -c "nft list set inet netd lo4 | grep -q 7020"
check_eq "and the bridge no longer routes loopback sources" 0 "$(cat /proc/sys/net/ipv4/conf/netd0/route_localnet)"
check "and 127.0.0.1:7020 is the runtime's again (nothing listens: refused)" \
    sh -c "curl -s -m 3 http://127.0.0.1:7020/; test \$? = 7"
kill "$HOLDER" 2>/dev/null

# ---- netd stops: so does its worker ----------------------------------------------------------
PPID3=$(proxy_pid)
netd_stop
check_fails "netd stopped: its worker is gone" kill -0 "$PPID3"

# ---- --userland-proxy=never: NAT only, 127.0.0.1 DNAT'd (route_localnet) ---------------------
netd_start --userland-proxy=never
check_eq "never: no worker" "" "$(proxy_pid)"
check_eq "never: route_localnet on the bridge" 1 "$(cat /proc/sys/net/ipv4/conf/netd0/route_localnet)"
check_eq "never: 127.0.0.1:8080 reaches c1 by DNAT" c1 "$(get http://127.0.0.1:8080/)"
check_match "never: c1 sees the bridge's address (masquerade)" '^(\[::ffff:)?172\.30\.0\.1\]?$' "$(get http://127.0.0.1:8080/cgi-bin/peer)"
check "never: the loopback guard drops what the bridge sends to 127.0.0.0/8" \
    sh -c "nft list chain inet netd input | grep -q 'iifname @bridges ip daddr 127.0.0.0/8 ct status ! dnat counter packets [0-9]* bytes [0-9]* drop'"
out=$(netctl publish --proxy-protocol 7004:7004 c1 2>&1)
check_match "never: --proxy-protocol is refused clearly" "userland-proxy=never" "$out"
netd_stop

# ---- --userland-proxy=always: no DNAT, everything relayed -------------------------------------
outside_start
netd_start --userland-proxy=always
check_eq "always: route_localnet is off again" 0 "$(cat /proc/sys/net/ipv4/conf/netd0/route_localnet)"
check_fails "always: no element in the port maps" sh -c "nft list table inet netd | grep -E -q 'elements = \{ .*(tcp|udp) \. '"
check_eq "always: outside -> 192.0.2.1:8080 reaches c1 through the proxy" c1 \
    "$(in_ctr out curl -s -m 3 http://192.0.2.1:8080/)"
check_match "always: c1 sees the proxy, not the client" '^(\[::ffff:)?172\.30\.0\.1\]?$' \
    "$(in_ctr out curl -s -m 3 http://192.0.2.1:8080/cgi-bin/peer)"
: >"$T/pp.bin"
bg_in_c1 socat -u TCP-LISTEN:7002,reuseaddr OPEN:"$T/pp.bin",creat,trunc
wait_for "socat 7002 again" 50 in_ctr c1 sh -c 'ss -Hltn | grep -q ":7002 "' || hard_error "socat 7002"
echo hi | in_ctr out socat -t 2 - TCP:192.0.2.1:7002
wait_for "the header written" 30 test -s "$T/pp.bin"
sleep 0.2
check_eq "always: the PROXY header carries the outside client's address" 192.0.2.2 \
    "$(python3 -c 'import socket,sys; print(socket.inet_ntoa(open(sys.argv[1],"rb").read()[16:20]))' "$T/pp.bin")"
PPID4=$(proxy_pid)
netd_kill9
wait_for "the worker dies with netd" 20 sh -c "! kill -0 $PPID4" || true
check_fails "netd killed: its worker died with it" kill -0 "$PPID4"
log_lines=$(wc -l <"$T/netd.log")
netd_start --proxy-max-conns 2
check_eq "netd back at once: loopback is served again" c1 "$(get http://127.0.0.1:8080/)"
check_eq "and UDP" "ping 172.30.0.1" "$(echo ping | socat -t 2 -T 2 - UDP:127.0.0.1:5353)"
check_fails "no port was lost" sh -c "tail -n +$((log_lines + 1)) '$T/netd.log' | grep -q \"published port of 'c1'\""

# ---- the global connection limit (--proxy-max-conns 2) -----------------------------------------
python3 - >"$T/flood2.out" 2>&1 <<'PY' &
import socket, time
held = [socket.create_connection(("127.0.0.1", 7010), timeout=3) for _ in range(2)]
time.sleep(5)
PY
FLOOD=$!
wait_for "2 connections open through the proxy" 50 stat_is c1 7010:7010/tcp connections 2
check "over the global limit, a connection to another port is refused" \
    sh -c "curl -s -m 3 http://127.0.0.1:8080/; test \$? != 0"
check_eq "counted on that port" 1 "$(stat_of c1 8080:80/tcp refused)"
check "the global limit is logged" grep -q "connection limit reached (2 open)" "$T/netd.log"
kill "$FLOOD" 2>/dev/null
wait "$FLOOD" 2>/dev/null
wait_for "the held connections closed" 50 stat_is c1 7010:7010/tcp connections 0
check_eq "below the limit again, it is served" c1 "$(get http://127.0.0.1:8080/)"
finish
