// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - a container's state directory, RUN_DIR/NAME: who supervises it, its init's pid,
 * what exec needs (root, working directory, environment, --user), its log and, once it ended, its
 * exit status
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netd/parse.h>

#include "netrun.h"

static const char *const state_files[] = { "supervisor", "init", "config", "command",
					   "user",	 "pod",	 "status", "log" };

static int state_path(const char *run_dir, const char *name, const char *file, char *buf,
		      size_t size)
{
	int n = snprintf(buf, size, "%s/%s%s%s", run_dir, name, file ? "/" : "", file ? file : "");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/**
 * state_write() - write one state file (whole, replacing it)
 * @run_dir:	state root
 * @name:	container
 * @file:	file name
 * @data:	contents
 * @len:	length of @data
 *
 * Return: 0 or negative errno
 */
int state_write(const char *run_dir, const char *name, const char *file, const char *data,
		size_t len)
{
	char path[512], tmp[520];
	_cleanup_close_ int fd = -1;
	int r = state_path(run_dir, name, file, path, sizeof(path));

	if (r < 0)
		return r;
	(void)snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		return -EIO;
	if (rename(tmp, path) < 0)
		return -errno;
	return 0;
}

/**
 * text_read() - read a small file whole, NUL-terminated (state, cgroup and /proc files)
 * @path:	the file
 * @flags:	more open() flags (O_NOFOLLOW)
 * @buf:	buffer
 * @size:	its size; what does not fit is cut
 *
 * Return: bytes read, or negative errno
 */
ssize_t text_read(const char *path, int flags, char *buf, size_t size)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | flags);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

/**
 * state_read() - read one state file, NUL-terminated
 * @run_dir:	state root
 * @name:	container
 * @file:	file name
 * @buf:	buffer
 * @size:	its size
 *
 * Return: bytes read, or negative errno (-ENOENT: no such file)
 */
ssize_t state_read(const char *run_dir, const char *name, const char *file, char *buf, size_t size)
{
	char path[512];
	int r = state_path(run_dir, name, file, path, sizeof(path));

	return r < 0 ? r : text_read(path, O_NOFOLLOW, buf, size);
}

/**
 * state_pid() - a pid from a state file, if that process is still there
 * @run_dir:	state root
 * @name:	container
 * @file:	"supervisor" or "init"
 *
 * Return: the pid, or 0 when there is none or it is gone
 */
pid_t state_pid(const char *run_dir, const char *name, const char *file)
{
	char buf[32];
	uint64_t v;

	if (state_read(run_dir, name, file, buf, sizeof(buf)) <= 0)
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	if (parse_u64(buf, 4194304, &v) < 0 || v < 2)
		return 0;
	if (kill((pid_t)v, 0) < 0 && errno == ESRCH)
		return 0;
	return (pid_t)v;
}

/**
 * state_create() - create RUN_DIR/NAME for a new container
 * @run_dir:	state root (created if missing)
 * @name:	container
 * @e:		error context
 *
 * An exited container's directory is reused; a running one's is -EEXIST.
 *
 * Return: 0 or negative errno
 */
int state_create(const char *run_dir, const char *name, struct netd_error *e)
{
	char path[512];

	if (mkdir(run_dir, 0700) < 0 && errno != EEXIST)
		return err_set(e, errno, "mkdir %s: %s", run_dir, strerror(errno));
	if (state_path(run_dir, name, NULL, path, sizeof(path)) < 0)
		return err_set(e, ENAMETOOLONG, "state path too long");
	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return err_set(e, errno, "mkdir %s: %s", path, strerror(errno));
	if (state_pid(run_dir, name, "supervisor"))
		return err_set(e, EEXIST, "a container named '%s' is running", name);
	state_remove(run_dir, name);
	if (mkdir(path, 0700) < 0)
		return err_set(e, errno, "mkdir %s: %s", path, strerror(errno));
	return 0;
}

/**
 * state_remove() - remove RUN_DIR/NAME and the files netrun puts there, --layer's too
 * @run_dir:	state root
 * @name:	container
 */
void state_remove(const char *run_dir, const char *name)
{
	char path[512];
	size_t i;

	layers_remove(run_dir, name, false);
	for (i = 0; i < ARRAY_SIZE(state_files); i++)
		if (state_path(run_dir, name, state_files[i], path, sizeof(path)) == 0)
			(void)unlink(path);
	if (state_path(run_dir, name, NULL, path, sizeof(path)) == 0)
		(void)rmdir(path);
}
