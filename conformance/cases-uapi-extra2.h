/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The type1 half of cases-uapi-extra2.c, included by it once (split for
 * length): CHECK_EXTENSION and GET_INFO (UAPI-TINFO-*), the order of the
 * MAP_DMA checks (UAPI-MAP-01), UNMAP_DMA (UAPI-UNMAP-*), DIRTY_PAGES
 * (UAPI-DIRTY-*) and UNMAP|VADDR with an emulated group (UAPI-T1-111).
 * What a dirty report holds depends on the groups attached
 * (update_user_bitmap): with a vfio-pci group (no pinned-page dirty scope)
 * every page of every mapping, on every report; only when every group has
 * pinned-page scope (mdev drivers that pin pages) the pages dirtied since
 * the last report. Cases on the latter build a host with pinned_scope.
 * Expected values from the digest §1.6 and kernel 6.1 vfio_iommu_type1.c.
 * Every row keeps the rest of the call valid, so that only the defect under
 * test can explain the answer, and checks afterwards that a refused unmap
 * left the mapping whole. The table rows are X2_TYPE1_CASES at the end.
 */
#ifndef VFSIM_CASES_UAPI_EXTRA2_H
#define VFSIM_CASES_UAPI_EXTRA2_H

#define T_RW (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)
#define T_NPAGES 80
#define T_BASE 0x100000ull		/* where the cases map */
#define T_HOLE 0xfee00000ull		/* the own host's reserved window */
#define T_WRAP (~0ull & ~0xfffull)
/* vfio_iommu_type1.c: DIRTY_BITMAP_SIZE_MAX = DIRTY_BITMAP_BYTES(INT_MAX). */
#define T_DIRTY_BITMAP_MAX 0x10000000ull

struct t2 {
	uint8_t *mem;
};

/* A fresh host with 4K|2M|1G pages (or @pgsizes), @limit map entries, a
 * hole at the MSI window and, with @pinned_scope, groups of pinned-page
 * dirty scope; the device is put back in the case's group. */
static int t2_own_host(struct conf_ctx *ctx, uint32_t limit, uint64_t pgsizes, bool pinned_scope)
{
	struct vfsim_iommu_config cfg;
	int r;

	memset(&cfg, 0, sizeof(cfg));
	cfg.pgsizes = pgsizes ? pgsizes : 0x1000 | 0x200000 | 0x40000000;
	cfg.dma_entry_limit = limit;
	cfg.niova_ranges = 2;
	cfg.iova_ranges[0].start = 0;
	cfg.iova_ranges[0].end = T_HOLE - 1;
	cfg.iova_ranges[1].start = 0xfef00000ull;
	cfg.iova_ranges[1].end = (1ull << 48) - 1;
	cfg.pinned_scope = pinned_scope;
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
	conf_note(ctx, "own host: pgsizes 0x%llx, dma_entry_limit %u, hole [0xfee00000, 0xfeefffff], %s",
		  (unsigned long long)cfg.pgsizes, limit,
		  pinned_scope ? "groups with pinned-page dirty scope (mdev-like)" : "vfio-pci groups");
	return CONF_PASS;
}

/* A TYPE1v2 container (on an own host when @limit) plus host memory. */
static int t2_setup(struct conf_ctx *ctx, struct t2 *t, uint32_t limit)
{
	void *m;
	int v;

	t->mem = NULL;
	if (limit && (v = t2_own_host(ctx, limit, 0, false)) != CONF_PASS)
		return v;
	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	m = mmap(NULL, T_NPAGES * X2_PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return conf_harness_error(ctx, "mmap of %u pages failed", T_NPAGES);
	t->mem = m;
	return CONF_PASS;
}

static void t2_done(struct t2 *t)
{
	if (t->mem)
		munmap(t->mem, T_NPAGES * X2_PG);
}

#define T_VA(t, page) ((uint64_t)(uintptr_t)((t)->mem + (page) * X2_PG))

static int t2_map(struct conf_ctx *ctx, uint32_t argsz, uint32_t flags, uint64_t vaddr, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = argsz, .flags = flags, .vaddr = vaddr, .iova = iova,
					      .size = size };

	conf_note(ctx, "MAP_DMA argsz=%u flags=0x%x iova=0x%llx size=0x%llx", argsz, flags, (unsigned long long)iova,
		  (unsigned long long)size);
	return conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_MAP_DMA, &m);
}

static bool t2_map_ok(struct conf_ctx *ctx, struct t2 *t, unsigned page, uint64_t iova, unsigned npages)
{
	int r = t2_map(ctx, sizeof(struct vfio_iommu_type1_dma_map), T_RW, T_VA(t, page), iova, npages * X2_PG);

	return conf_expect_errno(ctx, "setup: MAP_DMA the spec allows", r, 0, true) == CONF_PASS;
}

/* UNMAP_DMA with a bitmap tail (used when @flags has GET_DIRTY_BITMAP or the
 * row sets @argsz past 24); *u is left as the model copied it back. */
struct t2_unmap {
	struct vfio_iommu_type1_dma_unmap u;
	struct vfio_bitmap b;
};

static int t2_unmap_raw(struct conf_ctx *ctx, struct t2_unmap *a)
{
	conf_note(ctx, "UNMAP_DMA argsz=%u flags=0x%x iova=0x%llx size=0x%llx bitmap.pgsize=0x%llx .size=%llu",
		  a->u.argsz, a->u.flags, (unsigned long long)a->u.iova, (unsigned long long)a->u.size,
		  (unsigned long long)a->b.pgsize, (unsigned long long)a->b.size);
	return conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_UNMAP_DMA, a);
}

static int t2_unmap(struct conf_ctx *ctx, uint32_t flags, uint64_t iova, uint64_t size, uint64_t *ret_size)
{
	struct t2_unmap a;
	int r;

	memset(&a, 0, sizeof(a));
	a.u.argsz = sizeof(a.u);
	a.u.flags = flags;
	a.u.iova = iova;
	a.u.size = size;
	r = t2_unmap_raw(ctx, &a);
	if (ret_size)
		*ret_size = a.u.size;
	return r;
}

/* The mapping at @iova of @npages is still whole: unmapping exactly it
 * returns its size. */
static void t2_still_whole(struct conf_ctx *ctx, uint64_t iova, unsigned npages)
{
	uint64_t size = 0;
	int r = t2_unmap(ctx, 0, iova, npages * X2_PG, &size);

	if (conf_expect_errno(ctx, "unmap the untouched mapping whole", r, 0, true) == CONF_PASS)
		conf_check(ctx, size == npages * X2_PG, "the mapping at 0x%llx was changed: unmapping it returned %llu "
			   "bytes, want %llu", (unsigned long long)iova, (unsigned long long)size,
			   (unsigned long long)(npages * X2_PG));
}

static int t2_dirty(struct conf_ctx *ctx, uint32_t argsz, uint32_t flags)
{
	struct vfio_iommu_type1_dirty_bitmap d = { .argsz = argsz, .flags = flags };

	return conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_DIRTY_PAGES, &d);
}

static int t2_get_bitmap(struct conf_ctx *ctx, uint32_t argsz, uint64_t iova, uint64_t size, uint64_t pgsize,
			 uint64_t bsize, __u64 *bits)
{
	struct {
		struct vfio_iommu_type1_dirty_bitmap d;
		struct vfio_iommu_type1_dirty_bitmap_get g;
	} a;

	memset(&a, 0, sizeof(a));
	a.d.argsz = argsz ? argsz : sizeof(a);
	a.d.flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP;
	a.g.iova = iova;
	a.g.size = size;
	a.g.bitmap.pgsize = pgsize;
	a.g.bitmap.size = bsize;
	a.g.bitmap.data = bits;
	conf_note(ctx, "GET_BITMAP argsz=%u iova=0x%llx size=0x%llx pgsize=0x%llx bitmap.size=%llu", a.d.argsz,
		  (unsigned long long)iova, (unsigned long long)size, (unsigned long long)pgsize,
		  (unsigned long long)bsize);
	return conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_DIRTY_PAGES, &a);
}

/* ---- CHECK_EXTENSION and GET_INFO: TINFO-01, 02, 04 -------------------------------- */

struct ext_row {
	unsigned long ext;
	int before, after;	/* before SET_IOMMU (group attached), after SET_IOMMU(TYPE1v2); -1: not checked */
};

static int tinfo_ext(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct ext_row *row = c->arg;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_ATTACHED)) != CONF_PASS)
		return v;
	if (row->before >= 0) {
		r = conf_ioctl(ctx, ctx->u.container, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)row->ext);
		conf_check(ctx, r == row->before, "CHECK_EXTENSION(%lu) before SET_IOMMU = %d, want %d", row->ext, r,
			   row->before);
	}
	r = conf_ioctl(ctx, ctx->u.container, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU);
	if (conf_expect_errno(ctx, "SET_IOMMU(TYPE1v2)", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	if (row->after >= 0) {
		r = conf_ioctl(ctx, ctx->u.container, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)row->ext);
		conf_check(ctx, r == row->after, "CHECK_EXTENSION(%lu) after SET_IOMMU(TYPE1v2) = %d, want %d",
			   row->ext, r, row->after);
	}
	return conf_pass(ctx);
}

static const struct ext_row ext_type1 = { VFIO_TYPE1_IOMMU, 1, 1 };
static const struct ext_row ext_type1v2 = { VFIO_TYPE1v2_IOMMU, 1, 1 };
static const struct ext_row ext_nesting = { VFIO_TYPE1_NESTING_IOMMU, 1, 1 };
static const struct ext_row ext_unmap_all = { VFIO_UNMAP_ALL, 1, 1 };
static const struct ext_row ext_unknown = { 77, 0, 0 };
static const struct ext_row ext_spapr = { VFIO_SPAPR_TCE_IOMMU, -1, 0 };
static const struct ext_row ext_vaddr_before = { VFIO_UPDATE_VADDR, 0, -1 };
static const struct ext_row ext_vaddr_after = { VFIO_UPDATE_VADDR, -1, 1 };
static const struct ext_row ext_cc_before = { VFIO_DMA_CC_IOMMU, 0, -1 };

/* TINFO-04, arg: the host's page sizes (0: the model's default host). */
static int tinfo_mig_cap(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint64_t pgsizes = (uint64_t)(uintptr_t)c->arg;
	uint64_t buf[4096 / 8];
	struct vfio_iommu_type1_info *info = (void *)buf;
	const struct vfio_iommu_type1_info_cap_migration *m = NULL;
	uint32_t off;
	unsigned hops;
	int r, v;

	if (pgsizes && (v = t2_own_host(ctx, 65535, pgsizes, false)) != CONF_PASS)
		return v;
	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(buf);
	r = conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_GET_INFO, info);
	if (conf_expect_errno(ctx, "IOMMU_GET_INFO argsz=4096", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	off = info->cap_offset;
	for (hops = 0; off >= sizeof(*info) && off + 32 <= sizeof(buf) && hops < 16; hops++) {
		const struct vfio_info_cap_header *h = (const void *)((const uint8_t *)buf + off);

		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION) {
			m = (const void *)h;
			break;
		}
		off = h->next;
	}
	if (!conf_check(ctx, m != NULL, "GET_INFO has no MIGRATION capability"))
		return conf_pass(ctx);
	if (pgsizes)
		conf_check(ctx, info->iova_pgsizes == pgsizes, "iova_pgsizes 0x%llx, the host has 0x%llx",
			   (unsigned long long)info->iova_pgsizes, (unsigned long long)pgsizes);
	conf_check(ctx, m->flags == 0, "MIGRATION cap flags 0x%x, want 0", m->flags);
	conf_check(ctx, m->pgsize_bitmap == (info->iova_pgsizes & -info->iova_pgsizes),
		   "MIGRATION cap pgsize_bitmap 0x%llx, want the smallest page size of 0x%llx",
		   (unsigned long long)m->pgsize_bitmap, (unsigned long long)info->iova_pgsizes);
	conf_check(ctx, m->max_dirty_bitmap_size == T_DIRTY_BITMAP_MAX,
		   "max_dirty_bitmap_size 0x%llx, want 0x%llx (DIRTY_BITMAP_BYTES(INT_MAX))",
		   (unsigned long long)m->max_dirty_bitmap_size, T_DIRTY_BITMAP_MAX);
	return conf_pass(ctx);
}

/* ---- MAP-01: pairs of defects whose errnos tell which check ran first ---------- */

struct order_row {
	uint32_t limit;			/* own host with this entry limit; 0: the default host */
	uint64_t pre_iova;		/* one existing mapping of 2 pages (0: none) */
	uint32_t argsz, flags;
	uint64_t iova, size;
	int want;
	const char *why;
};

static int map_order(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct order_row *row = c->arg;
	struct t2 t;
	int r, v;

	if ((v = t2_setup(ctx, &t, row->limit)) != CONF_PASS)
		goto out;
	if (row->pre_iova && !t2_map_ok(ctx, &t, 0, row->pre_iova, 2))
		goto out;
	conf_note(ctx, "%s", row->why);
	r = t2_map(ctx, row->argsz, row->flags, T_VA(&t, 8), row->iova, row->size);
	conf_expect_errno(ctx, c->summary, r, row->want, true);
out:
	t2_done(&t);
	return conf_pass(ctx);
}

#define MSZ 32
static const struct order_row ord_argsz = { 0, T_BASE, 31, T_RW, T_BASE, X2_PG, -EINVAL,
					    "argsz 31 (check 1) and an overlap (check 7)" };
static const struct order_row ord_align = { 0, T_BASE, MSZ, T_RW, T_BASE + 0x800, X2_PG, -EINVAL,
					    "unaligned iova (check 4) and an overlap (check 7)" };
static const struct order_row ord_size0 = { 0, 0, MSZ, VFIO_DMA_MAP_FLAG_VADDR, T_BASE, 0, -EINVAL,
					    "size 0 (check 4) and MAP|VADDR with no mapping (check 6: ENOENT)" };
static const struct order_row ord_vaddr = { 0, T_BASE, MSZ, VFIO_DMA_MAP_FLAG_VADDR, T_BASE, 2 * X2_PG, -EINVAL,
					    "MAP|VADDR over a valid mapping (check 6: EINVAL), not EEXIST (check 7)" };
static const struct order_row ord_vaddr_limit = { 1, T_BASE, MSZ, VFIO_DMA_MAP_FLAG_VADDR, 0x800000, X2_PG,
						  -ENOENT, "MAP|VADDR with no mapping (check 6) and no entries left "
						  "(check 8)" };
static const struct order_row ord_overlap_limit = { 1, T_BASE, MSZ, T_RW, T_BASE + X2_PG, 2 * X2_PG, -EEXIST,
						    "an overlap (check 7) and no entries left (check 8)" };
static const struct order_row ord_limit_range = { 1, T_BASE, MSZ, T_RW, T_HOLE, X2_PG, -ENOSPC,
						  "no entries left (check 8) and an iova in the hole (check 9)" };
static const struct order_row ord_overlap_range = { 65535, T_HOLE - 2 * X2_PG, MSZ, T_RW, T_HOLE - X2_PG,
						    2 * X2_PG, -EEXIST,
						    "an overlap (check 7) reaching into the hole (check 9)" };

/* ---- UNMAP_DMA: UNMAP-01..06 ---------------------------------------------------- */

/* One refused unmap against a 65-page mapping at T_BASE, dirty tracking on
 * when @track; the mapping must stay whole. */
struct unmap_row {
	bool track;
	uint32_t argsz, flags;
	uint64_t iova, size;
	uint64_t pgsize, bsize;		/* the bitmap tail */
	int want;
};

static int unmap_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct unmap_row *row = c->arg;
	__u64 bits[4] = { 0 };
	struct t2_unmap a;
	struct t2 t;
	int r, v;

	if ((v = t2_setup(ctx, &t, 0)) != CONF_PASS || !t2_map_ok(ctx, &t, 0, T_BASE, 65))
		goto out;
	if (row->track && conf_expect_errno(ctx, "DIRTY_PAGES START", t2_dirty(ctx, 8, 1), 0, true) != CONF_PASS)
		goto out;
	memset(&a, 0, sizeof(a));
	a.u.argsz = row->argsz;
	a.u.flags = row->flags;
	a.u.iova = row->iova;
	a.u.size = row->size;
	a.b.pgsize = row->pgsize;
	a.b.size = row->bsize;
	a.b.data = bits;
	r = t2_unmap_raw(ctx, &a);
	conf_expect_errno(ctx, c->summary, r, row->want, true);
	if (row->want < 0 && r < 0)
		t2_still_whole(ctx, T_BASE, 65);
out:
	t2_done(&t);
	return conf_pass(ctx);
}

#define UB (VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP)
#define USZ ((uint32_t)sizeof(struct t2_unmap))
#define M65 (65 * X2_PG)
static const struct unmap_row um_argsz = { false, 23, 0, T_BASE, M65, 0, 0, -EINVAL };
static const struct unmap_row um_flag = { false, USZ, 1u << 3, T_BASE, M65, 0, 0, -EINVAL };
static const struct unmap_row um_bitmap_vaddr = { true, USZ, UB | VFIO_DMA_UNMAP_FLAG_VADDR, T_BASE, M65, X2_PG, 16,
						  -EINVAL };
static const struct unmap_row um_bm_argsz = { true, 47, UB, T_BASE, M65, X2_PG, 16, -EINVAL };
static const struct unmap_row um_bm_npages0 = { true, USZ, UB, T_BASE, 0, X2_PG, 16, -EINVAL };
static const struct unmap_row um_bm_size0 = { true, USZ, UB, T_BASE, M65, X2_PG, 0, -EINVAL };
static const struct unmap_row um_bm_small = { true, USZ, UB, T_BASE, M65, X2_PG, 8, -EINVAL };
static const struct unmap_row um_bm_untracked = { false, USZ, UB, T_BASE, M65, X2_PG, 16, -EINVAL };
static const struct unmap_row um_bm_pgsize = { true, USZ, UB, T_BASE, M65, 2 * X2_PG, 16, -EINVAL };
static const struct unmap_row um_bm_ok = { true, USZ, UB, T_BASE, M65, X2_PG, 16, 0 };
static const struct unmap_row um_iova_unaligned = { false, 24, 0, T_BASE + 0x800, X2_PG, 0, 0, -EINVAL };
static const struct unmap_row um_size_unaligned = { false, 24, 0, T_BASE, 0x1800, 0, 0, -EINVAL };
static const struct unmap_row um_size0 = { false, 24, 0, T_BASE, 0, 0, 0, -EINVAL };

/* UNMAP-05, arg 0: success writes back the bytes unmapped; 1: a refused
 * (bisecting) unmap and 2: a refused (unaligned) one leave the struct as
 * the caller wrote it. */
static int unmap_size_back(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned mode = (unsigned)(uintptr_t)c->arg;
	struct t2_unmap a;
	struct t2 t;
	int r, v;

	if ((v = t2_setup(ctx, &t, 0)) != CONF_PASS || !t2_map_ok(ctx, &t, 0, T_BASE, 2) ||
	    !t2_map_ok(ctx, &t, 4, T_BASE + 0x4000, 1))
		goto out;
	memset(&a, 0, sizeof(a));
	a.u.argsz = 24;
	a.u.iova = mode == 1 ? T_BASE + X2_PG : T_BASE;
	a.u.size = mode == 0 ? 0x10000 : mode == 1 ? X2_PG : 0x1800;
	r = t2_unmap_raw(ctx, &a);
	if (mode == 0) {
		if (conf_expect_errno(ctx, "unmap [1M, +64K) over 2 + 1 mapped pages", r, 0, true) == CONF_PASS)
			conf_check(ctx, a.u.size == 3 * X2_PG, "size written back %llu, want 12288 (bytes unmapped)",
				   (unsigned long long)a.u.size);
	} else if (conf_expect_errno(ctx, "a refused unmap", r, -EINVAL, true) == CONF_PASS) {
		conf_check(ctx, a.u.size == (mode == 1 ? X2_PG : 0x1800) && a.u.argsz == 24 && a.u.flags == 0 &&
			   a.u.iova == (mode == 1 ? T_BASE + X2_PG : T_BASE),
			   "a failed UNMAP wrote back into the struct: size %llu iova 0x%llx",
			   (unsigned long long)a.u.size, (unsigned long long)a.u.iova);
		t2_still_whole(ctx, T_BASE, 2);
	}
out:
	t2_done(&t);
	return conf_pass(ctx);
}

/* UNMAP-06 on a TYPE1 (v1) container, arg 0: an unmap at the mapping's first
 * iova, smaller than it, removes it whole; 1: one starting mid-mapping
 * removes nothing and returns 0 with size 0. */
static int unmap_v1(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned mode = (unsigned)(uintptr_t)c->arg;
	uint64_t size = 1;
	struct t2 t = { NULL };
	void *m;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_ATTACHED)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)VFIO_TYPE1_IOMMU);
	if (r != 1)
		return conf_not_supported(ctx, "CHECK_EXTENSION(TYPE1) is not 1: the model offers no v1 container");
	r = conf_ioctl(ctx, ctx->u.container, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1_IOMMU);
	if (conf_expect_errno(ctx, "SET_IOMMU(TYPE1) after CHECK_EXTENSION(TYPE1) = 1", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	m = mmap(NULL, T_NPAGES * X2_PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return conf_harness_error(ctx, "mmap failed");
	t.mem = m;
	if (!t2_map_ok(ctx, &t, 0, T_BASE, 3))
		goto out;
	if (mode == 0) {
		r = t2_unmap(ctx, 0, T_BASE, X2_PG, &size);
		if (conf_expect_errno(ctx, "v1: unmap [first iova, +4K) of a 3-page mapping", r, 0, true) == CONF_PASS &&
		    conf_check(ctx, size == 3 * X2_PG, "v1 unmap at the first iova returned size %llu, want 12288 "
			       "(the whole mapping)", (unsigned long long)size)) {
			r = t2_unmap(ctx, 0, T_BASE, 3 * X2_PG, &size);
			if (r == 0)
				conf_check(ctx, size == 0, "the mapping is still there after the v1 unmap (%llu bytes)",
					   (unsigned long long)size);
		}
	} else {
		r = t2_unmap(ctx, 0, T_BASE + X2_PG, X2_PG, &size);
		if (conf_expect_errno(ctx, "v1: unmap starting mid-mapping", r, 0, true) == CONF_PASS) {
			conf_check(ctx, size == 0, "v1 mid-mapping unmap returned size %llu, want 0",
				   (unsigned long long)size);
			t2_still_whole(ctx, T_BASE, 3);
		}
	}
out:
	t2_done(&t);
	return conf_pass(ctx);
}

/* T1-111 needs an emulated (mdev) group in the container. */
static int unmap_vaddr_emulated(struct conf_ctx *ctx, const struct conf_case *c)
{
	return conf_not_supported(ctx, "the model has no emulated (mdev) groups: vfsim_host_add_device only puts "
				  "IOMMU-backed PCI devices in groups, so UNMAP|VADDR with one attached cannot be built");
}

/* ---- DIRTY_PAGES: DIRTY-01..04 ------------------------------------------------------ */

/* DIRTY-01, arg: 0 argsz 7, 1 flag bit 3, 2 START twice, 3 STOP twice (and
 * STOP without START). */
static int dirty_envelope(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned mode = (unsigned)(uintptr_t)c->arg;
	__u64 bits[2];
	struct t2 t;
	int r, v;

	if ((v = t2_setup(ctx, &t, 0)) != CONF_PASS || !t2_map_ok(ctx, &t, 0, T_BASE, 4))
		goto out;
	switch (mode) {
	case 0:
		conf_expect_errno(ctx, "DIRTY_PAGES argsz=7 START", t2_dirty(ctx, 7, 1), -EINVAL, true);
		break;
	case 1:
		conf_expect_errno(ctx, "DIRTY_PAGES flags bit 3", t2_dirty(ctx, 8, 1u << 3), -EINVAL, true);
		break;
	case 2:
		conf_expect_errno(ctx, "START", t2_dirty(ctx, 8, 1), 0, true);
		conf_expect_errno(ctx, "START again", t2_dirty(ctx, 8, 1), 0, true);
		r = t2_get_bitmap(ctx, 0, T_BASE, 4 * X2_PG, X2_PG, 8, bits);
		conf_expect_errno(ctx, "GET_BITMAP while tracking", r, 0, true);
		break;
	default:
		conf_expect_errno(ctx, "STOP without START", t2_dirty(ctx, 8, 2), 0, true);
		conf_expect_errno(ctx, "START", t2_dirty(ctx, 8, 1), 0, true);
		conf_expect_errno(ctx, "STOP", t2_dirty(ctx, 8, 2), 0, true);
		conf_expect_errno(ctx, "STOP again", t2_dirty(ctx, 8, 2), 0, true);
		r = t2_get_bitmap(ctx, 0, T_BASE, 4 * X2_PG, X2_PG, 8, bits);
		conf_expect_errno(ctx, "GET_BITMAP after STOP", r, -EINVAL, true);
		break;
	}
out:
	t2_done(&t);
	return conf_pass(ctx);
}

/* DIRTY-02, 03: GET_BITMAP with tracking on against mappings of 65 pages at
 * T_BASE and 3 pages at T_BASE + 1 MiB; one defect per row. */
struct bm_row {
	uint32_t argsz;			/* 0: the full 48 */
	uint64_t iova, size, bsize;
	int want, alt;			/* alt: the newer kernels' errno, 0 if none */
};

static int dirty_bitmap_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct bm_row *row = c->arg;
	__u64 bits[8];
	struct t2 t;
	int r, v;

	memset(bits, 0, sizeof(bits));
	if ((v = t2_setup(ctx, &t, 0)) != CONF_PASS || !t2_map_ok(ctx, &t, 0, T_BASE, 65) ||
	    !t2_map_ok(ctx, &t, 70, T_BASE + 0x100000, 3))
		goto out;
	if (conf_expect_errno(ctx, "DIRTY_PAGES START", t2_dirty(ctx, 8, 1), 0, true) != CONF_PASS)
		goto out;
	r = t2_get_bitmap(ctx, row->argsz, row->iova, row->size, X2_PG, row->bsize, bits);
	if (row->alt && r == row->alt)
		conf_note(ctx, "-%s: the newer kernels' answer, accepted", conf_errno_name(r));
	else
		conf_expect_errno(ctx, c->summary, r, row->want, true);
out:
	t2_done(&t);
	return conf_pass(ctx);
}

static const struct bm_row bm_short = { 47, T_BASE, M65, 16, -EINVAL, 0 };
static const struct bm_row bm_wrap = { 0, T_WRAP, 2 * X2_PG, 16, -EINVAL, -EOVERFLOW };
static const struct bm_row bm_iova = { 0, T_BASE + 0x800, M65, 16, -EINVAL, 0 };
static const struct bm_row bm_size0 = { 0, T_BASE, 0, 16, -EINVAL, 0 };
static const struct bm_row bm_size_unaligned = { 0, T_BASE, M65 - 0x800, 16, -EINVAL, 0 };
static const struct bm_row bm_bisect_start = { 0, T_BASE + X2_PG, 64 * X2_PG, 16, -EINVAL, 0 };
static const struct bm_row bm_bisect_end = { 0, T_BASE, 64 * X2_PG, 16, -EINVAL, 0 };
/* 257 and 259 pages: 40-byte bitmaps. */
static const struct bm_row bm_bisect_second = { 0, T_BASE, 0x100000 + X2_PG, 40, -EINVAL, 0 };
static const struct bm_row bm_two_whole = { 0, T_BASE, 0x100000 + 3 * X2_PG, 40, 0, 0 };

/* DIRTY-04, vfio-pci groups (num_non_pinned_groups > 0): 65 pages mapped,
 * none written; update_user_bitmap sets every page of an iommu_mapped
 * mapping, and re-seeding after a report cannot lose them, so two reports
 * of [T_BASE, +128 pages) both read 65 ones and zeros past the mapping. */
static int dirty_reseed_all(struct conf_ctx *ctx, const struct conf_case *c)
{
	__u64 bits[3];
	struct t2 t;
	int r, v, round;

	if ((v = t2_own_host(ctx, 65535, 0, false)) != CONF_PASS)
		return v;
	if ((v = t2_setup(ctx, &t, 0)) != CONF_PASS || !t2_map_ok(ctx, &t, 0, T_BASE, 65))
		goto out;
	if (conf_expect_errno(ctx, "DIRTY_PAGES START", t2_dirty(ctx, 8, 1), 0, true) != CONF_PASS)
		goto out;
	for (round = 1; round <= 2; round++) {
		memset(bits, 0, sizeof(bits));
		r = t2_get_bitmap(ctx, 0, T_BASE, 128 * X2_PG, X2_PG, 16, bits);
		if (conf_expect_errno(ctx, round == 1 ? "first GET_BITMAP" : "second GET_BITMAP", r, 0, true) !=
		    CONF_PASS)
			break;
		if (!conf_check(ctx, bits[0] == ~0ull && bits[1] == 1 && bits[2] == 0,
				"report %d: bitmap 0x%016llx 0x%016llx, want 0xffffffffffffffff 0x1 (all 65 pages "
				"of the mapping, nothing past it)", round, (unsigned long long)bits[0],
				(unsigned long long)bits[1]))
			break;
	}
out:
	t2_done(&t);
	return conf_pass(ctx);
}

/* DIRTY-04, every group with pinned-page scope: the device (the profile's
 * DMA engine, through vfio_dma_rw's path) writes page 5 of 65 mapped pages;
 * the first report shows page 5, the second (no writes in between, nothing
 * pinned) is empty. */
static int dirty_reseed_pinned(struct conf_ctx *ctx, const struct conf_case *c)
{
	const uint64_t src = T_BASE + 0x100000;
	uint64_t eoff = 0;
	uint32_t bar = 0;
	__u64 bits[2];
	struct t2 t = { NULL };
	void *m;
	int r, v;

	if (!x2_engine(ctx, &bar, &eoff))
		return conf_not_supported(ctx, "the profile has no DMA engine: the case cannot make the device write");
	if ((v = t2_own_host(ctx, 65535, 0, true)) != CONF_PASS)
		return v;
	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	m = mmap(NULL, T_NPAGES * X2_PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return conf_harness_error(ctx, "mmap of %u pages failed", T_NPAGES);
	t.mem = m;
	memset(t.mem + 70 * X2_PG, 0xa5, X2_PG);
	if (!t2_map_ok(ctx, &t, 0, T_BASE, 65) || !t2_map_ok(ctx, &t, 70, src, 1))
		goto out;
	if (conf_expect_errno(ctx, "DIRTY_PAGES START", t2_dirty(ctx, 8, 1), 0, true) != CONF_PASS)
		goto out;
	if (!x2_engine_copy(ctx, bar, eoff, src, T_BASE + 5 * X2_PG))
		goto out;
	if (t.mem[5 * X2_PG] != 0xa5) {
		conf_harness_error(ctx, "the engine's write did not reach the mapped memory");
		goto out;
	}
	memset(bits, 0, sizeof(bits));
	r = t2_get_bitmap(ctx, 0, T_BASE, 65 * X2_PG, X2_PG, 16, bits);
	if (conf_expect_errno(ctx, "GET_BITMAP after the device wrote page 5", r, 0, true) != CONF_PASS ||
	    !conf_check(ctx, bits[0] == 1ull << 5 && bits[1] == 0, "first report 0x%016llx 0x%016llx, want 0x20 0x0 "
			"(page 5)", (unsigned long long)bits[0], (unsigned long long)bits[1]))
		goto out;
	memset(bits, 0, sizeof(bits));
	r = t2_get_bitmap(ctx, 0, T_BASE, 65 * X2_PG, X2_PG, 16, bits);
	if (conf_expect_errno(ctx, "second GET_BITMAP, no writes since the first", r, 0, true) == CONF_PASS)
		conf_check(ctx, bits[0] == 0 && bits[1] == 0, "second report 0x%016llx 0x%016llx, want 0: the first "
			   "report was not re-seeded (no page is pinned)", (unsigned long long)bits[0],
			   (unsigned long long)bits[1]);
out:
	t2_done(&t);
	return conf_pass(ctx);
}

#define X2_TYPE1_CASES                                                                                         \
	{ "UAPI-X2-040", "UAPI-TINFO-01", U, NULL, tinfo_ext, &ext_type1,                                      \
	  "CHECK_EXTENSION(TYPE1) is 1 before and after SET_IOMMU" },                                          \
	{ "UAPI-X2-041", "UAPI-TINFO-01", U, NULL, tinfo_ext, &ext_type1v2,                                    \
	  "CHECK_EXTENSION(TYPE1v2) is 1 before and after SET_IOMMU" },                                        \
	{ "UAPI-X2-042", "UAPI-TINFO-01", U, NULL, tinfo_ext, &ext_nesting,                                    \
	  "CHECK_EXTENSION(TYPE1_NESTING) is 1 before and after SET_IOMMU (6.1)" },                            \
	{ "UAPI-X2-043", "UAPI-TINFO-01", U, NULL, tinfo_ext, &ext_unmap_all,                                  \
	  "CHECK_EXTENSION(UNMAP_ALL) is 1 before and after SET_IOMMU" },                                      \
	{ "UAPI-X2-044", "UAPI-TINFO-01", U, NULL, tinfo_ext, &ext_unknown,                                    \
	  "CHECK_EXTENSION(77) is 0 before and after SET_IOMMU" },                                             \
	{ "UAPI-X2-045", "UAPI-TINFO-01", U, NULL, tinfo_ext, &ext_spapr,                                      \
	  "CHECK_EXTENSION(SPAPR_TCE) on a type1 container is 0" },                                            \
	{ "UAPI-X2-046", "UAPI-TINFO-02", U, NULL, tinfo_ext, &ext_vaddr_before,                               \
	  "CHECK_EXTENSION(UPDATE_VADDR) before SET_IOMMU (no iommu yet) is 0" },                              \
	{ "UAPI-X2-047", "UAPI-TINFO-02", U, NULL, tinfo_ext, &ext_vaddr_after,                                \
	  "CHECK_EXTENSION(UPDATE_VADDR) with an iommu and no emulated groups is 1" },                         \
	{ "UAPI-X2-048", "UAPI-TINFO-02", U, NULL, tinfo_ext, &ext_cc_before,                                  \
	  "CHECK_EXTENSION(DMA_CC_IOMMU) before SET_IOMMU is 0" },                                             \
	{ "UAPI-X2-049", "UAPI-TINFO-04", U, NULL, tinfo_mig_cap, NULL,                                        \
	  "MIGRATION cap: flags 0, pgsize_bitmap the smallest page, max_dirty_bitmap_size 256 MiB" },          \
	{ "UAPI-X2-050", "UAPI-TINFO-04", U, NULL, tinfo_mig_cap, (void *)(uintptr_t)(0x10000 | 0x200000),     \
	  "on a 64K|2M host the MIGRATION cap's pgsize_bitmap is 64K" },                                       \
	{ "UAPI-X2-051", "UAPI-MAP-01", U, NULL, map_order, &ord_argsz,                                        \
	  "MAP argsz 31 over an existing mapping is EINVAL, not EEXIST" },                                     \
	{ "UAPI-X2-052", "UAPI-MAP-01", U, NULL, map_order, &ord_align,                                        \
	  "MAP with an unaligned iova over an existing mapping is EINVAL, not EEXIST" },                       \
	{ "UAPI-X2-053", "UAPI-MAP-01", U, NULL, map_order, &ord_size0,                                        \
	  "MAP|VADDR size 0 with no mapping is EINVAL, not ENOENT" },                                          \
	{ "UAPI-X2-054", "UAPI-MAP-01", U, NULL, map_order, &ord_vaddr,                                        \
	  "MAP|VADDR over a valid mapping is EINVAL, not EEXIST" },                                            \
	{ "UAPI-X2-055", "UAPI-MAP-01", U, NULL, map_order, &ord_vaddr_limit,                                  \
	  "MAP|VADDR with no mapping and no entries left is ENOENT, not ENOSPC" },                             \
	{ "UAPI-X2-056", "UAPI-MAP-01", U, NULL, map_order, &ord_overlap_limit,                                \
	  "an overlapping MAP with no entries left is EEXIST, not ENOSPC" },                                   \
	{ "UAPI-X2-057", "UAPI-MAP-01", U, NULL, map_order, &ord_limit_range,                                  \
	  "MAP into the reserved hole with no entries left is ENOSPC, not EINVAL" },                           \
	{ "UAPI-X2-058", "UAPI-MAP-01", U, NULL, map_order, &ord_overlap_range,                                \
	  "an overlapping MAP reaching into the hole is EEXIST, not EINVAL" },                                 \
	{ "UAPI-X2-060", "UAPI-UNMAP-01", U, NULL, unmap_row, &um_argsz,                                       \
	  "UNMAP argsz 23 is EINVAL and unmaps nothing" },                                                     \
	{ "UAPI-X2-061", "UAPI-UNMAP-01", U, NULL, unmap_row, &um_flag,                                        \
	  "UNMAP flags bit 3 is EINVAL and unmaps nothing" },                                                  \
	{ "UAPI-X2-062", "UAPI-UNMAP-01", U, NULL, unmap_row, &um_bitmap_vaddr,                                \
	  "UNMAP GET_DIRTY_BITMAP|VADDR is EINVAL" },                                                          \
	{ "UAPI-X2-063", "UAPI-UNMAP-02", U, NULL, unmap_row, &um_bm_argsz,                                    \
	  "UNMAP GET_DIRTY_BITMAP with argsz 47 is EINVAL" },                                                  \
	{ "UAPI-X2-064", "UAPI-UNMAP-02", U, NULL, unmap_row, &um_bm_npages0,                                  \
	  "UNMAP GET_DIRTY_BITMAP of 0 pages is EINVAL" },                                                     \
	{ "UAPI-X2-065", "UAPI-UNMAP-02", U, NULL, unmap_row, &um_bm_size0,                                    \
	  "UNMAP GET_DIRTY_BITMAP with bitmap.size 0 is EINVAL" },                                             \
	{ "UAPI-X2-066", "UAPI-UNMAP-02", U, NULL, unmap_row, &um_bm_small,                                    \
	  "UNMAP GET_DIRTY_BITMAP of 65 pages with an 8-byte bitmap is EINVAL" },                              \
	{ "UAPI-X2-067", "UAPI-UNMAP-03", U, NULL, unmap_row, &um_bm_untracked,                                \
	  "UNMAP GET_DIRTY_BITMAP without dirty tracking is EINVAL and unmaps nothing" },                      \
	{ "UAPI-X2-068", "UAPI-UNMAP-03", U, NULL, unmap_row, &um_bm_pgsize,                                   \
	  "UNMAP GET_DIRTY_BITMAP with bitmap.pgsize 8K (smallest is 4K) is EINVAL" },                         \
	{ "UAPI-X2-069", "UAPI-UNMAP-03", U, NULL, unmap_row, &um_bm_ok,                                       \
	  "UNMAP GET_DIRTY_BITMAP with tracking on and pgsize 4K succeeds" },                                  \
	{ "UAPI-X2-070", "UAPI-UNMAP-04", U, NULL, unmap_row, &um_iova_unaligned,                              \
	  "UNMAP iova 0x100800 is EINVAL and unmaps nothing" },                                                \
	{ "UAPI-X2-071", "UAPI-UNMAP-04", U, NULL, unmap_row, &um_size_unaligned,                              \
	  "UNMAP size 0x1800 is EINVAL and unmaps nothing" },                                                  \
	{ "UAPI-X2-072", "UAPI-UNMAP-04", U, NULL, unmap_row, &um_size0,                                       \
	  "UNMAP size 0 without ALL is EINVAL" },                                                              \
	{ "UAPI-X2-073", "UAPI-UNMAP-05", U, NULL, unmap_size_back, (void *)0,                                 \
	  "a successful UNMAP writes back size = the bytes unmapped" },                                        \
	{ "UAPI-X2-074", "UAPI-UNMAP-05", U, NULL, unmap_size_back, (void *)1,                                 \
	  "a bisecting (refused) UNMAP leaves the caller's struct untouched" },                                \
	{ "UAPI-X2-075", "UAPI-UNMAP-05", U, NULL, unmap_size_back, (void *)2,                                 \
	  "an unaligned (refused) UNMAP leaves the caller's struct untouched" },                               \
	{ "UAPI-X2-076", "UAPI-UNMAP-06", U, NULL, unmap_v1, (void *)0,                                        \
	  "TYPE1 v1: unmap at a mapping's first iova, smaller than it, removes it whole" },                    \
	{ "UAPI-X2-077", "UAPI-UNMAP-06", U, NULL, unmap_v1, (void *)1,                                        \
	  "TYPE1 v1: unmap starting mid-mapping returns 0 with size 0 and removes nothing" },                  \
	{ "UAPI-X2-078", "UAPI-T1-111", U, NULL, unmap_vaddr_emulated, NULL,                                   \
	  "UNMAP|VADDR with an emulated (mdev) group attached is EBUSY" },                                     \
	{ "UAPI-X2-080", "UAPI-DIRTY-01", U, NULL, dirty_envelope, (void *)0,                                  \
	  "DIRTY_PAGES argsz 7 is EINVAL" },                                                                   \
	{ "UAPI-X2-081", "UAPI-DIRTY-01", U, NULL, dirty_envelope, (void *)1,                                  \
	  "DIRTY_PAGES flags bit 3 is EINVAL" },                                                               \
	{ "UAPI-X2-082", "UAPI-DIRTY-01", U, NULL, dirty_envelope, (void *)2,                                  \
	  "START twice returns 0 both times, tracking stays on" },                                             \
	{ "UAPI-X2-083", "UAPI-DIRTY-01", U, NULL, dirty_envelope, (void *)3,                                  \
	  "STOP without START, and STOP twice, return 0; tracking is off after" },                             \
	{ "UAPI-X2-084", "UAPI-DIRTY-02", U, NULL, dirty_bitmap_row, &bm_short,                                \
	  "GET_BITMAP with 39 data bytes is EINVAL" },                                                         \
	{ "UAPI-X2-085", "UAPI-DIRTY-02", U, NULL, dirty_bitmap_row, &bm_wrap,                                 \
	  "GET_BITMAP with iova + size wrapping is EINVAL (6.1) or EOVERFLOW (newer)" },                       \
	{ "UAPI-X2-086", "UAPI-DIRTY-02", U, NULL, dirty_bitmap_row, &bm_iova,                                 \
	  "GET_BITMAP with iova 0x100800 is EINVAL" },                                                         \
	{ "UAPI-X2-087", "UAPI-DIRTY-02", U, NULL, dirty_bitmap_row, &bm_size0,                                \
	  "GET_BITMAP with size 0 is EINVAL" },                                                                \
	{ "UAPI-X2-088", "UAPI-DIRTY-02", U, NULL, dirty_bitmap_row, &bm_size_unaligned,                       \
	  "GET_BITMAP with a size not a multiple of 4K is EINVAL" },                                           \
	{ "UAPI-X2-089", "UAPI-DIRTY-03", U, NULL, dirty_bitmap_row, &bm_bisect_start,                         \
	  "GET_BITMAP starting inside a mapping is EINVAL" },                                                  \
	{ "UAPI-X2-090", "UAPI-DIRTY-03", U, NULL, dirty_bitmap_row, &bm_bisect_end,                           \
	  "GET_BITMAP ending inside a mapping is EINVAL" },                                                    \
	{ "UAPI-X2-091", "UAPI-DIRTY-03", U, NULL, dirty_bitmap_row, &bm_bisect_second,                        \
	  "GET_BITMAP covering one mapping and bisecting the next is EINVAL" },                                \
	{ "UAPI-X2-092", "UAPI-DIRTY-03", U, NULL, dirty_bitmap_row, &bm_two_whole,                            \
	  "GET_BITMAP covering two mappings exactly (and the gap between) succeeds" },                         \
	{ "UAPI-X2-093", "UAPI-DIRTY-04", U, NULL, dirty_reseed_all, NULL,                                     \
	  "vfio-pci group host: two GET_BITMAPs of 65 mapped, unwritten pages both report all 65 dirty" },     \
	{ "UAPI-X2-094", "UAPI-DIRTY-04", U, "dma-engine", dirty_reseed_pinned, NULL,                          \
	  "pinned-page-scope host (all groups mdev-like): a device write shows once, the next report is 0" },  \

#endif
