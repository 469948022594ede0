#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_netrun.sh - netrun runs busybox containers as the seeds describe them: PID 1 inside and
# another pid outside, only its own processes, its own host name, the host's kernel, exit
# statuses and signals passed through, zombies reaped, memory, CPU and pids limits in cgroups
# (v1 or v2, whichever the host has), Docker's capabilities, a published port through netd,
# --network none, a clear error without netd, and nothing left behind
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"

NETRUN="$NETD_BUILDDIR/netrun"
[ -x "$NETRUN" ] || hard_error "netrun not built at $NETRUN"
for tool in busybox curl; do
    command -v "$tool" >/dev/null || skip "$tool not found"
done
BUSYBOX=$(command -v busybox)
file -L "$BUSYBOX" 2>/dev/null | grep -q "statically linked" ||
    ldd "$BUSYBOX" 2>&1 | grep -q "not a dynamic" || skip "busybox is not static (busybox-static)"

ROOTFS="$T/rootfs"
mkdir -p "$ROOTFS/bin" "$ROOTFS/www" "$ROOTFS/tmp"
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
for a in $("$BUSYBOX" --list | grep -vx busybox); do ln -sf busybox "$ROOTFS/bin/$a"; done
echo "hello from netrun" >"$ROOTFS/www/index.html"

nr() { "$NETRUN" --socket "$T/run/netd.sock" --run-dir "$T/netrun" run --rootfs "$ROOTFS" "$@"; }

# the cgroup files this host has: v2 (one hierarchy) or v1 (one per controller)
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
    CG_V2=1
    cg_file() { echo "/sys/fs/cgroup/netrun/$1/$2"; } # cg_file NAME FILE
    CG_PARENTS=(/sys/fs/cgroup/netrun)
else
    CG_V2=0
    cg_file() {
        case $2 in
        memory.*) echo "/sys/fs/cgroup/memory/netrun/$1/$2" ;;
        cpu.*) echo "/sys/fs/cgroup/cpu/netrun/$1/$2" ;;
        pids.*) echo "/sys/fs/cgroup/pids/netrun/$1/$2" ;;
        esac
    }
    CG_PARENTS=(/sys/fs/cgroup/memory/netrun /sys/fs/cgroup/cpu/netrun /sys/fs/cgroup/pids/netrun)
fi
echo "# cgroup v2: $CG_V2"
cgroups_left() { # names of our test containers still having a cgroup
    local p
    for p in "${CG_PARENTS[@]}"; do
        [ -d "$p" ] && ls "$p" | grep '^nrt-'
    done
    return 0
}
pgrep_p() { # pgrep_p PID: its children's pids, from /proc (procps not needed); fails if none
    local f s n=0
    for f in /proc/[0-9]*/stat; do
        read -r s 2>/dev/null <"$f" || continue
        s=${s##*) } # after the command name: state, ppid, ...
        s=${s#* }
        if [ "${s%% *}" = "$1" ]; then
            f=${f#/proc/}
            echo "${f%/stat}"
            n=$((n + 1))
        fi
    done
    [ "$n" -gt 0 ]
}
# the container's init: netrun's only child
init_of() { pgrep_p "$1" | head -n 1; }
BG_PID=""
bg_start() { # bg_start OUTFILE ARGS...: netrun in the background; BG_PID, its init in BG_INIT
    local out=$1
    shift
    # netrun itself, not a subshell running nr: signals go to it, its child is the init
    "$NETRUN" --socket "$T/run/netd.sock" --run-dir "$T/netrun" run --rootfs "$ROOTFS" "$@" \
        >"$out" 2>&1 &
    BG_PID=$!
    CTR_PIDS+=("$BG_PID")
    BG_INIT=""
    local i
    for ((i = 0; i < 50; i++)); do
        BG_INIT=$(init_of "$BG_PID")
        [ -n "$BG_INIT" ] && grep -q "(netrun-init)" "/proc/$BG_INIT/stat" 2>/dev/null &&
            [ "$(pgrep_p "$BG_INIT" | wc -l)" -gt 0 ] && break
        sleep 0.1
    done
}
bg_stop() { # bg_stop [SIG]: signal netrun (bounded), wait for it; its status in BG_RC
    kill -"${1:-TERM}" "$BG_PID" 2>/dev/null
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$BG_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$BG_PID" 2>/dev/null
    wait "$BG_PID"
    BG_RC=$?
}

# ---- netd not running: a clear error, exit 125, nothing created ------------------------------
out=$(nr --name nrt-nonetd -- true 2>&1)
check_eq "netd not running: exit 125" 125 "$?"
check_match "with a clear message" "cannot reach netd at '.*': is it running" "$out"
check_eq "and no cgroup" "" "$(cgroups_left)"
# --network none needs no netd
out=$(nr --name nrt-none0 --network none -- ip -o link show 2>&1)
check_match "--network none runs without netd" "^1: lo: <LOOPBACK,UP" "$out"

netd_start

# ---- PID 1 inside, another pid outside, only the container's processes -----------------------
check_eq "the workload's parent inside is PID 1, netrun's init" "1 netrun-init" \
    "$(nr --name nrt-pid -- sh -c 'echo $PPID $(cat /proc/1/comm)')"
out=$(nr --name nrt-ps -- ps)
check_eq "ps inside lists the container's processes only (init and ps)" "1 2" \
    "$(printf '%s\n' "$out" | awk 'NR > 1 {print $1}' | tr '\n' ' ' | sed 's/ $//')"
bg_start "$T/pid.out" --name nrt-pidout -- sleep 30
check "the container's init has a pid outside" test -n "$BG_INIT"
check "and it is not 1 there" test "${BG_INIT:-1}" != 1
check "it is in another pid namespace" test "$(readlink "/proc/${BG_INIT:-self}/ns/pid")" != "$(readlink /proc/self/ns/pid)"
for ns in mnt uts ipc net cgroup; do
    check "and another $ns namespace" test "$(readlink "/proc/${BG_INIT:-self}/ns/$ns")" != "$(readlink /proc/self/ns/$ns)"
done
# killing PID 1 from outside ends the container
[ -n "$BG_INIT" ] && kill -KILL "$BG_INIT"
bg_stop NONE
check_eq "killing PID 1 ends the container: 137" 137 "$BG_RC"

# ---- host name, kernel, environment, working directory, capabilities -------------------------
host_before=$(hostname)
check_eq "--hostname is the host name inside" "inner" "$(nr --name nrt-uts --hostname inner -- hostname)"
check_eq "the host's host name is unchanged" "$host_before" "$(hostname)"
check_eq "uname -r inside is the host's kernel" "$(uname -r)" "$(nr --name nrt-uname -- uname -r)"
export NETRUN_TEST_LEAK=1
env_out=$(nr --name nrt-env -e FOO=bar -e 'SPACED=a b' -w /www -- sh -c 'env; echo pwd=$(pwd)')
unset NETRUN_TEST_LEAK
check_match "--env is set" "^FOO=bar$" "$(printf '%s\n' "$env_out" | grep FOO)"
check_match "with spaces kept" "^SPACED=a b$" "$(printf '%s\n' "$env_out" | grep SPACED)"
check_match "PATH, HOME and HOSTNAME are there" "^HOME=/root HOSTNAME=nrt-env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin $" \
    "$(printf '%s\n' "$env_out" | grep -E '^(PATH|HOME|HOSTNAME)=' | sort | tr '\n' ' ')"
check_eq "netrun's own environment is not" "" "$(printf '%s\n' "$env_out" | grep NETRUN_TEST_LEAK)"
check_eq "--workdir is the working directory" "pwd=/www" "$(printf '%s\n' "$env_out" | grep '^pwd=')"
caps=$(nr --name nrt-caps -- grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status | tr -s '\t ' ' ')
check_match "capabilities: Docker's default set" "CapEff: 00000000a80425fb" "$caps"
check_match "in the bounding set too" "CapBnd: 00000000a80425fb" "$caps"
check_match "no_new_privs" "NoNewPrivs: 1" "$caps"
check_fails "without CAP_SYS_ADMIN the host name cannot change" nr --name nrt-uts2 -- hostname other
check_fails "/sys is read-only" nr --name nrt-sys -- mkdir /sys/x
check_eq "/proc is the container's own: init and sh" "/proc/1 /proc/2" "$(nr --name nrt-proc -- sh -c 'echo /proc/[0-9]*')"
devs=$(nr --name nrt-dev -- ls /dev | tr '\n' ' ')
for d in null zero full random urandom tty pts shm ptmx; do
    check_match "/dev/$d exists" "(^| )$d( |$)" "$devs"
done
check_eq "/dev/null works" "" "$(nr --name nrt-null -- sh -c 'echo x >/dev/null; cat /dev/null')"
check_eq "/dev/zero works" "4" "$(nr --name nrt-zero -- sh -c 'head -c 4 /dev/zero | wc -c')"
check_fails "and nothing else is there (no /dev/sda, /dev/mem)" nr --name nrt-mem -- sh -c 'ls /dev/mem || ls /dev/sda'

# ---- exit statuses and signals ------------------------------------------------------------------
nr --name nrt-exit3 -- sh -c 'exit 3'
check_eq "exit 3 -> 3" 3 "$?"
nr --name nrt-kill9 -- sh -c 'kill -9 $$'
check_eq "killed by SIGKILL -> 137" 137 "$?"
nr --name nrt-true -- true
check_eq "true -> 0" 0 "$?"
nr --name nrt-nocmd -- /nonexistent 2>/dev/null
check_eq "a command not found -> 127" 127 "$?"
out=$(nr --name nrt-wd -w /nonexistent -- true 2>&1)
check_eq "a setup error (--workdir missing) -> 125" 125 "$?"
check_match "with its reason" "workdir /nonexistent: No such file" "$out"
check_eq "and netd forgot it" "" "$(netctl ls -q)"
bg_start "$T/term.out" --name nrt-term -- sh -c 'trap "echo got-term; exit 7" TERM; echo ready; i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done'
wait_for "the trap to be set" 50 grep -q ready "$T/term.out"
bg_stop TERM
check_eq "SIGTERM to netrun reaches the workload (its trap exits 7)" 7 "$BG_RC"
check_match "the trap ran" "got-term" "$(cat "$T/term.out")"
bg_start "$T/int.out" --name nrt-int -- sh -c 'trap "echo got-hup; exit 9" HUP; echo ready; i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done'
wait_for "the trap to be set" 50 grep -q ready "$T/int.out"
bg_stop HUP
check_eq "SIGHUP too" 9 "$BG_RC"
out=$(nr --name nrt-zombie -- sh -c '(sleep 0.2 &); (sleep 0.2 &); sleep 1; cat /proc/[0-9]*/stat')
check_match "orphans ran under the container's init" "." "$out"
check_eq "zombies are reaped by init" 0 "$(printf '%s\n' "$out" | awk '$3 == "Z"' | wc -l)"
out=$(nr --name nrt-zombie2 -- sh -c '(sleep 0.2 &); sleep 1; cat /proc/[0-9]*/stat' | awk '{print $2}' | tr '\n' ' ')
check_eq "and gone: only init and cat (sh exec'd it) are left" "(netrun-init) (cat) " "$out"

# ---- cgroups ------------------------------------------------------------------------------------
nr --name nrt-oom --memory 32m -- dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null
check_eq "the memory limit is enforced: 64 MiB in a 32m container is OOM-killed" 137 "$?"
nr --name nrt-nooom --memory 256m -- dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null
check_eq "and fits in 256m" 0 "$?"
check_match "inside, the cgroup namespace shows its cgroup as /" "memory:/$|^0::/$" \
    "$(nr --name nrt-cgns --memory 64m -- cat /proc/self/cgroup)"
bg_start "$T/lim.out" --name nrt-lim --memory 64m --cpus 0.5 --pids-limit 20 -- \
    sh -c 'i=0; while [ $i -lt 100000000 ]; do i=$((i+1)); done'
if [ "$CG_V2" = 1 ]; then
    check_eq "memory.max reads the limit" 67108864 "$(cat "$(cg_file nrt-lim memory.max)")"
    check_eq "cpu.max reads the quota" "50000 100000" "$(cat "$(cg_file nrt-lim cpu.max)")"
else
    check_eq "memory.limit_in_bytes reads the limit" 67108864 \
        "$(cat "$(cg_file nrt-lim memory.limit_in_bytes)")"
    check_eq "cpu.cfs_quota_us reads the quota" 50000 "$(cat "$(cg_file nrt-lim cpu.cfs_quota_us)")"
    check_eq "cpu.cfs_period_us is 100 ms" 100000 "$(cat "$(cg_file nrt-lim cpu.cfs_period_us)")"
fi
check_eq "pids.max reads the limit" 20 "$(cat "$(cg_file nrt-lim pids.max)")"
check "the container's init is in its cgroup" \
    grep -qx "${BG_INIT:-none}" "$(dirname "$(cg_file nrt-lim pids.max)")/cgroup.procs"
sleep 1.5
throttled=$(awk '$1 == "nr_throttled" {print $2}' "$(dirname "$(cg_file nrt-lim cpu.max)")/cpu.stat" 2>/dev/null)
[ -n "$throttled" ] || throttled=$(awk '$1 == "nr_throttled" {print $2}' "$(dirname "$(cg_file nrt-lim cpu.cfs_quota_us)")/cpu.stat")
check "a busy loop at --cpus 0.5 is throttled (nr_throttled $throttled)" test "${throttled:-0}" -gt 0
bg_stop TERM
check_eq "SIGTERM without a trap ends it: 143" 143 "$BG_RC"
check_eq "its cgroups are gone" "" "$(cgroups_left)"
rm -f "$ROOTFS/tmp/started"
out=$(nr --name nrt-bomb --pids-limit 10 -- sh -c 'i=0; while [ $i -lt 40 ]; do sleep 10 & echo $! >>/tmp/started; i=$((i+1)); done; echo all-started' 2>&1)
check_eq "the pids limit stops a fork bomb (40 forks, limit 10)" "" \
    "$(printf '%s\n' "$out" | grep all-started)"
check_match "with fork failing" "can't fork" "$out"
check "at most 9 forks succeeded ($(wc -l <"$ROOTFS/tmp/started" 2>/dev/null))" \
    test "$(wc -l <"$ROOTFS/tmp/started" 2>/dev/null || echo 99)" -le 9
check_eq "and the container's end killed them: its cgroups are gone" "" "$(cgroups_left)"
out=$(nr --name nrt-badmem --memory lots -- true 2>&1)
check_eq "--memory lots: usage error 125" 125 "$?"
check_match "saying what a size is" "--memory 'lots'" "$out"
out=$(nr --name nrt-badcpu --cpus 0 -- true 2>&1)
check_eq "--cpus 0: usage error 125" 125 "$?"

# ---- networking through netd --------------------------------------------------------------------
bg_start "$T/web.out" --name nrt-web -p 8080:80 -- httpd -f -p 80 -h /www
check_match "netd attached it" "^nrt-web +netd " "$(netctl ls)"
wait_for "httpd to answer" 50 curl -s -m 1 -o /dev/null http://172.30.0.1:8080/
check_eq "a published port answers the sandbox host (curl 172.30.0.1:8080)" "hello from netrun" \
    "$(curl -s -m 3 http://172.30.0.1:8080/)"
check_match "its eth0 has netd's address" "inet 172\.30\.0\.[0-9]+/16" \
    "$(nsenter --net="/proc/${BG_INIT:-self}/ns/net" ip -4 addr show eth0 2>&1)"
bg_stop TERM
check_eq "httpd ended by SIGTERM: 143" 143 "$BG_RC"
check_eq "netd has no endpoint left" "" "$(netctl ls -q)"
check_fails "the port is unpublished" curl -s -m 2 http://172.30.0.1:8080/
check_eq "no veth left" 0 "$(count_host_veths)"
out=$(nr --name nrt-none --network none -- ip -o link show)
check_eq "--network none: only lo" 1 "$(printf '%s\n' "$out" | wc -l)"
check_match "and lo is up" "^1: lo: <LOOPBACK,UP" "$out"
check_eq "netd knows nothing of it" "" "$(netctl ls -q)"
out=$(nr --name nrt-nonet --network nosuchnet -- true 2>&1)
check_eq "an unknown network: 125" 125 "$?"
check_match "netd's reason" "nosuchnet" "$out"
check_eq "no cgroup left by the failed attach" "" "$(cgroups_left)"

# ---- -d, ps, exec, stop, rm ----------------------------------------------------------------------
nrc() { "$NETRUN" --socket "$T/run/netd.sock" --run-dir "$T/netrun" "$@"; }
out=$(nrc run -d --rootfs "$ROOTFS" --name nrt-d1 -e FOO=bar -w /www -p 8081:80 --memory 64m -- \
    sh -c 'echo started; trap "echo bye; exit 5" TERM; httpd -p 80 -h /www; while true; do sleep 0.1; done')
check_eq "run -d prints the name and returns 0" "nrt-d1 0" "$out $?"
sup=$(cat "$T/netrun/nrt-d1/supervisor" 2>/dev/null)
[ -n "$sup" ] && CTR_PIDS+=("$sup")
check_match "ps lists it running" "^nrt-d1 +running +[0-9]+ +sh -c echo started" "$(nrc ps)"
wait_for "httpd in the detached container" 50 curl -s -m 1 -o /dev/null http://172.30.0.1:8081/
check_eq "its published port answers" "hello from netrun" "$(curl -s -m 3 http://172.30.0.1:8081/)"
check_eq "exec sees the container's environment, working directory and host name" \
    "bar /www nrt-d1" "$(nrc exec nrt-d1 -- sh -c 'echo $FOO $(pwd) $(hostname)')"
check_eq "exec sees the container's root" "hello from netrun" "$(nrc exec nrt-d1 -- cat /www/index.html)"
out=$(nrc exec nrt-d1 -- ps)
check_match "exec sees the container's processes: its init" " 1 .*netrun-init" "$out"
check_match "and its httpd" "httpd -p 80" "$out"
check_eq "but not the host's (netd)" 0 "$(printf '%s\n' "$out" | grep -c 'netd --run-dir')"
check_match "exec joins the container's cgroups (and cgroup namespace)" "memory:/$|^0::/$" \
    "$(nrc exec nrt-d1 -- cat /proc/self/cgroup)"
nrc exec nrt-d1 -- sleep 3 &
ep=$!
CTR_PIDS+=("$ep")
wait_for "the exec'd sleep" 50 pgrep_p "$ep"
check "an exec'd process is in the container's cgroup, seen from the host" \
    grep -qx "$(pgrep_p "$ep" | head -n 1)" "$(dirname "$(cg_file nrt-d1 pids.max)")/cgroup.procs"
kill "$ep" 2>/dev/null
wait "$ep" 2>/dev/null
check_match "exec has Docker's capabilities" "CapEff:.00000000a80425fb" \
    "$(nrc exec nrt-d1 -- grep CapEff /proc/self/status)"
check_match "exec is in the container's network" "inet 172\.30\.0\.[0-9]+/16" \
    "$(nrc exec nrt-d1 -- ip -4 addr show eth0)"
nrc exec nrt-d1 -- sh -c 'exit 4'
check_eq "exec returns the command's status" 4 "$?"
out=$(nrc run -d --rootfs "$ROOTFS" --name nrt-d1 -- true 2>&1)
check_eq "a second container of a running name: 125" 125 "$?"
check_match "saying so" "nrt-d1.*is running" "$out"
start=$(date +%s%N)
check_eq "stop ends it" "nrt-d1" "$(nrc stop nrt-d1 --time 5)"
check "within the grace time (its trap exits at once)" test $(( ($(date +%s%N) - start) / 1000000 )) -lt 4000
check_match "ps shows it exited with the workload's status" "^nrt-d1 +exited\(5\)" "$(nrc ps)"
check_match "the log has its output" "started.*bye" "$(tr '\n' ' ' <"$T/netrun/nrt-d1/log")"
check_eq "netrun logs prints it" "started bye " "$(nrc logs nrt-d1 | tr '\n' ' ')"
check_eq "netd forgot it" "" "$(netctl ls -q)"
check_eq "its cgroups are gone" "" "$(cgroups_left)"
nrc exec nrt-d1 -- true 2>/dev/null
check_eq "exec into an exited container: 125" 125 "$?"
nrc run -d --rootfs "$ROOTFS" --name nrt-d2 --network none -- sh -c 'trap "" TERM; while true; do sleep 0.1; done' >/dev/null
sup=$(cat "$T/netrun/nrt-d2/supervisor" 2>/dev/null)
[ -n "$sup" ] && CTR_PIDS+=("$sup")
start=$(date +%s%N)
nrc stop nrt-d2 --time 1 >/dev/null
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "stop --time 1 kills a container that ignores SIGTERM (${ms} ms)" test "$ms" -ge 1000 -a "$ms" -lt 3000
check_match "it exited 137" "^nrt-d2 +exited\(137\)" "$(nrc ps)"
check "rm forgets it" nrc rm nrt-d2
check "and the first" nrc rm nrt-d1
check_eq "ps lists nothing" "" "$(nrc ps | tail -n +2)"
out=$(nrc run -d --rootfs "$ROOTFS" --name nrt-d3 -w /nonexistent -- true 2>&1)
check_eq "run -d with a setup error: 125" 125 "$?"
check_match "with the reason on the terminal" "workdir /nonexistent" "$out"
check_eq "and no state left" "" "$(ls "$T/netrun")"

# ---- netrun SIGKILLed: the container goes with it, the next run of its name cleans up -----------
gone() { [ ! -e "/proc/$1" ] || grep -q ') Z' "/proc/$1/stat" 2>/dev/null; }
bg_start "$T/k9.out" --name nrt-k9 -- sleep 30
kill -KILL "$BG_PID"
wait "$BG_PID" 2>/dev/null
check "netrun SIGKILLed: its container's init dies with it" wait_for "init to die" 50 gone "${BG_INIT:-1}"
check "netd forgets the endpoint (its netns is gone)" \
    wait_for "netd to forget nrt-k9" 100 sh -c "! '$NETCTL_BIN' --socket '$T/run/netd.sock' ls -q | grep -q nrt-k9"
nr --name nrt-k9 -- true
check_eq "the next run of that name works (stale cgroups and state replaced)" 0 "$?"
check_eq "and leaves no cgroup" "" "$(cgroups_left)"

# ---- nothing left behind --------------------------------------------------------------------------
check_eq "no cgroup left" "" "$(cgroups_left)"
check_eq "no mount of the rootfs left" 0 "$(grep -c " $ROOTFS" /proc/self/mountinfo)"
check_eq "no veth left" 0 "$(count_host_veths)"
check_eq "no endpoint left in netd" "" "$(netctl ls -q)"
check_eq "no netrun state left" "" "$(ls -A "$T/netrun")"
check_eq "no endpoint state left" 0 "$(find "$T/state" -path '*endpoint*' -type f 2>/dev/null | wc -l)"
finish
