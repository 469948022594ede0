/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz.h - the entry point every fuzz target defines (libFuzzer's, or replay_main.c's) */
#ifndef NETD_FUZZ_H
#define NETD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a property a target checks: abort, so libFuzzer and the replay both report it */
#define FUZZ_ASSERT(cond)                                                                      \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			(void)fprintf(stderr, "%s:%d: %s does not hold\n", __FILE__, __LINE__, \
				      #cond);                                                  \
			abort();                                                               \
		}                                                                              \
	} while (0)

#endif /* NETD_FUZZ_H */
