// SPDX-License-Identifier: GPL-2.0-or-later
/* test_cidr.c - IPv4/IPv6 address and prefix parsing, formatting, containment and arithmetic */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../helpers/cmocka_compat.h"

#include <netd/cidr.h>
#include <netd/macro.h>

static const char *str_or_null(const char *s)
{
	return s ? s : "(null)";
}

/* fixtures must parse: a typo in a table is a test bug, reported as such */
static struct ipaddr ip_of(const char *s)
{
	struct ipaddr a;

	if (ipaddr_parse(s, &a) < 0)
		fail_msg("fixture address '%s' does not parse", s);
	return a;
}

static struct cidr cidr_of(const char *s)
{
	struct cidr c;

	if (cidr_parse(s, &c) < 0)
		fail_msg("fixture prefix '%s' does not parse", s);
	return c;
}

static void fmt_ip(const struct ipaddr *a, char buf[INET6_ADDRSTRLEN])
{
	assert_int_equal(ipaddr_format(a, buf, INET6_ADDRSTRLEN), 0);
}

static void fmt_cidr(const struct cidr *c, char buf[CIDR_STRLEN])
{
	assert_int_equal(cidr_format(c, buf, CIDR_STRLEN), 0);
}

static void test_cidr_ipaddr_parse(void **state)
{
	static const struct {
		const char *in;
		int r;
		int family;
		const char *canon;
	} cases[] = {
		{ "10.0.0.1", 0, AF_INET, "10.0.0.1" },
		{ "0.0.0.0", 0, AF_INET, "0.0.0.0" },
		{ "255.255.255.255", 0, AF_INET, "255.255.255.255" },
		{ "192.168.100.200", 0, AF_INET, "192.168.100.200" },
		{ "::", 0, AF_INET6, "::" },
		{ "::1", 0, AF_INET6, "::1" },
		{ "fd00:0000:0000::0001", 0, AF_INET6, "fd00::1" },
		{ "FD00::ABCD", 0, AF_INET6, "fd00::abcd" },
		{ "2001:db8:0:0:1:0:0:1", 0, AF_INET6, "2001:db8::1:0:0:1" },
		{ "::ffff:10.0.0.1", 0, AF_INET6, "::ffff:10.0.0.1" },
		/* the longest textual form, 45 characters */
		{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 0, AF_INET6,
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
		/* garbage */
		{ "", -EINVAL },
		{ NULL, -EINVAL },
		{ "abc", -EINVAL },
		{ "1.2.3", -EINVAL },
		{ "1.2.3.4.5", -EINVAL },
		{ "256.0.0.1", -EINVAL },
		{ "1.2.3.-1", -EINVAL },
		{ "0x0a.0.0.1", -EINVAL },
		{ "10.0.0.1/24", -EINVAL },
		{ " 10.0.0.1", -EINVAL },
		{ "10.0.0.1 ", -EINVAL },
		{ "10.0.0.1\n", -EINVAL },
		/* leading zeros: ambiguous (octal to some parsers), refused */
		{ "010.0.0.1", -EINVAL },
		{ "10.0.0.01", -EINVAL },
		{ "10.00.0.1", -EINVAL },
		/* IPv6 syntax errors */
		{ ":::", -EINVAL },
		{ "fd00::1::2", -EINVAL },
		{ "fd00::00001", -EINVAL },
		{ "fd00:1:2:3:4:5:6:7:8", -EINVAL },
		{ "fd00::g", -EINVAL },
		/* zone ids and brackets are URL and socket syntax, not addresses */
		{ "fe80::1%eth0", -EINVAL },
		{ "fe80::1%1", -EINVAL },
		{ "[fd00::1]", -EINVAL },
		{ "[::1]", -EINVAL },
		/* too long to be an address at all */
		{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2550", -EINVAL },
		{ "0000000000000000000000000000000000000000000000000000000000000000000000000001",
		  -EINVAL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ipaddr a;
		char buf[INET6_ADDRSTRLEN];
		int r;

		memset(&a, 0xa5, sizeof(a));
		r = ipaddr_parse(cases[i].in, &a);
		if (r != cases[i].r)
			fail_msg("ipaddr_parse(\"%s\") = %d, want %d", str_or_null(cases[i].in), r,
				 cases[i].r);
		if (r < 0)
			continue;
		assert_int_equal(a.family, cases[i].family);
		assert_int_equal(ipaddr_len(&a), cases[i].family == AF_INET ? 4 : 16);
		fmt_ip(&a, buf);
		assert_string_equal(buf, cases[i].canon);
	}
}

static void test_cidr_ipaddr_parse_bytes(void **state)
{
	static const uint8_t v4[4] = { 10, 1, 2, 254 };
	static const uint8_t v6[16] = { 0xfd, 0x00, 0x12, 0x34, 0, 0, 0, 0,
					0,    0,    0,	  0,	0, 0, 0, 0x01 };
	struct ipaddr a;

	assert_int_equal(ipaddr_parse("10.1.2.254", &a), 0);
	assert_memory_equal(a.b, v4, sizeof(v4));
	assert_int_equal(ipaddr_parse("fd00:1234::1", &a), 0);
	assert_memory_equal(a.b, v6, sizeof(v6));
}

static void test_cidr_ipaddr_parse_overlong(void **state)
{
	char big[4096];
	struct ipaddr a;
	struct cidr c;

	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(ipaddr_parse(big, &a), -EINVAL);
	assert_int_equal(cidr_parse(big, &c), -EINVAL);
	assert_int_equal(cidr_parse_subnet(big, &c), -EINVAL);
	/* a valid address padded past the buffer with a long prefix length */
	memcpy(big, "10.0.0.0/", 9);
	assert_int_equal(cidr_parse(big, &c), -EINVAL);
}

static void test_cidr_ipaddr_format(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		int r;
	} cases[] = {
		{ "10.0.0.1", sizeof("10.0.0.1"), 0 },
		{ "10.0.0.1", sizeof("10.0.0.1") - 1, -EINVAL },
		{ "fd00::1", sizeof("fd00::1"), 0 },
		{ "fd00::1", sizeof("fd00::1") - 1, -EINVAL },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", INET6_ADDRSTRLEN, 0 },
		{ "::ffff:255.255.255.255", INET6_ADDRSTRLEN, 0 },
	};
	struct ipaddr unset = { 0 };
	char buf[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ipaddr a = ip_of(cases[i].in);
		int r = ipaddr_format(&a, buf, cases[i].len);

		if (r != cases[i].r)
			fail_msg("ipaddr_format(%s, len %zu) = %d, want %d", cases[i].in,
				 cases[i].len, r, cases[i].r);
		if (r == 0)
			assert_string_equal(buf, cases[i].in);
	}
	assert_int_equal(ipaddr_format(&unset, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(ipaddr_len(&unset), 0);
	assert_int_equal(ipaddr_bits(AF_INET), 32);
	assert_int_equal(ipaddr_bits(AF_INET6), 128);
	assert_int_equal(ipaddr_bits(AF_UNIX), 0);
}

static void test_cidr_ipaddr_equal(void **state)
{
	static const struct {
		const char *a;
		const char *b;
		bool equal;
	} cases[] = {
		{ "10.0.0.1", "10.0.0.1", true },
		{ "10.0.0.1", "10.0.0.2", false },
		{ "10.0.0.1", "11.0.0.1", false },
		{ "fd00::1", "FD00:0:0::1", true },
		{ "fd00::1", "fd00::2", false },
		{ "fd00::1", "fd01::1", false },
		/* same bytes, different family */
		{ "0.0.0.0", "::", false },
		{ "10.0.0.1", "::ffff:10.0.0.1", false },
		{ "10.0.0.1", "a00:1::", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ipaddr a = ip_of(cases[i].a), b = ip_of(cases[i].b);

		if (ipaddr_equal(&a, &b) != cases[i].equal ||
		    ipaddr_equal(&b, &a) != cases[i].equal)
			fail_msg("ipaddr_equal(%s, %s) != %d", cases[i].a, cases[i].b,
				 cases[i].equal);
	}
}

static void test_cidr_parse(void **state)
{
	static const struct {
		const char *in;
		int r;
		int family;
		unsigned int prefixlen;
		const char *canon;
	} cases[] = {
		/* host bits are kept: an interface address */
		{ "10.0.0.1/24", 0, AF_INET, 24, "10.0.0.1/24" },
		{ "10.0.0.0/8", 0, AF_INET, 8, "10.0.0.0/8" },
		{ "0.0.0.0/0", 0, AF_INET, 0, "0.0.0.0/0" },
		{ "1.2.3.4/0", 0, AF_INET, 0, "1.2.3.4/0" },
		{ "255.255.255.255/32", 0, AF_INET, 32, "255.255.255.255/32" },
		{ "::/0", 0, AF_INET6, 0, "::/0" },
		{ "fd00::1/64", 0, AF_INET6, 64, "fd00::1/64" },
		{ "FD00:0::/48", 0, AF_INET6, 48, "fd00::/48" },
		{ "fd00::1/128", 0, AF_INET6, 128, "fd00::1/128" },
		{ "::ffff:10.0.0.0/104", 0, AF_INET6, 104, "::ffff:10.0.0.0/104" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128", 0, AF_INET6, 128,
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" },
		/* prefix length out of range for the family */
		{ "10.0.0.0/33", -EINVAL },
		{ "10.0.0.0/128", -EINVAL },
		{ "fd00::/129", -EINVAL },
		{ "10.0.0.0/4294967296", -EINVAL },
		{ "10.0.0.0/99999999999999999999999", -EINVAL },
		/* prefix length syntax */
		{ "10.0.0.0", -EINVAL },
		{ "10.0.0.0/", -EINVAL },
		{ "10.0.0.0/024", -EINVAL },
		{ "10.0.0.0/00", -EINVAL },
		{ "10.0.0.0/+8", -EINVAL },
		{ "10.0.0.0/-1", -EINVAL },
		{ "10.0.0.0/0x8", -EINVAL },
		{ "10.0.0.0/8/8", -EINVAL },
		{ "10.0.0.0/8 ", -EINVAL },
		{ "10.0.0.0 /8", -EINVAL },
		{ "10.0.0.0/ 8", -EINVAL },
		{ "10.0.0.0//8", -EINVAL },
		/* address syntax */
		{ "", -EINVAL },
		{ NULL, -EINVAL },
		{ "/8", -EINVAL },
		{ "/", -EINVAL },
		{ "10.0.0/24", -EINVAL },
		{ "010.0.0.0/8", -EINVAL },
		{ "[fd00::]/64", -EINVAL },
		{ "[fd00::/64]", -EINVAL },
		{ "fe80::1%eth0/64", -EINVAL },
		{ "fe80::/64%eth0", -EINVAL },
		{ "garbage/24", -EINVAL },
		{ "10.0.0.0-10.0.0.255", -EINVAL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cidr c;
		char buf[CIDR_STRLEN];
		int r;

		memset(&c, 0xa5, sizeof(c));
		r = cidr_parse(cases[i].in, &c);
		if (r != cases[i].r)
			fail_msg("cidr_parse(\"%s\") = %d, want %d", str_or_null(cases[i].in), r,
				 cases[i].r);
		if (r < 0)
			continue;
		assert_int_equal(c.addr.family, cases[i].family);
		assert_int_equal(c.prefixlen, cases[i].prefixlen);
		fmt_cidr(&c, buf);
		assert_string_equal(buf, cases[i].canon);
	}
}

static void test_cidr_parse_subnet(void **state)
{
	static const struct {
		const char *in;
		int r;
		const char *canon;
	} cases[] = {
		{ "10.0.0.0/24", 0, "10.0.0.0/24" },
		{ "10.0.0.128/25", 0, "10.0.0.128/25" },
		{ "10.0.0.1/32", 0, "10.0.0.1/32" },
		{ "0.0.0.0/0", 0, "0.0.0.0/0" },
		{ "10.0.0.0/7", 0, "10.0.0.0/7" },
		{ "fd00::/64", 0, "fd00::/64" },
		{ "fd00:0:0:10::/60", 0, "fd00:0:0:10::/60" },
		{ "fd00::1/128", 0, "fd00::1/128" },
		{ "::/0", 0, "::/0" },
		{ "8000::/1", 0, "8000::/1" },
		/* host bits set */
		{ "10.0.0.1/24", -EDOM },
		{ "10.0.0.64/25", -EDOM },
		{ "10.0.1.0/23", -EDOM },
		{ "1.0.0.0/0", -EDOM },
		{ "11.0.0.0/7", -EDOM },
		{ "fd00::1/64", -EDOM },
		{ "fd00:0:0:18::/60", -EDOM },
		{ "c000::/1", -EDOM },
		{ "::1/0", -EDOM },
		/* syntax errors stay -EINVAL */
		{ "10.0.0.0", -EINVAL },
		{ "10.0.0.0/33", -EINVAL },
		{ "garbage", -EINVAL },
		{ "", -EINVAL },
		{ NULL, -EINVAL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cidr c;
		char buf[CIDR_STRLEN];
		int r = cidr_parse_subnet(cases[i].in, &c);

		if (r != cases[i].r)
			fail_msg("cidr_parse_subnet(\"%s\") = %d, want %d",
				 str_or_null(cases[i].in), r, cases[i].r);
		if (r < 0)
			continue;
		assert_true(cidr_is_network(&c));
		fmt_cidr(&c, buf);
		assert_string_equal(buf, cases[i].canon);
	}
}

static void test_cidr_mask(void **state)
{
	static const struct {
		const char *in;
		bool is_network;
		const char *masked;
	} cases[] = {
		{ "10.1.2.3/8", false, "10.0.0.0/8" },
		{ "10.1.2.3/0", false, "0.0.0.0/0" },
		{ "10.1.2.3/32", true, "10.1.2.3/32" },
		{ "10.1.2.255/25", false, "10.1.2.128/25" },
		{ "10.1.255.255/23", false, "10.1.254.0/23" },
		{ "10.1.2.0/24", true, "10.1.2.0/24" },
		{ "255.255.255.255/1", false, "128.0.0.0/1" },
		{ "255.255.255.255/31", false, "255.255.255.254/31" },
		{ "fd00:1:2:3:4:5:6:7/64", false, "fd00:1:2:3::/64" },
		{ "fd00:1:2:3f::/60", false, "fd00:1:2:30::/60" },
		{ "ffff:ffff::/1", false, "8000::/1" },
		{ "fd00::ffff/127", false, "fd00::fffe/127" },
		{ "fd00::1/128", true, "fd00::1/128" },
		{ "::1/0", false, "::/0" },
		{ "::/0", true, "::/0" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cidr c = cidr_of(cases[i].in);
		char buf[CIDR_STRLEN];

		if (cidr_is_network(&c) != cases[i].is_network)
			fail_msg("cidr_is_network(%s) != %d", cases[i].in, cases[i].is_network);
		cidr_mask(&c);
		fmt_cidr(&c, buf);
		assert_string_equal(buf, cases[i].masked);
		assert_true(cidr_is_network(&c));
		/* idempotent */
		cidr_mask(&c);
		fmt_cidr(&c, buf);
		assert_string_equal(buf, cases[i].masked);
	}
}

static void test_cidr_contains(void **state)
{
	static const struct {
		const char *prefix;
		const char *addr;
		bool contained;
	} cases[] = {
		{ "10.0.0.0/24", "10.0.0.0", true },
		{ "10.0.0.0/24", "10.0.0.255", true },
		{ "10.0.0.0/24", "10.0.1.0", false },
		{ "10.0.0.0/24", "9.255.255.255", false },
		{ "10.0.0.128/25", "10.0.0.127", false },
		{ "10.0.0.128/25", "10.0.0.128", true },
		{ "10.0.0.0/23", "10.0.1.255", true },
		{ "10.0.0.0/23", "10.0.2.0", false },
		{ "0.0.0.0/0", "255.255.255.255", true },
		{ "0.0.0.0/0", "0.0.0.0", true },
		{ "10.0.0.1/32", "10.0.0.1", true },
		{ "10.0.0.1/32", "10.0.0.2", false },
		/* host bits of the prefix do not matter */
		{ "10.0.0.77/24", "10.0.0.3", true },
		/* never across families */
		{ "10.0.0.0/24", "::ffff:10.0.0.1", false },
		{ "::/0", "0.0.0.0", false },
		{ "0.0.0.0/0", "::", false },
		{ "fd00::/64", "fd00::ffff:ffff:ffff:ffff", true },
		{ "fd00::/64", "fd00:0:0:1::", false },
		{ "fd00:0:0:10::/60", "fd00:0:0:1f::1", true },
		{ "fd00:0:0:10::/60", "fd00:0:0:20::", false },
		{ "fd00:0:0:10::/60", "fd00:0:0:f::", false },
		{ "::/0", "ffff::", true },
		{ "fd00::1/128", "fd00::1", true },
		{ "fd00::1/128", "fd00::2", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cidr c = cidr_of(cases[i].prefix);
		struct ipaddr a = ip_of(cases[i].addr);

		if (cidr_contains(&c, &a) != cases[i].contained)
			fail_msg("cidr_contains(%s, %s) != %d", cases[i].prefix, cases[i].addr,
				 cases[i].contained);
	}
}

static void test_cidr_overlaps(void **state)
{
	static const struct {
		const char *a;
		const char *b;
		bool overlap;
	} cases[] = {
		{ "10.0.0.0/24", "10.0.0.0/24", true },
		{ "10.0.0.0/24", "10.0.1.0/24", false },
		{ "10.0.0.0/8", "10.200.0.0/16", true },
		{ "10.0.0.0/25", "10.0.0.128/25", false },
		{ "10.0.0.0/23", "10.0.1.0/24", true },
		{ "0.0.0.0/0", "192.168.0.0/16", true },
		{ "10.0.0.1/32", "10.0.0.0/24", true },
		{ "10.0.0.1/32", "10.0.0.2/32", false },
		{ "10.0.0.1/32", "10.0.0.1/32", true },
		{ "172.16.0.0/12", "172.32.0.0/12", false },
		{ "10.0.0.0/24", "::/0", false },
		{ "::ffff:10.0.0.0/120", "10.0.0.0/24", false },
		{ "fd00::/48", "fd00:0:0:ff::/64", true },
		{ "fd00::/64", "fd00:0:0:1::/64", false },
		{ "fd00:0:0:10::/60", "fd00:0:0:1f::/64", true },
		{ "fd00:0:0:10::/60", "fd00:0:0:20::/64", false },
		{ "::/0", "::/0", true },
		{ "fd00::1/128", "fd00::1/128", true },
		{ "fd00::1/128", "fd00::/127", true },
		{ "fd00::2/128", "fd00::/127", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cidr a = cidr_of(cases[i].a), b = cidr_of(cases[i].b);

		if (cidr_overlaps(&a, &b) != cases[i].overlap ||
		    cidr_overlaps(&b, &a) != cases[i].overlap)
			fail_msg("cidr_overlaps(%s, %s) != %d", cases[i].a, cases[i].b,
				 cases[i].overlap);
	}
}

static void test_cidr_host(void **state)
{
	static const struct {
		const char *prefix;
		uint64_t offset;
		int r;
		const char *addr;
	} cases[] = {
		{ "10.0.0.0/24", 0, 0, "10.0.0.0" },
		{ "10.0.0.0/24", 1, 0, "10.0.0.1" },
		{ "10.0.0.0/24", 255, 0, "10.0.0.255" },
		{ "10.0.0.0/24", 256, -ERANGE },
		{ "10.0.0.0/16", 258, 0, "10.0.1.2" },
		{ "10.0.0.0/16", 65535, 0, "10.0.255.255" },
		{ "10.0.0.0/16", 65536, -ERANGE },
		{ "10.0.0.0/30", 3, 0, "10.0.0.3" },
		{ "10.0.0.0/30", 4, -ERANGE },
		/* host bits of the prefix are ignored */
		{ "10.1.2.3/24", 5, 0, "10.1.2.5" },
		{ "10.0.0.7/32", 0, 0, "10.0.0.7" },
		{ "10.0.0.7/32", 1, -ERANGE },
		{ "0.0.0.0/0", UINT32_MAX, 0, "255.255.255.255" },
		{ "0.0.0.0/0", UINT64_C(1) << 32, -ERANGE },
		{ "0.0.0.0/0", UINT64_MAX, -ERANGE },
		{ "fd00::/64", 1, 0, "fd00::1" },
		{ "fd00::/64", UINT64_MAX, 0, "fd00::ffff:ffff:ffff:ffff" },
		{ "fd00::/120", 255, 0, "fd00::ff" },
		{ "fd00::/120", 256, -ERANGE },
		{ "fd00::/126", 3, 0, "fd00::3" },
		{ "fd00::/126", 4, -ERANGE },
		{ "fd00::1/128", 0, 0, "fd00::1" },
		{ "fd00::1/128", 1, -ERANGE },
		{ "::/0", UINT64_MAX, 0, "::ffff:ffff:ffff:ffff" },
		{ "fd00:0:0:10::/60", 5, 0, "fd00:0:0:10::5" },
		{ "2001:db8:0:2::/63", UINT64_MAX, 0, "2001:db8:0:2:ffff:ffff:ffff:ffff" },
	};
	struct cidr unset = { 0 };
	struct ipaddr a;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cidr c = cidr_of(cases[i].prefix);
		char buf[INET6_ADDRSTRLEN];
		int r = cidr_host(&c, cases[i].offset, &a);

		if (r != cases[i].r)
			fail_msg("cidr_host(%s, %llu) = %d, want %d", cases[i].prefix,
				 (unsigned long long)cases[i].offset, r, cases[i].r);
		if (r < 0)
			continue;
		fmt_ip(&a, buf);
		if (strcmp(buf, cases[i].addr) != 0)
			fail_msg("cidr_host(%s, %llu) = %s, want %s", cases[i].prefix,
				 (unsigned long long)cases[i].offset, buf, cases[i].addr);
	}
	assert_int_equal(cidr_host(&unset, 0, &a), -EINVAL);
}

static void test_cidr_offset(void **state)
{
	static const struct {
		const char *prefix;
		const char *addr;
		int r;
		uint64_t offset;
	} cases[] = {
		{ "10.0.0.0/24", "10.0.0.0", 0, 0 },
		{ "10.0.0.0/24", "10.0.0.1", 0, 1 },
		{ "10.0.0.0/24", "10.0.0.255", 0, 255 },
		{ "10.0.0.0/24", "10.0.1.0", -EINVAL },
		{ "10.0.0.0/24", "fd00::1", -EINVAL },
		{ "10.0.0.0/16", "10.0.1.2", 0, 258 },
		{ "10.0.0.0/20", "10.0.15.255", 0, 4095 },
		{ "10.0.16.0/20", "10.0.17.1", 0, 257 },
		{ "10.0.0.128/25", "10.0.0.129", 0, 1 },
		{ "0.0.0.0/0", "255.255.255.255", 0, UINT32_MAX },
		{ "10.0.0.7/32", "10.0.0.7", 0, 0 },
		{ "fd00::/64", "fd00::1", 0, 1 },
		{ "fd00::/64", "fd00::ffff:ffff:ffff:ffff", 0, UINT64_MAX },
		{ "fd00::/64", "10.0.0.1", -EINVAL },
		{ "fd00::/64", "fd00:0:0:1::", -EINVAL },
		{ "fd00::/120", "fd00::ff", 0, 255 },
		{ "::/0", "::1", 0, 1 },
		/* offsets past 64 bits */
		{ "::/0", "1::", -ERANGE },
		{ "fd00::/56", "fd00:0:0:1::", -ERANGE },
		{ "fd00::/56", "fd00::1:0:0:0", 0, UINT64_C(1) << 48 },
		{ "2001:db8::/63", "2001:db8::1", 0, 1 },
		{ "fd00:0:0:10::/60", "fd00:0:0:1f::", -ERANGE },
		{ "fd00::/60", "fd00::5", 0, 5 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cidr c = cidr_of(cases[i].prefix);
		struct ipaddr a = ip_of(cases[i].addr);
		uint64_t off = 0xdeadbeef;
		int r = cidr_offset(&c, &a, &off);

		if (r != cases[i].r)
			fail_msg("cidr_offset(%s, %s) = %d, want %d", cases[i].prefix,
				 cases[i].addr, r, cases[i].r);
		if (r < 0)
			continue;
		if (off != cases[i].offset)
			fail_msg("cidr_offset(%s, %s) = %llu, want %llu", cases[i].prefix,
				 cases[i].addr, (unsigned long long)off,
				 (unsigned long long)cases[i].offset);
	}
}

/*
 * Regression: for an IPv6 prefix shorter than /64 whose length is not a multiple of 8
 * (/57../63, /49../55, ...), the byte at bit position 64 holds both network and host bits;
 * cidr_offset() once took any nonzero value there as an offset >= 2^64.
 */
static void test_cidr_offset_v6_straddling_byte(void **state)
{
	static const struct {
		const char *prefix;
		const char *addr;
		uint64_t offset;
	} cases[] = {
		{ "fd00:0:0:10::/60", "fd00:0:0:10::5", 5 },
		{ "fd00:0:0:10::/60", "fd00:0:0:10:ffff:ffff:ffff:ffff", UINT64_MAX },
		{ "2001:db8:0:2::/63", "2001:db8:0:2::1", 1 },
		{ "fd00:0:0:80::/57", "fd00:0:0:80::1", 1 },
		{ "fd00:0:0:fe::/63", "fd00:0:0:fe::1:0", 65536 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cidr c = cidr_of(cases[i].prefix);
		struct ipaddr a = ip_of(cases[i].addr), back;
		uint64_t off = 0xdeadbeef;
		int r = cidr_offset(&c, &a, &off);

		if (r != 0 || off != cases[i].offset)
			fail_msg("cidr_offset(%s, %s) = %d/%llu, want 0/%llu", cases[i].prefix,
				 cases[i].addr, r, (unsigned long long)off,
				 (unsigned long long)cases[i].offset);
		/* and cidr_host() gives the address back */
		assert_int_equal(cidr_host(&c, off, &back), 0);
		assert_true(ipaddr_equal(&a, &back));
	}
}

/* cidr_offset() inverts cidr_host() for every offset that fits */
static void test_cidr_host_offset_round_trip(void **state)
{
	static const char *const prefixes[] = {
		"10.0.0.0/24", "10.0.0.0/16", "172.16.0.0/12", "0.0.0.0/0",
		"10.0.0.0/30", "fd00::/64",   "fd00::/48",     "fd00::/120",
		"::/0",	       "fd00::/60",   "2001:db8::/63",
	};
	static const uint64_t offsets[] = {
		0,
		1,
		2,
		254,
		255,
		256,
		4095,
		65534,
		65535,
		65536,
		UINT32_MAX - 1,
		UINT32_MAX,
		UINT64_C(1) << 32,
		UINT64_MAX,
	};
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		struct cidr c = cidr_of(prefixes[i]);

		for (k = 0; k < ARRAY_SIZE(offsets); k++) {
			struct ipaddr a;
			uint64_t back = 0;
			int r;

			if (cidr_host(&c, offsets[k], &a) < 0)
				continue;
			assert_true(cidr_contains(&c, &a));
			r = cidr_offset(&c, &a, &back);
			if (r < 0 || back != offsets[k])
				fail_msg("%s: cidr_offset(cidr_host(%llu)) = %d/%llu", prefixes[i],
					 (unsigned long long)offsets[k], r,
					 (unsigned long long)back);
		}
	}
}

static void test_cidr_nth_subnet(void **state)
{
	static const struct {
		const char *pool;
		unsigned int newlen;
		uint64_t n;
		int r;
		const char *subnet;
	} cases[] = {
		{ "10.0.0.0/8", 24, 0, 0, "10.0.0.0/24" },
		{ "10.0.0.0/8", 24, 1, 0, "10.0.1.0/24" },
		{ "10.0.0.0/8", 24, 256, 0, "10.1.0.0/24" },
		{ "10.0.0.0/8", 24, 65535, 0, "10.255.255.0/24" },
		{ "10.0.0.0/8", 24, 65536, -ERANGE },
		{ "10.0.0.0/8", 8, 0, 0, "10.0.0.0/8" },
		{ "10.0.0.0/8", 8, 1, -ERANGE },
		{ "10.0.0.0/8", 7, 0, -EINVAL },
		{ "10.0.0.0/8", 33, 0, -EINVAL },
		{ "10.0.0.0/8", 26, 5, 0, "10.0.1.64/26" },
		{ "10.0.0.0/23", 24, 1, 0, "10.0.1.0/24" },
		{ "10.0.0.0/21", 25, 15, 0, "10.0.7.128/25" },
		{ "10.0.0.0/30", 32, 3, 0, "10.0.0.3/32" },
		{ "10.0.0.0/30", 32, 4, -ERANGE },
		/* the pool's host bits are ignored */
		{ "10.1.2.3/16", 24, 2, 0, "10.1.2.0/24" },
		{ "0.0.0.0/0", 32, UINT32_MAX, 0, "255.255.255.255/32" },
		{ "0.0.0.0/0", 32, UINT64_C(1) << 32, -ERANGE },
		{ "0.0.0.0/0", 1, 1, 0, "128.0.0.0/1" },
		{ "0.0.0.0/0", 0, 0, 0, "0.0.0.0/0" },
		{ "fd00::/48", 64, 1, 0, "fd00:0:0:1::/64" },
		{ "fd00::/48", 64, 65535, 0, "fd00:0:0:ffff::/64" },
		{ "fd00::/48", 64, 65536, -ERANGE },
		{ "fd00::/48", 56, 255, 0, "fd00:0:0:ff00::/56" },
		{ "fd00::/48", 129, 0, -EINVAL },
		{ "fd00::/48", 47, 0, -EINVAL },
		{ "fd00::/60", 64, 15, 0, "fd00:0:0:f::/64" },
		{ "fd00::/60", 64, 16, -ERANGE },
		{ "fd00::/120", 128, 255, 0, "fd00::ff/128" },
		{ "fd00::/120", 128, 256, -ERANGE },
		{ "::/0", 128, UINT64_MAX, 0, "::ffff:ffff:ffff:ffff/128" },
		{ "::/0", 64, UINT64_MAX, 0, "ffff:ffff:ffff:ffff::/64" },
		{ "::/0", 1, 1, 0, "8000::/1" },
		{ "::/0", 1, 2, -ERANGE },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cidr pool = cidr_of(cases[i].pool), c;
		char buf[CIDR_STRLEN];
		int r = cidr_nth_subnet(&pool, cases[i].newlen, cases[i].n, &c);

		if (r != cases[i].r)
			fail_msg("cidr_nth_subnet(%s, /%u, %llu) = %d, want %d", cases[i].pool,
				 cases[i].newlen, (unsigned long long)cases[i].n, r, cases[i].r);
		if (r < 0)
			continue;
		fmt_cidr(&c, buf);
		if (strcmp(buf, cases[i].subnet) != 0)
			fail_msg("cidr_nth_subnet(%s, /%u, %llu) = %s, want %s", cases[i].pool,
				 cases[i].newlen, (unsigned long long)cases[i].n, buf,
				 cases[i].subnet);
		assert_true(cidr_is_network(&c));
		assert_true(cidr_overlaps(&pool, &c));
	}
}

static void test_cidr_format(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		int r;
	} cases[] = {
		{ "10.0.0.0/24", sizeof("10.0.0.0/24"), 0 },
		{ "10.0.0.0/24", sizeof("10.0.0.0/24") - 1, -EINVAL },
		{ "10.0.0.0/24", 4, -EINVAL },
		{ "fd00::/64", sizeof("fd00::/64"), 0 },
		{ "fd00::/64", sizeof("fd00::/64") - 1, -EINVAL },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", CIDR_STRLEN, 0 },
		{ "::ffff:255.255.255.255/128", CIDR_STRLEN, 0 },
	};
	struct cidr unset = { 0 };
	char buf[CIDR_STRLEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cidr c = cidr_of(cases[i].in);
		int r = cidr_format(&c, buf, cases[i].len);

		if (r != cases[i].r)
			fail_msg("cidr_format(%s, len %zu) = %d, want %d", cases[i].in,
				 cases[i].len, r, cases[i].r);
		if (r == 0)
			assert_string_equal(buf, cases[i].in);
	}
	assert_int_equal(cidr_format(&unset, buf, sizeof(buf)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_ipaddr_parse),
		cmocka_unit_test(test_cidr_ipaddr_parse_bytes),
		cmocka_unit_test(test_cidr_ipaddr_parse_overlong),
		cmocka_unit_test(test_cidr_ipaddr_format),
		cmocka_unit_test(test_cidr_ipaddr_equal),
		cmocka_unit_test(test_cidr_parse),
		cmocka_unit_test(test_cidr_parse_subnet),
		cmocka_unit_test(test_cidr_mask),
		cmocka_unit_test(test_cidr_contains),
		cmocka_unit_test(test_cidr_overlaps),
		cmocka_unit_test(test_cidr_host),
		cmocka_unit_test(test_cidr_offset),
		cmocka_unit_test(test_cidr_offset_v6_straddling_byte),
		cmocka_unit_test(test_cidr_host_offset_round_trip),
		cmocka_unit_test(test_cidr_nth_subnet),
		cmocka_unit_test(test_cidr_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
