/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fixture shared by test-vu-client.c, test-vu-client-bad.c and
 * test-vu-client-dma.c: a scripted fake vfio-user server. A thread holding
 * the other end of a socketpair reads requests with plain recvmsg (not
 * vu-conn, so the client's transport is not checked against itself) and
 * sends canned replies, good and hostile. Static inline so each program
 * takes what it uses. Include it first, after _GNU_SOURCE (eventfd, mmap).
 */
#ifndef VFSIM_TEST_VU_CLIENT_FIXTURE_H
#define VFSIM_TEST_VU_CLIENT_FIXTURE_H

#include "test-util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "rules.h"
#include "vfio-compat.h"
#include "vu-client.h"

/* ---- the fake server ------------------------------------------------------------ */

#define FK_MAX_PAYLOAD (2u << 20)
#define FK_MAX_FDS 16

struct fake {
	int fd;			/* server end of the main socket */
	int twin;		/* server end of the twin socket, or -1 */
	pthread_t th;
	void (*script)(struct fake *f);
	const void *arg;
	char fail[256];		/* first mismatch seen by the thread */
	/* the last request received */
	struct vu_hdr h;
	uint8_t *p;
	uint32_t len;
	int fds[FK_MAX_FDS];
	unsigned nfds;
	unsigned nreq;		/* requests received */
	uint8_t ver_json[512];	/* the client's VERSION JSON */
	uint16_t ver_major, ver_minor;
	unsigned ver_nfds;
};

static inline void fk_failf(struct fake *f, const char *what)
{
	if (!f->fail[0])
		snprintf(f->fail, sizeof(f->fail), "%s", what);
}

static inline int fk_read_full(struct fake *f, int sock, void *buf, size_t len, bool fds)
{
	size_t done = 0;

	while (done < len) {
		union {
			struct cmsghdr a;
			uint8_t b[CMSG_SPACE(sizeof(int) * FK_MAX_FDS)];
		} ctl;
		struct iovec iov = { (uint8_t *)buf + done, len - done };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
				     .msg_controllen = sizeof(ctl.b) };
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		ssize_t r;

		if (poll(&pfd, 1, 5000) != 1)
			return -ETIMEDOUT;
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (r <= 0)
			return -ECONNRESET;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			unsigned n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (unsigned i = 0; i < n; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
				if (fds && f->nfds < FK_MAX_FDS)
					f->fds[f->nfds++] = fd;
				else
					close(fd);
			}
		}
		done += r;
	}
	return 0;
}

static inline void fk_drop_fds(struct fake *f)
{
	for (unsigned i = 0; i < f->nfds; i++)
		close(f->fds[i]);
	f->nfds = 0;
}

/* Receive one request on @sock; 0 or -errno. */
static inline int fk_recv_on(struct fake *f, int sock)
{
	int r;

	fk_drop_fds(f);
	r = fk_read_full(f, sock, &f->h, sizeof(f->h), true);
	if (r < 0)
		return r;
	if (f->h.size < 16 || f->h.size - 16 > FK_MAX_PAYLOAD) {
		fk_failf(f, "request size");
		return -EPROTO;
	}
	f->len = f->h.size - 16;
	r = fk_read_full(f, sock, f->p, f->len, true);
	if (r == 0)
		f->nreq++;
	return r;
}

/* The next request must be @cmd (a COMMAND). */
static inline int fk_expect(struct fake *f, uint16_t cmd)
{
	int r = fk_recv_on(f, f->fd);
	char msg[80];

	if (r < 0) {
		snprintf(msg, sizeof(msg), "expected cmd %u: %d", cmd, r);
		fk_failf(f, msg);
		return r;
	}
	if (f->h.cmd != cmd || (f->h.flags & 0xf) != 0) {
		snprintf(msg, sizeof(msg), "expected cmd %u, got %u flags %#x", cmd, f->h.cmd, f->h.flags);
		fk_failf(f, msg);
		return -EPROTO;
	}
	return 0;
}

static inline void fk_send_on(int sock, uint16_t id, uint16_t cmd, uint32_t flags, uint32_t err,
			      const void *p, uint32_t len, const int *fds, unsigned nfds)
{
	struct vu_hdr h = { .id = id, .cmd = cmd, .size = 16 + len, .flags = flags, .error = err };
	union {
		struct cmsghdr a;
		uint8_t b[CMSG_SPACE(sizeof(int) * FK_MAX_FDS)];
	} ctl;
	struct iovec iov[2] = { { &h, 16 }, { (void *)(uintptr_t)p, len } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	size_t total = 16 + len, sent;
	ssize_t r;

	if (nfds) {
		struct cmsghdr *cm;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	}
	r = sendmsg(sock, &mh, MSG_NOSIGNAL);
	if (r <= 0)
		return;
	/* The rest of a large message without fds. */
	for (sent = r; sent < total; sent += r) {
		const uint8_t *base = sent < 16 ? (const uint8_t *)&h + sent : (const uint8_t *)p + (sent - 16);
		size_t n = sent < 16 ? 16 - sent : total - sent;

		r = send(sock, base, n, MSG_NOSIGNAL);
		if (r <= 0)
			return;
	}
}

/* A reply to the last request. */
static inline void fk_reply(struct fake *f, const void *p, uint32_t len)
{
	fk_send_on(f->fd, f->h.id, f->h.cmd, VU_FLAGS_TYPE_REPLY, 0, p, len, NULL, 0);
}

static inline void fk_reply_fds(struct fake *f, const void *p, uint32_t len, const int *fds,
				unsigned nfds)
{
	fk_send_on(f->fd, f->h.id, f->h.cmd, VU_FLAGS_TYPE_REPLY, 0, p, len, fds, nfds);
}

static inline void fk_reply_err(struct fake *f, uint32_t err)
{
	fk_send_on(f->fd, f->h.id, f->h.cmd, VU_FLAGS_TYPE_REPLY | VU_FLAGS_ERROR, err, NULL, 0, NULL, 0);
}

/* VERSION: remember the proposal, answer 0.@minor with @json (NULL: none). */
static inline void fk_version_reply(struct fake *f, uint16_t major, uint16_t minor,
				    const char *json, size_t jlen, const int *fds, unsigned nfds)
{
	uint8_t buf[1024];
	struct vu_version v = { major, minor };

	if (fk_expect(f, VU_CMD_VERSION) < 0)
		return;
	if (f->len >= 4) {
		memcpy(&f->ver_major, f->p, 2);
		memcpy(&f->ver_minor, f->p + 2, 2);
		memcpy(f->ver_json, f->p + 4, f->len - 4 < sizeof(f->ver_json) ? f->len - 4 : sizeof(f->ver_json));
	}
	f->ver_nfds = f->nfds;
	memcpy(buf, &v, 4);
	if (json)
		memcpy(buf + 4, json, jlen);
	fk_reply_fds(f, buf, 4 + (json ? jlen : 0), fds, nfds);
}

static inline void fk_version(struct fake *f, const char *json)
{
	fk_version_reply(f, 0, 0, json, json ? strlen(json) + 1 : 0, NULL, 0);
}

#define FK_CAPS "{\"capabilities\":{\"max_msg_fds\":2,\"max_data_xfer_size\":64}}"

static inline void *fk_thread(void *opaque)
{
	struct fake *f = opaque;

	f->script(f);
	return NULL;
}

/* A socketpair, the script running on its server end. */
static inline void fk_start(struct fake *f, void (*script)(struct fake *f), const void *arg,
			    int *ret_client_fd)
{
	int sv[2];

	memset(f, 0, sizeof(*f));
	f->twin = -1;
	f->script = script;
	f->arg = arg;
	f->p = malloc(FK_MAX_PAYLOAD);
	assert_non_null(f->p);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	f->fd = sv[1];
	*ret_client_fd = sv[0];
	assert_int_equal(pthread_create(&f->th, NULL, fk_thread, f), 0);
}

static inline void fk_join(struct fake *f)
{
	pthread_join(f->th, NULL);
}

static inline void fk_end(struct fake *f)
{
	fk_drop_fds(f);
	if (f->fd >= 0)
		close(f->fd);
	if (f->twin >= 0)
		close(f->twin);
	free(f->p);
	if (f->fail[0])
		fail_msg("fake server: %s", f->fail);
}

/* Attach a client to a fake server running @script; 0 or -errno. */
static inline int fk_attach(struct fake *f, void (*script)(struct fake *f), const void *arg,
			    const struct vfsim_vu_client_config *cfg, struct vfsim_vu_client **ret)
{
	int fd;

	fk_start(f, script, arg, &fd);
	return vfsim_vu_client_attach(fd, cfg, ret);
}

/* Stop: free the client first (so a script blocked on the socket sees EOF). */
static inline void fk_finish(struct fake *f, struct vfsim_vu_client *c)
{
	vfsim_vu_client_free(c);
	fk_join(f);
	fk_end(f);
}

static const struct vfsim_vu_client_config cfg_default = { .timeout_ms = 2000 };

static inline void sc_version_only(struct fake *f)
{
	fk_version(f, f->arg ? f->arg : FK_CAPS);
}

#endif
