/* common/hwclock.c — names of the paired-reading methods (see hwclock.h). */
#include "common/hwclock.h"

const char *hwclock_read_name(enum hwclock_read m)
{
	static const char *const names[HWCLOCK_READ_COUNT] = {
		[HWCLOCK_READ_AUTO] = "auto",
		[HWCLOCK_READ_PRECISE] = "precise",
		[HWCLOCK_READ_EXTENDED] = "extended",
		[HWCLOCK_READ_BASIC] = "basic",
		[HWCLOCK_READ_SELF] = "self",
	};

	return (unsigned)m < HWCLOCK_READ_COUNT ? names[m] : "?";
}
