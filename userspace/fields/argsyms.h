/* SPDX-License-Identifier: GPL-2.0-only */
/* argsyms.h - how each syscall parameter renders as text, Falco's way: flag and enum names, octal modes. */
#ifndef SHRIKE_ARGSYMS_H
#define SHRIKE_ARGSYMS_H

#include <stddef.h>
#include <stdint.h>

/*
 * How a family of parameters turns its number into text. Falco renders a
 * parameter as its number (evt.args: "flags=577(O_TRUNC|O_CREAT|O_WRONLY)")
 * and, when it has names, as those names (evt.arg.flags: the names alone).
 */
enum argsym_kind {
	ARGSYM_FLAGS,		/* every name whose bits are all set, in table order */
	ARGSYM_ENUM,		/* every name equal to the value (AF_LOCAL|AF_UNIX for 1) */
	ARGSYM_NUMBER,		/* no names: only the base of the number differs */
	/*
	 * A uid (gid): the name of that user (group) in the passwd (group)
	 * file user.name (group.name) is read from for the calling process,
	 * "<NA>" when it has none, "<NONE>" for -1 (no change), as Falco.
	 */
	ARGSYM_USER,
	ARGSYM_GROUP,
	/*
	 * A descriptor: the file or socket it is, as Falco prints it from its
	 * fd table ("<f>/etc/passwd", "<4t>10.0.0.1:5000->10.0.0.2:80"), when
	 * the event says (argsym_use.via); a negative one is AT_FDCWD or the
	 * name of the errno it would be (-9: EBADF), as in Falco.
	 */
	ARGSYM_FD,
};

enum argsym_base { ARGSYM_DEC, ARGSYM_OCT, ARGSYM_HEX };

struct argsym {
	const char *name;
	uint64_t value;		/* in the bit space to_bits() maps the raw value to */
};

struct argsym_family {
	const char *id;		/* short name for --list-args: "open flags" */
	enum argsym_kind kind;
	enum argsym_base base;	/* of the number: evt.args, and evt.arg without names */
	const struct argsym *syms;
	size_t nsyms;
	/* FLAGS: the raw value as the bits the names test (NULL: the raw value) */
	uint64_t (*to_bits)(uint64_t raw);
	const char *unknown;	/* ENUM: the name of a value not in the table, or NULL */
	/*
	 * FD: the type letter Falco gives the file when the event names it by
	 * a path ('d' a directory, 'f' a file); 0: a socket, typed by its
	 * address family and protocol ("4t", "6u", "u").
	 */
	char fd_type;
};

/* The family of parameter `index` of event type `type`, or NULL (a plain number or text). */
const struct argsym_family *argsym_at(int type, int index);

/*
 * The names of raw in f, joined with '|', into buf (cap >= 1); "" when no
 * name applies. Returns the length, or cap when it did not fit.
 */
size_t argsym_names(const struct argsym_family *f, uint64_t raw, char *buf, size_t cap);

/* The number as Falco prints it for f: decimal, "0755" (octal) or "1ED" (hex). */
void argsym_number(const struct argsym_family *f, uint64_t raw, int is_signed, char *buf,
		   size_t cap);

/* Is name one of f's names? */
int argsym_has(const struct argsym_family *f, const char *name);

/* Every (event, parameter) that has a family, for --list-args and the load checks. */
struct argsym_use {
	const char *event;	/* evt.type */
	const char *param;	/* evt.arg.NAME */
	const struct argsym_family *family;
	/*
	 * FD: the parameter of the same event that says which file or socket
	 * the descriptor is (a path read through it, the directory it stands
	 * for, its socket's addresses), or NULL when the event does not say.
	 */
	const char *via;
};

/* The parameter index of use (type, index)'s via, or -1. */
int argsym_via(int type, int index);

/* Is f a family whose text names a user or group (ARGSYM_USER, ARGSYM_GROUP)? */
int argsym_is_id(const struct argsym_family *f);

size_t argsym_uses(const struct argsym_use **uses);

#endif /* SHRIKE_ARGSYMS_H */
