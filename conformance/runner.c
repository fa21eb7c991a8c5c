/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The runner: picks cases (--filter), runs each in a forked child against a
 * fresh target so a crash is PEER-CRASH and a hang is TIMEOUT (the child is
 * killed), collects the transcript and verdict over a pipe, applies the rule
 * level (a failure of a SHOULD/MAY/IMPL-DEFINED rule is NON-STRICT), the
 * expectation file (--expect) and --strict, and decides the exit code:
 * harness error (2) over a failed required case (1) over a violated
 * expectation file (3) over success (0).
 *
 * With --server-cmd the runner also owns the third-party server's process
 * (conf-vu.c starts and stops it): started before a case (--spawn=case) or
 * once for the run (--spawn=suite, restarted after it dies), stopped and
 * reaped after, never left behind. It runs here, not in the case's child,
 * so a case killed for a TIMEOUT cannot orphan it, and its death by a
 * signal of its own is the PEER-CRASH of the case during which it died.
 */
#include <errno.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "include/vfsim.h"
#include "conf-int.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
#endif
#define CONF_DEFAULT_PROFILE FIXTURES_DIR "/devices/dmaengine.json"
#define CONF_EXPECT_MAX 4096	/* lines of an expectation file */

static uint64_t conf_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- running something in a child ------------------------------------------- */

struct conf_child {
	uint8_t *buf;		/* every byte the child sent (bounded by CONF_PIPE_MAX) */
	size_t len;
	bool timed_out;
	int status;		/* waitpid status */
};

/* Fork, run @fn(@arg, write end) in the child and _exit; collect the pipe
 * until EOF or @timeout_ms, then kill the child if it is still there.
 * Returns 0 or -errno (fork/pipe failure: a harness error). */
static int conf_isolate(void (*fn)(void *arg, int fd), void *arg, unsigned timeout_ms, struct conf_child *ch)
{
	uint64_t deadline = conf_now_ms() + timeout_ms;
	int p[2], r;
	pid_t pid;

	memset(ch, 0, sizeof(*ch));
	if (pipe(p) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(p[0]);
		close(p[1]);
		return r;
	}
	if (pid == 0) {
		/* A crash must kill the child, whatever handlers the parent
		 * (a test framework, a sanitizer) installed. */
		static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS, SIGTRAP };
		size_t i;

		for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
			signal(fatal[i], SIG_DFL);
		close(p[0]);
		signal(SIGPIPE, SIG_IGN);
		fn(arg, p[1]);
		close(p[1]);
		_exit(0);
	}
	close(p[1]);
	ch->buf = malloc(CONF_PIPE_MAX);
	if (!ch->buf) {
		kill(pid, SIGKILL);
		waitpid(pid, &ch->status, 0);
		close(p[0]);
		return -ENOMEM;
	}
	for (;;) {
		uint64_t now = conf_now_ms();
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		uint8_t sink[4096];
		ssize_t n;

		if (now >= deadline) {
			ch->timed_out = true;
			break;
		}
		r = poll(&pfd, 1, (int)(deadline - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ch->timed_out = r == 0;
			break;
		}
		if (ch->len < CONF_PIPE_MAX)
			n = read(p[0], ch->buf + ch->len, CONF_PIPE_MAX - ch->len);
		else
			n = read(p[0], sink, sizeof(sink));	/* over budget: drain, drop */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (ch->len < CONF_PIPE_MAX)
			ch->len += (size_t)n;
	}
	close(p[0]);
	if (ch->timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &ch->status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

/* Walk the records of @ch: @fn sees each; a torn tail is ignored. */
static void conf_child_records(const struct conf_child *ch, void (*fn)(void *arg, int type, const uint8_t *p,
								      size_t len), void *arg)
{
	size_t off = 0;

	while (ch->len - off >= 5) {
		const uint8_t *h = ch->buf + off;
		size_t len = h[1] | (size_t)h[2] << 8 | (size_t)h[3] << 16 | (size_t)h[4] << 24;

		if (len > CONF_REC_MAX || len > ch->len - off - 5)
			break;
		fn(arg, h[0], h + 5, len);
		off += 5 + len;
	}
}

/* ---- one case ------------------------------------------------------------------ */

struct conf_case_job {
	const struct conf_runstate *rs;
	const struct conf_case *c;
};

static uint64_t conf_case_seed(uint64_t seed, const char *id)
{
	uint64_t h = 0xcbf29ce484222325ull ^ seed;	/* FNV-1a over the id */

	for (; *id; id++)
		h = (h ^ (uint8_t)*id) * 0x100000001b3ull;
	return h ? h : 1;
}

static void conf_case_child(void *arg, int fd)
{
	const struct conf_case_job *job = arg;
	struct conf_ctx ctx;
	uint8_t vrec[4 + CONF_DETAIL_MAX];
	/* A case judging a vfio-user server talks to one over a socket (conf-vu.c);
	 * one judging a client builds its own session (conf_cl_run). */
	bool vu = job->c->roles & CONF_ROLE_SERVER;
	bool cl = !vu && (job->c->roles & CONF_ROLE_CLIENT);
	uint32_t v;
	int r;

	memset(&ctx, 0, sizeof(ctx));
	ctx.target = &job->rs->target;
	ctx.out_fd = fd;
	ctx.seed = conf_case_seed(job->rs->o->seed, job->c->id);
	ctx.rng = ctx.seed;
	ctx.v.sock = -1;
	ctx.u.container = ctx.u.group = ctx.u.device = -1;
	r = cl ? 0 : vu ? conf_vu_target_up(&ctx) : conf_uapi_target_up(&ctx);
	if (r < 0) {
		v = conf_harness_error(&ctx, "cannot build the target: %s", strerror(-r));
	} else {
		conf_note(&ctx, "case %s (rule %s), seed 0x%llx", job->c->id, job->c->rule,
			  (unsigned long long)ctx.seed);
		r = job->c->run(&ctx, job->c);
		if (r < 0 || r >= CONF_NVERDICTS)
			r = conf_harness_error(&ctx, "run function returned %d, not a verdict", r);
		v = (uint32_t)(r > ctx.verdict ? r : ctx.verdict);
		if (vu) {
			r = conf_vu_target_down(&ctx);
			if ((uint32_t)r > v)
				v = (uint32_t)r;
		} else if (!cl) {
			conf_uapi_target_down(&ctx);
		}
	}
	memcpy(vrec, &v, 4);
	memcpy(vrec + 4, ctx.detail, strlen(ctx.detail));
	conf_rec_write(fd, CONF_REC_VERDICT, vrec, 4 + strlen(ctx.detail));
}

struct conf_collect {
	char *transcript;
	size_t tlen, tcap;
	int verdict;
	char detail[CONF_DETAIL_MAX];
};

static void conf_collect_rec(void *arg, int type, const uint8_t *p, size_t len)
{
	struct conf_collect *cc = arg;

	if (type == CONF_REC_LINE) {
		if (cc->tlen + len + 2 > cc->tcap) {
			size_t ncap = (cc->tlen + len + 2) * 2;
			char *n = realloc(cc->transcript, ncap);

			if (!n)
				return;
			cc->transcript = n;
			cc->tcap = ncap;
		}
		memcpy(cc->transcript + cc->tlen, p, len);
		cc->tlen += len;
		cc->transcript[cc->tlen++] = '\n';
		cc->transcript[cc->tlen] = '\0';
	} else if (type == CONF_REC_VERDICT && len >= 4) {
		uint32_t v;
		size_t dl = len - 4 < sizeof(cc->detail) - 1 ? len - 4 : sizeof(cc->detail) - 1;

		memcpy(&v, p, 4);
		cc->verdict = v < CONF_NVERDICTS ? (int)v : CONF_HARNESS_ERROR;
		memcpy(cc->detail, p + 4, dl);
		cc->detail[dl] = '\0';
	}
}

/* The --server-cmd server of the run. */
struct conf_spawner {
	struct conf_vu_spawn sp;
	bool failed;			/* --spawn=suite: it did not start; do not retry per case */
	char why[CONF_DETAIL_MAX];
};

/* Have a server listening before a case: 0, or -1 with @reason written. */
static int conf_spawn_before(struct conf_runstate *rs, struct conf_spawner *s, char *reason, size_t len)
{
	char err[CONF_DETAIL_MAX - 64];

	if (rs->o->spawn_suite && s->failed) {
		snprintf(reason, len, "%s", s->why);
		return -1;
	}
	if (rs->o->spawn_suite && s->sp.pid > 0)
		return 0;
	if (conf_vu_spawn_start(&s->sp, rs->o->server_cmd, rs->o->timeout_ms, err, sizeof(err)) < 0) {
		snprintf(reason, len, "cannot start the server: %s", err);
		if (rs->o->spawn_suite) {
			s->failed = true;
			snprintf(s->why, sizeof(s->why), "%s", reason);
		}
		return -1;
	}
	rs->target.socket_path = s->sp.sock;
	return 0;
}

/* After a case: stop the server (--spawn=case) or look whether it died
 * (--spawn=suite; a dead one is cleaned up and restarted for the next
 * case). CONF_PEER_CRASH with @detail when it died of a signal of its own. */
static int conf_spawn_after(struct conf_runstate *rs, struct conf_spawner *s, char *detail, size_t len)
{
	char tmp[256];
	int v;

	if (!rs->o->spawn_suite)
		return conf_vu_spawn_stop(&s->sp, detail, len);
	v = conf_vu_spawn_poll(&s->sp, detail, len);
	if (s->sp.exited)
		conf_vu_spawn_stop(&s->sp, tmp, sizeof(tmp));
	return v;
}

static void conf_run_case(struct conf_runstate *rs, struct conf_spawner *spawner, struct conf_result *res)
{
	struct conf_case_job job = { .rs = rs, .c = res->c };
	struct conf_collect cc = { .verdict = -1 };
	struct conf_child ch;
	char reason[CONF_DETAIL_MAX], crash_detail[256];
	uint64_t t0 = conf_now_ms();
	int r, crash = CONF_PASS;

	r = conf_needs_met(res->c->needs, rs->target.features, reason, sizeof(reason));
	if (r <= 0) {
		res->verdict = r < 0 ? CONF_HARNESS_ERROR : CONF_NOT_SUPPORTED;
		res->detail = strdup(reason);
		res->transcript = strdup("");
		return;
	}
	if (!res->rule) {
		res->verdict = CONF_HARNESS_ERROR;
		snprintf(reason, sizeof(reason), "rule %s is not in the catalogue", res->c->rule);
		res->detail = strdup(reason);
		res->transcript = strdup("");
		return;
	}
	if (rs->o->server_cmd && conf_spawn_before(rs, spawner, reason, sizeof(reason)) < 0) {
		res->verdict = CONF_HARNESS_ERROR;
		res->detail = strdup(reason);
		res->transcript = strdup("");
		return;
	}
	r = conf_isolate(conf_case_child, &job, rs->o->timeout_ms, &ch);
	res->ms = (unsigned)(conf_now_ms() - t0);
	if (rs->o->server_cmd)
		crash = conf_spawn_after(rs, spawner, crash_detail, sizeof(crash_detail));
	if (r < 0) {
		res->verdict = CONF_HARNESS_ERROR;
		snprintf(reason, sizeof(reason), "cannot fork the case: %s", strerror(-r));
		res->detail = strdup(reason);
		res->transcript = strdup("");
		free(ch.buf);
		return;
	}
	conf_child_records(&ch, conf_collect_rec, &cc);
	free(ch.buf);
	if (ch.timed_out) {
		res->verdict = CONF_TIMEOUT;
		snprintf(reason, sizeof(reason), "no verdict within %u ms; the case was killed", rs->o->timeout_ms);
	} else if (WIFSIGNALED(ch.status)) {
		res->verdict = CONF_PEER_CRASH;
		snprintf(reason, sizeof(reason), "the process holding the target died of signal %d (%s)",
			 WTERMSIG(ch.status), strsignal(WTERMSIG(ch.status)));
	} else if (cc.verdict < 0) {
		res->verdict = CONF_PEER_CRASH;
		snprintf(reason, sizeof(reason), "the process holding the target exited (status %d) without a verdict",
			 WIFEXITED(ch.status) ? WEXITSTATUS(ch.status) : -1);
	} else {
		res->verdict = cc.verdict;
		snprintf(reason, sizeof(reason), "%s", cc.detail);
	}
	/* The server died of a signal while the case ran: whatever the case
	 * saw (a reset, a timeout, a failed setup) follows from that. */
	if (crash == CONF_PEER_CRASH && res->verdict != CONF_PEER_CRASH) {
		char tmp[CONF_DETAIL_MAX + 320];
		size_t n;

		res->verdict = CONF_PEER_CRASH;
		snprintf(tmp, sizeof(tmp), "%s; the case saw: %s", crash_detail, reason[0] ? reason : "-");
		n = strnlen(tmp, sizeof(reason) - 1);
		memcpy(reason, tmp, n);
		reason[n] = '\0';
	}
	/* A failed SHOULD / MAY / IMPL-DEFINED rule is not a required failure. */
	if (res->verdict == CONF_FAIL && res->rule->level != CONF_MUST) {
		char tmp[CONF_DETAIL_MAX + 32];
		size_t n;

		res->verdict = CONF_NON_STRICT;
		snprintf(tmp, sizeof(tmp), "(%s rule) %s", conf_level_name(res->rule->level), reason);
		n = strnlen(tmp, sizeof(reason) - 1);
		memcpy(reason, tmp, n);
		reason[n] = '\0';
	}
	res->detail = strdup(reason);
	res->transcript = cc.transcript ? cc.transcript : strdup("");
}

/* ---- discovery, isolated too ------------------------------------------------------ */

struct conf_discover_job {
	struct conf_target *t;
};

static void conf_discover_child(void *arg, int fd)
{
	struct conf_discover_job *job = arg;
	char err[256];
	int r = conf_uapi_discover(job->t, err, sizeof(err));

	if (r < 0)
		conf_rec_write(fd, CONF_REC_LINE, err, strlen(err));
	else
		conf_rec_write(fd, CONF_REC_TARGET, job->t, sizeof(*job->t));
}

struct conf_discover_out {
	struct conf_target *t;
	bool got;
	char err[256];
};

static void conf_discover_rec(void *arg, int type, const uint8_t *p, size_t len)
{
	struct conf_discover_out *out = arg;

	if (type == CONF_REC_TARGET && len == sizeof(*out->t)) {
		/* The image carries the parent's pointers (same binary, forked). */
		memcpy(out->t, p, len);
		out->got = true;
	} else if (type == CONF_REC_LINE) {
		snprintf(out->err, sizeof(out->err), "%.*s", (int)len, (const char *)p);
	}
}

static int conf_discover(struct conf_runstate *rs, FILE *err)
{
	struct conf_discover_job job = { .t = &rs->target };
	struct conf_discover_out out = { .t = &rs->target };
	struct conf_child ch;
	int r;

	r = conf_isolate(conf_discover_child, &job, rs->o->timeout_ms, &ch);
	if (r < 0) {
		fprintf(err, "vfsim check: cannot fork: %s\n", strerror(-r));
		return r;
	}
	conf_child_records(&ch, conf_discover_rec, &out);
	free(ch.buf);
	if (!out.got) {
		fprintf(err, "vfsim check: discovering the target failed: %s\n",
			out.err[0] ? out.err : ch.timed_out ? "timed out" : "the discovery process died");
		return -EIO;
	}
	return 0;
}

/* ---- expectations ------------------------------------------------------------------ */

static void conf_expect_free(struct conf_runstate *rs)
{
	size_t i;

	for (i = 0; i < rs->nexp; i++) {
		free(rs->exp[i].id);
		free(rs->exp[i].reason);
	}
	free(rs->exp);
	rs->exp = NULL;
	rs->nexp = 0;
}

/* Lines "CASE-ID VERDICT reason..."; '#' starts a comment line. An expected
 * PASS or HARNESS-ERROR is meaningless and rejected, as are duplicates. */
static int conf_expect_load(struct conf_runstate *rs, const char *path, FILE *err)
{
	char line[1024];
	unsigned lineno = 0;
	FILE *f = fopen(path, "r");
	int r = 0;

	if (!f) {
		fprintf(err, "vfsim check: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	rs->exp = calloc(CONF_EXPECT_MAX, sizeof(*rs->exp));
	if (!rs->exp) {
		fclose(f);
		return -ENOMEM;
	}
	while (fgets(line, sizeof(line), f)) {
		char id[128], verdict[32];
		int off = 0, v;
		size_t i;
		char *reason;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[strspn(line, " \t")] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		if (sscanf(line, " %127s %31s %n", id, verdict, &off) < 2) {
			fprintf(err, "vfsim check: %s:%u: want \"CASE-ID VERDICT reason\"\n", path, lineno);
			r = -EINVAL;
			break;
		}
		v = conf_verdict_parse(verdict);
		if (v < 0 || v == CONF_PASS || v == CONF_HARNESS_ERROR) {
			fprintf(err, "vfsim check: %s:%u: \"%s\" is not an expectable verdict\n", path, lineno,
				verdict);
			r = -EINVAL;
			break;
		}
		for (i = 0; i < rs->nexp; i++)
			if (!strcmp(rs->exp[i].id, id))
				break;
		if (i < rs->nexp) {
			fprintf(err, "vfsim check: %s:%u: %s listed twice (first on line %u)\n", path, lineno, id,
				rs->exp[i].line);
			r = -EINVAL;
			break;
		}
		if (rs->nexp == CONF_EXPECT_MAX) {
			fprintf(err, "vfsim check: %s: more than %u expectations\n", path, CONF_EXPECT_MAX);
			r = -E2BIG;
			break;
		}
		reason = line + off;
		rs->exp[rs->nexp].id = strdup(id);
		rs->exp[rs->nexp].reason = strdup(reason);
		rs->exp[rs->nexp].verdict = v;
		rs->exp[rs->nexp].line = lineno;
		if (!rs->exp[rs->nexp].id || !rs->exp[rs->nexp].reason) {
			free(rs->exp[rs->nexp].id);
			free(rs->exp[rs->nexp].reason);
			r = -ENOMEM;
			break;
		}
		rs->nexp++;
	}
	fclose(f);
	return r;
}

static const struct conf_expect *conf_expect_find(const struct conf_runstate *rs, const char *id)
{
	size_t i;

	for (i = 0; i < rs->nexp; i++)
		if (!strcmp(rs->exp[i].id, id))
			return &rs->exp[i];
	return NULL;
}

static enum conf_outcome conf_classify(const struct conf_runstate *rs, const struct conf_result *res)
{
	switch (res->verdict) {
	case CONF_PASS:
		return res->expected >= 0 ? CONF_OUT_UNEXPECTED_PASS : CONF_OUT_OK;
	case CONF_NOT_SUPPORTED:
		return res->expected == CONF_NOT_SUPPORTED ? CONF_OUT_EXPECTED : CONF_OUT_OK;
	case CONF_NON_STRICT:
		if (res->expected == CONF_NON_STRICT)
			return CONF_OUT_EXPECTED;
		return rs->o->strict ? CONF_OUT_FAILED : CONF_OUT_OK;
	case CONF_HARNESS_ERROR:
		return CONF_OUT_HARNESS;
	default:
		return res->expected == res->verdict ? CONF_OUT_EXPECTED : CONF_OUT_FAILED;
	}
}

/* ---- the run -------------------------------------------------------------------------- */

static size_t conf_collect_cases(const struct conf_table *const *tables, size_t ntables, const char *filter,
				 const struct conf_case **out, size_t max)
{
	size_t t, i, n = 0;

	for (t = 0; t < ntables; t++)
		for (i = 0; i < tables[t]->n; i++) {
			const struct conf_case *c = &tables[t]->cases[i];

			if (filter && fnmatch(filter, c->id, 0))
				continue;
			if (n < max)
				out[n] = c;
			n++;
		}
	return n;
}

/* Duplicate case ids break --expect and reports: refuse to run. */
static int conf_check_ids(const struct conf_case **all, size_t n, FILE *err)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (!strcmp(all[i]->id, all[j]->id)) {
				fprintf(err, "vfsim check: case id %s is used twice\n", all[i]->id);
				return -EINVAL;
			}
	return 0;
}

static void conf_list(FILE *f, const struct conf_case **cases, size_t n)
{
	char roles[64];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct conf_rule *r = conf_rule_find(cases[i]->rule);

		fprintf(f, "%-16s %-14s %-12s %-6s %-14s %s\n", cases[i]->id, cases[i]->rule,
			r ? conf_level_name(r->level) : "?", conf_role_names(cases[i]->roles, roles, sizeof(roles)),
			cases[i]->needs ? cases[i]->needs : "-", cases[i]->summary);
	}
}

static void conf_runstate_free(struct conf_runstate *rs)
{
	size_t i;

	for (i = 0; i < rs->nres; i++) {
		free(rs->res[i].detail);
		free(rs->res[i].transcript);
	}
	free(rs->res);
	conf_expect_free(rs);
}

static int conf_exit_code(const struct conf_runstate *rs)
{
	if (rs->nharness)
		return CONF_EXIT_HARNESS;
	if (rs->nfailed)
		return CONF_EXIT_FAIL;
	if (rs->nunexpected || rs->nstale)
		return CONF_EXIT_EXPECT;
	return CONF_EXIT_OK;
}

static int conf_run_cases(struct conf_runstate *rs, const struct conf_case **cases, size_t n, FILE *out)
{
	struct conf_spawner spawner;
	char tmp[256];
	size_t i;
	int r = 0;

	memset(&spawner, 0, sizeof(spawner));
	rs->res = calloc(n ? n : 1, sizeof(*rs->res));
	if (!rs->res)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct conf_result *res = &rs->res[i];
		const struct conf_expect *e = conf_expect_find(rs, cases[i]->id);

		res->c = cases[i];
		res->rule = conf_rule_find(cases[i]->rule);
		res->expected = e ? e->verdict : -1;
		res->expect_reason = e ? e->reason : NULL;
		conf_run_case(rs, &spawner, res);
		if (!res->detail)
			res->detail = strdup("");
		if (!res->transcript)
			res->transcript = strdup("");
		if (!res->detail || !res->transcript) {
			r = -ENOMEM;
			break;
		}
		rs->nres = i + 1;
		res->outcome = conf_classify(rs, res);
		rs->count[res->verdict]++;
		rs->total_ms += res->ms;
		switch (res->outcome) {
		case CONF_OUT_FAILED: rs->nfailed++; break;
		case CONF_OUT_UNEXPECTED_PASS: rs->nunexpected++; break;
		case CONF_OUT_HARNESS: rs->nharness++; break;
		case CONF_OUT_EXPECTED: rs->nexpected++; break;
		case CONF_OUT_OK: break;
		}
		if (!rs->o->quiet)
			conf_report_progress(out, rs, i);
	}
	conf_vu_spawn_stop(&spawner.sp, tmp, sizeof(tmp));
	return r;
}

int conf_run(const struct conf_opts *o_in, const struct conf_table *const *tables, size_t ntables)
{
	struct conf_opts o = *o_in;
	struct conf_runstate rs;
	const struct conf_case **all = NULL, **sel = NULL;
	struct vfsim_profile *prof = NULL;
	FILE *out = o.out ? o.out : stdout, *err = o.err ? o.err : stderr;
	char perr[512];
	size_t nall, nsel, i;
	int r, code = CONF_EXIT_HARNESS;

	if (!o.timeout_ms)
		o.timeout_ms = CONF_DEFAULT_TIMEOUT_MS;
	if (!o.profile_path)
		o.profile_path = CONF_DEFAULT_PROFILE;
	memset(&rs, 0, sizeof(rs));
	rs.o = &o;

	if (o.coverage) {
		conf_coverage_print(out, tables, ntables, o.list);
		return CONF_EXIT_OK;
	}
	all = calloc(CONF_MAX_CASES, sizeof(*all));
	sel = calloc(CONF_MAX_CASES, sizeof(*sel));
	if (!all || !sel)
		goto out;
	nall = conf_collect_cases(tables, ntables, NULL, all, CONF_MAX_CASES);
	nsel = conf_collect_cases(tables, ntables, o.filter, sel, CONF_MAX_CASES);
	if (nall > CONF_MAX_CASES) {
		fprintf(err, "vfsim check: more than %u cases\n", CONF_MAX_CASES);
		goto out;
	}
	if (conf_check_ids(all, nall, err) < 0)
		goto out;
	if (o.list) {
		conf_list(out, sel, nsel);
		code = CONF_EXIT_OK;
		goto out;
	}
	if (o.expect_path) {
		if (conf_expect_load(&rs, o.expect_path, err) < 0)
			goto out;
		/* Stale: names no case of the suite at all (a filtered-out case
		 * is not stale, it just did not run). */
		for (i = 0; i < rs.nexp; i++) {
			size_t j;

			for (j = 0; j < nall; j++)
				if (!strcmp(all[j]->id, rs.exp[i].id))
					rs.exp[i].seen = true;
			if (!rs.exp[i].seen)
				rs.nstale++;
		}
	}

	r = vfsim_profile_load(o.profile_path, &prof, perr, sizeof(perr));
	if (r < 0) {
		fprintf(err, "vfsim check: %s\n", perr);
		goto out;
	}
	rs.target.kind = o.socket_path || o.server_cmd ? CONF_TARGET_VU_SOCKET : CONF_TARGET_UAPI;
	rs.target.profile_path = o.profile_path;
	rs.target.profile = prof;
	rs.target.faults = o.faults;
	rs.target.timeout_ms = o.timeout_ms;
	/* A third-party server is only spoken to by its cases: no discovery. */
	if (!o.socket_path && !o.server_cmd && conf_discover(&rs, err) < 0)
		goto out;
	rs.target.socket_path = o.socket_path;
	/* Discovery's image came from a child: its pointers are this process's. */
	rs.target.profile_path = o.profile_path;
	rs.target.profile = prof;
	rs.target.faults = o.faults;
	rs.target.timeout_ms = o.timeout_ms;
	rs.target.client_cmd = o.client_cmd;

	if (!o.quiet && o.server_cmd)
		fprintf(out, "vfsim check: %zu of %zu cases against the vfio-user server of `%s` (one per %s), seed %llu, "
			"timeout %u ms\n", nsel, nall, o.server_cmd, o.spawn_suite ? "run" : "case",
			(unsigned long long)o.seed, o.timeout_ms);
	else if (!o.quiet && o.socket_path)
		fprintf(out, "vfsim check: %zu of %zu cases against the vfio-user server at %s, seed %llu, timeout %u ms\n",
			nsel, nall, o.socket_path, (unsigned long long)o.seed, o.timeout_ms);
	else if (!o.quiet)
		fprintf(out, "vfsim check: %zu of %zu cases against the kernel-uAPI model (%s), seed %llu, timeout %u ms\n",
			nsel, nall, rs.target.device_name, (unsigned long long)o.seed, o.timeout_ms);
	if (conf_run_cases(&rs, sel, nsel, out) < 0) {
		fprintf(err, "vfsim check: out of memory\n");
		goto out;
	}
	rs.exit_code = conf_exit_code(&rs);
	if (o.tally) {
		memset(o.tally, 0, sizeof(*o.tally));
		memcpy(o.tally->count, rs.count, sizeof(rs.count));
		o.tally->cases = (unsigned)rs.nres;
		for (i = 0; i < rs.nres; i++)
			if (rs.res[i].verdict == CONF_FAIL) {
				snprintf(o.tally->first_fail, sizeof(o.tally->first_fail), "%s", rs.res[i].c->id);
				snprintf(o.tally->first_fail_rule, sizeof(o.tally->first_fail_rule), "%s",
					 rs.res[i].c->rule);
				break;
			}
	}
	conf_report_summary(out, &rs);
	if (o.tap_path && conf_report_tap(&rs, o.tap_path) < 0)
		rs.exit_code = CONF_EXIT_HARNESS;
	if (o.junit_path && conf_report_junit(&rs, o.junit_path) < 0)
		rs.exit_code = CONF_EXIT_HARNESS;
	if (o.json_path && conf_report_json(&rs, o.json_path) < 0)
		rs.exit_code = CONF_EXIT_HARNESS;
	if (o.html_path && conf_report_html(&rs, o.html_path) < 0)
		rs.exit_code = CONF_EXIT_HARNESS;
	if (rs.exit_code == CONF_EXIT_HARNESS && !rs.nharness)
		fprintf(err, "vfsim check: cannot write a report file\n");
	code = rs.exit_code;
out:
	conf_runstate_free(&rs);
	vfsim_profile_free(prof);
	free(all);
	free(sel);
	return code;
}
