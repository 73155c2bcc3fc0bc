/*
 * bench-client.h: what the benchmarks that drive a real vigild share: a
 * monotonic clock, and the control socket spoken as vigilctl speaks it.
 *
 * Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
 */
#ifndef BENCH_CLIENT_H
#define BENCH_CLIENT_H

#include <stddef.h>

extern const char *bench_socket;	/* vigild's control socket */

double	 bench_now(void);
int	 bench_dial(void);
int	 bench_ask(int, const char *, char *, size_t);
int	 bench_exchange(int, const char *);
int	 bench_request(const char *);

/*
 * A protocol for bench_poll_rate(): how to connect, send request n on
 * connection i, and tell how long a complete reply is (0: not yet, -1:
 * not an accepted one).
 */
struct bench_proto {
	int	(*dial)(void);
	void	(*send)(int, int, long);
	long	(*complete)(const char *, size_t);
};
double	 bench_poll_rate(const struct bench_proto *, int, double);
long	 bench_line_complete(const char *, size_t);

#endif
