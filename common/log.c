/* common/log.c — formatting and the installed sink (see log.h). */
#include "common/log.h"

#include <stdio.h>

static cm_log_sink log_sink;
static void *log_ctx;
static int log_level = CM_LOG_INFO;

void cm_log_set_sink(cm_log_sink sink, void *ctx)
{
	log_sink = sink;
	log_ctx = ctx;
}

void cm_log_set_level(int level)
{
	log_level = level;
}

bool cm_log_enabled(int level)
{
	return log_sink && level <= log_level;
}

void cm_vlog(int level, const char *fmt, va_list ap)
{
	char line[512];

	if (!cm_log_enabled(level))
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	log_sink(level, line, log_ctx);
}

void cm_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cm_vlog(level, fmt, ap);
	va_end(ap);
}

bool cm_ratelimit_ok(struct cm_ratelimit *rl, int64_t now_ns)
{
	if (!rl->primed || now_ns - rl->last_ns >= rl->interval_ns) {
		rl->primed = true;
		rl->last_ns = now_ns;
		return true;
	}
	rl->suppressed++;
	return false;
}
