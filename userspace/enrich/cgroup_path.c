/* SPDX-License-Identifier: GPL-2.0-only */
/* cgroup_path.c - map a cgroup path to the LXC container (the outermost: the host's boundary) or the host */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
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
	id->owner = CGROUP_OWNER_SYSTEM;
	id->below = "";
	id->below_len = 0;
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

/*
 * "user@<uid>.service": the unit systemd delegates to an unprivileged user,
 * everything below it is the user's to name. Sets *uid.
 */
static int user_unit(const struct comp *c, uint32_t *uid)
{
	static const char pre[] = "user@", suf[] = ".service";
	size_t np = sizeof(pre) - 1, ns = sizeof(suf) - 1, i;
	uint64_t v = 0;

	if (c->len <= np + ns || memcmp(c->s, pre, np) != 0 ||
	    memcmp(c->s + c->len - ns, suf, ns) != 0)
		return 0;
	for (i = np; i < c->len - ns; i++) {
		if (c->s[i] < '0' || c->s[i] > '9' || i - np >= 10)
			return 0;
		v = v * 10 + (uint64_t)(c->s[i] - '0');
	}
	if (v >= CGROUP_OWNER_SYSTEM)
		return 0;
	*uid = (uint32_t)v;
	return 1;
}

/* What one component makes of the walk. */
enum step {
	STEP_NONE,		/* nothing: go on */
	STEP_CONTAINER,		/* a container's cgroup: its name in *name */
	STEP_MONITOR,		/* a monitor's cgroup: the walk ends */
};

/*
 * Classify component @c, given what the one before announced (*expect is
 * updated). The name of a container is everything after the prefix: dots,
 * dashes, underscores included.
 */
static enum step step(const struct comp *c, enum expect *expect, struct comp *name)
{
	enum expect was = *expect;

	*expect = EXPECT_ANY;
	if (was == EXPECT_PAYLOAD_NAME && name_ok(c)) {
		*name = *c;
		return STEP_CONTAINER;
	}
	if (was == EXPECT_MONITOR_NAME && name_ok(c))
		return STEP_MONITOR;
	if (comp_strip(c, PAYLOAD_DOT, name) && name_ok(name))
		return STEP_CONTAINER;
	if (comp_is(c, "lxc.payload") || comp_is(c, "lxc"))
		*expect = EXPECT_PAYLOAD_NAME;
	else if (comp_strip(c, MONITOR_DOT, name) && name_ok(name))
		return STEP_MONITOR;
	else if (comp_is(c, "lxc.monitor"))
		*expect = EXPECT_MONITOR_NAME;
	return STEP_NONE;
}

/*
 * Walk the components left to right up to the first container: that one is
 * the process's container, whatever is below it. A monitor before it ends the
 * walk: the monitor is a host process, and nothing LXC creates lives below it.
 */
static void walk(const char *path, size_t len, struct cgroup_path_id *id)
{
	const char *pos = path, *end = path + len;
	enum expect expect = EXPECT_ANY;
	uint32_t owner = CGROUP_OWNER_SYSTEM, uid;
	struct comp c, name;

	while (next_comp(&pos, end, &c)) {
		switch (step(&c, &expect, &name)) {
		case STEP_MONITOR:
			return;
		case STEP_CONTAINER:
			id->type = CONTAINER_LXC;
			id->name = name.s;
			id->name_len = name.len;
			id->owner = owner;
			id->below = pos;
			id->below_len = (size_t)(end - pos);
			id->depth = 1;
			return;
		case STEP_NONE:
			if (owner == CGROUP_OWNER_SYSTEM && user_unit(&c, &uid))
				owner = uid;
			break;
		}
	}
}

/*
 * The containers below the container's cgroup, outermost first: each is
 * passed to @fn with @arg; returns how many. A monitor ends the list.
 */
static unsigned int walk_below(const struct cgroup_path_id *id,
			       int (*fn)(void *arg, const struct comp *name), void *arg)
{
	const char *pos = id->below, *end = id->below + id->below_len;
	enum expect expect = EXPECT_ANY;
	struct comp c, name;
	unsigned int n = 0;
	enum step st;

	if (id->type != CONTAINER_LXC)
		return 0;
	while (next_comp(&pos, end, &c)) {
		st = step(&c, &expect, &name);
		if (st == STEP_MONITOR)
			break;
		if (st == STEP_CONTAINER) {
			n++;
			if (fn && fn(arg, &name) < 0)
				break;
		}
	}
	return n;
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
	id->depth += walk_below(id, NULL, NULL);
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

/* A bounded string being built; overflow is remembered, not written. */
struct out {
	char *dst;
	size_t size, len;
	int over;
};

static void out_put(struct out *o, const char *s, size_t n)
{
	if (o->over || n >= o->size - o->len) {
		o->over = 1;
		return;
	}
	memcpy(o->dst + o->len, s, n);
	o->len += n;
	o->dst[o->len] = '\0';
}

static int out_end(struct out *o)
{
	if (o->over || o->len > INT_MAX) {
		if (o->size > 0)
			o->dst[0] = '\0';
		return -ENOSPC;
	}
	return (int)o->len;
}

int cgroup_path_name_copy(const struct cgroup_path_id *id, char *dst, size_t size)
{
	struct out o = { dst, size, 0, size == 0 };
	char owner[24];

	if (size > 0)
		dst[0] = '\0';
	if (id->type == CONTAINER_LXC && id->owner != CGROUP_OWNER_SYSTEM) {
		snprintf(owner, sizeof(owner), "user-%u/", (unsigned int)id->owner);
		out_put(&o, owner, strlen(owner));
	}
	out_put(&o, id->name, id->name_len);
	return out_end(&o);
}

static int nested_add(void *arg, const struct comp *name)
{
	struct out *o = arg;

	if (o->len)
		out_put(o, "/", 1);
	out_put(o, name->s, name->len);
	return o->over ? -1 : 0;
}

int cgroup_path_nested(const struct cgroup_path_id *id, char *dst, size_t size)
{
	struct out o = { dst, size, 0, size == 0 };

	if (size > 0)
		dst[0] = '\0';
	walk_below(id, nested_add, &o);
	return out_end(&o);
}
