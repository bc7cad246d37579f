/* SPDX-License-Identifier: GPL-2.0-only */
/* true.c - a static /bin/true for the fork+exec benchmark: no dynamic loader, no libraries. */
int main(void)
{
	return 0;
}
