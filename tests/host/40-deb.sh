#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make deb`: what the two packages hold, then installing them with apt-get on
# a clean Debian 12 root (debootstrap, see tests/host/debroot) and purging
# them, on an overlay: the overlay's upper layer is exactly what the packages
# changed, so after the purge it must hold nothing but dpkg's and apt's own
# records. (The module's DKMS build and load are in tests/e2e/60-ship.sh.)
. tests/e2e/lib/tap.sh
tmp=$(mktemp -d)
mnt=$tmp/mnt
cleanup() {
	umount "$mnt/proc" 2>/dev/null
	umount "$mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
version=$(awk -F' *:?= *' '$1 == "VERSION" { print $2; exit }' Makefile)
arch=$(dpkg --print-architecture)
deb_daemon=build/deb/shrike_${version}_$arch.deb
deb_dkms=build/deb/shrike-dkms_${version}_all.deb

rm -f "$deb_daemon" "$deb_dkms"
if make -s deb >"$tmp/deb.log" 2>&1 && [ -f "$deb_daemon" ] && [ -f "$deb_dkms" ]; then
	tap_setup "make deb: $(basename "$deb_daemon") $(stat -c %s "$deb_daemon") bytes, $(basename "$deb_dkms") $(stat -c %s "$deb_dkms") bytes"
else
	tap_setup_fail "make deb" "$(cat "$tmp/deb.log")"
	tap_done
	exit
fi
grep '^deb: .*placeholder' "$tmp/deb.log" | sed 's/^/# /'

# ---- contents -----------------------------------------------------------------
files() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | sort
}
want=$({
	printf '%s\n' /etc/logrotate.d/shrike /etc/shrike/shrike.yaml /etc/shrike/shrike_rules.local.yaml \
		/etc/shrike/shrike_rules.yaml /lib/systemd/system/shrike.service /usr/bin/shrike \
		/usr/share/man/man5/shrike.yaml.5.gz /usr/share/man/man8/shrike.8.gz /usr/share/doc/shrike/README.md
	for d in DESIGN.md FIELDS.md OPERATIONS.md; do
		[ -f "docs/$d" ] && echo "/usr/share/doc/shrike/$d"
	done
} | sort)
tap_is "$(files "$deb_daemon")" "$want" \
	"shrike holds the daemon, /etc/shrike, the unit, logrotate, docs and man pages"
tap_is "$(dpkg-deb -I "$deb_daemon" conffiles | tr '\n' ' ')" \
	"/etc/logrotate.d/shrike /etc/shrike/shrike.yaml /etc/shrike/shrike_rules.local.yaml /etc/shrike/shrike_rules.yaml " \
	"everything in /etc is a conffile (kept on upgrade if edited, removed on purge)"
depends=$(dpkg-deb -f "$deb_daemon" Depends)
missing=
for lib in libc6 libcjson1 libcurl4 libyaml-0-2; do
	grep -q "\b$lib\b" <<<"$depends" || missing="$missing $lib"
done
tap_is "${missing# }" "" "shrike depends on the libraries it links (Depends: $depends)"
tap_is "$(dpkg-deb -f "$deb_daemon" Recommends)" "shrike-dkms (= $version)" "shrike recommends shrike-dkms of its version"
tap_is "$(dpkg-deb -f "$deb_dkms" Depends) $(dpkg-deb -f "$deb_dkms" Architecture)" "dkms (>= 2.1.0.0) all" \
	"shrike-dkms depends on dkms and is arch-independent"
tap_is "$(files "$deb_dkms" | grep -c "^/usr/src/shrike-$version/")" \
	"$(scripts/dkms stage "$tmp/stage" && find "$tmp/stage" -type f | wc -l)" \
	"shrike-dkms holds the DKMS source tree in /usr/src/shrike-$version"
dpkg-deb -x "$deb_daemon" "$tmp/x"
tap_is "$("$tmp/x/usr/bin/shrike" --version | cut -d' ' -f1-2)" "shrike $version" "the packaged binary runs"
dpkg-deb -x "$deb_dkms" "$tmp/x"
tap_is "$(sed -n 's/^PACKAGE_VERSION=//p' "$tmp/x/usr/src/shrike-$version/dkms.conf")" "\"$version\"" \
	"the packaged dkms.conf has PACKAGE_VERSION $version"

# ---- a clean Debian 12 root -------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	tap_skip "install and purge on a clean Debian 12 root" "needs root (mount, chroot)"
	tap_done
	exit
fi
if ! root=$(tests/host/debroot 2>"$tmp/debroot.err"); then
	tap_setup_fail "a clean Debian 12 root (debootstrap)" "$(cat "$tmp/debroot.err")"
	tap_done
	exit
fi
mkdir -p "$tmp/upper" "$tmp/work" "$mnt"
mount -t overlay overlay -o "lowerdir=$root,upperdir=$tmp/upper,workdir=$tmp/work" "$mnt" &&
	mount -t proc proc "$mnt/proc" || { tap_setup_fail "overlay on the clean root"; tap_done; exit; }
cp "$deb_daemon" "$deb_dkms" "$mnt/tmp/"
in_root() {
	chroot "$mnt" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"
}
t=$SECONDS
if in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb_daemon")" \
	"/tmp/$(basename "$deb_dkms")" >"$tmp/apt.log" 2>&1; then
	tap_setup "clean root: apt-get install shrike shrike-dkms ($((SECONDS - t)) s)"
else
	tap_setup_fail "clean root: apt-get install shrike shrike-dkms" "$(tail -n 20 "$tmp/apt.log")"
fi
tap_is "$(in_root dpkg-query -W -f '${db:Status-Status} ' shrike shrike-dkms 2>&1)" "installed installed " \
	"clean root: both installed"
tap_is "$(in_root shrike --version 2>&1 | cut -d' ' -f1-2)" "shrike $version" \
	"clean root: /usr/bin/shrike runs (its Depends brought its libraries)"
n=$(grep -c '^- rule:' rules/shrike_rules.yaml 2>/dev/null)
tap_is "$(in_root shrike -c /etc/shrike/shrike.yaml -L 2>&1 | grep -vc '^#')" "${n:-0}" \
	"clean root: shrike -c /etc/shrike/shrike.yaml loads the packaged rules (${n:-0})"
tap_is "$(readlink "$mnt/etc/systemd/system/multi-user.target.wants/shrike.service")" \
	/lib/systemd/system/shrike.service "clean root: the unit is enabled"
tap_is "$(in_root dkms status 2>&1)" "shrike/$version: added" \
	"clean root: the source is registered with DKMS (no kernel headers here: nothing built)"
tap_is "$(stat -c '%A %U' "$mnt/var/log/shrike" 2>&1)" "drwxr-x--- root" "clean root: /var/log/shrike, root only"

t=$SECONDS
if in_root apt-get purge -y -q --autoremove shrike shrike-dkms >"$tmp/purge.log" 2>&1; then
	tap_setup "clean root: apt-get purge --autoremove shrike shrike-dkms ($((SECONDS - t)) s)"
else
	tap_setup_fail "clean root: apt-get purge --autoremove shrike shrike-dkms" "$(tail -n 20 "$tmp/purge.log")"
fi
tap_is "$(in_root dpkg-query -W shrike shrike-dkms 2>&1)" "dpkg-query: no packages found matching shrike
dpkg-query: no packages found matching shrike-dkms" "clean root: dpkg no longer knows either package"
rm -f "$mnt/tmp/"*.deb
umount "$mnt/proc"
# What the install and the purge left: files and new directories of the upper
# layer, deletions (whiteouts) of the lower one; less dpkg's and apt's own
# records and logs, and the library cache that ldconfig rewrites.
left=$(cd "$tmp/upper" && find . -mindepth 1 \( -type d -o -type f -o -type l -o -type c \) -printf '%y %P\n' |
	while read -r type path; do
		case /$path in
		/var/lib/dpkg/* | /var/lib/apt/* | /var/cache/* | /var/log/* | /etc/ld.so.cache | /tmp | /proc) continue ;;
		esac
		if [ "$type" = d ]; then
			[ -d "$root/$path" ] || echo "new directory /$path"
		elif [ "$type" = c ]; then
			echo "deleted /$path"
		else
			echo "new or changed /$path"
		fi
	done)
tap_is "$left" "" "clean root: after the purge nothing is left outside dpkg's and apt's records"
tap_done
