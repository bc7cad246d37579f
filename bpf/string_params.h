/* SPDX-License-Identifier: GPL-2.0 */
/*
 * string_params.h - string and user-memory parameters: the eBPF twin of
 * kmod/event.c. The helpers used never fault a page in: a string whose page
 * is not resident reads as SHRIKE_PARAM_FAULT, exactly as in the module, and
 * the table's "_exit" copies bring it back after the syscall.
 *
 * These are global functions: the verifier checks each once, not at every
 * call site, which keeps the table walk within its limits.
 */
#ifndef SHRIKE_BPF_STRING_PARAMS_H
#define SHRIKE_BPF_STRING_PARAMS_H

/*
 * A NUL-terminated string at ptr, in user memory (user) or the kernel's
 * (bprm->filename), with the TRUNC rule of kmod/event.c: cut, or exactly
 * as long as the room, is told apart by the byte after what was kept. No
 * room at all is TRUNC for a user string, FAULT for a kernel one, as there.
 */
__noinline int rec_str(__u64 ptr, int user)
{
	struct scratch *s = scr_get();
	const char *src = (const char *)ptr;
	__u32 max;
	long n;

	if (!s)
		return 0;
	max = rec_strmax(s);
	if (max == 0) {
		rec_set(s, 0, user ? SHRIKE_PARAM_TRUNC : SHRIKE_PARAM_FAULT);
		return 0;
	}
	if (!ptr) {
		rec_set(s, 0, SHRIKE_PARAM_FAULT);
		return 0;
	}
	n = user ? bpf_probe_read_user_str(rec_tail(s), vbound(max, SNAP_MASK), src) :
		   bpf_probe_read_kernel_str(rec_tail(s), vbound(max, SNAP_MASK), src);
	if (n < 0) {
		rec_set(s, 0, SHRIKE_PARAM_FAULT);
		return 0;
	}
	if (n == 0) {
		/*
		 * An empty string, before 6.5: strncpy_from_user_nofault() wrote
		 * its NUL but left it out of the count it includes everywhere else.
		 */
		rec_set(s, 1, 0);
		return 0;
	}
	if (n == max) {
		/* exactly max - 1 characters, or cut: peek at the byte after */
		char next = 1;
		long err = user ? bpf_probe_read_user(&next, 1, src + max - 1) :
				  bpf_probe_read_kernel(&next, 1, src + max - 1);

		if (err || next) {
			rec_set(s, n, SHRIKE_PARAM_TRUNC);
			return 0;
		}
	}
	rec_set(s, n, 0);
	return 0;
}

#define rec_ustr(uptr)	rec_str(uptr, 1)
#define rec_kstr(kptr)	rec_str(kptr, 0)

/*
 * A block of NUL-separated strings in the current task's memory
 * (mm->arg_start..arg_end after exec): the last byte kept is forced to NUL
 * so that a cut list still parses, as kmod/event.c evb_ublock_strings().
 */
__noinline int rec_ublock(__u64 start, __u64 end)
{
	struct scratch *s = scr_get();
	__u64 len = end > start ? end - start : 0;
	__u16 flags = 0;
	__u32 max, last;
	char *dst;

	if (!s)
		return 0;
	max = rec_strmax(s);
	if (len == 0) {
		rec_set(s, 0, 0);
		return 0;
	}
	if (len > max) {
		len = max;
		flags = SHRIKE_PARAM_TRUNC;
	}
	if (len == 0) {
		rec_set(s, 0, SHRIKE_PARAM_TRUNC);
		return 0;
	}
	dst = rec_tail(s);
	if (bpf_probe_read_user(dst, vbound((__u32)len, SNAP_MASK), (const void *)start)) {
		rec_set(s, 0, SHRIKE_PARAM_FAULT);
		return 0;
	}
	last = vbound((__u32)len - 1, SNAP_MASK);
	if (dst[last] != '\0') {
		dst[last] = '\0';
		flags = SHRIKE_PARAM_TRUNC;
	}
	rec_set(s, (__u32)len, flags);
	return 0;
}

/* Arguments a failed exec was given: at most this many are copied. */
#define UARRAY_MAX_ARGS	64

/*
 * argv of a failed exec: a user array of user strings, NULL-terminated; of
 * 32-bit pointers when the exec came through the 32-bit ABI (compat).
 */
__noinline int rec_uarray(__u64 argv, int compat)
{
	struct scratch *s = scr_get();
	__u32 used = 0, max;
	__u16 flags = 0;
	int i;

	if (!s)
		return 0;
	if (!argv) {
		rec_set(s, 0, 0);
		return 0;
	}
	max = rec_strmax(s);
	for (i = 0; i < UARRAY_MAX_ARGS; i++) {
		__u64 arg = 0;
		long n;

		if (used + 1 >= max)
			break;
		if (compat ? bpf_probe_read_user(&arg, 4, (const __u32 *)argv + i) :
			     bpf_probe_read_user(&arg, sizeof(arg), (const __u64 *)argv + i)) {
			rec_set(s, 0, SHRIKE_PARAM_FAULT);
			return 0;
		}
		if (!arg)
			goto done;
		n = bpf_probe_read_user_str(rec_tail(s) + vbound(used, SHRIKE_BPF_SNAPLEN - 1),
					    vbound(max - used, SHRIKE_BPF_SNAPLEN - 1), (const void *)arg);
		if (n < 0) {
			rec_set(s, 0, SHRIKE_PARAM_FAULT);
			return 0;
		}
		used += n ? n : 1;	/* an empty argument before 6.5 (see rec_str) */
	}
	flags = SHRIKE_PARAM_TRUNC;
done:
	rec_set(s, used, flags);
	return 0;
}

/* Raw bytes from user memory (a sockaddr), at most max of them. */
static __always_inline void rec_ubytes(struct scratch *s, __u64 uptr, __u32 len, __u16 flags)
{
	if (len > rec_room(s) ||
	    bpf_probe_read_user(rec_tail(s), vbound(len, 255), (const void *)uptr)) {
		rec_set(s, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	rec_set(s, len, flags);
}

#endif /* SHRIKE_BPF_STRING_PARAMS_H */
