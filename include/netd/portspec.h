/* SPDX-License-Identifier: GPL-2.0-or-later */
/* portspec.h - Docker's port-publish syntax: [HOSTIP:][HOSTPORT[-END]:]CTRPORT[-END][/PROTO] */
#ifndef NETD_PORTSPEC_H
#define NETD_PORTSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netd/cidr.h>

/*
 * Input accepted by portspec_parse() is shorter than this, and so is every string
 * portspec_format() writes (the longest is about 70 bytes: a full IPv6 address, two ranges
 * and "/sctp").
 */
#define PORTSPEC_STRLEN 96

enum portspec_proto {
	PORTSPEC_TCP,
	PORTSPEC_UDP,
	PORTSPEC_SCTP,
	PORTSPEC_PROTO_MAX,
};

/**
 * struct portspec - one "-p" argument: a host address and port range published to a
 *		     container port range
 * @has_host_ip:	HOSTIP given: bind to that address only.  0.0.0.0 and [::] are kept as
 *			written and mean every address of that family only (as in Docker,
 *			where "0.0.0.0:80:80" publishes on IPv4 alone); without a HOSTIP the
 *			port is published on every address of both families.
 * @host_ip:		the address (AF_INET, or AF_INET6 written in brackets); zero when
 *			!@has_host_ip
 * @host_port:		first host port; 0 when HOSTPORT is omitted or empty: the daemon picks
 *			a free port for each container port
 * @host_port_end:	last host port: == @host_port for a single port, 0 with @host_port 0
 * @ctr_port:		first container port
 * @ctr_port_end:	last container port: == @ctr_port for a single port
 * @proto:		protocol, tcp when not given
 *
 * A parsed spec always has 1 <= @ctr_port <= @ctr_port_end, and either both host ports 0 or
 * a host range exactly as long as the container range.
 */
struct portspec {
	bool has_host_ip;
	struct ipaddr host_ip;
	uint16_t host_port;
	uint16_t host_port_end;
	uint16_t ctr_port;
	uint16_t ctr_port_end;
	enum portspec_proto proto;
};

int portspec_parse(const char *s, struct portspec *ret, size_t *ret_errpos);
int portspec_format(const struct portspec *p, char *buf, size_t len);
const char *portspec_proto_name(enum portspec_proto proto);
int portspec_proto_parse(const char *s, enum portspec_proto *ret);
size_t portspec_count(const struct portspec *p);
bool portspec_overlaps(const struct portspec *a, const struct portspec *b);

#endif /* NETD_PORTSPEC_H */
