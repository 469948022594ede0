// SPDX-License-Identifier: GPL-2.0-or-later
/* log.c - stderr log backend with level prefix and --log-level parsing */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <netd/log.h>

static enum log_level current_level = LOG_LEVEL_INFO;
static const char *ident = "netd";

static const char *const level_names[LOG_LEVEL_MAX] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

/**
 * log_set_level() - set the most verbose level printed
 * @level:	level
 */
void log_set_level(enum log_level level)
{
	current_level = level;
}

/**
 * log_get_level() - the most verbose level printed
 *
 * Return: level
 */
enum log_level log_get_level(void)
{
	return current_level;
}

/**
 * log_set_ident() - program name printed before each line
 * @s:		static string
 */
void log_set_ident(const char *s)
{
	ident = s;
}

/**
 * log_level_parse() - parse "error", "warn", "info" or "debug"
 * @s:		text
 * @ret:	level
 *
 * Return: 0 or -EINVAL
 */
int log_level_parse(const char *s, enum log_level *ret)
{
	int i;

	for (i = 0; i < LOG_LEVEL_MAX; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*ret = (enum log_level)i;
			return 0;
		}
	}
	if (strcmp(s, "warning") == 0) {
		*ret = LOG_LEVEL_WARN;
		return 0;
	}
	return -EINVAL;
}

/**
 * log_level_name() - the name log_level_parse() takes for @level
 * @level:	level
 *
 * Return: static string
 */
const char *log_level_name(enum log_level level)
{
	return level < LOG_LEVEL_MAX ? level_names[level] : "?";
}

/**
 * log_msg() - print one line at @level; with @r < 0 append strerror(-r)
 * @level:	level
 * @r:		0 or negative errno
 * @fmt:	format
 */
void log_msg(enum log_level level, int r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int saved = errno;

	if (level > current_level)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (r < 0)
		(void)fprintf(stderr, "%s: %s: %s: %s\n", ident, level_names[level], buf,
			      strerror(-r));
	else
		(void)fprintf(stderr, "%s: %s: %s\n", ident, level_names[level], buf);
	errno = saved;
}
