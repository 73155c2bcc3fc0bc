/*
 * clock.c: the wall clock, in whole seconds since the epoch: what every
 * deadline, event and message time is measured in.
 */
#include <time.h>

#include "vigil.h"

int64_t
clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}
