// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pod.c - pods, as the seeds' pause container: `netrun pod create` starts a tiny pause process,
 * PID 1 of a pid namespace of its own, holding new net, ipc and uts namespaces that netd
 * attaches with the pod's ports; `netrun run --pod` joins those three, so the pod's containers
 * share localhost and its published ports; `netrun pod rm` ends it and detaches it
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netd/log.h>
#include <netd/naming.h>
#include <netd/parse.h>

#include "netrun.h"

#define EXIT_NETRUN 125
#define PODS_DIR ".pods"
#define PAUSE_COMM "netrun-pause"
#define POLL_NS (20 * 1000 * 1000)
/* 5 s for the pause to end on SIGTERM, then SIGKILL and as long again */
#define STOP_POLLS 250
#define CPU_PERIOD_US 100000
#define PIDS_LIMIT_MAX 4194304
/* the pause's own cgroup below the pod's: names never start with '.', so no container has it */
#define PAUSE_CGROUP ".pause"

static const struct {
	const char *name;
	int type;
} pod_nss[NETRUN_POD_NS] = {
	{ "net", CLONE_NEWNET },
	{ "ipc", CLONE_NEWIPC },
	{ "uts", CLONE_NEWUTS },
};

static int pods_dir(const char *run_dir, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/" PODS_DIR, run_dir);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* the pod's pause, if it is still there and still ours: not a reused pid, not a zombie */
static pid_t pause_pid(const char *dir, const char *name)
{
	char path[64], stat[256];
	pid_t pid = state_pid(dir, name, "supervisor");
	const char *p;

	if (!pid)
		return 0;
	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (text_read(path, 0, stat, sizeof(stat)) <= 0)
		return 0;
	p = strrchr(stat, ')');
	if (!strstr(stat, "(" PAUSE_COMM ")") || !p || p[1] != ' ' || p[2] == 'Z')
		return 0;
	return pid;
}

/* the pause: sleeps until SIGTERM (or SIGINT); as PID 1 it also reaps what would be orphaned */
static _Noreturn void pause_main(const char *name, bool lo, const struct cgroup *cg, int ready_fd)
{
	struct netd_error e = NETD_ERROR_INIT;
	sigset_t set;
	int null;

	(void)prctl(PR_SET_NAME, PAUSE_COMM, 0, 0, 0);
	(void)setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		(void)dup2(null, STDIN_FILENO);
		(void)dup2(null, STDOUT_FILENO);
		(void)dup2(null, STDERR_FILENO);
	}
	/* nothing of netrun's stays open but the pipe, nor its working directory busy */
	if (ready_fd != 3 && dup2(ready_fd, 3) < 0)
		_exit(EXIT_NETRUN);
	ready_fd = 3;
	(void)syscall(SYS_close_range, 4U, ~0U, 0U);
	(void)!chdir("/");
	if (cgroup_enter(cg, &e) < 0 || sethostname(name, strlen(name)) < 0 ||
	    (lo && netdcall_lo_up(&e) < 0))
		_exit(EXIT_NETRUN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &set, NULL);
	if (write(ready_fd, "r", 1) != 1)
		_exit(EXIT_NETRUN);
	(void)close(ready_fd);
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);

		if (sig == SIGTERM || sig == SIGINT)
			_exit(0);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}

static int pause_spawn(const char *name, bool lo, const struct cgroup *cg, pid_t *ret_pid,
		       struct netd_error *e)
{
	int p[2];
	long pid;
	char c;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return err_set(e, errno, "pipe: %s", strerror(errno));
	(void)fflush(NULL);
	pid = syscall(SYS_clone,
		      CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD, NULL,
		      NULL, NULL, NULL);
	if (pid == 0) {
		(void)close(p[0]);
		pause_main(name, lo, cg, p[1]);
	}
	(void)close(p[1]);
	if (pid < 0) {
		int r = errno;

		(void)close(p[0]);
		return err_set(e, r, "clone the pause into new namespaces: %s", strerror(r));
	}
	do
		n = read(p[0], &c, 1);
	while (n < 0 && errno == EINTR);
	(void)close(p[0]);
	if (n != 1) {
		(void)kill((pid_t)pid, SIGKILL);
		(void)waitpid((pid_t)pid, NULL, 0);
		return err_set(e, EIO, "the pause failed to start");
	}
	*ret_pid = (pid_t)pid;
	return 0;
}

/*
 * The pod's cgroup, netrun/.pods/POD, with the pod's limits, as Kubernetes' pod cgroup: its
 * containers' cgroups go below it (cgroup_parent()), so the limits hold for all of them
 * together; and the pause's own, POD/.pause (v2 allows processes only in leaves)
 */
static int pod_cgroups(const struct run_opts *o, struct cgroup *ret_pod, struct cgroup *ret_pause,
		       struct netd_error *e)
{
	struct cgroup_limits l = { o->memory, o->cpu_quota_us, o->pids_max }, none = { 0 };
	char parent[CGROUP_PATH_MAX / 2];
	int r;

	(void)snprintf(parent, sizeof(parent), "%s/%s", NETRUN_CGROUP_PARENT, ".pods");
	r = cgroup_create(ret_pod, parent, o->name, &l, e);
	if (r < 0)
		return r;
	cgroup_parent(o->name, parent, sizeof(parent));
	return cgroup_create(ret_pause, parent, PAUSE_CGROUP, &none, e);
}

/* no process in any of @cg's hierarchies */
static bool cgroup_unused(const struct cgroup *cg)
{
	int i;

	for (i = 0; i < cg->n; i++) {
		char path[CGROUP_PATH_MAX + 16], c;
		_cleanup_close_ int fd = -1;

		(void)snprintf(path, sizeof(path), "%s/cgroup.procs", cg->paths[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && read(fd, &c, 1) == 1)
			return false;
	}
	return true;
}

/*
 * The cgroups a pod of this name left when its pause was killed behind netrun's back (or
 * netrun with it): empty, they are removed, so the name can be used again; ones with
 * processes belong to a live pod (of another run directory) and stay.
 */
static void pod_cgroups_reclaim(const char *name)
{
	char parent[CGROUP_PATH_MAX / 2];
	struct cgroup pause, pod;

	cgroup_parent(name, parent, sizeof(parent));
	if (cgroup_find(&pause, parent, PAUSE_CGROUP, NULL) == 0 && pause.n > 0) {
		if (!cgroup_unused(&pause))
			return;
		cgroup_remove(&pause);
	}
	cgroup_parent(NULL, parent, sizeof(parent));
	(void)snprintf(parent + strlen(parent), sizeof(parent) - strlen(parent), "/.pods");
	if (cgroup_find(&pod, parent, name, NULL) == 0 && pod.n > 0 && cgroup_unused(&pod))
		cgroup_remove(&pod);
}

static int pod_create(const char *socket_path, const char *run_dir, int argc, char **argv)
{
	struct netd_error e = NETD_ERROR_INIT;
	struct http_client c = { 0 };
	struct cgroup pod_cg = { 0 }, pause_cg = { 0 };
	struct run_opts o;
	char dir[512], v[32];
	pid_t pid = 0;
	bool net;
	int i, r, n;

	memset(&o, 0, sizeof(o));
	o.network = "";
	if (argc < 3 || name_validate(argv[2]) < 0) {
		log_error("pod create: a pod name is required (netrun pod create NAME ...)");
		return EXIT_NETRUN;
	}
	STRLCPY(o.name, argv[2]);
	for (i = 3; i < argc; i++) {
		if (i + 1 >= argc) {
			log_error("pod create: %s needs a value", argv[i]);
			return EXIT_NETRUN;
		}
		if (strcmp(argv[i], "--network") == 0 || strcmp(argv[i], "--net") == 0) {
			o.network = argv[++i];
			if (strcmp(o.network, "none") != 0 && name_validate(o.network) < 0) {
				log_error("pod create: --network '%s': not a network name",
					  o.network);
				return EXIT_NETRUN;
			}
		} else if (strcmp(argv[i], "--memory") == 0 || strcmp(argv[i], "-m") == 0) {
			if (size_parse(argv[++i], &o.memory) < 0 || o.memory < 4096 * 1024) {
				log_error("pod create: --memory '%s': a size of at least 4m",
					  argv[i]);
				return EXIT_NETRUN;
			}
		} else if (strcmp(argv[i], "--cpus") == 0) {
			if (cpus_parse(argv[++i], CPU_PERIOD_US, &o.cpu_quota_us) < 0) {
				log_error("pod create: --cpus '%s': a number of CPUs from 0.01",
					  argv[i]);
				return EXIT_NETRUN;
			}
		} else if (strcmp(argv[i], "--pids-limit") == 0) {
			if (parse_u64(argv[++i], PIDS_LIMIT_MAX, &o.pids_max) < 0 || !o.pids_max) {
				log_error("pod create: --pids-limit '%s': 1 to %d", argv[i],
					  PIDS_LIMIT_MAX);
				return EXIT_NETRUN;
			}
		} else if (strcmp(argv[i], "-p") == 0 || strcmp(argv[i], "--publish") == 0) {
			if (o.n_ports >= NETRUN_MAX_PORTS) {
				log_error("pod create: at most %d -p", NETRUN_MAX_PORTS);
				return EXIT_NETRUN;
			}
			o.ports[o.n_ports++] = argv[++i];
		} else {
			log_error("pod create: unknown option '%s'", argv[i]);
			return EXIT_NETRUN;
		}
	}
	net = !run_opts_network_none(&o);
	if (!net && o.n_ports) {
		log_error("pod create: -p needs a network: not with --network none");
		return EXIT_NETRUN;
	}
	if (pods_dir(run_dir, dir, sizeof(dir)) < 0 ||
	    (mkdir(run_dir, 0700) < 0 && errno != EEXIST)) {
		log_error("pod create: %s: %s", run_dir, strerror(errno));
		return EXIT_NETRUN;
	}
	if (pause_pid(dir, o.name)) {
		log_error("pod create: a pod named '%s' is running", o.name);
		return EXIT_NETRUN;
	}
	/* a pod of that name that died without pod rm: its remains go first */
	if (state_read(dir, o.name, "config", v, sizeof(v)) >= 0)
		state_remove(dir, o.name);
	pod_cgroups_reclaim(o.name);
	(void)signal(SIGPIPE, SIG_IGN);
	r = state_create(dir, o.name, &e);
	if (r == 0)
		r = http_init(&c, socket_path, &e);
	if (r == 0 && net)
		r = netdcall_check(&c, &e);
	if (r == 0)
		r = pod_cgroups(&o, &pod_cg, &pause_cg, &e);
	if (r == 0)
		r = pause_spawn(o.name, !net, &pause_cg, &pid, &e);
	if (r == 0 && net) {
		r = netdcall_attach(&c, &o, pid, &e);
		if (r < 0)
			(void)err_wrap(&e, "attach to netd");
	}
	if (r < 0) {
		if (pid > 0) {
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, NULL, 0);
		}
		cgroup_remove(&pause_cg);
		cgroup_remove(&pod_cg);
		state_remove(dir, o.name);
		(void)rmdir(dir);
		log_error("pod create: %s", e.msg);
		return EXIT_NETRUN;
	}
	n = snprintf(v, sizeof(v), "%d\n", (int)pid);
	(void)state_write(dir, o.name, "supervisor", v, (size_t)n);
	(void)state_write(dir, o.name, "config", net ? "netd" : "none", 4);
	/* the pause goes on alone, an orphan; netrun's children are waited for, it is not */
	(void)printf("%s\n", o.name);
	return 0;
}

/* a running container still in the pod: the pod stays */
static bool pod_busy(const char *run_dir, const char *name, char *ret_ctr, size_t size)
{
	struct dirent *de;
	DIR *d = opendir(run_dir);
	bool busy = false;
	int n = 0;

	if (!d)
		return false;
	while (!busy && (de = readdir(d)) && n++ < 4096) {
		char pod[NETRUN_NAME_MAX], st[8];

		if (de->d_name[0] == '.' || name_validate(de->d_name) < 0)
			continue;
		if (state_read(run_dir, de->d_name, "pod", pod, sizeof(pod)) <= 0 ||
		    strcmp(pod, name) != 0)
			continue;
		if (state_pid(run_dir, de->d_name, "supervisor") &&
		    state_read(run_dir, de->d_name, "status", st, sizeof(st)) < 0) {
			(void)snprintf(ret_ctr, size, "%.63s", de->d_name);
			busy = true;
		}
	}
	(void)closedir(d);
	return busy;
}

static void sleep_poll(void)
{
	struct timespec ts = { 0, POLL_NS };

	(void)nanosleep(&ts, NULL);
}

static int pod_rm(const char *socket_path, const char *run_dir, int argc, char **argv)
{
	struct netd_error e = NETD_ERROR_INIT;
	char dir[512], cfg[16], ctr[NETRUN_NAME_MAX], parent[CGROUP_PATH_MAX / 2];
	struct http_client c = { 0 };
	struct cgroup cg;
	struct run_opts o;
	pid_t pid;
	int i, rc = 0;

	if (argc != 3 || name_validate(argv[2]) < 0) {
		log_error("pod rm: netrun pod rm NAME");
		return EXIT_NETRUN;
	}
	if (pods_dir(run_dir, dir, sizeof(dir)) < 0 ||
	    state_read(dir, argv[2], "config", cfg, sizeof(cfg)) < 0) {
		log_error("pod rm: no pod '%s'", argv[2]);
		return 1;
	}
	if (pod_busy(run_dir, argv[2], ctr, sizeof(ctr))) {
		log_error("pod rm: container '%s' runs in pod '%s': stop it first", ctr, argv[2]);
		return 1;
	}
	pid = pause_pid(dir, argv[2]);
	if (pid)
		(void)kill(pid, SIGTERM);
	for (i = 0; pid && i < STOP_POLLS && pause_pid(dir, argv[2]); i++)
		sleep_poll();
	if (pid && pause_pid(dir, argv[2]))
		(void)kill(pid, SIGKILL);
	for (i = 0; pid && i < STOP_POLLS && pause_pid(dir, argv[2]); i++)
		sleep_poll();
	if (pid && pause_pid(dir, argv[2])) {
		log_error("pod rm: the pause of '%s' (%d) did not end", argv[2], (int)pid);
		return 1;
	}
	if (strcmp(cfg, "netd") == 0) {
		memset(&o, 0, sizeof(o));
		STRLCPY(o.name, argv[2]);
		/* netd down: its monitor forgets the endpoint of the dead namespace later */
		if (http_init(&c, socket_path, &e) < 0 || netdcall_detach(&c, &o, &e) < 0) {
			log_error("pod rm: detach from netd: %s", e.msg);
			rc = 1;
		}
	}
	/* the pause's cgroup, then the pod's and the parents nothing else uses */
	cgroup_parent(argv[2], parent, sizeof(parent));
	if (cgroup_find(&cg, parent, PAUSE_CGROUP, NULL) == 0)
		cgroup_remove(&cg);
	cgroup_parent(NULL, parent, sizeof(parent));
	(void)snprintf(parent + strlen(parent), sizeof(parent) - strlen(parent), "/.pods");
	if (cgroup_find(&cg, parent, argv[2], NULL) == 0)
		cgroup_remove(&cg);
	state_remove(dir, argv[2]);
	(void)rmdir(dir);
	(void)printf("%s\n", argv[2]);
	return rc;
}

/**
 * pod_main() - `netrun pod create NAME [--network NET] [-p SPEC ...]` and `netrun pod rm NAME`
 * @socket_path: netd's socket, NULL for the default
 * @run_dir:	state root; pods are in RUN_DIR/.pods/NAME
 * @argc:	count
 * @argv:	"pod" ...
 *
 * Return: exit status
 */
int pod_main(const char *socket_path, const char *run_dir, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "create") == 0)
		return pod_create(socket_path, run_dir, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "rm") == 0)
		return pod_rm(socket_path, run_dir, argc, argv);
	log_error("pod: netrun pod create NAME [--network NET] [-p SPEC ...] | pod rm NAME");
	return EXIT_NETRUN;
}

/**
 * pod_join_open() - open the namespaces of a running pod's pause for a container to join
 * @run_dir:	state root
 * @pod:	pod name
 * @ret_fds:	NETRUN_POD_NS descriptors (net, ipc, uts), close-on-exec
 * @e:		error context
 *
 * Return: 0 or negative errno (-ENOENT: no such pod running)
 */
int pod_join_open(const char *run_dir, const char *pod, int *ret_fds, struct netd_error *e)
{
	char dir[512], path[64];
	int fds[NETRUN_POD_NS];
	size_t i, j;
	pid_t pid;

	if (pods_dir(run_dir, dir, sizeof(dir)) < 0)
		return err_set(e, ENAMETOOLONG, "state path too long");
	pid = pause_pid(dir, pod);
	if (!pid)
		return err_set(e, ENOENT, "--pod '%s': no such pod running", pod);
	for (i = 0; i < NETRUN_POD_NS; i++) {
		(void)snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, pod_nss[i].name);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			int r = errno;

			for (j = 0; j < i; j++)
				(void)close(fds[j]);
			return err_set(e, r, "--pod '%s': open %s: %s", pod, path, strerror(r));
		}
	}
	memcpy(ret_fds, fds, sizeof(fds));
	return 0;
}

/**
 * pod_join() - enter a pod's net, ipc and uts namespaces and close their descriptors
 * @fds:	from pod_join_open()
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int pod_join(const int *fds, struct netd_error *e)
{
	size_t i;
	int r = 0;

	for (i = 0; i < NETRUN_POD_NS; i++) {
		if (r == 0 && setns(fds[i], pod_nss[i].type) < 0)
			r = err_set(e, errno, "join the pod's %s namespace: %s", pod_nss[i].name,
				    strerror(errno));
		(void)close(fds[i]);
	}
	return r;
}
