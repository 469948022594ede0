/* SPDX-License-Identifier: GPL-2.0-or-later */
/* macro.h - cleanup attributes, ownership transfer and small helpers */
#ifndef NETD_MACRO_H
#define NETD_MACRO_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_ __attribute__((unused))
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _warn_unused_result_ __attribute__((warn_unused_result))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* DEFINE_CLEANUP() - a cleanup function for pointer type @type that calls @fn on non-NULL */
#define DEFINE_CLEANUP(type, fn)          \
	static inline void fn##p(type *p) \
	{                                 \
		if (*p)                   \
			fn(*p);           \
	}                                 \
	struct __useless_struct_to_allow_semicolon

/* TAKE_PTR() - hand the pointer over and leave NULL behind, so cleanup does nothing */
#define TAKE_PTR(p)                      \
	({                               \
		__typeof__(p) _p_ = (p); \
		(p) = NULL;              \
		_p_;                     \
	})

/* TAKE_FD() - hand the fd over and leave -1 behind */
#define TAKE_FD(fd)              \
	({                       \
		int _fd_ = (fd); \
		(fd) = -1;       \
		_fd_;            \
	})

/* RET_NERRNO() - turn a libc "-1 and errno" result into a negative errno */
#define RET_NERRNO(expr)                     \
	({                                   \
		long _r_ = (long)(expr);     \
		_r_ < 0 ? -errno : (int)_r_; \
	})

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		(void)close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		(void)fclose(*f);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* copy a string into an array, truncating; the array size comes from its type */
#define STRLCPY(dst, src) ((void)snprintf((dst), sizeof(dst), "%s", (src)))
#define STRLCPY_N(dst, size, src) ((void)snprintf((dst), (size), "%s", (src)))

#endif /* NETD_MACRO_H */
