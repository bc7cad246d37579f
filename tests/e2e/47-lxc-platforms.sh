#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Where LXC really runs (issue 17): real LXC containers set up the way
# Proxmox VE and Incus set theirs up, next to plain LXC, each asserted field
# by field.
#
#   Proxmox  containers 101 (privileged) and 102 (id-mapped) with pve-
#            container's three keys (lxc.cgroup.dir.container = lxc/VMID,
#            .container.inner = ns, .monitor = lxc.monitor/VMID) and an
#            /etc/pve/lxc/VMID.conf: container.id is the VMID, container.name
#            the hostname there (renamed while running: the new one within
#            seconds), container.platform proxmox, container.tags its tags
#   Incus    proj_api and shop in the lxcpath /var/lib/incus/containers:
#            id proj_api, name api, project proj; id and name shop, project
#            default; platform incus
#   LXD      web_blog in the snap's lxcpath /var/snap/lxd/common/lxd/containers:
#            id web_blog, name blog, project web; platform lxd
#   LXC      my_app in /var/lib/lxc: an underscore makes nothing Incus;
#            oldconf with the single lxc.cgroup.dir key of older configs;
#            svcapp and svcrel started the way Debian's lxc@NAME.service
#            starts them (lxc-start in the unit's cgroup, made here as
#            systemd makes it: the VM runs no systemd), svcrel with
#            lxc.cgroup.relative = 1, so below the unit's cgroup
. tests/e2e/lib/lxc_cases.sh	# and tap.sh, shrike.sh, lxc.sh

tmp=$(mktemp -d)
ev=$tmp/ev.json
incus=/var/lib/incus/containers
lxd=/var/snap/lxd/common/lxd/containers

lxc_init
mkdir -p /etc/pve/lxc "$incus" "$lxd"

# pve_keys VMID: what pve-container writes for the container's cgroups
pve_keys() {
	cat >>"$LXC_PATH/$1/config" <<-EOF
	lxc.cgroup.dir.container = lxc/$1
	lxc.cgroup.dir.container.inner = ns
	lxc.cgroup.dir.monitor = lxc.monitor/$1
	EOF
}

if lxc_case_make 101 privileged alice:1000 && pve_keys 101 &&
	lxc_case_make 102 idmapped bob:1000 && pve_keys 102 &&
	LXC_PATH=$incus lxc_case_make proj_api privileged carl:1000 &&
	LXC_PATH=$incus lxc_case_make shop idmapped dana:1000 &&
	LXC_PATH=$lxd lxc_case_make web_blog idmapped gail:1000 &&
	lxc_case_make my_app privileged erin:1000 &&
	lxc_case_make oldconf privileged finn:1000 &&
	echo 'lxc.cgroup.dir = custom' >>"$LXC_PATH/oldconf/config" &&
	lxc_case_make svcapp privileged hana:1000 &&
	lxc_case_make svcrel idmapped ivan:1000 &&
	echo 'lxc.cgroup.relative = 1' >>"$LXC_PATH/svcrel/config"; then
	tap_setup "containers 101, 102 (Proxmox), proj_api, shop (Incus), web_blog (LXD), my_app, oldconf, svcapp, svcrel (LXC) made"
else
	tap_setup_fail "the containers are made"
fi
LXC_CASE_ROOTFS[proj_api]=$incus/proj_api/rootfs
LXC_CASE_ROOTFS[shop]=$incus/shop/rootfs
LXC_CASE_ROOTFS[web_blog]=$lxd/web_blog/rootfs
printf 'arch: amd64\nhostname: web-prod\nmemory: 512\ntags: prod;web\n[snap1]\nhostname: old\n' \
	>/etc/pve/lxc/101.conf
printf 'arch: amd64\nhostname: db-prod\n' >/etc/pve/lxc/102.conf
for c in 101 102 my_app oldconf; do
	lxc_case_start "$c" || tap_setup_fail "container $c runs"
done
for c in proj_api shop; do
	LXC_PATH=$incus lxc_case_start "$c" || tap_setup_fail "container $c runs in $incus"
done
LXC_PATH=$lxd lxc_case_start web_blog || tap_setup_fail "container web_blog runs in $lxd"
# lxc@NAME.service: ExecStart=lxc-start -F -n NAME, in the unit's own cgroup
for c in svcapp svcrel; do
	unit=/sys/fs/cgroup/system.slice/lxc@$c.service
	mkdir -p "$unit" && LXC_START_CGROUP=$unit lxc_case_start "$c" ||
		tap_setup_fail "container $c runs from $unit"
done
tap_premise_is "$(lxc_case_cgroup "${LXC_CASE_INIT[101]}")" /lxc/101/ns \
	"101's init is in /lxc/101/ns, as under Proxmox"
tap_premise_is "$(lxc_case_cgroup "${LXC_CASE_INIT[proj_api]}")" /lxc.payload.proj_api \
	"proj_api's init is in /lxc.payload.proj_api"
tap_diag "oldconf (lxc.cgroup.dir = custom): its init is in $(lxc_case_cgroup "${LXC_CASE_INIT[oldconf]}")"
tap_premise_is "$(lxc_case_cgroup "${LXC_CASE_INIT[svcapp]}")" /lxc.payload.svcapp \
	"svcapp's init left its unit's cgroup for /lxc.payload.svcapp (lxc.cgroup.relative off)"
tap_premise_is "$(lxc_case_cgroup "${LXC_CASE_INIT[svcrel]}")" "/system.slice/lxc@svcrel.service/lxc.payload.svcrel" \
	"svcrel's init is below its unit's cgroup (lxc.cgroup.relative = 1)"

shrike_load
shrike_start "$ev" || tap_setup_fail "the daemon starts" "$(cat "$SHRIKE_ERR")"

lxc_mark_attach m-pve-101 101 -u 1000 -g 1000
lxc_mark_init m-pve-101-init 101 alice
lxc_mark_attach m-pve-102 102 -u 1000 -g 1000
lxc_mark_cmd m-incus-api proj_api lxc-attach -P "$incus" -n proj_api -u 1000 -g 1000 --
lxc_mark_cmd m-incus-shop shop lxc-attach -P "$incus" -n shop -u 1000 -g 1000 --
lxc_mark_cmd m-lxd-blog web_blog lxc-attach -P "$lxd" -n web_blog -u 1000 -g 1000 --
lxc_mark_attach m-lxc-my-app my_app -u 1000 -g 1000
lxc_mark_attach m-lxc-oldconf oldconf -u 1000 -g 1000
lxc_mark_attach m-lxc-svcapp svcapp -u 1000 -g 1000
lxc_mark_attach m-lxc-svcrel svcrel -u 1000 -g 1000
lxc_mark_init m-lxc-svcrel-init svcrel ivan

# Proxmox: the hostname changed in the GUI while the container runs
lxc_ev_wait "$ev" m-pve-101 || tap_premise_fail "the daemon caught up before the rename"
sed -i 's/^hostname: web-prod$/hostname: web-renamed/' /etc/pve/lxc/101.conf
sleep 5
lxc_mark_attach m-pve-101-renamed 101 -u 1000 -g 1000

sleep 1
shrike_stop
tap_is "$SHRIKE_STATUS" 0 "the daemon exits 0"
lxc_ev_index "$ev"

pve101="container.platform=proxmox container.id=101 container.tags=prod;web container.project=<none>"
# shellcheck disable=SC2086 # the words are FIELD=VALUE pairs
lxc_expect exec:m-pve-101 container.name=web-prod $pve101
# shellcheck disable=SC2086
lxc_expect exec:m-pve-101-init container.name=web-prod $pve101
# shellcheck disable=SC2086
lxc_expect exec:m-pve-101-renamed container.name=web-renamed $pve101
lxc_expect exec:m-pve-102 container.name=db-prod container.id=102 container.platform=proxmox \
	container.tags='<none>' user.name=bob user.host_uid=101000
lxc_expect exec:m-incus-api container.name=api container.id=proj_api container.platform=incus \
	container.project=proj user.name=carl
lxc_expect exec:m-incus-shop container.name=shop container.id=shop container.platform=incus \
	container.project=default user.name=dana
lxc_expect exec:m-lxd-blog container.name=blog container.id=web_blog container.platform=lxd \
	container.project=web user.name=gail
lxc_expect exec:m-lxc-my-app container.name=my_app container.id=my_app container.platform=lxc \
	container.project='<none>' container.tags='<none>'

lxc_expect exec:m-lxc-oldconf container.name=oldconf container.id=oldconf container.platform=lxc \
	user.name=finn
lxc_expect exec:m-lxc-svcapp container.name=svcapp container.id=svcapp container.platform=lxc \
	user.name=hana
lxc_expect exec:m-lxc-svcrel container.name=svcrel container.id=svcrel container.platform=lxc \
	user.name=ivan user.host_uid=101000
lxc_expect exec:m-lxc-svcrel-init container.name=svcrel container.id=svcrel user.name=ivan

for c in 101 102 my_app oldconf svcapp svcrel; do lxc_kill "$c"; done
rmdir /sys/fs/cgroup/system.slice/lxc@svcapp.service /sys/fs/cgroup/system.slice/lxc@svcrel.service \
	/sys/fs/cgroup/system.slice 2>/dev/null
for c in proj_api shop; do LXC_PATH=$incus lxc_kill "$c"; done
LXC_PATH=$lxd lxc_kill web_blog
rm -rf /etc/pve "$incus" /var/snap/lxd
shrike_unload
rm -rf "$tmp"
tap_done
