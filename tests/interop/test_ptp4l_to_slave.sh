#!/bin/bash
# test_ptp4l_to_slave.sh — linuxptp grandmaster -> hvptpd slave (-s).
#
#   ns gm: ptp4l, priority1 100 --- veth --- ns sl: hvptpd -s
#
# hvptpd must select the grandmaster ("selected best master clock <gm>"),
# take its port to UNCALIBRATED (free-running: it never locks), and measure
# |offset| < 100 us and a positive path delay in its "master offset" lines
# (the first few are ignored).  Reports the time from start to UNCALIBRATED
# and the median and max |offset|.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SKIP_SAMPLES=3     # first offset lines ignored
MIN_SAMPLES=8      # offset lines needed after those
COLLECT_S=6        # seconds of samples at least
MAX_OFFSET_NS=100000

hv_setup ptp4l_to_slave
hv_ns_add gm
hv_ns_add sl
hv_veth gm eth0 sl eth0
hv_addr gm eth0 10.213.2.1/24
hv_addr sl eth0 10.213.2.2/24

hv_node gm gm ptp4l "priority1 100"
hv_node sl sl dut
hv_run gm -i eth0
hv_run sl -i eth0 -s

hv_wait_log gm "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l grandmaster did not take the master role"
gm_id=$(hv_clock_id gm eth0)
hv_info "grandmaster clock identity $gm_id"

hv_wait_log sl "selected best master clock $gm_id" 20 ||
	hv_fail "hvptpd did not select the grandmaster $gm_id"
hv_wait_log sl "$(hv_re_state 1 UNCALIBRATED)" 10 ||
	hv_fail "hvptpd's port did not reach UNCALIBRATED"
t_uncal=$(hv_log_elapsed sl "$(hv_re_state 1 UNCALIBRATED)")
hv_info "port 1 UNCALIBRATED ${t_uncal}s after start"

# Collect for a while (hvptpd logs every Sync; ptp4l running free only one
# line per second), then make sure there are enough.
sleep "$COLLECT_S"
need=$((SKIP_SAMPLES + MIN_SAMPLES))
enough_samples() { [ "$(hv_log_offsets sl | wc -l)" -ge "$need" ]; }
hv_wait_cmd 30 enough_samples ||
	hv_fail "fewer than $need 'master offset' lines in 30 s"
[ "$(hv_port_state sl 1)" = UNCALIBRATED ] ||
	hv_fail "port 1 left UNCALIBRATED: now $(hv_port_state sl 1)"

# Management (pmc) too, once hvptpd has it.
if hv_pmc_answers sl; then
	hv_pmc_expect sl PARENT_DATA_SET grandmasterIdentity "$gm_id"
	hv_pmc_expect sl PARENT_DATA_SET parentPortIdentity "$gm_id-1"
	hv_pmc_expect sl CURRENT_DATA_SET stepsRemoved 1
	pmc_note="hvptpd pmc agrees"
else
	pmc_note="no pmc answer from hvptpd"
fi

samples=$(hv_log_offsets sl | tail -n +$((SKIP_SAMPLES + 1)))
n=$(echo "$samples" | wc -l)
read -r med max < <(echo "$samples" | awk '{ print $1 }' | hv_abs_median_max)
read -r dmed dmax < <(echo "$samples" | awk '{ print $3 }' | hv_abs_median_max)
dmin=$(echo "$samples" | awk 'NR == 1 || $3 < m { m = $3 } END { print m }')
hv_info "offsets (ns): $(echo "$samples" | awk '{ printf "%s ", $1 }')"
hv_info "path delays (ns): $(echo "$samples" | awk '{ printf "%s ", $3 }')"

hv_finish
[ "$max" -lt "$MAX_OFFSET_NS" ] ||
	hv_fail "max |offset| $max ns >= $MAX_OFFSET_NS ns (median $med)"
[ "$dmin" -gt 0 ] || hv_fail "path delay not positive (min $dmin ns)"
hv_result "UNCALIBRATED after ${t_uncal}s; $n samples: |offset| median ${med} ns max ${max} ns; path delay median ${dmed} ns (min $dmin, max $dmax); $pmc_note"
