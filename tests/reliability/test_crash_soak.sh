#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_crash_soak.sh - random attach, detach, publish, unpublish, network create and remove,
# with netd killed by SIGKILL at random moments, also while a request is in flight. After
# every restart, and at the end, state and kernel must agree exactly: a veth for every
# endpoint and none more, each on its network's bridge, each container holding its address,
# no address twice, a bridge for every network and none more, a map element and a held socket
# for every published port and none more; and a TCP connection made through a published
# port before the first crash still carries data after the last.
#
# NETD_SOAK_ITERATIONS (default 300) and NETD_SOAK_SEED (default: random, printed) repeat a run.
. "$(dirname "$0")/../integration/lib.sh"
sandbox_enter "$@"

for tool in python3 socat nft; do
    command -v "$tool" >/dev/null || skip "$tool not found"
done
ITER=${NETD_SOAK_ITERATIONS:-300}
SEED=${NETD_SOAK_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
RANDOM=$SEED
echo "# seed $SEED, $ITER iterations"
CTRS=(s0 s1 s2 s3 s4 s5)
KILLS=0
RESTART_CHECKS=0

# the whole truth from netd, and the kernel's, compared in one place
consistent() {
    local eps ports
    eps=$(api GET /v1/endpoints)
    ports=$(api GET /v1/ports)
    python3 - "$eps" "$ports" "$(api GET /v1/networks)" <<'PY'
import json, socket, subprocess, sys
eps, ports, nets = (json.loads(a) for a in sys.argv[1:4])
bad = []
def sh(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True).stdout
links = {l["ifname"]: l for l in json.loads(sh("ip", "-j", "-d", "link", "show"))}
bridges = {n["bridge"] for n in nets}
by_net = {n["name"]: n["bridge"] for n in nets}
veths = {n for n, l in links.items() if n.startswith("vn") and len(n) == 10}
want_veths = {e["host_ifname"] for e in eps}
if veths != want_veths:
    bad.append(f"veths {sorted(veths)} != endpoints' {sorted(want_veths)}")
for e in eps:
    l = links.get(e["host_ifname"])
    if l and l.get("master") != by_net.get(e["network"]):
        bad.append(f"{e['host_ifname']} is on {l.get('master')}, not {by_net.get(e['network'])}")
addrs = [e.get("ipv4") for e in eps if e.get("ipv4")]
if len(addrs) != len(set(addrs)):
    bad.append(f"an address twice: {addrs}")
for e in eps:
    have = sh("nsenter", f"--net={e['netns']}", "ip", "-4", "-o", "addr", "show", e["ifname"])
    if e.get("ipv4") and e["ipv4"] not in have:
        bad.append(f"{e['container']} lacks {e['ipv4']} in its netns")
nd = {n for n, l in links.items() if l.get("linkinfo", {}).get("info_kind") == "bridge"}
if nd != bridges:
    bad.append(f"bridges {sorted(nd)} != networks' {sorted(bridges)}")
table = json.loads(sh("nft", "-j", "list", "table", "inet", "netd"))
elems = set()
for item in table["nftables"]:
    m = item.get("map")
    if not m or not m["name"].startswith("pub"):
        continue
    for el in m.get("elem", []):
        key = el[0]["concat"] if isinstance(el[0], dict) and "concat" in el[0] else el[0]
        port = key[-1]
        if isinstance(port, dict) and "range" in port:
            port = port["range"][0]
        elems.add(int(port))
want = {p["host_port"] for p in ports}
if elems != want:
    bad.append(f"map elements for ports {sorted(elems)} != published {sorted(want)}")
for p in ports:
    s = socket.socket()
    try:
        s.bind(("0.0.0.0", p["host_port"]))
        bad.append(f"port {p['host_port']} is not held")
    except OSError:
        pass
    s.close()
print("\n".join(bad) if bad else "consistent")
PY
}

restart() {
    netd_start
    RESTART_CHECKS=$((RESTART_CHECKS + 1))
    local verdict
    verdict=$(consistent)
    if [ "$verdict" != consistent ]; then
        fail "after restart $RESTART_CHECKS (iteration $i): $verdict"
    fi
}

netd_start
outside_start
ctr_start keep
netctl attach keep --pid "$(ctr_pid keep)" -p 7777:7777 >/dev/null || hard_error "attach keep"
in_ctr_bg keep socat TCP-LISTEN:7777,reuseaddr,fork EXEC:cat
wait_for "echo server" 50 in_ctr keep sh -c 'ss -Hltn | grep -q ":7777 "' || hard_error "socat"
for c in "${CTRS[@]}"; do ctr_start "$c"; done
# one connection through the published port for the whole run, a line every 0.2 s
cat >"$T/conn.py" <<'PY'
import os, socket, sys, time
c = socket.create_connection(("192.0.2.1", 7777), timeout=5)
ok = fail = 0
while not os.path.exists(sys.argv[1]) and ok + fail < 100000:
    try:
        c.sendall(b"ping\n")
        ok += c.recv(16) == b"ping\n"
    except OSError as e:
        fail += 1
        print("error", e, flush=True)
        break
    time.sleep(0.2)
print("ok", ok, "failed", fail)
PY
# (a background job's stdin is /dev/null: the script goes in a file, not on stdin)
in_ctr_bg out python3 "$T/conn.py" "$T/conn.stop" >"$T/conn.out" 2>&1
CONN=$BG_PID

for ((i = 0; i < ITER; i++)); do
    c=${CTRS[RANDOM % ${#CTRS[@]}]}
    net=netd
    [ $((RANDOM % 3)) = 0 ] && net=n1
    port=$((20000 + RANDOM % 40))
    case $((RANDOM % 6)) in
    0 | 1) op=(attach "$c" --pid "$(ctr_pid "$c")" --network "$net") ;;
    2) op=(detach "$c") ;;
    3) op=(publish "$port:80" "$c") ;;
    4) op=(unpublish "$port:80" "$c") ;;
    5) if [ $((RANDOM % 2)) = 0 ]; then op=(network create n1); else op=(network rm n1); fi ;;
    esac
    if [ $((RANDOM % 5)) = 0 ]; then
        # SIGKILL while the request is in flight, 0 to 20 ms after it was sent
        netctl "${op[@]}" >/dev/null 2>&1 &
        op_pid=$!
        sleep "0.0$((RANDOM % 3))"
        netd_kill9
        wait "$op_pid" 2>/dev/null
        KILLS=$((KILLS + 1))
        restart
    else
        netctl "${op[@]}" >/dev/null 2>&1
    fi
done
verdict=$(consistent)
check_eq "after $ITER operations and $KILLS kills, state and kernel agree" consistent "$verdict"
check "every restart found them agreeing ($RESTART_CHECKS checks)" test "$FAILS" = 0
touch "$T/conn.stop"
wait "$CONN"
check_match "the connection made before the first kill still works after the last" \
    '^ok [1-9][0-9]* failed 0$' "$(tail -1 "$T/conn.out")"
netctl network rm n1 >/dev/null 2>&1
for c in "${CTRS[@]}"; do netctl detach "$c" >/dev/null 2>&1; done
netctl detach keep >/dev/null
check_eq "after detaching everything, no veth is left" 0 "$(count_host_veths)"
finish
