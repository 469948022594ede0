#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_service.sh - netd under a service manager: READY=1 once it serves and STOPPING=1 on
# SIGTERM over $NOTIFY_SOCKET (the sd_notify protocol, as systemd's Type=notify expects), the
# unit file make builds, and make install's layout
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

command -v python3 >/dev/null || skip "python3 not found"

# a service manager's notification socket: every datagram, one a line, to a file
python3 - "$T/notify.sock" "$T/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(30)
with open(sys.argv[2], "a") as f:
    try:
        while True:
            f.write(s.recv(4096).decode().replace("\n", " ") + "\n"); f.flush()
    except socket.timeout:
        pass
PY
LISTENER=$!
CTR_PIDS+=("$LISTENER")
wait_for "the notification socket" 50 test -S "$T/notify.sock" || hard_error "listener"

NOTIFY_SOCKET="$T/notify.sock" netd_start
wait_for "READY=1" 50 grep -q "READY=1" "$T/notify.log"
check_eq "netd says READY=1 once it serves" "READY=1 STATUS=serving" "$(head -1 "$T/notify.log")"
check "and only then: its socket answered before" netctl info
netd_stop
wait_for "STOPPING=1" 50 grep -q "STOPPING=1" "$T/notify.log"
check_eq "SIGTERM: STOPPING=1" "STOPPING=1" "$(sed -n 2p "$T/notify.log")"
NOTIFY_SOCKET="relative/path" netd_start
check "a bogus NOTIFY_SOCKET is logged and ignored" grep -q "is not a socket path, ignoring" "$T/netd.log"
netd_stop

# ---- bash completion ---------------------------------------------------------------------------
complete_words() { # complete_words WORD...: what _netctl offers for the last word
    (
        PATH="$NETD_BUILDDIR:$PATH"
        complete() { :; }
        # shellcheck source=/dev/null
        . "$NETD_SRCDIR/examples/completion/netctl.bash"
        COMP_WORDS=(netctl --socket "$T/run/netd.sock" "$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _netctl
        printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
    )
}
netd_start
ctr_start c1
netctl attach c1 --pid "$(ctr_pid c1)" >/dev/null || hard_error "attach c1"
check_eq "completion: commands" "publish " "$(complete_words pu)"
check_eq "completion: network subcommands" "create inspect ls rm " "$(complete_words network "")"
check_match "completion: containers asked of netd" "(^| )c1( |$)" "$(complete_words port "")"
check_match "completion: networks asked of netd" "(^| )netd( |$)" "$(complete_words attach c1 --network "")"

# ---- GET /metrics (Prometheus text format) ----------------------------------------------------
metrics() { curl -s -m 3 --unix-socket "$T/run/netd.sock" http://netd/metrics; }
has_line() { grep -qxF "$2" <<<"$1"; } # has_line TEXT LINE
netctl publish 8080:80 c1 >/dev/null
out=$(metrics)
check "metrics: endpoints" has_line "$out" "netd_endpoints 1"
check "metrics: networks" has_line "$out" "netd_networks 1"
check "metrics: published ports" has_line "$out" "netd_published_ports 1"
check_match "metrics: the proxy's counters per port" \
    'netd_proxy_connections_total\{container="c1",port="8080:80/tcp"\} 0' "$out"
check_match "metrics: request latency histogram" \
    'netd_api_request_duration_seconds_count\{route="POST /v1/ports"\} 1' "$out"
check_match "metrics: every bucket up to +Inf" \
    'netd_api_request_duration_seconds_bucket\{route="POST /v1/ports",le="\+Inf"\} 1' "$out"
netctl publish 8081:80 c1 >/dev/null
out=$(metrics)
check "metrics: the values move" has_line "$out" "netd_published_ports 2"
check_match "metrics: and the request count" \
    'netd_api_request_duration_seconds_count\{route="POST /v1/ports"\} 2' "$out"
check_match "metrics: the content type Prometheus expects" "text/plain; version=0.0.4" \
    "$(curl -s -m 3 -D - -o /dev/null --unix-socket "$T/run/netd.sock" http://netd/metrics)"
netctl detach c1 >/dev/null
netd_stop

# ---- netd.conf: every option in a file, the command line wins -----------------------------------
cat >"$T/netd.conf" <<'CONF'
# a settings file as an admin writes it
subnet-pool = 10.123.0.0/16
subnet-size = 25
  default-subnet = "172.31.0.0/16"
nft-table = conf_t
metrics-listen = 127.0.0.1:9323
CONF
netd_start --config "$T/netd.conf" --nft-table cmdline_t --state-dir "$T/state-conf"
check "netd.conf: default-subnet applied" \
    grep -q '"subnet": *"172.31.0.0/16"' <<<"$(netctl network inspect netd --json)"
netctl network create confnet >/dev/null || hard_error "network create"
check_eq "netd.conf: subnet-pool and subnet-size applied" "10.123.0.0/25" \
    "$(netctl network inspect confnet --format '{{.subnet}}')"
check "the command line wins: --nft-table cmdline_t" nft list table inet cmdline_t
check_fails "and netd.conf's table was never made" nft list table inet conf_t

# --metrics-listen (from netd.conf): GET /metrics over TCP, and nothing else there
tcp_metrics=$(curl -s -m 3 http://127.0.0.1:9323/metrics)
check_match "metrics over TCP: the same text format" "^netd_networks 2$" "$tcp_metrics"
check_match "metrics over TCP: reconcile runs" "^netd_reconcile_runs_total [1-9][0-9]*$" "$tcp_metrics"
check_eq "metrics over TCP: the API itself is not served" 404 \
    "$(curl -s -m 3 -o /dev/null -w '%{http_code}' http://127.0.0.1:9323/v1/networks)"
check_eq "metrics over TCP: nor anything but GET" 405 \
    "$(curl -s -m 3 -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:9323/metrics)"
netctl network rm confnet >/dev/null

# SIGHUP (systemctl reload) re-reads netd.conf and does not kill netd
kill -HUP "$NETD_PID"
wait_for "the reload" 50 grep -q "reloaded $T/netd.conf" "$T/netd.log"
check_match "SIGHUP: netd.conf read again; the command line's log level stays" \
    "reloaded .*netd.conf: log level debug \(set on the command line\)" "$(cat "$T/netd.log")"
check "SIGHUP: netd still serves" netctl info
echo "subnet-pool = nonsense" >>"$T/netd.conf"
kill -HUP "$NETD_PID"
wait_for "the failed reload" 50 grep -q "reload: .*nothing changed" "$T/netd.log"
check_match "SIGHUP with a broken netd.conf: says why, changes nothing" \
    "reload: .*netd.conf:7: invalid subnet 'nonsense'.*nothing changed" "$(cat "$T/netd.log")"
check "and netd still serves" netctl info
netd_stop
"$NETD_BIN" --cleanup --nft-table cmdline_t >/dev/null 2>&1

# bad settings: netd stops before touching anything, naming the file and line
bad_conf() { # bad_conf DESC EXPECTED-MESSAGE FILE-CONTENT
    printf '%s\n' "$3" >"$T/bad.conf"
    local out rc
    out=$("$NETD_BIN" --config "$T/bad.conf" --run-dir "$T/run2" --state-dir "$T/state2" \
        --nft-table bad_t 2>&1)
    rc=$?
    check_eq "$1: exit status 2" 2 "$rc"
    check_match "$1: says what and where" "$2" "$out"
}
bad_conf "unknown option" "bad.conf:2: unknown option 'subnet-poool'" $'# x\nsubnet-poool = 10.0.0.0/8'
bad_conf "invalid value" "bad.conf:1: invalid subnet '10.0.0.0/33'" 'subnet-pool = 10.0.0.0/33'
bad_conf "no '='" "bad.conf:1: expected 'option = value'" 'subnet-pool 10.0.0.0/8'
bad_conf "a command-line-only option" "bad.conf:1: unknown option 'cleanup'" 'cleanup = yes'
bad_conf "a bad metrics address" "invalid metrics-listen 'localhost:9323'" 'metrics-listen = localhost:9323'
check_fails "a bad netd.conf created no table" nft list table inet bad_t
check_fails "nor any state" test -e "$T/state2"
out=$("$NETD_BIN" --config "$T/missing.conf" --run-dir "$T/run2" --state-dir "$T/state2" 2>&1)
check_match "a --config file that does not exist is an error" "missing.conf: No such file" "$out"
out=$("$NETD_BIN" --metrics-listen 127.0.0.1:0 --run-dir "$T/run2" --state-dir "$T/state2" 2>&1)
check_match "--metrics-listen on the command line is checked too" "invalid metrics-listen" "$out"
check_eq "--help works whatever netd.conf holds" 0 \
    "$("$NETD_BIN" --config "$T/bad.conf" --help >/dev/null 2>&1; echo $?)"
check_match "--help lists --config and --metrics-listen" "--config FILE.*--metrics-listen" \
    "$("$NETD_BIN" --help | tr '\n' ' ')"

# ---- the unit file and make install ------------------------------------------------------------
check "make builds netd.service" make -C "$NETD_BUILDDIR" -s netd.service netd.conf
check_match "its ExecStart is the installed netd" "^ExecStart=/.*/sbin/netd " \
    "$(grep ^ExecStart= "$NETD_BUILDDIR/netd.service")"
check_match "Type=notify" "^Type=notify$" "$(grep ^Type= "$NETD_BUILDDIR/netd.service")"
if command -v systemd-analyze >/dev/null; then
    sed "s|^ExecStart=[^ ]*|ExecStart=$NETD_BIN|" "$NETD_BUILDDIR/netd.service" >"$T/netd.service"
    check "systemd-analyze verify accepts it" systemd-analyze verify "$T/netd.service"
fi
make -C "$NETD_BUILDDIR" -s install DESTDIR="$T/root" >"$T/install.log" 2>&1 ||
    { cat "$T/install.log"; hard_error "make install"; }
for f in sbin/netd bin/netctl lib/systemd/system/netd.service lib/tmpfiles.d/netd.conf etc/netd/netd.conf \
    share/bash-completion/completions/netctl; do
    check "make install puts $f in place" test -e "$T/root/usr/local/$f"
done
for f in man8/netd.8 man8/netctl.8 man8/netd-cni.8 man1/netd-hook.1 man1/netrun.1; do
    check "make install puts the manual page $f in place" test -e "$T/root/usr/local/share/man/$f"
done
check "netd-proxy in sbin, next to netd" test -x "$T/root/usr/local/sbin/netd-proxy"
check "netd-hook in libexec" test -x "$T/root/usr/local/libexec/netd/netd-hook"
check "netd-cni where CNI plugins go" test -x "$(find "$T/root" -name netd-cni -path '*cni*' | head -1)"
finish
