/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * open32.c - an ordinary 32-bit (i386) program: opens the file its argument
 * names, closes it and exits 0 (1 when the open failed, 2 without an
 * argument). Freestanding (no libc), so that it builds with -m32 without
 * 32-bit libraries and runs in any container.
 *
 * The VM tests use it as the near miss of a 64-bit program using int $0x80:
 * its syscalls are 32-bit ones (evt.is_compat) made by a 32-bit program
 * (proc.is_32bit).
 */

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

static void __attribute__((noreturn)) sys_exit(int code)
{
	for (;;)
		sys3(1, code, 0, 0);
}

/* sp: the initial stack the kernel built, argc then argv[]. */
void __attribute__((used, noreturn)) start32(long *sp)
{
	char **argv = (char **)(sp + 1);
	long fd;

	if (sp[0] < 2)
		sys_exit(2);
	fd = sys3(5, (long)argv[1], 0, 0);	/* open(argv[1], O_RDONLY) */
	if (fd < 0)
		sys_exit(1);
	sys3(6, fd, 0, 0);			/* close */
	sys_exit(0);
}

__asm__(".text\n"
	".globl _start\n"
	"_start:\n\t"
	"xor %ebp, %ebp\n\t"
	"mov %esp, %eax\n\t"
	"and $-16, %esp\n\t"
	"sub $12, %esp\n\t"
	"push %eax\n\t"
	"call start32\n\t"
	"hlt\n");
