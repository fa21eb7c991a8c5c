/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cases judging a vfio-user server's transport and version negotiation:
 * digest §6.A TR-xx (framing, ids, error replies, NO_REPLY, ordering,
 * malformed headers, stray fds) and VN-xx / VS-xx (VERSION rules). Each case
 * gets a fresh connection (conf-vu.c) and speaks raw messages; payload
 * layouts are the spec's (§3.16): GET_INFO and GET_IRQ_INFO 16 bytes,
 * REGION_READ/WRITE {u64 offset, u32 region, u32 count} + data, SET_IRQS 20.
 *
 * Register used for writes: config space (region 7) offset 0x3c, Interrupt
 * Line, read/write scratch for software on every PCI function.
 */
#define _GNU_SOURCE	/* memmem, pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "conf-int.h"

#define CFG_REGION 7u		/* VFIO_PCI_CONFIG_REGION_INDEX */
#define CFG_INTERRUPT_LINE 0x3cu

struct vu_get_info {
	uint32_t argsz, flags, num_regions, num_irqs;
} __attribute__((packed));

struct vu_irq_info {
	uint32_t argsz, flags, index, count;
} __attribute__((packed));

struct vu_irq_set {
	uint32_t argsz, flags, index, start, count;
} __attribute__((packed));

struct vu_access {
	uint64_t offset;
	uint32_t region, count;
	uint8_t data[4];
} __attribute__((packed));

static const struct vu_get_info get_info_req = { .argsz = sizeof(struct vu_get_info) };

/* ---- shared checks ---------------------------------------------------------------------- */

/* An error the spec wants as [EINVAL] (or a close when @close_ok): another
 * errno is NON-STRICT, success is FAIL. @r is conf_vu_call's return. */
static int expect_rejected(struct conf_ctx *ctx, const char *what, int r, const struct conf_vu_msg *m, bool close_ok)
{
	if (r == -ECONNRESET && close_ok) {
		conf_note(ctx, "%s: the server closed the connection (allowed)", what);
		return CONF_PASS;
	}
	if (r == -ETIMEDOUT || r == -ECONNRESET || r == -EPROTO)
		return conf_fail(ctx, "%s: no error reply (%s)", what, conf_errno_name(r));
	if (r >= 0)
		return conf_fail(ctx, "%s: succeeded where the spec requires an error", what);
	if (m->len)
		conf_non_strict(ctx, "%s: the error reply carries a %u-byte payload (spec: header only)", what, m->len);
	return conf_expect_errno(ctx, what, r, -EINVAL, false);
}

/* The connection still serves: a GET_INFO succeeds. */
static bool still_usable(struct conf_ctx *ctx, const char *after)
{
	struct conf_vu_msg m;
	int r = conf_vu_call(ctx, CONF_VU_GET_INFO, &get_info_req, sizeof(get_info_req), &m);

	conf_vu_msg_free(&m);
	return conf_check(ctx, r == 0, "GET_INFO after %s: %s, the connection should stay usable", after,
			  r < 0 ? conf_errno_name(r) : "ok");
}

static int cfg_write_byte(struct conf_ctx *ctx, uint16_t id, uint32_t flags, uint8_t val)
{
	struct vu_access a = { .offset = CFG_INTERRUPT_LINE, .region = CFG_REGION, .count = 1, .data = { val } };

	return conf_vu_send(ctx, id, CONF_VU_REGION_WRITE, flags, &a, 16 + 1, NULL, 0);
}

static int cfg_read_req(struct conf_ctx *ctx, uint16_t id)
{
	struct vu_access a = { .offset = CFG_INTERRUPT_LINE, .region = CFG_REGION, .count = 1 };

	return conf_vu_send(ctx, id, CONF_VU_REGION_READ, 0, &a, 16, NULL, 0);
}

/* A reply's echo of @id/@cmd and its TYPE. */
static bool check_echo(struct conf_ctx *ctx, const struct conf_vu_msg *m, uint16_t id, uint16_t cmd)
{
	return conf_check(ctx, m->hdr.id == id && m->hdr.cmd == cmd &&
			  (m->hdr.flags & CONF_VU_F_TYPE_MASK) == CONF_VU_F_REPLY,
			  "reply id=%u cmd=%u type=%u to request id=%u cmd=%u (want the same id/cmd, TYPE REPLY)",
			  m->hdr.id, m->hdr.cmd, m->hdr.flags & CONF_VU_F_TYPE_MASK, id, cmd);
}

#define NEGOTIATE(ctx)                                            \
	do {                                                      \
		int nr_ = conf_vu_negotiate(ctx, "{\"capabilities\":{}}"); \
		if (nr_ != CONF_PASS)                             \
			return nr_;                               \
	} while (0)

/* ---- TR: transport and header ------------------------------------------------------------ */

static int tr_first_not_version(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct conf_vu_msg m;
	int r = conf_vu_call(ctx, CONF_VU_GET_INFO, &get_info_req, sizeof(get_info_req), &m);

	expect_rejected(ctx, "GET_INFO before VERSION", r, &m, true);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

static int tr_echo(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vu_irq_info ii = { .argsz = sizeof(ii), .index = 0 };
	struct vu_access ra = { .offset = 0, .region = CFG_REGION, .count = 4 };
	const struct {
		uint16_t cmd;
		const void *p;
		size_t len;
	} reqs[] = {
		{ CONF_VU_GET_INFO, &get_info_req, sizeof(get_info_req) },
		{ CONF_VU_GET_IRQ_INFO, &ii, sizeof(ii) },
		{ CONF_VU_REGION_READ, &ra, 16 },
		{ CONF_VU_GET_IRQ_INFO, &(struct vu_irq_info){ .argsz = 16, .index = 99 }, 16 },	/* an error reply */
	};
	size_t i;

	NEGOTIATE(ctx);
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		uint16_t id = (uint16_t)(0x1000 + 0x111 * i);
		struct conf_vu_msg m;

		if (conf_vu_send(ctx, id, reqs[i].cmd, 0, reqs[i].p, reqs[i].len, NULL, 0) < 0)
			return conf_harness_error(ctx, "send failed");
		if (conf_vu_recv(ctx, &m, 0) < 0)
			return conf_fail(ctx, "no reply to request id=%u", id);
		check_echo(ctx, &m, id, reqs[i].cmd);
		conf_vu_msg_free(&m);
	}
	return conf_pass(ctx);
}

/* Expected reply payload sizes are the spec's: GET_INFO 16, GET_IRQ_INFO 16,
 * REGION_READ 16 + count. */
static int tr_size_in_sync(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vu_irq_info ii = { .argsz = sizeof(ii), .index = 0 };
	struct vu_access ra = { .offset = 0, .region = CFG_REGION, .count = 4 };
	unsigned i, bad = 0;

	NEGOTIATE(ctx);
	ctx->v.mute = true;
	for (i = 0; i < 1000 && !bad; i++) {
		unsigned k = i % 3;
		uint16_t cmd = k == 0 ? CONF_VU_GET_INFO : k == 1 ? CONF_VU_GET_IRQ_INFO : CONF_VU_REGION_READ;
		const void *p = k == 0 ? (const void *)&get_info_req : k == 1 ? (const void *)&ii : (const void *)&ra;
		uint32_t want = k == 2 ? 16 + 4 : 16;
		uint16_t id = conf_vu_id(ctx);
		struct conf_vu_msg m;

		if (conf_vu_send(ctx, id, cmd, 0, p, 16, NULL, 0) < 0 || conf_vu_recv(ctx, &m, 0) < 0) {
			ctx->v.mute = false;
			return conf_fail(ctx, "request %u (cmd %u) got no reply: the stream is out of sync", i, cmd);
		}
		if (m.hdr.id != id || m.hdr.cmd != cmd || m.hdr.size != 16 + want || (m.hdr.flags & CONF_VU_F_ERROR)) {
			ctx->v.mute = false;
			conf_fail(ctx, "request %u id=%u cmd=%u: reply id=%u cmd=%u msg_size=%u flags=0x%x, want msg_size %u",
				  i, id, cmd, m.hdr.id, m.hdr.cmd, m.hdr.size, m.hdr.flags, 16 + want);
			bad++;
		}
		conf_vu_msg_free(&m);
	}
	ctx->v.mute = false;
	conf_note(ctx, "%u requests, each reply msg_size == 16 + payload", i);
	return conf_pass(ctx);
}

static int tr_error_header_only(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vu_irq_info ii = { .argsz = sizeof(ii), .index = 99 };
	struct conf_vu_msg m;
	int r;

	NEGOTIATE(ctx);
	r = conf_vu_call(ctx, CONF_VU_GET_IRQ_INFO, &ii, sizeof(ii), &m);
	if (r >= 0 || r == -ETIMEDOUT || r == -ECONNRESET || r == -EPROTO) {
		conf_vu_msg_free(&m);
		return conf_harness_error(ctx, "GET_IRQ_INFO index 99 drew no error reply (%s)", conf_errno_name(r));
	}
	conf_check(ctx, (m.hdr.flags & 0x3fu) == (CONF_VU_F_REPLY | CONF_VU_F_ERROR),
		   "error reply flags 0x%x, want REPLY|ERROR (0x21)", m.hdr.flags);
	conf_check(ctx, m.hdr.error != 0, "error reply with error field 0");
	if (m.hdr.size != 16)
		conf_non_strict(ctx, "error reply msg_size %u: it carries a payload (spec: header only)", m.hdr.size);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

static int tr_no_reply_write(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct conf_vu_msg m;
	uint8_t val = (uint8_t)(0x40 + (conf_rand(ctx) & 0x3f));
	uint16_t wid = conf_vu_id(ctx), rid = conf_vu_id(ctx);

	NEGOTIATE(ctx);
	if (cfg_write_byte(ctx, wid, CONF_VU_F_NO_REPLY, val) < 0 || cfg_read_req(ctx, rid) < 0)
		return conf_harness_error(ctx, "send failed");
	if (conf_vu_recv(ctx, &m, 0) < 0)
		return conf_fail(ctx, "no reply to the REGION_READ");
	if (conf_check(ctx, m.hdr.id == rid && m.hdr.cmd == CONF_VU_REGION_READ,
		       "first reply is id=%u cmd=%u, want the READ (id=%u): the NO_REPLY write was answered",
		       m.hdr.id, m.hdr.cmd, rid) && m.len == 17)
		conf_check(ctx, m.payload[16] == val, "read 0x%02x after writing 0x%02x", m.payload[16], val);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

static int tr_no_reply_error(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vu_irq_set s = { .argsz = sizeof(s), .flags = 0xffffu, .index = 99, .count = 1 };
	struct conf_vu_msg m;
	uint16_t sid = conf_vu_id(ctx), gid = conf_vu_id(ctx);

	NEGOTIATE(ctx);
	if (conf_vu_send(ctx, sid, CONF_VU_SET_IRQS, CONF_VU_F_NO_REPLY, &s, sizeof(s), NULL, 0) < 0 ||
	    conf_vu_send(ctx, gid, CONF_VU_GET_INFO, 0, &get_info_req, sizeof(get_info_req), NULL, 0) < 0)
		return conf_harness_error(ctx, "send failed");
	if (conf_vu_recv(ctx, &m, 0) < 0)
		return conf_fail(ctx, "no reply to the GET_INFO");
	conf_check(ctx, m.hdr.id == gid && m.hdr.cmd == CONF_VU_GET_INFO,
		   "first reply is id=%u cmd=%u flags=0x%x, want the GET_INFO (id=%u): the NO_REPLY error was answered",
		   m.hdr.id, m.hdr.cmd, m.hdr.flags, gid);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

#define TR07_WRITES 16

static int tr_in_order(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint16_t ids[TR07_WRITES + 1];
	uint8_t last = 0;
	unsigned i;

	NEGOTIATE(ctx);
	for (i = 0; i < TR07_WRITES; i++) {
		last = (uint8_t)(i * 13 + 7);
		ids[i] = conf_vu_id(ctx);
		if (cfg_write_byte(ctx, ids[i], 0, last) < 0)
			return conf_harness_error(ctx, "send failed");
	}
	ids[i] = conf_vu_id(ctx);
	if (cfg_read_req(ctx, ids[i]) < 0)
		return conf_harness_error(ctx, "send failed");
	for (i = 0; i <= TR07_WRITES; i++) {
		struct conf_vu_msg m;

		if (conf_vu_recv(ctx, &m, 0) < 0)
			return conf_fail(ctx, "reply %u of %u missing", i + 1, TR07_WRITES + 1);
		conf_check(ctx, m.hdr.id == ids[i], "reply %u has id %u, want %u (out of order)", i, m.hdr.id, ids[i]);
		if (i == TR07_WRITES && m.hdr.cmd == CONF_VU_REGION_READ && m.len == 17)
			conf_check(ctx, m.payload[16] == last, "the read returned 0x%02x, the last write was 0x%02x",
				   m.payload[16], last);
		else if (i == TR07_WRITES)
			conf_fail(ctx, "the read's reply is cmd %u with %u payload bytes, want REGION_READ with 17",
				  m.hdr.cmd, m.len);
		conf_vu_msg_free(&m);
	}
	return conf_pass(ctx);
}

#define TR08_N 64

static int tr_pipeline(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vu_irq_info ii = { .argsz = sizeof(ii), .index = 0 };
	uint16_t base = 0x200;
	unsigned i;

	NEGOTIATE(ctx);
	ctx->v.mute = true;
	for (i = 0; i < TR08_N; i++)
		if (conf_vu_send(ctx, (uint16_t)(base + i), CONF_VU_GET_IRQ_INFO, 0, &ii, sizeof(ii), NULL, 0) < 0) {
			ctx->v.mute = false;
			return conf_harness_error(ctx, "send %u failed", i);
		}
	for (i = 0; i < TR08_N; i++) {
		struct conf_vu_msg m;
		bool ok;

		if (conf_vu_recv(ctx, &m, 0) < 0) {
			ctx->v.mute = false;
			return conf_fail(ctx, "only %u of %u replies", i, TR08_N);
		}
		ok = conf_check(ctx, m.hdr.id == base + i && m.hdr.cmd == CONF_VU_GET_IRQ_INFO,
				"reply %u: id=%u cmd=%u, want id=%u GET_IRQ_INFO", i, m.hdr.id, m.hdr.cmd, base + i);
		conf_vu_msg_free(&m);
		if (!ok)
			break;
	}
	ctx->v.mute = false;
	conf_note(ctx, "%u pipelined GET_IRQ_INFO, %u replies checked", TR08_N, i);
	return conf_pass(ctx);
}

static int tr_dup_ids(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vu_irq_info ii = { .argsz = sizeof(ii), .index = 0 };
	struct conf_vu_msg m;

	NEGOTIATE(ctx);
	if (conf_vu_send(ctx, 77, CONF_VU_GET_INFO, 0, &get_info_req, sizeof(get_info_req), NULL, 0) < 0 ||
	    conf_vu_send(ctx, 77, CONF_VU_GET_IRQ_INFO, 0, &ii, sizeof(ii), NULL, 0) < 0)
		return conf_harness_error(ctx, "send failed");
	if (conf_vu_recv(ctx, &m, 0) < 0)
		return conf_fail(ctx, "no first reply");
	check_echo(ctx, &m, 77, CONF_VU_GET_INFO);
	conf_vu_msg_free(&m);
	if (conf_vu_recv(ctx, &m, 0) < 0)
		return conf_fail(ctx, "no second reply");
	check_echo(ctx, &m, 77, CONF_VU_GET_IRQ_INFO);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

/* A bad header, sent raw: an error reply or a close; arg = the header. */
static int tr_bad_header(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct conf_vu_hdr h = *(const struct conf_vu_hdr *)c->arg;
	struct conf_vu_msg m;
	int r;

	NEGOTIATE(ctx);
	h.id = conf_vu_id(ctx);
	if (conf_vu_send_raw(ctx, &h, NULL, 0, NULL, 0) < 0)
		return conf_harness_error(ctx, "send failed");
	r = conf_vu_recv(ctx, &m, 500);
	if (r == -ECONNRESET) {
		conf_note(ctx, "the server closed the connection (allowed)");
		return conf_pass(ctx);
	}
	if (r == -ETIMEDOUT) {
		/* Waiting for a body that will never come is not a crash, but
		 * neither the error nor the close the rule asks for. */
		return conf_non_strict(ctx, "no error reply and no close within 500 ms (waiting for the body?)");
	}
	if (r < 0)
		return conf_fail(ctx, "reply unusable: %s", conf_errno_name(r));
	if (conf_check(ctx, m.hdr.flags & CONF_VU_F_ERROR, "the bad header got a success reply (flags 0x%x)",
		       m.hdr.flags) && m.hdr.error != EINVAL)
		conf_non_strict(ctx, "error %u, the reference gives EINVAL", m.hdr.error);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

/* msg_size above any sane maximum, with the body actually sent. */
static int tr_oversized(struct conf_ctx *ctx, const struct conf_case *c)
{
	size_t len = 8u << 20;
	struct conf_vu_msg m;
	uint8_t *body;
	int r;

	NEGOTIATE(ctx);
	body = calloc(1, len);
	if (!body)
		return conf_harness_error(ctx, "out of memory");
	ctx->v.mute = false;
	r = conf_vu_send(ctx, conf_vu_id(ctx), CONF_VU_REGION_WRITE, 0, body, len, NULL, 0);
	free(body);
	if (r < 0 && r != -EPIPE && r != -ECONNRESET)
		return conf_harness_error(ctx, "send failed: %s", conf_errno_name(r));
	r = conf_vu_recv(ctx, &m, 0);
	if (r == -ECONNRESET || (r < 0 && conf_vu_peer_closed(ctx, 0))) {
		conf_note(ctx, "the server closed the connection (allowed)");
		return conf_pass(ctx);
	}
	if (r < 0)
		return conf_fail(ctx, "no error reply and no close: %s", conf_errno_name(r));
	if (conf_check(ctx, m.hdr.flags & CONF_VU_F_ERROR, "an 8 MiB REGION_WRITE got a success reply") &&
	    m.hdr.error != EINVAL)
		conf_non_strict(ctx, "error %u, the reference gives EINVAL", m.hdr.error);
	conf_vu_msg_free(&m);
	still_usable(ctx, "the oversized message");
	return conf_pass(ctx);
}

/* An oversized REGION_WRITE whose 8 MiB body is nothing but well-formed
 * REGION_WRITEs of Interrupt Line: whether the server rejects it, drains it
 * or closes, the body is payload, never messages (1.3: the payload is
 * msg_size - 16 bytes that follow the header), so none of them may run. */
static int tr_body_not_executed(struct conf_ctx *ctx, const struct conf_case *c)
{
	const uint16_t inner_id = 0x5a5a;
	const uint8_t before = 0x11, marker = 0xa5;
	/* a whole number of inner messages, so a server that parses the body
	 * stays framed and answers the read that follows */
	size_t step = 16 + 16 + 1, len = ((8u << 20) / step) * step, off;
	struct conf_vu_msg m;
	uint16_t rid;
	uint8_t *body;
	int r, i;

	NEGOTIATE(ctx);
	if (cfg_write_byte(ctx, conf_vu_id(ctx), 0, before) < 0 || conf_vu_recv(ctx, &m, 0) < 0)
		return conf_harness_error(ctx, "cannot set Interrupt Line before the test");
	conf_vu_msg_free(&m);
	body = calloc(1, len);
	if (!body)
		return conf_harness_error(ctx, "out of memory");
	for (off = 0; off + step <= len; off += step) {
		/* NO_REPLY: a server that runs them must not block on replies we
		 * cannot read while we are still sending */
		struct conf_vu_hdr h = { .id = inner_id, .cmd = CONF_VU_REGION_WRITE, .size = (uint32_t)step,
					 .flags = CONF_VU_F_NO_REPLY };
		struct vu_access a = { .offset = CFG_INTERRUPT_LINE, .region = CFG_REGION, .count = 1,
				       .data = { marker } };

		memcpy(body + off, &h, sizeof(h));
		memcpy(body + off + sizeof(h), &a, 16 + 1);
	}
	r = conf_vu_send(ctx, conf_vu_id(ctx), CONF_VU_REGION_WRITE, 0, body, len, NULL, 0);
	free(body);
	if (r < 0 && r != -EPIPE && r != -ECONNRESET)
		return conf_harness_error(ctx, "send failed: %s", conf_errno_name(r));
	rid = conf_vu_id(ctx);
	if (cfg_read_req(ctx, rid) < 0) {
		conf_note(ctx, "the server closed the connection (allowed)");
		return conf_pass(ctx);
	}
	/* the outer message's answer (error, or none when drained), then the read's */
	for (i = 0; i < 4; i++) {
		r = conf_vu_recv(ctx, &m, 0);
		if (r == -ECONNRESET || (r < 0 && conf_vu_peer_closed(ctx, 0))) {
			conf_note(ctx, "the server closed the connection (allowed)");
			return conf_pass(ctx);
		}
		if (r < 0)
			return conf_fail(ctx, "no reply to the REGION_READ after the oversized message: %s",
					 conf_errno_name(r));
		if (m.hdr.id == inner_id) {
			conf_vu_msg_free(&m);
			return conf_fail(ctx, "a reply with id 0x%x: a message inside the oversized body was executed",
					 inner_id);
		}
		if (m.hdr.id == rid && m.hdr.cmd == CONF_VU_REGION_READ) {
			if (m.len == 17)
				conf_check(ctx, m.payload[16] != marker,
					   "Interrupt Line reads 0x%02x, the value written by the messages inside the "
					   "rejected body (0x%02x before): the body was executed", m.payload[16], before);
			conf_vu_msg_free(&m);
			return conf_pass(ctx);
		}
		conf_vu_msg_free(&m);
	}
	return conf_fail(ctx, "no reply to the REGION_READ among the next 4 messages");
}

/* arg: the unknown command number. */
static int tr_unknown_cmd(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint16_t cmd = (uint16_t)(uintptr_t)c->arg;
	struct conf_vu_msg m;
	int r;

	NEGOTIATE(ctx);
	r = conf_vu_call(ctx, cmd, &get_info_req, sizeof(get_info_req), &m);
	expect_rejected(ctx, "unknown command", r, &m, false);
	conf_vu_msg_free(&m);
	if (r != -ECONNRESET)
		still_usable(ctx, "an unknown command");
	return conf_pass(ctx);
}

static int tr_unsolicited_reply(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct conf_vu_msg m;
	int r;

	NEGOTIATE(ctx);
	if (conf_vu_send(ctx, 999, CONF_VU_DMA_READ, CONF_VU_F_REPLY, NULL, 0, NULL, 0) < 0)
		return conf_harness_error(ctx, "send failed");
	r = conf_vu_recv(ctx, &m, 300);
	if (r == -ECONNRESET)
		return conf_pass(ctx);
	if (r == 0) {
		conf_check(ctx, m.hdr.flags & CONF_VU_F_ERROR, "an unsolicited reply drew a success reply");
		conf_vu_msg_free(&m);
	}
	still_usable(ctx, "an unsolicited reply");
	return conf_pass(ctx);
}

static int tr_bad_type(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t type = (uint32_t)(uintptr_t)c->arg;
	struct conf_vu_msg m;
	int r;

	NEGOTIATE(ctx);
	if (conf_vu_send(ctx, conf_vu_id(ctx), CONF_VU_GET_INFO, type, &get_info_req, sizeof(get_info_req),
			 NULL, 0) < 0)
		return conf_harness_error(ctx, "send failed");
	r = conf_vu_recv(ctx, &m, 500);
	if (r == -ECONNRESET)
		return conf_pass(ctx);
	if (r < 0)
		return conf_fail(ctx, "TYPE %u: neither an error reply nor a close (%s)", type, conf_errno_name(r));
	conf_check(ctx, m.hdr.flags & CONF_VU_F_ERROR, "TYPE %u was served as a command", type);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

static int tr_missing_payload(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct conf_vu_msg m;
	int r;

	NEGOTIATE(ctx);
	r = conf_vu_call(ctx, CONF_VU_SET_IRQS, NULL, 0, &m);
	expect_rejected(ctx, "SET_IRQS with msg_size 16", r, &m, false);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

/* Is the pipe whose write end is @wfd without readers (every copy of the read end closed)? */
static bool pipe_orphaned(int wfd)
{
	unsigned i;

	for (i = 0; i < 50; i++) {
		if (write(wfd, "x", 1) < 0 && errno == EPIPE)
			return true;
		usleep(10 * 1000);
	}
	return false;
}

/* arg: how many fds ride along a GET_INFO (0 = max_msg_fds + 1). */
static int tr_stray_fds(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned n = (unsigned)(uintptr_t)c->arg, i, open_after = 0;
	int rfd[CONF_VU_MAX_FDS], wfd[CONF_VU_MAX_FDS];
	struct conf_vu_msg m;
	uint16_t id;
	int r;

	if (n) {
		NEGOTIATE(ctx);
	} else {
		/* The server's own max_msg_fds is its VERSION reply's (the
		 * default 1 when it sends none, digest 2.3). */
		struct conf_vu_msg v;
		const char *p;

		r = conf_vu_version(ctx, 0, 0, "{\"capabilities\":{\"max_msg_fds\":16}}", &v);
		if (r < 0) {
			conf_vu_msg_free(&v);
			return conf_harness_error(ctx, "VERSION failed: %s", conf_errno_name(r));
		}
		p = v.len > 4 ? memmem(v.payload + 4, v.len - 4, "\"max_msg_fds\"", 13) : NULL;
		n = 2;
		if (p) {
			p = memchr(p + 13, ':', (size_t)(v.payload + v.len - (const uint8_t *)p - 13));
			if (p)
				n = (unsigned)strtoul(p + 1, NULL, 10) + 1;
		}
		conf_vu_msg_free(&v);
		if (n > CONF_VU_MAX_FDS)
			return conf_not_supported(ctx, "the server's max_msg_fds exceeds what the suite sends");
	}
	if (conf_vu_pipes(n, rfd, wfd) < 0)
		return conf_harness_error(ctx, "pipe failed");
	id = conf_vu_id(ctx);
	r = conf_vu_send(ctx, id, CONF_VU_GET_INFO, 0, &get_info_req, sizeof(get_info_req), rfd, n);
	for (i = 0; i < n; i++)
		close(rfd[i]);
	if (r >= 0) {
		r = conf_vu_recv(ctx, &m, 0);
		if (r == 0) {
			if (n > 1)
				conf_check(ctx, m.hdr.flags & CONF_VU_F_ERROR,
					   "%u fds (more than max_msg_fds) on GET_INFO were accepted", n);
			conf_vu_msg_free(&m);
		} else if (r != -ECONNRESET) {
			conf_fail(ctx, "GET_INFO with %u fds: no reply and no close (%s)", n, conf_errno_name(r));
		}
	}
	for (i = 0; i < n; i++) {
		if (!pipe_orphaned(wfd[i]))
			open_after++;
		close(wfd[i]);
	}
	conf_note(ctx, "%u of %u fds sent still open in the server", open_after, n);
	conf_check(ctx, open_after == 0, "the server kept %u of the %u stray fds open", open_after, n);
	return conf_pass(ctx);
}

/* arg: the header's flags | error override: low 32 bits flags, high error. */
static int tr_reserved_ignored(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint64_t a = (uint64_t)(uintptr_t)c->arg;
	struct conf_vu_hdr h = { .cmd = CONF_VU_GET_INFO, .size = 16 + sizeof(get_info_req),
				 .flags = (uint32_t)(a & 0xffffffffu), .error = (uint32_t)(a >> 32) };
	struct conf_vu_msg m;

	NEGOTIATE(ctx);
	h.id = conf_vu_id(ctx);
	if (conf_vu_send_raw(ctx, &h, &get_info_req, sizeof(get_info_req), NULL, 0) < 0)
		return conf_harness_error(ctx, "send failed");
	if (conf_vu_recv(ctx, &m, 0) < 0)
		return conf_fail(ctx, "no reply");
	check_echo(ctx, &m, h.id, CONF_VU_GET_INFO);
	conf_check(ctx, !(m.hdr.flags & CONF_VU_F_ERROR) && m.len == 16,
		   "GET_INFO with flags 0x%x error %u: error reply %u (want it processed normally)", h.flags, h.error,
		   m.hdr.error);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

/* ---- VN / VS: version negotiation ---------------------------------------------------------- */

struct vn_row {
	uint16_t major, minor;
	const char *json;
	int payload_len;	/* -1: 4 + strlen(json) + 1; else send exactly this many bytes */
	bool want_ok;
};

static int vn_run(struct conf_ctx *ctx, const struct vn_row *row, struct conf_vu_msg *m)
{
	uint8_t buf[256] = { 0 };
	size_t len = 4;

	memcpy(buf, &row->major, 2);
	memcpy(buf + 2, &row->minor, 2);
	if (row->json) {
		memcpy(buf + 4, row->json, strlen(row->json) + 1);
		len += strlen(row->json) + 1;
	}
	if (row->payload_len >= 0)
		len = (size_t)row->payload_len;
	return conf_vu_call(ctx, CONF_VU_VERSION, buf, len, m);
}

/* Table-driven VERSION proposals: accepted (reply major 0, minor <= ours) or rejected. */
static int vn_proposal(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct vn_row *row = c->arg;
	struct conf_vu_msg m;
	int r = vn_run(ctx, row, &m);

	if (!row->want_ok) {
		expect_rejected(ctx, "VERSION", r, &m, true);
		conf_vu_msg_free(&m);
		return conf_pass(ctx);
	}
	if (r < 0) {
		conf_fail(ctx, "VERSION %u.%u refused: -%s", row->major, row->minor, conf_errno_name(r));
	} else if (conf_check(ctx, m.len >= 4, "VERSION reply payload %u bytes, want >= 4", m.len)) {
		uint16_t major, minor;

		memcpy(&major, m.payload, 2);
		memcpy(&minor, m.payload + 2, 2);
		conf_check(ctx, major == row->major, "reply major %u, proposed %u", major, row->major);
		conf_check(ctx, minor <= row->minor, "reply minor %u above the proposed %u", minor, row->minor);
		conf_check(ctx, m.nfds == 0, "the VERSION reply carries %u fds without a twin-socket offer", m.nfds);
	}
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

static int vn_reply_json(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const char *const ints[] = { "max_msg_fds", "max_data_xfer_size", "max_dma_maps", "pgsizes" };
	struct json_object *top = NULL, *caps, *v;
	struct conf_vu_msg m;
	const char *js;
	size_t i;
	int r;

	r = conf_vu_version(ctx, 0, 0, "{\"capabilities\":{}}", &m);
	if (r < 0) {
		conf_vu_msg_free(&m);
		return conf_fail(ctx, "VERSION 0.0 refused: -%s", conf_errno_name(r));
	}
	if (m.len <= 4) {
		conf_note(ctx, "no JSON in the reply (allowed)");
		conf_vu_msg_free(&m);
		return conf_pass(ctx);
	}
	js = (const char *)m.payload + 4;
	if (!conf_check(ctx, m.payload[m.len - 1] == '\0' && strlen(js) == m.len - 5,
			"reply JSON is not NUL-terminated at msg_size (or has an embedded NUL)"))
		goto out;
	top = json_tokener_parse(js);
	if (!conf_check(ctx, top && json_object_is_type(top, json_type_object), "reply JSON is not an object: %.200s",
			js))
		goto out;
	if (!json_object_object_get_ex(top, "capabilities", &caps))
		goto out;
	if (!conf_check(ctx, json_object_is_type(caps, json_type_object), "capabilities is not an object"))
		goto out;
	if (c->arg) {	/* VN-05: the value types */
		for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
			if (json_object_object_get_ex(caps, ints[i], &v))
				conf_check(ctx, json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0,
					   "%s is %s, want a non-negative integer", ints[i], json_object_to_json_string(v));
		if (json_object_object_get_ex(caps, "write_multiple", &v))
			conf_check(ctx, json_object_is_type(v, json_type_boolean), "write_multiple is not a bool");
		if (json_object_object_get_ex(caps, "twin_socket", &v))
			conf_check(ctx, json_object_is_type(v, json_type_object), "twin_socket is not an object");
	}
out:
	json_object_put(top);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

static int vn_second_version(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct conf_vu_msg m;
	int r;

	NEGOTIATE(ctx);
	r = conf_vu_version(ctx, 0, 0, "{\"capabilities\":{}}", &m);
	expect_rejected(ctx, "second VERSION", r, &m, true);
	conf_vu_msg_free(&m);
	return conf_pass(ctx);
}

static const struct conf_vu_hdr hdr_short = { .cmd = CONF_VU_GET_INFO, .size = 8 };
static const struct conf_vu_hdr hdr_huge = { .cmd = CONF_VU_GET_INFO, .size = 0xffffffffu };

static const struct vn_row vn_00 = { 0, 0, "{\"capabilities\":{}}", -1, true };
static const struct vn_row vn_max_minor = { 0, 65535, "{\"capabilities\":{}}", -1, true };
static const struct vn_row vn_major999 = { 999, 0, "{\"capabilities\":{}}", -1, false };
static const struct vn_row vn_nojson = { 0, 0, NULL, -1, true };
static const struct vn_row vn_nonul = { 0, 0, "{\"capabilities\":{}}", 4 + 19, false };
static const struct vn_row vn_brace = { 0, 0, "{", -1, false };
static const struct vn_row vn_quote = { 0, 0, "\"", -1, false };
static const struct vn_row vn_array = { 0, 0, "[]", -1, false };
static const struct vn_row vn_caps_str = { 0, 0, "{\"capabilities\":\"x\"}", -1, false };
static const struct vn_row vn_fds_str = { 0, 0, "{\"capabilities\":{\"max_msg_fds\":\"x\"}}", -1, false };
static const struct vn_row vn_fds_neg = { 0, 0, "{\"capabilities\":{\"max_msg_fds\":-1}}", -1, false };
static const struct vn_row vn_unknown_key = { 0, 0, "{\"capabilities\":{\"future_thing\":{}}}", -1, true };
static const struct vn_row vn_short = { 0, 0, NULL, 2, false };
static const struct vn_row vn_empty_obj = { 0, 0, "{}", -1, true };

#define S CONF_ROLE_SERVER
#define UP(x) ((const void *)(uintptr_t)(x))

static const struct conf_case vu_transport_cases[] = {
	{ "VU-SRV-TR-001", "VU-TR-01", S, NULL, tr_first_not_version, NULL,
	  "GET_INFO before VERSION gets an error reply [EINVAL] or a close" },
	{ "VU-SRV-TR-002", "VU-TR-02", S, NULL, tr_echo, NULL,
	  "replies to GET_INFO, GET_IRQ_INFO, REGION_READ and an error echo id and cmd with TYPE REPLY" },
	{ "VU-SRV-TR-003", "VU-TR-03", S, NULL, tr_size_in_sync, NULL,
	  "1000 mixed requests: every reply msg_size == 16 + payload, the stream stays in sync" },
	{ "VU-SRV-TR-004", "VU-TR-04", S, NULL, tr_error_header_only, NULL,
	  "an error reply (GET_IRQ_INFO index 99) is header-only with flags REPLY|ERROR" },
	{ "VU-SRV-TR-005", "VU-TR-05", S, NULL, tr_no_reply_write, NULL,
	  "REGION_WRITE with NO_REPLY then REGION_READ: only the READ is answered, with the value written" },
	{ "VU-SRV-TR-006", "VU-TR-06", S, NULL, tr_no_reply_error, NULL,
	  "an invalid SET_IRQS with NO_REPLY then GET_INFO: only the GET_INFO is answered" },
	{ "VU-SRV-TR-007", "VU-TR-07", S, NULL, tr_in_order, NULL,
	  "16 pipelined writes to Interrupt Line then a read: replies in order, the read sees the last value" },
	{ "VU-SRV-TR-008", "VU-TR-08", S, NULL, tr_pipeline, NULL,
	  "64 GET_IRQ_INFO sent back-to-back get 64 replies in order with matching ids" },
	{ "VU-SRV-TR-009", "VU-TR-09", S, NULL, tr_dup_ids, NULL,
	  "two in-flight requests with the same id get two replies in order" },
	{ "VU-SRV-TR-010", "VU-TR-10", S, NULL, tr_bad_header, &hdr_short,
	  "a header with msg_size 8 gets an error reply or a close" },
	{ "VU-SRV-TR-011", "VU-TR-11", S, NULL, tr_bad_header, &hdr_huge,
	  "a header with msg_size 0xFFFFFFFF gets an error reply or a close" },
	{ "VU-SRV-TR-012", "VU-TR-11", S, NULL, tr_oversized, NULL,
	  "an 8 MiB REGION_WRITE (body sent) gets an error reply or a close, and the connection stays usable" },
	{ "VU-SRV-TR-030", "VU-TR-03", S, NULL, tr_body_not_executed, NULL,
	  "the body of an oversized REGION_WRITE, made of valid messages, is never executed as messages" },
	{ "VU-SRV-TR-013", "VU-TR-12", S, NULL, tr_unknown_cmd, UP(0), "unknown command 0 gets [EINVAL], then GET_INFO works" },
	{ "VU-SRV-TR-014", "VU-TR-12", S, NULL, tr_unknown_cmd, UP(14),
	  "command 14 (removed DIRTY_PAGES) gets [EINVAL], then GET_INFO works" },
	{ "VU-SRV-TR-015", "VU-TR-12", S, NULL, tr_unknown_cmd, UP(19), "unknown command 19 gets [EINVAL], then GET_INFO works" },
	{ "VU-SRV-TR-016", "VU-TR-12", S, NULL, tr_unknown_cmd, UP(0xffff),
	  "unknown command 0xFFFF gets [EINVAL], then GET_INFO works" },
	{ "VU-SRV-TR-017", "VU-TR-13", S, NULL, tr_unsolicited_reply, NULL,
	  "an unsolicited REPLY at the server is refused or ignored; the connection stays usable" },
	{ "VU-SRV-TR-018", "VU-TR-14", S, NULL, tr_bad_type, UP(2), "a command header with TYPE 2 gets an error or a close" },
	{ "VU-SRV-TR-019", "VU-TR-14", S, NULL, tr_bad_type, UP(15), "a command header with TYPE 15 gets an error or a close" },
	{ "VU-SRV-TR-020", "VU-TR-15", S, NULL, tr_missing_payload, NULL, "SET_IRQS with msg_size 16 gets [EINVAL]" },
	{ "VU-SRV-TR-021", "VU-TR-17", S, NULL, tr_stray_fds, UP(1),
	  "a pipe fd sent with GET_INFO is refused or ignored, and the server closes it" },
	{ "VU-SRV-TR-022", "VU-TR-18", S, NULL, tr_stray_fds, UP(0),
	  "max_msg_fds + 1 fds on one message get an error, and every fd is closed" },
	{ "VU-SRV-TR-023", "VU-TR-19", S, NULL, tr_reserved_ignored, UP((uint64_t)5 << 32),
	  "a GET_INFO with error field 5 is processed normally" },
	{ "VU-SRV-TR-024", "VU-TR-19", S, NULL, tr_reserved_ignored, UP(0x100),
	  "a GET_INFO with undefined flag bit 8 set is processed normally" },
	{ "VU-SRV-VN-001", "VU-VN-01", S, NULL, vn_proposal, &vn_00, "a 0.0 proposal gets major 0, minor 0" },
	{ "VU-SRV-VN-002", "VU-VN-02", S, NULL, vn_proposal, &vn_max_minor,
	  "a 0.65535 proposal is accepted with a minor <= 65535" },
	{ "VU-SRV-VN-003", "VU-VN-03", S, NULL, vn_proposal, &vn_major999, "major 999 gets [EINVAL] or a close" },
	{ "VU-SRV-VN-004", "VU-VN-04", S, NULL, vn_reply_json, NULL,
	  "the reply JSON is NUL-terminated, an object, with capabilities an object" },
	{ "VU-SRV-VN-005", "VU-VN-05", S, NULL, vn_reply_json, UP(1),
	  "the reply capabilities have integer limits, bool write_multiple, object twin_socket" },
	{ "VU-SRV-VN-006", "VU-VN-06", S, NULL, vn_proposal, &vn_nojson, "a proposal without JSON is accepted" },
	{ "VU-SRV-VN-007", "VU-VN-07", S, NULL, vn_proposal, &vn_nonul, "proposal JSON without its NUL gets [EINVAL]" },
	{ "VU-SRV-VN-008", "VU-VN-08", S, NULL, vn_proposal, &vn_brace, "proposal JSON \"{\" gets [EINVAL]" },
	{ "VU-SRV-VN-009", "VU-VN-08", S, NULL, vn_proposal, &vn_quote, "proposal JSON '\"' gets [EINVAL]" },
	{ "VU-SRV-VN-010", "VU-VN-08", S, NULL, vn_proposal, &vn_array, "proposal JSON \"[]\" gets [EINVAL]" },
	{ "VU-SRV-VN-011", "VU-VN-09", S, NULL, vn_proposal, &vn_caps_str, "capabilities \"x\" gets [EINVAL]" },
	{ "VU-SRV-VN-012", "VU-VN-09", S, NULL, vn_proposal, &vn_fds_str, "max_msg_fds \"x\" gets [EINVAL]" },
	{ "VU-SRV-VN-013", "VU-VN-09", S, NULL, vn_proposal, &vn_fds_neg, "max_msg_fds -1 gets [EINVAL]" },
	{ "VU-SRV-VN-014", "VU-VN-10", S, NULL, vn_proposal, &vn_unknown_key, "an unknown capability key is ignored" },
	{ "VU-SRV-VN-015", "VU-VN-12", S, NULL, vn_proposal, &vn_00, "without a twin offer the VERSION reply has no fds" },
	{ "VU-SRV-VN-016", "VU-VN-13", S, NULL, vn_second_version, NULL, "a second VERSION gets an error" },
	{ "VU-SRV-VS-001", "VU-VS-02", S, NULL, vn_proposal, &vn_short, "a 2-byte VERSION payload gets [EINVAL]" },
	{ "VU-SRV-VS-002", "VU-VS-04", S, NULL, vn_proposal, &vn_empty_obj, "a proposal of {} is accepted with defaults" },
};

#undef S
#undef UP

const struct conf_table conf_vu_transport_table = {
	vu_transport_cases, sizeof(vu_transport_cases) / sizeof(vu_transport_cases[0]),
};

const struct conf_table *const conf_vu_server_tables[] = {
	&conf_vu_transport_table,
	&conf_vu_device_table,
	&conf_vu_region_table,
	&conf_vu_irq_table,
	&conf_vu_feature_table,
	&conf_vu_mig_table,
	&conf_vu_session_table,
	&conf_vu_dma_table,
	&conf_vu_dma2_table,
	&conf_vu_extra_table,
};

const size_t conf_vu_server_ntables = sizeof(conf_vu_server_tables) / sizeof(conf_vu_server_tables[0]);
