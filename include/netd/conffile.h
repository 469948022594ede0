/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conffile.h - netd.conf: one "option = value" a line, '#' comments */
#ifndef NETD_CONFFILE_H
#define NETD_CONFFILE_H

#include <netd/error.h>

/* the longest line netd.conf may have: a path plus its key */
#define CONFFILE_LINE_MAX 4352

/**
 * conffile_fn - called for each setting, in file order
 * @key:	option name, as on the command line without "--"
 * @value:	its value, trimmed, quotes removed
 * @line:	1-based line number, for messages
 * @userdata:	as passed to conffile_parse()
 * @e:		error context; the caller prefixes the line number
 *
 * Return: 0 or negative errno to stop parsing
 */
typedef int (*conffile_fn)(const char *key, const char *value, unsigned int line, void *userdata,
			   struct netd_error *e);

int conffile_parse(const char *text, const char *name, conffile_fn fn, void *userdata,
		   struct netd_error *e);

#endif /* NETD_CONFFILE_H */
