/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user client cases, active: while one command reply is held back, the
 * proxy injects server requests (DMA_READ/DMA_WRITE to mapped and unmapped
 * addresses, oversized, short, with fds, unknown commands, reused ids,
 * NO_REPLY), or disconnects at a chosen point; the session is then judged
 * by the reactions the spec digest allows (sections 1.x, 3.x, 6.B). Every
 * reaction the spec leaves open is accepted.
 */
#define _GNU_SOURCE	/* memfd_create in cases-vu-common.h */
#include "cases-vu-client-react.h"

static bool pick_target(void)
{
	unsigned k;

	for (k = 0; k < st.nwin; k++)
		if ((st.win[k].flags & (DMA_READ_F | DMA_WRITE_F)) == (DMA_READ_F | DMA_WRITE_F) && st.win[k].size >= DMA_N) {
			st.target = st.win[k].addr + st.win[k].size - DMA_N;
			return true;
		}
	return false;
}

/* ---- injected server requests ------------------------------------------------------------- */

static int inj_send(struct conf_cl_proxy *p, uint16_t cmd, uint32_t flags, uint64_t addr, uint64_t count,
		    const void *data, size_t dlen, size_t plen, const int *fds, unsigned nfds, bool same_id)
{
	struct conf_vu_hdr h = { same_id ? st.last_id : conf_cl_fresh_id(p), cmd, 0, flags, 0 };
	uint8_t *buf = calloc(1, 16 + dlen);
	int r;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, &addr, 8);
	memcpy(buf + 8, &count, 8);
	if (dlen && data)
		memcpy(buf + 16, data, dlen);
	st.last_id = h.id;
	r = conf_cl_to_client(p, &h, buf, plen ? plen : 16 + dlen, fds, nfds, false);
	free(buf);
	return r < 0 ? r : h.id;
}

/* Send step @k; returns the id to await, or -1 when the step expects no reply (a fence follows). */
static int inj_step(struct conf_cl_proxy *p, unsigned k)
{
	uint8_t pat[DMA_N];
	uint64_t big;
	int r = -1, wfd[1] = { -1 }, rfd[1] = { -1 };
	unsigned i;
	void *huge;

	for (i = 0; i < DMA_N; i++)
		pat[i] = (uint8_t)(0xa5 ^ (i * 7));
	switch (st.row->steps[k]) {
	case S_SAVE: case S_READ: return inj_send(p, CONF_VU_DMA_READ, 0, st.target, DMA_N, NULL, 0, 0, NULL, 0, false);
	case S_PAT: return inj_send(p, CONF_VU_DMA_WRITE, 0, st.target, DMA_N, pat, DMA_N, 0, NULL, 0, false);
	case S_RESTORE: return inj_send(p, CONF_VU_DMA_WRITE, 0, st.target, DMA_N, st.saved, DMA_N, 0, NULL, 0, false);
	case S_RESTORE_NR:
		inj_send(p, CONF_VU_DMA_WRITE, CONF_VU_F_NO_REPLY, st.target, DMA_N, st.saved, DMA_N, 0, NULL, 0, false);
		return -1;
	case S_RD_UNMAP: inj_send(p, CONF_VU_DMA_READ, 0, UNMAPPED, DMA_N, NULL, 0, 0, NULL, 0, false); return -1;
	case S_WR_UNMAP: inj_send(p, CONF_VU_DMA_WRITE, 0, UNMAPPED, DMA_N, pat, DMA_N, 0, NULL, 0, false); return -1;
	case S_WR_UNMAP_NR:
		inj_send(p, CONF_VU_DMA_WRITE, CONF_VU_F_NO_REPLY, UNMAPPED, DMA_N, pat, DMA_N, 0, NULL, 0, false);
		return -1;
	case S_RD_BIG:
		big = (st.cl_xfer ? st.cl_xfer : DEFAULT_XFER) + 1;
		inj_send(p, CONF_VU_DMA_READ, 0, st.target, big, NULL, 0, 0, NULL, 0, false);
		return -1;
	case S_WR_HUGE:
		big = (st.cl_xfer ? st.cl_xfer : DEFAULT_XFER) + 64;
		if (big > (4u << 20) || !(huge = calloc(1, big)))
			return -1;
		inj_send(p, CONF_VU_DMA_WRITE, 0, st.target, big, huge, big, 0, NULL, 0, false);
		free(huge);
		return -1;
	case S_SHORT: inj_send(p, CONF_VU_DMA_READ, 0, st.target, DMA_N, NULL, 0, 8, NULL, 0, false); return -1;
	case S_WR_SHORTDATA:
		inj_send(p, CONF_VU_DMA_WRITE, 0, st.target, 2 * DMA_N, st.saved, DMA_N, 0, NULL, 0, false);
		return -1;
	case S_RD_FDS:
		if (conf_vu_pipes(1, rfd, wfd) == 0) {
			inj_send(p, CONF_VU_DMA_READ, 0, st.target, DMA_N, NULL, 0, 0, wfd, 1, false);
			close(wfd[0]);
			st.fd_r = rfd[0];
		}
		return -1;
	case S_UNKNOWN: inj_send(p, 0x3f, 0, st.target, DMA_N, NULL, 0, 0, NULL, 0, false); return -1;
	case S_CLCMD: inj_send(p, CONF_VU_GET_INFO, 0, 16, 0, NULL, 0, 0, NULL, 0, false); return -1;
	case S_SAMEID: inj_send(p, CONF_VU_DMA_READ, 0, st.target, DMA_N, NULL, 0, 0, NULL, 0, true); return -1;
	case S_READ_NA: inj_send(p, CONF_VU_DMA_READ, 0, st.target, DMA_N, NULL, 0, 0, NULL, 0, false); return -1;
	case S_FENCE: return inj_send(p, CONF_VU_DMA_READ, 0, st.target, 8, NULL, 0, 0, NULL, 0, false);
	}
	return r;
}

/* Send steps from st.step until one awaits a reply; release the held reply after the last. */
static void inj_advance(struct conf_cl_proxy *p)
{
	while (st.step < NSTEPS && st.row->steps[st.step] != S_NONE) {
		int id = inj_step(p, st.step++);

		if (id >= 0) {
			st.await = id;
			return;
		}
	}
	st.await = -1;
	if (st.fd_r >= 0) {
		/* Closed by now, or soon after the client answered the fence. */
		struct pollfd pfd = { .fd = st.fd_r, .events = POLLIN };
		char b;

		st.fd_closed = poll(&pfd, 1, 200) > 0 && read(st.fd_r, &b, 1) == 0;
		close(st.fd_r);
		st.fd_r = -1;
	}
	conf_cl_release(p);
}

static int i_server(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	track_server(m);
	if (st.started || !is_reply(m, st.row->cmd) || m->hdr.cmd == CONF_VU_VERSION || m->hdr.cmd == CONF_VU_DMA_MAP ||
	    m->hdr.cmd == CONF_VU_DMA_UNMAP || !pick_target())
		return CONF_CL_FORWARD;
	st.started = true;
	conf_note(conf_cl_ctx(p), "holding the reply id %u cmd %u; injecting at 0x%llx", m->hdr.id, m->hdr.cmd,
		  (unsigned long long)st.target);
	if (st.row->steps[0] == S_NONE) {
		/* Disconnect while a server request is pending at the client. */
		conf_cl_mark_fault(p);
		inj_send(p, CONF_VU_DMA_READ, 0, st.target, DMA_N, NULL, 0, 0, NULL, 0, false);
		return CONF_CL_STOP;
	}
	conf_cl_mark_fault(p);
	inj_advance(p);
	return st.await >= 0 || st.step < NSTEPS ? CONF_CL_HOLD : CONF_CL_FORWARD;
}

static int i_client(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	track_client(m);
	if (st.await < 0 || (m->hdr.flags & CONF_VU_F_TYPE_MASK) != 1)
		return CONF_CL_FORWARD;
	/* Any reply moves the script on (a wrong id is judged afterwards, not waited for). */
	if (st.row->steps[st.step - 1] == S_SAVE && m->len >= 16 + DMA_N && m->hdr.id == st.await)
		memcpy(st.saved, m->payload + 16, DMA_N);
	inj_advance(p);
	return CONF_CL_FORWARD;
}

/* ---- disconnects ----------------------------------------------------------------------------- */

/* mode 0: STOP at the client's first command after VERSION; 2: a reply cut inside its header;
 * 3: a reply with payload cut inside its payload. */
static int d_client(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	track_client(m);
	if (st.row->mode != 0 || st.done || (m->hdr.flags & CONF_VU_F_TYPE_MASK) != 0 || m->hdr.cmd == CONF_VU_VERSION)
		return CONF_CL_FORWARD;
	st.done = true;
	conf_cl_mark_fault(p);
	return CONF_CL_STOP;
}

static int d_server(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	uint8_t buf[HDR + 64];
	uint32_t n;

	if (st.done || !is_reply(m, 0) || m->hdr.cmd == CONF_VU_VERSION || (st.row->mode == 3 && m->len < 8))
		return CONF_CL_FORWARD;
	st.done = true;
	memcpy(buf, &m->hdr, HDR);
	n = st.row->mode == 2 ? 7 : HDR + (m->len / 2 < 64 ? m->len / 2 : 64);
	if (n > HDR)
		memcpy(buf + HDR, m->payload, n - HDR);
	conf_cl_mark_fault(p);
	conf_cl_to_client_bytes(p, buf, n);
	return CONF_CL_STOP;
}

/* ---- judging ---------------------------------------------------------------------------------- */

/* The @k-th injected server command and the client's reply to it (the @nth with that id). */
static long injected(const struct conf_cl_session *s, unsigned k)
{
	size_t i;

	for (i = 0; i < s->nev; i++)
		if (s->ev[i].dir == CONF_CL_INJECTED && TYPE(&s->ev[i]) == 0 && !k--)
			return (long)i;
	return -1;
}

static const struct conf_cl_event *answer(const struct conf_cl_session *s, long q, unsigned nth)
{
	size_t i;

	for (i = q < 0 ? s->nev : (size_t)q + 1; i < s->nev; i++)
		if (s->ev[i].dir == CLIENT && TYPE(&s->ev[i]) == 1 && s->ev[i].hdr.id == s->ev[q].hdr.id && !nth--)
			return &s->ev[i];
	return NULL;
}

/* The reply to injected step @k: present, an error when @err, with the DMA echo otherwise. */
static const struct conf_cl_event *step_reply(struct conf_ctx *ctx, const struct conf_cl_session *s, unsigned k)
{
	long q = injected(s, k);

	return q < 0 ? NULL : answer(s, q, 0);
}

static bool dma_ok(struct conf_ctx *ctx, const struct conf_cl_session *s, unsigned k, const char *what)
{
	long q = injected(s, k);
	const struct conf_cl_event *r = q < 0 ? NULL : answer(s, q, 0);

	if (!conf_check(ctx, r != NULL, "%s: no reply", what) ||
	    !conf_check(ctx, !(r->hdr.flags & CONF_VU_F_ERROR), "%s inside a mapped window refused (error %u)", what,
			r->hdr.error))
		return false;
	conf_check(ctx, r->hdr.cmd == s->ev[q].hdr.cmd, "%s: reply cmd %u", what, r->hdr.cmd);
	if (s->ev[q].hdr.cmd == CONF_VU_DMA_WRITE) {
		if (r->hdr.size == HDR)
			return conf_non_strict(ctx, "%s answered header-only (QEMU 10.1 style), want a 16-byte echo", what), true;
		return conf_check(ctx, r->len == 16 && rd64(r, 0) == st.target && rd64(r, 8) == DMA_N,
				  "%s: reply %u bytes, echo 0x%llx/%llu", what, r->len, (unsigned long long)rd64(r, 0),
				  (unsigned long long)rd64(r, 8));
	}
	return conf_check(ctx, r->len == 16 + rd64(&s->ev[q], 8) && rd64(r, 0) == rd64(&s->ev[q], 0) &&
				      rd64(r, 8) == rd64(&s->ev[q], 8),
			  "%s: reply %u bytes echoing 0x%llx/%llu; want 16 + count with the echo (data at offset 16)", what,
			  r->len, (unsigned long long)rd64(r, 0), (unsigned long long)rd64(r, 8));
}

static int jr_inject_start(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	int v = conf_cl_judge_basic(ctx, s);

	if (v != CONF_PASS)
		return v;
	if (s->fault_at < 0)
		return conf_not_supported(ctx, row->why_not);
	return CONF_PASS;
}

/* Steps S_SAVE, S_PAT, S_READ, S_RESTORE. */
static int jr_dma_rw(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	const struct conf_cl_event *r;
	uint8_t pat[DMA_N];
	unsigned i;

	if (jr_inject_start(ctx, s, row) != CONF_PASS)
		return conf_pass(ctx);
	for (i = 0; i < DMA_N; i++)
		pat[i] = (uint8_t)(0xa5 ^ (i * 7));
	if (row->mode == 14) {
		dma_ok(ctx, s, 0, "DMA_READ of a mapped window");
	} else {
		dma_ok(ctx, s, 1, "DMA_WRITE of a mapped window");
	}
	if (dma_ok(ctx, s, 2, "DMA_READ after the DMA_WRITE") && (r = step_reply(ctx, s, 2)))
		conf_check(ctx, !memcmp(r->payload + 16, pat, DMA_N),
			   "DMA_READ after a DMA_WRITE of a pattern returns other bytes: %s",
			   row->want == 14 ? "the read does not return guest memory" : "the write did not reach guest memory");
	dma_ok(ctx, s, 3, "DMA_WRITE restoring the window");
	return conf_pass(ctx);
}

/* Every reply to an injected request echoes its msg_id and cmd with TYPE REPLY. */
static int jr_echo(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	size_t i, j;

	if (jr_inject_start(ctx, s, row) != CONF_PASS)
		return conf_pass(ctx);
	for (i = (size_t)s->fault_at; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];
		bool match = false;

		if (e->dir != CLIENT || TYPE(e) != 1)
			continue;
		for (j = 0; j < i && !match; j++)
			match = s->ev[j].dir != CLIENT && TYPE(&s->ev[j]) == 0 && s->ev[j].hdr.id == e->hdr.id &&
				s->ev[j].hdr.cmd == e->hdr.cmd;
		conf_check(ctx, match, "reply id %u cmd %u matches no request the server sent", e->hdr.id, e->hdr.cmd);
	}
	for (i = 0; injected(s, (unsigned)i) >= 0; i++)
		conf_check(ctx, answer(s, injected(s, (unsigned)i), 0) != NULL, "server request id %u got no reply",
			   s->ev[injected(s, (unsigned)i)].hdr.id);
	return conf_pass(ctx);
}

static int jr_same_id(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	long q;

	if (jr_inject_start(ctx, s, row) != CONF_PASS)
		return conf_pass(ctx);
	q = injected(s, 0);
	conf_check(ctx, answer(s, q, 1) != NULL, "two DMA_READs with msg_id %u got %s", s->ev[q].hdr.id,
		   answer(s, q, 0) ? "one reply" : "no reply");
	return conf_pass(ctx);
}

/* Step @row->mode is NO_REPLY: no reply at all; the fence after it is answered. */
static int jr_no_reply(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	long q;

	if (jr_inject_start(ctx, s, row) != CONF_PASS)
		return conf_pass(ctx);
	q = injected(s, (unsigned)row->mode);
	if (!conf_check(ctx, q >= 0 && !answer(s, q, 0), "the NO_REPLY request id %u was answered (flags 0x%x)",
			q >= 0 ? s->ev[q].hdr.id : 0, q >= 0 && answer(s, q, 0) ? answer(s, q, 0)->hdr.flags : 0))
		return conf_pass(ctx);
	if (!step_reply(ctx, s, (unsigned)row->mode + 1))
		return conf_not_supported(ctx, "the fence after the NO_REPLY request was not answered either");
	return conf_pass(ctx);
}

/* Step @row->mode must get an error reply with errno row->cmd (0: any). */
static int jr_error(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	const struct conf_cl_event *r;

	if (jr_inject_start(ctx, s, row) != CONF_PASS)
		return conf_pass(ctx);
	r = step_reply(ctx, s, (unsigned)row->mode);
	if (!r && row->want == J_EITHER && (s->end == CONF_CL_END_EXIT || s->end == CONF_CL_END_CLOSED))
		return conf_pass(ctx);	/* closing on it is allowed too */
	if (!r)
		return conf_fail(ctx, "no error reply to the bad server request (%s)",
				 s->end == CONF_CL_END_EXIT || s->end == CONF_CL_END_CLOSED ? "the client closed" : "ignored");
	if (!conf_check(ctx, r->hdr.flags & CONF_VU_F_ERROR, "the bad server request got a success reply"))
		return conf_pass(ctx);
	if (row->err && r->hdr.error != row->err)
		conf_non_strict(ctx, "error %u, QEMU answers %s", r->hdr.error, conf_errno_name(-(int)row->err));
	if (row->steps[row->mode] == S_RD_FDS)
		conf_check(ctx, st.fd_closed == 1, "the fd sent with the request is still open in the client");
	return conf_pass(ctx);
}

static int jr_err_format(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	size_t i;
	int n = 0;

	if (jr_inject_start(ctx, s, row) != CONF_PASS)
		return conf_pass(ctx);
	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];

		if (e->dir != CLIENT || TYPE(e) != 1 || !(e->hdr.flags & CONF_VU_F_ERROR) || !++n)
			continue;
		conf_check(ctx, e->hdr.size == HDR, "error reply id %u has msg_size %u, want 16 (header only)", e->hdr.id,
			   e->hdr.size);
		conf_check(ctx, (e->hdr.flags & ~CONF_VU_F_NO_REPLY) == (CONF_VU_F_REPLY | CONF_VU_F_ERROR),
			   "error reply id %u flags 0x%x, want REPLY|ERROR", e->hdr.id, e->hdr.flags);
		conf_check(ctx, e->hdr.error > 0 && e->hdr.error < 4096, "error reply id %u error %u, want a positive errno",
			   e->hdr.id, e->hdr.error);
	}
	return n ? conf_pass(ctx) : conf_not_supported(ctx, "the client sent no error reply to the bad requests");
}

static int jr_interleave(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	if (jr_inject_start(ctx, s, row) != CONF_PASS)
		return conf_pass(ctx);
	if (!step_reply(ctx, s, 0))
		return conf_fail(ctx, "the DMA_READ sent before the pending %s reply was never answered (%s)",
				 row->cmd == CONF_VU_REGION_READ ? "REGION_READ" : "command",
				 s->end == CONF_CL_END_DEADLINE ? "deadlock until the deadline" : "the client gave up");
	dma_ok(ctx, s, 0, "DMA_READ before a pending reply");
	if (s->end == CONF_CL_END_DEADLINE)
		conf_fail(ctx, "still busy at the deadline after the held reply was released");
	return conf_pass(ctx);
}

static int jr_disc(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	if (jr_inject_start(ctx, s, row) != CONF_PASS)
		return conf_pass(ctx);
	if (exited_ok(s))
		return conf_fail(ctx, "exited 0 after the server vanished with a request pending: it did not fail it");
	if (!s->exited || s->stopped)
		conf_non_strict(ctx, "still running 100 ms after the server closed the connection (stopped by the harness)");
	return conf_pass(ctx);
}

static int clr_run(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct clr_row *row = c->arg;

	if (row->kind == K_DISC)
		return clr_session(ctx, c, d_server, d_client);
	return clr_session(ctx, c, i_server, i_client);
}

/* ---- the table -------------------------------------------------------------------------------- */

#define NI "the client mapped no READ|WRITE window before a later reply (nothing to inject into)"
#define I(mode, cmd, want, err, judge, ...) { K_INJECT, mode, cmd, NULL, { __VA_ARGS__ }, want, err, judge, NI }

static const struct clr_row
	i_rw14 = I(14, 0, 0, 0, jr_dma_rw, S_SAVE, S_PAT, S_READ, S_RESTORE),
	i_rw15 = I(15, 0, 0, 0, jr_dma_rw, S_SAVE, S_PAT, S_READ, S_RESTORE),
	i_echo = I(0, 0, 0, 0, jr_echo, S_SAVE, S_PAT, S_READ, S_RESTORE),
	i_same_id = I(0, 0, 0, 0, jr_same_id, S_READ_NA, S_SAMEID, S_FENCE),
	i_nr_write = I(1, 0, 0, 0, jr_no_reply, S_SAVE, S_RESTORE_NR, S_FENCE),
	i_nr_bad = I(0, 0, 0, 0, jr_no_reply, S_WR_UNMAP_NR, S_FENCE),
	i_rd_unmap = I(0, 0, 0, EFAULT, jr_error, S_RD_UNMAP, S_FENCE),
	i_wr_unmap = I(0, 0, 0, EFAULT, jr_error, S_WR_UNMAP, S_FENCE),
	i_rd_big = I(0, 0, 0, E2BIG, jr_error, S_RD_BIG, S_FENCE),
	i_wr_huge = I(0, 0, J_EITHER, E2BIG, jr_error, S_WR_HUGE, S_FENCE),
	i_short = I(0, 0, 0, EINVAL, jr_error, S_SHORT, S_FENCE),
	i_shortdata = I(0, 0, 0, E2BIG, jr_error, S_WR_SHORTDATA, S_FENCE),
	i_fds = I(0, 0, 0, EINVAL, jr_error, S_RD_FDS, S_FENCE),
	i_unknown = I(0, 0, 0, ENOSYS, jr_error, S_UNKNOWN, S_FENCE),
	i_clcmd = I(0, 0, 0, 0, jr_error, S_CLCMD, S_FENCE),
	i_errfmt = I(0, 0, 0, 0, jr_err_format, S_RD_UNMAP, S_UNKNOWN, S_FENCE),
	i_cl18 = I(0, CONF_VU_REGION_READ, 0, 0, jr_interleave, S_READ),
	i_or01 = I(0, 0, 0, 0, jr_interleave, S_SAVE, S_RESTORE),
	i_disc = I(0, 0, 0, 0, jr_disc, S_NONE),
	d_stop = { K_DISC, 0, 0, NULL, { 0 }, 0, 0, jr_disc, "the client sent nothing after VERSION" },
	d_header = { K_DISC, 2, 0, NULL, { 0 }, 0, 0, jr_disc, "no reply after VERSION" },
	d_payload = { K_DISC, 3, 0, NULL, { 0 }, 0, 0, jr_disc, "no reply with a payload after VERSION" };

#undef I

#define C CONF_ROLE_CLIENT

static const struct conf_case cases[] = {
	{ "VU-CLR-058", "VU-CL-14", C, NULL, clr_run, &i_rw14, "DMA_READ of a mapped window returns guest memory at offset 16" },
	{ "VU-CLR-059", "VU-CL-15", C, NULL, clr_run, &i_rw15, "DMA_WRITE reaches guest memory; the reply echoes address, count" },
	{ "VU-CLR-060", "VU-FR-04", C, NULL, clr_run, &i_echo, "replies to server requests echo msg_id and cmd" },
	{ "VU-CLR-061", "VU-ID-01", C, NULL, clr_run, &i_same_id, "two DMA_READs with one msg_id are both answered" },
	{ "VU-CLR-062", "VU-NR-01", C, NULL, clr_run, &i_nr_write, "a NO_REPLY DMA_WRITE gets no reply" },
	{ "VU-CLR-063", "VU-NR-01", C, NULL, clr_run, &i_nr_bad, "a failing NO_REPLY DMA_WRITE gets no error reply" },
	{ "VU-CLR-064", "VU-CL-16", C, NULL, clr_run, &i_rd_unmap, "DMA_READ of an unmapped address gets an error (EFAULT)" },
	{ "VU-CLR-065", "VU-CL-16", C, NULL, clr_run, &i_wr_unmap, "DMA_WRITE to an unmapped address gets an error (EFAULT)" },
	{ "VU-CLR-066", "VU-CL-16", C, NULL, clr_run, &i_rd_big, "DMA_READ above max_data_xfer_size gets an error (E2BIG)" },
	{ "VU-CLR-067", "VU-SZ-04", C, NULL, clr_run, &i_wr_huge, "a DMA_WRITE above max_data_xfer_size + 32 is refused" },
	{ "VU-CLR-068", "VU-CX-07", C, NULL, clr_run, &i_short, "a DMA_READ of 8 payload bytes gets EINVAL" },
	{ "VU-CLR-069", "VU-CX-08", C, NULL, clr_run, &i_shortdata, "a DMA_WRITE with count above its data gets E2BIG" },
	{ "VU-CLR-070", "VU-CL-17", C, NULL, clr_run, &i_fds, "a DMA_READ carrying an fd gets EINVAL and the fd is closed" },
	{ "VU-CLR-071", "VU-CL-17", C, NULL, clr_run, &i_unknown, "an unknown server command gets ENOSYS" },
	{ "VU-CLR-072", "VU-CL-17", C, NULL, clr_run, &i_clcmd, "a client-to-server command from the server gets an error" },
	{ "VU-CLR-073", "VU-ER-01", C, NULL, clr_run, &i_errfmt, "the client's error replies are header-only REPLY|ERROR" },
	{ "VU-CLR-074", "VU-CL-18", C, NULL, clr_run, &i_cl18, "a DMA_READ before a pending REGION_READ reply is served" },
	{ "VU-CLR-075", "VU-OR-01", C, NULL, clr_run, &i_or01, "server requests between a request and its reply are served" },
	{ "VU-CLR-076", "VU-CL-19", C, NULL, clr_run, &i_disc, "disconnect with a server DMA_READ pending: exit, no hang" },
	{ "VU-CLR-077", "VU-CL-19", C, NULL, clr_run, &d_stop, "disconnect at the first command after VERSION" },
	{ "VU-CLR-078", "VU-CL-19", C, NULL, clr_run, &d_header, "disconnect inside a reply's header" },
	{ "VU-CLR-079", "VU-CL-19", C, NULL, clr_run, &d_payload, "disconnect inside a reply's payload" },
};

#undef C

const struct conf_table conf_vu_client_inject_table = { cases, sizeof(cases) / sizeof(cases[0]) };
