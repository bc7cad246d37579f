/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ctx.h - struct shrike_proc_ctx, who a task is: the eBPF twin of
 * kmod/fill_proc.c fill_ctx(). Cgroups go out as ids (resolved to paths
 * by the daemon); ids are mapped into the task's user namespace by walking
 * its uid_map / gid_map extents as the kernel's map_id_up() does.
 */
#ifndef SHRIKE_BPF_CTX_H
#define SHRIKE_BPF_CTX_H

#define UID_GID_MAP_MAX_BASE	5	/* extents held inline in struct uid_gid_map */
#define UID_GID_MAP_MAX		340	/* at most, behind forward/reverse */
#define PIDTYPE_TGID_VAL	1
#define PIDTYPE_SID_VAL		3

/* from_kuid()/from_kgid(): a kernel id as the namespace of map sees it */
__noinline __u64 id_up(__u64 map, __u32 id)
{
	struct uid_gid_map *m = (struct uid_gid_map *)map;
	struct uid_gid_extent e, *arr;
	__u32 nr = BPF_CORE_READ(m, nr_extents);
	int i;

	if (id == SHRIKE_ID_NONE)
		return SHRIKE_ID_NONE;
	if (nr <= UID_GID_MAP_MAX_BASE) {
		for (i = 0; i < UID_GID_MAP_MAX_BASE && i < nr; i++) {
			if (bpf_core_read(&e, sizeof(e), &m->extent[i]))
				return SHRIKE_ID_NONE;
			if (id >= e.lower_first && id - e.lower_first < e.count)
				return e.first + (id - e.lower_first);
		}
		return SHRIKE_ID_NONE;
	}
	arr = BPF_CORE_READ(m, reverse);
	for (i = 0; i < UID_GID_MAP_MAX && i < nr; i++) {
		if (bpf_core_read(&e, sizeof(e), arr + i))
			return SHRIKE_ID_NONE;
		if (id >= e.lower_first && id - e.lower_first < e.count)
			return e.first + (id - e.lower_first);
	}
	return SHRIKE_ID_NONE;
}

static __always_inline void ctx_ids(struct task_struct *t, struct shrike_proc_ctx *c)
{
	const struct cred *cred = BPF_CORE_READ(t, cred);
	struct user_namespace *ns = BPF_CORE_READ(cred, user_ns);
	__u32 euid = BPF_CORE_READ(cred, euid.val), egid = BPF_CORE_READ(cred, egid.val);
	__u32 login = SHRIKE_ID_NONE;

	c->uid = id_up((__u64)&ns->uid_map, euid);
	c->gid = id_up((__u64)&ns->gid_map, egid);
	c->ruid = id_up((__u64)&ns->uid_map, BPF_CORE_READ(cred, uid.val));
	c->rgid = id_up((__u64)&ns->gid_map, BPF_CORE_READ(cred, gid.val));
	/* the initial namespace maps every valid id to itself */
	c->host_uid = euid;
	c->host_gid = egid;
	if (bpf_core_field_exists(t->loginuid))
		login = BPF_CORE_READ(t, loginuid.val);
	c->host_loginuid = login;
	c->loginuid = id_up((__u64)&ns->uid_map, login);
	c->userns = BPF_CORE_READ(ns, ns.inum);
	/* kernel_cap_t: one u64, or two u32 in that order before 6.3 */
	bpf_core_read(&c->cap_effective, sizeof(c->cap_effective), &cred->cap_effective);
}

/* The number a pid has in namespace ns at level, 0 when it has none there. */
static __always_inline __u32 pid_nr_in(struct pid *p, __u32 level, struct pid_namespace *ns)
{
	struct upid u = {};

	if (!p || BPF_CORE_READ(p, level) < level)
		return 0;
	bpf_core_read(&u, sizeof(u), &p->numbers[level]);
	return u.ns == ns ? (__u32)u.nr : 0;
}

static __always_inline void ctx_namespaces(struct task_struct *t, struct shrike_proc_ctx *c)
{
	struct pid *tp = BPF_CORE_READ(t, thread_pid);
	__u32 level = BPF_CORE_READ(tp, level);
	struct nsproxy *nsp = BPF_CORE_READ(t, nsproxy);
	struct pid_namespace *pidns = NULL;
	struct upid u = {};

	if (tp && !bpf_core_read(&u, sizeof(u), &tp->numbers[level & 63]))
		pidns = u.ns;
	if (pidns) {
		c->pidns = BPF_CORE_READ(pidns, ns.inum);
		c->vpid = pid_nr_in(BPF_CORE_READ(t, signal, pids[PIDTYPE_TGID_VAL]), level, pidns);
		c->sid = pid_nr_in(BPF_CORE_READ(t, signal, pids[PIDTYPE_SID_VAL]), level, pidns);
	}
	if (!nsp)	/* a task past exit_task_namespaces() */
		return;
	c->mntns = BPF_CORE_READ(nsp, mnt_ns, ns.inum);
	c->utsns = BPF_CORE_READ(nsp, uts_ns, ns.inum);
	c->netns = BPF_CORE_READ(nsp, net_ns, ns.inum);
	c->cgroupns = BPF_CORE_READ(nsp, cgroup_ns, ns.inum);
}

static __always_inline void ctx_cgroups(struct task_struct *t, struct shrike_proc_ctx *c)
{
	struct css_set *cset = BPF_CORE_READ(t, cgroups);

	c->cgroup_id = BPF_CORE_READ(cset, dfl_cgrp, kn, id);
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, pids_cgrp_id)) {
		int i = bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id);
		struct cgroup_subsys_state *css = NULL;
		struct cgroup *cg;
		__u32 hier;

		bpf_core_read(&css, sizeof(css), &cset->subsys[i & 15]);
		cg = BPF_CORE_READ(css, cgroup);
		hier = BPF_CORE_READ(cg, root, hierarchy_id);
		/* hierarchy 0 is the default (v2) one, already reported */
		if (cg && hier) {
			c->cgroup1_id = BPF_CORE_READ(cg, kn, id);
			c->cgroup1_hier = hier;
		}
	}
}

/* The controlling tty as /proc/<pid>/stat encodes it (new_encode_dev). */
static __always_inline __u32 ctx_tty(struct task_struct *t)
{
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	__u32 major, minor;

	if (!tty)
		return 0;
	major = BPF_CORE_READ(tty, driver, major);
	minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

/*
 * Appends the identity of task (a task_struct pointer) as a K_CTX parameter,
 * built in place in the record: a copy on the stack (over 200 bytes) would
 * put the sys_enter call chain past the verifier's 512-byte stack on
 * kernels that count every frame of it (6.1).
 */
__noinline int rec_ctx(__u64 task)
{
	struct task_struct *t = (struct task_struct *)task;
	struct scratch *s = scr_get();
	struct shrike_proc_ctx *c;

	if (!s)
		return 0;
	if (rec_room(s) < sizeof(*c)) {
		rec_set(s, 0, SHRIKE_PARAM_TRUNC);
		return 0;
	}
	c = (struct shrike_proc_ctx *)rec_tail(s);
	__builtin_memset(c, 0, sizeof(*c));
	c->pid = BPF_CORE_READ(t, tgid);
	c->tid = BPF_CORE_READ(t, pid);
	c->ppid = BPF_CORE_READ(t, real_parent, tgid);
	c->start_ns = BPF_CORE_READ(t, start_boottime);
	if (BPF_CORE_READ(t, flags) & PF_KTHREAD_FLAG)
		c->flags |= SHRIKE_CTX_KTHREAD;
	bpf_core_read_str(c->comm, sizeof(c->comm), &t->comm);
	c->tty = ctx_tty(t);
	ctx_ids(t, c);
	ctx_namespaces(t, c);
	ctx_cgroups(t, c);
	rec_set(s, sizeof(*c), 0);
	return 0;
}

#endif /* SHRIKE_BPF_CTX_H */
