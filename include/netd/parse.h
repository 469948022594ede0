/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parse.h - strict number parsing (no atoi/strtol at call sites) */
#ifndef NETD_PARSE_H
#define NETD_PARSE_H

#include <stdint.h>

int parse_u64(const char *s, uint64_t max, uint64_t *ret);
int parse_uint(const char *s, unsigned int max, unsigned int *ret);

#endif /* NETD_PARSE_H */
