/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user server cases: GET_REGION_INFO, REGION_READ/REGION_WRITE. Expectations transcribed from the
 * vfio-user spec digest (sections 3 and 6.A); preconditions discovered over the
 * protocol, a missing one reports NOT-SUPPORTED.
 */
#define _GNU_SOURCE	/* memfd_create, pipe2 */
#include "cases-vu-common.h"

/* ---- GET_REGION_INFO ------------------------------------------------------------------------ */

/* Walk the capability chain of a full reply: bounds, forward links, version
 * 1 for known ids, sparse areas inside the region. Sets *@has_type. */
static void ri_check_chain(struct conf_ctx *ctx, const struct vd_region *h, const uint8_t *p, uint32_t len,
			   bool *has_type)
{
	uint32_t off = h->cap_offset, n = 0;

	*has_type = false;
	if (!(h->flags & RI_CAPS))
		return;
	if (!conf_check(ctx, off >= sizeof(*h), "region %u: CAPS set with cap_offset %u < 32", h->index, off))
		return;
	while (off && n++ < 64) {
		uint16_t id, ver;
		uint32_t next;

		if (!conf_check(ctx, (uint64_t)off + 8 <= len && off + 8 <= h->argsz,
				"region %u: capability at %u past the reply (%u bytes, argsz %u)", h->index, off, len,
				h->argsz))
			return;
		memcpy(&id, p + off, 2);
		memcpy(&ver, p + off + 2, 2);
		memcpy(&next, p + off + 4, 4);
		if (id >= 1 && id <= 3)
			conf_check(ctx, ver == 1, "region %u: capability id %u version %u, want 1", h->index, id, ver);
		if (id == 2) {
			*has_type = true;
			conf_check(ctx, (uint64_t)off + 16 <= len, "region %u: TYPE capability truncated", h->index);
		}
		if (id == 1 && conf_check(ctx, (uint64_t)off + 16 <= len, "region %u: SPARSE_MMAP truncated", h->index)) {
			uint32_t na, i;

			memcpy(&na, p + off + 8, 4);
			if (conf_check(ctx, (uint64_t)off + 16 + 16ull * na <= len,
				       "region %u: SPARSE_MMAP with %u areas does not fit the reply", h->index, na))
				for (i = 0; i < na; i++) {
					uint64_t ao, as;

					memcpy(&ao, p + off + 16 + 16 * i, 8);
					memcpy(&as, p + off + 24 + 16 * i, 8);
					conf_check(ctx, ao <= h->size && as <= h->size - ao,
						   "region %u: sparse area [0x%llx, +0x%llx) outside size 0x%llx",
						   h->index, (unsigned long long)ao, (unsigned long long)as,
						   (unsigned long long)h->size);
				}
		}
		if (next && !conf_check(ctx, next > off, "region %u: capability next %u does not advance past %u",
					h->index, next, off))
			return;
		off = next;
	}
	conf_check(ctx, n <= 64, "region %u: capability chain longer than 64", h->index);
}

/* arg: 0 = index echo / fds (RI-03), 1 = chain (RI-05), 2 = size-0 regions
 * (RG-03), 3 = TYPE on index >= 9 (RI-07). */
static int ri_each(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned what = (unsigned)(uintptr_t)c->arg, seen = 0;
	struct vd_info gi;
	struct vd_caps caps;
	uint32_t i;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	if (gi.num_regions > 100)
		gi.num_regions = 100;
	for (i = 0; i < gi.num_regions; i++) {
		struct conf_vu_msg m;
		struct vd_region h;
		bool has_type;
		int r = vd_region_full(ctx, i, &m);

		if (r < 0 || m.len < sizeof(h)) {
			conf_fail(ctx, "GET_REGION_INFO %u: %s", i, r < 0 ? conf_errno_name(r) : "short reply");
			conf_vu_msg_free(&m);
			continue;
		}
		memcpy(&h, m.payload, sizeof(h));
		conf_note(ctx, "region %u: argsz %u flags 0x%x size 0x%llx cap_offset %u fds %u", i, h.argsz, h.flags,
			  (unsigned long long)h.size, h.cap_offset, m.nfds);
		if (what == 0) {
			conf_check(ctx, h.index == i, "region %u: reply index %u", i, h.index);
			conf_check(ctx, h.flags & RI_MMAP ? m.nfds == 1 : true,
				   "region %u: MMAP set, full reply carries %u fds, want 1", i, m.nfds);
			conf_check(ctx, m.len >= h.argsz || h.argsz > 65536,
				   "region %u: full reply payload %u < its argsz %u", i, m.len, h.argsz);
		} else if (what == 1) {
			ri_check_chain(ctx, &h, m.payload, m.len, &has_type);
		} else if (what == 2 && h.size == 0) {
			seen++;
			conf_check(ctx, !(h.flags & (RI_MMAP | RI_CAPS)), "region %u: size 0 with flags 0x%x (MMAP/CAPS)", i,
				   h.flags);
		} else if (what == 3 && i >= PCI_NUM_REGIONS) {
			seen++;
			ri_check_chain(ctx, &h, m.payload, m.len, &has_type);
			if (!has_type)
				conf_non_strict(ctx, "region %u (device-specific) carries no TYPE capability", i);
		}
		conf_vu_msg_free(&m);
	}
	if (what == 2 && !seen)
		return conf_not_supported(ctx, "every region of the device has a size");
	if (what == 3 && !seen)
		return conf_not_supported(ctx, "num_regions is 9: no device-specific region");
	return conf_pass(ctx);
}

static int ri_small_argsz(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_info gi;
	struct vd_caps caps;
	uint32_t i;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	if (gi.num_regions > 100)
		gi.num_regions = 100;
	for (i = 0; i < gi.num_regions; i++) {
		struct conf_vu_msg m;
		struct vd_region h;
		int r = vd_region_info(ctx, i, sizeof(h), &m);

		if (r < 0 || m.len < sizeof(h)) {
			conf_vu_msg_free(&m);
			continue;
		}
		memcpy(&h, m.payload, sizeof(h));
		if (h.argsz <= sizeof(h)) {
			conf_vu_msg_free(&m);
			continue;
		}
		conf_note(ctx, "region %u needs argsz %u", i, h.argsz);
		conf_check(ctx, m.len == sizeof(h), "region %u: argsz-32 reply payload %u bytes, want exactly 32", i, m.len);
		conf_check(ctx, !(h.flags & RI_CAPS), "region %u: argsz-32 reply has CAPS set", i);
		if (h.flags & RI_MMAP && m.nfds)
			conf_note(ctx, "region %u: fd sent with the truncated reply (allowed)", i);
		conf_vu_msg_free(&m);
		return conf_pass(ctx);
	}
	return conf_not_supported(ctx, "no region has a capability chain");
}

/* arg: 0 index = num_regions; 1 argsz 16; 2 payload 16 bytes. */
static int ri_bad(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned what = (unsigned)(uintptr_t)c->arg;
	struct vd_region ri = { .argsz = sizeof(ri), .index = CFG_REGION };
	struct vd_info gi;
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	if (what == 0)
		ri.index = gi.num_regions;
	if (what == 1)
		ri.argsz = 16;
	expect_err(ctx, "GET_REGION_INFO",
		   vd_call(ctx, CONF_VU_GET_REGION_INFO, &ri, what == 2 ? 16 : sizeof(ri)), -EINVAL, false);
	still_usable(ctx, "a refused GET_REGION_INFO");
	return conf_pass(ctx);
}

static int ri_config(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_caps caps;
	struct conf_vu_msg m;
	struct vd_region h;
	int r;

	NEGOTIATE(ctx, &caps);
	r = vd_region_full(ctx, CFG_REGION, &m);
	if (r < 0 || m.len < sizeof(h)) {
		conf_vu_msg_free(&m);
		return conf_fail(ctx, "GET_REGION_INFO 7: %s", r < 0 ? conf_errno_name(r) : "short reply");
	}
	memcpy(&h, m.payload, sizeof(h));
	conf_vu_msg_free(&m);
	conf_check(ctx, (h.flags & (RI_READ | RI_WRITE)) == (RI_READ | RI_WRITE),
		   "config region flags 0x%x, want READ|WRITE", h.flags);
	conf_check(ctx, !(h.flags & RI_MMAP), "config region has MMAP (flags 0x%x)", h.flags);
	conf_check(ctx, h.size >= 256, "config region size 0x%llx < 256", (unsigned long long)h.size);
	return conf_pass(ctx);
}

static int ri_mmap_fd(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_info gi;
	struct vd_caps caps;
	uint32_t i;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	for (i = 0; i < PCI_NUM_REGIONS && i < gi.num_regions; i++) {
		struct conf_vu_msg m;
		struct vd_region h;
		uint32_t word = 0, mword;
		void *p;
		int r = vd_region_full(ctx, i, &m);

		if (r < 0 || m.len < sizeof(h)) {
			conf_vu_msg_free(&m);
			continue;
		}
		memcpy(&h, m.payload, sizeof(h));
		if (!(h.flags & RI_MMAP) || h.size < 4 || i == CFG_REGION) {
			conf_vu_msg_free(&m);
			continue;
		}
		if (!conf_check(ctx, m.nfds == 1, "region %u: MMAP set, the full reply carries %u fds", i, m.nfds)) {
			conf_vu_msg_free(&m);
			return conf_pass(ctx);
		}
		/* Only the first page: a sparse chain may leave the rest trapped. */
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, m.fds[0], (off_t)h.offset);
		if (p == MAP_FAILED) {
			conf_vu_msg_free(&m);
			conf_non_strict(ctx, "region %u: mmap of the fd at offset 0x%llx failed", i,
					(unsigned long long)h.offset);
			return conf_pass(ctx);
		}
		memcpy(&mword, p, 4);
		munmap(p, 4096);
		conf_vu_msg_free(&m);
		{
			struct vd_access a = { .offset = 0, .region = i, .count = 4 };
			struct conf_vu_msg rm;

			r = conf_vu_call(ctx, CONF_VU_REGION_READ, &a, sizeof(a), &rm);
			if (conf_expect_errno(ctx, "REGION_READ of an MMAP region", r, 0, true) == CONF_PASS &&
			    conf_check(ctx, rm.len == 20, "REGION_READ reply %u bytes, want 20", rm.len)) {
				memcpy(&word, rm.payload + 16, 4);
				conf_check(ctx, word == mword, "region %u: mmap reads 0x%x, REGION_READ 0x%x", i, mword,
					   word);
			}
			conf_vu_msg_free(&rm);
		}
		return conf_pass(ctx);
	}
	return conf_not_supported(ctx, "no region 0-8 has the MMAP flag");
}

/* ---- REGION_READ / REGION_WRITE --------------------------------------------------------- */

static int ra_config_ids(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_access a = { .offset = 0, .region = CFG_REGION, .count = 4 };
	struct vd_caps caps;
	struct conf_vu_msg m;
	uint16_t ids[2];
	int r;

	NEGOTIATE(ctx, &caps);
	r = conf_vu_call(ctx, CONF_VU_REGION_READ, &a, sizeof(a), &m);
	if (conf_expect_errno(ctx, "REGION_READ config 0 count 4", r, 0, true) != CONF_PASS ||
	    !conf_check(ctx, m.len == 20, "reply payload %u bytes, want 16 + 4", m.len)) {
		conf_vu_msg_free(&m);
		return conf_pass(ctx);
	}
	conf_check(ctx, !memcmp(m.payload, &a, sizeof(a)), "reply offset/region/count do not echo the request");
	memcpy(ids, m.payload + 16, 4);
	conf_vu_msg_free(&m);
	conf_note(ctx, "vendor 0x%04x device 0x%04x", ids[0], ids[1]);
	conf_check(ctx, ids[0] != 0xffff && ids[0] != 0, "vendor id 0x%04x: no function answers", ids[0]);
	/* The built-in server serves the profile: the same device built in the
	 * kernel-uAPI model reports the configured ids through its device fd. */
	if (!ctx->target->socket_path && ctx->target->profile) {
		uint16_t want[2];

		int verdict = ctx->verdict;

		if (conf_uapi_target_up(ctx) < 0)
			return conf_harness_error(ctx, "cannot build the profile's device in the uAPI model");
		/* A setup problem of the model is the harness's, not the server's. */
		conf_uapi_setup(ctx, CONF_UAPI_DEVICE);
		r = ctx->u.device >= 0 ? conf_uapi_cfg_read(ctx, 0, want, 4) : -ENODEV;
		conf_uapi_target_down(ctx);
		ctx->verdict = verdict;
		if (r != 0)
			return conf_harness_error(ctx, "reading the profile device's ids through the uAPI model failed");
		conf_check(ctx, ids[0] == want[0] && ids[1] == want[1], "ids %04x:%04x, the device reports %04x:%04x",
			   ids[0], ids[1], want[0], want[1]);
	}
	return conf_pass(ctx);
}

static int ra_write_echo(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint8_t p[17], back = 0;
	struct vd_access a = { .offset = CFG_INTERRUPT_LINE, .region = CFG_REGION, .count = 1 };
	struct vd_caps caps;
	struct conf_vu_msg m;
	uint8_t old = 0, val;
	int r;

	NEGOTIATE(ctx, &caps);
	if (cfg_read(ctx, CFG_INTERRUPT_LINE, &old, 1) < 0)
		return conf_harness_error(ctx, "setup: reading Interrupt Line failed");
	val = (uint8_t)(old ^ 0x5a);
	memcpy(p, &a, sizeof(a));
	p[16] = val;
	r = conf_vu_call(ctx, CONF_VU_REGION_WRITE, p, sizeof(p), &m);
	if (conf_expect_errno(ctx, "REGION_WRITE Interrupt Line", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.len == 16 && !memcmp(m.payload, &a, 16),
			   "REGION_WRITE reply payload %u bytes, want the 16-byte echo", m.len);
	conf_vu_msg_free(&m);
	if (r == 0 && cfg_read(ctx, CFG_INTERRUPT_LINE, &back, 1) == 0)
		conf_check(ctx, back == val, "Interrupt Line reads 0x%02x after writing 0x%02x", back, val);
	return conf_pass(ctx);
}

static int ra_too_big(struct conf_ctx *ctx, const struct conf_case *c)
{
	bool write = c->arg != NULL;
	struct vd_access a = { .region = CFG_REGION };
	struct vd_caps caps;
	uint8_t *buf;
	int r;

	NEGOTIATE(ctx, &caps);
	if (caps.max_xfer >= (16u << 20))
		return conf_not_supported(ctx, "the server's max_data_xfer_size is above what the suite sends");
	a.count = (uint32_t)caps.max_xfer + 1;
	if (!write) {
		expect_err(ctx, "REGION_READ count max_data_xfer_size + 1", vd_call(ctx, CONF_VU_REGION_READ, &a, 16),
			   -EINVAL, false);
		still_usable(ctx, "an oversized REGION_READ");
		return conf_pass(ctx);
	}
	buf = calloc(1, 16 + (size_t)a.count);
	if (!buf)
		return conf_harness_error(ctx, "out of memory");
	memcpy(buf, &a, sizeof(a));
	r = vd_call(ctx, CONF_VU_REGION_WRITE, buf, 16 + (size_t)a.count);
	free(buf);
	if (r == -ECONNRESET) {
		conf_note(ctx, "the server closed the connection on the oversized message (allowed)");
		return conf_pass(ctx);
	}
	expect_err(ctx, "REGION_WRITE count max_data_xfer_size + 1", r, -EINVAL, false);
	return conf_pass(ctx);
}

struct ra_bad_row {
	uint64_t offset;
	bool at_end;		/* offset = config region size - 2 (discovered) */
	uint32_t region;	/* ~0: num_regions */
	uint32_t count;
	bool write;
	int data_len;		/* bytes of data sent on a write */
};

static int ra_bad(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct ra_bad_row *row = c->arg;
	struct vd_access a = { .offset = row->offset, .region = row->region, .count = row->count };
	uint8_t buf[16 + 16] = { 0 };
	struct vd_info gi;
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	if (row->region == ~0u)
		a.region = gi.num_regions;
	if (row->at_end) {
		struct conf_vu_msg m;
		struct vd_region h;
		int r = vd_region_info(ctx, CFG_REGION, sizeof(h), &m);

		if (r < 0 || m.len < sizeof(h)) {
			conf_vu_msg_free(&m);
			return conf_harness_error(ctx, "setup: GET_REGION_INFO 7 failed");
		}
		memcpy(&h, m.payload, sizeof(h));
		conf_vu_msg_free(&m);
		a.offset = h.size - 2;	/* count 4 from here runs 2 bytes past the end */
	}
	memcpy(buf, &a, sizeof(a));
	expect_err(ctx, row->write ? "REGION_WRITE" : "REGION_READ",
		   vd_call(ctx, row->write ? CONF_VU_REGION_WRITE : CONF_VU_REGION_READ, buf,
			   16 + (size_t)(row->write ? row->data_len : 0)), -EINVAL, false);
	still_usable(ctx, "a refused region access");
	return conf_pass(ctx);
}

static const struct ra_bad_row ra_past_end = { 0, true, CFG_REGION, 4, false, 0 };
static const struct ra_bad_row ra_wrap = { ~0ull, false, CFG_REGION, 2, false, 0 };
static const struct ra_bad_row ra_bad_region = { 0, false, ~0u, 4, false, 0 };
static const struct ra_bad_row ra_short_data = { CFG_INTERRUPT_LINE, false, CFG_REGION, 4, true, 1 };
static const struct ra_bad_row ra_long_data = { CFG_INTERRUPT_LINE, false, CFG_REGION, 1, true, 4 };

static int ra_count_zero(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_access a = { .offset = 0, .region = CFG_REGION, .count = 0 };
	struct vd_caps caps;
	struct conf_vu_msg m;
	int r;

	NEGOTIATE(ctx, &caps);
	r = conf_vu_call(ctx, CONF_VU_REGION_READ, &a, sizeof(a), &m);
	if (conf_expect_errno(ctx, "REGION_READ count 0", r, 0, true) == CONF_PASS && m.len != 16)
		conf_non_strict(ctx, "count-0 reply payload %u bytes; a conformant server echoes the 16 bytes", m.len);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

/* Odd sizes at odd offsets: the reply count is what was transferred, never
 * more than asked, and the data is 16 + count. */
static int ra_sizes(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint32_t counts[] = { 1, 2, 3, 4, 5, 7, 8, 13, 64 };
	struct vd_caps caps;
	size_t i;

	NEGOTIATE(ctx, &caps);
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct vd_access a = { .offset = 1 + i, .region = CFG_REGION, .count = counts[i] }, e;
		struct conf_vu_msg m;
		int r = conf_vu_call(ctx, CONF_VU_REGION_READ, &a, sizeof(a), &m);

		if (conf_expect_errno(ctx, "REGION_READ", r, 0, true) == CONF_PASS &&
		    conf_check(ctx, m.len >= 16, "REGION_READ reply of %u bytes", m.len)) {
			memcpy(&e, m.payload, sizeof(e));
			conf_check(ctx, e.count <= a.count && m.len == 16 + e.count && e.offset == a.offset &&
					e.region == a.region,
				   "read of %u at 0x%llx: reply offset 0x%llx region %u count %u payload %u", a.count,
				   (unsigned long long)a.offset, (unsigned long long)e.offset, e.region, e.count, m.len);
		}
		conf_vu_msg_free(&m);
	}
	return conf_pass(ctx);
}

/* ---- the table ---------------------------------------------------------------------------- */

#define S CONF_ROLE_SERVER
#define UP(v) ((const void *)(uintptr_t)(v))

static const struct conf_case cases[] = {
	{ "VU-SRV-RI-001", "VU-RI-03", S, NULL, ri_each, UP(0),
	  "GET_REGION_INFO of every region echoes the index; MMAP regions carry one fd at full argsz" },
	{ "VU-SRV-RI-002", "VU-RI-04", S, NULL, ri_small_argsz, NULL,
	  "argsz 32 on a region with caps: 32-byte payload, larger argsz, no CAPS" },
	{ "VU-SRV-RI-003", "VU-RI-05", S, NULL, ri_each, UP(1),
	  "every capability chain is in bounds, forward-only, version 1, sparse areas inside the region" },
	{ "VU-SRV-RI-004", "VU-RI-06", S, NULL, ri_bad, UP(0), "GET_REGION_INFO index num_regions gets [EINVAL]" },
	{ "VU-SRV-RI-005", "VU-RI-06", S, NULL, ri_bad, UP(1), "GET_REGION_INFO with argsz 16 gets [EINVAL]" },
	{ "VU-SRV-RI-006", "VU-RI-06", S, NULL, ri_bad, UP(2),
	  "GET_REGION_INFO with a 16-byte payload gets [EINVAL]" },
	{ "VU-SRV-RI-007", "VU-RG-03", S, NULL, ri_each, UP(2), "absent (size 0) regions have no MMAP and no caps" },
	{ "VU-SRV-RI-008", "VU-RI-07", S, NULL, ri_each, UP(3), "device-specific regions (>= 9) carry a TYPE cap" },
	{ "VU-SRV-RI-009", "VU-RG-06", S, NULL, ri_config, NULL,
	  "the config region is READ|WRITE, not MMAP, at least 256 bytes" },
	{ "VU-SRV-RI-010", "VU-RI-08", S, NULL, ri_mmap_fd, NULL,
	  "the fd of an MMAP region maps at its offset and reads as REGION_READ does" },
	{ "VU-SRV-RA-001", "VU-RA-01", S, NULL, ra_config_ids, NULL,
	  "REGION_READ config 0 count 4: echo and the ids the device reports" },
	{ "VU-SRV-RA-002", "VU-RA-02", S, NULL, ra_write_echo, NULL,
	  "REGION_WRITE Interrupt Line: 16-byte echo, then the read sees it" },
	{ "VU-SRV-RA-003", "VU-RA-03", S, NULL, ra_too_big, NULL,
	  "REGION_READ count max_data_xfer_size + 1 gets [EINVAL]" },
	{ "VU-SRV-RA-004", "VU-RA-03", S, NULL, ra_too_big, UP(1),
	  "REGION_WRITE count max_data_xfer_size + 1 gets [EINVAL] or a close" },
	{ "VU-SRV-RA-005", "VU-RA-04", S, NULL, ra_bad, &ra_past_end,
	  "REGION_READ of 4 bytes at config size - 2 gets [EINVAL]" },
	{ "VU-SRV-RA-006", "VU-RA-04", S, NULL, ra_bad, &ra_wrap,
	  "REGION_READ offset 2^64-1 count 2 gets [EINVAL]" },
	{ "VU-SRV-RA-007", "VU-RA-05", S, NULL, ra_bad, &ra_bad_region,
	  "REGION_READ of region num_regions gets [EINVAL]" },
	{ "VU-SRV-RA-008", "VU-RA-05", S, NULL, ra_bad, &ra_short_data,
	  "REGION_WRITE count 4 with 1 data byte gets [EINVAL]" },
	{ "VU-SRV-RA-009", "VU-RA-05", S, NULL, ra_bad, &ra_long_data,
	  "REGION_WRITE count 1 with 4 data bytes gets [EINVAL]" },
	{ "VU-SRV-RA-010", "VU-RA-07", S, NULL, ra_count_zero, NULL,
	  "REGION_READ count 0 succeeds (echoing 16 bytes)" },
	{ "VU-SRV-RA-011", "VU-RW-02", S, NULL, ra_sizes, NULL,
	  "config reads of 1..64 bytes at odd offsets echo offset/region and count <= asked" },
};

#undef S
#undef UP

const struct conf_table conf_vu_region_table = { cases, sizeof(cases) / sizeof(cases[0]) };
