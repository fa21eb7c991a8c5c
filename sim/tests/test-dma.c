/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dma.c and dma-tree.c: the ordered map against a reference model; MAP_DMA,
 * UNMAP_DMA and DIRTY_PAGES check by check in the kernel's order
 * (kernel-uapi.md §1.6, conformance items 96-116; errno and rule per row);
 * the VADDR cycle; dirty bitmaps: with pinned-page scope the pages the
 * device wrote, by default (vfio-pci groups) every page of every mapping on
 * every report; device DMA permission and faults; and 65,535 mappings made,
 * found and removed in shuffled order.
 * Every vaddr points into one mmap'd buffer; HOLE is below mmap_min_addr and
 * so never mapped.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "dma.h"
#include "dma-tree.h"
#include "rules.h"
#include "include/vfsim.h"

#define PG 0x1000ull
#define MEM_PAGES 128
#define HOLE 0x2000ull
#define RW (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

static uint8_t *mem;

static uint64_t va(uint64_t off)
{
	return (uintptr_t)mem + off;
}

static struct dma_space *space_cfg(uint32_t limit, bool pinned_scope)
{
	struct vfsim_iommu_config cfg = { .dma_entry_limit = limit, .pinned_scope = pinned_scope };
	struct dma_space *s;

	assert_int_equal(dma_space_new(&cfg, &s), 0);
	return s;
}

static struct dma_space *space_new(uint32_t limit)
{
	return space_cfg(limit, false);
}

/* do_x() returns -errno with the rule cleared first; x_ok() asserts. */
static int do_map(struct dma_space *s, uint32_t flags, uint64_t vaddr, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = flags, .vaddr = vaddr, .iova = iova, .size = size,
	};

	vfsim_reject_clear();
	return dma_map(s, &m);
}

static void map_ok(struct dma_space *s, uint32_t flags, uint64_t vaddr, uint64_t iova, uint64_t size)
{
	assert_int_equal(do_map(s, flags, vaddr, iova, size), 0);
}

static int do_unmap(struct dma_space *s, uint32_t flags, uint64_t iova, uint64_t size, uint64_t *ret_size)
{
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .flags = flags, .iova = iova, .size = size };
	int r;

	vfsim_reject_clear();
	r = dma_unmap(s, &u);
	if (ret_size)
		*ret_size = u.size;
	return r;
}

static void expect_rule(int r, int err, int rule)
{
	assert_int_equal(r, err);
	assert_int_equal(vfsim_last_rule(NULL), err ? rule : RULE_NONE);
}

/* ---- the ordered map ----------------------------------------------------- */

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void shuffle(unsigned *v, unsigned n)
{
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j = (unsigned)(rng() % (i + 1)), t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

static void test_tree_against_reference(void **state)
{
	enum { SLOTS = 512 };
	static struct dma_tree_node nodes[SLOTS];
	bool in[SLOTS] = { false };
	struct dma_tree_node *root = NULL;
	long count = 0;

	/* slot i covers [i*16, i*16 + len_i]: disjoint, with gaps */
	for (unsigned step = 0; step < 20000; step++) {
		unsigned i = (unsigned)(rng() % SLOTS);
		uint64_t probe = rng() % (SLOTS * 16 + 32);
		struct dma_tree_node *f = dma_tree_find(root, probe), *ff = dma_tree_first_from(root, probe);
		unsigned want = SLOTS, wantff = SLOTS;

		for (unsigned j = 0; j < SLOTS; j++) {
			if (!in[j])
				continue;
			if (nodes[j].start <= probe && probe <= nodes[j].last)
				want = j;
			if (nodes[j].last >= probe && wantff == SLOTS)
				wantff = j;
		}
		assert_ptr_equal(f, want < SLOTS ? &nodes[want] : NULL);
		assert_ptr_equal(ff, wantff < SLOTS ? &nodes[wantff] : NULL);
		if (ff) {
			unsigned nx = (unsigned)(ff - nodes) + 1;

			while (nx < SLOTS && !in[nx])
				nx++;
			assert_ptr_equal(dma_tree_next(root, ff), nx < SLOTS ? &nodes[nx] : NULL);
		}
		if (in[i]) {
			dma_tree_remove(&root, &nodes[i]);
			count--;
		} else {
			nodes[i].start = i * 16;
			nodes[i].last = i * 16 + rng() % 12;
			dma_tree_insert(&root, &nodes[i]);
			count++;
		}
		in[i] = !in[i];
		if (step % 97 == 0)
			assert_int_equal(dma_tree_check(root), count);
	}
	assert_int_equal(dma_tree_check(root), count);
}

/* ---- config -------------------------------------------------------------- */

static void test_config_defaults(void **state)
{
	struct dma_space *s = space_new(0);
	const struct vfsim_iommu_config *c;

	/* vfsim.h: 4K|2M|1G, 65535 entries, x86 ranges around the MSI window */
	assert_int_equal(dma_pgsizes(s), 0x1000 | 0x200000 | 0x40000000);
	assert_int_equal(dma_min_pgsize(s), 0x1000);
	assert_int_equal(dma_avail(s), 65535);
	assert_int_equal(dma_iova_ranges(s, &c), 2);
	assert_int_equal(c->iova_ranges[0].start, 0);
	assert_int_equal(c->iova_ranges[0].end, 0xfedfffff);
	assert_int_equal(c->iova_ranges[1].start, 0xfef00000);
	assert_int_equal(c->iova_ranges[1].end, (1ull << 48) - 1);
	assert_false(c->pinned_scope);	/* vfio-pci groups: no pinned-page dirty scope */
	assert_int_equal(dma_count(s), 0);
	assert_false(dma_dirty_tracking(s));
	dma_space_free(s);
	dma_space_free(NULL);
}

static void test_config_rejects(void **state)
{
	struct vfsim_iommu_config cfg = { .niova_ranges = 9 };
	struct dma_space *s = (struct dma_space *)&cfg;

	vfsim_reject_clear();
	expect_rule(dma_space_new(&cfg, &s), -EINVAL, RULE_DMA_CFG_RANGES);
	assert_null(s);
	cfg.niova_ranges = 1;
	cfg.iova_ranges[0].start = 0x2000;
	cfg.iova_ranges[0].end = 0x1000;
	expect_rule(dma_space_new(&cfg, &s), -EINVAL, RULE_DMA_CFG_RANGES);
	/* vfio_update_pgsize_bitmap: sizes below PAGE_SIZE fold into 4K */
	memset(&cfg, 0, sizeof(cfg));
	cfg.pgsizes = 0x800 | 0x10000;
	assert_int_equal(dma_space_new(&cfg, &s), 0);
	assert_int_equal(dma_pgsizes(s), 0x1000 | 0x10000);
	dma_space_free(s);
}

/* ---- MAP_DMA ------------------------------------------------------------- */

enum va_kind { VA_BUF, VA_ABS };

struct map_case {
	const char *name;
	uint32_t limit;		/* dma_entry_limit; 0 = default */
	uint32_t argsz, flags;
	enum va_kind vk;
	uint64_t vaddr, iova, size;
	int err, rule;
};

/* Every row starts from one RW mapping A = [0, 8K) over mem[0, 8K). */
static const struct map_case map_cases[] = {
	{ "argsz 31 (item 96)", 0, 31, RW, VA_BUF, 0x2000, 0x100000, PG, -EINVAL, RULE_DMA_MAP_ARGSZ },
	{ "flag bit 3 (item 96)", 0, 32, RW | 8, VA_BUF, 0x2000, 0x100000, PG, -EINVAL, RULE_DMA_MAP_FLAGS },
	{ "argsz before flags", 0, 31, 0, VA_BUF, 0x2000, 0x100000, PG, -EINVAL, RULE_DMA_MAP_ARGSZ },
	{ "no prot (item 97)", 0, 32, 0, VA_BUF, 0x2000, 0x100000, PG, -EINVAL, RULE_DMA_MAP_PROT },
	{ "READ|VADDR (item 98)", 0, 32, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_VADDR, VA_BUF, 0x2000, 0, 0x2000, -EINVAL, RULE_DMA_MAP_PROT },
	{ "WRITE|VADDR", 0, 32, VFIO_DMA_MAP_FLAG_WRITE | VFIO_DMA_MAP_FLAG_VADDR, VA_BUF, 0x2000, 0, 0x2000, -EINVAL, RULE_DMA_MAP_PROT },
	{ "flags before prot", 0, 32, 16, VA_BUF, 0x2000, 0x100000, PG, -EINVAL, RULE_DMA_MAP_FLAGS },
	{ "size 0 (item 99)", 0, 32, RW, VA_BUF, 0x2000, 0x100000, 0, -EINVAL, RULE_DMA_MAP_ALIGN },
	{ "iova unaligned (item 99)", 0, 32, RW, VA_BUF, 0x2000, 0x100800, PG, -EINVAL, RULE_DMA_MAP_ALIGN },
	{ "vaddr unaligned (item 99)", 0, 32, RW, VA_BUF, 0x2800, 0x100000, PG, -EINVAL, RULE_DMA_MAP_ALIGN },
	{ "size unaligned (item 99)", 0, 32, RW, VA_BUF, 0x2000, 0x100000, 0x1800, -EINVAL, RULE_DMA_MAP_ALIGN },
	{ "prot before align", 0, 32, 0, VA_BUF, 0x2000, 0x100800, 0, -EINVAL, RULE_DMA_MAP_PROT },
	{ "iova wraps (item 100, 6.1)", 0, 32, RW, VA_BUF, 0x2000, ~0ull & ~0xfffull, 2 * PG, -DMA_WRAP_ERRNO, RULE_DMA_MAP_WRAP },
	{ "vaddr wraps", 0, 32, RW, VA_ABS, ~0ull & ~0xfffull, 0x100000, 2 * PG, -DMA_WRAP_ERRNO, RULE_DMA_MAP_WRAP },
	{ "align before wrap", 0, 32, RW, VA_BUF, 0x2000, ~0ull & ~0xfffull, 0x1800, -EINVAL, RULE_DMA_MAP_ALIGN },
	{ "VADDR unknown iova (item 110)", 0, 32, VFIO_DMA_MAP_FLAG_VADDR, VA_BUF, 0x2000, 0x100000, PG, -ENOENT, RULE_DMA_MAP_VADDR_NOENT },
	{ "VADDR on a valid mapping", 0, 32, VFIO_DMA_MAP_FLAG_VADDR, VA_BUF, 0x2000, 0, 0x2000, -EINVAL, RULE_DMA_MAP_VADDR_MISMATCH },
	{ "overlap [4K,12K) (item 101)", 0, 32, RW, VA_BUF, 0x2000, 0x1000, 0x2000, -EEXIST, RULE_DMA_MAP_EXISTS },
	{ "overlap, covering A", 0, 32, RW, VA_BUF, 0x2000, 0, 0x4000, -EEXIST, RULE_DMA_MAP_EXISTS },
	{ "overlap before limit", 1, 32, RW, VA_BUF, 0x2000, 0x1000, PG, -EEXIST, RULE_DMA_MAP_EXISTS },
	{ "limit reached (item 102)", 1, 32, RW, VA_BUF, 0x2000, 0x100000, PG, -ENOSPC, RULE_DMA_MAP_LIMIT },
	{ "limit before iova range", 1, 32, RW, VA_BUF, 0x2000, 0xfee00000, PG, -ENOSPC, RULE_DMA_MAP_LIMIT },
	{ "MSI window (item 103)", 0, 32, RW, VA_BUF, 0x2000, 0xfee00000, PG, -EINVAL, RULE_DMA_MAP_IOVA_RANGE },
	{ "straddles the window", 0, 32, RW, VA_BUF, 0x2000, 0xfedff000, 2 * PG, -EINVAL, RULE_DMA_MAP_IOVA_RANGE },
	{ "above 2^48", 0, 32, RW, VA_BUF, 0x2000, 1ull << 48, PG, -EINVAL, RULE_DMA_MAP_IOVA_RANGE },
	{ "iova range before fault", 0, 32, RW, VA_ABS, HOLE, 1ull << 48, PG, -EINVAL, RULE_DMA_MAP_IOVA_RANGE },
	{ "vaddr not mapped", 0, 32, RW, VA_ABS, HOLE, 0x100000, PG, -EFAULT, RULE_DMA_MAP_FAULT },
	{ "vaddr 0 without dma_ops", 0, 32, RW, VA_ABS, 0, 0x100000, PG, -EFAULT, RULE_DMA_MAP_FAULT },
	{ "READ only", 0, 32, VFIO_DMA_MAP_FLAG_READ, VA_BUF, 0x2000, 0x100000, PG, 0, 0 },
	{ "WRITE only, argsz large", 0, 4096, VFIO_DMA_MAP_FLAG_WRITE, VA_BUF, 0x2000, 0x100000, PG, 0, 0 },
	{ "adjacent to A", 0, 32, RW, VA_BUF, 0x2000, 0x2000, 2 * PG, 0, 0 },
	{ "last page below the window", 0, 32, RW, VA_BUF, 0x2000, 0xfedff000, PG, 0, 0 },
};

static void test_map_checks(void **state)
{
	for (size_t i = 0; i < sizeof(map_cases) / sizeof(map_cases[0]); i++) {
		const struct map_case *c = &map_cases[i];
		struct dma_space *s = space_new(c->limit);
		struct vfio_iommu_type1_dma_map m = {
			.argsz = c->argsz, .flags = c->flags, .iova = c->iova, .size = c->size,
			.vaddr = c->vk == VA_BUF ? va(c->vaddr) : c->vaddr,
		};
		int r;

		print_message("map: %s\n", c->name);
		map_ok(s, RW, va(0), 0, 0x2000);
		vfsim_reject_clear();
		r = dma_map(s, &m);
		expect_rule(r, c->err, c->rule);
		assert_int_equal(dma_count(s), c->err ? 1 : 2);
		assert_int_equal(dma_space_check(s), dma_count(s));
		dma_space_free(s);
	}
}

static void test_map_limit(void **state)
{
	struct dma_space *s = space_new(4);
	uint64_t size;

	/* item 102: DMA_AVAIL falls by one per map, the (N+1)th is ENOSPC */
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(dma_avail(s), 4 - i);
		map_ok(s, RW, va(i * PG), 0x10000 + i * 2 * PG, PG);
	}
	assert_int_equal(dma_avail(s), 0);
	expect_rule(do_map(s, RW, va(5 * PG), 0x40000, PG), -ENOSPC, RULE_DMA_MAP_LIMIT);
	assert_int_equal(do_unmap(s, 0, 0x10000, PG, &size), 0);
	assert_int_equal(size, PG);
	assert_int_equal(dma_avail(s), 1);
	map_ok(s, RW, va(5 * PG), 0x40000, PG);
	dma_space_free(s);
}

/* ---- UNMAP_DMA ----------------------------------------------------------- */

struct unmap_case {
	const char *name;
	bool track, emulated;
	uint32_t argsz, flags;
	uint64_t iova, size;
	uint64_t bm_pgsize, bm_size;
	int bm_data;		/* 0: a valid buffer, 1: HOLE, 2: near the top of user space */
	int err, rule;
	uint64_t unmapped;	/* size reported on success */
	unsigned left;		/* mappings left on success */
};

#define DB VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP
#define UA VFIO_DMA_UNMAP_FLAG_ALL
#define UV VFIO_DMA_UNMAP_FLAG_VADDR
#define U_ARGSZ ((uint32_t)(sizeof(struct vfio_iommu_type1_dma_unmap) + sizeof(struct vfio_bitmap)))

/* Every row starts from A = [0x10000, +3 pages), B = [0x20000, +1), C = [0x21000, +2). */
static const struct unmap_case unmap_cases[] = {
	{ "argsz 23", 0, 0, 23, 0, 0x10000, 0x3000, 0, 0, 0, -EINVAL, RULE_DMA_UNMAP_ARGSZ, 0, 3 },
	{ "flag bit 3", 0, 0, 24, 8, 0x10000, 0x3000, 0, 0, 0, -EINVAL, RULE_DMA_UNMAP_FLAGS, 0, 3 },
	{ "ALL|GET_DIRTY_BITMAP (item 108)", 1, 0, U_ARGSZ, DB | UA, 0, 0, PG, 8, 0, -EINVAL, RULE_DMA_UNMAP_BITMAP_FLAGS, 0, 3 },
	{ "VADDR|GET_DIRTY_BITMAP", 1, 0, U_ARGSZ, DB | UV, 0x10000, 0x3000, PG, 8, 0, -EINVAL, RULE_DMA_UNMAP_BITMAP_FLAGS, 0, 3 },
	{ "bitmap flags before its argsz", 1, 0, 30, DB | UA, 0, 0, PG, 8, 0, -EINVAL, RULE_DMA_UNMAP_BITMAP_FLAGS, 0, 3 },
	{ "bitmap argsz 47", 1, 0, U_ARGSZ - 1, DB, 0x10000, 0x3000, PG, 8, 0, -EINVAL, RULE_DMA_UNMAP_BITMAP_ARGSZ, 0, 3 },
	{ "bitmap past user space", 1, 0, U_ARGSZ, DB, 0x10000, 0x3000, PG, 16, 2, -EINVAL, RULE_DMA_USER_BITMAP_ACCESS, 0, 3 },
	{ "bitmap size 0", 1, 0, U_ARGSZ, DB, 0x10000, 0x3000, PG, 0, 0, -EINVAL, RULE_DMA_USER_BITMAP_SIZE, 0, 3 },
	{ "bitmap too small for 65 pages", 1, 0, U_ARGSZ, DB, 0x10000, 65 * PG, PG, 8, 0, -EINVAL, RULE_DMA_USER_BITMAP_SIZE, 0, 3 },
	{ "bitmap size before iova align", 1, 0, U_ARGSZ, DB, 0x10800, 0, PG, 8, 0, -EINVAL, RULE_DMA_USER_BITMAP_SIZE, 0, 3 },
	{ "VADDR with an mdev group (item 111)", 0, 1, 24, UV, 0x10800, 0x3000, 0, 0, 0, -EBUSY, RULE_DMA_UNMAP_VADDR_EMULATED, 0, 3 },
	{ "iova unaligned", 0, 0, 24, 0, 0x10800, 0, 0, 0, 0, -EINVAL, RULE_DMA_UNMAP_IOVA_ALIGN, 0, 3 },
	{ "ALL with iova (item 107)", 0, 0, 24, UA, 0x10000, 0, 0, 0, 0, -EINVAL, RULE_DMA_UNMAP_ALL_RANGE, 0, 3 },
	{ "ALL with size", 0, 0, 24, UA, 0, 0x3000, 0, 0, 0, -EINVAL, RULE_DMA_UNMAP_ALL_RANGE, 0, 3 },
	{ "size 0", 0, 0, 24, 0, 0x10000, 0, 0, 0, 0, -EINVAL, RULE_DMA_UNMAP_SIZE, 0, 3 },
	{ "size unaligned", 0, 0, 24, 0, 0x10000, 0x2800, 0, 0, 0, -EINVAL, RULE_DMA_UNMAP_SIZE, 0, 3 },
	{ "wraps (item 109, 6.1)", 0, 0, 24, 0, ~0ull & ~0xfffull, 2 * PG, 0, 0, 0, -DMA_WRAP_ERRNO, RULE_DMA_UNMAP_WRAP, 0, 3 },
	{ "bitmap while not tracking", 0, 0, U_ARGSZ, DB, 0x10000, 0x3000, PG, 8, 0, -EINVAL, RULE_DMA_UNMAP_BITMAP_INACTIVE, 0, 3 },
	{ "bitmap pgsize 8K", 1, 0, U_ARGSZ, DB, 0x10000, 0x4000, 2 * PG, 8, 0, -EINVAL, RULE_DMA_UNMAP_BITMAP_PGSIZE, 0, 3 },
	{ "inactive before bisect", 0, 0, U_ARGSZ, DB, 0x11000, PG, PG, 8, 0, -EINVAL, RULE_DMA_UNMAP_BITMAP_INACTIVE, 0, 3 },
	{ "middle page of A (item 104)", 0, 0, 24, 0, 0x11000, PG, 0, 0, 0, -EINVAL, RULE_DMA_UNMAP_BISECT, 0, 3 },
	{ "starts inside A", 0, 0, 24, 0, 0x11000, 0x20000, 0, 0, 0, -EINVAL, RULE_DMA_UNMAP_BISECT, 0, 3 },
	{ "ends inside A", 0, 0, 24, 0, 0xf000, 0x2000, 0, 0, 0, -EINVAL, RULE_DMA_UNMAP_BISECT, 0, 3 },
	{ "ends inside C", 0, 0, 24, 0, 0x20000, 0x2000, 0, 0, 0, -EINVAL, RULE_DMA_UNMAP_BISECT, 0, 3 },
	{ "VADDR bisecting A", 0, 0, 24, UV, 0x10000, PG, 0, 0, 0, -EINVAL, RULE_DMA_UNMAP_BISECT, 0, 3 },
	{ "bitmap not mapped", 1, 0, U_ARGSZ, DB, 0x20000, 0x3000, PG, 8, 1, -EFAULT, RULE_DMA_USER_BITMAP_FAULT, 0, 3 },
	{ "empty range (item 105)", 0, 0, 24, 0, 0x40000, PG, 0, 0, 0, 0, 0, 0, 3 },
	{ "B and C (item 106)", 0, 0, 24, 0, 0x20000, 0x3000, 0, 0, 0, 0, 0, 0x3000, 1 },
	{ "all three by range", 0, 0, 24, 0, 0, 0x100000, 0, 0, 0, 0, 0, 0x6000, 0 },
	{ "A exactly", 0, 0, 24, 0, 0x10000, 0x3000, 0, 0, 0, 0, 0, 0x3000, 2 },
	{ "ALL (item 107)", 0, 0, 24, UA, 0, 0, 0, 0, 0, 0, 0, 0x6000, 0 },
	{ "B and C with a bitmap", 1, 0, U_ARGSZ, DB, 0x20000, 0x3000, PG, 8, 0, 0, 0, 0x3000, 1 },
	{ "VADDR over B and C", 0, 0, 24, UV, 0x1f000, 0x5000, 0, 0, 0, 0, 0, 0x3000, 3 },
};

static void three_mappings(struct dma_space *s)
{
	map_ok(s, RW, va(0), 0x10000, 3 * PG);
	map_ok(s, RW, va(3 * PG), 0x20000, PG);
	map_ok(s, RW, va(4 * PG), 0x21000, 2 * PG);
}

static void test_unmap_checks(void **state)
{
	struct vfio_iommu_type1_dirty_bitmap start = {
		.argsz = sizeof(start), .flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_START,
	};

	for (size_t i = 0; i < sizeof(unmap_cases) / sizeof(unmap_cases[0]); i++) {
		const struct unmap_case *c = &unmap_cases[i];
		struct dma_space *s = space_new(0);
		uint64_t buf[4] = { 0 }, h[(sizeof(struct vfio_iommu_type1_dma_unmap) + sizeof(struct vfio_bitmap)) / 8];
		struct vfio_iommu_type1_dma_unmap *u = (void *)h;
		struct vfio_bitmap bm = { .pgsize = c->bm_pgsize, .size = c->bm_size, .data = (void *)buf };
		int r;

		print_message("unmap: %s\n", c->name);
		three_mappings(s);
		if (c->track)
			assert_int_equal(dma_dirty_pages(s, &start), 0);
		dma_space_set_emulated(s, c->emulated);
		if (c->bm_data == 1)
			bm.data = (void *)(uintptr_t)HOLE;
		else if (c->bm_data == 2)
			bm.data = (void *)(uintptr_t)((1ull << 47) - 8);
		u->argsz = c->argsz;
		u->flags = c->flags;
		u->iova = c->iova;
		u->size = c->size;
		memcpy(u->data, &bm, sizeof(bm));
		vfsim_reject_clear();
		r = dma_unmap(s, u);
		expect_rule(r, c->err, c->rule);
		/* size copied back only on success */
		assert_int_equal(u->size, c->err ? c->size : c->unmapped);
		assert_int_equal(dma_count(s), c->err ? 3 : c->left);
		assert_int_equal(dma_space_check(s), dma_count(s));
		dma_space_free(s);
	}
}

static void test_vaddr_cycle(void **state)
{
	struct dma_space *s = space_new(0);
	uint64_t size, v = 0;
	uint32_t avail;

	three_mappings(s);
	memcpy(mem + 10 * PG, "new-backing", 12);
	avail = dma_avail(s);
	/* item 110: UNMAP|VADDR then MAP|VADDR with the same iova and size */
	assert_int_equal(do_unmap(s, UV, 0x10000, 3 * PG, &size), 0);
	assert_int_equal(size, 3 * PG);
	assert_int_equal(dma_count(s), 3);
	assert_int_equal(dma_avail(s), avail);
	vfsim_reject_clear();
	expect_rule(dma_rw(s, 0x10000, &v, 8, false), -EFAULT, RULE_DMA_RW_VADDR_INVALID);
	expect_rule(do_unmap(s, UV, 0x10000, 3 * PG, &size), -EINVAL, RULE_DMA_UNMAP_VADDR_TWICE);
	expect_rule(do_map(s, VFIO_DMA_MAP_FLAG_VADDR, va(8 * PG), 0x40000, 3 * PG), -ENOENT, RULE_DMA_MAP_VADDR_NOENT);
	expect_rule(do_map(s, VFIO_DMA_MAP_FLAG_VADDR, va(8 * PG), 0x10000, 2 * PG), -EINVAL, RULE_DMA_MAP_VADDR_MISMATCH);
	/* 6.1 does not check the new vaddr (vfio_dma_do_map): an unmapped one is
	 * taken, and the device's next access through it faults */
	map_ok(s, VFIO_DMA_MAP_FLAG_VADDR, HOLE, 0x10000, 3 * PG);
	expect_rule(dma_rw(s, 0x12000, &v, 8, false), -EFAULT, RULE_DMA_RW_VADDR_FAULT);
	assert_int_equal(do_unmap(s, UV, 0x10000, 3 * PG, &size), 0);
	map_ok(s, VFIO_DMA_MAP_FLAG_VADDR, va(8 * PG), 0x10000, 3 * PG);
	assert_int_equal(dma_rw(s, 0x12000, &v, 8, false), 0);
	assert_memory_equal(&v, "new-back", 8);
	expect_rule(do_map(s, VFIO_DMA_MAP_FLAG_VADDR, va(8 * PG), 0x10000, 3 * PG), -EINVAL, RULE_DMA_MAP_VADDR_MISMATCH);

	/* rollback: C invalid, then B..C marks B, meets C, and undoes B */
	assert_int_equal(do_unmap(s, UV, 0x21000, 2 * PG, &size), 0);
	expect_rule(do_unmap(s, UV, 0x20000, 3 * PG, &size), -EINVAL, RULE_DMA_UNMAP_VADDR_TWICE);
	assert_int_equal(dma_rw(s, 0x20000, &v, 8, false), 0);
	map_ok(s, VFIO_DMA_MAP_FLAG_VADDR, va(4 * PG), 0x21000, 2 * PG);
	/* an invalidated mapping still unmaps */
	assert_int_equal(do_unmap(s, UV, 0x20000, PG, &size), 0);
	assert_int_equal(do_unmap(s, UA, 0, 0, &size), 0);
	assert_int_equal(size, 6 * PG);
	dma_space_free(s);
}

/* ---- DIRTY_PAGES --------------------------------------------------------- */

struct dirty_case {
	const char *name;
	bool track;
	uint32_t argsz, flags;
	uint64_t iova, size, bm_pgsize, bm_size;
	int bm_data;		/* as in unmap_case */
	int err, rule;
};

#define DS VFIO_IOMMU_DIRTY_PAGES_FLAG_START
#define DT VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP
#define DG VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP
#define D_ARGSZ ((uint32_t)(8 + sizeof(struct vfio_iommu_type1_dirty_bitmap_get)))

/* Mappings A, B, C as for UNMAP. */
static const struct dirty_case dirty_cases[] = {
	{ "argsz 7", 0, 7, DS, 0, 0, 0, 0, 0, -EINVAL, RULE_DMA_DIRTY_ARGSZ },
	{ "flag bit 3", 0, 8, 8, 0, 0, 0, 0, 0, -EINVAL, RULE_DMA_DIRTY_FLAGS },
	{ "START|STOP (item 113)", 0, 8, DS | DT, 0, 0, 0, 0, 0, -EINVAL, RULE_DMA_DIRTY_ONE_FLAG },
	{ "no flag", 0, 8, 0, 0, 0, 0, 0, 0, -EINVAL, RULE_DMA_DIRTY_ONE_FLAG },
	{ "GET data 39 bytes", 1, D_ARGSZ - 1, DG, 0x10000, 0x3000, PG, 8, 0, -EINVAL, RULE_DMA_DIRTY_GET_ARGSZ },
	{ "GET wraps (6.1)", 1, D_ARGSZ, DG, ~0ull & ~0xfffull, 0x2000, PG, 8, 0, -DMA_WRAP_ERRNO, RULE_DMA_DIRTY_WRAP },
	{ "GET bitmap past user space", 1, D_ARGSZ, DG, 0x10000, 0x3000, PG, 16, 2, -EINVAL, RULE_DMA_USER_BITMAP_ACCESS },
	{ "GET small bitmap (item 116)", 1, D_ARGSZ, DG, 0x10000, 65 * PG, PG, 8, 0, -EINVAL, RULE_DMA_USER_BITMAP_SIZE },
	{ "GET size 0", 1, D_ARGSZ, DG, 0x10000, 0, PG, 8, 0, -EINVAL, RULE_DMA_USER_BITMAP_SIZE },
	{ "GET pgsize 8K (item 115)", 1, D_ARGSZ, DG, 0x10000, 0x4000, 2 * PG, 8, 0, -EINVAL, RULE_DMA_DIRTY_PGSIZE },
	{ "GET iova unaligned", 1, D_ARGSZ, DG, 0x10800, 0x3000, PG, 8, 0, -EINVAL, RULE_DMA_DIRTY_IOVA_ALIGN },
	{ "GET size unaligned", 1, D_ARGSZ, DG, 0x10000, 0x1800, PG, 8, 0, -EINVAL, RULE_DMA_DIRTY_SIZE },
	{ "GET not tracking (item 114)", 0, D_ARGSZ, DG, 0x10000, 0x3000, PG, 8, 0, -EINVAL, RULE_DMA_DIRTY_INACTIVE },
	{ "GET bisecting A", 1, D_ARGSZ, DG, 0x11000, 0x1000, PG, 8, 0, -EINVAL, RULE_DMA_DIRTY_BISECT },
	{ "GET bitmap not mapped", 1, D_ARGSZ, DG, 0x10000, 0x3000, PG, 8, 1, -EFAULT, RULE_DMA_USER_BITMAP_FAULT },
	{ "GET all three", 1, D_ARGSZ, DG, 0x10000, 0x13000, PG, 8, 0, 0, 0 },
	{ "START", 0, 8, DS, 0, 0, 0, 0, 0, 0, 0 },
	{ "START again", 1, 8, DS, 0, 0, 0, 0, 0, 0, 0 },
	{ "STOP", 1, 8, DT, 0, 0, 0, 0, 0, 0, 0 },
	{ "STOP again", 0, 8, DT, 0, 0, 0, 0, 0, 0, 0 },
};

static int do_dirty(struct dma_space *s, uint32_t argsz, uint32_t flags, uint64_t iova, uint64_t size,
		    uint64_t pgsize, uint64_t bm_size, void *data)
{
	uint64_t h[(8 + sizeof(struct vfio_iommu_type1_dirty_bitmap_get)) / 8] = { 0 };
	struct vfio_iommu_type1_dirty_bitmap *d = (void *)h;
	struct vfio_iommu_type1_dirty_bitmap_get g = {
		.iova = iova, .size = size, .bitmap = { .pgsize = pgsize, .size = bm_size, .data = data },
	};

	d->argsz = argsz;
	d->flags = flags;
	memcpy(d->data, &g, sizeof(g));
	vfsim_reject_clear();
	return dma_dirty_pages(s, d);
}

static void test_dirty_checks(void **state)
{
	for (size_t i = 0; i < sizeof(dirty_cases) / sizeof(dirty_cases[0]); i++) {
		const struct dirty_case *c = &dirty_cases[i];
		struct dma_space *s = space_new(0);
		uint64_t buf[4] = { 0 };
		void *data = buf;

		print_message("dirty: %s\n", c->name);
		three_mappings(s);
		if (c->track)
			assert_int_equal(do_dirty(s, 8, DS, 0, 0, 0, 0, NULL), 0);
		if (c->bm_data == 1)
			data = (void *)(uintptr_t)HOLE;
		else if (c->bm_data == 2)
			data = (void *)(uintptr_t)((1ull << 47) - 8);
		expect_rule(do_dirty(s, c->argsz, c->flags, c->iova, c->size, c->bm_pgsize, c->bm_size, data),
			    c->err, c->rule);
		if (!c->err && c->flags != DG)
			assert_int_equal(dma_dirty_tracking(s), c->flags == DS);
		dma_space_free(s);
	}
}

/* With pinned-page scope (every group mdev-like): the pages written. */
static void test_dirty_bitmaps(void **state)
{
	struct dma_space *s = space_cfg(0, true);
	uint64_t bm[2], v = 0x1122334455667788ull, size;
	uint8_t big[0x2000];
	struct vfio_iommu_type1_dma_unmap *u;
	uint64_t h[(sizeof(*u) + sizeof(struct vfio_bitmap)) / 8];
	struct vfio_bitmap ub = { .pgsize = PG, .size = 8, .data = (void *)bm };

	three_mappings(s);
	/* writes before START are not tracked */
	assert_int_equal(dma_rw(s, 0x10000, &v, 8, true), 0);
	assert_int_equal(do_dirty(s, 8, DS, 0, 0, 0, 0, NULL), 0);
	memset(big, 0x5a, sizeof(big));
	assert_int_equal(dma_rw(s, 0x11005, &v, 1, true), 0);		/* A page 1 */
	assert_int_equal(dma_rw(s, 0x20800, big, sizeof(big), true), 0);	/* B, C pages 0-1 */
	assert_int_equal(dma_rw(s, 0x12000, &v, 8, false), 0);		/* reads dirty nothing */
	assert_memory_equal(mem + 4 * PG, big + 0x800, 0x1800);

	/* bits from 0x10000: A 0-2, B 16, C 17-18. update_user_bitmap writes
	 * whole words per mapping: A's word clears bits 3-63, so the gap bits
	 * of a prefilled bitmap read 0, and nothing past word 0 is touched. */
	bm[0] = bm[1] = ~0ull;
	assert_int_equal(do_dirty(s, D_ARGSZ, DG, 0x10000, 0x13000, PG, 8, bm), 0);
	assert_int_equal(bm[0], (1ull << 1) | (1ull << 16) | (1ull << 17) | (1ull << 18));
	assert_int_equal(bm[1], ~0ull);
	/* a report clears what it reported */
	bm[0] = 0;
	assert_int_equal(do_dirty(s, D_ARGSZ, DG, 0x10000, 0x13000, PG, 8, bm), 0);
	assert_int_equal(bm[0], 0);

	/* a user bitmap need not be 8-byte aligned */
	uint8_t raw[17] = { 0 };

	assert_int_equal(dma_rw(s, 0x12000, &v, 1, true), 0);
	assert_int_equal(do_dirty(s, D_ARGSZ, DG, 0x10000, 0x13000, PG, 8, raw + 1), 0);
	memcpy(&bm[0], raw + 1, 8);
	assert_int_equal(bm[0], 1ull << 2);

	/* a mapping made while tracking gets a bitmap too */
	map_ok(s, RW, va(20 * PG), 0x30000, 2 * PG);
	assert_int_equal(dma_rw(s, 0x31000, &v, 8, true), 0);
	dma_mark_dirty(s, 0x21000, 1);
	bm[0] = 0;
	assert_int_equal(do_dirty(s, D_ARGSZ, DG, 0x30000, 0x2000, PG, 8, bm), 0);
	assert_int_equal(bm[0], 2);

	/* UNMAP with GET_DIRTY_BITMAP reports relative to unmap.iova */
	u = (void *)h;
	u->argsz = sizeof(h);
	u->flags = DB;
	u->iova = 0x20000;
	u->size = 0x3000;
	memcpy(u->data, &ub, sizeof(ub));
	bm[0] = 0;
	assert_int_equal(dma_unmap(s, u), 0);
	assert_int_equal(u->size, 0x3000);
	assert_int_equal(bm[0], 2);

	/* STOP drops the bitmaps; START again begins clean */
	assert_int_equal(do_dirty(s, 8, DT, 0, 0, 0, 0, NULL), 0);
	assert_int_equal(dma_rw(s, 0x10000, &v, 8, true), 0);
	assert_int_equal(do_dirty(s, 8, DS, 0, 0, 0, 0, NULL), 0);
	bm[0] = 0;
	assert_int_equal(do_dirty(s, D_ARGSZ, DG, 0x10000, 0x3000, PG, 8, bm), 0);
	assert_int_equal(bm[0], 0);
	assert_int_equal(do_unmap(s, UA, 0, 0, &size), 0);
	assert_int_equal(size, 5 * PG);
	dma_space_free(s);
}

/* UNMAP_DMA with GET_DIRTY_BITMAP of [@iova, +@size) into @bm (8 * @words bytes). */
static int unmap_bitmap(struct dma_space *s, uint64_t iova, uint64_t size, uint64_t *bm, unsigned words)
{
	uint64_t h[(sizeof(struct vfio_iommu_type1_dma_unmap) + sizeof(struct vfio_bitmap)) / 8];
	struct vfio_iommu_type1_dma_unmap *u = (void *)h;
	struct vfio_bitmap ub = { .pgsize = PG, .size = 8ull * words, .data = (void *)bm };

	u->argsz = sizeof(h);
	u->flags = DB;
	u->iova = iova;
	u->size = size;
	memcpy(u->data, &ub, sizeof(ub));
	vfsim_reject_clear();
	return dma_unmap(s, u);
}

/*
 * Kernel 6.1 with a vfio-pci group (no pinned-page scope, the default):
 * update_user_bitmap sets every page of an iommu_mapped mapping on every
 * report, written or not; bits of the range outside mappings stay 0.
 * A = [0x10000, 3 pages) bits 0-2, B bit 16, C bits 17-18 and E = 65 pages
 * at 0x30000, bits 32-96 of a report from 0x10000.
 */
static void test_dirty_default_all_pages(void **state)
{
	struct dma_space *s = space_new(0);
	const uint64_t w0 = 0x7ull | 0x70000ull | 0xffffffff00000000ull, w1 = 0x1ffffffffull;
	uint64_t bm[3], v = 1;

	three_mappings(s);
	map_ok(s, RW, va(8 * PG), 0x30000, 65 * PG);
	assert_int_equal(do_dirty(s, 8, DS, 0, 0, 0, 0, NULL), 0);
	assert_int_equal(dma_rw(s, 0x11000, &v, 1, true), 0);	/* the device touches A page 1 only */
	for (int round = 0; round < 2; round++) {
		memset(bm, 0, sizeof(bm));
		bm[2] = 0x5a5a;
		assert_int_equal(do_dirty(s, D_ARGSZ, DG, 0x10000, 0x70000, PG, 16, bm), 0);
		assert_int_equal(bm[0], w0);
		assert_int_equal(bm[1], w1);
		assert_int_equal(bm[2], 0x5a5a);	/* past bitmap.size: untouched */
	}
	/* a single mapping's report: exactly its 65 bits */
	memset(bm, 0, sizeof(bm));
	assert_int_equal(do_dirty(s, D_ARGSZ, DG, 0x30000, 65 * PG, PG, 16, bm), 0);
	assert_int_equal(bm[0], ~0ull);
	assert_int_equal(bm[1], 1);
	/* a mapping made while tracking is reported whole too */
	map_ok(s, RW, va(80 * PG), 0x80000, 2 * PG);
	memset(bm, 0, sizeof(bm));
	assert_int_equal(do_dirty(s, D_ARGSZ, DG, 0x80000, 2 * PG, PG, 8, bm), 0);
	assert_int_equal(bm[0], 3);

	/* UNMAP with a bitmap reports every page of the mappings it removes:
	 * B and C from 0x1f000 (bits 1-3; page 0 is no mapping's) */
	memset(bm, 0, sizeof(bm));
	assert_int_equal(unmap_bitmap(s, 0x1f000, 0x4000, bm, 1), 0);
	assert_int_equal(bm[0], 0xe);
	memset(bm, 0, sizeof(bm));
	assert_int_equal(unmap_bitmap(s, 0x30000, 65 * PG, bm, 2), 0);
	assert_int_equal(bm[0], ~0ull);
	assert_int_equal(bm[1], 1);
	assert_int_equal(dma_count(s), 2);
	/* after STOP and START still every page */
	assert_int_equal(do_dirty(s, 8, DT, 0, 0, 0, 0, NULL), 0);
	assert_int_equal(do_dirty(s, 8, DS, 0, 0, 0, 0, NULL), 0);
	memset(bm, 0, sizeof(bm));
	assert_int_equal(do_dirty(s, D_ARGSZ, DG, 0x10000, 3 * PG, PG, 8, bm), 0);
	assert_int_equal(bm[0], 7);
	dma_space_free(s);
}

/*
 * update_user_bitmap for a mapping that starts inside a u64 word ORs the
 * caller's whole word into it (bitmap_or with the leftover): the caller's
 * bits there stay set, also over the mapping's clean pages and past its end.
 */
static void test_dirty_leftover_word(void **state)
{
	struct dma_space *s = space_cfg(0, true);
	const uint64_t pre = 0x8000000000010001ull | (1ull << 20);
	uint64_t bm[2], v = 1;

	map_ok(s, RW, va(0), 0x20000, 2 * PG);	/* bits 16-17 of a report from 0x10000 */
	assert_int_equal(do_dirty(s, 8, DS, 0, 0, 0, 0, NULL), 0);
	assert_int_equal(dma_rw(s, 0x21000, &v, 1, true), 0);
	bm[0] = pre;
	bm[1] = ~0ull;
	assert_int_equal(do_dirty(s, D_ARGSZ, DG, 0x10000, 0x40 * PG, PG, 8, bm), 0);
	assert_int_equal(bm[0], pre | (1ull << 17));
	assert_int_equal(bm[1], ~0ull);
	dma_space_free(s);
}

/* ---- device DMA ---------------------------------------------------------- */

static unsigned ops_calls;
static uint64_t ops_iova, ops_len;

static int fake_rw(void *opaque, uint64_t iova, void *buf, size_t len, bool write)
{
	ops_calls++;
	ops_iova = iova;
	ops_len = len;
	if (!write)
		memset(buf, 0xab, len);
	return *(int *)opaque;
}

static void test_dma_rw(void **state)
{
	struct dma_space *s = space_new(0);
	uint8_t buf[3 * PG], guard[3 * PG];
	int ops_ret = 0;
	struct dma_ops ops = { .rw = fake_rw, .opaque = &ops_ret };
	void *ptr;
	uint64_t len;

	map_ok(s, VFIO_DMA_MAP_FLAG_READ, va(0), 0x10000, PG);
	map_ok(s, VFIO_DMA_MAP_FLAG_WRITE, va(PG), 0x11000, PG);
	map_ok(s, RW, va(2 * PG), 0x12000, PG);
	map_ok(s, RW, va(3 * PG), 0x20000, PG);
	memset(buf, 0x11, sizeof(buf));
	vfsim_reject_clear();
	expect_rule(dma_rw(s, 0x10000, buf, 8, true), -EPERM, RULE_DMA_RW_PERM);
	expect_rule(dma_rw(s, 0x11000, buf, 8, false), -EPERM, RULE_DMA_RW_PERM);
	expect_rule(dma_rw(s, 0x13000, buf, 8, false), -EFAULT, RULE_DMA_RW_UNMAPPED);
	expect_rule(dma_rw(s, ~0ull - 3, buf, 8, false), -EFAULT, RULE_DMA_RW_UNMAPPED);
	vfsim_reject_clear();
	assert_int_equal(dma_rw(s, 0x13000, buf, 0, false), 0);
	assert_int_equal(dma_rw(s, 0x11000, buf, 8, true), 0);
	assert_memory_equal(mem + PG, buf, 8);
	/* across two mappings: needs WRITE on both */
	memset(mem + PG, 0, 2 * PG);
	assert_int_equal(dma_rw(s, 0x11800, buf, 0x1000, true), 0);
	assert_memory_equal(mem + PG + 0x800, buf, 0x1000);
	/* a range running into a hole copies nothing */
	memset(mem + 2 * PG, 0x77, PG);
	memcpy(guard, mem, sizeof(guard));
	expect_rule(dma_rw(s, 0x12800, buf, 0x1000, true), -EFAULT, RULE_DMA_RW_UNMAPPED);
	assert_memory_equal(guard, mem, sizeof(guard));
	expect_rule(dma_rw(s, 0x10800, buf, 0x1000, false), -EPERM, RULE_DMA_RW_PERM);

	/* translate: pointer and bytes left, O(log n) */
	vfsim_reject_clear();
	assert_int_equal(dma_translate(s, 0x12010, false, &ptr, &len), 0);
	assert_ptr_equal(ptr, mem + 2 * PG + 0x10);
	assert_int_equal(len, PG - 0x10);
	expect_rule(dma_translate(s, 0x10000, true, &ptr, &len), -EPERM, RULE_DMA_RW_PERM);
	expect_rule(dma_translate(s, 0x30000, false, &ptr, &len), -EFAULT, RULE_DMA_RW_UNMAPPED);

	/* vaddr 0 goes through dma_ops */
	dma_space_set_ops(s, &ops);
	map_ok(s, RW, 0, 0x40000, 2 * PG);
	assert_int_equal(dma_rw(s, 0x40ff0, buf, 0x20, false), 0);
	assert_int_equal(ops_calls, 1);
	assert_int_equal(ops_iova, 0x40ff0);
	assert_int_equal(ops_len, 0x20);
	assert_int_equal(buf[0], 0xab);
	ops_ret = -EIO;
	assert_int_equal(dma_rw(s, 0x40000, buf, 8, true), -EIO);
	assert_int_equal(dma_translate(s, 0x41000, true, &ptr, &len), 0);
	assert_null(ptr);
	assert_int_equal(len, PG);
	dma_space_set_ops(s, NULL);
	expect_rule(dma_rw(s, 0x40000, buf, 8, false), -EFAULT, RULE_DMA_RW_NO_BACKING);
	dma_space_clear(s);
	assert_int_equal(dma_count(s), 0);
	assert_int_equal(dma_avail(s), 65535);
	dma_space_free(s);
}

/* ---- 65,535 mappings ----------------------------------------------------- */

static void test_max_mappings(void **state)
{
	const unsigned n = 65535;
	struct dma_space *s = space_new(0);
	uint8_t *big = mmap(NULL, (size_t)n * PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	unsigned *order = malloc(n * sizeof(*order));
	const uint64_t base = 0x100000000ull;
	uint64_t size, len;
	void *ptr;

	assert_true(big != MAP_FAILED);
	assert_non_null(order);
	for (unsigned i = 0; i < n; i++)
		order[i] = i;
	shuffle(order, n);
	/* every other IOVA page, so neighbours never touch */
	for (unsigned i = 0; i < n; i++)
		map_ok(s, RW, (uintptr_t)big + order[i] * PG, base + order[i] * 2 * PG, PG);
	assert_int_equal(dma_count(s), n);
	assert_int_equal(dma_avail(s), 0);
	assert_int_equal(dma_space_check(s), n);
	expect_rule(do_map(s, RW, (uintptr_t)big, base - 2 * PG, PG), -ENOSPC, RULE_DMA_MAP_LIMIT);
	for (unsigned i = 0; i < 100000; i++) {
		uint64_t k = rng() % n, off = rng() % PG;

		assert_int_equal(dma_translate(s, base + k * 2 * PG + off, true, &ptr, &len), 0);
		assert_ptr_equal(ptr, big + k * PG + off);
		assert_int_equal(len, PG - off);
		assert_int_equal(dma_translate(s, base + k * 2 * PG + PG + off, false, &ptr, &len), -EFAULT);
	}
	shuffle(order, n);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(do_unmap(s, 0, base + order[i] * 2 * PG, PG, &size), 0);
		assert_int_equal(size, PG);
		if (i == n / 2)
			assert_int_equal(dma_space_check(s), n - i - 1);
	}
	assert_int_equal(dma_count(s), 0);
	assert_int_equal(dma_space_check(s), 0);
	free(order);
	munmap(big, (size_t)n * PG);
	dma_space_free(s);
}

static int group_setup(void **state)
{
	mem = mmap(NULL, MEM_PAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return mem == MAP_FAILED ? -1 : 0;
}

static int group_teardown(void **state)
{
	munmap(mem, MEM_PAGES * PG);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_against_reference),
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_rejects),
		cmocka_unit_test(test_map_checks),
		cmocka_unit_test(test_map_limit),
		cmocka_unit_test(test_unmap_checks),
		cmocka_unit_test(test_vaddr_cycle),
		cmocka_unit_test(test_dirty_checks),
		cmocka_unit_test(test_dirty_bitmaps),
		cmocka_unit_test(test_dirty_default_all_pages),
		cmocka_unit_test(test_dirty_leftover_word),
		cmocka_unit_test(test_dma_rw),
		cmocka_unit_test(test_max_mappings),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
