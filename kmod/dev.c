// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - /dev/shrike: open/release start and stop a capture session, mmap
 * exposes one CPU's ring read-only, poll waits for events, ioctl configures.
 *
 * One reader at a time: a second open gets -EBUSY rather than sharing rings
 * whose tail only one consumer can own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/vmalloc.h>
#include <linux/nospec.h>
#include <linux/pid.h>
#include "compat.h"
#include "internal.h"

static DEFINE_MUTEX(session_lock);
static struct shrike_session *active;
static u64 sessions;			/* started so far: the generation of each */

static void wake_reader(struct irq_work *work)
{
	struct shrike_session *s = container_of(work, struct shrike_session, wake_work);

	wake_up_interruptible(&s->wq);
}

static int shrike_open(struct inode *inode, struct file *file)
{
	struct shrike_session *s;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	mutex_lock(&session_lock);
	if (active) {
		err = -EBUSY;
		goto out_unlock;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s) {
		err = -ENOMEM;
		goto out_unlock;
	}
	s->snaplen = SHRIKE_SNAPLEN_DEFAULT;
	s->gen = ++sessions;	/* before any probe can stamp a deferred path with it */
	/* Reporting the reader's own reads of /proc and of its files would feed
	 * back into the rings it drains.
	 */
	s->reader = get_pid(task_tgid(current));
	init_waitqueue_head(&s->wq);
	init_irq_work(&s->wake_work, wake_reader);
	mutex_init(&s->ioctl_lock);

	err = shrike_rings_alloc(s);
	if (err)
		goto out_free_session;
	/* before the probes: a path they defer is written into these rings */
	rcu_assign_pointer(shrike_live, s);
	err = shrike_probes_register(s);
	if (err)
		goto out_unpublish;

	active = s;
	file->private_data = s;
	mutex_unlock(&session_lock);
	return nonseekable_open(inode, file);

out_unpublish:
	RCU_INIT_POINTER(shrike_live, NULL);
	synchronize_rcu();
	shrike_defer_drain();
	shrike_rings_free(s);
out_free_session:
	put_pid(s->reader);
	kfree(s);
out_unlock:
	mutex_unlock(&session_lock);
	return err;
}

/* Runs once the last mapping is gone too, so the rings are no longer seen. */
static int shrike_release(struct inode *inode, struct file *file)
{
	struct shrike_session *s = file->private_data;

	mutex_lock(&session_lock);
	shrike_probes_unregister(s);
	/* deferred paths that run from now on write nothing; those running finish first */
	RCU_INIT_POINTER(shrike_live, NULL);
	synchronize_rcu();
	shrike_defer_drain();
	irq_work_sync(&s->wake_work);
	shrike_rings_free(s);
	put_pid(s->reader);
	kfree(s);
	active = NULL;
	mutex_unlock(&session_lock);
	return 0;
}

static int shrike_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct shrike_session *s = file->private_data;
	unsigned long size = vma->vm_end - vma->vm_start;
	unsigned long stride_pages = s->map_stride >> PAGE_SHIFT;
	unsigned long cpu;

	/* Ring pages are data the kernel writes: never writable, never code. */
	if (vma->vm_flags & (VM_WRITE | VM_EXEC))
		return -EACCES;
	/* VM_MAYSHARE: VM_SHARED itself is cleared for a read-only file */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (size != s->map_stride || vma->vm_pgoff % stride_pages)
		return -EINVAL;
	cpu = vma->vm_pgoff / stride_pages;
	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	cpu = array_index_nospec(cpu, nr_cpu_ids);
	/* a CPU that was never online while the device was open has no ring */
	if (!smp_load_acquire(&s->cpus[cpu].ctrl))
		return -ENODEV;
	/* Nor may mprotect() make it writable or executable later. */
	shrike_vma_deny_write_exec(vma);
	return remap_vmalloc_range(vma, s->cpus[cpu].base, 0);
}

static __poll_t shrike_poll(struct file *file, poll_table *wait)
{
	struct shrike_session *s = file->private_data;

	poll_wait(file, &s->wq, wait);
	WRITE_ONCE(s->waiting, 1);
	/* Pairs with the barrier in shrike_ring_commit. */
	smp_mb();
	if (shrike_rings_pending(s)) {
		WRITE_ONCE(s->waiting, 0);
		return EPOLLIN | EPOLLRDNORM;
	}
	return 0;
}

static long ioctl_set_mask(struct shrike_session *s, void __user *arg)
{
	struct shrike_syscall_mask m;
	size_t i;

	if (copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	for (i = NR_syscalls; i < SHRIKE_MAX_SYSCALLS; i++)
		if (m.bits[i / 64] & (1ULL << (i % 64)))
			return -EINVAL;
	for (i = 0; i < NR_syscalls && i < SHRIKE_MAX_SYSCALLS; i++)
		assign_bit(i, s->mask, m.bits[i / 64] & (1ULL << (i % 64)));
	return 0;
}

static long shrike_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct shrike_session *s = file->private_data;
	void __user *uarg = (void __user *)arg;
	long err = 0;

	mutex_lock(&s->ioctl_lock);
	switch (cmd) {
	case SHRIKE_IOC_GET_INFO: {
		struct shrike_info info = {
			.abi_version = SHRIKE_ABI_VERSION,
			.ncpus = nr_cpu_ids,
			.ring_bytes = s->ring_bytes,
			.map_stride = s->map_stride,
			.max_event = SHRIKE_MAX_EVENT,
			.snaplen = s->snaplen,
			.nr_syscalls = min_t(u32, NR_syscalls, SHRIKE_MAX_SYSCALLS),
		};

		if (copy_to_user(uarg, &info, sizeof(info)))
			err = -EFAULT;
		break;
	}
	case SHRIKE_IOC_CONSUME: {
		struct shrike_consume req;

		if (copy_from_user(&req, uarg, sizeof(req)))
			err = -EFAULT;
		else
			err = shrike_ring_consume(s, &req);
		break;
	}
	case SHRIKE_IOC_ENABLE:
	case SHRIKE_IOC_DISABLE:
		if (arg >= NR_syscalls || arg >= SHRIKE_MAX_SYSCALLS)
			err = -EINVAL;
		else
			assign_bit(array_index_nospec(arg, SHRIKE_MAX_SYSCALLS), s->mask,
				   cmd == SHRIKE_IOC_ENABLE);
		break;
	case SHRIKE_IOC_SET_MASK:
		err = ioctl_set_mask(s, uarg);
		break;
	case SHRIKE_IOC_GET_COUNTERS: {
		struct shrike_counters sum;

		shrike_counters_sum(s, &sum);
		if (copy_to_user(uarg, &sum, sizeof(sum)))
			err = -EFAULT;
		break;
	}
	case SHRIKE_IOC_SET_SNAPLEN:
		if (arg < SHRIKE_SNAPLEN_MIN || arg > SHRIKE_SNAPLEN_MAX)
			err = -EINVAL;
		else
			WRITE_ONCE(s->snaplen, arg);
		break;
	default:
		err = -ENOTTY;
	}
	mutex_unlock(&s->ioctl_lock);
	return err;
}

static const struct file_operations shrike_fops = {
	.owner = THIS_MODULE,
	.open = shrike_open,
	.release = shrike_release,
	.mmap = shrike_mmap,
	.poll = shrike_poll,
	.unlocked_ioctl = shrike_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	SHRIKE_FOP_NO_LLSEEK
};

static struct miscdevice shrike_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "shrike",
	.fops = &shrike_fops,
	.mode = 0600,
};

int shrike_dev_register(void)
{
	return misc_register(&shrike_misc);
}

void shrike_dev_unregister(void)
{
	misc_deregister(&shrike_misc);
}
