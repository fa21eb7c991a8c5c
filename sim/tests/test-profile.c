/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * profile.c: every fixture device loads and says what its JSON says; every
 * bad profile is refused with -EINVAL, a message naming the key path and the
 * problem, and the rule it breaks (one file per violation, and every PROFILE_*
 * rule is exercised); size, depth and boundary values of each range; the
 * loader's bounds (1 MiB) and its I/O errors.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "include/vfsim.h"
#include "profile.h"
#include "rules.h"
#include "test-util.h"

/* A fixture that loads leaves no rejection behind. */
static struct vfsim_profile *load_ok(const char *name)
{
	struct vfsim_profile *p = tu_profile_load(name);

	assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
	return p;
}

static void test_every_device_loads(void **state)
{
	struct tu_stems stems;
	unsigned i;

	tu_fixture_stems("devices", &stems);
	for (i = 0; i < stems.n; i++) {
		struct vfsim_profile *p = load_ok(stems.name[i]);
		char file[80];

		snprintf(file, sizeof(file), "%s.json", stems.name[i]);
		assert_string_equal(vfsim_profile_name(p), stems.name[i]);
		assert_non_null(strstr(p->source, file));
		vfsim_profile_free(p);
	}
	assert_true(stems.n >= 7);
}

/* Values transcribed from the fixture files and the issue that defines them. */
static void test_nvme_fields(void **state)
{
	struct vfsim_profile *p = load_ok("nvme");

	assert_int_equal(p->vendor_id, 0x1b36);
	assert_int_equal(p->device_id, 0x0010);
	assert_int_equal(p->class_code, 0x010802);
	assert_true(p->pcie && p->pm && p->reset);
	assert_int_equal(p->intx_pin, 1);
	assert_int_equal(p->msi_vectors, 0);
	assert_int_equal(p->msix_vectors, 32);
	assert_int_equal(p->msix_bar, 0);
	assert_int_equal(p->msix_table_offset, 0x2000);
	assert_int_equal(p->msix_pba_offset, 0x2800);
	assert_int_equal(p->bars[0].size, 0x4000);
	assert_true(p->bars[0].is64 && p->bars[0].mmap && !p->bars[0].io && !p->bars[0].prefetch);
	assert_int_equal(p->bars[0].nsparse, 2);
	assert_int_equal(p->bars[0].sparse[0].offset, 0);
	assert_int_equal(p->bars[0].sparse[0].size, 0x2000);
	assert_int_equal(p->bars[0].sparse[1].offset, 0x3000);
	assert_int_equal(p->bars[0].sparse[1].size, 0x1000);
	/* two doorbells, any value */
	assert_int_equal(p->bars[0].nioeventfds, 2);
	assert_int_equal(p->bars[0].ioeventfds[0].offset, 0x1000);
	assert_int_equal(p->bars[0].ioeventfds[0].size, 4);
	assert_false(p->bars[0].ioeventfds[0].has_datamatch);
	assert_int_equal(p->bars[0].ioeventfds[1].offset, 0x1004);
	assert_int_equal(p->bars[0].ioeventfds[1].size, 4);
	assert_false(p->bars[0].ioeventfds[1].has_datamatch);
	for (int i = 1; i < 6; i++)
		assert_int_equal(p->bars[i].size, 0);
	assert_int_equal(p->mig_flags, 0);
	assert_false(p->engine.present);
	assert_int_equal(p->ndev_regions, 0);
	vfsim_profile_free(p);
}

static void test_dmaengine_fields(void **state)
{
	struct vfsim_profile *p = load_ok("dmaengine");

	assert_true(p->pcie && p->pm && p->reset && p->low_power && p->dma_logging);
	assert_int_equal(p->intx_pin, 1);
	assert_int_equal(p->msi_vectors, 4);
	assert_true(p->msi_64bit && p->msi_maskable);
	assert_int_equal(p->msix_vectors, 8);
	assert_int_equal(p->msix_table_offset, 0x800);
	assert_int_equal(p->msix_pba_offset, 0xc00);
	assert_int_equal(p->bars[0].size, 0x4000);
	assert_int_equal(p->bars[0].nsparse, 1);
	assert_int_equal(p->bars[0].sparse[0].offset, 0x1000);
	assert_int_equal(p->bars[0].sparse[0].size, 0x3000);
	assert_int_equal(p->bars[0].nioeventfds, 0);
	assert_int_equal(p->bars[2].size, 0x100000);
	/* a scratch register in BAR2, signalled for one value only */
	assert_int_equal(p->bars[2].nioeventfds, 1);
	assert_int_equal(p->bars[2].ioeventfds[0].offset, 0x40);
	assert_int_equal(p->bars[2].ioeventfds[0].size, 4);
	assert_true(p->bars[2].ioeventfds[0].has_datamatch);
	assert_int_equal(p->bars[2].ioeventfds[0].datamatch, 0x5a5a);
	assert_true(p->bars[2].is64 && p->bars[2].prefetch && p->bars[2].mmap);
	assert_int_equal(p->bars[2].nsparse, 0);
	assert_int_equal(p->bars[3].size, 0);
	assert_int_equal(p->rom_size, 0x10000);
	/* vfio.h: STOP_COPY (1 << 0), P2P (1 << 1), PRE_COPY (1 << 2) */
	assert_int_equal(p->mig_flags, 0x7);
	assert_true(p->engine.present);
	assert_int_equal(p->engine.bar, 0);
	assert_int_equal(p->engine.offset, 0);
	assert_int_equal(p->engine.irq_index, 2);	/* VFIO_PCI_MSIX_IRQ_INDEX */
	assert_int_equal(p->engine.irq_vector, 0);
	assert_int_equal(p->ndev_regions, 1);
	assert_int_equal(p->dev_regions[0].type, 0x80001234);
	assert_int_equal(p->dev_regions[0].subtype, 1);
	assert_int_equal(p->dev_regions[0].size, 0x1000);
	assert_true(p->dev_regions[0].read && p->dev_regions[0].write && !p->dev_regions[0].mmap);
	vfsim_profile_free(p);
}

static void test_gpio_and_minimal_fields(void **state)
{
	struct vfsim_profile *p = load_ok("gpio");

	assert_false(p->pcie || p->pm || p->reset);
	assert_int_equal(p->intx_pin, 1);
	assert_int_equal(p->msi_vectors + p->msix_vectors, 0);
	assert_true(p->bars[0].io);
	assert_int_equal(p->bars[0].size, 32);
	assert_false(p->bars[1].io || p->bars[1].mmap);
	assert_int_equal(p->bars[1].size, 4096);
	vfsim_profile_free(p);

	p = load_ok("minimal");
	assert_false(p->pcie || p->pm || p->reset || p->vga || p->low_power || p->dma_logging);
	assert_int_equal(p->intx_pin, 0);
	assert_int_equal(p->msi_vectors + p->msix_vectors + p->mig_flags + p->ndev_regions, 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(p->bars[i].size, 0);
	assert_int_equal(p->rom_size, 0);
	assert_false(p->engine.present);
	vfsim_profile_free(p);
}

/* Every migration support set of vfio.h has a profile. */
static void test_migration_support_sets(void **state)
{
	static const struct {
		const char *name;
		uint32_t flags;
		unsigned irq_index;
	} sets[] = {
		{ "mig-stopcopy", 0x1, 0 },	/* engine on INTx */
		{ "mig-p2p", 0x3, 1 },		/* engine on MSI */
		{ "mig-precopy", 0x5, 2 },
		{ "dmaengine", 0x7, 2 },
	};

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		struct vfsim_profile *p = load_ok(sets[i].name);

		assert_int_equal(p->mig_flags, sets[i].flags);
		assert_true(p->engine.present);
		assert_int_equal(p->engine.irq_index, sets[i].irq_index);
		vfsim_profile_free(p);
	}
}

static const struct bad_case {
	const char *file;
	const char *msg;	/* "key.path: problem" as it must appear in the error */
	int rule;
} bad_cases[] = {
	{ "wrong-type-bool", "pcie: expected true or false", RULE_PROFILE_TYPE },
	{ "wrong-type-object", "msix: expected an object", RULE_PROFILE_TYPE },
	{ "wrong-type-float", "device_id: expected an integer", RULE_PROFILE_TYPE },
	{ "typo-key", "intx-pin: unknown key", RULE_PROFILE_UNKNOWN_KEY },
	{ "typo-nested-key", "bars[0].prefetch: unknown key", RULE_PROFILE_UNKNOWN_KEY },
	{ "missing-vendor", "vendor_id: missing", RULE_PROFILE_MISSING_KEY },
	{ "missing-sparse-size", "bars[0].sparse[0].size: missing", RULE_PROFILE_MISSING_KEY },
	{ "bad-hex", "device_id: not a \"0x\" hex number (\"0x10g0\")", RULE_PROFILE_NUMBER },
	{ "range-u16", "device_id: out of range (0x10000", RULE_PROFILE_RANGE },
	{ "negative", "revision: negative (-1)", RULE_PROFILE_RANGE },
	{ "bad-name", "name: only [A-Za-z0-9._-] allowed", RULE_PROFILE_NAME },
	{ "vendor-ffff", "vendor_id: not a valid vendor (0xffff)", RULE_PROFILE_VENDOR_ID },
	{ "bad-pin", "intx_pin: expected INTA, INTB, INTC, INTD or none (\"INTE\")", RULE_PROFILE_INTX_PIN },
	{ "vga-not-display", "vga: class_code is not VGA 0x0300xx (0x088000)", RULE_PROFILE_VGA_CLASS },
	{ "bar-index-6", "bars[0].index: must be 0-5 (6)", RULE_PROFILE_BAR_INDEX },
	{ "bar-duplicate", "bars[1].index: BAR0 already defined by bars[0]", RULE_PROFILE_BAR_INDEX },
	{ "bar-type", "bars[0].type: expected \"mem\" or \"io\" (\"memory\")", RULE_PROFILE_BAR_TYPE },
	{ "bar-size-not-pow2", "bars[0].size: not a power of two (0x3000)", RULE_PROFILE_BAR_SIZE },
	{ "bar-io-too-big", "bars[1].size: I/O BAR must be 4-256 bytes (0x200)", RULE_PROFILE_BAR_SIZE },
	{ "bar-mem-too-small", "bars[1].size: memory BAR must be 16 B-1 GiB (0x8)", RULE_PROFILE_BAR_SIZE },
	{ "bar-io-mmap", "bars[1].mmap: not allowed on an I/O BAR", RULE_PROFILE_BAR_IO_FLAGS },
	{ "bar-io-64bit", "bars[1].64bit: not allowed on an I/O BAR", RULE_PROFILE_BAR_IO_FLAGS },
	{ "bar5-64bit", "bars[1].64bit: BAR5 cannot be 64-bit", RULE_PROFILE_BAR_64BIT_SLOT },
	{ "bar-64bit-next-used", "bars[0].64bit: BAR1 is the upper half of this BAR but bars[1] defines it", RULE_PROFILE_BAR_64BIT_SLOT },
	{ "bar-mmap-small", "bars[1].mmap: BAR smaller than a page (0x800)", RULE_PROFILE_BAR_MMAP },
	{ "sparse-no-mmap", "bars[0].sparse: sparse areas need \"mmap\": true", RULE_PROFILE_SPARSE_NO_MMAP },
	{ "sparse-too-many", "bars[1].sparse: too many areas (9, at most 8)", RULE_PROFILE_SPARSE_COUNT },
	{ "sparse-unaligned", "bars[0].sparse[1].offset: not page aligned (0x2001)", RULE_PROFILE_SPARSE_ALIGN },
	{ "sparse-zero-size", "bars[0].sparse[0].size: not a nonzero page multiple (0x0)", RULE_PROFILE_SPARSE_ALIGN },
	{ "sparse-outside", "bars[0].sparse[0]: area [0x1000, +0x4000) extends past the BAR (0x4000)", RULE_PROFILE_SPARSE_RANGE },
	{ "sparse-overlap", "bars[0].sparse[1]: overlaps sparse[0]", RULE_PROFILE_SPARSE_OVERLAP },
	{ "ioeventfd-too-many", "bars[0].ioeventfds: too many ioeventfds (17, at most 16)", RULE_PROFILE_IOEVENTFD_COUNT },
	{ "ioeventfd-size-3", "bars[0].ioeventfds[0].size: must be 1, 2, 4 or 8 (3)", RULE_PROFILE_IOEVENTFD_SIZE },
	{ "ioeventfd-unaligned", "bars[0].ioeventfds[0].offset: not a multiple of its size 4 (0x102)", RULE_PROFILE_IOEVENTFD_ALIGN },
	{ "ioeventfd-outside", "bars[0].ioeventfds[0]: register [0x4000, +4) extends past the BAR (0x4000)", RULE_PROFILE_IOEVENTFD_RANGE },
	{ "ioeventfd-datamatch-wide", "bars[0].ioeventfds[0].datamatch: does not fit in 2 bytes (0x10000)", RULE_PROFILE_IOEVENTFD_DATAMATCH },
	{ "ioeventfd-overlap", "bars[0].ioeventfds[1]: overlaps ioeventfds[0] (0x104)", RULE_PROFILE_IOEVENTFD_OVERLAP },
	{ "ioeventfd-on-msix", "bars[0].ioeventfds[0]: register overlaps the MSI-X table (0x810)", RULE_PROFILE_IOEVENTFD_MSIX },
	{ "ioeventfd-on-pba", "bars[0].ioeventfds[0]: register overlaps the MSI-X PBA (0xc00)", RULE_PROFILE_IOEVENTFD_MSIX },
	{ "ioeventfd-on-engine", "bars[0].ioeventfds[0]: register overlaps the engine's block (0x14)", RULE_PROFILE_IOEVENTFD_ENGINE },
	{ "rom-too-small", "rom_size: must be a power of two, 2 KiB-16 MiB (0x400)", RULE_PROFILE_ROM_SIZE },
	{ "msi-3-vectors", "msi.vectors: must be 1, 2, 4, 8, 16 or 32 (3)", RULE_PROFILE_MSI_VECTORS },
	{ "msi-64-vectors", "msi.vectors: must be 1, 2, 4, 8, 16 or 32 (64)", RULE_PROFILE_MSI_VECTORS },
	{ "msix-2049", "msix.vectors: must be 1-2048 (2049)", RULE_PROFILE_MSIX_VECTORS },
	{ "msix-missing-bar", "msix.bar: BAR3 is absent (3)", RULE_PROFILE_MSIX_BAR },
	{ "msix-io-bar", "msix.bar: BAR1 is an I/O BAR (1)", RULE_PROFILE_MSIX_BAR },
	{ "msix-upper-half", "msix.bar: BAR1 is the upper half of 64-bit BAR0 (1)", RULE_PROFILE_MSIX_BAR },
	{ "msix-table-unaligned", "msix.table_offset: not QWORD aligned (0x804)", RULE_PROFILE_MSIX_ALIGN },
	{ "msix-pba-unaligned", "msix.pba_offset: not QWORD aligned (0xc04)", RULE_PROFILE_MSIX_ALIGN },
	{ "msix-table-outside", "msix.table_offset: table [0x3fc0, 0x4040) ends past BAR0 (0x4000)", RULE_PROFILE_MSIX_RANGE },
	{ "msix-pba-outside", "msix.pba_offset: PBA [0x4000, 0x4008) ends past BAR0", RULE_PROFILE_MSIX_RANGE },
	{ "msix-pba-in-table", "msix.pba_offset: PBA overlaps the table [0x800, 0x880) (0x870)", RULE_PROFILE_MSIX_OVERLAP },
	{ "msix-table-mapped", "msix.table_offset: table page is inside bars[0].sparse[0] (0x800)", RULE_PROFILE_MSIX_MMAP },
	{ "msix-whole-bar-mapped", "msix.table_offset: table page is mmap-able: BAR0 is mmap without sparse areas", RULE_PROFILE_MSIX_MMAP },
	{ "mig-no-stopcopy", "migration.stop_copy: required by p2p (false)", RULE_PROFILE_MIG_FLAGS },
	{ "mig-precopy-only", "migration.stop_copy: required by pre_copy (false)", RULE_PROFILE_MIG_FLAGS },
	{ "engine-io-bar", "engine.bar: BAR1 is an I/O BAR (1)", RULE_PROFILE_ENGINE_BAR },
	{ "engine-missing-bar", "engine.bar: BAR4 is absent (4)", RULE_PROFILE_ENGINE_BAR },
	{ "engine-outside", "engine.offset: 0x40-byte block must be QWORD aligned inside BAR1 (0xfe0)", RULE_PROFILE_ENGINE_RANGE },
	{ "engine-unaligned", "engine.offset: 0x40-byte block must be QWORD aligned inside BAR0 (0x4)", RULE_PROFILE_ENGINE_RANGE },
	{ "engine-on-msix", "engine.offset: block overlaps the MSI-X table (0x840)", RULE_PROFILE_ENGINE_OVERLAP },
	{ "engine-on-pba", "engine.offset: block overlaps the MSI-X PBA (0xbd0)", RULE_PROFILE_ENGINE_OVERLAP },
	{ "engine-mapped", "engine.offset: block is inside bars[0].sparse[0] (0x1000)", RULE_PROFILE_ENGINE_MMAP },
	{ "engine-irq-index", "engine.irq.index: expected \"intx\", \"msi\" or \"msix\" (\"msi-x\")", RULE_PROFILE_ENGINE_IRQ },
	{ "engine-intx-no-pin", "engine.irq.index: the device has no such interrupt (intx)", RULE_PROFILE_ENGINE_IRQ },
	{ "engine-no-msi", "engine.irq.index: the device has no such interrupt (msi)", RULE_PROFILE_ENGINE_IRQ },
	{ "engine-msi-vector", "engine.irq.vector: must be below 4 (4)", RULE_PROFILE_ENGINE_IRQ },
	{ "engine-intx-vector", "engine.irq.vector: must be below 1 (1)", RULE_PROFILE_ENGINE_IRQ },
	{ "regions-too-many", "regions: too many regions (5, at most 4)", RULE_PROFILE_REGION_COUNT },
	{ "region-zero-size", "regions[1].size: must be 1 B-1 GiB (0x0)", RULE_PROFILE_REGION_SIZE },
	{ "region-mmap-partial-page", "regions[0].size: mmap needs a page multiple (0x1800)", RULE_PROFILE_REGION_SIZE },
	{ "syntax-error", "line 4, column 3:", RULE_PROFILE_JSON_SYNTAX },
	{ "truncated", "unexpected end of input", RULE_PROFILE_JSON_SYNTAX },
	{ "trailing-data", "line 2, column 1:", RULE_PROFILE_JSON_SYNTAX },
	{ "deep-nesting", "nested deeper than 8", RULE_PROFILE_JSON_DEPTH },
	{ "top-level-array", "bad-profiles/top-level-array.json: expected an object", RULE_PROFILE_TYPE },
};

static void test_bad_profiles(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		char path[512], err[512];
		struct vfsim_profile *p = (struct vfsim_profile *)&err;	/* must come back NULL */
		int r, e = 0;

		snprintf(path, sizeof(path), FIXTURES_DIR "/bad-profiles/%s.json", b->file);
		r = vfsim_profile_load(path, &p, err, sizeof(err));
		if (r != -EINVAL || !strstr(err, b->msg) || vfsim_last_rule(&e) != b->rule)
			fail_msg("%s: r=%d rule=%s err \"%s\", want \"%s\" %s", b->file, r,
				 vfsim_rule_name(vfsim_last_rule(NULL)), err, b->msg, vfsim_rule_name(b->rule));
		assert_int_equal(e, -EINVAL);
		assert_null(p);
		/* "FILE: key.path: ..." */
		assert_true(!strncmp(err, path, strlen(path)) && !strncmp(err + strlen(path), ": ", 2));
	}
}

/* Every file in bad-profiles/ is in the table (none untested), and every
 * PROFILE_* rule is exercised by the table or by a test below. */
static void test_bad_table_complete(void **state)
{
	struct tu_stems stems;
	size_t n, i;
	int rule;

	tu_fixture_stems("bad-profiles", &stems);
	for (n = 0; n < stems.n; n++) {
		for (i = 0; i < TU_ARRAY_SIZE(bad_cases); i++)
			if (!strcmp(bad_cases[i].file, stems.name[n]))
				break;
		if (i == TU_ARRAY_SIZE(bad_cases))
			fail_msg("%s.json is not in bad_cases", stems.name[n]);
	}
	assert_int_equal(n, TU_ARRAY_SIZE(bad_cases));
	assert_true(n >= 25);

	for (rule = 1; rule < vfsim_rule_count(); rule++) {
		if (strncmp(vfsim_rule_name(rule), "PROFILE_", 8))
			continue;
		if (rule == RULE_PROFILE_FILE_SIZE)	/* test_file_size_bound */
			continue;
		for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
			if (bad_cases[i].rule == rule)
				break;
		if (i == sizeof(bad_cases) / sizeof(bad_cases[0]))
			fail_msg("rule %s has no bad profile", vfsim_rule_name(rule));
	}
}

/* ---- boundaries, from an in-memory base profile ----------------------------- */

static int parse_with(const char *extra, struct vfsim_profile **ret, char *err, size_t errlen)
{
	char buf[4096];

	snprintf(buf, sizeof(buf),
		 "{\"name\":\"t\",\"vendor_id\":\"0x1b36\",\"device_id\":1,\"class_code\":\"0x030000\"%s}", extra);
	return vfsim_profile_parse(buf, strlen(buf), "mem.json", ret, err, errlen);
}

static void test_boundaries(void **state)
{
	static const struct {
		const char *extra;
		int rule;	/* RULE_NONE: accepted */
	} cases[] = {
		{ ",\"bars\":[{\"index\":0,\"size\":16}]", RULE_NONE },
		{ ",\"bars\":[{\"index\":0,\"size\":\"0x40000000\"}]", RULE_NONE },	/* 1 GiB */
		{ ",\"bars\":[{\"index\":0,\"size\":\"0x80000000\",\"64bit\":true}]", RULE_PROFILE_BAR_SIZE },
		{ ",\"bars\":[{\"index\":5,\"size\":4,\"type\":\"io\"}]", RULE_NONE },
		{ ",\"bars\":[{\"index\":5,\"size\":256,\"type\":\"io\"}]", RULE_NONE },
		{ ",\"bars\":[{\"index\":5,\"size\":2,\"type\":\"io\"}]", RULE_PROFILE_BAR_SIZE },
		{ ",\"bars\":[{\"index\":0,\"size\":0}]", RULE_PROFILE_BAR_SIZE },
		{ ",\"bars\":[{\"index\":1,\"size\":4096,\"type\":\"io\",\"prefetchable\":true}]",
		  RULE_PROFILE_BAR_IO_FLAGS },
		{ ",\"bars\":[{\"index\":0,\"size\":4096,\"mmap\":true}]", RULE_NONE },
		{ ",\"bars\":[{\"index\":4,\"size\":4096,\"64bit\":true}]", RULE_NONE },
		{ ",\"bars\":[{\"index\":0,\"size\":16},{\"index\":1,\"size\":16},{\"index\":2,\"size\":16},"
		  "{\"index\":3,\"size\":16},{\"index\":4,\"size\":16},{\"index\":5,\"size\":16},"
		  "{\"index\":5,\"size\":16}]", RULE_PROFILE_BAR_INDEX },
		{ ",\"bars\":[{\"index\":0,\"size\":\"0x10000\",\"mmap\":true,\"sparse\":["
		  "{\"offset\":0,\"size\":4096},{\"offset\":8192,\"size\":4096},{\"offset\":16384,\"size\":4096},"
		  "{\"offset\":24576,\"size\":4096},{\"offset\":32768,\"size\":4096},{\"offset\":40960,\"size\":4096},"
		  "{\"offset\":49152,\"size\":4096},{\"offset\":61440,\"size\":4096}]}]", RULE_NONE },
		{ ",\"bars\":[{\"index\":0,\"size\":\"0x2000\",\"mmap\":true,\"sparse\":["
		  "{\"offset\":4096,\"size\":4096},{\"offset\":0,\"size\":4096}]}]", RULE_NONE },	/* adjacent */
		{ ",\"bars\":[{\"index\":0,\"size\":\"0x2000\",\"mmap\":true,\"sparse\":["
		  "{\"offset\":\"0xffffffffffff0000\",\"size\":\"0x10000\"}]}]", RULE_PROFILE_SPARSE_RANGE },
		{ ",\"bars\":[{\"index\":0,\"size\":4096,\"mmap\":true,\"sparse\":[]}]", RULE_PROFILE_SPARSE_COUNT },
		{ ",\"rom_size\":2048", RULE_NONE },
		{ ",\"rom_size\":\"0x1000000\"", RULE_NONE },
		{ ",\"rom_size\":\"0x2000000\"", RULE_PROFILE_ROM_SIZE },
		{ ",\"rom_size\":\"0x3000\"", RULE_PROFILE_ROM_SIZE },
		{ ",\"msi\":{\"vectors\":1}", RULE_NONE },
		{ ",\"msi\":{\"vectors\":32}", RULE_NONE },
		{ ",\"msi\":{\"vectors\":0}", RULE_PROFILE_MSI_VECTORS },
		{ ",\"msix\":{\"vectors\":0,\"bar\":0,\"table_offset\":0,\"pba_offset\":0}", RULE_PROFILE_MSIX_VECTORS },
		/* 2048 vectors: 32 KiB table, 256 B PBA */
		{ ",\"msix\":{\"vectors\":2048,\"bar\":0,\"table_offset\":0,\"pba_offset\":\"0x8000\"},"
		  "\"bars\":[{\"index\":0,\"size\":\"0x10000\"}]", RULE_NONE },
		{ ",\"msix\":{\"vectors\":2048,\"bar\":0,\"table_offset\":0,\"pba_offset\":\"0x7ff8\"},"
		  "\"bars\":[{\"index\":0,\"size\":\"0x10000\"}]", RULE_PROFILE_MSIX_OVERLAP },
		{ ",\"msix\":{\"vectors\":65,\"bar\":0,\"table_offset\":0,\"pba_offset\":\"0x7f0\"},"
		  "\"bars\":[{\"index\":0,\"size\":\"0x800\"}]", RULE_NONE },	/* PBA 16 B: ends at 0x800 */
		{ ",\"msix\":{\"vectors\":65,\"bar\":0,\"table_offset\":0,\"pba_offset\":\"0x7f8\"},"
		  "\"bars\":[{\"index\":0,\"size\":\"0x800\"}]", RULE_PROFILE_MSIX_RANGE },
		{ ",\"msix\":{\"vectors\":1,\"bar\":6,\"table_offset\":0,\"pba_offset\":16}", RULE_PROFILE_MSIX_BAR },
		{ ",\"msix\":{\"vectors\":1,\"bar\":0,\"table_offset\":0,\"pba_offset\":\"0x4000\"},"
		  "\"bars\":[{\"index\":0,\"size\":\"0x8000\",\"mmap\":true,\"sparse\":[{\"offset\":\"0x1000\","
		  "\"size\":\"0x7000\"}]}]", RULE_NONE },	/* a mappable PBA is allowed */
		{ ",\"vga\":true", RULE_NONE },	/* class 0x030000 is VGA */
		/* json-c keeps the last of duplicate keys: the second class_code is the one checked */
		{ ",\"class_code\":\"0x1000000\"", RULE_PROFILE_RANGE },
		{ ",\"revision\":255,\"subsys_id\":\"0xFFFF\",\"subsys_vendor_id\":\"0X0001\"", RULE_NONE },
		{ ",\"revision\":256", RULE_PROFILE_RANGE },
		{ ",\"revision\":\"0x\"", RULE_PROFILE_NUMBER },
		{ ",\"revision\":\"0x00000000000000001\"", RULE_PROFILE_NUMBER },	/* 17 digits */
		{ ",\"revision\":\" 0x1\"", RULE_PROFILE_NUMBER },
		{ ",\"revision\":\"12\"", RULE_PROFILE_NUMBER },
		{ ",\"revision\":true", RULE_PROFILE_TYPE },
		{ ",\"revision\":null", RULE_PROFILE_TYPE },
		{ ",\"intx_pin\":\"INTD\"", RULE_NONE },
		{ ",\"intx_pin\":\"inta\"", RULE_PROFILE_INTX_PIN },
		{ ",\"intx_pin\":1", RULE_PROFILE_TYPE },
		{ ",\"migration\":{}", RULE_NONE },
		{ ",\"migration\":{\"stop_copy\":true,\"p2p\":false}", RULE_NONE },
		{ ",\"regions\":[]", RULE_NONE },
		{ ",\"regions\":[{\"type\":1,\"subtype\":1,\"size\":\"0x40000001\"}]", RULE_PROFILE_REGION_SIZE },
		{ ",\"regions\":[{\"type\":\"0x100000000\",\"subtype\":1,\"size\":1}]", RULE_PROFILE_RANGE },
		{ ",\"regions\":{}", RULE_PROFILE_TYPE },
		{ ",\"engine\":{\"bar\":0,\"offset\":\"0x7c0\",\"irq\":{\"index\":\"intx\"}},\"intx_pin\":\"INTB\","
		  "\"bars\":[{\"index\":0,\"size\":\"0x800\"}]", RULE_NONE },	/* block ends at the BAR end */
		{ ",\"engine\":{\"bar\":0,\"offset\":\"0x7c8\",\"irq\":{\"index\":\"intx\"}},\"intx_pin\":\"INTB\","
		  "\"bars\":[{\"index\":0,\"size\":\"0x800\"}]", RULE_PROFILE_ENGINE_RANGE },
		{ ",\"engine\":{\"bar\":0,\"offset\":0,\"irq\":{\"index\":\"intx\"}},\"intx_pin\":\"INTB\","
		  "\"bars\":[{\"index\":0,\"size\":\"0x1000\",\"mmap\":true}]", RULE_PROFILE_ENGINE_MMAP },
		{ ",\"engine\":{\"bar\":0,\"offset\":0},\"bars\":[{\"index\":0,\"size\":64}]", RULE_PROFILE_MISSING_KEY },
		/* ioeventfds: each size at its alignment, ends at the BAR end, datamatch at its widest,
		 * adjacent registers, next to the MSI-X table and the engine's block */
		{ ",\"bars\":[{\"index\":0,\"size\":16,\"ioeventfds\":[{\"offset\":0,\"size\":8,"
		  "\"datamatch\":\"0xffffffffffffffff\"},{\"offset\":8,\"size\":4,\"datamatch\":\"0xffffffff\"},"
		  "{\"offset\":12,\"size\":2,\"datamatch\":\"0xffff\"},{\"offset\":14,\"size\":1,"
		  "\"datamatch\":255},{\"offset\":15,\"size\":1,\"datamatch\":0}]}]", RULE_NONE },
		{ ",\"bars\":[{\"index\":0,\"size\":16,\"ioeventfds\":[{\"offset\":14,\"size\":1,"
		  "\"datamatch\":256}]}]", RULE_PROFILE_IOEVENTFD_DATAMATCH },
		{ ",\"bars\":[{\"index\":0,\"size\":16,\"ioeventfds\":[{\"offset\":12,\"size\":8}]}]",
		  RULE_PROFILE_IOEVENTFD_ALIGN },
		{ ",\"bars\":[{\"index\":0,\"size\":16,\"ioeventfds\":[{\"offset\":16,\"size\":1}]}]",
		  RULE_PROFILE_IOEVENTFD_RANGE },
		{ ",\"bars\":[{\"index\":0,\"size\":16,\"ioeventfds\":[{\"offset\":\"0xfffffffffffffff8\","
		  "\"size\":8}]}]", RULE_PROFILE_IOEVENTFD_RANGE },
		{ ",\"bars\":[{\"index\":0,\"size\":16,\"ioeventfds\":[{\"offset\":0,\"size\":0}]}]",
		  RULE_PROFILE_IOEVENTFD_SIZE },
		{ ",\"bars\":[{\"index\":0,\"size\":16,\"ioeventfds\":[{\"offset\":0,\"size\":16}]}]",
		  RULE_PROFILE_IOEVENTFD_SIZE },
		{ ",\"bars\":[{\"index\":0,\"size\":16,\"ioeventfds\":[{\"offset\":0}]}]", RULE_PROFILE_MISSING_KEY },
		{ ",\"bars\":[{\"index\":0,\"size\":16,\"ioeventfds\":[{\"offset\":0,\"size\":4,\"data\":1}]}]",
		  RULE_PROFILE_UNKNOWN_KEY },
		{ ",\"bars\":[{\"index\":0,\"size\":16,\"ioeventfds\":[]}]", RULE_NONE },
		{ ",\"bars\":[{\"index\":0,\"size\":16,\"ioeventfds\":{}}]", RULE_PROFILE_TYPE },
		{ ",\"bars\":[{\"index\":1,\"size\":32,\"type\":\"io\",\"ioeventfds\":[{\"offset\":4,\"size\":2}]}]",
		  RULE_NONE },	/* port I/O registers too (KVM_IOEVENTFD_FLAG_PIO) */
		{ ",\"msix\":{\"vectors\":1,\"bar\":0,\"table_offset\":16,\"pba_offset\":32},"
		  "\"bars\":[{\"index\":0,\"size\":64,\"ioeventfds\":[{\"offset\":8,\"size\":8},"
		  "{\"offset\":40,\"size\":8}]}]", RULE_NONE },	/* table [16, 32), PBA [32, 40) */
		{ ",\"msix\":{\"vectors\":1,\"bar\":0,\"table_offset\":16,\"pba_offset\":32},"
		  "\"bars\":[{\"index\":0,\"size\":64,\"ioeventfds\":[{\"offset\":28,\"size\":4}]}]",
		  RULE_PROFILE_IOEVENTFD_MSIX },
		{ ",\"msix\":{\"vectors\":1,\"bar\":0,\"table_offset\":16,\"pba_offset\":32},"
		  "\"bars\":[{\"index\":0,\"size\":64},{\"index\":2,\"size\":64,\"ioeventfds\":"
		  "[{\"offset\":16,\"size\":8}]}]", RULE_NONE },	/* the same offsets in another BAR */
		{ ",\"engine\":{\"bar\":0,\"offset\":64,\"irq\":{\"index\":\"intx\"}},\"intx_pin\":\"INTA\","
		  "\"bars\":[{\"index\":0,\"size\":256,\"ioeventfds\":[{\"offset\":56,\"size\":8},"
		  "{\"offset\":128,\"size\":4}]}]", RULE_NONE },	/* block [64, 128) */
		{ ",\"engine\":{\"bar\":0,\"offset\":64,\"irq\":{\"index\":\"intx\"}},\"intx_pin\":\"INTA\","
		  "\"bars\":[{\"index\":0,\"size\":256,\"ioeventfds\":[{\"offset\":124,\"size\":4}]}]",
		  RULE_PROFILE_IOEVENTFD_ENGINE },
		{ ",\"name\":\"\"", RULE_PROFILE_NAME },
		{ ",\"name\":\"a123456789012345678901234567890123456789012345678901234567890ab\"", RULE_NONE },
		{ ",\"name\":\"a123456789012345678901234567890123456789012345678901234567890abc\"", RULE_PROFILE_NAME },
	};
	char err[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vfsim_profile *p = NULL;
		int r = parse_with(cases[i].extra, &p, err, sizeof(err));

		if (vfsim_last_rule(NULL) != cases[i].rule || (r == 0) != (cases[i].rule == RULE_NONE))
			fail_msg("case %zu (%s): r=%d rule %s (%s), want %s", i, cases[i].extra, r,
				 vfsim_rule_name(vfsim_last_rule(NULL)), err, vfsim_rule_name(cases[i].rule));
		if (r == 0)
			assert_non_null(p);
		else
			assert_int_equal(r, -EINVAL);
		vfsim_profile_free(p);
	}
}

/* Files over 1 MiB are refused before parsing; exactly 1 MiB is fine. */
static void test_file_size_bound(void **state)
{
	static const char body[] = "{\"name\":\"big\",\"vendor_id\":1,\"device_id\":1,\"class_code\":0}";
	const size_t max = 1u << 20;
	char path[64], err[512];
	struct vfsim_profile *p = NULL;
	char *buf = malloc(max + 1);
	FILE *f;
	int fd;

	assert_non_null(buf);
	tu_temp_template(path, sizeof(path), "test-profile");
	memset(buf, ' ', max + 1);
	memcpy(buf, body, strlen(body));

	assert_int_equal(vfsim_profile_parse(buf, max, "big.json", &p, err, sizeof(err)), 0);
	vfsim_profile_free(p);
	assert_int_equal(vfsim_profile_parse(buf, max + 1, "big.json", &p, err, sizeof(err)), -EFBIG);
	assert_int_equal(vfsim_last_rule(NULL), RULE_PROFILE_FILE_SIZE);
	assert_non_null(strstr(err, "big.json: too large"));
	assert_null(p);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, max, f), max);
	fflush(f);
	assert_int_equal(vfsim_profile_load(path, &p, err, sizeof(err)), 0);
	vfsim_profile_free(p);
	assert_int_equal(fputc(' ', f), ' ');
	fclose(f);
	assert_int_equal(vfsim_profile_load(path, &p, err, sizeof(err)), -EFBIG);
	assert_int_equal(vfsim_last_rule(NULL), RULE_PROFILE_FILE_SIZE);
	assert_true(!strncmp(err, path, strlen(path)));
	assert_null(p);
	unlink(path);
	free(buf);
}

static void test_io_errors(void **state)
{
	struct vfsim_profile *p = NULL;
	char err[512];

	assert_int_equal(vfsim_profile_load(FIXTURES_DIR "/devices/no-such.json", &p, err, sizeof(err)), -ENOENT);
	assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);	/* not a rejection of the content */
	assert_non_null(strstr(err, "no-such.json: cannot open"));
	assert_int_equal(vfsim_profile_load(FIXTURES_DIR "/devices", &p, err, sizeof(err)), -EISDIR);
	assert_null(p);
	/* a character device is read with the same bound */
	assert_int_equal(vfsim_profile_load("/dev/zero", &p, err, sizeof(err)), -EFBIG);
	assert_int_equal(vfsim_last_rule(NULL), RULE_PROFILE_FILE_SIZE);
	assert_int_equal(vfsim_profile_load(NULL, &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(vfsim_profile_load(FIXTURES_DIR "/devices/nvme.json", NULL, err, sizeof(err)), -EINVAL);
}

static void test_parse_api(void **state)
{
	static const char nul[] = "{\"name\":\"a\",\"vendor_id\":1,\"device_id\":1,\"class_code\":0}\0 ";
	static const char ok[] = "{\"name\":\"a\",\"vendor_id\":1,\"device_id\":1,\"class_code\":0}";
	struct vfsim_profile *p = NULL;
	char err[512], tiny[8];

	/* empty input, a NUL inside the buffer, invalid UTF-8, a top-level scalar */
	assert_int_equal(vfsim_profile_parse("", 0, "e.json", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_PROFILE_JSON_SYNTAX);
	assert_non_null(strstr(err, "e.json: line 1, column 1"));
	assert_int_equal(vfsim_profile_parse(nul, sizeof(nul) - 1, "n.json", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_PROFILE_JSON_SYNTAX);
	assert_int_equal(vfsim_profile_parse("{\"name\":\"\xff\"}", 12, "u.json", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_PROFILE_JSON_SYNTAX);
	assert_int_equal(vfsim_profile_parse("42", 2, "s.json", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_PROFILE_TYPE);
	assert_null(p);

	/* the buffer need not be NUL-terminated: only len bytes are read */
	assert_int_equal(vfsim_profile_parse(ok, sizeof(ok) - 1, NULL, &p, NULL, 0), 0);
	assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
	assert_string_equal(vfsim_profile_name(p), "a");
	vfsim_profile_free(p);

	/* a short error buffer is truncated, never overrun */
	memset(tiny, 'x', sizeof(tiny));
	assert_int_equal(vfsim_profile_parse("{", 1, "t.json", &p, tiny, sizeof(tiny)), -EINVAL);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_int_equal(vfsim_profile_parse("{", 1, "t.json", &p, NULL, 0), -EINVAL);

	/* a rejection is forgotten by the next call */
	assert_int_equal(vfsim_profile_parse(ok, sizeof(ok) - 1, "x", &p, err, sizeof(err)), 0);
	assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
	vfsim_profile_free(p);

	assert_int_equal(vfsim_profile_parse(ok, sizeof(ok) - 1, "x", NULL, err, sizeof(err)), -EINVAL);
	assert_null(vfsim_profile_name(NULL));
	vfsim_profile_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_device_loads),
		cmocka_unit_test(test_nvme_fields),
		cmocka_unit_test(test_dmaengine_fields),
		cmocka_unit_test(test_gpio_and_minimal_fields),
		cmocka_unit_test(test_migration_support_sets),
		cmocka_unit_test(test_bad_profiles),
		cmocka_unit_test(test_bad_table_complete),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_file_size_bound),
		cmocka_unit_test(test_io_errors),
		cmocka_unit_test(test_parse_api),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
