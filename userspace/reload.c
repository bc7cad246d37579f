/* SPDX-License-Identifier: GPL-2.0-only */
/* reload.c - SIGHUP: configuration and rules read and compiled off the event thread, swapped in between events. */
/*
 * Compiling rules takes time (milliseconds for Falco's files, up to a second
 * for one near the engine's limits, longer on a slow disk), and so does
 * freeing them: the event thread must wait for neither, or the kernel's
 * rings fill and events are lost.
 *
 * A SIGHUP starts a reload thread, which reads the configuration and the
 * rules into a config and an engine of its own (it reads nothing of the
 * daemon but its command-line options, which never change) and publishes
 * them with a release store of done. The event thread looks between events
 * (an acquire load); when the reload is done it opens the new outputs and
 * swaps the new configuration and rules in, which is a few pointers, and
 * hands the old ones back to the thread (handback): the thread frees them,
 * then says finished, and only then is it joined. Nothing of the old engine
 * is in use by then: the event thread, the only one that ever used it, is
 * between events and holds the new one. A reload that fails changes nothing:
 * the old configuration, rules and outputs stay, and the reason is on
 * stderr. One reload thread at a time: a SIGHUP meanwhile asks for one more
 * after it.
 */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "daemon.h"
#include "lib/log.h"
#include "lib/thread.h"
#include "output/output.h"
#include "reload.h"
#include "rules/rule_engine.h"
#include "web/metrics.h"
#include "watch.h"

struct reload {
	pthread_t thread;
	const struct daemon *d;		/* its options only */
	/*
	 * What the thread builds, the event thread's between done and
	 * handback; then what the thread frees (the old ones after a swap).
	 */
	struct config cfg;
	char hostname[sizeof(((struct daemon *)0)->hostname)];
	struct rule_engine *rules;
	int ok;
	atomic_int done;		/* built (or failed): the event thread's turn */
	sem_t handback;			/* the event thread is done with it: the thread's turn */
	int handed;			/* (event thread) handback posted */
	atomic_int finished;		/* freed: the thread is returning, join it */
};

static void *reload_main(void *arg)
{
	struct reload *r = arg;

	r->ok = daemon_read_config(r->d, &r->cfg, r->hostname, sizeof(r->hostname)) == 0 &&
		(r->rules = daemon_load_rules(&r->cfg, 0)) != NULL;
	atomic_store_explicit(&r->done, 1, memory_order_release);
	while (sem_wait(&r->handback) < 0)
		;	/* EINTR: all signals are blocked here, but be sure */
	rule_engine_free(r->rules);
	config_free(&r->cfg);
	atomic_store_explicit(&r->finished, 1, memory_order_release);
	return NULL;
}

static void reload_start(struct daemon *d)
{
	struct reload *r = calloc(1, sizeof(*r));
	int err;

	if (!r || sem_init(&r->handback, 0, 0) < 0) {
		log_error("reload failed: out of memory; keeping the previous configuration and rules");
		free(r);
		return;
	}
	r->d = d;
	err = thread_start(&r->thread, NULL, reload_main, r);
	if (err) {
		log_error("reload failed: cannot start the reload thread: %s; keeping the previous "
			  "configuration and rules", strerror(err));
		sem_destroy(&r->handback);
		free(r);
		return;
	}
	d->reload = r;
}

static void reload_begin(struct daemon *d)
{
	if (d->reload)
		d->reload_again = 1;
	else
		reload_start(d);
}

void reload_request(struct daemon *d)
{
	outputs_reopen(d->out);	/* logrotate's SIGHUP, even if the reload fails */
	reload_begin(d);
}

void reload_follow(struct daemon *d)
{
	const char *const *rules = (const char *const *)d->cfg.rules_files;

	if (!d->cfg.watch_config_files) {
		watch_stop(d->watch);
		d->watch = NULL;
	} else if (d->watch) {
		watch_update(d->watch, d->config_path, rules, d->cfg.n_rules_files);
	} else {
		d->watch = watch_start(d->config_path, rules, d->cfg.n_rules_files);
	}
}

int reload_tick(struct daemon *d, volatile sig_atomic_t *hup)
{
	if (*hup) {
		*hup = 0;
		reload_request(d);
	} else if (watch_changed(d->watch)) {
		log_info("configuration or rules changed: reloading");
		reload_begin(d);
	}
	return reload_poll(d);
}

/*
 * The reload's configuration, rules and outputs in place of the daemon's,
 * the old ones left in r for the thread to free; 0, or -1 (nothing changed).
 */
static int swap_in(struct daemon *d, struct reload *r)
{
	struct output_config oc = config_outputs(&r->cfg);
	struct outputs *out = outputs_open(&oc);
	struct rule_engine *old_rules = d->rules;
	struct config old_cfg = d->cfg;

	if (!out) {
		log_error("reload failed: cannot open the outputs; keeping the previous configuration and rules");
		return -1;
	}
	d->rules = r->rules;
	d->cfg = r->cfg;
	memcpy(d->hostname, r->hostname, sizeof(d->hostname));
	outputs_close(d->out);
	d->out = out;
	r->rules = old_rules;
	r->cfg = old_cfg;
	log_info("reloaded: %zu rules files", d->cfg.n_rules_files);
	return 0;
}

/* The thread has freed what it was handed and is returning. */
static void reload_join(struct reload *r)
{
	pthread_join(r->thread, NULL);
	sem_destroy(&r->handback);
	free(r);
}

int reload_poll(struct daemon *d)
{
	struct reload *r = d->reload;
	int swapped = 0;

	if (!r)
		return 0;
	if (!r->handed) {
		if (!atomic_load_explicit(&r->done, memory_order_acquire))
			return 0;
		if (!r->ok)
			log_error("reload failed; keeping the previous configuration and rules");
		else if ((swapped = swap_in(d, r) == 0))
			reload_follow(d);
		if (d->metrics) {
			metrics_reload(d->metrics, swapped);
			if (swapped)
				metrics_rules_set(d->metrics, d->rules);
		}
		r->handed = 1;
		sem_post(&r->handback);
		return swapped;
	}
	if (!atomic_load_explicit(&r->finished, memory_order_acquire))
		return 0;
	reload_join(r);
	d->reload = NULL;
	if (d->reload_again) {
		d->reload_again = 0;
		reload_start(d);
	}
	return 0;
}

void reload_stop(struct daemon *d)
{
	struct reload *r = d->reload;

	if (!r)
		return;
	if (!r->handed)
		sem_post(&r->handback);	/* what it built is not used: it frees that */
	reload_join(r);
	d->reload = NULL;
	d->reload_again = 0;
}
