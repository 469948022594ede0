# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# consistent.sh - the reliability tests' one judge of whether netd's state and the kernel agree.
# Sourced after tests/integration/lib.sh (it uses `api` and $T). `consistent` prints
# "consistent", or one line per disagreement: a veth for every endpoint and none more, each
# on its network's bridge, each container holding its address, no address twice, a bridge for
# every network and none more, a map element and a held socket for every published port (each
# port of a range) and none more.

# the whole truth from netd, and the kernel's, compared in one place (the answers go through
# files: a thousand endpoints are more than one argument may hold)
consistent() {
    api GET /v1/endpoints >"$T/consistent.eps"
    api GET /v1/ports >"$T/consistent.ports"
    api GET /v1/networks >"$T/consistent.nets"
    python3 - "$T/consistent.eps" "$T/consistent.ports" "$T/consistent.nets" <<'PY'
import json, socket, subprocess, sys
eps, ports, nets = (json.load(open(a)) for a in sys.argv[1:4])
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
# one look per network namespace, however many endpoints share it
held = {}
for e in eps:
    if e["netns"] not in held:
        out = sh("nsenter", f"--net={e['netns']}", "ip", "-4", "-o", "addr", "show")
        held[e["netns"]] = {(f[1], f[3]) for f in (l.split() for l in out.splitlines())
                            if len(f) > 3}
    if e.get("ipv4") and (e["ifname"], e["ipv4"]) not in held[e["netns"]]:
        bad.append(f"{e['container']} lacks {e['ipv4']} on {e['ifname']} in its netns")
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
        if isinstance(el[0], dict) and "elem" in el[0]:  # an element with its counter
            el = [el[0]["elem"]["val"]] + el[1:]
        key = el[0]["concat"] if isinstance(el[0], dict) and "concat" in el[0] else [el[0]]
        proto, port = (key[0] if len(key) > 1 else "tcp"), key[-1]
        if isinstance(port, dict) and "range" in port:
            elems.update((proto, p) for p in range(port["range"][0], port["range"][1] + 1))
        else:
            elems.add((proto, int(port)))
want = {(p["proto"], port) for p in ports
        for port in range(p["host_port"], p.get("host_port_end", p["host_port"]) + 1)}
if elems != want:
    extra, missing = sorted(elems - want), sorted(want - elems)
    bad.append(f"map elements not published {extra[:20]}, published without element {missing[:20]}")
for proto, port in sorted(want):
    s = socket.socket(type=socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM)
    try:
        s.bind(("0.0.0.0", port))
        bad.append(f"port {port}/{proto} is not held")
    except OSError:
        pass
    s.close()
print("\n".join(bad) if bad else "consistent")
PY
}
