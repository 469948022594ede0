// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_endpoint.c - netctl attach | detach | ls | inspect */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <netd/naming.h>
#include <netd/parse.h>

#include "netctl.h"

static const char attach_usage[] =
	"Usage: netctl attach CONTAINER (--netns PATH | --pid PID) [--network NAME] [--ip ADDR]\n"
	"                     [--ip6 ADDR] [--ifname NAME] [--mac MAC] [-p SPEC]...\n"
	"                     [--no-default-route]\n";

/**
 * cmd_attach() - netctl attach CONTAINER (--netns PATH | --pid PID) [...]
 * @ctl:	context
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_attach(struct netctl *ctl, int argc, char **argv)
{
	static const char *const str_opts[] = { "--netns", "--network", "--ip",
						"--ip6",   "--ifname",	"--mac" };
	json_t *body = json_object(), *resp = NULL, *ports = NULL;
	const char *ctr = NULL, *v;
	int i, m, r = 0;

	if (!body)
		return 1;
	for (i = 1; i < argc && r == 0; i++) {
		if (netctl_common_flag(ctl, argc, argv, &i))
			continue;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			(void)fputs(attach_usage, stdout);
			json_decref(body);
			return 0;
		}
		if (strcmp(argv[i], "--no-default-route") == 0) {
			(void)json_object_set_new(body, "default_route", json_false());
			continue;
		}
		m = netctl_opt(argc, argv, &i, "-p", &v);
		if (m == 0)
			m = netctl_opt(argc, argv, &i, "--publish", &v);
		if (m > 0) {
			if (!ports)
				ports = json_array();
			if (!ports || json_array_append_new(ports, json_string(v)) < 0)
				r = 1;
			continue;
		}
		if (m < 0) {
			r = EXIT_USAGE;
			break;
		}
		m = netctl_opt(argc, argv, &i, "--pid", &v);
		if (m > 0) {
			unsigned int pid;

			if (parse_uint(v, 4194304, &pid) < 0 || pid == 0)
				r = netctl_usage_error("attach: invalid --pid '%s'", v);
			else
				(void)json_object_set_new(body, "pid", json_integer(pid));
			continue;
		}
		if (m < 0) {
			r = EXIT_USAGE;
			break;
		}
		m = netctl_opt_json(argc, argv, &i, str_opts, ARRAY_SIZE(str_opts), body);
		if (m < 0)
			r = EXIT_USAGE;
		if (m != 0)
			continue;
		if (argv[i][0] == '-' || ctr)
			r = netctl_usage_error("attach: unexpected argument '%s'\n%s", argv[i],
					       attach_usage);
		else
			ctr = argv[i];
	}
	if (r == 0 && !ctr)
		r = netctl_usage_error("attach: missing CONTAINER\n%s", attach_usage);
	if (r == 0 && !json_object_get(body, "netns") && !json_object_get(body, "pid"))
		r = netctl_usage_error("attach: give --netns PATH or --pid PID\n%s", attach_usage);
	if (r == 0) {
		(void)json_object_set_new(body, "container", json_string(ctr));
		if (ports)
			(void)json_object_set(body, "ports", ports);
		r = netctl_call(ctl, "POST", "/v1/endpoints", body, &resp);
	}
	json_decref(ports);
	if (r == 0) {
		if (ctl->json)
			output_json(resp);
		else
			output_endpoint(resp);
	}
	json_decref(resp);
	json_decref(body);
	return r;
}

/**
 * cmd_detach() - netctl detach CONTAINER [--network NAME]
 * @ctl:	context
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_detach(struct netctl *ctl, int argc, char **argv)
{
	const char *ctr = NULL, *net = NULL;
	json_t *resp = NULL;
	char path[200];
	int i, m;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (netctl_common_flag(ctl, argc, argv, &i))
			continue;
		m = netctl_opt(argc, argv, &i, "--network", &net);
		if (m < 0)
			return EXIT_USAGE;
		if (m > 0)
			continue;
		if (argv[i][0] == '-' || ctr)
			return netctl_usage_error("detach: unexpected argument '%s'", argv[i]);
		ctr = argv[i];
	}
	if (!ctr)
		return netctl_usage_error(
			"detach: missing CONTAINER\nUsage: netctl detach CONTAINER [--network NAME]");
	if (name_validate(ctr) < 0)
		return netctl_usage_error("detach: invalid container name '%s'", ctr);
	if (net && name_validate(net) < 0)
		return netctl_usage_error("detach: invalid network name '%s'", net);
	if (net)
		(void)snprintf(path, sizeof(path), "/v1/endpoints/%s?network=%s", ctr, net);
	else
		(void)snprintf(path, sizeof(path), "/v1/endpoints/%s", ctr);
	if (netctl_call(ctl, "DELETE", path, NULL, &resp) != 0)
		return 1;
	if (ctl->json) {
		output_json(resp);
	} else {
		json_t *d = json_object_get(resp, "detached");

		for (k = 0; k < json_array_size(d); k++)
			(void)printf("%s detached from %s\n", ctr,
				     json_string_value(json_array_get(d, k)));
	}
	json_decref(resp);
	return 0;
}

/**
 * cmd_ls() - netctl ls [--network NAME]: a table of endpoints
 * @ctl:	context
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_ls(struct netctl *ctl, int argc, char **argv)
{
	static const char *const headers[] = { "CONTAINER", "NETWORK", "IFNAME", "IPV4",
					       "IPV6",	    "MAC",     "HOST-IF" };
	static const char *const keys[] = { "container", "network", "ifname",	  "ipv4",
					    "ipv6",	 "mac",	    "host_ifname" };
	const char *net = NULL;
	json_t *resp = NULL;
	char path[128] = "/v1/endpoints";
	size_t k;
	int i, m;

	for (i = 1; i < argc; i++) {
		if (netctl_common_flag(ctl, argc, argv, &i))
			continue;
		m = netctl_opt(argc, argv, &i, "--network", &net);
		if (m < 0)
			return EXIT_USAGE;
		if (m == 0)
			return netctl_usage_error("ls: unexpected argument '%s'", argv[i]);
	}
	if (net) {
		if (name_validate(net) < 0)
			return netctl_usage_error("ls: invalid network name '%s'", net);
		(void)snprintf(path, sizeof(path), "/v1/endpoints?network=%s", net);
	}
	if (netctl_call(ctl, "GET", path, NULL, &resp) != 0)
		return 1;
	if (ctl->json)
		output_json(resp);
	else if (ctl->quiet)
		for (k = 0; k < json_array_size(resp); k++)
			(void)printf("%s\n", output_str(json_array_get(resp, k), "container"));
	else
		output_table(headers, ARRAY_SIZE(headers), resp, keys);
	json_decref(resp);
	return 0;
}

/**
 * cmd_inspect() - netctl inspect CONTAINER
 * @ctl:	context
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_inspect(struct netctl *ctl, int argc, char **argv)
{
	const char *ctr = NULL;
	json_t *resp = NULL, *eps;
	char path[128];
	size_t k;
	int i;

	for (i = 1; i < argc; i++) {
		if (netctl_common_flag(ctl, argc, argv, &i))
			continue;
		if (argv[i][0] == '-' || ctr)
			return netctl_usage_error("inspect: unexpected argument '%s'", argv[i]);
		ctr = argv[i];
	}
	if (!ctr)
		return netctl_usage_error("inspect: missing CONTAINER");
	if (name_validate(ctr) < 0)
		return netctl_usage_error("inspect: invalid container name '%s'", ctr);
	(void)snprintf(path, sizeof(path), "/v1/endpoints/%s", ctr);
	if (netctl_call(ctl, "GET", path, NULL, &resp) != 0)
		return 1;
	if (ctl->json) {
		output_json(resp);
	} else {
		eps = json_object_get(resp, "endpoints");
		for (k = 0; k < json_array_size(eps); k++) {
			if (k)
				(void)putchar('\n');
			output_endpoint(json_array_get(eps, k));
		}
	}
	json_decref(resp);
	return 0;
}
