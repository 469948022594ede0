# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# sandbox.sh - sourced by the examples that run containers: find (or build) netd, check the
# tools the example needs, then run the example again in a network and mount namespace of its
# own, with a private /run and a tmpfs work directory. The machine's network is never touched.
#
# example_sandbox NAME "PROGRAMS" "TOOLS" "$@"
#   PROGRAMS: what the example runs from the build (netd netctl ...); built into build-demo
#   unless NETD_BUILDDIR names a build or the source tree is built in place
#   TOOLS: commands it needs on the PATH; busybox must be busybox-static
# Back inside the sandbox it sets build (the build directory), dir (the work directory, a
# tmpfs) and sock (netd's socket in it).
example_sandbox() {
    local name=$1 progs=$2 tools=$3 top b t
    shift 3
    top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    if [ "${NETD_EXAMPLE_SANDBOX:-}" != 1 ]; then
        [ "$(id -u)" = 0 ] || { echo "$name: run as root (namespaces, cgroups)" >&2; exit 1; }
        if [ -n "${NETD_BUILDDIR:-}" ]; then
            build=$(cd "$NETD_BUILDDIR" && pwd)
        else
            build=$top
            for b in $progs; do [ -x "$top/$b" ] || build=""; done
        fi
        if [ -z "$build" ]; then
            bash "$top/tests/deps.sh"
            build=$top/build-demo
            echo "== building netd into $build"
            if [ ! -f "$build/Makefile" ]; then
                (cd "$top" && ./autogen.sh >/dev/null 2>&1)
                mkdir -p "$build" && (cd "$build" && "$top/configure" CFLAGS="-O2 -g" >/dev/null)
            fi
            # shellcheck disable=SC2086 # one word per program
            make -C "$build" -j"$(nproc)" $progs >/dev/null
        fi
        for b in $progs; do
            [ -x "$build/$b" ] || { echo "$name: no $b in $build" >&2; exit 1; }
        done
        for t in $tools; do
            command -v "$t" >/dev/null || { echo "$name: needs $t" >&2; exit 1; }
        done
        case " $tools " in *" busybox "*)
            file -L "$(command -v busybox)" 2>/dev/null | grep -q "statically linked" ||
                { echo "$name: busybox is not static (apt-get install busybox-static)" >&2; exit 1; }
            ;;
        esac
        NETD_EXAMPLE_SANDBOX=1 NETD_BUILDDIR=$build exec unshare --net --mount --fork -- bash "$0" "$@"
    fi
    build=$NETD_BUILDDIR
    mount --make-rprivate /
    mount -t tmpfs -o mode=0755 sandbox-run /run
    dir=$(mktemp -d /tmp/netd-example.XXXXXX)
    mount -t tmpfs tmpfs "$dir"
    ip link set lo up
    # shellcheck disable=SC2034 # for the example that sourced this
    sock=$dir/run/netd.sock
}

# For the examples that run netrun containers, after example_sandbox. They keep what they
# start, by PID, in pids (netd's in netd_pid).
track() { # track FILE: remember the PID netrun wrote in FILE
    local p
    p=$(cat "$1" 2>/dev/null) && [ -n "$p" ] && pids+=("$p")
    return 0
}
make_rootfs() { # make_rootfs DIR: a root file system of busybox-static and its applets
    local busybox a
    busybox=$(command -v busybox)
    mkdir -p "$1/bin"
    cp "$busybox" "$1/bin/busybox"
    for a in $("$busybox" --list); do
        [ "$a" = busybox ] || ln -sf busybox "$1/bin/$a"
    done
}
example_end() { # the example's cleanup, once netrun stopped its containers: the rest, then dir
    local p
    # only a process that is still ours (its command line names $dir), never one that took
    # the number of ours once it ended
    for p in "${pids[@]}"; do
        # (2> before <: a process gone meanwhile must not print the failed redirection)
        tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -qF -- "$dir/" && kill "$p" 2>/dev/null
    done
    [ -n "$netd_pid" ] && kill "$netd_pid" 2>/dev/null && wait "$netd_pid" 2>/dev/null
    umount -l "$dir" 2>/dev/null
    rmdir "$dir" 2>/dev/null
}
