/* SPDX-License-Identifier: GPL-2.0-or-later */
/* undo.h - undo log for multi-step kernel operations: inverses run newest first on failure */
#ifndef NETD_UNDO_H
#define NETD_UNDO_H

#include <stdbool.h>
#include <stddef.h>

#define UNDO_MAX_STEPS 16
#define UNDO_DATA_MAX 128

/* an inverse step: it logs what it cannot do and never fails */
typedef void (*undo_fn)(void *data);

struct undo_step {
	undo_fn fn;
	_Alignas(max_align_t) unsigned char data[UNDO_DATA_MAX];
};

struct undo {
	struct undo_step steps[UNDO_MAX_STEPS];
	size_t n;
};

#define UNDO_INIT      \
	{              \
		.n = 0 \
	}

int undo_push(struct undo *u, undo_fn fn, const void *data, size_t size);
void undo_disarm(struct undo *u);
void undo_run(struct undo *u);
void undo_fault_point(void);

#endif /* NETD_UNDO_H */
