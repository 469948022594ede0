// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * options.c - netd's settings: defaults, then /etc/netd/netd.conf, then the command line, all
 * through one table of options so every option can be set in either place
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netd/conffile.h>
#include <netd/fileio.h>
#include <netd/parse.h>

#include "daemon.h"

#ifndef NETD_CONF_PATH
#define NETD_CONF_PATH "/etc/netd/netd.conf"
#endif
#define CONF_MAX_BYTES (64 * 1024)

static void usage(FILE *f)
{
	(void)fprintf(
		f,
		"Usage: netd [OPTION]...\n"
		"Container networking daemon: bridges, veth endpoints and IPAM over netlink.\n\n"
		"  --config FILE          settings file (default " NETD_CONF_PATH
		", if present);\n"
		"                         'option = value' lines, the command line wins\n"
		"  --socket PATH          control socket (default RUN_DIR/netd.sock)\n"
		"  --run-dir DIR          runtime directory (default /run/netd)\n"
		"  --state-dir DIR        persistent state (default /var/lib/netd)\n"
		"  --log-level LEVEL      error, warn, info (default) or debug\n"
		"  --default-subnet CIDR  subnet of the default network 'netd' (default 172.30.0.0/16)\n"
		"  --subnet-pool CIDR     pool for networks created without --subnet (default 10.89.0.0/16)\n"
		"  --subnet-size N        prefix length carved from the pool (default 24)\n"
		"  --socket-group GROUP   also allow this group on the socket (mode 0660)\n"
		"  --nft-table NAME       netd's nftables table in family inet (default netd)\n"
		"  --userland-proxy MODE  auto (default): relay what NAT cannot carry (loopback);\n"
		"                         always: relay everything, no DNAT; never: no proxy\n"
		"  --proxy-workers N      relay threads of netd-proxy (default: one per CPU, >= 2)\n"
		"  --proxy-max-conns N    proxied TCP connections open at once (default 16384)\n"
		"  --proxy-max-conns-per-port N  to one published port (default 4096)\n"
		"  --proxy-udp-timeout S  idle UDP flows end after S seconds (default 30)\n"
		"  --metrics-listen ADDR:PORT  also serve GET /metrics over TCP there (read-only;\n"
		"                         e.g. 127.0.0.1:9323; off by default)\n"
		"  --cleanup              remove netd's nftables table and exit\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n");
}

enum {
	OPT_SOCKET = 256,
	OPT_RUN_DIR,
	OPT_STATE_DIR,
	OPT_LOG_LEVEL,
	OPT_DEFAULT_SUBNET,
	OPT_SUBNET_POOL,
	OPT_SUBNET_SIZE,
	OPT_SOCKET_GROUP,
	OPT_NFT_TABLE,
	OPT_CLEANUP,
	OPT_USERLAND_PROXY,
	OPT_PROXY_WORKERS,
	OPT_PROXY_MAX_CONNS,
	OPT_PROXY_MAX_CONNS_PER_PORT,
	OPT_PROXY_UDP_TIMEOUT,
	OPT_METRICS_LISTEN,
	OPT_CONFIG,
};

static const struct option opts[] = {
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "run-dir", required_argument, NULL, OPT_RUN_DIR },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "default-subnet", required_argument, NULL, OPT_DEFAULT_SUBNET },
	{ "subnet-pool", required_argument, NULL, OPT_SUBNET_POOL },
	{ "subnet-size", required_argument, NULL, OPT_SUBNET_SIZE },
	{ "socket-group", required_argument, NULL, OPT_SOCKET_GROUP },
	{ "nft-table", required_argument, NULL, OPT_NFT_TABLE },
	{ "cleanup", no_argument, NULL, OPT_CLEANUP },
	{ "userland-proxy", required_argument, NULL, OPT_USERLAND_PROXY },
	{ "proxy-workers", required_argument, NULL, OPT_PROXY_WORKERS },
	{ "proxy-max-conns", required_argument, NULL, OPT_PROXY_MAX_CONNS },
	{ "proxy-max-conns-per-port", required_argument, NULL, OPT_PROXY_MAX_CONNS_PER_PORT },
	{ "proxy-udp-timeout", required_argument, NULL, OPT_PROXY_UDP_TIMEOUT },
	{ "metrics-listen", required_argument, NULL, OPT_METRICS_LISTEN },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* "127.0.0.1:9323" or "[::1]:9323": an address netd can bind and a port */
static int parse_listen(const char *s, struct config *cfg)
{
	const char *colon = strrchr(s, ':');
	bool bracketed = s[0] == '[';
	char host[INET6_ADDRSTRLEN];
	struct ipaddr a;
	size_t hlen;

	if (!colon || colon == s)
		return -EINVAL;
	hlen = (size_t)(colon - s);
	if (bracketed) {
		/* "[v6]": the brackets are not part of the address */
		if (hlen < 3 || s[hlen - 1] != ']')
			return -EINVAL;
		s++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (ipaddr_parse(host, &a) < 0 || (a.family == AF_INET6) != bracketed)
		return -EINVAL;
	if (parse_uint(colon + 1, 65535, &cfg->metrics_port) < 0 || cfg->metrics_port == 0)
		return -EINVAL;
	STRLCPY(cfg->metrics_addr, host);
	return 0;
}

/*
 * One setting, from either source.  @c is the option's id, @name its long name (for
 * messages).  The command line is applied after netd.conf, so its value replaces the file's.
 */
static int apply(struct config *cfg, int c, const char *name, const char *arg,
		 struct netd_error *e)
{
	enum log_level level;
	struct group *g;

	if (c != OPT_CLEANUP && !*arg)
		return err_set(e, EINVAL, "%s needs a value", name);
	switch (c) {
	case OPT_SOCKET:
		if (strlen(arg) >= sizeof(cfg->socket_path))
			return err_set(e, EINVAL, "socket path '%s' is too long", arg);
		STRLCPY(cfg->socket_path, arg);
		cfg->socket_set = true;
		return 0;
	case OPT_RUN_DIR:
	case OPT_STATE_DIR:
		if (strlen(arg) >= sizeof(cfg->run_dir))
			return err_set(e, EINVAL, "invalid directory '%s'", arg);
		if (c == OPT_RUN_DIR)
			STRLCPY(cfg->run_dir, arg);
		else
			STRLCPY(cfg->state_dir, arg);
		return 0;
	case OPT_LOG_LEVEL:
		if (log_level_parse(arg, &level) < 0)
			return err_set(e, EINVAL,
				       "invalid log level '%s': use error, warn, info or debug",
				       arg);
		cfg->log_level = level;
		return 0;
	case OPT_DEFAULT_SUBNET:
	case OPT_SUBNET_POOL: {
		struct cidr sub;

		if (cidr_parse_subnet(arg, &sub) < 0 || sub.addr.family != AF_INET ||
		    sub.prefixlen > 30)
			return err_set(
				e, EINVAL,
				"invalid subnet '%s': expected an IPv4 network like 172.30.0.0/16",
				arg);
		if (c == OPT_DEFAULT_SUBNET)
			cfg->default_subnet = sub;
		else
			cfg->pool = sub;
		return 0;
	}
	case OPT_SUBNET_SIZE:
		if (parse_uint(arg, 30, &cfg->pool_len) < 0 || cfg->pool_len < 8)
			return err_set(e, EINVAL, "invalid subnet size '%s': 8 to 30", arg);
		return 0;
	case OPT_SOCKET_GROUP:
		g = getgrnam(arg);
		if (!g)
			return err_set(e, EINVAL, "unknown group '%s'", arg);
		cfg->has_socket_group = true;
		cfg->socket_gid = g->gr_gid;
		return 0;
	case OPT_NFT_TABLE:
		if (name_validate(arg) < 0 || strlen(arg) >= sizeof(cfg->nft_table))
			return err_set(
				e, EINVAL,
				"invalid table name '%s': letters, digits, '_', '.', '-', at most %zu characters",
				arg, sizeof(cfg->nft_table) - 1);
		STRLCPY(cfg->nft_table, arg);
		return 0;
	case OPT_USERLAND_PROXY:
		if (proxy_mode_parse(arg, &cfg->userland_proxy) < 0)
			return err_set(e, EINVAL,
				       "invalid userland-proxy '%s': use auto, always or never", arg);
		return 0;
	case OPT_PROXY_WORKERS:
	case OPT_PROXY_MAX_CONNS:
	case OPT_PROXY_MAX_CONNS_PER_PORT:
	case OPT_PROXY_UDP_TIMEOUT: {
		unsigned int v;

		if (parse_uint(arg, c == OPT_PROXY_WORKERS ? 64 : 1u << 24, &v) < 0 || v == 0)
			return err_set(e, EINVAL, "invalid number '%s' for %s", arg, name);
		if (c == OPT_PROXY_WORKERS)
			cfg->proxy_workers = v;
		else if (c == OPT_PROXY_MAX_CONNS)
			cfg->proxy_max_conns = v;
		else if (c == OPT_PROXY_MAX_CONNS_PER_PORT)
			cfg->proxy_max_conns_per_port = v;
		else
			cfg->proxy_udp_timeout_s = v;
		return 0;
	}
	case OPT_METRICS_LISTEN:
		if (parse_listen(arg, cfg) < 0)
			return err_set(e, EINVAL,
				       "invalid metrics-listen '%s': expected ADDR:PORT, like "
				       "127.0.0.1:9323 or [::1]:9323",
				       arg);
		return 0;
	case OPT_CLEANUP:
		cfg->cleanup = true;
		return 0;
	default:
		return err_set(e, EINVAL, "unknown option '%s'", name);
	}
}

struct conf_ctx {
	struct config *cfg;
	const char *path;
};

static int apply_conf(const char *key, const char *value, unsigned int line, void *userdata,
		      struct netd_error *e)
{
	struct conf_ctx *ctx = userdata;
	const struct option *o;

	for (o = opts; o->name; o++)
		if (strcmp(o->name, key) == 0)
			break;
	/* what only makes sense once, on a command line, is not a setting */
	if (!o->name || o->has_arg != required_argument || o->val == OPT_CONFIG)
		return err_set(e, EINVAL, "%s:%u: unknown option '%s'", ctx->path, line, key);
	if (apply(ctx->cfg, o->val, key, value, e) < 0)
		return err_wrap(e, "%s:%u", ctx->path, line);
	return 0;
}

/* --config FILE or --config=FILE anywhere on the command line, before getopt runs */
static const char *config_arg(int argc, char **argv, bool *ret_explicit)
{
	int i;

	*ret_explicit = false;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			*ret_explicit = true;
			return argv[i + 1];
		}
		if (strncmp(argv[i], "--config=", 9) == 0) {
			*ret_explicit = true;
			return argv[i] + 9;
		}
	}
	return NETD_CONF_PATH;
}

/* read netd.conf; a missing default file is no error, a missing --config FILE is */
static int load_config(const char *path, bool must_exist, struct config *cfg,
		       struct netd_error *e)
{
	struct conf_ctx ctx = { .cfg = cfg, .path = path };
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	size_t got = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return err_set(e, errno, "%s: %s", path, strerror(errno));
	}
	if (fd_read_bounded(fd, path, CONF_MAX_BYTES, &text, &got, e) < 0)
		return -e->code;
	if (strlen(text) != got)
		return err_set(e, EINVAL, "%s: holds a NUL byte", path);
	return conffile_parse(text, path, apply_conf, &ctx, e);
}

static void defaults(struct config *cfg)
{
	STRLCPY(cfg->run_dir, "/run/netd");
	STRLCPY(cfg->nft_table, FW_TABLE_DEFAULT);
	STRLCPY(cfg->state_dir, "/var/lib/netd");
	(void)cidr_parse_subnet("172.30.0.0/16", &cfg->default_subnet);
	(void)cidr_parse_subnet("10.89.0.0/16", &cfg->pool);
	cfg->pool_len = 24;
	cfg->userland_proxy = PROXY_MODE_AUTO;
	cfg->proxy_max_conns = 16384;
	cfg->proxy_max_conns_per_port = 4096;
	cfg->proxy_udp_timeout_s = 30;
	cfg->log_level = LOG_LEVEL_INFO;
}

/**
 * options_parse() - fill @cfg from defaults, netd.conf and the command line, in that order
 * @argc:	argument count
 * @argv:	arguments
 * @cfg:	configuration to fill
 *
 * Return: 0 to run, -1 when --help or --version was answered, 2 on a usage error (printed)
 */
int options_parse(int argc, char **argv, struct config *cfg)
{
	struct netd_error e = NETD_ERROR_INIT;
	int option_index = 0;
	const char *conf;
	bool conf_explicit;
	int c, i;

	defaults(cfg);
	/* --help answers even when netd.conf is broken */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return -1;
		}
	conf = config_arg(argc, argv, &conf_explicit);
	if (strlen(conf) >= sizeof(cfg->conf_path)) {
		(void)fprintf(stderr, "netd: --config path too long\n");
		return 2;
	}
	STRLCPY(cfg->conf_path, conf);
	cfg->conf_must_exist = conf_explicit;
	if (load_config(conf, conf_explicit, cfg, &e) < 0) {
		(void)fprintf(stderr, "netd: %s\n", e.msg);
		return 2;
	}
	while ((c = getopt_long(argc, argv, "hV", opts, &option_index)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			(void)printf("netd %s\n", PACKAGE_VERSION);
			return -1;
		case OPT_CONFIG:
			break; /* read above */
		case '?':
			usage(stderr);
			return 2;
		default:
			cfg->log_level_cmdline |= c == OPT_LOG_LEVEL;
			if (apply(cfg, c, opts[option_index].name, optarg ? optarg : "", &e) < 0) {
				(void)fprintf(stderr, "netd: --%s: %s\n", opts[option_index].name,
					      e.msg);
				return 2;
			}
		}
	}
	if (optind < argc) {
		(void)fprintf(stderr, "netd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	log_set_level(cfg->log_level);
	if (cfg->pool_len < cfg->pool.prefixlen) {
		(void)fprintf(stderr, "netd: subnet-size /%u is larger than the pool\n",
			      cfg->pool_len);
		return 2;
	}
	if (!cfg->socket_set &&
	    (size_t)snprintf(cfg->socket_path, sizeof(cfg->socket_path), "%s/netd.sock",
			     cfg->run_dir) >= sizeof(cfg->socket_path)) {
		(void)fprintf(stderr, "netd: run directory '%s' is too long for a socket path\n",
			      cfg->run_dir);
		return 2;
	}
	return 0;
}

/**
 * options_reload() - SIGHUP: read netd.conf again and apply what can change while netd runs,
 * the log level (unless the command line set it); a broken file changes nothing
 * @cfg:	the running configuration
 */
void options_reload(struct config *cfg)
{
	struct netd_error e = NETD_ERROR_INIT;
	struct config *fresh = calloc(1, sizeof(*fresh));

	if (!fresh) {
		log_error("reload %s: out of memory", cfg->conf_path);
		return;
	}
	defaults(fresh);
	if (load_config(cfg->conf_path, cfg->conf_must_exist, fresh, &e) < 0) {
		log_error("reload: %s; nothing changed", e.msg);
		free(fresh);
		return;
	}
	if (!cfg->log_level_cmdline && fresh->log_level != cfg->log_level) {
		cfg->log_level = fresh->log_level;
		log_set_level(cfg->log_level);
	}
	log_info("reloaded %s: log level %s%s; other settings apply at the next start",
		 cfg->conf_path, log_level_name(cfg->log_level),
		 cfg->log_level_cmdline ? " (set on the command line)" : "");
	free(fresh);
}
