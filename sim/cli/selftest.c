/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim selftest [GLOB]`: the conformance suite judged by the misbehaving
 * endpoint. First the whole suite runs against the clean built-in targets and
 * must give no FAIL, TIMEOUT, PEER-CRASH or HARNESS-ERROR; then, for every
 * fault of sim/faults.def (or those matching GLOB), the suite's cases for the
 * front ends the fault applies to run against targets committing it, and at
 * least one case must FAIL. Faults run in parallel worker processes (-j,
 * default 3: the cases mostly wait on their peers); the clean run has the
 * machine to itself so that no TIMEOUT comes from load. A fault no case fails is a hole in the suite and
 * makes the self-test fail. One line per fault; exit 0 when all hold.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"

#define SELFTEST_MAX_TABLES 64

struct selftest_tables {
	const struct conf_table *t[SELFTEST_MAX_TABLES];
	size_t n;
};

static void selftest_add(struct selftest_tables *st, const struct conf_table *const *t, size_t n)
{
	size_t i;

	for (i = 0; i < n && st->n < SELFTEST_MAX_TABLES; i++)
		st->t[st->n++] = t[i];
}

/* Run @tables once, quietly, into @tally. Returns the run's exit code. */
static int selftest_run(const struct conf_opts *base, struct selftest_tables *st, uint64_t faults,
			const char *client_cmd, struct conf_tally *tally, FILE *devnull)
{
	struct conf_opts o = *base;

	o.faults = faults;
	o.client_cmd = client_cmd;
	o.builtin_client = client_cmd != NULL;
	o.tally = tally;
	o.quiet = true;
	o.out = devnull;
	o.err = devnull;
	return conf_run(&o, st->t, st->n);
}

static void selftest_counts(const struct conf_tally *t, char *buf, size_t len)
{
	size_t o = 0;
	int v;

	buf[0] = '\0';
	for (v = CONF_NOT_SUPPORTED; v < CONF_NVERDICTS && o < len; v++)
		if (t->count[v])
			o += (size_t)snprintf(buf + o, len - o, "%s%u %s", o ? ", " : "", t->count[v],
					      conf_verdict_name(v));
}

/* One fault's run, in a worker process: its report line into @buf, and
 * whether a case FAILed. */
static bool selftest_fault(const struct conf_opts *base, const struct vfsim_fault_info *f, unsigned bit,
			   FILE *devnull, char *buf, size_t len)
{
	struct selftest_tables st = { .n = 0 };
	struct conf_tally tally;
	char cmd[1024], where[4], counts[256];
	const char *client_cmd = NULL;
	uint64_t mask = 0;

	if (f->where & VFSIM_FAULT_AT_UAPI)
		selftest_add(&st, conf_uapi_tables, conf_uapi_ntables);
	if (f->where & VFSIM_FAULT_AT_SERVER)
		selftest_add(&st, conf_vu_server_tables, conf_vu_server_ntables);
	if (f->where & (VFSIM_FAULT_AT_SERVER | VFSIM_FAULT_AT_UAPI))
		mask = 1ull << bit;
	if (f->where & VFSIM_FAULT_AT_CLIENT) {
		selftest_add(&st, conf_vu_client_tables, conf_vu_client_ntables);
		if (cli_builtin_client_cmd(cmd, sizeof(cmd), f->name) < 0) {
			snprintf(buf, len, "%-24s cannot name the built-in client", f->name);
			return false;
		}
		client_cmd = cmd;
	}
	selftest_run(base, &st, mask, client_cmd, &tally, devnull);
	snprintf(where, sizeof(where), "%s%s%s", f->where & VFSIM_FAULT_AT_SERVER ? "S" : "",
		 f->where & VFSIM_FAULT_AT_UAPI ? "U" : "", f->where & VFSIM_FAULT_AT_CLIENT ? "C" : "");
	selftest_counts(&tally, counts, sizeof(counts));
	if (tally.count[CONF_FAIL]) {
		snprintf(buf, len, "%-24s %-3s %-6s first %s (%s); %s", f->name, where, "caught", tally.first_fail,
			 tally.first_fail_rule, counts);
		return true;
	}
	snprintf(buf, len, "%-24s %-3s %-6s no case FAILed (%s); expected by %s", f->name, where, "MISSED",
		 counts[0] ? counts : "all passed", f->rule);
	return false;
}

struct selftest_job {
	size_t fault;
	pid_t pid;
	int fd;				/* the worker's pipe: a status byte, then its line */
	char line[512];
	bool caught, done;
};

/* Collect one finished worker's line and status. */
static void selftest_reap(struct selftest_job *j)
{
	char buf[1 + sizeof(j->line)];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(buf) - 1 && (n = read(j->fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(j->fd);
	waitpid(j->pid, NULL, 0);
	j->caught = got > 0 && buf[0] == '1';
	snprintf(j->line, sizeof(j->line), "%s", got > 1 ? buf + 1 : "(the worker died without a verdict)");
	j->done = true;
}

int cli_selftest(int argc, char **argv)
{
	struct conf_opts base = { .timeout_ms = CONF_DEFAULT_TIMEOUT_MS, .seed = 1 };
	const struct vfsim_fault_info *f;
	const char *glob = NULL;
	struct conf_tally tally;
	struct selftest_job *jobs;
	char clean_cmd[1024], counts[256];
	unsigned missed = 0, caught = 0, njobs = 0, workers = 3, running = 0, next = 0, shown = 0;
	size_t nf, i;
	FILE *devnull;
	int code, bad;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--profile") && i + 1 < (size_t)argc) {
			base.profile_path = argv[++i];
		} else if (!strcmp(argv[i], "-j") && i + 1 < (size_t)argc && atoi(argv[i + 1]) > 0 &&
			   atoi(argv[i + 1]) <= 16) {
			workers = (unsigned)atoi(argv[++i]);
		} else if (argv[i][0] != '-' && !glob) {
			glob = argv[i];
		} else {
			fprintf(stderr, "usage: vfsim selftest [--profile FILE] [-j WORKERS (1-16, default 3)] [GLOB]\n");
			return CLI_EXIT_USAGE;
		}
	}
	devnull = fopen("/dev/null", "w");
	if (!devnull || cli_builtin_client_cmd(clean_cmd, sizeof(clean_cmd), "") < 0) {
		fprintf(stderr, "vfsim selftest: cannot set up: %s\n", strerror(errno));
		if (devnull)
			fclose(devnull);
		return CONF_EXIT_HARNESS;
	}

	/* The clean targets, alone on the machine: every case, nothing may fail. */
	{
		struct selftest_tables st = { .n = 0 };

		selftest_add(&st, conf_uapi_tables, conf_uapi_ntables);
		selftest_add(&st, conf_vu_server_tables, conf_vu_server_ntables);
		selftest_add(&st, conf_vu_client_tables, conf_vu_client_ntables);
		code = selftest_run(&base, &st, 0, clean_cmd, &tally, devnull);
		bad = tally.count[CONF_FAIL] + tally.count[CONF_TIMEOUT] + tally.count[CONF_PEER_CRASH] +
		      tally.count[CONF_HARNESS_ERROR];
		selftest_counts(&tally, counts, sizeof(counts));
		printf("%-24s %-3s %-6s %u cases%s%s%s\n", "(clean)", "SUC", bad ? "BROKEN" : "ok", tally.cases,
		       counts[0] ? " (" : "", counts, counts[0] ? ")" : "");
		fflush(stdout);
		if (bad || code != CONF_EXIT_OK)
			missed++;
	}

	/* Then the faults, @workers at a time, each in its own process;
	 * lines come out in the table's order. */
	f = vfsim_faults(&nf);
	jobs = calloc(nf ? nf : 1, sizeof(*jobs));
	if (!jobs) {
		fclose(devnull);
		return CONF_EXIT_HARNESS;
	}
	for (i = 0; i < nf && i < 64; i++)
		if (!glob || !fnmatch(glob, f[i].name, 0))
			jobs[njobs++].fault = i;
	while (shown < njobs) {
		while (running < workers && next < njobs) {
			struct selftest_job *j = &jobs[next++];
			int p[2];

			if (pipe(p) < 0) {
				snprintf(j->line, sizeof(j->line), "%-24s cannot start a worker", f[j->fault].name);
				j->done = true;
				continue;
			}
			fflush(stdout);
			j->pid = fork();
			if (j->pid == 0) {
				char line[sizeof(j->line)];
				bool ok;

				close(p[0]);
				ok = selftest_fault(&base, &f[j->fault], (unsigned)j->fault, devnull, line, sizeof(line));
				if (write(p[1], ok ? "1" : "0", 1) == 1 && write(p[1], line, strlen(line)) < 0)
					_exit(2);
				_exit(0);
			}
			close(p[1]);
			if (j->pid < 0) {
				close(p[0]);
				snprintf(j->line, sizeof(j->line), "%-24s cannot start a worker", f[j->fault].name);
				j->done = true;
				continue;
			}
			j->fd = p[0];
			running++;
		}
		/* the oldest unreported job, so the output keeps the table's order */
		if (!jobs[shown].done) {
			selftest_reap(&jobs[shown]);
			running--;
		}
		printf("%s\n", jobs[shown].line);
		fflush(stdout);
		if (jobs[shown].caught)
			caught++;
		else
			missed++;
		shown++;
	}
	free(jobs);
	fclose(devnull);
	printf("selftest: %u fault%s caught, %u problem%s\n", caught, caught == 1 ? "" : "s", missed,
	       missed == 1 ? "" : "s");
	return missed ? CLI_EXIT_FAIL : 0;
}
