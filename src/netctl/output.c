// SPDX-License-Identifier: GPL-2.0-or-later
/* output.c - netctl output: aligned tables, key/value blocks and --json */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "netctl.h"

/* --format's template; every command prints through output_json() when one is given */
static const char *format_tmpl;

/**
 * output_set_format() - print what --json would, through @fmt; a bad template is a usage
 * error, reported before anything is asked of netd
 * @fmt:	template
 */
void output_set_format(const char *fmt)
{
	char err[512];

	if (format_check(fmt, err, sizeof(err)) < 0) {
		(void)fprintf(stderr, "netctl: %s\n", err);
		exit(EXIT_USAGE);
	}
	format_tmpl = fmt;
}

/**
 * output_json() - print @j indented, with a final newline, or through --format's template
 * @j:		value
 */
void output_json(const json_t *j)
{
	if (format_tmpl) {
		if (format_print(stdout, format_tmpl, j) < 0)
			(void)fprintf(stderr, "netctl: --format: out of memory\n");
		return;
	}
	(void)json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	(void)putchar('\n');
}

/**
 * output_json_line() - print @j on one line (a stream of JSON lines), or through --format
 * @j:		value
 */
void output_json_line(const json_t *j)
{
	if (format_tmpl) {
		output_json(j);
		return;
	}
	(void)json_dumpf(j, stdout, JSON_COMPACT | JSON_SORT_KEYS);
	(void)putchar('\n');
}

/**
 * output_str() - a string field of @o for display: "" when absent, booleans as true/false
 * @o:		object
 * @key:	field
 *
 * Return: text valid until the next call for a number, else as long as @o
 */
const char *output_str(const json_t *o, const char *key)
{
	static char num[32];
	const json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		(void)snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return num;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return "";
}

static void print_cell(const char *s, size_t width, bool last)
{
	if (last)
		(void)printf("%s\n", s);
	else
		(void)printf("%-*s   ", (int)width, s);
}

/**
 * output_table() - print an array of objects as columns sized to their widest cell
 * @headers:	column titles
 * @n_cols:	number of columns
 * @rows:	JSON array of objects
 * @keys:	field shown in each column
 */
void output_table(const char *const *headers, size_t n_cols, const json_t *rows,
		  const char *const *keys)
{
	size_t width[16] = { 0 }, c, r;

	if (n_cols > ARRAY_SIZE(width))
		n_cols = ARRAY_SIZE(width);
	for (c = 0; c < n_cols; c++)
		width[c] = strlen(headers[c]);
	for (r = 0; r < json_array_size(rows); r++)
		for (c = 0; c < n_cols; c++) {
			size_t w = strlen(output_str(json_array_get(rows, r), keys[c]));

			if (w > width[c])
				width[c] = w;
		}
	for (c = 0; c < n_cols; c++)
		print_cell(headers[c], width[c], c + 1 == n_cols);
	for (r = 0; r < json_array_size(rows); r++)
		for (c = 0; c < n_cols; c++)
			print_cell(output_str(json_array_get(rows, r), keys[c]), width[c],
				   c + 1 == n_cols);
}

/**
 * output_endpoint() - an endpoint as a key/value block
 * @ep:		endpoint object
 */
void output_endpoint(const json_t *ep)
{
	(void)printf("container:  %s\n", output_str(ep, "container"));
	(void)printf("network:    %s\n", output_str(ep, "network"));
	(void)printf("interface:  %s\n", output_str(ep, "ifname"));
	(void)printf("mac:        %s\n", output_str(ep, "mac"));
	if (json_object_get(ep, "ipv4"))
		(void)printf("ipv4:       %s via %s\n", output_str(ep, "ipv4"),
			     output_str(ep, "gateway"));
	if (json_object_get(ep, "ipv6"))
		(void)printf("ipv6:       %s via %s\n", output_str(ep, "ipv6"),
			     output_str(ep, "gateway6"));
	(void)printf("netns:      %s\n", output_str(ep, "netns"));
	(void)printf("host veth:  %s on %s\n", output_str(ep, "host_ifname"),
		     output_str(ep, "bridge"));
}

/**
 * output_network() - a network and its containers as a key/value block
 * @n:		network object
 */
void output_network(const json_t *n)
{
	const json_t *ctrs = json_object_get(n, "containers");
	size_t k;

	(void)printf("name:       %s\n", output_str(n, "name"));
	(void)printf("bridge:     %s\n", output_str(n, "bridge"));
	(void)printf("subnet:     %s (gateway %s)\n", output_str(n, "subnet"),
		     output_str(n, "gateway"));
	if (json_object_get(n, "subnet6"))
		(void)printf("subnet6:    %s (gateway %s)\n", output_str(n, "subnet6"),
			     output_str(n, "gateway6"));
	(void)printf("mtu:        %s\n", output_str(n, "mtu"));
	(void)printf("internal:   %s\n", output_str(n, "internal"));
	(void)printf("free ipv4:  %s\n", output_str(n, "free_addresses"));
	(void)printf("containers: %zu\n", json_array_size(ctrs));
	for (k = 0; k < json_array_size(ctrs); k++) {
		const json_t *c = json_array_get(ctrs, k);

		(void)printf("  %s  %s  %s  %s\n", output_str(c, "container"),
			     output_str(c, "ipv4"), output_str(c, "ipv6"), output_str(c, "mac"));
	}
}
