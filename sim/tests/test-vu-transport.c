/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The server over an in-memory transport (vu_srv_attach_transport) and a
 * reused server (vu_srv_reconfigure), what fuzz-server runs on: messages
 * in and out through vu_conn_ops with no socket; a DMA request answered
 * by the transport as it is sent; one the transport cannot answer is a
 * timeout at once, not after dma_timeout_ms; a reconfigured server starts
 * its DMA message ids again and advertises its new config.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "include/vfsim.h"
#include "dev.h"
#include "engine.h"
#include "region.h"
#include "rules.h"
#include "vu-conn.h"
#include "vu-server.h"
#include "vu-wire.h"
#include "test-util.h"

/* Transcribed from the spec (§1.3, §3.0), as vu-server-fixture.h does. */
#define T_VERSION 1
#define T_DMA_MAP 2
#define T_REGION_WRITE 10
#define T_DMA_READ 11
#define T_DMA_WRITE 12
#define T_REPLY 0x1u
#define T_ERROR 0x20u

#define IOVA 0x10000000ull
#define PAGE 4096u
#define BUF (256u * 1024)

/* One client on the other side of the transport. */
struct mem_tp {
	uint8_t in[BUF];		/* to the server */
	size_t in_len, in_off;
	uint8_t out[BUF];		/* from the server */
	size_t out_len, parsed;
	bool answer_dma;		/* DMA requests are answered as they are sent */
	uint8_t mem[2 * PAGE];		/* the client's memory at IOVA */
	unsigned dma_reqs;
	uint16_t first_dma_id;
	unsigned empty_reads;		/* reads that found nothing (-EAGAIN) */
};

static void tp_in(struct mem_tp *t, const void *p, size_t len)
{
	assert_true(len <= BUF - t->in_len);
	memcpy(t->in + t->in_len, p, len);
	t->in_len += len;
}

static void tp_msg(struct mem_tp *t, uint16_t id, uint16_t cmd, uint32_t flags, const void *p, size_t len)
{
	struct vu_hdr h = { .id = id, .cmd = cmd, .size = (uint32_t)(16 + len), .flags = flags };

	tp_in(t, &h, sizeof(h));
	if (len)
		tp_in(t, p, len);
}

static ssize_t tp_recvmsg(void *opaque, struct msghdr *mh, int flags)
{
	struct mem_tp *t = opaque;
	size_t n = t->in_len - t->in_off;

	(void)flags;
	if (!n) {
		t->empty_reads++;
		return -EAGAIN;
	}
	if (n > mh->msg_iov[0].iov_len)
		n = mh->msg_iov[0].iov_len;
	memcpy(mh->msg_iov[0].iov_base, t->in + t->in_off, n);
	t->in_off += n;
	mh->msg_controllen = 0;
	mh->msg_flags = 0;
	return (ssize_t)n;
}

/* Answer a DMA_READ with the bytes of mem, a DMA_WRITE by storing them. */
static void tp_dma(struct mem_tp *t, const struct vu_hdr *h, const uint8_t *p)
{
	uint64_t addr, count;
	uint8_t rep[16 + PAGE];

	memcpy(&addr, p, 8);
	memcpy(&count, p + 8, 8);
	if (!t->dma_reqs++)
		t->first_dma_id = h->id;
	if (!t->answer_dma)
		return;
	assert_true(addr >= IOVA && count <= PAGE && addr - IOVA + count <= sizeof(t->mem));
	memcpy(rep, p, 16);
	if (h->cmd == T_DMA_READ) {
		memcpy(rep + 16, t->mem + (addr - IOVA), count);
		tp_msg(t, h->id, h->cmd, T_REPLY, rep, 16 + count);
	} else {
		memcpy(t->mem + (addr - IOVA), p + 16, count);
		tp_msg(t, h->id, h->cmd, T_REPLY, rep, 16);
	}
}

static ssize_t tp_sendmsg(void *opaque, const struct msghdr *mh, int flags)
{
	struct mem_tp *t = opaque;
	size_t i, n = 0;

	(void)flags;
	for (i = 0; i < (size_t)mh->msg_iovlen; i++) {
		assert_true(mh->msg_iov[i].iov_len <= BUF - t->out_len);
		memcpy(t->out + t->out_len, mh->msg_iov[i].iov_base, mh->msg_iov[i].iov_len);
		t->out_len += mh->msg_iov[i].iov_len;
		n += mh->msg_iov[i].iov_len;
	}
	/* every whole message: a DMA request is answered now, as the server
	 * reads its reply before it sends anything else */
	while (t->out_len - t->parsed >= 16) {
		struct vu_hdr h;

		memcpy(&h, t->out + t->parsed, 16);
		assert_true(h.size >= 16);
		if (t->out_len - t->parsed < h.size)
			break;
		if (!(h.flags & 0xf) && (h.cmd == T_DMA_READ || h.cmd == T_DMA_WRITE))
			tp_dma(t, &h, t->out + t->parsed + 16);
		t->parsed += h.size;
	}
	return (ssize_t)n;
}

/* The next message from the server that is a reply to @cmd: 0 or -errno. */
static int tp_reply(struct mem_tp *t, size_t *off, uint16_t cmd, const uint8_t **payload, uint32_t *len)
{
	while (*off + 16 <= t->out_len) {
		struct vu_hdr h;

		memcpy(&h, t->out + *off, 16);
		*off += h.size;
		if ((h.flags & 0xf) != T_REPLY || h.cmd != cmd)
			continue;
		if (payload)
			*payload = t->out + *off - h.size + 16;
		if (len)
			*len = h.size - 16;
		return h.flags & T_ERROR ? -(int)h.error : 0;
	}
	fail_msg("no reply to command %u", cmd);
	return -EIO;
}

struct tx {
	struct vfsim_dev *dev;
	struct vfsim_vu_server *s;
	struct mem_tp *t;
	struct vu_conn_ops ops;
	size_t seen;		/* out bytes already looked at by tp_reply */
	uint16_t id;
};

static void tx_attach(struct tx *x)
{
	memset(x->t, 0, sizeof(*x->t));
	x->seen = 0;
	x->ops = (struct vu_conn_ops){ tp_recvmsg, tp_sendmsg, x->t };
	assert_int_equal(vu_srv_attach_transport(x->s, &x->ops), 0);
}

static void tx_open(struct tx *x, const struct vfsim_vu_server_config *cfg)
{
	memset(x, 0, sizeof(*x));
	x->t = calloc(1, sizeof(*x->t));
	assert_non_null(x->t);
	x->dev = tu_dev_from("dmaengine");
	assert_int_equal(vfsim_vu_server_new(x->dev, cfg, &x->s), 0);
	tx_attach(x);
}

static void tx_close(struct tx *x)
{
	vfsim_vu_server_free(x->s);
	vfsim_dev_free(x->dev);
	free(x->t);
}

/* Send one command, let the server run, return its reply's errno. */
static int tx_req(struct tx *x, uint16_t cmd, const void *p, size_t len, const uint8_t **payload,
		  uint32_t *rlen)
{
	tp_msg(x->t, x->id++, cmd, 0, p, len);
	assert_int_equal(vfsim_vu_server_process(x->s), 0);
	return tp_reply(x->t, &x->seen, cmd, payload, rlen);
}

static void tx_version(struct tx *x, const uint8_t **payload, uint32_t *len)
{
	static const char caps[] = "{\"capabilities\":{\"max_data_xfer_size\":4096}}";
	uint8_t v[4 + sizeof(caps)] = { 0, 0, 0, 0 };
	const uint16_t major = 0, minor = 1;	/* §2: the version this spec describes */

	memcpy(v, &major, 2);
	memcpy(v + 2, &minor, 2);
	memcpy(v + 4, caps, sizeof(caps));
	assert_int_equal(tx_req(x, T_VERSION, v, sizeof(v), payload, len), 0);
}

/* DMA_MAP without an fd: the server reaches it with DMA_READ/DMA_WRITE. */
static void tx_map(struct tx *x)
{
	struct vu_dma_map dm = { .argsz = 32, .flags = VU_DMA_MAP_READ | VU_DMA_MAP_WRITE,
				 .addr = IOVA, .size = 2 * PAGE };

	assert_int_equal(tx_req(x, T_DMA_MAP, &dm, sizeof(dm), NULL, NULL), 0);
}

static void tx_reg(struct tx *x, uint32_t reg, const void *v, uint32_t len)
{
	const struct vfsim_profile *p = vfsim_dev_profile(x->dev);
	struct vu_region_access a = { .offset = p->engine.offset + reg, .region = p->engine.bar, .count = len };
	uint8_t req[sizeof(a) + 8];

	memcpy(req, &a, sizeof(a));
	memcpy(req + sizeof(a), v, len);
	assert_int_equal(tx_req(x, T_REGION_WRITE, req, sizeof(a) + len, NULL, NULL), 0);
}

static uint32_t tx_engine(struct tx *x, uint32_t reg)
{
	const struct vfsim_profile *p = vfsim_dev_profile(x->dev);
	const struct region *r = region_get(x->dev->regions, p->engine.bar);
	uint32_t v;

	memcpy(&v, r->mem + p->engine.offset + reg, 4);
	return v;
}

/* Copy 64 bytes from IOVA to IOVA + PAGE with the device's engine. */
static void tx_engine_copy(struct tx *x)
{
	uint64_t src = IOVA, dst = IOVA + PAGE;
	uint32_t len = 64, one = 1;

	tx_reg(x, ENGINE_REG_SRC, &src, 8);
	tx_reg(x, ENGINE_REG_DST, &dst, 8);
	tx_reg(x, ENGINE_REG_LEN, &len, 4);
	tx_reg(x, ENGINE_REG_DOORBELL, &one, 4);
}

static void test_transport_version(void **state)
{
	struct vfsim_vu_server_config cfg = { .write_multiple = false };
	const uint8_t *p;
	uint32_t len;
	struct tx x;

	tx_open(&x, &cfg);
	tx_version(&x, &p, &len);
	assert_true(len > 4);
	assert_non_null(memmem(p + 4, len - 4, "max_data_xfer_size", 18));
	/* one client at a time; no transport is no client */
	assert_int_equal(vu_srv_attach_transport(x.s, &x.ops), -EBUSY);
	vfsim_vu_server_detach(x.s);
	assert_int_equal(vu_srv_attach_transport(x.s, NULL), -EINVAL);
	tx_close(&x);
}

/* The transport answers DMA as the server sends it: the engine's copy
 * goes through DMA_READ and DMA_WRITE within one process call. */
static void test_transport_dma_answered(void **state)
{
	struct tx x;
	unsigned i;

	tx_open(&x, NULL);
	tx_version(&x, NULL, NULL);
	tx_map(&x);
	x.t->answer_dma = true;
	for (i = 0; i < PAGE; i++)
		x.t->mem[i] = (uint8_t)(i * 7 + 1);
	tx_engine_copy(&x);
	assert_int_equal(tx_engine(&x, ENGINE_REG_STATUS), ENGINE_STATUS_DONE);
	assert_memory_equal(x.t->mem + PAGE, x.t->mem, 64);
	assert_int_equal(x.t->dma_reqs, 2);
	tx_close(&x);
}

/* Nothing can feed the transport while the server waits for a DMA reply:
 * the wait ends at the first empty read with RULE_VU_SRV_DMA_TIMEOUT, not
 * after the configured minute nor after polling the transport until its
 * turns run out. */
static void test_transport_dma_unanswered(void **state)
{
	struct vfsim_vu_server_config cfg = { .dma_timeout_ms = 60000 };
	struct tx x;

	tx_open(&x, &cfg);
	tx_version(&x, NULL, NULL);
	tx_map(&x);
	tx_engine_copy(&x);
	assert_int_equal(vfsim_last_rule(NULL), RULE_VU_SRV_DMA_TIMEOUT);
	assert_int_equal(x.t->dma_reqs, 1);
	/* one empty read per process call (6 requests so far) and one in the
	 * DMA wait */
	assert_int_equal(x.t->empty_reads, 6 + 1);
	assert_int_equal(tx_engine(&x, ENGINE_REG_STATUS), ENGINE_STATUS_ERROR);
	assert_int_equal(tx_engine(&x, ENGINE_REG_ERRNO), ETIMEDOUT);
	tx_close(&x);
}

/* A reconfigured server is a new server on the same device: its DMA ids
 * start at 0 again and it advertises the new config; it refuses while a
 * client is attached, and refuses what vfsim_vu_server_new refuses. */
static void test_reconfigure(void **state)
{
	struct vfsim_vu_server_config bad = { .quirks = 1u << 30 }, wm = { .write_multiple = true };
	const uint8_t *p;
	uint32_t len;
	struct tx x;

	tx_open(&x, NULL);
	tx_version(&x, &p, &len);
	assert_null(memmem(p + 4, len - 4, "write_multiple", 14));
	tx_map(&x);
	tx_engine_copy(&x);	/* unanswered: one DMA_READ, id 0 */
	assert_int_equal(x.t->first_dma_id, 0);
	assert_int_equal(vu_srv_reconfigure(x.s, &wm), -EBUSY);
	vfsim_vu_server_detach(x.s);

	/* the same server, not reconfigured: ids go on */
	tx_attach(&x);
	tx_version(&x, NULL, NULL);
	tx_map(&x);
	tx_engine_copy(&x);
	assert_int_equal(x.t->first_dma_id, 1);
	vfsim_vu_server_detach(x.s);

	assert_int_equal(vu_srv_reconfigure(x.s, &bad), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_VU_SRV_CONFIG);
	assert_int_equal(vu_srv_reconfigure(x.s, &wm), 0);
	tx_attach(&x);
	tx_version(&x, &p, &len);
	assert_non_null(memmem(p + 4, len - 4, "write_multiple", 14));
	tx_map(&x);
	tx_engine_copy(&x);
	assert_int_equal(x.t->first_dma_id, 0);
	tx_close(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transport_version),
		cmocka_unit_test(test_transport_dma_answered),
		cmocka_unit_test(test_transport_dma_unanswered),
		cmocka_unit_test(test_reconfigure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
