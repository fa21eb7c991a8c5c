/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The migration round trip of test-mig-stream.c for every profile in
 * FIXTURES_DIR/devices: every piece of state the profile has (config space,
 * region memory, MSI-X table, IRQ mode with its mask and pending bits, the
 * DMA engine's registers) is changed on the source and must arrive intact.
 * A profile without migration support is carried by a STOP_COPY-only state
 * made here, so every device's state is covered.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "dev.h"
#include "cfg.h"
#include "engine.h"
#include "irq.h"
#include "mig.h"
#include "mig-stream.h"
#include "region.h"
#include "rules.h"
#include "mig-fixture.h"

/* ---- every fixture profile ------------------------------------------------- */

/* Profiles the fixtures must hold, with the support set each one's JSON
 * declares ("migration": stop_copy 0x1, p2p 0x2, pre_copy 0x4; none: 0).
 * Every *.json of the directory runs, listed here or not. */
static const struct fixture_row {
	const char *name;
	uint32_t mig_flags;
} fixture_rows[] = {
	{ "minimal", 0 },
	{ "nvme", 0 },
	{ "gpio", 0 },
	{ "dmaengine", 0x7 },
	{ "mig-stopcopy", 0x1 },
	{ "mig-p2p", 0x3 },
	{ "mig-precopy", 0x5 },
};

#define CFG_REGION VFIO_PCI_CONFIG_REGION_INDEX

struct span {
	uint64_t off, len;
};

/* Areas of region @index that are not plain memory: the MSI-X table and PBA
 * (PCI 3.0 6.8.2; a PBA bit is one vector, in qwords) and the DMA engine's
 * register block (engine.h). */
static unsigned trapped_areas(const struct vfsim_profile *p, unsigned index, struct span *ret)
{
	unsigned n = 0;

	if (p->msix_vectors && index == p->msix_bar) {
		ret[n++] = (struct span){ p->msix_table_offset, 16ull * p->msix_vectors };
		ret[n++] = (struct span){ p->msix_pba_offset, (p->msix_vectors + 63ull) / 64 * 8 };
	}
	if (p->engine.present && index == p->engine.bar)
		ret[n++] = (struct span){ p->engine.offset, ENGINE_REG_SIZE };
	return n;
}

static bool overlaps(const struct span *a, unsigned n, uint64_t off, uint64_t len)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (off < a[i].off + a[i].len && a[i].off < off + len)
			return true;
	return false;
}

static void mem_put(struct vfsim_dev *dev, unsigned index, uint64_t off, const void *v, size_t len)
{
	uint8_t buf[8], back[8];

	assert_true(len <= sizeof(buf));
	memcpy(buf, v, len);
	assert_int_equal(region_rw(dev, index, off, buf, len, true), len);
	assert_int_equal(region_rw(dev, index, off, back, len, false), len);
	if (memcmp(back, v, len))
		fail_msg("%s: region %u at 0x%llx does not read back as written", dev->prof.name,
			 index, (unsigned long long)off);
}

/* Plain memory of every writable memory-backed region (BARs, VGA,
 * device-specific; the ROM is read-only): a word in every page, at an offset
 * that moves with the page and the pass, and the region's last byte. */
static void scribble_memory(struct vfsim_dev *dev, unsigned seed)
{
	unsigned i, n = region_count(dev->regions);

	for (i = 0; i < n; i++) {
		const struct region *r = region_get(dev->regions, i);
		struct span trap[3];
		unsigned ntrap;
		uint64_t page;
		uint8_t last = (uint8_t)(0xa0 + 0x10 * seed + i);

		assert_non_null(r);
		if (i == CFG_REGION || !r->mem || !(r->flags & VFIO_REGION_INFO_FLAG_WRITE))
			continue;
		ntrap = trapped_areas(&dev->prof, i, trap);
		for (page = 0; page * MIG_STREAM_PAGE < r->size; page++) {
			uint64_t base = page * MIG_STREAM_PAGE, room = r->size - base, in;
			uint32_t v = 0x5a000000u ^ seed << 20 ^ i << 16 ^ (uint32_t)page;

			if (room > MIG_STREAM_PAGE)
				room = MIG_STREAM_PAGE;
			if (room < sizeof(v))
				continue;
			in = ((page * 5 + seed) * 8) % (room - 3) & ~3ull;
			if (!overlaps(trap, ntrap, base + in, sizeof(v)))
				mem_put(dev, i, base + in, &v, sizeof(v));
		}
		if (!overlaps(trap, ntrap, r->size - 1, 1))
			mem_put(dev, i, r->size - 1, &last, 1);
	}
}

/* A config register the spec makes RW: the new value must show. */
static void cfg_put(struct vfsim_dev *dev, uint32_t off, uint32_t v, size_t len)
{
	uint32_t before = 0, after = 0;

	assert_int_equal(region_rw(dev, CFG_REGION, off, &before, len, false), len);
	assert_int_equal(region_rw(dev, CFG_REGION, off, &v, len, true), len);
	assert_int_equal(region_rw(dev, CFG_REGION, off, &after, len, false), len);
	if (after == before)
		fail_msg("%s: config 0x%x stays 0x%x after writing 0x%x", dev->prof.name, off,
			 before, v);
}

static uint32_t cfg_get(struct vfsim_dev *dev, uint32_t off, size_t len)
{
	uint32_t v = 0;

	assert_int_equal(region_rw(dev, CFG_REGION, off, &v, len, false), len);
	return v;
}

/* Config space: header (PCI 3.0 6.2: command, cache line size, interrupt
 * line, BAR and ROM addresses), MSI address/data/mask (6.8.1), MSI-X
 * function mask (6.8.2), PCIe error reporting enables (PCIe 3.0 7.8.4). */
static void scribble_config(struct vfsim_dev *dev, unsigned seed)
{
	const struct vfsim_profile *p = &dev->prof;
	uint8_t msi = cfg_cap_offset(dev->cfg, PCI_CAP_ID_MSI);
	uint8_t msix = cfg_cap_offset(dev->cfg, PCI_CAP_ID_MSIX);
	uint8_t exp = cfg_cap_offset(dev->cfg, PCI_CAP_ID_EXP);
	unsigned i;

	cfg_put(dev, PCI_COMMAND, seed == 1 ? PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER :
		PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | PCI_COMMAND_SERR, 2);
	cfg_put(dev, PCI_CACHE_LINE_SIZE, 0x08 * seed, 1);
	cfg_put(dev, PCI_INTERRUPT_LINE, 0x0a + seed, 1);
	for (i = 0; i < 6; i++) {
		if (!p->bars[i].size)
			continue;
		if (p->bars[i].io) {
			cfg_put(dev, PCI_BASE_ADDRESS_0 + 4 * i, 0xc000 + 0x100 * seed, 4);
			continue;
		}
		cfg_put(dev, PCI_BASE_ADDRESS_0 + 4 * i, 0xc0000000u + 0x10000000u * seed, 4);
		if (p->bars[i].is64)
			cfg_put(dev, PCI_BASE_ADDRESS_0 + 4 * ++i, seed, 4);
	}
	if (p->rom_size)
		cfg_put(dev, PCI_ROM_ADDRESS, 0xf0000000u + 0x01000000u * seed, 4);
	if (msi) {
		bool is64 = p->msi_64bit;

		cfg_put(dev, msi + PCI_MSI_ADDRESS_LO, 0xfee00000u | seed << 12, 4);
		if (is64)
			cfg_put(dev, msi + PCI_MSI_ADDRESS_HI, seed, 4);
		cfg_put(dev, msi + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32), 0x4020 + seed, 2);
		if (p->msi_maskable)
			cfg_put(dev, msi + (is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32), seed, 4);
	}
	if (msix)
		cfg_put(dev, msix + PCI_MSIX_FLAGS,
			cfg_get(dev, msix + PCI_MSIX_FLAGS, 2) ^ PCI_MSIX_FLAGS_MASKALL, 2);
	if (exp)
		cfg_put(dev, exp + PCI_EXP_DEVCTL, cfg_get(dev, exp + PCI_EXP_DEVCTL, 2) ^
			(seed == 1 ? PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE :
				     PCI_EXP_DEVCTL_URRE), 2);
}

static void irq_triggers(struct vfsim_dev *dev, unsigned index, unsigned count)
{
	struct vfio_irq_set hdr;
	int32_t *fds = calloc(count, sizeof(*fds));
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	unsigned i;

	assert_non_null(fds);
	assert_true(efd >= 0);
	for (i = 0; i < count; i++)
		fds[i] = efd;
	memset(&hdr, 0, sizeof(hdr));
	hdr.argsz = sizeof(hdr) + count * sizeof(*fds);
	hdr.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	hdr.index = index;
	hdr.count = count;
	assert_int_equal(irq_set(dev->irq, &hdr, fds), 0);
	close(efd);	/* the device holds its own duplicates */
	free(fds);
}

/* IRQ configuration. With MSI-X: every table entry (address, data, vector
 * control; half the vectors masked, the other half on the next pass), every
 * vector wired, every vector raised: a masked one only sets its pending bit
 * (PCI 3.0 6.8.2.9), an unmasked one signals. Else INTx: wired, masked,
 * raised, pending. */
static void scribble_irq(struct vfsim_dev *dev, unsigned seed)
{
	const struct vfsim_profile *p = &dev->prof;
	const unsigned msix = VFIO_PCI_MSIX_IRQ_INDEX;
	unsigned v;

	if (p->msix_vectors) {
		for (v = 0; v < p->msix_vectors; v++) {
			uint64_t off = p->msix_table_offset + 16ull * v;
			uint32_t e[4] = { 0xfee00000u | v << 12 | seed << 4, seed,
					  0x4000u | seed << 8 | v, (v + seed) % 2 };

			assert_int_equal(region_rw(dev, p->msix_bar, off, e, sizeof(e), true), 16);
			assert_int_equal(irq_masked(dev->irq, msix, v), (v + seed) % 2);
		}
		irq_triggers(dev, msix, p->msix_vectors);
		for (v = 0; v < p->msix_vectors; v++) {
			bool masked = (v + seed) % 2;

			assert_int_equal(vfsim_dev_raise_irq(dev, msix, v), masked ? 0 : 1);
			assert_int_equal(irq_pending(dev->irq, msix, v), masked);
		}
	} else if (p->intx_pin) {
		struct vfio_irq_set hdr;

		irq_triggers(dev, VFIO_PCI_INTX_IRQ_INDEX, 1);
		memset(&hdr, 0, sizeof(hdr));
		hdr.argsz = sizeof(hdr);
		hdr.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK;
		hdr.index = VFIO_PCI_INTX_IRQ_INDEX;
		hdr.count = 1;
		assert_int_equal(irq_set(dev->irq, &hdr, NULL), 0);
		assert_int_equal(vfsim_dev_raise_irq(dev, VFIO_PCI_INTX_IRQ_INDEX, 0), 0);
		assert_true(irq_pending(dev->irq, VFIO_PCI_INTX_IRQ_INDEX, 0));
	}
}

static uint64_t engine_rw(struct vfsim_dev *dev, uint32_t reg, uint64_t v, size_t len, bool write)
{
	uint64_t off = dev->prof.engine.offset + reg;

	assert_int_equal(region_rw(dev, dev->prof.engine.bar, off, &v, len, write), len);
	return v;
}

/* DMA engine (engine.h): SRC, DST, LEN; on the first pass a doorbell, which
 * fails with EFAULT as the device has no IOMMU (dev.h: dev_dma_rw) and
 * latches ERROR; on the second the RW1C clear of it; then a tick. */
static void scribble_engine(struct vfsim_dev *dev, unsigned seed)
{
	uint32_t ticks;

	engine_rw(dev, ENGINE_REG_SRC, 0x100000ull * seed + 0x40, 8, true);
	engine_rw(dev, ENGINE_REG_DST, 0x200000ull * seed + 0x80, 8, true);
	engine_rw(dev, ENGINE_REG_LEN, 0x40 * seed, 4, true);
	assert_int_equal(engine_rw(dev, ENGINE_REG_SRC, 0, 8, false), 0x100000ull * seed + 0x40);
	if (seed == 1) {
		engine_rw(dev, ENGINE_REG_DOORBELL, 1, 4, true);
		assert_int_equal(engine_rw(dev, ENGINE_REG_STATUS, 0, 4, false),
				 ENGINE_STATUS_ERROR);
		assert_int_equal(engine_rw(dev, ENGINE_REG_ERRNO, 0, 4, false), EFAULT);
	} else {
		engine_rw(dev, ENGINE_REG_STATUS, ENGINE_STATUS_ERROR, 4, true);
		assert_int_equal(engine_rw(dev, ENGINE_REG_STATUS, 0, 4, false), 0);
	}
	ticks = engine_rw(dev, ENGINE_REG_TICKS, 0, 4, false);
	vfsim_dev_tick(dev);
	assert_int_equal(engine_rw(dev, ENGINE_REG_TICKS, 0, 4, false), ticks + 1);
}

/* Change every piece of state @dev's profile has; @seed (1, 2) picks values
 * that differ from the reset state and from the other pass. */
static void scribble_all(struct vfsim_dev *dev, unsigned seed)
{
	scribble_memory(dev, seed);
	scribble_irq(dev, seed);
	if (dev->prof.engine.present)
		scribble_engine(dev, seed);
	scribble_config(dev, seed);
}

/* The stream in chunk sizes that straddle every record boundary sooner or
 * later; every chunk must be taken whole. */
static void write_odd_chunks(struct mig_state *m, uint32_t s, const struct tu_blob *img)
{
	static const size_t sizes[] = { 1, 3, 777, 4099, 13, 65537, 511, 24 };
	size_t off = 0, i = 0;
	ssize_t n;

	while (off < img->len) {
		size_t k = sizes[i++ % (sizeof(sizes) / sizeof(sizes[0]))];

		if (k > img->len - off)
			k = img->len - off;
		n = tu_mig_write(m, s, img->p + off, k);
		if (n != (ssize_t)k)
			fail_msg("write of %zu at %zu of %zu: %zd (%s)", k, off, img->len, n,
				 vfsim_rule_name(vfsim_last_rule(NULL)));
		off += k;
	}
}

/* Migrate a device of fixture profile @stem from A to B; returns its support set
 * (0: no migration, the stream was carried by a STOP_COPY state made here). */
static uint32_t round_trip_profile(const char *stem, char *ret_name, size_t namelen)
{
	struct vfsim_profile *prof = tu_profile_load(stem);
	struct vfsim_dev *a = NULL, *b = NULL;
	struct mig_state *own_a = NULL, *own_b = NULL, *ma, *mb;
	struct tu_blob img = { 0 };
	char msg[256];
	uint32_t flags, sa, sb;

	snprintf(ret_name, namelen, "%s", vfsim_profile_name(prof));
	flags = prof->mig_flags;
	assert_int_equal(vfsim_dev_new(prof, &a), 0);
	assert_int_equal(vfsim_dev_new(prof, &b), 0);
	vfsim_profile_free(prof);
	if (!a->mig) {
		assert_null(b->mig);
		assert_int_equal(mig_new(a, VFIO_MIGRATION_STOP_COPY, &own_a), 0);
		assert_int_equal(mig_new(b, VFIO_MIGRATION_STOP_COPY, &own_b), 0);
	}
	ma = a->mig ? a->mig : own_a;
	mb = b->mig ? b->mig : own_b;

	scribble_all(a, 1);
	if (!vfsim_dev_compare(a, b, msg, sizeof(msg)))
		fail_msg("%s: the changes made no difference to compare", ret_name);

	if (mig_flags(ma) & VFIO_MIGRATION_PRE_COPY) {
		sa = tu_mig_set_ok(ma, PRE);
		assert_int_not_equal(sa, 0);
		tu_blob_read_all(ma, sa, &img, true);
		scribble_all(a, 2);
		assert_int_equal(tu_mig_set_ok(ma, SCOPY), 0);	/* the PRE_COPY session carries on */
	} else {
		sa = tu_mig_set_ok(ma, SCOPY);
		assert_int_not_equal(sa, 0);
	}
	tu_blob_read_all(ma, sa, &img, false);

	tu_mig_set_ok(mb, STOP);
	sb = tu_mig_set_ok(mb, RESUME);
	assert_int_not_equal(sb, 0);
	write_odd_chunks(mb, sb, &img);
	assert_int_equal(tu_mig_set_ok(mb, STOP), 0);
	if (vfsim_dev_compare(a, b, msg, sizeof(msg)))
		fail_msg("%s: after migration: %s", ret_name, msg);

	free(img.p);
	mig_free(own_a);
	mig_free(own_b);
	vfsim_dev_free(a);
	vfsim_dev_free(b);
	return flags;
}

static void test_round_trip_every_profile(void **state)
{
	bool seen[TU_ARRAY_SIZE(fixture_rows)] = { 0 };
	struct tu_stems stems;
	unsigned i, j;

	tu_fixture_stems("devices", &stems);
	for (i = 0; i < stems.n; i++) {
		char name[64];
		uint32_t flags;

		print_message("  %s.json\n", stems.name[i]);
		flags = round_trip_profile(stems.name[i], name, sizeof(name));
		for (j = 0; j < TU_ARRAY_SIZE(fixture_rows); j++) {
			if (strcmp(name, fixture_rows[j].name))
				continue;
			if (flags != fixture_rows[j].mig_flags)
				fail_msg("%s: migration flags 0x%x, the fixture says 0x%x", name,
					 flags, fixture_rows[j].mig_flags);
			seen[j] = true;
		}
	}
	for (j = 0; j < TU_ARRAY_SIZE(fixture_rows); j++)
		if (!seen[j])
			fail_msg("profile %s not found in %s/devices", fixture_rows[j].name,
				 FIXTURES_DIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_every_profile),
	};

	return cmocka_run_group_tests_name("mig-profiles", tests, NULL, NULL);
}
