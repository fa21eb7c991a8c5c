/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user client: connecting, VERSION negotiation (§2) including the
 * twin socket (§2.4), and the request/reply engine every command goes
 * through. The engine sends one request at a time with a fresh message ID
 * (so IDs are unique within the in-flight window, §1.4), waits for its reply
 * under a per-request timeout, and meanwhile serves the server->client
 * commands (DMA_READ/DMA_WRITE, §1.5) that arrive on the main socket
 * (told apart by the TYPE bits) or on the twin socket. Every reply passes
 * vu_check_reply before anyone reads it.
 *
 * A transport failure (peer gone, timeout, framing lost, unmatched reply)
 * ends the connection: later calls fail with -ENOTCONN, because a reply
 * still in flight could otherwise be taken for the answer to a new request.
 * A reply that is well framed but wrong fails only its own request.
 *
 * Fault injection (sim/faults.def, WHERE = C): each client fault is one
 * commented deviation at the point where the correct code makes its
 * decision; with a mask of 0 every such branch is dead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"
#include "rules.h"
#include "vu-client.h"

static int64_t vu_cli_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Replies we ask for are bounded by our own requests: region data up to the
 * server's transfer size, info buffers up to VU_CLI_MAX_INFO. Server
 * requests are bounded by our max_data_xfer_size (a DMA_WRITE carries
 * count bytes after its 16-byte header). */
uint32_t vu_cli_max_reply(const struct vfsim_vu_client *c)
{
	uint32_t m = VU_CLI_MAX_INFO;

	if (c->peer.max_data_xfer_size > m)
		m = c->peer.max_data_xfer_size;
	if (c->own.max_data_xfer_size > m)
		m = c->own.max_data_xfer_size;
	return m + 2 * VU_HDR_SIZE;
}

static void vu_cli_break(struct vfsim_vu_client *c, int err)
{
	if (!c->broken)
		c->broken = err;
}

static int vu_cli_conn_err(struct vfsim_vu_client *c, int r)
{
	if (r == -ECONNRESET || r == -EPIPE) {
		vu_cli_break(c, -ECONNRESET);
		/* Keep vu-conn's rule for an EOF inside a message. */
		if (vfsim_last_rule(NULL))
			return -ECONNRESET;
		return vfsim_reject(RULE_VU_CLI_DISCONNECT, -ECONNRESET);
	}
	if (r == -ETIMEDOUT) {
		vu_cli_break(c, r);
		return vfsim_reject(RULE_VU_CLI_TIMEOUT, r);
	}
	vu_cli_break(c, r);
	return r;
}

/* §1.6: a command flagged NO_REPLY gets no reply.
 * Fault client-answers-no-reply: the flag is ignored and every server
 * request is answered. */
bool vu_cli_wants_reply(const struct vfsim_vu_client *c, const struct vu_hdr *h)
{
	if (vfsim_fault_on(c->faults, VFSIM_FAULT_CLIENT_ANSWERS_NO_REPLY))
		return true;
	return !(h->flags & VU_FLAGS_NO_REPLY);
}

/* A server->client command: serve it, keeping the outer call's rule record
 * clean (a refused DMA request is the server's problem, not the caller's). */
static int vu_cli_serve(struct vfsim_vu_client *c, struct vu_conn *conn, struct vu_msg *m, bool in_call)
{
	int r;

	if (c->twin && conn == c->conn) {
		vu_msg_release(m);
		r = vu_cli_wants_reply(c, &m->hdr) ? vu_conn_reply(conn, &m->hdr, EINVAL) : 0;
		c->serve_rule = RULE_VU_CLI_SRV_TWIN_MAIN;
	} else {
		r = vu_cli_dma_serve(c, conn, m);
		c->serve_rule = vfsim_last_rule(NULL);
	}
	c->served++;
	if (in_call)
		vfsim_reject_clear();
	/* Only a failed send of our answer matters to the caller. */
	return r == -ECONNRESET || r == -EPIPE ? r : 0;
}

/* A whole message arrived on the twin socket: only commands belong there. */
static int vu_cli_twin_msg(struct vfsim_vu_client *c, struct vu_msg *m, bool in_call)
{
	if ((m->hdr.flags & VU_FLAGS_TYPE_MASK) == VU_FLAGS_TYPE_REPLY) {
		vu_msg_release(m);
		c->serve_rule = RULE_VU_CLI_SRV_TWIN_REPLY;
		return 0;
	}
	return vu_cli_serve(c, c->twin, m, in_call);
}

/* Receive from @conn without blocking. -EAGAIN when nothing is complete.
 * A drained oversized or fd-laden server request is answered here. */
static int vu_cli_recv(struct vfsim_vu_client *c, struct vu_conn *conn, struct vu_msg *m, bool in_call,
		       bool *ret_cmd_done)
{
	int r;

	memset(m, 0, sizeof(*m));
	*ret_cmd_done = false;
	r = vu_conn_recv(conn, m, false, 0);
	if (r == -EMSGSIZE || r == -EBADMSG) {
		if ((m->hdr.flags & VU_FLAGS_TYPE_MASK) == VU_FLAGS_TYPE_COMMAND) {
			/* Too large means count > our max_data_xfer_size (QEMU: E2BIG). */
			int err = r == -EMSGSIZE ? E2BIG : EINVAL;

			vu_msg_release(m);
			if (vu_cli_wants_reply(c, &m->hdr))
				r = vu_conn_reply(conn, &m->hdr, err);
			else
				r = 0;
			c->serve_rule = err == E2BIG ? RULE_VU_CLI_SRV_TOO_BIG : RULE_VU_CLI_SRV_FDS;
			if (in_call)
				vfsim_reject_clear();
			else
				vfsim_reject(c->serve_rule, -err);
			c->served++;
			*ret_cmd_done = true;
			return r == -ECONNRESET || r == -EPIPE ? r : 0;
		}
		return r;
	}
	return r;
}

/* What this client reads from a successful reply before anything else:
 * the fixed part it copies out, and the fds it may carry (§3). A second
 * line of defence behind vu_check_reply, so no reader runs past a payload. */
static const struct {
	uint32_t min_len;
	unsigned max_fds;
} vu_cli_reply_shape[VU_CMD_MAX] = {
	[VU_CMD_VERSION] = { sizeof(struct vu_version), 1 },
	[VU_CMD_DEVICE_GET_INFO] = { sizeof(struct vu_device_info), 0 },
	[VU_CMD_DEVICE_GET_REGION_INFO] = { sizeof(struct vu_region_info), 1 },
	[VU_CMD_DEVICE_GET_REGION_IO_FDS] = { sizeof(struct vu_io_fds_req), VU_MAX_FDS_PER_MSG },
	[VU_CMD_DEVICE_GET_IRQ_INFO] = { sizeof(struct vu_irq_info), 0 },
	[VU_CMD_REGION_READ] = { sizeof(struct vu_region_access), 0 },
	[VU_CMD_REGION_WRITE] = { sizeof(struct vu_region_access), 0 },
	[VU_CMD_MIG_DATA_READ] = { sizeof(struct vu_mig_data), 0 },
};

/* Does reply @m answer the pending request @req (§1.4: the IDs match)?
 * Fault client-id-unchecked: any reply does. */
static bool vu_cli_id_matches(const struct vfsim_vu_client *c, const struct vu_hdr *req, const struct vu_msg *m)
{
	if (vfsim_fault_on(c->faults, VFSIM_FAULT_CLIENT_ID_UNCHECKED))
		return true;
	return m->hdr.id == req->id;
}

/* Fault client-major-accepted: remember the major the server sent and
 * show the checks ours, so a reply with another major passes §2.2. */
static void vu_cli_fault_major(struct vfsim_vu_client *c, const struct vu_hdr *req, struct vu_msg *m)
{
	struct vu_version v;

	if (req->cmd != VU_CMD_VERSION || m->len < sizeof(v) || (m->hdr.flags & VU_FLAGS_ERROR))
		return;
	memcpy(&v, m->payload, sizeof(v));
	c->seen_major = v.major;
	if (vfsim_fault_on(c->faults, VFSIM_FAULT_CLIENT_MAJOR_ACCEPTED)) {
		v.major = VU_VERSION_MAJOR;
		memcpy(m->payload, &v, sizeof(v));
	}
}

/* Fault client-error-accepted: an ERROR reply with error 0 is taken as
 * success. It carries no payload, so it is given a zeroed fixed part: the
 * deviation must not make the readers run past the message. */
static int vu_cli_fault_error_zero(struct vfsim_vu_client *c, const struct vu_hdr *req, struct vu_msg *m)
{
	uint32_t min = vu_cli_reply_shape[req->cmd].min_len;
	uint8_t *p;

	m->hdr.flags &= ~VU_FLAGS_ERROR;
	if (m->len >= min)
		return 0;
	p = realloc(m->payload, min);
	if (!p)
		return -ENOMEM;
	memset(p + m->len, 0, min - m->len);
	m->payload = p;
	m->len = min;
	m->hdr.size = VU_HDR_SIZE + min;
	return 0;
}

/* A reply for the pending request @req arrived on the main socket. */
static int vu_cli_take_reply(struct vfsim_vu_client *c, const struct vu_hdr *req, const void *payload,
			     uint32_t len, struct vu_msg *m)
{
	struct vu_hdr rq = *req;
	int r;

	if (!vu_cli_id_matches(c, req, m)) {
		vu_msg_release(m);
		vu_cli_break(c, -EPROTO);
		return vfsim_reject(RULE_VU_CLI_REPLY_UNEXPECTED, -EPROTO);
	}
	rq.id = m->hdr.id;	/* equal unless client-id-unchecked */
	vu_cli_fault_major(c, req, m);
	r = vu_check_reply(&rq, payload, len, m, c->quirks & VFSIM_VU_QUIRK_ERROR_PAYLOAD);
	if (r < 0) {
		/* The rule names the defect; the caller sees a bad reply. */
		vu_msg_release(m);
		return r == -EBADMSG ? r : -EPROTO;
	}
	if ((m->hdr.flags & VU_FLAGS_ERROR) && m->hdr.error == 0 &&
	    vfsim_fault_on(c->faults, VFSIM_FAULT_CLIENT_ERROR_ACCEPTED)) {
		r = vu_cli_fault_error_zero(c, req, m);
		if (r < 0) {
			vu_msg_release(m);
			return r;
		}
	}
	if (m->nfds > vu_cli_reply_shape[req->cmd].max_fds) {
		vu_msg_release(m);
		return vfsim_reject(RULE_VU_CLI_REPLY_FDS, -EPROTO);
	}
	if (!(m->hdr.flags & VU_FLAGS_ERROR) && m->len < vu_cli_reply_shape[req->cmd].min_len) {
		vu_msg_release(m);
		return vfsim_reject(RULE_VU_CLI_REPLY_SHORT, -EPROTO);
	}
	if (m->hdr.flags & VU_FLAGS_ERROR) {
		/* libvfio-user's receive side: an errno out of range is EINVAL. */
		int err = m->hdr.error > 0 && m->hdr.error <= 4096 ? (int)m->hdr.error : EINVAL;

		vu_msg_release(m);
		return -err;
	}
	return 0;
}

/* A reply drained by the connection: too large (-EMSGSIZE, no payload) or
 * with more fds than any reply carries (-EBADMSG, fds closed). The stream
 * is still framed, so only the request it answers fails. */
static int vu_cli_bad_reply(struct vfsim_vu_client *c, const struct vu_hdr *req, struct vu_msg *m, int r)
{
	vu_msg_release(m);
	if (!req || !vu_cli_id_matches(c, req, m)) {
		vu_cli_break(c, -EPROTO);
		return vfsim_reject(RULE_VU_CLI_REPLY_UNEXPECTED, -EPROTO);
	}
	return vfsim_reject(r == -EMSGSIZE ? RULE_VU_CLI_REPLY_TOO_BIG : RULE_VU_CLI_REPLY_FDS, -EPROTO);
}

/* Handle one complete message from the main socket while @req is pending
 * (NULL: none). Returns 1 when it was the reply (in @ret), 0 when it was a
 * served request, else -errno. */
static int vu_cli_main_msg(struct vfsim_vu_client *c, const struct vu_hdr *req, const void *payload,
			   uint32_t len, struct vu_msg *m, bool in_call)
{
	int r;

	if ((m->hdr.flags & VU_FLAGS_TYPE_MASK) == VU_FLAGS_TYPE_REPLY) {
		if (!req) {
			vu_msg_release(m);
			vu_cli_break(c, -EPROTO);
			return vfsim_reject(RULE_VU_CLI_REPLY_UNEXPECTED, -EPROTO);
		}
		r = vu_cli_take_reply(c, req, payload, len, m);
		return r < 0 ? r : 1;
	}
	if ((m->hdr.flags & VU_FLAGS_TYPE_MASK) != VU_FLAGS_TYPE_COMMAND) {
		/* Neither type (§1.3): whatever it was, a pending request can no
		 * longer be paired with certainty. */
		vu_msg_release(m);
		vu_cli_break(c, -EPROTO);
		return vfsim_reject(RULE_VU_CLI_MSG_TYPE, -EPROTO);
	}
	return vu_cli_serve(c, c->conn, m, in_call);
}

/* Wait for the reply to @req, serving server requests; -ETIMEDOUT after
 * the per-request timeout. */
static int vu_cli_wait(struct vfsim_vu_client *c, const struct vu_hdr *req, const void *payload, uint32_t len,
		       struct vu_msg *ret)
{
	int64_t deadline = vu_cli_now_ms() + c->timeout_ms;

	for (;;) {
		struct pollfd pfd[2];
		struct vu_msg m;
		bool done;
		int r, n = 0;
		int left = (int)(deadline - vu_cli_now_ms());

		/* The deadline holds even against a server that keeps sending
		 * DMA requests instead of the reply. */
		if (left <= 0)
			return vu_cli_conn_err(c, -ETIMEDOUT);
		/* Drain what is complete first: the connection may hold a
		 * whole message in its buffer without the fd being readable. */
		r = vu_cli_recv(c, c->conn, &m, true, &done);
		if (r == 0 && !done) {
			r = vu_cli_main_msg(c, req, payload, len, &m, true);
			if (r == 1) {
				*ret = m;
				return 0;
			}
			if (r < 0)
				return r == -ECONNRESET || r == -EPIPE ? vu_cli_conn_err(c, r) : r;
			continue;
		}
		if (r == 0)
			continue;
		if (r == -EMSGSIZE || r == -EBADMSG)
			return vu_cli_bad_reply(c, req, &m, r);
		if (r != -EAGAIN)
			return vu_cli_conn_err(c, r);
		if (c->twin) {
			r = vu_cli_recv(c, c->twin, &m, true, &done);
			if (r == 0 && !done) {
				r = vu_cli_twin_msg(c, &m, true);
				if (r < 0)
					return vu_cli_conn_err(c, r);
				continue;
			}
			if (r == 0)
				continue;
			if (r != -EAGAIN)
				return vu_cli_conn_err(c, r);
		}

		left = (int)(deadline - vu_cli_now_ms());
		if (left <= 0)
			left = 0;
		pfd[n++] = (struct pollfd){ .fd = vu_conn_fd(c->conn), .events = POLLIN };
		if (c->twin)
			pfd[n++] = (struct pollfd){ .fd = vu_conn_fd(c->twin), .events = POLLIN };
		r = poll(pfd, n, left);
		if (r < 0 && errno != EINTR)
			return vu_cli_conn_err(c, -errno);
	}
}

int vu_cli_call(struct vfsim_vu_client *c, uint16_t cmd, const void *req_payload, uint32_t req_len,
		const int *fds, unsigned nfds, struct vu_msg *ret)
{
	return vu_cli_call_flags(c, cmd, 0, req_payload, req_len, fds, nfds, ret);
}

int vu_cli_call_flags(struct vfsim_vu_client *c, uint16_t cmd, uint32_t flags, const void *req_payload,
		      uint32_t req_len, const int *fds, unsigned nfds, struct vu_msg *ret)
{
	struct vu_hdr h = {
		.id = c->next_id++,
		.cmd = cmd,
		.flags = VU_FLAGS_TYPE_COMMAND | flags,
	};
	int r;

	memset(ret, 0, sizeof(*ret));
	if (c->broken)
		return vfsim_reject(RULE_VU_CLI_BROKEN, -ENOTCONN);
	r = vu_conn_send(c->conn, &h, req_payload, req_len, fds, nfds);
	if (r < 0)
		return vu_cli_conn_err(c, r);
	return vu_cli_wait(c, &h, req_payload, req_len, ret);
}

int vu_cli_call_noreply(struct vfsim_vu_client *c, uint16_t cmd, const void *req_payload, uint32_t req_len,
			const int *fds, unsigned nfds)
{
	struct vu_msg m;
	int r = vu_cli_call(c, cmd, req_payload, req_len, fds, nfds, &m);

	if (r == 0)
		vu_msg_release(&m);
	return r;
}

/* ---- VERSION (§2) ---------------------------------------------------------- */

/* The server's limits, as far as this client can honour them. */
static int vu_cli_check_peer(const struct vu_caps *p)
{
	if (p->max_data_xfer_size == 0 || p->max_data_xfer_size > VU_LIMIT_MAX_DATA_XFER ||
	    p->max_msg_fds > VU_LIMIT_MAX_MSG_FDS)
		return vfsim_reject(RULE_VU_CLI_PEER_LIMITS, -EPROTO);
	return 0;
}

/* Twin socket (§2.4): on only when offered, said supported, and fd_index
 * names a received fd that is a stream socket; inconsistent -> close. */
static int vu_cli_twin(struct vfsim_vu_client *c, struct vu_msg *m)
{
	struct stat st;
	int type, r;
	socklen_t tl = sizeof(type);
	int fd;

	if (!c->peer.twin_socket) {
		if (m->nfds)
			return vfsim_reject(RULE_VU_CLI_TWIN_UNOFFERED, -EPROTO);
		return 0;
	}
	if (!c->own.twin_socket)
		return vfsim_reject(RULE_VU_CLI_TWIN_UNOFFERED, -EPROTO);
	if (c->peer.twin_fd_index < 0 || (unsigned)c->peer.twin_fd_index >= m->nfds)
		return vfsim_reject(RULE_VU_CLI_TWIN_INCONSISTENT, -EPROTO);
	if (m->nfds != 1)
		return vfsim_reject(RULE_VU_CLI_REPLY_FDS, -EPROTO);
	fd = m->fds[c->peer.twin_fd_index];
	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode) ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 || type != SOCK_STREAM)
		return vfsim_reject(RULE_VU_CLI_TWIN_NOT_SOCKET, -EPROTO);
	r = vu_conn_new(fd, VU_HDR_SIZE + 16 + c->own.max_data_xfer_size, VU_MAX_FDS_PER_MSG, NULL, &c->twin);
	if (r < 0)
		return r;
	vu_conn_set_send_timeout(c->twin, c->timeout_ms);
	m->fds[c->peer.twin_fd_index] = -1;
	return 0;
}

static int vu_cli_version(struct vfsim_vu_client *c)
{
	struct {
		struct vu_version v;
		char json[VU_CLI_MAX_JSON];
	} req;
	struct vu_version v;
	struct vu_msg m;
	int r;

	req.v.major = VU_VERSION_MAJOR;
	req.v.minor = VU_VERSION_MINOR;
	r = vu_caps_emit(&c->own, req.json, sizeof(req.json));
	if (r < 0)
		return r;
	r = vu_cli_call(c, VU_CMD_VERSION, &req, sizeof(req.v) + strlen(req.json) + 1, NULL, 0, &m);
	if (r < 0)
		return r;
	memcpy(&v, m.payload, sizeof(v));
	if (v.major != VU_VERSION_MAJOR)
		r = vfsim_reject(RULE_VU_CLI_VERSION_MAJOR, -EPROTO);
	else if (v.minor > VU_VERSION_MINOR)
		r = vfsim_reject(RULE_VU_CLI_VERSION_MINOR, -EPROTO);
	else if (m.len == sizeof(v))
		vu_caps_default(&c->peer);	/* no JSON is legal (§2.1) */
	else if (vu_caps_parse((const char *)m.payload + sizeof(v), m.len - sizeof(v), &c->peer) < 0)
		r = -EPROTO;
	if (r >= 0)
		r = vu_cli_check_peer(&c->peer);
	if (r >= 0)
		r = vu_cli_twin(c, &m);
	if (r >= 0) {
		c->info = (struct vfsim_vu_server_info){
			.major = c->seen_major,	/* v.major unless client-major-accepted */
			.minor = v.minor,
			.max_msg_fds = c->peer.max_msg_fds,
			.max_data_xfer_size = c->peer.max_data_xfer_size,
			.max_dma_maps = c->peer.max_dma_maps,
			.pgsizes = c->peer.pgsizes,
			.twin_socket = c->twin != NULL,
			.write_multiple = c->peer.write_multiple,
		};
		vu_conn_set_limits(c->conn, vu_cli_max_reply(c), VU_MAX_FDS_PER_MSG);
	}
	vu_msg_release(&m);
	return r < 0 ? r : 0;
}

/* ---- lifetime --------------------------------------------------------------- */

int vfsim_vu_client_attach(int fd, const struct vfsim_vu_client_config *cfg, struct vfsim_vu_client **ret)
{
	struct vfsim_vu_client *c;
	int r;

	vfsim_reject_clear();
	*ret = NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	vu_caps_default(&c->own);
	c->own.max_msg_fds = cfg && cfg->max_msg_fds ? cfg->max_msg_fds : VU_CLI_DEFAULT_MAX_MSG_FDS;
	if (c->own.max_msg_fds > VU_MAX_FDS_PER_MSG)
		c->own.max_msg_fds = VU_MAX_FDS_PER_MSG;	/* what our receive path holds */
	c->own.max_data_xfer_size = cfg && cfg->max_data_xfer_size ? cfg->max_data_xfer_size
								    : VU_DEFAULT_MAX_DATA_XFER;
	if (c->own.max_data_xfer_size > VU_LIMIT_MAX_DATA_XFER)
		c->own.max_data_xfer_size = VU_LIMIT_MAX_DATA_XFER;
	c->own.twin_socket = cfg && cfg->twin_socket;
	c->own.twin_fd_index = -1;
	c->own.write_multiple = false;	/* this client never sends REGION_WRITE_MULTI */
	c->timeout_ms = cfg && cfg->timeout_ms > 0 ? cfg->timeout_ms : VU_CLI_DEFAULT_TIMEOUT_MS;
	c->quirks = cfg ? cfg->quirks : 0;
	c->faults = cfg ? cfg->faults : 0;
	c->next_id = 1;
	vu_caps_default(&c->peer);

	/* Until VERSION: a reply holds a few KiB of JSON and at most the twin fd. */
	r = vu_conn_new(fd, VU_HDR_SIZE + VU_CLI_MAX_INFO, VU_MAX_FDS_PER_MSG, NULL, &c->conn);
	if (r < 0) {
		close(fd);
		free(c);
		return r;
	}
	vu_conn_set_send_timeout(c->conn, c->timeout_ms);	/* a server that stops reading */
	r = vu_cli_version(c);
	if (r < 0) {
		vfsim_vu_client_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

int vfsim_vu_client_connect(const char *path, const struct vfsim_vu_client_config *cfg,
			    struct vfsim_vu_client **ret)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	vfsim_reject_clear();
	*ret = NULL;
	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return vfsim_reject(RULE_VU_CLI_PATH_LEN, -ENAMETOOLONG);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return vfsim_vu_client_attach(fd, cfg, ret);
}

void vfsim_vu_client_free(struct vfsim_vu_client *c)
{
	if (!c)
		return;
	vu_cli_dma_free_all(c);
	free(c->wins);
	vu_conn_free(c->twin);
	vu_conn_free(c->conn);
	free(c);
}

const struct vfsim_vu_server_info *vfsim_vu_client_server_info(const struct vfsim_vu_client *c)
{
	return &c->info;
}

int vfsim_vu_client_fd(const struct vfsim_vu_client *c)
{
	return c->twin ? vu_conn_fd(c->twin) : vu_conn_fd(c->conn);
}

/* Serve what is ready on one socket, at most VU_CLI_MAX_SERVE messages. */
static int vu_cli_process_one(struct vfsim_vu_client *c, struct vu_conn *conn, unsigned *budget)
{
	while (*budget) {
		struct vu_msg m;
		bool done;
		int r = vu_cli_recv(c, conn, &m, false, &done);

		if (r == -EAGAIN)
			return 0;
		if ((r == -EMSGSIZE || r == -EBADMSG) && conn == c->conn)
			return vu_cli_bad_reply(c, NULL, &m, r);
		if (r < 0)
			return vu_cli_conn_err(c, r);
		(*budget)--;
		if (done)
			continue;
		if (conn == c->twin)
			r = vu_cli_twin_msg(c, &m, false);
		else
			r = vu_cli_main_msg(c, NULL, NULL, 0, &m, false);
		if (r < 0)
			return r == -ECONNRESET || r == -EPIPE ? vu_cli_conn_err(c, r) : r;
	}
	return 0;
}

int vfsim_vu_client_process(struct vfsim_vu_client *c)
{
	unsigned budget = VU_CLI_MAX_SERVE, before = c->served;
	int r;

	vfsim_reject_clear();
	if (c->broken)
		return vfsim_reject(RULE_VU_CLI_BROKEN, -ENOTCONN);
	r = vu_cli_process_one(c, c->conn, &budget);
	if (r >= 0 && c->twin)
		r = vu_cli_process_one(c, c->twin, &budget);
	return r < 0 ? r : (int)(c->served - before);
}
