// SPDX-License-Identifier: GPL-2.0-or-later
/* test_conffile.c - netd.conf lines: settings in order, comments, quotes, clear errors */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../helpers/cmocka_compat.h"

#include <netd/conffile.h>

/* every setting seen, as "key=value;" */
struct seen {
	char text[1024];
	unsigned int last_line;
};

static int collect(const char *key, const char *value, unsigned int line, void *userdata,
		   struct netd_error *e)
{
	struct seen *s = userdata;
	size_t n = strlen(s->text);

	(void)snprintf(s->text + n, sizeof(s->text) - n, "%s=%s;", key, value);
	s->last_line = line;
	return strcmp(key, "refuse") == 0 ? err_set(e, EINVAL, "refused") : 0;
}

static int parse(const char *text, struct seen *s, struct netd_error *e)
{
	memset(s, 0, sizeof(*s));
	return conffile_parse(text, "netd.conf", collect, s, e);
}

static void test_conffile_settings(void **state)
{
	struct netd_error e = NETD_ERROR_INIT;
	struct seen s;

	assert_int_equal(parse("# netd.conf\n"
			       "\n"
			       "state-dir = /var/lib/netd\n"
			       "  log-level=debug  \n"
			       "\t# indented comment\n"
			       "socket-group = \" docker # not a comment \"\n"
			       "subnet-pool = 10.0.0.0/8\r\n"
			       "path = /a#b",
			       &s, &e),
			 0);
	assert_string_equal(s.text, "state-dir=/var/lib/netd;log-level=debug;"
				    "socket-group= docker # not a comment ;"
				    "subnet-pool=10.0.0.0/8;path=/a#b;");
	assert_int_equal(s.last_line, 8);
	/* empty file, only comments, no final newline */
	assert_int_equal(parse("", &s, &e), 0);
	assert_string_equal(s.text, "");
	assert_int_equal(parse("# only\n#comments", &s, &e), 0);
	assert_string_equal(s.text, "");
	/* the last of two settings is the one that stays: the callback sees both in order */
	assert_int_equal(parse("a = 1\na = 2\n", &s, &e), 0);
	assert_string_equal(s.text, "a=1;a=2;");
}

static void test_conffile_errors(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ "state-dir /var/lib/netd\n", "netd.conf:1: expected 'option = value'" },
		{ "# c\n= value\n", "netd.conf:2: invalid option name ''" },
		{ "State-Dir = /x\n", "netd.conf:1: invalid option name 'State-Dir'" },
		{ "--state-dir = /x\n", "netd.conf:1: write 'state-dir' without the leading '--'" },
		{ "9lives = 1\n", "netd.conf:1: invalid option name '9lives'" },
		{ "a b = c\n", "netd.conf:1: invalid option name 'a b'" },
		{ "log-level =\n", "netd.conf:1: option 'log-level' has no value" },
		{ "log-level = \"\"\n", "netd.conf:1: option 'log-level' has no value" },
		{ "x = \"open\n", "netd.conf:1: unterminated quote" },
		{ "x = \"\n", "netd.conf:1: unterminated quote" },
		{ "ok = 1\nrefuse = 1\nnever = 1\n", "refused" },
	};
	struct netd_error e = NETD_ERROR_INIT;
	char longline[CONFFILE_LINE_MAX + 16];
	struct seen s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err_clear(&e);
		assert_int_equal(parse(bad[i].text, &s, &e), -EINVAL);
		if (strstr(e.msg, bad[i].msg) != e.msg)
			fail_msg("'%s': got '%s', want '%s...'", bad[i].text, e.msg, bad[i].msg);
	}
	/* a refusal stops parsing: nothing after it is applied */
	assert_int_equal(parse("ok = 1\nrefuse = 1\nnever = 1\n", &s, &e), -EINVAL);
	assert_string_equal(s.text, "ok=1;refuse=1;");
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	assert_int_equal(parse(longline, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "line longer than"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conffile_settings),
		cmocka_unit_test(test_conffile_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
