/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim fuzz --server-cmd` and `vfsim replay` end to end (issue #5): the
 * project's own server takes 30 mutated sessions without a finding; a server
 * that answers with the wrong msg_id (--fault reply-id) is a desync whose
 * reproducer replays as one (exit 1) and does not against the clean server
 * (exit 0); tiny Python servers that die of SIGSEGV on the first message,
 * print an AddressSanitizer report, or never answer are a crash, a crash
 * and a hang, each with a reproducer that replays (--client-cmd:
 * test-peerfuzz-client.c). argv[1] is the vfsim binary.
 */
#include <errno.h>
#include <fcntl.h>
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
#define DMAENGINE FIXTURES_DIR "/devices/dmaengine.json"

static const char *vfsim_bin;
static char tmpdir[64];

/* Run `vfsim ARGS...`. */
static void run_vfsim(struct run *ret, const char *const *args)
{
	run_vfsim_in(ret, vfsim_bin, tmpdir, args);
}

/* Fuzz @server_cmd (findings under @tag); expect a finding of @kind with a
 * reproducer file (its path in @repro) that replays as one (exit 1). */
static void expect_finding(const char *server_cmd, const char *kind, const char *tag, const char *timeout_ms,
			   char *repro, size_t len)
{
	expect_fuzz_finding(vfsim_bin, tmpdir, "--server-cmd", server_cmd, "30", timeout_ms, kind, "at message",
			    tag, repro, len);
}

static void clean_server_has_no_finding(void **state)
{
	char cmd[1024], outdir[128];
	struct run r;
	struct stat st;
	bool ok;

	snprintf(cmd, sizeof(cmd), "'%s' serve '%s' --socket {socket}", vfsim_bin, DMAENGINE);
	snprintf(outdir, sizeof(outdir), "%s/findings-clean", tmpdir);
	{
		const char *args[] = { "fuzz", "--server-cmd", cmd, "--iterations", "30", "--seed", "1", "--out", outdir,
				       NULL };

		run_vfsim(&r, args);
	}
	ok = r.code == 0 && strstr(r.out, "30 sessions in") && strstr(r.out, "0 crash, 0 hang, 0 desync");
	print_on_fail(&r, ok);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "30 sessions in"));
	assert_non_null(strstr(r.out, "0 crash, 0 hang, 0 desync"));
	assert_true(stat(outdir, &st) < 0 && errno == ENOENT);
	free(r.out);
}

static void wrong_reply_id_is_a_desync(void **state)
{
	char bad[1024], good[1024], repro[512];
	struct run r;

	snprintf(bad, sizeof(bad), "'%s' serve '%s' --socket {socket} --fault reply-id", vfsim_bin, DMAENGINE);
	expect_finding(bad, "desync", "desync", "1000", repro, sizeof(repro));
	/* the same reproducer against the clean server: nothing (exit 0) */
	snprintf(good, sizeof(good), "'%s' serve '%s' --socket {socket}", vfsim_bin, DMAENGINE);
	{
		const char *args[] = { "replay", repro, "--server-cmd", good, NULL };

		run_vfsim(&r, args);
	}
	print_on_fail(&r, r.code == 0);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "does not reproduce"));
	free(r.out);
}

/* A Python vfio-user "server" that misbehaves on the first message that
 * arrives (the spawn helper's readiness probe connects and sends nothing). */
static const char py_server[] =
	"import os, signal, socket, sys, time\n"
	"mode = sys.argv[1]\n"
	"s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
	"s.bind(sys.argv[2])\n"
	"s.listen(4)\n"
	"while True:\n"
	"    c, _ = s.accept()\n"
	"    if not c.recv(16):\n"
	"        c.close()\n"
	"        continue\n"
	"    if mode == 'segv':\n"
	"        os.kill(os.getpid(), signal.SIGSEGV)\n"
	"    if mode == 'asan':\n"
	"        sys.stderr.write('=================================================================\\n')\n"
	"        sys.stderr.write('==4242==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6020 pc 0x1\\n')\n"
	"        sys.stderr.flush()\n"
	"        os._exit(1)\n"
	"    time.sleep(3600)\n";

static bool have_python(char *script, size_t len)
{
	FILE *f;

	if (system("command -v python3 >/dev/null 2>&1") != 0)
		return false;
	snprintf(script, len, "%s/server.py", tmpdir);
	f = fopen(script, "w");
	assert_non_null(f);
	assert_int_equal(fputs(py_server, f) >= 0, 1);
	fclose(f);
	return true;
}

static void segv_server_is_a_crash(void **state)
{
	char script[128], cmd[512], repro[512];

	if (!have_python(script, sizeof(script)))
		skip();
	snprintf(cmd, sizeof(cmd), "python3 '%s' segv {socket}", script);
	expect_finding(cmd, "crash", "segv", "1000", repro, sizeof(repro));
}

static void sanitizer_report_is_a_crash(void **state)
{
	char script[128], cmd[512], repro[512];
	struct run r;

	if (!have_python(script, sizeof(script)))
		skip();
	snprintf(cmd, sizeof(cmd), "python3 '%s' asan {socket}", script);
	expect_finding(cmd, "crash", "asan", "1000", repro, sizeof(repro));
	/* the replay names the sanitizer's line */
	{
		const char *args[] = { "replay", repro, "--server-cmd", cmd, NULL };

		run_vfsim(&r, args);
	}
	print_on_fail(&r, r.code == 1);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.out, "ERROR: AddressSanitizer: heap-buffer-overflow"));
	free(r.out);
}

static void silent_server_is_a_hang(void **state)
{
	char script[128], cmd[512], repro[512];

	if (!have_python(script, sizeof(script)))
		skip();
	snprintf(cmd, sizeof(cmd), "python3 '%s' hang {socket}", script);
	expect_finding(cmd, "hang", "hang", "300", repro, sizeof(repro));
}

static int setup(void **state)
{
	return run_tmpdir_make(tmpdir, sizeof(tmpdir), "peerfuzz");
}

/* the fuzz runs' findings and the Python script, all under our dir */
static int teardown(void **state)
{
	return run_tmpdir_remove(tmpdir);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_server_has_no_finding),
		cmocka_unit_test(wrong_reply_id_is_a_desync),
		cmocka_unit_test(segv_server_is_a_crash),
		cmocka_unit_test(sanitizer_report_is_a_crash),
		cmocka_unit_test(silent_server_is_a_hang),
	};

	vfsim_bin = argc > 1 ? argv[1] : "../sim/cli/vfsim";
	return cmocka_run_group_tests(tests, setup, teardown);
}
