/*
 * daemon/vmclock_svc.h — the vmclock page as a service of the poll loop.
 *
 * With vmclock_file set, hvptpd keeps that page (vm/vmclock.h) up to date
 * vmclock_rate times a second from the same single thread as everything
 * else: each update takes a burst of paired readings of the CPU counter
 * against CLOCK_REALTIME (the clock the clock set steers from the
 * reference), keeps the pair with the shortest window, converts it to TAI
 * with the UTC offset in force (timePropertiesDS and the latched leap
 * second, as the executor uses them), feeds the estimator and writes the
 * page under its sequence lock.  The content is made by
 * daemon/vmclock_pub.c, which the simulator shares; this service owns the
 * file, the counter check and the timer.
 *
 * What the page says (vm_vmclock_status_for):
 *  - INITIALIZING until the estimator has a relation and, when hvptpd
 *    steers the system clock, until that clock is locked;
 *  - SYNCHRONIZED while the system clock is locked to the reference (the
 *    executor's view: the reference locked to a master, or a traceable
 *    grandmaster, and the system clock locked to the reference), with
 *    time bounds from the servos' error estimates (as told to the
 *    kernel), plus the line's residual and half the read window; period
 *    bounds from the line's standard error (est 1x, max 4x);
 *  - FREERUNNING in holdover (bounds growing with the holdover's), and
 *    also, without any bounds, when hvptpd does not steer the system
 *    clock at all (free_running 1, system_clock_sync 0): the page then
 *    carries the host's clock as it runs, never claiming a reference;
 *  - UNRELIABLE once lost after having been synchronised (no holdover),
 *    on a host whose TSC lacks constant_tsc/nonstop_tsc, and when
 *    hvptpd stops (the page stays, nobody updates it any more).
 * disruption_marker moves on at every step of the system clock: hvptpd's
 * own (the clock set's count) and any the estimator sees from outside
 * (a sample more than VM_VMCLOCK_STEP_NS off the line).
 */
#ifndef HVPTP_DAEMON_VMCLOCK_SVC_H
#define HVPTP_DAEMON_VMCLOCK_SVC_H

struct hvd;

/* Open the page and join the poll loop, when vmclock_file is set.  0, or
 * -errno after logging why. */
int hvd_vmclock_add(struct hvd *d);

#endif
