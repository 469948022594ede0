// SPDX-License-Identifier: GPL-2.0-or-later
/* undo.c - undo log: record inverse steps, run them newest first unless disarmed */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netd/log.h>
#include <netd/undo.h>

/*
 * NETD_FAULT_ABORT_AFTER=N (tests only): abort() right after the N-th kernel step netd takes,
 * counted from its start, so a crash lands between two steps of one operation, a window a
 * SIGKILL from outside hits only by luck. Read once, at the first step; unset (or not a
 * positive number) it costs one comparison per step.
 */
static long fault_after = -1;
static long fault_steps;

static void fault_init(void)
{
	const char *s = getenv("NETD_FAULT_ABORT_AFTER");
	char *end = NULL;
	long n;

	fault_after = 0;
	if (!s || !*s)
		return;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || *end || n <= 0) {
		log_warn("NETD_FAULT_ABORT_AFTER='%s' is not a positive number, ignoring", s);
		return;
	}
	fault_after = n;
	log_warn("NETD_FAULT_ABORT_AFTER=%ld: test-only fault switch, aborting at that step", n);
}

/**
 * undo_fault_point() - a kernel step of an operation just succeeded: with the test-only
 * NETD_FAULT_ABORT_AFTER=N set, the N-th such step since the start aborts netd
 *
 * undo_push() calls it; steps that need no inverse of their own (one pushed before undoes
 * them too) call it directly.
 */
void undo_fault_point(void)
{
	if (fault_after < 0)
		fault_init();
	if (fault_after == 0)
		return;
	if (++fault_steps == fault_after) {
		log_error("NETD_FAULT_ABORT_AFTER=%ld: aborting after kernel step %ld", fault_after,
			  fault_steps);
		abort();
	}
}

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
	/* recorded first: a crash here is a crash after the step, with its inverse known */
	undo_fault_point();
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
