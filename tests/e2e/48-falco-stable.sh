#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Falco's stable rules (falco_rules.yaml, unmodified, from ../shared/peers
# next to the repository), end to end: every rule that can apply to an LXC
# host is triggered for real, in a container where the rule asks for one
# (the `container` macro) and on the host where it does not, and a near
# miss (the same on the host or in a container the rule does not mean,
# another path, port or argument) must not fire it. One daemon run, as a
# user runs it (-r the Falco file, alerts only), over all the triggers;
# each trigger has its own file name, port or command line, by which its
# alerts are told apart.
#
# Not triggered (docs/RULES.md says why): "Contact K8S API Server From
# Container" (no Kubernetes on an LXC host; fd.sip.name is not resolved)
# and "Drop and execute new binary in container" (proc.is_exe_upper_layer:
# an LXC rootfs has no image layers and shrike does not fill it).
#
# Containers: t48-web, privileged and keeping every capability (no
# lxc.cap.drop: CAP_SYS_MODULE, as a container that may load modules has),
# and t48-db, id-mapped with the busybox template's capabilities.
#
# T48_EVENTS=1 adds -A, to read every event when a check fails; T48_KEEP=1
# copies the daemon's output and the ground truth to $SHRIKE_VM_OUT.
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh
. tests/e2e/lib/lxc.sh
. tests/e2e/lib/alerts.sh

PEERS=../shared/peers
RULES=$PEERS/falco_rules.yaml
if [ ! -f "$RULES" ]; then
	tap_skip "Falco's stable rules fire on real triggers" "$PEERS not present"
	tap_done
	exit
fi

tmp=$(mktemp -d)
chmod 755 "$tmp"
f=$tmp/alerts.json
web=$LXC_PATH/t48-web/rootfs
db=$LXC_PATH/t48-db/rootfs
bin=$tmp/bin			# the helper under the names the rules look for
SSH_ADDR=198.51.100.48		# TEST-NET-2: neither loopback nor RFC 1918

# every trigger is bounded: a hung one must not hang the suite
in_web() { timeout 60 lxc-attach -n t48-web -- "$@"; }
in_db() { timeout 60 lxc-attach -n t48-db -- "$@"; }

# rules_start: the daemon with Falco's stable rules; output in $tmp/out.json
rules_start() {
	SHRIKE_ERR=$tmp/daemon.err
	build/shrike "${SHRIKE_DRIVER_ARGS[@]}" -r "$RULES" ${T48_EVENTS:+-A} >"$tmp/out.json" 2>"$SHRIKE_ERR" &
	SHRIKE_PID=$!
	shrike_await
}

# ssh_to PORT: ssh connects to $SSH_ADDR:PORT, where a listener accepts and
# closes; the listener's word in $tmp/ssh-PORT
ssh_to() {
	local port=$1 l
	rm -f "$tmp/ready-$port"
	"$bin/t48-app" tcp-accept "$SSH_ADDR" "$port" "$tmp/ready-$port" >"$tmp/ssh-$port" 2>&1 &
	l=$!
	for _ in $(seq 1 100); do
		[ -s "$tmp/ready-$port" ] && break
		sleep 0.1
	done
	HOME=$tmp timeout 30 ssh -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 -p "$port" \
		"t48@$SSH_ADDR" true >/dev/null 2>&1
	kill "$l" 2>/dev/null
	wait "$l" 2>/dev/null
}

# ---- the rules file --------------------------------------------------------

out=$(build/shrike -V "$RULES" 2>&1)
if [[ $out =~ ok\ \(25\ rules,\ 25\ active,\ 0\ errors ]]; then
	tap_setup "Falco's stable rules load, all 25 active"
else
	tap_setup_fail "Falco's stable rules load, all 25 active" "$out"
fi

# ---- containers and what the triggers need in them -------------------------

lxc_init
lxc_make_privileged t48-web && lxc_make_idmapped t48-db ||
	tap_setup_fail "containers t48-web and t48-db are created"
# t48-web keeps every capability (an empty lxc.cap.drop clears the
# template's), and has ptys to spare for a terminal
printf 'lxc.cap.drop =\nlxc.pty.max = 16\n' >>"$LXC_PATH/t48-web/config"
for c in web db; do
	root=${!c}
	hid=0
	[ $c = db ] && hid=$LXC_IDMAP_HOST
	mkdir -p "$root/usr/local/bin" "$root/usr/local/sbin" "$root/root"
	install -m 755 build/helpers/rule_falco "$root/usr/local/bin/rule_falco"
	install -m 755 build/helpers/rule_falco "$root/usr/local/bin/systemd"
	install -m 755 build/helpers/rule_falco "$root/usr/local/sbin/debugfs"
	head -c 4096 /dev/urandom >"$root/root/t48-$c.ko"	# not a module
	chown -R "$hid:$hid" "$root/usr/local/bin" "$root/usr/local/sbin" "$root/root/t48-$c.ko"
done
printf 'root:*:19000:0:99999:7:::\n' >"$web/etc/shadow"
chmod 600 "$web/etc/shadow"
# a cgroup v1 hierarchy for t48-web's release_agent, mounted by the host
# before the start (only the initial cgroup namespace may create one)
mkdir -p "$web/tmp/t48cg" && mount -t cgroup -o none,name=t48 cgroup "$web/tmp/t48cg" ||
	tap_setup_fail "a cgroup v1 hierarchy for t48-web"

lxc_start t48-web && lxc_start t48-db && tap_setup "containers t48-web and t48-db run" ||
	tap_setup_fail "containers t48-web and t48-db run"
# lo in t48-web's network namespace, for its sockets
in_web ip link set lo up

# ---- and on the host ---------------------------------------------------------

mkdir -p "$bin" /tmp/t48-keys
chmod 755 "$bin"
for name in nginx sshd t48-app t48-tmp-run; do
	install -m 755 build/helpers/rule_falco "$bin/$name"
done
install -m 755 build/helpers/rule_falco /dev/shm/t48-shm-run
echo t48 >/etc/t48-trav
echo t48 >/etc/t48-plain
for n in trusted new untrusted shell; do
	echo "auth required pam_deny.so" >"/etc/pam.d/t48-$n"
	chmod 440 "/etc/pam.d/t48-$n"
done
echo "-----BEGIN OPENSSH PRIVATE KEY----- t48" >/tmp/t48-keys/id_ed25519
echo "aws_secret_access_key = t48" >/tmp/t48-keys/credentials
echo "t48 log" >/var/log/t48-clear.log
echo "t48 log" >/var/log/t48-append.log
head -c 65536 /dev/urandom >/tmp/t48-shred.dat
head -c 65536 /dev/urandom >/tmp/t48-rm.dat
ip link set lo up
ip addr add "$SSH_ADDR/32" dev lo

shrike_load || tap_setup_fail "insmod shrike.ko"
rules_start && tap_setup "the daemon starts with Falco's stable rules" ||
	tap_setup_fail "the daemon starts with Falco's stable rules" "$(cat "$SHRIKE_ERR")"

# ---- triggers and near misses --------------------------------------------------
# Each writes what it saw to $tmp for ground truth.

# a trusted server reading a sensitive file more than 5 s after it started:
# in the background while the others run
"$bin/nginx" open-after 6 /etc/pam.d/t48-trusted >"$tmp/trusted" 2>&1 &
trusted=$!
"$bin/nginx" open-after 0 /etc/pam.d/t48-new >"$tmp/trusted-new" 2>&1

# files: traversal, sensitive files, logs, links, bulk removal
timeout 20 cat /etc/../etc/../etc/t48-trav >"$tmp/trav"
timeout 20 cat /etc/t48-plain >/dev/null
cat /etc/pam.d/t48-untrusted >/dev/null
bash -c 'read -r _ </etc/pam.d/t48-shell'
bash -c ': >/var/log/t48-clear.log'
bash -c 'echo t48 >>/var/log/t48-append.log'
ln -s /etc/shadow /tmp/t48-shadow-sym
ln -s /etc/hostname /tmp/t48-hostname-sym
in_web ln /etc/shadow /tmp/t48-shadow-hard
in_web ln /etc/passwd /tmp/t48-passwd-hard
shred -u /tmp/t48-shred.dat
rm -f /tmp/t48-rm.dat

# processes: shells, users, searches, where programs run from
"$bin/nginx" spawn /bin/sh -c 'true t48-nginx-shell'
"$bin/t48-app" spawn /bin/sh -c 'true t48-app-shell'
"$bin/sshd" spawn-as 1 1 /bin/echo t48-sysuser >"$tmp/sysuser"
"$bin/t48-app" spawn-as 1 1 /bin/echo t48-sysuser-plain >/dev/null
in_web /usr/local/bin/systemd spawn-tty /bin/sh -c 'tty; true t48-tty' >"$tmp/tty" 2>&1
in_web /usr/local/bin/systemd spawn /bin/sh -c 'tty; true t48-notty' >"$tmp/notty" 2>&1
grep -rl 'BEGIN OPENSSH PRIVATE' /tmp/t48-keys >"$tmp/grep-key"
grep -rl 'BEGIN CERTIFICATE' /tmp/t48-keys >/dev/null
grep -rl aws_secret_access_key /tmp/t48-keys >"$tmp/grep-aws"
grep -rl aws_region /tmp/t48-keys >/dev/null
/dev/shm/t48-shm-run noop t48-shm
"$bin/t48-tmp-run" noop t48-tmp
in_web /usr/local/sbin/debugfs noop t48-debugfs-web
in_db /usr/local/sbin/debugfs noop t48-debugfs-db
build/helpers/rule_memfd memfd /bin/echo echo t48-fileless >"$tmp/memfd"
build/helpers/rule_memfd file /bin/echo echo t48-fdexec >"$tmp/fdexec"

# ptrace (the anti-debug rule's near miss is the attach, and the reverse)
build/helpers/rule_ptrace attach >"$tmp/ptrace-attach"
build/helpers/rule_ptrace traceme >"$tmp/ptrace-traceme"

# kernel modules, container escapes
in_web insmod /root/t48-web.ko 2>/dev/null
in_db insmod /root/t48-db.ko 2>/dev/null
in_web sh -c 'echo /bin/true >/tmp/t48cg/release_agent'
in_web sh -c 'echo 0 >/tmp/t48cg/notify_on_release'

# network: netcat, packet sockets, a socket as stdin, ssh on odd ports
in_web nc 127.0.0.1 4849 -e /bin/true </dev/null 2>/dev/null
in_web nc 127.0.0.1 4850 </dev/null 2>/dev/null
in_web /usr/local/bin/rule_falco packet t48-web >"$tmp/packet-web"
build/helpers/rule_falco packet t48-host >"$tmp/packet-host"
in_web /usr/local/bin/rule_falco dup-socket 0 </dev/null 2>"$tmp/dup0"
in_web /usr/local/bin/rule_falco dup-socket 7 </dev/null 2>"$tmp/dup7"
ssh_to 4444
ssh_to 2222

wait "$trusted"
sleep 1
shrike_stop
grep '"rule":' "$tmp/out.json" >"$f"
[ -z "${T48_KEEP:-}" ] || cp -r "$tmp" "${SHRIKE_VM_OUT:-/tmp}/t48-results"
tap_is "$SHRIKE_STATUS" 0 "the daemon exits 0 on SIGINT"
tap_is "$(ev "$f" bad)" 0 "every output line is a JSON object"

# ---- ground truth: the triggers did what they say (premises) -----------------

tap_premise_is "$(cat "$tmp/trusted") / $(cat "$tmp/trusted-new")" \
	"opened /etc/pam.d/t48-trusted / opened /etc/pam.d/t48-new" "nginx opened both pam.d files"
tap_premise_is "$(cat "$tmp/trav")" t48 "cat read /etc/t48-trav through ../"
tap_premise_is "$(stat -c %s /var/log/t48-clear.log) $(wc -l </var/log/t48-append.log)" "0 2" \
	"one log was cleared, the other appended to"
tap_premise_is "$(readlink /tmp/t48-shadow-sym) $(stat -c %h "$web/etc/shadow")" "/etc/shadow 2" \
	"the symlink to /etc/shadow and t48-web's hard link exist"
tap_premise_is "$([ -e /tmp/t48-shred.dat ] || echo gone)" gone "shred -u removed its file"
tap_premise_is "$(cat "$tmp/sysuser")" t48-sysuser "sshd's child ran as uid 1"
tap_premise_is "$(getent passwd 1 | cut -d: -f1)" daemon "uid 1 is daemon, a system user"
grep -q '^/dev/pts/' "$tmp/tty" && tap_premise "the shell under a pty has it as its terminal" ||
	tap_premise_fail "the shell under a pty has it as its terminal" "$(cat "$tmp/tty")"
tap_premise_is "$(cat "$tmp/notty")" "not a tty" "the other shell has none"
tap_premise_is "$(cat "$tmp/grep-key") $(cat "$tmp/grep-aws")" \
	"/tmp/t48-keys/id_ed25519 /tmp/t48-keys/credentials" "grep found the key and the credentials"
tap_premise_is "$(cat "$tmp/memfd") $(cat "$tmp/fdexec")" "t48-fileless t48-fdexec" "both execveat runs printed"
tap_premise_is "$(cut -d' ' -f1 "$tmp/ptrace-attach" "$tmp/ptrace-traceme" | tr '\n' ' ')" \
	"attach traceme " "the ptrace helper attached, was traced"
tap_premise_is "$(cat "$web/tmp/t48cg/release_agent")" /bin/true "t48-web wrote its release_agent"
grep -q '^packet socket [0-9]' "$tmp/packet-web" && grep -q '^packet socket [0-9]' "$tmp/packet-host" &&
	tap_premise "AF_PACKET sockets were made in t48-web and on the host" ||
	tap_premise_fail "AF_PACKET sockets were made in t48-web and on the host" \
		"$(cat "$tmp/packet-web" "$tmp/packet-host")"
tap_premise_is "$(cat "$tmp/dup0") / $(cat "$tmp/dup7")" "dup2 0 / dup2 7" "the socket went onto fd 0, then 7"
tap_premise_is "$(cat "$tmp/ssh-4444") / $(cat "$tmp/ssh-2222")" \
	"accepted on $SSH_ADDR:4444 / accepted on $SSH_ADDR:2222" "ssh connected to both ports"

# ---- the alerts, rule by rule, in the file's order ------------------------------

R="Directory traversal monitored file read"
alert_ok "$R" Warning "cat /etc/../etc/../etc/t48-trav (run by timeout)" \
	output_fields.fd.nameraw=/etc/../etc/../etc/t48-trav output_fields.proc.name=cat
no_alert "$R" "the same file read by its plain path" "output_fields.fd.name~t48-plain"

R="Read sensitive file trusted after startup"
alert_ok "$R" Warning "nginx reading a pam.d file 6 s after its start" \
	output_fields.fd.name=/etc/pam.d/t48-trusted output_fields.proc.name=nginx
no_alert "$R" "nginx reading one at once" output_fields.fd.name=/etc/pam.d/t48-new

R="Read sensitive file untrusted"
alert_ok "$R" Warning "cat of a pam.d file" \
	output_fields.fd.name=/etc/pam.d/t48-untrusted output_fields.proc.name=cat output_fields.user.name=root
no_alert "$R" "a shell reading one (shells are trusted)" output_fields.fd.name=/etc/pam.d/t48-shell

R="Run shell untrusted"
alert_ok "$R" Notice "sh spawned by nginx" "output_fields.proc.cmdline=sh -c true t48-nginx-shell" \
	output_fields.proc.pname=nginx
no_alert "$R" "sh spawned by another program" "output_fields.proc.cmdline~t48-app-shell"

R="System user interactive"
alert_ok "$R" Informational "daemon (uid 1) running echo under sshd" "output_fields.proc.cmdline=echo t48-sysuser" \
	output_fields.user.name=daemon
no_alert "$R" "daemon running echo under another program" "output_fields.proc.cmdline~t48-sysuser-plain"

R="Terminal shell in container"
alert_ok "$R" Notice "sh with a pty as its terminal, started by 'systemd' in t48-web" \
	"output_fields.proc.cmdline~t48-tty" output_fields.proc.pname=systemd
no_alert "$R" "the same shell without a terminal" "output_fields.proc.cmdline~t48-notty"

R="Netcat Remote Code Execution in Container"
alert_ok "$R" Warning "nc -e in t48-web" "output_fields.proc.cmdline=nc 127.0.0.1 4849 -e /bin/true"
no_alert "$R" "nc without -e in t48-web" "output_fields.proc.cmdline~4850"

R="Search Private Keys or Passwords"
alert_ok "$R" Warning "grep for BEGIN OPENSSH PRIVATE" "output_fields.proc.cmdline~BEGIN OPENSSH PRIVATE"
no_alert "$R" "grep for BEGIN CERTIFICATE" "output_fields.proc.cmdline~BEGIN CERTIFICATE"

R="Clear Log Activities"
alert_ok "$R" Warning "a shell truncating /var/log/t48-clear.log (O_TRUNC)" output_fields.fd.name=/var/log/t48-clear.log
no_alert "$R" "a shell appending to /var/log/t48-append.log" output_fields.fd.name=/var/log/t48-append.log

R="Remove Bulk Data from Disk"
alert_ok "$R" Warning "shred -u" "output_fields.proc.cmdline=shred -u /tmp/t48-shred.dat"
no_alert "$R" "rm of a file" "output_fields.proc.cmdline~t48-rm.dat"

R="Create Symlink Over Sensitive Files"
alert_ok "$R" Warning "ln -s /etc/shadow" output_fields.evt.arg.target=/etc/shadow \
	output_fields.evt.arg.linkpath=/tmp/t48-shadow-sym
no_alert "$R" "ln -s /etc/hostname" output_fields.evt.arg.linkpath=/tmp/t48-hostname-sym

R="Create Hardlink Over Sensitive Files"
alert_ok "$R" Warning "ln /etc/shadow in t48-web" output_fields.evt.arg.oldpath=/etc/shadow \
	output_fields.evt.arg.newpath=/tmp/t48-shadow-hard
no_alert "$R" "ln /etc/passwd" output_fields.evt.arg.newpath=/tmp/t48-passwd-hard

R="Packet socket created in container"
alert_ok "$R" Notice "socket(AF_PACKET) in t48-web" "output_fields.proc.cmdline=rule_falco packet t48-web" \
	output_fields.user.name=root
no_alert "$R" "the same socket on the host" "output_fields.proc.cmdline=rule_falco packet t48-host"

R="Redirect STDOUT/STDIN to Network Connection in Container"
alert_ok "$R" Notice "dup2 of a TCP socket onto fd 0 in t48-web" "output_fields.proc.cmdline=rule_falco dup-socket 0" \
	output_fields.fd.type=ipv4
no_alert "$R" "dup2 of the socket onto fd 7" "output_fields.proc.cmdline=rule_falco dup-socket 7"

R="Linux Kernel Module Injection Detected"
alert_ok "$R" Warning "insmod in t48-web, which keeps CAP_SYS_MODULE" \
	output_fields.proc.args=/root/t48-web.ko output_fields.proc.name=insmod
no_alert "$R" "insmod in t48-db, without CAP_SYS_MODULE" output_fields.proc.args=/root/t48-db.ko

R="Debugfs Launched in Privileged Container"
alert_ok "$R" Warning "debugfs in t48-web (privileged)" "output_fields.proc.cmdline=debugfs noop t48-debugfs-web"
no_alert "$R" "debugfs in t48-db (id-mapped)" "output_fields.proc.cmdline~t48-debugfs-db"

R="Detect release_agent File Container Escapes"
alert_ok "$R" Critical "root of t48-web writing a release_agent" output_fields.fd.name=/tmp/t48cg/release_agent \
	"output_fields.thread.cap_effective~CAP_SYS_ADMIN"
no_alert "$R" "writing notify_on_release of the same hierarchy" output_fields.fd.name=/tmp/t48cg/notify_on_release

R="PTRACE attached to process"
alert_ok "$R" Warning "PTRACE_ATTACH" "output_fields.proc.cmdline=rule_ptrace attach"
no_alert "$R" "PTRACE_TRACEME" "output_fields.proc.cmdline=rule_ptrace traceme"

R="PTRACE anti-debug attempt"
alert_ok "$R" Notice "PTRACE_TRACEME" "output_fields.proc.cmdline=rule_ptrace traceme"
no_alert "$R" "PTRACE_ATTACH and PTRACE_DETACH" "output_fields.proc.cmdline=rule_ptrace attach"

R="Find AWS Credentials"
alert_ok "$R" Warning "grep for aws_secret_access_key" "output_fields.proc.cmdline~aws_secret_access_key"
no_alert "$R" "grep for aws_region" "output_fields.proc.cmdline~aws_region"

R="Execution from /dev/shm"
alert_ok "$R" Warning "a program run from /dev/shm" "output_fields.proc.cmdline=t48-shm-run noop t48-shm"
no_alert "$R" "the same program run from /tmp" "output_fields.proc.cmdline~t48-tmp"

R="Disallowed SSH Connection Non Standard Port"
alert_ok "$R" Notice "ssh to $SSH_ADDR port 4444" output_fields.fd.rport=4444 output_fields.proc.name=ssh
no_alert "$R" "ssh to port 2222" output_fields.fd.rport=2222

R="Fileless execution via memfd_create"
alert_ok "$R" Critical "echo run from a memfd" "output_fields.proc.cmdline~t48-fileless" \
	"output_fields.proc.exepath~memfd:rule-fileless"
no_alert "$R" "the same execveat of the file" "output_fields.proc.cmdline~t48-fdexec"

check_run
if [ "$TAP_FAILED" -gt 0 ]; then
	tap_diag "alerts per rule in this run:" "$(grep -o '"rule":"[^"]*"' "$f" | sort | uniq -c)" \
		"the daemon's stderr:" "$(tail -n 20 "$SHRIKE_ERR")" \
		"(T48_EVENTS=1 adds every event to the daemon's output, T48_KEEP=1 keeps it)"
fi

# ---- cleanup ---------------------------------------------------------------------
ip addr del "$SSH_ADDR/32" dev lo 2>/dev/null
rm -rf /tmp/t48-keys /tmp/t48-shadow-sym /tmp/t48-hostname-sym /tmp/t48-rm.dat /dev/shm/t48-shm-run \
	/etc/t48-trav /etc/t48-plain /etc/pam.d/t48-* /var/log/t48-clear.log /var/log/t48-append.log
lxc_stop t48-web
lxc_stop t48-db
umount "$web/tmp/t48cg" 2>/dev/null
lxc_destroy t48-web
lxc_destroy t48-db
shrike_unload
dmesg_clean && tap_ok "dmesg has no BUG/WARNING/Oops" || tap_fail "dmesg has no BUG/WARNING/Oops" "$(dmesg | tail -20)"
rm -rf "$tmp"
tap_done
