/* SPDX-License-Identifier: GPL-2.0-only */
/* rec.h - records laid out the way the kernel lays them out, for the unit tests. */
#ifndef SHRIKE_TEST_REC_H
#define SHRIKE_TEST_REC_H

#include <stdint.h>
#include <string.h>
#include "shrike.h"

struct rec {
	_Alignas(8) char buf[1024];
	uint32_t len;
	uint16_t idx;
};

/* ts is 1000 + tid: records of one thread share it, which the tests rely on. */
static inline void rec_start(struct rec *r, uint16_t type, uint16_t nparams, uint32_t tid)
{
	struct shrike_evt_hdr h = { .type = type, .nparams = nparams, .ts = 1000 + tid,
				    .tid = tid, .pid = tid };

	memset(r, 0, sizeof(*r));
	memcpy(r->buf, &h, sizeof(h));
	r->len = (uint32_t)((sizeof(h) + nparams * 2 + 7) & ~7u);
}

/* The next parameter: len bytes at p, with plen flags (SHRIKE_PARAM_*) added. */
static inline void rec_param_flags(struct rec *r, const void *p, uint16_t len, uint16_t flags)
{
	uint16_t plen = len | flags;

	memcpy(r->buf + sizeof(struct shrike_evt_hdr) + 2 * r->idx++, &plen, 2);
	memcpy(r->buf + r->len, p, len);
	r->len += len;
}

static inline void rec_param(struct rec *r, const void *p, uint16_t len)
{
	rec_param_flags(r, p, len, 0);
}

static inline void rec_str(struct rec *r, const char *s)
{
	rec_param(r, s, (uint16_t)(strlen(s) + 1));
}

static inline void rec_u64(struct rec *r, uint64_t v)
{
	rec_param(r, &v, 8);
}

static inline void rec_finish(struct rec *r)
{
	r->len = (r->len + 7) & ~7u;
	memcpy(r->buf, &r->len, 4);
}

#endif /* SHRIKE_TEST_REC_H */
