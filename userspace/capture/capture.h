/* SPDX-License-Identifier: GPL-2.0-only */
/* capture.h - capture files: the raw event stream plus what replay needs (docs/CAPTURE.md). */
#ifndef SHRIKE_CAPTURE_H
#define SHRIKE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "shrike.h"

#define CAPTURE_MAGIC		"SHRKCAP\0"
#define CAPTURE_VERSION		1

struct capture_header {
	char magic[8];
	uint32_t version;		/* CAPTURE_VERSION */
	uint32_t abi_version;		/* SHRIKE_ABI_VERSION of the records */
	int64_t boot_offset_ns;		/* CLOCK_REALTIME - CLOCK_BOOTTIME when captured */
	uint64_t start_ns;		/* CLOCK_REALTIME when the capture started */
	char hostname[64];		/* NUL-terminated */
	uint32_t ncpus;
	uint32_t snaplen;
	uint8_t reserved[32];
};

enum capture_kind {
	CAP_RECORD = 1,		/* u32 cpu, u32 0, then one record as the module wrote it */
	CAP_PROC = 2,		/* a process from the /proc scan at start */
	CAP_SIDE = 3,		/* values read from outside the event stream (container, names) */
	CAP_END = 4,		/* u64 number of records: the file is complete */
};

struct capture_block {
	uint32_t kind;
	uint32_t len;		/* payload bytes; the next block starts 8-aligned after it */
};

struct proc;

struct capture_writer {
	FILE *f;
	char *path;
	uint64_t records;
	int failed;		/* a write failed: reported once */
};

int capture_open_write(struct capture_writer *w, const char *path, int64_t boot_offset_ns,
		       uint32_t ncpus, uint32_t snaplen, char *err, size_t errlen);
void capture_write_record(struct capture_writer *w, const struct shrike_evt_hdr *rec, uint32_t cpu);
void capture_write_proc(struct capture_writer *w, const struct proc *p);
/* values: n strings (NULL for unknown) that describe pid as of the next record */
void capture_write_side(struct capture_writer *w, uint32_t pid, const char *const *values, uint32_t n);
/* Writes the end marker and closes; -1 if anything failed. */
int capture_close_write(struct capture_writer *w);

/* Replay: the whole file mapped, walked block by block. */
struct capture_reader {
	const char *base;
	size_t size;
	size_t off;		/* next block */
	struct capture_header hdr;
	int ended;
	int mapped;		/* base is our mmap */
	char *path;
};

/* The callbacks replay uses; return nonzero to stop. */
struct capture_sink {
	void (*record)(void *ctx, const struct shrike_evt_hdr *rec, size_t len, uint32_t cpu);
	void (*proc)(void *ctx, struct proc *p);	/* takes ownership of p */
	void (*side)(void *ctx, uint32_t pid, const char *const *values, uint32_t n);
	void *ctx;
};

int capture_open_read(struct capture_reader *r, const char *path, char *err, size_t errlen);
/* The same over bytes in memory (not copied; fuzzing and tests). */
int capture_open_buffer(struct capture_reader *r, const void *buf, size_t len, const char *name,
			char *err, size_t errlen);
/*
 * Feed every block to the sink. A truncated or corrupt file stops with -1
 * and err naming the byte offset; records before it were delivered.
 */
int capture_replay(struct capture_reader *r, const struct capture_sink *sink, char *err, size_t errlen);
void capture_close_read(struct capture_reader *r);

/* Number of CAP_SIDE values: see fields/side.h. */
#define CAPTURE_SIDE_MAX 16

#endif /* SHRIKE_CAPTURE_H */
