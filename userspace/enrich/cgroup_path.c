/* SPDX-License-Identifier: GPL-2.0-only */
/* cgroup_path.c - map a cgroup path to the LXC container (innermost when nested) or the host */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "enrich/cgroup_path.h"

#define PAYLOAD_DOT	"lxc.payload."
#define MONITOR_DOT	"lxc.monitor."
#define DELETED_SUFFIX	" (deleted)"
#define HIER_BIG	256	/* hierarchy ids tracked for duplicates: 0..255 */

static const char host_name[] = "host";

/* One path component: a slice of the caller's input, never copied. */
struct comp {
	const char *s;
	size_t len;
};

/* What the previous component announced the next one to be. */
enum expect {
	EXPECT_ANY,
	EXPECT_PAYLOAD_NAME,	/* after "lxc.payload" or "lxc" */
	EXPECT_MONITOR_NAME,	/* after "lxc.monitor" */
};

static void set_host(struct cgroup_path_id *id)
{
	id->type = CONTAINER_HOST;
	id->name = host_name;
	id->name_len = sizeof(host_name) - 1;
	id->depth = 0;
	id->ambiguous = 0;
}

static int comp_is(const struct comp *c, const char *lit)
{
	size_t n = strlen(lit);

	return c->len == n && memcmp(c->s, lit, n) == 0;
}

/*
 * If @c is "<prefix><rest>" with a non-empty @rest, point @rest at it. The
 * name is everything after the prefix: dots, dashes, underscores included.
 */
static int comp_strip(const struct comp *c, const char *prefix, struct comp *rest)
{
	size_t n = strlen(prefix);

	if (c->len <= n || memcmp(c->s, prefix, n) != 0)
		return 0;
	rest->s = c->s + n;
	rest->len = c->len - n;
	return 1;
}

/* A container name: anything a cgroup directory can be called but "." or "..". */
static int name_ok(const struct comp *c)
{
	return c->len > 0 && !comp_is(c, ".") && !comp_is(c, "..");
}

/*
 * Cut the next component off [*pos, end). Empty components ("//") are
 * skipped: the kernel never emits them, but they change nothing either.
 * Returns 0 at the end of the path.
 */
static int next_comp(const char **pos, const char *end, struct comp *c)
{
	const char *p = *pos;
	const char *slash;

	while (p < end && *p == '/')
		p++;
	if (p == end)
		return 0;
	slash = memchr(p, '/', (size_t)(end - p));
	if (!slash)
		slash = end;
	c->s = p;
	c->len = (size_t)(slash - p);
	*pos = slash;
	return 1;
}

static void enter_container(struct cgroup_path_id *id, const struct comp *name)
{
	id->type = CONTAINER_LXC;
	id->name = name->s;
	id->name_len = name->len;
	id->depth++;
}

/*
 * Walk the components once, left to right. A container found deeper replaces
 * the one found above it (nesting). A monitor ends the walk: the monitor
 * process belongs to whatever context holds its cgroup, and nothing LXC
 * creates lives below it.
 */
static void walk(const char *path, size_t len, struct cgroup_path_id *id)
{
	const char *pos = path, *end = path + len;
	enum expect expect = EXPECT_ANY;
	struct comp c, rest;

	while (next_comp(&pos, end, &c)) {
		if (expect == EXPECT_PAYLOAD_NAME && name_ok(&c)) {
			enter_container(id, &c);
			expect = EXPECT_ANY;
			continue;
		}
		if (expect == EXPECT_MONITOR_NAME && name_ok(&c))
			return;
		expect = EXPECT_ANY;

		if (comp_strip(&c, PAYLOAD_DOT, &rest) && name_ok(&rest))
			enter_container(id, &rest);
		else if (comp_is(&c, "lxc.payload") || comp_is(&c, "lxc"))
			expect = EXPECT_PAYLOAD_NAME;
		else if (comp_strip(&c, MONITOR_DOT, &rest) && name_ok(&rest))
			return;
		else if (comp_is(&c, "lxc.monitor"))
			expect = EXPECT_MONITOR_NAME;
	}
}

/* Reject what the kernel never prints for a path in the initial cgroup namespace. */
static int path_valid(const char *path, size_t len)
{
	const char *pos = path, *end = path + len;
	struct comp c;

	if (!path || len == 0 || path[0] != '/')
		return 0;
	if (memchr(path, '\0', len))
		return 0;
	while (next_comp(&pos, end, &c))
		if (comp_is(&c, ".") || comp_is(&c, ".."))
			return 0;
	return 1;
}

int cgroup_path_parse(const char *path, size_t len, struct cgroup_path_id *id)
{
	set_host(id);
	if (!path_valid(path, len))
		return -EINVAL;
	walk(path, len, id);
	return 0;
}

/* A hierarchy id: decimal digits. Returns it (HIER_BIG beyond), or -1. */
static int parse_hier(const char *s, size_t len)
{
	int v = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
		if (v > HIER_BIG)
			v = HIER_BIG;
	}
	return v;
}

/* Note hierarchy @h as seen; returns 1 if it was seen before. */
static int hier_seen(uint64_t *seen, int h)
{
	uint64_t bit = 1ull << (h % 64);
	int dup;

	if (h >= HIER_BIG)
		return 0;	/* not tracked: no real system has that many */
	dup = !!(seen[h / 64] & bit);
	seen[h / 64] |= bit;
	return dup;
}

/*
 * Parse one line "hier:controllers:path" (no newline). The path is
 * everything after the second colon, since a cgroup name may contain colons.
 * Sets *v2 for the unified hierarchy ("0" with no controllers), *hier to
 * the hierarchy id.
 */
static int parse_line(const char *line, size_t len, struct cgroup_path_id *id, int *v2,
		      int *hier)
{
	const char *end = line + len;
	const char *c1, *c2, *path;
	size_t plen, slen = sizeof(DELETED_SUFFIX) - 1;

	c1 = memchr(line, ':', len);
	if (!c1 || (*hier = parse_hier(line, (size_t)(c1 - line))) < 0)
		return -EINVAL;
	c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (!c2)
		return -EINVAL;
	path = c2 + 1;
	plen = (size_t)(end - path);
	/* A removed v2 cgroup still shows for its zombies, with this suffix. */
	if (plen > slen && memcmp(end - slen, DELETED_SUFFIX, slen) == 0)
		plen -= slen;
	*v2 = (c1 - line == 1 && line[0] == '0' && c2 == c1 + 1);
	return cgroup_path_parse(path, plen, id);
}

int cgroup_path_parse_proc(const char *buf, size_t len, struct cgroup_path_id *id)
{
	const char *pos = buf, *end, *nl;
	struct cgroup_path_id cur, v1, v2id;
	uint64_t seen[HIER_BIG / 64] = { 0 };
	int any = 0, have_v1 = 0, have_v2 = 0, ambiguous = 0, v2, hier;

	set_host(id);
	set_host(&v1);
	set_host(&v2id);
	if (!buf)
		return -EINVAL;
	end = buf + len;
	/* Read every line, even past a match: a forged duplicate may come later. */
	for (; pos < end; pos = nl + 1) {
		nl = memchr(pos, '\n', (size_t)(end - pos));
		if (!nl)
			nl = end;
		if (parse_line(pos, (size_t)(nl - pos), &cur, &v2, &hier) < 0)
			continue;
		any = 1;
		ambiguous |= hier_seen(seen, hier);
		if (cur.type != CONTAINER_LXC)
			continue;
		if (v2 && !have_v2) {
			v2id = cur;
			have_v2 = 1;
		} else if (!v2 && !have_v1) {
			v1 = cur;
			have_v1 = 1;
		}
	}
	*id = have_v2 ? v2id : v1;
	id->ambiguous = ambiguous;
	return any ? 0 : -EINVAL;
}

int cgroup_path_name_copy(const struct cgroup_path_id *id, char *dst, size_t size)
{
	if (id->name_len >= size || id->name_len > INT_MAX) {
		if (size > 0)
			dst[0] = '\0';
		return -ENOSPC;
	}
	memcpy(dst, id->name, id->name_len);
	dst[id->name_len] = '\0';
	return (int)id->name_len;
}
