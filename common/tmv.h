/*
 * common/tmv.h — time values.
 *
 * Every timestamp and interval inside hvptp is an int64 count of nanoseconds
 * wrapped in tmv_t, so that a raw integer cannot be passed where a time is
 * meant by accident.  Wire timestamps (48-bit seconds + 32-bit nanoseconds)
 * convert to and from tmv_t here; correctionField values stay scaled
 * (units of 2^-16 ns, type int64_t) until they are added to a time.
 * Pure: no clock reads.
 */
#ifndef HVPTP_COMMON_TMV_H
#define HVPTP_COMMON_TMV_H

#include <stdbool.h>
#include <stdint.h>

#define NS_PER_SEC 1000000000LL
#define NS_PER_MS 1000000LL
#define NS_PER_US 1000LL

typedef struct {
	int64_t ns;
} tmv_t;

/* A PTP Timestamp as carried on the wire (IEEE 1588-2019 5.3.3). */
struct ptp_timestamp {
	uint64_t seconds; /* secondsField, 48 bits used */
	uint32_t nanoseconds; /* nanosecondsField, < 10^9 */
};

static inline tmv_t tmv_from_ns(int64_t ns)
{
	tmv_t t = { ns };
	return t;
}

static inline int64_t tmv_to_ns(tmv_t t)
{
	return t.ns;
}

static inline tmv_t tmv_add(tmv_t a, tmv_t b)
{
	return tmv_from_ns(a.ns + b.ns);
}

static inline tmv_t tmv_sub(tmv_t a, tmv_t b)
{
	return tmv_from_ns(a.ns - b.ns);
}

static inline int tmv_cmp(tmv_t a, tmv_t b)
{
	return (a.ns > b.ns) - (a.ns < b.ns);
}

static inline bool tmv_is_zero(tmv_t t)
{
	return t.ns == 0;
}

static inline double tmv_to_seconds(tmv_t t)
{
	return (double)t.ns / 1e9;
}

/* Scaled correction (2^-16 ns) to nanoseconds, rounding toward zero. */
static inline int64_t tmv_scaled_to_ns(int64_t scaled)
{
	return scaled / 65536;
}

static inline tmv_t tmv_from_scaled(int64_t scaled)
{
	return tmv_from_ns(tmv_scaled_to_ns(scaled));
}

/* 2^log2 seconds in ns (log intervals of the protocol), clamped to
 * -24 .. 24 (60 ns .. 194 days).  The configuration accepts ptp4l's
 * -128 .. 127; the clamp keeps every deadline the core computes from one
 * (at most 256 intervals ahead: announceReceiptTimeout, qualification)
 * inside int64 ns. */
#define TMV_LOG_INTERVAL_MAX 24
static inline int64_t tmv_log_interval_ns(int log2)
{
	if (log2 < -TMV_LOG_INTERVAL_MAX)
		log2 = -TMV_LOG_INTERVAL_MAX;
	if (log2 > TMV_LOG_INTERVAL_MAX)
		log2 = TMV_LOG_INTERVAL_MAX;
	return log2 >= 0 ? NS_PER_SEC << log2 : NS_PER_SEC >> -log2;
}

/*
 * Wire timestamp to tmv_t.  Returns false (and leaves *out alone) when the
 * value does not fit int64 ns or nanoseconds >= 10^9: such input is bad.
 */
bool tmv_from_ptp_timestamp(const struct ptp_timestamp *ts, tmv_t *out);

/* tmv_t (must be >= 0) to a wire timestamp; negative times give zero. */
struct ptp_timestamp tmv_to_ptp_timestamp(tmv_t t);

#endif
