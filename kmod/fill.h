/* SPDX-License-Identifier: GPL-2.0 */
/* fill.h - parameter fillers shared by the event families. */
#ifndef SHRIKE_FILL_H
#define SHRIKE_FILL_H

#include "event.h"

struct task_struct;
struct file;

/* fill_proc.c */
void shrike_evb_ctx(struct evb *b, struct task_struct *t);
/* fill_file.c */
void shrike_fill_dirpath(struct evb *b, int dirfd, const char __user *path);
void shrike_fill_fdpath(struct evb *b, int fd);
void shrike_fill_open_how(struct evb *b, u8 which, const void __user *how, unsigned long size);
/* defer.c */
extern bool shrike_defer_paths;
void shrike_defer_path(struct evb *b, struct file *file);
/* fill_net.c */
void shrike_fill_sockaddr(struct evb *b, const void __user *addr, int len);
void shrike_fill_tuple(struct evb *b, int fd);
void shrike_fill_msgaddr(struct evb *b, const void __user *msg, bool compat);

#endif /* SHRIKE_FILL_H */
