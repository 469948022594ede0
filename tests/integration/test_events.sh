#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_events.sh - netctl events: every kind of event netd emits reaches a subscriber as it
# happens (API changes, repairs of what others broke, a proxy worker restart), filters and
# --count; and netctl --format over real answers
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

proxy_pid() { pgrep -P "$NETD_PID" -x netd-proxy; }
lines() { wc -l <"$1" | tr -d ' '; }

netd_start --nft-table events_t
ctr_start c1
ctr_start c2

# three subscribers: everything as JSON lines, endpoints only (human lines), and one that
# stops by itself after two port events
netctl events --json >"$T/all.jsonl" 2>"$T/all.err" &
ALL=$!
CTR_PIDS+=("$ALL")
netctl events --filter type=endpoint --filter container=c1 >"$T/ep.txt" 2>&1 &
EP=$!
CTR_PIDS+=("$EP")
netctl events --count 2 --filter type=port --json >"$T/ports.jsonl" 2>&1 &
PORTS=$!
CTR_PIDS+=("$PORTS")
subscribed() { [ "$(grep -c '/v1/events' "$T/netd.log")" -ge 3 ]; }
wait_for "three subscribers" 50 subscribed || hard_error "netctl events did not subscribe"

netctl network create evnet --subnet 10.61.0.0/24 >/dev/null || hard_error "network create"
netctl attach c1 --pid "$(ctr_pid c1)" --network evnet >/dev/null || hard_error "attach c1"
netctl attach c2 --pid "$(ctr_pid c2)" --network evnet -p 9090:90 >/dev/null || hard_error "attach c2"
netctl publish 8080:80 c1 >/dev/null || hard_error "publish"
netctl unpublish 8080:80 c1 >/dev/null || hard_error "unpublish"

has_event() { # has_event FILE TYPE ACTION [JQ-LIKE ATTR=VALUE]
    python3 - "$@" <<'PY'
import json, sys
f, typ, action = sys.argv[1:4]
want = dict(kv.split("=", 1) for kv in sys.argv[4:])
for line in open(f):
    ev = json.loads(line)
    a = ev["attributes"]
    if ev["type"] == typ and ev["action"] == action and \
            all(str(a.get(k)) == v for k, v in want.items()):
        sys.exit(0)
sys.exit(1)
PY
}
wait_for "the unpublish event" 30 has_event "$T/all.jsonl" port unpublish container=c1 ||
    cat "$T/all.jsonl"
check "event: network create, with its subnet" has_event "$T/all.jsonl" network create name=evnet subnet=10.61.0.0/24
check "event: attach, with the address given" has_event "$T/all.jsonl" endpoint attach container=c1 network=evnet ipv4=10.61.0.2/24
check "event: publish" has_event "$T/all.jsonl" port publish container=c1 spec=8080:80/tcp
check "event: a port published with the attach (-p) is announced too" has_event "$T/all.jsonl" port publish container=c2 spec=9090:90/tcp
check "event: unpublish" has_event "$T/all.jsonl" port unpublish container=c1
check_match "every line is one JSON object with time, type, action, attributes" \
    '^\{"action":"[a-z-]+","attributes":\{.*\},"time":"20[0-9-]+T[0-9:.]+Z","type":"[a-z]+"\}$' \
    "$(head -1 "$T/all.jsonl")"

# --count 2: the subscriber ends by itself after two port events
wait_for "--count 2 to end" 30 bash -c "! kill -0 $PORTS 2>/dev/null"
wait "$PORTS"
check_eq "--count 2 exits 0 after two events" 0 "$?"
check_eq "--count 2 printed exactly two port events" 2 "$(lines "$T/ports.jsonl")"

# repairs: a veth deleted by hand, the table flushed, the proxy worker killed, a container gone
host_if=$(netctl ls --format '{{.container}} {{.host_ifname}}' | awk '$1 == "c2" { print $2 }')
ip link del "$host_if" || hard_error "delete $host_if"
wait_for "the repair event" 50 has_event "$T/all.jsonl" endpoint repair container=c2
check "event: a veth deleted by hand is repaired, and said so" has_event "$T/all.jsonl" endpoint repair container=c2 reason="veth recreated"
nft flush table inet events_t
wait_for "the firewall restore event" 50 has_event "$T/all.jsonl" firewall restore
check "event: a flushed table is restored" has_event "$T/all.jsonl" firewall restore table=events_t
wait_for "netd-proxy" 50 proxy_pid || hard_error "no proxy worker"
old=$(proxy_pid)
kill -KILL "$old"
wait_for "the proxy restart event" 50 has_event "$T/all.jsonl" proxy restart
check "event: the proxy worker's death, with its pid and signal" has_event "$T/all.jsonl" proxy restart pid="$old" signal=9
ctr_stop c2
netctl ls >/dev/null # anything that makes netd look: the veth of a dead netns is gone too
wait_for "the forget event" 80 has_event "$T/all.jsonl" endpoint forget container=c2
check "event: a container whose netns died is forgotten" has_event "$T/all.jsonl" endpoint forget container=c2 network=evnet

netctl detach c1 >/dev/null
netctl network rm evnet >/dev/null
wait_for "network remove" 30 has_event "$T/all.jsonl" network remove name=evnet
check "event: detach" has_event "$T/all.jsonl" endpoint detach container=c1
check "event: network remove" has_event "$T/all.jsonl" network remove name=evnet

# the filtered human-readable subscriber saw c1's endpoint events only
check_match "filters: human lines, TIME TYPE ACTION (attributes)" \
    '^20[0-9-]+T[0-9:.]+Z endpoint attach \(.*container=c1.*\)$' "$(head -1 "$T/ep.txt")"
check_eq "filters: type=endpoint container=c1 kept attach and detach only" \
    "attach detach" "$(awk '{print $3}' "$T/ep.txt" | tr '\n' ' ' | sed 's/ $//')"
check_match "metrics count the events" "^netd_events_total [1-9][0-9]*$" \
    "$(curl -s -m 3 --unix-socket "$T/run/netd.sock" http://netd/metrics)"

# a subscriber that goes away is forgotten: netd keeps serving the others
kill "$EP"
wait "$EP" 2>/dev/null
netctl network create after >/dev/null
wait_for "events after a subscriber left" 30 has_event "$T/all.jsonl" network create name=after
check "the remaining subscriber still gets events" has_event "$T/all.jsonl" network create name=after
netctl network rm after >/dev/null

# netd stops: the stream ends cleanly, the client exits 0
netd_stop
wait_for "the stream to end with netd" 50 bash -c "! kill -0 $ALL 2>/dev/null"
wait "$ALL"
check_eq "netd stopping ends the stream; netctl events exits 0" 0 "$?"
out=$(netctl events 2>&1)
check_eq "no netd: netctl events fails" 1 "$?"
check_match "and says why" "cannot reach netd" "$out"

# bad usage: exit 2, nothing asked of netd
for bad in "--filter" "--filter nokey" "--filter =x" "--count 0" "--count x" "--bogus"; do
    # shellcheck disable=SC2086
    netctl events $bad >/dev/null 2>&1
    check_eq "events $bad: usage error" 2 "$?"
done

# ---- --format over real answers ---------------------------------------------------------------
netd_start --nft-table events_t
ctr_start c3
netctl network create fmt --subnet 10.62.0.0/24 >/dev/null
netctl attach c3 --pid "$(ctr_pid c3)" --network fmt >/dev/null || hard_error "attach c3"
netctl publish 8081:80 c3 >/dev/null
check_eq "--format on ls" "c3 fmt 10.62.0.2/24" "$(netctl ls --format '{{.Container}} {{.Network}} {{.IPv4}}')"
check_eq "--format table: header and aligned columns" \
    "$(printf 'CONTAINER   IPV4\nc3          10.62.0.2/24')" \
    "$(netctl ls --format 'table {{.Container}}\t{{.IPv4}}')"
check_eq "--format on network ls: one line per network" "fmt netd" \
    "$(netctl network ls --format '{{.name}}' | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "--format on port" "8081:80/tcp" "$(netctl port c3 --format '{{.spec}}')"
check_eq "--format nested fields" "0" "$(netctl port c3 --format '{{.stats.connections}}')"
check_match "--format json ." '^\{"container":"c3","endpoints":\[\{"bridge":"nd-fmt",' \
    "$(netctl inspect c3 --format '{{json .}}')"
check_eq "--format a missing field" "<no value>" "$(netctl port c3 --format '{{.nothere}}')"
out=$(netctl ls --format '{{.Container' 2>&1)
check_eq "a malformed template is a usage error" 2 "$?"
check_match "and says what is wrong" "invalid --format" "$out"
netctl detach c3 >/dev/null
netctl network rm fmt >/dev/null
netd_stop
"$NETD_BIN" --cleanup --nft-table events_t >/dev/null 2>&1
finish
