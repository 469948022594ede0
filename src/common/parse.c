// SPDX-License-Identifier: GPL-2.0-or-later
/* parse.c - strict decimal parsing: whole string, no sign, no overflow */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include <netd/parse.h>

/**
 * parse_u64() - parse a decimal number in [0, @max]
 * @s:		text, digits only
 * @max:	largest accepted value
 * @ret:	the value, written on success
 *
 * Return: 0, -EINVAL on syntax, -ERANGE above @max
 */
int parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;
	const char *p;

	if (!s || !*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p - s > 1 && s[0] == '0')
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

/**
 * parse_uint() - parse a decimal number in [0, @max] into an unsigned int
 * @s:		text
 * @max:	largest accepted value
 * @ret:	the value
 *
 * Return: 0, -EINVAL or -ERANGE
 */
int parse_uint(const char *s, unsigned int max, unsigned int *ret)
{
	uint64_t v;
	int r = parse_u64(s, max, &v);

	if (r < 0)
		return r;
	*ret = (unsigned int)v;
	return 0;
}
