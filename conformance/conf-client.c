/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user client target (conf.h): the session, and the proxy between
 * a client under test and the built-in server.
 *
 * conf_cl_run forks the built-in server first (so it holds none of the
 * descriptors made later: closing our end of the client's socket must reach
 * the client as EOF), listens on a socket in a private temp dir, starts the
 * client command in its own process group (stdout to /dev/null, stderr to a
 * pipe we keep the tail of, PR_SET_PDEATHSIG so a case killed for a TIMEOUT
 * takes at least the shell, or the client it execs, along) and accepts one
 * connection. The proxy then frames both directions with non-blocking sockets
 * and per-side buffers: a message may arrive in any number of reads and
 * neither side ever waits for the other. SCM_RIGHTS fds come with the reads
 * of their message and leave with the first chunk of its forwarded copy.
 * Reading from one side pauses while more than CONF_CL_OUTQ_MAX bytes wait to
 * go to the other, so memory stays bounded by one message (64 MiB) plus that.
 *
 * Fds are forwarded opaquely, so anything a peer reaches through one bypasses
 * the proxy: the twin socket (§2.4) in particular. The script's server config
 * decides: twin_socket is false unless a script sets it, the server then
 * declines the client's offer and every DMA_READ/WRITE crosses the proxy.
 *
 * A client's reply to a command a hook injected is recorded and shown to
 * on_client but never forwarded: the server did not ask for it.
 *
 * The case deadline: the runner kills a case at its --timeout
 * (target->timeout_ms, CONF_DEFAULT_TIMEOUT_MS when 0), so the session ends
 * CONF_CL_TEARDOWN_MS + CONF_CL_JUDGE_MS before it.
 *
 * The client's process lives in conf-client-proc.c, the recording and the
 * judges in conf-client-judge.c.
 */
#define _GNU_SOURCE	/* MSG_CMSG_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "include/vfsim.h"
#include "conf-int.h"
#include "conf-client-int.h"

static const char *const conf_cl_end_names[] = {
	[CONF_CL_END_EXIT] = "exit", [CONF_CL_END_CLOSED] = "closed", [CONF_CL_END_IDLE] = "idle",
	[CONF_CL_END_DEADLINE] = "deadline", [CONF_CL_END_STOPPED] = "stopped by the script",
	[CONF_CL_END_NO_CONNECT] = "no connection", [CONF_CL_END_FRAMING] = "framing lost",
};

static bool conf_cl_bit(const uint8_t *set, uint16_t id)
{
	return set[id >> 3] & (1u << (id & 7));
}

static void conf_cl_set(uint8_t *set, uint16_t id, bool on)
{
	if (on)
		set[id >> 3] |= (uint8_t)(1u << (id & 7));
	else
		set[id >> 3] &= (uint8_t)~(1u << (id & 7));
}

static void conf_cl_pend(struct conf_cl_proxy *p, uint16_t id, bool on)
{
	if (conf_cl_bit(p->pending, id) == on)
		return;
	conf_cl_set(p->pending, id, on);
	if (on)
		p->npending++;
	else
		p->npending--;
}

/* ---- queues towards a side ---------------------------------------------------------- */

static void conf_cl_out_free(struct conf_cl_out *o)
{
	unsigned i;

	for (i = 0; i < o->nfds; i++)
		close(o->fds[i]);
	free(o);
}

/* Queue @a then @b with @fds, which the queue takes over (closed when sent
 * or dropped). -ENOTCONN when the side is closed. */
static int conf_cl_enqueue(struct conf_cl_side *sd, const void *a, size_t alen, const void *b, size_t blen,
			   int *fds, unsigned nfds)
{
	struct conf_cl_out *o = NULL;
	unsigned i;

	if (sd->fd >= 0 && alen + blen)
		o = malloc(sizeof(*o) + alen + blen);
	if (!o) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return sd->fd < 0 ? -ENOTCONN : alen + blen ? -ENOMEM : 0;
	}
	o->next = NULL;
	o->len = alen + blen;
	o->off = 0;
	o->nfds = nfds;
	if (nfds)
		memcpy(o->fds, fds, nfds * sizeof(int));
	if (alen)
		memcpy(o->data, a, alen);
	if (blen)
		memcpy(o->data + alen, b, blen);
	if (sd->tail)
		sd->tail->next = o;
	else
		sd->head = o;
	sd->tail = o;
	sd->queued += o->len;
	return 0;
}

static void conf_cl_queue_clear(struct conf_cl_side *sd)
{
	while (sd->head) {
		struct conf_cl_out *o = sd->head;

		sd->head = o->next;
		conf_cl_out_free(o);
	}
	sd->tail = NULL;
	sd->queued = 0;
}

/* Send what the side takes now: 0, or -errno (EPIPE: the peer is gone). */
static int conf_cl_flush(struct conf_cl_side *sd)
{
	while (sd->head && sd->fd >= 0) {
		struct conf_cl_out *o = sd->head;
		char cbuf[CMSG_SPACE(sizeof(int) * CONF_VU_MAX_FDS)];
		struct iovec iov = { .iov_base = o->data + o->off, .iov_len = o->len - o->off };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		unsigned i;
		ssize_t n;

		if (o->off == 0 && o->nfds) {
			struct cmsghdr *cm;

			memset(cbuf, 0, sizeof(cbuf));
			mh.msg_control = cbuf;
			mh.msg_controllen = CMSG_SPACE(sizeof(int) * o->nfds);
			cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int) * o->nfds);
			memcpy(CMSG_DATA(cm), o->fds, sizeof(int) * o->nfds);
		}
		n = sendmsg(sd->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return -errno;
		/* The fds went with this first chunk: ours are copies now. */
		for (i = 0; i < o->nfds; i++)
			close(o->fds[i]);
		o->nfds = 0;
		o->off += (size_t)n;
		sd->queued -= (size_t)n;
		if (o->off == o->len) {
			sd->head = o->next;
			if (!sd->head)
				sd->tail = NULL;
			free(o);
		}
	}
	return 0;
}

/* Queue @m (header as it is now) towards @sd, taking its fds. */
static int conf_cl_forward(struct conf_cl_side *sd, struct conf_vu_msg *m)
{
	unsigned n = m->nfds;

	m->nfds = 0;
	return conf_cl_enqueue(sd, &m->hdr, sizeof(m->hdr), m->payload, m->len, m->fds, n);
}

/* ---- reading one side ------------------------------------------------------------- */

/* Take what @sd has of its current message without blocking: 1 a whole
 * message is in sd->in, 0 more is needed, -ECONNRESET EOF (also inside a
 * message), -EPROTO msg_size unusable, -ENOMEM, other -errno. */
static int conf_cl_read(struct conf_cl_side *sd)
{
	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(int) * CONF_VU_MAX_FDS)];
		struct iovec iov;
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm;
		ssize_t n;

		if (sd->got < sizeof(sd->in.hdr)) {
			iov.iov_base = (uint8_t *)&sd->in.hdr + sd->got;
			iov.iov_len = sizeof(sd->in.hdr) - sd->got;
		} else if (sd->got < sd->in.hdr.size) {
			iov.iov_base = sd->in.payload + (sd->got - sizeof(sd->in.hdr));
			iov.iov_len = sd->in.hdr.size - sd->got;
		} else {
			return 1;
		}
		/* Only the current message's bytes: the next one's fds stay queued for it. */
		n = recvmsg(sd->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return errno == ECONNRESET || errno == EPIPE ? -ECONNRESET : -errno;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			size_t k, nf;

			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			nf = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (k = 0; k < nf; k++) {
				int fd;

				memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof(int));
				if (sd->in.nfds < CONF_VU_MAX_FDS)
					sd->in.fds[sd->in.nfds++] = fd;
				else
					close(fd);
			}
		}
		if (n == 0)
			return -ECONNRESET;
		sd->got += (uint32_t)n;
		if (sd->got == sizeof(sd->in.hdr)) {
			if (sd->in.hdr.size < sizeof(sd->in.hdr) || sd->in.hdr.size > CONF_CL_MSG_MAX)
				return -EPROTO;
			sd->in.len = sd->in.hdr.size - (uint32_t)sizeof(sd->in.hdr);
			if (sd->in.len && !(sd->in.payload = malloc(sd->in.len)))
				return -ENOMEM;
		}
	}
}

/* Hand the whole message over to the caller and start a new one. */
static void conf_cl_take(struct conf_cl_side *sd, struct conf_vu_msg *m)
{
	*m = sd->in;
	memset(&sd->in, 0, sizeof(sd->in));
	sd->got = 0;
}

/* ---- the messages ---------------------------------------------------------------- */

static void conf_cl_from_client(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	long ev = conf_cl_record(p, CONF_CL_FROM_CLIENT, &m->hdr, m->payload, m->len, m->nfds);
	bool reply;
	int act;

	p->ss->last_client_ms = ev >= 0 ? p->ss->ev[ev].ms : conf_cl_ms(p);
	if ((m->hdr.flags & CONF_VU_F_TYPE_MASK) != CONF_VU_F_REPLY)
		conf_cl_set(p->used, m->hdr.id, true);
	act = p->s->on_client ? p->s->on_client(p, m) : CONF_CL_FORWARD;
	reply = (m->hdr.flags & CONF_VU_F_TYPE_MASK) == CONF_VU_F_REPLY;
	if (act == CONF_CL_HOLD) {
		if (conf_cl_may_note(p))
			conf_note(p->ctx, "(HOLD is for server messages: forwarded)");
		act = CONF_CL_FORWARD;
	}
	if (act == CONF_CL_FORWARD && reply && conf_cl_bit(p->injected, m->hdr.id)) {
		conf_cl_set(p->injected, m->hdr.id, false);
		if (conf_cl_may_note(p))
			conf_note(p->ctx, "(the reply to an injected command id=%u: kept from the server)", m->hdr.id);
	} else if (act == CONF_CL_FORWARD) {
		if (!reply && !(m->hdr.flags & CONF_VU_F_NO_REPLY))
			conf_cl_pend(p, m->hdr.id, true);
		if (conf_cl_forward(&p->sv, m) == -ENOMEM)
			p->err = -ENOMEM;
	} else if (act == CONF_CL_DROP) {
		conf_cl_mark_dropped(p, ev);
		if (conf_cl_may_note(p))
			conf_note(p->ctx, "(dropped by the script)");
	} else {
		p->stop = true;
	}
	conf_vu_msg_free(m);
}

static void conf_cl_from_server(struct conf_cl_proxy *p, struct conf_vu_msg *m)
{
	long ev = conf_cl_record(p, CONF_CL_FROM_SERVER, &m->hdr, m->payload, m->len, m->nfds);
	bool reply = (m->hdr.flags & CONF_VU_F_TYPE_MASK) == CONF_VU_F_REPLY;
	uint16_t id = m->hdr.id;
	int act = p->s->on_server ? p->s->on_server(p, m) : CONF_CL_FORWARD;

	if (act == CONF_CL_HOLD && p->holding) {
		if (conf_cl_may_note(p))
			conf_note(p->ctx, "(the hold slot is taken: forwarded)");
		act = CONF_CL_FORWARD;
	}
	if (act == CONF_CL_FORWARD && reply && conf_cl_bit(p->swallow, id)) {
		conf_cl_set(p->swallow, id, false);
		conf_cl_mark_dropped(p, ev);
		if (conf_cl_may_note(p))
			conf_note(p->ctx, "(the reply to a script request: kept from the client)");
	} else if (act == CONF_CL_FORWARD) {
		if (reply)
			conf_cl_pend(p, id, false);
		if (conf_cl_forward(&p->cl, m) == -ENOMEM)
			p->err = -ENOMEM;
	} else if (act == CONF_CL_DROP) {
		if (reply)
			conf_cl_pend(p, id, false);
		conf_cl_mark_dropped(p, ev);
		if (conf_cl_may_note(p))
			conf_note(p->ctx, "(dropped by the script)");
	} else if (act == CONF_CL_HOLD) {
		conf_cl_mark_dropped(p, ev);
		p->held = *m;
		p->held_id = id;
		p->holding = true;
		memset(m, 0, sizeof(*m));
		if (conf_cl_may_note(p))
			conf_note(p->ctx, "(held by the script)");
	} else {
		p->stop = true;
	}
	conf_vu_msg_free(m);
}

/* ---- what hooks call ---------------------------------------------------------------- */

struct conf_ctx *conf_cl_ctx(struct conf_cl_proxy *p)
{
	return p->ctx;
}

const void *conf_cl_arg(struct conf_cl_proxy *p)
{
	return p->s->arg;
}

void *conf_cl_scratch(struct conf_cl_proxy *p)
{
	return p->scratch;
}

int conf_cl_client_pgid(struct conf_cl_proxy *p)
{
	return p->pgid;
}

/* Copies of the caller's fds, for a queue that owns what it holds. */
static int conf_cl_dup_fds(const int *fds, unsigned nfds, int *out)
{
	unsigned i;
	int r;

	if (nfds > CONF_VU_MAX_FDS)
		return -EINVAL;
	for (i = 0; i < nfds; i++) {
		out[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
		if (out[i] < 0) {
			r = -errno;
			while (i--)
				close(out[i]);
			return r;
		}
	}
	return 0;
}

int conf_cl_to_client(struct conf_cl_proxy *p, const struct conf_vu_hdr *h, const void *payload, size_t len,
		      const int *fds, unsigned nfds, bool raw_size)
{
	struct conf_vu_hdr hdr = *h;
	int dup[CONF_VU_MAX_FDS];
	int r;

	if (len > CONF_CL_MSG_MAX || (len && !payload))
		return -EINVAL;
	if (p->cl.fd < 0)
		return -ENOTCONN;
	r = conf_cl_dup_fds(fds, nfds, dup);
	if (r < 0)
		return r;
	if (!raw_size)
		hdr.size = (uint32_t)(sizeof(hdr) + len);
	conf_cl_record(p, CONF_CL_INJECTED, &hdr, payload, len, nfds);
	if ((hdr.flags & CONF_VU_F_TYPE_MASK) == CONF_VU_F_REPLY)
		conf_cl_pend(p, hdr.id, false);	/* the script answered for the server */
	else
		conf_cl_set(p->injected, hdr.id, true);
	return conf_cl_enqueue(&p->cl, &hdr, sizeof(hdr), payload, len, dup, nfds);
}

int conf_cl_to_client_bytes(struct conf_cl_proxy *p, const void *buf, size_t len)
{
	if (len > CONF_CL_MSG_MAX || (len && !buf))
		return -EINVAL;
	if (conf_cl_may_note(p))
		conf_note(p->ctx, "%5u ms P->C %zu raw bytes", conf_cl_ms(p), len);
	return conf_cl_enqueue(&p->cl, buf, len, NULL, 0, NULL, 0);
}

int conf_cl_to_server(struct conf_cl_proxy *p, const struct conf_vu_hdr *h, const void *payload, size_t len,
		      bool swallow_reply)
{
	struct conf_vu_hdr hdr = *h;

	if (len > CONF_CL_MSG_MAX || (len && !payload))
		return -EINVAL;
	hdr.size = (uint32_t)(sizeof(hdr) + len);
	conf_cl_note_msg(p, "P->S", &hdr, payload, len, 0, swallow_reply ? " (reply kept)" : "");
	if (swallow_reply)
		conf_cl_set(p->swallow, hdr.id, true);
	return conf_cl_enqueue(&p->sv, &hdr, sizeof(hdr), payload, len, NULL, 0);
}

int conf_cl_release(struct conf_cl_proxy *p)
{
	int r;

	if (!p->holding)
		return 0;
	p->holding = false;
	conf_cl_note_msg(p, "S->C", &p->held.hdr, p->held.payload, p->held.len, p->held.nfds, " (released)");
	conf_cl_pend(p, p->held_id, false);
	r = conf_cl_forward(&p->cl, &p->held);
	conf_vu_msg_free(&p->held);
	return r;
}

void conf_cl_mark_fault(struct conf_cl_proxy *p)
{
	if (p->ss->fault_at >= 0)
		return;
	/* The message the hook is handling (or has just injected). */
	p->ss->fault_at = p->ss->nev ? (long)p->ss->nev - 1 : 0;
	p->ss->fault_ms = conf_cl_ms(p);
	if (conf_cl_may_note(p))
		conf_note(p->ctx, "%5u ms (the scripted deviation)", p->ss->fault_ms);
}

uint16_t conf_cl_fresh_id(struct conf_cl_proxy *p)
{
	unsigned i;

	for (i = 0; i < CONF_CL_IDS; i++, p->fresh++)
		if (!conf_cl_bit(p->used, p->fresh) && !conf_cl_bit(p->injected, p->fresh))
			break;
	conf_cl_set(p->used, p->fresh, true);
	return p->fresh++;
}

/* ---- the session --------------------------------------------------------------------- */

static void conf_cl_side_close(struct conf_cl_side *sd)
{
	if (sd->fd >= 0)
		close(sd->fd);
	sd->fd = -1;
	conf_cl_queue_clear(sd);
	conf_vu_msg_free(&sd->in);
	sd->got = 0;
}

/* The server is gone: nothing it owed can come any more. */
static void conf_cl_server_gone(struct conf_cl_proxy *p)
{
	p->ss->server_closed = true;
	conf_cl_side_close(&p->sv);
	memset(p->pending, 0, sizeof(p->pending));
	p->npending = 0;
}

/* Take up to CONF_CL_BURST messages from one side. */
static void conf_cl_pump(struct conf_cl_proxy *p, bool from_client)
{
	struct conf_cl_side *sd = from_client ? &p->cl : &p->sv, *to = from_client ? &p->sv : &p->cl;
	unsigned i;

	if (from_client)
		p->last_rx = conf_cl_now();
	for (i = 0; i < CONF_CL_BURST && sd->fd >= 0 && !p->stop && !p->err && to->queued < CONF_CL_OUTQ_MAX; i++) {
		struct conf_vu_msg m;
		int r = conf_cl_read(sd);

		if (r == 0)
			return;
		if (r == 1) {
			conf_cl_take(sd, &m);
			if (from_client)
				conf_cl_from_client(p, &m);
			else
				conf_cl_from_server(p, &m);
			continue;
		}
		if (r == -ENOMEM) {
			p->err = r;
		} else if (r == -EPROTO) {
			const struct conf_vu_hdr *h = &sd->in.hdr;

			conf_cl_record(p, from_client ? CONF_CL_FROM_CLIENT : CONF_CL_FROM_SERVER, h, NULL, 0,
				       sd->in.nfds);
			conf_note(p->ctx, "%s msg_size %u: the stream cannot be framed", from_client ? "C->S" : "S->C",
				  h->size);
			if (from_client) {
				p->ss->end = CONF_CL_END_FRAMING;
				sd->eof = true;
			} else {
				conf_cl_server_gone(p);
			}
		} else if (from_client) {
			sd->eof = true;
			p->ss->client_closed = true;
		} else {
			conf_cl_server_gone(p);
		}
		return;
	}
}

/* Proxy until an end condition: an enum conf_cl_end, or -errno (local failure). */
static int conf_cl_loop(struct conf_cl_proxy *p, struct conf_cl_proc *pr, uint64_t deadline)
{
	unsigned idle = p->s->idle_ms ? p->s->idle_ms : CONF_CL_IDLE_MS;
	bool shut = false;

	p->last_rx = p->t0;
	for (;;) {
		struct pollfd pfd[4];
		int icl, isv = -1, n = 0, timeout, r;
		uint64_t now = conf_cl_now(), until;

		if (p->err)
			return p->err;
		if (p->stop)
			return CONF_CL_END_STOPPED;
		if (p->cl.eof)
			return p->ss->end == CONF_CL_END_FRAMING ? CONF_CL_END_FRAMING : CONF_CL_END_CLOSED;
		if (now >= deadline)
			return pr->exited ? CONF_CL_END_EXIT : CONF_CL_END_DEADLINE;
		if (!p->npending && !p->holding && now >= p->last_rx + idle)
			return pr->exited ? CONF_CL_END_EXIT : CONF_CL_END_IDLE;
		until = p->npending || p->holding || p->last_rx + idle > deadline ? deadline : p->last_rx + idle;
		timeout = (int)(until - now) + 1;
		if ((pr->pidfd < 0 || pr->exited) && timeout > CONF_CL_TICK_MS)
			timeout = CONF_CL_TICK_MS;
		icl = n;
		pfd[n++] = (struct pollfd){ .fd = p->cl.fd, .events = (short)((p->sv.queued < CONF_CL_OUTQ_MAX ?
						POLLIN : 0) | (p->cl.head ? POLLOUT : 0)) };
		if (p->sv.fd >= 0) {
			isv = n;
			pfd[n++] = (struct pollfd){ .fd = p->sv.fd, .events = (short)((p->cl.queued <
							CONF_CL_OUTQ_MAX ? POLLIN : 0) | (p->sv.head ? POLLOUT : 0)) };
		}
		pfd[n++] = (struct pollfd){ .fd = pr->errfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = pr->exited ? -1 : pr->pidfd, .events = POLLIN };
		r = poll(pfd, (nfds_t)n, timeout);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		conf_cl_drain_err(pr);
		conf_cl_reap(pr, false);
		if (pfd[icl].revents && (pfd[icl].events & POLLIN))
			conf_cl_pump(p, true);
		if (isv >= 0 && pfd[isv].revents && (pfd[isv].events & POLLIN))
			conf_cl_pump(p, false);
		if (!p->cl.eof && conf_cl_flush(&p->cl) < 0) {
			p->cl.eof = true;
			p->ss->client_closed = true;
		}
		if (p->sv.fd >= 0 && conf_cl_flush(&p->sv) < 0)
			conf_cl_server_gone(p);
		/* The server left: once its last words are out, the client sees EOF. */
		if (p->sv.fd < 0 && !shut && !p->cl.head) {
			shutdown(p->cl.fd, SHUT_WR);
			shut = true;
		}
	}
}

/* After a STOP, what a hook queued (a partial reply) still reaches the client. */
static void conf_cl_flush_wait(struct conf_cl_side *sd, unsigned ms)
{
	uint64_t end = conf_cl_now() + ms;

	while (sd->head && sd->fd >= 0 && conf_cl_now() < end) {
		struct pollfd pfd = { .fd = sd->fd, .events = POLLOUT };

		if (conf_cl_flush(sd) < 0)
			return;
		if (sd->head)
			poll(&pfd, 1, 5);
	}
}

/* Close both sides and stop the client as the end requires. */
static void conf_cl_teardown(struct conf_cl_proxy *p, struct conf_cl_proc *pr, int end)
{
	if (end == CONF_CL_END_STOPPED)
		conf_cl_flush_wait(&p->cl, 50);
	conf_cl_side_close(&p->sv);
	if (end == CONF_CL_END_IDLE || end == CONF_CL_END_DEADLINE) {
		/* Stopped first, so its reaction to our close is not mistaken for one. */
		p->ss->stopped = true;
		kill(-pr->pid, SIGTERM);
		kill(-pr->pid, SIGCONT);
	}
	conf_cl_side_close(&p->cl);
	if (end == CONF_CL_END_CLOSED || end == CONF_CL_END_STOPPED || end == CONF_CL_END_FRAMING) {
		conf_cl_wait_exit(pr, p->s->exit_grace_ms ? p->s->exit_grace_ms : CONF_CL_SELF_EXIT_MS);
		if (end == CONF_CL_END_CLOSED && pr->exited)
			p->ss->end = CONF_CL_END_EXIT;
	}
	if (p->holding)
		conf_vu_msg_free(&p->held);
	p->holding = false;
}

/* The session's share of the case's --timeout: what is left after the
 * margins for teardown and judging (none when the timeout is smaller). */
static unsigned conf_cl_budget(unsigned timeout_ms)
{
	unsigned limit = timeout_ms ? timeout_ms : CONF_DEFAULT_TIMEOUT_MS;
	unsigned margin = CONF_CL_JUDGE_MS + CONF_CL_TEARDOWN_MS;

	return limit > margin ? limit - margin : 0;
}

int conf_cl_run(struct conf_ctx *ctx, const struct conf_cl_script *s, struct conf_cl_session *out)
{
	uint64_t start = conf_cl_now();
	unsigned budget = conf_cl_budget(ctx->target->timeout_ms);
	uint64_t deadline = start + budget;
	struct conf_cl_proc pr = { .pidfd = -1, .errfd = -1, .lfd = -1 };
	struct conf_cl_proxy *p;
	char err[CONF_DETAIL_MAX / 2], how[96];
	int svfd = -1, svpid = 0, r, end;

	memset(out, 0, sizeof(*out));
	out->fault_at = -1;
	if (!ctx->target->client_cmd) {
		conf_harness_error(ctx, "no client command");
		return -EINVAL;
	}
	if (!budget) {
		conf_harness_error(ctx, "--timeout %u ms leaves no time for a client session (it needs over %u ms)",
				   ctx->target->timeout_ms, CONF_CL_JUDGE_MS + CONF_CL_TEARDOWN_MS);
		return -ETIMEDOUT;
	}
	/* The server first: it must hold none of the descriptors (nor the
	 * memory) made below. */
	r = conf_vu_serve_fork(ctx, &s->server, &svfd, &svpid);
	if (r < 0) {
		conf_harness_error(ctx, "cannot start the built-in server: %s", strerror(-r));
		return r;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		close(svfd);
		conf_cl_reap_server(out, svpid);
		conf_harness_error(ctx, "out of memory for the proxy");
		return -ENOMEM;
	}
	p->ctx = ctx;
	p->s = s;
	p->ss = out;
	p->cl.fd = p->sv.fd = -1;
	p->fresh = 0x8000;
	conf_note(ctx, "client: %s", ctx->target->client_cmd);
	r = conf_cl_start(&pr, ctx->target->client_cmd, err, sizeof(err));
	if (pr.no_socket)
		conf_note(ctx, "the client command has no {socket}: it is not told where to connect");
	if (r >= 0)
		r = conf_cl_accept(&pr, deadline);
	if (r >= 0) {
		/* One connection per session: the socket and its dir go now, so a
		 * case killed for a TIMEOUT leaves nothing in /tmp. */
		close(pr.lfd);
		pr.lfd = -1;
		conf_cl_rmdir(pr.dir);
		pr.dir[0] = '\0';
		p->cl.fd = r;
		p->pgid = pr.pid;
		p->sv.fd = svfd;
		svfd = -1;
		fcntl(p->sv.fd, F_SETFL, fcntl(p->sv.fd, F_GETFL) | O_NONBLOCK);
		p->t0 = conf_cl_now();
		conf_note(ctx, "the client connected after %u ms", (unsigned)(p->t0 - start));
		end = conf_cl_loop(p, &pr, deadline);
		if (end >= 0) {
			out->end = (enum conf_cl_end)end;
			conf_cl_teardown(p, &pr, end);
		} else {
			conf_cl_teardown(p, &pr, CONF_CL_END_DEADLINE);
		}
		r = end < 0 ? end : 0;
		if (r < 0)
			snprintf(err, sizeof(err), "the proxy failed: %s", strerror(-r));
	} else if (r == -ECHILD || r == -ETIMEDOUT) {
		out->end = CONF_CL_END_NO_CONNECT;
		r = 0;
	}
	if (svfd >= 0)
		close(svfd);
	conf_cl_proc_end(&pr, out);
	conf_cl_reap_server(out, svpid);
	if (svpid > 0 && WIFSIGNALED(out->server_status))
		out->server_closed = true;
	free(p);
	if (r < 0) {
		conf_harness_error(ctx, "%s", err);
		conf_cl_session_free(out);
		return r;
	}
	conf_cl_status(out, how, sizeof(how));
	conf_note(ctx, "session end: %s after %u ms; %zu messages (%zu more not kept); the client %s%s%s",
		  conf_cl_end_names[out->end], (unsigned)(conf_cl_now() - start), out->nev, out->nlost, how,
		  out->stderr_tail[0] ? "; stderr: " : "", out->stderr_tail);
	return 0;
}
