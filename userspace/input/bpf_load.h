/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bpf_load.h - loading the eBPF driver (bpf/): checks what the kernel
 * offers, sizes the maps, loads and verifies the programs, copies the event
 * table in and attaches the raw tracepoints, or says clearly why not.
 */
#ifndef SHRIKE_BPF_LOAD_H
#define SHRIKE_BPF_LOAD_H

#include <stddef.h>
#include <stdint.h>

struct shrike_bpf;

#define BPF_LOAD_BTF	"/sys/kernel/btf/vmlinux"

/*
 * Loads and attaches; ring_bytes is the ring buffer's size (rounded up to a
 * power of two). *ncpus: the CPU numbers the programs can report.
 */
struct shrike_bpf *bpf_load(uint64_t ring_bytes, uint32_t *ncpus, char *err, size_t errlen);
void bpf_unload(struct shrike_bpf *skel);

#endif /* SHRIKE_BPF_LOAD_H */
