/*
 * bc/wire.h — bounds-checked reader and writer over a byte buffer.
 *
 * Every PTP field is read and written through these helpers, in network
 * order (big-endian).  Neither side ever touches a byte outside [0, len):
 * once an access would run past the end, the error flag sticks, the position
 * stops moving, every later read yields zero (and writes nothing), and the
 * caller checks wire_reader_ok()/wire_writer_ok() once at the end.  Reads of
 * derived types (Timestamp, PortIdentity, ClockQuality) are all-or-nothing:
 * a short buffer yields a zeroed value.  Pure: no I/O, no allocation.
 */
#ifndef HVPTP_BC_WIRE_H
#define HVPTP_BC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ptp_types.h"
#include "common/tmv.h"

/* Sizes of the derived types on the wire (IEEE 1588-2019 5.3). */
#define WIRE_TIMESTAMP_LEN 10
#define WIRE_CLOCK_IDENTITY_LEN 8
#define WIRE_PORT_IDENTITY_LEN 10
#define WIRE_CLOCK_QUALITY_LEN 4
#define WIRE_U48_MAX 0xFFFFFFFFFFFFull

struct wire_reader {
	const uint8_t *buf;
	size_t len; /* bytes readable from buf */
	size_t pos; /* next byte to read */
	bool error; /* sticky: an access ran past len */
};

struct wire_writer {
	uint8_t *buf;
	size_t cap; /* bytes writable in buf */
	size_t pos; /* next byte to write == bytes written */
	bool error; /* sticky: a write would have run past cap */
};

/* --- reader ------------------------------------------------------------ */

void wire_reader_init(struct wire_reader *r, const uint8_t *buf, size_t len);

static inline bool wire_reader_ok(const struct wire_reader *r)
{
	return !r->error;
}

static inline size_t wire_reader_pos(const struct wire_reader *r)
{
	return r->pos;
}

/* Bytes left to read (0 once the error flag is set). */
size_t wire_reader_remaining(const struct wire_reader *r);

uint8_t wire_get_u8(struct wire_reader *r);
uint16_t wire_get_u16(struct wire_reader *r);
uint32_t wire_get_u32(struct wire_reader *r);
uint64_t wire_get_u48(struct wire_reader *r);
uint64_t wire_get_u64(struct wire_reader *r);
int8_t wire_get_i8(struct wire_reader *r);
int16_t wire_get_i16(struct wire_reader *r);
int64_t wire_get_i64(struct wire_reader *r);

/* Copy n bytes to dst; on a short buffer dst is zero-filled. */
void wire_get_bytes(struct wire_reader *r, void *dst, size_t n);

/* Advance by n bytes without reading them. */
void wire_skip(struct wire_reader *r, size_t n);

/*
 * Borrow the next n bytes in place: returns a pointer into the buffer and
 * advances, or NULL (error set) when fewer than n bytes are left.  With
 * n == 0 and no error it returns the current position (never dereference).
 */
const uint8_t *wire_get_view(struct wire_reader *r, size_t n);

/*
 * Split off the next n bytes as a reader of their own (sub), advancing r
 * past them.  On a short buffer r's error is set and sub is empty with its
 * error set too.
 */
void wire_get_sub(struct wire_reader *r, size_t n, struct wire_reader *sub);

struct ptp_timestamp wire_get_timestamp(struct wire_reader *r);
struct clock_identity wire_get_clock_identity(struct wire_reader *r);
struct port_identity wire_get_port_identity(struct wire_reader *r);
struct clock_quality wire_get_clock_quality(struct wire_reader *r);

/* --- writer ------------------------------------------------------------ */

void wire_writer_init(struct wire_writer *w, uint8_t *buf, size_t cap);

static inline bool wire_writer_ok(const struct wire_writer *w)
{
	return !w->error;
}

static inline size_t wire_writer_pos(const struct wire_writer *w)
{
	return w->pos;
}

/* Bytes still writable (0 once the error flag is set). */
size_t wire_writer_remaining(const struct wire_writer *w);

void wire_put_u8(struct wire_writer *w, uint8_t v);
void wire_put_u16(struct wire_writer *w, uint16_t v);
void wire_put_u32(struct wire_writer *w, uint32_t v);
/* Writes the low 48 bits of v. */
void wire_put_u48(struct wire_writer *w, uint64_t v);
void wire_put_u64(struct wire_writer *w, uint64_t v);
void wire_put_i8(struct wire_writer *w, int8_t v);
void wire_put_i16(struct wire_writer *w, int16_t v);
void wire_put_i64(struct wire_writer *w, int64_t v);
/* src may be NULL only when n == 0. */
void wire_put_bytes(struct wire_writer *w, const void *src, size_t n);
void wire_put_zeros(struct wire_writer *w, size_t n);

/* Seconds are written as their low 48 bits. */
void wire_put_timestamp(struct wire_writer *w, const struct ptp_timestamp *ts);
void wire_put_clock_identity(struct wire_writer *w,
			     const struct clock_identity *ci);
void wire_put_port_identity(struct wire_writer *w,
			    const struct port_identity *pi);
void wire_put_clock_quality(struct wire_writer *w,
			    const struct clock_quality *cq);

/*
 * Overwrite a u16 already written at offset off (< pos), e.g. a length
 * field filled in once the data after it is known.  Sets the error flag
 * if off + 2 > pos.
 */
void wire_patch_u16(struct wire_writer *w, size_t off, uint16_t v);

/* A read-only view of the bytes written at [off, pos), or NULL when off is
 * past pos.  Used to point a struct ptp_tlv at a value just built. */
const uint8_t *wire_writer_view(const struct wire_writer *w, size_t off);

#endif
