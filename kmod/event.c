// SPDX-License-Identifier: GPL-2.0
/*
 * event.c - string and user-memory parameters of an event record.
 *
 * Everything here runs in a probe with preemption disabled: user memory is
 * read with the _nofault accessors only, and a read that fails marks the
 * parameter SHRIKE_PARAM_FAULT (counted) instead of recording garbage.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "event.h"

void evb_kstr(struct evb *b, const char *s)
{
	u32 max = evb_strmax(b);
	ssize_t n;

	if (!s || max == 0) {
		evb_set(b, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	n = strscpy(evb_tail(b), s, max);
	if (n < 0)
		evb_set(b, max, SHRIKE_PARAM_TRUNC);
	else
		evb_set(b, n + 1, 0);
}

/*
 * strncpy_from_user_nofault() is not exported to modules on 6.1; this is the
 * same contract: page faults disabled, so a non-resident page fails with
 * -EFAULT instead of sleeping. Returns the length including the NUL, or
 * count when it stopped at the limit.
 */
static long ustr_nofault(char *dst, const char __user *src, long count)
{
	long n;

	pagefault_disable();
	n = strncpy_from_user(dst, src, count);
	pagefault_enable();
	if (n >= count) {
		dst[count - 1] = '\0';
		return count;
	}
	return n < 0 ? n : n + 1;
}

/*
 * ustr_nofault() returns the length including the NUL, or the
 * count when it stopped at the limit: ask for one byte more than we keep so
 * that "exactly fits" and "was cut" can be told apart.
 */
static long copy_ustr(char *dst, const char __user *s, u32 max, u16 *flags)
{
	long n;

	*flags = 0;
	if (!s)
		return -EFAULT;
	n = ustr_nofault(dst, s, max);
	if (n < 0)
		return n;
	if (n == max) {
		/* Either exactly max-1 chars or cut: peek one byte further. */
		char next;

		if (copy_from_user_nofault(&next, s + max - 1, 1) || next != '\0')
			*flags = SHRIKE_PARAM_TRUNC;
	}
	return n;
}

void evb_ustr(struct evb *b, const char __user *s)
{
	u32 max = evb_strmax(b);
	u16 flags;
	long n;

	if (max == 0) {
		evb_set(b, 0, SHRIKE_PARAM_TRUNC);
		return;
	}
	n = copy_ustr(evb_tail(b), s, max, &flags);
	if (n <= 0)
		evb_set(b, 0, SHRIKE_PARAM_FAULT);
	else
		evb_set(b, n, flags);
}

/*
 * The i-th pointer of a user array of pointers, 32 bits wide each when the
 * array comes from a 32-bit syscall; -EFAULT when it cannot be read.
 */
static int uptr_at(const void __user *array, int i, bool compat, const char __user **out)
{
	if (compat) {
		u32 p;

		if (copy_from_user_nofault(&p, (const u32 __user *)array + i, sizeof(p)))
			return -EFAULT;
		*out = (const char __user *)(unsigned long)p;
		return 0;
	}
	return copy_from_user_nofault(out, (const char __user *const __user *)array + i,
				      sizeof(*out)) ? -EFAULT : 0;
}

/* argv of a failed exec: a user array of user strings, NULL-terminated. */
void evb_ustr_array(struct evb *b, const void __user *argv, bool compat)
{
	u32 max = evb_strmax(b);
	char *dst = evb_tail(b);
	u32 used = 0;
	u16 flags = 0;
	int i;

	if (!argv) {
		evb_set(b, 0, 0);
		return;
	}
	for (i = 0; used < max; i++) {
		const char __user *arg;
		u16 f;
		long n;

		if (uptr_at(argv, i, compat, &arg)) {
			evb_set(b, 0, SHRIKE_PARAM_FAULT);
			return;
		}
		if (!arg)
			break;
		n = copy_ustr(dst + used, arg, max - used, &f);
		if (n <= 0) {
			evb_set(b, 0, SHRIKE_PARAM_FAULT);
			return;
		}
		used += n;
		if (f) {
			flags = f;
			break;
		}
	}
	if (used >= max && !flags)
		flags = SHRIKE_PARAM_TRUNC;
	evb_set(b, used, flags);
}

/*
 * A block of NUL-separated strings in user memory (mm->arg_start..arg_end of
 * the current task). The last byte kept is forced to NUL so that a cut list
 * still parses.
 */
void evb_ublock_strings(struct evb *b, unsigned long start, unsigned long end)
{
	u32 max = evb_strmax(b);
	unsigned long len = end > start ? end - start : 0;
	u16 flags = 0;
	char *dst = evb_tail(b);

	if (len == 0) {
		evb_set(b, 0, 0);
		return;
	}
	if (len > max) {
		len = max;
		flags = SHRIKE_PARAM_TRUNC;
	}
	if (copy_from_user_nofault(dst, (const void __user *)start, len)) {
		evb_set(b, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	if (dst[len - 1] != '\0') {
		dst[len - 1] = '\0';
		flags = SHRIKE_PARAM_TRUNC;
	}
	evb_set(b, len, flags);
}
