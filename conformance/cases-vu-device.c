/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user server cases: DMA_MAP/DMA_UNMAP, DEVICE_GET_INFO, DEVICE_RESET. Expectations transcribed from the
 * vfio-user spec digest (sections 3 and 6.A); preconditions discovered over the
 * protocol, a missing one reports NOT-SUPPORTED.
 */
#define _GNU_SOURCE	/* memfd_create, pipe2 */
#include "cases-vu-common.h"

/* ---- DMA_MAP / DMA_UNMAP ------------------------------------------------------------------ */

static int dm_map_fd(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_map mp = { .argsz = sizeof(mp), .flags = DMA_READ_F | DMA_WRITE_F, .addr = MAP_BASE,
			     .size = MAP_SIZE };
	struct vd_caps caps;
	struct conf_vu_msg m;
	int fd, r;

	NEGOTIATE(ctx, &caps);
	fd = vd_memfd(ctx);
	if (fd < 0)
		return conf_harness_error(ctx, "memfd: %s", conf_errno_name(fd));
	r = vd_call_fds(ctx, CONF_VU_DMA_MAP, &mp, sizeof(mp), &fd, 1, &m);
	close(fd);
	if (conf_expect_errno(ctx, "DMA_MAP with a memfd", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.len == 0 && m.nfds == 0, "DMA_MAP reply has %u payload bytes and %u fds, want none",
			   m.len, m.nfds);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

static int dm_map_nofd(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	conf_expect_errno(ctx, "DMA_MAP without an fd", vd_map(ctx, DMA_READ_F | DMA_WRITE_F, MAP_BASE, MAP_SIZE, -1),
			  0, true);
	return conf_pass(ctx);
}

/* arg: offset of the second window from MAP_BASE (it overlaps the first). */
static int dm_overlap(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint64_t off = (uint64_t)(uintptr_t)c->arg;
	struct vd_caps caps;
	int r;

	NEGOTIATE(ctx, &caps);
	MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	/* off 0: a window enclosing the first one (never an exact duplicate,
	 * which the spec lets succeed). */
	if (off)
		r = vd_map(ctx, DMA_READ_F | DMA_WRITE_F, MAP_BASE + off, MAP_SIZE, -1);
	else
		r = vd_map(ctx, DMA_READ_F | DMA_WRITE_F, MAP_BASE - 0x1000, MAP_SIZE + 0x2000, -1);
	expect_err(ctx, "overlapping DMA_MAP", r, -EEXIST, true);
	/* The first window is intact: its exact unmap still succeeds. */
	conf_expect_errno(ctx, "DMA_UNMAP of the first window", vd_unmap(ctx, 0, MAP_BASE, MAP_SIZE), 0, true);
	return conf_pass(ctx);
}

struct dm_bad_map {
	uint32_t argsz, flags;
	uint64_t addr, size;
	size_t len;		/* payload bytes sent */
	int want;		/* 0: any error */
};

static int dm_bad_map(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct dm_bad_map *row = c->arg;
	struct vd_map mp = { .argsz = row->argsz, .flags = row->flags, .addr = row->addr, .size = row->size };
	struct vd_caps caps;
	int r;

	NEGOTIATE(ctx, &caps);
	r = vd_call(ctx, CONF_VU_DMA_MAP, &mp, row->len);
	if (row->want)
		expect_err(ctx, "DMA_MAP", r, row->want, false);
	else
		expect_any_err(ctx, "DMA_MAP", r);
	still_usable(ctx, "a refused DMA_MAP");
	return conf_pass(ctx);
}

static const struct dm_bad_map map_short_argsz = { 16, DMA_READ_F, MAP_BASE, MAP_SIZE, 32, -EINVAL };
static const struct dm_bad_map map_short_payload = { 32, DMA_READ_F, MAP_BASE, MAP_SIZE, 24, -EINVAL };
static const struct dm_bad_map map_bad_flags = { 32, 0x80000000u | DMA_READ_F, MAP_BASE, MAP_SIZE, 32, -EINVAL };
static const struct dm_bad_map map_size0 = { 32, DMA_READ_F, MAP_BASE, 0, 32, 0 };
static const struct dm_bad_map map_wrap = { 32, DMA_READ_F, ~0ull - 0xfffull, 0x2000, 32, 0 };
static const struct dm_bad_map map_mmap_nofd = { 32, DMA_READ_F | 0x4u, MAP_BASE, MAP_SIZE, 32, -EINVAL };

static int dm_unmap_exact(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_unmap u = { .argsz = sizeof(u), .addr = MAP_BASE, .size = MAP_SIZE };
	struct vd_caps caps;
	struct conf_vu_msg m;
	int r;

	NEGOTIATE(ctx, &caps);
	MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	r = conf_vu_call(ctx, CONF_VU_DMA_UNMAP, &u, sizeof(u), &m);
	if (conf_expect_errno(ctx, "exact DMA_UNMAP", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.len == sizeof(u) && !memcmp(m.payload, &u, sizeof(u)),
			   "DMA_UNMAP reply payload (%u bytes) is not the 24-byte echo of the request", m.len);
	conf_vu_msg_free(&m);
	/* It is gone: a second unmap has nothing to match. */
	expect_err(ctx, "DMA_UNMAP of the removed window", vd_unmap(ctx, 0, MAP_BASE, MAP_SIZE), -ENOENT, false);
	return conf_pass(ctx);
}

static int dm_unmap_partial(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	expect_err(ctx, "DMA_UNMAP of the first half", vd_unmap(ctx, 0, MAP_BASE, MAP_SIZE / 2), -ENOENT, false);
	expect_err(ctx, "DMA_UNMAP of a range never mapped", vd_unmap(ctx, 0, MAP_BASE * 2, MAP_SIZE), -ENOENT,
		   false);
	conf_expect_errno(ctx, "exact DMA_UNMAP after the refused ones", vd_unmap(ctx, 0, MAP_BASE, MAP_SIZE), 0,
			  true);
	return conf_pass(ctx);
}

static int dm_unmap_all(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	MAP_OK(ctx, MAP_BASE * 2, MAP_SIZE);
	conf_expect_errno(ctx, "DMA_UNMAP flags=ALL addr=size=0", vd_unmap(ctx, UNMAP_ALL, 0, 0), 0, true);
	expect_err(ctx, "DMA_UNMAP of a window ALL removed", vd_unmap(ctx, 0, MAP_BASE, MAP_SIZE), -ENOENT, false);
	/* Both windows are free again: mapping them anew succeeds. */
	conf_expect_errno(ctx, "DMA_MAP again after ALL", vd_map(ctx, DMA_READ_F, MAP_BASE * 2, MAP_SIZE, -1), 0,
			  true);
	return conf_pass(ctx);
}

struct dm_bad_unmap {
	uint32_t argsz, flags;
	uint64_t addr, size;
	size_t len;
};

static int dm_bad_unmap(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct dm_bad_unmap *row = c->arg;
	struct vd_unmap u = { .argsz = row->argsz, .flags = row->flags, .addr = row->addr, .size = row->size };
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	expect_err(ctx, "DMA_UNMAP", vd_call(ctx, CONF_VU_DMA_UNMAP, &u, row->len), -EINVAL, false);
	conf_expect_errno(ctx, "exact DMA_UNMAP afterwards (the window was kept)", vd_unmap(ctx, 0, MAP_BASE, MAP_SIZE),
			  0, true);
	return conf_pass(ctx);
}

static const struct dm_bad_unmap unmap_all_addr = { 24, UNMAP_ALL, MAP_BASE, MAP_SIZE, 24 };
static const struct dm_bad_unmap unmap_bad_flags = { 24, 0x80u, MAP_BASE, MAP_SIZE, 24 };
static const struct dm_bad_unmap unmap_short = { 24, 0, MAP_BASE, MAP_SIZE, 16 };

/* arg: number of fds on the message (2 on a DMA_MAP; 1 on a DMA_UNMAP). */
static int dm_fds_closed(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned n = (unsigned)(uintptr_t)c->arg, i, open_after = 0;
	bool unmap = n == 1;
	struct vd_map mp = { .argsz = sizeof(mp), .flags = DMA_READ_F, .addr = MAP_BASE * 2, .size = MAP_SIZE };
	struct vd_unmap u = { .argsz = sizeof(u), .addr = MAP_BASE, .size = MAP_SIZE };
	int rfd[2], wfd[2], r;
	struct vd_caps caps;
	struct conf_vu_msg m;

	NEGOTIATE(ctx, &caps);
	if (caps.max_fds < n)
		return conf_not_supported(ctx, "the server accepts fewer fds per message than the case sends");
	if (unmap)
		MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	if (conf_vu_pipes(n, rfd, wfd) < 0)
		return conf_harness_error(ctx, "pipe failed");
	if (unmap)
		r = vd_call_fds(ctx, CONF_VU_DMA_UNMAP, &u, sizeof(u), wfd, n, &m);
	else
		r = vd_call_fds(ctx, CONF_VU_DMA_MAP, &mp, sizeof(mp), wfd, n, &m);
	conf_vu_msg_free(&m);
	for (i = 0; i < n; i++)
		close(wfd[i]);
	expect_any_err(ctx, unmap ? "DMA_UNMAP with an fd" : "DMA_MAP with 2 fds", r);
	for (i = 0; i < n; i++) {
		if (!pipe_eof(rfd[i], 500))
			open_after++;
		close(rfd[i]);
	}
	conf_check(ctx, open_after == 0, "%u of %u fds still open in the server after the refusal", open_after, n);
	return conf_pass(ctx);
}

/* A failed DMA_MAP (overlap) with an fd: the server keeps no reference. */
static int dm_failed_fd_closed(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_caps caps;
	int p[2], r;

	NEGOTIATE(ctx, &caps);
	MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	if (pipe2(p, O_CLOEXEC) < 0)
		return conf_harness_error(ctx, "pipe failed");
	r = vd_map(ctx, DMA_READ_F, MAP_BASE + 0x1000, MAP_SIZE, p[1]);
	close(p[1]);
	expect_any_err(ctx, "overlapping DMA_MAP with an fd", r);
	conf_check(ctx, pipe_eof(p[0], 500), "the fd of the refused DMA_MAP is still open in the server");
	close(p[0]);
	return conf_pass(ctx);
}

/* ---- DEVICE_GET_INFO and DEVICE_RESET ---------------------------------------------------- */

static int di_info(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_info gi = { .argsz = sizeof(gi) }, rep;
	struct vd_caps caps;
	struct conf_vu_msg m;
	int r;

	NEGOTIATE(ctx, &caps);
	r = conf_vu_call(ctx, CONF_VU_GET_INFO, &gi, sizeof(gi), &m);
	if (conf_expect_errno(ctx, "GET_INFO", r, 0, true) != CONF_PASS ||
	    !conf_check(ctx, m.len == sizeof(rep), "GET_INFO reply payload %u bytes, want 16", m.len)) {
		conf_vu_msg_free(&m);
		return conf_pass(ctx);
	}
	memcpy(&rep, m.payload, sizeof(rep));
	conf_vu_msg_free(&m);
	conf_note(ctx, "argsz %u flags 0x%x num_regions %u num_irqs %u", rep.argsz, rep.flags, rep.num_regions,
		  rep.num_irqs);
	conf_check(ctx, rep.argsz == 16, "reply argsz %u, want 16", rep.argsz);
	conf_check(ctx, rep.flags & 0x2u, "reply flags 0x%x lack VFIO_DEVICE_FLAGS_PCI", rep.flags);
	conf_check(ctx, rep.num_regions >= PCI_NUM_REGIONS, "num_regions %u < 9", rep.num_regions);
	conf_check(ctx, rep.num_irqs >= PCI_NUM_IRQS, "num_irqs %u < 5", rep.num_irqs);
	return conf_pass(ctx);
}

static int di_flags_bits(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_info gi;
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	if (gi.flags & ~0x3u)
		conf_non_strict(ctx, "GET_INFO flags 0x%x use bits beyond RESET|PCI", gi.flags);
	if (gi.num_regions > 100 || gi.num_irqs > 50)
		conf_non_strict(ctx, "num_regions %u / num_irqs %u exceed what the QEMU client accepts", gi.num_regions,
				gi.num_irqs);
	return conf_pass(ctx);
}

static int di_num_irqs(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_info gi;
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	conf_check(ctx, gi.num_irqs == PCI_NUM_IRQS, "num_irqs %u, want 5 for a PCI device", gi.num_irqs);
	return conf_pass(ctx);
}

/* arg: argsz sent; payload: 16 bytes unless arg has bit 16 (then 8). */
static int di_bad(struct conf_ctx *ctx, const struct conf_case *c)
{
	uintptr_t a = (uintptr_t)c->arg;
	struct vd_info gi = { .argsz = (uint32_t)(a & 0xffff) };
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	expect_err(ctx, "GET_INFO", vd_call(ctx, CONF_VU_GET_INFO, &gi, (a >> 16) ? 8 : sizeof(gi)), -EINVAL, false);
	still_usable(ctx, "a refused GET_INFO");
	return conf_pass(ctx);
}

static int rs_reset(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint16_t before = 0, set, after = 0;
	struct vd_info gi;
	struct vd_caps caps;
	struct conf_vu_msg m;
	int r;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	if (!(gi.flags & 0x1u))
		return conf_not_supported(ctx, "GET_INFO does not report VFIO_DEVICE_FLAGS_RESET");
	/* The Command register is reset to its power-on value by a function
	 * reset; toggle Bus Master (bit 2), a bit every function implements. */
	if (cfg_read(ctx, CFG_COMMAND, &before, 2) < 0)
		return conf_harness_error(ctx, "setup: reading the Command register failed");
	set = (uint16_t)(before ^ 0x4u);
	if (cfg_write(ctx, CFG_COMMAND, &set, 2) < 0 || cfg_read(ctx, CFG_COMMAND, &after, 2) < 0)
		return conf_harness_error(ctx, "setup: writing the Command register failed");
	if (after == before)
		conf_note(ctx, "Bus Master did not toggle (0x%x); checking only the reply", before);
	r = conf_vu_call(ctx, CONF_VU_RESET, NULL, 0, &m);
	if (conf_expect_errno(ctx, "DEVICE_RESET", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.len == 0 && m.nfds == 0, "DEVICE_RESET reply carries %u bytes and %u fds", m.len,
			   m.nfds);
	conf_vu_msg_free(&m);
	if (r == 0 && after != before && cfg_read(ctx, CFG_COMMAND, &after, 2) == 0)
		conf_check(ctx, after == before, "Command 0x%x after reset, want the reset value 0x%x", after, before);
	return conf_pass(ctx);
}

static int rs_unadvertised(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_info gi;
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	if (gi.flags & 0x1u)
		return conf_not_supported(ctx, "the device reports VFIO_DEVICE_FLAGS_RESET");
	expect_any_err(ctx, "DEVICE_RESET without RESET advertised", vd_call(ctx, CONF_VU_RESET, NULL, 0));
	return conf_pass(ctx);
}

static int rs_keeps_dma(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_info gi;
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	if (!(gi.flags & 0x1u))
		return conf_not_supported(ctx, "GET_INFO does not report VFIO_DEVICE_FLAGS_RESET");
	MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	if (conf_expect_errno(ctx, "DEVICE_RESET", vd_call(ctx, CONF_VU_RESET, NULL, 0), 0, true) != CONF_PASS)
		return conf_pass(ctx);
	conf_expect_errno(ctx, "exact DMA_UNMAP after the reset (the window must survive)",
			  vd_unmap(ctx, 0, MAP_BASE, MAP_SIZE), 0, true);
	return conf_pass(ctx);
}

static int rs_payload(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct vd_info gi;
	struct vd_caps caps;
	int r;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	if (!(gi.flags & 0x1u))
		return conf_not_supported(ctx, "GET_INFO does not report VFIO_DEVICE_FLAGS_RESET");
	r = vd_call(ctx, CONF_VU_RESET, junk, sizeof(junk));
	if (is_transport_err(r))
		return conf_fail(ctx, "DEVICE_RESET with a payload: no reply (%s)", conf_errno_name(r));
	if (r < 0)
		conf_non_strict(ctx, "DEVICE_RESET with an 8-byte payload refused (%s); the payload should be ignored",
				conf_errno_name(r));
	still_usable(ctx, "DEVICE_RESET with a payload");
	return conf_pass(ctx);
}

/* ---- the table ---------------------------------------------------------------------------- */

#define S CONF_ROLE_SERVER
#define UP(v) ((const void *)(uintptr_t)(v))

static const struct conf_case cases[] = {
	{ "VU-SRV-DM-001", "VU-DM-01", S, NULL, dm_map_fd, NULL,
	  "DMA_MAP with a memfd (READ|WRITE) succeeds with a header-only reply and no fds" },
	{ "VU-SRV-DM-002", "VU-DM-02", S, NULL, dm_map_nofd, NULL, "DMA_MAP without an fd succeeds" },
	{ "VU-SRV-DM-003", "VU-DM-03", S, NULL, dm_overlap, UP(0x1000),
	  "a DMA_MAP overlapping an existing window gets EEXIST; the first window stays" },
	{ "VU-SRV-DM-004", "VU-DM-03", S, NULL, dm_overlap, UP(0),
	  "a DMA_MAP enclosing an existing window gets EEXIST; the first window stays" },
	{ "VU-SRV-DM-005", "VU-DM-04", S, NULL, dm_bad_map, &map_short_argsz, "DMA_MAP with argsz 16 gets [EINVAL]" },
	{ "VU-SRV-DM-006", "VU-DM-04", S, NULL, dm_bad_map, &map_short_payload,
	  "DMA_MAP with a 24-byte payload gets [EINVAL]" },
	{ "VU-SRV-DM-007", "VU-DM-05", S, NULL, dm_bad_map, &map_bad_flags,
	  "DMA_MAP with flag bit 31 gets [EINVAL]" },
	{ "VU-SRV-DM-008", "VU-DM-06", S, NULL, dm_bad_map, &map_size0, "DMA_MAP with size 0 gets an error" },
	{ "VU-SRV-DM-009", "VU-DM-06", S, NULL, dm_bad_map, &map_wrap,
	  "DMA_MAP whose addr + size overflows u64 gets an error" },
	{ "VU-SRV-DM-010", "VU-MP-04", S, NULL, dm_bad_map, &map_mmap_nofd,
	  "DMA_MAP with access-mode bit 2 and no fd gets [EINVAL]" },
	{ "VU-SRV-DM-011", "VU-DM-08", S, NULL, dm_unmap_exact, NULL,
	  "exact DMA_UNMAP succeeds with the 24-byte echo; a second one finds nothing [ENOENT]" },
	{ "VU-SRV-DM-012", "VU-DM-09", S, NULL, dm_unmap_partial, NULL,
	  "partial and non-matching DMA_UNMAP get [ENOENT]; the window stays for an exact unmap" },
	{ "VU-SRV-DM-013", "VU-UM-01", S, NULL, dm_unmap_all, NULL,
	  "DMA_UNMAP flags=ALL addr=size=0 removes every window" },
	{ "VU-SRV-DM-014", "VU-DM-10", S, NULL, dm_bad_unmap, &unmap_all_addr,
	  "DMA_UNMAP ALL with addr != 0 gets [EINVAL] and the window stays" },
	{ "VU-SRV-DM-015", "VU-DM-12", S, NULL, dm_bad_unmap, &unmap_bad_flags,
	  "DMA_UNMAP with unknown flag 0x80 gets [EINVAL] and the window stays" },
	{ "VU-SRV-DM-016", "VU-UM-03", S, NULL, dm_bad_unmap, &unmap_short,
	  "DMA_UNMAP with a 16-byte payload gets [EINVAL] and the window stays" },
	{ "VU-SRV-DM-017", "VU-MP-02", S, NULL, dm_fds_closed, UP(2),
	  "DMA_MAP with 2 fds gets an error and both fds are closed" },
	{ "VU-SRV-DM-018", "VU-UM-05", S, NULL, dm_fds_closed, UP(1),
	  "DMA_UNMAP with an fd attached gets an error and the fd is closed" },
	{ "VU-SRV-DM-019", "VU-MP-07", S, NULL, dm_failed_fd_closed, NULL,
	  "the fd of a refused (overlapping) DMA_MAP is closed" },
	{ "VU-SRV-DI-001", "VU-RI-01", S, NULL, di_info, NULL,
	  "GET_INFO: 16-byte reply, argsz 16, PCI flag, num_regions >= 9, num_irqs >= 5" },
	{ "VU-SRV-DI-002", "VU-RI-02", S, NULL, di_bad, UP(8), "GET_INFO with argsz 8 gets [EINVAL]" },
	{ "VU-SRV-DI-003", "VU-RI-02", S, NULL, di_bad, UP(16 | (1u << 16)),
	  "GET_INFO with an 8-byte payload gets [EINVAL]" },
	{ "VU-SRV-DI-004", "VU-DI-02", S, NULL, di_flags_bits, NULL,
	  "GET_INFO flags use only RESET|PCI; num_regions <= 100, num_irqs <= 50" },
	{ "VU-SRV-DI-005", "VU-DI-04", S, NULL, di_num_irqs, NULL, "GET_INFO num_irqs is 5 for PCI" },
	{ "VU-SRV-RS-001", "VU-RS-01", S, NULL, rs_reset, NULL,
	  "DEVICE_RESET (when advertised) gets a header-only reply and Command returns to its reset value" },
	{ "VU-SRV-RS-002", "VU-RST-01", S, NULL, rs_unadvertised, NULL,
	  "DEVICE_RESET without the RESET flag gets an error" },
	{ "VU-SRV-RS-003", "VU-RST-02", S, NULL, rs_keeps_dma, NULL, "a DMA window survives DEVICE_RESET" },
	{ "VU-SRV-RS-004", "VU-RST-03", S, NULL, rs_payload, NULL, "DEVICE_RESET with an 8-byte payload succeeds" },
};

#undef S
#undef UP

const struct conf_table conf_vu_device_table = { cases, sizeof(cases) / sizeof(cases[0]) };
