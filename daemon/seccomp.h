/*
 * daemon/seccomp.h — an optional system-call allow-list for the running
 * daemon (option seccomp; daemon/seccomp.c says what is allowed and why).
 */
#ifndef HVPTP_DAEMON_SECCOMP_H
#define HVPTP_DAEMON_SECCOMP_H

#include <stdbool.h>

/* An allow-list exists for the architecture built for. */
bool hvd_seccomp_supported(void);
/* Install it (no_new_privs set too): 0, or a negative errno, logged. */
int hvd_seccomp_apply(void);

#endif
