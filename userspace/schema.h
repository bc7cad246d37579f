/* schema.h - what each event type carries, derived from the shared table. */
#ifndef SHRIKE_SCHEMA_H
#define SHRIKE_SCHEMA_H

#include <stdint.h>
#include "shrike.h"
#include "shrike_events.h"

struct param_schema {
	const char *name;	/* as in evt.arg.NAME */
	uint8_t kind;		/* enum shrike_kind */
	uint8_t phase;		/* enum shrike_phase */
	uint8_t src;		/* enum shrike_src */
};

#define SCHEMA_MAX_PARAMS SHRIKE_SPEC_MAX_PARAMS

struct event_schema {
	const char *name;	/* evt.type */
	int nr;			/* syscall number or -1 */
	uint16_t nparams;
	uint8_t n_enter, n_exit;
	struct param_schema params[SCHEMA_MAX_PARAMS];
};

/* NULL for a type this daemon does not know. */
const struct event_schema *schema_of(uint16_t type);
/* Event type by evt.type name, or -1. */
int schema_type_by_name(const char *name);
/* Index of the parameter called name in the schema, or -1. */
int schema_param_index(const struct event_schema *s, const char *name);

#endif /* SHRIKE_SCHEMA_H */
