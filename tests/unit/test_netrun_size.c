// SPDX-License-Identifier: GPL-2.0-or-later
/* test_netrun_size.c - netrun's --memory sizes, --cpus quotas and --user ids */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../helpers/cmocka_compat.h"

#include "../../src/netrun/netrun.h"

static void test_netrun_size_parse(void **state)
{
	static const struct {
		const char *in;
		int ret;
		uint64_t want;
	} cases[] = {
		{ "512m", 0, 512ULL << 20 },
		{ "512M", 0, 512ULL << 20 },
		{ "1g", 0, 1ULL << 30 },
		{ "64k", 0, 64ULL << 10 },
		{ "4096", 0, 4096 },
		{ "4096b", 0, 4096 },
		{ "17179869183g", 0, 17179869183ULL << 30 },
		{ "17179869184g", -ERANGE, 0 },
		{ "99999999999999999999", -ERANGE, 0 },
		{ "", -EINVAL, 0 },
		{ "m", -EINVAL, 0 },
		{ "0", -EINVAL, 0 },
		{ "0m", -EINVAL, 0 },
		{ "-1m", -EINVAL, 0 },
		{ "+1m", -EINVAL, 0 },
		{ " 1m", -EINVAL, 0 },
		{ "1mb", -EINVAL, 0 },
		{ "1t", -EINVAL, 0 },
		{ "1.5g", -EINVAL, 0 },
		{ "12 m", -EINVAL, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 7;
		int r = size_parse(cases[i].in, &v);

		if (r != cases[i].ret)
			fail_msg("size_parse(\"%s\") = %d, want %d", cases[i].in, r, cases[i].ret);
		if (r == 0 && v != cases[i].want)
			fail_msg("size_parse(\"%s\") gave %llu", cases[i].in,
				 (unsigned long long)v);
		if (r < 0 && v != 7)
			fail_msg("size_parse(\"%s\") wrote its output on failure", cases[i].in);
	}
	assert_int_equal(size_parse(NULL, &(uint64_t){ 0 }), -EINVAL);
}

static void test_netrun_cpus_parse(void **state)
{
	static const struct {
		const char *in;
		int ret;
		uint64_t want;
	} cases[] = {
		{ "0.5", 0, 50000 },	  { "1", 0, 100000 },	       { "2", 0, 200000 },
		{ "1.25", 0, 125000 },	  { ".5", 0, 50000 },	       { "0.01", 0, 1000 },
		{ "4096", 0, 409600000 }, { "0.000001", -ERANGE, 0 },  { "0.009", -ERANGE, 0 },
		{ "4097", -ERANGE, 0 },	  { "0", -EINVAL, 0 },	       { "0.0", -EINVAL, 0 },
		{ "", -EINVAL, 0 },	  { "1.", -EINVAL, 0 },	       { "-1", -EINVAL, 0 },
		{ "1.5x", -EINVAL, 0 },	  { "0.1234567", -EINVAL, 0 }, { "1e3", -EINVAL, 0 },
		{ "..5", -EINVAL, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 7;
		int r = cpus_parse(cases[i].in, 100000, &v);

		if (r != cases[i].ret)
			fail_msg("cpus_parse(\"%s\") = %d, want %d", cases[i].in, r, cases[i].ret);
		if (r == 0 && v != cases[i].want)
			fail_msg("cpus_parse(\"%s\") gave %llu", cases[i].in,
				 (unsigned long long)v);
		if (r < 0 && v != 7)
			fail_msg("cpus_parse(\"%s\") wrote its output on failure", cases[i].in);
	}
	/* another period scales the quota; a period out of range is refused */
	{
		uint64_t v = 0;

		assert_int_equal(cpus_parse("0.5", 200000, &v), 0);
		assert_int_equal(v, 100000);
		assert_int_equal(cpus_parse("0.5", 0, &v), -EINVAL);
		assert_int_equal(cpus_parse("0.5", 2000000, &v), -EINVAL);
	}
}

static void test_netrun_user_parse(void **state)
{
	static const struct {
		const char *in;
		int ret;
		unsigned int uid, gid;
	} cases[] = {
		{ "1000", 0, 1000, 0 },
		{ "1000:1001", 0, 1000, 1001 },
		{ "0:0", 0, 0, 0 },
		{ "0", 0, 0, 0 },
		{ "4294967294:4294967294", 0, 4294967294U, 4294967294U },
		{ "4294967295", -ERANGE, 0, 0 },
		{ "1:4294967295", -ERANGE, 0, 0 },
		{ "99999999999", -EINVAL, 0, 0 },
		{ "", -EINVAL, 0, 0 },
		{ ":", -EINVAL, 0, 0 },
		{ "1000:", -EINVAL, 0, 0 },
		{ ":1000", -EINVAL, 0, 0 },
		{ "root", -EINVAL, 0, 0 },
		{ "1000:users", -EINVAL, 0, 0 },
		{ "-1", -EINVAL, 0, 0 },
		{ "+1", -EINVAL, 0, 0 },
		{ "1 ", -EINVAL, 0, 0 },
		{ "1:2:3", -EINVAL, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uid_t uid = 7;
		gid_t gid = 7;
		int r = user_parse(cases[i].in, &uid, &gid);

		if (r != cases[i].ret)
			fail_msg("user_parse('%s') = %d, want %d", cases[i].in, r, cases[i].ret);
		if (r == 0) {
			assert_int_equal(uid, cases[i].uid);
			assert_int_equal(gid, cases[i].gid);
		} else {
			/* outputs only on success */
			assert_int_equal(uid, 7);
			assert_int_equal(gid, 7);
		}
	}
	assert_int_equal(user_parse(NULL, NULL, NULL), -EINVAL);
}

static void test_netrun_userns_parse(void **state)
{
	static const struct {
		const char *in;
		int ret;
		unsigned int base, size;
	} cases[] = {
		{ "100000:65536", 0, 100000, 65536 },
		{ "1:1", 0, 1, 1 },
		{ "200000:1000", 0, 200000, 1000 },
		/* the last id mapped is 4294967294, the largest valid one */
		{ "4294967294:1", 0, 4294967294U, 1 },
		{ "4294901759:65536", 0, 4294901759U, 65536 },
		{ "4294901760:65536", -ERANGE, 0, 0 },
		/* container root as host root is no user namespace worth having */
		{ "0:65536", -ERANGE, 0, 0 },
		{ "100000:0", -ERANGE, 0, 0 },
		{ "4294967295:1", -ERANGE, 0, 0 },
		{ "100000", -EINVAL, 0, 0 },
		{ "100000:", -EINVAL, 0, 0 },
		{ ":65536", -EINVAL, 0, 0 },
		{ "", -EINVAL, 0, 0 },
		{ "100000:65536:1", -EINVAL, 0, 0 },
		{ "-1:65536", -EINVAL, 0, 0 },
		{ "0x10:16", -EINVAL, 0, 0 },
		{ "100000:65536 ", -EINVAL, 0, 0 },
		{ "auto", -EINVAL, 0, 0 },
		{ "99999999999:1", -EINVAL, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t base = 7, size = 7;
		int r = userns_parse(cases[i].in, &base, &size);

		if (r != cases[i].ret)
			fail_msg("userns_parse('%s') = %d, want %d", cases[i].in, r, cases[i].ret);
		if (r == 0) {
			assert_int_equal(base, cases[i].base);
			assert_int_equal(size, cases[i].size);
		} else {
			assert_int_equal(base, 7);
			assert_int_equal(size, 7);
		}
	}
	assert_int_equal(userns_parse(NULL, NULL, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netrun_size_parse),
		cmocka_unit_test(test_netrun_cpus_parse),
		cmocka_unit_test(test_netrun_user_parse),
		cmocka_unit_test(test_netrun_userns_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
