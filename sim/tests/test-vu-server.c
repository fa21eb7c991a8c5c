/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vu-server.c, vu-server-region.c, vu-server-irq.c: the session (VERSION
 * first, negotiation, pipelining, NO_REPLY, unknown and oversized messages)
 * and the device, region and interrupt commands, each for success and for
 * its rejections (errno of the error reply and the rule the server named).
 * The test is the client, byte by byte (vu-server-fixture.h).
 */
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "vu-server-fixture.h"
#include "irq.h"
#include "region.h"

/* ---- session ----------------------------------------------------------------- */

static void test_version_first(void **state)
{
	struct vfx f;
	struct vu_device_info info = { .argsz = 16 };
	struct vmsg m = { 0 };

	vfx_open(&f, "dmaengine", NULL);
	t_send(&f, T_GET_INFO, 0, &info, sizeof(info), NULL, 0);
	/* libvfio-user: error reply EINVAL, then the client is dropped */
	assert_int_equal(vfsim_vu_server_process(f.s), 1);
	assert_int_equal(vfsim_last_rule(NULL), RULE_VU_SRV_VERSION_FIRST);
	assert_int_equal(t_reply_of(&f, T_GET_INFO, &m), -EINVAL);
	assert_int_equal(vfsim_vu_server_fd(f.s), -1);
	/* the server closed its end */
	assert_true(t_readable(f.cfd, 1000));
	assert_int_equal(read(f.cfd, m.p, 1), 0);
	t_msg_free(&m);
	vfx_close(&f);
}

static void test_version_reply(void **state)
{
	static const struct {
		uint16_t proposed, expected;
	} minors[] = { { 0, 0 }, { 1, 1 }, { 2, 2 }, { 65535, 2 } };	/* min(client, 2) */
	struct vfsim_vu_server_config cfg = {
		.max_msg_fds = 4, .max_data_xfer_size = 65536, .max_dma_maps = 100, .pgsizes = 0x201000,
		.write_multiple = true,
	};
	size_t i;

	for (i = 0; i < TU_ARRAY_SIZE(minors); i++) {
		uint8_t req[4] = { 0, 0, (uint8_t)minors[i].proposed, (uint8_t)(minors[i].proposed >> 8) };
		struct vu_version v;
		struct vu_caps caps;
		struct vmsg m = { 0 };
		struct vfx f;

		vfx_open(&f, "dmaengine", &cfg);
		req_ok(&f, T_VERSION, req, sizeof(req), NULL, 0, &m);	/* no JSON is legal */
		memcpy(&v, m.p, 4);
		assert_int_equal(v.major, 0);
		assert_int_equal(v.minor, minors[i].expected);
		assert_int_equal(m.nfds, 0);	/* no twin socket offered */
		assert_true(m.len > 4 && m.p[m.len - 1] == '\0');
		assert_int_equal(vu_caps_parse((const char *)m.p + 4, m.len - 4, &caps), 0);
		assert_int_equal(caps.max_msg_fds, 4);
		assert_int_equal(caps.max_data_xfer_size, 65536);
		assert_int_equal(caps.max_dma_maps, 100);
		assert_int_equal(caps.pgsizes, 0x201000);
		assert_true(caps.write_multiple);
		assert_false(caps.twin_socket);
		t_msg_free(&m);
		vfx_close(&f);
	}
}

static void test_version_rejected(void **state)
{
	static const struct {
		const char *name;
		uint8_t payload[16];
		size_t len;
		int rule;
	} cases[] = {
		{ "major 1", { 1, 0, 0, 0 }, 4, RULE_VU_SRV_VERSION_MAJOR },
		{ "short", { 0, 0 }, 2, RULE_VU_SRV_VERSION_SHORT },
		{ "json without NUL", { 0, 0, 0, 0, '{', '}' }, 6, RULE_VU_CAPS_JSON_NUL },
		{ "json not an object", { 0, 0, 0, 0, '[', ']', 0 }, 7, RULE_VU_CAPS_TOP_OBJECT },
	};
	size_t i;

	for (i = 0; i < TU_ARRAY_SIZE(cases); i++) {
		struct vmsg m = { 0 };
		struct vfx f;

		vfx_open(&f, "dmaengine", NULL);
		t_send(&f, T_VERSION, 0, cases[i].payload, cases[i].len, NULL, 0);
		assert_int_equal(vfsim_vu_server_process(f.s), 1);
		if (vfsim_last_rule(NULL) != cases[i].rule)
			fail_msg("%s: rule %s", cases[i].name, vfsim_rule_name(vfsim_last_rule(NULL)));
		assert_int_equal(t_reply_of(&f, T_VERSION, &m), -EINVAL);
		t_msg_free(&m);
		vfx_close(&f);
	}
}

static void test_version_again_and_unknown(void **state)
{
	static const struct {
		uint16_t cmd;
		int rule;
	} cases[] = {
		{ T_VERSION, RULE_VU_SRV_VERSION_AGAIN },
		{ T_DIRTY_PAGES, RULE_VU_SRV_CMD_REMOVED },
		{ T_DMA_READ, RULE_VU_SRV_CMD_DIRECTION },
		{ T_DMA_WRITE, RULE_VU_SRV_CMD_DIRECTION },
		{ 19, RULE_VU_SRV_CMD_UNKNOWN },
		{ 0, RULE_VU_SRV_CMD_UNKNOWN },
		{ 0xffff, RULE_VU_SRV_CMD_UNKNOWN },
	};
	struct vu_device_info info = { .argsz = 16 };
	uint8_t payload[16] = { 0, 0, 2, 0 };
	struct vmsg m = { 0 };
	struct vfx f;
	size_t i;

	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);
	for (i = 0; i < TU_ARRAY_SIZE(cases); i++) {
		req_rejected(&f, cases[i].cmd, payload, sizeof(payload), NULL, 0, -EINVAL, cases[i].rule);
		/* the connection stays usable */
		req_ok(&f, T_GET_INFO, &info, sizeof(info), NULL, 0, &m);
		assert_int_equal(m.len, 16);
	}
	t_msg_free(&m);
	vfx_close(&f);
}

static void test_twin_socket(void **state)
{
	struct vfsim_vu_server_config cfg = { .twin_socket = true };
	struct vu_caps caps;
	struct vmsg m = { 0 };
	struct vfx f;

	/* offered and enabled: one fd, fd_index 0 */
	vfx_open(&f, "dmaengine", &cfg);
	t_negotiate_json(&f, "{\"capabilities\":{\"max_msg_fds\":1,\"twin_socket\":{\"supported\":true}}}", &m);
	assert_int_equal(m.nfds, 1);
	assert_int_equal(vu_caps_parse((const char *)m.p + 4, m.len - 4, &caps), 0);
	assert_true(caps.twin_socket);
	assert_int_equal(caps.twin_fd_index, 0);
	t_msg_free(&m);
	vfx_close(&f);

	/* not offered: no fd even though enabled */
	vfx_open(&f, "dmaengine", &cfg);
	t_negotiate_json(&f, "{\"capabilities\":{\"max_msg_fds\":1}}", &m);
	assert_int_equal(m.nfds, 0);
	t_msg_free(&m);
	vfx_close(&f);

	/* offered, not enabled */
	vfx_open(&f, "dmaengine", NULL);
	t_negotiate_json(&f, "{\"capabilities\":{\"twin_socket\":{\"supported\":true}}}", &m);
	assert_int_equal(m.nfds, 0);
	assert_int_equal(vu_caps_parse((const char *)m.p + 4, m.len - 4, &caps), 0);
	assert_false(caps.twin_socket);
	t_msg_free(&m);
	vfx_close(&f);
}

/* Three requests written before the server runs: handled in order, the
 * NO_REPLY write before the read that sees it (§1.5). */
static void test_pipelining(void **state)
{
	struct vu_region_access a = { .offset = 0x100, .region = 2, .count = 4 };
	uint8_t wr[20], v[4] = { 1, 2, 3, 4 };
	struct vu_device_info info = { .argsz = 16 };
	struct vmsg m = { 0 };
	struct vfx f;

	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);
	memcpy(wr, &a, 16);
	memcpy(wr + 16, v, 4);
	t_send(&f, T_REGION_WRITE, T_NO_REPLY, wr, sizeof(wr), NULL, 0);	/* id n+1 */
	t_send(&f, T_REGION_READ, 0, &a, sizeof(a), NULL, 0);			/* id n+2 */
	t_send(&f, T_GET_INFO, 0, &info, sizeof(info), NULL, 0);		/* id n+3 */
	t_process(&f);
	t_recv(&f, &m);
	assert_int_equal(m.h.id, f.id - 1);
	assert_int_equal(m.h.cmd, T_REGION_READ);
	assert_int_equal(m.len, 20);
	assert_memory_equal(m.p + 16, v, 4);
	t_recv(&f, &m);
	assert_int_equal(m.h.id, f.id);
	assert_int_equal(m.h.cmd, T_GET_INFO);
	assert_false(t_readable(f.cfd, 0));
	t_msg_free(&m);
	vfx_close(&f);
}

/* NO_REPLY suppresses error replies too (§1.6). */
static void test_no_reply_suppresses_errors(void **state)
{
	struct vu_region_access bad = { .offset = 0, .region = 99, .count = 4 };
	struct vu_device_info info = { .argsz = 16 };
	struct vmsg m = { 0 };
	struct vfx f;

	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);
	t_send(&f, T_REGION_READ, T_NO_REPLY, &bad, sizeof(bad), NULL, 0);
	t_send(&f, 77, T_NO_REPLY, NULL, 0, NULL, 0);
	t_process(&f);
	assert_int_equal(vfsim_last_rule(NULL), RULE_VU_SRV_CMD_UNKNOWN);
	assert_false(t_readable(f.cfd, 0));
	req_ok(&f, T_GET_INFO, &info, sizeof(info), NULL, 0, &m);
	t_msg_free(&m);
	vfx_close(&f);
}

/* A message beyond the negotiated size is drained: E2BIG, the stream stays
 * in step and the next message works. */
static void test_oversized_message(void **state)
{
	struct vfsim_vu_server_config cfg = { .max_data_xfer_size = 4096 };
	struct vu_device_info info = { .argsz = 16 };
	const size_t big = 100000;	/* > 64 KiB, the server's floor */
	uint8_t *junk = calloc(1, big);
	struct vmsg m = { 0 };
	struct vfx f;

	assert_non_null(junk);
	vfx_open(&f, "dmaengine", &cfg);
	t_negotiate(&f);
	/* fits the socket buffer; the server drains it in one process call */
	t_send(&f, T_REGION_WRITE, 0, junk, big, NULL, 0);
	t_process(&f);
	assert_int_equal(vfsim_last_rule(NULL), RULE_VU_SRV_MSG_TOO_BIG);
	assert_int_equal(t_reply_of(&f, T_REGION_WRITE, &m), -E2BIG);
	req_ok(&f, T_GET_INFO, &info, sizeof(info), NULL, 0, &m);
	t_msg_free(&m);
	free(junk);
	vfx_close(&f);
}

/* A header claiming msg_size < 16 cannot be resynchronised: dropped. */
static void test_framing_error_drops(void **state)
{
	struct vu_hdr h = { .id = 1, .cmd = T_GET_INFO, .size = 8 };
	struct vfx f;

	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);
	assert_int_equal(write(f.cfd, &h, sizeof(h)), (ssize_t)sizeof(h));
	assert_int_equal(vfsim_vu_server_process(f.s), 1);
	assert_int_equal(vfsim_vu_server_fd(f.s), -1);
	vfx_close(&f);
}

/* TR-14: a message with an undefined TYPE (2..15) is neither a command to
 * answer nor a reply to match: the server closes the connection. A stray
 * REPLY (type 1) is dropped and the connection stays usable. */
static void test_undefined_type_drops(void **state)
{
	static const uint32_t types[] = { 2, 15 };
	uint8_t info[16] = { 16 };
	struct vmsg m = { 0 };
	struct vfx f;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		vfx_open(&f, "dmaengine", NULL);
		t_negotiate(&f);
		t_send(&f, T_GET_INFO, types[i], info, sizeof(info), NULL, 0);
		assert_int_equal(vfsim_vu_server_process(f.s), 1);
		assert_int_equal(vfsim_vu_server_fd(f.s), -1);
		vfx_close(&f);
	}
	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);
	t_send(&f, T_GET_INFO, T_REPLY, info, sizeof(info), NULL, 0);
	t_process(&f);
	req_ok(&f, T_GET_INFO, info, sizeof(info), NULL, 0, &m);
	t_msg_free(&m);
	vfx_close(&f);
}

/* ---- device and regions ---------------------------------------------------- */

static void test_get_info(void **state)
{
	struct vu_device_info info = { .argsz = 16 }, out;
	struct vmsg m = { 0 };
	struct vfx f;

	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);
	req_ok(&f, T_GET_INFO, &info, sizeof(info), NULL, 0, &m);
	assert_int_equal(m.len, 16);
	memcpy(&out, m.p, 16);
	assert_int_equal(out.argsz, 16);
	assert_int_equal(out.flags, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(out.num_regions, 10);	/* 9 + the profile's one device region */
	assert_int_equal(out.num_irqs, 5);
	info.argsz = 15;
	req_rejected(&f, T_GET_INFO, &info, sizeof(info), NULL, 0, -EINVAL, RULE_VU_REQ_DEVICE_INFO_ARGSZ);
	t_msg_free(&m);
	vfx_close(&f);
}

static uint32_t cap_find(const uint8_t *buf, uint32_t len, uint16_t id)
{
	struct vu_region_info ri;
	uint32_t off, hops = 0;

	memcpy(&ri, buf, sizeof(ri));
	for (off = ri.cap_offset; off && off + 8 <= len && hops < 16; hops++) {
		struct vu_cap_hdr c;

		memcpy(&c, buf + off, sizeof(c));
		if (c.id == id)
			return off;
		off = c.next;
	}
	return 0;
}

static void test_region_info(void **state)
{
	struct vu_region_info req = { .argsz = 32, .index = 0 }, ri;
	struct vmsg m = { 0 };
	uint32_t need, off, n;
	uint64_t area[2];
	struct vfx f;
	uint8_t *map, v[4];

	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);

	/* argsz 32 on BAR0 (sparse area): fixed part only, argsz raised, no fd */
	req_ok(&f, T_REGION_INFO, &req, sizeof(req), NULL, 0, &m);
	assert_int_equal(m.len, 32);
	assert_int_equal(m.nfds, 0);
	memcpy(&ri, m.p, 32);
	assert_true(ri.argsz > 32);
	assert_int_equal(ri.flags & VFIO_REGION_INFO_FLAG_CAPS, 0);
	assert_int_equal(ri.cap_offset, 0);
	assert_int_equal(ri.size, 0x4000);
	need = ri.argsz;

	/* the retry: the chain, the CAPS flag, the memfd */
	req.argsz = need;
	req_ok(&f, T_REGION_INFO, &req, sizeof(req), NULL, 0, &m);
	assert_int_equal(m.len, need);
	memcpy(&ri, m.p, 32);
	assert_int_equal(ri.argsz, need);
	assert_true(ri.flags & VFIO_REGION_INFO_FLAG_MMAP);
	assert_true(ri.flags & VFIO_REGION_INFO_FLAG_CAPS);
	assert_int_equal(ri.cap_offset, 32);
	off = cap_find(m.p, m.len, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	assert_true(off >= 32);
	memcpy(&n, m.p + off + 8, 4);
	assert_int_equal(n, 1);
	memcpy(area, m.p + off + 16, 16);
	assert_int_equal(area[0], 0x1000);
	assert_int_equal(area[1], 0x3000);
	assert_int_equal(m.nfds, 1);
	/* the fd maps the area, and what REGION_READ sees is there */
	map = mmap(NULL, 0x3000, PROT_READ | PROT_WRITE, MAP_SHARED, m.fds[0], (off_t)(ri.offset + area[0]));
	assert_true(map != MAP_FAILED);
	map[0x100] = 0xa5;
	region_rw_ok(&f, 0, 0x1100, v, 1, false);
	assert_int_equal(v[0], 0xa5);
	munmap(map, 0x3000);

	/* BAR2 is MMAP without areas: one area covering the region */
	req.index = 2;
	req.argsz = 256;
	req_ok(&f, T_REGION_INFO, &req, sizeof(req), NULL, 0, &m);
	off = cap_find(m.p, m.len, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	assert_true(off >= 32);
	memcpy(area, m.p + off + 16, 16);
	assert_int_equal(area[0], 0);
	assert_int_equal(area[1], 0x100000);
	assert_int_equal(m.nfds, 1);

	/* index 9, the device region: a TYPE cap */
	req.index = 9;
	req_ok(&f, T_REGION_INFO, &req, sizeof(req), NULL, 0, &m);
	off = cap_find(m.p, m.len, VFIO_REGION_INFO_CAP_TYPE);
	assert_true(off >= 32);
	memcpy(&n, m.p + off + 8, 4);
	assert_int_equal(n, 0x80001234);
	assert_int_equal(m.nfds, 0);

	/* VGA: absent, size 0, flags 0 */
	req.index = 8;
	req_ok(&f, T_REGION_INFO, &req, sizeof(req), NULL, 0, &m);
	memcpy(&ri, m.p, 32);
	assert_int_equal(ri.size, 0);
	assert_int_equal(ri.flags, 0);

	req.index = 10;
	req_rejected(&f, T_REGION_INFO, &req, sizeof(req), NULL, 0, -EINVAL, RULE_VU_SRV_REGION_INDEX);
	req.index = 0;
	req.argsz = 31;
	req_rejected(&f, T_REGION_INFO, &req, sizeof(req), NULL, 0, -EINVAL, RULE_VU_REQ_REGION_INFO_ARGSZ);
	t_msg_free(&m);
	vfx_close(&f);
}

static void test_io_fds(void **state)
{
	struct vu_io_fds_req req = { .argsz = 16, .index = 0 }, out;
	struct vmsg m = { 0 };
	struct vfx f;

	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);
	req_ok(&f, T_IO_FDS, &req, sizeof(req), NULL, 0, &m);
	assert_int_equal(m.len, 16);
	memcpy(&out, m.p, 16);
	assert_int_equal(out.argsz, 16);
	assert_int_equal(out.count, 0);
	assert_int_equal(m.nfds, 0);
	req.index = 10;
	req_rejected(&f, T_IO_FDS, &req, sizeof(req), NULL, 0, -EINVAL, RULE_VU_SRV_IOFDS_INDEX);
	req.index = 8;	/* VGA: absent */
	req_rejected(&f, T_IO_FDS, &req, sizeof(req), NULL, 0, -EINVAL, RULE_VU_SRV_IOFDS_INDEX);
	req.index = 0;
	req.flags = 1;
	req_rejected(&f, T_IO_FDS, &req, sizeof(req), NULL, 0, -EINVAL, RULE_VU_REQ_IO_FDS_FLAGS);
	t_msg_free(&m);
	vfx_close(&f);
}

static void test_region_rw(void **state)
{
	struct vfsim_vu_server_config cfg = { .max_data_xfer_size = 4096 };
	struct vu_region_access a = { .offset = 0, .region = 7, .count = 4097 };
	uint8_t v[8] = { 0 }, w[8] = { 9, 8, 7, 6, 5, 4, 3, 2 };
	struct vmsg m = { 0 };
	struct vfx f;

	vfx_open(&f, "dmaengine", &cfg);
	t_negotiate(&f);
	region_rw_ok(&f, VFIO_PCI_CONFIG_REGION_INDEX, 0, v, 4, false);
	assert_int_equal(v[0] | v[1] << 8, 0x1b36);	/* vendor, from the profile */
	assert_int_equal(v[2] | v[3] << 8, 0x0102);	/* device */
	region_rw_ok(&f, 2, 0xff8, w, 8, true);
	region_rw_ok(&f, 2, 0xff8, v, 8, false);
	assert_memory_equal(v, w, 8);
	/* count 0: success, echo */
	region_rw_ok(&f, 2, 0, v, 0, false);

	tu_expect_rule(do_region_rw(&f, 10, 0, v, 4, false), -EINVAL, RULE_VU_SRV_RW_INDEX);
	tu_expect_rule(do_region_rw(&f, 2, 0x100000 - 2, v, 4, false), -EINVAL, RULE_VU_SRV_RW_RANGE);
	tu_expect_rule(do_region_rw(&f, 2, 0x100000, w, 1, true), -EINVAL, RULE_VU_SRV_RW_RANGE);
	tu_expect_rule(do_region_rw(&f, 8, 0, v, 4, false), -EINVAL, RULE_VU_SRV_RW_RANGE);
	tu_expect_rule(do_region_rw(&f, 6, 0, w, 4, true), -EINVAL, RULE_REGION_NO_WRITE);	/* ROM */
	req_rejected(&f, T_REGION_READ, &a, sizeof(a), NULL, 0, -EINVAL, RULE_VU_REQ_REGION_READ_XFER);
	a.offset = UINT64_MAX;
	a.count = 2;
	req_rejected(&f, T_REGION_READ, &a, sizeof(a), NULL, 0, -EINVAL, RULE_VU_REQ_REGION_READ_WRAP);
	a.offset = 0;
	a.count = 8;	/* write whose data is shorter than count */
	req_rejected(&f, T_REGION_WRITE, &a, sizeof(a), NULL, 0, -EINVAL, RULE_VU_REQ_REGION_WRITE_COUNT);
	t_msg_free(&m);
	vfx_close(&f);
}

static void test_write_multi(void **state)
{
	struct vfsim_vu_server_config cfg = { .write_multiple = true };
	uint8_t buf[8 + 3 * 24] = { 0 }, v[8];
	struct vu_wr_one w[3] = {
		{ .offset = 0x10, .region = 2, .count = 4, .data = { 1, 2, 3, 4 } },
		{ .offset = 0x12, .region = 2, .count = 2, .data = { 9, 9 } },	/* after the first */
		{ .offset = 0x20, .region = 2, .count = 8, .data = { 1, 1, 1, 1, 2, 2, 2, 2 } },
	};
	uint64_t cnt = 3;
	struct vmsg m = { 0 };
	struct vfx f;

	memcpy(buf, &cnt, 8);
	memcpy(buf + 8, w, sizeof(w));
	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);
	req_rejected(&f, T_WRITE_MULTI, buf, sizeof(buf), NULL, 0, -EINVAL, RULE_VU_REQ_WR_MULTI_UNSUPPORTED);
	vfx_close(&f);

	vfx_open(&f, "dmaengine", &cfg);
	t_negotiate(&f);
	req_ok(&f, T_WRITE_MULTI, buf, sizeof(buf), NULL, 0, &m);
	assert_int_equal(m.len, 8);
	memcpy(&cnt, m.p, 8);
	assert_int_equal(cnt, 3);
	region_rw_ok(&f, 2, 0x10, v, 4, false);
	assert_int_equal(v[0], 1);
	assert_int_equal(v[1], 2);
	assert_int_equal(v[2], 9);
	assert_int_equal(v[3], 9);
	region_rw_ok(&f, 2, 0x20, v, 8, false);
	assert_memory_equal(v, w[2].data, 8);
	/* a bad entry: refused */
	w[1].region = 99;
	memcpy(buf + 8, w, sizeof(w));
	req_rejected(&f, T_WRITE_MULTI, buf, sizeof(buf), NULL, 0, -EINVAL, RULE_VU_SRV_RW_INDEX);
	cnt = 4;	/* inconsistent with msg_size */
	memcpy(buf, &cnt, 8);
	req_rejected(&f, T_WRITE_MULTI, buf, sizeof(buf), NULL, 0, -EINVAL, RULE_VU_REQ_WR_MULTI_COUNT);
	t_msg_free(&m);
	vfx_close(&f);
}

static void test_reset(void **state)
{
	uint8_t v[4] = { 1, 2, 3, 4 }, z[4] = { 0 };
	struct vmsg m = { 0 };
	struct vfx f;

	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);
	region_rw_ok(&f, 2, 0x40, v, 4, true);
	req_ok(&f, T_RESET, NULL, 0, NULL, 0, &m);
	assert_int_equal(m.len, 0);
	region_rw_ok(&f, 2, 0x40, v, 4, false);
	assert_memory_equal(v, z, 4);	/* BAR memory back to its reset value */
	req_rejected(&f, T_RESET, v, 4, NULL, 0, -EINVAL, RULE_VU_REQ_RESET_SIZE);
	vfx_close(&f);

	vfx_open(&f, "minimal", NULL);
	t_negotiate(&f);
	req_rejected(&f, T_RESET, NULL, 0, NULL, 0, -EINVAL, RULE_VU_SRV_RESET_UNSUPPORTED);
	t_msg_free(&m);
	vfx_close(&f);
}

/* ---- interrupts --------------------------------------------------------------- */

static void test_irq_info(void **state)
{
	struct vu_irq_info req = { .argsz = 16, .index = VFIO_PCI_MSIX_IRQ_INDEX }, out;
	struct vmsg m = { 0 };
	struct vfx f;

	vfx_open(&f, "dmaengine", NULL);
	t_negotiate(&f);
	req_ok(&f, T_IRQ_INFO, &req, sizeof(req), NULL, 0, &m);
	memcpy(&out, m.p, 16);
	assert_int_equal(out.index, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(out.count, 8);	/* the profile's MSI-X vectors */
	assert_true(out.flags & VFIO_IRQ_INFO_EVENTFD);
	req.index = 5;
	req_rejected(&f, T_IRQ_INFO, &req, sizeof(req), NULL, 0, -EINVAL, RULE_VU_SRV_IRQINFO_INDEX);
	t_msg_free(&m);
	vfx_close(&f);

	/* IQ-01: every index below num_irqs is answered; unlike vfio-pci, ERR
	 * on a conventional PCI device (gpio) is count 0, not EINVAL. */
	vfx_open(&f, "gpio", NULL);
	t_negotiate(&f);
	req.index = VFIO_PCI_ERR_IRQ_INDEX;
	req_ok(&f, T_IRQ_INFO, &req, sizeof(req), NULL, 0, &m);
	memcpy(&out, m.p, 16);
	assert_int_equal(out.index, VFIO_PCI_ERR_IRQ_INDEX);
	assert_int_equal(out.count, 0);
	t_msg_free(&m);
	vfx_close(&f);
}

static void test_set_irqs(void **state)
{
	struct vu_irq_set set = {
		.argsz = 20, .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = VFIO_PCI_MSIX_IRQ_INDEX, .start = 0, .count = 2,
	};
	const struct vfsim_profile *p;
	int efd[2], base;
	uint32_t ctl = 0;
	uint64_t v;
	struct vmsg m = { 0 };
	struct vfx f;
	uint8_t boolbuf[21];

	vfx_open(&f, "dmaengine", NULL);
	p = vfsim_dev_profile(f.dev);
	t_negotiate(&f);
	efd[0] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	efd[1] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	base = tu_fd_count();
	req_ok(&f, T_SET_IRQS, &set, sizeof(set), efd, 2, &m);
	/* the server holds its own references (dups), never the message's */
	assert_int_equal(tu_fd_count(), base + 2);
	/* unmask MSI-X vector 1 in the table and raise it */
	region_rw_ok(&f, p->msix_bar, p->msix_table_offset + 16 + 12, &ctl, 4, true);
	assert_int_equal(vfsim_dev_raise_irq(f.dev, VFIO_PCI_MSIX_IRQ_INDEX, 1), 1);
	assert_int_equal(read(efd[1], &v, 8), 8);
	assert_int_equal(v, 1);

	/* EVENTFD with no fds de-assigns vector 1 */
	set.start = 1;
	set.count = 1;
	req_ok(&f, T_SET_IRQS, &set, sizeof(set), NULL, 0, &m);
	assert_int_equal(vfsim_dev_raise_irq(f.dev, VFIO_PCI_MSIX_IRQ_INDEX, 1), 0);
	assert_int_equal(tu_fd_count(), base + 1);

	/* fds with DATA_BOOL: refused, and the fds the message carried closed */
	set.flags = VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER;
	set.argsz = 21;
	memcpy(boolbuf, &set, 20);
	boolbuf[20] = 1;
	req_rejected(&f, T_SET_IRQS, boolbuf, sizeof(boolbuf), efd, 1, -EINVAL,
		     RULE_VU_REQ_SET_IRQS_FDS_NOT_EVENTFD);
	assert_int_equal(tu_fd_count(), base + 1);
	/* more fds than count */
	set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set.argsz = 20;
	req_rejected(&f, T_SET_IRQS, &set, sizeof(set), efd, 2, -EINVAL, RULE_VU_REQ_SET_IRQS_FDS_COUNT);
	/* beyond the vectors */
	set.start = 7;
	set.count = 2;
	req_rejected(&f, T_SET_IRQS, &set, sizeof(set), efd, 2, -EINVAL, RULE_IRQ_SET_RANGE);
	/* mask notifications (digest 3.8: fds the server would signal) are not offered */
	set.start = 0;
	set.count = 1;
	set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_MASK;
	req_rejected(&f, T_SET_IRQS, &set, sizeof(set), efd, 1, -EINVAL, RULE_VU_SRV_IRQSET_MASK_EVENTFD);
	set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK;
	req_rejected(&f, T_SET_IRQS, &set, sizeof(set), efd, 1, -EINVAL, RULE_VU_SRV_IRQSET_MASK_EVENTFD);
	assert_int_equal(tu_fd_count(), base + 1);	/* vector 0's trigger only: the refused fds closed */
	/* DATA_NONE|TRIGGER count 0 disables the index: our dups closed */
	set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
	set.start = 0;
	set.count = 0;
	req_ok(&f, T_SET_IRQS, &set, sizeof(set), NULL, 0, &m);
	assert_int_equal(tu_fd_count(), base);
	assert_int_equal(irq_mode(f.dev->irq), -1);
	close(efd[0]);
	close(efd[1]);
	t_msg_free(&m);
	vfx_close(&f);
}

/* §1.7 / §7.6: the error reply is header only; with the ERROR_PAYLOAD quirk
 * the server answers as libvfio-user does, echoing the request's fixed part
 * for REGION_READ/WRITE and DMA_UNMAP, and header only for the rest. */
static void test_error_payload_quirk(void **state)
{
	static const struct {
		uint16_t cmd;
		uint32_t quirks, payload;
	} rows[] = {
		{ T_REGION_READ, 0, 0 },
		{ T_REGION_READ, VFSIM_VU_QUIRK_ERROR_PAYLOAD, sizeof(struct vu_region_access) },
		{ T_DMA_UNMAP, 0, 0 },
		{ T_DMA_UNMAP, VFSIM_VU_QUIRK_ERROR_PAYLOAD, sizeof(struct vu_dma_unmap) },
		{ T_IRQ_INFO, VFSIM_VU_QUIRK_ERROR_PAYLOAD, 0 },
	};
	struct vu_region_access ra = { .offset = 0, .region = 10, .count = 4 };	/* no region 10 */
	struct vu_dma_unmap un = { .argsz = sizeof(un), .addr = 0x7000000, .size = 0x1000 };	/* not mapped */
	struct vu_irq_info ii = { .argsz = sizeof(ii), .index = 9 };	/* no such index */

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct vfsim_vu_server_config cfg = { .quirks = rows[i].quirks };
		const void *req = rows[i].cmd == T_REGION_READ ? (const void *)&ra :
				  rows[i].cmd == T_DMA_UNMAP ? (const void *)&un : (const void *)&ii;
		size_t len = rows[i].cmd == T_REGION_READ ? sizeof(ra) : rows[i].cmd == T_DMA_UNMAP ? sizeof(un) : sizeof(ii);
		struct vmsg m = { 0 };
		struct vfx f;

		vfx_open(&f, "dmaengine", &cfg);
		t_negotiate(&f);
		t_send(&f, rows[i].cmd, 0, req, len, NULL, 0);
		t_process(&f);
		t_recv(&f, &m);
		assert_int_equal(m.h.cmd, rows[i].cmd);
		assert_int_equal(m.h.flags, T_REPLY | T_ERROR);
		assert_true(m.h.error > 0);
		assert_int_equal(m.len, rows[i].payload);
		if (m.len)
			assert_memory_equal(m.p, req, m.len);
		t_msg_free(&m);
		vfx_close(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_first),
		cmocka_unit_test(test_version_reply),
		cmocka_unit_test(test_version_rejected),
		cmocka_unit_test(test_version_again_and_unknown),
		cmocka_unit_test(test_twin_socket),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_no_reply_suppresses_errors),
		cmocka_unit_test(test_oversized_message),
		cmocka_unit_test(test_framing_error_drops),
		cmocka_unit_test(test_undefined_type_drops),
		cmocka_unit_test(test_get_info),
		cmocka_unit_test(test_region_info),
		cmocka_unit_test(test_io_fds),
		cmocka_unit_test(test_region_rw),
		cmocka_unit_test(test_write_multi),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_irq_info),
		cmocka_unit_test(test_set_irqs),
		cmocka_unit_test(test_error_payload_quirk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
