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
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "netrun.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CPU_PERIOD_US 100000
/* a container's last processes can take a moment to leave after PID 1 died */
#define RMDIR_TRIES 200
#define RMDIR_WAIT_NS (5 * 1000 * 1000)

static int write_file(const char *dir, const char *file, const char *val, struct netd_error *e)
{
	char path[512];
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

static int add_dir(struct cgroup *cg, const char *base, const struct run_opts *o,
		   struct netd_error *e)
{
	char parent[160];
	int r;

	(void)snprintf(parent, sizeof(parent), "%s/%s", base, NETRUN_CGROUP_PARENT);
	r = mkdir_ok(parent, e);
	if (r < 0)
		return r;
	if (cg->v2) {
		/* missing controllers show up as the write of their limit failing */
		(void)write_file(base, "cgroup.subtree_control", "+memory", NULL);
		(void)write_file(base, "cgroup.subtree_control", "+cpu", NULL);
		(void)write_file(base, "cgroup.subtree_control", "+pids", NULL);
		(void)write_file(parent, "cgroup.subtree_control", "+memory", NULL);
		(void)write_file(parent, "cgroup.subtree_control", "+cpu", NULL);
		(void)write_file(parent, "cgroup.subtree_control", "+pids", NULL);
	}
	if (strlen(parent) + 1 + strlen(o->name) >= sizeof(cg->paths[cg->n]))
		return err_set(e, ENAMETOOLONG, "cgroup path too long");
	memcpy(cg->paths[cg->n], parent, strlen(parent));
	cg->paths[cg->n][strlen(parent)] = '/';
	STRLCPY_N(cg->paths[cg->n] + strlen(parent) + 1,
		  sizeof(cg->paths[cg->n]) - strlen(parent) - 1, o->name);
	/* left by a netrun that was SIGKILLed: rmdir() only removes it when it is empty */
	r = mkdir(cg->paths[cg->n], 0755);
	if (r < 0 && errno == EEXIST && rmdir(cg->paths[cg->n]) == 0)
		r = mkdir(cg->paths[cg->n], 0755);
	if (r < 0)
		return err_set(e, errno, "mkdir %s: %s", cg->paths[cg->n],
			       errno == EEXIST || errno == EBUSY ?
				       "a container of that name runs already" :
				       strerror(errno));
	cg->n++;
	return 0;
}

static int limits_v2(const struct cgroup *cg, const struct run_opts *o, struct netd_error *e)
{
	char v[64];
	int r = 0;

	if (o->memory) {
		(void)snprintf(v, sizeof(v), "%" PRIu64, o->memory);
		r = write_file(cg->paths[0], "memory.max", v, e);
		/* no swap past the limit, as Docker's default memory-swap = memory on v2 */
		if (r == 0)
			(void)write_file(cg->paths[0], "memory.swap.max", "0", NULL);
	}
	if (r == 0 && o->cpu_quota_us) {
		(void)snprintf(v, sizeof(v), "%" PRIu64 " %d", o->cpu_quota_us, CPU_PERIOD_US);
		r = write_file(cg->paths[0], "cpu.max", v, e);
	}
	if (r == 0 && o->pids_max) {
		(void)snprintf(v, sizeof(v), "%" PRIu64, o->pids_max);
		r = write_file(cg->paths[0], "pids.max", v, e);
	}
	return r;
}

/* v1: one directory per controller; @i is its index in cg->paths */
static int limit_v1(const char *dir, const char *ctrl, const struct run_opts *o,
		    struct netd_error *e)
{
	char v[64];
	char path[300];
	int r = 0;

	if (strcmp(ctrl, "memory") == 0 && o->memory) {
		(void)snprintf(v, sizeof(v), "%" PRIu64, o->memory);
		r = write_file(dir, "memory.limit_in_bytes", v, e);
		(void)snprintf(path, sizeof(path), "%s/memory.memsw.limit_in_bytes", dir);
		if (r == 0 && access(path, F_OK) == 0)
			r = write_file(dir, "memory.memsw.limit_in_bytes", v, e);
	} else if (strcmp(ctrl, "cpu") == 0 && o->cpu_quota_us) {
		(void)snprintf(v, sizeof(v), "%d", CPU_PERIOD_US);
		r = write_file(dir, "cpu.cfs_period_us", v, e);
		(void)snprintf(v, sizeof(v), "%" PRIu64, o->cpu_quota_us);
		if (r == 0)
			r = write_file(dir, "cpu.cfs_quota_us", v, e);
	} else if (strcmp(ctrl, "pids") == 0 && o->pids_max) {
		(void)snprintf(v, sizeof(v), "%" PRIu64, o->pids_max);
		r = write_file(dir, "pids.max", v, e);
	}
	return r;
}

static bool wanted(const char *ctrl, const struct run_opts *o)
{
	return (strcmp(ctrl, "memory") == 0 && o->memory) ||
	       (strcmp(ctrl, "cpu") == 0 && o->cpu_quota_us) ||
	       (strcmp(ctrl, "pids") == 0 && o->pids_max);
}

/**
 * cgroup_create() - create the container's cgroup(s) NETRUN_CGROUP_PARENT/NAME with its limits
 * @cg:		filled in; cgroup_remove() undoes even a partial create
 * @o:		options (name, limits)
 * @e:		error context
 *
 * Return: 0 or negative errno (-EEXIST: a container of that name runs already)
 */
int cgroup_create(struct cgroup *cg, const struct run_opts *o, struct netd_error *e)
{
	static const char *const ctrls[] = { "memory", "cpu", "pids" };
	char base[128];
	size_t i;
	int r;

	memset(cg, 0, sizeof(*cg));
	if (fs_is(CGROUP_ROOT, CGROUP2_SUPER_MAGIC)) {
		cg->v2 = true;
		r = add_dir(cg, CGROUP_ROOT, o, e);
		return r < 0 ? r : limits_v2(cg, o, e);
	}
	for (i = 0; i < ARRAY_SIZE(ctrls); i++) {
		(void)snprintf(base, sizeof(base), "%s/%s", CGROUP_ROOT, ctrls[i]);
		if (!fs_is(base, CGROUP_SUPER_MAGIC)) {
			if (wanted(ctrls[i], o))
				return err_set(
					e, EOPNOTSUPP,
					"no cgroup v1 '%s' controller at %s, and no cgroup v2",
					ctrls[i], base);
			continue;
		}
		r = add_dir(cg, base, o, e);
		if (r == 0)
			r = limit_v1(cg->paths[cg->n - 1], ctrls[i], o, e);
		if (r < 0)
			return r;
	}
	return 0;
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
 * cgroup_remove() - remove the container's cgroups (bounded wait for the last processes)
 * @cg:		cgroups; emptied
 */
void cgroup_remove(struct cgroup *cg)
{
	struct timespec ts = { 0, RMDIR_WAIT_NS };
	int i, t;

	for (i = 0; i < cg->n; i++) {
		char *slash;

		for (t = 0; t < RMDIR_TRIES; t++) {
			if (rmdir(cg->paths[i]) == 0 || errno != EBUSY)
				break;
			(void)nanosleep(&ts, NULL);
		}
		/* the shared parent goes with its last container; busy means others run */
		slash = strrchr(cg->paths[i], '/');
		if (slash) {
			*slash = '\0';
			(void)rmdir(cg->paths[i]);
		}
	}
	cg->n = 0;
}

/**
 * cgroup_find() - the cgroups of a running container, for netrun exec to join
 * @cg:		filled in
 * @name:	container
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int cgroup_find(struct cgroup *cg, const char *name, struct netd_error *e)
{
	static const char *const ctrls[] = { "memory", "cpu", "pids" };
	char path[256];
	size_t i;

	memset(cg, 0, sizeof(*cg));
	if (fs_is(CGROUP_ROOT, CGROUP2_SUPER_MAGIC)) {
		cg->v2 = true;
		(void)snprintf(path, sizeof(path), "%s/%s/%s", CGROUP_ROOT, NETRUN_CGROUP_PARENT,
			       name);
		if (access(path, F_OK) < 0)
			return err_set(e, errno, "%s: %s", path, strerror(errno));
		STRLCPY(cg->paths[cg->n++], path);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(ctrls); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s/%s/%s", CGROUP_ROOT, ctrls[i],
			       NETRUN_CGROUP_PARENT, name);
		if (access(path, F_OK) == 0)
			STRLCPY(cg->paths[cg->n++], path);
	}
	return cg->n ? 0 : err_set(e, ENOENT, "no cgroup of container '%s'", name);
}
