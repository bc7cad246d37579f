/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * source.h - where live records come from: the kernel module's per-CPU rings
 * or the eBPF driver's ring, behind one interface, so that the live loop
 * (live.c) never knows which driver filled a record.
 *
 * The contract both keep: source_next() hands out records in stamp order
 * among those it has, up to limit; after source_refresh(), oldest_pending is
 * the stamp of a record being written right now (UINT64_MAX if none), which
 * the caller must not pass; a record stays valid until source_release().
 */
#ifndef SHRIKE_SOURCE_H
#define SHRIKE_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include "shrike.h"

enum source_driver {
	SOURCE_AUTO,		/* the module if it is there or loads, else eBPF */
	SOURCE_KMOD,
	SOURCE_BPF,
};

/* One CPU's counters and buffer, for the metrics. */
struct source_cpu_stats {
	int has_ring;
	uint64_t seen, drop_full, fault, drop_nested;
	uint64_t size_bytes, used_bytes;	/* 0 where the buffer is not per CPU */
};

struct source_ops {
	const char *name;	/* "kmod", "bpf": logs and metrics */
	uint64_t (*refresh)(void *impl, uint64_t *oldest_pending);
	const struct shrike_evt_hdr *(*next)(void *impl, uint64_t limit, uint32_t *cpu);
	uint64_t (*oldest)(void *impl);
	int (*release)(void *impl);
	int (*counters)(void *impl, struct shrike_counters *c);
	int (*set_mask)(void *impl, const struct shrike_syscall_mask *m);
	/* the counters say CPUs came online since: read them too */
	void (*grow)(void *impl, const struct shrike_counters *c);
	uint64_t (*corrupt)(void *impl);	/* records or positions rejected */
	/* st[0..n): CPUs 0..n-1 */
	void (*cpu_stats)(void *impl, struct source_cpu_stats *st, uint32_t n);
	int (*pollfd)(void *impl);		/* readable when records may be there */
	void (*close)(void *impl);
};

struct source {
	const struct source_ops *ops;
	void *impl;
	uint32_t ncpus;			/* CPU numbers records carry are below this */
	uint32_t snaplen;
	uint64_t oldest_pending;	/* after refresh: see above */
};

struct source_params {
	enum source_driver driver;
	const char *device;		/* the module's device */
	int device_given;		/* -D: auto means that device, the module */
	uint64_t buffer_size;		/* ring bytes per CPU (the eBPF ring: times CPUs) */
};

int source_driver_parse(const char *s, enum source_driver *d);
int source_open(struct source *s, const struct source_params *p, char *err, size_t errlen);
void source_close(struct source *s);

static inline const char *source_name(const struct source *s)
{
	return s->ops ? s->ops->name : "none";
}

static inline uint64_t source_refresh(struct source *s)
{
	return s->ops->refresh(s->impl, &s->oldest_pending);
}

static inline const struct shrike_evt_hdr *source_next(struct source *s, uint64_t limit,
						       uint32_t *cpu)
{
	return s->ops->next(s->impl, limit, cpu);
}

static inline uint64_t source_oldest(struct source *s)
{
	return s->ops->oldest(s->impl);
}

static inline int source_release(struct source *s)
{
	return s->ops->release(s->impl);
}

static inline int source_counters(struct source *s, struct shrike_counters *c)
{
	return s->ops->counters(s->impl, c);
}

static inline int source_set_mask(struct source *s, const struct shrike_syscall_mask *m)
{
	return s->ops->set_mask(s->impl, m);
}

static inline void source_grow(struct source *s, const struct shrike_counters *c)
{
	s->ops->grow(s->impl, c);
}

static inline uint64_t source_corrupt(struct source *s)
{
	return s->ops ? s->ops->corrupt(s->impl) : 0;
}

static inline void source_cpu_stats(struct source *s, struct source_cpu_stats *st, uint32_t n)
{
	s->ops->cpu_stats(s->impl, st, n);
}

static inline int source_pollfd(struct source *s)
{
	return s->ops->pollfd(s->impl);
}

/* source_kmod.c, source_bpf.c */
int source_kmod_open(struct source *s, const char *device, char *err, size_t errlen);
int source_bpf_open(struct source *s, uint64_t buffer_size, char *err, size_t errlen);

#endif /* SHRIKE_SOURCE_H */
