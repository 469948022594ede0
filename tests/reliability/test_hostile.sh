#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_hostile.sh - hostile input and hostile traffic: oversized headers, malformed HTTP,
# slow-loris clients and a connection flood on the control socket (netd keeps answering
# others and sheds them), a symlink planted in the state directory, a netns path that is no
# namespace, and published ports that must not be reachable: 127.0.0.1-bound ones from
# another host or a container, and DNAT for traffic not addressed to this host (the class of
# moby#41872/#45610 and CNI portmap's GHSA-jv3w-x3r3-g6rm)
. "$(dirname "$0")/../integration/lib.sh"
sandbox_enter "$@"

for tool in python3 curl socat busybox; do
    command -v "$tool" >/dev/null || skip "$tool not found"
done
SOCK="$T/run/netd.sock"

# raw BYTES: send BYTES to the control socket, print netd's answer (first line), within 3 s
raw() {
    python3 - "$SOCK" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(3); s.connect(sys.argv[1])
try:
    s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
    data = s.recv(4096)
    print(data.split(b"\r\n")[0].decode() if data else "closed")
except (ConnectionResetError, BrokenPipeError):
    print("reset")
except socket.timeout:
    print("timeout")
PY
}
health() { curl -sf -m 2 --unix-socket "$SOCK" http://netd/v1/health >/dev/null; }
netd_fds() { ls "/proc/$NETD_PID/fd" | wc -l; }

netd_start
FDS0=$(netd_fds)

# ---- malformed and oversized HTTP ---------------------------------------------------------------
check_match "garbage instead of HTTP: 400 or closed" '^(HTTP/1\.[01] 400|closed|reset)' \
    "$(raw 'GARBAGE\r\n\r\n')"
check_match "an unknown method: 405 or 400" '^HTTP/1\.[01] (405|400|501)' \
    "$(raw 'BREW /v1/health HTTP/1.1\r\nHost: x\r\n\r\n')"
big=$(python3 -c 'print("X-Big: " + "a" * 16384)')
check_match "16 KiB of headers: refused (431 or 400) or closed" '^(HTTP/1\.[01] (431|400|413)|closed|reset)' \
    "$(raw "GET /v1/health HTTP/1.1\\r\\nHost: x\\r\\n$big\\r\\n\\r\\n")"
check_match "a negative Content-Length: refused" '^(HTTP/1\.[01] 4[0-9][0-9]|closed|reset)' \
    "$(raw 'POST /v1/networks HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n')"
check "netd answers others after all of it" health

# ---- slow-loris clients and a flood of idle connections -------------------------------------
python3 - "$SOCK" >"$T/loris.out" 2>&1 <<'PY' &
import socket, sys, time
# 50 clients that send a request head one byte a second, and 150 that send nothing
slow = []
for i in range(200):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
    slow.append(s)
for s in slow[:50]:
    s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
for s in slow:
    s.setblocking(False)
deadline = time.time() + 25
closed = set()
while time.time() < deadline and len(closed) < len(slow):
    for i, s in enumerate(slow):
        if i in closed:
            continue
        try:
            if i < 50:
                s.send(b"X")
            if s.recv(4096) == b"":
                closed.add(i)
        except BlockingIOError:
            pass
        except OSError:
            closed.add(i)
    time.sleep(1)
print("idle closed", len([i for i in closed if i >= 50]), "of 150")
print("slow closed", len([i for i in closed if i < 50]), "of 50")
PY
LORIS=$!
sleep 2
ok=0
for ((i = 0; i < 10; i++)); do
    health && ok=$((ok + 1))
    sleep 0.3
done
check_eq "with 200 idle and slow clients, netd answers every other request" 10 "$ok"
wait "$LORIS"
check_eq "netd sheds the idle ones after its timeout" "idle closed 150 of 150" "$(head -1 "$T/loris.out")"
# libevent's own timeout restarts with every byte: netd's deadline for a whole request head
# (NETD_HEAD_DEADLINE_S, api_conns.c) is what ends the tricklers
check_eq "netd closes the slow-loris clients too (no whole request in 10 s)" \
    "slow closed 50 of 50" "$(tail -1 "$T/loris.out")"
check_match "and counts them in GET /metrics" '^netd_api_connections_shed_total ([5-9][0-9]|[1-9][0-9][0-9]+)$' \
    "$(curl -s -m 3 --unix-socket "$SOCK" http://netd/metrics)"
wait_for "netd's fds back to where they were" 50 sh -c "test \$(ls /proc/$NETD_PID/fd | wc -l) -le $((FDS0 + 2))"
check "no fd left behind once the clients are gone ($FDS0 before, $(netd_fds) after)" \
    test "$(netd_fds)" -le "$((FDS0 + 2))"

# ---- the state directory and namespace paths ---------------------------------------------------
check "network web" netctl network create web --subnet 10.90.0.0/24
netd_stop
cp "$T/state/networks/web.json" "$T/evil-target.json"
sed -i 's/"web"/"evil"/; s/nd-web/nd-evil/; s/10\.90\.0/10.91.0/g' "$T/evil-target.json"
sum_before=$(sha256sum <"$T/evil-target.json")
ln -s "$T/evil-target.json" "$T/state/networks/evil.json"
netd_start
check_fails "a network file planted as a symlink is not loaded" sh -c "netctl network ls -q | grep -qx evil"
check_fails "and makes no bridge" ip link show nd-evil
check "netd says why" grep -q "evil.json" "$T/netd.log"
check_eq "its target is untouched" "$sum_before" "$(sha256sum <"$T/evil-target.json")"
rm -f "$T/state/networks/evil.json"
mkdir -p "$T/dir"
api POST /v1/endpoints "{\"container\":\"x\",\"netns\":\"$T/dir\"}" >/dev/null
check_eq "a directory as netns: 400" 400 "$API_STATUS"
api POST /v1/endpoints "{\"container\":\"x\",\"netns\":\"/proc/self/ns/net/../../../etc/passwd\"}" >/dev/null
check_match "a path through /proc that is no namespace: 4xx" '^4' "$API_STATUS"
check_eq "nothing attached" "" "$(netctl ls -q)"

# ---- published ports that must stay closed ----------------------------------------------------
outside_start
ctr_start c1
ctr_start c2
netctl attach c1 --pid "$(ctr_pid c1)" >/dev/null || hard_error "attach c1"
netctl attach c2 --pid "$(ctr_pid c2)" >/dev/null || hard_error "attach c2"
mkdir -p "$T/www" && echo c1 >"$T/www/index.html"
in_ctr_bg c1 busybox httpd -f -p 80 -h "$T/www"
wait_for "httpd in c1" 50 in_ctr c1 curl -s -m 1 http://127.0.0.1:80/ || hard_error "httpd"
netctl publish 127.0.0.1:9000:80 c1 >/dev/null || hard_error "publish 127.0.0.1:9000"
netctl publish 8080:80 c1 >/dev/null || hard_error "publish 8080"
check_eq "127.0.0.1:9000 works on the host itself" c1 "$(curl -s -m 3 http://127.0.0.1:9000/)"
check_fails "127.0.0.1:9000 is not reachable from another host through the host's address" \
    in_ctr out curl -s -m 2 http://192.0.2.1:9000/
check_fails "nor from a container through the bridge's address" \
    in_ctr c2 curl -s -m 2 http://172.30.0.1:9000/
check_eq "8080 (all addresses) reaches c1 from outside" c1 "$(in_ctr out curl -s -m 3 http://192.0.2.1:8080/)"
# a host that routes a foreign address through us: DNAT must not touch traffic passing through
in_ctr out ip route add 198.51.100.0/24 via 192.0.2.1
check_fails "traffic to another address on port 8080, routed through the host, is not DNAT'd" \
    in_ctr out curl -s -m 2 http://198.51.100.7:8080/
check_fails "nor traffic to the container's own address from outside (no route is no access)" \
    in_ctr out curl -s -m 2 http://172.30.0.2:80/
check "netd still answers" health
finish
