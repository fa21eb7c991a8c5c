/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user server as a conformance target. Each case gets one fresh
 * connection: to the built-in server (a device from the profile served by
 * libvfsim in a second forked process on the other end of a socketpair, so a
 * server crash is a PEER-CRASH and never takes the case down), or to a
 * third-party server's listening socket (`vfsim check --socket PATH`), or to
 * one the runner started from a command line (--server-cmd: the spawn
 * helpers at the end, which own its process group and temp dir).
 *
 * Cases speak raw vfio-user through the helpers here: the header layout and
 * command numbers are transcribed from the spec (digest §1.3, §3.0) into
 * conf.h, never taken from sim/'s wire code, so the suite judges the
 * server with its own reading of the protocol. Every message sent or received
 * is a transcript line.
 */
#define _GNU_SOURCE	/* pipe2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
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

int conf_vu_serve_open(struct conf_ctx *ctx, const struct vfsim_vu_server_config *cfg_in, int fd,
		       struct vfsim_dev **ret_dev, struct vfsim_vu_server **ret_s)
{
	struct vfsim_vu_server_config cfg = { 0 };
	int r;

	*ret_dev = NULL;
	*ret_s = NULL;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (ctx->out_fd >= 0)
		close(ctx->out_fd);
	if (cfg_in)
		cfg = *cfg_in;
	cfg.faults |= ctx->target->faults;
	r = vfsim_dev_new(ctx->target->profile, ret_dev);
	if (r >= 0)
		r = vfsim_vu_server_new(*ret_dev, &cfg, ret_s);
	if (r >= 0)
		r = vfsim_vu_server_attach(*ret_s, fd);
	else
		close(fd);
	return r;
}

/* The built-in server's process: serve one client until it leaves. */
static void conf_vu_serve_child(struct conf_ctx *ctx, const struct vfsim_vu_server_config *cfg_in, int fd)
{
	struct vfsim_vu_server *s;
	struct vfsim_dev *dev;
	int r = conf_vu_serve_open(ctx, cfg_in, fd, &dev, &s);

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

int conf_vu_connect_socket(struct conf_ctx *ctx, const char *path)
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

int conf_vu_serve_fork(struct conf_ctx *ctx, const struct vfsim_vu_server_config *cfg, int *ret_sock, int *ret_pid)
{
	int sv[2], r;
	pid_t pid;

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
		conf_vu_serve_child(ctx, cfg, sv[1]);
	}
	close(sv[1]);
	*ret_sock = sv[0];
	*ret_pid = pid;
	return 0;
}

int conf_vu_target_up(struct conf_ctx *ctx)
{
	int r;

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
	return conf_vu_serve_fork(ctx, NULL, &ctx->v.sock, &ctx->v.server_pid);
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

/* ---- a third-party server from a command line (--server-cmd) ------------------------ */

#define CONF_SPAWN_CMD_MAX 8192		/* the command after {socket} substitution */
#define CONF_SPAWN_GRACE_MS 1000	/* SIGTERM to SIGKILL */
#define CONF_SPAWN_TAIL 512		/* stderr bytes quoted in a harness error */

int conf_mkdtemp(char *buf, size_t len, const char *prefix)
{
	char tmpl[7];

	/* mkdtemp's six-letter template, built so it does not read as a marker */
	memset(tmpl, 'X', 6);
	tmpl[6] = '\0';
	if ((size_t)snprintf(buf, len, "%s%s", prefix, tmpl) >= len) {
		buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	if (!mkdtemp(buf)) {
		int r = -errno;

		buf[0] = '\0';
		return r;
	}
	return 0;
}

void conf_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

int conf_subst_socket(const char *cmd, const char *path, char *out, size_t cap)
{
	size_t n = 0;
	int seen = 0;

	while (*cmd) {
		if (!strncmp(cmd, "{socket}", 8)) {
			const char *p;

			seen++;
			if (n + 1 >= cap)
				return -E2BIG;
			out[n++] = '\'';
			for (p = path; *p; p++) {
				if (*p == '\'') {
					if (n + 4 >= cap)
						return -E2BIG;
					memcpy(out + n, "'\\''", 4);
					n += 4;
				} else {
					if (n + 1 >= cap)
						return -E2BIG;
					out[n++] = *p;
				}
			}
			if (n + 1 >= cap)
				return -E2BIG;
			out[n++] = '\'';
			cmd += 8;
			continue;
		}
		if (n + 1 >= cap)
			return -E2BIG;
		out[n++] = *cmd++;
	}
	out[n] = '\0';
	return seen;
}

const char *conf_vu_spawn_stderr_path(const char *dir, char *buf, size_t len)
{
	snprintf(buf, len, "%s/stderr", dir);
	return buf;
}

/* The last CONF_SPAWN_TAIL bytes of the server's stderr, one line. */
static void conf_vu_spawn_tail(const struct conf_vu_spawn *sp, char *buf, size_t len)
{
	char path[sizeof(sp->dir) + 16], raw[CONF_SPAWN_TAIL + 1];
	FILE *f;
	size_t n, i;
	long sz;

	buf[0] = '\0';
	conf_vu_spawn_stderr_path(sp->dir, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) > CONF_SPAWN_TAIL)
		fseek(f, sz - CONF_SPAWN_TAIL, SEEK_SET);
	else
		fseek(f, 0, SEEK_SET);
	n = fread(raw, 1, CONF_SPAWN_TAIL, f);
	fclose(f);
	while (n && (raw[n - 1] == '\n' || raw[n - 1] == '\r'))
		n--;
	for (i = 0; i < n; i++)
		if (raw[i] == '\n' || raw[i] == '\r' || raw[i] == '\0')
			raw[i] = '|';
	raw[n] = '\0';
	snprintf(buf, len, "%s", raw);
}

static void conf_vu_spawn_exec(const char *cmd, const char *dir)
{
	static const int dfl[] = { SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGSEGV, SIGBUS, SIGABRT };
	char path[128];
	sigset_t none;
	size_t i;
	int fd;
	long fmax;

	setpgid(0, 0);
	for (i = 0; i < sizeof(dfl) / sizeof(dfl[0]); i++)
		signal(dfl[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0)
		_exit(126);
	conf_vu_spawn_stderr_path(dir, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || dup2(fd, 2) < 0)
		_exit(126);
	/* The runner's report files and pipes are not the server's business. */
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3u, ~0u, 0u) == 0)
		fmax = 0;
	else
#endif
		fmax = sysconf(_SC_OPEN_MAX);
	if (fmax < 0 || fmax > 65536)
		fmax = 65536;
	for (fd = 3; fd < fmax; fd++)
		close(fd);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

static void conf_vu_spawn_reap(struct conf_vu_spawn *sp, bool block)
{
	pid_t w;

	if (sp->pid <= 0 || sp->exited)
		return;
	do
		w = waitpid(sp->pid, &sp->status, block ? 0 : WNOHANG);
	while (w < 0 && errno == EINTR);
	if (w == sp->pid || (w < 0 && errno == ECHILD))
		sp->exited = true;
}

static void conf_vu_spawn_status(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "died of signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "exited with status %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int conf_vu_spawn_start(struct conf_vu_spawn *sp, const char *cmd, unsigned timeout_ms, char *err, size_t errlen)
{
	char *line = malloc(CONF_SPAWN_CMD_MAX);
	char tail[CONF_SPAWN_TAIL + 1], how[96];
	uint64_t deadline = conf_vu_now_ms() + timeout_ms;
	pid_t pid;
	int r;

	memset(sp, 0, sizeof(*sp));
	err[0] = '\0';
	if (!line)
		return -ENOMEM;
	r = conf_mkdtemp(sp->dir, sizeof(sp->dir), "/tmp/vfsim-check-");
	if (r < 0) {
		snprintf(err, errlen, "cannot make a temp dir for the server's socket: %s", strerror(-r));
		sp->dir[0] = '\0';
		free(line);
		return r;
	}
	snprintf(sp->sock, sizeof(sp->sock), "%s/vu.sock", sp->dir);
	r = conf_subst_socket(cmd, sp->sock, line, CONF_SPAWN_CMD_MAX);
	if (r <= 0) {
		r = r ? r : -EINVAL;
		snprintf(err, errlen, r == -EINVAL ? "the server command has no {socket}" :
			 "the server command is longer than %u bytes", CONF_SPAWN_CMD_MAX);
		goto fail;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot fork the server: %s", strerror(-r));
		goto fail;
	}
	if (pid == 0)
		conf_vu_spawn_exec(line, sp->dir);
	/* Both sides set the group, so a kill right after fork reaches it. */
	setpgid(pid, pid);
	sp->pid = pid;
	free(line);
	line = NULL;
	for (;;) {
		struct conf_ctx probe = { .v.sock = -1 };

		conf_vu_spawn_reap(sp, false);
		if (sp->exited) {
			conf_vu_spawn_status(sp->status, how, sizeof(how));
			conf_vu_spawn_tail(sp, tail, sizeof(tail));
			snprintf(err, errlen, "the server %s before its socket accepted a connection; stderr: %s",
				 how, tail[0] ? tail : "(empty)");
			r = -ECHILD;
			goto fail;
		}
		r = conf_vu_connect_socket(&probe, sp->sock);
		if (r >= 0) {
			close(r);
			return 0;
		}
		if (conf_vu_now_ms() >= deadline) {
			conf_vu_spawn_tail(sp, tail, sizeof(tail));
			snprintf(err, errlen, "the server's socket did not accept a connection within %u ms (%s); "
				 "stderr: %s", timeout_ms, strerror(-r), tail[0] ? tail : "(empty)");
			r = -ETIMEDOUT;
			goto fail;
		}
		conf_sleep_ms(10);
	}
fail:
	free(line);
	conf_vu_spawn_stop(sp, how, sizeof(how));
	return r;
}

int conf_vu_spawn_poll(struct conf_vu_spawn *sp, char *detail, size_t len)
{
	char how[96];

	conf_vu_spawn_reap(sp, false);
	if (!sp->exited || sp->killed || !WIFSIGNALED(sp->status))
		return CONF_PASS;
	conf_vu_spawn_status(sp->status, how, sizeof(how));
	snprintf(detail, len, "the server (%s) %s", sp->sock, how);
	return CONF_PEER_CRASH;
}

/* The temp dir with whatever the server left in it (its socket, a lock
 * file): files only, a bounded number; a subdirectory stays (rmdir fails). */
static void conf_vu_spawn_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	if (d) {
		while ((e = readdir(d)) && n++ < 4096) {
			char path[512];

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

int conf_vu_spawn_stop(struct conf_vu_spawn *sp, char *detail, size_t len)
{
	int v = CONF_PASS;

	if (sp->pid > 0) {
		bool gone_before;
		unsigned i;

		conf_vu_spawn_reap(sp, false);
		gone_before = sp->exited;
		/* The group outlives its leader when the shell left children:
		 * signal it whether or not the leader is still there. */
		sp->killed = true;
		kill(-sp->pid, SIGTERM);
		kill(-sp->pid, SIGCONT);
		for (i = 0; i < CONF_SPAWN_GRACE_MS / 10 && !sp->exited; i++) {
			conf_sleep_ms(10);
			conf_vu_spawn_reap(sp, false);
		}
		kill(-sp->pid, SIGKILL);
		conf_vu_spawn_reap(sp, true);
		/* Our SIGTERM/SIGKILL is no crash, unless it died before we sent them. */
		if (sp->exited && WIFSIGNALED(sp->status) &&
		    (gone_before || (WTERMSIG(sp->status) != SIGTERM && WTERMSIG(sp->status) != SIGKILL))) {
			char how[96];

			conf_vu_spawn_status(sp->status, how, sizeof(how));
			snprintf(detail, len, "the server %s", how);
			v = CONF_PEER_CRASH;
		}
		sp->pid = 0;
	}
	if (sp->dir[0]) {
		conf_vu_spawn_rmdir(sp->dir);
		sp->dir[0] = '\0';
	}
	return v;
}

int conf_vu_pipes(unsigned n, int *rfd, int *wfd)
{
	unsigned i;
	int p[2], r;

	for (i = 0; i < n; i++) {
		if (pipe2(p, O_CLOEXEC) < 0) {
			r = -errno;
			while (i--) {
				close(rfd[i]);
				close(wfd[i]);
			}
			return r;
		}
		rfd[i] = p[0];
		wfd[i] = p[1];
	}
	return 0;
}
