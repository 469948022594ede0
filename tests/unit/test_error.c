// SPDX-License-Identifier: GPL-2.0-or-later
/* test_error.c - netd_error helpers, errno mappings, strict number parsing, the undo log */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../helpers/cmocka_compat.h"

#include <netd/error.h>
#include <netd/macro.h>
#include <netd/parse.h>
#include <netd/undo.h>

static const char *str_or_null(const char *s)
{
	return s ? s : "(null)";
}

static void test_error_err_set(void **state)
{
	static const struct {
		int code;
		int ret;
	} cases[] = {
		{ EINVAL, -EINVAL },
		{ -EINVAL, -EINVAL },
		{ ENOENT, -ENOENT },
		{ -EEXIST, -EEXIST },
		{ ENOSPC, -ENOSPC },
		{ -ENOMEM, -ENOMEM },
		/* no error given is still an error */
		{ 0, -EIO },
	};
	struct netd_error e = NETD_ERROR_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char want[64];

		e.code = 12345;
		assert_int_equal(err_set(&e, cases[i].code, "case %zu: '%s'", i, "x"),
				 cases[i].ret);
		assert_int_equal(e.code, -cases[i].ret);
		(void)snprintf(want, sizeof(want), "case %zu: 'x'", i);
		assert_string_equal(e.msg, want);
		/* without an error to fill, only the return value */
		assert_int_equal(err_set(NULL, cases[i].code, "ignored %d", 1), cases[i].ret);
	}
}

static void test_error_err_set_truncates(void **state)
{
	_cleanup_free_ struct netd_error *e = malloc(sizeof(*e));
	char big[2048];

	assert_non_null(e);
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(err_set(e, EINVAL, "%s", big), -EINVAL);
	assert_int_equal(strlen(e->msg), sizeof(e->msg) - 1);
	assert_int_equal(e->msg[0], 'y');
}

static void test_error_err_wrap(void **state)
{
	static const struct {
		int code;
		const char *inner;
		const char *ctx;
		const char *msg;
		int ret;
	} cases[] = {
		{ ENODEV, "no such link", "attach 'web'", "attach 'web': no such link", -ENODEV },
		{ EEXIST, "exists", "create network 'a'", "create network 'a': exists", -EEXIST },
		/* nothing inside: the context alone, no dangling ": " */
		{ EINVAL, "", "load state", "load state", -EINVAL },
		/* no code set yet: EIO */
		{ 0, "boom", "ctx", "ctx: boom", -EIO },
		/* an inner message with a percent is not a format */
		{ EINVAL, "bad %s %n", "ctx", "ctx: bad %s %n", -EINVAL },
	};
	struct netd_error e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		e.code = cases[i].code;
		(void)snprintf(e.msg, sizeof(e.msg), "%s", cases[i].inner);
		assert_int_equal(err_wrap(&e, "%s", cases[i].ctx), cases[i].ret);
		assert_string_equal(e.msg, cases[i].msg);
		assert_int_equal(e.code, -cases[i].ret);
	}

	/* nests outward */
	(void)err_set(&e, ENOENT, "no such file");
	(void)err_wrap(&e, "read %s", "/run/netd/state.json");
	assert_int_equal(err_wrap(&e, "load state"), -ENOENT);
	assert_string_equal(e.msg, "load state: read /run/netd/state.json: no such file");

	/* the inner message may be passed as an argument */
	(void)err_set(&e, EBUSY, "busy");
	(void)err_wrap(&e, "[%s]", e.msg);
	assert_string_equal(e.msg, "[busy]: busy");

	assert_int_equal(err_wrap(NULL, "ctx"), -EIO);
}

/* "ctx: inner" never overflows: truncated to 511 characters, NUL-terminated */
static void test_error_err_wrap_truncates(void **state)
{
	static const struct {
		size_t ctx_len;
		size_t inner_len;
		size_t want_ctx_len;
	} cases[] = {
		{ 3, 511, 3 },	   { 3, 505, 3 },    { 3, 506, 3 }, { 255, 511, 255 },
		{ 300, 511, 255 }, { 1000, 0, 255 }, { 0, 511, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		/* on the heap, sized exactly: ASan sees any write past the message */
		_cleanup_free_ struct netd_error *e = malloc(sizeof(*e));
		_cleanup_free_ char *ctx = malloc(cases[i].ctx_len + 1);
		size_t want;

		assert_non_null(e);
		assert_non_null(ctx);
		memset(ctx, 'c', cases[i].ctx_len);
		ctx[cases[i].ctx_len] = '\0';
		e->code = EINVAL;
		memset(e->msg, 'i', cases[i].inner_len);
		e->msg[cases[i].inner_len] = '\0';

		assert_int_equal(err_wrap(e, "%s", ctx), -EINVAL);
		want = cases[i].want_ctx_len;
		if (cases[i].inner_len)
			want += 2 + cases[i].inner_len;
		if (want > sizeof(e->msg) - 1)
			want = sizeof(e->msg) - 1;
		if (strlen(e->msg) != want)
			fail_msg("ctx %zu, inner %zu: length %zu, want %zu", cases[i].ctx_len,
				 cases[i].inner_len, strlen(e->msg), want);
		assert_int_equal(strspn(e->msg, "c"), cases[i].want_ctx_len);
		if (cases[i].inner_len) {
			assert_memory_equal(e->msg + cases[i].want_ctx_len, ": i", 3);
			assert_int_equal(strspn(e->msg + cases[i].want_ctx_len + 2, "i"),
					 want - cases[i].want_ctx_len - 2);
		}
	}
}

static void test_error_err_clear(void **state)
{
	struct netd_error e;

	(void)err_set(&e, EPERM, "denied");
	err_clear(&e);
	assert_int_equal(e.code, 0);
	assert_string_equal(e.msg, "");
	err_clear(NULL);
}

static const struct {
	int code;
	const char *name;
	int http;
	int cni;
} errnos[] = {
	{ EINVAL, "EINVAL", 400, 7 },
	{ EPERM, "EPERM", 403, 5 },
	{ EACCES, "EACCES", 403, 5 },
	{ ENOENT, "ENOENT", 404, 7 },
	{ EEXIST, "EEXIST", 409, 7 },
	{ EADDRINUSE, "EADDRINUSE", 409, 7 },
	{ EBUSY, "EBUSY", 409, 7 },
	{ ENOSPC, "ENOSPC", 409, 7 },
	{ EAGAIN, "EAGAIN", 503, 11 },
	{ ETIMEDOUT, "ETIMEDOUT", 504, 11 },
	{ ECONNREFUSED, "ECONNREFUSED", 503, 11 },
	{ ENOMEM, "ENOMEM", 500, 5 },
	{ EIO, "EIO", 500, 5 },
	{ ENODEV, "ENODEV", 404, 5 },
	{ ESRCH, "ESRCH", 404, 4 },
	{ EMSGSIZE, "EMSGSIZE", 413, 6 },
	{ EBADMSG, "EBADMSG", 400, 6 },
	{ ENAMETOOLONG, "ENAMETOOLONG", 400, 7 },
	{ ERANGE, "ERANGE", 400, 7 },
	{ ENOTSUP, "ENOTSUP", 400, 7 },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL", 409, 7 },
	{ ENOTEMPTY, "ENOTEMPTY", 409, 7 },
	{ EPROTO, "EPROTO", 502, 5 },
};

static void test_error_errno_name_round_trip(void **state)
{
	static const int unknown[] = { 0, 12345, EXDEV, EDOM, INT_MAX, INT_MIN + 1 };
	static const char *const unknown_names[] = { "ENOPE", "einval", "EINVAL ", "", "E", NULL };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnos); i++) {
		assert_string_equal(errno_name(errnos[i].code), errnos[i].name);
		assert_string_equal(errno_name(-errnos[i].code), errnos[i].name);
		assert_int_equal(errno_from_name(errnos[i].name), errnos[i].code);
		assert_int_equal(errno_from_name(errno_name(errnos[i].code)), errnos[i].code);
	}
	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		assert_string_equal(errno_name(unknown[i]), "EIO");
	for (i = 0; i < ARRAY_SIZE(unknown_names); i++)
		if (errno_from_name(unknown_names[i]) != EIO)
			fail_msg("errno_from_name(\"%s\") = %d, want EIO",
				 str_or_null(unknown_names[i]), errno_from_name(unknown_names[i]));
}

static void test_error_errno_to_http(void **state)
{
	static const int unknown[] = { 0, 12345, EXDEV, EDOM };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnos); i++) {
		if (errno_to_http(errnos[i].code) != errnos[i].http ||
		    errno_to_http(-errnos[i].code) != errnos[i].http)
			fail_msg("errno_to_http(%s) = %d, want %d", errnos[i].name,
				 errno_to_http(errnos[i].code), errnos[i].http);
	}
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		assert_int_equal(errno_to_http(unknown[i]), 500);
		assert_int_equal(errno_to_http(-unknown[i]), 500);
	}
}

static void test_error_errno_to_cni(void **state)
{
	static const int unknown[] = { 0, 12345, EXDEV, EDOM };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnos); i++) {
		if (errno_to_cni(errnos[i].code) != errnos[i].cni ||
		    errno_to_cni(-errnos[i].code) != errnos[i].cni)
			fail_msg("errno_to_cni(%s) = %d, want %d", errnos[i].name,
				 errno_to_cni(errnos[i].code), errnos[i].cni);
	}
	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		assert_int_equal(errno_to_cni(unknown[i]), 999);
}

static void test_error_parse_u64(void **state)
{
	static const struct {
		const char *in;
		uint64_t max;
		int r;
		uint64_t v;
	} cases[] = {
		{ "0", UINT64_MAX, 0, 0 },
		{ "1", UINT64_MAX, 0, 1 },
		{ "1500", UINT64_MAX, 0, 1500 },
		{ "99", 99, 0, 99 },
		{ "100", 99, -ERANGE },
		{ "0", 0, 0, 0 },
		{ "1", 0, -ERANGE },
		{ "18446744073709551615", UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", UINT64_MAX, -ERANGE },
		{ "18446744073709551620", UINT64_MAX, -ERANGE },
		{ "99999999999999999999999", UINT64_MAX, -ERANGE },
		{ "4294967296", UINT32_MAX, -ERANGE },
		/* leading zeros */
		{ "00", UINT64_MAX, -EINVAL },
		{ "01", UINT64_MAX, -EINVAL },
		{ "0001", UINT64_MAX, -EINVAL },
		/* signs, spaces, other bases, other syntax */
		{ "+1", UINT64_MAX, -EINVAL },
		{ "-1", UINT64_MAX, -EINVAL },
		{ "-0", UINT64_MAX, -EINVAL },
		{ " 1", UINT64_MAX, -EINVAL },
		{ "1 ", UINT64_MAX, -EINVAL },
		{ "1\n", UINT64_MAX, -EINVAL },
		{ "1a", UINT64_MAX, -EINVAL },
		{ "0x10", UINT64_MAX, -EINVAL },
		{ "1e3", UINT64_MAX, -EINVAL },
		{ "1.0", UINT64_MAX, -EINVAL },
		{ "1,000", UINT64_MAX, -EINVAL },
		{ "", UINT64_MAX, -EINVAL },
		{ NULL, UINT64_MAX, -EINVAL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 0xdeadbeef;
		int r = parse_u64(cases[i].in, cases[i].max, &v);

		if (r != cases[i].r)
			fail_msg("parse_u64(\"%s\", %llu) = %d, want %d", str_or_null(cases[i].in),
				 (unsigned long long)cases[i].max, r, cases[i].r);
		/* written on success only */
		if (r == 0 ? v != cases[i].v : v != 0xdeadbeef)
			fail_msg("parse_u64(\"%s\") left %llu", str_or_null(cases[i].in),
				 (unsigned long long)v);
	}
}

static void test_error_parse_uint(void **state)
{
	static const struct {
		const char *in;
		unsigned int max;
		int r;
		unsigned int v;
	} cases[] = {
		{ "0", UINT_MAX, 0, 0 },
		{ "32", 32, 0, 32 },
		{ "33", 32, -ERANGE },
		{ "128", 128, 0, 128 },
		{ "4294967295", UINT_MAX, 0, UINT_MAX },
		{ "4294967296", UINT_MAX, -ERANGE },
		{ "18446744073709551616", UINT_MAX, -ERANGE },
		{ "007", UINT_MAX, -EINVAL },
		{ "-1", UINT_MAX, -EINVAL },
		{ "", UINT_MAX, -EINVAL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned int v = 0xbeef;
		int r = parse_uint(cases[i].in, cases[i].max, &v);

		if (r != cases[i].r)
			fail_msg("parse_uint(\"%s\", %u) = %d, want %d", cases[i].in, cases[i].max,
				 r, cases[i].r);
		assert_int_equal(v, r == 0 ? cases[i].v : 0xbeef);
	}
}

/* the undo steps record their id into a log, in the order they run */
struct undo_log {
	int ids[UNDO_MAX_STEPS + 4];
	size_t n;
};

struct undo_arg {
	struct undo_log *log;
	int id;
};

static void record_step(void *data)
{
	const struct undo_arg *a = data;

	assert_true(a->log->n < ARRAY_SIZE(a->log->ids));
	a->log->ids[a->log->n++] = a->id;
}

static void push_ids(struct undo *u, struct undo_log *log, int count)
{
	int i;

	for (i = 1; i <= count; i++) {
		struct undo_arg a = { log, i };

		assert_int_equal(undo_push(u, record_step, &a, sizeof(a)), 0);
		/* the argument was copied: changing ours changes nothing */
		a.id = -1;
	}
}

static void test_error_undo_order(void **state)
{
	static const struct {
		int pushed;
		int want[4];
	} cases[] = {
		{ 0, { 0 } },
		{ 1, { 1 } },
		{ 3, { 3, 2, 1 } },
		{ 4, { 4, 3, 2, 1 } },
	};
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct undo u = UNDO_INIT;
		struct undo_log log = { .n = 0 };

		push_ids(&u, &log, cases[i].pushed);
		assert_int_equal(u.n, cases[i].pushed);
		undo_run(&u);
		assert_int_equal(log.n, cases[i].pushed);
		for (k = 0; k < log.n; k++)
			assert_int_equal(log.ids[k], cases[i].want[k]);
		/* forgotten once run */
		assert_int_equal(u.n, 0);
		undo_run(&u);
		assert_int_equal(log.n, cases[i].pushed);
	}
}

static void test_error_undo_disarm(void **state)
{
	struct undo u = UNDO_INIT;
	struct undo_log log = { .n = 0 };

	push_ids(&u, &log, 3);
	undo_disarm(&u);
	undo_run(&u);
	assert_int_equal(log.n, 0);

	/* usable again afterwards */
	push_ids(&u, &log, 2);
	undo_run(&u);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.ids[0], 2);
	assert_int_equal(log.ids[1], 1);
}

static void test_error_undo_full(void **state)
{
	static unsigned char big[UNDO_DATA_MAX + 1];
	struct undo u = UNDO_INIT;
	struct undo_log log = { .n = 0 };
	struct undo_arg extra = { &log, 99 };
	int i;

	push_ids(&u, &log, UNDO_MAX_STEPS);
	assert_int_equal(undo_push(&u, record_step, &extra, sizeof(extra)), -ENOSPC);
	assert_int_equal(u.n, UNDO_MAX_STEPS);
	undo_run(&u);
	assert_int_equal(log.n, UNDO_MAX_STEPS);
	for (i = 0; i < UNDO_MAX_STEPS; i++)
		assert_int_equal(log.ids[i], UNDO_MAX_STEPS - i);

	/* the argument size limit, and no argument at all */
	assert_int_equal(undo_push(&u, record_step, big, sizeof(big)), -EINVAL);
	assert_int_equal(u.n, 0);
	memcpy(big, &extra, sizeof(extra));
	assert_int_equal(undo_push(&u, record_step, big, UNDO_DATA_MAX), 0);
	undo_run(&u);
	assert_int_equal(log.n, UNDO_MAX_STEPS + 1);
	assert_int_equal(log.ids[UNDO_MAX_STEPS], 99);
}

static int null_arg_runs;

static void count_step(void *data)
{
	null_arg_runs++;
}

static void test_error_undo_no_data(void **state)
{
	struct undo u = UNDO_INIT;

	null_arg_runs = 0;
	assert_int_equal(undo_push(&u, count_step, NULL, 0), 0);
	assert_int_equal(undo_push(&u, count_step, NULL, 0), 0);
	undo_run(&u);
	assert_int_equal(null_arg_runs, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_err_set),
		cmocka_unit_test(test_error_err_set_truncates),
		cmocka_unit_test(test_error_err_wrap),
		cmocka_unit_test(test_error_err_wrap_truncates),
		cmocka_unit_test(test_error_err_clear),
		cmocka_unit_test(test_error_errno_name_round_trip),
		cmocka_unit_test(test_error_errno_to_http),
		cmocka_unit_test(test_error_errno_to_cni),
		cmocka_unit_test(test_error_parse_u64),
		cmocka_unit_test(test_error_parse_uint),
		cmocka_unit_test(test_error_undo_order),
		cmocka_unit_test(test_error_undo_disarm),
		cmocka_unit_test(test_error_undo_full),
		cmocka_unit_test(test_error_undo_no_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
