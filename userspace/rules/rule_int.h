/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_int.h - data structures shared by the rule_*.c files (internal to the rules engine). */
#ifndef SHRIKE_RULE_INT_H
#define SHRIKE_RULE_INT_H

#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "rules/rule_engine.h"

/* ---- memory and strings (rule_util.c); out of memory aborts, as git's xmalloc ---- */

void *rx_malloc(size_t n);
void *rx_calloc(size_t n, size_t size);
void *rx_realloc(void *p, size_t n);
char *rx_strdup(const char *s);
char *rx_strndup(const char *s, size_t n);
char *rx_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *rx_vprintf(const char *fmt, va_list ap);

/* Make room for one more element in a growable array. */
#define RX_GROW(arr, n, cap)							\
	do {									\
		if ((n) >= (cap)) {						\
			(cap) = (cap) ? (cap) * 2 : 8;				\
			(arr) = rx_realloc((arr), (cap) * sizeof(*(arr)));	\
		}								\
	} while (0)

struct strbuf {
	char *s;
	size_t len, cap;
};

void sb_add(struct strbuf *b, const void *p, size_t n);
void sb_addc(struct strbuf *b, char c);
void sb_adds(struct strbuf *b, const char *s);
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append, replacing invalid UTF-8 by U+FFFD (for JSON). */
void sb_add_utf8(struct strbuf *b, const char *p, size_t n);
char *sb_detach(struct strbuf *b, size_t *len);
void sb_free(struct strbuf *b);

uint64_t rx_hash(const void *p, size_t n);

/* ---- positions ---- */

/* file: index into the engine's file table; line/col 1-based, line 0 = unknown */
struct rpos {
	uint32_t file, line, col;
};

/* A text taken from a YAML file, with the file position of every byte (pos[len] = end). */
struct rtext {
	char *s;
	size_t len;
	struct rpos *pos;
};

void rtext_set(struct rtext *t, const char *s, size_t len, struct rpos p);
/* dst = dst + " " + src, as Falco appends conditions and outputs */
void rtext_append(struct rtext *dst, const struct rtext *src);
void rtext_free(struct rtext *t);
struct rpos rtext_pos(const struct rtext *t, size_t off);

/* An error from the parser or compiler, before it becomes a diagnostic. */
struct rerr {
	struct rpos pos;
	char *msg;
};

void rerr_set(struct rerr *e, struct rpos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- abstract syntax tree (rule_parse.c) ---- */

enum rop {
	ROP_EXISTS, ROP_EQ, ROP_NE, ROP_LT, ROP_LE, ROP_GT, ROP_GE,
	ROP_CONTAINS, ROP_ICONTAINS, ROP_BCONTAINS, ROP_STARTSWITH, ROP_BSTARTSWITH, ROP_ENDSWITH,
	ROP_GLOB, ROP_IGLOB, ROP_REGEX, ROP_IN, ROP_INTERSECTS, ROP_PMATCH,
};

const char *rop_name(enum rop op);
/* An operator by its text ("=", "in", ...), for exceptions' comps; 0 or -1. */
int rop_lookup(const char *s, enum rop *op);
int rop_is_list(enum rop op);

enum rxform { RX_TOLOWER, RX_TOUPPER, RX_BASENAME, RX_B64 };
#define RX_MAX_XFORMS 8

struct rfield {
	char *name;		/* "proc.aname" */
	char *arg;		/* text inside [..], or NULL */
	uint8_t nxf;		/* transformers, innermost first */
	uint8_t xf[RX_MAX_XFORMS];
	struct rpos pos;
};

struct rval {
	char *s;
	size_t len;
	int quoted;		/* a bare word can name a list, a quoted string never */
	struct rpos pos;
};

enum rkind { RN_AND, RN_OR, RN_NOT, RN_MACRO, RN_CHECK };
enum rrhs { RHS_NONE, RHS_VALUE, RHS_LIST, RHS_LISTREF, RHS_FIELD };

struct rnode {
	enum rkind kind;
	struct rpos pos;
	struct rnode **kids;	/* and/or: nkids >= 2, not: 1 */
	size_t nkids;
	char *name;		/* macro */
	struct rfield lhs;	/* check */
	enum rop op;
	enum rrhs rhs;
	struct rval *vals;	/* value: 1, list: n, listref: 1 (the name) */
	size_t nvals;
	struct rfield rfield;	/* val(field) or transformer(field) on the right */
};

#define RULE_MAX_DEPTH 1000

struct rnode *rule_parse(const struct rtext *t, struct rerr *err);
/* Parse a whole string as a field ("proc.aname[2]"), for exceptions and outputs. */
int rule_parse_field(const char *s, size_t len, struct rpos pos, struct rfield *out, struct rerr *err);
void rnode_free(struct rnode *n);
void rfield_free(struct rfield *f);
/* "proc.aname[2]" */
char *rfield_text(const struct rfield *f);
struct rnode *rnode_new(enum rkind kind, struct rpos pos);
void rnode_add_kid(struct rnode *n, struct rnode *kid);
/* Decode a list item or exception value as Falco inserts it in a condition. */
void rval_from_item(struct rval *v, const char *item, struct rpos pos);

/* ---- lexer (rule_lex.c): scanners at a cursor over the text ---- */

struct rlex {
	const char *s;
	size_t len, pos;
};

int lex_blank(struct rlex *l);
int lex_peek(const struct rlex *l, char c);
int lex_char(struct rlex *l, char c);
int lex_field_name(struct rlex *l, size_t *start, size_t *len);
int lex_identifier(struct rlex *l, size_t *start, size_t *len);
int lex_bare(struct rlex *l, size_t *start, size_t *len);
int lex_field_arg_bare(struct rlex *l, size_t *start, size_t *len);
/* 1 ok, 0 not a quote here, -1 error (*err set, l->pos at the problem) */
int lex_quoted(struct rlex *l, char **out, size_t *outlen, const char **err);
int lex_operator(struct rlex *l, enum rop *op);
int lex_transformer(struct rlex *l, enum rxform *xf);

/* ---- sets (rule_set.c) ---- */

struct rset;			/* hash set of byte strings or of 64-bit numbers */
struct rset *rset_new(size_t n);
void rset_add(struct rset *s, const void *p, size_t len);
int rset_has(const struct rset *s, const void *p, size_t len);
/* After the last add: small string sets are then scanned instead of hashed. */
void rset_done(struct rset *s);
void rset_add_u64(struct rset *s, uint64_t v);
int rset_has_u64(const struct rset *s, uint64_t v);
void rset_free(struct rset *s);

struct rpfx;			/* path prefixes for pmatch */
struct rpfx *rpfx_new(void);
void rpfx_add(struct rpfx *p, const char *path, size_t len);
void rpfx_done(struct rpfx *p);
int rpfx_match(const struct rpfx *p, const char *path, size_t len);
void rpfx_free(struct rpfx *p);

struct rnet {
	int family;		/* AF_INET / AF_INET6 */
	unsigned bits;		/* prefix length; 32/128 for an address */
	uint8_t addr[16];
};

int rnet_parse(const char *s, size_t len, struct rnet *out);
/* An address only (no "/bits"). */
int rnet_parse_addr(const char *s, size_t len, struct rnet *out);
int rnet_contains(const struct rnet *net, const struct rnet *addr);

/* ---- compiled conditions (rule_compile.c builds, rule_eval.c runs) ---- */

enum eop { EO_AND, EO_OR, EO_NOT, EO_TRUE, EO_FALSE, EO_TYPES, EO_CMP };

/* Room for a 64-bit number in decimal, sign and NUL included. */
#define RULE_NUM_TEXT	24

struct efield {
	uint32_t slot;
	uint8_t multi;		/* RF_FLAG_MULTI and no [N]: any of the values */
	uint8_t nxf;
	uint8_t xf[RX_MAX_XFORMS];
	enum rf_type type;	/* after the transformers */
	char *buf[2];		/* transformer scratch (grows, never shrinks) */
	size_t cap[2];
	char num[RULE_NUM_TEXT];	/* an evt.arg[N] number as text (see rule_extract) */
};

/* How cmp_value() evaluates a check: the common cases skip the generic path. */
enum efast {
	FAST_GENERIC, FAST_EXISTS, FAST_STR_EQ, FAST_STR_NE, FAST_STR_SET, FAST_STR_PREFIX,
	FAST_STR_SUFFIX, FAST_STR_CONTAINS, FAST_STR_PMATCH, FAST_STR_GLOB, FAST_SIGNED, FAST_UNSIGNED,
	FAST_BOOL_EQ, FAST_BOOL_NE,
};

struct ecmp {
	struct efield lhs;
	enum efast fast;
	struct efield *rhs;	/* field on the right, or NULL */
	enum rop op;
	int64_t i;
	uint64_t u;
	char *s;		/* string operand (lowercased for icontains, NUL-terminated) */
	size_t slen;
	struct rset *set;	/* in / intersects */
	struct rpfx *pfx;	/* pmatch */
	size_t glob_lit;	/* glob: length of the pattern's literal start */
	regex_t re;
	int has_re;
	struct rnet *nets;	/* IP operands */
	size_t nnets;
	uint32_t refs;		/* trees that hold it: a check written in several rules is one */
	int memo;		/* its result for the event of generation memo_gen */
	uint64_t memo_gen;
};

/*
 * A compiled condition is a graph, not a tree: a macro is compiled once and
 * every use of it holds a reference to that one node (refs), so a macro
 * used twice by a macro used twice... costs one node per macro, not 2^N.
 * A node that refs > 1 may reach is never changed in place.
 */
struct enode {
	enum eop op;
	uint32_t n;
	struct enode **kids;
	struct ecmp *cmp;
	uint64_t *types;	/* EO_TYPES: bitmap of RULE_MAX_EVT_TYPES */
	uint32_t refs;		/* its parents, a macro's memo, an index build */
	uint32_t leaves;	/* checks in its expansion as a tree (saturates) */
	uint8_t has_types;	/* an evt.type check below: it folds per event type */
	uint8_t macro;		/* a macro's compiled condition (shared by its uses) */
	uint64_t *tf;		/* a macro's enode_types(): 2 * TYPE_WORDS, once computed */
	/* scratch of the index build (rule_index.c), valid for its stamps */
	uint64_t fold_stamp, prog_stamp;
	struct enode *fold;	/* this node for the event type being indexed */
	int32_t entry;		/* its program's first step */
	int32_t call;		/* its entry in e->calls, or -1 */
};

/*
 * One step of a condition laid out as a branching program (rule_index.c):
 * a check (cmp), an evt.type test (types) or a call of a shared condition
 * (e->calls[call]); then step t if it holds, else step f. PROG_TRUE /
 * PROG_FALSE end the program.
 */
struct estep {
	struct ecmp *cmp;
	const uint64_t *types;
	int32_t call;
	int32_t t, f;
};

/*
 * A large macro used in several places is laid out once, as a program of
 * its own that its uses call (rather than copied into each, which would
 * double the program with each level of a macro used twice); its result is
 * kept for the event, as a check's is (ecmp.memo).
 */
struct ecall {
	int32_t entry;
	int memo;
	uint64_t memo_gen;
};

#define PROG_FALSE (-1)
#define PROG_TRUE (-2)

/* Type bitmaps: one bit per event type id, plus bit RULE_MAX_EVT_TYPES for "type unknown". */
#define TYPE_WORDS (RULE_MAX_EVT_TYPES / 64 + 1)
#define TYPE_KNOWN_WORDS (RULE_MAX_EVT_TYPES / 64)

/* rule_operand.c: a node with one reference (its creator's) */
struct enode *enode_new(enum eop op);
/* Once its kids are final: what is below it (leaves, has_types). Returns n. */
struct enode *enode_seal(struct enode *n);
/* Take and drop a reference to a node (freed, with what only it holds, at the last). */
struct enode *enode_get(struct enode *n);
void enode_put(struct enode *n);
/* Choose the evaluation fast path once the operand is built. */
void ecmp_finish(struct ecmp *c);
/* The event types for which n can be true (t) and false (f); kept in a macro's node. */
void enode_types(struct enode *n, uint64_t *t, uint64_t *f);

/* A distinct field (name + argument) the compiled rules use; values cached per event. */
struct rslot {
	char *name, *arg;
	char *text;		/* as written: "proc.aname[2]" */
	struct rf_ref ref;
	char *key;		/* owns ref.key */
	struct rf_value val;
	uint64_t gen;
	struct rnet ip;		/* val parsed as an address, for RF_IPADDR */
	uint64_t ip_gen;
	int ip_ok;
	char num[RULE_NUM_TEXT];	/* val's number as text (see rule_extract) */
};

/* ---- loaded items (rule_load.c fills them, rule_compile.c reads them) ---- */

struct rl_list {
	char *name;
	char **items;
	size_t nitems, cap;
	struct rpos pos;
	uint32_t index, visibility;
	/* compile state: items with list references expanded */
	struct rval *exp;
	size_t nexp;
	int state;		/* 0 not expanded, 1 expanding, 2 done */
};

struct rl_macro {
	char *name;
	struct rtext cond;
	struct rpos pos;
	uint32_t index, visibility;
	struct rnode *ast;
	int busy;
	/* compiled once, at its first use (rule_compile.c), then shared */
	int state;		/* 0 not yet, 1 compiled (comp), 2 failed (err or unknown) */
	struct enode *comp;
	unsigned depth;		/* how deep its expansion nests */
	struct rerr err;
	char *unknown;
	uint64_t checked;	/* rule_check.c: the rule walk that last looked into it */
};

/* An exceptions entry: a string or a list of strings (fields, comps, one value tuple). */
struct rl_entry {
	int is_list;
	char *item;
	struct rl_entry *items;
	size_t n;
	struct rpos pos;
};

struct rl_exc {
	char *name;
	struct rl_entry fields, comps;
	int has_fields, has_comps;
	struct rl_entry *values;
	size_t nvalues;
	struct rpos pos;
};

struct rout_seg {
	const char *lit;	/* literal text (points into rule->output.s), or NULL for a field */
	size_t len;
	uint32_t slot;
};

struct rule {
	char *name, *desc, *source;
	struct rtext cond, output;
	enum rule_priority prio;
	char **tags;
	size_t ntags;
	int enabled, warn_evttypes, skip_unknown, unknown_source;
	struct rl_exc *exc;
	size_t nexc;
	struct rpos pos;
	uint32_t index, visibility;
	/* compiled */
	int compiled;
	const char *skip_reason;
	struct enode *root;
	uint64_t types[TYPE_WORDS];
	int all_types;
	struct rout_seg *out;
	size_t nout;
	uint32_t *out_fields;	/* distinct slots of the output, in order */
	size_t nout_fields;
};

struct rl_plugin {
	char *name, *version;
};

struct rule_engine {
	struct rule_field_ops ops;
	char **files;
	size_t nfiles, cfiles;
	struct rl_list **lists;
	size_t nlists, clists;
	struct rl_macro **macros;
	size_t nmacros, cmacros;
	struct rule **rules;
	size_t nrules, crules;
	uint32_t cur_index;
	char *req_version;
	struct rl_plugin *plugins;
	size_t nplugins, cplugins;
	/* compiled state */
	int compiled;
	struct rslot *slots;
	size_t nslots, cslots;
	uint32_t *bucket_off;	/* RULE_MAX_EVT_TYPES + 1 buckets (the last: unknown types) */
	struct rule **bucket;
	int32_t *bucket_prog;	/* its first step in steps[] (or PROG_TRUE / PROG_FALSE) */
	struct estep *steps;
	size_t nsteps, csteps;
	struct ecall *calls;	/* shared conditions the steps call */
	size_t ncalls, ccalls;
	uint64_t stamp;		/* the index build's scratch marks in enodes */
	size_t nnodes;		/* compiled so far: nodes and list items (RULE_MAX_NODES) */
	size_t nindex;		/* in the index: steps and nodes folded per type (RULE_MAX_INDEX) */
	enum rule_priority min_prio;
	uint64_t gen;
	int cur_type;
	struct rf_value vtmp;	/* the value of a volatile field */
	char numtmp[RULE_NUM_TEXT];	/* vtmp's or an output's number as text */
	char *glob_buf;
	size_t glob_cap;
	struct rl_warn *warns;	/* load warnings of this compile (rule_check.c) */
	size_t nwarns, cwarns, warns_out;	/* warns_out: already in a diag */
	uint64_t check_walk;	/* rule_check.c: which rule's walk is on */
	struct cmp_seen *seen;	/* the checks compiled so far, by what they test */
	size_t nseen, cseen;
	uint32_t *seen_tab;	/* seen by hash (rule_intern.c) */
	size_t seen_cap;
};

/* rule_util.c */
uint32_t eng_file(struct rule_engine *e, const char *name);
void rl_diag_add(struct rule_engine *e, struct rule_diag *d, int is_error, struct rpos pos,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Compare "x.y.z" versions; -2 if either is not valid semver. */
int rl_semver_cmp(const char *a, const char *b);
int rl_semver_valid(const char *s);

/* rule_util.c: the engine's lists, macros and rules by name, NULL if none */
struct rl_list *eng_find_list(const struct rule_engine *e, const char *name);
struct rl_macro *eng_find_macro(const struct rule_engine *e, const char *name);
struct rule *eng_find_rule(const struct rule_engine *e, const char *name);

/* rule_load.c */
void rl_exc_free(struct rl_exc *x);
void rule_free(struct rule *r);
void rl_entry_free(struct rl_entry *en);
int rule_load_buffer(struct rule_engine *e, const char *name, const char *text, size_t len,
		     struct rule_diag *diag);

/* rule_compile.c */
int rl_compile_rule(struct rule_engine *e, struct rule *r, struct rule_diag *diag);
int rl_compile_macros(struct rule_engine *e, struct rule_diag *diag);
void rl_compile_reset(struct rule_engine *e);

/* rule_slot.c: resolve a field to a slot: slot index, -1 unknown, -2 invalid argument (*err set). */
int rl_slot_resolve(struct rule_engine *e, const struct rfield *f, struct rerr *err);

/* rule_except.c: cond and not (exception 1) and not (exception 2) ...; frees cond on error */
struct rnode *rl_exc_build(struct rule_engine *e, const struct rule *r, struct rnode *cond, struct rerr *err);

/* rule_index.c: the live rules' index; 0, or -1 past RULE_MAX_INDEX (bad: the rule taking most) */
struct rule_index_bad {
	const struct rule *rule;
	size_t cost;
};

int rl_index_build(struct rule_engine *e, struct rule_index_bad *bad);
/* Again after a change of the rules selected (within the limit, as rl_index_build() checked). */
void rl_index_rebuild(struct rule_engine *e);

/* rule_eval.c */
/*
 * Ask the daemon for ref's value. A string without a pointer cannot be known;
 * a number given for a field resolved as text is its decimal text, written to
 * num (RULE_NUM_TEXT bytes), which must live as long as the value.
 */
void rule_extract(struct rule_engine *e, const void *event, const struct rf_ref *ref,
		  struct rf_value *out, char *num);
void rl_index_free(struct rule_engine *e);

/* rule_output.c */
int rl_output_compile(struct rule_engine *e, struct rule *r, struct rerr *err, char **unknown);
void rl_output_free(struct rule *r);

#endif /* SHRIKE_RULE_INT_H */
