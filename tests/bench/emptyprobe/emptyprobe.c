// SPDX-License-Identifier: GPL-2.0
/*
 * emptyprobe.c - the floor for shrike's per-syscall cost: probes on
 * raw_syscalls sys_enter and sys_exit that do nothing. Registered the way
 * shrike registers its own (found by name with for_each_kernel_tracepoint),
 * so the difference to shrike is only what shrike's probes do.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

struct pt_regs;

static void probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
}

static void probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
}

static struct {
	const char *name;
	void *func;
	struct tracepoint *tp;
} probes[] = {
	{ "sys_enter", probe_sys_enter },
	{ "sys_exit", probe_sys_exit },
};

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(probes); i++)
		if (!strcmp(tp->name, probes[i].name))
			probes[i].tp = tp;
}

static void unregister_probes(size_t n)
{
	while (n--)
		tracepoint_probe_unregister(probes[n].tp, probes[n].func, NULL);
	tracepoint_synchronize_unregister();
}

static int __init emptyprobe_init(void)
{
	size_t i;
	int err;

	for_each_kernel_tracepoint(find_tracepoint, NULL);
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		if (!probes[i].tp) {
			pr_err("tracepoint '%s' not found\n", probes[i].name);
			err = -ENOENT;
			goto out_unregister;
		}
		err = tracepoint_probe_register(probes[i].tp, probes[i].func, NULL);
		if (err)
			goto out_unregister;
	}
	return 0;

out_unregister:
	unregister_probes(i);
	return err;
}

static void __exit emptyprobe_exit(void)
{
	unregister_probes(ARRAY_SIZE(probes));
}

module_init(emptyprobe_init);
module_exit(emptyprobe_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("empty raw_syscalls probes: the floor of shrike's benchmark");
