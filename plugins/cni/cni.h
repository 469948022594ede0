/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cni.h - netd-cni: the CNI environment, network config, results and errors */
#ifndef NETD_CNI_H
#define NETD_CNI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <netd/cidr.h>
#include <netd/macro.h>
#include <netd/model.h>
#include <netd/naming.h>

/* CNI well-known error codes (SPEC.md, "Well-known Error Codes") */
#define CNI_ERR_INCOMPATIBLE_VERSION 1
#define CNI_ERR_UNSUPPORTED_FIELD 2
#define CNI_ERR_UNKNOWN_CONTAINER 3
#define CNI_ERR_INVALID_ENV 4
#define CNI_ERR_IO 5
#define CNI_ERR_DECODE 6
#define CNI_ERR_INVALID_CONFIG 7
#define CNI_ERR_TRY_AGAIN 11
#define CNI_ERR_NOT_AVAILABLE 50
#define CNI_ERR_NOT_AVAILABLE_DISRUPTED 51

/* netd container names made by the plugin: "cni-" and 16 hex digits */
#define CNI_NAME_PREFIX "cni-"
#define CNI_NAME_LEN 20
/* the largest network config the plugin reads from stdin */
#define CNI_CONFIG_MAX (1024 * 1024)
/* a port spec built from one portMappings entry: "[v6addr]:65535:65535/sctp" */
#define CNI_PORTSPEC_LEN 80

enum cni_cmd {
	CNI_CMD_ADD,
	CNI_CMD_DEL,
	CNI_CMD_CHECK,
	CNI_CMD_STATUS,
	CNI_CMD_GC,
	CNI_CMD_VERSION,
	CNI_CMD_MAX,
};

/* spec versions the plugin speaks, oldest first; 0.1.0 and 0.2.0 results are not produced */
enum cni_version {
	CNI_V030,
	CNI_V031,
	CNI_V040,
	CNI_V100,
	CNI_V110,
	CNI_VERSION_MAX,
};

/**
 * struct cni_error - a CNI error: well-known code, short message, details
 */
struct cni_error {
	int code;
	char msg[160];
	char details[512];
};

/**
 * struct cni_env - the CNI_* environment, validated (pointers into the environment)
 */
struct cni_env {
	enum cni_cmd cmd;
	const char *container_id;
	const char *netns;
	const char *ifname;
	const char *args;
	const char *path;
};

/**
 * struct cni_config - the network config from stdin, validated
 * @root:	the whole JSON document (owns @prev_result and @valid_attachments)
 * @version:	cniVersion as given
 * @ver:	its index
 * @network:	netd network name ("network", else "name")
 * @subnet:	"subnet" for a network created on first ADD, or empty
 * @subnet6:	"subnet6", or empty
 * @mtu:	"mtu", or 0
 * @socket:	netd's socket
 * @internal:	"internal": a network without default route or masquerade
 * @ip4:	requested IPv4 address (runtimeConfig.ips, CNI_ARGS IP=), or empty
 * @ip6:	requested IPv6 address, or empty
 * @mac:	requested MAC (runtimeConfig.mac, CNI_ARGS MAC=), or empty
 * @ports:	published ports from runtimeConfig.portMappings, as Docker port specs
 * @hold_host_ports: "holdHostPorts": netd binds published host ports (the default)
 * @default_route: "defaultRoute": default routes via this network when the namespace has
 *		none yet (the default); false for a secondary network that must never carry them
 */
struct cni_config {
	json_t *root;
	char version[16];
	enum cni_version ver;
	char network[NAME_MAX_LEN + 1];
	char subnet[CIDR_STRLEN];
	char subnet6[CIDR_STRLEN];
	unsigned int mtu;
	char socket[108];
	bool internal;
	char ip4[CIDR_STRLEN];
	char ip6[CIDR_STRLEN];
	char mac[MAC_STRLEN];
	size_t n_ports;
	char ports[ATTACH_MAX_PORTS][CNI_PORTSPEC_LEN];
	bool hold_host_ports;
	bool default_route;
	json_t *prev_result;
	json_t *valid_attachments;
};

/*
 * Functions that fill a struct cni_error return 0 or -1: their failure is a CNI error code
 * (the spec's, not an errno) with a message, carried in @ce like netd_error carries errnos.
 */

/* cni_error.c */
int cni_err(struct cni_error *ce, int code, const char *msg, const char *fmt, ...) _printf_(4, 5);
int cni_err_from_errno(struct cni_error *ce, int err, const char *msg, const char *details);
json_t *cni_error_to_json(const struct cni_error *ce, const char *version);

/* cni_env.c */
typedef const char *(*cni_getenv_fn)(const char *name);
int cni_env_parse(cni_getenv_fn get, struct cni_env *ret, struct cni_error *ce);
int cni_args_get(const char *args, const char *key, char *buf, size_t len);
int cni_container_name(const char *container_id, const char *ifname, char ret[CNI_NAME_LEN + 1]);
const char *cni_cmd_name(enum cni_cmd cmd);

/* cni_config.c */
int cni_version_parse(const char *s, enum cni_version *ret);
const char *cni_version_name(enum cni_version v);
json_t *cni_version_info(void);
int cni_config_parse(const char *text, size_t len, const struct cni_env *env,
		     struct cni_config *ret, struct cni_error *ce);
void cni_config_done(struct cni_config *c);
int cni_portmapping_to_spec(const json_t *m, char *buf, size_t len, struct cni_error *ce);

/* cni_result.c */
json_t *cni_result_build(const json_t *endpoint, enum cni_version ver, const char *netns,
			 const char *host_mac, bool route4, bool route6);
bool cni_prev_result_has_route(const json_t *prev, const char *dst, const char *gw);
json_t *cni_result_merge(const json_t *prev, const json_t *ours);
int cni_prev_result_find(const json_t *prev, const char *ifname, const char *netns,
			 const char **ret_mac);
bool cni_prev_result_has_ip(const json_t *prev, const char *cidr);

#endif /* NETD_CNI_H */
