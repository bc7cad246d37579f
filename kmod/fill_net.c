// SPDX-License-Identifier: GPL-2.0
/*
 * fill_net.c - socket addresses: the sockaddr a caller passed (read at entry)
 * and the local/remote tuple the kernel holds for a socket fd (at exit).
 *
 * The socket is read through a reference on its file (fget), which keeps
 * the struct socket and its sock alive. A unix socket's peer is never read:
 * nothing we can hold from a probe pins it (unix_peer_get() takes a lock
 * that sleeps on PREEMPT_RT, and peers are not RCU-freed), so a client's
 * tuple carries its own address only; the address it connected to is the
 * sockaddr of connect(), read at entry.
 */
#include <linux/kernel.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/file.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/af_unix.h>
#include <net/compat.h>
#include <linux/uaccess.h>
#include "fill.h"
#include "uapi/shrike_events.h"

#define SOCKADDR_MAX 128	/* sizeof(struct sockaddr_storage) */

void shrike_fill_sockaddr(struct evb *b, const void __user *addr, int len)
{
	u16 flags = 0;

	if (!addr || len <= 0) {	/* e.g. sendto on a connected socket */
		evb_set(b, 0, 0);
		return;
	}
	if (len > SOCKADDR_MAX) {
		len = SOCKADDR_MAX;
		flags = SHRIKE_PARAM_TRUNC;
	}
	if ((u32)len > evb_room(b) || copy_from_user_nofault(evb_tail(b), addr, len)) {
		evb_set(b, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	evb_set(b, len, flags);
}

/*
 * sendmsg: the destination lives behind a pointer inside the msghdr, whose
 * pointers are 32 bits wide in a 32-bit syscall (struct compat_msghdr).
 */
void shrike_fill_msgaddr(struct evb *b, const void __user *msg, bool compat)
{
	struct user_msghdr mh;

	if (!msg)
		goto fault;
#ifdef CONFIG_COMPAT
	if (compat) {
		struct compat_msghdr cmh;

		if (copy_from_user_nofault(&cmh, msg, sizeof(cmh)))
			goto fault;
		shrike_fill_sockaddr(b, compat_ptr(cmh.msg_name), cmh.msg_namelen);
		return;
	}
#endif
	if (copy_from_user_nofault(&mh, msg, sizeof(mh)))
		goto fault;
	shrike_fill_sockaddr(b, mh.msg_name, mh.msg_namelen);
	return;
fault:
	evb_set(b, 0, SHRIKE_PARAM_FAULT);
}

static void unix_path(const struct sock *sk, char *dst, size_t cap)
{
	/*
	 * Pairs with the smp_store_release() that publishes u->addr when
	 * af_unix binds the socket, as in unix_getname(): the address
	 * contents are visible once the pointer is.
	 */
	const struct unix_address *ua = smp_load_acquire(&unix_sk(sk)->addr);
	size_t n;

	if (!ua || ua->len <= (int)offsetof(struct sockaddr_un, sun_path))
		return;
	n = ua->len - offsetof(struct sockaddr_un, sun_path);
	n = min(n, cap - 1);
	memcpy(dst, ua->name->sun_path, n);
	/* abstract sockets start with NUL: show them as '@' like ss(8) does */
	if (n && dst[0] == '\0')
		dst[0] = '@';
	dst[n] = '\0';
}

static void fill_tuple_sock(struct shrike_tuple *t, struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);

	t->family = sk->sk_family;
	if (sk->sk_family == AF_INET || sk->sk_family == AF_INET6)
		t->proto = sk->sk_protocol;
	switch (sk->sk_family) {
	case AF_INET:
		memcpy(t->saddr, &inet->inet_rcv_saddr, 4);
		memcpy(t->daddr, &inet->inet_daddr, 4);
		t->sport = ntohs(inet->inet_sport);
		t->dport = ntohs(inet->inet_dport);
		break;
#if IS_ENABLED(CONFIG_IPV6)
	case AF_INET6:
		memcpy(t->saddr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(t->daddr, &sk->sk_v6_daddr, 16);
		t->sport = ntohs(inet->inet_sport);
		t->dport = ntohs(inet->inet_dport);
		break;
#endif
	case AF_UNIX:
		unix_path(sk, t->path, sizeof(t->path));
		break;
	}
}

void shrike_fill_tuple(struct evb *b, int fd)
{
	struct shrike_tuple *t = (struct shrike_tuple *)evb_tail(b);
	struct file *file;
	struct socket *sock;

	if (evb_room(b) < sizeof(*t) || fd < 0) {
		evb_set(b, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	memset(t, 0, sizeof(*t));
	file = current->files ? fget(fd) : NULL;
	if (file) {
		sock = sock_from_file(file);
		if (sock && sock->sk)
			fill_tuple_sock(t, sock->sk);
		fput(file);
	}
	evb_set(b, sizeof(*t), 0);
}
