/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_fields.h - how the rules engine asks the daemon about fields. */
#ifndef SHRIKE_RULE_FIELDS_H
#define SHRIKE_RULE_FIELDS_H

#include <stddef.h>
#include <stdint.h>

/* evt_type_id() and event_type() return ids below this; anything else means "unknown type". */
#define RULE_MAX_EVT_TYPES 512

/*
 * Which member of struct rf_value carries a value of each type:
 *   RF_STR, RF_IPADDR                    s / slen (need not be NUL-terminated)
 *   RF_INT, RF_RELTIME                   i
 *   RF_UINT, RF_PORT, RF_ABSTIME         u
 *   RF_BOOL                              i (or u): non-zero is true
 * The engine zeroes *out before every extract, so filling just the member of
 * the type is enough. The type that counts is the one resolve() put in the ref;
 * a number given for a field resolved as RF_STR (evt.arg.request) is compared
 * and printed as its decimal text.
 * RF_IPADDR values are compared as addresses: operands may be addresses or
 * CIDR networks ("10.0.0.0/8"), so fd.ip and fd.net can both be RF_IPADDR.
 */
enum rf_type { RF_STR, RF_INT /* int64 */, RF_UINT /* uint64 */, RF_BOOL, RF_IPADDR /* string form */, RF_PORT, RF_ABSTIME, RF_RELTIME };

/*
 * Bits resolve() may set in ref->flags.
 *
 * RF_FLAG_MULTI: the field has one value per index (proc.aname: 0 = the
 * process, 1 = parent, ...). When a condition names it without [N], resolve()
 * leaves ref->index at the first index to look at (e.g. 1 for "any ancestor")
 * and the engine asks for index, index + 1, ... until known == 0 (at most
 * 4096 values), and the check matches if any value matches. Output fields
 * without [N] print the value at that first index.
 *
 * RF_FLAG_VOLATILE: the string is in a buffer that the next extract() call
 * (of any field) may overwrite. Without this flag the engine keeps the value
 * for the rest of the event and asks at most once per event per field.
 */
#define RF_FLAG_MULTI		0x1
#define RF_FLAG_VOLATILE	0x2

/*
 * A field as a condition or an output names it. Before resolve() the engine
 * sets index/key from the argument: "proc.aname[2]" gives index 2 and key
 * NULL, "evt.arg[fd]" and "evt.arg.fd" give index -1 and key "fd". The daemon
 * fills id, type and flags (and may move index, see RF_FLAG_MULTI).
 */
struct rf_ref { int id; enum rf_type type; int index; /* [N] or -1 */ const char *key; /* evt.arg.KEY / [key] or NULL, owned by engine */ int flags; };

struct rf_value { int known; /* 0: value cannot be known (null / <NA>) */ enum rf_type type; int64_t i; uint64_t u; const char *s; size_t slen; };

struct rule_field_ops {
	/* name is e.g. "proc.name", "proc.aname", "evt.arg"; arg is the text inside [..] or after "evt.arg." (or NULL).
	 * Fills ref->id/type/flags, returns 0, or -1 if the field is unknown, -2 if the argument is invalid for it.
	 * The engine first asks for the whole dotted name ("evt.arg.flags", arg NULL); on -1 it retries with the
	 * last dotted part as the argument ("evt.arg", "flags"), then the last two, and so on. */
	int (*resolve)(void *ctx, const char *name, const char *arg, struct rf_ref *ref);
	/* Value of ref for the event; strings point into memory valid until the next extract on this event
	 * of the same field (or of any field, with RF_FLAG_VOLATILE). Must not allocate. */
	void (*extract)(void *ctx, const void *event, const struct rf_ref *ref, struct rf_value *out);
	/* Event types: evt.type names that the daemon knows (execve, openat, ...) map to small ints < RULE_MAX_EVT_TYPES (512); -1 if unknown.
	 * Optional (NULL): then evt.type is an ordinary string field and every rule is in the catch-all list. */
	int (*evt_type_id)(void *ctx, const char *name);
	/* id of the event (for per-type indexing); optional together with evt_type_id */
	int (*event_type)(void *ctx, const void *event);
	/*
	 * Optional: the name of a string twin of a numeric field, or NULL. A
	 * condition that applies a string operator to the field, or compares it
	 * with a value that is not a number, uses the twin instead: evt.res is
	 * a number (evt.res >= 0), yet Falco's rules also write
	 * evt.res = EINPROGRESS and evt.res startswith E.
	 */
	const char *(*text_twin)(void *ctx, const char *name);
	/*
	 * Optional, for load-time warnings: can a check of the field ref (as
	 * written: text) ever hold? Called for each check with value NULL (is
	 * the field ever known?), and once a rule has compiled, for each
	 * constant its checks compare the field with (op as written: "=",
	 * "contains"...) on the event types the rule can match (types: a bitmap
	 * of evt_type_id() values, RULE_MAX_EVT_TYPES bits; NULL for every
	 * type). Returns NULL, or a malloc'd reason (lowercase, no trailing
	 * period) that the engine prints as a warning at the field's or the
	 * value's position.
	 */
	char *(*check_value)(void *ctx, const char *text, const struct rf_ref *ref, const char *op,
			     const char *value, const uint64_t *types);
	void *ctx;
};

#endif /* SHRIKE_RULE_FIELDS_H */
