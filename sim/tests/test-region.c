/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * region.c: size and flags of every region index for hand-built profiles
 * (vfio_pci_core.c GET_REGION_INFO: absent BARs size 0 flags 0, ROM read-only,
 * CONFIG read/write, VGA only with VGA), sparse areas, the memfd shared with
 * an mmap, the bounds and permission rules of region_rw, the ROM image, the
 * CONFIG region reaching cfg, and the MSI-X table and PBA reaching irq.c
 * (PCI 3.0 6.8.2: vector control bit 0 masks, resets to 1; the PBA is
 * read-only and shows pending bits).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "dev.h"
#include "cfg.h"
#include "irq.h"
#include "region.h"

#define RD (VFIO_REGION_INFO_FLAG_READ)
#define RW (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)
#define MM (VFIO_REGION_INFO_FLAG_MMAP)

/* A: mem32 16K mmap (whole), I/O 32, 64-bit 1M mmap with two sparse areas
 * around an 8-vector MSI-X table and PBA on its second page, ROM 64K. */
static void prof_a(struct vfsim_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->vendor_id = 0x1b36;
	p->device_id = 0x0010;
	p->bars[0].size = 0x4000;
	p->bars[0].mmap = true;
	p->bars[1].size = 0x20;
	p->bars[1].io = true;
	p->bars[2].size = 0x100000;
	p->bars[2].is64 = true;
	p->bars[2].prefetch = true;
	p->bars[2].mmap = true;
	p->bars[2].nsparse = 2;
	p->bars[2].sparse[0] = (struct prof_area){ 0x0, 0x1000 };
	p->bars[2].sparse[1] = (struct prof_area){ 0x2000, 0xfe000 };
	p->msix_vectors = 8;
	p->msix_bar = 2;
	p->msix_table_offset = 0x1000;
	p->msix_pba_offset = 0x1800;
	p->rom_size = 0x10000;
}

/* A with a 256K ROM: four 64K blocks of the pattern. */
static void prof_a_rom256k(struct vfsim_profile *p)
{
	prof_a(p);
	p->rom_size = 0x40000;
}

/* B: PCIe, VGA, no BARs, two device-specific regions (one write-only). */
static void prof_b(struct vfsim_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->pcie = true;
	p->vga = true;
	p->ndev_regions = 2;
	p->dev_regions[0] = (struct prof_dev_region){ .type = 0x80000000u | 0x8086, .subtype = 1,
						      .size = 0x2000, .read = true, .mmap = true };
	p->dev_regions[1] = (struct prof_dev_region){ .type = 3, .subtype = 2, .size = 0x1000, .write = true };
}

static struct vfsim_dev *dev_new(void (*fill)(struct vfsim_profile *p))
{
	struct vfsim_dev *dev = calloc(1, sizeof(*dev));

	assert_non_null(dev);
	fill(&dev->prof);
	assert_int_equal(cfg_new(&dev->prof, &dev->cfg), 0);
	assert_int_equal(region_set_new(dev, &dev->regions), 0);
	assert_int_equal(irq_new(dev, &dev->irq), 0);
	return dev;
}

static void dev_free(struct vfsim_dev *dev)
{
	irq_free(dev->irq);
	region_set_free(dev->regions);
	cfg_free(dev->cfg);
	free(dev);
}

struct index_row {
	unsigned index;
	uint64_t size;
	uint32_t flags;
	bool memfd;
	unsigned nsparse;
};

static const struct index_row rows_a[] = {
	{ 0, 0x4000, RW | MM, true, 0 },
	{ 1, 0x20, RW, true, 0 },
	{ 2, 0x100000, RW | MM, true, 2 },
	{ 3, 0, 0, false, 0 },		/* upper half of BAR2 */
	{ 4, 0, 0, false, 0 },
	{ 5, 0, 0, false, 0 },
	{ 6, 0x10000, RD, true, 0 },
	{ 7, 256, RW, false, 0 },
	{ 8, 0, 0, false, 0 },
};

static const struct index_row rows_b[] = {
	{ 0, 0, 0, false, 0 },
	{ 5, 0, 0, false, 0 },
	{ 6, 0, 0, false, 0 },
	{ 7, 4096, RW, false, 0 },
	{ 8, 0xc0000, RW, true, 0 },
	{ 9, 0x2000, RD | MM, true, 0 },
	{ 10, 0x1000, VFIO_REGION_INFO_FLAG_WRITE, true, 0 },
};

static void check_index_rows(const struct region_set *rs, const struct index_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct region *r = region_get(rs, rows[i].index);

		assert_non_null(r);
		if (r->index != rows[i].index || r->size != rows[i].size || r->flags != rows[i].flags ||
		    (r->memfd >= 0) != rows[i].memfd || (r->mem != NULL) != rows[i].memfd ||
		    r->nsparse != rows[i].nsparse || r->msix_mappable)
			fail_msg("region %u: size 0x%llx flags 0x%x memfd %d nsparse %u", rows[i].index,
				 (unsigned long long)r->size, r->flags, r->memfd, r->nsparse);
	}
}

static void test_indexes(void **state)
{
	struct vfsim_dev *a = dev_new(prof_a), *b = dev_new(prof_b);
	const struct region *r;

	assert_int_equal(region_count(a->regions), 9);
	assert_null(region_get(a->regions, 9));
	check_index_rows(a->regions, rows_a, sizeof(rows_a) / sizeof(rows_a[0]));
	r = region_get(a->regions, 2);
	assert_true(r->sparse[0].offset == 0 && r->sparse[0].size == 0x1000);
	assert_true(r->sparse[1].offset == 0x2000 && r->sparse[1].size == 0xfe000);
	assert_false(region_get(a->regions, 0)->has_type);

	assert_int_equal(region_count(b->regions), 11);
	assert_null(region_get(b->regions, 11));
	check_index_rows(b->regions, rows_b, sizeof(rows_b) / sizeof(rows_b[0]));
	r = region_get(b->regions, 9);
	assert_true(r->has_type);
	assert_int_equal(r->type, 0x80008086u);
	assert_int_equal(r->subtype, 1);
	r = region_get(b->regions, 10);
	assert_true(r->has_type && r->type == 3 && r->subtype == 2);
	dev_free(a);
	dev_free(b);
	region_set_free(NULL);
}

/* The memfd is the memory: a second mapping sees region_rw, and back. */
static void test_memfd_shared(void **state)
{
	struct vfsim_dev *a = dev_new(prof_a);
	const struct region *r = region_get(a->regions, 0);
	uint32_t v = 0xdeadbeef, w = 0;
	uint8_t *m;

	m = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, r->memfd, 0);
	assert_true(m != MAP_FAILED);
	assert_int_equal(region_rw(a, 0, 0x3ffc, &v, 4, true), 4);
	assert_memory_equal(m + 0x3ffc, &v, 4);
	m[0x10] = 0x42;
	assert_int_equal(region_rw(a, 0, 0x10, &w, 1, false), 1);
	assert_int_equal(w, 0x42);
	munmap(m, r->size);
	dev_free(a);
}

struct rw_case {
	const char *name;
	unsigned index;
	uint64_t off;
	size_t len;
	bool write;
	int ret, rule;
};

static const struct rw_case rw_cases_a[] = {
	{ "bar0 first byte", 0, 0, 1, false, 1, 0 },
	{ "bar0 last dword", 0, 0x3ffc, 4, true, 4, 0 },
	{ "bar0 whole", 0, 0, 0x4000, false, 0x4000, 0 },
	{ "bar0 len 0 at end", 0, 0x4000, 0, false, 0, 0 },
	{ "bar0 crossing end", 0, 0x3ffe, 4, false, -EINVAL, RULE_REGION_RANGE },
	{ "bar0 at end", 0, 0x4000, 1, true, -EINVAL, RULE_REGION_RANGE },
	{ "bar0 past end len 0", 0, 0x4001, 0, false, -EINVAL, RULE_REGION_RANGE },
	{ "bar0 off overflow", 0, UINT64_MAX, 2, false, -EINVAL, RULE_REGION_RANGE },
	{ "bar0 len > INT_MAX", 0, 0, (size_t)1 << 31, false, -EINVAL, RULE_REGION_ACCESS_SIZE },
	{ "io bar", 1, 0x1c, 4, true, 4, 0 },
	{ "bar3 upper half", 3, 0, 4, false, -EINVAL, RULE_REGION_ABSENT },
	{ "bar4 absent", 4, 0, 4, true, -EINVAL, RULE_REGION_ABSENT },
	{ "bar4 absent len 0", 4, 0, 0, false, -EINVAL, RULE_REGION_ABSENT },
	{ "rom read", 6, 0xfffc, 4, false, 4, 0 },
	{ "rom write", 6, 0, 4, true, -EINVAL, RULE_REGION_NO_WRITE },
	{ "config read", 7, 0xfc, 4, false, 4, 0 },
	{ "config beyond 256", 7, 0x100, 4, false, -EINVAL, RULE_REGION_RANGE },
	{ "vga absent", 8, 0, 1, false, -EINVAL, RULE_REGION_ABSENT },
	{ "index 9 of 9", 9, 0, 1, false, -EINVAL, RULE_REGION_INDEX },
	{ "index huge", 0xffffffffu, 0, 1, false, -EINVAL, RULE_REGION_INDEX },
};

static const struct rw_case rw_cases_b[] = {
	{ "bar0 absent", 0, 0, 4, false, -EINVAL, RULE_REGION_ABSENT },
	{ "rom absent", 6, 0, 4, false, -EINVAL, RULE_REGION_ABSENT },
	{ "config 4K last", 7, 0xffc, 4, true, 4, 0 },
	{ "vga top", 8, 0xbfffc, 4, true, 4, 0 },
	{ "vga beyond", 8, 0xc0000, 1, false, -EINVAL, RULE_REGION_RANGE },
	{ "read-only region write", 9, 0, 4, true, -EINVAL, RULE_REGION_NO_WRITE },
	{ "read-only region read", 9, 0x1ffc, 4, false, 4, 0 },
	{ "write-only region read", 10, 0, 4, false, -EINVAL, RULE_REGION_NO_READ },
	{ "write-only region write", 10, 0xffc, 4, true, 4, 0 },
	{ "index 11 of 11", 11, 0, 1, false, -EINVAL, RULE_REGION_INDEX },
};

static void run_rw_cases(struct vfsim_dev *dev, const struct rw_case *cases, size_t n)
{
	static uint8_t buf[0x4000];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct rw_case *k = &cases[i];
		int r, err;

		vfsim_reject_clear();
		r = region_rw(dev, k->index, k->off, buf, k->len, k->write);
		if (r != k->ret)
			fail_msg("%s: %d, expected %d", k->name, r, k->ret);
		if (vfsim_last_rule(&err) != k->rule)
			fail_msg("%s: rule %s, expected %s", k->name, vfsim_rule_name(vfsim_last_rule(NULL)),
				 vfsim_rule_name(k->rule));
		if (k->ret < 0)
			assert_int_equal(err, k->ret);
	}
}

static void test_rw_rules(void **state)
{
	struct vfsim_dev *a = dev_new(prof_a), *b = dev_new(prof_b);

	run_rw_cases(a, rw_cases_a, sizeof(rw_cases_a) / sizeof(rw_cases_a[0]));
	run_rw_cases(b, rw_cases_b, sizeof(rw_cases_b) / sizeof(rw_cases_b[0]));
	vfsim_reject_clear();
	assert_int_equal(region_rw(NULL, 0, 0, NULL, 0, false), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_REGION_INDEX);
	dev_free(a);
	dev_free(b);
}

/* Expansion ROM: starts with the 0x55 0xAA signature (PCI 3.0 6.3.1.1),
 * writes are refused, reset restores a scribbled image. */
static void rom_check(void (*fill)(struct vfsim_profile *p))
{
	struct vfsim_dev *a = dev_new(fill), *fresh = dev_new(fill);
	const struct region *r = region_get(a->regions, 6);
	uint8_t sig[2], buf[4] = { 1, 2, 3, 4 };

	assert_int_equal(region_rw(a, 6, 0, sig, 2, false), 2);
	assert_int_equal(sig[0], 0x55);
	assert_int_equal(sig[1], 0xaa);
	assert_memory_equal(r->mem, region_get(fresh->regions, 6)->mem, r->size);
	/* the documented content: header 55 aa <size / 512>, then byte i is
	 * i ^ (i >> 8) ^ (i >> 16) ^ 0x3c */
	for (uint64_t i = 3; i < r->size; i++)
		if (r->mem[i] != (uint8_t)(i ^ (i >> 8) ^ (i >> 16) ^ 0x3c))
			fail_msg("ROM byte 0x%llx is 0x%02x", (unsigned long long)i, r->mem[i]);
	assert_int_equal(r->mem[2], r->size / 512 > 255 ? 255 : r->size / 512);
	assert_int_equal(region_rw(a, 6, 0, buf, 4, true), -EINVAL);
	assert_int_equal(r->mem[0], 0x55);
	r->mem[0] = 0;
	r->mem[r->size - 1] ^= 0xff;
	region_set_reset(a->regions);
	assert_memory_equal(r->mem, region_get(fresh->regions, 6)->mem, r->size);
	dev_free(a);
	dev_free(fresh);
}

static void test_rom(void **state)
{
	rom_check(prof_a);
}

/* Past the first 64K the pattern's i >> 16 term is no longer 0. */
static void test_rom_large(void **state)
{
	rom_check(prof_a_rom256k);
}

/* CONFIG goes to cfg.c: interrupt line is RW, vendor ID is RO. */
static void test_config_region(void **state)
{
	struct vfsim_dev *a = dev_new(prof_a);
	uint8_t v = 0x0b, w = 0;
	uint16_t id = 0xffff;

	assert_int_equal(region_rw(a, 7, 0x3c, &v, 1, true), 1);
	assert_int_equal(cfg_read(a->cfg, 0x3c, &w, 1), 1);
	assert_int_equal(w, 0x0b);
	assert_int_equal(region_rw(a, 7, 0, &id, 2, true), 2);
	assert_int_equal(region_rw(a, 7, 0, &id, 2, false), 2);
	assert_int_equal(id, 0x1b36);
	assert_null(region_get(a->regions, 7)->mem);
	dev_free(a);
}

/* ---- MSI-X table and PBA ---------------------------------------------------------- */

#define TBL 0x1000u
#define PBA 0x1800u

static uint32_t ctrl_of(struct vfsim_dev *dev, unsigned v)
{
	uint32_t c = 0;

	assert_int_equal(region_rw(dev, 2, TBL + 16 * v + 12, &c, 4, false), 4);
	return c;
}

static void set_ctrl(struct vfsim_dev *dev, unsigned v, uint32_t c)
{
	assert_int_equal(region_rw(dev, 2, TBL + 16 * v + 12, &c, 4, true), 4);
}

static uint64_t pba_of(struct vfsim_dev *dev)
{
	uint64_t p = 0;

	assert_int_equal(region_rw(dev, 2, PBA, &p, 8, false), 8);
	return p;
}

static void msix_triggers(struct vfsim_dev *dev, int *fds, unsigned n)
{
	uint8_t buf[sizeof(struct vfio_irq_set) + 8 * sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;
	unsigned i;

	assert_true(n <= 8);
	for (i = 0; i < n; i++) {
		fds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		assert_true(fds[i] >= 0);
	}
	set->argsz = sizeof(*set) + n * sizeof(int32_t);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = VFIO_PCI_MSIX_IRQ_INDEX;
	set->start = 0;
	set->count = n;
	memcpy(set->data, fds, n * sizeof(int32_t));
	assert_int_equal(irq_set(dev->irq, set, set->data), 0);
}

static uint64_t drain(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static void test_msix_table(void **state)
{
	struct vfsim_dev *a = dev_new(prof_a);
	uint8_t entries[64];
	unsigned v;

	/* out of reset every vector is masked, address and data 0 */
	for (v = 0; v < 8; v++)
		assert_int_equal(ctrl_of(a, v), 1);

	/* mask transitions reach irq.c */
	set_ctrl(a, 3, 1);
	set_ctrl(a, 3, 0);
	assert_false(irq_masked(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, 3));
	set_ctrl(a, 3, 1);
	assert_true(irq_masked(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, 3));
	set_ctrl(a, 3, 0);
	assert_false(irq_masked(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, 3));
	/* a byte write of the mask byte only */
	entries[0] = 1;
	assert_int_equal(region_rw(a, 2, TBL + 16 * 3 + 12, entries, 1, true), 1);
	assert_true(irq_masked(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, 3));

	/* one write covering entries 4..7: address/data stored, masks 4 and 6 cleared */
	memset(entries, 0, sizeof(entries));
	for (v = 0; v < 4; v++) {
		entries[16 * v + 0] = 0xe0 + v;		/* address */
		entries[16 * v + 8] = (uint8_t)(0x40 + v);	/* data */
		entries[16 * v + 12] = v & 1;			/* 4, 6 unmasked; 5, 7 masked */
	}
	for (v = 4; v < 8; v++)
		set_ctrl(a, v, 0);
	for (v = 4; v < 7; v++)
		set_ctrl(a, v, 1);			/* 4..6 masked, 7 unmasked */
	assert_int_equal(region_rw(a, 2, TBL + 16 * 4, entries, sizeof(entries), true), 64);
	assert_false(irq_masked(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, 4));
	assert_true(irq_masked(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, 5));
	assert_false(irq_masked(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, 6));
	assert_true(irq_masked(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, 7));
	assert_memory_equal(region_get(a->regions, 2)->mem + TBL + 64, entries, sizeof(entries));

	/* reset: all masked again, irq.c told about the ones that were not */
	region_set_reset(a->regions);
	for (v = 0; v < 8; v++) {
		assert_int_equal(ctrl_of(a, v), 1);
		if (v >= 3)
			assert_true(irq_masked(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, v));
	}
	dev_free(a);
}

static void test_msix_pba(void **state)
{
	struct vfsim_dev *a = dev_new(prof_a);
	int fds[8];
	uint64_t ones = ~0ull;
	unsigned v;

	msix_triggers(a, fds, 8);
	assert_int_equal(pba_of(a), 0);
	set_ctrl(a, 2, 0);
	set_ctrl(a, 2, 1);		/* irq.c now knows vector 2 is masked */
	set_ctrl(a, 5, 0);
	set_ctrl(a, 5, 1);
	assert_int_equal(irq_raise(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, 2), 0);
	assert_int_equal(irq_raise(a->irq, VFIO_PCI_MSIX_IRQ_INDEX, 5), 0);
	assert_int_equal(pba_of(a), (1u << 2) | (1u << 5));
	/* the PBA is read-only */
	assert_int_equal(region_rw(a, 2, PBA, &ones, 8, true), 8);
	assert_int_equal(pba_of(a), (1u << 2) | (1u << 5));
	assert_int_equal(region_get(a->regions, 2)->mem[PBA], 0);
	/* a read that straddles the PBA start */
	{
		uint8_t b[4];

		assert_int_equal(region_rw(a, 2, PBA - 2, b, 4, false), 4);
		assert_int_equal(b[2], 0x24);
		assert_int_equal(b[3], 0);
	}
	/* unmasking delivers the pending message and clears the bit */
	set_ctrl(a, 2, 0);
	assert_int_equal(drain(fds[2]), 1);
	assert_int_equal(pba_of(a), 1u << 5);
	for (v = 0; v < 8; v++)
		close(fds[v]);
	dev_free(a);
}

/* Reset zeroes BAR, VGA and device region memory. */
static void test_reset_memory(void **state)
{
	struct vfsim_dev *b = dev_new(prof_b), *a = dev_new(prof_a);
	uint32_t v = 0x12345678, w;

	assert_int_equal(region_rw(b, 8, 0xa0000, &v, 4, true), 4);
	assert_int_equal(region_rw(b, 10, 0, &v, 4, true), 4);
	region_get(b->regions, 9)->mem[5] = 9;
	assert_int_equal(region_rw(a, 0, 0x100, &v, 4, true), 4);
	assert_int_equal(region_rw(a, 1, 0x10, &v, 4, true), 4);
	region_set_reset(b->regions);
	region_set_reset(a->regions);
	assert_int_equal(region_rw(b, 8, 0xa0000, &w, 4, false), 4);
	assert_int_equal(w, 0);
	assert_int_equal(region_get(b->regions, 10)->mem[0], 0);
	assert_int_equal(region_get(b->regions, 9)->mem[5], 0);
	assert_int_equal(region_rw(a, 0, 0x100, &w, 4, false), 4);
	assert_int_equal(w, 0);
	assert_int_equal(region_rw(a, 1, 0x10, &w, 4, false), 4);
	assert_int_equal(w, 0);
	dev_free(a);
	dev_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_indexes),
		cmocka_unit_test(test_memfd_shared),
		cmocka_unit_test(test_rw_rules),
		cmocka_unit_test(test_rom),
		cmocka_unit_test(test_rom_large),
		cmocka_unit_test(test_config_region),
		cmocka_unit_test(test_msix_table),
		cmocka_unit_test(test_msix_pba),
		cmocka_unit_test(test_reset_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
