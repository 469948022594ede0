// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spawn.c - the container's first process: clone() into new pid, mount, uts, ipc and net
 * namespaces (net not with --network host; a pod's net, ipc and uts are joined instead; a user
 * namespace too with --userns; the cgroup namespace follows once netrun has moved it into its
 * cgroups), with two pipes: "go" from netrun when cgroups and network are ready, and a setup
 * error back
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "netrun.h"

static int map_write(pid_t pid, const char *file, struct netd_error *e)
{
	char path[64], map[64];
	_cleanup_close_ int fd = -1;
	int n;

	(void)snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	n = snprintf(map, sizeof(map), "0 %d %d\n", NETRUN_USERNS_BASE, NETRUN_USERNS_SIZE);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, map, (size_t)n) != n)
		return err_set(e, errno, "--userns: write %s: %s", path, strerror(errno));
	return 0;
}

/**
 * spawn_userns_map() - map the container's user namespace: 0-65535 inside are
 *			100000-165535 outside, users and groups
 * @pid:	the container's init, waiting for its "map" byte
 * @e:		error context
 *
 * Written by netrun, privileged outside, so the container needs no setgroups "deny".
 *
 * Return: 0 or negative errno
 */
int spawn_userns_map(pid_t pid, struct netd_error *e)
{
	int r = map_write(pid, "uid_map", e);

	return r < 0 ? r : map_write(pid, "gid_map", e);
}

/**
 * spawn_container() - start the container's init (PID 1) in its new namespaces
 * @o:		options
 * @cg:		the container's cgroups, which its init joins itself
 * @ret_pid:	the init's pid as netrun sees it
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
		    int *ret_sync_fd, int *ret_err_fd, struct netd_error *e)
{
	/* --network none too: a network namespace of its own with only lo; host: netrun's */
	unsigned long flags = CLONE_NEWPID | CLONE_NEWNS | SIGCHLD;
	int sync_p[2], err_p[2];
	long pid;

	/* --pod: init joins the pod's net, ipc and uts namespaces instead */
	if (!o->pod)
		flags |= CLONE_NEWUTS | CLONE_NEWIPC;
	if (!o->pod && !run_opts_network_host(o))
		flags |= CLONE_NEWNET;
	/* the other namespaces are then owned by the new user namespace */
	if (o->userns)
		flags |= CLONE_NEWUSER;
	if (pipe2(sync_p, O_CLOEXEC) < 0)
		return err_set(e, errno, "pipe: %s", strerror(errno));
	if (pipe2(err_p, O_CLOEXEC) < 0) {
		int r = errno;

		(void)close(sync_p[0]);
		(void)close(sync_p[1]);
		return err_set(e, r, "pipe: %s", strerror(r));
	}
	/* fork-like: no new stack, the child goes on from here with a copy of ours */
	pid = syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
	if (pid < 0) {
		int r = errno;

		(void)close(sync_p[0]);
		(void)close(sync_p[1]);
		(void)close(err_p[0]);
		(void)close(err_p[1]);
		return err_set(e, r, "clone into new namespaces: %s", strerror(r));
	}
	if (pid == 0) {
		(void)close(sync_p[1]);
		(void)close(err_p[0]);
		init_main(o, cg, sync_p[0], err_p[1]);
	}
	(void)close(sync_p[0]);
	(void)close(err_p[1]);
	*ret_pid = (pid_t)pid;
	*ret_sync_fd = sync_p[1];
	*ret_err_fd = err_p[0];
	return 0;
}
