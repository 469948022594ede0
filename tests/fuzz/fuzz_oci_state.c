// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_oci_state.c - the state a runtime gives netd-hook, and a bundle's config.json */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/oci-hook/oci_state.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netd_error e = NETD_ERROR_INIT;
	struct oci_request req, before;
	size_t i;

	if (oci_state_parse((const char *)data, size, &req, &e) == 0) {
		FUZZ_ASSERT(req.container[0] && req.pid >= 0 && req.n_publish <= ATTACH_MAX_PORTS);
		for (i = 0; i < req.n_publish; i++)
			FUZZ_ASSERT(strlen(req.publish[i]) < PORTSPEC_STRLEN);
	} else {
		FUZZ_ASSERT(e.msg[0]);
	}
	memset(&req, 0, sizeof(req));
	(void)strcpy(req.container, "c");
	before = req;
	if (oci_annotations_from_config((const char *)data, size, &req, &e) < 0)
		FUZZ_ASSERT(memcmp(&req, &before, sizeof(req)) == 0);
	return 0;
}
