/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The real in-process server (vu-server.c) on a thread, shared by the
 * end-to-end runs of test-vu-client-dma.c and the connect/disconnect cycles
 * of test-vu-cycles.c: the thread polls vfsim_vu_server_fd and processes
 * until the client leaves (process() returns 1, the server has detached),
 * a local failure, or @stop. Start it after vfsim_vu_server_attach; the
 * client attaches on the main thread, which the server answers from here.
 */
#ifndef VFSIM_TEST_VU_E2E_FIXTURE_H
#define VFSIM_TEST_VU_E2E_FIXTURE_H

#include <poll.h>
#include <pthread.h>

#include "include/vfsim.h"

struct e2e {
	struct vfsim_dev *dev;
	struct vfsim_vu_server *srv;
	pthread_t th;
	volatile int stop;
	int result;		/* the server's last process() return */
};

static inline void *e2e_thread(void *opaque)
{
	struct e2e *e = opaque;

	while (!e->stop) {
		struct pollfd pfd = { .fd = vfsim_vu_server_fd(e->srv), .events = POLLIN };

		if (pfd.fd < 0)
			break;
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		e->result = vfsim_vu_server_process(e->srv);
		if (e->result != 0)
			break;
	}
	return NULL;
}

#endif
