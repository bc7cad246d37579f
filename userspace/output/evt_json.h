/* SPDX-License-Identifier: GPL-2.0-only */
/* evt_json.h - one enriched event as one flat JSON object (the -A stream). */
#ifndef SHRIKE_EVT_JSON_H
#define SHRIKE_EVT_JSON_H

#include <stdio.h>
#include "input/event.h"

/*
 * Print ev as one line to out: a flat JSON object, or with json 0 a
 * readable "field=value" line. Returns 0 or -1 on allocation failure.
 */
int evt_json_print(FILE *out, const struct sevent *ev, int json);

#endif /* SHRIKE_EVT_JSON_H */
