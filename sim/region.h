/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Regions: BAR0-5, ROM, CONFIG, VGA and device-specific regions >= 9, each
 * with size, READ/WRITE/MMAP flags, sparse-mmap areas, type/subtype, backed by
 * a memfd (so a user can mmap it) or by register handlers (config space, the
 * MSI-X table, the DMA engine's registers).
 */
#ifndef VFSIM_REGION_H
#define VFSIM_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vfio-compat.h"

struct vfsim_dev;
struct region_set;

struct region {
	uint32_t index;
	uint64_t size;			/* 0 = absent */
	uint32_t flags;			/* VFIO_REGION_INFO_FLAG_{READ,WRITE,MMAP} */
	int memfd;			/* -1 when not memory backed (CONFIG) */
	uint8_t *mem;			/* MAP_SHARED view of memfd, size bytes */
	unsigned nsparse;		/* sparse mmap areas (only when MMAP) */
	struct vfio_region_sparse_mmap_area sparse[8];
	bool has_type;			/* device-specific: TYPE cap */
	uint32_t type, subtype;
	bool msix_mappable;		/* MSIX_MAPPABLE cap (the MSI-X BAR) */
};

int region_set_new(struct vfsim_dev *dev, struct region_set **ret);
void region_set_free(struct region_set *rs);
/* Contents back to reset values (BAR memory zeroed, ROM pattern restored). */
void region_set_reset(struct region_set *rs);
unsigned region_count(const struct region_set *rs);	/* 9 + device-specific */
/* NULL if index >= region_count (VGA absent still has an entry, size 0). */
const struct region *region_get(const struct region_set *rs, unsigned index);
/* Access @len bytes at @off of region @index as the device sees a CPU access:
 * CONFIG goes to cfg, the MSI-X table updates vector masks, the DMA engine's
 * doorbell starts a transfer. Returns len, or -EINVAL (absent region, out of
 * range, no READ/WRITE permission). */
int region_rw(struct vfsim_dev *dev, unsigned index, uint64_t off, void *buf, size_t len, bool write);

struct capbuf;
/* The region-info capability chain both front ends report, in vfio-pci's
 * order: TYPE (device-specific regions), SPARSE_MMAP, MSIX_MAPPABLE. An
 * MMAP region without sparse areas gets no SPARSE_MMAP cap (vfio-pci), or
 * one whole-region area when @whole_region_area (libvfio-user, vfio-user). */
void region_caps(const struct region *r, struct capbuf *cb, bool whole_region_area);

#endif
