/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user client cases, active: the proxy plays a misbehaving server that
 * alters or replaces one command reply (an error with error 0 or a payload,
 * a cut msg_size, a wrong id, a bogus argsz, capability chain, count or
 * entry size); the session is then judged by the reactions the spec digest
 * allows (sections 1.3-1.9, 3.5, 3.9, 3.10, 3.15, 6.B). Every reaction the
 * spec leaves open is accepted: a deviation the client may close on or
 * ignore is FAIL only when it went on as if the bad message were good.
 * VERSION alterations are in cases-vu-client-version.c, injected server
 * requests and disconnects in cases-vu-client-inject.c. VU-CLR-080 comes
 * after those in the report, so it has a table of its own here.
 */
#define _GNU_SOURCE	/* memfd_create in cases-vu-common.h */
#include "cases-vu-client-react.h"

/* ---- command reply alterations ---------------------------------------------------------------- */

/* Shift a full region-info reply's capability chain @by bytes further (a gap after the fixed part). */
static int cap_gap(struct conf_vu_msg *m, uint32_t by)
{
	uint32_t len = m->len + by, off, hops;
	uint8_t *n = calloc(1, len);

	if (!n)
		return -ENOMEM;
	memcpy(n, m->payload, 32);
	memcpy(n + 32 + by, m->payload + 32, m->len - 32);
	free(m->payload);
	m->payload = n;
	m->len = len;
	m->hdr.size = HDR + len;
	set32(m, 0, len);
	off = m32(m, 12) + by;
	set32(m, 12, off);
	for (hops = 0; off && off + 8 <= len && hops < 16; hops++) {
		uint32_t next = m32(m, off + 4);

		set32(m, off + 4, next ? next + by : 0);
		off = next ? next + by : 0;
	}
	return 0;
}

static int inject_bogus(struct conf_cl_proxy *p, const struct conf_vu_msg *m, uint32_t off, uint32_t val)
{
	struct conf_vu_hdr h = m->hdr;
	uint8_t buf[64];

	if (m->len < off + 4 || m->len > sizeof(buf))
		return -EINVAL;
	memcpy(buf, m->payload, m->len);
	memcpy(buf + off, &val, 4);
	h.id ^= 0x4321;
	conf_cl_mark_fault(p);
	return conf_cl_to_client(p, &h, buf, m->len, NULL, 0, false);
}

static int r_server(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	const struct clr_row *row = st.row;
	uint32_t rq = req_argsz[m->hdr.id], caps, cnt;
	uint8_t junk[32];
	struct conf_vu_hdr h;

	track_server(m);
	if (!is_reply(m, row->cmd) || st.done || (m->hdr.flags & CONF_VU_F_ERROR))
		return CONF_CL_FORWARD;
	caps = m->len >= 32 ? (m32(m, 4) & RI_CAPS) && m32(m, 12) : 0;
	switch (row->mode) {
	case M_ERR: set_payload(m, NULL, 0); drop_fds(m); m->hdr.flags |= CONF_VU_F_ERROR; m->hdr.error = EINVAL; break;
	case M_ERR0_HDR: set_payload(m, NULL, 0); m->hdr.flags |= CONF_VU_F_ERROR; m->hdr.error = 0; break;
	case M_ERR0_KEEP: m->hdr.flags |= CONF_VU_F_ERROR; m->hdr.error = 0; break;
	case M_ERR_BIG: set_payload(m, NULL, 0); m->hdr.flags |= CONF_VU_F_ERROR; m->hdr.error = 70000; break;
	case M_ERR_PAYLOAD:
		/* The payload looks like a header announcing 1 MiB: a reader that skips
		 * msg_size would wait for it. */
		h = (struct conf_vu_hdr){ m->hdr.id, m->hdr.cmd, 1u << 20, 1, 0 };
		memset(junk, 0, sizeof(junk));
		memcpy(junk, &h, sizeof(h));
		set_payload(m, junk, sizeof(junk));
		m->hdr.flags |= CONF_VU_F_ERROR;
		m->hdr.error = EINVAL;
		break;
	case M_SIZE8:
		h = m->hdr;
		h.size = 8;
		conf_cl_mark_fault(p);
		conf_cl_to_client(p, &h, NULL, 0, NULL, 0, true);
		st.done = true;
		return CONF_CL_DROP;
	case M_WRONG_ID: m->hdr.id ^= 0x4321; break;
	case M_BOGUS_NREG:
		if (m->len != 16)
			return CONF_CL_FORWARD;
		st.real_nreg = m32(m, 8);
		inject_bogus(p, m, 8, st.real_nreg + 28);
		st.done = true;
		return CONF_CL_FORWARD;
	case M_BOGUS_ARGSZ:
		if (m->len < 32 || rq >= 4072)
			return CONF_CL_FORWARD;
		st.gap_index = (uint16_t)req_index[m->hdr.id];
		{
			struct conf_vu_msg b = *m;

			b.len = 32;
			inject_bogus(p, &b, 0, 4072);
		}
		st.done = true;
		return CONF_CL_FORWARD;
	case M_ARGSZ80: case M_ARGSZ_HUGE:
		if (m->len < 32 || rq >= 80 || m32(m, 0) > 80)
			return CONF_CL_FORWARD;
		st.gap_index = (uint16_t)req_index[m->hdr.id];
		set_payload(m, m->payload, 32);
		drop_fds(m);
		set32(m, 0, row->mode == M_ARGSZ80 ? 80 : 0x10000);
		set32(m, 4, m32(m, 4) & ~RI_CAPS);
		set32(m, 12, 0);
		break;
	case M_CAPOFF8: case M_CAPOFF_BIG: case M_CAPLOOP: case M_CAPGAP:
		if (m->len < 32)
			return CONF_CL_FORWARD;
		if (!caps || m->len < m32(m, 0)) {
			/* Truncated: with CAPGAP, ask for 8 bytes more so the retry has room for the gap. */
			if (row->mode == M_CAPGAP && m32(m, 0) > rq && !st.bumped) {
				set32(m, 0, m32(m, 0) + 8);
				st.bumped = true;
			}
			return CONF_CL_FORWARD;
		}
		if (row->mode == M_CAPOFF8)
			set32(m, 12, 8);
		else if (row->mode == M_CAPOFF_BIG)
			set32(m, 12, m32(m, 0) + 8);
		else if (row->mode == M_CAPLOOP)
			set32(m, m32(m, 12) + 4, m32(m, 12));
		else if (rq < m->len + 8 || cap_gap(m, 8) < 0)
			return CONF_CL_FORWARD;
		st.gap_index = (uint16_t)m32(m, 8);
		break;
	case M_NUMREG: case M_NUMIRQ:
		if (m->len < 16)
			return CONF_CL_FORWARD;
		set32(m, row->mode == M_NUMREG ? 8 : 12, 0xffffffffu);
		break;
	case M_COUNT_UP: case M_COUNT_DOWN:
		cnt = m32(m, 12);
		if (m->len < 16 + cnt || (row->mode == M_COUNT_DOWN && cnt < 2))
			return CONF_CL_FORWARD;
		if (row->mode == M_COUNT_DOWN) {
			set32(m, 12, cnt / 2);
			set_payload(m, m->payload, 16 + cnt / 2);
		} else {
			uint8_t *n = calloc(1, m->len + 4);

			if (!n)
				return CONF_CL_FORWARD;
			memcpy(n, m->payload, m->len);
			free(m->payload);
			m->payload = n;
			m->len += 4;
			m->hdr.size += 4;
			set32(m, 12, cnt + 4);
		}
		break;
	case M_IOFDS48:
		/* libvfio-user's 48-byte entries (digest 3.6): shadow fd index and offset
		 * where the spec has padding, datamatch moved to 40. */
		cnt = m32(m, 12);
		if (m->len < 16 || !cnt || cnt > 64 || m->len != 16 + 40 * cnt || rq < 16 + 48 * cnt)
			return CONF_CL_FORWARD;
		{
			uint8_t n[16 + 48 * 64];
			uint32_t k;

			memset(n, 0, sizeof(n));
			memcpy(n, m->payload, 16);
			for (k = 0; k < cnt; k++) {
				memcpy(n + 16 + 48 * k, m->payload + 16 + 40 * k, 28);
				memcpy(n + 16 + 48 * k + 40, m->payload + 16 + 40 * k + 32, 8);
			}
			set_payload(m, n, 16 + 48 * cnt);
			set32(m, 0, 16 + 48 * cnt);
		}
		break;
	case M_MIG_PAD:
		/* A short read sized for the request (libvfio-user): msg_size covers the
		 * bytes asked for, the size field the bytes returned (digest 3.15). */
		cnt = req_argsz[m->hdr.id] < 8 + req_index[m->hdr.id] ? req_argsz[m->hdr.id] : 8 + req_index[m->hdr.id];
		if (m->len < 8 || m32(m, 4) >= req_index[m->hdr.id] || cnt <= m->len || cnt > (4u << 20))
			return CONF_CL_FORWARD;
		{
			uint8_t *n = malloc(cnt);

			if (!n)
				return CONF_CL_FORWARD;
			memcpy(n, m->payload, m->len);
			memset(n + m->len, 0xee, cnt - m->len);
			free(m->payload);
			m->payload = n;
			m->len = cnt;
			m->hdr.size = HDR + cnt;
		}
		break;
	}
	st.done = true;
	conf_cl_mark_fault(p);
	return CONF_CL_FORWARD;
}

static int r_client(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	track_client(m);
	return CONF_CL_FORWARD;
}

/* ---- judging ---------------------------------------------------------------------------------- */

static int jr_quick(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	long after;

	if (conf_cl_judge_basic(ctx, s) != CONF_PASS || s->fault_at < 0)
		return s->fault_at < 0 ? conf_not_supported(ctx, row->why_not) : conf_pass(ctx);
	after = first_cmd_after(s, s->fault_at);
	if (after >= 0 && s->ev[after].ms < s->fault_ms + QUICK_MS)
		return conf_fail(ctx, "cmd %u sent %u ms after a reply with a wrong msg_id: it took that reply as its answer",
				 s->ev[after].hdr.cmd, s->ev[after].ms - s->fault_ms);
	if (after >= 0)
		conf_note(ctx, "next command %u ms later (a request timeout)", s->ev[after].ms - s->fault_ms);
	return conf_pass(ctx);
}

static int jr_bogus(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	long i;

	if (conf_cl_judge_basic(ctx, s) != CONF_PASS || s->fault_at < 0)
		return s->fault_at < 0 ? conf_not_supported(ctx, row->why_not) : conf_pass(ctx);
	for (i = s->fault_at; (i = conf_cl_find(s, i, CLIENT, CONF_VU_GET_REGION_INFO, 0)) >= 0;) {
		const struct conf_cl_event *e = &s->ev[i];

		if (row->mode == M_BOGUS_ARGSZ && rd32(e, 8) == st.gap_index && rd32(e, 0) == 4072)
			return conf_fail(ctx, "region %u re-asked with argsz 4072, the argsz of the reply with a wrong id",
					 st.gap_index);
		if (row->mode == M_BOGUS_NREG && rd32(e, 8) >= st.real_nreg)
			return conf_fail(ctx, "GET_REGION_INFO %u: num_regions is %u; %u came in a reply with a wrong id",
					 rd32(e, 8), st.real_nreg, st.real_nreg + 28);
	}
	return conf_cl_judge_reaction(ctx, s, CONF_CL_MAY_CLOSE | CONF_CL_MAY_CONTINUE | CONF_CL_MAY_WAIT, row->why_not);
}

/* DMA_MAP answered ERROR with error 0: the window is not mapped for the client. */
static int jr_map_err0(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	long q = -1, i;
	uint64_t a, sz;
	bool remapped = false;

	if (conf_cl_judge_basic(ctx, s) != CONF_PASS || s->fault_at < 0)
		return s->fault_at < 0 ? conf_not_supported(ctx, row->why_not) : conf_pass(ctx);
	for (i = s->fault_at; i >= 0 && q < 0; i--)
		if (is_cmd(&s->ev[i], CONF_VU_DMA_MAP) && s->ev[i].hdr.id == s->ev[s->fault_at].hdr.id)
			q = i;
	if (q < 0)
		return conf_harness_error(ctx, "the altered DMA_MAP request is not in the recording");
	a = rd64(&s->ev[q], 16);
	sz = rd64(&s->ev[q], 24);
	for (i = s->fault_at; (i = conf_cl_find(s, i, CLIENT, 0, 0)) >= 0;) {
		const struct conf_cl_event *e = &s->ev[i];

		if (is_cmd(e, CONF_VU_DMA_MAP) && rd64(e, 16) == a)
			remapped = true;
		if (!remapped && is_cmd(e, CONF_VU_DMA_UNMAP) && rd64(e, 8) == a && rd64(e, 16) == sz)
			return conf_fail(ctx, "unmapped [0x%llx, +0x%llx), whose DMA_MAP got ERROR (error 0): taken as success",
					 (unsigned long long)a, (unsigned long long)sz);
	}
	if (exited_ok(s) && !remapped)
		return conf_fail(ctx, "exited 0 though its DMA_MAP got an ERROR reply (error 0): taken as success");
	return conf_pass(ctx);
}

static int jr_region_err(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	uint32_t idx;
	long i;

	if (jr_generic(ctx, s, row) != CONF_PASS)
		return conf_pass(ctx);
	idx = req_index[s->ev[s->fault_at].hdr.id];
	for (i = s->fault_at; (i = conf_cl_find(s, i, CLIENT, 0, 0)) >= 0;) {
		const struct conf_cl_event *e = &s->ev[i];

		if (is_cmd(e, CONF_VU_GET_REGION_INFO) && rd32(e, 8) == idx && ok_reply(reply_of(s, (size_t)i)))
			break;	/* asked again and got it */
		if ((is_cmd(e, CONF_VU_REGION_READ) || is_cmd(e, CONF_VU_REGION_WRITE)) && rd32(e, 8) == idx && idx != CFG_REGION)
			return conf_fail(ctx, "accessed region %u whose GET_REGION_INFO failed", idx);
	}
	return conf_pass(ctx);
}

static int jr_retry80(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	long i;

	if (conf_cl_judge_basic(ctx, s) != CONF_PASS || s->fault_at < 0)
		return s->fault_at < 0 ? conf_not_supported(ctx, row->why_not) : conf_pass(ctx);
	for (i = s->fault_at; (i = conf_cl_find(s, i, CLIENT, CONF_VU_GET_REGION_INFO, 0)) >= 0;)
		if (rd32(&s->ev[i], 8) == st.gap_index) {
			conf_check(ctx, rd32(&s->ev[i], 0) >= 80, "region %u re-asked with argsz %u < 80", st.gap_index,
				   rd32(&s->ev[i], 0));
			return conf_pass(ctx);
		}
	return conf_fail(ctx, "region %u: the reply asked for argsz 80 and the client never re-issued", st.gap_index);
}

static int clr_run(struct conf_ctx *ctx, const struct conf_case *c)
{
	return clr_session(ctx, c, r_server, r_client);
}

/* ---- the table -------------------------------------------------------------------------------- */

#define M(mode, cmd, want, judge, why) { K_REPLY, mode, cmd, NULL, { 0 }, want, 0, judge, why }

static const struct clr_row
	m_bogus_argsz = M(M_BOGUS_ARGSZ, CONF_VU_GET_REGION_INFO, 0, jr_bogus, "no GET_REGION_INFO with argsz < 4072"),
	m_bogus_nreg = M(M_BOGUS_NREG, CONF_VU_GET_INFO, 0, jr_bogus, "the client sent no GET_INFO"),
	m_wid_info = M(M_WRONG_ID, CONF_VU_GET_INFO, 0, jr_quick, "the client sent no GET_INFO"),
	m_wid_region = M(M_WRONG_ID, CONF_VU_GET_REGION_INFO, 0, jr_quick, "the client sent no GET_REGION_INFO"),
	m_err0_map = M(M_ERR0_HDR, CONF_VU_DMA_MAP, 0, jr_map_err0, "the client sent no DMA_MAP"),
	m_err0_info = M(M_ERR0_KEEP, CONF_VU_GET_INFO, J_NOT_OK, NULL, "the client sent no GET_INFO"),
	m_err0_irq = M(M_ERR0_KEEP, CONF_VU_GET_IRQ_INFO, J_NOT_OK, NULL, "the client sent no GET_IRQ_INFO"),
	m_err0_read = M(M_ERR0_KEEP, CONF_VU_REGION_READ, J_NOT_OK, NULL, "the client sent no REGION_READ"),
	m_errp_read = M(M_ERR_PAYLOAD, CONF_VU_REGION_READ, J_EITHER, NULL, "the client sent no REGION_READ"),
	m_errp_region = M(M_ERR_PAYLOAD, CONF_VU_GET_REGION_INFO, J_EITHER, NULL, "the client sent no GET_REGION_INFO"),
	m_err_big = M(M_ERR_BIG, CONF_VU_GET_INFO, J_NOT_OK, NULL, "the client sent no GET_INFO"),
	m_size8_info = M(M_SIZE8, CONF_VU_GET_INFO, J_CLOSE, NULL, "the client sent no GET_INFO"),
	m_size8_read = M(M_SIZE8, CONF_VU_REGION_READ, J_CLOSE, NULL, "the client sent no REGION_READ"),
	m_err_region = M(M_ERR, CONF_VU_GET_REGION_INFO, J_EITHER, jr_region_err, "the client sent no GET_REGION_INFO"),
	m_err_irq = M(M_ERR, CONF_VU_GET_IRQ_INFO, J_EITHER, NULL, "the client sent no GET_IRQ_INFO"),
	m_err_read = M(M_ERR, CONF_VU_REGION_READ, J_NOT_OK, NULL, "the client sent no REGION_READ"),
	m_argsz80 = M(M_ARGSZ80, CONF_VU_GET_REGION_INFO, 0, jr_retry80, "no GET_REGION_INFO with argsz < 80 and a reply <= 80"),
	m_argsz_huge = M(M_ARGSZ_HUGE, CONF_VU_GET_REGION_INFO, J_EITHER, NULL, "no GET_REGION_INFO with argsz < 80"),
	m_capoff8 = M(M_CAPOFF8, CONF_VU_GET_REGION_INFO, J_CLOSE, NULL, "no full GET_REGION_INFO reply with capabilities"),
	m_capoff_big = M(M_CAPOFF_BIG, CONF_VU_GET_REGION_INFO, J_CLOSE, NULL, "no full GET_REGION_INFO reply with capabilities"),
	m_caploop = M(M_CAPLOOP, CONF_VU_GET_REGION_INFO, J_CLOSE, NULL, "no full GET_REGION_INFO reply with capabilities"),
	m_capgap = M(M_CAPGAP, CONF_VU_GET_REGION_INFO, J_CONTINUE, NULL,
		     "no GET_REGION_INFO reply with capabilities and room for a gap"),
	m_numreg = M(M_NUMREG, CONF_VU_GET_INFO, J_CLOSE, NULL, "the client sent no GET_INFO"),
	m_numirq = M(M_NUMIRQ, CONF_VU_GET_INFO, J_CLOSE, NULL, "the client sent no GET_INFO"),
	m_count_up = M(M_COUNT_UP, CONF_VU_REGION_READ, J_CLOSE, NULL, "the client sent no REGION_READ"),
	m_count_down = M(M_COUNT_DOWN, CONF_VU_REGION_READ, J_EITHER, NULL, "the client sent no REGION_READ of 2+ bytes"),
	m_iofds48 = M(M_IOFDS48, CONF_VU_GET_REGION_IO_FDS, J_CONTINUE, NULL,
		      "no GET_REGION_IO_FDS reply with entries (and room for 48-byte ones)"),
	m_mig_pad = M(M_MIG_PAD, CONF_VU_MIG_DATA_READ, J_CONTINUE, NULL, "no MIG_DATA_READ reply was a short read");

#undef M

#define C CONF_ROLE_CLIENT

static const struct conf_case cases[] = {
	{ "VU-CLR-031", "VU-CL-08", C, NULL, clr_run, &m_bogus_argsz, "a wrong-id GET_REGION_INFO reply before the real one is not taken" },
	{ "VU-CLR-032", "VU-CL-08", C, NULL, clr_run, &m_bogus_nreg, "a wrong-id GET_INFO reply before the real one is not taken" },
	{ "VU-CLR-033", "VU-CL-08", C, NULL, clr_run, &m_wid_info, "a GET_INFO reply with a wrong id is not the answer" },
	{ "VU-CLR-034", "VU-CL-08", C, NULL, clr_run, &m_wid_region, "a GET_REGION_INFO reply with a wrong id is not the answer" },
	{ "VU-CLR-035", "VU-ER-03", C, NULL, clr_run, &m_err0_map, "DMA_MAP answered ERROR with error 0 is a failure" },
	{ "VU-CLR-036", "VU-ER-03", C, NULL, clr_run, &m_err0_info, "GET_INFO answered ERROR with error 0 is a failure" },
	{ "VU-CLR-037", "VU-ER-03", C, NULL, clr_run, &m_err0_irq, "GET_IRQ_INFO answered ERROR with error 0 is a failure" },
	{ "VU-CLR-038", "VU-ER-03", C, NULL, clr_run, &m_err0_read, "REGION_READ answered ERROR with error 0 is a failure" },
	{ "VU-CLR-039", "VU-ER-02", C, NULL, clr_run, &m_errp_read, "an error REGION_READ reply with a payload keeps the stream in sync" },
	{ "VU-CLR-040", "VU-ER-02", C, NULL, clr_run, &m_errp_region, "an error GET_REGION_INFO reply with a payload keeps sync" },
	{ "VU-CLR-041", "VU-ER-04", C, NULL, clr_run, &m_err_big, "an error value of 70000 is still a failure" },
	{ "VU-CLR-042", "VU-FR-07", C, NULL, clr_run, &m_size8_info, "a reply with msg_size 8 ends the connection" },
	{ "VU-CLR-043", "VU-FR-07", C, NULL, clr_run, &m_size8_read, "a REGION_READ reply with msg_size 8 ends the connection" },
	{ "VU-CLR-044", "VU-CL-09", C, NULL, clr_run, &m_err_region, "GET_REGION_INFO EINVAL: that region is not used" },
	{ "VU-CLR-045", "VU-CL-09", C, NULL, clr_run, &m_err_irq, "GET_IRQ_INFO EINVAL: no crash" },
	{ "VU-CLR-046", "VU-CL-09", C, NULL, clr_run, &m_err_read, "REGION_READ EINVAL is propagated, not taken as data" },
	{ "VU-CLR-047", "VU-CL-10", C, NULL, clr_run, &m_argsz80, "a region reply with argsz 80 makes the client retry with >= 80" },
	{ "VU-CLR-048", "VU-AZ-04", C, NULL, clr_run, &m_argsz_huge, "reply argsz 64 KiB with 32 payload bytes: msg_size frames it" },
	{ "VU-CLR-049", "VU-CL-11", C, NULL, clr_run, &m_capoff8, "cap_offset 8 is rejected" },
	{ "VU-CLR-050", "VU-CL-11", C, NULL, clr_run, &m_capoff_big, "cap_offset beyond argsz is rejected" },
	{ "VU-CLR-051", "VU-CL-11", C, NULL, clr_run, &m_caploop, "a capability whose next points to itself is rejected" },
	{ "VU-CLR-052", "VU-CX-12", C, NULL, clr_run, &m_capgap, "a chain starting 8 bytes after the fixed part is walked" },
	{ "VU-CLR-053", "VU-CL-12", C, NULL, clr_run, &m_numreg, "num_regions 0xFFFFFFFF is refused" },
	{ "VU-CLR-054", "VU-CL-12", C, NULL, clr_run, &m_numirq, "num_irqs 0xFFFFFFFF is refused" },
	{ "VU-CLR-055", "VU-CX-05", C, NULL, clr_run, &m_count_up, "a REGION_READ reply count above the request's is rejected" },
	{ "VU-CLR-056", "VU-CX-05", C, NULL, clr_run, &m_count_down, "a smaller REGION_READ reply count: no crash" },
	{ "VU-CLR-057", "VU-CX-06", C, NULL, clr_run, &m_mig_pad, "MIG_DATA_READ: size counts, not a larger msg_size" },
};

static const struct conf_case cases_tail[] = {
	{ "VU-CLR-080", "VU-CX-04", C, NULL, clr_run, &m_iofds48, "IO fds entries of 48 bytes (libvfio-user) are accepted" },
};

#undef C

const struct conf_table conf_vu_client_react_table = { cases, sizeof(cases) / sizeof(cases[0]) };
const struct conf_table conf_vu_client_react2_table = { cases_tail, sizeof(cases_tail) / sizeof(cases_tail[0]) };
