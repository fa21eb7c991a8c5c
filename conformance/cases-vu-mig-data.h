/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The second half of cases-vu-mig.c, included by it once (split for length):
 * MIG_DATA_READ/MIG_DATA_WRITE (digest 3.15; 6.A MG-06..08, MD-*) and the
 * command gating of STOP and STOP_COPY (3.14, reference behaviour: WARN).
 * Uses the helpers and the S/UP macros of cases-vu-mig.c.
 */
#ifndef VFSIM_CASES_VU_MIG_DATA_H
#define VFSIM_CASES_VU_MIG_DATA_H

/* MG-06: MIG_DATA_READ outside PRE_COPY/STOP_COPY is refused (arg: the state). */
static int md_read_wrong(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t st = (uint32_t)(uintptr_t)c->arg;
	struct vd_caps caps;
	struct conf_vu_msg m;
	char what[48];
	uint64_t fl;
	int r;

	MIG_SETUP(ctx, &caps, &fl);
	REACH(ctx, st);
	r = vm_read(ctx, 8 + 64, 64, &m);
	if (r == 0 && m.len >= 8) {
		struct vm_data d;

		memcpy(&d, m.payload, 8);
		conf_note(ctx, "the refused read returned %u bytes", d.size);
	}
	conf_vu_msg_free(&m);
	snprintf(what, sizeof(what), "MIG_DATA_READ in %s", st_name(st));
	expect_any_err(ctx, what, r);
	return conf_pass(ctx);
}

/* MG-06: reading until a short read drains the stream (arg: the state). */
static int md_drain(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t st = (uint32_t)(uintptr_t)c->arg;
	struct vd_caps caps;
	uint8_t *buf = NULL;
	size_t len = 0;
	uint64_t fl;
	int r;

	MIG_SETUP(ctx, &caps, &fl);
	NEED(ctx, st == ST_PRE_COPY ? NEED_PRE : 0, fl);
	REACH(ctx, st);
	/* small requests, so the stream takes several and the short one ends it */
	r = vm_read_all(ctx, 4096, &buf, &len);
	if (conf_expect_errno(ctx, "MIG_DATA_READ loop", r, 0, true) == CONF_PASS && st == ST_STOP_COPY)
		conf_check(ctx, len > 0, "the STOP_COPY stream is empty");
	free(buf);
	return conf_pass(ctx);
}

/* MD-01: one read's layout (arg: bytes asked). */
static int md_layout(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t ask = (uint32_t)(uintptr_t)c->arg;
	struct vd_caps caps;
	struct conf_vu_msg m;
	struct vm_data d;
	uint64_t fl;
	int r;

	MIG_SETUP(ctx, &caps, &fl);
	REACH(ctx, ST_STOP_COPY);
	r = vm_read(ctx, 8 + ask, ask, &m);
	if (conf_expect_errno(ctx, "MIG_DATA_READ in STOP_COPY", r, 0, true) == CONF_PASS &&
	    conf_check(ctx, m.len >= 8, "reply payload %u bytes, want >= 8", m.len)) {
		memcpy(&d, m.payload, 8);
		conf_note(ctx, "reply argsz %u size %u payload %u", d.argsz, d.size, m.len);
		conf_check(ctx, d.size <= ask, "size %u > the %u asked", d.size, ask);
		conf_check(ctx, d.size > 0, "the first read of a STOP_COPY stream returned nothing");
		conf_check(ctx, d.argsz == 8 + d.size, "argsz %u, want 8 + size = %u", d.argsz, 8 + d.size);
		conf_check(ctx, m.len >= 8 + (uint64_t)d.size, "payload %u bytes cannot hold size %u at offset 8",
			   m.len, d.size);
	}
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

/* MD-02: after the short read of STOP_COPY, reads return no data. */
static int md_eos(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_caps caps;
	uint8_t *buf = NULL;
	size_t len = 0;
	uint64_t fl;
	int i, r;

	MIG_SETUP(ctx, &caps, &fl);
	REACH(ctx, ST_STOP_COPY);
	r = vm_read_all(ctx, vm_chunk(&caps), &buf, &len);
	free(buf);
	if (r < 0)
		return conf_fail(ctx, "reading the stream failed: %s", conf_errno_name(r));
	for (i = 0; i < 2; i++) {
		struct conf_vu_msg m;
		struct vm_data d = { 0, 0 };

		r = vm_read(ctx, 8 + 4096, 4096, &m);
		if (r == 0 && m.len >= 8)
			memcpy(&d, m.payload, 8);
		conf_vu_msg_free(&m);
		if (is_transport_err(r))
			return conf_fail(ctx, "MIG_DATA_READ after the end: no reply (%s)", conf_errno_name(r));
		if (r < 0)
			conf_non_strict(ctx, "MIG_DATA_READ after the end of the stream refused (%s); the digest "
					"says it returns no data", conf_errno_name(r));
		else
			conf_check(ctx, d.size == 0, "MIG_DATA_READ after the end of the stream returned %u bytes", d.size);
	}
	return conf_pass(ctx);
}

/* MD-03: the MIG_DATA_WRITE reply has no payload. */
static int md_write_reply(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_caps caps;
	struct conf_vu_msg m;
	uint8_t *buf = NULL;
	size_t len = 0;
	uint32_t n;
	uint64_t fl;
	int r;

	MIG_SETUP(ctx, &caps, &fl);
	SAVE(ctx, &caps, &buf, &len);
	if (vf_set(ctx, ST_RESUMING) < 0) {
		free(buf);
		return conf_fail(ctx, "the legal arc STOP -> RESUMING was refused");
	}
	n = len < 64 ? (uint32_t)len : 64;
	r = vm_write_raw(ctx, 8 + n, n, buf, 8 + n, &m);
	if (conf_expect_errno(ctx, "MIG_DATA_WRITE in RESUMING", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.len == 0 && m.nfds == 0, "MIG_DATA_WRITE reply carries %u bytes and %u fds, want none",
			   m.len, m.nfds);
	conf_vu_msg_free(&m);
	free(buf);
	return conf_pass(ctx);
}

/* MG-07 / MD-05: save, change the device, load the stream back (in chunks
 * cycling through @arg's sizes), commit: the saved state is back. */
struct md_chunks {
	unsigned n;
	uint32_t sizes[6];
	bool reset;		/* DEVICE_RESET between the save and the load, when advertised */
};

static int md_roundtrip(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct md_chunks *ch = c->arg;
	struct vm_scratch saved, other;
	uint32_t sizes[6];
	struct vd_caps caps;
	unsigned i;
	struct vd_info gi;
	uint8_t *buf = NULL;
	size_t len = 0;
	uint64_t fl;
	int r;

	MIG_SETUP(ctx, &caps, &fl);
	GET_INFO(ctx, &gi);
	vm_scratch_find(ctx, &saved);
	if (vm_scratch_set(ctx, &saved) < 0)
		return conf_harness_error(ctx, "setup: writing the scratch registers failed");
	SAVE(ctx, &caps, &buf, &len);
	/* Change the device: other values, and a reset when the device has one. */
	other = saved;
	r = vf_set(ctx, ST_RUNNING);
	if (r == 0 && ch->reset && (gi.flags & 0x1u))
		r = vd_call(ctx, CONF_VU_RESET, NULL, 0);
	if (r == 0)
		r = vm_scratch_set(ctx, &other);
	if (r == 0)
		r = vf_set(ctx, ST_STOP);
	if (r < 0) {
		free(buf);
		return conf_fail(ctx, "changing the device between save and load failed: %s", conf_errno_name(r));
	}
	for (i = 0; i < ch->n && i < 6; i++)
		sizes[i] = ch->sizes[i] < vm_chunk(&caps) ? ch->sizes[i] : vm_chunk(&caps);
	r = vf_set(ctx, ST_RESUMING);
	if (r == 0)
		r = vm_write_all(ctx, buf, len, sizes, ch->n);
	free(buf);
	if (conf_expect_errno(ctx, "loading the saved stream in RESUMING", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	if (conf_expect_errno(ctx, "SET RESUMING -> STOP (commit)", vf_set(ctx, ST_STOP), 0, true) != CONF_PASS ||
	    conf_expect_errno(ctx, "SET STOP -> RUNNING", vf_set(ctx, ST_RUNNING), 0, true) != CONF_PASS)
		return conf_pass(ctx);
	vm_scratch_check(ctx, &saved, "after loading the saved stream");
	return conf_pass(ctx);
}

static const struct md_chunks chunks_64k = { 1, { 65536 }, true };
static const struct md_chunks chunks_odd = { 6, { 1, 7, 4093, 65537, 3, 100000 }, false };
static const struct md_chunks chunks_one = { 1, { 0xffffffffu }, false };

/* MG-07: MIG_DATA_WRITE outside RESUMING is refused (arg: the state). */
static int md_write_wrong(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint8_t junk[16] = { 1, 2, 3, 4 };
	uint32_t st = (uint32_t)(uintptr_t)c->arg;
	struct vd_caps caps;
	char what[48];
	uint64_t fl;

	MIG_SETUP(ctx, &caps, &fl);
	NEED(ctx, st == ST_PRE_COPY ? NEED_PRE : 0, fl);
	REACH(ctx, st);
	snprintf(what, sizeof(what), "MIG_DATA_WRITE in %s", st_name(st));
	expect_any_err(ctx, what, vm_write(ctx, junk, sizeof(junk)));
	return conf_pass(ctx);
}

/* MG-07: a damaged stream fails the commit (arg: how). */
enum { CORRUPT_MIDDLE, CORRUPT_FIRST, CORRUPT_LAST, CORRUPT_HALF, CORRUPT_MINUS1, CORRUPT_EMPTY, CORRUPT_SPREAD };

static int md_corrupt(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const char *const how[] = { "one byte flipped in the middle", "the first byte flipped",
					   "the last byte flipped", "only the first half", "all but the last byte",
					   "no data at all", "one byte flipped every 4 KiB" };
	unsigned k = (unsigned)(uintptr_t)c->arg;
	struct vd_caps caps;
	uint8_t *buf = NULL;
	size_t len = 0, i;
	uint64_t fl;
	int r;

	MIG_SETUP(ctx, &caps, &fl);
	SAVE(ctx, &caps, &buf, &len);
	if (k == CORRUPT_MIDDLE)
		buf[len / 2] ^= 0x5a;
	else if (k == CORRUPT_FIRST)
		buf[0] ^= 0xff;
	else if (k == CORRUPT_LAST)
		buf[len - 1] ^= 0x01;
	else if (k == CORRUPT_SPREAD)
		for (i = 4096 + 17; i < len; i += 4096)
			buf[i] ^= 0x80;
	if (k == CORRUPT_HALF)
		len /= 2;
	else if (k == CORRUPT_MINUS1)
		len -= 1;
	else if (k == CORRUPT_EMPTY)
		len = 0;
	conf_note(ctx, "loading the saved stream with %s (%zu bytes)", how[k], len);
	r = mg_load(ctx, buf, len, ST_STOP);
	free(buf);
	if (r != -EIO)
		expect_any_err(ctx, "SET RESUMING -> STOP with a damaged stream", r);
	return conf_pass(ctx);
}

/* MG-08 / MD-04: malformed MIG_DATA requests get [EINVAL]. */
enum { BAD_READ_BIG, BAD_READ_ARGSZ, BAD_WRITE_BIG, BAD_WRITE_ARGSZ, BAD_READ_SHORT, BAD_WRITE_SHORT,
       BAD_WRITE_TRUNC };

static int md_bad(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned k = (unsigned)(uintptr_t)c->arg;
	bool write = k == BAD_WRITE_BIG || k == BAD_WRITE_ARGSZ || k == BAD_WRITE_SHORT || k == BAD_WRITE_TRUNC;
	struct vd_caps caps;
	struct conf_vu_msg m;
	uint8_t *data;
	uint32_t big;
	uint64_t fl;
	int r;

	MIG_SETUP(ctx, &caps, &fl);
	REACH(ctx, write ? ST_RESUMING : ST_STOP_COPY);
	if (caps.max_xfer >= (16u << 20) && (k == BAD_READ_BIG || k == BAD_WRITE_BIG))
		return conf_not_supported(ctx, "max_data_xfer_size is too large to exceed in one message");
	big = (uint32_t)caps.max_xfer + 1;
	data = calloc(1, big);
	if (!data)
		return conf_harness_error(ctx, "out of memory");
	switch (k) {
	case BAD_READ_BIG:
		r = vm_read(ctx, 8 + big, big, &m);
		break;
	case BAD_READ_ARGSZ:
		r = vm_read(ctx, 8 + 16 - 1, 16, &m);
		break;
	case BAD_WRITE_BIG:
		r = vm_write_raw(ctx, 8 + big, big, data, 8 + (size_t)big, &m);
		break;
	case BAD_WRITE_ARGSZ:
		r = vm_write_raw(ctx, 8 + 16 - 1, 16, data, 8 + 16, &m);
		break;
	case BAD_READ_SHORT:
		r = conf_vu_call(ctx, CONF_VU_MIG_DATA_READ, data, 4, &m);
		break;
	case BAD_WRITE_SHORT:
		r = conf_vu_call(ctx, CONF_VU_MIG_DATA_WRITE, data, 4, &m);
		break;
	default:
		r = vm_write_raw(ctx, 8 + 32, 32, data, 8 + 16, &m);
		break;
	}
	free(data);
	conf_vu_msg_free(&m);
	expect_err(ctx, write ? "MIG_DATA_WRITE" : "MIG_DATA_READ", r, -EINVAL, false);
	still_usable(ctx, "a refused MIG_DATA request");
	return conf_pass(ctx);
}

/* MD-06: without migration both MIG_DATA commands get [EINVAL]. */
static int md_nomig(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint8_t junk[16];
	struct vd_caps caps;
	struct conf_vu_msg m;
	uint64_t fl;
	int r;

	NEGOTIATE(ctx, &caps);
	r = vf_mig_flags(ctx, &fl);
	if (is_transport_err(r))
		return conf_fail(ctx, "DEVICE_FEATURE MIGRATION: no reply (%s)", conf_errno_name(r));
	if (r == 0)
		return conf_not_supported(ctx, "the server migrates; the case needs one without migration");
	r = vm_read(ctx, 8 + 64, 64, &m);
	conf_vu_msg_free(&m);
	expect_err(ctx, "MIG_DATA_READ without migration", r, -EINVAL, false);
	expect_err(ctx, "MIG_DATA_WRITE without migration", vm_write(ctx, junk, sizeof(junk)), -EINVAL, false);
	return conf_pass(ctx);
}

/* MG-11 / FSM-07 / FSM-08: reference gating in STOP and STOP_COPY (WARN:
 * accepted is NON-STRICT, refused is PASS). */
enum { GATE_MAP, GATE_UNMAP, GATE_IRQS, GATE_BAR_READ, GATE_BAR_WRITE, GATE_IRQ_INFO };

struct md_gate {
	uint8_t state, what;
};

static int md_gate(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const char *const names[] = { "DMA_MAP", "DMA_UNMAP", "SET_IRQS", "REGION_READ of BAR", "REGION_WRITE of BAR",
					     "GET_IRQ_INFO" };
	const struct md_gate *g = c->arg;
	struct vd_irq_set is = { .argsz = sizeof(is), .flags = IRQ_DATA_NONE | IRQ_ACT_TRIGGER, .index = 0 };
	struct vd_irq_info ii = { .argsz = sizeof(ii), .index = 0 };
	struct vm_scratch s;
	struct vd_caps caps;
	uint64_t fl, v = 0;
	int r;

	MIG_SETUP(ctx, &caps, &fl);
	if (g->what == GATE_UNMAP)
		MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	if (g->what == GATE_BAR_READ || g->what == GATE_BAR_WRITE) {
		vm_scratch_find(ctx, &s);
		if (!s.bar)
			return conf_not_supported(ctx, "no BAR reads back what is written at offset 0");
	}
	REACH(ctx, g->state);
	switch (g->what) {
	case GATE_MAP:
		r = vd_map(ctx, DMA_READ_F | DMA_WRITE_F, MAP_BASE, MAP_SIZE, -1);
		break;
	case GATE_UNMAP:
		r = vd_unmap(ctx, 0, MAP_BASE, MAP_SIZE);
		break;
	case GATE_IRQS:
		r = vd_call(ctx, CONF_VU_SET_IRQS, &is, sizeof(is));
		break;
	case GATE_BAR_READ:
		r = rg_rw(ctx, false, s.region, 0, &v, 8);
		break;
	case GATE_BAR_WRITE:
		r = rg_rw(ctx, true, s.region, 0, &v, 8);
		break;
	default:
		r = vd_call(ctx, CONF_VU_GET_IRQ_INFO, &ii, sizeof(ii));
		break;
	}
	if (is_transport_err(r))
		return conf_fail(ctx, "%s in %s: no reply (%s)", names[g->what], st_name(g->state), conf_errno_name(r));
	if (r >= 0)
		conf_non_strict(ctx, "%s in %s accepted; the reference refuses it [EINVAL] (gating is not in the spec)",
				names[g->what], st_name(g->state));
	else
		conf_expect_errno(ctx, names[g->what], r, -EINVAL, false);
	/* Config space stays reachable in STOP and STOP_COPY (digest 3.14 gating keeps REGION access). */
	if (g->what == GATE_BAR_READ) {
		uint8_t line;

		r = cfg_read(ctx, CFG_INTERRUPT_LINE, &line, 1);
		if (r < 0)
			conf_non_strict(ctx, "config-space REGION_READ in %s refused (%s)", st_name(g->state),
					conf_errno_name(r));
	}
	return conf_pass(ctx);
}

static const struct md_gate gate_stop_map = { ST_STOP, GATE_MAP };
static const struct md_gate gate_sc_unmap = { ST_STOP_COPY, GATE_UNMAP };
static const struct md_gate gate_stop_irqs = { ST_STOP, GATE_IRQS };
static const struct md_gate gate_sc_read = { ST_STOP_COPY, GATE_BAR_READ };
static const struct md_gate gate_sc_write = { ST_STOP_COPY, GATE_BAR_WRITE };
static const struct md_gate gate_stop_ii = { ST_STOP, GATE_IRQ_INFO };

#define MD_CASES                                                                                              \
	{ "VU-SRV-MD-001", "VU-MG-06", S, NULL, md_read_wrong, UP(ST_RUNNING), "MIG_DATA_READ in RUNNING is refused" }, \
	{ "VU-SRV-MD-002", "VU-MG-06", S, NULL, md_read_wrong, UP(ST_STOP), "MIG_DATA_READ in STOP is refused" },       \
	{ "VU-SRV-MD-003", "VU-MG-06", S, NULL, md_read_wrong, UP(ST_RESUMING),                                      \
	  "MIG_DATA_READ in RESUMING is refused" },                                                                  \
	{ "VU-SRV-MD-004", "VU-MG-06", S, NULL, md_drain, UP(ST_STOP_COPY),                                          \
	  "in STOP_COPY, 4 KiB reads until a short one drain a non-empty stream" },                                  \
	{ "VU-SRV-MD-005", "VU-MG-06", S, NULL, md_drain, UP(ST_PRE_COPY),                                           \
	  "in PRE_COPY, 4 KiB reads end with a short one (PRE_COPY)" },                                              \
	{ "VU-SRV-MD-006", "VU-MD-01", S, NULL, md_layout, UP(16),                                                   \
	  "MIG_DATA_READ of 16: argsz = 8 + size, size <= 16, data at offset 8" },                                   \
	{ "VU-SRV-MD-007", "VU-MD-01", S, NULL, md_layout, UP(1), "MIG_DATA_READ of 1 byte returns one byte at offset 8" }, \
	{ "VU-SRV-MD-008", "VU-MD-02", S, NULL, md_eos, NULL,                                                        \
	  "after the short read of STOP_COPY, further reads return no data" },                                       \
	{ "VU-SRV-MD-009", "VU-MD-03", S, NULL, md_write_reply, NULL, "the MIG_DATA_WRITE reply has no payload" },     \
	{ "VU-SRV-MD-010", "VU-MG-07", S, NULL, md_roundtrip, &chunks_64k,                                            \
	  "save, reset and change the device, load: Interrupt Line and a BAR register return to the saved values" },  \
	{ "VU-SRV-MD-011", "VU-MD-05", S, NULL, md_roundtrip, &chunks_odd,                                            \
	  "the saved stream loads in chunks of 1, 7, 4093, 65537, 3 and 100000 bytes" },                              \
	{ "VU-SRV-MD-012", "VU-MD-05", S, NULL, md_roundtrip, &chunks_one,                                            \
	  "the saved stream loads in max_data_xfer_size chunks" },                                                          \
	{ "VU-SRV-MD-013", "VU-MG-07", S, NULL, md_write_wrong, UP(ST_RUNNING), "MIG_DATA_WRITE in RUNNING is refused" }, \
	{ "VU-SRV-MD-014", "VU-MG-07", S, NULL, md_write_wrong, UP(ST_STOP), "MIG_DATA_WRITE in STOP is refused" },     \
	{ "VU-SRV-MD-015", "VU-MG-07", S, NULL, md_write_wrong, UP(ST_STOP_COPY),                                    \
	  "MIG_DATA_WRITE in STOP_COPY is refused" },                                                                \
	{ "VU-SRV-MD-016", "VU-MG-07", S, NULL, md_write_wrong, UP(ST_PRE_COPY),                                     \
	  "MIG_DATA_WRITE in PRE_COPY is refused (PRE_COPY)" },                                                      \
	{ "VU-SRV-MD-017", "VU-MG-07", S, NULL, md_corrupt, UP(CORRUPT_MIDDLE),                                      \
	  "a stream with one byte flipped in the middle fails the commit" },                                         \
	{ "VU-SRV-MD-018", "VU-MG-07", S, NULL, md_corrupt, UP(CORRUPT_FIRST),                                       \
	  "a stream with its first byte flipped fails the commit" },                                                 \
	{ "VU-SRV-MD-019", "VU-MG-07", S, NULL, md_corrupt, UP(CORRUPT_LAST),                                        \
	  "a stream with its last byte flipped fails the commit" },                                                  \
	{ "VU-SRV-MD-020", "VU-MG-07", S, NULL, md_corrupt, UP(CORRUPT_SPREAD),                                      \
	  "a stream with a byte flipped every 4 KiB fails the commit" },                                             \
	{ "VU-SRV-MD-021", "VU-MG-07", S, NULL, md_corrupt, UP(CORRUPT_HALF),                                        \
	  "half a stream (incomplete) fails the commit" },                                                           \
	{ "VU-SRV-MD-022", "VU-MG-07", S, NULL, md_corrupt, UP(CORRUPT_MINUS1),                                      \
	  "a stream missing its last byte fails the commit" },                                                       \
	{ "VU-SRV-MD-023", "VU-MG-07", S, NULL, md_corrupt, UP(CORRUPT_EMPTY),                                       \
	  "RESUMING -> STOP with no data written fails the commit" },                                                \
	{ "VU-SRV-MD-024", "VU-MG-08", S, NULL, md_bad, UP(BAD_READ_BIG),                                            \
	  "MIG_DATA_READ size > max_data_xfer_size gets [EINVAL]" },                                                 \
	{ "VU-SRV-MD-025", "VU-MG-08", S, NULL, md_bad, UP(BAD_READ_ARGSZ),                                          \
	  "MIG_DATA_READ argsz < 8 + size gets [EINVAL]" },                                                          \
	{ "VU-SRV-MD-026", "VU-MG-08", S, NULL, md_bad, UP(BAD_WRITE_BIG),                                           \
	  "MIG_DATA_WRITE size > max_data_xfer_size gets [EINVAL]" },                                                \
	{ "VU-SRV-MD-027", "VU-MG-08", S, NULL, md_bad, UP(BAD_WRITE_ARGSZ),                                         \
	  "MIG_DATA_WRITE argsz < 8 + size gets [EINVAL]" },                                                         \
	{ "VU-SRV-MD-028", "VU-MD-04", S, NULL, md_bad, UP(BAD_READ_SHORT), "MIG_DATA_READ with a 4-byte payload gets [EINVAL]" }, \
	{ "VU-SRV-MD-029", "VU-MD-04", S, NULL, md_bad, UP(BAD_WRITE_SHORT),                                         \
	  "MIG_DATA_WRITE with a 4-byte payload gets [EINVAL]" },                                                    \
	{ "VU-SRV-MD-030", "VU-MD-04", S, NULL, md_bad, UP(BAD_WRITE_TRUNC),                                         \
	  "MIG_DATA_WRITE of size 32 carrying 16 bytes gets [EINVAL]" },                                             \
	{ "VU-SRV-MD-031", "VU-MD-06", S, NULL, md_nomig, NULL,                                                      \
	  "without migration, MIG_DATA_READ and MIG_DATA_WRITE get [EINVAL]" },                                      \
	{ "VU-SRV-MD-032", "VU-MG-11", S, NULL, md_gate, &gate_stop_map, "DMA_MAP in STOP gets [EINVAL] (WARN)" },     \
	{ "VU-SRV-MD-033", "VU-MG-11", S, NULL, md_gate, &gate_sc_unmap, "DMA_UNMAP in STOP_COPY gets [EINVAL] (WARN)" }, \
	{ "VU-SRV-MD-034", "VU-MG-11", S, NULL, md_gate, &gate_stop_irqs, "SET_IRQS in STOP gets [EINVAL] (WARN)" },   \
	{ "VU-SRV-MD-035", "VU-FSM-07", S, NULL, md_gate, &gate_sc_read,                                             \
	  "BAR REGION_READ in STOP_COPY gets [EINVAL]; config space stays readable (WARN)" },                        \
	{ "VU-SRV-MD-036", "VU-FSM-07", S, NULL, md_gate, &gate_sc_write,                                            \
	  "BAR REGION_WRITE in STOP_COPY gets [EINVAL] (WARN)" },                                                    \
	{ "VU-SRV-MD-037", "VU-FSM-08", S, NULL, md_gate, &gate_stop_ii, "GET_IRQ_INFO in STOP gets [EINVAL] (WARN)" }

#endif
