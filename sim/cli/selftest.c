/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim selftest [GLOB]`: the conformance suite judged by the misbehaving
 * endpoint. First the whole suite runs against the clean built-in targets and
 * must give no FAIL, TIMEOUT, PEER-CRASH or HARNESS-ERROR; then, for every
 * fault of sim/faults.def (or those matching GLOB), the suite's cases for the
 * front ends the fault applies to run against targets committing it, and at
 * least one case must FAIL. A fault no case fails is a hole in the suite and
 * makes the self-test fail. One line per fault; exit 0 when all hold.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

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

int cli_selftest(int argc, char **argv)
{
	struct conf_opts base = { .timeout_ms = CONF_DEFAULT_TIMEOUT_MS, .seed = 1 };
	const struct vfsim_fault_info *f;
	const char *glob = NULL;
	struct conf_tally tally;
	char clean_cmd[1024], counts[256];
	unsigned missed = 0, caught = 0;
	size_t nf, i;
	FILE *devnull;
	int code, bad;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--profile") && i + 1 < (size_t)argc) {
			base.profile_path = argv[++i];
		} else if (argv[i][0] != '-' && !glob) {
			glob = argv[i];
		} else {
			fprintf(stderr, "usage: vfsim selftest [--profile FILE] [GLOB]\n");
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

	/* The clean targets: every case, nothing may fail. */
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
		if (bad || code != CONF_EXIT_OK)
			missed++;
	}

	f = vfsim_faults(&nf);
	for (i = 0; i < nf && i < 64; i++) {
		struct selftest_tables st = { .n = 0 };
		char cmd[1024], where[4];
		const char *client_cmd = NULL;
		uint64_t mask = 0;

		if (glob && fnmatch(glob, f[i].name, 0))
			continue;
		if (f[i].where & VFSIM_FAULT_AT_UAPI)
			selftest_add(&st, conf_uapi_tables, conf_uapi_ntables);
		if (f[i].where & VFSIM_FAULT_AT_SERVER)
			selftest_add(&st, conf_vu_server_tables, conf_vu_server_ntables);
		if (f[i].where & (VFSIM_FAULT_AT_SERVER | VFSIM_FAULT_AT_UAPI))
			mask = 1ull << i;
		if (f[i].where & VFSIM_FAULT_AT_CLIENT) {
			selftest_add(&st, conf_vu_client_tables, conf_vu_client_ntables);
			if (cli_builtin_client_cmd(cmd, sizeof(cmd), f[i].name) < 0) {
				fprintf(stderr, "vfsim selftest: cannot name the built-in client\n");
				fclose(devnull);
				return CONF_EXIT_HARNESS;
			}
			client_cmd = cmd;
		}
		selftest_run(&base, &st, mask, client_cmd, &tally, devnull);
		snprintf(where, sizeof(where), "%s%s%s", f[i].where & VFSIM_FAULT_AT_SERVER ? "S" : "",
			 f[i].where & VFSIM_FAULT_AT_UAPI ? "U" : "", f[i].where & VFSIM_FAULT_AT_CLIENT ? "C" : "");
		selftest_counts(&tally, counts, sizeof(counts));
		if (tally.count[CONF_FAIL]) {
			caught++;
			printf("%-24s %-3s %-6s first %s (%s); %s\n", f[i].name, where, "caught", tally.first_fail,
			       tally.first_fail_rule, counts);
		} else {
			missed++;
			printf("%-24s %-3s %-6s no case FAILed (%s%s); expected by %s\n", f[i].name, where, "MISSED",
			       counts[0] ? counts : "all passed", "", f[i].rule);
		}
		fflush(stdout);
	}
	fclose(devnull);
	printf("selftest: %u fault%s caught, %u problem%s\n", caught, caught == 1 ? "" : "s", missed,
	       missed == 1 ? "" : "s");
	return missed ? CLI_EXIT_FAIL : 0;
}
