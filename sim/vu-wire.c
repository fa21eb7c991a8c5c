/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user message validation (digest §1.3, §1.9, §3): the header rules
 * every message obeys, the shape of each request as the server receives it
 * (one static table row per command: fixed payload size, fds allowed, a
 * check for the variable part), the server -> client DMA requests as the
 * client receives them, and every reply against the request it answers.
 * Pure functions: nothing here does I/O, allocates or keeps state. Each
 * rejection names one VU_* rule (rules/vu-wire.def); requests fail with
 * -EINVAL as libvfio-user answers them, malformed replies with -EPROTO.
 *
 * Semantic checks that need device state (region and IRQ indexes, bounds
 * inside a region, overlapping DMA windows, migration state) belong to the
 * server's handlers; what is checked here is everything the message alone
 * and the negotiated capabilities decide.
 */
#include <errno.h>
#include <string.h>

#include "include/vfsim.h"
#include "rules.h"
#include "vfio-compat.h"
#include "vu-wire.h"

#define VU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define VU_FLAGS_DEFINED (VU_FLAGS_TYPE_MASK | VU_FLAGS_NO_REPLY | VU_FLAGS_ERROR)

static uint32_t vu_rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t vu_rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static const char *const vu_cmd_names[VU_CMD_MAX] = {
	[VU_CMD_VERSION] = "VERSION",
	[VU_CMD_DMA_MAP] = "DMA_MAP",
	[VU_CMD_DMA_UNMAP] = "DMA_UNMAP",
	[VU_CMD_DEVICE_GET_INFO] = "DEVICE_GET_INFO",
	[VU_CMD_DEVICE_GET_REGION_INFO] = "DEVICE_GET_REGION_INFO",
	[VU_CMD_DEVICE_GET_REGION_IO_FDS] = "DEVICE_GET_REGION_IO_FDS",
	[VU_CMD_DEVICE_GET_IRQ_INFO] = "DEVICE_GET_IRQ_INFO",
	[VU_CMD_DEVICE_SET_IRQS] = "DEVICE_SET_IRQS",
	[VU_CMD_REGION_READ] = "REGION_READ",
	[VU_CMD_REGION_WRITE] = "REGION_WRITE",
	[VU_CMD_DMA_READ] = "DMA_READ",
	[VU_CMD_DMA_WRITE] = "DMA_WRITE",
	[VU_CMD_DEVICE_RESET] = "DEVICE_RESET",
	[VU_CMD_DIRTY_PAGES] = "DIRTY_PAGES",
	[VU_CMD_REGION_WRITE_MULTI] = "REGION_WRITE_MULTI",
	[VU_CMD_DEVICE_FEATURE] = "DEVICE_FEATURE",
	[VU_CMD_MIG_DATA_READ] = "MIG_DATA_READ",
	[VU_CMD_MIG_DATA_WRITE] = "MIG_DATA_WRITE",
};

const char *vu_cmd_name(uint16_t cmd)
{
	return cmd < VU_CMD_MAX && vu_cmd_names[cmd] ? vu_cmd_names[cmd] : "UNKNOWN";
}

/* ---- header (§1.3) ----------------------------------------------------- */

/*
 * Type values other than COMMAND and REPLY are invalid. ERROR belongs to
 * replies and NO_REPLY to commands (§1.6). Bits above ERROR are undefined:
 * refused in commands, tolerated in replies, where only their type and
 * ERROR bit matter to us. The error field of a command is reserved and
 * ignored (conformance TR-19).
 */
int vu_check_hdr(const struct vu_hdr *h, uint32_t max_size)
{
	uint32_t type = h->flags & VU_FLAGS_TYPE_MASK;

	if (type != VU_FLAGS_TYPE_COMMAND && type != VU_FLAGS_TYPE_REPLY)
		return vfsim_reject(RULE_VU_HDR_TYPE, -EINVAL);
	/* Undefined flag bits (and the reserved error field) of a command are
	 * ignored, not refused: spec 1.3 leaves them undefined, and the digest's
	 * check TR-19 expects the request to be processed normally. */
	if (type == VU_FLAGS_TYPE_COMMAND && (h->flags & VU_FLAGS_ERROR))
		return vfsim_reject(RULE_VU_HDR_ERROR_IN_CMD, -EINVAL);
	if (type == VU_FLAGS_TYPE_REPLY && (h->flags & VU_FLAGS_NO_REPLY))
		return vfsim_reject(RULE_VU_HDR_NO_REPLY_IN_REPLY, -EINVAL);
	if (h->size < VU_HDR_SIZE)
		return vfsim_reject(RULE_VU_HDR_SIZE_SMALL, -EINVAL);
	if (h->size > max_size)
		return vfsim_reject(RULE_VU_HDR_SIZE_BIG, -EINVAL);
	return 0;
}

int vu_reply_errno(const struct vu_hdr *h)
{
	if (!(h->flags & VU_FLAGS_ERROR))
		return 0;
	return h->error == 0 || h->error > 4096 ? -EINVAL : -(int)h->error;
}

/* ---- requests, server side (§3.1-3.15) --------------------------------- */

typedef int (*vu_req_check_fn)(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer);

/*
 * One row per command. @min is the fixed payload; @exact: nothing may
 * follow it. @max_fds beyond the receiver's own max_msg_fds, which bounds
 * every message. @refuse: the command is never valid at a server.
 */
struct vu_req_row {
	uint32_t min;
	bool exact;
	bool needs_write_multiple;
	uint8_t max_fds;
	enum vfsim_rule refuse, size_rule, fds_rule;
	vu_req_check_fn check;
};

static int vu_req_version(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_caps caps;
	struct vu_version v;

	memcpy(&v, m->payload, sizeof(v));
	if (v.major != VU_VERSION_MAJOR)
		return vfsim_reject(RULE_VU_REQ_VERSION_MAJOR, -EINVAL);
	return vu_caps_parse((const char *)m->payload + sizeof(v), m->len - sizeof(v), &caps);
}

/* argsz is the struct size (§1.9 exception); libvfio-user takes >= 32. The
 * flag bits 2-3 of libvfio-user's 2026 extension are not supported here. */
static int vu_req_dma_map(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_dma_map d;

	memcpy(&d, m->payload, sizeof(d));
	if (d.argsz < sizeof(d))
		return vfsim_reject(RULE_VU_REQ_DMA_MAP_ARGSZ, -EINVAL);
	if (d.flags & ~(VU_DMA_MAP_READ | VU_DMA_MAP_WRITE))
		return vfsim_reject(RULE_VU_REQ_DMA_MAP_FLAGS, -EINVAL);
	if (d.size == 0)
		return vfsim_reject(RULE_VU_REQ_DMA_MAP_ZERO, -EINVAL);
	/* the last byte, not the end, must not wrap (type1: iova + size - 1) */
	if (d.addr + (d.size - 1) < d.addr)
		return vfsim_reject(RULE_VU_REQ_DMA_MAP_WRAP, -EINVAL);
	if (m->nfds == 0 && d.offset != 0)
		return vfsim_reject(RULE_VU_REQ_DMA_MAP_OFFSET, -EINVAL);
	if (d.offset + (d.size - 1) < d.offset)
		return vfsim_reject(RULE_VU_REQ_DMA_MAP_OFFSET_WRAP, -EINVAL);
	return 0;
}

/* ceil(ceil(size / pgsize) / 64) u64 words, in bytes (libvfio-user). */
static uint64_t vu_bitmap_bytes(uint64_t size, uint64_t pgsize)
{
	uint64_t pages = size / pgsize + (size % pgsize != 0);

	return (pages / 64 + (pages % 64 != 0)) * 8;
}

static int vu_req_dma_unmap(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_dma_unmap d;
	struct vu_bitmap b;

	memcpy(&d, m->payload, sizeof(d));
	if (d.flags & ~(VU_DMA_UNMAP_GET_DIRTY_BITMAP | VU_DMA_UNMAP_ALL) ||
	    d.flags == (VU_DMA_UNMAP_GET_DIRTY_BITMAP | VU_DMA_UNMAP_ALL))
		return vfsim_reject(RULE_VU_REQ_DMA_UNMAP_FLAGS, -EINVAL);
	if ((d.flags & VU_DMA_UNMAP_ALL) && (d.addr || d.size))
		return vfsim_reject(RULE_VU_REQ_DMA_UNMAP_ALL_RANGE, -EINVAL);
	if (d.argsz > VU_LIMIT_ARGSZ)
		return vfsim_reject(RULE_VU_REQ_DMA_UNMAP_ARGSZ_BIG, -EINVAL);
	if (!(d.flags & VU_DMA_UNMAP_GET_DIRTY_BITMAP)) {
		if (m->len != sizeof(d))
			return vfsim_reject(RULE_VU_REQ_DMA_UNMAP_SIZE, -EINVAL);
		if (d.argsz < sizeof(d))
			return vfsim_reject(RULE_VU_REQ_DMA_UNMAP_ARGSZ, -EINVAL);
		return 0;
	}
	if (m->len != sizeof(d) + sizeof(b))
		return vfsim_reject(RULE_VU_REQ_DMA_UNMAP_SIZE, -EINVAL);
	memcpy(&b, m->payload + sizeof(d), sizeof(b));
	if (b.pgsize == 0 || (b.pgsize & (b.pgsize - 1)))
		return vfsim_reject(RULE_VU_REQ_DMA_UNMAP_BITMAP_PGSIZE, -EINVAL);
	if (b.size != vu_bitmap_bytes(d.size, b.pgsize))
		return vfsim_reject(RULE_VU_REQ_DMA_UNMAP_BITMAP_SIZE, -EINVAL);
	/* argsz <= 1 MiB above, so the sum cannot wrap */
	if (d.argsz < sizeof(d) + sizeof(b) + b.size)
		return vfsim_reject(RULE_VU_REQ_DMA_UNMAP_ARGSZ, -EINVAL);
	return 0;
}

static int vu_req_device_info(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_device_info d;

	memcpy(&d, m->payload, sizeof(d));
	if (d.argsz < sizeof(d))
		return vfsim_reject(RULE_VU_REQ_DEVICE_INFO_ARGSZ, -EINVAL);
	if (d.flags)
		return vfsim_reject(RULE_VU_REQ_DEVICE_INFO_FLAGS, -EINVAL);
	return 0;
}

/* Only argsz and index mean anything in the request; QEMU zero-fills. */
static int vu_req_region_info(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_region_info r;

	memcpy(&r, m->payload, sizeof(r));
	if (r.argsz < sizeof(r))
		return vfsim_reject(RULE_VU_REQ_REGION_INFO_ARGSZ, -EINVAL);
	if (r.flags || r.cap_offset || r.size || r.offset)
		return vfsim_reject(RULE_VU_REQ_REGION_INFO_RESERVED, -EINVAL);
	return 0;
}

static int vu_req_io_fds(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_io_fds_req r;

	memcpy(&r, m->payload, sizeof(r));
	if (r.argsz < sizeof(r))
		return vfsim_reject(RULE_VU_REQ_IO_FDS_ARGSZ, -EINVAL);
	if (r.argsz > VU_LIMIT_ARGSZ)
		return vfsim_reject(RULE_VU_REQ_IO_FDS_ARGSZ_BIG, -EINVAL);
	if (r.flags)
		return vfsim_reject(RULE_VU_REQ_IO_FDS_FLAGS, -EINVAL);
	if (r.count)
		return vfsim_reject(RULE_VU_REQ_IO_FDS_COUNT, -EINVAL);
	return 0;
}

static int vu_req_irq_info(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_irq_info r;

	memcpy(&r, m->payload, sizeof(r));
	if (r.argsz < sizeof(r))
		return vfsim_reject(RULE_VU_REQ_IRQ_INFO_ARGSZ, -EINVAL);
	if (r.flags)
		return vfsim_reject(RULE_VU_REQ_IRQ_INFO_FLAGS, -EINVAL);
	return 0;
}

static bool vu_one_bit(uint32_t x)
{
	return x && !(x & (x - 1));
}

/*
 * The message-only half of vfio_set_irqs_validate_and_prepare() plus
 * libvfio-user's fd rules; index and start/count against the device's
 * vectors are the irq module's. argsz covers the payload including the
 * BOOL data (kernel: argsz >= minsz + data); QEMU sends 20 with eventfds.
 */
static int vu_req_set_irqs(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_irq_set s;
	uint32_t data, action;

	memcpy(&s, m->payload, sizeof(s));
	if (s.argsz < m->len)
		return vfsim_reject(RULE_VU_REQ_SET_IRQS_ARGSZ, -EINVAL);
	if (s.flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK))
		return vfsim_reject(RULE_VU_REQ_SET_IRQS_FLAGS, -EINVAL);
	data = s.flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	action = s.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	if (!vu_one_bit(data))
		return vfsim_reject(RULE_VU_REQ_SET_IRQS_DATA, -EINVAL);
	if (!vu_one_bit(action))
		return vfsim_reject(RULE_VU_REQ_SET_IRQS_ACTION, -EINVAL);
	if (s.count == 0 && (s.start || s.flags != (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER)))
		return vfsim_reject(RULE_VU_REQ_SET_IRQS_COUNT_ZERO, -EINVAL);
	if (s.start + s.count < s.start)
		return vfsim_reject(RULE_VU_REQ_SET_IRQS_WRAP, -EINVAL);
	if (data == VFIO_IRQ_SET_DATA_BOOL) {
		if (m->len - sizeof(s) != s.count)
			return vfsim_reject(RULE_VU_REQ_SET_IRQS_BOOL_SIZE, -EINVAL);
	} else if (m->len != sizeof(s)) {
		return vfsim_reject(RULE_VU_REQ_SET_IRQS_TRAILING, -EINVAL);
	}
	if (m->nfds && data != VFIO_IRQ_SET_DATA_EVENTFD)
		return vfsim_reject(RULE_VU_REQ_SET_IRQS_FDS_NOT_EVENTFD, -EINVAL);
	if (m->nfds && m->nfds != s.count)
		return vfsim_reject(RULE_VU_REQ_SET_IRQS_FDS_COUNT, -EINVAL);
	return 0;
}

/* The count limit is the receiver's (§1.8): ours, for data we receive in a
 * WRITE and for data we must produce in a READ reply. */
static int vu_req_region_read(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_region_access a;

	memcpy(&a, m->payload, sizeof(a));
	if (a.count > own->max_data_xfer_size)
		return vfsim_reject(RULE_VU_REQ_REGION_READ_XFER, -EINVAL);
	if (a.offset + a.count < a.offset)
		return vfsim_reject(RULE_VU_REQ_REGION_READ_WRAP, -EINVAL);
	return 0;
}

static int vu_req_region_write(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_region_access a;

	memcpy(&a, m->payload, sizeof(a));
	if (a.count > own->max_data_xfer_size)
		return vfsim_reject(RULE_VU_REQ_REGION_WRITE_XFER, -EINVAL);
	if (m->len - sizeof(a) != a.count)
		return vfsim_reject(RULE_VU_REQ_REGION_WRITE_COUNT, -EINVAL);
	if (a.offset + a.count < a.offset)
		return vfsim_reject(RULE_VU_REQ_REGION_WRITE_WRAP, -EINVAL);
	return 0;
}

/* §3.12: 8 + 24 * wr_cnt exactly, each entry at most 8 bytes of data. */
static int vu_req_wr_multi(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_wr_multi h;
	struct vu_wr_one w;
	uint64_t i;

	memcpy(&h, m->payload, sizeof(h));
	if (h.wr_cnt == 0)
		return vfsim_reject(RULE_VU_REQ_WR_MULTI_ZERO, -EINVAL);
	if ((m->len - sizeof(h)) % sizeof(w) || h.wr_cnt != (m->len - sizeof(h)) / sizeof(w))
		return vfsim_reject(RULE_VU_REQ_WR_MULTI_COUNT, -EINVAL);
	for (i = 0; i < h.wr_cnt; i++) {
		memcpy(&w, m->payload + sizeof(h) + i * sizeof(w), sizeof(w));
		if (w.count > sizeof(w.data))
			return vfsim_reject(RULE_VU_REQ_WR_MULTI_ENTRY_COUNT, -EINVAL);
		if (w.offset + w.count < w.offset)
			return vfsim_reject(RULE_VU_REQ_WR_MULTI_ENTRY_WRAP, -EINVAL);
	}
	return 0;
}

/*
 * The VFIO_DEVICE_FEATURE envelope (vfio_ioctl_device_feature): known bits
 * only, at least one of GET/SET, both only with PROBE. argsz is the whole
 * payload's size at least (the kernel's argsz covers the data). Whether the
 * feature exists and its data size belong to the feature handler.
 */
static int vu_req_feature(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_feature f;
	uint32_t ops;

	memcpy(&f, m->payload, sizeof(f));
	if (f.argsz < m->len)
		return vfsim_reject(RULE_VU_REQ_FEATURE_ARGSZ, -EINVAL);
	if (f.flags & ~(VFIO_DEVICE_FEATURE_MASK | VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET |
			VFIO_DEVICE_FEATURE_PROBE))
		return vfsim_reject(RULE_VU_REQ_FEATURE_FLAGS, -EINVAL);
	ops = f.flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET);
	if (!ops || (ops == (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET) &&
		     !(f.flags & VFIO_DEVICE_FEATURE_PROBE)))
		return vfsim_reject(RULE_VU_REQ_FEATURE_OPS, -EINVAL);
	return 0;
}

/* The returned data goes to the client: libvfio-user bounds it by the
 * client's max_data_xfer_size, and we cannot produce more than our own. */
static int vu_req_mig_read(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_mig_data d;

	memcpy(&d, m->payload, sizeof(d));
	if (d.size > own->max_data_xfer_size || d.size > peer->max_data_xfer_size)
		return vfsim_reject(RULE_VU_REQ_MIG_READ_XFER, -EINVAL);
	if (d.argsz < (uint64_t)sizeof(d) + d.size)
		return vfsim_reject(RULE_VU_REQ_MIG_READ_ARGSZ, -EINVAL);
	return 0;
}

static int vu_req_mig_write(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	struct vu_mig_data d;

	memcpy(&d, m->payload, sizeof(d));
	if (d.size > own->max_data_xfer_size)
		return vfsim_reject(RULE_VU_REQ_MIG_WRITE_XFER, -EINVAL);
	if (d.argsz < (uint64_t)sizeof(d) + d.size)
		return vfsim_reject(RULE_VU_REQ_MIG_WRITE_ARGSZ, -EINVAL);
	if (m->len - sizeof(d) != d.size)
		return vfsim_reject(RULE_VU_REQ_MIG_WRITE_DATA, -EINVAL);
	return 0;
}

#define VU_ROW(cmd, mn, ex, fds, name, fn)                                                         \
	[VU_CMD_##cmd] = { .min = (mn), .exact = (ex), .max_fds = (fds), .size_rule = RULE_VU_REQ_##name##_SIZE, \
			   .fds_rule = RULE_VU_REQ_##name##_FDS, .check = (fn) }

static const struct vu_req_row vu_req_table[VU_CMD_MAX] = {
	VU_ROW(VERSION, 4, false, 0, VERSION, vu_req_version),
	VU_ROW(DMA_MAP, 32, true, 1, DMA_MAP, vu_req_dma_map),
	VU_ROW(DMA_UNMAP, 24, false, 0, DMA_UNMAP, vu_req_dma_unmap),
	VU_ROW(DEVICE_GET_INFO, 16, true, 0, DEVICE_INFO, vu_req_device_info),
	VU_ROW(DEVICE_GET_REGION_INFO, 32, true, 0, REGION_INFO, vu_req_region_info),
	VU_ROW(DEVICE_GET_REGION_IO_FDS, 16, true, 0, IO_FDS, vu_req_io_fds),
	VU_ROW(DEVICE_GET_IRQ_INFO, 16, true, 0, IRQ_INFO, vu_req_irq_info),
	VU_ROW(DEVICE_SET_IRQS, 20, false, VU_MAX_FDS_PER_MSG, SET_IRQS, vu_req_set_irqs),
	VU_ROW(REGION_READ, 16, true, 0, REGION_READ, vu_req_region_read),
	VU_ROW(REGION_WRITE, 16, false, 0, REGION_WRITE, vu_req_region_write),
	[VU_CMD_DMA_READ] = { .refuse = RULE_VU_REQ_CMD_DIRECTION },
	[VU_CMD_DMA_WRITE] = { .refuse = RULE_VU_REQ_CMD_DIRECTION },
	VU_ROW(DEVICE_RESET, 0, true, 0, RESET, NULL),
	[VU_CMD_DIRTY_PAGES] = { .refuse = RULE_VU_REQ_CMD_REMOVED },
	[VU_CMD_REGION_WRITE_MULTI] = { .min = 8, .needs_write_multiple = true, .size_rule = RULE_VU_REQ_WR_MULTI_SIZE,
					.fds_rule = RULE_VU_REQ_WR_MULTI_FDS, .check = vu_req_wr_multi },
	VU_ROW(DEVICE_FEATURE, 8, false, 0, FEATURE, vu_req_feature),
	VU_ROW(MIG_DATA_READ, 8, true, 0, MIG_READ, vu_req_mig_read),
	VU_ROW(MIG_DATA_WRITE, 8, false, 0, MIG_WRITE, vu_req_mig_write),
};

int vu_check_request(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer)
{
	uint16_t cmd = m->hdr.cmd;
	const struct vu_req_row *row;

	if (cmd >= VU_CMD_MAX || cmd == 0)
		return vfsim_reject(RULE_VU_REQ_CMD_UNKNOWN, -EINVAL);
	row = &vu_req_table[cmd];
	if (row->refuse)
		return vfsim_reject(row->refuse, -EINVAL);
	if (m->hdr.size < VU_HDR_SIZE || m->len != m->hdr.size - VU_HDR_SIZE || (m->len && !m->payload) ||
	    m->nfds > VU_MAX_FDS_PER_MSG)
		return vfsim_reject(RULE_VU_REQ_LEN, -EINVAL);
	if (row->needs_write_multiple && !own->write_multiple)
		return vfsim_reject(RULE_VU_REQ_WR_MULTI_UNSUPPORTED, -EINVAL);
	if (m->nfds > own->max_msg_fds)
		return vfsim_reject(RULE_VU_REQ_FDS_MAX, -EINVAL);
	if (m->len < row->min || (row->exact && m->len != row->min))
		return vfsim_reject(row->size_rule, -EINVAL);
	if (m->nfds > row->max_fds)
		return vfsim_reject(row->fds_rule, -EINVAL);
	return row->check ? row->check(m, own, peer) : 0;
}

/* ---- server -> client requests, client side (§3.10) -------------------- */

int vu_check_dma_request(const struct vu_msg *m, const struct vu_caps *own)
{
	struct vu_dma_access a;

	if (m->hdr.cmd != VU_CMD_DMA_READ && m->hdr.cmd != VU_CMD_DMA_WRITE)
		return vfsim_reject(RULE_VU_DMA_REQ_CMD, -ENOSYS);
	if (m->hdr.size < VU_HDR_SIZE || m->len != m->hdr.size - VU_HDR_SIZE || (m->len && !m->payload) ||
	    m->nfds > VU_MAX_FDS_PER_MSG)
		return vfsim_reject(RULE_VU_REQ_LEN, -EINVAL);
	if (m->nfds)
		return vfsim_reject(RULE_VU_DMA_REQ_FDS, -EINVAL);
	if (m->len < sizeof(a) || (m->hdr.cmd == VU_CMD_DMA_READ && m->len != sizeof(a)))
		return vfsim_reject(RULE_VU_DMA_REQ_SIZE, -EINVAL);
	memcpy(&a, m->payload, sizeof(a));
	if (a.count > own->max_data_xfer_size)
		return vfsim_reject(RULE_VU_DMA_REQ_XFER, -E2BIG);
	if (a.count && a.addr + (a.count - 1) < a.addr)
		return vfsim_reject(RULE_VU_DMA_REQ_WRAP, -EINVAL);
	if (m->hdr.cmd == VU_CMD_DMA_WRITE && m->len - sizeof(a) != a.count)
		return vfsim_reject(RULE_VU_DMA_REQ_COUNT, -EINVAL);
	return 0;
}

/* ---- replies, requester side (§1.7, §3) -------------------------------- */

typedef int (*vu_rpl_check_fn)(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient);

/*
 * One row per command a reply may answer. @req_min: the part of our own
 * request the check reads. @min/@exact: reply payload size. @max_fds: fds
 * allowed at all (VERSION's twin socket, REGION_INFO's mmap fd, IO_FDS).
 * Checks read r->payload only within r->len.
 */
struct vu_rpl_row {
	bool known;
	bool exact;
	uint32_t req_min, min;
	unsigned max_fds;
	enum vfsim_rule size_rule;
	vu_rpl_check_fn check;
};

static int vu_rpl_version(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient)
{
	struct vu_version ours = { VU_VERSION_MAJOR, VU_VERSION_MINOR }, v;
	struct vu_caps offer, caps;
	int ret;

	vu_caps_default(&offer);
	if (req_len >= sizeof(ours)) {
		memcpy(&ours, req, sizeof(ours));
		ret = vu_caps_parse((const char *)req + sizeof(ours), req_len - sizeof(ours), &offer);
		if (ret < 0)
			return ret;	/* our own proposal is malformed: the caller's bug */
	}
	memcpy(&v, r->payload, sizeof(v));
	if (v.major != VU_VERSION_MAJOR || v.major != ours.major)
		return vfsim_reject(RULE_VU_RPL_VERSION_MAJOR, -EPROTO);
	if (v.minor > ours.minor)
		return vfsim_reject(RULE_VU_RPL_VERSION_MINOR, -EPROTO);
	ret = vu_caps_parse((const char *)r->payload + sizeof(v), r->len - sizeof(v), &caps);
	if (ret < 0)
		return vfsim_reject(vfsim_last_rule(NULL), -EPROTO);
	if (!caps.twin_socket)
		return r->nfds ? vfsim_reject(RULE_VU_RPL_FDS, -EPROTO) : 0;
	/* §2.4: never unasked; when on, fd_index names the one fd received */
	if (!offer.twin_socket)
		return vfsim_reject(RULE_VU_RPL_TWIN_NOT_OFFERED, -EPROTO);
	if (caps.twin_fd_index < 0 || (unsigned)caps.twin_fd_index >= r->nfds)
		return vfsim_reject(RULE_VU_RPL_TWIN_FD_INDEX, -EPROTO);
	return 0;
}

static int vu_rpl_dma_unmap(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient)
{
	struct vu_dma_unmap q, a;
	struct vu_bitmap qb, ab;

	memcpy(&q, req, sizeof(q));
	memcpy(&a, r->payload, sizeof(a));
	if (a.flags != q.flags || a.addr != q.addr || a.size != q.size)
		return vfsim_reject(RULE_VU_RPL_DMA_UNMAP_ECHO, -EPROTO);
	if (!(q.flags & VU_DMA_UNMAP_GET_DIRTY_BITMAP))
		return r->len == sizeof(a) ? 0 : vfsim_reject(RULE_VU_RPL_DMA_UNMAP_SIZE, -EPROTO);
	if (req_len < sizeof(q) + sizeof(qb))
		return vfsim_reject(RULE_VU_RPL_REQ_SHORT, -EINVAL);
	memcpy(&qb, req + sizeof(q), sizeof(qb));
	/* qb.size is the request's u64: compare what follows the fixed parts,
	 * as a sum with it can wrap to a length shorter than those parts */
	if (r->len < sizeof(a) + sizeof(ab) || r->len - sizeof(a) - sizeof(ab) != qb.size)
		return vfsim_reject(RULE_VU_RPL_DMA_UNMAP_SIZE, -EPROTO);
	memcpy(&ab, r->payload + sizeof(a), sizeof(ab));
	if (ab.pgsize != qb.pgsize || ab.size != qb.size)
		return vfsim_reject(RULE_VU_RPL_DMA_UNMAP_ECHO, -EPROTO);
	return 0;
}

/* QEMU's bounds against a server that would make it allocate without end. */
static int vu_rpl_device_info(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient)
{
	struct vu_device_info d;

	memcpy(&d, r->payload, sizeof(d));
	if (d.num_regions > VU_LIMIT_NUM_REGIONS || d.num_irqs > VU_LIMIT_NUM_IRQS)
		return vfsim_reject(RULE_VU_RPL_DEVICE_INFO_COUNTS, -EPROTO);
	return 0;
}

/*
 * §1.9 and §3.5: a reply that fits our argsz is exactly argsz bytes, with
 * the chain (if CAPS) inside it; one that does not is the 32-byte fixed part
 * announcing the needed argsz, without CAPS, cap_offset or fd (libvfio-user).
 * The mmap fd comes only with MMAP.
 */
static int vu_rpl_region_info(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient)
{
	struct vu_region_info q, a;
	bool caps;
	int ret;

	memcpy(&q, req, sizeof(q));
	memcpy(&a, r->payload, sizeof(a));
	caps = a.flags & VFIO_REGION_INFO_FLAG_CAPS;
	if (a.index != q.index)
		return vfsim_reject(RULE_VU_RPL_REGION_INFO_INDEX, -EPROTO);
	if (a.argsz < sizeof(a))
		return vfsim_reject(RULE_VU_RPL_REGION_INFO_ARGSZ, -EPROTO);
	if (r->len > q.argsz)
		return vfsim_reject(RULE_VU_RPL_REGION_INFO_OVERFLOW, -EPROTO);
	if (a.argsz > q.argsz) {
		if (r->len != sizeof(a) || caps || a.cap_offset || r->nfds)
			return vfsim_reject(RULE_VU_RPL_REGION_INFO_TRUNC, -EPROTO);
		return 0;
	}
	if (r->len != a.argsz)
		return vfsim_reject(RULE_VU_RPL_REGION_INFO_ARGSZ, -EPROTO);
	if (r->nfds && !(a.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return vfsim_reject(RULE_VU_RPL_REGION_INFO_FD, -EPROTO);
	if (caps != (a.cap_offset != 0))
		return vfsim_reject(RULE_VU_RPL_REGION_INFO_CAPS_FLAG, -EPROTO);
	if (!caps)
		return r->len == sizeof(a) ? 0 : vfsim_reject(RULE_VU_RPL_REGION_INFO_CAPS_FLAG, -EPROTO);
	if (a.cap_offset < sizeof(a) || a.cap_offset >= r->len)
		return vfsim_reject(RULE_VU_RPL_REGION_INFO_CAP_OFFSET, -EPROTO);
	ret = vu_check_region_caps(r->payload, r->len, a.cap_offset, a.size);
	return ret < 0 ? vfsim_reject(vfsim_last_rule(NULL), -EPROTO) : 0;
}

/*
 * §3.6 and §7.1: the stride is (len - 16) / count, 40 (spec) or 48
 * (libvfio-user). A reply that did not fit our argsz, or has no entries,
 * carries the 16-byte header only and no fds.
 */
static int vu_rpl_io_fds(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient)
{
	struct vu_io_fds_req q, a;
	struct vu_ioeventfd_spec e;
	uint64_t stride, i;

	memcpy(&q, req, sizeof(q));
	memcpy(&a, r->payload, sizeof(a));
	if (a.index != q.index)
		return vfsim_reject(RULE_VU_RPL_IO_FDS_INDEX, -EPROTO);
	if (r->len > q.argsz)
		return vfsim_reject(RULE_VU_RPL_IO_FDS_OVERFLOW, -EPROTO);
	if (r->len == sizeof(a)) {
		if (r->nfds)
			return vfsim_reject(RULE_VU_RPL_FDS, -EPROTO);
		if (a.count && a.argsz <= q.argsz)
			return vfsim_reject(RULE_VU_RPL_IO_FDS_STRIDE, -EPROTO);
		return 0;
	}
	stride = a.count ? (r->len - sizeof(a)) / a.count : 0;
	if (!a.count || (r->len - sizeof(a)) % a.count ||
	    (stride != sizeof(struct vu_ioeventfd_spec) && stride != sizeof(struct vu_ioeventfd_lvu)))
		return vfsim_reject(RULE_VU_RPL_IO_FDS_STRIDE, -EPROTO);
	if (a.argsz != r->len)
		return vfsim_reject(RULE_VU_RPL_IO_FDS_STRIDE, -EPROTO);
	/* fd_index and type sit at the same offsets in both layouts */
	for (i = 0; i < a.count; i++) {
		memcpy(&e, r->payload + sizeof(a) + i * stride, sizeof(e));
		if (e.fd_index >= r->nfds)
			return vfsim_reject(RULE_VU_RPL_IO_FDS_FD_INDEX, -EPROTO);
		if (e.type > 1 && !(e.type == 2 && stride == sizeof(struct vu_ioeventfd_lvu)))
			return vfsim_reject(RULE_VU_RPL_IO_FDS_TYPE, -EPROTO);
	}
	return 0;
}

static int vu_rpl_irq_info(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient)
{
	struct vu_irq_info q, a;

	memcpy(&q, req, sizeof(q));
	memcpy(&a, r->payload, sizeof(a));
	if (a.index != q.index)
		return vfsim_reject(RULE_VU_RPL_IRQ_INFO_INDEX, -EPROTO);
	if (a.flags & ~(uint32_t)(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED |
				  VFIO_IRQ_INFO_NORESIZE))
		return vfsim_reject(RULE_VU_RPL_IRQ_INFO_FLAGS, -EPROTO);
	return 0;
}

/* libvfio-user answers a count-0 access with an empty payload (§7.10). */
static bool vu_rpl_empty_ok(const struct vu_region_access *q, const struct vu_msg *r, bool lenient)
{
	return lenient && q->count == 0 && r->len == 0;
}

static int vu_rpl_region_read(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient)
{
	struct vu_region_access q, a;

	memcpy(&q, req, sizeof(q));
	if (vu_rpl_empty_ok(&q, r, lenient))
		return 0;
	if (r->len < sizeof(a))
		return vfsim_reject(RULE_VU_RPL_REGION_READ_SIZE, -EPROTO);
	memcpy(&a, r->payload, sizeof(a));
	if (a.offset != q.offset || a.region != q.region)
		return vfsim_reject(RULE_VU_RPL_REGION_READ_ECHO, -EPROTO);
	if (a.count > q.count)
		return vfsim_reject(RULE_VU_RPL_REGION_READ_COUNT, -EPROTO);
	if (r->len - sizeof(a) != a.count)
		return vfsim_reject(RULE_VU_RPL_REGION_READ_SIZE, -EPROTO);
	return 0;
}

static int vu_rpl_region_write(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient)
{
	struct vu_region_access q, a;

	memcpy(&q, req, sizeof(q));
	if (vu_rpl_empty_ok(&q, r, lenient))
		return 0;
	if (r->len != sizeof(a))
		return vfsim_reject(RULE_VU_RPL_REGION_WRITE_SIZE, -EPROTO);
	memcpy(&a, r->payload, sizeof(a));
	if (a.offset != q.offset || a.region != q.region || a.count != q.count)
		return vfsim_reject(RULE_VU_RPL_REGION_WRITE_ECHO, -EPROTO);
	return 0;
}

/* Lenient: QEMU 10.1's layout, a u32 count at 8 and the data at 12 (§7.3). */
static int vu_rpl_dma_read(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient)
{
	struct vu_dma_access q, a;

	memcpy(&q, req, sizeof(q));
	if (r->len < sizeof(a) || r->len - sizeof(a) != q.count)
		return vfsim_reject(RULE_VU_RPL_DMA_READ_SIZE, -EPROTO);
	memcpy(&a, r->payload, sizeof(a));
	if (a.addr != q.addr)
		return vfsim_reject(RULE_VU_RPL_DMA_READ_ECHO, -EPROTO);
	if (a.count != q.count && !(lenient && vu_rd32(r->payload + 8) == q.count))
		return vfsim_reject(RULE_VU_RPL_DMA_READ_ECHO, -EPROTO);
	return 0;
}

/* Spec and libvfio-user: a 16-byte echo. Lenient: QEMU's header-only
 * reply, or the spec table's 4-byte count (§7.2). */
static int vu_rpl_dma_write(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient)
{
	struct vu_dma_access q, a;

	memcpy(&q, req, sizeof(q));
	if (lenient && r->len == 0)
		return 0;
	if (lenient && r->len == 12) {
		if (vu_rd64(r->payload) != q.addr || vu_rd32(r->payload + 8) != q.count)
			return vfsim_reject(RULE_VU_RPL_DMA_WRITE_ECHO, -EPROTO);
		return 0;
	}
	if (r->len != sizeof(a))
		return vfsim_reject(RULE_VU_RPL_DMA_WRITE_SIZE, -EPROTO);
	memcpy(&a, r->payload, sizeof(a));
	if (a.addr != q.addr || a.count != q.count)
		return vfsim_reject(RULE_VU_RPL_DMA_WRITE_ECHO, -EPROTO);
	return 0;
}

static int vu_rpl_wr_multi(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient)
{
	if (vu_rd64(r->payload) > vu_rd64(req))
		return vfsim_reject(RULE_VU_RPL_WR_MULTI_COUNT, -EPROTO);
	return 0;
}

/* SET and PROBE echo the request; GET returns argsz = its whole payload,
 * within the capacity we gave (a GET that does not fit is an error reply). */
static int vu_rpl_feature(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient)
{
	struct vu_feature q, a;

	memcpy(&q, req, sizeof(q));
	memcpy(&a, r->payload, sizeof(a));
	if (a.flags != q.flags)
		return vfsim_reject(RULE_VU_RPL_FEATURE_FLAGS, -EPROTO);
	if (q.flags & (VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PROBE))
		return r->len == req_len ? 0 : vfsim_reject(RULE_VU_RPL_FEATURE_ECHO, -EPROTO);
	if (r->len > q.argsz)
		return vfsim_reject(RULE_VU_RPL_FEATURE_SIZE, -EPROTO);
	if (a.argsz != r->len)
		return vfsim_reject(RULE_VU_RPL_FEATURE_ARGSZ, -EPROTO);
	return 0;
}

/* §3.15: the size field counts the data; libvfio-user sizes the message for
 * the requested size even when fewer bytes come back. */
static int vu_rpl_mig_read(const uint8_t *req, uint32_t req_len, const struct vu_msg *r, bool lenient)
{
	struct vu_mig_data q, a;

	memcpy(&q, req, sizeof(q));
	memcpy(&a, r->payload, sizeof(a));
	if (a.size > q.size)
		return vfsim_reject(RULE_VU_RPL_MIG_READ_COUNT, -EPROTO);
	if (r->len < (uint64_t)sizeof(a) + a.size || r->len > (uint64_t)sizeof(a) + q.size)
		return vfsim_reject(RULE_VU_RPL_MIG_READ_SIZE, -EPROTO);
	if (a.argsz < (uint64_t)sizeof(a) + a.size)
		return vfsim_reject(RULE_VU_RPL_MIG_READ_ARGSZ, -EPROTO);
	return 0;
}

#define VU_RPL(cmd, rq, mn, ex, fds, name, fn)                                                        \
	[VU_CMD_##cmd] = { .known = true, .req_min = (rq), .min = (mn), .exact = (ex), .max_fds = (fds), \
			   .size_rule = RULE_VU_RPL_##name##_SIZE, .check = (fn) }

static const struct vu_rpl_row vu_rpl_table[VU_CMD_MAX] = {
	VU_RPL(VERSION, 0, 4, false, 1, VERSION, vu_rpl_version),
	VU_RPL(DMA_MAP, 0, 0, true, 0, DMA_MAP, NULL),
	VU_RPL(DMA_UNMAP, 24, 24, false, 0, DMA_UNMAP, vu_rpl_dma_unmap),
	VU_RPL(DEVICE_GET_INFO, 0, 16, true, 0, DEVICE_INFO, vu_rpl_device_info),
	VU_RPL(DEVICE_GET_REGION_INFO, 32, 32, false, 1, REGION_INFO, vu_rpl_region_info),
	VU_RPL(DEVICE_GET_REGION_IO_FDS, 16, 16, false, VU_MAX_FDS_PER_MSG, IO_FDS, vu_rpl_io_fds),
	VU_RPL(DEVICE_GET_IRQ_INFO, 16, 16, true, 0, IRQ_INFO, vu_rpl_irq_info),
	VU_RPL(DEVICE_SET_IRQS, 0, 0, true, 0, SET_IRQS, NULL),
	VU_RPL(REGION_READ, 16, 0, false, 0, REGION_READ, vu_rpl_region_read),
	VU_RPL(REGION_WRITE, 16, 0, false, 0, REGION_WRITE, vu_rpl_region_write),
	VU_RPL(DMA_READ, 16, 0, false, 0, DMA_READ, vu_rpl_dma_read),
	VU_RPL(DMA_WRITE, 16, 0, false, 0, DMA_WRITE, vu_rpl_dma_write),
	VU_RPL(DEVICE_RESET, 0, 0, true, 0, RESET, NULL),
	VU_RPL(REGION_WRITE_MULTI, 8, 8, true, 0, WR_MULTI, vu_rpl_wr_multi),
	VU_RPL(DEVICE_FEATURE, 8, 8, false, 0, FEATURE, vu_rpl_feature),
	VU_RPL(MIG_DATA_READ, 8, 8, false, 0, MIG_READ, vu_rpl_mig_read),
	VU_RPL(MIG_DATA_WRITE, 0, 0, true, 0, MIG_WRITE, NULL),
};

int vu_check_reply(const struct vu_hdr *req_hdr, const void *req_payload, uint32_t req_len,
		   const struct vu_msg *reply, bool lenient)
{
	const struct vu_hdr *h = &reply->hdr;
	const struct vu_rpl_row *row;
	int r;

	r = vu_check_hdr(h, UINT32_MAX);
	if (r < 0)
		return vfsim_reject(vfsim_last_rule(NULL), -EPROTO);
	if ((h->flags & VU_FLAGS_TYPE_MASK) != VU_FLAGS_TYPE_REPLY)
		return vfsim_reject(RULE_VU_RPL_TYPE, -EPROTO);
	if (h->id != req_hdr->id)
		return vfsim_reject(RULE_VU_RPL_ID, -EPROTO);
	if (h->cmd != req_hdr->cmd)
		return vfsim_reject(RULE_VU_RPL_CMD, -EPROTO);
	if (reply->len != h->size - VU_HDR_SIZE || (reply->len && !reply->payload) ||
	    reply->nfds > VU_MAX_FDS_PER_MSG)
		return vfsim_reject(RULE_VU_RPL_LEN, -EPROTO);
	/* §1.7: an error reply should be header only, but libvfio-user adds the
	 * request's payload to some, and a receiver MUST consume msg_size bytes
	 * and ignore that payload (digest 1.7, VU-ER-02): the errno stands. */
	if (h->flags & VU_FLAGS_ERROR) {
		if (reply->nfds)
			return vfsim_reject(RULE_VU_RPL_FDS, -EPROTO);
		return 0;
	}
	row = h->cmd < VU_CMD_MAX ? &vu_rpl_table[h->cmd] : NULL;
	if (!row || !row->known)
		return vfsim_reject(RULE_VU_RPL_CMD_UNKNOWN, -EPROTO);
	if (req_len < row->req_min || (req_len && !req_payload))
		return vfsim_reject(RULE_VU_RPL_REQ_SHORT, -EINVAL);
	if (reply->len < row->min || (row->exact && reply->len != row->min))
		return vfsim_reject(row->size_rule, -EPROTO);
	if (reply->nfds > row->max_fds)
		return vfsim_reject(RULE_VU_RPL_FDS, -EPROTO);
	return row->check ? row->check(req_payload, req_len, reply, lenient) : 0;
}
