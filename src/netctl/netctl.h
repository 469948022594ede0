/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netctl.h - netctl's command table, shared context and output helpers */
#ifndef NETD_NETCTL_H
#define NETD_NETCTL_H

#include <stdbool.h>

#include <jansson.h>

#include <netd/client.h>

/* exit codes: 0 success, 1 failure, 2 usage error */
#define EXIT_USAGE 2

struct netctl {
	struct client client;
	const char *socket_path;
	bool json;
	bool quiet;
};

struct command {
	const char *name;
	int (*fn)(struct netctl *ctl, int argc, char **argv);
	const char *summary;
	const char *synopsis; /* for --help, or NULL when the command prints its own */
};

int cmd_network(struct netctl *ctl, int argc, char **argv);
int cmd_attach(struct netctl *ctl, int argc, char **argv);
int cmd_detach(struct netctl *ctl, int argc, char **argv);
int cmd_ls(struct netctl *ctl, int argc, char **argv);
int cmd_inspect(struct netctl *ctl, int argc, char **argv);
int cmd_publish(struct netctl *ctl, int argc, char **argv);
int cmd_unpublish(struct netctl *ctl, int argc, char **argv);
int cmd_port(struct netctl *ctl, int argc, char **argv);
int cmd_events(struct netctl *ctl, int argc, char **argv);
void output_mapping(const json_t *m);

int netctl_call(struct netctl *ctl, const char *method, const char *path, json_t *body,
		json_t **ret);
int netctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool netctl_common_flag(struct netctl *ctl, int argc, char **argv, int *i);
int netctl_opt(int argc, char **argv, int *i, const char *name, const char **ret);
int netctl_opt_json(int argc, char **argv, int *i, const char *const *opts, size_t n_opts,
		    json_t *body);

void output_json(const json_t *j);
void output_set_format(const char *fmt);
void output_json_line(const json_t *j);
void output_table(const char *const *headers, size_t n_cols, const json_t *rows,
		  const char *const *keys);
const char *output_str(const json_t *o, const char *key);
void output_endpoint(const json_t *ep);
void output_network(const json_t *n);

#endif /* NETD_NETCTL_H */
