// SPDX-License-Identifier: GPL-2.0
/* kernel_cap_t as an array of two u32 (before 6.3) rather than one u64. */
#include <linux/capability.h>

unsigned int shrike_probe(kernel_cap_t c);
unsigned int shrike_probe(kernel_cap_t c)
{
	return c.cap[1];
}
