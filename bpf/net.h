/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net.h - socket addresses: the sockaddr a caller passed (read at entry)
 * and the tuple of a socket fd (at exit): the eBPF twin of kmod/fill_net.c,
 * with the same rule that a unix socket's peer is never read (its own
 * address only; where it connected to is connect()'s sockaddr).
 */
#ifndef SHRIKE_BPF_NET_H
#define SHRIKE_BPF_NET_H

#define SOCKADDR_MAX	128	/* sizeof(struct sockaddr_storage) */
#define AF_UNIX_VAL	1
#define AF_INET_VAL	2
#define AF_INET6_VAL	10

static __always_inline void rec_sockaddr(struct scratch *s, __u64 addr, int len)
{
	__u16 flags = 0;

	if (!addr || len <= 0) {	/* e.g. sendto on a connected socket */
		rec_set(s, 0, 0);
		return;
	}
	if (len > SOCKADDR_MAX) {
		len = SOCKADDR_MAX;
		flags = SHRIKE_PARAM_TRUNC;
	}
	rec_ubytes(s, addr, (__u32)len, flags);
}

/*
 * The start of struct compat_msghdr, the 32-bit ABI's msghdr: a 32-bit
 * msg_name pointer, then its length.
 */
struct msghdr32_head {
	__u32 msg_name;
	__s32 msg_namelen;
};

/*
 * sendmsg: the destination named by the struct user_msghdr at msg, or by
 * the struct compat_msghdr of a 32-bit call.
 */
static __always_inline void rec_msgaddr(struct scratch *s, __u64 msg, int compat)
{
	struct user_msghdr mh;
	struct msghdr32_head mh32;

	if (compat) {
		if (!msg || bpf_probe_read_user(&mh32, sizeof(mh32), (const void *)msg)) {
			rec_set(s, 0, SHRIKE_PARAM_FAULT);
			return;
		}
		rec_sockaddr(s, mh32.msg_name, mh32.msg_namelen);
		return;
	}
	if (!msg || bpf_probe_read_user(&mh, sizeof(mh), (const void *)msg)) {
		rec_set(s, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	rec_sockaddr(s, (__u64)mh.msg_name, mh.msg_namelen);
}

static __always_inline void tuple_unix(struct sock *sk, struct shrike_tuple *t)
{
	struct unix_sock *u = (struct unix_sock *)sk;
	struct unix_address *ua = BPF_CORE_READ(u, addr);
	int len, n;

	if (!ua)
		return;
	len = BPF_CORE_READ(ua, len);
	n = len - (int)__builtin_offsetof(struct sockaddr_un, sun_path);
	if (n <= 0)
		return;
	if (n > (int)sizeof(t->path) - 1)
		n = sizeof(t->path) - 1;
	bpf_core_read(t->path, vbound(n, 127), &ua->name[0].sun_path);
	/* abstract sockets start with NUL: shown as '@' like ss(8) does */
	if (t->path[0] == '\0')
		t->path[0] = '@';
	t->path[vbound(n, 127)] = '\0';
}

/* The local/remote addresses of the socket at fd; all zero if not a socket. */
__noinline int rec_tuple(int fd)
{
	struct scratch *s = scr_get();
	struct shrike_tuple t = {};
	struct file *f;
	struct socket *sock;
	struct sock *sk;
	__u16 mode;

	if (!s)
		return 0;
	if (rec_room(s) < sizeof(t) || fd < 0) {
		rec_set(s, 0, SHRIKE_PARAM_FAULT);
		return 0;
	}
	f = fd_file(fd);
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	if (!f || (mode & S_IFMT_VAL) != S_IFSOCK_VAL)
		goto out;
	sock = BPF_CORE_READ(f, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		goto out;
	t.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (t.family == AF_INET_VAL || t.family == AF_INET6_VAL) {
		struct inet_sock *inet = (struct inet_sock *)sk;

		t.proto = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
		t.sport = bpf_ntohs(BPF_CORE_READ(inet, inet_sport));
		t.dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	}
	if (t.family == AF_INET_VAL) {
		bpf_core_read(t.saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(t.daddr, 4, &sk->__sk_common.skc_daddr);
	} else if (t.family == AF_INET6_VAL) {
		bpf_core_read(t.saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(t.daddr, 16, &sk->__sk_common.skc_v6_daddr);
	} else if (t.family == AF_UNIX_VAL) {
		tuple_unix(sk, &t);
	}
out:
	__builtin_memcpy(rec_tail(s), &t, sizeof(t));
	rec_set(s, sizeof(t), 0);
	return 0;
}

#endif /* SHRIKE_BPF_NET_H */
