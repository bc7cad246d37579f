#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The shipped rules (rules/shrike_rules.yaml), end to end: every rule is
# triggered for real, in a privileged container (t50-web, user alice, uid
# 1000 like the host's cloudsdk) and an id-mapped one (t50-db, user bob, uid
# 1000 inside, 101000 on the host), or on the host where the rule is about
# the host too. Each trigger must raise its alert with the right priority
# and output fields (container name, the container-local user), and a near
# miss (the same on the host for a container rule, a harmless variant of
# the command) must raise none. The daemon runs as a user runs it, alerts
# only (-r, no -A), so that it captures only the syscalls the rules ask for.
#
# T50_EVENTS=1 adds -A, to read every event when a check fails; T50_KEEP=1
# copies the daemon's output and the ground truth to $SHRIKE_VM_OUT.
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh
. tests/e2e/lib/lxc.sh
. tests/e2e/lib/alerts.sh

RULES=rules/shrike_rules.yaml
tmp=$(mktemp -d)
chmod 755 "$tmp"
f=$tmp/alerts.json
web=$LXC_PATH/t50-web/rootfs
db=$LXC_PATH/t50-db/rootfs

# ---- helpers ---------------------------------------------------------------

# every trigger is bounded: a hung one must not hang the suite
in_web() { timeout 60 lxc-attach -n t50-web -- "$@"; }
as_alice() { timeout 60 lxc-attach -n t50-web -u 1000 -g 1000 -- "$@"; }
in_db() { timeout 60 lxc-attach -n t50-db -- "$@"; }
as_bob() { timeout 60 lxc-attach -n t50-db -u 1000 -g 1000 -- "$@"; }

# rules_start: the daemon with the shipped rules; its output in $tmp/out.json
rules_start() {
	SHRIKE_ERR=$tmp/daemon.err
	build/shrike "${SHRIKE_DRIVER_ARGS[@]}" -r "$RULES" ${T50_EVENTS:+-A} >"$tmp/out.json" 2>"$SHRIKE_ERR" &
	SHRIKE_PID=$!
	shrike_await
}

# ---- the rules file --------------------------------------------------------

out=$(build/shrike -V "$RULES" 2>&1)
if [[ $out =~ ^$RULES:\ ok\ \(([0-9]+)\ rules,\ ([0-9]+)\ active,\ 0\ errors,\ 0\ warnings\)$ ]] &&
   [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; then
	tap_ok "the rules load with no error or warning, every rule active (${BASH_REMATCH[1]})"
else
	tap_fail "the rules load with no error or warning, every rule active" "$out"
fi

# ---- containers and what the triggers need in them -------------------------

lxc_init
lxc_make_privileged t50-web && lxc_add_user t50-web alice 1000 1000 &&
lxc_make_idmapped t50-db && lxc_add_user t50-db bob 1000 1000 ||
	tap_setup_fail "containers t50-web and t50-db are created"

# rootfs files of the id-mapped container belong to its root: uid 100000
for c in web db; do
	root=${!c}
	hid=0
	[ $c = db ] && hid=$LXC_IDMAP_HOST
	mkdir -p "$root/usr/local/bin" "$root/root/.ssh" "$root/etc/sudoers.d"
	install -m 755 build/helpers/rule_memfd build/helpers/rule_ptrace build/helpers/sysfam \
		build/helpers/ia32 build/helpers/i386/open32 "$root/usr/local/bin/"
	# the container's shadow: root and its user, readable by root only
	printf 'root:*:19000:0:99999:7:::\n%s:!:19000:0:99999:7:::\n' \
		"$([ $c = web ] && echo alice || echo bob)" >"$root/etc/shadow"
	chmod 600 "$root/etc/shadow"
	echo "root ALL=(ALL) ALL" >"$root/etc/sudoers.d/t50-sudo"
	chmod 440 "$root/etc/sudoers.d/t50-sudo"
	echo "ssh-ed25519 AAAAt50 root@t50" >"$root/root/.ssh/authorized_keys"
	chown -R "$hid:$hid" "$root/usr/local/bin" "$root/root/.ssh" "$root/etc/sudoers.d" \
		"$root/etc/shadow"
done
# The busybox template makes /bin/busybox set-user-ID root (for passwd, a
# hard link to it), so every applet would start as root and drop to the
# caller's uid right after: alice's own commands must start as alice.
chmod 755 "$web/bin/busybox"
# a set-user-ID root program for alice
install -o 0 -g 0 -m 4755 build/helpers/rule_suid "$web/usr/local/bin/rule_suid"
# alice's scratch directory for 32-bit syscalls
mkdir -p "$web/tmp/t50-ia32" "$web/tmp/t50-ia32n" && chown 1000:1000 "$web/tmp/t50-ia32" "$web/tmp/t50-ia32n"
# a package manager (busybox has dpkg, not apt-get) and a shell with /dev/tcp
printf '#!/bin/sh\necho "apt-get: pretending to run $*"\n' >"$web/usr/bin/apt-get"
chmod 755 "$web/usr/bin/apt-get"
cp /bin/bash "$web/bin/bash"
# A cgroup v1 hierarchy in t50-web, mounted by the host before the start:
# the container cannot create one itself (only the initial cgroup namespace
# may), but it can write the release_agent of one it sees.
mkdir -p "$web/tmp/t50cg" && mount -t cgroup -o none,name=t50 cgroup "$web/tmp/t50cg"
# something that is not a kernel module, for insmod
head -c 4096 /dev/urandom >"$web/root/t50-not-a-module.ko"
# bob's ssh key pair
mkdir -p "$db/home/bob/.ssh"
echo "-----BEGIN OPENSSH PRIVATE KEY----- t50" >"$db/home/bob/.ssh/id_ed25519"
echo "ssh-ed25519 AAAAt50 bob@t50-db" >"$db/home/bob/.ssh/id_ed25519.pub"
chmod 700 "$db/home/bob/.ssh"
chmod 600 "$db/home/bob/.ssh/id_ed25519"
chown -R 101000:101000 "$db/home/bob/.ssh"

lxc_start t50-web && lxc_start t50-db && tap_setup "containers t50-web and t50-db run" ||
	tap_setup_fail "containers t50-web and t50-db run"
# lo in t50-web's network namespace, for the network triggers
in_web ip link set lo up

shrike_load || tap_setup_fail "insmod shrike.ko"
rules_start && tap_setup "the daemon starts with the shipped rules" ||
	tap_setup_fail "the daemon starts with the shipped rules" "$(cat "$SHRIKE_ERR")"

# ---- triggers and near misses ------------------------------------------------
# Each writes what it saw to $tmp for ground truth; markers (t50-...) tell
# the alerts apart.

# shell
as_alice sh -c 'true t50-shell-web'
(echo 101000 >/proc/self/loginuid && exec timeout 60 lxc-attach -n t50-db -u 1000 -g 1000 -- sh -c 'true t50-shell-db')
in_web sh -c 'sh -c "true t50-shell-nested"; true'
sh -c 'true t50-shell-host'

# files below /etc and the binary directories
in_web sh -c 'echo x > /etc/t50-etc-written'
in_web sh -c 'echo x > /tmp/t50-mv && mv /tmp/t50-mv /etc/t50-etc-moved'
in_web sh -c 'echo x > /tmp/t50-etc-nearmiss && cat /etc/passwd >/dev/null'
ln -s /nonexistent /etc/t50-host-link
in_web cp /bin/busybox /usr/bin/t50-bin-copied
in_web ln -s /bin/busybox /bin/t50-bin-link
in_web cp /bin/busybox /tmp/t50-bin-nearmiss

# sensitive files, accounts, links to them
in_web cat /etc/shadow >"$tmp/web-shadow"
as_alice cat /etc/shadow >"$tmp/alice-shadow" 2>&1
in_web cat /etc/sudoers.d/t50-sudo >/dev/null
in_web cat /root/.ssh/authorized_keys >/dev/null
as_bob cat /home/bob/.ssh/id_ed25519 >"$tmp/bob-key"
as_bob cat /home/bob/.ssh/id_ed25519.pub >/dev/null
in_db sed -i -e '$a t50user:x:2000:2000::/:/bin/sh' /etc/passwd
in_db cat /etc/passwd >/dev/null
in_web sh -c 'echo "t50app:x:2001:2001::/:/bin/sh" >> /etc/passwd'
as_alice ln -s /etc/shadow /tmp/t50-shadow-link
in_web ln /etc/shadow /tmp/t50-shadow-hard
as_alice ln -s /etc/hostname /tmp/t50-hostname-link

# privileges
as_alice sh -c 'cp /bin/busybox /home/alice/t50-suid && chmod u+s /home/alice/t50-suid'
as_alice sh -c 'cp /bin/busybox /home/alice/t50-sgid && chmod 2755 /home/alice/t50-sgid'
as_alice sh -c 'p=/home/alice/t50-plain; cp /bin/busybox $p && chmod 755 $p && chmod u+x $p'
(echo 1000 >/proc/self/loginuid &&
 exec timeout 60 lxc-attach -n t50-web -u 1000 -g 1000 -- /usr/local/bin/rule_suid /bin/id -u) >"$tmp/suid-root"
as_alice /usr/local/bin/rule_suid -u 1000 /bin/id -u >"$tmp/suid-drop"
as_bob /usr/local/bin/rule_ptrace attach >"$tmp/ptrace-attach"
as_bob /usr/local/bin/rule_ptrace seize >"$tmp/ptrace-seize"
as_bob /usr/local/bin/rule_ptrace traceme >"$tmp/ptrace-traceme"

# kernel modules
modprobe dummy && rmmod dummy
modinfo dummy >/dev/null
in_web insmod /root/t50-not-a-module.ko 2>/dev/null

# escapes: mounts, kernel hook files, namespaces
in_web sh -c 'mkdir -p /tmp/t50cg2 && mount -t cgroup -o none,name=t50c cgroup /tmp/t50cg2' 2>"$tmp/cg-mount"
in_web grep -c ' /tmp/t50cg cgroup ' /proc/mounts >"$tmp/cg-mounted"
in_web sh -c 'mkdir -p /tmp/t50tmp && mount -t tmpfs t50tmp /tmp/t50tmp'
mkdir -p /tmp/t50hostcg && mount -t cgroup -o none,name=t50h cgroup /tmp/t50hostcg
in_web sh -c 'echo /bin/true > /tmp/t50cg/release_agent'
in_web cat /tmp/t50cg/release_agent >"$tmp/release-agent"
in_web cat /tmp/t50cg/cgroup.procs >/dev/null
cat /tmp/t50hostcg/release_agent >/dev/null
in_web sh -c 'echo core > /proc/sys/kernel/core_pattern' 2>/dev/null
in_web cat /proc/sys/kernel/core_pattern >/dev/null
in_db unshare -m true
in_db nsenter -t 1 -m true
unshare -m true

# network: bind shells, a reverse shell, a shell that connects. The bind
# shell servers are started by lxc-attach itself: busybox's sh runs the
# applets it starts through /proc/self/exe, so their comm is "exe" and only
# argv[0] says nc (the reverse shell below is started that way).
for bind in "4445 /bin/sh" "4448 /bin/cat"; do
	read -r port prog <<<"$bind"
	in_web nc -ll -p "$port" -e "$prog" &
	server=$!
	sleep 2
	[ "$prog" = /bin/sh ] && msg="echo t50-bind-ok; exit" || msg=t50-cat-ok
	in_web sh -c "echo '$msg' | timeout 10 nc 127.0.0.1 $port" >"$tmp/bind-${prog##*/}"
	in_web killall nc
	wait "$server"
done
in_web sh -c 'nc -l -p 4444 >/dev/null </dev/null & l=$!; sleep 1
	timeout 10 nc 127.0.0.1 4444 -e /bin/true t50-rev; sleep 1; kill $l 2>/dev/null'
in_web sh -c 'nc -l -p 4446 >/dev/null </dev/null & l=$!; sleep 1
	timeout 10 bash -c "echo t50 > /dev/tcp/127.0.0.1/4446"; sleep 1; kill $l 2>/dev/null' >"$tmp/devtcp" 2>&1
in_web sh -c 'timeout 5 nc 127.0.0.1 4447 </dev/null' 2>/dev/null

# software: package managers, fileless, temporary directories
as_alice apt-get install t50-pkg >/dev/null
in_db dpkg -l t50-dpkg >/dev/null 2>&1
dpkg -l t50-host-dpkg >/dev/null 2>&1
as_bob /usr/local/bin/rule_memfd memfd /bin/busybox echo t50-fileless >"$tmp/memfd"
as_bob /usr/local/bin/rule_memfd file /bin/busybox echo t50-fdexec >"$tmp/fdexec"
as_bob sh -c 'mkdir -p /tmp/t50x && cp /bin/busybox /tmp/t50x/echo && /tmp/t50x/echo t50-tmpexec' >/dev/null
mkdir -p /tmp/t50hx && cp "$(command -v busybox)" /tmp/t50hx/echo && /tmp/t50hx/echo t50-host-tmpexec >/dev/null

# evasion: a path rewritten while the kernel uses it (an open of a FIFO holds
# the syscall while another thread rewrites the buffer), then an open whose
# path page is not mapped at entry and a plain open: no rewrite in those
as_bob sh -c 'mkdir -p /tmp/t50race && /usr/local/bin/sysfam toctou /tmp/t50race' >/dev/null 2>&1

# 32-bit syscalls: a 64-bit program using int $0x80 in t50-web; near misses:
# an ordinary 32-bit program there, the same call made natively, and the
# 64-bit program using int $0x80 on the host
as_alice /usr/local/bin/ia32 compat /tmp/t50-ia32 one >"$tmp/ia32-one"
as_alice /usr/local/bin/open32 /tmp/t50-ia32/ia32-one
echo $? >"$tmp/open32"
as_alice /usr/local/bin/ia32 native /tmp/t50-ia32n one >/dev/null
mkdir -p /tmp/t50-ia32h && build/helpers/ia32 compat /tmp/t50-ia32h one >/dev/null

sleep 1
shrike_stop
# the alerts (all of the output, unless T50_EVENTS added the events)
grep '"rule":' "$tmp/out.json" >"$f"
[ -z "${T50_KEEP:-}" ] || cp -r "$tmp" "${SHRIKE_VM_OUT:-/tmp}/t50-results"
tap_is "$SHRIKE_STATUS" 0 "the daemon exits 0 on SIGINT"
tap_is "$(grep -vE '^shrike: (driver|running|stats):' "$SHRIKE_ERR")" "" "the daemon logs nothing but its start (driver, running) and its statistics"
tap_is "$(ev "$f" bad)" 0 "every output line is a JSON object"

# ---- ground truth: the triggers did what they say (premises) -----------------

tap_premise_is "$(cat "$tmp/web-shadow" | cut -d: -f1 | tr '\n' ' ')" "root alice " "root reads the container's shadow"
grep -q 'Permission denied' "$tmp/alice-shadow" && tap_premise "alice cannot read it" ||
	tap_premise_fail "alice cannot read it" "$(cat "$tmp/alice-shadow")"
tap_premise_is "$(grep -c '^t50user:' "$db/etc/passwd")" 1 "sed -i added a user to t50-db's passwd"
tap_premise_is "$(grep -c '^t50app:' "$web/etc/passwd")" 1 ">> added a user to t50-web's passwd"
tap_premise_is "$(stat -c %a "$web/home/alice/t50-suid") $(stat -c %a "$web/home/alice/t50-sgid") $(stat -c %a "$web/home/alice/t50-plain")" \
	"4755 2755 755" "modes after chmod u+s, 2755, 755"
tap_premise_is "$(cat "$tmp/suid-root")" 0 "alice's set-uid program runs id as uid 0"
tap_premise_is "$(cat "$tmp/suid-drop")" 1000 "with -u 1000 it runs id as alice"
tap_premise_is "$(cut -d' ' -f1 "$tmp/ptrace-attach" "$tmp/ptrace-seize" "$tmp/ptrace-traceme" | tr '\n' ' ')" \
	"attach seize traceme " "bob's ptrace helper attached, seized, was traced"
grep -q 'permission denied' "$tmp/cg-mount" && tap_premise "t50-web may not create a cgroup v1 hierarchy" ||
	tap_premise_fail "t50-web may not create a cgroup v1 hierarchy" "$(cat "$tmp/cg-mount")"
tap_premise_is "$(cat "$tmp/cg-mounted")" 1 "t50-web sees the one the host mounted"
tap_premise_is "$(cat "$tmp/release-agent")" /bin/true "t50-web wrote its release_agent"
tap_premise_is "$(cat "$tmp/bind-sh")" t50-bind-ok "the bind shell ran the command it was sent"
tap_premise_is "$(cat "$tmp/bind-cat")" t50-cat-ok "the nc -e /bin/cat server echoed"
tap_premise_is "$(cat "$tmp/devtcp")" "" "bash in t50-web connected through /dev/tcp"
tap_premise_is "$(cat "$tmp/memfd") $(cat "$tmp/fdexec")" "t50-fileless t50-fdexec" "both execveat runs printed"
ia32_fd=$(sed -n 's|.* evt.res=\([0-9][0-9]*\) fd.name=/tmp/t50-ia32/ia32-one .*|\1|p' "$tmp/ia32-one")
tap_premise_is "${ia32_fd:+ok} $(cat "$tmp/open32")" "ok 0" \
	"the int \$0x80 open (fd ${ia32_fd:-none}) and the 32-bit program's open succeeded"

# ---- the alerts ----------------------------------------------------------------

R="Shell spawned in a container"
S='output_fields.proc.cmdline=sh -c true t50-shell-web'
alert_ok "$R" Notice "alice runs sh in t50-web" "$S"
field_is "$R" container.name t50-web "  its container.name" "$S"
field_is "$R" container.type lxc "  its container.type" "$S"
field_is "$R" user.name alice "  its user.name is the container's (not the host's cloudsdk)" "$S"
field_is "$R" user.uid 1000 "  its user.uid" "$S"
field_is "$R" user.host_uid 1000 "  its user.host_uid" "$S"
field_is "$R" user.loginuid -1 "  its user.loginuid (unset)" "$S"
# lxc-attach runs from a memfd copy of itself, so its name is "memfd:lxc-attac(h)"
count_is "$R" 1 "  its parent is lxc-attach" "$S" "output_fields.proc.pname~lxc-attac"
check_is "  its source" syscall "$R" distinct source "rule=$R" "$S"
check_is "  its hostname" "$(hostname)" "$R" distinct hostname "rule=$R" "$S"
count_is "$R" 1 "  its output line names priority, container and parent" "$S" \
	"output~: Notice Shell spawned in container t50-web by memfd:lxc-attac"
count_is "$R" 1 "  its tags" "$S" "tags~mitre_execution"
S='output_fields.proc.cmdline=sh -c true t50-shell-db'
alert_ok "$R" Notice "bob runs sh in t50-db after a login as 101000" "$S"
field_is "$R" container.name t50-db "  its container.name" "$S"
field_is "$R" user.name bob "  its user.name" "$S"
field_is "$R" user.host_uid 101000 "  its user.host_uid" "$S"
field_is "$R" user.loginuid 1000 "  its user.loginuid, mapped into the container" "$S"
count_is "$R" 1 "a shell run by a shell in a container: only the outer one alerts" \
	"output_fields.proc.cmdline~t50-shell-nested"
no_alert "$R" "the same shell on the host" "output_fields.proc.cmdline~t50-shell-host"

R="Write below etc"
alert_ok "$R" Error "root writes /etc/t50-etc-written in t50-web (open for writing)" \
	output_fields.fd.name=/etc/t50-etc-written output_fields.container.name=t50-web output_fields.user.name=root
alert_ok "$R" Error "root moves a file to /etc in t50-web (rename)" \
	output_fields.evt.arg.newpath=/etc/t50-etc-moved output_fields.container.name=t50-web
alert_ok "$R" Error "root symlinks /etc/t50-host-link on the host" \
	output_fields.fd.name=/etc/t50-host-link output_fields.container.name=host output_fields.container.type=host
no_alert "$R" "writing /tmp and reading /etc/passwd in t50-web" "output_fields.fd.name~nearmiss"
no_alert "$R" "reading /etc/passwd" output_fields.fd.name=/etc/passwd output_fields.container.name=t50-web
no_alert "$R" "changes to the user database (their own rule)" output_fields.container.name=t50-db

R="Write below binary directories"
alert_ok "$R" Error "cp into /usr/bin in t50-web (open for writing)" output_fields.fd.name=/usr/bin/t50-bin-copied
alert_ok "$R" Error "a symlink in /bin in t50-web" output_fields.fd.name=/bin/t50-bin-link output_fields.container.name=t50-web
no_alert "$R" "cp into /tmp" "output_fields.fd.name~nearmiss"

R="Sensitive file opened"
alert_ok "$R" Warning "root reads /etc/shadow in t50-web" output_fields.fd.name=/etc/shadow output_fields.container.name=t50-web
field_is "$R" user.name root "  its user.name" output_fields.fd.name=/etc/shadow output_fields.container.name=t50-web
field_is "$R" proc.cmdline "cat /etc/shadow" "  its proc.cmdline" output_fields.fd.name=/etc/shadow output_fields.container.name=t50-web
alert_ok "$R" Warning "root reads a file below /etc/sudoers.d" output_fields.fd.name=/etc/sudoers.d/t50-sudo
alert_ok "$R" Warning "root reads /root/.ssh/authorized_keys" output_fields.fd.name=/root/.ssh/authorized_keys
S=output_fields.fd.name=/home/bob/.ssh/id_ed25519
alert_ok "$R" Warning "bob reads his ssh private key in t50-db" "$S"
field_is "$R" user.name bob "  its user.name" "$S"
field_is "$R" user.uid 1000 "  its user.uid" "$S"
field_is "$R" user.host_uid 101000 "  its user.host_uid" "$S"
field_is "$R" container.name t50-db "  its container.name" "$S"
no_alert "$R" "bob reads his public key" output_fields.fd.name=/home/bob/.ssh/id_ed25519.pub
no_alert "$R" "alice fails to read /etc/shadow" output_fields.user.name=alice

R="User database modified"
alert_ok "$R" Warning "sed -i adds a user to t50-db's /etc/passwd" \
	output_fields.evt.arg.newpath=/etc/passwd output_fields.container.name=t50-db output_fields.user.name=root
alert_ok "$R" Warning ">> appends a user to t50-web's /etc/passwd" \
	output_fields.fd.name=/etc/passwd output_fields.container.name=t50-web
no_alert "$R" "reading /etc/passwd" "output_fields.proc.cmdline=cat /etc/passwd"

R="Link to a sensitive file"
S=output_fields.fd.name=/tmp/t50-shadow-link
alert_ok "$R" Warning "alice symlinks /etc/shadow" "$S" output_fields.evt.arg.target=/etc/shadow
field_is "$R" user.name alice "  its user.name" "$S"
alert_ok "$R" Warning "root hard-links /etc/shadow" output_fields.evt.arg.newpath=/tmp/t50-shadow-hard
no_alert "$R" "a symlink to /etc/hostname" output_fields.fd.name=/tmp/t50-hostname-link

R="Setuid or setgid bit set"
alert_ok "$R" Notice "alice: chmod u+s" output_fields.fd.name=/home/alice/t50-suid output_fields.user.name=alice
alert_ok "$R" Notice "alice: chmod 2755" output_fields.fd.name=/home/alice/t50-sgid "output_fields.evt.arg.mode=S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISGID"
no_alert "$R" "chmod 755 and u+x" output_fields.fd.name=/home/alice/t50-plain

R="Process switched to root"
S=output_fields.proc.name=rule_suid
alert_ok "$R" Warning "alice's set-uid root program calls setuid(0)" "$S"
field_is "$R" user.uid 0 "  its user.uid" "$S"
field_is "$R" user.name root "  its user.name" "$S"
field_is "$R" user.loginuid 1000 "  its user.loginuid" "$S"
field_is "$R" user.loginname alice "  its user.loginname: who logged in" "$S"
field_is "$R" container.name t50-web "  its container.name" "$S"
count_is "$R" 1 "the same program dropping to uid 1000 does not alert" "$S"
no_alert "$R" "lxc-attach switching to root" output_fields.proc.name=lxc-attach

R="Ptrace attached to process"
S="output_fields.proc.cmdline=rule_ptrace attach"
alert_ok "$R" Warning "bob: PTRACE_ATTACH in t50-db" "$S" output_fields.evt.arg.request=PTRACE_ATTACH
field_is "$R" user.name bob "  its user.name" "$S"
field_is "$R" container.name t50-db "  its container.name" "$S"
alert_ok "$R" Warning "bob: PTRACE_SEIZE" "output_fields.proc.cmdline=rule_ptrace seize" output_fields.evt.arg.request=PTRACE_SEIZE
no_alert "$R" "PTRACE_TRACEME" "output_fields.proc.cmdline=rule_ptrace traceme"

R="Kernel module load"
alert_ok "$R" Warning "modprobe dummy on the host" output_fields.evt.arg.name=dummy output_fields.container.name=host \
	output_fields.evt.res=0
alert_ok "$R" Warning "insmod in t50-web (refused)" output_fields.container.name=t50-web output_fields.evt.res=-1
count_is "$R" 1 "modinfo loads nothing: one module alert on the host" output_fields.container.name=host

R="Sensitive mount in a container"
alert_ok "$R" Critical "t50-web tries to mount a cgroup v1 hierarchy" output_fields.evt.arg.type=cgroup \
	output_fields.evt.arg.dir=/tmp/t50cg2 output_fields.container.name=t50-web output_fields.user.name=root
field_is "$R" evt.res -1 "  its evt.res (EPERM)" output_fields.evt.arg.dir=/tmp/t50cg2
no_alert "$R" "t50-web mounts a tmpfs" output_fields.evt.arg.dir=/tmp/t50tmp
no_alert "$R" "the host mounts a cgroup hierarchy" output_fields.container.name=host

R="Container escape through a kernel hook file"
alert_ok "$R" Critical "t50-web writes its release_agent" output_fields.fd.name=/tmp/t50cg/release_agent \
	output_fields.container.name=t50-web
alert_ok "$R" Critical "t50-web writes core_pattern" output_fields.fd.name=/proc/sys/kernel/core_pattern \
	output_fields.container.name=t50-web
no_alert "$R" "reading core_pattern" "output_fields.proc.cmdline=cat /proc/sys/kernel/core_pattern"
no_alert "$R" "another cgroup file" "output_fields.proc.cmdline=cat /tmp/t50cg/cgroup.procs"
no_alert "$R" "the host reads a release_agent" output_fields.container.name=host

R="Namespace change in a container"
alert_ok "$R" Warning "unshare -m in t50-db" "output_fields.proc.cmdline=unshare -m true" output_fields.container.name=t50-db
alert_ok "$R" Warning "nsenter -m in t50-db" "output_fields.proc.cmdline=nsenter -t 1 -m true"
no_alert "$R" "LXC's own lxc-attach" "output_fields.proc.cmdline~lxc-attach"
no_alert "$R" "unshare on the host" output_fields.container.name=host

R="Netcat remote code execution"
alert_ok "$R" Critical "nc -ll -e /bin/sh (bind shell) in t50-web" "output_fields.proc.cmdline=nc -ll -p 4445 -e /bin/sh" \
	output_fields.container.name=t50-web
alert_ok "$R" Critical "nc -ll -e /bin/cat" "output_fields.proc.cmdline=nc -ll -p 4448 -e /bin/cat"
alert_ok "$R" Critical "nc HOST PORT -e (reverse), started by timeout: comm 'exe', argv[0] nc" \
	"output_fields.proc.cmdline=exe 127.0.0.1 4444 -e /bin/true t50-rev"
no_alert "$R" "nc without -e (client)" "output_fields.proc.cmdline~127.0.0.1 4445"
no_alert "$R" "nc without -e (listener)" "output_fields.proc.cmdline~-l -p 4444"

R="Shell spawned by a network tool"
alert_ok "$R" Critical "the bind shell's sh" output_fields.proc.pname=nc output_fields.container.name=t50-web
no_alert "$R" "cat run by nc" output_fields.proc.name=cat

R="Shell made a network connection"
alert_ok "$R" Warning "bash /dev/tcp in t50-web" output_fields.fd.rport=4446 output_fields.fd.rip=127.0.0.1 \
	output_fields.container.name=t50-web
no_alert "$R" "nc connecting" output_fields.fd.rport=4447

R="Package management process in a container"
alert_ok "$R" Notice "alice runs apt-get in t50-web" "output_fields.proc.cmdline~install t50-pkg" output_fields.user.name=alice
alert_ok "$R" Notice "dpkg in t50-db" "output_fields.proc.cmdline=dpkg -l t50-dpkg" output_fields.container.name=t50-db
no_alert "$R" "dpkg on the host" "output_fields.proc.cmdline~t50-host-dpkg"

R="Fileless execution"
S="output_fields.proc.cmdline~t50-fileless"
alert_ok "$R" Critical "bob runs busybox from a memfd in t50-db" "$S" "output_fields.proc.exepath~/memfd:rule-fileless"
field_is "$R" user.name bob "  its user.name" "$S"
field_is "$R" container.name t50-db "  its container.name" "$S"
no_alert "$R" "the same execveat of a file" "output_fields.proc.cmdline~t50-fdexec"
no_alert "$R" "lxc-attach re-executing itself from a memfd on the host" output_fields.container.name=host

R="Program run from a temporary directory in a container"
alert_ok "$R" Warning "bob runs /tmp/t50x/echo in t50-db" output_fields.proc.exepath=/tmp/t50x/echo output_fields.user.name=bob
no_alert "$R" "the same on the host" "output_fields.proc.cmdline~t50-host-tmpexec"

R="Path rewritten while the kernel used it"
S="output_fields.fd.name=/tmp/t50race/fifo"
alert_ok "$R" Warning "bob's open of a FIFO, its path rewritten meanwhile, in t50-db" "$S" \
	"output_fields.evt.arg.name_exit=/tmp/t50race/decoy"
field_is "$R" user.name bob "  its user.name" "$S"
field_is "$R" container.name t50-db "  its container.name" "$S"
count_is "$R" 1 "the helper's other opens (a faulted path, plain files) raise none: one alert in all"

R="32-bit syscall by a 64-bit program in a container"
S=output_fields.fd.name=/tmp/t50-ia32/ia32-one
alert_ok "$R" Warning "alice's 64-bit program opens a file through int \$0x80 in t50-web" "$S" \
	output_fields.evt.type=open "output_fields.evt.res=${ia32_fd:-none}"
field_is "$R" user.name alice "  its user.name" "$S"
field_is "$R" container.name t50-web "  its container.name" "$S"
count_is "$R" 1 "  one alert, for its one watched 32-bit syscall (not for the native run, nor on the host)" \
	output_fields.proc.name=ia32
no_alert "$R" "an ordinary 32-bit program opening the same file" output_fields.proc.name=open32

# ---- every rule was seen ---------------------------------------------------------

while IFS=$'\t' read -r name _; do
	check_is "rule '$name' raised alerts" "$name" "$name" distinct rule "rule=$name"
done < <(build/shrike -L -r "$RULES" 2>/dev/null)

check_run

# ---- cleanup ---------------------------------------------------------------------
umount /tmp/t50hostcg 2>/dev/null
rm -f /etc/t50-host-link
lxc_stop t50-web
lxc_stop t50-db
umount "$web/tmp/t50cg" 2>/dev/null
shrike_unload
dmesg_clean && tap_ok "dmesg has no BUG/WARNING/Oops" || tap_fail "dmesg has no BUG/WARNING/Oops" "$(dmesg | tail -20)"
rm -rf "$tmp"
tap_done
