#!/bin/bash
# test_check.sh — hvptpd --check on linuxptp's stock configurations and on
# broken ones; --check opens nothing.
# hv-needs: none (no root, no namespace, no peer: run.sh runs it anyway)
#
# 1. Every stock ptp4l configuration we can find (linuxptp 4.4's configs/
#    from build/linuxptp-4.4 or the shared folder's tarball, Debian's
#    /usr/share/doc/linuxptp/configs) with "-i eth0", as ptp4l needs an
#    interface too: hvptpd --check exits 0 with one "FILE: OK: ..." line on
#    stdout, or 2 with every stderr line "FILE:LINE: OPTION: REASON" (a
#    warning is "FILE:LINE: warning: MSG") and at least one error.  The
#    table (configuration, result, first reason) goes to the log; default.cfg,
#    UNICAST-MASTER.cfg and G.8265.1.cfg (unicast servers) must pass and
#    sa.cfg (a security association file, not a ptp4l configuration) must
#    not.
# 2. Broken configurations: several errors in one file, each on its line,
#    typos with their suggestion, a bad choice with the accepted values, a
#    bad leapfile, a command-line typo: stderr exactly as expected, exit 2;
#    and a plain start (no --check) prints the same errors and exits 2.
# 3. --check opens nothing: with -i nonexistent0 and a uds_address in a
#    directory that does not exist it still exits 0, and under strace it
#    makes no socket, bind, connect or ioctl call and opens no file but its
#    shared libraries and the configuration (skipped, with the reason, when
#    strace is missing or cannot trace here).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

HV_TEST=check
[ -x "${HVPTPD:-}" ] || hv_skip "HVPTPD=${HVPTPD:-} is not an executable (run make first)"
hv_is_standin && hv_skip "ptp4l has no --check (HVPTPD is ptp4l)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvptp-check.XXXXXX") || hv_fail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# Error and warning lines of a stock file F: "F:LINE: WORD: TEXT".
re_line() { printf '^%s:[0-9]+: [A-Za-z0-9_.]+: .+$' "$(sed 's/[].[*^$\/]/\\&/g' <<<"$1")"; }

# --- 1. stock configurations -------------------------------------------------

# linuxptp 4.4's configs/: a built tree, else unpacked from the tarball.
find_44() {
	local d
	if [ -d "$HV_REPO/build/linuxptp-4.4/configs" ]; then
		echo "$HV_REPO/build/linuxptp-4.4/configs"
		return
	fi
	for d in "${HVPTP_SHARED:-}" "$HV_REPO/../shared" /work/shared; do
		if [ -z "$d" ] || [ ! -f "$d/linuxptp-4.4/linuxptp-v4.4.tar.gz" ]; then
			continue
		fi
		mkdir -p "$tmp/linuxptp-4.4" &&
			tar -xzf "$d/linuxptp-4.4/linuxptp-v4.4.tar.gz" -C "$tmp/linuxptp-4.4" \
				--strip-components=1 --wildcards '*/configs/*.cfg' 2>/dev/null &&
			echo "$tmp/linuxptp-4.4/configs"
		return
	done
}

dirs=()
d44=$(find_44)
[ -n "$d44" ] && dirs+=("$d44")
[ -d /usr/share/doc/linuxptp/configs ] && dirs+=(/usr/share/doc/linuxptp/configs)
[ "${#dirs[@]}" -gt 0 ] ||
	hv_skip "no stock linuxptp configuration found (build/linuxptp-4.4, the shared folder's linuxptp-4.4 tarball or /usr/share/doc/linuxptp/configs)"

nstock=0 nok=0 nrefused=0 table=""
declare -A result=()
for d in "${dirs[@]}"; do
	case $d in /usr/share/*) src="debian $(ptp4l -v 2>/dev/null || echo ?)" ;; *) src="linuxptp 4.4" ;; esac
	for f in "$d"/*.cfg; do
		[ -f "$f" ] || continue
		nstock=$((nstock + 1))
		name="$src $(basename "$f")"
		timeout 10 "$HVPTPD" --check -f "$f" -i eth0 >"$tmp/out" 2>"$tmp/err"
		rc=$?
		re=$(re_line "$f")
		case $rc in
		0)
			[ "$(wc -l <"$tmp/out")" -eq 1 ] ||
				hv_fail "$name: exit 0 but $(wc -l <"$tmp/out") lines on stdout"
			grep -qE "^hvptpd: $(sed 's/[].[*^$\/]/\\&/g' <<<"$f"): OK: " "$tmp/out" ||
				hv_fail "$name: exit 0 but stdout is: $(cat "$tmp/out")"
			grep -vE "$re" "$tmp/err" | grep -q . &&
				hv_fail "$name: exit 0 with a stderr line not FILE:LINE: OPTION: REASON: $(grep -vE "$re" "$tmp/err" | head -1)"
			grep -E "$re" "$tmp/err" | grep -qv ': warning: ' &&
				hv_fail "$name: exit 0 with an error line: $(grep -v ': warning: ' "$tmp/err" | head -1)"
			first=$(sed "s|^hvptpd: $f: ||" "$tmp/out")
			res=OK
			nok=$((nok + 1))
			;;
		2)
			[ -s "$tmp/out" ] && hv_fail "$name: exit 2 with stdout: $(head -1 "$tmp/out")"
			bad=$(grep -vE "$re" "$tmp/err" | grep -v '^hvptpd: \.\.\. and [0-9]* more errors$' | head -1)
			[ -z "$bad" ] || hv_fail "$name: stderr line not FILE:LINE: OPTION: REASON: $bad"
			first=$(grep -v ': warning: ' "$tmp/err" | head -1)
			[ -n "$first" ] || hv_fail "$name: exit 2 without an error line"
			first=${first#"$f":}
			n=$(grep -vc ': warning: ' "$tmp/err")
			res="exit 2 ($n error$([ "$n" -eq 1 ] || echo s))"
			nrefused=$((nrefused + 1))
			;;
		*)
			hv_fail "$name: exit status $rc (0 or 2 expected); stderr: $(head -3 "$tmp/err")"
			;;
		esac
		result[$name]=$rc
		table+=$(printf '%-36s %-18s %s' "$name" "$res" "$first")$'\n'
	done
done
echo "stock configurations, hvptpd --check -f FILE -i eth0:"
printf '%s' "$table" | sed 's/^/  /'
[ -z "$d44" ] || [ "${result["linuxptp 4.4 default.cfg"]}" = 0 ] || hv_fail "linuxptp 4.4 default.cfg refused"
[ -z "$d44" ] || [ "${result["linuxptp 4.4 sa.cfg"]}" = 2 ] || hv_fail "sa.cfg (not a ptp4l configuration) accepted"
# unicast_listen, hybrid_e2e, inhibit_multicast_service and
# unicast_req_duration are implemented: the unicast server examples load
for f in UNICAST-MASTER.cfg G.8265.1.cfg; do
	[ -z "$d44" ] || [ "${result["linuxptp 4.4 $f"]}" = 0 ] || hv_fail "linuxptp 4.4 $f refused"
done

# --- 2. broken configurations ------------------------------------------------

bad=$tmp/bad.conf
cat >"$bad" <<'EOF'
[global]
logSyncInterva -3
priorty1 100
domainnumber 4
clock_servo bogus
clock_type E2E_TC
summary_interval 1
[eth0
logSyncInterval x
[eth1]
priority1 3
delay_mechanism COMMON_P2P
EOF
expect=$(cat <<EOF
$bad:2: logSyncInterva: unknown option; did you mean "logSyncInterval"?
$bad:3: priorty1: unknown option; did you mean "priority1"?
$bad:4: domainnumber: unknown option; did you mean "domainNumber"?
$bad:5: clock_servo: bad value "bogus", expected one of: pi linreg ntpshm nullf refclock_sock kalman
$bad:6: clock_type: P2P_TC/E2E_TC: transparent clocks are not implemented yet
$bad:8: [eth0: malformed section header
$bad:9: logSyncInterval: "x" is not a number
$bad:11: priority1: option priority1 is global-only
$bad:12: delay_mechanism: COMMON_P2P: not implemented (E2E, P2P and Auto are)
EOF
)
check_exact() { # WHAT EXPECTED_STDERR ARGS...
	local what=$1 want=$2 rc
	shift 2
	timeout 10 "$HVPTPD" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] || hv_fail "$what: exit $rc, 2 expected; stderr: $(head -3 "$tmp/err")"
	[ -s "$tmp/out" ] && hv_fail "$what: stdout: $(head -1 "$tmp/out")"
	if [ "$(cat "$tmp/err")" != "$want" ]; then
		diff <(echo "$want") "$tmp/err" | sed 's/^/    /'
		hv_fail "$what: stderr differs (above: < expected, > got)"
	fi
}
check_exact "--check, 9 errors" "$expect" --check -f "$bad"
check_exact "-n, 9 errors" "$expect" -n -f "$bad"
# a plain start stops before opening anything, with the same errors
check_exact "a start, 9 errors" "$expect" -f "$bad" -m -q --free_running=1

leap=$tmp/leap.list
printf '# leap seconds\n3692217600\t37\nnot a line\n' >"$leap"
printf '[global]\nleapfile %s\nfree_running 1\n[eth0]\n' "$leap" >"$tmp/leap.conf"
check_exact "bad leapfile" "$leap:3: leapfile: not a leap-seconds.list entry (NTP seconds and TAI-UTC)" \
	--check -f "$tmp/leap.conf"
printf '[global]\nleapfile %s/none\n[eth0]\n' "$tmp" >"$tmp/noleap.conf"
check_exact "missing leapfile" "$tmp/noleap.conf:2: leapfile: $tmp/none: cannot open: No such file or directory" \
	--check -f "$tmp/noleap.conf"
check_exact "command-line typos" "$(cat <<EOF
command line: --logsyncinterval: unknown option; did you mean "--logSyncInterval"?
command line: -Z: unknown option
command line: interface: no interface given (-i IFACE or an [IFACE] section)
hvptpd: see 'hvptpd -h'
EOF
)" --check --logsyncinterval=3 -Z

# --- 3. --check opens nothing --------------------------------------------------

good=$tmp/good.conf
printf '[global]\nuds_address %s/no/such/dir/hvptpd\nuds_ro_address %s/no/such/dir/ro\n' "$tmp" "$tmp" >"$good"
args=(--check -f "$good" -i nonexistent0 -i 'vnet*' --time_stamping=software)
out=$(timeout 10 "$HVPTPD" "${args[@]}" 2>"$tmp/err")
rc=$?
[ "$rc" -eq 0 ] || hv_fail "--check -i nonexistent0: exit $rc; stderr: $(head -3 "$tmp/err")"
[ "$out" = "hvptpd: $good: OK: 1 port (nonexistent0), 1 pattern (vnet*), domain 0, clock_servo kalman, software timestamps" ] ||
	hv_fail "--check -i nonexistent0: stdout: $out"
[ -s "$tmp/err" ] && hv_fail "--check -i nonexistent0: stderr: $(head -3 "$tmp/err")"
[ -e "$tmp/no" ] && hv_fail "--check created $tmp/no"
strace_note=""
if ! command -v strace >/dev/null 2>&1; then
	strace_note="strace not found: the system call check was skipped"
elif ! strace -f -qq -o /dev/null true 2>/dev/null; then
	strace_note="strace cannot trace here (ptrace refused): the system call check was skipped"
else
	# LeakSanitizer cannot run under ptrace (make asan's build)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		timeout 20 strace -f -qq -o "$tmp/trace" \
		-e trace=socket,socketpair,bind,connect,ioctl,open,openat,openat2,creat,clock_adjtime,mkdir \
		"$HVPTPD" "${args[@]}" >/dev/null 2>&1 || hv_fail "--check under strace failed"
	# stdio asks whether stdout is a terminal (TCGETS on 0..2): not opening
	grep -E '(socket|socketpair|bind|connect|ioctl|clock_adjtime|mkdir|creat)\(' "$tmp/trace" |
		grep -vE 'ioctl\([012], TCGETS' >"$tmp/calls"
	[ -s "$tmp/calls" ] && hv_fail "--check made $(wc -l <"$tmp/calls") forbidden calls: $(head -3 "$tmp/calls")"
	# not ours: the loader, the sanitizers' runtime (/proc/self/maps),
	# libnl-route's constructor (/etc/libnl/classid)
	opened=$(grep -E 'open(at2?)?\(' "$tmp/trace" |
		grep -vE '"/etc/ld\.so\.cache"|\.so(\.[0-9]+)*"|"/proc/self/[a-z]+"|"/etc/libnl/' |
		grep -oE '"[^"]*"' | sort -u | tr '\n' ' ')
	[ "$opened" = "\"$good\" " ] || hv_fail "--check opened more than its configuration: $opened"
	strace_note="strace: no socket, bind, connect or ioctl; opened only the configuration and shared libraries"
fi
hv_info "$strace_note"

hv_result "$nstock stock configurations: $nok OK, $nrefused refused (every line FILE:LINE: OPTION: REASON); broken configurations exact; $strace_note"
