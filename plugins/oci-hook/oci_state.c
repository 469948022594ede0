// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * oci_state.c - parse the OCI state a runtime gives its hooks on stdin, and netd's annotations
 *
 * The runtime spec's state: {"ociVersion", "id", "status", "pid", "bundle", "annotations"}.
 * netd's annotations say what to do: netd.network, netd.publish (comma-separated port specs),
 * netd.ip, netd.ip6, netd.name.  Everything is validated here, before netd is asked anything.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <jansson.h>

#include <netd/naming.h>
#include <netd/portspec.h>

#include "oci_state.h"

static int parse_publish(const char *list, struct oci_request *req, struct netd_error *e)
{
	const char *p = list;

	req->n_publish = 0;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		struct portspec spec;
		char one[PORTSPEC_STRLEN];

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= sizeof(one))
			return err_set(e, EINVAL, "annotation netd.publish: invalid entry in '%s'",
				       list);
		memcpy(one, p, len);
		one[len] = '\0';
		if (portspec_parse(one, &spec, NULL) < 0)
			return err_set(e, EINVAL, "annotation netd.publish: invalid port spec '%s'",
				       one);
		if (req->n_publish >= ATTACH_MAX_PORTS)
			return err_set(e, EINVAL, "annotation netd.publish: more than %d specs",
				       ATTACH_MAX_PORTS);
		memcpy(req->publish[req->n_publish++], one, len + 1);
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

static int parse_ip(const char *key, const char *s, int family, bool *has, struct ipaddr *ip,
		    struct netd_error *e)
{
	if (ipaddr_parse(s, ip) < 0 || ip->family != family)
		return err_set(e, EINVAL, "annotation %s: invalid %s address '%s'", key,
			       family == AF_INET ? "IPv4" : "IPv6", s);
	*has = true;
	return 0;
}

/* netd's annotations from an object of string values; other keys are not netd's business */
static int parse_annotations(const json_t *a, struct oci_request *req, struct netd_error *e)
{
	const char *key;
	json_t *v;
	int r;

	if (!json_is_object(a))
		return err_set(e, EINVAL, "\"annotations\" is not an object");
	req->has_annotations = true;
	json_object_foreach ((json_t *)a, key, v) {
		const char *s;

		if (strncmp(key, "netd.", 5) != 0)
			continue;
		if (!json_is_string(v))
			return err_set(e, EINVAL, "annotation %s is not a string", key);
		s = json_string_value(v);
		if (strcmp(key, "netd.network") == 0) {
			if (name_validate(s) < 0)
				return err_set(e, EINVAL,
					       "annotation netd.network: invalid name '%s'", s);
			STRLCPY(req->network, s);
		} else if (strcmp(key, "netd.name") == 0) {
			if (name_validate(s) < 0)
				return err_set(e, EINVAL, "annotation netd.name: invalid name '%s'",
					       s);
			STRLCPY(req->container, s);
		} else if (strcmp(key, "netd.publish") == 0) {
			r = parse_publish(s, req, e);
			if (r < 0)
				return r;
		} else if (strcmp(key, "netd.ip") == 0) {
			r = parse_ip(key, s, AF_INET, &req->has_ip4, &req->ip4, e);
			if (r < 0)
				return r;
		} else if (strcmp(key, "netd.ip6") == 0) {
			r = parse_ip(key, s, AF_INET6, &req->has_ip6, &req->ip6, e);
			if (r < 0)
				return r;
		} else {
			return err_set(
				e, EINVAL,
				"unknown annotation %s (netd.network, netd.publish, netd.ip, netd.ip6, netd.name)",
				key);
		}
	}
	return 0;
}

static int load_object(const char *json, size_t len, const char *what, json_t **ret,
		       struct netd_error *e)
{
	json_error_t jerr;
	json_t *j;

	if (len > OCI_JSON_MAX)
		return err_set(e, EINVAL, "%s: larger than %d bytes", what, OCI_JSON_MAX);
	j = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return err_set(e, EINVAL, "%s: invalid JSON: %s", what, jerr.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return err_set(e, EINVAL, "%s: not a JSON object", what);
	}
	*ret = j;
	return 0;
}

/**
 * oci_state_parse() - read the state a runtime passes its hooks
 * @json:	the state, as read from stdin
 * @len:	its length
 * @ret:	the request (left unchanged on error)
 * @e:		error context
 *
 * "id" must be there and make a valid netd name (or netd.name gives one); "pid" must be a
 * positive integer when present; "annotations", when present, are checked.
 *
 * Return: 0 or -EINVAL
 */
int oci_state_parse(const char *json, size_t len, struct oci_request *ret, struct netd_error *e)
{
	struct oci_request req = { 0 };
	const char *id = NULL, *bundle = "";
	json_t *j = NULL, *annotations = NULL;
	json_error_t jerr;
	json_int_t pid = 0;
	char name[NAME_MAX_LEN + 1];
	int r;

	r = load_object(json, len, "OCI state", &j, e);
	if (r < 0)
		return r;
	if (json_unpack_ex(j, &jerr, 0, "{s:s, s?I, s?s, s?o}", "id", &id, "pid", &pid, "bundle",
			   &bundle, "annotations", &annotations) < 0) {
		r = err_set(e, EINVAL, "OCI state: %s", jerr.text);
		goto out;
	}
	if (pid < 0 || pid > 4194304) {
		r = err_set(e, EINVAL, "OCI state: invalid pid %lld", (long long)pid);
		goto out;
	}
	if (strlen(bundle) >= sizeof(req.bundle)) {
		r = err_set(e, EINVAL, "OCI state: bundle path too long");
		goto out;
	}
	STRLCPY(req.bundle, bundle);
	req.pid = (int)pid;
	if (annotations) {
		r = parse_annotations(annotations, &req, e);
		if (r < 0)
			goto out;
	}
	if (!req.container[0]) {
		/* podman's ids are 64 hex digits: the first 63 are as unique */
		(void)snprintf(name, sizeof(name), "%s", id);
		if (name_validate(name) < 0) {
			r = err_set(
				e, EINVAL,
				"container id '%s' is not a valid netd name: give one in annotation netd.name",
				id);
			goto out;
		}
		STRLCPY(req.container, name);
	}
	*ret = req;
out:
	json_decref(j);
	return r;
}

/**
 * oci_annotations_from_config() - netd's annotations from the bundle's config.json, for
 * runtimes whose state carries none
 * @json:	config.json
 * @len:	its length
 * @req:	the request from oci_state_parse(), completed (unchanged on error)
 * @e:		error context
 *
 * Return: 0 or -EINVAL
 */
int oci_annotations_from_config(const char *json, size_t len, struct oci_request *req,
				struct netd_error *e)
{
	struct oci_request copy = *req;
	json_t *j = NULL, *a;
	int r;

	r = load_object(json, len, "config.json", &j, e);
	if (r < 0)
		return r;
	a = json_object_get(j, "annotations");
	if (a) {
		char keep[NAME_MAX_LEN + 1];

		/* an explicit netd.name wins; else the name from the id stays */
		STRLCPY(keep, copy.container);
		copy.container[0] = '\0';
		r = parse_annotations(a, &copy, e);
		if (r == 0 && !copy.container[0])
			STRLCPY(copy.container, keep);
	}
	json_decref(j);
	if (r == 0)
		*req = copy;
	return r;
}
