/*
 * config/sad.h — the sa_file parser (security associations, common/sa.h).
 *
 * The format is linuxptp 4.x's (ptp4l(8), SECURITY ASSOCIATION OPTIONS):
 *
 *   [security_association]
 *   spp 1                  starts an association (0..255, unique)
 *   seqid_window 20        Sync/Follow_Up replay window (0..32767; 3)
 *   allow_mutable 1        correctionField left out of the ICV (0)
 *   seqnum_length 0        res_length 0: only 0 (as ptp4l 4.4)
 *   1 AES128 HEX:FAF48EBA01E7C5966A76CB787AED4E7B
 *   2 SHA256 26 abcdefghijklmnopqrstuvwxyz
 *
 * A key line is "id type [length] value": id 1..2^32-1, unique in its
 * association; type SHA256-128, SHA256, AES128 or AES256 (any case);
 * length, when given, the key's octets; value ASCII ("ASCII:" or no
 * prefix), "HEX:" (an even number of hex digits) or "B64:" (Base64).
 * AES keys have exactly 16 or 32 octets.  Lines whose first non-blank
 * character is '#' and blank lines are skipped; the section header is
 * optional, as in ptp4l (each spp line starts an association).
 *
 * Where ptp4l logs a bad line and drops its association, hvptpd refuses
 * the file: "file:line: option: why" in struct cfg_error.  Pure: the
 * program reads the file into memory.
 */
#ifndef HVPTP_CONFIG_SAD_H
#define HVPTP_CONFIG_SAD_H

#include <stddef.h>

#include "common/sa.h"
#include "config/cfg.h"

/* Parse buf[0..len) (named file in errors) into db (emptied first).
 * 0, or -EINVAL with err filled (the first bad line). */
int sad_parse_buffer(struct sa_db *db, const char *file, const char *buf,
		     size_t len, struct cfg_error *err);

/* A port's authentication settings against db: spp -1 and key 0 are
 * fine (none); else the association and the key must exist, and one
 * needs the other.  0, or -EINVAL with why (option and reason, file and
 * line left to the caller). */
int sad_check_port(const struct sa_db *db, int spp, long long key_id,
		   struct cfg_error *why);

#endif
