/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vu-wire.c: header rules (digest §1.3), every command's request shape as a
 * server receives it (§3.1-3.15), server -> client DMA requests (§3.10) and
 * every reply against its request, as tables of golden messages written
 * from the digest's layouts: one valid row per command and direction and a
 * row per rejection with its errno and rule.
 *
 * The valid golden messages are also kept as files, fixtures/golden/
 * vfio-user/<command>-request.bin and -reply.bin (header + payload; fds
 * cannot be stored, the table says how many travel with each), which seed
 * the fuzzers. `test-vu-wire --write-golden DIR` writes them; the test reads
 * them back, compares them with the table and validates them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "include/vfsim.h"
#include "rules.h"
#include "vu-wire.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A payload: a struct built in place, raw bytes, or nothing. */
#define PL(T, ...) (const void *)&(const T){ __VA_ARGS__ }, sizeof(T)
#define PB(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })
#define P0 NULL, 0
/* VERSION: major, minor and a NUL-terminated JSON string. */
#define VJ(maj, min, s)                                                                         \
	(const void *)&(const struct __attribute__((packed)) { struct vu_version v; char j[sizeof(s)]; }){ \
		{ maj, min }, s }, (uint32_t)(4 + sizeof(s))

#define RD 0x1u		/* VFIO_REGION_INFO_FLAG_READ */
#define WR 0x2u
#define MMAP 0x4u
#define CAPS 0x8u
#define I_NONE 0x1u	/* VFIO_IRQ_SET_DATA_NONE ... */
#define I_BOOL 0x2u
#define I_EVFD 0x4u
#define I_MASK 0x8u
#define I_UNMASK 0x10u
#define I_TRIG 0x20u
#define F_GET 0x10000u	/* VFIO_DEVICE_FEATURE_GET ... */
#define F_SET 0x20000u
#define F_PROBE 0x40000u
#define MIB (1u << 20)

struct t_map_long { struct vu_dma_map m; uint64_t x; } VU_PACKED;
struct t_unmap_bm { struct vu_dma_unmap u; struct vu_bitmap b; } VU_PACKED;
struct t_unmap_bm8 { struct vu_dma_unmap u; struct vu_bitmap b; uint64_t bits; } VU_PACKED;
struct t_unmap_x { struct vu_dma_unmap u; uint64_t x; } VU_PACKED;
struct t_irq_d1 { struct vu_irq_set s; uint8_t d[1]; } VU_PACKED;
struct t_irq_d2 { struct vu_irq_set s; uint8_t d[2]; } VU_PACKED;
struct t_irq_d3 { struct vu_irq_set s; uint8_t d[3]; } VU_PACKED;
struct t_rw4 { struct vu_region_access a; uint8_t d[4]; } VU_PACKED;
struct t_rw2 { struct vu_region_access a; uint8_t d[2]; } VU_PACKED;
struct t_rw3 { struct vu_region_access a; uint8_t d[3]; } VU_PACKED;
struct t_rw65 { struct vu_region_access a; uint8_t d[65]; } VU_PACKED;
struct t_wm1 { struct vu_wr_multi h; struct vu_wr_one w[1]; } VU_PACKED;
struct t_wm2 { struct vu_wr_multi h; struct vu_wr_one w[2]; } VU_PACKED;
struct t_wm2x { struct vu_wr_multi h; struct vu_wr_one w[2]; uint8_t x; } VU_PACKED;
struct t_feat8 { struct vu_feature f; uint64_t d; } VU_PACKED;
struct t_feat16 { struct vu_feature f; uint64_t d[2]; } VU_PACKED;
struct t_feat_rep { struct vu_feature f; struct vu_log_report r; } VU_PACKED;
struct t_mig16 { struct vu_mig_data d; uint8_t b[16]; } VU_PACKED;
struct t_mig64 { struct vu_mig_data d; uint8_t b[64]; } VU_PACKED;
struct t_mig72 { struct vu_mig_data d; uint8_t b[72]; } VU_PACKED;
struct t_dma4 { struct vu_dma_access a; uint8_t d[4]; } VU_PACKED;
struct t_dma8 { struct vu_dma_access a; uint8_t d[8]; } VU_PACKED;
struct t_dma_q { struct vu_dma_access_qemu a; uint8_t d[12]; } VU_PACKED;
struct t_dma12 { uint64_t addr; uint32_t count; } VU_PACKED;
struct t_sparse1 { struct vu_cap_hdr h; uint32_t nr, res; uint64_t area[2]; } VU_PACKED;
struct t_ri_sparse { struct vu_region_info ri; struct t_sparse1 c; } VU_PACKED;
struct t_iofds1 { struct vu_io_fds_req h; struct vu_ioeventfd_spec e; } VU_PACKED;
struct t_iofds2 { struct vu_io_fds_req h; struct vu_ioeventfd_spec e; uint32_t x; } VU_PACKED;
struct t_iofds1_lvu { struct vu_io_fds_req h; struct vu_ioeventfd_lvu e; } VU_PACKED;
struct t_dirty { uint32_t argsz, flags; } VU_PACKED;

/* Capability sets of the side under test and of its peer. */
enum { CAPS_STD, CAPS_WM, CAPS_OWN_SMALL, CAPS_PEER_SMALL };

static void caps_for(int v, struct vu_caps *own, struct vu_caps *peer)
{
	vu_caps_default(own);
	vu_caps_default(peer);
	own->max_msg_fds = 8;	/* libvfio-user's value */
	if (v == CAPS_WM)
		own->write_multiple = true;
	if (v == CAPS_OWN_SMALL)
		own->max_data_xfer_size = 64;
	if (v == CAPS_PEER_SMALL)
		peer->max_data_xfer_size = 64;
}

/* A message whose payload is a heap block of exactly @len bytes, so that a
 * read past the payload is caught by ASan and valgrind. */
static void msg_init(struct vu_msg *m, uint16_t id, uint16_t cmd, uint32_t flags, const void *p, uint32_t len,
		     unsigned nfds)
{
	unsigned i;

	memset(m, 0, sizeof(*m));
	m->hdr.id = id;
	m->hdr.cmd = cmd;
	m->hdr.size = VU_HDR_SIZE + len;
	m->hdr.flags = flags;
	m->payload = len ? malloc(len) : NULL;
	if (len) {
		assert_non_null(m->payload);
		memcpy(m->payload, p, len);
	}
	m->len = len;
	m->nfds = nfds;
	for (i = 0; i < VU_MAX_FDS_PER_MSG; i++)
		m->fds[i] = -1;
}

static void msg_fini(struct vu_msg *m)
{
	free(m->payload);
	m->payload = NULL;
}

static void check_result(const char *what, int r, int err, int rule)
{
	int e = 0, got = vfsim_last_rule(&e);

	if (r != err || (err && (got != rule || e != err)) || (!err && got != RULE_NONE))
		fail_msg("%s: got %d rule %s, want %d rule %s", what, r, vfsim_rule_name(got), err,
			 vfsim_rule_name(err ? rule : RULE_NONE));
}

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

static void test_reply_errno(void **state)
{
	static const struct { uint32_t flags, error; int want; } rows[] = {
		{ 0x1, 22, 0 }, { 0x21, 22, -EINVAL }, { 0x21, EEXIST, -EEXIST }, { 0x21, ENOENT, -ENOENT },
		{ 0x21, 0, -EINVAL }, { 0x21, 4096, -4096 }, { 0x21, 4097, -EINVAL }, { 0x21, UINT32_MAX, -EINVAL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct vu_hdr h = { 1, 1, 16, rows[i].flags, rows[i].error };

		assert_int_equal(vu_reply_errno(&h), rows[i].want);
	}
}

/* ---- golden messages: one valid request and reply per command ------------- */

struct golden {
	const char *stem;
	uint16_t cmd;
	const void *req;
	uint32_t req_len;
	unsigned req_nfds;
	const void *rpl;
	uint32_t rpl_len;
	unsigned rpl_nfds;
	int caps;
};

#define QEMU_OFFER "{\"capabilities\":{\"max_msg_fds\":16,\"max_data_xfer_size\":1048576,\"pgsizes\":4096," \
		   "\"max_dma_maps\":65535,\"write_multiple\":true}}"
#define LVU_REPLY "{\"capabilities\":{\"max_msg_fds\":8,\"max_data_xfer_size\":1048576}}"

static const struct golden golden[] = {
	{ "version", VU_CMD_VERSION, VJ(0, 0, QEMU_OFFER), 0, VJ(0, 0, LVU_REPLY), 0, CAPS_STD },
	{ "dma-map", VU_CMD_DMA_MAP, PL(struct vu_dma_map, 32, RD | WR, 0, 0x100000, 0x10000), 0, P0, 0, CAPS_STD },
	{ "dma-unmap", VU_CMD_DMA_UNMAP, PL(struct vu_dma_unmap, 24, 0, 0x100000, 0x10000), 0,
	  PL(struct vu_dma_unmap, 24, 0, 0x100000, 0x10000), 0, CAPS_STD },
	{ "device-get-info", VU_CMD_DEVICE_GET_INFO, PL(struct vu_device_info, 16, 0, 0, 0), 0,
	  PL(struct vu_device_info, 16, 0x3, 9, 5), 0, CAPS_STD },
	/* BAR0, 16 KiB, mmap-able first page: sparse cap at 32, argsz 64, the fd */
	{ "device-get-region-info", VU_CMD_DEVICE_GET_REGION_INFO, PL(struct vu_region_info, 64, 0, 0, 0, 0, 0), 0,
	  PL(struct t_ri_sparse, { 64, RD | WR | MMAP | CAPS, 0, 32, 0x4000, 0 }, { { 1, 1, 0 }, 1, 0, { 0, 0x1000 } }), 1,
	  CAPS_STD },
	{ "device-get-region-io-fds", VU_CMD_DEVICE_GET_REGION_IO_FDS, PL(struct vu_io_fds_req, 56, 0, 0, 0), 0,
	  PL(struct t_iofds1, { 56, 0, 0, 1 }, { 0x100, 4, 0, 0, 0, 0, 0 }), 1, CAPS_STD },
	{ "device-get-irq-info", VU_CMD_DEVICE_GET_IRQ_INFO, PL(struct vu_irq_info, 16, 0, 2, 0), 0,
	  PL(struct vu_irq_info, 16, 0x9, 2, 4), 0, CAPS_STD },
	{ "device-set-irqs", VU_CMD_DEVICE_SET_IRQS, PL(struct t_irq_d2, { 22, I_BOOL | I_TRIG, 2, 0, 2 }, { 1, 0 }), 0,
	  P0, 0, CAPS_STD },
	{ "region-read", VU_CMD_REGION_READ, PL(struct vu_region_access, 0, 7, 4), 0,
	  PL(struct t_rw4, { 0, 7, 4 }, { 0xf4, 0x1a, 0x00, 0x10 }), 0, CAPS_STD },
	{ "region-write", VU_CMD_REGION_WRITE, PL(struct t_rw4, { 0x10, 0, 4 }, { 1, 2, 3, 4 }), 0,
	  PL(struct vu_region_access, 0x10, 0, 4), 0, CAPS_STD },
	{ "dma-read", VU_CMD_DMA_READ, PL(struct vu_dma_access, 0x100000, 8), 0,
	  PL(struct t_dma8, { 0x100000, 8 }, { 1, 2, 3, 4, 5, 6, 7, 8 }), 0, CAPS_STD },
	{ "dma-write", VU_CMD_DMA_WRITE, PL(struct t_dma4, { 0x100000, 4 }, { 9, 8, 7, 6 }), 0,
	  PL(struct vu_dma_access, 0x100000, 4), 0, CAPS_STD },
	{ "device-reset", VU_CMD_DEVICE_RESET, P0, 0, P0, 0, CAPS_STD },
	{ "region-write-multi", VU_CMD_REGION_WRITE_MULTI,
	  PL(struct t_wm2, { 2 }, { { 0x10, 0, 4, { 1, 2, 3, 4 } }, { 0x18, 0, 8, { 1, 2, 3, 4, 5, 6, 7, 8 } } }), 0,
	  PL(struct vu_wr_multi, 2), 0, CAPS_WM },
	/* GET MIGRATION: flags STOP_COPY | PRE_COPY */
	{ "device-feature", VU_CMD_DEVICE_FEATURE, PL(struct vu_feature, 16, F_GET | 1), 0,
	  PL(struct t_feat8, { 16, F_GET | 1 }, 5), 0, CAPS_STD },
	/* a short read (16 of 64): the end of the stream for now */
	{ "mig-data-read", VU_CMD_MIG_DATA_READ, PL(struct vu_mig_data, 72, 64), 0,
	  PL(struct t_mig16, { 24, 16 }, { 'V', 'F', 'S', 'M', 1 }), 0, CAPS_STD },
	{ "mig-data-write", VU_CMD_MIG_DATA_WRITE, PL(struct t_mig16, { 24, 16 }, { 'V', 'F', 'S', 'M', 1 }), 0, P0, 0,
	  CAPS_STD },
};

#define GOLDEN_MAX_SIZE (MIB + 32)

/* Validate one golden pair as the two sides would: header, then request
 * (server side, or the client for server -> client DMA), then the reply. */
static void golden_validate(const struct golden *g, const struct vu_msg *req, const struct vu_msg *rpl)
{
	struct vu_caps own, peer;
	int r;

	caps_for(g->caps, &own, &peer);
	vfsim_reject_clear();
	check_result(g->stem, vu_check_hdr(&req->hdr, GOLDEN_MAX_SIZE), 0, 0);
	check_result(g->stem, vu_check_hdr(&rpl->hdr, GOLDEN_MAX_SIZE), 0, 0);
	if (g->cmd == VU_CMD_DMA_READ || g->cmd == VU_CMD_DMA_WRITE)
		r = vu_check_dma_request(req, &own);
	else
		r = vu_check_request(req, &own, &peer);
	check_result(g->stem, r, 0, 0);
	check_result(g->stem, vu_check_reply(&req->hdr, req->payload, req->len, rpl, false), 0, 0);
}

static void golden_msgs(const struct golden *g, struct vu_msg *req, struct vu_msg *rpl)
{
	msg_init(req, (uint16_t)(0x100 + g->cmd), g->cmd, VU_FLAGS_TYPE_COMMAND, g->req, g->req_len, g->req_nfds);
	msg_init(rpl, (uint16_t)(0x100 + g->cmd), g->cmd, VU_FLAGS_TYPE_REPLY, g->rpl, g->rpl_len, g->rpl_nfds);
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

#define OK 0, 0
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

/* ---- replies at the requester (§1.7, §3) ------------------------------------- */

struct rpl_case {
	const char *what;
	uint16_t cmd;
	const void *req;
	uint32_t req_len;
	const void *rpl;
	uint32_t rpl_len;
	unsigned nfds;
	uint32_t xflags;	/* ORed into REPLY: VU_FLAGS_ERROR */
	bool lenient;
	int err, rule;
};

#define NOT(rule) -EPROTO, RULE_VU_##rule
#define TWIN_OFFER "{\"capabilities\":{\"twin_socket\":{\"supported\":true}}}"
#define RQ_V02 PL(struct vu_version, 0, 2)
#define RQ_UNMAP PL(struct vu_dma_unmap, 24, 0, 0x100000, 0x10000)
#define RQ_UNMAP_BM PL(struct t_unmap_bm, { 48, 1, 0x100000, 0x10000 }, { 4096, 8 })
#define RQ_RI64 PL(struct vu_region_info, 64, 0, 0, 0, 0, 0)
#define RQ_RI32 PL(struct vu_region_info, 32, 0, 0, 0, 0, 0)
#define RQ_IOFDS PL(struct vu_io_fds_req, 56, 0, 0, 0)
#define RQ_READ4 PL(struct vu_region_access, 0, 7, 4)
#define RQ_WRITE4 PL(struct t_rw4, { 0x10, 0, 4 }, { 1, 2, 3, 4 })
#define RQ_DMAR PL(struct vu_dma_access, 0x100000, 8)
#define RQ_DMAW PL(struct t_dma4, { 0x100000, 4 }, { 1, 2, 3, 4 })
#define RQ_GET PL(struct vu_feature, 16, F_GET | 1)
#define RQ_MIGR PL(struct vu_mig_data, 72, 64)
#define RI(argsz, flags, index, capoff, size) PL(struct vu_region_info, argsz, flags, index, capoff, size, 0)
#define RI_SPARSE(flags, capoff, next, nr, aoff, asize)                                            \
	PL(struct t_ri_sparse, { 64, flags, 0, capoff, 0x4000, 0 }, { { 1, 1, next }, nr, 0, { aoff, asize } })

static const struct rpl_case rpl_rows[] = {
	/* VERSION (§2.2, §2.4, VN-*, CL-02..04) */
	{ "version no JSON", 1, PL(struct vu_version, 0, 0), PL(struct vu_version, 0, 0), 0, 0, false, OK },
	{ "version minor down", 1, RQ_V02, PL(struct vu_version, 0, 1), 0, 0, false, OK },
	{ "version libvfio-user", 1, RQ_V02, VJ(0, 2, LVU_REPLY), 0, 0, false, OK },
	{ "version twin granted", 1, VJ(0, 0, TWIN_OFFER),
	  VJ(0, 0, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}"), 1, 0, false, OK },
	{ "version twin declined", 1, VJ(0, 0, TWIN_OFFER),
	  VJ(0, 0, "{\"capabilities\":{\"twin_socket\":{\"supported\":false}}}"), 0, 0, false, OK },
	{ "version 2 bytes", 1, RQ_V02, PB(0, 0), 0, 0, false, NOT(RPL_VERSION_SIZE) },
	{ "version major 1 (CL-02)", 1, RQ_V02, PL(struct vu_version, 1, 0), 0, 0, false, NOT(RPL_VERSION_MAJOR) },
	{ "version minor 3 > 2 (CL-02)", 1, RQ_V02, PL(struct vu_version, 0, 3), 0, 0, false,
	  NOT(RPL_VERSION_MINOR) },
	{ "version minor 1 > 0", 1, PL(struct vu_version, 0, 0), PL(struct vu_version, 0, 1), 0, 0, false,
	  NOT(RPL_VERSION_MINOR) },
	{ "version JSON without NUL (CL-03)", 1, RQ_V02, PB(0, 0, 2, 0, '{', '}'), 0, 0, false, NOT(CAPS_JSON_NUL) },
	{ "version wrong-typed cap (CL-03)", 1, RQ_V02, VJ(0, 2, "{\"capabilities\":{\"max_msg_fds\":\"8\"}}"), 0, 0,
	  false, NOT(CAPS_TYPE) },
	{ "version fd without twin", 1, RQ_V02, PL(struct vu_version, 0, 2), 1, 0, false, NOT(RPL_FDS) },
	{ "version 2 fds", 1, VJ(0, 0, TWIN_OFFER),
	  VJ(0, 0, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}"), 2, 0, false,
	  NOT(RPL_FDS) },
	{ "version twin not offered (VN-12)", 1, RQ_V02,
	  VJ(0, 2, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}"), 1, 0, false,
	  NOT(RPL_TWIN_NOT_OFFERED) },
	{ "version twin without fd_index (CL-04)", 1, VJ(0, 0, TWIN_OFFER), VJ(0, 0, TWIN_OFFER), 1, 0, false,
	  NOT(RPL_TWIN_FD_INDEX) },
	{ "version twin fd_index 1 of 1", 1, VJ(0, 0, TWIN_OFFER),
	  VJ(0, 0, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":1}}}"), 1, 0, false,
	  NOT(RPL_TWIN_FD_INDEX) },
	{ "version twin fd_index 0, no fd", 1, VJ(0, 0, TWIN_OFFER),
	  VJ(0, 0, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}"), 0, 0, false,
	  NOT(RPL_TWIN_FD_INDEX) },
	/* DMA_MAP, SET_IRQS, RESET, MIG_DATA_WRITE: header only */
	{ "map", 2, PL(struct vu_dma_map, 32, 3, 0, 0, 0x1000), P0, 0, 0, false, OK },
	{ "map with payload", 2, PL(struct vu_dma_map, 32, 3, 0, 0, 0x1000), PB(0, 0, 0, 0), 0, 0, false,
	  NOT(RPL_DMA_MAP_SIZE) },
	{ "map with an fd", 2, PL(struct vu_dma_map, 32, 3, 0, 0, 0x1000), P0, 1, 0, false, NOT(RPL_FDS) },
	{ "set irqs with payload", 8, PL(struct vu_irq_set, 20, 0x21, 0, 0, 0), PB(0, 0, 0, 0), 0, 0, false,
	  NOT(RPL_SET_IRQS_SIZE) },
	{ "reset with payload", 13, P0, PB(0, 0, 0, 0, 0, 0, 0, 0), 0, 0, false, NOT(RPL_RESET_SIZE) },
	{ "mig write with payload", 18, PL(struct vu_mig_data, 8, 0), PL(struct vu_mig_data, 8, 0), 0, 0, false,
	  NOT(RPL_MIG_WRITE_SIZE) },
	/* DMA_UNMAP (§3.3, DM-08) */
	{ "unmap bitmap", 3, RQ_UNMAP_BM,
	  PL(struct t_unmap_bm8, { 48, 1, 0x100000, 0x10000 }, { 4096, 8 }, 0x5), 0, 0, false, OK },
	{ "unmap 16 bytes", 3, RQ_UNMAP, PL(struct vu_device_info, 24, 0, 0, 0), 0, 0, false, NOT(RPL_DMA_UNMAP_SIZE) },
	{ "unmap addr not echoed", 3, RQ_UNMAP, PL(struct vu_dma_unmap, 24, 0, 0x200000, 0x10000), 0, 0, false,
	  NOT(RPL_DMA_UNMAP_ECHO) },
	{ "unmap size not echoed", 3, RQ_UNMAP, PL(struct vu_dma_unmap, 24, 0, 0x100000, 0x1000), 0, 0, false,
	  NOT(RPL_DMA_UNMAP_ECHO) },
	{ "unmap extra bytes", 3, RQ_UNMAP, PL(struct t_unmap_x, { 24, 0, 0x100000, 0x10000 }, 0), 0, 0, false,
	  NOT(RPL_DMA_UNMAP_SIZE) },
	{ "unmap bitmap missing", 3, RQ_UNMAP_BM, PL(struct t_unmap_bm, { 48, 1, 0x100000, 0x10000 }, { 4096, 8 }), 0,
	  0, false, NOT(RPL_DMA_UNMAP_SIZE) },
	{ "unmap bitmap pgsize changed", 3, RQ_UNMAP_BM,
	  PL(struct t_unmap_bm8, { 48, 1, 0x100000, 0x10000 }, { 8192, 8 }, 0), 0, 0, false, NOT(RPL_DMA_UNMAP_ECHO) },
	{ "unmap request too short", 3, PB(24, 0, 0, 0), RQ_UNMAP, 0, 0, false, -EINVAL, RULE_VU_RPL_REQ_SHORT },
	{ "unmap bitmap request too short", 3, PL(struct vu_dma_unmap, 48, 1, 0x100000, 0x10000),
	  PL(struct t_unmap_bm8, { 48, 1, 0x100000, 0x10000 }, { 4096, 8 }, 0), 0, 0, false, -EINVAL,
	  RULE_VU_RPL_REQ_SHORT },
	/* DEVICE_GET_INFO (§3.4, CL-12) */
	{ "info 100 regions 50 irqs", 4, PL(struct vu_device_info, 16, 0, 0, 0), PL(struct vu_device_info, 16, 2, 100, 50),
	  0, 0, false, OK },
	{ "info 12 bytes", 4, PL(struct vu_device_info, 16, 0, 0, 0), PB(16, 0, 0, 0, 2, 0, 0, 0, 9, 0, 0, 0), 0, 0,
	  false, NOT(RPL_DEVICE_INFO_SIZE) },
	{ "info 20 bytes", 4, PL(struct vu_device_info, 16, 0, 0, 0), PL(struct vu_irq_set, 16, 2, 9, 5, 0), 0, 0, false,
	  NOT(RPL_DEVICE_INFO_SIZE) },
	{ "info 101 regions", 4, PL(struct vu_device_info, 16, 0, 0, 0), PL(struct vu_device_info, 16, 2, 101, 5), 0, 0,
	  false, NOT(RPL_DEVICE_INFO_COUNTS) },
	{ "info 2^32-1 irqs", 4, PL(struct vu_device_info, 16, 0, 0, 0),
	  PL(struct vu_device_info, 16, 2, 9, UINT32_MAX), 0, 0, false, NOT(RPL_DEVICE_INFO_COUNTS) },
	/* DEVICE_GET_REGION_INFO (§3.5, RI-03..05, CL-10/11) */
	{ "region info no caps", 5, RQ_RI32, RI(32, RD | WR, 0, 0, 0x1000), 0, 0, false, OK },
	{ "region info short argsz (RI-04)", 5, RQ_RI32, RI(64, RD | WR | MMAP, 0, 0, 0x4000), 0, 0, false, OK },
	{ "region info short argsz with CAPS", 5, RQ_RI32, RI(64, RD | WR | MMAP | CAPS, 0, 0, 0x4000), 0, 0, false,
	  NOT(RPL_REGION_INFO_TRUNC) },
	{ "region info short argsz with cap_offset", 5, RQ_RI32, RI(64, RD | WR | MMAP, 0, 32, 0x4000), 0, 0, false,
	  NOT(RPL_REGION_INFO_TRUNC) },
	{ "region info short argsz with the fd", 5, RQ_RI32, RI(64, RD | WR | MMAP, 0, 0, 0x4000), 1, 0, false,
	  NOT(RPL_REGION_INFO_TRUNC) },
	{ "region info index not echoed", 5, RQ_RI32, RI(32, RD, 1, 0, 0x1000), 0, 0, false,
	  NOT(RPL_REGION_INFO_INDEX) },
	{ "region info 24 bytes", 5, RQ_RI32, PB(32, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
						 0),
	  0, 0, false, NOT(RPL_REGION_INFO_SIZE) },
	{ "region info argsz 16", 5, RQ_RI32, RI(16, RD, 0, 0, 0x1000), 0, 0, false, NOT(RPL_REGION_INFO_ARGSZ) },
	{ "region info larger than argsz", 5, RQ_RI32, RI_SPARSE(RD | WR | MMAP | CAPS, 32, 0, 1, 0, 0x1000), 1, 0, false,
	  NOT(RPL_REGION_INFO_OVERFLOW) },
	{ "region info argsz 64, 32 bytes sent", 5, RQ_RI64, RI(64, RD | WR | MMAP | CAPS, 0, 32, 0x4000), 0, 0, false,
	  NOT(RPL_REGION_INFO_ARGSZ) },
	{ "region info fd without MMAP", 5, RQ_RI32, RI(32, RD | WR, 0, 0, 0x1000), 1, 0, false,
	  NOT(RPL_REGION_INFO_FD) },
	{ "region info 2 fds", 5, RQ_RI64, RI_SPARSE(RD | WR | MMAP | CAPS, 32, 0, 1, 0, 0x1000), 2, 0, false,
	  NOT(RPL_FDS) },
	{ "region info CAPS without cap_offset", 5, RQ_RI32, RI(32, RD | CAPS, 0, 0, 0x1000), 0, 0, false,
	  NOT(RPL_REGION_INFO_CAPS_FLAG) },
	{ "region info cap_offset without CAPS", 5, RQ_RI64, RI_SPARSE(RD | WR | MMAP, 32, 0, 1, 0, 0x1000), 0, 0, false,
	  NOT(RPL_REGION_INFO_CAPS_FLAG) },
	{ "region info cap bytes without CAPS", 5, RQ_RI64, RI_SPARSE(RD | WR | MMAP, 0, 0, 1, 0, 0x1000), 0, 0, false,
	  NOT(RPL_REGION_INFO_CAPS_FLAG) },
	{ "region info cap_offset 8 (CL-11)", 5, RQ_RI64, RI_SPARSE(RD | WR | MMAP | CAPS, 8, 0, 1, 0, 0x1000), 0, 0,
	  false, NOT(RPL_REGION_INFO_CAP_OFFSET) },
	{ "region info cap_offset at the end", 5, RQ_RI64, RI_SPARSE(RD | WR | MMAP | CAPS, 64, 0, 1, 0, 0x1000), 0, 0,
	  false, NOT(RPL_REGION_INFO_CAP_OFFSET) },
	{ "region info looping next (CL-11)", 5, RQ_RI64, RI_SPARSE(RD | WR | MMAP | CAPS, 32, 32, 1, 0, 0x1000), 0, 0,
	  false, NOT(CAPS_WALK_SELF) },
	{ "region info next backwards", 5, RQ_RI64, RI_SPARSE(RD | WR | MMAP | CAPS, 32, 16, 1, 0, 0x1000), 0, 0, false,
	  NOT(CAPS_WALK_BACKWARD) },
	{ "region info sparse area outside (RI-05)", 5, RQ_RI64,
	  RI_SPARSE(RD | WR | MMAP | CAPS, 32, 0, 1, 0x3000, 0x2000), 0, 0, false, NOT(CAP_SPARSE_AREA) },
	{ "region info nr_areas 2 in a 1-area cap", 5, RQ_RI64, RI_SPARSE(RD | WR | MMAP | CAPS, 32, 0, 2, 0, 0x1000), 0,
	  0, false, NOT(CAP_SPARSE_SIZE) },
	{ "region info request too short", 5, PL(struct vu_device_info, 32, 0, 0, 0), RI(32, RD, 0, 0, 0x1000), 0, 0,
	  false, -EINVAL, RULE_VU_RPL_REQ_SHORT },
	/* DEVICE_GET_REGION_IO_FDS (§3.6, §7.1, IO-03/04) */
	{ "io fds 48-byte entry (libvfio-user)", 6, PL(struct vu_io_fds_req, 64, 0, 0, 0),
	  PL(struct t_iofds1_lvu, { 64, 0, 0, 1 }, { 0x100, 4, 0, 2, 0, 0, 0, 0 }), 1, 0, false, OK },
	{ "io fds none", 6, RQ_IOFDS, PL(struct vu_io_fds_req, 16, 0, 0, 0), 0, 0, false, OK },
	{ "io fds short argsz (IO-04)", 6, PL(struct vu_io_fds_req, 16, 0, 0, 0), PL(struct vu_io_fds_req, 56, 0, 0, 1),
	  0, 0, false, OK },
	{ "io fds 8 bytes", 6, RQ_IOFDS, PL(struct t_dirty, 16, 0), 0, 0, false, NOT(RPL_IO_FDS_SIZE) },
	{ "io fds index not echoed", 6, RQ_IOFDS, PL(struct vu_io_fds_req, 16, 0, 1, 0), 0, 0, false,
	  NOT(RPL_IO_FDS_INDEX) },
	{ "io fds larger than argsz", 6, PL(struct vu_io_fds_req, 16, 0, 0, 0),
	  PL(struct t_iofds1, { 56, 0, 0, 1 }, { 0x100, 4, 0, 0, 0, 0, 0 }), 1, 0, false, NOT(RPL_IO_FDS_OVERFLOW) },
	{ "io fds count 1, no entries, argsz fits", 6, RQ_IOFDS, PL(struct vu_io_fds_req, 56, 0, 0, 1), 0, 0, false,
	  NOT(RPL_IO_FDS_STRIDE) },
	{ "io fds header with an fd", 6, RQ_IOFDS, PL(struct vu_io_fds_req, 16, 0, 0, 0), 1, 0, false, NOT(RPL_FDS) },
	{ "io fds count 2, one entry", 6, RQ_IOFDS, PL(struct t_iofds1, { 56, 0, 0, 2 }, { 0x100, 4, 0, 0, 0, 0, 0 }), 1,
	  0, false, NOT(RPL_IO_FDS_STRIDE) },
	{ "io fds 44-byte entry", 6, RQ_IOFDS, PL(struct t_iofds2, { 60, 0, 0, 1 }, { 0x100, 4, 0, 0, 0, 0, 0 }, 0), 1,
	  0, false, NOT(RPL_IO_FDS_OVERFLOW) },
	{ "io fds 44-byte entry, room for it", 6, PL(struct vu_io_fds_req, 64, 0, 0, 0),
	  PL(struct t_iofds2, { 60, 0, 0, 1 }, { 0x100, 4, 0, 0, 0, 0, 0 }, 0), 1, 0, false, NOT(RPL_IO_FDS_STRIDE) },
	{ "io fds argsz not the size", 6, PL(struct vu_io_fds_req, 64, 0, 0, 0),
	  PL(struct t_iofds1, { 64, 0, 0, 1 }, { 0x100, 4, 0, 0, 0, 0, 0 }), 1, 0, false, NOT(RPL_IO_FDS_STRIDE) },
	{ "io fds fd_index 1 of 1 (IO-03)", 6, RQ_IOFDS, PL(struct t_iofds1, { 56, 0, 0, 1 }, { 0x100, 4, 1, 0, 0, 0, 0 }),
	  1, 0, false, NOT(RPL_IO_FDS_FD_INDEX) },
	{ "io fds entry without fds", 6, RQ_IOFDS, PL(struct t_iofds1, { 56, 0, 0, 1 }, { 0x100, 4, 0, 0, 0, 0, 0 }), 0,
	  0, false, NOT(RPL_IO_FDS_FD_INDEX) },
	{ "io fds type 3", 6, RQ_IOFDS, PL(struct t_iofds1, { 56, 0, 0, 1 }, { 0x100, 4, 0, 3, 0, 0, 0 }), 1, 0, false,
	  NOT(RPL_IO_FDS_TYPE) },
	{ "io fds type 2 in a 40-byte entry", 6, RQ_IOFDS, PL(struct t_iofds1, { 56, 0, 0, 1 }, { 0, 4, 0, 2, 0, 0, 0 }),
	  1, 0, false, NOT(RPL_IO_FDS_TYPE) },
	/* DEVICE_GET_IRQ_INFO (§3.7, IQ-01) */
	{ "irq info index not echoed", 7, PL(struct vu_irq_info, 16, 0, 2, 0), PL(struct vu_irq_info, 16, 1, 1, 1), 0, 0,
	  false, NOT(RPL_IRQ_INFO_INDEX) },
	{ "irq info flag 0x10", 7, PL(struct vu_irq_info, 16, 0, 2, 0), PL(struct vu_irq_info, 16, 0x11, 2, 1), 0, 0,
	  false, NOT(RPL_IRQ_INFO_FLAGS) },
	{ "irq info 20 bytes", 7, PL(struct vu_irq_info, 16, 0, 2, 0), PL(struct vu_irq_set, 16, 1, 2, 1, 0), 0, 0,
	  false, NOT(RPL_IRQ_INFO_SIZE) },
	/* REGION_READ (§3.9, RA-01, §7.10) */
	{ "read short count", 9, RQ_READ4, PL(struct t_rw2, { 0, 7, 2 }, { 1, 2 }), 0, 0, false, OK },
	{ "read nothing", 9, RQ_READ4, PL(struct vu_region_access, 0, 7, 0), 0, 0, false, OK },
	{ "read count 0, empty reply, lenient", 9, PL(struct vu_region_access, 0, 7, 0), P0, 0, 0, true, OK },
	{ "read count 0, empty reply", 9, PL(struct vu_region_access, 0, 7, 0), P0, 0, 0, false,
	  NOT(RPL_REGION_READ_SIZE) },
	{ "read 8 bytes", 9, RQ_READ4, PB(0, 0, 0, 0, 0, 0, 0, 0), 0, 0, false, NOT(RPL_REGION_READ_SIZE) },
	{ "read count 5 > 4", 9, RQ_READ4, PL(struct t_rw4, { 0, 7, 5 }, { 0 }), 0, 0, false,
	  NOT(RPL_REGION_READ_COUNT) },
	{ "read offset not echoed", 9, RQ_READ4, PL(struct t_rw4, { 4, 7, 4 }, { 0 }), 0, 0, false,
	  NOT(RPL_REGION_READ_ECHO) },
	{ "read region not echoed", 9, RQ_READ4, PL(struct t_rw4, { 0, 0, 4 }, { 0 }), 0, 0, false,
	  NOT(RPL_REGION_READ_ECHO) },
	{ "read count 4, 3 bytes", 9, RQ_READ4, PL(struct t_rw3, { 0, 7, 4 }, { 0 }), 0, 0, false,
	  NOT(RPL_REGION_READ_SIZE) },
	{ "read count 2, 4 bytes", 9, RQ_READ4, PL(struct t_rw4, { 0, 7, 2 }, { 0 }), 0, 0, false,
	  NOT(RPL_REGION_READ_SIZE) },
	/* REGION_WRITE (§3.9, RA-02) */
	{ "write count not echoed", 10, RQ_WRITE4, PL(struct vu_region_access, 0x10, 0, 2), 0, 0, false,
	  NOT(RPL_REGION_WRITE_ECHO) },
	{ "write offset not echoed", 10, RQ_WRITE4, PL(struct vu_region_access, 0x14, 0, 4), 0, 0, false,
	  NOT(RPL_REGION_WRITE_ECHO) },
	{ "write with data", 10, RQ_WRITE4, PL(struct t_rw4, { 0x10, 0, 4 }, { 0 }), 0, 0, false,
	  NOT(RPL_REGION_WRITE_SIZE) },
	{ "write empty reply, lenient, count 4", 10, RQ_WRITE4, P0, 0, 0, true, NOT(RPL_REGION_WRITE_SIZE) },
	{ "write count 0, empty reply, lenient", 10, PL(struct vu_region_access, 0, 0, 0), P0, 0, 0, true, OK },
	{ "write count 0, empty reply", 10, PL(struct vu_region_access, 0, 0, 0), P0, 0, 0, false,
	  NOT(RPL_REGION_WRITE_SIZE) },
	/* DMA_READ / DMA_WRITE replies, at the server (§3.10, §7.2/7.3, CL-14/15) */
	{ "dma read QEMU layout", 11, RQ_DMAR, PL(struct t_dma_q, { 0x100000, 8 }, { 1, 2, 3, 4, 5, 6, 7, 8 }), 0, 0,
	  false, NOT(RPL_DMA_READ_ECHO) },
	{ "dma read QEMU layout, lenient", 11, RQ_DMAR, PL(struct t_dma_q, { 0x100000, 8 }, { 1, 2, 3, 4, 5, 6, 7, 8 }),
	  0, 0, true, OK },
	{ "dma read short data", 11, RQ_DMAR, PL(struct t_dma4, { 0x100000, 8 }, { 0 }), 0, 0, false,
	  NOT(RPL_DMA_READ_SIZE) },
	{ "dma read addr not echoed", 11, RQ_DMAR, PL(struct t_dma8, { 0x200000, 8 }, { 0 }), 0, 0, false,
	  NOT(RPL_DMA_READ_ECHO) },
	{ "dma write header only (QEMU)", 12, RQ_DMAW, P0, 0, 0, false, NOT(RPL_DMA_WRITE_SIZE) },
	{ "dma write header only, lenient", 12, RQ_DMAW, P0, 0, 0, true, OK },
	{ "dma write 4-byte count", 12, RQ_DMAW, PL(struct t_dma12, 0x100000, 4), 0, 0, false, NOT(RPL_DMA_WRITE_SIZE) },
	{ "dma write 4-byte count, lenient", 12, RQ_DMAW, PL(struct t_dma12, 0x100000, 4), 0, 0, true, OK },
	{ "dma write 4-byte count wrong, lenient", 12, RQ_DMAW, PL(struct t_dma12, 0x100000, 2), 0, 0, true,
	  NOT(RPL_DMA_WRITE_ECHO) },
	{ "dma write count not echoed", 12, RQ_DMAW, PL(struct vu_dma_access, 0x100000, 2), 0, 0, false,
	  NOT(RPL_DMA_WRITE_ECHO) },
	/* REGION_WRITE_MULTI (§3.12) */
	{ "write multi 1 of 2 done", 15, PL(struct t_wm2, { 2 }, { { 0 } }), PL(struct vu_wr_multi, 1), 0, 0, false, OK },
	{ "write multi 3 of 2", 15, PL(struct t_wm2, { 2 }, { { 0 } }), PL(struct vu_wr_multi, 3), 0, 0, false,
	  NOT(RPL_WR_MULTI_COUNT) },
	{ "write multi 16 bytes", 15, PL(struct t_wm2, { 2 }, { { 0 } }), PL(struct vu_dma_access, 2, 0), 0, 0, false,
	  NOT(RPL_WR_MULTI_SIZE) },
	/* DEVICE_FEATURE (§3.13) */
	{ "feature PROBE echo", 16, PL(struct vu_feature, 8, F_PROBE | F_GET | 1), PL(struct vu_feature, 8, F_PROBE | F_GET | 1),
	  0, 0, false, OK },
	{ "feature SET echo", 16, PL(struct t_feat8, { 16, F_SET | 2 }, 1), PL(struct t_feat8, { 16, F_SET | 2 }, 1), 0,
	  0, false, OK },
	{ "feature PROBE with data", 16, PL(struct vu_feature, 8, F_PROBE | F_GET | 1),
	  PL(struct t_feat8, { 16, F_PROBE | F_GET | 1 }, 5), 0, 0, false, NOT(RPL_FEATURE_ECHO) },
	{ "feature SET without data", 16, PL(struct t_feat8, { 16, F_SET | 2 }, 1), PL(struct vu_feature, 16, F_SET | 2),
	  0, 0, false, NOT(RPL_FEATURE_ECHO) },
	{ "feature GET flags changed", 16, RQ_GET, PL(struct t_feat8, { 16, F_GET | 2 }, 5), 0, 0, false,
	  NOT(RPL_FEATURE_FLAGS) },
	{ "feature GET argsz not the size", 16, RQ_GET, PL(struct t_feat8, { 24, F_GET | 1 }, 5), 0, 0, false,
	  NOT(RPL_FEATURE_ARGSZ) },
	{ "feature GET beyond argsz", 16, RQ_GET, PL(struct t_feat16, { 24, F_GET | 1 }, { 5, 0 }), 0, 0, false,
	  NOT(RPL_FEATURE_SIZE) },
	{ "feature 4 bytes", 16, RQ_GET, PB(16, 0, 0, 0), 0, 0, false, NOT(RPL_FEATURE_SIZE) },
	/* MIG_DATA_READ (§3.15, MG-06) */
	{ "mig read full", 17, RQ_MIGR, PL(struct t_mig64, { 72, 64 }, { 0 }), 0, 0, false, OK },
	{ "mig read sized for the request (libvfio-user)", 17, RQ_MIGR, PL(struct t_mig64, { 24, 16 }, { 0 }), 0, 0,
	  false, OK },
	{ "mig read 72 > 64", 17, RQ_MIGR, PL(struct t_mig72, { 80, 72 }, { 0 }), 0, 0, false,
	  NOT(RPL_MIG_READ_COUNT) },
	{ "mig read size 16, 12 bytes", 17, RQ_MIGR, PL(struct t_dma12, 24 | (16ull << 32), 0), 0, 0, false,
	  NOT(RPL_MIG_READ_SIZE) },
	{ "mig read beyond the request", 17, PL(struct vu_mig_data, 24, 16), PL(struct t_mig64, { 24, 16 }, { 0 }), 0, 0,
	  false, NOT(RPL_MIG_READ_SIZE) },
	{ "mig read argsz 20 for 16", 17, RQ_MIGR, PL(struct t_mig16, { 20, 16 }, { 0 }), 0, 0, false,
	  NOT(RPL_MIG_READ_ARGSZ) },
	{ "mig read 4 bytes", 17, RQ_MIGR, PB(8, 0, 0, 0), 0, 0, false, NOT(RPL_MIG_READ_SIZE) },
	/* error replies (§1.7, §7.6, CL-09) */
	{ "error header only", 9, RQ_READ4, P0, 0, VU_FLAGS_ERROR, false, OK },
	{ "error with payload", 9, RQ_READ4, PL(struct vu_region_access, 0, 7, 4), 0, VU_FLAGS_ERROR, false,
	  NOT(RPL_ERROR_PAYLOAD) },
	{ "error with payload, lenient", 9, RQ_READ4, PL(struct vu_region_access, 0, 7, 4), 0, VU_FLAGS_ERROR, true, OK },
	{ "error with an fd", 5, RQ_RI32, P0, 1, VU_FLAGS_ERROR, true, NOT(RPL_FDS) },
	{ "error to an unknown command", 99, P0, P0, 0, VU_FLAGS_ERROR, false, OK },
	{ "reply to command 14", 14, PL(struct t_dirty, 8, 1), P0, 0, 0, false, NOT(RPL_CMD_UNKNOWN) },
	{ "reply to command 99", 99, P0, P0, 0, 0, false, NOT(RPL_CMD_UNKNOWN) },
};

static void test_reply(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rpl_rows); i++) {
		const struct rpl_case *c = &rpl_rows[i];
		struct vu_msg req, rpl;

		msg_init(&req, 0x4242, c->cmd, VU_FLAGS_TYPE_COMMAND, c->req, c->req_len, 0);
		msg_init(&rpl, 0x4242, c->cmd, VU_FLAGS_TYPE_REPLY | c->xflags, c->rpl, c->rpl_len, c->nfds);
		if (c->xflags & VU_FLAGS_ERROR)
			rpl.hdr.error = EINVAL;
		vfsim_reject_clear();
		check_result(c->what, vu_check_reply(&req.hdr, req.payload, req.len, &rpl, c->lenient), c->err, c->rule);
		msg_fini(&req);
		msg_fini(&rpl);
	}
}

/* Header-level checks of a reply, on the golden REGION_READ pair. */
static void test_reply_hdr(void **state)
{
	static const struct {
		const char *what;
		uint16_t id, cmd;
		uint32_t flags, size_delta;
		int err, rule;
	} rows[] = {
		{ "golden", 0x109, 9, 0x1, 0, OK },
		{ "undefined flag bits tolerated", 0x109, 9, 0x1 | 0x4000, 0, OK },
		{ "id not echoed (CL-08)", 0x10a, 9, 0x1, 0, NOT(RPL_ID) },
		{ "cmd not echoed", 0x109, 10, 0x1, 0, NOT(RPL_CMD) },
		{ "a command, not a reply", 0x109, 9, 0x0, 0, NOT(RPL_TYPE) },
		{ "type 3", 0x109, 9, 0x3, 0, NOT(HDR_TYPE) },
		{ "NO_REPLY on a reply", 0x109, 9, 0x11, 0, NOT(HDR_NO_REPLY_IN_REPLY) },
		{ "msg_size disagrees", 0x109, 9, 0x1, 1, NOT(RPL_LEN) },
	};
	const struct golden *g = &golden[VU_CMD_REGION_READ - 1];
	size_t i;

	assert_int_equal(g->cmd, VU_CMD_REGION_READ);
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct vu_msg req, rpl;

		golden_msgs(g, &req, &rpl);
		rpl.hdr.id = rows[i].id;
		rpl.hdr.cmd = rows[i].cmd;
		rpl.hdr.flags = rows[i].flags;
		rpl.hdr.size += rows[i].size_delta;
		vfsim_reject_clear();
		check_result(rows[i].what, vu_check_reply(&req.hdr, req.payload, req.len, &rpl, false), rows[i].err,
			     rows[i].rule);
		msg_fini(&req);
		msg_fini(&rpl);
	}
	{
		struct vu_msg req, rpl;

		golden_msgs(g, &req, &rpl);
		rpl.hdr.size = 8;
		vfsim_reject_clear();
		check_result("msg_size 8", vu_check_reply(&req.hdr, req.payload, req.len, &rpl, false), -EPROTO,
			     RULE_VU_HDR_SIZE_SMALL);
		msg_fini(&req);
		msg_fini(&rpl);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_names),
		cmocka_unit_test(test_hdr),
		cmocka_unit_test(test_reply_errno),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_golden_files),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_request_len),
		cmocka_unit_test(test_dma_request),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_reply_hdr),
	};

	if (argc == 3 && !strcmp(argv[1], "--write-golden"))
		return golden_write(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
