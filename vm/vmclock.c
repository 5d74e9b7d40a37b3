/*
 * vm/vmclock.c — the vmclock page's pure parts: fill, seqlock write, the
 * guest's read and the counter <-> TAI estimator (see vmclock.h).
 *
 * The sequence lock follows the C11 pattern that is free of data races:
 * every field is written and read with relaxed atomic accesses of its own
 * size; the writer stores the odd seq_count, a release fence, the fields,
 * then the even seq_count with release; the reader loads seq_count with
 * acquire, the fields, an acquire fence, and seq_count again.  On x86 and
 * arm64 these are the plain stores and loads (plus dmb on arm64) that the
 * guest's kernel pairs with its virt_rmb().
 *
 * Byte order: the ABI is little-endian and so are the two architectures
 * that have a counter for it (x86_64, arm64); a big-endian build refuses
 * the page (vm_vmclock_fill fails) rather than write it wrong.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "vm/vmclock.h"

#define NS 1000000000LL

typedef unsigned __int128 u128;

static bool host_le(void)
{
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
}

const char *vm_vmclock_status_name(unsigned int status)
{
	static const char *const n[] = { "unknown", "initializing",
					 "synchronized", "freerunning",
					 "unreliable" };

	return status < sizeof(n) / sizeof(n[0]) ? n[status] : NULL;
}

const char *vm_vmclock_counter_name(unsigned int id)
{
	if (id == VM_VMCLOCK_COUNTER_ARM_VCNT)
		return "arm_vcnt";
	if (id == VM_VMCLOCK_COUNTER_X86_TSC)
		return "x86_tsc";
	if (id == VM_VMCLOCK_COUNTER_INVALID)
		return "invalid";
	return NULL;
}

const char *vm_vmclock_time_type_name(unsigned int type)
{
	static const char *const n[] = { "utc", "tai", "monotonic",
					 "invalid_smeared",
					 "invalid_maybe_smeared" };

	return type < sizeof(n) / sizeof(n[0]) ? n[type] : NULL;
}

const char *vm_vmclock_leap_name(unsigned int leap)
{
	static const char *const n[] = { "none", "pre_pos", "pre_neg",
					 "pos", "post_pos", "post_neg" };

	return leap < sizeof(n) / sizeof(n[0]) ? n[leap] : NULL;
}

const char *vm_vmclock_flag_name(unsigned int bit)
{
	static const char *const n[] = {
		"tai_offset_valid", "disruption_soon", "disruption_imminent",
		"period_esterror_valid", "period_maxerror_valid",
		"time_esterror_valid", "time_maxerror_valid", "time_monotonic",
		"vm_gen_counter_present",
	};

	return bit < sizeof(n) / sizeof(n[0]) ? n[bit] : NULL;
}

uint8_t vm_vmclock_status_for(const struct vm_vmclock_facts *f)
{
	if (!f->counter_ok)
		return VM_VMCLOCK_STATUS_UNRELIABLE;
	if (!f->relation)
		return VM_VMCLOCK_STATUS_INITIALIZING;
	if (!f->adjusted)
		return VM_VMCLOCK_STATUS_FREERUNNING;
	if (f->synced)
		return f->holdover ? VM_VMCLOCK_STATUS_FREERUNNING
				   : VM_VMCLOCK_STATUS_SYNCHRONIZED;
	return f->ever_synced ? VM_VMCLOCK_STATUS_UNRELIABLE
			      : VM_VMCLOCK_STATUS_INITIALIZING;
}

bool vm_vmclock_bounds_known(const struct vm_vmclock_facts *f)
{
	return f->counter_ok && f->relation && f->adjusted && f->synced;
}

void vm_vmclock_init(struct vm_vmclock_abi *p, uint8_t counter_id)
{
	memset(p, 0, sizeof(*p));
	p->magic = VM_VMCLOCK_MAGIC;
	p->size = VM_VMCLOCK_PAGE_SIZE;
	p->version = VM_VMCLOCK_VERSION;
	p->counter_id = counter_id;
	p->time_type = VM_VMCLOCK_TIME_TAI;
}

/* x ns in units of 2^-(64 + shift) s, saturated. */
static uint64_t ns_to_frac(double ns, int shift)
{
	double v = ldexp(ns / (double)NS, 64 + shift);

	if (!(v >= 0.0))
		return 0;
	return v >= 0x1p64 ? UINT64_MAX : (uint64_t)v;
}

static uint64_t bound_ns(double ns, uint64_t *flags, uint64_t flag)
{
	if (!(ns >= 0.0) || !isfinite(ns))
		return 0;
	*flags |= flag;
	return ns >= 0x1p63 ? (uint64_t)INT64_MAX : (uint64_t)ceil(ns);
}

/* The period's shift: the largest that keeps P * 2^(64 + shift) below
 * 2^64, i.e. P * 2^shift < 1; -1 when none does. */
static int period_shift(double period_ns)
{
	int e;

	if (!(period_ns > 0.0) || !isfinite(period_ns))
		return -1;
	frexp(period_ns / (double)NS, &e); /* P = m * 2^e, 0.5 <= m < 1 */
	return -e >= 0 && -e <= 255 ? -e : -1;
}

int vm_vmclock_fill(struct vm_vmclock_abi *p, const struct vm_vmclock_rel *r,
		    const struct vm_vmclock_pub *pub)
{
	int shift = period_shift(r->period_ns);
	uint64_t flags = 0, rem;
	int64_t sec;

	if (shift < 0 || !host_le() || r->tai_ns < 0 || !(r->tai_frac_ns >= 0.0) ||
	    r->tai_frac_ns >= 1.0)
		return -EINVAL;
	sec = r->tai_ns / NS;
	rem = (uint64_t)(r->tai_ns % NS);
	p->time_sec = (uint64_t)sec;
	p->time_frac_sec = (uint64_t)(((u128)rem << 64) / (u128)NS) +
			   (uint64_t)ldexp(r->tai_frac_ns / (double)NS, 64);
	p->counter_value = r->counter;
	p->counter_period_shift = (uint8_t)shift;
	p->counter_period_frac_sec = ns_to_frac(r->period_ns, shift);
	p->counter_period_esterror_rate_frac_sec = 0;
	p->counter_period_maxerror_rate_frac_sec = 0;
	if (pub->period_esterror_ns >= 0.0) {
		flags |= VM_VMCLOCK_FLAG_PERIOD_ESTERROR_VALID;
		p->counter_period_esterror_rate_frac_sec =
			ns_to_frac(pub->period_esterror_ns, shift);
	}
	if (pub->period_maxerror_ns >= 0.0) {
		flags |= VM_VMCLOCK_FLAG_PERIOD_MAXERROR_VALID;
		p->counter_period_maxerror_rate_frac_sec =
			ns_to_frac(pub->period_maxerror_ns, shift);
	}
	p->time_esterror_nanosec = bound_ns(pub->time_esterror_ns, &flags,
					    VM_VMCLOCK_FLAG_TIME_ESTERROR_VALID);
	p->time_maxerror_nanosec = bound_ns(pub->time_maxerror_ns, &flags,
					    VM_VMCLOCK_FLAG_TIME_MAXERROR_VALID);
	if (pub->tai_offset_valid)
		flags |= VM_VMCLOCK_FLAG_TAI_OFFSET_VALID;
	p->flags = flags;
	p->disruption_marker = pub->disruption_marker;
	p->clock_status = pub->clock_status;
	p->leap_second_smearing_hint = VM_VMCLOCK_SMEARING_STRICT;
	p->tai_offset_sec = (uint16_t)(int16_t)pub->tai_offset_s;
	p->leap_indicator = pub->leap_indicator;
	return 0;
}

/* Every field under the lock, in one list for the writer and the reader. */
#define VMCLOCK_LOCKED_FIELDS(X)                                          \
	X(disruption_marker) X(flags) X(pad[0]) X(pad[1]) X(clock_status) \
	X(leap_second_smearing_hint) X(tai_offset_sec) X(leap_indicator)  \
	X(counter_period_shift) X(counter_value)                          \
	X(counter_period_frac_sec)                                        \
	X(counter_period_esterror_rate_frac_sec)                          \
	X(counter_period_maxerror_rate_frac_sec) X(time_sec)              \
	X(time_frac_sec) X(time_esterror_nanosec)                         \
	X(time_maxerror_nanosec) X(vm_generation_counter)

void vm_vmclock_write(struct vm_vmclock_abi *dst,
		      const struct vm_vmclock_abi *src)
{
	uint32_t seq = __atomic_load_n(&dst->seq_count, __ATOMIC_RELAXED);
	uint32_t odd = seq | 1u; /* odd already: a writer died mid-way */

	__atomic_store_n(&dst->seq_count, odd, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
#define VMCLOCK_ST(f) __atomic_store_n(&dst->f, src->f, __ATOMIC_RELAXED);
	VMCLOCK_LOCKED_FIELDS(VMCLOCK_ST)
#undef VMCLOCK_ST
	__atomic_store_n(&dst->seq_count, odd + 1u, __ATOMIC_RELEASE);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

int vm_vmclock_read(const struct vm_vmclock_abi *page,
		    vm_vmclock_counter_fn counter, void *ctx, long max_tries,
		    struct vm_vmclock_reading *out)
{
	struct vm_vmclock_abi *c = &out->copy;

	out->retries = 0;
	for (long i = 0; i < max_tries; i++) {
		uint32_t s0 = __atomic_load_n(&page->seq_count, __ATOMIC_ACQUIRE);

		if (s0 & 1u) {
			out->retries++;
			cpu_relax();
			continue;
		}
#define VMCLOCK_LD(f) c->f = __atomic_load_n(&page->f, __ATOMIC_RELAXED);
		VMCLOCK_LD(magic) VMCLOCK_LD(size) VMCLOCK_LD(version)
		VMCLOCK_LD(counter_id) VMCLOCK_LD(time_type)
		VMCLOCK_LOCKED_FIELDS(VMCLOCK_LD)
#undef VMCLOCK_LD
		out->counter = counter ? counter(ctx) : 0;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&page->seq_count, __ATOMIC_RELAXED) == s0) {
			c->seq_count = s0;
			return 0;
		}
		out->retries++;
	}
	return -EAGAIN;
}

bool vm_vmclock_time_at(const struct vm_vmclock_abi *p, uint64_t c,
			int64_t *sec, uint64_t *frac)
{
	u128 t1 = ((u128)p->time_sec << 64) | p->time_frac_sec, prod;
	uint64_t delta = c - p->counter_value;
	bool back = (int64_t)delta < 0;

	if (p->counter_id == VM_VMCLOCK_COUNTER_INVALID ||
	    !p->counter_period_frac_sec)
		return false;
	if (back)
		delta = -delta;
	prod = (u128)delta * p->counter_period_frac_sec;
	prod = p->counter_period_shift >= 128 ? 0
					      : prod >> p->counter_period_shift;
	t1 = back ? t1 - prod : t1 + prod;
	*sec = (int64_t)(uint64_t)(t1 >> 64);
	*frac = (uint64_t)t1;
	return true;
}

uint32_t vm_vmclock_frac_to_ns(uint64_t frac)
{
	return (uint32_t)(((u128)frac * (u128)NS) >> 64);
}

/* ---- the estimator ---- */

int vm_vmclock_pick(const struct vm_vmclock_pair *p, int n)
{
	int best = -1;

	for (int i = 0; i < n; i++) {
		if (p[i].after < p[i].before)
			continue;
		if (best < 0 || p[i].after - p[i].before <
					p[best].after - p[best].before)
			best = i;
	}
	return best;
}

void vm_vmclock_sample_of(const struct vm_vmclock_pair *p, int tai_offset_s,
			  struct vm_vmclock_sample *s)
{
	uint64_t w = p->after - p->before;

	s->counter = p->before + w / 2;
	s->ns = p->clock_ns + (int64_t)tai_offset_s * NS;
	s->window = (int64_t)w;
}

void vm_vmclock_est_init(struct vm_vmclock_est *e, int window)
{
	memset(e, 0, sizeof(*e));
	e->window = window < 2 ? 2
		    : window > VM_VMCLOCK_EST_MAX ? VM_VMCLOCK_EST_MAX
						  : window;
}

void vm_vmclock_est_reset(struct vm_vmclock_est *e)
{
	e->n = 0;
	e->head = 0;
}

static const struct vm_vmclock_sample *est_at(const struct vm_vmclock_est *e,
					      int age)
{
	int i = (e->head - 1 - age + 2 * VM_VMCLOCK_EST_MAX) %
		VM_VMCLOCK_EST_MAX;

	return &e->s[i];
}

bool vm_vmclock_est_add(struct vm_vmclock_est *e,
			const struct vm_vmclock_sample *s)
{
	struct vm_vmclock_rel r;
	bool step = false;

	if (e->n > 0 && (int64_t)(s->counter - est_at(e, 0)->counter) <= 0) {
		step = true; /* the counter went back: not the same counter */
	} else if (vm_vmclock_est_solve(e, &r) == 0) {
		double dx = (double)(int64_t)(s->counter - r.counter);
		double pred = (double)(r.tai_ns - s->ns) + r.tai_frac_ns +
			      r.period_ns * dx;

		step = fabs(pred) > (double)VM_VMCLOCK_STEP_NS;
	}
	if (step) {
		e->steps++;
		vm_vmclock_est_reset(e);
	}
	e->s[e->head] = *s;
	e->head = (e->head + 1) % VM_VMCLOCK_EST_MAX;
	if (e->n < VM_VMCLOCK_EST_MAX)
		e->n++;
	return step;
}

/* Least squares over m samples, x and y relative to the newest. */
struct est_fit {
	double a, b, sxx, sse;
};

static void est_fit(const struct vm_vmclock_est *e, int m, struct est_fit *f)
{
	const struct vm_vmclock_sample *ref = est_at(e, 0);
	double xm = 0.0, ym = 0.0, sxy = 0.0;

	f->sxx = f->sse = 0.0;
	for (int i = 0; i < m; i++) {
		xm += (double)(int64_t)(est_at(e, i)->counter - ref->counter);
		ym += (double)(est_at(e, i)->ns - ref->ns);
	}
	xm /= m;
	ym /= m;
	for (int i = 0; i < m; i++) {
		double dx = (double)(int64_t)(est_at(e, i)->counter -
					      ref->counter) - xm;
		double dy = (double)(est_at(e, i)->ns - ref->ns) - ym;

		f->sxx += dx * dx;
		sxy += dx * dy;
	}
	f->b = f->sxx > 0.0 ? sxy / f->sxx : 0.0;
	f->a = ym - f->b * xm;
	for (int i = 0; i < m; i++) {
		double x = (double)(int64_t)(est_at(e, i)->counter -
					     ref->counter);
		double r = (double)(est_at(e, i)->ns - ref->ns) -
			   (f->a + f->b * x);

		f->sse += r * r;
	}
}

int vm_vmclock_est_solve(struct vm_vmclock_est *e, struct vm_vmclock_rel *r)
{
	int m = e->n < e->window ? e->n : e->window;
	const struct vm_vmclock_sample *ref;
	struct est_fit f = { 0 };
	double fl;

	if (m == 0 || (m == 1 && !(e->prior_period_ns > 0.0)))
		return -EAGAIN;
	ref = est_at(e, 0);
	if (m >= 2)
		est_fit(e, m, &f);
	if (!(f.b > 0.0)) { /* one sample, or a line that makes no sense */
		if (!(e->prior_period_ns > 0.0))
			return -EAGAIN;
		f.a = 0.0;
		f.b = e->prior_period_ns;
		m = 1;
	}
	e->prior_period_ns = f.b;
	fl = floor(f.a);
	r->counter = ref->counter;
	r->tai_ns = ref->ns + (int64_t)fl;
	r->tai_frac_ns = f.a - fl;
	r->period_ns = f.b;
	r->period_se_ns = m >= 3 ? sqrt(f.sse / (m - 2) / f.sxx) : -1.0;
	r->resid_ns = m >= 3 ? sqrt(f.sse / (m - 2)) : -1.0;
	r->window = ref->window;
	r->n = m;
	return 0;
}
