/* SPDX-License-Identifier: GPL-2.0-or-later */
/* codec.h - JSON <-> model structs: persisted state and API bodies */
#ifndef NETD_CODEC_H
#define NETD_CODEC_H

#include <jansson.h>

#include <netd/error.h>
#include <netd/model.h>

/* jansson ships json_decrefp() for exactly this */
#define _cleanup_json_ _cleanup_(json_decrefp)

/* the version of the state files and API objects written by this netd */
#define STATE_SCHEMA_VERSION 1

json_t *network_to_json(const struct network_spec *n);
int network_from_json(const json_t *j, struct network_spec *ret, struct netd_error *e);
json_t *endpoint_to_json(const struct endpoint_spec *ep);
int endpoint_from_json(const json_t *j, struct endpoint_spec *ret, struct netd_error *e);

int network_request_decode(const char *body, size_t len, struct network_request *ret,
			   struct netd_error *e);
int attach_request_decode(const char *body, size_t len, struct attach_request *ret,
			  struct netd_error *e);
json_t *mapping_to_json(const struct port_mapping *m);
int mapping_from_json(const json_t *j, struct port_mapping *ret, struct netd_error *e);
int publish_request_decode(const char *body, size_t len, struct publish_request *ret,
			   struct netd_error *e);
int portspec_decode(const char *what, const char *s, struct portspec *ret, struct netd_error *e);
json_t *error_to_json(const struct netd_error *e);
int error_from_json(const json_t *j, int status, struct netd_error *e);

/* where clients find netd: --socket, else $NETD_SOCKET, else the default */
#define NETD_SOCKET_DEFAULT "/run/netd/netd.sock"
#define NETD_SOCKET_ENV "NETD_SOCKET"
int api_socket_path(const char *given, char *buf, size_t len, struct netd_error *e);
int json_parse_object(const char *body, size_t len, json_t **ret, struct netd_error *e);

#endif /* NETD_CODEC_H */
