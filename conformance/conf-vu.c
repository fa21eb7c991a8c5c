/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user server as a conformance target. Each case gets one fresh
 * connection: to the built-in server (a device from the profile served by
 * libvfsim in a second forked process on the other end of a socketpair, so a
 * server crash is a PEER-CRASH and never takes the case down), or to a
 * third-party server's listening socket (`vfsim check --socket PATH`).
 *
 * Cases speak raw vfio-user through the helpers here: the header layout and
 * command numbers are transcribed from the spec (digest §1.3, §3.0) into
 * conf.h, never taken from sim/'s wire code, so the suite judges the
 * server with its own reading of the protocol. Every message sent or received
 * is a transcript line.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "include/vfsim.h"
#include "conf-int.h"

#define CONF_VU_MAX_MSG (16u << 20)	/* a reply larger than this is a server fault */

static const char *const conf_vu_cmd_names[] = {
	[CONF_VU_VERSION] = "VERSION", [CONF_VU_DMA_MAP] = "DMA_MAP", [CONF_VU_DMA_UNMAP] = "DMA_UNMAP",
	[CONF_VU_GET_INFO] = "GET_INFO", [CONF_VU_GET_REGION_INFO] = "GET_REGION_INFO",
	[CONF_VU_GET_REGION_IO_FDS] = "GET_REGION_IO_FDS", [CONF_VU_GET_IRQ_INFO] = "GET_IRQ_INFO",
	[CONF_VU_SET_IRQS] = "SET_IRQS", [CONF_VU_REGION_READ] = "REGION_READ",
	[CONF_VU_REGION_WRITE] = "REGION_WRITE", [CONF_VU_DMA_READ] = "DMA_READ", [CONF_VU_DMA_WRITE] = "DMA_WRITE",
	[CONF_VU_RESET] = "DEVICE_RESET", [CONF_VU_REGION_WRITE_MULTI] = "REGION_WRITE_MULTI",
	[CONF_VU_DEVICE_FEATURE] = "DEVICE_FEATURE", [CONF_VU_MIG_DATA_READ] = "MIG_DATA_READ",
	[CONF_VU_MIG_DATA_WRITE] = "MIG_DATA_WRITE",
};

static const char *conf_vu_cmd_name(uint16_t cmd)
{
	if (cmd < sizeof(conf_vu_cmd_names) / sizeof(conf_vu_cmd_names[0]) && conf_vu_cmd_names[cmd])
		return conf_vu_cmd_names[cmd];
	return "cmd?";
}

static void conf_vu_note_msg(struct conf_ctx *ctx, const char *dir, const struct conf_vu_hdr *h,
			     const uint8_t *p, size_t len, unsigned nfds)
{
	char hex[3 * 16 + 1];
	size_t i, n = len < 16 ? len : 16;

	if (ctx->v.mute)
		return;
	hex[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, " %02x", p[i]);
	conf_note(ctx, "%s id=%u %s(%u) size=%u flags=0x%x error=%u payload=%zu fds=%u%s%s", dir, h->id,
		  conf_vu_cmd_name(h->cmd), h->cmd, h->size, h->flags, h->error, len, nfds, n ? " |" : "",
		  hex);
}

/* ---- the per-case connection --------------------------------------------------- */

/* The built-in server's process: serve one client until it leaves. */
static void conf_vu_serve_child(struct conf_ctx *ctx, int fd)
{
	struct vfsim_vu_server *s = NULL;
	struct vfsim_dev *dev = NULL;
	int r;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (ctx->out_fd >= 0)
		close(ctx->out_fd);
	r = vfsim_dev_new(ctx->target->profile, &dev);
	if (r >= 0)
		r = vfsim_vu_server_new(dev, NULL, &s);
	if (r >= 0)
		r = vfsim_vu_server_attach(s, fd);
	else
		close(fd);
	while (r == 0) {
		struct pollfd pfd = { .fd = vfsim_vu_server_fd(s), .events = POLLIN };

		if (pfd.fd < 0)
			break;
		if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
			break;
		r = vfsim_vu_server_process(s);
	}
	vfsim_vu_server_free(s);
	vfsim_dev_free(dev);
	_exit(0);
}

static int conf_vu_connect_socket(struct conf_ctx *ctx, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int conf_vu_target_up(struct conf_ctx *ctx)
{
	int sv[2], r;
	pid_t pid;

	ctx->v.sock = -1;
	ctx->v.server_pid = 0;
	ctx->v.next_id = 1;
	if (ctx->target->socket_path) {
		r = conf_vu_connect_socket(ctx, ctx->target->socket_path);
		if (r < 0)
			return r;
		ctx->v.sock = r;
		return 0;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	if (pid == 0) {
		close(sv[0]);
		conf_vu_serve_child(ctx, sv[1]);
	}
	close(sv[1]);
	ctx->v.sock = sv[0];
	ctx->v.server_pid = pid;
	return 0;
}

int conf_vu_target_down(struct conf_ctx *ctx)
{
	int status = 0, i;
	pid_t w = 0;

	if (ctx->v.sock >= 0)
		close(ctx->v.sock);
	ctx->v.sock = -1;
	if (ctx->v.server_pid <= 0)
		return CONF_PASS;
	/* The server leaves when its client does; give it a moment, then kill. */
	for (i = 0; i < 50; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		w = waitpid(ctx->v.server_pid, &status, WNOHANG);
		if (w != 0)
			break;
		nanosleep(&ts, NULL);
	}
	if (w == 0) {
		kill(ctx->v.server_pid, SIGKILL);
		waitpid(ctx->v.server_pid, &status, 0);
		status = 0;	/* killed by us, not a crash */
	}
	ctx->v.server_pid = 0;
	if (w > 0 && WIFSIGNALED(status)) {
		conf_note(ctx, "the built-in server died of signal %d", WTERMSIG(status));
		return CONF_PEER_CRASH;
	}
	return CONF_PASS;
}

/* ---- raw messages ------------------------------------------------------------------ */

int conf_vu_send_raw(struct conf_ctx *ctx, const struct conf_vu_hdr *h, const void *payload, size_t len,
		     const int *fds, unsigned nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * CONF_VU_MAX_FDS)];
	struct iovec iov[2] = {
		{ .iov_base = (void *)h, .iov_len = sizeof(*h) },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	size_t total = sizeof(*h) + len, sent = 0;

	if (nfds > CONF_VU_MAX_FDS)
		return -EINVAL;
	conf_vu_note_msg(ctx, "->", h, payload, len, nfds);
	if (nfds) {
		struct cmsghdr *cm;

		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	while (sent < total) {
		ssize_t n = sendmsg(ctx->v.sock, &mh, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		sent += (size_t)n;
		if (sent >= total)
			break;
		/* Partial: advance the iovecs; fds went with the first chunk. */
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
		while (mh.msg_iovlen && (size_t)n >= mh.msg_iov[0].iov_len) {
			n -= (ssize_t)mh.msg_iov[0].iov_len;
			mh.msg_iov++;
			mh.msg_iovlen--;
		}
		if (mh.msg_iovlen) {
			mh.msg_iov[0].iov_base = (uint8_t *)mh.msg_iov[0].iov_base + n;
			mh.msg_iov[0].iov_len -= (size_t)n;
		}
	}
	return 0;
}

int conf_vu_send(struct conf_ctx *ctx, uint16_t id, uint16_t cmd, uint32_t flags, const void *payload, size_t len,
		 const int *fds, unsigned nfds)
{
	struct conf_vu_hdr h = { .id = id, .cmd = cmd, .size = (uint32_t)(sizeof(h) + len), .flags = flags };

	return conf_vu_send_raw(ctx, &h, payload, len, fds, nfds);
}

uint16_t conf_vu_id(struct conf_ctx *ctx)
{
	return ctx->v.next_id++;
}

/* Read exactly @len bytes before the deadline; fds of the first read kept. */
static int conf_vu_read_full(struct conf_ctx *ctx, void *buf, size_t len, uint64_t deadline,
			     struct conf_vu_msg *m)
{
	uint8_t *p = buf;
	size_t got = 0;

	while (got < len) {
		char cbuf[CMSG_SPACE(sizeof(int) * CONF_VU_MAX_FDS)];
		struct iovec iov = { .iov_base = p + got, .iov_len = len - got };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		struct pollfd pfd = { .fd = ctx->v.sock, .events = POLLIN };
		struct timespec ts;
		struct cmsghdr *cm;
		uint64_t now;
		ssize_t n;
		int r;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
		if (now >= deadline)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)(deadline - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = recvmsg(ctx->v.sock, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == ECONNRESET ? -ECONNRESET : -errno;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			size_t k, nf;

			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			nf = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (k = 0; k < nf; k++) {
				int fd;

				memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof(int));
				if (m && m->nfds < CONF_VU_MAX_FDS)
					m->fds[m->nfds++] = fd;
				else
					close(fd);
			}
		}
		if (n == 0)
			return -ECONNRESET;
		got += (size_t)n;
	}
	return 0;
}

static uint64_t conf_vu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int conf_vu_recv(struct conf_ctx *ctx, struct conf_vu_msg *m, int timeout_ms)
{
	uint64_t deadline = conf_vu_now_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : CONF_VU_TIMEOUT_MS);
	int r;

	memset(m, 0, sizeof(*m));
	r = conf_vu_read_full(ctx, &m->hdr, sizeof(m->hdr), deadline, m);
	if (r < 0)
		goto fail;
	if (m->hdr.size < sizeof(m->hdr) || m->hdr.size > CONF_VU_MAX_MSG) {
		conf_note(ctx, "<- id=%u cmd=%u with msg_size %u: the stream cannot be followed", m->hdr.id,
			  m->hdr.cmd, m->hdr.size);
		r = -EPROTO;
		goto fail;
	}
	m->len = m->hdr.size - (uint32_t)sizeof(m->hdr);
	if (m->len) {
		m->payload = malloc(m->len);
		if (!m->payload) {
			r = -ENOMEM;
			goto fail;
		}
		r = conf_vu_read_full(ctx, m->payload, m->len, deadline, m);
		if (r < 0)
			goto fail;
	}
	conf_vu_note_msg(ctx, "<-", &m->hdr, m->payload, m->len, m->nfds);
	return 0;
fail:
	if (!ctx->v.mute || r != -ETIMEDOUT)
		conf_note(ctx, "<- %s", r == -ETIMEDOUT ? "(nothing)" : r == -ECONNRESET ? "(closed)" :
			  conf_errno_name(r));
	conf_vu_msg_free(m);
	return r;
}

void conf_vu_msg_free(struct conf_vu_msg *m)
{
	unsigned i;

	for (i = 0; i < m->nfds; i++)
		if (m->fds[i] >= 0)
			close(m->fds[i]);
	free(m->payload);
	memset(m, 0, sizeof(*m));
}

int conf_vu_call(struct conf_ctx *ctx, uint16_t cmd, const void *payload, size_t len, struct conf_vu_msg *reply)
{
	uint16_t id = conf_vu_id(ctx);
	int r;

	memset(reply, 0, sizeof(*reply));
	r = conf_vu_send(ctx, id, cmd, 0, payload, len, NULL, 0);
	if (r < 0)
		return r;
	r = conf_vu_recv(ctx, reply, 0);
	if (r < 0)
		return r;
	if (reply->hdr.id != id || reply->hdr.cmd != cmd) {
		conf_fail(ctx, "reply id=%u cmd=%u to request id=%u cmd=%u", reply->hdr.id, reply->hdr.cmd, id, cmd);
		return -EPROTO;
	}
	if (reply->hdr.flags & CONF_VU_F_ERROR)
		return reply->hdr.error ? -(int)reply->hdr.error : -EINVAL;
	return 0;
}

int conf_vu_version(struct conf_ctx *ctx, uint16_t major, uint16_t minor, const char *json,
		    struct conf_vu_msg *reply)
{
	uint8_t buf[4 + 1024];
	size_t len = 4;

	memcpy(buf, &major, 2);
	memcpy(buf + 2, &minor, 2);
	if (json) {
		size_t n = strlen(json) + 1;

		if (n > sizeof(buf) - 4)
			return -E2BIG;
		memcpy(buf + 4, json, n);
		len += n;
	}
	return conf_vu_call(ctx, CONF_VU_VERSION, buf, len, reply);
}

int conf_vu_negotiate(struct conf_ctx *ctx, const char *json)
{
	struct conf_vu_msg m;
	int r;

	r = conf_vu_version(ctx, 0, 0, json, &m);
	conf_vu_msg_free(&m);
	if (r < 0)
		return conf_harness_error(ctx, "setup: VERSION 0.0 failed: -%s", conf_errno_name(r));
	return CONF_PASS;
}

bool conf_vu_peer_closed(struct conf_ctx *ctx, int timeout_ms)
{
	struct pollfd pfd = { .fd = ctx->v.sock, .events = POLLIN };
	uint8_t b;
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return false;
	n = recv(ctx->v.sock, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno == ECONNRESET);
}
