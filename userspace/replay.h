/* SPDX-License-Identifier: GPL-2.0-only */
/* replay.h - running the pipeline over a capture file instead of the module. */
#ifndef SHRIKE_REPLAY_H
#define SHRIKE_REPLAY_H

struct daemon;

/* 0 on success, 1 on a truncated/corrupt/unreadable file (message printed). */
int replay_run(struct daemon *d, const char *path);

#endif /* SHRIKE_REPLAY_H */
