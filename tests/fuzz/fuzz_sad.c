/*
 * tests/fuzz/fuzz_sad.c — libFuzzer target for the sa_file parser
 * (config/sad.c).
 *
 * For every input, parsed as an sa_file:
 *  - sad_parse_buffer() returns 0 or -EINVAL; on -EINVAL the error's line
 *    is within the input's lines, its option and reason are set and
 *    NUL-terminated, and the database is empty;
 *  - on 0 the database keeps the limits and the rules: at most SA_MAX
 *    associations with distinct spp, seqid_window <= 32767, at most
 *    SA_MAX_KEYS keys each with distinct ids >= 1, lengths 1..128 (exactly
 *    16 or 32 for AES), a known algorithm, and sad_check_port() accepts
 *    every (spp, key id) it holds;
 *  - written back as an sa_file (every key in HEX:), it parses to the same
 *    database.
 * Any violation traps.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config/sad.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                          \
	do {                                 \
		if (!(cond))                 \
			__builtin_trap();    \
	} while (0)

static struct sa_db db, again;
static char text[SA_MAX * (64 + SA_MAX_KEYS * (40 + 2 * SA_KEY_MAX_LEN))];

static int count_lines(const uint8_t *data, size_t size)
{
	int n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void check_sa(const struct sa *sa)
{
	struct cfg_error why;

	CHECK(sa->seqid_window <= SA_SEQID_WINDOW_MAX);
	CHECK(sa->nkeys >= 0 && sa->nkeys <= SA_MAX_KEYS);
	for (int k = 0; k < sa->nkeys; k++) {
		const struct sa_key *key = &sa->keys[k];
		size_t need = sa_alg_key_len((enum sa_alg)key->alg);

		CHECK(key->id >= 1);
		CHECK(key->alg < SA_ALG_COUNT);
		CHECK(key->len >= 1 && key->len <= SA_KEY_MAX_LEN);
		CHECK(need == 0 || need == key->len);
		CHECK(sa_find_key(sa, key->id) == key);
		CHECK(sad_check_port(&db, sa->spp, key->id, &why) == 0);
	}
}

/* The database as an sa_file. */
static size_t write_back(const struct sa_db *d)
{
	size_t n = 0;

	for (int i = 0; i < d->n; i++) {
		const struct sa *sa = &d->sa[i];

		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "[security_association]\nspp %u\n"
				      "seqid_window %u\nallow_mutable %d\n",
				      sa->spp, sa->seqid_window,
				      sa->allow_mutable);
		for (int k = 0; k < sa->nkeys; k++) {
			const struct sa_key *key = &sa->keys[k];

			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      "%u %s %u HEX:", key->id,
					      sa_alg_name((enum sa_alg)key->alg),
					      key->len);
			for (int b = 0; b < key->len; b++)
				n += (size_t)snprintf(text + n,
						      sizeof(text) - n,
						      "%02x", key->key[b]);
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      "\n");
		}
	}
	CHECK(n < sizeof(text));
	return n;
}

static void check_same(const struct sa_db *a, const struct sa_db *b)
{
	CHECK(a->n == b->n);
	for (int i = 0; i < a->n; i++) {
		const struct sa *x = &a->sa[i], *y = &b->sa[i];

		CHECK(x->spp == y->spp && x->nkeys == y->nkeys &&
		      x->seqid_window == y->seqid_window &&
		      x->allow_mutable == y->allow_mutable);
		for (int k = 0; k < x->nkeys; k++)
			CHECK(x->keys[k].id == y->keys[k].id &&
			      x->keys[k].alg == y->keys[k].alg &&
			      x->keys[k].len == y->keys[k].len &&
			      !memcmp(x->keys[k].key, y->keys[k].key,
				      x->keys[k].len));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = sad_parse_buffer(&db, "f", (const char *)data, size, &err);
	CHECK(rc == 0 || rc == -EINVAL);
	if (rc) {
		CHECK(err.line >= 1 && err.line <= count_lines(data, size));
		CHECK(memchr(err.option, '\0', sizeof(err.option)));
		CHECK(memchr(err.reason, '\0', sizeof(err.reason)));
		CHECK(err.option[0] && err.reason[0]);
		CHECK(db.n == 0);
		return 0;
	}
	CHECK(db.n >= 0 && db.n <= SA_MAX);
	for (int i = 0; i < db.n; i++) {
		CHECK(sa_db_find(&db, db.sa[i].spp) == &db.sa[i]);
		check_sa(&db.sa[i]);
	}
	CHECK(sad_parse_buffer(&again, "g", text, write_back(&db), &err) == 0);
	check_same(&db, &again);
	return 0;
}
