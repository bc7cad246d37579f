/* SPDX-License-Identifier: GPL-2.0-only */
/* reload.h - SIGHUP: configuration and rules read and compiled off the event thread, swapped in between events. */
#ifndef SHRIKE_RELOAD_H
#define SHRIKE_RELOAD_H

#include <signal.h>

struct daemon;

/*
 * SIGHUP: reopen the file output (logrotate), then read the configuration
 * and the rules again in a thread of their own. Returns at once; a SIGHUP
 * during a reload asks for one more after it.
 */
void reload_request(struct daemon *d);
/*
 * Between events, on the event thread: if a reload has finished, swap its
 * configuration, rules and outputs in (or, if it failed, keep the old ones:
 * the error is on stderr); the old ones are freed by the reload thread.
 * Returns 1 when the rules were replaced (the syscalls to capture may
 * differ), else 0. Never waits for a compile, nor for a free.
 */
int reload_poll(struct daemon *d);
/*
 * Between events: a SIGHUP (*hup, cleared) or a settled change the watcher
 * saw starts a reload; then reload_poll(). Returns what reload_poll does.
 */
int reload_tick(struct daemon *d, volatile sig_atomic_t *hup);
/*
 * watch_config_files: start, update or stop d->watch to follow d->cfg (its
 * configuration file and rules paths). At start and after each swap.
 */
void reload_follow(struct daemon *d);
/* At exit: wait for a reload under way and drop what it built. */
void reload_stop(struct daemon *d);

#endif /* SHRIKE_RELOAD_H */
