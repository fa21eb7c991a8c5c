/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim fuzz --client-cmd CMD` and `vfsim replay FILE --client-cmd CMD`:
 * fuzzing a third-party vfio-user client (issue #5). The unaltered session
 * runs first (a client that fails against a correct server is reported as
 * found, with an empty plan) and says how many messages the server sends;
 * then each iteration plays a plan of one to three mutations of those
 * messages drawn from the seed (pf-client.c applies and judges them). A
 * finding is minimized (mutations dropped while it reproduces) and written
 * as a plan file that replay plays again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "peerfuzz.h"

#define FC_MAX_FINDINGS 16		/* distinct findings kept with --keep-going */
#define FC_MIN_TRIES 40			/* replays one minimization may spend */

static uint64_t fc_rand(uint64_t *st)
{
	/* xorshift64* */
	*st ^= *st >> 12;
	*st ^= *st << 25;
	*st ^= *st >> 27;
	return *st * 0x2545f4914f6cdd1dull;
}

static uint64_t fc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One to three mutations on the messages the unaltered session had; the
 * early ones (negotiation, discovery) twice as often, as every later step
 * depends on them. */
static void fc_plan(uint64_t *rng, unsigned nsrv, struct pf_cl_plan *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->n = 1 + fc_rand(rng) % 3;
	for (i = 0; i < p->n; i++) {
		uint64_t r = fc_rand(rng);
		unsigned span = (r & 1) && nsrv > 8 ? 8 : nsrv;

		p->m[i].at = (uint32_t)((r >> 1) % span);
		p->m[i].op = (enum pf_cl_op)(fc_rand(rng) % PF_CL_NOPS);
		p->m[i].a = fc_rand(rng);
		p->m[i].b = fc_rand(rng);
	}
}

static bool fc_reproduces(const struct pf_client *cl, const struct pf_cl_plan *p, enum pf_kind kind,
			  struct pf_finding *f)
{
	return pf_cl_play(cl, p, f, NULL) == 0 && f->kind == kind;
}

/* Drop mutations one at a time while the finding stays. */
static unsigned fc_minimize(const struct pf_client *cl, struct pf_cl_plan *p, struct pf_finding *f)
{
	unsigned tries = 0;
	size_t i = 0;

	while (i < p->n && p->n > 1 && tries < FC_MIN_TRIES) {
		struct pf_cl_plan t = *p;
		struct pf_finding g;

		memmove(&t.m[i], &t.m[i + 1], (t.n - i - 1) * sizeof(t.m[0]));
		t.n--;
		tries++;
		if (fc_reproduces(cl, &t, f->kind, &g)) {
			*p = t;
			*f = g;
		} else {
			i++;
		}
	}
	return tries;
}

static void fc_signature(const struct pf_finding *f, const struct pf_cl_plan *p, char *buf, size_t len)
{
	size_t n, i;
	int op = -1;

	for (i = 0; i < p->n; i++)
		if ((long)p->m[i].at == f->at)
			op = (int)p->m[i].op;
	n = (size_t)snprintf(buf, len, "%s/%d/", pf_kind_name(f->kind), op);
	for (i = 0; f->detail[i] && n + 1 < len; i++)
		if (f->detail[i] < '0' || f->detail[i] > '9')
			buf[n++] = f->detail[i];
	buf[n < len ? n : len - 1] = '\0';
}

static int fc_report(const struct pf_cl_opts *o, const struct pf_client *cl, struct pf_cl_plan *p,
		     struct pf_finding *f, uint64_t iter)
{
	char path[4096], err[512], q[4096 + 64];
	bool flaky = false;
	int r;

	printf("vfsim fuzz: iteration %llu: %s after server message %ld: %s\n", (unsigned long long)iter,
	       pf_kind_name(f->kind), f->at, f->detail);
	if (o->minimize && p->n) {
		struct pf_finding again;
		size_t before = p->n;

		if (!fc_reproduces(cl, p, f->kind, &again)) {
			flaky = true;
			printf("vfsim fuzz: it does not reproduce on a second run: written as found\n");
		} else {
			unsigned tries;

			*f = again;
			tries = fc_minimize(cl, p, f);
			printf("vfsim fuzz: minimized to %zu of %zu mutations in %u replays\n", p->n, before, tries);
		}
	}
	if (mkdir(o->out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "vfsim fuzz: --out %s: %s\n", o->out, strerror(errno));
		return -errno;
	}
	snprintf(path, sizeof(path), "%s/client-%s-seed%llu-iter%llu%s.json", o->out, pf_kind_name(f->kind),
		 (unsigned long long)o->seed, (unsigned long long)iter, flaky ? "-flaky" : "");
	r = pf_cl_plan_save(path, p, f, o->client_cmd, o->seed, iter, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "vfsim fuzz: %s\n", err);
		return r;
	}
	pf_shell_quote(o->client_cmd, q, sizeof(q));
	printf("vfsim fuzz: reproducer %s\nvfsim fuzz: replay with: vfsim replay %s --client-cmd %s\n", path, path, q);
	fflush(stdout);
	return 0;
}

/* The client and its unaltered session. 0, or CLI_EXIT_USAGE with the reason printed. */
static int fc_setup(struct pf_client *cl, const char *cmd, const char *profile_path, unsigned timeout_ms,
		    bool verbose, struct vfsim_profile **prof, struct pf_finding *base)
{
	struct pf_cl_plan none = { .n = 0 };
	unsigned counts[2];
	char err[512];

	if (vfsim_profile_load(profile_path, prof, err, sizeof(err)) < 0) {
		fprintf(stderr, "vfsim: --profile: %s\n", err);
		return CLI_EXIT_USAGE;
	}
	memset(cl, 0, sizeof(*cl));
	cl->cmd = cmd;
	cl->profile = *prof;
	cl->timeout_ms = timeout_ms;
	cl->verbose = verbose;
	if (pf_cl_play(cl, &none, base, counts) < 0) {
		fprintf(stderr, "vfsim: the unaltered session failed: %s\n", base->detail);
		return CLI_EXIT_USAGE;
	}
	cl->server_msgs = counts[0];
	cl->client_msgs = counts[1];
	if (!counts[0] && base->kind == PF_NONE) {
		fprintf(stderr, "vfsim: the client exchanged no message with the server\n");
		return CLI_EXIT_USAGE;
	}
	return 0;
}

int pf_cl_fuzz(const struct pf_cl_opts *o)
{
	static char sigs[FC_MAX_FINDINGS][256];
	uint64_t rng = o->seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull, iter, played = 0, start;
	uint64_t counts[4] = { 0 };
	struct vfsim_profile *prof = NULL;
	struct pf_finding f;
	struct pf_client cl;
	unsigned nsigs = 0, nfound = 0;
	int r, status = 0;

	if (!rng)
		rng = 1;
	start = fc_now_ms();
	r = fc_setup(&cl, o->client_cmd, o->profile_path, o->timeout_ms, o->verbose, &prof, &f);
	if (r) {
		vfsim_profile_free(prof);
		return r;
	}
	printf("vfsim fuzz: the unaltered session: %u server and %u client messages\n", cl.server_msgs,
	       cl.client_msgs);
	if (f.kind != PF_NONE) {
		struct pf_cl_plan none = { .n = 0 };

		printf("vfsim fuzz: the client fails against the unaltered server:\n");
		status = fc_report(o, &cl, &none, &f, 0) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
		vfsim_profile_free(prof);
		return status;
	}
	for (iter = 1; (!o->iterations || iter <= o->iterations) &&
		       (!o->seconds || fc_now_ms() - start < o->seconds * 1000); iter++) {
		struct pf_cl_plan p;
		char sig[256];
		unsigned k;

		fc_plan(&rng, cl.server_msgs, &p);
		if (o->verbose)
			printf("-- session %llu\n", (unsigned long long)iter);
		r = pf_cl_play(&cl, &p, &f, NULL);
		if (r < 0) {
			fprintf(stderr, "vfsim fuzz: iteration %llu: %s\n", (unsigned long long)iter, f.detail);
			status = CLI_EXIT_USAGE;
			break;
		}
		played++;
		counts[f.kind]++;
		if (f.kind == PF_NONE)
			continue;
		fc_signature(&f, &p, sig, sizeof(sig));
		for (k = 0; k < nsigs && strcmp(sigs[k], sig); k++)
			;
		if (k < nsigs)
			continue;
		if (nsigs < FC_MAX_FINDINGS)
			snprintf(sigs[nsigs++], sizeof(sigs[0]), "%s", sig);
		nfound++;
		status = CLI_EXIT_FAIL;
		if (fc_report(o, &cl, &p, &f, iter) < 0) {
			status = CLI_EXIT_USAGE;
			break;
		}
		if (!o->keep_going || nsigs >= FC_MAX_FINDINGS)
			break;
	}
	{
		uint64_t ms = fc_now_ms() - start;

		printf("vfsim fuzz: %llu client sessions in %.1f s (%.1f/s): %llu crash, %llu hang, %llu desync "
		       "(%u distinct reported)\n", (unsigned long long)played, ms / 1000.0,
		       ms ? (played * 1000.0) / ms : 0.0, (unsigned long long)counts[PF_CRASH],
		       (unsigned long long)counts[PF_HANG], (unsigned long long)counts[PF_DESYNC], nfound);
	}
	vfsim_profile_free(prof);
	return status;
}

int pf_cl_replay(const char *file, const char *client_cmd, const char *profile_path, unsigned timeout_ms)
{
	struct vfsim_profile *prof = NULL;
	struct pf_finding rec, base, got;
	struct pf_cl_plan p;
	struct pf_client cl;
	char err[512];
	size_t i;
	int r;

	if (pf_cl_plan_load(file, &p, &rec, err, sizeof(err)) < 0) {
		fprintf(stderr, "vfsim replay: %s\n", err);
		return CLI_EXIT_USAGE;
	}
	printf("vfsim replay: %s: %zu mutations", file, p.n);
	if (rec.kind != PF_NONE)
		printf(", recorded finding: %s after server message %ld: %s", pf_kind_name(rec.kind), rec.at,
		       rec.detail);
	printf("\n");
	for (i = 0; i < p.n; i++)
		printf("vfsim replay:   server message %u: %s a=%llu b=%llu\n", p.m[i].at, pf_cl_op_name(p.m[i].op),
		       (unsigned long long)p.m[i].a, (unsigned long long)p.m[i].b);
	/* the unaltered session first: the message counts a hang is judged by */
	r = fc_setup(&cl, client_cmd, profile_path, timeout_ms, false, &prof, &base);
	if (r) {
		vfsim_profile_free(prof);
		return r;
	}
	cl.verbose = true;
	r = pf_cl_play(&cl, &p, &got, NULL);
	vfsim_profile_free(prof);
	return pf_replay_verdict(r, &rec, &got, "after server message");
}
