// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroup.c - the container's cgroups: memory, CPU quota and pids limits on cgroup v2 (one
 * unified hierarchy) or v1/hybrid hosts (one hierarchy per controller under /sys/fs/cgroup);
 * which one is detected from the file system types, never assumed
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "netrun.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
/* a pod's cgroup is CGROUP_PODS/POD below netrun's */
#define CGROUP_PODS ".pods"
/* netrun/.pods/POD/NAME: the most cgroup_remove() climbs */
#define CGROUP_DEPTH_MAX 4

/* the v1 hierarchies a container gets a directory in; cpuacct counts its CPU time */
static const char *const ctrls_v1[] = { "memory", "cpu", "cpuacct", "pids" };
#define CPU_PERIOD_US 100000
/* a container's last processes can take a moment to leave after PID 1 died */
#define RMDIR_TRIES 200
#define RMDIR_WAIT_NS (5 * 1000 * 1000)

static int write_file(const char *dir, const char *file, const char *val, struct netd_error *e)
{
	char path[CGROUP_PATH_MAX + 32];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(val);

	(void)snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno, "open %s: %s", path, strerror(errno));
	if (write(fd, val, len) != (ssize_t)len)
		return err_set(e, errno, "write '%s' to %s: %s", val, path, strerror(errno));
	return 0;
}

static bool fs_is(const char *path, long magic)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && (long)sfs.f_type == magic;
}

static int mkdir_ok(const char *path, struct netd_error *e)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return err_set(e, errno, "mkdir %s: %s", path, strerror(errno));
	return 0;
}

/* a v1 hierarchy already in @cg: cpu and cpuacct are often one, mounted twice (cpu,cpuacct) */
static bool same_hierarchy(const struct cgroup *cg, const char *base)
{
	struct stat a, b;
	char root[CGROUP_PATH_MAX];
	int i;

	if (stat(base, &a) < 0)
		return false;
	for (i = 0; i < cg->n; i++) {
		(void)snprintf(root, sizeof(root), "%s/%s", CGROUP_ROOT, cg->ctrl[i]);
		if (stat(root, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return true;
	}
	return false;
}

/* mkdir each component of @parent under @base (v2: with the controllers enabled below it) */
static int parents_make(const char *base, const char *parent, bool v2, struct netd_error *e)
{
	char path[CGROUP_PATH_MAX];
	size_t len = strlen(base);
	const char *p = parent;
	int r;

	if (len + 1 + strlen(parent) >= sizeof(path))
		return err_set(e, ENAMETOOLONG, "cgroup path too long");
	memcpy(path, base, len + 1);
	for (;;) {
		size_t n = strcspn(p, "/");

		if (v2) {
			/* missing controllers show up as the write of their limit failing */
			(void)write_file(path, "cgroup.subtree_control", "+memory", NULL);
			(void)write_file(path, "cgroup.subtree_control", "+cpu", NULL);
			(void)write_file(path, "cgroup.subtree_control", "+pids", NULL);
		}
		if (!n)
			break;
		path[len] = '/';
		memcpy(path + len + 1, p, n);
		len += n + 1;
		path[len] = '\0';
		r = mkdir_ok(path, e);
		if (r < 0)
			return r;
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

/* the directory of the hierarchy at @base, PARENT/NAME below it: planned, not made yet */
static int add_dir(struct cgroup *cg, const char *base, const char *ctrl, const char *parent,
		   const char *name, struct netd_error *e)
{
	char *path = cg->paths[cg->n];
	int n;

	n = snprintf(path, sizeof(cg->paths[0]), "%s/%s/%s", base, parent, name);
	if (n < 0 || (size_t)n >= sizeof(cg->paths[0]))
		return err_set(e, ENAMETOOLONG, "cgroup path too long");
	STRLCPY(cg->ctrl[cg->n], ctrl);
	cg->base_len[cg->n] = strlen(base);
	cg->n++;
	return 0;
}

/* mkdir the @i-th directory of @cg and the parents it needs */
static int make_dir(const struct cgroup *cg, int i, struct netd_error *e)
{
	char base[CGROUP_PATH_MAX];
	const char *path = cg->paths[i];
	int r, tries;

	(void)snprintf(base, sizeof(base), "%.*s", (int)cg->base_len[i], path);
	/* twice: a pod's last container ending may remove the pod's directory in between */
	for (tries = 0; tries < 2; tries++) {
		r = parents_make(base, cg->parent, cg->v2, e);
		if (r < 0)
			return r;
		r = mkdir(path, 0755);
		/* left by a netrun that was SIGKILLed: rmdir() only removes it when it is empty */
		if (r < 0 && errno == EEXIST && rmdir(path) == 0)
			r = mkdir(path, 0755);
		if (r == 0 || errno != ENOENT)
			break;
	}
	if (r < 0)
		return err_set(e, errno, "mkdir %s: %s", path,
			       errno == EEXIST || errno == EBUSY ?
				       "a container of that name runs already" :
				       strerror(errno));
	return 0;
}

static int limits_v2(const struct cgroup *cg, const struct cgroup_limits *l, struct netd_error *e)
{
	char v[64];
	int r = 0;

	if (l->memory) {
		(void)snprintf(v, sizeof(v), "%" PRIu64, l->memory);
		r = write_file(cg->paths[0], "memory.max", v, e);
		/* no swap past the limit, as Docker's default memory-swap = memory on v2 */
		if (r == 0)
			(void)write_file(cg->paths[0], "memory.swap.max", "0", NULL);
	}
	if (r == 0 && l->cpu_quota_us) {
		(void)snprintf(v, sizeof(v), "%" PRIu64 " %d", l->cpu_quota_us, CPU_PERIOD_US);
		r = write_file(cg->paths[0], "cpu.max", v, e);
	}
	if (r == 0 && l->pids_max) {
		(void)snprintf(v, sizeof(v), "%" PRIu64, l->pids_max);
		r = write_file(cg->paths[0], "pids.max", v, e);
	}
	return r;
}

/* v1: one directory per controller */
static int limit_v1(const char *dir, const char *ctrl, const struct cgroup_limits *l,
		    struct netd_error *e)
{
	char v[64];
	char path[CGROUP_PATH_MAX + 32];
	int r = 0;

	if (strcmp(ctrl, "memory") == 0 && l->memory) {
		(void)snprintf(v, sizeof(v), "%" PRIu64, l->memory);
		r = write_file(dir, "memory.limit_in_bytes", v, e);
		(void)snprintf(path, sizeof(path), "%s/memory.memsw.limit_in_bytes", dir);
		if (r == 0 && access(path, F_OK) == 0)
			r = write_file(dir, "memory.memsw.limit_in_bytes", v, e);
	} else if (strcmp(ctrl, "cpu") == 0 && l->cpu_quota_us) {
		(void)snprintf(v, sizeof(v), "%d", CPU_PERIOD_US);
		r = write_file(dir, "cpu.cfs_period_us", v, e);
		(void)snprintf(v, sizeof(v), "%" PRIu64, l->cpu_quota_us);
		if (r == 0)
			r = write_file(dir, "cpu.cfs_quota_us", v, e);
	} else if (strcmp(ctrl, "pids") == 0 && l->pids_max) {
		(void)snprintf(v, sizeof(v), "%" PRIu64, l->pids_max);
		r = write_file(dir, "pids.max", v, e);
	}
	return r;
}

static bool wanted(const char *ctrl, const struct cgroup_limits *l)
{
	return (strcmp(ctrl, "memory") == 0 && l->memory) ||
	       (strcmp(ctrl, "cpu") == 0 && l->cpu_quota_us) ||
	       (strcmp(ctrl, "pids") == 0 && l->pids_max);
}

/**
 * cgroup_parent() - where a container's cgroup goes, below each hierarchy's root
 * @pod:	its pod, or NULL
 * @buf:	"netrun", or for a pod's container "netrun/.pods/POD" (as Kubernetes puts a pod's
 *		containers under the pod's cgroup); names never start with '.', so no container's
 *		cgroup can be ".pods"
 * @size:	its size
 */
void cgroup_parent(const char *pod, char *buf, size_t size)
{
	if (pod)
		(void)snprintf(buf, size, "%s/%s/%s", NETRUN_CGROUP_PARENT, CGROUP_PODS, pod);
	else
		(void)snprintf(buf, size, "%s", NETRUN_CGROUP_PARENT);
}

/**
 * cgroup_plan() - where the cgroup(s) PARENT/NAME go, without making them (cgroup_make())
 * @cg:		filled in (cgroup_remove() may be called on it, made or not)
 * @parent:	from cgroup_parent(), or a pod's "netrun/.pods" (cgroup_make() makes it if missing)
 * @name:	the cgroup's name
 * @l:		limits (zero: none): a limit on a controller the host lacks is an error here
 * @e:		error context
 *
 * cgroup v2 when /sys/fs/cgroup is cgroup2, else a directory in each v1 hierarchy of memory,
 * cpu, cpuacct (CPU time, for stats) and pids found there. Only looks: the container's init
 * can be cloned with these paths while netrun makes the directories (v1).
 *
 * Return: 0 or negative errno
 */
int cgroup_plan(struct cgroup *cg, const char *parent, const char *name,
		const struct cgroup_limits *l, struct netd_error *e)
{
	char base[128];
	size_t i;
	int r;

	memset(cg, 0, sizeof(*cg));
	STRLCPY(cg->parent, parent);
	if (fs_is(CGROUP_ROOT, CGROUP2_SUPER_MAGIC)) {
		cg->v2 = true;
		return add_dir(cg, CGROUP_ROOT, "", parent, name, e);
	}
	for (i = 0; i < ARRAY_SIZE(ctrls_v1); i++) {
		(void)snprintf(base, sizeof(base), "%s/%s", CGROUP_ROOT, ctrls_v1[i]);
		if (!fs_is(base, CGROUP_SUPER_MAGIC)) {
			if (wanted(ctrls_v1[i], l))
				return err_set(
					e, EOPNOTSUPP,
					"no cgroup v1 '%s' controller at %s, and no cgroup v2",
					ctrls_v1[i], base);
			continue;
		}
		if (same_hierarchy(cg, base))
			continue;
		r = add_dir(cg, base, ctrls_v1[i], parent, name, e);
		if (r < 0)
			return r;
	}
	return 0;
}

/**
 * cgroup_make() - make the directories cgroup_plan() chose, with the limits
 * @cg:		from cgroup_plan(); cgroup_remove() undoes even a partial make
 * @l:		limits (zero: none), the same as cgroup_plan()'s
 * @e:		error context
 *
 * Return: 0 or negative errno (-EEXIST: a container of that name runs already)
 */
int cgroup_make(struct cgroup *cg, const struct cgroup_limits *l, struct netd_error *e)
{
	int i, r;

	for (i = 0; i < cg->n; i++) {
		r = make_dir(cg, i, e);
		if (r == 0)
			cg->made = i + 1;
		if (r == 0)
			r = cg->v2 ? limits_v2(cg, l, e) :
				     limit_v1(cg->paths[i], cg->ctrl[i], l, e);
		if (r < 0)
			return r;
	}
	return 0;
}

/**
 * cgroup_create() - create the cgroup(s) PARENT/NAME with limits: cgroup_plan(), cgroup_make()
 * @cg:		filled in; cgroup_remove() undoes even a partial create
 * @parent:	from cgroup_parent(), or a pod's "netrun/.pods"; made when missing
 * @name:	the cgroup's name
 * @l:		limits (zero: none)
 * @e:		error context
 *
 * Return: 0 or negative errno (-EEXIST: a container of that name runs already)
 */
int cgroup_create(struct cgroup *cg, const char *parent, const char *name,
		  const struct cgroup_limits *l, struct netd_error *e)
{
	int r = cgroup_plan(cg, parent, name, l, e);

	return r < 0 ? r : cgroup_make(cg, l, e);
}

/**
 * cgroup_attach() - move a process into the container's cgroup(s)
 * @cg:		created cgroups
 * @pid:	process, 0 for the caller
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int cgroup_attach(const struct cgroup *cg, pid_t pid, struct netd_error *e)
{
	char v[32];
	int i, r;

	(void)snprintf(v, sizeof(v), "%d", (int)pid);
	for (i = 0; i < cg->n; i++) {
		r = write_file(cg->paths[i], "cgroup.procs", v, e);
		if (r < 0)
			return r;
	}
	return 0;
}

/**
 * cgroup_open() - open each hierarchy the container's cgroups are in, to enter them later with
 *		   cgroup_enter_at(), when its root file system no longer shows the host's
 * @cg:		from cgroup_plan(): the directories need not exist yet
 * @ret_fds:	CGROUP_MAX entries: an O_PATH descriptor of each hierarchy's root, -1 past cg->n
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int cgroup_open(const struct cgroup *cg, int *ret_fds, struct netd_error *e)
{
	char base[CGROUP_PATH_MAX];
	int fds[CGROUP_MAX], i;

	for (i = 0; i < CGROUP_MAX; i++)
		fds[i] = -1;
	for (i = 0; i < cg->n; i++) {
		(void)snprintf(base, sizeof(base), "%.*s", (int)cg->base_len[i], cg->paths[i]);
		fds[i] = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fds[i] < 0) {
			int r = errno;

			cgroup_close(fds);
			return err_set(e, r, "open %s: %s", base, strerror(r));
		}
	}
	memcpy(ret_fds, fds, sizeof(fds));
	return 0;
}

/**
 * cgroup_close() - close what cgroup_open() opened
 * @fds:	CGROUP_MAX descriptors, -1 for none; all -1 afterwards
 */
void cgroup_close(int *fds)
{
	int i;

	for (i = 0; i < CGROUP_MAX; i++)
		if (fds[i] >= 0)
			(void)close(TAKE_FD(fds[i]));
}

/* write "0" to FILE of the @i-th directory of @cg, through the hierarchy's @fd or its path */
static int enter_one(const struct cgroup *cg, int i, int fd, const char *file, struct netd_error *e)
{
	char rel[CGROUP_PATH_MAX + 32];
	_cleanup_close_ int f = -1;

	(void)snprintf(rel, sizeof(rel), "%s/%s",
		       cg->paths[i] + (fd >= 0 ? cg->base_len[i] + 1 : 0), file);
	f = openat(fd >= 0 ? fd : AT_FDCWD, rel, O_WRONLY | O_CLOEXEC);
	if (f < 0 || write(f, "0", 1) != 1)
		return err_set(e, errno, "enter %s: %s/%s: %s",
			       cg->ctrl[i][0] ? cg->ctrl[i] : "cgroup", cg->paths[i], file,
			       strerror(errno));
	return 0;
}

/**
 * cgroup_enter_at() - cgroup_enter() through the hierarchies cgroup_open() opened
 * @cg:		made cgroups
 * @fds:	from cgroup_open()
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int cgroup_enter_at(const struct cgroup *cg, const int *fds, struct netd_error *e)
{
	int i, r;

	for (i = 0; i < cg->n; i++) {
		r = enter_one(cg, i, fds[i], cg->v2 ? "cgroup.procs" : "tasks", e);
		if (r < 0)
			return r;
	}
	return 0;
}

/**
 * cgroup_enter() - move the calling process, single-threaded, into the container's cgroup(s)
 * @cg:		created cgroups
 * @e:		error context
 *
 * On v1 the calling thread writes "0" to each hierarchy's `tasks` file: the kernel moves the
 * caller alone then, without taking cgroup_threadgroup_rwsem for writing, whose first taking
 * waits for an RCU grace period (10-15 ms here, on every launch: most of a container's start);
 * writing a pid to cgroup.procs, as runc and crun do, pays it. The caller has one thread, so
 * that moves the whole process. On v2 (no `tasks`) it writes "0" to cgroup.procs.
 *
 * Return: 0 or negative errno
 */
int cgroup_enter(const struct cgroup *cg, struct netd_error *e)
{
	int i, r;

	for (i = 0; i < cg->n; i++) {
		r = enter_one(cg, i, -1, cg->v2 ? "cgroup.procs" : "tasks", e);
		if (r < 0)
			return r;
	}
	return 0;
}

/* netrun's and netrun/.pods stay, as Docker's /docker: a pod's own directory does not */
static bool cgroup_dir_kept(const char *path, size_t base_len)
{
	const char *rel = path + base_len;

	return strcmp(rel, "/" NETRUN_CGROUP_PARENT) == 0 ||
	       strcmp(rel, "/" NETRUN_CGROUP_PARENT "/" CGROUP_PODS) == 0;
}

/**
 * cgroup_remove() - remove the cgroups made (bounded wait for the last processes), and the
 *		     pod directory above them that nothing else uses any more
 * @cg:		cgroups; emptied
 *
 * "netrun" and "netrun/.pods" are kept, as Docker keeps /docker and systemd machine.slice:
 * making and removing them with every container doubled the cgroup operations of a launch
 * (a quarter of a millisecond here on v1, four hierarchies).
 */
void cgroup_remove(struct cgroup *cg)
{
	struct timespec ts = { 0, RMDIR_WAIT_NS };
	int i, t, up;

	for (i = 0; i < cg->made; i++) {
		char *slash;

		for (t = 0; t < RMDIR_TRIES; t++) {
			if (rmdir(cg->paths[i]) == 0 || errno != EBUSY)
				break;
			(void)nanosleep(&ts, NULL);
		}
		/* a pod's directory goes with its last user; busy (not empty) means others run */
		for (up = 0; up < CGROUP_DEPTH_MAX; up++) {
			slash = strrchr(cg->paths[i], '/');
			if (!slash || (size_t)(slash - cg->paths[i]) <= cg->base_len[i])
				break;
			*slash = '\0';
			if (cgroup_dir_kept(cg->paths[i], cg->base_len[i]) ||
			    rmdir(cg->paths[i]) < 0)
				break;
		}
	}
	cg->n = 0;
	cg->made = 0;
}

/**
 * cgroup_find() - the cgroups of a container (or a pod) that exist, to join or to read
 * @cg:		filled in
 * @parent:	from cgroup_parent()
 * @name:	container
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int cgroup_find(struct cgroup *cg, const char *parent, const char *name, struct netd_error *e)
{
	char path[CGROUP_PATH_MAX];
	size_t i;
	int n;

	memset(cg, 0, sizeof(*cg));
	STRLCPY(cg->parent, parent);
	if (fs_is(CGROUP_ROOT, CGROUP2_SUPER_MAGIC)) {
		cg->v2 = true;
		n = snprintf(path, sizeof(path), "%s/%s/%s", CGROUP_ROOT, parent, name);
		if (n < 0 || (size_t)n >= sizeof(path) || access(path, F_OK) < 0)
			return err_set(e, ENOENT, "no cgroup of '%s'", name);
		cg->base_len[cg->n] = strlen(CGROUP_ROOT);
		STRLCPY(cg->paths[cg->n++], path);
		cg->made = cg->n;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(ctrls_v1); i++) {
		char base[128];

		(void)snprintf(base, sizeof(base), "%s/%s", CGROUP_ROOT, ctrls_v1[i]);
		if (same_hierarchy(cg, base))
			continue;
		n = snprintf(path, sizeof(path), "%s/%s/%s", base, parent, name);
		if (n > 0 && (size_t)n < sizeof(path) && access(path, F_OK) == 0) {
			STRLCPY(cg->ctrl[cg->n], ctrls_v1[i]);
			cg->base_len[cg->n] = strlen(base);
			STRLCPY(cg->paths[cg->n++], path);
		}
	}
	cg->made = cg->n;
	return cg->n ? 0 : err_set(e, ENOENT, "no cgroup of '%s'", name);
}

/* the directory of v1 controller @ctrl (or the v2 one), NULL when there is none */
static const char *dir_of(const struct cgroup *cg, const char *ctrl)
{
	int i;

	if (cg->v2)
		return cg->n ? cg->paths[0] : NULL;
	for (i = 0; i < cg->n; i++)
		if (strcmp(cg->ctrl[i], ctrl) == 0)
			return cg->paths[i];
	/* cpu and cpuacct mounted together: cpuacct's files are in cpu's directory */
	if (strcmp(ctrl, "cpuacct") == 0)
		return dir_of(cg, "cpu");
	return NULL;
}

static int read_text(const char *dir, const char *file, char *buf, size_t size)
{
	char path[CGROUP_PATH_MAX + 32];
	ssize_t n;

	if (!dir)
		return -ENOENT;
	(void)snprintf(path, sizeof(path), "%s/%s", dir, file);
	n = text_read(path, 0, buf, size);
	return n < 0 ? (int)n : 0;
}

/* a number from a file; "max" (and v1's "unlimited" page counter) is UINT64_MAX */
static int read_u64(const char *dir, const char *file, uint64_t *ret)
{
	char buf[64], *end;
	int r = read_text(dir, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	if (strncmp(buf, "max", 3) == 0) {
		*ret = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*ret = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	/* v1 says "no limit" with the largest page-aligned count (PAGE_COUNTER_MAX pages) */
	if (*ret >= (UINT64_C(1) << 62))
		*ret = UINT64_MAX;
	return 0;
}

/* "key value" line of a flat-keyed file (memory.stat, cpu.stat) */
static int read_key(const char *dir, const char *file, const char *key, uint64_t *ret)
{
	char buf[8192], *p;
	size_t n = strlen(key);
	int r = read_text(dir, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, n) == 0 && p[n] == ' ') {
			*ret = strtoull(p + n + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * the limit that holds: the smallest of @dir's and its parents' up to netrun's (a pod's
 * containers are held by the pod's limit too, which their own do not show)
 */
static void read_limit(const struct cgroup *cg, const char *dir, const char *file, uint64_t *ret)
{
	char path[CGROUP_PATH_MAX], *slash;
	const char *p;
	int depth = 0, i;
	uint64_t v;

	if (!dir)
		return;
	for (p = cg->parent; *p; p++)
		depth += *p == '/';
	STRLCPY(path, dir);
	for (i = 0; i <= depth; i++) {
		if (read_u64(path, file, &v) == 0 && v < *ret)
			*ret = v;
		slash = strrchr(path, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
}

/**
 * cgroup_stats_read() - what the container's cgroups have counted so far
 * @cg:		from cgroup_find()
 * @ret:	filled in; a value the host does not count is UINT64_MAX, a limit not set too
 *
 * A limit is the one that holds: a pod's, when it is lower than its container's own.
 * Memory is usage less the inactive file cache, as `docker stats` shows it (v1:
 * memory.usage_in_bytes - total_inactive_file; v2: memory.current - inactive_file). CPU is
 * cumulative, in ns (v1 cpuacct.usage; v2 cpu.stat usage_usec).
 */
void cgroup_stats_read(const struct cgroup *cg, struct cgroup_stats *ret)
{
	const char *mem = dir_of(cg, "memory"), *cpu = dir_of(cg, "cpuacct");
	const char *pids = dir_of(cg, "pids");
	uint64_t v, inactive = 0;

	memset(ret, 0xff, sizeof(*ret));
	if (cg->v2) {
		if (read_u64(mem, "memory.current", &v) == 0) {
			(void)read_key(mem, "memory.stat", "inactive_file", &inactive);
			ret->memory = v > inactive ? v - inactive : v;
		}
		read_limit(cg, mem, "memory.max", &ret->memory_limit);
		if (read_key(cpu, "cpu.stat", "usage_usec", &v) == 0)
			ret->cpu_ns = v * 1000;
	} else {
		if (read_u64(mem, "memory.usage_in_bytes", &v) == 0) {
			(void)read_key(mem, "memory.stat", "total_inactive_file", &inactive);
			ret->memory = v > inactive ? v - inactive : v;
		}
		read_limit(cg, mem, "memory.limit_in_bytes", &ret->memory_limit);
		(void)read_u64(cpu, "cpuacct.usage", &ret->cpu_ns);
	}
	(void)read_u64(pids, "pids.current", &ret->pids);
	read_limit(cg, pids, "pids.max", &ret->pids_limit);
}
