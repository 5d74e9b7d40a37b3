#!/bin/bash
# tests/interop/demo.sh — a hypervisor host in network namespaces (make demo).
#
#   ns gm    ptp4l grandmaster (priority1 100)
#             | veth eth0 -- up0
#   ns host  ONE hvptpd boundary clock, uplink port up0, and
#            DEMO_MODE=ports (default): one port per VM link (tap-vm1, tap-vm2)
#            DEMO_MODE=bridge: the VM links on a Linux bridge br0, and
#              hvptpd's second port on a veth ptp0 whose peer is a br0 port
#             | veth tap-vm1 -- eth0      | veth tap-vm2 -- eth0
#   ns vm1   ptp4l -s                   ns vm2   ptp4l -s
#
# A port directly on br0 does not work: the bridge device offers no software
# transmit timestamps (ptp4l 3.1.1: "interface 'br0' does not support
# requested timestamping mode"; hvptpd: "br0: the driver does not support
# software timestamping").
#
# Every clock runs free (free_running 1): nothing touches this machine's
# clock.  Runs DEMO_SECONDS (default 60), prints the nodes every 5 s, then a
# summary, and cleans up.  Needs root.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DEMO_SECONDS=${DEMO_SECONDS:-60}
DEMO_MODE=${DEMO_MODE:-ports}
PRINT_EVERY=5
SETTLE_S=5 # samples from the first seconds are left out of the summary

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (it builds network namespaces): sudo make demo" >&2
	exit 1
fi
why=$(hv_env_problem)
if [ -n "$why" ]; then
	echo "demo: cannot run: $why" >&2
	exit 1
fi
case $DEMO_MODE in
bridge | ports) ;;
*) echo "demo: DEMO_MODE must be bridge or ports" >&2; exit 1 ;;
esac

hv_setup demo
echo "demo: building the host (namespaces $HV_TAG-*)"
for ns in gm host vm1 vm2; do hv_ns_add "$ns"; done
hv_veth gm eth0 host up0
hv_addr gm eth0 10.213.10.1/24
hv_addr host up0 10.213.10.2/24
hv_veth host tap-vm1 vm1 eth0
hv_veth host tap-vm2 vm2 eth0
if [ "$DEMO_MODE" = bridge ]; then
	hv_bridge host br0
	hv_bridge_port host br0 tap-vm1
	hv_bridge_port host br0 tap-vm2
	hv_veth host ptp0 host ptp0-br
	hv_bridge_port host br0 ptp0-br
	hv_addr host ptp0 10.213.20.1/24
	hv_addr vm1 eth0 10.213.20.11/24
	hv_addr vm2 eth0 10.213.20.12/24
	vm_ports=(ptp0)
else
	hv_addr host tap-vm1 10.213.21.1/24
	hv_addr vm1 eth0 10.213.21.11/24
	hv_addr host tap-vm2 10.213.22.1/24
	hv_addr vm2 eth0 10.213.22.11/24
	vm_ports=(tap-vm1 tap-vm2)
fi
host_ports=(up0 "${vm_ports[@]}")

hv_node gm gm ptp4l "priority1 100"
hv_node host host dut "priority1 128"
hv_node vm1 vm1 ptp4l
hv_node vm2 vm2 ptp4l
hv_run gm -i eth0
host_args=()
for p in "${host_ports[@]}"; do host_args+=(-i "$p"); done
hv_run host "${host_args[@]}"
hv_run vm1 -i eth0 -s
hv_run vm2 -i eth0 -s
echo "demo: gm: ptp4l grandmaster; host: $(basename "$HVPTPD") ${host_args[*]};" \
	"vm1, vm2: ptp4l -s; running ${DEMO_SECONDS}s"

# --- reading the nodes -----------------------------------------------------

# vm_read NODE: "state offset delay" from pmc (ptp4l).
vm_read() {
	{ hv_pmc_get "$1" PORT_DATA_SET; hv_pmc_get "$1" CURRENT_DATA_SET; } | awk '
		$1 == "portState" { s = $2 }
		$1 == "offsetFromMaster" { o = sprintf("%d", $2) }
		$1 == "meanPathDelay" { d = sprintf("%d", $2) }
		END { print (s == "" ? "-" : s), (o == "" ? "-" : o), (d == "" ? "-" : d) }'
}

# host_states: "up0 UNCALIBRATED, br0 MASTER" from hvptpd's log.
host_states() {
	local i out=""
	for i in "${!host_ports[@]}"; do
		out+="${out:+, }${host_ports[$i]} $(hv_port_state host $((i + 1)))"
	done
	echo "$out"
}

# Last "master offset" line of the host: "offset delay", or "- -".
host_last() {
	hv_log_offsets host | tail -n 1 | awk '{ print $1, $3 } END { if (NR == 0) print "- -" }'
}

row() { printf '%6s  %-5s %-22s %-50s %9s %9s\n' "$@"; }

# Sleep until hv_now_us reaches $1.
sleep_until() {
	local now
	now=$(hv_now_us)
	[ "$1" -gt "$now" ] || return 0
	sleep "$(awk -v d=$(($1 - now)) 'BEGIN { printf "%.3f", d / 1e6 }')"
}

declare -A samples=() cur_state=() cur_off=() cur_del=()
t_start=$(hv_now_us)
host_skip=0 # host offset lines before the settle time
row "t (s)" node role "port state" "offset ns" "delay ns"
for ((sec = 1; sec <= DEMO_SECONDS; sec++)); do
	sleep_until $((t_start + sec * 1000000))
	for n in gm host vm1 vm2; do
		hv_alive "$n" || hv_fail "$n exited"
	done
	for n in vm1 vm2; do
		read -r st off del < <(vm_read "$n")
		cur_state["$n"]=$st cur_off["$n"]=$off cur_del["$n"]=$del
		if [ "$sec" -gt "$SETTLE_S" ] && [ "$off" != - ]; then
			samples[$n]+="$off "
		fi
	done
	[ "$sec" -eq "$SETTLE_S" ] && host_skip=$(hv_log_offsets host | wc -l)
	if [ $((sec % PRINT_EVERY)) -ne 0 ] && [ "$sec" -ne "$DEMO_SECONDS" ]; then
		continue
	fi
	row "$sec" gm "grandmaster (ptp4l)" "eth0 $(hv_port_state gm 1)" - -
	read -r hoff hdel < <(host_last)
	row "" host "boundary ($(basename "$HVPTPD"))" "$(host_states)" "$hoff" "$hdel"
	for n in vm1 vm2; do
		row "" "$n" "VM slave (ptp4l)" "eth0 ${cur_state[$n]}" "${cur_off[$n]}" "${cur_del[$n]}"
	done
done

# --- summary ---------------------------------------------------------------

gm_id=$(hv_clock_id gm eth0)
host_id=$(hv_clock_id host up0)
host_samples=$(hv_log_offsets host | tail -n +$((host_skip + 1)) | awk '{ print $1 }')
echo
echo "summary (|offset| in ns, samples after the first ${SETTLE_S} s):"
printf '  %-5s %-50s %7s %8s %8s\n' node "final state" samples median max
summary() { # NODE STATE NUMBERS...
	local node=$1 state=$2 med max
	shift 2
	read -r med max < <(printf '%s\n' "$@" | grep . | hv_abs_median_max)
	printf '  %-5s %-50s %7s %8s %8s\n' "$node" "$state" "$#" "${med:--}" "${max:--}"
}
mapfile -t host_list < <(echo "$host_samples" | grep .)
read -ra vm1_list <<<"${samples[vm1]:-}"
read -ra vm2_list <<<"${samples[vm2]:-}"
summary gm "eth0 $(hv_port_state gm 1)"
summary host "$(host_states)" "${host_list[@]}"
summary vm1 "eth0 ${cur_state[vm1]}" "${vm1_list[@]}"
summary vm2 "eth0 ${cur_state[vm2]}" "${vm2_list[@]}"
ok=1
for n in vm1 vm2; do
	vgm=$(hv_pmc_field "$n" PARENT_DATA_SET grandmasterIdentity)
	vparent=$(hv_pmc_field "$n" PARENT_DATA_SET parentPortIdentity)
	vsteps=$(hv_pmc_field "$n" CURRENT_DATA_SET stepsRemoved)
	echo "  $n: grandmaster $vgm via $vparent, stepsRemoved $vsteps"
	if [ "$vgm" != "$gm_id" ] || [ "$vsteps" != 2 ] ||
		[ "${vparent%-*}" != "$host_id" ]; then
		ok=0
	fi
done
echo "  grandmaster $gm_id, boundary clock $host_id ($DEMO_MODE mode)"
hv_finish
if [ "$ok" = 1 ]; then
	echo "demo: OK: both VMs follow the grandmaster through the boundary clock"
else
	echo "demo: the VMs do not follow the grandmaster through the boundary clock"
	exit 1
fi
