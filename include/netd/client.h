/* SPDX-License-Identifier: GPL-2.0-or-later */
/* client.h - the clients' side of the API: HTTP over netd's unix socket with libcurl */
#ifndef NETD_CLIENT_H
#define NETD_CLIENT_H

#include <jansson.h>

#include <netd/codec.h>
#include <netd/error.h>


struct client {
	char socket_path[108];
	void *curl;
	long timeout_ms;
};

int client_init(struct client *c, const char *socket_path, struct netd_error *e);
void client_done(struct client *c);
/* GET /v1/events lines are one event each; a line longer than this ends the stream */
#define CLIENT_MAX_LINE (64 * 1024)
typedef int (*client_line_fn)(const char *line, void *userdata);

int client_stream(struct client *c, const char *path, client_line_fn fn, void *userdata,
		  struct netd_error *e);
int client_request(struct client *c, const char *method, const char *path, json_t *body,
		   json_t **ret, struct netd_error *e);

#endif /* NETD_CLIENT_H */
