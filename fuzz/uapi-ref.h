/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reference model of fuzz-uapi.c (its oracle), written from the uAPI
 * digest (/work/shared/spec/kernel-uapi.md §1.6, §1.7), not from sim/: the
 * type1 v2 interval list with MAP_DMA / UNMAP_DMA errno in the documented
 * [6.1] check order, and the migration state the support set and the
 * combination tables allow. Only fuzz-uapi.c includes it (after defining
 * MAX_OPS, the operations of one program).
 */
#ifndef VFSIM_FUZZ_UAPI_REF_H
#define VFSIM_FUZZ_UAPI_REF_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "vfio-compat.h"

#ifndef MAX_OPS
#error "define MAX_OPS before including uapi-ref.h"
#endif
#define MAX_MAPS (MAX_OPS + 1)
#define PG 4096ull

struct ref_map {
	uint64_t iova, size;
	bool vaddr_invalid;
};

struct ref_container {
	unsigned ngroups;
	uint32_t iommu;			/* 0 = none, else the type */
	unsigned nmaps;
	struct ref_map maps[MAX_MAPS];
};

/* ---- type1 reference (§1.6, [6.1] check order) ------------------------------ */

static inline bool range_allowed(uint64_t first, uint64_t last)
{
	/* vfsim_host_new(NULL): below 2^48 except the MSI window (inclusive ends) */
	static const uint64_t r[][2] = {
		{ 0, 0xfedfffffull },
		{ 0xfef00000ull, (1ull << 48) - 1 },
	};
	size_t i;

	for (i = 0; i < 2; i++)
		if (first >= r[i][0] && last <= r[i][1])
			return true;
	return false;
}

static inline struct ref_map *ref_overlap(struct ref_container *c, uint64_t first, uint64_t last)
{
	unsigned i;

	for (i = 0; i < c->nmaps; i++) {
		struct ref_map *m = &c->maps[i];

		if (m->iova <= last && m->iova + m->size - 1 >= first)
			return m;
	}
	return NULL;
}

static inline int ref_map(struct ref_container *c, uint32_t argsz, uint32_t flags, uint64_t vaddr,
			  uint64_t iova, uint64_t size, bool vaddr_ok)
{
	bool prot = flags & (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	bool set_vaddr = flags & VFIO_DMA_MAP_FLAG_VADDR;
	struct ref_map *m;

	if (argsz < 32 || (flags & ~7u))
		return -EINVAL;
	if (prot == set_vaddr)
		return -EINVAL;
	if (!size || ((size | iova | vaddr) & (PG - 1)))
		return -EINVAL;
	if (iova + size - 1 < iova || vaddr + size - 1 < vaddr)
		return -EINVAL;
	m = ref_overlap(c, iova, iova + size - 1);
	if (set_vaddr) {
		if (!m)
			return -ENOENT;
		if (!m->vaddr_invalid || m->iova != iova || m->size != size)
			return -EINVAL;
		m->vaddr_invalid = false;
		return 0;
	}
	if (m)
		return -EEXIST;
	if (!range_allowed(iova, iova + size - 1))
		return -EINVAL;
	if (!vaddr_ok)
		return -EFAULT;
	if (c->nmaps >= MAX_MAPS)
		abort();	/* one per op at most */
	c->maps[c->nmaps++] = (struct ref_map){ .iova = iova, .size = size };
	return 0;
}

static inline int ref_unmap(struct ref_container *c, uint32_t argsz, uint32_t flags, uint64_t iova,
			    uint64_t size, uint64_t *ret_size)
{
	bool all = flags & VFIO_DMA_UNMAP_FLAG_ALL, inval = flags & VFIO_DMA_UNMAP_FLAG_VADDR;
	uint64_t first, last, total = 0;
	unsigned i, j;

	if (argsz < 24 || (flags & ~7u))
		return -EINVAL;
	if ((flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) && (all || inval))
		return -EINVAL;
	if ((flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) && argsz < 48)
		return -EINVAL;
	if (iova & (PG - 1))
		return -EINVAL;
	if (all) {
		if (iova || size)
			return -EINVAL;
		first = 0;
		last = ~0ull;
	} else {
		if (!size || (size & (PG - 1)) || iova + size - 1 < iova)
			return -EINVAL;
		first = iova;
		last = iova + size - 1;
		/* v2: neither end may fall inside a mapping */
		for (i = 0; i < c->nmaps; i++) {
			uint64_t s = c->maps[i].iova, e = s + c->maps[i].size - 1;

			if ((first > s && first <= e) || (last >= s && last < e))
				return -EINVAL;
		}
	}
	if (inval) {
		for (i = 0; i < c->nmaps; i++)
			if (c->maps[i].iova >= first && c->maps[i].iova <= last && c->maps[i].vaddr_invalid)
				return -EINVAL;	/* the call's marks are rolled back */
		for (i = 0; i < c->nmaps; i++)
			if (c->maps[i].iova >= first && c->maps[i].iova <= last) {
				c->maps[i].vaddr_invalid = true;
				total += c->maps[i].size;
			}
		*ret_size = total;
		return 0;
	}
	for (i = j = 0; i < c->nmaps; i++) {
		if (c->maps[i].iova >= first && c->maps[i].iova <= last)
			total += c->maps[i].size;
		else
			c->maps[j++] = c->maps[i];
	}
	c->nmaps = j;
	*ret_size = total;
	return 0;
}

/* ---- migration reference (§1.7) ---------------------------------------------- */

static inline bool mig_supported(uint32_t flags, uint32_t s)
{
	switch (s) {
	case VFIO_DEVICE_STATE_STOP:
	case VFIO_DEVICE_STATE_RUNNING:
	case VFIO_DEVICE_STATE_STOP_COPY:
	case VFIO_DEVICE_STATE_RESUMING:
		return flags & VFIO_MIGRATION_STOP_COPY;
	case VFIO_DEVICE_STATE_RUNNING_P2P:
		return (flags & VFIO_MIGRATION_P2P) && (flags & VFIO_MIGRATION_STOP_COPY);
	case VFIO_DEVICE_STATE_PRE_COPY:
		return (flags & VFIO_MIGRATION_PRE_COPY) && (flags & VFIO_MIGRATION_STOP_COPY);
	case VFIO_DEVICE_STATE_PRE_COPY_P2P:
		return (flags & 7) == 7;
	default:
		return false;	/* ERROR is never requested; > 7 is out of range */
	}
}

static inline bool is_precopy(uint32_t s)
{
	return s == VFIO_DEVICE_STATE_PRE_COPY || s == VFIO_DEVICE_STATE_PRE_COPY_P2P;
}

/* Expected errno of SET(@target) from @cur; *opens_fd: does the path's last
 * arc return a new data fd (the '*' cells of the combination tables). */
static inline int ref_mig_set(uint32_t flags, uint32_t cur, uint32_t target, bool *opens_fd)
{
	*opens_fd = false;
	if (cur == VFIO_DEVICE_STATE_ERROR || !mig_supported(flags, target))
		return -EINVAL;
	if (cur == VFIO_DEVICE_STATE_STOP_COPY && is_precopy(target))
		return -EINVAL;	/* blocked: STOP_COPY -> PRE_COPY(_P2P) */
	if (cur == target)
		return 0;
	if (target == VFIO_DEVICE_STATE_RESUMING)
		*opens_fd = true;
	else if (target == VFIO_DEVICE_STATE_STOP_COPY || is_precopy(target))
		*opens_fd = !is_precopy(cur);	/* inside the saving group the fd continues */
	return 0;
}

#endif
