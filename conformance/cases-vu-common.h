/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the vfio-user server cases of cases-vu-device.c, cases-vu-region.c
 * and cases-vu-irq.c: wire layouts written out from the spec (not taken from
 * sim/), and helpers that talk to the server under test through conf-vu.c.
 */
#ifndef VFSIM_CASES_VU_COMMON_H
#define VFSIM_CASES_VU_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <json-c/json.h>

#include "include/vfsim.h"
#include "conf-int.h"

#define CFG_REGION 7u		/* VFIO_PCI_CONFIG_REGION_INDEX */
#define CFG_COMMAND 0x04u
#define CFG_INTERRUPT_LINE 0x3cu
#define PCI_NUM_REGIONS 9u
#define PCI_NUM_IRQS 5u
#define IRQ_ERR 3u
#define IRQ_REQ 4u
#define DEFAULT_XFER (1u << 20)	/* digest 1.8: max_data_xfer_size default */

#define DMA_READ_F 0x1u
#define DMA_WRITE_F 0x2u
#define UNMAP_ALL 0x2u

#define RI_READ 0x1u
#define RI_WRITE 0x2u
#define RI_MMAP 0x4u
#define RI_CAPS 0x8u

#define IRQ_DATA_NONE 0x1u
#define IRQ_DATA_BOOL 0x2u
#define IRQ_DATA_EVENTFD 0x4u
#define IRQ_ACT_MASK 0x8u
#define IRQ_ACT_TRIGGER 0x20u
#define IRQI_EVENTFD 0x1u

#define MAP_BASE 0x100000000ull
#define MAP_SIZE 0x10000ull

struct vd_map {
	uint32_t argsz, flags;
	uint64_t offset, addr, size;
} __attribute__((packed));

struct vd_unmap {
	uint32_t argsz, flags;
	uint64_t addr, size;
} __attribute__((packed));

struct vd_info {
	uint32_t argsz, flags, num_regions, num_irqs;
} __attribute__((packed));

struct vd_region {
	uint32_t argsz, flags, index, cap_offset;
	uint64_t size, offset;
} __attribute__((packed));

struct vd_irq_info {
	uint32_t argsz, flags, index, count;
} __attribute__((packed));

struct vd_irq_set {
	uint32_t argsz, flags, index, start, count;
} __attribute__((packed));

struct vd_access {
	uint64_t offset;
	uint32_t region, count;
} __attribute__((packed));

/* What the server said about itself at negotiation. */
struct vd_caps {
	uint64_t max_xfer;
	unsigned max_fds;
};

/* ---- shared helpers --------------------------------------------------------------------- */

static inline bool is_transport_err(int r)
{
	return r == -ETIMEDOUT || r == -ECONNRESET || r == -EPROTO;
}

/* VERSION 0.0 offering 16 fds; the server's limits from its reply (defaults
 * of digest 2.3 where absent). */
static inline int vd_negotiate(struct conf_ctx *ctx, struct vd_caps *caps)
{
	struct json_object *top = NULL, *cj, *v;
	struct conf_vu_msg m;
	int r;

	caps->max_xfer = DEFAULT_XFER;
	caps->max_fds = 1;
	r = conf_vu_version(ctx, 0, 0, "{\"capabilities\":{\"max_msg_fds\":16}}", &m);
	if (r < 0) {
		conf_vu_msg_free(&m);
		return conf_harness_error(ctx, "setup: VERSION 0.0 failed: %s", conf_errno_name(r));
	}
	if (m.len > 4 && memchr(m.payload + 4, '\0', m.len - 4))
		top = json_tokener_parse((const char *)m.payload + 4);
	if (top && json_object_object_get_ex(top, "capabilities", &cj) && json_object_is_type(cj, json_type_object)) {
		if (json_object_object_get_ex(cj, "max_data_xfer_size", &v) && json_object_is_type(v, json_type_int) &&
		    json_object_get_int64(v) > 0)
			caps->max_xfer = (uint64_t)json_object_get_int64(v);
		if (json_object_object_get_ex(cj, "max_msg_fds", &v) && json_object_is_type(v, json_type_int) &&
		    json_object_get_int64(v) >= 0)
			caps->max_fds = (unsigned)(json_object_get_int64(v) > 64 ? 64 : json_object_get_int64(v));
	}
	json_object_put(top);
	conf_vu_msg_free(&m);
	return CONF_PASS;
}

#define NEGOTIATE(ctx, caps)                              \
	do {                                              \
		int nr_ = vd_negotiate(ctx, caps);        \
		if (nr_ != CONF_PASS)                     \
			return nr_;                       \
	} while (0)

/* Send @cmd with @fds attached and wait for its reply (as conf_vu_call). */
static inline int vd_call_fds(struct conf_ctx *ctx, uint16_t cmd, const void *p, size_t len, const int *fds, unsigned nfds,
		       struct conf_vu_msg *m)
{
	uint16_t id = conf_vu_id(ctx);
	int r;

	memset(m, 0, sizeof(*m));
	r = conf_vu_send(ctx, id, cmd, 0, p, len, fds, nfds);
	if (r < 0)
		return r;
	r = conf_vu_recv(ctx, m, 0);
	if (r < 0)
		return r;
	if (m->hdr.id != id || m->hdr.cmd != cmd) {
		conf_fail(ctx, "reply id=%u cmd=%u to request id=%u cmd=%u", m->hdr.id, m->hdr.cmd, id, cmd);
		return -EPROTO;
	}
	if (m->hdr.flags & CONF_VU_F_ERROR)
		return m->hdr.error ? -(int)m->hdr.error : -EINVAL;
	return 0;
}

/* A call whose reply does not matter beyond its result. */
static inline int vd_call(struct conf_ctx *ctx, uint16_t cmd, const void *p, size_t len)
{
	struct conf_vu_msg m;
	int r = conf_vu_call(ctx, cmd, p, len, &m);

	conf_vu_msg_free(&m);
	return r;
}

/* An error reply is required; @want is the digest's errno, which the spec
 * fixes only when @fixed. A close or silence is FAIL. */
static inline int expect_err(struct conf_ctx *ctx, const char *what, int r, int want, bool fixed)
{
	if (is_transport_err(r))
		return conf_fail(ctx, "%s: no error reply (%s)", what, conf_errno_name(r));
	return conf_expect_errno(ctx, what, r, want, fixed);
}

/* Any error reply will do (the spec names none). */
static inline int expect_any_err(struct conf_ctx *ctx, const char *what, int r)
{
	if (is_transport_err(r))
		return conf_fail(ctx, "%s: no error reply (%s)", what, conf_errno_name(r));
	if (r >= 0)
		return conf_fail(ctx, "%s: succeeded where the spec requires an error", what);
	conf_note(ctx, "%s: refused with %s", what, conf_errno_name(r));
	return CONF_PASS;
}

static inline bool still_usable(struct conf_ctx *ctx, const char *after)
{
	struct vd_info gi = { .argsz = sizeof(gi) };
	int r = vd_call(ctx, CONF_VU_GET_INFO, &gi, sizeof(gi));

	return conf_check(ctx, r == 0, "GET_INFO after %s: %s, the connection should stay usable", after,
			  r < 0 ? conf_errno_name(r) : "ok");
}

static inline int vd_get_info(struct conf_ctx *ctx, struct vd_info *out)
{
	struct vd_info gi = { .argsz = sizeof(gi) };
	struct conf_vu_msg m;
	int r = conf_vu_call(ctx, CONF_VU_GET_INFO, &gi, sizeof(gi), &m);

	if (r == 0 && m.len >= sizeof(*out))
		memcpy(out, m.payload, sizeof(*out));
	else if (r == 0)
		r = -EPROTO;
	conf_vu_msg_free(&m);
	return r;
}

#define GET_INFO(ctx, gi)                                                                          \
	do {                                                                                       \
		int gr_ = vd_get_info(ctx, gi);                                                    \
		if (gr_ < 0)                                                                       \
			return conf_harness_error(ctx, "setup: GET_INFO failed: %s", conf_errno_name(gr_)); \
	} while (0)

static inline int vd_map(struct conf_ctx *ctx, uint32_t flags, uint64_t addr, uint64_t size, int fd)
{
	struct vd_map mp = { .argsz = sizeof(mp), .flags = flags, .addr = addr, .size = size };
	struct conf_vu_msg m;
	int r = vd_call_fds(ctx, CONF_VU_DMA_MAP, &mp, sizeof(mp), &fd, fd >= 0 ? 1 : 0, &m);

	conf_vu_msg_free(&m);
	return r;
}

static inline int vd_unmap(struct conf_ctx *ctx, uint32_t flags, uint64_t addr, uint64_t size)
{
	struct vd_unmap u = { .argsz = sizeof(u), .flags = flags, .addr = addr, .size = size };

	return vd_call(ctx, CONF_VU_DMA_UNMAP, &u, sizeof(u));
}

static inline int vd_memfd(struct conf_ctx *ctx)
{
	int fd = memfd_create("vfsim-conf-dma", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)MAP_SIZE) < 0) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/* A window the server must accept (without an fd: every server supports it). */
#define MAP_OK(ctx, addr, size)                                                                      \
	do {                                                                                         \
		int mr_ = vd_map(ctx, DMA_READ_F | DMA_WRITE_F, addr, size, -1);                     \
		if (mr_ < 0)                                                                         \
			return conf_fail(ctx, "setup: DMA_MAP [0x%llx, +0x%llx) failed: %s",         \
					 (unsigned long long)(addr), (unsigned long long)(size),      \
					 conf_errno_name(mr_));                                       \
	} while (0)

/* Has the peer closed the write end's last other reference? A pipe read end
 * sees EOF once every write end is gone. */
static inline bool pipe_eof(int rfd, int timeout_ms)
{
	struct pollfd pfd = { .fd = rfd, .events = POLLIN };
	char b;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return false;
	return read(rfd, &b, 1) == 0;
}

static inline int vd_region_info(struct conf_ctx *ctx, uint32_t index, uint32_t argsz, struct conf_vu_msg *m)
{
	struct vd_region ri = { .argsz = argsz, .index = index };

	return conf_vu_call(ctx, CONF_VU_GET_REGION_INFO, &ri, sizeof(ri), m);
}

/* Region info at full argsz (retrying once with the reply's argsz). */
static inline int vd_region_full(struct conf_ctx *ctx, uint32_t index, struct conf_vu_msg *m)
{
	struct vd_region h;
	int r = vd_region_info(ctx, index, sizeof(struct vd_region), m);

	if (r < 0)
		return r;
	if (m->len < sizeof(h))
		return -EPROTO;
	memcpy(&h, m->payload, sizeof(h));
	if (h.argsz <= sizeof(h) || h.argsz > 65536)
		return 0;
	conf_vu_msg_free(m);
	return vd_region_info(ctx, index, h.argsz, m);
}

static inline int cfg_read(struct conf_ctx *ctx, uint32_t off, void *buf, uint32_t len)
{
	struct vd_access a = { .offset = off, .region = CFG_REGION, .count = len };
	struct conf_vu_msg m;
	int r = conf_vu_call(ctx, CONF_VU_REGION_READ, &a, sizeof(a), &m);

	if (r == 0 && m.len == sizeof(a) + len)
		memcpy(buf, m.payload + sizeof(a), len);
	else if (r == 0)
		r = -EPROTO;
	conf_vu_msg_free(&m);
	return r;
}

static inline int cfg_write(struct conf_ctx *ctx, uint32_t off, const void *buf, uint32_t len)
{
	uint8_t p[sizeof(struct vd_access) + 8];
	struct vd_access a = { .offset = off, .region = CFG_REGION, .count = len };

	if (len > 8)
		return -EINVAL;
	memcpy(p, &a, sizeof(a));
	memcpy(p + sizeof(a), buf, len);
	return vd_call(ctx, CONF_VU_REGION_WRITE, p, sizeof(a) + len);
}

#endif
