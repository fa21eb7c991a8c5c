/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim check`: the conformance suite's command line. Parses the options
 * into struct conf_opts and hands the case tables to the runner
 * (conformance/runner.c), whose return value is the exit code: 0 every
 * required case passed, 1 a required case failed, 2 usage or harness error,
 * 3 the expectation file was violated. With no target the kernel-uAPI cases
 * run against the built-in model and the vfio-user server cases against the
 * built-in server; --socket PATH runs only the server cases, against a
 * third-party server listening there; --server-cmd CMD runs them against a
 * server the runner starts from CMD ({socket} becomes a fresh socket path),
 * one per case or (--spawn=suite) one for the run. Client targets are later
 * work (#4).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"

static void check_usage(FILE *f)
{
	fprintf(f,
		"usage: vfsim check [OPTIONS]\n"
		"Run the conformance cases against the built-in kernel-uAPI model and vfio-user server,\n"
		"or (--socket) the vfio-user server cases against a server listening on PATH.\n\n"
		"  --list              list the cases (with --coverage: the uncovered MUST rules)\n"
		"  --filter GLOB       only cases whose id matches GLOB (fnmatch)\n"
		"  --timeout MS        per-case time limit (default 2000)\n"
		"  --seed N            seed for cases that randomise (default 1)\n"
		"  --strict            NON-STRICT verdicts count as failures\n"
		"  --expect FILE       expected non-PASS verdicts: \"CASE-ID VERDICT reason\" per line\n"
		"  --tap FILE          write a TAP 13 report\n"
		"  --junit FILE        write a JUnit XML report\n"
		"  --json FILE         write a JSON report (schema_version 1)\n"
		"  --html FILE         write an HTML page: one row per rule with its cases' verdicts\n"
		"  --profile FILE      device profile (default fixtures/devices/dmaengine.json)\n"
		"  --coverage          print rule coverage per role and level\n"
		"  -q, --quiet         no progress line per case\n"
		"  --socket PATH       judge the vfio-user server listening on PATH (one connection per case)\n"
		"  --server-cmd CMD    start the vfio-user server CMD (run by /bin/sh; {socket} becomes the\n"
		"                      path it must listen on) and judge it\n"
		"  --spawn case|suite  with --server-cmd: a fresh server per case (default) or one per run\n"
		"  --client-cmd CMD    start the vfio-user client CMD ({socket} becomes the path it must connect\n"
		"                      to) once per case and judge it against a scripted server\n"
		"  --fault NAME[,...]  make the built-in server, kernel-uAPI model or client commit these\n"
		"                      deviations (vfsim faults lists them): the suite must FAIL them\n"
		"exit: 0 pass, 1 a required case failed, 2 usage or harness error, 3 expectations violated\n");
}

static int check_number(const char *s, unsigned long long max, unsigned long long *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -EINVAL;
	*ret = v;
	return 0;
}

/* The tables of the run: --socket / --server-cmd the server cases,
 * --client-cmd the client cases, no target all three kinds, the client cases
 * against this binary's own `vfsim client --exercise`. */
static int check_run(const struct conf_opts *o)
{
	const struct conf_table *all[64];
	size_t n = 0, i;

	if (o->socket_path || o->server_cmd)
		return conf_run(o, conf_vu_server_tables, conf_vu_server_ntables);
	if (o->client_cmd && !o->builtin_client)
		return conf_run(o, conf_vu_client_tables, conf_vu_client_ntables);
	if (conf_uapi_ntables + conf_vu_server_ntables + conf_vu_client_ntables > sizeof(all) / sizeof(all[0])) {
		fprintf(stderr, "vfsim check: too many case tables\n");
		return CONF_EXIT_HARNESS;
	}
	for (i = 0; i < conf_uapi_ntables; i++)
		all[n++] = conf_uapi_tables[i];
	for (i = 0; i < conf_vu_server_ntables; i++)
		all[n++] = conf_vu_server_tables[i];
	for (i = 0; i < conf_vu_client_ntables; i++)
		all[n++] = conf_vu_client_tables[i];
	return conf_run(o, all, n);
}

/* The built-in client: this binary, `client --exercise`, with the client
 * faults of --fault. The path is shell-quoted into @buf. */
int cli_builtin_client_cmd(char *buf, size_t len, const char *client_faults)
{
	char self[512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t i, o = 0;

	if (n <= 0)
		return -errno;
	self[n] = '\0';
	for (i = 0; i < (size_t)n; i++)
		if (self[i] == '\'')
			return -EINVAL;
	o = (size_t)snprintf(buf, len, "'%s' client --exercise --socket {socket}", self);
	if (client_faults[0] && o < len)
		o += (size_t)snprintf(buf + o, len - o, " --fault %s", client_faults);
	return o < len ? 0 : -ENAMETOOLONG;
}

/* --fault NAME[,...]: server and model faults into @mask, client faults
 * (for the built-in client's command line) appended to @cl. */
static int check_faults(const char *list, uint64_t *mask, char *cl, size_t cllen)
{
	const struct vfsim_fault_info *f;
	char err[160];
	uint64_t m;
	size_t n, i;

	if (vfsim_fault_parse(list, 0, &m, err, sizeof(err)) < 0) {
		fprintf(stderr, "vfsim check: --fault: %s\n", err);
		return -EINVAL;
	}
	f = vfsim_faults(&n);
	for (i = 0; i < n && i < 64; i++) {
		size_t o = strlen(cl);

		if (!(m >> i & 1))
			continue;
		if (f[i].where & (VFSIM_FAULT_AT_SERVER | VFSIM_FAULT_AT_UAPI))
			*mask |= 1ull << i;
		if ((f[i].where & VFSIM_FAULT_AT_CLIENT) &&
		    (size_t)snprintf(cl + o, cllen - o, "%s%s", o ? "," : "", f[i].name) >= cllen - o) {
			fprintf(stderr, "vfsim check: --fault: too many client faults\n");
			return -EINVAL;
		}
	}
	return 0;
}

enum {
	OPT_LIST = 256, OPT_FILTER, OPT_TIMEOUT, OPT_SEED, OPT_STRICT, OPT_EXPECT, OPT_TAP, OPT_JUNIT, OPT_JSON,
	OPT_PROFILE, OPT_COVERAGE, OPT_SOCKET, OPT_SERVER_CMD, OPT_CLIENT_CMD, OPT_SPAWN, OPT_FAULT, OPT_HTML,
};

static const struct option check_longopts[] = {
	{ "list", no_argument, NULL, OPT_LIST },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "tap", required_argument, NULL, OPT_TAP },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "coverage", no_argument, NULL, OPT_COVERAGE },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "server-cmd", required_argument, NULL, OPT_SERVER_CMD },
	{ "client-cmd", required_argument, NULL, OPT_CLIENT_CMD },
	{ "spawn", required_argument, NULL, OPT_SPAWN },
	{ "fault", required_argument, NULL, OPT_FAULT },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cli_check(int argc, char **argv)
{
	struct conf_opts o = { .timeout_ms = CONF_DEFAULT_TIMEOUT_MS, .seed = 1 };
	char client_faults[512] = "", self_cmd[1024];
	unsigned long long n;
	bool spawn_given = false;
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":qh", check_longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_LIST: o.list = true; break;
		case OPT_FILTER: o.filter = optarg; break;
		case OPT_TIMEOUT:
			if (check_number(optarg, 3600000, &n) < 0 || !n) {
				fprintf(stderr, "vfsim check: --timeout wants milliseconds in 1..3600000, not '%s'\n", optarg);
				return CLI_EXIT_USAGE;
			}
			o.timeout_ms = (unsigned)n;
			break;
		case OPT_SEED:
			if (check_number(optarg, UINT64_MAX, &n) < 0) {
				fprintf(stderr, "vfsim check: --seed wants a number, not '%s'\n", optarg);
				return CLI_EXIT_USAGE;
			}
			o.seed = n;
			break;
		case OPT_STRICT: o.strict = true; break;
		case OPT_EXPECT: o.expect_path = optarg; break;
		case OPT_TAP: o.tap_path = optarg; break;
		case OPT_JUNIT: o.junit_path = optarg; break;
		case OPT_JSON: o.json_path = optarg; break;
		case OPT_HTML: o.html_path = optarg; break;
		case OPT_PROFILE: o.profile_path = optarg; break;
		case OPT_COVERAGE: o.coverage = true; break;
		case 'q': o.quiet = true; break;
		case OPT_SOCKET: o.socket_path = optarg; break;
		case OPT_SERVER_CMD:
			if (!strstr(optarg, "{socket}")) {
				fprintf(stderr, "vfsim check: --server-cmd wants {socket} where the server's socket path "
					"goes\n");
				return CLI_EXIT_USAGE;
			}
			o.server_cmd = optarg;
			break;
		case OPT_SPAWN:
			if (strcmp(optarg, "case") && strcmp(optarg, "suite")) {
				fprintf(stderr, "vfsim check: --spawn wants case or suite, not '%s'\n", optarg);
				return CLI_EXIT_USAGE;
			}
			o.spawn_suite = !strcmp(optarg, "suite");
			spawn_given = true;
			break;
		case OPT_CLIENT_CMD:
			if (!strstr(optarg, "{socket}")) {
				fprintf(stderr, "vfsim check: --client-cmd wants {socket} where the socket path the client "
					"connects to goes\n");
				return CLI_EXIT_USAGE;
			}
			o.client_cmd = optarg;
			break;
		case OPT_FAULT:
			if (check_faults(optarg, &o.faults, client_faults, sizeof(client_faults)) < 0)
				return CLI_EXIT_USAGE;
			break;
		case 'h':
			check_usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "vfsim check: %s needs an argument\n", argv[optind - 1]);
			check_usage(stderr);
			return CLI_EXIT_USAGE;
		default:
			fprintf(stderr, "vfsim check: unknown option '%s'\n", argv[optind - 1]);
			check_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vfsim check: unexpected argument '%s'\n", argv[optind]);
		check_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (o.server_cmd && o.socket_path) {
		fprintf(stderr, "vfsim check: --socket and --server-cmd name two targets; give one\n");
		return CLI_EXIT_USAGE;
	}
	if (spawn_given && !o.server_cmd) {
		fprintf(stderr, "vfsim check: --spawn goes with --server-cmd\n");
		return CLI_EXIT_USAGE;
	}
	if (o.client_cmd && (o.socket_path || o.server_cmd)) {
		fprintf(stderr, "vfsim check: --client-cmd judges a client, --socket/--server-cmd a server; give one\n");
		return CLI_EXIT_USAGE;
	}
	if (client_faults[0] && o.client_cmd) {
		fprintf(stderr, "vfsim check: client faults (%s) apply to the built-in client, not to --client-cmd\n",
			client_faults);
		return CLI_EXIT_USAGE;
	}
	if (!o.client_cmd && !o.socket_path && !o.server_cmd) {
		int r = cli_builtin_client_cmd(self_cmd, sizeof(self_cmd), client_faults);

		if (r < 0) {
			fprintf(stderr, "vfsim check: cannot name the built-in client: %s\n", strerror(-r));
			return CONF_EXIT_HARNESS;
		}
		o.client_cmd = self_cmd;
		o.builtin_client = true;
	}
	return check_run(&o);
}
