/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device's VFIO regions, one struct region per index: BAR0-5, ROM (6),
 * CONFIG (7), VGA (8) and the device-specific regions from 9. Every region
 * with bytes of its own is a memfd (MFD_CLOEXEC) mapped MAP_SHARED, so the
 * uAPI model can hand the same memory to a user's mmap and region_rw sees
 * what the user wrote; CONFIG has no memory and goes to cfg.c.
 *
 * region_rw is the device's side of a CPU access. Three areas are trapped:
 * the MSI-X table (a change of a vector control's mask bit reaches irq.c),
 * the PBA (reads come from irq.c's pending bits, writes are dropped, as the
 * PBA is read-only, PCI 3.0 6.8.2.10) and the DMA engine's register block
 * (engine.c stores those bytes and runs the doorbell).
 *
 * msix_mappable stays false: the kernel sets MSIX_MAPPABLE on an mmap-able
 * MSI-X BAR, but here the table is trapped and profile validation keeps it
 * out of every sparse area, so mapping it would bypass the trap.
 */
#define _GNU_SOURCE	/* memfd_create, fallocate */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dev.h"
#include "cfg.h"
#include "engine.h"
#include "fault.h"
#include "irq.h"
#include "region.h"
#include "caps.h"

#define REGION_MAX (VFIO_PCI_NUM_REGIONS + VFSIM_MAX_DEV_REGIONS)
#define REGION_VGA_SIZE 0xc0000u	/* legacy VGA ranges up to 0xbffff (vfio_pci_vga_rw) */
#define REGION_MSIX_ENTRY 16u
#define REGION_MSIX_CTRL 12u		/* vector control dword in an entry; bit 0 = masked */
#define REGION_PBA_MAX (VFSIM_MAX_MSIX / 8)

struct region_set {
	struct vfsim_dev *dev;
	unsigned count;
	struct region r[REGION_MAX];
};

/* A trapped area inside one region. */
struct region_area {
	uint64_t off, len;
};

static int region_backing(struct region *r, const char *name)
{
	void *m;
	int err;

	r->memfd = memfd_create(name, MFD_CLOEXEC);
	if (r->memfd < 0)
		return -errno;
	if (ftruncate(r->memfd, (off_t)r->size) < 0) {
		err = -errno;
		goto fail;
	}
	m = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, r->memfd, 0);
	if (m == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	r->mem = m;
	return 0;
fail:
	close(r->memfd);
	r->memfd = -1;
	return err;
}

/* Zero a memory region: punching the whole file gives its pages back and
 * costs nothing for pages never touched (BARs can be large). */
/* Contents to zero. Up to REGION_ZERO_MEMSET a memset is cheaper than
 * punching a hole (a syscall, then a page fault per page touched again). */
#define REGION_ZERO_MEMSET (64u * 1024)

static void region_zero(struct region *r)
{
	if (!r->mem)
		return;
	if (r->size <= REGION_ZERO_MEMSET ||
	    fallocate(r->memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)r->size) < 0)
		memset(r->mem, 0, r->size);
}

/* Expansion ROM image: the 0x55 0xAA signature, the length in 512-byte
 * units, then a pattern that depends only on the offset: byte i is
 * (uint8_t)(i ^ (i >> 8) ^ (i >> 16) ^ 0x3c). With i = h * 64 KiB + l that
 * is rom_tpl[l] ^ (uint8_t)h: block h is a copy of one table XORed with
 * the byte h. A device is built (or renewed) per fuzz input, and computing
 * the pattern a byte or a word at a time was a large part of the session
 * targets' cost. */
static uint8_t rom_tpl[64 * 1024];
static pthread_once_t rom_tpl_once = PTHREAD_ONCE_INIT;

static void rom_tpl_init(void)
{
	uint32_t l;

	for (l = 0; l < sizeof(rom_tpl); l++)
		rom_tpl[l] = (uint8_t)(l ^ (l >> 8) ^ 0x3c);
}

static void region_rom_fill(struct region *r)
{
	uint64_t blk, off, k;

	pthread_once(&rom_tpl_once, rom_tpl_init);
	for (blk = 0; blk * sizeof(rom_tpl) < r->size; blk++) {
		uint64_t at = blk * sizeof(rom_tpl), n = r->size - at;
		uint8_t x = (uint8_t)blk;

		if (n > sizeof(rom_tpl))
			n = sizeof(rom_tpl);
		memcpy(r->mem + at, rom_tpl, n);
		if (!x)
			continue;
		k = x * 0x0101010101010101ull;
		for (off = 0; off + 8 <= n; off += 8) {
			uint64_t v;

			memcpy(&v, r->mem + at + off, 8);
			v ^= k;
			memcpy(r->mem + at + off, &v, 8);
		}
		for (; off < n; off++)
			r->mem[at + off] ^= x;
	}
	r->mem[0] = 0x55;
	r->mem[1] = 0xaa;
	r->mem[2] = (uint8_t)(r->size / 512 > 255 ? 255 : r->size / 512);
}

static bool region_intersect(uint64_t off, uint64_t len, struct region_area a, struct region_area *ret)
{
	uint64_t s = off > a.off ? off : a.off;
	uint64_t e = off + len < a.off + a.len ? off + len : a.off + a.len;

	if (!a.len || s >= e)
		return false;
	ret->off = s;
	ret->len = e - s;
	return true;
}

/* Table and PBA of region @index when it is the MSI-X BAR; false otherwise
 * (also when the geometry does not fit, which validation rules out). */
static bool region_msix_areas(const struct region_set *rs, unsigned index, struct region_area *tbl,
			      struct region_area *pba)
{
	const struct vfsim_profile *p = &rs->dev->prof;
	unsigned n = p->msix_vectors;
	uint64_t size;

	if (!n || n > VFSIM_MAX_MSIX || index != p->msix_bar || index >= 6)
		return false;
	size = rs->r[index].size;
	tbl->off = p->msix_table_offset;
	tbl->len = (uint64_t)n * REGION_MSIX_ENTRY;
	pba->off = p->msix_pba_offset;
	pba->len = ((uint64_t)n + 63) / 64 * 8;
	return tbl->off + tbl->len <= size && pba->off + pba->len <= size;
}

static bool region_engine_area(const struct region_set *rs, unsigned index, struct region_area *ret)
{
	const struct vfsim_profile *p = &rs->dev->prof;

	if (!p->engine.present || index != p->engine.bar || index >= 6)
		return false;
	ret->off = p->engine.offset;
	ret->len = ENGINE_REG_SIZE;
	return ret->off + ret->len <= rs->r[index].size;
}

/* Every entry back to its reset state: address and data 0, masked
 * (PCI 3.0 6.8.2.9: Mask Bit resets to 1). A vector that was unmasked is
 * reported to irq.c, as any other change of the bit. */
static void region_msix_reset(struct region_set *rs, bool notify)
{
	struct region_area tbl, pba;
	struct region *r;
	unsigned v;

	if (!region_msix_areas(rs, rs->dev->prof.msix_bar, &tbl, &pba))
		return;
	r = &rs->r[rs->dev->prof.msix_bar];
	for (v = 0; v < rs->dev->prof.msix_vectors; v++) {
		uint8_t *e = r->mem + tbl.off + (uint64_t)v * REGION_MSIX_ENTRY;
		bool was_masked = e[REGION_MSIX_CTRL] & 1;

		memset(e, 0, REGION_MSIX_ENTRY);
		e[REGION_MSIX_CTRL] = 1;
		if (notify && !was_masked && rs->dev->irq)
			irq_msix_set_mask(rs->dev->irq, v, true);
	}
}

static int region_init_bar(struct region *r, const struct prof_bar *b)
{
	char name[32];
	unsigned i;

	r->size = b->size;
	r->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (b->mmap && !b->io) {
		r->flags |= VFIO_REGION_INFO_FLAG_MMAP;
		r->nsparse = b->nsparse > VFSIM_MAX_SPARSE ? VFSIM_MAX_SPARSE : b->nsparse;
		for (i = 0; i < r->nsparse; i++) {
			r->sparse[i].offset = b->sparse[i].offset;
			r->sparse[i].size = b->sparse[i].size;
		}
	}
	snprintf(name, sizeof(name), "vfsim-bar%u", r->index);
	return region_backing(r, name);
}

static int region_init(struct region_set *rs)
{
	const struct vfsim_profile *p = &rs->dev->prof;
	struct region *r;
	unsigned i;
	int ret;

	for (i = 0; i < 6; i++) {
		if (!p->bars[i].size)
			continue;
		ret = region_init_bar(&rs->r[i], &p->bars[i]);
		if (ret < 0)
			return ret;
		if (p->bars[i].is64)
			i++;	/* the upper half of a 64-bit BAR is no region: size 0 */
	}
	if (p->rom_size) {
		r = &rs->r[VFIO_PCI_ROM_REGION_INDEX];
		r->size = p->rom_size;
		r->flags = VFIO_REGION_INFO_FLAG_READ;
		ret = region_backing(r, "vfsim-rom");
		if (ret < 0)
			return ret;
		region_rom_fill(r);
	}
	r = &rs->r[VFIO_PCI_CONFIG_REGION_INDEX];
	r->size = cfg_size(rs->dev->cfg);
	r->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (p->vga) {
		r = &rs->r[VFIO_PCI_VGA_REGION_INDEX];
		r->size = REGION_VGA_SIZE;
		r->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		ret = region_backing(r, "vfsim-vga");
		if (ret < 0)
			return ret;
	}
	for (i = 0; i < rs->count - VFIO_PCI_NUM_REGIONS; i++) {
		const struct prof_dev_region *d = &p->dev_regions[i];
		char name[32];

		r = &rs->r[VFIO_PCI_NUM_REGIONS + i];
		r->has_type = true;
		r->type = d->type;
		r->subtype = d->subtype;
		r->size = d->size;
		r->flags = (d->read ? VFIO_REGION_INFO_FLAG_READ : 0) |
			   (d->write ? VFIO_REGION_INFO_FLAG_WRITE : 0) |
			   (d->mmap ? VFIO_REGION_INFO_FLAG_MMAP : 0);
		if (!r->size)
			continue;
		snprintf(name, sizeof(name), "vfsim-region%u", r->index);
		ret = region_backing(r, name);
		if (ret < 0)
			return ret;
	}
	region_msix_reset(rs, false);
	return 0;
}

int region_set_new(struct vfsim_dev *dev, struct region_set **ret)
{
	struct region_set *rs;
	unsigned i;
	int r;

	if (!dev || !dev->cfg || !ret)
		return -EINVAL;
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	rs->dev = dev;
	rs->count = VFIO_PCI_NUM_REGIONS +
		    (dev->prof.ndev_regions > VFSIM_MAX_DEV_REGIONS ? VFSIM_MAX_DEV_REGIONS : dev->prof.ndev_regions);
	for (i = 0; i < REGION_MAX; i++) {
		rs->r[i].index = i;
		rs->r[i].memfd = -1;
	}
	r = region_init(rs);
	if (r < 0) {
		region_set_free(rs);
		return r;
	}
	*ret = rs;
	return 0;
}

void region_set_free(struct region_set *rs)
{
	unsigned i;

	if (!rs)
		return;
	for (i = 0; i < REGION_MAX; i++) {
		if (rs->r[i].mem)
			munmap(rs->r[i].mem, rs->r[i].size);
		if (rs->r[i].memfd >= 0)
			close(rs->r[i].memfd);
	}
	free(rs);
}

void region_set_reset(struct region_set *rs)
{
	unsigned i;

	if (!rs)
		return;
	region_msix_reset(rs, true);
	for (i = 0; i < rs->count; i++) {
		if (i == VFIO_PCI_ROM_REGION_INDEX) {
			if (rs->r[i].mem)
				region_rom_fill(&rs->r[i]);
			continue;
		}
		region_zero(&rs->r[i]);
	}
	region_msix_reset(rs, false);
}

unsigned region_count(const struct region_set *rs)
{
	return rs ? rs->count : 0;
}

const struct region *region_get(const struct region_set *rs, unsigned index)
{
	return rs && index < rs->count ? &rs->r[index] : NULL;
}

/* PBA bytes: bit v of the array is irq.c's pending bit of MSI-X vector v. */
static void region_pba_read(struct region_set *rs, struct region_area pba, struct region_area hit,
			    uint8_t *out)
{
	uint64_t i;
	unsigned bit;

	for (i = 0; i < hit.len; i++) {
		uint64_t byte = hit.off - pba.off + i;
		uint8_t v = 0;

		for (bit = 0; bit < 8; bit++) {
			uint64_t vec = byte * 8 + bit;

			if (vec < rs->dev->prof.msix_vectors && rs->dev->irq &&
			    irq_pending(rs->dev->irq, VFIO_PCI_MSIX_IRQ_INDEX, (uint32_t)vec))
				v |= (uint8_t)(1u << bit);
		}
		out[i] = v;
	}
}

static void region_read_mem(struct region_set *rs, unsigned index, uint64_t off, uint8_t *buf, size_t len)
{
	struct region_area tbl, pba, hit;

	memcpy(buf, rs->r[index].mem + off, len);
	if (region_msix_areas(rs, index, &tbl, &pba) && region_intersect(off, len, pba, &hit))
		region_pba_read(rs, pba, hit, buf + (hit.off - off));
}

/* Vectors whose mask byte (the low byte of vector control) lies in the
 * write, as [*ret_first, *ret_end). */
static bool region_msix_vectors(struct region_area tbl, uint64_t off, uint64_t len, uint32_t *ret_first,
				uint32_t *ret_end)
{
	uint64_t first_byte = tbl.off + REGION_MSIX_CTRL, n = tbl.len / REGION_MSIX_ENTRY, a, b;

	if (off + len <= first_byte)
		return false;
	a = off <= first_byte ? 0 : (off - first_byte + REGION_MSIX_ENTRY - 1) / REGION_MSIX_ENTRY;
	b = (off + len - 1 - first_byte) / REGION_MSIX_ENTRY + 1;
	if (b > n)
		b = n;
	if (a >= b)
		return false;
	*ret_first = (uint32_t)a;
	*ret_end = (uint32_t)b;
	return true;
}

static void region_write_mem(struct region_set *rs, unsigned index, uint64_t off, const uint8_t *src,
			     size_t len)
{
	struct region *r = &rs->r[index];
	struct region_area tbl, pba, eng, pba_hit, eng_hit;
	uint64_t was_masked[VFSIM_MAX_MSIX / 64] = { 0 };
	uint8_t pba_save[REGION_PBA_MAX], eng_save[ENGINE_REG_SIZE];
	uint32_t v, v0 = 0, v1 = 0;
	bool msix, vecs = false, in_pba = false, in_eng = false;

	msix = region_msix_areas(rs, index, &tbl, &pba);
	if (msix) {
		vecs = region_msix_vectors(tbl, off, len, &v0, &v1);
		for (v = v0; vecs && v < v1; v++) {
			uint64_t bit = 1ull << (v % 64);

			if (r->mem[tbl.off + (uint64_t)v * REGION_MSIX_ENTRY + REGION_MSIX_CTRL] & 1)
				was_masked[v / 64] |= bit;
			else
				was_masked[v / 64] &= ~bit;
		}
		in_pba = region_intersect(off, len, pba, &pba_hit);
		if (in_pba)
			memcpy(pba_save, r->mem + pba_hit.off, pba_hit.len);
	}
	in_eng = region_engine_area(rs, index, &eng) && region_intersect(off, len, eng, &eng_hit);
	if (in_eng)
		memcpy(eng_save, r->mem + eng_hit.off, eng_hit.len);

	memcpy(r->mem + off, src, len);

	if (in_pba)
		memcpy(r->mem + pba_hit.off, pba_save, pba_hit.len);	/* the PBA is read-only */
	for (v = v0; vecs && v < v1; v++) {
		bool masked = r->mem[tbl.off + (uint64_t)v * REGION_MSIX_ENTRY + REGION_MSIX_CTRL] & 1;

		if (masked != !!(was_masked[v / 64] & (1ull << (v % 64))) && rs->dev->irq)
			irq_msix_set_mask(rs->dev->irq, v, masked);
	}
	if (in_eng) {
		memcpy(r->mem + eng_hit.off, eng_save, eng_hit.len);
		engine_store(rs->dev, r->mem + eng.off, (uint32_t)(eng_hit.off - eng.off), src + (eng_hit.off - off),
			     (uint32_t)eng_hit.len);
	}
}

/* Fault region-oob (sim/fault.h): an access running past the end of the
 * region succeeds. Only the part inside the region reaches the device; the
 * rest of a read comes back as 0xff (what a read of nothing on PCI gives),
 * the rest of a write is dropped. The model never touches memory past the
 * region: the deviation is in the answer only. */
static int region_rw_oob(struct vfsim_dev *dev, unsigned index, uint64_t off, void *buf, size_t len,
			 bool write)
{
	const struct region *r = &dev->regions->r[index];
	size_t in = off < r->size ? (size_t)(r->size - off < len ? r->size - off : len) : 0;
	int rc;

	if (!write)
		memset((uint8_t *)buf + in, 0xff, len - in);
	if (in) {
		rc = region_rw(dev, index, off, buf, in, write);
		if (rc < 0)
			return rc;
	}
	return (int)len;
}

int region_rw(struct vfsim_dev *dev, unsigned index, uint64_t off, void *buf, size_t len, bool write)
{
	struct region_set *rs = dev ? dev->regions : NULL;
	const struct region *r;

	if (!rs || index >= rs->count)
		return vfsim_reject(RULE_REGION_INDEX, -EINVAL);
	r = &rs->r[index];
	if (!r->size)
		return vfsim_reject(RULE_REGION_ABSENT, -EINVAL);
	if (write && !(r->flags & VFIO_REGION_INFO_FLAG_WRITE))
		return vfsim_reject(RULE_REGION_NO_WRITE, -EINVAL);
	if (!write && !(r->flags & VFIO_REGION_INFO_FLAG_READ))
		return vfsim_reject(RULE_REGION_NO_READ, -EINVAL);
	if (len > INT_MAX)
		return vfsim_reject(RULE_REGION_ACCESS_SIZE, -EINVAL);
	if ((off > r->size || len > r->size - off) &&
	    vfsim_fault_on(dev->faults, VFSIM_FAULT_REGION_OOB))
		return region_rw_oob(dev, index, off, buf, len, write);
	if (off > r->size || len > r->size - off)
		return vfsim_reject(RULE_REGION_RANGE, -EINVAL);
	if (!len)
		return 0;
	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return write ? cfg_write(dev->cfg, (uint32_t)off, buf, len) : cfg_read(dev->cfg, (uint32_t)off, buf, len);
	if (!r->mem)
		return vfsim_reject(RULE_REGION_ABSENT, -EINVAL);
	if (write)
		region_write_mem(rs, index, off, buf, len);
	else
		region_read_mem(rs, index, off, buf, len);
	return (int)len;
}

void region_caps(const struct region *r, struct capbuf *cb, bool whole_region_area)
{
	const unsigned max = sizeof(r->sparse) / sizeof(r->sparse[0]);
	unsigned i, n;

	caps_init(cb);
	if (!r->size)
		return;
	if (r->has_type) {
		struct vfio_region_info_cap_type *t;

		t = caps_add(cb, VFIO_REGION_INFO_CAP_TYPE, 1, sizeof(*t));
		if (t) {
			t->type = r->type;
			t->subtype = r->subtype;
		}
	}
	n = r->nsparse < max ? r->nsparse : max;
	if ((r->flags & VFIO_REGION_INFO_FLAG_MMAP) && (n || whole_region_area)) {
		struct vfio_region_info_cap_sparse_mmap *sp;

		sp = caps_add(cb, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 1, sizeof(*sp) + (n ? n : 1) * sizeof(sp->areas[0]));
		if (sp) {
			sp->nr_areas = n ? n : 1;
			for (i = 0; i < n; i++)
				sp->areas[i] = r->sparse[i];
			if (!n) {
				sp->areas[0].offset = 0;
				sp->areas[0].size = r->size;
			}
		}
	}
	if (r->msix_mappable)
		caps_add(cb, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 1, sizeof(struct vfio_info_cap_header));
}
