// SPDX-License-Identifier: GPL-2.0-or-later
/* test_portindex.c - the host port index agrees with a scan of every spec */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../helpers/cmocka_compat.h"

#include <netd/macro.h>
#include <netd/portindex.h>

#define N_SPECS 400
#define N_PROBES 4000

static struct portspec spec(const char *s)
{
	struct portspec p;
	size_t errpos = 0;

	if (portspec_parse(s, &p, &errpos) != 0)
		fail_msg("portspec_parse(\"%s\") failed at %zu", s, errpos);
	return p;
}

/* a random spec over a small port space, so that clashes are common */
static struct portspec random_spec(unsigned int *seed)
{
	static const char *const ips[] = { "",	       "127.0.0.1:", "127.0.0.2:",
					   "0.0.0.0:", "[::1]:",     "[::]:" };
	static const char *const protos[] = { "tcp", "udp", "sctp" };
	unsigned int first = 1 + (unsigned int)rand_r(seed) % 200, len = 1;
	char buf[PORTSPEC_STRLEN];

	if (rand_r(seed) % 5 == 0)
		len = 1 + (unsigned int)rand_r(seed) % 20;
	(void)snprintf(buf, sizeof(buf), "%s%u-%u:%u-%u/%s", ips[rand_r(seed) % 6], first,
		       first + len - 1, first, first + len - 1, protos[rand_r(seed) % 3]);
	return spec(buf);
}

static const struct portspec *scan(const struct portspec *specs, const bool *held, size_t n,
				   const struct portspec *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (held[i] && portspec_overlaps(&specs[i], s))
			return &specs[i];
	return NULL;
}

/* random adds, removes and probes: the index finds a clash exactly when a scan does */
static void test_portindex_matches_scan(void **state)
{
	static struct portspec specs[N_SPECS];
	static bool held[N_SPECS];
	struct portindex ix;
	unsigned int seed = 42;
	size_t i;

	portindex_init(&ix);
	memset(held, 0, sizeof(held));
	for (i = 0; i < N_SPECS; i++)
		specs[i] = random_spec(&seed);
	for (i = 0; i < N_PROBES; i++) {
		size_t k = (size_t)rand_r(&seed) % N_SPECS;
		struct portspec probe = random_spec(&seed);
		const struct portspec *found = portindex_find(&ix, &probe);

		assert_int_equal(found != NULL, scan(specs, held, N_SPECS, &probe) != NULL);
		if (found)
			assert_true(portspec_overlaps(found, &probe));
		if (held[k]) {
			portindex_remove(&ix, &specs[k], &specs[k]);
			held[k] = false;
		} else if (!portindex_find(&ix, &specs[k])) {
			assert_int_equal(portindex_add(&ix, &specs[k], &specs[k]), 0);
			held[k] = true;
		}
	}
	portindex_done(&ix);
}

static void test_portindex_cases(void **state)
{
	struct portindex ix;
	struct portspec range = spec("8000-8010:8000-8010"), bound = spec("127.0.0.1:9000:80"),
			v6 = spec("[::1]:9000:80"), probe;
	int owner_a, owner_b;

	portindex_init(&ix);
	/* empty: nothing clashes, and removing what is not there is harmless */
	probe = spec("8005:80");
	assert_null(portindex_find(&ix, &probe));
	portindex_remove(&ix, &range, &owner_a);
	/* a spec without host port cannot be claimed */
	probe = spec("80");
	assert_int_equal(portindex_add(&ix, &probe, &owner_a), -EINVAL);

	assert_int_equal(portindex_add(&ix, &range, &owner_a), 0);
	probe = spec("8010:80");
	assert_ptr_equal(portindex_find(&ix, &probe), &owner_a);
	probe = spec("8011:80");
	assert_null(portindex_find(&ix, &probe));
	probe = spec("8010:80/udp");
	assert_null(portindex_find(&ix, &probe));

	/* two addresses share a port; each is found for its own clashes */
	assert_int_equal(portindex_add(&ix, &bound, &owner_a), 0);
	assert_int_equal(portindex_add(&ix, &v6, &owner_b), 0);
	probe = spec("[::]:9000:80");
	assert_ptr_equal(portindex_find(&ix, &probe), &owner_b);
	probe = spec("127.0.0.2:9000:80");
	assert_null(portindex_find(&ix, &probe));
	probe = spec("9000:80");
	assert_non_null(portindex_find(&ix, &probe));

	/* removal takes the owner's spec only */
	portindex_remove(&ix, &bound, &owner_b);
	probe = spec("0.0.0.0:9000:80");
	assert_ptr_equal(portindex_find(&ix, &probe), &owner_a);
	portindex_remove(&ix, &bound, &owner_a);
	assert_null(portindex_find(&ix, &probe));
	portindex_remove(&ix, &range, &owner_a);
	probe = spec("8000:80");
	assert_null(portindex_find(&ix, &probe));
	/* v6 is still held: done frees it (ASan checks) */
	portindex_done(&ix);
	portindex_done(&ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_portindex_cases),
		cmocka_unit_test(test_portindex_matches_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
