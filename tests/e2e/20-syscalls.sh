#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Every syscall family, Falco driver-test style: a helper performs real
# syscalls with known arguments (failing ones too) and prints what the event
# must say, with ground truth taken from the kernel (fstat, getpeername);
# each expectation is checked against the daemon's JSON by thread id.
# Includes the TOCTOU test: a thread rewrites the path and the address while
# the syscall runs, and the event must carry what the kernel acted on. All
# of it twice: paths resolved in the probe, then deferred (defer_paths=1).
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh

# families LABEL [MODULE PARAMETERS]: the whole run, with the module loaded with
# those parameters; LABEL (may be empty) prefixes each line.
families() {
	local label=$1 tmp f defer
	shift
	tmp=$(mktemp -d)
	shrike_load "$@"
	# on by default on PREEMPT_RT, off elsewhere; the eBPF driver never defers
	defer=$(cat /sys/module/shrike/parameters/defer_paths 2>/dev/null)
	is_bpf && defer=N
	shrike_start "$tmp/ev.json" || tap_setup_fail "${label}the daemon starts" "$(cat "$SHRIKE_ERR")"
	for fam in files net ids proc ns toctou; do
		mkdir "$tmp/$fam"
		build/helpers/sysfam $fam "$tmp/$fam" >>"$tmp/expect" 2>>"$tmp/helper.err" ||
			tap_setup_fail "${label}helper family $fam ran" "$(tail -3 "$tmp/helper.err")"
	done
	# Real module loads: finit_module through insmod, init_module of a file's
	# bytes by the helper.
	insmod "$(plain_module dummy "$tmp")" && rmmod dummy
	build/helpers/sysfam initmod "$(plain_module crc7 "$tmp")" >>"$tmp/expect" 2>>"$tmp/helper.err" &&
		rmmod crc7
	# a relative open that blocks (a FIFO nobody writes): its deferred dirpath
	# must not keep the module busy once the reader is gone
	if [ "$defer" = Y ]; then
		mkfifo "$tmp/fifo"
		(cd "$tmp" && exec cat fifo >/dev/null) &
		fifo_reader=$!
	fi
	sleep 0.5
	shrike_stop
	f=$tmp/ev.json
	ev "$f" expect "$tmp/expect" | sed "s/^\(not \)\{0,1\}ok - /&$label/"
	tap_is "$(ev "$f" count evt.type=finit_module evt.res=0 evt.arg.name=dummy)" 1 \
		"${label}finit_module of dummy names the module"
	# the module file as the kernel names the open fd
	tap_is "$(ev "$f" count evt.type=finit_module evt.res=0 "evt.arg.path=$tmp/dummy.ko")" 1 \
		"${label}finit_module reports the module file"
	grep 'toctou:' "$tmp/helper.err" | sed 's/^/# /'
	tap_is "$(grep -o 'dropped_full=[0-9]*' "$SHRIKE_ERR")" "dropped_full=0" "${label}nothing was dropped"
	local deferred
	deferred=$(grep -o 'paths_deferred=[0-9]*' "$SHRIKE_ERR" | tail -n1)
	if [ "$defer" = Y ]; then
		[ "${deferred#*=}" -gt 100 ] 2>/dev/null && tap_ok "${label}the paths came deferred ($deferred)" ||
			tap_fail "${label}the paths came deferred" "$deferred"
		tap_is "$(grep -o 'paths_lost=[0-9]*' "$SHRIKE_ERR" | tail -n1)" "paths_lost=0" \
			"${label}every deferred path came"
	else
		tap_is "$defer/$deferred" "N/paths_deferred=0" "${label}paths are resolved in the probe (not deferred)"
	fi
	if [ "$defer" = Y ]; then
		shrike_unload && tap_ok "${label}rmmod while a relative open of a FIFO blocks" ||
			tap_fail "${label}rmmod while a relative open of a FIFO blocks"
		echo >"$tmp/fifo"
		wait "$fifo_reader"
	fi
	shrike_unload
	rm -rf "$tmp"
}

# Kernels whose modules ship compressed (6.12: .ko.xz) get plain copies
# first: init_module takes an ELF image, and kmod's insmod uses
# finit_module for an uncompressed file.
plain_module() {
	local f
	f=$(modinfo -n "$1") || return 1
	case $f in
	*.ko.xz) xz -dc "$f" >"$2/$1.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$2/$1.ko" ;;
	*) cp "$f" "$2/$1.ko" ;;
	esac && echo "$2/$1.ko"
}

families ""
# the rest is the module's own: its deferred paths, its ring's drop counter
is_bpf && exit 0
# The same with every path resolved on the way back to user space, as on
# PREEMPT_RT (docs/ABI.md "Deferred paths"): the same events, paths included.
families "deferred paths: " defer_paths=1

# Drops: a tiny ring and a reader that does not consume
insmod shrike.ko bufsize=262144 && tap_setup "insmod with a 256 KiB ring" || tap_setup_fail "insmod with a 256 KiB ring"
build/helpers/droptest 20000
shrike_unload
