// SPDX-License-Identifier: GPL-2.0-or-later
/* test_ipam.c - per-subnet allocator: sizes, exhaustion, reuse order, errors, counts */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../helpers/cmocka_compat.h"

#include <netd/ipam.h>
#include <netd/macro.h>

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

static void ipam_init_ok(struct ipam *ipam, const char *subnet)
{
	struct cidr c = cidr_of(subnet);
	int r = ipam_init(ipam, &c);

	if (r < 0)
		fail_msg("ipam_init(%s) = %d", subnet, r);
}

static uint64_t offset_of(const struct ipam *ipam, const struct ipaddr *a)
{
	uint64_t off = UINT64_MAX;

	assert_int_equal(cidr_offset(&ipam->subnet, a, &off), 0);
	return off;
}

static void test_ipam_init(void **state)
{
	static const struct {
		const char *subnet;
		int r;
		uint64_t capacity;
		const char *masked;
	} cases[] = {
		{ "10.0.0.0/24", 0, 254, "10.0.0.0/24" },
		{ "10.0.0.77/24", 0, 254, "10.0.0.0/24" },
		{ "10.0.0.0/30", 0, 2, "10.0.0.0/30" },
		{ "10.0.0.0/29", 0, 6, "10.0.0.0/29" },
		{ "10.0.0.0/16", 0, 65534, "10.0.0.0/16" },
		{ "10.0.0.0/8", 0, 16777214, "10.0.0.0/8" },
		{ "0.0.0.0/0", 0, UINT32_MAX - 1, "0.0.0.0/0" },
		{ "10.0.0.0/31", -EINVAL },
		{ "10.0.0.0/32", -EINVAL },
		/* IPv6 has no broadcast: a /126 has 3 hosts */
		{ "fd00::/126", 0, 3, "fd00::/126" },
		{ "fd00::/120", 0, 255, "fd00::/120" },
		/* host offsets are 32 bits: a /64 offers its first 2^32 - 1 hosts */
		{ "fd00::/64", 0, UINT32_MAX, "fd00::/64" },
		{ "fd00::/96", 0, UINT32_MAX, "fd00::/96" },
		{ "::/0", 0, UINT32_MAX, "::/0" },
		{ "fd00::/127", -EINVAL },
		{ "fd00::/128", -EINVAL },
	};
	struct cidr unset = { 0 };
	struct ipam ipam;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cidr c = cidr_of(cases[i].subnet);
		char buf[CIDR_STRLEN];
		int r = ipam_init(&ipam, &c);

		if (r != cases[i].r)
			fail_msg("ipam_init(%s) = %d, want %d", cases[i].subnet, r, cases[i].r);
		if (r == 0) {
			if (ipam_capacity(&ipam) != cases[i].capacity)
				fail_msg("ipam_capacity(%s) = %llu, want %llu", cases[i].subnet,
					 (unsigned long long)ipam_capacity(&ipam),
					 (unsigned long long)cases[i].capacity);
			assert_true(ipam_free(&ipam) == cases[i].capacity);
			assert_int_equal(cidr_format(&ipam.subnet, buf, sizeof(buf)), 0);
			assert_string_equal(buf, cases[i].masked);
		}
		ipam_done(&ipam);
		assert_null(ipam.used);
	}
	assert_int_equal(ipam_init(&ipam, &unset), -EINVAL);
	ipam_done(&ipam);
}

enum ipam_op {
	OP_ALLOC, /* ipam_alloc(); @addr is the expected address when @r is 0 */
	OP_RESERVE, /* ipam_reserve(@addr) */
	OP_RELEASE, /* ipam_release(@addr) */
	OP_USED, /* ipam_is_used(@addr) == @r */
	OP_FREE, /* ipam_free() == @r */
};

struct ipam_step {
	enum ipam_op op;
	const char *addr;
	long long r;
};

static const char *const op_names[] = { "alloc", "reserve", "release", "used", "free" };

static void run_steps(const char *subnet, const struct ipam_step *steps, size_t n)
{
	struct ipam ipam;
	size_t i;

	ipam_init_ok(&ipam, subnet);
	for (i = 0; i < n; i++) {
		const struct ipam_step *s = &steps[i];
		struct ipaddr a, got;
		char buf[INET6_ADDRSTRLEN] = "";
		long long r = 0;

		switch (s->op) {
		case OP_ALLOC:
			r = ipam_alloc(&ipam, &got);
			if (r == 0)
				assert_int_equal(ipaddr_format(&got, buf, sizeof(buf)), 0);
			if (r == s->r && (r < 0 || strcmp(buf, s->addr) == 0))
				continue;
			break;
		case OP_RESERVE:
			a = ip_of(s->addr);
			r = ipam_reserve(&ipam, &a);
			break;
		case OP_RELEASE:
			a = ip_of(s->addr);
			r = ipam_release(&ipam, &a);
			break;
		case OP_USED:
			a = ip_of(s->addr);
			r = ipam_is_used(&ipam, &a);
			break;
		case OP_FREE:
			r = (long long)ipam_free(&ipam);
			break;
		}
		if (r != s->r || s->op == OP_ALLOC) {
			ipam_done(&ipam);
			fail_msg("%s: step %zu %s(%s) = %lld%s%s, want %lld%s%s", subnet, i,
				 op_names[s->op], s->addr ? s->addr : "", r, buf[0] ? " " : "", buf,
				 s->r, s->op == OP_ALLOC && s->addr ? " " : "",
				 s->op == OP_ALLOC && s->addr ? s->addr : "");
		}
	}
	ipam_done(&ipam);
}

#define RUN_STEPS(subnet, steps) run_steps((subnet), (steps), ARRAY_SIZE(steps))

static void test_ipam_slash30_two_hosts(void **state)
{
	static const struct ipam_step steps[] = {
		{ OP_FREE, NULL, 2 },
		{ OP_RESERVE, "10.0.0.0", -EINVAL },
		{ OP_RESERVE, "10.0.0.3", -EINVAL },
		{ OP_ALLOC, "10.0.0.1", 0 },
		{ OP_ALLOC, "10.0.0.2", 0 },
		{ OP_FREE, NULL, 0 },
		{ OP_ALLOC, NULL, -ENOSPC },
		{ OP_ALLOC, NULL, -ENOSPC },
		{ OP_USED, "10.0.0.0", false },
		{ OP_USED, "10.0.0.3", false },
		{ OP_RELEASE, "10.0.0.1", 0 },
		{ OP_ALLOC, "10.0.0.1", 0 },
		{ OP_ALLOC, NULL, -ENOSPC },
	};

	RUN_STEPS("10.0.0.0/30", steps);
}

static void test_ipam_gateway_reserved(void **state)
{
	static const struct ipam_step steps[] = {
		{ OP_RESERVE, "10.0.0.1", 0 },
		{ OP_USED, "10.0.0.1", true },
		{ OP_FREE, NULL, 253 },
		{ OP_ALLOC, "10.0.0.2", 0 },
		{ OP_ALLOC, "10.0.0.3", 0 },
		{ OP_FREE, NULL, 251 },
		/* a gateway in the middle is skipped as well */
		{ OP_RESERVE, "10.0.0.4", 0 },
		{ OP_ALLOC, "10.0.0.5", 0 },
		{ OP_USED, "10.0.0.6", false },
	};

	RUN_STEPS("10.0.0.0/24", steps);
}

static void test_ipam_errors(void **state)
{
	static const struct ipam_step steps[] = {
		{ OP_RESERVE, "10.0.0.1", 0 },
		/* twice */
		{ OP_RESERVE, "10.0.0.1", -EEXIST },
		{ OP_ALLOC, "10.0.0.2", 0 },
		{ OP_RESERVE, "10.0.0.2", -EEXIST },
		/* network and broadcast are not hosts */
		{ OP_RESERVE, "10.0.0.0", -EINVAL },
		{ OP_RESERVE, "10.0.0.255", -EINVAL },
		/* outside the subnet, or another family */
		{ OP_RESERVE, "10.0.1.1", -EINVAL },
		{ OP_RESERVE, "9.255.255.255", -EINVAL },
		{ OP_RESERVE, "fd00::1", -EINVAL },
		{ OP_RESERVE, "::ffff:10.0.0.5", -EINVAL },
		{ OP_RELEASE, "10.0.1.1", -EINVAL },
		{ OP_RELEASE, "10.0.0.0", -EINVAL },
		{ OP_RELEASE, "10.0.0.255", -EINVAL },
		{ OP_RELEASE, "fd00::1", -EINVAL },
		/* unknown */
		{ OP_RELEASE, "10.0.0.7", -ENOENT },
		{ OP_RELEASE, "10.0.0.2", 0 },
		{ OP_RELEASE, "10.0.0.2", -ENOENT },
		{ OP_USED, "10.0.0.2", false },
		{ OP_USED, "10.0.1.1", false },
		{ OP_USED, "fd00::1", false },
		/* failed calls changed nothing */
		{ OP_FREE, NULL, 253 },
		{ OP_USED, "10.0.0.1", true },
	};

	RUN_STEPS("10.0.0.0/24", steps);
}

static void test_ipam_release_empty(void **state)
{
	static const struct ipam_step steps[] = {
		{ OP_RELEASE, "10.0.0.1", -ENOENT },
		{ OP_USED, "10.0.0.1", false },
		{ OP_FREE, NULL, 254 },
	};

	RUN_STEPS("10.0.0.0/24", steps);
}

/* a released address is not handed out again at once, only after the cursor wraps */
static void test_ipam_release_no_immediate_reuse(void **state)
{
	/* a /28: hosts .1 to .14, .15 is the broadcast */
	static const struct ipam_step steps[] = {
		{ OP_ALLOC, "10.0.0.1", 0 },
		{ OP_ALLOC, "10.0.0.2", 0 },
		{ OP_ALLOC, "10.0.0.3", 0 },
		{ OP_RELEASE, "10.0.0.2", 0 },
		{ OP_USED, "10.0.0.2", false },
		{ OP_ALLOC, "10.0.0.4", 0 },
		{ OP_ALLOC, "10.0.0.5", 0 },
		{ OP_ALLOC, "10.0.0.6", 0 },
		/* released behind the cursor, reserved ahead of it */
		{ OP_RELEASE, "10.0.0.1", 0 },
		{ OP_RESERVE, "10.0.0.7", 0 },
		{ OP_ALLOC, "10.0.0.8", 0 },
		{ OP_FREE, NULL, 8 },
		{ OP_ALLOC, "10.0.0.9", 0 },
		{ OP_ALLOC, "10.0.0.10", 0 },
		{ OP_ALLOC, "10.0.0.11", 0 },
		{ OP_ALLOC, "10.0.0.12", 0 },
		{ OP_ALLOC, "10.0.0.13", 0 },
		{ OP_ALLOC, "10.0.0.14", 0 },
		/* past the last host: wrap to the lowest free, the released ones */
		{ OP_ALLOC, "10.0.0.1", 0 },
		{ OP_ALLOC, "10.0.0.2", 0 },
		{ OP_ALLOC, NULL, -ENOSPC },
		{ OP_USED, "10.0.0.15", false },
	};

	RUN_STEPS("10.0.0.0/28", steps);
}

static void test_ipam_wraparound(void **state)
{
	static const struct ipam_step slash29[] = {
		{ OP_ALLOC, "10.0.0.1", 0 },
		{ OP_ALLOC, "10.0.0.2", 0 },
		{ OP_ALLOC, "10.0.0.3", 0 },
		{ OP_RELEASE, "10.0.0.2", 0 },
		{ OP_ALLOC, "10.0.0.4", 0 },
		{ OP_ALLOC, "10.0.0.5", 0 },
		{ OP_ALLOC, "10.0.0.6", 0 },
		/* .7 is the broadcast: wrap, skip the used .1, take the released .2 */
		{ OP_ALLOC, "10.0.0.2", 0 },
		{ OP_ALLOC, NULL, -ENOSPC },
		{ OP_RELEASE, "10.0.0.5", 0 },
		{ OP_RELEASE, "10.0.0.3", 0 },
		/* the cursor is after .2: .3 comes before .5 */
		{ OP_ALLOC, "10.0.0.3", 0 },
		{ OP_ALLOC, "10.0.0.5", 0 },
		{ OP_ALLOC, NULL, -ENOSPC },
		{ OP_FREE, NULL, 0 },
	};
	static const struct ipam_step slash126[] = {
		{ OP_ALLOC, "fd00::1", 0 },
		{ OP_ALLOC, "fd00::2", 0 },
		{ OP_RELEASE, "fd00::1", 0 },
		/* IPv6 has no broadcast: ::3 is a host */
		{ OP_ALLOC, "fd00::3", 0 },
		{ OP_ALLOC, "fd00::1", 0 },
		{ OP_ALLOC, NULL, -ENOSPC },
		{ OP_RESERVE, "fd00::", -EINVAL },
	};

	RUN_STEPS("10.0.0.0/29", slash29);
	RUN_STEPS("fd00::/126", slash126);
}

/* a /24 fully: 254 distinct host addresses, never the network or the broadcast */
static void test_ipam_exhaust_slash24(void **state)
{
	bool seen[256] = { false };
	struct ipaddr a, last;
	struct ipam ipam;
	int i;

	ipam_init_ok(&ipam, "10.0.0.0/24");
	for (i = 0; i < 254; i++) {
		uint64_t off;

		assert_int_equal(ipam_alloc(&ipam, &a), 0);
		assert_int_equal(a.family, AF_INET);
		assert_true(cidr_contains(&ipam.subnet, &a));
		off = offset_of(&ipam, &a);
		assert_true(off >= 1 && off <= 254);
		if (seen[off])
			fail_msg("offset %llu handed out twice", (unsigned long long)off);
		seen[off] = true;
		assert_true(ipam_is_used(&ipam, &a));
		assert_true(ipam_free(&ipam) == (uint64_t)(253 - i));
	}
	assert_false(seen[0]);
	assert_false(seen[255]);
	assert_int_equal(ipam_alloc(&ipam, &a), -ENOSPC);
	assert_int_equal(ipam_alloc(&ipam, &a), -ENOSPC);
	assert_true(ipam_free(&ipam) == 0);

	/* one released: it is the only candidate */
	last = ip_of("10.0.0.77");
	assert_int_equal(ipam_release(&ipam, &last), 0);
	assert_true(ipam_free(&ipam) == 1);
	assert_int_equal(ipam_alloc(&ipam, &a), 0);
	assert_true(ipaddr_equal(&a, &last));
	assert_int_equal(ipam_alloc(&ipam, &a), -ENOSPC);
	ipam_done(&ipam);
}

static void test_ipam_v6_slash64(void **state)
{
	static const struct ipam_step steps[] = {
		{ OP_RESERVE, "fd00:90::1", 0 },
		{ OP_ALLOC, "fd00:90::2", 0 },
		{ OP_ALLOC, "fd00:90::3", 0 },
		{ OP_RESERVE, "fd00:90::100", 0 },
		/* the highest offset the allocator covers, and the first beyond */
		{ OP_RESERVE, "fd00:90::ffff:ffff", 0 },
		{ OP_RESERVE, "fd00:90::1:0:0", -EINVAL },
		{ OP_RESERVE, "fd00:90::ffff:ffff:ffff:ffff", -EINVAL },
		{ OP_RESERVE, "fd00:90::", -EINVAL },
		{ OP_RESERVE, "fd00:91::1", -EINVAL },
		{ OP_RESERVE, "10.0.0.1", -EINVAL },
		{ OP_USED, "fd00:90::100", true },
		{ OP_FREE, NULL, UINT32_MAX - 5 },
		{ OP_RELEASE, "fd00:90::2", 0 },
		{ OP_ALLOC, "fd00:90::4", 0 },
		{ OP_RELEASE, "fd00:90::ffff:ffff", 0 },
		{ OP_RELEASE, "fd00:90::ffff:ffff", -ENOENT },
	};
	struct ipaddr a;
	struct ipam ipam;
	int i;

	RUN_STEPS("fd00:90::/64", steps);

	/* the same through many allocations, all distinct and in order */
	ipam_init_ok(&ipam, "fd00:90::/64");
	for (i = 1; i <= 300; i++) {
		assert_int_equal(ipam_alloc(&ipam, &a), 0);
		assert_int_equal(a.family, AF_INET6);
		assert_true(offset_of(&ipam, &a) == (uint64_t)i);
	}
	assert_true(ipam_free(&ipam) == UINT32_MAX - 300);
	ipam_done(&ipam);
}

/* a /16 with 1000 addresses handed out, half given back, 1000 more */
static void test_ipam_large_slash16(void **state)
{
	_cleanup_free_ bool *seen = calloc(65536, sizeof(*seen));
	struct ipaddr gw = ip_of("10.20.0.1"), a;
	struct ipam ipam;
	uint64_t off;
	int i;

	assert_non_null(seen);
	ipam_init_ok(&ipam, "10.20.0.0/16");
	assert_int_equal(ipam_reserve(&ipam, &gw), 0);
	seen[1] = true;
	for (i = 0; i < 1000; i++) {
		assert_int_equal(ipam_alloc(&ipam, &a), 0);
		off = offset_of(&ipam, &a);
		/* in order after the gateway, crossing the .0.255/.1.0 boundary */
		if (off != (uint64_t)i + 2)
			fail_msg("allocation %d got offset %llu, want %d", i,
				 (unsigned long long)off, i + 2);
		assert_false(seen[off]);
		seen[off] = true;
	}
	assert_true(ipam_free(&ipam) == 65534 - 1001);

	/* give back every other one: offsets 2, 4, ..., 1000 */
	for (i = 2; i <= 1001; i += 2) {
		assert_int_equal(cidr_host(&ipam.subnet, (uint64_t)i, &a), 0);
		assert_int_equal(ipam_release(&ipam, &a), 0);
		seen[i] = false;
	}
	assert_true(ipam_free(&ipam) == 65534 - 501);

	/* the cursor goes on: none of the released ones come back yet */
	for (i = 0; i < 1000; i++) {
		assert_int_equal(ipam_alloc(&ipam, &a), 0);
		off = offset_of(&ipam, &a);
		if (off != (uint64_t)i + 1002)
			fail_msg("allocation %d after release got offset %llu, want %d", i,
				 (unsigned long long)off, i + 1002);
		assert_false(seen[off]);
		seen[off] = true;
	}
	assert_true(ipam_free(&ipam) == 65534 - 1501);
	assert_int_equal(ipam.n_used, 1501);

	/* the allocator agrees with our bookkeeping everywhere in the first 2048 */
	for (i = 1; i < 2048; i++) {
		assert_int_equal(cidr_host(&ipam.subnet, (uint64_t)i, &a), 0);
		if (ipam_is_used(&ipam, &a) != seen[i])
			fail_msg("offset %d: is_used %d, want %d", i, ipam_is_used(&ipam, &a),
				 seen[i]);
	}
	/* the used list stays sorted and unique */
	for (i = 1; i < (int)ipam.n_used; i++)
		assert_true(ipam.used[i - 1] < ipam.used[i]);
	ipam_done(&ipam);
}

/*
 * Regression: in an IPv6 subnet whose prefix is shorter than /64 and not a multiple of 8
 * (e.g. a /60 with network bits in the 8th byte), reserve and release once failed with
 * -EINVAL through cidr_offset(), so the gateway of such a subnet6 could not be reserved.
 */
static void test_ipam_v6_unaligned_prefix(void **state)
{
	static const struct ipam_step steps[] = {
		{ OP_RESERVE, "fd00:0:0:10::1", 0 },	   { OP_USED, "fd00:0:0:10::1", true },
		{ OP_ALLOC, "fd00:0:0:10::2", 0 },	   { OP_RELEASE, "fd00:0:0:10::2", 0 },
		{ OP_RESERVE, "fd00:0:0:20::1", -EINVAL },
	};

	RUN_STEPS("fd00:0:0:10::/60", steps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipam_init),
		cmocka_unit_test(test_ipam_slash30_two_hosts),
		cmocka_unit_test(test_ipam_gateway_reserved),
		cmocka_unit_test(test_ipam_errors),
		cmocka_unit_test(test_ipam_release_empty),
		cmocka_unit_test(test_ipam_release_no_immediate_reuse),
		cmocka_unit_test(test_ipam_wraparound),
		cmocka_unit_test(test_ipam_exhaust_slash24),
		cmocka_unit_test(test_ipam_v6_slash64),
		cmocka_unit_test(test_ipam_large_slash16),
		cmocka_unit_test(test_ipam_v6_unaligned_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
