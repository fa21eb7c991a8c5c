/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the vfio-user client cases (cases-vu-client-*.c): constants of
 * the wire transcribed from the spec digest (not from sim/), readers of a
 * session recording (conf.h, struct conf_cl_session), and the row format and
 * runner of the passive cases. The active cases' shared parts are in
 * cases-vu-client-react.h.
 */
#ifndef VFSIM_CASES_VU_CLIENT_H
#define VFSIM_CASES_VU_CLIENT_H

#include <sys/wait.h>

#include "cases-vu-common.h"

#define HDR 16u
#define TYPE(e) ((e)->hdr.flags & CONF_VU_F_TYPE_MASK)
#define CLIENT CONF_CL_FROM_CLIENT
#define SERVER CONF_CL_FROM_SERVER

#define IRQI_MASKABLE 0x2u
#define IRQ_ACT_UNMASK 0x10u
#define GI_RESET 0x1u
#define FEAT_MASK 0xffffu
#define FEAT_GET 0x10000u
#define FEAT_SET 0x20000u
#define FEAT_PROBE 0x40000u
#define FEAT_MIGRATION 1u
#define FEAT_MIG_STATE 2u
#define FEAT_LOG_START 6u
#define FEAT_LOG_STOP 7u
#define FEAT_LOG_REPORT 8u
#define MIG_PRE_COPY_F 0x4u
enum { MS_ERROR, MS_STOP, MS_RUNNING, MS_STOP_COPY, MS_RESUMING, MS_RUNNING_P2P, MS_PRE_COPY, MS_PRE_COPY_P2P };

/* What one side said about itself in VERSION (digest 2.3 defaults when absent). */
struct clm_caps {
	uint64_t max_fds, max_xfer, max_maps, pgsizes;
	bool wm, seen;
};

/* ---- reading the recording ------------------------------------------------------------ */

static inline uint32_t rd32(const struct conf_cl_event *e, uint32_t off)
{
	uint32_t v = 0;

	if (e->payload && e->len >= off + 4)
		memcpy(&v, e->payload + off, 4);
	return v;
}

static inline uint64_t rd64(const struct conf_cl_event *e, uint32_t off)
{
	uint64_t v = 0;

	if (e->payload && e->len >= off + 8)
		memcpy(&v, e->payload + off, 8);
	return v;
}

static inline bool is_cmd(const struct conf_cl_event *e, uint16_t cmd)
{
	return e->dir == CLIENT && TYPE(e) == 0 && e->hdr.cmd == cmd;
}

/* The server's reply to client command @i (same id and cmd, the first after it); NULL when none. */
static inline const struct conf_cl_event *reply_of(const struct conf_cl_session *s, size_t i)
{
	size_t j;

	for (j = i + 1; j < s->nev; j++) {
		const struct conf_cl_event *e = &s->ev[j];

		if (e->dir != CLIENT && TYPE(e) == 1 && e->hdr.id == s->ev[i].hdr.id && e->hdr.cmd == s->ev[i].hdr.cmd)
			return e;
	}
	return NULL;
}

static inline bool ok_reply(const struct conf_cl_event *r)
{
	return r && !(r->hdr.flags & CONF_VU_F_ERROR);
}

/* The JSON of a VERSION payload when it is NUL-terminated text, else NULL. */
static inline struct json_object *version_json(const struct conf_cl_event *e)
{
	if (!e->payload || e->len <= 4 || e->payload[e->len - 1] != '\0')
		return NULL;
	return json_tokener_parse((const char *)e->payload + 4);
}

static inline void caps_of(const struct conf_cl_session *s, bool server, struct clm_caps *c)
{
	struct json_object *top, *cj, *v;
	long i = server ? conf_cl_find(s, -1, SERVER, CONF_VU_VERSION, 1) : conf_cl_find(s, -1, CLIENT, CONF_VU_VERSION, 0);

	c->max_fds = 1;
	c->max_xfer = DEFAULT_XFER;
	c->max_maps = 65535;
	c->pgsizes = 4096;
	c->wm = false;
	c->seen = i >= 0 && !(s->ev[i].hdr.flags & CONF_VU_F_ERROR);
	if (!c->seen)
		return;
	top = version_json(&s->ev[i]);
	if (top && json_object_object_get_ex(top, "capabilities", &cj) && json_object_is_type(cj, json_type_object)) {
		if (json_object_object_get_ex(cj, "max_msg_fds", &v) && json_object_is_type(v, json_type_int))
			c->max_fds = (uint64_t)json_object_get_int64(v);
		if (json_object_object_get_ex(cj, "max_data_xfer_size", &v) && json_object_is_type(v, json_type_int))
			c->max_xfer = (uint64_t)json_object_get_int64(v);
		if (json_object_object_get_ex(cj, "max_dma_maps", &v) && json_object_is_type(v, json_type_int))
			c->max_maps = (uint64_t)json_object_get_int64(v);
		if (json_object_object_get_ex(cj, "pgsizes", &v) && json_object_is_type(v, json_type_int))
			c->pgsizes = (uint64_t)json_object_get_int64(v);
		if (json_object_object_get_ex(cj, "write_multiple", &v) && json_object_is_type(v, json_type_boolean))
			c->wm = json_object_get_boolean(v);
	}
	json_object_put(top);
}

/* ---- the passive cases (cases-vu-client-msg.c, cases-vu-client-msg2.c) ------------------ */

/* Server configurations a row runs under (digest 2.3 capabilities). */
enum clm_cfg { CFG_DEF, CFG_FDS1, CFG_XFER64, CFG_WM, CFG_MAPS1, CFG_PG2M };

struct clm_row {
	enum clm_cfg cfg;
	/* Records FAIL/NON-STRICT in ctx; returns how many times its trigger occurred. */
	int (*judge)(struct conf_ctx *ctx, const struct conf_cl_session *s);
	const char *why_not;	/* NOT-SUPPORTED reason when the trigger never occurred */
};

static inline void clm_config(enum clm_cfg cfg, struct vfsim_vu_server_config *sv)
{
	memset(sv, 0, sizeof(*sv));
	switch (cfg) {
	case CFG_FDS1: sv->max_msg_fds = 1; break;
	case CFG_XFER64: sv->max_data_xfer_size = 64; break;
	case CFG_WM: sv->write_multiple = true; break;
	case CFG_MAPS1: sv->max_dma_maps = 1; break;
	case CFG_PG2M: sv->pgsizes = 0x200000; break;
	case CFG_DEF: break;
	}
}

static inline int clm_run(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct clm_row *row = c->arg;
	struct conf_cl_script sc;
	struct conf_cl_session s;
	int n;

	memset(&sc, 0, sizeof(sc));
	clm_config(row->cfg, &sc.server);
	if (conf_cl_run(ctx, &sc, &s) < 0)
		return conf_pass(ctx) > CONF_HARNESS_ERROR ? conf_pass(ctx) : CONF_HARNESS_ERROR;
	conf_note(ctx, "session: %zu messages, end %d, status 0x%x", s.nev, s.end, s.status);
	if (conf_cl_judge_basic(ctx, &s) != CONF_HARNESS_ERROR) {
		n = row->judge(ctx, &s);
		if (!n && conf_pass(ctx) == CONF_PASS)
			conf_not_supported(ctx, row->why_not);
	}
	conf_cl_session_free(&s);
	return conf_pass(ctx);
}

#endif
