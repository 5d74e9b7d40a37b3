/*
 * daemon/logsink.h — where hvptpd's log lines go.
 *
 * Installs the common/log.h sink: each line goes to stdout (-m / verbose)
 * as "hvptpd[<monotonic s.ms>]: <line>", like ptp4l, and to syslog
 * (unless -q / use_syslog 0) at the line's level.
 */
#ifndef HVPTP_DAEMON_LOGSINK_H
#define HVPTP_DAEMON_LOGSINK_H

#include <stdbool.h>

void logsink_open(const char *ident, int level, bool to_stdout,
		  bool to_syslog);
/* message_tag: "[TAG] " before every message (NULL or "": none). */
void logsink_set_tag(const char *tag);
void logsink_close(void);

#endif
