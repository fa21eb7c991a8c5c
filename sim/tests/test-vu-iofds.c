/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DEVICE_GET_REGION_IO_FDS (digest §3.6, §7.1) against the server, with the
 * test as a raw client (vu-server-fixture.h): the argsz rules (too small:
 * argsz and count, no entries, no fds; then the retry), the spec's 40-byte
 * entries and libvfio-user's 48-byte ones, eventfds that are real and make
 * the server write the register when signalled (read back with
 * REGION_READ), the pollable fd waking for them, fresh eventfds for every
 * client, and no descriptor left behind. Entry offsets and flag values are
 * transcribed from the spec and linux/kvm.h, not from vu-wire.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vu-server-fixture.h"
#include "region.h"

/* §3.6 */
#define T_ENTRY_SPEC 40u
#define T_ENTRY_LVU 48u
#define T_FLAG_DATAMATCH 1u	/* KVM_IOEVENTFD_FLAG_DATAMATCH */

/* fixtures/devices/nvme.json: BAR0 doorbells at 0x1000 and 0x1004, 4 bytes,
 * no datamatch; dmaengine.json: BAR2 0x40, 4 bytes, datamatch 0x5a5a. */
#define T_NVME_DB0 0x1000u
#define T_NVME_DB1 0x1004u
#define T_DMAE_SCRATCH 0x40u
#define T_DMAE_MATCH 0x5a5au

static uint64_t get64(const uint8_t *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint32_t get32(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

/* GET_REGION_IO_FDS for @index with @argsz; -errno or 0 with the reply in @m. */
static int do_iofds(struct vfx *f, uint32_t index, uint32_t argsz, struct vmsg *m)
{
	uint32_t req[4] = { argsz, 0, index, 0 };

	return do_req(f, T_IO_FDS, req, sizeof(req), NULL, 0, m);
}

static void iofds_ok(struct vfx *f, uint32_t index, uint32_t argsz, struct vmsg *m)
{
	int r = do_iofds(f, index, argsz, m);

	if (r)
		fail_msg("GET_REGION_IO_FDS %u: %d (rule %s)", index, r, vfsim_rule_name(vfsim_last_rule(NULL)));
	/* the fixed part: argsz, flags 0, index echoed */
	assert_true(m->len >= 16);
	assert_int_equal(get32(m->p, 4), 0);
	assert_int_equal(get32(m->p, 8), index);
}

static bool is_eventfd(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, "anon_inode:[eventfd]");
}

/* What KVM does on a guest write that matches: add 1 to the counter. */
static void signal_fd(int fd, uint64_t n)
{
	assert_int_equal(write(fd, &n, sizeof(n)), (ssize_t)sizeof(n));
}

static uint32_t reg_read(struct vfx *f, uint32_t index, uint64_t off)
{
	uint32_t v = 0;

	region_rw_ok(f, index, off, &v, 4, false);
	return v;
}

static void reg_write(struct vfx *f, uint32_t index, uint64_t off, uint32_t v)
{
	region_rw_ok(f, index, off, &v, 4, true);
}

/* The register as the device holds it now, without a message (so without
 * running vfsim_vu_server_process). */
static uint32_t dev_reg(struct vfx *f, uint32_t index, uint64_t off)
{
	uint32_t v = 0;

	assert_int_equal(region_rw(f->dev, index, off, &v, 4, false), 4);
	return v;
}

/* The pollable fd says something is pending within @ms. */
static bool srv_readable(struct vfx *f, int ms)
{
	return t_readable(vfsim_vu_server_fd(f->s), ms);
}

/* ---- the reply -------------------------------------------------------------- */

/* nvme BAR0: too small, retried exactly, retried larger; 40-byte entries. */
static void test_nvme_spec_layout(void **state)
{
	const uint32_t need = 16 + 2 * T_ENTRY_SPEC;
	struct vmsg m = { 0 };
	struct vfx f;
	unsigned i;

	vfx_open(&f, "nvme", NULL);
	t_negotiate(&f);

	/* argsz 16: argsz needed and count, no entries, no fds */
	iofds_ok(&f, 0, 16, &m);
	assert_int_equal(m.len, 16);
	assert_int_equal(get32(m.p, 0), need);
	assert_int_equal(get32(m.p, 12), 2);
	assert_int_equal(m.nfds, 0);
	t_msg_free(&m);
	/* one byte short is still too small */
	iofds_ok(&f, 0, need - 1, &m);
	assert_int_equal(m.len, 16);
	assert_int_equal(get32(m.p, 0), need);
	assert_int_equal(get32(m.p, 12), 2);
	assert_int_equal(m.nfds, 0);
	t_msg_free(&m);

	/* retried with what it said, and with more: the same full reply */
	for (i = 0; i < 2; i++) {
		iofds_ok(&f, 0, i ? 4096 : need, &m);
		assert_int_equal(m.len, need);
		assert_int_equal(get32(m.p, 0), need);
		assert_int_equal(get32(m.p, 12), 2);
		assert_int_equal(m.nfds, 2);
		/* entry 0 at 16, entry 1 at 56: offset, size, fd_index, type 0, flags 0, datamatch 0 */
		assert_int_equal(get64(m.p, 16 + 0), T_NVME_DB0);
		assert_int_equal(get64(m.p, 16 + 8), 4);
		assert_int_equal(get32(m.p, 16 + 16), 0);
		assert_int_equal(get32(m.p, 16 + 20), 0);
		assert_int_equal(get32(m.p, 16 + 24), 0);
		assert_int_equal(get64(m.p, 16 + 32), 0);
		assert_int_equal(get64(m.p, 56 + 0), T_NVME_DB1);
		assert_int_equal(get64(m.p, 56 + 8), 4);
		assert_int_equal(get32(m.p, 56 + 16), 1);
		assert_int_equal(get32(m.p, 56 + 20), 0);
		assert_int_equal(get32(m.p, 56 + 24), 0);
		assert_int_equal(get64(m.p, 56 + 32), 0);
		assert_true(is_eventfd(m.fds[0]));
		assert_true(is_eventfd(m.fds[1]));
		t_msg_free(&m);
	}
	vfx_close(&f);
}

/* libvfio-user's 48-byte entries under the quirk, datamatch at 40. */
static void test_lvu_layout(void **state)
{
	struct vfsim_vu_server_config cfg = { .quirks = VFSIM_VU_QUIRK_IOFDS_48 };
	const uint32_t need = 16 + 2 * T_ENTRY_LVU;
	struct vmsg m = { 0 };
	struct vfx f;

	vfx_open(&f, "nvme", &cfg);
	t_negotiate(&f);
	iofds_ok(&f, 0, 16 + 2 * T_ENTRY_SPEC, &m);	/* room for the spec's, not for these */
	assert_int_equal(m.len, 16);
	assert_int_equal(get32(m.p, 0), need);
	assert_int_equal(get32(m.p, 12), 2);
	assert_int_equal(m.nfds, 0);
	t_msg_free(&m);

	iofds_ok(&f, 0, need, &m);
	assert_int_equal(m.len, need);
	assert_int_equal(get32(m.p, 0), need);
	assert_int_equal(m.nfds, 2);
	/* gpa_offset, size, fd_index, type, flags, shadow_fd_index, shadow_offset, datamatch */
	assert_int_equal(get64(m.p, 16 + 0), T_NVME_DB0);
	assert_int_equal(get64(m.p, 16 + 8), 4);
	assert_int_equal(get32(m.p, 16 + 16), 0);
	assert_int_equal(get32(m.p, 16 + 20), 0);
	assert_int_equal(get32(m.p, 16 + 24), 0);
	assert_int_equal(get32(m.p, 16 + 28), 0);
	assert_int_equal(get64(m.p, 16 + 32), 0);
	assert_int_equal(get64(m.p, 16 + 40), 0);
	assert_int_equal(get64(m.p, 64 + 0), T_NVME_DB1);
	assert_int_equal(get32(m.p, 64 + 16), 1);
	t_msg_free(&m);
	vfx_close(&f);

	/* datamatch lands at 40 in this layout, and the DATAMATCH flag is set */
	vfx_open(&f, "dmaengine", &cfg);
	t_negotiate(&f);
	iofds_ok(&f, 2, 4096, &m);
	assert_int_equal(m.len, 16 + T_ENTRY_LVU);
	assert_int_equal(get32(m.p, 12), 1);
	assert_int_equal(get64(m.p, 16 + 0), T_DMAE_SCRATCH);
	assert_int_equal(get32(m.p, 16 + 24), T_FLAG_DATAMATCH);
	assert_int_equal(get64(m.p, 16 + 32), 0);
	assert_int_equal(get64(m.p, 16 + 40), T_DMAE_MATCH);
	t_msg_free(&m);
	vfx_close(&f);
}

/* Regions without registers: count 0, argsz 16, no fds (whatever argsz asked). */
static void test_regions_without(void **state)
{
	static const struct {
		const char *profile;
		uint32_t index;
	} rows[] = {
		{ "dmaengine", 0 },	/* a BAR without ioeventfds */
		{ "dmaengine", 6 },	/* ROM */
		{ "dmaengine", 7 },	/* CONFIG */
		{ "dmaengine", 9 },	/* device-specific region */
		{ "nvme", 7 },
	};
	struct vmsg m = { 0 };
	struct vfx f;
	size_t i;

	for (i = 0; i < TU_ARRAY_SIZE(rows); i++) {
		vfx_open(&f, rows[i].profile, NULL);
		t_negotiate(&f);
		iofds_ok(&f, rows[i].index, 4096, &m);
		assert_int_equal(m.len, 16);
		assert_int_equal(get32(m.p, 0), 16);
		assert_int_equal(get32(m.p, 12), 0);
		assert_int_equal(m.nfds, 0);
		t_msg_free(&m);
		vfx_close(&f);
	}
}

/* A client that takes fewer fds per message than the BAR has registers. */
static void test_peer_max_msg_fds(void **state)
{
	struct vmsg m = { 0 };
	struct vfx f;
	int r;

	vfx_open(&f, "nvme", NULL);
	t_negotiate_json(&f, "{\"capabilities\":{\"max_msg_fds\":1}}", &m);
	t_msg_free(&m);
	/* the size question is still answered: it carries no fd */
	iofds_ok(&f, 0, 16, &m);
	assert_int_equal(get32(m.p, 12), 2);
	t_msg_free(&m);
	r = do_iofds(&f, 0, 16 + 2 * T_ENTRY_SPEC, &m);
	assert_int_equal(m.nfds, 0);
	t_msg_free(&m);
	tu_expect_rule(r, -E2BIG, RULE_VU_SRV_IOFDS_PEER_FDS);
	vfx_close(&f);
}

/* ---- the eventfds ------------------------------------------------------------ */

/* A signal makes the write the register's entry describes, at process. */
static void test_signal_writes_register(void **state)
{
	struct vmsg m = { 0 };
	struct vfx f;

	vfx_open(&f, "nvme", NULL);
	t_negotiate(&f);
	reg_write(&f, 0, T_NVME_DB0, 0xdeadbeef);
	reg_write(&f, 0, T_NVME_DB1, 0xdeadbeef);
	iofds_ok(&f, 0, 4096, &m);
	assert_int_equal(m.nfds, 2);
	assert_false(srv_readable(&f, 0));

	signal_fd(m.fds[get32(m.p, 16 + 16)], 1);
	/* the pollable fd wakes for an ioeventfd alone, no message pending */
	assert_true(srv_readable(&f, 1000));
	assert_int_equal(dev_reg(&f, 0, T_NVME_DB0), 0xdeadbeef);	/* not before process */
	t_process(&f);
	assert_false(srv_readable(&f, 0));
	/* no datamatch: the value 1 (KVM does not pass the guest's value) */
	assert_int_equal(reg_read(&f, 0, T_NVME_DB0), 1);
	assert_int_equal(reg_read(&f, 0, T_NVME_DB1), 0xdeadbeef);

	/* three signals before the server looks: one write, coalesced as KVM's counter is */
	reg_write(&f, 0, T_NVME_DB1, 7);
	signal_fd(m.fds[get32(m.p, 56 + 16)], 1);
	signal_fd(m.fds[get32(m.p, 56 + 16)], 1);
	signal_fd(m.fds[get32(m.p, 56 + 16)], 1);
	assert_int_equal(reg_read(&f, 0, T_NVME_DB1), 1);	/* the read's process ran it */
	assert_false(srv_readable(&f, 0));
	t_msg_free(&m);
	vfx_close(&f);
}

/* With a datamatch, the write is that value, in the register's size. */
static void test_signal_datamatch(void **state)
{
	struct vmsg m = { 0 };
	struct vfx f;

	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);
	reg_write(&f, 2, T_DMAE_SCRATCH, 0xffffffff);
	reg_write(&f, 2, T_DMAE_SCRATCH + 4, 0x11111111);
	iofds_ok(&f, 2, 4096, &m);
	assert_int_equal(m.len, 16 + T_ENTRY_SPEC);
	assert_int_equal(get32(m.p, 12), 1);
	assert_int_equal(get64(m.p, 16 + 0), T_DMAE_SCRATCH);
	assert_int_equal(get64(m.p, 16 + 8), 4);
	assert_int_equal(get32(m.p, 16 + 24), T_FLAG_DATAMATCH);
	assert_int_equal(get64(m.p, 16 + 32), T_DMAE_MATCH);
	assert_int_equal(m.nfds, 1);
	assert_true(is_eventfd(m.fds[0]));

	signal_fd(m.fds[0], 1);
	assert_int_equal(dev_reg(&f, 2, T_DMAE_SCRATCH), 0xffffffff);	/* not before process */
	assert_int_equal(reg_read(&f, 2, T_DMAE_SCRATCH), T_DMAE_MATCH);
	assert_int_equal(reg_read(&f, 2, T_DMAE_SCRATCH + 4), 0x11111111);
	t_msg_free(&m);
	vfx_close(&f);
}

/* One client asking again gets the same eventfds; the next client new ones,
 * and what the old one kept reaches nothing. */
static void test_reconnect_fresh_eventfds(void **state)
{
	struct vmsg m1 = { 0 }, m2 = { 0 }, m3 = { 0 };
	uint64_t v = 0;
	struct vfx f;

	vfx_open(&f, "nvme", NULL);
	t_negotiate(&f);
	iofds_ok(&f, 0, 4096, &m1);
	iofds_ok(&f, 0, 4096, &m2);
	assert_int_equal(m1.nfds, 2);
	assert_int_equal(m2.nfds, 2);
	/* the same eventfd behind both copies: a signal on one is read on the other */
	signal_fd(m2.fds[0], 4);
	assert_int_equal(read(m1.fds[0], &v, sizeof(v)), (ssize_t)sizeof(v));
	assert_int_equal(v, 4);
	t_msg_free(&m2);

	close(f.cfd);
	assert_int_equal(vfsim_vu_server_process(f.s), 1);
	assert_int_equal(vfsim_vu_server_fd(f.s), -1);
	vfx_attach(&f);
	t_negotiate(&f);
	reg_write(&f, 0, T_NVME_DB0, 0);
	iofds_ok(&f, 0, 4096, &m3);
	assert_int_equal(m3.nfds, 2);
	assert_true(is_eventfd(m3.fds[0]));

	/* the old client's copy is another eventfd, and nobody listens to it */
	signal_fd(m1.fds[0], 1);
	assert_false(srv_readable(&f, 50));
	t_process(&f);
	assert_int_equal(dev_reg(&f, 0, T_NVME_DB0), 0);
	assert_int_equal(read(m3.fds[0], &v, sizeof(v)), -1);	/* non-blocking, nothing there */
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(reg_read(&f, 0, T_NVME_DB0), 0);
	/* the new one works */
	signal_fd(m3.fds[0], 1);
	assert_true(srv_readable(&f, 1000));
	assert_int_equal(reg_read(&f, 0, T_NVME_DB0), 1);
	t_msg_free(&m1);
	t_msg_free(&m3);
	vfx_close(&f);
}

/* The server's eventfds open at the first request, once, close at detach;
 * nothing is left after the server is gone. */
static void test_no_fd_leak(void **state)
{
	struct vmsg m = { 0 };
	int base, attached;
	struct vfx f;
	unsigned i;

	base = tu_fd_count();
	vfx_open(&f, "nvme", NULL);
	for (i = 0; i < 3; i++) {
		t_negotiate(&f);
		attached = tu_fd_count();
		iofds_ok(&f, 0, 16, &m);	/* the size question opens nothing */
		t_msg_free(&m);
		assert_int_equal(tu_fd_count(), attached);
		iofds_ok(&f, 0, 4096, &m);
		assert_int_equal(m.nfds, 2);
		assert_int_equal(tu_fd_count(), attached + 2 + 2);	/* ours and the client's copies */
		t_msg_free(&m);
		assert_int_equal(tu_fd_count(), attached + 2);
		iofds_ok(&f, 0, 4096, &m);
		t_msg_free(&m);
		assert_int_equal(tu_fd_count(), attached + 2);	/* the same ones again */

		close(f.cfd);
		assert_int_equal(vfsim_vu_server_process(f.s), 1);
		assert_int_equal(tu_fd_count(), attached - 2);	/* eventfds and both socket ends */
		vfx_attach(&f);
	}
	vfx_close(&f);
	assert_int_equal(tu_fd_count(), base);
}

/* ---- the pollable fd --------------------------------------------------------- */

/* Messages wake it as the socket did; a twin socket that the client closes
 * or sends stray messages to does not leave it readable for ever. */
static void test_pollable_fd(void **state)
{
	struct vfsim_vu_server_config cfg = { .twin_socket = true };
	struct vu_hdr stray = { .id = 77, .cmd = T_DMA_READ, .size = 16, .flags = T_REPLY };
	struct vmsg m = { 0 };
	struct vfx f;
	int twin;

	vfx_open(&f, "nvme", &cfg);
	assert_false(srv_readable(&f, 0));
	t_negotiate_json(&f, "{\"capabilities\":{\"max_msg_fds\":8,\"twin_socket\":{\"supported\":true}}}", &m);
	assert_int_equal(m.nfds, 1);
	twin = m.fds[0];
	m.nfds = 0;
	t_msg_free(&m);
	assert_false(srv_readable(&f, 0));

	/* a command pending: readable, then not once processed */
	{
		uint32_t req[4] = { 16, 0, 0, 0 };

		t_send(&f, T_IO_FDS, 0, req, sizeof(req), NULL, 0);
		assert_true(srv_readable(&f, 1000));
		t_process(&f);
		assert_int_equal(t_reply_of(&f, T_IO_FDS, &m), 0);
		t_msg_free(&m);
		assert_false(srv_readable(&f, 0));
	}

	/* a reply nobody waits for on the twin: dropped */
	assert_int_equal(write(twin, &stray, sizeof(stray)), (ssize_t)sizeof(stray));
	assert_true(srv_readable(&f, 1000));
	t_process(&f);
	assert_int_equal(vfsim_last_rule(NULL), RULE_VU_SRV_UNEXPECTED_REPLY);
	assert_false(srv_readable(&f, 0));

	/* the twin closed: it leaves the set, the client stays */
	close(twin);
	assert_true(srv_readable(&f, 1000));
	t_process(&f);
	assert_false(srv_readable(&f, 0));
	assert_true(vfsim_vu_server_fd(f.s) >= 0);
	assert_int_equal(reg_read(&f, 7, 0), 0x1b36 | (0x0010u << 16));	/* config: vendor, device */
	vfx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nvme_spec_layout),
		cmocka_unit_test(test_lvu_layout),
		cmocka_unit_test(test_regions_without),
		cmocka_unit_test(test_peer_max_msg_fds),
		cmocka_unit_test(test_signal_writes_register),
		cmocka_unit_test(test_signal_datamatch),
		cmocka_unit_test(test_reconnect_fresh_eventfds),
		cmocka_unit_test(test_no_fd_leak),
		cmocka_unit_test(test_pollable_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
