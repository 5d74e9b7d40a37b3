/*
 * vm/vmclock_file.h — the vmclock page's edge: the page-sized file a VMM
 * maps, the CPU counter and paired readings of it against CLOCK_REALTIME.
 *
 * The file holds one page (VM_VMCLOCK_PAGE_SIZE bytes), mapped shared, so
 * that every update is seen at once by whoever maps it (a VMM that maps it
 * into guests, hvptpctl vmclock).  An existing file is reused in place,
 * never replaced: a VMM that mapped it before hvptpd (re)started keeps
 * seeing the updates; its disruption_marker moves on from the value found
 * there (a restarted daemon's relation is a new one).  A new file is made
 * whole under a temporary name and renamed into place, so nobody maps a
 * half-made page.
 *
 * The counter is the one the vmclock ABI knows: the x86 TSC (rdtsc, fenced
 * with lfence so it is not read early) and arm64's virtual counter
 * (CNTVCT_EL0 after an isb).  Other architectures have none:
 * vm_vmclock_counter_id() says -EOPNOTSUPP and nothing is written.
 */
#ifndef HVPTP_VM_VMCLOCK_FILE_H
#define HVPTP_VM_VMCLOCK_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/vmclock.h"

/* This machine's counter: VM_VMCLOCK_COUNTER_X86_TSC or _ARM_VCNT, or
 * -EOPNOTSUPP. */
int vm_vmclock_counter_id(void);
/* Read it (0 where there is none).  The ctx is unused (the reader's
 * callback shape). */
uint64_t vm_vmclock_counter_read(void *ctx);

/* n paired readings (counter, CLOCK_REALTIME, counter), back to back.
 * 0 or -errno (the clock's). */
int vm_vmclock_pairs(struct vm_vmclock_pair *p, int n);

struct vm_vmclock_file;

/* Create or reuse the page at path (mode 0644) with the constant fields
 * for counter_id, status UNKNOWN until the first publish.  marker_seed:
 * the disruption marker of a new file (a reused one continues from its
 * own).  -errno. */
int vm_vmclock_file_open(struct vm_vmclock_file **out, const char *path,
			 uint8_t counter_id, uint64_t marker_seed);
/* The disruption marker the file started with. */
uint64_t vm_vmclock_file_marker(const struct vm_vmclock_file *f);
/* Write content's locked fields into the page under its sequence lock. */
void vm_vmclock_file_publish(struct vm_vmclock_file *f,
			     const struct vm_vmclock_abi *content);
/* Unmap and close; the file stays (a VMM may still map it), marked
 * UNRELIABLE with its time bounds withdrawn: nobody updates it now. */
void vm_vmclock_file_close(struct vm_vmclock_file *f);

/* Map an existing page read-only (hvptpctl vmclock): *page and *len, for
 * vm_vmclock_unmap.  -errno; -EINVAL for a file smaller than the ABI's
 * structure. */
int vm_vmclock_map(const char *path, const struct vm_vmclock_abi **page,
		   size_t *len);
void vm_vmclock_unmap(const struct vm_vmclock_abi *page, size_t len);

#endif
