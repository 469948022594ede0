// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c - netd-cni: read the environment and stdin, run the command, print result or error */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <netd/codec.h>
#include <netd/log.h>

#include "cni_cmd.h"

/* read all of stdin, at most CNI_CONFIG_MAX bytes */
static int read_stdin(char **ret, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;

	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *p;

			if (cap >= CNI_CONFIG_MAX)
				return -EMSGSIZE;
			cap = cap ? cap * 2 : 8192;
			p = realloc(buf, cap);
			if (!p)
				return -ENOMEM;
			buf = p;
		}
		n = read(STDIN_FILENO, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

static int print_json(json_t *j)
{
	if (!j || json_dumpf(j, stdout, JSON_INDENT(2)) < 0 || fputc('\n', stdout) == EOF ||
	    fflush(stdout) == EOF)
		return -EIO;
	return 0;
}

/* an error carries the config's cniVersion when the plugin speaks it, else the newest */
static const char *error_version(const struct cni_config *c)
{
	enum cni_version v;

	return c && c->version[0] && cni_version_parse(c->version, &v) == 0 ? c->version : NULL;
}

static int fail(const struct cni_error *ce, const struct cni_config *c)
{
	_cleanup_json_ json_t *j = NULL;

	log_error("%s: %s", ce->msg, ce->details);
	j = cni_error_to_json(ce, error_version(c));
	(void)print_json(j);
	return EXIT_FAILURE;
}

static int run(const struct cni_env *env, struct cni_config *cfg, struct cni_error *ce)
{
	_cleanup_json_ json_t *res = NULL;
	struct netd_error e = NETD_ERROR_INIT;
	struct cni_ctx x = { .env = env, .cfg = cfg };
	int r;

	if (client_init(&x.client, cfg->socket, &e) < 0)
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid socket", "%s", e.msg);
	if (env->container_id)
		cni_container_name(env->container_id, env->ifname, x.name);
	switch (env->cmd) {
	case CNI_CMD_ADD:
		r = cni_cmd_add(&x, &res, ce);
		if (r == 0 && print_json(res) < 0)
			r = cni_err(ce, CNI_ERR_IO, "cannot write the result", NULL);
		break;
	case CNI_CMD_DEL:
		r = cni_cmd_del(&x, ce);
		break;
	case CNI_CMD_CHECK:
		r = cni_cmd_check(&x, ce);
		break;
	case CNI_CMD_STATUS:
		r = cni_cmd_status(&x, ce);
		break;
	case CNI_CMD_GC:
		r = cni_cmd_gc(&x, ce);
		break;
	default:
		r = cni_err(ce, CNI_ERR_INVALID_ENV, "unknown CNI_COMMAND", NULL);
		break;
	}
	client_done(&x.client);
	return r;
}

static const char *env_get(const char *name)
{
	return getenv(name);
}

int main(void)
{
	struct cni_error ce = { 0 };
	struct cni_config cfg = { 0 };
	_cleanup_free_ char *text = NULL;
	const char *lvl = getenv("NETD_CNI_LOG_LEVEL");
	enum log_level level;
	struct cni_env env;
	size_t len = 0;
	int r;

	log_set_ident("netd-cni");
	log_set_level(LOG_LEVEL_WARN);
	if (lvl && log_level_parse(lvl, &level) == 0)
		log_set_level(level);
	if (cni_env_parse(env_get, &env, &ce) < 0)
		return fail(&ce, NULL);
	if (env.cmd == CNI_CMD_VERSION) {
		_cleanup_json_ json_t *info = cni_version_info();

		/* drain {"cniVersion": ...} so a runtime writing it never sees EPIPE; the
		 * answer does not depend on it. From a terminal, nothing is read. */
		if (!isatty(STDIN_FILENO))
			(void)read_stdin(&text, &len);
		return print_json(info) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	r = read_stdin(&text, &len);
	if (r < 0) {
		cni_err(&ce, CNI_ERR_IO, "cannot read the network config from stdin", "%s",
			strerror(-r));
		return fail(&ce, NULL);
	}
	if (cni_config_parse(text, len, &env, &cfg, &ce) < 0 || run(&env, &cfg, &ce) < 0) {
		r = fail(&ce, &cfg);
		cni_config_done(&cfg);
		return r;
	}
	cni_config_done(&cfg);
	return EXIT_SUCCESS;
}
