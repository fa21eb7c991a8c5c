/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ci/bench's measurements of libvfsim, each printed beside a baseline taken in
 * the same run on the same machine, so the ratio is what matters:
 *   - a 4-byte config-space read through the in-process uAPI model
 *     (vfsim_pread at region 7) against a plain 4-byte memcpy;
 *   - IOVA translation (dma_translate) with 65,535 mappings against a plain
 *     memcpy of the 8 bytes a translation produces, and an 8-byte device DMA
 *     read (dma_rw) against the same memcpy.
 * Best of several rounds; no pass/fail here: goals are printed, not enforced.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "include/vfsim.h"
#include "dma.h"
#include "vfio-compat.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
#endif

#define ROUNDS 7

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static volatile uint8_t sink[64];
static uint8_t src_buf[4096];

/* ns per call of fn(i), best of ROUNDS rounds of n calls */
#define MEASURE(result, n, ...)                                         \
	do {                                                            \
		double best_ = 1e18;                                    \
		for (int r_ = 0; r_ < ROUNDS; r_++) {                   \
			double t0_ = now_ns();                          \
			for (uint64_t i = 0; i < (n); i++) {            \
				__VA_ARGS__;                            \
			}                                               \
			double t_ = (now_ns() - t0_) / (double)(n);     \
			if (t_ < best_)                                 \
				best_ = t_;                             \
		}                                                       \
		(result) = best_;                                       \
	} while (0)

static void report(const char *what, double ns, const char *base, double base_ns, const char *goal)
{
	printf("%-44s %8.1f ns   baseline %-22s %6.1f ns   ratio %6.1fx   %s\n", what, ns, base, base_ns,
	       ns / base_ns, goal);
}

static int bench_config_read(void)
{
	struct vfsim_profile *p = NULL;
	struct vfsim_dev *dev = NULL;
	struct vfsim_host *host = NULL;
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char err[256];
	int ctr, grp, fd, r = -1;
	uint32_t v = 0;
	double ns, base;
	const uint64_t n = 2000000;

	if (vfsim_profile_load(FIXTURES_DIR "/devices/nvme.json", &p, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		return -1;
	}
	if (vfsim_dev_new(p, &dev) < 0 || vfsim_host_new(NULL, &host) < 0 ||
	    vfsim_host_add_device(host, dev, 1, "0000:00:04.0") < 0)
		goto out;
	ctr = vfsim_open(host, "/dev/vfio/vfio", O_RDWR);
	grp = vfsim_open(host, "/dev/vfio/1", O_RDWR);
	if (ctr < 0 || grp < 0 || vfsim_ioctl(host, grp, VFIO_GROUP_GET_STATUS, &st) < 0 ||
	    vfsim_ioctl(host, grp, VFIO_GROUP_SET_CONTAINER, &ctr) < 0 ||
	    vfsim_ioctl(host, ctr, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU) < 0)
		goto out;
	fd = vfsim_ioctl(host, grp, VFIO_GROUP_GET_DEVICE_FD, (void *)"0000:00:04.0");
	if (fd < 0)
		goto out;

	const off_t cfg_off = (off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40;

	MEASURE(ns, n, vfsim_pread(host, fd, &v, 4, cfg_off + ((i & 15) << 2)));
	MEASURE(base, n, memcpy((void *)sink, src_buf + ((i & 15) << 2), 4));
	report("config read, 4 B (vfsim_pread)", ns, "memcpy 4 B", base, "(goal <= 100 ns per read)");
	r = 0;
out:
	vfsim_host_free(host);
	vfsim_dev_free(dev);
	vfsim_profile_free(p);
	return r;
}

static int bench_translate(void)
{
	const unsigned nmaps = 65535;
	const uint64_t pg = 4096, n = 2000000;
	struct dma_space *s = NULL;
	struct vfsim_iommu_config cfg = { 0 };	/* zero: the defaults */
	uint8_t *mem;
	unsigned *order;
	uint64_t x = 88172645463325252ull;
	double ns, base, rw;
	int r = -1;

	mem = mmap(NULL, nmaps * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	order = malloc(nmaps * sizeof(*order));
	if (mem == MAP_FAILED || !order || dma_space_new(&cfg, &s) < 0)
		goto out;
	memset(mem, 1, nmaps * pg);
	/* map every other page, in a shuffled order, so lookups cannot be trivial */
	for (unsigned i = 0; i < nmaps; i++)
		order[i] = i;
	for (unsigned i = nmaps - 1; i > 0; i--) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		unsigned j = x % (i + 1), t = order[i];

		order[i] = order[j], order[j] = t;
	}
	for (unsigned i = 0; i < nmaps; i++) {
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)(mem + order[i] * pg), .iova = 0x100000000ull + order[i] * 2 * pg, .size = pg,
		};
		if (dma_map(s, &m) < 0) {
			fprintf(stderr, "bench: map %u failed\n", i);
			goto out;
		}
	}
	void *ptr;
	uint64_t left, v;

	MEASURE(ns, n, {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		dma_translate(s, 0x100000000ull + (x % nmaps) * 2 * pg + (x & 0xff8), false, &ptr, &left);
		sink[0] = (uint8_t)(uintptr_t)ptr;
	});
	MEASURE(rw, n, {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		dma_rw(s, 0x100000000ull + (x % nmaps) * 2 * pg + (x & 0xff8), &v, 8, false);
		sink[1] = (uint8_t)v;
	});
	MEASURE(base, n, {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		memcpy((void *)sink, src_buf + (x & 0xff8), 8);
	});
	report("IOVA translate, 65,535 mappings", ns, "memcpy 8 B + rng", base, "(O(log n) lookup)");
	report("device DMA read 8 B, 65,535 mappings", rw, "memcpy 8 B + rng", base, "");
	r = 0;
out:
	dma_space_free(s);
	free(order);
	if (mem != MAP_FAILED)
		munmap(mem, nmaps * pg);
	return r;
}

int main(void)
{
	int r = 0;

	printf("libvfsim benchmarks (best of %d rounds; ratios against a baseline measured in this run)\n", ROUNDS);
	if (bench_config_read() < 0)
		r = 1;
	if (bench_translate() < 0)
		r = 1;
	return r;
}
