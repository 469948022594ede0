// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_api_request.c - the bodies netd's API decodes from any local client: POST /v1/networks,
 * /v1/endpoints and /v1/ports.  The first byte picks the decoder, the rest is the body.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <netd/codec.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netd_error e = NETD_ERROR_INIT;
	const char *body = (const char *)data + 1;
	int r;

	if (size < 1)
		return 0;
	size--;
	switch (data[0] % 3) {
	case 0: {
		struct network_request q;

		r = network_request_decode(body, size, &q, &e);
		break;
	}
	case 1: {
		struct attach_request q;

		r = attach_request_decode(body, size, &q, &e);
		FUZZ_ASSERT(r < 0 || q.n_ports <= ATTACH_MAX_PORTS);
		break;
	}
	default: {
		struct publish_request q;

		r = publish_request_decode(body, size, &q, &e);
		break;
	}
	}
	/* a refusal always says why, with an errno the API maps to a status */
	FUZZ_ASSERT(r == 0 || (r < 0 && e.code > 0 && e.msg[0]));
	return 0;
}
