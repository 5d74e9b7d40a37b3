/*
 * daemon/check.c — start-up checks and "hvptpd --check" (see check.h).
 *
 * The sequence is main()'s old one (argv, file, settings, leapfile) with
 * one error list through all of it instead of a return at the first
 * error.  Only the files are read here (the configuration, the leapfile
 * and the sa_file); nothing else is opened,
 * which is what makes --check safe to run beside a running daemon.
 */
#include "daemon/check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cmdline.h"
#include "servo/servo.h"

#define CHECK_LEAPFILE_MAX 65536
#define CHECK_SUMMARY_NAMES 8 /* names listed, then "..." */

static int check_nwarn;

/* cmdline_warn_stderr, counted for the summary. */
static void check_warn(void *ctx, const char *file, int line,
		       const char *option, const char *msg)
{
	check_nwarn++;
	cmdline_warn_stderr(ctx, file, line, option, msg);
}

/* An error about option, at the line of the configuration that set it
 * (cfg_origin), else in file what. */
static __attribute__((format(printf, 5, 6))) void
check_fail(struct cfg_errors *errs, const struct cfg *cfg, const char *what,
	   const char *option, const char *fmt, ...)
{
	struct cfg_error e;
	const char *file = what;
	va_list ap;

	memset(&e, 0, sizeof(e));
	if (!cfg || !cfg_origin(cfg, NULL, option, &file, &e.line))
		e.line = 0;
	snprintf(e.file, sizeof(e.file), "%s", file);
	snprintf(e.option, sizeof(e.option), "%s", option);
	va_start(ap, fmt);
	vsnprintf(e.reason, sizeof(e.reason), fmt, ap);
	va_end(ap);
	cfg_errors_add(errs, &e);
}

/* The leapfile (leapfile option), read and parsed as a start does: a bad
 * file is a bad configuration.  Errors reading it name the line that set
 * leapfile; errors in it, the leapfile's own line. */
int check_leapfile(const struct cfg *cfg, struct hvd_settings *set,
		   const char *what, struct cfg_errors *errs)
{
	static char buf[CHECK_LEAPFILE_MAX];
	struct cfg_error err;
	size_t n;
	FILE *f;

	if (!set->leapfile[0])
		return 0;
	f = fopen(set->leapfile, "r");
	if (!f) {
		check_fail(errs, cfg, what, "leapfile", "%s: cannot open: %s",
			   set->leapfile, strerror(errno));
		return -EINVAL;
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (!feof(f)) {
		fclose(f);
		check_fail(errs, cfg, what, "leapfile", "%s: larger than %zu "
			   "bytes", set->leapfile, sizeof(buf));
		return -EINVAL;
	}
	fclose(f);
	memset(&err, 0, sizeof(err));
	if (settings_leapfile(set, buf, n, &err) == 0)
		return 0;
	cfg_errors_add(errs, &err);
	return -EINVAL;
}

/* Where an error sorts: the command line first, then each file in the
 * order first met, then by line. */
static long long check_rank(const struct cfg_errors *errs, int i)
{
	int k = 0;

	if (!strcmp(errs->e[i].file, "command line"))
		return -1;
	while (k < i && strcmp(errs->e[k].file, errs->e[i].file))
		k++;
	return ((long long)k << 32) + errs->e[i].line;
}

/* The parser's errors come in line order, the settings' refusals in the
 * order of their checks: one list by file and line, stable. */
static void check_sort(struct cfg_errors *errs)
{
	static long long rank[CFG_ERRORS_MAX];
	struct cfg_error t;
	long long r;

	for (int i = 0; i < errs->n; i++)
		rank[i] = check_rank(errs, i);
	for (int i = 1; i < errs->n; i++) {
		int j = i;

		t = errs->e[i];
		r = rank[i];
		for (; j > 0 && rank[j - 1] > r; j--) {
			errs->e[j] = errs->e[j - 1];
			rank[j] = rank[j - 1];
		}
		errs->e[j] = t;
		rank[j] = r;
	}
}

void check_print_errors(FILE *f, struct cfg_errors *errs)
{
	check_sort(errs);
	for (int i = 0; i < errs->n; i++)
		cmdline_print_error(f, &errs->e[i]);
	if (errs->more)
		fprintf(f, "hvptpd: ... and %d more error%s\n", errs->more,
			errs->more == 1 ? "" : "s");
}

/* Name i of a list into buf: "a, b, ..." up to CHECK_SUMMARY_NAMES. */
static void check_name(char *buf, size_t cap, int i, const char *name)
{
	size_t used = strlen(buf);

	if (i > CHECK_SUMMARY_NAMES || used >= cap)
		return;
	snprintf(buf + used, cap - used, "%s%s", i ? ", " : "",
		 i == CHECK_SUMMARY_NAMES ? "..." : name);
}

static const char *check_timestamps(const struct hvd_settings *s)
{
	bool hw = false, sw = s->ntemplates > 0;

	for (int i = 0; i < s->nports; i++) {
		hw |= s->port_hardware[i];
		sw |= !s->port_hardware[i];
	}
	if (hw && sw)
		return "hardware and software timestamps";
	return hw ? "hardware timestamps" : "software timestamps";
}

void check_print_summary(FILE *f, const char *what,
			 const struct hvd_settings *s, int nwarn)
{
	char ports[256] = "", pats[256] = "";

	for (int i = 0; i < s->nports; i++)
		check_name(ports, sizeof(ports), i, s->ports[i].name);
	for (int i = 0; i < s->ntemplates; i++)
		check_name(pats, sizeof(pats), i, s->templates[i].pattern);
	fprintf(f, "hvptpd: %s: OK: %d port%s (%s)", what, s->nports,
		s->nports == 1 ? "" : "s", ports);
	if (s->ntemplates)
		fprintf(f, ", %d pattern%s (%s)", s->ntemplates,
			s->ntemplates == 1 ? "" : "s", pats);
	fprintf(f, ", domain %d, clock_servo %s, %s", s->clock.domain_number,
		servo_type_name(s->disc.servo_type), check_timestamps(s));
	if (s->disc.free_running)
		fprintf(f, ", free_running (no clock adjusted)");
	if (nwarn)
		fprintf(f, ", %d warning%s", nwarn, nwarn == 1 ? "" : "s");
	fputc('\n', f);
}

/* argv, the file, the settings and the leapfile into cfg, set and errs.
 * 1: -h/-v done; -EINVAL: argv had an error; 0 otherwise. */
static int check_read(int argc, char **argv, struct cmdline *cl,
		      struct cfg *cfg, struct hvd_settings *set,
		      struct cfg_errors *errs)
{
	const char *what;
	int rc;

	cfg_set_warn(cfg, check_warn, NULL);
	rc = cmdline_setup_all(argc, argv, cfg, cl, errs);
	if (rc != 1) {
		what = cl->config_file ? cl->config_file : "command line";
		settings_from_cfg_all(cfg, set, what, errs);
		/* a leapfile refused by name (too long) is not read */
		if (!cfg_errors_has_option(errs, errs->n, "leapfile"))
			check_leapfile(cfg, set, what, errs);
		if (!cfg_errors_has_option(errs, errs->n, "sa_file"))
			check_sa_file(cfg, set, what, errs);
	}
	return rc;
}

int check_startup(int argc, char **argv, struct cmdline *cl,
		  struct hvd_settings *set, struct cfg **cfg)
{
	struct cfg_errors *errs = malloc(sizeof(*errs));
	int rc;

	*cfg = cfg_create();
	if (!errs || !*cfg) {
		fprintf(stderr, "hvptpd: out of memory\n");
		free(errs);
		cfg_destroy(*cfg);
		*cfg = NULL;
		return -ENOMEM;
	}
	cfg_errors_init(errs);
	check_nwarn = 0;
	memset(cl, 0, sizeof(*cl));
	rc = check_read(argc, argv, cl, *cfg, set, errs);
	if (rc != 1) {
		check_print_errors(stderr, errs);
		if (rc == -EINVAL)
			fprintf(stderr, "hvptpd: see 'hvptpd -h'\n");
		if (!rc && cfg_errors_total(errs))
			rc = -EINVAL;
	}
	if (!rc && cl->check) {
		check_print_summary(stdout, cl->config_file ? cl->config_file :
					     "command line",
				    set, check_nwarn);
		rc = 1;
	}
	free(errs);
	if (rc) {
		cfg_destroy(*cfg);
		*cfg = NULL;
	}
	return rc;
}
