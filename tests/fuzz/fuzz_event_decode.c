/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_event_decode.c - arbitrary bytes as a stream of records from the
 * kernel: every record goes through the decoder, the enter/exit join, the
 * process table and the JSON printer. Nothing may crash or read out of
 * bounds whatever the lengths say.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "output/evt_json.h"
#include "pipeline.h"

static FILE *devnull;

static void sink(struct pipeline *pl, struct sevent *ev)
{
	(void)pl;
	evt_json_print(devnull, ev, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipeline pl;
	size_t off = 0;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (pipeline_init(&pl, sink, NULL) < 0)
		return 0;
	pl.procs.no_procfs = 1;
	/* records back to back, each claiming its own length as the ring would */
	while (size - off >= sizeof(struct shrike_evt_hdr)) {
		_Alignas(8) char rec[SHRIKE_MAX_EVENT];
		size_t n = size - off < sizeof(rec) ? size - off : sizeof(rec);
		uint32_t len;

		memcpy(rec, data + off, n);
		pipeline_feed(&pl, (const struct shrike_evt_hdr *)rec, n, (uint32_t)(off & 1));
		memcpy(&len, rec, sizeof(len));
		len = (len + 7) & ~7u;
		off += len >= 8 && len <= n ? len : n;
	}
	pipeline_free(&pl);
	return 0;
}
