// SPDX-License-Identifier: GPL-2.0-or-later
/* fileio.c - atomic writes (tmp, fsync, rename, fsync dir) and bounded reads, no symlinks */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netd/fileio.h>

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/**
 * file_write_atomic() - replace @name in @dir_fd with @data, so a reader (or a crash) sees
 * the old content or the new one, never a mix
 * @dir_fd:	directory
 * @name:	file name (no '/')
 * @data:	content
 * @len:	length
 * @e:		error context
 *
 * Return: 0 or negative errno; on failure the old file is untouched (except when only the
 * final directory sync failed: a file that did not exist before is removed again, a
 * replaced one keeps the new content)
 */
int file_write_atomic(int dir_fd, const char *name, const char *data, size_t len,
		      struct netd_error *e)
{
	char tmp[300];
	_cleanup_close_ int fd = -1;
	struct stat st;
	bool existed;
	int r;

	if ((size_t)snprintf(tmp, sizeof(tmp), ".%s.tmp", name) >= sizeof(tmp))
		return err_set(e, ENAMETOOLONG, "file name '%s' too long", name);
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return err_set(e, errno, "create '%s': %s", tmp, strerror(errno));
	r = write_all(fd, data, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && close(TAKE_FD(fd)) < 0)
		r = -errno;
	existed = fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (r == 0 && renameat(dir_fd, tmp, dir_fd, name) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlinkat(dir_fd, tmp, 0);
		return err_set(e, r, "write '%s': %s", name, strerror(-r));
	}
	if (fsync(dir_fd) < 0) {
		r = -errno;
		/*
		 * The rename may not survive a power loss. A new file goes again, so a failure
		 * means the file is not there (the caller undoes what it stood for); a replaced
		 * one cannot come back, and stays with the new content.
		 */
		if (!existed)
			(void)unlinkat(dir_fd, name, 0);
		return err_set(e, r, "sync directory of '%s': %s", name, strerror(-r));
	}
	return 0;
}

/**
 * file_read_bounded() - read a whole regular file of at most @max bytes
 * @dir_fd:	directory
 * @name:	file name; a symlink is refused
 * @max:	size limit
 * @ret:	NUL-terminated content, to free()
 * @ret_len:	its length, or NULL
 * @e:		error context
 *
 * Return: 0, -ENOENT, -EFBIG, -ELOOP (symlink), or negative errno
 */
int file_read_bounded(int dir_fd, const char *name, size_t max, char **ret, size_t *ret_len,
		      struct netd_error *e)
{
	_cleanup_close_ int fd = -1;

	fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return err_set(e, errno, "open '%s': %s", name, strerror(errno));
	return fd_read_bounded(fd, name, max, ret, ret_len, e);
}

/**
 * fd_read_bounded() - file_read_bounded() of a file opened already (netd.conf may be a link)
 * @fd:		the open file, left open
 * @name:	its name, for messages
 * @max:	size limit
 * @ret:	NUL-terminated content, to free()
 * @ret_len:	its length, or NULL
 * @e:		error context
 *
 * Return: 0, -EINVAL (not a regular file), -EFBIG, or negative errno
 */
int fd_read_bounded(int fd, const char *name, size_t max, char **ret, size_t *ret_len,
		    struct netd_error *e)
{
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t got = 0;

	if (fstat(fd, &st) < 0)
		return err_set(e, errno, "stat '%s': %s", name, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(e, EINVAL, "'%s' is not a regular file", name);
	if ((size_t)st.st_size > max)
		return err_set(e, EFBIG, "'%s' is larger than %zu bytes", name, max);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return err_set(e, ENOMEM, "read '%s'", name);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(e, errno, "read '%s': %s", name, strerror(errno));
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	if (ret_len)
		*ret_len = got;
	*ret = TAKE_PTR(buf);
	return 0;
}

/**
 * file_remove() - remove @name from @dir_fd and make the removal durable
 * @dir_fd:	directory
 * @name:	file name
 * @e:		error context
 *
 * Return: 0, -ENOENT, or negative errno
 */
int file_remove(int dir_fd, const char *name, struct netd_error *e)
{
	if (unlinkat(dir_fd, name, 0) < 0)
		return err_set(e, errno, "remove '%s': %s", name, strerror(errno));
	if (fsync(dir_fd) < 0)
		return err_set(e, errno, "sync directory after removing '%s': %s", name,
			       strerror(errno));
	return 0;
}

/**
 * dir_mkdir_p() - create @path and its parents
 * @path:	absolute or relative directory path
 * @mode:	mode of created directories
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int dir_mkdir_p(const char *path, int mode, struct netd_error *e)
{
	char buf[4096];
	char *p;

	if (strlen(path) >= sizeof(buf))
		return err_set(e, ENAMETOOLONG, "path '%s' too long", path);
	strcpy(buf, path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
			return err_set(e, errno, "create directory '%s': %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
		return err_set(e, errno, "create directory '%s': %s", buf, strerror(errno));
	return 0;
}

/**
 * dir_open_or_create() - create @path (and parents) if needed and open it as a directory
 * @path:	directory
 * @mode:	mode of created directories
 * @e:		error context
 *
 * Return: the directory fd, or negative errno
 */
int dir_open_or_create(const char *path, int mode, struct netd_error *e)
{
	int fd, r;

	r = dir_mkdir_p(path, mode, e);
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno, "open directory '%s': %s", path, strerror(errno));
	return fd;
}
