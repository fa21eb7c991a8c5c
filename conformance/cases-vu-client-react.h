/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the active vfio-user client cases (cases-vu-client-version.c,
 * cases-vu-client-react.c, cases-vu-client-inject.c): the row format, the
 * hook state, the tracking of what the client asked and mapped, the generic
 * judge and the session runner. Hooks run in the case's process, so their
 * state is a static; each file has its own copy, set up by clr_session.
 */
#ifndef VFSIM_CASES_VU_CLIENT_REACT_H
#define VFSIM_CASES_VU_CLIENT_REACT_H

#include "cases-vu-client.h"

#define WIN_MAX 32u
#define DMA_N 32u		/* bytes an injected DMA request moves */
#define UNMAPPED 0x7fff00000000ull
#define NSTEPS 6
#define QUICK_MS 500		/* far below any client's per-request timeout (QEMU 5000) */

enum clr_kind { K_VERSION, K_REPLY, K_INJECT, K_DISC };

/* VERSION reply alterations. */
enum { V_MERGE, V_TOP, V_RAW, V_MAJOR, V_MINOR_UP, V_MINOR_DOWN, V_MINOR0, V_ERROR, V_ERROR0, V_WRONG_ID,
	V_WRONG_CMD, V_NOJSON, V_TWIN };

/* Command reply alterations. */
enum { M_ERR, M_ERR0_HDR, M_ERR0_KEEP, M_ERR_PAYLOAD, M_ERR_BIG, M_SIZE8, M_WRONG_ID, M_BOGUS_NREG, M_BOGUS_ARGSZ,
	M_ARGSZ80, M_ARGSZ_HUGE, M_CAPOFF8, M_CAPOFF_BIG, M_CAPLOOP, M_CAPGAP, M_NUMREG, M_NUMIRQ, M_COUNT_UP,
	M_COUNT_DOWN, M_MIG_PAD, M_IOFDS48 };

/* Injected server request steps. */
enum { S_NONE, S_SAVE, S_PAT, S_READ, S_RESTORE, S_RESTORE_NR, S_RD_UNMAP, S_WR_UNMAP, S_WR_UNMAP_NR, S_RD_BIG,
	S_WR_HUGE, S_SHORT, S_WR_SHORTDATA, S_RD_FDS, S_UNKNOWN, S_CLCMD, S_SAMEID, S_FENCE, S_READ_NA };

/* Reactions the judge wants. */
enum { J_CONTINUE, J_REJECT, J_ACCEPT, J_EITHER, J_SHOULD_REJECT, J_NOT_OK, J_CLOSE };

struct clr_row {
	enum clr_kind kind;
	int mode;			/* V_*, M_*, or the disconnect point */
	uint16_t cmd;			/* K_REPLY: the command whose reply is altered; K_INJECT: the held reply (0 any) */
	const char *json;		/* V_MERGE: keys into "capabilities"; V_TOP/V_RAW: the whole JSON */
	uint8_t steps[NSTEPS];		/* K_INJECT */
	int want;			/* J_* */
	uint32_t err;			/* jr_error: the errno QEMU answers (0: any error) */
	int (*judge)(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row);
	const char *why_not;
};

struct clr_win {
	uint64_t addr, size;
	uint32_t flags;
};

static struct clr_state {
	const struct clr_row *row;
	bool done, started, twin_offered, bumped;
	uint16_t prop_major, prop_minor;
	uint64_t cl_xfer;		/* the client's max_data_xfer_size */
	struct clr_win win[WIN_MAX], pending[WIN_MAX];
	uint16_t pending_id[WIN_MAX];
	unsigned nwin, npending;
	uint64_t target;		/* the injection address: a live R|W window's last DMA_N bytes */
	unsigned step;
	int await;			/* id awaited from the client, -1 none */
	uint16_t last_id;
	uint8_t saved[DMA_N];
	int fd_r;			/* read end of the pipe whose write end went with S_RD_FDS */
	int fd_closed;			/* -1 unknown, 0 still open, 1 closed */
	uint16_t gap_index;
	uint32_t real_nreg;
} st;

static uint32_t req_argsz[65536];
static uint32_t req_index[65536];

/* ---- helpers for hooks -------------------------------------------------------------------- */

static inline uint32_t m32(const struct conf_vu_msg *m, uint32_t off)
{
	uint32_t v = 0;

	if (m->payload && m->len >= off + 4)
		memcpy(&v, m->payload + off, 4);
	return v;
}

static inline void set32(struct conf_vu_msg *m, uint32_t off, uint32_t v)
{
	if (m->payload && m->len >= off + 4)
		memcpy(m->payload + off, &v, 4);
}

/* Replace @m's payload by @len bytes of @p (msg_size follows). */
static inline int set_payload(struct conf_vu_msg *m, const void *p, uint32_t len)
{
	uint8_t *n = len ? malloc(len) : NULL;

	if (len && !n)
		return -ENOMEM;
	if (len)
		memcpy(n, p, len);
	free(m->payload);
	m->payload = n;
	m->len = len;
	m->hdr.size = HDR + len;
	return 0;
}

static inline void drop_fds(struct conf_vu_msg *m)
{
	unsigned i;

	for (i = 0; i < m->nfds && i < CONF_VU_MAX_FDS; i++)
		if (m->fds[i] >= 0)
			close(m->fds[i]);
	m->nfds = 0;
}

static inline bool is_reply(const struct conf_vu_msg *m, uint16_t cmd)
{
	return (m->hdr.flags & CONF_VU_F_TYPE_MASK) == 1 && (!cmd || m->hdr.cmd == cmd);
}

/* Windows the client has mapped (a success reply came) and not unmapped. */
static inline void track_client(const struct conf_vu_msg *m)
{
	uint64_t a, sz;
	unsigned k;

	if ((m->hdr.flags & CONF_VU_F_TYPE_MASK) != 0)
		return;
	if (m->hdr.cmd == CONF_VU_VERSION && m->len >= 4) {
		struct json_object *top = NULL, *cj, *v;

		st.prop_major = (uint16_t)m32(m, 0);
		st.prop_minor = (uint16_t)(m32(m, 0) >> 16);
		if (m->len > 4 && m->payload[m->len - 1] == '\0')
			top = json_tokener_parse((const char *)m->payload + 4);
		if (top && json_object_object_get_ex(top, "capabilities", &cj)) {
			if (json_object_object_get_ex(cj, "max_data_xfer_size", &v) && json_object_is_type(v, json_type_int))
				st.cl_xfer = (uint64_t)json_object_get_int64(v);
			if (json_object_object_get_ex(cj, "twin_socket", &v) &&
			    json_object_object_get_ex(v, "supported", &v) && json_object_get_boolean(v))
				st.twin_offered = true;
		}
		json_object_put(top);
	} else if (m->hdr.cmd == CONF_VU_DMA_MAP && m->len >= 32 && st.npending < WIN_MAX) {
		memcpy(&a, m->payload + 16, 8);
		memcpy(&sz, m->payload + 24, 8);
		st.pending[st.npending] = (struct clr_win){ a, sz, m32(m, 4) };
		st.pending_id[st.npending++] = m->hdr.id;
	} else if (m->hdr.cmd == CONF_VU_DMA_UNMAP && m->len >= 24) {
		memcpy(&a, m->payload + 8, 8);
		memcpy(&sz, m->payload + 16, 8);
		for (k = 0; k < st.nwin; k++)
			if ((m32(m, 4) & UNMAP_ALL) || (st.win[k].addr == a && st.win[k].size == sz))
				st.win[k--] = st.win[--st.nwin];
	} else if (m->hdr.cmd == CONF_VU_GET_REGION_IO_FDS && m->len >= 4) {
		req_argsz[m->hdr.id] = m32(m, 0);
	} else if (m->hdr.cmd == CONF_VU_MIG_DATA_READ && m->len >= 8) {
		req_argsz[m->hdr.id] = m32(m, 0);
		req_index[m->hdr.id] = m32(m, 4);	/* the size asked for */
	} else if (m->hdr.cmd == CONF_VU_GET_REGION_INFO && m->len >= 12) {
		req_argsz[m->hdr.id] = m32(m, 0);
		req_index[m->hdr.id] = m32(m, 8);
	}
}

static inline void track_server(const struct conf_vu_msg *m)
{
	unsigned k;

	if (!is_reply(m, CONF_VU_DMA_MAP))
		return;
	for (k = 0; k < st.npending; k++)
		if (st.pending_id[k] == m->hdr.id) {
			if (!(m->hdr.flags & CONF_VU_F_ERROR) && st.nwin < WIN_MAX)
				st.win[st.nwin++] = st.pending[k];
			st.pending[k] = st.pending[--st.npending];
			st.pending_id[k] = st.pending_id[st.npending];
			return;
		}
}

/* ---- judging ---------------------------------------------------------------------------- */

static inline long first_cmd_after(const struct conf_cl_session *s, long from)
{
	long i = from;

	while ((i = conf_cl_find(s, i, CLIENT, 0, 0)) >= 0)
		return i;
	return -1;
}

static inline bool exited_ok(const struct conf_cl_session *s)
{
	return s->exited && !s->stopped && WIFEXITED(s->status) && WEXITSTATUS(s->status) == 0;
}

static inline int jr_generic(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	long after;
	int v;

	if ((v = conf_cl_judge_basic(ctx, s)) != CONF_PASS)
		return v;
	if (s->fault_at < 0)
		return conf_not_supported(ctx, row->why_not);
	after = first_cmd_after(s, s->fault_at);
	switch (row->want) {
	case J_REJECT:
		if (after >= 0)
			return conf_fail(ctx, "went on with cmd %u after the bad reply: it accepted it", s->ev[after].hdr.cmd);
		return conf_cl_judge_reaction(ctx, s, CONF_CL_MAY_CLOSE | CONF_CL_MAY_WAIT, row->why_not);
	case J_ACCEPT:
		if (after < 0 && s->end != CONF_CL_END_DEADLINE)
			return conf_fail(ctx, "the client stopped at a reply the spec says it must accept (%s)",
					 s->stderr_tail[0] ? s->stderr_tail : "no stderr");
		return conf_pass(ctx);
	case J_EITHER:
		return conf_cl_judge_reaction(ctx, s, CONF_CL_MAY_CLOSE | CONF_CL_MAY_CONTINUE, row->why_not);
	case J_SHOULD_REJECT: case J_CLOSE:
		if (s->end == CONF_CL_END_DEADLINE)
			return conf_fail(ctx, "still busy at the case deadline after the deviation");
		return conf_cl_judge_reaction(ctx, s, CONF_CL_MAY_CLOSE | (row->want == J_CLOSE ? 0 : CONF_CL_MAY_WAIT),
					      row->why_not);
	case J_NOT_OK:
		/* Exit 0 is fine only when the client retried at once and got a good answer. */
		if (after >= 0 && s->ev[after].hdr.cmd == s->ev[s->fault_at].hdr.cmd && ok_reply(reply_of(s, (size_t)after))) {
			conf_note(ctx, "the client retried (id %u)", s->ev[after].hdr.id);
			return conf_pass(ctx);
		}
		return conf_cl_judge_reaction(ctx, s, CONF_CL_MAY_CLOSE | CONF_CL_MAY_WAIT, row->why_not);
	}
	return conf_cl_judge_reaction(ctx, s, CONF_CL_MAY_CONTINUE, row->why_not);
}

/* Run row c->arg with the proxy hooks of its kind, then judge it (jr_generic when the row has no judge). */
static inline int clr_session(struct conf_ctx *ctx, const struct conf_case *c,
			      int (*on_server)(struct conf_cl_proxy *, struct conf_vu_msg *),
			      int (*on_client)(struct conf_cl_proxy *, struct conf_vu_msg *))
{
	const struct clr_row *row = c->arg;
	struct conf_cl_script sc;
	struct conf_cl_session s;

	memset(&st, 0, sizeof(st));
	st.row = row;
	st.await = -1;
	st.fd_r = -1;
	st.fd_closed = -1;
	memset(&sc, 0, sizeof(sc));
	sc.on_server = on_server;
	sc.on_client = on_client;
	if (conf_cl_run(ctx, &sc, &s) < 0)
		return conf_pass(ctx) > CONF_HARNESS_ERROR ? conf_pass(ctx) : CONF_HARNESS_ERROR;
	conf_note(ctx, "session: %zu messages, end %d, status 0x%x, fault at %ld", s.nev, s.end, s.status, s.fault_at);
	(row->judge ? row->judge : jr_generic)(ctx, &s, row);
	if (st.fd_r >= 0)
		close(st.fd_r);
	conf_cl_session_free(&s);
	return conf_pass(ctx);
}

#endif
