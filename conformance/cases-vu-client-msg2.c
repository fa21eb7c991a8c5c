/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user client cases, passive, continued from cases-vu-client-msg.c:
 * DMA windows, IRQs and fds, region access, the replies to server DMA
 * requests, reset, DEVICE_FEATURE, migration and DMA logging (digest 3.x,
 * 6.B client checks), judged on a session against a conformant built-in
 * server. A check whose trigger never occurred is NOT-SUPPORTED.
 */
#define _GNU_SOURCE	/* memfd_create in cases-vu-common.h */
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cases-vu-client.h"

/* ---- DMA windows ----------------------------------------------------------------------- */

#define WIN_MAX 64u

struct clm_win {
	uint64_t addr, size;
	uint32_t flags;
	bool fd;
};

struct clm_wins {
	struct clm_win w[WIN_MAX];
	unsigned n;
};

static int win_find(const struct clm_wins *ws, uint64_t addr, uint64_t size, bool exact)
{
	unsigned k;

	for (k = 0; k < ws->n; k++)
		if (exact ? ws->w[k].addr == addr && ws->w[k].size == size
			  : addr < ws->w[k].addr + ws->w[k].size && ws->w[k].addr < addr + size)
			return (int)k;
	return -1;
}

/* Replay the session's DMA_MAP/UNMAP up to event @upto into @ws (mapped = a success reply came). */
static void wins_at(const struct conf_cl_session *s, size_t upto, struct clm_wins *ws)
{
	size_t i;

	ws->n = 0;
	for (i = 0; i < upto && i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];
		int k;

		if (is_cmd(e, CONF_VU_DMA_MAP) && ok_reply(reply_of(s, i)) && ws->n < WIN_MAX)
			ws->w[ws->n++] = (struct clm_win){ rd64(e, 16), rd64(e, 24), rd32(e, 4), e->nfds > 0 };
		if (is_cmd(e, CONF_VU_DMA_UNMAP)) {
			if (rd32(e, 4) & UNMAP_ALL)
				ws->n = 0;
			else if ((k = win_find(ws, rd64(e, 8), rd64(e, 16), true)) >= 0)
				ws->w[k] = ws->w[--ws->n];
		}
	}
}

static int j_map_layout(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];

		if (!is_cmd(e, CONF_VU_DMA_MAP) || !++n)
			continue;
		conf_check(ctx, rd32(e, 0) == 32, "DMA_MAP id %u argsz %u, must be 32", e->hdr.id, rd32(e, 0));
		conf_check(ctx, !(rd32(e, 4) & ~(DMA_READ_F | DMA_WRITE_F)), "DMA_MAP id %u flags 0x%x beyond READ|WRITE",
			   e->hdr.id, rd32(e, 4));
		conf_check(ctx, e->nfds <= 1, "DMA_MAP id %u carries %u fds", e->hdr.id, e->nfds);
		conf_check(ctx, e->nfds || rd64(e, 8) == 0, "DMA_MAP id %u without an fd has offset 0x%llx", e->hdr.id,
			   (unsigned long long)rd64(e, 8));
		conf_check(ctx, rd64(e, 24) && rd64(e, 16) + rd64(e, 24) > rd64(e, 16), "DMA_MAP id %u: empty or wrapping window",
			   e->hdr.id);
	}
	return n;
}

static int j_map_overlap(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	struct clm_wins ws;
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];
		int k;

		if (!is_cmd(e, CONF_VU_DMA_MAP) || !++n)
			continue;
		wins_at(s, i, &ws);
		k = win_find(&ws, rd64(e, 16), rd64(e, 24), false);
		if (k >= 0)
			conf_fail(ctx, "DMA_MAP [0x%llx, +0x%llx) overlaps the mapped window [0x%llx, +0x%llx)",
				  (unsigned long long)rd64(e, 16), (unsigned long long)rd64(e, 24),
				  (unsigned long long)ws.w[k].addr, (unsigned long long)ws.w[k].size);
	}
	return n;
}

static int j_unmap(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	struct clm_wins ws;
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];
		uint32_t f = rd32(e, 4);

		if (!is_cmd(e, CONF_VU_DMA_UNMAP) || !++n)
			continue;
		conf_check(ctx, rd32(e, 0) >= 24, "DMA_UNMAP id %u argsz %u < 24", e->hdr.id, rd32(e, 0));
		conf_check(ctx, !(f & ~0x3u) && f != 0x3u, "DMA_UNMAP id %u flags 0x%x", e->hdr.id, f);
		conf_check(ctx, e->nfds == 0, "DMA_UNMAP id %u carries fds", e->hdr.id);
		if (f & UNMAP_ALL) {
			conf_check(ctx, !rd64(e, 8) && !rd64(e, 16), "DMA_UNMAP ALL id %u with addr/size not 0", e->hdr.id);
			continue;
		}
		wins_at(s, i, &ws);
		conf_check(ctx, win_find(&ws, rd64(e, 8), rd64(e, 16), true) >= 0,
			   "DMA_UNMAP [0x%llx, +0x%llx) matches no mapped window exactly", (unsigned long long)rd64(e, 8),
			   (unsigned long long)rd64(e, 16));
	}
	return n;
}

static int j_maps_max(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	struct clm_caps sc;
	struct clm_wins ws;
	size_t i;
	int n = 0;

	caps_of(s, true, &sc);
	for (i = 0; i < s->nev; i++)
		if (is_cmd(&s->ev[i], CONF_VU_DMA_MAP) && ++n) {
			wins_at(s, i, &ws);
			conf_check(ctx, ws.n < sc.max_maps, "DMA_MAP id %u with %u windows mapped, server max_dma_maps %llu",
				   s->ev[i].hdr.id, ws.n, (unsigned long long)sc.max_maps);
		}
	return n;
}

static int j_pgsizes(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	struct clm_caps sc;
	uint64_t pg;
	size_t i;
	int n = 0;

	caps_of(s, true, &sc);
	pg = sc.pgsizes ? sc.pgsizes & -sc.pgsizes : 4096;	/* the smallest page size offered */
	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];

		if (is_cmd(e, CONF_VU_DMA_MAP) && ++n)
			conf_check(ctx, !(rd64(e, 16) % pg) && !(rd64(e, 24) % pg),
				   "DMA_MAP [0x%llx, +0x%llx) is not aligned to the server's page size 0x%llx",
				   (unsigned long long)rd64(e, 16), (unsigned long long)rd64(e, 24), (unsigned long long)pg);
	}
	return n;
}

/* ---- IRQs ------------------------------------------------------------------------------ */

/* The GET_IRQ_INFO reply for @index before event @upto: 0, or -1 when none. */
static int irq_info_at(const struct conf_cl_session *s, size_t upto, uint32_t index, uint32_t *flags, uint32_t *count)
{
	size_t i;
	int r = -1;

	for (i = 0; i < upto; i++) {
		const struct conf_cl_event *e = &s->ev[i];

		if (e->dir != CLIENT && e->hdr.cmd == CONF_VU_GET_IRQ_INFO && TYPE(e) == 1 &&
		    !(e->hdr.flags & CONF_VU_F_ERROR) && e->len >= 16 && rd32(e, 8) == index) {
			*flags = rd32(e, 4);
			*count = rd32(e, 12);
			r = 0;
		}
	}
	return r;
}

static int j_irqs_argsz(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];
		uint32_t want;

		if (!is_cmd(e, CONF_VU_SET_IRQS) || e->len < 20 || !++n)
			continue;
		want = 20 + ((rd32(e, 4) & IRQ_DATA_BOOL) ? rd32(e, 16) : 0);
		conf_check(ctx, rd32(e, 0) == want, "SET_IRQS id %u flags 0x%x count %u: argsz %u, want %u", e->hdr.id,
			   rd32(e, 4), rd32(e, 16), rd32(e, 0), want);
	}
	return n;
}

static int j_irqs_allowed(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];
		uint32_t f = rd32(e, 4), idx = rd32(e, 8), start = rd32(e, 12), cnt = rd32(e, 16), iflags, icount;

		if (!is_cmd(e, CONF_VU_SET_IRQS) || e->len < 20 || !++n)
			continue;
		if (irq_info_at(s, i, idx, &iflags, &icount) < 0) {
			conf_non_strict(ctx, "SET_IRQS on index %u before any GET_IRQ_INFO of it", idx);
			continue;
		}
		if (f & (IRQ_ACT_MASK | IRQ_ACT_UNMASK))
			conf_check(ctx, iflags & IRQI_MASKABLE, "SET_IRQS %s on index %u, which is not MASKABLE (flags 0x%x)",
				   (f & IRQ_ACT_MASK) ? "MASK" : "UNMASK", idx, iflags);
		if (f & IRQ_DATA_EVENTFD)
			conf_check(ctx, iflags & IRQI_EVENTFD, "SET_IRQS EVENTFD on index %u without EVENTFD (flags 0x%x)", idx,
				   iflags);
		if (cnt)
			conf_check(ctx, start < icount && cnt <= icount - start,
				   "SET_IRQS index %u range [%u, +%u) beyond its %u vectors", idx, start, cnt, icount);
	}
	return n;
}

/* EVENTFD SET_IRQS carry one fd per vector or none (a de-assign), within max_msg_fds. */
static int j_irqs_split(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	struct clm_caps sc;
	size_t i;
	int n = 0;

	caps_of(s, true, &sc);
	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];

		if (!is_cmd(e, CONF_VU_SET_IRQS) || !(rd32(e, 4) & IRQ_DATA_EVENTFD) || !++n)
			continue;
		conf_check(ctx, e->nfds == 0 || e->nfds == rd32(e, 16), "SET_IRQS EVENTFD id %u: count %u with %u fds",
			   e->hdr.id, rd32(e, 16), e->nfds);
		conf_check(ctx, e->nfds <= sc.max_fds, "SET_IRQS id %u carries %u fds, server max_msg_fds %llu", e->hdr.id,
			   e->nfds, (unsigned long long)sc.max_fds);
	}
	return n;
}

static int j_fds_max(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	struct clm_caps sc;
	size_t i;
	int n = 0;

	caps_of(s, true, &sc);
	conf_note(ctx, "server max_msg_fds %llu", (unsigned long long)sc.max_fds);
	for (i = 0; i < s->nev; i++)
		if (s->ev[i].dir == CLIENT && s->ev[i].nfds && ++n)
			conf_check(ctx, s->ev[i].nfds <= sc.max_fds, "cmd %u id %u carries %u fds, server max_msg_fds %llu",
				   s->ev[i].hdr.cmd, s->ev[i].hdr.id, s->ev[i].nfds, (unsigned long long)sc.max_fds);
	return n;
}

/* max_msg_fds 1: SET_IRQS eventfds arrive one per message, each a consistent single-vector range. */
static int j_irqs_fds1(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];

		if (!is_cmd(e, CONF_VU_SET_IRQS) || !(rd32(e, 4) & IRQ_DATA_EVENTFD) || !e->nfds || !++n)
			continue;
		conf_check(ctx, e->nfds <= 1 && rd32(e, 16) == e->nfds,
			   "SET_IRQS EVENTFD id %u index %u start %u count %u with %u fds; max_msg_fds is 1", e->hdr.id,
			   rd32(e, 8), rd32(e, 12), rd32(e, 16), e->nfds);
	}
	return n;
}

static int j_sk02(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];

		if (e->dir != CLIENT || !e->nfds || !++n)
			continue;
		conf_check(ctx, (is_cmd(e, CONF_VU_DMA_MAP) && e->nfds == 1) ||
				(is_cmd(e, CONF_VU_SET_IRQS) && (rd32(e, 4) & IRQ_DATA_EVENTFD) && e->nfds == rd32(e, 16)),
			   "%u fds arrived with cmd %u id %u, which does not take them", e->nfds, e->hdr.cmd, e->hdr.id);
	}
	return n;
}

/* ---- region access --------------------------------------------------------------------- */

static int j_xfer(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	struct clm_caps sc;
	size_t i;
	int n = 0;

	caps_of(s, true, &sc);
	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];

		if ((is_cmd(e, CONF_VU_REGION_READ) || is_cmd(e, CONF_VU_REGION_WRITE)) && ++n)
			conf_check(ctx, rd32(e, 12) <= sc.max_xfer, "%s id %u count %u > server max_data_xfer_size %llu",
				   e->hdr.cmd == CONF_VU_REGION_READ ? "REGION_READ" : "REGION_WRITE", e->hdr.id, rd32(e, 12),
				   (unsigned long long)sc.max_xfer);
	}
	return n;
}

static int j_wm_none(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	struct clm_caps sc;

	caps_of(s, true, &sc);
	if (!sc.seen || sc.wm)
		return 0;
	conf_check(ctx, conf_cl_count(s, CLIENT, CONF_VU_REGION_WRITE_MULTI, 0) == 0,
		   "REGION_WRITE_MULTI sent though the server did not advertise write_multiple");
	return 1;
}

static int j_wm_form(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];
		uint64_t cnt = rd64(e, 0), k;

		if (!is_cmd(e, CONF_VU_REGION_WRITE_MULTI) || !++n)
			continue;
		if (!conf_check(ctx, cnt >= 1 && e->hdr.size - HDR == 8 + 24 * cnt,
				"WRITE_MULTI id %u wr_cnt %llu in %u payload bytes", e->hdr.id, (unsigned long long)cnt,
				e->hdr.size - HDR))
			continue;
		for (k = 0; k < cnt && 8 + 24 * (k + 1) <= e->len; k++)
			conf_check(ctx, rd32(e, (uint32_t)(8 + 24 * k + 12)) <= 8, "WRITE_MULTI id %u entry %llu count %u > 8",
				   e->hdr.id, (unsigned long long)k, rd32(e, (uint32_t)(8 + 24 * k + 12)));
	}
	return n;
}

/* ---- server DMA requests --------------------------------------------------------------- */

static int j_dma_serve(struct conf_ctx *ctx, const struct conf_cl_session *s, uint16_t cmd)
{
	struct clm_wins ws;
	size_t i, j;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *q = &s->ev[i], *r = NULL;
		uint64_t addr = rd64(q, 0), cnt = rd64(q, 8);
		int k;

		if (q->dir != SERVER || TYPE(q) != 0 || q->hdr.cmd != cmd || q->len < 16)
			continue;
		for (j = i + 1; j < s->nev && !r; j++)
			if (s->ev[j].dir == CLIENT && TYPE(&s->ev[j]) == 1 && s->ev[j].hdr.id == q->hdr.id)
				r = &s->ev[j];
		if (!r)
			continue;
		n++;
		wins_at(s, i, &ws);
		k = win_find(&ws, addr, cnt, false);
		if (r->hdr.flags & CONF_VU_F_ERROR) {
			if (k >= 0 && addr >= ws.w[k].addr && addr + cnt <= ws.w[k].addr + ws.w[k].size &&
			    (ws.w[k].flags & (cmd == CONF_VU_DMA_READ ? DMA_READ_F : DMA_WRITE_F)))
				conf_fail(ctx, "%s [0x%llx, +%llu) inside a mapped window refused with error %u",
					  cmd == CONF_VU_DMA_READ ? "DMA_READ" : "DMA_WRITE", (unsigned long long)addr,
					  (unsigned long long)cnt, r->hdr.error);
			continue;
		}
		if (cmd == CONF_VU_DMA_READ) {
			if (conf_check(ctx, r->hdr.size - HDR == 16 + cnt, "DMA_READ id %u count %llu: reply payload %u, want 16 + count",
				       q->hdr.id, (unsigned long long)cnt, r->hdr.size - HDR))
				conf_check(ctx, rd64(r, 0) == addr && rd64(r, 8) == cnt,
					   "DMA_READ id %u reply echoes 0x%llx/%llu, request 0x%llx/%llu", q->hdr.id,
					   (unsigned long long)rd64(r, 0), (unsigned long long)rd64(r, 8),
					   (unsigned long long)addr, (unsigned long long)cnt);
		} else if (r->hdr.size == HDR) {
			conf_non_strict(ctx, "DMA_WRITE id %u answered header-only (QEMU 10.1 style), want a 16-byte echo", q->hdr.id);
		} else if (conf_check(ctx, r->hdr.size - HDR == 16, "DMA_WRITE id %u reply payload %u, want 16", q->hdr.id,
				      r->hdr.size - HDR)) {
			conf_check(ctx, rd64(r, 0) == addr && rd64(r, 8) == cnt, "DMA_WRITE id %u reply echoes 0x%llx/%llu",
				   q->hdr.id, (unsigned long long)rd64(r, 0), (unsigned long long)rd64(r, 8));
		}
	}
	return n;
}

static int j_dma_read(struct conf_ctx *ctx, const struct conf_cl_session *s) { return j_dma_serve(ctx, s, CONF_VU_DMA_READ); }
static int j_dma_write(struct conf_ctx *ctx, const struct conf_cl_session *s) { return j_dma_serve(ctx, s, CONF_VU_DMA_WRITE); }

/* ---- reset, features, migration -------------------------------------------------------- */

static int j_reset(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	long gi = conf_cl_find(s, -1, SERVER, CONF_VU_GET_INFO, 1);
	bool adv = gi >= 0 && !(s->ev[gi].hdr.flags & CONF_VU_F_ERROR) && (rd32(&s->ev[gi], 4) & GI_RESET);
	size_t nreset = conf_cl_count(s, CLIENT, CONF_VU_RESET, 0);

	if (gi < 0)
		return 0;
	if (adv && !nreset)
		return 0;	/* nothing to judge: RESET was allowed and not used */
	conf_check(ctx, adv || !nreset, "%zu DEVICE_RESET sent, GET_INFO did not advertise RESET", nreset);
	return 1;
}

static int j_feature(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];
		uint32_t f = rd32(e, 4);

		if (!is_cmd(e, CONF_VU_DEVICE_FEATURE) || e->len < 8 || !++n)
			continue;
		conf_check(ctx, (f & FEAT_PROBE) || (f & (FEAT_GET | FEAT_SET)) != (FEAT_GET | FEAT_SET),
			   "DEVICE_FEATURE id %u sets GET and SET without PROBE (flags 0x%x)", e->hdr.id, f);
		conf_check(ctx, !(f & FEAT_PROBE) || e->len == 8, "DEVICE_FEATURE PROBE id %u carries %u data bytes",
			   e->hdr.id, e->len - 8);
		if (!(f & (FEAT_GET | FEAT_SET | FEAT_PROBE)))
			conf_non_strict(ctx, "DEVICE_FEATURE id %u has no operation bit (flags 0x%x)", e->hdr.id, f);
	}
	return n;
}

static bool is_feat(const struct conf_cl_event *e, uint32_t op, uint32_t idx)
{
	return is_cmd(e, CONF_VU_DEVICE_FEATURE) && (rd32(e, 4) & (FEAT_GET | FEAT_SET | FEAT_PROBE)) == op &&
	       (rd32(e, 4) & FEAT_MASK) == idx;
}

static uint64_t mig_flags_at(const struct conf_cl_session *s, size_t upto)
{
	uint64_t fl = 0;
	size_t i;

	for (i = 0; i < upto; i++) {
		const struct conf_cl_event *r;

		if (is_feat(&s->ev[i], FEAT_GET, FEAT_MIGRATION) && ok_reply(r = reply_of(s, i)) && r->len >= 16)
			fl = rd64(r, 8);
	}
	return fl;
}

static int j_mig_states(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];
		uint32_t st = rd32(e, 8);

		if (!is_feat(e, FEAT_SET, FEAT_MIG_STATE) || e->len < 16 || !++n)
			continue;
		conf_check(ctx, st != MS_ERROR && st != MS_RUNNING_P2P && st != MS_PRE_COPY_P2P && st < 8,
			   "MIG_DEVICE_STATE SET to %u (ERROR, P2P and values >= 8 are never requested)", st);
		if (st == MS_PRE_COPY)
			conf_check(ctx, mig_flags_at(s, i) & MIG_PRE_COPY_F,
				   "PRE_COPY requested, MIGRATION did not advertise it (flags 0x%llx)",
				   (unsigned long long)mig_flags_at(s, i));
	}
	return n;
}

/* Legal requests (digest 3.14) and MIG_DATA only in its states, read to a short read. */
static int j_mig_fsm(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	uint32_t state = MS_RUNNING;
	bool short_read = false;
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i], *r;

		if (is_feat(e, FEAT_SET, FEAT_MIG_STATE) && e->len >= 16) {
			uint32_t to = rd32(e, 8);

			n++;
			conf_check(ctx, !(state == MS_STOP_COPY && to == MS_PRE_COPY), "STOP_COPY -> PRE_COPY requested");
			if (state == MS_STOP_COPY && to != MS_STOP_COPY && !short_read)
				conf_non_strict(ctx, "left STOP_COPY for %u before a short MIG_DATA_READ ended the stream", to);
			if (ok_reply(reply_of(s, i))) {
				if (to != state)
					short_read = false;
				state = to;
			}
		} else if (is_cmd(e, CONF_VU_MIG_DATA_READ)) {
			n++;
			conf_check(ctx, state == MS_PRE_COPY || state == MS_STOP_COPY, "MIG_DATA_READ in state %u", state);
			if (ok_reply(r = reply_of(s, i)) && r->len >= 8 && rd32(r, 4) < rd32(e, 4))
				short_read = true;
		} else if (is_cmd(e, CONF_VU_MIG_DATA_WRITE)) {
			n++;
			conf_check(ctx, state == MS_RESUMING, "MIG_DATA_WRITE in state %u", state);
		}
	}
	return n;
}

static int j_logging(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	bool on = false;
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];

		if (is_feat(e, FEAT_SET, FEAT_LOG_START) && ok_reply(reply_of(s, i)))
			on = true;
		else if (is_feat(e, FEAT_SET, FEAT_LOG_STOP) && ok_reply(reply_of(s, i)))
			on = false;
		else if (is_feat(e, FEAT_GET, FEAT_LOG_REPORT) && ++n) {
			uint64_t pg = rd64(e, 24);

			conf_check(ctx, on, "DMA_LOGGING_REPORT id %u outside START..STOP", e->hdr.id);
			conf_check(ctx, pg && !(pg & (pg - 1)), "DMA_LOGGING_REPORT id %u page_size 0x%llx not a power of two",
				   e->hdr.id, (unsigned long long)pg);
		}
	}
	return n;
}

/* ---- the table ------------------------------------------------------------------------ */

#define R(id, cfg, judge, why) static const struct clm_row id = { cfg, judge, why }
R(r_map, CFG_DEF, j_map_layout, "the client sent no DMA_MAP");
R(r_overlap, CFG_DEF, j_map_overlap, "the client sent no DMA_MAP");
R(r_unmap, CFG_DEF, j_unmap, "the client sent no DMA_UNMAP");
R(r_azirq, CFG_DEF, j_irqs_argsz, "the client sent no SET_IRQS");
R(r_irqok, CFG_DEF, j_irqs_allowed, "the client sent no SET_IRQS");
R(r_split, CFG_DEF, j_irqs_split, "the client sent no SET_IRQS with DATA_EVENTFD");
R(r_split1, CFG_FDS1, j_irqs_split, "the client sent no SET_IRQS with DATA_EVENTFD");
R(r_fds, CFG_DEF, j_fds_max, "the client sent no fds");
R(r_fds1, CFG_FDS1, j_fds_max, "the client sent no fds");
R(r_irq1, CFG_FDS1, j_irqs_fds1, "the client sent no SET_IRQS with eventfds");
R(r_xfer, CFG_DEF, j_xfer, "the client sent no REGION_READ/REGION_WRITE");
R(r_xfer64, CFG_XFER64, j_xfer, "the client sent no REGION_READ/REGION_WRITE");
R(r_wmno, CFG_DEF, j_wm_none, "the server advertised write_multiple");
R(r_wm, CFG_WM, j_wm_form, "the client sent no REGION_WRITE_MULTI");
R(r_feat, CFG_DEF, j_feature, "the client sent no DEVICE_FEATURE");
R(r_migst, CFG_DEF, j_mig_states, "the client set no MIG_DEVICE_STATE");
R(r_fsm, CFG_DEF, j_mig_fsm, "the client drove no migration");
R(r_reset, CFG_DEF, j_reset, "RESET was advertised and the client sent none (or no GET_INFO)");
R(r_dmard, CFG_DEF, j_dma_read, "the server sent no DMA_READ the client answered");
R(r_dmawr, CFG_DEF, j_dma_write, "the server sent no DMA_WRITE the client answered");
R(r_maps, CFG_DEF, j_maps_max, "the client sent no DMA_MAP");
R(r_maps1, CFG_MAPS1, j_maps_max, "the client sent no DMA_MAP");
R(r_pg, CFG_DEF, j_pgsizes, "the client sent no DMA_MAP");
R(r_pg2m, CFG_PG2M, j_pgsizes, "the client sent no DMA_MAP");
R(r_log, CFG_DEF, j_logging, "the client sent no DMA_LOGGING_REPORT");
R(r_sk02, CFG_DEF, j_sk02, "the client sent no fds");
R(r_sk02b, CFG_FDS1, j_sk02, "the client sent no fds");
#undef R

/* ---- VU-CX-03: what the client maps ------------------------------------------------------- */

/* The region fds the server handed out (from the GET_REGION_INFO replies
 * the proxy forwards), with their mmap-able areas; and what the client's
 * processes have mapped of them, from /proc/PID/maps, looked at after each
 * client message. Each case runs in a process of its own. */
#define CX3_REGIONS 16
#define CX3_AREAS 16
static struct {
	struct {
		dev_t dev;
		ino_t ino;
		uint64_t offset;	/* region info offset: where the region starts in the fd */
		unsigned nareas;
		uint64_t aoff[CX3_AREAS], asize[CX3_AREAS];
	} r[CX3_REGIONS];
	unsigned nr, maps, bad;
	char what[200];
} cx3;

static int cx3_on_server(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	uint32_t flags, cap, off, hops;
	struct stat st;
	uint64_t roff, rsize;

	if ((m->hdr.flags & CONF_VU_F_TYPE_MASK) != CONF_VU_F_REPLY || m->hdr.cmd != CONF_VU_GET_REGION_INFO ||
	    !m->nfds || m->len < 32 || cx3.nr == CX3_REGIONS || fstat(m->fds[0], &st) < 0)
		return CONF_CL_FORWARD;
	memcpy(&flags, m->payload + 4, 4);
	memcpy(&cap, m->payload + 12, 4);
	memcpy(&rsize, m->payload + 16, 8);
	memcpy(&roff, m->payload + 24, 8);
	cx3.r[cx3.nr].dev = st.st_dev;
	cx3.r[cx3.nr].ino = st.st_ino;
	cx3.r[cx3.nr].offset = roff;
	cx3.r[cx3.nr].nareas = 0;
	/* the SPARSE_MMAP capability (id 1), else the whole region if MMAP (digest 3.5, 4.1) */
	for (off = (flags & 0x8) ? cap : 0, hops = 0; off && off + 16 <= m->len && hops < 16; hops++) {
		uint16_t id;
		uint32_t next, n, a;

		memcpy(&id, m->payload + off, 2);
		memcpy(&next, m->payload + off + 4, 4);
		if (id == 1) {
			memcpy(&n, m->payload + off + 8, 4);
			for (a = 0; a < n && a < CX3_AREAS && off + 16 + (a + 1) * 16 <= m->len; a++) {
				memcpy(&cx3.r[cx3.nr].aoff[a], m->payload + off + 16 + a * 16, 8);
				memcpy(&cx3.r[cx3.nr].asize[a], m->payload + off + 24 + a * 16, 8);
			}
			cx3.r[cx3.nr].nareas = a;
			break;
		}
		off = next > off ? next : 0;
	}
	if (!cx3.r[cx3.nr].nareas && (flags & 0x4)) {
		cx3.r[cx3.nr].aoff[0] = 0;
		cx3.r[cx3.nr].asize[0] = rsize;
		cx3.r[cx3.nr].nareas = 1;
	}
	cx3.nr++;
	return CONF_CL_FORWARD;
}

/* One line of /proc/PID/maps: is it a mapping of a region fd, and inside an area? */
static void cx3_mapping(const char *line)
{
	unsigned long long start, end, foff, ino;
	unsigned maj, min, i, a;

	if (sscanf(line, "%llx-%llx %*s %llx %x:%x %llu", &start, &end, &foff, &maj, &min, &ino) != 6 || !ino)
		return;
	for (i = 0; i < cx3.nr; i++) {
		if (cx3.r[i].ino != (ino_t)ino || major(cx3.r[i].dev) != maj || minor(cx3.r[i].dev) != min)
			continue;
		cx3.maps++;
		for (a = 0; a < cx3.r[i].nareas; a++) {
			uint64_t lo = cx3.r[i].offset + cx3.r[i].aoff[a], hi = lo + cx3.r[i].asize[a];

			/* mappings come in whole pages: the area's pages */
			lo &= ~0xfffull;
			hi = (hi + 0xfff) & ~0xfffull;
			if (foff >= lo && foff + (end - start) <= hi)
				return;
		}
		if (!cx3.bad++)
			snprintf(cx3.what, sizeof(cx3.what), "fd offset 0x%llx, 0x%llx bytes: in no sparse area of "
				 "its region (region offset 0x%llx)", foff, end - start,
				 (unsigned long long)cx3.r[i].offset);
		return;
	}
}

static int cx3_on_client(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	int pgid = conf_cl_client_pgid(p);
	struct dirent *d;
	DIR *dir;

	if (!cx3.nr || pgid <= 0 || !(dir = opendir("/proc")))
		return CONF_CL_FORWARD;
	while ((d = readdir(dir))) {
		char path[64], line[512], *rp;
		FILE *f;
		int grp = -1;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/stat", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		/* pid (comm) state ppid pgrp: comm may hold spaces and ')' */
		if (fgets(line, sizeof(line), f) && (rp = strrchr(line, ')')))
			sscanf(rp + 1, " %*c %*d %d", &grp);
		fclose(f);
		if (grp != pgid)
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/maps", d->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			cx3_mapping(line);
		if (f)
			fclose(f);
	}
	closedir(dir);
	return CONF_CL_FORWARD;
}

static int cx3_run(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct conf_cl_script sc;
	struct conf_cl_session s;

	memset(&sc, 0, sizeof(sc));
	memset(&cx3, 0, sizeof(cx3));
	sc.on_server = cx3_on_server;
	sc.on_client = cx3_on_client;
	if (conf_cl_run(ctx, &sc, &s) < 0)
		return conf_pass(ctx) > CONF_HARNESS_ERROR ? conf_pass(ctx) : CONF_HARNESS_ERROR;
	if (conf_cl_judge_basic(ctx, &s) != CONF_HARNESS_ERROR) {
		conf_note(ctx, "%u region fds handed out; %u mapping sightings of them", cx3.nr, cx3.maps);
		if (cx3.bad)
			conf_fail(ctx, "the client mapped a region fd outside the sparse areas (%u times); first: %s",
				  cx3.bad, cx3.what);
		else if (!cx3.nr)
			conf_not_supported(ctx, "the server handed out no region fd");
		else if (!cx3.maps)
			conf_not_supported(ctx, "the client mapped no region fd while it talked to the server");
	}
	conf_cl_session_free(&s);
	return conf_pass(ctx);
}

#define C CONF_ROLE_CLIENT

static const struct conf_case cases[] = {
	{ "VU-CLM-025", "VU-CL-13", C, NULL, clm_run, &r_map, "DMA_MAP: argsz 32, READ|WRITE flags, <= 1 fd, offset 0 without fd" },
	{ "VU-CLM-026", "VU-CL-13", C, NULL, clm_run, &r_overlap, "DMA_MAP windows never overlap a mapped one" },
	{ "VU-CLM-027", "VU-CL-13", C, NULL, clm_run, &r_unmap, "DMA_UNMAP matches a mapping exactly, or is ALL with 0/0" },
	{ "VU-CLM-028", "VU-AZ-05", C, NULL, clm_run, &r_azirq, "SET_IRQS argsz is 20 + the bool data bytes" },
	{ "VU-CLM-029", "VU-CX-01", C, NULL, clm_run, &r_irqok, "SET_IRQS only as GET_IRQ_INFO allows: MASK/UNMASK on MASKABLE" },
	{ "VU-CLM-030", "VU-CX-02", C, NULL, clm_run, &r_split, "EVENTFD SET_IRQS carry count fds or none" },
	{ "VU-CLM-031", "VU-CX-02", C, NULL, clm_run, &r_split1, "EVENTFD SET_IRQS carry count fds or none, max_msg_fds 1" },
	{ "VU-CLM-032", "VU-SK-05", C, NULL, clm_run, &r_fds, "no message carries more fds than the server's max_msg_fds" },
	{ "VU-CLM-033", "VU-SK-05", C, NULL, clm_run, &r_fds1, "with max_msg_fds 1 no message carries 2 fds" },
	{ "VU-CLM-034", "VU-CL-05", C, NULL, clm_run, &r_irq1, "with max_msg_fds 1 SET_IRQS eventfds come one per message" },
	{ "VU-CLM-035", "VU-CL-06", C, NULL, clm_run, &r_xfer, "region access counts stay within the server's max_data_xfer_size" },
	{ "VU-CLM-036", "VU-CL-06", C, NULL, clm_run, &r_xfer64, "with max_data_xfer_size 64 no region access exceeds 64" },
	{ "VU-CLM-037", "VU-CL-07", C, NULL, clm_run, &r_wmno, "no REGION_WRITE_MULTI without write_multiple" },
	{ "VU-CLM-038", "VU-CL-07", C, NULL, clm_run, &r_wm, "with write_multiple REGION_WRITE_MULTI is well-formed" },
	{ "VU-CLM-039", "VU-CX-15", C, NULL, clm_run, &r_feat, "DEVICE_FEATURE: no GET|SET without PROBE, PROBE without data" },
	{ "VU-CLM-040", "VU-CX-16", C, NULL, clm_run, &r_migst, "migration requests never ERROR, P2P, or unadvertised PRE_COPY" },
	{ "VU-CLM-041", "VU-CL-22", C, NULL, clm_run, &r_fsm, "legal FSM requests; MIG_DATA in its states, read to a short read" },
	{ "VU-CLM-042", "VU-CL-22", C, NULL, clm_run, &r_reset, "DEVICE_RESET only when GET_INFO advertised RESET" },
	{ "VU-CLM-043", "VU-CL-14", C, NULL, clm_run, &r_dmard, "device DMA_READ: the reply echoes address and count, data at 16" },
	{ "VU-CLM-044", "VU-CL-15", C, NULL, clm_run, &r_dmawr, "device DMA_WRITE: a 16-byte echo of address and count" },
	{ "VU-CLM-045", "VU-CP-04", C, NULL, clm_run, &r_maps, "DMA windows within the server's max_dma_maps" },
	{ "VU-CLM-046", "VU-CP-04", C, NULL, clm_run, &r_maps1, "with max_dma_maps 1 at most one window at once" },
	{ "VU-CLM-047", "VU-CP-05", C, NULL, clm_run, &r_pg, "DMA windows aligned to the server's pgsizes" },
	{ "VU-CLM-048", "VU-CP-05", C, NULL, clm_run, &r_pg2m, "with pgsizes 2 MiB DMA windows are 2 MiB aligned" },
	{ "VU-CLM-049", "VU-CX-11", C, NULL, clm_run, &r_log, "DMA_LOGGING_REPORT only between START and STOP, power-of-two pages" },
	{ "VU-CLM-050", "VU-SK-02", C, NULL, clm_run, &r_sk02, "fds arrive only with DMA_MAP and EVENTFD SET_IRQS" },
	{ "VU-CLM-051", "VU-SK-02", C, NULL, clm_run, &r_sk02b, "fds arrive only with the messages they belong to, max_msg_fds 1" },
	{ "VU-CLM-052", "VU-CX-03", C, NULL, cx3_run, NULL,
	  "the client maps region fds only over sparse areas, at region offset + area offset" },
};

#undef C

const struct conf_table conf_vu_client_msg2_table = { cases, sizeof(cases) / sizeof(cases[0]) };
