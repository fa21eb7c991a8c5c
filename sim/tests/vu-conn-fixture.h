/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fixture shared by test-vu-conn.c (receiving) and test-vu-conn-send.c
 * (sending): descriptor counting, wire bytes built and read by offset
 * (§1.3: id @0 u16, cmd @2 u16, msg_size @4 u32, flags @8 u32, error @12
 * u32, host order, not through struct vu_hdr, so a layout mistake in
 * vu-wire.h cannot cancel out), a socketpair peer, raw sendmsg, pipes as
 * fds to pass, the expectations on a received message and its fds, and a
 * fake transport (vu_conn_ops) that cuts, injects and records. Static
 * inline so each program takes what it uses. Include it first: it defines
 * _GNU_SOURCE (pipe2).
 */
#ifndef VFSIM_TEST_VU_CONN_FIXTURE_H
#define VFSIM_TEST_VU_CONN_FIXTURE_H

#define _GNU_SOURCE	/* pipe2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <cmocka.h>

#include "vu-conn.h"
#include "rules.h"
#include "include/vfsim.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define HDR 16u
#define MAX_FDS 64u		/* VU_MAX_FDS_PER_MSG as the header documents it */
#define BIG (1u << 20)

/* ---- helpers ------------------------------------------------------------ */

static inline int fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

static inline void put_hdr(uint8_t *b, uint16_t id, uint16_t cmd, uint32_t size, uint32_t flags,
			   uint32_t error)
{
	memcpy(b + 0, &id, 2);
	memcpy(b + 2, &cmd, 2);
	memcpy(b + 4, &size, 4);
	memcpy(b + 8, &flags, 4);
	memcpy(b + 12, &error, 4);
}

static inline uint32_t get32(const uint8_t *b, size_t off)
{
	uint32_t v;

	memcpy(&v, b + off, 4);
	return v;
}

static inline uint16_t get16(const uint8_t *b, size_t off)
{
	uint16_t v;

	memcpy(&v, b + off, 2);
	return v;
}

static inline void pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

static inline struct vu_conn *conn(int fd, uint32_t max_size, unsigned max_fds)
{
	struct vu_conn *c = NULL;

	assert_int_equal(vu_conn_new(fd, max_size, max_fds, NULL, &c), 0);
	return c;
}

/* A socketpair: the test writes raw bytes on sv[0] (closing it sets -1), @c
 * receives on sv[1]. Closing checks that no descriptor leaked. */
struct peer {
	int sv[2];
	struct vu_conn *c;
	int base;
};

static inline void peer_open(struct peer *p, uint32_t max_size, unsigned max_fds)
{
	pair(p->sv);
	p->c = conn(p->sv[1], max_size, max_fds);
	p->base = fd_count();
}

static inline void peer_hangup(struct peer *p)
{
	close(p->sv[0]);
	p->sv[0] = -1;
}

static inline void peer_close(struct peer *p)
{
	assert_int_equal(fd_count(), p->base - (p->sv[0] < 0));
	if (p->sv[0] >= 0)
		close(p->sv[0]);
	vu_conn_free(p->c);
}

/* Raw sendmsg of @len bytes with @nfds fds, independent of vu_conn_send. */
static inline void raw_send(int fd, const void *buf, size_t len, const int *fds, unsigned nfds)
{
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(int) * 128)];
	} ctrl;
	struct iovec iov = { (void *)(uintptr_t)buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	assert_true(nfds <= 128);
	if (nfds) {
		struct cmsghdr *cm;

		memset(&ctrl, 0, sizeof(ctrl));
		mh.msg_control = ctrl.b;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	}
	assert_int_equal(sendmsg(fd, &mh, MSG_NOSIGNAL), (ssize_t)len);
}

/* A message of header (@size may lie) and @len bytes of @pay, raw. */
static inline void raw_msg(int fd, uint16_t id, uint16_t cmd, uint32_t size, const void *pay,
			   size_t len, const int *fds, unsigned nfds)
{
	uint8_t *b = malloc(HDR + len);

	assert_non_null(b);
	put_hdr(b, id, cmd, size, 0, 0);
	if (len)
		memcpy(b + HDR, pay, len);
	raw_send(fd, b, HDR + len, fds, nfds);
	free(b);
}

/* @n pipe read ends, each its own inode; the write ends are closed. */
static inline void pipes(int *fds, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		int p[2];

		assert_int_equal(pipe2(p, O_CLOEXEC), 0);
		close(p[1]);
		fds[i] = p[0];
	}
}

static inline void close_all(int *fds, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

static inline bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static inline int do_recv(struct vu_conn *c, struct vu_msg *m, bool block, int timeout_ms)
{
	vfsim_reject_clear();
	return vu_conn_recv(c, m, block, timeout_ms);
}

static inline void expect_rule(int r, int err, int rule)
{
	assert_int_equal(r, err);
	assert_int_equal(vfsim_last_rule(NULL), rule);
}

/* A received message is @id/@cmd, msg_size 16 + @len, @len bytes of @pay. */
static inline void expect_msg(const struct vu_msg *m, uint16_t id, uint16_t cmd, const uint8_t *pay,
			      uint32_t len)
{
	const uint8_t *h = (const uint8_t *)&m->hdr;

	assert_int_equal(get16(h, 0), id);
	assert_int_equal(get16(h, 2), cmd);
	assert_int_equal(get32(h, 4), HDR + len);
	assert_int_equal(m->len, len);
	if (len)
		assert_memory_equal(m->payload, pay, len);
	else
		assert_null(m->payload);
}

/* Received fds are open, close-on-exec, distinct from each other and from
 * the originals, and the same files. */
static inline void expect_fds(const struct vu_msg *m, const int *orig, unsigned n)
{
	unsigned i, j;

	assert_int_equal(m->nfds, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(fcntl(m->fds[i], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
		assert_true(same_file(m->fds[i], orig[i]));
		for (j = 0; j < n; j++) {
			assert_int_not_equal(m->fds[i], orig[j]);
			if (j != i)
				assert_int_not_equal(m->fds[i], m->fds[j]);
		}
	}
}

/* ---- a fake transport --------------------------------------------------- */

#define FAKE_MAX 65536u

struct fake {
	/* receive: the peer has sent data[0, avail) of data[0, len) */
	uint8_t data[FAKE_MAX];
	size_t len, avail, pos, chunk;	/* chunk: most bytes per recvmsg, 0 = any */
	bool eof;			/* past len: EOF instead of -EAGAIN */
	size_t fd_off;			/* fds go with the read covering this byte */
	int fds[MAX_FDS + 1];
	unsigned nfds;
	bool fds_sent, ctrunc;
	int rflags;			/* every flag recvmsg was called with */
	/* send */
	uint8_t out[FAKE_MAX];
	size_t outlen, out_chunk;
	unsigned send_calls, out_fds;
	bool inject;			/* EINTR, EAGAIN, data, EINTR, ... */
	bool cmsg_after_data, first_data_had_cmsg;
	int sflags;
	int fail_err;			/* returned once outlen >= fail_at */
	size_t fail_at;
};

static struct fake fk;

static inline ssize_t fake_recvmsg(void *opaque, struct msghdr *mh, int flags)
{
	struct fake *f = opaque;
	size_t n = f->avail - f->pos, i, done = 0;

	f->rflags |= flags;
	mh->msg_flags = 0;
	if (!n) {
		mh->msg_controllen = 0;
		return f->avail == f->len && f->eof ? 0 : -EAGAIN;
	}
	if (f->chunk && n > f->chunk)
		n = f->chunk;
	for (i = 0; i < mh->msg_iovlen && done < n; i++) {
		size_t k = mh->msg_iov[i].iov_len < n - done ? mh->msg_iov[i].iov_len : n - done;

		memcpy(mh->msg_iov[i].iov_base, f->data + f->pos + done, k);
		done += k;
	}
	if (f->nfds && !f->fds_sent && f->fd_off >= f->pos && f->fd_off < f->pos + done) {
		unsigned k = f->nfds;
		struct cmsghdr *cm;

		while (k && CMSG_SPACE(k * sizeof(int)) > mh->msg_controllen)
			k--;
		if (k < f->nfds || f->ctrunc)
			mh->msg_flags |= MSG_CTRUNC;
		mh->msg_controllen = k ? CMSG_SPACE(k * sizeof(int)) : 0;
		if (k) {
			cm = CMSG_FIRSTHDR(mh);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(k * sizeof(int));
			for (i = 0; i < k; i++) {
				int d = fcntl(f->fds[i], F_DUPFD_CLOEXEC, 0);

				memcpy(CMSG_DATA(cm) + i * sizeof(int), &d, sizeof(int));
			}
		}
		f->fds_sent = true;
	} else {
		mh->msg_controllen = 0;
	}
	f->pos += done;
	return done;
}

static inline ssize_t fake_sendmsg(void *opaque, const struct msghdr *mh, int flags)
{
	struct fake *f = opaque;
	size_t n = 0, i;

	f->sflags |= flags;
	f->send_calls++;
	if (f->inject && f->send_calls % 3 == 1)
		return -EINTR;
	if (f->inject && f->send_calls % 3 == 2)
		return -EAGAIN;
	if (f->fail_err && f->outlen >= f->fail_at)
		return f->fail_err;
	if (mh->msg_controllen) {
		struct cmsghdr *cm = CMSG_FIRSTHDR((struct msghdr *)mh);

		if (f->outlen)
			f->cmsg_after_data = true;
		else
			f->first_data_had_cmsg = true;
		f->out_fds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	}
	for (i = 0; i < mh->msg_iovlen; i++) {
		size_t k = mh->msg_iov[i].iov_len;

		if (f->out_chunk && n + k > f->out_chunk)
			k = f->out_chunk - n;
		memcpy(f->out + f->outlen + n, mh->msg_iov[i].iov_base, k);
		n += k;
	}
	f->outlen += n;
	return n;
}

static const struct vu_conn_ops fake_ops = { fake_recvmsg, fake_sendmsg, &fk };

static inline void fake_reset(void)
{
	memset(&fk, 0, sizeof(fk));
}

/* A fake connection; @fd only serves poll() when the fake says -EAGAIN. */
static inline struct vu_conn *fake_conn(int fd, uint32_t max_size, unsigned max_fds)
{
	struct vu_conn *c = NULL;

	assert_int_equal(vu_conn_new(fd, max_size, max_fds, &fake_ops, &c), 0);
	return c;
}

#endif
