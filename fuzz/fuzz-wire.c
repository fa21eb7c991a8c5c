/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target 1: the vfio-user wire decoder (sim/vu-wire.c), every message
 * type in both directions. The input is
 *
 *   byte 0   mode: selector % 4
 *   byte 1   knobs: bits 0-2 fd count (fz_nfds[]), bit 3 trust the header's
 *            msg_size as given (else it is set to 16 + the payload left),
 *            bit 4 lenient replies / QEMU DMA layout, bit 5 our
 *            write_multiple, bit 6 small own limits, bit 7 small peer limits
 *   then     one or two wire messages (16-byte header + payload)
 *
 *  - mode 0: the header rules alone (vu_check_hdr), max_size from the four
 *    bytes after the header when present;
 *  - mode 1: a client -> server request as the server checks it
 *    (vu_check_hdr, then vu_check_request);
 *  - mode 2: a request followed by its reply, split at the request's
 *    msg_size (clamped to the input), checked by vu_check_reply: the
 *    golden request and reply files concatenated are such an input;
 *  - mode 3: a server -> client DMA_READ/DMA_WRITE as the client receives
 *    it: vu_check_dma_request, and vu_cli_dma_serve against two windows of
 *    a client built here, whose answers go to a sink.
 *
 * No size in the input is trusted: each payload is a heap copy of exactly
 * the bytes present, so a read past it is a sanitizer/valgrind report.
 * Invariants beyond "no crash": every rejection names a rule
 * (vfsim_last_rule); an accepted message has the fixed part its command
 * needs and every variable part (data, entries, bitmap, capability chain,
 * fd indexes) lies within its payload. The sizes below are transcribed from
 * the digest (../shared/spec/vfio-user.md §3), not taken from vu-wire.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "include/vfsim.h"
#include "rules.h"
#include "vu-client.h"
#include "vu-conn.h"
#include "vu-wire.h"

#define FZ_HOPS 32u		/* VU_CAP_MAX_HOPS as the digest states it (§3.5) */
#define FZ_WIN_SIZE 4096u

enum { FZ_HDR, FZ_REQUEST, FZ_REPLY, FZ_DMA, FZ_MODES };

static const unsigned fz_nfds[8] = { 0, 1, 2, 3, 4, 8, 64, 65 };

static uint8_t fz_win_mem[2][FZ_WIN_SIZE];

/* A rejection names its rule; -ENOMEM (json-c could not allocate) may not. */
static void fz_rejected(int r)
{
	if (r < 0 && r != -ENOMEM && vfsim_last_rule(NULL) == RULE_NONE)
		abort();
}

static void fz_caps(struct vu_caps *c, bool small)
{
	vu_caps_default(c);
	if (small) {
		c->max_msg_fds = 4;
		c->max_data_xfer_size = 4096;
	} else {
		c->max_msg_fds = VU_MAX_FDS_PER_MSG;
	}
}

/*
 * Build a message from @hdr and the @len bytes at @p: the payload is a heap
 * copy of exactly those bytes (NULL when empty), msg_size is made to match
 * unless @trust_size, the fds are -1 (nothing to close).
 */
static int fz_msg(struct vu_msg *m, const uint8_t *hdr, const uint8_t *p, size_t len, unsigned nfds,
		  bool trust_size)
{
	unsigned i;

	memset(m, 0, sizeof(*m));
	memcpy(&m->hdr, hdr, sizeof(m->hdr));
	if (!trust_size)
		m->hdr.size = (uint32_t)(VU_HDR_SIZE + len);
	if (len) {
		m->payload = malloc(len);
		if (!m->payload)
			return -ENOMEM;
		memcpy(m->payload, p, len);
	}
	m->len = (uint32_t)len;
	for (i = 0; i < VU_MAX_FDS_PER_MSG; i++)
		m->fds[i] = -1;
	m->nfds = nfds;
	return 0;
}

/* ---- mode 0: header --------------------------------------------------- */

static void fz_hdr(const uint8_t *d, size_t n)
{
	struct vu_hdr h;
	uint32_t max = UINT32_MAX;
	uint32_t type;
	int r;

	if (n < sizeof(h))
		return;
	memcpy(&h, d, sizeof(h));
	if (n >= sizeof(h) + 4)
		max = fz_rd32(d + sizeof(h));
	vfsim_reject_clear();
	r = vu_check_hdr(&h, max);
	fz_rejected(r);
	if (r < 0)
		return;
	/* §1.3: type COMMAND or REPLY, 16 <= msg_size <= the limit */
	type = h.flags & VU_FLAGS_TYPE_MASK;
	fz_check(type == VU_FLAGS_TYPE_COMMAND || type == VU_FLAGS_TYPE_REPLY);
	fz_check(h.size >= VU_HDR_SIZE && h.size <= max);
	fz_check(!(type == VU_FLAGS_TYPE_COMMAND && (h.flags & VU_FLAGS_ERROR)));
	fz_check(!(type == VU_FLAGS_TYPE_REPLY && (h.flags & VU_FLAGS_NO_REPLY)));
}

/* ---- mode 1: requests at the server ------------------------------------ */

/* The fixed payload of each client -> server request (§3.16); -1: never
 * valid at a server (0 and >= 19 unknown, 11/12 S->C, 14 removed). */
static const int fz_req_min[VU_CMD_MAX] = {
	[0] = -1, [1] = 4, [2] = 32, [3] = 24, [4] = 16, [5] = 32, [6] = 16, [7] = 16, [8] = 20,
	[9] = 16, [10] = 16, [11] = -1, [12] = -1, [13] = 0, [14] = -1, [15] = 8, [16] = 8,
	[17] = 8, [18] = 8,
};

/* What an accepted request promises the handler that reads it. */
static void fz_request_ok(const struct vu_msg *m, const struct vu_caps *own)
{
	const uint8_t *p = m->payload;
	uint32_t len = m->len;
	uint16_t cmd = m->hdr.cmd;
	uint64_t cnt, i;

	fz_check(cmd < VU_CMD_MAX && fz_req_min[cmd] >= 0);
	fz_check(len >= (uint32_t)fz_req_min[cmd]);
	fz_check(len == m->hdr.size - VU_HDR_SIZE);
	fz_check(m->nfds <= own->max_msg_fds && m->nfds <= VU_MAX_FDS_PER_MSG);
	switch (cmd) {
	case VU_CMD_VERSION:
		/* the JSON area, when present, ends in its NUL */
		fz_check(len == 4 || p[len - 1] == 0);
		break;
	case VU_CMD_DMA_UNMAP:
		fz_check(len == 24 || len == 40);
		break;
	case VU_CMD_DEVICE_SET_IRQS:
		/* DATA_BOOL (bit 1): one byte per vector follows, else nothing */
		if (fz_rd32(p + 4) & 0x2u)
			fz_check(len == 20 + (uint64_t)fz_rd32(p + 16));
		else
			fz_check(len == 20);
		if (m->nfds)
			fz_check(m->nfds == fz_rd32(p + 16));
		break;
	case VU_CMD_REGION_READ:
		fz_check(len == 16 && fz_rd32(p + 12) <= own->max_data_xfer_size);
		break;
	case VU_CMD_REGION_WRITE:
		fz_check(len == 16 + (uint64_t)fz_rd32(p + 12));
		fz_check(fz_rd32(p + 12) <= own->max_data_xfer_size);
		break;
	case VU_CMD_REGION_WRITE_MULTI:
		fz_check(own->write_multiple);
		cnt = fz_rd64(p);
		fz_check(cnt >= 1 && (len - 8) % 24 == 0 && (len - 8) / 24 == cnt);
		for (i = 0; i < cnt; i++)
			fz_check(fz_rd32(p + 8 + 24 * i + 12) <= 8);
		break;
	case VU_CMD_MIG_DATA_WRITE:
		fz_check(len == 8 + (uint64_t)fz_rd32(p + 4));
		fz_check(fz_rd32(p + 4) <= own->max_data_xfer_size);
		break;
	case VU_CMD_MIG_DATA_READ:
		fz_check(len == 8);
		break;
	default:
		break;
	}
}

static void fz_request(const uint8_t *d, size_t n, uint8_t knobs)
{
	struct vu_caps own, peer;
	struct vu_msg m;
	int r;

	if (n < VU_HDR_SIZE)
		return;
	if (fz_msg(&m, d, d + VU_HDR_SIZE, n - VU_HDR_SIZE, fz_nfds[knobs & 7], knobs & 0x8) < 0)
		return;
	fz_caps(&own, knobs & 0x40);
	fz_caps(&peer, knobs & 0x80);
	own.write_multiple = knobs & 0x20;
	/* the server's order: the header rules, then the command's shape */
	vfsim_reject_clear();
	r = vu_check_hdr(&m.hdr, UINT32_MAX);
	fz_rejected(r);
	if (r == 0 && (m.hdr.flags & VU_FLAGS_TYPE_MASK) == VU_FLAGS_TYPE_COMMAND) {
		vfsim_reject_clear();
		r = vu_check_request(&m, &own, &peer);
		fz_rejected(r);
		if (r == 0)
			fz_request_ok(&m, &own);
	}
	free(m.payload);
}

/* ---- mode 2: replies at the requester ---------------------------------- */

/*
 * An accepted region-info reply's chain lies in the payload: each header
 * after the 32-byte fixed part, 4-byte aligned, moving forward, within the
 * hop budget; a sparse-mmap cap's areas (16 + 16 * nr_areas) inside the cap.
 */
static void fz_region_chain_ok(const uint8_t *p, uint32_t len, uint32_t off)
{
	unsigned hops = 0;

	while (off) {
		uint32_t next, end;

		fz_check(++hops <= FZ_HOPS);
		fz_check(off >= 32 && off % 4 == 0 && (uint64_t)off + 8 <= len);
		next = fz_rd32(p + off + 4);
		fz_check(!next || next >= off + 8);
		end = next ? next : len;
		fz_check(end <= len);
		if (fz_rd16(p + off) == VU_CAP_SPARSE_MMAP)
			fz_check(end - off >= 16 && 16 + 16 * (uint64_t)fz_rd32(p + off + 8) <= end - off);
		off = next;
	}
}

static void fz_reply_ok(const struct vu_hdr *qh, const uint8_t *q, uint32_t qlen, const struct vu_msg *m,
			bool lenient)
{
	const uint8_t *p = m->payload;
	uint32_t len = m->len, i, count, stride;

	fz_check((m->hdr.flags & VU_FLAGS_TYPE_MASK) == VU_FLAGS_TYPE_REPLY);
	fz_check(m->hdr.id == qh->id && m->hdr.cmd == qh->cmd);
	fz_check(len == m->hdr.size - VU_HDR_SIZE);
	if (m->hdr.flags & VU_FLAGS_ERROR) {
		fz_check(m->nfds == 0);
		return;
	}
	switch (m->hdr.cmd) {
	case VU_CMD_VERSION:
		fz_check(len >= 4 && (len == 4 || p[len - 1] == 0));
		break;
	case VU_CMD_DMA_MAP:
	case VU_CMD_DEVICE_SET_IRQS:
	case VU_CMD_DEVICE_RESET:
	case VU_CMD_MIG_DATA_WRITE:
		fz_check(len == 0 && m->nfds == 0);
		break;
	case VU_CMD_DMA_UNMAP:
		fz_check(qlen >= 24 && len >= 24);
		if (fz_rd32(q + 4) & VU_DMA_UNMAP_GET_DIRTY_BITMAP)
			fz_check(qlen >= 40 && len >= 40 && len - 40 == fz_rd64(q + 32));
		else
			fz_check(len == 24);
		break;
	case VU_CMD_DEVICE_GET_INFO:
		fz_check(len == 16 && fz_rd32(p + 8) <= 100 && fz_rd32(p + 12) <= 50);
		break;
	case VU_CMD_DEVICE_GET_REGION_INFO:
		fz_check(qlen >= 32 && len >= 32 && len <= fz_rd32(q) && m->nfds <= 1);
		if (fz_rd32(p) > fz_rd32(q)) {
			fz_check(len == 32 && !fz_rd32(p + 12));
			break;
		}
		fz_check(len == fz_rd32(p));
		fz_region_chain_ok(p, len, fz_rd32(p + 12));
		break;
	case VU_CMD_DEVICE_GET_REGION_IO_FDS:
		fz_check(qlen >= 16 && len >= 16 && len <= fz_rd32(q));
		count = fz_rd32(p + 12);
		if (len == 16) {
			fz_check(m->nfds == 0);
			break;
		}
		fz_check(count && (len - 16) % count == 0);
		stride = (len - 16) / count;
		fz_check(stride == 40 || stride == 48);
		for (i = 0; i < count; i++)
			fz_check(fz_rd32(p + 16 + (uint64_t)i * stride + 16) < m->nfds);
		break;
	case VU_CMD_DEVICE_GET_IRQ_INFO:
		fz_check(len == 16);
		break;
	case VU_CMD_REGION_READ:
		fz_check(qlen >= 16);
		if (lenient && len == 0 && fz_rd32(q + 12) == 0)
			break;
		fz_check(len >= 16 && len == 16 + (uint64_t)fz_rd32(p + 12));
		fz_check(fz_rd32(p + 12) <= fz_rd32(q + 12));
		break;
	case VU_CMD_REGION_WRITE:
		fz_check(qlen >= 16);
		fz_check(len == 16 || (lenient && len == 0 && fz_rd32(q + 12) == 0));
		break;
	case VU_CMD_DMA_READ:
		fz_check(qlen >= 16 && len >= 16 && len - 16 == fz_rd64(q + 8));
		break;
	case VU_CMD_DMA_WRITE:
		fz_check(qlen >= 16 && (len == 16 || (lenient && (len == 0 || len == 12))));
		break;
	case VU_CMD_REGION_WRITE_MULTI:
		fz_check(qlen >= 8 && len == 8);
		break;
	case VU_CMD_DEVICE_FEATURE:
		fz_check(qlen >= 8 && len >= 8);
		break;
	case VU_CMD_MIG_DATA_READ:
		fz_check(qlen >= 8 && len >= 8 && 8 + (uint64_t)fz_rd32(p + 4) <= len);
		fz_check(fz_rd32(p + 4) <= fz_rd32(q + 4));
		break;
	default:
		abort();	/* DIRTY_PAGES, 0 and >= 19 have no reply to accept */
	}
}

static void fz_reply(const uint8_t *d, size_t n, uint8_t knobs)
{
	struct vu_hdr qh;
	struct vu_msg m;
	const uint8_t *q;
	uint32_t qlen;
	bool lenient = knobs & 0x10;
	int r;

	if (n < 2 * VU_HDR_SIZE)
		return;
	memcpy(&qh, d, sizeof(qh));
	/* the request's own msg_size splits the input, clamped to what is there */
	qlen = qh.size < VU_HDR_SIZE ? 0 : qh.size - VU_HDR_SIZE;
	if (qlen > n - 2 * VU_HDR_SIZE)
		qlen = (uint32_t)(n - 2 * VU_HDR_SIZE);
	qh.size = VU_HDR_SIZE + qlen;
	q = NULL;
	if (qlen) {
		uint8_t *copy = malloc(qlen);

		if (!copy)
			return;
		memcpy(copy, d + VU_HDR_SIZE, qlen);
		q = copy;
	}
	d += VU_HDR_SIZE + qlen;
	n -= VU_HDR_SIZE + qlen;
	if (fz_msg(&m, d, d + VU_HDR_SIZE, n - VU_HDR_SIZE, fz_nfds[knobs & 7], knobs & 0x8) == 0) {
		vfsim_reject_clear();
		r = vu_check_reply(&qh, q, qlen, &m, lenient);
		fz_rejected(r);
		if (r == 0)
			fz_reply_ok(&qh, q, qlen, &m, lenient);
		free(m.payload);
	}
	free((void *)q);
}

/* ---- mode 3: server -> client DMA requests at the client ---------------- */

static ssize_t fz_sink_sendmsg(void *opaque, const struct msghdr *msg, int flags)
{
	size_t i, n = 0;

	for (i = 0; i < msg->msg_iovlen; i++)
		n += msg->msg_iov[i].iov_len;
	return (ssize_t)n;
}

static ssize_t fz_sink_recvmsg(void *opaque, struct msghdr *msg, int flags)
{
	return 0;
}

static const struct vu_conn_ops fz_sink_ops = { fz_sink_recvmsg, fz_sink_sendmsg, NULL };

static void fz_dma(const uint8_t *d, size_t n, uint8_t knobs)
{
	struct vu_cli_win wins[2] = {
		{ .iova = 0x100000, .size = FZ_WIN_SIZE, .prot = VU_DMA_MAP_READ | VU_DMA_MAP_WRITE,
		  .mem = fz_win_mem[0] },
		{ .iova = 0x200000, .size = FZ_WIN_SIZE, .prot = VU_DMA_MAP_READ, .mem = fz_win_mem[1] },
	};
	struct vfsim_vu_client c;
	struct vu_conn *conn;
	struct vu_msg m;
	uint64_t count;
	int r;

	if (n < VU_HDR_SIZE)
		return;
	if (fz_msg(&m, d, d + VU_HDR_SIZE, n - VU_HDR_SIZE, fz_nfds[knobs & 7], knobs & 0x8) < 0)
		return;
	memset(&c, 0, sizeof(c));
	fz_caps(&c.own, knobs & 0x40);
	vu_caps_default(&c.peer);
	c.quirks = knobs & 0x10 ? VFSIM_VU_QUIRK_QEMU_DMA : 0;
	c.wins = wins;
	c.nwins = c.capwins = 2;

	/* the wire module's check of the spec layout */
	vfsim_reject_clear();
	r = vu_check_dma_request(&m, &c.own);
	fz_rejected(r);
	if (r == 0) {
		fz_check(m.hdr.cmd == VU_CMD_DMA_READ || m.hdr.cmd == VU_CMD_DMA_WRITE);
		fz_check(m.nfds == 0 && m.len >= 16 && m.len == m.hdr.size - VU_HDR_SIZE);
		count = fz_rd64(m.payload + 8);
		fz_check(count <= c.own.max_data_xfer_size);
		fz_check(m.hdr.cmd == VU_CMD_DMA_READ ? m.len == 16 : m.len - 16 == count);
	}

	/* the client's server: takes over @m, answers into the sink */
	if (m.nfds > VU_MAX_FDS_PER_MSG)
		m.nfds = VU_MAX_FDS_PER_MSG;	/* vu_msg holds no more: not a wire state */
	if (vu_conn_new(-1, VU_HDR_SIZE + (64u << 20), 8, &fz_sink_ops, &conn) < 0) {
		vu_msg_release(&m);
		return;
	}
	vfsim_reject_clear();
	r = vu_cli_dma_serve(&c, conn, &m);
	fz_check(r == 0);	/* the sink takes every answer */
	vu_conn_free(conn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > FUZZ_MAX_LEN)
		return 0;
	switch (data[0] % FZ_MODES) {
	case FZ_HDR:
		fz_hdr(data + 2, size - 2);
		break;
	case FZ_REQUEST:
		fz_request(data + 2, size - 2, data[1]);
		break;
	case FZ_REPLY:
		fz_reply(data + 2, size - 2, data[1]);
		break;
	default:
		fz_dma(data + 2, size - 2, data[1]);
		break;
	}
	return 0;
}
