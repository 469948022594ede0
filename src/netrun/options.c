// SPDX-License-Identifier: GPL-2.0-or-later
/* options.c - `netrun run` options into a validated struct run_opts */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netd/naming.h>
#include <netd/parse.h>

#include "netrun.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define CPU_PERIOD_US 100000
#define PIDS_MAX_LIMIT 4194304

static int need_arg(int argc, char **argv, int i, struct netd_error *e)
{
	if (i + 1 >= argc)
		return err_set(e, EINVAL, "%s needs a value", argv[i]);
	return 0;
}

static int env_check(const char *kv, struct netd_error *e)
{
	const char *eq = strchr(kv, '=');

	if (!eq || eq == kv)
		return err_set(e, EINVAL, "--env '%s': expected KEY=VALUE", kv);
	return 0;
}

/* overlayfs separates its options with ',' and its layers with ':' */
static int layer_check(const char *dir, struct netd_error *e)
{
	struct stat st;

	if (dir[0] != '/' || strpbrk(dir, ",:\\"))
		return err_set(e, EINVAL, "--layer '%s': an absolute path without ',', ':' or '\\'",
			       dir);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return err_set(e, ENOENT, "--layer '%s': not a directory", dir);
	return 0;
}

/**
 * run_opts_network_none() - whether the container gets only lo
 * @o:		options
 *
 * Return: true for --network none
 */
bool run_opts_network_none(const struct run_opts *o)
{
	return strcmp(o->network, "none") == 0;
}

/**
 * run_opts_network_host() - whether the container stays in netrun's network namespace
 * @o:		options
 *
 * Return: true for --network host
 */
bool run_opts_network_host(const struct run_opts *o)
{
	return strcmp(o->network, "host") == 0;
}

/* one option at argv[*i] (and its value); advances *i past the value */
static int opt_one(int argc, char **argv, int *i, struct run_opts *o, struct netd_error *e)
{
	const char *a = argv[*i], *v;
	int r;

	r = need_arg(argc, argv, *i, e);
	if (r < 0)
		return r;
	v = argv[++*i];
	if (strcmp(a, "--name") == 0) {
		if (name_validate(v) < 0)
			return err_set(e, EINVAL,
				       "--name '%s': letters, digits, '.', '_', '-', at most %d", v,
				       NAME_MAX_LEN);
		STRLCPY(o->name, v);
	} else if (strcmp(a, "--rootfs") == 0) {
		o->rootfs = v;
	} else if (strcmp(a, "--layer") == 0) {
		r = layer_check(v, e);
		if (r < 0)
			return r;
		if (o->n_layers >= NETRUN_MAX_LAYERS)
			return err_set(e, E2BIG, "at most %d --layer", NETRUN_MAX_LAYERS);
		o->layers[o->n_layers++] = v;
	} else if (strcmp(a, "--hostname") == 0 || strcmp(a, "-h") == 0) {
		if (strlen(v) == 0 || strlen(v) > 64)
			return err_set(e, EINVAL, "--hostname '%s': 1 to 64 characters", v);
		o->hostname = v;
	} else if (strcmp(a, "--workdir") == 0 || strcmp(a, "-w") == 0) {
		if (v[0] != '/')
			return err_set(e, EINVAL, "--workdir '%s': must be absolute", v);
		o->workdir = v;
	} else if (strcmp(a, "--network") == 0 || strcmp(a, "--net") == 0) {
		if (strcmp(v, "none") != 0 && strcmp(v, "host") != 0 && name_validate(v) < 0)
			return err_set(e, EINVAL, "--network '%s': not a network name", v);
		o->network = v;
	} else if (strcmp(a, "--pod") == 0) {
		if (name_validate(v) < 0)
			return err_set(e, EINVAL, "--pod '%s': not a pod name", v);
		o->pod = v;
	} else if (strcmp(a, "--env") == 0 || strcmp(a, "-e") == 0) {
		if (o->n_env >= NETRUN_MAX_ENV)
			return err_set(e, E2BIG, "at most %d --env", NETRUN_MAX_ENV);
		r = env_check(v, e);
		if (r < 0)
			return r;
		o->env[o->n_env++] = v;
	} else if (strcmp(a, "--publish") == 0 || strcmp(a, "-p") == 0) {
		if (o->n_ports >= NETRUN_MAX_PORTS)
			return err_set(e, E2BIG, "at most %d -p", NETRUN_MAX_PORTS);
		o->ports[o->n_ports++] = v;
	} else if (strcmp(a, "--memory") == 0 || strcmp(a, "-m") == 0) {
		if (size_parse(v, &o->memory) < 0 || o->memory < 4096 * 1024)
			return err_set(e, EINVAL, "--memory '%s': a size of at least 4m (512m, 1g)",
				       v);
	} else if (strcmp(a, "--cpus") == 0) {
		if (cpus_parse(v, CPU_PERIOD_US, &o->cpu_quota_us) < 0)
			return err_set(e, EINVAL,
				       "--cpus '%s': a number of CPUs from 0.01 (0.5, 2)", v);
	} else if (strcmp(a, "--user") == 0 || strcmp(a, "-u") == 0) {
		if (user_parse(v, &o->uid, &o->gid) < 0)
			return err_set(e, EINVAL, "--user '%s': UID[:GID], numbers below %u", v,
				       (unsigned int)NETRUN_ID_MAX);
		o->user = true;
	} else if (strcmp(a, "--pids-limit") == 0) {
		if (parse_u64(v, PIDS_MAX_LIMIT, &o->pids_max) < 0 || o->pids_max == 0)
			return err_set(e, EINVAL, "--pids-limit '%s': 1 to %d", v, PIDS_MAX_LIMIT);
	} else {
		return err_set(e, EINVAL, "run: unknown option '%s'", a);
	}
	return 0;
}

/**
 * run_opts_parse() - parse `run` options up to "--" and the command after it
 * @argc:	count, argv[0] is "run"
 * @argv:	arguments
 * @o:		filled in
 * @e:		error context
 *
 * Return: 0 or negative errno (-EINVAL for a usage error)
 */
int run_opts_parse(int argc, char **argv, struct run_opts *o, struct netd_error *e)
{
	struct stat st;
	int i, r;

	memset(o, 0, sizeof(*o));
	o->network = "";
	for (i = 0; i < NETRUN_POD_NS; i++)
		o->pod_fds[i] = -1;
	o->workdir = "/";
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (argv[i][0] != '-')
			break;
		if (strcmp(argv[i], "-d") == 0 || strcmp(argv[i], "--detach") == 0) {
			o->detach = true;
			continue;
		}
		if (strcmp(argv[i], "--userns") == 0) {
			o->userns = true;
			o->userns_base = NETRUN_USERNS_BASE;
			o->userns_size = NETRUN_USERNS_SIZE;
			continue;
		}
		if (strncmp(argv[i], "--userns=", 9) == 0) {
			r = userns_parse(argv[i] + 9, &o->userns_base, &o->userns_size);
			if (r < 0)
				return err_set(
					e, EINVAL,
					"--userns='%s': BASE:SIZE, the host ids of container "
					"ids 0 to SIZE-1: BASE 1 or more (0 would be the "
					"host's root), SIZE 1 or more, up to %u",
					argv[i] + 9, NETRUN_ID_MAX);
			o->userns = true;
			continue;
		}
		if (strcmp(argv[i], "--keep") == 0) {
			o->keep = true;
			continue;
		}
		if (strcmp(argv[i], "--read-only") == 0) {
			o->read_only = true;
			continue;
		}
		r = opt_one(argc, argv, &i, o, e);
		if (r < 0)
			return r;
	}
	if (i >= argc)
		return err_set(e, EINVAL,
			       "run: no command given (netrun run [OPTIONS] -- CMD ...)");
	o->argv = argv + i;
	if (o->n_layers && o->rootfs)
		return err_set(e, EINVAL, "run: --rootfs or --layer, not both");
	if (o->keep && !o->n_layers)
		return err_set(e, EINVAL, "run: --keep keeps the upper layer of --layer");
	if (!o->n_layers && !o->rootfs)
		return err_set(e, EINVAL, "run: --rootfs DIR or --layer DIR is required");
	/* with --layer, the root is the overlay's mount point, made later in RUN_DIR */
	if (o->rootfs && o->rootfs[0] != '/')
		return err_set(e, EINVAL, "--rootfs '%s': must be absolute", o->rootfs);
	if (o->rootfs && (stat(o->rootfs, &st) < 0 || !S_ISDIR(st.st_mode)))
		return err_set(e, ENOENT, "--rootfs '%s': not a directory", o->rootfs);
	/* a pod's containers have its network, ports and host name */
	if (o->pod && (o->network[0] || o->n_ports || o->hostname))
		return err_set(
			e, EINVAL,
			"--pod: the pod has the network, ports and host name (not --network, "
			"-p, --hostname)");
	if (o->pod)
		o->hostname = o->pod;
	/*
	 * The namespaces of a pod and the host's network belong to the host's user namespace,
	 * where container root has no power
	 */
	if (o->userns && (o->pod || run_opts_network_host(o)))
		return err_set(e, EINVAL, "--userns: not with --pod or --network host");
	if (o->userns && o->user && (o->uid >= o->userns_size || o->gid >= o->userns_size))
		return err_set(e, EINVAL, "--user with --userns: ids below %u (the mapped range)",
			       o->userns_size);
	if (!o->name[0])
		(void)snprintf(o->name, sizeof(o->name), "netrun-%d", (int)getpid());
	if (!o->hostname)
		o->hostname = o->name;
	if (o->n_ports && run_opts_network_none(o))
		return err_set(e, EINVAL, "-p needs a network: not with --network none");
	if (o->n_ports && run_opts_network_host(o))
		return err_set(e, EINVAL,
			       "-p: with --network host the ports are the host's already");
	return 0;
}

static bool env_has(const struct run_opts *o, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i < o->n_env; i++)
		if (strncmp(o->env[i], key, n) == 0 && o->env[i][n] == '=')
			return true;
	return false;
}

/**
 * run_opts_env() - the container's environment: what was asked plus PATH, HOME and HOSTNAME
 * @o:		options
 * @envp:	NETRUN_ENV_SLOTS entries, NULL-terminated on return
 * @host:	buffer for the HOSTNAME entry
 * @host_size:	its size
 */
void run_opts_env(const struct run_opts *o, char **envp, char *host, size_t host_size)
{
	size_t i, n = 0;

	if (!env_has(o, "PATH"))
		envp[n++] = (char *)"PATH=" DEFAULT_PATH;
	if (!env_has(o, "HOME"))
		envp[n++] = (char *)"HOME=/root";
	if (!env_has(o, "HOSTNAME")) {
		(void)snprintf(host, host_size, "HOSTNAME=%s", o->hostname);
		envp[n++] = host;
	}
	for (i = 0; i < o->n_env; i++)
		envp[n++] = (char *)o->env[i];
	envp[n] = NULL;
}
