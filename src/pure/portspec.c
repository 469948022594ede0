// SPDX-License-Identifier: GPL-2.0-or-later
/* portspec.c - parse and print Docker's "-p" port-publish syntax, find clashing specs */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <netd/parse.h>
#include <netd/portspec.h>

/* "65535-65535" */
#define RANGE_STRLEN 12

static const char *const proto_names[PORTSPEC_PROTO_MAX] = {
	[PORTSPEC_TCP] = "tcp",
	[PORTSPEC_UDP] = "udp",
	[PORTSPEC_SCTP] = "sctp",
};

/**
 * portspec_proto_name() - the name of a protocol as written in a port spec
 * @proto:	protocol
 *
 * Return: "tcp", "udp" or "sctp"; NULL for a value out of range
 */
const char *portspec_proto_name(enum portspec_proto proto)
{
	if ((unsigned int)proto >= PORTSPEC_PROTO_MAX)
		return NULL;
	return proto_names[proto];
}

/**
 * portspec_proto_parse() - parse "tcp", "udp" or "sctp", in any case (Docker lowercases it)
 * @s:		text
 * @ret:	the protocol
 *
 * Return: 0 or -EINVAL
 */
int portspec_proto_parse(const char *s, enum portspec_proto *ret)
{
	unsigned int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < PORTSPEC_PROTO_MAX; i++) {
		if (strcasecmp(s, proto_names[i]) == 0) {
			*ret = (enum portspec_proto)i;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * One port in 1..65535 from bytes [@start, @end) of @s.  On failure *@ret_errpos is the first
 * byte that is not a digit, else @start (empty, leading zero, 0 or above 65535).
 */
static int port_parse(const char *s, size_t start, size_t end, uint16_t *ret, size_t *ret_errpos)
{
	char buf[sizeof("65535")];
	unsigned int v;
	size_t i;

	for (i = start; i < end; i++) {
		if (s[i] < '0' || s[i] > '9') {
			*ret_errpos = i;
			return -EINVAL;
		}
	}
	if (end - start >= sizeof(buf)) {
		*ret_errpos = start;
		return -EINVAL;
	}
	memcpy(buf, s + start, end - start);
	buf[end - start] = '\0';
	if (parse_uint(buf, UINT16_MAX, &v) < 0 || v == 0) {
		*ret_errpos = start;
		return -EINVAL;
	}
	*ret = (uint16_t)v;
	return 0;
}

/* "PORT" or "PORT-END" with END >= PORT from bytes [@start, @end) of @s */
static int range_parse(const char *s, size_t start, size_t end, uint16_t *ret_lo, uint16_t *ret_hi,
		       size_t *ret_errpos)
{
	const char *dash = memchr(s + start, '-', end - start);
	size_t mid = dash ? (size_t)(dash - s) : end;
	uint16_t lo, hi;

	if (port_parse(s, start, mid, &lo, ret_errpos) < 0)
		return -EINVAL;
	hi = lo;
	if (dash) {
		if (port_parse(s, mid + 1, end, &hi, ret_errpos) < 0)
			return -EINVAL;
		if (hi < lo) {
			*ret_errpos = mid + 1;
			return -EINVAL;
		}
	}
	*ret_lo = lo;
	*ret_hi = hi;
	return 0;
}

/*
 * Docker reads ::ffff:a.b.c.d as the IPv4 address a.b.c.d; netd would bind an IPv6 socket.
 * Rather than read it differently, refuse it: write the IPv4 address.
 */
static bool host_ip_valid(const struct ipaddr *a)
{
	if (a->family == AF_INET)
		return true;
	return a->family == AF_INET6 && !IN6_IS_ADDR_V4MAPPED(&a->v6);
}

/* a literal address of @family from bytes [@start, @end) of @s: no hostnames, no zones */
static int host_ip_parse(const char *s, size_t start, size_t end, int family, struct ipaddr *ret)
{
	char buf[INET6_ADDRSTRLEN];
	struct ipaddr a;

	if (end - start >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s + start, end - start);
	buf[end - start] = '\0';
	if (ipaddr_parse(buf, &a) < 0 || a.family != family || !host_ip_valid(&a))
		return -EINVAL;
	*ret = a;
	return 0;
}

/**
 * portspec_parse() - parse "[HOSTIP:][HOSTPORT[-END]:]CTRPORT[-END][/PROTO]" as "docker run -p"
 * @s:		text
 * @ret:	the spec
 * @ret_errpos:	if not NULL, on failure the byte offset in @s where parsing failed: the first
 *		bad byte, or the start of the field that is bad as a whole (a port out of
 *		range, an address); strlen(@s) when the input ends too early
 *
 * Accepts a strict subset of what Docker accepts, read the way Docker reads it.  HOSTIP is a
 * dotted quad or an IPv6 address in brackets ("[::1]:8080:80"), and needs a HOSTPORT field,
 * which may be empty ("127.0.0.1::80", like ":80" or "80", gets a free host port for each
 * container port).  Ports are 1..65535 in plain decimal; a range's END is >= its start; a
 * host range must be as long as the container range.  PROTO is "tcp" (default), "udp" or
 * "sctp", in any case ("80/TCP", as Docker lowercases it).
 *
 * Refused although Docker takes them: an IPv6 HOSTIP without brackets, an IPv4 one in
 * brackets, an IPv4-mapped IPv6 one, port 0, leading zeros, an empty PROTO ("80/"),
 * and a host range with a single container port ("8000-8010:80", which Docker reads as "any
 * free port in 8000-8010").  Input of PORTSPEC_STRLEN bytes or more is refused.
 *
 * Return: 0 or -EINVAL
 */
int portspec_parse(const char *s, struct portspec *ret, size_t *ret_errpos)
{
	struct portspec p = { .proto = PORTSPEC_TCP };
	size_t len, pos = 0, host = 0, ctr_end, errpos = 0;
	const char *c;

	if (!s)
		goto fail;
	len = strnlen(s, PORTSPEC_STRLEN);
	if (len == PORTSPEC_STRLEN) {
		errpos = PORTSPEC_STRLEN - 1;
		goto fail;
	}

	/* HOSTIP: an IPv6 address only in brackets, or its colons would read as separators */
	if (s[0] == '[') {
		c = memchr(s, ']', len);
		if (!c) {
			errpos = len;
			goto fail;
		}
		pos = (size_t)(c - s);
		if (host_ip_parse(s, 1, pos, AF_INET6, &p.host_ip) < 0) {
			errpos = 1;
			goto fail;
		}
		if (s[pos + 1] != ':') {
			errpos = pos + 1;
			goto fail;
		}
		pos += 2;
		p.has_host_ip = true;
	} else {
		const char *c1 = strchr(s, ':');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (c2) {
			/* more than two colons: an IPv6 address without brackets, or worse */
			if (strchr(c2 + 1, ':')) {
				errpos = 0;
				goto fail;
			}
			pos = (size_t)(c1 - s);
			if (host_ip_parse(s, 0, pos, AF_INET, &p.host_ip) < 0) {
				errpos = 0;
				goto fail;
			}
			pos++;
			p.has_host_ip = true;
		}
	}

	/* HOSTPORT: may be empty, but its colon is required after a HOSTIP */
	c = strchr(s + pos, ':');
	if (c) {
		host = pos;
		if ((size_t)(c - s) > pos && range_parse(s, pos, (size_t)(c - s), &p.host_port,
							 &p.host_port_end, &errpos) < 0)
			goto fail;
		pos = (size_t)(c - s) + 1;
	} else if (p.has_host_ip) {
		errpos = len;
		goto fail;
	}

	/* CTRPORT[-END][/PROTO] */
	c = strchr(s + pos, '/');
	ctr_end = c ? (size_t)(c - s) : len;
	if (range_parse(s, pos, ctr_end, &p.ctr_port, &p.ctr_port_end, &errpos) < 0)
		goto fail;
	if (c && portspec_proto_parse(c + 1, &p.proto) < 0) {
		errpos = ctr_end + 1;
		goto fail;
	}

	if (p.host_port && p.host_port_end - p.host_port != p.ctr_port_end - p.ctr_port) {
		errpos = host;
		goto fail;
	}

	*ret = p;
	return 0;

fail:
	if (ret_errpos)
		*ret_errpos = errpos;
	return -EINVAL;
}

/* what portspec_parse() can produce, so that portspec_format() output parses back */
static bool portspec_valid(const struct portspec *p)
{
	if ((unsigned int)p->proto >= PORTSPEC_PROTO_MAX)
		return false;
	if (!p->ctr_port || p->ctr_port_end < p->ctr_port)
		return false;
	if (p->has_host_ip && !host_ip_valid(&p->host_ip))
		return false;
	if (!p->host_port)
		return !p->host_port_end;
	return p->host_port_end >= p->host_port &&
	       p->host_port_end - p->host_port == p->ctr_port_end - p->ctr_port;
}

static void range_print(char buf[RANGE_STRLEN], uint16_t lo, uint16_t hi)
{
	if (lo == hi)
		(void)snprintf(buf, RANGE_STRLEN, "%u", (unsigned int)lo);
	else
		(void)snprintf(buf, RANGE_STRLEN, "%u-%u", (unsigned int)lo, (unsigned int)hi);
}

/**
 * portspec_format() - print @p in canonical form
 * @p:		spec
 * @buf:	output, written only on success
 * @len:	size of @buf (PORTSPEC_STRLEN is always enough)
 *
 * The protocol is always written, the host fields only when set: "80/tcp",
 * "8080:80/tcp", "127.0.0.1::80/udp", "[::1]:8000-8010:8000-8010/sctp".  The output
 * parses back to @p with portspec_parse().
 *
 * Return: 0, or -EINVAL when @p is not a spec portspec_parse() could produce or @buf is too
 * small
 */
int portspec_format(const struct portspec *p, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN], hostip[INET6_ADDRSTRLEN + 2] = "";
	char host[RANGE_STRLEN] = "", ctr[RANGE_STRLEN], out[PORTSPEC_STRLEN];
	int n;

	if (!portspec_valid(p))
		return -EINVAL;
	if (p->has_host_ip) {
		if (ipaddr_format(&p->host_ip, ip, sizeof(ip)) < 0)
			return -EINVAL;
		(void)snprintf(hostip, sizeof(hostip),
			       p->host_ip.family == AF_INET6 ? "[%s]" : "%s", ip);
	}
	if (p->host_port)
		range_print(host, p->host_port, p->host_port_end);
	range_print(ctr, p->ctr_port, p->ctr_port_end);
	n = snprintf(out, sizeof(out), "%s%s%s%s%s/%s", hostip, p->has_host_ip ? ":" : "", host,
		     p->has_host_ip || p->host_port ? ":" : "", ctr, proto_names[p->proto]);
	if (n < 0 || (size_t)n >= sizeof(out) || (size_t)n >= len)
		return -EINVAL;
	memcpy(buf, out, (size_t)n + 1);
	return 0;
}

/**
 * portspec_count() - how many ports @p publishes
 * @p:		spec
 *
 * Return: the length of the container range, 0 when it is invalid (END below start)
 */
size_t portspec_count(const struct portspec *p)
{
	if (p->ctr_port_end < p->ctr_port)
		return 0;
	return (size_t)(p->ctr_port_end - p->ctr_port) + 1;
}

static bool ipaddr_is_any(const struct ipaddr *a)
{
	static const uint8_t zero[16];
	size_t len = ipaddr_len(a);

	return len && memcmp(a->b, zero, len) == 0;
}

/*
 * Whether a socket bound for one host address would take the port from the other.  No HOSTIP
 * is every address of both families; 0.0.0.0 is every IPv4 address and [::] every IPv6 one
 * (bound IPV6_V6ONLY, as Docker does), so an IPv4 and an IPv6 address never clash.
 */
static bool host_ips_conflict(const struct portspec *a, const struct portspec *b)
{
	if (!a->has_host_ip || !b->has_host_ip)
		return true;
	if (a->host_ip.family != b->host_ip.family)
		return false;
	if (ipaddr_is_any(&a->host_ip) || ipaddr_is_any(&b->host_ip))
		return true;
	return ipaddr_equal(&a->host_ip, &b->host_ip);
}

/**
 * portspec_overlaps() - whether two specs claim the same host port
 * @a:		spec
 * @b:		spec
 *
 * They clash when they have the same protocol, their host port ranges intersect and their
 * host addresses clash: either has none (all addresses), one is 0.0.0.0 or [::] and the other
 * of the same family, or both are equal.  A host port of 0 clashes with nothing: the daemon
 * picks a free port for it.
 *
 * Return: true when publishing both would clash
 */
bool portspec_overlaps(const struct portspec *a, const struct portspec *b)
{
	if (a->proto != b->proto)
		return false;
	if (!a->host_port || !b->host_port)
		return false;
	if (a->host_port > b->host_port_end || b->host_port > a->host_port_end)
		return false;
	return host_ips_conflict(a, b);
}
