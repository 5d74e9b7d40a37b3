/*
 * daemon/cmdline_man_bmca.c — two sections of hvptpd.conf(5) that
 * cmdline_print_conf_man() prints beside the option list: how the master
 * is selected (the two data set comparisons, localPriority, fixed roles,
 * the acceptable master table) and the profiles shipped in
 * config/profiles/ (installed in /usr/share/hvptp/profiles).  Text only;
 * the options themselves are described from the option table.
 */
#include <stdio.h>

#include "daemon/cmdline.h"

static const char man_bmca[] =
	".SH \"SELECTING THE MASTER\"\n"
	"Every port keeps the Announce messages it hears (a master qualifies "
	"after\ntwo within four announce intervals) and the clock runs the "
	"best master\nclock algorithm over all ports: at most one port becomes "
	"a slave, the\nothers masters or PASSIVE.\n"
	".B dataset_comparison\nchooses how two masters are compared:\n"
	".TP\n.B ieee1588\nIEEE 1588 9.3.4: priority1, clockClass, "
	"clockAccuracy,\noffsetScaledLogVariance, priority2, then the "
	"grandmaster's identity, and\nfor the same grandmaster the distance "
	"(stepsRemoved) and the port\nidentities.\n"
	".TP\n.B G.8275.x\nthe telecom profiles' alternate BMCA (ITU-T "
	"G.8275.1 and G.8275.2,\nclause 6.3), as ptp4l: priority1 is not "
	"compared (the profiles fix it at\n128); clockClass, clockAccuracy, "
	"offsetScaledLogVariance, priority2,\nthen the\n.IR localPriority :\n"
	".B G.8275.portDS.localPriority\nof the port the Announce came in on "
	"(lower wins), or for this clock's\nown data set\n"
	".BR G.8275.defaultDS.localPriority .\n"
	"Grandmasters of clockClass 127 or better (a T-GM locked to its PRTC, "
	"or\nin holdover within specification) are equivalent: the nearer "
	"one wins\n(stepsRemoved, then the port identities), not the lower "
	"identity.  A clock\nof clockClass 127 or better is never a slave: a "
	"port hearing a better or\nequivalent grandmaster goes PASSIVE.\n"
	".PP\n.B clock_class_threshold\n(with either comparison, as ptp4l) "
	"ignores Announces whose grandmaster\nclockClass is worse (higher); "
	"they count as not_qualified.\n.B maxStepsRemoved\nignores those "
	"that travelled as far.\n"
	".PP\nFixed roles:\n.B serverOnly\n(old name masterOnly; G.8275's "
	"notSlave) on a port keeps it from ever\nbeing a slave: its Announces "
	"are not used (they count as wrong_state)\nand it is a master.  A "
	"reload or a management SET of MASTER_ONLY turning it\non makes a "
	"slave port give its master up at once.\n.B clientOnly\n(old name "
	"slaveOnly, or\n.BR \\-s )\nmakes the whole clock a slave only "
	"(clockClass 255); serverOnly on one of\nits ports is refused.\n"
	".PP\n.B BMCA noop\n(ptp4l's designated master and slave, the "
	"automotive profiles' static\nroles) takes the port out of the "
	"election: with serverOnly it is MASTER\nfrom the start, on a "
	"clientOnly clock it is the slave port from the start,\nwhatever "
	"either hears (anything else is refused, as ptp4l does).  A master\n"
	"there usually sets\n.B inhibit_announce 1\nand its slaves\n"
	".B ignore_source_id 1\n(with no Announce they have no parent to "
	"match the Syncs' source\nagainst).\n"
	".PP\nThe\n.I acceptable master table\n(IEEE 1588-2019 17.5), "
	"hvptpd's own section, lists the masters the\nports with\n"
	".B acceptable_master_table_enabled 1\ntake Announces from; Announces "
	"of others are dropped and counted\n(not_acceptable, in "
	"hvptp_ignored_messages_total and HVPTP_PORT_DROPS_NP).\nOne entry a "
	"line: a clock identity as ptp4l and pmc print it, with\n"
	".BI \\- portNumber\nfor one port of that clock only, and optionally "
	"an alternatePriority1\n(1..255) that stands for the priority1 of "
	"that master's Announces in the\ncomparison:\n"
	".PP\n.nf\n.RS\n[acceptable_master_table]\n"
	"# the two grandmasters of this site; the second only as a fallback\n"
	"001b21.fffe.0a0b0c\n001b21.fffe.0a0b0d\\-1  200\n\n[eth0]\n"
	"acceptable_master_table_enabled 1\n.RE\n.fi\n"
	".PP\nAt most 64 entries; a bad line is an error at its line, and a "
	"port\nenabled without a table is refused.  The table and the option "
	"change on a\nreload.\n";

static const char man_profiles[] =
	".SH PROFILES\n"
	"Ready configurations are installed in\n.I /usr/share/hvptp/profiles\n"
	"(config/profiles/ in the source).\nUse one as it is, with the "
	"interfaces on the command line:\n"
	".PP\n.nf\n.RS\n"
	"hvptpd \\-f /usr/share/hvptp/profiles/default.cfg \\-i eth0\n"
	".RE\n.fi\n"
	".PP\nor copy it to\n.I /etc/hvptp/NAME.conf\nand add port sections.\n"
	".TP\n.B default.cfg\nIEEE 1588's default profile (delay request-"
	"response): ptp4l's\nconfigs/default.cfg, every option at its "
	"default, written out.\n"
	".TP\n.B hypervisor-host.cfg\nhvptp's own, for a hypervisor host: a "
	"hardware-timestamped uplink that\ntakes time from the network, a "
	"pattern section serving the VMs' taps as\nthey come (software "
	"timestamps, serverOnly), the system clock kept on\nthe network's time "
	"for ptp_kvm guests, holdover classes and alarms at\nlevels for "
	"a data-centre host, and the metrics endpoint; commented line\nby "
	"line.\n"
	".PP\nlinuxptp's other profiles are not shipped yet, as parts of them "
	"are not\nimplemented:\n.B G.8275.1\n(L2 transport),\n.B G.8275.2\nand\n"
	".B G.8265.1\n(unicast negotiation, hybrid_e2e),\n.B gPTP\nand the\n"
	".B automotive\nprofiles (L2, peer delay; BMCA noop works) and the\n"
	".B power\nprofile (IEEE C37.238 TLVs).  Their telecom BMCA "
	"(dataset_comparison\nG.8275.x with localPriority, serverOnly, "
	"clock_class_threshold) works over\nUDPv4 multicast today: ptp4l's "
	"files load once their unicast and\ntransport lines are left out.\n";

void cmdline_man_bmca(FILE *f)
{
	fputs(man_bmca, f);
}

void cmdline_man_profiles(FILE *f)
{
	fputs(man_profiles, f);
}
