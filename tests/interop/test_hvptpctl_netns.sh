#!/bin/bash
# test_hvptpctl_netns.sh — hvptpctl (and pmc) reach hvptpd from any network
# namespace, and hvptpctl's errors name what went wrong.
#
#   ns a: hvptpd -i eth0 (free_running 1) --- veth --- ns b (no daemon)
#
# hvptpctl's own address is a socket file (mgmt/client.h), which the
# daemon's answer reaches whatever the namespace; an abstract address,
# as hvptpctl had before, would be answered only inside ns a.
# 1. root: status (text and --json) from ns b, from the host's namespace
#    and from ns a; each run leaves no hvptpctl.* file behind.
# 2. nobody on the read-only socket from ns b: the abstract address gets no
#    answer, the socket file in /tmp does (the daemon is not under
#    PrivateTmp here); from ns a at once.
# 3. pmc 3.1.1 from ns b (it binds /var/run/pmc.PID, a file too); watch
#    from ns b gets the notification of a port disabled from ns b, stops
#    on SIGINT (exit 0), dies of SIGHUP; its socket file gone either way.
# 4. The errors: no daemon at a path, a path that is not a socket, a
#    socket a user may not use (its group named), a daemon that does not
#    answer (SIGSTOPped: the request and the timeout named), an error
#    status naming the management ID and the port.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

hv_setup hvptpctl_netns
hv_is_standin && hv_skip "needs hvptpd's management (HVPTPD is ptp4l)"
HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
[ -x "$HVPTPCTL" ] || hv_skip "no hvptpctl at $HVPTPCTL (make; or set HVPTPCTL)"
command -v setpriv >/dev/null 2>&1 || hv_skip "setpriv not found (util-linux)"

hv_ns_add a
hv_ns_add b
hv_veth a eth0 b eth0
hv_addr a eth0 10.213.21.1/24
hv_addr b eth0 10.213.21.2/24
hv_node a a dut "priority1 100"
hv_run a -i eth0
uds=$(hv_uds a)
uds_ro=$(hv_uds a)ro
hv_wait_log a "$(hv_re_state 1 MASTER)" 15 || hv_fail "hvptpd's port did not become MASTER"
id_a=$(hv_clock_id a eth0)

out=$HV_TMP/ctl.out
err=$HV_TMP/ctl.err
# ctl WHERE USER ARGS...: hvptpctl in ns WHERE (a, b, or host) as USER
# (root or nobody); stdout to $out, stderr to $err, status in $rc.
ctl() {
	local where=$1 user=$2 pre=()
	shift 2
	[ "$where" = host ] || pre=(ip netns exec "$(hv_ns "$where")")
	[ "$user" = root ] || pre+=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	timeout 20 "${pre[@]}" env -u XDG_RUNTIME_DIR "$HVPTPCTL" "$@" >"$out" 2>"$err"
	rc=$?
	! grep -qE 'Sanitizer|runtime error: ' "$err" || hv_fail "sanitizer report from hvptpctl $*: $(cat "$err")"
	{
		echo "----- [$where, $user] hvptpctl $* (exit $rc)"
		cat "$out" "$err"
	} >>"$(hv_log a)"
}
expect() { [ "$rc" = "$1" ] || hv_fail "$2: exit $rc, want $1; stderr: $(cat "$err")"; }
expect_err() { grep -qF -- "$1" "$err" || hv_fail "$2: stderr is '$(cat "$err")', want '$1'"; }
# no client socket file left in the daemon's directory or in /tmp
no_leftovers() {
	local f
	f=$(find "$HV_TMP" /tmp -maxdepth 1 -name "hvptpctl.*" -newer "$(hv_cfg a)" 2>/dev/null | head -n 1)
	[ -z "$f" ] || hv_fail "$1 left its socket file $f"
}

# --- 1. root, from everywhere ---------------------------------------------
for where in b host a; do
	ctl "$where" root -s "$uds" status
	expect 0 "status from $where"
	grep -qE "^clock identity +$id_a\$" "$out" || grep -q "$id_a" "$out" ||
		hv_fail "status from $where does not name the clock $id_a: $(cat "$out")"
	ctl "$where" root -s "$uds" --json get DEFAULT_DATA_SET
	expect 0 "get --json from $where"
	grep -q "\"clock_identity\": \"$id_a\"" "$out" || hv_fail "get --json from $where: $(cat "$out")"
	no_leftovers "hvptpctl from $where"
done

# --- 2. nobody, read-only socket --------------------------------------------
ctl b nobody -s "$uds_ro" -t 500 get PRIORITY1
expect 0 "nobody from ns b (read-only socket)"
grep -qE '^  priority1 +100$' "$out" || hv_fail "nobody from ns b: $(cat "$out")"
no_leftovers "nobody's hvptpctl from ns b"
ctl a nobody -s "$uds_ro" status
expect 0 "nobody in ns a (read-only socket)"
no_leftovers "nobody's hvptpctl in ns a"

# --- 3. pmc from the other namespace ----------------------------------------
pmc_out=$(timeout 10 ip netns exec "$(hv_ns b)" pmc -u -b 0 -s "$uds" 'GET DEFAULT_DATA_SET' 2>&1)
echo "$pmc_out" | grep -q "clockIdentity *$id_a" ||
	hv_fail "pmc from ns b got no DEFAULT_DATA_SET: $pmc_out"

# --- watch from ns b: a notification reaches it; no file left by a signal --
# watch_run SIGNAL: watch --json in ns b until SIGNAL; its exit status
watch_run() {
	local w=$HV_TMP/watch.$1 pid st
	ip netns exec "$(hv_ns b)" "$HVPTPCTL" -s "$uds" --json -i 0.2 watch >"$w" 2>&1 &
	pid=$!
	hv_wait_cmd 10 grep -q '"event":"subscribed"' "$w" ||
		hv_fail "watch from ns b did not subscribe: $(cat "$w")"
	if [ "$1" = INT ]; then
		# a notification: port 1 disabled and enabled again
		ctl b root -s "$uds" cmd DISABLE_PORT 1
		expect 0 "cmd DISABLE_PORT 1 from ns b"
		hv_wait_cmd 10 grep -q '"event":"port_state"' "$w" ||
			hv_fail "watch from ns b got no port state notification: $(cat "$w")"
		ctl b root -s "$uds" cmd ENABLE_PORT 1
		expect 0 "cmd ENABLE_PORT 1 from ns b"
	fi
	kill "-$1" "$pid"
	wait "$pid"
	st=$?
	cat "$w" >>"$(hv_log a)"
	return "$st"
}
watch_run INT
st=$?
[ "$st" = 0 ] || hv_fail "watch from ns b exited with $st on SIGINT"
no_leftovers "watch stopped by SIGINT"
watch_run HUP
st=$?
[ "$st" = 129 ] || hv_fail "watch from ns b exited with $st on SIGHUP, want 129 (the signal)"
no_leftovers "watch killed by SIGHUP"

# --- 4. errors -------------------------------------------------------------------
ctl b root -s "$HV_TMP/none.uds" status
expect 3 "no daemon"
expect_err "hvptpctl: no hvptpd socket at $HV_TMP/none.uds: is it running? (-s PATH)" "no daemon"
ctl b root -s "$(hv_cfg a)" status
expect 3 "a path that is not a socket"
expect_err "hvptpctl: $(hv_cfg a) is not a socket: not hvptpd's management socket (-s PATH)" "not a socket"
ctl b root -s "$HV_TMP/a.cfg/x" status
expect 3 "a path through a file"
expect_err "no hvptpd socket at $HV_TMP/a.cfg/x: a part of the path is not a directory" "ENOTDIR"
chgrp daemon "$uds" || hv_fail "chgrp daemon $uds"
ctl b nobody -s "$uds" get PRIORITY1
expect 3 "nobody on the read-write socket"
expect_err "hvptpctl: permission denied on $uds (mode 0660, group daemon): use the read-only socket (hvptpd's uds_ro_address), or run as a member of group daemon or as root" "unreadable socket"
ctl b root -s "$uds" get PORT_DATA_SET 7
expect 1 "a port that does not exist"
expect_err "hvptpctl: GET PORT_DATA_SET, port 7: the daemon answered" "error status"
kill -STOP "${HV_NODE_PID[a]}"
ctl b root -s "$uds" -t 300 get PRIORITY1
kill -CONT "${HV_NODE_PID[a]}"
expect 3 "a daemon that does not answer"
expect_err "hvptpctl: GET PRIORITY1: no answer from $uds within 300 ms" "timeout"
no_leftovers "hvptpctl's errors"
ctl b root -s "$uds" get PRIORITY1
expect 0 "get after SIGCONT"

hv_finish
hv_result "status from ns b, the host and ns a (root); nobody's read-only get from ns b (abstract, then /tmp); pmc from ns b; watch from ns b notified, stopped by SIGINT and SIGHUP; errors: missing, not a socket, ENOTDIR, permission (group daemon), error status with port, timeout with ID"
