/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user server cases: DEVICE_FEATURE (digest 3.13: PROBE/GET/SET, argsz,
 * unknown features, MIGRATION) and DMA dirty logging (DMA_LOGGING_START/
 * REPORT/STOP, digest 3.13 and 4.4; 6.A MG-01/02/09/10). Preconditions are
 * discovered over the protocol (MIGRATION GET, PROBE|SET DMA_LOGGING_START).
 *
 * Device writes come from the DMA engine the profile describes ("engine":
 * {bar, offset}: SRC u64 @0, DST u64 @8, LEN u32 @0x10, DOORBELL u32 @0x14,
 * STATUS u32 @0x18 with DONE bit 0, ERROR bit 1), reading and writing memfd
 * windows mapped with their fd, so they are device writes through a mapped
 * window, the only kind the server logs (4.4).
 */
#define _GNU_SOURCE	/* memfd_create */
#include "cases-vu-mig.h"

/* ---- DEVICE_FEATURE ------------------------------------------------------------------------ */

enum { FN_NONE, FN_MIG, FN_LOG, FN_NOMIG };

static int ft_need(struct conf_ctx *ctx, unsigned need)
{
	uint64_t fl;
	int r;

	if (need == FN_NONE)
		return CONF_PASS;
	r = need == FN_LOG ? vf_feat0(ctx, FT_PROBE | FT_SET | FEAT_LOG_START, 8, NULL, 0) : vf_mig_flags(ctx, &fl);
	if (is_transport_err(r))
		return conf_fail(ctx, "DEVICE_FEATURE PROBE: no reply (%s)", conf_errno_name(r));
	if (need == FN_NOMIG)
		return r == 0 ? conf_not_supported(ctx, "the server migrates; the case needs one without migration")
			      : CONF_PASS;
	if (r < 0)
		return conf_not_supported(ctx, need == FN_LOG ? "PROBE|SET DMA_LOGGING_START is refused: no DMA logging"
							      : "DEVICE_FEATURE PROBE|GET MIGRATION is refused: no migration");
	return CONF_PASS;
}

#define FT_NEED(ctx, need)                                    \
	do {                                                  \
		int fn_ = ft_need(ctx, need);                 \
		if (fn_ != CONF_PASS)                         \
			return fn_;                           \
	} while (0)

#define WANT_ANY 1

struct ft_row {
	uint32_t flags, argsz;
	uint8_t len;		/* feature data bytes after the header */
	uint32_t data[2];
	int want;		/* 0 success, WANT_ANY any error, -E...: the reference errno (not fixed) */
	unsigned need;
	size_t paylen;		/* nonzero: send only this many payload bytes */
};

static int ft_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct ft_row *row = c->arg;
	uint8_t buf[16];
	struct vf_hdr h = { row->argsz, row->flags };
	struct vd_caps caps;
	char what[64];
	int r;

	NEGOTIATE(ctx, &caps);
	FT_NEED(ctx, row->need);
	memcpy(buf, &h, 8);
	memcpy(buf + 8, row->data, 8);
	snprintf(what, sizeof(what), "DEVICE_FEATURE flags 0x%x argsz %u", row->flags, row->argsz);
	r = vd_call(ctx, CONF_VU_DEVICE_FEATURE, buf, row->paylen ? row->paylen - 1 : 8u + row->len);
	if (row->want == 0)
		conf_expect_errno(ctx, what, r, 0, true);
	else if (row->want == WANT_ANY)
		expect_any_err(ctx, what, r);
	else
		expect_err(ctx, what, r, row->want, false);
	still_usable(ctx, "the DEVICE_FEATURE request");
	if (row->need == FN_MIG && (row->flags & FT_SET) && row->want)
		vf_state_is(ctx, ST_RUNNING, "after the refused SET");
	return conf_pass(ctx);
}

#define PG FT_PROBE | FT_GET
static const struct ft_row ft_idx3 = { PG | 3, 8, 0, { 0 }, WANT_ANY, FN_NONE, 0 };
static const struct ft_row ft_idx8000 = { PG | 0x8000, 8, 0, { 0 }, WANT_ANY, FN_NONE, 0 };
static const struct ft_row ft_idx1234 = { PG | 0x1234, 8, 0, { 0 }, WANT_ANY, FN_NONE, 0 };
static const struct ft_row ft_idx7fff = { PG | 0x7fff, 8, 0, { 0 }, WANT_ANY, FN_NONE, 0 };
static const struct ft_row ft_idxffff = { PG | 0xffff, 8, 0, { 0 }, WANT_ANY, FN_NONE, 0 };
static const struct ft_row ft_get3 = { FT_GET | 3, 64, 0, { 0 }, WANT_ANY, FN_NONE, 0 };
static const struct ft_row ft_getset = { FT_GET | FT_SET | FEAT_MIG_STATE, 16, 8, { ST_STOP, 0 }, WANT_ANY, FN_MIG, 0 };
static const struct ft_row ft_noop_state = { FEAT_MIG_STATE, 16, 8, { ST_STOP, 0 }, WANT_ANY, FN_MIG, 0 };
static const struct ft_row ft_noop_mig = { FEAT_MIGRATION, 16, 0, { 0 }, WANT_ANY, FN_NONE, 0 };
static const struct ft_row ft_getset_mig = { FT_GET | FT_SET | FEAT_MIGRATION, 16, 8, { 0 }, WANT_ANY, FN_MIG, 0 };
static const struct ft_row ft_idx101 = { FT_GET | 0x101, 16, 0, { 0 }, WANT_ANY, FN_MIG, 0 };
static const struct ft_row ft_idx10002 = { FT_SET | 0x10002u | 0x100u, 16, 8, { ST_STOP, 0 }, WANT_ANY, FN_MIG, 0 };
static const struct ft_row ft_pgs_mig = { PG | FT_SET | FEAT_MIGRATION, 8, 0, { 0 }, WANT_ANY, FN_MIG, 0 };
static const struct ft_row ft_ps_mig = { FT_PROBE | FT_SET | FEAT_MIGRATION, 8, 0, { 0 }, WANT_ANY, FN_MIG, 0 };
static const struct ft_row ft_pgs_state = { PG | FT_SET | FEAT_MIG_STATE, 8, 0, { 0 }, 0, FN_MIG, 0 };
static const struct ft_row ft_pg_start = { PG | FEAT_LOG_START, 8, 0, { 0 }, WANT_ANY, FN_LOG, 0 };
static const struct ft_row ft_ps_report = { FT_PROBE | FT_SET | FEAT_LOG_REPORT, 8, 0, { 0 }, WANT_ANY, FN_LOG, 0 };
static const struct ft_row ft_pg_stop = { PG | FEAT_LOG_STOP, 8, 0, { 0 }, WANT_ANY, FN_LOG, 0 };
static const struct ft_row ft_pg_report = { PG | FEAT_LOG_REPORT, 8, 0, { 0 }, 0, FN_LOG, 0 };
static const struct ft_row ft_ps_stop = { FT_PROBE | FT_SET | FEAT_LOG_STOP, 8, 0, { 0 }, 0, FN_LOG, 0 };
static const struct ft_row ft_pay4 = { PG | FEAT_MIGRATION, 8, 0, { 0 }, -EINVAL, FN_NONE, 5 };
static const struct ft_row ft_pay0 = { PG | FEAT_MIGRATION, 8, 0, { 0 }, -EINVAL, FN_NONE, 1 };
static const struct ft_row ft_get_mig8 = { FT_GET | FEAT_MIGRATION, 8, 0, { 0 }, -EINVAL, FN_MIG, 0 };
static const struct ft_row ft_get_state12 = { FT_GET | FEAT_MIG_STATE, 12, 0, { 0 }, -EINVAL, FN_MIG, 0 };
static const struct ft_row ft_set_state8 = { FT_SET | FEAT_MIG_STATE, 8, 8, { ST_STOP, 0 }, -EINVAL, FN_MIG, 0 };
static const struct ft_row ft_probe4 = { PG | FEAT_MIGRATION, 4, 0, { 0 }, -EINVAL, FN_MIG, 0 };
#undef PG

/* MG-01 / FT-01 / FT-02: PROBE|GET MIGRATION echoes with no data; GET is the
 * 8-byte header with argsz = 16 and flags with STOP_COPY. */
static int ft_migration(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vf_hdr h = { 8, FT_PROBE | FT_GET | FEAT_MIGRATION }, rh;
	struct vd_caps caps;
	struct conf_vu_msg m;
	uint64_t fl;
	int r;

	NEGOTIATE(ctx, &caps);
	r = vf_feat(ctx, h.flags, h.argsz, NULL, 0, &m);
	if (is_transport_err(r))
		return conf_fail(ctx, "PROBE|GET MIGRATION: no reply (%s)", conf_errno_name(r));
	if (r < 0) {
		conf_vu_msg_free(&m);
		return conf_not_supported(ctx, "PROBE|GET MIGRATION is refused: the server offers no migration");
	}
	conf_check(ctx, m.len == 8 && !memcmp(m.payload, &h, 8),
		   "PROBE reply is %u bytes, want the 8-byte echo of the request and no data", m.len);
	conf_vu_msg_free(&m);
	r = vf_feat(ctx, FT_GET | FEAT_MIGRATION, 16, NULL, 0, &m);
	if (conf_expect_errno(ctx, "GET MIGRATION after a successful PROBE", r, 0, true) == CONF_PASS &&
	    conf_check(ctx, m.len == 16, "GET MIGRATION reply %u bytes, want 8 + 8", m.len)) {
		memcpy(&rh, m.payload, 8);
		memcpy(&fl, m.payload + 8, 8);
		conf_note(ctx, "MIGRATION flags 0x%llx", (unsigned long long)fl);
		conf_check(ctx, rh.argsz == 16, "GET reply argsz %u, want the total 16", rh.argsz);
		conf_check(ctx, fl & MIGF_STOP_COPY, "MIGRATION flags 0x%llx lack STOP_COPY", (unsigned long long)fl);
		if (fl & ~(uint64_t)(MIGF_STOP_COPY | MIGF_P2P | MIGF_PRE_COPY))
			conf_non_strict(ctx, "MIGRATION flags 0x%llx carry undefined bits", (unsigned long long)fl);
	}
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

/* FT-01 / FT-08: GET 0x10002 is the 8-byte header (argsz 16) + device_state;
 * SET 0x20002 replies with the exact request; the index is bits 0-15. */
static int ft_state_layout(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint8_t req[16], *p;
	struct vf_hdr h = { 16, FT_SET | FEAT_MIG_STATE }, rh;
	uint32_t st[2] = { ST_STOP, 0 };
	struct vd_caps caps;
	struct conf_vu_msg m;
	uint64_t fl;
	int r;

	MIG_SETUP(ctx, &caps, &fl);
	r = vf_feat(ctx, FT_GET | FEAT_MIG_STATE, 16, NULL, 0, &m);
	if (conf_expect_errno(ctx, "GET MIG_DEVICE_STATE (flags 0x10002)", r, 0, true) == CONF_PASS &&
	    conf_check(ctx, m.len == 16, "GET reply %u bytes, want 8 + 8", m.len)) {
		memcpy(&rh, m.payload, 8);
		conf_check(ctx, rh.argsz == 16, "GET reply argsz %u, want 16", rh.argsz);
		conf_check(ctx, m.payload[8] == ST_RUNNING, "device_state %u, want RUNNING", m.payload[8]);
	}
	conf_vu_msg_free(&m);
	memcpy(req, &h, 8);
	memcpy(req + 8, st, 8);
	r = vf_feat(ctx, h.flags, h.argsz, st, 8, &m);
	p = m.payload;
	if (conf_expect_errno(ctx, "SET MIG_DEVICE_STATE RUNNING -> STOP (flags 0x20002)", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.len == 16 && !memcmp(p, req, 16), "SET reply (%u bytes) is not the 16-byte echo of "
			   "the request", m.len);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

/* FT-06: a server without migration refuses every migration and logging feature. */
static int ft_nomig_all(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint32_t probes[] = { FT_PROBE | FT_GET | FEAT_MIG_STATE, FT_PROBE | FT_SET | FEAT_MIG_STATE,
					   FT_PROBE | FT_SET | FEAT_LOG_START, FT_PROBE | FT_SET | FEAT_LOG_STOP,
					   FT_PROBE | FT_GET | FEAT_LOG_REPORT, FT_GET | FEAT_MIG_STATE };
	struct vd_caps caps;
	size_t i;

	NEGOTIATE(ctx, &caps);
	FT_NEED(ctx, FN_NOMIG);
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		char what[48];
		int r = vf_feat0(ctx, probes[i], 16, NULL, 0);

		snprintf(what, sizeof(what), "DEVICE_FEATURE 0x%x without migration", probes[i]);
		if (is_transport_err(r))
			return conf_fail(ctx, "%s: no reply", what);
		if (r >= 0)
			conf_non_strict(ctx, "%s succeeded; every migration feature should be unsupported", what);
	}
	return conf_pass(ctx);
}

/* FT-07: MIG_DEVICE_STATE hands out no data fd; MIG_DATA_READ carries the stream. */
static int ft_no_data_fd(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t st[2] = { ST_STOP_COPY, 0 };
	struct vd_caps caps;
	struct conf_vu_msg m;
	uint64_t fl;
	int r;

	MIG_SETUP(ctx, &caps, &fl);
	REACH(ctx, ST_STOP);
	r = vf_feat(ctx, FT_SET | FEAT_MIG_STATE, 16, st, 8, &m);
	if (conf_expect_errno(ctx, "SET STOP -> STOP_COPY", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.nfds == 0, "the SET reply carries %u fds; data_fd is unused over vfio-user", m.nfds);
	conf_vu_msg_free(&m);
	if (r < 0)
		return conf_pass(ctx);
	r = vm_read(ctx, 8 + 256, 256, &m);
	if (conf_expect_errno(ctx, "MIG_DATA_READ in STOP_COPY", r, 0, true) == CONF_PASS && m.len >= 8)
		conf_check(ctx, m.payload[4] | m.payload[5] | m.payload[6] | m.payload[7],
			   "MIG_DATA_READ in STOP_COPY returned no data: the stream must come this way");
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

/* MG-13: the legacy DIRTY_PAGES (14) gets an error from a 0.9.2 server. */
static int ft_cmd14(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vf_hdr h = { 8, 1 };	/* START */
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	FT_NEED(ctx, FN_MIG);
	expect_any_err(ctx, "DIRTY_PAGES (14) START", vd_call(ctx, 14, &h, sizeof(h)));
	still_usable(ctx, "command 14");
	return conf_pass(ctx);
}

/* The DMA logging cases are in cases-vu-log.h (one table, two files for length). */
#include "cases-vu-log.h"

/* ---- the table ---------------------------------------------------------------------------- */

#define S CONF_ROLE_SERVER
#define UP(v) ((const void *)(uintptr_t)(v))

static const struct conf_case cases[] = {
	{ "VU-SRV-FT-001", "VU-MG-01", S, NULL, ft_migration, NULL,
	  "PROBE|GET MIGRATION echoes without data; GET returns argsz 16 and flags with STOP_COPY" },
	{ "VU-SRV-FT-002", "VU-MG-01", S, NULL, ft_row, &ft_idx3, "PROBE|GET of feature index 3 gets an error" },
	{ "VU-SRV-FT-003", "VU-MG-01", S, NULL, ft_row, &ft_idx8000, "PROBE|GET of the undefined feature index 0x8000 gets an error" },
	{ "VU-SRV-FT-004", "VU-MG-01", S, NULL, ft_row, &ft_idx1234, "PROBE|GET of the undefined feature index 0x1234 gets an error" },
	{ "VU-SRV-FT-005", "VU-MG-01", S, NULL, ft_row, &ft_idx7fff, "PROBE|GET of the undefined feature index 0x7fff gets an error" },
	{ "VU-SRV-FT-006", "VU-MG-01", S, NULL, ft_row, &ft_idxffff,
	  "PROBE|GET of feature index 0xffff gets an error" },
	{ "VU-SRV-FT-007", "VU-MG-01", S, NULL, ft_row, &ft_get3, "GET of feature index 3 gets an error" },
	{ "VU-SRV-FT-008", "VU-MG-02", S, NULL, ft_row, &ft_getset,
	  "GET|SET MIG_DEVICE_STATE without PROBE gets an error; the state stays RUNNING" },
	{ "VU-SRV-FT-009", "VU-MG-02", S, NULL, ft_row, &ft_noop_state,
	  "MIG_DEVICE_STATE with no operation bit gets an error; the state stays RUNNING" },
	{ "VU-SRV-FT-010", "VU-MG-02", S, NULL, ft_row, &ft_noop_mig, "MIGRATION with no operation bit gets an error" },
	{ "VU-SRV-FT-011", "VU-MG-02", S, NULL, ft_row, &ft_getset_mig, "GET|SET MIGRATION without PROBE gets an error" },
	{ "VU-SRV-FT-012", "VU-FT-08", S, NULL, ft_row, &ft_idx101,
	  "GET of index 0x101 gets an error: the index is all of bits 0-15, not a byte" },
	{ "VU-SRV-FT-013", "VU-FT-08", S, NULL, ft_row, &ft_idx10002,
	  "SET with index 0x102 and GET|SET (no PROBE) gets an error; the state stays RUNNING" },
	{ "VU-SRV-FT-014", "VU-FT-01", S, NULL, ft_state_layout, NULL,
	  "GET 0x10002 is header (argsz 16) + RUNNING; SET 0x20002 replies with the 16-byte echo" },
	{ "VU-SRV-FT-015", "VU-FT-02", S, NULL, ft_row, &ft_pgs_mig,
	  "PROBE|GET|SET MIGRATION gets an error (MIGRATION has no SET)" },
	{ "VU-SRV-FT-016", "VU-FT-02", S, NULL, ft_row, &ft_ps_mig, "PROBE|SET MIGRATION gets an error" },
	{ "VU-SRV-FT-017", "VU-FT-02", S, NULL, ft_row, &ft_pgs_state, "PROBE|GET|SET MIG_DEVICE_STATE succeeds" },
	{ "VU-SRV-FT-018", "VU-FT-02", S, NULL, ft_row, &ft_pg_start,
	  "PROBE|GET DMA_LOGGING_START gets an error (START has no GET)" },
	{ "VU-SRV-FT-019", "VU-FT-02", S, NULL, ft_row, &ft_ps_report,
	  "PROBE|SET DMA_LOGGING_REPORT gets an error (REPORT has no SET)" },
	{ "VU-SRV-FT-020", "VU-FT-02", S, NULL, ft_row, &ft_pg_stop, "PROBE|GET DMA_LOGGING_STOP gets an error" },
	{ "VU-SRV-FT-021", "VU-FT-02", S, NULL, ft_row, &ft_pg_report, "PROBE|GET DMA_LOGGING_REPORT succeeds" },
	{ "VU-SRV-FT-022", "VU-FT-02", S, NULL, ft_row, &ft_ps_stop, "PROBE|SET DMA_LOGGING_STOP succeeds" },
	{ "VU-SRV-FT-023", "VU-FT-03", S, NULL, ft_row, &ft_pay4, "DEVICE_FEATURE with a 4-byte payload gets [EINVAL]" },
	{ "VU-SRV-FT-024", "VU-FT-03", S, NULL, ft_row, &ft_pay0, "DEVICE_FEATURE with no payload gets [EINVAL]" },
	{ "VU-SRV-FT-025", "VU-FT-04", S, NULL, ft_row, &ft_get_mig8, "GET MIGRATION with argsz 8 gets [EINVAL]" },
	{ "VU-SRV-FT-026", "VU-FT-04", S, NULL, ft_row, &ft_get_state12,
	  "GET MIG_DEVICE_STATE with argsz 12 gets [EINVAL]" },
	{ "VU-SRV-FT-027", "VU-FT-05", S, NULL, ft_row, &ft_set_state8,
	  "SET MIG_DEVICE_STATE with argsz 8 gets [EINVAL]; the state stays RUNNING" },
	{ "VU-SRV-FT-028", "VU-FT-05", S, NULL, ft_row, &ft_probe4, "PROBE with argsz 4 gets [EINVAL]" },
	{ "VU-SRV-FT-029", "VU-FT-06", S, NULL, ft_nomig_all, NULL,
	  "without migration every MIG_DEVICE_STATE and DMA logging feature is refused" },
	{ "VU-SRV-FT-030", "VU-FT-07", S, NULL, ft_no_data_fd, NULL,
	  "SET to STOP_COPY passes no data fd; MIG_DATA_READ carries the stream" },
	{ "VU-SRV-FT-031", "VU-MG-13", S, NULL, ft_cmd14, NULL, "the legacy DIRTY_PAGES (14) gets an error" },
	LG_CASES
};

#undef S
#undef UP

const struct conf_table conf_vu_feature_table = { cases, sizeof(cases) / sizeof(cases[0]) };
