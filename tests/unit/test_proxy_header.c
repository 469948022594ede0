// SPDX-License-Identifier: GPL-2.0-or-later
/* test_proxy_header.c - PROXY protocol v2 headers, byte for byte as HAProxy's spec lays out */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "../helpers/cmocka_compat.h"

#include <netd/proxy_header.h>

static const unsigned char sig[12] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
				       0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a };

static struct sockaddr_in v4(const char *a, uint16_t port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(port) };

	assert_int_equal(inet_pton(AF_INET, a, &s.sin_addr), 1);
	return s;
}

static struct sockaddr_in6 v6(const char *a, uint16_t port)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	assert_int_equal(inet_pton(AF_INET6, a, &s.sin6_addr), 1);
	return s;
}

static void test_proxy_header_v4_tcp(void **state)
{
	struct sockaddr_in src = v4("192.0.2.7", 40000), dst = v4("127.0.0.1", 8080);
	static const unsigned char want[] = {
		0x21, 0x11, 0x00, 0x0c, /* v2 PROXY, TCP over IPv4, 12 bytes */
		192,  0,    2,	  7, /* source address */
		127,  0,    0,	  1, /* destination address */
		0x9c, 0x40, /* 40000 */
		0x1f, 0x90, /* 8080 */
	};
	unsigned char buf[PROXY_HEADER_MAX];

	assert_int_equal(proxy_header_v2((struct sockaddr *)&src, (struct sockaddr *)&dst,
					 IPPROTO_TCP, buf, sizeof(buf)),
			 28);
	assert_memory_equal(buf, sig, sizeof(sig));
	assert_memory_equal(buf + 12, want, sizeof(want));
}

static void test_proxy_header_v6_udp(void **state)
{
	struct sockaddr_in6 src = v6("2001:db8::1", 1), dst = v6("::1", 65535);
	unsigned char buf[PROXY_HEADER_MAX];

	assert_int_equal(proxy_header_v2((struct sockaddr *)&src, (struct sockaddr *)&dst,
					 IPPROTO_UDP, buf, sizeof(buf)),
			 52);
	assert_memory_equal(buf, sig, sizeof(sig));
	assert_int_equal(buf[12], 0x21);
	assert_int_equal(buf[13], 0x22); /* UDP over IPv6 */
	assert_int_equal(buf[14], 0);
	assert_int_equal(buf[15], 36);
	assert_memory_equal(buf + 16, &src.sin6_addr, 16);
	assert_memory_equal(buf + 32, &dst.sin6_addr, 16);
	assert_int_equal(buf[48], 0x00);
	assert_int_equal(buf[49], 0x01);
	assert_int_equal(buf[50], 0xff);
	assert_int_equal(buf[51], 0xff);
}

static void test_proxy_header_invalid(void **state)
{
	struct sockaddr_in a = v4("127.0.0.1", 1);
	struct sockaddr_in6 b = v6("::1", 1);
	struct sockaddr unknown = { .sa_family = AF_UNIX };
	unsigned char buf[PROXY_HEADER_MAX];

	/* families differ */
	assert_int_equal(proxy_header_v2((struct sockaddr *)&a, (struct sockaddr *)&b, IPPROTO_TCP,
					 buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(proxy_header_v2(&unknown, &unknown, IPPROTO_TCP, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(proxy_header_v2((struct sockaddr *)&a, (struct sockaddr *)&a, IPPROTO_SCTP,
					 buf, sizeof(buf)),
			 -EINVAL);
	/* too small a buffer, by one byte */
	assert_int_equal(proxy_header_v2((struct sockaddr *)&a, (struct sockaddr *)&a, IPPROTO_TCP,
					 buf, 27),
			 -ENOBUFS);
	assert_int_equal(proxy_header_v2((struct sockaddr *)&b, (struct sockaddr *)&b, IPPROTO_TCP,
					 buf, 51),
			 -ENOBUFS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proxy_header_v4_tcp),
		cmocka_unit_test(test_proxy_header_v6_udp),
		cmocka_unit_test(test_proxy_header_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
