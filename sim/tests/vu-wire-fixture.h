/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fixture shared by test-vu-wire.c (requests) and test-vu-wire-reply.c
 * (replies): payload builders, the packed test structs, capability sets,
 * messages on the heap, the result check, and the table of golden messages
 * (one valid request and reply per command, written from the digest's
 * layouts). Static inline so each program takes what it uses.
 */
#ifndef VFSIM_TEST_VU_WIRE_FIXTURE_H
#define VFSIM_TEST_VU_WIRE_FIXTURE_H

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

static inline void caps_for(int v, struct vu_caps *own, struct vu_caps *peer)
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
static inline void msg_init(struct vu_msg *m, uint16_t id, uint16_t cmd, uint32_t flags,
			    const void *p, uint32_t len, unsigned nfds)
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

static inline void msg_fini(struct vu_msg *m)
{
	free(m->payload);
	m->payload = NULL;
}

static inline void check_result(const char *what, int r, int err, int rule)
{
	int e = 0, got = vfsim_last_rule(&e);

	if (r != err || (err && (got != rule || e != err)) || (!err && got != RULE_NONE))
		fail_msg("%s: got %d rule %s, want %d rule %s", what, r, vfsim_rule_name(got), err,
			 vfsim_rule_name(err ? rule : RULE_NONE));
}

/* A row that passes: no errno, no rule. */
#define OK 0, 0

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
static inline void golden_validate(const struct golden *g, const struct vu_msg *req,
				   const struct vu_msg *rpl)
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

static inline void golden_msgs(const struct golden *g, struct vu_msg *req, struct vu_msg *rpl)
{
	msg_init(req, (uint16_t)(0x100 + g->cmd), g->cmd, VU_FLAGS_TYPE_COMMAND, g->req, g->req_len, g->req_nfds);
	msg_init(rpl, (uint16_t)(0x100 + g->cmd), g->cmd, VU_FLAGS_TYPE_REPLY, g->rpl, g->rpl_len, g->rpl_nfds);
}

#endif
