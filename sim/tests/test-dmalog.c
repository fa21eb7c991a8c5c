/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dmalog.c: DMA_LOGGING_START checks in the core's order (kernel-uapi.md
 * §1.4, conformance items 88-91) and the driver-defined ones; REPORT checks
 * (items 92-93); marks landing in the right bits at the START page size and
 * converted to any REPORT page size; a report sets bits only and clears what
 * it reported; STOP.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dmalog.h"
#include "rules.h"
#include "include/vfsim.h"

#define PG 0x1000ull
#define HOLE 0x2000ull		/* below mmap_min_addr: never mapped */

struct range {
	uint64_t iova, length;
};

static int do_start(struct dmalog *l, uint64_t page_size, uint32_t n, const struct range *r)
{
	struct vfio_device_feature_dma_logging_control ctl = {
		.page_size = page_size, .num_ranges = n, .ranges = (uintptr_t)r,
	};

	vfsim_reject_clear();
	return dmalog_start(l, &ctl);
}

static int do_report(struct dmalog *l, uint64_t iova, uint64_t length, uint64_t page_size, uint64_t *bm)
{
	struct vfio_device_feature_dma_logging_report rep = {
		.iova = iova, .length = length, .page_size = page_size, .bitmap = (uintptr_t)bm,
	};

	vfsim_reject_clear();
	return dmalog_report(l, &rep);
}

static void expect_rule(int r, int err, int rule)
{
	assert_int_equal(r, err);
	assert_int_equal(vfsim_last_rule(NULL), err ? rule : RULE_NONE);
}

struct start_case {
	const char *name;
	uint64_t page_size;
	uint32_t n;
	struct range r[3];
	int err, rule;
};

static const struct start_case start_cases[] = {
	{ "num_ranges 0 (item 88)", PG, 0, { { 0, PG } }, -EINVAL, RULE_DMALOG_NO_RANGES },
	{ "num_ranges 0, bad page size", 3, 0, { { 0, PG } }, -EINVAL, RULE_DMALOG_NO_RANGES },
	{ "iova unaligned (item 91)", PG, 1, { { 0x800, PG } }, -EINVAL, RULE_DMALOG_RANGE_ALIGN },
	{ "length unaligned", PG, 1, { { 0, 0x1800 } }, -EINVAL, RULE_DMALOG_RANGE_ALIGN },
	{ "overflow", PG, 1, { { ~0ull & ~0xfffull, 2 * PG } }, -EOVERFLOW, RULE_DMALOG_RANGE_OVERFLOW },
	{ "ends exactly at 2^64", PG, 1, { { ~0ull & ~0xfffull, PG } }, -EOVERFLOW, RULE_DMALOG_RANGE_OVERFLOW },
	{ "align before overflow", PG, 1, { { ~0ull & ~0xfffull, 0x1800 } }, -EINVAL, RULE_DMALOG_RANGE_ALIGN },
	{ "overlap (item 90)", PG, 2, { { 0, 4 * PG }, { 3 * PG, PG } }, -EINVAL, RULE_DMALOG_RANGE_OVERLAP },
	{ "overlap, later range first", PG, 2, { { 3 * PG, PG }, { 0, 4 * PG } }, -EINVAL, RULE_DMALOG_RANGE_OVERLAP },
	/* the core walks range by range: range 1 overlaps before range 2 is looked at */
	{ "overlap before a later misalignment", PG, 3, { { 0, 4 * PG }, { PG, PG }, { 0x800, PG } }, -EINVAL, RULE_DMALOG_RANGE_OVERLAP },
	{ "misalignment before a later overlap", PG, 3, { { 0, 4 * PG }, { 0x800, PG }, { PG, PG } }, -EINVAL, RULE_DMALOG_RANGE_ALIGN },
	{ "page_size 2048 (driver)", 2048, 1, { { 0, PG } }, -EINVAL, RULE_DMALOG_PAGE_SIZE },
	/* IS_ALIGNED(x, 12288) tests x & 12287: 0x4000 passes it */
	{ "page_size 12288 (driver)", 12288, 1, { { 0, 0x4000 } }, -EINVAL, RULE_DMALOG_PAGE_SIZE },
	{ "page_size 0", 0, 1, { { 0, 0 } }, -EINVAL, RULE_DMALOG_PAGE_SIZE },
	{ "alignment before page size", 2048, 1, { { 0x400, PG } }, -EINVAL, RULE_DMALOG_RANGE_ALIGN },
	{ "over the 64 MiB bitmap budget", PG, 1, { { 0, 1ull << 42 } }, -ENOMEM, RULE_DMALOG_BUDGET },
	{ "two adjacent ranges", PG, 2, { { 0, PG }, { PG, PG } }, 0, 0 },
	{ "64K pages", 0x10000, 1, { { 0x10000, 0x100000 } }, 0, 0 },
	{ "a zero-length range", PG, 2, { { 0x5000, 0 }, { 0x10000, PG } }, 0, 0 },
	/* the core's interval tree sees [iova, iova-1], which a range around it overlaps */
	{ "zero-length range inside another", PG, 2, { { 0x5000, 0 }, { 0, 0x10000 } }, -EINVAL, RULE_DMALOG_RANGE_OVERLAP },
};

static void test_start_checks(void **state)
{
	for (size_t i = 0; i < sizeof(start_cases) / sizeof(start_cases[0]); i++) {
		const struct start_case *c = &start_cases[i];
		struct dmalog *l;

		print_message("start: %s\n", c->name);
		assert_int_equal(dmalog_new(&l), 0);
		expect_rule(do_start(l, c->page_size, c->n, c->r), c->err, c->rule);
		assert_int_equal(dmalog_active(l), c->err == 0);
		dmalog_free(l);
	}
	dmalog_free(NULL);
}

static void test_start_limits(void **state)
{
	struct range *r = calloc(257, sizeof(*r));
	struct dmalog *l;

	assert_non_null(r);
	assert_int_equal(dmalog_new(&l), 0);
	for (unsigned i = 0; i < 257; i++) {
		r[i].iova = i * 2 * PG;
		r[i].length = PG;
	}
	/* item 89: PAGE_SIZE/16 + 1 ranges, checked before any range is read */
	r[0].iova = 0x800;
	expect_rule(do_start(l, PG, 257, r), -E2BIG, RULE_DMALOG_TOO_MANY_RANGES);
	r[0].iova = 0;
	expect_rule(do_start(l, PG, 256, r), 0, 0);
	/* a second START while active: driver-defined, EBUSY here */
	expect_rule(do_start(l, PG, 1, r), -EBUSY, RULE_DMALOG_ACTIVE);
	/* the core's range checks still come first */
	expect_rule(do_start(l, PG, 0, r), -EINVAL, RULE_DMALOG_NO_RANGES);
	vfsim_reject_clear();
	assert_int_equal(dmalog_stop(l), 0);
	assert_false(dmalog_active(l));
	expect_rule(dmalog_stop(l), -EINVAL, RULE_DMALOG_STOP_INACTIVE);
	/* copy_from_user of the ranges faults */
	expect_rule(do_start(l, PG, 1, (const struct range *)(uintptr_t)HOLE), -EFAULT, RULE_DMALOG_RANGES_FAULT);
	expect_rule(do_start(l, PG, 1, NULL), -EFAULT, RULE_DMALOG_RANGES_FAULT);
	expect_rule(do_start(l, PG, 1, r), 0, 0);
	dmalog_free(l);
	free(r);
}

static void test_report_checks(void **state)
{
	const struct range r = { 0x100000, 0x10000 };
	uint64_t bm[4] = { 0 };
	struct dmalog *l;

	assert_int_equal(dmalog_new(&l), 0);
	expect_rule(do_report(l, 0x100000, 0x10000, PG, bm), -EINVAL, RULE_DMALOG_REPORT_INACTIVE);
	assert_int_equal(do_start(l, PG, 1, &r), 0);
	/* item 92 */
	expect_rule(do_report(l, 0x100000, 0x10000, 2048, bm), -EINVAL, RULE_DMALOG_REPORT_PAGE_SIZE);
	expect_rule(do_report(l, 0x100000, 0x10000, 12288, bm), -EINVAL, RULE_DMALOG_REPORT_PAGE_SIZE);
	expect_rule(do_report(l, 0x100000, 0x10000, 0, bm), -EINVAL, RULE_DMALOG_REPORT_PAGE_SIZE);
	/* item 93 */
	expect_rule(do_report(l, ~0ull & ~0xfffull, 2 * PG, PG, bm), -EOVERFLOW, RULE_DMALOG_REPORT_OVERFLOW);
	expect_rule(do_report(l, ~0ull & ~0xfffull, 2 * PG, 2048, bm), -EINVAL, RULE_DMALOG_REPORT_PAGE_SIZE);
	expect_rule(do_report(l, 0x100000, 0x10000, PG, (uint64_t *)(uintptr_t)HOLE), -EFAULT,
		    RULE_DMALOG_REPORT_FAULT);
	expect_rule(do_report(l, 0x100000, 0x10000, PG, NULL), -EFAULT, RULE_DMALOG_REPORT_FAULT);
	expect_rule(do_report(l, 0x100000, 0x10000, 1ull << 20, bm), 0, 0);
	expect_rule(do_report(l, 0x100000, 0, PG, bm), 0, 0);
	assert_int_equal(bm[0], 0);
	dmalog_free(l);
}

static void test_mark_and_report(void **state)
{
	const struct range r[2] = { { 0x100000, 0x10000 }, { 0x200000, 0x4000 } };
	uint64_t bm[4] = { 0 };
	struct dmalog *l;

	assert_int_equal(dmalog_new(&l), 0);
	dmalog_mark(l, 0x100000, PG);	/* not active: ignored */
	assert_int_equal(do_start(l, PG, 2, r), 0);
	dmalog_mark(l, 0x100800, PG);	/* range 0 pages 0 and 1 */
	dmalog_mark(l, 0x1ff000, 2 * PG);	/* only range 1 page 0 is logged */
	dmalog_mark(l, 0x300000, PG);	/* outside every range */
	dmalog_mark(l, 0x10f000, 0);	/* empty */
	dmalog_mark(l, ~0ull - 10, 100);	/* wraps: clamped, logs nothing here */

	assert_int_equal(do_report(l, 0x100000, 0x10000, PG, bm), 0);
	assert_int_equal(bm[0], 0x3);
	/* a report clears what it reported */
	bm[0] = 0;
	assert_int_equal(do_report(l, 0x100000, 0x10000, PG, bm), 0);
	assert_int_equal(bm[0], 0);
	/* ... and never clears the caller's bits (vfio.h) */
	bm[0] = 1ull << 40;
	assert_int_equal(do_report(l, 0x200000, 0x4000, PG, bm), 0);
	assert_int_equal(bm[0], (1ull << 40) | 1);

	/* REPORT page size larger than START's: pages 0-2 -> 8K bits 0, 1 */
	dmalog_mark(l, 0x100000, 3 * PG);
	bm[0] = 0;
	assert_int_equal(do_report(l, 0x100000, 0x10000, 2 * PG, bm), 0);
	assert_int_equal(bm[0], 0x3);
	/* one 64K bit per 64K, across both ranges, relative to report.iova */
	dmalog_mark(l, 0x203000, 1);
	dmalog_mark(l, 0x10f000, 1);
	bm[0] = 0;
	assert_int_equal(do_report(l, 0x100000, 0x110000, 0x10000, bm), 0);
	assert_int_equal(bm[0], (1ull << 0) | (1ull << 16));
	/* an unaligned report iova: bits count from it; dirty pages of the
	 * same log word on either side are neither reported nor cleared */
	dmalog_mark(l, 0x101000, 1);
	dmalog_mark(l, 0x105000, 1);
	dmalog_mark(l, 0x108000, 1);
	bm[0] = 0;
	assert_int_equal(do_report(l, 0x103000, 0x4000, PG, bm), 0);
	assert_int_equal(bm[0], 1ull << 2);
	bm[0] = 0;
	assert_int_equal(do_report(l, 0x100000, 0x10000, PG, bm), 0);
	assert_int_equal(bm[0], (1ull << 1) | (1ull << 8));
	/* a bitmap that is not 8-byte aligned */
	uint8_t raw[17] = { 0 };

	dmalog_mark(l, 0x10a000, 1);
	assert_int_equal(do_report(l, 0x100000, 0x10000, PG, (uint64_t *)(void *)(raw + 3)), 0);
	memcpy(&bm[0], raw + 3, 8);
	assert_int_equal(bm[0], 1ull << 10);
	assert_int_equal(dmalog_stop(l), 0);

	/* START at 16K pages, REPORT at 4K: one logged page gives four bits,
	 * and a page only partly reported stays dirty for the next report */
	const struct range big = { 0x400000, 0x400000 };

	assert_int_equal(do_start(l, 0x4000, 1, &big), 0);
	dmalog_mark(l, 0x404001, 1);	/* logged page 1 = [0x404000, 0x408000) */
	dmalog_mark(l, 0x7fffff, 1);	/* the last logged page */
	bm[0] = 0;
	assert_int_equal(do_report(l, 0x406000, PG, PG, bm), 0);
	assert_int_equal(bm[0], 1);
	bm[0] = 0;
	assert_int_equal(do_report(l, 0x400000, 0x8000, PG, bm), 0);
	assert_int_equal(bm[0], 0xf0);
	bm[0] = 0;
	assert_int_equal(do_report(l, 0x400000, 0x8000, PG, bm), 0);
	assert_int_equal(bm[0], 0);
	memset(bm, 0, sizeof(bm));
	assert_int_equal(do_report(l, 0x7f0000, 0x10000, PG, bm), 0);
	assert_int_equal(bm[0], 0xfull << 12);
	dmalog_free(l);	/* frees an active log */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_checks),
		cmocka_unit_test(test_start_limits),
		cmocka_unit_test(test_report_checks),
		cmocka_unit_test(test_mark_and_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
