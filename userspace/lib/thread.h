/* SPDX-License-Identifier: GPL-2.0-only */
/* thread.h - starting the daemon's helper threads with every signal blocked. */
#ifndef SHRIKE_THREAD_H
#define SHRIKE_THREAD_H

#include <pthread.h>

/*
 * pthread_create with every signal blocked in the new thread: signals
 * belong to the event loop (its flags, its EINTR), and a SIGPIPE raised by
 * a helper's write stays with that helper instead of killing the daemon.
 * The caller's mask is unchanged. Returns pthread_create's error, or 0.
 */
int thread_start(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);

#endif /* SHRIKE_THREAD_H */
