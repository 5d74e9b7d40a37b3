/* daemon/logsink.c — stdout and syslog sink (see logsink.h). */
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "common/log.h"
#include "daemon/logsink.h"

struct logsink {
	const char *ident;
	bool to_stdout;
	bool to_syslog;
	char tag[72]; /* "[TAG] " or "" */
};

static struct logsink sink;

static void logsink_write(int level, const char *line, void *ctx)
{
	struct logsink *s = ctx;
	struct timespec ts;

	if (s->to_stdout) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		fprintf(level <= CM_LOG_WARNING ? stderr : stdout,
			"%s[%lld.%03ld]: %s%s\n", s->ident,
			(long long)ts.tv_sec, ts.tv_nsec / 1000000, s->tag,
			line);
		fflush(level <= CM_LOG_WARNING ? stderr : stdout);
	}
	if (s->to_syslog)
		syslog(level, "%s%s", s->tag, line);
}

void logsink_set_tag(const char *tag)
{
	if (tag && *tag)
		snprintf(sink.tag, sizeof(sink.tag), "[%.64s] ", tag);
	else
		sink.tag[0] = '\0';
}

void logsink_open(const char *ident, int level, bool to_stdout,
		  bool to_syslog)
{
	sink.ident = ident;
	sink.to_stdout = to_stdout;
	sink.to_syslog = to_syslog;
	if (to_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
	cm_log_set_level(level);
	cm_log_set_sink(logsink_write, &sink);
}

void logsink_close(void)
{
	if (sink.to_syslog)
		closelog();
	cm_log_set_sink(NULL, NULL);
}
