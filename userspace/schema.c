/* schema.c - the table of event types and their parameters (see docs/ABI.md). */
#include <string.h>
#include "schema.h"
#include "shrike.h"

#define EXEC_PARAMS 5, { { "res", PK_S64 }, { "filename", PK_STR }, { "argv", PK_STRLIST }, \
			 { "exepath", PK_STR }, { "ctx", PK_CTX } }
#define CLONE_PARAMS 3, { { "res", PK_S64 }, { "flags", PK_U64 }, { "ctx", PK_CTX } }

static const struct event_schema schemas[SHRIKE_EVT_MAX] = {
	[SHRIKE_EVT_EXECVE] = { "execve", EXEC_PARAMS },
	[SHRIKE_EVT_EXECVEAT] = { "execveat", EXEC_PARAMS },
	[SHRIKE_EVT_CLONE] = { "clone", CLONE_PARAMS },
	[SHRIKE_EVT_CLONE3] = { "clone3", CLONE_PARAMS },
	[SHRIKE_EVT_FORK] = { "fork", CLONE_PARAMS },
	[SHRIKE_EVT_VFORK] = { "vfork", CLONE_PARAMS },
	[SHRIKE_EVT_PROCEXIT] = { "procexit", 2, { { "status", PK_S64 }, { "flags", PK_U32 } } },
};

const struct event_schema *schema_of(uint16_t type)
{
	if (type >= SHRIKE_EVT_MAX || !schemas[type].name)
		return NULL;
	return &schemas[type];
}

int schema_type_by_name(const char *name)
{
	int t;

	for (t = 0; t < SHRIKE_EVT_MAX; t++)
		if (schemas[t].name && !strcmp(schemas[t].name, name))
			return t;
	return -1;
}
