#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_netrun.sh - netrun runs busybox containers as the seeds describe them: PID 1 inside and
# another pid outside, only its own processes, its own host name, the host's kernel, exit
# statuses and signals passed through, zombies reaped, memory, CPU and pids limits in cgroups
# (v1 or v2, whichever the host has), Docker's capabilities, a published port through netd,
# --network none, a clear error without netd, stats, logs --follow, --userns with --layer, pods'
# cgroups, and nothing left behind
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
nrl() { "$NETRUN" --socket "$T/run/netd.sock" --run-dir "$T/netrun" run "$@"; } # no --rootfs

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
    [ "$(stat -c %i /sys/fs/cgroup/cpuacct/ 2>/dev/null)" != "$(stat -c %i /sys/fs/cgroup/cpu/ 2>/dev/null)" ] &&
        CG_PARENTS+=(/sys/fs/cgroup/cpuacct/netrun)
fi
# cg_pod_dir POD [NAME]: a pod's cgroup (or its container's) in the pids hierarchy (v1) or v2's
cg_pod_dir() {
    if [ "$CG_V2" = 1 ]; then
        echo "/sys/fs/cgroup/netrun/.pods/$1${2:+/$2}"
    else
        echo "/sys/fs/cgroup/pids/netrun/.pods/$1${2:+/$2}"
    fi
}
echo "# cgroup v2: $CG_V2"
cgroups_left() { # names of our test containers (and pods) still having a cgroup
    local p
    for p in "${CG_PARENTS[@]}"; do
        [ -d "$p" ] && ls "$p" | grep '^nrt-'
        [ -d "$p/.pods" ] && ls "$p/.pods" | grep '^nrt-'
    done
    return 0
}
# whatever happens, no cgroup of ours stays on the host: empty ones, by our names, deepest first
cgroups_clean() {
    local d
    for d in $(find /sys/fs/cgroup -maxdepth 6 -path '*/netrun/*' -type d -name 'nrt-*' 2>/dev/null | sort -r) \
        $(find /sys/fs/cgroup -maxdepth 6 -path '*/netrun/.pods/*' -type d -name .pause 2>/dev/null); do
        rmdir "$d" 2>/dev/null
    done
    for d in /sys/fs/cgroup/*/netrun/.pods/nrt-* /sys/fs/cgroup/netrun/.pods/nrt-*; do
        [ -d "$d" ] && rmdir "$d" 2>/dev/null
    done
    # netrun's own parents: sandbox_cleanup (lib.sh), if this test made them
    return 0
}
netrun_cleanup() {
    local rc=$? p
    for p in "${CTR_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${CTR_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    cgroups_clean
    (exit "$rc")
    sandbox_cleanup # keeps rc: prints netd's log on a failure, exits with it
}
trap netrun_cleanup EXIT
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
gone() { [ ! -e "/proc/$1" ] || grep -q ') Z' "/proc/$1/stat" 2>/dev/null; }
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

# ---- the documentation and the completion know every option ------------------------------------
opts=$("$NETRUN" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
check "netrun --help lists options ($(wc -w <<<"$opts"))" test -n "$opts"
missing=""
for opt in $opts; do
    man_opt=${opt//-/\\-}
    grep -qF -- "$opt" "$NETD_SRCDIR/docs/netrun.md" && grep -qF -- "$man_opt" "$NETD_SRCDIR/docs/man/netrun.1" &&
        grep -qF -- "$opt" "$NETD_SRCDIR/examples/completion/netrun.bash" || missing+=" $opt"
done
check_eq "each is in docs/netrun.md, docs/man/netrun.1 and the bash completion" "" "$missing"

# ---- netd not running: a clear error, exit 125, nothing created ------------------------------
out=$(nr --name nrt-nonetd -- true 2>&1)
check_eq "netd not running: exit 125" 125 "$?"
check_match "with a clear message" "cannot reach netd at '.*': is it running" "$out"
check_eq "and no cgroup" "" "$(cgroups_left)"
# --network none needs no netd
out=$(nr --name nrt-none0 --network none -- ip -o link show 2>&1)
check_match "--network none runs without netd" "^1: lo: <LOOPBACK,UP" "$out"

# --network host: netrun's own network namespace, no netd
check_eq "--network host runs without netd, in the sandbox's network namespace" \
    "$(readlink /proc/self/ns/net)" "$(nr --name nrt-host0 --network host -- readlink /proc/self/ns/net 2>&1)"
check_eq "and sees its interfaces" "$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" \
    "$(nr --name nrt-host1 --network host -- ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
check_eq "while pid and uts namespaces are still its own" "netrun-init nrt-host2" \
    "$(nr --name nrt-host2 --network host -- sh -c 'echo $(cat /proc/1/comm) $(hostname)')"
"$NETRUN" --run-dir "$T/netrun" run -d --rootfs "$ROOTFS" --name nrt-hostd --network host -- sleep 30 >/dev/null
sup=$(cat "$T/netrun/nrt-hostd/supervisor" 2>/dev/null)
[ -n "$sup" ] && CTR_PIDS+=("$sup")
check_eq "exec into a --network host container" "$(readlink /proc/self/ns/net) nrt-hostd" \
    "$("$NETRUN" --run-dir "$T/netrun" exec nrt-hostd -- sh -c 'echo $(readlink /proc/self/ns/net) $(hostname)' 2>&1)"
"$NETRUN" --run-dir "$T/netrun" stop nrt-hostd --time 1 >/dev/null
"$NETRUN" --run-dir "$T/netrun" rm nrt-hostd
out=$(nr --name nrt-host3 --network host -p 8080:80 -- true 2>&1)
check_eq "--network host with -p: 125" 125 "$?"
check_match "saying why" "network host" "$out"

netd_start

# ---- PID 1 inside, another pid outside, only the container's processes -----------------------
check_eq "the workload's parent inside is PID 1, netrun's init" "1 netrun-init" \
    "$(nr --name nrt-pid -- sh -c 'echo $PPID $(cat /proc/1/comm)')"
out=$(nr --name nrt-ps -- ps)
check_eq "ps inside lists the container's processes only (init and ps)" "1 2" \
    "$(printf '%s\n' "$out" | awk 'NR > 1 {print $1}' | tr '\n' ' ' | sed 's/ $//')"
bg_start "$T/pid.out" --name nrt-pidout -- sleep 30
check "the container's init has a pid outside" test -n "$BG_INIT"
check_eq "netrun maps no libcurl (it speaks HTTP to netd itself)" 0 "$(grep -c libcurl "/proc/$BG_PID/maps" 2>&1)"
check "and it is not 1 there" test "${BG_INIT:-1}" != 1
init_cmdline() { tr '\0' ' ' <"/proc/${BG_INIT:-1}/cmdline" | sed 's/ *$//'; }
init_blanked() { [ "$(init_cmdline)" = netrun-init ]; }
wait_for "init to blank its command line" 50 init_blanked
check_eq "the init's command line shows nothing of netrun's (host paths, the socket)" \
    netrun-init "$(init_cmdline)"
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
check_match "capabilities: Docker's default set less CAP_MKNOD (as Podman's)" "CapEff: 00000000a00425fb" "$caps"
# no devices cgroup here: no device node may be made, and none in the rootfs opens a device
out=$(nr --name nrt-mknod -- sh -c 'mknod /tmp/sda b 8 0 && echo made' 2>&1)
check_fails "container root cannot mknod a block device" grep -qx made <<<"$out"
mknod "$ROOTFS/hostzero" c 1 5
out=$(nr --name nrt-nodev -- sh -c 'head -c 4 /hostzero | wc -c' 2>&1)
check_eq "a device node shipped in the root file system does not open (nodev)" 0 "$(tail -1 <<<"$out")"
check_eq "/dev's own nodes work" 4 "$(nr --name nrt-devzero -- sh -c 'head -c 4 /dev/zero | wc -c')"
rm -f "$ROOTFS/hostzero"
check_match "in the bounding set too" "CapBnd: 00000000a00425fb" "$caps"
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

# ---- masked /proc and /sys paths, --read-only -------------------------------------------------
masks=$(nr --name nrt-mask -- sh -c 'for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do [ -e $f ] && echo "$f $(stat -c %F $f) $(wc -c <$f)"; done; for d in /proc/acpi /proc/scsi /sys/firmware; do [ -d $d ] && echo "$d $(ls -A $d | wc -l)"; done; grep -E " /proc/(sys|sysrq-trigger|irq|bus) " /proc/mounts | cut -d" " -f2,4 | cut -d, -f1')
for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
    [ -e "$f" ] || continue
    check_match "$f is masked: /dev/null, nothing to read" "^$f character special file 0$" "$masks"
done
for d in /proc/acpi /proc/scsi /sys/firmware; do
    [ -d "$d" ] || continue
    check_match "$d is masked: an empty directory" "^$d 0$" "$masks"
done
for p in /proc/sys /proc/sysrq-trigger /proc/irq /proc/bus; do
    [ -e "$p" ] || continue
    check_match "$p is read-only" "^$p ro$" "$masks"
done
check_fails "writing /proc/sys fails even for root" nr --name nrt-psys -- sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
check_fails "the mask cannot be unmounted (no CAP_SYS_ADMIN)" nr --name nrt-umask -- umount /proc/kcore
check_fails "--read-only: the root cannot be written" nr --name nrt-ro --read-only -- touch /ro-test
check "and nothing was written" test ! -e "$ROOTFS/ro-test"
check_eq "--read-only: /dev/shm is still writable" "ok" \
    "$(nr --name nrt-ro2 --read-only -- sh -c 'echo ok >/dev/shm/x && cat /dev/shm/x')"
nr --name nrt-rw -- touch /rw-test
check "without --read-only the root is writable" test -e "$ROOTFS/rw-test"
rm -f "$ROOTFS/rw-test"

# ---- --user ---------------------------------------------------------------------------------------
check_eq "--user 1000:1001: the workload's uid, gid and groups (no supplementary ones)" "1000 1001 1001" \
    "$(nr --name nrt-user -u 1000:1001 -- sh -c 'echo $(id -u) $(id -g) $(id -G)')"
check_eq "--user 1000: gid 0, as docker run" "1000 0" "$(nr --name nrt-user2 --user 1000 -- sh -c 'echo $(id -u) $(id -g)')"
out=$(nr --name nrt-user3 --user 1000:1000 -- sh -c 'grep -E "^(Uid|CapEff|CapBnd)" /proc/self/status; grep ^Uid /proc/1/status' | tr -s '\t ' ' ')
check_match "as a user, no effective capabilities" "CapEff: 0000000000000000" "$out"
check_match "the bounding set stays the container's" "CapBnd: 00000000a00425fb" "$out"
check_match "real, effective, saved and fs uids are all 1000" "^Uid: 1000 1000 1000 1000" "$out"
check_match "init stays root to set up and supervise" "Uid: 0 0 0 0" "$(printf '%s\n' "$out" | tail -n 1)"
check_fails "a user cannot write root's directories" nr --name nrt-user4 --user 1000 -- touch /user-test
out=$(nr --name nrt-user5 --user root -- true 2>&1)
check_eq "--user root (a name): usage error 125" 125 "$?"
check_match "saying what is expected" "--user 'root': UID\[:GID\]" "$out"
bg_start "$T/user.out" --name nrt-user6 --user 1234:1234 -- sleep 30
check_eq "seen from the host, the workload runs as 1234" "1234" \
    "$(awk '/^Uid:/ {print $2}' "/proc/$(pgrep_p "${BG_INIT:-1}" | head -n 1)/status" 2>/dev/null)"
bg_stop TERM

# ---- --layer: overlayfs over read-only layers ------------------------------------------------------
L2="$T/layer2"
mkdir -p "$L2/etc" "$L2/www"
echo "from layer2" >"$L2/etc/motd"
echo "layer2 page" >"$L2/www/index.html"
snap() { # every name, type, size, mode, time and content of the layers
    find "$@" -printf '%p %y %U:%G %s %m %T@\n' | sort
    find "$@" -type f -exec md5sum {} + | sort
}
snap_before=$(snap "$ROOTFS" "$L2")
check_eq "--layer: later layers on top of earlier ones" "layer2 page|from layer2|busybox" \
    "$(nrl --name nrt-l1 --layer "$ROOTFS" --layer "$L2" -- sh -c 'cat /www/index.html /etc/motd; ls /bin/busybox | cut -d/ -f3' | tr '\n' '|' | sed 's/|$//')"
check_eq "writes inside go to the container's upper layer" "changed|new|gone|0" \
    "$(nrl --name nrt-l2 --layer "$ROOTFS" --layer "$L2" -- sh -c 'echo changed >/www/index.html; echo new >/newfile; rm /etc/motd /bin/true; mkdir /newdir; chmod 700 /tmp; cat /www/index.html /newfile; [ -e /etc/motd ] || echo gone; ls /bin | grep -cx true' | tr '\n' '|' | sed 's/|$//')"
check_eq "the layers are not modified (names, sizes, modes, times, contents)" "$snap_before" "$(snap "$ROOTFS" "$L2")"
check "and still hold their files" grep -qx "from layer2" "$L2/etc/motd"
check_eq "a new container starts from the layers again" "layer2 page|from layer2" \
    "$(nrl --name nrt-l2 --layer "$ROOTFS" --layer "$L2" -- cat /www/index.html /etc/motd | tr '\n' '|' | sed 's/|$//')"
check_eq "the upper layer went with the container" "" "$(ls "$T/netrun")"
check_eq "no overlay is mounted on the host" 0 "$(grep -c ' overlay ' /proc/self/mountinfo)"
nrl --name nrt-keep --layer "$ROOTFS" --keep -- sh -c 'echo kept >/kept'
check_eq "--keep: the upper layer stays with the container's changes" "kept" "$(cat "$T/netrun/nrt-keep/upper/kept" 2>&1)"
check_eq "but not the work directory nor the mount point" "upper" "$(cd "$T/netrun/nrt-keep" 2>/dev/null && for d in upper work rootfs; do [ -e "$d" ] && echo "$d"; done)"
check_match "ps lists it exited" "^nrt-keep +exited\(0\)" "$("$NETRUN" --run-dir "$T/netrun" ps)"
check "rm removes it" "$NETRUN" --run-dir "$T/netrun" rm nrt-keep
check_eq "with its upper layer" "" "$(ls "$T/netrun")"
check_eq "--layer with --read-only: nothing can be written" "1" \
    "$(nrl --name nrt-lro --layer "$ROOTFS" --read-only -- sh -c 'touch /x 2>/dev/null; echo $?')"
out=$(nrl --name nrt-lbad --layer relative -- true 2>&1)
check_eq "--layer with a relative path: 125" 125 "$?"
check_match "saying so" "--layer 'relative': an absolute path" "$out"
out=$("$NETRUN" --run-dir "$T/netrun" run --name nrt-lbad --rootfs "$ROOTFS" --layer "$L2" -- true 2>&1)
check_eq "--rootfs and --layer together: 125" 125 "$?"
out=$(nr --name nrt-lbad --keep -- true 2>&1)
check_eq "--keep without --layer: 125" 125 "$?"
check_eq "and no state left by them" "" "$(ls "$T/netrun")"

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
if [ "$CG_V2" = 0 ]; then
    # it moved itself there (tasks), in every v1 hierarchy netrun uses, cpuacct too (for stats)
    check_eq "in each v1 hierarchy: memory, cpu, cpuacct, pids" "cpu,cpuacct,memory,pids" \
        "$(awk -F: '$3 == "/netrun/nrt-lim" {print $2}' "/proc/${BG_INIT:-0}/cgroup" | tr ',' '\n' | sort | tr '\n' ',' | sed 's/,$//')"
fi
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
bg_start "$T/host.out" --name nrt-host --network host -- sh -c 'httpd -f -p 127.0.0.1:8090 -h /www'
wait_for "httpd on the sandbox's loopback" 50 curl -s -m 1 -o /dev/null http://127.0.0.1:8090/
check_eq "--network host: a server inside answers on the host's loopback" "hello from netrun" \
    "$(curl -s -m 3 http://127.0.0.1:8090/)"
check_eq "and netd knows nothing of it" "" "$(netctl ls -q)"
bg_stop TERM
check_eq "it ends by SIGTERM: 143" 143 "$BG_RC"
check_fails "and its port is closed" curl -s -m 2 http://127.0.0.1:8090/
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
check_match "exec has the container's capabilities" "CapEff:.00000000a00425fb" \
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
nrc run -d --rootfs "$ROOTFS" --name nrt-du --network none --user 1000:1000 -- sleep 30 >/dev/null
sup=$(cat "$T/netrun/nrt-du/supervisor" 2>/dev/null)
[ -n "$sup" ] && CTR_PIDS+=("$sup")
check_eq "exec runs as the container's --user" "1000 1000" "$(nrc exec nrt-du -- sh -c 'echo $(id -u) $(id -g)')"
nrc stop nrt-du --time 1 >/dev/null
check "rm forgets it (with its user)" nrc rm nrt-du
nrc run -d --layer "$ROOTFS" --name nrt-dl --network none -- sh -c 'echo hi >/written; sleep 30' >/dev/null
sup=$(cat "$T/netrun/nrt-dl/supervisor" 2>/dev/null)
[ -n "$sup" ] && CTR_PIDS+=("$sup")
wait_for "the detached container's write" 50 test -e "$T/netrun/nrt-dl/upper/written"
check_eq "exec sees the container's overlay" "hi" "$(nrc exec nrt-dl -- cat /written)"
nrc stop nrt-dl --time 1 >/dev/null
check_eq "a detached container's upper layer goes when it ends" "" \
    "$(cd "$T/netrun/nrt-dl" 2>/dev/null && for d in upper work rootfs; do [ -e "$d" ] && echo "$d"; done)"
check "the layer was not written" test ! -e "$ROOTFS/written"
check "rm forgets it" nrc rm nrt-dl
out=$(nrc run -d --rootfs "$ROOTFS" --name nrt-d3 -w /nonexistent -- true 2>&1)
check_eq "run -d with a setup error: 125" 125 "$?"
check_match "with the reason on the terminal" "workdir /nonexistent" "$out"
check_eq "and no state left" "" "$(ls "$T/netrun")"

# ---- stats, logs --follow ------------------------------------------------------------------------
jnum() { # jnum KEY PATH...: a number from `stats --json` on stdin: jnum memory usage
    local obj=$1 key=$2
    sed -n "s/.*\"$obj\":{[^}]*\"$key\":\([0-9.e+-]*\|null\).*/\1/p"
}
nrc run -d --rootfs "$ROOTFS" --name nrt-st -p 8086:80 --memory 64m --pids-limit 50 -- \
    sh -c 'httpd -p 80 -h /www; while [ ! -e /tmp/busy ]; do sleep 0.1; done; while :; do :; done' >/dev/null
sup=$(cat "$T/netrun/nrt-st/supervisor" 2>/dev/null)
[ -n "$sup" ] && CTR_PIDS+=("$sup")
wait_for "httpd in the stats container" 50 curl -s -m 1 -o /dev/null http://172.30.0.1:8086/
s1=$(nrc stats nrt-st --json --no-stream)
check_match "stats --json: one object, the container's" '^\{"name":"nrt-st","cgroup":"v[12]"' "$s1"
check_eq "its memory limit" 67108864 "$(jnum memory limit <<<"$s1")"
check_eq "its pids limit" 50 "$(jnum pids limit <<<"$s1")"
check "pids current counts init, sh, httpd ($(jnum pids current <<<"$s1"))" \
    test "$(jnum pids current <<<"$s1")" -ge 3
cpu1=$(jnum cpu percent <<<"$s1")
check "an idle container uses little CPU (${cpu1}%)" awk -v c="$cpu1" 'BEGIN { exit !(c != "null" && c < 30) }'
nrc exec nrt-st -- sh -c 'head -c 24m /dev/zero >/dev/shm/fill; touch /tmp/busy'
rx1=$(jnum network rx_bytes <<<"$s1")
curl -s -m 3 -o /dev/null http://172.30.0.1:8086/
sleep 0.5
s2=$(nrc stats nrt-st --json --no-stream)
cpu2=$(jnum cpu percent <<<"$s2")
check "a busy loop raises CPU % (${cpu1}% -> ${cpu2}%, a 0.5 s sample)" \
    awk -v a="$cpu1" -v b="$cpu2" 'BEGIN { exit !(b != "null" && b > 40 && b > a + 20) }'
check "and the cumulative CPU time ($(jnum cpu usage_ns <<<"$s1") -> $(jnum cpu usage_ns <<<"$s2") ns)" \
    test "$(jnum cpu usage_ns <<<"$s2")" -gt "$(jnum cpu usage_ns <<<"$s1")"
m1=$(jnum memory usage <<<"$s1") m2=$(jnum memory usage <<<"$s2")
check "a 24 MiB allocation raises memory usage by about as much ($m1 -> $m2)" \
    test $((m2 - m1)) -ge $((20 * 1024 * 1024)) -a $((m2 - m1)) -le $((40 * 1024 * 1024))
check "eth0's received bytes move with a request ($rx1 -> $(jnum network rx_bytes <<<"$s2"))" \
    test "$(jnum network rx_bytes <<<"$s2")" -gt "${rx1:-0}"
check "and its sent bytes are counted" test "$(jnum network tx_bytes <<<"$s2")" -gt 0
out=$(nrc stats nrt-st --no-stream)
check_match "stats prints a table: header" "^NAME +CPU % +CPU TIME +MEM USAGE / LIMIT +MEM % +NET I/O +PIDS" "$out"
check_match "and the container's row (memory of 64MiB, pids of 50)" "^nrt-st +[0-9.]+% +[0-9.]+s +[0-9.]+[KMG]iB / 64MiB +[0-9.]+% +[0-9.]+k?B / [0-9.]+k?B +[0-9]+ / 50$" \
    "$(printf '%s\n' "$out" | tail -n 1)"
# without --no-stream, as docker stats: a sample a second until the container stops
out=$(timeout 10 "$NETRUN" --socket "$T/run/netd.sock" --run-dir "$T/netrun" stats nrt-st --json | head -n 3)
check_eq "stats streams: a line a sample" 3 "$(grep -c '^{"name":"nrt-st"' <<<"$out")"
check_eq "the first sample 0.5 s, the next a second" "500 1000 1000" \
    "$(sed -n 's/.*"sample_ms":\([0-9]*\).*/\1/p' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
check "the cumulative CPU time grows from line to line" \
    test "$(sed -n 3p <<<"$out" | jnum cpu usage_ns)" -gt "$(sed -n 1p <<<"$out" | jnum cpu usage_ns)"
nrc run -d --rootfs "$ROOTFS" --name nrt-st2 --network none -- sleep 2 >/dev/null
sup=$(cat "$T/netrun/nrt-st2/supervisor" 2>/dev/null)
[ -n "$sup" ] && CTR_PIDS+=("$sup")
out=$(timeout 15 "$NETRUN" --run-dir "$T/netrun" stats nrt-st2)
check_eq "a stream ends, with 0, when its container has stopped" 0 "$?"
check "after a table or two, each with the container's row" \
    test "$(grep -c '^nrt-st2 ' <<<"$out")" -ge 1 -a "$(grep -c '^NAME ' <<<"$out")" = "$(grep -c '^nrt-st2 ' <<<"$out")"
check "not a terminal: no screen clearing" test "$(grep -c $'\033' <<<"$out")" = 0
nrc rm nrt-st2 >/dev/null 2>&1
complete_words() { # complete_words WORD...: what _netrun offers for the last word
    (
        complete() { :; }
        # shellcheck source=/dev/null
        . "$NETD_SRCDIR/examples/completion/netrun.bash"
        COMP_WORDS=(netrun --run-dir "$T/netrun" "$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _netrun
        printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
    )
}
check_eq "completion: commands" "stats stop " "$(complete_words st)"
check_eq "completion: a running container's name for stats" "nrt-st " "$(complete_words stats nrt-s)"
check_eq "completion: stats' options" "--json " "$(complete_words stats --j)"
check_eq "completion: logs --follow" "--follow " "$(complete_words logs nrt-st --fo)"
check_eq "completion: run's options" "--user --userns " "$(complete_words run --use)"
check_eq "completion: pod subcommands" "create rm " "$(complete_words pod "")"
check_eq "completion: pod create's options" "--memory " "$(complete_words pod create p1 --mem)"
nrc stop nrt-st --time 1 >/dev/null
nrc stats nrt-st --no-stream >/dev/null 2>&1
check_eq "stats of a container that is not running: 1" 1 "$?"
nrc rm nrt-st
nrc run -d --rootfs "$ROOTFS" --name nrt-lf --network none -- \
    sh -c 'echo first; while [ ! -e /tmp/end ]; do sleep 0.1; done; echo last >&2; exit 3' >/dev/null
sup=$(cat "$T/netrun/nrt-lf/supervisor" 2>/dev/null)
[ -n "$sup" ] && CTR_PIDS+=("$sup")
nrc logs nrt-lf --follow >"$T/lf.out" 2>&1 &
lfp=$!
CTR_PIDS+=("$lfp")
wait_for "logs --follow to print the first line" 50 grep -q first "$T/lf.out"
check "logs --follow goes on while the container runs" kill -0 "$lfp"
nrc exec nrt-lf -- touch /tmp/end
wait_for "logs --follow to end with the container" 50 gone "$lfp"
check_eq "it printed what came later too, and ended" "first last " "$(tr '\n' ' ' <"$T/lf.out")"
kill "$lfp" 2>/dev/null
wait "$lfp"
check_eq "with status 0" 0 "$?"
check_eq "logs -f of an ended container prints its log and returns" "first last " \
    "$(timeout 5 "$NETRUN" --run-dir "$T/netrun" logs -f nrt-lf 2>&1 | tr '\n' ' ')"
nrc rm nrt-lf

# ---- pods: a pause holds net, ipc and uts; the pod's containers share them ------------------------
out=$(nrc pod create nrt-pod -p 8083:80 --memory 96m --pids-limit 40)
check_eq "pod create prints the name and returns 0" "nrt-pod 0" "$out $?"
pause=$(cat "$T/netrun/.pods/nrt-pod/supervisor" 2>/dev/null)
[ -n "$pause" ] && CTR_PIDS+=("$pause")
check_eq "its pause runs" "netrun-pause" "$(cat "/proc/${pause:-0}/comm" 2>&1)"
check "in pid, net, ipc and uts namespaces of its own" sh -c "for ns in pid net ipc uts; do [ \"\$(readlink /proc/${pause:-self}/ns/\$ns)\" != \"\$(readlink /proc/self/ns/\$ns)\" ] || exit 1; done"
check_eq "as PID 1 there" "1" "$(awk '/^NSpid:/ {print $NF}' "/proc/${pause:-0}/status" 2>&1)"
check_eq "netd attached the pod" "nrt-pod" "$(netctl ls -q)"
check "the pod has a cgroup of its own, as Kubernetes' pod cgroup" test -d "$(cg_pod_dir nrt-pod)"
check_eq "with the pod's limit" 40 "$(cat "$(cg_pod_dir nrt-pod)/pids.max" 2>&1)"
check "the pause is in it (in a leaf of its own)" grep -qx "${pause:-none}" "$(cg_pod_dir nrt-pod .pause)/cgroup.procs"
nrc run -d --rootfs "$ROOTFS" --name nrt-pa --pod nrt-pod -- httpd -f -p 80 -h /www >/dev/null
sup=$(cat "$T/netrun/nrt-pa/supervisor" 2>/dev/null)
[ -n "$sup" ] && CTR_PIDS+=("$sup")
pa_init=$(cat "$T/netrun/nrt-pa/init" 2>/dev/null)
ns_of() { readlink "/proc/${1:-0}/ns/$2" 2>/dev/null || echo "none-$1-$2"; } # ns_of PID NS
for ns in net ipc uts; do
    check "a container of the pod is in the pod's $ns namespace" \
        test "$(ns_of "$pa_init" "$ns")" = "$(ns_of "$pause" "$ns")"
done
for ns in pid mnt; do
    check "but in a $ns namespace of its own" \
        test "$(ns_of "$pa_init" "$ns")" != "$(ns_of "$pause" "$ns")"
done
check "a pod's container's cgroup is below the pod's" grep -qx "${pa_init:-none}" "$(cg_pod_dir nrt-pod nrt-pa)/cgroup.procs"
check_eq "so the pod's limits hold it: stats shows the pod's memory limit" 100663296 \
    "$(nrc stats nrt-pa --json --no-stream | jnum memory limit)"
wait_for "httpd in the pod" 50 nr --name nrt-pwait --pod nrt-pod -- wget -q -O /dev/null http://127.0.0.1:80/
check_eq "another container of the pod reaches it on localhost" "hello from netrun" \
    "$(nr --name nrt-pb --pod nrt-pod -- wget -q -O - http://127.0.0.1:80/)"
check_eq "the pod's host name is the containers'" "nrt-pod nrt-pod" \
    "$(nr --name nrt-pc --pod nrt-pod -- sh -c 'echo $(hostname) $HOSTNAME')"
wait_for "the pod's published port" 50 curl -s -m 1 -o /dev/null http://172.30.0.1:8083/
check_eq "the pod's published port reaches the container" "hello from netrun" "$(curl -s -m 3 http://172.30.0.1:8083/)"
check_eq "netd has only the pod's endpoint" "nrt-pod" "$(netctl ls -q)"
check_match "exec into a pod's container is in the pod's network" "inet 172\.30\.0\.[0-9]+/16" \
    "$(nrc exec nrt-pa -- ip -4 addr show eth0)"
out=$(nrc pod rm nrt-pod 2>&1)
check_eq "pod rm refuses while a container runs in it" 1 "$?"
check_match "saying which" "nrt-pa" "$out"
out=$(nr --name nrt-pd --pod nrt-pod -p 8084:80 -- true 2>&1)
check_eq "--pod with -p: 125 (the pod has the ports)" 125 "$?"
out=$(nr --name nrt-pd --pod nosuchpod -- true 2>&1)
check_eq "--pod of no pod: 125" 125 "$?"
check_match "saying so" "no such pod" "$out"
out=$(nrc pod create nrt-pod 2>&1)
check_eq "a second pod of a running pod's name: 125" 125 "$?"
nrc stop nrt-pa --time 2 >/dev/null
nrc rm nrt-pa
check_eq "pod rm ends it" "nrt-pod 0" "$(nrc pod rm nrt-pod) $?"
check "its pause is gone" wait_for "the pause to go" 50 gone "${pause:-1}"
check "and its cgroups" test ! -e "$(cg_pod_dir nrt-pod)"
check_eq "netd forgot the pod" "" "$(netctl ls -q)"
check_fails "its port is unpublished" curl -s -m 2 http://172.30.0.1:8083/
check_eq "no veth left" 0 "$(count_host_veths)"
nrc pod create nrt-pod2 --network none >/dev/null
pause=$(cat "$T/netrun/.pods/nrt-pod2/supervisor" 2>/dev/null)
[ -n "$pause" ] && CTR_PIDS+=("$pause")
out=$(nr --name nrt-pe --pod nrt-pod2 -- ip -o link show)
check_match "a pod with --network none: its containers have lo, up" "^1: lo: <LOOPBACK,UP" "$out"
check_eq "and nothing else" 1 "$(printf '%s\n' "$out" | wc -l)"
check_eq "netd knows nothing of it" "" "$(netctl ls -q)"
check "pod rm ends it" nrc pod rm nrt-pod2
check "its pause is gone" wait_for "the pause to go" 50 gone "${pause:-1}"
check_eq "no pod state left" "" "$(ls -A "$T/netrun")"
check_fails "pod rm of no pod fails" nrc pod rm nrt-pod2
# a pod whose pause is killed behind netrun's back: its name can be used again
nrc pod create nrt-pod3 --network none >/dev/null
pause=$(cat "$T/netrun/.pods/nrt-pod3/supervisor" 2>/dev/null)
kill -TERM "${pause:-1}"
wait_for "the killed pause to go" 50 gone "${pause:-1}"
check_eq "a pod whose pause was killed can be made again under its name" "nrt-pod3 0" \
    "$(nrc pod create nrt-pod3 --network none 2>&1) $?"
pause=$(cat "$T/netrun/.pods/nrt-pod3/supervisor" 2>/dev/null)
[ -n "$pause" ] && CTR_PIDS+=("$pause")
kill -TERM "${pause:-1}"
wait_for "the killed pause to go" 50 gone "${pause:-1}"
check_eq "pod rm of a pod whose pause was killed cleans up" "nrt-pod3 0" "$(nrc pod rm nrt-pod3 2>&1) $?"
check "and leaves no cgroup" test ! -e "$(cg_pod_dir nrt-pod3)"

# ---- --userns: container root is an unprivileged host uid --------------------------------------------
out=$(nr --name nrt-uns --userns -- sh -c 'echo $(id -u) $(id -g); cat /proc/self/uid_map /proc/self/gid_map' | tr -s ' \n' ' ')
check_eq "--userns: root inside, uid and gid 0 mapped to 100000-165535" "0 0 0 100000 65536 0 100000 65536 " "$out"
bg_start "$T/uns.out" --name nrt-uns2 --userns -p 8085:80 -- httpd -f -p 80 -h /www
uns_w=$(pgrep_p "${BG_INIT:-1}" | head -n 1)
check_eq "seen from the host, the container's root is uid 100000" "100000 100000" \
    "$(awk '/^Uid:/ {u=$2} /^Gid:/ {g=$2} END {print u, g}' "/proc/${uns_w:-0}/status" 2>&1)"
check_eq "its init too" "100000" "$(awk '/^Uid:/ {print $2}' "/proc/${BG_INIT:-0}/status" 2>&1)"
check "in a user namespace of its own" test "$(readlink "/proc/${BG_INIT:-self}/ns/user")" != "$(readlink /proc/self/ns/user)"
wait_for "httpd in the user namespace" 50 curl -s -m 1 -o /dev/null http://172.30.0.1:8085/
check_eq "netd networks it: its published port answers" "hello from netrun" "$(curl -s -m 3 http://172.30.0.1:8085/)"
bg_stop TERM
check_eq "it ends by SIGTERM: 143" 143 "$BG_RC"
check_eq "netd forgot it" "" "$(netctl ls -q)"
check_fails "root inside cannot write the host root's files" nr --name nrt-uns3 --userns -- touch /userns-test
check "and nothing was written" test ! -e "$ROOTFS/userns-test"
check_match "nor change the host's kernel settings" "Permission denied|Read-only" \
    "$(nr --name nrt-uns4 --userns -- sh -c 'echo 1 >/proc/sys/kernel/printk' 2>&1)"
bg_start "$T/uns5.out" --name nrt-uns5 --userns --network none --user 1000:1000 -- sleep 30
check_eq "--userns with --user 1000:1000: uid and gid 101000 outside" "101000 101000" \
    "$(awk '/^Uid:/ {u=$2} /^Gid:/ {g=$2} END {print u, g}' "/proc/$(pgrep_p "${BG_INIT:-1}" | head -n 1)/status" 2>&1)"
bg_stop TERM
nrc run -d --rootfs "$ROOTFS" --name nrt-dns --network none --userns -- sleep 30 >/dev/null
sup=$(cat "$T/netrun/nrt-dns/supervisor" 2>/dev/null)
[ -n "$sup" ] && CTR_PIDS+=("$sup")
check_eq "exec enters the container's user namespace, as its root" "0 0 100000 65536" \
    "$(nrc exec nrt-dns -- sh -c 'echo $(id -u) $(cat /proc/self/uid_map)' | tr -s ' ' ' ')"
nrc stop nrt-dns --time 1 >/dev/null
nrc rm nrt-dns
for bad in "--pod nrt-pod" "--network host"; do
    # shellcheck disable=SC2086
    out=$("$NETRUN" --run-dir "$T/netrun" run --name nrt-unsbad --userns $bad -- true 2>&1)
    check_eq "--userns with $bad: 125" 125 "$?"
done
out=$(nr --name nrt-uns6 --userns=200000:1000 --user 999:998 -- sh -c 'echo $(id -u) $(id -g); cat /proc/self/uid_map /proc/self/gid_map' | tr -s ' \n' ' ')
check_eq "--userns=200000:1000: ids 0-999 mapped to 200000-200999 (--user 999:998 inside)" \
    "999 998 0 200000 1000 0 200000 1000 " "$out"
bg_start "$T/uns7.out" --name nrt-uns7 --userns=300000:65536 --network none -- sleep 30
check_eq "seen from the host, its root is uid and gid 300000" "300000 300000" \
    "$(awk '/^Uid:/ {u=$2} /^Gid:/ {g=$2} END {print u, g}' "/proc/$(pgrep_p "${BG_INIT:-1}" | head -n 1)/status" 2>&1)"
bg_stop TERM
for bad in "=0:65536" "=100000" "=100000:0" "=4294901760:65536" "=auto" "=200000:1000 --user 1000"; do
    # shellcheck disable=SC2086
    out=$("$NETRUN" --run-dir "$T/netrun" run --rootfs "$ROOTFS" --name nrt-unsbad --network none --userns$bad -- true 2>&1)
    check_eq "--userns$bad: 125" 125 "$?"
    check_match "saying why" "--userns|--user" "$out"
done
check_eq "and nothing ran: no state" "" "$(ls "$T/netrun")"
check_eq "no cgroup left by --userns containers" "" "$(cgroups_left)"

# ---- --userns with --layer: idmapped layers, the upper layer container root's ---------------------
snap_before=$(snap "$ROOTFS" "$L2")
out=$(nrl --name nrt-ul --layer "$ROOTFS" --layer "$L2" --userns --network none --keep -- \
    sh -c 'echo $(id -u) $(stat -c %u:%g /etc/motd /www/index.html); echo changed >/etc/motd; echo new >/newfile; mkdir /newdir; cat /etc/motd /www/index.html; cat /proc/self/uid_map' | tr -s ' \n' ' ')
check_eq "--userns --layer: root inside owns the layers' files, and can change them" \
    "0 0:0 0:0 changed layer2 page 0 100000 65536 " "$out"
check_eq "what it wrote is 100000's on the host, in the upper layer" \
    "100000:100000 100000:100000 100000:100000" \
    "$(cd "$T/netrun/nrt-ul/upper" 2>/dev/null && stat -c %u:%g newfile etc/motd newdir | tr '\n' ' ' | sed 's/ $//')"
check_eq "the layers are not modified (names, owners, sizes, modes, times, contents)" "$snap_before" "$(snap "$ROOTFS" "$L2")"
check_eq "they are still root's" "0:0 0:0" "$(stat -c %u:%g "$L2/etc/motd" "$ROOTFS/bin/busybox" | tr '\n' ' ' | sed 's/ $//')"
check_eq "nothing of it is mounted on the host (overlay, idmapped layers)" 0 \
    "$(grep -c -e ' overlay ' -e "$T/netrun/nrt-ul" /proc/self/mountinfo)"
check "rm removes it" nrc rm nrt-ul
check_eq "with its upper layer and mount points" "" "$(ls "$T/netrun")"
"$NETRUN" --run-dir "$T/netrun" run -d --layer "$ROOTFS" --name nrt-ul3 --userns --network none -- \
    sh -c 'echo x >/tmp/x; sleep 30' >/dev/null
sup=$(cat "$T/netrun/nrt-ul3/supervisor" 2>/dev/null)
[ -n "$sup" ] && CTR_PIDS+=("$sup")
ul_init=$(cat "$T/netrun/nrt-ul3/init" 2>/dev/null)
check_eq "seen from the host: its uid_map maps root to 100000" "0 100000 65536" \
    "$(tr -s ' ' ' ' <"/proc/${ul_init:-0}/uid_map" 2>&1 | sed 's/^ //')"
check_eq "and its root is uid and gid 100000 there" "100000 100000" \
    "$(awk '/^Uid:/ {u=$2} /^Gid:/ {g=$2} END {print u, g}' "/proc/$(pgrep_p "${ul_init:-1}" | head -n 1)/status" 2>&1)"
wait_for "its write" 50 test -e "$T/netrun/nrt-ul3/upper/tmp/x"
check_eq "its write is 100000's on the host" "100000" "$(stat -c %u "$T/netrun/nrt-ul3/upper/tmp/x" 2>&1)"
check_eq "exec sees the overlay as its root" "x 0" "$(nrc exec nrt-ul3 -- sh -c 'echo $(cat /tmp/x) $(id -u)' 2>&1)"
nrc stop nrt-ul3 --time 1 >/dev/null
nrc rm nrt-ul3
check_eq "and no state left" "" "$(ls "$T/netrun")"
out=$(nrl --name nrt-ul4 --layer "$ROOTFS" --userns=400000:65536 --network none --keep -- \
    sh -c 'echo new >/newfile; echo $(id -u) $(stat -c %u /newfile)' 2>&1)
check_eq "--userns=400000:65536 --layer: root inside owns what it writes" "0 0" "$out"
check_eq "which is 400000's on the host" "400000:400000" "$(stat -c %u:%g "$T/netrun/nrt-ul4/upper/newfile" 2>&1)"
nrc rm nrt-ul4
check_eq "the layers still root's" "0:0" "$(stat -c %u:%g "$ROOTFS/bin/busybox")"

# ---- cgroup v2: on a v1/hybrid host, its unified hierarchy (no controllers) in a mount namespace --
if [ "$CG_V2" = 0 ] && [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
    # v2nr ARGS...: netrun where /sys/fs/cgroup is the v2 hierarchy (so it uses v2)
    v2nr() {
        unshare --mount --propagation private sh -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' \
            sh "$NETRUN" --run-dir "$T/netrun" "$@"
    }
    v2nr run -d --rootfs "$ROOTFS" --name nrt-v2 --network none -- sh -c 'while :; do :; done' >/dev/null
    sup=$(cat "$T/netrun/nrt-v2/supervisor" 2>/dev/null)
    [ -n "$sup" ] && CTR_PIDS+=("$sup")
    v2_init=$(cat "$T/netrun/nrt-v2/init" 2>/dev/null)
    check_eq "cgroup v2: the container is in netrun/NAME there (born in it: clone3 CLONE_INTO_CGROUP)" \
        "0::/netrun/nrt-v2" "$(grep '^0::' "/proc/${v2_init:-0}/cgroup" 2>&1)"
    check "and its workload too" grep -qx "$(pgrep_p "${v2_init:-1}" | head -n 1)" /sys/fs/cgroup/unified/netrun/nrt-v2/cgroup.procs
    out=$(v2nr stats nrt-v2 --json --no-stream)
    check_match "stats reads v2's cpu.stat (the controllers, all v1's here, are not there: null)" \
        '"cgroup":"v2","cpu":\{"usage_ns":[1-9][0-9]*,"percent":[0-9.e+]+,"sample_ms":500\},"memory":\{"usage":null' "$out"
    check "a busy loop is most of a CPU ($(jnum cpu percent <<<"$out")%)" \
        awk -v c="$(jnum cpu percent <<<"$out")" 'BEGIN { exit !(c > 40) }'
    check_eq "exec joins its v2 cgroup (its cgroup namespace's root)" "0::/" "$(v2nr exec nrt-v2 -- grep '^0::' /proc/self/cgroup 2>&1)"
    v2nr stop nrt-v2 --time 1 >/dev/null
    v2nr rm nrt-v2
    check "stop removes its v2 cgroup" test ! -e /sys/fs/cgroup/unified/netrun/nrt-v2
    check "and keeps netrun's (as Docker keeps /docker)" test -d /sys/fs/cgroup/unified/netrun
    out=$(v2nr run --rootfs "$ROOTFS" --name nrt-v2b --network none --pids-limit 10 -- true 2>&1)
    check_eq "a limit v2 cannot set (no pids controller here): 125" 125 "$?"
    check_match "saying why" "pids.max" "$out"
    check "and nothing left" test ! -e /sys/fs/cgroup/unified/netrun/nrt-v2b
fi

# ---- netrun SIGKILLed: the container goes with it, the next run of its name cleans up -----------
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
check_eq "no overlay left" 0 "$(grep -c ' overlay ' /proc/self/mountinfo)"
check_eq "no veth left" 0 "$(count_host_veths)"
check_eq "no endpoint left in netd" "" "$(netctl ls -q)"
check_eq "no netrun state left" "" "$(ls -A "$T/netrun")"
check_eq "no endpoint state left" 0 "$(find "$T/state" -path '*endpoint*' -type f 2>/dev/null | wc -l)"
finish
