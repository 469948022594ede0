// SPDX-License-Identifier: GPL-2.0-or-later
/* test_oci_state.c - the OCI state netd-hook reads, and netd's annotations in it */
#include <errno.h>
#include <string.h>

#include "../helpers/cmocka_compat.h"

#include "../../plugins/oci-hook/oci_state.h"

static int parse(const char *json, struct oci_request *req, struct netd_error *e)
{
	return oci_state_parse(json, strlen(json), req, e);
}

static void test_oci_state_valid(void **state)
{
	struct netd_error e = NETD_ERROR_INIT;
	struct oci_request req;
	char ip[64];

	/* runc's state, with annotations */
	assert_int_equal(
		parse("{\"ociVersion\":\"1.0.2-dev\",\"id\":\"web1\",\"status\":\"creating\","
		      "\"pid\":4299,\"bundle\":\"/b\",\"annotations\":{\"netd.network\":\"web\","
		      "\"netd.publish\":\"8080:80, 53/udp,127.0.0.1::443\",\"netd.ip\":\"10.90.0.9\","
		      "\"netd.ip6\":\"fd00::9\",\"org.opencontainers.image.title\":\"x\"}}",
		      &req, &e),
		0);
	assert_string_equal(req.container, "web1");
	assert_int_equal(req.pid, 4299);
	assert_string_equal(req.bundle, "/b");
	assert_true(req.has_annotations);
	assert_string_equal(req.network, "web");
	assert_int_equal(req.n_publish, 3);
	assert_string_equal(req.publish[0], "8080:80");
	assert_string_equal(req.publish[1], "53/udp");
	assert_string_equal(req.publish[2], "127.0.0.1::443");
	assert_true(req.has_ip4);
	assert_int_equal(ipaddr_format(&req.ip4, ip, sizeof(ip)), 0);
	assert_string_equal(ip, "10.90.0.9");
	assert_true(req.has_ip6);
	assert_int_equal(ipaddr_format(&req.ip6, ip, sizeof(ip)), 0);
	assert_string_equal(ip, "fd00::9");

	/* a poststop state: no pid, no annotations (the caller reads config.json) */
	assert_int_equal(
		parse("{\"id\":\"web1\",\"status\":\"stopped\",\"bundle\":\"/b\"}", &req, &e), 0);
	assert_int_equal(req.pid, 0);
	assert_false(req.has_annotations);
	assert_int_equal(req.n_publish, 0);
	assert_string_equal(req.network, "");

	/* a podman id of 64 hex digits: its first 63 name the container */
	assert_int_equal(
		parse("{\"id\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
		      "\"pid\":1}",
		      &req, &e),
		0);
	assert_string_equal(req.container,
			    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde");
	/* netd.name wins over the id, even over an id that is not a valid name */
	assert_int_equal(parse("{\"id\":\"a/b\",\"pid\":1,\"annotations\":{\"netd.name\":\"c1\"}}",
			       &req, &e),
			 0);
	assert_string_equal(req.container, "c1");
}

static void test_oci_state_invalid(void **state)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
		{ "", "invalid JSON" },
		{ "[]", "not a JSON object" },
		{ "{\"id\":\"a\",\"id\":\"b\"}", "invalid JSON" },
		{ "{\"pid\":1}", "OCI state" },
		{ "{\"id\":5}", "OCI state" },
		{ "{\"id\":\"a\",\"pid\":\"1\"}", "OCI state" },
		{ "{\"id\":\"a\",\"pid\":-1}", "invalid pid" },
		{ "{\"id\":\"a\",\"pid\":99999999}", "invalid pid" },
		{ "{\"id\":\"a b\"}", "not a valid netd name" },
		{ "{\"id\":\"\"}", "not a valid netd name" },
		{ "{\"id\":\"a\",\"annotations\":[]}", "not an object" },
		{ "{\"id\":\"a\",\"annotations\":{\"netd.network\":3}}", "not a string" },
		{ "{\"id\":\"a\",\"annotations\":{\"netd.network\":\"a b\"}}", "invalid name" },
		{ "{\"id\":\"a\",\"annotations\":{\"netd.name\":\"\"}}", "invalid name" },
		{ "{\"id\":\"a\",\"annotations\":{\"netd.publish\":\"8080:80,,81\"}}",
		  "invalid entry" },
		{ "{\"id\":\"a\",\"annotations\":{\"netd.publish\":\"\"}}", "" },
		{ "{\"id\":\"a\",\"annotations\":{\"netd.publish\":\"99999\"}}",
		  "invalid port spec '99999'" },
		{ "{\"id\":\"a\",\"annotations\":{\"netd.ip\":\"fd00::1\"}}", "invalid IPv4" },
		{ "{\"id\":\"a\",\"annotations\":{\"netd.ip6\":\"10.0.0.1\"}}", "invalid IPv6" },
		{ "{\"id\":\"a\",\"annotations\":{\"netd.ports\":\"80\"}}", "unknown annotation" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netd_error e = NETD_ERROR_INIT;
		struct oci_request req, before;
		int r;

		memset(&req, 0x5a, sizeof(req));
		before = req;
		r = parse(cases[i].json, &req, &e);
		if (!cases[i].msg[0]) {
			/* an empty publish list is no port, not an error */
			assert_int_equal(r, 0);
			assert_int_equal(req.n_publish, 0);
			continue;
		}
		if (r != -EINVAL || !strstr(e.msg, cases[i].msg))
			fail_msg("'%s': got %d '%s', want -EINVAL '%s'", cases[i].json, r, e.msg,
				 cases[i].msg);
		assert_memory_equal(&req, &before, sizeof(req));
	}
}

static void test_oci_state_too_many_ports(void **state)
{
	char json[8192], list[4096] = "";
	struct netd_error e = NETD_ERROR_INIT;
	struct oci_request req;
	size_t i;

	for (i = 0; i <= ATTACH_MAX_PORTS; i++) {
		char one[16];

		(void)snprintf(one, sizeof(one), "%s%zu", i ? "," : "", 1000 + i);
		(void)strcat(list, one);
	}
	(void)snprintf(json, sizeof(json),
		       "{\"id\":\"a\",\"annotations\":{\"netd.publish\":\"%s\"}}", list);
	assert_int_equal(parse(json, &req, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "more than"));
	/* exactly the maximum is fine */
	*strrchr(list, ',') = '\0';
	(void)snprintf(json, sizeof(json),
		       "{\"id\":\"a\",\"annotations\":{\"netd.publish\":\"%s\"}}", list);
	assert_int_equal(parse(json, &req, &e), 0);
	assert_int_equal(req.n_publish, ATTACH_MAX_PORTS);
}

static void test_oci_state_config_annotations(void **state)
{
	struct netd_error e = NETD_ERROR_INIT;
	struct oci_request req, before;

	assert_int_equal(parse("{\"id\":\"web1\",\"pid\":7,\"bundle\":\"/b\"}", &req, &e), 0);
	assert_int_equal(
		oci_annotations_from_config(
			"{\"ociVersion\":\"1.0.2\",\"annotations\":{\"netd.publish\":\"8080:80\"}}",
			strlen("{\"ociVersion\":\"1.0.2\",\"annotations\":{\"netd.publish\":\"8080:80\"}}"),
			&req, &e),
		0);
	assert_string_equal(req.container, "web1");
	assert_int_equal(req.n_publish, 1);
	assert_int_equal(req.pid, 7);
	/* netd.name there renames; a config without annotations changes nothing */
	assert_int_equal(oci_annotations_from_config(
				 "{\"annotations\":{\"netd.name\":\"w\"}}",
				 strlen("{\"annotations\":{\"netd.name\":\"w\"}}"), &req, &e),
			 0);
	assert_string_equal(req.container, "w");
	assert_int_equal(oci_annotations_from_config("{}", 2, &req, &e), 0);
	assert_string_equal(req.container, "w");
	/* a bad config leaves the request as it was */
	before = req;
	assert_int_equal(oci_annotations_from_config(
				 "{\"annotations\":{\"netd.ip\":\"x\"}}",
				 strlen("{\"annotations\":{\"netd.ip\":\"x\"}}"), &req, &e),
			 -EINVAL);
	assert_memory_equal(&req, &before, sizeof(req));
	assert_int_equal(oci_annotations_from_config("nope", 4, &req, &e), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oci_state_valid),
		cmocka_unit_test(test_oci_state_invalid),
		cmocka_unit_test(test_oci_state_too_many_ports),
		cmocka_unit_test(test_oci_state_config_annotations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
