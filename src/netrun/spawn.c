// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spawn.c - the container's first process: clone() into new pid, mount, uts, ipc and net
 * namespaces (the cgroup namespace follows once netrun has moved it into its cgroups), with
 * two pipes: "go" from netrun when cgroups and network are ready, and a setup error back
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

/**
 * spawn_container() - start the container's init (PID 1) in its new namespaces
 * @o:		options
 * @cg:		the container's cgroups, which its init joins itself
 * @ret_pid:	the init's pid as netrun sees it
 * @ret_sync_fd: write one byte to let the container go on, close to abort it
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
	/* --network none too: a network namespace of its own with only lo */
	unsigned long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
			      CLONE_NEWNET | SIGCHLD;
	int sync_p[2], err_p[2];
	long pid;

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
