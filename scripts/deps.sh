#!/bin/bash
# scripts/deps.sh — make sure everything the build and the tests need is here.
#
# Each entry of PACKAGES below is "debian-package probe": the probe says how
# to tell that the package's content is present, so the check also works on a
# machine where things were installed some other way.  Probes:
#   cmd:NAME    a program on PATH (sbin directories included)
#   pc:NAME     a pkg-config module
#   clangrt:LIB a clang runtime library (LIB-<arch>.a or <triple>/LIB.a)
#   py:MODULE   a module Debian's python3 (/usr/bin/python3) can import
# Missing and root: apt-get update (only when needed) and install, quietly.
# Missing and not root: print what is missing and the command, exit 1.
# Add new needs to PACKAGES, nowhere else.
set -euo pipefail

PACKAGES=(
	"gcc cmd:gcc"                       # the compiler (and gcc's ASan/UBSan)
	"clang cmd:clang"                   # second compiler, fuzzing
	"libclang-rt-dev clangrt:libclang_rt.fuzzer" # libFuzzer, clang sanitizers
	"make cmd:make"
	"pkg-config cmd:pkg-config"
	"libcmocka-dev pc:cmocka"           # unit tests
	"libnl-3-dev pc:libnl-3.0"          # ethtool netlink (hwts/)
	"libnl-genl-3-dev pc:libnl-genl-3.0"
	"libnl-route-3-dev pc:libnl-route-3.0"
	"linuxptp cmd:ptp4l"                # interop peers: ptp4l, pmc
	"iproute2 cmd:ip"                   # network namespaces, veth, bridges
	"libjson-c-dev pc:json-c"           # hvptpctl --json (mgmt/print.c)
	"python3-jsonschema py:jsonschema"  # validating hvptpctl --json (interop)
	"libmicrohttpd-dev pc:libmicrohttpd" # the metrics endpoint (mgmt/metrics.c)
	"libsystemd-dev pc:libsystemd"      # sd_notify (mgmt/sdnotify.c)
	"prometheus cmd:promtool"           # promtool check metrics (interop), check/test rules (contrib)
	"python3-yaml py:yaml"              # reading the rules' YAML (tests/contrib)
	"prometheus-alertmanager cmd:amtool" # amtool: monitoring.md's route (tests/contrib)
	"curl cmd:curl"                     # scraping /metrics (interop)
	"chrony cmd:chronyd"                # hvptpd's feeds (interop: chronyd -x)
	"dpkg-dev cmd:dpkg-buildpackage"    # make deb (debian/)
	"debhelper cmd:dh"                  # make deb: dh sequencer, compat 13
	"lintian cmd:lintian"               # the package test: lintian on the .deb
	"groff-base cmd:groff"              # the package test: man pages lint clean
	"systemd cmd:systemd-analyze"       # the package test: verify the unit
	"strace cmd:strace"                 # hvptpd --check opens nothing (interop)
	"tshark cmd:tshark"                 # Wireshark's PTP dissector on what hvptpd sends (interop)
	"libssl-dev pc:libcrypto"           # the AUTHENTICATION TLV's MACs (daemon/auth_mac.c)
	"nettle-dev pc:nettle"              # linuxptp 4.4 built with authentication (interop peers)
)

# Packages that ship a daemon which must never run here on its own: it
# would steer the machine's clock (chronyd), or listen and fill a
# database (prometheus, prometheus-alertmanager: only promtool and amtool
# are wanted).  PACKAGE:PROCESS, the process name as pgrep -x sees it (15
# characters at most).  Installed with no service started
# (policy-rc.d), left disabled, and any instance that started anyway is
# stopped (by pid).  The tests start their own, with clock control off.
DAEMON_PACKAGES="chrony:chronyd prometheus:prometheus prometheus-alertmanager:prometheus-aler"

export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

probe_clangrt() {
	local lib=$1 dir arch
	command -v clang >/dev/null 2>&1 || return 1
	dir=$(clang -print-resource-dir 2>/dev/null) || return 1
	arch=$(uname -m)
	[ -e "$dir/lib/linux/$lib-$arch.a" ] && return 0
	compgen -G "$dir/lib/$arch-*/$lib.a" >/dev/null
}

# probe SPEC: 0 when the thing is present
probe() {
	local kind=${1%%:*} what=${1#*:}
	case $kind in
	cmd) command -v "$what" >/dev/null 2>&1 ;;
	pc) command -v pkg-config >/dev/null 2>&1 &&
		pkg-config --exists "$what" ;;
	clangrt) probe_clangrt "$what" ;;
	py) [ -x /usr/bin/python3 ] &&
		/usr/bin/python3 -c "import $what" >/dev/null 2>&1 ;;
	*) echo "deps.sh: bad probe '$1'" >&2; return 2 ;;
	esac
}

missing_packages() {
	local entry pkg spec
	for entry in "${PACKAGES[@]}"; do
		pkg=${entry%% *}
		spec=${entry##* }
		probe "$spec" || echo "$pkg"
	done
}

mapfile -t missing < <(missing_packages)
if [ "${#missing[@]}" -eq 0 ]; then
	echo "deps: all ${#PACKAGES[@]} build and test dependencies present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing: ${missing[*]}" >&2
	echo "deps: install them as root with:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing: ${missing[*]} (no apt-get here: install them by hand)" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Update the lists only when a package is not known (fresh image) or the
# plain install fails (stale lists).
need_update=0
for pkg in "${missing[@]}"; do
	apt-cache show "$pkg" >/dev/null 2>&1 || need_update=1
done
apt_install() {
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The daemons (DAEMON_PACKAGES) about to be installed, and their pids now.
daemons=()
for entry in $DAEMON_PACKAGES; do
	for pkg in "${missing[@]}"; do
		[ "$pkg" = "${entry%%:*}" ] && daemons+=("$entry")
	done
done
declare -A pids_before=()
for entry in "${daemons[@]}"; do
	for pid in $(pgrep -x "${entry#*:}" 2>/dev/null); do
		pids_before[$pid]=1
	done
done
# invoke-rc.d and deb-systemd-invoke ask policy-rc.d: 101 = do not start.
own_policy=0
if [ "${#daemons[@]}" -gt 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\n# scripts/deps.sh: no service starts while it installs\nexit 101\n' \
		>/usr/sbin/policy-rc.d
	chmod 0755 /usr/sbin/policy-rc.d
	own_policy=1
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi

# After the install: the services disabled, anything that started stopped.
daemons_quiet() {
	local entry pkg prog pid
	for entry in "${daemons[@]}"; do
		pkg=${entry%%:*} prog=${entry#*:}
		if command -v systemctl >/dev/null 2>&1; then
			systemctl disable "$pkg.service" >/dev/null 2>&1 || true
		fi
		for pid in $(pgrep -x "$prog" 2>/dev/null); do
			[ -n "${pids_before[$pid]:-}" ] && continue
			echo "deps: $prog started by its package (pid $pid): stopping it" >&2
			kill -TERM "$pid" 2>/dev/null || true
		done
	done
	if [ "$own_policy" -eq 1 ]; then
		rm -f /usr/sbin/policy-rc.d
		trap - EXIT
	fi
}
if [ "$need_update" -eq 1 ]; then
	apt-get update -qq >/dev/null
fi
if ! apt_install; then
	apt-get update -qq >/dev/null
	apt_install
fi
daemons_quiet

mapfile -t still < <(missing_packages)
if [ "${#still[@]}" -ne 0 ]; then
	echo "deps: still missing after install: ${still[*]}" >&2
	exit 1
fi
echo "deps: installed ${missing[*]}"
