/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user server cases: server-initiated DMA (DMA_READ/DMA_WRITE, digest
 * 3.10) and the windows behind it. GET_REGION_IO_FDS and error-reply shapes
 * are in cases-vu-dma2.c. Expectations come from the spec digest, never sim/.
 *
 * Only one device has a known DMA trigger: vfsim's DMA engine. Its register
 * block (the device's datasheet: SRC u64 @0, DST u64 @8, LEN u32 @0x10,
 * DOORBELL u32 @0x14, write 1 = copy LEN bytes SRC -> DST; STATUS u32 @0x18,
 * RW1C, bit0 DONE, bit1 ERROR) sits where the profile's "engine" says. The
 * cases play the client: they keep the memory behind each window, answer the
 * server's DMA requests while waiting for their own replies, and judge every
 * request. The target is the engine when discovery found it
 * (CONF_FEAT_DMA_ENGINE) or, for an undiscovered server (--socket,
 * --server-cmd), when its config-space IDs are the profile's; else the cases
 * are NOT-SUPPORTED. (Not a `needs`: the runner discovers no features of
 * socket targets, and these cases must run against `vfsim serve --quirk`.)
 */
#define _GNU_SOURCE	/* memfd_create */
#include <stdio.h>
#include <time.h>

#include "cases-vu-common.h"

#define ENG_SRC 0x00u
#define ENG_DST 0x08u
#define ENG_LEN 0x10u
#define ENG_DOORBELL 0x14u
#define ENG_STATUS 0x18u
#define ENG_DONE 1u
#define ENG_ERROR 2u

#define DD_NWIN 3
#define DD_FD_PAD 0x1000u		/* canary bytes after a window in its memfd (before it: its offset) */
#define DD_MAX_MSGS 4096		/* messages one wait may service */
#define DD_HOLD_MS 60			/* how long a wrong-id reply is given before the right one */

/* The client's memory behind one window: malloc'd without an fd, the mmap'd
 * memfd with one. @snap is the expected contents, kept in step with what the
 * device was asked to do. */
struct dd_win {
	uint64_t base, size;
	uint32_t prot;
	bool mapped;
	int fd;				/* -1: no fd */
	uint8_t *back, *snap;
	size_t blen, boff;		/* backing size; offset of the window's first byte in it */
};

enum dd_policy {
	DD_ANSWER,			/* answer every request as the spec says */
	DD_EFAULT,			/* first DMA_READ: header-only error reply, EFAULT */
	DD_ERR0,			/* first DMA_READ: ERROR flag with error 0 */
	DD_ERR_PAYLOAD,			/* first DMA_READ: error EFAULT carrying 16 + count bytes */
	DD_WRONG_ID,			/* first DMA_READ: poison under another msg_id, the right reply later */
	DD_BAD_ECHO,			/* first DMA_READ: the right data, address echoed + 8 */
	DD_SHORT,			/* first DMA_READ: count echoed, half the data */
	DD_GET_INFO,			/* first DMA_READ: send a GET_INFO, then answer */
};

struct dd {
	struct conf_ctx *ctx;
	uint32_t bar;
	uint64_t regs;			/* the engine's block inside the BAR */
	uint64_t max_xfer;		/* the max_data_xfer_size we told the server */
	struct dd_win w[DD_NWIN];
	enum dd_policy pol;
	bool pol_done, hold, closed, info_sent, info_got;
	uint16_t info_id, hold_id;
	uint64_t hold_addr, hold_count;
	unsigned nread, nwrite;
};

/* ---- the client's side of server DMA ------------------------------------------------------- */

static struct dd_win *dd_find(struct dd *d, uint64_t addr, uint64_t count)
{
	unsigned i;

	for (i = 0; i < DD_NWIN; i++) {
		struct dd_win *w = &d->w[i];

		if (w->mapped && addr >= w->base && addr - w->base <= w->size && count <= w->size - (addr - w->base))
			return w;
	}
	return NULL;
}

static uint8_t *dd_ptr(struct dd_win *w, uint64_t addr)
{
	return w->back + w->boff + (addr - w->base);
}

static int dd_send_err(struct dd *d, uint16_t id, uint16_t cmd, uint32_t err, const void *p, size_t len)
{
	struct conf_vu_hdr h = { .id = id, .cmd = cmd, .size = (uint32_t)(16 + len),
				 .flags = CONF_VU_F_REPLY | CONF_VU_F_ERROR, .error = err };

	return conf_vu_send_raw(d->ctx, &h, p, len, NULL, 0);
}

static int dd_send_read_reply(struct dd *d, uint16_t id, uint64_t addr, uint64_t count, const uint8_t *data,
			      size_t datalen)
{
	uint8_t *p = malloc(16 + datalen);
	int r;

	if (!p)
		return -ENOMEM;
	memcpy(p, &addr, 8);
	memcpy(p + 8, &count, 8);
	memcpy(p + 16, data, datalen);
	r = conf_vu_send(d->ctx, id, CONF_VU_DMA_READ, CONF_VU_F_REPLY, p, 16 + datalen, NULL, 0);
	free(p);
	return r;
}

/* The first DMA_READ under a fault policy: answer it the scripted way. */
static void dd_fault_reply(struct dd *d, const struct conf_vu_msg *m, uint64_t addr, uint64_t count, uint8_t *src)
{
	uint8_t *poison = malloc(16 + count);

	d->pol_done = true;
	if (!poison)
		return;
	memset(poison, 0xee, 16 + count);
	switch (d->pol) {
	case DD_EFAULT:
		dd_send_err(d, m->hdr.id, m->hdr.cmd, EFAULT, NULL, 0);
		break;
	case DD_ERR0:
		dd_send_err(d, m->hdr.id, m->hdr.cmd, 0, NULL, 0);
		break;
	case DD_ERR_PAYLOAD:
		dd_send_err(d, m->hdr.id, m->hdr.cmd, EFAULT, poison, 16 + count);
		break;
	case DD_WRONG_ID:
		dd_send_read_reply(d, (uint16_t)(m->hdr.id ^ 0x5a5a), addr, count, poison, count);
		d->hold = true;
		d->hold_id = m->hdr.id;
		d->hold_addr = addr;
		d->hold_count = count;
		break;
	case DD_BAD_ECHO:
		dd_send_read_reply(d, m->hdr.id, addr + 8, count, src, count);
		break;
	case DD_SHORT:
		dd_send_read_reply(d, m->hdr.id, addr, count, src, count / 2);
		break;
	default:
		break;
	}
	free(poison);
}

/* Judge one server request (3.10) and answer it as a client would. */
static void dd_serve(struct dd *d, const struct conf_vu_msg *m)
{
	struct conf_ctx *ctx = d->ctx;
	bool rd = m->hdr.cmd == CONF_VU_DMA_READ, noreply = m->hdr.flags & CONF_VU_F_NO_REPLY;
	uint64_t addr, count;
	struct dd_win *w;
	int err = 0;

	conf_check(ctx, !rd || !noreply, "DMA_READ id=%u sets NO_REPLY: its reply carries the data", m->hdr.id);
	if (m->len < 16) {
		conf_fail(ctx, "%s id=%u payload %u bytes, want 16 {address u64, count u64} first",
			  rd ? "DMA_READ" : "DMA_WRITE", m->hdr.id, m->len);
		err = EINVAL;
		goto reply;
	}
	memcpy(&addr, m->payload, 8);
	memcpy(&count, m->payload + 8, 8);
	if (rd ? m->len != 16 : count != m->len - 16u) {
		conf_fail(ctx, "%s id=%u payload %u bytes for count %llu, want %s", rd ? "DMA_READ" : "DMA_WRITE",
			  m->hdr.id, m->len, (unsigned long long)count, rd ? "16" : "16 + count (data at offset 16)");
		err = EINVAL;
		goto reply;
	}
	if (count > d->max_xfer) {
		conf_fail(ctx, "%s count %llu exceeds our max_data_xfer_size %llu", rd ? "DMA_READ" : "DMA_WRITE",
			  (unsigned long long)count, (unsigned long long)d->max_xfer);
		err = E2BIG;
		goto reply;
	}
	w = dd_find(d, addr, count);
	if (!w) {
		conf_fail(ctx, "%s [0x%llx, +0x%llx) lies in no window mapped now", rd ? "DMA_READ" : "DMA_WRITE",
			  (unsigned long long)addr, (unsigned long long)count);
		err = EFAULT;
		goto reply;
	}
	if (!(w->prot & (rd ? DMA_READ_F : DMA_WRITE_F))) {
		conf_fail(ctx, "%s at 0x%llx: the window was mapped without %s", rd ? "DMA_READ" : "DMA_WRITE",
			  (unsigned long long)addr, rd ? "READ" : "WRITE");
		err = EPERM;
		goto reply;
	}
	if (rd) {
		d->nread++;
		if (d->pol != DD_ANSWER && d->pol != DD_GET_INFO && !d->pol_done) {
			dd_fault_reply(d, m, addr, count, dd_ptr(w, addr));
			return;
		}
		if (d->pol == DD_GET_INFO && !d->pol_done) {
			struct vd_info gi = { .argsz = sizeof(gi) };

			d->pol_done = d->info_sent = true;
			d->info_id = conf_vu_id(ctx);
			conf_note(ctx, "sending GET_INFO id=%u before answering DMA_READ id=%u", d->info_id, m->hdr.id);
			conf_vu_send(ctx, d->info_id, CONF_VU_GET_INFO, 0, &gi, sizeof(gi), NULL, 0);
		}
		dd_send_read_reply(d, m->hdr.id, addr, count, dd_ptr(w, addr), count);
		return;
	}
	d->nwrite++;
	memcpy(dd_ptr(w, addr), m->payload + 16, count);
	if (!noreply)
		conf_vu_send(ctx, m->hdr.id, CONF_VU_DMA_WRITE, CONF_VU_F_REPLY, m->payload, 16, NULL, 0);
	return;
reply:
	if (!noreply)
		dd_send_err(d, m->hdr.id, m->hdr.cmd, (uint32_t)err, NULL, 0);
}

/* Wait for the reply to our request (@id, @cmd), servicing server requests
 * meanwhile. As conf_vu_call: 0, -errno of an error reply, or a transport error. */
static int dd_wait(struct dd *d, uint16_t id, uint16_t cmd, struct conf_vu_msg *reply)
{
	struct conf_ctx *ctx = d->ctx;
	unsigned i;
	int r;

	memset(reply, 0, sizeof(*reply));
	for (i = 0; i < DD_MAX_MSGS; i++) {
		struct conf_vu_msg m;
		unsigned type;

		r = conf_vu_recv(ctx, &m, d->hold ? DD_HOLD_MS : 0);
		if (r == -ETIMEDOUT && d->hold) {
			struct dd_win *w = dd_find(d, d->hold_addr, d->hold_count);

			conf_note(ctx, "no reaction to the wrong id: answering DMA_READ id=%u properly", d->hold_id);
			d->hold = false;
			if (w)
				dd_send_read_reply(d, d->hold_id, d->hold_addr, d->hold_count, dd_ptr(w, d->hold_addr),
						   d->hold_count);
			continue;
		}
		if (r < 0) {
			d->closed = r == -ECONNRESET;
			return r;
		}
		type = m.hdr.flags & CONF_VU_F_TYPE_MASK;
		/* A new request or our reply: the server is done with the held one. */
		if (type == 0 || (m.hdr.id == id && m.hdr.cmd == cmd))
			d->hold = false;
		if (type == 0 && (m.hdr.cmd == CONF_VU_DMA_READ || m.hdr.cmd == CONF_VU_DMA_WRITE)) {
			dd_serve(d, &m);
		} else if (type == 0) {
			conf_fail(ctx, "the server sent command %u, not a server-to-client command", m.hdr.cmd);
			dd_send_err(d, m.hdr.id, m.hdr.cmd, ENOSYS, NULL, 0);
		} else if (m.hdr.id == id && m.hdr.cmd == cmd) {
			*reply = m;
			if (m.hdr.flags & CONF_VU_F_ERROR)
				return m.hdr.error ? -(int)m.hdr.error : -EINVAL;
			return 0;
		} else if (d->info_sent && m.hdr.id == d->info_id && m.hdr.cmd == CONF_VU_GET_INFO) {
			d->info_got = true;
			conf_check(ctx, !(m.hdr.flags & CONF_VU_F_ERROR), "the interleaved GET_INFO failed (%u)",
				   m.hdr.error);
		} else {
			conf_note(ctx, "a reply id=%u cmd=%u answers none of our pending requests", m.hdr.id, m.hdr.cmd);
		}
		conf_vu_msg_free(&m);
	}
	conf_fail(ctx, "more than %u server messages while waiting for one reply", DD_MAX_MSGS);
	return -EPROTO;
}

/* Send a command and wait for its reply (kept in @reply unless NULL). */
static int dd_call(struct dd *d, uint16_t cmd, const void *p, size_t len, struct conf_vu_msg *reply)
{
	uint16_t id = conf_vu_id(d->ctx);
	struct conf_vu_msg m;
	int r = conf_vu_send(d->ctx, id, cmd, 0, p, len, NULL, 0);

	memset(&m, 0, sizeof(m));
	if (r == 0)
		r = dd_wait(d, id, cmd, &m);
	if (reply)
		*reply = m;
	else
		conf_vu_msg_free(&m);
	return r;
}

static int dd_reg_write(struct dd *d, uint32_t reg, uint64_t v, uint32_t size)
{
	uint8_t p[sizeof(struct vd_access) + 8];
	struct vd_access a = { .offset = d->regs + reg, .region = d->bar, .count = size };

	memcpy(p, &a, sizeof(a));
	memcpy(p + sizeof(a), &v, size);
	return dd_call(d, CONF_VU_REGION_WRITE, p, sizeof(a) + size, NULL);
}

static int dd_status(struct dd *d, uint32_t *st)
{
	struct vd_access a = { .offset = d->regs + ENG_STATUS, .region = d->bar, .count = 4 };
	int i, r;

	/* A device that completes after the doorbell's reply gets a few polls. */
	for (i = 0; i < 10; i++) {
		struct timespec ts = { 0, 2 * 1000 * 1000 };
		struct conf_vu_msg m;

		r = dd_call(d, CONF_VU_REGION_READ, &a, sizeof(a), &m);
		if (r == 0 && m.len != sizeof(a) + 4)
			r = -EPROTO;
		if (r == 0)
			memcpy(st, m.payload + sizeof(a), 4);
		conf_vu_msg_free(&m);
		if (r < 0 || (*st & (ENG_DONE | ENG_ERROR)))
			return r;
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* Program one copy and ring the doorbell; *st gets STATUS afterwards. A
 * failing register write is FAIL (REGION_WRITE of a register must work). */
static int dd_ring(struct dd *d, uint64_t src, uint64_t dst, uint32_t len, uint32_t *st)
{
	static const struct {
		uint32_t reg, size;
	} seq[] = { { ENG_STATUS, 4 }, { ENG_SRC, 8 }, { ENG_DST, 8 }, { ENG_LEN, 4 }, { ENG_DOORBELL, 4 } };
	uint64_t v[] = { ENG_DONE | ENG_ERROR, src, dst, len, 1 };
	size_t i;
	int r;

	*st = 0;
	d->nread = d->nwrite = 0;
	conf_note(d->ctx, "engine: copy 0x%x bytes 0x%llx -> 0x%llx", len, (unsigned long long)src,
		  (unsigned long long)dst);
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		r = dd_reg_write(d, seq[i].reg, v[i], seq[i].size);
		if (r < 0) {
			if (!d->closed)
				conf_fail(d->ctx, "REGION_WRITE of engine register 0x%x failed: %s", seq[i].reg,
					  conf_errno_name(r));
			return r;
		}
	}
	r = dd_status(d, st);
	if (r < 0 && !d->closed)
		conf_fail(d->ctx, "REGION_READ of STATUS failed: %s", conf_errno_name(r));
	conf_note(d->ctx, "engine: STATUS 0x%x after %u DMA_READ, %u DMA_WRITE", *st, d->nread, d->nwrite);
	return r;
}

/* ---- windows and the expected memory ------------------------------------------------------- */

/* Map window @i: @fdoff < 0 without an fd, else a memfd with the window at
 * that offset and DD_FD_PAD canary bytes after it. */
static int dd_map(struct dd *d, unsigned i, uint64_t base, uint32_t prot, long fdoff)
{
	struct dd_win *w = &d->w[i];
	struct vd_map mp = { .argsz = sizeof(mp), .flags = prot, .addr = base, .size = MAP_SIZE };
	struct conf_vu_msg m;
	unsigned k;
	int r;

	w->base = base;
	w->size = MAP_SIZE;
	w->prot = prot;
	w->boff = fdoff < 0 ? 0 : (size_t)fdoff;
	w->blen = w->boff + MAP_SIZE + (fdoff < 0 ? 0 : DD_FD_PAD);
	if (fdoff >= 0) {
		w->fd = memfd_create("vfsim-conf-dma", MFD_CLOEXEC);
		if (w->fd < 0 || ftruncate(w->fd, (off_t)w->blen) < 0)
			return conf_harness_error(d->ctx, "memfd failed");
		w->back = mmap(NULL, w->blen, PROT_READ | PROT_WRITE, MAP_SHARED, w->fd, 0);
		if (w->back == MAP_FAILED) {
			w->back = NULL;
			return conf_harness_error(d->ctx, "mmap of the memfd failed");
		}
		mp.offset = w->boff;
	} else {
		w->back = calloc(1, w->blen);
	}
	w->snap = malloc(w->blen);
	if (!w->back || !w->snap)
		return conf_harness_error(d->ctx, "out of memory");
	for (k = 0; k < w->blen; k++)
		w->back[k] = (uint8_t)conf_rand(d->ctx);
	r = vd_call_fds(d->ctx, CONF_VU_DMA_MAP, &mp, sizeof(mp), &w->fd, fdoff < 0 ? 0 : 1, &m);
	conf_vu_msg_free(&m);
	if (r < 0)
		return conf_fail(d->ctx, "setup: DMA_MAP [0x%llx, +0x%llx)%s failed: %s", (unsigned long long)base,
				 (unsigned long long)MAP_SIZE, fdoff < 0 ? "" : " with a memfd", conf_errno_name(r));
	w->mapped = true;
	return CONF_PASS;
}

static int dd_unmap(struct dd *d, uint32_t flags, uint64_t addr, uint64_t size)
{
	unsigned i;
	int r = dd_call(d, CONF_VU_DMA_UNMAP, &(struct vd_unmap){ sizeof(struct vd_unmap), flags, addr, size },
			sizeof(struct vd_unmap), NULL);

	for (i = 0; r == 0 && i < DD_NWIN; i++)
		if ((flags & UNMAP_ALL) || (d->w[i].base == addr && d->w[i].size == size))
			d->w[i].mapped = false;
	return r;
}

static void dd_snapshot(struct dd *d)
{
	unsigned i;

	for (i = 0; i < DD_NWIN; i++)
		if (d->w[i].back)
			memcpy(d->w[i].snap, d->w[i].back, d->w[i].blen);
}

/* Apply the copy the device was asked to make to the expected memory. */
static void dd_expect_copy(struct dd *d, uint64_t src, uint64_t dst, uint32_t len)
{
	struct dd_win *ws = dd_find(d, src, len), *wd = dd_find(d, dst, len);

	if (ws && wd)
		memmove(wd->snap + wd->boff + (dst - wd->base), ws->snap + ws->boff + (src - ws->base), len);
}

/* Compare each window's memory (canaries of a memfd included) with the
 * expected contents; @what names the situation. */
static bool dd_memory_ok(struct dd *d, const char *what)
{
	unsigned i;
	size_t k;

	for (i = 0; i < DD_NWIN; i++) {
		struct dd_win *w = &d->w[i];

		if (!w->back)
			continue;
		for (k = 0; k < w->blen && w->back[k] == w->snap[k]; k++)
			;
		if (k < w->blen) {
			long rel = (long)k - (long)w->boff;

			return conf_check(d->ctx, false, "%s: window 0x%llx byte %s0x%lx is 0x%02x, want 0x%02x", what,
					  (unsigned long long)w->base, rel < 0 ? "-" : "+", rel < 0 ? -rel : rel,
					  w->back[k], w->snap[k]);
		}
	}
	return true;
}

static void dd_free(struct dd *d)
{
	unsigned i;

	for (i = 0; i < DD_NWIN; i++) {
		struct dd_win *w = &d->w[i];

		if (w->fd >= 0) {
			if (w->back)
				munmap(w->back, w->blen);
			close(w->fd);
		} else {
			free(w->back);
		}
		free(w->snap);
	}
}

/* ---- is the target the engine? --------------------------------------------------------------- */

static bool dd_json_u64(struct json_object *o, const char *key, uint64_t *v)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, key, &x))
		return false;
	if (json_object_is_type(x, json_type_int))
		*v = (uint64_t)json_object_get_int64(x);
	else if (json_object_is_type(x, json_type_string))
		*v = strtoull(json_object_get_string(x), NULL, 0);
	else
		return false;
	return true;
}

/* The profile's engine and IDs; for an undiscovered target, the device's IDs
 * in config space must be the profile's. */
static int dd_locate(struct dd *d)
{
	static const struct {
		const char *key;
		uint32_t off;
	} ids[] = { { "vendor_id", 0 }, { "device_id", 2 }, { "subsys_vendor_id", 0x2c }, { "subsys_id", 0x2e } };
	const struct conf_target *t = d->ctx->target;
	struct json_object *top = t->profile_path ? json_object_from_file(t->profile_path) : NULL, *eng;
	uint64_t bar = 0, off = 0, want;
	size_t i;
	int r = CONF_PASS;

	if (!top || !json_object_object_get_ex(top, "engine", &eng) || !json_object_is_type(eng, json_type_object)) {
		json_object_put(top);
		return conf_not_supported(d->ctx, "the device is not vfsim's DMA engine (dma-engine: the profile has no "
					  "\"engine\"), so nothing makes it DMA on demand");
	}
	dd_json_u64(eng, "bar", &bar);
	dd_json_u64(eng, "offset", &off);
	d->bar = (uint32_t)bar;
	d->regs = off;
	if (!(t->features & CONF_FEAT_DMA_ENGINE)) {
		for (i = 0; i < sizeof(ids) / sizeof(ids[0]) && r == CONF_PASS; i++) {
			uint16_t have = 0;

			if (dd_json_u64(top, ids[i].key, &want) &&
			    (cfg_read(d->ctx, ids[i].off, &have, 2) < 0 || have != (uint16_t)want))
				r = conf_not_supported(d->ctx, "the device's IDs are not the profile's: it is not vfsim's "
							"DMA engine, so nothing makes it DMA on demand");
		}
	}
	json_object_put(top);
	return r;
}

static int dd_setup(struct conf_ctx *ctx, struct dd *d, const char *json, uint64_t max_xfer)
{
	struct conf_vu_msg m;
	unsigned i;
	int r;

	memset(d, 0, sizeof(*d));
	d->ctx = ctx;
	for (i = 0; i < DD_NWIN; i++)
		d->w[i].fd = -1;
	d->max_xfer = max_xfer ? max_xfer : DEFAULT_XFER;
	r = conf_vu_version(ctx, 0, 0, json ? json : "{\"capabilities\":{\"max_msg_fds\":16}}", &m);
	conf_vu_msg_free(&m);
	if (r < 0)
		return conf_harness_error(ctx, "setup: VERSION 0.0 failed: %s", conf_errno_name(r));
	return dd_locate(d);
}

/* ---- server DMA cases -------------------------------------------------------------------------- */

#define W0 MAP_BASE
#define W1 (MAP_BASE * 2)
#define RW (DMA_READ_F | DMA_WRITE_F)

struct sd_row {
	int (*fn)(struct dd *d, const struct sd_row *row);
	enum dd_policy pol;
	unsigned variant;		/* scenario-specific: see each function */
	uint64_t max_xfer;		/* 0: propose none (default 1 MiB) */
	uint32_t src_off, dst_off, len;	/* within W0 (dst in W1 where the scenario says) */
	long fdoff;			/* the first window's memfd offset; -1: no fd */
};

static int sd_case(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct sd_row *row = c->arg;
	char json[128];
	struct dd d;

	snprintf(json, sizeof(json), "{\"capabilities\":{\"max_msg_fds\":16,\"max_data_xfer_size\":%llu}}",
		 (unsigned long long)row->max_xfer);
	if (dd_setup(ctx, &d, row->max_xfer ? json : NULL, row->max_xfer) == CONF_PASS) {
		d.pol = row->pol;
		row->fn(&d, row);
	}
	dd_free(&d);
	return conf_pass(ctx);
}

/* One copy that must succeed: DONE, the expected memory, data through messages
 * when a window has no fd. */
static void sd_copy_ok(struct dd *d, uint64_t src, uint64_t dst, uint32_t len, bool messages)
{
	uint32_t st;

	dd_snapshot(d);
	dd_expect_copy(d, src, dst, len);
	if (dd_ring(d, src, dst, len, &st) < 0)
		return;
	conf_check(d->ctx, (st & (ENG_DONE | ENG_ERROR)) == ENG_DONE, "engine STATUS 0x%x, want DONE", st);
	dd_memory_ok(d, "after the copy");
	if (messages)
		conf_check(d->ctx, d->nread && d->nwrite, "%u DMA_READ and %u DMA_WRITE for a copy within windows "
			   "mapped without an fd; want both", d->nread, d->nwrite);
}

/* One copy that must fail without touching memory. */
static void sd_copy_fails(struct dd *d, uint64_t src, uint64_t dst, uint32_t len, const char *why)
{
	uint32_t st;

	dd_snapshot(d);
	if (dd_ring(d, src, dst, len, &st) < 0)
		return;
	conf_check(d->ctx, (st & (ENG_DONE | ENG_ERROR)) == ENG_ERROR, "engine STATUS 0x%x after a copy %s; want "
		   "ERROR", st, why);
	dd_memory_ok(d, why);
}

/* A copy inside window 0; variant 1: after a refused partial DMA_UNMAP of it. */
static int sd_within(struct dd *d, const struct sd_row *row)
{
	if (dd_map(d, 0, W0, RW, row->fdoff) != CONF_PASS)
		return conf_pass(d->ctx);
	if (row->variant == 1)
		expect_err(d->ctx, "DMA_UNMAP of the first half", dd_unmap(d, 0, W0, MAP_SIZE / 2), -ENOENT, false);
	sd_copy_ok(d, W0 + row->src_off, W0 + row->dst_off, row->len, row->fdoff < 0);
	if (row->max_xfer && d->nread)
		conf_check(d->ctx, d->nread >= (row->len + row->max_xfer - 1) / row->max_xfer,
			   "%u DMA_READ for 0x%x bytes under a max_data_xfer_size of %llu", d->nread, row->len,
			   (unsigned long long)row->max_xfer);
	return conf_pass(d->ctx);
}

/* src in window 0 (fd per row), dst in window 1 (no fd). */
static int sd_across(struct dd *d, const struct sd_row *row)
{
	if (dd_map(d, 0, W0, RW, row->fdoff) == CONF_PASS && dd_map(d, 1, W1, RW, -1) == CONF_PASS)
		sd_copy_ok(d, W0 + row->src_off, W1 + row->dst_off, row->len, false);
	conf_check(d->ctx, d->nwrite > 0, "no DMA_WRITE for a copy into a window mapped without an fd");
	return conf_pass(d->ctx);
}

static int sd_interleave(struct dd *d, const struct sd_row *row)
{
	if (dd_map(d, 0, W0, RW, -1) != CONF_PASS)
		return conf_pass(d->ctx);
	sd_copy_ok(d, W0 + row->src_off, W0 + row->dst_off, row->len, true);
	if (!d->closed && d->info_sent && !d->info_got) {
		struct conf_vu_msg m;

		/* Not answered yet: it must come, after the doorbell at the latest. */
		if (dd_wait(d, d->info_id, CONF_VU_GET_INFO, &m) == 0)
			d->info_got = true;
		conf_vu_msg_free(&m);
	}
	conf_check(d->ctx, !d->info_sent || d->info_got, "the GET_INFO sent while a DMA_READ was pending got no "
		   "reply: deadlock");
	return conf_pass(d->ctx);
}

static int sd_wrong_id(struct dd *d, const struct sd_row *row)
{
	uint64_t src = W0 + row->src_off, dst = W0 + row->dst_off;
	uint32_t st;

	if (dd_map(d, 0, W0, RW, -1) != CONF_PASS)
		return conf_pass(d->ctx);
	dd_snapshot(d);
	if (dd_ring(d, src, dst, row->len, &st) < 0) {
		if (d->closed)
			conf_note(d->ctx, "the server closed the connection after the reply with a wrong id");
		return conf_pass(d->ctx);
	}
	/* Either it failed the DMA (memory untouched) or it waited for the
	 * right id (memory holds the copy); never the poison. */
	if (st & ENG_DONE)
		dd_expect_copy(d, src, dst, row->len);
	dd_memory_ok(d, st & ENG_DONE ? "copy completed after a reply with a wrong id" :
		     "copy failed after a reply with a wrong id");
	return conf_pass(d->ctx);
}

/* Copy, unmap (variant 1: ALL, with a second window), copy again. */
static int sd_after_unmap(struct dd *d, const struct sd_row *row)
{
	bool all = row->variant == 1;
	int r;

	if (dd_map(d, 0, W0, RW, row->fdoff) != CONF_PASS || (all && dd_map(d, 1, W1, RW, -1) != CONF_PASS))
		return conf_pass(d->ctx);
	sd_copy_ok(d, W0 + row->src_off, W0 + row->dst_off, row->len, row->fdoff < 0);
	if (conf_pass(d->ctx) != CONF_PASS)
		return conf_pass(d->ctx);
	r = all ? dd_unmap(d, UNMAP_ALL, 0, 0) : dd_unmap(d, 0, W0, MAP_SIZE);
	if (conf_expect_errno(d->ctx, all ? "DMA_UNMAP ALL" : "exact DMA_UNMAP", r, 0, true) != CONF_PASS)
		return conf_pass(d->ctx);
	/* Kept as expected memory only: the server must not touch it now. */
	sd_copy_fails(d, W0 + row->dst_off, W0 + row->src_off, row->len, "in an unmapped window");
	conf_check(d->ctx, d->nread + d->nwrite == 0, "%u DMA requests after the window was unmapped",
		   d->nread + d->nwrite);
	return conf_pass(d->ctx);
}

/* variant 0: the dst window is READ-only; 1: the src window is WRITE-only. */
static int sd_prot(struct dd *d, const struct sd_row *row)
{
	bool ro_dst = row->variant == 0;

	if (dd_map(d, 0, W0, ro_dst ? RW : DMA_WRITE_F, -1) != CONF_PASS ||
	    dd_map(d, 1, W1, ro_dst ? DMA_READ_F : RW, -1) != CONF_PASS)
		return conf_pass(d->ctx);
	sd_copy_fails(d, W0 + row->src_off, W1 + row->dst_off, row->len,
		      ro_dst ? "into a window without WRITE" : "from a window without READ");
	return conf_pass(d->ctx);
}

/* A faulty reply to the first DMA_READ fails that copy, leaves memory alone,
 * and the connection and the next copy work. */
static int sd_fault(struct dd *d, const struct sd_row *row)
{
	if (dd_map(d, 0, W0, RW, -1) != CONF_PASS)
		return conf_pass(d->ctx);
	sd_copy_fails(d, W0 + row->src_off, W0 + row->dst_off, row->len, "whose DMA_READ got a faulty reply");
	if (d->closed)
		return conf_fail(d->ctx, "the server closed the connection after a well-framed reply to its DMA_READ");
	d->pol = DD_ANSWER;
	sd_copy_ok(d, W0 + row->src_off, W0 + row->dst_off, row->len, true);
	return conf_pass(d->ctx);
}

static const struct sd_row sd_plain = { sd_within, DD_ANSWER, 0, 0, 0x100, 0x8000, 0x100, -1 };
static const struct sd_row sd_layout = { sd_within, DD_ANSWER, 0, 0, 0x333, 0x9000, 0xc8, -1 };
static const struct sd_row sd_split4k = { sd_within, DD_ANSWER, 0, 4096, 0x10, 0x8000, 10000, -1 };
static const struct sd_row sd_split512 = { sd_within, DD_ANSWER, 0, 512, 0x3, 0x7001, 1500, -1 };
static const struct sd_row sd_two = { sd_across, DD_ANSWER, 0, 0, 0x40, 0x200, 0x300, -1 };
static const struct sd_row sd_mixed = { sd_across, DD_ANSWER, 0, 0, 0x40, 0x200, 0x300, 0 };
static const struct sd_row sd_or = { sd_interleave, DD_GET_INFO, 0, 0, 0x100, 0x8000, 0x80, -1 };
static const struct sd_row sd_id = { sd_wrong_id, DD_WRONG_ID, 0, 0, 0x100, 0x8000, 0x80, -1 };
static const struct sd_row sd_unmap = { sd_after_unmap, DD_ANSWER, 0, 0, 0x100, 0x8000, 0x80, -1 };
static const struct sd_row sd_unmap_all = { sd_after_unmap, DD_ANSWER, 1, 0, 0x100, 0x8000, 0x80, -1 };
static const struct sd_row sd_unmap_fd = { sd_after_unmap, DD_ANSWER, 0, 0, 0x100, 0x8000, 0x80, 0 };
static const struct sd_row sd_partial = { sd_within, DD_ANSWER, 1, 0, 0x100, 0x8000, 0x80, -1 };
static const struct sd_row sd_ro = { sd_prot, DD_ANSWER, 0, 0, 0x100, 0x100, 0x80, -1 };
static const struct sd_row sd_wo = { sd_prot, DD_ANSWER, 1, 0, 0x100, 0x100, 0x80, -1 };
static const struct sd_row sd_efault = { sd_fault, DD_EFAULT, 0, 0, 0x100, 0x8000, 0x80, -1 };
static const struct sd_row sd_err0 = { sd_fault, DD_ERR0, 0, 0, 0x100, 0x8000, 0x80, -1 };
static const struct sd_row sd_errpl = { sd_fault, DD_ERR_PAYLOAD, 0, 0, 0x100, 0x8000, 0x80, -1 };
static const struct sd_row sd_echo = { sd_fault, DD_BAD_ECHO, 0, 0, 0x100, 0x8000, 0x80, -1 };
static const struct sd_row sd_short = { sd_fault, DD_SHORT, 0, 0, 0x100, 0x8000, 0x80, -1 };
static const struct sd_row sd_fd0 = { sd_within, DD_ANSWER, 0, 0, 0x100, 0x8000, 0x100, 0 };
static const struct sd_row sd_fd_off = { sd_within, DD_ANSWER, 0, 0, 0x400, 0x4000, 0x100, 0x2000 };
static const struct sd_row sd_fd_edges = { sd_within, DD_ANSWER, 0, 0, 0x0, 0xff00, 0x100, 0x1000 };

/* ---- the table --------------------------------------------------------------------------------- */

#define S CONF_ROLE_SERVER

static const struct conf_case cases[] = {
	{ "VU-SRV-SD-001", "VU-DM-02", S, NULL, sd_case, &sd_plain,
	  "engine copy inside a window mapped without an fd: DMA_READ/DMA_WRITE messages, data correct" },
	{ "VU-SRV-SD-002", "VU-SD-03", S, NULL, sd_case, &sd_layout,
	  "DMA_READ is 16 bytes {address, count}; DMA_WRITE is 16 + count with the data at offset 16" },
	{ "VU-SRV-SD-003", "VU-SD-01", S, NULL, sd_case, &sd_two,
	  "a copy between two windows: every DMA request lies inside a mapped window" },
	{ "VU-SRV-SD-004", "VU-SZ-01", S, NULL, sd_case, &sd_split4k,
	  "max_data_xfer_size 4096: a 10000-byte copy arrives as requests of count <= 4096" },
	{ "VU-SRV-SD-005", "VU-SZ-01", S, NULL, sd_case, &sd_split512,
	  "max_data_xfer_size 512: an unaligned 1500-byte copy arrives as requests of count <= 512" },
	{ "VU-SRV-SD-006", "VU-NR-04", S, NULL, sd_case, &sd_plain, "no DMA_READ the server sends sets NO_REPLY" },
	{ "VU-SRV-SD-007", "VU-OR-02", S, NULL, sd_case, &sd_or,
	  "a GET_INFO sent while the server's DMA_READ awaits its reply is answered: no deadlock" },
	{ "VU-SRV-SD-008", "VU-ID-03", S, NULL, sd_case, &sd_id,
	  "a DMA_READ reply under another msg_id is not taken as the reply" },
	{ "VU-SRV-SD-009", "VU-DM-11", S, NULL, sd_case, &sd_unmap,
	  "after DMA_UNMAP no DMA request targets the window and the device's copy fails" },
	{ "VU-SRV-SD-010", "VU-DM-10", S, NULL, sd_case, &sd_unmap_all,
	  "after DMA_UNMAP ALL no DMA request is sent and the device's copy fails" },
	{ "VU-SRV-SD-011", "VU-DM-11", S, NULL, sd_case, &sd_unmap_fd,
	  "after DMA_UNMAP of a memfd window the device no longer touches the memfd" },
	{ "VU-SRV-SD-012", "VU-DM-09", S, NULL, sd_case, &sd_partial,
	  "after a refused partial DMA_UNMAP the window still serves DMA" },
	{ "VU-SRV-SD-013", "VU-SD-02", S, NULL, sd_case, &sd_ro,
	  "a copy into a window mapped without WRITE fails with no DMA_WRITE" },
	{ "VU-SRV-SD-014", "VU-SD-02", S, NULL, sd_case, &sd_wo,
	  "a copy from a window mapped without READ fails with no DMA_READ" },
	{ "VU-SRV-SD-015", "VU-ER-03", S, NULL, sd_case, &sd_efault,
	  "an EFAULT reply to DMA_READ fails the copy; the connection and the next copy work" },
	{ "VU-SRV-SD-016", "VU-ER-03", S, NULL, sd_case, &sd_err0,
	  "an ERROR reply with error 0 to DMA_READ still fails the copy" },
	{ "VU-SRV-SD-017", "VU-ER-02", S, NULL, sd_case, &sd_errpl,
	  "an error reply to DMA_READ carrying a payload is consumed whole: copy fails, stream in sync" },
	{ "VU-SRV-SD-018", "VU-SD-04", S, NULL, sd_case, &sd_echo,
	  "a DMA_READ reply echoing another address fails the copy" },
	{ "VU-SRV-SD-019", "VU-SD-04", S, NULL, sd_case, &sd_short,
	  "a DMA_READ reply with half the data fails the copy" },
	{ "VU-SRV-SD-020", "VU-DM-01", S, NULL, sd_case, &sd_fd0, "an engine copy inside a memfd window lands in the memfd" },
	{ "VU-SRV-SD-021", "VU-MP-03", S, NULL, sd_case, &sd_fd_off,
	  "with a memfd at offset 0x2000, DMA address addr + k is fd byte 0x2000 + k" },
	{ "VU-SRV-SD-022", "VU-SD-06", S, NULL, sd_case, &sd_fd_edges,
	  "a copy from the first to the last bytes of a memfd window leaves the fd outside it untouched" },
	{ "VU-SRV-SD-023", "VU-DM-02", S, NULL, sd_case, &sd_mixed,
	  "a copy from a memfd window into a window without an fd arrives as DMA_WRITE with the fd's data" },
};

#undef S

const struct conf_table conf_vu_dma_table = { cases, sizeof(cases) / sizeof(cases[0]) };
