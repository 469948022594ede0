// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - netd-hook: OCI runtime hooks that give runc and crun containers netd networking
 *
 *   "createRuntime" (or "prestart"): netd-hook [--socket PATH] create
 *   "poststop":                      netd-hook [--socket PATH] poststop
 *
 * The runtime writes the container's state on stdin.  create attaches the container's
 * network namespace (/proc/PID/ns/net) to netd and publishes the ports of its annotations;
 * poststop detaches it.  Both are idempotent: podman runs poststop hooks twice, runc runs
 * them after a failed create, and a hook run again must not fail the container.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netd/client.h>
#include <netd/log.h>

#include "oci_state.h"

static void usage(FILE *f)
{
	(void)fprintf(
		f,
		"Usage: netd-hook [--socket PATH] create|poststop\n"
		"OCI runtime hook: reads the container state on stdin.\n"
		"  create    (hooks.createRuntime or hooks.prestart) attach the container's\n"
		"            network namespace to netd and publish its ports\n"
		"  poststop  (hooks.poststop) detach it\n"
		"Annotations in config.json: netd.network, netd.publish (\"8080:80,53/udp\"),\n"
		"netd.ip, netd.ip6, netd.name. The socket comes from --socket, $%s, or %s.\n",
		NETD_SOCKET_ENV, NETD_SOCKET_DEFAULT);
}

/* read all of @fd, at most OCI_JSON_MAX bytes */
static int read_all(int fd, char **ret, size_t *ret_len, struct netd_error *e)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	if (!buf)
		return err_set(e, ENOMEM, "read");
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			if (cap > OCI_JSON_MAX) {
				free(buf);
				return err_set(e, EFBIG, "input larger than %d bytes",
					       OCI_JSON_MAX);
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return err_set(e, ENOMEM, "read");
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = errno;

			free(buf);
			return err_set(e, r, "read: %s", strerror(r));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

/* runtimes before runtime-spec 1.0.1 give no annotations in the state: config.json has them */
static int annotations_from_bundle(struct oci_request *req, struct netd_error *e)
{
	_cleanup_free_ char *json = NULL;
	char path[sizeof(req->bundle) + 16];
	_cleanup_close_ int fd = -1;
	size_t len;
	int r;

	if (!req->bundle[0])
		return 0;
	(void)snprintf(path, sizeof(path), "%s/config.json", req->bundle);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return err_set(e, errno, "open %s: %s", path, strerror(errno));
	r = read_all(fd, &json, &len, e);
	if (r < 0)
		return err_wrap(e, "%s", path);
	return oci_annotations_from_config(json, len, req, e);
}

static json_t *attach_body(const struct oci_request *req)
{
	json_t *body = json_pack("{s:s, s:i}", "container", req->container, "pid", req->pid);
	json_t *ports;
	char ip[INET6_ADDRSTRLEN];
	size_t i;

	if (!body)
		return NULL;
	if (req->network[0])
		(void)json_object_set_new(body, "network", json_string(req->network));
	if (req->has_ip4 && ipaddr_format(&req->ip4, ip, sizeof(ip)) == 0)
		(void)json_object_set_new(body, "ip", json_string(ip));
	if (req->has_ip6 && ipaddr_format(&req->ip6, ip, sizeof(ip)) == 0)
		(void)json_object_set_new(body, "ip6", json_string(ip));
	if (req->n_publish) {
		ports = json_array();
		for (i = 0; ports && i < req->n_publish; i++)
			(void)json_array_append_new(ports, json_string(req->publish[i]));
		(void)json_object_set_new(body, "ports", ports);
	}
	return body;
}

/* already attached: the same namespace is success (the hook ran twice), another is not */
static int attached_already(struct client *c, const struct oci_request *req, struct netd_error *e)
{
	char path[128], want[64];
	json_t *resp = NULL, *eps;
	size_t i;
	int r;

	(void)snprintf(path, sizeof(path), "/v1/endpoints/%s", req->container);
	(void)snprintf(want, sizeof(want), "/proc/%d/ns/net", req->pid);
	r = client_request(c, "GET", path, NULL, &resp, e);
	if (r < 0)
		return r;
	eps = json_object_get(resp, "endpoints");
	r = err_set(e, EEXIST, "container '%s' is attached already, by another process",
		    req->container);
	for (i = 0; i < json_array_size(eps); i++) {
		json_t *ep = json_array_get(eps, i);
		const char *net = json_string_value(json_object_get(ep, "network"));
		json_int_t pid = json_integer_value(json_object_get(ep, "pid"));
		const char *ns = json_string_value(json_object_get(ep, "netns"));

		if ((!req->network[0] || (net && strcmp(net, req->network) == 0)) &&
		    (pid == req->pid || (ns && strcmp(ns, want) == 0))) {
			r = 0;
			break;
		}
	}
	json_decref(resp);
	return r;
}

static int hook_create(struct client *c, const struct oci_request *req, struct netd_error *e)
{
	json_t *body;
	int r;

	if (req->pid <= 0)
		return err_set(
			e, EINVAL,
			"the state has no pid: run netd-hook create as a createRuntime or prestart hook");
	body = attach_body(req);
	if (!body)
		return err_set(e, ENOMEM, "attach request");
	r = client_request(c, "POST", "/v1/endpoints", body, NULL, e);
	json_decref(body);
	if (r == -EEXIST) {
		struct netd_error e2 = NETD_ERROR_INIT;

		if (attached_already(c, req, &e2) == 0)
			return 0;
	}
	return r;
}

static int hook_poststop(struct client *c, const struct oci_request *req, struct netd_error *e)
{
	char path[256];
	int r;

	if (req->network[0])
		(void)snprintf(path, sizeof(path), "/v1/endpoints/%s?network=%s", req->container,
			       req->network);
	else
		(void)snprintf(path, sizeof(path), "/v1/endpoints/%s", req->container);
	r = client_request(c, "DELETE", path, NULL, NULL, e);
	/* detached already (the hook runs twice, or create never got that far) */
	return r == -ENOENT ? 0 : r;
}

int main(int argc, char **argv)
{
	struct netd_error e = NETD_ERROR_INIT;
	const char *socket_path = getenv(NETD_SOCKET_ENV), *cmd = NULL;
	struct oci_request req;
	struct client c = { 0 };
	_cleanup_free_ char *json = NULL;
	size_t len;
	int i, r;

	log_set_ident("netd-hook");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
			socket_path = argv[++i];
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (!cmd && argv[i][0] != '-') {
			cmd = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!cmd || (strcmp(cmd, "create") != 0 && strcmp(cmd, "poststop") != 0)) {
		usage(stderr);
		return 2;
	}
	if (!socket_path || !*socket_path)
		socket_path = NETD_SOCKET_DEFAULT;
	r = read_all(STDIN_FILENO, &json, &len, &e);
	if (r == 0)
		r = oci_state_parse(json, len, &req, &e);
	if (r == 0 && !req.has_annotations)
		r = annotations_from_bundle(&req, &e);
	if (r == 0)
		r = client_init(&c, socket_path, &e);
	if (r == 0)
		r = strcmp(cmd, "create") == 0 ? hook_create(&c, &req, &e) :
						 hook_poststop(&c, &req, &e);
	client_done(&c);
	if (r < 0) {
		log_error("%s: %s", cmd, e.msg);
		return 1;
	}
	return 0;
}
