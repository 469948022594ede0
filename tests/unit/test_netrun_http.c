// SPDX-License-Identifier: GPL-2.0-or-later
/* test_netrun_http.c - netrun's HTTP/1.x response parser: lengths, chunks, EOF, garbage */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../helpers/cmocka_compat.h"

#include "../../src/netrun/netrun.h"

static void test_netrun_http_parse(void **state)
{
	static const struct {
		const char *in;
		bool eof;
		int ret;
		int status;
		const char *body;
	} cases[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", false, 0, 200, "{}" },
		{ "HTTP/1.0 201 Created\r\ncontent-length:  2\r\n\r\n{}", false, 0, 201, "{}" },
		{ "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", false, 0, 204, "" },
		{ "HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\n\r\n{\"a\":1}", false, 0, 404,
		  "{\"a\":1}" },
		/* the body's rest has not come yet; the connection closed before it did */
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}", false, -EAGAIN, 0, NULL },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}", true, -EPROTO, 0, NULL },
		/* bytes past Content-Length are not the body */
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}xyz", false, 0, 200, "{}" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", false, -EAGAIN, 0, NULL },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", true, -EPROTO, 0, NULL },
		/* chunked, with an extension, in one or several chunks */
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
		  false, 0, 200, "{}" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;x=y\r\n{\r\na\r\n\"k\":\"v\"12}\r\n0\r\n\r\n",
		  false, 0, 200, "{\"k\":\"v\"12}" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n", false,
		  -EAGAIN, 0, NULL },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n", true, -EPROTO,
		  0, NULL },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
		  false, -EPROTO, 0, NULL },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n",
		  false, -EPROTO, 0, NULL },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false, -EPROTO, 0, NULL },
		/* no length: the body ends with the connection */
		{ "HTTP/1.1 200 OK\r\n\r\n{}", false, -EAGAIN, 0, NULL },
		{ "HTTP/1.1 200 OK\r\n\r\n{}", true, 0, 200, "{}" },
		/* not HTTP */
		{ "HTTP/1.1 2x0 OK\r\n\r\n", true, -EPROTO, 0, NULL },
		{ "HTTP/2 200 OK\r\n\r\n", true, -EPROTO, 0, NULL },
		{ "HTTP/1.1 999 What\r\nContent-Length: 0\r\n\r\n", false, -EPROTO, 0, NULL },
		{ "SSH-2.0-OpenSSH\r\n\r\n", true, -EPROTO, 0, NULL },
		{ "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false, -EPROTO, 0, NULL },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n", false, -EPROTO, 0,
		  NULL },
		{ "", true, -EPROTO, 0, NULL },
		{ "", false, -EAGAIN, 0, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[512];
		struct http_response r = { 0 };
		size_t len = strlen(cases[i].in);
		int ret;

		memcpy(buf, cases[i].in, len + 1);
		ret = http_parse(buf, len, cases[i].eof, &r);
		if (ret != cases[i].ret)
			fprintf(stderr, "case %zu: '%s': %d, want %d\n", i, cases[i].in, ret,
				cases[i].ret);
		assert_int_equal(ret, cases[i].ret);
		if (ret < 0)
			continue;
		assert_int_equal(r.status, cases[i].status);
		assert_int_equal(r.body_len, strlen(cases[i].body));
		assert_memory_equal(buf + r.body, cases[i].body, r.body_len);
	}
}

/* a chunked body that came in pieces parses the same as when it came whole */
static void test_netrun_http_parse_pieces(void **state)
{
	static const char whole[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				    "3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n";
	size_t len;

	(void)state;
	for (len = 0; len < sizeof(whole) - 1; len++) {
		char buf[sizeof(whole)];
		struct http_response r;

		memcpy(buf, whole, sizeof(whole));
		/* a prefix is incomplete and leaves the buffer as it was */
		assert_int_equal(http_parse(buf, len, false, &r), -EAGAIN);
		assert_memory_equal(buf, whole, sizeof(whole));
	}
	{
		char buf[sizeof(whole)];
		struct http_response r;

		memcpy(buf, whole, sizeof(whole));
		assert_int_equal(http_parse(buf, sizeof(whole) - 1, false, &r), 0);
		assert_int_equal(r.body_len, 7);
		assert_memory_equal(buf + r.body, "{\"a\":1}", 7);
	}
}

/* headers that never end are refused once they pass the bound */
static void test_netrun_http_parse_bound(void **state)
{
	static char buf[HTTP_MAX_HEADERS + 64];
	struct http_response r;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(http_parse(buf, HTTP_MAX_HEADERS, false, &r), -EAGAIN);
	assert_int_equal(http_parse(buf, HTTP_MAX_HEADERS + 1, false, &r), -EMSGSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netrun_http_parse),
		cmocka_unit_test(test_netrun_http_parse_pieces),
		cmocka_unit_test(test_netrun_http_parse_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
