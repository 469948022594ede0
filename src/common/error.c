// SPDX-License-Identifier: GPL-2.0-or-later
/* error.c - netd_error helpers and the single errno -> name/HTTP/CNI table */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <netd/error.h>

/**
 * err_set() - fill @e with @code and a formatted message
 * @e:		error to fill, may be NULL
 * @code:	errno, positive or negative
 * @fmt:	message format
 *
 * Return: -code (negative errno)
 */
int err_set(struct netd_error *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (code < 0)
		code = -code;
	if (code == 0)
		code = EIO;
	if (!e)
		return -code;
	e->code = code;
	va_start(ap, fmt);
	(void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -code;
}

/**
 * err_wrap() - prefix the message in @e with context: "ctx: inner"
 * @e:		error filled by a callee, may be NULL
 * @fmt:	context format
 *
 * Return: -e->code
 */
int err_wrap(struct netd_error *e, const char *fmt, ...)
{
	char ctx[256], inner[sizeof(e->msg)];
	size_t n, len;
	va_list ap;

	if (!e)
		return -EIO;
	if (e->code == 0)
		e->code = EIO;
	va_start(ap, fmt);
	(void)vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	memcpy(inner, e->msg, sizeof(inner));
	inner[sizeof(inner) - 1] = '\0';
	/* "ctx: inner", truncated to the buffer */
	n = strlen(ctx);
	memcpy(e->msg, ctx, n + 1);
	if (inner[0] && n + 2 < sizeof(e->msg)) {
		memcpy(e->msg + n, ": ", 3);
		n += 2;
		len = strlen(inner);
		if (len > sizeof(e->msg) - 1 - n)
			len = sizeof(e->msg) - 1 - n;
		memcpy(e->msg + n, inner, len);
		e->msg[n + len] = '\0';
	}
	return -e->code;
}

/**
 * err_clear() - reset @e to no error
 * @e:		error, may be NULL
 */
void err_clear(struct netd_error *e)
{
	if (e) {
		e->code = 0;
		e->msg[0] = '\0';
	}
}

struct errno_entry {
	int code;
	const char *name;
	int http;
	int cni;
};

/* CNI codes: 4 bad environment, 5 I/O, 6 decode, 7 invalid config, 11 try again later */
static const struct errno_entry errno_table[] = {
	{ EINVAL, "EINVAL", 400, 7 },
	{ EPERM, "EPERM", 403, 5 },
	{ EACCES, "EACCES", 403, 5 },
	{ ENOENT, "ENOENT", 404, 7 },
	{ EEXIST, "EEXIST", 409, 7 },
	{ EADDRINUSE, "EADDRINUSE", 409, 7 },
	{ EBUSY, "EBUSY", 409, 7 },
	{ ENOSPC, "ENOSPC", 409, 7 },
	{ EMSGSIZE, "EMSGSIZE", 413, 6 },
	{ ENOTSUP, "ENOTSUP", 400, 7 },
	{ ENODEV, "ENODEV", 404, 5 },
	{ ENOMEM, "ENOMEM", 500, 5 },
	{ EIO, "EIO", 500, 5 },
	{ EAGAIN, "EAGAIN", 503, 11 },
	{ ECONNREFUSED, "ECONNREFUSED", 503, 11 },
	{ ETIMEDOUT, "ETIMEDOUT", 504, 11 },
	{ ERANGE, "ERANGE", 400, 7 },
	{ ENAMETOOLONG, "ENAMETOOLONG", 400, 7 },
	{ EBADMSG, "EBADMSG", 400, 6 },
	{ ESRCH, "ESRCH", 404, 4 },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL", 409, 7 },
	{ EROFS, "EROFS", 500, 5 },
	{ EDQUOT, "EDQUOT", 507, 5 }, /* the state directory is full: Insufficient Storage */
	{ ENOTDIR, "ENOTDIR", 400, 7 },
	{ ENOSYS, "ENOSYS", 500, 5 },
	{ EPROTO, "EPROTO", 502, 5 },
	{ ENOTEMPTY, "ENOTEMPTY", 409, 7 },
	{ ELOOP, "ELOOP", 400, 7 },
};

static const struct errno_entry *errno_lookup(int code)
{
	size_t i;

	if (code < 0)
		code = -code;
	for (i = 0; i < ARRAY_SIZE(errno_table); i++)
		if (errno_table[i].code == code)
			return &errno_table[i];
	return NULL;
}

/**
 * errno_name() - symbolic name of an errno ("EEXIST"), or "EIO" when unknown
 * @code:	errno, either sign
 *
 * Return: static string
 */
const char *errno_name(int code)
{
	const struct errno_entry *x = errno_lookup(code);

	return x ? x->name : "EIO";
}

/**
 * errno_from_name() - errno for a symbolic name, EIO when unknown
 * @name:	e.g. "ENOENT"
 *
 * Return: positive errno
 */
int errno_from_name(const char *name)
{
	size_t i;

	if (!name)
		return EIO;
	for (i = 0; i < ARRAY_SIZE(errno_table); i++)
		if (strcmp(errno_table[i].name, name) == 0)
			return errno_table[i].code;
	return EIO;
}

/**
 * errno_to_http() - HTTP status for an errno: EINVAL 400, EPERM 403, ENOENT 404, EEXIST 409...
 * @code:	errno, either sign
 *
 * Return: HTTP status, 500 when unknown
 */
int errno_to_http(int code)
{
	const struct errno_entry *x = errno_lookup(code);

	return x ? x->http : 500;
}

/**
 * errno_to_cni() - CNI error code for an errno
 * @code:	errno, either sign
 *
 * Return: CNI code, 999 (generic) when unknown
 */
int errno_to_cni(int code)
{
	const struct errno_entry *x = errno_lookup(code);

	return x ? x->cni : 999;
}
