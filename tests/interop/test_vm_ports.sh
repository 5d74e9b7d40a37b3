#!/bin/bash
# test_vm_ports.sh — a hypervisor host: one hvptpd with an uplink toward a
# linuxptp grandmaster and software-timestamped ports toward two linuxptp
# "VMs" (veths standing in for taps).
#
#   ns gm: ptp4l, priority1 100 --- veth --- ns host: hvptpd -i up0
#                                            -i tap-vm1 -i tap-vm2
#   ns vm1: ptp4l -s --- veth (tap-vm1)      ns vm2: ptp4l -s (tap-vm2)
#
# Both VMs must see the grandmaster through hvptpd (grandmasterIdentity the
# GM's, parentPortIdentity hvptpd's port 2 and 3, stepsRemoved 2) with a
# bounded offset, and hvptpd must report one clock, CLOCK_REALTIME, as the
# reference stamping all three ports (software timestamps: a namespace has
# no PHC; the hardware uplink beside software ports is tested under
# clknetsim).  Everything runs free (free_running 1).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MAX_OFFSET_NS=100000

hv_setup vm_ports
for ns in gm host vm1 vm2; do hv_ns_add "$ns"; done
hv_veth gm eth0 host up0
hv_veth host tap-vm1 vm1 eth0
hv_veth host tap-vm2 vm2 eth0
hv_addr gm eth0 10.213.30.1/24
hv_addr host up0 10.213.30.2/24
hv_addr host tap-vm1 10.213.31.1/24
hv_addr vm1 eth0 10.213.31.11/24
hv_addr host tap-vm2 10.213.32.1/24
hv_addr vm2 eth0 10.213.32.11/24

hv_node gm gm ptp4l "priority1 100"
hv_node host host dut "priority1 128"
hv_node vm1 vm1 ptp4l
hv_node vm2 vm2 ptp4l
hv_run gm -i eth0
hv_run host -i up0 -i tap-vm1 -i tap-vm2
hv_run vm1 -i eth0 -s
hv_run vm2 -i eth0 -s
t0=$(hv_now_us)

hv_wait_log gm "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l grandmaster did not take the master role"
gm_id=$(hv_clock_id gm eth0)
hv_wait_log host "selected best master clock $gm_id" 20 ||
	hv_fail "hvptpd did not select the grandmaster $gm_id"
host_id=$(hv_clock_id host up0)

vm_ok() {
	[ "$(hv_pmc_field "$1" PARENT_DATA_SET grandmasterIdentity)" = "$gm_id" ]
}
for vm in vm1 vm2; do
	hv_wait_cmd 20 vm_ok "$vm" ||
		hv_fail "$vm's grandmaster is" \
			"'$(hv_pmc_field "$vm" PARENT_DATA_SET grandmasterIdentity)', expected $gm_id"
done
t_vms=$(hv_secs "$t0" "$(hv_now_us)")
sleep 3

summary=""
port=2
for vm in vm1 vm2; do
	parent=$(hv_pmc_field "$vm" PARENT_DATA_SET parentPortIdentity)
	[ "$parent" = "$host_id-$port" ] ||
		hv_fail "$vm's parentPortIdentity '$parent', expected $host_id-$port"
	ds=$(hv_pmc_get "$vm" CURRENT_DATA_SET)
	steps=$(echo "$ds" | awk '$1 == "stepsRemoved" { print $2 }')
	off=$(echo "$ds" | awk '$1 == "offsetFromMaster" { printf "%d", $2 }')
	[ "$steps" = 2 ] || hv_fail "$vm's stepsRemoved '$steps', expected 2"
	[ "$(hv_abs_int "$off")" -lt "$MAX_OFFSET_NS" ] ||
		hv_fail "$vm's |offsetFromMaster| $off ns >= $MAX_OFFSET_NS ns"
	summary="$summary $vm: parent port $port, offset $off ns;"
	port=$((port + 1))
done

# one clock: the system clock, the reference, stamping every port
grep -Eq "clock CLOCK_REALTIME: reference( \(measured, never adjusted\))?, stamps up0 tap-vm1 tap-vm2" \
	"$(hv_log host)" ||
	hv_fail "hvptpd's log does not show CLOCK_REALTIME as the reference" \
		"stamping up0 tap-vm1 tap-vm2"
p1=$(hv_port_state host 1)
p2=$(hv_port_state host 2)
p3=$(hv_port_state host 3)
hv_finish
[ "$p1" = UNCALIBRATED ] || hv_fail "hvptpd's uplink is $p1, expected UNCALIBRATED"
[ "$p2/$p3" = MASTER/MASTER ] ||
	hv_fail "hvptpd's VM ports are $p2/$p3, expected MASTER/MASTER"
hv_result "both VMs through hvptpd after ${t_vms}s;$summary hvptpd ports $p1/$p2/$p3, CLOCK_REALTIME the reference"
