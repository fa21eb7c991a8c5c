/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the tests that run the vfsim binary (test-spawn.c,
 * test-peerfuzz.c): run it with arguments, its stdout and stderr captured in a
 * file under the test's temp dir, bounded in time. Include after cmocka.h.
 */
#ifndef VFSIM_TEST_RUN_VFSIM_H
#define VFSIM_TEST_RUN_VFSIM_H

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUN_LIMIT_S 120		/* a vfsim run that takes longer is killed: the test fails */
#define OUT_MAX (256 * 1024)

struct run {
	int code;		/* exit code, or -1 when it did not exit */
	char *out;		/* stdout and stderr */
};

/* Run `@bin ARGS...` (args NULL-terminated) with its output in @dir/out. */
static inline void run_vfsim_in(struct run *ret, const char *bin, const char *dir, const char *const *args)
{
	char outpath[128];
	const char *argv[32];
	size_t n = 0, i;
	int status = 0, fd;
	pid_t pid, w = 0;
	FILE *f;

	snprintf(outpath, sizeof(outpath), "%s/out", dir);
	argv[n++] = "vfsim";
	for (i = 0; args[i]; i++) {
		assert_true(n < 31);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < RUN_LIMIT_S * 100; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		nanosleep(&ts, NULL);
	}
	if (w != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	ret->code = w == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	ret->out = calloc(1, OUT_MAX + 1);
	assert_non_null(ret->out);
	f = fopen(outpath, "r");
	assert_non_null(f);
	n = fread(ret->out, 1, OUT_MAX, f);
	ret->out[n] = '\0';
	fclose(f);
}

#endif
