/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One vfio-user stream connection: message framing over an AF_UNIX
 * SOCK_STREAM socket with SCM_RIGHTS fds (§1.1, §1.3), shared by the server
 * and the client. Transport behind an ops table (the default does
 * recvmsg/sendmsg on the fd) so tests and fuzzers can inject bytes.
 *
 * Receiving never desynchronises and never allocates what a peer claims:
 * a message larger than the receiver's limit is drained (exactly msg_size
 * bytes consumed through a fixed scratch buffer, its fds closed) and
 * reported as -EMSGSIZE with its header, so the caller can send an error
 * reply; msg_size < 16 cannot be resynchronised and is -EPROTO (close).
 * Partial reads are kept across calls, so a non-blocking caller can feed
 * the connection byte by byte.
 */
#ifndef VFSIM_VU_CONN_H
#define VFSIM_VU_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "vu-wire.h"

struct vu_conn;

struct vu_conn_ops {
	ssize_t (*recvmsg)(void *opaque, struct msghdr *msg, int flags);
	ssize_t (*sendmsg)(void *opaque, const struct msghdr *msg, int flags);
	void *opaque;
};

/* Take over @fd (closed by vu_conn_free). @max_size bounds a received
 * message (header included); @max_fds bounds the fds accepted with one
 * message (more -> the message is refused with -EBADMSG, every fd closed).
 * @ops NULL: recvmsg/sendmsg on @fd. */
int vu_conn_new(int fd, uint32_t max_size, unsigned max_fds, const struct vu_conn_ops *ops,
		struct vu_conn **ret);
void vu_conn_free(struct vu_conn *c);
int vu_conn_fd(const struct vu_conn *c);
void vu_conn_set_limits(struct vu_conn *c, uint32_t max_size, unsigned max_fds);

/* Deviations the connection commits for its owner (sim/fault.h):
 * size-no-header (sent msg_size counts the payload only) and
 * rejected-body-exec (an oversized message's body is not drained: the
 * header alone is reported -EMSGSIZE and the body bytes are read as the
 * next messages). 0, the default: none. */
void vu_conn_set_faults(struct vu_conn *c, uint64_t faults);

/* Receive one message. @block: wait (poll) up to @timeout_ms (-1 = forever)
 * for a whole message; else return -EAGAIN when none is complete yet.
 * 0: *ret holds a message (release with vu_msg_release).
 * -ECONNRESET: the peer closed (also mid-message).
 * -EMSGSIZE: a too-large message was drained; ret->hdr is valid, no payload.
 * -EBADMSG: too many fds (closed); ret->hdr and payload are valid.
 * -EPROTO: msg_size < 16 or MSG_CTRUNC: the connection cannot continue.
 * -ETIMEDOUT. */
int vu_conn_recv(struct vu_conn *c, struct vu_msg *ret, bool block, int timeout_ms);
/* Send one message: header (size is filled in), payload, fds attached to
 * the first sendmsg. Handles partial writes; -EPIPE/-ECONNRESET when gone. */
int vu_conn_send(struct vu_conn *c, struct vu_hdr *h, const void *payload, size_t len,
		 const int *fds, unsigned nfds);
/* Bound how long vu_conn_send waits for room (a peer that stops reading):
 * past @ms it fails with -ETIMEDOUT (and, with part of a message sent, so
 * does every later send). -1, the default: no bound. */
void vu_conn_set_send_timeout(struct vu_conn *c, int ms);
/* Convenience: a header-only reply (error 0 = success) to @req. */
int vu_conn_reply(struct vu_conn *c, const struct vu_hdr *req, int err);
/* Free a message's payload and close every fd still owned (>= 0). */
void vu_msg_release(struct vu_msg *m);

#endif
