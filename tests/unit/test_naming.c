// SPDX-License-Identifier: GPL-2.0-or-later
/* test_naming.c - name validation, host interface names, derived MACs, MAC parsing */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../helpers/cmocka_compat.h"

#include <netd/macro.h>
#include <netd/naming.h>

static const char *str_or_null(const char *s)
{
	return s ? s : "(null)";
}

/* a name of @len copies of @c */
static void fill(char *buf, size_t size, char c, size_t len)
{
	assert_true(len < size);
	memset(buf, c, len);
	buf[len] = '\0';
}

static void test_naming_name_validate(void **state)
{
	static const struct {
		const char *in;
		int r;
	} cases[] = {
		{ "a", 0 },
		{ "A", 0 },
		{ "0", 0 },
		{ "web", 0 },
		{ "web-1", 0 },
		{ "Web_1.prod", 0 },
		{ "9lives", 0 },
		{ "a-", 0 },
		{ "a..b", 0 },
		{ "", -EINVAL },
		{ NULL, -EINVAL },
		{ "-a", -EINVAL },
		{ "_a", -EINVAL },
		{ ".a", -EINVAL },
		{ ".", -EINVAL },
		{ "..", -EINVAL },
		{ "a b", -EINVAL },
		{ " a", -EINVAL },
		{ "a ", -EINVAL },
		{ "a/b", -EINVAL },
		{ "../etc", -EINVAL },
		{ "a:b", -EINVAL },
		{ "a@b", -EINVAL },
		{ "a%b", -EINVAL },
		{ "a\tb", -EINVAL },
		{ "a\n", -EINVAL },
		{ "caf\xc3\xa9", -EINVAL },
		{ "\xc3\xa9t\xc3\xa9", -EINVAL },
	};
	static const struct {
		size_t len;
		int r;
	} lengths[] = {
		{ 1, 0 },
		{ 62, 0 },
		{ NAME_MAX_LEN, 0 },
		{ NAME_MAX_LEN + 1, -ENAMETOOLONG },
		{ 200, -ENAMETOOLONG },
	};
	char buf[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int r = name_validate(cases[i].in);

		if (r != cases[i].r)
			fail_msg("name_validate(\"%s\") = %d, want %d", str_or_null(cases[i].in), r,
				 cases[i].r);
	}
	assert_int_equal(NAME_MAX_LEN, 63);
	for (i = 0; i < ARRAY_SIZE(lengths); i++) {
		fill(buf, sizeof(buf), 'x', lengths[i].len);
		if (name_validate(buf) != lengths[i].r)
			fail_msg("name_validate(%zu chars) = %d, want %d", lengths[i].len,
				 name_validate(buf), lengths[i].r);
	}
}

static void test_naming_ifname_validate(void **state)
{
	static const struct {
		const char *in;
		int r;
	} cases[] = {
		{ "eth0", 0 },
		{ "a", 0 },
		{ "br-netd", 0 },
		{ "vn0123abcd", 0 },
		{ "eth0.100", 0 },
		{ "...", 0 },
		{ "", -EINVAL },
		{ NULL, -EINVAL },
		{ ".", -EINVAL },
		{ "..", -EINVAL },
		{ "eth 0", -EINVAL },
		{ " eth0", -EINVAL },
		{ "eth/0", -EINVAL },
		{ "eth:0", -EINVAL },
		{ "eth%d", -EINVAL },
		{ "eth\t0", -EINVAL },
		{ "eth\n", -EINVAL },
		{ "eth\x7f", -EINVAL },
		{ "\xc3\xa9th0", -EINVAL },
	};
	static const struct {
		size_t len;
		int r;
	} lengths[] = {
		{ 1, 0 },
		{ IFNAMSIZ - 1, 0 },
		{ IFNAMSIZ, -ENAMETOOLONG },
		{ 100, -ENAMETOOLONG },
	};
	char buf[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int r = ifname_validate(cases[i].in);

		if (r != cases[i].r)
			fail_msg("ifname_validate(\"%s\") = %d, want %d", str_or_null(cases[i].in),
				 r, cases[i].r);
	}
	for (i = 0; i < ARRAY_SIZE(lengths); i++) {
		fill(buf, sizeof(buf), 'e', lengths[i].len);
		if (ifname_validate(buf) != lengths[i].r)
			fail_msg("ifname_validate(%zu chars) = %d, want %d", lengths[i].len,
				 ifname_validate(buf), lengths[i].r);
	}
}

/*
 * Golden values: host interface names and MACs are persisted and must not change across
 * versions.  Computed independently: 64-bit FNV-1a over container, a 0xff separator and
 * network; the name folds it to 32 bits (h ^ h >> 32), the MAC takes its low 6 bytes.
 */
static const struct {
	const char *container;
	const char *network;
	const char *ifname;
	const char *mac;
} golden[] = {
	{ "web", "netd", "vn4f829211", "aa:f8:81:24:ba:6a" },
	{ "ab", "c", "vn126860a7", "26:c0:9b:ef:83:a0" },
	{ "a", "bc", "vn402b2c57", "d6:d9:98:92:81:f5" },
	{ "db-1", "backend", "vn4dab5f3b", "ce:7b:ca:ae:f5:24" },
};

static void test_naming_host_ifname(void **state)
{
	static const struct {
		const char *container;
		const char *network;
	} pairs[] = {
		{ "web", "netd" },
		{ "a", "b" },
		{ "", "" },
		{ "0123456789012345678901234567890123456789012345678901234567890ab",
		  "0123456789012345678901234567890123456789012345678901234567890ab" },
	};
	char name[IFNAMSIZ], again[IFNAMSIZ];
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(golden); i++) {
		naming_host_ifname(golden[i].container, golden[i].network, name);
		assert_string_equal(name, golden[i].ifname);
	}
	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		memset(name, 'Z', sizeof(name));
		naming_host_ifname(pairs[i].container, pairs[i].network, name);
		assert_int_equal(strlen(name), 10);
		assert_memory_equal(name, "vn", 2);
		for (k = 2; k < 10; k++)
			assert_non_null(strchr("0123456789abcdef", name[k]));
		assert_true(naming_is_host_ifname(name));
		assert_int_equal(ifname_validate(name), 0);
		/* stable */
		naming_host_ifname(pairs[i].container, pairs[i].network, again);
		assert_string_equal(name, again);
	}
}

static void test_naming_host_ifname_distinct(void **state)
{
	static const struct {
		const char *c1, *n1, *c2, *n2;
	} cases[] = {
		/* the separator keeps the boundary */
		{ "ab", "c", "a", "bc" },
		{ "", "ab", "ab", "" },
		/* order matters */
		{ "a", "b", "b", "a" },
		{ "web", "netd", "web", "netd2" },
		{ "web1", "netd", "web2", "netd" },
	};
	char x[IFNAMSIZ], y[IFNAMSIZ];
	uint8_t mx[6], my[6];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		naming_host_ifname(cases[i].c1, cases[i].n1, x);
		naming_host_ifname(cases[i].c2, cases[i].n2, y);
		if (strcmp(x, y) == 0)
			fail_msg("(%s,%s) and (%s,%s) both give %s", cases[i].c1, cases[i].n1,
				 cases[i].c2, cases[i].n2, x);
		assert_int_not_equal(naming_hash(cases[i].c1, cases[i].n1),
				     naming_hash(cases[i].c2, cases[i].n2));
		naming_mac(cases[i].c1, cases[i].n1, mx);
		naming_mac(cases[i].c2, cases[i].n2, my);
		assert_memory_not_equal(mx, my, 6);
	}
}

static void test_naming_is_host_ifname(void **state)
{
	static const struct {
		const char *in;
		bool ok;
	} cases[] = {
		{ "vn0123abcd", true },	 { "vn00000000", true },  { "vnffffffff", true },
		{ "vn0123ABCD", false }, { "vn0123abc", false },  { "vn0123abcde", false },
		{ "vn0123abcg", false }, { "vn-123abcd", false }, { "vx0123abcd", false },
		{ "VN0123abcd", false }, { "veth0123ab", false }, { "eth0", false },
		{ "vn", false },	 { "", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (naming_is_host_ifname(cases[i].in) != cases[i].ok)
			fail_msg("naming_is_host_ifname(\"%s\") != %d", cases[i].in, cases[i].ok);
}

static void test_naming_mac(void **state)
{
	static const char *const seeds[][2] = {
		{ "web", "netd" }, { "a", "b" }, { "", "" }, { "x", "" }, { "db-1", "backend" },
	};
	uint8_t mac[6], again[6], parsed[6];
	char buf[MAC_STRLEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(golden); i++) {
		naming_mac(golden[i].container, golden[i].network, mac);
		mac_format(mac, buf);
		assert_string_equal(buf, golden[i].mac);
	}
	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		naming_mac(seeds[i][0], seeds[i][1], mac);
		/* unicast, locally administered */
		assert_int_equal(mac[0] & 0x01, 0);
		assert_int_equal(mac[0] & 0x02, 0x02);
		/* deterministic */
		naming_mac(seeds[i][0], seeds[i][1], again);
		assert_memory_equal(mac, again, 6);
		/* acceptable to our own parser */
		mac_format(mac, buf);
		assert_int_equal(mac_parse(buf, parsed), 0);
		assert_memory_equal(mac, parsed, 6);
	}
}

static void test_naming_mac_parse(void **state)
{
	static const struct {
		const char *in;
		int r;
		uint8_t mac[6];
	} cases[] = {
		{ "02:00:00:00:00:01", 0, { 0x02, 0, 0, 0, 0, 0x01 } },
		{ "aa:bb:cc:dd:ee:ff", 0, { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
		{ "AA:BB:CC:DD:EE:FF", 0, { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
		{ "aA:Bb:0c:D0:e9:9F", 0, { 0xaa, 0xbb, 0x0c, 0xd0, 0xe9, 0x9f } },
		/* only all-zero is refused, not a leading zero byte */
		{ "00:00:00:00:00:01", 0, { 0, 0, 0, 0, 0, 0x01 } },
		{ "00:00:00:00:00:00", -EINVAL },
		/* multicast and broadcast */
		{ "01:00:5e:00:00:01", -EINVAL },
		{ "03:00:00:00:00:01", -EINVAL },
		{ "33:33:00:00:00:01", -EINVAL },
		{ "ff:ff:ff:ff:ff:ff", -EINVAL },
		/* separators */
		{ "02-00-00-00-00-01", -EINVAL },
		{ "02.00.00.00.00.01", -EINVAL },
		{ "02:00:00-00:00:01", -EINVAL },
		{ "0200.0000.0001", -EINVAL },
		{ "020000000001", -EINVAL },
		{ "02:00:00:00:00::1", -EINVAL },
		{ "020:00:00:00:00:1", -EINVAL },
		/* lengths and digits */
		{ "02:00:00:00:00:1", -EINVAL },
		{ "2:0:0:0:0:1", -EINVAL },
		{ "02:00:00:00:00:001", -EINVAL },
		{ "02:00:00:00:00:01:", -EINVAL },
		{ "02:00:00:00:00:01 ", -EINVAL },
		{ " 02:00:00:00:00:01", -EINVAL },
		{ "02:00:00:00:00:0g", -EINVAL },
		{ "0x:00:00:00:00:01", -EINVAL },
		{ "+2:00:00:00:00:01", -EINVAL },
		{ "", -EINVAL },
		{ NULL, -EINVAL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t mac[6] = { 0 };
		int r = mac_parse(cases[i].in, mac);

		if (r != cases[i].r)
			fail_msg("mac_parse(\"%s\") = %d, want %d", str_or_null(cases[i].in), r,
				 cases[i].r);
		if (r == 0)
			assert_memory_equal(mac, cases[i].mac, 6);
	}
}

static void test_naming_mac_format_round_trip(void **state)
{
	static const struct {
		uint8_t mac[6];
		const char *text;
	} cases[] = {
		{ { 0x02, 0, 0, 0, 0, 0x01 }, "02:00:00:00:00:01" },
		{ { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff }, "aa:bb:cc:dd:ee:ff" },
		{ { 0xfe, 0x0a, 0x10, 0x9f, 0xa0, 0x01 }, "fe:0a:10:9f:a0:01" },
		{ { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x00 }, "00:16:3e:00:00:00" },
	};
	char buf[MAC_STRLEN];
	uint8_t back[6];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(buf, 'Z', sizeof(buf));
		mac_format(cases[i].mac, buf);
		assert_string_equal(buf, cases[i].text);
		assert_int_equal(strlen(buf), MAC_STRLEN - 1);
		assert_int_equal(mac_parse(buf, back), 0);
		assert_memory_equal(back, cases[i].mac, 6);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_naming_name_validate),
		cmocka_unit_test(test_naming_ifname_validate),
		cmocka_unit_test(test_naming_host_ifname),
		cmocka_unit_test(test_naming_host_ifname_distinct),
		cmocka_unit_test(test_naming_is_host_ifname),
		cmocka_unit_test(test_naming_mac),
		cmocka_unit_test(test_naming_mac_parse),
		cmocka_unit_test(test_naming_mac_format_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
