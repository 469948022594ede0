// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c - netd: options, daemon setup, run loop, exit status */
#include "config.h"

#include <getopt.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <netd/parse.h>

#include "daemon.h"

static void usage(FILE *f)
{
	(void)fprintf(
		f,
		"Usage: netd [OPTION]...\n"
		"Container networking daemon: bridges, veth endpoints and IPAM over netlink.\n\n"
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
};

static int parse_options(int argc, char **argv, struct config *cfg)
{
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
		{ "proxy-max-conns-per-port", required_argument, NULL,
		  OPT_PROXY_MAX_CONNS_PER_PORT },
		{ "proxy-udp-timeout", required_argument, NULL, OPT_PROXY_UDP_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool socket_set = false;
	int option_index = 0;
	enum log_level level;
	struct group *g;
	int c;

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
	while ((c = getopt_long(argc, argv, "hV", opts, &option_index)) != -1) {
		switch (c) {
		case OPT_SOCKET:
			if (strlen(optarg) >= sizeof(cfg->socket_path) || optarg[0] == '\0') {
				(void)fprintf(stderr, "netd: socket path '%s' is too long\n",
					      optarg);
				return 2;
			}
			STRLCPY(cfg->socket_path, optarg);
			socket_set = true;
			break;
		case OPT_RUN_DIR:
		case OPT_STATE_DIR:
			if (strlen(optarg) >= sizeof(cfg->run_dir) || optarg[0] == '\0') {
				(void)fprintf(stderr, "netd: invalid directory '%s'\n", optarg);
				return 2;
			}
			if (c == OPT_RUN_DIR)
				STRLCPY(cfg->run_dir, optarg);
			else
				STRLCPY(cfg->state_dir, optarg);
			break;
		case OPT_LOG_LEVEL:
			if (log_level_parse(optarg, &level) < 0) {
				(void)fprintf(
					stderr,
					"netd: invalid log level '%s': use error, warn, info or debug\n",
					optarg);
				return 2;
			}
			log_set_level(level);
			break;
		case OPT_DEFAULT_SUBNET:
		case OPT_SUBNET_POOL: {
			struct cidr sub;

			if (cidr_parse_subnet(optarg, &sub) < 0 || sub.addr.family != AF_INET ||
			    sub.prefixlen > 30) {
				(void)fprintf(
					stderr,
					"netd: invalid subnet '%s': expected an IPv4 network like 172.30.0.0/16\n",
					optarg);
				return 2;
			}
			if (c == OPT_DEFAULT_SUBNET)
				cfg->default_subnet = sub;
			else
				cfg->pool = sub;
			break;
		}
		case OPT_SUBNET_SIZE:
			if (parse_uint(optarg, 30, &cfg->pool_len) < 0 || cfg->pool_len < 8) {
				(void)fprintf(stderr, "netd: invalid subnet size '%s': 8 to 30\n",
					      optarg);
				return 2;
			}
			break;
		case OPT_SOCKET_GROUP:
			g = getgrnam(optarg);
			if (!g) {
				(void)fprintf(stderr, "netd: unknown group '%s'\n", optarg);
				return 2;
			}
			cfg->has_socket_group = true;
			cfg->socket_gid = g->gr_gid;
			break;
		case OPT_NFT_TABLE:
			if (name_validate(optarg) < 0 || strlen(optarg) >= sizeof(cfg->nft_table)) {
				(void)fprintf(
					stderr,
					"netd: invalid table name '%s': letters, digits, '_', '.', '-', at most %zu characters\n",
					optarg, sizeof(cfg->nft_table) - 1);
				return 2;
			}
			STRLCPY(cfg->nft_table, optarg);
			break;
		case OPT_CLEANUP:
			cfg->cleanup = true;
			break;
		case OPT_USERLAND_PROXY:
			if (proxy_mode_parse(optarg, &cfg->userland_proxy) < 0) {
				(void)fprintf(
					stderr,
					"netd: invalid --userland-proxy '%s': use auto, always or never\n",
					optarg);
				return 2;
			}
			break;
		case OPT_PROXY_WORKERS:
		case OPT_PROXY_MAX_CONNS:
		case OPT_PROXY_MAX_CONNS_PER_PORT:
		case OPT_PROXY_UDP_TIMEOUT: {
			unsigned int v;

			if (parse_uint(optarg, c == OPT_PROXY_WORKERS ? 64 : 1u << 24, &v) < 0 ||
			    v == 0) {
				(void)fprintf(stderr, "netd: invalid number '%s' for --%s\n",
					      optarg, opts[option_index].name);
				return 2;
			}
			if (c == OPT_PROXY_WORKERS)
				cfg->proxy_workers = v;
			else if (c == OPT_PROXY_MAX_CONNS)
				cfg->proxy_max_conns = v;
			else if (c == OPT_PROXY_MAX_CONNS_PER_PORT)
				cfg->proxy_max_conns_per_port = v;
			else
				cfg->proxy_udp_timeout_s = v;
			break;
		}
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			(void)printf("netd %s\n", PACKAGE_VERSION);
			return -1;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		(void)fprintf(stderr, "netd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (cfg->pool_len < cfg->pool.prefixlen) {
		(void)fprintf(stderr, "netd: --subnet-size /%u is larger than the pool\n",
			      cfg->pool_len);
		return 2;
	}
	if (!socket_set &&
	    (size_t)snprintf(cfg->socket_path, sizeof(cfg->socket_path), "%s/netd.sock",
			     cfg->run_dir) >= sizeof(cfg->socket_path)) {
		(void)fprintf(stderr, "netd: run directory '%s' is too long for a socket path\n",
			      cfg->run_dir);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct netd_error e = NETD_ERROR_INIT;
	static struct daemon d;
	int r;

	log_set_ident("netd");
	r = parse_options(argc, argv, &d.cfg);
	if (r != 0)
		return r < 0 ? 0 : r;
	if (d.cfg.cleanup) {
		/* only netd's own table; networks and endpoints stay for the next start */
		if (fw_open(&d.fw, d.cfg.nft_table, &e) < 0 || fw_table_remove(&d.fw, &e) < 0) {
			log_error("%s", e.msg);
			fw_close(&d.fw);
			return 1;
		}
		fw_close(&d.fw);
		log_info("nftables table 'inet %s' removed", d.cfg.nft_table);
		return 0;
	}
	r = daemon_init(&d, &e);
	if (r < 0) {
		log_error("%s", e.msg);
		daemon_done(&d);
		return 1;
	}
	r = daemon_run(&d);
	daemon_done(&d);
	return r;
}
