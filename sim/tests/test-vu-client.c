/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user client's good path against a scripted fake server:
 * VERSION negotiation and the twin socket, every command's request and
 * reply, and the client's own DMA windows (DMA_MAP/DMA_UNMAP). Hostile
 * replies and a vanishing server are in test-vu-client-bad.c, serving the
 * server's DMA requests and the end-to-end runs in test-vu-client-dma.c.
 * Layouts and errnos are transcribed from the digest
 * (../shared/spec/vfio-user.md §1-4, §6.B, §7); the fake server is in
 * vu-client-fixture.h. Every test counts this process's descriptors
 * before and after.
 */
#define _GNU_SOURCE
#include "vu-client-fixture.h"

/* ---- VERSION ------------------------------------------------------------------- */

static void test_version_ok(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	const struct vfsim_vu_server_info *si;
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_version_only,
				   "{\"capabilities\":{\"max_msg_fds\":3,\"max_data_xfer_size\":4096,"
				   "\"max_dma_maps\":10,\"pgsizes\":4096,\"unknown\":1}}",
				   &cfg_default, &c), 0);
	fk_join(&f);
	/* §2.1: the proposal is major 0, our minor, NUL-terminated JSON, no fds. */
	assert_int_equal(f.ver_major, 0);
	assert_int_equal(f.ver_minor, VU_VERSION_MINOR);
	assert_int_equal(f.ver_nfds, 0);
	assert_int_equal(f.p[f.len - 1], 0);
	assert_non_null(strstr((char *)f.ver_json, "\"max_msg_fds\":8"));
	assert_null(strstr((char *)f.ver_json, "twin_socket\":{\"supported\":true"));
	si = vfsim_vu_client_server_info(c);
	assert_int_equal(si->major, 0);
	assert_int_equal(si->minor, 0);
	assert_int_equal(si->max_msg_fds, 3);
	assert_int_equal(si->max_data_xfer_size, 4096);
	assert_int_equal(si->max_dma_maps, 10);
	assert_false(si->twin_socket);
	vfsim_vu_client_free(c);
	fk_end(&f);
	assert_int_equal(tu_fd_count(), fds0);
}

/* No JSON: every capability takes its §2.3 default (max_msg_fds 1, 1 MiB). */
static void sc_version_nojson(struct fake *f)
{
	fk_version_reply(f, 0, 2, NULL, 0, NULL, 0);
}

static void test_version_defaults(void **state)
{
	struct vfsim_vu_client *c = NULL;
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_version_nojson, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_server_info(c)->minor, 2);
	assert_int_equal(vfsim_vu_client_server_info(c)->max_msg_fds, 1);
	assert_int_equal(vfsim_vu_client_server_info(c)->max_data_xfer_size, 1048576);
	fk_finish(&f, c);
}

struct version_case {
	const char *name;
	uint16_t major, minor;
	const char *json;	/* NULL: none */
	size_t jlen;		/* 0: strlen + 1 */
	bool error_reply;
	int err;
	int rule;		/* RULE_NONE: the server's error, nothing rejected */
};

static void sc_version_case(struct fake *f)
{
	const struct version_case *vc = f->arg;

	if (vc->error_reply) {
		if (fk_expect(f, VU_CMD_VERSION) == 0)
			fk_reply_err(f, EINVAL);
		return;
	}
	fk_version_reply(f, vc->major, vc->minor, vc->json,
			 vc->json ? (vc->jlen ? vc->jlen : strlen(vc->json) + 1) : 0, NULL, 0);
}

static const struct version_case version_cases[] = {
	/* §2.2: the reply's major must equal the proposal (0). */
	{ "major 1", 1, 0, "{}", 0, false, -EPROTO, RULE_VU_RPL_VERSION_MAJOR },
	/* §2.2: minor <= proposal. */
	{ "minor too high", 0, VU_VERSION_MINOR + 1, "{}", 0, false, -EPROTO, RULE_VU_RPL_VERSION_MINOR },
	/* §6.B CL-03: bad JSON, no NUL, wrong-typed known key. */
	{ "bad json", 0, 0, "{\"capabilities\":", 0, false, -EPROTO, RULE_VU_CAPS_JSON_SYNTAX },
	{ "no NUL", 0, 0, "{}", 2, false, -EPROTO, RULE_VU_CAPS_JSON_NUL },
	{ "wrong type", 0, 0, "{\"capabilities\":{\"max_msg_fds\":\"8\"}}", 0, false, -EPROTO, RULE_VU_CAPS_TYPE },
	/* A transfer size of 0 would never make progress; QEMU caps it at 64 MiB. */
	{ "xfer 0", 0, 0, "{\"capabilities\":{\"max_data_xfer_size\":0}}", 0, false, -EPROTO, RULE_VU_CAPS_MAX_DATA_XFER },
	/* More than we send is harmless: used as 64 MiB (QEMU's bound, §1.8). */
	{ "xfer 128M", 0, 0, "{\"capabilities\":{\"max_data_xfer_size\":134217728}}", 0, false, 0, RULE_NONE },
	/* CL-03: an ERROR reply to VERSION fails the attach with its errno. */
	{ "error reply", 0, 0, NULL, 0, true, -EINVAL, RULE_NONE },
};

static void test_version_cases(void **state)
{
	for (size_t i = 0; i < TU_ARRAY_SIZE(version_cases); i++) {
		const struct version_case *vc = &version_cases[i];
		int fds0 = tu_fd_count();
		struct vfsim_vu_client *c = (void *)1;
		struct fake f;
		int r;

		print_message("version: %s\n", vc->name);
		r = fk_attach(&f, sc_version_case, vc, &cfg_default, &c);
		tu_expect_rule(r, vc->err, vc->rule);
		if (r == 0) {
			assert_int_equal(vfsim_vu_client_server_info(c)->max_data_xfer_size, 64u << 20);
			vfsim_vu_client_free(c);
		} else {
			assert_null(c);
		}
		fk_join(&f);
		fk_end(&f);
		assert_int_equal(tu_fd_count(), fds0);
	}
}

/* ---- twin socket (§2.4) ------------------------------------------------------------ */

struct twin_case {
	const char *name;
	bool offer;
	const char *json;
	int nfds;		/* fds sent: 0, 1 (a socket) or -1 (a pipe) */
	int err, rule;
};

static void sc_twin_case(struct fake *f)
{
	const struct twin_case *tc = f->arg;
	int sv[2], fd = -1, p[2] = { -1, -1 };

	if (tc->nfds > 0) {
		socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
		f->twin = sv[1];
		fd = sv[0];
	} else if (tc->nfds < 0) {
		pipe2(p, O_CLOEXEC);
		fd = p[0];
	}
	fk_version_reply(f, 0, 0, tc->json, strlen(tc->json) + 1, &fd, fd >= 0 ? 1 : 0);
	if (fd >= 0)
		close(fd);
	if (p[1] >= 0)
		close(p[1]);
}

static const struct twin_case twin_cases[] = {
	{ "accepted", true, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}", 1, 0, 0 },
	{ "declined", true, "{\"capabilities\":{\"twin_socket\":{\"supported\":false}}}", 0, 0, 0 },
	/* §2.4: true without fd_index, or an index past the fds -> close. */
	{ "no fd_index", true, "{\"capabilities\":{\"twin_socket\":{\"supported\":true}}}", 1, -EPROTO,
	  RULE_VU_RPL_TWIN_FD_INDEX },
	{ "index past fds", true, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":1}}}", 1,
	  -EPROTO, RULE_VU_RPL_TWIN_FD_INDEX },
	{ "no fd at all", true, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}", 0,
	  -EPROTO, RULE_VU_RPL_TWIN_FD_INDEX },
	{ "not a socket", true, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}", -1,
	  -EPROTO, RULE_VU_CLI_TWIN_NOT_SOCKET },
	/* §2.2: the reply's capabilities are a subset of the proposal. */
	{ "not offered", false, "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}", 1,
	  -EPROTO, RULE_VU_RPL_TWIN_NOT_OFFERED },
	{ "stray fd", true, "{}", 1, -EPROTO, RULE_VU_RPL_FDS },
};

static void test_twin_cases(void **state)
{
	for (size_t i = 0; i < TU_ARRAY_SIZE(twin_cases); i++) {
		const struct twin_case *tc = &twin_cases[i];
		struct vfsim_vu_client_config cfg = { .timeout_ms = 2000, .twin_socket = tc->offer };
		int fds0 = tu_fd_count();
		struct vfsim_vu_client *c = NULL;
		struct fake f;
		int r;

		print_message("twin: %s\n", tc->name);
		r = fk_attach(&f, sc_twin_case, tc, &cfg, &c);
		fk_join(&f);
		if (tc->offer)
			assert_non_null(strstr((char *)f.ver_json, "\"supported\":true"));
		if (tc->err)
			tu_expect_rule(r, tc->err, tc->rule);
		else
			assert_int_equal(r, 0);
		if (!r)
			assert_int_equal(vfsim_vu_client_server_info(c)->twin_socket, tc->nfds == 1);
		vfsim_vu_client_free(c);
		fk_end(&f);
		assert_int_equal(tu_fd_count(), fds0);
	}
}

/* ---- the good path of every command -------------------------------------------------- */

static void sc_commands(struct fake *f)
{
	struct vu_device_info di = { 16, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, 9, 5 };
	struct vu_irq_info ii;
	uint8_t buf[256];

	fk_version(f, FK_CAPS);

	if (fk_expect(f, VU_CMD_DEVICE_GET_INFO) < 0)
		return;
	memcpy(&di, f->p, 4);	/* check below: the request's argsz was 16 */
	if (di.argsz != 16)
		fk_failf(f, "GET_INFO argsz");
	di = (struct vu_device_info){ 16, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, 9, 5 };
	fk_reply(f, &di, sizeof(di));

	if (fk_expect(f, VU_CMD_DEVICE_GET_IRQ_INFO) < 0)
		return;
	memcpy(&ii, f->p, sizeof(ii));
	ii.flags = VFIO_IRQ_INFO_EVENTFD;
	ii.count = 2048;
	fk_reply(f, &ii, sizeof(ii));

	if (fk_expect(f, VU_CMD_DEVICE_RESET) < 0)
		return;
	if (f->len)
		fk_failf(f, "RESET payload");
	fk_reply(f, NULL, 0);

	/* DEVICE_FEATURE GET MIGRATION: argsz is the reply capacity (§1.9). */
	if (fk_expect(f, VU_CMD_DEVICE_FEATURE) < 0)
		return;
	{
		struct vu_feature fe;
		uint64_t mf = VFIO_MIGRATION_STOP_COPY;

		memcpy(&fe, f->p, sizeof(fe));
		if (fe.argsz != 64 || f->len != 8)
			fk_failf(f, "FEATURE argsz");
		fe.argsz = 16;
		memcpy(buf, &fe, 8);
		memcpy(buf + 8, &mf, 8);
		fk_reply(f, buf, 16);
	}
}

static void test_commands(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	uint32_t flags = 0, nreg = 0, nirq = 0, count = 0;
	uint8_t fb[64] = { 0 };
	struct vu_feature fe = { 0, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION };
	uint64_t mf;
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_commands, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_get_info(c, &flags, &nreg, &nirq), 0);
	assert_int_equal(flags, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(nreg, 9);
	assert_int_equal(nirq, 5);
	assert_int_equal(vfsim_vu_client_get_irq_info(c, VFIO_PCI_MSIX_IRQ_INDEX, &flags, &count), 0);
	assert_int_equal(flags, VFIO_IRQ_INFO_EVENTFD);
	assert_int_equal(count, 2048);
	assert_int_equal(vfsim_vu_client_reset(c), 0);
	memcpy(fb, &fe, sizeof(fe));
	assert_int_equal(vfsim_vu_client_feature(c, fb, 8, sizeof(fb)), 16);
	memcpy(&mf, fb + 8, 8);
	assert_int_equal(mf, VFIO_MIGRATION_STOP_COPY);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
}

/* GET_REGION_INFO (§3.5, CL-10): the first request asks 32, the reply says
 * 80 are needed, the retry asks 80 and gets the sparse cap and the fd. */
static void sc_region_info(struct fake *f)
{
	struct {
		struct vu_region_info ri;
		struct vu_cap_hdr cap;
		uint32_t nr, res;
		uint64_t off, size;
		uint64_t off2, size2;
	} VU_PACKED rep = {
		.ri = { 80, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP |
			VFIO_REGION_INFO_FLAG_CAPS, 0, 32, 8192, 0 },
		.cap = { VFIO_REGION_INFO_CAP_SPARSE_MMAP, 1, 0 },
		.nr = 2, .off = 0, .size = 4096, .off2 = 4096, .size2 = 4096,
	};
	struct vu_region_info req, trunc;
	int memfd;

	fk_version(f, FK_CAPS);
	if (fk_expect(f, VU_CMD_DEVICE_GET_REGION_INFO) < 0)
		return;
	memcpy(&req, f->p, sizeof(req));
	if (req.argsz != 32 || req.index != 0)
		fk_failf(f, "first ask");
	/* libvfio-user's truncated reply: fixed part, argsz = needed, no caps. */
	trunc = rep.ri;
	trunc.flags &= ~VFIO_REGION_INFO_FLAG_CAPS;
	trunc.cap_offset = 0;
	fk_reply(f, &trunc, sizeof(trunc));
	if (fk_expect(f, VU_CMD_DEVICE_GET_REGION_INFO) < 0)
		return;
	memcpy(&req, f->p, sizeof(req));
	if (req.argsz != 80)
		fk_failf(f, "retry argsz");
	memfd = memfd_create("fk-bar", MFD_CLOEXEC);
	fk_reply_fds(f, &rep, sizeof(rep), &memfd, 1);
	close(memfd);

	/* A caller buffer of 40 cannot hold 80: fixed part, argsz 80. */
	if (fk_expect(f, VU_CMD_DEVICE_GET_REGION_INFO) < 0)
		return;
	fk_reply(f, &trunc, sizeof(trunc));
	/* A region without caps answers in one round trip. */
	if (fk_expect(f, VU_CMD_DEVICE_GET_REGION_INFO) < 0)
		return;
	trunc = (struct vu_region_info){ 32, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE, 7, 0, 4096, 0 };
	fk_reply(f, &trunc, sizeof(trunc));
}

static void test_region_info(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	uint8_t buf[256];
	struct vu_region_info ri;
	struct vu_cap_hdr cap;
	struct fake f;
	int fd = -1;

	assert_int_equal(fk_attach(&f, sc_region_info, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_get_region_info(c, 0, buf, sizeof(buf), &fd), 80);
	memcpy(&ri, buf, sizeof(ri));
	assert_int_equal(ri.argsz, 80);
	assert_int_equal(ri.cap_offset, 32);
	assert_true(ri.flags & VFIO_REGION_INFO_FLAG_CAPS);
	memcpy(&cap, buf + 32, sizeof(cap));
	assert_int_equal(cap.id, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(vfsim_vu_client_get_region_info(c, 0, buf, 40, &fd), 32);
	memcpy(&ri, buf, sizeof(ri));
	assert_int_equal(ri.argsz, 80);
	assert_int_equal(fd, -1);
	assert_int_equal(vfsim_vu_client_get_region_info(c, 7, buf, sizeof(buf), &fd), 32);
	assert_int_equal(fd, -1);
	/* The caller's buffer must hold the fixed part. */
	tu_expect_rule(vfsim_vu_client_get_region_info(c, 7, buf, 31, &fd), -EINVAL, RULE_VU_CLI_ARG_BUF);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
}

/* SET_IRQS (§3.8, CL-05): eventfds in chunks of the server's max_msg_fds (2);
 * a -1 entry goes as a 0-fd de-assign message of its own. */
struct irq_msg {
	uint32_t argsz, flags, start, count;
	unsigned nfds;
};

static const struct irq_msg irq_expect[] = {
	{ 20, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 2, 2 },
	{ 20, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, 2, 1, 1 },
	{ 20, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, 3, 1, 0 },
	{ 20, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, 4, 1, 1 },
	{ 23, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK, 1, 3, 0 },
	{ 20, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, 0 },
};

static void sc_set_irqs(struct fake *f)
{
	fk_version(f, FK_CAPS);
	for (size_t i = 0; i < TU_ARRAY_SIZE(irq_expect); i++) {
		struct vu_irq_set s;
		char msg[64];

		if (fk_expect(f, VU_CMD_DEVICE_SET_IRQS) < 0)
			return;
		memcpy(&s, f->p, sizeof(s));
		if (s.argsz != irq_expect[i].argsz || s.flags != irq_expect[i].flags || s.index != 2 ||
		    s.start != irq_expect[i].start || s.count != irq_expect[i].count ||
		    f->nfds != irq_expect[i].nfds || f->len != s.argsz) {
			snprintf(msg, sizeof(msg), "SET_IRQS message %zu", i);
			fk_failf(f, msg);
		}
		if (irq_expect[i].flags & VFIO_IRQ_SET_DATA_BOOL && memcmp(f->p + 20, "\1\0\1", 3))
			fk_failf(f, "SET_IRQS bools");
		/* The fds are real eventfds: signal them as the device would. */
		for (unsigned k = 0; k < f->nfds; k++) {
			uint64_t one = 1;

			if (write(f->fds[k], &one, 8) != 8)
				fk_failf(f, "eventfd write");
		}
		fk_reply(f, NULL, 0);
	}
}

static void test_set_irqs(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	int efd[5];
	uint8_t bools[3] = { 1, 0, 1 };
	struct fake f;

	for (int i = 0; i < 5; i++)
		efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_int_equal(fk_attach(&f, sc_set_irqs, NULL, &cfg_default, &c), 0);
	close(efd[3]);
	efd[3] = -1;
	assert_int_equal(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
						  VFIO_PCI_MSIX_IRQ_INDEX, 0, 5, efd), 0);
	assert_int_equal(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK,
						  VFIO_PCI_MSIX_IRQ_INDEX, 1, 3, bools), 0);
	assert_int_equal(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
						  VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL), 0);
	/* Two DATA bits is not a request a client may send. */
	tu_expect_rule(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL |
						   VFIO_IRQ_SET_ACTION_TRIGGER, 2, 0, 1, bools),
		       -EINVAL, RULE_VU_CLI_IRQ_FLAGS);
	fk_finish(&f, c);
	for (int i = 0; i < 5; i++) {
		uint64_t v = 0;

		if (efd[i] < 0)
			continue;
		assert_int_equal(read(efd[i], &v, 8), 8);
		assert_int_equal(v, 1);
		close(efd[i]);
	}
	assert_int_equal(tu_fd_count(), fds0);
}

/* Region access split by the server's max_data_xfer_size (64, CL-06). */
static void sc_region_rw(struct fake *f)
{
	static const uint32_t counts[] = { 64, 64, 22 };

	fk_version(f, FK_CAPS);
	for (int op = 0; op < 2; op++) {
		for (size_t i = 0; i < TU_ARRAY_SIZE(counts); i++) {
			struct vu_region_access a;
			uint8_t rep[16 + 64];

			if (fk_expect(f, op ? VU_CMD_REGION_WRITE : VU_CMD_REGION_READ) < 0)
				return;
			memcpy(&a, f->p, sizeof(a));
			if (a.offset != 0x100 + 64 * i || a.region != 2 || a.count != counts[i] ||
			    f->len != (op ? 16 + counts[i] : 16))
				fk_failf(f, "region access split");
			if (op && f->p[16] != (uint8_t)(0x100 + 64 * i))
				fk_failf(f, "region write data");
			memcpy(rep, &a, 16);
			for (uint32_t k = 0; k < a.count && !op; k++)
				rep[16 + k] = (uint8_t)(a.offset + k);
			fk_reply(f, rep, op ? 16 : 16 + a.count);
		}
	}
}

static void test_region_rw(void **state)
{
	struct vfsim_vu_client *c = NULL;
	uint8_t buf[150];
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_region_rw, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_region_read(c, 2, 0x100, buf, sizeof(buf)), 150);
	for (int i = 0; i < 150; i++)
		assert_int_equal(buf[i], (uint8_t)(0x100 + i));
	assert_int_equal(vfsim_vu_client_region_write(c, 2, 0x100, buf, sizeof(buf)), 150);
	tu_expect_rule(vfsim_vu_client_region_read(c, 2, UINT64_MAX, buf, 2), -EINVAL, RULE_VU_CLI_ARG_RANGE);
	fk_finish(&f, c);
}

/* MIG_DATA (§3.15): a reply size below the request ends the read. */
static void sc_mig(struct fake *f)
{
	fk_version(f, FK_CAPS);
	for (int i = 0; i < 2; i++) {
		struct vu_mig_data d;
		uint8_t rep[8 + 64];
		uint32_t give = i ? 10 : 64;

		if (fk_expect(f, VU_CMD_MIG_DATA_READ) < 0)
			return;
		memcpy(&d, f->p, sizeof(d));
		if (d.size != 64 || d.argsz != 72)
			fk_failf(f, "MIG_DATA_READ request");
		d.argsz = 8 + give;
		d.size = give;
		memcpy(rep, &d, 8);
		memset(rep + 8, 0xa0 + i, give);
		fk_reply(f, rep, 8 + give);
	}
	for (int i = 0; i < 2; i++) {
		struct vu_mig_data d;

		if (fk_expect(f, VU_CMD_MIG_DATA_WRITE) < 0)
			return;
		memcpy(&d, f->p, sizeof(d));
		if (d.size != (i ? 36u : 64u) || d.argsz != 8 + d.size || f->len != 8 + d.size)
			fk_failf(f, "MIG_DATA_WRITE request");
		fk_reply(f, NULL, 0);
	}
}

static void test_mig_data(void **state)
{
	struct vfsim_vu_client *c = NULL;
	uint8_t buf[200] = { 0 };
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_mig, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_mig_read(c, buf, 128), 74);
	assert_int_equal(buf[0], 0xa0);
	assert_int_equal(buf[73], 0xa1);
	assert_int_equal(vfsim_vu_client_mig_write(c, buf, 100), 100);
	fk_finish(&f, c);
}

/* ---- DMA windows (§3.2, §3.3) -------------------------------------------------------------- */

static void sc_dma_map(struct fake *f)
{
	struct vu_dma_map m;
	struct vu_dma_unmap u;
	void *p;

	fk_version(f, FK_CAPS);
	/* With the memfd: the server maps it and writes through it. */
	if (fk_expect(f, VU_CMD_DMA_MAP) < 0)
		return;
	memcpy(&m, f->p, sizeof(m));
	if (f->len != 32 || m.argsz != 32 || m.flags != 3 || m.offset != 0 || m.addr != 0x10000 ||
	    m.size != 0x2000 || f->nfds != 1)
		fk_failf(f, "DMA_MAP with fd");
	p = f->nfds == 1 ? mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_SHARED, f->fds[0], 0) : MAP_FAILED;
	if (p != MAP_FAILED) {
		memcpy((uint8_t *)p + 0x1000, "dev", 4);
		munmap(p, 0x2000);
	}
	fk_reply(f, NULL, 0);
	/* Without an fd: CL-13, offset 0 and no fds. */
	if (fk_expect(f, VU_CMD_DMA_MAP) < 0)
		return;
	memcpy(&m, f->p, sizeof(m));
	if (m.flags != 1 || m.offset != 0 || m.addr != 0x20000 || m.size != 0x1000 || f->nfds != 0)
		fk_failf(f, "DMA_MAP without fd");
	fk_reply(f, NULL, 0);
	/* A refused map: the window is dropped again. */
	if (fk_expect(f, VU_CMD_DMA_MAP) < 0)
		return;
	fk_reply_err(f, EEXIST);
	/* Exact unmap, then ALL (addr = size = 0, flags 2). */
	if (fk_expect(f, VU_CMD_DMA_UNMAP) < 0)
		return;
	memcpy(&u, f->p, sizeof(u));
	if (u.argsz != 24 || u.flags != 0 || u.addr != 0x20000 || u.size != 0x1000)
		fk_failf(f, "DMA_UNMAP");
	fk_reply(f, &u, sizeof(u));
	if (fk_expect(f, VU_CMD_DMA_UNMAP) < 0)
		return;
	memcpy(&u, f->p, sizeof(u));
	if (u.flags != VU_DMA_UNMAP_ALL || u.addr || u.size)
		fk_failf(f, "DMA_UNMAP ALL");
	fk_reply(f, &u, sizeof(u));
}

static void test_dma_map(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	void *a = NULL, *b = NULL, *x = NULL;
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_dma_map, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x10000, 0x2000, 3, true, &a), 0);
	assert_string_equal((char *)a + 0x1000, "dev");
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x20000, 0x1000, 1, false, &b), 0);
	/* Local checks, no message: overlap (§3.2 EEXIST), size 0, unaligned, prot. */
	tu_expect_rule(vfsim_vu_client_dma_map(c, 0x11000, 0x1000, 3, false, &x), -EEXIST, RULE_VU_CLI_DMA_OVERLAP);
	tu_expect_rule(vfsim_vu_client_dma_map(c, 0x40000, 0, 3, false, &x), -EINVAL, RULE_VU_CLI_DMA_ARGS);
	tu_expect_rule(vfsim_vu_client_dma_map(c, 0x40800, 0x1000, 3, false, &x), -EINVAL, RULE_VU_CLI_DMA_ARGS);
	tu_expect_rule(vfsim_vu_client_dma_map(c, 0x40000, 0x1000, 4, false, &x), -EINVAL, RULE_VU_CLI_DMA_ARGS);
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x30000, 0x1000, 3, false, &x), -EEXIST);
	assert_null(x);
	assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);	/* the server's error, not ours */
	tu_expect_rule(vfsim_vu_client_dma_unmap(c, 0x20000, 0x2000, 0), -ENOENT, RULE_VU_CLI_DMA_NOENT);
	tu_expect_rule(vfsim_vu_client_dma_unmap(c, 0x20000, 0x1000, VFIO_DMA_UNMAP_FLAG_ALL), -EINVAL,
		       RULE_VU_CLI_DMA_UNMAP_FLAGS);
	tu_expect_rule(vfsim_vu_client_dma_unmap(c, 0x20000, 0x1000, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP), -EINVAL,
		       RULE_VU_CLI_DMA_UNMAP_FLAGS);
	assert_int_equal(vfsim_vu_client_dma_unmap(c, 0x20000, 0x1000, 0), 0);
	assert_int_equal(vfsim_vu_client_dma_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL), 0);
	assert_int_equal(c->nwins, 0);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_ok),
		cmocka_unit_test(test_version_defaults),
		cmocka_unit_test(test_version_cases),
		cmocka_unit_test(test_twin_cases),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_region_info),
		cmocka_unit_test(test_set_irqs),
		cmocka_unit_test(test_region_rw),
		cmocka_unit_test(test_mig_data),
		cmocka_unit_test(test_dma_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
