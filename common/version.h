/*
 * common/version.h — the hvptp release number.
 *
 * One place for the version string that hvptpd -v, hvptpctl and the man
 * pages print.
 */
#ifndef HVPTP_COMMON_VERSION_H
#define HVPTP_COMMON_VERSION_H

#define HVPTP_VERSION "0.1.0"

#endif
