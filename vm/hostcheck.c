/*
 * vm/hostcheck.c — the host checks for guests (see hostcheck.h for what each
 * one protects).
 *
 * Everything is read with plain open/read (sysfs and /proc files are small)
 * or getline (/proc/cpuinfo's flags line is long); every path is the root
 * followed by the absolute path, so tests point root at a directory of fake
 * files.  A file that cannot be read leaves its check UNKNOWN with the errno;
 * only a bad argument fails the run.  The /proc scan reads at most
 * HOSTCHECK_SCAN_MAX entries and shrugs off processes that vanish or hide
 * their comm meanwhile (counted, not fatal).  It cannot see other users'
 * processes when /proc is mounted with hidepid and we are not root; pid 1
 * always exists, so not seeing it turns "none found" into unknown.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "vm/hostcheck.h"

#define CS_DIR "/sys/devices/system/clocksource/clocksource0"
#define CPUINFO_LINES_MAX 512 /* the first CPU's block is ~30 lines */
#define PID_DIGITS_MAX 9 /* pid_max is at most 2^22 */

/* ---- small file helpers ---- */

/* root + abs into buf; abs starts with '/'. */
static int hc_path(char *buf, size_t size, const char *root, const char *abs)
{
	int n = snprintf(buf, size, "%s%s", root, abs);

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* Up to size - 1 bytes of a file, NUL-terminated; length or -errno. */
static ssize_t hc_read(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t r;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len + 1 < size) {
		r = read(fd, buf + len, size - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			err = -errno;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	return err ? err : (ssize_t)len;
}

/* Drop trailing whitespace (the newline of sysfs and /proc files). */
static void hc_trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* True when word is one of the whitespace-separated words of list. */
static bool hc_has_word(const char *list, const char *word)
{
	size_t wn = strlen(word), n;
	const char *p = list;

	while (*p) {
		while (*p && isspace((unsigned char)*p))
			p++;
		for (n = 0; p[n] && !isspace((unsigned char)p[n]); n++)
			;
		if (n == wn && n > 0 && memcmp(p, word, n) == 0)
			return true;
		p += n;
	}
	return false;
}

static enum hostcheck_tri hc_tri(bool yes)
{
	return yes ? HOSTCHECK_TRI_YES : HOSTCHECK_TRI_NO;
}

/* ---- names ---- */

enum hostcheck_arch hostcheck_arch_native(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return HOSTCHECK_ARCH_X86;
#elif defined(__aarch64__)
	return HOSTCHECK_ARCH_ARM64;
#else
	return HOSTCHECK_ARCH_OTHER;
#endif
}

const char *hostcheck_arch_name(enum hostcheck_arch arch)
{
	switch (arch) {
	case HOSTCHECK_ARCH_X86:
		return "x86";
	case HOSTCHECK_ARCH_ARM64:
		return "arm64";
	case HOSTCHECK_ARCH_OTHER:
		break;
	}
	return "other";
}

const char *hostcheck_id_name(enum hostcheck_id id)
{
	static const char *const names[HOSTCHECK_N_IDS] = {
		[HOSTCHECK_ID_CLOCKSOURCE] = "clocksource",
		[HOSTCHECK_ID_TSC] = "tsc_unstable",
		[HOSTCHECK_ID_ADJUSTER] = "other_adjuster",
	};

	if ((unsigned int)id >= HOSTCHECK_N_IDS)
		return "?";
	return names[id];
}

const char *hostcheck_state_name(enum hostcheck_state st)
{
	static const char *const names[] = {
		[HOSTCHECK_UNKNOWN] = "unknown",
		[HOSTCHECK_OK] = "ok",
		[HOSTCHECK_FINDING] = "finding",
		[HOSTCHECK_NOT_APPLICABLE] = "not_applicable",
	};

	if ((unsigned int)st >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[st];
}

unsigned int hostcheck_mask(const struct hostcheck *h,
			    enum hostcheck_state st)
{
	unsigned int m = 0;
	int i;

	if (!h)
		return 0;
	for (i = 0; i < HOSTCHECK_N_IDS; i++)
		if (h->state[i] == st)
			m |= 1u << i;
	return m;
}

/* ---- 1: clocksource ---- */

/* The clocksources KVM pairs with guests' counters, preferred first.  x86:
 * gtod_is_based_on_tsc() accepts the TSC and Hyper-V's TSC page vclock
 * modes; arm64: kvm_ptp_get_time() wants CSID_ARM_ARCH_COUNTER. */
static const char *const *cs_accepted(enum hostcheck_arch arch)
{
	static const char *const x86[] = { "tsc",
					   "hyperv_clocksource_tsc_page",
					   NULL };
	static const char *const arm64[] = { "arch_sys_counter", NULL };

	if (arch == HOSTCHECK_ARCH_X86)
		return x86;
	if (arch == HOSTCHECK_ARCH_ARM64)
		return arm64;
	return NULL;
}

/* The current clocksource's name into h->clocksource; 0 or -errno
 * (-ENODATA: empty, -EBADMSG: not a name). */
static int cs_read_current(const char *root, struct hostcheck *h)
{
	char path[PATH_MAX], buf[128];
	ssize_t n;
	size_t i;
	int err;

	err = hc_path(path, sizeof(path), root, CS_DIR "/current_clocksource");
	if (err)
		return err;
	n = hc_read(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	hc_trim(buf);
	if (buf[0] == '\0')
		return -ENODATA;
	if (strlen(buf) >= sizeof(h->clocksource))
		return -EBADMSG;
	for (i = 0; buf[i]; i++)
		if (!isgraph((unsigned char)buf[i]))
			return -EBADMSG;
	memcpy(h->clocksource, buf, i + 1);
	return 0;
}

static enum hostcheck_tri cs_available(const char *root, const char *name)
{
	char path[PATH_MAX], buf[4096];

	if (!name || hc_path(path, sizeof(path), root,
			     CS_DIR "/available_clocksource"))
		return HOSTCHECK_TRI_UNKNOWN;
	if (hc_read(path, buf, sizeof(buf)) < 0)
		return HOSTCHECK_TRI_UNKNOWN;
	return hc_tri(hc_has_word(buf, name));
}

static void check_clocksource(const char *root, struct hostcheck *h)
{
	const char *const *ok = cs_accepted(h->arch);
	int err, i;

	h->expected = ok ? ok[0] : NULL;
	h->expected_available = cs_available(root, h->expected);
	err = cs_read_current(root, h);
	if (!ok) {
		h->state[HOSTCHECK_ID_CLOCKSOURCE] = HOSTCHECK_NOT_APPLICABLE;
		return;
	}
	if (err) {
		h->err[HOSTCHECK_ID_CLOCKSOURCE] = err;
		return; /* UNKNOWN */
	}
	h->state[HOSTCHECK_ID_CLOCKSOURCE] = HOSTCHECK_FINDING;
	for (i = 0; ok[i]; i++)
		if (strcmp(h->clocksource, ok[i]) == 0)
			h->state[HOSTCHECK_ID_CLOCKSOURCE] = HOSTCHECK_OK;
}

/* ---- 2: TSC flags ---- */

/* True when line is "flags<blanks>:" and then the list (set *list). */
static bool tsc_flags_line(const char *line, const char **list)
{
	const char *p = line;

	if (strncmp(p, "flags", 5) != 0)
		return false;
	p += 5;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != ':')
		return false;
	*list = p + 1;
	return true;
}

/* Find the first CPU's flags line; fill the flags; 0, -ENODATA (none in
 * the first CPU's block) or -errno. */
static int tsc_read_flags(const char *root, struct hostcheck *h)
{
	char path[PATH_MAX], *line = NULL;
	const char *list = NULL;
	size_t cap = 0;
	int err, i;
	FILE *f;

	err = hc_path(path, sizeof(path), root, "/proc/cpuinfo");
	if (err)
		return err;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	for (i = 0; i < CPUINFO_LINES_MAX; i++) {
		if (getline(&line, &cap, f) < 0)
			break;
		if (line[0] == '\n' && i > 0)
			break; /* end of the first CPU's block */
		if (tsc_flags_line(line, &list))
			break;
	}
	if (list) {
		h->constant_tsc = hc_tri(hc_has_word(list, "constant_tsc"));
		h->nonstop_tsc = hc_tri(hc_has_word(list, "nonstop_tsc"));
		h->tsc_known_freq = hc_tri(hc_has_word(list, "tsc_known_freq"));
	}
	err = list ? 0 : ferror(f) ? -EIO : -ENODATA;
	free(line);
	fclose(f);
	return err;
}

static void check_tsc(const char *root, struct hostcheck *h)
{
	int err;

	if (h->arch != HOSTCHECK_ARCH_X86) {
		h->state[HOSTCHECK_ID_TSC] = HOSTCHECK_NOT_APPLICABLE;
		return;
	}
	err = tsc_read_flags(root, h);
	if (err) {
		h->err[HOSTCHECK_ID_TSC] = err;
		return; /* UNKNOWN */
	}
	if (h->constant_tsc == HOSTCHECK_TRI_YES &&
	    h->nonstop_tsc == HOSTCHECK_TRI_YES)
		h->state[HOSTCHECK_ID_TSC] = HOSTCHECK_OK;
	else
		h->state[HOSTCHECK_ID_TSC] = HOSTCHECK_FINDING;
}

/* ---- 3: other programs steering CLOCK_REALTIME ---- */

/* By /proc/PID/comm: the kernel keeps 15 characters of the name. */
static const struct adj_kind {
	const char *comm;
	const char *name;
	const char *when; /* NULL: always steers it; else when it does */
} adj_kinds[] = {
	{ "chronyd", "chronyd", NULL },
	{ "ntpd", "ntpd", NULL }, /* ntp.org, NTPsec and OpenNTPD alike */
	{ "openntpd", "openntpd", NULL },
	{ "phc2sys", "phc2sys", NULL },
	{ "systemd-timesyn", "systemd-timesyncd", NULL },
	{ "ptpd", "ptpd", NULL },
	{ "ptpd2", "ptpd2", NULL },
	{ "timemaster", "timemaster", NULL },
	{ "ptp4l", "ptp4l", "with software timestamping, -S" },
	{ "hvptpd", "hvptpd", "another instance" },
};

static const struct adj_kind *adj_kind_find(const char *comm)
{
	size_t i;

	for (i = 0; i < sizeof(adj_kinds) / sizeof(adj_kinds[0]); i++)
		if (strcmp(comm, adj_kinds[i].comm) == 0)
			return &adj_kinds[i];
	return NULL;
}

/* The pid a /proc entry names, or -1 when it is not a process. */
static int adj_pid(const char *name)
{
	int pid = 0, i;

	for (i = 0; name[i]; i++) {
		if (i >= PID_DIGITS_MAX || name[i] < '0' || name[i] > '9')
			return -1;
		pid = pid * 10 + (name[i] - '0');
	}
	return i > 0 && pid > 0 ? pid : -1;
}

/* One /proc entry of a process: record it when it is an adjuster. */
static void adj_entry(const char *root, const char *dname, int pid,
		      struct hostcheck *h)
{
	char path[PATH_MAX], comm[64];
	const struct adj_kind *k;
	struct hostcheck_adjuster *a;

	h->n_procs++;
	if (snprintf(path, sizeof(path), "%s/proc/%s/comm", root, dname) >=
		    (int)sizeof(path) ||
	    hc_read(path, comm, sizeof(comm)) < 0) {
		h->n_unreadable++;
		return;
	}
	hc_trim(comm);
	k = adj_kind_find(comm);
	if (!k)
		return;
	if (h->n_adjusters < HOSTCHECK_ADJ_MAX) {
		a = &h->adjusters[h->n_adjusters];
		a->pid = pid;
		snprintf(a->comm, sizeof(a->comm), "%s", k->comm);
		a->name = k->name;
		a->certain = !k->when;
	}
	h->n_adjusters++;
}

static int adj_cmp(const void *a, const void *b)
{
	const struct hostcheck_adjuster *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Scan root/proc; 0 with *saw_init set when pid 1 was seen, or -errno
 * when /proc cannot be listed. */
static int adj_scan(const char *root, struct hostcheck *h, bool *saw_init)
{
	char path[PATH_MAX];
	struct dirent *d;
	int err, pid, n = 0, self = (int)getpid();
	DIR *dir;

	err = hc_path(path, sizeof(path), root, "/proc");
	if (err)
		return err;
	dir = opendir(path);
	if (!dir)
		return -errno;
	for (errno = 0; (d = readdir(dir)) != NULL; errno = 0) {
		if (++n > HOSTCHECK_SCAN_MAX) {
			h->truncated = true;
			break;
		}
		pid = adj_pid(d->d_name);
		if (pid < 0)
			continue;
		/* init seen, even when it is hvptpd itself (a container's
		 * entry point) */
		if (pid == 1)
			*saw_init = true;
		if (pid != self)
			adj_entry(root, d->d_name, pid, h);
	}
	err = d || !errno ? 0 : -errno;
	closedir(dir);
	return err;
}

static void check_adjusters(const char *root, struct hostcheck *h)
{
	enum hostcheck_state *st = &h->state[HOSTCHECK_ID_ADJUSTER];
	int *err = &h->err[HOSTCHECK_ID_ADJUSTER];
	bool saw_init = false;
	int kept;

	*err = adj_scan(root, h, &saw_init);
	kept = h->n_adjusters < HOSTCHECK_ADJ_MAX ? h->n_adjusters :
						    HOSTCHECK_ADJ_MAX;
	qsort(h->adjusters, (size_t)kept, sizeof(h->adjusters[0]), adj_cmp);
	if (h->n_adjusters > 0) {
		*st = HOSTCHECK_FINDING; /* even from a partial scan */
		*err = 0;
	} else if (*err) {
		*st = HOSTCHECK_UNKNOWN;
	} else if (h->truncated) {
		*err = -E2BIG;
	} else if (!saw_init) {
		*err = -EACCES; /* hidepid: other users' processes hidden */
	} else {
		*st = HOSTCHECK_OK;
	}
}

/* ---- run ---- */

int hostcheck_run(const char *root, enum hostcheck_arch arch,
		  struct hostcheck *out)
{
	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!root)
		root = "";
	if ((unsigned int)arch > HOSTCHECK_ARCH_ARM64)
		return -EINVAL;
	/* Room for the longest path built below plus a process entry. */
	if (strlen(root) + sizeof(CS_DIR "/available_clocksource") + 32 >
	    PATH_MAX)
		return -ENAMETOOLONG;
	out->arch = arch;
	check_clocksource(root, out);
	check_tsc(root, out);
	check_adjusters(root, out);
	return 0;
}

/* ---- the report ---- */

struct hc_sink {
	char (*lines)[HOSTCHECK_LINE_MAX];
	int *ids; /* each line's check (may be NULL) */
	int max;
	int n;
	bool to_log;
	int cur_id; /* the check whose lines come now */
};

__attribute__((format(printf, 3, 4))) static void
hc_emit(struct hc_sink *s, enum hostcheck_state st, const char *fmt, ...)
{
	char buf[HOSTCHECK_LINE_MAX];
	va_list ap;
	int level;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (s->to_log) {
		level = st == HOSTCHECK_FINDING ? CM_LOG_WARNING :
			st == HOSTCHECK_UNKNOWN ? CM_LOG_NOTICE :
						  CM_LOG_INFO;
		cm_log(level, "hostcheck: %s", buf);
	} else if (s->n < s->max) {
		memcpy(s->lines[s->n], buf, sizeof(buf));
		if (s->ids)
			s->ids[s->n] = s->cur_id;
	}
	s->n++;
}

/* Why a file could not be used, for an UNKNOWN line. */
static const char *hc_why(int err)
{
	if (err == -ENODATA)
		return "empty";
	if (err == -EBADMSG)
		return "unexpected content";
	return strerror(-err);
}

static void report_clocksource(const struct hostcheck *h, struct hc_sink *s)
{
	enum hostcheck_state st = h->state[HOSTCHECK_ID_CLOCKSOURCE];
	const char *cs = h->clocksource, *want = h->expected;
	const char *harm = "ptp_kvm guests get no cross-timestamps "
			   "(EOPNOTSUPP)";

	if (st == HOSTCHECK_OK)
		hc_emit(s, st, "clocksource: %s: ok, ptp_kvm guests get host "
			"time and cross-timestamps", cs);
	else if (st == HOSTCHECK_UNKNOWN)
		hc_emit(s, st, "clocksource: unknown (current_clocksource: "
			"%s): cannot tell whether ptp_kvm guests get host time",
			hc_why(h->err[HOSTCHECK_ID_CLOCKSOURCE]));
	else if (st != HOSTCHECK_FINDING)
		return;
	else if (h->expected_available == HOSTCHECK_TRI_YES)
		hc_emit(s, st, "clocksource: %s: %s; fix: echo %s > "
			".../current_clocksource", cs, harm, want);
	else if (h->expected_available == HOSTCHECK_TRI_NO)
		hc_emit(s, st, "clocksource: %s: %s; %s not offered "
			"(unstable? see dmesg)", cs, harm, want);
	else
		hc_emit(s, st, "clocksource: %s: %s; fix: boot with "
			"clocksource=%s", cs, harm, want);
}

static void report_tsc(const struct hostcheck *h, struct hc_sink *s)
{
	enum hostcheck_state st = h->state[HOSTCHECK_ID_TSC];
	bool c = h->constant_tsc == HOSTCHECK_TRI_YES;
	bool ns = h->nonstop_tsc == HOSTCHECK_TRI_YES;
	int err = h->err[HOSTCHECK_ID_TSC];

	if (st == HOSTCHECK_OK)
		hc_emit(s, st, "tsc: constant_tsc nonstop_tsc%s: ok, the TSC "
			"keeps its rate and runs in deep C-states",
			h->tsc_known_freq == HOSTCHECK_TRI_YES ?
				" tsc_known_freq" : "");
	else if (st == HOSTCHECK_UNKNOWN)
		hc_emit(s, st, "tsc: unknown (/proc/cpuinfo: %s): cannot tell "
			"whether the TSC stays stable",
			err == -ENODATA ? "no flags line" : hc_why(err));
	else if (st == HOSTCHECK_FINDING)
		hc_emit(s, st, "tsc: %s%s%s: the kernel may mark the TSC "
			"unstable and switch clocksource",
			c ? "" : "no constant_tsc (rate follows CPU frequency)",
			c || ns ? "" : ", ",
			ns ? "" : "no nonstop_tsc (stops in deep C-states)");
}

static void report_adjusters(const struct hostcheck *h, struct hc_sink *s)
{
	enum hostcheck_state st = h->state[HOSTCHECK_ID_ADJUSTER];
	int err = h->err[HOSTCHECK_ID_ADJUSTER], i;
	const struct hostcheck_adjuster *a;
	const struct adj_kind *k;

	if (st == HOSTCHECK_OK)
		hc_emit(s, st, "adjusters: no other program steers "
			"CLOCK_REALTIME (%d processes, %d unreadable)",
			h->n_procs, h->n_unreadable);
	else if (st == HOSTCHECK_UNKNOWN)
		hc_emit(s, st, "adjusters: unknown (%s): cannot tell whether "
			"another program steers CLOCK_REALTIME",
			err == -E2BIG ? "too many /proc entries" :
			err == -EACCES ? "pid 1 not visible: /proc hidepid?" :
					 hc_why(err));
	for (i = 0; st == HOSTCHECK_FINDING && i < h->n_adjusters &&
		    i < HOSTCHECK_ADJ_MAX; i++) {
		a = &h->adjusters[i];
		k = adj_kind_find(a->comm);
		if (k && k->when)
			hc_emit(s, st, "adjuster: %s (pid %d) may steer "
				"CLOCK_REALTIME (%s): if so, the two fight and "
				"ptp_kvm guests see it", a->name, a->pid,
				k->when);
		else
			hc_emit(s, st, "adjuster: %s (pid %d) steers "
				"CLOCK_REALTIME: unless hvptpd leaves that "
				"clock alone, the two fight and ptp_kvm guests "
				"see it", a->name, a->pid);
	}
	if (st == HOSTCHECK_FINDING && h->n_adjusters > HOSTCHECK_ADJ_MAX)
		hc_emit(s, st, "adjusters: %d more not listed",
			h->n_adjusters - HOSTCHECK_ADJ_MAX);
}

static void hc_report(const struct hostcheck *h, struct hc_sink *s)
{
	s->cur_id = HOSTCHECK_ID_CLOCKSOURCE;
	report_clocksource(h, s);
	s->cur_id = HOSTCHECK_ID_TSC;
	report_tsc(h, s);
	s->cur_id = HOSTCHECK_ID_ADJUSTER;
	report_adjusters(h, s);
}

int hostcheck_lines_ids(const struct hostcheck *h,
			char lines[][HOSTCHECK_LINE_MAX], int ids[], int max)
{
	struct hc_sink s = { .lines = lines, .ids = ids, .max = max };

	if (!h || max < 0 || (max > 0 && !lines))
		return -EINVAL;
	hc_report(h, &s);
	return s.n;
}

int hostcheck_lines(const struct hostcheck *h,
		    char lines[][HOSTCHECK_LINE_MAX], int max)
{
	return hostcheck_lines_ids(h, lines, NULL, max);
}

void hostcheck_log(const struct hostcheck *h)
{
	struct hc_sink s = { .to_log = true };

	if (h)
		hc_report(h, &s);
}
