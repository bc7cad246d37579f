// SPDX-License-Identifier: GPL-2.0
/* no_llseek(): removed in 6.12, where a NULL .llseek means the same. */
#include <linux/fs.h>

const struct file_operations shrike_probe_fops = { .llseek = no_llseek };
