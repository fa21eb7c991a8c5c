/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Playing one plan against a third-party vfio-user client (peerfuzz.h): the
 * client runs its workload against the built-in server through the
 * conformance proxy (conf_cl_run), whose on_server hook applies the plan's
 * mutations to what the server sends (structure-aware: the fields each
 * reply's layout defines, digest §3, and the VERSION capabilities); then
 * the detectors. Also the plan file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"
#include "conf-client-int.h"
#include "peerfuzz.h"

static const char *const pf_cl_op_names[PF_CL_NOPS] = {
	[PF_CL_FLIP] = "flip", [PF_CL_FIELD] = "field", [PF_CL_HDR] = "header", [PF_CL_CUT] = "cut",
	[PF_CL_GROW] = "grow", [PF_CL_DROP] = "drop", [PF_CL_DUP] = "duplicate", [PF_CL_INJECT] = "inject",
	[PF_CL_FDS] = "fds", [PF_CL_CLOSE] = "close", [PF_CL_CAPS] = "caps",
};

const char *pf_cl_op_name(enum pf_cl_op op)
{
	return (unsigned)op < PF_CL_NOPS ? pf_cl_op_names[op] : "?";
}

/* Values at the edges of what a u16/u32/u64 field may hold. */
static const uint64_t pf_cl_bounds[] = {
	0, 1, 2, 7, 8, 15, 16, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x100000, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff, 0x100000000ull, 0x10000000000ull,
	0x7fffffffffffffffull, 0x8000000000000000ull, 0xfffffffffffff000ull, 0xffffffffffffffffull,
};
#define PF_CL_NBOUNDS (sizeof(pf_cl_bounds) / sizeof(pf_cl_bounds[0]))
#define PF_CL_DUMP_MAX 400		/* messages --verbose prints */

/* The fields of each message the server sends (digest §3.1-3.15): {offset, width}. */
struct pf_cl_field {
	uint8_t off, width;
};

static const struct pf_cl_field pf_cl_f_version[] = { { 0, 2 }, { 2, 2 } };
static const struct pf_cl_field pf_cl_f_unmap[] = { { 0, 4 }, { 4, 4 }, { 8, 8 }, { 16, 8 }, { 24, 8 }, { 32, 8 } };
static const struct pf_cl_field pf_cl_f_info[] = { { 0, 4 }, { 4, 4 }, { 8, 4 }, { 12, 4 } };
static const struct pf_cl_field pf_cl_f_region[] = {
	{ 0, 4 }, { 4, 4 }, { 8, 4 }, { 12, 4 }, { 16, 8 }, { 24, 8 },
	/* the first capability: id, version, next, and a sparse area or TYPE */
	{ 32, 2 }, { 34, 2 }, { 36, 4 }, { 40, 4 }, { 48, 8 }, { 56, 8 },
};
static const struct pf_cl_field pf_cl_f_iofds[] = {
	{ 0, 4 }, { 4, 4 }, { 8, 4 }, { 12, 4 }, { 16, 8 }, { 24, 8 }, { 32, 4 }, { 36, 4 }, { 40, 4 }, { 48, 8 },
};
static const struct pf_cl_field pf_cl_f_access[] = { { 0, 8 }, { 8, 4 }, { 12, 4 } };	/* region I/O */
static const struct pf_cl_field pf_cl_f_dma[] = { { 0, 8 }, { 8, 8 } };	/* DMA_READ/WRITE */
static const struct pf_cl_field pf_cl_f_feature[] = { { 0, 4 }, { 4, 4 }, { 8, 4 }, { 8, 8 }, { 12, 4 } };
static const struct pf_cl_field pf_cl_f_migdata[] = { { 0, 4 }, { 4, 4 } };

static const struct {
	const struct pf_cl_field *f;
	size_t n;
} pf_cl_layouts[] = {
#define L(cmd, t) [cmd] = { t, sizeof(t) / sizeof(t[0]) }
	L(CONF_VU_VERSION, pf_cl_f_version), L(CONF_VU_DMA_UNMAP, pf_cl_f_unmap),
	L(CONF_VU_GET_INFO, pf_cl_f_info), L(CONF_VU_GET_REGION_INFO, pf_cl_f_region),
	L(CONF_VU_GET_REGION_IO_FDS, pf_cl_f_iofds), L(CONF_VU_GET_IRQ_INFO, pf_cl_f_info),
	L(CONF_VU_REGION_READ, pf_cl_f_access), L(CONF_VU_REGION_WRITE, pf_cl_f_access),
	L(CONF_VU_DMA_READ, pf_cl_f_dma), L(CONF_VU_DMA_WRITE, pf_cl_f_dma),
	L(CONF_VU_DEVICE_FEATURE, pf_cl_f_feature), L(CONF_VU_MIG_DATA_READ, pf_cl_f_migdata),
#undef L
};

/* The VERSION capabilities (digest §2.3) and values a parser must survive. */
static const char *const pf_cl_cap_keys[] = {
	"max_msg_fds", "max_data_xfer_size", "pgsizes", "max_dma_maps", "twin_socket", "write_multiple",
	"migration",
};
static const char *const pf_cl_cap_values[] = {
	"0", "1", "-1", "4095", "4294967295", "4294967296", "18446744073709551615", "1e300", "\"8\"", "null",
	"true", "{}", "[]", "{\"supported\":true}", "{\"supported\":true,\"fd_index\":-1}",
	"{\"supported\":true,\"fd_index\":7}", "{\"pgsize\":0,\"max_bitmap_size\":0}",
};

/* What the hook keeps per session (conf_cl_scratch: 256 zeroed bytes). */
struct pf_cl_state {
	uint32_t nsrv;		/* server messages seen */
};

struct pf_cl_hookarg {
	const struct pf_cl_plan *plan;
};

static uint64_t pf_cl_get(const uint8_t *p, unsigned w)
{
	uint64_t v = 0;

	memcpy(&v, p, w);	/* little endian, as the wire */
	return v;
}

static void pf_cl_set(uint8_t *p, unsigned w, uint64_t v)
{
	memcpy(p, &v, w);
}

static int pf_cl_resize(struct conf_vu_msg *m, uint32_t len)
{
	uint8_t *np;

	if (len > m->len) {
		np = realloc(m->payload, len);
		if (!np)
			return -ENOMEM;
		memset(np + m->len, 0, len - m->len);
		m->payload = np;
	}
	m->len = len;
	if (!len) {
		free(m->payload);
		m->payload = NULL;
	}
	m->hdr.size = (uint32_t)sizeof(m->hdr) + len;
	return 0;
}

/* A structure-aware field: one of the command's layout, else the aligned u32 at @a. */
static void pf_cl_field(struct conf_vu_msg *m, uint64_t a, uint64_t b)
{
	uint64_t v = pf_cl_bounds[b % PF_CL_NBOUNDS];
	unsigned off, w;

	if (m->hdr.cmd < sizeof(pf_cl_layouts) / sizeof(pf_cl_layouts[0]) && pf_cl_layouts[m->hdr.cmd].n) {
		const struct pf_cl_field *f = &pf_cl_layouts[m->hdr.cmd].f[a % pf_cl_layouts[m->hdr.cmd].n];

		off = f->off;
		w = f->width;
	} else {
		off = m->len >= 4 ? (unsigned)(a % (m->len - 3)) & ~3u : 0;
		w = 4;
	}
	if (off + w > m->len)
		return;
	/* every other time relative to what was there: off by one either way */
	if (b & 0x100)
		v = pf_cl_get(m->payload + off, w) + ((b & 0x200) ? 1 : (uint64_t)-1);
	pf_cl_set(m->payload + off, w, v);
}

static void pf_cl_header(struct conf_vu_msg *m, uint64_t a, uint64_t b)
{
	static const int64_t size_delta[] = { -16, -15, -1, 1, 8, 4096, 1 << 20 };
	static const uint32_t errs[] = { 0, 1, EINVAL, ENOSYS, EIO, EAGAIN, 4096, 0x7fffffff, 0xffffffff };

	switch (a % 5) {
	case 0:
		m->hdr.id ^= (uint16_t)(b | 1);
		break;
	case 1:
		m->hdr.cmd = (b & 1) ? (uint16_t)(b % 20) : (uint16_t)pf_cl_bounds[(b >> 1) % PF_CL_NBOUNDS];
		break;
	case 2:	/* msg_size of its own: the framing of the stream is lost */
		m->hdr.size = (uint32_t)((int64_t)sizeof(m->hdr) + m->len + size_delta[b % 7]);
		break;
	case 3:
		if (b % 3 == 0)
			m->hdr.flags = (m->hdr.flags & ~CONF_VU_F_TYPE_MASK) | (uint32_t)((b >> 2) % 16);
		else
			m->hdr.flags ^= b % 3 == 1 ? CONF_VU_F_ERROR : CONF_VU_F_NO_REPLY;
		break;
	default:
		m->hdr.flags |= CONF_VU_F_ERROR;
		m->hdr.error = errs[b % (sizeof(errs) / sizeof(errs[0]))];
		break;
	}
}

/* VERSION reply: capability @a set to value @b, the others kept. */
static int pf_cl_caps(struct conf_vu_msg *m, uint64_t a, uint64_t b)
{
	const char *key = pf_cl_cap_keys[a % (sizeof(pf_cl_cap_keys) / sizeof(pf_cl_cap_keys[0]))];
	const char *val = pf_cl_cap_values[b % (sizeof(pf_cl_cap_values) / sizeof(pf_cl_cap_values[0]))];
	struct json_object *root = NULL, *caps = NULL;
	char text[4096];
	size_t n;
	int r;

	if (m->hdr.cmd != CONF_VU_VERSION || m->len < 4)
		return 0;
	if (m->len > 4 && memchr(m->payload + 4, '\0', m->len - 4))
		root = json_tokener_parse((const char *)m->payload + 4);
	if (root)
		json_object_object_get_ex(root, "capabilities", &caps);
	n = (size_t)snprintf(text, sizeof(text), "{\"capabilities\":{\"%s\":%s", key, val);
	if (caps && json_object_is_type(caps, json_type_object)) {
		json_object_object_foreach(caps, k, v) {
			if (!strcmp(k, key) || n >= sizeof(text))
				continue;
			n += (size_t)snprintf(text + n, sizeof(text) - n, ",\"%s\":%s", k,
					      json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		}
	}
	json_object_put(root);
	if (n + 3 > sizeof(text))
		return 0;
	memcpy(text + n, "}}", 3);
	n += 3;
	r = pf_cl_resize(m, (uint32_t)(4 + n));
	if (r < 0)
		return r;
	memcpy(m->payload + 4, text, n);
	return 0;
}

/* A server request the client did not expect, before message @m. */
static int pf_cl_inject(struct conf_cl_proxy *p, uint64_t a, uint64_t b)
{
	uint8_t buf[16 + 4096] = { 0 };
	struct conf_vu_hdr h = { .id = conf_cl_fresh_id(p) };
	uint64_t addr = pf_cl_bounds[b % PF_CL_NBOUNDS], count = pf_cl_bounds[(b >> 8) % PF_CL_NBOUNDS];
	size_t len = 16;

	switch (a % 4) {
	case 0:
		h.cmd = CONF_VU_DMA_READ;
		break;
	case 1:	/* the data carried may be shorter than count says */
		h.cmd = CONF_VU_DMA_WRITE;
		len += count < 4096 ? count : 4096;
		memset(buf + 16, (int)(b >> 16), len - 16);
		break;
	case 2:
		h.cmd = (b >> 16) & 1 ? 14 : 0xffff;	/* the legacy DIRTY_PAGES, or nothing at all */
		break;
	default:
		h.cmd = CONF_VU_DMA_READ;
		h.flags = CONF_VU_F_NO_REPLY;
		break;
	}
	pf_cl_set(buf, 8, addr);
	pf_cl_set(buf + 8, 8, count);
	return conf_cl_to_client(p, &h, buf, len, NULL, 0, false);
}

/* The first @a bytes of @m, then the connection closed. */
static int pf_cl_close(struct conf_cl_proxy *p, const struct conf_vu_msg *m, uint64_t a)
{
	size_t total = sizeof(m->hdr) + m->len, k = (size_t)(a % total);
	uint8_t *raw = malloc(total);
	int r = 0;

	if (!raw)
		return -ENOMEM;
	memcpy(raw, &m->hdr, sizeof(m->hdr));
	if (m->len)
		memcpy(raw + sizeof(m->hdr), m->payload, m->len);
	if (k)
		r = conf_cl_to_client_bytes(p, raw, k);
	free(raw);
	return r;
}

static int pf_cl_on_server(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	const struct pf_cl_hookarg *ha = conf_cl_arg(p);
	struct pf_cl_state *st = conf_cl_scratch(p);
	uint32_t at = st->nsrv++;
	size_t i;

	for (i = 0; i < ha->plan->n; i++) {
		const struct pf_cl_mut *mu = &ha->plan->m[i];
		int r = 0;

		if (mu->at != at)
			continue;
		switch (mu->op) {
		case PF_CL_FLIP:
			if (m->len)
				m->payload[mu->a % m->len] ^= (uint8_t)(mu->b % 255 + 1);
			break;
		case PF_CL_FIELD:
			pf_cl_field(m, mu->a, mu->b);
			break;
		case PF_CL_HDR:
			pf_cl_header(m, mu->a, mu->b);
			break;
		case PF_CL_CUT:
			if (m->len)
				r = pf_cl_resize(m, (uint32_t)(mu->a % m->len));
			break;
		case PF_CL_GROW: {
			uint32_t old = m->len, add = (uint32_t)(mu->a % 4096) + 1;

			r = pf_cl_resize(m, old + add);
			if (!r)
				memset(m->payload + old, (int)(uint8_t)mu->b, add);
			break;
		}
		case PF_CL_DROP:
			return CONF_CL_DROP;
		case PF_CL_DUP:
			r = conf_cl_to_client(p, &m->hdr, m->payload, m->len, NULL, 0, true);
			break;
		case PF_CL_INJECT:
			r = pf_cl_inject(p, mu->a, mu->b);
			break;
		case PF_CL_FDS: {
			unsigned k, n = (unsigned)(mu->a % 4) + 1;

			for (k = 0; k < n && m->nfds < CONF_VU_MAX_FDS; k++) {
				int fd = eventfd(0, EFD_CLOEXEC);

				if (fd < 0)
					break;
				m->fds[m->nfds++] = fd;
			}
			break;
		}
		case PF_CL_CLOSE:
			pf_cl_close(p, m, mu->a);
			return CONF_CL_STOP;
		case PF_CL_CAPS:
			r = pf_cl_caps(m, mu->a, mu->b);
			break;
		default:
			break;
		}
		if (r == -ENOMEM)
			return CONF_CL_STOP;
	}
	return CONF_CL_FORWARD;
}

/* The first line of @tail a sanitizer wrote, into @line; false if none. */
static bool pf_cl_sanitizer(const char *tail, char *line, size_t len)
{
	static const char *const pats[] = {
		"AddressSanitizer", "LeakSanitizer", "MemorySanitizer", "ThreadSanitizer",
		"UndefinedBehaviorSanitizer", "runtime error:",
	};
	size_t i;

	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		const char *hit = strstr(tail, pats[i]), *s, *e;

		if (!hit)
			continue;
		for (s = hit; s > tail && s[-1] != '\n'; s--)
			;
		e = strchr(hit, '\n');
		snprintf(line, len, "%.*s", (int)(e ? e - s : (ptrdiff_t)strlen(s)), s);
		return true;
	}
	return false;
}

/* --verbose: what the proxy saw, with the plan's mutations under the
 * server messages they altered, and how the client ended. */
static void pf_cl_dump(const struct conf_cl_session *ss, const struct pf_cl_plan *plan)
{
	static const char *const dirs[] = {
		[CONF_CL_FROM_CLIENT] = "client ->", [CONF_CL_FROM_SERVER] = "<- server", [CONF_CL_INJECTED] = "<- vfsim ",
	};
	unsigned nsrv = 0;
	char how[128];
	size_t i, j;

	for (i = 0; i < ss->nev; i++) {
		const struct conf_cl_event *e = &ss->ev[i];

		if (i < PF_CL_DUMP_MAX)
			printf("  %6u ms %s %-18s id %-5u size %-6u flags 0x%x%s%s\n", e->ms, dirs[e->dir],
			       pf_cmd_name(e->hdr.cmd), e->hdr.id, e->hdr.size, e->hdr.flags, e->nfds ? " +fds" : "",
			       e->dropped ? " (not forwarded)" : "");
		if (e->dir != CONF_CL_FROM_SERVER)
			continue;
		for (j = 0; j < plan->n && i < PF_CL_DUMP_MAX; j++)
			if (plan->m[j].at == nsrv)
				printf("            mutation %zu: %s a=%llu b=%llu\n", j, pf_cl_op_name(plan->m[j].op),
				       (unsigned long long)plan->m[j].a, (unsigned long long)plan->m[j].b);
		nsrv++;
	}
	if (ss->nev > PF_CL_DUMP_MAX)
		printf("  (%zu more messages)\n", ss->nev - PF_CL_DUMP_MAX);
	conf_cl_status(ss, how, sizeof(how));
	printf("  the client %s%s%s\n", how, ss->stderr_tail[0] ? "; the end of its stderr:\n" : "", ss->stderr_tail);
}

int pf_cl_play(const struct pf_client *cl, const struct pf_cl_plan *plan, struct pf_finding *f,
	       unsigned counts[2])
{
	struct pf_cl_hookarg ha = { .plan = plan };
	struct conf_cl_script sc = { .on_server = pf_cl_on_server, .arg = &ha, .exit_grace_ms = PF_CL_GRACE_MS };
	struct conf_target t = { .kind = CONF_TARGET_VU_SOCKET, .profile = cl->profile, .client_cmd = cl->cmd,
				 .timeout_ms = cl->timeout_ms + CONF_CL_JUDGE_MS + CONF_CL_TEARDOWN_MS };
	struct conf_ctx ctx = { .target = &t, .out_fd = -1 };
	struct conf_ctx jctx = { .target = &t, .out_fd = -1 };
	struct conf_cl_session ss;
	unsigned nsrv = 0, ncl = 0;
	bool closed = false;
	char san[256];
	size_t i;
	int r;

	memset(f, 0, sizeof(*f));
	f->at = -1;
	fflush(stdout);
	r = conf_cl_run(&ctx, &sc, &ss);
	if (r < 0) {
		snprintf(f->detail, sizeof(f->detail), "%.500s", ctx.detail);
		return r;
	}
	if (cl->verbose)
		pf_cl_dump(&ss, plan);
	/* The hook's state lives in the proxy, gone now: count from the recording. */
	for (i = 0; i < ss.nev; i++) {
		if (ss.ev[i].dir == CONF_CL_FROM_CLIENT) {
			ncl++;
			if ((ss.ev[i].hdr.flags & CONF_VU_F_TYPE_MASK) > 1 && f->kind == PF_NONE) {
				f->kind = PF_DESYNC;
				snprintf(f->detail, sizeof(f->detail),
					 "the client sent %s (msg_id %u) with the undefined TYPE %u",
					 pf_cmd_name(ss.ev[i].hdr.cmd), ss.ev[i].hdr.id,
					 ss.ev[i].hdr.flags & CONF_VU_F_TYPE_MASK);
			}
		} else if (ss.ev[i].dir == CONF_CL_FROM_SERVER) {
			nsrv++;
		}
	}
	nsrv += (unsigned)ss.nlost;
	if (counts) {
		counts[0] = nsrv;
		counts[1] = ncl;
	}
	/* the last mutation that went before the end (the plan's own record) */
	for (i = 0; i < plan->n; i++)
		if (plan->m[i].at < nsrv && (long)plan->m[i].at > f->at)
			f->at = (long)plan->m[i].at;
	for (i = 0; i < plan->n; i++)
		if (plan->m[i].op == PF_CL_CLOSE && plan->m[i].at < nsrv)
			closed = true;
	conf_cl_judge_basic(&jctx, &ss);
	if (jctx.verdict == CONF_PEER_CRASH) {
		f->kind = PF_CRASH;
		snprintf(f->detail, sizeof(f->detail), "%.500s", jctx.detail);
	} else if (pf_cl_sanitizer(ss.stderr_tail, san, sizeof(san))) {
		f->kind = PF_CRASH;
		snprintf(f->detail, sizeof(f->detail), "a sanitizer report on the client's stderr: %s", san);
	} else if (jctx.verdict == CONF_HARNESS_ERROR) {
		snprintf(f->detail, sizeof(f->detail), "%.500s", jctx.detail);
		conf_cl_session_free(&ss);
		return -EIO;
	} else if (ss.end == CONF_CL_END_FRAMING) {
		f->kind = PF_DESYNC;
		snprintf(f->detail, sizeof(f->detail), "%.500s", jctx.detail);
	} else if (f->kind == PF_NONE && closed && ss.end == CONF_CL_END_STOPPED && ss.stopped) {
		f->kind = PF_HANG;
		snprintf(f->detail, sizeof(f->detail),
			 "the connection was closed and the client did not exit within %u ms (VU-CL-19: no "
			 "hanging on server disconnect)", PF_CL_GRACE_MS);
	} else if (f->kind == PF_NONE && ss.end == CONF_CL_END_DEADLINE && cl->client_msgs &&
		   ncl > 4 * cl->client_msgs + 16) {
		f->kind = PF_HANG;
		snprintf(f->detail, sizeof(f->detail),
			 "still sending at the %u ms deadline: %u messages, against %u in the unaltered session",
			 cl->timeout_ms, ncl, cl->client_msgs);
	}
	if (f->kind == PF_NONE)
		f->at = -1;
	conf_cl_session_free(&ss);
	return 0;
}

/* ---- the plan file ---------------------------------------------------------------- */

bool pf_cl_is_plan(const char *path)
{
	struct json_object *root = json_object_from_file(path), *v;
	bool yes = root && json_object_object_get_ex(root, "format", &v) &&
		   json_object_is_type(v, json_type_string) &&
		   !strcmp(json_object_get_string(v), "vfsim-client-plan");

	json_object_put(root);
	return yes;
}

/* A non-negative JSON integer up to @max (json-c keeps those past INT64_MAX
 * as unsigned). */
static int pf_cl_u64(struct json_object *o, const char *key, uint64_t max, uint64_t *ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return -EINVAL;
	*ret = json_object_get_uint64(v);
	return *ret <= max ? 0 : -ERANGE;
}

int pf_cl_plan_load(const char *path, struct pf_cl_plan *p, struct pf_finding *f, char *err, size_t errlen)
{
	struct json_object *root, *jm;
	size_t i, n;
	int r = 0;

	memset(p, 0, sizeof(*p));
	root = pf_json_load(path, "vfsim-client-plan", err, errlen);
	if (!root)
		return -EINVAL;
	if (!json_object_object_get_ex(root, "mutations", &jm) || !json_object_is_type(jm, json_type_array) ||
	    (n = json_object_array_length(jm)) > PF_CL_MAX_MUTS) {
		snprintf(err, errlen, "%s: \"mutations\" is not an array of at most %u", path, PF_CL_MAX_MUTS);
		r = -EINVAL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(jm, i), *op;
		uint64_t at;
		unsigned k;

		if (!json_object_is_type(m, json_type_object) || pf_cl_u64(m, "at", UINT32_MAX, &at) < 0 ||
		    pf_cl_u64(m, "a", UINT64_MAX, &p->m[i].a) < 0 || pf_cl_u64(m, "b", UINT64_MAX, &p->m[i].b) < 0 ||
		    !json_object_object_get_ex(m, "op", &op) || !json_object_is_type(op, json_type_string)) {
			snprintf(err, errlen, "%s: mutation %zu: needs \"at\" (u32), \"op\", \"a\" and \"b\" (u64)",
				 path, i);
			r = -EINVAL;
			goto out;
		}
		for (k = 0; k < PF_CL_NOPS && strcmp(json_object_get_string(op), pf_cl_op_names[k]); k++)
			;
		if (k == PF_CL_NOPS) {
			snprintf(err, errlen, "%s: mutation %zu: unknown op \"%s\"", path, i, json_object_get_string(op));
			r = -EINVAL;
			goto out;
		}
		p->m[i].at = (uint32_t)at;
		p->m[i].op = (enum pf_cl_op)k;
	}
	p->n = n;
	if (f)
		pf_json_finding(root, f);
out:
	json_object_put(root);
	return r;
}

int pf_cl_plan_save(const char *path, const struct pf_cl_plan *p, const struct pf_finding *f,
		    const char *client_cmd, uint64_t seed, uint64_t iteration, char *err, size_t errlen)
{
	struct json_object *root = pf_json_root("vfsim-client-plan", f, "client_cmd", client_cmd, seed, iteration);
	struct json_object *muts = json_object_new_array();
	size_t i;

	if (!root || !muts)
		goto nomem;
	for (i = 0; i < p->n; i++) {
		struct json_object *m = json_object_new_object();

		if (!m)
			goto nomem;
		json_object_object_add(m, "at", json_object_new_int64(p->m[i].at));
		json_object_object_add(m, "op", json_object_new_string(pf_cl_op_name(p->m[i].op)));
		json_object_object_add(m, "a", json_object_new_uint64(p->m[i].a));
		json_object_object_add(m, "b", json_object_new_uint64(p->m[i].b));
		json_object_array_add(muts, m);
	}
	json_object_object_add(root, "mutations", muts);
	return pf_json_save(path, root, err, errlen);
nomem:
	snprintf(err, errlen, "%s: cannot write it (%s)", path, strerror(ENOMEM));
	json_object_put(muts);
	json_object_put(root);
	return -ENOMEM;
}
