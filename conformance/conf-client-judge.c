/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The record of a vfio-user client session (conf.h) and its judges: the
 * proxy (conf-client.c) records every message it sees here and notes it in
 * the transcript; the cases judge the recording with conf_cl_judge_basic,
 * conf_cl_judge_reaction, conf_cl_find and conf_cl_count.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "include/vfsim.h"
#include "conf-int.h"
#include "conf-client-int.h"

static const char *const conf_cl_cmd_names[] = {
	[CONF_VU_VERSION] = "VERSION", [CONF_VU_DMA_MAP] = "DMA_MAP", [CONF_VU_DMA_UNMAP] = "DMA_UNMAP",
	[CONF_VU_GET_INFO] = "GET_INFO", [CONF_VU_GET_REGION_INFO] = "GET_REGION_INFO",
	[CONF_VU_GET_REGION_IO_FDS] = "GET_REGION_IO_FDS", [CONF_VU_GET_IRQ_INFO] = "GET_IRQ_INFO",
	[CONF_VU_SET_IRQS] = "SET_IRQS", [CONF_VU_REGION_READ] = "REGION_READ",
	[CONF_VU_REGION_WRITE] = "REGION_WRITE", [CONF_VU_DMA_READ] = "DMA_READ", [CONF_VU_DMA_WRITE] = "DMA_WRITE",
	[CONF_VU_RESET] = "DEVICE_RESET", [CONF_VU_REGION_WRITE_MULTI] = "REGION_WRITE_MULTI",
	[CONF_VU_DEVICE_FEATURE] = "DEVICE_FEATURE", [CONF_VU_MIG_DATA_READ] = "MIG_DATA_READ",
	[CONF_VU_MIG_DATA_WRITE] = "MIG_DATA_WRITE",
};

static const char *conf_cl_cmd_name(uint16_t cmd)
{
	if (cmd < sizeof(conf_cl_cmd_names) / sizeof(conf_cl_cmd_names[0]) && conf_cl_cmd_names[cmd])
		return conf_cl_cmd_names[cmd];
	return "cmd?";
}

unsigned conf_cl_ms(const struct conf_cl_proxy *p)
{
	return (unsigned)(conf_cl_now() - p->t0);
}

/* A transcript line, counted against CONF_CL_NOTES. */
bool conf_cl_may_note(struct conf_cl_proxy *p)
{
	if (p->notes == CONF_CL_NOTES)
		conf_note(p->ctx, "(further proxy lines not shown)");
	return p->notes++ < CONF_CL_NOTES;
}

void conf_cl_note_msg(struct conf_cl_proxy *p, const char *dir, const struct conf_vu_hdr *h,
		      const uint8_t *pl, size_t len, unsigned nfds, const char *what)
{
	char hex[3 * 16 + 1];
	size_t i, n = len < 16 ? len : 16;

	if (!conf_cl_may_note(p))
		return;
	hex[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, " %02x", pl[i]);
	conf_note(p->ctx, "%5u ms %s id=%u %s(%u) size=%u flags=0x%x error=%u fds=%u%s%s%s", conf_cl_ms(p), dir,
		  h->id, conf_cl_cmd_name(h->cmd), h->cmd, h->size, h->flags, h->error, nfds, n ? " |" : "", hex,
		  what);
}

/* Record one message; its index in ev, or -1 when over CONF_CL_EVENTS_MAX. */
long conf_cl_record(struct conf_cl_proxy *p, enum conf_cl_dir dir, const struct conf_vu_hdr *h,
		    const uint8_t *pl, size_t len, unsigned nfds)
{
	static const char *const arrow[] = { "C->S", "S->C", "P->C" };
	struct conf_cl_session *ss = p->ss;
	struct conf_cl_event *e;

	conf_cl_note_msg(p, arrow[dir], h, pl, len, nfds, "");
	if (ss->nev >= CONF_CL_EVENTS_MAX) {
		ss->nlost++;
		return -1;
	}
	if ((ss->nev & (ss->nev - 1)) == 0) {	/* full at 0 and at every power of two */
		size_t cap = ss->nev ? 2 * ss->nev : 1;
		struct conf_cl_event *n = realloc(ss->ev, cap * sizeof(*n));

		if (!n) {
			ss->nlost++;
			return -1;
		}
		ss->ev = n;
	}
	e = &ss->ev[ss->nev];
	memset(e, 0, sizeof(*e));
	e->dir = dir;
	e->hdr = *h;
	e->nfds = nfds;
	e->ms = conf_cl_ms(p);
	if (len > CONF_CL_PAYLOAD_MAX)
		len = CONF_CL_PAYLOAD_MAX;
	if (len && (e->payload = malloc(len))) {
		memcpy(e->payload, pl, len);
		e->len = (uint32_t)len;
	}
	return (long)ss->nev++;
}

void conf_cl_mark_dropped(struct conf_cl_proxy *p, long ev)
{
	if (ev >= 0)
		p->ss->ev[ev].dropped = true;
}

void conf_cl_status(const struct conf_cl_session *s, char *buf, size_t len)
{
	if (!s->exited)
		snprintf(buf, len, "still running");
	else if (WIFSIGNALED(s->status))
		snprintf(buf, len, "died of signal %d (%s)%s", WTERMSIG(s->status), strsignal(WTERMSIG(s->status)),
			 s->stopped ? " after we stopped it" : "");
	else
		snprintf(buf, len, "exited with status %d", WIFEXITED(s->status) ? WEXITSTATUS(s->status) : -1);
}

void conf_cl_session_free(struct conf_cl_session *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nev; i++)
		free(s->ev[i].payload);
	free(s->ev);
	s->ev = NULL;
	s->nev = 0;
}

/* ---- judging ------------------------------------------------------------------------------ */

/* As conf.c records a verdict, for the verdicts it has no helper for. */
static int conf_cl_verdict(struct conf_ctx *ctx, int verdict, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int conf_cl_verdict(struct conf_ctx *ctx, int verdict, const char *fmt, ...)
{
	size_t used = strlen(ctx->detail);
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (verdict > ctx->verdict)
		ctx->verdict = verdict;
	conf_note(ctx, "%s: %s", conf_verdict_name(verdict), msg);
	if (used + 3 < sizeof(ctx->detail))
		snprintf(ctx->detail + used, sizeof(ctx->detail) - used, "%s%s", used ? "; " : "", msg);
	return verdict;
}

/* A signal that means a crash, never one we send to stop a client. */
static bool conf_cl_crash_signal(int sig)
{
	static const int crash[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS, SIGTRAP };
	size_t i;

	for (i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
		if (sig == crash[i])
			return true;
	return false;
}

/* The signal the client crashed of, 0 if none: a death by a signal we did
 * not send, or the status 128 + a crash signal by which a shell that did not
 * exec its last command (dash) reports that command's crash. */
static int conf_cl_crashed(const struct conf_cl_session *s)
{
	int sig;

	if (!s->exited)
		return 0;
	if (WIFEXITED(s->status)) {
		sig = WEXITSTATUS(s->status) - 128;
		return sig > 0 && conf_cl_crash_signal(sig) ? sig : 0;
	}
	sig = WTERMSIG(s->status);
	return !s->stopped || conf_cl_crash_signal(sig) ? sig : 0;
}

int conf_cl_judge_basic(struct conf_ctx *ctx, const struct conf_cl_session *s)
{
	const char *tail = s->stderr_tail[0] ? s->stderr_tail : "(empty)";
	int v = CONF_PASS, r, sig;
	char how[96];

	conf_cl_status(s, how, sizeof(how));
	if ((sig = conf_cl_crashed(s))) {
		r = conf_cl_verdict(ctx, CONF_PEER_CRASH, "the client %s%s%s%s; stderr: %s", how,
				    WIFEXITED(s->status) ? ": its shell's report of signal " : "",
				    WIFEXITED(s->status) ? strsignal(sig) : "",
				    s->end == CONF_CL_END_NO_CONNECT ? " before connecting" : "", tail);
		v = r > v ? r : v;
	} else if (s->end == CONF_CL_END_NO_CONNECT) {
		r = conf_cl_verdict(ctx, CONF_HARNESS_ERROR, "the client never connected (%s); stderr: %s", how,
				    tail);
		v = r > v ? r : v;
	}
	if (s->end == CONF_CL_END_FRAMING) {
		long i = (long)s->nev - 1;

		while (i >= 0 && s->ev[i].dir != CONF_CL_FROM_CLIENT)
			i--;
		r = conf_cl_verdict(ctx, CONF_FAIL, "the client sent a message that cannot be framed (msg_size %u)",
				    i >= 0 ? s->ev[i].hdr.size : 0);
		v = r > v ? r : v;
	}
	/* The built-in server is part of the harness: a crash there voids the case. */
	if (WIFSIGNALED(s->server_status) && WTERMSIG(s->server_status) != SIGKILL) {
		r = conf_cl_verdict(ctx, CONF_HARNESS_ERROR, "the built-in server died of signal %d",
				    WTERMSIG(s->server_status));
		v = r > v ? r : v;
	}
	return v;
}

int conf_cl_judge_reaction(struct conf_ctx *ctx, const struct conf_cl_session *s, unsigned allowed,
			   const char *why_not)
{
	static const char *const what[] = {
		[CONF_CL_MAY_CLOSE] = "closed the connection or failed",
		[CONF_CL_MAY_CONTINUE] = "went on and exited 0: it accepted the deviation",
		[CONF_CL_MAY_WAIT] = "stayed connected and silent",
	};
	bool own_exit = s->exited && !(s->stopped && WIFSIGNALED(s->status));
	unsigned seen;
	char how[96];
	int v;

	v = conf_cl_judge_basic(ctx, s);
	if (v != CONF_PASS)
		return v;
	if (s->fault_at < 0)
		return conf_not_supported(ctx, why_not ? why_not : "the scripted deviation never happened");
	conf_cl_status(s, how, sizeof(how));
	switch (s->end) {
	case CONF_CL_END_EXIT:
		seen = WIFEXITED(s->status) && WEXITSTATUS(s->status) == 0 ? CONF_CL_MAY_CONTINUE : CONF_CL_MAY_CLOSE;
		break;
	case CONF_CL_END_CLOSED:
		seen = CONF_CL_MAY_CLOSE;
		break;
	case CONF_CL_END_STOPPED:
		seen = !own_exit ? CONF_CL_MAY_WAIT : WIFEXITED(s->status) && WEXITSTATUS(s->status) == 0 ?
		       CONF_CL_MAY_CONTINUE : CONF_CL_MAY_CLOSE;
		break;
	case CONF_CL_END_DEADLINE:
		if (allowed & CONF_CL_MAY_WAIT) {
			conf_note(ctx, "the client was still waiting at the deadline: allowed");
			return conf_pass(ctx);
		}
		return conf_cl_verdict(ctx, CONF_TIMEOUT, "the client was still busy %u ms after the deviation "
				       "(at the case deadline)", s->last_client_ms > s->fault_ms ?
				       s->last_client_ms - s->fault_ms : 0);
	default:
		seen = CONF_CL_MAY_WAIT;
		break;
	}
	if (seen & allowed) {
		conf_note(ctx, "after the deviation (event %ld at %u ms) the client %s (%s): allowed", s->fault_at,
			  s->fault_ms, what[seen], how);
		return conf_pass(ctx);
	}
	return conf_fail(ctx, "after the deviation (event %ld at %u ms) the client %s (%s)", s->fault_at,
			 s->fault_ms, what[seen], how);
}

static bool conf_cl_match(const struct conf_cl_event *e, enum conf_cl_dir dir, uint16_t cmd, int type)
{
	return e->dir == dir && (!cmd || e->hdr.cmd == cmd) &&
	       (type < 0 || (e->hdr.flags & CONF_VU_F_TYPE_MASK) == (unsigned)type);
}

long conf_cl_find(const struct conf_cl_session *s, long from, enum conf_cl_dir dir, uint16_t cmd, int type)
{
	size_t i;

	for (i = from < 0 ? 0 : (size_t)from + 1; i < s->nev; i++)
		if (conf_cl_match(&s->ev[i], dir, cmd, type))
			return (long)i;
	return -1;
}

size_t conf_cl_count(const struct conf_cl_session *s, enum conf_cl_dir dir, uint16_t cmd, int type)
{
	size_t i, n = 0;

	for (i = 0; i < s->nev; i++)
		n += conf_cl_match(&s->ev[i], dir, cmd, type);
	return n;
}
