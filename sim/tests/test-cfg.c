/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg.c: every header register's reset value, RW, RO and RW1C bits (PCI 3.0
 * 6.2), BAR and ROM sizing for each BAR kind (6.2.5), the capability chain
 * for each feature combination, the MSI/MSI-X/PM/PCIe register bits, the
 * extended chain, out-of-range accesses with their rule, migration loads and
 * reset. Expected values are written out from the specs, never taken from
 * cfg.c's own tables.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cfg.h"
#include "rules.h"

/* NVMe-like: a mem32 BAR, an I/O BAR, a 64-bit prefetchable BAR and a 64-bit
 * BAR above 4 GiB, a 64 KiB ROM, INTA, no capabilities. */
static void prof_plain(struct vfsim_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->vendor_id = 0x1af4;
	p->device_id = 0x1041;
	p->subsys_vendor_id = 0x8086;
	p->subsys_id = 0x1100;
	p->revision = 0x01;
	p->class_code = 0x010802;
	p->intx_pin = 1;
	p->bars[0].size = 0x4000;
	p->bars[1].size = 0x20;
	p->bars[1].io = true;
	p->bars[2].size = 0x100000;
	p->bars[2].is64 = true;
	p->bars[2].prefetch = true;
	p->bars[4].size = 0x200000000ull;
	p->bars[4].is64 = true;
	p->rom_size = 0x10000;
}

static struct cfg_space *cfg_of(const struct vfsim_profile *p)
{
	struct cfg_space *c = NULL;

	assert_int_equal(cfg_new(p, &c), 0);
	assert_non_null(c);
	return c;
}

static uint32_t rd(const struct cfg_space *c, uint32_t off, unsigned size)
{
	uint8_t b[4] = { 0 };
	unsigned i;
	uint32_t v = 0;

	assert_int_equal(cfg_read(c, off, b, size), (int)size);
	for (i = 0; i < size; i++)
		v |= (uint32_t)b[i] << (8 * i);
	return v;
}

static void wr(struct cfg_space *c, uint32_t off, unsigned size, uint32_t v)
{
	uint8_t b[4];
	unsigned i;

	for (i = 0; i < size; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	assert_int_equal(cfg_write(c, off, b, size), (int)size);
}

/* reset value; value read back after writing all ones; after writing zeros */
struct reg_row {
	const char *name;
	uint16_t off;
	uint8_t size;
	uint32_t reset, ones, zeros;
};

static void check_rows(struct cfg_space *c, const struct reg_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct reg_row *r = &rows[i];
		uint32_t all = r->size == 4 ? 0xffffffffu : (1u << (8 * r->size)) - 1;
		uint32_t v = rd(c, r->off, r->size);

		if (v != r->reset)
			fail_msg("%s reset: 0x%x, expected 0x%x", r->name, v, r->reset);
		wr(c, r->off, r->size, all);
		v = rd(c, r->off, r->size);
		if (v != r->ones)
			fail_msg("%s after ones: 0x%x, expected 0x%x", r->name, v, r->ones);
		wr(c, r->off, r->size, 0);
		v = rd(c, r->off, r->size);
		if (v != r->zeros)
			fail_msg("%s after zeros: 0x%x, expected 0x%x", r->name, v, r->zeros);
	}
}

/* PCI 3.0 6.2 for prof_plain */
static const struct reg_row plain_rows[] = {
	{ "vendor", 0x00, 2, 0x1af4, 0x1af4, 0x1af4 },
	{ "device", 0x02, 2, 0x1041, 0x1041, 0x1041 },
	/* IO, MEM, MASTER, PARITY, SERR, INTX_DISABLE */
	{ "command", 0x04, 2, 0x0000, 0x0547, 0x0000 },
	{ "status", 0x06, 2, 0x0000, 0x0000, 0x0000 },
	{ "revision", 0x08, 1, 0x01, 0x01, 0x01 },
	{ "class", 0x09, 2, 0x0802, 0x0802, 0x0802 },
	{ "class base", 0x0b, 1, 0x01, 0x01, 0x01 },
	{ "cache line", 0x0c, 1, 0x00, 0xff, 0x00 },
	{ "latency", 0x0d, 1, 0x00, 0x00, 0x00 },
	{ "header type", 0x0e, 1, 0x00, 0x00, 0x00 },
	{ "bist", 0x0f, 1, 0x00, 0x00, 0x00 },
	{ "bar0 mem32 16K", 0x10, 4, 0x00000000, 0xffffc000, 0x00000000 },
	{ "bar1 io 32", 0x14, 4, 0x00000001, 0xffffffe1, 0x00000001 },
	{ "bar2 mem64 pf 1M lo", 0x18, 4, 0x0000000c, 0xfff0000c, 0x0000000c },
	{ "bar3 mem64 pf 1M hi", 0x1c, 4, 0x00000000, 0xffffffff, 0x00000000 },
	{ "bar4 mem64 8G lo", 0x20, 4, 0x00000004, 0x00000004, 0x00000004 },
	{ "bar5 mem64 8G hi", 0x24, 4, 0x00000000, 0xfffffffe, 0x00000000 },
	{ "cardbus cis", 0x28, 4, 0, 0, 0 },
	{ "subsys vendor", 0x2c, 2, 0x8086, 0x8086, 0x8086 },
	{ "subsys", 0x2e, 2, 0x1100, 0x1100, 0x1100 },
	{ "rom 64K", 0x30, 4, 0x00000000, 0xffff0001, 0x00000000 },
	{ "cap ptr", 0x34, 1, 0x00, 0x00, 0x00 },
	{ "reserved 35", 0x35, 1, 0, 0, 0 },
	{ "reserved 38", 0x38, 4, 0, 0, 0 },
	{ "int line", 0x3c, 1, 0x00, 0xff, 0x00 },
	{ "int pin", 0x3d, 1, 0x01, 0x01, 0x01 },
	{ "min gnt", 0x3e, 1, 0, 0, 0 },
	{ "max lat", 0x3f, 1, 0, 0, 0 },
	{ "device dependent", 0x40, 4, 0, 0, 0 },
	{ "last dword", 0xfc, 4, 0, 0, 0 },
};

static void test_header_plain(void **state)
{
	struct vfsim_profile p;
	struct cfg_space *c;

	prof_plain(&p);
	c = cfg_of(&p);
	assert_int_equal(cfg_size(c), 256);
	check_rows(c, plain_rows, sizeof(plain_rows) / sizeof(plain_rows[0]));
	cfg_free(c);
	cfg_free(NULL);
}

/* Absent BARs and ROM read 0 and ignore writes; a 32-bit prefetchable BAR,
 * a minimal 16-byte BAR and a 4-byte I/O BAR. */
static const struct reg_row other_bar_rows[] = {
	{ "bar0 mem32 pf 4K", 0x10, 4, 0x00000008, 0xfffff008, 0x00000008 },
	{ "bar1 absent", 0x14, 4, 0, 0, 0 },
	{ "bar2 mem32 16", 0x18, 4, 0x00000000, 0xfffffff0, 0x00000000 },
	{ "bar3 io 4", 0x1c, 4, 0x00000001, 0xfffffffd, 0x00000001 },
	{ "bar4 absent", 0x20, 4, 0, 0, 0 },
	{ "bar5 mem64 at slot 4 of none", 0x24, 4, 0, 0, 0 },
	{ "rom absent", 0x30, 4, 0, 0, 0 },
	{ "int pin none", 0x3d, 1, 0, 0, 0 },
};

static void test_bar_kinds(void **state)
{
	struct vfsim_profile p;
	struct cfg_space *c;

	memset(&p, 0, sizeof(p));
	p.bars[0].size = 0x1000;
	p.bars[0].prefetch = true;
	p.bars[2].size = 16;
	p.bars[3].size = 4;
	p.bars[3].io = true;
	c = cfg_of(&p);
	check_rows(c, other_bar_rows, sizeof(other_bar_rows) / sizeof(other_bar_rows[0]));
	cfg_free(c);
}

/* Sizing as firmware does it: save, write ~0, read the mask, restore. */
static void test_bar_sizing_sequence(void **state)
{
	struct vfsim_profile p;
	struct cfg_space *c;
	uint32_t lo, hi;
	uint64_t size;

	prof_plain(&p);
	c = cfg_of(&p);
	wr(c, 0x20, 4, 0xffffffff);
	wr(c, 0x24, 4, 0xffffffff);
	lo = rd(c, 0x20, 4);
	hi = rd(c, 0x24, 4);
	size = ~(((uint64_t)hi << 32) | (lo & ~0xfu)) + 1;
	assert_true(size == 0x200000000ull);
	/* program an address above 4 GiB and read it back */
	wr(c, 0x20, 4, 0x00000000);
	wr(c, 0x24, 4, 0x00000004);
	assert_int_equal(rd(c, 0x20, 4), 0x00000004);
	assert_int_equal(rd(c, 0x24, 4), 0x00000004);
	/* byte writes keep the type bits */
	wr(c, 0x18, 1, 0xff);
	assert_int_equal(rd(c, 0x18, 1), 0x0c);
	cfg_free(c);
}

/* RW1C bits cannot be set by software; a loaded state has them set. */
static void test_status_rw1c(void **state)
{
	struct vfsim_profile p;
	struct cfg_space *c;
	uint8_t img[256];

	prof_plain(&p);
	c = cfg_of(&p);
	memcpy(img, cfg_bytes(c), sizeof(img));
	img[0x06] = 0x00;
	img[0x07] = 0xf9;	/* 0xf900: parity, sig/rec target abort, rec master abort, SERR, detected parity */
	assert_int_equal(cfg_load(c, img, sizeof(img)), 0);
	assert_int_equal(rd(c, 0x06, 2), 0xf900);
	wr(c, 0x06, 2, 0x0000);
	assert_int_equal(rd(c, 0x06, 2), 0xf900);
	wr(c, 0x06, 2, 0x0100);
	assert_int_equal(rd(c, 0x06, 2), 0xf800);
	wr(c, 0x06, 2, 0x8000);
	assert_int_equal(rd(c, 0x06, 2), 0x7800);
	wr(c, 0x06, 2, 0xffff);
	assert_int_equal(rd(c, 0x06, 2), 0x0000);
	/* a write to the command register leaves status alone */
	assert_int_equal(cfg_load(c, img, sizeof(img)), 0);
	wr(c, 0x04, 2, 0x0006);
	assert_int_equal(rd(c, 0x06, 2), 0xf900);
	assert_int_equal(rd(c, 0x04, 2), 0x0006);
	cfg_free(c);
}

/* ---- the capability chain --------------------------------------------------- */

struct chain_case {
	const char *name;
	bool pm, pcie, msi64, msimask, reset;
	unsigned msi, msix;
	uint8_t ids[4], offs[4];	/* expected chain, in order (0 ends it) */
};

/* Order PM, MSI, MSI-X, PCIe from 0x40, dword aligned. Sizes: PM 8 (PCI PM
 * 1.2 3.2), MSI 10/14/20/24 (PCI 3.0 6.8.1), MSI-X 12 (6.8.2), PCIe v2 0x3c. */
static const struct chain_case chain_cases[] = {
	{ "none", .ids = { 0 } },
	{ "pm", .pm = true, .ids = { 1 }, .offs = { 0x40 } },
	{ "msi32", .msi = 1, .ids = { 5 }, .offs = { 0x40 } },
	{ "pcie", .pcie = true, .ids = { 0x10 }, .offs = { 0x40 } },
	{ "msix", .msix = 4, .ids = { 0x11 }, .offs = { 0x40 } },
	{ "pm+msi32", .pm = true, .msi = 2, .ids = { 1, 5 }, .offs = { 0x40, 0x48 } },
	{ "pm+msi32+msix", .pm = true, .msi = 2, .msix = 8, .ids = { 1, 5, 0x11 }, .offs = { 0x40, 0x48, 0x54 } },
	{ "msi64+msix", .msi = 4, .msi64 = true, .msix = 16, .ids = { 5, 0x11 }, .offs = { 0x40, 0x50 } },
	{ "msi32mask+pcie", .msi = 8, .msimask = true, .pcie = true, .ids = { 5, 0x10 }, .offs = { 0x40, 0x54 } },
	{ "all", .pm = true, .msi = 32, .msi64 = true, .msimask = true, .msix = 2048, .pcie = true, .reset = true,
	  .ids = { 1, 5, 0x11, 0x10 }, .offs = { 0x40, 0x48, 0x60, 0x6c } },
	{ "msix+pcie", .msix = 1, .pcie = true, .ids = { 0x11, 0x10 }, .offs = { 0x40, 0x4c } },
};

static void prof_caps(struct vfsim_profile *p, const struct chain_case *k)
{
	prof_plain(p);
	p->pm = k->pm;
	p->pcie = k->pcie;
	p->msi_vectors = k->msi;
	p->msi_64bit = k->msi64;
	p->msi_maskable = k->msimask;
	p->msix_vectors = k->msix;
	p->msix_bar = 0;
	p->msix_table_offset = 0x2000;
	p->msix_pba_offset = 0x3000;
	p->reset = k->reset;
}

static void test_cap_chain(void **state)
{
	static const uint8_t absent_ids[] = { 1, 5, 0x09, 0x10, 0x11 };
	size_t i, j;

	for (i = 0; i < sizeof(chain_cases) / sizeof(chain_cases[0]); i++) {
		const struct chain_case *k = &chain_cases[i];
		struct vfsim_profile p;
		struct cfg_space *c;
		unsigned n = 0, hops;
		uint8_t off;

		prof_caps(&p, k);
		c = cfg_of(&p);
		while (n < 4 && k->ids[n])
			n++;
		if (!!(rd(c, 0x06, 2) & 0x10) != (n > 0))
			fail_msg("%s: status capabilities-list bit", k->name);
		off = (uint8_t)rd(c, 0x34, 1);
		for (hops = 0; hops < n; hops++) {
			if (off != k->offs[hops] || rd(c, off, 1) != k->ids[hops])
				fail_msg("%s: cap %u at 0x%x id 0x%x, expected 0x%x id 0x%x", k->name, hops, off,
					 rd(c, off, 1), k->offs[hops], k->ids[hops]);
			if (cfg_cap_offset(c, k->ids[hops]) != k->offs[hops])
				fail_msg("%s: cfg_cap_offset(0x%x)", k->name, k->ids[hops]);
			/* headers are read-only */
			wr(c, off, 2, 0xffff);
			assert_int_equal(rd(c, off, 1), k->ids[hops]);
			off = (uint8_t)rd(c, off + 1, 1);
		}
		if (off != 0)
			fail_msg("%s: chain does not end after %u caps (next 0x%x)", k->name, n, off);
		for (j = 0; j < sizeof(absent_ids); j++) {
			if (!memchr(k->ids, absent_ids[j], n) && cfg_cap_offset(c, absent_ids[j]) != 0)
				fail_msg("%s: cap 0x%x reported but absent", k->name, absent_ids[j]);
		}
		assert_int_equal(cfg_size(c), k->pcie ? 4096 : 256);
		cfg_free(c);
	}
}

/* ---- capability registers ------------------------------------------------------ */

static const struct reg_row pm_rows[] = {	/* cap at 0x40 */
	{ "pmc: version 3", 0x42, 2, 0x0003, 0x0003, 0x0003 },
	/* power state RW, No_Soft_Reset RO 1, PME_En RO 0, PME_Status RW1C */
	{ "pmcsr", 0x44, 2, 0x0008, 0x000b, 0x0008 },
	{ "pm bridge/data", 0x46, 2, 0, 0, 0 },
};

static void test_pm(void **state)
{
	const struct chain_case k = { "pm", .pm = true };
	struct vfsim_profile p;
	struct cfg_space *c;
	uint8_t img[256];

	prof_caps(&p, &k);
	c = cfg_of(&p);
	check_rows(c, pm_rows, sizeof(pm_rows) / sizeof(pm_rows[0]));
	memcpy(img, cfg_bytes(c), sizeof(img));
	img[0x45] |= 0x80;	/* PME_Status */
	assert_int_equal(cfg_load(c, img, sizeof(img)), 0);
	wr(c, 0x44, 2, 0x0003);
	assert_int_equal(rd(c, 0x44, 2), 0x800b);
	wr(c, 0x44, 2, 0x8000);
	assert_int_equal(rd(c, 0x44, 2), 0x0008);
	cfg_free(c);
}

/* 64-bit, maskable, 8 vectors at 0x40 */
static const struct reg_row msi64_rows[] = {
	/* MMC=3 (bits 3:1), 64-bit bit 7, per-vector masking bit 8; enable and MME RW */
	{ "msi control", 0x42, 2, 0x0186, 0x01f7, 0x0186 },
	{ "msi addr lo", 0x44, 4, 0, 0xfffffffc, 0 },
	{ "msi addr hi", 0x48, 4, 0, 0xffffffff, 0 },
	{ "msi data", 0x4c, 2, 0, 0xffff, 0 },
	{ "msi reserved", 0x4e, 2, 0, 0, 0 },
	{ "msi mask (8 vectors)", 0x50, 4, 0, 0x000000ff, 0 },
	{ "msi pending", 0x54, 4, 0, 0, 0 },
};

/* 32-bit, maskable, 32 vectors at 0x40 */
static const struct reg_row msi32_rows[] = {
	{ "msi control", 0x42, 2, 0x010a, 0x017b, 0x010a },
	{ "msi addr", 0x44, 4, 0, 0xfffffffc, 0 },
	{ "msi data", 0x48, 2, 0, 0xffff, 0 },
	{ "msi mask (32 vectors)", 0x4c, 4, 0, 0xffffffff, 0 },
	{ "msi pending", 0x50, 4, 0, 0, 0 },
};

/* 32-bit, 1 vector, no masking: 10 bytes, then nothing */
static const struct reg_row msi1_rows[] = {
	{ "msi control", 0x42, 2, 0x0000, 0x0071, 0x0000 },
	{ "msi addr", 0x44, 4, 0, 0xfffffffc, 0 },
	{ "msi data", 0x48, 2, 0, 0xffff, 0 },
	{ "after msi", 0x4a, 2, 0, 0, 0 },
	{ "after msi", 0x4c, 4, 0, 0, 0 },
};

static void test_msi(void **state)
{
	const struct chain_case k64 = { "msi64", .msi = 8, .msi64 = true, .msimask = true };
	const struct chain_case k32 = { "msi32", .msi = 32, .msimask = true };
	const struct chain_case k1 = { "msi1", .msi = 1 };
	struct vfsim_profile p;
	struct cfg_space *c;

	prof_caps(&p, &k64);
	c = cfg_of(&p);
	check_rows(c, msi64_rows, sizeof(msi64_rows) / sizeof(msi64_rows[0]));
	cfg_free(c);
	prof_caps(&p, &k32);
	c = cfg_of(&p);
	check_rows(c, msi32_rows, sizeof(msi32_rows) / sizeof(msi32_rows[0]));
	cfg_free(c);
	prof_caps(&p, &k1);
	c = cfg_of(&p);
	check_rows(c, msi1_rows, sizeof(msi1_rows) / sizeof(msi1_rows[0]));
	cfg_free(c);
}

/* 64 vectors, table at 0x2000 and PBA at 0x3000 of BAR 4 */
static const struct reg_row msix_rows[] = {
	{ "msix control", 0x42, 2, 0x003f, 0xc03f, 0x003f },
	{ "msix table", 0x44, 4, 0x00002004, 0x00002004, 0x00002004 },
	{ "msix pba", 0x48, 4, 0x00003004, 0x00003004, 0x00003004 },
};

static void test_msix(void **state)
{
	const struct chain_case k = { "msix", .msix = 64 };
	struct vfsim_profile p;
	struct cfg_space *c;

	prof_caps(&p, &k);
	p.msix_bar = 4;
	c = cfg_of(&p);
	check_rows(c, msix_rows, sizeof(msix_rows) / sizeof(msix_rows[0]));
	cfg_free(c);
	/* table size is N-1 in 11 bits: 2048 vectors -> 0x7ff */
	p.msix_vectors = 2048;
	c = cfg_of(&p);
	assert_int_equal(rd(c, 0x42, 2), 0x07ff);
	cfg_free(c);
}

/* PCIe capability alone at 0x40 (PCIe 3.0 7.8) */
static const struct reg_row pcie_rows[] = {
	{ "pcie flags: v2 endpoint", 0x42, 2, 0x0002, 0x0002, 0x0002 },
	/* MPS 256, L0s/L1 no limit, RBER, FLR */
	{ "devcap", 0x44, 4, 0x10008fc1, 0x10008fc1, 0x10008fc1 },
	/* error enables, relaxed ordering, MPS, no snoop, MRRS RW; FLR reads 0 */
	{ "devctl", 0x48, 2, 0x2810, 0x78ff, 0x0000 },
	{ "devsta", 0x4a, 2, 0, 0, 0 },
	{ "lnkcap: 8GT/s x4", 0x4c, 4, 0x00000043, 0x00000043, 0x00000043 },
	{ "lnkctl", 0x50, 2, 0, 0x00c3, 0 },
	{ "lnksta", 0x52, 2, 0x1043, 0x1043, 0x1043 },
	{ "sltcap", 0x54, 4, 0, 0, 0 },
	{ "rtctl", 0x5c, 4, 0, 0, 0 },
	{ "devcap2", 0x64, 4, 0x00000013, 0x00000013, 0x00000013 },
	{ "devctl2", 0x68, 2, 0, 0x001f, 0 },
	{ "lnkcap2", 0x6c, 4, 0x0000000e, 0x0000000e, 0x0000000e },
	{ "lnkctl2", 0x70, 2, 0x0003, 0x0003, 0x0003 },
};

static void test_pcie(void **state)
{
	const struct chain_case k = { "pcie", .pcie = true, .reset = true };
	struct vfsim_profile p;
	struct cfg_space *c;
	uint8_t *img;

	prof_caps(&p, &k);
	c = cfg_of(&p);
	check_rows(c, pcie_rows, sizeof(pcie_rows) / sizeof(pcie_rows[0]));

	/* device status error bits are RW1C */
	img = malloc(4096);
	assert_non_null(img);
	memcpy(img, cfg_bytes(c), 4096);
	img[0x4a] = 0x0f;
	assert_int_equal(cfg_load(c, img, 4096), 0);
	wr(c, 0x4a, 2, 0x0004);
	assert_int_equal(rd(c, 0x4a, 2), 0x000b);

	/* extended space: Device Serial Number, version 1, the last capability */
	assert_int_equal(rd(c, 0x100, 4), 0x00010003);
	wr(c, 0x100, 4, 0xffffffff);
	assert_int_equal(rd(c, 0x100, 4), 0x00010003);
	assert_int_equal(rd(c, 0x10c, 4), 0);
	assert_int_equal(rd(c, 0xffc, 4), 0);
	free(img);
	cfg_free(c);

	/* no FLR without reset */
	p.reset = false;
	c = cfg_of(&p);
	assert_int_equal(rd(c, 0x44, 4), 0x00008fc1);
	cfg_free(c);
}

/* ---- bounds, load, reset ------------------------------------------------------ */

struct range_case {
	bool pcie;
	uint32_t off;
	size_t len;
	int ret;
};

static const struct range_case range_cases[] = {
	{ false, 0, 0, 0 },
	{ false, 0xff, 1, 1 },
	{ false, 0xfe, 2, 2 },
	{ false, 0, 256, 256 },
	{ false, 0x100, 0, 0 },
	{ false, 0xff, 2, -EINVAL },
	{ false, 0x100, 1, -EINVAL },
	{ false, 0, 257, -EINVAL },
	{ false, 0x101, 0, -EINVAL },
	{ false, 0xffffffff, 2, -EINVAL },
	{ false, 4, (size_t)-1, -EINVAL },
	{ true, 0xffc, 4, 4 },
	{ true, 0, 4096, 4096 },
	{ true, 0xffd, 4, -EINVAL },
	{ true, 0x1000, 1, -EINVAL },
};

static void test_range(void **state)
{
	static uint8_t buf[8192];
	size_t i;

	for (i = 0; i < sizeof(range_cases) / sizeof(range_cases[0]); i++) {
		const struct range_case *k = &range_cases[i];
		struct vfsim_profile p;
		struct cfg_space *c;
		int r, err;

		prof_plain(&p);
		p.pcie = k->pcie;
		c = cfg_of(&p);
		memset(buf, 0, sizeof(buf));
		vfsim_reject_clear();
		r = cfg_read(c, k->off, buf, k->len);
		if (r != k->ret)
			fail_msg("case %zu read: %d, expected %d", i, r, k->ret);
		if (k->ret < 0) {
			assert_int_equal(vfsim_last_rule(&err), RULE_CFG_ACCESS_RANGE);
			assert_int_equal(err, -EINVAL);
		}
		vfsim_reject_clear();
		r = cfg_write(c, k->off, buf, k->len);
		if (r != k->ret)
			fail_msg("case %zu write: %d, expected %d", i, r, k->ret);
		assert_int_equal(vfsim_last_rule(NULL), k->ret < 0 ? RULE_CFG_ACCESS_RANGE : RULE_NONE);
		cfg_free(c);
	}
}

static void test_load(void **state)
{
	struct vfsim_profile p;
	struct cfg_space *c, *d;
	uint8_t img[256];
	int err;

	prof_plain(&p);
	c = cfg_of(&p);
	memcpy(img, cfg_bytes(c), sizeof(img));

	assert_int_equal(cfg_load(c, img, 255), -EINVAL);
	assert_int_equal(vfsim_last_rule(&err), RULE_CFG_LOAD_SIZE);
	assert_int_equal(err, -EINVAL);
	assert_int_equal(cfg_load(c, img, 4096), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_CFG_LOAD_SIZE);

	/* another device: vendor ID differs */
	img[0] ^= 1;
	assert_int_equal(cfg_load(c, img, sizeof(img)), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_CFG_LOAD_RO);
	img[0] ^= 1;
	/* a BAR flag bit (read-only) differs */
	img[0x10] |= 0x08;
	assert_int_equal(cfg_load(c, img, sizeof(img)), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_CFG_LOAD_RO);
	img[0x10] &= ~0x08;
	/* a reserved bit set */
	img[0x3e] = 1;
	assert_int_equal(cfg_load(c, img, sizeof(img)), -EINVAL);
	img[0x3e] = 0;
	assert_int_equal(memcmp(cfg_bytes(c), img, sizeof(img)), 0);

	/* a source device's RW state moves over */
	d = cfg_of(&p);
	wr(d, 0x04, 2, 0x0006);
	wr(d, 0x10, 4, 0xfe000000);
	wr(d, 0x3c, 1, 0x0b);
	assert_int_equal(cfg_load(c, cfg_bytes(d), 256), 0);
	assert_int_equal(memcmp(cfg_bytes(c), cfg_bytes(d), 256), 0);
	assert_int_equal(rd(c, 0x10, 4), 0xfe000000);
	cfg_free(c);
	cfg_free(d);
}

static void test_reset(void **state)
{
	const struct chain_case k = { "all", .pm = true, .msi = 4, .msi64 = true, .msimask = true,
				      .msix = 8, .pcie = true };
	struct vfsim_profile p;
	struct cfg_space *c, *fresh;
	uint32_t off;

	prof_caps(&p, &k);
	c = cfg_of(&p);
	fresh = cfg_of(&p);
	for (off = 0; off < 4096; off += 4)
		wr(c, off, 4, 0xffffffff);
	assert_int_not_equal(memcmp(cfg_bytes(c), cfg_bytes(fresh), 4096), 0);
	cfg_reset(c);
	assert_int_equal(memcmp(cfg_bytes(c), cfg_bytes(fresh), 4096), 0);
	assert_int_equal(rd(c, 0x04, 2), 0);
	assert_int_equal(rd(c, 0x3c, 1), 0);
	cfg_free(c);
	cfg_free(fresh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_plain),
		cmocka_unit_test(test_bar_kinds),
		cmocka_unit_test(test_bar_sizing_sequence),
		cmocka_unit_test(test_status_rw1c),
		cmocka_unit_test(test_cap_chain),
		cmocka_unit_test(test_pm),
		cmocka_unit_test(test_msi),
		cmocka_unit_test(test_msix),
		cmocka_unit_test(test_pcie),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
