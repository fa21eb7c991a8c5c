/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vu-conn.c: vfio-user framing over AF_UNIX SOCK_STREAM (vfio-user.md §1.1,
 * §1.3). Round trips with 0..64 fds; a peer that trickles bytes (a fake
 * transport cut at every split point, and a real socket fed one byte per
 * write); pipelined messages; a refused oversize message drained without
 * desynchronising (its payload is made of valid headers); msg_size < 16,
 * too many fds, MSG_CTRUNC (the kernel's and a transport's), EOF at and
 * inside a message, timeouts that keep a partial message; vu_conn_new's
 * and set_limits' bounds. Sending is in test-vu-conn-send.c; the helpers
 * and the fake transport in vu-conn-fixture.h. Every case counts
 * /proc/self/fd before and after.
 *
 * Wire bytes are built and read by offset (§1.3: id @0 u16, cmd @2 u16,
 * msg_size @4 u32, flags @8 u32, error @12 u32, host order), not through
 * struct vu_hdr, so a layout mistake in vu-wire.h cannot cancel out.
 */
#include "vu-conn-fixture.h"

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
		cmocka_unit_test(test_new_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
