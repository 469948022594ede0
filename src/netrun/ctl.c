// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctl.c - commands on containers that run already: ps, stop, rm, and exec, which enters all of
 * a container's namespaces, its cgroups, root, working directory and environment (nsenter
 * alone would keep the caller's root, cgroup and environment)
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netd/log.h>
#include <netd/naming.h>
#include <netd/parse.h>

#include "netrun.h"

#define EXIT_NETRUN 125
#define STOP_TIME_DEFAULT 10
#define STOP_TIME_MAX 3600
#define POLL_NS (20 * 1000 * 1000)
#define KILL_WAIT_POLLS 250
#define PS_MAX 4096
#define LOG_FOLLOW_RECHECK_MS 500

extern char **environ;

static void sleep_poll(void)
{
	struct timespec ts = { 0, POLL_NS };

	(void)nanosleep(&ts, NULL);
}

/* the supervisor writes the status last; its pid may linger a while as a zombie after */
static bool supervised(const char *run_dir, const char *name, pid_t sup)
{
	char buf[8];

	return kill(sup, 0) == 0 && state_read(run_dir, name, "status", buf, sizeof(buf)) < 0;
}

static int name_arg(int argc, char **argv, const char **ret)
{
	if (argc < 2 || name_validate(argv[1]) < 0) {
		log_error("%s: a container name is required", argv[0]);
		return -EINVAL;
	}
	*ret = argv[1];
	return 0;
}

/**
 * ctl_ps() - list containers: name, status (running, or exited and its status), pid, command
 * @run_dir:	state root
 * @argc:	count
 * @argv:	"ps"
 *
 * Return: exit status
 */
int ctl_ps(const char *run_dir, int argc, char **argv)
{
	DIR *d;
	struct dirent *de;
	int n = 0;

	(void)argv;
	if (argc > 1) {
		log_error("ps: no arguments");
		return EXIT_NETRUN;
	}
	(void)printf("%-24s %-12s %-8s %s\n", "NAME", "STATUS", "PID", "COMMAND");
	d = opendir(run_dir);
	if (!d)
		return errno == ENOENT ? 0 : EXIT_NETRUN;
	while ((de = readdir(d)) && n < PS_MAX) {
		char status[32] = "", cmd[256] = "-", st[40];
		pid_t sup, init;

		if (de->d_name[0] == '.' || name_validate(de->d_name) < 0)
			continue;
		n++;
		(void)state_read(run_dir, de->d_name, "command", cmd, sizeof(cmd));
		/* the status file first: a supervisor's pid may be reused once it ended */
		if (state_read(run_dir, de->d_name, "status", status, sizeof(status)) > 0) {
			status[strcspn(status, "\n")] = '\0';
			(void)snprintf(st, sizeof(st), "exited(%s)", status);
			(void)printf("%-24s %-12s %-8s %s\n", de->d_name, st, "-", cmd);
			continue;
		}
		sup = state_pid(run_dir, de->d_name, "supervisor");
		init = state_pid(run_dir, de->d_name, "init");
		if (sup)
			(void)printf("%-24s %-12s %-8d %s\n", de->d_name, "running", (int)init,
				     cmd);
		else
			(void)printf("%-24s %-12s %-8s %s\n", de->d_name, "gone", "-", cmd);
	}
	(void)closedir(d);
	return 0;
}

/**
 * ctl_stop() - SIGTERM to the container's workload, SIGKILL to all of it after --time seconds
 * @run_dir:	state root
 * @argc:	count
 * @argv:	"stop" NAME [--time S]
 *
 * Return: exit status: 0 once the supervisor cleaned up and ended
 */
int ctl_stop(const char *run_dir, int argc, char **argv)
{
	uint64_t secs = STOP_TIME_DEFAULT;
	const char *name;
	char buf[8];
	pid_t sup, init;
	long polls, i;

	if (name_arg(argc, argv, &name) < 0)
		return EXIT_NETRUN;
	if (argc == 4 && (strcmp(argv[2], "--time") == 0 || strcmp(argv[2], "-t") == 0)) {
		if (parse_u64(argv[3], STOP_TIME_MAX, &secs) < 0) {
			log_error("stop: --time '%s': 0 to %d seconds", argv[3], STOP_TIME_MAX);
			return EXIT_NETRUN;
		}
	} else if (argc != 2) {
		log_error("stop: netrun stop NAME [--time S]");
		return EXIT_NETRUN;
	}
	if (state_read(run_dir, name, "command", buf, sizeof(buf)) < 0) {
		log_error("stop: no container '%s'", name);
		return 1;
	}
	sup = state_pid(run_dir, name, "supervisor");
	if (!sup || state_read(run_dir, name, "status", buf, sizeof(buf)) > 0)
		return 0;
	/* the supervisor forwards it to init, which forwards it to the workload */
	(void)kill(sup, SIGTERM);
	polls = (long)secs * (1000000000L / POLL_NS);
	for (i = 0; i < polls && supervised(run_dir, name, sup); i++)
		sleep_poll();
	init = state_pid(run_dir, name, "init");
	if (supervised(run_dir, name, sup) && init)
		(void)kill(init, SIGKILL);
	for (i = 0; i < KILL_WAIT_POLLS && supervised(run_dir, name, sup); i++)
		sleep_poll();
	if (supervised(run_dir, name, sup)) {
		log_error("stop: '%s' did not end", name);
		return 1;
	}
	(void)printf("%s\n", name);
	return 0;
}

/**
 * ctl_rm() - forget an exited container (its state directory and log)
 * @run_dir:	state root
 * @argc:	count
 * @argv:	"rm" NAME
 *
 * Return: exit status
 */
int ctl_rm(const char *run_dir, int argc, char **argv)
{
	const char *name;
	char buf[8];

	if (name_arg(argc, argv, &name) < 0 || argc != 2)
		return EXIT_NETRUN;
	if (state_read(run_dir, name, "command", buf, sizeof(buf)) < 0) {
		log_error("rm: no container '%s'", name);
		return 1;
	}
	if (state_read(run_dir, name, "status", buf, sizeof(buf)) < 0 &&
	    state_pid(run_dir, name, "supervisor")) {
		log_error("rm: '%s' is running: stop it first", name);
		return 1;
	}
	state_remove(run_dir, name);
	return 0;
}

/* copy what the log has past the current offset to stdout; 0, or -1 when stdout failed */
static int log_copy(int fd)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			return -1;
	return n < 0 ? -1 : 0;
}

/* whether the container has ended: its status is written, or its supervisor is gone */
static bool log_ended(const char *run_dir, const char *name)
{
	char buf[8];

	return state_read(run_dir, name, "status", buf, sizeof(buf)) > 0 ||
	       !state_pid(run_dir, name, "supervisor");
}

/*
 * --follow: wait on inotify for the log to grow or the status to appear (state_write()
 * renames it into place); a timeout looks again, for a supervisor that was SIGKILLed
 */
static int log_follow(const char *run_dir, const char *name, int fd)
{
	char dir[512], ev[4096];
	_cleanup_close_ int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	struct pollfd p = { .fd = in, .events = POLLIN };

	(void)snprintf(dir, sizeof(dir), "%s/%s", run_dir, name);
	if (in >= 0 && inotify_add_watch(in, dir, IN_MODIFY | IN_MOVED_TO | IN_CREATE) < 0)
		(void)close(TAKE_FD(in));
	p.fd = in;
	for (;;) {
		bool ended = log_ended(run_dir, name);

		/* what came before the end is printed: the status is written after the last output */
		if (log_copy(fd) < 0)
			return 1;
		if (ended)
			return 0;
		if (in < 0) {
			struct timespec ts = { 0, POLL_NS };

			(void)nanosleep(&ts, NULL);
			continue;
		}
		if (poll(&p, 1, LOG_FOLLOW_RECHECK_MS) > 0)
			while (read(in, ev, sizeof(ev)) > 0)
				;
	}
}

/**
 * ctl_logs() - print a detached container's output (stdout and stderr, as they came)
 * @run_dir:	state root
 * @argc:	count
 * @argv:	"logs" NAME [-f|--follow] (the option before or after the name)
 *
 * With --follow, goes on printing what comes until the container has ended, as docker logs -f.
 *
 * Return: exit status
 */
int ctl_logs(const char *run_dir, int argc, char **argv)
{
	char path[512];
	_cleanup_close_ int fd = -1;
	const char *name = NULL;
	bool follow = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--follow") == 0) {
			follow = true;
		} else if (!name && name_validate(argv[i]) == 0) {
			name = argv[i];
		} else {
			log_error("logs: netrun logs NAME [--follow]");
			return EXIT_NETRUN;
		}
	}
	if (!name) {
		log_error("logs: a container name is required");
		return EXIT_NETRUN;
	}
	(void)snprintf(path, sizeof(path), "%s/%s/log", run_dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		log_error("logs: no log of '%s' (only -d containers have one)", name);
		return 1;
	}
	if (follow)
		return log_follow(run_dir, name, fd);
	return log_copy(fd) < 0 ? 1 : 0;
}

/**
 * ctl_cgroup_find() - a container's cgroups, below its pod's when it is in one
 * @run_dir:	state root
 * @name:	container
 * @cg:		filled in
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int ctl_cgroup_find(const char *run_dir, const char *name, struct cgroup *cg, struct netd_error *e)
{
	char pod[NETRUN_NAME_MAX], parent[CGROUP_PATH_MAX / 2];
	bool in_pod = state_read(run_dir, name, "pod", pod, sizeof(pod)) > 0 &&
		      name_validate(pod) == 0;

	cgroup_parent(in_pod ? pod : NULL, parent, sizeof(parent));
	return cgroup_find(cg, parent, name, e);
}

/* the container's config: rootfs, workdir, then environment entries, NUL-separated */
static int config_load(const char *run_dir, const char *name, char *buf, size_t size,
		       const char **ret_workdir, char **envp, size_t max_env)
{
	ssize_t len = state_read(run_dir, name, "config", buf, size);
	size_t off, n = 0;
	int field = 0;

	if (len <= 0)
		return -ENOENT;
	for (off = 0; off < (size_t)len; off += strlen(buf + off) + 1, field++) {
		if (field == 1)
			*ret_workdir = buf + off;
		else if (field >= 2 && n + 1 < max_env)
			envp[n++] = buf + off;
	}
	envp[n] = NULL;
	return field >= 2 ? 0 : -EINVAL;
}

static int ns_join(pid_t init, struct netd_error *e)
{
	/* the user namespace first: it owns the others (--userns) */
	static const struct {
		const char *name;
		int type;
	} nss[] = {
		{ "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
		{ "net", CLONE_NEWNET },   { "pid", CLONE_NEWPID }, { "cgroup", CLONE_NEWCGROUP },
		{ "mnt", CLONE_NEWNS },
	};
	char self[64] = "", theirs[64] = "", upath[64];
	bool other_user;
	int fds[ARRAY_SIZE(nss)];
	size_t i;
	int r = 0;

	/* all opened first: once in the mount namespace, /proc is the container's */
	for (i = 0; i < ARRAY_SIZE(nss); i++) {
		char path[64];

		(void)snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)init, nss[i].name);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0 && r == 0)
			r = err_set(e, errno, "open %s: %s", path, strerror(errno));
	}
	(void)snprintf(upath, sizeof(upath), "/proc/%d/ns/user", (int)init);
	(void)!readlink(upath, theirs, sizeof(theirs) - 1);
	(void)!readlink("/proc/self/ns/user", self, sizeof(self) - 1);
	other_user = strcmp(self, theirs) != 0;
	for (i = 0; r == 0 && i < ARRAY_SIZE(nss); i++) {
		if (nss[i].type == CLONE_NEWUSER) {
			/* setns() into one's own user namespace is EINVAL: join only another */
			if (!other_user)
				continue;
			if (setns(fds[i], CLONE_NEWUSER) < 0)
				r = err_set(e, errno, "enter the user namespace: %s",
					    strerror(errno));
			/* the host's root is unmapped there: become its root */
			else
				r = user_switch(0, 0, e);
			continue;
		}
		if (setns(fds[i], nss[i].type) < 0)
			r = err_set(e, errno, "enter the %s namespace: %s", nss[i].name,
				    strerror(errno));
	}
	for (i = 0; i < ARRAY_SIZE(nss); i++)
		if (fds[i] >= 0)
			(void)close(fds[i]);
	return r;
}

/**
 * ctl_exec() - run a command inside a running container, as its workload runs
 * @run_dir:	state root
 * @argc:	count
 * @argv:	"exec" NAME [--] CMD [ARG ...]
 *
 * Joins the container's cgroups, then its ipc, uts, net, pid, cgroup and mount namespaces,
 * its root and working directory; the command gets the container's environment, Docker's
 * capabilities and no_new_privs, and runs as the container's --user.
 *
 * Return: the command's exit status, 128+N when signal N killed it, 125 when netrun failed
 */
int ctl_exec(const char *run_dir, int argc, char **argv)
{
	struct netd_error e = NETD_ERROR_INIT;
	char cfg[16384], root_path[64];
	char *envp[NETRUN_ENV_SLOTS];
	const char *name, *workdir = "/";
	_cleanup_close_ int root_fd = -1;
	struct cgroup cg;
	char user[32];
	uid_t uid = 0;
	gid_t gid = 0;
	bool as_user = false;
	pid_t init, child;
	int i = 2, status;

	if (name_arg(argc, argv, &name) < 0)
		return EXIT_NETRUN;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		log_error("exec: netrun exec NAME -- CMD [ARG ...]");
		return EXIT_NETRUN;
	}
	init = state_pid(run_dir, name, "init");
	if (!init || !state_pid(run_dir, name, "supervisor") ||
	    state_read(run_dir, name, "status", root_path, sizeof(root_path)) > 0) {
		log_error("exec: container '%s' is not running", name);
		return EXIT_NETRUN;
	}
	if (config_load(run_dir, name, cfg, sizeof(cfg), &workdir, envp, ARRAY_SIZE(envp)) < 0) {
		log_error("exec: no configuration for '%s'", name);
		return EXIT_NETRUN;
	}
	/* the container's --user, as docker exec runs as the container's user */
	if (state_read(run_dir, name, "user", user, sizeof(user)) > 0) {
		if (user_parse(user, &uid, &gid) < 0) {
			log_error("exec: bad user '%s' in the state of '%s'", user, name);
			return EXIT_NETRUN;
		}
		as_user = true;
	}
	(void)snprintf(root_path, sizeof(root_path), "/proc/%d/root", (int)init);
	root_fd = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		log_error("exec: %s: %s", root_path, strerror(errno));
		return EXIT_NETRUN;
	}
	if (ctl_cgroup_find(run_dir, name, &cg, &e) < 0 || cgroup_enter(&cg, &e) < 0 ||
	    ns_join(init, &e) < 0) {
		log_error("exec: %s", e.msg);
		return EXIT_NETRUN;
	}
	if (fchdir(root_fd) < 0 || chroot(".") < 0 || chdir(workdir) < 0) {
		log_error("exec: enter the container's root and %s: %s", workdir, strerror(errno));
		return EXIT_NETRUN;
	}
	/* a new pid namespace applies to children: the command is one */
	child = fork();
	if (child < 0) {
		log_error("exec: fork: %s", strerror(errno));
		return EXIT_NETRUN;
	}
	if (child == 0) {
		if (caps_restrict(&e) < 0 || (as_user && user_switch(uid, gid, &e) < 0)) {
			log_error("exec: %s", e.msg);
			_exit(EXIT_NETRUN);
		}
		environ = envp;
		(void)execvp(argv[i], argv + i);
		log_error("exec %s: %s", argv[i], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			_exit(EXIT_NETRUN);
	/*
	 * _exit: this process sits in the container's namespaces now, where an exit handler
	 * such as LeakSanitizer's (which clones a tracer into the new pid namespace) cannot work
	 */
	(void)fflush(NULL);
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	_exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : EXIT_NETRUN);
}
