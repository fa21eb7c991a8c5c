/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The type1 IOMMU model of one container (v2 semantics): mappings in an AVL
 * tree keyed by IOVA (dma-tree.c), MAP_DMA / UNMAP_DMA / DIRTY_PAGES with the
 * checks of vfio_iommu_type1.c in its order, and device DMA through the
 * mappings (dma_rw, dma_translate).
 *
 * Dirty reports follow update_user_bitmap. By default (!cfg.pinned_scope)
 * a group without pinned-page dirty scope is attached, as every vfio-pci
 * group is (num_non_pinned_groups): every report sets every page of every
 * iommu_mapped mapping in the range. With pinned_scope (mdev-like groups) a
 * page is dirty when the device wrote it through dma_rw (or dma_mark_dirty)
 * since the mapping was made or last reported; a report re-seeds the bitmap
 * with the pages still pinned, which in the model is none.
 *
 * Where the kernel would pin user pages (MAP_DMA) or copy to a user bitmap,
 * the model checks with mincore() that the memory is mapped in this process
 * and fails with EFAULT as the kernel would, instead of crashing later.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "dma.h"
#include "dma-tree.h"
#include "fault.h"
#include "rules.h"

#define DMA_SZ_4K 0x1000ull
#define DMA_DEFAULT_PGSIZES (DMA_SZ_4K | (1ull << 21) | (1ull << 30))
#define DMA_DEFAULT_ENTRY_LIMIT 65535u	/* module parameter dma_entry_limit */
#define DMA_KERNEL_PAGE DMA_SZ_4K	/* PAGE_SIZE on x86: the pinning granule */
/* x86_64 TASK_SIZE_MAX with 4-level paging, the limit access_ok() tests. */
#define DMA_USER_ADDR_MAX ((1ull << 47) - DMA_KERNEL_PAGE)
#define DMA_BITMAP_BYTES(n) (((n) + 63) / 64 * 8)
#define DMA_BITMAP_PAGES_MAX ((uint64_t)INT_MAX)	/* DIRTY_BITMAP_PAGES_MAX */
#define DMA_BITMAP_SIZE_MAX DMA_BITMAP_BYTES(DMA_BITMAP_PAGES_MAX)
/* The model's own bound on all mappings' dirty bitmaps together. */
#define DMA_BITMAP_BUDGET (64ull << 20)

#define DMA_MAP_MINSZ 32u	/* offsetofend(struct vfio_iommu_type1_dma_map, size) */
#define DMA_UNMAP_MINSZ 24u	/* offsetofend(struct vfio_iommu_type1_dma_unmap, size) */
#define DMA_DIRTY_MINSZ 8u	/* offsetofend(struct vfio_iommu_type1_dirty_bitmap, flags) */

struct dma_mapping {
	struct dma_tree_node node;	/* start = iova, last = iova + size - 1 */
	uint64_t vaddr;			/* 0: reached through the space's dma_ops */
	uint32_t prot;			/* VFIO_DMA_MAP_FLAG_READ | _WRITE */
	bool vaddr_invalid;		/* UNMAP_DMA|VADDR until MAP_DMA|VADDR */
	bool vaddr_unchecked;		/* MAP_DMA|VADDR took it unchecked: checked at the next DMA */
	uint64_t *bitmap;		/* one bit per smallest page while tracking, else NULL */
};

struct dma_space {
	struct vfsim_iommu_config cfg;	/* with the defaults filled in */
	struct dma_tree_node *root;
	unsigned count;
	unsigned pgshift;		/* of the smallest page size */
	bool tracking;			/* DIRTY_PAGES START .. STOP */
	bool emulated;			/* an mdev group is attached */
	bool v1;			/* a TYPE1 (v1) container: unmap as vfio_dma_do_unmap's v1 branch */
	uint64_t bitmap_bytes;		/* sum over mappings, <= DMA_BITMAP_BUDGET */
	bool has_ops;
	struct dma_ops ops;
	uint64_t faults;		/* dma_space_set_faults (sim/fault.h) */
};

static struct dma_mapping *dma_of(struct dma_tree_node *n)
{
	return (struct dma_mapping *)((char *)n - offsetof(struct dma_mapping, node));
}

static uint64_t dma_size(const struct dma_mapping *d)
{
	return d->node.last - d->node.start + 1;
}

static unsigned dma_ffs64(uint64_t v)	/* __ffs; 0 for 0, where the kernel's is undefined */
{
	return v ? (unsigned)__builtin_ctzll(v) : 0;
}

/* User bitmaps need not be 8-byte aligned: words go through memcpy. */
static uint64_t dma_ld64(const uint64_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void dma_st64(uint64_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

void dma_bits_set(uint64_t *bm, uint64_t first, uint64_t count)
{
	uint64_t end = first + count;

	while (first < end && (first % 64)) {
		dma_st64(bm + first / 64, dma_ld64(bm + first / 64) | 1ull << (first % 64));
		first++;
	}
	for (; first + 64 <= end; first += 64)
		dma_st64(bm + first / 64, ~0ull);
	for (; first < end; first++)
		dma_st64(bm + first / 64, dma_ld64(bm + first / 64) | 1ull << (first % 64));
}

bool dma_host_range_mapped(uint64_t addr, uint64_t len)
{
	unsigned char vec[4096];
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE), start, end;

	if (!len)
		return true;
	if (!addr || addr + len < addr || addr + len - 1 > UINTPTR_MAX ||
	    addr + len > UINT64_MAX - pg)
		return false;
	start = addr & ~(pg - 1);
	end = (addr + len + pg - 1) & ~(pg - 1);
	/* mincore fails with ENOMEM at the first unmapped page: bounded by
	 * what is actually mapped, sizeof(vec) pages per call */
	while (start < end) {
		uint64_t chunk = end - start < sizeof(vec) * pg ? end - start : sizeof(vec) * pg;

		if (mincore((void *)(uintptr_t)start, chunk, vec) < 0)
			return false;
		start += chunk;
	}
	return true;
}

/* ---- space ----------------------------------------------------------------- */

static int dma_cfg_fill(struct vfsim_iommu_config *c, const struct vfsim_iommu_config *in)
{
	unsigned i;

	memset(c, 0, sizeof(*c));
	if (in)
		*c = *in;
	if (!c->pgsizes)
		c->pgsizes = DMA_DEFAULT_PGSIZES;
	/* vfio_update_pgsize_bitmap: sub-PAGE_SIZE sizes fold into PAGE_SIZE */
	if (c->pgsizes & (DMA_KERNEL_PAGE - 1))
		c->pgsizes = (c->pgsizes & ~(DMA_KERNEL_PAGE - 1)) | DMA_KERNEL_PAGE;
	if (!c->dma_entry_limit)
		c->dma_entry_limit = DMA_DEFAULT_ENTRY_LIMIT;
	if (c->niova_ranges > sizeof(c->iova_ranges) / sizeof(c->iova_ranges[0]))
		return vfsim_reject(RULE_DMA_CFG_RANGES, -EINVAL);
	if (!c->niova_ranges) {
		/* x86: everything below 2^48 but the MSI window */
		c->niova_ranges = 2;
		c->iova_ranges[0].start = 0;
		c->iova_ranges[0].end = 0xfedfffffull;
		c->iova_ranges[1].start = 0xfef00000ull;
		c->iova_ranges[1].end = (1ull << 48) - 1;
	}
	for (i = 0; i < c->niova_ranges; i++)
		if (c->iova_ranges[i].start > c->iova_ranges[i].end)
			return vfsim_reject(RULE_DMA_CFG_RANGES, -EINVAL);
	return 0;
}

int dma_space_new(const struct vfsim_iommu_config *cfg, struct dma_space **ret)
{
	struct dma_space *s;
	int r;

	*ret = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	r = dma_cfg_fill(&s->cfg, cfg);
	if (r < 0) {
		free(s);
		return r;
	}
	s->pgshift = dma_ffs64(s->cfg.pgsizes);
	*ret = s;
	return 0;
}

static void dma_mapping_free(struct dma_tree_node *n)
{
	struct dma_mapping *d = dma_of(n);

	free(d->bitmap);
	free(d);
}

void dma_space_clear(struct dma_space *s)
{
	if (!s)
		return;
	dma_tree_destroy(s->root, dma_mapping_free);
	s->root = NULL;
	s->count = 0;
	s->bitmap_bytes = 0;
	s->tracking = false;
}

void dma_space_free(struct dma_space *s)
{
	dma_space_clear(s);
	free(s);
}

void dma_space_set_ops(struct dma_space *s, const struct dma_ops *ops)
{
	s->has_ops = ops && ops->rw;
	if (s->has_ops)
		s->ops = *ops;
	else
		memset(&s->ops, 0, sizeof(s->ops));
}

void dma_space_set_faults(struct dma_space *s, uint64_t faults)
{
	s->faults = faults;
}

void dma_space_set_v1(struct dma_space *s, bool v1)
{
	s->v1 = v1;
}

void dma_space_set_emulated(struct dma_space *s, bool emulated)
{
	s->emulated = emulated;
}

uint64_t dma_pgsizes(const struct dma_space *s)
{
	return s->cfg.pgsizes;
}

uint64_t dma_min_pgsize(const struct dma_space *s)
{
	return 1ull << s->pgshift;
}

uint32_t dma_avail(const struct dma_space *s)
{
	return s->cfg.dma_entry_limit - s->count;
}

unsigned dma_iova_ranges(const struct dma_space *s, const struct vfsim_iommu_config **ret_cfg)
{
	if (ret_cfg)
		*ret_cfg = &s->cfg;
	return s->cfg.niova_ranges;
}

unsigned dma_count(const struct dma_space *s)
{
	return s->count;
}

bool dma_dirty_tracking(const struct dma_space *s)
{
	return s->tracking;
}

long dma_space_check(const struct dma_space *s)
{
	long n = dma_tree_check(s->root);

	return n == (long)s->count ? n : -1;
}

/* ---- dirty bitmaps ------------------------------------------------------- */

static int dma_bitmap_alloc(struct dma_space *s, struct dma_mapping *d)
{
	uint64_t npages = dma_size(d) >> s->pgshift, bytes = DMA_BITMAP_BYTES(npages);

	if (npages > DMA_BITMAP_PAGES_MAX)
		return vfsim_reject(RULE_DMA_BITMAP_TOO_LARGE, -EINVAL);
	if (bytes > DMA_BITMAP_BUDGET - s->bitmap_bytes)
		return vfsim_reject(RULE_DMA_BITMAP_BUDGET, -ENOMEM);
	d->bitmap = calloc(1, bytes);
	if (!d->bitmap)
		return -ENOMEM;
	s->bitmap_bytes += bytes;
	return 0;
}

static void dma_bitmap_free(struct dma_space *s, struct dma_mapping *d)
{
	if (!d->bitmap)
		return;
	s->bitmap_bytes -= DMA_BITMAP_BYTES(dma_size(d) >> s->pgshift);
	free(d->bitmap);
	d->bitmap = NULL;
}

static void dma_bitmap_free_all(struct dma_space *s)
{
	struct dma_tree_node *n;

	for (n = dma_tree_first_from(s->root, 0); n; n = dma_tree_next(s->root, n))
		dma_bitmap_free(s, dma_of(n));
}

/* Mark the pages of [first, last] (inside @d) dirty. */
static void dma_mark_mapping(struct dma_space *s, struct dma_mapping *d, uint64_t first,
			     uint64_t last)
{
	uint64_t p0 = (first - d->node.start) >> s->pgshift;
	uint64_t p1 = (last - d->node.start) >> s->pgshift;

	if (d->bitmap)
		dma_bits_set(d->bitmap, p0, p1 - p0 + 1);
}

void dma_mark_dirty(struct dma_space *s, uint64_t iova, uint64_t len)
{
	uint64_t last = iova + len - 1;
	struct dma_tree_node *n;

	if (!s->tracking || !len)
		return;
	if (last < iova)
		last = UINT64_MAX;
	for (n = dma_tree_first_from(s->root, iova); n && n->start <= last; n = dma_tree_next(s->root, n))
		dma_mark_mapping(s, dma_of(n), n->start > iova ? n->start : iova,
				 n->last < last ? n->last : last);
}

/*
 * Copy @d's bitmap into the user bitmap of a range starting at @base as
 * update_user_bitmap does: the bitmap shifted to the mapping's bit offset is
 * written as whole u64 words, so bits past the mapping's end in its last
 * word become 0. When the mapping starts inside a word, the kernel first ORs
 * the caller's whole word into that first one (the "leftover"), so every bit
 * already set there stays set. @d->bitmap has no bits past the mapping.
 */
static void dma_bitmap_to_user(struct dma_space *s, struct dma_mapping *d, uint64_t *dst,
			       uint64_t base)
{
	uint64_t nbits = dma_size(d) >> s->pgshift, bit = (d->node.start - base) >> s->pgshift;
	uint64_t nsrc = (nbits + 63) / 64, nout = (nbits + bit % 64 + 63) / 64, i;
	uint64_t *p = dst + bit / 64;
	unsigned sh = bit % 64;
	uint64_t out = sh ? dma_ld64(p) : 0;

	for (i = 0; i < nout; i++) {
		if (i < nsrc)
			out |= d->bitmap[i] << sh;
		if (sh && i > 0 && i - 1 < nsrc)
			out |= d->bitmap[i - 1] >> (64 - sh);
		dma_st64(p + i, out);
		out = 0;
	}
}

/*
 * One mapping's part of a report (update_user_bitmap). Without pinned-page
 * scope every page of an iommu_mapped mapping is dirty; every mapping of the
 * model is iommu_mapped (its container has an IOMMU-backed group, so
 * vfio_pin_map_dma pinned and mapped it, and UNMAP|VADDR keeps it so).
 */
static void dma_report_mapping(struct dma_space *s, struct dma_mapping *d, uint64_t *dst,
			       uint64_t base)
{
	if (!s->cfg.pinned_scope)
		dma_bits_set(d->bitmap, 0, dma_size(d) >> s->pgshift);
	dma_bitmap_to_user(s, d, dst, base);
}

/* The checks on a user bitmap before the lock: access_ok, verify_bitmap_size. */
static int dma_user_bitmap_check(uint64_t range_size, const struct vfio_bitmap *bm)
{
	uint64_t data = (uintptr_t)bm->data, npages = range_size >> dma_ffs64(bm->pgsize);

	if (bm->size > DMA_USER_ADDR_MAX || data > DMA_USER_ADDR_MAX - bm->size)
		return vfsim_reject(RULE_DMA_USER_BITMAP_ACCESS, -EINVAL);
	if (!npages || !bm->size || bm->size > DMA_BITMAP_SIZE_MAX ||
	    bm->size < DMA_BITMAP_BYTES(npages))
		return vfsim_reject(RULE_DMA_USER_BITMAP_SIZE, -EINVAL);
	return 0;
}

/* Where the kernel's copy_to_user would fault. */
static int dma_user_bitmap_mapped(struct dma_space *s, uint64_t range_size,
				  const struct vfio_bitmap *bm)
{
	if (!dma_host_range_mapped((uintptr_t)bm->data, DMA_BITMAP_BYTES(range_size >> s->pgshift)))
		return vfsim_reject(RULE_DMA_USER_BITMAP_FAULT, -EFAULT);
	return 0;
}

/* v2: [first, last] may not start or end inside a mapping. */
static bool dma_bisects(struct dma_space *s, uint64_t first, uint64_t last)
{
	struct dma_tree_node *n = dma_tree_find(s->root, first);

	if (n && n->start != first)
		return true;
	n = dma_tree_find(s->root, last);
	return n && n->last != last;
}

/* ---- MAP_DMA ------------------------------------------------------------- */

static struct dma_mapping *dma_find_overlap(struct dma_space *s, uint64_t first, uint64_t last)
{
	struct dma_tree_node *n = dma_tree_first_from(s->root, first);

	return n && n->start <= last ? dma_of(n) : NULL;
}

static bool dma_iova_valid(const struct dma_space *s, uint64_t first, uint64_t last)
{
	unsigned i;

	for (i = 0; i < s->cfg.niova_ranges; i++)
		if (first >= s->cfg.iova_ranges[i].start && last <= s->cfg.iova_ranges[i].end)
			return true;
	return false;
}

/* A vaddr of 0 is the vfio-user "no fd" mapping when the space has dma_ops;
 * anything else must be memory of this process, as pinning requires. */
static bool dma_vaddr_ok(const struct dma_space *s, uint64_t vaddr, uint64_t size)
{
	return (!vaddr && s->has_ops) || dma_host_range_mapped(vaddr, size);
}

static int dma_map_update_vaddr(struct dma_space *s, struct dma_mapping *d,
				const struct vfio_iommu_type1_dma_map *m)
{
	if (!d)
		return vfsim_reject(RULE_DMA_MAP_VADDR_NOENT, -ENOENT);
	if (!d->vaddr_invalid || d->node.start != m->iova || dma_size(d) != m->size)
		return vfsim_reject(RULE_DMA_MAP_VADDR_MISMATCH, -EINVAL);
	/* 6.1 takes the new vaddr as it is (vfio_dma_do_map: the pages stay
	 * pinned, only the owner is re-accounted). The model copies through
	 * vaddr, so it checks the range at the next device access instead. */
	d->vaddr = m->vaddr;
	d->vaddr_invalid = false;
	d->vaddr_unchecked = true;
	return 0;
}

int dma_map(struct dma_space *s, const struct vfio_iommu_type1_dma_map *m)
{
	const uint32_t prot_mask = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	uint64_t pgmask = dma_min_pgsize(s) - 1, last;
	struct dma_mapping *d;
	bool set_vaddr;
	int r;

	if (m->argsz < DMA_MAP_MINSZ)
		return vfsim_reject(RULE_DMA_MAP_ARGSZ, -EINVAL);
	if (m->flags & ~(prot_mask | VFIO_DMA_MAP_FLAG_VADDR))
		return vfsim_reject(RULE_DMA_MAP_FLAGS, -EINVAL);
	/* "u64 fields fit the native types" cannot fail on a 64-bit host */
	set_vaddr = m->flags & VFIO_DMA_MAP_FLAG_VADDR;
	if (!!(m->flags & prot_mask) == set_vaddr)
		return vfsim_reject(RULE_DMA_MAP_PROT, -EINVAL);
	if (!m->size || ((m->size | m->iova | m->vaddr) & pgmask)) {
		/* Fault dma-unaligned: an iova or size off the page grid is
		 * answered 0. The mapping is not installed: the dirty bitmaps
		 * count whole pages, and the deviation must not make the model
		 * itself index past one. */
		if (m->size && !(m->vaddr & pgmask) && !set_vaddr &&
		    vfsim_fault_on(s->faults, VFSIM_FAULT_DMA_UNALIGNED))
			return 0;
		return vfsim_reject(RULE_DMA_MAP_ALIGN, -EINVAL);
	}
	last = m->iova + m->size - 1;
	if (last < m->iova || m->vaddr + m->size - 1 < m->vaddr)
		return vfsim_reject(RULE_DMA_MAP_WRAP, -DMA_WRAP_ERRNO);
	d = dma_find_overlap(s, m->iova, last);
	if (set_vaddr)
		return dma_map_update_vaddr(s, d, m);
	/* Fault dma-overlap: an overlapping MAP_DMA is answered 0 and dropped
	 * (the tree holds disjoint intervals only: installing it would break
	 * the model, not just the protocol). */
	if (d && vfsim_fault_on(s->faults, VFSIM_FAULT_DMA_OVERLAP))
		return 0;
	if (d)
		return vfsim_reject(RULE_DMA_MAP_EXISTS, -EEXIST);
	if (!dma_avail(s))
		return vfsim_reject(RULE_DMA_MAP_LIMIT, -ENOSPC);
	if (!dma_iova_valid(s, m->iova, last))
		return vfsim_reject(RULE_DMA_MAP_IOVA_RANGE, -EINVAL);
	if (!dma_vaddr_ok(s, m->vaddr, m->size))
		return vfsim_reject(RULE_DMA_MAP_FAULT, -EFAULT);

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->node.start = m->iova;
	d->node.last = last;
	d->vaddr = m->vaddr;
	d->prot = m->flags & prot_mask;
	if (s->tracking) {
		r = dma_bitmap_alloc(s, d);
		if (r < 0) {
			free(d);
			return r;
		}
	}
	dma_tree_insert(&s->root, &d->node);
	s->count++;
	return 0;
}

/* ---- UNMAP_DMA ----------------------------------------------------------- */

static void dma_remove(struct dma_space *s, struct dma_mapping *d)
{
	dma_tree_remove(&s->root, &d->node);
	dma_bitmap_free(s, d);
	free(d);
	s->count--;
}

/* UNMAP_DMA|VADDR: mark every mapping in [first, last] vaddr-invalid; if
 * one already is, undo this call's marks and fail. */
static int dma_invalidate_vaddr(struct dma_space *s, uint64_t first, uint64_t last,
				uint64_t *ret_size)
{
	struct dma_tree_node *n, *start = dma_tree_first_from(s->root, first);
	uint64_t done = 0;

	for (n = start; n && n->start <= last; n = dma_tree_next(s->root, n)) {
		if (dma_of(n)->vaddr_invalid) {
			struct dma_tree_node *p;

			for (p = start; p != n; p = dma_tree_next(s->root, p))
				dma_of(p)->vaddr_invalid = false;
			return vfsim_reject(RULE_DMA_UNMAP_VADDR_TWICE, -EINVAL);
		}
		dma_of(n)->vaddr_invalid = true;
		done += dma_size(dma_of(n));
	}
	*ret_size = done;
	return 0;
}

int dma_unmap(struct dma_space *s, struct vfio_iommu_type1_dma_unmap *u)
{
	const uint32_t mask = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP | VFIO_DMA_UNMAP_FLAG_ALL |
			      VFIO_DMA_UNMAP_FLAG_VADDR;
	uint64_t pgsize = dma_min_pgsize(s), iova = u->iova, size = u->size, last, unmapped = 0;
	bool all = u->flags & VFIO_DMA_UNMAP_FLAG_ALL, inval = u->flags & VFIO_DMA_UNMAP_FLAG_VADDR;
	bool dirty = u->flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, partial_ok;
	struct vfio_bitmap bm = { 0 };
	struct dma_tree_node *n, *next;
	int r;

	if (u->argsz < DMA_UNMAP_MINSZ)
		return vfsim_reject(RULE_DMA_UNMAP_ARGSZ, -EINVAL);
	if (u->flags & ~mask)
		return vfsim_reject(RULE_DMA_UNMAP_FLAGS, -EINVAL);
	if (dirty && (all || inval))
		return vfsim_reject(RULE_DMA_UNMAP_BITMAP_FLAGS, -EINVAL);
	if (dirty) {
		if (u->argsz < DMA_UNMAP_MINSZ + sizeof(bm))
			return vfsim_reject(RULE_DMA_UNMAP_BITMAP_ARGSZ, -EINVAL);
		memcpy(&bm, u->data, sizeof(bm));
		r = dma_user_bitmap_check(size, &bm);
		if (r < 0)
			return r;
	}

	if (inval && s->emulated)
		return vfsim_reject(RULE_DMA_UNMAP_VADDR_EMULATED, -EBUSY);
	if (iova & (pgsize - 1))
		return vfsim_reject(RULE_DMA_UNMAP_IOVA_ALIGN, -EINVAL);
	if (all) {
		if (iova || size)
			return vfsim_reject(RULE_DMA_UNMAP_ALL_RANGE, -EINVAL);
		last = UINT64_MAX;
	} else {
		/* size > SIZE_MAX cannot happen on a 64-bit host */
		if (!size || (size & (pgsize - 1)))
			return vfsim_reject(RULE_DMA_UNMAP_SIZE, -EINVAL);
		last = iova + size - 1;
		if (last < iova)
			return vfsim_reject(RULE_DMA_UNMAP_WRAP, -DMA_WRAP_ERRNO);
	}
	if (dirty && !s->tracking)
		return vfsim_reject(RULE_DMA_UNMAP_BITMAP_INACTIVE, -EINVAL);
	if (dirty && bm.pgsize != pgsize)
		return vfsim_reject(RULE_DMA_UNMAP_BITMAP_PGSIZE, -EINVAL);
	/* Fault dma-partial-unmap: a range that starts or ends inside a
	 * mapping removes every mapping it touches, whole (the loop below
	 * takes each overlapping node). Not with a dirty bitmap, whose bit
	 * offsets are relative to @iova and would go negative. */
	partial_ok = !dirty && vfsim_fault_on(s->faults, VFSIM_FAULT_DMA_PARTIAL_UNMAP);
	/* v2 refuses a range that bisects a mapping. v1 (kernel 6.1's "v1"
	 * branch) instead removes, whole, each mapping that starts inside the
	 * range, and stops at the first one that starts before @iova: an unmap
	 * from a mapping's first IOVA takes all of it, one from its middle
	 * takes nothing and still succeeds. v1 never tracks dirty pages
	 * (DIRTY_PAGES is EACCES), so no bitmap goes with it. */
	if (!all && !partial_ok && !s->v1 && dma_bisects(s, iova, last))
		return vfsim_reject(RULE_DMA_UNMAP_BISECT, -EINVAL);
	if (dirty) {
		r = dma_user_bitmap_mapped(s, size, &bm);
		if (r < 0)
			return r;
	}

	if (inval) {
		r = dma_invalidate_vaddr(s, iova, last, &unmapped);
		if (r < 0)
			return r;
		u->size = unmapped;
		return 0;
	}
	for (n = dma_tree_first_from(s->root, iova); n && n->start <= last; n = next) {
		next = dma_tree_next(s->root, n);
		if (s->v1 && !all && n->start < iova)
			break;
		if (dirty)
			dma_report_mapping(s, dma_of(n), (uint64_t *)(uintptr_t)bm.data, iova);
		unmapped += dma_size(dma_of(n));
		dma_remove(s, dma_of(n));
	}
	u->size = unmapped;	/* copied back only on success, as the kernel does */
	return 0;
}

/* ---- DIRTY_PAGES --------------------------------------------------------- */

static int dma_dirty_start(struct dma_space *s)
{
	struct dma_tree_node *n;
	int r;

	if (s->tracking)
		return 0;
	for (n = dma_tree_first_from(s->root, 0); n; n = dma_tree_next(s->root, n)) {
		r = dma_bitmap_alloc(s, dma_of(n));
		if (r < 0) {
			dma_bitmap_free_all(s);
			return r;
		}
	}
	s->tracking = true;
	return 0;
}

static int dma_dirty_get(struct dma_space *s, const struct vfio_iommu_type1_dirty_bitmap *d)
{
	struct vfio_iommu_type1_dirty_bitmap_get g;
	uint64_t pgsize = dma_min_pgsize(s), last;
	struct dma_tree_node *n;
	int r;

	if (d->argsz - DMA_DIRTY_MINSZ < sizeof(g))
		return vfsim_reject(RULE_DMA_DIRTY_GET_ARGSZ, -EINVAL);
	memcpy(&g, d->data, sizeof(g));
	if (g.iova + g.size < g.iova)
		return vfsim_reject(RULE_DMA_DIRTY_WRAP, -DMA_WRAP_ERRNO);
	r = dma_user_bitmap_check(g.size, &g.bitmap);
	if (r < 0)
		return r;
	if (g.bitmap.pgsize != pgsize)
		return vfsim_reject(RULE_DMA_DIRTY_PGSIZE, -EINVAL);
	if (g.iova & (pgsize - 1))
		return vfsim_reject(RULE_DMA_DIRTY_IOVA_ALIGN, -EINVAL);
	if (!g.size || (g.size & (pgsize - 1)))
		return vfsim_reject(RULE_DMA_DIRTY_SIZE, -EINVAL);
	if (!s->tracking)
		return vfsim_reject(RULE_DMA_DIRTY_INACTIVE, -EINVAL);
	last = g.iova + g.size - 1;
	if (dma_bisects(s, g.iova, last))
		return vfsim_reject(RULE_DMA_DIRTY_BISECT, -EINVAL);
	r = dma_user_bitmap_mapped(s, g.size, &g.bitmap);
	if (r < 0)
		return r;
	for (n = dma_tree_first_from(s->root, g.iova); n && n->start <= last;
	     n = dma_tree_next(s->root, n)) {
		struct dma_mapping *m = dma_of(n);

		dma_report_mapping(s, m, (uint64_t *)(uintptr_t)g.bitmap.data, g.iova);
		/* Fault dirty-not-cleared: the next GET_BITMAP repeats these
		 * (seen with pinned_scope; without it every report is full). */
		if (vfsim_fault_on(s->faults, VFSIM_FAULT_DIRTY_NOT_CLEARED))
			continue;
		/* re-seeded with the pinned pages: the model pins none */
		memset(m->bitmap, 0, DMA_BITMAP_BYTES(dma_size(m) >> s->pgshift));
	}
	return 0;
}

int dma_dirty_pages(struct dma_space *s, struct vfio_iommu_type1_dirty_bitmap *d)
{
	const uint32_t mask = VFIO_IOMMU_DIRTY_PAGES_FLAG_START | VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP |
			      VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP;

	if (d->argsz < DMA_DIRTY_MINSZ)
		return vfsim_reject(RULE_DMA_DIRTY_ARGSZ, -EINVAL);
	if (d->flags & ~mask)
		return vfsim_reject(RULE_DMA_DIRTY_FLAGS, -EINVAL);
	if (__builtin_popcount(d->flags) != 1)
		return vfsim_reject(RULE_DMA_DIRTY_ONE_FLAG, -EINVAL);
	if (d->flags & VFIO_IOMMU_DIRTY_PAGES_FLAG_START)
		return dma_dirty_start(s);
	if (d->flags & VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP) {
		dma_bitmap_free_all(s);
		s->tracking = false;
		return 0;
	}
	return dma_dirty_get(s, d);
}

/* ---- device DMA ---------------------------------------------------------- */

/*
 * An IOMMU lets the device read a READ mapping and write a WRITE mapping.
 * (The kernel's vfio_dma_rw for emulated devices also requires READ for a
 * write; the model follows the IOMMU.)
 */
static int dma_access_check(const struct dma_space *s, struct dma_mapping *d, bool write)
{
	if (d->vaddr_invalid)
		return vfsim_reject(RULE_DMA_RW_VADDR_INVALID, -EFAULT);
	if (d->vaddr_unchecked) {
		if (!dma_vaddr_ok(s, d->vaddr, dma_size(d)))
			return vfsim_reject(RULE_DMA_RW_VADDR_FAULT, -EFAULT);
		d->vaddr_unchecked = false;
	}
	if (!(d->prot & (write ? VFIO_DMA_MAP_FLAG_WRITE : VFIO_DMA_MAP_FLAG_READ)))
		return vfsim_reject(RULE_DMA_RW_PERM, -EPERM);
	if (!d->vaddr && !s->has_ops)
		return vfsim_reject(RULE_DMA_RW_NO_BACKING, -EFAULT);
	return 0;
}

int dma_rw(struct dma_space *s, uint64_t iova, void *buf, size_t len, bool write)
{
	uint64_t last = iova + len - 1, cur;
	struct dma_tree_node *n;
	uint8_t *p = buf;
	int r;

	if (!len)
		return 0;
	if (last < iova)
		return vfsim_reject(RULE_DMA_RW_UNMAPPED, -EFAULT);
	/* Check the whole range first so a failing access copies nothing;
	 * each step passes one mapping, so both walks are bounded. */
	for (cur = iova;; cur = n->last + 1) {
		n = dma_tree_find(s->root, cur);
		if (!n)
			return vfsim_reject(RULE_DMA_RW_UNMAPPED, -EFAULT);
		r = dma_access_check(s, dma_of(n), write);
		if (r < 0)
			return r;
		if (n->last >= last)
			break;
	}
	for (cur = iova;; cur = n->last + 1) {
		struct dma_mapping *d;
		uint64_t end, chunk;

		n = dma_tree_find(s->root, cur);
		d = dma_of(n);
		end = n->last < last ? n->last : last;
		chunk = end - cur + 1;
		if (d->vaddr) {
			void *host = (void *)(uintptr_t)(d->vaddr + (cur - n->start));

			if (write)
				memcpy(host, p, chunk);
			else
				memcpy(p, host, chunk);
		} else {
			r = s->ops.rw(s->ops.opaque, cur, p, chunk, write);
			if (r < 0)
				return r;
		}
		if (write && s->tracking)
			dma_mark_mapping(s, d, cur, end);
		p += chunk;
		if (end == last)
			return 0;
	}
}

int dma_translate(struct dma_space *s, uint64_t iova, bool write, void **ret_ptr, uint64_t *ret_len)
{
	struct dma_tree_node *n = dma_tree_find(s->root, iova);
	struct dma_mapping *d;
	int r;

	if (!n)
		return vfsim_reject(RULE_DMA_RW_UNMAPPED, -EFAULT);
	d = dma_of(n);
	r = dma_access_check(s, d, write);
	if (r < 0)
		return r;
	*ret_ptr = d->vaddr ? (void *)(uintptr_t)(d->vaddr + (iova - n->start)) : NULL;
	*ret_len = n->last - iova + 1;
	return 0;
}
