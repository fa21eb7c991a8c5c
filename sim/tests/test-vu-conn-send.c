/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vu-conn.c, the sending side (vfio-user.md §1.1, §1.3, §1.7): an 8 MiB
 * send with 2 fds to a reader thread from a blocking and a non-blocking
 * socket (partial writes, EAGAIN), one or 7 bytes per call with EINTR and
 * EAGAIN injected by a fake transport (the fds ride on the first byte
 * only, MSG_NOSIGNAL always), header-only replies with and without an
 * errno, and send errors: size and fd limits, a failure before and after
 * the first byte, a peer that hung up (EPIPE, no SIGPIPE). Receiving is in
 * test-vu-conn.c; the helpers and the fake transport in vu-conn-fixture.h.
 * Every case counts /proc/self/fd before and after.
 */
#include "vu-conn-fixture.h"
#include <time.h>

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

/* A peer that stops reading: with a send timeout the send fails with
 * -ETIMEDOUT near the deadline instead of blocking for ever, on a blocking
 * socket too; part of the message is out, so every later send fails. */
static void test_send_timeout(void **state)
{
	const size_t big = 8u << 20;	/* far more than the socket buffers hold */
	uint8_t *payload = calloc(1, big);
	struct vu_hdr h = { .id = 1, .cmd = VU_CMD_REGION_READ, .flags = VU_FLAGS_TYPE_REPLY };
	struct timespec t0, t1;
	struct vu_conn *c;
	int sv[2];
	long ms;

	assert_non_null(payload);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);	/* blocking */
	assert_int_equal(vu_conn_new(sv[0], 1u << 20, 8, NULL, &c), 0);
	vu_conn_set_send_timeout(c, 150);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(vu_conn_send(c, &h, payload, big, NULL, 0), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 140 && ms < 2000);
	assert_int_equal(vu_conn_send(c, &h, NULL, 0, NULL, 0), -ETIMEDOUT);	/* sticky */
	vu_conn_free(c);
	close(sv[1]);
	free(payload);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_send_large),
		cmocka_unit_test(test_send_partial_fake),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_send_errors),
		cmocka_unit_test(test_send_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
