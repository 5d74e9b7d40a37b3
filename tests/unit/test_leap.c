/*
 * tests/unit/test_leap.c — common/leap.c: the leap second latched for the
 * end of the UTC day, the offsets in force on either side in TAI and in
 * UTC, the windows around it, and leap-seconds.list.
 *
 * The dates are real ones: 2016-12-31 ended with a leap61 (TAI - UTC 36
 * -> 37); 1483228800 is 2017-01-01T00:00:00Z.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/leap.h"
#include "common/tmv.h"

#define S NS_PER_SEC
#define M2017 1483228800LL /* 2017-01-01T00:00:00Z, Unix */

static void test_leap61_latch(void **state)
{
	struct leap_latch l;
	/* 2016-12-31T12:00:00Z in TAI (offset 36) */
	int64_t noon_tai = (M2017 - 43200 + 36) * S;

	(void)state;
	leap_latch_set(&l, 1, 36, noon_tai);
	assert_true(l.armed);
	assert_int_equal(l.utc_day_end_s, M2017);
	/* the inserted second starts at TAI M + 36 */
	assert_int_equal(l.tai_s, M2017 + 36);
	assert_int_equal(leap_offset_at_tai(&l, 36, noon_tai), 36);
	assert_int_equal(leap_offset_at_tai(&l, 36, (M2017 + 36) * S - 1), 36);
	assert_int_equal(leap_offset_at_tai(&l, 36, (M2017 + 36) * S), 37);
	assert_int_equal(leap_offset_at_tai(&l, 36, (M2017 + 40) * S), 37);
	/* latched from the very last second of the day: the same leap */
	leap_latch_set(&l, 1, 36, (M2017 + 35) * S + S / 2);
	assert_int_equal(l.tai_s, M2017 + 36);
	/* leap 0 clears */
	leap_latch_set(&l, 0, 36, noon_tai);
	assert_false(l.armed);
	assert_int_equal(leap_offset_at_tai(&l, 36, (M2017 + 40) * S), 36);
}

static void test_leap61_utc(void **state)
{
	struct leap_latch l;
	bool amb;

	(void)state;
	leap_latch_set(&l, 1, 36, (M2017 - 100 + 36) * S);
	assert_int_equal(leap_offset_at_utc(&l, 36, (M2017 - 2) * S, &amb),
			 36);
	assert_false(amb);
	/* 23:59:59 and the repeated 23:59:60 read the same second */
	assert_int_equal(leap_offset_at_utc(&l, 36, (M2017 - 1) * S, &amb),
			 36);
	assert_true(amb);
	assert_int_equal(leap_offset_at_utc(&l, 36, M2017 * S, &amb), 37);
	assert_false(amb);
	assert_int_equal(leap_offset_at_utc(&l, 36, M2017 * S, NULL), 37);
}

static void test_leap59(void **state)
{
	struct leap_latch l;
	bool amb;

	(void)state;
	leap_latch_set(&l, -1, 37, (M2017 - 3600 + 37) * S);
	/* 23:59:59 does not exist: from TAI M - 1 + 37 on, the offset is 36 */
	assert_int_equal(l.tai_s, M2017 - 1 + 37);
	assert_int_equal(leap_offset_at_tai(&l, 37, (M2017 + 35) * S), 37);
	assert_int_equal(leap_offset_at_tai(&l, 37, (M2017 + 36) * S), 36);
	assert_int_equal(leap_offset_at_utc(&l, 37, (M2017 - 2) * S, &amb),
			 37);
	assert_false(amb);
	assert_int_equal(leap_offset_at_utc(&l, 37, M2017 * S, &amb), 36);
	assert_false(amb);
}

static void test_windows(void **state)
{
	struct leap_latch l;
	int64_t tl;

	(void)state;
	leap_latch_set(&l, 1, 36, (M2017 - 100 + 36) * S);
	tl = l.tai_s * S;
	assert_false(leap_near(&l, tl - S - 1));
	assert_true(leap_near(&l, tl - S));
	assert_true(leap_near(&l, tl));
	assert_true(leap_near(&l, tl + 2 * S - 1));
	assert_false(leap_near(&l, tl + 2 * S));
	assert_false(leap_passed(&l, tl + S));
	assert_true(leap_passed(&l, tl + 2 * S));
	assert_false(leap_near(NULL, tl));
	leap_latch_set(&l, 0, 0, 0);
	assert_false(leap_near(&l, tl));
	assert_false(leap_passed(&l, tl + 10 * S));
}

static const char list[] =
	"#\tleap-seconds.list (excerpt)\n"
	"#$\t 3676924800\n"
	"#@\t 3928521600\n"
	"2272060800\t10\t# 1 Jan 1972\n"
	"2287785600\t11\t# 1 Jul 1972\n"
	"3644697600\t36\t# 1 Jul 2015\n"
	"3692217600\t37\t# 1 Jan 2017\n"
	"#h\t16edd0f0 3666784f 37db7914 1ca2b4c3 b9b8d3a3\n";

static void test_table(void **state)
{
	struct leap_table t;
	int off, leap, bad = -1;

	(void)state;
	assert_int_equal(leap_table_parse(list, strlen(list), &t, &bad), 0);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.e[3].utc_s, M2017);
	assert_int_equal(t.expires_utc_s, 3928521600LL - LEAP_NTP_UNIX_S);
	/* before the first entry */
	assert_int_equal(leap_table_at(&t, 0, &off, &leap), -ENOENT);
	/* the last day of 2016: 36 and a leap at its end */
	assert_int_equal(leap_table_at(&t, M2017 - 1, &off, &leap), 0);
	assert_int_equal(off, 36);
	assert_int_equal(leap, 1);
	/* the day before: none yet */
	assert_int_equal(leap_table_at(&t, M2017 - 86401, &off, &leap), 0);
	assert_int_equal(leap, 0);
	/* after it */
	assert_int_equal(leap_table_at(&t, M2017, &off, &leap), 0);
	assert_int_equal(off, 37);
	assert_int_equal(leap, 0);
	/* past the expiry: the values, and -ESTALE */
	assert_int_equal(leap_table_at(&t, 3928521600LL - LEAP_NTP_UNIX_S,
				       &off, &leap),
			 -ESTALE);
	assert_int_equal(off, 37);
}

static void test_table_bad(void **state)
{
	static const char *const bad[] = {
		"2272060800 ten\n",
		"2272060800\n",
		"# only comments\n",
		"2287785600 11\n2272060800 10\n", /* not increasing */
		"2272060800 10 trailing\n",
		"-5 10\n",
	};
	static const int line[] = { 1, 1, 1, 2, 1, 1 };
	struct leap_table t;
	int l;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		l = 0;
		assert_int_equal(leap_table_parse(bad[i], strlen(bad[i]), &t,
						  &l),
				 -EINVAL);
		assert_int_equal(l, line[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leap61_latch),
		cmocka_unit_test(test_leap61_utc),
		cmocka_unit_test(test_leap59),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
