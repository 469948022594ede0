// SPDX-License-Identifier: GPL-2.0-or-later
/* api_system.c - /v1/version, /v1/info, /v1/health */
#include "config.h"

#include "daemon.h"

/**
 * api_system_version() - GET /v1/version
 * @d:		daemon
 * @req:	request
 * @arg:	unused
 */
void api_system_version(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	api_reply_json(req, 200, json_pack("{s:s, s:s}", "version", PACKAGE_VERSION, "api", "v1"));
}

/**
 * api_system_info() - GET /v1/info: counts and where netd keeps things
 * @d:		daemon
 * @req:	request
 * @arg:	unused
 */
void api_system_info(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	api_reply_json(req, 200,
		       json_pack("{s:s, s:I, s:I, s:s, s:s, s:s}", "version", PACKAGE_VERSION,
				 "networks", (json_int_t)d->state.n_networks, "endpoints",
				 (json_int_t)d->state.n_endpoints, "default_network",
				 NETD_DEFAULT_NETWORK, "state_dir", d->cfg.state_dir, "socket",
				 d->cfg.socket_path));
}

/**
 * api_system_health() - GET /v1/health: netd answers
 * @d:		daemon
 * @req:	request
 * @arg:	unused
 */
void api_system_health(struct daemon *d, struct evhttp_request *req, const char *arg)
{
	api_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
}
