// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * layers.c - --layer: read-only directories stacked with overlayfs under a per-container
 * writable upper layer, RUN_DIR/NAME/{upper,work}, mounted on RUN_DIR/NAME/rootfs in the
 * container's own mount namespace only; the layers themselves are never written
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netrun.h"

/* nftw's open directories at a time */
#define REMOVE_FDS 32

static const char *const layer_dirs[] = { "upper", "work", "rootfs" };

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
}
