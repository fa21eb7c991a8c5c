/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vu-conn.c: vfio-user framing over AF_UNIX SOCK_STREAM (vfio-user.md §1.1,
 * §1.3). Round trips with 0..64 fds; a peer that trickles bytes (a fake
 * transport cut at every split point, and a real socket fed one byte per
 * write); pipelined messages; a refused oversize message drained without
 * desynchronising (its payload is made of valid headers); msg_size < 16,
 * too many fds, MSG_CTRUNC (the kernel's and a transport's), EOF at and
 * inside a message, timeouts that keep a partial message, an 8 MiB send
 * with partial writes to a reader thread, and send-side EINTR/EAGAIN.
 * Every case counts /proc/self/fd before and after.
 *
 * Wire bytes are built and read by offset (§1.3: id @0 u16, cmd @2 u16,
 * msg_size @4 u32, flags @8 u32, error @12 u32, host order), not through
 * struct vu_hdr, so a layout mistake in vu-wire.h cannot cancel out.
 */
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

static int fd_count(void)
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

static void put_hdr(uint8_t *b, uint16_t id, uint16_t cmd, uint32_t size, uint32_t flags,
		    uint32_t error)
{
	memcpy(b + 0, &id, 2);
	memcpy(b + 2, &cmd, 2);
	memcpy(b + 4, &size, 4);
	memcpy(b + 8, &flags, 4);
	memcpy(b + 12, &error, 4);
}

static uint32_t get32(const uint8_t *b, size_t off)
{
	uint32_t v;

	memcpy(&v, b + off, 4);
	return v;
}

static uint16_t get16(const uint8_t *b, size_t off)
{
	uint16_t v;

	memcpy(&v, b + off, 2);
	return v;
}

static void pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

static struct vu_conn *conn(int fd, uint32_t max_size, unsigned max_fds)
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

static void peer_open(struct peer *p, uint32_t max_size, unsigned max_fds)
{
	pair(p->sv);
	p->c = conn(p->sv[1], max_size, max_fds);
	p->base = fd_count();
}

static void peer_hangup(struct peer *p)
{
	close(p->sv[0]);
	p->sv[0] = -1;
}

static void peer_close(struct peer *p)
{
	assert_int_equal(fd_count(), p->base - (p->sv[0] < 0));
	if (p->sv[0] >= 0)
		close(p->sv[0]);
	vu_conn_free(p->c);
}

/* Raw sendmsg of @len bytes with @nfds fds, independent of vu_conn_send. */
static void raw_send(int fd, const void *buf, size_t len, const int *fds, unsigned nfds)
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
static void raw_msg(int fd, uint16_t id, uint16_t cmd, uint32_t size, const void *pay, size_t len,
		    const int *fds, unsigned nfds)
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
static void pipes(int *fds, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		int p[2];

		assert_int_equal(pipe2(p, O_CLOEXEC), 0);
		close(p[1]);
		fds[i] = p[0];
	}
}

static void close_all(int *fds, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static int do_recv(struct vu_conn *c, struct vu_msg *m, bool block, int timeout_ms)
{
	vfsim_reject_clear();
	return vu_conn_recv(c, m, block, timeout_ms);
}

static void expect_rule(int r, int err, int rule)
{
	assert_int_equal(r, err);
	assert_int_equal(vfsim_last_rule(NULL), rule);
}

/* A received message is @id/@cmd, msg_size 16 + @len, @len bytes of @pay. */
static void expect_msg(const struct vu_msg *m, uint16_t id, uint16_t cmd, const uint8_t *pay,
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
static void expect_fds(const struct vu_msg *m, const int *orig, unsigned n)
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

static ssize_t fake_recvmsg(void *opaque, struct msghdr *mh, int flags)
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

static ssize_t fake_sendmsg(void *opaque, const struct msghdr *mh, int flags)
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

static void fake_reset(void)
{
	memset(&fk, 0, sizeof(fk));
}

/* A fake connection; @fd only serves poll() when the fake says -EAGAIN. */
static struct vu_conn *fake_conn(int fd, uint32_t max_size, unsigned max_fds)
{
	struct vu_conn *c = NULL;

	assert_int_equal(vu_conn_new(fd, max_size, max_fds, &fake_ops, &c), 0);
	return c;
}

/* ---- round trips -------------------------------------------------------- */

static void test_roundtrip(void **state)
{
	static const unsigned nfds[] = { 0, 1, 2, 8, MAX_FDS };
	static const uint32_t lens[] = { 0, 1, 100, 5000 };
	static uint8_t pay[5000];
	struct peer p;
	struct vu_conn *a;
	size_t i, j;

	for (i = 0; i < sizeof(pay); i++)
		pay[i] = (uint8_t)(i * 7 + 3);
	peer_open(&p, BIG, MAX_FDS);
	a = conn(dup(p.sv[0]), BIG, MAX_FDS);
	for (i = 0; i < ARRAY_SIZE(nfds); i++) {
		for (j = 0; j < ARRAY_SIZE(lens); j++) {
			struct vu_hdr h = { .id = (uint16_t)(i * 10 + j), .cmd = VU_CMD_DMA_MAP };
			int orig[MAX_FDS];
			struct vu_msg m;

			pipes(orig, nfds[i]);
			assert_int_equal(vu_conn_send(a, &h, pay, lens[j], orig, nfds[i]), 0);
			assert_int_equal(h.size, HDR + lens[j]);
			assert_int_equal(do_recv(p.c, &m, false, 0), 0);
			expect_msg(&m, (uint16_t)(i * 10 + j), 2, pay, lens[j]);
			assert_int_equal(get32((uint8_t *)&m.hdr, 8), 0);
			expect_fds(&m, orig, nfds[i]);
			vu_msg_release(&m);
			assert_int_equal(m.nfds, 0);
			assert_null(m.payload);
			vu_msg_release(&m);	/* idempotent */
			close_all(orig, nfds[i]);
			assert_int_equal(do_recv(p.c, &m, false, 0), -EAGAIN);
		}
	}
	vu_conn_free(a);
	vu_conn_free(NULL);
	peer_close(&p);
}

/* Two messages in one write: the first read must stop at the boundary. */
static void test_pipelined(void **state)
{
	uint8_t buf[HDR + 5 + HDR];
	struct vu_msg m;
	struct peer p;

	peer_open(&p, BIG, 1);
	put_hdr(buf, 1, VU_CMD_REGION_WRITE, HDR + 5, 0, 0);
	memcpy(buf + HDR, "hello", 5);
	put_hdr(buf + HDR + 5, 2, VU_CMD_DEVICE_RESET, HDR, 0, 0);
	assert_int_equal(write(p.sv[0], buf, sizeof(buf)), (ssize_t)sizeof(buf));
	assert_int_equal(do_recv(p.c, &m, false, 0), 0);
	expect_msg(&m, 1, 10, (const uint8_t *)"hello", 5);
	vu_msg_release(&m);
	assert_int_equal(do_recv(p.c, &m, false, 0), 0);
	expect_msg(&m, 2, 13, NULL, 0);
	vu_msg_release(&m);
	assert_int_equal(do_recv(p.c, &m, false, 0), -EAGAIN);
	peer_close(&p);
}

/* ---- a peer that trickles bytes ----------------------------------------- */

/* The fake holds a 16 + 37 byte message whose 2 fds come with byte @fd_off. */
static size_t fake_load(const int *orig, size_t fd_off)
{
	size_t i;

	fake_reset();
	put_hdr(fk.data, 0x1234, VU_CMD_DEVICE_SET_IRQS, HDR + 37, 0, 0);
	for (i = 0; i < 37; i++)
		fk.data[HDR + i] = (uint8_t)(0xa0 + i);
	fk.len = HDR + 37;
	fk.fd_off = fd_off;
	fk.nfds = 2;
	memcpy(fk.fds, orig, 2 * sizeof(int));
	return fk.len;
}

static void recv_fake_ok(struct vu_conn *c, const int *orig, bool block)
{
	struct vu_msg m;

	assert_int_equal(do_recv(c, &m, block, 1000), 0);
	expect_msg(&m, 0x1234, 8, fk.data + HDR, 37);
	expect_fds(&m, orig, 2);
	vu_msg_release(&m);
}

/* Cut at every point k: bytes [0, k) then the rest; then one more byte per
 * call; then one byte per read. fds with the header or a payload chunk. */
static void test_split_points(void **state)
{
	static const size_t fd_offs[] = { 0, HDR, HDR + 36 };
	int orig[2], sv[2], base;
	struct vu_conn *c;
	struct vu_msg m;
	size_t i, k, n;

	pair(sv);	/* sv[1]: only polled */
	pipes(orig, 2);
	base = fd_count();
	for (i = 0; i < ARRAY_SIZE(fd_offs); i++) {
		for (k = 1; k < HDR + 37; k++) {
			n = fake_load(orig, fd_offs[i]);
			c = fake_conn(-1, BIG, 2);
			fk.avail = k;
			assert_int_equal(do_recv(c, &m, false, 0), -EAGAIN);
			/* No fd to poll: waiting forever would never end. */
			assert_int_equal(do_recv(c, &m, true, -1), -EAGAIN);
			assert_int_equal(fk.pos, k);
			fk.avail = n;
			recv_fake_ok(c, orig, false);
			assert_int_equal(fk.rflags & (MSG_CMSG_CLOEXEC | MSG_DONTWAIT),
					 MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
			vu_conn_free(c);
		}
		n = fake_load(orig, fd_offs[i]);
		c = fake_conn(dup(sv[1]), BIG, 2);
		for (k = 1; k < n; k++) {
			fk.avail = k;
			assert_int_equal(do_recv(c, &m, false, 0), -EAGAIN);
			assert_int_equal(m.nfds, 0);
		}
		fk.avail = n;
		recv_fake_ok(c, orig, true);
		fake_load(orig, fd_offs[i]);
		fk.avail = fk.len;
		fk.chunk = 1;
		recv_fake_ok(c, orig, false);
		vu_conn_free(c);
		assert_int_equal(fd_count(), base);
	}
	close_all(orig, 2);
	close(sv[0]);
	close(sv[1]);
}

/* The kernel's way: a real socket fed one byte per write, fds with the first. */
static void test_socket_trickle(void **state)
{
	uint8_t buf[HDR + 9];
	struct vu_msg m;
	struct peer p;
	int orig[3];
	size_t k;

	peer_open(&p, BIG, 3);
	pipes(orig, 3);
	put_hdr(buf, 9, VU_CMD_DMA_MAP, sizeof(buf), 0, 0);
	memcpy(buf + HDR, "123456789", 9);
	for (k = 0; k < sizeof(buf); k++) {
		raw_send(p.sv[0], buf + k, 1, orig, k ? 0 : 3);
		assert_int_equal(do_recv(p.c, &m, false, 0), k + 1 < sizeof(buf) ? -EAGAIN : 0);
	}
	expect_msg(&m, 9, 2, buf + HDR, 9);
	expect_fds(&m, orig, 3);
	vu_msg_release(&m);
	close_all(orig, 3);
	peer_close(&p);
}

/* ---- refused messages --------------------------------------------------- */

/* A message over max_size is consumed exactly: its payload, made of valid
 * header-only messages, must never be taken for messages. */
static void test_oversize_drained(void **state)
{
	static const uint32_t pays[] = { 64 - HDR + 1, 4096, 3 * 4096 + 100 };
	static uint8_t pay[3 * 4096 + 100];
	struct vu_msg m;
	struct peer p;
	size_t i, o;
	int orig[2];

	peer_open(&p, 64, 2);
	for (i = 0; i < ARRAY_SIZE(pays); i++) {
		for (o = 0; o + HDR <= pays[i]; o += HDR)
			put_hdr(pay + o, 0xbad, VU_CMD_DEVICE_RESET, HDR, 0, 0);
		memset(pay + o, 0xee, pays[i] - o);
		pipes(orig, 2);
		raw_msg(p.sv[0], 0x77, VU_CMD_REGION_WRITE, HDR + pays[i], pay, pays[i], orig, 2);
		raw_msg(p.sv[0], 0x42, VU_CMD_DEVICE_GET_INFO, HDR, NULL, 0, NULL, 0);
		close_all(orig, 2);
		expect_rule(do_recv(p.c, &m, false, 0), -EMSGSIZE, RULE_VU_CONN_SIZE_LIMIT);
		assert_int_equal(get16((uint8_t *)&m.hdr, 0), 0x77);
		assert_int_equal(get16((uint8_t *)&m.hdr, 2), 10);
		assert_int_equal(get32((uint8_t *)&m.hdr, 4), HDR + pays[i]);
		assert_null(m.payload);
		assert_int_equal(m.len, 0);
		assert_int_equal(m.nfds, 0);
		assert_int_equal(fd_count(), p.base);
		assert_int_equal(do_recv(p.c, &m, false, 0), 0);
		expect_msg(&m, 0x42, 4, NULL, 0);
		assert_int_equal(do_recv(p.c, &m, false, 0), -EAGAIN);
	}
	/* Exactly max_size is accepted. */
	raw_msg(p.sv[0], 5, VU_CMD_REGION_WRITE, 64, pay, 64 - HDR, NULL, 0);
	assert_int_equal(do_recv(p.c, &m, false, 0), 0);
	expect_msg(&m, 5, 10, pay, 64 - HDR);
	vu_msg_release(&m);
	peer_close(&p);
}

/* fds that come with a chunk of a drained message are closed too; a claimed
 * 4 GiB is drained, not allocated, up to the peer's close. */
static void test_oversize_fake(void **state)
{
	int orig[2], base;
	struct vu_conn *c;
	struct vu_msg m;

	pipes(orig, 2);
	base = fd_count();
	fake_load(orig, HDR + 20);
	fk.avail = fk.len;
	c = fake_conn(-1, 32, 2);
	expect_rule(do_recv(c, &m, false, 0), -EMSGSIZE, RULE_VU_CONN_SIZE_LIMIT);
	assert_int_equal(m.nfds, 0);
	assert_int_equal(fd_count(), base);
	vu_conn_free(c);

	fake_reset();
	put_hdr(fk.data, 1, VU_CMD_REGION_WRITE, UINT32_MAX, 0, 0);
	fk.len = fk.avail = HDR + 1000;
	fk.eof = true;
	c = fake_conn(-1, 64, 1);
	expect_rule(do_recv(c, &m, false, 0), -ECONNRESET, RULE_VU_CONN_EOF_MID_MSG);
	assert_int_equal(fk.pos, HDR + 1000);
	vu_conn_free(c);
	close_all(orig, 2);
}

/* The stream cannot continue: msg_size < 16 (§1.3) and the kernel's
 * MSG_CTRUNC for 65 fds (it installs the 64 that fit, which must be
 * closed). The valid message behind is never delivered. */
static void test_fatal(void **state)
{
	static const struct {
		uint32_t size;
		unsigned nfds;
		int rule;
	} rows[] = {
		{ 0, 1, RULE_VU_CONN_SIZE_SMALL },
		{ 1, 1, RULE_VU_CONN_SIZE_SMALL },
		{ 15, 1, RULE_VU_CONN_SIZE_SMALL },
		{ 16, MAX_FDS + 1, RULE_VU_CONN_CTRUNC },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		int orig[MAX_FDS + 1];
		struct vu_msg m;
		struct peer p;

		peer_open(&p, BIG, MAX_FDS);
		pipes(orig, rows[i].nfds);
		raw_msg(p.sv[0], 3, VU_CMD_VERSION, rows[i].size, NULL, 0, orig, rows[i].nfds);
		raw_msg(p.sv[0], 4, VU_CMD_DEVICE_RESET, HDR, NULL, 0, NULL, 0);
		close_all(orig, rows[i].nfds);
		expect_rule(do_recv(p.c, &m, false, 0), -EPROTO, rows[i].rule);
		assert_int_equal(m.nfds, 0);
		assert_null(m.payload);
		assert_int_equal(fd_count(), p.base);
		expect_rule(do_recv(p.c, &m, false, 0), -EPROTO, RULE_VU_CONN_BROKEN);
		expect_rule(do_recv(p.c, &m, true, 10), -EPROTO, RULE_VU_CONN_BROKEN);
		peer_close(&p);
	}
}

/* MSG_CTRUNC on a payload chunk: its fds, the header's and the partial
 * payload are released. */
static void test_ctrunc_mid_message(void **state)
{
	int orig[2], base;
	struct vu_conn *c;
	struct vu_msg m;

	pipes(orig, 2);
	base = fd_count();
	fake_load(orig, 0);
	fk.avail = HDR + 10;
	c = fake_conn(-1, BIG, 4);
	assert_int_equal(do_recv(c, &m, false, 0), -EAGAIN);
	assert_int_equal(fd_count(), base + 2);
	fk.fds_sent = false;
	fk.fd_off = HDR + 10;
	fk.ctrunc = true;
	fk.avail = fk.len;
	expect_rule(do_recv(c, &m, false, 0), -EPROTO, RULE_VU_CONN_CTRUNC);
	assert_int_equal(fd_count(), base);
	expect_rule(do_recv(c, &m, false, 0), -EPROTO, RULE_VU_CONN_BROKEN);
	vu_conn_free(c);
	close_all(orig, 2);
}

/* More fds than max_fds: all closed, header and payload delivered for the
 * error reply, and the stream goes on. */
static void test_too_many_fds(void **state)
{
	static const struct {
		unsigned max, sent;
	} rows[] = { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 63, 64 } };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		int orig[MAX_FDS];
		struct vu_msg m;
		struct peer p;

		peer_open(&p, BIG, rows[i].max);
		pipes(orig, rows[i].sent);
		raw_msg(p.sv[0], 11, VU_CMD_DEVICE_SET_IRQS, HDR + 3, "abc", 3, orig, rows[i].sent);
		close_all(orig, rows[i].sent);
		expect_rule(do_recv(p.c, &m, false, 0), -EBADMSG, RULE_VU_CONN_FDS_LIMIT);
		expect_msg(&m, 11, 8, (const uint8_t *)"abc", 3);
		assert_int_equal(m.nfds, 0);
		vu_msg_release(&m);
		assert_int_equal(fd_count(), p.base);
		pipes(orig, rows[i].max);	/* exactly max_fds is fine */
		raw_msg(p.sv[0], 12, VU_CMD_DEVICE_SET_IRQS, HDR + 3, "abc", 3, orig, rows[i].max);
		assert_int_equal(do_recv(p.c, &m, false, 0), 0);
		expect_msg(&m, 12, 8, (const uint8_t *)"abc", 3);
		expect_fds(&m, orig, rows[i].max);
		vu_msg_release(&m);
		close_all(orig, rows[i].max);
		peer_close(&p);
	}
}

/* fds are collected across chunks: 64 with the header and one more with the
 * payload overflow what one message can hold. */
static void test_fds_overflow_chunks(void **state)
{
	int orig[MAX_FDS + 1], base;
	struct vu_conn *c;
	struct vu_msg m;

	pipes(orig, MAX_FDS + 1);
	base = fd_count();
	fake_reset();
	put_hdr(fk.data, 6, VU_CMD_DEVICE_SET_IRQS, HDR + 4, 0, 0);
	fk.len = HDR + 4;
	fk.avail = HDR;
	fk.nfds = MAX_FDS;
	memcpy(fk.fds, orig, MAX_FDS * sizeof(int));
	c = fake_conn(-1, BIG, MAX_FDS);
	assert_int_equal(do_recv(c, &m, false, 0), -EAGAIN);
	assert_int_equal(fd_count(), base + (int)MAX_FDS);
	fk.fds_sent = false;
	fk.nfds = 1;
	fk.fds[0] = orig[MAX_FDS];
	fk.fd_off = HDR;
	fk.avail = HDR + 4;
	expect_rule(do_recv(c, &m, false, 0), -EBADMSG, RULE_VU_CONN_FDS_LIMIT);
	assert_int_equal(m.nfds, 0);
	assert_int_equal(m.len, 4);
	vu_msg_release(&m);
	assert_int_equal(fd_count(), base);
	vu_conn_free(c);
	close_all(orig, MAX_FDS + 1);
}

/* ---- end of stream and time -------------------------------------------- */

static void test_eof(void **state)
{
	static const struct {
		size_t sent;	/* bytes of a 16 + 8 message before the close */
		unsigned nfds;
		int rule;
	} rows[] = {
		{ 0, 0, RULE_NONE },
		{ 1, 1, RULE_VU_CONN_EOF_MID_MSG },
		{ 7, 0, RULE_VU_CONN_EOF_MID_MSG },
		{ 15, 1, RULE_VU_CONN_EOF_MID_MSG },
		{ 16, 1, RULE_VU_CONN_EOF_MID_MSG },
		{ 20, 1, RULE_VU_CONN_EOF_MID_MSG },
		{ 23, 0, RULE_VU_CONN_EOF_MID_MSG },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		uint8_t buf[HDR + 8] = { 0 };
		struct vu_msg m;
		struct peer p;
		int orig[1];

		peer_open(&p, BIG, 1);
		put_hdr(buf, 1, VU_CMD_REGION_READ, sizeof(buf), 0, 0);
		pipes(orig, rows[i].nfds);
		if (rows[i].sent) {
			raw_send(p.sv[0], buf, rows[i].sent, orig, rows[i].nfds);
			assert_int_equal(do_recv(p.c, &m, false, 0), -EAGAIN);
		}
		close_all(orig, rows[i].nfds);
		peer_hangup(&p);
		expect_rule(do_recv(p.c, &m, true, 1000), -ECONNRESET, rows[i].rule);
		assert_int_equal(m.nfds, 0);
		assert_null(m.payload);
		assert_int_equal(do_recv(p.c, &m, false, 0), -ECONNRESET);
		peer_close(&p);
	}
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A timeout keeps the partial message; the rest completes it later. */
static void test_timeout(void **state)
{
	uint8_t buf[HDR + 4];
	struct timespec t0;
	struct vu_msg m;
	struct peer p;

	peer_open(&p, BIG, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(do_recv(p.c, &m, true, 100), -ETIMEDOUT);
	assert_true(elapsed_ms(&t0) >= 99);
	assert_int_equal(do_recv(p.c, &m, true, 0), -ETIMEDOUT);
	put_hdr(buf, 8, VU_CMD_REGION_READ, sizeof(buf), 0, 0);
	memcpy(buf + HDR, "wxyz", 4);
	raw_send(p.sv[0], buf, 10, NULL, 0);
	assert_int_equal(do_recv(p.c, &m, true, 30), -ETIMEDOUT);
	raw_send(p.sv[0], buf + 10, 8, NULL, 0);
	assert_int_equal(do_recv(p.c, &m, true, 30), -ETIMEDOUT);
	raw_send(p.sv[0], buf + 18, 2, NULL, 0);
	assert_int_equal(do_recv(p.c, &m, true, -1), 0);
	expect_msg(&m, 8, 9, buf + HDR, 4);
	vu_msg_release(&m);
	peer_close(&p);
}

/* ---- sending ------------------------------------------------------------ */

struct reader {
	struct vu_conn *c;
	int r;
	struct vu_msg m;
};

static void *reader_main(void *arg)
{
	struct reader *rd = arg;

	rd->r = vu_conn_recv(rd->c, &rd->m, true, 60000);
	return NULL;
}

struct counting {
	int fd;
	unsigned calls, cmsg_calls;
};

static ssize_t counting_sendmsg(void *opaque, const struct msghdr *mh, int flags)
{
	struct counting *k = opaque;
	ssize_t r;

	k->calls++;
	k->cmsg_calls += mh->msg_controllen != 0;
	r = sendmsg(k->fd, mh, flags);
	return r < 0 ? -errno : r;
}

/* 8 MiB and 2 fds to a reader thread, from a blocking and a non-blocking
 * socket (partial writes and EAGAIN): fds on the first sendmsg only. */
static void test_send_large(void **state)
{
	const size_t len = 8u << 20;
	uint8_t *pay = malloc(len);
	size_t i;
	int nb;

	assert_non_null(pay);
	for (i = 0; i < len; i++)
		pay[i] = (uint8_t)(i ^ (i >> 13));
	for (nb = 0; nb < 2; nb++) {
		struct vu_hdr h = { .id = 0xbeef, .cmd = VU_CMD_DMA_WRITE };
		struct counting k = { 0 };
		struct vu_conn_ops ops = { NULL, counting_sendmsg, &k };
		struct reader rd = { 0 };
		struct vu_conn *a;
		struct peer p;
		int orig[2];
		pthread_t t;

		peer_open(&p, (uint32_t)(HDR + len), 2);
		k.fd = p.sv[0];
		if (nb)
			assert_int_equal(fcntl(p.sv[0], F_SETFL, O_NONBLOCK), 0);
		assert_int_equal(vu_conn_new(dup(p.sv[0]), BIG, 0, &ops, &a), 0);
		rd.c = p.c;
		pipes(orig, 2);
		assert_int_equal(pthread_create(&t, NULL, reader_main, &rd), 0);
		assert_int_equal(vu_conn_send(a, &h, pay, len, orig, 2), 0);
		assert_int_equal(pthread_join(t, NULL), 0);
		assert_int_equal(rd.r, 0);
		expect_msg(&rd.m, 0xbeef, 12, pay, (uint32_t)len);
		expect_fds(&rd.m, orig, 2);
		assert_int_equal(k.cmsg_calls, 1);
		if (nb)
			assert_true(k.calls > 1);	/* 8 MiB exceeds any socket buffer */
		vu_msg_release(&rd.m);
		close_all(orig, 2);
		vu_conn_free(a);
		peer_close(&p);
	}
	free(pay);
}

/* One byte (or 7) per call with EINTR and EAGAIN in between: the stream is
 * exactly header + payload, the fds ride on the call that sends the first
 * byte and on no later one, and MSG_NOSIGNAL is always set. */
static void test_send_partial_fake(void **state)
{
	static const size_t chunks[] = { 1, 7, 0 };
	static const unsigned nfds[] = { 0, 3 };
	uint8_t pay[40], want[HDR + 40];
	int orig[3], sv[2];
	size_t i, j;

	pair(sv);	/* sv[0]: writable, polled after -EAGAIN */
	pipes(orig, 3);
	for (i = 0; i < sizeof(pay); i++)
		pay[i] = (uint8_t)(200 - i);
	put_hdr(want, 0x0102, VU_CMD_REGION_READ, HDR + 40, 0, 0);
	memcpy(want + HDR, pay, 40);
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		for (j = 0; j < ARRAY_SIZE(nfds); j++) {
			struct vu_hdr h = { .id = 0x0102, .cmd = VU_CMD_REGION_READ, .size = 1 };
			struct vu_conn *c;

			fake_reset();
			fk.out_chunk = chunks[i];
			fk.inject = true;
			c = fake_conn(dup(sv[0]), BIG, 1);
			assert_int_equal(vu_conn_send(c, &h, pay, 40, orig, nfds[j]), 0);
			assert_int_equal(fk.outlen, HDR + 40);
			assert_memory_equal(fk.out, want, HDR + 40);
			assert_false(fk.cmsg_after_data);
			assert_int_equal(fk.first_data_had_cmsg, nfds[j] != 0);
			assert_int_equal(fk.out_fds, nfds[j]);
			assert_int_equal(fk.sflags & MSG_NOSIGNAL, MSG_NOSIGNAL);
			vu_conn_free(c);
		}
	}
	close_all(orig, 3);
	close(sv[0]);
	close(sv[1]);
}

static void test_reply(void **state)
{
	static const struct {
		int err;
		uint32_t flags, error;	/* §1.7: REPLY 1 | ERROR 0x20, positive errno */
	} rows[] = {
		{ 0, 0x1, 0 },
		{ EINVAL, 0x21, 22 },
		{ -ENOENT, 0x21, 2 },
	};
	struct vu_hdr req = { .id = 0xfedc, .cmd = VU_CMD_DMA_UNMAP, .size = 40 };
	struct peer p;
	size_t i;

	peer_open(&p, BIG, 1);
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		uint8_t got[HDR + 1];

		assert_int_equal(vu_conn_reply(p.c, &req, rows[i].err), 0);
		assert_int_equal(recv(p.sv[0], got, sizeof(got), MSG_DONTWAIT), HDR);
		assert_int_equal(get16(got, 0), 0xfedc);
		assert_int_equal(get16(got, 2), 3);
		assert_int_equal(get32(got, 4), HDR);
		assert_int_equal(get32(got, 8), rows[i].flags);
		assert_int_equal(get32(got, 12), rows[i].error);
	}
	peer_close(&p);
}

static void test_send_errors(void **state)
{
	struct vu_hdr h = { .id = 1, .cmd = VU_CMD_REGION_WRITE };
	int fds[MAX_FDS + 1] = { 0 };
	uint8_t byte = 0;
	struct vu_conn *c;
	unsigned calls;
	struct peer p;

	peer_open(&p, BIG, 1);
	if (SIZE_MAX > UINT32_MAX) {
		vfsim_reject_clear();
		expect_rule(vu_conn_send(p.c, &h, &byte, (size_t)UINT32_MAX - HDR + 1, NULL, 0),
			    -EMSGSIZE, RULE_VU_CONN_SEND_SIZE);
	}
	vfsim_reject_clear();
	expect_rule(vu_conn_send(p.c, &h, &byte, 1, fds, MAX_FDS + 1), -EINVAL,
		    RULE_VU_CONN_SEND_FDS);
	/* A failure before the first byte leaves the stream usable; after
	 * it, half a message is on the wire and every later send fails. */
	fake_reset();
	fk.fail_err = -ENOBUFS;
	c = fake_conn(-1, BIG, 1);
	assert_int_equal(vu_conn_send(c, &h, &byte, 1, NULL, 0), -ENOBUFS);
	fk.fail_err = 0;
	assert_int_equal(vu_conn_send(c, &h, &byte, 1, NULL, 0), 0);
	assert_int_equal(fk.outlen, HDR + 1);
	fk.fail_err = -ENOBUFS;
	fk.fail_at = HDR + 7;
	fk.out_chunk = 7;
	assert_int_equal(vu_conn_send(c, &h, &byte, 1, NULL, 0), -ENOBUFS);
	fk.fail_err = 0;
	calls = fk.send_calls;
	assert_int_equal(vu_conn_send(c, &h, &byte, 1, NULL, 0), -ENOBUFS);
	assert_int_equal(fk.send_calls, calls);
	vu_conn_free(c);
	/* Peer gone: -EPIPE, and no SIGPIPE (which would end this program). */
	peer_hangup(&p);
	assert_int_equal(vu_conn_send(p.c, &h, &byte, 1, NULL, 0), -EPIPE);
	peer_close(&p);
}

static void test_new_and_limits(void **state)
{
	struct vu_conn *c = NULL;
	int orig[MAX_FDS];
	struct vu_msg m;
	struct peer p;

	vfsim_reject_clear();
	expect_rule(vu_conn_new(0, HDR - 1, 1, NULL, &c), -EINVAL, RULE_VU_CONN_LIMITS);
	vfsim_reject_clear();
	expect_rule(vu_conn_new(-1, BIG, 1, NULL, &c), -EBADF, RULE_VU_CONN_LIMITS);
	assert_null(c);
	/* set_limits clamps: max_size up to the header, max_fds down to 64. */
	peer_open(&p, BIG, 1);
	assert_int_equal(vu_conn_fd(p.c), p.sv[1]);
	vu_conn_set_limits(p.c, 0, 100000);
	pipes(orig, MAX_FDS);
	raw_msg(p.sv[0], 1, VU_CMD_DEVICE_RESET, HDR, NULL, 0, orig, MAX_FDS);
	assert_int_equal(do_recv(p.c, &m, false, 0), 0);
	expect_fds(&m, orig, MAX_FDS);
	vu_msg_release(&m);
	close_all(orig, MAX_FDS);
	raw_msg(p.sv[0], 2, VU_CMD_REGION_WRITE, HDR + 1, "x", 1, NULL, 0);
	expect_rule(do_recv(p.c, &m, false, 0), -EMSGSIZE, RULE_VU_CONN_SIZE_LIMIT);
	peer_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_split_points),
		cmocka_unit_test(test_socket_trickle),
		cmocka_unit_test(test_oversize_drained),
		cmocka_unit_test(test_oversize_fake),
		cmocka_unit_test(test_fatal),
		cmocka_unit_test(test_ctrunc_mid_message),
		cmocka_unit_test(test_too_many_fds),
		cmocka_unit_test(test_fds_overflow_chunks),
		cmocka_unit_test(test_eof),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_send_large),
		cmocka_unit_test(test_send_partial_fake),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_send_errors),
		cmocka_unit_test(test_new_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
