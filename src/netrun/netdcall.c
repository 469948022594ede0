// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netdcall.c - the container's network: netd attaches its namespace (POST /v1/endpoints with
 * its pid and -p ports) before the workload runs and detaches it when the container ends;
 * --network none only brings lo up
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netrun.h"

/**
 * netdcall_check() - make sure netd answers before anything is created
 * @c:		client
 * @e:		error context
 *
 * Return: 0 or negative errno (-ECONNREFUSED: netd is not running)
 */
int netdcall_check(struct http_client *c, struct netd_error *e)
{
	json_t *resp = NULL;
	int r = http_request(c, "GET", "/v1/info", NULL, &resp, e);

	json_decref(resp);
	return r < 0 ? r : 0;
}

/**
 * netdcall_attach_send() - ask netd to attach the network namespace of @pid, publishing the
 *			    -p ports, without waiting for the answer
 * @c:		client
 * @o:		options (name, network, ports)
 * @pid:	the container's init, as netrun sees it
 * @e:		error context
 *
 * Return: the connection to give netdcall_attach_recv(), or negative errno
 */
int netdcall_attach_send(struct http_client *c, const struct run_opts *o, pid_t pid,
			 struct netd_error *e)
{
	json_t *body = json_pack("{s:s, s:i}", "container", o->name, "pid", (int)pid);
	json_t *ports;
	size_t i;
	int r;

	if (!body)
		return err_set(e, ENOMEM, "attach request");
	if (o->network[0])
		(void)json_object_set_new(body, "network", json_string(o->network));
	if (o->n_ports) {
		ports = json_array();
		for (i = 0; ports && i < o->n_ports; i++)
			(void)json_array_append_new(ports, json_string(o->ports[i]));
		(void)json_object_set_new(body, "ports", ports);
	}
	r = http_send(c, "POST", "/v1/endpoints", body, e);
	json_decref(body);
	return r;
}

/**
 * netdcall_attach_recv() - netd's answer to netdcall_attach_send()
 * @c:		client
 * @fd:		its connection, closed here
 * @e:		error context
 *
 * Return: 0 (attached) or negative errno; netd undoes a failed attach itself
 */
int netdcall_attach_recv(struct http_client *c, int fd, struct netd_error *e)
{
	int r = http_recv(c, fd, NULL, e);

	return r < 0 ? r : 0;
}

/**
 * netdcall_attach() - attach the network namespace of @pid, publishing the -p ports
 * @c:		client
 * @o:		options (name, network, ports)
 * @pid:	the process whose network namespace it is
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int netdcall_attach(struct http_client *c, const struct run_opts *o, pid_t pid,
		    struct netd_error *e)
{
	int fd = netdcall_attach_send(c, o, pid, e);

	return fd < 0 ? fd : netdcall_attach_recv(c, fd, e);
}

/**
 * netdcall_detach() - detach the container (its ports go with it)
 * @c:		client
 * @o:		options (name)
 * @e:		error context
 *
 * Return: 0 (also when netd had forgotten it already) or negative errno
 */
int netdcall_detach(struct http_client *c, const struct run_opts *o, struct netd_error *e)
{
	char path[128];
	int r;

	(void)snprintf(path, sizeof(path), "/v1/endpoints/%s", o->name);
	r = http_request(c, "DELETE", path, NULL, NULL, e);
	return r == -ENOENT || r >= 0 ? 0 : r;
}

/**
 * netdcall_lo_up() - bring lo up in the current (the container's own) network namespace
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int netdcall_lo_up(struct netd_error *e)
{
	struct ifreq ifr;
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return err_set(e, errno, "socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	STRLCPY(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return err_set(e, errno, "lo: %s", strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return err_set(e, errno, "bring lo up: %s", strerror(errno));
	return 0;
}
