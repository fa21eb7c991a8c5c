/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user client cases, passive: a session runs against a conformant
 * built-in server (with the server's default capabilities, or restrictive
 * ones set by the row) and every message the client sent is judged against
 * the spec digest (1.x framing, 2.x negotiation, 3.x command layouts, 6.B
 * client checks). This file: negotiation, framing, ids, NO_REPLY, device and
 * region info; DMA windows, IRQs, region access, server DMA requests,
 * features and migration are in cases-vu-client-msg2.c. Nothing is altered
 * in these sessions; the reactions to a misbehaving server are in
 * cases-vu-client-version.c, -react.c and -inject.c. A check whose trigger
 * never occurred (the client sent no SET_IRQS, ...) is NOT-SUPPORTED.
 */
#define _GNU_SOURCE	/* memfd_create in cases-vu-common.h */
#include "cases-vu-client.h"

/* The payload the spec gives command @e (digest 3.x): exact size, or -1 when open-ended (>= @min). */
static long want_len(const struct conf_cl_event *e, uint32_t *ret_min)
{
	uint32_t flags;

	*ret_min = 0;
	switch (e->hdr.cmd) {
	case CONF_VU_VERSION: *ret_min = 4; return -1;
	case CONF_VU_DMA_MAP: return 32;
	case CONF_VU_DMA_UNMAP: return (rd32(e, 4) & 0x1u) ? 40 : 24;
	case CONF_VU_GET_INFO: return 16;
	case CONF_VU_GET_REGION_INFO: return 32;
	case CONF_VU_GET_REGION_IO_FDS: return 16;
	case CONF_VU_GET_IRQ_INFO: return 16;
	case CONF_VU_SET_IRQS:
		flags = rd32(e, 4);
		*ret_min = 20;
		return e->len < 20 ? 20 : (flags & IRQ_DATA_BOOL) ? 20 + (long)rd32(e, 16) : 20;
	case CONF_VU_REGION_READ: return 16;
	case CONF_VU_REGION_WRITE: *ret_min = 16; return e->len < 16 ? 16 : 16 + (long)rd32(e, 12);
	case CONF_VU_RESET: return 0;
	case CONF_VU_REGION_WRITE_MULTI: *ret_min = 8; return e->len < 8 ? 8 : 8 + 24 * (long)(rd64(e, 0) & 0xffffff);
	case CONF_VU_DEVICE_FEATURE: *ret_min = 8; return -1;
	case CONF_VU_MIG_DATA_READ: return 8;
	case CONF_VU_MIG_DATA_WRITE: *ret_min = 8; return e->len < 8 ? 8 : 8 + (long)rd32(e, 4);
	default: return -1;
	}
}

/* ---- negotiation ---------------------------------------------------------------------- */

static int j_connect(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	if (!s->exited || s->stopped || !WIFEXITED(s->status) || WEXITSTATUS(s->status))
		conf_non_strict(ctx, "against a conformant server the client did not finish cleanly (end %d, status 0x%x)%s%s",
				s->end, s->status, s->stderr_tail[0] ? ": " : "", s->stderr_tail);
	return conf_cl_find(s, -1, CLIENT, 0, -1) >= 0;
}

static int j_first_version(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	long i = conf_cl_find(s, -1, CLIENT, 0, -1);

	if (i < 0)
		return 0;
	conf_check(ctx, s->ev[i].hdr.cmd == CONF_VU_VERSION && TYPE(&s->ev[i]) == 0,
		   "the first message is cmd %u type %u, not the VERSION command", s->ev[i].hdr.cmd, TYPE(&s->ev[i]));
	conf_check(ctx, s->ev[i].nfds == 0, "the first message carries %u fds (VERSION takes none)", s->ev[i].nfds);
	return 1;
}

static int j_version_json(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	long i = conf_cl_find(s, -1, CLIENT, CONF_VU_VERSION, 0);
	const struct conf_cl_event *e;
	struct json_object *top;
	const char *nul;

	if (i < 0)
		return 0;
	e = &s->ev[i];
	if (e->len <= 4) {
		conf_note(ctx, "VERSION without JSON (legal)");
		return 1;
	}
	nul = memchr(e->payload + 4, '\0', e->len - 4);
	if (!conf_check(ctx, nul == (const char *)e->payload + e->len - 1,
			"VERSION JSON is %s", nul ? "followed by bytes after its NUL" : "not NUL-terminated"))
		return 1;
	top = json_tokener_parse((const char *)e->payload + 4);
	conf_check(ctx, top && json_object_is_type(top, json_type_object), "VERSION JSON \"%.80s\" is not a valid JSON object",
		   (const char *)e->payload + 4);
	json_object_put(top);
	return 1;
}

static int j_version_layout(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	long i = conf_cl_find(s, -1, CLIENT, CONF_VU_VERSION, 0);

	if (i < 0)
		return 0;
	conf_check(ctx, s->ev[i].hdr.size >= HDR + 4, "VERSION msg_size %u: major and minor need 4 payload bytes",
		   s->ev[i].hdr.size);
	conf_note(ctx, "client proposes %u.%u", (unsigned)rd32(&s->ev[i], 0) & 0xffff, (unsigned)(rd32(&s->ev[i], 0) >> 16));
	if (s->ev[i].len > 4)
		conf_check(ctx, s->ev[i].payload[s->ev[i].len - 1] == '\0',
			   "VERSION JSON's NUL is not the last byte counted in msg_size");
	return 1;
}

struct cap_type { const char *key; enum json_type t; };

static int j_caps_types(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	static const struct cap_type types[] = {
		{ "max_msg_fds", json_type_int }, { "max_data_xfer_size", json_type_int },
		{ "max_dma_maps", json_type_int }, { "pgsizes", json_type_int },
		{ "write_multiple", json_type_boolean }, { "twin_socket", json_type_object },
		{ "migration", json_type_object },
	};
	long i = conf_cl_find(s, -1, CLIENT, CONF_VU_VERSION, 0);
	struct json_object *top, *cj, *v, *sup;
	size_t k;

	if (i < 0 || !(top = version_json(&s->ev[i])))
		return 0;
	if (json_object_object_get_ex(top, "capabilities", &cj) &&
	    conf_check(ctx, json_object_is_type(cj, json_type_object), "\"capabilities\" is not an object")) {
		for (k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
			if (!json_object_object_get_ex(cj, types[k].key, &v))
				continue;
			if (!conf_check(ctx, json_object_is_type(v, types[k].t), "capability %s has JSON type %s",
					types[k].key, json_type_to_name(json_object_get_type(v))))
				continue;
			if (types[k].t == json_type_int)
				conf_check(ctx, json_object_get_int64(v) >= 0, "capability %s is negative", types[k].key);
		}
		if (json_object_object_get_ex(cj, "twin_socket", &v) && json_object_is_type(v, json_type_object) &&
		    json_object_object_get_ex(v, "supported", &sup))
			conf_check(ctx, json_object_is_type(sup, json_type_boolean), "twin_socket.supported is not a bool");
	}
	json_object_put(top);
	return 1;
}

/* ---- framing --------------------------------------------------------------------------- */

static int j_framing(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];
		uint32_t body = e->hdr.size >= HDR ? e->hdr.size - HDR : 0;

		if (e->dir != CLIENT)
			continue;
		n++;
		conf_check(ctx, e->len == (body < CONF_CL_PAYLOAD_MAX ? body : CONF_CL_PAYLOAD_MAX),
			   "message %zu (cmd %u) declares %u payload bytes but %u arrived", i, e->hdr.cmd, body, e->len);
	}
	return (int)n;
}

static int j_sizes(struct conf_ctx *ctx, const struct conf_cl_session *s, bool exact)
{
	size_t i, n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];
		uint32_t min, body = e->hdr.size - HDR;
		long want;

		if (e->dir != CLIENT || TYPE(e) != 0)
			continue;
		want = want_len(e, &min);
		n++;
		if (want >= 0 && exact)
			conf_check(ctx, body == (uint32_t)want, "cmd %u id %u: msg_size %u, the content needs 16 + %ld",
				   e->hdr.cmd, e->hdr.id, e->hdr.size, want);
		else if (!exact)
			conf_check(ctx, body >= (want >= 0 && min == 0 ? (uint32_t)want : min),
				   "cmd %u id %u: %u payload bytes, shorter than its packed fixed part", e->hdr.cmd, e->hdr.id, body);
	}
	return (int)n;
}

static int j_exact(struct conf_ctx *ctx, const struct conf_cl_session *s) { return j_sizes(ctx, s, true); }
static int j_fixed(struct conf_ctx *ctx, const struct conf_cl_session *s) { return j_sizes(ctx, s, false); }

static int j_type(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nev; i++)
		if (s->ev[i].dir == CLIENT && ++n)
			conf_check(ctx, TYPE(&s->ev[i]) <= 1, "cmd %u id %u sent with TYPE %u", s->ev[i].hdr.cmd,
				   s->ev[i].hdr.id, TYPE(&s->ev[i]));
	return (int)n;
}

static int j_error_field(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nev; i++)
		if (s->ev[i].dir == CLIENT && TYPE(&s->ev[i]) == 0 && ++n)
			conf_check(ctx, s->ev[i].hdr.error == 0, "cmd %u id %u: error field %u in a command",
				   s->ev[i].hdr.cmd, s->ev[i].hdr.id, s->ev[i].hdr.error);
	return (int)n;
}

static int j_flags(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nev; i++)
		if (s->ev[i].dir == CLIENT && ++n)
			conf_check(ctx, !(s->ev[i].hdr.flags & ~0x3fu), "cmd %u id %u: undefined flag bits 0x%x",
				   s->ev[i].hdr.cmd, s->ev[i].hdr.id, s->ev[i].hdr.flags & ~0x3fu);
	return (int)n;
}

/* Server requests (DMA_READ/DMA_WRITE, also injected ones) and the client's replies. */
static int j_dma_replies(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i, j, n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i], *q = NULL;

		if (e->dir != CLIENT || TYPE(e) != 1)
			continue;
		/* The latest server request with this id and cmd before the reply. */
		for (j = i; j-- > 0;)
			if (s->ev[j].dir != CLIENT && TYPE(&s->ev[j]) == 0 && s->ev[j].hdr.id == e->hdr.id &&
			    s->ev[j].hdr.cmd == e->hdr.cmd) {
				q = &s->ev[j];
				break;
			}
		conf_check(ctx, q != NULL, "reply id %u cmd %u answers no server request with that id and cmd",
			   e->hdr.id, e->hdr.cmd);
	}
	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];
		bool answered = false;

		if (e->dir == CLIENT || TYPE(e) != 0 || (e->hdr.flags & CONF_VU_F_NO_REPLY))
			continue;
		n++;
		for (j = i + 1; j < s->nev && !answered; j++)
			answered = s->ev[j].dir == CLIENT && TYPE(&s->ev[j]) == 1 && s->ev[j].hdr.id == e->hdr.id;
		if (s->end == CONF_CL_END_EXIT || s->end == CONF_CL_END_CLOSED)
			conf_check(ctx, answered, "server request id %u cmd %u was never answered", e->hdr.id, e->hdr.cmd);
	}
	return (int)n;
}

static int j_nr_in_reply(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nev; i++)
		if (s->ev[i].dir == CLIENT && TYPE(&s->ev[i]) == 1 && ++n)
			conf_check(ctx, !(s->ev[i].hdr.flags & CONF_VU_F_NO_REPLY), "reply id %u cmd %u sets NO_REPLY",
				   s->ev[i].hdr.id, s->ev[i].hdr.cmd);
	return (int)n;
}

/* No command reuses the id of one of its own commands still awaiting a reply. */
static int j_ids(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i, j, n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];

		if (e->dir != CLIENT || TYPE(e) != 0)
			continue;
		n++;
		for (j = i + 1; j < s->nev && !(e->hdr.flags & CONF_VU_F_NO_REPLY); j++) {
			const struct conf_cl_event *f = &s->ev[j];

			if (f->dir != CLIENT && TYPE(f) == 1 && f->hdr.id == e->hdr.id)
				break;
			if (f->dir == CLIENT && TYPE(f) == 0 && f->hdr.id == e->hdr.id) {
				conf_fail(ctx, "id %u reused by cmd %u while cmd %u with that id awaits its reply", f->hdr.id,
					  f->hdr.cmd, e->hdr.cmd);
				break;
			}
		}
	}
	return (int)n;
}

/* Commands whose reply carries data (digest 1.6). */
static bool returns_data(const struct conf_cl_event *e)
{
	switch (e->hdr.cmd) {
	case CONF_VU_VERSION: case CONF_VU_GET_INFO: case CONF_VU_GET_REGION_INFO: case CONF_VU_GET_REGION_IO_FDS:
	case CONF_VU_GET_IRQ_INFO: case CONF_VU_REGION_READ: case CONF_VU_MIG_DATA_READ:
		return true;
	case CONF_VU_DEVICE_FEATURE:
		return (rd32(e, 4) & FEAT_GET) != 0;
	default:
		return false;
	}
}

static int j_nr_data(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nev; i++)
		if (s->ev[i].dir == CLIENT && TYPE(&s->ev[i]) == 0 && returns_data(&s->ev[i]) && ++n)
			conf_check(ctx, !(s->ev[i].hdr.flags & CONF_VU_F_NO_REPLY),
				   "cmd %u id %u sets NO_REPLY, though its reply carries data", s->ev[i].hdr.cmd, s->ev[i].hdr.id);
	return (int)n;
}

static int j_nr_mmap(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i;
	bool mmap = false;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];

		if (e->dir != CLIENT && e->hdr.cmd == CONF_VU_GET_REGION_INFO && TYPE(e) == 1 &&
		    !(e->hdr.flags & CONF_VU_F_ERROR) && (rd32(e, 4) & RI_MMAP))
			mmap = true;
		if (mmap && is_cmd(e, CONF_VU_REGION_WRITE) && ++n)
			conf_check(ctx, !(e->hdr.flags & CONF_VU_F_NO_REPLY),
				   "posted (NO_REPLY) REGION_WRITE id %u after a region reported MMAP", e->hdr.id);
	}
	return n;
}

static int j_cmd_never(struct conf_ctx *ctx, const struct conf_cl_session *s, uint16_t lo, uint16_t hi, const char *what)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++)
		if (s->ev[i].dir == CLIENT && TYPE(&s->ev[i]) == 0 && ++n)
			conf_check(ctx, s->ev[i].hdr.cmd < lo || s->ev[i].hdr.cmd > hi, "the client sent command %u (%s)",
				   s->ev[i].hdr.cmd, what);
	return n;
}

static int j_cx09(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	return j_cmd_never(ctx, s, CONF_VU_DMA_READ, CONF_VU_DMA_WRITE, "server-to-client only");
}

static int j_cx10(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	return j_cmd_never(ctx, s, 14, 14, "DIRTY_PAGES, removed in 0.9.2");
}

static int j_cmd_table(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		uint16_t c = s->ev[i].hdr.cmd;

		if (s->ev[i].dir == CLIENT && TYPE(&s->ev[i]) == 0 && ++n)
			conf_check(ctx, (c >= 1 && c <= 10) || c == 13 || (c >= 15 && c <= 18),
				   "the client sent command %u, not a client command of the 0.9.2 table", c);
	}
	return n;
}

/* ---- device and region info ------------------------------------------------------------ */

static int j_get_info(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++)
		if (is_cmd(&s->ev[i], CONF_VU_GET_INFO) && ++n) {
			conf_check(ctx, rd32(&s->ev[i], 0) >= 16, "GET_INFO argsz %u < 16", rd32(&s->ev[i], 0));
			conf_check(ctx, rd32(&s->ev[i], 4) == 0, "GET_INFO flags 0x%x, must be 0", rd32(&s->ev[i], 4));
		}
	return n;
}

static int j_region_info(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];

		if (!is_cmd(e, CONF_VU_GET_REGION_INFO) || !++n)
			continue;
		conf_check(ctx, rd32(e, 0) >= 32, "GET_REGION_INFO %u argsz %u < 32", rd32(e, 8), rd32(e, 0));
		conf_check(ctx, !rd32(e, 4) && !rd32(e, 12) && !rd64(e, 16) && !rd64(e, 24),
			   "GET_REGION_INFO %u: fields other than argsz and index are not 0", rd32(e, 8));
	}
	return n;
}

static int j_argsz_retry(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	size_t i, j;
	int n = 0;

	for (i = 0; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i], *r = NULL;
		bool retried = false;

		if (!is_cmd(e, CONF_VU_GET_REGION_INFO) || !ok_reply(r = reply_of(s, i)) || rd32(r, 0) <= rd32(e, 0))
			continue;
		n++;
		for (j = i + 1; j < s->nev && !retried; j++)
			if (is_cmd(&s->ev[j], CONF_VU_GET_REGION_INFO) && rd32(&s->ev[j], 8) == rd32(e, 8)) {
				conf_check(ctx, rd32(&s->ev[j], 0) >= rd32(r, 0),
					   "region %u: retried with argsz %u, the reply asked for %u", rd32(e, 8),
					   rd32(&s->ev[j], 0), rd32(r, 0));
				retried = true;
			}
		conf_check(ctx, retried, "region %u: reply argsz %u > request's %u, and no retry followed", rd32(e, 8),
			   rd32(r, 0), rd32(e, 0));
	}
	return n;
}

/* ---- the table ------------------------------------------------------------------------ */

#define R(id, cfg, judge, why) static const struct clm_row id = { cfg, judge, why }
R(r_connect, CFG_DEF, j_connect, "the client sent nothing");
R(r_first, CFG_DEF, j_first_version, "the client sent nothing");
R(r_vjson, CFG_DEF, j_version_json, "the client sent no VERSION");
R(r_vlayout, CFG_DEF, j_version_layout, "the client sent no VERSION");
R(r_ctypes, CFG_DEF, j_caps_types, "the client's VERSION carries no JSON");
R(r_framing, CFG_DEF, j_framing, "the client sent nothing");
R(r_exact, CFG_DEF, j_exact, "the client sent no command");
R(r_exact64, CFG_XFER64, j_exact, "the client sent no command");
R(r_fixed, CFG_DEF, j_fixed, "the client sent no command");
R(r_type, CFG_DEF, j_type, "the client sent nothing");
R(r_dmarep, CFG_DEF, j_dma_replies, "the server sent no DMA_READ/DMA_WRITE (the client mapped no window without an fd?)");
R(r_errf, CFG_DEF, j_error_field, "the client sent no command");
R(r_flags, CFG_DEF, j_flags, "the client sent nothing");
R(r_nrrep, CFG_DEF, j_nr_in_reply, "the client sent no reply (no server DMA request occurred)");
R(r_ids, CFG_DEF, j_ids, "the client sent no command");
R(r_nrdata, CFG_DEF, j_nr_data, "the client sent no command whose reply carries data");
R(r_nrdata64, CFG_XFER64, j_nr_data, "the client sent no command whose reply carries data");
R(r_nrmmap, CFG_DEF, j_nr_mmap, "no REGION_WRITE after a region reported MMAP");
R(r_cx09, CFG_DEF, j_cx09, "the client sent no command");
R(r_cx10, CFG_DEF, j_cx10, "the client sent no command");
R(r_cmds, CFG_DEF, j_cmd_table, "the client sent no command");
R(r_gi, CFG_DEF, j_get_info, "the client sent no GET_INFO");
R(r_ri, CFG_DEF, j_region_info, "the client sent no GET_REGION_INFO");
R(r_retry, CFG_DEF, j_argsz_retry, "no GET_REGION_INFO reply needed a larger argsz than asked");
#undef R

#define C CONF_ROLE_CLIENT

static const struct conf_case cases[] = {
	{ "VU-CLM-001", "VU-SK-01", C, NULL, clm_run, &r_connect, "the client connects and completes a session with a conformant server" },
	{ "VU-CLM-002", "VU-CL-01", C, NULL, clm_run, &r_first, "the first message is the VERSION command, without fds" },
	{ "VU-CLM-003", "VU-CL-01", C, NULL, clm_run, &r_vjson, "the VERSION JSON is NUL-terminated and a valid object" },
	{ "VU-CLM-004", "VU-VS-01", C, NULL, clm_run, &r_vlayout, "VERSION: major, minor, JSON with its NUL counted in msg_size" },
	{ "VU-CLM-005", "VU-CP-06", C, NULL, clm_run, &r_ctypes, "the proposal's capabilities are correctly typed" },
	{ "VU-CLM-006", "VU-FR-01", C, NULL, clm_run, &r_framing, "every message arrives whole: 16-byte header, msg_size bytes" },
	{ "VU-CLM-007", "VU-FR-02", C, NULL, clm_run, &r_exact, "every command's msg_size is 16 + its content" },
	{ "VU-CLM-008", "VU-FR-02", C, NULL, clm_run, &r_exact64, "msg_size is 16 + content with max_data_xfer_size 64" },
	{ "VU-CLM-009", "VU-FR-08", C, NULL, clm_run, &r_fixed, "no command is shorter than its packed fixed part" },
	{ "VU-CLM-010", "VU-FR-03", C, NULL, clm_run, &r_type, "every message has TYPE 0 or 1" },
	{ "VU-CLM-011", "VU-FR-04", C, NULL, clm_run, &r_dmarep, "replies to DMA_READ/DMA_WRITE echo msg_id and cmd" },
	{ "VU-CLM-012", "VU-FR-05", C, NULL, clm_run, &r_errf, "commands carry error 0" },
	{ "VU-CLM-013", "VU-FR-06", C, NULL, clm_run, &r_flags, "flag bits 6-31 stay clear" },
	{ "VU-CLM-014", "VU-NR-02", C, NULL, clm_run, &r_nrrep, "the client's replies never set NO_REPLY" },
	{ "VU-CLM-015", "VU-ID-02", C, NULL, clm_run, &r_ids, "msg_ids are unique among requests in flight" },
	{ "VU-CLM-016", "VU-NR-03", C, NULL, clm_run, &r_nrdata, "no NO_REPLY on VERSION, GET_*, REGION_READ, MIG_DATA_READ" },
	{ "VU-CLM-017", "VU-NR-03", C, NULL, clm_run, &r_nrdata64, "no NO_REPLY on data commands with max_data_xfer_size 64" },
	{ "VU-CLM-018", "VU-CL-21", C, NULL, clm_run, &r_nrmmap, "no posted REGION_WRITE after a region reported MMAP" },
	{ "VU-CLM-019", "VU-CX-09", C, NULL, clm_run, &r_cx09, "the client never sends DMA_READ/DMA_WRITE commands" },
	{ "VU-CLM-020", "VU-CX-10", C, NULL, clm_run, &r_cx10, "the client never sends command 14" },
	{ "VU-CLM-021", "VU-CMD-02", C, NULL, clm_run, &r_cmds, "every command number is a client command of the 0.9.2 table" },
	{ "VU-CLM-022", "VU-DI-01", C, NULL, clm_run, &r_gi, "GET_INFO request: flags 0, argsz >= 16" },
	{ "VU-CLM-023", "VU-RG-01", C, NULL, clm_run, &r_ri, "GET_REGION_INFO request: argsz >= 32 and index, all else 0" },
	{ "VU-CLM-024", "VU-CL-10", C, NULL, clm_run, &r_retry, "a reply argsz above the request's is followed by a retry with it" },
};

#undef C

const struct conf_table conf_vu_client_msg_table = { cases, sizeof(cases) / sizeof(cases[0]) };

/* Every client-role table, in report order. */
const struct conf_table *const conf_vu_client_tables[] = {
	&conf_vu_client_msg_table,
	&conf_vu_client_msg2_table,
	&conf_vu_client_version_table,
	&conf_vu_client_react_table,
	&conf_vu_client_inject_table,
	&conf_vu_client_react2_table,
};
const size_t conf_vu_client_ntables = sizeof(conf_vu_client_tables) / sizeof(conf_vu_client_tables[0]);
