/*
 * mgmt/print.h — the two printers of hvptpctl, for every value tree alike.
 *
 * Text: one "key  value" line per member, keys aligned within an object,
 * nested objects indented under "key:", enumerations shown as "NAME (code)"
 * (from the "<key>_name" member), integers marked hex as 0x..., null as
 * "-".  JSON (json-c): the tree as it is, pretty with two-space indentation
 * or on one line (NDJSON); reals keep their number of decimals.  Both end
 * with a newline.
 */
#ifndef HVPTP_MGMT_PRINT_H
#define HVPTP_MGMT_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mgmt/tree.h"

/* 0, or -EIO when writing failed, -ENOMEM. */
int mgmt_print_json(FILE *f, const struct mgmt_tree *t, int node,
		    bool pretty);
int mgmt_print_text(FILE *f, const struct mgmt_tree *t, int node,
		    int indent);
/* A scalar as the text printer shows it (with "<key>_name" merged when
 * node is a member of obj >= 0). */
const char *mgmt_print_value(const struct mgmt_tree *t, int obj, int node,
			     char *buf, size_t len);

#endif
