/* SPDX-License-Identifier: GPL-2.0-only */
/* thread.c - helper threads start with every signal blocked; the event loop takes them. */
#include <signal.h>
#include "lib/thread.h"

int thread_start(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	/* the new thread inherits the mask in force at pthread_create */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(t, attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}
