/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim replay FILE --server-cmd CMD`, and what `vfsim fuzz` shares with it
 * (peerfuzz.h; the session file is pf-session.c): playing one session against a
 * third-party vfio-user server started from a command line (the conformance
 * library's spawn helpers own its process group and temp dir), and the
 * detectors that turn what happened into a crash, hang or desync finding.
 * The rules the detectors apply are in peerfuzz.h.
 */
#define _GNU_SOURCE	/* strsignal */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"
#include "peerfuzz.h"

#define PF_SCAN_MAX (8u << 20)		/* stderr bytes scanned per check: the newest ones */
#define PF_SERVER_REQS 64		/* server->client requests answered while waiting for one reply */
#define PF_DRAIN_QUIET_MS 100		/* after broken framing: the server is done when quiet this long */
#define PF_DRAIN_MAX_MS 2000
#define PF_DYING_MS 30			/* a connection to a dying server's socket is dropped within this */

/* ---- the server and the detectors ---------------------------------------------------- */

static int pf_connect(const char *path)
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

static int pf_server_up(struct pf_server *srv, char *err, size_t errlen)
{
	char path[sizeof(srv->sp.dir) + 16];
	int r;

	srv->err_fd = -1;
	srv->err_off = 0;
	r = conf_vu_spawn_start(&srv->sp, srv->cmd, PF_START_MS, err, errlen);
	if (r < 0)
		return r;
	/* Holding the server's stderr file open keeps a sanitizer's exit report
	 * readable after conf_vu_spawn_stop has removed its dir. */
	conf_vu_spawn_stderr_path(srv->sp.dir, path, sizeof(path));
	srv->err_fd = open(path, O_RDONLY | O_CLOEXEC);
	srv->up = true;
	return 0;
}

/* The first line of the server's new stderr bytes that is a sanitizer's
 * report, into @line: 1 found, 0 not. */
static int pf_stderr_scan(struct pf_server *srv, char *line, size_t len)
{
	static const char *const pats[] = {
		"ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer", "ERROR: MemorySanitizer",
		"WARNING: ThreadSanitizer",
	};
	static char buf[64 * 1024 + 1];
	struct stat st;
	uint64_t off;
	size_t i;

	if (srv->err_fd < 0 || fstat(srv->err_fd, &st) < 0)
		return 0;
	off = srv->err_off;
	if ((uint64_t)st.st_size > off + PF_SCAN_MAX)
		off = (uint64_t)st.st_size - PF_SCAN_MAX;
	while (off < (uint64_t)st.st_size) {
		/* chunks overlap by 512 bytes so a line across a boundary is seen whole */
		uint64_t start = off > srv->err_off + 512 ? off - 512 : srv->err_off;
		ssize_t n = pread(srv->err_fd, buf, sizeof(buf) - 1, (off_t)start);

		if (n <= 0)
			break;
		buf[n] = '\0';
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
			char *p = strstr(buf, pats[i]), *b, *e;

			if (!p)
				continue;
			for (b = p; b > buf && b[-1] != '\n'; b--)
				;
			e = strchr(p, '\n');
			snprintf(line, len, "%.*s", (int)(e ? e - b : (ptrdiff_t)strlen(b)), b);
			srv->err_off = (uint64_t)st.st_size;
			return 1;
		}
		off = start + (uint64_t)n;
	}
	srv->err_off = (uint64_t)st.st_size;
	return 0;
}

/* A shell that ran the server as its child reports the child's death by a
 * signal as exit status 128 + N: counted as a crash for the signals a
 * broken program dies of. */
static bool pf_shell_crash(int status, char *buf, size_t len)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP, SIGSYS };
	size_t i;

	if (!WIFEXITED(status) || WEXITSTATUS(status) <= 128)
		return false;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (WEXITSTATUS(status) - 128 == sigs[i]) {
			snprintf(buf, len, "the server command exited with status %d: its server died of signal %d (%s)",
				 WEXITSTATUS(status), sigs[i], strsignal(sigs[i]));
			return true;
		}
	return false;
}

/* After a session: did the server crash? Stops it when @stop, when it is
 * not a suite server, or when it is gone. A crash replaces whatever @f held. */
static void pf_server_judge(struct pf_server *srv, bool stop, struct pf_finding *f, long at)
{
	char det[512] = "", san[256];
	bool crash = false, down = stop || !srv->suite;
	int v;

	if (!srv->up)
		return;
	v = down ? conf_vu_spawn_stop(&srv->sp, det, sizeof(det)) : conf_vu_spawn_poll(&srv->sp, det, sizeof(det));
	if (v == CONF_PEER_CRASH)
		crash = true;
	else if (srv->sp.exited && pf_shell_crash(srv->sp.status, det, sizeof(det)))
		crash = true;
	if (!down && srv->sp.exited) {
		char tmp[256];

		conf_vu_spawn_stop(&srv->sp, tmp, sizeof(tmp));
		down = true;
	}
	if (pf_stderr_scan(srv, san, sizeof(san))) {
		char both[sizeof(det) + sizeof(san) + 2];

		snprintf(both, sizeof(both), "%s%s%s", san, crash ? "; " : "", crash ? det : "");
		snprintf(det, sizeof(det), "%.500s", both);
		crash = true;
	}
	if (crash && f) {
		if (f->kind != PF_NONE && f->kind != PF_CRASH) {
			char was[sizeof(det)];

			snprintf(was, sizeof(was), "%s", det);
			snprintf(det, sizeof(det), "%.470s (seen first as a %s)", was, pf_kind_name(f->kind));
		}
		f->kind = PF_CRASH;
		f->at = at;
		snprintf(f->detail, sizeof(f->detail), "%s", det);
	}
	if (crash && srv->suite)
		down = true;
	if (down) {
		if (srv->up && !srv->sp.exited)
			conf_vu_spawn_stop(&srv->sp, det, sizeof(det));
		if (srv->err_fd >= 0)
			close(srv->err_fd);
		srv->err_fd = -1;
		srv->up = false;
	}
}

void pf_server_down(struct pf_server *srv, struct pf_finding *f)
{
	pf_server_judge(srv, true, f, -1);
}

static void pf_verbose_msg(const struct pf_server *srv, const char *dir, size_t i, const struct conf_vu_hdr *h,
			   uint32_t len, unsigned nfds)
{
	if (!srv->verbose)
		return;
	if (dir[0] == '-')
		printf("  [%2zu] -> id=%u %s(%u) size=%u flags=0x%x error=%u payload=%u fds=%u\n", i, h->id,
		       pf_cmd_name(h->cmd), h->cmd, h->size, h->flags, h->error, len, nfds);
	else
		printf("       <- id=%u %s(%u) size=%u flags=0x%x%s error=%u\n", h->id, pf_cmd_name(h->cmd), h->cmd,
		       h->size, h->flags, (h->flags & CONF_VU_F_ERROR) ? " (ERROR)" : "", h->error);
}

/* A reply that may come (or not) for an earlier message of the session. */
struct pf_optional {
	uint16_t id, cmd;
	long idx;
	bool forbidden;			/* a NO_REPLY command: a reply is a desync */
};

/* Wait for the reply to message @i: 0 it came, 1 the connection closed,
 * 2 a finding (in @f). */
static int pf_wait_reply(struct pf_server *srv, struct conf_ctx *ctx, const struct pf_session *s, size_t i,
			 struct pf_optional *opt, size_t *nopt, struct pf_finding *f)
{
	const struct conf_vu_hdr *want = &s->msg[i].hdr;
	unsigned reqs;

	for (reqs = 0; reqs < PF_SERVER_REQS; reqs++) {
		struct conf_vu_msg rep;
		unsigned type;
		size_t k;
		int r = conf_vu_recv(ctx, &rep, (int)srv->timeout_ms);

		if (r == -ETIMEDOUT) {
			f->kind = PF_HANG;
			f->at = (long)i;
			snprintf(f->detail, sizeof(f->detail),
				 "no reply to message %zu (id=%u %s) within %u ms; the server was alive and the "
				 "connection open", i, want->id, pf_cmd_name(want->cmd), srv->timeout_ms);
			return 2;
		}
		if (r == -EPROTO) {
			f->kind = PF_DESYNC;
			f->at = (long)i;
			snprintf(f->detail, sizeof(f->detail),
				 "waiting for the reply to message %zu (id=%u %s): a header with msg_size < 16 or "
				 "> 16 MiB", i, want->id, pf_cmd_name(want->cmd));
			return 2;
		}
		if (r < 0)
			return 1;
		pf_verbose_msg(srv, "<-", i, &rep.hdr, rep.len, rep.nfds);
		type = rep.hdr.flags & CONF_VU_F_TYPE_MASK;
		if (type == 0) {
			/* A server->client request (DMA_READ/WRITE): we map no
			 * memory, so it gets an error and we keep waiting. */
			struct conf_vu_hdr h = { .id = rep.hdr.id, .cmd = rep.hdr.cmd, .size = 16,
						 .flags = CONF_VU_F_REPLY | CONF_VU_F_ERROR, .error = EFAULT };

			conf_vu_msg_free(&rep);
			if (conf_vu_send_raw(ctx, &h, NULL, 0, NULL, 0) < 0)
				return 1;
			continue;
		}
		if (type != CONF_VU_F_REPLY) {
			f->kind = PF_DESYNC;
			f->at = (long)i;
			snprintf(f->detail, sizeof(f->detail),
				 "waiting for the reply to message %zu (id=%u %s): a message with TYPE %u (flags 0x%x)",
				 i, want->id, pf_cmd_name(want->cmd), type, rep.hdr.flags);
			conf_vu_msg_free(&rep);
			return 2;
		}
		if (rep.hdr.id == want->id && rep.hdr.cmd == want->cmd) {
			/* The server works in order (spec 1.5): what earlier
			 * messages did not get by now, they never get. */
			f->replies++;
			*nopt = 0;
			conf_vu_msg_free(&rep);
			return 0;
		}
		for (k = 0; k < *nopt; k++)
			if (opt[k].id == rep.hdr.id && opt[k].cmd == rep.hdr.cmd)
				break;
		if (k < *nopt && !opt[k].forbidden) {
			opt[k] = opt[--*nopt];
			conf_vu_msg_free(&rep);
			continue;
		}
		f->kind = PF_DESYNC;
		f->at = (long)i;
		if (k < *nopt)
			snprintf(f->detail, sizeof(f->detail),
				 "a reply (id=%u %s) to message %ld, a NO_REPLY command (spec 1.6: not even an "
				 "error reply)", rep.hdr.id, pf_cmd_name(rep.hdr.cmd), opt[k].idx);
		else
			snprintf(f->detail, sizeof(f->detail),
				 "a reply with id=%u cmd=%u (%s) while waiting for the reply to message %zu "
				 "(id=%u cmd=%u %s)", rep.hdr.id, rep.hdr.cmd, pf_cmd_name(rep.hdr.cmd), i,
				 want->id, want->cmd, pf_cmd_name(want->cmd));
		conf_vu_msg_free(&rep);
		return 2;
	}
	return 0;
}

/* What is left on the connection after the last reply we waited for (or a
 * failed send): replies to the optional messages, or a desync (in @f).
 * true when the server closed. */
static bool pf_leftovers(struct pf_server *srv, struct conf_ctx *ctx, struct pf_optional *opt, size_t *nopt,
			 struct pf_finding *f, long last)
{
	unsigned k;

	for (k = 0; k < PF_SERVER_REQS; k++) {
		struct conf_vu_msg rep;
		size_t j;
		int r = conf_vu_recv(ctx, &rep, PF_DRAIN_QUIET_MS);

		if (r == -ETIMEDOUT)
			return false;
		if (r < 0)
			return r != -EPROTO;
		pf_verbose_msg(srv, "<-", 0, &rep.hdr, rep.len, rep.nfds);
		for (j = 0; j < *nopt; j++)
			if (opt[j].id == rep.hdr.id && opt[j].cmd == rep.hdr.cmd)
				break;
		if ((rep.hdr.flags & CONF_VU_F_TYPE_MASK) == 0) {
			/* a server->client request: not our business any more */
		} else if (j < *nopt && !opt[j].forbidden) {
			opt[j] = opt[--*nopt];
		} else {
			f->kind = PF_DESYNC;
			f->at = last;
			if (j < *nopt)
				snprintf(f->detail, sizeof(f->detail),
					 "a reply (id=%u %s) to message %ld, a NO_REPLY command (spec 1.6: not even "
					 "an error reply)", rep.hdr.id, pf_cmd_name(rep.hdr.cmd), opt[j].idx);
			else
				snprintf(f->detail, sizeof(f->detail),
					 "a reply with id=%u cmd=%u (%s) after every command had its reply",
					 rep.hdr.id, rep.hdr.cmd, pf_cmd_name(rep.hdr.cmd));
			conf_vu_msg_free(&rep);
			return false;
		}
		conf_vu_msg_free(&rep);
	}
	return false;
}

/* After a message with a msg_size of its own: read and drop what comes
 * until the server is quiet or closes. true when it closed. */
static bool pf_drain(int fd)
{
	static uint8_t buf[16 * 1024];
	unsigned waited = 0;

	while (waited < PF_DRAIN_MAX_MS) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r = poll(&pfd, 1, PF_DRAIN_QUIET_MS);
		ssize_t n;

		waited += PF_DRAIN_QUIET_MS;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return true;
	}
	return false;
}

/* After the server closed a connection: is it going away? It is when it
 * exits soon, when its socket refuses a connection, or when it accepts one
 * only to drop it at once (a dying process's listener goes after its
 * connections). */
static bool pf_server_dying(struct pf_server *srv)
{
	struct pollfd pfd = { .events = POLLIN };
	uint8_t b;
	bool dying = false;

	char tmp[128];

	conf_vu_spawn_poll(&srv->sp, tmp, sizeof(tmp));
	if (srv->sp.exited)
		return true;
	pfd.fd = pf_connect(srv->sp.sock);
	if (pfd.fd < 0)
		return true;
	if (poll(&pfd, 1, PF_DYING_MS) > 0) {
		ssize_t n = recv(pfd.fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);

		dying = n == 0 || (n < 0 && errno != EAGAIN);
	}
	close(pfd.fd);
	return dying;
}

static int pf_send(struct conf_ctx *ctx, const struct pf_msg *m)
{
	int fds[PF_MAX_FDS];
	unsigned i, n = m->nfds < PF_MAX_FDS ? m->nfds : PF_MAX_FDS;
	int r = 0;

	for (i = 0; i < n; i++) {
		fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fds[i] < 0) {
			r = -errno;
			break;
		}
	}
	if (r == 0)
		r = conf_vu_send_raw(ctx, &m->hdr, m->payload, m->len, fds, n);
	while (i--)
		close(fds[i]);
	return r;
}

int pf_play(struct pf_server *srv, const struct pf_session *s, struct pf_finding *f)
{
	struct pf_optional opt[PF_MAX_MSGS];
	struct conf_ctx ctx;
	size_t i, nopt = 0;
	bool framed = true, closed = false, waited = false;
	long last = -1;
	int fd, r;

	memset(f, 0, sizeof(*f));
	f->at = -1;
	if (!srv->up) {
		r = pf_server_up(srv, f->detail, sizeof(f->detail));
		if (r < 0)
			return r;
	}
	fd = pf_connect(srv->sp.sock);
	if (fd < 0) {
		pf_server_judge(srv, true, f, -1);
		if (f->kind == PF_CRASH)
			return 0;
		snprintf(f->detail, sizeof(f->detail), "cannot connect to the server's socket %s: %s", srv->sp.sock,
			 strerror(-fd));
		return fd;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.v.sock = fd;
	ctx.v.mute = true;
	ctx.out_fd = -1;
	for (i = 0; i < s->n && !closed; i++) {
		const struct pf_msg *m = &s->msg[i];
		unsigned type = m->hdr.flags & CONF_VU_F_TYPE_MASK;

		pf_verbose_msg(srv, "->", i, &m->hdr, m->len, m->nfds);
		last = (long)i;
		waited = false;
		if (pf_send(&ctx, m) < 0) {
			closed = true;
			break;
		}
		if (!framed)
			continue;
		if (m->hdr.size != sizeof(m->hdr) + m->len) {
			if (srv->verbose)
				printf("       (msg_size disagrees with the payload: replies are not judged from here)\n");
			framed = false;
			continue;
		}
		if (type != 0 || (m->hdr.flags & CONF_VU_F_NO_REPLY)) {
			/* A reply is optional to a message that is no command, and
			 * forbidden to a NO_REPLY command. */
			if (nopt < PF_MAX_MSGS)
				opt[nopt++] = (struct pf_optional){ m->hdr.id, m->hdr.cmd, (long)i, type == 0 };
			continue;
		}
		r = pf_wait_reply(srv, &ctx, s, i, opt, &nopt, f);
		waited = true;
		if (r == 1)
			closed = true;
		if (r == 2)
			break;
	}
	if (!framed && !closed && f->kind == PF_NONE)
		closed = pf_drain(fd);
	else if (framed && f->kind == PF_NONE && (!waited || nopt || closed))
		closed = pf_leftovers(srv, &ctx, opt, &nopt, f, last) || closed;
	if (srv->verbose && closed)
		printf("       (the server closed the connection)\n");
	f->closed = closed;
	f->unframed = !framed;
	close(fd);
	/* A hung server is restarted. A closed connection may mean it is dying:
	 * if its socket no longer accepts, wait for it to go and judge that (a
	 * shell between us and the server must reap it before it can say how
	 * it died). */
	if (closed && f->kind == PF_NONE && pf_server_dying(srv)) {
		unsigned k;

		for (k = 0; k < PF_START_MS / 10 && !srv->sp.exited; k++) {
			char tmp[128];

			conf_vu_spawn_poll(&srv->sp, tmp, sizeof(tmp));
			if (!srv->sp.exited)
				conf_sleep_ms(10);
		}
	}
	pf_server_judge(srv, f->kind == PF_HANG, f, last);
	return 0;
}

/* ---- vfsim replay ----------------------------------------------------------------- */

static void replay_usage(FILE *f)
{
	fprintf(f, "usage: vfsim replay FILE --server-cmd CMD [--timeout MS]\n"
		   "       vfsim replay FILE --client-cmd CMD [--profile FILE] [--timeout MS]\n"
		   "Replay a file from vfsim fuzz once: a session file against a fresh server started from\n"
		   "CMD ({socket} becomes the path it must listen on), or a client plan with the client\n"
		   "started from CMD ({socket}: where it connects) against the built-in server; and say\n"
		   "what happened. --timeout: the wait for each reply (server, default 1000 ms) or the\n"
		   "session's budget (client, default 5000 ms).\n"
		   "exit: 0 nothing found, 1 a crash, hang or desync, 2 usage or harness error\n");
}

int cli_replay(int argc, char **argv)
{
	struct pf_server srv = { .timeout_ms = CONF_VU_TIMEOUT_MS, .verbose = true, .err_fd = -1 };
	const char *file = NULL, *client_cmd = NULL, *profile = NULL;
	struct pf_finding rec, got;
	bool timeout_set = false;
	struct pf_session s;
	char err[512];
	int i, r;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			replay_usage(stdout);
			return 0;
		}
		if (!strcmp(a, "--server-cmd") && i + 1 < argc) {
			srv.cmd = argv[++i];
		} else if (!strcmp(a, "--timeout") && i + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);

			if (*end || v < 1 || v > 600000) {
				fprintf(stderr, "vfsim replay: --timeout: 1..600000 ms\n");
				return CLI_EXIT_USAGE;
			}
			srv.timeout_ms = (unsigned)v;
			timeout_set = true;
		} else if (!strcmp(a, "--client-cmd") && i + 1 < argc) {
			client_cmd = argv[++i];
		} else if (!strcmp(a, "--profile") && i + 1 < argc) {
			profile = argv[++i];
		} else if (a[0] != '-' && !file) {
			file = a;
		} else {
			fprintf(stderr, "vfsim replay: unexpected argument '%s'\n", a);
			replay_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (!file || !srv.cmd == !client_cmd) {
		replay_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (pf_cl_is_plan(file) != !!client_cmd) {
		fprintf(stderr, "vfsim replay: %s is a %s: replay it with %s\n", file,
			client_cmd ? "server session" : "client plan", client_cmd ? "--server-cmd" : "--client-cmd");
		return CLI_EXIT_USAGE;
	}
	if (client_cmd)
		return pf_cl_replay(file, client_cmd, profile ? profile : PF_CL_DEFAULT_PROFILE,
				    timeout_set ? srv.timeout_ms : PF_CL_TIMEOUT_MS);
	if (profile) {
		fprintf(stderr, "vfsim replay: --profile applies to --client-cmd only\n");
		return CLI_EXIT_USAGE;
	}
	r = pf_session_load(file, &s, &rec, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "vfsim replay: %s\n", err);
		return CLI_EXIT_USAGE;
	}
	printf("vfsim replay: %s: %zu messages", file, s.n);
	if (rec.kind != PF_NONE)
		printf(", recorded finding: %s at message %ld: %s", pf_kind_name(rec.kind), rec.at, rec.detail);
	printf("\n");
	fflush(stdout);
	r = pf_play(&srv, &s, &got);
	pf_session_free(&s);
	return pf_replay_verdict(r, &rec, &got, "at message");
}

int pf_replay_verdict(int r, const struct pf_finding *rec, const struct pf_finding *got, const char *where)
{
	if (r < 0) {
		fprintf(stderr, "vfsim replay: %s\n", got->detail);
		return CLI_EXIT_USAGE;
	}
	if (got->kind == PF_NONE) {
		printf("vfsim replay: nothing found: the finding does not reproduce\n");
		return 0;
	}
	printf("vfsim replay: %s %s %ld: %s\n", pf_kind_name(got->kind), where, got->at, got->detail);
	if (rec->kind != PF_NONE && rec->kind != got->kind)
		printf("vfsim replay: (the file recorded a %s)\n", pf_kind_name(rec->kind));
	return CLI_EXIT_FAIL;
}
