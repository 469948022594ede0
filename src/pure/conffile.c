// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conffile.c - netd.conf: "option = value" lines whose option names are the command line's
 * long options, so one table of options serves both and the command line can win
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <netd/conffile.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char *trim(char *s)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static bool key_valid(const char *k)
{
	if (*k < 'a' || *k > 'z')
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '-'))
			return false;
	return true;
}

/*
 * One line, in place.  A value may be wrapped in double quotes to keep leading or trailing
 * blanks; nothing is escaped inside them.  '#' starts a comment only at the start of a line,
 * so values (paths, group names) can hold it.
 */
static int parse_line(char *line, const char *name, unsigned int no, conffile_fn fn,
		      void *userdata, struct netd_error *e)
{
	char *key, *value, *eq;
	size_t n;

	line = trim(line);
	if (!*line || *line == '#')
		return 0;
	eq = strchr(line, '=');
	if (!eq)
		return err_set(e, EINVAL, "%s:%u: expected 'option = value', got '%.64s'", name, no,
			       line);
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (key[0] == '-' && key[1] == '-')
		return err_set(e, EINVAL, "%s:%u: write '%s' without the leading '--'", name, no,
			       key + 2);
	if (!key_valid(key))
		return err_set(e, EINVAL,
			       "%s:%u: invalid option name '%.64s': lowercase letters, digits, '-'",
			       name, no, key);
	n = strlen(value);
	if (n > 0 && value[0] == '"') {
		if (n < 2 || value[n - 1] != '"')
			return err_set(e, EINVAL, "%s:%u: unterminated quote in the value of '%s'",
				       name, no, key);
		value[n - 1] = '\0';
		value++;
	}
	if (!*value)
		return err_set(e, EINVAL, "%s:%u: option '%s' has no value", name, no, key);
	return fn(key, value, no, userdata, e);
}

/**
 * conffile_parse() - call @fn for each "option = value" line of @text
 * @text:	the file's contents, NUL-terminated
 * @name:	the file's name, for messages
 * @fn:		called per setting; its error stops parsing
 * @userdata:	passed to @fn
 * @e:		error context, "NAME:LINE: ..." on a syntax error
 *
 * Return: 0, -EINVAL on a syntax error, or what @fn returned
 */
int conffile_parse(const char *text, const char *name, conffile_fn fn, void *userdata,
		   struct netd_error *e)
{
	char line[CONFFILE_LINE_MAX];
	unsigned int no = 0;
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int r;

		no++;
		if (len >= sizeof(line))
			return err_set(e, EINVAL, "%s:%u: line longer than %zu bytes", name, no,
				       sizeof(line) - 1);
		memcpy(line, p, len);
		line[len] = '\0';
		r = parse_line(line, name, no, fn, userdata, e);
		if (r < 0)
			return r;
		p += len;
		if (*p == '\n')
			p++;
	}
	return 0;
}
