/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ci/bench's vfio-user measurements, each beside a floor measured in the same
 * run between the same two processes over the same kind of socket:
 *   - a 4-byte config-space REGION_READ round trip against a raw 64-byte
 *     socketpair ping-pong (goal <= 1.05x the floor);
 *   - REGION_READ throughput at max_data_xfer_size against raw transfers of
 *     the same size;
 *   - the MIG_DATA_READ stream in GB/s (goal >= 1 GB/s).
 * The server runs in a forked child (vfsim_vu_server_attach + process).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "include/vfsim.h"
#include "vfio-compat.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
#endif

#define ROUNDS 5

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int full_io(int fd, void *buf, size_t len, bool wr)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = wr ? write(fd, p, len) : read(fd, p, len);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Child of the raw floor: read @req bytes, answer @rep bytes, until EOF. */
static void raw_echo(int fd, size_t req, size_t rep)
{
	uint8_t *buf = malloc(req > rep ? req : rep);

	while (buf && full_io(fd, buf, req, false) == 0 && full_io(fd, buf, rep, true) == 0)
		;
	free(buf);
	_exit(0);
}

/* ns per exchange of a @req-byte request and a @rep-byte reply between two
 * processes over a socketpair, best of ROUNDS rounds of @iters: the least
 * any protocol can cost for the same bytes. */
static double raw_floor(size_t req, size_t rep, unsigned iters)
{
	int sv[2];
	pid_t pid;
	uint8_t *buf = calloc(1, req > rep ? req : rep);
	double best = 1e18;

	if (!buf || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		raw_echo(sv[1], req, rep);
	}
	close(sv[1]);
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();

		for (unsigned i = 0; i < iters; i++)
			if (full_io(sv[0], buf, req, true) || full_io(sv[0], buf, rep, false))
				return -1;
		double t = (now_ns() - t0) / iters;

		if (t < best)
			best = t;
	}
	close(sv[0]);
	waitpid(pid, NULL, 0);
	free(buf);
	return best;
}

/* Fork a vfio-user server for the dmaengine device on one end of a socketpair. */
static pid_t spawn_server(int *ret_fd)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct vfsim_profile *p = NULL;
		struct vfsim_dev *dev = NULL;
		struct vfsim_vu_server *s = NULL;
		char err[256];

		close(sv[0]);
		if (vfsim_profile_load(FIXTURES_DIR "/devices/dmaengine.json", &p, err, sizeof(err)) < 0 ||
		    vfsim_dev_new(p, &dev) < 0 || vfsim_vu_server_new(dev, NULL, &s) < 0 ||
		    vfsim_vu_server_attach(s, sv[1]) < 0)
			_exit(1);
		for (;;) {
			struct pollfd pfd = { .fd = vfsim_vu_server_fd(s), .events = POLLIN };

			if (pfd.fd < 0 || poll(&pfd, 1, -1) < 0 || vfsim_vu_server_process(s) != 0)
				break;
		}
		vfsim_vu_server_free(s);
		vfsim_dev_free(dev);
		vfsim_profile_free(p);
		_exit(0);
	}
	close(sv[1]);
	*ret_fd = sv[0];
	return pid;
}

static int set_state(struct vfsim_vu_client *c, uint32_t state)
{
	uint64_t buf[4] = { 0 };
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	struct vfio_device_feature_mig_state *ms = (void *)f->data;
	int n;

	f->argsz = sizeof(*f) + sizeof(*ms);
	f->flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE;
	ms->device_state = state;
	n = vfsim_vu_client_feature(c, f, sizeof(*f) + sizeof(*ms), sizeof(buf));
	return n < 0 ? n : 0;
}

int main(void)
{
	struct vfsim_vu_client *c = NULL;
	const unsigned iters = 20000;
	double floor64, rt, best, xfer_floor, xfer;
	uint32_t v;
	uint8_t *big;
	size_t maxx;
	int fd;
	pid_t pid;

	signal(SIGPIPE, SIG_IGN);
	pid = spawn_server(&fd);
	if (pid < 0 || vfsim_vu_client_attach(fd, NULL, &c) < 0) {
		fprintf(stderr, "bench-vu: cannot start the server\n");
		return 1;
	}
	maxx = vfsim_vu_client_server_info(c)->max_data_xfer_size;
	printf("vfio-user benchmarks (best of %d rounds; floors measured in this run between two processes)\n",
	       ROUNDS);

	floor64 = raw_floor(64, 64, iters);
	best = 1e18;
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();

		for (unsigned i = 0; i < iters; i++)
			if (vfsim_vu_client_region_read(c, VFIO_PCI_CONFIG_REGION_INDEX, 0, &v, 4) < 0)
				return 1;
		rt = (now_ns() - t0) / iters;
		if (rt < best)
			best = rt;
	}
	printf("%-40s %8.0f ns   floor: 64 B ping-pong %8.0f ns   time ratio %5.2fx   (goal <= 1.05x)\n",
	       "REGION_READ 4 B config round trip", best, floor64, best / floor64);

	big = malloc(maxx);
	if (!big)
		return 1;
	xfer_floor = raw_floor(32, 32 + maxx, 200);	/* REGION_READ: 32 B request, 32 B + data reply */
	best = 1e18;
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();

		for (unsigned i = 0; i < 200; i++)
			if (vfsim_vu_client_region_read(c, 2, 0, big, maxx) < 0)
				return 1;
		xfer = (now_ns() - t0) / 200;
		if (xfer < best)
			best = xfer;
	}
	printf("%-40s %8.2f GB/s floor: raw %zu B reply %5.2f GB/s time ratio %5.2fx\n",
	       "REGION_READ at max_data_xfer_size", maxx / best, maxx, maxx / xfer_floor, best / xfer_floor);

	/* the migration stream: RUNNING -> STOP_COPY, read it all, -> RUNNING */
	double bytes = 0, ns = 0;

	for (int r = 0; r < 20; r++) {
		ssize_t n;
		double t0;

		if (set_state(c, VFIO_DEVICE_STATE_STOP_COPY) < 0)
			return 1;
		t0 = now_ns();
		while ((n = vfsim_vu_client_mig_read(c, big, maxx)) > 0)
			bytes += (double)n;
		ns += now_ns() - t0;
		if (n < 0 || set_state(c, VFIO_DEVICE_STATE_RUNNING) < 0)
			return 1;
	}
	printf("%-40s %8.2f GB/s %44s (goal >= 1 GB/s)\n", "MIG_DATA_READ stream", bytes / ns, "");

	free(big);
	vfsim_vu_client_free(c);
	waitpid(pid, NULL, 0);
	return 0;
}
