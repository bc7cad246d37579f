# SPDX-License-Identifier: GPL-2.0-only
# shrike: top-level build. `make` builds the module and the daemon,
# `make test` runs every test (unit, rules, replay, then the VM suite).

VERSION    := 0.1.0
BUILD      := build
# Kernel to build against: KVER=... overrides; else the running kernel if its
# headers are installed, else the newest installed Debian kernel headers
# (scripts/kver).
# Every script asks scripts/kver, which answers $KVER first: a KVER the user
# gives is exported, so that the module, the VM, make run and DKMS agree on
# it. The default is not exported: scripts that cover several kernels (make
# test's VM suite: 6.1 and 6.12) must not be pinned to one by it.
ifeq ($(origin KVER),undefined)
KVER       := $(shell scripts/kver)
else
export KVER
endif
KDIR       ?= /lib/modules/$(KVER)/build

CC         ?= cc
CFLAGS     ?= -O2 -g
CFLAGS     += -std=gnu11 -Wall -Wextra -Werror=implicit-function-declaration \
              -D_GNU_SOURCE -DSHRIKE_VERSION='"$(VERSION)"' -Ikmod/uapi -Iuserspace \
              -iquote bpf -iquote $(BUILD)/bpf
LDLIBS     := -lyaml -lcjson -lm -lcurl -lmicrohttpd -lpthread -lbpf
SAN        ?=

# The daemon's sources: the wiring at the top of userspace/, the rest in one
# folder per role (docs/DESIGN.md); objects mirror the folders in $(BUILD)/obj.
# The rules engine is a library of its own (librules.a): its unit tests link
# it alone, with fake fields, so nothing of it can lean on the daemon. It
# carries the few lib/ objects it uses (RULES_LIB), which libshrike.a has too.
RULES_SRCS := $(wildcard userspace/rules/*.c)
RULES_LIB  := userspace/lib/escape.c
RULES_OBJS := $(RULES_SRCS:userspace/%.c=$(BUILD)/obj/%.o) $(RULES_LIB:userspace/%.c=$(BUILD)/obj/%.o)
LIB_SRCS   := $(filter-out userspace/main.c $(RULES_SRCS),$(wildcard userspace/*.c userspace/*/*.c))
LIB_OBJS   := $(LIB_SRCS:userspace/%.c=$(BUILD)/obj/%.o)
RULES_TESTS := $(BUILD)/tests/test_rule_engine $(BUILD)/tests/test_rule_loader
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRCS := $(wildcard tests/e2e/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/e2e/helpers/%.c=$(BUILD)/helpers/%)

.PHONY: all module daemon helpers unit unit-bins test vmtest run demo clean deps check fuzz fuzz-bins \
	asan vmtest-rt vmtest-cloud vmtest-debug vmtest-matrix \
	install dkms-install dkms-remove deb docs

all: module daemon

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	@rm -f Module.symvers modules.order

daemon: $(BUILD)/shrike

# The eBPF driver (bpf/, docs/DRIVERS.md): CO-RE programs compiled with
# clang against a vmlinux.h that bpftool writes from the kernel's BTF (any
# kernel's will do: libbpf relocates the object for the one it loads on),
# then embedded in the daemon as a skeleton. Nothing generated is committed.
BPF_CLANG   ?= clang
BPFTOOL     ?= bpftool
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_SRCS    := bpf/shrike.bpf.c $(wildcard bpf/*.h) $(wildcard kmod/uapi/*.h)
BPF_SKEL    := $(BUILD)/bpf/shrike.skel.h
BPF_CFLAGS  := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
               -I$(BUILD)/bpf -Ibpf -Ikmod/uapi -I/usr/include/$(shell $(CC) -dumpmachine)

$(BUILD)/bpf/vmlinux.h:
	@mkdir -p $(dir $@)
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(BUILD)/bpf/shrike.bpf.o: $(BPF_SRCS) $(BUILD)/bpf/vmlinux.h
	$(BPF_CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(BPF_SKEL): $(BUILD)/bpf/shrike.bpf.o
	$(BPFTOOL) gen skeleton $< name shrike_bpf > $@.tmp && mv $@.tmp $@

# the objects that include the skeleton wait for it
$(BUILD)/obj/input/bpf_load.o $(BUILD)/obj/input/source_bpf.o: $(BPF_SKEL)

# Each object depends on the headers it includes (-MMD -MP: $(BUILD)/obj/**/*.d).
$(BUILD)/obj/%.o: userspace/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -MMD -MP -c -o $@ $<

-include $(LIB_OBJS:.o=.d) $(RULES_OBJS:.o=.d) $(BUILD)/obj/main.d

$(BUILD)/librules.a: $(RULES_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libshrike.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/shrike: $(BUILD)/obj/main.o $(BUILD)/libshrike.a $(BUILD)/librules.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

$(RULES_TESTS): $(BUILD)/tests/%: tests/unit/%.c $(BUILD)/librules.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ -lyaml -lcjson -lm -lcmocka

$(filter-out $(RULES_TESTS),$(UNIT_BINS)): $(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libshrike.a \
		$(BUILD)/librules.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS) -lcmocka

# Helpers run inside the VM; static so they do not depend on the guest's libs.
$(BUILD)/helpers/%: tests/e2e/helpers/%.c $(wildcard kmod/uapi/*.h) $(wildcard tests/e2e/helpers/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $< -lpthread

# 32-bit (i386) helpers, the ordinary 32-bit processes of the tests:
# freestanding, so -m32 needs no 32-bit libraries.
HELPER32_SRCS := $(wildcard tests/e2e/helpers/i386/*.c)
HELPER32_BINS := $(HELPER32_SRCS:tests/e2e/helpers/i386/%.c=$(BUILD)/helpers/i386/%)

$(BUILD)/helpers/i386/%: tests/e2e/helpers/i386/%.c
	@mkdir -p $(dir $@)
	$(CC) -m32 -O2 -Wall -Wextra -ffreestanding -fno-pic -fno-stack-protector -nostdlib \
		-static -no-pie -o $@ $<

helpers: $(HELPER_BINS) $(HELPER32_BINS)

unit-bins: $(UNIT_BINS)

unit: $(UNIT_BINS)
	@scripts/run-unit $(UNIT_BINS)

deps:
	@scripts/deps

test: deps
	@scripts/test-all

# The VM suite on each kernel series (6.1 and 6.12; KVER=... for one)
vmtest: all helpers
	@scripts/vmtest

run: deps
	@scripts/run

demo: deps
	@scripts/run --vm

fuzz: deps
	@tests/fuzz/run

# The libFuzzer targets (tests/fuzz/fuzz_*.c; FUZZ_TARGETS=... for some):
# clang, AddressSanitizer and UBSan, against all of the daemon's code but
# main.c, built again for fuzzing in $(BUILD)/fuzz/obj. tests/fuzz/run builds them with
# `make fuzz-bins`, then runs them.
FUZZ_CC     ?= clang
FUZZ_CFLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
               -D_GNU_SOURCE -Ikmod/uapi -Iuserspace -iquote bpf -iquote $(BUILD)/bpf -DSHRIKE_VERSION='"fuzz"'
FUZZ_TARGETS ?= $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SRCS   := $(filter-out userspace/main.c,$(wildcard userspace/*.c userspace/*/*.c))
FUZZ_OBJS   := $(FUZZ_SRCS:userspace/%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_BINS   := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)

$(BUILD)/fuzz/obj/%.o: userspace/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(BUILD)/fuzz/obj/input/bpf_load.o $(BUILD)/fuzz/obj/input/source_bpf.o: $(BPF_SKEL)

$(FUZZ_BINS): $(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -MF $@.d $< $(FUZZ_OBJS) $(LDLIBS) -o $@

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_BINS:=.d)

fuzz-bins: $(FUZZ_BINS)

# The daemon and the unit tests again with AddressSanitizer and UBSan, in
# their own build directory; scripts/test-all runs the host tests with them.
ASAN_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

asan:
	$(MAKE) BUILD=$(BUILD)/asan SAN="$(ASAN_SAN)" daemon unit-bins

# The module's own checks: sparse (C=2) and checkpatch.pl --strict.
check:
	@scripts/check

# The VM suite's subset on Debian's PREEMPT_RT kernel (its headers and image).
vmtest-rt: all helpers
	@scripts/vmtest --flavour rt

# The same subset on Debian's cloud kernel (no 9p: booted over virtio-fs).
vmtest-cloud: all helpers
	@scripts/vmtest --flavour cloud

# The whole VM suite on six kernels: 6.1 and 6.12 (scripts/kver --series),
# each in its generic, cloud and PREEMPT_RT flavour (their headers are
# installed on first use; docs/KERNELS.md). make test runs the two generic.
vmtest-matrix: daemon helpers
	@scripts/vmtest --matrix

# The module under a debug kernel (KASAN, lockdep, atomic-sleep checks, debug
# lists and objects) built once from Debian's linux-source-6.1 into build/
# (scripts/debug-kernel): 10-module-exec, 70-stress, 70-hostile and the race
# workloads of 80-races (SHRIKE_RACE_SECONDS per phase, default 60: 10 min).
# The module is built against that kernel in build/kmod-debug/.
vmtest-debug: daemon helpers
	@scripts/vmtest --debug

# --- shipping: install, DKMS, Debian packages, generated docs ---------------
#
# `make install` lays out the daemon, its configuration, the systemd unit and
# the man pages under DESTDIR (scripts/deb packages exactly this). The
# configuration is not replaced if present (it is the administrator's); the
# shipped rules are (local rules go to shrike_rules.local.yaml).
DESTDIR    ?=
PREFIX     ?= /usr
SYSCONFDIR ?= /etc/shrike
UNITDIR    ?= /lib/systemd/system
MANDIR     ?= $(PREFIX)/share/man

install: $(BUILD)/shrike
	install -D -m 755 $(BUILD)/shrike $(DESTDIR)$(PREFIX)/bin/shrike
	install -d -m 755 $(DESTDIR)$(SYSCONFDIR)
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/shrike.yaml ]; then \
		echo "install: keeping $(DESTDIR)$(SYSCONFDIR)/shrike.yaml"; \
	else \
		echo "install -m 644 packaging/shrike.yaml $(DESTDIR)$(SYSCONFDIR)/shrike.yaml"; \
		install -m 644 packaging/shrike.yaml $(DESTDIR)$(SYSCONFDIR)/shrike.yaml; \
	fi
	@if [ -f rules/shrike_rules.yaml ]; then \
		echo "install -m 644 rules/shrike_rules.yaml $(DESTDIR)$(SYSCONFDIR)/shrike_rules.yaml"; \
		install -m 644 rules/shrike_rules.yaml $(DESTDIR)$(SYSCONFDIR)/shrike_rules.yaml; \
	else \
		echo "install: no rules/shrike_rules.yaml: installing an empty placeholder"; \
		install -m 644 packaging/shrike_rules.placeholder.yaml $(DESTDIR)$(SYSCONFDIR)/shrike_rules.yaml; \
	fi
	[ -e $(DESTDIR)$(SYSCONFDIR)/shrike_rules.local.yaml ] || \
		install -m 644 packaging/shrike_rules.local.yaml $(DESTDIR)$(SYSCONFDIR)/shrike_rules.local.yaml
	install -D -m 644 packaging/shrike.service $(DESTDIR)$(UNITDIR)/shrike.service
	install -D -m 644 packaging/man/shrike.8 $(DESTDIR)$(MANDIR)/man8/shrike.8
	install -D -m 644 packaging/man/shrike.yaml.5 $(DESTDIR)$(MANDIR)/man5/shrike.yaml.5

# DKMS: source in /usr/src/shrike-$(VERSION), built for KVER (default
# scripts/kver: the running kernel if it has headers, else the newest headers).
dkms-install: deps
	@scripts/dkms install $(KVER)

dkms-remove:
	@scripts/dkms remove

# build/deb/shrike_$(VERSION)_amd64.deb and shrike-dkms_$(VERSION)_all.deb
deb: deps daemon
	@scripts/deb

# docs/FIELDS.md from `build/shrike --list`
docs: daemon
	@scripts/gen-fields-doc docs/FIELDS.md

# Benchmarks, not tests (docs/PERFORMANCE.md): one -icount VM boot for guest
# instructions per syscall, host replay throughput, one VM boot for drops and
# memory. The programs that run in the VM are static; replay_profile runs
# here against libshrike.a. Writes the tables into docs/PERFORMANCE.md.
.PHONY: bench
BENCH_VM_BINS := $(patsubst %,$(BUILD)/bench/%,opbench true spawn loadgen emptybpf)

$(BENCH_VM_BINS): $(BUILD)/bench/%: tests/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -static -o $@ $<

$(BUILD)/bench/replay_profile: tests/bench/replay_profile.c $(BUILD)/libshrike.a $(BUILD)/librules.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

bench: deps
	@tests/bench/bench

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf $(BUILD) shrike.ko
