// SPDX-License-Identifier: GPL-2.0-or-later
/* undo.c - undo log: record inverse steps, run them newest first unless disarmed */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <netd/undo.h>

/**
 * undo_push() - record the inverse of a step that just succeeded
 * @u:		undo log
 * @fn:		inverse step
 * @data:	argument copied into the log (at most UNDO_DATA_MAX bytes)
 * @size:	size of @data
 *
 * Return: 0, or -ENOSPC/-EINVAL when it cannot be recorded (the caller must undo by hand)
 */
int undo_push(struct undo *u, undo_fn fn, const void *data, size_t size)
{
	if (size > UNDO_DATA_MAX)
		return -EINVAL;
	if (u->n >= UNDO_MAX_STEPS)
		return -ENOSPC;
	u->steps[u->n].fn = fn;
	if (size)
		memcpy(u->steps[u->n].data, data, size);
	u->n++;
	return 0;
}

/**
 * undo_disarm() - the operation succeeded: forget every recorded step
 * @u:		undo log
 */
void undo_disarm(struct undo *u)
{
	u->n = 0;
}

/**
 * undo_run() - run the recorded inverses, newest first, then forget them
 * @u:		undo log (usable as a cleanup function)
 */
void undo_run(struct undo *u)
{
	while (u->n > 0) {
		u->n--;
		u->steps[u->n].fn(u->steps[u->n].data);
	}
}
