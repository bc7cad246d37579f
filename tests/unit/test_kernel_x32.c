/* SPDX-License-Identifier: GPL-2.0-only */
/* test_kernel_x32.c - the x32 ABI is told from kallsyms by its table and compat entries only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "input/kernel_x32.h"

/* kernel_has_x32() of a kallsyms file holding text */
static int has_x32(const char *text)
{
	char path[] = "/tmp/test_kernel_x32.XXXXXX";
	int fd = mkstemp(path), r;
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	r = kernel_has_x32(path);
	unlink(path);
	return r;
}

static void test_table(void **state)
{
	(void)state;
	/* 6.1: the table; 6.9 on: the dispatcher; hidden addresses alike */
	assert_int_equal(has_x32("ffffffff81000000 T _stext\nffffffff82200340 D x32_sys_call_table\n"), 1);
	assert_int_equal(has_x32("0000000000000000 T x32_sys_call\n"), 1);
	assert_int_equal(has_x32("ffffffff8130a2b0 T __x64_compat_sys_execve\n"), 1);
}

static void test_none(void **state)
{
	(void)state;
	/* ia32 emulation alone: its own table and __ia32_ entries */
	assert_int_equal(has_x32("ffffffff81000000 T _stext\nffffffff82200000 D ia32_sys_call_table\n"
				 "ffffffff8130a2b0 T __ia32_compat_sys_execve\n"
				 "ffffffff8130a2c0 T __x64_sys_execve\n"), 0);
	/* a name that merely contains one, or a module's symbol */
	assert_int_equal(has_x32("ffffffff81000000 t my_x32_sys_call\n"
				 "ffffffffc0000000 t x32_sys_call\t[fake]\n"), 0);
	assert_int_equal(has_x32(""), 0);
	assert_int_equal(kernel_has_x32("/nonexistent/kallsyms"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
