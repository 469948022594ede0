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
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <netd/link.h>
#include <netd/nlsock.h>
#include <netd/undo.h>

#include "daemon.h"

struct reap_job {
	struct reap_job *next;
	char name[IFNAMSIZ];
	char what[160]; /* for the log line when the link stays */
	int r;
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

static void *reaper_main(void *arg)
{
	struct reaper *rp = arg;
	const uint64_t one = 1;

	(void)pthread_mutex_lock(&rp->lock);
	for (;;) {
		struct reap_job *j;

		while (!rp->todo && !rp->stop)
			(void)pthread_cond_wait(&rp->wake, &rp->lock);
		j = rp->todo;
		if (!j)
			break;
		rp->todo = j->next;
		if (!rp->todo)
			rp->todo_tail = &rp->todo;
		j->next = NULL;
		rp->busy = j;
		(void)pthread_mutex_unlock(&rp->lock);

		j->r = link_delete(rp->sk, j->name, &j->err);

		(void)pthread_mutex_lock(&rp->lock);
		rp->busy = NULL;
		*rp->done_tail = j;
		rp->done_tail = &j->next;
		/* a full eventfd counter cannot happen: one write per job, read on every wakeup */
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
	if (rp->busy && strcmp(rp->busy->name, name) == 0)
		found = true;
	for (j = rp->todo; j && !found; j = j->next)
		found = strcmp(j->name, name) == 0;
	(void)pthread_mutex_unlock(&rp->lock);
	return found;
}
