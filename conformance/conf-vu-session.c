/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reconnecting within a case (cases-vu-session.c): a built-in server that,
 * when its client leaves, serves the next connection queued on a control
 * socketpair with the same device, so a case can disconnect and come back to
 * the state it left; for a --socket target a plain reconnect.
 */
#define _GNU_SOURCE	/* struct ucred */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "include/vfsim.h"
#include "conf-int.h"

/* ---- reconnecting within a case (cases-vu-session.c) ---------------------------------------- */

/* Our end of the control socket of a built-in server made reconnectable by
 * conf_vu_serve_reconnectable(); -1 when none. A case runs in a process of
 * its own, so one per process is one per case. */
static int conf_vu_ctl = -1;

/* A descriptor sent on @ctl, or -1 (none pending / @ctl closed: *ret_eof). */
static int conf_vu_ctl_recv(int ctl, bool *ret_eof)
{
	char cbuf[CMSG_SPACE(sizeof(int))], b;
	struct iovec iov = { .iov_base = &b, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n = recvmsg(ctl, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	int fd = -1;

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		*ret_eof = true;
	if (n <= 0)
		return -1;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS && cm->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* The built-in server's process when a case reconnects: like
 * conf_vu_serve_child, but when its client leaves it takes the next
 * connection queued on @ctl (sent before the old one was closed) and serves
 * it with the same device; with none queued it exits. */
static void conf_vu_serve_multi_child(struct conf_ctx *ctx, const struct vfsim_vu_server_config *cfg_in, int fd,
				      int ctl)
{
	struct vfsim_vu_server *s;
	struct vfsim_dev *dev;
	bool eof = false;
	int r = conf_vu_serve_open(ctx, cfg_in, fd, &dev, &s), pending = -1;

	while (r == 0) {
		struct pollfd pfd[2] = { { .fd = vfsim_vu_server_fd(s), .events = POLLIN },
					 { .fd = eof ? -1 : ctl, .events = POLLIN } };

		if (pfd[0].fd < 0)
			break;
		if (poll(pfd, 2, 1000) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents) {
			int nfd = conf_vu_ctl_recv(ctl, &eof);

			if (nfd >= 0) {
				if (pending >= 0)
					close(pending);
				pending = nfd;
			}
		}
		if (!pfd[0].revents)
			continue;
		r = vfsim_vu_server_process(s);
		if (r != 1)
			continue;
		if (pending < 0 && !eof)
			pending = conf_vu_ctl_recv(ctl, &eof);
		if (pending < 0)
			break;
		r = vfsim_vu_server_attach(s, pending);
		pending = -1;
	}
	if (pending >= 0)
		close(pending);
	close(ctl);
	vfsim_vu_server_free(s);
	vfsim_dev_free(dev);
	_exit(0);
}

int conf_vu_serve_reconnectable(struct conf_ctx *ctx, const struct vfsim_vu_server_config *cfg)
{
	int sv[2], cv[2], r, v;
	pid_t pid;

	if (ctx->target->socket_path)
		return cfg ? -EOPNOTSUPP : 0;
	v = conf_vu_target_down(ctx);
	if (v == CONF_PEER_CRASH)
		return -ECHILD;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cv) < 0) {
		r = -errno;
		goto close_sv;
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto close_cv;
	}
	if (pid == 0) {
		close(sv[0]);
		close(cv[0]);
		conf_vu_serve_multi_child(ctx, cfg, sv[1], cv[1]);
	}
	close(sv[1]);
	close(cv[1]);
	if (conf_vu_ctl >= 0)
		close(conf_vu_ctl);
	conf_vu_ctl = cv[0];
	ctx->v.sock = sv[0];
	ctx->v.server_pid = pid;
	ctx->v.next_id = 1;
	return 0;
close_cv:
	close(cv[0]);
	close(cv[1]);
close_sv:
	close(sv[0]);
	close(sv[1]);
	return r;
}

int conf_vu_reconnect(struct conf_ctx *ctx)
{
	char cbuf[CMSG_SPACE(sizeof(int))], b = 'c';
	struct iovec iov = { .iov_base = &b, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int sv[2], r;

	if (ctx->target->socket_path) {
		if (ctx->v.sock >= 0)
			close(ctx->v.sock);
		ctx->v.sock = -1;
		r = conf_vu_connect_socket(ctx, ctx->target->socket_path);
		if (r < 0)
			return r;
		conf_note(ctx, "reconnected to %s", ctx->target->socket_path);
		ctx->v.sock = r;
		ctx->v.next_id = 1;
		return 0;
	}
	if (conf_vu_ctl < 0)
		return -ENOTCONN;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	/* Queue the new connection before the old one closes, so the server
	 * finds it when it sees its client leave. */
	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &sv[1], sizeof(int));
	if (sendmsg(conf_vu_ctl, &mh, MSG_NOSIGNAL) < 0) {
		r = -errno;
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	close(sv[1]);
	if (ctx->v.sock >= 0)
		close(ctx->v.sock);
	conf_note(ctx, "reconnected to the built-in server (same device)");
	ctx->v.sock = sv[0];
	ctx->v.next_id = 1;
	return 0;
}

int conf_vu_server_pid(struct conf_ctx *ctx)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (ctx->v.server_pid > 0)
		return ctx->v.server_pid;
	if (ctx->v.sock < 0 || getsockopt(ctx->v.sock, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0)
		return -errno;
	return uc.pid > 0 ? uc.pid : -ESRCH;
}
