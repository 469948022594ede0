// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rootfs.c - the container's file system, in its own mount namespace: the root directory bound
 * on itself, a fresh /proc, a read-only /sys, a minimal /dev (device nodes made with mknod(),
 * with --userns bound from the host's; a private devpts, a tmpfs /dev/shm), sensitive /proc and
 * /sys paths masked or read-only as Docker has them, then pivot_root into it; --read-only makes
 * the root read-only
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "netrun.h"

/* the kernel's fixed numbers (Documentation/admin-guide/devices.txt), as runc makes them */
static const struct {
	const char *name;
	unsigned int major, minor;
} dev_nodes[] = {
	{ "null", 1, 3 },   { "zero", 1, 5 },	 { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct {
	const char *target;
	const char *link;
} dev_links[] = {
	{ "/proc/self/fd", "fd" },	 { "/proc/self/fd/0", "stdin" },
	{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	{ "pts/ptmx", "ptmx" },
};

/* moby's oci/defaults.go: masked (a file gets /dev/null, a directory an empty tmpfs) */
static const char *const masked_paths[] = {
	"proc/asound",
	"proc/acpi",
	"proc/kcore",
	"proc/keys",
	"proc/latency_stats",
	"proc/timer_list",
	"proc/timer_stats",
	"proc/sched_debug",
	"proc/scsi",
	"sys/firmware",
	"sys/devices/virtual/powercap",
};

/* and read-only */
static const char *const readonly_paths[] = {
	"proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};

static int do_mount(const char *src, const char *dst, const char *type, unsigned long flags,
		    const char *data, struct netd_error *e)
{
	if (mount(src, dst, type, flags, data) < 0)
		return err_set(e, errno, "mount %s on %s: %s", type ? type : src, dst,
			       strerror(errno));
	return 0;
}

static int mkdir_in(const char *root, const char *dir, mode_t mode, char *ret_path, size_t size,
		    struct netd_error *e)
{
	(void)snprintf(ret_path, size, "%s/%s", root, dir);
	if (mkdir(ret_path, mode) < 0 && errno != EEXIST)
		return err_set(e, errno, "mkdir %s: %s", ret_path, strerror(errno));
	return 0;
}

/* where mknod() is not allowed (a user namespace, a devices cgroup): the host's node bound */
static int dev_bind(const char *path, const char *name, struct netd_error *e)
{
	char host[32];
	int fd;

	(void)snprintf(host, sizeof(host), "/dev/%s", name);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0)
		return err_set(e, errno, "create %s: %s", path, strerror(errno));
	(void)close(fd);
	return do_mount(host, path, NULL, MS_BIND, NULL, e);
}

/*
 * The nodes are made with mknod(), as runc does: one syscall each where a bind mount took three,
 * and one mount fewer to tear down at the end. With --userns, or when mknod() is refused (as
 * crun does), the host's are bound. The tmpfs is mounted without nodev for them, as Docker's.
 */
static int dev_setup(const char *root, bool userns, struct netd_error *e)
{
	char dev[4096], path[4096 + 32];
	mode_t umask_old;
	size_t i;
	int r;

	r = mkdir_in(root, "dev", 0755, dev, sizeof(dev), e);
	if (r == 0)
		r = do_mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC | MS_STRICTATIME,
			     "mode=755,size=65536k", e);
	/* crw-rw-rw-, whatever netrun's umask */
	umask_old = umask(0);
	for (i = 0; r == 0 && i < ARRAY_SIZE(dev_nodes); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dev, dev_nodes[i].name);
		if (!userns && mknod(path, S_IFCHR | 0666,
				     makedev(dev_nodes[i].major, dev_nodes[i].minor)) == 0)
			continue;
		if (!userns && errno != EPERM)
			r = err_set(e, errno, "mknod %s: %s", path, strerror(errno));
		else
			r = dev_bind(path, dev_nodes[i].name, e);
	}
	(void)umask(umask_old);
	if (r == 0)
		r = mkdir_in(dev, "pts", 0755, path, sizeof(path), e);
	if (r == 0)
		r = do_mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
			     "newinstance,ptmxmode=0666,mode=0620", e);
	if (r == 0)
		r = mkdir_in(dev, "shm", 01777, path, sizeof(path), e);
	if (r == 0)
		r = do_mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			     "mode=1777,size=65536k", e);
	if (r == 0)
		r = mkdir_in(dev, "mqueue", 0755, path, sizeof(path), e);
	for (i = 0; r == 0 && i < ARRAY_SIZE(dev_links); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dev, dev_links[i].link);
		if (symlink(dev_links[i].target, path) < 0)
			return err_set(e, errno, "symlink %s: %s", path, strerror(errno));
	}
	return r;
}

/*
 * A bind remount keeps the flags it is not asked to change only if they are passed again
 * (and in a user namespace the kernel refuses to clear the ones it locked): read them first.
 */
static int remount_add(const char *path, unsigned long add, struct netd_error *e)
{
	static const struct {
		unsigned long st, ms;
	} keep[] = {
		{ ST_NOSUID, MS_NOSUID },	  { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC },	  { ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	unsigned long flags = MS_REMOUNT | MS_BIND | add;
	struct statvfs sv;
	size_t i;

	if (statvfs(path, &sv) < 0)
		return err_set(e, errno, "statvfs %s: %s", path, strerror(errno));
	for (i = 0; i < ARRAY_SIZE(keep); i++)
		if (sv.f_flag & keep[i].st)
			flags |= keep[i].ms;
	return do_mount(NULL, path, NULL, flags, NULL, e);
}

/* what is missing on this kernel needs no masking */
static int paths_protect(const char *root, struct netd_error *e)
{
	char path[4096];
	struct stat st;
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && i < ARRAY_SIZE(masked_paths); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", root, masked_paths[i]);
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			r = do_mount("tmpfs", path, "tmpfs",
				     MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, e);
		else
			r = do_mount("/dev/null", path, NULL, MS_BIND, NULL, e);
	}
	for (i = 0; r == 0 && i < ARRAY_SIZE(readonly_paths); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", root, readonly_paths[i]);
		if (stat(path, &st) < 0)
			continue;
		r = do_mount(path, path, NULL, MS_BIND | MS_REC, NULL, e);
		if (r == 0)
			r = remount_add(path, MS_RDONLY, e);
	}
	return r;
}

/**
 * rootfs_enter() - build the container's mounts under --rootfs and pivot_root into it
 * @o:		options (rootfs, layers, workdir, read_only)
 * @e:		error context
 *
 * Runs in the container's new mount namespace, before any workload code: nothing here
 * propagates back to the host (everything is made private first).
 *
 * Return: 0 or negative errno
 */
int rootfs_enter(const struct run_opts *o, struct netd_error *e)
{
	const char *root = o->rootfs;
	char path[4096];
	int r;

	r = do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, e);
	/* private first: the host never sees the overlay */
	/* with --userns netrun mounted it, the container's namespace has a copy */
	if (r == 0 && o->n_layers && !o->userns)
		r = layers_mount(o, e);
	/* pivot_root needs a mount point: the directory bound on itself */
	if (r == 0)
		r = do_mount(root, root, NULL, MS_BIND | MS_REC, NULL, e);
	/*
	 * netrun has no devices cgroup: device nodes that come with the root file system must
	 * not open the host's devices (only /dev's own, made below, do), and the workload has no
	 * CAP_MKNOD to make new ones (caps.c)
	 */
	if (r == 0)
		r = remount_add(root, MS_NODEV, e);
	if (r == 0)
		r = mkdir_in(root, "proc", 0555, path, sizeof(path), e);
	if (r == 0)
		r = do_mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, e);
	if (r == 0)
		r = mkdir_in(root, "sys", 0555, path, sizeof(path), e);
	if (r == 0)
		r = do_mount("sysfs", path, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			     NULL, e);
	if (r == 0)
		r = dev_setup(root, o->userns, e);
	if (r == 0)
		r = mkdir_in(root, "tmp", 01777, path, sizeof(path), e);
	if (r == 0)
		r = paths_protect(root, e);
	if (r < 0)
		return r;
	if (chdir(root) < 0)
		return err_set(e, errno, "chdir %s: %s", root, strerror(errno));
	/* pivot_root(".", "."): the old root ends up on top of the new one, then goes */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return err_set(e, errno, "pivot_root into %s: %s", root, strerror(errno));
	if (umount2(".", MNT_DETACH) < 0)
		return err_set(e, errno, "detach the old root: %s", strerror(errno));
	if (o->read_only && remount_add("/", MS_RDONLY, e) < 0)
		return err_wrap(e, "--read-only");
	if (chdir(o->workdir) < 0)
		return err_set(e, errno, "--workdir %s: %s", o->workdir, strerror(errno));
	return 0;
}
