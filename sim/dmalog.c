/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device DMA logging (VFIO_DEVICE_FEATURE_DMA_LOGGING_START/STOP/REPORT):
 * the core's range checks of vfio_main.c in their order, then a driver in the
 * manner of mlx5's page tracker: one bitmap per logged range at the START
 * page size, set by dmalog_mark when the device writes, read and cleared by
 * REPORT at whatever page size the report asks for.
 *
 * Driver-defined choices (the core leaves them to the driver):
 *  - START page_size must be a power of two >= 4096, the same rule the core
 *    applies to REPORT (vfio_ioctl_device_feature_logging_report); mlx5 takes
 *    ilog2(page_size), which is meaningless for other values. The model
 *    keeps the caller's page_size, so the copy-back leaves it unchanged.
 *  - a second START while active fails with EBUSY (vfio.h: "Another start is
 *    not allowed in the meantime"; mlx5 uses EINVAL).
 *  - STOP while not active fails with EINVAL, as dmalog.h specifies (mlx5
 *    returns 0); REPORT while not active fails with EINVAL, as mlx5 does.
 *  - a zero-length range logs nothing, but takes part in the overlap check
 *    exactly as the core's interval tree sees it ([iova, iova-1]).
 *  - REPORT only sets bits, never clears the caller's (vfio.h). A logged page
 *    is reported if it overlaps the report range and cleared only if the
 *    range covers it whole, so a partly reported page is reported again
 *    rather than lost.
 */
#include <stdlib.h>
#include <string.h>

#include "dmalog.h"
#include "dma.h"
#include "fault.h"
#include "rules.h"

#define DMALOG_MAX_RANGES 256u		/* LOG_MAX_RANGES: PAGE_SIZE / 16 on 4 KiB pages */
#define DMALOG_MIN_PAGE 4096ull		/* SZ_4K */
#define DMALOG_BUDGET (64ull << 20)	/* the model's bound on all range bitmaps */
#define DMALOG_ACTIVE_ERRNO EBUSY	/* driver-defined; mlx5: EINVAL */

struct dmalog_range {
	uint64_t iova, length;
	uint64_t *bits;			/* length / page_size bits; NULL when length is 0 */
};

struct dmalog {
	bool active;
	unsigned shift;			/* log2 of the START page_size */
	unsigned nranges;
	struct dmalog_range *ranges;
	uint64_t faults;		/* dmalog_set_faults (sim/fault.h) */
};

static bool dmalog_pow2_page(uint64_t page_size)
{
	return page_size >= DMALOG_MIN_PAGE && !(page_size & (page_size - 1));
}

static uint64_t dmalog_words(uint64_t nbits)
{
	return (nbits + 63) / 64;
}

int dmalog_new(struct dmalog **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

void dmalog_set_faults(struct dmalog *l, uint64_t faults)
{
	if (l)
		l->faults = faults;
}

static void dmalog_release(struct dmalog *l)
{
	unsigned i;

	for (i = 0; i < l->nranges; i++)
		free(l->ranges[i].bits);
	free(l->ranges);
	l->ranges = NULL;
	l->nranges = 0;
	l->active = false;
}

void dmalog_free(struct dmalog *l)
{
	if (!l)
		return;
	dmalog_release(l);
	free(l);
}

bool dmalog_active(const struct dmalog *l)
{
	return l->active;
}

/* The core's per-range loop; @out receives the ranges in the caller's order. */
static int dmalog_check_ranges(const struct vfio_device_feature_dma_logging_control *ctl,
			       struct dmalog_range *out)
{
	uint64_t mask = ctl->page_size - 1;	/* IS_ALIGNED(x, page_size) */
	unsigned i, j;

	for (i = 0; i < ctl->num_ranges; i++) {
		struct vfio_device_feature_dma_logging_range r;
		uint64_t addr = ctl->ranges + (uint64_t)i * sizeof(r);
		uint64_t last;

		if (!dma_host_range_mapped(addr, sizeof(r)))
			return vfsim_reject(RULE_DMALOG_RANGES_FAULT, -EFAULT);
		memcpy(&r, (const void *)(uintptr_t)addr, sizeof(r));
		if ((r.iova & mask) || (r.length & mask))
			return vfsim_reject(RULE_DMALOG_RANGE_ALIGN, -EINVAL);
		if (r.iova + r.length < r.iova)
			return vfsim_reject(RULE_DMALOG_RANGE_OVERFLOW, -EOVERFLOW);
		/* interval_tree_iter_first over [iova, iova+length-1] */
		last = r.iova + r.length - 1;
		for (j = 0; j < i; j++)
			if (out[j].iova <= last && r.iova <= out[j].iova + out[j].length - 1)
				return vfsim_reject(RULE_DMALOG_RANGE_OVERLAP, -EINVAL);
		out[i].iova = r.iova;
		out[i].length = r.length;
		out[i].bits = NULL;
	}
	return 0;
}

int dmalog_start(struct dmalog *l, struct vfio_device_feature_dma_logging_control *ctl)
{
	struct dmalog_range *ranges;
	uint64_t bytes = 0;
	unsigned i, shift;
	int r;

	if (!ctl->num_ranges)
		return vfsim_reject(RULE_DMALOG_NO_RANGES, -EINVAL);
	if (ctl->num_ranges > DMALOG_MAX_RANGES)
		return vfsim_reject(RULE_DMALOG_TOO_MANY_RANGES, -E2BIG);
	ranges = calloc(ctl->num_ranges, sizeof(*ranges));
	if (!ranges)
		return -ENOMEM;
	r = dmalog_check_ranges(ctl, ranges);
	if (r < 0)
		goto out_free;

	/* the driver's log_start */
	if (l->active) {
		r = vfsim_reject(RULE_DMALOG_ACTIVE, -DMALOG_ACTIVE_ERRNO);
		goto out_free;
	}
	if (!dmalog_pow2_page(ctl->page_size)) {
		r = vfsim_reject(RULE_DMALOG_PAGE_SIZE, -EINVAL);
		goto out_free;
	}
	shift = (unsigned)__builtin_ctzll(ctl->page_size);
	for (i = 0; i < ctl->num_ranges; i++)	/* <= 256 * 2^49: no overflow */
		bytes += dmalog_words(ranges[i].length >> shift) * 8;
	if (bytes > DMALOG_BUDGET) {
		r = vfsim_reject(RULE_DMALOG_BUDGET, -ENOMEM);
		goto out_free;
	}
	for (i = 0; i < ctl->num_ranges; i++) {
		if (!ranges[i].length)
			continue;
		ranges[i].bits = calloc(dmalog_words(ranges[i].length >> shift), 8);
		if (!ranges[i].bits) {
			r = -ENOMEM;
			goto out_bits;
		}
	}
	l->ranges = ranges;
	l->nranges = ctl->num_ranges;
	l->shift = shift;
	l->active = true;
	return 0;

out_bits:
	while (i--)
		free(ranges[i].bits);
out_free:
	free(ranges);
	return r;
}

int dmalog_stop(struct dmalog *l)
{
	if (!l->active)
		return vfsim_reject(RULE_DMALOG_STOP_INACTIVE, -EINVAL);
	dmalog_release(l);
	return 0;
}

void dmalog_mark(struct dmalog *l, uint64_t iova, uint64_t len)
{
	uint64_t last = iova + len - 1;
	unsigned i;

	if (!l->active || !len)
		return;
	if (last < iova)
		last = UINT64_MAX;
	for (i = 0; i < l->nranges; i++) {
		const struct dmalog_range *r = &l->ranges[i];
		uint64_t rlast = r->iova + r->length - 1, a, b, p0, p1;

		if (!r->bits || r->iova > last || rlast < iova)
			continue;
		a = r->iova > iova ? r->iova : iova;
		b = rlast < last ? rlast : last;
		p0 = (a - r->iova) >> l->shift;
		p1 = (b - r->iova) >> l->shift;
		dma_bits_set(r->bits, p0, p1 - p0 + 1);
	}
}

/* Report (and clear) the dirty pages of @r that overlap [iova, last] into
 * @out, one bit per 1 << @rshift bytes from @iova. */
static void dmalog_report_range(const struct dmalog *l, const struct dmalog_range *r, uint64_t iova,
				uint64_t last, unsigned rshift, uint64_t *out)
{
	uint64_t rlast = r->iova + r->length - 1, a, b, p0, p1, w;

	if (!r->bits || r->iova > last || rlast < iova)
		return;
	a = r->iova > iova ? r->iova : iova;
	b = rlast < last ? rlast : last;
	p0 = (a - r->iova) >> l->shift;
	p1 = (b - r->iova) >> l->shift;
	/* word by word over the span: clean words cost one test */
	for (w = p0 / 64; w <= p1 / 64; w++) {
		uint64_t word = r->bits[w];

		if (w == p0 / 64)
			word &= ~0ull << (p0 % 64);
		if (w == p1 / 64 && p1 % 64 != 63)
			word &= (1ull << (p1 % 64 + 1)) - 1;
		while (word) {
			unsigned bit = (unsigned)__builtin_ctzll(word);
			uint64_t ps = r->iova + ((w * 64 + bit) << l->shift);
			uint64_t pl = ps + (1ull << l->shift) - 1;
			uint64_t x = ps > iova ? ps : iova, y = pl < last ? pl : last;
			uint64_t b0 = (x - iova) >> rshift, b1 = (y - iova) >> rshift;

			word &= word - 1;
			dma_bits_set(out, b0, b1 - b0 + 1);
			/* Fault dirty-not-cleared: the report leaves the bits set,
			 * so the next report repeats pages nobody wrote again. */
			if (vfsim_fault_on(l->faults, VFSIM_FAULT_DIRTY_NOT_CLEARED))
				continue;
			if (ps >= iova && pl <= last)
				r->bits[w] &= ~(1ull << bit);
		}
	}
}

int dmalog_report(struct dmalog *l, const struct vfio_device_feature_dma_logging_report *rep)
{
	uint64_t last, nbits = 0;
	unsigned rshift, i;

	if (!dmalog_pow2_page(rep->page_size))
		return vfsim_reject(RULE_DMALOG_REPORT_PAGE_SIZE, -EINVAL);
	if (rep->iova + rep->length < rep->iova)
		return vfsim_reject(RULE_DMALOG_REPORT_OVERFLOW, -EOVERFLOW);
	rshift = (unsigned)__builtin_ctzll(rep->page_size);
	if (rep->length)
		nbits = ((rep->length - 1) >> rshift) + 1;
	/* iova_bitmap_alloc pins the user bitmap before the driver runs */
	if (!dma_host_range_mapped(rep->bitmap, dmalog_words(nbits) * 8))
		return vfsim_reject(RULE_DMALOG_REPORT_FAULT, -EFAULT);
	if (!l->active)
		return vfsim_reject(RULE_DMALOG_REPORT_INACTIVE, -EINVAL);
	if (!rep->length)
		return 0;
	last = rep->iova + rep->length - 1;
	for (i = 0; i < l->nranges; i++)
		dmalog_report_range(l, &l->ranges[i], rep->iova, last, rshift,
				    (uint64_t *)(uintptr_t)rep->bitmap);
	return 0;
}
