/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user server session (digest §1-2): one client at a time over a
 * stream socket, VERSION first (anything else: an EINVAL error reply and
 * the client is dropped, as libvfio-user does), then each command checked
 * by vu_check_request and the dispatch table below and handed to its
 * handler, in the order received (§1.5). NO_REPLY suppresses every reply,
 * error replies included (§1.6). A malformed message never desynchronises
 * the stream: vu-conn drains oversized ones and we answer E2BIG; only a
 * framing error (-EPROTO) drops the client.
 *
 * Commands that arrive on the main socket while the server waits for the
 * client's answer to one of its DMA_READ/DMA_WRITE requests (no twin
 * socket) are queued, bounded, and processed afterwards in order.
 *
 * vfsim_vu_server_fd is an epoll fd, one per server, so that a caller's
 * event loop polls one descriptor: it holds the connection socket, the
 * twin socket (late DMA replies are drained and dropped there, and a
 * closed twin leaves the set) and the ioeventfds handed out by
 * GET_REGION_IO_FDS (vu-server-region.c). vfsim_vu_server_process first
 * performs the writes of the signalled ioeventfds (a guest write KVM
 * completed before the messages now waiting were read), then the messages.
 */
#define _GNU_SOURCE	/* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vu-server.h"
#include "dev.h"
#include "dma.h"
#include "dmalog.h"
#include "fault.h"
#include "irq.h"
#include "rules.h"

#define VU_SRV_DEFAULT_MAX_MSG_FDS 8u
#define VU_SRV_DEFAULT_DMA_TIMEOUT_MS 5000
#define VU_SRV_LISTEN_TICK_MS 100

/* ---- replies --------------------------------------------------------------- */

int vu_srv_reply_alloc(struct vu_srv_reply *rep, size_t len, uint8_t **ret)
{
	uint8_t *p;

	if (len > UINT32_MAX - VU_HDR_SIZE)
		return -E2BIG;
	if (len <= sizeof(rep->small)) {
		p = rep->small;
		memset(p, 0, len);
	} else {
		p = calloc(1, len);
		if (!p)
			return -ENOMEM;
		rep->heap = true;
	}
	rep->payload = p;
	rep->len = (uint32_t)len;
	*ret = p;
	return 0;
}

int vu_srv_reply_echo(struct vu_srv_reply *rep, const struct vu_msg *m, size_t len)
{
	uint8_t *p;
	int r;

	if (len > m->len)
		len = m->len;
	r = vu_srv_reply_alloc(rep, len, &p);
	if (r < 0)
		return r;
	memcpy(p, m->payload, len);
	return 0;
}

static void vu_srv_reply_init(struct vu_srv_reply *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->fds[0] = -1;
}

static void vu_srv_reply_fini(struct vu_srv_reply *rep)
{
	unsigned i;

	if (rep->heap)
		free(rep->payload);
	if (rep->own_fds)
		for (i = 0; i < rep->nfds; i++)
			if (rep->fds[i] >= 0)
				close(rep->fds[i]);
	vu_srv_reply_init(rep);
}

/* libvfio-user's error replies to these commands carry the request's fixed
 * part (§1.7, §7.6): sent only with the ERROR_PAYLOAD quirk. */
static size_t vu_srv_error_payload_len(uint16_t cmd)
{
	switch (cmd) {
	case VU_CMD_REGION_READ:
	case VU_CMD_REGION_WRITE:
		return sizeof(struct vu_region_access);
	case VU_CMD_DMA_UNMAP:
		return sizeof(struct vu_dma_unmap);
	default:
		return 0;
	}
}

/* Send the reply to @req: success with @rep, or an error with -@err.
 * Nothing at all for a NO_REPLY command. A send failure drops the client. */
static void vu_srv_send_reply(struct vfsim_vu_server *s, const struct vu_hdr *req,
			      const struct vu_msg *m, struct vu_srv_reply *rep, int err)
{
	struct vu_hdr h = {
		.id = req->id, .cmd = req->cmd, .flags = VU_FLAGS_TYPE_REPLY,
	};
	const uint64_t faults = s->cfg.faults;
	const void *payload = NULL;
	size_t len = 0;
	int r;

	/* Faults reply-id and reply-cmd: the reply names another request. */
	if (vfsim_fault_on(faults, VFSIM_FAULT_REPLY_ID))
		h.id = (uint16_t)(req->id + 1);
	if (vfsim_fault_on(faults, VFSIM_FAULT_REPLY_CMD))
		h.cmd = (uint16_t)(req->cmd + 1);
	/* Fault reply-to-no-reply: NO_REPLY is not looked at. */
	if ((req->flags & VU_FLAGS_NO_REPLY) && !vfsim_fault_on(faults, VFSIM_FAULT_REPLY_TO_NO_REPLY))
		return;
	if (err < 0) {
		/* Fault error-flag-missing: the errno goes out, the flag not. */
		if (!vfsim_fault_on(faults, VFSIM_FAULT_ERROR_FLAG_MISSING))
			h.flags |= VU_FLAGS_ERROR;
		/* a positive errno a peer can take (libvfio-user: 1..4096) */
		h.error = (uint32_t)(-err > 0 && -err <= 4096 ? -err : EIO);
		/* Fault error-zero: the flag without the errno. */
		if (vfsim_fault_on(faults, VFSIM_FAULT_ERROR_ZERO))
			h.error = 0;
		if ((s->cfg.quirks & VFSIM_VU_QUIRK_ERROR_PAYLOAD) && m && m->payload) {
			len = vu_srv_error_payload_len(req->cmd);
			if (len > m->len)
				len = m->len;
			payload = m->payload;
		}
		r = vu_conn_send(s->conn, &h, payload, len, NULL, 0);
	} else {
		r = vu_conn_send(s->conn, &h, rep->payload, rep->len, rep->nfds ? rep->fds : NULL,
				 rep->nfds);
	}
	if (r < 0)
		s->drop = true;
}

/* ---- the epoll set ------------------------------------------------------------- */

int vu_srv_watch(struct vfsim_vu_server *s, int fd, uint32_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

void vu_srv_unwatch(struct vfsim_vu_server *s, int fd)
{
	/* ENOENT (never added) is fine: the entry is gone either way */
	(void)epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* The twin carries our commands' replies, read while we wait for one
 * (vu-server-dma.c). Whatever is readable between waits is a reply that
 * came too late or a client command sent to the wrong socket: dropped, so
 * that a level-triggered set does not stay readable. A closed or broken
 * twin leaves the set; a DMA over it then fails as it did before. */
static void vu_srv_twin_drain(struct vfsim_vu_server *s)
{
	unsigned n;

	for (n = 0; n < VU_SRV_QUEUE_MAX; n++) {
		struct vu_msg m;
		int rc;

		memset(&m, 0, sizeof(m));
		rc = vu_conn_recv(s->twin, &m, false, 0);
		if (rc == 0 || rc == -EMSGSIZE || rc == -EBADMSG) {
			vfsim_reject((m.hdr.flags & VU_FLAGS_TYPE_MASK) == VU_FLAGS_TYPE_COMMAND ?
				     RULE_VU_SRV_TWIN_COMMAND : RULE_VU_SRV_UNEXPECTED_REPLY, -EINVAL);
			vu_msg_release(&m);
			continue;
		}
		vu_msg_release(&m);
		if (rc != -EAGAIN) {
			vu_srv_unwatch(s, vu_conn_fd(s->twin));
			s->twin_watched = false;
		}
		return;
	}
}

/* Whatever besides the connection is ready: ioeventfds and the twin. */
static int vu_srv_events(struct vfsim_vu_server *s)
{
	struct epoll_event ev[VU_SRV_EV_MAX];
	int n, i;

	if (!s->nioev && !s->twin_watched)
		return 0;
	n = epoll_wait(s->epfd, ev, VU_SRV_EV_MAX, 0);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		uint32_t tag = ev[i].data.u32;

		if (tag == VU_SRV_EV_TWIN && s->twin_watched)
			vu_srv_twin_drain(s);
		else if (tag >= VU_SRV_EV_IOEVENTFD)
			vu_srv_ioev_drain(s, tag - VU_SRV_EV_IOEVENTFD);
	}
	return 0;
}

/* ---- VERSION (§2) -------------------------------------------------------------- */

static int vu_srv_twin_new(struct vfsim_vu_server *s, struct vu_srv_reply *rep)
{
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	/* Replies to DMA_READ carry up to the peer's max_data_xfer_size. */
	r = vu_conn_new(sv[0], VU_HDR_SIZE + sizeof(struct vu_dma_access) + s->peer.max_data_xfer_size,
			0, NULL, &s->twin);
	if (r < 0) {
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	vu_conn_set_send_timeout(s->twin, s->cfg.dma_timeout_ms);
	r = vu_srv_watch(s, sv[0], VU_SRV_EV_TWIN);
	if (r < 0) {
		vu_conn_free(s->twin);
		s->twin = NULL;
		close(sv[1]);
		return r;
	}
	s->twin_watched = true;
	rep->fds[0] = sv[1];
	rep->nfds = 1;
	rep->own_fds = true;
	return 0;
}

/* The fds the connection takes with one message: our max_msg_fds. */
static unsigned vu_srv_conn_max_fds(const struct vfsim_vu_server *s)
{
	return s->own.max_msg_fds;
}

/* The largest request the negotiated limits allow: a REGION_WRITE or
 * MIG_DATA_WRITE of max_data_xfer_size, or the fixed commands (a START
 * with 256 ranges, SET_IRQS BOOL for 2048 vectors, 200-entry WRITE_MULTI). */
static uint32_t vu_srv_max_msg(const struct vfsim_vu_server *s)
{
	uint64_t n = (uint64_t)VU_HDR_SIZE + sizeof(struct vu_region_access) + s->own.max_data_xfer_size;

	if (n < VU_SRV_VERSION_MAX_MSG)
		n = VU_SRV_VERSION_MAX_MSG;
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static int vu_srv_version(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	struct vu_version v;
	struct vu_caps peer, caps;
	char json[512];
	uint8_t *p;
	int r, n;

	if (m->len < sizeof(v))
		return vfsim_reject(RULE_VU_SRV_VERSION_SHORT, -EINVAL);
	if (m->nfds)
		return vfsim_reject(RULE_VU_SRV_VERSION_FDS, -EINVAL);
	memcpy(&v, m->payload, sizeof(v));
	if (v.major != VU_VERSION_MAJOR)
		return vfsim_reject(RULE_VU_SRV_VERSION_MAJOR, -EINVAL);
	if (m->len > sizeof(v)) {
		r = vu_caps_parse((const char *)m->payload + sizeof(v), m->len - sizeof(v), &peer);
		if (r < 0)
			return r;
	} else {
		vu_caps_default(&peer);
	}
	s->peer = peer;

	caps = s->own;
	caps.twin_socket = false;
	caps.twin_fd_index = -1;
	/* libvfio-user sends the twin end only to a client that can take an fd. */
	if (s->cfg.twin_socket && peer.twin_socket && peer.max_msg_fds > 0) {
		r = vu_srv_twin_new(s, rep);
		if (r < 0)
			return r;
		caps.twin_socket = true;
		caps.twin_fd_index = 0;
	}
	n = vu_caps_emit(&caps, json, sizeof(json));
	if (n < 0)
		return n;
	/* vu_caps_emit returns the length with or without the NUL: send it
	 * (fault version-json-no-nul: leave it out). */
	n = (int)strnlen(json, sizeof(json) - 1);
	if (!vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_VERSION_JSON_NO_NUL))
		n++;
	r = vu_srv_reply_alloc(rep, sizeof(v) + (size_t)n, &p);
	if (r < 0)
		return r;
	v.minor = v.minor < VU_VERSION_MINOR ? v.minor : VU_VERSION_MINOR;
	/* Fault version-minor-high: one above what the client proposed. */
	if (vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_VERSION_MINOR_HIGH) && v.minor < UINT16_MAX)
		v.minor = (uint16_t)(v.minor + 1);
	memcpy(p, &v, sizeof(v));
	memcpy(p + sizeof(v), json, (size_t)n);
	s->negotiated = true;
	return 0;
}

/* ---- commands the server refuses by number ------------------------------------ */

static int vu_srv_version_again(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	return vfsim_reject(RULE_VU_SRV_VERSION_AGAIN, -EINVAL);
}

static int vu_srv_removed(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	return vfsim_reject(RULE_VU_SRV_CMD_REMOVED, -EINVAL);
}

static int vu_srv_wrong_direction(struct vfsim_vu_server *s, struct vu_msg *m,
				  struct vu_srv_reply *rep)
{
	return vfsim_reject(RULE_VU_SRV_CMD_DIRECTION, -EINVAL);
}

/* ---- the dispatch table -------------------------------------------------------- */

#define VU_SRV_FDS_NEGOTIATED UINT_MAX	/* the fd bound is our max_msg_fds */
#define VU_SRV_REFUSE 1u		/* refused by number, before any shape check */

struct vu_srv_cmd {
	uint16_t cmd;
	uint32_t min_size;		/* payload bytes */
	unsigned max_fds;
	vu_srv_handler fn;
	unsigned flags;
};

static const struct vu_srv_cmd vu_srv_cmds[VU_CMD_MAX] = {
	[VU_CMD_VERSION] = { VU_CMD_VERSION, 0, 0, vu_srv_version_again, VU_SRV_REFUSE },
	[VU_CMD_DMA_MAP] = { VU_CMD_DMA_MAP, sizeof(struct vu_dma_map), 1, vu_srv_dma_map, 0 },
	[VU_CMD_DMA_UNMAP] = { VU_CMD_DMA_UNMAP, sizeof(struct vu_dma_unmap), 0, vu_srv_dma_unmap, 0 },
	[VU_CMD_DEVICE_GET_INFO] = { VU_CMD_DEVICE_GET_INFO, sizeof(struct vu_device_info), 0,
				     vu_srv_get_info, 0 },
	[VU_CMD_DEVICE_GET_REGION_INFO] = { VU_CMD_DEVICE_GET_REGION_INFO,
					    sizeof(struct vu_region_info), 0, vu_srv_region_info, 0 },
	[VU_CMD_DEVICE_GET_REGION_IO_FDS] = { VU_CMD_DEVICE_GET_REGION_IO_FDS,
					      sizeof(struct vu_io_fds_req), 0, vu_srv_io_fds, 0 },
	[VU_CMD_DEVICE_GET_IRQ_INFO] = { VU_CMD_DEVICE_GET_IRQ_INFO, sizeof(struct vu_irq_info), 0,
					 vu_srv_irq_info, 0 },
	[VU_CMD_DEVICE_SET_IRQS] = { VU_CMD_DEVICE_SET_IRQS, sizeof(struct vu_irq_set),
				     VU_SRV_FDS_NEGOTIATED, vu_srv_set_irqs, 0 },
	[VU_CMD_REGION_READ] = { VU_CMD_REGION_READ, sizeof(struct vu_region_access), 0,
				 vu_srv_region_read, 0 },
	[VU_CMD_REGION_WRITE] = { VU_CMD_REGION_WRITE, sizeof(struct vu_region_access), 0,
				  vu_srv_region_write, 0 },
	[VU_CMD_DMA_READ] = { VU_CMD_DMA_READ, 0, 0, vu_srv_wrong_direction, VU_SRV_REFUSE },
	[VU_CMD_DMA_WRITE] = { VU_CMD_DMA_WRITE, 0, 0, vu_srv_wrong_direction, VU_SRV_REFUSE },
	[VU_CMD_DEVICE_RESET] = { VU_CMD_DEVICE_RESET, 0, 0, vu_srv_reset, 0 },
	[VU_CMD_DIRTY_PAGES] = { VU_CMD_DIRTY_PAGES, 0, 0, vu_srv_removed, VU_SRV_REFUSE },
	[VU_CMD_REGION_WRITE_MULTI] = { VU_CMD_REGION_WRITE_MULTI, sizeof(struct vu_wr_multi), 0,
					vu_srv_write_multi, 0 },
	[VU_CMD_DEVICE_FEATURE] = { VU_CMD_DEVICE_FEATURE, sizeof(struct vu_feature), 0,
				    vu_srv_feature, 0 },
	[VU_CMD_MIG_DATA_READ] = { VU_CMD_MIG_DATA_READ, sizeof(struct vu_mig_data), 0,
				   vu_srv_mig_read, 0 },
	[VU_CMD_MIG_DATA_WRITE] = { VU_CMD_MIG_DATA_WRITE, sizeof(struct vu_mig_data), 0,
				    vu_srv_mig_write, 0 },
};

/* Run one command; returns 0 or -errno for the error reply. */
static int vu_srv_dispatch(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	const struct vu_srv_cmd *c;
	unsigned max_fds;
	int r;

	/* Fault before-version: a command before VERSION is served with
	 * the default capabilities vfsim_vu_server_attach set for the peer. */
	if (!s->negotiated && m->hdr.cmd != VU_CMD_VERSION &&
	    vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_BEFORE_VERSION))
		goto serve;
	if (!s->negotiated) {
		/* §1.2: VERSION first; a failed negotiation also drops. */
		if (m->hdr.cmd != VU_CMD_VERSION) {
			s->drop = true;
			return vfsim_reject(RULE_VU_SRV_VERSION_FIRST, -EINVAL);
		}
		r = vu_srv_version(s, m, rep);
		if (r < 0)
			s->drop = true;
		return r;
	}
serve:
	if (m->hdr.cmd >= VU_CMD_MAX || !vu_srv_cmds[m->hdr.cmd].fn)
		return vfsim_reject(RULE_VU_SRV_CMD_UNKNOWN, -EINVAL);
	c = &vu_srv_cmds[m->hdr.cmd];
	if (c->flags & VU_SRV_REFUSE)
		return c->fn(s, m, rep);
	/* Fault argsz-short: a GET_REGION_INFO argsz below the 32-byte
	 * struct is taken as 32 (the payload has the 32 bytes: checked here
	 * before anything reads it). */
	if (m->hdr.cmd == VU_CMD_DEVICE_GET_REGION_INFO && m->len >= sizeof(struct vu_region_info) &&
	    vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_ARGSZ_SHORT)) {
		struct vu_region_info ri;

		memcpy(&ri, m->payload, sizeof(ri));
		if (ri.argsz < sizeof(ri)) {
			ri.argsz = sizeof(ri);
			memcpy(m->payload, &ri, sizeof(ri));
		}
	}
	r = vu_check_request(m, &s->own, &s->peer);
	if (r < 0)
		return r;
	/* vu_check_request covers these; the table states them again so
	 * that no handler reads past a payload. */
	max_fds = c->max_fds == VU_SRV_FDS_NEGOTIATED ? s->own.max_msg_fds : c->max_fds;
	if (m->len < c->min_size)
		return vfsim_reject(RULE_VU_SRV_MSG_SHORT, -EINVAL);
	if (m->nfds > max_fds)
		return vfsim_reject(RULE_VU_SRV_MSG_FDS, -EINVAL);
	return c->fn(s, m, rep);
}

/* Handle what vu_conn_recv returned (@rc, @m). Takes over @m. */
static void vu_srv_received(struct vfsim_vu_server *s, int rc, struct vu_msg *m)
{
	struct vu_srv_reply rep;
	uint32_t type = m->hdr.flags & VU_FLAGS_TYPE_MASK;
	int r;

	vfsim_reject_clear();
	vu_srv_reply_init(&rep);
	if (rc == -EMSGSIZE || rc == -EBADMSG) {
		if (rc == -EMSGSIZE)
			r = vfsim_reject(RULE_VU_SRV_MSG_TOO_BIG, s->negotiated ? -E2BIG : -EINVAL);
		else
			r = vfsim_reject(RULE_VU_SRV_MSG_FDS, -EINVAL);
		if (!s->negotiated)
			s->drop = true;
		if (type == VU_FLAGS_TYPE_COMMAND)
			vu_srv_send_reply(s, &m->hdr, NULL, &rep, r);
		goto out;
	}
	r = vu_check_hdr(&m->hdr, UINT32_MAX);
	if (r < 0) {
		/* Before VERSION nothing is trusted; an undefined TYPE (2..15) is
		 * neither a command to answer nor a reply to match: close, as
		 * the digest's TR-14 allows (error or close). */
		bool undefined = type != VU_FLAGS_TYPE_COMMAND && type != VU_FLAGS_TYPE_REPLY;

		if (!s->negotiated || undefined)
			s->drop = true;
		if (type == VU_FLAGS_TYPE_COMMAND)
			vu_srv_send_reply(s, &m->hdr, m, &rep, r);
		goto out;
	}
	if (type != VU_FLAGS_TYPE_COMMAND) {
		/* A reply nobody waits for (e.g. to a DMA request that timed
		 * out): dropped, never answered. */
		vfsim_reject(RULE_VU_SRV_UNEXPECTED_REPLY, -EINVAL);
		goto out;
	}
	r = vu_srv_dispatch(s, m, &rep);
	vu_srv_send_reply(s, &m->hdr, m, &rep, r);
out:
	vu_srv_reply_fini(&rep);
	vu_msg_release(m);
}

/* ---- the queue of commands received during server DMA -------------------------- */

int vu_srv_queue_push(struct vfsim_vu_server *s, int rc, struct vu_msg *m)
{
	struct vu_srv_queue *q = &s->q;
	struct vu_srv_queued *e;

	if (q->len >= VU_SRV_QUEUE_MAX || q->bytes + m->len > VU_SRV_QUEUE_BYTES) {
		vu_msg_release(m);
		s->drop = true;
		return vfsim_reject(RULE_VU_SRV_QUEUE_FULL, -ENOBUFS);
	}
	e = &q->e[(q->head + q->len) % VU_SRV_QUEUE_MAX];
	e->msg = *m;
	e->rc = rc;
	q->len++;
	q->bytes += m->len;
	/* the queue owns payload and fds now */
	m->payload = NULL;
	m->nfds = 0;
	return 0;
}

static bool vu_srv_queue_pop(struct vfsim_vu_server *s, int *ret_rc, struct vu_msg *ret)
{
	struct vu_srv_queue *q = &s->q;

	if (!q->len)
		return false;
	*ret = q->e[q->head].msg;
	*ret_rc = q->e[q->head].rc;
	q->head = (q->head + 1) % VU_SRV_QUEUE_MAX;
	q->len--;
	q->bytes -= ret->len;
	return true;
}

static void vu_srv_queue_clear(struct vfsim_vu_server *s)
{
	struct vu_msg m;
	int rc;

	while (vu_srv_queue_pop(s, &rc, &m))
		vu_msg_release(&m);
	s->q.head = 0;
	s->q.bytes = 0;
}

/* ---- public API ------------------------------------------------------------------ */

/* @cfg (NULL: all defaults) with the defaults filled in and checked, and
 * what we advertise derived from it. */
static int vu_srv_config_apply(struct vfsim_vu_server *s, const struct vfsim_vu_server_config *cfg)
{
	struct vfsim_vu_server_config c = { 0 };

	if (cfg)
		c = *cfg;
	if (!c.max_msg_fds)
		c.max_msg_fds = VU_SRV_DEFAULT_MAX_MSG_FDS;
	if (!c.max_data_xfer_size)
		c.max_data_xfer_size = VU_DEFAULT_MAX_DATA_XFER;
	if (!c.max_dma_maps)
		c.max_dma_maps = VU_DEFAULT_MAX_DMA_MAPS;
	if (!c.pgsizes)
		c.pgsizes = VU_DEFAULT_PGSIZES;
	if (c.dma_timeout_ms <= 0)
		c.dma_timeout_ms = VU_SRV_DEFAULT_DMA_TIMEOUT_MS;
	/* What our receive path can hold, and what a peer may believe. */
	if (c.max_msg_fds > VU_MAX_FDS_PER_MSG || c.max_data_xfer_size > VU_LIMIT_MAX_DATA_XFER ||
	    (c.pgsizes & 4095) ||
	    c.quirks & ~(VFSIM_VU_QUIRK_QEMU_DMA | VFSIM_VU_QUIRK_IOFDS_48 | VFSIM_VU_QUIRK_ERROR_PAYLOAD))
		return vfsim_reject(RULE_VU_SRV_CONFIG, -EINVAL);
	s->cfg = c;
	vu_caps_default(&s->own);
	s->own.max_msg_fds = c.max_msg_fds;
	s->own.max_data_xfer_size = c.max_data_xfer_size;
	s->own.max_dma_maps = c.max_dma_maps;
	s->own.pgsizes = c.pgsizes;
	s->own.twin_socket = c.twin_socket;
	s->own.twin_fd_index = -1;
	s->own.write_multiple = c.write_multiple;
	return 0;
}

int vfsim_vu_server_new(struct vfsim_dev *dev, const struct vfsim_vu_server_config *cfg,
			struct vfsim_vu_server **ret)
{
	struct vfsim_vu_server *s;
	int r;

	vfsim_reject_clear();
	if (!dev || !ret)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->dev = dev;
	r = vu_srv_config_apply(s, cfg);
	if (r < 0) {
		free(s);
		return r;
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		r = -errno;
		free(s);
		return r;
	}
	memset(s->ioev, -1, sizeof(s->ioev));
	*ret = s;
	return 0;
}

int vu_srv_reconfigure(struct vfsim_vu_server *s, const struct vfsim_vu_server_config *cfg)
{
	int r;

	vfsim_reject_clear();
	if (s->conn)
		return -EBUSY;
	r = vu_srv_config_apply(s, cfg);
	if (r < 0)
		return r;
	/* what a server carries from one client to the next */
	s->dma_id = 0;
	s->mig_session = 0;
	s->in_dma = false;
	return 0;
}

void vfsim_vu_server_free(struct vfsim_vu_server *s)
{
	if (!s)
		return;
	vfsim_vu_server_detach(s);
	close(s->epfd);
	free(s);
}

/* Attach over @fd, or with @fd < 0 over the transport @ops (which has no
 * fd to watch: the owner calls process when it has fed bytes). */
static int vu_srv_attach(struct vfsim_vu_server *s, int fd, const struct vu_conn_ops *ops)
{
	int r;

	vfsim_reject_clear();
	if (!s || (fd < 0 && !ops))
		return -EINVAL;
	if (s->conn)
		return -EBUSY;
	/* From here on the fd is ours, also on failure. */
	r = vu_conn_new(fd, VU_SRV_VERSION_MAX_MSG, vu_srv_conn_max_fds(s), ops, &s->conn);
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		return r;
	}
	/* a client that stops reading its replies is dropped, not waited for */
	vu_conn_set_send_timeout(s->conn, s->cfg.dma_timeout_ms);
	vu_conn_set_faults(s->conn, s->cfg.faults);
	/* the model code shared with the uAPI front end deviates too */
	dev_set_faults(s->dev, s->cfg.faults);
	r = fd >= 0 ? vu_srv_watch(s, fd, VU_SRV_EV_CONN) : 0;
	if (r < 0) {
		vu_conn_free(s->conn);
		s->conn = NULL;
		return r;
	}
	r = vu_srv_dma_attach(s);
	if (r < 0) {
		if (fd >= 0)
			vu_srv_unwatch(s, fd);
		vu_conn_free(s->conn);
		s->conn = NULL;
		return r;
	}
	s->negotiated = false;
	s->drop = false;
	s->in_dma = false;
	vu_caps_default(&s->peer);
	return 0;
}

int vfsim_vu_server_attach(struct vfsim_vu_server *s, int fd)
{
	return vu_srv_attach(s, fd, NULL);	/* fd < 0: -EINVAL */
}

int vu_srv_attach_transport(struct vfsim_vu_server *s, const struct vu_conn_ops *ops)
{
	if (!ops)
		return -EINVAL;
	return vu_srv_attach(s, -1, ops);
}

int vfsim_vu_server_fd(const struct vfsim_vu_server *s)
{
	return s && s->conn ? s->epfd : -1;
}

void vfsim_vu_server_detach(struct vfsim_vu_server *s)
{
	if (!s || !s->conn)
		return;
	vu_srv_queue_clear(s);
	vu_srv_dma_detach(s);
	/* §1.2 disconnect: IRQ eventfds closed, DMA logging of the client's
	 * windows ended; registers, config space and migration stay. */
	/* Fault fd-leak: the eventfds the client gave SET_IRQS stay open. */
	if (vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_FD_LEAK))
		irq_forget_fds(s->dev->irq);
	irq_teardown(s->dev->irq);
	if (s->dev->dmalog && dmalog_active(s->dev->dmalog))
		dmalog_stop(s->dev->dmalog);
	/* The eventfds the client received stay open in the client but are
	 * dead ends: ours are closed and the next client gets new ones. */
	vu_srv_ioev_release(s);
	if (s->twin)
		vu_srv_unwatch(s, vu_conn_fd(s->twin));
	s->twin_watched = false;
	vu_conn_free(s->twin);
	s->twin = NULL;
	if (vu_conn_fd(s->conn) >= 0)
		vu_srv_unwatch(s, vu_conn_fd(s->conn));
	vu_conn_free(s->conn);
	s->conn = NULL;
	s->negotiated = false;
	s->drop = false;
}

/* 0: the client stays; 1: it left or was dropped; 2: budget used up. */
static int vu_srv_process(struct vfsim_vu_server *s)
{
	unsigned n;
	int r;

	r = vu_srv_events(s);
	if (r < 0) {
		vfsim_vu_server_detach(s);
		return r;
	}
	for (n = 0; n < VU_SRV_PROCESS_BUDGET; n++) {
		bool was_negotiated = s->negotiated;
		struct vu_msg m;
		int rc;

		if (s->drop)
			break;
		memset(&m, 0, sizeof(m));
		if (vu_srv_queue_pop(s, &rc, &m)) {
			vu_srv_received(s, rc, &m);
			continue;
		}
		rc = vu_conn_recv(s->conn, &m, false, 0);
		if (rc == -EAGAIN)
			return 0;
		if (rc == 0 || rc == -EMSGSIZE || rc == -EBADMSG) {
			vu_srv_received(s, rc, &m);
			/* the negotiated limits apply from the next message on */
			if (!was_negotiated && s->negotiated && s->conn)
				vu_conn_set_limits(s->conn, vu_srv_max_msg(s), vu_srv_conn_max_fds(s));
			continue;
		}
		vu_msg_release(&m);
		if (rc == -ECONNRESET || rc == -EPROTO) {
			if (rc == -EPROTO)
				vfsim_reject(RULE_VU_SRV_FRAMING, -EPROTO);
			vfsim_vu_server_detach(s);
			return 1;
		}
		vfsim_vu_server_detach(s);
		return rc < 0 ? rc : -EIO;
	}
	if (s->drop) {
		vfsim_vu_server_detach(s);
		return 1;
	}
	return 2;
}

int vfsim_vu_server_process(struct vfsim_vu_server *s)
{
	int r;

	vfsim_reject_clear();
	if (!s)
		return -EINVAL;
	if (!s->conn)
		return 1;
	r = vu_srv_process(s);
	return r == 2 ? 0 : r;
}

/* ---- listen ---------------------------------------------------------------------- */

static int vu_srv_bind(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* Replace a stale socket file, never anything else. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		if (unlink(path) < 0)
			return -errno;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* unix_bind creates the file with the socket inode's mode minus the
	 * umask: 0600 from the start, no window with a wider mode. */
	if (fchmod(fd, 0600) < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (chmod(path, 0600) < 0 || listen(fd, 1) < 0) {
		r = -errno;
		close(fd);
		unlink(path);
		return r;
	}
	return fd;
}

/* Serve the attached client until it leaves or *stop. */
static int vu_srv_serve(struct vfsim_vu_server *s, volatile int *stop)
{
	int r = 2;

	while (!*stop) {
		struct pollfd p = { .fd = vfsim_vu_server_fd(s), .events = POLLIN };

		if (r != 2) {
			r = poll(&p, 1, VU_SRV_LISTEN_TICK_MS);
			if (r < 0 && errno != EINTR)
				return -errno;
		}
		r = vu_srv_process(s);
		if (r == 1)
			return 0;
		if (r < 0)
			return 0;	/* a local failure ends this client, not the server */
	}
	return 0;
}

int vfsim_vu_server_listen(struct vfsim_vu_server *s, const char *path, volatile int *stop)
{
	int lfd, r = 0;

	vfsim_reject_clear();
	if (!s || !path || !stop)
		return -EINVAL;
	if (s->conn)
		return -EBUSY;
	lfd = vu_srv_bind(path);
	if (lfd < 0)
		return lfd;
	while (!*stop) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int cfd;

		r = poll(&p, 1, VU_SRV_LISTEN_TICK_MS);
		if (r < 0) {
			r = errno == EINTR ? 0 : -errno;	/* a signal: look at *stop */
			if (r == 0)
				continue;
			break;
		}
		r = 0;
		if (!(p.revents & POLLIN))
			continue;
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;	/* the client gave up between poll and accept */
		if (vfsim_vu_server_attach(s, cfd) < 0)
			continue;	/* attach closed it */
		r = vu_srv_serve(s, stop);
		vfsim_vu_server_detach(s);
		if (r < 0)
			break;
	}
	close(lfd);
	unlink(path);
	return r;
}
