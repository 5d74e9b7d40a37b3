/*
 * mgmt/ctl_alarms.c — the alarms on hvptpctl's status screen: the
 * "alarms" member (the active alarms of HVPTP_ALARMS_NP, each record as
 * decoded; null from a daemon without alarms) and its line, "alarms
 * none" or each active alarm with its value and bound.
 */
#include <string.h>

#include "mgmt/ctl_priv.h"
#include "mgmt/decode.h"
#include "mgmt/print.h"

const char *ctl_alarm_number(const struct mgmt_tree *t, int a,
			     const char *key, char *buf, size_t len)
{
	char *dot;
	size_t n;

	mgmt_print_value(t, a, mgmt_tree_get(t, a, key), buf, len);
	dot = strchr(buf, '.');
	if (!dot)
		return buf;
	for (n = strlen(buf); n > 0 && buf[n - 1] == '0'; n--)
		buf[n - 1] = '\0';
	if (buf + n - 1 == dot)
		*dot = '\0';
	return buf;
}

void ctl_status_build_alarms(struct mgmt_tree *t, struct mgmt_tree *s,
			     const struct mgmt_status_in *in)
{
	int o = ctl_decode_first(s, in->alarms), src, arr;

	if (o < 0 || (src = mgmt_tree_get(s, o, "alarms")) < 0) {
		mgmt_tree_null(t, 0, "alarms");
		return;
	}
	arr = mgmt_tree_arr(t, 0, "alarms");
	for (int i = 0, a; (a = mgmt_tree_child(s, src, i)) >= 0; i++) {
		int64_t on = 0;

		mgmt_tree_get_int(s, a, "active", &on);
		if (on)
			mgmt_tree_copy(t, arr, NULL, s, a);
	}
}

void ctl_status_print_alarms(FILE *f, const struct mgmt_tree *t)
{
	int arr = mgmt_tree_member(t, 0, "alarms");
	char v[2][32];
	int n = 0;

	fprintf(f, "%-15s", "alarms");
	for (int i = 0, a; arr >= 0 && (a = mgmt_tree_child(t, arr, i)) >= 0;
	     i++, n++) {
		const char *name = mgmt_tree_get_str(t, a, "kind_name");
		const char *subj = mgmt_tree_get_str(t, a, "subject");
		const char *unit = mgmt_tree_get_str(t, a, "unit");

		fprintf(f, "%s%s(%s) %s %s, bound %s %s", n ? "; " : "",
			name ? name : "?", subj ? subj : "?",
			ctl_alarm_number(t, a, "value", v[0], sizeof(v[0])),
			unit ? unit : "",
			ctl_alarm_number(t, a, "bound", v[1], sizeof(v[1])),
			unit ? unit : "");
	}
	fprintf(f, "%s\n", arr < 0 ? "-" : n ? "" : "none");
}
