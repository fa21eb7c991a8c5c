/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One vfio-user stream connection (vfio-user.md §1.1, §1.3): framing of
 * messages over an AF_UNIX SOCK_STREAM socket, fds as SCM_RIGHTS.
 *
 * Receiving is a small state machine (conn_phases[]): the header phase reads
 * exactly the 16 header bytes, the payload phase exactly msg_size - 16 more,
 * and the drain phase consumes a refused message through a fixed scratch
 * buffer. Reading never crosses a message boundary, so the fds of the next
 * message (which the kernel hands out with the first byte they were sent
 * with) can never be attributed to this one. Every read is MSG_DONTWAIT;
 * a blocking caller waits in poll() with its own deadline, so a partial
 * message survives -EAGAIN and -ETIMEDOUT and a peer may trickle bytes.
 *
 * Transport ops return a byte count or -errno (never -1 with errno): the
 * default pair wraps recvmsg(2)/sendmsg(2) on the fd.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/uio.h>

#include "vu-conn.h"
#include "fault.h"
#include "rules.h"

/* Drain buffer: a refused message is consumed in pieces of this size, so a
 * peer's msg_size never sizes an allocation. */
#define VU_CONN_SCRATCH 4096u
/* One receive can hold every fd a message may legally carry; more sets
 * MSG_CTRUNC in the kernel (scm_detach_fds), which is a protocol error. */
#define VU_CONN_CMSG_SPACE CMSG_SPACE(sizeof(int) * VU_MAX_FDS_PER_MSG)

enum vu_conn_phase {
	VU_CONN_PHASE_HDR,	/* reading the 16-byte header */
	VU_CONN_PHASE_PAYLOAD,	/* reading msg_size - 16 bytes into payload */
	VU_CONN_PHASE_DRAIN,	/* consuming a refused message through scratch */
	VU_CONN_PHASE_BROKEN,	/* framing lost: every receive repeats broken_err */
	VU_CONN_PHASE__COUNT
};

struct vu_conn {
	int fd;
	uint32_t max_size;
	unsigned max_fds;
	struct vu_conn_ops ops;

	/* receive state, kept across calls */
	enum vu_conn_phase phase;
	union {
		struct vu_hdr hdr;
		uint8_t bytes[VU_HDR_SIZE];
	} hdr;
	uint32_t done;		/* bytes of the current phase received */
	uint32_t want;		/* bytes the current phase needs */
	uint8_t *payload;	/* msg_size - 16 bytes, NULL when empty or draining */
	int fds[VU_MAX_FDS_PER_MSG];
	unsigned nfds;
	bool fds_overflow;	/* fds arrived beyond fds[]: closed, message refused */
	int result;		/* of a completed message: 0, -EMSGSIZE, -EBADMSG, -ENOMEM */
	int broken_err;
	int send_err;		/* a send failed mid-message: the peer's framing is lost */
	int send_timeout_ms;	/* -1: a send may wait for room for ever */
	uint64_t faults;	/* vu_conn_set_faults (sim/fault.h) */
	uint8_t scratch[VU_CONN_SCRATCH];
};

static ssize_t conn_sys_recvmsg(void *opaque, struct msghdr *msg, int flags)
{
	const struct vu_conn *c = opaque;
	ssize_t r = recvmsg(c->fd, msg, flags);

	return r < 0 ? -errno : r;
}

static ssize_t conn_sys_sendmsg(void *opaque, const struct msghdr *msg, int flags)
{
	const struct vu_conn *c = opaque;
	ssize_t r = sendmsg(c->fd, msg, flags);

	return r < 0 ? -errno : r;
}

static void conn_close_fds(struct vu_conn *c)
{
	unsigned i;

	for (i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	c->nfds = 0;
}

/* Back to the start of a message; what the partial one owned is released. */
static void conn_reset(struct vu_conn *c)
{
	conn_close_fds(c);
	free(c->payload);
	c->payload = NULL;
	c->fds_overflow = false;
	c->phase = VU_CONN_PHASE_HDR;
	c->done = 0;
	c->want = VU_HDR_SIZE;
	c->result = 0;
}

/* The stream cannot be framed any more: release, and repeat @err. */
static void conn_break(struct vu_conn *c, int err)
{
	conn_reset(c);
	c->phase = VU_CONN_PHASE_BROKEN;
	c->broken_err = err;
}

/*
 * Collect the fds of every SCM_RIGHTS in @mh into the message (@keep), or
 * close them (a drained message, a truncated receive). Counts are bounded
 * by the control buffer, whatever cmsg_len a transport claims.
 */
static void conn_take_fds(struct vu_conn *c, struct msghdr *mh, bool keep)
{
	const uint8_t *end = (const uint8_t *)mh->msg_control + mh->msg_controllen;
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		const uint8_t *data = CMSG_DATA(cm);
		size_t n, i;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
		    cm->cmsg_len < CMSG_LEN(0) || data > end)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (n > (size_t)(end - data) / sizeof(int))
			n = (size_t)(end - data) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, data + i * sizeof(int), sizeof(fd));
			if (fd < 0)
				continue;
			if (keep && c->nfds < VU_MAX_FDS_PER_MSG) {
				c->fds[c->nfds++] = fd;
				continue;
			}
			if (keep)
				c->fds_overflow = true;
			close(fd);
		}
	}
}

/* One read of at most @len bytes with room for VU_MAX_FDS_PER_MSG fds.
 * Returns the count (0 = EOF) or -errno; EINTR is retried. */
static ssize_t conn_read(struct vu_conn *c, void *buf, size_t len, bool keep_fds)
{
	union {
		struct cmsghdr align;
		uint8_t buf[VU_CONN_CMSG_SPACE];
	} ctrl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh;
	ssize_t r;

	do {
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctrl.buf;
		mh.msg_controllen = sizeof(ctrl.buf);
		r = c->ops.recvmsg(c->ops.opaque, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	} while (r == -EINTR);
	if (r < 0)
		return r;
	if (mh.msg_controllen > sizeof(ctrl.buf))
		mh.msg_controllen = sizeof(ctrl.buf);
	if (mh.msg_flags & MSG_CTRUNC) {
		/* Some fds were lost: the message is unusable and so is the
		 * stream (which fds belonged where is unknown). */
		conn_take_fds(c, &mh, false);
		conn_break(c, -EPROTO);
		return vfsim_reject(RULE_VU_CONN_CTRUNC, -EPROTO);
	}
	conn_take_fds(c, &mh, keep_fds);
	if ((size_t)r > len)
		return -EIO;	/* a transport claiming more than it was given room for */
	return r;
}

/* ---- the phases ------------------------------------------------------- */

static uint8_t *conn_hdr_buf(struct vu_conn *c, size_t *ret_len)
{
	*ret_len = VU_HDR_SIZE - c->done;
	return c->hdr.bytes + c->done;
}

static uint8_t *conn_payload_buf(struct vu_conn *c, size_t *ret_len)
{
	*ret_len = c->want - c->done;
	return c->payload + c->done;
}

static uint8_t *conn_drain_buf(struct vu_conn *c, size_t *ret_len)
{
	uint32_t left = c->want - c->done;

	*ret_len = left < sizeof(c->scratch) ? left : sizeof(c->scratch);
	return c->scratch;
}

/* The whole message is in: refuse it when it brought more fds than the
 * receiver accepts (vfio-user.md §1.1 max_msg_fds); header and payload stay
 * so the caller can send an error reply. */
static int conn_payload_done(struct vu_conn *c)
{
	if (c->fds_overflow || c->nfds > c->max_fds) {
		conn_close_fds(c);
		c->result = vfsim_reject(RULE_VU_CONN_FDS_LIMIT, -EBADMSG);
	}
	return 1;
}

/* Drain @c's current message through scratch, then report @err. */
static int conn_start_drain(struct vu_conn *c, int err)
{
	conn_close_fds(c);
	c->phase = VU_CONN_PHASE_DRAIN;
	c->done = 0;
	c->want = c->hdr.hdr.size - VU_HDR_SIZE;
	c->result = err;
	return 0;
}

static int conn_hdr_done(struct vu_conn *c)
{
	uint32_t size = c->hdr.hdr.size;

	/* msg_size counts the header (§1.3): less cannot be skipped. */
	if (size < VU_HDR_SIZE) {
		conn_break(c, -EPROTO);
		return vfsim_reject(RULE_VU_CONN_SIZE_SMALL, -EPROTO);
	}
	if (size > c->max_size) {
		/* Fault rejected-body-exec: the refused message ends with its
		 * header; what the peer sent as its body is framed next. */
		if (vfsim_fault_on(c->faults, VFSIM_FAULT_REJECTED_BODY_EXEC)) {
			conn_close_fds(c);
			c->result = vfsim_reject(RULE_VU_CONN_SIZE_LIMIT, -EMSGSIZE);
			return 1;
		}
		return conn_start_drain(c, -EMSGSIZE);
	}
	if (size == VU_HDR_SIZE)
		return conn_payload_done(c);
	c->payload = malloc(size - VU_HDR_SIZE);
	if (!c->payload)
		return conn_start_drain(c, -ENOMEM);
	c->phase = VU_CONN_PHASE_PAYLOAD;
	c->done = 0;
	c->want = size - VU_HDR_SIZE;
	return 0;
}

static int conn_drain_done(struct vu_conn *c)
{
	if (c->result == -EMSGSIZE)
		vfsim_reject(RULE_VU_CONN_SIZE_LIMIT, -EMSGSIZE);
	return 1;
}

/* Per phase: where the next bytes go, whether fds arriving with them belong
 * to the message, and what happens when the phase has all its bytes
 * (0: next phase entered, 1: message complete with c->result, <0: error). */
static const struct {
	uint8_t *(*buf)(struct vu_conn *c, size_t *ret_len);
	bool keep_fds;
	int (*done)(struct vu_conn *c);
} conn_phases[VU_CONN_PHASE__COUNT] = {
	[VU_CONN_PHASE_HDR] = { conn_hdr_buf, true, conn_hdr_done },
	[VU_CONN_PHASE_PAYLOAD] = { conn_payload_buf, true, conn_payload_done },
	[VU_CONN_PHASE_DRAIN] = { conn_drain_buf, false, conn_drain_done },
	[VU_CONN_PHASE_BROKEN] = { NULL, false, NULL },
};

/* One read. 0: progress, 1: a message is complete, -EAGAIN: nothing to
 * read, other <0: the error to return. */
static int conn_step(struct vu_conn *c)
{
	size_t len;
	uint8_t *buf;
	ssize_t r;

	if (c->phase >= VU_CONN_PHASE_BROKEN)
		return vfsim_reject(RULE_VU_CONN_BROKEN, c->broken_err);
	buf = conn_phases[c->phase].buf(c, &len);
	r = len ? conn_read(c, buf, len, conn_phases[c->phase].keep_fds) : 0;
	if (r == -EAGAIN || c->phase == VU_CONN_PHASE_BROKEN)
		return (int)r;	/* nothing yet, or conn_read broke the stream */
	if (r < 0 || (r == 0 && len)) {
		bool boundary = c->phase == VU_CONN_PHASE_HDR && c->done == 0 && c->nfds == 0;

		if (r == 0)
			r = -ECONNRESET;
		if (boundary)
			return r;	/* closed (or failed) between messages */
		/* Bytes of this message were consumed: it cannot be resumed. */
		conn_break(c, r);
		return r == -ECONNRESET ? vfsim_reject(RULE_VU_CONN_EOF_MID_MSG, -ECONNRESET) : (int)r;
	}
	c->done += r;
	if (c->done < c->want)
		return 0;
	return conn_phases[c->phase].done(c);
}

/* Wait for @events on @fd until @deadline (NULL: forever). A transport
 * without an fd cannot be waited for: its -EAGAIN is the caller's. */
static int conn_wait(int fd, short events, const struct timespec *deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int timeout = -1;
	int r;

	if (fd < 0)
		return -EAGAIN;
	if (deadline) {
		struct timespec now;
		int64_t ms;

		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (int64_t)(deadline->tv_sec - now.tv_sec) * 1000 +
		     (deadline->tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0)
			return -ETIMEDOUT;
		timeout = ms > INT32_MAX ? INT32_MAX : (int)ms;
	}
	r = poll(&p, 1, timeout);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r == 0)
		return -ETIMEDOUT;
	if (p.revents & POLLNVAL)
		return -EBADF;
	return 0;	/* readable, writable, or HUP/ERR: the next call reports it */
}

/* Hand the completed message to @ret and start the next one. */
static void conn_take_msg(struct vu_conn *c, struct vu_msg *ret)
{
	ret->hdr = c->hdr.hdr;
	ret->payload = c->payload;
	ret->len = c->payload ? c->hdr.hdr.size - VU_HDR_SIZE : 0;
	memcpy(ret->fds, c->fds, c->nfds * sizeof(c->fds[0]));
	ret->nfds = c->nfds;
	c->payload = NULL;
	c->nfds = 0;
	conn_reset(c);
}

static void conn_msg_init(struct vu_msg *m)
{
	unsigned i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < VU_MAX_FDS_PER_MSG; i++)
		m->fds[i] = -1;
}

/* ---- API ---------------------------------------------------------------- */

int vu_conn_new(int fd, uint32_t max_size, unsigned max_fds, const struct vu_conn_ops *ops,
		struct vu_conn **ret)
{
	struct vu_conn *c;

	/* On failure @fd stays the caller's. */
	if (max_size < VU_HDR_SIZE)
		return vfsim_reject(RULE_VU_CONN_LIMITS, -EINVAL);
	if (fd < 0 && !ops)
		return vfsim_reject(RULE_VU_CONN_LIMITS, -EBADF);
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->fd = fd;
	c->send_timeout_ms = -1;
	if (ops)
		c->ops = *ops;
	else
		c->ops = (struct vu_conn_ops){ conn_sys_recvmsg, conn_sys_sendmsg, c };
	vu_conn_set_limits(c, max_size, max_fds);
	conn_reset(c);
	*ret = c;
	return 0;
}

void vu_conn_free(struct vu_conn *c)
{
	if (!c)
		return;
	conn_reset(c);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

int vu_conn_fd(const struct vu_conn *c)
{
	return c->fd;
}

/* A limit beyond what one receive can hold is clamped: max_size below the
 * header to the header, max_fds to VU_MAX_FDS_PER_MSG. */
void vu_conn_set_limits(struct vu_conn *c, uint32_t max_size, unsigned max_fds)
{
	c->max_size = max_size < VU_HDR_SIZE ? VU_HDR_SIZE : max_size;
	c->max_fds = max_fds > VU_MAX_FDS_PER_MSG ? VU_MAX_FDS_PER_MSG : max_fds;
}

int vu_conn_recv(struct vu_conn *c, struct vu_msg *ret, bool block, int timeout_ms)
{
	struct timespec deadline;
	int r;

	conn_msg_init(ret);
	if (block && timeout_ms >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += timeout_ms / 1000;
		deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
	}
	/* Each step consumes bytes of a message of at most 4 GiB or waits. */
	for (;;) {
		r = conn_step(c);
		if (r == 0)
			continue;
		if (r != -EAGAIN)
			break;
		if (!block)
			return -EAGAIN;
		r = conn_wait(c->fd, POLLIN, timeout_ms >= 0 ? &deadline : NULL);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	r = c->result;
	conn_take_msg(c, ret);
	return r;
}

int vu_conn_send(struct vu_conn *c, struct vu_hdr *h, const void *payload, size_t len,
		 const int *fds, unsigned nfds)
{
	union {
		struct cmsghdr align;
		uint8_t buf[VU_CONN_CMSG_SPACE];
	} ctrl;
	size_t total, sent = 0;
	struct timespec deadline;

	if (len > UINT32_MAX - VU_HDR_SIZE)
		return vfsim_reject(RULE_VU_CONN_SEND_SIZE, -EMSGSIZE);
	if (nfds > VU_MAX_FDS_PER_MSG)
		return vfsim_reject(RULE_VU_CONN_SEND_FDS, -EINVAL);
	if (c->send_err)
		return c->send_err;
	h->size = VU_HDR_SIZE + (uint32_t)len;
	total = h->size;
	/* Fault size-no-header: the header is still sent, but msg_size
	 * leaves it out, so the peer's framing slips by 16 bytes. */
	if (vfsim_fault_on(c->faults, VFSIM_FAULT_SIZE_NO_HEADER))
		h->size = (uint32_t)len;
	if (c->send_timeout_ms >= 0) {
		/* A peer that stops reading must not hold us for ever: never
		 * block in sendmsg, wait for room in poll against a deadline. */
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += c->send_timeout_ms / 1000;
		deadline.tv_nsec += (long)(c->send_timeout_ms % 1000) * 1000000;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
	}

	/* Every iteration sends bytes or waits for room; the fds go with the
	 * first bytes that leave (§1.1), i.e. until sent > 0. */
	while (sent < total) {
		struct iovec iov[2];
		struct msghdr mh = { .msg_iov = iov };
		ssize_t r;

		if (sent < VU_HDR_SIZE) {
			iov[0] = (struct iovec){ (uint8_t *)h + sent, VU_HDR_SIZE - sent };
			iov[1] = (struct iovec){ (void *)(uintptr_t)payload, len };
			mh.msg_iovlen = len ? 2 : 1;
		} else {
			iov[0] = (struct iovec){ (uint8_t *)(uintptr_t)payload + (sent - VU_HDR_SIZE),
						 total - sent };
			mh.msg_iovlen = 1;
		}
		if (sent == 0 && nfds) {
			struct cmsghdr *cm;

			memset(&ctrl, 0, sizeof(ctrl));
			mh.msg_control = ctrl.buf;
			mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
			cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
			memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
		}
		r = c->ops.sendmsg(c->ops.opaque, &mh,
				   MSG_NOSIGNAL | (c->send_timeout_ms >= 0 ? MSG_DONTWAIT : 0));
		if (r == -EINTR)
			continue;
		if (r == -EAGAIN)	/* 0: room now */
			r = conn_wait(c->fd, POLLOUT, c->send_timeout_ms >= 0 ? &deadline : NULL);
		else if (r == 0 || (r > 0 && (size_t)r > total - sent))
			r = -EIO;	/* a transport that neither sends nor fails */
		if (r < 0) {
			/* Half a message on the wire: nothing after it can be
			 * framed by the peer, so every later send fails too. */
			if (sent)
				c->send_err = (int)r;
			return (int)r;
		}
		sent += r;
	}
	return 0;
}

int vu_conn_reply(struct vu_conn *c, const struct vu_hdr *req, int err)
{
	/* The wire carries a positive errno (§1.7); accept either sign. */
	uint32_t e = err < 0 ? -(uint32_t)err : (uint32_t)err;
	struct vu_hdr h = {
		.id = req->id,
		.cmd = req->cmd,
		.flags = VU_FLAGS_TYPE_REPLY | (e ? VU_FLAGS_ERROR : 0),
		.error = e,
	};

	return vu_conn_send(c, &h, NULL, 0, NULL, 0);
}

void vu_msg_release(struct vu_msg *m)
{
	unsigned i;

	if (!m)
		return;
	for (i = 0; i < m->nfds && i < VU_MAX_FDS_PER_MSG; i++) {
		if (m->fds[i] >= 0)
			close(m->fds[i]);
		m->fds[i] = -1;
	}
	m->nfds = 0;
	free(m->payload);
	m->payload = NULL;
	m->len = 0;
}

void vu_conn_set_faults(struct vu_conn *c, uint64_t faults)
{
	c->faults = faults;
}

void vu_conn_set_send_timeout(struct vu_conn *c, int ms)
{
	c->send_timeout_ms = ms < 0 ? -1 : ms;
}
