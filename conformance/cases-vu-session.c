/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user server cases: disconnect and reconnect (digest 1.2, 4.5; 6.A DC-*,
 * TR-16) and the twin socket (2.4; VN-11/12, TW-*). A case reconnects to the
 * same server and device within itself (conf_vu_serve_reconnectable,
 * conf_vu_reconnect); whether the server still holds an fd the client sent is
 * asked of the kernel (kcmp(2) against /proc/PID/fd, a pipe's EOF), never of
 * the server.
 */
#define _GNU_SOURCE	/* memfd_create, pipe2 */
#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/kcmp.h>

#include "cases-vu-mig.h"

/* ---- helpers --------------------------------------------------------------------------------- */

static int ss_up(struct conf_ctx *ctx, struct vd_caps *caps)
{
	int r = conf_vu_serve_reconnectable(ctx, NULL);

	if (r < 0)
		return conf_harness_error(ctx, "cannot make the target reconnectable: %s", conf_errno_name(r));
	return vd_negotiate(ctx, caps);
}

#define SS_UP(ctx, caps)                               \
	do {                                           \
		int su_ = ss_up(ctx, caps);            \
		if (su_ != CONF_PASS)                  \
			return su_;                    \
	} while (0)

/* Reconnect and negotiate again (the new connection starts from scratch). */
static int ss_again(struct conf_ctx *ctx, struct vd_caps *caps)
{
	int r = conf_vu_reconnect(ctx);

	if (r < 0)
		return conf_fail(ctx, "reconnecting to the server failed: %s", conf_errno_name(r));
	return vd_negotiate(ctx, caps);
}

#define AGAIN(ctx, caps)                               \
	do {                                           \
		int sa_ = ss_again(ctx, caps);         \
		if (sa_ != CONF_PASS)                  \
			return sa_;                    \
	} while (0)

/* Does the server process hold a descriptor for the same open file as our
 * @fd? 1/0, or -errno when the kernel will not say (no kcmp, no /proc). */
static int ss_holds(struct conf_ctx *ctx, int fd)
{
	int pid = conf_vu_server_pid(ctx), found = 0, err = 0;
	char path[64];
	struct dirent *e;
	unsigned n = 0;
	DIR *d;

	if (pid < 0)
		return pid;
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d)) && n++ < 65536 && !found) {
		char *end;
		long theirs = strtol(e->d_name, &end, 10);
		long r;

		if (*end || e->d_name[0] == '.')
			continue;
		r = syscall(SYS_kcmp, (pid_t)getpid(), (pid_t)pid, KCMP_FILE, (unsigned long)fd, (unsigned long)theirs);
		if (r == 0)
			found = 1;
		else if (r < 0 && errno != EBADF)
			err = -errno;
	}
	closedir(d);
	return found ? 1 : err ? err : 0;
}

/* Fail unless the server has let go of @fd; NOT-SUPPORTED (returned) when
 * that cannot be asked. @before: it held it before the disconnect. */
static int ss_released(struct conf_ctx *ctx, int fd, const char *what)
{
	int r = ss_holds(ctx, fd);

	if (r < 0)
		return conf_not_supported(ctx, "cannot see the server's fds (kcmp or /proc refused)");
	conf_check(ctx, r == 0, "the server still holds %s after the client that sent it disconnected", what);
	return conf_pass(ctx);
}

/* The profile's engine registers, when the connected device is the
 * profile's (vm_device_is_profile): a --socket server's may be another. */
static int ss_engine(struct conf_ctx *ctx, uint32_t *bar, uint64_t *off)
{
	struct json_object *top = ctx->target->profile_path ? json_object_from_file(ctx->target->profile_path) : NULL;
	struct json_object *e, *v;
	int r = -ENOENT;

	if (top && vm_device_is_profile(ctx, top) && json_object_object_get_ex(top, "engine", &e) && json_object_object_get_ex(e, "bar", &v)) {
		*bar = (uint32_t)json_object_get_int(v);
		*off = 0;
		if (json_object_object_get_ex(e, "offset", &v))
			*off = json_object_is_type(v, json_type_string) ? strtoull(json_object_get_string(v), NULL, 0) :
			       (uint64_t)json_object_get_int64(v);
		r = 0;
	}
	json_object_put(top);
	return r;
}

static int ss_irq_index(struct conf_ctx *ctx)
{
	static const uint32_t order[] = { 2, 1, 0 };
	size_t i;

	for (i = 0; i < 3; i++) {
		struct vd_irq_info ii = { .argsz = sizeof(ii), .index = order[i] }, rep;
		struct conf_vu_msg m;
		int r = conf_vu_call(ctx, CONF_VU_GET_IRQ_INFO, &ii, sizeof(ii), &m);

		if (r == 0 && m.len >= sizeof(rep))
			memcpy(&rep, m.payload, sizeof(rep));
		conf_vu_msg_free(&m);
		if (r == 0 && rep.count && (rep.flags & IRQI_EVENTFD))
			return (int)order[i];
	}
	return -1;
}

static int ss_set_irq(struct conf_ctx *ctx, uint32_t flags, uint32_t index, uint32_t count, const int *fds)
{
	struct vd_irq_set s = { .argsz = sizeof(s), .flags = flags, .index = index, .start = 0, .count = count };
	struct conf_vu_msg m;
	int r = vd_call_fds(ctx, CONF_VU_SET_IRQS, &s, sizeof(s), fds, fds ? count : 0, &m);

	conf_vu_msg_free(&m);
	return r;
}

/* ---- disconnect ------------------------------------------------------------------------------ */

/* DC-01: the memfd of a DMA window is closed and unmapped when its client leaves. */
static int dc_dma_fd(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_caps caps;
	int fd, r;

	SS_UP(ctx, &caps);
	fd = vd_memfd(ctx);
	if (fd < 0)
		return conf_harness_error(ctx, "memfd failed");
	r = vd_map(ctx, DMA_READ_F | DMA_WRITE_F, MAP_BASE, MAP_SIZE, fd);
	if (r < 0) {
		close(fd);
		return conf_fail(ctx, "setup: DMA_MAP with a memfd failed: %s", conf_errno_name(r));
	}
	conf_note(ctx, "the server %s the memfd while mapped", ss_holds(ctx, fd) == 1 ? "holds" : "does not hold");
	r = ss_again(ctx, &caps);
	if (r == CONF_PASS)
		ss_released(ctx, fd, "the DMA_MAP memfd");
	close(fd);
	return conf_pass(ctx);
}

/* DC-01: IRQ eventfds are closed (arg 0: eventfds, seen with kcmp; 1: pipes,
 * seen as EOF) and the old ones are never signalled again. */
static int dc_irq_fds(struct conf_ctx *ctx, const struct conf_case *c)
{
	bool pipes = c->arg != NULL;
	int fds[2] = { -1, -1 }, rfd[2] = { -1, -1 }, idx, r, i;
	struct vd_caps caps;

	SS_UP(ctx, &caps);
	idx = ss_irq_index(ctx);
	if (idx < 0)
		return conf_not_supported(ctx, "no INTx/MSI/MSI-X index with EVENTFD and vectors");
	if (pipes) {
		if (conf_vu_pipes(1, rfd, fds) < 0)
			return conf_harness_error(ctx, "pipe failed");
	} else {
		fds[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fds[0] < 0)
			return conf_harness_error(ctx, "eventfd failed");
	}
	r = ss_set_irq(ctx, IRQ_DATA_EVENTFD | IRQ_ACT_TRIGGER, (uint32_t)idx, 1, fds);
	if (r < 0) {
		for (i = 0; i < 2; i++) {
			if (fds[i] >= 0)
				close(fds[i]);
			if (rfd[i] >= 0)
				close(rfd[i]);
		}
		if (pipes)
			return conf_not_supported(ctx, "the server does not take a pipe as an IRQ eventfd");
		return conf_fail(ctx, "setup: SET_IRQS EVENTFD|TRIGGER with one eventfd failed: %s", conf_errno_name(r));
	}
	if (pipes)
		close(fds[0]);
	r = ss_again(ctx, &caps);
	if (r == CONF_PASS && pipes) {
		conf_check(ctx, pipe_eof(rfd[0], 500), "the pipe sent as an IRQ eventfd is still open in the server "
			   "after its client disconnected");
	} else if (r == CONF_PASS) {
		uint64_t v;

		ss_released(ctx, fds[0], "the IRQ eventfd");
		/* the device (through the new client's trigger) raises the vector: the old eventfd stays quiet */
		ss_set_irq(ctx, IRQ_DATA_NONE | IRQ_ACT_TRIGGER, (uint32_t)idx, 1, NULL);
		conf_check(ctx, read(fds[0], &v, 8) < 0, "the old client's eventfd was signalled after it disconnected");
		close(fds[0]);
	}
	if (rfd[0] >= 0)
		close(rfd[0]);
	return conf_pass(ctx);
}

/* DC-02: device state survives a disconnect (arg 0: registers; 1: the migration state). */
static int dc_state(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vm_scratch s;
	struct vd_caps caps;
	uint64_t fl;

	SS_UP(ctx, &caps);
	if (c->arg) {
		int r = vf_mig_flags(ctx, &fl);

		if (r < 0)
			return is_transport_err(r) ? conf_fail(ctx, "MIGRATION: no reply") :
			       conf_not_supported(ctx, "DEVICE_FEATURE PROBE|GET MIGRATION is refused: no migration");
		REACH(ctx, ST_STOP);
	} else {
		vm_scratch_find(ctx, &s);
		if (vm_scratch_set(ctx, &s) < 0)
			return conf_harness_error(ctx, "setup: writing the registers failed");
	}
	AGAIN(ctx, &caps);
	if (c->arg)
		vf_state_is(ctx, ST_STOP, "after a reconnect");
	else
		vm_scratch_check(ctx, &s, "after a reconnect");
	return conf_pass(ctx);
}

/* DC-03 / TR-16: the client leaves in the middle of a message (arg: what is in flight). */
enum { MID_PIPELINE, MID_TRUNCATED, MID_FD_BODY };

static int dc_mid(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned k = (unsigned)(uintptr_t)c->arg;
	struct vd_info gi = { .argsz = sizeof(gi) };
	struct conf_vu_hdr h = { .cmd = CONF_VU_DMA_MAP, .size = 48 };
	struct vd_map mp = { .argsz = sizeof(mp), .flags = DMA_READ_F, .addr = MAP_BASE * 2, .size = MAP_SIZE };
	struct vd_caps caps;
	int fd, i, r;

	SS_UP(ctx, &caps);
	fd = vd_memfd(ctx);
	if (fd < 0)
		return conf_harness_error(ctx, "memfd failed");
	r = vd_map(ctx, DMA_READ_F | DMA_WRITE_F, MAP_BASE, MAP_SIZE, fd);
	if (r < 0) {
		close(fd);
		return conf_fail(ctx, "setup: DMA_MAP with a memfd failed: %s", conf_errno_name(r));
	}
	if (k == MID_PIPELINE)
		for (i = 0; i < 4; i++)
			conf_vu_send(ctx, conf_vu_id(ctx), CONF_VU_GET_INFO, 0, &gi, sizeof(gi), NULL, 0);
	h.id = conf_vu_id(ctx);
	/* 16 + 20 bytes of a 48-byte message, then the close */
	conf_vu_send_raw(ctx, &h, &mp, k == MID_TRUNCATED ? 20 : 8, k == MID_FD_BODY ? &fd : NULL, k == MID_FD_BODY);
	r = ss_again(ctx, &caps);
	if (r != CONF_PASS) {
		close(fd);
		return r;
	}
	still_usable(ctx, "a disconnect in the middle of a message");
	/* The old window went with the old client: the same map succeeds again. */
	conf_expect_errno(ctx, "DMA_MAP of the old client's window on the new connection",
			  vd_map(ctx, DMA_READ_F | DMA_WRITE_F, MAP_BASE, MAP_SIZE, -1), 0, true);
	ss_released(ctx, fd, "the old client's memfd");
	close(fd);
	return conf_pass(ctx);
}

/* LC-01: the new client starts without the old windows. */
static int lc_no_windows(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_caps caps;

	SS_UP(ctx, &caps);
	MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	AGAIN(ctx, &caps);
	expect_any_err(ctx, "DMA_UNMAP of the previous client's window", vd_unmap(ctx, 0, MAP_BASE, MAP_SIZE));
	conf_expect_errno(ctx, "DMA_MAP of the same window anew", vd_map(ctx, DMA_READ_F, MAP_BASE, MAP_SIZE, -1), 0,
			  true);
	return conf_pass(ctx);
}

/* LC-02: a new connection negotiates VERSION before anything else (arg: the command sent first). */
static int lc_version_first(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint16_t cmd = (uint16_t)(uintptr_t)c->arg;
	struct vd_info gi = { .argsz = sizeof(gi) };
	struct vf_hdr fh = { 16, FT_GET | FEAT_MIG_STATE };
	struct vd_caps caps;
	int r;

	SS_UP(ctx, &caps);
	r = conf_vu_reconnect(ctx);
	if (r < 0)
		return conf_fail(ctx, "reconnecting failed: %s", conf_errno_name(r));
	if (cmd == CONF_VU_GET_INFO)
		r = vd_call(ctx, cmd, &gi, sizeof(gi));
	else
		r = vd_call(ctx, cmd, &fh, sizeof(fh));
	if (r == -ECONNRESET)
		conf_note(ctx, "the server closed the connection");
	else
		expect_any_err(ctx, "a command before VERSION on a new connection", r);
	return conf_pass(ctx);
}

/* ---- twin socket ------------------------------------------------------------------------------- */

struct tw_offer {
	bool seen, supported, has_index;
	int64_t index;
	unsigned nfds;
	int fd;			/* the twin fd (taken out of the reply) or -1 */
};

/* VERSION with @json; the reply's twin_socket answer. */
static int tw_version(struct conf_ctx *ctx, const char *json, struct tw_offer *o)
{
	struct json_object *top = NULL, *cj, *tw, *v;
	struct conf_vu_msg m;
	int r = conf_vu_version(ctx, 0, 0, json, &m);

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if (r < 0) {
		conf_vu_msg_free(&m);
		return conf_harness_error(ctx, "setup: VERSION failed: %s", conf_errno_name(r));
	}
	o->nfds = m.nfds;
	if (m.len > 4 && memchr(m.payload + 4, '\0', m.len - 4))
		top = json_tokener_parse((const char *)m.payload + 4);
	if (top && json_object_object_get_ex(top, "capabilities", &cj) &&
	    json_object_object_get_ex(cj, "twin_socket", &tw)) {
		o->seen = true;
		if (json_object_object_get_ex(tw, "supported", &v))
			o->supported = json_object_get_boolean(v);
		if (json_object_object_get_ex(tw, "fd_index", &v) && json_object_is_type(v, json_type_int)) {
			o->has_index = true;
			o->index = json_object_get_int64(v);
		}
	}
	json_object_put(top);
	if (o->supported && o->has_index && o->index >= 0 && o->index < (int64_t)m.nfds) {
		o->fd = m.fds[o->index];
		m.fds[o->index] = -1;
	}
	conf_note(ctx, "twin_socket: %s, supported %d, fd_index %lld, %u fds", o->seen ? "present" : "absent",
		  o->supported, (long long)o->index, o->nfds);
	conf_vu_msg_free(&m);
	return CONF_PASS;
}

#define TWIN_JSON "{\"capabilities\":{\"max_msg_fds\":16,\"twin_socket\":{\"supported\":true}}}"

/* Serve the twin offer on the built-in server (a third-party one as it is). */
static int tw_up(struct conf_ctx *ctx)
{
	struct vfsim_vu_server_config cfg = { .twin_socket = true };
	int r = conf_vu_serve_reconnectable(ctx, ctx->target->socket_path ? NULL : &cfg);

	if (r < 0)
		return conf_harness_error(ctx, "cannot start the server with the twin socket: %s", conf_errno_name(r));
	return CONF_PASS;
}

/* VN-11 / TW-01 (arg 0: any consistent answer; 1: an accepted twin must be a stream socket). */
static int tw_offer(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct tw_offer o;
	int v = tw_up(ctx), type = 0, dom = 0;
	socklen_t len = sizeof(int);
	struct stat st;

	if (v != CONF_PASS || (v = tw_version(ctx, TWIN_JSON, &o)) != CONF_PASS)
		return v;
	if (!o.supported) {
		conf_check(ctx, o.nfds == 0, "the twin offer was declined, yet the reply carries %u fds", o.nfds);
		return c->arg ? conf_not_supported(ctx, "the server declines the twin socket") : conf_pass(ctx);
	}
	if (!conf_check(ctx, o.fd >= 0, "supported:true with fd_index %lld and %u fds: not a valid index",
			(long long)o.index, o.nfds))
		return conf_pass(ctx);
	conf_check(ctx, o.nfds == 1, "the reply carries %u fds, want exactly the twin", o.nfds);
	if (c->arg && conf_check(ctx, fstat(o.fd, &st) == 0 && S_ISSOCK(st.st_mode), "the twin fd is not a socket")) {
		getsockopt(o.fd, SOL_SOCKET, SO_TYPE, &type, &len);
		len = sizeof(int);
		getsockopt(o.fd, SOL_SOCKET, SO_DOMAIN, &dom, &len);
		conf_check(ctx, type == SOCK_STREAM && dom == AF_UNIX, "the twin is domain %d type %d, want an "
			   "AF_UNIX SOCK_STREAM socketpair end", dom, type);
	}
	close(o.fd);
	still_usable(ctx, "the twin negotiation");
	return conf_pass(ctx);
}

/* TW-04 (arg 1) / VN-12 (arg 0): no twin fd to a client that cannot take one / did not ask. */
static int tw_no_fd(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct tw_offer o;
	int v = tw_up(ctx);

	if (v != CONF_PASS)
		return v;
	v = tw_version(ctx, c->arg ? "{\"capabilities\":{\"max_msg_fds\":0,\"twin_socket\":{\"supported\":true}}}" :
		       "{\"capabilities\":{\"max_msg_fds\":16}}", &o);
	if (v != CONF_PASS)
		return v;
	conf_check(ctx, o.nfds == 0, "the VERSION reply carries %u fds to a client that %s", o.nfds,
		   c->arg ? "takes none (max_msg_fds 0)" : "did not offer twin_socket");
	conf_check(ctx, !o.supported, "twin_socket supported:true to a client that %s",
		   c->arg ? "takes no fds" : "did not offer it");
	if (o.fd >= 0)
		close(o.fd);
	return conf_pass(ctx);
}

/* TW-03: in twin mode device DMA comes on the twin socket only. The engine
 * copies 16 bytes inside a window mapped without an fd, so the server must
 * DMA_READ and DMA_WRITE through the client. */
static int tw_dma(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint8_t pattern[16] = { 0xc0, 0xff, 0xee, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
	uint8_t req[sizeof(struct vd_access) + 4];
	struct vd_access a = { .region = 0, .count = 4 };
	uint64_t eoff, src = MAP_BASE, dst = MAP_BASE + 0x100;
	uint32_t bar, one = 1, len = 16;
	unsigned twin_msgs = 0, i;
	struct tw_offer o;
	int v, main_sock;
	uint16_t id;

	if ((v = tw_up(ctx)) != CONF_PASS || (v = tw_version(ctx, TWIN_JSON, &o)) != CONF_PASS)
		return v;
	if (o.fd < 0)
		return conf_not_supported(ctx, "the server declines the twin socket");
	if (ss_engine(ctx, &bar, &eoff) < 0) {
		close(o.fd);
		return conf_not_supported(ctx, "the device is not the profile's DMA engine: the case cannot make it DMA");
	}
	MAP_OK(ctx, MAP_BASE, MAP_SIZE);
	if (rg_rw(ctx, true, bar, eoff + 0, &src, 8) < 0 || rg_rw(ctx, true, bar, eoff + 8, &dst, 8) < 0 ||
	    rg_rw(ctx, true, bar, eoff + 0x10, &len, 4) < 0) {
		close(o.fd);
		return conf_fail(ctx, "setup: programming the DMA engine failed");
	}
	a.offset = eoff + 0x14;
	memcpy(req, &a, sizeof(a));
	memcpy(req + sizeof(a), &one, 4);
	id = conf_vu_id(ctx);
	conf_vu_send(ctx, id, CONF_VU_REGION_WRITE, 0, req, sizeof(req), NULL, 0);
	main_sock = ctx->v.sock;
	for (i = 0; i < 16; i++) {
		struct pollfd pfd[2] = { { .fd = main_sock, .events = POLLIN }, { .fd = o.fd, .events = POLLIN } };
		struct conf_vu_msg m;
		int r;

		if (poll(pfd, 2, 1000) <= 0) {
			conf_fail(ctx, "no reply to the doorbell write and no DMA request within 1 s");
			break;
		}
		if (pfd[1].revents) {
			uint8_t rep[16 + 16];

			ctx->v.sock = o.fd;
			r = conf_vu_recv(ctx, &m, 0);
			if (r == 0 && (m.hdr.cmd == CONF_VU_DMA_READ || m.hdr.cmd == CONF_VU_DMA_WRITE) && m.len >= 16) {
				uint64_t cnt;

				twin_msgs++;
				memcpy(rep, m.payload, 16);
				memcpy(&cnt, m.payload + 8, 8);
				if (cnt > 16)
					cnt = 16;
				memcpy(rep + 16, pattern, cnt);
				conf_vu_send(ctx, m.hdr.id, m.hdr.cmd, CONF_VU_F_REPLY, rep,
					     m.hdr.cmd == CONF_VU_DMA_READ ? 16 + cnt : 16, NULL, 0);
			} else if (r == 0) {
				conf_fail(ctx, "unexpected cmd %u on the twin socket", m.hdr.cmd);
			}
			ctx->v.sock = main_sock;
			conf_vu_msg_free(&m);
			if (r < 0)
				break;
			continue;
		}
		r = conf_vu_recv(ctx, &m, 0);
		if (r == 0 && (m.hdr.cmd == CONF_VU_DMA_READ || m.hdr.cmd == CONF_VU_DMA_WRITE))
			conf_fail(ctx, "the server sent DMA command %u on the main socket in twin mode", m.hdr.cmd);
		if (r == 0 && m.hdr.id == id && m.hdr.cmd == CONF_VU_REGION_WRITE) {
			conf_vu_msg_free(&m);
			break;
		}
		conf_vu_msg_free(&m);
		if (r < 0) {
			conf_fail(ctx, "main socket: %s while waiting for the doorbell reply", conf_errno_name(r));
			break;
		}
	}
	ctx->v.sock = main_sock;
	close(o.fd);
	conf_note(ctx, "%u DMA requests came on the twin socket", twin_msgs);
	conf_check(ctx, twin_msgs >= 2, "the engine's copy through a window without an fd made %u DMA requests on the "
		   "twin socket, want a DMA_READ and a DMA_WRITE", twin_msgs);
	return conf_pass(ctx);
}

/* ---- the table ---------------------------------------------------------------------------------- */

#define S CONF_ROLE_SERVER
#define UP(v) ((const void *)(uintptr_t)(v))

static const struct conf_case cases[] = {
	{ "VU-SRV-DC-001", "VU-DC-01", S, NULL, dc_dma_fd, NULL,
	  "after a disconnect the server no longer holds the DMA_MAP memfd" },
	{ "VU-SRV-DC-002", "VU-DC-01", S, NULL, dc_irq_fds, UP(0),
	  "after a disconnect the server holds no IRQ eventfd of the old client, and never signals it" },
	{ "VU-SRV-DC-003", "VU-DC-01", S, NULL, dc_irq_fds, UP(1),
	  "after a disconnect a pipe set as IRQ eventfd sees EOF (closed by the server)" },
	{ "VU-SRV-DC-004", "VU-DC-02", S, NULL, dc_state, UP(0),
	  "Interrupt Line and a BAR register keep their values across a reconnect" },
	{ "VU-SRV-DC-005", "VU-DC-02", S, NULL, dc_state, UP(1), "the migration state (STOP) survives a reconnect" },
	{ "VU-SRV-DC-006", "VU-DC-03", S, NULL, dc_mid, UP(MID_PIPELINE),
	  "a disconnect with 4 requests in flight and half a message: a new client works, no fd kept" },
	{ "VU-SRV-DC-007", "VU-DC-03", S, NULL, dc_mid, UP(MID_FD_BODY),
	  "a disconnect inside a DMA_MAP body carrying an fd: no fd kept, a new client works" },
	{ "VU-SRV-DC-008", "VU-TR-16", S, NULL, dc_mid, UP(MID_TRUNCATED),
	  "msg_size 48 with 20 bytes sent, then a close: DMA state released, a reconnect is served" },
	{ "VU-SRV-DC-009", "VU-LC-01", S, NULL, lc_no_windows, NULL,
	  "a reconnecting client finds no DMA window of the previous one" },
	{ "VU-SRV-DC-010", "VU-LC-02", S, NULL, lc_version_first, UP(CONF_VU_GET_INFO),
	  "GET_INFO first on a new connection gets an error or a close" },
	{ "VU-SRV-DC-011", "VU-LC-02", S, NULL, lc_version_first, UP(CONF_VU_DEVICE_FEATURE),
	  "DEVICE_FEATURE first on a new connection gets an error or a close" },
	{ "VU-SRV-TW-001", "VU-VN-11", S, NULL, tw_offer, UP(0),
	  "a twin offer is declined, or accepted with a valid fd_index and exactly that fd" },
	{ "VU-SRV-TW-002", "VU-TW-01", S, NULL, tw_offer, UP(1),
	  "an accepted twin socket is an AF_UNIX SOCK_STREAM socket at fd_index" },
	{ "VU-SRV-TW-003", "VU-TW-03", S, NULL, tw_dma, NULL,
	  "in twin mode the device's DMA_READ/DMA_WRITE come on the twin socket only" },
	{ "VU-SRV-TW-004", "VU-TW-04", S, NULL, tw_no_fd, UP(1),
	  "a twin offer with max_msg_fds 0 gets no fd and no supported:true" },
	{ "VU-SRV-TW-005", "VU-VN-12", S, NULL, tw_no_fd, UP(0),
	  "a twin-capable server sends no fd to a client that did not offer twin_socket" },
};

#undef S
#undef UP

const struct conf_table conf_vu_session_table = { cases, sizeof(cases) / sizeof(cases[0]) };
