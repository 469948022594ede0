// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * layers.c - --layer: read-only directories stacked with overlayfs under a per-container
 * writable upper layer, RUN_DIR/NAME/{upper,work}, mounted on RUN_DIR/NAME/rootfs in the
 * container's own mount namespace only; the layers themselves are never written. With --userns
 * the layers are idmapped mounts (host uid and gid 0-65535 show as 100000-165535, container root
 * and its users) and netrun mounts the overlay itself, before the container's first process is
 * cloned, in a mount namespace of its own that the container's copies
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netrun.h"

/* nftw's open directories at a time */
#define REMOVE_FDS 32

static const char *const layer_dirs[] = { "upper", "work", "rootfs" };

/* the new mount API, from <linux/mount.h>, which clashes with glibc's <sys/mount.h> */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif
struct layers_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

static int layer_path(const char *run_dir, const char *name, const char *dir, char *buf,
		      size_t size)
{
	int n = snprintf(buf, size, "%s/%s/%s", run_dir, name, dir);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/**
 * layers_prepare() - create the upper layer, overlayfs's work directory and the mount point,
 *		      and the overlay's mount options
 * @run_dir:	state root
 * @o:		options: its layers, the last one on top; @o->rootfs becomes the mount point
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int layers_prepare(const char *run_dir, struct run_opts *o, struct netd_error *e)
{
	char paths[ARRAY_SIZE(layer_dirs)][sizeof(o->overlay_root)];
	size_t size = sizeof(o->overlay_data), len, i;
	char *data = o->overlay_data;

	for (i = 0; i < ARRAY_SIZE(layer_dirs); i++) {
		if (layer_path(run_dir, o->name, layer_dirs[i], paths[i], sizeof(paths[i])) < 0)
			return err_set(e, ENAMETOOLONG, "--layer: the state path is too long");
		if (mkdir(paths[i], 0700) < 0 && errno != EEXIST)
			return err_set(e, errno, "mkdir %s: %s", paths[i], strerror(errno));
	}
	/* overlayfs lists the top layer first */
	len = (size_t)snprintf(data, size, "lowerdir=");
	for (i = o->n_layers; i-- > 0 && len < size;)
		len += (size_t)snprintf(data + len, size - len, "%s%s", o->layers[i], i ? ":" : "");
	if (len < size)
		len += (size_t)snprintf(data + len, size - len, ",upperdir=%s,workdir=%s", paths[0],
					paths[1]);
	if (len >= size)
		return err_set(e, E2BIG, "--layer: the layers' paths are too long together");
	memcpy(o->overlay_root, paths[2], sizeof(o->overlay_root));
	o->rootfs = o->overlay_root;
	return 0;
}

/**
 * layers_mount() - mount the overlay on @o->rootfs, in the container's mount namespace
 * @o:		options (overlay_data from layers_prepare(), rootfs)
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int layers_mount(const struct run_opts *o, struct netd_error *e)
{
	if (mount("overlay", o->rootfs, "overlay", 0, o->overlay_data) < 0)
		return err_set(e, errno, "mount the overlay of --layer on %s: %s", o->rootfs,
			       strerror(errno));
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		(void)rmdir(path);
	else
		(void)unlink(path);
	return 0;
}

/**
 * layers_remove() - remove a container's upper layer, work directory and mount point
 * @run_dir:	state root
 * @name:	container
 * @keep_upper:	--keep: leave the upper layer (the container's changes)
 *
 * Never crosses into another file system (FTW_MOUNT) nor follows a symbolic link (FTW_PHYS):
 * what the container wrote cannot send it elsewhere.
 */
void layers_remove(const char *run_dir, const char *name, bool keep_upper)
{
	char path[512];
	size_t i;

	for (i = keep_upper ? 1 : 0; i < ARRAY_SIZE(layer_dirs); i++)
		if (layer_path(run_dir, name, layer_dirs[i], path, sizeof(path)) == 0)
			(void)nftw(path, remove_one, REMOVE_FDS, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	/* --userns: the idmapped layers' mount points, empty once unmounted */
	for (i = 0; i < NETRUN_MAX_LAYERS; i++) {
		char lower[16];

		(void)snprintf(lower, sizeof(lower), "lower%zu", i);
		/* they are lower0, lower1...: the first missing one is the end */
		if (layer_path(run_dir, name, lower, path, sizeof(path)) < 0 || rmdir(path) < 0)
			break;
	}
}

/* a user namespace with --userns's maps, held by a child that waits for EOF on a pipe */
static int userns_open(const struct run_opts *o, int *ret_fd, struct netd_error *e)
{
	char path[64], c;
	int p[2], r, fd;
	long pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return err_set(e, errno, "pipe: %s", strerror(errno));
	pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0) {
		(void)close(p[1]);
		(void)!read(p[0], &c, 1);
		_exit(0);
	}
	(void)close(p[0]);
	if (pid < 0) {
		r = errno;
		(void)close(p[1]);
		return err_set(e, r, "--userns --layer: a user namespace: %s", strerror(r));
	}
	r = spawn_userns_map((pid_t)pid, o, e);
	(void)snprintf(path, sizeof(path), "/proc/%ld/ns/user", pid);
	fd = r < 0 ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	if (r == 0 && fd < 0)
		r = err_set(e, errno, "open %s: %s", path, strerror(errno));
	(void)close(p[1]);
	(void)waitpid((pid_t)pid, NULL, 0);
	if (r < 0)
		return r;
	*ret_fd = fd;
	return 0;
}

/* an idmapped, read-only copy of the mount of @layer, attached on @target */
static int idmapped_bind(const char *layer, const char *target, int userns_fd, struct netd_error *e)
{
	struct layers_mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY,
					  .userns_fd = (uint64_t)userns_fd };
	_cleanup_close_ int fd = -1;

	fd = (int)syscall(SYS_open_tree, AT_FDCWD, layer, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno, "--layer '%s': open_tree: %s", layer, strerror(errno));
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return err_set(e, errno, "--layer '%s': an idmapped mount for --userns: %s", layer,
			       strerror(errno));
	if (mkdir(target, 0700) < 0 && errno != EEXIST)
		return err_set(e, errno, "mkdir %s: %s", target, strerror(errno));
	if (syscall(SYS_move_mount, fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return err_set(e, errno, "--layer '%s': attach on %s: %s", layer, target,
			       strerror(errno));
	return 0;
}

/**
 * layers_userns_mount() - --userns with --layer: mount the overlay for the container, in a
 *			   mount namespace of netrun's own that the container's copies
 * @run_dir:	state root
 * @o:		options, after layers_prepare(); its overlay options are rewritten
 * @e:		error context
 *
 * The layers belong to the host's root, who is nobody in the container's user namespace: an
 * overlay the container mounted itself could not copy their files up, so its root could change
 * nothing. Instead, each layer gets an idmapped mount (host ids 0-65535 show as 100000-165535,
 * which the container sees as 0-65535: its root owns the layers' root files), in
 * RUN_DIR/NAME/lowerN; the upper layer and the work directory are given to 100000, so what the
 * container writes is 100000's on the host; and netrun, privileged, mounts the overlay of those
 * on RUN_DIR/NAME/rootfs. All in a new mount namespace, private, made before the container is
 * cloned: the container's namespace starts as a copy of it, and the host sees none of it. The
 * layers themselves stay untouched: their mounts are read-only and overlayfs never writes a
 * lower layer. (An idmapped mount needs Linux 5.12 and a file system that supports it, as
 * tmpfs does since 6.3, ext4, xfs and btrfs do; overlayfs takes idmapped layers since 5.19.)
 *
 * Return: 0 or negative errno
 */
int layers_userns_mount(const char *run_dir, struct run_opts *o, struct netd_error *e)
{
	char path[sizeof(o->overlay_root)], upper[sizeof(o->overlay_root)],
		work[sizeof(o->overlay_root)];
	size_t size = sizeof(o->overlay_data), len, i;
	_cleanup_close_ int userns_fd = -1;
	char *data = o->overlay_data;
	int r;

	if (layer_path(run_dir, o->name, "upper", upper, sizeof(upper)) < 0 ||
	    layer_path(run_dir, o->name, "work", work, sizeof(work)) < 0)
		return err_set(e, ENAMETOOLONG, "--layer: the state path is too long");
	if (unshare(CLONE_NEWNS) < 0)
		return err_set(e, errno, "--userns --layer: a mount namespace: %s",
			       strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return err_set(e, errno, "--userns --layer: make mounts private: %s",
			       strerror(errno));
	r = userns_open(o, &userns_fd, e);
	if (r < 0)
		return r;
	len = (size_t)snprintf(data, size, "lowerdir=");
	for (i = o->n_layers; i-- > 0;) {
		(void)snprintf(path, sizeof(path), "%s/%s/lower%zu", run_dir, o->name, i);
		r = idmapped_bind(o->layers[i], path, userns_fd, e);
		if (r < 0)
			return r;
		if (len < size)
			len += (size_t)snprintf(data + len, size - len, "%s%s", path, i ? ":" : "");
	}
	if (len < size)
		len += (size_t)snprintf(data + len, size - len, ",upperdir=%s,workdir=%s", upper,
					work);
	if (len >= size)
		return err_set(e, E2BIG, "--layer: the layers' paths are too long together");
	if (chown(upper, o->userns_base, o->userns_base) < 0 ||
	    chown(work, o->userns_base, o->userns_base) < 0)
		return err_set(e, errno, "--userns --layer: chown %s: %s", upper, strerror(errno));
	/*
	 * Container root (BASE on the host) must get to RUN_DIR/NAME/rootfs to bind it: search
	 * (not read) permission on the two directories; their files stay 0600, root's
	 */
	(void)snprintf(path, sizeof(path), "%s/%s", run_dir, o->name);
	if (chmod(run_dir, 0711) < 0 || chmod(path, 0711) < 0)
		return err_set(e, errno, "--userns --layer: chmod %s: %s", path, strerror(errno));
	return layers_mount(o, e);
}

/**
 * layers_userns_umount() - undo layers_userns_mount()'s mounts in netrun's mount namespace,
 *			    so that layers_remove() can remove their directories
 * @run_dir:	state root
 * @o:		options
 */
void layers_userns_umount(const char *run_dir, const struct run_opts *o)
{
	char path[512];
	size_t i;

	(void)umount2(o->overlay_root, MNT_DETACH);
	for (i = 0; i < o->n_layers; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s/lower%zu", run_dir, o->name, i);
		(void)umount2(path, MNT_DETACH);
	}
}
