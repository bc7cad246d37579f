#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Shipping, end to end in the VM: the Debian packages install (dpkg -i is
# real here: the VM's root is a throwaway overlay of the host's), DKMS
# installs the module and `modprobe shrike` loads it, the packaged daemon runs
# with the packaged configuration, sandboxed the way shrike.service does it,
# and delivers the same alerts to stdout, a file (reopened on SIGHUP),
# syslog and an HTTP collector; purging both packages removes everything.
#
# Needs, from the host: build/deb/*.deb (make deb) and a DKMS binaries
# tarball for this kernel (scripts/dkms tarball; tests/host/run makes both).
# DKMS's own build of the module is not run here: under emulation it takes
# a quarter of an hour. The package is installed as on a host without this
# kernel's headers (the postinst registers the source and skips the build);
# tests/host/30-dkms.sh runs the DKMS build on the host, for the same
# kernel, and this test installs that result with `dkms ldtarball`.
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh
. tests/e2e/lib/lxc.sh

version=$(awk -F' *:?= *' '$1 == "VERSION" { print $2; exit }' Makefile)
kver=$(uname -r)
deb_daemon=build/deb/shrike_${version}_$(dpkg --print-architecture).deb
deb_dkms=build/deb/shrike-dkms_${version}_all.deb
tarball=build/dkms/shrike-$version-$kver.dkms.tar.gz
for f in "$deb_daemon" "$deb_dkms" "$tarball"; do
	if [ ! -f "$f" ]; then
		tap_skip "packages install, load, run and purge" "no $f: run tests/host/run (or make deb; scripts/dkms tarball $tarball)"
		tap_done
		exit
	fi
done

tmp=$(mktemp -d)
t0=$SECONDS
# step NAME: where the test is, with the time, in the results directory as it
# goes (the runner prints this script's output only when it ends)
step() {
	[ -n "${SHRIKE_VM_OUT:-}" ] && echo "$((SECONDS - t0)) s: $*" >>"$SHRIKE_VM_OUT/60-ship.progress"
}
step start
# The paths the packages, DKMS and systemd's enablement may touch, to compare
# before the install and after the purge (the tests/host clean-root test
# compares the whole file system).
state() {
	{
		find /etc /var/lib/dkms /var/log /lib/systemd/system "/lib/modules/$kver/updates" \
			-xdev 2>/dev/null
		ls -d /usr/src/shrike* /usr/bin/shrike /usr/share/man/man8/shrike.8.gz \
			/usr/share/man/man5/shrike.yaml.5.gz /usr/share/doc/shrike* 2>/dev/null
	} | grep -v -e '^/etc/ld.so.cache$' -e '^/var/log/dpkg.log$' -e '^/var/log/apt' | sort
}
# depmod will replace the VM's symlinks to the kernel's module index files
# (scripts/vm-guest-init): keep them to put back at the end.
declare -A modlinks=()
for l in "/lib/modules/$kver"/modules.*; do
	[ -L "$l" ] && modlinks[$l]=$(readlink "$l")
done
state >"$tmp/before"
# man-db's trigger re-indexes every man page on the system after dpkg: most
# of an install's time under emulation, and nothing this test looks at.
mandb_auto=/var/lib/man-db/auto-update
[ -e $mandb_auto ] && mandb_was_on=1 && rm -f $mandb_auto

# until SECS CMD...: run CMD every second until it succeeds, at most SECS s
until_ok() {
	local end=$((SECONDS + $1))
	shift
	while ! "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 1
	done
}

step "install"
# ---- install ------------------------------------------------------------------
# No headers while dpkg runs (see the header): not this kernel's, nor those
# of the other kernels whose headers the host has (DKMS's postinst also
# builds for the newest installed kernel: minutes under emulation, for a
# kernel this VM does not run).
hidden=()
for b in /lib/modules/*/build; do
	[ -e "$b" ] || [ -L "$b" ] || continue
	k=${b#/lib/modules/}
	k=${k%/build}
	mv "$b" "$tmp/build-link-$k" && hidden+=("$k")
done
if dpkg -i "$deb_dkms" "$deb_daemon" >"$tmp/dpkg-i.log" 2>&1; then
	tap_setup "dpkg -i shrike-dkms shrike"
else
	tap_setup_fail "dpkg -i shrike-dkms shrike" "$(tail -n 15 "$tmp/dpkg-i.log")"
fi
for k in "${hidden[@]}"; do
	mv "$tmp/build-link-$k" "/lib/modules/$k/build"
done
tap_is "$(dpkg-query -W -f '${db:Status-Status} ' shrike shrike-dkms 2>&1)" "installed installed " \
	"both packages are installed"
tap_is "$(dkms status -m shrike -v "$version" 2>/dev/null)" "shrike/$version: added" \
	"the postinst registered the source with DKMS"
grep -q "Module build for kernel $kver was skipped since the" "$tmp/dpkg-i.log" &&
	tap_ok "without headers the postinst skips the build and says why" ||
	tap_fail "without headers the postinst skips the build and says why" "$(cat "$tmp/dpkg-i.log")"
tap_is "$(readlink /etc/systemd/system/multi-user.target.wants/shrike.service)" \
	/lib/systemd/system/shrike.service "the postinst enabled shrike.service"
tap_diag "install took $((SECONDS - t0)) s"

step "dkms ldtarball + install"
# --force: the source is already added; ldtarball then only adds the
# binaries (and complains that the source is there, exit 3).
dkms ldtarball --force --archive "$PWD/$tarball" >"$tmp/dkms.log" 2>&1
tap_is "$(dkms status -m shrike -v "$version" -k "$kver" 2>/dev/null)" \
	"shrike/$version, $kver, $(uname -m): built" "dkms ldtarball: the host's DKMS build is loaded (built)" ||
	tap_diag "$(cat "$tmp/dkms.log")"
if dkms install -m shrike -v "$version" -k "$kver" >>"$tmp/dkms.log" 2>&1; then
	tap_setup "dkms install -m shrike -v $version -k $kver"
else
	tap_setup_fail "dkms install -m shrike -v $version -k $kver" "$(tail -n 15 "$tmp/dkms.log")"
fi
tap_is "$(dkms status -m shrike -v "$version" -k "$kver" 2>/dev/null)" \
	"shrike/$version, $kver, $(uname -m): installed" "dkms status: installed"
# compressed like the kernel's own modules where those are (6.12: .ko.xz)
tap_is "$(modinfo -n shrike 2>&1 | sed 's/\.ko\.\(xz\|zst\|gz\)$/.ko/')" "/lib/modules/$kver/updates/dkms/shrike.ko" \
	"modprobe finds it in updates/dkms (depmod ran)"
step "modprobe"
if modprobe shrike 2>"$tmp/modprobe.err"; then
	tap_setup "modprobe shrike"
else
	tap_setup_fail "modprobe shrike" "$(cat "$tmp/modprobe.err")"
fi
tap_is "$(grep -c '^shrike ' /proc/modules)" 1 "the module is loaded"
tap_diag "dkms and modprobe: $((SECONDS - t0)) s"
tap_is "$(stat -c '%A %U' /dev/shrike 2>&1)" "crw------- root" "/dev/shrike is root-only"

# ---- the packaged daemon, all outputs at once -------------------------------
daemon_test() {
	step "container"
	lxc_init
	lxc_make_idmapped s60-db && lxc_add_user s60-db bob 1000 1000 && lxc_start s60-db &&
		tap_setup "id-mapped container s60-db runs" || tap_setup_fail "id-mapped container s60-db runs"

	step "sinks"
	python3 tests/host/syslog_sink.py /dev/log "$tmp/syslog.log" &
	syslog_pid=$!
	python3 tests/host/http_sink.py "$tmp/port" "$tmp/http.log" &
	http_pid=$!
	until_ok 60 test -s "$tmp/port" -a -s "$tmp/syslog.log.ready"

	step "daemon start"
	# shrike.service's sandbox, as far as it can be had without systemd: its
	# capability bounding set and NoNewPrivileges.
	setpriv --no-new-privs --inh-caps=-all --bounding-set=-all,+sys_admin,+sys_ptrace,+dac_read_search \
		/usr/bin/shrike -c /etc/shrike/shrike.yaml \
		-o file_output.enabled=true -o syslog_output.enabled=true \
		-o http_output.enabled=true -o "http_output.url=http://127.0.0.1:$(cat "$tmp/port")/" \
		>"$tmp/stdout.json" 2>"$tmp/stderr" &
	daemon=$!
	running() {
		grep -q 'shrike: running' "$tmp/stderr" || ! kill -0 $daemon 2>/dev/null
	}
	until_ok 120 running
	if grep -q 'shrike: running' "$tmp/stderr"; then
		tap_ok "/usr/bin/shrike runs with only CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH"
	else
		tap_fail "/usr/bin/shrike runs with only CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH" \
			"$(cat "$tmp/stderr")"
		kill $syslog_pid $http_pid $daemon 2>/dev/null
		lxc_destroy s60-db
		return
	fi

	# wait_alert FILE MARKER: until an alert about MARKER is in FILE (60 s)
	wait_alert() {
		until_ok 60 grep -q "$2" "$1" 2>/dev/null
	}

	step "marker 1"
	lxc-attach -n s60-db -u 1000 -g 1000 -- /bin/sh -c 'echo ship-marker-1' >/dev/null 2>&1
	wait_alert /var/log/shrike/events.json ship-marker-1 ||
		tap_fail "an alert reaches the file output" "$(cat "$tmp/stderr")"
	step "rotate + SIGHUP"
	# logrotate: rename the file, SIGHUP; the next alert goes to a new file
	mv /var/log/shrike/events.json /var/log/shrike/events.json.1
	kill -HUP $daemon
	until_ok 60 grep -q 'reloaded' "$tmp/stderr"
	lxc-attach -n s60-db -u 1000 -g 1000 -- /bin/sh -c 'echo ship-marker-2' >/dev/null 2>&1
	wait_alert /var/log/shrike/events.json ship-marker-2
	step "stop daemon"
	# give HTTP and syslog the time to catch up, then stop like systemd does
	caught_up() {
		[ "$(grep -c ship-marker-2 "$tmp/http.log" 2>/dev/null)" -ge 1 ] &&
			[ "$(grep -c ship-marker-2 "$tmp/syslog.log" 2>/dev/null)" -ge 1 ]
	}
	until_ok 30 caught_up
	kill -TERM $daemon
	wait $daemon
	tap_is "$?" 0 "SIGTERM: the daemon exits 0"

	step "checks"
	rule="rule=Shell spawned in a container"
	tap_is "$(ev "$tmp/stdout.json" count "$rule" output_fields.proc.cmdline~ship-marker-1 \
		output_fields.user.name=bob output_fields.user.uid=1000 output_fields.user.host_uid=101000 \
		output_fields.container.name=s60-db)" 1 \
		"bob's shell in the id-mapped container: alert with user.name=bob uid 1000, host uid 101000"
	tap_is "$(ev "$tmp/stdout.json" count "$rule" output_fields.proc.cmdline~ship-marker-2)" 1 \
		"the alert after SIGHUP is on stdout"
	n1=$(grep -c ship-marker-1 "$tmp/stdout.json")
	n2=$(grep -c ship-marker-2 "$tmp/stdout.json")
	tap_is "$(grep -c ship-marker-1 /var/log/shrike/events.json.1) $(grep -c ship-marker-2 /var/log/shrike/events.json.1)" \
		"$n1 0" "the renamed file holds the $n1 alerts from before SIGHUP only"
	tap_is "$(grep -c ship-marker-1 /var/log/shrike/events.json) $(grep -c ship-marker-2 /var/log/shrike/events.json)" \
		"0 $n2" "SIGHUP reopened the file: the new one holds the $n2 later alerts"

	python3 tests/host/alerts.py norm "$tmp/stdout.json" >"$tmp/a.stdout" 2>"$tmp/err" || tap_diag "$(cat "$tmp/err")"
	cat /var/log/shrike/events.json.1 /var/log/shrike/events.json >"$tmp/file.json"
	python3 tests/host/alerts.py norm "$tmp/file.json" >"$tmp/a.file" 2>>"$tmp/err"
	python3 tests/host/alerts.py http "$tmp/http.log" >"$tmp/a.http" 2>>"$tmp/err"
	python3 tests/host/alerts.py syslog "$tmp/syslog.log" >"$tmp/a.syslog" 2>>"$tmp/err"
	n=$(wc -l <"$tmp/a.stdout")
	[ "$n" -ge 2 ] && tap_ok "$n alerts on stdout" ||
		{ tap_fail "at least 2 alerts on stdout" "$(cat "$tmp/stderr")"; n=; }
	declare -A how=([file]="the file output (both files)" [http]="the HTTP collector (JSON POSTs)"
		[syslog]="syslog (facility daemon, level = the alert's priority)")
	for o in ${n:+file http syslog}; do
		if cmp -s "$tmp/a.stdout" "$tmp/a.$o"; then
			tap_ok "${how[$o]} got the same $n alerts, in order"
		else
			tap_fail "${how[$o]} got the same $n alerts, in order" \
				"$(cat "$tmp/err"; diff "$tmp/a.stdout" "$tmp/a.$o" | head -5 | cut -c1-300)"
		fi
	done
	tap_is "$(grep -o 'http_sent=[0-9]* http_failed=[0-9]* http_dropped=[0-9]*' "$tmp/stderr" | tail -1)" \
		"http_sent=$n http_failed=0 http_dropped=0" "the stats line counts the HTTP deliveries"
	kill $syslog_pid $http_pid 2>/dev/null
	wait $syslog_pid $http_pid 2>/dev/null
	rm -f /dev/log
	lxc_destroy s60-db
	tap_diag "daemon and outputs: $((SECONDS - t0)) s"
}

if grep -q '^shrike ' /proc/modules; then
	daemon_test
else
	tap_fail "the packaged daemon and its outputs" "not run: the module is not loaded"
fi

step "purge"
# ---- purge ------------------------------------------------------------------
dpkg -L shrike shrike-dkms 2>/dev/null | sort -u >"$tmp/owned"
rmmod shrike
if dpkg --purge shrike shrike-dkms >"$tmp/dpkg-p.log" 2>&1; then
	tap_setup "dpkg --purge shrike shrike-dkms"
else
	tap_setup_fail "dpkg --purge shrike shrike-dkms" "$(tail -n 15 "$tmp/dpkg-p.log")"
fi
left=$(while read -r f; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done <"$tmp/owned")
tap_is "$left" "" "no file of either package is left"
state >"$tmp/after"
tap_is "$(diff "$tmp/before" "$tmp/after")" "" \
	"/etc, /var/lib/dkms, /var/log, /usr/src, the units and updates/ are as before the install"
if modprobe -n shrike 2>/dev/null; then
	tap_fail "modprobe no longer finds shrike"
else
	tap_ok "modprobe no longer finds shrike"
fi
tap_diag "purge: $((SECONDS - t0)) s"

step "end"
[ -n "${mandb_was_on:-}" ] && touch $mandb_auto
for l in "${!modlinks[@]}"; do
	ln -sfn "${modlinks[$l]}" "$l"
done
rm -rf "$tmp"
tap_done
