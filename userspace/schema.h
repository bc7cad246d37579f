/* schema.h - what each event type carries: names and kinds of parameters. */
#ifndef SHRIKE_SCHEMA_H
#define SHRIKE_SCHEMA_H

#include <stdint.h>

enum pkind {
	PK_S64,		/* 8 bytes, signed: results, codes */
	PK_U64,		/* 8 bytes: flags, ids */
	PK_U32,		/* 4 bytes */
	PK_STR,		/* NUL-terminated string */
	PK_STRLIST,	/* run of NUL-terminated strings (argv) */
	PK_CTX,		/* struct shrike_proc_ctx */
};

struct param_schema {
	const char *name;	/* as in evt.arg.NAME */
	enum pkind kind;
};

#define SCHEMA_MAX_PARAMS 8

struct event_schema {
	const char *name;	/* evt.type */
	uint16_t nparams;
	struct param_schema params[SCHEMA_MAX_PARAMS];
};

/* NULL for a type this daemon does not know. */
const struct event_schema *schema_of(uint16_t type);
/* Event type by evt.type name, or -1. */
int schema_type_by_name(const char *name);

#endif /* SHRIKE_SCHEMA_H */
