/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conformance cases: the server MUST rules the other tables leave uncovered:
 * sockets and framing, argsz, VERSION, region info layout, IRQ wiring
 * (cases-vu-extra.h). Expectations transcribed from the vfio-user spec digest
 * (sections 1-4); preconditions discovered over the protocol, a missing one
 * reports NOT-SUPPORTED.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "cases-vu-common.h"
#include "cases-vu-extra.h"
#include "cases-vu-extra-irq.h"

/* Write all of @len bytes (a stream may take them in parts). */
static int xs_write(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly @len bytes within @ms; *@nfds counts the fds of the first
 * recvmsg, plus 1000 per fd of a later one (they are closed). */
static int xs_read(int fd, void *buf, size_t len, int ms, unsigned *nfds)
{
	unsigned k, mul = 1;

	for (; len; mul = 1000) {
		char cbuf[CMSG_SPACE(sizeof(int) * 16)];
		struct iovec iov = { .iov_base = buf, .iov_len = len };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct cmsghdr *cm;
		ssize_t n;

		if (poll(&pfd, 1, ms) <= 0)
			return -ETIMEDOUT;
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			for (k = 0; cm->cmsg_type == SCM_RIGHTS && k < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int); k++) {
				close(((int *)(void *)CMSG_DATA(cm))[k]);
				if (nfds)
					*nfds += mul;
			}
		buf = (uint8_t *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- sockets (SK) ----------------------------------------------------------------------------- */

/* A built-in server listening on a fresh path (the runner's built-in target
 * is a socketpair): a child of this case, killed by xs_listen_stop. */
struct xs_listener {
	pid_t pid;
	char dir[64], path[108];
};

static int xs_listen_start(struct conf_ctx *ctx, struct xs_listener *l)
{
	unsigned i;
	int r;

	memset(l, 0, sizeof(*l));
	r = conf_mkdtemp(l->dir, sizeof(l->dir), "/tmp/vfsim-xs-");
	if (r < 0)
		return r;
	snprintf(l->path, sizeof(l->path), "%s/s", l->dir);
	l->pid = fork();
	if (l->pid < 0) {
		rmdir(l->dir);
		return -errno;
	}
	if (l->pid == 0) {
		struct vfsim_vu_server_config cfg = { .faults = ctx->target->faults };
		struct vfsim_vu_server *s = NULL;
		struct vfsim_dev *dev = NULL;
		volatile int stop = 0;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (ctx->out_fd >= 0)
			close(ctx->out_fd);
		if (ctx->v.sock >= 0)
			close(ctx->v.sock);
		if (vfsim_dev_new(ctx->target->profile, &dev) >= 0 && vfsim_vu_server_new(dev, &cfg, &s) >= 0)
			vfsim_vu_server_listen(s, l->path, &stop);
		_exit(0);
	}
	for (i = 0; i < 100; i++) {
		struct stat st;

		if (stat(l->path, &st) == 0)
			return 0;
		conf_sleep_ms(2);
	}
	return -ETIMEDOUT;
}

static void xs_listen_stop(struct xs_listener *l)
{
	if (l->pid > 0) {
		kill(l->pid, SIGKILL);
		waitpid(l->pid, NULL, 0);
	}
	unlink(l->path);
	rmdir(l->dir);
}

/* A second connection to the server the case talks to: the path of a
 * --socket target, or a listener of the built-in one (@l started). */
static int xs_second(struct conf_ctx *ctx, struct xs_listener *l, int *first)
{
	int r;

	*first = -1;
	if (ctx->target->socket_path)
		return conf_vu_connect_socket(ctx, ctx->target->socket_path);
	r = xs_listen_start(ctx, l);
	if (r < 0)
		return r;
	*first = conf_vu_connect_socket(ctx, l->path);
	if (*first < 0)
		return *first;
	return conf_vu_connect_socket(ctx, l->path);
}

static const char xs_version[] = "\x00\x00\x00\x00{\"capabilities\":{\"max_msg_fds\":1}}";

/* SK-01: an AF_UNIX stream: a message split over writes and two messages in
 * one write are both read as the stream they are. */
static int sk_stream(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct conf_vu_hdr h = { .id = 7, .cmd = CONF_VU_VERSION, .size = 16 + sizeof(xs_version) };
	struct vd_info gi = { .argsz = 16 };
	int type = 0, dom = 0, r;
	socklen_t sl = sizeof(type);
	uint8_t two[64];
	struct conf_vu_msg m;
	unsigned i;

	getsockopt(ctx->v.sock, SOL_SOCKET, SO_TYPE, &type, &sl);
	sl = sizeof(dom);
	getsockopt(ctx->v.sock, SOL_SOCKET, SO_DOMAIN, &dom, &sl);
	conf_check(ctx, type == SOCK_STREAM && dom == AF_UNIX, "the connection is domain %d type %d, want AF_UNIX "
		   "SOCK_STREAM", dom, type);
	/* VERSION in three writes: 10 header bytes, 6 more, then the payload. */
	r = xs_write(ctx->v.sock, &h, 10);
	conf_sleep_ms(5);
	if (r == 0)
		r = xs_write(ctx->v.sock, (uint8_t *)&h + 10, 6);
	conf_sleep_ms(5);
	if (r == 0)
		r = xs_write(ctx->v.sock, xs_version, sizeof(xs_version));
	if (r < 0)
		return conf_harness_error(ctx, "write: %s", conf_errno_name(r));
	r = conf_vu_recv(ctx, &m, 0);
	if (r < 0)
		return conf_fail(ctx, "VERSION written in 3 parts: no reply (%s)", conf_errno_name(r));
	conf_check(ctx, m.hdr.id == 7 && m.hdr.cmd == CONF_VU_VERSION && !(m.hdr.flags & CONF_VU_F_ERROR),
		   "VERSION written in 3 parts: reply id %u cmd %u flags 0x%x", m.hdr.id, m.hdr.cmd, m.hdr.flags);
	conf_vu_msg_free(&m);
	/* Two GET_INFOs in one write. */
	for (i = 0; i < 2; i++) {
		struct conf_vu_hdr g = { .id = (uint16_t)(100 + i), .cmd = CONF_VU_GET_INFO, .size = 32 };

		memcpy(two + 32 * i, &g, 16);
		memcpy(two + 32 * i + 16, &gi, 16);
	}
	if (xs_write(ctx->v.sock, two, 64) < 0)
		return conf_harness_error(ctx, "write failed");
	for (i = 0; i < 2; i++) {
		r = conf_vu_recv(ctx, &m, 0);
		if (r < 0)
			return conf_fail(ctx, "two GET_INFOs in one write: reply %u missing (%s)", i, conf_errno_name(r));
		conf_check(ctx, m.hdr.id == 100 + i && m.len == 16, "two GET_INFOs in one write: reply %u id %u, %u bytes",
			   i, m.hdr.id, m.len);
		conf_vu_msg_free(&m);
	}
	return conf_pass(ctx);
}

/* SK-02: an eventfd on a sendmsg that carries only the header (the payload
 * follows in a later write) is collected with the header; fds the server
 * sends come with its header's bytes. */
static int sk_fds_header(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_caps caps;
	struct vd_info gi;
	uint32_t flags, count, i;
	int idx, efd, r;

	NEGOTIATE(ctx, &caps);
	NEED_FDS(ctx, &caps);
	idx = xi_pick(ctx, 1, &count, &flags);
	if (idx >= 0 && xi_efds(&efd, 1) == 0) {
		struct vd_irq_set s = { 20, IRQ_DATA_EVENTFD | IRQ_ACT_TRIGGER, (uint32_t)idx, 0, 1 };
		struct conf_vu_hdr h = { .id = conf_vu_id(ctx), .cmd = CONF_VU_SET_IRQS, .size = 36 };
		struct conf_vu_msg m;

		r = conf_vu_send_raw(ctx, &h, NULL, 0, &efd, 1);
		conf_sleep_ms(5);
		if (r == 0)
			r = xs_write(ctx->v.sock, &s, sizeof(s));
		if (r == 0)
			r = conf_vu_recv(ctx, &m, 0);
		if (r < 0) {
			close(efd);
			return conf_fail(ctx, "SET_IRQS with the fd on the header's sendmsg: %s", conf_errno_name(r));
		}
		conf_check(ctx, !(m.hdr.flags & CONF_VU_F_ERROR), "SET_IRQS EVENTFD with its fd on the header's sendmsg "
			   "and the payload written later: error %u", m.hdr.error);
		conf_vu_msg_free(&m);
		if (xi_fire(ctx, (uint32_t)idx, 0, &efd, 1, NULL, &r, 0, 100) == 1)
			conf_note(ctx, "the fd collected with the header is the one signalled");
		close(efd);
	}
	GET_INFO(ctx, &gi);
	for (i = 0; i < gi.num_regions && i < 64; i++) {
		struct vd_region ri = { .argsz = 4096, .index = i };
		struct conf_vu_hdr h;
		uint8_t *p = NULL;
		unsigned nfds = 0;

		if (conf_vu_send(ctx, conf_vu_id(ctx), CONF_VU_GET_REGION_INFO, 0, &ri, sizeof(ri), NULL, 0) < 0)
			break;
		r = xs_read(ctx->v.sock, &h, 16, 1000, &nfds);
		if (r == 0 && h.size >= 16 && h.size < 65536 && (p = malloc(h.size - 16 + 1)))
			r = xs_read(ctx->v.sock, p, h.size - 16, 1000, &nfds);
		free(p);
		if (r < 0)
			return conf_fail(ctx, "GET_REGION_INFO %u: %s", i, conf_errno_name(r));
		conf_check(ctx, nfds < 1000, "GET_REGION_INFO %u: fds arrived after the header's bytes, not with them", i);
		if (nfds)
			conf_note(ctx, "region %u: %u fd(s) with the header", i, nfds);
	}
	return conf_pass(ctx);
}

/* SK-05: we take 1 fd per message; no reply carries more. */
static int sk_max_fds(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct conf_vu_msg m;
	struct vd_info gi;
	uint32_t i;
	int r = conf_vu_version(ctx, 0, 0, "{\"capabilities\":{\"max_msg_fds\":1}}", &m);

	conf_check(ctx, r < 0 || m.nfds == 0, "the VERSION reply carries %u fds (no twin socket offered)", m.nfds);
	conf_vu_msg_free(&m);
	if (r < 0)
		return conf_harness_error(ctx, "setup: VERSION: %s", conf_errno_name(r));
	GET_INFO(ctx, &gi);
	for (i = 0; i < gi.num_regions && i < 64; i++) {
		struct { uint32_t argsz, flags, index, count; } io = { 65536, 0, i, 0 };

		r = vd_region_full(ctx, i, &m);
		if (r >= 0)
			conf_check(ctx, m.nfds <= 1, "GET_REGION_INFO %u reply carries %u fds; we take 1", i, m.nfds);
		conf_vu_msg_free(&m);
		r = conf_vu_call(ctx, CONF_VU_GET_REGION_IO_FDS, &io, sizeof(io), &m);
		if (!is_transport_err(r))
			conf_check(ctx, m.nfds <= 1, "GET_REGION_IO_FDS %u reply carries %u fds; we take 1", i, m.nfds);
		if (!is_transport_err(r) && m.nfds)
			conf_note(ctx, "region %u: IO_FDS reply with %u fd", i, m.nfds);
		conf_vu_msg_free(&m);
		if (is_transport_err(r))
			return conf_fail(ctx, "GET_REGION_IO_FDS %u: %s", i, conf_errno_name(r));
	}
	return conf_pass(ctx);
}

/* SK-07: a second connection while the first is served is refused or waits;
 * served at once, its session must be its own (no multiplexed state). */
static int sk_second(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct xs_listener l = { .pid = 0 };
	int first = -1, fd, keep = ctx->v.sock, r;
	struct conf_vu_msg m;
	struct vd_caps caps;

	fd = xs_second(ctx, &l, &first);
	if (first >= 0)
		ctx->v.sock = first;
	if (fd < 0 && first < 0 && !ctx->target->socket_path) {
		ctx->v.sock = keep;
		xs_listen_stop(&l);
		return conf_harness_error(ctx, "the built-in listener: %s", conf_errno_name(fd));
	}
	if (vd_negotiate(ctx, &caps) != CONF_PASS)
		goto out;
	/* not MAP_OK: its early return would leave the listener's dir behind */
	r = vd_map(ctx, DMA_READ_F | DMA_WRITE_F, MAP_BASE, MAP_SIZE, -1);
	if (r < 0) {
		conf_fail(ctx, "setup: DMA_MAP [0x%llx, +0x%llx) failed: %s", (unsigned long long)MAP_BASE,
			  (unsigned long long)MAP_SIZE, conf_errno_name(r));
		goto out;
	}
	if (fd < 0) {
		conf_note(ctx, "second connect refused: %s", conf_errno_name(fd));
		goto out;
	}
	ctx->v.sock = fd;
	memset(&m, 0, sizeof(m));
	r = conf_vu_send(ctx, 1, CONF_VU_VERSION, 0, "\0\0\0", 4, NULL, 0);
	if (r == 0)
		r = conf_vu_recv(ctx, &m, 40);
	if (r == 0 && (m.hdr.flags & CONF_VU_F_ERROR))
		r = -(int)(m.hdr.error ? m.hdr.error : EINVAL);
	conf_vu_msg_free(&m);
	if (r == -ETIMEDOUT) {
		conf_note(ctx, "second connection: no VERSION reply while the first is served (queued)");
	} else if (r < 0) {
		conf_note(ctx, "second connection refused: %s", conf_errno_name(r));
	} else {
		/* Served at once: the first client's window must not be the second's. */
		r = vd_unmap(ctx, 0, MAP_BASE, MAP_SIZE);
		conf_check(ctx, r < 0, "a second connection served concurrently unmapped the first client's DMA window: "
			   "two clients multiplexed onto one session");
		conf_non_strict(ctx, "a second connection is served while the first is (one client per socket expected)");
	}
	ctx->v.sock = first >= 0 ? first : keep;
	conf_check(ctx, vd_unmap(ctx, 0, MAP_BASE, MAP_SIZE) == 0, "the first connection lost its DMA window to the "
		   "second");
out:
	if (fd >= 0)
		close(fd);
	if (first >= 0)
		close(first);
	ctx->v.sock = keep;
	if (!ctx->target->socket_path)
		xs_listen_stop(&l);
	return conf_pass(ctx);
}

/* ---- framing (FR), ordering (OR) -------------------------------------------------------------- */

/* FR-01: the reply bytes are 16-byte packed headers in host order, payload right after. */
static int fr_header(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_info gi = { .argsz = 16 };
	uint8_t raw[64];
	struct vd_caps caps;
	unsigned i;
	int r;

	NEGOTIATE(ctx, &caps);
	for (i = 0; i < 2; i++)
		if (conf_vu_send(ctx, (uint16_t)(0x4100 + i), CONF_VU_GET_INFO, 0, &gi, sizeof(gi), NULL, 0) < 0)
			return conf_harness_error(ctx, "send failed");
	r = xs_read(ctx->v.sock, raw, sizeof(raw), 1000, NULL);
	if (r < 0)
		return conf_fail(ctx, "two GET_INFO replies (64 bytes) did not arrive: %s", conf_errno_name(r));
	for (i = 0; i < 2; i++) {
		const uint8_t *p = raw + 32 * i;
		uint16_t id, cmd;
		uint32_t size, flags, err, argsz;

		memcpy(&id, p, 2);
		memcpy(&cmd, p + 2, 2);
		memcpy(&size, p + 4, 4);
		memcpy(&flags, p + 8, 4);
		memcpy(&err, p + 12, 4);
		memcpy(&argsz, p + 16, 4);
		conf_check(ctx, id == 0x4100 + i && cmd == CONF_VU_GET_INFO && size == 32 && flags == CONF_VU_F_REPLY &&
			   err == 0 && argsz == 16, "reply %u header bytes: id 0x%x cmd %u size %u flags 0x%x error %u, "
			   "payload argsz %u: want id 0x%x cmd 4 size 32 flags 1 error 0 argsz 16 (host order, packed)",
			   i, id, cmd, size, flags, err, argsz, 0x4100 + i);
	}
	return conf_pass(ctx);
}

/* FR-03: every server message carries TYPE 0 or 1; replies TYPE 1. */
static int fr_type(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const struct {
		uint16_t cmd;
		uint32_t p[6];
		size_t len;
	} req[] = {
		{ CONF_VU_GET_INFO, { 16 }, 16 },
		{ CONF_VU_GET_REGION_INFO, { 32, 0, 0xffff }, 32 },
		{ CONF_VU_GET_IRQ_INFO, { 16, 0, 0 }, 16 },
		{ CONF_VU_REGION_READ, { 0, 0, CFG_REGION, 4 }, 16 },
		{ 14, { 8, 1 }, 8 },
		{ CONF_VU_SET_IRQS, { 20, 0x3f, 0, 0, 1 }, 20 },
		{ CONF_VU_DMA_UNMAP, { 24, 0, 0, 1 }, 24 },
	};
	struct vd_caps caps;
	size_t i;

	NEGOTIATE(ctx, &caps);
	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		struct conf_vu_msg m;
		int r = conf_vu_call(ctx, req[i].cmd, req[i].p, req[i].len, &m);

		if (is_transport_err(r))
			return conf_fail(ctx, "command %u: no reply (%s)", req[i].cmd, conf_errno_name(r));
		conf_check(ctx, (m.hdr.flags & CONF_VU_F_TYPE_MASK) == 1, "reply to command %u has TYPE %u, want 1 "
			   "(REPLY)", req[i].cmd, m.hdr.flags & CONF_VU_F_TYPE_MASK);
		conf_vu_msg_free(&m);
	}
	return conf_pass(ctx);
}

/* FR-08: the packed sizes of 3.16 on the wire. */
static int fr_sizes(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_access a = { .offset = 0, .region = CFG_REGION, .count = 4 };
	struct vd_region ri = { .argsz = 32, .index = CFG_REGION };
	struct vd_unmap u = { .argsz = 24, .addr = MAP_BASE, .size = MAP_SIZE };
	uint32_t flags, count;
	struct vd_caps caps;
	struct conf_vu_msg m;
	int r, idx, efd;

	NEGOTIATE(ctx, &caps);
	MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	r = conf_vu_call(ctx, CONF_VU_DMA_UNMAP, &u, sizeof(u), &m);
	if (conf_expect_errno(ctx, "DMA_UNMAP (24-byte request)", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.len == 24, "DMA_UNMAP reply %u bytes, want the 24-byte entry", m.len);
	conf_vu_msg_free(&m);
	r = conf_vu_call(ctx, CONF_VU_GET_REGION_INFO, &ri, sizeof(ri), &m);
	if (conf_expect_errno(ctx, "GET_REGION_INFO config argsz 32", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.len == 32, "GET_REGION_INFO reply at argsz 32 is %u bytes, want 32", m.len);
	conf_vu_msg_free(&m);
	r = conf_vu_call(ctx, CONF_VU_REGION_READ, &a, sizeof(a), &m);
	if (conf_expect_errno(ctx, "REGION_READ (16-byte request)", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.len == 20 && !memcmp(m.payload, &a, 16), "REGION_READ count 4 reply %u bytes, want "
			   "the 16-byte access echo then 4 data bytes", m.len);
	conf_vu_msg_free(&m);
	idx = xi_pick(ctx, 1, &count, &flags);
	if (idx < 0 || caps.max_fds < 1)
		return conf_pass(ctx);
	if (xi_bind(ctx, (uint32_t)idx, 0, &efd, 1) != CONF_PASS)
		return conf_pass(ctx);
	close(efd);
	r = xi_set(ctx, IRQ_DATA_NONE | IRQ_ACT_TRIGGER, (uint32_t)idx, 0, 0, NULL, 0, NULL, 0, NULL, NULL);
	conf_expect_errno(ctx, "SET_IRQS 20-byte NONE|TRIGGER start 0 count 0 (disable)", r, 0, true);
	return conf_pass(ctx);
}

/* OR-03: NO_REPLY commands are done before a later reply. */
static int or_posted(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_map mp = { .argsz = 32, .flags = DMA_READ_F | DMA_WRITE_F, .addr = MAP_BASE, .size = MAP_SIZE };
	struct vd_caps caps;
	uint32_t flags, count;
	int idx, efd, r;

	NEGOTIATE(ctx, &caps);
	if (conf_vu_send(ctx, conf_vu_id(ctx), CONF_VU_DMA_MAP, CONF_VU_F_NO_REPLY, &mp, sizeof(mp), NULL, 0) < 0)
		return conf_harness_error(ctx, "send failed");
	conf_expect_errno(ctx, "DMA_UNMAP right after a NO_REPLY DMA_MAP of the window", vd_unmap(ctx, 0, MAP_BASE,
			  MAP_SIZE), 0, true);
	idx = xi_pick(ctx, 1, &count, &flags);
	if (idx < 0 || caps.max_fds < 1 || xi_efds(&efd, 1) < 0)
		return conf_pass(ctx);
	{
		struct vd_irq_set s = { 20, IRQ_DATA_EVENTFD | IRQ_ACT_TRIGGER, (uint32_t)idx, 0, 1 };
		struct pollfd pfd = { .fd = efd, .events = POLLIN };

		r = conf_vu_send(ctx, conf_vu_id(ctx), CONF_VU_SET_IRQS, CONF_VU_F_NO_REPLY, &s, sizeof(s), &efd, 1);
		if (r == 0)
			r = xi_set(ctx, IRQ_DATA_NONE | IRQ_ACT_TRIGGER, (uint32_t)idx, 0, 1, NULL, 0, NULL, 0, NULL, NULL);
		if (r == 0 && poll(&pfd, 1, 0) == 1)
			conf_note(ctx, "the eventfd bound by the NO_REPLY SET_IRQS was signalled before the trigger's reply");
		else if (r == 0 && poll(&pfd, 1, 100) == 1)
			conf_fail(ctx, "the trigger's reply came before the NO_REPLY SET_IRQS's eventfd was signalled");
		else
			conf_note(ctx, "the client-initiated trigger signals nothing (%s): only DMA_MAP was judged",
				  conf_errno_name(r));
	}
	close(efd);
	return conf_pass(ctx);
}

/* ---- argsz (AZ), VERSION (VS) ----------------------------------------------------------------- */

/* AZ-01 (arg 0): no reply payload exceeds the request's argsz; AZ-02 (arg 1):
 * a reply that does not fit is the fixed part with argsz = needed, and the
 * retry at that argsz gets all of it. */
static int az_fit(struct conf_ctx *ctx, const struct conf_case *c)
{
	bool retry = c->arg != NULL;
	struct vd_caps caps;
	struct vd_info gi;
	uint32_t i, k;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	for (i = 0; i < gi.num_regions && i < 64; i++) {
		for (k = 0; k < 2; k++) {
			/* region info is 32 bytes, an IO fds request 16 */
			uint32_t p[8] = { k ? 16 : 32, 0, i, 0 }, argsz = 0, need;
			uint16_t cmd = k ? CONF_VU_GET_REGION_IO_FDS : CONF_VU_GET_REGION_INFO;
			const char *what = k ? "GET_REGION_IO_FDS" : "GET_REGION_INFO";
			struct conf_vu_msg m;
			int r = conf_vu_call(ctx, cmd, p, k ? 16 : 32, &m);

			if (is_transport_err(r))
				return conf_fail(ctx, "%s %u: %s", what, i, conf_errno_name(r));
			if (r == 0 && m.len >= 4)
				memcpy(&argsz, m.payload, 4);
			need = argsz;
			if (r == 0)
				conf_check(ctx, m.len <= p[0], "%s %u at argsz %u: %u payload bytes", what, i, p[0], m.len);
			if (r == 0 && retry && argsz > p[0]) {
				conf_check(ctx, m.len == p[0], "%s %u at argsz %u (needs %u): %u bytes, want the %u-byte fixed "
					   "part", what, i, p[0], argsz, m.len, p[0]);
				conf_check(ctx, m.nfds == 0, "%s %u: the truncated reply carries %u fds", what, i, m.nfds);
			}
			conf_vu_msg_free(&m);
			if (r != 0 || !retry || need <= p[0] || need > 65536)
				continue;
			p[0] = need;
			r = conf_vu_call(ctx, cmd, p, k ? 16 : 32, &m);
			if (conf_expect_errno(ctx, "retry at the reply's argsz", r, 0, true) == CONF_PASS && m.len >= 4) {
				memcpy(&argsz, m.payload, 4);
				conf_check(ctx, m.len == need && argsz == need, "%s %u retried at argsz %u: %u bytes, argsz %u",
					   what, i, need, m.len, argsz);
			}
			conf_vu_msg_free(&m);
		}
	}
	return conf_pass(ctx);
}

/* AZ-04: argsz far above the request's own size: the request is msg_size
 * long and the stream stays in step. */
static int az_msgsize(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_region ri = { .argsz = 8192, .index = CFG_REGION };
	struct vd_info gi = { .argsz = 4096 };
	struct vd_unmap u = { .argsz = 4096, .addr = MAP_BASE, .size = MAP_SIZE };
	struct vd_caps caps;
	struct conf_vu_msg m;
	int r;

	NEGOTIATE(ctx, &caps);
	MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	r = conf_vu_call(ctx, CONF_VU_GET_INFO, &gi, sizeof(gi), &m);
	if (conf_expect_errno(ctx, "GET_INFO argsz 4096 in a 16-byte payload", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.len == 16, "GET_INFO reply %u bytes, want 16", m.len);
	conf_vu_msg_free(&m);
	r = conf_vu_call(ctx, CONF_VU_GET_REGION_INFO, &ri, sizeof(ri), &m);
	if (conf_expect_errno(ctx, "GET_REGION_INFO argsz 8192 in a 32-byte payload", r, 0, true) == CONF_PASS &&
	    m.len >= 32) {
		memcpy(&ri, m.payload, 32);
		conf_check(ctx, ri.index == CFG_REGION, "GET_REGION_INFO reply index %u, want 7", ri.index);
	}
	conf_vu_msg_free(&m);
	r = conf_vu_call(ctx, CONF_VU_DMA_UNMAP, &u, sizeof(u), &m);
	conf_expect_errno(ctx, "DMA_UNMAP argsz 4096 in a 24-byte payload", r, 0, true);
	conf_vu_msg_free(&m);
	still_usable(ctx, "requests with argsz above their size");
	return conf_pass(ctx);
}

/* VS-01: the reply is {major, minor, NUL-terminated JSON counted in msg_size}
 * (arg 0: we send JSON; 1: a bare 4-byte proposal). */
static int vs_layout(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct conf_vu_msg m;
	uint16_t major, minor;
	int r = conf_vu_version(ctx, 0, 3, c->arg ? NULL : "{\"capabilities\":{\"max_msg_fds\":1}}", &m);

	if (is_transport_err(r) || r < 0) {
		conf_vu_msg_free(&m);
		return conf_fail(ctx, "VERSION 0.3%s: %s", c->arg ? " without JSON" : "", conf_errno_name(r));
	}
	if (conf_check(ctx, m.len >= 4, "VERSION reply payload %u bytes, want >= 4", m.len)) {
		memcpy(&major, m.payload, 2);
		memcpy(&minor, m.payload + 2, 2);
		conf_check(ctx, major == 0 && minor <= 3, "VERSION reply %u.%u to 0.3", major, minor);
		if (m.len > 4) {
			void *nul = memchr(m.payload + 4, 0, m.len - 4);
			struct json_object *j = nul ? json_tokener_parse((const char *)m.payload + 4) : NULL;

			conf_check(ctx, nul == m.payload + m.len - 1, "VERSION reply JSON is not NUL-terminated at the end "
				   "of the payload (msg_size %u)", m.hdr.size);
			conf_check(ctx, j && json_object_is_type(j, json_type_object), "VERSION reply JSON is not an object");
			json_object_put(j);
		}
	}
	conf_vu_msg_free(&m);
	still_usable(ctx, "VERSION");
	return conf_pass(ctx);
}

/* VS-07: a server that refuses a proposal offering nothing must close. */
static int vs_required(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct conf_vu_msg m;
	int r = conf_vu_version(ctx, 0, 0, "{}", &m);

	conf_vu_msg_free(&m);
	if (r == -ECONNRESET)
		conf_note(ctx, "the server closed on a proposal without capabilities");
	else if (is_transport_err(r))
		conf_fail(ctx, "VERSION without capabilities: no reply and no close (%s)", conf_errno_name(r));
	else if (r < 0)
		conf_check(ctx, conf_vu_peer_closed(ctx, 500), "VERSION without capabilities refused (%s) but the "
			   "connection stays open: a server that requires a capability closes", conf_errno_name(r));
	else
		still_usable(ctx, "a VERSION without capabilities was accepted");
	return conf_pass(ctx);
}

/* VS-08: every minor below the server's is accepted. */
static int vs_lower(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct conf_vu_msg m;
	uint16_t top = 0, mi, got;
	int r;

	if (conf_vu_serve_reconnectable(ctx, NULL) < 0)
		return conf_harness_error(ctx, "setup: reconnectable server failed");
	r = conf_vu_version(ctx, 0, 65535, NULL, &m);
	if (r == 0 && m.len >= 4)
		memcpy(&top, m.payload + 2, 2);
	conf_vu_msg_free(&m);
	if (r < 0)
		return conf_fail(ctx, "VERSION 0.65535: %s", conf_errno_name(r));
	conf_note(ctx, "the server's minor is %u", top);
	for (mi = 0; mi < top && mi < 4; mi++) {
		if (conf_vu_reconnect(ctx) < 0)
			return conf_harness_error(ctx, "reconnect failed");
		r = conf_vu_version(ctx, 0, mi, NULL, &m);
		got = 0xffff;
		if (r == 0 && m.len >= 4)
			memcpy(&got, m.payload + 2, 2);
		conf_vu_msg_free(&m);
		if (conf_expect_errno(ctx, "VERSION with a lower minor", r, 0, true) == CONF_PASS)
			conf_check(ctx, got <= mi, "VERSION 0.%u answered with minor %u", mi, got);
	}
	if (!top)
		conf_note(ctx, "minor 0: no lower minor to propose");
	return conf_pass(ctx);
}

#include "cases-vu-extra-rg.h"

/* ---- the table -------------------------------------------------------------------------------- */

#define S CONF_ROLE_SERVER
#define UP(v) ((const void *)(uintptr_t)(v))

static const struct conf_case cases[] = {
	{ "VU-SRV-XS-001", "VU-SK-01", S, NULL, sk_stream, NULL, "AF_UNIX stream: split and coalesced messages" },
	{ "VU-SRV-XS-002", "VU-SK-02", S, NULL, sk_fds_header, NULL, "fds travel with the header, both ways" },
	{ "VU-SRV-XS-003", "VU-SK-05", S, NULL, sk_max_fds, NULL, "max_msg_fds 1 proposed: no reply has 2 fds" },
	{ "VU-SRV-XS-004", "VU-SK-06", S, NULL, xe_nofd, NULL, "no fds: REGION_READ works, DMA as messages" },
	{ "VU-SRV-XS-005", "VU-SK-07", S, NULL, sk_second, NULL, "a 2nd connection is refused or waits" },
	{ "VU-SRV-XF-001", "VU-FR-01", S, NULL, fr_header, NULL, "raw reply bytes: packed 16-byte host-order header" },
	{ "VU-SRV-XF-002", "VU-FR-03", S, NULL, fr_type, NULL, "replies to good and bad commands are TYPE 1" },
	{ "VU-SRV-XF-003", "VU-FR-08", S, NULL, fr_sizes, NULL, "wire sizes: UNMAP 24, region 32, access 16, IRQ 20" },
	{ "VU-SRV-XF-004", "VU-CMD-02", S, NULL, cmd_table, NULL, "14, 11, 12, 19 refused; 4, 7 as numbered" },
	{ "VU-SRV-XO-001", "VU-OR-01", S, NULL, xe_nofd, UP(1), "our command between DMA_READ and its reply" },
	{ "VU-SRV-XO-002", "VU-OR-03", S, NULL, or_posted, NULL, "NO_REPLY commands done before the next reply" },
	{ "VU-SRV-XA-001", "VU-AZ-01", S, NULL, az_fit, UP(0), "no reply payload exceeds the request argsz" },
	{ "VU-SRV-XA-002", "VU-AZ-02", S, NULL, az_fit, UP(1), "short argsz: fixed part + needed argsz; retry" },
	{ "VU-SRV-XA-003", "VU-AZ-04", S, NULL, az_msgsize, NULL, "large argsz in small requests: msg_size rules" },
	{ "VU-SRV-XV-001", "VU-VS-01", S, NULL, vs_layout, UP(0), "VERSION reply layout (JSON proposal)" },
	{ "VU-SRV-XV-002", "VU-VS-01", S, NULL, vs_layout, UP(1), "VERSION reply layout (bare proposal)" },
	{ "VU-SRV-XV-003", "VU-VS-07", S, NULL, vs_required, NULL, "no capabilities offered: usable or closed" },
	{ "VU-SRV-XV-004", "VU-VS-08", S, NULL, vs_lower, NULL, "every lower minor is accepted" },
	{ "VU-SRV-XM-001", "VU-MP-01", S, NULL, mp_reply, NULL, "DMA_MAP replies are header-only, no fds" },
	{ "VU-SRV-XM-002", "VU-UM-06", S, NULL, um_partial, NULL, "partial/superset DMA_UNMAP refused" },
	{ "VU-SRV-XW-001", "VU-WM-01", S, NULL, wm_case, UP(0), "WRITE_MULTI refused when not advertised" },
	{ "VU-SRV-XW-002", "VU-WM-01", S, NULL, wm_case, UP(1), "WRITE_MULTI of 3 writes applied in order" },
	{ "VU-SRV-XW-003", "VU-WMX-03", S, NULL, wm_case, UP(2), "WRITE_MULTI reply is wr_cnt u64" },
	{ "VU-SRV-XR-001", "VU-RG-02", S, NULL, rg_chain, UP(0), "argsz = 32 + chain; CAPS iff chain sent" },
	{ "VU-SRV-XR-002", "VU-RG-07", S, NULL, rg_chain, UP(1), "SPARSE_MMAP / TYPE capability layouts" },
	{ "VU-SRV-XR-003", "VU-RG-08", S, NULL, rg_chain, UP(2), "cap offsets relative to the region info" },
	{ "VU-SRV-XR-004", "VU-RG-09", S, NULL, rg_fixed, NULL, "fixed PCI region indexes (BARs, ROM, config)" },
	{ "VU-SRV-XR-005", "VU-IOF-03", S, NULL, iof_posted, NULL, "size-0 ioregionfd entries are POSTED_WRITES" },
	{ "VU-SRV-XR-006", "VU-RW-01", S, NULL, rw_mmap, NULL, "REGION_READ/WRITE on mmap-able regions" },
	{ "VU-SRV-XR-007", "VU-RW-03", S, NULL, rw_count, NULL, "reply count = bytes moved <= requested" },
	{ "VU-SRV-XI-001", "VU-IQ-04", S, NULL, xi_deassign, NULL, "EVENTFD with 0 fds de-assigns the range" },
	{ "VU-SRV-XI-002", "VU-II-03", S, NULL, xi_info16, NULL, "GET_IRQ_INFO reply is 16 bytes at argsz 256" },
	{ "VU-SRV-XI-003", "VU-IS-01", S, NULL, xi_header_only, NULL, "SET_IRQS replies are header-only" },
	{ "VU-SRV-XI-004", "VU-IS-02", S, NULL, xi_wiring, UP(0), "eventfd i fires for vector i (start 0)" },
	{ "VU-SRV-XI-005", "VU-IS-02", S, NULL, xi_wiring, UP(1), "eventfd i fires for vector 1 + i (start 1)" },
	{ "VU-SRV-XI-006", "VU-IS-03", S, NULL, xi_wiring, UP(2), "DATA_BOOL fires only non-zero bytes" },
	{ "VU-SRV-XI-007", "VU-IS-04", S, NULL, xe_is04, NULL, "NONE|MASK holds a device IRQ back" },
	{ "VU-SRV-XI-008", "VU-IS-05", S, NULL, xi_is05, NULL, "MASK/UNMASK eventfds signalled on (un)mask" },
	{ "VU-SRV-XI-009", "VU-IS-09", S, NULL, xe_is09, NULL, "device IRQ adds exactly 1 to its eventfd" },
	{ "VU-SRV-XI-010", "VU-IS-09", S, NULL, xi_wiring, UP(3), "a trigger adds exactly 1 to eventfd i" },
};

#undef S
#undef UP

const struct conf_table conf_vu_extra_table = { cases, sizeof(cases) / sizeof(cases[0]) };
