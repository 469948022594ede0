// SPDX-License-Identifier: GPL-2.0-or-later
/* test_format.c - netctl --format: docker's template subset over netd's JSON answers */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../helpers/cmocka_compat.h"

#include <netd/macro.h>

#include "../../src/netctl/format.h"

/* what format_print() writes for @tmpl and the JSON @text */
static char *render(const char *tmpl, const char *text, int *ret)
{
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	assert_non_null(v);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	*ret = format_print(f, tmpl, v);
	(void)fclose(f);
	json_decref(v);
	return out;
}

static void expect(const char *tmpl, const char *text, const char *want)
{
	int r;
	char *got = render(tmpl, text, &r);

	assert_int_equal(r, 0);
	if (strcmp(got, want) != 0)
		fail_msg("'%s' over %s:\ngot  [%s]\nwant [%s]", tmpl, text, got, want);
	free(got);
}

static const char *const endpoints =
	"[{\"container\":\"web1\",\"network\":\"netd\",\"ipv4\":\"172.30.0.2/16\","
	"\"host_ifname\":\"vn0123\",\"pid\":42,\"internal\":false,\"ipv6\":null,"
	"\"stats\":{\"bytes_in\":7}},"
	"{\"container\":\"db\",\"network\":\"backend-net\",\"ipv4\":\"10.89.0.2/24\","
	"\"host_ifname\":\"vn4567\",\"pid\":7,\"internal\":true}]";

static void test_format_fields(void **state)
{
	expect("{{.container}}", endpoints, "web1\ndb\n");
	/* docker habits: capitals, and no underscores */
	expect("{{.Container}} {{ .IPv4 }} {{.HostIfname}}", endpoints,
	       "web1 172.30.0.2/16 vn0123\ndb 10.89.0.2/24 vn4567\n");
	expect("{{.pid}}:{{.internal}}:{{.ipv6}}", endpoints, "42:false:\n7:true:<no value>\n");
	expect("{{.stats.bytes_in}}", endpoints, "7\n<no value>\n");
	expect("{{.nope}}", "{\"a\":1}", "<no value>\n");
	expect("{{json .stats}}", endpoints, "{\"bytes_in\":7}\nnull\n");
	expect("{{json .}}", "{\"b\":1,\"a\":\"x\"}", "{\"a\":\"x\",\"b\":1}\n");
	expect("{{json .container}}", endpoints, "\"web1\"\n\"db\"\n");
	expect("name={{.name}}\\tend\\n", "{\"name\":\"n\"}", "name=n\tend\n\n");
	expect("plain text", "[1,2]", "plain text\nplain text\n");
	expect("{{.x}}", "[]", "");
}

static void test_format_table(void **state)
{
	expect("table {{.Container}}\\t{{.Network}}\\t{{.IPv4}}", endpoints,
	       "CONTAINER   NETWORK       IPV4\n"
	       "web1        netd          172.30.0.2/16\n"
	       "db          backend-net   10.89.0.2/24\n");
	expect("table {{.container}}", "[]", "CONTAINER\n");
	expect("table {{json .}}", "{\"a\":1}", "JSON\n{\"a\":1}\n");
	/* "table" only as a word of its own */
	expect("tablex{{.a}}", "{\"a\":1}", "tablex1\n");
}

static void test_format_bad(void **state)
{
	static const char *const bad[] = {
		"{{.a",	       "{{a}}",	     "{{json}}", "{{.a b}}", "{{range .}}",
		"{{.a}}{{.b", "{{ }}",	     "{{.a|x}}", "table {{}}",
	};
	char err[256];
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char *out;

		if (format_check(bad[i], err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(strstr(err, "invalid --format"));
		out = render(bad[i], "{\"a\":1}", &r);
		assert_int_equal(r, -EINVAL);
		assert_string_equal(out, "");
		free(out);
	}
	assert_int_equal(format_check("table {{.a}}\\t{{json .b}}", err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_fields),
		cmocka_unit_test(test_format_table),
		cmocka_unit_test(test_format_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
