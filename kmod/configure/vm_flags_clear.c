// SPDX-License-Identifier: GPL-2.0
/* vm_flags_clear(): vma->vm_flags became const behind helpers in 6.3. */
#include <linux/mm.h>

void shrike_probe(struct vm_area_struct *vma);
void shrike_probe(struct vm_area_struct *vma)
{
	vm_flags_clear(vma, VM_MAYWRITE);
}
