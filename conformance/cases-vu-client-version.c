/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user client cases, active: the proxy alters the server's VERSION
 * reply (another major or minor, an error, broken or mistyped JSON,
 * capabilities absent or out of range, a wrong id or cmd, a contradicted
 * twin_socket offer) and the session is judged by the reactions the spec
 * digest allows (sections 1.x, 2.x, 6.B). Every reaction the spec leaves
 * open is accepted. Reply alterations are in cases-vu-client-react.c,
 * injected server requests and disconnects in cases-vu-client-inject.c.
 */
#define _GNU_SOURCE	/* memfd_create in cases-vu-common.h */
#include "cases-vu-client-react.h"

/* ---- VERSION reply alterations -------------------------------------------------------------- */

/* The server's JSON with @frag's keys set into "capabilities"; malloc'd. */
static char *merged_json(const struct conf_vu_msg *m, const char *frag)
{
	struct json_object *top = NULL, *caps, *add = json_tokener_parse(frag);
	char *out = NULL;

	if (m->len > 4 && m->payload[m->len - 1] == '\0')
		top = json_tokener_parse((const char *)m->payload + 4);
	if (!top || !json_object_is_type(top, json_type_object)) {
		json_object_put(top);
		top = json_object_new_object();
	}
	if (!json_object_object_get_ex(top, "capabilities", &caps) || !json_object_is_type(caps, json_type_object)) {
		caps = json_object_new_object();
		json_object_object_add(top, "capabilities", caps);
	}
	if (add && json_object_is_type(add, json_type_object)) {
		json_object_object_foreach(add, key, val)
			json_object_object_add(caps, key, json_object_get(val));
	}
	if (top)
		out = strdup(json_object_to_json_string_ext(top, JSON_C_TO_STRING_PLAIN));
	json_object_put(add);
	json_object_put(top);
	return out;
}

static int set_version(struct conf_vu_msg *m, uint16_t major, uint16_t minor, const char *json, size_t jlen)
{
	uint8_t buf[4096];

	if (jlen > sizeof(buf) - 4)
		return -E2BIG;
	memcpy(buf, &major, 2);
	memcpy(buf + 2, &minor, 2);
	if (jlen)
		memcpy(buf + 4, json, jlen);
	return set_payload(m, buf, (uint32_t)(4 + jlen));
}

static int on_client_track(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	track_client(m);
	return CONF_CL_FORWARD;
}

static int v_server(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	const struct clr_row *row = st.row;
	uint16_t major = (uint16_t)m32(m, 0), minor = (uint16_t)(m32(m, 0) >> 16);
	char *j = NULL;

	if (!is_reply(m, CONF_VU_VERSION) || st.done || m->len < 4)
		return CONF_CL_FORWARD;
	st.done = true;
	switch (row->mode) {
	case V_MERGE:
		j = merged_json(m, row->json);
		if (j)
			set_version(m, major, minor, j, strlen(j) + 1);
		break;
	case V_TWIN:
		if (!st.twin_offered)
			return CONF_CL_FORWARD;	/* nothing offered: nothing to contradict */
		j = merged_json(m, row->json);
		if (j)
			set_version(m, major, minor, j, strlen(j) + 1);
		drop_fds(m);
		break;
	case V_TOP: set_version(m, major, minor, row->json, strlen(row->json) + 1); break;
	case V_RAW: set_version(m, major, minor, row->json, strlen(row->json)); break;
	case V_MAJOR: set32(m, 0, (uint32_t)(uint16_t)(st.prop_major + 1) | (uint32_t)minor << 16); break;
	case V_MINOR_UP:
		if (st.prop_minor == 0xffff)
			return CONF_CL_FORWARD;
		set32(m, 0, major | (uint32_t)(st.prop_minor + 1) << 16);
		break;
	case V_MINOR_DOWN:
		set32(m, 0, major | (uint32_t)(st.prop_minor ? st.prop_minor - 1 : 0) << 16);
		conf_note(conf_cl_ctx(p), "proposal minor %u, reply minor %u", st.prop_minor,
			  st.prop_minor ? st.prop_minor - 1 : 0);
		break;
	case V_MINOR0: set32(m, 0, major); break;
	case V_ERROR: set_payload(m, NULL, 0); m->hdr.flags |= CONF_VU_F_ERROR; m->hdr.error = EINVAL; break;
	case V_ERROR0: m->hdr.flags |= CONF_VU_F_ERROR; m->hdr.error = 0; break;
	case V_WRONG_ID: m->hdr.id ^= 0x5a5a; break;
	case V_WRONG_CMD: m->hdr.cmd = CONF_VU_GET_INFO; break;
	case V_NOJSON: set_payload(m, m->payload, 4); break;
	}
	free(j);
	conf_cl_mark_fault(p);
	return CONF_CL_FORWARD;
}

/* ---- judging ---------------------------------------------------------------------------------- */

/* No capabilities: at most 1 fd per message and counts <= 1 MiB afterwards (digest 2.3). */
static int jr_defaults(struct conf_ctx *ctx, const struct conf_cl_session *s, const struct clr_row *row)
{
	size_t i;

	if (jr_generic(ctx, s, row) != CONF_PASS)
		return conf_pass(ctx);
	for (i = (size_t)s->fault_at; i < s->nev; i++) {
		const struct conf_cl_event *e = &s->ev[i];

		if (e->dir != CLIENT)
			continue;
		conf_check(ctx, e->nfds <= 1, "cmd %u carries %u fds; without max_msg_fds the server takes 1", e->hdr.cmd, e->nfds);
		if (is_cmd(e, CONF_VU_REGION_READ) || is_cmd(e, CONF_VU_REGION_WRITE))
			conf_check(ctx, rd32(e, 12) <= DEFAULT_XFER, "region access count %u > the 1 MiB default", rd32(e, 12));
	}
	return conf_pass(ctx);
}

static int clr_run(struct conf_ctx *ctx, const struct conf_case *c)
{
	return clr_session(ctx, c, v_server, on_client_track);
}

/* ---- the table -------------------------------------------------------------------------------- */

#define NV "the client never got a VERSION reply"
#define NTW "the client did not offer twin_socket"
#define V(mode, json, want, judge, why) { K_VERSION, mode, 0, json, { 0 }, want, 0, judge, why }

static const struct clr_row
	v_major = V(V_MAJOR, NULL, J_REJECT, NULL, NV),
	v_minor_up = V(V_MINOR_UP, NULL, J_REJECT, NULL, "the client proposed minor 65535"),
	v_minor_down = V(V_MINOR_DOWN, NULL, J_ACCEPT, NULL, NV),
	v_minor0 = V(V_MINOR0, NULL, J_ACCEPT, NULL, NV),
	v_error = V(V_ERROR, NULL, J_REJECT, NULL, NV),
	v_error0 = V(V_ERROR0, NULL, J_REJECT, NULL, NV),
	v_no_nul = V(V_RAW, "{\"capabilities\":{}}", J_REJECT, NULL, NV),
	v_brace = V(V_TOP, "{", J_REJECT, NULL, NV),
	v_cut = V(V_TOP, "{\"capabilities\":{\"max_msg_fds\":1", J_REJECT, NULL, NV),
	v_caps_arr = V(V_TOP, "{\"capabilities\":[]}", J_REJECT, NULL, NV),
	v_fds_str = V(V_MERGE, "{\"max_msg_fds\":\"x\"}", J_REJECT, NULL, NV),
	v_xfer_str = V(V_MERGE, "{\"max_data_xfer_size\":\"1048576\"}", J_REJECT, NULL, NV),
	v_wm_int = V(V_MERGE, "{\"write_multiple\":1}", J_REJECT, NULL, NV),
	v_twin_bool = V(V_MERGE, "{\"twin_socket\":true}", J_REJECT, NULL, NV),
	v_pg_str = V(V_MERGE, "{\"pgsizes\":\"4096\"}", J_REJECT, NULL, NV),
	v_maps_arr = V(V_MERGE, "{\"max_dma_maps\":[1]}", J_REJECT, NULL, NV),
	v_unknown = V(V_MERGE, "{\"future_thing\":{\"x\":1}}", J_ACCEPT, NULL, NV),
	v_legacy = V(V_MERGE, "{\"migration\":{\"pgsize\":4096}}", J_ACCEPT, NULL, NV),
	v_nojson = V(V_NOJSON, NULL, J_ACCEPT, jr_defaults, NV),
	v_empty = V(V_TOP, "{}", J_ACCEPT, jr_defaults, NV),
	v_nocaps = V(V_TOP, "{\"capabilities\":{}}", J_ACCEPT, jr_defaults, NV),
	v_huge_fds = V(V_MERGE, "{\"max_msg_fds\":1073741824}", J_EITHER, NULL, NV),
	v_huge_xfer = V(V_MERGE, "{\"max_data_xfer_size\":1099511627776}", J_EITHER, NULL, NV),
	v_neg_fds = V(V_MERGE, "{\"max_msg_fds\":-1}", J_EITHER, NULL, NV),
	v_pg_low = V(V_MERGE, "{\"pgsizes\":4097}", J_SHOULD_REJECT, NULL, NV),
	v_wrong_id = V(V_WRONG_ID, NULL, J_REJECT, NULL, NV),
	v_wrong_cmd = V(V_WRONG_CMD, NULL, J_REJECT, NULL, NV),
	v_twin_noidx = V(V_TWIN, "{\"twin_socket\":{\"supported\":true}}", J_REJECT, NULL, NTW),
	v_twin_badidx = V(V_TWIN, "{\"twin_socket\":{\"supported\":true,\"fd_index\":1}}", J_REJECT, NULL, NTW),
	v_twin_no = V(V_TWIN, "{\"twin_socket\":{\"supported\":false}}", J_EITHER, NULL, NTW);

#undef V

#define C CONF_ROLE_CLIENT

static const struct conf_case cases[] = {
	{ "VU-CLR-001", "VU-CL-02", C, NULL, clr_run, &v_major, "a VERSION reply with another major is rejected" },
	{ "VU-CLR-002", "VU-CL-02", C, NULL, clr_run, &v_minor_up, "a VERSION reply minor above the proposal is rejected" },
	{ "VU-CLR-003", "VU-VS-09", C, NULL, clr_run, &v_minor_down, "a reply with a lower (or equal) minor is accepted" },
	{ "VU-CLR-004", "VU-VS-08", C, NULL, clr_run, &v_minor0, "a reply with minor 0 is accepted" },
	{ "VU-CLR-005", "VU-CL-03", C, NULL, clr_run, &v_error, "a VERSION error reply ends the negotiation" },
	{ "VU-CLR-006", "VU-ER-03", C, NULL, clr_run, &v_error0, "a VERSION reply with ERROR and error 0 is a failure" },
	{ "VU-CLR-007", "VU-CL-03", C, NULL, clr_run, &v_no_nul, "VERSION JSON without its NUL is rejected" },
	{ "VU-CLR-008", "VU-CL-03", C, NULL, clr_run, &v_brace, "VERSION JSON \"{\" is rejected" },
	{ "VU-CLR-009", "VU-CL-03", C, NULL, clr_run, &v_cut, "truncated VERSION JSON is rejected" },
	{ "VU-CLR-010", "VU-CL-03", C, NULL, clr_run, &v_caps_arr, "\"capabilities\" that is not an object is rejected" },
	{ "VU-CLR-011", "VU-CL-03", C, NULL, clr_run, &v_fds_str, "max_msg_fds as a string is rejected" },
	{ "VU-CLR-012", "VU-CL-03", C, NULL, clr_run, &v_xfer_str, "max_data_xfer_size as a string is rejected" },
	{ "VU-CLR-013", "VU-CL-03", C, NULL, clr_run, &v_wm_int, "write_multiple as a number is rejected" },
	{ "VU-CLR-014", "VU-CL-03", C, NULL, clr_run, &v_twin_bool, "twin_socket as a bool is rejected" },
	{ "VU-CLR-015", "VU-CL-03", C, NULL, clr_run, &v_pg_str, "pgsizes as a string is rejected" },
	{ "VU-CLR-016", "VU-CL-03", C, NULL, clr_run, &v_maps_arr, "max_dma_maps as an array is rejected" },
	{ "VU-CLR-017", "VU-CL-03", C, NULL, clr_run, &v_unknown, "an unknown capability key is tolerated" },
	{ "VU-CLR-018", "VU-CP-07", C, NULL, clr_run, &v_legacy, "the legacy migration {pgsize} capability is tolerated" },
	{ "VU-CLR-019", "VU-CP-01", C, NULL, clr_run, &v_nojson, "a reply without JSON: defaults (1 fd, 1 MiB) apply" },
	{ "VU-CLR-020", "VU-CP-01", C, NULL, clr_run, &v_empty, "a reply JSON {}: defaults apply" },
	{ "VU-CLR-021", "VU-CP-01", C, NULL, clr_run, &v_nocaps, "empty capabilities: defaults apply" },
	{ "VU-CLR-022", "VU-SZ-03", C, NULL, clr_run, &v_huge_fds, "max_msg_fds 2^30: refused or clamped, no crash" },
	{ "VU-CLR-023", "VU-SZ-03", C, NULL, clr_run, &v_huge_xfer, "max_data_xfer_size 1 TiB: refused or clamped, no crash" },
	{ "VU-CLR-024", "VU-SZ-03", C, NULL, clr_run, &v_neg_fds, "max_msg_fds -1: refused or ignored, no crash" },
	{ "VU-CLR-025", "VU-CP-03", C, NULL, clr_run, &v_pg_low, "pgsizes with low 12 bits set is rejected" },
	{ "VU-CLR-026", "VU-CL-08", C, NULL, clr_run, &v_wrong_id, "a VERSION reply with a wrong msg_id is not taken" },
	{ "VU-CLR-027", "VU-CL-03", C, NULL, clr_run, &v_wrong_cmd, "a VERSION reply with cmd 4 is not taken" },
	{ "VU-CLR-028", "VU-CL-04", C, NULL, clr_run, &v_twin_noidx, "twin supported:true without fd_index: the client closes" },
	{ "VU-CLR-029", "VU-SK-04", C, NULL, clr_run, &v_twin_badidx, "twin fd_index 1 with no fd: the client closes" },
	{ "VU-CLR-030", "VU-TW-05", C, NULL, clr_run, &v_twin_no, "a declined twin offer: continue or close" },
};

#undef C

const struct conf_table conf_vu_client_version_table = { cases, sizeof(cases) / sizeof(cases[0]) };
