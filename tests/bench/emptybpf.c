/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * emptybpf.c - the floor of an eBPF driver, as tests/bench/emptyprobe is the
 * module's: a raw tracepoint program on raw_syscalls:sys_enter and one on
 * sys_exit, attached the way shrike's eBPF driver attaches its own, that
 * return at once. What a syscall pays with them attached is what any
 * eBPF monitor on those tracepoints pays before it does anything.
 *
 * usage: emptybpf READY_FILE
 *
 * Writes "ready" to READY_FILE once both are attached, then waits for a
 * signal; the programs go when the process does (their fds close).
 * Plain bpf(2) calls: two instructions need no loader library.
 */
#include <linux/bpf.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* r0 = 0; exit */
static int load_empty(void)
{
	struct bpf_insn insns[2];
	union bpf_attr a;

	memset(insns, 0, sizeof(insns));
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
	insns[0].dst_reg = BPF_REG_0;
	insns[1].code = BPF_JMP | BPF_EXIT;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uint64_t)(uintptr_t)"GPL";
	return bpf(BPF_PROG_LOAD, &a);
}

static int attach(const char *tracepoint, int prog)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.raw_tracepoint.name = (uint64_t)(uintptr_t)tracepoint;
	a.raw_tracepoint.prog_fd = (uint32_t)prog;
	return bpf(BPF_RAW_TRACEPOINT_OPEN, &a);
}

static void on_signal(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	const char *tps[] = { "sys_enter", "sys_exit" };
	struct sigaction sa;
	FILE *ready;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: emptybpf READY_FILE\n");
		return 2;
	}
	for (i = 0; i < 2; i++) {
		int prog = load_empty();

		if (prog < 0 || attach(tps[i], prog) < 0) {
			perror(prog < 0 ? "emptybpf: BPF_PROG_LOAD" : "emptybpf: BPF_RAW_TRACEPOINT_OPEN");
			return 1;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	ready = fopen(argv[1], "w");
	if (!ready || fputs("ready\n", ready) < 0 || fclose(ready) != 0) {
		perror("emptybpf: READY_FILE");
		return 1;
	}
	pause();
	return 0;
}
