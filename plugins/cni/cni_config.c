// SPDX-License-Identifier: GPL-2.0-or-later
/* cni_config.c - spec versions and the network config on stdin, validated into cni_config */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <netd/cidr.h>
#include <netd/naming.h>
#include <netd/portspec.h>

#include "cni.h"

static const char *const version_names[CNI_VERSION_MAX] = {
	[CNI_V030] = "0.3.0", [CNI_V031] = "0.3.1", [CNI_V040] = "0.4.0",
	[CNI_V100] = "1.0.0", [CNI_V110] = "1.1.0",
};

/**
 * cni_version_parse() - index of a supported cniVersion
 * @s:		version text
 * @ret:	its index
 *
 * Return: 0, or -ENOTSUP for a version the plugin does not speak
 */
int cni_version_parse(const char *s, enum cni_version *ret)
{
	int i;

	for (i = 0; i < CNI_VERSION_MAX; i++)
		if (strcmp(s, version_names[i]) == 0) {
			*ret = (enum cni_version)i;
			return 0;
		}
	return -ENOTSUP;
}

/**
 * cni_version_name() - "1.1.0", ...
 * @v:		version
 *
 * Return: its text
 */
const char *cni_version_name(enum cni_version v)
{
	return v < CNI_VERSION_MAX ? version_names[v] : "?";
}

/**
 * cni_version_info() - the VERSION answer
 *
 * Return: new JSON object, NULL on ENOMEM
 */
json_t *cni_version_info(void)
{
	json_t *a = json_array();
	int i;

	for (i = 0; a && i < CNI_VERSION_MAX; i++)
		(void)json_array_append_new(a, json_string(version_names[i]));
	return json_pack("{s:s, s:o*}", "cniVersion", version_names[CNI_VERSION_MAX - 1],
			 "supportedVersions", a);
}

/**
 * cni_portmapping_to_spec() - one runtimeConfig.portMappings entry as a Docker port spec
 * @m:		{"hostPort": 8080, "containerPort": 80, "protocol": "tcp", "hostIP": ""}
 * @buf:	"[HOSTIP:]HOSTPORT:CTRPORT/PROTO"
 * @len:	size of @buf
 * @ce:		error (code 7)
 *
 * Return: 0 or -1
 */
int cni_portmapping_to_spec(const json_t *m, char *buf, size_t len, struct cni_error *ce)
{
	const char *proto = "tcp", *hostip = "";
	json_int_t hp = 0, cp = 0;
	char lproto[8], ipbuf[CIDR_STRLEN + 2];
	struct ipaddr ip;
	struct portspec ps;
	json_error_t jerr;
	size_t i, errpos;

	if (json_unpack_ex((json_t *)m, &jerr, 0, "{s:I, s:I, s?s, s?s}", "hostPort", &hp,
			   "containerPort", &cp, "protocol", &proto, "hostIP", &hostip) < 0)
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid portMappings entry", "%s",
			       jerr.text);
	if (hp < 1 || hp > 65535 || cp < 1 || cp > 65535)
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid portMappings entry",
			       "hostPort %lld and containerPort %lld must be 1 to 65535",
			       (long long)hp, (long long)cp);
	if (strlen(proto) >= sizeof(lproto))
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid portMappings entry",
			       "unknown protocol '%s'", proto);
	for (i = 0; proto[i]; i++)
		lproto[i] = (char)tolower((unsigned char)proto[i]);
	lproto[i] = '\0';
	ipbuf[0] = '\0';
	if (*hostip) {
		if (ipaddr_parse(hostip, &ip) < 0)
			return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid portMappings entry",
				       "invalid hostIP '%s'", hostip);
		(void)snprintf(ipbuf, sizeof(ipbuf),
			       ip.family == AF_INET6 ? "[%s]:" : "%s:", hostip);
	}
	if ((size_t)snprintf(buf, len, "%s%lld:%lld/%s", ipbuf, (long long)hp, (long long)cp,
			     lproto) >= len)
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid portMappings entry",
			       "port spec too long");
	if (portspec_parse(buf, &ps, &errpos) < 0)
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid portMappings entry",
			       "'%s' is not a valid port mapping", buf);
	return 0;
}

/* one requested address, "10.1.2.3" or "10.1.2.3/24", into ip4 or ip6 of @c */
static int add_ip(struct cni_config *c, const char *s, const char *from, struct cni_error *ce)
{
	char addr[CIDR_STRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	struct ipaddr ip;
	char *dst;

	if (n >= sizeof(addr))
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid requested address", "%s: '%s'",
			       from, s);
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (ipaddr_parse(addr, &ip) < 0)
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid requested address", "%s: '%s'",
			       from, s);
	dst = ip.family == AF_INET ? c->ip4 : c->ip6;
	if (*dst && strcmp(dst, addr) != 0)
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "too many requested addresses",
			       "%s: netd gives one IPv4 and one IPv6 address per attachment", from);
	STRLCPY_N(dst, CIDR_STRLEN, addr);
	return 0;
}

static int add_ips(struct cni_config *c, const json_t *a, const char *from, struct cni_error *ce)
{
	const json_t *it;
	size_t i;

	if (!json_is_array(a))
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid requested addresses",
			       "%s must be an array of strings", from);
	json_array_foreach (a, i, it) {
		if (!json_is_string(it))
			return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid requested addresses",
				       "%s must be an array of strings", from);
		if (add_ip(c, json_string_value(it), from, ce) < 0)
			return -1;
	}
	return 0;
}

static int set_mac(struct cni_config *c, const char *s, const char *from, struct cni_error *ce)
{
	uint8_t mac[6];

	if (mac_parse(s, mac) < 0)
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid requested MAC",
			       "%s: '%s' is not a unicast 'aa:bb:cc:dd:ee:ff'", from, s);
	mac_format(mac, c->mac);
	return 0;
}

/* runtimeConfig: portMappings, ips, mac (the capabilities the plugin advertises) */
static int parse_runtime_config(struct cni_config *c, const json_t *rc, struct cni_error *ce)
{
	const json_t *pm, *it;
	size_t i;

	if (!json_is_object(rc))
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid runtimeConfig",
			       "runtimeConfig must be an object");
	pm = json_object_get(rc, "portMappings");
	if (pm && !json_is_null(pm)) {
		if (!json_is_array(pm) || json_array_size(pm) > ATTACH_MAX_PORTS)
			return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid portMappings",
				       "portMappings must be an array of at most %d entries",
				       ATTACH_MAX_PORTS);
		json_array_foreach (pm, i, it) {
			if (cni_portmapping_to_spec(it, c->ports[i], sizeof(c->ports[i]), ce) < 0)
				return -1;
		}
		c->n_ports = json_array_size(pm);
	}
	it = json_object_get(rc, "ips");
	if (it && !json_is_null(it) && add_ips(c, it, "runtimeConfig.ips", ce) < 0)
		return -1;
	it = json_object_get(rc, "mac");
	if (it && !json_is_null(it)) {
		if (!json_is_string(it))
			return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid requested MAC",
				       "runtimeConfig.mac must be a string");
		if (set_mac(c, json_string_value(it), "runtimeConfig.mac", ce) < 0)
			return -1;
	}
	return 0;
}

/* CNI_ARGS IP= (comma-separated, as the static IPAM plugin reads it) and MAC= */
static int parse_cni_args(struct cni_config *c, const char *args, struct cni_error *ce)
{
	char buf[256], *tok, *save = NULL;
	int r;

	r = cni_args_get(args, "IP", buf, sizeof(buf));
	if (r < 0)
		return cni_err(ce, CNI_ERR_INVALID_ENV, "invalid CNI_ARGS",
			       "'%s': expected KEY=VALUE pairs separated by ';'", args);
	if (r > 0 && !*c->ip4 && !*c->ip6)
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (add_ip(c, tok, "CNI_ARGS IP", ce) < 0)
				return -1;
	r = cni_args_get(args, "MAC", buf, sizeof(buf));
	if (r < 0)
		return cni_err(ce, CNI_ERR_INVALID_ENV, "invalid CNI_ARGS",
			       "'%s': expected KEY=VALUE pairs separated by ';'", args);
	if (r > 0 && !*c->mac && set_mac(c, buf, "CNI_ARGS MAC", ce) < 0)
		return -1;
	return 0;
}

static int get_string(const json_t *root, const char *key, char *buf, size_t len,
		      struct cni_error *ce)
{
	const json_t *v = json_object_get(root, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || strlen(json_string_value(v)) >= len)
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid network config",
			       "'%s' must be a string of at most %zu characters", key, len - 1);
	STRLCPY_N(buf, len, json_string_value(v));
	return 1;
}

static int get_subnet(const json_t *root, const char *key, int family, char *buf, size_t len,
		      struct cni_error *ce)
{
	struct cidr c;
	int r = get_string(root, key, buf, len, ce);

	if (r <= 0)
		return r;
	if (cidr_parse_subnet(buf, &c) < 0 || c.addr.family != family)
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid network config",
			       "'%s': '%s' is not an %s prefix with its host bits zero", key, buf,
			       family == AF_INET ? "IPv4" : "IPv6");
	return 0;
}

static int get_bool(const json_t *root, const char *key, bool *ret, struct cni_error *ce)
{
	const json_t *v = json_object_get(root, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid network config",
			       "'%s' must be true or false", key);
	*ret = json_is_true(v);
	return 0;
}

/**
 * cni_config_parse() - decode and validate the network config a runtime wrote on stdin
 * @text:	the config
 * @len:	its length
 * @env:	the environment (CNI_ARGS)
 * @ret:	the config; release with cni_config_done() (also on failure)
 * @ce:		error: 6 not JSON, 1 unsupported cniVersion, 2 an "ipam" section,
 *		7 an invalid field
 *
 * Fields the plugin does not know are ignored, as a chain may carry other plugins' keys.
 *
 * Return: 0 or -1
 */
int cni_config_parse(const char *text, size_t len, const struct cni_env *env,
		     struct cni_config *ret, struct cni_error *ce)
{
	struct cni_config *c = ret;
	const json_t *v, *args;
	char name[256];
	json_error_t jerr;
	json_int_t mtu;
	int r;

	memset(c, 0, sizeof(*c));
	c->hold_host_ports = true;
	c->default_route = true;
	c->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!c->root)
		return cni_err(ce, CNI_ERR_DECODE, "cannot decode the network config",
			       "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
	if (!json_is_object(c->root))
		return cni_err(ce, CNI_ERR_DECODE, "cannot decode the network config",
			       "expected a JSON object");
	v = json_object_get(c->root, "cniVersion");
	if (!json_is_string(v))
		return cni_err(ce, CNI_ERR_INCOMPATIBLE_VERSION, "missing cniVersion",
			       "the network config must say which CNI version it follows");
	STRLCPY(c->version, json_string_value(v));
	if (cni_version_parse(c->version, &c->ver) < 0)
		return cni_err(ce, CNI_ERR_INCOMPATIBLE_VERSION, "incompatible CNI version",
			       "cniVersion '%s' is not supported: netd-cni speaks 0.3.0, 0.3.1, "
			       "0.4.0, 1.0.0 and 1.1.0",
			       json_string_value(v));
	r = get_string(c->root, "name", name, sizeof(name), ce);
	if (r < 0)
		return -1;
	if (r == 0)
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid network config",
			       "'name' is required");
	if (json_object_get(c->root, "ipam"))
		return cni_err(ce, CNI_ERR_UNSUPPORTED_FIELD, "unsupported field 'ipam'",
			       "netd allocates the addresses itself: remove the 'ipam' section");
	switch (get_string(c->root, "network", c->network, sizeof(c->network), ce)) {
	case 0:
		if (strlen(name) >= sizeof(c->network))
			return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid network config",
				       "'name' '%s' is too long for a netd network: set 'network'",
				       name);
		STRLCPY(c->network, name);
		break;
	case 1:
		break;
	default:
		return -1;
	}
	if (name_validate(c->network) < 0)
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid network config",
			       "'%s' is not a valid netd network name: [A-Za-z0-9][A-Za-z0-9_.-]*, "
			       "at most %d characters",
			       c->network, NAME_MAX_LEN);
	if (get_subnet(c->root, "subnet", AF_INET, c->subnet, sizeof(c->subnet), ce) < 0 ||
	    get_subnet(c->root, "subnet6", AF_INET6, c->subnet6, sizeof(c->subnet6), ce) < 0)
		return -1;
	v = json_object_get(c->root, "mtu");
	if (v && !json_is_null(v)) {
		mtu = json_is_integer(v) ? json_integer_value(v) : 0;
		if (mtu < 68 || mtu > 65535)
			return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid network config",
				       "'mtu' must be an integer from 68 to 65535");
		c->mtu = (unsigned int)mtu;
	}
	if (get_string(c->root, "socket", c->socket, sizeof(c->socket), ce) < 0)
		return -1;
	if (*c->socket && c->socket[0] != '/')
		return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid network config",
			       "'socket' must be an absolute path");
	if (get_bool(c->root, "internal", &c->internal, ce) < 0 ||
	    get_bool(c->root, "holdHostPorts", &c->hold_host_ports, ce) < 0 ||
	    get_bool(c->root, "defaultRoute", &c->default_route, ce) < 0)
		return -1;
	v = json_object_get(c->root, "runtimeConfig");
	if (v && !json_is_null(v) && parse_runtime_config(c, v, ce) < 0)
		return -1;
	/* CONVENTIONS.md: "args": {"cni": {"ips": [...]}} */
	args = json_object_get(json_object_get(c->root, "args"), "cni");
	v = json_object_get(args, "ips");
	if (v && !*c->ip4 && !*c->ip6 && add_ips(c, v, "args.cni.ips", ce) < 0)
		return -1;
	if (env && parse_cni_args(c, env->args, ce) < 0)
		return -1;
	v = json_object_get(c->root, "prevResult");
	if (v && !json_is_null(v)) {
		if (!json_is_object(v))
			return cni_err(ce, CNI_ERR_DECODE, "cannot decode prevResult",
				       "prevResult must be an object");
		c->prev_result = (json_t *)v;
	}
	/* libcni also sends the name an earlier spec text used (containernetworking/cni#1101) */
	v = json_object_get(c->root, "cni.dev/valid-attachments");
	if (!v || json_is_null(v))
		v = json_object_get(c->root, "cni.dev/attachments");
	if (v && !json_is_null(v)) {
		if (!json_is_array(v))
			return cni_err(ce, CNI_ERR_INVALID_CONFIG, "invalid network config",
				       "'cni.dev/valid-attachments' must be an array");
		c->valid_attachments = (json_t *)v;
	}
	return 0;
}

/**
 * cni_config_done() - release a config
 * @c:		config
 */
void cni_config_done(struct cni_config *c)
{
	json_decref(c->root);
	c->root = NULL;
	c->prev_result = NULL;
	c->valid_attachments = NULL;
}
