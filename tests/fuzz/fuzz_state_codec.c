// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_state_codec.c - the state files netd loads at start (networks, endpoints, ports): a
 * damaged file is refused, what loads encodes and loads back the same
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <netd/codec.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netd_error e = NETD_ERROR_INIT;
	json_t *j, *k;

	j = json_loadb((const char *)data, size, 0, NULL);
	if (!j)
		return 0;
	{
		struct network_spec a, b;

		if (network_from_json(j, &a, &e) == 0) {
			k = network_to_json(&a);
			FUZZ_ASSERT(k && network_from_json(k, &b, &e) == 0);
			json_decref(k);
		}
	}
	{
		struct endpoint_spec a, b;

		if (endpoint_from_json(j, &a, &e) == 0) {
			k = endpoint_to_json(&a);
			FUZZ_ASSERT(k && endpoint_from_json(k, &b, &e) == 0);
			FUZZ_ASSERT(memcmp(&a, &b, sizeof(a)) == 0);
			json_decref(k);
		}
	}
	{
		struct port_mapping a, b;

		if (mapping_from_json(j, &a, &e) == 0) {
			k = mapping_to_json(&a);
			FUZZ_ASSERT(k && mapping_from_json(k, &b, &e) == 0);
			FUZZ_ASSERT(a.spec.host_port == b.spec.host_port &&
				    a.proxy_protocol == b.proxy_protocol);
			json_decref(k);
		}
	}
	json_decref(j);
	return 0;
}
