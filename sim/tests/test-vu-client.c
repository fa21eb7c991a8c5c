/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user client against a scripted fake server: a thread holding the
 * other end of a socketpair reads requests with plain recvmsg (not vu-conn,
 * so the client's transport is not checked against itself) and sends canned
 * replies, good and hostile. Layouts and errnos are transcribed from the
 * digest (../shared/spec/vfio-user.md §1-4, §6.B, §7). Every test counts
 * this process's descriptors before and after.
 */
#define _GNU_SOURCE
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

static void fk_failf(struct fake *f, const char *what)
{
	if (!f->fail[0])
		snprintf(f->fail, sizeof(f->fail), "%s", what);
}

static int fk_read_full(struct fake *f, int sock, void *buf, size_t len, bool fds)
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

static void fk_drop_fds(struct fake *f)
{
	for (unsigned i = 0; i < f->nfds; i++)
		close(f->fds[i]);
	f->nfds = 0;
}

/* Receive one request on @sock; 0 or -errno. */
static int fk_recv_on(struct fake *f, int sock)
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
static int fk_expect(struct fake *f, uint16_t cmd)
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

static void fk_send_on(int sock, uint16_t id, uint16_t cmd, uint32_t flags, uint32_t err, const void *p,
		       uint32_t len, const int *fds, unsigned nfds)
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
static void fk_reply(struct fake *f, const void *p, uint32_t len)
{
	fk_send_on(f->fd, f->h.id, f->h.cmd, VU_FLAGS_TYPE_REPLY, 0, p, len, NULL, 0);
}

static void fk_reply_fds(struct fake *f, const void *p, uint32_t len, const int *fds, unsigned nfds)
{
	fk_send_on(f->fd, f->h.id, f->h.cmd, VU_FLAGS_TYPE_REPLY, 0, p, len, fds, nfds);
}

static void fk_reply_err(struct fake *f, uint32_t err)
{
	fk_send_on(f->fd, f->h.id, f->h.cmd, VU_FLAGS_TYPE_REPLY | VU_FLAGS_ERROR, err, NULL, 0, NULL, 0);
}

/* VERSION: remember the proposal, answer 0.@minor with @json (NULL: none). */
static void fk_version_reply(struct fake *f, uint16_t major, uint16_t minor, const char *json, size_t jlen,
			     const int *fds, unsigned nfds)
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

static void fk_version(struct fake *f, const char *json)
{
	fk_version_reply(f, 0, 0, json, json ? strlen(json) + 1 : 0, NULL, 0);
}

#define FK_CAPS "{\"capabilities\":{\"max_msg_fds\":2,\"max_data_xfer_size\":64}}"

static void *fk_thread(void *opaque)
{
	struct fake *f = opaque;

	f->script(f);
	return NULL;
}

/* A socketpair, the script running on its server end. */
static void fk_start(struct fake *f, void (*script)(struct fake *f), const void *arg, int *ret_client_fd)
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

static void fk_join(struct fake *f)
{
	pthread_join(f->th, NULL);
}

static void fk_end(struct fake *f)
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
static int fk_attach(struct fake *f, void (*script)(struct fake *f), const void *arg,
		     const struct vfsim_vu_client_config *cfg, struct vfsim_vu_client **ret)
{
	int fd;

	fk_start(f, script, arg, &fd);
	return vfsim_vu_client_attach(fd, cfg, ret);
}

/* Stop: free the client first (so a script blocked on the socket sees EOF). */
static void fk_finish(struct fake *f, struct vfsim_vu_client *c)
{
	vfsim_vu_client_free(c);
	fk_join(f);
	fk_end(f);
}

static const struct vfsim_vu_client_config cfg_default = { .timeout_ms = 2000 };

/* ---- VERSION ------------------------------------------------------------------- */

static void sc_version_only(struct fake *f)
{
	fk_version(f, f->arg ? f->arg : FK_CAPS);
}

static void test_version_ok(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	const struct vfsim_vu_server_info *si;
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_version_only,
				   "{\"capabilities\":{\"max_msg_fds\":3,\"max_data_xfer_size\":4096,"
				   "\"max_dma_maps\":10,\"pgsizes\":4096,\"unknown\":1}}",
				   &cfg_default, &c), 0);
	fk_join(&f);
	/* §2.1: the proposal is major 0, our minor, NUL-terminated JSON, no fds. */
	assert_int_equal(f.ver_major, 0);
	assert_int_equal(f.ver_minor, VU_VERSION_MINOR);
	assert_int_equal(f.ver_nfds, 0);
	assert_int_equal(f.p[f.len - 1], 0);
	assert_non_null(strstr((char *)f.ver_json, "\"max_msg_fds\":8"));
	assert_null(strstr((char *)f.ver_json, "twin_socket\":{\"supported\":true"));
	si = vfsim_vu_client_server_info(c);
	assert_int_equal(si->major, 0);
	assert_int_equal(si->minor, 0);
	assert_int_equal(si->max_msg_fds, 3);
	assert_int_equal(si->max_data_xfer_size, 4096);
	assert_int_equal(si->max_dma_maps, 10);
	assert_false(si->twin_socket);
	vfsim_vu_client_free(c);
	fk_end(&f);
	assert_int_equal(tu_fd_count(), fds0);
}

/* No JSON: every capability takes its §2.3 default (max_msg_fds 1, 1 MiB). */
static void sc_version_nojson(struct fake *f)
{
	fk_version_reply(f, 0, 2, NULL, 0, NULL, 0);
}

static void test_version_defaults(void **state)
{
	struct vfsim_vu_client *c = NULL;
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_version_nojson, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_server_info(c)->minor, 2);
	assert_int_equal(vfsim_vu_client_server_info(c)->max_msg_fds, 1);
	assert_int_equal(vfsim_vu_client_server_info(c)->max_data_xfer_size, 1048576);
	fk_finish(&f, c);
}

struct version_case {
	const char *name;
	uint16_t major, minor;
	const char *json;	/* NULL: none */
	size_t jlen;		/* 0: strlen + 1 */
	bool error_reply;
	int err;
	int rule;		/* RULE_NONE: the server's error, nothing rejected */
};

static void sc_version_case(struct fake *f)
{
	const struct version_case *vc = f->arg;

	if (vc->error_reply) {
		if (fk_expect(f, VU_CMD_VERSION) == 0)
			fk_reply_err(f, EINVAL);
		return;
	}
	fk_version_reply(f, vc->major, vc->minor, vc->json,
			 vc->json ? (vc->jlen ? vc->jlen : strlen(vc->json) + 1) : 0, NULL, 0);
}

static const struct version_case version_cases[] = {
	/* §2.2: the reply's major must equal the proposal (0). */
	{ "major 1", 1, 0, "{}", 0, false, -EPROTO, RULE_VU_RPL_VERSION_MAJOR },
	/* §2.2: minor <= proposal. */
	{ "minor too high", 0, VU_VERSION_MINOR + 1, "{}", 0, false, -EPROTO, RULE_VU_RPL_VERSION_MINOR },
	/* §6.B CL-03: bad JSON, no NUL, wrong-typed known key. */
	{ "bad json", 0, 0, "{\"capabilities\":", 0, false, -EPROTO, RULE_VU_CAPS_JSON_SYNTAX },
	{ "no NUL", 0, 0, "{}", 2, false, -EPROTO, RULE_VU_CAPS_JSON_NUL },
	{ "wrong type", 0, 0, "{\"capabilities\":{\"max_msg_fds\":\"8\"}}", 0, false, -EPROTO, RULE_VU_CAPS_TYPE },
	/* A transfer size of 0 would never make progress; QEMU caps it at 64 MiB. */
	{ "xfer 0", 0, 0, "{\"capabilities\":{\"max_data_xfer_size\":0}}", 0, false, -EPROTO, RULE_VU_CAPS_MAX_DATA_XFER },
	/* More than we send is harmless: used as 64 MiB (QEMU's bound, §1.8). */
	{ "xfer 128M", 0, 0, "{\"capabilities\":{\"max_data_xfer_size\":134217728}}", 0, false, 0, RULE_NONE },
	/* CL-03: an ERROR reply to VERSION fails the attach with its errno. */
	{ "error reply", 0, 0, NULL, 0, true, -EINVAL, RULE_NONE },
};

static void test_version_cases(void **state)
{
	for (size_t i = 0; i < TU_ARRAY_SIZE(version_cases); i++) {
		const struct version_case *vc = &version_cases[i];
		int fds0 = tu_fd_count();
		struct vfsim_vu_client *c = (void *)1;
		struct fake f;
		int r;

		print_message("version: %s\n", vc->name);
		r = fk_attach(&f, sc_version_case, vc, &cfg_default, &c);
		tu_expect_rule(r, vc->err, vc->rule);
		if (r == 0) {
			assert_int_equal(vfsim_vu_client_server_info(c)->max_data_xfer_size, 64u << 20);
			vfsim_vu_client_free(c);
		} else {
			assert_null(c);
		}
		fk_join(&f);
		fk_end(&f);
		assert_int_equal(tu_fd_count(), fds0);
	}
}

/* ---- twin socket (§2.4) ------------------------------------------------------------ */

struct twin_case {
	const char *name;
	bool offer;
	const char *json;
	int nfds;		/* fds sent: 0, 1 (a socket) or -1 (a pipe) */
	int err, rule;
};

static void sc_twin_case(struct fake *f)
{
	const struct twin_case *tc = f->arg;
	int sv[2], fd = -1, p[2] = { -1, -1 };

	if (tc->nfds > 0) {
		socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
		f->twin = sv[1];
		fd = sv[0];
	} else if (tc->nfds < 0) {
		pipe2(p, O_CLOEXEC);
		fd = p[0];
	}
	fk_version_reply(f, 0, 0, tc->json, strlen(tc->json) + 1, &fd, fd >= 0 ? 1 : 0);
	if (fd >= 0)
		close(fd);
	if (p[1] >= 0)
		close(p[1]);
}

static const struct twin_case twin_cases[] = {
	{ "accepted", true, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}", 1, 0, 0 },
	{ "declined", true, "{\"capabilities\":{\"twin_socket\":{\"supported\":false}}}", 0, 0, 0 },
	/* §2.4: true without fd_index, or an index past the fds -> close. */
	{ "no fd_index", true, "{\"capabilities\":{\"twin_socket\":{\"supported\":true}}}", 1, -EPROTO,
	  RULE_VU_RPL_TWIN_FD_INDEX },
	{ "index past fds", true, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":1}}}", 1,
	  -EPROTO, RULE_VU_RPL_TWIN_FD_INDEX },
	{ "no fd at all", true, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}", 0,
	  -EPROTO, RULE_VU_RPL_TWIN_FD_INDEX },
	{ "not a socket", true, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}", -1,
	  -EPROTO, RULE_VU_CLI_TWIN_NOT_SOCKET },
	/* §2.2: the reply's capabilities are a subset of the proposal. */
	{ "not offered", false, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}", 1,
	  -EPROTO, RULE_VU_RPL_TWIN_NOT_OFFERED },
	{ "stray fd", true, "{}", 1, -EPROTO, RULE_VU_RPL_FDS },
};

static void test_twin_cases(void **state)
{
	for (size_t i = 0; i < TU_ARRAY_SIZE(twin_cases); i++) {
		const struct twin_case *tc = &twin_cases[i];
		struct vfsim_vu_client_config cfg = { .timeout_ms = 2000, .twin_socket = tc->offer };
		int fds0 = tu_fd_count();
		struct vfsim_vu_client *c = NULL;
		struct fake f;
		int r;

		print_message("twin: %s\n", tc->name);
		r = fk_attach(&f, sc_twin_case, tc, &cfg, &c);
		fk_join(&f);
		if (tc->offer)
			assert_non_null(strstr((char *)f.ver_json, "\"supported\":true"));
		if (tc->err)
			tu_expect_rule(r, tc->err, tc->rule);
		else
			assert_int_equal(r, 0);
		if (!r)
			assert_int_equal(vfsim_vu_client_server_info(c)->twin_socket, tc->nfds == 1);
		vfsim_vu_client_free(c);
		fk_end(&f);
		assert_int_equal(tu_fd_count(), fds0);
	}
}

/* ---- the good path of every command -------------------------------------------------- */

static void sc_commands(struct fake *f)
{
	struct vu_device_info di = { 16, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, 9, 5 };
	struct vu_irq_info ii;
	uint8_t buf[256];

	fk_version(f, FK_CAPS);

	if (fk_expect(f, VU_CMD_DEVICE_GET_INFO) < 0)
		return;
	memcpy(&di, f->p, 4);	/* check below: the request's argsz was 16 */
	if (di.argsz != 16)
		fk_failf(f, "GET_INFO argsz");
	di = (struct vu_device_info){ 16, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, 9, 5 };
	fk_reply(f, &di, sizeof(di));

	if (fk_expect(f, VU_CMD_DEVICE_GET_IRQ_INFO) < 0)
		return;
	memcpy(&ii, f->p, sizeof(ii));
	ii.flags = VFIO_IRQ_INFO_EVENTFD;
	ii.count = 2048;
	fk_reply(f, &ii, sizeof(ii));

	if (fk_expect(f, VU_CMD_DEVICE_RESET) < 0)
		return;
	if (f->len)
		fk_failf(f, "RESET payload");
	fk_reply(f, NULL, 0);

	/* DEVICE_FEATURE GET MIGRATION: argsz is the reply capacity (§1.9). */
	if (fk_expect(f, VU_CMD_DEVICE_FEATURE) < 0)
		return;
	{
		struct vu_feature fe;
		uint64_t mf = VFIO_MIGRATION_STOP_COPY;

		memcpy(&fe, f->p, sizeof(fe));
		if (fe.argsz != 64 || f->len != 8)
			fk_failf(f, "FEATURE argsz");
		fe.argsz = 16;
		memcpy(buf, &fe, 8);
		memcpy(buf + 8, &mf, 8);
		fk_reply(f, buf, 16);
	}
}

static void test_commands(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	uint32_t flags = 0, nreg = 0, nirq = 0, count = 0;
	uint8_t fb[64] = { 0 };
	struct vu_feature fe = { 0, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION };
	uint64_t mf;
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_commands, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_get_info(c, &flags, &nreg, &nirq), 0);
	assert_int_equal(flags, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(nreg, 9);
	assert_int_equal(nirq, 5);
	assert_int_equal(vfsim_vu_client_get_irq_info(c, VFIO_PCI_MSIX_IRQ_INDEX, &flags, &count), 0);
	assert_int_equal(flags, VFIO_IRQ_INFO_EVENTFD);
	assert_int_equal(count, 2048);
	assert_int_equal(vfsim_vu_client_reset(c), 0);
	memcpy(fb, &fe, sizeof(fe));
	assert_int_equal(vfsim_vu_client_feature(c, fb, 8, sizeof(fb)), 16);
	memcpy(&mf, fb + 8, 8);
	assert_int_equal(mf, VFIO_MIGRATION_STOP_COPY);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
}

/* GET_REGION_INFO (§3.5, CL-10): the first request asks 32, the reply says
 * 80 are needed, the retry asks 80 and gets the sparse cap and the fd. */
static void sc_region_info(struct fake *f)
{
	struct {
		struct vu_region_info ri;
		struct vu_cap_hdr cap;
		uint32_t nr, res;
		uint64_t off, size;
		uint64_t off2, size2;
	} VU_PACKED rep = {
		.ri = { 80, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP |
			VFIO_REGION_INFO_FLAG_CAPS, 0, 32, 8192, 0 },
		.cap = { VFIO_REGION_INFO_CAP_SPARSE_MMAP, 1, 0 },
		.nr = 2, .off = 0, .size = 4096, .off2 = 4096, .size2 = 4096,
	};
	struct vu_region_info req, trunc;
	int memfd;

	fk_version(f, FK_CAPS);
	if (fk_expect(f, VU_CMD_DEVICE_GET_REGION_INFO) < 0)
		return;
	memcpy(&req, f->p, sizeof(req));
	if (req.argsz != 32 || req.index != 0)
		fk_failf(f, "first ask");
	/* libvfio-user's truncated reply: fixed part, argsz = needed, no caps. */
	trunc = rep.ri;
	trunc.flags &= ~VFIO_REGION_INFO_FLAG_CAPS;
	trunc.cap_offset = 0;
	fk_reply(f, &trunc, sizeof(trunc));
	if (fk_expect(f, VU_CMD_DEVICE_GET_REGION_INFO) < 0)
		return;
	memcpy(&req, f->p, sizeof(req));
	if (req.argsz != 80)
		fk_failf(f, "retry argsz");
	memfd = memfd_create("fk-bar", MFD_CLOEXEC);
	fk_reply_fds(f, &rep, sizeof(rep), &memfd, 1);
	close(memfd);

	/* A caller buffer of 40 cannot hold 80: fixed part, argsz 80. */
	if (fk_expect(f, VU_CMD_DEVICE_GET_REGION_INFO) < 0)
		return;
	fk_reply(f, &trunc, sizeof(trunc));
	/* A region without caps answers in one round trip. */
	if (fk_expect(f, VU_CMD_DEVICE_GET_REGION_INFO) < 0)
		return;
	trunc = (struct vu_region_info){ 32, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE, 7, 0, 4096, 0 };
	fk_reply(f, &trunc, sizeof(trunc));
}

static void test_region_info(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	uint8_t buf[256];
	struct vu_region_info ri;
	struct vu_cap_hdr cap;
	struct fake f;
	int fd = -1;

	assert_int_equal(fk_attach(&f, sc_region_info, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_get_region_info(c, 0, buf, sizeof(buf), &fd), 80);
	memcpy(&ri, buf, sizeof(ri));
	assert_int_equal(ri.argsz, 80);
	assert_int_equal(ri.cap_offset, 32);
	assert_true(ri.flags & VFIO_REGION_INFO_FLAG_CAPS);
	memcpy(&cap, buf + 32, sizeof(cap));
	assert_int_equal(cap.id, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(vfsim_vu_client_get_region_info(c, 0, buf, 40, &fd), 32);
	memcpy(&ri, buf, sizeof(ri));
	assert_int_equal(ri.argsz, 80);
	assert_int_equal(fd, -1);
	assert_int_equal(vfsim_vu_client_get_region_info(c, 7, buf, sizeof(buf), &fd), 32);
	assert_int_equal(fd, -1);
	/* The caller's buffer must hold the fixed part. */
	tu_expect_rule(vfsim_vu_client_get_region_info(c, 7, buf, 31, &fd), -EINVAL, RULE_VU_CLI_ARG_BUF);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
}

/* SET_IRQS (§3.8, CL-05): eventfds in chunks of the server's max_msg_fds (2);
 * a -1 entry goes as a 0-fd de-assign message of its own. */
struct irq_msg {
	uint32_t argsz, flags, start, count;
	unsigned nfds;
};

static const struct irq_msg irq_expect[] = {
	{ 20, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 2, 2 },
	{ 20, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, 2, 1, 1 },
	{ 20, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, 3, 1, 0 },
	{ 20, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, 4, 1, 1 },
	{ 23, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK, 1, 3, 0 },
	{ 20, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, 0 },
};

static void sc_set_irqs(struct fake *f)
{
	fk_version(f, FK_CAPS);
	for (size_t i = 0; i < TU_ARRAY_SIZE(irq_expect); i++) {
		struct vu_irq_set s;
		char msg[64];

		if (fk_expect(f, VU_CMD_DEVICE_SET_IRQS) < 0)
			return;
		memcpy(&s, f->p, sizeof(s));
		if (s.argsz != irq_expect[i].argsz || s.flags != irq_expect[i].flags || s.index != 2 ||
		    s.start != irq_expect[i].start || s.count != irq_expect[i].count ||
		    f->nfds != irq_expect[i].nfds || f->len != s.argsz) {
			snprintf(msg, sizeof(msg), "SET_IRQS message %zu", i);
			fk_failf(f, msg);
		}
		if (irq_expect[i].flags & VFIO_IRQ_SET_DATA_BOOL && memcmp(f->p + 20, "\1\0\1", 3))
			fk_failf(f, "SET_IRQS bools");
		/* The fds are real eventfds: signal them as the device would. */
		for (unsigned k = 0; k < f->nfds; k++) {
			uint64_t one = 1;

			if (write(f->fds[k], &one, 8) != 8)
				fk_failf(f, "eventfd write");
		}
		fk_reply(f, NULL, 0);
	}
}

static void test_set_irqs(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	int efd[5];
	uint8_t bools[3] = { 1, 0, 1 };
	struct fake f;

	for (int i = 0; i < 5; i++)
		efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_int_equal(fk_attach(&f, sc_set_irqs, NULL, &cfg_default, &c), 0);
	close(efd[3]);
	efd[3] = -1;
	assert_int_equal(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
						  VFIO_PCI_MSIX_IRQ_INDEX, 0, 5, efd), 0);
	assert_int_equal(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK,
						  VFIO_PCI_MSIX_IRQ_INDEX, 1, 3, bools), 0);
	assert_int_equal(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
						  VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL), 0);
	/* Two DATA bits is not a request a client may send. */
	tu_expect_rule(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL |
						   VFIO_IRQ_SET_ACTION_TRIGGER, 2, 0, 1, bools),
		       -EINVAL, RULE_VU_CLI_IRQ_FLAGS);
	fk_finish(&f, c);
	for (int i = 0; i < 5; i++) {
		uint64_t v = 0;

		if (efd[i] < 0)
			continue;
		assert_int_equal(read(efd[i], &v, 8), 8);
		assert_int_equal(v, 1);
		close(efd[i]);
	}
	assert_int_equal(tu_fd_count(), fds0);
}

/* Region access split by the server's max_data_xfer_size (64, CL-06). */
static void sc_region_rw(struct fake *f)
{
	static const uint32_t counts[] = { 64, 64, 22 };

	fk_version(f, FK_CAPS);
	for (int op = 0; op < 2; op++) {
		for (size_t i = 0; i < TU_ARRAY_SIZE(counts); i++) {
			struct vu_region_access a;
			uint8_t rep[16 + 64];

			if (fk_expect(f, op ? VU_CMD_REGION_WRITE : VU_CMD_REGION_READ) < 0)
				return;
			memcpy(&a, f->p, sizeof(a));
			if (a.offset != 0x100 + 64 * i || a.region != 2 || a.count != counts[i] ||
			    f->len != (op ? 16 + counts[i] : 16))
				fk_failf(f, "region access split");
			if (op && f->p[16] != (uint8_t)(0x100 + 64 * i))
				fk_failf(f, "region write data");
			memcpy(rep, &a, 16);
			for (uint32_t k = 0; k < a.count && !op; k++)
				rep[16 + k] = (uint8_t)(a.offset + k);
			fk_reply(f, rep, op ? 16 : 16 + a.count);
		}
	}
}

static void test_region_rw(void **state)
{
	struct vfsim_vu_client *c = NULL;
	uint8_t buf[150];
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_region_rw, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_region_read(c, 2, 0x100, buf, sizeof(buf)), 150);
	for (int i = 0; i < 150; i++)
		assert_int_equal(buf[i], (uint8_t)(0x100 + i));
	assert_int_equal(vfsim_vu_client_region_write(c, 2, 0x100, buf, sizeof(buf)), 150);
	tu_expect_rule(vfsim_vu_client_region_read(c, 2, UINT64_MAX, buf, 2), -EINVAL, RULE_VU_CLI_ARG_RANGE);
	fk_finish(&f, c);
}

/* MIG_DATA (§3.15): a reply size below the request ends the read. */
static void sc_mig(struct fake *f)
{
	fk_version(f, FK_CAPS);
	for (int i = 0; i < 2; i++) {
		struct vu_mig_data d;
		uint8_t rep[8 + 64];
		uint32_t give = i ? 10 : 64;

		if (fk_expect(f, VU_CMD_MIG_DATA_READ) < 0)
			return;
		memcpy(&d, f->p, sizeof(d));
		if (d.size != 64 || d.argsz != 72)
			fk_failf(f, "MIG_DATA_READ request");
		d.argsz = 8 + give;
		d.size = give;
		memcpy(rep, &d, 8);
		memset(rep + 8, 0xa0 + i, give);
		fk_reply(f, rep, 8 + give);
	}
	for (int i = 0; i < 2; i++) {
		struct vu_mig_data d;

		if (fk_expect(f, VU_CMD_MIG_DATA_WRITE) < 0)
			return;
		memcpy(&d, f->p, sizeof(d));
		if (d.size != (i ? 36u : 64u) || d.argsz != 8 + d.size || f->len != 8 + d.size)
			fk_failf(f, "MIG_DATA_WRITE request");
		fk_reply(f, NULL, 0);
	}
}

static void test_mig_data(void **state)
{
	struct vfsim_vu_client *c = NULL;
	uint8_t buf[200] = { 0 };
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_mig, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_mig_read(c, buf, 128), 74);
	assert_int_equal(buf[0], 0xa0);
	assert_int_equal(buf[73], 0xa1);
	assert_int_equal(vfsim_vu_client_mig_write(c, buf, 100), 100);
	fk_finish(&f, c);
}

/* ---- DMA windows (§3.2, §3.3) -------------------------------------------------------------- */

static void sc_dma_map(struct fake *f)
{
	struct vu_dma_map m;
	struct vu_dma_unmap u;
	void *p;

	fk_version(f, FK_CAPS);
	/* With the memfd: the server maps it and writes through it. */
	if (fk_expect(f, VU_CMD_DMA_MAP) < 0)
		return;
	memcpy(&m, f->p, sizeof(m));
	if (f->len != 32 || m.argsz != 32 || m.flags != 3 || m.offset != 0 || m.addr != 0x10000 ||
	    m.size != 0x2000 || f->nfds != 1)
		fk_failf(f, "DMA_MAP with fd");
	p = f->nfds == 1 ? mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_SHARED, f->fds[0], 0) : MAP_FAILED;
	if (p != MAP_FAILED) {
		memcpy((uint8_t *)p + 0x1000, "dev", 4);
		munmap(p, 0x2000);
	}
	fk_reply(f, NULL, 0);
	/* Without an fd: CL-13, offset 0 and no fds. */
	if (fk_expect(f, VU_CMD_DMA_MAP) < 0)
		return;
	memcpy(&m, f->p, sizeof(m));
	if (m.flags != 1 || m.offset != 0 || m.addr != 0x20000 || m.size != 0x1000 || f->nfds != 0)
		fk_failf(f, "DMA_MAP without fd");
	fk_reply(f, NULL, 0);
	/* A refused map: the window is dropped again. */
	if (fk_expect(f, VU_CMD_DMA_MAP) < 0)
		return;
	fk_reply_err(f, EEXIST);
	/* Exact unmap, then ALL (addr = size = 0, flags 2). */
	if (fk_expect(f, VU_CMD_DMA_UNMAP) < 0)
		return;
	memcpy(&u, f->p, sizeof(u));
	if (u.argsz != 24 || u.flags != 0 || u.addr != 0x20000 || u.size != 0x1000)
		fk_failf(f, "DMA_UNMAP");
	fk_reply(f, &u, sizeof(u));
	if (fk_expect(f, VU_CMD_DMA_UNMAP) < 0)
		return;
	memcpy(&u, f->p, sizeof(u));
	if (u.flags != VU_DMA_UNMAP_ALL || u.addr || u.size)
		fk_failf(f, "DMA_UNMAP ALL");
	fk_reply(f, &u, sizeof(u));
}

static void test_dma_map(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	void *a = NULL, *b = NULL, *x = NULL;
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_dma_map, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x10000, 0x2000, 3, true, &a), 0);
	assert_string_equal((char *)a + 0x1000, "dev");
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x20000, 0x1000, 1, false, &b), 0);
	/* Local checks, no message: overlap (§3.2 EEXIST), size 0, unaligned, prot. */
	tu_expect_rule(vfsim_vu_client_dma_map(c, 0x11000, 0x1000, 3, false, &x), -EEXIST, RULE_VU_CLI_DMA_OVERLAP);
	tu_expect_rule(vfsim_vu_client_dma_map(c, 0x40000, 0, 3, false, &x), -EINVAL, RULE_VU_CLI_DMA_ARGS);
	tu_expect_rule(vfsim_vu_client_dma_map(c, 0x40800, 0x1000, 3, false, &x), -EINVAL, RULE_VU_CLI_DMA_ARGS);
	tu_expect_rule(vfsim_vu_client_dma_map(c, 0x40000, 0x1000, 4, false, &x), -EINVAL, RULE_VU_CLI_DMA_ARGS);
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x30000, 0x1000, 3, false, &x), -EEXIST);
	assert_null(x);
	assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);	/* the server's error, not ours */
	tu_expect_rule(vfsim_vu_client_dma_unmap(c, 0x20000, 0x2000, 0), -ENOENT, RULE_VU_CLI_DMA_NOENT);
	tu_expect_rule(vfsim_vu_client_dma_unmap(c, 0x20000, 0x1000, VFIO_DMA_UNMAP_FLAG_ALL), -EINVAL,
		       RULE_VU_CLI_DMA_UNMAP_FLAGS);
	tu_expect_rule(vfsim_vu_client_dma_unmap(c, 0x20000, 0x1000, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP), -EINVAL,
		       RULE_VU_CLI_DMA_UNMAP_FLAGS);
	assert_int_equal(vfsim_vu_client_dma_unmap(c, 0x20000, 0x1000, 0), 0);
	assert_int_equal(vfsim_vu_client_dma_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL), 0);
	assert_int_equal(c->nwins, 0);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
}

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
	/* §1.7: header-only ERROR is the server's errno; a payload needs the quirk. */
	{ "error reply", BAD_ERR_HDR, VU_CMD_DEVICE_GET_INFO, -ENODEV, RULE_NONE, false },
	{ "error with payload", BAD_ERR_PAYLOAD, VU_CMD_DEVICE_GET_INFO, -EPROTO, RULE_VU_RPL_ERROR_PAYLOAD, false },
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

/* ---- serving server->client DMA (§3.10) ---------------------------------------------------- */

/* CL-18: a DMA_READ and a DMA_WRITE arrive before the reply to a pending
 * REGION_READ; the client serves both, then takes the reply. */
static void sc_dma_interleaved(struct fake *f)
{
	struct vu_dma_access d = { 0x10010, 4 };
	uint8_t buf[64];
	struct vu_region_access a;
	uint16_t rid;

	fk_version(f, FK_CAPS);
	if (fk_expect(f, VU_CMD_DMA_MAP) < 0)
		return;
	fk_reply(f, NULL, 0);
	if (fk_expect(f, VU_CMD_REGION_READ) < 0)
		return;
	rid = f->h.id;
	memcpy(&a, f->p, sizeof(a));
	fk_send_on(f->fd, 7, VU_CMD_DMA_READ, VU_FLAGS_TYPE_COMMAND, 0, &d, sizeof(d), NULL, 0);
	if (fk_recv_on(f, f->fd) < 0)
		return;
	/* CL-14: id and cmd echoed, addr and count echoed, data at 16. */
	if (f->h.id != 7 || f->h.cmd != VU_CMD_DMA_READ || f->h.flags != VU_FLAGS_TYPE_REPLY || f->len != 20 ||
	    memcmp(f->p, &d, 16) || memcmp(f->p + 16, "abcd", 4))
		fk_failf(f, "DMA_READ reply");
	memcpy(buf, &d, 16);
	memcpy(buf + 16, "WXYZ", 4);
	fk_send_on(f->fd, 8, VU_CMD_DMA_WRITE, VU_FLAGS_TYPE_COMMAND, 0, buf, 20, NULL, 0);
	if (fk_recv_on(f, f->fd) < 0)
		return;
	/* CL-15: the reply echoes address and count (16 bytes). */
	if (f->h.id != 8 || f->h.cmd != VU_CMD_DMA_WRITE || f->len != 16 || memcmp(f->p, &d, 16))
		fk_failf(f, "DMA_WRITE reply");
	memcpy(buf, &a, 16);
	memcpy(buf + 16, "regn", 4);
	fk_send_on(f->fd, rid, VU_CMD_REGION_READ, VU_FLAGS_TYPE_REPLY, 0, buf, 20, NULL, 0);
}

static void test_dma_interleaved(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	uint8_t *mem = NULL, out[4];
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_dma_interleaved, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x10000, 0x1000, 3, false, (void **)&mem), 0);
	memcpy(mem + 0x10, "abcd", 4);
	assert_int_equal(vfsim_vu_client_region_read(c, 0, 0, out, 4), 4);
	assert_memory_equal(out, "regn", 4);
	assert_memory_equal(mem + 0x10, "WXYZ", 4);
	assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
	assert_int_equal(c->served, 2);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
}

/* Requests served through vfsim_vu_client_process, the main thread acting
 * as the server after VERSION. */
struct dma_case {
	const char *name;
	uint16_t cmd;
	uint32_t flags;
	uint64_t addr, count;
	uint32_t data;		/* DMA_WRITE data bytes carried */
	bool with_fd;
	int err;		/* positive errno of the error reply, 0 = success */
	int rule;
};

static const struct dma_case dma_cases[] = {
	{ "read ok", VU_CMD_DMA_READ, 0, 0x10000, 16, 0, false, 0, 0 },
	{ "write ok", VU_CMD_DMA_WRITE, 0, 0x10ff0, 16, 16, false, 0, 0 },
	/* CL-16: outside every window -> EFAULT; across the end -> EFAULT. */
	{ "outside", VU_CMD_DMA_READ, 0, 0x50000, 4, 0, false, EFAULT, RULE_VU_CLI_SRV_FAULT },
	{ "across end", VU_CMD_DMA_READ, 0, 0x10ffc, 8, 0, false, EFAULT, RULE_VU_CLI_SRV_FAULT },
	{ "wrap", VU_CMD_DMA_READ, 0, UINT64_MAX - 3, 8, 0, false, EFAULT, RULE_VU_CLI_SRV_FAULT },
	/* §4.3: the read-only window refuses a device write (EPERM). */
	{ "write to read-only", VU_CMD_DMA_WRITE, 0, 0x20000, 4, 4, false, EPERM, RULE_VU_CLI_SRV_PERM },
	/* CL-16: count above our max_data_xfer_size (4096 here) -> E2BIG. */
	{ "count too big", VU_CMD_DMA_READ, 0, 0x10000, 8192, 0, false, E2BIG, RULE_VU_CLI_SRV_TOO_BIG },
	{ "write message too big", VU_CMD_DMA_WRITE, 0, 0x10000, 8192, 8192, false, E2BIG, RULE_VU_CLI_SRV_TOO_BIG },
	/* QEMU: count larger than the data carried -> E2BIG. */
	{ "write short data", VU_CMD_DMA_WRITE, 0, 0x10000, 8, 4, false, E2BIG, RULE_VU_CLI_SRV_DATA },
	/* CL-17: fds on a request -> EINVAL (closed); unknown command -> ENOSYS. */
	{ "fds", VU_CMD_DMA_READ, 0, 0x10000, 4, 0, true, EINVAL, RULE_VU_CLI_SRV_FDS },
	{ "unknown cmd", VU_CMD_DEVICE_GET_INFO, 0, 0x10000, 4, 0, false, ENOSYS, RULE_VU_CLI_SRV_UNKNOWN },
	{ "removed cmd 14", VU_CMD_DIRTY_PAGES, 0, 0x10000, 4, 0, false, ENOSYS, RULE_VU_CLI_SRV_UNKNOWN },
	/* spec 1.3 / TR-19: undefined flag bits of a command are ignored */
	{ "undefined flag ignored", VU_CMD_DMA_READ, 0x100, 0x10000, 4, 0, false, 0, 0 },
	/* §1.6: NO_REPLY is honoured, even for a refused request. */
	{ "no reply", VU_CMD_DMA_WRITE, VU_FLAGS_NO_REPLY, 0x10000, 4, 4, false, -1, 0 },
	{ "no reply, refused", VU_CMD_DMA_WRITE, VU_FLAGS_NO_REPLY, 0x50000, 4, 4, false, -1, RULE_VU_CLI_SRV_FAULT },
};

static void dma_client(struct fake *f, unsigned quirks, struct vfsim_vu_client **ret, uint8_t **ret_rw,
		       uint8_t **ret_ro)
{
	struct vfsim_vu_client_config cfg = { .timeout_ms = 2000, .max_data_xfer_size = 4096, .quirks = quirks };
	void *rw, *ro;

	assert_int_equal(fk_attach(f, sc_version_only, NULL, &cfg, ret), 0);
	fk_join(f);
	/* The main thread answers DMA_MAP: pre-load the replies (ids 2, 3). */
	fk_send_on(f->fd, 2, VU_CMD_DMA_MAP, VU_FLAGS_TYPE_REPLY, 0, NULL, 0, NULL, 0);
	fk_send_on(f->fd, 3, VU_CMD_DMA_MAP, VU_FLAGS_TYPE_REPLY, 0, NULL, 0, NULL, 0);
	assert_int_equal(vfsim_vu_client_dma_map(*ret, 0x10000, 0x1000, 3, false, &rw), 0);
	assert_int_equal(vfsim_vu_client_dma_map(*ret, 0x20000, 0x1000, 1, false, &ro), 0);
	assert_int_equal(fk_recv_on(f, f->fd), 0);
	assert_int_equal(fk_recv_on(f, f->fd), 0);
	for (int i = 0; i < 0x1000; i++)
		((uint8_t *)rw)[i] = (uint8_t)i;
	*ret_rw = rw;
	*ret_ro = ro;
}

static void test_dma_serve(void **state)
{
	int fds0 = tu_fd_count();

	for (size_t i = 0; i < TU_ARRAY_SIZE(dma_cases); i++) {
		const struct dma_case *dc = &dma_cases[i];
		struct vfsim_vu_client *c = NULL;
		uint8_t *rw, *ro, *req;
		struct vu_dma_access d = { dc->addr, dc->count };
		struct pollfd pfd;
		struct fake f;
		int efd = -1, r;

		print_message("dma: %s\n", dc->name);
		dma_client(&f, 0, &c, &rw, &ro);
		req = calloc(1, 16 + dc->data);
		memcpy(req, &d, 16);
		memset(req + 16, 0xee, dc->data);
		if (dc->with_fd)
			efd = eventfd(0, EFD_CLOEXEC);
		fk_send_on(f.fd, 0x4242, dc->cmd, VU_FLAGS_TYPE_COMMAND | dc->flags, 0, req,
			   dc->cmd == VU_CMD_DMA_WRITE ? 16 + dc->data : 16, &efd, efd >= 0 ? 1 : 0);
		if (efd >= 0)
			close(efd);
		free(req);
		r = vfsim_vu_client_process(c);
		assert_int_equal(r, 1);
		assert_int_equal(c->serve_rule, dc->rule);
		if (dc->err < 0) {
			pfd = (struct pollfd){ .fd = f.fd, .events = POLLIN };
			assert_int_equal(poll(&pfd, 1, 50), 0);	/* nothing came back */
		} else {
			assert_int_equal(fk_recv_on(&f, f.fd), 0);
			assert_int_equal(f.h.id, 0x4242);
			assert_int_equal(f.h.cmd, dc->cmd);
			assert_int_equal(f.nfds, 0);
			if (dc->err) {
				/* §1.7: REPLY|ERROR, header only. */
				assert_int_equal(f.h.flags, VU_FLAGS_TYPE_REPLY | VU_FLAGS_ERROR);
				assert_int_equal(f.h.error, dc->err);
				assert_int_equal(f.len, 0);
			} else {
				assert_int_equal(f.h.flags, VU_FLAGS_TYPE_REPLY);
				assert_memory_equal(f.p, &d, 16);
				if (dc->cmd == VU_CMD_DMA_READ) {
					assert_int_equal(f.len, 16 + dc->count);
					assert_memory_equal(f.p + 16, rw + (dc->addr - 0x10000), dc->count);
				} else {
					assert_int_equal(f.len, 16);
					assert_int_equal(rw[dc->addr - 0x10000], 0xee);
				}
			}
		}
		/* Refused writes touched nothing. */
		if (dc->cmd == VU_CMD_DMA_WRITE && dc->err > 0) {
			assert_int_equal(rw[0], 0);
			assert_int_equal(ro[0], 0);
		}
		fk_finish(&f, c);
		assert_int_equal(tu_fd_count(), fds0);
	}
}

/* §7.3: QEMU 10.1's layout (u32 count, data at 12, header-only DMA_WRITE reply). */
static void test_dma_qemu_quirk(void **state)
{
	struct vfsim_vu_client *c = NULL;
	uint8_t *rw, *ro, req[12 + 4];
	struct vu_dma_access_qemu q = { 0x10004, 4 };
	struct fake f;

	dma_client(&f, VFSIM_VU_QUIRK_QEMU_DMA, &c, &rw, &ro);
	memcpy(req, &q, 12);
	fk_send_on(f.fd, 1, VU_CMD_DMA_READ, 0, 0, req, 12, NULL, 0);
	assert_int_equal(vfsim_vu_client_process(c), 1);
	assert_int_equal(fk_recv_on(&f, f.fd), 0);
	assert_int_equal(f.len, 16);
	assert_memory_equal(f.p, &q, 12);
	assert_memory_equal(f.p + 12, "\x04\x05\x06\x07", 4);
	memcpy(req + 12, "qemu", 4);
	fk_send_on(f.fd, 2, VU_CMD_DMA_WRITE, 0, 0, req, 16, NULL, 0);
	assert_int_equal(vfsim_vu_client_process(c), 1);
	assert_int_equal(fk_recv_on(&f, f.fd), 0);
	assert_int_equal(f.h.flags, VU_FLAGS_TYPE_REPLY);
	assert_int_equal(f.len, 0);
	assert_memory_equal(rw + 4, "qemu", 4);
	fk_finish(&f, c);
}

/* A reply nobody asked for, outside any call, is a protocol error. */
static void test_process_unexpected_reply(void **state)
{
	struct vfsim_vu_client *c = NULL;
	uint8_t *rw, *ro;
	struct fake f;

	dma_client(&f, 0, &c, &rw, &ro);
	assert_int_equal(vfsim_vu_client_process(c), 0);
	fk_send_on(f.fd, 99, VU_CMD_DEVICE_GET_INFO, VU_FLAGS_TYPE_REPLY, 0, NULL, 0, NULL, 0);
	tu_expect_rule(vfsim_vu_client_process(c), -EPROTO, RULE_VU_CLI_REPLY_UNEXPECTED);
	tu_expect_rule(vfsim_vu_client_process(c), -ENOTCONN, RULE_VU_CLI_BROKEN);
	fk_finish(&f, c);
}

/* Twin socket: DMA on the twin while a REGION_READ waits on the main. */
static void sc_twin_dma(struct fake *f)
{
	static const char json[] = "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}";
	struct vu_dma_access d = { 0x10000, 4 };
	uint8_t buf[32];
	int sv[2];
	uint16_t rid;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	f->twin = sv[1];
	fk_version_reply(f, 0, 0, json, sizeof(json), &sv[0], 1);
	close(sv[0]);
	if (fk_expect(f, VU_CMD_DMA_MAP) < 0)
		return;
	fk_reply(f, NULL, 0);
	if (fk_expect(f, VU_CMD_REGION_READ) < 0)
		return;
	rid = f->h.id;
	memcpy(buf, f->p, 16);
	fk_send_on(f->twin, 1, VU_CMD_DMA_READ, 0, 0, &d, 16, NULL, 0);
	/* A DMA request on the main socket in twin mode is refused. */
	fk_send_on(f->fd, 2, VU_CMD_DMA_READ, 0, 0, &d, 16, NULL, 0);
	if (fk_recv_on(f, f->twin) < 0 || f->h.id != 1 || f->len != 20 || memcmp(f->p + 16, "twin", 4))
		fk_failf(f, "twin DMA_READ reply");
	if (fk_recv_on(f, f->fd) < 0 || f->h.id != 2 || f->h.error != EINVAL)
		fk_failf(f, "main DMA_READ in twin mode");
	memcpy(buf + 16, "okay", 4);
	fk_send_on(f->fd, rid, VU_CMD_REGION_READ, VU_FLAGS_TYPE_REPLY, 0, buf, 20, NULL, 0);
}

static void test_twin_dma(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client_config cfg = { .timeout_ms = 2000, .twin_socket = true };
	struct vfsim_vu_client *c = NULL;
	uint8_t *mem, out[4];
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_twin_dma, NULL, &cfg, &c), 0);
	assert_true(vfsim_vu_client_server_info(c)->twin_socket);
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x10000, 0x1000, 3, false, (void **)&mem), 0);
	memcpy(mem, "twin", 4);
	assert_int_equal(vfsim_vu_client_region_read(c, 0, 0, out, 4), 4);
	assert_memory_equal(out, "okay", 4);
	assert_int_equal(c->served, 2);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
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

/* ---- end to end against the real server (vu-server.c), in-process ---------------------------- */

struct e2e {
	struct vfsim_dev *dev;
	struct vfsim_vu_server *srv;
	pthread_t th;
	volatile int stop;
	int result;		/* the server's last process() return */
};

static void *e2e_thread(void *opaque)
{
	struct e2e *e = opaque;

	while (!e->stop) {
		struct pollfd pfd = { .fd = vfsim_vu_server_fd(e->srv), .events = POLLIN };

		if (pfd.fd < 0)
			break;
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		e->result = vfsim_vu_server_process(e->srv);
		if (e->result != 0)
			break;
	}
	return NULL;
}

static void e2e_reg_write(struct vfsim_vu_client *c, uint32_t off, uint64_t v, size_t len)
{
	assert_int_equal(vfsim_vu_client_region_write(c, 0, off, &v, len), (int)len);
}

static uint32_t e2e_reg_read(struct vfsim_vu_client *c, uint32_t off)
{
	uint32_t v = 0;

	assert_int_equal(vfsim_vu_client_region_read(c, 0, off, &v, 4), 4);
	return v;
}

/* The engine (engine.h) copies SRC -> DST through the client's windows:
 * reading a window without fd makes the server send DMA_READ, writing one
 * sends DMA_WRITE, which the client serves while its REGION_WRITE waits. */
static void e2e_copy(struct vfsim_vu_client *c, uint64_t src, uint64_t dst, uint32_t len)
{
	e2e_reg_write(c, 0x18, 3, 4);	/* STATUS is RW1C */
	e2e_reg_write(c, 0x00, src, 8);
	e2e_reg_write(c, 0x08, dst, 8);
	e2e_reg_write(c, 0x10, len, 4);
	e2e_reg_write(c, 0x14, 1, 4);
	if (e2e_reg_read(c, 0x18) != 1)
		fail_msg("engine STATUS %#x ERRNO %u", e2e_reg_read(c, 0x18), e2e_reg_read(c, 0x1c));
}

static void e2e_run(bool twin)
{
	struct vfsim_vu_server_config scfg = { .twin_socket = twin };
	struct vfsim_vu_client_config ccfg = { .timeout_ms = 5000, .twin_socket = twin };
	struct vfsim_vu_client *c = NULL;
	uint32_t flags = 0, nreg = 0, nirq = 0, icount = 0;
	uint8_t *a = NULL, *b = NULL, buf[256], stream[4096];
	int fds0 = tu_fd_count(), sv[2], efd[8], fd = -1;
	struct vu_region_info ri;
	struct e2e e = { 0 };
	ssize_t n, total = 0;
	uint16_t id[2];

	e.dev = tu_dev_from("dmaengine");
	assert_int_equal(vfsim_vu_server_new(e.dev, &scfg, &e.srv), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(vfsim_vu_server_attach(e.srv, sv[1]), 0);
	assert_int_equal(pthread_create(&e.th, NULL, e2e_thread, &e), 0);
	assert_int_equal(vfsim_vu_client_attach(sv[0], &ccfg, &c), 0);
	assert_int_equal(vfsim_vu_client_server_info(c)->twin_socket, twin);

	assert_int_equal(vfsim_vu_client_get_info(c, &flags, &nreg, &nirq), 0);
	assert_int_equal(flags & (VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET),
			 VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(nreg, 10);	/* 9 PCI regions + the profile's device region */
	assert_int_equal(nirq, 5);
	/* Config space: the profile's vendor and device IDs. */
	assert_int_equal(vfsim_vu_client_region_read(c, VFIO_PCI_CONFIG_REGION_INDEX, 0, id, 4), 4);
	assert_int_equal(id[0], 0x1b36);
	assert_int_equal(id[1], 0x0102);
	/* BAR0 is mmap-able with a sparse area: caps through the argsz retry, and the fd. */
	n = vfsim_vu_client_get_region_info(c, 0, buf, sizeof(buf), &fd);
	assert_true(n > 32);
	memcpy(&ri, buf, sizeof(ri));
	assert_int_equal(ri.size, 0x4000);
	assert_true(ri.flags & VFIO_REGION_INFO_FLAG_MMAP);
	assert_true(ri.flags & VFIO_REGION_INFO_FLAG_CAPS);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(vfsim_vu_client_get_irq_info(c, VFIO_PCI_MSIX_IRQ_INDEX, &flags, &icount), 0);
	assert_int_equal(icount, 8);

	/* Eventfds for every MSI-X vector, chunked by the server's max_msg_fds. */
	for (int i = 0; i < 8; i++)
		efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_int_equal(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
						  VFIO_PCI_MSIX_IRQ_INDEX, 0, 8, efd), 0);

	/* Window A in-band (DMA_READ/WRITE), window B through the memfd. */
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x100000, 0x1000, 3, false, (void **)&a), 0);
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x200000, 0x1000, 3, true, (void **)&b), 0);
	for (int i = 0; i < 0x1000; i++)
		a[i] = (uint8_t)(i * 7);
	e2e_copy(c, 0x100000, 0x200000, 0x1000);
	assert_memory_equal(a, b, 0x1000);
	memset(b, 0x5a, 0x100);
	e2e_copy(c, 0x200000, 0x100080, 0x100);
	assert_int_equal(a[0x80], 0x5a);
	assert_int_equal(a[0x17f], 0x5a);
	assert_int_equal(a[0x180], (uint8_t)(0x180 * 7));
	assert_true(c->served > 0);

	/* Migration: to STOP_COPY, then MIG_DATA_READ until a short read. */
	{
		struct {
			struct vfio_device_feature f;
			struct vfio_device_feature_mig_state st;
		} fs = {
			.f = { .argsz = sizeof(fs), .flags = VFIO_DEVICE_FEATURE_SET |
							    VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE },
			.st = { .device_state = VFIO_DEVICE_STATE_STOP_COPY },
		};

		assert_int_equal(vfsim_vu_client_feature(c, &fs, sizeof(fs), sizeof(fs)), (int)sizeof(fs));
		do {
			n = vfsim_vu_client_mig_read(c, stream, sizeof(stream));
			assert_true(n >= 0);
			total += n;
		} while (n == (ssize_t)sizeof(stream) && total < (64 << 20));
		assert_true(total > 0);
		fs.f.argsz = sizeof(fs);
		fs.st.device_state = VFIO_DEVICE_STATE_RUNNING;
		assert_int_equal(vfsim_vu_client_feature(c, &fs, sizeof(fs), sizeof(fs)), (int)sizeof(fs));
	}

	assert_int_equal(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
						  VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL), 0);
	assert_int_equal(vfsim_vu_client_dma_unmap(c, 0x100000, 0x1000, 0), 0);
	assert_int_equal(vfsim_vu_client_dma_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL), 0);
	assert_int_equal(vfsim_vu_client_reset(c), 0);
	/* A server error is the caller's errno: region index out of range. */
	assert_true(vfsim_vu_client_region_read(c, 50, 0, buf, 4) < 0);
	assert_int_equal(c->broken, 0);

	vfsim_vu_client_free(c);
	pthread_join(e.th, NULL);
	assert_int_equal(e.result, 1);	/* the server saw the client leave */
	vfsim_vu_server_free(e.srv);
	vfsim_dev_free(e.dev);
	for (int i = 0; i < 8; i++)
		close(efd[i]);
	assert_int_equal(tu_fd_count(), fds0);
}

static void test_e2e(void **state)
{
	e2e_run(false);
}

static void test_e2e_twin(void **state)
{
	e2e_run(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_ok),
		cmocka_unit_test(test_version_defaults),
		cmocka_unit_test(test_version_cases),
		cmocka_unit_test(test_twin_cases),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_region_info),
		cmocka_unit_test(test_set_irqs),
		cmocka_unit_test(test_region_rw),
		cmocka_unit_test(test_mig_data),
		cmocka_unit_test(test_dma_map),
		cmocka_unit_test(test_bad_replies),
		cmocka_unit_test(test_dma_interleaved),
		cmocka_unit_test(test_dma_serve),
		cmocka_unit_test(test_dma_qemu_quirk),
		cmocka_unit_test(test_process_unexpected_reply),
		cmocka_unit_test(test_twin_dma),
		cmocka_unit_test(test_disconnect),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_timeout_flood),
		cmocka_unit_test(test_connect_errors),
		cmocka_unit_test(test_e2e),
		cmocka_unit_test(test_e2e_twin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
