// SPDX-License-Identifier: GPL-2.0-or-later
/* test_cni_config.c - netd-cni's pure code: environment, config, port mappings, results, errors */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../helpers/cmocka_compat.h"

#include <jansson.h>

#include <netd/macro.h>

#include "../../plugins/cni/cni.h"

/* a fake environment: NULL-terminated "KEY=VALUE" strings */
static const char *const *fake_env;

static const char *fake_getenv(const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; fake_env[i]; i++)
		if (strncmp(fake_env[i], name, n) == 0 && fake_env[i][n] == '=')
			return fake_env[i] + n + 1;
	return NULL;
}

static void test_cni_env(void **state)
{
	static const struct {
		const char *env[8];
		int code; /* 0: accepted */
	} cases[] = {
		{ { NULL }, 4 },
		{ { "CNI_COMMAND=FOO", NULL }, 4 },
		{ { "CNI_COMMAND=VERSION", NULL }, 0 },
		{ { "CNI_COMMAND=STATUS", NULL }, 0 },
		{ { "CNI_COMMAND=GC", NULL }, 0 },
		{ { "CNI_COMMAND=ADD", "CNI_CONTAINERID=abc", "CNI_NETNS=/run/netns/x",
		    "CNI_IFNAME=eth0", NULL },
		  0 },
		/* ADD without the netns, the id or the ifname */
		{ { "CNI_COMMAND=ADD", "CNI_CONTAINERID=abc", "CNI_IFNAME=eth0", NULL }, 4 },
		{ { "CNI_COMMAND=ADD", "CNI_NETNS=/run/netns/x", "CNI_IFNAME=eth0", NULL }, 4 },
		{ { "CNI_COMMAND=ADD", "CNI_CONTAINERID=abc", "CNI_NETNS=/run/netns/x", NULL }, 4 },
		{ { "CNI_COMMAND=ADD", "CNI_CONTAINERID=abc", "CNI_NETNS=relative",
		    "CNI_IFNAME=eth0", NULL },
		  4 },
		{ { "CNI_COMMAND=ADD", "CNI_CONTAINERID=a/b", "CNI_NETNS=/run/netns/x",
		    "CNI_IFNAME=eth0", NULL },
		  4 },
		{ { "CNI_COMMAND=ADD", "CNI_CONTAINERID=abc", "CNI_NETNS=/run/netns/x",
		    "CNI_IFNAME=waytoolonginterfacename", NULL },
		  4 },
		/* DEL needs no netns: runtimes call it after the namespace is gone */
		{ { "CNI_COMMAND=DEL", "CNI_CONTAINERID=abc", "CNI_IFNAME=eth0", NULL }, 0 },
		{ { "CNI_COMMAND=CHECK", "CNI_CONTAINERID=abc", "CNI_IFNAME=eth0", NULL }, 4 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cni_error ce = { 0 };
		struct cni_env env;
		int r;

		fake_env = cases[i].env;
		r = cni_env_parse(fake_getenv, &env, &ce);
		if (cases[i].code == 0) {
			if (r != 0)
				fail_msg("case %zu refused: %s: %s", i, ce.msg, ce.details);
		} else {
			assert_int_equal(r, -1);
			assert_int_equal(ce.code, cases[i].code);
		}
	}
}

static void test_cni_args(void **state)
{
	char buf[32];

	assert_int_equal(cni_args_get(NULL, "IP", buf, sizeof(buf)), 0);
	assert_int_equal(cni_args_get("IgnoreUnknown=1;IP=10.1.2.3;MAC=02:00:00:00:00:01", "IP",
				      buf, sizeof(buf)),
			 1);
	assert_string_equal(buf, "10.1.2.3");
	assert_int_equal(cni_args_get("IP=10.1.2.3;MAC=02:00:00:00:00:01", "MAC", buf, sizeof(buf)),
			 1);
	assert_string_equal(buf, "02:00:00:00:00:01");
	assert_int_equal(cni_args_get("IPX=1;;K8S_POD_NAME=a", "IP", buf, sizeof(buf)), 0);
	assert_int_equal(cni_args_get("garbage", "IP", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cni_args_get("IP=0123456789012345678901234567890123456789", "IP", buf,
				      sizeof(buf)),
			 -ENAMETOOLONG);
}

static void test_cni_container_name(void **state)
{
	char a[CNI_NAME_LEN + 1], b[CNI_NAME_LEN + 1], c[CNI_NAME_LEN + 1], d[CNI_NAME_LEN + 1];

	cni_container_name("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			   "eth0", a);
	cni_container_name("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			   "eth0", b);
	cni_container_name("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			   "eth1", c);
	cni_container_name("ab", "ceth0", d);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), CNI_NAME_LEN);
	assert_int_equal(strncmp(a, "cni-", 4), 0);
	/* the separator keeps ("ab", "ceth0") apart from ("abc", "eth0") */
	cni_container_name("abc", "eth0", b);
	assert_string_not_equal(b, d);
}

static void test_cni_versions(void **state)
{
	static const char *const ok[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0" };
	static const char *const bad[] = { "0.1.0", "0.2.0", "1.2.0", "9.9.9", "", "1.0" };
	enum cni_version v;
	json_t *info;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(cni_version_parse(ok[i], &v), 0);
		assert_string_equal(cni_version_name(v), ok[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(cni_version_parse(bad[i], &v), -ENOTSUP);
	info = cni_version_info();
	assert_non_null(info);
	assert_string_equal(json_string_value(json_object_get(info, "cniVersion")), "1.1.0");
	assert_int_equal(json_array_size(json_object_get(info, "supportedVersions")), 5);
	json_decref(info);
}

static void test_cni_portmapping(void **state)
{
	static const struct {
		const char *json;
		const char *spec; /* NULL: refused */
	} cases[] = {
		{ "{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\"}", "8080:80/tcp" },
		{ "{\"hostPort\":53,\"containerPort\":53,\"protocol\":\"UDP\",\"hostIP\":\"\"}",
		  "53:53/udp" },
		{ "{\"hostPort\":8443,\"containerPort\":443}", "8443:443/tcp" },
		{ "{\"hostPort\":80,\"containerPort\":80,\"hostIP\":\"127.0.0.1\"}",
		  "127.0.0.1:80:80/tcp" },
		{ "{\"hostPort\":80,\"containerPort\":80,\"hostIP\":\"::1\"}", "[::1]:80:80/tcp" },
		{ "{\"hostPort\":0,\"containerPort\":80}", NULL },
		{ "{\"hostPort\":70000,\"containerPort\":80}", NULL },
		{ "{\"containerPort\":80}", NULL },
		{ "{\"hostPort\":80,\"containerPort\":80,\"protocol\":\"icmp\"}", NULL },
		{ "{\"hostPort\":80,\"containerPort\":80,\"hostIP\":\"nope\"}", NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cni_error ce = { 0 };
		json_t *j = json_loads(cases[i].json, 0, NULL);
		char buf[CNI_PORTSPEC_LEN];
		int r;

		assert_non_null(j);
		r = cni_portmapping_to_spec(j, buf, sizeof(buf), &ce);
		json_decref(j);
		if (cases[i].spec) {
			if (r != 0)
				fail_msg("case %zu refused: %s", i, ce.details);
			assert_string_equal(buf, cases[i].spec);
		} else {
			assert_int_equal(r, -1);
			assert_int_equal(ce.code, CNI_ERR_INVALID_CONFIG);
		}
	}
}

static void test_cni_config_errors(void **state)
{
	static const struct {
		const char *json;
		int code;
	} cases[] = {
		{ "{not json", 6 },
		{ "[1, 2]", 6 },
		{ "{\"name\":\"n\",\"type\":\"netd-cni\"}", 1 },
		{ "{\"cniVersion\":\"9.9.9\",\"name\":\"n\"}", 1 },
		{ "{\"cniVersion\":\"0.2.0\",\"name\":\"n\"}", 1 },
		{ "{\"cniVersion\":\"1.0.0\"}", 7 },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"bad name\"}", 7 },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"network\":\"-x\"}", 7 },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"subnet\":\"10.1.2.3/24\"}", 7 },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"subnet\":\"fd00::/64\"}", 7 },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"subnet6\":\"10.1.0.0/16\"}", 7 },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"mtu\":20}", 7 },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"socket\":\"rel\"}", 7 },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{\"type\":\"host-local\"}}",
		  2 },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"runtimeConfig\":{\"ips\":[\"x\"]}}",
		  7 },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"runtimeConfig\":{\"ips\":"
		  "[\"10.0.0.2/24\",\"10.0.0.3/24\"]}}",
		  7 },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"runtimeConfig\":{\"mac\":"
		  "\"01:00:00:00:00:01\"}}",
		  7 },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"prevResult\":[]}", 6 },
		{ "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"name\":\"m\"}", 6 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cni_error ce = { 0 };
		struct cni_config c;
		int r;

		r = cni_config_parse(cases[i].json, strlen(cases[i].json), NULL, &c, &ce);
		cni_config_done(&c);
		if (r != -1 || ce.code != cases[i].code)
			fail_msg("case %zu: r %d code %d (%s: %s), want code %d", i, r, ce.code,
				 ce.msg, ce.details, cases[i].code);
	}
}

static void test_cni_config_full(void **state)
{
	static const char text[] =
		"{\"cniVersion\":\"1.1.0\",\"name\":\"mynet\",\"type\":\"netd-cni\","
		"\"network\":\"web\",\"subnet\":\"10.90.0.0/24\",\"subnet6\":\"fd00:90::/64\","
		"\"mtu\":1400,\"socket\":\"/tmp/x.sock\",\"unknownKey\":{\"a\":1},"
		"\"capabilities\":{\"portMappings\":true},"
		"\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80,"
		"\"protocol\":\"tcp\"}],\"ips\":[\"10.90.0.50/24\",\"fd00:90::50/64\"],"
		"\"mac\":\"02:AA:bb:cc:dd:ee\"},"
		"\"prevResult\":{\"cniVersion\":\"1.1.0\",\"interfaces\":[]},"
		"\"cni.dev/valid-attachments\":[{\"containerID\":\"a\",\"ifname\":\"eth0\"}]}";
	struct cni_env env = { .cmd = CNI_CMD_ADD, .args = "IgnoreUnknown=1;IP=10.90.0.60" };
	struct cni_error ce = { 0 };
	struct cni_config c;

	assert_int_equal(cni_config_parse(text, strlen(text), &env, &c, &ce), 0);
	assert_int_equal(c.ver, CNI_V110);
	assert_string_equal(c.network, "web");
	assert_string_equal(c.subnet, "10.90.0.0/24");
	assert_string_equal(c.subnet6, "fd00:90::/64");
	assert_int_equal(c.mtu, 1400);
	assert_string_equal(c.socket, "/tmp/x.sock");
	assert_true(c.hold_host_ports);
	/* runtimeConfig.ips wins over CNI_ARGS IP= */
	assert_string_equal(c.ip4, "10.90.0.50");
	assert_string_equal(c.ip6, "fd00:90::50");
	assert_string_equal(c.mac, "02:aa:bb:cc:dd:ee");
	assert_int_equal(c.n_ports, 1);
	assert_string_equal(c.ports[0], "8080:80/tcp");
	assert_non_null(c.prev_result);
	assert_int_equal(json_array_size(c.valid_attachments), 1);
	cni_config_done(&c);

	/* without "network" the CNI name is the netd network; CNI_ARGS gives the address */
	static const char text2[] = "{\"cniVersion\":\"0.4.0\",\"name\":\"mynet\"}";
	assert_int_equal(cni_config_parse(text2, strlen(text2), &env, &c, &ce), 0);
	assert_string_equal(c.network, "mynet");
	assert_string_equal(c.ip4, "10.90.0.60");
	assert_string_equal(c.ip6, "");
	assert_int_equal(c.n_ports, 0);
	assert_null(c.valid_attachments);
	cni_config_done(&c);

	/* GC's list under the name libcni also sends */
	static const char text3[] =
		"{\"cniVersion\":\"1.1.0\",\"name\":\"n\","
		"\"cni.dev/attachments\":[{\"containerID\":\"a\",\"ifname\":\"e\"}]}";
	assert_int_equal(cni_config_parse(text3, strlen(text3), NULL, &c, &ce), 0);
	assert_int_equal(json_array_size(c.valid_attachments), 1);
	cni_config_done(&c);
}

static json_t *endpoint(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "container", "cni-x", "ifname",
			 "eth0", "host_ifname", "vn01020304", "mac", "02:00:00:00:00:02", "ipv4",
			 "10.90.0.2/24", "gateway", "10.90.0.1", "ipv6", "fd00:90::2/64",
			 "gateway6", "fd00:90::1");
}

static void test_cni_result(void **state)
{
	json_t *ep = endpoint(), *r, *ip, *prev, *m;
	const char *mac = NULL;

	r = cni_result_build(ep, CNI_V110, "/run/netns/x", "02:00:00:00:00:09", true, true);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "cniVersion")), "1.1.0");
	assert_int_equal(json_array_size(json_object_get(r, "interfaces")), 2);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(r, "interfaces"), 1), "sandbox")),
		"/run/netns/x");
	ip = json_array_get(json_object_get(r, "ips"), 0);
	assert_string_equal(json_string_value(json_object_get(ip, "address")), "10.90.0.2/24");
	assert_string_equal(json_string_value(json_object_get(ip, "gateway")), "10.90.0.1");
	assert_int_equal(json_integer_value(json_object_get(ip, "interface")), 1);
	assert_null(json_object_get(ip, "version"));
	assert_int_equal(json_array_size(json_object_get(r, "routes")), 2);
	assert_true(json_is_object(json_object_get(r, "dns")));
	assert_int_equal(cni_prev_result_find(r, "eth0", "/run/netns/x", &mac), 1);
	assert_string_equal(mac, "02:00:00:00:00:02");
	assert_int_equal(cni_prev_result_find(r, "eth0", "/run/netns/y", NULL), -1);
	assert_true(cni_prev_result_has_ip(r, "fd00:90::2/64"));
	assert_false(cni_prev_result_has_ip(r, "fd00:90::3/64"));
	assert_true(cni_prev_result_has_route(r, "::/0", "fd00:90::1"));
	assert_false(cni_prev_result_has_route(r, "::/0", "fd00:90::2"));
	json_decref(r);

	/* only an IPv4 default route: only that one is listed */
	r = cni_result_build(ep, CNI_V100, "/run/netns/x", NULL, true, false);
	assert_int_equal(json_array_size(json_object_get(r, "routes")), 1);
	assert_true(cni_prev_result_has_route(r, "0.0.0.0/0", "10.90.0.1"));
	json_decref(r);

	/* 0.4.0 results carry "version" in each IP; internal networks have no routes */
	r = cni_result_build(ep, CNI_V040, "/run/netns/x", NULL, false, false);
	assert_non_null(r);
	ip = json_array_get(json_object_get(r, "ips"), 1);
	assert_string_equal(json_string_value(json_object_get(ip, "version")), "6");
	assert_int_equal(json_array_size(json_object_get(r, "routes")), 0);
	assert_null(json_object_get(json_array_get(json_object_get(r, "interfaces"), 0), "mac"));

	/* chained after another plugin: our interface indexes move past its interfaces */
	prev = json_pack("{s:s, s:[{s:s}], s:[], s:{s:[s]}}", "cniVersion", "0.4.0", "interfaces",
			 "name", "lo", "ips", "dns", "nameservers", "10.0.0.53");
	m = cni_result_merge(prev, r);
	assert_non_null(m);
	assert_int_equal(json_array_size(json_object_get(m, "interfaces")), 3);
	ip = json_array_get(json_object_get(m, "ips"), 0);
	assert_int_equal(json_integer_value(json_object_get(ip, "interface")), 2);
	assert_non_null(json_object_get(json_object_get(m, "dns"), "nameservers"));
	json_decref(m);
	json_decref(prev);
	json_decref(r);

	/* an endpoint without a MAC gives no result */
	json_object_del(ep, "mac");
	assert_null(cni_result_build(ep, CNI_V110, "/run/netns/x", NULL, true, true));
	json_decref(ep);
}

static void test_cni_errors(void **state)
{
	static const struct {
		int err;
		int code;
	} cases[] = {
		{ ECONNREFUSED, 11 }, { ETIMEDOUT, 11 }, { EEXIST, 7 },	 { EINVAL, 7 },
		{ ENOSPC, 7 },	      { EPROTO, 5 },	 { -ENOMEM, 5 }, { 12345, 5 },
	};
	struct cni_error ce;
	json_t *j;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(cni_err_from_errno(&ce, cases[i].err, "m", "d"), -1);
		assert_int_equal(ce.code, cases[i].code);
	}
	cni_err(&ce, 11, "netd is not reachable", "socket %s", "/x");
	j = cni_error_to_json(&ce, "0.4.0");
	assert_string_equal(json_string_value(json_object_get(j, "cniVersion")), "0.4.0");
	assert_int_equal(json_integer_value(json_object_get(j, "code")), 11);
	assert_string_equal(json_string_value(json_object_get(j, "msg")), "netd is not reachable");
	assert_string_equal(json_string_value(json_object_get(j, "details")), "socket /x");
	json_decref(j);
	cni_err(&ce, 7, "short", NULL);
	j = cni_error_to_json(&ce, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "cniVersion")), "1.1.0");
	assert_null(json_object_get(j, "details"));
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cni_env),
		cmocka_unit_test(test_cni_args),
		cmocka_unit_test(test_cni_container_name),
		cmocka_unit_test(test_cni_versions),
		cmocka_unit_test(test_cni_portmapping),
		cmocka_unit_test(test_cni_config_errors),
		cmocka_unit_test(test_cni_config_full),
		cmocka_unit_test(test_cni_result),
		cmocka_unit_test(test_cni_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
