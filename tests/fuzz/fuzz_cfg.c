/*
 * tests/fuzz/fuzz_cfg.c — libFuzzer target for the configuration parser.
 *
 * For every input, parsed as a configuration file:
 *  - cfg_parse_buffer_all() returns 0 with no error, or -EINVAL with
 *    between 1 and CFG_ERRORS_MAX errors kept (and any number counted);
 *    each kept error has a line within the input's lines, a reason, and
 *    NUL-terminated fields;
 *  - cfg_parse_buffer() (stop at the first error) agrees: it fails exactly
 *    when the other found an error, and its error is the first of the list;
 *  - cfg_option_suggest() on the first line's first word returns at most
 *    the names asked for, each a name of the option table.
 * Any violation traps.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                          \
	do {                                 \
		if (!(cond))                 \
			__builtin_trap();    \
	} while (0)

static struct cfg_errors errs;

static int count_lines(const uint8_t *data, size_t size)
{
	int n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void check_suggest(const uint8_t *data, size_t size)
{
	char word[80];
	const char *out[2];
	size_t n = 0;
	int k;

	while (n < size && n < sizeof(word) - 1 && data[n] != '\n' &&
	       data[n] != ' ' && data[n] != '\0') {
		word[n] = (char)data[n];
		n++;
	}
	word[n] = '\0';
	k = cfg_option_suggest(word, out, 2);
	CHECK(k >= 0 && k <= 2);
	for (int i = 0; i < k; i++)
		CHECK(cfg_option_find(out[i]) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct cfg_error first;
	struct cfg *c = cfg_create(), *c1 = cfg_create();
	int rc, rc1, lines = count_lines(data, size);

	CHECK(c && c1);
	cfg_errors_init(&errs);
	rc = cfg_parse_buffer_all(c, "f", buf, size, &errs);
	CHECK(rc == 0 || rc == -EINVAL);
	CHECK((rc == 0) == (cfg_errors_total(&errs) == 0));
	CHECK(errs.n <= CFG_ERRORS_MAX && errs.more >= 0);
	CHECK(errs.more == 0 || errs.n == CFG_ERRORS_MAX);
	for (int i = 0; i < errs.n; i++) {
		const struct cfg_error *e = &errs.e[i];

		CHECK(e->line >= 1 && e->line <= lines);
		CHECK(memchr(e->file, '\0', sizeof(e->file)));
		CHECK(memchr(e->option, '\0', sizeof(e->option)));
		CHECK(memchr(e->reason, '\0', sizeof(e->reason)));
		CHECK(e->reason[0] != '\0');
		CHECK(i == 0 || e->line >= errs.e[i - 1].line);
	}
	memset(&first, 0, sizeof(first));
	rc1 = cfg_parse_buffer(c1, "f", buf, size, &first);
	CHECK(rc1 == rc);
	if (rc)
		CHECK(first.line == errs.e[0].line &&
		      !strcmp(first.option, errs.e[0].option) &&
		      !strcmp(first.reason, errs.e[0].reason));
	check_suggest(data, size);
	cfg_destroy(c);
	cfg_destroy(c1);
	return 0;
}
