// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - netrun, the launcher: `netrun [--socket PATH] run [OPTIONS] -- CMD ...` runs CMD in
 * new pid, mount, uts, ipc, net and cgroup namespaces under its own init, in cgroups with the
 * limits asked for, networked by netd, and returns its exit status
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netd/log.h>

#include "netrun.h"

/* netrun's own failures, as docker run returns them */
#define EXIT_NETRUN 125
#define EXIT_USAGE 125

static volatile sig_atomic_t child_pid;

static void usage(FILE *f)
{
	(void)fprintf(
		f,
		"Usage: netrun [--socket PATH] [--run-dir DIR] COMMAND\n"
		"  run [OPTIONS] -- CMD [ARG ...]   run CMD in a container\n"
		"  ps                               list containers, running and exited\n"
		"  stop NAME [--time S]             SIGTERM, then SIGKILL after S seconds (10)\n"
		"  logs NAME [-f|--follow]          a detached container's output (-f: until it ends)\n"
		"  stats NAME ... [--json] [--no-stream]\n"
		"                                   memory, CPU, pids, network: every second, or once\n"
		"  rm NAME                          forget an exited container\n"
		"  exec NAME -- CMD [ARG ...]       run CMD inside a running container\n"
		"  pod create NAME [--network NET] [-p SPEC ...] [--memory SIZE] [--cpus N]\n"
		"             [--pids-limit N]\n"
		"                                   a pod: net, ipc and uts namespaces held by a pause\n"
		"  pod rm NAME                      end a pod (its containers stopped first)\n"
		"run: new pid, mount, uts, ipc, net and cgroup namespaces.\n"
		"  -d, --detach        run in the background; output in RUN_DIR/NAME/log\n"
		"  --rootfs DIR        root file system (this or --layer)\n"
		"  --layer DIR         a read-only layer (repeat: later ones on top), overlaid\n"
		"                      with a writable upper layer in RUN_DIR/NAME/upper\n"
		"  --keep              keep the upper layer (and the state) when it ends\n"
		"  --name NAME         container name (default netrun-PID)\n"
		"  --hostname NAME     host name inside (default the name)\n"
		"  --env, -e K=V       environment (cleared to these plus PATH, HOME, HOSTNAME)\n"
		"  --workdir, -w DIR   working directory inside (default /)\n"
		"  --network NET|none|host  netd network (default netd's default); none: only lo;\n"
		"                      host: netrun's own network namespace, no netd\n"
		"  -p, --publish SPEC  publish a port (8080:80, 53/udp, ...)\n"
		"  --memory, -m SIZE   memory limit (512m, 1g)\n"
		"  --cpus N            CPU quota (0.5, 2)\n"
		"  --pids-limit N      at most N processes\n"
		"  --read-only         the root file system is read-only\n"
		"  --pod NAME          join the pod's net, ipc and uts namespaces\n"
		"  --userns[=BASE:SIZE] a user namespace: root inside is uid BASE outside\n"
		"                      (default 100000:65536)\n"
		"  --user, -u UID[:GID] run the command as this user (numeric; GID default 0)\n"
		"The socket comes from --socket, $%s, or %s.\n"
		"State: --run-dir, $" NETRUN_RUN_DIR_ENV ", or " NETRUN_RUN_DIR_DEFAULT ".\n"
		"Exit status: the command's, 128+N when signal N killed it, 125 when netrun failed.\n",
		NETD_SOCKET_ENV, NETD_SOCKET_DEFAULT);
}

static void on_signal(int sig)
{
	pid_t p = (pid_t)child_pid;

	if (p > 0)
		(void)kill(p, sig);
}

static void signals_block(sigset_t *ret_old)
{
	sigset_t set;

	netrun_sigset(&set);
	(void)sigprocmask(SIG_BLOCK, &set, ret_old);
}

/* from now on, what netrun receives goes to the container's init, which passes it on */
static void signals_forward(const sigset_t *old)
{
	struct sigaction sa;
	sigset_t unblock = *old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < NETRUN_N_FORWARDED; i++)
		(void)sigaction(netrun_forwarded[i], &sa, NULL);
	/* SIGCHLD stays blocked: waitpid() does not need it */
	sigaddset(&unblock, SIGCHLD);
	(void)sigprocmask(SIG_SETMASK, &unblock, NULL);
}

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_NETRUN;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_NETRUN;
}

/* after "go": EOF when the workload starts, or the container's setup error */
static int setup_result(int err_fd, struct netd_error *e)
{
	char msg[sizeof(e->msg)];
	ssize_t n;

	do
		n = read(err_fd, msg, sizeof(msg) - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 0;
	msg[n] = '\0';
	return err_set(e, EIO, "container setup: %s", msg);
}

/* what exec needs later: rootfs, working directory, environment, NUL-separated; --user */
static void state_config(const char *run_dir, const struct run_opts *o)
{
	char *envp[NETRUN_ENV_SLOTS], host[128], buf[16384];
	size_t i, len = 0;

	run_opts_env(o, envp, host, sizeof(host));
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%c%s%c", o->rootfs, 0, o->workdir,
				0);
	for (i = 0; envp[i] && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%c", envp[i], 0);
	if (len > sizeof(buf))
		len = sizeof(buf);
	(void)state_write(run_dir, o->name, "config", buf, len);
	len = 0;
	for (i = 0; o->argv[i] && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "",
					o->argv[i]);
	if (len > sizeof(buf))
		len = sizeof(buf);
	(void)state_write(run_dir, o->name, "command", buf, len);
	if (o->user) {
		int n = snprintf(buf, sizeof(buf), "%u:%u", (unsigned int)o->uid,
				 (unsigned int)o->gid);

		(void)state_write(run_dir, o->name, "user", buf, (size_t)n);
	}
	/* pod rm looks for the pod's running containers */
	if (o->pod)
		(void)state_write(run_dir, o->name, "pod", o->pod, strlen(o->pod));
}

static void state_pid_write(const char *run_dir, const char *name, const char *file, pid_t pid)
{
	char v[32];
	int n = snprintf(v, sizeof(v), "%d\n", (int)pid);

	(void)state_write(run_dir, name, file, v, (size_t)n);
}

/*
 * -d: the caller returns once the container runs (0) or failed (125, with the log); the
 * supervisor, in a session of its own, goes on with stdout and stderr in RUN_DIR/NAME/log
 */
static int detach_fork(const char *run_dir, const struct run_opts *o, int *ret_ready_fd)
{
	char path[512], buf[4096];
	int p[2], fd;
	pid_t pid;
	ssize_t n;

	(void)snprintf(path, sizeof(path), "%s/%s/log", run_dir, o->name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || pipe2(p, O_CLOEXEC) < 0) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	(void)fflush(NULL);
	pid = fork();
	if (pid < 0) {
		log_error("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		(void)close(p[0]);
		(void)setsid();
		if (null >= 0)
			(void)dup2(null, STDIN_FILENO);
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
		(void)close(fd);
		if (null >= 0)
			(void)close(null);
		*ret_ready_fd = p[1];
		return 0;
	}
	(void)close(fd);
	(void)close(p[1]);
	do
		n = read(p[0], buf, 1);
	while (n < 0 && errno == EINTR);
	(void)close(p[0]);
	if (n == 1) {
		(void)printf("%s\n", o->name);
		return 1;
	}
	/* the supervisor failed: its log says why */
	(void)waitpid(pid, NULL, 0);
	n = state_read(run_dir, o->name, "log", buf, sizeof(buf));
	if (n > 0)
		(void)fputs(buf, stderr);
	state_remove(run_dir, o->name);
	return -1;
}

static void pod_fds_close(struct run_opts *o)
{
	size_t i;

	for (i = 0; i < NETRUN_POD_NS; i++)
		if (o->pod_fds[i] >= 0)
			(void)close(TAKE_FD(o->pod_fds[i]));
}

static int cmd_run(const char *socket_path, const char *run_dir, int argc, char **argv)
{
	struct netd_error e = NETD_ERROR_INIT;
	_cleanup_close_ int sync_fd = -1, err_fd = -1, ready_fd = -1;
	struct http_client c = { 0 };
	struct cgroup cg = { 0 };
	struct cgroup_limits l;
	struct run_opts o;
	bool net, attached = false, in_cgroup = false;
	int attach_fd = -1;
	sigset_t old;
	pid_t pid = 0;
	int r, rc = EXIT_NETRUN;

	r = run_opts_parse(argc, argv, &o, &e);
	if (r < 0) {
		log_error("%s", e.msg);
		return EXIT_USAGE;
	}
	/* none, host and a pod's container: netd is not needed */
	net = !run_opts_network_none(&o) && !run_opts_network_host(&o) && !o.pod;
	(void)signal(SIGPIPE, SIG_IGN);
	r = state_create(run_dir, o.name, &e);
	if (r == 0 && o.n_layers) {
		r = layers_prepare(run_dir, &o, &e);
		if (r < 0)
			state_remove(run_dir, o.name);
	}
	if (r < 0) {
		log_error("%s", e.msg);
		return EXIT_NETRUN;
	}
	if (o.detach) {
		r = detach_fork(run_dir, &o, &ready_fd);
		if (r != 0)
			return r > 0 ? 0 : EXIT_NETRUN;
	}
	/* first: another run of the name sees this one alive (state_create()) */
	state_pid_write(run_dir, o.name, "supervisor", getpid());
	r = http_init(&c, socket_path, &e);
	if (r == 0 && net)
		r = netdcall_check(&c, &e);
	if (r == 0 && o.pod)
		r = pod_join_open(run_dir, o.pod, o.pod_fds, &e);
	if (r == 0 && o.userns && o.n_layers)
		r = layers_userns_mount(run_dir, &o, &e);
	l = (struct cgroup_limits){ o.memory, o.cpu_quota_us, o.pids_max };
	if (r == 0) {
		char parent[CGROUP_PATH_MAX / 2];

		cgroup_parent(o.pod, parent, sizeof(parent));
		r = cgroup_plan(&cg, parent, o.name, &l, &e);
		/* v2: the init is born in its cgroup (CLONE_INTO_CGROUP), which must exist */
		if (r == 0 && cg.v2)
			r = cgroup_make(&cg, &l, &e);
	}
	if (r < 0)
		goto out;
	signals_block(&old);
	r = spawn_container(&o, &cg, &pid, &in_cgroup, &sync_fd, &err_fd, &e);
	pod_fds_close(&o);
	if (r < 0)
		goto out;
	child_pid = pid;
	/*
	 * netd attaches the container, and netrun makes its v1 cgroups and writes its state, while
	 * it builds its file system (on the other CPU); with --userns netrun moves it into its
	 * cgroups (container root cannot write the host's cgroup files, nor its own maps)
	 * meanwhile. It enters its cgroups, and then goes on to its workload, only after "go".
	 */
	if (net) {
		attach_fd = netdcall_attach_send(&c, &o, pid, &e);
		r = attach_fd < 0 ? attach_fd : 0;
	}
	if (r == 0 && !cg.v2)
		r = cgroup_make(&cg, &l, &e);
	if (r == 0) {
		state_config(run_dir, &o);
		state_pid_write(run_dir, o.name, "init", pid);
	}
	if (r == 0 && o.userns && !in_cgroup)
		r = cgroup_attach(&cg, pid, &e);
	if (r == 0 && o.userns) {
		r = spawn_userns_map(pid, &o, &e);
		if (r == 0 && write(sync_fd, "m", 1) != 1)
			r = err_set(&e, errno, "start the container: %s", strerror(errno));
	}
	if (attach_fd >= 0) {
		struct netd_error e2 = NETD_ERROR_INIT;
		int r2 = netdcall_attach_recv(&c, TAKE_FD(attach_fd), &e2);

		attached = r2 == 0;
		if (r == 0 && r2 < 0) {
			e = e2;
			r = err_wrap(&e, "attach to netd");
		}
	}
	if (r < 0) {
		struct netd_error e2 = NETD_ERROR_INIT;

		(void)kill(pid, SIGKILL);
		(void)wait_status(pid);
		/* a container whose setup failed is gone before netd could attach it: say why */
		if (setup_result(err_fd, &e2) < 0)
			e = e2;
		goto out;
	}
	signals_forward(&old);
	/* a container that failed its setup before "go" has its message waiting already */
	if (write(sync_fd, "g", 1) != 1) {
		int w = errno;

		r = setup_result(err_fd, &e);
		if (r == 0)
			r = err_set(&e, w, "start the container: %s", strerror(w));
		(void)kill(pid, SIGKILL);
	} else {
		r = setup_result(err_fd, &e);
	}
	if (r == 0 && ready_fd >= 0) {
		(void)!write(ready_fd, "r", 1);
		(void)close(TAKE_FD(ready_fd));
	}
	rc = wait_status(pid);
	if (r < 0)
		rc = EXIT_NETRUN;
out:
	pod_fds_close(&o);
	if (r < 0)
		log_error("%s", e.msg);
	if (attached) {
		struct netd_error e2 = NETD_ERROR_INIT;

		if (netdcall_detach(&c, &o, &e2) < 0)
			log_error("detach from netd: %s", e2.msg);
	}
	cgroup_remove(&cg);
	/* the container's mount namespace, and so its overlay, ended with its last process */
	if (o.n_layers && o.userns)
		layers_userns_umount(run_dir, &o);
	if (o.n_layers)
		layers_remove(run_dir, o.name, o.keep);
	/* --keep: the state stays too, for ps and rm */
	if (o.detach || o.keep) {
		char v[32];
		int n = snprintf(v, sizeof(v), "%d\n", rc);

		(void)state_write(run_dir, o.name, "status", v, (size_t)n);
	} else {
		state_remove(run_dir, o.name);
	}
	return rc;
}

/* netrun's own command line, which the container's init blanks (netrun_hide_cmdline()) */
static char *cmdline_start;
static size_t cmdline_len;

/**
 * netrun_hide_cmdline() - make /proc/PID/cmdline of this process just "netrun-init": the
 * container's PID 1 is a fork of netrun, and netrun's arguments (host paths, the socket) are
 * none of the workload's business
 */
void netrun_hide_cmdline(void)
{
	static const char title[] = "netrun-init";

	if (!cmdline_start || cmdline_len < sizeof(title))
		return;
	memset(cmdline_start, 0, cmdline_len);
	memcpy(cmdline_start, title, sizeof(title));
}

int main(int argc, char **argv)
{
	const char *socket_path = NULL, *run_dir = getenv(NETRUN_RUN_DIR_ENV);
	int i;

	/* the arguments lie end to end: their area, to blank in the container's init */
	cmdline_start = argv[0];
	cmdline_len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[0]);

	log_set_ident("netrun");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
			socket_path = argv[++i];
		} else if (strcmp(argv[i], "--run-dir") == 0 && i + 1 < argc) {
			run_dir = argv[++i];
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			break;
		}
	}
	if (!run_dir || !*run_dir)
		run_dir = NETRUN_RUN_DIR_DEFAULT;
	if (i < argc && strcmp(argv[i], "run") == 0)
		return cmd_run(socket_path, run_dir, argc - i, argv + i);
	if (i < argc && strcmp(argv[i], "ps") == 0)
		return ctl_ps(run_dir, argc - i, argv + i);
	if (i < argc && strcmp(argv[i], "stop") == 0)
		return ctl_stop(run_dir, argc - i, argv + i);
	if (i < argc && strcmp(argv[i], "logs") == 0)
		return ctl_logs(run_dir, argc - i, argv + i);
	if (i < argc && strcmp(argv[i], "rm") == 0)
		return ctl_rm(run_dir, argc - i, argv + i);
	if (i < argc && strcmp(argv[i], "pod") == 0)
		return pod_main(socket_path, run_dir, argc - i, argv + i);
	if (i < argc && strcmp(argv[i], "stats") == 0)
		return ctl_stats(run_dir, argc - i, argv + i);
	if (i < argc && strcmp(argv[i], "exec") == 0)
		return ctl_exec(run_dir, argc - i, argv + i);
	usage(stderr);
	return EXIT_USAGE;
}
