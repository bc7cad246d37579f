#!/bin/bash
# Every syscall family, Falco driver-test style: a helper performs real
# syscalls with known arguments (failing ones too) and prints what the event
# must say, with ground truth taken from the kernel (fstat, getpeername);
# each expectation is checked against the daemon's JSON by thread id.
# Includes the TOCTOU test: a thread rewrites the path and the address while
# the syscall runs, and the event must carry what the kernel acted on.
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh

tmp=$(mktemp -d)
shrike_load
shrike_start "$tmp/ev.json" || tap_fail "the daemon starts" "$(cat "$SHRIKE_ERR")"
for fam in files net ids proc ns toctou; do
	mkdir "$tmp/$fam"
	build/helpers/sysfam $fam "$tmp/$fam" >>"$tmp/expect" 2>>"$tmp/helper.err" ||
		tap_fail "helper family $fam ran" "$(tail -3 "$tmp/helper.err")"
done
# Real module loads: finit_module through insmod, init_module of a file's
# bytes by the helper. Kernels whose modules ship compressed (6.12: .ko.xz)
# get plain copies first: init_module takes an ELF image, and kmod's insmod
# uses finit_module for an uncompressed file.
plain_module() {
	local f
	f=$(modinfo -n "$1") || return 1
	case $f in
	*.ko.xz) xz -dc "$f" >"$tmp/$1.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$tmp/$1.ko" ;;
	*) cp "$f" "$tmp/$1.ko" ;;
	esac && echo "$tmp/$1.ko"
}
insmod "$(plain_module dummy)" && rmmod dummy
build/helpers/sysfam initmod "$(plain_module crc7)" >>"$tmp/expect" 2>>"$tmp/helper.err" && rmmod crc7
sleep 0.5
shrike_stop
f=$tmp/ev.json
ev "$f" expect "$tmp/expect"
tap_is "$(ev "$f" count evt.type=finit_module evt.res=0 evt.arg.name=dummy)" 1 "finit_module of dummy names the module"
# the module file as the kernel names the open fd
tap_is "$(ev "$f" count evt.type=finit_module evt.res=0 "evt.arg.path=$tmp/dummy.ko")" 1 \
	"finit_module reports the module file"
grep 'toctou:' "$tmp/helper.err" | sed 's/^/# /'
tap_is "$(grep -o 'dropped_full=[0-9]*' "$SHRIKE_ERR")" "dropped_full=0" "nothing was dropped"
shrike_unload
rm -rf "$tmp"

# Drops: a tiny ring and a reader that does not consume
insmod shrike.ko bufsize=262144 && tap_ok "insmod with a 256 KiB ring" || tap_fail "insmod with a 256 KiB ring"
build/helpers/droptest 20000
shrike_unload
