#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# sidecar.sh - a sidecar in the app's pod: a health checker that polls the app on the pod's
# localhost and writes what it sees to its own file system; the two share the network (one
# address, one localhost, each other's sockets) but not their processes nor their files.
#
# Usage: sudo bash examples/pod/sidecar.sh
# Needs busybox-static. netd is built (optimised, into build-demo) on first use, unless
# NETD_BUILDDIR names a build or the source tree is built in place. Everything happens in a
# private network and mount namespace made for the example; the machine's own network is
# never touched.
set -eu
# shellcheck source=examples/sandbox.sh
. "$(dirname "$0")/../sandbox.sh"
example_sandbox sidecar "netd netctl netd-proxy netrun" "busybox" "$@"
netctl() { "$build/netctl" --socket "$sock" "$@"; }
netrun() { "$build/netrun" --socket "$sock" --run-dir "$dir/netrun" "$@"; }
say() { printf '\n== %s\n' "$*"; }

# what this script started, by PID: netd, the pod's pause, the containers' supervisors
netd_pid=""
pids=()
cleanup() {
    set +e
    # netrun stops its containers itself (SIGTERM, detach from netd, remove their cgroups)
    netrun stop ex-side-check --time 2 >/dev/null 2>&1
    netrun stop ex-side-app --time 2 >/dev/null 2>&1
    netrun pod rm ex-side >/dev/null 2>&1
    example_end
}
trap cleanup EXIT
wait_lines() { # wait_lines PATTERN N: until the health log has N lines matching PATTERN (10 s)
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(grep -c -- "$1" "$log" 2>/dev/null)" -ge "$2" ] && return 0
        sleep 0.1
    done
    echo "sidecar: no '$1' in the health log after 10 s" >&2
    return 1
}

say "starting netd (state in $dir/state)"
"$build/netd" --run-dir "$dir/run" --state-dir "$dir/state" 2>"$dir/netd.log" &
netd_pid=$!
for _ in $(seq 100); do netctl info >/dev/null 2>&1 && break; sleep 0.05; done
netctl info >/dev/null

say "two root file systems (busybox-static): the app's, with /www/health, and the sidecar's, with /log"
make_rootfs "$dir/app"
mkdir -p "$dir/app/www"
echo "ok" >"$dir/app/www/health"
make_rootfs "$dir/checker"
mkdir -p "$dir/checker/log"
log=$dir/checker/log/health.log
# the health checker (`timeout`, not wget's -T, which crashes Debian's busybox-static 1.35)
cat >"$dir/checker/bin/healthcheck" <<'EOF'
#!/bin/sh
for i in $(seq 120); do
    if timeout 2 wget -q -O /dev/null "$1"; then s=UP; else s=DOWN; fi
    echo "$(date +%T) check $i: app $s" >>/log/health.log
    sleep 0.5
done
EOF
chmod 755 "$dir/checker/bin/healthcheck"

say "netrun pod create ex-side (a pause holds the pod's network; netd attaches it)"
netrun pod create ex-side
track "$dir/netrun/.pods/ex-side/supervisor"

say "the app: netrun run -d --pod ex-side --name ex-side-app -- httpd -f -p 127.0.0.1:8081 -h /www"
netrun run -d --rootfs "$dir/app" --pod ex-side --name ex-side-app -- httpd -f -p 127.0.0.1:8081 -h /www
track "$dir/netrun/ex-side-app/supervisor"

say "the sidecar: netrun run -d --pod ex-side --name ex-side-check -- healthcheck http://127.0.0.1:8081/health"
echo "(every 0.5 s, at most 120 times, it fetches the URL and logs UP or DOWN in its /log/health.log)"
netrun run -d --rootfs "$dir/checker" --pod ex-side --name ex-side-check -- healthcheck http://127.0.0.1:8081/health
track "$dir/netrun/ex-side-check/supervisor"
netrun ps
wait_lines "app UP" 3
echo "the sidecar's log, read from its root file system on the host ($log):"
cat "$log"

app=$(cat "$dir/netrun/ex-side-app/init")
chk=$(cat "$dir/netrun/ex-side-check/init")
say "shared: the network namespace (one address, one localhost) and the host name"
for ns in net uts ipc pid mnt; do
    a=$(readlink "/proc/$app/ns/$ns") c=$(readlink "/proc/$chk/ns/$ns")
    if [ "$a" = "$c" ]; then what="the same"; else what="separate"; fi
    printf '%-4s app %-20s sidecar %-20s %s\n' "$ns" "$a" "$c" "$what"
done
echo "eth0 in the app:     $(netrun exec ex-side-app -- ip -4 -o addr show eth0 | awk '{print $4}')"
echo "eth0 in the sidecar: $(netrun exec ex-side-check -- ip -4 -o addr show eth0 | awk '{print $4}')"
echo "host name in both:   $(netrun exec ex-side-app -- hostname) $(netrun exec ex-side-check -- hostname)"
echo "the sidecar sees the app's listening socket (netstat -ltn in the sidecar):"
netrun exec ex-side-check -- netstat -ltn

say "separate: processes (ps in each container shows only its own, each has its own PID 1)"
echo "-- ps -o pid,comm in the app:"
netrun exec ex-side-app -- ps -o pid,comm
echo "-- ps -o pid,comm in the sidecar (busybox timeout leaves a watcher for up to 1 s after each check):"
netrun exec ex-side-check -- ps -o pid,comm

say "separate: file systems (the sidecar has no /www, the app has no /log)"
netrun exec ex-side-check -- ls /www 2>&1 || echo "=> the app's /www is not in the sidecar's file system"
netrun exec ex-side-app -- ls /log 2>&1 || echo "=> the sidecar's /log is not in the app's file system"

say "netrun stop ex-side-app: the sidecar sees the app go DOWN"
netrun stop ex-side-app --time 2
wait_lines "app DOWN" 2
echo "the sidecar's log:"
cat "$log"

say "stop the sidecar, then the pod"
netrun stop ex-side-check --time 2
netrun rm ex-side-check
netrun rm ex-side-app
netrun pod rm ex-side
netctl ls
say "done"
