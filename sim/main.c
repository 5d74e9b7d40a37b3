/*
 * sim/main.c — hvptp-sim: run a scenario, print what happened.
 *
 *   hvptp-sim FILE [-s SEED] [-d DURATION] [-o KEY=VALUE]... [--csv OUT]
 *             [--check] [--status NODE]... [-v]...
 *
 * Prints the per-node report on stdout (byte-identical for the same file
 * and seed), the checks with --check, and the wall time on stderr:
 * "sim: 1000 s simulated in 0.42 s (2381x)".  Exit status: 0; with
 * --check 1 when an expectation failed, 3 when only expected failures
 * (xfail) did, 4 when a scenario marked xfail passed; 2 for bad usage or a
 * bad scenario file ("file:line: reason"); 1 when the run failed (out of
 * memory, a node that could not start).  -d checks the file's events
 * against its own duration and leaves out those after the shortened end.
 * --status NODE prints, after the report, what hvptpctl status and
 * tracking would show for that node at the end of the run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "sim/sim.h"
#include "sim/sim_scn.h"

struct opts {
	const char *file;
	const char *csv;
	struct sim_load_opts load;
	bool check;
	int verbose;
	const char *status[8]; /* --status NODE */
	int nstatus;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvptp-sim FILE [options]\n"
		"  -s, --seed N        random seed (default: the scenario's, "
		"else 1)\n"
		"  -d, --duration T    run this long instead (e.g. 1000s)\n"
		"  -o KEY=VALUE        a [node *] line for every node (ptp4l "
		"option or\n"
		"                      clock key), e.g. -o clock_servo=pi; a "
		"node's own\n"
		"                      section still wins\n"
		"      --csv OUT       write the time series to OUT\n"
		"      --check         evaluate [expect]; exit 1 on a failure\n"
		"      --status NODE   then hvptpctl's status and tracking of "
		"NODE\n"
		"  -v, --verbose       the nodes' log lines (-vv: debug)\n"
		"  -h, --help          this text\n"
		"see docs/sim-scenarios.md for the scenario format\n");
}

/* 0, 1 when done (-h), or -EINVAL after saying why. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "option", required_argument, NULL, 'o' },
		{ "csv", required_argument, NULL, 'C' },
		{ "check", no_argument, NULL, 'K' },
		{ "status", required_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char why[256], *end;
	int c;

	while ((c = getopt_long(argc, argv, "s:d:o:vh", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			errno = 0;
			o->load.seed = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end) {
				fprintf(stderr, "hvptp-sim: -s %s: not a "
						"number\n", optarg);
				return -EINVAL;
			}
			o->load.seed_set = true;
			break;
		case 'o':
			if (o->load.n_node_opts >= SIM_MAX_CMDLINE_OPTS) {
				fprintf(stderr, "hvptp-sim: too many -o\n");
				return -EINVAL;
			}
			o->load.node_opts[o->load.n_node_opts++] = optarg;
			break;
		case 'd':
			if (scn_time(optarg, &o->load.duration_ns, why,
				     sizeof(why)) ||
			    o->load.duration_ns <= 0) {
				fprintf(stderr, "hvptp-sim: -d: %s\n",
					o->load.duration_ns <= 0 ? "must be > 0"
								 : why);
				return -EINVAL;
			}
			break;
		case 'C':
			o->csv = optarg;
			break;
		case 'K':
			o->check = true;
			break;
		case 'S':
			if (o->nstatus == 8) {
				fprintf(stderr, "hvptp-sim: --status: at most "
						"8 nodes\n");
				return -EINVAL;
			}
			o->status[o->nstatus++] = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return -EINVAL;
	}
	o->file = argv[optind];
	return 0;
}

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int setup_output(struct sim *s, const struct opts *o)
{
	s->verbose = o->verbose;
	if (o->verbose) {
		cm_log_set_sink(sim_log_sink, s);
		cm_log_set_level(o->verbose > 1 ? CM_LOG_DEBUG : CM_LOG_INFO);
	} else {
		cm_log_set_sink(NULL, NULL); /* quiet and fast */
	}
	if (!o->csv)
		return 0;
	s->csv = fopen(o->csv, "w");
	if (!s->csv) {
		fprintf(stderr, "hvptp-sim: %s: %s\n", o->csv, strerror(errno));
		return -errno;
	}
	sim_csv_header(s->csv);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	static struct sim s;
	char err[600];
	double t0, t1;
	int rc = 0;

	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 2 : 0;
	if (sim_load(&s, o.file, &o.load, err, sizeof(err)) < 0) {
		fprintf(stderr, "hvptp-sim: %s\n", err);
		return 2;
	}
	if (setup_output(&s, &o) < 0) {
		sim_free(&s);
		return 2;
	}
	t0 = wall_s();
	rc = sim_run(&s);
	t1 = wall_s();
	cm_log_set_sink(NULL, NULL);
	if (!rc)
		rc = sim_truth_results(&s);
	if (rc < 0) {
		if (rc == -E2BIG)
			fprintf(stderr, "hvptp-sim: too many samples to keep "
				"(nodes x duration / sample over 2e7): raise "
				"sample in [scenario]\n");
		else
			fprintf(stderr, "hvptp-sim: run failed: %s\n",
				strerror(-rc));
		if (s.csv)
			fclose(s.csv);
		sim_free(&s);
		return rc == -E2BIG ? 2 : 1;
	}
	sim_report(&s, stdout);
	for (int i = 0; i < o.nstatus; i++) {
		if (sim_status_print(&s, o.status[i], stdout) < 0) {
			fprintf(stderr, "hvptp-sim: --status %s: no such node "
				"running at the end\n", o.status[i]);
			rc = 1;
		}
	}
	if (o.check && !rc)
		rc = sim_check(&s, stdout);
	fflush(stdout);
	fprintf(stderr, "sim: %.0f s simulated in %.2f s (%.0fx)\n",
		(double)s.duration_ns / 1e9, t1 - t0,
		t1 > t0 ? (double)s.duration_ns / 1e9 / (t1 - t0) : 0.0);
	if (s.csv && fclose(s.csv) != 0) {
		fprintf(stderr, "hvptp-sim: %s: write error\n", o.csv);
		rc = rc ? rc : 1;
	}
	s.csv = NULL;
	sim_free(&s);
	return rc;
}
