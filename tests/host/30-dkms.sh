#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# DKMS on this machine, for the installed Debian kernel headers (scripts/kver):
# `make dkms-install` registers /usr/src/shrike-<ver>, builds and installs
# shrike.ko into /lib/modules/<kver>/updates/dkms; a second run is a no-op;
# `make dkms-remove` leaves nothing behind. Then a DKMS binaries tarball for
# the VM test (tests/e2e/60-ship.sh loads it with `dkms ldtarball`).
#
# Versions: the Makefile's VERSION, dkms.conf's PACKAGE_VERSION and the
# module's MODULE_VERSION must agree, or DKMS and the packages disagree on
# what is installed.
. tests/e2e/lib/tap.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(awk -F' *:?= *' '$1 == "VERSION" { print $2; exit }' Makefile)
kver=$(scripts/kver)

tap_is "$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)" "$version" "dkms.conf's PACKAGE_VERSION is the Makefile's VERSION"
tap_is "$(sed -n 's/^MODULE_VERSION("\(.*\)");$/\1/p' kmod/*.c)" "$version" "the module's MODULE_VERSION is the Makefile's VERSION"
scripts/dkms stage "$tmp/stage"
tap_is "$(cd "$tmp/stage" && find . -type f | sort | tr '\n' ' ')" \
	"$(cd . && { echo ./Kbuild; echo ./dkms.conf; echo ./kmod/configure/run;
		git ls-files 'kmod/*.[ch]' 2>/dev/null | sed 's|^|./|' ||
		find kmod -name '*.[ch]' | sed 's|^|./|'; } | sort | tr '\n' ' ')" \
	"the DKMS source tree is Kbuild, dkms.conf, kmod/'s sources and its feature probes"

if [ "$(id -u)" != 0 ] || ! command -v dkms >/dev/null || [ -z "$kver" ]; then
	tap_skip "make dkms-install" "needs root, dkms and kernel headers (scripts/deps)"
	tap_done
	exit
fi
if dpkg-query -S "/usr/src/shrike-$version" >/dev/null 2>&1; then
	tap_skip "make dkms-install" "the shrike-dkms package is installed here; not touching it"
	tap_done
	exit
fi

# dkms_cycle KVER: install, check, reinstall (a no-op), remove, for one kernel;
# then DKMS's build as a binaries tarball for the VM test (60-ship), rebuilt
# when the module's source changed since.
dkms_cycle() {
	local kver=$1 ko t out left tarball
	t=$SECONDS
	if make -s dkms-install KVER="$kver" >"$tmp/install.log" 2>&1; then
		tap_setup "make dkms-install KVER=$kver ($((SECONDS - t)) s)"
	else
		tap_setup_fail "make dkms-install KVER=$kver" "$(tail -n 20 "$tmp/install.log")"
	fi
	# compressed like the kernel's own modules where those are (6.12: .ko.xz)
	ko=$(ls "/lib/modules/$kver/updates/dkms/shrike.ko"* 2>/dev/null | head -n 1)
	ko=${ko:-/lib/modules/$kver/updates/dkms/shrike.ko}
	# (dkms status warns on stderr about modules without a .comment section)
	tap_is "$(dkms status -m shrike -v "$version" -k "$kver" 2>/dev/null)" "shrike/$version, $kver, $(uname -m): installed" \
		"dkms status: installed for $kver"
	tap_is "$(modinfo -F vermagic "$ko" 2>&1 | cut -d' ' -f1) $(modinfo -F version "$ko" 2>&1)" "$kver $version" \
		"$ko is built for $kver, version $version"
	tap_is "$(modinfo -k "$kver" -n shrike 2>&1)" "$ko" "depmod ran: modprobe -S $kver would load it"
	t=$SECONDS
	out=$(make -s dkms-install KVER="$kver" 2>&1)
	tap_is "$(tail -n 1 <<<"$out")" "dkms: shrike $version is installed for $kver and up to date" \
		"a second make dkms-install does nothing ($((SECONDS - t)) s)"
	if make -s dkms-remove >"$tmp/remove.log" 2>&1; then
		tap_setup "make dkms-remove ($kver)"
	else
		tap_setup_fail "make dkms-remove ($kver)" "$(tail -n 20 "$tmp/remove.log")"
	fi
	left=$(ls -d "/usr/src/shrike-$version" /var/lib/dkms/shrike "$ko" 2>/dev/null)
	tap_is "$left$(dkms status -m shrike 2>/dev/null)" "" "nothing left for $kver: source, DKMS tree, module, dkms status"
	if modinfo -k "$kver" -n shrike >/dev/null 2>&1; then
		tap_fail "depmod ran again: shrike is gone from $kver's modules.dep"
	else
		tap_ok "depmod ran again: shrike is gone from $kver's modules.dep"
	fi
	out=$(make -s dkms-remove 2>&1)
	tap_is "$?:$(tail -n 1 <<<"$out")" "0:dkms: shrike $version removed" "make dkms-remove again is harmless ($kver)"

	# For the VM test: DKMS's build, as a binaries tarball. Rebuilt when the
	# module's source changed since.
	tarball=build/dkms/shrike-$version-$kver.dkms.tar.gz
	t=$SECONDS
	if scripts/dkms tarball "$tarball" "$kver" >"$tmp/tarball.log" 2>&1 &&
	   tar -tzf "$tarball" | grep -q "dkms_main_tree/$kver/.*/module/shrike.ko"; then
		tap_setup "a DKMS binaries tarball of shrike.ko for $kver ($((SECONDS - t)) s)"
	else
		tap_setup_fail "a DKMS binaries tarball of shrike.ko for $kver" "$(tail -n 20 "$tmp/tarball.log")"
	fi
}

# Every kernel series make test boots (scripts/kver --series: 6.1 and 6.12
# on Debian 12), so that a kernel upgrade never meets a module DKMS cannot
# build.
for k in $(scripts/kver --series); do
	dkms_cycle "$k"
done
tap_done
