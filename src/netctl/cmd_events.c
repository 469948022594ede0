// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_events.c - netctl events: netd's event stream, filtered, one line per event */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <netd/parse.h>

#include "netctl.h"

#define EVENTS_MAX_FILTERS 16

struct events_ctx {
	struct netctl *ctl;
	const char *filters[EVENTS_MAX_FILTERS]; /* "key=value" */
	size_t n_filters;
	unsigned int count; /* stop after this many, 0: never */
	unsigned int seen;
};

/* type and action are the event's own; anything else is an attribute, compared as text */
static bool filter_matches(const json_t *ev, const char *f)
{
	const char *eq = strchr(f, '=');
	const json_t *attrs = json_object_get(ev, "attributes");
	char key[128];

	(void)snprintf(key, sizeof(key), "%.*s", (int)(eq - f), f);
	if (strcmp(key, "type") == 0 || strcmp(key, "action") == 0)
		return strcmp(output_str(ev, key), eq + 1) == 0;
	return json_object_get(attrs, key) && strcmp(output_str(attrs, key), eq + 1) == 0;
}

/* docker's shape: TIME TYPE ACTION (key=value, ...) with the scalar attributes */
static void print_human(const json_t *ev)
{
	const json_t *attrs = json_object_get(ev, "attributes");
	const char *key;
	const json_t *v;
	bool first = true;

	(void)printf("%s %s %s", output_str(ev, "time"), output_str(ev, "type"),
		     output_str(ev, "action"));
	json_object_foreach ((json_t *)attrs, key, v) {
		if (json_is_object(v) || json_is_array(v) || json_is_null(v))
			continue;
		(void)printf("%s%s=%s", first ? " (" : ", ", key, output_str(attrs, key));
		first = false;
	}
	(void)printf("%s\n", first ? "" : ")");
}

static int on_event(const char *line, void *userdata)
{
	struct events_ctx *c = userdata;
	json_t *ev = json_loads(line, 0, NULL);
	size_t i;

	if (!ev)
		return 0; /* not an event: nothing to show */
	for (i = 0; i < c->n_filters; i++)
		if (!filter_matches(ev, c->filters[i]))
			break;
	if (i == c->n_filters) {
		if (c->ctl->json)
			output_json_line(ev);
		else
			print_human(ev);
		(void)fflush(stdout);
		c->seen++;
	}
	json_decref(ev);
	return c->count && c->seen >= c->count;
}

/**
 * cmd_events() - netctl events [--filter KEY=VALUE]... [--count N]: what netd does, as it
 * happens, until interrupted (or N events)
 * @ctl:	context
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_events(struct netctl *ctl, int argc, char **argv)
{
	struct events_ctx c = { .ctl = ctl };
	struct netd_error e = NETD_ERROR_INIT;
	const char *v;
	int i, m;

	for (i = 1; i < argc; i++) {
		if (netctl_common_flag(ctl, argc, argv, &i))
			continue;
		m = netctl_opt(argc, argv, &i, "--filter", &v);
		if (m == 0)
			m = netctl_opt(argc, argv, &i, "-f", &v);
		if (m > 0) {
			if (!strchr(v, '=') || v[0] == '=' || strchr(v, '=') - v >= 127)
				return netctl_usage_error(
					"events: invalid filter '%s': expected KEY=VALUE", v);
			if (c.n_filters == EVENTS_MAX_FILTERS)
				return netctl_usage_error("events: at most %d filters",
							  EVENTS_MAX_FILTERS);
			c.filters[c.n_filters++] = v;
			continue;
		}
		if (m == 0)
			m = netctl_opt(argc, argv, &i, "--count", &v);
		if (m > 0) {
			if (parse_uint(v, 1000000, &c.count) < 0 || c.count == 0)
				return netctl_usage_error("events: invalid --count '%s'", v);
			continue;
		}
		if (m < 0)
			return EXIT_USAGE;
		return netctl_usage_error("events: unexpected argument '%s'", argv[i]);
	}
	(void)setvbuf(stdout, NULL, _IOLBF, 0);
	if (!ctl->client.curl && client_init(&ctl->client, ctl->socket_path, &e) < 0) {
		(void)fprintf(stderr, "netctl: %s\n", e.msg);
		return 1;
	}
	if (client_stream(&ctl->client, "/v1/events", on_event, &c, &e) < 0) {
		(void)fprintf(stderr, "netctl: %s\n", e.msg);
		return 1;
	}
	return 0;
}
