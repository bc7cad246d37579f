/* SPDX-License-Identifier: GPL-2.0-only */
/* watch.h - watch_config_files: notice changes to the configuration and the rules, settled, for a reload. */
#ifndef SHRIKE_WATCH_H
#define SHRIKE_WATCH_H

#include <stddef.h>

struct watch;

/*
 * Watch the configuration file (config_path, may be NULL) and each rules
 * path, a file or a directory, from a thread of its own (inotify). NULL
 * with a message on stderr when inotify cannot be used; the daemon then
 * runs on, reloading on SIGHUP only.
 */
struct watch *watch_start(const char *config_path, const char *const *rules, size_t n);
/* The paths to watch from now on (after a reload that changed them). */
void watch_update(struct watch *w, const char *config_path, const char *const *rules, size_t n);
/*
 * On the event thread, between events: 1 once a change has settled (no
 * further change for WATCH_SETTLE_MS), so a burst of writes is one reload.
 * Never blocks: an atomic load.
 */
#define WATCH_SETTLE_MS 300
int watch_changed(struct watch *w);
void watch_stop(struct watch *w);

#endif /* SHRIKE_WATCH_H */
