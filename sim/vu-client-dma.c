/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client's registered memory: memfd-backed windows created by
 * vfsim_vu_client_dma_map and announced with DMA_MAP (§3.2), removed with
 * DMA_UNMAP (§3.3, exact match or ALL), and the server->client DMA_READ /
 * DMA_WRITE requests (§3.10) served against them. A request is answered
 * only when [addr, addr + count) lies inside one window that grants the
 * access (READ for DMA_READ, WRITE for DMA_WRITE, §4.3); otherwise it gets
 * the errno QEMU's client uses (§1.7: EFAULT, EPERM, E2BIG, EINVAL,
 * ENOSYS). VFSIM_VU_QUIRK_QEMU_DMA speaks QEMU 10.1's layout (§7.3).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "fault.h"
#include "rules.h"
#include "vu-client.h"

/* ---- windows ------------------------------------------------------------------ */

static struct vu_cli_win *vu_cli_win_find(struct vfsim_vu_client *c, uint64_t iova, uint64_t size)
{
	for (unsigned i = 0; i < c->nwins; i++)
		if (c->wins[i].iova == iova && c->wins[i].size == size)
			return &c->wins[i];
	return NULL;
}

/* The window holding [addr, addr + count), or NULL. count 0 still needs addr
 * inside a window. */
static struct vu_cli_win *vu_cli_win_lookup(struct vfsim_vu_client *c, uint64_t addr, uint64_t count)
{
	for (unsigned i = 0; i < c->nwins; i++) {
		struct vu_cli_win *w = &c->wins[i];

		if (addr >= w->iova && addr - w->iova < w->size && count <= w->size - (addr - w->iova))
			return w;
	}
	return NULL;
}

static void vu_cli_win_remove(struct vfsim_vu_client *c, struct vu_cli_win *w)
{
	munmap(w->mem, w->size);
	*w = c->wins[--c->nwins];
}

void vu_cli_dma_free_all(struct vfsim_vu_client *c)
{
	while (c->nwins)
		vu_cli_win_remove(c, &c->wins[c->nwins - 1]);
}

static int vu_cli_win_check(struct vfsim_vu_client *c, uint64_t iova, uint64_t size, uint32_t prot)
{
	uint64_t pg = c->peer.pgsizes ? c->peer.pgsizes & -c->peer.pgsizes : 4096;
	unsigned limit = c->peer.max_dma_maps < VU_CLI_MAX_WINDOWS ? c->peer.max_dma_maps
								   : VU_CLI_MAX_WINDOWS;

	if (size == 0 || iova + size - 1 < iova || (iova | size) & (pg - 1) || size > SIZE_MAX ||
	    !prot || prot & ~(uint32_t)(VU_DMA_MAP_READ | VU_DMA_MAP_WRITE))
		return vfsim_reject(RULE_VU_CLI_DMA_ARGS, -EINVAL);
	for (unsigned i = 0; i < c->nwins; i++) {
		const struct vu_cli_win *w = &c->wins[i];

		if (iova <= w->iova + (w->size - 1) && w->iova <= iova + (size - 1))
			return vfsim_reject(RULE_VU_CLI_DMA_OVERLAP, -EEXIST);
	}
	if (c->nwins >= limit)
		return vfsim_reject(RULE_VU_CLI_DMA_LIMIT, -ENOSPC);
	return 0;
}

int vfsim_vu_client_dma_map(struct vfsim_vu_client *c, uint64_t iova, uint64_t size, uint32_t prot,
			    bool pass_fd, void **ret_ptr)
{
	struct vu_dma_map req = {
		.argsz = sizeof(req),
		.flags = prot,
		.addr = iova,
		.size = size,
	};
	struct vu_cli_win *w = NULL;
	void *mem;
	int fd, r;

	vfsim_reject_clear();
	*ret_ptr = NULL;
	r = vu_cli_win_check(c, iova, size, prot);
	if (r < 0)
		return r;
	if (pass_fd && c->peer.max_msg_fds == 0)
		return vfsim_reject(RULE_VU_CLI_IRQ_NO_FDS, -EINVAL);
	if (c->nwins == c->capwins) {
		unsigned n = c->capwins ? c->capwins * 2 : 8;
		struct vu_cli_win *nw = realloc(c->wins, n * sizeof(*nw));

		if (!nw)
			return -ENOMEM;
		c->wins = nw;
		c->capwins = n;
	}
	fd = memfd_create("vfsim-vu-dma", MFD_CLOEXEC | MFD_ALLOW_SEALING);	/* the server seals it */
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0) {
		r = -errno;
		goto out_close;
	}
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED) {
		r = -errno;
		goto out_close;
	}
	/* Registered before the request: the server may DMA into the window
	 * before its DMA_MAP reply reaches us. */
	w = &c->wins[c->nwins++];
	*w = (struct vu_cli_win){ .iova = iova, .size = size, .prot = prot, .mem = mem };
	r = vu_cli_call_noreply(c, VU_CMD_DMA_MAP, &req, sizeof(req), pass_fd ? &fd : NULL, pass_fd ? 1 : 0);
	close(fd);
	if (r < 0) {
		w = vu_cli_win_find(c, iova, size);
		if (w)
			vu_cli_win_remove(c, w);
		return r;
	}
	*ret_ptr = mem;
	return 0;

out_close:
	close(fd);
	return r;
}

int vfsim_vu_client_dma_unmap(struct vfsim_vu_client *c, uint64_t iova, uint64_t size, uint32_t flags)
{
	struct vu_dma_unmap req = {
		.argsz = sizeof(req),
		.flags = flags,
		.addr = iova,
		.size = size,
	};
	struct vu_cli_win *w = NULL;
	int r;

	vfsim_reject_clear();
	if (flags == VFIO_DMA_UNMAP_FLAG_ALL) {
		if (iova || size)
			return vfsim_reject(RULE_VU_CLI_DMA_UNMAP_FLAGS, -EINVAL);
	} else if (flags) {
		return vfsim_reject(RULE_VU_CLI_DMA_UNMAP_FLAGS, -EINVAL);
	} else {
		w = vu_cli_win_find(c, iova, size);
		if (!w)
			return vfsim_reject(RULE_VU_CLI_DMA_NOENT, -ENOENT);
	}
	r = vu_cli_call_noreply(c, VU_CMD_DMA_UNMAP, &req, sizeof(req), NULL, 0);
	if (r < 0)
		return r;	/* the server may still use the window: keep it */
	if (flags == VFIO_DMA_UNMAP_FLAG_ALL) {
		vu_cli_dma_free_all(c);
	} else {
		/* Served DMA cannot move windows, but look again rather than trust w. */
		w = vu_cli_win_find(c, iova, size);
		if (w)
			vu_cli_win_remove(c, w);
	}
	return 0;
}

/* ---- serving DMA_READ / DMA_WRITE ------------------------------------------------ */

/* A request parsed into one shape, whichever layout it came in. */
struct vu_cli_dma_req {
	uint64_t addr, count;
	const uint8_t *data;	/* DMA_WRITE */
	uint32_t datalen;
};

static int vu_cli_dma_parse(const struct vfsim_vu_client *c, const struct vu_msg *m,
			    struct vu_cli_dma_req *ret)
{
	bool qemu = c->quirks & VFSIM_VU_QUIRK_QEMU_DMA;
	uint32_t fixed = qemu ? sizeof(struct vu_dma_access_qemu) : sizeof(struct vu_dma_access);

	if (m->len < fixed)
		return vfsim_reject(RULE_VU_CLI_SRV_SHORT, -EINVAL);
	if (qemu) {
		struct vu_dma_access_qemu q;

		memcpy(&q, m->payload, sizeof(q));
		ret->addr = q.addr;
		ret->count = q.count;
	} else {
		struct vu_dma_access a;

		memcpy(&a, m->payload, sizeof(a));
		ret->addr = a.addr;
		ret->count = a.count;
	}
	ret->data = m->payload + fixed;
	ret->datalen = m->len - fixed;
	if (ret->count > c->own.max_data_xfer_size)
		return vfsim_reject(RULE_VU_CLI_SRV_TOO_BIG, -E2BIG);
	if (m->hdr.cmd == VU_CMD_DMA_READ && ret->datalen)
		return vfsim_reject(RULE_VU_CLI_SRV_SHORT, -EINVAL);
	if (m->hdr.cmd == VU_CMD_DMA_WRITE && ret->datalen != ret->count)
		return vfsim_reject(RULE_VU_CLI_SRV_DATA, ret->count > ret->datalen ? -E2BIG : -EINVAL);
	return 0;
}

/* The header a reply to @m echoes (§1.4: the request's msg_id).
 * Fault client-dma-reply-id: msg_id + 1. */
static struct vu_hdr vu_cli_dma_reply_hdr(const struct vfsim_vu_client *c, const struct vu_msg *m)
{
	struct vu_hdr h = m->hdr;

	if (vfsim_fault_on(c->faults, VFSIM_FAULT_CLIENT_DMA_REPLY_ID))
		h.id++;
	return h;
}

static int vu_cli_dma_reply(struct vfsim_vu_client *c, struct vu_conn *conn, const struct vu_msg *m,
			    const struct vu_cli_dma_req *rq, const uint8_t *data)
{
	struct vu_hdr h = {
		.id = vu_cli_dma_reply_hdr(c, m).id,
		.cmd = m->hdr.cmd,
		.flags = VU_FLAGS_TYPE_REPLY,
	};
	uint8_t fixed[sizeof(struct vu_dma_access)];
	uint32_t flen;
	uint8_t *buf;
	int r;

	if (c->quirks & VFSIM_VU_QUIRK_QEMU_DMA) {
		struct vu_dma_access_qemu q = { .addr = rq->addr, .count = (uint32_t)rq->count };

		/* QEMU 10.1: DMA_WRITE is answered with the header only. */
		if (m->hdr.cmd == VU_CMD_DMA_WRITE)
			return vu_conn_send(conn, &h, NULL, 0, NULL, 0);
		memcpy(fixed, &q, sizeof(q));
		flen = sizeof(q);
	} else {
		struct vu_dma_access a = { .addr = rq->addr, .count = rq->count };

		memcpy(fixed, &a, sizeof(a));
		flen = sizeof(a);
	}
	if (!data)
		return vu_conn_send(conn, &h, fixed, flen, NULL, 0);
	/* count <= our max_data_xfer_size (<= 64 MiB), checked in parse. */
	buf = malloc(flen + rq->count);
	if (!buf)
		return vu_conn_reply(conn, &h, ENOMEM);
	memcpy(buf, fixed, flen);
	memcpy(buf + flen, data, rq->count);
	r = vu_conn_send(conn, &h, buf, flen + rq->count, NULL, 0);
	free(buf);
	return r;
}

/* Returns -ECONNRESET/-EPIPE when the answer could not be sent, else 0;
 * a refused request leaves its rule in vfsim_last_rule(). */
int vu_cli_dma_serve(struct vfsim_vu_client *c, struct vu_conn *conn, struct vu_msg *m)
{
	bool noreply = !vu_cli_wants_reply(c, &m->hdr);
	struct vu_hdr rh = vu_cli_dma_reply_hdr(c, m);
	struct vu_cli_dma_req rq = { 0 };
	struct vu_cli_win *w = NULL;
	int r;

	vfsim_reject_clear();
	r = vu_check_hdr(&m->hdr, UINT32_MAX);
	if (r < 0)
		r = vfsim_reject(RULE_VU_CLI_SRV_HDR, -EINVAL);
	else if (m->nfds)
		r = vfsim_reject(RULE_VU_CLI_SRV_FDS, -EINVAL);
	else if (m->hdr.cmd != VU_CMD_DMA_READ && m->hdr.cmd != VU_CMD_DMA_WRITE)
		r = vfsim_reject(RULE_VU_CLI_SRV_UNKNOWN, -ENOSYS);
	else
		r = vu_cli_dma_parse(c, m, &rq);
	if (r == 0) {
		w = vu_cli_win_lookup(c, rq.addr, rq.count);
		if (!w)
			r = vfsim_reject(RULE_VU_CLI_SRV_FAULT, -EFAULT);
		else if (!(w->prot & (m->hdr.cmd == VU_CMD_DMA_READ ? VU_DMA_MAP_READ : VU_DMA_MAP_WRITE)))
			r = vfsim_reject(RULE_VU_CLI_SRV_PERM, -EPERM);
	}
	if (r < 0) {
		vu_msg_release(m);	/* closes any fds it carried */
		return noreply ? 0 : vu_conn_reply(conn, &rh, -r);
	}

	if (m->hdr.cmd == VU_CMD_DMA_WRITE) {
		memcpy(w->mem + (rq.addr - w->iova), rq.data, rq.count);
		r = noreply ? 0 : vu_cli_dma_reply(c, conn, m, &rq, NULL);
	} else {
		r = noreply ? 0 : vu_cli_dma_reply(c, conn, m, &rq, w->mem + (rq.addr - w->iova));
	}
	vu_msg_release(m);
	return r;
}
