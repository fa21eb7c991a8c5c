/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the tests that run the vfsim binary (test-spawn.c,
 * test-peerfuzz.c, test-peerfuzz-client.c): a private temp dir, running the
 * binary with arguments, its stdout and stderr captured in a file under that
 * dir, bounded in time, and reading what fuzz printed. Include after
 * cmocka.h.
 */
#ifndef VFSIM_TEST_RUN_VFSIM_H
#define VFSIM_TEST_RUN_VFSIM_H

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Its exit code and output, unless @ok (call it before the asserts that fail). */
static inline void print_on_fail(const struct run *r, bool ok)
{
	if (!ok)
		print_message("exit %d; output:\n%s\n", r->code, r->out);
}

/* The path vfsim fuzz printed after "vfsim fuzz: reproducer ", into @buf ("" if none). */
static inline void reproducer_of(const char *out, char *buf, size_t len)
{
	const char *p = strstr(out, "vfsim fuzz: reproducer ");

	buf[0] = '\0';
	if (p) {
		p += strlen("vfsim fuzz: reproducer ");
		snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
	}
}

/* `@bin fuzz @role @cmd --iterations @iters --seed 1 --out @dir/findings-@tag
 * [--timeout @timeout_ms]` must report a finding (exit 1, a line holding
 * "@kind @where") with a reproducer (its path into @repro) that `@bin replay
 * @repro @role @cmd [--timeout @timeout_ms]` reports the same way (exit 1,
 * "vfsim replay: @kind @where"). @role: --server-cmd or --client-cmd. */
static inline void expect_fuzz_finding(const char *bin, const char *dir, const char *role, const char *cmd,
				       const char *iters, const char *timeout_ms, const char *kind,
				       const char *where, const char *tag, char *repro, size_t len)
{
	const char *fz[16] = { "fuzz", role, cmd, "--iterations", iters, "--seed", "1", "--out", NULL };
	const char *rp[8] = { "replay", repro, role, cmd };
	char outdir[128], want[96];
	struct run r, p;
	struct stat st;
	bool ok;

	snprintf(outdir, sizeof(outdir), "%s/findings-%s", dir, tag);
	fz[8] = outdir;
	if (timeout_ms) {
		fz[9] = "--timeout";
		fz[10] = timeout_ms;
		rp[4] = "--timeout";
		rp[5] = timeout_ms;
	}
	run_vfsim_in(&r, bin, dir, fz);
	snprintf(want, sizeof(want), ": %s %s", kind, where);
	reproducer_of(r.out, repro, len);
	ok = r.code == 1 && strstr(r.out, want) && repro[0] && stat(repro, &st) == 0 &&
	     strstr(r.out, "replay with: vfsim replay ");
	print_on_fail(&r, ok);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.out, want));
	assert_true(repro[0] && stat(repro, &st) == 0);
	run_vfsim_in(&p, bin, dir, rp);
	snprintf(want, sizeof(want), "vfsim replay: %s %s", kind, where);
	ok = p.code == 1 && strstr(p.out, want);
	print_on_fail(&p, ok);
	assert_int_equal(p.code, 1);
	assert_non_null(strstr(p.out, want));
	free(r.out);
	free(p.out);
}

/* A private directory /tmp/vfsim-test-@tag-<random> into @dir. 0 or -1. */
static inline int run_tmpdir_make(char *dir, size_t len, const char *tag)
{
	char x[7];

	memset(x, 'X', 6);	/* mkdtemp's template, built so it does not read as a marker */
	x[6] = '\0';
	snprintf(dir, len, "/tmp/vfsim-test-%s-%s", tag, x);
	return mkdtemp(dir) ? 0 : -1;
}

/* Remove @dir and everything in it. 0 or -1. */
static inline int run_tmpdir_remove(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
