#!/bin/bash
# test_unicast.sh — unicast negotiation under clknetsim: hvptpd and ptp4l
# 4.4 as unicast clients of one ptp4l 4.4 unicast grandmaster, in the same
# run.
#
#   node 1: ptp4l 4.4, clockClass 6, UNICAST-MASTER.cfg's options
#           (unicast_listen, hybrid_e2e, inhibit_multicast_service)
#     |-- 1 us + exp(100 ns) -- node 2: hvptpd -H -s, unicast master table
#     |-- 1 us + exp(100 ns) -- node 3: ptp4l 4.4 -s, the same table
#
# The clients ask 192.168.123.1 (node 1's eth0 under clknetsim) for
# Announce, then Sync and Delay_Resp, for 60 s at a time (renewed every
# 45 s: a dozen renewals in the run); the grandmaster sends nothing by
# multicast, so a client that failed to negotiate would never lock.  Both
# clients' PHCs start 1 ms off, 10 ppm fast, wandering.  Prints the two
# clients' rms/max side by side.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

test_start "unicast clients (hvptpd and ptp4l 4.4) of a ptp4l 4.4 unicast grandmaster"
table="unicast_req_duration 60
[unicast_master_table]
table_id 1
logQueryInterval 2
UDPv4 192.168.123.1
[eth0]
unicast_master_table 1"
node 1 ptp4l hw eth0 "clockClass 6
unicast_listen 1
hybrid_e2e 1
inhibit_multicast_service 1"
node 2 hvptpd hw eth0 "$table" -s
node 3 ptp4l hw eth0 "$table" -s
link 1 2 1e-6 1e-7
link 1 3 1e-6 1e-7
limit=600 skip=200 lock_ns=1000
run_sim

read -r hv_rms hv_max hv_lock < <(clock_figures 2 phc)
read -r pt_rms pt_max pt_lock < <(clock_figures 3 phc)
cns_info "unicast client  hvptpd: rms $hv_rms ns, max $hv_max ns, lock $hv_lock s; ptp4l 4.4: rms $pt_rms ns, max $pt_max ns, lock $pt_lock s"
# Measured, seeds 1..5: hvptpd lock 14-18 s, rms 19.2-23.7 ns, max
# 53-87 ns; ptp4l 4.4 (PI servo) lock 22-24 s, rms 105.1-118.3 ns, max
# 522-766 ns.  Bounds ~2x (ptp4l's: it must lock and stay near, the
# figures are for the comparison).
check_lock_within 2 phc 35
check_rms 2 phc 50
check_max 2 phc 180
check_lock_within 3 phc 50
check_rms 3 phc 240
check_max 3 phc 1550
test_end
