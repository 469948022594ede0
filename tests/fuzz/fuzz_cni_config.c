// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_cni_config.c - the network config a CNI runtime writes on netd-cni's stdin, with a
 * CNI_ARGS string: the first byte splits the input between the two
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/cni/cni.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_env env = { .cmd = CNI_CMD_ADD, .container_id = "c", .ifname = "eth0" };
	struct cni_error ce = { 0 };
	struct cni_config c;
	char args[256];
	size_t n;
	int r;

	if (size < 1)
		return 0;
	n = data[0] % sizeof(args);
	if (n > size - 1)
		n = size - 1;
	memcpy(args, data + 1, n);
	args[n] = '\0';
	env.args = strlen(args) == n ? args : NULL;
	r = cni_config_parse((const char *)data + 1 + n, size - 1 - n, &env, &c, &ce);
	/* a refusal has a spec error code and a message */
	FUZZ_ASSERT(r == 0 || (r == -1 && ce.code > 0 && ce.msg[0]));
	cni_config_done(&c);
	return 0;
}
