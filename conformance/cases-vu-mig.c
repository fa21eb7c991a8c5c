/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user server cases: the migration v2 FSM driven through DEVICE_FEATURE
 * MIG_DEVICE_STATE, and the MIG_DATA_READ/MIG_DATA_WRITE stream. Expectations are
 * transcribed from the digest (3.14, 3.15, 6.A MG-03..12); whether the server
 * migrates at all, and whether it has PRE_COPY, is discovered over the protocol
 * (MIGRATION GET), a missing precondition reports NOT-SUPPORTED.
 *
 * A case saves the device's stream in STOP_COPY and loads it back into the same
 * device through RESUMING: the built-in server is one device per case, and the
 * spec treats source and destination alike.
 */
#define _GNU_SOURCE	/* memfd_create */
#include "cases-vu-mig.h"

/* ---- helpers ------------------------------------------------------------------------------ */

#define NEED_PRE 0x1u		/* the case needs PRE_COPY in the MIGRATION flags */
#define NEED_NO_PRE 0x2u	/* ... needs it absent */

static int mg_need(struct conf_ctx *ctx, unsigned need, uint64_t fl)
{
	if ((need & NEED_PRE) && !(fl & MIGF_PRE_COPY))
		return conf_not_supported(ctx, "MIGRATION GET flags lack PRE_COPY");
	if ((need & NEED_NO_PRE) && (fl & MIGF_PRE_COPY))
		return conf_not_supported(ctx, "the server supports PRE_COPY; the case needs a server without it");
	return CONF_PASS;
}

#define NEED(ctx, need, fl)                                   \
	do {                                                  \
		int nd_ = mg_need(ctx, need, fl);             \
		if (nd_ != CONF_PASS)                         \
			return nd_;                           \
	} while (0)

/* RUNNING -> STOP_COPY, read the whole stream, -> STOP. */
static int mg_save(struct conf_ctx *ctx, const struct vd_caps *caps, uint8_t **ret_buf, size_t *ret_len)
{
	int r;

	REACH(ctx, ST_STOP_COPY);
	r = vm_read_all(ctx, vm_chunk(caps), ret_buf, ret_len);
	if (r < 0)
		return conf_fail(ctx, "saving: reading the stream in STOP_COPY failed: %s", conf_errno_name(r));
	r = vf_set(ctx, ST_STOP);
	if (r < 0) {
		free(*ret_buf);
		return conf_fail(ctx, "setup: the legal arc STOP_COPY -> STOP was refused (%s)", conf_errno_name(r));
	}
	if (*ret_len == 0) {
		free(*ret_buf);
		return conf_fail(ctx, "the STOP_COPY stream is empty: a device with state must send some");
	}
	return CONF_PASS;
}

#define SAVE(ctx, caps, buf, len)                                  \
	do {                                                       \
		int sr_ = mg_save(ctx, caps, buf, len);            \
		if (sr_ != CONF_PASS)                              \
			return sr_;                                \
	} while (0)

/* From STOP: -> RESUMING, write @len bytes of @buf, then SET @to. Returns the
 * result of that SET (a refused RESUMING or write is FAIL, returned as -EIO). */
static int mg_load(struct conf_ctx *ctx, const uint8_t *buf, size_t len, uint32_t to)
{
	static const uint32_t sizes[] = { 65536 };
	int r = vf_set(ctx, ST_RESUMING);

	if (r < 0) {
		conf_fail(ctx, "the legal arc STOP -> RESUMING was refused (%s)", conf_errno_name(r));
		return -EIO;
	}
	if (len) {
		r = vm_write_all(ctx, buf, len, sizes, 1);
		if (r < 0) {
			/* A server may refuse bad data at once instead of at the SET. */
			conf_note(ctx, "MIG_DATA_WRITE refused the data: %s", conf_errno_name(r));
		}
	}
	return vf_set(ctx, to);
}

/* ---- FSM ------------------------------------------------------------------------------------- */

static int mg_initial(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_caps caps;
	uint64_t fl;

	MIG_SETUP(ctx, &caps, &fl);
	vf_state_is(ctx, ST_RUNNING, "on a fresh device");
	return conf_pass(ctx);
}

struct mg_arc {
	uint8_t from, to;
	unsigned need;
};

/* A legal direct arc: SET succeeds and GET reads the new state. */
static int mg_arc_ok(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct mg_arc *a = c->arg;
	struct vd_caps caps;
	char what[64];
	uint64_t fl;

	MIG_SETUP(ctx, &caps, &fl);
	NEED(ctx, a->need, fl);
	REACH(ctx, a->from);
	snprintf(what, sizeof(what), "SET %s -> %s", st_name(a->from), st_name(a->to));
	if (conf_expect_errno(ctx, what, vf_set(ctx, a->to), 0, true) == CONF_PASS)
		vf_state_is(ctx, a->to, "after the SET");
	return conf_pass(ctx);
}

/* A refused request: an error, and the state is kept (FSM-04: ERROR only
 * when a transition fails and nothing valid can be restored; a request the
 * FSM forbids changes nothing). */
static int mg_arc_bad(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct mg_arc *a = c->arg;
	struct vd_caps caps;
	char what[64];
	uint64_t fl;

	MIG_SETUP(ctx, &caps, &fl);
	NEED(ctx, a->need, fl);
	REACH(ctx, a->from);
	snprintf(what, sizeof(what), "SET %s -> %u (%s)", st_name(a->from), a->to, st_name(a->to));
	expect_any_err(ctx, what, vf_set(ctx, a->to));
	vf_state_is(ctx, a->from, "after the refused SET");
	return conf_pass(ctx);
}

static const struct mg_arc arc_run_stop = { ST_RUNNING, ST_STOP, 0 };
static const struct mg_arc arc_stop_run = { ST_STOP, ST_RUNNING, 0 };
static const struct mg_arc arc_stop_sc = { ST_STOP, ST_STOP_COPY, 0 };
static const struct mg_arc arc_sc_stop = { ST_STOP_COPY, ST_STOP, 0 };
static const struct mg_arc arc_stop_res = { ST_STOP, ST_RESUMING, 0 };
static const struct mg_arc arc_run_pre = { ST_RUNNING, ST_PRE_COPY, NEED_PRE };
static const struct mg_arc arc_pre_run = { ST_PRE_COPY, ST_RUNNING, NEED_PRE };
static const struct mg_arc arc_pre_sc = { ST_PRE_COPY, ST_STOP_COPY, NEED_PRE };
/* combined (MG-05 / FSM-03): the shortest path without a saving state inside */
static const struct mg_arc cmb_run_sc = { ST_RUNNING, ST_STOP_COPY, 0 };
static const struct mg_arc cmb_run_res = { ST_RUNNING, ST_RESUMING, 0 };
static const struct mg_arc cmb_sc_run = { ST_STOP_COPY, ST_RUNNING, 0 };
static const struct mg_arc cmb_sc_res = { ST_STOP_COPY, ST_RESUMING, 0 };
static const struct mg_arc cmb_pre_stop = { ST_PRE_COPY, ST_STOP, NEED_PRE };
static const struct mg_arc cmb_stop_pre = { ST_STOP, ST_PRE_COPY, NEED_PRE };
static const struct mg_arc cmb_pre_res = { ST_PRE_COPY, ST_RESUMING, NEED_PRE };
/* forbidden */
static const struct mg_arc bad_sc_pre = { ST_STOP_COPY, ST_PRE_COPY, 0 };
static const struct mg_arc bad_error = { ST_RUNNING, ST_ERROR, 0 };
static const struct mg_arc bad_error_stop = { ST_STOP, ST_ERROR, 0 };
static const struct mg_arc bad_p2p = { ST_RUNNING, ST_RUNNING_P2P, 0 };
static const struct mg_arc bad_p2p_stop = { ST_STOP, ST_RUNNING_P2P, 0 };
static const struct mg_arc bad_pre_p2p = { ST_RUNNING, ST_PRE_COPY_P2P, 0 };
static const struct mg_arc bad_8 = { ST_RUNNING, 8, 0 };
static const struct mg_arc bad_9 = { ST_STOP, 9, 0 };
static const struct mg_arc bad_max = { ST_RUNNING, 0xff, 0 };
/* without PRE_COPY (FSM-02) */
static const struct mg_arc nopre_run = { ST_RUNNING, ST_PRE_COPY, NEED_NO_PRE };
static const struct mg_arc nopre_stop = { ST_STOP, ST_PRE_COPY, NEED_NO_PRE };
static const struct mg_arc nopre_sc = { ST_STOP_COPY, ST_PRE_COPY, NEED_NO_PRE };

/* Out of range with the high bits: the whole u32 is the state (not a byte). */
static int mg_state_u32(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_caps caps;
	uint64_t fl;

	MIG_SETUP(ctx, &caps, &fl);
	expect_any_err(ctx, "SET device_state 0x00000102", vf_set(ctx, 0x102));
	expect_any_err(ctx, "SET device_state 0xffffffff", vf_set(ctx, 0xffffffffu));
	vf_state_is(ctx, ST_RUNNING, "after the refused SETs");
	return conf_pass(ctx);
}

/* RESUMING -> STOP with a valid stream, and the combined RESUMING -> RUNNING
 * / RESUMING -> PRE_COPY (arg: the target). */
static int mg_from_resuming(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t to = (uint32_t)(uintptr_t)c->arg;
	struct vd_caps caps;
	uint8_t *buf = NULL;
	size_t len = 0;
	char what[64];
	uint64_t fl;

	MIG_SETUP(ctx, &caps, &fl);
	NEED(ctx, to == ST_PRE_COPY ? NEED_PRE : 0, fl);
	SAVE(ctx, &caps, &buf, &len);
	snprintf(what, sizeof(what), "SET RESUMING -> %s after loading the saved stream", st_name(to));
	if (conf_expect_errno(ctx, what, mg_load(ctx, buf, len, to), 0, true) == CONF_PASS)
		vf_state_is(ctx, to, "after the SET");
	free(buf);
	return conf_pass(ctx);
}

/* FSM-01: SET, GET and MIG_DATA_READ sent back to back; the GET and the read
 * already see STOP_COPY because the SET completed before its reply. */
static int mg_pipelined(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint8_t set[16], get[8], rd[8];
	struct vf_hdr h;
	struct vd_caps caps;
	struct vm_data d = { 8 + 64, 64 };
	uint32_t st = ST_STOP_COPY, z = 0;
	uint16_t id0;
	uint64_t fl;
	int i;

	MIG_SETUP(ctx, &caps, &fl);
	REACH(ctx, ST_STOP);
	h = (struct vf_hdr){ 16, FT_SET | FEAT_MIG_STATE };
	memcpy(set, &h, 8);
	memcpy(set + 8, &st, 4);
	memcpy(set + 12, &z, 4);
	h = (struct vf_hdr){ 16, FT_GET | FEAT_MIG_STATE };
	memcpy(get, &h, 8);
	memcpy(rd, &d, 8);
	id0 = conf_vu_id(ctx);
	conf_vu_id(ctx);
	conf_vu_id(ctx);
	if (conf_vu_send(ctx, id0, CONF_VU_DEVICE_FEATURE, 0, set, sizeof(set), NULL, 0) < 0 ||
	    conf_vu_send(ctx, (uint16_t)(id0 + 1), CONF_VU_DEVICE_FEATURE, 0, get, sizeof(get), NULL, 0) < 0 ||
	    conf_vu_send(ctx, (uint16_t)(id0 + 2), CONF_VU_MIG_DATA_READ, 0, rd, sizeof(rd), NULL, 0) < 0)
		return conf_harness_error(ctx, "send failed");
	for (i = 0; i < 3; i++) {
		struct conf_vu_msg m;
		int r = conf_vu_recv(ctx, &m, 0);
		bool err;

		if (r < 0)
			return conf_fail(ctx, "reply %d of 3: %s", i + 1, conf_errno_name(r));
		err = m.hdr.flags & CONF_VU_F_ERROR;
		if (!conf_check(ctx, m.hdr.id == (uint16_t)(id0 + i), "reply %d has id %u, want %u", i + 1, m.hdr.id,
				id0 + i)) {
		} else if (i == 0) {
			conf_check(ctx, !err, "SET STOP -> STOP_COPY failed (error %u)", m.hdr.error);
		} else if (i == 1) {
			uint32_t got = 0xffffffffu;

			if (!err && m.len >= 12)
				memcpy(&got, m.payload + 8, 4);
			conf_check(ctx, !err && got == ST_STOP_COPY,
				   "GET right behind the SET reads %u (%s), want STOP_COPY: the SET replied before "
				   "the transition was done", got, st_name(got));
		} else {
			struct vm_data rep = { 0, 0 };

			if (!err && m.len >= 8)
				memcpy(&rep, m.payload, 8);
			conf_check(ctx, !err && rep.size > 0,
				   "MIG_DATA_READ right behind the SET: %s, size %u; STOP_COPY data must be ready",
				   err ? "error" : "ok", rep.size);
		}
		conf_vu_msg_free(&m);
	}
	return conf_pass(ctx);
}

/* Try to reach ERROR (digest 3.14: only a failed transition that cannot
 * restore a valid state): load a truncated stream and commit it. */
static int mg_try_error(struct conf_ctx *ctx, const struct vd_caps *caps, bool *ret_error)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	uint32_t st = 0xffffffffu;
	int r;

	*ret_error = false;
	SAVE(ctx, caps, &buf, &len);
	r = mg_load(ctx, buf, len / 2, ST_STOP);
	free(buf);
	if (r == -EIO)
		return conf_pass(ctx);
	if (r >= 0)
		return conf_fail(ctx, "RESUMING -> STOP with half the stream succeeded (MG-07: incomplete data must "
				 "fail the SET)");
	r = vf_state(ctx, &st);
	if (r < 0)
		return conf_fail(ctx, "GET MIG_DEVICE_STATE after the failed commit: %s", conf_errno_name(r));
	conf_note(ctx, "after the failed commit the device is in %s", st_name(st));
	*ret_error = st == ST_ERROR;
	return CONF_PASS;
}

/* arg 0: MG-12 (DEVICE_RESET leaves ERROR to RUNNING); 1: FSM-04 (every SET fails in ERROR). */
static int mg_error(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint32_t tries[] = { ST_STOP, ST_RUNNING, ST_RESUMING, ST_STOP_COPY, ST_ERROR };
	struct vd_caps caps;
	struct vd_info gi;
	bool in_error;
	uint64_t fl;
	size_t i;
	int v;

	MIG_SETUP(ctx, &caps, &fl);
	GET_INFO(ctx, &gi);
	if (!c->arg && !(gi.flags & 0x1u))
		return conf_not_supported(ctx, "GET_INFO does not report VFIO_DEVICE_FLAGS_RESET");
	v = mg_try_error(ctx, &caps, &in_error);
	if (v != CONF_PASS)
		return v;
	if (!in_error)
		return conf_not_supported(ctx, "no way to drive this server into ERROR over the protocol: a failed "
					  "commit of an incomplete stream left a valid state (FSM-05 allows that)");
	if (c->arg) {
		for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
			char what[48];

			snprintf(what, sizeof(what), "SET ERROR -> %s", st_name(tries[i]));
			expect_any_err(ctx, what, vf_set(ctx, tries[i]));
		}
		vf_state_is(ctx, ST_ERROR, "after the refused SETs");
		return conf_pass(ctx);
	}
	if (conf_expect_errno(ctx, "DEVICE_RESET in ERROR", vd_call(ctx, CONF_VU_RESET, NULL, 0), 0, true) == CONF_PASS)
		vf_state_is(ctx, ST_RUNNING, "after DEVICE_RESET from ERROR");
	return conf_pass(ctx);
}

/* FSM-06: leaving the saving group ends the data session (arg: PRE_COPY or STOP_COPY). */
static int mg_session_end(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t from = (uint32_t)(uintptr_t)c->arg, to = from == ST_PRE_COPY ? ST_RUNNING : ST_STOP;
	struct vd_caps caps;
	struct conf_vu_msg m;
	uint64_t fl;
	int r;

	MIG_SETUP(ctx, &caps, &fl);
	NEED(ctx, from == ST_PRE_COPY ? NEED_PRE : 0, fl);
	REACH(ctx, from);
	r = vm_read(ctx, 8 + 16, 16, &m);
	conf_vu_msg_free(&m);
	if (r < 0)
		return conf_fail(ctx, "MIG_DATA_READ in %s failed: %s", st_name(from), conf_errno_name(r));
	if (conf_expect_errno(ctx, "SET out of the saving group", vf_set(ctx, to), 0, true) != CONF_PASS)
		return conf_pass(ctx);
	r = vm_read(ctx, 8 + 16, 16, &m);
	conf_vu_msg_free(&m);
	expect_any_err(ctx, "MIG_DATA_READ after the data session ended", r);
	return conf_pass(ctx);
}

/* ---- the table -------------------------------------------------------------------------------- */

#define S CONF_ROLE_SERVER
#define UP(v) ((const void *)(uintptr_t)(v))

/* The MIG_DATA cases live in cases-vu-mig-data.h (one table, two files for length). */
#include "cases-vu-mig-data.h"

static const struct conf_case cases[] = {
	{ "VU-SRV-MG-001", "VU-MG-03", S, NULL, mg_initial, NULL, "MIG_DEVICE_STATE GET reads RUNNING initially" },
	{ "VU-SRV-MG-002", "VU-MG-04", S, NULL, mg_arc_ok, &arc_run_stop, "RUNNING -> STOP succeeds; GET reads STOP" },
	{ "VU-SRV-MG-003", "VU-MG-04", S, NULL, mg_arc_ok, &arc_stop_run, "STOP -> RUNNING succeeds" },
	{ "VU-SRV-MG-004", "VU-MG-04", S, NULL, mg_arc_ok, &arc_stop_sc, "STOP -> STOP_COPY succeeds" },
	{ "VU-SRV-MG-005", "VU-MG-04", S, NULL, mg_arc_ok, &arc_sc_stop, "STOP_COPY -> STOP succeeds" },
	{ "VU-SRV-MG-006", "VU-MG-04", S, NULL, mg_arc_ok, &arc_stop_res, "STOP -> RESUMING succeeds" },
	{ "VU-SRV-MG-007", "VU-MG-04", S, NULL, mg_from_resuming, UP(ST_STOP),
	  "RESUMING -> STOP with the device's own saved stream succeeds" },
	{ "VU-SRV-MG-008", "VU-MG-04", S, NULL, mg_arc_ok, &arc_run_pre, "RUNNING -> PRE_COPY succeeds (PRE_COPY)" },
	{ "VU-SRV-MG-009", "VU-MG-04", S, NULL, mg_arc_ok, &arc_pre_run, "PRE_COPY -> RUNNING succeeds (PRE_COPY)" },
	{ "VU-SRV-MG-010", "VU-MG-04", S, NULL, mg_arc_ok, &arc_pre_sc, "PRE_COPY -> STOP_COPY succeeds (PRE_COPY)" },
	{ "VU-SRV-MG-011", "VU-MG-04", S, NULL, mg_arc_bad, &bad_sc_pre,
	  "STOP_COPY -> PRE_COPY is refused and the state stays STOP_COPY" },
	{ "VU-SRV-MG-012", "VU-MG-04", S, NULL, mg_arc_bad, &bad_error, "requesting ERROR (0) from RUNNING is refused" },
	{ "VU-SRV-MG-013", "VU-MG-04", S, NULL, mg_arc_bad, &bad_error_stop, "requesting ERROR (0) from STOP is refused" },
	{ "VU-SRV-MG-014", "VU-MG-04", S, NULL, mg_arc_bad, &bad_p2p, "requesting RUNNING_P2P (5) is refused" },
	{ "VU-SRV-MG-015", "VU-MG-04", S, NULL, mg_arc_bad, &bad_p2p_stop,
	  "requesting RUNNING_P2P (5) from STOP is refused" },
	{ "VU-SRV-MG-016", "VU-MG-04", S, NULL, mg_arc_bad, &bad_pre_p2p, "requesting PRE_COPY_P2P (7) is refused" },
	{ "VU-SRV-MG-017", "VU-MG-04", S, NULL, mg_arc_bad, &bad_8, "device_state 8 (NUM) is refused" },
	{ "VU-SRV-MG-018", "VU-MG-04", S, NULL, mg_arc_bad, &bad_9, "device_state 9 from STOP is refused" },
	{ "VU-SRV-MG-019", "VU-MG-04", S, NULL, mg_arc_bad, &bad_max, "device_state 255 is refused" },
	{ "VU-SRV-MG-020", "VU-MG-04", S, NULL, mg_state_u32, NULL,
	  "device_state 0x102 and 0xffffffff are refused (a u32, not a byte)" },
	{ "VU-SRV-MG-021", "VU-MG-05", S, NULL, mg_arc_ok, &cmb_run_sc, "combined RUNNING -> STOP_COPY succeeds" },
	{ "VU-SRV-MG-022", "VU-MG-05", S, NULL, mg_from_resuming, UP(ST_RUNNING),
	  "combined RESUMING -> RUNNING (valid stream loaded) succeeds" },
	{ "VU-SRV-MG-023", "VU-MG-05", S, NULL, mg_arc_ok, &cmb_pre_stop,
	  "combined PRE_COPY -> STOP succeeds (PRE_COPY)" },
	{ "VU-SRV-MG-024", "VU-FSM-03", S, NULL, mg_arc_ok, &cmb_run_res, "combined RUNNING -> RESUMING succeeds" },
	{ "VU-SRV-MG-025", "VU-FSM-03", S, NULL, mg_arc_ok, &cmb_sc_run, "combined STOP_COPY -> RUNNING succeeds" },
	{ "VU-SRV-MG-026", "VU-FSM-03", S, NULL, mg_arc_ok, &cmb_sc_res, "combined STOP_COPY -> RESUMING succeeds" },
	{ "VU-SRV-MG-027", "VU-FSM-03", S, NULL, mg_arc_ok, &cmb_stop_pre,
	  "combined STOP -> PRE_COPY succeeds (PRE_COPY)" },
	{ "VU-SRV-MG-028", "VU-FSM-03", S, NULL, mg_arc_ok, &cmb_pre_res,
	  "combined PRE_COPY -> RESUMING succeeds (PRE_COPY)" },
	{ "VU-SRV-MG-029", "VU-FSM-03", S, NULL, mg_from_resuming, UP(ST_PRE_COPY),
	  "combined RESUMING -> PRE_COPY (valid stream loaded) succeeds (PRE_COPY)" },
	{ "VU-SRV-MG-030", "VU-FSM-02", S, NULL, mg_arc_bad, &nopre_run,
	  "without PRE_COPY, RUNNING -> PRE_COPY is refused" },
	{ "VU-SRV-MG-031", "VU-FSM-02", S, NULL, mg_arc_bad, &nopre_stop,
	  "without PRE_COPY, STOP -> PRE_COPY is refused" },
	{ "VU-SRV-MG-032", "VU-FSM-02", S, NULL, mg_arc_bad, &nopre_sc,
	  "without PRE_COPY, STOP_COPY -> PRE_COPY is refused" },
	{ "VU-SRV-MG-033", "VU-FSM-01", S, NULL, mg_pipelined, NULL,
	  "SET STOP_COPY, GET and MIG_DATA_READ back to back: the GET and the read see the finished transition" },
	{ "VU-SRV-MG-034", "VU-MG-12", S, NULL, mg_error, UP(0), "DEVICE_RESET takes the device from ERROR to RUNNING" },
	{ "VU-SRV-MG-035", "VU-FSM-04", S, NULL, mg_error, UP(1), "in ERROR every SET MIG_DEVICE_STATE fails" },
	{ "VU-SRV-MG-036", "VU-FSM-06", S, NULL, mg_session_end, UP(ST_STOP_COPY),
	  "STOP_COPY -> STOP ends the data session: MIG_DATA_READ then fails" },
	{ "VU-SRV-MG-037", "VU-FSM-06", S, NULL, mg_session_end, UP(ST_PRE_COPY),
	  "PRE_COPY -> RUNNING ends the data session: MIG_DATA_READ then fails (PRE_COPY)" },
	MD_CASES
};

#undef S
#undef UP

const struct conf_table conf_vu_mig_table = { cases, sizeof(cases) / sizeof(cases[0]) };
