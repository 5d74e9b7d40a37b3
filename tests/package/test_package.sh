#!/bin/bash
# test_package.sh — the Debian package (debian/), built and checked.
#
# 1. make deb (dpkg-buildpackage -b) builds build/deb/hvptp_VERSION_ARCH.deb.
# 2. Its files (dpkg-deb -c) are exactly the expected set: hvptpd, hvptpctl,
#    every docs/*.8 and docs/*.5 (compressed), the unit hvptpd@.service,
#    example.conf, hvptpctl's schema, the Prometheus rules
#    (prometheus/hvptp.rules.yml) and the Grafana dashboard
#    (grafana/hvptp.json) in /usr/share/hvptp, every
#    config/profiles/*.cfg, /usr/share/doc/hvptp (copyright, changelog,
#    README.Debian, the guides of debian/hvptp.docs) and the empty
#    /etc/hvptp; nothing else (no hvptp-sim, nothing in /usr/local).
#    make install (PREFIX=/usr) installs the same set, less /usr/share/doc.
# 3. lintian (--pedantic) on the .changes (hvptp and hvptp-dbgsym): no
#    error and no warning.
# 4. dpkg --root installs it into an empty root (no maintainer scripts run
#    there: it has none; --force-depends, as that root has no libc: the
#    programs run with this machine's libraries, which must provide every
#    package of Depends).  From that root: hvptpd -v and hvptpctl --version
#    print the package's version; hvptpd --check accepts the shipped
#    example.conf and every profile (exit 0) and refuses a broken one
#    (exit 2); hvptpctl --help; every man page is warning-free through groff -man -ww;
#    systemd-analyze verify passes on hvptpd@check.service with no message
#    (its Documentation= man pages found in the root), and systemd-analyze
#    security --offline gives its exposure.  dpkg --root -P then leaves
#    nothing behind.
#
# Needs dpkg-dev, debhelper, lintian, groff and the build dependencies
# (scripts/deps.sh); skips with the reason when one is missing.  No root
# needed.  Exit 0 pass (last line RESULT: ...), 1 fail, 77 skip.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvptp-package.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export LC_ALL=C.UTF-8

info() { echo "  [package] $*" >&2; }
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

for c in dpkg-buildpackage dpkg-deb dh lintian groff make; do
	command -v "$c" >/dev/null 2>&1 ||
		skip "$c not found (scripts/deps.sh installs dpkg-dev debhelper lintian groff-base)"
done
cd "$REPO" || exit 1
if ! missing=$(dpkg-checkbuilddeps 2>&1); then
	skip "build dependencies missing: ${missing##*: }"
fi

# --- 1. build ----------------------------------------------------------------
version=$(dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
deb=build/deb/hvptp_${version}_$arch.deb
changes=build/deb/hvptp_${version}_$arch.changes
upstream=${version#*:}
upstream=${upstream%-*}
if ! make --no-print-directory deb >"$TMP/build.log" 2>&1; then
	tail -n 40 "$TMP/build.log"
	fail "make deb failed (last lines above)"
fi
[ -f "$deb" ] || fail "make deb made no $deb"
info "built $deb ($(stat -c %s "$deb") bytes)"

# --- 2. the files ------------------------------------------------------------
# Every file of the package (not directories), without the leading "./".
dpkg-deb -c "$deb" >"$TMP/listing" || fail "dpkg-deb -c $deb failed"
awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' "$TMP/listing" | sort >"$TMP/files"
unit=$(grep -E '^(usr/)?lib/systemd/system/hvptpd@\.service$' "$TMP/files")
[ -n "$unit" ] || fail "no hvptpd@.service under lib/systemd/system in the package"
{
	echo usr/sbin/hvptpd
	echo usr/sbin/hvptpctl
	for m in docs/*.8; do echo "usr/share/man/man8/${m#docs/}.gz"; done
	for m in docs/*.5; do echo "usr/share/man/man5/${m#docs/}.gz"; done
	echo "$unit"
	echo usr/share/hvptp/example.conf
	echo usr/share/hvptp/hvptpctl.schema.json
	echo usr/share/hvptp/prometheus/hvptp.rules.yml
	echo usr/share/hvptp/grafana/hvptp.json
	for p in config/profiles/*.cfg; do
		[ -e "$p" ] && echo "usr/share/hvptp/profiles/${p##*/}"
	done
} | sort >"$TMP/install-set"
{
	cat "$TMP/install-set"
	echo usr/share/doc/hvptp/copyright
	echo usr/share/doc/hvptp/changelog.gz
	echo usr/share/doc/hvptp/README.Debian
	while read -r d; do
		echo "usr/share/doc/hvptp/${d##*/}.gz"
	done <debian/hvptp.docs
} | sort >"$TMP/expected"
if ! diff -u "$TMP/expected" "$TMP/files" >"$TMP/diff"; then
	sed 's/^/    /' "$TMP/diff"
	fail "the package's files differ from the expected set (- missing, + unexpected)"
fi
grep -qE '^d.* \./etc/hvptp/$' "$TMP/listing" ||
	fail "no /etc/hvptp directory in the package"
info "files: $(wc -l <"$TMP/files") as expected"

# make install with the package's prefix: the same set, less the doc files
# (and the man pages uncompressed).
unitdir=/${unit%/hvptpd@.service}
if ! make --no-print-directory install DESTDIR="$TMP/inst" PREFIX=/usr \
	SYSTEMDUNITDIR="$unitdir" >"$TMP/install.log" 2>&1; then
	tail -n 40 "$TMP/install.log"
	fail "make install failed (last lines above)"
fi
(cd "$TMP/inst" && find . -not -type d | sed 's|^\./||') |
	sed -E 's|^(usr/share/man/man[0-9]/.*)$|\1.gz|' | sort >"$TMP/installed"
if ! diff -u "$TMP/install-set" "$TMP/installed" >"$TMP/diff"; then
	sed 's/^/    /' "$TMP/diff"
	fail "make install's files differ from the package's (- package only, + install only)"
fi
info "make install: the same $(wc -l <"$TMP/installed") files"

# --- 3. lintian --------------------------------------------------------------
lintian --pedantic -I --fail-on error,warning "$changes" >"$TMP/lintian" 2>"$TMP/lintian.err"
lrc=$?
grep -v 'running with root privileges is not recommended' "$TMP/lintian.err" >>"$TMP/lintian"
if [ -s "$TMP/lintian" ]; then
	sed 's/^/    lintian: /' "$TMP/lintian" >&2
fi
[ "$lrc" -eq 0 ] || fail "lintian: errors or warnings (exit status $lrc; above)"
ltags=$(grep -cE '^[EWIPX]: ' "$TMP/lintian")
info "lintian --pedantic: $ltags tags, no error or warning"

# --- 4. installed into an empty root -----------------------------------------
root=$TMP/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: >"$root/var/lib/dpkg/status"
dpkg --root="$root" --force-not-root --force-depends -i "$deb" >"$TMP/dpkg.log" 2>&1 ||
	{ cat "$TMP/dpkg.log"; fail "dpkg --root -i failed"; }
[ "$(dpkg-query --root="$root" -W -f='${Status}' hvptp 2>/dev/null)" = "install ok installed" ] ||
	fail "dpkg --root: hvptp is not 'install ok installed'"

# Depends: each package (or one of its alternatives) is installed here, so
# the programs below run with the libraries the package asks for.
depends=$(dpkg-deb -f "$deb" Depends)
IFS=',' read -ra deps <<<"$depends"
for d in "${deps[@]}"; do
	ok=""
	IFS='|' read -ra alts <<<"$d"
	for a in "${alts[@]}"; do
		a=$(echo "$a" | sed -E 's/\(.*\)//; s/[[:space:]]//g')
		dpkg-query -W -f='${Status}\n' "$a" 2>/dev/null | grep -q 'ok installed' && ok=1
	done
	[ -n "$ok" ] || fail "Depends: $d is not installed on this machine"
done
for p in hvptpd hvptpctl; do
	if ldd "$root/usr/sbin/$p" | grep -q 'not found'; then
		ldd "$root/usr/sbin/$p"
		fail "$p: a shared library is not found"
	fi
done

hvptpd=$root/usr/sbin/hvptpd
hvptpctl=$root/usr/sbin/hvptpctl
v=$("$hvptpd" -v) || fail "hvptpd -v: exit status $?"
[ "$v" = "$upstream" ] || fail "hvptpd -v prints '$v', the package is $version"
v=$("$hvptpctl" --version) || fail "hvptpctl --version: exit status $?"
[ "$v" = "hvptpctl $upstream" ] || fail "hvptpctl --version prints '$v', the package is $version"
"$hvptpctl" --help >"$TMP/ctl-help" 2>&1 || fail "hvptpctl --help: exit status $?"
grep -q '^usage: hvptpctl' "$TMP/ctl-help" || fail "hvptpctl --help prints no usage"

example=$root/usr/share/hvptp/example.conf
out=$("$hvptpd" --check -f "$example" 2>&1)
rc=$?
[ "$rc" -eq 0 ] || fail "hvptpd --check -f example.conf: exit status $rc: $out"
printf '[global]\nno_such_option 1\n' >"$TMP/bad.conf"
out=$("$hvptpd" --check -f "$TMP/bad.conf" 2>&1)
rc=$?
[ "$rc" -eq 2 ] || fail "hvptpd --check on a broken file: exit status $rc (want 2): $out"
echo "$out" | grep -q 'bad.conf:2' ||
	fail "hvptpd --check on a broken file does not name bad.conf:2: $out"
nprof=0
for prof in "$root"/usr/share/hvptp/profiles/*.cfg; do
	[ -e "$prof" ] || continue
	out=$("$hvptpd" --check -f "$prof" -i eth0 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] || fail "hvptpd --check -f profiles/${prof##*/}: exit status $rc: $out"
	nprof=$((nprof + 1))
done
check="--check: example.conf 0, broken 2, $nprof profiles 0"

nman=0
for m in "$root"/usr/share/man/man*/*.gz; do
	zcat "$m" | groff -man -t -ww -z >"$TMP/groff" 2>&1
	if [ -s "$TMP/groff" ]; then
		sed 's/^/    /' "$TMP/groff"
		fail "${m#"$root"/}: groff warnings (above)"
	fi
	nman=$((nman + 1))
done

# The unit: verified in the root (its ExecStart is the root's hvptpd), with
# this machine's targets and slices beside it for its dependencies.
strict=${HVPTP_REQUIRE_INTEROP:-0}
[ "$strict" = 0 ] && strict=""
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$root/etc/systemd/system"
	for f in /lib/systemd/system/*.target /lib/systemd/system/*.slice \
		/usr/lib/systemd/system/*.target /usr/lib/systemd/system/*.slice; do
		[ -f "$f" ] && cp "$f" "$root/etc/systemd/system/"
	done
	# ExecReload's /bin/kill: procps, a Depends, is not in the empty root
	if [ ! -e "$root/bin/kill" ] && [ ! -L "$root/bin" ]; then
		mkdir -p "$root/bin"
		cp /bin/kill "$root/bin/kill"
	fi
	MANPATH=$root/usr/share/man systemd-analyze verify --root="$root" \
		hvptpd@check.service >"$TMP/verify" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$TMP/verify" ]; then
		sed 's/^/    /' "$TMP/verify"
		fail "systemd-analyze verify hvptpd@check.service: exit status $rc (above)"
	fi
	verify="verify clean"
	systemd-analyze security --offline=yes --root="$root" hvptpd@check.service \
		>"$TMP/security" 2>&1
	exposure=$(sed -n 's/.*Overall exposure level for hvptpd@check.service: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p' \
		"$TMP/security")
	if [ -n "$exposure" ]; then
		info "systemd-analyze security: exposure $exposure"
		case ${exposure#* } in
		PERFECT | SAFE | OK) ;;
		*) fail "systemd-analyze security: exposure $exposure (was 3.1 OK)" ;;
		esac
		verify="$verify, security $exposure"
	else
		info "systemd-analyze security --offline: no score ($(head -n 1 "$TMP/security"))"
		verify="$verify, security: no score here"
	fi
	rm -f "$root/bin/kill" # not the package's: gone before the purge
	rmdir "$root/bin" 2>/dev/null
elif [ -n "$strict" ]; then
	fail "systemd-analyze not found (HVPTP_REQUIRE_INTEROP is set; apt-get install systemd)"
else
	verify="unit not verified (no systemd-analyze)"
fi

dpkg --root="$root" --force-not-root -P hvptp >>"$TMP/dpkg.log" 2>&1 ||
	{ cat "$TMP/dpkg.log"; fail "dpkg --root -P hvptp failed"; }
rm -rf "$root/etc/systemd"
left=$(cd "$root" && find . -mindepth 1 -not -path './var' -not -path './var/lib' \
	-not -path './var/lib/dpkg' -not -path './var/lib/dpkg/*' -not -path './etc')
[ -z "$left" ] || fail "dpkg -P left behind: $left"

echo "RESULT: $deb: $(wc -l <"$TMP/files") files, lintian $ltags tags" \
	"(no E/W), Depends: $depends; -v $upstream; $check; $nman man pages" \
	"warning-free; $verify"
