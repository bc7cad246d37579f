// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - module init/exit and parameters.
 *
 * Loading only creates /dev/shrike: tracepoints are hooked while a reader
 * has it open, so a loaded but unused module costs nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/log2.h>
#include "internal.h"

unsigned long shrike_bufsize = 8UL << 20;

static int bufsize_set(const char *val, const struct kernel_param *kp)
{
	unsigned long v;
	int err = kstrtoul(val, 0, &v);

	if (err)
		return err;
	/* Room for several maximal events, and a power of two for masking. */
	if (v < 4 * SHRIKE_MAX_EVENT || v > (1UL << 30) || !is_power_of_2(v))
		return -EINVAL;
	shrike_bufsize = v;
	return 0;
}

static const struct kernel_param_ops bufsize_ops = {
	.set = bufsize_set,
	.get = param_get_ulong,
};
module_param_cb(bufsize, &bufsize_ops, &shrike_bufsize, 0444);
MODULE_PARM_DESC(bufsize, "ring buffer bytes per CPU, power of two (default 8 MiB)");

/*
 * All rings together never take more than this, nor more than half of the
 * memory available when the device is opened: on a machine with many CPUs
 * each ring is made smaller (down to 256 KiB), and failing that the open
 * fails with ENOMEM rather than waking the OOM killer.
 */
unsigned long shrike_maxmem = 1UL << 30;
module_param_named(maxmem, shrike_maxmem, ulong, 0444);
MODULE_PARM_DESC(maxmem, "bytes all ring buffers may take together (default 1 GiB)");

static int __init shrike_init(void)
{
	int err;

	shrike_syscalls_init();
	err = shrike_dev_register();

	if (err) {
		pr_err("cannot register /dev/shrike: %d\n", err);
		return err;
	}
	pr_info("loaded, abi %d, %lu bytes per cpu\n", SHRIKE_ABI_VERSION, shrike_bufsize);
	return 0;
}

static void __exit shrike_exit(void)
{
	shrike_dev_unregister();
	pr_info("unloaded\n");
}

module_init(shrike_init);
module_exit(shrike_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shrike: syscall events for the shrike security monitor");
MODULE_VERSION("0.1.0");
