/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The type1 IOMMU driver of a container (vfio_iommu_type1.c, Linux 6.1):
 * CHECK_EXTENSION, IOMMU GET_INFO with its capability chain, and the
 * MAP_DMA / UNMAP_DMA / DIRTY_PAGES ioctls, which dma.c implements with the
 * kernel's checks (argsz included).
 *
 * Both VFIO_TYPE1_IOMMU (v1) and VFIO_TYPE1v2_IOMMU containers are accepted.
 * A v1 container gets EACCES from DIRTY_PAGES as in the kernel, and its
 * UNMAP_DMA follows the kernel's v1 rule (dma.c): an unmap starting at a
 * mapping's first IOVA takes the whole mapping, one starting inside it
 * succeeds with size 0; v2 refuses a range that bisects a mapping.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "uapi.h"
#include "caps.h"
#include "dma.h"
#include "rules.h"

/* [6.1] vfio_info_cap_add() packs caps back to back, so IOVA_RANGE follows
 * the 12-byte DMA_AVAIL at a 4-byte-aligned offset; [new] (6.5, "vfio: align
 * capability structures") rounds each cap to 8 bytes: use caps_add. (The same
 * series makes GET_INFO copy back min(argsz, sizeof(info)) bytes.) */
#define TYPE1_CAP_ADD caps_add_packed

/* DIRTY_BITMAP_SIZE_MAX: bytes of a bitmap for INT_MAX pages, 64-bit words. */
#define TYPE1_DIRTY_BITMAP_SIZE_MAX ((((uint64_t)INT_MAX + 63) & ~63ull) / 8)

/* vfio_iommu_type1_check_extension. Before SET_IOMMU the driver is asked with
 * no iommu data. UPDATE_VADDR: 1 with an iommu and no emulated (mdev) groups,
 * and the model has none. DMA_CC_IOMMU: 1 with an iommu when every domain
 * enforces cache coherency, which the modelled x86 IOMMU does (snoop control);
 * with no iommu 0. TYPE1_NESTING is still listed in 6.1 (removed later). */
static const struct {
	unsigned long ext;
	int no_iommu, with_iommu;
} type1_extensions[] = {
	{ VFIO_TYPE1_IOMMU, 1, 1 },
	{ VFIO_TYPE1v2_IOMMU, 1, 1 },
	{ VFIO_TYPE1_NESTING_IOMMU, 1, 1 },
	{ VFIO_UNMAP_ALL, 1, 1 },
	{ VFIO_UPDATE_VADDR, 0, 1 },
	{ VFIO_DMA_CC_IOMMU, 0, 1 },
};

int uapi_type1_check_extension(struct vfsim_host *host, struct uapi_container *c, unsigned long ext)
{
	bool iommu = c && c->iommu_set;
	size_t i;

	for (i = 0; i < sizeof(type1_extensions) / sizeof(type1_extensions[0]); i++) {
		if (type1_extensions[i].ext != ext)
			continue;
		return iommu ? type1_extensions[i].with_iommu : type1_extensions[i].no_iommu;
	}
	return 0;
}

/* Bodies are copied past the header with memcpy: a packed cap may sit at an
 * offset that is not 8-byte aligned. */
static int type1_add_cap(struct capbuf *cb, uint16_t id, const void *cap, size_t size)
{
	const size_t hdr = sizeof(struct vfio_info_cap_header);
	uint8_t *p = TYPE1_CAP_ADD(cb, id, 1, size);

	if (!p)
		return -ENOMEM;
	memcpy(p + hdr, (const uint8_t *)cap + hdr, size - hdr);
	return 0;
}

/* MIGRATION, DMA_AVAIL, IOVA_RANGE: the order of vfio_iommu_type1_get_info. */
static int type1_build_caps(struct uapi_container *c, struct capbuf *cb)
{
	struct vfio_iommu_type1_info_cap_migration mig = {
		.flags = 0,
		.pgsize_bitmap = dma_min_pgsize(c->dma),
		.max_dirty_bitmap_size = TYPE1_DIRTY_BITMAP_SIZE_MAX,
	};
	struct vfio_iommu_type1_info_dma_avail avail = { .avail = dma_avail(c->dma) };
	const struct vfsim_iommu_config *cfg = NULL;
	struct {
		struct vfio_iommu_type1_info_cap_iova_range hdr;
		struct vfio_iova_range r[8];
	} iovas;
	unsigned i, n;
	int r;

	caps_init(cb);
	r = type1_add_cap(cb, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, &mig, sizeof(mig));
	if (r < 0)
		return r;
	r = type1_add_cap(cb, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, &avail, sizeof(avail));
	if (r < 0)
		return r;
	/* An empty IOVA list (an mdev-only container) means no cap at all. */
	n = dma_iova_ranges(c->dma, &cfg);
	if (!n || !cfg)
		return 0;
	if (n > 8)
		n = 8;
	memset(&iovas, 0, sizeof(iovas));
	iovas.hdr.nr_iovas = n;
	for (i = 0; i < n; i++) {
		iovas.r[i].start = cfg->iova_ranges[i].start;
		iovas.r[i].end = cfg->iova_ranges[i].end;
	}
	return type1_add_cap(cb, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, &iovas,
			     sizeof(iovas.hdr) + n * sizeof(iovas.r[0]));
}

/* vfio_iommu_type1_get_info and the argsz protocol (kernel-uapi.md §1.2):
 * minsz 16 is the error threshold; cap_offset (ending at 20) is zeroed and
 * copied back only when argsz reaches it; too small for struct + chain is
 * not an error: CAPS is set, argsz raised, no cap copied. */
static int type1_get_info(struct vfsim_host *host, struct uapi_container *c, void *arg)
{
	const size_t minsz = offsetof(struct vfio_iommu_type1_info, cap_offset);
	const size_t capsz = minsz + sizeof(uint32_t);
	struct vfio_iommu_type1_info info;
	struct capbuf cb;
	size_t copy = minsz;
	int r;

	if (!arg)
		return vfsim_reject(RULE_UAPI_ARG_FAULT, -EFAULT);
	memset(&info, 0, sizeof(info));
	memcpy(&info, arg, minsz);
	if (info.argsz < minsz)
		return vfsim_reject(RULE_UAPI_TYPE1_INFO_ARGSZ, -EINVAL);
	if (info.argsz >= capsz) {
		copy = capsz;
		info.cap_offset = 0;
	}
	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = dma_pgsizes(c->dma);
	r = type1_build_caps(c, &cb);
	if (r < 0)
		return r;
	if (cb.len) {
		info.flags |= VFIO_IOMMU_INFO_CAPS;
		if (info.argsz < sizeof(info) + cb.len) {
			info.argsz = (uint32_t)(sizeof(info) + cb.len);
		} else {
			caps_copy_shifted(&cb, (uint8_t *)arg + sizeof(info), sizeof(info));
			info.cap_offset = sizeof(info);
		}
	}
	memcpy(arg, &info, copy);
	return 0;
}

static int type1_check_extension(struct vfsim_host *host, struct uapi_container *c, void *arg)
{
	return uapi_type1_check_extension(host, c, (unsigned long)(uintptr_t)arg);
}

static int type1_map_dma(struct vfsim_host *host, struct uapi_container *c, void *arg)
{
	if (!arg)
		return vfsim_reject(RULE_UAPI_ARG_FAULT, -EFAULT);
	return dma_map(c->dma, arg);
}

/* With GET_DIRTY_BITMAP a struct vfio_bitmap follows the header in @arg;
 * dma_unmap reads it there once argsz says it is present. */
static int type1_unmap_dma(struct vfsim_host *host, struct uapi_container *c, void *arg)
{
	if (!arg)
		return vfsim_reject(RULE_UAPI_ARG_FAULT, -EFAULT);
	return dma_unmap(c->dma, arg);
}

static int type1_dirty_pages(struct vfsim_host *host, struct uapi_container *c, void *arg)
{
	/* The v2 test comes before the argument is read. */
	if (c->iommu_type != VFIO_TYPE1v2_IOMMU)
		return vfsim_reject(RULE_UAPI_TYPE1_DIRTY_V1, -EACCES);
	if (!arg)
		return vfsim_reject(RULE_UAPI_ARG_FAULT, -EFAULT);
	return dma_dirty_pages(c->dma, arg);
}

static const struct {
	unsigned int cmd;
	int (*fn)(struct vfsim_host *host, struct uapi_container *c, void *arg);
} type1_ioctls[] = {
	{ VFIO_CHECK_EXTENSION, type1_check_extension },
	{ VFIO_IOMMU_GET_INFO, type1_get_info },
	{ VFIO_IOMMU_MAP_DMA, type1_map_dma },
	{ VFIO_IOMMU_UNMAP_DMA, type1_unmap_dma },
	{ VFIO_IOMMU_DIRTY_PAGES, type1_dirty_pages },
};

int uapi_type1_ioctl(struct vfsim_host *host, struct uapi_container *c, unsigned long req,
		     void *arg)
{
	size_t i;

	if (!c || !c->iommu_set || !c->dma)
		return vfsim_reject(RULE_UAPI_CTR_NO_DRIVER, -EINVAL);
	for (i = 0; i < sizeof(type1_ioctls) / sizeof(type1_ioctls[0]); i++)
		if (type1_ioctls[i].cmd == (unsigned int)req)
			return type1_ioctls[i].fn(host, c, arg);
	return vfsim_reject(RULE_UAPI_TYPE1_UNKNOWN_IOCTL, -ENOTTY);
}
