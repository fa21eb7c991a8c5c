/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The profile checks that look past a single JSON value: one BAR as a whole
 * (size, flags, sparse areas), the 64-bit BAR slots, vector counts, the
 * migration flags, device regions, and after parsing the placement of the
 * MSI-X table and PBA, of the engine's register block and of the ioeventfd
 * registers against both. profile.c parses
 * and calls these; the schema and its rules are described there.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "profile-int.h"
#include "engine.h"
#include "vfio-compat.h"

#define PROFILE_PAGE 4096u
#define PROFILE_MAX_BAR (1ull << 30)	/* memory regions are memfds that compare walks */
#define PROFILE_MAX_ROM (16u << 20)
#define PROFILE_MAX_REGION (1ull << 30)

/* Point the path at a key found by a cross-field check. */
__attribute__((format(printf, 2, 3)))
static void prof_at(struct prof_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->path, sizeof(c->path), fmt, ap);
	va_end(ap);
	c->plen = n < 0 ? 0 : (size_t)n < sizeof(c->path) ? (size_t)n : sizeof(c->path) - 1;
}

static bool prof_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* [a, a+al) and [b, b+bl) intersect; lengths are bounded, so no overflow. */
static bool prof_overlap(uint64_t a, uint64_t al, uint64_t b, uint64_t bl)
{
	return a < b + bl && b < a + al;
}

/* ---- checks while parsing ------------------------------------------------------ */

/*
 * A KVM ioeventfd matches one access of exactly its length (1, 2, 4 or 8;
 * kvm_assign_ioeventfd), and a device register is accessed naturally
 * aligned, so an area is one aligned register. A datamatch wider than the
 * access could never match. Two areas on the same bytes would make one
 * guest write signal either, depending on the client: refused.
 */
static int prof_check_bar_ioeventfds(struct prof_ctx *c, const struct prof_bar *b)
{
	unsigned j, k;
	size_t mark;

	for (j = 0; j < b->nioeventfds; j++) {
		const struct prof_ioeventfd *e = &b->ioeventfds[j];

		mark = prof_push(c, ".ioeventfds[%u]", j);
		if (e->size != 1 && e->size != 2 && e->size != 4 && e->size != 8) {
			prof_push(c, ".size");
			return prof_fail(c, RULE_PROFILE_IOEVENTFD_SIZE, -EINVAL, "must be 1, 2, 4 or 8 (%u)",
					 e->size);
		}
		if (e->offset % e->size) {
			prof_push(c, ".offset");
			return prof_fail(c, RULE_PROFILE_IOEVENTFD_ALIGN, -EINVAL,
					 "not a multiple of its size %u (0x%llx)", e->size,
					 (unsigned long long)e->offset);
		}
		if (e->offset >= b->size || e->size > b->size - e->offset)
			return prof_fail(c, RULE_PROFILE_IOEVENTFD_RANGE, -EINVAL,
					 "register [0x%llx, +%u) extends past the BAR (0x%llx)",
					 (unsigned long long)e->offset, e->size, (unsigned long long)b->size);
		if (e->has_datamatch && e->size < 8 && (e->datamatch >> (8 * e->size))) {
			prof_push(c, ".datamatch");
			return prof_fail(c, RULE_PROFILE_IOEVENTFD_DATAMATCH, -EINVAL,
					 "does not fit in %u bytes (0x%llx)", e->size,
					 (unsigned long long)e->datamatch);
		}
		for (k = 0; k < j; k++)
			if (prof_overlap(e->offset, e->size, b->ioeventfds[k].offset,
					 b->ioeventfds[k].size))
				return prof_fail(c, RULE_PROFILE_IOEVENTFD_OVERLAP, -EINVAL,
						 "overlaps ioeventfds[%u] (0x%llx)", k, (unsigned long long)e->offset);
		prof_pop(c, mark);
	}
	return 0;
}

/* Checks within one BAR; the path is "bars[i]". */
int prof_check_bar(struct prof_ctx *c, const struct prof_bar *b)
{
	unsigned j, k;
	size_t mark;

	if (b->io && (b->is64 || b->prefetch || b->mmap)) {
		prof_push_key(c, b->is64 ? "64bit" : b->prefetch ? "prefetchable" : "mmap");
		return prof_fail(c, RULE_PROFILE_BAR_IO_FLAGS, -EINVAL, "not allowed on an I/O BAR (true)");
	}
	mark = prof_push_key(c, "size");
	if (!prof_pow2(b->size))
		return prof_fail(c, RULE_PROFILE_BAR_SIZE, -EINVAL, "not a power of two (0x%llx)",
				 (unsigned long long)b->size);
	if (b->io && (b->size < 4 || b->size > 256))
		return prof_fail(c, RULE_PROFILE_BAR_SIZE, -EINVAL, "I/O BAR must be 4-256 bytes (0x%llx)",
				 (unsigned long long)b->size);
	if (!b->io && (b->size < 16 || b->size > PROFILE_MAX_BAR))
		return prof_fail(c, RULE_PROFILE_BAR_SIZE, -EINVAL, "memory BAR must be 16 B-1 GiB (0x%llx)",
				 (unsigned long long)b->size);
	prof_pop(c, mark);
	if (b->mmap && b->size < PROFILE_PAGE) {
		prof_push_key(c, "mmap");
		return prof_fail(c, RULE_PROFILE_BAR_MMAP, -EINVAL, "BAR smaller than a page (0x%llx)",
				 (unsigned long long)b->size);
	}
	if (b->nsparse && !b->mmap) {
		prof_push_key(c, "sparse");
		return prof_fail(c, RULE_PROFILE_SPARSE_NO_MMAP, -EINVAL, "sparse areas need \"mmap\": true");
	}
	for (j = 0; j < b->nsparse; j++) {
		const struct prof_area *a = &b->sparse[j];

		mark = prof_push(c, ".sparse[%u]", j);
		if (a->offset % PROFILE_PAGE) {
			prof_push(c, ".offset");
			return prof_fail(c, RULE_PROFILE_SPARSE_ALIGN, -EINVAL, "not page aligned (0x%llx)",
					 (unsigned long long)a->offset);
		}
		if (!a->size || a->size % PROFILE_PAGE) {
			prof_push(c, ".size");
			return prof_fail(c, RULE_PROFILE_SPARSE_ALIGN, -EINVAL, "not a nonzero page multiple (0x%llx)",
					 (unsigned long long)a->size);
		}
		if (a->offset >= b->size || a->size > b->size - a->offset)
			return prof_fail(c, RULE_PROFILE_SPARSE_RANGE, -EINVAL,
					 "area [0x%llx, +0x%llx) extends past the BAR (0x%llx)",
					 (unsigned long long)a->offset, (unsigned long long)a->size,
					 (unsigned long long)b->size);
		for (k = 0; k < j; k++)
			if (prof_overlap(a->offset, a->size, b->sparse[k].offset, b->sparse[k].size))
				return prof_fail(c, RULE_PROFILE_SPARSE_OVERLAP, -EINVAL,
						 "overlaps sparse[%u] (0x%llx)", k, (unsigned long long)a->offset);
		prof_pop(c, mark);
	}
	return prof_check_bar_ioeventfds(c, b);
}

/* The upper dword of a 64-bit BAR is the next register (PCI 3.0 6.2.5.1). */
int prof_check_bar_slots(struct prof_ctx *c, const struct vfsim_profile *p)
{
	unsigned i;

	for (i = 0; i < 6; i++) {
		if (!p->bars[i].size || !p->bars[i].is64)
			continue;
		prof_at(c, "bars[%d].64bit", c->bar_pos[i]);
		if (i == 5)
			return prof_fail(c, RULE_PROFILE_BAR_64BIT_SLOT, -EINVAL, "BAR5 cannot be 64-bit (true)");
		if (c->bar_pos[i + 1] >= 0)
			return prof_fail(c, RULE_PROFILE_BAR_64BIT_SLOT, -EINVAL,
					 "BAR%u is the upper half of this BAR but bars[%d] defines it (true)",
					 i + 1, c->bar_pos[i + 1]);
	}
	return 0;
}

int prof_check_msi(struct prof_ctx *c, const struct vfsim_profile *p)
{
	if (!prof_pow2(p->msi_vectors) || p->msi_vectors > VFSIM_MAX_MSI) {
		prof_push_key(c, "vectors");
		return prof_fail(c, RULE_PROFILE_MSI_VECTORS, -EINVAL, "must be 1, 2, 4, 8, 16 or 32 (%u)",
				 p->msi_vectors);
	}
	return 0;
}

int prof_check_msix_vectors(struct prof_ctx *c, const struct vfsim_profile *p)
{
	if (p->msix_vectors < 1 || p->msix_vectors > VFSIM_MAX_MSIX) {
		prof_push_key(c, "vectors");
		return prof_fail(c, RULE_PROFILE_MSIX_VECTORS, -EINVAL, "must be 1-2048 (%u)", p->msix_vectors);
	}
	return 0;
}

int prof_check_mig(struct prof_ctx *c, const struct prof_mig_in *m)
{
	if ((m->p2p || m->pre_copy) && !m->stop_copy) {
		prof_push_key(c, "stop_copy");
		return prof_fail(c, RULE_PROFILE_MIG_FLAGS, -EINVAL, "required by %s (false)",
				 m->p2p ? "p2p" : "pre_copy");
	}
	return 0;
}

int prof_check_region(struct prof_ctx *c, const struct prof_dev_region *reg)
{
	prof_push_key(c, "size");
	if (!reg->size || reg->size > PROFILE_MAX_REGION)
		return prof_fail(c, RULE_PROFILE_REGION_SIZE, -EINVAL, "must be 1 B-1 GiB (0x%llx)",
				 (unsigned long long)reg->size);
	if (reg->mmap && reg->size % PROFILE_PAGE)
		return prof_fail(c, RULE_PROFILE_REGION_SIZE, -EINVAL, "mmap needs a page multiple (0x%llx)",
				 (unsigned long long)reg->size);
	return 0;
}

/* ---- cross-field checks after parsing ------------------------------------------ */

/* A BAR that can hold registers: implemented, memory, not the upper half of a 64-bit BAR. */
static int prof_mem_bar(struct prof_ctx *c, unsigned bar, enum vfsim_rule rule)
{
	const struct vfsim_profile *p = c->p;

	if (bar > 5)
		return prof_fail(c, rule, -EINVAL, "must be 0-5 (%u)", bar);
	if (bar > 0 && p->bars[bar - 1].size && p->bars[bar - 1].is64)
		return prof_fail(c, rule, -EINVAL, "BAR%u is the upper half of 64-bit BAR%u (%u)", bar, bar - 1, bar);
	if (!p->bars[bar].size)
		return prof_fail(c, rule, -EINVAL, "BAR%u is absent (%u)", bar, bar);
	if (p->bars[bar].io)
		return prof_fail(c, rule, -EINVAL, "BAR%u is an I/O BAR (%u)", bar, bar);
	return 0;
}

/* The first mmap-able part of BAR @bar meeting [off, off+len): a sparse index, 8 for
 * "the whole BAR", or -1 when none. */
static int prof_mmap_hit(const struct vfsim_profile *p, unsigned bar, uint64_t off, uint64_t len)
{
	const struct prof_bar *b = &p->bars[bar];
	unsigned j;

	if (!b->mmap)
		return -1;
	if (!b->nsparse)
		return VFSIM_MAX_SPARSE;
	for (j = 0; j < b->nsparse; j++)
		if (prof_overlap(off, len, b->sparse[j].offset, b->sparse[j].size))
			return (int)j;
	return -1;
}

static int prof_check_msix(struct prof_ctx *c)
{
	const struct vfsim_profile *p = c->p;
	uint64_t tlen = 16ull * p->msix_vectors, plen = 8ull * ((p->msix_vectors + 63) / 64);
	uint64_t tab = p->msix_table_offset, pba = p->msix_pba_offset, size, page;
	int r, hit;

	prof_at(c, "msix.bar");
	r = prof_mem_bar(c, p->msix_bar, RULE_PROFILE_MSIX_BAR);
	if (r < 0)
		return r;
	size = p->bars[p->msix_bar].size;
	prof_at(c, "msix.table_offset");
	if (tab & 7)
		return prof_fail(c, RULE_PROFILE_MSIX_ALIGN, -EINVAL, "not QWORD aligned (0x%llx)",
				 (unsigned long long)tab);
	if (tab + tlen > size)
		return prof_fail(c, RULE_PROFILE_MSIX_RANGE, -EINVAL, "table [0x%llx, 0x%llx) ends past BAR%u (0x%llx)",
				 (unsigned long long)tab, (unsigned long long)(tab + tlen), p->msix_bar,
				 (unsigned long long)size);
	page = tab & ~(uint64_t)(PROFILE_PAGE - 1);
	hit = prof_mmap_hit(p, p->msix_bar, page, ((tab + tlen + PROFILE_PAGE - 1) & ~(uint64_t)(PROFILE_PAGE - 1)) - page);
	if (hit == VFSIM_MAX_SPARSE)
		return prof_fail(c, RULE_PROFILE_MSIX_MMAP, -EINVAL,
				 "table page is mmap-able: BAR%u is mmap without sparse areas (0x%llx)",
				 p->msix_bar, (unsigned long long)tab);
	if (hit >= 0)
		return prof_fail(c, RULE_PROFILE_MSIX_MMAP, -EINVAL, "table page is inside bars[%d].sparse[%d] (0x%llx)",
				 c->bar_pos[p->msix_bar], hit, (unsigned long long)tab);
	prof_at(c, "msix.pba_offset");
	if (pba & 7)
		return prof_fail(c, RULE_PROFILE_MSIX_ALIGN, -EINVAL, "not QWORD aligned (0x%llx)",
				 (unsigned long long)pba);
	if (pba + plen > size)
		return prof_fail(c, RULE_PROFILE_MSIX_RANGE, -EINVAL, "PBA [0x%llx, 0x%llx) ends past BAR%u (0x%llx)",
				 (unsigned long long)pba, (unsigned long long)(pba + plen), p->msix_bar,
				 (unsigned long long)size);
	if (prof_overlap(tab, tlen, pba, plen))
		return prof_fail(c, RULE_PROFILE_MSIX_OVERLAP, -EINVAL, "PBA overlaps the table [0x%llx, 0x%llx) (0x%llx)",
				 (unsigned long long)tab, (unsigned long long)(tab + tlen), (unsigned long long)pba);
	return 0;
}

static int prof_check_engine(struct prof_ctx *c)
{
	const struct vfsim_profile *p = c->p;
	uint64_t off = p->engine.offset;
	unsigned have;
	int r, hit;

	prof_at(c, "engine.bar");
	r = prof_mem_bar(c, p->engine.bar, RULE_PROFILE_ENGINE_BAR);
	if (r < 0)
		return r;
	prof_at(c, "engine.offset");
	if ((off & 7) || off + ENGINE_REG_SIZE > p->bars[p->engine.bar].size)
		return prof_fail(c, RULE_PROFILE_ENGINE_RANGE, -EINVAL,
				 "0x%x-byte block must be QWORD aligned inside BAR%u (0x%llx)", ENGINE_REG_SIZE,
				 p->engine.bar, (unsigned long long)off);
	if (p->msix_vectors && p->msix_bar == p->engine.bar) {
		if (prof_overlap(off, ENGINE_REG_SIZE, p->msix_table_offset, 16ull * p->msix_vectors))
			return prof_fail(c, RULE_PROFILE_ENGINE_OVERLAP, -EINVAL, "block overlaps the MSI-X table (0x%llx)",
					 (unsigned long long)off);
		if (prof_overlap(off, ENGINE_REG_SIZE, p->msix_pba_offset, 8ull * ((p->msix_vectors + 63) / 64)))
			return prof_fail(c, RULE_PROFILE_ENGINE_OVERLAP, -EINVAL, "block overlaps the MSI-X PBA (0x%llx)",
					 (unsigned long long)off);
	}
	hit = prof_mmap_hit(p, p->engine.bar, off, ENGINE_REG_SIZE);
	if (hit == VFSIM_MAX_SPARSE)
		return prof_fail(c, RULE_PROFILE_ENGINE_MMAP, -EINVAL,
				 "block is mmap-able: BAR%u is mmap without sparse areas (0x%llx)", p->engine.bar,
				 (unsigned long long)off);
	if (hit >= 0)
		return prof_fail(c, RULE_PROFILE_ENGINE_MMAP, -EINVAL, "block is inside bars[%d].sparse[%d] (0x%llx)",
				 c->bar_pos[p->engine.bar], hit, (unsigned long long)off);

	/* vfio_pci_get_irq_count: INTx 1 with a pin, MSI/MSI-X from their capability. */
	switch (p->engine.irq_index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		have = p->intx_pin ? 1 : 0;
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
		have = p->msi_vectors;
		break;
	default:
		have = p->msix_vectors;
		break;
	}
	if (!have) {
		prof_at(c, "engine.irq.index");
		return prof_fail(c, RULE_PROFILE_ENGINE_IRQ, -EINVAL, "the device has no such interrupt (%s)",
				 p->engine.irq_index == VFIO_PCI_INTX_IRQ_INDEX ? "intx" :
				 p->engine.irq_index == VFIO_PCI_MSI_IRQ_INDEX ? "msi" : "msix");
	}
	if (p->engine.irq_vector >= have) {
		prof_at(c, "engine.irq.vector");
		return prof_fail(c, RULE_PROFILE_ENGINE_IRQ, -EINVAL, "must be below %u (%u)", have,
				 p->engine.irq_vector);
	}
	return 0;
}

/*
 * A write through an ioeventfd reaches the BAR without the traps a message
 * write goes through in order: vfio-pci refuses ioeventfds over the MSI-X
 * table (vfio_pci_ioeventfd) and we keep the PBA and the engine's block,
 * whose doorbell runs a DMA transfer, out of that path as well.
 */
static int prof_check_ioeventfds(struct prof_ctx *c)
{
	const struct vfsim_profile *p = c->p;
	unsigned i, j;

	for (i = 0; i < 6; i++) {
		const struct prof_bar *b = &p->bars[i];

		for (j = 0; j < b->nioeventfds; j++) {
			uint64_t off = b->ioeventfds[j].offset, len = b->ioeventfds[j].size;

			prof_at(c, "bars[%d].ioeventfds[%u]", c->bar_pos[i], j);
			if (p->msix_vectors && p->msix_bar == i &&
			    prof_overlap(off, len, p->msix_table_offset, 16ull * p->msix_vectors))
				return prof_fail(c, RULE_PROFILE_IOEVENTFD_MSIX, -EINVAL,
						 "register overlaps the MSI-X table (0x%llx)", (unsigned long long)off);
			if (p->msix_vectors && p->msix_bar == i &&
			    prof_overlap(off, len, p->msix_pba_offset, 8ull * ((p->msix_vectors + 63) / 64)))
				return prof_fail(c, RULE_PROFILE_IOEVENTFD_MSIX, -EINVAL,
						 "register overlaps the MSI-X PBA (0x%llx)", (unsigned long long)off);
			if (p->engine.present && p->engine.bar == i &&
			    prof_overlap(off, len, p->engine.offset, ENGINE_REG_SIZE))
				return prof_fail(c, RULE_PROFILE_IOEVENTFD_ENGINE, -EINVAL,
						 "register overlaps the engine's block (0x%llx)", (unsigned long long)off);
		}
	}
	return 0;
}

int prof_validate(struct prof_ctx *c)
{
	const struct vfsim_profile *p = c->p;
	int r;

	if (p->vendor_id == 0xffff || p->vendor_id == 0) {
		prof_at(c, "vendor_id");
		return prof_fail(c, RULE_PROFILE_VENDOR_ID, -EINVAL, "not a valid vendor (0x%04x)", p->vendor_id);
	}
	if (p->vga && (p->class_code >> 8) != 0x0300) {
		prof_at(c, "vga");
		return prof_fail(c, RULE_PROFILE_VGA_CLASS, -EINVAL, "class_code is not VGA 0x0300xx (0x%06x)",
				 p->class_code);
	}
	if (p->rom_size && (!prof_pow2(p->rom_size) || p->rom_size < 2048 || p->rom_size > PROFILE_MAX_ROM)) {
		prof_at(c, "rom_size");
		return prof_fail(c, RULE_PROFILE_ROM_SIZE, -EINVAL, "must be a power of two, 2 KiB-16 MiB (0x%llx)",
				 (unsigned long long)p->rom_size);
	}
	if (p->msix_vectors) {
		r = prof_check_msix(c);
		if (r < 0)
			return r;
	}
	if (p->engine.present) {
		r = prof_check_engine(c);
		if (r < 0)
			return r;
	}
	return prof_check_ioeventfds(c);
}
