// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * init.c - the container's PID 1, like docker-init/tini: sets the container up (mounts, host
 * name, cgroup namespace, capabilities), starts the workload with the environment asked for,
 * forwards SIGTERM, SIGINT, SIGHUP (and QUIT, USR1, USR2) to it, reaps every zombie, and exits
 * with the workload's status, 128+signal when a signal killed it
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netrun.h"

#define EXIT_SETUP 125
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND 127

const int netrun_forwarded[NETRUN_N_FORWARDED] = { SIGTERM, SIGINT,  SIGHUP,
						   SIGQUIT, SIGUSR1, SIGUSR2 };

/**
 * netrun_sigset() - the forwarded signals and SIGCHLD: blocked before clone() and waited for
 * by the container's init
 * @ret:	the set
 */
void netrun_sigset(sigset_t *ret)
{
	size_t i;

	sigemptyset(ret);
	for (i = 0; i < NETRUN_N_FORWARDED; i++)
		sigaddset(ret, netrun_forwarded[i]);
	sigaddset(ret, SIGCHLD);
}

static _Noreturn void setup_failed(int err_fd, const struct netd_error *e)
{
	(void)!write(err_fd, e->msg, strnlen(e->msg, sizeof(e->msg)));
	_exit(EXIT_SETUP);
}

/*
 * In the child of vfork(): init's memory until the exec, so only system calls and this frame's
 * own variables (environ is put back by the parent). err_fd is close-on-exec: EOF tells netrun
 * the workload runs.
 */
static _Noreturn void workload_exec(const struct run_opts *o, int err_fd)
{
	struct netd_error e = NETD_ERROR_INIT;
	char *envp[NETRUN_ENV_SLOTS];
	char host[128], msg[512];
	sigset_t none;
	size_t i;
	int r, n;

	for (i = 0; i < NETRUN_N_FORWARDED; i++)
		(void)signal(netrun_forwarded[i], SIG_DFL);
	(void)signal(SIGPIPE, SIG_DFL);
	(void)signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	run_opts_env(o, envp, host, sizeof(host));
	/* last, as runc does: setup needed root, the workload does not */
	if (o->user && user_switch(o->uid, o->gid, &e) < 0)
		setup_failed(err_fd, &e);
	/* execvp() searches the PATH of environ: the container's, not netrun's */
	environ = envp;
	(void)execvp(o->argv[0], o->argv);
	r = errno;
	/* not stdio: its state is init's */
	n = snprintf(msg, sizeof(msg), "netrun: exec %s: %s\n", o->argv[0], strerror(r));
	if (n > 0)
		(void)!write(STDERR_FILENO, msg,
			     (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	_exit(r == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

static int status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_SETUP;
}

/* wait for signals (blocked since before clone), forward some, reap all children */
static _Noreturn void supervise(pid_t workload)
{
	sigset_t set;

	netrun_sigset(&set);
	/* the options (pointers into netrun's arguments) are used up: blank the arguments */
	netrun_hide_cmdline();
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			(void)kill(workload, sig);
			continue;
		}
		for (;;) {
			int status;
			pid_t p = waitpid(-1, &status, WNOHANG);

			if (p <= 0)
				break;
			/* PID 1 leaving ends the namespace: the kernel kills what is left */
			if (p == workload)
				_exit(status_code(status));
		}
	}
}

/**
 * init_main() - the container's PID 1: set up, wait for netrun's go, run the workload
 * @o:		options
 * @cg:		the cgroups to move into once netrun has made them (by "go"), or NULL when it is
 *		in them already (born there on v2, or moved by netrun with --userns)
 * @sync_fd:	one byte from netrun when cgroups and network are ready; EOF aborts
 * @err_fd:	a setup error goes back to netrun here; closed when the workload starts
 *
 * Runs in the clone()d child with the forwarded signals and SIGCHLD blocked.
 */
_Noreturn void init_main(const struct run_opts *o, const struct cgroup *cg, int sync_fd, int err_fd)
{
	struct netd_error e = NETD_ERROR_INIT;
	int cg_fds[CGROUP_MAX];
	char **saved_environ;
	pid_t workload;
	char go;

	/* --userns: nothing until netrun has mapped root */
	if (o->userns) {
		if (read(sync_fd, &go, 1) != 1)
			_exit(EXIT_SETUP);
		/* the host's root is unmapped here: become the namespace's own */
		if (user_switch(0, 0, &e) < 0)
			setup_failed(err_fd, &e);
	}
	/* netrun gone: so is the container (after the id change, which clears it) */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	(void)prctl(PR_SET_NAME, "netrun-init", 0, 0, 0);
	/*
	 * Its cgroups' hierarchies, to enter them itself after "go" (cgroup_enter_at(): fast),
	 * when netrun has made them and the host's /sys/fs/cgroup is out of sight. With --userns
	 * netrun moves it: container root cannot write the host's cgroups.
	 */
	if (cg && cgroup_open(cg, cg_fds, &e) < 0)
		setup_failed(err_fd, &e);
	/* first: sysfs, mounted below, shows the network namespace of who mounts it */
	if (o->pod && pod_join(o->pod_fds, &e) < 0)
		setup_failed(err_fd, &e);
	/* a pod's host name is the pod's */
	if (!o->pod && sethostname(o->hostname, strlen(o->hostname)) < 0) {
		(void)err_set(&e, errno, "sethostname %s: %s", o->hostname, strerror(errno));
		setup_failed(err_fd, &e);
	}
	if (run_opts_network_none(o) && netdcall_lo_up(&e) < 0)
		setup_failed(err_fd, &e);
	if (rootfs_enter(o, &e) < 0)
		setup_failed(err_fd, &e);
	if (read(sync_fd, &go, 1) != 1)
		_exit(EXIT_SETUP);
	(void)close(sync_fd);
	/* before anything of the workload's: into its cgroups, which have their limits now */
	if (cg) {
		int r = cgroup_enter_at(cg, cg_fds, &e);

		cgroup_close(cg_fds);
		if (r < 0)
			setup_failed(err_fd, &e);
	}
	/* in its cgroups now, so the cgroup namespace's root is the container's cgroup */
	if (unshare(CLONE_NEWCGROUP) < 0) {
		(void)err_set(&e, errno, "cgroup namespace: %s", strerror(errno));
		setup_failed(err_fd, &e);
	}
	if (caps_restrict(&e) < 0)
		setup_failed(err_fd, &e);
	/*
	 * vfork(): the workload needs none of init's memory, so none of it is copied (fork()
	 * copied the page tables and then faulted in both processes: 0.1 ms of every start);
	 * init waits here until the workload has exec'd
	 */
	saved_environ = environ;
	workload = vfork();
	if (workload == 0)
		workload_exec(o, err_fd);
	environ = saved_environ;
	if (workload < 0) {
		(void)err_set(&e, errno, "start the workload: %s", strerror(errno));
		setup_failed(err_fd, &e);
	}
	(void)close(err_fd);
	supervise(workload);
}
