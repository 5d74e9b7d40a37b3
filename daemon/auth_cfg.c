/*
 * daemon/auth_cfg.c — the sa_file read and checked with the ports' spp
 * and active_key_id (check_sa_file, check.h), at start, --check and
 * every reload.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/sad.h"
#include "daemon/check.h"

#define SA_FILE_MAX 65536

/* An error about option, at the line of cfg that set it for port (its
 * section or [global]), else in file what. */
static void sa_fail(struct cfg_errors *errs, const struct cfg *cfg,
		    const char *port, const char *what, const char *option,
		    const char *reason)
{
	struct cfg_error e;
	const char *file = what;

	memset(&e, 0, sizeof(e));
	/* an option the section lacks: the line of the other one */
	if (!cfg || (!cfg_origin(cfg, port, option, &file, &e.line) &&
		     !cfg_origin(cfg, port,
				 strcmp(option, "spp") ? "spp" : "active_key_id",
				 &file, &e.line)))
		e.line = 0;
	snprintf(e.file, sizeof(e.file), "%s", file);
	snprintf(e.option, sizeof(e.option), "%s", option);
	snprintf(e.reason, sizeof(e.reason), "%s", reason);
	cfg_errors_add(errs, &e);
}

/* The file's content into set->sad. */
static int sa_read(const struct cfg *cfg, struct hvd_settings *set,
		   const char *what, struct cfg_errors *errs)
{
	char *buf = malloc(SA_FILE_MAX);
	char reason[192];
	struct cfg_error err;
	size_t n;
	FILE *f;
	int rc;

	if (!buf)
		return -ENOMEM;
	f = fopen(set->sa_file, "r");
	if (!f) {
		snprintf(reason, sizeof(reason), "%.120s: cannot open: %s",
			 set->sa_file, strerror(errno));
		sa_fail(errs, cfg, NULL, what, "sa_file", reason);
		free(buf);
		return -EINVAL;
	}
	n = fread(buf, 1, SA_FILE_MAX, f);
	rc = feof(f) ? 0 : -EFBIG;
	fclose(f);
	if (rc) {
		snprintf(reason, sizeof(reason), "%.120s: larger than %d bytes",
			 set->sa_file, SA_FILE_MAX);
		sa_fail(errs, cfg, NULL, what, "sa_file", reason);
	} else if (sad_parse_buffer(&set->sad, set->sa_file, buf, n, &err)) {
		cfg_errors_add(errs, &err);
		rc = -EINVAL;
	}
	memset(buf, 0, n); /* keys */
	free(buf);
	return rc ? -EINVAL : 0;
}

static int sa_port(const struct cfg *cfg, const struct hvd_settings *set,
		   const char *section, const struct bc_port_cfg *p,
		   const char *what, struct cfg_errors *errs)
{
	struct cfg_error why;

	if (sad_check_port(&set->sad, p->spp, p->active_key_id, &why) == 0)
		return 0;
	sa_fail(errs, cfg, section, what, why.option, why.reason);
	return -EINVAL;
}

int check_sa_file(const struct cfg *cfg, struct hvd_settings *set,
		  const char *what, struct cfg_errors *errs)
{
	int rc = 0;

	memset(&set->sad, 0, sizeof(set->sad));
	if (set->sa_file[0] && sa_read(cfg, set, what, errs))
		return -EINVAL; /* the ports' errors would follow from it */
	for (int i = 0; i < set->nports; i++)
		rc |= sa_port(cfg, set, set->ports[i].name, &set->ports[i],
			      what, errs);
	for (int t = 0; t < set->ntemplates; t++)
		rc |= sa_port(cfg, set, set->templates[t].pattern,
			      &set->templates[t].port, what, errs);
	return rc ? -EINVAL : 0;
}
