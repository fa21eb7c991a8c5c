/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cases of cases-vu-extra.c, included once: DMA_MAP/UNMAP replies, the
 * command table, REGION_WRITE_MULTI, region capability chains and layouts,
 * ioregionfd entries and region access.
 */
#ifndef VFSIM_CASES_VU_EXTRA_RG_H
#define VFSIM_CASES_VU_EXTRA_RG_H

/* ---- DMA_MAP/UNMAP (MP, UM), commands (CMD), write-multi (WM) --------------------------------- */

static int mp_reply(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_map mp = { .argsz = 32, .flags = DMA_READ_F | DMA_WRITE_F, .addr = MAP_BASE, .size = MAP_SIZE };
	struct vd_caps caps;
	unsigned k;
	int fd;

	NEGOTIATE(ctx, &caps);
	fd = vd_memfd(ctx);
	for (k = 0; k < 2; k++) {
		struct conf_vu_msg m;
		bool withfd = k == 1 && fd >= 0 && caps.max_fds >= 1;
		int r;

		if (k == 1 && !withfd)
			break;
		mp.addr = MAP_BASE * (k + 1);
		r = vd_call_fds(ctx, CONF_VU_DMA_MAP, &mp, sizeof(mp), &fd, withfd ? 1 : 0, &m);
		if (conf_expect_errno(ctx, withfd ? "DMA_MAP with a memfd" : "DMA_MAP without an fd", r, 0, true) ==
		    CONF_PASS)
			conf_check(ctx, m.len == 0 && m.nfds == 0 && m.hdr.size == 16, "DMA_MAP reply msg_size %u, %u "
				   "payload bytes, %u fds: want header only", m.hdr.size, m.len, m.nfds);
		conf_vu_msg_free(&m);
	}
	if (fd >= 0)
		close(fd);
	return conf_pass(ctx);
}

static int um_partial(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const struct {
		int64_t d;
		uint64_t size;
	} bad[] = { { -0x1000, MAP_SIZE + 0x2000 }, { 0x1000, 0x1000 }, { MAP_SIZE / 2, MAP_SIZE / 2 },
		    { 0, MAP_SIZE + 0x1000 }, { 0x1000, MAP_SIZE } };
	struct vd_caps caps;
	size_t i;

	NEGOTIATE(ctx, &caps);
	MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char what[96];

		snprintf(what, sizeof(what), "DMA_UNMAP [base%+lld, +0x%llx) of window [base, +0x%llx)",
			 (long long)bad[i].d, (unsigned long long)bad[i].size, (unsigned long long)MAP_SIZE);
		expect_any_err(ctx, what, vd_unmap(ctx, 0, MAP_BASE + (uint64_t)bad[i].d, bad[i].size));
	}
	conf_expect_errno(ctx, "exact DMA_UNMAP after the refused ones", vd_unmap(ctx, 0, MAP_BASE, MAP_SIZE), 0, true);
	return conf_pass(ctx);
}

/* CMD-02: numbers as the 0.9.2 table has them; 14 reserved, 11/12 server-to-client. */
static int cmd_table(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint16_t refused[] = { 14, CONF_VU_DMA_READ, CONF_VU_DMA_WRITE, 19 };
	uint32_t dp[4] = { 8, 1, 0, 0 }, ii[4] = { 16, 0, 0, 0 };
	struct vd_caps caps;
	struct conf_vu_msg m;
	size_t i;
	int r;

	NEGOTIATE(ctx, &caps);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char what[48];

		snprintf(what, sizeof(what), "command %u from the client", refused[i]);
		expect_any_err(ctx, what, vd_call(ctx, refused[i], dp, 16));
	}
	r = conf_vu_call(ctx, 4, ii, 16, &m);
	if (conf_expect_errno(ctx, "command 4 (DEVICE_GET_INFO)", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.len == 16 && m.payload[4] & 2, "command 4 reply is not a 16-byte PCI device info");
	conf_vu_msg_free(&m);
	r = conf_vu_call(ctx, 7, ii, 16, &m);
	if (conf_expect_errno(ctx, "command 7 (GET_IRQ_INFO index 0)", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.len == 16, "command 7 reply %u bytes, want a 16-byte IRQ info", m.len);
	conf_vu_msg_free(&m);
	still_usable(ctx, "the refused commands");
	return conf_pass(ctx);
}

struct wm_one {
	uint64_t offset;
	uint32_t region, count;
	uint8_t data[8];
} __attribute__((packed));

/* REGION_WRITE_MULTI of @n one-byte writes of @vals to the Interrupt Line. */
static int wm_send(struct conf_ctx *ctx, const uint8_t *vals, unsigned n, struct conf_vu_msg *m)
{
	uint8_t p[8 + 3 * sizeof(struct wm_one)];
	uint64_t cnt = n;
	unsigned i;

	memcpy(p, &cnt, 8);
	for (i = 0; i < n; i++) {
		struct wm_one w = { .offset = CFG_INTERRUPT_LINE, .region = CFG_REGION, .count = 1, .data = { vals[i] } };

		memcpy(p + 8 + i * sizeof(w), &w, sizeof(w));
	}
	return conf_vu_call(ctx, CONF_VU_REGION_WRITE_MULTI, p, 8 + n * sizeof(struct wm_one), m);
}

static bool wm_advertised(struct conf_ctx *ctx, int *ret)
{
	struct json_object *top = NULL, *cj, *v;
	struct conf_vu_msg m;
	bool wm = false;

	*ret = conf_vu_version(ctx, 0, 0, "{\"capabilities\":{\"max_msg_fds\":1,\"write_multiple\":true}}", &m);
	if (*ret == 0 && m.len > 4 && memchr(m.payload + 4, 0, m.len - 4))
		top = json_tokener_parse((const char *)m.payload + 4);
	if (top && json_object_object_get_ex(top, "capabilities", &cj) &&
	    json_object_object_get_ex(cj, "write_multiple", &v) && json_object_is_type(v, json_type_boolean))
		wm = json_object_get_boolean(v);
	json_object_put(top);
	conf_vu_msg_free(&m);
	return wm;
}

/* WM-01 (arg 0): refused when not advertised; WM-01 (arg 1) / WMX-03 (arg 2):
 * when advertised (the built-in server is configured to), wr_cnt writes in
 * order and a reply of wr_cnt u64. */
static int wm_case(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint8_t vals[3] = { 0x11, 0x22, 0x33 };
	unsigned what = (unsigned)(uintptr_t)c->arg, n = what == 2 ? 1 : 3;
	struct vfsim_vu_server_config cfg = { .write_multiple = true };
	uint8_t before = 0, after = 0;
	struct conf_vu_msg m;
	uint64_t cnt = 0;
	int r;

	if (what && !ctx->target->socket_path && conf_vu_serve_reconnectable(ctx, &cfg) < 0)
		return conf_harness_error(ctx, "setup: a built-in server with write_multiple failed");
	if (wm_advertised(ctx, &r) != (what != 0))
		return conf_not_supported(ctx, what ? "the server does not advertise write_multiple" :
					  "the server advertises write_multiple: nothing to refuse");
	if (r < 0)
		return conf_harness_error(ctx, "setup: VERSION: %s", conf_errno_name(r));
	cfg_read(ctx, CFG_INTERRUPT_LINE, &before, 1);
	r = wm_send(ctx, what ? vals : (const uint8_t *)"\x5a", what ? n : 1, &m);
	if (r == 0 && m.len == 8)
		memcpy(&cnt, m.payload, 8);
	conf_vu_msg_free(&m);
	cfg_read(ctx, CFG_INTERRUPT_LINE, &after, 1);
	if (!what) {
		expect_any_err(ctx, "REGION_WRITE_MULTI without write_multiple advertised", r);
		conf_check(ctx, after == before, "the refused REGION_WRITE_MULTI changed Interrupt Line 0x%x -> 0x%x",
			   before, after);
	} else if (conf_expect_errno(ctx, "REGION_WRITE_MULTI", r, 0, true) == CONF_PASS) {
		conf_check(ctx, cnt == n, "REGION_WRITE_MULTI of %u writes replied wr_cnt %llu, want %u (8-byte u64)", n,
			   (unsigned long long)cnt, n);
		conf_check(ctx, after == vals[n - 1], "after %u writes 0x11, 0x22, 0x33 in order Interrupt Line reads "
			   "0x%x, want 0x%x", n, after, vals[n - 1]);
	}
	return conf_pass(ctx);
}

/* ---- regions (RG, IOF, RW) ---------------------------------------------------------------------- */

/* One region's full info (NULL payload when the call failed). */
static int rg_get(struct conf_ctx *ctx, uint32_t i, struct vd_region *h, struct conf_vu_msg *m)
{
	int r = vd_region_full(ctx, i, m);

	if (r == 0 && m->len < sizeof(*h))
		r = -EPROTO;
	if (r == 0)
		memcpy(h, m->payload, sizeof(*h));
	return r;
}

/* RG-02 (arg 0), RG-07 (arg 1), RG-08 (arg 2): the capability chain of
 * every region's full reply. */
static int rg_chain(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned what = (unsigned)(uintptr_t)c->arg;
	struct vd_caps caps;
	struct vd_info gi;
	uint32_t i;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	for (i = 0; i < gi.num_regions && i < 64; i++) {
		uint32_t off, sum = 0, n = 0, ncap = 0;
		bool known = true;
		struct vd_region h = { 0 };
		struct conf_vu_msg m;

		if (rg_get(ctx, i, &h, &m) < 0) {
			conf_vu_msg_free(&m);
			continue;
		}
		conf_check(ctx, m.len == h.argsz, "region %u: reply %u bytes, argsz %u", i, m.len, h.argsz);
		if (!(h.flags & RI_CAPS)) {
			if (what == 0)
				conf_check(ctx, h.argsz == 32 && h.cap_offset == 0, "region %u: no CAPS but argsz %u "
					   "cap_offset %u (want 32, 0)", i, h.argsz, h.cap_offset);
			conf_vu_msg_free(&m);
			continue;
		}
		if (!conf_check(ctx, h.cap_offset >= 32 && h.cap_offset < m.len, "region %u: CAPS with cap_offset %u "
				"outside [32, %u)", i, h.cap_offset, m.len)) {
			conf_vu_msg_free(&m);
			continue;
		}
		for (off = h.cap_offset; off && n < 32; n++) {
			uint16_t id, ver;
			uint32_t next, size = 0, na = 0;

			if (!conf_check(ctx, off + 8 <= m.len, "region %u: capability at %u past the %u-byte reply", i, off,
					m.len))
				break;
			memcpy(&id, m.payload + off, 2);
			memcpy(&ver, m.payload + off + 2, 2);
			memcpy(&next, m.payload + off + 4, 4);
			if (id == 1 && off + 16 <= m.len) {
				memcpy(&na, m.payload + off + 8, 4);
				size = 16 + 16 * na;
			} else if (id == 2) {
				size = 16;
			} else if (id == 3) {
				size = 8;
			} else {
				known = false;
			}
			ncap++;
			conf_note(ctx, "region %u: cap id %u version %u at %u next %u", i, id, ver, off, next);
			if (what == 2)
				conf_check(ctx, id != 0 && ver != 0 && (!next || (next > off && next < m.len)),
					   "region %u: at offset %u (relative to the region info) no capability header: "
					   "id %u version %u next %u", i, off, id, ver, next);
			if (what == 1 && size) {
				conf_check(ctx, ver == 1, "region %u: capability id %u version %u, want 1", i, id, ver);
				conf_check(ctx, off + size <= (next ? next : h.argsz), "region %u: capability id %u at %u "
					   "needs %u bytes (%s), more than it has before %u", i, id, off, size,
					   id == 1 ? "16 + 16 * nr_areas" : id == 2 ? "16" : "8", next ? next : h.argsz);
			}
			sum += size;
			if (next && next <= off)
				break;
			off = next;
		}
		if (what == 0 && known)
			conf_check(ctx, h.argsz == 32 + sum, "region %u: argsz %u, want 32 + the %u-byte chain of %u "
				   "capabilities", i, h.argsz, sum, ncap);
		conf_vu_msg_free(&m);
		if (what == 0) {
			/* At argsz 32 the chain does not fit: no CAPS flag. */
			struct vd_region s;

			if (vd_region_info(ctx, i, 32, &m) == 0 && m.len >= 32) {
				memcpy(&s, m.payload, 32);
				conf_check(ctx, !(s.flags & RI_CAPS) || s.argsz <= 32, "region %u: reply at argsz 32 "
					   "without its chain still sets CAPS", i);
			}
			conf_vu_msg_free(&m);
		}
	}
	return conf_pass(ctx);
}

static bool rg_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* RG-09: 0-5 BARs, 6 ROM, 7 config, 8 VGA, device-specific from 9. */
static int rg_fixed(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint64_t size[9] = { 0 };
	uint32_t flags[9] = { 0 }, bar[6] = { 0 }, i;
	struct vd_caps caps;
	struct vd_info gi;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	if (!conf_check(ctx, gi.num_regions >= 9, "num_regions %u, want >= 9 (PCI)", gi.num_regions))
		return conf_pass(ctx);
	for (i = 0; i < 9; i++) {
		struct vd_region h = { 0 };
		struct conf_vu_msg m;

		if (rg_get(ctx, i, &h, &m) == 0) {
			size[i] = h.size;
			flags[i] = h.flags;
		} else {
			conf_fail(ctx, "GET_REGION_INFO %u failed", i);
		}
		conf_vu_msg_free(&m);
	}
	conf_check(ctx, size[7] >= 256 && (flags[7] & (RI_READ | RI_WRITE)) == (RI_READ | RI_WRITE),
		   "region 7 (config): size 0x%llx flags 0x%x, want >= 256 bytes, READ|WRITE",
		   (unsigned long long)size[7], flags[7]);
	for (i = 0; i < 6; i++)
		cfg_read(ctx, 0x10 + 4 * i, &bar[i], 4);
	for (i = 0; i < 6; i++) {
		conf_check(ctx, !size[i] || rg_pow2(size[i]), "region %u (BAR%u) size 0x%llx is not a power of two", i, i,
			   (unsigned long long)size[i]);
		if (!(bar[i] & 1u) && (bar[i] & 6u) == 4u && i < 5) {
			conf_check(ctx, size[i + 1] == 0, "BAR%u is a 64-bit BAR, so region %u (its upper half) must be "
				   "size 0, not 0x%llx", i, i + 1, (unsigned long long)size[i + 1]);
			i++;
		}
	}
	conf_check(ctx, !size[6] || rg_pow2(size[6]), "region 6 (ROM) size 0x%llx is not a power of two",
		   (unsigned long long)size[6]);
	return conf_pass(ctx);
}

/* IOF-03: ioregionfd entries of size 0 are POSTED_WRITES. */
static int iof_posted(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned seen = 0, ioregion = 0;
	struct vd_caps caps;
	struct vd_info gi;
	uint32_t i, e;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	for (i = 0; i < gi.num_regions && i < 64; i++) {
		uint32_t p[4] = { 16, 0, i, 0 }, rep[4], stride;
		struct conf_vu_msg m;
		int r = conf_vu_call(ctx, CONF_VU_GET_REGION_IO_FDS, p, 16, &m);

		if (r == 0 && m.len >= 16)
			memcpy(rep, m.payload, 16);
		conf_vu_msg_free(&m);
		if (r < 0 || m.len < 16 || !rep[3] || rep[0] <= 16 || rep[0] > 65536)
			continue;
		p[0] = rep[0];
		r = conf_vu_call(ctx, CONF_VU_GET_REGION_IO_FDS, p, 16, &m);
		stride = (rep[0] - 16) / rep[3];
		if (r == 0 && m.len >= rep[0] && (stride == 40 || stride == 48)) {
			for (e = 0; e < rep[3]; e++) {
				const uint8_t *q = m.payload + 16 + e * stride;
				uint64_t sz;
				uint32_t type, fl;

				memcpy(&sz, q + 8, 8);
				memcpy(&type, q + 20, 4);
				memcpy(&fl, q + 24, 4);
				seen++;
				if (type != 1)
					continue;
				ioregion++;
				conf_check(ctx, sz != 0 || (fl & 2u), "region %u entry %u: ioregionfd with size 0 and flags "
					   "0x%x, without POSTED_WRITES (2)", i, e, fl);
			}
		}
		conf_vu_msg_free(&m);
	}
	conf_note(ctx, "%u io fd entries, %u ioregionfd", seen, ioregion);
	if (!ioregion)
		return conf_not_supported(ctx, "the server hands out no ioregionfd (type 1) entries");
	return conf_pass(ctx);
}

/* RW-01: REGION_READ/WRITE of every mmap-able region; a write into a sparse
 * (mmap-able) area reads back. */
static int rw_mmap(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned seen = 0;
	struct vd_caps caps;
	struct vd_info gi;
	uint32_t i;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	for (i = 0; i < gi.num_regions && i < 64; i++) {
		uint64_t area = 0, pat = 0x0123456789abcdefull ^ conf_rand(ctx), old = 0, back = 0;
		struct vd_region h = { 0 };
		struct conf_vu_msg m;
		uint32_t off;
		int r;

		if (rg_get(ctx, i, &h, &m) < 0 || !(h.flags & RI_MMAP) || h.size < 8) {
			conf_vu_msg_free(&m);
			continue;
		}
		for (off = (h.flags & RI_CAPS) ? h.cap_offset : 0; off && off + 32 <= m.len;) {
			uint16_t id;
			uint32_t next, na;

			memcpy(&id, m.payload + off, 2);
			memcpy(&next, m.payload + off + 4, 4);
			memcpy(&na, m.payload + off + 8, 4);
			if (id == 1 && na) {
				memcpy(&area, m.payload + off + 16, 8);
				break;
			}
			off = next > off ? next : 0;
		}
		conf_vu_msg_free(&m);
		seen++;
		{
			struct vd_access a = { .offset = h.size - 4, .region = i, .count = 4 };

			r = vd_call(ctx, CONF_VU_REGION_READ, &a, sizeof(a));
			conf_check(ctx, r == 0 || !(h.flags & RI_READ), "REGION_READ of mmap-able region %u at 0x%llx: %s",
				   i, (unsigned long long)a.offset, conf_errno_name(r));
		}
		if ((h.flags & (RI_READ | RI_WRITE)) != (RI_READ | RI_WRITE) || area + 8 > h.size)
			continue;
		{
			uint8_t p[24];
			struct vd_access a = { .offset = area, .region = i, .count = 8 };
			struct conf_vu_msg rm;

			r = conf_vu_call(ctx, CONF_VU_REGION_READ, &a, sizeof(a), &rm);
			if (r == 0 && rm.len == 24)
				memcpy(&old, rm.payload + 16, 8);
			conf_vu_msg_free(&rm);
			memcpy(p, &a, 16);
			memcpy(p + 16, &pat, 8);
			r = r ? r : vd_call(ctx, CONF_VU_REGION_WRITE, p, 24);
			conf_check(ctx, r == 0, "REGION_WRITE/READ of mmap-able region %u at 0x%llx: %s", i,
				   (unsigned long long)area, conf_errno_name(r));
			if (r == 0 && conf_vu_call(ctx, CONF_VU_REGION_READ, &a, sizeof(a), &rm) == 0 && rm.len == 24)
				memcpy(&back, rm.payload + 16, 8);
			conf_vu_msg_free(&rm);
			if (r == 0)
				conf_check(ctx, back == pat, "region %u: 0x%llx written into the mmap-able area at 0x%llx "
					   "read back as 0x%llx", i, (unsigned long long)pat, (unsigned long long)area,
					   (unsigned long long)back);
			memcpy(p + 16, &old, 8);
			vd_call(ctx, CONF_VU_REGION_WRITE, p, 24);
		}
	}
	if (!seen)
		return conf_not_supported(ctx, "no region has the MMAP flag");
	return conf_pass(ctx);
}

/* RW-03: the reply count is what moved and never above the request's. */
static int rw_count(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint32_t counts[] = { 1, 2, 4, 8, 64, 256 };
	struct vd_caps caps;
	uint8_t w[17];
	size_t i;

	NEGOTIATE(ctx, &caps);
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct vd_access a = { .offset = 0, .region = CFG_REGION, .count = counts[i] }, e;
		struct conf_vu_msg m;
		int r = conf_vu_call(ctx, CONF_VU_REGION_READ, &a, sizeof(a), &m);

		if (conf_expect_errno(ctx, "REGION_READ of config", r, 0, true) == CONF_PASS &&
		    conf_check(ctx, m.len >= 16, "REGION_READ reply %u bytes", m.len)) {
			memcpy(&e, m.payload, 16);
			conf_check(ctx, e.count <= counts[i] && e.count == m.len - 16, "REGION_READ count %u: reply count "
				   "%u with %u data bytes", counts[i], e.count, m.len - 16);
		}
		conf_vu_msg_free(&m);
	}
	{
		struct vd_access a = { .offset = CFG_INTERRUPT_LINE, .region = CFG_REGION, .count = 1 }, e;
		struct conf_vu_msg m;
		int r;

		memcpy(w, &a, 16);
		w[16] = 0x0b;
		r = conf_vu_call(ctx, CONF_VU_REGION_WRITE, w, 17, &m);
		if (conf_expect_errno(ctx, "REGION_WRITE of Interrupt Line", r, 0, true) == CONF_PASS &&
		    conf_check(ctx, m.len == 16, "REGION_WRITE reply %u bytes, want 16", m.len)) {
			memcpy(&e, m.payload, 16);
			conf_check(ctx, e.count <= 1, "REGION_WRITE count 1: reply count %u", e.count);
		}
		conf_vu_msg_free(&m);
	}
	return conf_pass(ctx);
}

#endif
