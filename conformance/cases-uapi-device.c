/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel-uAPI cases: device info, regions and their capability chains, IRQ
 * info, reset, hot reset and ioeventfds, transcribed from the digest
 * (/work/shared/spec/kernel-uapi.md) §5.2 items 21-43 with the rule id of the
 * item (UAPI-DEV-NN); expected errnos from §1.2-1.3, never from sim/.
 * Preconditions a device may lack (caps, a device-specific region, a missing
 * BAR) are discovered from the target at run time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "include/vfsim.h"
#include "vfio-compat.h"
#include "conf.h"

#define U CONF_ROLE_UAPI
#define REGION_OFFSET(i) ((uint64_t)(i) << 40)	/* vfio-pci's encoding, item 29 */

static int device_info(struct conf_ctx *ctx, uint32_t argsz, struct vfio_device_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = argsz;
	return conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_INFO, info);
}

/* 21 */
static int devinfo_minsz(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_device_info info;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = device_info(ctx, 15, &info);
	conf_expect_errno(ctx, "DEVICE_GET_INFO argsz=15", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* 22 */
static int devinfo_counts(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_device_info info;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = device_info(ctx, 24, &info);
	if (conf_expect_errno(ctx, "DEVICE_GET_INFO argsz=24", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	conf_check(ctx, info.flags & VFIO_DEVICE_FLAGS_PCI, "flags 0x%x lack VFIO_DEVICE_FLAGS_PCI", info.flags);
	conf_check(ctx, info.num_irqs == VFIO_PCI_NUM_IRQS, "num_irqs %u, want 5", info.num_irqs);
	conf_check(ctx, info.num_regions >= VFIO_PCI_NUM_REGIONS, "num_regions %u, want at least 9", info.num_regions);
	return conf_pass(ctx);
}

/* 23 */
static int devinfo_caps_truncated(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_device_info info;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = device_info(ctx, 24, &info);
	if (conf_expect_errno(ctx, "DEVICE_GET_INFO argsz=24 on a device with caps", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	conf_check(ctx, info.flags & VFIO_DEVICE_FLAGS_CAPS, "flags 0x%x lack FLAGS_CAPS", info.flags);
	conf_check(ctx, info.argsz > 24, "argsz %u not raised to 24 + the caps", info.argsz);
	conf_check(ctx, info.cap_offset == 0, "cap_offset %u with no room for the caps, want 0", info.cap_offset);
	return conf_pass(ctx);
}

/* 24: callers older than cap_offset (argsz 16) never see it written. */
static int devinfo_old_argsz_window(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_device_info info;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	memset(&info, 0, sizeof(info));
	info.argsz = 16;
	info.cap_offset = 0xa5a5a5a5;
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_INFO, &info);
	if (conf_expect_errno(ctx, "DEVICE_GET_INFO argsz=16", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	conf_check(ctx, info.cap_offset == 0xa5a5a5a5, "cap_offset (outside the 16-byte window) changed to 0x%x",
		   info.cap_offset);
	return conf_pass(ctx);
}

/* 25 */
static int region_minsz(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_region_info ri = { .argsz = 31, .index = VFIO_PCI_CONFIG_REGION_INDEX };
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_REGION_INFO, &ri);
	conf_expect_errno(ctx, "GET_REGION_INFO argsz=31", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* 26 */
static int region_index_oob(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_device_info info;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = device_info(ctx, sizeof(info), &info);
	if (r < 0)
		return conf_fail(ctx, "DEVICE_GET_INFO: -%s", conf_errno_name(r));
	r = conf_uapi_region_info(ctx, info.num_regions, NULL, NULL, NULL);
	conf_expect_errno(ctx, "GET_REGION_INFO index=num_regions", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* 27 */
static int region_vga_absent(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = conf_uapi_region_info(ctx, VFIO_PCI_VGA_REGION_INDEX, NULL, NULL, NULL);
	conf_expect_errno(ctx, "GET_REGION_INFO(VGA) on a device without VGA", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* Size BAR @i the PCI way (write all ones, read the mask back, restore).
 * Returns the mask, with *ret_upper set for the upper half of a 64-bit BAR. */
static int bar_mask(struct conf_ctx *ctx, unsigned i, uint32_t *ret_mask, bool *ret_io)
{
	uint32_t orig, ones = 0xffffffff, mask;
	uint32_t off = 0x10 + 4 * i;
	int r;

	r = conf_uapi_cfg_read(ctx, off, &orig, 4);
	if (r < 0)
		return r;
	r = conf_uapi_cfg_write(ctx, off, &ones, 4);
	if (r < 0)
		return r;
	r = conf_uapi_cfg_read(ctx, off, &mask, 4);
	if (r < 0)
		return r;
	r = conf_uapi_cfg_write(ctx, off, &orig, 4);
	if (r < 0)
		return r;
	*ret_mask = mask;
	*ret_io = orig & 1;
	return 0;
}

/* 28 */
static int region_bar_absent(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned i, absent = 0;
	bool upper = false;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	for (i = 0; i < 6; i++) {
		uint32_t mask, flags = 0;
		uint64_t size = 0;
		bool io;

		if (upper) {	/* the high dword of the 64-bit BAR before */
			upper = false;
			continue;
		}
		r = bar_mask(ctx, i, &mask, &io);
		if (r < 0)
			return conf_harness_error(ctx, "sizing BAR%u through config space: -%s", i, conf_errno_name(r));
		conf_note(ctx, "BAR%u sizing mask 0x%08x", i, mask);
		if (mask) {
			upper = !io && (mask & 0x6) == 0x4;
			continue;
		}
		absent++;
		r = conf_uapi_region_info(ctx, i, &size, &flags, NULL);
		if (conf_expect_errno(ctx, "GET_REGION_INFO of an absent BAR", r, 0, true) == CONF_PASS)
			conf_check(ctx, size == 0 && flags == 0, "BAR%u is absent but reports size 0x%llx flags 0x%x",
				   i, (unsigned long long)size, flags);
	}
	if (!absent)
		return conf_not_supported(ctx, "every BAR of the device is implemented (config space sizing)");
	return conf_pass(ctx);
}

/* 29 */
static int region_offset_encoding(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_device_info info;
	uint32_t i;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = device_info(ctx, sizeof(info), &info);
	if (r < 0)
		return conf_fail(ctx, "DEVICE_GET_INFO: -%s", conf_errno_name(r));
	for (i = 0; i < info.num_regions && i < 64; i++) {
		uint64_t off = 0;

		r = conf_uapi_region_info(ctx, i, NULL, NULL, &off);
		if (r == -EINVAL && i == VFIO_PCI_VGA_REGION_INDEX)
			continue;	/* no VGA: the one index below num_regions that may fail */
		if (conf_expect_errno(ctx, "GET_REGION_INFO", r, 0, true) != CONF_PASS)
			continue;
		conf_check(ctx, off == REGION_OFFSET(i), "region %u at offset 0x%llx, want index << 40", i,
			   (unsigned long long)off);
	}
	return conf_pass(ctx);
}

/* ---- region capability chains (30-32) ------------------------------------------ */

#define REGION_BUF 4096

/* GET_REGION_INFO of @index with @argsz into @buf (REGION_BUF bytes). */
static int region_info_raw(struct conf_ctx *ctx, uint32_t index, uint32_t argsz, uint8_t *buf)
{
	struct vfio_region_info ri = { .argsz = argsz, .index = index };

	memset(buf, 0, REGION_BUF);
	memcpy(buf, &ri, sizeof(ri));
	return conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_REGION_INFO, buf);
}

/* Walk the chain in @buf (@argsz valid bytes): every offset relative to the
 * struct start, past the fixed struct, inside argsz, 4-byte aligned; a hop
 * budget stops loops. Records FAIL per violation; *ret_type_cap when a TYPE
 * cap id 2 version 1 is seen. */
static void region_walk(struct conf_ctx *ctx, uint32_t index, const uint8_t *buf, uint32_t argsz,
			bool *ret_type_cap)
{
	struct vfio_region_info ri;
	uint32_t off, hops;

	memcpy(&ri, buf, sizeof(ri));
	for (off = ri.cap_offset, hops = 0; off; hops++) {
		struct vfio_info_cap_header h;

		if (!conf_check(ctx, hops < 64, "region %u: capability chain longer than 64 (a loop?)", index))
			return;
		if (!conf_check(ctx, off >= sizeof(ri) && off % 4 == 0 && off + sizeof(h) <= argsz &&
				     off + sizeof(h) <= REGION_BUF,
				"region %u: capability at offset %u is outside [32, argsz %u) or unaligned", index, off,
				argsz))
			return;
		memcpy(&h, buf + off, sizeof(h));
		conf_note(ctx, "region %u cap at %u: id %u version %u next %u", index, off, h.id, h.version, h.next);
		if (h.id == VFIO_REGION_INFO_CAP_TYPE && h.version == 1)
			*ret_type_cap = true;
		if (!conf_check(ctx, !h.next || h.next > off, "region %u: next %u does not move forward from %u", index,
				h.next, off))
			return;
		off = h.next;
	}
}

/* 30 */
static int region_caps_truncated(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint8_t *buf;
	struct vfio_region_info ri;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	buf = malloc(REGION_BUF);
	if (!buf)
		return conf_harness_error(ctx, "out of memory");
	r = region_info_raw(ctx, VFIO_PCI_NUM_REGIONS, 32, buf);
	memcpy(&ri, buf, sizeof(ri));
	if (conf_expect_errno(ctx, "GET_REGION_INFO of a device region, argsz=32", r, 0, true) == CONF_PASS) {
		conf_check(ctx, ri.flags & VFIO_REGION_INFO_FLAG_CAPS, "flags 0x%x lack FLAG_CAPS", ri.flags);
		conf_check(ctx, ri.argsz > 32, "argsz %u not raised to 32 + the caps", ri.argsz);
		conf_check(ctx, ri.cap_offset == 0, "cap_offset %u with no room for the caps, want 0", ri.cap_offset);
	}
	free(buf);
	return conf_pass(ctx);
}

/* 31 */
static int region_caps_full(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_region_info ri;
	bool type_cap = false;
	uint8_t *buf;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	buf = malloc(REGION_BUF);
	if (!buf)
		return conf_harness_error(ctx, "out of memory");
	r = region_info_raw(ctx, VFIO_PCI_NUM_REGIONS, 32, buf);
	memcpy(&ri, buf, sizeof(ri));
	if (r < 0 || ri.argsz <= 32 || ri.argsz > REGION_BUF) {
		conf_fail(ctx, "the first call (argsz=32) gave %d and argsz %u: nothing to retry with", r, ri.argsz);
		goto out;
	}
	r = region_info_raw(ctx, VFIO_PCI_NUM_REGIONS, ri.argsz, buf);
	if (conf_expect_errno(ctx, "GET_REGION_INFO retried with the reported argsz", r, 0, true) != CONF_PASS)
		goto out;
	memcpy(&ri, buf, sizeof(ri));
	if (!conf_check(ctx, ri.cap_offset == 32, "cap_offset %u after the retry, want 32", ri.cap_offset))
		goto out;
	region_walk(ctx, VFIO_PCI_NUM_REGIONS, buf, ri.argsz, &type_cap);
	conf_check(ctx, type_cap, "no TYPE capability (id 2, version 1) on a device-specific region");
out:
	free(buf);
	return conf_pass(ctx);
}

/* 32 */
static int region_cap_chain_offsets(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_device_info info;
	unsigned with_caps = 0;
	uint8_t *buf;
	uint32_t i;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = device_info(ctx, sizeof(info), &info);
	if (r < 0)
		return conf_fail(ctx, "DEVICE_GET_INFO: -%s", conf_errno_name(r));
	buf = malloc(REGION_BUF);
	if (!buf)
		return conf_harness_error(ctx, "out of memory");
	for (i = 0; i < info.num_regions && i < 64; i++) {
		struct vfio_region_info ri;
		bool type_cap = false;

		r = region_info_raw(ctx, i, REGION_BUF, buf);
		if (r < 0)
			continue;
		memcpy(&ri, buf, sizeof(ri));
		if (!(ri.flags & VFIO_REGION_INFO_FLAG_CAPS))
			continue;
		with_caps++;
		if (!conf_check(ctx, ri.argsz <= REGION_BUF, "region %u: argsz %u grew past the %u bytes offered", i,
				ri.argsz, REGION_BUF))
			continue;
		region_walk(ctx, i, buf, ri.argsz, &type_cap);
	}
	free(buf);
	if (!with_caps)
		return conf_not_supported(ctx, "no region of the device has capabilities");
	return conf_pass(ctx);
}

/* ---- IRQ info (33-35) -------------------------------------------------------------- */

/* 33, 34: arg = the index */
static int irqinfo_einval(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t index = (uint32_t)(uintptr_t)c->arg;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = conf_uapi_irq_info(ctx, index, NULL, NULL);
	conf_expect_errno(ctx, "GET_IRQ_INFO", r, -EINVAL, true);
	return conf_pass(ctx);
}

struct irqinfo_row {
	uint32_t index;
	uint32_t want;		/* flags that must be set */
	uint32_t optional;	/* flags that may be set ([new] kernels differ) */
};

static const struct irqinfo_row irq_intx = { VFIO_PCI_INTX_IRQ_INDEX,
	VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED, 0 };
static const struct irqinfo_row irq_msi = { VFIO_PCI_MSI_IRQ_INDEX, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 0 };
/* [new] MSI-X drops NORESIZE when dynamic MSI-X is available. */
static const struct irqinfo_row irq_msix = { VFIO_PCI_MSIX_IRQ_INDEX, VFIO_IRQ_INFO_EVENTFD, VFIO_IRQ_INFO_NORESIZE };
static const struct irqinfo_row irq_err = { VFIO_PCI_ERR_IRQ_INDEX, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 0 };
static const struct irqinfo_row irq_req = { VFIO_PCI_REQ_IRQ_INDEX, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 0 };

/* 35 */
static int irqinfo_flags(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct irqinfo_row *row = c->arg;
	uint32_t flags = 0;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = conf_uapi_irq_info(ctx, row->index, &flags, NULL);
	if (conf_expect_errno(ctx, "GET_IRQ_INFO", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	conf_check(ctx, (flags & ~row->optional) == row->want, "index %u flags 0x%x, want 0x%x (0x%x optional)",
		   row->index, flags, row->want, row->optional);
	return conf_pass(ctx);
}

/* ---- reset and hot reset (36-39) -------------------------------------------------- */

/* 36 */
static int reset_unsupported(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_RESET, NULL);
	conf_expect_errno(ctx, "DEVICE_RESET without FLAGS_RESET", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* 37 */
static int hotreset_info_enospc(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_pci_hot_reset_info h = { .argsz = 12, .flags = 0xff, .count = 0 };
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &h);
	if (conf_expect_errno(ctx, "GET_PCI_HOT_RESET_INFO argsz=12", r, -ENOSPC, true) != CONF_PASS)
		return conf_pass(ctx);
	conf_check(ctx, h.count >= 1, "ENOSPC without the count of affected devices (count %u)", h.count);
	conf_check(ctx, h.flags == 0, "flags 0x%x copied back, the kernel forces 0", h.flags);
	return conf_pass(ctx);
}

/* 38, 39: arg = the flags; count 1 with the group fd when flags != 0, else count 0. */
static int hotreset_einval(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t flags = (uint32_t)(uintptr_t)c->arg;
	struct {
		struct vfio_pci_hot_reset h;
		int32_t fds[1];
	} hr;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	memset(&hr, 0, sizeof(hr));
	hr.h.argsz = sizeof(hr);
	hr.h.flags = flags;
	hr.h.count = flags ? 1 : 0;
	hr.fds[0] = ctx->u.group;
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_PCI_HOT_RESET, &hr);
	conf_expect_errno(ctx, flags ? "PCI_HOT_RESET flags=1" : "PCI_HOT_RESET count=0 (group-opened device)", r,
			  -EINVAL, true);
	return conf_pass(ctx);
}

/* ---- ioeventfd (40-43) --------------------------------------------------------------- */

/* Find a 4-byte spot in a memory BAR outside the MSI-X table (which an
 * ioeventfd may not overlap). */
static int ioeventfd_spot(struct conf_ctx *ctx, uint32_t *ret_bar, uint64_t *ret_pos)
{
	uint8_t cfg[256];
	uint32_t tbar = 7, toff = 0, tlen = 0, i, pos, hops;

	if (conf_uapi_cfg_read(ctx, 0, cfg, sizeof(cfg)) < 0)
		return -EIO;
	pos = (cfg[0x06] & 0x10) ? cfg[0x34] & ~3u : 0;
	for (hops = 0; pos >= 0x40 && pos < 0xfc && hops < 48; hops++) {
		if (cfg[pos] == 0x11) {	/* MSI-X: table BIR/offset at +4, size in message control */
			uint32_t t = cfg[pos + 4] | cfg[pos + 5] << 8 | cfg[pos + 6] << 16 | (uint32_t)cfg[pos + 7] << 24;

			tbar = t & 7;
			toff = t & ~7u;
			tlen = (((cfg[pos + 2] | cfg[pos + 3] << 8) & 0x7ff) + 1) * 16;
		}
		pos = cfg[pos + 1] & ~3u;
	}
	for (i = 0; i < 6; i++) {
		uint64_t size = 0, p;
		uint32_t flags = 0;

		if (cfg[0x10 + 4 * i] & 1)	/* I/O BAR */
			continue;
		if (conf_uapi_region_info(ctx, i, &size, &flags, NULL) < 0 || size < 8)
			continue;
		/* Past the MSI-X table when it lives in this BAR, else at 0. */
		p = (i == tbar && toff < 8) ? (uint64_t)toff + tlen : 0;
		p = (p + 7) & ~7ull;
		if (p + 4 > size)
			continue;
		*ret_bar = i;
		*ret_pos = p;
		return 0;
	}
	return -ENOENT;
}

static int ioeventfd(struct conf_ctx *ctx, uint32_t flags, uint32_t bar, uint64_t pos, uint64_t data, int32_t fd)
{
	struct vfio_device_ioeventfd e = {
		.argsz = sizeof(e), .flags = flags, .offset = REGION_OFFSET(bar) + pos, .data = data, .fd = fd,
	};

	return conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_IOEVENTFD, &e);
}

/* 40 */
static int ioeventfd_bad_size(struct conf_ctx *ctx, const struct conf_case *c)
{
	int efd, r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0)
		return conf_harness_error(ctx, "eventfd: %s", strerror(errno));
	r = ioeventfd(ctx, VFIO_DEVICE_IOEVENTFD_8 | VFIO_DEVICE_IOEVENTFD_16, 0, 0, 0, efd);
	conf_expect_errno(ctx, "IOEVENTFD flags=3 (two sizes)", r, -EINVAL, true);
	close(efd);
	return conf_pass(ctx);
}

/* 41, 42, 43: arg = the variant */
enum { IOEV_DUP, IOEV_DEL_MISSING, IOEV_LIMIT };

static int ioeventfd_table(struct conf_ctx *ctx, const struct conf_case *c)
{
	const uint32_t sz = VFIO_DEVICE_IOEVENTFD_32;
	uint32_t bar, i;
	uint64_t pos;
	int efd, r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (ioeventfd_spot(ctx, &bar, &pos) < 0)
		return conf_not_supported(ctx, "no memory BAR with 4 bytes outside the MSI-X table");
	conf_note(ctx, "ioeventfd spot: BAR%u + 0x%llx", bar, (unsigned long long)pos);
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0)
		return conf_harness_error(ctx, "eventfd: %s", strerror(errno));
	switch ((int)(uintptr_t)c->arg) {
	case IOEV_DUP:
		r = ioeventfd(ctx, sz, bar, pos, 0x1234, efd);
		if (conf_expect_errno(ctx, "first IOEVENTFD", r, 0, true) != CONF_PASS)
			break;
		r = ioeventfd(ctx, sz, bar, pos, 0x1234, efd);
		conf_expect_errno(ctx, "the same (bar, pos, data, size) again", r, -EEXIST, true);
		r = ioeventfd(ctx, sz, bar, pos, 0x1234, -1);
		conf_expect_errno(ctx, "fd=-1 deletes the entry", r, 0, true);
		break;
	case IOEV_DEL_MISSING:
		r = ioeventfd(ctx, sz, bar, pos, 0x1234, -1);
		conf_expect_errno(ctx, "IOEVENTFD fd=-1 with no entry", r, -ENODEV, true);
		break;
	case IOEV_LIMIT: {
		struct rlimit rl;

		/* Each entry holds a reference on the eventfd; a model may
		 * dup it, so let the process hold 1000 more descriptors. */
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096 && rl.rlim_max > rl.rlim_cur) {
			rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		for (i = 0; i < 1000; i++) {
			r = vfsim_ioctl(ctx->u.host, ctx->u.device, VFIO_DEVICE_IOEVENTFD,
					&(struct vfio_device_ioeventfd){ .argsz = sizeof(struct vfio_device_ioeventfd),
						.flags = sz, .offset = REGION_OFFSET(bar) + pos, .data = i, .fd = efd });
			if (r < 0)
				break;
		}
		conf_note(ctx, "%u IOEVENTFD registrations (data 0..%u) succeeded", i, i ? i - 1 : 0);
		if (i < 1000) {
			if (r == -EMFILE || r == -ENFILE)
				conf_harness_error(ctx, "registration %u: -%s (descriptor limit of the harness)", i + 1,
						   conf_errno_name(r));
			else
				conf_fail(ctx, "registration %u of 1000: -%s, the limit is 1000", i + 1, conf_errno_name(r));
			break;
		}
		r = ioeventfd(ctx, sz, bar, pos, 1000, efd);
		conf_expect_errno(ctx, "the 1001st IOEVENTFD", r, -ENOSPC, true);
		break;
	}
	}
	close(efd);
	return conf_pass(ctx);
}

/* Accesses that cross the end of a region (kernel 6.1: config space is
 * all-or-nothing, EFAULT; a BAR is cut short at its end, EINVAL from it). */
static int region_past_end(struct conf_ctx *ctx, const struct conf_case *c)
{
	bool config = c->arg != NULL;
	uint64_t size = 0;
	uint32_t flags = 0, index = VFIO_PCI_CONFIG_REGION_INDEX;
	uint8_t buf[4];
	ssize_t n;
	int v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE);

	if (v != CONF_PASS)
		return v;
	if (!config) {
		for (index = VFIO_PCI_BAR0_REGION_INDEX; index <= VFIO_PCI_BAR5_REGION_INDEX; index++)
			if (conf_uapi_region_info(ctx, index, &size, &flags, NULL) >= 0 && size >= 4 &&
			    (flags & VFIO_REGION_INFO_FLAG_READ))
				break;
		if (index > VFIO_PCI_BAR5_REGION_INDEX)
			return conf_not_supported(ctx, "no readable BAR of 4 bytes or more");
	} else if (conf_uapi_region_info(ctx, index, &size, &flags, NULL) < 0 || size < 4) {
		return conf_harness_error(ctx, "GET_REGION_INFO(config) failed or reports under 4 bytes");
	}
	memset(buf, 0x5a, sizeof(buf));
	n = vfsim_pread(ctx->u.host, ctx->u.device, buf, 4, (off_t)(REGION_OFFSET(index) + size - 2));
	conf_note(ctx, "pread(region %u, offset size-2 = 0x%llx, 4) = %zd", index, (unsigned long long)(size - 2), n);
	if (config) {
		conf_expect_errno(ctx, "config read crossing the end", n < 0 ? (int)n : 0, -EFAULT, true);
		n = vfsim_pwrite(ctx->u.host, ctx->u.device, buf, 4, (off_t)(REGION_OFFSET(index) + size - 2));
		conf_note(ctx, "pwrite(config, offset size-2, 4) = %zd", n);
		conf_expect_errno(ctx, "config write crossing the end", n < 0 ? (int)n : 0, -EFAULT, true);
		return conf_pass(ctx);
	}
	conf_check(ctx, n == 2, "BAR%u read of 4 bytes at size-2 returned %zd, want 2 (cut short at the end)",
		   index, n);
	n = vfsim_pread(ctx->u.host, ctx->u.device, buf, 4, (off_t)(REGION_OFFSET(index) + size));
	conf_note(ctx, "pread(BAR%u, offset size, 4) = %zd", index, n);
	conf_expect_errno(ctx, "BAR read at the end", n < 0 ? (int)n : 0, -EINVAL, true);
	return conf_pass(ctx);
}

static const struct conf_case cases[] = {
	{ "UAPI-DEV-001", "UAPI-DEV-21", U, NULL, devinfo_minsz, NULL,
	  "devinfo_minsz: DEVICE_GET_INFO with argsz=15 is EINVAL" },
	{ "UAPI-DEV-002", "UAPI-DEV-22", U, NULL, devinfo_counts, NULL,
	  "devinfo_counts: GET_INFO argsz=24 has FLAGS_PCI, num_irqs 5, num_regions >= 9" },
	{ "UAPI-DEV-003", "UAPI-DEV-23", U, "dev-caps", devinfo_caps_truncated, NULL,
	  "devinfo_caps_truncated: argsz=24 on a device with caps: 0, FLAGS_CAPS, argsz raised, cap_offset 0" },
	{ "UAPI-DEV-004", "UAPI-DEV-24", U, "dev-caps", devinfo_old_argsz_window, NULL,
	  "devinfo_old_argsz_window: argsz=16 on a device with caps leaves cap_offset untouched" },
	{ "UAPI-DEV-005", "UAPI-DEV-24", U, NULL, devinfo_old_argsz_window, NULL,
	  "GET_INFO argsz=16 (a caller older than cap_offset) leaves cap_offset untouched" },
	{ "UAPI-DEV-006", "UAPI-DEV-25", U, NULL, region_minsz, NULL,
	  "region_minsz: GET_REGION_INFO with argsz=31 is EINVAL" },
	{ "UAPI-DEV-007", "UAPI-DEV-26", U, NULL, region_index_oob, NULL,
	  "region_index_oob: GET_REGION_INFO index=num_regions is EINVAL" },
	{ "UAPI-DEV-008", "UAPI-DEV-27", U, "!vga", region_vga_absent, NULL,
	  "region_vga_absent: the VGA region (8) of a device without VGA is EINVAL" },
	{ "UAPI-DEV-009", "UAPI-DEV-28", U, NULL, region_bar_absent, NULL,
	  "region_bar_absent: an absent BAR is success with size 0 and flags 0" },
	{ "UAPI-DEV-010", "UAPI-DEV-29", U, NULL, region_offset_encoding, NULL,
	  "region_offset_encoding: every region's offset is index << 40" },
	{ "UAPI-DEV-011", "UAPI-DEV-30", U, "dev-region", region_caps_truncated, NULL,
	  "region_caps_truncated: device region, argsz=32: 0, FLAG_CAPS, argsz raised, cap_offset 0" },
	{ "UAPI-DEV-012", "UAPI-DEV-31", U, "dev-region", region_caps_full, NULL,
	  "region_caps_full: the retry gets cap_offset 32, a terminated chain and the TYPE cap" },
	{ "UAPI-DEV-013", "UAPI-DEV-32", U, NULL, region_cap_chain_offsets, NULL,
	  "region_cap_chain_offsets: every next is relative, inside argsz, 4-byte aligned" },
	{ "UAPI-DEV-014", "UAPI-DEV-33", U, NULL, irqinfo_einval, (void *)(uintptr_t)VFIO_PCI_NUM_IRQS,
	  "irqinfo_index_oob: GET_IRQ_INFO index=5 is EINVAL" },
	{ "UAPI-DEV-015", "UAPI-DEV-34", U, "!pcie", irqinfo_einval, (void *)(uintptr_t)VFIO_PCI_ERR_IRQ_INDEX,
	  "irqinfo_err_nonpcie: GET_IRQ_INFO(ERR) on a conventional PCI device is EINVAL" },
	{ "UAPI-DEV-016", "UAPI-DEV-35", U, NULL, irqinfo_flags, &irq_intx,
	  "irqinfo_flags: INTx is EVENTFD|MASKABLE|AUTOMASKED" },
	{ "UAPI-DEV-017", "UAPI-DEV-35", U, NULL, irqinfo_flags, &irq_msi,
	  "irqinfo_flags: MSI is EVENTFD|NORESIZE" },
	{ "UAPI-DEV-018", "UAPI-DEV-35", U, NULL, irqinfo_flags, &irq_msix,
	  "MSI-X is EVENTFD, NORESIZE unless dynamic MSI-X [new]" },
	{ "UAPI-DEV-019", "UAPI-DEV-35", U, "pcie", irqinfo_flags, &irq_err,
	  "ERR on a PCIe device is EVENTFD|NORESIZE" },
	{ "UAPI-DEV-020", "UAPI-DEV-35", U, NULL, irqinfo_flags, &irq_req,
	  "REQ is EVENTFD|NORESIZE" },
	{ "UAPI-DEV-021", "UAPI-DEV-36", U, "!reset", reset_unsupported, NULL,
	  "reset_unsupported: DEVICE_RESET when FLAGS_RESET is clear is EINVAL" },
	{ "UAPI-DEV-022", "UAPI-DEV-37", U, "hot-reset", hotreset_info_enospc, NULL,
	  "hotreset_info_enospc: argsz=12 is ENOSPC with the header's count filled in" },
	{ "UAPI-DEV-023", "UAPI-DEV-38", U, NULL, hotreset_einval, (void *)(uintptr_t)1,
	  "hotreset_flags_nonzero: PCI_HOT_RESET with flags=1 is EINVAL" },
	{ "UAPI-DEV-024", "UAPI-DEV-39", U, "hot-reset", hotreset_einval, (void *)(uintptr_t)0,
	  "hotreset_count_zero_group: PCI_HOT_RESET count=0 on a group-opened device is EINVAL" },
	{ "UAPI-DEV-025", "UAPI-DEV-40", U, NULL, ioeventfd_bad_size, NULL,
	  "ioeventfd_bad_size: IOEVENTFD flags=3 (two size bits) is EINVAL" },
	{ "UAPI-DEV-026", "UAPI-DEV-41", U, "bar", ioeventfd_table, (void *)(uintptr_t)IOEV_DUP,
	  "ioeventfd_dup: the same (bar, pos, data, size) twice is EEXIST" },
	{ "UAPI-DEV-027", "UAPI-DEV-42", U, "bar", ioeventfd_table, (void *)(uintptr_t)IOEV_DEL_MISSING,
	  "ioeventfd_del_missing: fd=-1 with no matching entry is ENODEV" },
	{ "UAPI-DEV-028", "UAPI-DEV-43", U, "bar", ioeventfd_table, (void *)(uintptr_t)IOEV_LIMIT,
	  "ioeventfd_limit: the 1001st registration is ENOSPC" },
	{ "UAPI-DEV-029", "UAPI-RW-01", U, NULL, region_past_end, "config",
	  "config space: a 4-byte read or write at size - 2 is EFAULT" },
	{ "UAPI-DEV-030", "UAPI-RW-02", U, "bar", region_past_end, NULL,
	  "a BAR: a 4-byte read at size - 2 returns 2 bytes; a read at size is EINVAL" },
};

const struct conf_table conf_uapi_device_table = { cases, sizeof(cases) / sizeof(cases[0]) };
