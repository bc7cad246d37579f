/* SPDX-License-Identifier: GPL-2.0-only */
/* userdb.c - container-local passwd/group, parsed in place and cached per key (files: userdb_root.c) */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "enrich/userdb.h"
#include "lib/clock.h"
#include "lib/lru.h"

#define LINE_MAX_LEN	(64u << 10)	/* longer lines are skipped, not split */
#define NAME_MAX_LEN	255		/* LOGIN_NAME_MAX - 1 */
#define ID_INVALID	0xffffffffu	/* (uid_t)-1 is never a real id */

/* ======================================================================
 * Parsing passwd and group in place
 * ====================================================================== */

/* One entry; offsets into the table's buffer keep it at 16 bytes. */
struct rec {
	uint32_t id;
	uint32_t name, home, shell;
};

struct table {
	char *buf;
	size_t len;
	struct rec *recs;
	size_t n, cap;
	int err;
};

struct userdb {
	struct table pw, gr;
};

/* Plain decimal, no sign or blanks, below 2^32 - 1. Anything else: not an id. */
static uint32_t parse_id(const char *s)
{
	uint64_t v = 0;

	if (!*s)
		return ID_INVALID;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return ID_INVALID;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v >= ID_INVALID)
			return ID_INVALID;
	}
	return (uint32_t)v;
}

/* Split a NUL-terminated line on ':' into at most @max fields; the last takes the rest. */
static int split(char *s, char **f, int max)
{
	int n = 0;
	char *c;

	f[n++] = s;
	while (n < max && (c = strchr(s, ':'))) {
		*c = '\0';
		s = c + 1;
		f[n++] = s;
	}
	return n;
}

static int table_push(struct table *t, uint32_t id, const char *name, const char *home,
		      const char *shell)
{
	struct rec *r;

	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;

		r = realloc(t->recs, ncap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		t->recs = r;
		t->cap = ncap;
	}
	r = &t->recs[t->n++];
	r->id = id;
	r->name = (uint32_t)(name - t->buf);
	r->home = (uint32_t)(home - t->buf);
	r->shell = (uint32_t)(shell - t->buf);
	return 0;
}

/*
 * Add the entry of one line (NUL-terminated, newline gone). @passwd selects
 * the layout; @end is the line's NUL, the "" that missing fields point to.
 */
static int parse_line(struct table *t, char *s, char *end, int passwd)
{
	char *f[7];
	int n, min = passwd ? 4 : 3;
	uint32_t id;

	s += strspn(s, " \t");
	if (*s == '\0' || *s == '#' || *s == '+' || *s == '-')
		return 0;	/* blank, comment, NIS compat */
	n = split(s, f, passwd ? 7 : 4);
	if (n < min || f[0][0] == '\0' || strlen(f[0]) > NAME_MAX_LEN)
		return 0;
	id = parse_id(f[2]);
	if (id == ID_INVALID)
		return 0;
	if (!passwd)
		return table_push(t, id, f[0], end, end);
	if (parse_id(f[3]) == ID_INVALID)
		return 0;	/* getpwent(3) rejects a bad gid too */
	return table_push(t, id, f[0], n > 5 ? f[5] : end, n > 6 ? f[6] : end);
}

/* Same id: the earlier line (lower offset) first, so dedup keeps it. */
static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

static void table_sort(struct table *t)
{
	size_t i, out = 0;

	if (t->n == 0)
		return;		/* recs may be NULL, which qsort must not see */
	qsort(t->recs, t->n, sizeof(*t->recs), rec_cmp);
	for (i = 0; i < t->n; i++)
		if (out == 0 || t->recs[out - 1].id != t->recs[i].id)
			t->recs[out++] = t->recs[i];
	t->n = out;
}

static void table_clear(struct table *t, int err)
{
	free(t->buf);
	free(t->recs);
	memset(t, 0, sizeof(*t));
	t->err = err;
}

static int table_load(struct table *t, char *buf, size_t len, int passwd)
{
	char *s, *nl, *end = buf + len;
	int err;

	table_clear(t, 0);
	if (len > UINT32_MAX - 1) {
		free(buf);
		return t->err = -EFBIG;
	}
	t->buf = buf;
	t->len = len;
	buf[len] = '\0';
	for (s = buf; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end;
		if ((size_t)(nl - s) > LINE_MAX_LEN || memchr(s, '\0', (size_t)(nl - s)))
			continue;
		*nl = '\0';
		if (nl > s && nl[-1] == '\r')
			nl[-1] = '\0';
		err = parse_line(t, s, nl, passwd);
		if (err) {
			table_clear(t, err);
			return err;
		}
	}
	table_sort(t);
	return (int)(t->n > INT_MAX ? INT_MAX : t->n);
}

struct userdb *userdb_new(void)
{
	return calloc(1, sizeof(struct userdb));
}

void userdb_free(struct userdb *db)
{
	if (!db)
		return;
	table_clear(&db->pw, 0);
	table_clear(&db->gr, 0);
	free(db);
}

int userdb_load_passwd(struct userdb *db, char *buf, size_t len)
{
	if (!db || !buf) {
		free(buf);
		return -EINVAL;
	}
	return table_load(&db->pw, buf, len, 1);
}

int userdb_load_group(struct userdb *db, char *buf, size_t len)
{
	if (!db || !buf) {
		free(buf);
		return -EINVAL;
	}
	return table_load(&db->gr, buf, len, 0);
}

static const struct rec *table_find(const struct table *t, uint32_t id)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->recs[mid].id == id)
			return &t->recs[mid];
		if (t->recs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int userdb_user_lookup(const struct userdb *db, uint32_t uid, struct userdb_user *out)
{
	const struct rec *r = db ? table_find(&db->pw, uid) : NULL;

	if (!r)
		return -ENOENT;
	out->name = db->pw.buf + r->name;
	out->home = db->pw.buf + r->home;
	out->shell = db->pw.buf + r->shell;
	return 0;
}

const char *userdb_user_name(const struct userdb *db, uint32_t uid)
{
	const struct rec *r = db ? table_find(&db->pw, uid) : NULL;

	return r ? db->pw.buf + r->name : NULL;
}

const char *userdb_group_name(const struct userdb *db, uint32_t gid)
{
	const struct rec *r = db ? table_find(&db->gr, gid) : NULL;

	return r ? db->gr.buf + r->name : NULL;
}

size_t userdb_user_count(const struct userdb *db)
{
	return db ? db->pw.n : 0;
}

size_t userdb_group_count(const struct userdb *db)
{
	return db ? db->gr.n : 0;
}

int userdb_passwd_error(const struct userdb *db)
{
	return db ? db->pw.err : -ENOENT;
}

int userdb_group_error(const struct userdb *db)
{
	return db ? db->gr.err : -ENOENT;
}

/* ======================================================================
 * The cache: one entry per key, LRU-bounded, revalidated by stat
 * ====================================================================== */

static const char *const files[2] = { "etc/passwd", "etc/group" };

/* What a file looked like when read; equal stamps mean no reparse. */
struct stamp {
	int known;		/* 0: never looked at, or must be read again */
	int open_err;		/* the open/fstat error, 0 if it was opened */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim, ctim;
};

struct entry {
	struct entry *hnext;		/* hash chain */
	struct lru_node lru;	/* LRU list, most recent first */
	uint64_t checked_ms;
	uint64_t serial;		/* tells this entry from a later one of the same key */
	int recheck;			/* the next get checks the files, whatever the time */
	size_t bytes;
	int root_err;
	struct stamp stamp[2];
	struct userdb db;
	uint32_t hash;
	char key[];
};

/*
 * One refresh of a key's files, done apart from the cache so that it can run
 * on another thread: userdb_job_new() copies what the cache knows in,
 * userdb_job_run() does the I/O, userdb_job_apply() puts the result back.
 */
struct userdb_job {
	uint64_t serial;		/* of the entry it refreshes */
	size_t file_cap;
	struct stamp stamp[2];		/* in: as cached; out: as found */
	int read[2];			/* out: tab[i] replaces the cached table */
	struct table tab[2];
	int root_err;
	char key[];
};

struct userdb_cache {
	struct userdb_config cfg;
	struct entry **buckets;
	size_t nbuckets;		/* a power of two */
	struct lru lru;			/* the entries, most recently used first */
	size_t count, bytes;
	uint64_t serial;		/* the last entry's */
};

/* FNV-1a: keys come from the daemon (inode numbers, container names). */
static uint32_t key_hash(const char *key)
{
	uint32_t h = 2166136261u;

	for (; *key; key++)
		h = (h ^ (uint8_t)*key) * 16777619u;
	return h;
}

struct userdb_cache *userdb_cache_new(const struct userdb_config *cfg)
{
	struct userdb_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (cfg)
		c->cfg = *cfg;
	if (!c->cfg.revalidate_ms)
		c->cfg.revalidate_ms = USERDB_REVALIDATE_MS;
	if (!c->cfg.max_entries)
		c->cfg.max_entries = USERDB_MAX_ENTRIES;
	if (!c->cfg.max_bytes)
		c->cfg.max_bytes = USERDB_MAX_BYTES;
	if (!c->cfg.file_cap || c->cfg.file_cap > UINT32_MAX - 1)
		c->cfg.file_cap = c->cfg.file_cap ? UINT32_MAX - 1 : USERDB_FILE_CAP;
	if (!c->cfg.now_ms)
		c->cfg.now_ms = mono_ms;
	/* Sized once for the entry bound: chains stay short, no rehash. */
	for (c->nbuckets = 16; c->nbuckets < c->cfg.max_entries && c->nbuckets < (1u << 20);)
		c->nbuckets *= 2;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return NULL;
	}
	return c;
}

static struct entry **bucket_of(struct userdb_cache *c, uint32_t hash)
{
	return &c->buckets[hash & (c->nbuckets - 1)];
}

static struct entry *find(struct userdb_cache *c, const char *key, uint32_t hash)
{
	struct entry *e;

	for (e = *bucket_of(c, hash); e; e = e->hnext)
		if (e->hash == hash && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static void entry_remove(struct userdb_cache *c, struct entry *e)
{
	struct entry **pp = bucket_of(c, e->hash);

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(&c->lru, &e->lru);
	c->count--;
	c->bytes -= e->bytes;
	table_clear(&e->db.pw, 0);
	table_clear(&e->db.gr, 0);
	free(e);
}

void userdb_cache_free(struct userdb_cache *c)
{
	if (!c)
		return;
	while (c->lru.head)
		entry_remove(c, LRU_ENTRY(c->lru.head, struct entry, lru));
	free(c->buckets);
	free(c);
}

static void report(struct userdb_cache *c, const struct entry *e, const char *file, int err)
{
	if (c->cfg.report)
		c->cfg.report(c->cfg.arg, e->key, file, err);
}

static void stamp_from(struct stamp *s, const struct stat *st, int open_err)
{
	memset(s, 0, sizeof(*s));
	s->known = 1;
	s->open_err = open_err;
	if (open_err)
		return;
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->size = st->st_size;
	s->mtim = st->st_mtim;
	s->ctim = st->st_ctim;
}

static int stamp_same(const struct stamp *a, const struct stamp *b)
{
	if (!a->known || !b->known || a->open_err != b->open_err)
		return 0;
	return a->open_err || (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
			       a->mtim.tv_sec == b->mtim.tv_sec &&
			       a->mtim.tv_nsec == b->mtim.tv_nsec &&
			       a->ctim.tv_sec == b->ctim.tv_sec && a->ctim.tv_nsec == b->ctim.tv_nsec);
}

/* A read error that may go away with the same file (EIO, ENOMEM): retry next time. */
static int err_is_lasting(int err)
{
	return err == -EFBIG || err == -EINVAL || err == -EISDIR;
}

/* Bring file @i of @j up to date from @rootfd; reparse only when its stamp moved. */
static void job_file(struct userdb_job *j, int rootfd, int i)
{
	struct table *t = &j->tab[i];
	struct stamp now;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, err;

	fd = userdb_open_in_root(rootfd, files[i], 0);
	err = fd < 0 ? fd : fstat(fd, &st) < 0 ? -errno : 0;
	stamp_from(&now, &st, err);
	if (stamp_same(&j->stamp[i], &now))
		goto out;
	if (!err)
		err = userdb_read_checked(fd, &st, j->file_cap, &buf, &len);
	if (err) {
		table_clear(t, err);
		now.known = err_is_lasting(err) || now.open_err;
	} else if (table_load(t, buf, len, i == 0) < 0) {
		now.known = 0;		/* out of memory: try again */
	}
	j->stamp[i] = now;
	j->read[i] = 1;
out:
	if (fd >= 0)
		close(fd);
}

void userdb_job_run(struct userdb_job *j, userdb_open_root_fn open_root, void *arg)
{
	int rootfd = open_root ? open_root(arg) : -EBADF;
	int i;

	j->root_err = rootfd < 0 ? rootfd : 0;
	if (rootfd < 0)
		return;
	for (i = 0; i < 2; i++)
		job_file(j, rootfd, i);
	close(rootfd);
}

void userdb_job_free(struct userdb_job *j)
{
	if (!j)
		return;
	table_clear(&j->tab[0], 0);
	table_clear(&j->tab[1], 0);
	free(j);
}

static size_t table_bytes(const struct table *t)
{
	return (t->buf ? t->len + 1 : 0) + t->cap * sizeof(*t->recs);
}

/* Put what @j found into @e: only the tables it read again replace the cached ones. */
static void apply(struct userdb_cache *c, struct entry *e, struct userdb_job *j)
{
	struct table *t;
	int i, old_err;

	if (j->root_err < 0) {
		if (j->root_err != e->root_err)
			report(c, e, "/", j->root_err);
		/* Keep what was read before; a first load stays empty with the error. */
		for (i = 0; i < 2; i++)
			if (!e->stamp[i].known)
				(i == 0 ? &e->db.pw : &e->db.gr)->err = j->root_err;
	}
	for (i = 0; i < 2; i++) {
		if (!j->read[i])
			continue;
		t = i == 0 ? &e->db.pw : &e->db.gr;
		old_err = t->err;
		table_clear(t, 0);
		*t = j->tab[i];
		memset(&j->tab[i], 0, sizeof(j->tab[i]));
		e->stamp[i] = j->stamp[i];
		if (t->err < 0 && t->err != old_err)
			report(c, e, files[i], t->err);
	}
	e->root_err = j->root_err;
	c->bytes -= e->bytes;
	e->bytes = sizeof(*e) + strlen(e->key) + 1 + table_bytes(&e->db.pw) +
		   table_bytes(&e->db.gr);
	c->bytes += e->bytes;
	while (c->bytes > c->cfg.max_bytes && c->lru.tail != &e->lru)
		entry_remove(c, LRU_ENTRY(c->lru.tail, struct entry, lru));
}

static struct entry *entry_new(struct userdb_cache *c, const char *key, uint32_t hash)
{
	size_t klen = strlen(key);
	struct entry *e;

	if (klen > SIZE_MAX - sizeof(*e) - 1)
		return NULL;
	e = calloc(1, sizeof(*e) + klen + 1);
	if (!e)
		return NULL;
	memcpy(e->key, key, klen + 1);
	e->hash = hash;
	e->serial = ++c->serial;
	e->hnext = *bucket_of(c, hash);
	*bucket_of(c, hash) = e;
	lru_push_front(&c->lru, &e->lru);
	c->count++;
	return e;
}

/* The entry of @key, made most recently used; NULL if there is none. */
static struct entry *touch(struct userdb_cache *c, const char *key)
{
	struct entry *e = c && key ? find(c, key, key_hash(key)) : NULL;

	if (e) {
		lru_unlink(&c->lru, &e->lru);
		lru_push_front(&c->lru, &e->lru);
	}
	return e;
}

int userdb_due(struct userdb_cache *c, const char *key)
{
	struct entry *e = touch(c, key);

	/*
	 * Unsigned: a clock that went back also revalidates. A root that
	 * could not be opened is tried again at once: the tables kept are
	 * a guess until a live process of the key confirms them.
	 */
	return !e || e->root_err || e->recheck ||
	       c->cfg.now_ms(c->cfg.arg) - e->checked_ms >= c->cfg.revalidate_ms;
}

struct userdb_job *userdb_job_new(struct userdb_cache *c, const char *key)
{
	struct entry *e = touch(c, key);
	struct userdb_job *j;
	size_t klen;

	if (!c || !key)
		return NULL;
	if (!e) {
		if (c->count >= c->cfg.max_entries)
			entry_remove(c, LRU_ENTRY(c->lru.tail, struct entry, lru));
		e = entry_new(c, key, key_hash(key));
		if (!e)
			return NULL;
	}
	klen = strlen(key);
	j = calloc(1, sizeof(*j) + klen + 1);
	if (!j)
		return NULL;
	memcpy(j->key, key, klen + 1);
	j->serial = e->serial;
	j->file_cap = c->cfg.file_cap;
	memcpy(j->stamp, e->stamp, sizeof(j->stamp));
	e->checked_ms = c->cfg.now_ms(c->cfg.arg);
	e->recheck = 0;
	return j;
}

void userdb_job_apply(struct userdb_cache *c, struct userdb_job *j)
{
	struct entry *e = c && j ? touch(c, j->key) : NULL;

	/* dropped, or dropped and made again, meanwhile: not for this entry */
	if (e && e->serial == j->serial)
		apply(c, e, j);
	userdb_job_free(j);
}

const struct userdb *userdb_peek(struct userdb_cache *c, const char *key)
{
	struct entry *e = touch(c, key);

	return e ? &e->db : NULL;
}

const struct userdb *userdb_get(struct userdb_cache *c, const char *key,
				userdb_open_root_fn open_root, void *arg)
{
	struct userdb_job *j;

	if (!c || !key)
		return NULL;
	if (!userdb_due(c, key))
		return userdb_peek(c, key);
	j = userdb_job_new(c, key);
	if (!j)
		return NULL;
	userdb_job_run(j, open_root, arg);
	userdb_job_apply(c, j);
	return userdb_peek(c, key);
}

void userdb_cache_recheck(struct userdb_cache *c, const char *key)
{
	struct entry *e = c && key ? find(c, key, key_hash(key)) : NULL;

	if (e)
		e->recheck = 1;
}

int userdb_cache_drop(struct userdb_cache *c, const char *key)
{
	struct entry *e = c && key ? find(c, key, key_hash(key)) : NULL;

	if (!e)
		return -ENOENT;
	entry_remove(c, e);
	return 0;
}

size_t userdb_cache_count(const struct userdb_cache *c)
{
	return c->count;
}

int userdb_open_root_path(void *arg)
{
	int fd = open((const char *)arg, O_PATH | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}
