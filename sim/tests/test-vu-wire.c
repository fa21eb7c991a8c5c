/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vu-wire.c: header rules (digest §1.3), every command's request shape as a
 * server receives it (§3.1-3.15) and server -> client DMA requests (§3.10),
 * as tables of golden messages written from the digest's layouts: one valid
 * row per command and direction and a row per rejection with its errno and
 * rule. Replies are checked in test-vu-wire-reply.c; the golden table and
 * the helpers both use are in vu-wire-fixture.h.
 *
 * The valid golden messages are also kept as files, fixtures/golden/
 * vfio-user/<command>-request.bin and -reply.bin (header + payload; fds
 * cannot be stored, the table says how many travel with each), which seed
 * the fuzzers. `test-vu-wire --write-golden DIR` writes them; the test reads
 * them back, compares them with the table and validates them.
 */
#include "vu-wire-fixture.h"

/* ---- command names (§3.0) -------------------------------------------------- */

static void test_cmd_names(void **state)
{
	static const struct { uint16_t cmd; const char *name; } rows[] = {
		{ 0, "UNKNOWN" }, { 1, "VERSION" }, { 2, "DMA_MAP" }, { 3, "DMA_UNMAP" },
		{ 4, "DEVICE_GET_INFO" }, { 5, "DEVICE_GET_REGION_INFO" }, { 6, "DEVICE_GET_REGION_IO_FDS" },
		{ 7, "DEVICE_GET_IRQ_INFO" }, { 8, "DEVICE_SET_IRQS" }, { 9, "REGION_READ" },
		{ 10, "REGION_WRITE" }, { 11, "DMA_READ" }, { 12, "DMA_WRITE" }, { 13, "DEVICE_RESET" },
		{ 14, "DIRTY_PAGES" }, { 15, "REGION_WRITE_MULTI" }, { 16, "DEVICE_FEATURE" },
		{ 17, "MIG_DATA_READ" }, { 18, "MIG_DATA_WRITE" }, { 19, "UNKNOWN" }, { 0xffff, "UNKNOWN" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		assert_string_equal(vu_cmd_name(rows[i].cmd), rows[i].name);
}

/* ---- header (§1.3) --------------------------------------------------------- */

static void test_hdr(void **state)
{
	static const struct {
		const char *what;
		uint32_t flags, size, error, max;
		int err, rule;
	} rows[] = {
		{ "command", 0x0, 16, 0, 64, 0, 0 },
		{ "reply", 0x1, 64, 0, 64, 0, 0 },
		{ "command NO_REPLY", 0x10, 20, 0, 64, 0, 0 },
		{ "error reply", 0x21, 16, 22, 64, 0, 0 },
		{ "reserved error field in a command is ignored (TR-19)", 0x0, 16, 5, 64, 0, 0 },
		{ "undefined bits in a reply are tolerated", 0x1 | 0x100, 16, 0, 64, 0, 0 },
		{ "type 2", 0x2, 16, 0, 64, -EINVAL, RULE_VU_HDR_TYPE },
		{ "type 15", 0xf, 16, 0, 64, -EINVAL, RULE_VU_HDR_TYPE },
		{ "command bit 6 ignored (TR-19)", 0x40, 16, 0, 64, 0, RULE_NONE },
		{ "command bit 31 ignored (TR-19)", 0x80000000u, 16, 0, 64, 0, RULE_NONE },
		{ "command ERROR", 0x20, 16, 0, 64, -EINVAL, RULE_VU_HDR_ERROR_IN_CMD },
		{ "reply NO_REPLY", 0x11, 16, 0, 64, -EINVAL, RULE_VU_HDR_NO_REPLY_IN_REPLY },
		{ "size 15", 0x0, 15, 0, 64, -EINVAL, RULE_VU_HDR_SIZE_SMALL },
		{ "size 0", 0x1, 0, 0, 64, -EINVAL, RULE_VU_HDR_SIZE_SMALL },
		{ "size max + 1", 0x0, 65, 0, 64, -EINVAL, RULE_VU_HDR_SIZE_BIG },
		{ "size 2^32 - 1", 0x0, UINT32_MAX, 0, MIB + 32, -EINVAL, RULE_VU_HDR_SIZE_BIG },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct vu_hdr h = { 1, VU_CMD_REGION_READ, rows[i].size, rows[i].flags, rows[i].error };

		vfsim_reject_clear();
		check_result(rows[i].what, vu_check_hdr(&h, rows[i].max), rows[i].err, rows[i].rule);
	}
}

static void test_golden(void **state)
{
	size_t i;

	/* every command but the removed 14 has a golden pair */
	assert_int_equal(ARRAY_SIZE(golden), VU_CMD_MAX - 2);
	for (i = 0; i < ARRAY_SIZE(golden); i++) {
		struct vu_msg req, rpl;

		golden_msgs(&golden[i], &req, &rpl);
		golden_validate(&golden[i], &req, &rpl);
		msg_fini(&req);
		msg_fini(&rpl);
	}
}

static int golden_write_one(const char *dir, const char *stem, const char *kind, const struct vu_msg *m)
{
	char path[512];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s-%s.bin", dir, stem, kind);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fwrite(&m->hdr, sizeof(m->hdr), 1, f) == 1 && (!m->len || fwrite(m->payload, m->len, 1, f) == 1);
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* The test-only writer: run once to (re)generate the fixture files. */
static int golden_write(const char *dir)
{
	size_t i;
	int r = 0;

	for (i = 0; i < ARRAY_SIZE(golden) && !r; i++) {
		struct vu_msg req, rpl;

		golden_msgs(&golden[i], &req, &rpl);
		r = golden_write_one(dir, golden[i].stem, "request", &req);
		if (!r)
			r = golden_write_one(dir, golden[i].stem, "reply", &rpl);
		msg_fini(&req);
		msg_fini(&rpl);
	}
	if (r)
		fprintf(stderr, "cannot write golden files to %s\n", dir);
	return r ? 1 : 0;
}

/* Read a fixture back into a message: the header as stored, its size equal
 * to the file's, the rest the payload. */
static void golden_read(const char *stem, const char *kind, unsigned nfds, struct vu_msg *m)
{
	char path[512];
	uint8_t buf[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/golden/vfio-user/%s-%s.bin", FIXTURES_DIR, stem, kind);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(n >= VU_HDR_SIZE && n < sizeof(buf));
	msg_init(m, 0, 0, 0, buf + VU_HDR_SIZE, (uint32_t)(n - VU_HDR_SIZE), nfds);
	memcpy(&m->hdr, buf, VU_HDR_SIZE);
	assert_int_equal(m->hdr.size, n);
}

static void test_golden_files(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(golden); i++) {
		const struct golden *g = &golden[i];
		struct vu_msg req, rpl, want_req, want_rpl;

		golden_read(g->stem, "request", g->req_nfds, &req);
		golden_read(g->stem, "reply", g->rpl_nfds, &rpl);
		golden_msgs(g, &want_req, &want_rpl);
		assert_memory_equal(&req.hdr, &want_req.hdr, sizeof(req.hdr));
		assert_memory_equal(&rpl.hdr, &want_rpl.hdr, sizeof(rpl.hdr));
		assert_int_equal(req.len, g->req_len);
		assert_int_equal(rpl.len, g->rpl_len);
		if (g->req_len)
			assert_memory_equal(req.payload, g->req, g->req_len);
		if (g->rpl_len)
			assert_memory_equal(rpl.payload, g->rpl, g->rpl_len);
		golden_validate(g, &req, &rpl);
		msg_fini(&req);
		msg_fini(&rpl);
		msg_fini(&want_req);
		msg_fini(&want_rpl);
	}
}

/* ---- requests at the server (§3) -------------------------------------------- */

struct req_case {
	const char *what;
	uint16_t cmd;
	const void *p;
	uint32_t len;
	unsigned nfds;
	int caps;
	int err, rule;
};

#define BAD(rule) -EINVAL, RULE_VU_##rule
#define U64MAX UINT64_MAX

static const struct req_case req_rows[] = {
	/* command numbers (§3.0) */
	{ "cmd 0", 0, PB(0, 0, 0, 0), 0, CAPS_STD, BAD(REQ_CMD_UNKNOWN) },
	{ "cmd 19", 19, PB(0, 0, 0, 0), 0, CAPS_STD, BAD(REQ_CMD_UNKNOWN) },
	{ "cmd 0xffff", 0xffff, P0, 0, CAPS_STD, BAD(REQ_CMD_UNKNOWN) },
	{ "DIRTY_PAGES removed in 0.9.2 (MG-13)", 14, PL(struct t_dirty, 8, 1), 0, CAPS_STD, BAD(REQ_CMD_REMOVED) },
	{ "DMA_READ is server -> client", 11, PL(struct vu_dma_access, 0, 8), 0, CAPS_STD, BAD(REQ_CMD_DIRECTION) },
	{ "DMA_WRITE is server -> client", 12, PL(struct t_dma4, { 0, 4 }, { 0 }), 0, CAPS_STD, BAD(REQ_CMD_DIRECTION) },
	/* VERSION (§2.1, VN-*) */
	{ "version, no JSON (VN-06)", 1, PL(struct vu_version, 0, 0), 0, CAPS_STD, OK },
	{ "version 0.65535 with {}", 1, VJ(0, 65535, "{}"), 0, CAPS_STD, OK },
	{ "version QEMU offer", 1, VJ(0, 0, QEMU_OFFER), 0, CAPS_STD, OK },
	{ "version 3 bytes", 1, PB(0, 0, 0), 0, CAPS_STD, BAD(REQ_VERSION_SIZE) },
	{ "version header only", 1, P0, 0, CAPS_STD, BAD(REQ_VERSION_SIZE) },
	{ "version with an fd", 1, PL(struct vu_version, 0, 0), 1, CAPS_STD, BAD(REQ_VERSION_FDS) },
	{ "version major 999 (VN-03)", 1, PL(struct vu_version, 999, 0), 0, CAPS_STD, BAD(REQ_VERSION_MAJOR) },
	{ "version JSON without NUL (VN-07)", 1, PB(0, 0, 0, 0, '{', '}'), 0, CAPS_STD, BAD(CAPS_JSON_NUL) },
	{ "version JSON [] (VN-08)", 1, VJ(0, 0, "[]"), 0, CAPS_STD, BAD(CAPS_TOP_OBJECT) },
	{ "version max_msg_fds 1025 (VN-09)", 1, VJ(0, 0, "{\"capabilities\":{\"max_msg_fds\":1025}}"), 0, CAPS_STD,
	  BAD(CAPS_MAX_MSG_FDS) },
	/* DMA_MAP (§3.2, DM-*) */
	{ "map, fd at an offset", 2, PL(struct vu_dma_map, 32, RD | WR, 0x2000, 0x100000, 0x10000), 1, CAPS_STD, OK },
	{ "map read-only, no fd", 2, PL(struct vu_dma_map, 32, RD, 0, 0x100000, 0x1000), 0, CAPS_STD, OK },
	{ "map ending at 2^64", 2, PL(struct vu_dma_map, 32, WR, 0, 0xfffffffffffff000ull, 0x1000), 0, CAPS_STD, OK },
	{ "map argsz 48 tolerated", 2, PL(struct vu_dma_map, 48, RD, 0, 0, 0x1000), 0, CAPS_STD, OK },
	{ "map 24 bytes (DM-04)", 2, PL(struct vu_dma_unmap, 32, 3, 0, 0x1000), 0, CAPS_STD, BAD(REQ_DMA_MAP_SIZE) },
	{ "map 40 bytes", 2, PL(struct t_map_long, { 32, 3, 0, 0, 0x1000 }, 0), 0, CAPS_STD, BAD(REQ_DMA_MAP_SIZE) },
	{ "map with 2 fds", 2, PL(struct vu_dma_map, 32, 3, 0, 0, 0x1000), 2, CAPS_STD, BAD(REQ_DMA_MAP_FDS) },
	{ "map argsz 31 (DM-04)", 2, PL(struct vu_dma_map, 31, 3, 0, 0, 0x1000), 0, CAPS_STD, BAD(REQ_DMA_MAP_ARGSZ) },
	{ "map flag bit 2 (libvfio-user MMAP)", 2, PL(struct vu_dma_map, 32, 4, 0, 0, 0x1000), 1, CAPS_STD,
	  BAD(REQ_DMA_MAP_FLAGS) },
	{ "map flag bit 31 (DM-05)", 2, PL(struct vu_dma_map, 32, 0x80000003u, 0, 0, 0x1000), 0, CAPS_STD,
	  BAD(REQ_DMA_MAP_FLAGS) },
	{ "map size 0 (DM-06)", 2, PL(struct vu_dma_map, 32, 3, 0, 0x1000, 0), 0, CAPS_STD, BAD(REQ_DMA_MAP_ZERO) },
	{ "map wrapping (DM-06)", 2, PL(struct vu_dma_map, 32, 3, 0, 0xfffffffffffff000ull, 0x2000), 0, CAPS_STD,
	  BAD(REQ_DMA_MAP_WRAP) },
	{ "map offset without fd (CL-13)", 2, PL(struct vu_dma_map, 32, 3, 0x1000, 0, 0x1000), 0, CAPS_STD,
	  BAD(REQ_DMA_MAP_OFFSET) },
	{ "map fd offset wrapping", 2, PL(struct vu_dma_map, 32, 3, 0xfffffffffffff000ull, 0, 0x2000), 1, CAPS_STD,
	  BAD(REQ_DMA_MAP_OFFSET_WRAP) },
	/* DMA_UNMAP (§3.3, DM-08..12) */
	{ "unmap", 3, PL(struct vu_dma_unmap, 24, 0, 0x100000, 0x10000), 0, CAPS_STD, OK },
	{ "unmap ALL, QEMU (DM-10)", 3, PL(struct vu_dma_unmap, 24, 2, 0, 0), 0, CAPS_STD, OK },
	{ "unmap with 16 pages of bitmap", 3, PL(struct t_unmap_bm, { 48, 1, 0x100000, 0x10000 }, { 4096, 8 }), 0,
	  CAPS_STD, OK },
	{ "unmap with 65 pages of bitmap", 3, PL(struct t_unmap_bm, { 56, 1, 0x100000, 0x41000 }, { 4096, 16 }), 0,
	  CAPS_STD, OK },
	{ "unmap argsz 1 MiB", 3, PL(struct vu_dma_unmap, MIB, 0, 0, 0x1000), 0, CAPS_STD, OK },
	{ "unmap 16 bytes", 3, PB(24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, CAPS_STD,
	  BAD(REQ_DMA_UNMAP_SIZE) },
	{ "unmap 32 bytes without bitmap", 3, PL(struct t_unmap_x, { 24, 0, 0, 0x1000 }, 0), 0, CAPS_STD,
	  BAD(REQ_DMA_UNMAP_SIZE) },
	{ "unmap bitmap flag, no bitmap header", 3, PL(struct vu_dma_unmap, 48, 1, 0, 0x1000), 0, CAPS_STD,
	  BAD(REQ_DMA_UNMAP_SIZE) },
	{ "unmap with an fd", 3, PL(struct vu_dma_unmap, 24, 0, 0, 0x1000), 1, CAPS_STD, BAD(REQ_DMA_UNMAP_FDS) },
	{ "unmap flag 4 (DM-12)", 3, PL(struct vu_dma_unmap, 24, 4, 0, 0x1000), 0, CAPS_STD, BAD(REQ_DMA_UNMAP_FLAGS) },
	{ "unmap ALL with bitmap", 3, PL(struct t_unmap_bm, { 48, 3, 0, 0 }, { 4096, 8 }), 0, CAPS_STD,
	  BAD(REQ_DMA_UNMAP_FLAGS) },
	{ "unmap ALL with addr (DM-10)", 3, PL(struct vu_dma_unmap, 24, 2, 0x1000, 0), 0, CAPS_STD,
	  BAD(REQ_DMA_UNMAP_ALL_RANGE) },
	{ "unmap ALL with size", 3, PL(struct vu_dma_unmap, 24, 2, 0, 1), 0, CAPS_STD, BAD(REQ_DMA_UNMAP_ALL_RANGE) },
	{ "unmap argsz 23", 3, PL(struct vu_dma_unmap, 23, 0, 0, 0x1000), 0, CAPS_STD, BAD(REQ_DMA_UNMAP_ARGSZ) },
	{ "unmap argsz 1 MiB + 1", 3, PL(struct vu_dma_unmap, MIB + 1, 0, 0, 0x1000), 0, CAPS_STD,
	  BAD(REQ_DMA_UNMAP_ARGSZ_BIG) },
	{ "unmap bitmap pgsize 0", 3, PL(struct t_unmap_bm, { 48, 1, 0, 0x10000 }, { 0, 8 }), 0, CAPS_STD,
	  BAD(REQ_DMA_UNMAP_BITMAP_PGSIZE) },
	{ "unmap bitmap pgsize 3000", 3, PL(struct t_unmap_bm, { 48, 1, 0, 0x10000 }, { 3000, 8 }), 0, CAPS_STD,
	  BAD(REQ_DMA_UNMAP_BITMAP_PGSIZE) },
	{ "unmap bitmap 16 bytes for 16 pages", 3, PL(struct t_unmap_bm, { 56, 1, 0, 0x10000 }, { 4096, 16 }), 0,
	  CAPS_STD, BAD(REQ_DMA_UNMAP_BITMAP_SIZE) },
	{ "unmap bitmap argsz 47", 3, PL(struct t_unmap_bm, { 47, 1, 0, 0x10000 }, { 4096, 8 }), 0, CAPS_STD,
	  BAD(REQ_DMA_UNMAP_ARGSZ) },
	/* DEVICE_GET_INFO (§3.4, RI-02) */
	{ "info", 4, PL(struct vu_device_info, 16, 0, 0, 0), 0, CAPS_STD, OK },
	{ "info argsz 4096", 4, PL(struct vu_device_info, 4096, 0, 0, 0), 0, CAPS_STD, OK },
	{ "info 12 bytes", 4, PB(16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, CAPS_STD, BAD(REQ_DEVICE_INFO_SIZE) },
	{ "info 20 bytes", 4, PL(struct vu_irq_set, 16, 0, 0, 0, 0), 0, CAPS_STD, BAD(REQ_DEVICE_INFO_SIZE) },
	{ "info with an fd", 4, PL(struct vu_device_info, 16, 0, 0, 0), 1, CAPS_STD, BAD(REQ_DEVICE_INFO_FDS) },
	{ "info argsz 15", 4, PL(struct vu_device_info, 15, 0, 0, 0), 0, CAPS_STD, BAD(REQ_DEVICE_INFO_ARGSZ) },
	{ "info flags 2", 4, PL(struct vu_device_info, 16, 2, 0, 0), 0, CAPS_STD, BAD(REQ_DEVICE_INFO_FLAGS) },
	/* DEVICE_GET_REGION_INFO (§3.5, RI-06) */
	{ "region info", 5, PL(struct vu_region_info, 32, 0, 7, 0, 0, 0), 0, CAPS_STD, OK },
	{ "region info argsz 4096 index 9", 5, PL(struct vu_region_info, 4096, 0, 9, 0, 0, 0), 0, CAPS_STD, OK },
	{ "region info 16 bytes", 5, PL(struct vu_device_info, 32, 0, 0, 0), 0, CAPS_STD, BAD(REQ_REGION_INFO_SIZE) },
	{ "region info with an fd", 5, PL(struct vu_region_info, 32, 0, 0, 0, 0, 0), 1, CAPS_STD,
	  BAD(REQ_REGION_INFO_FDS) },
	{ "region info argsz 31", 5, PL(struct vu_region_info, 31, 0, 0, 0, 0, 0), 0, CAPS_STD,
	  BAD(REQ_REGION_INFO_ARGSZ) },
	{ "region info flags", 5, PL(struct vu_region_info, 32, 1, 0, 0, 0, 0), 0, CAPS_STD,
	  BAD(REQ_REGION_INFO_RESERVED) },
	{ "region info cap_offset", 5, PL(struct vu_region_info, 32, 0, 0, 32, 0, 0), 0, CAPS_STD,
	  BAD(REQ_REGION_INFO_RESERVED) },
	{ "region info size", 5, PL(struct vu_region_info, 32, 0, 0, 0, 1, 0), 0, CAPS_STD,
	  BAD(REQ_REGION_INFO_RESERVED) },
	{ "region info offset", 5, PL(struct vu_region_info, 32, 0, 0, 0, 0, 1), 0, CAPS_STD,
	  BAD(REQ_REGION_INFO_RESERVED) },
	/* DEVICE_GET_REGION_IO_FDS (§3.6, IO-01/02) */
	{ "io fds", 6, PL(struct vu_io_fds_req, 16, 0, 0, 0), 0, CAPS_STD, OK },
	{ "io fds argsz 1 MiB", 6, PL(struct vu_io_fds_req, MIB, 0, 0, 0), 0, CAPS_STD, OK },
	{ "io fds 8 bytes", 6, PL(struct t_dirty, 16, 0), 0, CAPS_STD, BAD(REQ_IO_FDS_SIZE) },
	{ "io fds with an fd", 6, PL(struct vu_io_fds_req, 16, 0, 0, 0), 1, CAPS_STD, BAD(REQ_IO_FDS_FDS) },
	{ "io fds argsz 15", 6, PL(struct vu_io_fds_req, 15, 0, 0, 0), 0, CAPS_STD, BAD(REQ_IO_FDS_ARGSZ) },
	{ "io fds argsz 1 MiB + 1", 6, PL(struct vu_io_fds_req, MIB + 1, 0, 0, 0), 0, CAPS_STD,
	  BAD(REQ_IO_FDS_ARGSZ_BIG) },
	{ "io fds flags 1", 6, PL(struct vu_io_fds_req, 16, 1, 0, 0), 0, CAPS_STD, BAD(REQ_IO_FDS_FLAGS) },
	{ "io fds count 1", 6, PL(struct vu_io_fds_req, 16, 0, 0, 1), 0, CAPS_STD, BAD(REQ_IO_FDS_COUNT) },
	/* DEVICE_GET_IRQ_INFO (§3.7) */
	{ "irq info", 7, PL(struct vu_irq_info, 16, 0, 4, 0), 0, CAPS_STD, OK },
	{ "irq info 20 bytes", 7, PL(struct vu_irq_set, 16, 0, 0, 0, 0), 0, CAPS_STD, BAD(REQ_IRQ_INFO_SIZE) },
	{ "irq info with an fd", 7, PL(struct vu_irq_info, 16, 0, 0, 0), 1, CAPS_STD, BAD(REQ_IRQ_INFO_FDS) },
	{ "irq info argsz 8", 7, PL(struct vu_irq_info, 8, 0, 0, 0), 0, CAPS_STD, BAD(REQ_IRQ_INFO_ARGSZ) },
	{ "irq info flags 1", 7, PL(struct vu_irq_info, 16, 1, 0, 0), 0, CAPS_STD, BAD(REQ_IRQ_INFO_FLAGS) },
	/* DEVICE_SET_IRQS (§3.8, IQ-*) */
	{ "set irqs 2 eventfds (IQ-02)", 8, PL(struct vu_irq_set, 20, I_EVFD | I_TRIG, 2, 0, 2), 2, CAPS_STD, OK },
	{ "set irqs 8 eventfds (max_msg_fds)", 8, PL(struct vu_irq_set, 20, I_EVFD | I_TRIG, 2, 0, 8), 8, CAPS_STD, OK },
	{ "set irqs de-assign (IQ-04)", 8, PL(struct vu_irq_set, 20, I_EVFD | I_TRIG, 2, 0, 2), 0, CAPS_STD, OK },
	{ "set irqs disable index (IQ-03)", 8, PL(struct vu_irq_set, 20, I_NONE | I_TRIG, 1, 0, 0), 0, CAPS_STD, OK },
	{ "set irqs bool mask", 8, PL(struct t_irq_d3, { 23, I_BOOL | I_MASK, 2, 1, 3 }, { 1, 0, 1 }), 0, CAPS_STD, OK },
	{ "set irqs none unmask", 8, PL(struct vu_irq_set, 20, I_NONE | I_UNMASK, 0, 0, 1), 0, CAPS_STD, OK },
	{ "set irqs eventfd mask", 8, PL(struct vu_irq_set, 20, I_EVFD | I_MASK, 2, 3, 1), 1, CAPS_STD, OK },
	{ "set irqs 16 bytes", 8, PL(struct vu_irq_info, 16, 0x24, 0, 0), 0, CAPS_STD, BAD(REQ_SET_IRQS_SIZE) },
	{ "set irqs 9 fds > max_msg_fds 8 (TR-18)", 8, PL(struct vu_irq_set, 20, I_EVFD | I_TRIG, 2, 0, 9), 9,
	  CAPS_STD, BAD(REQ_FDS_MAX) },
	{ "set irqs argsz 19", 8, PL(struct vu_irq_set, 19, I_NONE | I_TRIG, 0, 0, 1), 0, CAPS_STD,
	  BAD(REQ_SET_IRQS_ARGSZ) },
	{ "set irqs bool argsz without data", 8, PL(struct t_irq_d3, { 20, I_BOOL | I_TRIG, 2, 0, 3 }, { 1, 1, 1 }), 0,
	  CAPS_STD, BAD(REQ_SET_IRQS_ARGSZ) },
	{ "set irqs flag 0x40", 8, PL(struct vu_irq_set, 20, 0x40 | I_EVFD | I_TRIG, 2, 0, 1), 1, CAPS_STD,
	  BAD(REQ_SET_IRQS_FLAGS) },
	{ "set irqs two DATA bits (IQ-06)", 8, PL(struct vu_irq_set, 20, I_NONE | I_BOOL | I_TRIG, 2, 0, 1), 0,
	  CAPS_STD, BAD(REQ_SET_IRQS_DATA) },
	{ "set irqs no DATA bit", 8, PL(struct vu_irq_set, 20, I_TRIG, 2, 0, 1), 0, CAPS_STD, BAD(REQ_SET_IRQS_DATA) },
	{ "set irqs two ACTION bits", 8, PL(struct vu_irq_set, 20, I_EVFD | I_MASK | I_UNMASK, 2, 0, 1), 1, CAPS_STD,
	  BAD(REQ_SET_IRQS_ACTION) },
	{ "set irqs no ACTION bit", 8, PL(struct vu_irq_set, 20, I_EVFD, 2, 0, 1), 1, CAPS_STD,
	  BAD(REQ_SET_IRQS_ACTION) },
	{ "set irqs count 0 from start 1", 8, PL(struct vu_irq_set, 20, I_NONE | I_TRIG, 2, 1, 0), 0, CAPS_STD,
	  BAD(REQ_SET_IRQS_COUNT_ZERO) },
	{ "set irqs count 0 eventfd", 8, PL(struct vu_irq_set, 20, I_EVFD | I_TRIG, 2, 0, 0), 0, CAPS_STD,
	  BAD(REQ_SET_IRQS_COUNT_ZERO) },
	{ "set irqs start 1 count 2^32-1 (IQ-05)", 8, PL(struct vu_irq_set, 20, I_NONE | I_TRIG, 2, 1, UINT32_MAX), 0,
	  CAPS_STD, BAD(REQ_SET_IRQS_WRAP) },
	{ "set irqs bool 2 bytes for count 3 (IQ-07)", 8, PL(struct t_irq_d2, { 22, I_BOOL | I_TRIG, 2, 0, 3 }, { 1, 1 }),
	  0, CAPS_STD, BAD(REQ_SET_IRQS_BOOL_SIZE) },
	{ "set irqs none with a data byte", 8, PL(struct t_irq_d1, { 21, I_NONE | I_TRIG, 2, 0, 1 }, { 1 }), 0,
	  CAPS_STD, BAD(REQ_SET_IRQS_TRAILING) },
	{ "set irqs fd without EVENTFD (IQ-07)", 8, PL(struct vu_irq_set, 20, I_NONE | I_TRIG, 2, 0, 1), 1, CAPS_STD,
	  BAD(REQ_SET_IRQS_FDS_NOT_EVENTFD) },
	{ "set irqs 1 fd for count 2 (IQ-07)", 8, PL(struct vu_irq_set, 20, I_EVFD | I_TRIG, 2, 0, 2), 1, CAPS_STD,
	  BAD(REQ_SET_IRQS_FDS_COUNT) },
	/* REGION_READ (§3.9, RA-*) */
	{ "read config 4 bytes (RA-01)", 9, PL(struct vu_region_access, 0, 7, 4), 0, CAPS_STD, OK },
	{ "read count 0 (RA-07)", 9, PL(struct vu_region_access, 0, 0, 0), 0, CAPS_STD, OK },
	{ "read count 1 MiB", 9, PL(struct vu_region_access, 0, 0, MIB), 0, CAPS_STD, OK },
	{ "read 64 of 64", 9, PL(struct vu_region_access, 0, 0, 64), 0, CAPS_OWN_SMALL, OK },
	{ "read 20 bytes", 9, PL(struct t_rw4, { 0, 7, 4 }, { 0 }), 0, CAPS_STD, BAD(REQ_REGION_READ_SIZE) },
	{ "read with an fd", 9, PL(struct vu_region_access, 0, 7, 4), 1, CAPS_STD, BAD(REQ_REGION_READ_FDS) },
	{ "read 1 MiB + 1 (RA-03)", 9, PL(struct vu_region_access, 0, 0, MIB + 1), 0, CAPS_STD,
	  BAD(REQ_REGION_READ_XFER) },
	{ "read 65 of 64", 9, PL(struct vu_region_access, 0, 0, 65), 0, CAPS_OWN_SMALL, BAD(REQ_REGION_READ_XFER) },
	{ "read 2^64-1 + 2 (RA-04)", 9, PL(struct vu_region_access, U64MAX, 0, 2), 0, CAPS_STD,
	  BAD(REQ_REGION_READ_WRAP) },
	/* REGION_WRITE (§3.9) */
	{ "write 4 bytes (RA-02)", 10, PL(struct t_rw4, { 0x10, 0, 4 }, { 1, 2, 3, 4 }), 0, CAPS_STD, OK },
	{ "write count 0", 10, PL(struct vu_region_access, 0, 0, 0), 0, CAPS_STD, OK },
	{ "write 12 bytes", 10, PB(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, CAPS_STD, BAD(REQ_REGION_WRITE_SIZE) },
	{ "write with an fd", 10, PL(struct t_rw4, { 0, 0, 4 }, { 0 }), 1, CAPS_STD, BAD(REQ_REGION_WRITE_FDS) },
	{ "write 65 of 64", 10, PL(struct t_rw65, { 0, 0, 65 }, { 0 }), 0, CAPS_OWN_SMALL, BAD(REQ_REGION_WRITE_XFER) },
	{ "write count 5, 4 bytes (RA-05)", 10, PL(struct t_rw4, { 0, 0, 5 }, { 0 }), 0, CAPS_STD,
	  BAD(REQ_REGION_WRITE_COUNT) },
	{ "write count 3, 4 bytes", 10, PL(struct t_rw4, { 0, 0, 3 }, { 0 }), 0, CAPS_STD, BAD(REQ_REGION_WRITE_COUNT) },
	{ "write wrapping", 10, PL(struct t_rw4, { U64MAX - 1, 0, 4 }, { 0 }), 0, CAPS_STD,
	  BAD(REQ_REGION_WRITE_WRAP) },
	/* DEVICE_RESET (§3.11, RS-01) */
	{ "reset", 13, P0, 0, CAPS_STD, OK },
	{ "reset with a payload", 13, PB(0, 0, 0, 0), 0, CAPS_STD, BAD(REQ_RESET_SIZE) },
	{ "reset with an fd", 13, P0, 1, CAPS_STD, BAD(REQ_RESET_FDS) },
	/* REGION_WRITE_MULTI (§3.12, WM-*) */
	{ "write multi 1 x 8 bytes", 15, PL(struct t_wm1, { 1 }, { { 0, 0, 8, { 0 } } }), 0, CAPS_WM, OK },
	{ "write multi not advertised (WM-01)", 15, PL(struct t_wm1, { 1 }, { { 0, 0, 4, { 0 } } }), 0, CAPS_STD,
	  BAD(REQ_WR_MULTI_UNSUPPORTED) },
	{ "write multi 4 bytes", 15, PB(1, 0, 0, 0), 0, CAPS_WM, BAD(REQ_WR_MULTI_SIZE) },
	{ "write multi with an fd", 15, PL(struct t_wm1, { 1 }, { { 0, 0, 4, { 0 } } }), 1, CAPS_WM,
	  BAD(REQ_WR_MULTI_FDS) },
	{ "write multi wr_cnt 0", 15, PL(struct vu_wr_multi, 0), 0, CAPS_WM, BAD(REQ_WR_MULTI_ZERO) },
	{ "write multi wr_cnt 3, 2 entries (WM-02)", 15, PL(struct t_wm2, { 3 }, { { 0 } }), 0, CAPS_WM,
	  BAD(REQ_WR_MULTI_COUNT) },
	{ "write multi wr_cnt 1, 2 entries", 15, PL(struct t_wm2, { 1 }, { { 0 } }), 0, CAPS_WM,
	  BAD(REQ_WR_MULTI_COUNT) },
	{ "write multi wr_cnt 2^63", 15, PL(struct t_wm2, { 1ull << 63 }, { { 0 } }), 0, CAPS_WM,
	  BAD(REQ_WR_MULTI_COUNT) },
	{ "write multi trailing byte", 15, PL(struct t_wm2x, { 2 }, { { 0 } }, 0), 0, CAPS_WM, BAD(REQ_WR_MULTI_COUNT) },
	{ "write multi entry count 9 (WM-02)", 15, PL(struct t_wm2, { 2 }, { { 0, 0, 4, { 0 } }, { 0, 0, 9, { 0 } } }),
	  0, CAPS_WM, BAD(REQ_WR_MULTI_ENTRY_COUNT) },
	{ "write multi entry wrapping", 15, PL(struct t_wm1, { 1 }, { { U64MAX - 3, 0, 8, { 0 } } }), 0, CAPS_WM,
	  BAD(REQ_WR_MULTI_ENTRY_WRAP) },
	/* DEVICE_FEATURE (§3.13, MG-01/02) */
	{ "feature GET migration", 16, PL(struct vu_feature, 16, F_GET | 1), 0, CAPS_STD, OK },
	{ "feature PROBE GET SET", 16, PL(struct vu_feature, 8, F_PROBE | F_GET | F_SET | 2), 0, CAPS_STD, OK },
	{ "feature SET mig state", 16, PL(struct t_feat8, { 16, F_SET | 2 }, 2), 0, CAPS_STD, OK },
	{ "feature GET log report", 16, PL(struct t_feat_rep, { 4096, F_GET | 8 }, { 0, 0x10000, 4096 }), 0, CAPS_STD,
	  OK },
	{ "feature 4 bytes", 16, PB(8, 0, 0, 0), 0, CAPS_STD, BAD(REQ_FEATURE_SIZE) },
	{ "feature with an fd", 16, PL(struct vu_feature, 8, F_GET | 1), 1, CAPS_STD, BAD(REQ_FEATURE_FDS) },
	{ "feature argsz 7", 16, PL(struct vu_feature, 7, F_GET | 1), 0, CAPS_STD, BAD(REQ_FEATURE_ARGSZ) },
	{ "feature SET argsz without data", 16, PL(struct t_feat8, { 8, F_SET | 2 }, 2), 0, CAPS_STD,
	  BAD(REQ_FEATURE_ARGSZ) },
	{ "feature flag bit 19", 16, PL(struct vu_feature, 8, 0x80000 | F_GET | 1), 0, CAPS_STD,
	  BAD(REQ_FEATURE_FLAGS) },
	{ "feature no operation (MG-02)", 16, PL(struct vu_feature, 8, 1), 0, CAPS_STD, BAD(REQ_FEATURE_OPS) },
	{ "feature PROBE alone", 16, PL(struct vu_feature, 8, F_PROBE | 1), 0, CAPS_STD, BAD(REQ_FEATURE_OPS) },
	{ "feature GET|SET without PROBE (MG-02)", 16, PL(struct vu_feature, 8, F_GET | F_SET | 2), 0, CAPS_STD,
	  BAD(REQ_FEATURE_OPS) },
	/* MIG_DATA_READ (§3.15, MG-08) */
	{ "mig read 64", 17, PL(struct vu_mig_data, 72, 64), 0, CAPS_STD, OK },
	{ "mig read 0", 17, PL(struct vu_mig_data, 8, 0), 0, CAPS_STD, OK },
	{ "mig read 1 MiB", 17, PL(struct vu_mig_data, 8 + MIB, MIB), 0, CAPS_STD, OK },
	{ "mig read 12 bytes", 17, PL(struct t_dma12, 72, 64), 0, CAPS_STD, BAD(REQ_MIG_READ_SIZE) },
	{ "mig read with an fd", 17, PL(struct vu_mig_data, 72, 64), 1, CAPS_STD, BAD(REQ_MIG_READ_FDS) },
	{ "mig read 1 MiB + 1", 17, PL(struct vu_mig_data, UINT32_MAX, MIB + 1), 0, CAPS_STD, BAD(REQ_MIG_READ_XFER) },
	{ "mig read 65, server limit 64", 17, PL(struct vu_mig_data, 73, 65), 0, CAPS_OWN_SMALL,
	  BAD(REQ_MIG_READ_XFER) },
	{ "mig read 65, client limit 64", 17, PL(struct vu_mig_data, 73, 65), 0, CAPS_PEER_SMALL,
	  BAD(REQ_MIG_READ_XFER) },
	{ "mig read argsz 71 for 64", 17, PL(struct vu_mig_data, 71, 64), 0, CAPS_STD, BAD(REQ_MIG_READ_ARGSZ) },
	{ "mig read argsz 0", 17, PL(struct vu_mig_data, 0, 0), 0, CAPS_STD, BAD(REQ_MIG_READ_ARGSZ) },
	/* MIG_DATA_WRITE (§3.15) */
	{ "mig write 16", 18, PL(struct t_mig16, { 24, 16 }, { 0 }), 0, CAPS_STD, OK },
	{ "mig write 0", 18, PL(struct vu_mig_data, 8, 0), 0, CAPS_STD, OK },
	{ "mig write 64, client limit 64 irrelevant", 18, PL(struct t_mig64, { 72, 64 }, { 0 }), 0, CAPS_PEER_SMALL, OK },
	{ "mig write 4 bytes", 18, PB(8, 0, 0, 0), 0, CAPS_STD, BAD(REQ_MIG_WRITE_SIZE) },
	{ "mig write with an fd", 18, PL(struct vu_mig_data, 8, 0), 1, CAPS_STD, BAD(REQ_MIG_WRITE_FDS) },
	{ "mig write 72 of 64", 18, PL(struct t_mig72, { 80, 72 }, { 0 }), 0, CAPS_OWN_SMALL, BAD(REQ_MIG_WRITE_XFER) },
	{ "mig write argsz 23 for 16", 18, PL(struct t_mig16, { 23, 16 }, { 0 }), 0, CAPS_STD,
	  BAD(REQ_MIG_WRITE_ARGSZ) },
	{ "mig write size 17, 16 bytes", 18, PL(struct t_mig16, { 25, 17 }, { 0 }), 0, CAPS_STD,
	  BAD(REQ_MIG_WRITE_DATA) },
	{ "mig write size 15, 16 bytes", 18, PL(struct t_mig16, { 24, 15 }, { 0 }), 0, CAPS_STD,
	  BAD(REQ_MIG_WRITE_DATA) },
};

static void test_request(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(req_rows); i++) {
		const struct req_case *c = &req_rows[i];
		struct vu_caps own, peer;
		struct vu_msg m;

		caps_for(c->caps, &own, &peer);
		msg_init(&m, 7, c->cmd, VU_FLAGS_TYPE_COMMAND, c->p, c->len, c->nfds);
		vfsim_reject_clear();
		check_result(c->what, vu_check_request(&m, &own, &peer), c->err, c->rule);
		msg_fini(&m);
	}
}

/* The message struct itself must be consistent (vu-conn fills it). */
static void test_request_len(void **state)
{
	struct vu_caps own, peer;
	struct vu_msg m;

	caps_for(CAPS_STD, &own, &peer);
	msg_init(&m, 1, VU_CMD_REGION_READ, 0, PL(struct vu_region_access, 0, 7, 4), 0);
	m.hdr.size = 16 + 20;
	vfsim_reject_clear();
	check_result("msg_size != 16 + len", vu_check_request(&m, &own, &peer), -EINVAL, RULE_VU_REQ_LEN);
	m.hdr.size = 8;
	check_result("msg_size < 16", vu_check_request(&m, &own, &peer), -EINVAL, RULE_VU_REQ_LEN);
	m.hdr.size = 32;
	m.nfds = VU_MAX_FDS_PER_MSG + 1;
	check_result("nfds beyond the array", vu_check_request(&m, &own, &peer), -EINVAL, RULE_VU_REQ_LEN);
	msg_fini(&m);
	msg_init(&m, 1, VU_CMD_REGION_READ, 0, P0, 0);
	m.len = 16;
	m.hdr.size = 32;
	check_result("payload NULL", vu_check_request(&m, &own, &peer), -EINVAL, RULE_VU_REQ_LEN);
}

/* ---- server -> client requests at the client (§3.10, CL-14..17) ------------- */

static const struct req_case dma_rows[] = {
	{ "dma read", 11, PL(struct vu_dma_access, 0x1000, 8), 0, CAPS_STD, OK },
	{ "dma read 1 MiB", 11, PL(struct vu_dma_access, 0x1000, MIB), 0, CAPS_STD, OK },
	{ "dma read 0", 11, PL(struct vu_dma_access, 0, 0), 0, CAPS_STD, OK },
	{ "dma write", 12, PL(struct t_dma4, { 0x1000, 4 }, { 1, 2, 3, 4 }), 0, CAPS_STD, OK },
	{ "dma write ending at 2^64", 12, PL(struct t_dma4, { U64MAX - 3, 4 }, { 0 }), 0, CAPS_STD, OK },
	{ "region read to a client (CL-17)", 9, PL(struct vu_region_access, 0, 0, 4), 0, CAPS_STD, -ENOSYS,
	  RULE_VU_DMA_REQ_CMD },
	{ "cmd 99", 99, PL(struct vu_dma_access, 0, 8), 0, CAPS_STD, -ENOSYS, RULE_VU_DMA_REQ_CMD },
	{ "dma read with an fd (CL-17)", 11, PL(struct vu_dma_access, 0, 8), 1, CAPS_STD, BAD(DMA_REQ_FDS) },
	{ "dma read 12 bytes, QEMU layout", 11, PL(struct t_dma12, 0x1000, 8), 0, CAPS_STD, BAD(DMA_REQ_SIZE) },
	{ "dma read 24 bytes", 11, PL(struct t_dma8, { 0x1000, 8 }, { 0 }), 0, CAPS_STD, BAD(DMA_REQ_SIZE) },
	{ "dma write 8 bytes", 12, PB(0, 0, 0, 0, 0, 0, 0, 0), 0, CAPS_STD, BAD(DMA_REQ_SIZE) },
	{ "dma read 1 MiB + 1 (CL-16)", 11, PL(struct vu_dma_access, 0, MIB + 1), 0, CAPS_STD, -E2BIG,
	  RULE_VU_DMA_REQ_XFER },
	{ "dma read 2^63", 11, PL(struct vu_dma_access, 0, 1ull << 63), 0, CAPS_STD, -E2BIG, RULE_VU_DMA_REQ_XFER },
	{ "dma write count 5, 4 bytes", 12, PL(struct t_dma4, { 0, 5 }, { 0 }), 0, CAPS_STD, BAD(DMA_REQ_COUNT) },
	{ "dma read wrapping", 11, PL(struct vu_dma_access, U64MAX - 3, 8), 0, CAPS_STD, BAD(DMA_REQ_WRAP) },
};

static void test_dma_request(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dma_rows); i++) {
		const struct req_case *c = &dma_rows[i];
		struct vu_caps own, peer;
		struct vu_msg m;

		caps_for(c->caps, &own, &peer);
		msg_init(&m, 3, c->cmd, VU_FLAGS_TYPE_COMMAND, c->p, c->len, c->nfds);
		vfsim_reject_clear();
		check_result(c->what, vu_check_dma_request(&m, &own), c->err, c->rule);
		msg_fini(&m);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_names),
		cmocka_unit_test(test_hdr),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_golden_files),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_request_len),
		cmocka_unit_test(test_dma_request),
	};

	if (argc == 3 && !strcmp(argv[1], "--write-golden"))
		return golden_write(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
