// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * size.c - Docker's spellings of limits and ids: --memory 512m, --cpus 0.5, --user 1000:1000
 * (pure, unit-tested)
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "netrun.h"

/* the kernel's smallest CFS quota is 1 ms; more than 4096 CPUs is a typo */
#define CPUS_MIN_QUOTA_US 1000
#define CPUS_MAX_MICRO (4096ULL * 1000000ULL)

/**
 * size_parse() - parse a byte count with an optional b, k, m or g suffix (powers of 1024)
 * @s:		"512m", "1G", "65536", "64k"
 * @ret:	bytes, written on success only
 *
 * Return: 0, or -EINVAL for anything else (empty, sign, junk, zero) or -ERANGE on overflow
 */
int size_parse(const char *s, uint64_t *ret)
{
	uint64_t v = 0, mult = 1;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (tolower((unsigned char)*p)) {
	case '\0':
	case 'b':
		break;
	case 'k':
		mult = 1ULL << 10;
		break;
	case 'm':
		mult = 1ULL << 20;
		break;
	case 'g':
		mult = 1ULL << 30;
		break;
	default:
		return -EINVAL;
	}
	if (*p && p[1])
		return -EINVAL;
	if (v == 0)
		return -EINVAL;
	if (v > UINT64_MAX / mult)
		return -ERANGE;
	*ret = v * mult;
	return 0;
}

/**
 * cpus_parse() - turn a CPU count ("0.5", "2", "1.25") into a CFS quota for @period_us
 * @s:		decimal number of CPUs, at most 6 fractional digits
 * @period_us:	CFS period in microseconds (100000 as Docker uses)
 * @ret_quota_us: quota in microseconds per period, written on success only
 *
 * Return: 0, -EINVAL for junk or zero, -ERANGE below 1 ms per period or above 4096 CPUs
 */
int cpus_parse(const char *s, uint64_t period_us, uint64_t *ret_quota_us)
{
	uint64_t whole = 0, frac = 0, scale = 100000, micro, quota;
	const char *p = s;
	int nfrac = 0;

	if (!s || !*s || period_us == 0 || period_us > 1000000)
		return -EINVAL;
	if (!isdigit((unsigned char)*p) && *p != '.')
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 4096)
			return -ERANGE;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++) {
			if (++nfrac > 6)
				return -EINVAL;
			frac += (uint64_t)(*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p)
		return -EINVAL;
	micro = whole * 1000000ULL + frac;
	if (micro == 0)
		return -EINVAL;
	if (micro > CPUS_MAX_MICRO)
		return -ERANGE;
	quota = micro * period_us / 1000000ULL;
	if (quota < CPUS_MIN_QUOTA_US)
		return -ERANGE;
	*ret_quota_us = quota;
	return 0;
}

static int id_parse(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > NETRUN_ID_MAX)
		return -ERANGE;
	*ret = v;
	return 0;
}

/**
 * user_parse() - parse --user UID[:GID], numeric ids only (no passwd lookup)
 * @s:		"1000", "1000:1000", "0:0"
 * @ret_uid:	the user id, written on success only
 * @ret_gid:	the group id, 0 when none is given (as docker run without a passwd entry)
 *
 * Return: 0, -EINVAL (empty, names, junk, an empty part) or -ERANGE (above NETRUN_ID_MAX)
 */
int user_parse(const char *s, uid_t *ret_uid, gid_t *ret_gid)
{
	const char *colon;
	uint64_t uid, gid = 0;
	int r;

	if (!s)
		return -EINVAL;
	colon = strchr(s, ':');
	r = id_parse(s, colon ? (size_t)(colon - s) : strlen(s), &uid);
	if (r == 0 && colon)
		r = id_parse(colon + 1, strlen(colon + 1), &gid);
	if (r < 0)
		return r;
	*ret_uid = (uid_t)uid;
	*ret_gid = (gid_t)gid;
	return 0;
}

/**
 * userns_parse() - parse --userns=BASE:SIZE, the host ids container ids 0..SIZE-1 map to
 * @s:		"100000:65536"
 * @ret_base:	the host id of container root, written on success only
 * @ret_size:	how many ids are mapped, written on success only
 *
 * Return: 0, -EINVAL (junk, an empty part, no ':') or -ERANGE (BASE 0: container root would
 * be host root; SIZE 0; the range past NETRUN_ID_MAX)
 */
int userns_parse(const char *s, uint32_t *ret_base, uint32_t *ret_size)
{
	const char *colon;
	uint64_t base, size;
	int r;

	if (!s)
		return -EINVAL;
	colon = strchr(s, ':');
	if (!colon)
		return -EINVAL;
	r = id_parse(s, (size_t)(colon - s), &base);
	if (r == 0)
		r = id_parse(colon + 1, strlen(colon + 1), &size);
	if (r < 0)
		return r;
	if (base == 0 || size == 0 || base + size - 1 > NETRUN_ID_MAX)
		return -ERANGE;
	*ret_base = (uint32_t)base;
	*ret_size = (uint32_t)size;
	return 0;
}
