/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfsim command line: main.c dispatches argv[1] through a static table of
 * subcommands; each subcommand lives in its own file and returns the process
 * exit status (0 success, 1 a device or profile failed, 2 usage error).
 */
#ifndef VFSIM_CLI_H
#define VFSIM_CLI_H

#include <stdint.h>

#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);	/* argv[0] is the subcommand name */
	const char *usage;			/* "info PROFILE...  one line of what it does" */
};

/* info.c, serve.c, client.c, check.c, faults.c, selftest.c */
int cli_info(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_client(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_faults(int argc, char **argv);

int cli_selftest(int argc, char **argv);
/* fuzz.c, replay.c: fuzzing a third-party vfio-user peer (issue #5) */
int cli_fuzz(int argc, char **argv);
int cli_replay(int argc, char **argv);
/* check.c: the shell command that runs this binary as the client under test
 * (`client --exercise --socket {socket}`, with --fault @client_faults unless
 * empty). 0 or -errno. */
int cli_builtin_client_cmd(char *buf, size_t len, const char *client_faults);

/* exercise.c: `vfsim client --exercise`, the workload run over a negotiated
 * client; 0, or CLI_EXIT_FAIL with one line on stderr naming the step. */
struct vfsim_vu_client;
int cli_exercise(struct vfsim_vu_client *c, uint64_t faults);

#endif
