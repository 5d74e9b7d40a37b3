/* tests/unit/test_wire.c — the bounds-checked reader and writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bc/wire.h"

/* --- round trip ---------------------------------------------------------- */

static const uint8_t expect_bytes[] = {
	0xA5, /* u8 */
	0x12, 0x34, /* u16 */
	0xDE, 0xAD, 0xBE, 0xEF, /* u32 */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, /* u48 */
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, /* u64 */
	0xFF, /* i8 -1 */
	0xFF, 0xFE, /* i16 -2 */
	0x80, 0, 0, 0, 0, 0, 0, 0, /* i64 min */
	'a', 'b', 'c', /* bytes */
	0, 0, /* zeros */
	0x00, 0x00, 0x00, 0x65, 0x43, 0x21, 0x3B, 0x9A, 0xC9, 0xFF, /* ts */
	0x00, 0x1B, 0x21, 0xFF, 0xFE, 0x0A, 0x0B, 0x0C, 0x00, 0x07, /* port */
	0x06, 0x21, 0x4E, 0x5D, /* clock quality */
	0xF0, 0xE0, 0xD0, 0xC0, 0xB0, 0xA0, 0x90, 0x80, /* clock identity */
};

static const struct port_identity sample_port = {
	{ { 0x00, 0x1B, 0x21, 0xFF, 0xFE, 0x0A, 0x0B, 0x0C } }, 7
};
static const struct clock_identity sample_ci = {
	{ 0xF0, 0xE0, 0xD0, 0xC0, 0xB0, 0xA0, 0x90, 0x80 }
};

static void write_sample(struct wire_writer *w)
{
	struct ptp_timestamp ts = { 0x654321ull, 999999999u };
	struct clock_quality cq = { 6, 0x21, 0x4E5D };

	wire_put_u8(w, 0xA5);
	wire_put_u16(w, 0x1234);
	wire_put_u32(w, 0xDEADBEEF);
	wire_put_u48(w, 0x010203040506ull);
	wire_put_u64(w, 0x1122334455667788ull);
	wire_put_i8(w, -1);
	wire_put_i16(w, -2);
	wire_put_i64(w, INT64_MIN);
	wire_put_bytes(w, "abc", 3);
	wire_put_zeros(w, 2);
	wire_put_timestamp(w, &ts);
	wire_put_port_identity(w, &sample_port);
	wire_put_clock_quality(w, &cq);
	wire_put_clock_identity(w, &sample_ci);
}

static void test_writer_bytes(void **state)
{
	uint8_t buf[sizeof(expect_bytes) + 4];
	struct wire_writer w;

	(void)state;
	memset(buf, 0x5A, sizeof(buf));
	wire_writer_init(&w, buf, sizeof(buf));
	write_sample(&w);
	assert_true(wire_writer_ok(&w));
	assert_int_equal(wire_writer_pos(&w), sizeof(expect_bytes));
	assert_int_equal(wire_writer_remaining(&w), 4);
	assert_memory_equal(buf, expect_bytes, sizeof(expect_bytes));
	assert_int_equal(buf[sizeof(expect_bytes)], 0x5A);
}

static void test_reader_round_trip(void **state)
{
	struct wire_reader r;
	struct ptp_timestamp ts;
	struct port_identity pi;
	struct clock_quality cq;
	struct clock_identity ci;
	char abc[3];

	(void)state;
	wire_reader_init(&r, expect_bytes, sizeof(expect_bytes));
	assert_int_equal(wire_get_u8(&r), 0xA5);
	assert_int_equal(wire_get_u16(&r), 0x1234);
	assert_int_equal(wire_get_u32(&r), 0xDEADBEEF);
	assert_true(wire_get_u48(&r) == 0x010203040506ull);
	assert_true(wire_get_u64(&r) == 0x1122334455667788ull);
	assert_int_equal(wire_get_i8(&r), -1);
	assert_int_equal(wire_get_i16(&r), -2);
	assert_true(wire_get_i64(&r) == INT64_MIN);
	wire_get_bytes(&r, abc, 3);
	assert_memory_equal(abc, "abc", 3);
	wire_skip(&r, 2);
	ts = wire_get_timestamp(&r);
	assert_true(ts.seconds == 0x654321ull);
	assert_int_equal(ts.nanoseconds, 999999999u);
	pi = wire_get_port_identity(&r);
	assert_true(port_identity_eq(&pi, &sample_port));
	cq = wire_get_clock_quality(&r);
	assert_int_equal(cq.clock_class, 6);
	assert_int_equal(cq.clock_accuracy, 0x21);
	assert_int_equal(cq.offset_scaled_log_variance, 0x4E5D);
	ci = wire_get_clock_identity(&r);
	assert_true(clock_identity_eq(&ci, &sample_ci));
	assert_true(wire_reader_ok(&r));
	assert_int_equal(wire_reader_remaining(&r), 0);
	/* one more byte is one too many */
	assert_int_equal(wire_get_u8(&r), 0);
	assert_false(wire_reader_ok(&r));
}

static void test_extremes(void **state)
{
	uint8_t buf[32];
	struct wire_writer w;
	struct wire_reader r;

	(void)state;
	wire_writer_init(&w, buf, sizeof(buf));
	wire_put_u48(&w, 0xFFFF123456789ABCull); /* high 16 bits dropped */
	wire_put_i16(&w, INT16_MIN);
	wire_put_i8(&w, INT8_MIN);
	wire_put_i64(&w, -1);
	wire_put_u64(&w, UINT64_MAX);
	assert_true(wire_writer_ok(&w));
	wire_reader_init(&r, buf, wire_writer_pos(&w));
	assert_true(wire_get_u48(&r) == 0x123456789ABCull);
	assert_int_equal(wire_get_i16(&r), INT16_MIN);
	assert_int_equal(wire_get_i8(&r), INT8_MIN);
	assert_true(wire_get_i64(&r) == -1);
	assert_true(wire_get_u64(&r) == UINT64_MAX);
	assert_true(wire_reader_ok(&r));
}

/* --- every getter at the end of the buffer -------------------------------- */

struct getter {
	const char *name;
	size_t size;
	/* reads one value, returns a nonzero-if-anything-nonzero digest */
	uint64_t (*get)(struct wire_reader *r);
};

static uint64_t g_u8(struct wire_reader *r) { return wire_get_u8(r); }
static uint64_t g_u16(struct wire_reader *r) { return wire_get_u16(r); }
static uint64_t g_u32(struct wire_reader *r) { return wire_get_u32(r); }
static uint64_t g_u48(struct wire_reader *r) { return wire_get_u48(r); }
static uint64_t g_u64(struct wire_reader *r) { return wire_get_u64(r); }
static uint64_t g_i8(struct wire_reader *r) { return (uint8_t)wire_get_i8(r); }
static uint64_t g_i16(struct wire_reader *r)
{
	return (uint16_t)wire_get_i16(r);
}
static uint64_t g_i64(struct wire_reader *r)
{
	return (uint64_t)wire_get_i64(r);
}

static uint64_t g_ts(struct wire_reader *r)
{
	struct ptp_timestamp ts = wire_get_timestamp(r);

	return ts.seconds | ts.nanoseconds;
}

static uint64_t digest(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	while (n--)
		v |= *b++;
	return v;
}

static uint64_t g_pi(struct wire_reader *r)
{
	struct port_identity pi = wire_get_port_identity(r);

	return digest(pi.clock_identity.id, 8) | pi.port_number;
}

static uint64_t g_ci(struct wire_reader *r)
{
	struct clock_identity ci = wire_get_clock_identity(r);

	return digest(ci.id, 8);
}

static uint64_t g_cq(struct wire_reader *r)
{
	struct clock_quality cq = wire_get_clock_quality(r);

	return cq.clock_class | cq.clock_accuracy |
	       cq.offset_scaled_log_variance;
}

static uint64_t g_bytes5(struct wire_reader *r)
{
	uint8_t b[5];

	memset(b, 0x77, sizeof(b));
	wire_get_bytes(r, b, sizeof(b));
	return digest(b, sizeof(b));
}

static uint64_t g_view5(struct wire_reader *r)
{
	return wire_get_view(r, 5) != NULL;
}

static uint64_t g_skip5(struct wire_reader *r)
{
	wire_skip(r, 5);
	return 0xFF; /* "data": a skip has none; checked via pos */
}

static const struct getter getters[] = {
	{ "u8", 1, g_u8 },	  { "u16", 2, g_u16 },	{ "u32", 4, g_u32 },
	{ "u48", 6, g_u48 },	  { "u64", 8, g_u64 },	{ "i8", 1, g_i8 },
	{ "i16", 2, g_i16 },	  { "i64", 8, g_i64 },	{ "ts", 10, g_ts },
	{ "port", 10, g_pi },	  { "ci", 8, g_ci },	{ "cq", 4, g_cq },
	{ "bytes", 5, g_bytes5 }, { "view", 5, g_view5 }, { "skip", 5, g_skip5 },
};

#define N_GETTERS (sizeof(getters) / sizeof(getters[0]))

static void test_getters_at_end(void **state)
{
	uint8_t buf[16];
	size_t i, have;

	(void)state;
	memset(buf, 0xFF, sizeof(buf));
	for (i = 0; i < N_GETTERS; i++) {
		const struct getter *g = &getters[i];

		/* exactly enough: succeeds, and reads the 0xFF bytes */
		for (have = g->size; have <= g->size + 1; have++) {
			struct wire_reader r;

			wire_reader_init(&r, buf, have);
			assert_true(g->get(&r) != 0);
			assert_true(wire_reader_ok(&r));
			assert_int_equal(wire_reader_pos(&r), g->size);
		}
		/* one byte short (and every shorter length): zero, error,
		 * position unchanged */
		for (have = 0; have < g->size; have++) {
			struct wire_reader r;
			uint64_t v;

			wire_reader_init(&r, buf, have);
			v = g->get(&r);
			if (g->get != g_skip5)
				assert_true(v == 0);
			assert_false(wire_reader_ok(&r));
			assert_int_equal(wire_reader_pos(&r), 0);
			assert_int_equal(wire_reader_remaining(&r), 0);
		}
		/* the same at the end of a longer buffer, after a skip */
		{
			struct wire_reader r;

			wire_reader_init(&r, buf, 3 + g->size - 1);
			wire_skip(&r, 3);
			assert_true(wire_reader_ok(&r));
			g->get(&r);
			assert_false(wire_reader_ok(&r));
			assert_int_equal(wire_reader_pos(&r), 3);
		}
	}
}

/* --- the sticky error ----------------------------------------------------- */

static void test_sticky_error(void **state)
{
	static const uint8_t buf[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct wire_reader r, sub;
	uint8_t out[2] = { 0x55, 0x55 };
	size_t i;

	(void)state;
	wire_reader_init(&r, buf, sizeof(buf));
	assert_int_equal(wire_get_u16(&r), 0x0102);
	assert_int_equal(wire_get_u16(&r), 0x0304);
	assert_int_equal(wire_get_u64(&r), 0); /* 6 left: fails */
	assert_false(wire_reader_ok(&r));
	/* every later read yields zero, even ones that would fit */
	assert_int_equal(wire_get_u8(&r), 0);
	assert_int_equal(wire_get_u16(&r), 0);
	assert_int_equal(wire_get_u32(&r), 0);
	wire_get_bytes(&r, out, 2);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 0);
	assert_null(wire_get_view(&r, 0));
	wire_get_sub(&r, 0, &sub);
	assert_false(wire_reader_ok(&sub));
	assert_false(wire_reader_ok(&r));
	assert_int_equal(wire_reader_pos(&r), 4);
	/* size_t overflow in a skip is caught too */
	wire_reader_init(&r, buf, sizeof(buf));
	wire_skip(&r, 1);
	wire_skip(&r, SIZE_MAX);
	assert_false(wire_reader_ok(&r));
	assert_int_equal(wire_get_u8(&r), 0);
	for (i = 0; i < 3; i++)
		assert_false(wire_reader_ok(&r));
}

static void test_u64_exact_fit(void **state)
{
	static const uint8_t buf[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct wire_reader r;

	(void)state;
	wire_reader_init(&r, buf, sizeof(buf));
	wire_skip(&r, 2);
	assert_true(wire_get_u64(&r) == 0x030405060708090Aull);
	assert_true(wire_reader_ok(&r));
}

static void test_sub_and_view(void **state)
{
	static const uint8_t buf[] = { 0xAA, 0xBB, 0xCC, 0xDD, 0xEE };
	struct wire_reader r, sub;
	const uint8_t *v;

	(void)state;
	wire_reader_init(&r, buf, sizeof(buf));
	wire_skip(&r, 1);
	wire_get_sub(&r, 2, &sub);
	assert_true(wire_reader_ok(&r));
	assert_int_equal(wire_reader_pos(&r), 3);
	assert_int_equal(wire_get_u16(&sub), 0xBBCC);
	assert_int_equal(wire_get_u8(&sub), 0); /* sub ends at 2 bytes */
	assert_false(wire_reader_ok(&sub));
	assert_true(wire_reader_ok(&r)); /* the parent is not affected */
	v = wire_get_view(&r, 0);
	assert_ptr_equal(v, &buf[3]);
	v = wire_get_view(&r, 2);
	assert_ptr_equal(v, &buf[3]);
	assert_int_equal(wire_reader_remaining(&r), 0);
	v = wire_get_view(&r, 0); /* empty view at the very end is fine */
	assert_non_null(v);
	assert_true(wire_reader_ok(&r));
	wire_get_sub(&r, 1, &sub);
	assert_false(wire_reader_ok(&r));
	assert_false(wire_reader_ok(&sub));
	assert_int_equal(wire_get_u8(&sub), 0);
}

static void test_null_buffers(void **state)
{
	struct wire_reader r;
	struct wire_writer w;

	(void)state;
	wire_reader_init(&r, NULL, 100);
	assert_int_equal(wire_reader_remaining(&r), 0);
	assert_non_null(wire_get_view(&r, 0));
	assert_true(wire_reader_ok(&r));
	assert_int_equal(wire_get_u8(&r), 0);
	assert_false(wire_reader_ok(&r));
	wire_writer_init(&w, NULL, 100);
	assert_int_equal(wire_writer_remaining(&w), 0);
	wire_put_zeros(&w, 0);
	wire_put_bytes(&w, NULL, 0);
	assert_true(wire_writer_ok(&w));
	wire_put_u8(&w, 1);
	assert_false(wire_writer_ok(&w));
}

/* --- writer limits -------------------------------------------------------- */

struct putter {
	size_t size;
	void (*put)(struct wire_writer *w);
};

static void p_u8(struct wire_writer *w) { wire_put_u8(w, 0x11); }
static void p_u16(struct wire_writer *w) { wire_put_u16(w, 0x1111); }
static void p_u32(struct wire_writer *w) { wire_put_u32(w, 0x11111111); }
static void p_u48(struct wire_writer *w) { wire_put_u48(w, 0x111111111111); }
static void p_u64(struct wire_writer *w) { wire_put_u64(w, 1); }
static void p_i8(struct wire_writer *w) { wire_put_i8(w, -1); }
static void p_i16(struct wire_writer *w) { wire_put_i16(w, -1); }
static void p_i64(struct wire_writer *w) { wire_put_i64(w, -1); }
static void p_bytes(struct wire_writer *w) { wire_put_bytes(w, "12345", 5); }
static void p_zeros(struct wire_writer *w) { wire_put_zeros(w, 5); }

static void p_ts(struct wire_writer *w)
{
	struct ptp_timestamp ts = { 1, 1 };

	wire_put_timestamp(w, &ts);
}

static void p_pi(struct wire_writer *w)
{
	wire_put_port_identity(w, &sample_port);
}

static void p_ci(struct wire_writer *w)
{
	wire_put_clock_identity(w, &sample_ci);
}

static void p_cq(struct wire_writer *w)
{
	struct clock_quality cq = { 1, 2, 3 };

	wire_put_clock_quality(w, &cq);
}

static const struct putter putters[] = {
	{ 1, p_u8 },	{ 2, p_u16 },	 { 4, p_u32 }, { 6, p_u48 },
	{ 8, p_u64 },	{ 1, p_i8 },	 { 2, p_i16 }, { 8, p_i64 },
	{ 5, p_bytes }, { 5, p_zeros },	 { 10, p_ts }, { 10, p_pi },
	{ 8, p_ci },	{ 4, p_cq },
};

static void test_putters_at_end(void **state)
{
	size_t i, cap;

	(void)state;
	for (i = 0; i < sizeof(putters) / sizeof(putters[0]); i++) {
		for (cap = 0; cap <= putters[i].size; cap++) {
			uint8_t buf[16];
			struct wire_writer w;
			size_t k;

			memset(buf, 0xA5, sizeof(buf));
			wire_writer_init(&w, buf, cap);
			putters[i].put(&w);
			if (cap == putters[i].size) {
				assert_true(wire_writer_ok(&w));
				assert_int_equal(wire_writer_pos(&w), cap);
				continue;
			}
			/* refused as a whole: nothing written at all */
			assert_false(wire_writer_ok(&w));
			assert_int_equal(wire_writer_pos(&w), 0);
			for (k = 0; k < sizeof(buf); k++)
				assert_int_equal(buf[k], 0xA5);
			/* sticky: a byte that would fit is refused too */
			if (cap > 0) {
				wire_put_u8(&w, 0);
				assert_false(wire_writer_ok(&w));
				assert_int_equal(buf[0], 0xA5);
			}
		}
	}
}

static void test_patch_and_view(void **state)
{
	uint8_t buf[8];
	struct wire_writer w;

	(void)state;
	wire_writer_init(&w, buf, sizeof(buf));
	wire_put_u16(&w, 0);
	wire_put_u32(&w, 0xCAFEBABE);
	wire_patch_u16(&w, 0, 0xBEEF);
	assert_true(wire_writer_ok(&w));
	assert_int_equal(buf[0], 0xBE);
	assert_int_equal(buf[1], 0xEF);
	assert_ptr_equal(wire_writer_view(&w, 2), &buf[2]);
	assert_ptr_equal(wire_writer_view(&w, 6), &buf[6]);
	assert_null(wire_writer_view(&w, 7));
	wire_patch_u16(&w, 5, 1); /* would write past what was written */
	assert_false(wire_writer_ok(&w));
	assert_int_equal(buf[5], 0xBE);
	wire_writer_init(&w, buf, sizeof(buf));
	wire_put_u16(&w, 1);
	wire_patch_u16(&w, SIZE_MAX, 1);
	assert_false(wire_writer_ok(&w));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_bytes),
		cmocka_unit_test(test_reader_round_trip),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_getters_at_end),
		cmocka_unit_test(test_sticky_error),
		cmocka_unit_test(test_u64_exact_fit),
		cmocka_unit_test(test_sub_and_view),
		cmocka_unit_test(test_null_buffers),
		cmocka_unit_test(test_putters_at_end),
		cmocka_unit_test(test_patch_and_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
