/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oci_state.h - what netd-hook reads: the OCI runtime's state and netd's annotations */
#ifndef NETD_OCI_STATE_H
#define NETD_OCI_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include <netd/error.h>
#include <netd/model.h>

/* the state and config.json are small; anything larger is not what a runtime sends */
#define OCI_JSON_MAX (1024 * 1024)

/**
 * struct oci_request - what the hook asks netd, from the state and the annotations
 * @container:	netd's name for the container: annotation netd.name, else the OCI id (its
 *		first NAME_MAX_LEN characters: podman's ids are 64 hex digits)
 * @pid:	the container's process (its /proc/PID/ns/net is attached); 0 if absent
 * @has_annotations: the state carried an "annotations" object (else the caller reads
 *		config.json of @bundle)
 * @bundle:	the bundle directory
 * @network:	annotation netd.network, empty for netd's default network
 * @publish:	annotation netd.publish, comma-separated port specs, each validated
 * @n_publish:	how many
 * @has_ip4, @ip4, @has_ip6, @ip6: annotations netd.ip and netd.ip6
 */
struct oci_request {
	char container[NAME_MAX_LEN + 1];
	int pid;
	bool has_annotations;
	char bundle[4096];
	char network[NAME_MAX_LEN + 1];
	size_t n_publish;
	char publish[ATTACH_MAX_PORTS][PORTSPEC_STRLEN];
	bool has_ip4;
	struct ipaddr ip4;
	bool has_ip6;
	struct ipaddr ip6;
};

int oci_state_parse(const char *json, size_t len, struct oci_request *ret, struct netd_error *e);
int oci_annotations_from_config(const char *json, size_t len, struct oci_request *req,
				struct netd_error *e);

#endif /* NETD_OCI_STATE_H */
