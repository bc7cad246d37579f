/* SPDX-License-Identifier: GPL-2.0-only */
/* clock.h - the one monotonic clock of the daemon, in milliseconds or nanoseconds. */
#ifndef SHRIKE_CLOCK_H
#define SHRIKE_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t mono_ns(void);

/*
 * CLOCK_MONOTONIC in milliseconds. It takes (and ignores) an argument so that
 * it is the default of the caches' now_ms hooks, which tests replace.
 */
uint64_t mono_ms(void *unused);

#endif /* SHRIKE_CLOCK_H */
