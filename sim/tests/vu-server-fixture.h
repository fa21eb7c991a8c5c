/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fixture shared by test-vu-server.c and test-vu-server-dma.c: a device
 * from a fixture profile, a server attached to one end of a socketpair, and
 * the test playing the client by hand on the other end with raw
 * sendmsg/recvmsg (no vu-conn, no vu-client: the bytes are the spec's).
 * Helpers come in pairs: do_req returns -errno from an error reply, req_ok
 * asserts success. Static inline so each program takes what it uses.
 */
#ifndef VFSIM_TEST_VU_SERVER_FIXTURE_H
#define VFSIM_TEST_VU_SERVER_FIXTURE_H

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "include/vfsim.h"
#include "dev.h"
#include "rules.h"
#include "vu-server.h"
#include "vu-wire.h"
#include "test-util.h"

/* Command numbers and flag values transcribed from the spec (§1.3, §3.0),
 * not taken from vu-wire.h, so a wrong constant there fails here. */
#define T_VERSION 1
#define T_DMA_MAP 2
#define T_DMA_UNMAP 3
#define T_GET_INFO 4
#define T_REGION_INFO 5
#define T_IO_FDS 6
#define T_IRQ_INFO 7
#define T_SET_IRQS 8
#define T_REGION_READ 9
#define T_REGION_WRITE 10
#define T_DMA_READ 11
#define T_DMA_WRITE 12
#define T_RESET 13
#define T_DIRTY_PAGES 14
#define T_WRITE_MULTI 15
#define T_FEATURE 16
#define T_MIG_READ 17
#define T_MIG_WRITE 18
#define T_REPLY 0x1u
#define T_NO_REPLY 0x10u
#define T_ERROR 0x20u

#define T_MAX_PAYLOAD (2u << 20)

struct vfx {
	struct vfsim_dev *dev;
	struct vfsim_vu_server *s;
	int cfd;		/* the client's end */
	uint16_t id;
};

struct vmsg {
	struct vu_hdr h;
	uint8_t *p;		/* payload, T_MAX_PAYLOAD bytes of room */
	uint32_t len;
	int fds[8];
	unsigned nfds;
};

static inline void vfx_attach(struct vfx *f)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(vfsim_vu_server_attach(f->s, sv[0]), 0);
	assert_true(vfsim_vu_server_fd(f->s) >= 0);	/* the server's epoll fd, not sv[0] */
	f->cfd = sv[1];
}

static inline void vfx_open(struct vfx *f, const char *profile, const struct vfsim_vu_server_config *cfg)
{
	memset(f, 0, sizeof(*f));
	f->dev = tu_dev_from(profile);
	assert_int_equal(vfsim_vu_server_new(f->dev, cfg, &f->s), 0);
	vfx_attach(f);
}

static inline void vfx_close(struct vfx *f)
{
	if (f->cfd >= 0)
		close(f->cfd);
	vfsim_vu_server_free(f->s);
	vfsim_dev_free(f->dev);
}

/* Raw send of one message; the fds ride with the first byte (§1.1). */
static inline void t_send_fd(int fd, uint16_t id, uint16_t cmd, uint32_t flags, const void *p, size_t len,
			     const int *fds, unsigned nfds)
{
	struct vu_hdr h = { .id = id, .cmd = cmd, .size = (uint32_t)(16 + len), .flags = flags };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)p, len } };
	union {
		struct cmsghdr a;
		char b[CMSG_SPACE(sizeof(int) * 8)];
	} ctl;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	size_t sent = 0, total = sizeof(h) + len;

	assert_true(nfds <= 8);
	if (nfds) {
		struct cmsghdr *cm;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	while (sent < total) {
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);

		assert_true(n > 0);
		sent += (size_t)n;
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
		if (sent >= total)
			break;
		if (sent < sizeof(h)) {
			iov[0].iov_base = (char *)&h + sent;
			iov[0].iov_len = sizeof(h) - sent;
		} else {
			iov[0].iov_base = (char *)p + (sent - sizeof(h));
			iov[0].iov_len = total - sent;
			mh.msg_iovlen = 1;
		}
	}
}

static inline void t_send(struct vfx *f, uint16_t cmd, uint32_t flags, const void *p, size_t len,
			  const int *fds, unsigned nfds)
{
	t_send_fd(f->cfd, ++f->id, cmd, flags, p, len, fds, nfds);
}

static inline bool t_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static inline void t_read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n;

		assert_true(t_readable(fd, 5000));
		n = read(fd, (char *)buf + got, len - got);
		assert_true(n > 0);
		got += (size_t)n;
	}
}

/* Receive one message within 5 s; m->p must be freed by the caller
 * (t_msg_free), fds closed by it. */
static inline void t_recv_fd(int fd, struct vmsg *m)
{
	union {
		struct cmsghdr a;
		char b[CMSG_SPACE(sizeof(int) * 8)];
	} ctl;
	struct iovec iov = { &m->h, sizeof(m->h) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
			     .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *cm;
	ssize_t n;

	m->nfds = 0;
	assert_true(t_readable(fd, 5000));
	n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	assert_true(n > 0);
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			unsigned k = (unsigned)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			memcpy(m->fds + m->nfds, CMSG_DATA(cm), k * sizeof(int));
			m->nfds += k;
		}
	}
	if ((size_t)n < sizeof(m->h))
		t_read_all(fd, (char *)&m->h + n, sizeof(m->h) - (size_t)n);
	assert_true(m->h.size >= 16 && m->h.size - 16 <= T_MAX_PAYLOAD);
	m->len = m->h.size - 16;
	if (!m->p)
		m->p = malloc(T_MAX_PAYLOAD);
	assert_non_null(m->p);
	t_read_all(fd, m->p, m->len);
}

static inline void t_msg_free(struct vmsg *m)
{
	unsigned i;

	for (i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	m->nfds = 0;
	free(m->p);
	m->p = NULL;
}

static inline void t_recv(struct vfx *f, struct vmsg *m)
{
	t_recv_fd(f->cfd, m);
}

/* The server runs what is pending; the client stays. */
static inline void t_process(struct vfx *f)
{
	assert_int_equal(vfsim_vu_server_process(f->s), 0);
}

/* A reply to the last request (id, cmd echoed, REPLY type): -error or 0. */
static inline int t_reply_of(struct vfx *f, uint16_t cmd, struct vmsg *m)
{
	t_recv(f, m);
	assert_int_equal(m->h.id, f->id);
	assert_int_equal(m->h.cmd, cmd);
	assert_int_equal(m->h.flags & 0xf, T_REPLY);
	if (m->h.flags & T_ERROR) {
		assert_int_equal(m->len, 0);	/* §1.7: header only */
		assert_true(m->h.error > 0);
		return -(int)m->h.error;
	}
	return 0;
}

/* Send, process, and receive the reply into @m. */
static inline int do_req(struct vfx *f, uint16_t cmd, const void *p, size_t len, const int *fds,
			 unsigned nfds, struct vmsg *m)
{
	t_send(f, cmd, 0, p, len, fds, nfds);
	t_process(f);
	return t_reply_of(f, cmd, m);
}

static inline void req_ok(struct vfx *f, uint16_t cmd, const void *p, size_t len, const int *fds,
			  unsigned nfds, struct vmsg *m)
{
	int r = do_req(f, cmd, p, len, fds, nfds, m);

	if (r)
		fail_msg("command %u failed: %d (rule %s)", cmd, r, vfsim_rule_name(vfsim_last_rule(NULL)));
}

/* The request fails with @err and the server named @rule. */
static inline void req_rejected(struct vfx *f, uint16_t cmd, const void *p, size_t len, const int *fds,
				unsigned nfds, int err, int rule)
{
	struct vmsg m = { 0 };
	int r = do_req(f, cmd, p, len, fds, nfds, &m);

	t_msg_free(&m);
	tu_expect_rule(r, err, rule);
}

/* VERSION with @json (NULL: none); returns the reply (caller frees). */
static inline void t_negotiate_json(struct vfx *f, const char *json, struct vmsg *m)
{
	uint8_t buf[512] = { 0, 0, 0, 0 };	/* major 0, minor 0 */
	size_t len = 4;

	buf[2] = 2;	/* minor 2 */
	if (json) {
		memcpy(buf + 4, json, strlen(json) + 1);
		len += strlen(json) + 1;
	}
	req_ok(f, T_VERSION, buf, len, NULL, 0, m);
}

static inline void t_negotiate(struct vfx *f)
{
	struct vmsg m = { 0 };

	t_negotiate_json(f, "{\"capabilities\":{\"max_msg_fds\":8}}", &m);
	t_msg_free(&m);
}

/* REGION_READ/WRITE of @len bytes at @off of region @index. */
static inline int do_region_rw(struct vfx *f, uint32_t index, uint64_t off, void *buf, uint32_t len, bool write)
{
	uint8_t req[16 + 256];
	struct vu_region_access a = { .offset = off, .region = index, .count = len };
	struct vmsg m = { 0 };
	int r;

	assert_true(len <= 256);
	memcpy(req, &a, sizeof(a));
	if (write)
		memcpy(req + 16, buf, len);
	r = do_req(f, write ? T_REGION_WRITE : T_REGION_READ, req, 16 + (write ? len : 0), NULL, 0, &m);
	if (!r) {
		assert_int_equal(m.len, write ? 16 : 16 + len);
		assert_memory_equal(m.p, &a, 16);
		if (!write)
			memcpy(buf, m.p + 16, len);
	}
	t_msg_free(&m);
	return r;
}

static inline void region_rw_ok(struct vfx *f, uint32_t index, uint64_t off, void *buf, uint32_t len, bool write)
{
	assert_int_equal(do_region_rw(f, index, off, buf, len, write), 0);
}

#endif
