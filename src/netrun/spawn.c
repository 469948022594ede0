// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spawn.c - the container's first process: clone() into new pid, mount, uts, ipc and net
 * namespaces (net not with --network host; a pod's net, ipc and uts are joined instead; a user
 * namespace too with --userns; the cgroup namespace follows once it is in its cgroups), with
 * two pipes: "go" from netrun when cgroups and network are ready, and a setup error back. On
 * cgroup v2 it is born in its cgroup (clone3() with CLONE_INTO_CGROUP): no move, no wait
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "netrun.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* the kernel's struct clone_args up to its cgroup field (CLONE_ARGS_SIZE_VER2) */
struct spawn_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};

/*
 * fork-like (no new stack, the child goes on from here with a copy of ours); with @cgroup_fd
 * >= 0 the child starts in that v2 cgroup. Return: the pid, 0 in the child, or -errno
 */
static long clone_ns(unsigned long flags, int cgroup_fd)
{
	struct spawn_clone_args args;
	long pid;

	if (cgroup_fd >= 0) {
		memset(&args, 0, sizeof(args));
		args.flags = flags | CLONE_INTO_CGROUP;
		args.exit_signal = SIGCHLD;
		args.cgroup = (uint64_t)cgroup_fd;
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid >= 0)
			return pid;
		/* a kernel before 5.7: the caller moves the child instead */
		if (errno != ENOSYS && errno != E2BIG && errno != EINVAL)
			return -errno;
		return -ENOSYS;
	}
	pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
	return pid < 0 ? -errno : pid;
}

static int map_write(pid_t pid, const char *file, const struct run_opts *o, struct netd_error *e)
{
	char path[64], map[64];
	_cleanup_close_ int fd = -1;
	int n;

	(void)snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	n = snprintf(map, sizeof(map), "0 %u %u\n", o->userns_base, o->userns_size);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, map, (size_t)n) != n)
		return err_set(e, errno, "--userns: write %s: %s", path, strerror(errno));
	return 0;
}

/**
 * spawn_userns_map() - map the container's user namespace: 0 to SIZE-1 inside are BASE to
 *			BASE+SIZE-1 outside (100000:65536 unless --userns=BASE:SIZE), users
 *			and groups
 * @pid:	the container's init, waiting for its "map" byte
 * @o:		options (userns_base, userns_size)
 * @e:		error context
 *
 * Written by netrun, privileged outside, so the container needs no setgroups "deny".
 *
 * Return: 0 or negative errno
 */
int spawn_userns_map(pid_t pid, const struct run_opts *o, struct netd_error *e)
{
	int r = map_write(pid, "uid_map", o, e);

	return r < 0 ? r : map_write(pid, "gid_map", o, e);
}

/**
 * spawn_container() - start the container's init (PID 1) in its new namespaces
 * @o:		options
 * @cg:		the container's cgroups: on v2 made, and the init is born in it; on v1 planned
 *		(cgroup_plan()), netrun makes them while the init builds its file system
 * @ret_pid:	the init's pid as netrun sees it
 * @ret_in_cgroup: whether it was born in its cgroup (v2); else it moves itself into its
 *		cgroups after "go" (cgroup_open(), cgroup_enter_at()), or with --userns netrun
 *		moves it (cgroup_attach())
 * @ret_sync_fd: write one byte to let the container go on, close to abort it (with --userns,
 *		one byte before that, once its maps are written and it is in its cgroups)
 * @ret_err_fd:	read after "go": EOF when the workload is about to run, else a setup error
 * @e:		error context
 *
 * The caller blocks the signals init forwards before calling, so none is lost in between.
 *
 * Return: 0 or negative errno
 */
int spawn_container(const struct run_opts *o, const struct cgroup *cg, pid_t *ret_pid,
		    bool *ret_in_cgroup, int *ret_sync_fd, int *ret_err_fd, struct netd_error *e)
{
	/* --network none too: a network namespace of its own with only lo; host: netrun's */
	unsigned long flags = CLONE_NEWPID | CLONE_NEWNS;
	_cleanup_close_ int cgroup_fd = -1;
	int sync_p[2], err_p[2];
	bool in_cgroup;
	long pid;

	/* --pod: init joins the pod's net, ipc and uts namespaces instead */
	if (!o->pod)
		flags |= CLONE_NEWUTS | CLONE_NEWIPC;
	if (!o->pod && !run_opts_network_host(o))
		flags |= CLONE_NEWNET;
	/* the other namespaces are then owned by the new user namespace */
	if (o->userns)
		flags |= CLONE_NEWUSER;
	if (cg->v2 && cg->n)
		cgroup_fd = open(cg->paths[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pipe2(sync_p, O_CLOEXEC) < 0)
		return err_set(e, errno, "pipe: %s", strerror(errno));
	if (pipe2(err_p, O_CLOEXEC) < 0) {
		int r = errno;

		(void)close(sync_p[0]);
		(void)close(sync_p[1]);
		return err_set(e, r, "pipe: %s", strerror(r));
	}
	in_cgroup = cgroup_fd >= 0;
	pid = clone_ns(flags, cgroup_fd);
	if (pid == -ENOSYS) {
		in_cgroup = false;
		pid = clone_ns(flags, -1);
	}
	if (pid < 0) {
		(void)close(sync_p[0]);
		(void)close(sync_p[1]);
		(void)close(err_p[0]);
		(void)close(err_p[1]);
		return err_set(e, (int)-pid, "clone into new namespaces: %s", strerror((int)-pid));
	}
	if (pid == 0) {
		(void)close(sync_p[1]);
		(void)close(err_p[0]);
		/* with --userns netrun moves it: it cannot write the host's cgroup files */
		init_main(o, in_cgroup || o->userns ? NULL : cg, sync_p[0], err_p[1]);
	}
	(void)close(sync_p[0]);
	(void)close(err_p[1]);
	*ret_in_cgroup = in_cgroup;
	*ret_pid = (pid_t)pid;
	*ret_sync_fd = sync_p[1];
	*ret_err_fd = err_p[0];
	return 0;
}
