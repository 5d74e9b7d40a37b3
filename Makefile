# hvptp — plain GNU make.
#
#   make            build hvptpd (and the libraries) into $(BUILD)
#   make check      install missing packages (as root), build, run unit and
#                   interop tests; prints the runners' summary lines
#   make asan       every test again under ASan+UBSan (build/asan)
#   make fuzz       build the libFuzzer targets with clang and run each briefly
#   make demo       the hypervisor-host demo in network namespaces (root)
#   make install    PREFIX=/usr/local DESTDIR= (runtime needs: see install)
#   make deb        the Debian package (debian/) into build/deb/
#   make package-check  build the package and check it (tests/package/)
#   make contrib-check  the Prometheus rules (promtool check/test rules),
#                   the Grafana dashboard of contrib/ and the examples of
#                   docs/monitoring.md (tests/contrib/)
#   make purity     fail if the core library references I/O or clock symbols
#   make bench-mgmt management round trip and CPU, hvptpd vs ptp4l (root)
#   make bench-dreq-flood  a 20,000/s Delay_Req flood: hvptpd (limit off,
#                   on) and ptp4l 3.1.1 as master, a ptp4l slave beside (root)
#   make bench-accuracy  servo accuracy in the simulator (bench/out/)
#   make clknetsim-check  the real hvptpd under clknetsim, ptp4l 4.4 beside
#                   it: true time errors (no root; in make check and asan)
#   make bench-clknetsim  hvptpd vs ptp4l 4.4 under clknetsim (bench/out/)
#   make bench-guests  1..256 ptp4l guests behind a bridge, hvptpd vs ptp4l
#                   3.1.1 as their master (root)
#   make bench-ports  2..1023 ports on one clock, hvptpd vs ptp4l 3.1.1:
#                   memory, CPU, a new interface's port (root)
#   make bench-flood  Announce floods, hvptpd vs ptp4l 3.1.1 as slaves:
#                   time to the real grandmaster, RSS, CPU (root)
#
# CC=clang works everywhere gcc does; both are warning-free with -Werror.
# Compiler lines are short ("  CC      build/obj/x.o"); V=1 shows them whole.

ifeq ($(origin CC),default)
CC := gcc
endif
AR ?= ar
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/hvptp
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2
OPT ?= -O2 -g
SAN ?=
CFLAGS_ALL := -std=gnu11 $(WARN) $(OPT) $(SAN) -I. -D_GNU_SOURCE $(EXTRA_CFLAGS)
LDFLAGS_ALL := $(SAN) $(EXTRA_LDFLAGS)

NL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 libnl-route-3.0 2>/dev/null || echo -I/usr/include/libnl3)
NL_LIBS := $(shell pkg-config --libs libnl-genl-3.0 libnl-route-3.0 2>/dev/null || echo -lnl-genl-3 -lnl-route-3 -lnl-3)
CMOCKA_LIBS := -lcmocka
# mgmt/: the metrics endpoint (libmicrohttpd) and sd_notify (libsystemd)
SVC_LIBS := $(shell pkg-config --libs libmicrohttpd libsystemd 2>/dev/null || echo -lmicrohttpd -lsystemd)
# daemon/auth_mac.c: the AUTHENTICATION TLV's MACs (OpenSSL's libcrypto)
CRYPTO_LIBS := $(shell pkg-config --libs libcrypto 2>/dev/null || echo -lcrypto)
# mgmt/: hvptpctl's JSON output (json-c)
JSON_LIBS := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c)

# --- sources -------------------------------------------------------------
CORE_SRC := $(sort $(wildcard common/*.c bc/*.c servo/*.c config/*.c))
EDGE_SRC := $(sort $(wildcard hwts/*.c vm/*.c))
# daemon/ minus main.c: the executor, loop and logging, shared with tests
# (and the executor with the simulator).
DAEMON_LIB_SRC := $(sort $(filter-out daemon/main.c,$(wildcard daemon/*.c)))
# mgmt/: the management sockets and hvptpctl's parts (its main stays out).
DAEMON_LIB_SRC += $(sort $(filter-out mgmt/hvptpctl.c,$(wildcard mgmt/*.c)))
SIM_SRC := $(sort $(wildcard sim/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

# Quiet build (kbuild style): a recipe line starting with $(call say,CC,$@)
# prints one short line instead of the command; V=1 prints the commands,
# make -s nothing.
ifeq ($(V),1)
say =
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
say =
else
say = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

CORE_LIB := $(BUILD)/libhvcore.a
EDGE_LIB := $(BUILD)/libhvedge.a
DAEMON_LIB := $(BUILD)/libhvdaemon.a
HVPTPD := $(BUILD)/hvptpd
HVPTP_SIM := $(BUILD)/hvptp-sim
HVPTPCTL := $(BUILD)/hvptpctl
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all check unit interop sim-check asan fuzz demo install clean purity \
	deps deb package-check contrib-check clang-check bench-mgmt bench-accuracy clknetsim-check bench-clknetsim \
	bench-guests bench-ports bench-flood bench-dreq-flood
.DEFAULT_GOAL := all

all: $(HVPTPD) $(HVPTPCTL) $(if $(SIM_SRC),$(HVPTP_SIM)) purity

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(CFLAGS_ALL) $(NL_CFLAGS) -MMD -MP -c $< -o $@

$(CORE_LIB): $(call obj,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(EDGE_LIB): $(call obj,$(EDGE_SRC))
	@mkdir -p $(dir $@)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(DAEMON_LIB): $(call obj,$(DAEMON_LIB_SRC))
	@mkdir -p $(dir $@)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

LIBS := $(DAEMON_LIB) $(EDGE_LIB) $(CORE_LIB)

$(HVPTPD): $(call obj,daemon/main.c) $(LIBS)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(NL_LIBS) $(SVC_LIBS) $(CRYPTO_LIBS) -lm

# hvptpctl: mgmt/ctl*.c, client, decoders, printers (in libhvdaemon.a);
# the names of the host checks (vm/hostcheck.c, in libhvedge.a).
$(HVPTPCTL): $(call obj,mgmt/hvptpctl.c) $(DAEMON_LIB) $(EDGE_LIB) $(CORE_LIB)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(JSON_LIBS) -lm

# The simulator runs the real core, servos and executor on virtual time.
# vm/vmclock.c (pure: the page, its fill and read, the estimator) with
# it, for the hosts' vmclock pages; --status prints hvptpctl's screens
# (mgmt/ctl*.c: json-c, and the host checks' and feeds' names of vm/).
$(HVPTP_SIM): $(call obj,$(SIM_SRC) vm/vmclock.c) $(DAEMON_LIB) $(EDGE_LIB) $(CORE_LIB)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(NL_LIBS) $(JSON_LIBS) -lm

# --- purity: the core references no I/O and no clock -----------------------
FORBIDDEN := socket bind connect listen accept send sendto sendmsg recv \
	recvfrom recvmsg ioctl open open64 openat openat64 creat close read \
	write pread pwrite readv writev fopen fopen64 fdopen fclose fread \
	fwrite fgets fputs fputc puts putchar printf fprintf vprintf vfprintf \
	dprintf perror fflush poll ppoll select pselect epoll_wait \
	clock_gettime clock_adjtime clock_settime clock_getres gettimeofday \
	settimeofday time adjtimex ntp_adjtime ntp_gettime syslog vsyslog \
	openlog getrandom rand srand random srandom nanosleep usleep sleep \
	stdout stderr stdin mmap munmap fork exit _exit abort getenv

purity: $(CORE_LIB)
	@bad=$$(nm -u $(CORE_LIB) | awk '{print $$2}' | sed 's/@.*//' | sort -u | \
		grep -xE '$(subst $(eval) ,|,$(strip $(FORBIDDEN)))'); \
	if [ -n "$$bad" ]; then \
		echo "purity: the core library references I/O or clock symbols:"; \
		echo "$$bad" | sed 's/^/  /'; \
		for s in $$bad; do nm -A $(CORE_LIB) 2>/dev/null | grep -w "U $$s" | sed 's/^/    /'; done; \
		exit 1; \
	else echo "purity: $(CORE_LIB) references no I/O or clock symbols"; fi

# --- unit tests ------------------------------------------------------------
# Their objects are kept (not removed as intermediates: no "rm ..." line,
# no rebuild next time).
.SECONDARY: $(call obj,$(UNIT_SRC))
# tests/unit/test_X.wrap, if present, lists symbols to wrap at link time.
wrapflags = $(if $(wildcard tests/unit/$(1).wrap),$(foreach s,$(shell cat tests/unit/$(1).wrap),-Wl,--wrap=$(s)))

$(BUILD)/tests/%: $(call obj,tests/unit/%.c) $(LIBS)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $< $(call wrapflags,$*) $(LIBS) \
		$(CMOCKA_LIBS) $(NL_LIBS) $(SVC_LIBS) $(CRYPTO_LIBS) $(JSON_LIBS) -lm

unit: $(UNIT_BINS) purity
	@tests/run-unit.sh $(UNIT_BINS)

# A Delay_Req flood from one source (bench/dreq_flood.sh, the interop test)
DREQ_FLOOD := $(BUILD)/bench/dreq_flood
$(DREQ_FLOOD): bench/dreq_flood.c
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $<

# A hostile Announce sender for the flood test and bench.
FLOOD_TOOL := $(BUILD)/tests/tools/announce_flood
$(FLOOD_TOOL): tests/tools/announce_flood.c
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $<

interop: $(HVPTPD) $(HVPTPCTL) $(FLOOD_TOOL) $(DREQ_FLOOD)
	@HVPTPD=$(abspath $(HVPTPD)) HVPTPCTL=$(abspath $(HVPTPCTL)) \
		HVPTP_FLOOD=$(abspath $(FLOOD_TOOL)) \
		DREQ_FLOOD=$(abspath $(DREQ_FLOOD)) tests/interop/run.sh

sim-check: $(HVPTP_SIM)
	@tests/sim/run.sh $(HVPTP_SIM)

# The real binary on simulated clocks and networks (tests/clknetsim/).
clknetsim-check: $(HVPTPD)
	@HVPTPD=$(abspath $(HVPTPD)) tests/clknetsim/run.sh

deps:
	@scripts/deps.sh

# Each stage's output is shown and kept in $(BUILD)/check.log; a failed
# test stage does not stop the next ones; at the end the runners' summary
# lines again, together, and their sum (tests/check-summary.sh).
check: deps
	@mkdir -p $(BUILD) && : >$(BUILD)/check.log && rc=0 && \
	for t in all unit sim-check interop clknetsim-check contrib-check package-check; do \
		{ $(MAKE) --no-print-directory $$t 2>&1; echo $$? >$(BUILD)/check.rc; } | \
			tee -a $(BUILD)/check.log; \
		[ "$$(cat $(BUILD)/check.rc)" = 0 ] || rc=1; \
		[ $$rc = 0 ] || [ $$t != all ] || break; \
	done; \
	tests/check-summary.sh $(BUILD)/check.log; exit $$rc

ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
# The longest interop tests run once, un-sanitized, in make check (each
# was run under ASan when it was written); the rest run here again.
ASAN_INTEROP_EXCLUDE := test_unicast test_l2 test_udp6 test_announce_flood \
	test_guests_bridge test_pmc44 test_hybrid test_reload test_gptp_udp4 \
	test_auth_rotate test_dreq_flood
asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g" \
		SAN="$(ASAN_FLAGS)" RN_EXCLUDE="$(ASAN_INTEROP_EXCLUDE)" \
		all unit sim-check interop clknetsim-check

# --- fuzzing (clang) -------------------------------------------------------
FUZZ_SECONDS ?= 30
FUZZ_BUILD := build/fuzz
FUZZ_LIBS := $(FUZZ_BUILD)/libhvdaemon.a $(FUZZ_BUILD)/libhvedge.a $(FUZZ_BUILD)/libhvcore.a
# Each target (tests/fuzz/fuzz_*.c) built against the three libraries, then
# run for FUZZ_SECONDS on its seeds (tests/fuzz/run.sh): executions, new
# inputs and findings per target; exit 1 when anything was found.
fuzz: deps
	@$(MAKE) --no-print-directory CC=clang BUILD=$(FUZZ_BUILD) OPT="-O1 -g" \
		SAN="-fsanitize=address,undefined,fuzzer-no-link" $(FUZZ_LIBS)
	@set -e; for f in $(FUZZ_SRC); do \
		n=$$(basename $$f .c); \
		clang -std=gnu11 $(WARN) -O1 -g -I. -D_GNU_SOURCE $(NL_CFLAGS) \
			-fsanitize=address,undefined,fuzzer $$f $(FUZZ_LIBS) \
			$(NL_LIBS) $(SVC_LIBS) $(JSON_LIBS) -lm -o $(FUZZ_BUILD)/$$n; \
	done
	@tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) \
		$(foreach f,$(FUZZ_SRC),$(basename $(notdir $(f))))

clang-check:
	@$(MAKE) --no-print-directory CC=clang BUILD=build/clang all $(patsubst $(BUILD)/%,build/clang/%,$(UNIT_BINS))

# --- demo ------------------------------------------------------------------
demo: deps
	@$(MAKE) --no-print-directory all
	@HVPTPD=$(abspath $(HVPTPD)) tests/interop/demo.sh

# --- benchmarks (root; not part of make check) ------------------------------
BENCH_MGMT_CLIENT := $(BUILD)/bench/mgmt_client
$(BENCH_MGMT_CLIENT): bench/mgmt_client.c $(DAEMON_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(DAEMON_LIB) $(CORE_LIB) -lm

# hvptpd (limit off, on) and ptp4l 3.1.1 as master under a 20,000/s
# Delay_Req flood, a legitimate ptp4l slave beside it (root).
bench-dreq-flood: deps
	@$(MAKE) --no-print-directory all $(DREQ_FLOOD)
	@HVPTPD=$(abspath $(HVPTPD)) HVPTPCTL=$(abspath $(HVPTPCTL)) \
		DREQ_FLOOD=$(abspath $(DREQ_FLOOD)) bench/dreq_flood.sh

bench-mgmt: deps
	@$(MAKE) --no-print-directory all $(BENCH_MGMT_CLIENT)
	@HVPTPD=$(abspath $(HVPTPD)) MGMT_CLIENT=$(abspath $(BENCH_MGMT_CLIENT)) \
		bench/mgmt.sh

# Servo accuracy on simulated time (no root): table, CSV and SVG plot.
bench-accuracy: $(HVPTP_SIM)
	@bench/accuracy.sh $(abspath $(HVPTP_SIM))

# hvptpd and ptp4l 4.4 in the same clknetsim runs (no root): table and CSV.
bench-clknetsim: $(HVPTPD)
	@HVPTPD=$(abspath $(HVPTPD)) bench/clknetsim.sh

# One master, 1..256 ptp4l guests behind a bridge, hvptpd and ptp4l 3.1.1
# back to back (root): CPU, memory, offsets, Delay_Reqs answered, faults.
bench-guests: deps
	@$(MAKE) --no-print-directory all
	@HVPTPD=$(abspath $(HVPTPD)) bench/guests.sh

# Up to 1023 ports on one clock (pattern veths, no guests), hvptpd and
# ptp4l 3.1.1 back to back (root): memory and CPU per port.
bench-ports: deps
	@$(MAKE) --no-print-directory all
	@HVPTPD=$(abspath $(HVPTPD)) bench/ports.sh

# Announce floods (5000 identities, worse, better, at start, link flap)
# against hvptpd and ptp4l 3.1.1 side by side (root): time to the real
# grandmaster, RSS, CPU.
bench-flood: deps
	@$(MAKE) --no-print-directory all $(FLOOD_TOOL)
	@HVPTPD=$(abspath $(HVPTPD)) HVPTP_FLOOD=$(abspath $(FLOOD_TOOL)) \
		bench/announce_flood.sh

# --- install ---------------------------------------------------------------
# What the Debian package holds too (debian/rules runs this with PREFIX=/usr):
# hvptpd, hvptpctl, the man pages, the systemd unit, the example
# configuration, hvptpctl's JSON schema, the profiles (when
# config/profiles/ has any), the Prometheus rules and the Grafana
# dashboard (contrib/).  Not hvptp-sim, a developer's tool.
# Runtime: hvptpd needs libnl-3, libnl-genl-3, libmicrohttpd and libsystemd,
# hvptpctl json-c; on Debian 12 the packages libnl-3-200, libnl-genl-3-200,
# libmicrohttpd12, libsystemd0 and libjson-c5 (ldd build/hvptpd
# build/hvptpctl).  linuxptp's pmc is optional.
PROFILES := $(wildcard config/profiles/*.cfg)
MAN8 := $(wildcard docs/*.8)
MAN5 := $(wildcard docs/*.5)

install: $(HVPTPD) $(HVPTPCTL) purity
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR) \
		$(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0755 $(HVPTPD) $(HVPTPCTL) $(DESTDIR)$(SBINDIR)/
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 docs/hvptpctl.schema.json systemd/example.conf \
		$(DESTDIR)$(DATADIR)/
	sed 's|/usr/sbin/hvptpd|$(SBINDIR)/hvptpd|' systemd/hvptpd@.service \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/hvptpd@.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/hvptpd@.service
	install -d $(DESTDIR)$(DATADIR)/prometheus $(DESTDIR)$(DATADIR)/grafana
	install -m 0644 contrib/prometheus/hvptp.rules.yml $(DESTDIR)$(DATADIR)/prometheus/
	install -m 0644 contrib/grafana/hvptp.json $(DESTDIR)$(DATADIR)/grafana/
ifneq ($(PROFILES),)
	install -d $(DESTDIR)$(DATADIR)/profiles
	install -m 0644 $(PROFILES) $(DESTDIR)$(DATADIR)/profiles/
endif

# --- Debian package --------------------------------------------------------
# dpkg-buildpackage -b with debian/ (debhelper; needs the Build-Depends of
# debian/control, which scripts/deps.sh installs).  The package, its
# .buildinfo and .changes go to build/deb/, not to the parent directory;
# debian/rules builds in build/pkg and its clean removes only that.
DEB_DIR := build/deb
DEB_VERSION = $(shell dpkg-parsechangelog -S Version)
DEB_ARCH = $(shell dpkg-architecture -q DEB_HOST_ARCH)
deb:
	@mkdir -p $(DEB_DIR)
	rm -f $(DEB_DIR)/hvptp_* $(DEB_DIR)/hvptp-dbgsym_*
	HVPTP_DEB_DIR=$(abspath $(DEB_DIR)) dpkg-buildpackage -b -us -uc -jauto \
		--buildinfo-option=-u$(DEB_DIR) --changes-option=-u$(DEB_DIR) \
		--buildinfo-file=$(DEB_DIR)/hvptp_$(DEB_VERSION)_$(DEB_ARCH).buildinfo \
		--changes-file=$(DEB_DIR)/hvptp_$(DEB_VERSION)_$(DEB_ARCH).changes
	@ls -l $(DEB_DIR)/hvptp_$(DEB_VERSION)_$(DEB_ARCH).deb

# Builds the package and checks it: its files, lintian, the programs and
# man pages from the unpacked tree, the unit (tests/package/).
package-check:
	@tests/package/run.sh

# contrib/: promtool check rules and test rules, the dashboard's model and
# queries, monitoring.md's prometheus.yml and alertmanager.yml
# (tests/contrib/; no root, no daemon).
contrib-check:
	@tests/contrib/run.sh

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
