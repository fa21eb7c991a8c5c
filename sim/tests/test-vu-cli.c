/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user across processes through the CLI: two `vfsim serve` processes,
 * a client that changes device A, migrates it to device B with
 * MIG_DATA_READ/MIG_DATA_WRITE, and compares the two device states byte for
 * byte over the socket (config space and every readable region); then
 * `vfsim client` probes a server, `vfsim client --exercise` runs its
 * workload against a server of every fixture profile, and SIGTERM shuts
 * them down cleanly (exit 0, socket file gone). argv[1] is the vfsim binary.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>
#include <cmocka.h>

#include "include/vfsim.h"
#include "vfio-compat.h"
#include "test-util.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
#endif

static const char *vfsim_bin;
static char tmpdir[64];
static pid_t servers[8];	/* spawned and not yet reaped: killed by the teardown */

static void forget_server(pid_t pid)
{
	for (unsigned i = 0; i < 8; i++)
		if (servers[i] == pid)
			servers[i] = 0;
}

/* After each test, pass or fail: no server outlives it (an orphan would
 * keep the test's stdout open and hang whoever reads it). */
static int kill_servers(void **state)
{
	for (unsigned i = 0; i < 8; i++)
		if (servers[i] > 0) {
			kill(servers[i], SIGKILL);
			waitpid(servers[i], NULL, 0);
			servers[i] = 0;
		}
	return 0;
}

/* `vfsim serve PROFILE --socket SOCK` and up to 8 more arguments (NULL-ended). */
static pid_t spawn_server_args(const char *sock, const char *profile, const char *const *extra)
{
	const char *argv[16] = { "vfsim", "serve", profile, "--socket", sock };
	unsigned n = 5;
	pid_t pid;

	while (extra && *extra && n < 14)
		argv[n++] = *extra++;
	argv[n] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDERR_FILENO);	/* "vfsim serve: NAME on SOCK" */
		execv(vfsim_bin, (char *const *)argv);
		_exit(127);
	}
	for (unsigned i = 0; i < 8; i++)
		if (!servers[i]) {
			servers[i] = pid;
			break;
		}
	/* wait for the socket to appear (at most 5 s) */
	for (int i = 0; i < 500; i++) {
		struct stat st;

		if (stat(sock, &st) == 0 && S_ISSOCK(st.st_mode)) {
			assert_int_equal(st.st_mode & 0777, 0600);
			return pid;
		}
		usleep(10000);
	}
	fail_msg("server did not create %s", sock);
	return -1;
}

static pid_t spawn_server(const char *sock)
{
	static const char *const twin[] = { "--twin-socket", NULL };

	return spawn_server_args(sock, FIXTURES_DIR "/devices/dmaengine.json", twin);
}

static void stop_server(pid_t pid, const char *sock)
{
	int status;

	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	forget_server(pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(access(sock, F_OK), -1);	/* removed on exit */
}

static int set_state(struct vfsim_vu_client *c, uint32_t state)
{
	uint64_t buf[4] = { 0 };
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	struct vfio_device_feature_mig_state *ms = (void *)f->data;
	int n;

	f->argsz = sizeof(*f) + sizeof(*ms);
	f->flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE;
	ms->device_state = state;
	ms->data_fd = (uint32_t)-1;
	n = vfsim_vu_client_feature(c, f, sizeof(*f) + sizeof(*ms), sizeof(buf));
	return n < 0 ? n : 0;
}

/* Read a whole region (or @cap bytes of it) through the client. */
static uint8_t *read_region(struct vfsim_vu_client *c, uint32_t index, uint64_t *ret_size)
{
	uint8_t info[4096];
	struct vfio_region_info *ri = (void *)info;
	uint8_t *buf;
	int fd = -1;

	assert_true(vfsim_vu_client_get_region_info(c, index, info, sizeof(info), &fd) >= 32);
	if (fd >= 0)
		close(fd);
	*ret_size = 0;
	if (!ri->size || !(ri->flags & VFIO_REGION_INFO_FLAG_READ))
		return NULL;
	buf = malloc(ri->size);
	assert_non_null(buf);
	assert_int_equal(vfsim_vu_client_region_read(c, index, 0, buf, ri->size), (int)ri->size);
	*ret_size = ri->size;
	return buf;
}

static void compare_devices(struct vfsim_vu_client *a, struct vfsim_vu_client *b, bool expect_equal)
{
	uint32_t fa, na, ia, fb, nb, ib, i;
	bool equal = true;

	assert_int_equal(vfsim_vu_client_get_info(a, &fa, &na, &ia), 0);
	assert_int_equal(vfsim_vu_client_get_info(b, &fb, &nb, &ib), 0);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		uint64_t sa, sb;
		uint8_t *ra, *rb;

		if (i == VFIO_PCI_VGA_REGION_INDEX)
			continue;
		ra = read_region(a, i, &sa);
		rb = read_region(b, i, &sb);
		assert_true(sa == sb);
		if (sa && memcmp(ra, rb, sa)) {
			equal = false;
			if (expect_equal) {
				uint64_t off = 0;

				while (ra[off] == rb[off])
					off++;
				fail_msg("region %u differs at 0x%llx", i, (unsigned long long)off);
			}
		}
		free(ra);
		free(rb);
	}
	assert_true(equal == expect_equal);
}

static void test_migrate_between_servers(void **state)
{
	char sa[128], sb[128];
	struct vfsim_vu_client_config cfg = { .twin_socket = true };
	struct vfsim_vu_client *a, *b;
	pid_t pa, pb;
	uint8_t chunk[64 * 1024];
	uint32_t v;
	ssize_t n;
	size_t total = 0;

	snprintf(sa, sizeof(sa), "%s/a.sock", tmpdir);
	snprintf(sb, sizeof(sb), "%s/b.sock", tmpdir);
	pa = spawn_server(sa);
	pb = spawn_server(sb);
	assert_int_equal(vfsim_vu_client_connect(sa, &cfg, &a), 0);
	assert_int_equal(vfsim_vu_client_connect(sb, &cfg, &b), 0);

	/* change device A: config space (interrupt line), BAR2 memory */
	v = 0x2b;
	assert_int_equal(vfsim_vu_client_region_write(a, VFIO_PCI_CONFIG_REGION_INDEX, 0x3c, &v, 1), 1);
	for (uint64_t off = 0; off < 1024 * 1024; off += 4096) {
		v = (uint32_t)(off * 2654435761u);
		assert_int_equal(vfsim_vu_client_region_write(a, 2, off + 8, &v, 4), 4);
	}
	compare_devices(a, b, false);

	/* A: RUNNING -> STOP_COPY, read the stream; B: -> RESUMING, write it, -> STOP */
	assert_int_equal(set_state(a, VFIO_DEVICE_STATE_STOP_COPY), 0);
	assert_int_equal(set_state(b, VFIO_DEVICE_STATE_RESUMING), 0);
	while ((n = vfsim_vu_client_mig_read(a, chunk, sizeof(chunk))) > 0) {
		assert_int_equal(vfsim_vu_client_mig_write(b, chunk, (size_t)n), n);
		total += (size_t)n;
	}
	assert_int_equal(n, 0);
	assert_true(total > 1024 * 1024);
	assert_int_equal(set_state(b, VFIO_DEVICE_STATE_STOP), 0);
	assert_int_equal(set_state(a, VFIO_DEVICE_STATE_STOP), 0);
	compare_devices(a, b, true);

	vfsim_vu_client_free(a);
	vfsim_vu_client_free(b);
	stop_server(pa, sa);
	stop_server(pb, sb);
}

/* `vfsim client` probes a running server: exit 0 and the view it prints. */
static void test_client_probe(void **state)
{
	char sock[128], cmd[512], out[65536];
	pid_t pid;
	FILE *f;
	size_t n;
	int status;

	snprintf(sock, sizeof(sock), "%s/p.sock", tmpdir);
	pid = spawn_server(sock);
	snprintf(cmd, sizeof(cmd), "'%s' client --socket '%s'", vfsim_bin, sock);
	f = popen(cmd, "r");
	assert_non_null(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	status = pclose(f);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_non_null(strstr(out, "vfio-user server at"));
	assert_non_null(strstr(out, "[1b36:0102]"));		/* dmaengine's ids, read over the socket */
	/* vfio-user has no P2P states (spec 3.14): the server offers STOP_COPY|PRE_COPY */
	assert_non_null(strstr(out, "migration: STOP_COPY PRE_COPY"));
	assert_non_null(strstr(out, "sparse mmap"));
	stop_server(pid, sock);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run `vfsim client --exercise --socket SOCK @opts`; its exit status, its
 * stderr in @err. */
static int run_exercise(const char *sock, const char *opts, char *err, size_t errlen)
{
	char cmd[768], errfile[128];
	FILE *f;
	size_t n = 0;
	int status;

	snprintf(errfile, sizeof(errfile), "%s/exercise.err", tmpdir);
	snprintf(cmd, sizeof(cmd), "'%s' client --exercise --socket '%s' %s >/dev/null 2>'%s'", vfsim_bin, sock,
		 opts, errfile);
	status = system(cmd);
	f = fopen(errfile, "r");
	if (f) {
		n = fread(err, 1, errlen - 1, f);
		fclose(f);
	}
	err[n] = '\0';
	unlink(errfile);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* The conformance suite's client under test: `vfsim client --exercise`
 * against a server of every profile exits 0, quickly, with the server's
 * defaults and with tight limits (one fd per message, 1 KiB transfers, the
 * twin socket), which splits SET_IRQS, region and migration transfers. */
static void test_client_exercise(void **state)
{
	static const char *const tight[] = { "--max-msg-fds", "1", "--max-data-xfer-size", "1024", "--twin-socket",
					     NULL };
	static const struct {
		const char *const *server;
		const char *client;
	} configs[] = {
		{ NULL, "" },
		{ tight, "--twin-socket --max-msg-fds 2 --max-data-xfer-size 4096" },
	};
	struct tu_stems stems;
	char sock[128], profile[256], err[4096];

	tu_fixture_stems("devices", &stems);
	assert_true(stems.n >= 7);
	snprintf(sock, sizeof(sock), "%s/e.sock", tmpdir);
	for (unsigned i = 0; i < stems.n; i++) {
		for (size_t k = 0; k < TU_ARRAY_SIZE(configs); k++) {
			int64_t t0;
			pid_t pid;
			int rc;

			snprintf(profile, sizeof(profile), "%s/devices/%s.json", FIXTURES_DIR, stems.name[i]);
			pid = spawn_server_args(sock, profile, configs[k].server);
			t0 = now_ms();
			rc = run_exercise(sock, configs[k].client, err, sizeof(err));
			if (rc != 0)
				fail_msg("%s, config %zu: exit %d: %s", stems.name[i], k, rc, err);
			assert_string_equal(err, "");
			/* "well under 1 s"; the bound leaves room for a loaded machine */
			if (now_ms() - t0 > 4000)
				fail_msg("%s, config %zu: %lld ms", stems.name[i], k, (long long)(now_ms() - t0));
			stop_server(pid, sock);
		}
	}
}

/* A failed step ends the run: exit 1 and one stderr line naming it. */
static void test_client_exercise_fails(void **state)
{
	static const char *const faults[][3] = {
		/* REGION_READ answers one byte short: the config read is short (EIO) */
		{ "--fault", "region-read-count", NULL },
		/* GET_IRQ_INFO claims one vector too many: SET_IRQS of them all is refused */
		{ "--fault", "irq-count", NULL },
	};
	static const char *const want[] = { "REGION_READ config", "DEVICE_SET_IRQS index 2" };
	char sock[128], err[4096], *nl;

	snprintf(sock, sizeof(sock), "%s/f.sock", tmpdir);
	for (size_t k = 0; k < TU_ARRAY_SIZE(faults); k++) {
		pid_t pid = spawn_server_args(sock, FIXTURES_DIR "/devices/dmaengine.json", faults[k]);

		assert_int_equal(run_exercise(sock, "", err, sizeof(err)), 1);
		nl = strchr(err, '\n');
		assert_non_null(nl);
		assert_string_equal(nl + 1, "");	/* one line */
		assert_non_null(strstr(err, "vfsim client: exercise: "));
		assert_non_null(strstr(err, want[k]));
		assert_non_null(strstr(err, "(errno "));
		stop_server(pid, sock);
	}
	/* usage errors: an unknown or server-only fault, a bad number */
	assert_int_equal(run_exercise(sock, "--fault no-such-fault", err, sizeof(err)), 2);
	assert_int_equal(run_exercise(sock, "--fault reply-id", err, sizeof(err)), 2);
	assert_int_equal(run_exercise(sock, "--max-msg-fds x", err, sizeof(err)), 2);
}

/* Errors from the CLI are clear and have the documented exit codes. */
static void test_cli_errors(void **state)
{
	char cmd[512];
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' serve >/dev/null 2>&1", vfsim_bin);
	status = system(cmd);
	assert_int_equal(WEXITSTATUS(status), 2);
	snprintf(cmd, sizeof(cmd), "'%s' client --socket %s/none.sock >/dev/null 2>&1", vfsim_bin, tmpdir);
	status = system(cmd);
	assert_int_equal(WEXITSTATUS(status), 1);
	snprintf(cmd, sizeof(cmd), "'%s' serve %s/devices/nvme.json --socket %s/x.sock --max-msg-fds 0 >/dev/null 2>&1",
		 vfsim_bin, FIXTURES_DIR, tmpdir);
	status = system(cmd);
	assert_int_equal(WEXITSTATUS(status), 2);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_migrate_between_servers, kill_servers),
		cmocka_unit_test_teardown(test_client_probe, kill_servers),
		cmocka_unit_test_teardown(test_client_exercise, kill_servers),
		cmocka_unit_test_teardown(test_client_exercise_fails, kill_servers),
		cmocka_unit_test_teardown(test_cli_errors, kill_servers),
	};
	int r;

	if (argc < 2) {
		fprintf(stderr, "usage: test-vu-cli VFSIM-BINARY\n");
		return 2;
	}
	vfsim_bin = argv[1];
	signal(SIGPIPE, SIG_IGN);
	tu_temp_template(tmpdir, sizeof(tmpdir), "test-vu-cli");
	if (!mkdtemp(tmpdir))
		return 2;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(tmpdir);
	return r;
}
