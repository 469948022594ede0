/* SPDX-License-Identifier: GPL-2.0-or-later */
/* format.h - netctl --format: docker's '{{.Field}}' templates over netd's JSON */
#ifndef NETD_NETCTL_FORMAT_H
#define NETD_NETCTL_FORMAT_H

#include <stdio.h>

#include <jansson.h>

int format_check(const char *tmpl, char *err, size_t err_len);
int format_print(FILE *f, const char *tmpl, const json_t *v);

#endif /* NETD_NETCTL_FORMAT_H */
