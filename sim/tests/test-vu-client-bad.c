/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user client against a hostile or vanishing server: replies
 * with the wrong id, command, type, size, counts, capability chains,
 * errors and fds; a server that disconnects mid-reply, never answers, or
 * floods the client with DMA requests instead of the reply; connect
 * errors.
 * Layouts and errnos are transcribed from the digest
 * (../shared/spec/vfio-user.md §1-4, §6.B, §7); the fake server is in
 * vu-client-fixture.h. Every test counts this process's descriptors
 * before and after.
 */
#define _GNU_SOURCE
#include "vu-client-fixture.h"

/* ---- hostile replies -------------------------------------------------------------------------- */

enum bad_kind {
	BAD_ID, BAD_CMD, BAD_TYPE, BAD_SHORT, BAD_NUM_REGIONS, BAD_READ_COUNT, BAD_READ_ECHO,
	BAD_CAP_BACKWARD, BAD_CAP_BOUNDS, BAD_CAP_SELF, BAD_REGION_GROWS, BAD_ERR_HDR, BAD_ERR_PAYLOAD,
	BAD_ERR_PAYLOAD_QUIRK, BAD_ERR_ZERO, BAD_FDS, BAD_MIG_SIZE, BAD_TOO_BIG, BAD_SIZE_SMALL,
};

struct bad_case {
	const char *name;
	enum bad_kind kind;
	uint16_t cmd;		/* the command the client sends */
	int err;
	int rule;		/* vu_check_reply's rule where it sees the defect first */
	bool broken;		/* the connection is gone afterwards */
};

static const struct bad_case bad_cases[] = {
	/* §1.4: an unmatched reply is a protocol error; CL-08. */
	{ "wrong id", BAD_ID, VU_CMD_DEVICE_GET_INFO, -EPROTO, RULE_VU_CLI_REPLY_UNEXPECTED, true },
	/* §1.3: the reply echoes the command. */
	{ "wrong cmd", BAD_CMD, VU_CMD_DEVICE_GET_INFO, -EPROTO, RULE_VU_RPL_CMD, false },
	{ "neither type", BAD_TYPE, VU_CMD_DEVICE_GET_INFO, -EPROTO, RULE_VU_CLI_MSG_TYPE, true },
	{ "short payload", BAD_SHORT, VU_CMD_DEVICE_GET_INFO, -EPROTO, RULE_VU_RPL_DEVICE_INFO_SIZE, false },
	/* CL-12: no huge counts. */
	{ "num_regions 0xffffffff", BAD_NUM_REGIONS, VU_CMD_DEVICE_GET_INFO, -EPROTO, RULE_VU_RPL_DEVICE_INFO_COUNTS, false },
	/* §3.9: the reply count must not exceed the request. */
	{ "read count > asked", BAD_READ_COUNT, VU_CMD_REGION_READ, -EPROTO, RULE_VU_RPL_REGION_READ_COUNT, false },
	{ "read offset not echoed", BAD_READ_ECHO, VU_CMD_REGION_READ, -EPROTO, RULE_VU_RPL_REGION_READ_ECHO, false },
	/* CL-11: capability chains. */
	{ "cap next backward", BAD_CAP_BACKWARD, VU_CMD_DEVICE_GET_REGION_INFO, -EPROTO, RULE_VU_CAPS_WALK_BACKWARD, false },
	{ "cap out of bounds", BAD_CAP_BOUNDS, VU_CMD_DEVICE_GET_REGION_INFO, -EPROTO, RULE_VU_RPL_REGION_INFO_CAP_OFFSET, false },
	{ "cap loop", BAD_CAP_SELF, VU_CMD_DEVICE_GET_REGION_INFO, -EPROTO, RULE_VU_CAPS_WALK_SELF, false },
	{ "argsz keeps growing", BAD_REGION_GROWS, VU_CMD_DEVICE_GET_REGION_INFO, -EPROTO,
	  RULE_VU_CLI_REGION_RETRY, false },
	/* §1.7: an ERROR reply is the server's errno, payload or not (VU-ER-02). */
	{ "error reply", BAD_ERR_HDR, VU_CMD_DEVICE_GET_INFO, -ENODEV, RULE_NONE, false },
	{ "error with payload", BAD_ERR_PAYLOAD, VU_CMD_DEVICE_GET_INFO, -ENODEV, RULE_NONE, false },
	{ "error with payload, quirk", BAD_ERR_PAYLOAD_QUIRK, VU_CMD_DEVICE_GET_INFO, -ENODEV, RULE_NONE, false },
	/* libvfio-user's receive side: errno 0 with ERROR is EINVAL. */
	{ "error 0", BAD_ERR_ZERO, VU_CMD_DEVICE_GET_INFO, -EINVAL, RULE_NONE, false },
	{ "fds on GET_INFO", BAD_FDS, VU_CMD_DEVICE_GET_INFO, -EPROTO, RULE_VU_RPL_FDS, false },
	/* §1.8: drained, never allocated; the stream stays framed. */
	{ "reply above our limit (1 MiB + 32)", BAD_TOO_BIG, VU_CMD_DEVICE_GET_INFO, -EPROTO, RULE_VU_CLI_REPLY_TOO_BIG, false },
	/* §1.3: msg_size < 16 cannot be resynchronised. */
	{ "msg_size 8", BAD_SIZE_SMALL, VU_CMD_DEVICE_GET_INFO, -EPROTO, RULE_VU_CONN_SIZE_SMALL, true },
	{ "mig size > asked", BAD_MIG_SIZE, VU_CMD_MIG_DATA_READ, -EPROTO, RULE_VU_RPL_MIG_READ_COUNT, false },
};

static void sc_bad(struct fake *f)
{
	const struct bad_case *bc = f->arg;
	uint8_t buf[256] = { 0 };
	struct vu_device_info di = { 16, 0, 9, 5 };
	struct vu_region_info ri = { 96, VFIO_REGION_INFO_FLAG_CAPS | VFIO_REGION_INFO_FLAG_READ, 0, 32, 4096, 0 };
	struct vu_cap_hdr cap = { 1, 1, 0 };
	struct vu_region_access a;
	int fd;

	fk_version(f, FK_CAPS);
	if (fk_expect(f, bc->cmd) < 0)
		return;
	switch (bc->kind) {
	case BAD_ID:
		fk_send_on(f->fd, f->h.id + 1, f->h.cmd, VU_FLAGS_TYPE_REPLY, 0, &di, 16, NULL, 0);
		break;
	case BAD_CMD:
		fk_send_on(f->fd, f->h.id, VU_CMD_DEVICE_GET_IRQ_INFO, VU_FLAGS_TYPE_REPLY, 0, &di, 16, NULL, 0);
		break;
	case BAD_TYPE:
		/* Type 2 is neither COMMAND nor REPLY (§1.3). */
		fk_send_on(f->fd, f->h.id, f->h.cmd, 2, 0, &di, 16, NULL, 0);
		break;
	case BAD_SHORT:
		fk_reply(f, &di, 8);
		break;
	case BAD_NUM_REGIONS:
		di.num_regions = 0xffffffff;
		fk_reply(f, &di, 16);
		break;
	case BAD_READ_COUNT:
	case BAD_READ_ECHO:
		memcpy(&a, f->p, sizeof(a));
		if (bc->kind == BAD_READ_COUNT)
			a.count = 200;
		else
			a.offset += 4;
		memcpy(buf, &a, sizeof(a));
		fk_reply(f, buf, 16 + (bc->kind == BAD_READ_COUNT ? 200 : 4));
		break;
	case BAD_CAP_BACKWARD:
	case BAD_CAP_BOUNDS:
	case BAD_CAP_SELF:
		/* The client asks 32 first: answer the retry with the chain. */
		ri.argsz = 96;
		ri.cap_offset = 0;
		ri.flags = VFIO_REGION_INFO_FLAG_READ;
		fk_reply(f, &ri, 32);
		if (fk_expect(f, bc->cmd) < 0)
			return;
		ri = (struct vu_region_info){ 96, VFIO_REGION_INFO_FLAG_CAPS | VFIO_REGION_INFO_FLAG_READ, 0, 32,
					      4096, 0 };
		if (bc->kind == BAD_CAP_BOUNDS)
			ri.cap_offset = 200;
		memcpy(buf, &ri, 32);
		cap.next = bc->kind == BAD_CAP_BACKWARD ? 48 : bc->kind == BAD_CAP_SELF ? 32 : 0;
		memcpy(buf + 32, &cap, 8);
		cap.next = bc->kind == BAD_CAP_BACKWARD ? 32 : 0;
		memcpy(buf + 48, &cap, 8);
		fk_reply(f, buf, 96);
		break;
	case BAD_REGION_GROWS:
		for (int i = 0; i < 3; i++) {
			ri = (struct vu_region_info){ 64 + 32 * i, VFIO_REGION_INFO_FLAG_READ, 0, 0, 4096, 0 };
			fk_reply(f, &ri, 32);
			if (i < 2 && fk_expect(f, bc->cmd) < 0)
				return;
		}
		break;
	case BAD_ERR_HDR:
		fk_reply_err(f, ENODEV);
		break;
	case BAD_ERR_PAYLOAD:
	case BAD_ERR_PAYLOAD_QUIRK:
		fk_send_on(f->fd, f->h.id, f->h.cmd, VU_FLAGS_TYPE_REPLY | VU_FLAGS_ERROR, ENODEV, &di, 16, NULL, 0);
		break;
	case BAD_ERR_ZERO:
		fk_reply_err(f, 0);
		break;
	case BAD_FDS:
		fd = eventfd(0, EFD_CLOEXEC);
		fk_reply_fds(f, &di, 16, &fd, 1);
		close(fd);
		break;
	case BAD_TOO_BIG:
		memset(f->p, 0, (1 << 20) + 64);
		fk_send_on(f->fd, f->h.id, f->h.cmd, VU_FLAGS_TYPE_REPLY, 0, f->p, (1 << 20) + 64, NULL, 0);
		break;
	case BAD_SIZE_SMALL: {
		struct vu_hdr h = { f->h.id, f->h.cmd, 8, VU_FLAGS_TYPE_REPLY, 0 };

		send(f->fd, &h, sizeof(h), MSG_NOSIGNAL);
		break;
	}
	case BAD_MIG_SIZE: {
		struct vu_mig_data d = { 8 + 100, 100 };

		memcpy(buf, &d, 8);
		fk_reply(f, buf, 8 + 100);
		break;
	}
	}
}

static int bad_call(struct vfsim_vu_client *c, uint16_t cmd)
{
	uint8_t buf[256];
	int fd = -1, r;

	switch (cmd) {
	case VU_CMD_DEVICE_GET_INFO:
		return vfsim_vu_client_get_info(c, NULL, NULL, NULL);
	case VU_CMD_REGION_READ:
		return vfsim_vu_client_region_read(c, 0, 0, buf, 8);
	case VU_CMD_MIG_DATA_READ:
		return (int)vfsim_vu_client_mig_read(c, buf, 64);
	default:
		r = vfsim_vu_client_get_region_info(c, 0, buf, sizeof(buf), &fd);
		if (fd >= 0)
			close(fd);
		return r;
	}
}

static void test_bad_replies(void **state)
{
	for (size_t i = 0; i < TU_ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *bc = &bad_cases[i];
		struct vfsim_vu_client_config cfg = { .timeout_ms = 2000 };
		int fds0 = tu_fd_count();
		struct vfsim_vu_client *c = NULL;
		struct fake f;
		int r;

		print_message("bad reply: %s\n", bc->name);
		if (bc->kind == BAD_ERR_PAYLOAD_QUIRK)
			cfg.quirks = VFSIM_VU_QUIRK_ERROR_PAYLOAD;
		assert_int_equal(fk_attach(&f, sc_bad, bc, &cfg, &c), 0);
		r = bad_call(c, bc->cmd);
		/* RULE_NONE: the server's errno, nothing rejected on our side. */
		tu_expect_rule(r, bc->err, bc->rule);
		fk_join(&f);
		/* A well-framed bad reply fails its request only. */
		if (bc->broken)
			tu_expect_rule(vfsim_vu_client_reset(c), -ENOTCONN, RULE_VU_CLI_BROKEN);
		else
			assert_int_equal(c->broken, 0);
		fk_finish(&f, c);
		assert_int_equal(tu_fd_count(), fds0);
	}
}

/* ---- disconnect and timeout ----------------------------------------------------------------- */

static void sc_disconnect_mid_reply(struct fake *f)
{
	struct vu_hdr h;

	fk_version(f, FK_CAPS);
	if (fk_expect(f, VU_CMD_DEVICE_GET_INFO) < 0)
		return;
	h = (struct vu_hdr){ f->h.id, f->h.cmd, 32, VU_FLAGS_TYPE_REPLY, 0 };
	send(f->fd, &h, sizeof(h), MSG_NOSIGNAL);
	send(f->fd, "half", 4, MSG_NOSIGNAL);
	close(f->fd);
	f->fd = -1;
}

static void sc_silent(struct fake *f)
{
	fk_version(f, FK_CAPS);
	if (fk_expect(f, VU_CMD_DEVICE_GET_INFO) < 0)
		return;
	/* Never answer; wait for the client to go away. */
	(void)fk_recv_on(f, f->fd);
}

static void test_disconnect(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	struct fake f;
	int r;

	assert_int_equal(fk_attach(&f, sc_disconnect_mid_reply, NULL, &cfg_default, &c), 0);
	r = vfsim_vu_client_get_info(c, NULL, NULL, NULL);
	assert_int_equal(r, -ECONNRESET);
	assert_int_not_equal(vfsim_last_rule(NULL), RULE_NONE);
	/* CL-19: no further requests after the server left. */
	tu_expect_rule(vfsim_vu_client_get_info(c, NULL, NULL, NULL), -ENOTCONN, RULE_VU_CLI_BROKEN);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
}

static void test_timeout(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client_config cfg = { .timeout_ms = 100 };
	struct vfsim_vu_client *c = NULL;
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_silent, NULL, &cfg, &c), 0);
	tu_expect_rule(vfsim_vu_client_get_info(c, NULL, NULL, NULL), -ETIMEDOUT, RULE_VU_CLI_TIMEOUT);
	tu_expect_rule(vfsim_vu_client_reset(c), -ENOTCONN, RULE_VU_CLI_BROKEN);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
}

/* A server that sends DMA requests instead of the reply cannot hold the
 * client past its timeout. */
static void sc_flood(struct fake *f)
{
	struct vu_dma_access d = { 0x50000, 4 };
	struct timespec t0, t;

	fk_version(f, FK_CAPS);
	if (fk_expect(f, VU_CMD_DEVICE_GET_INFO) < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The client's timeout is 100 ms; still being served after 2 s fails. */
	for (uint16_t id = 1;; id++) {
		fk_send_on(f->fd, id, VU_CMD_DMA_READ, 0, 0, &d, 16, NULL, 0);
		if (fk_recv_on(f, f->fd) < 0)
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 2)
			break;
	}
	fk_failf(f, "the client served requests past its timeout");
}

static void test_timeout_flood(void **state)
{
	struct vfsim_vu_client_config cfg = { .timeout_ms = 100 };
	struct vfsim_vu_client *c = NULL;
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_flood, NULL, &cfg, &c), 0);
	tu_expect_rule(vfsim_vu_client_get_info(c, NULL, NULL, NULL), -ETIMEDOUT, RULE_VU_CLI_TIMEOUT);
	assert_true(c->served > 0);
	fk_finish(&f, c);
}

static void test_connect_errors(void **state)
{
	struct vfsim_vu_client *c = (void *)1;
	char longpath[200];

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = 0;
	tu_expect_rule(vfsim_vu_client_connect(longpath, NULL, &c), -ENAMETOOLONG, RULE_VU_CLI_PATH_LEN);
	assert_null(c);
	assert_int_equal(vfsim_vu_client_connect("/nonexistent/vfsim.sock", NULL, &c), -ENOENT);
	vfsim_vu_client_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_replies),
		cmocka_unit_test(test_disconnect),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_timeout_flood),
		cmocka_unit_test(test_connect_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
