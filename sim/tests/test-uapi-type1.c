/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uapi-type1.c: CHECK_EXTENSION before and after SET_IOMMU, IOMMU GET_INFO
 * (conformance items 94-95: chain MIGRATION -> DMA_AVAIL -> IOVA_RANGE with
 * Linux 6.1's packed layout, and the argsz window 15/16/19/20/24/exact/larger),
 * unknown ioctls (item 117), DIRTY_PAGES on a v1 container, that MAP/UNMAP
 * reach the IOMMU model, and that the host's pinned_scope decides what a
 * dirty report holds (every mapped page for vfio-pci groups, kernel 6.1).
 *
 * Layout of the default chain, from the uapi struct sizes (6.1 packs caps):
 *   info 24 | MIGRATION 32 @24 | DMA_AVAIL 12 @56 | IOVA_RANGE 16+2*16 @68 | end 116
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "uapi.h"
#include "rules.h"
#include "test-util.h"

#define BDF "0000:00:04.0"
#define INFO_FULL 116
#define MAX_DIRTY_BITMAP 268435456ull	/* ALIGN(INT_MAX, 64) / 8 */

struct fx {
	struct vfsim_host *h;
	struct vfsim_dev *dev;
	int ctr, grp;
};

static struct fx *fx_new(const struct vfsim_iommu_config *cfg, unsigned long type)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dev = tu_dev_from("minimal");
	assert_int_equal(vfsim_host_new(cfg, &f->h), 0);
	assert_int_equal(vfsim_host_add_device(f->h, f->dev, 3, BDF), 0);
	f->ctr = tu_open_container(f->h);
	f->grp = tu_open_group(f->h, 3);
	tu_set_container_ok(f->h, f->grp, f->ctr);
	if (type)
		tu_set_iommu_ok(f->h, f->ctr, type);
	return f;
}

static void fx_free(struct fx *f)
{
	vfsim_host_free(f->h);
	vfsim_dev_free(f->dev);
	free(f);
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/* ---- CHECK_EXTENSION --------------------------------------------------- */

static int check_ext(struct fx *f, int ctr, unsigned long ext)
{
	return vfsim_ioctl(f->h, ctr, VFIO_CHECK_EXTENSION, tu_val(ext));
}

static void test_check_extension(void **state)
{
	/* vfio_iommu_type1_check_extension (6.1), asked with no iommu data
	 * before SET_IOMMU, and the container's answer with no group at all. */
	static const struct {
		unsigned long ext;
		int before, after;
	} rows[] = {
		{ VFIO_TYPE1_IOMMU, 1, 1 },
		{ VFIO_SPAPR_TCE_IOMMU, 0, 0 },
		{ VFIO_TYPE1v2_IOMMU, 1, 1 },
		{ VFIO_DMA_CC_IOMMU, 0, 1 },
		{ VFIO_EEH, 0, 0 },
		{ VFIO_TYPE1_NESTING_IOMMU, 1, 1 },
		{ VFIO_SPAPR_TCE_v2_IOMMU, 0, 0 },
		{ VFIO_NOIOMMU_IOMMU, 0, 0 },
		{ VFIO_UNMAP_ALL, 1, 1 },
		{ VFIO_UPDATE_VADDR, 0, 1 },
		{ 0, 0, 0 },
		{ 11, 0, 0 },
		{ 0x77, 0, 0 },
	};
	struct fx *f = fx_new(NULL, 0);
	int empty = vfsim_open(f->h, "/dev/vfio/vfio", O_RDWR);
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(check_ext(f, empty, rows[i].ext), rows[i].before);
		assert_int_equal(check_ext(f, f->ctr, rows[i].ext), rows[i].before);
	}
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_SET_IOMMU, tu_val(VFIO_TYPE1v2_IOMMU)), 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(check_ext(f, f->ctr, rows[i].ext), rows[i].after);
		assert_int_equal(check_ext(f, empty, rows[i].ext), rows[i].before);
		assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
	}
	fx_free(f);
}

/* ---- GET_INFO -------------------------------------------------------------- */

/* Item 94: the whole chain, in order, with its contents. */
static void check_default_chain(const uint8_t *b)
{
	/* MIGRATION @24: flags 0, smallest page size, max dirty bitmap bytes */
	assert_int_equal(rd16(b + 24), VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
	assert_int_equal(rd16(b + 26), 1);
	assert_int_equal(rd32(b + 28), 56);
	assert_int_equal(rd32(b + 32), 0);
	assert_int_equal(rd64(b + 40), 4096);
	assert_int_equal(rd64(b + 48), MAX_DIRTY_BITMAP);
	/* DMA_AVAIL @56: 12 bytes, not padded in 6.1 */
	assert_int_equal(rd16(b + 56), VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	assert_int_equal(rd16(b + 58), 1);
	assert_int_equal(rd32(b + 60), 68);
	assert_int_equal(rd32(b + 64), 65535);
	/* IOVA_RANGE @68: the x86 default, below 2^48 minus the MSI window */
	assert_int_equal(rd16(b + 68), VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	assert_int_equal(rd16(b + 70), 1);
	assert_int_equal(rd32(b + 72), 0);
	assert_int_equal(rd32(b + 76), 2);
	assert_int_equal(rd32(b + 80), 0);
	assert_int_equal(rd64(b + 84), 0);
	assert_int_equal(rd64(b + 92), 0xfedfffffull);
	assert_int_equal(rd64(b + 100), 0xfef00000ull);
	assert_int_equal(rd64(b + 108), 0xffffffffffffull);
}

/* The argsz window matrix (kernel-uapi.md §1.2 with the type1 cap window of
 * 20): what comes back in argsz, flags and cap_offset, and whether the chain
 * was copied. Buffers start filled with 0x5a; 'untouched' fields keep it. */
#define KEEP 0x5a5a5a5au
static void test_info_argsz_matrix(void **state)
{
	static const struct {
		uint32_t argsz;
		int ret;
		uint32_t argsz_out, cap_offset;	/* KEEP: not written */
		bool chain;
	} rows[] = {
		{ 15, -EINVAL, 15, KEEP, false },
		{ 16, 0, INFO_FULL, KEEP, false },
		{ 19, 0, INFO_FULL, KEEP, false },
		{ 20, 0, INFO_FULL, 0, false },
		{ 24, 0, INFO_FULL, 0, false },		/* item 95 */
		{ INFO_FULL - 1, 0, INFO_FULL, 0, false },
		{ INFO_FULL, 0, INFO_FULL, 24, true },
		{ 200, 0, 200, 24, true },
	};
	struct fx *f = fx_new(NULL, VFIO_TYPE1v2_IOMMU);
	uint8_t b[256];
	size_t i, j;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(b, 0x5a, sizeof(b));
		memcpy(b, &rows[i].argsz, 4);
		assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_GET_INFO, b), rows[i].ret);
		assert_int_equal(rd32(b), rows[i].argsz_out);
		if (rows[i].ret) {
			assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_TYPE1_INFO_ARGSZ);
			assert_int_equal(rd32(b + 4), KEEP);
			continue;
		}
		assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
		assert_int_equal(rd32(b + 4), VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
		assert_int_equal(rd64(b + 8), (1ull << 12) | (1ull << 21) | (1ull << 30));
		assert_int_equal(rd32(b + 16), rows[i].cap_offset);
		assert_int_equal(rd32(b + 20), KEEP);	/* padding: not copied back */
		if (rows[i].chain) {
			check_default_chain(b);
			for (j = INFO_FULL; j < sizeof(b); j++)
				assert_int_equal(b[j], 0x5a);
		} else {
			for (j = 24; j < sizeof(b); j++)
				assert_int_equal(b[j], 0x5a);
		}
	}
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_GET_INFO, NULL), -EFAULT);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_ARG_FAULT);
	fx_free(f);
}

/* A host with its own IOMMU: 64K|2M pages, one IOVA range, 5 mappings:
 * info 24 + MIGRATION 32 + DMA_AVAIL 12 + IOVA_RANGE 16+16 = 100. */
static void test_info_custom_config(void **state)
{
	const struct vfsim_iommu_config cfg = {
		.pgsizes = (1ull << 16) | (1ull << 21), .dma_entry_limit = 5,
		.niova_ranges = 1, .iova_ranges = { { 0x100000, 0xffffffffull } },
	};
	struct fx *f = fx_new(&cfg, VFIO_TYPE1_IOMMU);
	uint8_t b[128];

	memset(b, 0x5a, sizeof(b));
	b[0] = sizeof(b);
	b[1] = b[2] = b[3] = 0;
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_GET_INFO, b), 0);
	assert_int_equal(rd32(b), sizeof(b));
	assert_int_equal(rd64(b + 8), (1ull << 16) | (1ull << 21));
	assert_int_equal(rd32(b + 16), 24);
	assert_int_equal(rd16(b + 24), VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
	assert_int_equal(rd64(b + 40), 1ull << 16);
	assert_int_equal(rd16(b + 56), VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	assert_int_equal(rd32(b + 60), 68);
	assert_int_equal(rd32(b + 64), 5);
	assert_int_equal(rd16(b + 68), VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	assert_int_equal(rd32(b + 72), 0);	/* the last cap */
	assert_int_equal(rd32(b + 76), 1);
	assert_int_equal(rd64(b + 84), 0x100000);
	assert_int_equal(rd64(b + 92), 0xffffffffull);
	assert_int_equal(b[100], 0x5a);
	/* too small: argsz grows to exactly 100 */
	memset(b, 0, sizeof(b));
	b[0] = 24;
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_GET_INFO, b), 0);
	assert_int_equal(rd32(b), 100);
	fx_free(f);
}

/* ---- ioctls through to the IOMMU model --------------------------------------- */

static uint32_t avail_of(struct fx *f)
{
	uint8_t b[256];
	uint32_t sz = sizeof(b);

	memset(b, 0, sizeof(b));
	memcpy(b, &sz, 4);
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_GET_INFO, b), 0);
	assert_int_equal(rd16(b + 56), VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	return rd32(b + 64);
}

static void test_map_unmap_reach_dma(void **state)
{
	static const unsigned long types[] = { VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU };
	size_t t;

	for (t = 0; t < 2; t++) {
		struct fx *f = fx_new(NULL, types[t]);
		uint8_t *mem = aligned_alloc(4096, 3 * 4096);
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map),
			.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)mem, .iova = 0x40000000, .size = 3 * 4096,
		};
		struct vfio_iommu_type1_dma_unmap um = {
			.argsz = sizeof(um), .iova = 0x40000000, .size = 3 * 4096,
		};

		assert_non_null(mem);
		assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_MAP_DMA, &map), 0);
		assert_int_equal(avail_of(f), 65534);
		/* item 101: the IOMMU model's own checks answer */
		assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_MAP_DMA, &map), -EEXIST);
		assert_int_equal(vfsim_last_rule(NULL), RULE_DMA_MAP_EXISTS);
		map.argsz = 31;	/* item 96 */
		assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_MAP_DMA, &map), -EINVAL);
		assert_int_equal(vfsim_last_rule(NULL), RULE_DMA_MAP_ARGSZ);
		assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_UNMAP_DMA, &um), 0);
		assert_int_equal(um.size, 3 * 4096);
		assert_int_equal(avail_of(f), 65535);
		um.argsz = 23;
		assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_UNMAP_DMA, &um), -EINVAL);
		assert_int_equal(vfsim_last_rule(NULL), RULE_DMA_UNMAP_ARGSZ);
		assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_MAP_DMA, NULL), -EFAULT);
		assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_ARG_FAULT);
		assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_UNMAP_DMA, NULL), -EFAULT);
		/* the device DMAs through the same IOMMU */
		assert_non_null(f->dev->dma);
		fx_free(f);
		free(mem);
	}
}

/* UNMAP with GET_DIRTY_BITMAP carries a struct vfio_bitmap after the header;
 * without dirty tracking the IOMMU refuses it (item 108's neighbour, §1.6 step 6). */
static void test_unmap_bitmap_reaches_dma(void **state)
{
	struct fx *f = fx_new(NULL, VFIO_TYPE1v2_IOMMU);
	__u64 bits = 0;
	struct {
		struct vfio_iommu_type1_dma_unmap um;
		struct vfio_bitmap bm;
	} a = {
		.um = {
			.argsz = sizeof(a), .flags = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
			.iova = 0, .size = 4096,
		},
		.bm = { .pgsize = 4096, .size = sizeof(bits), .data = &bits },
	};

	assert_int_equal(sizeof(a), 48);
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_UNMAP_DMA, &a), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_DMA_UNMAP_BITMAP_INACTIVE);
	fx_free(f);
}

static void test_dirty_pages(void **state)
{
	struct vfio_iommu_type1_dirty_bitmap d = {
		.argsz = sizeof(d), .flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_START,
	};
	struct fx *f = fx_new(NULL, VFIO_TYPE1_IOMMU);

	/* item 112: v1 container, before the argument is read */
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_DIRTY_PAGES, &d), -EACCES);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_TYPE1_DIRTY_V1);
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_DIRTY_PAGES, NULL), -EACCES);
	fx_free(f);

	f = fx_new(NULL, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_DIRTY_PAGES, &d), 0);
	d.flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP;
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_DIRTY_PAGES, &d), 0);
	d.argsz = 7;
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_DIRTY_PAGES, &d), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_DMA_DIRTY_ARGSZ);
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_DIRTY_PAGES, NULL), -EFAULT);
	fx_free(f);
}

static int get_bitmap(struct fx *f, uint64_t iova, uint64_t size, __u64 *bits, uint64_t bsize)
{
	struct {
		struct vfio_iommu_type1_dirty_bitmap d;
		struct vfio_iommu_type1_dirty_bitmap_get g;
	} a;

	memset(&a, 0, sizeof(a));
	a.d.argsz = sizeof(a);
	a.d.flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP;
	a.g.iova = iova;
	a.g.size = size;
	a.g.bitmap.pgsize = 4096;
	a.g.bitmap.size = bsize;
	a.g.bitmap.data = bits;
	return vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_DIRTY_PAGES, &a);
}

/*
 * 65 pages mapped at 1 GiB, the device writes page 3, two reports, then it
 * writes page 64 and the mapping is unmapped with GET_DIRTY_BITMAP. Kernel
 * 6.1 with a vfio-pci group (num_non_pinned_groups, iommu_mapped): every
 * report is all 65 pages. With pinned-page scope: page 3, then nothing
 * (re-seeded with the pinned pages: none), then page 64.
 */
static void test_dirty_scope(void **state)
{
	const uint64_t iova = 0x40000000, size = 65 * 4096;

	for (int pinned = 0; pinned < 2; pinned++) {
		const struct vfsim_iommu_config cfg = { .pinned_scope = true };
		struct fx *f = fx_new(pinned ? &cfg : NULL, VFIO_TYPE1v2_IOMMU);
		uint8_t *mem = aligned_alloc(4096, size);
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)mem, .iova = iova, .size = size,
		};
		struct vfio_iommu_type1_dirty_bitmap start = {
			.argsz = sizeof(start), .flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_START,
		};
		__u64 bits[3], v = 7;
		struct {
			struct vfio_iommu_type1_dma_unmap um;
			struct vfio_bitmap bm;
		} u = {
			.um = { .argsz = sizeof(u), .flags = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
				.iova = iova, .size = size },
			.bm = { .pgsize = 4096, .size = 16, .data = bits },
		};

		assert_non_null(mem);
		assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_MAP_DMA, &map), 0);
		assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_DIRTY_PAGES, &start), 0);
		assert_int_equal(dev_dma_rw(f->dev, iova + 3 * 4096, &v, sizeof(v), true), 0);
		for (int round = 0; round < 2; round++) {
			memset(bits, 0, sizeof(bits));
			assert_int_equal(get_bitmap(f, iova, size, bits, 16), 0);
			if (!pinned) {
				assert_int_equal(bits[0], ~0ull);
				assert_int_equal(bits[1], 1);
			} else {
				assert_int_equal(bits[0], round ? 0 : 1ull << 3);
				assert_int_equal(bits[1], 0);
			}
			assert_int_equal(bits[2], 0);
		}
		assert_int_equal(dev_dma_rw(f->dev, iova + 64 * 4096, &v, sizeof(v), true), 0);
		memset(bits, 0, sizeof(bits));
		assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_IOMMU_UNMAP_DMA, &u), 0);
		assert_int_equal(u.um.size, size);
		assert_int_equal(bits[0], pinned ? 0 : ~0ull);
		assert_int_equal(bits[1], 1);
		assert_int_equal(bits[2], 0);
		fx_free(f);
		free(mem);
	}
}

/* Item 117: unknown container ioctls after SET_IOMMU go to type1: ENOTTY. */
static void test_unknown_ioctl(void **state)
{
	static const unsigned long reqs[] = {
		_IO(VFIO_TYPE, VFIO_BASE + 60),
		VFIO_GROUP_GET_STATUS,
		VFIO_DEVICE_GET_INFO,
		VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY,	/* a spapr-only command */
		0,
	};
	struct fx *f = fx_new(NULL, VFIO_TYPE1v2_IOMMU);
	size_t i;

	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		assert_int_equal(vfsim_ioctl(f->h, f->ctr, reqs[i], NULL), -ENOTTY);
		assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_TYPE1_UNKNOWN_IOCTL);
	}
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_extension),
		cmocka_unit_test(test_info_argsz_matrix),
		cmocka_unit_test(test_info_custom_config),
		cmocka_unit_test(test_map_unmap_reach_dma),
		cmocka_unit_test(test_unmap_bitmap_reaches_dma),
		cmocka_unit_test(test_dirty_pages),
		cmocka_unit_test(test_dirty_scope),
		cmocka_unit_test(test_unknown_ioctl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
