/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IRQ-wiring half of cases-vu-extra.c, included by it once (split for
 * length): SET_IRQS binding order, DATA_BOOL, de-assign, mask/unmask, and the
 * device raising a vector (digest 3.7, 3.8, 4.2), plus a small client that
 * answers server DMA so that vfsim's DMA engine can be driven without fds
 * (digest 1.1, 1.5, 3.10).
 *
 * A device interrupt needs a device-specific trigger: only vfsim's DMA engine
 * has one (the profile's "engine": {"bar", "offset", "irq": {"index",
 * "vector"}}; registers SRC u64 @0, DST u64 @8, LEN u32 @0x10, DOORBELL u32
 * @0x14, STATUS u32 @0x18 RW1C bit0 DONE, bit1 ERROR, an interrupt on
 * completion). The cases drive it as a driver would (memory and bus-master
 * enable, MSI/MSI-X enable, the vector unmasked in the MSI-X table) and only
 * when the device's config-space IDs are the profile's; otherwise they are
 * NOT-SUPPORTED. Client-initiated triggers (DATA_NONE/BOOL|TRIGGER) need no
 * engine and are used where they prove the wiring.
 */
#ifndef VFSIM_CASES_VU_EXTRA_H
#define VFSIM_CASES_VU_EXTRA_H

#define XE_SRC 0x00u
#define XE_DST 0x08u
#define XE_LEN 0x10u
#define XE_DOORBELL 0x14u
#define XE_STATUS 0x18u
#define XE_MAX_MSGS 256		/* server messages one wait may service */
#define XE_NFDS 8		/* eventfds a case binds at most */
#define IRQ_ACT_UNMASK 0x10u
#define IRQI_MASKABLE 0x2u
#define IRQI_AUTOMASKED 0x4u

/* The client side of one case that may make the device DMA: one window
 * mapped without an fd, served by messages. */
struct xe {
	struct conf_ctx *ctx;
	bool engine;			/* the device is the profile's engine */
	uint32_t bar;
	uint64_t regs;
	int irq;			/* the engine's IRQ index, -1 unknown */
	uint32_t vec;
	uint8_t *win;			/* MAP_SIZE bytes behind MAP_BASE, NULL when unmapped */
	unsigned nread, nwrite, nfds_seen;
	uint16_t info_id;		/* a GET_INFO sent while a DMA request was pending */
	bool info_got;
};

static void xe_serve(struct xe *x, const struct conf_vu_msg *m)
{
	bool rd = m->hdr.cmd == CONF_VU_DMA_READ;
	uint64_t addr = 0, count = 0;
	uint8_t *p;

	if (m->nfds)
		x->nfds_seen += m->nfds;
	if (m->len >= 16) {
		memcpy(&addr, m->payload, 8);
		memcpy(&count, m->payload + 8, 8);
	}
	if (!x->win || m->len < 16 || addr < MAP_BASE || addr - MAP_BASE > MAP_SIZE || count > MAP_SIZE - (addr - MAP_BASE) ||
	    (!rd && m->len - 16u != count)) {
		struct conf_vu_hdr h = { .id = m->hdr.id, .cmd = m->hdr.cmd, .size = 16,
					 .flags = CONF_VU_F_REPLY | CONF_VU_F_ERROR, .error = EFAULT };

		conf_fail(x->ctx, "%s [0x%llx, +0x%llx) (%u bytes) is not a valid request into the mapped window",
			  rd ? "DMA_READ" : "DMA_WRITE", (unsigned long long)addr, (unsigned long long)count, m->len);
		if (!(m->hdr.flags & CONF_VU_F_NO_REPLY))
			conf_vu_send_raw(x->ctx, &h, NULL, 0, NULL, 0);
		return;
	}
	if (!rd) {
		x->nwrite++;
		memcpy(x->win + (addr - MAP_BASE), m->payload + 16, count);
		if (!(m->hdr.flags & CONF_VU_F_NO_REPLY))
			conf_vu_send(x->ctx, m->hdr.id, CONF_VU_DMA_WRITE, CONF_VU_F_REPLY, m->payload, 16, NULL, 0);
		return;
	}
	x->nread++;
	p = malloc(16 + count);
	if (!p)
		return;
	memcpy(p, m->payload, 16);
	memcpy(p + 16, x->win + (addr - MAP_BASE), count);
	conf_vu_send(x->ctx, m->hdr.id, CONF_VU_DMA_READ, CONF_VU_F_REPLY, p, 16 + count, NULL, 0);
	free(p);
}

/* Wait for the reply to (@id, @cmd), answering server DMA meanwhile; @before,
 * when set, runs once on the first server request before it is answered.
 * As conf_vu_call. */
static int xe_wait(struct xe *x, uint16_t id, uint16_t cmd, struct conf_vu_msg *reply,
		   void (*before)(struct xe *x, const struct conf_vu_msg *m))
{
	unsigned i;
	int r;

	memset(reply, 0, sizeof(*reply));
	for (i = 0; i < XE_MAX_MSGS; i++) {
		struct conf_vu_msg m;

		r = conf_vu_recv(x->ctx, &m, 0);
		if (r < 0)
			return r;
		conf_check(x->ctx, (m.hdr.flags & CONF_VU_F_TYPE_MASK) <= 1, "server message id=%u cmd=%u has TYPE %u",
			   m.hdr.id, m.hdr.cmd, m.hdr.flags & CONF_VU_F_TYPE_MASK);
		if ((m.hdr.flags & CONF_VU_F_TYPE_MASK) == 0 &&
		    (m.hdr.cmd == CONF_VU_DMA_READ || m.hdr.cmd == CONF_VU_DMA_WRITE)) {
			if (before) {
				before(x, &m);
				before = NULL;
			}
			xe_serve(x, &m);
		} else if (m.hdr.id == id && m.hdr.cmd == cmd && (m.hdr.flags & CONF_VU_F_TYPE_MASK) == 1) {
			*reply = m;
			if (m.hdr.flags & CONF_VU_F_ERROR)
				return m.hdr.error ? -(int)m.hdr.error : -EINVAL;
			return 0;
		} else if (x->info_id && m.hdr.id == x->info_id && m.hdr.cmd == CONF_VU_GET_INFO) {
			x->info_got = !(m.hdr.flags & CONF_VU_F_ERROR) && m.len == 16;
		} else {
			conf_note(x->ctx, "server message id=%u cmd=%u flags 0x%x answers nothing pending", m.hdr.id,
				  m.hdr.cmd, m.hdr.flags);
		}
		conf_vu_msg_free(&m);
	}
	return conf_fail(x->ctx, "more than %u server messages while waiting for one reply", XE_MAX_MSGS), -EPROTO;
}

static int xe_call(struct xe *x, uint16_t cmd, const void *p, size_t len, struct conf_vu_msg *reply)
{
	uint16_t id = conf_vu_id(x->ctx);
	struct conf_vu_msg m;
	int r = conf_vu_send(x->ctx, id, cmd, 0, p, len, NULL, 0);

	memset(&m, 0, sizeof(m));
	if (r == 0)
		r = xe_wait(x, id, cmd, &m, NULL);
	if (reply)
		*reply = m;
	else
		conf_vu_msg_free(&m);
	return r;
}

static int xe_rw(struct xe *x, bool wr, uint32_t region, uint64_t off, void *buf, uint32_t len)
{
	uint8_t p[sizeof(struct vd_access) + 8];
	struct vd_access a = { .offset = off, .region = region, .count = len };
	struct conf_vu_msg m;
	int r;

	if (len > 8)
		return -EINVAL;
	memcpy(p, &a, sizeof(a));
	if (wr)
		memcpy(p + sizeof(a), buf, len);
	r = xe_call(x, wr ? CONF_VU_REGION_WRITE : CONF_VU_REGION_READ, p, sizeof(a) + (wr ? len : 0), &m);
	if (r == 0 && !wr && m.len != sizeof(a) + len)
		r = -EPROTO;
	if (r == 0 && !wr)
		memcpy(buf, m.payload + sizeof(a), len);
	conf_vu_msg_free(&m);
	return r;
}

/* A JSON number or "0x.." string. */
static bool xe_u64(struct json_object *o, const char *key, uint64_t *v)
{
	struct json_object *j;

	if (!json_object_object_get_ex(o, key, &j))
		return false;
	*v = strtoull(json_object_get_string(j), NULL, 0);
	return true;
}

/* Is the device the profile's engine? Fills @x; x->engine false otherwise. */
static void xe_find(struct conf_ctx *ctx, struct xe *x)
{
	static const struct {
		const char *key;
		uint32_t off;
	} ids[] = { { "vendor_id", 0 }, { "device_id", 2 }, { "subsys_vendor_id", 0x2c }, { "subsys_id", 0x2e } };
	const char *path = ctx->target->profile_path;
	struct json_object *top = path ? json_object_from_file(path) : NULL, *eng, *irq, *v;
	uint64_t n = 0;
	size_t i;

	memset(x, 0, sizeof(*x));
	x->ctx = ctx;
	x->irq = -1;
	if (!top || !json_object_object_get_ex(top, "engine", &eng) || !json_object_is_type(eng, json_type_object))
		goto out;
	x->engine = true;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		uint16_t have = 0;

		if (xe_u64(top, ids[i].key, &n) && (cfg_read(ctx, ids[i].off, &have, 2) < 0 || have != (uint16_t)n))
			x->engine = false;
	}
	if (xe_u64(eng, "bar", &n))
		x->bar = (uint32_t)n;
	if (xe_u64(eng, "offset", &n))
		x->regs = n;
	if (json_object_object_get_ex(eng, "irq", &irq) && json_object_object_get_ex(irq, "index", &v)) {
		const char *s = json_object_get_string(v);

		x->irq = !strcmp(s, "intx") ? 0 : !strcmp(s, "msi") ? 1 : !strcmp(s, "msix") ? 2 : -1;
		if (xe_u64(irq, "vector", &n))
			x->vec = (uint32_t)n;
	}
out:
	json_object_put(top);
}

/* A PCI capability's config offset (standard list), 0 when absent. */
static uint32_t xe_cap(struct xe *x, uint8_t want)
{
	uint8_t ptr = 0, hdr[2];
	unsigned n;

	if (xe_rw(x, false, CFG_REGION, 0x34, &ptr, 1) < 0)
		return 0;
	for (n = 0; ptr >= 0x40 && n < 48; n++) {
		if (xe_rw(x, false, CFG_REGION, ptr & ~3u, hdr, 2) < 0)
			return 0;
		if (hdr[0] == want)
			return ptr & ~3u;
		ptr = hdr[1];
	}
	return 0;
}

/* Map the window and enable the device as a driver would for @index: memory
 * and bus master; MSI/MSI-X enable; the MSI-X vector's table mask cleared. */
static int xe_up(struct xe *x)
{
	uint16_t cmd = 0, ctl = 0;
	uint32_t cap;
	int r;

	x->win = calloc(1, MAP_SIZE);
	if (!x->win)
		return conf_harness_error(x->ctx, "out of memory");
	r = vd_map(x->ctx, DMA_READ_F | DMA_WRITE_F, MAP_BASE, MAP_SIZE, -1);
	if (r < 0)
		return conf_fail(x->ctx, "setup: DMA_MAP without an fd failed: %s", conf_errno_name(r));
	if (xe_rw(x, false, CFG_REGION, CFG_COMMAND, &cmd, 2) == 0) {
		cmd = (uint16_t)((cmd | 0x6u) & ~0x400u);
		xe_rw(x, true, CFG_REGION, CFG_COMMAND, &cmd, 2);
	}
	if (x->irq == 1 && (cap = xe_cap(x, 0x05)) && xe_rw(x, false, CFG_REGION, cap + 2, &ctl, 2) == 0) {
		ctl |= 1u;
		xe_rw(x, true, CFG_REGION, cap + 2, &ctl, 2);
	}
	if (x->irq == 2 && (cap = xe_cap(x, 0x11)) && xe_rw(x, false, CFG_REGION, cap + 2, &ctl, 2) == 0) {
		uint32_t tbl = 0, vc = 0;

		ctl = (uint16_t)((ctl | 0x8000u) & ~0x4000u);
		xe_rw(x, true, CFG_REGION, cap + 2, &ctl, 2);
		if (xe_rw(x, false, CFG_REGION, cap + 4, &tbl, 4) == 0)
			xe_rw(x, true, tbl & 7u, (tbl & ~7u) + 16ull * x->vec + 12, &vc, 4);
	}
	return CONF_PASS;
}

static void xe_down(struct xe *x)
{
	free(x->win);
	x->win = NULL;
}

/* Copy 16 bytes inside the window: the device reads, writes, then raises its
 * interrupt; @hook (may be NULL) runs on the first DMA request of the
 * doorbell write. STATUS after the copy in *@st. */
static int xe_ring(struct xe *x, uint32_t *st, void (*hook)(struct xe *x, const struct conf_vu_msg *m))
{
	static const uint32_t reg[] = { XE_STATUS, XE_SRC, XE_DST, XE_LEN, XE_DOORBELL }, sz[] = { 4, 8, 8, 4, 4 };
	uint64_t v[] = { 3, MAP_BASE, MAP_BASE + 0x100, 16, 1 };
	uint8_t p[sizeof(struct vd_access) + 8];
	struct conf_vu_msg m;
	unsigned i;
	int r;

	*st = 0;
	for (i = 0; i < 5; i++) {
		struct vd_access a = { .offset = x->regs + reg[i], .region = x->bar, .count = sz[i] };
		uint16_t id = conf_vu_id(x->ctx);

		memcpy(p, &a, sizeof(a));
		memcpy(p + sizeof(a), &v[i], sz[i]);
		r = conf_vu_send(x->ctx, id, CONF_VU_REGION_WRITE, 0, p, sizeof(a) + sz[i], NULL, 0);
		if (r == 0)
			r = xe_wait(x, id, CONF_VU_REGION_WRITE, &m, i == 4 ? hook : NULL);
		conf_vu_msg_free(&m);
		if (r < 0)
			return conf_fail(x->ctx, "REGION_WRITE of engine register 0x%x failed: %s", reg[i], conf_errno_name(r));
	}
	r = xe_rw(x, false, x->bar, x->regs + XE_STATUS, st, 4);
	if (r < 0)
		return conf_fail(x->ctx, "REGION_READ of the engine STATUS failed: %s", conf_errno_name(r));
	conf_note(x->ctx, "engine: STATUS 0x%x after %u DMA_READ, %u DMA_WRITE", *st, x->nread, x->nwrite);
	return CONF_PASS;
}

/* ---- IRQ helpers ---------------------------------------------------------------------------- */

static int xi_info(struct conf_ctx *ctx, uint32_t index, uint32_t *flags, uint32_t *count)
{
	struct vd_irq_info ii = { .argsz = sizeof(ii), .index = index };
	struct conf_vu_msg m;
	int r = conf_vu_call(ctx, CONF_VU_GET_IRQ_INFO, &ii, sizeof(ii), &m);

	if (r == 0 && m.len >= sizeof(ii)) {
		memcpy(&ii, m.payload, sizeof(ii));
		*flags = ii.flags;
		*count = ii.count;
	} else if (r == 0) {
		r = -EPROTO;
	}
	conf_vu_msg_free(&m);
	return r;
}

/* SET_IRQS with @data (DATA_BOOL bytes) and @fds; *@rlen and *@rfds the reply's
 * payload bytes and fds. */
static int xi_set(struct conf_ctx *ctx, uint32_t flags, uint32_t index, uint32_t start, uint32_t count,
		  const uint8_t *data, uint32_t dlen, const int *fds, unsigned nfds, uint32_t *rlen, unsigned *rfds)
{
	uint8_t p[sizeof(struct vd_irq_set) + 64];
	struct vd_irq_set s = { .argsz = (uint32_t)sizeof(s) + dlen, .flags = flags, .index = index, .start = start,
				.count = count };
	struct conf_vu_msg m;
	int r;

	if (dlen > 64)
		return -EINVAL;
	memcpy(p, &s, sizeof(s));
	if (dlen)
		memcpy(p + sizeof(s), data, dlen);
	r = vd_call_fds(ctx, CONF_VU_SET_IRQS, p, sizeof(s) + dlen, fds, nfds, &m);
	if (rlen)
		*rlen = m.len;
	if (rfds)
		*rfds = m.nfds;
	conf_vu_msg_free(&m);
	return r;
}

static int xi_efds(int *fds, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fds[i] < 0) {
			while (i--)
				close(fds[i]);
			return -EMFILE;
		}
	}
	return 0;
}

static void xi_close(int *fds, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* The eventfd's counter (consumed), 0 when not signalled within @ms. */
static uint64_t xi_read(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t v = 0;

	if (ms && poll(&pfd, 1, ms) <= 0)
		return 0;
	if (read(fd, &v, 8) != 8)
		return 0;
	return v;
}

/* An eventfd-capable index with at least @min vectors (MSI-X, MSI, INTx order). */
static int xi_pick(struct conf_ctx *ctx, uint32_t min, uint32_t *count, uint32_t *flags)
{
	static const uint32_t order[] = { 2, 1, 0 };
	size_t i;

	for (i = 0; i < 3; i++)
		if (xi_info(ctx, order[i], flags, count) == 0 && *count >= min && (*flags & IRQI_EVENTFD))
			return (int)order[i];
	return -1;
}

/* Bind @n eventfds (n <= max fds the server takes) to @idx from @start. */
static int xi_bind(struct conf_ctx *ctx, uint32_t idx, uint32_t start, int *fds, unsigned n)
{
	int r;

	if (xi_efds(fds, n) < 0)
		return conf_harness_error(ctx, "eventfd failed");
	r = xi_set(ctx, IRQ_DATA_EVENTFD | IRQ_ACT_TRIGGER, idx, start, n, NULL, 0, fds, n, NULL, NULL);
	if (r < 0) {
		xi_close(fds, n);
		return conf_fail(ctx, "setup: SET_IRQS EVENTFD|TRIGGER index %u start %u count %u failed: %s", idx, start,
				 n, conf_errno_name(r));
	}
	return CONF_PASS;
}

/* Fire vector @v with DATA_NONE|TRIGGER; which of @fds were signalled, as a
 * bit mask (counter values in @vals when set). */
static uint32_t xi_fire(struct conf_ctx *ctx, uint32_t idx, uint32_t v, const int *fds, unsigned n, uint64_t *vals,
			int *ret, uint32_t start, int ms)
{
	uint32_t mask = 0;
	unsigned i;

	*ret = xi_set(ctx, IRQ_DATA_NONE | IRQ_ACT_TRIGGER, idx, v, 1, NULL, 0, NULL, 0, NULL, NULL);
	for (i = 0; i < n; i++) {
		uint64_t c = xi_read(fds[i], i + start == v ? ms : 0);

		if (vals)
			vals[i] = c;
		if (c)
			mask |= 1u << i;
	}
	return mask;
}

#endif
