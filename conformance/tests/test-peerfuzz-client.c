/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim fuzz --client-cmd` and `vfsim replay --client-cmd` end to end
 * (issue #5): the project's own client (`vfsim client --exercise`) takes 20
 * mutated sessions without a finding; a tiny Python client that checks each
 * reply's header and size and, on a bad one, dies of SIGSEGV, prints an
 * AddressSanitizer report or sends an unframeable message is a crash, a
 * crash or a desync; one that sleeps when the server hangs up is a hang
 * (VU-CL-19). Each finding has a plan file that replays as one (exit 1);
 * the SIGSEGV plan against the clean client does not (exit 0). Usage
 * mistakes are exit 2 with the reason. argv[1] is the vfsim binary.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "test-run-vfsim.h"

static const char *vfsim_bin;
static char tmpdir[64];

static void run_vfsim(struct run *ret, const char *const *args)
{
	run_vfsim_in(ret, vfsim_bin, tmpdir, args);
}

/* A vfio-user client with a fixed workload (VERSION, GET_INFO, three
 * GET_IRQ_INFO) that checks each reply's id, command, flags and size. */
static const char py_client[] =
	"import os, signal, socket, struct, sys, time\n"
	"mode = sys.argv[1]\n"
	"s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
	"s.connect(sys.argv[2])\n"
	"def recvn(n):\n"
	"    b = b''\n"
	"    while len(b) < n:\n"
	"        c = s.recv(n - len(b))\n"
	"        if not c:\n"
	"            if mode == 'hang':\n"
	"                time.sleep(3600)\n"
	"            sys.exit(1)\n"
	"        b += c\n"
	"    return b\n"
	"def bad():\n"
	"    if mode == 'segv':\n"
	"        os.kill(os.getpid(), signal.SIGSEGV)\n"
	"    if mode == 'asan':\n"
	"        sys.stderr.write('==77==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020\\n')\n"
	"        sys.stderr.flush()\n"
	"        os._exit(1)\n"
	"    if mode == 'frame':\n"
	"        s.sendall(struct.pack('<HHIII', 99, 4, 8, 0, 0))\n"
	"        time.sleep(3600)\n"
	"    sys.exit(1)\n"
	"def req(i, cmd, payload, want=None):\n"
	"    s.sendall(struct.pack('<HHIII', i, cmd, 16 + len(payload), 0, 0) + payload)\n"
	"    rid, rcmd, size, flags, err = struct.unpack('<HHIII', recvn(16))\n"
	"    if size < 16 or size > 65536:\n"
	"        bad()\n"
	"    body = recvn(size - 16)\n"
	"    if rid != i or rcmd != cmd or flags != 1 or (want is not None and size - 16 != want):\n"
	"        bad()\n"
	"caps = b'{\"capabilities\":{\"max_msg_fds\":8,\"max_data_xfer_size\":1048576}}\\0'\n"
	"req(1, 1, struct.pack('<HH', 0, 0) + caps)\n"
	"req(2, 4, struct.pack('<IIII', 16, 0, 0, 0), 16)\n"
	"for i in range(3):\n"
	"    req(3 + i, 7, struct.pack('<IIII', 16, 0, i, 0), 16)\n"
	"sys.exit(0)\n";

static bool have_python(char *script, size_t len)
{
	FILE *f;

	if (system("command -v python3 >/dev/null 2>&1") != 0)
		return false;
	snprintf(script, len, "%s/client.py", tmpdir);
	f = fopen(script, "w");
	assert_non_null(f);
	assert_int_equal(fputs(py_client, f) >= 0, 1);
	fclose(f);
	return true;
}

/* Fuzz @client_cmd: a finding of @kind whose plan replays as one. */
static void expect_finding(const char *client_cmd, const char *kind, const char *tag, char *repro, size_t len)
{
	expect_fuzz_finding(vfsim_bin, tmpdir, "--client-cmd", client_cmd, "40", NULL, kind, "after server message",
			    tag, repro, len);
}

static void builtin_cmd(char *buf, size_t len)
{
	snprintf(buf, len, "'%s' client --exercise --socket {socket}", vfsim_bin);
}

static void clean_client_has_no_finding(void **state)
{
	char cmd[1024], outdir[128];
	struct run r;
	struct stat st;
	bool ok;

	builtin_cmd(cmd, sizeof(cmd));
	snprintf(outdir, sizeof(outdir), "%s/findings-clean", tmpdir);
	{
		const char *args[] = { "fuzz", "--client-cmd", cmd, "--iterations", "20", "--seed", "1", "--out",
				       outdir, NULL };

		run_vfsim(&r, args);
	}
	ok = r.code == 0 && strstr(r.out, "20 client sessions in") && strstr(r.out, "0 crash, 0 hang, 0 desync");
	print_on_fail(&r, ok);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "the unaltered session: "));
	assert_non_null(strstr(r.out, "20 client sessions in"));
	assert_non_null(strstr(r.out, "0 crash, 0 hang, 0 desync"));
	assert_true(stat(outdir, &st) < 0 && errno == ENOENT);
	free(r.out);
}

static void segv_client_is_a_crash(void **state)
{
	char script[128], cmd[512], good[1024], repro[512];
	struct run r;

	if (!have_python(script, sizeof(script)))
		skip();
	snprintf(cmd, sizeof(cmd), "python3 '%s' segv {socket}", script);
	expect_finding(cmd, "crash", "segv", repro, sizeof(repro));
	/* the same plan against the project's client: nothing */
	builtin_cmd(good, sizeof(good));
	{
		const char *args[] = { "replay", repro, "--client-cmd", good, NULL };

		run_vfsim(&r, args);
	}
	print_on_fail(&r, r.code == 0);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "does not reproduce"));
	free(r.out);
}

static void sanitizer_report_is_a_crash(void **state)
{
	char script[128], cmd[512], repro[512];
	struct run r;

	if (!have_python(script, sizeof(script)))
		skip();
	snprintf(cmd, sizeof(cmd), "python3 '%s' asan {socket}", script);
	expect_finding(cmd, "crash", "asan", repro, sizeof(repro));
	{
		const char *args[] = { "replay", repro, "--client-cmd", cmd, NULL };

		run_vfsim(&r, args);
	}
	print_on_fail(&r, r.code == 1);
	assert_non_null(strstr(r.out, "ERROR: AddressSanitizer: heap-use-after-free"));
	free(r.out);
}

static void unframeable_message_is_a_desync(void **state)
{
	char script[128], cmd[512], repro[512];

	if (!have_python(script, sizeof(script)))
		skip();
	snprintf(cmd, sizeof(cmd), "python3 '%s' frame {socket}", script);
	expect_finding(cmd, "desync", "frame", repro, sizeof(repro));
}

static void sleeping_after_hangup_is_a_hang(void **state)
{
	char script[128], cmd[512], repro[512];
	struct run r;

	if (!have_python(script, sizeof(script)))
		skip();
	snprintf(cmd, sizeof(cmd), "python3 '%s' hang {socket}", script);
	expect_finding(cmd, "hang", "hang", repro, sizeof(repro));
	{
		const char *args[] = { "replay", repro, "--client-cmd", cmd, NULL };

		run_vfsim(&r, args);
	}
	print_on_fail(&r, r.code == 1);
	assert_non_null(strstr(r.out, "VU-CL-19"));
	assert_non_null(strstr(r.out, ": close a="));
	free(r.out);
}

static void usage_mistakes(void **state)
{
	char plan[128];
	static const struct {
		const char *args[8];
		const char *says;
	} cases[] = {
		{ { "fuzz", "--client-cmd", "true {socket}", "--server-cmd", "true {socket}", NULL },
		  "one of --server-cmd CMD and --client-cmd CMD" },
		{ { "fuzz", "--client-cmd", "true {socket}", "--spawn=suite", NULL }, "apply to --server-cmd only" },
		{ { "fuzz", "--server-cmd", "true {socket}", "--profile", "x.json", NULL },
		  "--profile applies to --client-cmd only" },
		{ { "fuzz", "--client-cmd", "true {socket}", "--profile", "/nonexistent.json", NULL }, "--profile" },
		{ { "replay", "PLAN", "--server-cmd", "true {socket}", NULL }, "is a client plan: replay it with --client-cmd" },
		{ { "replay", "PLAN", "--client-cmd", "true {socket}", "--server-cmd", "x", NULL }, "usage:" },
	};
	size_t i, k;
	FILE *f;

	snprintf(plan, sizeof(plan), "%s/plan.json", tmpdir);
	f = fopen(plan, "w");
	assert_non_null(f);
	fputs("{\"format\":\"vfsim-client-plan\",\"version\":1,\"mutations\":[]}\n", f);
	fclose(f);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[8];
		struct run r;

		for (k = 0; k < 8; k++)
			args[k] = cases[i].args[k] && !strcmp(cases[i].args[k], "PLAN") ? plan : cases[i].args[k];
		run_vfsim(&r, args);
		print_on_fail(&r, r.code == 2 && strstr(r.out, cases[i].says));
		assert_int_equal(r.code, 2);
		assert_non_null(strstr(r.out, cases[i].says));
		free(r.out);
	}
	/* a plan with an op no one defined */
	f = fopen(plan, "w");
	assert_non_null(f);
	fputs("{\"format\":\"vfsim-client-plan\",\"version\":1,\"mutations\":[{\"at\":0,\"op\":\"shred\",\"a\":1,"
	      "\"b\":2}]}\n", f);
	fclose(f);
	{
		const char *args[] = { "replay", plan, "--client-cmd", "true {socket}", NULL };
		struct run r;

		run_vfsim(&r, args);
		print_on_fail(&r, r.code == 2);
		assert_int_equal(r.code, 2);
		assert_non_null(strstr(r.out, "mutation 0: unknown op \"shred\""));
		free(r.out);
	}
}

static int setup(void **state)
{
	return run_tmpdir_make(tmpdir, sizeof(tmpdir), "pfclient");
}

/* the fuzz runs' findings and the Python script, all under our dir */
static int teardown(void **state)
{
	return run_tmpdir_remove(tmpdir);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_client_has_no_finding),
		cmocka_unit_test(segv_client_is_a_crash),
		cmocka_unit_test(sanitizer_report_is_a_crash),
		cmocka_unit_test(unframeable_message_is_a_desync),
		cmocka_unit_test(sleeping_after_hangup_is_a_hang),
		cmocka_unit_test(usage_mistakes),
	};

	vfsim_bin = argc > 1 ? argv[1] : "../sim/cli/vfsim";
	return cmocka_run_group_tests(tests, setup, teardown);
}
