/* SPDX-License-Identifier: GPL-2.0 */
/*
 * record.h - building one record in the CPU's scratch slot and copying it
 * into the ring: the eBPF twin of kmod/event.h, same layout, same flags.
 *
 * Offsets into the scratch buffer are masked before every access so the
 * verifier can bound them; the room checks keep the masks from ever
 * changing a value (a record stays below SHRIKE_BPF_REC_MAX).
 */
#ifndef SHRIKE_BPF_RECORD_H
#define SHRIKE_BPF_RECORD_H

#define HDR_SZ		sizeof(struct shrike_evt_hdr)
#define OUT_REC		sizeof(struct shrike_bpf_sample)	/* record's offset in out[] */
#define REC_MASK	(SHRIKE_BPF_REC_MAX - 1)
#define SNAP_MASK	(2 * SHRIKE_BPF_SNAPLEN - 1)
#define PF_KTHREAD_FLAG	0x00200000	/* include/linux/sched.h */
#define MM_CONTEXT_UPROBE_IA32_BIT 0x1	/* arch/x86/include/asm/mmu.h: a 32-bit mm */

/*
 * v & mask for the verifier: the compiler, knowing v is already in range,
 * would drop a plain mask, and the verifier could not bound a size with it.
 */
static __always_inline __u32 vbound(__u32 v, __u32 mask)
{
	barrier_var(v);
	return v & mask;
}

static __always_inline struct scratch *scr_get(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&scratch, &cpu);
}

static __always_inline struct shrike_bpf_counters *ctr_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counters, &zero);
}

static __always_inline char *rec_base(struct scratch *s)
{
	return s->out + OUT_REC;
}

/* Room left for parameter bytes, keeping the final 8-byte padding possible. */
static __always_inline __u32 rec_room(const struct scratch *s)
{
	return s->len >= SHRIKE_BPF_REC_MAX - 8 ? 0 : SHRIKE_BPF_REC_MAX - 8 - s->len;
}

static __always_inline __u32 rec_strmax(const struct scratch *s)
{
	__u32 room = rec_room(s);

	return room < SHRIKE_BPF_SNAPLEN ? room : SHRIKE_BPF_SNAPLEN;
}

static __always_inline char *rec_tail(struct scratch *s)
{
	return rec_base(s) + (s->len & REC_MASK);
}

/* Closes the next parameter at n bytes with flags, like evb_set(). */
static __always_inline void rec_set(struct scratch *s, __u32 n, __u16 flags)
{
	__u32 idx = s->idx;

	if (idx >= s->nparams || idx >= SHRIKE_BPF_MAX_PARAMS)
		return;
	if (flags & SHRIKE_PARAM_FAULT) {
		struct shrike_bpf_counters *c = ctr_get();

		n = 0;
		if (c)
			c->n_fault++;
	}
	*(__u16 *)(rec_base(s) + HDR_SZ + (idx & 15) * 2) = (__u16)n | flags;
	s->idx = idx + 1;
	s->len += n;
}

static __always_inline void rec_u64(struct scratch *s, __u64 v)
{
	if (rec_room(s) < 8) {
		rec_set(s, 0, SHRIKE_PARAM_TRUNC);
		return;
	}
	*(__u64 *)rec_tail(s) = v;
	rec_set(s, 8, 0);
}

/*
 * Is the task a 32-bit (ia32) program? The module tests TIF_ADDR32, whose
 * bit number is not in BTF and moved when x86 took the generic TIF bits
 * (6.18); the ia32 mark every exec of a 32-bit image puts on its mm is a
 * field BTF describes, the same on every kernel (as a u16 before 6.4, read
 * at its own size). It is not set for x32 programs, which TIF_ADDR32 is.
 *
 * Before 6.16 sched_process_exit fires after exit_mm(): an exiting task has
 * no mm there. Its active_mm is no answer (a task that switched out and in
 * again since borrows the previous task's), so there, and only on kernels
 * before 6.18, where its bit was 29 on x86-64 for years, TIF_ADDR32 is read
 * as the module reads it. A kernel thread is never a 32-bit program.
 */
extern unsigned int LINUX_KERNEL_VERSION __kconfig;
#define TIF_ADDR32_BEFORE_6_18	29	/* arch/x86/include/asm/thread_info.h */

static __always_inline __u16 task32_flag(struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	mm_context_t *ctx;
	__u64 flags;

	if (!mm) {
		if (BPF_CORE_READ(t, flags) & PF_KTHREAD_FLAG ||
		    LINUX_KERNEL_VERSION >= KERNEL_VERSION(6, 18, 0))
			return 0;
		flags = BPF_CORE_READ(t, thread_info.flags);
		return (flags >> TIF_ADDR32_BEFORE_6_18) & 1 ? SHRIKE_EVT_TASK32 : 0;
	}
	ctx = &mm->context;
	flags = BPF_CORE_READ_BITFIELD_PROBED(ctx, flags);
	return flags & MM_CONTEXT_UPROBE_IA32_BIT ? SHRIKE_EVT_TASK32 : 0;
}

/*
 * Takes the CPU's scratch slot and starts a record in it; NULL when the slot
 * is in use (counted as a nested drop, as the module counts re-entry).
 */
static __always_inline struct scratch *rec_begin(__u16 type, __u16 nparams)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct scratch *s = scr_get();
	struct shrike_evt_hdr *h;
	__u64 id = bpf_get_current_pid_tgid();
	__u64 *plen;

	if (!s)
		return NULL;
	if (s->busy) {
		struct shrike_bpf_counters *c = ctr_get();

		if (c) {
			c->n_seen++;
			c->n_drop_nested++;
		}
		return NULL;
	}
	s->busy = 1;
	h = (struct shrike_evt_hdr *)rec_base(s);
	h->type = type | task32_flag(t);
	h->nparams = nparams;
	h->ts = 0;
	h->tid = (__u32)id;
	h->pid = id >> 32;
	/* the length array, zeroed up to the parameters' 8-byte boundary */
	plen = (__u64 *)(rec_base(s) + HDR_SZ);
	plen[0] = 0;
	plen[1] = 0;
	plen[2] = 0;
	s->nparams = nparams > SHRIKE_BPF_MAX_PARAMS ? SHRIKE_BPF_MAX_PARAMS : nparams;
	s->idx = 0;
	s->len = (HDR_SZ + s->nparams * 2 + 7) & ~7u;
	return s;
}

static __always_inline void rec_abort(struct scratch *s)
{
	s->busy = 0;
}

/*
 * Stamps the record and copies it into the ring. The stamp is announced in
 * "pending" while the copy runs: the reader sees either the record or the
 * announcement, never neither, so it does not pass the record by (a CPU
 * that already announced an older stamp keeps its announcement). Plain
 * volatile stores: x86 keeps stores in order, as the reader's acquire
 * load expects (this driver is x86-64 only, like the module).
 */
static __always_inline void rec_commit(struct scratch *s)
{
	struct shrike_evt_hdr *h = (struct shrike_evt_hdr *)rec_base(s);
	struct shrike_bpf_sample *smp = (struct shrike_bpf_sample *)s->out;
	struct shrike_bpf_counters *c = ctr_get();
	__u32 cpu = bpf_get_smp_processor_id();
	__u32 len = s->len, end;
	__u64 *pend = bpf_map_lookup_elem(&pending, &cpu);
	int announced = 0;
	__u64 ts;

	if (c)
		c->n_seen++;
	if (len > SHRIKE_BPF_REC_MAX - 8) {
		if (c)
			c->n_drop_full++;	/* cannot happen: every append checks room */
		goto out;
	}
	end = (len + 7) & ~7u;
	/* nothing stale from an earlier record may reach the reader */
	*(__u64 *)(rec_base(s) + (len & REC_MASK)) = 0;
	h->len = end;
	smp->cpu = cpu;
	smp->__pad0 = 0;
	ts = bpf_ktime_get_boot_ns();
	h->ts = ts;
	if (pend && *pend == 0) {
		*(volatile __u64 *)pend = ts;
		announced = 1;
	}
	if (bpf_ringbuf_output(&events, s->out, (end & (SHRIKE_BPF_REC_MAX - 1)) + OUT_REC, 0) &&
	    c)
		c->n_drop_full++;
	if (announced)
		*(volatile __u64 *)pend = 0;
out:
	s->busy = 0;
}

#endif /* SHRIKE_BPF_RECORD_H */
