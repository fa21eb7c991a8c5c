/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfsim: the command line front end of libvfsim. Owns argument dispatch only:
 * `vfsim COMMAND ...` looks COMMAND up in one static table, and help,
 * version and usage errors are answered here (usage errors exit 2).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef VFSIM_VERSION
#define VFSIM_VERSION "0.1.0"
#endif

static const struct cli_cmd cli_cmds[] = {
	{ "info", cli_info, "info PROFILE...    show each device the way a VFIO user sees it" },
	{ "serve", cli_serve, "serve PROFILE --socket PATH   serve the device over vfio-user" },
	{ "client", cli_client, "client --socket PATH    probe a vfio-user server and show what it offers" },
	{ "faults", cli_faults, "faults             list the deviations --fault can inject" },
	{ "selftest", cli_selftest, "selftest [GLOB]    prove the suite FAILs every fault and passes the clean simulator" },
	{ "fuzz", cli_fuzz, "fuzz --server-cmd CMD [--time S]   fuzz a vfio-user server, write reproducers (fuzz --help)" },
	{ "replay", cli_replay, "replay FILE --server-cmd CMD   replay a fuzz reproducer against a fresh server" },
	{ "check", cli_check, "check [--filter GLOB] [--json F] ...   run the conformance suite (check --help)" },
};

#define CLI_NCMDS (sizeof(cli_cmds) / sizeof(cli_cmds[0]))

static void cli_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vfsim [--help | --version] COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < CLI_NCMDS; i++)
		fprintf(f, "  %s\n", cli_cmds[i].usage);
	fprintf(f, "  help               show this text\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		cli_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		cli_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vfsim %s\n", VFSIM_VERSION);
		return 0;
	}
	for (i = 0; i < CLI_NCMDS; i++)
		if (!strcmp(argv[1], cli_cmds[i].name))
			return cli_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "vfsim: unknown command '%s'\n", argv[1]);
	cli_usage(stderr);
	return CLI_EXIT_USAGE;
}
