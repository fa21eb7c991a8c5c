/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vu-wire.c: every reply against its request as the requester checks it
 * (digest §1.7, §3): the ERROR errno mapping, a table with one valid row per
 * command and a row per rejection with its errno and rule, and the header
 * checks of a reply (id, cmd, type, flags, msg_size) on the golden
 * REGION_READ pair. Requests, the header rules and the golden files are in
 * test-vu-wire.c; the shared table and helpers in vu-wire-fixture.h.
 */
#include "vu-wire-fixture.h"

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
	/* fuzz-wire regress/wire/unmap-bitmap-size-wrap: 40 + size wraps to 24 */
	{ "unmap bitmap size wraps", 3, PL(struct t_unmap_bm, { 48, 1, 0x100000, 0x10000 }, { 4096, UINT64_MAX - 15 }),
	  PL(struct vu_dma_unmap, 24, 1, 0x100000, 0x10000), 0, 0, false, NOT(RPL_DMA_UNMAP_SIZE) },
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
	/* digest 1.7 / VU-ER-02: the payload of an error reply is consumed and ignored */
	{ "error with payload", 9, RQ_READ4, PL(struct vu_region_access, 0, 7, 4), 0, VU_FLAGS_ERROR, false, OK },
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_errno),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_reply_hdr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
