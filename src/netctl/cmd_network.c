// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_network.c - netctl network create | ls | inspect | rm */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <netd/naming.h>
#include <netd/parse.h>

#include "netctl.h"

static const char create_usage[] =
	"Usage: netctl network create NAME [--subnet CIDR] [--gateway IP] [--subnet6 CIDR]\n"
	"                             [--gateway6 IP] [--bridge IFNAME] [--mtu N] [--internal]\n";

static int network_create(struct netctl *ctl, int argc, char **argv)
{
	static const char *const str_opts[] = { "--subnet", "--gateway", "--subnet6", "--gateway6",
						"--bridge" };
	json_t *body = json_object(), *resp = NULL;
	const char *name = NULL, *v;
	int i, m, r = 0;

	if (!body)
		return 1;
	for (i = 1; i < argc && r == 0; i++) {
		if (netctl_common_flag(ctl, argc, argv, &i))
			continue;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			(void)fputs(create_usage, stdout);
			json_decref(body);
			return 0;
		}
		if (strcmp(argv[i], "--internal") == 0) {
			(void)json_object_set_new(body, "internal", json_true());
			continue;
		}
		m = netctl_opt_json(argc, argv, &i, str_opts, ARRAY_SIZE(str_opts), body);
		if (m < 0)
			r = EXIT_USAGE;
		if (m != 0)
			continue;
		switch (netctl_opt(argc, argv, &i, "--mtu", &v)) {
		case 1: {
			unsigned int mtu;

			if (parse_uint(v, 65535, &mtu) < 0) {
				r = netctl_usage_error("invalid --mtu '%s'", v);
				break;
			}
			(void)json_object_set_new(body, "mtu", json_integer(mtu));
			continue;
		}
		case -1:
			r = EXIT_USAGE;
			continue;
		default:
			break;
		}
		if (r)
			break;
		if (argv[i][0] == '-' || name)
			r = netctl_usage_error("network create: unexpected argument '%s'\n%s",
					       argv[i], create_usage);
		else
			name = argv[i];
	}
	if (r == 0 && !name)
		r = netctl_usage_error("network create: missing NAME\n%s", create_usage);
	if (r == 0) {
		(void)json_object_set_new(body, "name", json_string(name));
		r = netctl_call(ctl, "POST", "/v1/networks", body, &resp);
	}
	if (r == 0) {
		if (ctl->json)
			output_json(resp);
		else
			(void)printf("%s\n", output_str(resp, "name"));
	}
	json_decref(resp);
	json_decref(body);
	return r;
}

static int network_ls(struct netctl *ctl, int argc, char **argv)
{
	static const char *const headers[] = { "NAME",	  "BRIDGE",   "SUBNET",	  "GATEWAY",
					       "SUBNET6", "INTERNAL", "ENDPOINTS" };
	static const char *const keys[] = { "name",    "bridge",   "subnet",   "gateway",
					    "subnet6", "internal", "endpoints" };
	json_t *resp = NULL;
	size_t k;
	int i;

	for (i = 1; i < argc; i++)
		if (!netctl_common_flag(ctl, argc, argv, &i))
			return netctl_usage_error("network ls: unexpected argument '%s'", argv[i]);
	if (netctl_call(ctl, "GET", "/v1/networks", NULL, &resp) != 0)
		return 1;
	if (ctl->json)
		output_json(resp);
	else if (ctl->quiet)
		for (k = 0; k < json_array_size(resp); k++)
			(void)printf("%s\n", output_str(json_array_get(resp, k), "name"));
	else
		output_table(headers, ARRAY_SIZE(headers), resp, keys);
	json_decref(resp);
	return 0;
}

static int one_name_arg(struct netctl *ctl, int argc, char **argv, const char *what,
			const char **ret)
{
	int i;

	*ret = NULL;
	for (i = 1; i < argc; i++) {
		if (netctl_common_flag(ctl, argc, argv, &i))
			continue;
		if (argv[i][0] == '-' || *ret)
			return netctl_usage_error("%s: unexpected argument '%s'", what, argv[i]);
		*ret = argv[i];
	}
	if (!*ret)
		return netctl_usage_error("%s: missing NAME", what);
	if (name_validate(*ret) < 0)
		return netctl_usage_error("%s: invalid name '%s'", what, *ret);
	return 0;
}

static int network_inspect(struct netctl *ctl, int argc, char **argv)
{
	json_t *resp = NULL;
	const char *name;
	char path[128];
	int r = one_name_arg(ctl, argc, argv, "network inspect", &name);

	if (r)
		return r;
	(void)snprintf(path, sizeof(path), "/v1/networks/%s", name);
	if (netctl_call(ctl, "GET", path, NULL, &resp) != 0)
		return 1;
	if (ctl->json)
		output_json(resp);
	else
		output_network(resp);
	json_decref(resp);
	return 0;
}

static int network_rm(struct netctl *ctl, int argc, char **argv)
{
	int i, r = 0, n = 0;

	for (i = 1; i < argc; i++) {
		char path[128];

		if (netctl_common_flag(ctl, argc, argv, &i))
			continue;
		if (argv[i][0] == '-' || name_validate(argv[i]) < 0)
			return netctl_usage_error("network rm: invalid name '%s'", argv[i]);
		n++;
		(void)snprintf(path, sizeof(path), "/v1/networks/%s", argv[i]);
		if (netctl_call(ctl, "DELETE", path, NULL, NULL) != 0)
			r = 1;
		else if (!ctl->json)
			(void)printf("%s\n", argv[i]);
	}
	if (n == 0)
		return netctl_usage_error("network rm: missing NAME");
	return r;
}

/**
 * cmd_network() - netctl network SUBCOMMAND ...
 * @ctl:	context
 * @argc:	argument count, argv[0] is "network"
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_network(struct netctl *ctl, int argc, char **argv)
{
	/* create prints its own --help, with every option */
	static const struct command sub[] = {
		{ "create", network_create, "create a network", NULL },
		{ "ls", network_ls, "list networks", "network ls [-q]" },
		{ "list", network_ls, "list networks", "network ls [-q]" },
		{ "inspect", network_inspect, "show a network and its containers",
		  "network inspect NAME" },
		{ "rm", network_rm, "remove networks (refused while containers are attached)",
		  "network rm NAME..." },
		{ "remove", network_rm, "remove networks (refused while containers are attached)",
		  "network rm NAME..." },
	};
	size_t k;
	int i;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		(void)fprintf(argc < 2 ? stderr : stdout,
			      "Usage: netctl network create|ls|inspect|rm ...\n");
		return argc < 2 ? EXIT_USAGE : 0;
	}
	for (k = 0; k < ARRAY_SIZE(sub); k++) {
		if (strcmp(argv[1], sub[k].name) != 0)
			continue;
		for (i = 2; sub[k].synopsis && i < argc; i++)
			if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
				(void)printf("Usage: netctl %s\n%s\n", sub[k].synopsis,
					     sub[k].summary);
				return 0;
			}
		return sub[k].fn(ctl, argc - 1, argv + 1);
	}
	return netctl_usage_error("network: unknown subcommand '%s'", argv[1]);
}
