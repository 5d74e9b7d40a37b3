#!/bin/bash
# test_bmca.sh — best master selection and fail-over on a shared segment.
#
#   ns a: hvptpd, priority1 100 --\
#   ns b: hvptpd, priority1 110 ---+-- ns br: bridge br0
#   ns c: ptp4l,  priority1 120 --/
#
# 1. Every node agrees on A (hvptpd logs; ptp4l's PARENT_DATA_SET
#    grandmasterIdentity).
# 2. A stops: B takes over on every node within announceReceiptTimeout
#    announce intervals plus a few (LIMIT_INTERVALS); the times are measured.
# 3. A restarts: A wins again on every node.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# announceReceiptTimeout, plus up to one interval of ptp4l's randomisation,
# plus two announces for the foreign master qualification, plus two slack
# (polling pmc takes time too).
LIMIT_INTERVALS=$((HV_ANNOUNCE_TIMEOUT + 5))
ann_ms=$(awk -v l="$HV_LOG_ANNOUNCE" 'BEGIN { printf "%d", 1000 * 2 ^ l }')
LIMIT_MS=$((LIMIT_INTERVALS * ann_ms))

hv_setup bmca
hv_ns_add br
hv_bridge br br0
i=1
for n in a b c; do
	hv_ns_add "$n"
	hv_veth "$n" eth0 br "p$n"
	hv_bridge_port br br0 "p$n"
	hv_addr "$n" eth0 "10.213.5.$i/24"
	i=$((i + 1))
done

hv_node a a dut "priority1 100"
hv_node b b dut "priority1 110"
hv_node c c ptp4l "priority1 120"
hv_run a -i eth0
hv_run b -i eth0
hv_run c -i eth0

# The grandmaster of a one-port node, from its log: itself when its port is
# MASTER (or PRE_MASTER), else the clock it last selected as best master.
# (ptp4l also logs "selected best master clock X" for a foreign X that is
# worse than itself, so the selection line alone is not enough.)
gm_of() {
	local state
	state=$(hv_port_state "$1" 1)
	case $state in
	MASTER | PRE_MASTER | GRAND_MASTER) hv_clock_id "$1" eth0 ;;
	UNCALIBRATED | SLAVE)
		grep -oE "selected (best master clock|local clock) $HV_RE_ID" \
			"$(hv_log "$1")" 2>/dev/null | tail -n 1 | awk '{ print $NF }' ;;
	*) echo "none($state)" ;;
	esac
}
gm_of_c() { hv_pmc_field c PARENT_DATA_SET grandmasterIdentity; }

# all_agree ID: every running node has ID as its grandmaster.
all_agree() {
	local n
	for n in a b; do
		hv_alive "$n" || continue
		[ "$(gm_of "$n")" = "$1" ] || return 1
	done
	[ "$(gm_of_c)" = "$1" ]
}

# pmc_agree ID NODE...: hvptpd's management (when it answers) says the same.
pmc_agree() {
	local id=$1 n
	shift
	for n in "$@"; do
		hv_pmc_answers "$n" || continue
		hv_pmc_expect "$n" PARENT_DATA_SET grandmasterIdentity "$id"
		pmc_checked=1
	done
}
pmc_checked=0

describe() {
	echo "a: $(gm_of a) b: $(gm_of b) c (pmc): $(gm_of_c)"
}

hv_wait_log a "$(hv_re_state 1 MASTER)" 15 || hv_fail "A's port never became MASTER"
id_a=$(hv_clock_id a eth0)
hv_wait_cmd 20 all_agree "$id_a" || hv_fail "nodes do not agree on A ($id_a): $(describe)"
id_b=$(hv_clock_id b eth0)
pmc_agree "$id_a" a b
hv_info "all agree on A $id_a (B is $id_b)"

# --- A stops: B must take over everywhere ----------------------------------
sleep 1
t_kill=$(hv_now_us)
hv_stop a
t_b="" t_c=""
deadline=$((t_kill + 10000000))
while [ "$(hv_now_us)" -lt "$deadline" ]; do
	if [ -z "$t_b" ] && [ "$(gm_of b)" = "$id_b" ]; then
		t_b=$(hv_now_us)
	fi
	if [ -z "$t_c" ] && [ "$(gm_of_c)" = "$id_b" ]; then
		t_c=$(hv_now_us)
	fi
	[ -n "$t_b" ] && [ -n "$t_c" ] && break
	sleep 0.05
done
if [ -z "$t_b" ] || [ -z "$t_c" ]; then
	hv_fail "B did not take over within 10 s: $(describe)"
fi
ms_b=$(((t_b - t_kill) / 1000))
ms_c=$(((t_c - t_kill) / 1000))
hv_info "A stopped: B master after ${ms_b} ms, ptp4l switched to B after ${ms_c} ms (limit ${LIMIT_MS} ms)"
hv_wait_log b "$(hv_re_state 1 MASTER)" 5 || hv_fail "B's port did not become MASTER"
pmc_agree "$id_b" b

# --- A restarts: A must win again ------------------------------------------
sleep 1
t_start=$(hv_now_us)
hv_run a -i eth0
hv_wait_cmd 20 all_agree "$id_a" ||
	hv_fail "nodes do not agree on A again after its restart: $(describe)"
back=$(hv_secs "$t_start" "$(hv_now_us)")
pmc_agree "$id_a" a b
hv_info "A restarted: all agree on A again after ${back} s"

hv_finish
[ "$ms_b" -le "$LIMIT_MS" ] || hv_fail "B took over after $ms_b ms > $LIMIT_MS ms"
[ "$ms_c" -le "$LIMIT_MS" ] || hv_fail "ptp4l followed B after $ms_c ms > $LIMIT_MS ms"
hv_result "fail-over to B: B $(awk -v m="$ms_b" 'BEGIN { printf "%.2f", m / 1000 }') s, ptp4l $(awk -v m="$ms_c" 'BEGIN { printf "%.2f", m / 1000 }') s (limit $(awk -v m="$LIMIT_MS" 'BEGIN { printf "%.2f", m / 1000 }') s); A back on every node after ${back} s; $([ "$pmc_checked" = 1 ] && echo "hvptpd pmc agrees" || echo "no pmc answer from hvptpd")"
