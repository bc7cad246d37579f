/* SPDX-License-Identifier: GPL-2.0-only */
/* capture.c - writing and replaying capture files; every length is checked on read. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "capture/capture.h"
#include "lib/log.h"
#include "enrich/proctab.h"

#define NO_STRING 0xffffffffu

static void wr(struct capture_writer *w, const void *p, size_t n)
{
	if (w->failed || !n)
		return;
	if (fwrite(p, 1, n, w->f) != n) {
		w->failed = 1;
		log_error("cannot write capture '%s': %s", w->path, strerror(errno));
	}
}

static void wr_block(struct capture_writer *w, uint32_t kind, const void *a, size_t alen,
		     const void *b, size_t blen)
{
	static const char zeros[8];
	struct capture_block blk = { .kind = kind, .len = (uint32_t)(alen + blen) };

	wr(w, &blk, sizeof(blk));
	wr(w, a, alen);
	wr(w, b, blen);
	wr(w, zeros, (8 - (blk.len & 7)) & 7);
}

int capture_open_write(struct capture_writer *w, const char *path, int64_t boot_offset_ns,
		       uint32_t ncpus, uint32_t snaplen, char *err, size_t errlen)
{
	struct capture_header h = { .version = CAPTURE_VERSION, .abi_version = SHRIKE_ABI_VERSION };
	struct timespec ts;

	memset(w, 0, sizeof(*w));
	w->f = fopen(path, "wb");
	if (!w->f) {
		snprintf(err, errlen, "cannot create capture '%s': %s", path, strerror(errno));
		return -1;
	}
	w->path = strdup(path);
	setvbuf(w->f, NULL, _IOFBF, 1 << 20);
	memcpy(h.magic, CAPTURE_MAGIC, sizeof(h.magic));
	h.boot_offset_ns = boot_offset_ns;
	clock_gettime(CLOCK_REALTIME, &ts);
	h.start_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	gethostname(h.hostname, sizeof(h.hostname) - 1);
	h.ncpus = ncpus;
	h.snaplen = snaplen;
	wr(w, &h, sizeof(h));
	return w->failed ? -1 : 0;
}

void capture_write_record(struct capture_writer *w, const struct shrike_evt_hdr *rec, uint32_t cpu)
{
	uint32_t pre[2] = { cpu, 0 };

	wr_block(w, CAP_RECORD, pre, sizeof(pre), rec, rec->len);
	w->records++;
}

/* A string as u32 length + bytes (NO_STRING for NULL), appended to buf. */
static size_t put_str(char *buf, size_t off, const char *s, size_t n)
{
	uint32_t len = s ? (uint32_t)n : NO_STRING;

	memcpy(buf + off, &len, 4);
	if (s)
		memcpy(buf + off + 4, s, n);
	return off + 4 + (s ? n : 0);
}

void capture_write_proc(struct capture_writer *w, const struct proc *p)
{
	size_t el = p->exepath ? strlen(p->exepath) : 0, cl = p->cwd ? strlen(p->cwd) : 0;
	size_t n = 8 + sizeof(p->ctx) + 3 * 4 + el + cl + p->args_len;
	char *buf = malloc(n);
	uint32_t head[2] = { p->pid, (uint32_t)p->has_ctx };
	size_t off;

	if (!buf)
		return;
	memcpy(buf, head, 8);
	memcpy(buf + 8, &p->ctx, sizeof(p->ctx));
	off = 8 + sizeof(p->ctx);
	off = put_str(buf, off, p->exepath, el);
	off = put_str(buf, off, p->cwd, cl);
	off = put_str(buf, off, p->args, p->args_len);
	wr_block(w, CAP_PROC, buf, off, NULL, 0);
	free(buf);
}

void capture_write_side(struct capture_writer *w, uint32_t pid, const char *const *values, uint32_t n)
{
	size_t total = 8, i, off;
	char *buf;

	for (i = 0; i < n; i++)
		total += 4 + (values[i] ? strlen(values[i]) : 0);
	buf = malloc(total);
	if (!buf)
		return;
	memcpy(buf, &pid, 4);
	memcpy(buf + 4, &n, 4);
	for (i = 0, off = 8; i < n; i++)
		off = put_str(buf, off, values[i], values[i] ? strlen(values[i]) : 0);
	wr_block(w, CAP_SIDE, buf, off, NULL, 0);
	free(buf);
}

int capture_close_write(struct capture_writer *w)
{
	int ret;

	if (!w->f)
		return 0;
	wr_block(w, CAP_END, &w->records, sizeof(w->records), NULL, 0);
	if (fflush(w->f) != 0 && !w->failed) {
		w->failed = 1;
		log_error("cannot write capture '%s': %s", w->path, strerror(errno));
	}
	ret = fclose(w->f) == 0 && !w->failed ? 0 : -1;
	free(w->path);
	memset(w, 0, sizeof(*w));
	return ret;
}

static int check_header(struct capture_reader *r, char *err, size_t errlen)
{
	if (r->size < sizeof(r->hdr)) {
		snprintf(err, errlen, "capture '%s': truncated at byte offset %zu: no complete header",
			 r->path, r->size);
		return -1;
	}
	memcpy(&r->hdr, r->base, sizeof(r->hdr));
	if (memcmp(r->hdr.magic, CAPTURE_MAGIC, sizeof(r->hdr.magic))) {
		snprintf(err, errlen, "capture '%s': corrupt at byte offset 0: not a shrike capture", r->path);
		return -1;
	}
	if (r->hdr.version != CAPTURE_VERSION || r->hdr.abi_version < SHRIKE_RECORD_ABI_MIN ||
	    r->hdr.abi_version > SHRIKE_ABI_VERSION) {
		snprintf(err, errlen, "capture '%s': format %u, abi %u; this shrike reads format %u, abi %u to %u",
			 r->path, r->hdr.version, r->hdr.abi_version, CAPTURE_VERSION,
			 SHRIKE_RECORD_ABI_MIN, SHRIKE_ABI_VERSION);
		return -1;
	}
	r->hdr.hostname[sizeof(r->hdr.hostname) - 1] = '\0';
	r->off = sizeof(r->hdr);
	return 0;
}

int capture_open_buffer(struct capture_reader *r, const void *buf, size_t len, const char *name,
			char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->base = buf;
	r->size = len;
	r->path = strdup(name);
	if (check_header(r, err, errlen) < 0) {
		capture_close_read(r);
		return -1;
	}
	return 0;
}

int capture_open_read(struct capture_reader *r, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	memset(r, 0, sizeof(*r));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open capture '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "capture '%s' is not a regular file", path);
		close(fd);
		return -1;
	}
	r->path = strdup(path);
	r->size = (size_t)st.st_size;
	if (r->size >= sizeof(r->hdr)) {
		r->base = mmap(NULL, r->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (r->base == MAP_FAILED) {
			snprintf(err, errlen, "cannot map capture '%s': %s", path, strerror(errno));
			r->base = NULL;
			close(fd);
			capture_close_read(r);
			return -1;
		}
		r->mapped = 1;
		madvise((void *)r->base, r->size, MADV_SEQUENTIAL);
	}
	close(fd);
	if (check_header(r, err, errlen) < 0) {
		capture_close_read(r);
		return -1;
	}
	return 0;
}

void capture_close_read(struct capture_reader *r)
{
	if (r->mapped)
		munmap((void *)r->base, r->size);
	free(r->path);
	memset(r, 0, sizeof(*r));
}

/* A u32-length string at *off within [p, p+n); NULL with *ok kept for NO_STRING. */
static char *get_str(const char *p, size_t n, size_t *off, size_t *len, int *ok)
{
	uint32_t l;

	if (n - *off < 4) {
		*ok = 0;
		return NULL;
	}
	memcpy(&l, p + *off, 4);
	*off += 4;
	if (l == NO_STRING)
		return NULL;
	if (l > n - *off) {
		*ok = 0;
		return NULL;
	}
	*len = l;
	*off += l;
	/* bytes, not a C string: argv holds NULs */
	{
		char *d = malloc((size_t)l + 1);

		if (!d) {
			*ok = 0;
			return NULL;
		}
		memcpy(d, p + *off - l, l);
		d[l] = '\0';
		return d;
	}
}

static struct proc *decode_proc(const char *p, size_t n)
{
	struct proc *pr = calloc(1, sizeof(*pr));
	uint32_t head[2];
	size_t off = 8 + sizeof(pr->ctx), len = 0;
	int ok = 1;

	if (!pr || n < off) {
		free(pr);
		return NULL;
	}
	memcpy(head, p, 8);
	pr->pid = head[0];
	pr->has_ctx = head[1] != 0;
	memcpy(&pr->ctx, p + 8, sizeof(pr->ctx));
	pr->ctx.comm[sizeof(pr->ctx.comm) - 1] = '\0';
	memcpy(pr->comm, pr->ctx.comm, sizeof(pr->comm));
	pr->start_ns = pr->ctx.start_ns;
	pr->exepath = get_str(p, n, &off, &len, &ok);
	pr->cwd = get_str(p, n, &off, &len, &ok);
	len = 0;
	pr->args = get_str(p, n, &off, &len, &ok);
	pr->args_len = pr->args ? len : 0;
	if (!ok || off != n) {
		free(pr->exepath);
		free(pr->cwd);
		free(pr->args);
		free(pr);
		return NULL;
	}
	return pr;
}

static int replay_side(const struct capture_sink *sink, const char *p, size_t n)
{
	char *vals[CAPTURE_SIDE_MAX] = { 0 };
	uint32_t pid, cnt, i;
	size_t off = 8, len;
	int ok = 1;

	if (n < 8)
		return -1;
	memcpy(&pid, p, 4);
	memcpy(&cnt, p + 4, 4);
	if (cnt > CAPTURE_SIDE_MAX)
		return -1;
	for (i = 0; i < cnt && ok; i++)
		vals[i] = get_str(p, n, &off, &len, &ok);
	if (ok && off == n)
		sink->side(sink->ctx, pid, (const char *const *)vals, cnt);
	for (i = 0; i < cnt; i++)
		free(vals[i]);
	return ok && off == n ? 0 : -1;
}

int capture_replay(struct capture_reader *r, const struct capture_sink *sink, char *err, size_t errlen)
{
	while (r->off < r->size) {
		struct capture_block blk;
		size_t at = r->off, room = r->size - r->off - sizeof(blk);
		const char *p;
		const char *why = NULL;

		if (r->size - r->off < sizeof(blk)) {
			why = "truncated block header";
			goto bad;
		}
		memcpy(&blk, r->base + r->off, sizeof(blk));
		if (blk.len > room) {
			why = "block runs past the end of the file (truncated)";
			goto bad;
		}
		p = r->base + r->off + sizeof(blk);
		switch (blk.kind) {
		case CAP_RECORD: {
			uint32_t cpu;

			if (blk.len < 8 + sizeof(struct shrike_evt_hdr)) {
				why = "record block too short";
				goto bad;
			}
			memcpy(&cpu, p, 4);
			/* the pipeline validates the record itself against blk.len - 8 */
			sink->record(sink->ctx, (const struct shrike_evt_hdr *)(p + 8), blk.len - 8, cpu);
			break;
		}
		case CAP_PROC: {
			struct proc *pr = decode_proc(p, blk.len);

			if (!pr) {
				why = "malformed process block";
				goto bad;
			}
			sink->proc(sink->ctx, pr);
			break;
		}
		case CAP_SIDE:
			if (replay_side(sink, p, blk.len) < 0) {
				why = "malformed side block";
				goto bad;
			}
			break;
		case CAP_END:
			r->ended = 1;
			break;
		default:
			why = "unknown block kind";
			goto bad;
		}
		r->off += sizeof(blk) + ((blk.len + 7u) & ~7u);
		if (r->off > r->size)
			r->off = r->size;
		continue;
bad:
		snprintf(err, errlen, "capture '%s': corrupt at byte offset %zu: %s", r->path, at, why);
		return -1;
	}
	if (!r->ended) {
		snprintf(err, errlen, "capture '%s': truncated at byte offset %zu: no end marker",
			 r->path, r->size);
		return -1;
	}
	return 0;
}
