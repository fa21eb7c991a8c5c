/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel-uAPI cases: the type1 IOMMU's GET_INFO, MAP_DMA, UNMAP_DMA and
 * DIRTY_PAGES, transcribed from the digest (/work/shared/spec/kernel-uapi.md)
 * §5.5 items 94-117 with the rule id of the item (UAPI-T1-NN); expected
 * errnos from §1.6, never from sim/. Where 6.1 and newer kernels differ (a
 * wrapping range: EINVAL or EOVERFLOW) either answer passes, as the digest
 * allows. Cases that depend on the IOMMU's limits (entry limit, reserved
 * holes, page sizes) build their own host with a stated configuration rather
 * than rely on the model's defaults. Item 111 needs an emulated (mdev) group,
 * which the model cannot attach, and is not checked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "include/vfsim.h"
#include "vfio-compat.h"
#include "conf.h"

#define U CONF_ROLE_UAPI
#define PG 0x1000ull
#define NPAGES 80			/* pages of host memory a case may map */
#define WRAP_IOVA (~0ull & ~0xfffull)

struct t1 {
	uint8_t *mem;			/* NPAGES page-aligned host pages */
};

/* A fresh host whose IOMMU is configured by the case: 4K|2M|1G pages,
 * @limit map entries, the IOVA ranges [0, 0xfedfffff] and
 * [0xfef00000, 2^48 - 1] (a hole at the MSI window). */
#define HOLE_START 0xfee00000ull
static int t1_own_host(struct conf_ctx *ctx, uint32_t limit)
{
	struct vfsim_iommu_config cfg;
	int r;

	memset(&cfg, 0, sizeof(cfg));
	cfg.pgsizes = 0x1000 | 0x200000 | 0x40000000;
	cfg.dma_entry_limit = limit;
	cfg.niova_ranges = 2;
	cfg.iova_ranges[0].start = 0;
	cfg.iova_ranges[0].end = HOLE_START - 1;
	cfg.iova_ranges[1].start = 0xfef00000ull;
	cfg.iova_ranges[1].end = (1ull << 48) - 1;
	vfsim_host_free(ctx->u.host);
	ctx->u.host = NULL;
	ctx->u.container = ctx->u.group = ctx->u.device = -1;
	r = vfsim_host_new(&cfg, &ctx->u.host);
	if (r < 0)
		return conf_harness_error(ctx, "vfsim_host_new: %d", r);
	vfsim_host_set_faults(ctx->u.host, ctx->target->faults);
	r = vfsim_host_add_device(ctx->u.host, ctx->u.dev, CONF_UAPI_GROUP, CONF_UAPI_BDF);
	if (r < 0)
		return conf_harness_error(ctx, "vfsim_host_add_device: %d", r);
	conf_note(ctx, "host IOMMU: pgsizes 4K|2M|1G, dma_entry_limit %u, hole [0xfee00000, 0xfeefffff]", limit);
	return CONF_PASS;
}

/* Setup to a TYPE1v2 container (optionally on an own host) plus host memory. */
static int t1_setup(struct conf_ctx *ctx, struct t1 *t, uint32_t own_limit)
{
	void *m;
	int v;

	t->mem = NULL;
	if (own_limit && (v = t1_own_host(ctx, own_limit)) != CONF_PASS)
		return v;
	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	m = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return conf_harness_error(ctx, "mmap of %u pages failed", NPAGES);
	t->mem = m;
	return CONF_PASS;
}

static void t1_done(struct t1 *t)
{
	if (t->mem)
		munmap(t->mem, NPAGES * PG);
}

static int t1_map(struct conf_ctx *ctx, uint32_t argsz, uint32_t flags, uint64_t vaddr, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = argsz, .flags = flags, .vaddr = vaddr, .iova = iova,
					      .size = size };

	conf_note(ctx, "MAP_DMA flags=0x%x vaddr=0x%llx iova=0x%llx size=0x%llx", flags, (unsigned long long)vaddr,
		  (unsigned long long)iova, (unsigned long long)size);
	return conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_MAP_DMA, &m);
}

#define RW (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)
#define VA(t, page) ((uint64_t)(uintptr_t)((t)->mem + (page) * PG))

/* A plain read/write mapping of @npages host pages from @page at @iova that
 * the spec says succeeds. */
static bool t1_map_ok(struct conf_ctx *ctx, struct t1 *t, unsigned page, uint64_t iova, unsigned npages)
{
	int r = t1_map(ctx, sizeof(struct vfio_iommu_type1_dma_map), RW, VA(t, page), iova, npages * PG);

	return conf_expect_errno(ctx, "MAP_DMA the spec allows", r, 0, true) == CONF_PASS;
}

/* UNMAP_DMA without a bitmap; *ret_size gets the copied-back size. */
static int t1_unmap(struct conf_ctx *ctx, uint32_t flags, uint64_t iova, uint64_t size, uint64_t *ret_size)
{
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .flags = flags, .iova = iova, .size = size };
	int r;

	conf_note(ctx, "UNMAP_DMA flags=0x%x iova=0x%llx size=0x%llx", flags, (unsigned long long)iova,
		  (unsigned long long)size);
	r = conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_UNMAP_DMA, &u);
	if (ret_size)
		*ret_size = u.size;
	return r;
}

/* Either errno passes (6.1 vs newer kernels); anything else is judged
 * against the 6.1 answer. */
static void expect_either(struct conf_ctx *ctx, const char *what, int r, int a, int b)
{
	if (r == a || r == b)
		conf_note(ctx, "%s: -%s (accepted)", what, conf_errno_name(r));
	else
		conf_expect_errno(ctx, what, r, a, true);
}

/* ---- GET_INFO: 94, 95 ---------------------------------------------------------- */

#define INFO_BUF 4096

/* The DMA_AVAIL value of a GET_INFO with a large argsz, or -errno. */
static int64_t t1_dma_avail(struct conf_ctx *ctx)
{
	uint64_t buf[INFO_BUF / 8];
	struct vfio_iommu_type1_info *info = (void *)buf;
	uint32_t off;
	unsigned hops;
	int r;

	memset(buf, 0, sizeof(buf));
	info->argsz = INFO_BUF;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_GET_INFO, info);
	if (r < 0)
		return r;
	off = info->cap_offset;
	for (hops = 0; off >= sizeof(*info) && off + 12 <= INFO_BUF && hops < 16; hops++) {
		const struct vfio_info_cap_header *h = (const void *)((const uint8_t *)buf + off);

		if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL)
			return ((const struct vfio_iommu_type1_info_dma_avail *)h)->avail;
		off = h->next;
	}
	return -ENOENT;
}

static int t1_info_caps_order(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint64_t buf[INFO_BUF / 8];
	struct vfio_iommu_type1_info *info = (void *)buf;
	static const uint16_t want[3] = { VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL,
					  VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE };
	uint32_t off;
	unsigned n;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	memset(buf, 0, sizeof(buf));
	info->argsz = INFO_BUF;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_GET_INFO, info);
	if (conf_expect_errno(ctx, "IOMMU_GET_INFO argsz=4096", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	conf_check(ctx, (info->flags & (VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS)) ==
		   (VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS), "flags 0x%x lack PGSIZES|CAPS", info->flags);
	off = info->cap_offset;
	for (n = 0; n < 3; n++) {
		const struct vfio_info_cap_header *h;

		if (!conf_check(ctx, off >= sizeof(*info) && off + 16 <= INFO_BUF,
				"capability %u: offset %u outside the buffer", n, off))
			break;
		h = (const void *)((const uint8_t *)buf + off);
		if (!conf_check(ctx, h->id == want[n], "capability %u has id %u, want %u", n, h->id, want[n]))
			break;
		if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL)
			conf_check(ctx, ((const struct vfio_iommu_type1_info_dma_avail *)h)->avail == 65535,
				   "DMA_AVAIL %u on a fresh container, want 65535",
				   ((const struct vfio_iommu_type1_info_dma_avail *)h)->avail);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION) {
			const struct vfio_iommu_type1_info_cap_migration *m = (const void *)h;

			/* TINFO-04: the smallest page size of iova_pgsizes. */
			conf_check(ctx, m->pgsize_bitmap == (info->iova_pgsizes & -info->iova_pgsizes),
				   "MIGRATION cap pgsize_bitmap 0x%llx, want the smallest of 0x%llx",
				   (unsigned long long)m->pgsize_bitmap, (unsigned long long)info->iova_pgsizes);
		}
		off = h->next;
		if (n == 2)
			conf_check(ctx, off == 0, "IOVA_RANGE is not the last capability (next %u)", off);
	}
	return conf_pass(ctx);
}

static int t1_info_truncated(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_iommu_type1_info info;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	memset(&info, 0, sizeof(info));
	info.argsz = 24;
	info.cap_offset = 0x55;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_GET_INFO, &info);
	if (conf_expect_errno(ctx, "IOMMU_GET_INFO argsz=24", r, 0, true) == CONF_PASS) {
		conf_check(ctx, info.flags & VFIO_IOMMU_INFO_CAPS, "flags 0x%x lack INFO_CAPS", info.flags);
		conf_check(ctx, info.argsz > 24, "argsz %u was not grown to fit the caps", info.argsz);
		conf_check(ctx, info.cap_offset == 0, "cap_offset %u in a truncated answer, want 0", info.cap_offset);
	}
	return conf_pass(ctx);
}

static int t1_info_minsz(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_iommu_type1_info info;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	memset(&info, 0, sizeof(info));
	info.argsz = 15;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_GET_INFO, &info);
	conf_expect_errno(ctx, "IOMMU_GET_INFO argsz=15", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* ---- MAP_DMA: 96-103 ------------------------------------------------------------- */

struct map_row {
	uint32_t argsz, flags;
	uint64_t vaddr_off;	/* added to the page-aligned host buffer */
	uint64_t iova, size;
	int want, alt;		/* alt: the newer kernels' errno, 0 if none */
};

static int t1_map_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct map_row *row = c->arg;
	struct t1 t;
	int r, v;

	if ((v = t1_setup(ctx, &t, 0)) == CONF_PASS) {
		r = t1_map(ctx, row->argsz, row->flags, VA(&t, 0) + row->vaddr_off, row->iova, row->size);
		if (row->alt)
			expect_either(ctx, c->summary, r, row->want, row->alt);
		else
			conf_expect_errno(ctx, c->summary, r, row->want, true);
	}
	t1_done(&t);
	return conf_pass(ctx);
}

#define MAPSZ 32
static const struct map_row map_argsz31 = { 31, RW, 0, 0x100000, PG, -EINVAL, 0 };
static const struct map_row map_bit3 = { MAPSZ, RW | (1u << 3), 0, 0x100000, PG, -EINVAL, 0 };
static const struct map_row map_no_prot = { MAPSZ, 0, 0, 0x100000, PG, -EINVAL, 0 };
static const struct map_row map_prot_vaddr = { MAPSZ, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_VADDR, 0, 0x100000,
					       PG, -EINVAL, 0 };
static const struct map_row map_iova_unaligned = { MAPSZ, RW, 0, 0x100800, PG, -EINVAL, 0 };
static const struct map_row map_vaddr_unaligned = { MAPSZ, RW, 0x800, 0x100000, PG, -EINVAL, 0 };
static const struct map_row map_size_unaligned = { MAPSZ, RW, 0, 0x100000, 0x1800, -EINVAL, 0 };
static const struct map_row map_size0 = { MAPSZ, RW, 0, 0x100000, 0, -EINVAL, 0 };
static const struct map_row map_wrap = { MAPSZ, RW, 0, WRAP_IOVA, 2 * PG, -EINVAL, -EOVERFLOW };

/* 101 */
static int t1_map_overlap(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct t1 t;
	int r, v;

	if ((v = t1_setup(ctx, &t, 0)) == CONF_PASS && t1_map_ok(ctx, &t, 0, 0, 2)) {
		r = t1_map(ctx, MAPSZ, RW, VA(&t, 4), PG, 2 * PG);
		conf_expect_errno(ctx, "MAP [4K, 12K) over [0, 8K)", r, -EEXIST, true);
	}
	t1_done(&t);
	return conf_pass(ctx);
}

/* 102: an own host with dma_entry_limit 4. */
#define LIMIT 4
static int t1_map_limit(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct t1 t;
	int64_t avail;
	unsigned i;
	int r, v;

	if ((v = t1_setup(ctx, &t, LIMIT)) != CONF_PASS)
		goto out;
	avail = t1_dma_avail(ctx);
	conf_check(ctx, avail == LIMIT, "DMA_AVAIL %lld on a fresh container, want the limit %u", (long long)avail,
		   LIMIT);
	for (i = 0; i < LIMIT; i++) {
		if (!t1_map_ok(ctx, &t, i, (uint64_t)(i * 2) * PG, 1))
			goto out;
		avail = t1_dma_avail(ctx);
		conf_check(ctx, avail == LIMIT - 1 - i, "DMA_AVAIL %lld after %u maps, want %u", (long long)avail, i + 1,
			   LIMIT - 1 - i);
	}
	r = t1_map(ctx, MAPSZ, RW, VA(&t, LIMIT), (uint64_t)LIMIT * 2 * PG, PG);
	conf_expect_errno(ctx, "map number limit + 1", r, -ENOSPC, true);
out:
	t1_done(&t);
	return conf_pass(ctx);
}

/* 103: the own host's hole at the MSI window. */
static int t1_map_hole(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct t1 t;
	int r, v;

	if ((v = t1_setup(ctx, &t, 65535)) == CONF_PASS) {
		r = t1_map(ctx, MAPSZ, RW, VA(&t, 0), HOLE_START, PG);
		conf_expect_errno(ctx, "MAP into the reserved hole", r, -EINVAL, true);
		r = t1_map(ctx, MAPSZ, RW, VA(&t, 0), HOLE_START - PG, 2 * PG);
		conf_expect_errno(ctx, "MAP straddling into the reserved hole", r, -EINVAL, true);
		r = t1_map(ctx, MAPSZ, RW, VA(&t, 0), 1ull << 48, PG);
		conf_expect_errno(ctx, "MAP above the last allowed range", r, -EINVAL, true);
	}
	t1_done(&t);
	return conf_pass(ctx);
}

/* ---- UNMAP_DMA: 104-110 -------------------------------------------------------------- */

/* 104 */
static int t1_unmap_bisect(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct t1 t;
	uint64_t size;
	int r, v;

	if ((v = t1_setup(ctx, &t, 0)) == CONF_PASS && t1_map_ok(ctx, &t, 0, 0x100000, 3)) {
		r = t1_unmap(ctx, 0, 0x100000 + PG, PG, NULL);
		conf_expect_errno(ctx, "unmap the middle page of a 3-page mapping", r, -EINVAL, true);
		/* The mapping is still whole: unmapping it all returns its size. */
		r = t1_unmap(ctx, 0, 0x100000, 3 * PG, &size);
		if (conf_expect_errno(ctx, "unmap the whole mapping", r, 0, true) == CONF_PASS)
			conf_check(ctx, size == 3 * PG, "unmapped %llu bytes, want 12288", (unsigned long long)size);
	}
	t1_done(&t);
	return conf_pass(ctx);
}

/* 105 */
static int t1_unmap_empty(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct t1 t;
	uint64_t size = 1;
	int r, v;

	if ((v = t1_setup(ctx, &t, 0)) == CONF_PASS && t1_map_ok(ctx, &t, 0, 0x100000, 1)) {
		r = t1_unmap(ctx, 0, 0x400000, 4 * PG, &size);
		if (conf_expect_errno(ctx, "unmap a range with no mappings", r, 0, true) == CONF_PASS)
			conf_check(ctx, size == 0, "size %llu, want 0", (unsigned long long)size);
	}
	t1_done(&t);
	return conf_pass(ctx);
}

/* 106 */
static int t1_unmap_multi(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct t1 t;
	uint64_t size = 0;
	int r, v;

	if ((v = t1_setup(ctx, &t, 0)) == CONF_PASS && t1_map_ok(ctx, &t, 0, 0x100000, 2) &&
	    t1_map_ok(ctx, &t, 2, 0x104000, 3)) {
		r = t1_unmap(ctx, 0, 0x100000, 0x10000, &size);
		if (conf_expect_errno(ctx, "unmap spanning two mappings", r, 0, true) == CONF_PASS)
			conf_check(ctx, size == 5 * PG, "size %llu, want 20480", (unsigned long long)size);
	}
	t1_done(&t);
	return conf_pass(ctx);
}

/* 107 */
static int t1_unmap_all(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct t1 t;
	uint64_t size = 0;
	int r, v;

	if ((v = t1_setup(ctx, &t, 0)) == CONF_PASS && t1_map_ok(ctx, &t, 0, 0x100000, 2) &&
	    t1_map_ok(ctx, &t, 2, 0x40000000, 1)) {
		r = t1_unmap(ctx, VFIO_DMA_UNMAP_FLAG_ALL, PG, 0, NULL);
		conf_expect_errno(ctx, "UNMAP ALL with iova 4096", r, -EINVAL, true);
		r = t1_unmap(ctx, VFIO_DMA_UNMAP_FLAG_ALL, 0, 0, &size);
		if (conf_expect_errno(ctx, "UNMAP ALL iova=size=0", r, 0, true) == CONF_PASS)
			conf_check(ctx, size == 3 * PG, "size %llu, want the total 12288", (unsigned long long)size);
		if (t1_dma_avail(ctx) != 65535)
			conf_fail(ctx, "DMA_AVAIL is not back to 65535 after UNMAP ALL");
	}
	t1_done(&t);
	return conf_pass(ctx);
}

/* 108 */
static int t1_unmap_all_bitmap(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct {
		struct vfio_iommu_type1_dma_unmap u;
		struct vfio_bitmap b;
	} a;
	__u64 bits[4] = { 0 };
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	memset(&a, 0, sizeof(a));
	a.u.argsz = sizeof(a);
	a.u.flags = VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
	a.b.pgsize = PG;
	a.b.size = sizeof(bits);
	a.b.data = bits;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_UNMAP_DMA, &a);
	conf_expect_errno(ctx, "UNMAP ALL|GET_DIRTY_BITMAP", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* 109 */
static int t1_unmap_wrap(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	r = t1_unmap(ctx, 0, WRAP_IOVA, 2 * PG, NULL);
	expect_either(ctx, "UNMAP with iova + size wrapping", r, -EINVAL, -EOVERFLOW);
	return conf_pass(ctx);
}

/* 110: arg 0 the cycle, 1 an unknown iova, 2 a different size, 3 a new
 * vaddr that is not mapped in the process (6.1 takes it unchecked:
 * vfio_dma_do_map's VADDR branch only re-accounts the pinned pages). */
static int t1_vaddr(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned mode = (unsigned)(uintptr_t)c->arg;
	struct t1 t;
	uint64_t size = 0;
	int r, v;

	if ((v = t1_setup(ctx, &t, 0)) != CONF_PASS || !t1_map_ok(ctx, &t, 0, 0x100000, 2))
		goto out;
	r = t1_unmap(ctx, VFIO_DMA_UNMAP_FLAG_VADDR, 0x100000, 2 * PG, &size);
	if (conf_expect_errno(ctx, "UNMAP|VADDR of the mapping", r, 0, true) != CONF_PASS)
		goto out;
	switch (mode) {
	case 0:
		r = t1_map(ctx, MAPSZ, VFIO_DMA_MAP_FLAG_VADDR, VA(&t, 4), 0x100000, 2 * PG);
		conf_expect_errno(ctx, "MAP|VADDR with the same iova and size", r, 0, true);
		break;
	case 1:
		r = t1_map(ctx, MAPSZ, VFIO_DMA_MAP_FLAG_VADDR, VA(&t, 4), 0x800000, 2 * PG);
		conf_expect_errno(ctx, "MAP|VADDR on an iova with no mapping", r, -ENOENT, true);
		break;
	case 2:
		r = t1_map(ctx, MAPSZ, VFIO_DMA_MAP_FLAG_VADDR, VA(&t, 4), 0x100000, 3 * PG);
		conf_expect_errno(ctx, "MAP|VADDR with a different size", r, -EINVAL, true);
		break;
	default: {
		void *gone = mmap(NULL, 2 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (gone == MAP_FAILED || munmap(gone, 2 * PG) < 0) {
			conf_harness_error(ctx, "cannot make an unmapped address: %s", strerror(errno));
			break;
		}
		r = t1_map(ctx, MAPSZ, VFIO_DMA_MAP_FLAG_VADDR, (uintptr_t)gone, 0x100000, 2 * PG);
		conf_expect_errno(ctx, "MAP|VADDR with a vaddr no longer mapped", r, 0, true);
		break;
	}
	}
out:
	t1_done(&t);
	return conf_pass(ctx);
}

/* ---- DIRTY_PAGES: 112-116 ---------------------------------------------------------------- */

static int t1_dirty(struct conf_ctx *ctx, uint32_t flags)
{
	struct vfio_iommu_type1_dirty_bitmap d = { .argsz = sizeof(d), .flags = flags };

	return conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_DIRTY_PAGES, &d);
}

static int t1_get_bitmap(struct conf_ctx *ctx, uint64_t iova, uint64_t size, uint64_t pgsize, uint64_t bsize,
			 __u64 *bits)
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
	a.g.bitmap.pgsize = pgsize;
	a.g.bitmap.size = bsize;
	a.g.bitmap.data = bits;
	conf_note(ctx, "GET_BITMAP iova=0x%llx size=0x%llx pgsize=0x%llx bitmap.size=%llu",
		  (unsigned long long)iova, (unsigned long long)size, (unsigned long long)pgsize,
		  (unsigned long long)bsize);
	return conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_DIRTY_PAGES, &a);
}

/* 112 */
static int t1_dirty_v1(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_ATTACHED)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1_IOMMU);
	if (conf_expect_errno(ctx, "SET_IOMMU(TYPE1)", r, 0, true) == CONF_PASS) {
		r = t1_dirty(ctx, VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
		conf_expect_errno(ctx, "DIRTY_PAGES START on a v1 container", r, -EACCES, true);
	}
	return conf_pass(ctx);
}

/* 113 */
static int t1_dirty_two_flags(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	r = t1_dirty(ctx, VFIO_IOMMU_DIRTY_PAGES_FLAG_START | VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP);
	conf_expect_errno(ctx, "DIRTY_PAGES START|STOP", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* 114-116 and a valid report: map 65 pages at 1 MiB; arg picks the row. */
struct bitmap_row {
	bool start;
	uint64_t pgsize, bsize;
	int want;
};

static int t1_bitmap_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct bitmap_row *row = c->arg;
	__u64 bits[4];
	struct t1 t;
	int r, v;

	memset(bits, 0, sizeof(bits));
	if ((v = t1_setup(ctx, &t, 0)) != CONF_PASS || !t1_map_ok(ctx, &t, 0, 0x100000, 65))
		goto out;
	if (row->start) {
		r = t1_dirty(ctx, VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
		if (conf_expect_errno(ctx, "DIRTY_PAGES START", r, 0, true) != CONF_PASS)
			goto out;
	}
	r = t1_get_bitmap(ctx, 0x100000, 65 * PG, row->pgsize, row->bsize, bits);
	conf_expect_errno(ctx, c->summary, r, row->want, true);
out:
	t1_done(&t);
	return conf_pass(ctx);
}

/* 65 pages need ceil(65 / 64) * 8 = 16 bitmap bytes. */
static const struct bitmap_row bm_inactive = { false, PG, 16, -EINVAL };
static const struct bitmap_row bm_pgsize = { true, 2 * PG, 16, -EINVAL };
static const struct bitmap_row bm_small = { true, PG, 8, -EINVAL };
static const struct bitmap_row bm_ok = { true, PG, 16, 0 };

/* 117 */
static int t1_unknown_ioctl(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t arg[4] = { sizeof(arg), 0, 0, 0 };
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.container, _IO(VFIO_TYPE, VFIO_BASE + 60), arg);
	conf_expect_errno(ctx, "container ioctl VFIO_BASE + 60 after SET_IOMMU", r, -ENOTTY, true);
	return conf_pass(ctx);
}

static const struct conf_case cases[] = {
	{ "UAPI-T1-001", "UAPI-T1-94", U, NULL, t1_info_caps_order, NULL,
	  "t1_info_caps_order: GET_INFO chains MIGRATION -> DMA_AVAIL (65535) -> IOVA_RANGE" },
	{ "UAPI-T1-002", "UAPI-T1-95", U, NULL, t1_info_truncated, NULL,
	  "t1_info_truncated: GET_INFO argsz=24 is 0 with INFO_CAPS, argsz grown, cap_offset 0" },
	{ "UAPI-T1-003", "UAPI-TINFO-03", U, NULL, t1_info_minsz, NULL,
	  "IOMMU_GET_INFO argsz=15 is EINVAL" },
	{ "UAPI-T1-004", "UAPI-T1-96", U, NULL, t1_map_row, &map_argsz31,
	  "t1_map_minsz_flags: MAP_DMA argsz=31 is EINVAL" },
	{ "UAPI-T1-005", "UAPI-T1-96", U, NULL, t1_map_row, &map_bit3,
	  "MAP_DMA flags bit 3 is EINVAL" },
	{ "UAPI-T1-006", "UAPI-T1-97", U, NULL, t1_map_row, &map_no_prot,
	  "t1_map_no_prot: MAP_DMA flags=0 is EINVAL" },
	{ "UAPI-T1-007", "UAPI-T1-98", U, NULL, t1_map_row, &map_prot_vaddr,
	  "t1_map_prot_and_vaddr: MAP_DMA READ|VADDR is EINVAL" },
	{ "UAPI-T1-008", "UAPI-T1-99", U, NULL, t1_map_row, &map_iova_unaligned,
	  "t1_map_unaligned: MAP_DMA iova 0x100800 is EINVAL" },
	{ "UAPI-T1-009", "UAPI-T1-99", U, NULL, t1_map_row, &map_vaddr_unaligned,
	  "MAP_DMA vaddr not page-aligned is EINVAL" },
	{ "UAPI-T1-010", "UAPI-T1-99", U, NULL, t1_map_row, &map_size_unaligned,
	  "MAP_DMA size 0x1800 is EINVAL" },
	{ "UAPI-T1-011", "UAPI-T1-99", U, NULL, t1_map_row, &map_size0,
	  "MAP_DMA size 0 is EINVAL" },
	{ "UAPI-T1-012", "UAPI-T1-100", U, NULL, t1_map_row, &map_wrap,
	  "t1_map_wrap: MAP_DMA iova ~0xfff size 8K is EINVAL (6.1) or EOVERFLOW (newer)" },
	{ "UAPI-T1-013", "UAPI-T1-101", U, NULL, t1_map_overlap, NULL,
	  "t1_map_overlap: MAP [4K, 12K) over [0, 8K) is EEXIST" },
	{ "UAPI-T1-014", "UAPI-T1-102", U, NULL, t1_map_limit, NULL,
	  "t1_map_limit: dma_entry_limit 4, the fifth map is ENOSPC, DMA_AVAIL falls by 1 per map" },
	{ "UAPI-T1-015", "UAPI-T1-103", U, NULL, t1_map_hole, NULL,
	  "t1_map_outside_iova_range: MAP into a reserved IOVA hole is EINVAL" },
	{ "UAPI-T1-016", "UAPI-T1-104", U, NULL, t1_unmap_bisect, NULL,
	  "t1_unmap_bisect_v2: unmapping the middle page of 3 is EINVAL" },
	{ "UAPI-T1-017", "UAPI-T1-105", U, NULL, t1_unmap_empty, NULL,
	  "t1_unmap_empty: unmapping a range with no mappings is 0 with size 0" },
	{ "UAPI-T1-018", "UAPI-T1-106", U, NULL, t1_unmap_multi, NULL,
	  "t1_unmap_multi: an unmap spanning two mappings returns their summed size" },
	{ "UAPI-T1-019", "UAPI-T1-107", U, NULL, t1_unmap_all, NULL,
	  "t1_unmap_all: ALL with iova=size=0 removes all; ALL with iova 4096 is EINVAL" },
	{ "UAPI-T1-020", "UAPI-T1-108", U, NULL, t1_unmap_all_bitmap, NULL,
	  "t1_unmap_all_with_bitmap: UNMAP ALL|GET_DIRTY_BITMAP is EINVAL" },
	{ "UAPI-T1-021", "UAPI-T1-109", U, NULL, t1_unmap_wrap, NULL,
	  "t1_unmap_wrap: UNMAP iova + size wrapping is EINVAL (6.1) or EOVERFLOW (newer)" },
	{ "UAPI-T1-022", "UAPI-T1-110", U, NULL, t1_vaddr, (void *)0,
	  "t1_vaddr_cycle: UNMAP|VADDR then MAP|VADDR with the same iova and size both return 0" },
	{ "UAPI-T1-023", "UAPI-T1-110", U, NULL, t1_vaddr, (void *)1,
	  "MAP|VADDR on an iova with no mapping is ENOENT" },
	{ "UAPI-T1-024", "UAPI-T1-110", U, NULL, t1_vaddr, (void *)2,
	  "MAP|VADDR with a different size is EINVAL" },
	{ "UAPI-T1-032", "UAPI-T1-110", U, NULL, t1_vaddr, (void *)3,
	  "MAP|VADDR takes a new vaddr that is not mapped (6.1 does not check it)" },
	{ "UAPI-T1-025", "UAPI-T1-112", U, NULL, t1_dirty_v1, NULL,
	  "t1_dirty_v1: DIRTY_PAGES on a TYPE1 (v1) container is EACCES" },
	{ "UAPI-T1-026", "UAPI-T1-113", U, NULL, t1_dirty_two_flags, NULL,
	  "t1_dirty_two_flags: DIRTY_PAGES START|STOP is EINVAL" },
	{ "UAPI-T1-027", "UAPI-T1-114", U, NULL, t1_bitmap_row, &bm_inactive,
	  "t1_dirty_get_inactive: GET_BITMAP without START is EINVAL" },
	{ "UAPI-T1-028", "UAPI-T1-115", U, NULL, t1_bitmap_row, &bm_pgsize,
	  "t1_dirty_bad_pgsize: GET_BITMAP with bitmap.pgsize 8K is EINVAL" },
	{ "UAPI-T1-029", "UAPI-T1-116", U, NULL, t1_bitmap_row, &bm_small,
	  "t1_dirty_small_bitmap: GET_BITMAP of 65 pages with an 8-byte bitmap is EINVAL" },
	{ "UAPI-T1-030", "UAPI-T1-116", U, NULL, t1_bitmap_row, &bm_ok,
	  "GET_BITMAP of 65 pages with START and the exact 16-byte bitmap returns 0" },
	{ "UAPI-T1-031", "UAPI-T1-117", U, NULL, t1_unknown_ioctl, NULL,
	  "t1_unknown_ioctl: an unknown container ioctl after SET_IOMMU is ENOTTY" },
};

const struct conf_table conf_uapi_type1_table = { cases, sizeof(cases) / sizeof(cases[0]) };
