// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c - netctl: global options and the commands[] dispatch table */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netd/log.h>

#include "netctl.h"

static int cmd_version(struct netctl *ctl, int argc, char **argv);
static int cmd_info(struct netctl *ctl, int argc, char **argv);

/* commands with a synopsis get --help here; network and attach print their own */
static const struct command commands[] = {
	{ "network", cmd_network, "create, list, inspect and remove networks", NULL },
	{ "attach", cmd_attach, "attach a container's network namespace to a network", NULL },
	{ "detach", cmd_detach, "detach a container from one or all networks",
	  "detach CONTAINER [--network NAME]" },
	{ "ls", cmd_ls, "list endpoints", "ls [--network NAME] [-q]" },
	{ "inspect", cmd_inspect, "show a container's endpoints", "inspect CONTAINER" },
	{ "publish", cmd_publish, "publish a container port (Docker's -p syntax)",
	  "publish [--network NAME] [--proxy-protocol] [HOSTIP:][HOSTPORT[-END]:]CTRPORT[-END][/tcp|udp|sctp] CONTAINER" },
	{ "unpublish", cmd_unpublish, "unpublish a container port",
	  "unpublish SPEC CONTAINER   (8080:80, or 80/udp for every mapping of that port)" },
	{ "port", cmd_port, "list a container's published ports", "port [--stats] CONTAINER" },
	{ "info", cmd_info, "show netd's state summary", "info" },
	{ "version", cmd_version, "show client and daemon versions", "version" },
	{ "events", cmd_events, "stream what netd does, as it happens",
	  "events [--filter KEY=VALUE]... [--count N] [--json | --format TEMPLATE]\n"
	  "  KEY: type, action, or any attribute (container, network, name, ...)" },
};

static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

static void usage(FILE *f)
{
	size_t i;

	(void)fprintf(f, "Usage: netctl [--socket PATH] [--json] COMMAND [ARG]...\n\n"
			 "The socket defaults to $NETD_SOCKET, then " NETD_SOCKET_DEFAULT ".\n\n"
			 "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		(void)fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	(void)fprintf(f, "\nEvery command takes --json, and --format TEMPLATE ('{{.Field}}' as in\n"
			 "docker, fields by their JSON names; '{{json .}}'; 'table ...' adds headers).\n"
			 "Run 'netctl COMMAND --help' for a command's options.\n");
}

/**
 * netctl_usage_error() - print a usage error
 * @fmt:	message format
 *
 * Return: EXIT_USAGE
 */
int netctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	(void)fputs("netctl: ", stderr);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
	return EXIT_USAGE;
}

/**
 * netctl_common_flag() - handle flags every command takes (--json, -q, --format)
 * @ctl:	context
 * @argc:	argument count
 * @argv:	arguments
 * @i:		position; advanced past --format's value
 *
 * Return: true when argv[*i] was one of them
 */
bool netctl_common_flag(struct netctl *ctl, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	const char *fmt;

	switch (strncmp(arg, "--format", 8) == 0 ? netctl_opt(argc, argv, i, "--format", &fmt) : 0) {
	case 1:
		/* what --json would print, shaped by the template */
		output_set_format(fmt);
		ctl->json = true;
		return true;
	case -1:
		exit(EXIT_USAGE);
	default:
		break;
	}
	if (strcmp(arg, "--json") == 0) {
		ctl->json = true;
		return true;
	}
	if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
		ctl->quiet = true;
		return true;
	}
	return false;
}

/**
 * netctl_opt() - match "--name VALUE" or "--name=VALUE" at argv[*i]
 * @argc:	argument count
 * @argv:	arguments
 * @i:		position; advanced past the value
 * @name:	option name with dashes
 * @ret:	the value
 *
 * Return: 1 matched, 0 not this option, -1 value missing (a usage error was printed)
 */
int netctl_opt(int argc, char **argv, int *i, const char *name, const char **ret)
{
	size_t len = strlen(name);

	if (strncmp(argv[*i], name, len) != 0)
		return 0;
	if (argv[*i][len] == '=') {
		*ret = argv[*i] + len + 1;
		return 1;
	}
	if (argv[*i][len] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		(void)netctl_usage_error("option '%s' needs a value", name);
		return -1;
	}
	*ret = argv[++*i];
	return 1;
}

/**
 * netctl_opt_json() - match any of @opts at argv[*i] and store its value in @body under the
 * matching key (the option name without its dashes)
 * @argc:	argument count
 * @argv:	arguments
 * @i:		position; advanced past the value
 * @opts:	option names with dashes
 * @n_opts:	how many
 * @body:	JSON object to fill
 *
 * Return: 1 matched, 0 none of them, -1 value missing (a usage error was printed)
 */
int netctl_opt_json(int argc, char **argv, int *i, const char *const *opts, size_t n_opts,
		    json_t *body)
{
	const char *v;
	size_t k;
	int m;

	for (k = 0; k < n_opts; k++) {
		m = netctl_opt(argc, argv, i, opts[k], &v);
		if (m > 0)
			(void)json_object_set_new(body, opts[k] + 2, json_string(v));
		if (m != 0)
			return m;
	}
	return 0;
}

/**
 * netctl_call() - one API call; errors are printed here, once
 * @ctl:	context
 * @method:	HTTP method
 * @path:	API path
 * @body:	request body (not consumed), or NULL
 * @ret:	response, or NULL
 *
 * Return: 0 or 1 (the exit status of a failed call)
 */
int netctl_call(struct netctl *ctl, const char *method, const char *path, json_t *body,
		json_t **ret)
{
	struct netd_error e = NETD_ERROR_INIT;
	int r;

	if (!ctl->client.curl && client_init(&ctl->client, ctl->socket_path, &e) < 0) {
		(void)fprintf(stderr, "netctl: %s\n", e.msg);
		return 1;
	}
	r = client_request(&ctl->client, method, path, body, ret, &e);
	if (r < 0) {
		(void)fprintf(stderr, "netctl: %s\n", e.msg);
		return 1;
	}
	return 0;
}

static int cmd_version(struct netctl *ctl, int argc, char **argv)
{
	json_t *v = NULL;
	int i;

	for (i = 1; i < argc; i++)
		if (!netctl_common_flag(ctl, argc, argv, &i))
			return netctl_usage_error("version: unexpected argument '%s'", argv[i]);
	if (netctl_call(ctl, "GET", "/v1/version", NULL, &v) != 0)
		return 1;
	if (ctl->json)
		output_json(v);
	else
		(void)printf("client %s\ndaemon %s (api %s)\n", PACKAGE_VERSION,
			     output_str(v, "version"), output_str(v, "api"));
	json_decref(v);
	return 0;
}

static int cmd_info(struct netctl *ctl, int argc, char **argv)
{
	json_t *v = NULL;
	int i;

	for (i = 1; i < argc; i++)
		if (!netctl_common_flag(ctl, argc, argv, &i))
			return netctl_usage_error("info: unexpected argument '%s'", argv[i]);
	if (netctl_call(ctl, "GET", "/v1/info", NULL, &v) != 0)
		return 1;
	if (ctl->json) {
		output_json(v);
	} else {
		(void)printf("version:         %s\n", output_str(v, "version"));
		(void)printf("networks:        %lld\n",
			     (long long)json_integer_value(json_object_get(v, "networks")));
		(void)printf("endpoints:       %lld\n",
			     (long long)json_integer_value(json_object_get(v, "endpoints")));
		(void)printf("default network: %s\n", output_str(v, "default_network"));
		(void)printf("state dir:       %s\n", output_str(v, "state_dir"));
		(void)printf("socket:          %s\n", output_str(v, "socket"));
	}
	json_decref(v);
	return 0;
}

int main(int argc, char **argv)
{
	struct netctl ctl = { 0 };
	int i, r = EXIT_USAGE;
	size_t k;

	log_set_ident("netctl");
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--socket") == 0 || strcmp(argv[i], "-s") == 0) {
			if (++i >= argc)
				return netctl_usage_error("--socket needs a path");
			ctl.socket_path = argv[i];
		} else if (strncmp(argv[i], "--socket=", 9) == 0) {
			ctl.socket_path = argv[i] + 9;
		} else if (strcmp(argv[i], "--json") == 0) {
			ctl.json = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			(void)printf("netctl %s\n", PACKAGE_VERSION);
			return 0;
		} else {
			return netctl_usage_error("unknown option '%s' (see 'netctl --help')",
						  argv[i]);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (k = 0; k < ARRAY_SIZE(commands); k++) {
		if (strcmp(argv[i], commands[k].name) == 0) {
			if (commands[k].synopsis && wants_help(argc - i, argv + i)) {
				(void)printf("Usage: netctl %s\n%s\n", commands[k].synopsis,
					     commands[k].summary);
				r = 0;
			} else {
				r = commands[k].fn(&ctl, argc - i, argv + i);
			}
			break;
		}
	}
	if (k == ARRAY_SIZE(commands))
		r = netctl_usage_error("unknown command '%s' (see 'netctl --help')", argv[i]);
	if (ctl.client.curl)
		client_done(&ctl.client);
	return r;
}
