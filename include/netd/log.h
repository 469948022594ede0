/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.h - leveled logging to stderr; *_errno variants return their error */
#ifndef NETD_LOG_H
#define NETD_LOG_H

#include <netd/macro.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_MAX,
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
int log_level_parse(const char *s, enum log_level *ret);
const char *log_level_name(enum log_level level);
void log_set_ident(const char *ident);
void log_msg(enum log_level level, int r, const char *fmt, ...) _printf_(3, 4);

#define log_error(...) log_msg(LOG_LEVEL_ERROR, 0, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, 0, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, 0, __VA_ARGS__)
#define log_debug(...)                                            \
	do {                                                      \
		if (log_get_level() >= LOG_LEVEL_DEBUG)           \
			log_msg(LOG_LEVEL_DEBUG, 0, __VA_ARGS__); \
	} while (0)

#define log_error_errno(r, ...)                            \
	({                                                 \
		int _r = (r);                              \
		log_msg(LOG_LEVEL_ERROR, _r, __VA_ARGS__); \
		_r;                                        \
	})
#define log_warn_errno(r, ...)                            \
	({                                                \
		int _r = (r);                             \
		log_msg(LOG_LEVEL_WARN, _r, __VA_ARGS__); \
		_r;                                       \
	})
#define log_info_errno(r, ...)                            \
	({                                                \
		int _r = (r);                             \
		log_msg(LOG_LEVEL_INFO, _r, __VA_ARGS__); \
		_r;                                       \
	})

#endif /* NETD_LOG_H */
