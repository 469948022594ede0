// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * link_reaper.c - veths deleted on a thread of their own, off the event loop
 *
 * Deleting a link returns only after the kernel's rcu_barrier() in netdev_run_todo(): 16-25 ms
 * on an idle machine, with the RTNL lock already released. Done on the event loop, every
 * detach would stop every other client (attaches, CNI calls, the proxy's supervision) that
 * long. The thread has its own netlink socket in netd's namespace; the loop learns of each
 * deleted link through an eventfd and only then answers the request that asked for it, so a
 * detach still returns with the veth gone.
 *
 * The thread takes whatever is queued at once: two or more links go into a link group and
 * one RTM_DELLINK deletes the group, so they share the barrier (10 veths: ~25 ms, not ~200).
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <netd/link.h>
#include <netd/nlsock.h>
#include <netd/undo.h>

#include "daemon.h"

/*
 * The link group of the links a batch deletes ("netd"), set only just before the delete.
 * A link of someone else's in this group would go with them: the group is netd's.
 */
#define REAPER_LINK_GROUP 0x6e657464u

/* test-only: NETD_TEST_REAPER_DELAY_MS holds each batch back, so tests can act meanwhile */
static unsigned int test_delay_ms;

struct reap_job {
	struct reap_job *next;
	char name[IFNAMSIZ];
	char what[160]; /* for the log line when the link stays */
	int r;
	bool grouped; /* in the batch's link group */
	struct netd_error err;
	struct reap_wait *w;
};

static void report(const char *name, const char *what, int r, const struct netd_error *e)
{
	if (r < 0 && r != -ENODEV)
		log_warn("%s removed but its veth '%s' stays: %s, ignoring", what, name, e->msg);
	else if (r == 0)
		undo_fault_point();
}

/* delete the links of @batch (the thread, no lock held): one group delete for two or more */
static void delete_batch(struct reaper *rp, struct reap_job *batch)
{
	struct netd_error e = NETD_ERROR_INIT;
	struct reap_job *j;
	unsigned int grouped = 0;
	int r;

	if (test_delay_ms)
		(void)usleep(test_delay_ms * 1000);
	if (!batch->next) {
		batch->r = link_delete(rp->sk, batch->name, &batch->err);
		return;
	}
	for (j = batch; j; j = j->next) {
		j->r = link_set_group(rp->sk, j->name, REAPER_LINK_GROUP, &j->err);
		j->grouped = j->r == 0;
		grouped += j->grouped;
	}
	r = grouped ? link_delete_group(rp->sk, REAPER_LINK_GROUP, &e) : 0;
	if (grouped && r == 0)
		/* one fprintf: stdio keeps it whole beside the loop's lines */
		log_debug("deleted %u veths in one request (link group %u)", grouped,
			  REAPER_LINK_GROUP);
	for (j = batch; j; j = j->next) {
		if (j->grouped && (r == 0 || r == -ENODEV))
			j->r = r;
		else if (j->grouped || (j->r < 0 && j->r != -ENODEV))
			/* the group could not be set or deleted: this one alone, as without a batch */
			j->r = link_delete(rp->sk, j->name, &j->err);
	}
}

static void *reaper_main(void *arg)
{
	struct reaper *rp = arg;
	const uint64_t one = 1;

	(void)pthread_mutex_lock(&rp->lock);
	for (;;) {
		struct reap_job *batch, *last;

		while (!rp->todo && !rp->stop)
			(void)pthread_cond_wait(&rp->wake, &rp->lock);
		batch = rp->todo;
		if (!batch)
			break;
		rp->todo = NULL;
		rp->todo_tail = &rp->todo;
		rp->busy = batch;
		(void)pthread_mutex_unlock(&rp->lock);

		delete_batch(rp, batch);

		(void)pthread_mutex_lock(&rp->lock);
		rp->busy = NULL;
		*rp->done_tail = batch;
		for (last = batch; last->next; last = last->next)
			;
		rp->done_tail = &last->next;
		/* a full eventfd counter cannot happen: one write per batch, read on every wakeup */
		(void)!write(rp->efd, &one, sizeof(one));
	}
	(void)pthread_mutex_unlock(&rp->lock);
	return NULL;
}

/* the jobs the thread finished: logged, then their requests answered; returns how many */
static unsigned int run_done(struct reaper *rp)
{
	struct reap_job *j, *next;
	unsigned int n = 0;

	(void)pthread_mutex_lock(&rp->lock);
	j = rp->done;
	rp->done = NULL;
	rp->done_tail = &rp->done;
	(void)pthread_mutex_unlock(&rp->lock);
	for (; j; j = next) {
		next = j->next;
		report(j->name, j->what, j->r, &j->err);
		if (j->w)
			reap_wait_put(j->w);
		free(j);
		n++;
	}
	return n;
}

static void on_done(evutil_socket_t fd, short what, void *arg)
{
	uint64_t n;

	(void)!read(fd, &n, sizeof(n));
	(void)run_done(arg);
}

static unsigned int test_delay_from_env(void)
{
	const char *v = getenv("NETD_TEST_REAPER_DELAY_MS");
	char *end;
	unsigned long ms;

	if (!v || !*v)
		return 0;
	errno = 0;
	ms = strtoul(v, &end, 10);
	if (errno || *end || ms > 10000) {
		log_warn("NETD_TEST_REAPER_DELAY_MS='%s' is not 0..10000, ignoring", v);
		return 0;
	}
	log_warn("NETD_TEST_REAPER_DELAY_MS=%lu: test-only, each veth deletion batch waits", ms);
	return (unsigned int)ms;
}

/**
 * reaper_start() - start the thread that deletes veths
 * @d:		daemon
 * @e:		error context
 *
 * Return: 0 or negative errno
 */
int reaper_start(struct daemon *d, struct netd_error *e)
{
	struct reaper *rp = &d->reaper;
	sigset_t all, old;
	int r;

	rp->todo_tail = &rp->todo;
	rp->done_tail = &rp->done;
	test_delay_ms = test_delay_from_env();
	r = nlsock_open(-1, &rp->sk, e);
	if (r < 0)
		return err_wrap(e, "netlink socket for deleting links");
	rp->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (rp->efd < 0)
		return err_set(e, errno, "eventfd: %s", strerror(errno));
	rp->ev = event_new(d->base, rp->efd, EV_READ | EV_PERSIST, on_done, rp);
	if (!rp->ev || event_add(rp->ev, NULL) < 0)
		return err_set(e, ENOMEM, "watch the link reaper");
	if (pthread_mutex_init(&rp->lock, NULL) != 0 || pthread_cond_init(&rp->wake, NULL) != 0)
		return err_set(e, ENOMEM, "link reaper lock");
	rp->locks_init = true;
	/* signals stay with the loop's thread, where libevent handles them */
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&rp->thread, NULL, reaper_main, rp);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		return err_set(e, r, "start the link reaper thread: %s", strerror(r));
	rp->running = true;
	return 0;
}

/**
 * reaper_finish() - delete what is queued, end the thread, answer what waited on it
 * @d:		daemon
 *
 * For a stop: links queued after this are deleted at once, on the loop.
 *
 * Return: how many queued deletions it finished (0: none were left)
 */
unsigned int reaper_finish(struct daemon *d)
{
	struct reaper *rp = &d->reaper;

	if (!rp->running)
		return 0;
	(void)pthread_mutex_lock(&rp->lock);
	rp->stop = true;
	(void)pthread_cond_signal(&rp->wake);
	(void)pthread_mutex_unlock(&rp->lock);
	(void)pthread_join(rp->thread, NULL);
	rp->running = false;
	return run_done(rp);
}

/**
 * reaper_stop() - reaper_finish(), then free the reaper
 * @d:		daemon
 */
void reaper_stop(struct daemon *d)
{
	struct reaper *rp = &d->reaper;

	(void)reaper_finish(d);
	if (rp->locks_init) {
		(void)pthread_mutex_destroy(&rp->lock);
		(void)pthread_cond_destroy(&rp->wake);
	}
	if (rp->ev)
		event_free(rp->ev);
	if (rp->efd >= 0)
		(void)close(rp->efd);
	if (rp->sk)
		nl_socket_free(rp->sk);
	memset(rp, 0, sizeof(*rp));
	rp->efd = -1;
}

/**
 * reap_wait_put() - one thing @w waited for is done; the last one runs @w->all_done
 * @w:		waiter
 */
void reap_wait_put(struct reap_wait *w)
{
	if (--w->pending == 0)
		w->all_done(w);
}

/**
 * reaper_delete() - delete the link @name off the loop; @w learns when it is gone
 * @d:		daemon
 * @name:	link in netd's namespace
 * @what:	what it belonged to, for the log line when it cannot be deleted
 * @w:		waiter, counted up now and down (on the loop) once the link is gone or failed
 *		to go; NULL: delete it now, on the loop
 *
 * Without the thread (not started, or no memory for the job) the link is deleted at once.
 */
void reaper_delete(struct daemon *d, const char *name, const char *what, struct reap_wait *w)
{
	struct reaper *rp = &d->reaper;
	struct reap_job *j = w && rp->running ? calloc(1, sizeof(*j)) : NULL;

	if (!j) {
		struct netd_error le = NETD_ERROR_INIT;
		int r = link_delete(d->nl, name, &le);

		report(name, what, r, &le);
		return;
	}
	STRLCPY(j->name, name);
	STRLCPY(j->what, what);
	j->w = w;
	w->pending++;
	(void)pthread_mutex_lock(&rp->lock);
	*rp->todo_tail = j;
	rp->todo_tail = &j->next;
	(void)pthread_cond_signal(&rp->wake);
	(void)pthread_mutex_unlock(&rp->lock);
}

/**
 * reaper_pending() - whether the link @name is queued for deletion or being deleted
 * @d:		daemon
 * @name:	link name
 *
 * Return: true while a new link of that name would collide with it
 */
bool reaper_pending(struct daemon *d, const char *name)
{
	struct reaper *rp = &d->reaper;
	const struct reap_job *j;
	bool found = false;

	if (!rp->running)
		return false;
	(void)pthread_mutex_lock(&rp->lock);
	for (j = rp->busy; j && !found; j = j->next)
		found = strcmp(j->name, name) == 0;
	for (j = rp->todo; j && !found; j = j->next)
		found = strcmp(j->name, name) == 0;
	(void)pthread_mutex_unlock(&rp->lock);
	return found;
}
