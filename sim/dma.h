/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A type1 IOMMU model: IOVA ranges, page sizes, a mapping limit (dma_avail),
 * map/unmap with the kernel's checks (v2 semantics), VADDR invalidate/update,
 * dirty tracking with bitmaps, and translation for device DMA honouring the
 * mapping's READ/WRITE permission. Mappings are kept sorted by IOVA so every
 * lookup is O(log n), also at 65,535 mappings.
 *
 * A mapping reaches memory through its vaddr (a pointer in this process: the
 * uAPI model's user buffer, or a vfio-user server's mmap of a DMA fd) or, when
 * vaddr is 0, through the space's dma_ops (vfio-user DMA_READ/DMA_WRITE).
 */
#ifndef VFSIM_DMA_H
#define VFSIM_DMA_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vfio-compat.h"
#include "include/vfsim.h"

struct dma_space;

struct dma_ops {	/* memory reached through messages (vfio-user without fd) */
	int (*rw)(void *opaque, uint64_t iova, void *buf, size_t len, bool write);
	void *opaque;
};

int dma_space_new(const struct vfsim_iommu_config *cfg, struct dma_space **ret);
void dma_space_free(struct dma_space *s);
void dma_space_set_ops(struct dma_space *s, const struct dma_ops *ops);
/* Drop every mapping (container teardown, client disconnect). */
void dma_space_clear(struct dma_space *s);

uint64_t dma_pgsizes(const struct dma_space *s);
uint64_t dma_min_pgsize(const struct dma_space *s);
uint32_t dma_avail(const struct dma_space *s);
unsigned dma_iova_ranges(const struct dma_space *s, const struct vfsim_iommu_config **ret_cfg);
unsigned dma_count(const struct dma_space *s);

/* VFIO_IOMMU_MAP_DMA on a v2 container, checks in the kernel's order
 * (argsz and flag checks included; @m is the caller's struct). */
int dma_map(struct dma_space *s, const struct vfio_iommu_type1_dma_map *m);
/* VFIO_IOMMU_UNMAP_DMA: @u->size is updated on success. With
 * GET_DIRTY_BITMAP, @bitmap follows the header (struct vfio_bitmap) and
 * bitmap->data is a pointer in this process. */
int dma_unmap(struct dma_space *s, struct vfio_iommu_type1_dma_unmap *u);
/* VFIO_IOMMU_DIRTY_PAGES (argsz, flags and GET_BITMAP range checked here).
 * A report (here and in dma_unmap) is every page of each mapping in the
 * range unless cfg.pinned_scope, then the pages written since the last. */
int dma_dirty_pages(struct dma_space *s, struct vfio_iommu_type1_dirty_bitmap *d);
bool dma_dirty_tracking(const struct dma_space *s);

/* Device DMA: copy between @buf and [iova, iova+len), possibly spanning
 * mappings; -EFAULT if any byte is unmapped (or vaddr-invalidated), -EPERM
 * if a mapping lacks the permission. Marks dirty pages on write. */
int dma_rw(struct dma_space *s, uint64_t iova, void *buf, size_t len, bool write);
/* Translate one byte's mapping: host pointer to iova (NULL if the mapping
 * has no vaddr) and the bytes left in that mapping. O(log n). */
int dma_translate(struct dma_space *s, uint64_t iova, bool write, void **ret_ptr, uint64_t *ret_len);

/* The errno for a range that wraps past 2^64 in MAP_DMA, UNMAP_DMA and
 * DIRTY_PAGES GET_BITMAP. 6.1 returns EINVAL; the late-2025 series ("handle
 * DMA map/unmap up to the addressable limit") returns EOVERFLOW. The one
 * place a newer-kernel personality switches. */
#define DMA_WRAP_ERRNO EINVAL

/* Deviations to commit (sim/fault.h), set by the front end that owns the
 * space: dma-overlap, dma-unaligned, dma-partial-unmap, dirty-not-cleared. */
void dma_space_set_faults(struct dma_space *s, uint64_t faults);

/* An emulated (mdev) group is attached to the container: UNMAP_DMA|VADDR
 * then fails with EBUSY (vfio_dma_do_unmap). Off by default. */
void dma_space_set_emulated(struct dma_space *s, bool emulated);
/* A TYPE1 (v1) container's space: DMA_UNMAP takes v1's semantics. */
void dma_space_set_v1(struct dma_space *s, bool v1);
/* Mark [iova, iova+len) dirty in the IOMMU bitmaps (only while tracking;
 * unmapped parts are ignored). dma_rw does this itself; a caller writing
 * through a dma_translate pointer calls it. */
void dma_mark_dirty(struct dma_space *s, uint64_t iova, uint64_t len);
/* Is every page of [addr, addr+len) mapped in this process (mincore)?
 * Stands in for the kernel's pin_user_pages / copy_to_user fault checks. */
bool dma_host_range_mapped(uint64_t addr, uint64_t len);
/* Set @count bits from bit @first of a u64 bitmap (shared with dmalog.c). */
void dma_bits_set(uint64_t *bm, uint64_t first, uint64_t count);
/* For tests: the mapping count if the ordered map's invariants hold, else -1. */
long dma_space_check(const struct dma_space *s);

#endif
