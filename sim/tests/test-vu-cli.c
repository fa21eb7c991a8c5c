/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user across processes through the CLI: two `vfsim serve` processes,
 * a client that changes device A, migrates it to device B with
 * MIG_DATA_READ/MIG_DATA_WRITE, and compares the two device states byte for
 * byte over the socket (config space and every readable region); then
 * `vfsim client` probes a server, and SIGTERM shuts both down cleanly
 * (exit 0, socket file gone). argv[1] is the vfsim binary.
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

static pid_t spawn_server(const char *sock)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		execl(vfsim_bin, "vfsim", "serve", FIXTURES_DIR "/devices/dmaengine.json", "--socket", sock,
		      "--twin-socket", (char *)NULL);
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
