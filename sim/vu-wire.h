/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user wire format (protocol 0.x, spec: QEMU docs/interop/vfio-user.rst,
 * digest ../shared/spec/vfio-user.md §1-3): every message layout in one place,
 * packed, with its size asserted, and the pure encode/decode functions that
 * validate every size, count, offset and fd count against the negotiated
 * limits. Nothing here does I/O; each rejection names a VU_* rule.
 *
 * Each struct notes the kernel struct it mirrors, where one exists.
 */
#ifndef VFSIM_VU_WIRE_H
#define VFSIM_VU_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VU_PACKED __attribute__((packed))

/* ---- commands (§3.0) ---------------------------------------------------- */
enum vu_cmd {
	VU_CMD_VERSION = 1,
	VU_CMD_DMA_MAP = 2,
	VU_CMD_DMA_UNMAP = 3,
	VU_CMD_DEVICE_GET_INFO = 4,
	VU_CMD_DEVICE_GET_REGION_INFO = 5,
	VU_CMD_DEVICE_GET_REGION_IO_FDS = 6,
	VU_CMD_DEVICE_GET_IRQ_INFO = 7,
	VU_CMD_DEVICE_SET_IRQS = 8,
	VU_CMD_REGION_READ = 9,
	VU_CMD_REGION_WRITE = 10,
	VU_CMD_DMA_READ = 11,
	VU_CMD_DMA_WRITE = 12,
	VU_CMD_DEVICE_RESET = 13,
	VU_CMD_DIRTY_PAGES = 14,	/* removed in 0.9.2; reserved, never reused */
	VU_CMD_REGION_WRITE_MULTI = 15,
	VU_CMD_DEVICE_FEATURE = 16,
	VU_CMD_MIG_DATA_READ = 17,
	VU_CMD_MIG_DATA_WRITE = 18,
	VU_CMD_MAX = 19,
};

/* ---- header (§1.3) ------------------------------------------------------ */
#define VU_HDR_SIZE 16u
#define VU_FLAGS_TYPE_MASK 0xfu
#define VU_FLAGS_TYPE_COMMAND 0x0u
#define VU_FLAGS_TYPE_REPLY 0x1u
#define VU_FLAGS_NO_REPLY 0x10u
#define VU_FLAGS_ERROR 0x20u

#define VU_VERSION_MAJOR 0
#define VU_VERSION_MINOR 2	/* libvfio-user's minor; we accept any minor <= ours */

struct vu_hdr {
	uint16_t id;
	uint16_t cmd;
	uint32_t size;		/* whole message, header included */
	uint32_t flags;
	uint32_t error;		/* positive errno in an ERROR reply */
} VU_PACKED;

/* ---- payloads (§3.16) --------------------------------------------------- */
struct vu_version {		/* + NUL-terminated JSON, optional */
	uint16_t major, minor;
} VU_PACKED;

#define VU_DMA_MAP_READ 1u
#define VU_DMA_MAP_WRITE 2u
struct vu_dma_map {		/* mirrors vfio_iommu_type1_dma_map, vaddr -> offset */
	uint32_t argsz, flags;
	uint64_t offset, addr, size;
} VU_PACKED;

#define VU_DMA_UNMAP_GET_DIRTY_BITMAP 1u
#define VU_DMA_UNMAP_ALL 2u
struct vu_dma_unmap {		/* mirrors vfio_iommu_type1_dma_unmap */
	uint32_t argsz, flags;
	uint64_t addr, size;
} VU_PACKED;

struct vu_bitmap {
	uint64_t pgsize, size;	/* + u8 data[size] */
} VU_PACKED;

struct vu_device_info {		/* mirrors vfio_device_info (without cap_offset) */
	uint32_t argsz, flags, num_regions, num_irqs;
} VU_PACKED;

struct vu_region_info {		/* mirrors vfio_region_info */
	uint32_t argsz, flags, index, cap_offset;
	uint64_t size, offset;
} VU_PACKED;

struct vu_cap_hdr {		/* mirrors vfio_info_cap_header */
	uint16_t id, version;
	uint32_t next;
} VU_PACKED;

struct vu_io_fds_req {
	uint32_t argsz, flags, index, count;
} VU_PACKED;

struct vu_ioeventfd_spec {	/* the spec's 40-byte entry */
	uint64_t offset, size;
	uint32_t fd_index, type, flags, pad;
	uint64_t datamatch;
} VU_PACKED;

struct vu_ioeventfd_lvu {	/* libvfio-user's 48-byte entry (quirk, §7.1) */
	uint64_t gpa_offset, size;
	uint32_t fd_index, type, flags, shadow_fd_index;
	uint64_t shadow_offset, datamatch;
} VU_PACKED;

struct vu_irq_info {		/* mirrors vfio_irq_info */
	uint32_t argsz, flags, index, count;
} VU_PACKED;

struct vu_irq_set {		/* mirrors vfio_irq_set; + u8 data[count] for BOOL */
	uint32_t argsz, flags, index, start, count;
} VU_PACKED;

struct vu_region_access {	/* REGION_READ/WRITE; + data[count] */
	uint64_t offset;
	uint32_t region, count;
} VU_PACKED;

struct vu_dma_access {		/* DMA_READ/WRITE (spec layout); + data[count] */
	uint64_t addr, count;
} VU_PACKED;

struct vu_dma_access_qemu {	/* QEMU 10.1 client layout (quirk, §7.3): data at 12 */
	uint64_t addr;
	uint32_t count;
} VU_PACKED;

struct vu_wr_one {		/* one entry of REGION_WRITE_MULTI */
	uint64_t offset;
	uint32_t region, count;
	uint8_t data[8];
} VU_PACKED;

struct vu_wr_multi {		/* + struct vu_wr_one wrs[wr_cnt] */
	uint64_t wr_cnt;
} VU_PACKED;

struct vu_feature {		/* mirrors vfio_device_feature; + data[] */
	uint32_t argsz, flags;
} VU_PACKED;

struct vu_mig_state {		/* mirrors vfio_device_feature_mig_state */
	uint32_t device_state, data_fd;
} VU_PACKED;

struct vu_log_control {		/* + {u64 iova, length}[num_ranges] */
	uint64_t page_size;
	uint32_t num_ranges, reserved;
} VU_PACKED;

struct vu_log_report {		/* + u64 bitmap[] in the reply */
	uint64_t iova, length, page_size;
} VU_PACKED;

struct vu_mig_data {		/* MIG_DATA_READ/WRITE; + data[size] */
	uint32_t argsz, size;
} VU_PACKED;

_Static_assert(sizeof(struct vu_hdr) == 16, "vu_hdr");
_Static_assert(sizeof(struct vu_version) == 4, "vu_version");
_Static_assert(sizeof(struct vu_dma_map) == 32, "vu_dma_map");
_Static_assert(sizeof(struct vu_dma_unmap) == 24, "vu_dma_unmap");
_Static_assert(sizeof(struct vu_bitmap) == 16, "vu_bitmap");
_Static_assert(sizeof(struct vu_device_info) == 16, "vu_device_info");
_Static_assert(sizeof(struct vu_region_info) == 32, "vu_region_info");
_Static_assert(sizeof(struct vu_cap_hdr) == 8, "vu_cap_hdr");
_Static_assert(sizeof(struct vu_io_fds_req) == 16, "vu_io_fds_req");
_Static_assert(sizeof(struct vu_ioeventfd_spec) == 40, "vu_ioeventfd_spec");
_Static_assert(sizeof(struct vu_ioeventfd_lvu) == 48, "vu_ioeventfd_lvu");
_Static_assert(sizeof(struct vu_irq_info) == 16, "vu_irq_info");
_Static_assert(sizeof(struct vu_irq_set) == 20, "vu_irq_set");
_Static_assert(sizeof(struct vu_region_access) == 16, "vu_region_access");
_Static_assert(sizeof(struct vu_dma_access) == 16, "vu_dma_access");
_Static_assert(sizeof(struct vu_dma_access_qemu) == 12, "vu_dma_access_qemu");
_Static_assert(sizeof(struct vu_wr_one) == 24, "vu_wr_one");
_Static_assert(sizeof(struct vu_wr_multi) == 8, "vu_wr_multi");
_Static_assert(sizeof(struct vu_feature) == 8, "vu_feature");
_Static_assert(sizeof(struct vu_mig_state) == 8, "vu_mig_state");
_Static_assert(sizeof(struct vu_log_control) == 16, "vu_log_control");
_Static_assert(sizeof(struct vu_log_report) == 24, "vu_log_report");
_Static_assert(sizeof(struct vu_mig_data) == 8, "vu_mig_data");

/* ---- negotiated limits (§2.3) ------------------------------------------- */
#define VU_DEFAULT_MAX_MSG_FDS 1u
#define VU_DEFAULT_MAX_DATA_XFER (1u << 20)
#define VU_DEFAULT_MAX_DMA_MAPS 65535u
#define VU_DEFAULT_PGSIZES 4096ull
#define VU_LIMIT_MAX_MSG_FDS 1024u	/* a peer claiming more is refused (libvfio-user) */
#define VU_LIMIT_MAX_DATA_XFER (64u << 20)	/* QEMU accepts <= 64 MiB */
#define VU_MAX_FDS_PER_MSG 64u		/* what our receive path can hold at once */

/* What one side can receive (capabilities are per-receiver limits). */
struct vu_caps {
	uint32_t max_msg_fds;
	uint32_t max_data_xfer_size;
	uint32_t max_dma_maps;
	uint64_t pgsizes;
	bool twin_socket;		/* supported */
	int32_t twin_fd_index;		/* reply only; -1 absent */
	bool write_multiple;
	bool has_migration;		/* legacy 0.9.1 "migration" object seen */
	uint64_t migration_pgsize;
};

/* A received message: header, payload (msg_size - 16 bytes) and the fds that
 * came with it. The receiver owns the fds until it takes them (sets -1). */
struct vu_msg {
	struct vu_hdr hdr;
	uint8_t *payload;
	uint32_t len;
	int fds[VU_MAX_FDS_PER_MSG];
	unsigned nfds;
};

/* ---- pure functions (vu-wire.c, vu-caps.c) ------------------------------ */

/* Header checks common to every message: type bits valid (COMMAND or REPLY),
 * undefined flag bits clear in commands, ERROR/NO_REPLY only where they
 * belong, msg_size >= 16 and <= @max_size. */
int vu_check_hdr(const struct vu_hdr *h, uint32_t max_size);

/* Capabilities JSON (§2.3) with json-c: parse a VERSION payload's JSON area
 * (@json, @len bytes including the terminating NUL) into @ret (defaults for
 * absent keys); emit @caps as a NUL-terminated JSON string into @buf.
 * Parsing rejects: no NUL at the end, bad JSON, non-object "capabilities",
 * a known key of the wrong type or out of range. Unknown keys are ignored. */
int vu_caps_parse(const char *json, size_t len, struct vu_caps *ret);
int vu_caps_emit(const struct vu_caps *caps, char *buf, size_t buflen);
void vu_caps_default(struct vu_caps *caps);

/* Per-command request validation for the server side: does @m (payload and
 * fd count) have the size and shape its command requires, given the
 * server's limits @own and the peer's @peer? Returns 0 or -errno with the
 * rule named. Commands with variable parts (SET_IRQS data vs fds,
 * REGION_WRITE count vs payload, WRITE_MULTI entries, DMA_UNMAP bitmap,
 * DEVICE_FEATURE data, MIG_DATA_WRITE size) are checked completely. */
int vu_check_request(const struct vu_msg *m, const struct vu_caps *own, const struct vu_caps *peer);
/* Client side: is @reply a valid reply to the request @req_hdr (id and
 * command echoed, REPLY type, ERROR with header only unless @lenient, sizes
 * for the command: e.g. REGION_READ count <= requested, region-info
 * cap_offset and chain bounds with a hop budget)? */
int vu_check_reply(const struct vu_hdr *req_hdr, const void *req_payload, uint32_t req_len,
		   const struct vu_msg *reply, bool lenient);

/* Walk a capability chain of @len bytes starting at @first (offsets from the
 * start of the buffer): bounds, alignment, no backwards or self loops, at
 * most @max_hops. Calls @fn for each cap; stops on its negative return. */
int vu_caps_walk(const uint8_t *buf, uint32_t len, uint32_t first, unsigned max_hops,
		 int (*fn)(void *opaque, const struct vu_cap_hdr *cap, uint32_t off, uint32_t caplen),
		 void *opaque);

const char *vu_cmd_name(uint16_t cmd);

/* ---- additions by the wire module (vu-wire.c, vu-caps.c) ---------------- */

#define VU_CAPS_JSON_MAX 4096u		/* JSON area of VERSION, NUL included */
#define VU_CAPS_JSON_DEPTH 8		/* {"capabilities":{"migration":{}}} is 3 */
#define VU_CAP_MAX_HOPS 32u		/* region-info chain budget of vu_check_reply */
#define VU_LIMIT_NUM_REGIONS 100u	/* QEMU: a server reporting more is refused */
#define VU_LIMIT_NUM_IRQS 50u
#define VU_LIMIT_ARGSZ (1u << 20)	/* libvfio-user: DMA_UNMAP, IO_FDS argsz bound */

/* Region-info capability ids (vfio_region_info_cap_*), version 1 each. */
#define VU_CAP_SPARSE_MMAP 1u
#define VU_CAP_TYPE 2u
#define VU_CAP_MSIX_MAPPABLE 3u

/* vu_caps_emit returns the bytes written INCLUDING the terminating NUL (the
 * size the JSON area adds to a VERSION payload), -ENOSPC if @buflen is short.
 * vu_caps_parse: a max_data_xfer_size above VU_LIMIT_MAX_DATA_XFER is
 * clamped to it (it only bounds what we send), 0 is refused.
 * vu_caps_walk returns the number of capabilities visited.
 * vu_check_request refuses DMA_READ/DMA_WRITE (server -> client only) with
 * VU_REQ_CMD_DIRECTION; the client checks those with vu_check_dma_request.
 * vu_check_reply returns 0 for a well-formed ERROR reply too (read the errno
 * with vu_reply_errno); malformed replies are -EPROTO. */

/* Client side: a server -> client DMA_READ/DMA_WRITE request (§3.10, spec
 * layout) against the client's own limits: no fds, fixed sizes, count within
 * own->max_data_xfer_size (-E2BIG), payload == 16 + count for DMA_WRITE.
 * Any other command is -ENOSYS (QEMU). */
int vu_check_dma_request(const struct vu_msg *m, const struct vu_caps *own);

/* The errno an ERROR reply carries, as libvfio-user reads it: -error, or
 * -EINVAL when the field is 0 or above 4096. 0 for a non-ERROR reply. */
int vu_reply_errno(const struct vu_hdr *h);

/* The capability chain of a region-info reply (@info, @len bytes, first cap
 * at @cap_offset) walked with vu_caps_walk and VU_CAP_MAX_HOPS, each known
 * cap checked: version 1, SPARSE_MMAP nr_areas within the cap and every area
 * within @region_size, TYPE 16 bytes. Returns the number of caps or -EINVAL. */
int vu_check_region_caps(const uint8_t *info, uint32_t len, uint32_t cap_offset, uint64_t region_size);

#endif
