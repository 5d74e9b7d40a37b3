#!/bin/bash
# test_phc2sys.sh — PORT_HWCLOCK_NP and linuxptp's `phc2sys -a` against
# hvptpd, with linuxptp 4.4 (the first pmc/phc2sys that ask for it).
#
#   ns b: ptp4l 4.4 GM (priority1 100) --- veth --- ns a: hvptpd -i eth0
#                                                   -i eth1 (priority1 200)
#                                                     --- veth --- ns c:
#                                                   ptp4l (Debian's) -s
#
# 1. pmc 4.4 GET PORT_HWCLOCK_NP: hvptpd answers for each of its two ports
#    with phcIndex -1 (software timestamps), as ptp4l 4.4 -S does for its
#    port.
# 2. phc2sys 4.4 -a (auto configuration) against hvptpd's socket (-z): it
#    reads numberPorts, subscribes, asks PORT_PROPERTIES_NP and
#    PORT_HWCLOCK_NP of every port, leaves out the software-timestamped
#    ones and ends with "no suitable ports available", exactly as against
#    ptp4l 4.4 -S.  phc2sys logs nothing about a software port it leaves
#    out, so the ports it saw are taken from the wire: phc2sys talks to
#    hvptpd through a small datagram relay (python3) that logs each
#    request's managementId and target port and each PORT_HWCLOCK_NP
#    answer's phcIndex (phc2sys's log cannot tell: against Debian's ptp4l
#    3.1.1, which answers PORT_HWCLOCK_NP with NO_SUCH_ID, it ends with the
#    same line, having taken the error for a port that does not exist).
#
# Nothing touches a clock.  phc2sys runs without -r: linuxptp 4.4 honours
# free_running for steps and frequency (phc2sys.c update_clock), but its
# servo_add() clears the kernel's leap/status bits of CLOCK_REALTIME
# (sysclk_set_leap(0): clock_adjtime ADJ_STATUS) before it looks at
# free_running, so -r would write to this machine's clock.  Without -r,
# phc2sys -a only ever adds the PHCs of hardware-timestamped ports: there
# are none here (and it is given -f with free_running 1 anyway).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

hv_setup phc2sys
hv_is_standin && hv_skip "needs hvptpd (HVPTPD is ptp4l)"
HV_PTP44=$(hv_linuxptp44) || hv_skip "$HV_PTP44"
command -v python3 >/dev/null 2>&1 || hv_skip "python3 not found (for the relay)"

hv_ns_add a
hv_ns_add b
hv_ns_add c
hv_veth b eth0 a eth0
hv_veth a eth1 c eth0
hv_addr b eth0 10.213.11.1/24
hv_addr a eth0 10.213.11.2/24
hv_addr a eth1 10.213.12.1/24
hv_addr c eth0 10.213.12.2/24
hv_node a a dut "priority1 200"
hv_node b b ptp4l44 "priority1 100"
hv_node c c ptp4l "slaveOnly 1" "priority1 255"
hv_run b -i eth0
hv_run a -i eth0 -i eth1
hv_run c -i eth0

hv_wait_log b "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l 4.4 B did not take the master role"
id_b=$(hv_clock_id b eth0)
hv_wait_log a "selected best master clock $id_b" 20 ||
	hv_fail "hvptpd did not select B ($id_b)"
hv_wait_log a "$(hv_re_state 2 MASTER)" 15 || hv_fail "hvptpd's port 2 is not MASTER"
id_a=$(hv_pmc_field a DEFAULT_DATA_SET clockIdentity)
[ -n "$id_a" ] || hv_fail "no clockIdentity from hvptpd (pmc)"

# --- 1. pmc 4.4 GET PORT_HWCLOCK_NP ----------------------------------------
# "phcIndex" of each answer, as "portIdentity phcIndex flags" lines
hwclock_lines() {
	awk '/RESPONSE MANAGEMENT PORT_HWCLOCK_NP/ { r = 1; next }
		r && $1 == "portIdentity" { p = $2 }
		r && $1 == "phcIndex" { i = $2 }
		r && $1 == "flags" { print p, i, $2; r = 0 }'
}
hw_a=""
for ((i = 0; i < 5; i++)); do
	hw_a=$(hv_pmc44 a "GET PORT_HWCLOCK_NP" | hwclock_lines | sort)
	[ "$(echo "$hw_a" | grep -c .)" -ge 2 ] && break
done
want_a=$(printf '%s -1 0\n%s -1 0' "$id_a-1" "$id_a-2")
[ "$hw_a" = "$want_a" ] ||
	hv_fail "pmc 4.4 GET PORT_HWCLOCK_NP from hvptpd: '$hw_a', want '$want_a'"
hw_b=$(hv_pmc44 b "GET PORT_HWCLOCK_NP" | hwclock_lines)
[ "$hw_b" = "$id_b-1 -1 0" ] ||
	hv_fail "ptp4l 4.4 -S answers PORT_HWCLOCK_NP '$hw_b' (the reference differs?)"
hv_info "PORT_HWCLOCK_NP: hvptpd $(echo "$hw_a" | tr '\n' ';') ptp4l 4.4: $hw_b"

# --- 2. phc2sys -a ----------------------------------------------------------
P2CFG=$HV_TMP/phc2sys.cfg
printf '[global]\nfree_running 1\n' >"$P2CFG"
RELAY=$HV_TMP/relay.py
cat >"$RELAY" <<'PY'
# A datagram relay between management clients and a daemon's UNIX socket:
# each client gets a socket of its own toward the daemon (so answers and
# notifications find their way back); requests and PORT_HWCLOCK_NP
# answers are logged.  argv: listen-path daemon-path dir log
import os, select, socket, struct, sys
listen, daemon, tmp, logpath = sys.argv[1:5]
log = open(logpath, "a", buffering=1)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
srv.bind(listen)
peers, back = {}, {}

def fields(b):
    # header 34 octets, targetPortIdentity 34..44, actionField 46, the
    # TLV at 48: type, length, managementId, data (MANAGEMENT_ERROR_STATUS:
    # type 2, length, managementErrorId, managementId)
    if len(b) < 54:
        return None
    if struct.unpack(">H", b[48:50])[0] == 2 and len(b) >= 56:
        return (b[46] & 0x0F, struct.unpack(">H", b[42:44])[0],
                struct.unpack(">H", b[28:30])[0],
                struct.unpack(">H", b[54:56])[0], b"",
                struct.unpack(">H", b[52:54])[0])
    return (b[46] & 0x0F, struct.unpack(">H", b[42:44])[0],
            struct.unpack(">H", b[28:30])[0],
            struct.unpack(">H", b[52:54])[0], b[54:], 0)

while True:
    r, _, _ = select.select([srv] + list(back), [], [])
    for s in r:
        if s is srv:
            data, addr = srv.recvfrom(2048)
            if addr not in peers:
                p = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                p.bind(os.path.join(tmp, "relay.%d" % len(peers)))
                peers[addr], back[p] = p, addr
            f = fields(data)
            if f:
                log.write("request action %d id 0x%04X port %d\n" % (f[0], f[3], f[1]))
            peers[addr].sendto(data, daemon)
        else:
            data = s.recv(2048)
            f = fields(data)
            if f and f[5]:
                log.write("answer id 0x%04X port %d error 0x%04X\n"
                          % (f[3], f[2], f[5]))
            elif f and f[3] == 0xC009 and len(f[4]) >= 14:
                log.write("answer PORT_HWCLOCK_NP port %d phc_index %d\n"
                          % (struct.unpack(">H", f[4][8:10])[0],
                             struct.unpack(">i", f[4][10:14])[0]))
            elif f and f[3] == 0xC004 and len(f[4]) >= 12:
                log.write("answer PORT_PROPERTIES_NP port %d timestamping %d\n"
                          % (struct.unpack(">H", f[4][8:10])[0], f[4][11]))
            srv.sendto(data, back[s])
PY
RSOCK=$HV_TMP/relay.sock
RLOG=$HV_TMP/relay.log
: >"$RLOG"
ip netns exec "$(hv_ns a)" python3 "$RELAY" "$RSOCK" "$(hv_uds a)" "$HV_TMP" "$RLOG" \
	>>"$HV_TMP/relay.err" 2>&1 &
relay_pid=$!
relay_up() { [ -S "$RSOCK" ]; }
hv_wait_cmd 5 relay_up || hv_fail "the relay did not start: $(cat "$HV_TMP/relay.err")"

# phc2sys_auto NAME SOCKET LOG: phc2sys 4.4 -a in NAME's namespace; its
# status in p2rc (it ends by itself: no port for it to synchronise)
phc2sys_auto() {
	timeout 20 ip netns exec "$(hv_ns "${HV_NODE_NS[$1]}")" "$HV_PTP44/phc2sys" \
		-a -f "$P2CFG" -z "$2" -m -q -l 7 >"$3" 2>&1
	p2rc=$?
	{
		echo "----- phc2sys -a -z $2 (exit $p2rc):"
		cat "$3"
	} >>"$(hv_log a)"
}
P2A=$HV_TMP/phc2sys-a.log
phc2sys_auto a "$RSOCK" "$P2A"
kill "$relay_pid" 2>/dev/null
wait "$relay_pid" 2>/dev/null
cat "$RLOG" >>"$(hv_log a)"
[ "$p2rc" != 124 ] || hv_fail "phc2sys -a against hvptpd did not end: $(cat "$P2A")"
grep -q "no suitable ports available" "$P2A" ||
	hv_fail "phc2sys -a against hvptpd: $(cat "$P2A")"
! grep -qE "failed to get (port properties|number of ports)|Waiting for ptp4l|failed to subscribe" "$P2A" ||
	hv_fail "phc2sys -a could not read hvptpd's ports: $(cat "$P2A")"
# what phc2sys saw, from the wire
for pn in 1 2; do
	grep -qx "request action 0 id 0xC009 port $pn" "$RLOG" ||
		hv_fail "phc2sys did not ask PORT_HWCLOCK_NP of port $pn: $(cat "$RLOG")"
	grep -qx "answer PORT_HWCLOCK_NP port $pn phc_index -1" "$RLOG" ||
		hv_fail "no PORT_HWCLOCK_NP answer for port $pn (phc_index -1): $(cat "$RLOG")"
	grep -qx "answer PORT_PROPERTIES_NP port $pn timestamping 0" "$RLOG" ||
		hv_fail "no PORT_PROPERTIES_NP answer (SOFTWARE) for port $pn: $(cat "$RLOG")"
done
grep -qx "request action 1 id 0xC003 port 65535" "$RLOG" ||
	hv_fail "phc2sys did not subscribe (SET SUBSCRIBE_EVENTS_NP): $(cat "$RLOG")"
saw=$(grep -c '^answer PORT_HWCLOCK_NP' "$RLOG")
hv_info "phc2sys -a against hvptpd: $(tail -n 1 "$P2A" | sed 's/^phc2sys\[[0-9.]*\]: //')"

# the reference: the same phc2sys against ptp4l 4.4 -S
P2B=$HV_TMP/phc2sys-b.log
phc2sys_auto b "$(hv_uds b)" "$P2B"
grep -q "no suitable ports available" "$P2B" ||
	hv_fail "phc2sys -a against ptp4l 4.4 -S (the reference): $(cat "$P2B")"

hv_finish
hv_result "PORT_HWCLOCK_NP: hvptpd ports 1, 2 phcIndex -1 (pmc 4.4), as ptp4l 4.4 -S;" \
	"phc2sys 4.4 -a (no -r, free_running 1) was answered for $saw ports (all software)" \
	"and ended 'no suitable ports available', as against ptp4l 4.4 -S"
