#!/bin/bash
# test_guest_ports.sh — guest interfaces that come and go, as VMs start,
# stop and restart, while hvptpd runs: no restart, the uplink undisturbed.
#
#   ns gm: ptp4l grandmaster --- veth --- ns host: hvptpd, config:
#        [up0]                     fixed uplink
#        [tap-fix]                 fixed, missing at start: waits for it
#        [vm*] time_stamping software   a pattern: served as they come
#   ns vm1, vm2, vm3: ptp4l -s behind veths "vm1", "vm2" (pattern) and
#   "tap-fix" (fixed) created after hvptpd started (veths with addresses
#   stand in for routed taps).
#
# Checked: hvptpd starts with tap-fix missing; vm1/vm2 become ports when
# they appear and their guests take the grandmaster through hvptpd; vm1
# deleted is removed (gone from hvptpctl status) while vm2's guest and
# the uplink see no state change; vm1 re-created (same name, new index)
# gets its portNumber back and its guest syncs again; tap-fix appears and
# its guest syncs; tap-fix deleted and re-created comes back.  The time
# from an interface's creation to its port is printed.  With rtnetlink
# (here) a port follows its interface at once; test_guest_ports_scan runs
# the same without it (HVPTP_NO_NETLINK=1: a listing every second).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

hv_setup "${HV_GUEST_PORTS_TEST:-guest_ports}"
HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
for ns in gm host vm1 vm2 vm3; do hv_ns_add "$ns"; done
hv_veth gm eth0 host up0
hv_addr gm eth0 10.213.40.1/24
hv_addr host up0 10.213.40.2/24

hv_node gm gm ptp4l "priority1 100"
hv_node host host dut "priority1 128" "[up0]" "[tap-fix]" "[vm*]" \
	"time_stamping software"
for vm in vm1 vm2 vm3; do hv_node "$vm" "$vm" ptp4l; done
hv_run gm -i eth0
hv_run host
hv_wait_log host "tap-fix: no such interface yet; waiting for it" 10 ||
	hv_fail "hvptpd did not say it waits for tap-fix"
hv_wait_log gm "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l grandmaster did not take the master role"
gm_id=$(hv_clock_id gm eth0)
hv_wait_log host "selected best master clock $gm_id" 20 ||
	hv_fail "hvptpd did not select the grandmaster $gm_id"

# guest NAME NET: the guest's veth ("NAME" in the host), its address, its
# ptp4l (restarted when already running)
guest_link() {
	local vm=$1 host_if=$2 net=$3
	hv_veth host "$host_if" "$vm" eth0
	hv_addr host "$host_if" "10.213.$net.1/24"
	hv_addr "$vm" eth0 "10.213.$net.11/24"
}
vm_ok() {
	[ "$(hv_pmc_field "$1" PARENT_DATA_SET grandmasterIdentity)" = "$gm_id" ]
}
host_ns=$(hv_ns host)
# until_log T0 REGEX N: ms from T0 (when an interface was created) until
# hvptpd's log has N lines matching REGEX
# (polled every 10 ms)
until_log() {
	local t0=$1 re=$2 n=$3 end
	end=$((t0 + 10000000))
	until [ "$(grep -cE "$re" "$(hv_log host)")" -ge "$n" ]; do
		[ "$(hv_now_us)" -lt "$end" ] || return 1
		sleep 0.01
	done
	awk -v a="$t0" -v b="$(hv_now_us)" 'BEGIN { printf "%d", (b - a) / 1000 }'
}

t0=$(hv_now_us)
guest_link vm1 vm1 41
ms_vm1=$(until_log "$t0" "vm1: matches \[vm\*\]: port [0-9]+" 1) ||
	hv_fail "vm1 was not added as a port"
guest_link vm2 vm2 42
hv_wait_log host "vm2: matches \[vm\*\]: port [0-9]+" 10 ||
	hv_fail "vm2 was not added as a port"
port_vm1=$(grep -oE "vm1: matches \[vm\*\]: port [0-9]+" "$(hv_log host)" |
	head -n 1 | awk '{ print $NF }')
hv_run vm1 -i eth0 -s
hv_run vm2 -i eth0 -s
for vm in vm1 vm2; do
	hv_wait_cmd 25 vm_ok "$vm" ||
		hv_fail "$vm's guest did not take the grandmaster through hvptpd"
done
up_changes=$(grep -cE "$(hv_re_state 1 '[A-Z_]+')" "$(hv_log host)")
vm2_changes=$(grep -cE "port 1( \([^)]*\))?: [A-Z_]+ to " "$(hv_log vm2)")

# vm1's VM stops: its tap goes, its port with it
hv_stop vm1
ip -n "$host_ns" link del vm1 || hv_fail "cannot delete vm1"
hv_wait_log host "vm1: deleted; port $port_vm1 removed" 5 ||
	hv_fail "hvptpd did not remove vm1's port"
status=$(ip netns exec "$host_ns" "$HVPTPCTL" -s "$(hv_uds host)" status 2>&1) ||
	hv_fail "hvptpctl status failed: $status"
if echo "$status" | grep -qw vm1; then
	hv_fail "hvptpctl status still lists vm1: $status"
fi
echo "$status" | grep -qw vm2 || hv_fail "hvptpctl status lacks vm2: $status"

# ...and starts again: the same name, a new interface index
t0=$(hv_now_us)
guest_link vm1 vm1 41
ms_back=$(until_log "$t0" "vm1: matches \[vm\*\]: port $port_vm1 " 2) ||
	hv_fail "re-created vm1 did not get port $port_vm1 back"
hv_run vm1 -i eth0 -s
hv_wait_cmd 25 vm_ok vm1 || hv_fail "vm1's guest did not sync again"

# the fixed port that was missing at start
t0=$(hv_now_us)
guest_link vm3 tap-fix 43
ms_fix=$(until_log "$t0" "tap-fix: interface back \(index [0-9]+\), port 2 open" 1) ||
	hv_fail "tap-fix was not opened when it appeared"
hv_run vm3 -i eth0 -s
hv_wait_cmd 25 vm_ok vm3 || hv_fail "the guest behind tap-fix did not sync"
ip -n "$host_ns" link del tap-fix || hv_fail "cannot delete tap-fix"
hv_wait_log host "tap-fix: interface deleted; waiting for it" 5 ||
	hv_fail "hvptpd did not notice tap-fix going"
hv_stop vm3
guest_link vm3 tap-fix 43
hv_wait_cmd 10 sh -c "[ \$(grep -c 'tap-fix: interface back' '$(hv_log host)') -ge 2 ]" ||
	hv_fail "tap-fix did not come back a second time"

# the others never noticed
up_after=$(grep -cE "$(hv_re_state 1 '[A-Z_]+')" "$(hv_log host)")
vm2_after=$(grep -cE "port 1( \([^)]*\))?: [A-Z_]+ to " "$(hv_log vm2)")
[ "$up_after" = "$up_changes" ] ||
	hv_fail "the uplink changed state while guests came and went" \
		"($up_changes state changes before, $up_after after)"
[ "$vm2_after" = "$vm2_changes" ] ||
	hv_fail "vm2's guest changed state while others came and went"
vm_ok vm2 || hv_fail "vm2's guest lost the grandmaster"
hv_finish
hv_result "vm1 a port ${ms_vm1} ms after its veth appeared, back as port" \
	"$port_vm1 ${ms_back} ms after re-creation; tap-fix (missing at start)" \
	"open ${ms_fix} ms after it appeared; uplink and vm2 undisturbed"
