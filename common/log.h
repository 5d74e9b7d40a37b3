/*
 * common/log.h — logging for every module, pure side included.
 *
 * The core cannot write to a file or syslog, so log lines are formatted here
 * and handed to a sink that the program installs (the daemon's sink writes
 * stdout and/or syslog; tests and the simulator install their own).  Levels
 * are syslog's numbers.  Each line should begin with the port name
 * ("eth0: ...") or the module ("servo: ...").  cm_ratelimit keeps bad-input
 * messages to one in a while, on the caller's own monotonic time.
 */
#ifndef HVPTP_COMMON_LOG_H
#define HVPTP_COMMON_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

enum {
	CM_LOG_EMERG = 0,
	CM_LOG_ALERT = 1,
	CM_LOG_CRIT = 2,
	CM_LOG_ERR = 3,
	CM_LOG_WARNING = 4,
	CM_LOG_NOTICE = 5,
	CM_LOG_INFO = 6,
	CM_LOG_DEBUG = 7,
};

typedef void (*cm_log_sink)(int level, const char *line, void *ctx);

/* Install the sink and the most verbose level passed to it. */
void cm_log_set_sink(cm_log_sink sink, void *ctx);
void cm_log_set_level(int level);
bool cm_log_enabled(int level);

__attribute__((format(printf, 2, 3))) void cm_log(int level,
						   const char *fmt, ...);
__attribute__((format(printf, 2, 0))) void cm_vlog(int level,
						    const char *fmt, va_list ap);

#define cm_err(...) cm_log(CM_LOG_ERR, __VA_ARGS__)
#define cm_warn(...) cm_log(CM_LOG_WARNING, __VA_ARGS__)
#define cm_notice(...) cm_log(CM_LOG_NOTICE, __VA_ARGS__)
#define cm_info(...) cm_log(CM_LOG_INFO, __VA_ARGS__)
#define cm_debug(...) cm_log(CM_LOG_DEBUG, __VA_ARGS__)

/* At most one message per interval; counts what it suppressed. */
struct cm_ratelimit {
	int64_t interval_ns;
	int64_t last_ns;
	uint64_t suppressed;
	bool primed;
};

#define CM_RATELIMIT_INIT(interval) { (interval), 0, 0, false }

/* True when a message may be logged now; then rl->suppressed tells how many
 * were held back since the last one (reset by the caller's next call). */
bool cm_ratelimit_ok(struct cm_ratelimit *rl, int64_t now_ns);

#endif
