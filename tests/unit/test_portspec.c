// SPDX-License-Identifier: GPL-2.0-or-later
/* test_portspec.c - Docker port-publish specs: parse, format, protocols, counts, clashes */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../helpers/cmocka_compat.h"

#include <netd/macro.h>
#include <netd/portspec.h>

static const char *str_or_null(const char *s)
{
	return s ? s : "(null)";
}

/* parse a spec the test knows is valid */
static struct portspec spec(const char *s)
{
	struct portspec p;
	size_t errpos = 0;

	if (portspec_parse(s, &p, &errpos) != 0)
		fail_msg("portspec_parse(\"%s\") failed at %zu", s, errpos);
	return p;
}

static void assert_spec_equal(const struct portspec *a, const struct portspec *b)
{
	assert_int_equal(a->has_host_ip, b->has_host_ip);
	if (a->has_host_ip)
		assert_true(ipaddr_equal(&a->host_ip, &b->host_ip));
	assert_int_equal(a->host_port, b->host_port);
	assert_int_equal(a->host_port_end, b->host_port_end);
	assert_int_equal(a->ctr_port, b->ctr_port);
	assert_int_equal(a->ctr_port_end, b->ctr_port_end);
	assert_int_equal(a->proto, b->proto);
}

/*
 * Valid specs: every field, then the canonical text portspec_format() gives.  @ip is the
 * host address in the form ipaddr_format() prints it, NULL for none.
 */
static const struct {
	const char *in;
	const char *ip;
	uint16_t hp, hpe, cp, cpe;
	enum portspec_proto proto;
	const char *canon;
} valid[] = {
	/* container port only: the daemon picks the host port */
	{ "80", NULL, 0, 0, 80, 80, PORTSPEC_TCP, "80/tcp" },
	{ "80/tcp", NULL, 0, 0, 80, 80, PORTSPEC_TCP, "80/tcp" },
	{ "80/TCP", NULL, 0, 0, 80, 80, PORTSPEC_TCP, "80/tcp" },
	{ "53/Udp", NULL, 0, 0, 53, 53, PORTSPEC_UDP, "53/udp" },
	{ "9/SCTP", NULL, 0, 0, 9, 9, PORTSPEC_SCTP, "9/sctp" },
	{ "53/udp", NULL, 0, 0, 53, 53, PORTSPEC_UDP, "53/udp" },
	{ "9/sctp", NULL, 0, 0, 9, 9, PORTSPEC_SCTP, "9/sctp" },
	{ ":80", NULL, 0, 0, 80, 80, PORTSPEC_TCP, "80/tcp" },
	{ ":53/udp", NULL, 0, 0, 53, 53, PORTSPEC_UDP, "53/udp" },
	{ "1", NULL, 0, 0, 1, 1, PORTSPEC_TCP, "1/tcp" },
	{ "65535", NULL, 0, 0, 65535, 65535, PORTSPEC_TCP, "65535/tcp" },
	/* a container range without host ports: a free host port for each */
	{ "8000-8010", NULL, 0, 0, 8000, 8010, PORTSPEC_TCP, "8000-8010/tcp" },
	{ "1-65535/udp", NULL, 0, 0, 1, 65535, PORTSPEC_UDP, "1-65535/udp" },
	{ "80-80", NULL, 0, 0, 80, 80, PORTSPEC_TCP, "80/tcp" },
	/* host port */
	{ "8080:80", NULL, 8080, 8080, 80, 80, PORTSPEC_TCP, "8080:80/tcp" },
	{ "1:65535", NULL, 1, 1, 65535, 65535, PORTSPEC_TCP, "1:65535/tcp" },
	{ "65535:1/udp", NULL, 65535, 65535, 1, 1, PORTSPEC_UDP, "65535:1/udp" },
	{ "5353:53/sctp", NULL, 5353, 5353, 53, 53, PORTSPEC_SCTP, "5353:53/sctp" },
	{ "8000-8010:9000-9010/udp", NULL, 8000, 8010, 9000, 9010, PORTSPEC_UDP,
	  "8000-8010:9000-9010/udp" },
	{ "7000-7000:80-80", NULL, 7000, 7000, 80, 80, PORTSPEC_TCP, "7000:80/tcp" },
	{ "1-65535:1-65535", NULL, 1, 65535, 1, 65535, PORTSPEC_TCP, "1-65535:1-65535/tcp" },
	/* IPv4 host address */
	{ "127.0.0.1:8080:80", "127.0.0.1", 8080, 8080, 80, 80, PORTSPEC_TCP,
	  "127.0.0.1:8080:80/tcp" },
	{ "127.0.0.1::80", "127.0.0.1", 0, 0, 80, 80, PORTSPEC_TCP, "127.0.0.1::80/tcp" },
	{ "127.0.0.1::8000-8010/udp", "127.0.0.1", 0, 0, 8000, 8010, PORTSPEC_UDP,
	  "127.0.0.1::8000-8010/udp" },
	{ "192.168.1.100:8080-8090:80-90/udp", "192.168.1.100", 8080, 8090, 80, 90, PORTSPEC_UDP,
	  "192.168.1.100:8080-8090:80-90/udp" },
	{ "0.0.0.0:80:80", "0.0.0.0", 80, 80, 80, 80, PORTSPEC_TCP, "0.0.0.0:80:80/tcp" },
	{ "255.255.255.255:1:1/sctp", "255.255.255.255", 1, 1, 1, 1, PORTSPEC_SCTP,
	  "255.255.255.255:1:1/sctp" },
	/* IPv6 host address, in brackets; printed compressed and lowercase */
	{ "[::1]:8080:80", "::1", 8080, 8080, 80, 80, PORTSPEC_TCP, "[::1]:8080:80/tcp" },
	{ "[::1]::80", "::1", 0, 0, 80, 80, PORTSPEC_TCP, "[::1]::80/tcp" },
	{ "[::]:80:80/udp", "::", 80, 80, 80, 80, PORTSPEC_UDP, "[::]:80:80/udp" },
	{ "[2001:db8::1]:8000-8010:8000-8010/sctp", "2001:db8::1", 8000, 8010, 8000, 8010,
	  PORTSPEC_SCTP, "[2001:db8::1]:8000-8010:8000-8010/sctp" },
	{ "[2001:DB8:0:0::1]:443:443", "2001:db8::1", 443, 443, 443, 443, PORTSPEC_TCP,
	  "[2001:db8::1]:443:443/tcp" },
	{ "[2001:4860:0:2001::68]::333", "2001:4860:0:2001::68", 0, 0, 333, 333, PORTSPEC_TCP,
	  "[2001:4860:0:2001::68]::333/tcp" },
	{ "[fe80::1]::1-2/udp", "fe80::1", 0, 0, 1, 2, PORTSPEC_UDP, "[fe80::1]::1-2/udp" },
	/* the longest sensible input */
	{ "[0000:0000:0000:0000:0000:0000:0000:0000]:65535-65535:65535-65535/sctp", "::", 65535,
	  65535, 65535, 65535, PORTSPEC_SCTP, "[::]:65535:65535/sctp" },
	{ "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:1-10:11-20/udp",
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, 10, 11, 20, PORTSPEC_UDP,
	  "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:1-10:11-20/udp" },
};

static void test_portspec_parse_valid(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		struct portspec p;
		char ip[INET6_ADDRSTRLEN];
		size_t errpos = 12345;
		int r;

		memset(&p, 0xa5, sizeof(p));
		r = portspec_parse(valid[i].in, &p, &errpos);
		if (r != 0)
			fail_msg("portspec_parse(\"%s\") = %d at %zu, want 0", valid[i].in, r,
				 errpos);
		/* written only on failure */
		assert_int_equal(errpos, 12345);
		assert_int_equal(p.has_host_ip, valid[i].ip != NULL);
		if (valid[i].ip) {
			assert_int_equal(p.host_ip.family,
					 strchr(valid[i].ip, ':') ? AF_INET6 : AF_INET);
			assert_int_equal(ipaddr_format(&p.host_ip, ip, sizeof(ip)), 0);
			assert_string_equal(ip, valid[i].ip);
		} else {
			assert_int_equal(p.host_ip.family, 0);
		}
		if (p.host_port != valid[i].hp || p.host_port_end != valid[i].hpe ||
		    p.ctr_port != valid[i].cp || p.ctr_port_end != valid[i].cpe ||
		    p.proto != valid[i].proto)
			fail_msg("portspec_parse(\"%s\") = %u-%u:%u-%u/%d, want %u-%u:%u-%u/%d",
				 valid[i].in, p.host_port, p.host_port_end, p.ctr_port,
				 p.ctr_port_end, p.proto, valid[i].hp, valid[i].hpe, valid[i].cp,
				 valid[i].cpe, valid[i].proto);
		/* a NULL errpos is fine */
		assert_int_equal(portspec_parse(valid[i].in, &p, NULL), 0);
	}
}

static void test_portspec_format_round_trip(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		struct portspec p = spec(valid[i].in), back;
		char buf[PORTSPEC_STRLEN], again[PORTSPEC_STRLEN];

		memset(buf, 'Z', sizeof(buf));
		assert_int_equal(portspec_format(&p, buf, sizeof(buf)), 0);
		if (strcmp(buf, valid[i].canon) != 0)
			fail_msg("portspec_format(\"%s\") = \"%s\", want \"%s\"", valid[i].in, buf,
				 valid[i].canon);
		/* the canonical text parses back to the same spec and prints the same */
		back = spec(buf);
		assert_spec_equal(&p, &back);
		assert_int_equal(portspec_format(&back, again, sizeof(again)), 0);
		assert_string_equal(again, buf);
		/* the exact size is enough, one byte less is not and leaves buf alone */
		memset(again, 'Z', sizeof(again));
		assert_int_equal(portspec_format(&p, again, strlen(buf) + 1), 0);
		assert_string_equal(again, buf);
		memset(again, 'Z', sizeof(again));
		assert_int_equal(portspec_format(&p, again, strlen(buf)), -EINVAL);
		assert_int_equal(again[0], 'Z');
		assert_int_equal(portspec_format(&p, again, 0), -EINVAL);
		assert_int_equal(again[0], 'Z');
	}
}

/*
 * Invalid specs and where parsing stops: the first bad byte, or the start of the field that
 * is bad as a whole, or the end of the input when it stops too early.
 */
static void test_portspec_parse_invalid(void **state)
{
	static const struct {
		const char *in;
		size_t errpos;
	} cases[] = {
		{ NULL, 0 },
		{ "", 0 },
		/* port 0 and out of range */
		{ "0", 0 },
		{ "0:80", 0 },
		{ "80:0", 3 },
		{ "0-10", 0 },
		{ "65536", 0 },
		{ "8080:65536", 5 },
		{ "99999999999", 0 },
		{ "1-65536", 2 },
		/* plain decimal only */
		{ "080", 0 },
		{ "8080:080", 5 },
		{ "00", 0 },
		{ "+80", 0 },
		{ "-80", 0 },
		{ "80-+90", 3 },
		{ "0x50", 1 },
		{ "8e1", 1 },
		/* spaces and trailing garbage */
		{ " 80", 0 },
		{ "80 ", 2 },
		{ "80\n", 2 },
		{ "80\t/tcp", 2 },
		{ "80 /tcp", 2 },
		{ "8080 :80", 4 },
		{ "8080: 80", 5 },
		{ "80x", 2 },
		{ "8080:80x", 7 },
		{ "8080:80,81", 7 },
		{ "80/tcp ", 3 },
		{ "80/tcp/udp", 3 },
		{ "80/tcp:80", 2 },
		/* protocol: tcp, udp or sctp (any case, as Docker), not empty */
		{ "80/", 3 },
		{ "80/icmp", 3 },
		{ "80/tcp4", 3 },
		{ "/tcp", 0 },
		/* missing fields */
		{ ":", 1 },
		{ "80:", 3 },
		{ "8080:80:", 0 },
		{ "::80", 0 },
		{ ":::80", 0 },
		/* ranges: END >= start, both ends given */
		{ "80-70", 3 },
		{ "80-", 3 },
		{ "-", 0 },
		{ "80-80-80", 5 },
		{ "8080-8070:80-90", 5 },
		{ "8080:90-80", 8 },
		/* host and container ranges of different lengths */
		{ "8000-8010:80", 0 },
		{ "8080:8000-8010", 0 },
		{ "8000-8009:9000-9010", 0 },
		{ "127.0.0.1:8000-8010:80", 10 },
		{ "[::1]:8000-8010:80/udp", 6 },
		/* IPv4 host addresses: literal dotted quads only */
		{ "localhost:80:80", 0 },
		{ "example.com::80", 0 },
		{ "127.0.0.1:80", 3 },
		{ "127.0.0.1:80:80:80", 0 },
		{ "127.0.0.01:80:80", 0 },
		{ "127.1:80:80", 0 },
		{ "1.2.3.4.5:80:80", 0 },
		{ "256.0.0.1:80:80", 0 },
		{ " 127.0.0.1:80:80", 0 },
		{ "127.0.0.1 :80:80", 0 },
		{ "127.0.0.1:0:80", 10 },
		/* IPv6 host addresses: in brackets only */
		{ "::1:80:80", 0 },
		{ "2001:db8::1:80:80", 0 },
		{ "::1::80", 0 },
		{ "[::1]:80", 8 },
		{ "[::1]", 5 },
		{ "[::1]80:80", 5 },
		{ "[::1]]:80:80", 5 },
		{ "[::1:80:80", 10 },
		{ "[", 1 },
		{ "[]:80:80", 1 },
		{ "[127.0.0.1]:80:80", 1 },
		{ "[::ffff:127.0.0.1]:80:80", 1 },
		{ "[fe80::1%eth0]:80:80", 1 },
		{ "[gg::1]:80:80", 1 },
		{ "[ ::1]:80:80", 1 },
		{ "[::1]:80:80:80", 11 },
		{ "[::1]:8080:0", 11 },
		{ "x[::1]:80:80", 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct portspec p, untouched;
		size_t errpos = 12345;
		int r;

		memset(&p, 0xa5, sizeof(p));
		memset(&untouched, 0xa5, sizeof(untouched));
		r = portspec_parse(cases[i].in, &p, &errpos);
		if (r != -EINVAL)
			fail_msg("portspec_parse(\"%s\") = %d, want -EINVAL",
				 str_or_null(cases[i].in), r);
		if (errpos != cases[i].errpos)
			fail_msg("portspec_parse(\"%s\") failed at %zu, want %zu",
				 str_or_null(cases[i].in), errpos, cases[i].errpos);
		/* within the input, or just past its end */
		if (cases[i].in)
			assert_true(errpos <= strlen(cases[i].in));
		/* the output is left alone */
		assert_memory_equal(&p, &untouched, sizeof(p));
		/* a NULL errpos is fine */
		assert_int_equal(portspec_parse(cases[i].in, &p, NULL), -EINVAL);
	}
}

static void test_portspec_parse_length(void **state)
{
	static const struct {
		size_t len;
		size_t errpos;
	} cases[] = {
		/* all digits: too long for a port, caught at the start of the field */
		{ 6, 0 },
		{ PORTSPEC_STRLEN - 1, 0 },
		/* too long for the input: caught at the first byte that does not fit */
		{ PORTSPEC_STRLEN, PORTSPEC_STRLEN - 1 },
		{ PORTSPEC_STRLEN + 1, PORTSPEC_STRLEN - 1 },
		{ 4096, PORTSPEC_STRLEN - 1 },
	};
	char buf[4097];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct portspec p;
		size_t errpos = 12345;

		assert_true(cases[i].len < sizeof(buf));
		memset(buf, '1', cases[i].len);
		buf[cases[i].len] = '\0';
		assert_int_equal(portspec_parse(buf, &p, &errpos), -EINVAL);
		if (errpos != cases[i].errpos)
			fail_msg("%zu digits failed at %zu, want %zu", cases[i].len, errpos,
				 cases[i].errpos);
	}
	/* a valid spec padded to the limit with a long IPv6 spelling is still refused */
	memset(buf, 0, sizeof(buf));
	(void)snprintf(buf, sizeof(buf), "[0000:0000:0000:0000:0000:0000:0000:0000]:%0*d:80",
		       PORTSPEC_STRLEN, 0);
	{
		struct portspec p;
		size_t errpos = 0;

		assert_int_equal(portspec_parse(buf, &p, &errpos), -EINVAL);
		assert_int_equal(errpos, PORTSPEC_STRLEN - 1);
	}
}

static void test_portspec_format_invalid(void **state)
{
	static const struct portspec base = {
		.host_port = 8080, .host_port_end = 8080, .ctr_port = 80, .ctr_port_end = 80
	};
	struct portspec cases[10];
	char buf[PORTSPEC_STRLEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		cases[i] = base;
	cases[0].proto = PORTSPEC_PROTO_MAX;
	cases[1].proto = (enum portspec_proto) - 1;
	cases[2].ctr_port = cases[2].ctr_port_end = 0;
	cases[3].ctr_port_end = 79;
	/* host range not as long as the container range */
	cases[4].host_port_end = 8081;
	cases[5].host_port = 0;
	cases[6].host_port = 8081;
	/* host address without a family, or IPv4-mapped */
	cases[7].has_host_ip = true;
	cases[8].has_host_ip = true;
	cases[8].host_ip.family = AF_INET6;
	cases[8].host_ip.b[10] = cases[8].host_ip.b[11] = 0xff;
	cases[8].host_ip.b[12] = 127;
	cases[8].host_ip.b[15] = 1;
	cases[9].has_host_ip = true;
	cases[9].host_ip.family = AF_UNIX;

	assert_int_equal(portspec_format(&base, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "8080:80/tcp");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(buf, 'Z', sizeof(buf));
		if (portspec_format(&cases[i], buf, sizeof(buf)) != -EINVAL)
			fail_msg("case %zu: portspec_format() printed \"%s\"", i, buf);
		assert_int_equal(buf[0], 'Z');
	}
	/* a host address ignored when has_host_ip is false */
	cases[7].has_host_ip = false;
	cases[7].host_ip.family = AF_INET;
	assert_int_equal(portspec_format(&cases[7], buf, sizeof(buf)), 0);
	assert_string_equal(buf, "8080:80/tcp");
}

static void test_portspec_proto(void **state)
{
	static const struct {
		enum portspec_proto proto;
		const char *name;
	} names[] = {
		{ PORTSPEC_TCP, "tcp" },
		{ PORTSPEC_UDP, "udp" },
		{ PORTSPEC_SCTP, "sctp" },
	};
	static const char *const bad[] = {
		"",   "tc",   "tcpp", "tcp ", " tcp", "tcp\n", "icmp",
		"ip", "tcp4", "tcp6", "6",    "/tcp", "all",   NULL,
	};
	enum portspec_proto p;
	size_t i;

	assert_int_equal(ARRAY_SIZE(names), PORTSPEC_PROTO_MAX);
	static const char *const upper[PORTSPEC_PROTO_MAX] = { "TCP", "Udp", "SCTP" };

	for (i = 0; i < ARRAY_SIZE(upper); i++) {
		p = PORTSPEC_PROTO_MAX;
		assert_int_equal(portspec_proto_parse(upper[i], &p), 0);
		assert_int_equal(p, names[i].proto);
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		assert_string_equal(portspec_proto_name(names[i].proto), names[i].name);
		p = PORTSPEC_PROTO_MAX;
		assert_int_equal(portspec_proto_parse(names[i].name, &p), 0);
		assert_int_equal(p, names[i].proto);
	}
	assert_null(portspec_proto_name(PORTSPEC_PROTO_MAX));
	assert_null(portspec_proto_name((enum portspec_proto) - 1));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		p = PORTSPEC_PROTO_MAX;
		if (portspec_proto_parse(bad[i], &p) != -EINVAL)
			fail_msg("portspec_proto_parse(\"%s\") accepted", str_or_null(bad[i]));
		assert_int_equal(p, PORTSPEC_PROTO_MAX);
	}
}

static void test_portspec_count(void **state)
{
	static const struct {
		const char *in;
		size_t n;
	} cases[] = {
		{ "80", 1 },
		{ "80-80", 1 },
		{ "8080:80/udp", 1 },
		{ "80-81", 2 },
		{ "8000-8010", 11 },
		{ "127.0.0.1::8000-8010", 11 },
		{ "[::1]:9000-9099:8000-8099/sctp", 100 },
		{ "1-65535", 65535 },
		{ "65535", 1 },
	};
	struct portspec bad = { .ctr_port = 81, .ctr_port_end = 80 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct portspec p = spec(cases[i].in);

		if (portspec_count(&p) != cases[i].n)
			fail_msg("portspec_count(\"%s\") = %zu, want %zu", cases[i].in,
				 portspec_count(&p), cases[i].n);
		/* the host range, when given, is as long */
		if (p.host_port)
			assert_int_equal(p.host_port_end - p.host_port + 1, cases[i].n);
	}
	assert_int_equal(portspec_count(&bad), 0);
}

static void test_portspec_overlaps(void **state)
{
	static const struct {
		const char *a, *b;
		bool overlap;
	} cases[] = {
		/* same host port, no address: the container port does not matter */
		{ "8080:80", "8080:80", true },
		{ "8080:80", "8080:81", true },
		{ "8080:80", "8081:80", false },
		/* protocols are separate port spaces */
		{ "8080:80", "8080:80/udp", false },
		{ "8080:80/udp", "8080:80/udp", true },
		{ "8080:80/sctp", "8080:80/tcp", false },
		{ "8080:80/sctp", "8080:80/udp", false },
		{ "8080:80/sctp", "8080:80/sctp", true },
		/* ranges: touching ends clash, neighbours do not */
		{ "8000-8010:8000-8010", "8010:80", true },
		{ "8000-8010:8000-8010", "8000:80", true },
		{ "8000-8010:8000-8010", "8005:80", true },
		{ "8000-8010:8000-8010", "8011:80", false },
		{ "8000-8010:8000-8010", "7999:80", false },
		{ "8000-8010:8000-8010", "7990-8000:7990-8000", true },
		{ "8000-8010:8000-8010", "7990-7999:7990-7999", false },
		{ "8000-8010:8000-8010", "8011-8020:8011-8020", false },
		{ "8000-8010:8000-8010", "8002-8003:1-2", true },
		{ "1-65535:1-65535", "65535:9", true },
		{ "1-65535:1-65535/udp", "65535:9", false },
		/* the daemon picks free ports: nothing to clash with */
		{ "80", "80", false },
		{ "80", "8080:80", false },
		{ "8000-8010", "8000-8010:8000-8010", false },
		{ "127.0.0.1::80", "127.0.0.1::80", false },
		/* no address is every address */
		{ "127.0.0.1:8080:80", "8080:80", true },
		{ "[::1]:8080:80", "8080:80", true },
		{ "0.0.0.0:8080:80", "8080:80", true },
		{ "[::]:8080:80", "8080:80", true },
		/* equal addresses */
		{ "127.0.0.1:8080:80", "127.0.0.1:8080:81", true },
		{ "127.0.0.1:8080:80", "127.0.0.2:8080:80", false },
		{ "127.0.0.1:8080:80/udp", "127.0.0.1:8080:80/tcp", false },
		{ "[::1]:8080:80", "[::1]:8080:80", true },
		{ "[::1]:8080:80", "[0:0::1]:8080:80", true },
		{ "[::1]:8080:80", "[::2]:8080:80", false },
		{ "[2001:db8::1]:8000-8010:8000-8010", "[2001:db8::1]:8010:80", true },
		{ "[2001:db8::1]:8000-8010:8000-8010", "[2001:db8::1]:8011:80", false },
		/* 0.0.0.0 and [::]: every address of their family only */
		{ "0.0.0.0:8080:80", "127.0.0.1:8080:80", true },
		{ "0.0.0.0:8080:80", "0.0.0.0:8080:80", true },
		{ "0.0.0.0:8080:80", "0.0.0.0:8081:80", false },
		{ "0.0.0.0:8080:80", "[::1]:8080:80", false },
		{ "0.0.0.0:8080:80", "[::]:8080:80", false },
		{ "[::]:8080:80", "[::1]:8080:80", true },
		{ "[::]:8080:80", "[::]:8080:80", true },
		{ "[::]:8080:80", "127.0.0.1:8080:80", false },
		/* an IPv4 and an IPv6 address never clash */
		{ "127.0.0.1:8080:80", "[::1]:8080:80", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct portspec a = spec(cases[i].a), b = spec(cases[i].b);

		if (portspec_overlaps(&a, &b) != cases[i].overlap)
			fail_msg("portspec_overlaps(\"%s\", \"%s\") != %d", cases[i].a, cases[i].b,
				 cases[i].overlap);
		/* symmetric */
		if (portspec_overlaps(&b, &a) != cases[i].overlap)
			fail_msg("portspec_overlaps(\"%s\", \"%s\") != %d", cases[i].b, cases[i].a,
				 cases[i].overlap);
	}
	/* a spec clashes with itself exactly when it has a host port */
	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		struct portspec p = spec(valid[i].in);

		assert_int_equal(portspec_overlaps(&p, &p), p.host_port != 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_portspec_parse_valid),
		cmocka_unit_test(test_portspec_format_round_trip),
		cmocka_unit_test(test_portspec_parse_invalid),
		cmocka_unit_test(test_portspec_parse_length),
		cmocka_unit_test(test_portspec_format_invalid),
		cmocka_unit_test(test_portspec_proto),
		cmocka_unit_test(test_portspec_count),
		cmocka_unit_test(test_portspec_overlaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
