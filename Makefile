# shrike: top-level build. `make` builds the module and the daemon,
# `make test` runs every test (unit, rules, replay, then the VM suite).

VERSION    := 0.1.0
BUILD      := build
# Kernel to build against: KVER=... overrides; else the running kernel if its
# headers are installed, else the newest installed Debian kernel headers.
KVER       ?= $(shell scripts/kver)
KDIR       ?= /lib/modules/$(KVER)/build

CC         ?= cc
CFLAGS     ?= -O2 -g
CFLAGS     += -std=gnu11 -Wall -Wextra -Werror=implicit-function-declaration \
              -D_GNU_SOURCE -DSHRIKE_VERSION='"$(VERSION)"' -Ikmod/uapi -Iuserspace
LDLIBS     := -lyaml -lcjson -lm
SAN        ?=

LIB_SRCS   := $(filter-out userspace/main.c,$(wildcard userspace/*.c))
LIB_OBJS   := $(LIB_SRCS:userspace/%.c=$(BUILD)/obj/%.o)
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRCS := $(wildcard tests/e2e/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/e2e/helpers/%.c=$(BUILD)/helpers/%)

.PHONY: all module daemon helpers unit unit-bins test vmtest run demo clean deps check fuzz

all: module daemon

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	@rm -f Module.symvers modules.order

daemon: $(BUILD)/shrike

$(BUILD)/obj/%.o: userspace/%.c $(wildcard userspace/*.h) kmod/uapi/shrike.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -c -o $@ $<

$(BUILD)/libshrike.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/shrike: $(BUILD)/obj/main.o $(BUILD)/libshrike.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libshrike.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS) -lcmocka

# Helpers run inside the VM; static so they do not depend on the guest's libs.
$(BUILD)/helpers/%: tests/e2e/helpers/%.c kmod/uapi/shrike.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $< -lpthread

helpers: $(HELPER_BINS)

unit-bins: $(UNIT_BINS)

unit: $(UNIT_BINS)
	@scripts/run-unit $(UNIT_BINS)

deps:
	@scripts/deps

test: deps
	@scripts/test-all

vmtest: all helpers
	@scripts/vmtest

run: deps
	@scripts/run

demo: deps
	@scripts/run --vm

fuzz: deps
	@tests/fuzz/run

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf $(BUILD) shrike.ko
