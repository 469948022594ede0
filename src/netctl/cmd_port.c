// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_port.c - netctl publish | unpublish | port: published ports, as `docker port` shows them */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include <netd/naming.h>

#include "netctl.h"

static void print_range(unsigned int a, unsigned int b)
{
	if (a == b)
		(void)printf("%u", a);
	else
		(void)printf("%u-%u", a, b);
}

/**
 * output_mapping() - one published port as `docker port` prints it: "80/tcp -> 0.0.0.0:8080",
 * once per family when it is not bound to one address
 * @m:		mapping object
 */
void output_mapping(const json_t *m)
{
	const char *ip = output_str(m, "host_ip"), *proto = output_str(m, "proto");
	unsigned int hp = (unsigned int)json_integer_value(json_object_get(m, "host_port"));
	unsigned int hpe = (unsigned int)json_integer_value(json_object_get(m, "host_port_end"));
	unsigned int cp = (unsigned int)json_integer_value(json_object_get(m, "container_port"));
	unsigned int cpe =
		(unsigned int)json_integer_value(json_object_get(m, "container_port_end"));
	const char *hosts[2] = { "0.0.0.0", "[::]" };
	char v6[64];
	size_t i, n = 2;

	if (*ip) {
		n = 1;
		hosts[0] = ip;
		if (strchr(ip, ':')) {
			(void)snprintf(v6, sizeof(v6), "[%s]", ip);
			hosts[0] = v6;
		}
	}
	for (i = 0; i < n; i++) {
		print_range(cp, cpe);
		(void)printf("/%s -> %s:", proto, hosts[i]);
		print_range(hp, hpe);
		(void)putchar('\n');
	}
}

static int spec_and_container(int argc, char **argv, const char *what, const char **ret_net,
			      bool *ret_pp, const char **ret_spec, const char **ret_ctr,
			      struct netctl *ctl)
{
	int i, m;

	*ret_spec = *ret_ctr = NULL;
	for (i = 1; i < argc; i++) {
		if (netctl_common_flag(ctl, argc, argv, &i))
			continue;
		if (ret_pp && strcmp(argv[i], "--proxy-protocol") == 0) {
			*ret_pp = true;
			continue;
		}
		if (ret_net) {
			m = netctl_opt(argc, argv, &i, "--network", ret_net);
			if (m < 0)
				return EXIT_USAGE;
			if (m > 0)
				continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return netctl_usage_error("%s: unknown option '%s'", what, argv[i]);
		if (!*ret_spec)
			*ret_spec = argv[i];
		else if (!*ret_ctr)
			*ret_ctr = argv[i];
		else
			return netctl_usage_error("%s: unexpected argument '%s'", what, argv[i]);
	}
	if (!*ret_ctr)
		return netctl_usage_error("Usage: netctl %s%s SPEC CONTAINER", what,
					  ret_net ? " [--network NAME] [--proxy-protocol]" : "");
	if (name_validate(*ret_ctr) < 0)
		return netctl_usage_error("%s: invalid container name '%s'", what, *ret_ctr);
	return 0;
}

/**
 * cmd_publish() - netctl publish [--network NAME] SPEC CONTAINER
 * @ctl:	context
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_publish(struct netctl *ctl, int argc, char **argv)
{
	const char *net = NULL, *spec, *ctr;
	json_t *body, *resp = NULL;
	bool pp = false;
	int r = spec_and_container(argc, argv, "publish", &net, &pp, &spec, &ctr, ctl);

	if (r)
		return r;
	body = json_pack("{s:s, s:s}", "container", ctr, "spec", spec);
	if (!body)
		return 1;
	if (net)
		(void)json_object_set_new(body, "network", json_string(net));
	if (pp)
		(void)json_object_set_new(body, "proxy_protocol", json_true());
	r = netctl_call(ctl, "POST", "/v1/ports", body, &resp);
	if (r == 0) {
		if (ctl->json)
			output_json(resp);
		else
			output_mapping(resp);
	}
	json_decref(resp);
	json_decref(body);
	return r;
}

/**
 * cmd_unpublish() - netctl unpublish SPEC CONTAINER
 * @ctl:	context
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_unpublish(struct netctl *ctl, int argc, char **argv)
{
	const char *spec, *ctr;
	json_t *resp = NULL, *removed;
	char path[512];
	char *esc;
	size_t k;
	int r = spec_and_container(argc, argv, "unpublish", NULL, NULL, &spec, &ctr, ctl);

	if (r)
		return r;
	esc = curl_easy_escape(NULL, spec, 0);
	if (!esc)
		return 1;
	(void)snprintf(path, sizeof(path), "/v1/ports?container=%s&spec=%s", ctr, esc);
	curl_free(esc);
	r = netctl_call(ctl, "DELETE", path, NULL, &resp);
	if (r == 0) {
		removed = json_object_get(resp, "removed");
		if (ctl->json)
			output_json(resp);
		else
			for (k = 0; k < json_array_size(removed); k++)
				output_mapping(json_array_get(removed, k));
	}
	json_decref(resp);
	return r;
}

static json_int_t stat_of(const json_t *m, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(m, "stats"), key));
}

/* the userland proxy's counters, one line a mapping */
static void output_stats(const json_t *a)
{
	size_t k;

	(void)printf("%-24s %11s %11s %9s %15s %15s\n", "PORT", "CONNECTIONS", "TOTAL", "REFUSED",
		     "BYTES IN", "BYTES OUT");
	for (k = 0; k < json_array_size(a); k++) {
		const json_t *m = json_array_get(a, k);

		if (!json_object_get(m, "stats")) {
			(void)printf("%-24s %11s\n", output_str(m, "spec"), "(no userland proxy)");
			continue;
		}
		(void)printf("%-24s %11lld %11lld %9lld %15lld %15lld\n", output_str(m, "spec"),
			     (long long)stat_of(m, "connections"),
			     (long long)stat_of(m, "connections_total"),
			     (long long)stat_of(m, "refused"), (long long)stat_of(m, "bytes_in"),
			     (long long)stat_of(m, "bytes_out"));
	}
}

/**
 * cmd_port() - netctl port [--stats] CONTAINER: its published ports
 * @ctl:	context
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_port(struct netctl *ctl, int argc, char **argv)
{
	const char *ctr = NULL;
	json_t *resp = NULL;
	bool stats = false;
	char path[128];
	size_t k;
	int i;

	for (i = 1; i < argc; i++) {
		if (netctl_common_flag(ctl, argc, argv, &i))
			continue;
		if (strcmp(argv[i], "--stats") == 0) {
			stats = true;
			continue;
		}
		if (argv[i][0] == '-' || ctr)
			return netctl_usage_error("port: unexpected argument '%s'", argv[i]);
		ctr = argv[i];
	}
	if (!ctr)
		return netctl_usage_error("Usage: netctl port [--stats] CONTAINER");
	if (name_validate(ctr) < 0)
		return netctl_usage_error("port: invalid container name '%s'", ctr);
	(void)snprintf(path, sizeof(path), "/v1/ports?container=%s", ctr);
	if (netctl_call(ctl, "GET", path, NULL, &resp) != 0)
		return 1;
	if (ctl->json)
		output_json(resp);
	else if (stats)
		output_stats(resp);
	else
		for (k = 0; k < json_array_size(resp); k++)
			output_mapping(json_array_get(resp, k));
	json_decref(resp);
	return 0;
}
