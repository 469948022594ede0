// SPDX-License-Identifier: GPL-2.0-or-later
/* cni_env.c - the CNI_* environment: command, container id, netns, ifname, CNI_ARGS */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netd/naming.h>

#include "cni.h"

static const char *const cmd_names[CNI_CMD_MAX] = {
	[CNI_CMD_ADD] = "ADD",	     [CNI_CMD_DEL] = "DEL", [CNI_CMD_CHECK] = "CHECK",
	[CNI_CMD_STATUS] = "STATUS", [CNI_CMD_GC] = "GC",   [CNI_CMD_VERSION] = "VERSION",
};

/**
 * cni_cmd_name() - "ADD", "DEL", ...
 * @cmd:	command
 *
 * Return: its name
 */
const char *cni_cmd_name(enum cni_cmd cmd)
{
	return cmd < CNI_CMD_MAX ? cmd_names[cmd] : "?";
}

/* the spec's container id rule: alphanumeric first, then alphanumerics, '_', '.', '-' */
static bool container_id_valid(const char *s)
{
	if (!isalnum((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return false;
	return true;
}

static const char *get_nonempty(cni_getenv_fn get, const char *name)
{
	const char *v = get(name);

	return v && *v ? v : NULL;
}

/**
 * cni_env_parse() - read and check the CNI_* variables the command needs
 * @get:	getenv(), or a fake in tests
 * @ret:	the environment
 * @ce:		error: code 4 (invalid environment) for a missing or malformed variable
 *
 * ADD and CHECK need CNI_CONTAINERID, CNI_NETNS and CNI_IFNAME; DEL needs the id and the
 * ifname only (runtimes call it after the namespace is gone); STATUS, GC and VERSION none.
 * CNI_PATH is read but not required: netd-cni delegates to no other plugin.
 *
 * Return: 0 or -1
 */
int cni_env_parse(cni_getenv_fn get, struct cni_env *ret, struct cni_error *ce)
{
	struct cni_env env = { 0 };
	const char *cmd = get_nonempty(get, "CNI_COMMAND");
	int i;

	if (!cmd)
		return cni_err(ce, CNI_ERR_INVALID_ENV, "CNI_COMMAND is not set",
			       "expected one of ADD, DEL, CHECK, STATUS, GC, VERSION");
	for (i = 0; i < CNI_CMD_MAX; i++)
		if (strcmp(cmd, cmd_names[i]) == 0)
			break;
	if (i == CNI_CMD_MAX)
		return cni_err(ce, CNI_ERR_INVALID_ENV, "unknown CNI_COMMAND",
			       "'%s': expected one of ADD, DEL, CHECK, STATUS, GC, VERSION", cmd);
	env.cmd = (enum cni_cmd)i;
	env.container_id = get_nonempty(get, "CNI_CONTAINERID");
	env.netns = get_nonempty(get, "CNI_NETNS");
	env.ifname = get_nonempty(get, "CNI_IFNAME");
	env.args = get_nonempty(get, "CNI_ARGS");
	env.path = get_nonempty(get, "CNI_PATH");
	if (env.cmd == CNI_CMD_ADD || env.cmd == CNI_CMD_DEL || env.cmd == CNI_CMD_CHECK) {
		if (!env.container_id)
			return cni_err(ce, CNI_ERR_INVALID_ENV, "CNI_CONTAINERID is not set",
				       "%s needs the container id", cmd);
		if (!container_id_valid(env.container_id))
			return cni_err(ce, CNI_ERR_INVALID_ENV, "invalid CNI_CONTAINERID",
				       "'%s': expected [A-Za-z0-9][A-Za-z0-9_.-]*",
				       env.container_id);
		if (!env.ifname)
			return cni_err(ce, CNI_ERR_INVALID_ENV, "CNI_IFNAME is not set",
				       "%s needs the interface name", cmd);
		if (ifname_validate(env.ifname) < 0)
			return cni_err(ce, CNI_ERR_INVALID_ENV, "invalid CNI_IFNAME",
				       "'%s' is not a valid interface name", env.ifname);
	}
	if (env.cmd == CNI_CMD_ADD || env.cmd == CNI_CMD_CHECK) {
		if (!env.netns)
			return cni_err(ce, CNI_ERR_INVALID_ENV, "CNI_NETNS is not set",
				       "%s needs the path of the container's network namespace",
				       cmd);
		if (env.netns[0] != '/' || strlen(env.netns) >= NETD_NETNS_PATH_MAX)
			return cni_err(ce, CNI_ERR_INVALID_ENV, "invalid CNI_NETNS",
				       "'%s': expected an absolute path of at most %d bytes",
				       env.netns, NETD_NETNS_PATH_MAX - 1);
	}
	*ret = env;
	return 0;
}

/**
 * cni_args_get() - the value of KEY in CNI_ARGS ("K1=V1;K2=V2")
 * @args:	CNI_ARGS, or NULL
 * @key:	key
 * @buf:	value
 * @len:	size of @buf
 *
 * Return: 1 when found, 0 when not, -ENAMETOOLONG when the value does not fit,
 * -EINVAL when an element has no '='
 */
int cni_args_get(const char *args, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = args;

	while (p && *p) {
		const char *end = strchr(p, ';');
		const char *eq = memchr(p, '=', end ? (size_t)(end - p) : strlen(p));
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 0) {
			p = end ? end + 1 : NULL;
			continue;
		}
		if (!eq)
			return -EINVAL;
		if ((size_t)(eq - p) == klen && memcmp(p, key, klen) == 0) {
			size_t vlen = n - klen - 1;

			if (vlen >= len)
				return -ENAMETOOLONG;
			memcpy(buf, eq + 1, vlen);
			buf[vlen] = '\0';
			return 1;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/* FNV-1a over both strings with a separator, so ("ab","c") and ("a","bc") differ */
static uint64_t fnv1a64(const char *a, const char *b)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *s;

	for (s = a; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL;
	for (s = b; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return h;
}

/**
 * cni_container_name() - the netd container name of one CNI attachment
 * @container_id: CNI_CONTAINERID
 * @ifname:	CNI_IFNAME
 * @ret:	"cni-" and 16 hex digits of a hash of both
 *
 * Container ids are often 64 characters, longer than netd's names allow: a 64-bit hash keeps
 * the name short and lets DEL, CHECK and GC find the attachment again from the same pair.
 *
 * Return: 0
 */
int cni_container_name(const char *container_id, const char *ifname, char ret[CNI_NAME_LEN + 1])
{
	(void)snprintf(ret, CNI_NAME_LEN + 1, CNI_NAME_PREFIX "%016llx",
		       (unsigned long long)fnv1a64(container_id, ifname));
	return 0;
}
