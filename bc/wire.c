/* bc/wire.c — bounds-checked big-endian reader and writer (see wire.h). */
#include "bc/wire.h"

#include <string.h>

/* Stands in for a NULL buffer, so that no pointer arithmetic is ever done
 * on NULL (even "NULL + 0" is undefined).  Never written: its length is 0. */
static uint8_t wire_empty[1];

/* --- reader ------------------------------------------------------------ */

void wire_reader_init(struct wire_reader *r, const uint8_t *buf, size_t len)
{
	r->buf = buf ? buf : wire_empty;
	r->len = buf ? len : 0;
	r->pos = 0;
	r->error = false;
}

size_t wire_reader_remaining(const struct wire_reader *r)
{
	if (r->error || r->pos > r->len)
		return 0;
	return r->len - r->pos;
}

/*
 * The single place that moves the read position: n bytes at the current
 * position, or NULL (and the sticky error) if they are not all there.
 */
static const uint8_t *reader_take(struct wire_reader *r, size_t n)
{
	const uint8_t *p;

	if (r->error || n > wire_reader_remaining(r)) {
		r->error = true;
		return NULL;
	}
	p = r->buf + r->pos;
	r->pos += n;
	return p;
}

/* Big-endian value of n (<= 8) bytes, or 0 on a short buffer. */
static uint64_t reader_get_be(struct wire_reader *r, size_t n)
{
	const uint8_t *p = reader_take(r, n);
	uint64_t v = 0;
	size_t i;

	if (!p)
		return 0;
	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

uint8_t wire_get_u8(struct wire_reader *r)
{
	return (uint8_t)reader_get_be(r, 1);
}

uint16_t wire_get_u16(struct wire_reader *r)
{
	return (uint16_t)reader_get_be(r, 2);
}

uint32_t wire_get_u32(struct wire_reader *r)
{
	return (uint32_t)reader_get_be(r, 4);
}

uint64_t wire_get_u48(struct wire_reader *r)
{
	return reader_get_be(r, 6);
}

uint64_t wire_get_u64(struct wire_reader *r)
{
	return reader_get_be(r, 8);
}

/* Conversions to signed types are two's complement (gcc and clang define
 * the implementation-defined out-of-range case that way). */
int8_t wire_get_i8(struct wire_reader *r)
{
	return (int8_t)wire_get_u8(r);
}

int16_t wire_get_i16(struct wire_reader *r)
{
	return (int16_t)wire_get_u16(r);
}

int64_t wire_get_i64(struct wire_reader *r)
{
	return (int64_t)wire_get_u64(r);
}

void wire_get_bytes(struct wire_reader *r, void *dst, size_t n)
{
	const uint8_t *p = reader_take(r, n);

	if (n == 0)
		return;
	if (p)
		memcpy(dst, p, n);
	else
		memset(dst, 0, n);
}

void wire_skip(struct wire_reader *r, size_t n)
{
	reader_take(r, n);
}

const uint8_t *wire_get_view(struct wire_reader *r, size_t n)
{
	return reader_take(r, n);
}

void wire_get_sub(struct wire_reader *r, size_t n, struct wire_reader *sub)
{
	const uint8_t *p = reader_take(r, n);

	wire_reader_init(sub, p, p ? n : 0);
	if (!p)
		sub->error = true;
}

struct ptp_timestamp wire_get_timestamp(struct wire_reader *r)
{
	struct ptp_timestamp ts = { 0, 0 };
	struct wire_reader sub;

	wire_get_sub(r, WIRE_TIMESTAMP_LEN, &sub);
	if (!wire_reader_ok(&sub))
		return ts;
	ts.seconds = wire_get_u48(&sub);
	ts.nanoseconds = wire_get_u32(&sub);
	return ts;
}

struct clock_identity wire_get_clock_identity(struct wire_reader *r)
{
	struct clock_identity ci;

	wire_get_bytes(r, ci.id, sizeof(ci.id));
	return ci;
}

struct port_identity wire_get_port_identity(struct wire_reader *r)
{
	struct port_identity pi;
	struct wire_reader sub;

	memset(&pi, 0, sizeof(pi));
	wire_get_sub(r, WIRE_PORT_IDENTITY_LEN, &sub);
	if (!wire_reader_ok(&sub))
		return pi;
	pi.clock_identity = wire_get_clock_identity(&sub);
	pi.port_number = wire_get_u16(&sub);
	return pi;
}

struct clock_quality wire_get_clock_quality(struct wire_reader *r)
{
	struct clock_quality cq = { 0, 0, 0 };
	struct wire_reader sub;

	wire_get_sub(r, WIRE_CLOCK_QUALITY_LEN, &sub);
	if (!wire_reader_ok(&sub))
		return cq;
	cq.clock_class = wire_get_u8(&sub);
	cq.clock_accuracy = wire_get_u8(&sub);
	cq.offset_scaled_log_variance = wire_get_u16(&sub);
	return cq;
}

/* --- writer ------------------------------------------------------------ */

void wire_writer_init(struct wire_writer *w, uint8_t *buf, size_t cap)
{
	w->buf = buf ? buf : wire_empty;
	w->cap = buf ? cap : 0;
	w->pos = 0;
	w->error = false;
}

size_t wire_writer_remaining(const struct wire_writer *w)
{
	if (w->error || w->pos > w->cap)
		return 0;
	return w->cap - w->pos;
}

/* The single place that moves the write position (see reader_take). */
static uint8_t *writer_take(struct wire_writer *w, size_t n)
{
	uint8_t *p;

	if (w->error || n > wire_writer_remaining(w)) {
		w->error = true;
		return NULL;
	}
	p = w->buf + w->pos;
	w->pos += n;
	return p;
}

static void writer_put_be(struct wire_writer *w, uint64_t v, size_t n)
{
	uint8_t *p = writer_take(w, n);
	size_t i;

	if (!p)
		return;
	for (i = n; i > 0; i--) {
		p[i - 1] = (uint8_t)v;
		v >>= 8;
	}
}

void wire_put_u8(struct wire_writer *w, uint8_t v)
{
	writer_put_be(w, v, 1);
}

void wire_put_u16(struct wire_writer *w, uint16_t v)
{
	writer_put_be(w, v, 2);
}

void wire_put_u32(struct wire_writer *w, uint32_t v)
{
	writer_put_be(w, v, 4);
}

void wire_put_u48(struct wire_writer *w, uint64_t v)
{
	writer_put_be(w, v & WIRE_U48_MAX, 6);
}

void wire_put_u64(struct wire_writer *w, uint64_t v)
{
	writer_put_be(w, v, 8);
}

void wire_put_i8(struct wire_writer *w, int8_t v)
{
	writer_put_be(w, (uint8_t)v, 1);
}

void wire_put_i16(struct wire_writer *w, int16_t v)
{
	writer_put_be(w, (uint16_t)v, 2);
}

void wire_put_i64(struct wire_writer *w, int64_t v)
{
	writer_put_be(w, (uint64_t)v, 8);
}

void wire_put_bytes(struct wire_writer *w, const void *src, size_t n)
{
	uint8_t *p;

	if (n && !src) {
		w->error = true;
		return;
	}
	p = writer_take(w, n);
	if (p && n)
		memcpy(p, src, n);
}

void wire_put_zeros(struct wire_writer *w, size_t n)
{
	uint8_t *p = writer_take(w, n);

	if (p && n)
		memset(p, 0, n);
}

void wire_put_timestamp(struct wire_writer *w, const struct ptp_timestamp *ts)
{
	if (wire_writer_remaining(w) < WIRE_TIMESTAMP_LEN) {
		w->error = true;
		return;
	}
	wire_put_u48(w, ts->seconds);
	wire_put_u32(w, ts->nanoseconds);
}

void wire_put_clock_identity(struct wire_writer *w,
			     const struct clock_identity *ci)
{
	wire_put_bytes(w, ci->id, sizeof(ci->id));
}

void wire_put_port_identity(struct wire_writer *w,
			    const struct port_identity *pi)
{
	if (wire_writer_remaining(w) < WIRE_PORT_IDENTITY_LEN) {
		w->error = true;
		return;
	}
	wire_put_clock_identity(w, &pi->clock_identity);
	wire_put_u16(w, pi->port_number);
}

void wire_put_clock_quality(struct wire_writer *w,
			    const struct clock_quality *cq)
{
	if (wire_writer_remaining(w) < WIRE_CLOCK_QUALITY_LEN) {
		w->error = true;
		return;
	}
	wire_put_u8(w, cq->clock_class);
	wire_put_u8(w, cq->clock_accuracy);
	wire_put_u16(w, cq->offset_scaled_log_variance);
}

void wire_patch_u16(struct wire_writer *w, size_t off, uint16_t v)
{
	if (w->error || off > w->pos || w->pos - off < 2) {
		w->error = true;
		return;
	}
	w->buf[off] = (uint8_t)(v >> 8);
	w->buf[off + 1] = (uint8_t)v;
}

const uint8_t *wire_writer_view(const struct wire_writer *w, size_t off)
{
	if (off > w->pos)
		return NULL;
	return w->buf + off;
}
