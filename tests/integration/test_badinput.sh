#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_badinput.sh - bad requests get a clear error and change nothing; socket permissions; a second netd
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

command -v jq >/dev/null || skip "jq not found"
command -v setpriv >/dev/null || skip "setpriv not found"

SOCK="$T/run/netd.sock"

apic() { # apic METHOD PATH [BODY]: api in this shell: body in $API_BODY, status in $API_STATUS
    api "$@" >"$T/api.body"
    API_BODY=$(cat "$T/api.body")
}
snapshot() {
    netctl ls --json
    netctl network ls --json
    ip -o link show
}
unchanged() { # unchanged DESC: nothing changed since the last `snap`
    check_eq "$1: nothing changed (endpoints, networks, links)" "$SNAP" "$(snapshot)"
}
snap() { SNAP=$(snapshot); }

# api_err DESC STATUS REGEX METHOD PATH [BODY]: a 4xx with {"message","errno"}, message ~ REGEX
api_err() {
    local desc=$1 status=$2 re=$3
    shift 3
    apic "$@"
    check_eq "$desc: HTTP $status" "$status" "$API_STATUS"
    if jq -e 'type == "object" and (.message | type == "string") and (.errno | test("^E[A-Z]+$"))' \
        <<<"$API_BODY" >/dev/null 2>&1; then
        check_match "$desc: message" "$re" "$(jq -r .message <<<"$API_BODY")"
    else
        fail "$desc: the body is not {\"message\",\"errno\"}: $(head -c 200 <<<"$API_BODY" | tr '\n' ' ')"
    fi
}

# ctl_err DESC EXIT REGEX ARGS...: netctl exits EXIT, prints a message ~ REGEX on stderr, nothing on stdout
ctl_err() {
    local desc=$1 want=$2 re=$3 rc
    shift 3
    "$NETCTL_BIN" --socket "$SOCK" "$@" >"$T/ctl.out" 2>"$T/ctl.err"
    rc=$?
    check_eq "$desc: netctl exits $want" "$want" "$rc"
    check_match "$desc: stderr says why" "$re" "$(cat "$T/ctl.err")"
    check_eq "$desc: nothing on stdout" "" "$(cat "$T/ctl.out")"
}

netd_start
check "create network web" netctl network create web --subnet 10.90.0.0/24
ctr_start c1
ctr_start c2
check "attach c1" netctl attach c1 --pid "$(ctr_pid c1)" --network web
check_eq "the socket file is mode 0600" 600 "$(stat -c %a "$SOCK")"
check_eq "the socket file is owned by root" "0:0" "$(stat -c %u:%g "$SOCK")"
P2=$(ctr_pid c2)

# ---- bad CIDRs --------------------------------------------------------------------------------
snap
api_err "subnet 10.0.0.0/33" 400 "invalid subnet '10\.0\.0\.0/33'" POST /v1/networks '{"name":"bad","subnet":"10.0.0.0/33"}'
api_err "subnet banana" 400 "invalid subnet 'banana'" POST /v1/networks '{"name":"bad","subnet":"banana"}'
api_err "subnet with host bits" 400 "did you mean '10\.0\.0\.0/24'" POST /v1/networks '{"name":"bad","subnet":"10.0.0.1/24"}'
api_err "subnet /31" 400 "prefix length must be between" POST /v1/networks '{"name":"bad","subnet":"10.0.0.0/31"}'
api_err "IPv6 prefix as subnet" 400 "expected an IPv4 prefix" POST /v1/networks '{"name":"bad","subnet":"fd00::/64"}'
api_err "gateway outside the subnet" 400 "gateway" POST /v1/networks '{"name":"bad","subnet":"10.1.0.0/24","gateway":"10.2.0.1"}'
api_err "mtu 10" 400 "invalid mtu 10" POST /v1/networks '{"name":"bad","subnet":"10.1.0.0/24","mtu":10}'
ctl_err "netctl --subnet 10.0.0.0/33" 1 "invalid subnet '10\.0\.0\.0/33'" network create bad --subnet 10.0.0.0/33
ctl_err "netctl --subnet banana" 1 "invalid subnet 'banana'" network create bad --subnet banana
ctl_err "netctl --subnet 10.0.0.1/24" 1 "did you mean '10\.0\.0\.0/24'" network create bad --subnet 10.0.0.1/24
check_eq "bad CIDRs: errno EINVAL" "EINVAL" "$(jq -r .errno <<<"$API_BODY")"
unchanged "bad CIDRs"
check_fails "no state file for 'bad'" test -e "$T/state/networks/bad.json"

# ---- attach: unknown network, paths that are no netns, pids -----------------------------------
snap
api_err "attach to an unknown network" 404 "network 'nope' not found" POST /v1/endpoints "{\"container\":\"c2\",\"pid\":$P2,\"network\":\"nope\"}"
check_eq "unknown network: errno ENOENT" "ENOENT" "$(jq -r .errno <<<"$API_BODY")"
ctl_err "netctl attach to an unknown network" 1 "network 'nope' not found" attach c2 --pid "$P2" --network nope
api_err "netns /etc/passwd" 400 "not a (network )?namespace" POST /v1/endpoints '{"container":"c2","netns":"/etc/passwd","network":"web"}'
mkdir "$T/adir"
api_err "netns a directory" 400 "not a (network )?namespace" POST /v1/endpoints "{\"container\":\"c2\",\"netns\":\"$T/adir\",\"network\":\"web\"}"
api_err "netns /proc/self/ns/mnt" 400 "not a network namespace" POST /v1/endpoints '{"container":"c2","netns":"/proc/self/ns/mnt","network":"web"}'
ctl_err "netctl --netns /etc/passwd" 1 "not a (network )?namespace" attach c2 --netns /etc/passwd --network web
ctl_err "netctl --netns of another kind of namespace" 1 "not a network namespace" attach c2 --netns "/proc/$P2/ns/uts" --network web
api_err "netns that does not exist" 404 "does not exist" POST /v1/endpoints "{\"container\":\"c2\",\"netns\":\"$T/ns/nope\",\"network\":\"web\"}"
api_err "netns relative path" 400 "absolute path" POST /v1/endpoints '{"container":"c2","netns":"ns/c2","network":"web"}'
nopid=4194000
[ ! -e "/proc/$nopid" ] || hard_error "pid $nopid exists"
api_err "pid that does not exist" 404 "no process with pid $nopid" POST /v1/endpoints "{\"container\":\"c2\",\"pid\":$nopid,\"network\":\"web\"}"
check_eq "missing pid: errno ESRCH" "ESRCH" "$(jq -r .errno <<<"$API_BODY")"
ctl_err "netctl --pid that does not exist" 1 "no process with pid $nopid" attach c2 --pid "$nopid" --network web
api_err "pid 0" 400 "invalid pid" POST /v1/endpoints '{"container":"c2","pid":0,"network":"web"}'
api_err "pid and netns together" 400 "exactly one of" POST /v1/endpoints "{\"container\":\"c2\",\"pid\":$P2,\"netns\":\"$T/ns/c2\",\"network\":\"web\"}"
api_err "neither pid nor netns" 400 "exactly one of" POST /v1/endpoints '{"container":"c2","network":"web"}'
api_err "netd's own netns by path" 400 "netd's own network namespace" POST /v1/endpoints "{\"container\":\"c2\",\"netns\":\"/proc/$NETD_PID/ns/net\",\"network\":\"web\"}"
ctl_err "netctl --pid of netd itself" 1 "netd's own network namespace" attach c2 --pid "$NETD_PID" --network web
ctl_err "netctl --pid of the test shell (netd's netns too)" 1 "netd's own network namespace" attach c2 --pid "$$" --network web
check_eq "refused attaches: c2 has lo only" 1 "$(in_ctr c2 ip -o link show | wc -l)"
check_eq "refused attaches: the sandbox has only the one veth of c1" 1 "$(count_host_veths)"
unchanged "bad netns and pids"

# ---- bodies: size, JSON, fields, names --------------------------------------------------------
snap
printf '{"name":"huge","subnet":"10.7.0.0/24","bridge":"%s"}' "$(head -c 70000 /dev/zero | tr '\0' a)" >"$T/huge.json"
API_STATUS=$(curl -s -m 10 -o "$T/huge.out" -w '%{http_code}' --unix-socket "$SOCK" -X POST \
    -H 'Content-Type: application/json' --data-binary @"$T/huge.json" http://netd/v1/networks)
check_match "a 70 KB body is refused with 413 or 400" "^(413|400)$" "$API_STATUS"
check "netd answers after the huge body" netctl info
check_eq "the 413 body is the documented error JSON with errno EMSGSIZE" "EMSGSIZE" \
    "$(jq -r .errno "$T/huge.out" 2>/dev/null || head -c 60 "$T/huge.out" | tr '\n' ' ')"
api_err "invalid JSON" 400 "invalid JSON at line 1" POST /v1/networks '{"name": "x",'
api_err "empty body" 400 "empty request body" POST /v1/networks ''
api_err "a JSON array" 400 "must be a JSON object" POST /v1/networks '["web"]'
api_err "duplicate keys" 400 "duplicate object key" POST /v1/networks '{"name":"a","name":"b"}'
api_err "unknown JSON field on create" 400 "left unpacked: sbnet" POST /v1/networks '{"name":"typo","sbnet":"10.9.0.0/24"}'
api_err "unknown JSON field on attach" 400 "left unpacked: netwrk" POST /v1/endpoints "{\"container\":\"c2\",\"pid\":$P2,\"netwrk\":\"web\"}"
api_err "wrong JSON type" 400 "invalid network request" POST /v1/networks '{"name":42}'
api_err "container name ../x" 400 "invalid container name '\.\./x'" POST /v1/endpoints "{\"container\":\"../x\",\"pid\":$P2,\"network\":\"web\"}"
long=$(printf 'a%.0s' {1..64})
api_err "container name of 64 characters" 400 "longer than 63 characters" POST /v1/endpoints "{\"container\":\"$long\",\"pid\":$P2,\"network\":\"web\"}"
ctl_err "netctl attach ../x" 1 "invalid container name" attach ../x --pid "$P2" --network web
ctl_err "netctl attach with a 64-character name" 1 "longer than 63 characters" attach "$long" --pid "$P2" --network web
api_err "network name with a slash" 400 "invalid network name" POST /v1/networks '{"name":"a/b","subnet":"10.9.0.0/24"}'
api_err "ifname with a slash" 400 "invalid interface name 'eth0/x'" POST /v1/endpoints "{\"container\":\"c2\",\"pid\":$P2,\"network\":\"web\",\"ifname\":\"eth0/x\"}"
ctl_err "netctl --ifname longer than 15" 1 "invalid interface name" attach c2 --pid "$P2" --network web --ifname abcdefghijklmnop
ctl_err "netctl --ifname with a space" 1 "invalid interface name" attach c2 --pid "$P2" --network web --ifname "a b"
api_err "bridge name too long" 400 "invalid bridge name" POST /v1/networks '{"name":"bb","subnet":"10.9.0.0/24","bridge":"abcdefghijklmnop"}'
api_err "MAC banana" 400 "invalid mac 'banana'" POST /v1/endpoints "{\"container\":\"c2\",\"pid\":$P2,\"network\":\"web\",\"mac\":\"banana\"}"
ctl_err "netctl multicast --mac" 1 "invalid mac '01:00:5e:00:00:01'" attach c2 --pid "$P2" --network web --mac 01:00:5e:00:00:01
ctl_err "netctl all-zero --mac" 1 "invalid mac" attach c2 --pid "$P2" --network web --mac 00:00:00:00:00:00
api_err "--ip outside the subnet" 400 "not a usable host address" POST /v1/endpoints "{\"container\":\"c2\",\"pid\":$P2,\"network\":\"web\",\"ip\":\"10.91.0.5\"}"
api_err "--ip that is not an address" 400 "invalid ip 'x'" POST /v1/endpoints "{\"container\":\"c2\",\"pid\":$P2,\"network\":\"web\",\"ip\":\"x\"}"
check_eq "refused bodies: c2 has lo only" 1 "$(in_ctr c2 ip -o link show | wc -l)"
unchanged "bad bodies"

# ---- routes and methods -----------------------------------------------------------------------
snap
api_err "unknown route" 404 "no such route '/v2/networks'" GET /v2/networks
api_err "unknown sub-route" 404 "no such route" GET /v1/networks/web/extra
api_err "wrong method on /v1/networks" 405 "method not allowed" DELETE /v1/networks
api_err "wrong method on /v1/endpoints/c1" 405 "method not allowed" POST /v1/endpoints/c1 '{}'
api_err "unknown query parameter" 400 "unknown query parameter 'foo'" GET "/v1/endpoints?foo=bar"
api_err "invalid name in a path" 400 "invalid name" DELETE "/v1/endpoints/%2e%2e"
apic PUT /v1/networks '{"name":"put","subnet":"10.9.0.0/24"}'
check_match "PUT is refused" "^(405|501)$" "$API_STATUS"
api_err "network inspect of an unknown network" 404 "network 'nope' not found" GET /v1/networks/nope
api_err "detach of a container that is not attached" 404 "'c2' is not attached" DELETE /v1/endpoints/c2
api_err "delete the default network" 403 "default network" DELETE /v1/networks/netd
check "c1 still pings its gateway" ping_ok c1 10.90.0.1
unchanged "bad routes and methods"

# ---- netctl usage errors: exit 2 --------------------------------------------------------------
snap
ctl_err "no command" 2 "Usage: netctl"
ctl_err "unknown command" 2 "unknown command 'frobnicate'" frobnicate
ctl_err "unknown global option" 2 "unknown option '--frob'" --frob info
ctl_err "attach without --pid or --netns" 2 "give --netns PATH or --pid PID" attach c2 --network web
ctl_err "attach without a container" 2 "missing CONTAINER" attach --pid "$P2"
ctl_err "attach --pid abc" 2 "invalid --pid 'abc'" attach c2 --pid abc
ctl_err "attach --pid without a value" 2 "needs a value" attach c2 --pid
ctl_err "attach with two container names" 2 "unexpected argument 'c3'" attach c2 c3 --pid "$P2"
ctl_err "network without a subcommand" 2 "Usage: netctl network" network
ctl_err "network frob" 2 "unknown subcommand 'frob'" network frob
ctl_err "network create without a name" 2 "missing NAME" network create --subnet 10.9.0.0/24
ctl_err "network create --mtu abc" 2 "invalid --mtu 'abc'" network create m --mtu abc
ctl_err "network rm of an invalid name" 2 "invalid name '\.\./x'" network rm ../x
ctl_err "detach of an invalid name" 2 "invalid container name" detach ../x
ctl_err "inspect without a container" 2 "missing CONTAINER" inspect
ctl_err "ls with an extra argument" 2 "unexpected argument 'x'" ls x
unchanged "netctl usage errors"

# ---- wrong uid --------------------------------------------------------------------------------
snap
chmod 0666 "$SOCK"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
out=$(nobody curl -s -m 10 -w '\n%{http_code}' --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' \
    --data-binary '{"name":"evil","subnet":"10.66.0.0/24"}' http://netd/v1/networks)
check_eq "uid 65534: POST /v1/networks is 403" 403 "${out##*$'\n'}"
body=${out%$'\n'*}
check_eq "uid 65534: the 403 is the error JSON with EACCES" "EACCES" "$(jq -r .errno <<<"$body" 2>/dev/null)"
check_match "uid 65534: the message says permission denied" "permission denied" "$(jq -r .message <<<"$body" 2>/dev/null)"
out=$(nobody curl -s -m 10 -w '\n%{http_code}' --unix-socket "$SOCK" http://netd/v1/endpoints)
check_eq "uid 65534: even GET /v1/endpoints is 403" 403 "${out##*$'\n'}"
out=$(nobody curl -s -m 10 -w '\n%{http_code}' --unix-socket "$SOCK" -X DELETE http://netd/v1/endpoints/c1)
check_eq "uid 65534: DELETE /v1/endpoints/c1 is 403" 403 "${out##*$'\n'}"
nobody "$NETCTL_BIN" --socket "$SOCK" network create evil2 --subnet 10.67.0.0/24 >"$T/ctl.out" 2>"$T/ctl.err"
check_eq "uid 65534: netctl network create exits 1" 1 "$?"
check_match "uid 65534: netctl says permission denied" "permission denied" "$(cat "$T/ctl.err")"
if command -v runuser >/dev/null; then
    runuser -u nobody -- "$NETCTL_BIN" --socket "$SOCK" detach c1 >"$T/ctl.out" 2>"$T/ctl.err"
    check_eq "runuser nobody: netctl detach exits 1" 1 "$?"
    check_match "runuser nobody: netctl says permission denied" "permission denied" "$(cat "$T/ctl.err")"
fi
check_match "netd logs the refusal with the uid" "refused request from uid 65534" "$(cat "$T/netd.log")"
check "root still works on the same socket" netctl info
check_fails "no network evil" test -e "$T/state/networks/evil.json"
check "c1 is still attached" test -e "$T/state/endpoints/c1@web.json"
unchanged "wrong uid"
chmod 0600 "$SOCK"

# ---- a second netd on the same socket --------------------------------------------------------
snap
idx_before=$(ip -o link show | awk -F': ' '{print $1 ":" $2}' | tr '\n' ' ')
timeout 30 "$NETD_BIN" --run-dir "$T/run" --state-dir "$T/state" --log-level debug >"$T/netd2.log" 2>&1
rc=$?
check "a second netd (same dirs) refuses to start" test "$rc" != 0 -a "$rc" != 124
check_match "it says the state directory is in use by another netd" "in use by another netd" "$(cat "$T/netd2.log")"
check "the first netd still has its socket file" test -S "$SOCK"
check "the first netd keeps serving" curl -sf -m 5 --unix-socket "$SOCK" http://netd/v1/health
check_eq "the second netd touched no link" "$idx_before" "$(ip -o link show | awk -F': ' '{print $1 ":" $2}' | tr '\n' ' ')"
check "c1 still pings its gateway" ping_ok c1 10.90.0.1
if ! curl -sf -m 5 --unix-socket "$SOCK" http://netd/v1/health >/dev/null; then
    echo "# the first netd lost its socket: restarting it to go on"
    netd_stop
    netd_start
fi

snap
idx_before=$(ip -o link show | awk -F': ' '{print $1 ":" $2}' | tr '\n' ' ')
timeout 30 "$NETD_BIN" --socket "$SOCK" --run-dir "$T/run2" --state-dir "$T/state2" --log-level debug \
    >"$T/netd3.log" 2>&1
rc=$?
check "a second netd (own state dir, same socket) refuses to start" test "$rc" != 0 -a "$rc" != 124
check "the first netd keeps serving after it" curl -sf -m 5 --unix-socket "$SOCK" http://netd/v1/health
check_eq "the second netd touched none of the first one's links (same ifindexes)" "$idx_before" \
    "$(ip -o link show | awk -F': ' '{print $1 ":" $2}' | tr '\n' ' ')"
check_fails "the second netd removed nothing as an orphan" grep "removed orphan" "$T/netd3.log"
check_match "it says another netd is listening" "another netd is listening" "$(cat "$T/netd3.log")"
if ! curl -sf -m 5 --unix-socket "$SOCK" http://netd/v1/health >/dev/null; then
    echo "# the first netd lost its socket: restarting it to go on"
    netd_stop
    netd_start
fi
# let the first netd repair whatever the second one removed before going on (bounded)
wait_for "c1 to ping its gateway" 50 ping_ok c1 10.90.0.1

# ---- a FIFO as netns: must not block netd -----------------------------------------------------
mkfifo "$T/fifo"
API_STATUS=$(curl -s -m 5 -o "$T/fifo.out" -w '%{http_code}' --unix-socket "$SOCK" -X POST \
    -H 'Content-Type: application/json' \
    --data-binary "{\"container\":\"c2\",\"netns\":\"$T/fifo\",\"network\":\"web\"}" http://netd/v1/endpoints)
check_eq "a FIFO as netns is refused with 400" 400 "$API_STATUS"
check "netd still answers after a FIFO as netns" curl -sf -m 3 --unix-socket "$SOCK" http://netd/v1/health
if ! curl -sf -m 3 --unix-socket "$SOCK" http://netd/v1/health >/dev/null; then
    # netd is stuck in open() on the FIFO: be its writer (bounded), so the rest can go on
    echo "# netd hangs on the FIFO: opening it for writing to release netd"
    timeout 3 sh -c ": >'$T/fifo'" 2>/dev/null
    wait_for "netd to answer again" 50 curl -sf -m 2 --unix-socket "$SOCK" http://netd/v1/health
fi
check_eq "the FIFO attach attached nothing" "c1" "$(netctl ls -q)"

# ---- nothing listens --------------------------------------------------------------------------
ctl_err "netctl on a path with no socket" 1 "cannot reach netd" --socket "$T/run/none.sock" info
netd_kill9
check "the killed netd left its socket file" test -S "$SOCK"
ctl_err "netctl on a socket nothing listens on" 1 "cannot reach netd at '$SOCK'" info
netd_start
check "netd starts over the stale socket" netctl info
check_eq "c1 is still attached after all of it" "c1" "$(netctl ls -q)"
netd_stop
check_eq "netd exits 0 on SIGTERM (ASan leak check included)" 0 "$?"

# ---- every command answers --help, with no daemon needed ----------------------------------------
for cmd in network "network create" "network ls" "network inspect" "network rm" attach detach ls \
    inspect publish unpublish port events info version; do
    # shellcheck disable=SC2086 # "network create" is two words
    out=$("$NETCTL_BIN" --socket "$T/none.sock" $cmd --help 2>&1)
    check_eq "netctl $cmd --help exits 0" 0 "$?"
    check_match "netctl $cmd --help shows its usage" "^Usage: netctl $cmd" "$out"
done
finish
