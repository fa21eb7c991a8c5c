/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim check --server-cmd` end to end: the project's own server started
 * from a command line gives the built-in run's verdicts, one server per case
 * and one per run; tiny shell servers that crash (PEER-CRASH with the
 * signal), never make their socket (HARNESS-ERROR with their stderr), exit
 * at once, or hang (TIMEOUT); and after every run no process the command
 * started is left and its temp dir is gone. argv[1] is the vfsim binary
 * (default: ../sim/cli/vfsim next to this test in the build tree).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "test-run-vfsim.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
#endif
#define NVME FIXTURES_DIR "/devices/nvme.json"

static const char *vfsim_bin;
static char tmpdir[64];

/* Run `vfsim check ARGS...`. */
static void run_check(struct run *ret, const char *const *args)
{
	const char *argv[32] = { "check" };
	size_t n = 1, i;

	for (i = 0; args[i]; i++) {
		assert_true(n < 30);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	run_vfsim_in(ret, vfsim_bin, tmpdir, argv);
}

/* The verdict of case @id in a progress listing, into @buf ("" if absent). */
static void verdict_of(const char *out, const char *id, char *buf, size_t len)
{
	const char *p = out;

	buf[0] = '\0';
	while ((p = strchr(p, '['))) {
		char v[32], cid[64];

		if ((p == out || p[-1] == '\n') && sscanf(p, "[%*[ 0-9]] %31s %63s", v, cid) == 2 && !strcmp(cid, id)) {
			snprintf(buf, len, "%s", v);
			return;
		}
		p++;
	}
}

/* Every "[ n] VERDICT ID" line of @out as "ID VERDICT\n", sorted by id. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The cases' verdicts, sorted, one "ID VERDICT" line each. The write-multiple
 * cases (VU-SRV-XW-*) are left out: against the built-in target they restart
 * the server with write_multiple on, which a server started from a fixed
 * command line cannot do, so their verdicts differ by design. */
static char *verdict_table(const char *out, unsigned *ret_n)
{
	char *lines[1024], *res = calloc(1, 1024 * 128);
	const char *p = out;
	unsigned n = 0, i;

	assert_non_null(res);
	while ((p = strchr(p, '['))) {
		char v[32], cid[64];

		if ((p == out || p[-1] == '\n') && sscanf(p, "[%*[ 0-9]] %31s %63s", v, cid) == 2 &&
		    !strncmp(cid, "VU-", 3) && strncmp(cid, "VU-SRV-XW-", 10)) {
			assert_true(n < 1024);
			lines[n] = malloc(128);
			assert_non_null(lines[n]);
			snprintf(lines[n], 128, "%s %s\n", cid, v);
			n++;
		}
		p++;
	}
	qsort(lines, n, sizeof(lines[0]), cmp_str);
	for (i = 0; i < n; i++) {
		strcat(res, lines[i]);
		free(lines[i]);
	}
	*ret_n = n;
	return res;
}

/* Every pid the shell servers wrote to tmpdir/pids, and the socket paths to
 * tmpdir/socks, are gone (a zombie waiting for init counts as gone). */
static void assert_nothing_left(void)
{
	char path[128], line[256];
	unsigned npids = 0, nsocks = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/pids", tmpdir);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fscanf(f, "%255s", line) == 1) {
		long pid = strtol(line, NULL, 10);
		bool gone = false;
		unsigned i;

		assert_true(pid > 1);
		npids++;
		for (i = 0; i < 200 && !gone; i++) {
			char stat[64], buf[256];
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			FILE *s;

			if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
				gone = true;
				break;
			}
			snprintf(stat, sizeof(stat), "/proc/%ld/stat", pid);
			s = fopen(stat, "r");
			if (s) {
				char *rp = fgets(buf, sizeof(buf), s) ? strrchr(buf, ')') : NULL;

				fclose(s);
				if (rp && rp[1] == ' ' && rp[2] == 'Z')
					gone = true;
			}
			if (!gone)
				nanosleep(&ts, NULL);
		}
		if (!gone)
			fail_msg("process %ld started by the server command is still running", pid);
	}
	fclose(f);
	unlink(path);
	assert_true(npids > 0);

	snprintf(path, sizeof(path), "%s/socks", tmpdir);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		struct stat st;
		char *slash;

		line[strcspn(line, "\n")] = '\0';
		nsocks++;
		assert_int_equal(strncmp(line, "/tmp/vfsim-check-", 17), 0);
		slash = strrchr(line, '/');
		assert_non_null(slash);
		*slash = '\0';
		if (stat(line, &st) == 0)
			fail_msg("the server's temp dir %s is left behind", line);
	}
	fclose(f);
	unlink(path);
	assert_true(nsocks > 0);
}

/* "echo $$ >> pids; echo {socket} >> socks; " then @body, as a command. */
static char *shell_cmd(const char *body)
{
	char *cmd = malloc(4096);

	assert_non_null(cmd);
	snprintf(cmd, 4096, "echo $$ >> %s/pids; echo {socket} >> %s/socks; %s", tmpdir, tmpdir, body);
	return cmd;
}

/* A real server on {socket}.x, stopped once listening, then reachable as
 * {socket}: connections queue in the backlog and nothing ever answers. */
static char *stopped_server_cmd(const char *then)
{
	char body[2048];

	snprintf(body, sizeof(body),
		 "%s serve %s --socket {socket}.x & echo $! >> %s/pids; "
		 "i=0; while ! [ -S {socket}.x ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done; "
		 "kill -STOP $!; ln -s {socket}.x {socket}; %s",
		 vfsim_bin, NVME, tmpdir, then);
	return shell_cmd(body);
}

static void same_as_builtin(const char *spawn)
{
	char body[1024];
	char *cmd, *want, *got;
	unsigned nwant, ngot;
	struct run b, s;

	run_check(&b, (const char *const[]){ "--profile", NVME, "--filter", "VU-SRV-*", NULL });
	assert_int_equal(b.code, 0);
	/* the built-in server accepts a twin socket; vfsim serve does when told */
	snprintf(body, sizeof(body), "exec %s serve %s --twin-socket --socket {socket}", vfsim_bin, NVME);
	cmd = shell_cmd(body);
	run_check(&s, (const char *const[]){ "--profile", NVME, "--spawn", spawn, "--server-cmd", cmd, NULL });
	if (s.code != 0)
		fail_msg("exit %d:\n%s", s.code, s.out);
	assert_null(strstr(s.out, "] FAIL "));
	assert_null(strstr(s.out, "HARNESS-ERROR "));
	want = verdict_table(b.out, &nwant);
	got = verdict_table(s.out, &ngot);
	assert_true(nwant >= 10);
	assert_int_equal(ngot, nwant);
	assert_string_equal(got, want);
	assert_nothing_left();
	free(want);
	free(got);
	free(cmd);
	free(b.out);
	free(s.out);
}

static void test_own_server_per_case(void **state)
{
	same_as_builtin("case");
}

static void test_own_server_per_suite(void **state)
{
	same_as_builtin("suite");
}

/* The shell dies of SIGSEGV while the case waits for the stopped server. */
static void test_crash_is_peer_crash(void **state)
{
	static const char *const modes[] = { "case", "suite" };
	unsigned m;

	for (m = 0; m < 2; m++) {
		char *cmd = stopped_server_cmd("sleep 0.3; kill -SEGV $$");
		char v[32];
		struct run r;

		/* One case: a second one would race its own 1 s reply wait against
		 * the restarted shell's 0.3 s fuse, which a loaded machine loses. */
		run_check(&r, (const char *const[]){ "--filter", "VU-SRV-TR-001", "--timeout", "3000", "--spawn",
						     modes[m], "--server-cmd", cmd, NULL });
		verdict_of(r.out, "VU-SRV-TR-001", v, sizeof(v));
		if (strcmp(v, "PEER-CRASH"))
			fail_msg("--spawn=%s: VU-SRV-TR-001 is '%s':\n%s", modes[m], v, r.out);
		assert_non_null(strstr(r.out, "signal 11"));
		if (r.code != 1)
			fail_msg("--spawn=%s: exit %d, want 1:\n%s", modes[m], r.code, r.out);
		assert_nothing_left();
		free(cmd);
		free(r.out);
	}
}

static void test_no_socket_is_harness_error(void **state)
{
	char *cmd = shell_cmd("echo no socket from me >&2; exec sleep 30");
	char v[32];
	struct run r;

	run_check(&r, (const char *const[]){ "--filter", "VU-SRV-TR-001", "--timeout", "300", "--server-cmd", cmd,
					     NULL });
	verdict_of(r.out, "VU-SRV-TR-001", v, sizeof(v));
	if (strcmp(v, "HARNESS-ERROR"))
		fail_msg("VU-SRV-TR-001 is '%s':\n%s", v, r.out);
	assert_non_null(strstr(r.out, "no socket from me"));
	assert_int_equal(r.code, 2);
	assert_nothing_left();
	free(cmd);
	free(r.out);
}

/* Exits at once: HARNESS-ERROR without waiting out the timeout, with the
 * status and stderr; --spawn=suite does not retry it per case. */
static void test_early_exit_is_harness_error(void **state)
{
	char *cmd = shell_cmd("echo cannot serve >&2; exit 3");
	char v[32];
	struct run r;

	run_check(&r, (const char *const[]){ "--filter", "VU-SRV-TR-00[12]", "--timeout", "60000", "--spawn",
					     "suite", "--server-cmd", cmd, NULL });
	verdict_of(r.out, "VU-SRV-TR-002", v, sizeof(v));
	if (strcmp(v, "HARNESS-ERROR"))
		fail_msg("VU-SRV-TR-002 is '%s':\n%s", v, r.out);
	assert_non_null(strstr(r.out, "exited with status 3"));
	assert_non_null(strstr(r.out, "cannot serve"));
	assert_int_equal(r.code, 2);
	assert_nothing_left();
	free(cmd);
	free(r.out);
}

static void test_hang_is_timeout(void **state)
{
	char *cmd = stopped_server_cmd("wait");
	char v[32];
	struct run r;

	run_check(&r, (const char *const[]){ "--filter", "VU-SRV-TR-00[12]", "--timeout", "400", "--server-cmd",
					     cmd, NULL });
	verdict_of(r.out, "VU-SRV-TR-002", v, sizeof(v));
	if (strcmp(v, "TIMEOUT"))
		fail_msg("VU-SRV-TR-002 is '%s':\n%s", v, r.out);
	assert_int_equal(r.code, 1);
	assert_nothing_left();
	free(cmd);
	free(r.out);
}

static void test_usage(void **state)
{
	struct run r;

	run_check(&r, (const char *const[]){ "--server-cmd", "true", NULL });
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.out, "{socket}"));
	free(r.out);
	run_check(&r, (const char *const[]){ "--spawn", "suite", NULL });
	assert_int_equal(r.code, 2);
	free(r.out);
	run_check(&r, (const char *const[]){ "--spawn", "sometimes", "--server-cmd", "x {socket}", NULL });
	assert_int_equal(r.code, 2);
	free(r.out);
	run_check(&r, (const char *const[]){ "--socket", "/nonexistent", "--server-cmd", "x {socket}", NULL });
	assert_int_equal(r.code, 2);
	free(r.out);
}

int main(int argc, char **argv)
{
	static char self_bin[PATH_MAX];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_own_server_per_case),
		cmocka_unit_test(test_own_server_per_suite),
		cmocka_unit_test(test_crash_is_peer_crash),
		cmocka_unit_test(test_no_socket_is_harness_error),
		cmocka_unit_test(test_early_exit_is_harness_error),
		cmocka_unit_test(test_hang_is_timeout),
	};
	int r;

	if (argc > 1) {
		vfsim_bin = argv[1];
	} else {
		/* The build tree: conformance/test-conf-spawn, sim/cli/vfsim. */
		ssize_t n = readlink("/proc/self/exe", self_bin, sizeof(self_bin) - 32);
		char *slash;

		if (n <= 0)
			return 77;
		self_bin[n] = '\0';
		slash = strrchr(self_bin, '/');
		if (!slash)
			return 77;
		strcpy(slash, "/../sim/cli/vfsim");
		vfsim_bin = self_bin;
	}
	if (access(vfsim_bin, X_OK) < 0) {
		fprintf(stderr, "test-spawn: no vfsim binary at %s; skipped\n", vfsim_bin);
		return 77;
	}
	if (run_tmpdir_make(tmpdir, sizeof(tmpdir), "spawn") < 0)
		return 1;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	run_tmpdir_remove(tmpdir);
	return r;
}
