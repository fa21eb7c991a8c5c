/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user client serving the server's DMA_READ/DMA_WRITE (§3.10):
 * interleaved with a pending reply, through vfsim_vu_client_process, in
 * QEMU's layout, on the twin socket; and end to end against the real
 * in-process server (vu-server.c), with and without the twin socket.
 * Layouts and errnos are transcribed from the digest
 * (../shared/spec/vfio-user.md §1-4, §6.B, §7); the fake server is in
 * vu-client-fixture.h. Every test counts this process's descriptors
 * before and after.
 */
#define _GNU_SOURCE
#include "vu-client-fixture.h"
#include "vu-e2e-fixture.h"

/* ---- serving server->client DMA (§3.10) ---------------------------------------------------- */

/* CL-18: a DMA_READ and a DMA_WRITE arrive before the reply to a pending
 * REGION_READ; the client serves both, then takes the reply. */
static void sc_dma_interleaved(struct fake *f)
{
	struct vu_dma_access d = { 0x10010, 4 };
	uint8_t buf[64];
	struct vu_region_access a;
	uint16_t rid;

	fk_version(f, FK_CAPS);
	if (fk_expect(f, VU_CMD_DMA_MAP) < 0)
		return;
	fk_reply(f, NULL, 0);
	if (fk_expect(f, VU_CMD_REGION_READ) < 0)
		return;
	rid = f->h.id;
	memcpy(&a, f->p, sizeof(a));
	fk_send_on(f->fd, 7, VU_CMD_DMA_READ, VU_FLAGS_TYPE_COMMAND, 0, &d, sizeof(d), NULL, 0);
	if (fk_recv_on(f, f->fd) < 0)
		return;
	/* CL-14: id and cmd echoed, addr and count echoed, data at 16. */
	if (f->h.id != 7 || f->h.cmd != VU_CMD_DMA_READ || f->h.flags != VU_FLAGS_TYPE_REPLY || f->len != 20 ||
	    memcmp(f->p, &d, 16) || memcmp(f->p + 16, "abcd", 4))
		fk_failf(f, "DMA_READ reply");
	memcpy(buf, &d, 16);
	memcpy(buf + 16, "WXYZ", 4);
	fk_send_on(f->fd, 8, VU_CMD_DMA_WRITE, VU_FLAGS_TYPE_COMMAND, 0, buf, 20, NULL, 0);
	if (fk_recv_on(f, f->fd) < 0)
		return;
	/* CL-15: the reply echoes address and count (16 bytes). */
	if (f->h.id != 8 || f->h.cmd != VU_CMD_DMA_WRITE || f->len != 16 || memcmp(f->p, &d, 16))
		fk_failf(f, "DMA_WRITE reply");
	memcpy(buf, &a, 16);
	memcpy(buf + 16, "regn", 4);
	fk_send_on(f->fd, rid, VU_CMD_REGION_READ, VU_FLAGS_TYPE_REPLY, 0, buf, 20, NULL, 0);
}

static void test_dma_interleaved(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	uint8_t *mem = NULL, out[4];
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_dma_interleaved, NULL, &cfg_default, &c), 0);
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x10000, 0x1000, 3, false, (void **)&mem), 0);
	memcpy(mem + 0x10, "abcd", 4);
	assert_int_equal(vfsim_vu_client_region_read(c, 0, 0, out, 4), 4);
	assert_memory_equal(out, "regn", 4);
	assert_memory_equal(mem + 0x10, "WXYZ", 4);
	assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
	assert_int_equal(c->served, 2);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
}

/* Requests served through vfsim_vu_client_process, the main thread acting
 * as the server after VERSION. */
struct dma_case {
	const char *name;
	uint16_t cmd;
	uint32_t flags;
	uint64_t addr, count;
	uint32_t data;		/* DMA_WRITE data bytes carried */
	bool with_fd;
	int err;		/* positive errno of the error reply, 0 = success */
	int rule;
};

static const struct dma_case dma_cases[] = {
	{ "read ok", VU_CMD_DMA_READ, 0, 0x10000, 16, 0, false, 0, 0 },
	{ "write ok", VU_CMD_DMA_WRITE, 0, 0x10ff0, 16, 16, false, 0, 0 },
	/* CL-16: outside every window -> EFAULT; across the end -> EFAULT. */
	{ "outside", VU_CMD_DMA_READ, 0, 0x50000, 4, 0, false, EFAULT, RULE_VU_CLI_SRV_FAULT },
	{ "across end", VU_CMD_DMA_READ, 0, 0x10ffc, 8, 0, false, EFAULT, RULE_VU_CLI_SRV_FAULT },
	{ "wrap", VU_CMD_DMA_READ, 0, UINT64_MAX - 3, 8, 0, false, EFAULT, RULE_VU_CLI_SRV_FAULT },
	/* §4.3: the read-only window refuses a device write (EPERM). */
	{ "write to read-only", VU_CMD_DMA_WRITE, 0, 0x20000, 4, 4, false, EPERM, RULE_VU_CLI_SRV_PERM },
	/* CL-16: count above our max_data_xfer_size (4096 here) -> E2BIG. */
	{ "count too big", VU_CMD_DMA_READ, 0, 0x10000, 8192, 0, false, E2BIG, RULE_VU_CLI_SRV_TOO_BIG },
	{ "write message too big", VU_CMD_DMA_WRITE, 0, 0x10000, 8192, 8192, false, E2BIG, RULE_VU_CLI_SRV_TOO_BIG },
	/* QEMU: count larger than the data carried -> E2BIG. */
	{ "write short data", VU_CMD_DMA_WRITE, 0, 0x10000, 8, 4, false, E2BIG, RULE_VU_CLI_SRV_DATA },
	/* CL-17: fds on a request -> EINVAL (closed); unknown command -> ENOSYS. */
	{ "fds", VU_CMD_DMA_READ, 0, 0x10000, 4, 0, true, EINVAL, RULE_VU_CLI_SRV_FDS },
	{ "unknown cmd", VU_CMD_DEVICE_GET_INFO, 0, 0x10000, 4, 0, false, ENOSYS, RULE_VU_CLI_SRV_UNKNOWN },
	{ "removed cmd 14", VU_CMD_DIRTY_PAGES, 0, 0x10000, 4, 0, false, ENOSYS, RULE_VU_CLI_SRV_UNKNOWN },
	/* spec 1.3 / TR-19: undefined flag bits of a command are ignored */
	{ "undefined flag ignored", VU_CMD_DMA_READ, 0x100, 0x10000, 4, 0, false, 0, 0 },
	/* §1.6: NO_REPLY is honoured, even for a refused request. */
	{ "no reply", VU_CMD_DMA_WRITE, VU_FLAGS_NO_REPLY, 0x10000, 4, 4, false, -1, 0 },
	{ "no reply, refused", VU_CMD_DMA_WRITE, VU_FLAGS_NO_REPLY, 0x50000, 4, 4, false, -1, RULE_VU_CLI_SRV_FAULT },
};

static void dma_client(struct fake *f, unsigned quirks, struct vfsim_vu_client **ret, uint8_t **ret_rw,
		       uint8_t **ret_ro)
{
	struct vfsim_vu_client_config cfg = { .timeout_ms = 2000, .max_data_xfer_size = 4096, .quirks = quirks };
	void *rw, *ro;

	assert_int_equal(fk_attach(f, sc_version_only, NULL, &cfg, ret), 0);
	fk_join(f);
	/* The main thread answers DMA_MAP: pre-load the replies (ids 2, 3). */
	fk_send_on(f->fd, 2, VU_CMD_DMA_MAP, VU_FLAGS_TYPE_REPLY, 0, NULL, 0, NULL, 0);
	fk_send_on(f->fd, 3, VU_CMD_DMA_MAP, VU_FLAGS_TYPE_REPLY, 0, NULL, 0, NULL, 0);
	assert_int_equal(vfsim_vu_client_dma_map(*ret, 0x10000, 0x1000, 3, false, &rw), 0);
	assert_int_equal(vfsim_vu_client_dma_map(*ret, 0x20000, 0x1000, 1, false, &ro), 0);
	assert_int_equal(fk_recv_on(f, f->fd), 0);
	assert_int_equal(fk_recv_on(f, f->fd), 0);
	for (int i = 0; i < 0x1000; i++)
		((uint8_t *)rw)[i] = (uint8_t)i;
	*ret_rw = rw;
	*ret_ro = ro;
}

static void test_dma_serve(void **state)
{
	int fds0 = tu_fd_count();

	for (size_t i = 0; i < TU_ARRAY_SIZE(dma_cases); i++) {
		const struct dma_case *dc = &dma_cases[i];
		struct vfsim_vu_client *c = NULL;
		uint8_t *rw, *ro, *req;
		struct vu_dma_access d = { dc->addr, dc->count };
		struct pollfd pfd;
		struct fake f;
		int efd = -1, r;

		print_message("dma: %s\n", dc->name);
		dma_client(&f, 0, &c, &rw, &ro);
		req = calloc(1, 16 + dc->data);
		memcpy(req, &d, 16);
		memset(req + 16, 0xee, dc->data);
		if (dc->with_fd)
			efd = eventfd(0, EFD_CLOEXEC);
		fk_send_on(f.fd, 0x4242, dc->cmd, VU_FLAGS_TYPE_COMMAND | dc->flags, 0, req,
			   dc->cmd == VU_CMD_DMA_WRITE ? 16 + dc->data : 16, &efd, efd >= 0 ? 1 : 0);
		if (efd >= 0)
			close(efd);
		free(req);
		r = vfsim_vu_client_process(c);
		assert_int_equal(r, 1);
		assert_int_equal(c->serve_rule, dc->rule);
		if (dc->err < 0) {
			pfd = (struct pollfd){ .fd = f.fd, .events = POLLIN };
			assert_int_equal(poll(&pfd, 1, 50), 0);	/* nothing came back */
		} else {
			assert_int_equal(fk_recv_on(&f, f.fd), 0);
			assert_int_equal(f.h.id, 0x4242);
			assert_int_equal(f.h.cmd, dc->cmd);
			assert_int_equal(f.nfds, 0);
			if (dc->err) {
				/* §1.7: REPLY|ERROR, header only. */
				assert_int_equal(f.h.flags, VU_FLAGS_TYPE_REPLY | VU_FLAGS_ERROR);
				assert_int_equal(f.h.error, dc->err);
				assert_int_equal(f.len, 0);
			} else {
				assert_int_equal(f.h.flags, VU_FLAGS_TYPE_REPLY);
				assert_memory_equal(f.p, &d, 16);
				if (dc->cmd == VU_CMD_DMA_READ) {
					assert_int_equal(f.len, 16 + dc->count);
					assert_memory_equal(f.p + 16, rw + (dc->addr - 0x10000), dc->count);
				} else {
					assert_int_equal(f.len, 16);
					assert_int_equal(rw[dc->addr - 0x10000], 0xee);
				}
			}
		}
		/* Refused writes touched nothing. */
		if (dc->cmd == VU_CMD_DMA_WRITE && dc->err > 0) {
			assert_int_equal(rw[0], 0);
			assert_int_equal(ro[0], 0);
		}
		fk_finish(&f, c);
		assert_int_equal(tu_fd_count(), fds0);
	}
}

/* §7.3: QEMU 10.1's layout (u32 count, data at 12, header-only DMA_WRITE reply). */
static void test_dma_qemu_quirk(void **state)
{
	struct vfsim_vu_client *c = NULL;
	uint8_t *rw, *ro, req[12 + 4];
	struct vu_dma_access_qemu q = { 0x10004, 4 };
	struct fake f;

	dma_client(&f, VFSIM_VU_QUIRK_QEMU_DMA, &c, &rw, &ro);
	memcpy(req, &q, 12);
	fk_send_on(f.fd, 1, VU_CMD_DMA_READ, 0, 0, req, 12, NULL, 0);
	assert_int_equal(vfsim_vu_client_process(c), 1);
	assert_int_equal(fk_recv_on(&f, f.fd), 0);
	assert_int_equal(f.len, 16);
	assert_memory_equal(f.p, &q, 12);
	assert_memory_equal(f.p + 12, "\x04\x05\x06\x07", 4);
	memcpy(req + 12, "qemu", 4);
	fk_send_on(f.fd, 2, VU_CMD_DMA_WRITE, 0, 0, req, 16, NULL, 0);
	assert_int_equal(vfsim_vu_client_process(c), 1);
	assert_int_equal(fk_recv_on(&f, f.fd), 0);
	assert_int_equal(f.h.flags, VU_FLAGS_TYPE_REPLY);
	assert_int_equal(f.len, 0);
	assert_memory_equal(rw + 4, "qemu", 4);
	fk_finish(&f, c);
}

/* A reply nobody asked for, outside any call, is a protocol error. */
static void test_process_unexpected_reply(void **state)
{
	struct vfsim_vu_client *c = NULL;
	uint8_t *rw, *ro;
	struct fake f;

	dma_client(&f, 0, &c, &rw, &ro);
	assert_int_equal(vfsim_vu_client_process(c), 0);
	fk_send_on(f.fd, 99, VU_CMD_DEVICE_GET_INFO, VU_FLAGS_TYPE_REPLY, 0, NULL, 0, NULL, 0);
	tu_expect_rule(vfsim_vu_client_process(c), -EPROTO, RULE_VU_CLI_REPLY_UNEXPECTED);
	tu_expect_rule(vfsim_vu_client_process(c), -ENOTCONN, RULE_VU_CLI_BROKEN);
	fk_finish(&f, c);
}

/* Twin socket: DMA on the twin while a REGION_READ waits on the main. */
static void sc_twin_dma(struct fake *f)
{
	static const char json[] = "{\"capabilities\":{\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}";
	struct vu_dma_access d = { 0x10000, 4 };
	uint8_t buf[32];
	int sv[2];
	uint16_t rid;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	f->twin = sv[1];
	fk_version_reply(f, 0, 0, json, sizeof(json), &sv[0], 1);
	close(sv[0]);
	if (fk_expect(f, VU_CMD_DMA_MAP) < 0)
		return;
	fk_reply(f, NULL, 0);
	if (fk_expect(f, VU_CMD_REGION_READ) < 0)
		return;
	rid = f->h.id;
	memcpy(buf, f->p, 16);
	fk_send_on(f->twin, 1, VU_CMD_DMA_READ, 0, 0, &d, 16, NULL, 0);
	/* A DMA request on the main socket in twin mode is refused. */
	fk_send_on(f->fd, 2, VU_CMD_DMA_READ, 0, 0, &d, 16, NULL, 0);
	if (fk_recv_on(f, f->twin) < 0 || f->h.id != 1 || f->len != 20 || memcmp(f->p + 16, "twin", 4))
		fk_failf(f, "twin DMA_READ reply");
	if (fk_recv_on(f, f->fd) < 0 || f->h.id != 2 || f->h.error != EINVAL)
		fk_failf(f, "main DMA_READ in twin mode");
	memcpy(buf + 16, "okay", 4);
	fk_send_on(f->fd, rid, VU_CMD_REGION_READ, VU_FLAGS_TYPE_REPLY, 0, buf, 20, NULL, 0);
}

static void test_twin_dma(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client_config cfg = { .timeout_ms = 2000, .twin_socket = true };
	struct vfsim_vu_client *c = NULL;
	uint8_t *mem, out[4];
	struct fake f;

	assert_int_equal(fk_attach(&f, sc_twin_dma, NULL, &cfg, &c), 0);
	assert_true(vfsim_vu_client_server_info(c)->twin_socket);
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x10000, 0x1000, 3, false, (void **)&mem), 0);
	memcpy(mem, "twin", 4);
	assert_int_equal(vfsim_vu_client_region_read(c, 0, 0, out, 4), 4);
	assert_memory_equal(out, "okay", 4);
	assert_int_equal(c->served, 2);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
}

/* ---- end to end against the real server (vu-server.c, its thread in vu-e2e-fixture.h) -------- */

static void e2e_reg_write(struct vfsim_vu_client *c, uint32_t off, uint64_t v, size_t len)
{
	assert_int_equal(vfsim_vu_client_region_write(c, 0, off, &v, len), (int)len);
}

static uint32_t e2e_reg_read(struct vfsim_vu_client *c, uint32_t off)
{
	uint32_t v = 0;

	assert_int_equal(vfsim_vu_client_region_read(c, 0, off, &v, 4), 4);
	return v;
}

/* The engine (engine.h) copies SRC -> DST through the client's windows:
 * reading a window without fd makes the server send DMA_READ, writing one
 * sends DMA_WRITE, which the client serves while its REGION_WRITE waits. */
static void e2e_copy(struct vfsim_vu_client *c, uint64_t src, uint64_t dst, uint32_t len)
{
	e2e_reg_write(c, 0x18, 3, 4);	/* STATUS is RW1C */
	e2e_reg_write(c, 0x00, src, 8);
	e2e_reg_write(c, 0x08, dst, 8);
	e2e_reg_write(c, 0x10, len, 4);
	e2e_reg_write(c, 0x14, 1, 4);
	if (e2e_reg_read(c, 0x18) != 1)
		fail_msg("engine STATUS %#x ERRNO %u", e2e_reg_read(c, 0x18), e2e_reg_read(c, 0x1c));
}

static void e2e_run(bool twin)
{
	struct vfsim_vu_server_config scfg = { .twin_socket = twin };
	struct vfsim_vu_client_config ccfg = { .timeout_ms = 5000, .twin_socket = twin };
	struct vfsim_vu_client *c = NULL;
	uint32_t flags = 0, nreg = 0, nirq = 0, icount = 0;
	uint8_t *a = NULL, *b = NULL, buf[256], stream[4096];
	int fds0 = tu_fd_count(), sv[2], efd[8], fd = -1;
	struct vu_region_info ri;
	struct e2e e = { 0 };
	ssize_t n, total = 0;
	uint16_t id[2];

	e.dev = tu_dev_from("dmaengine");
	assert_int_equal(vfsim_vu_server_new(e.dev, &scfg, &e.srv), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(vfsim_vu_server_attach(e.srv, sv[1]), 0);
	assert_int_equal(pthread_create(&e.th, NULL, e2e_thread, &e), 0);
	assert_int_equal(vfsim_vu_client_attach(sv[0], &ccfg, &c), 0);
	assert_int_equal(vfsim_vu_client_server_info(c)->twin_socket, twin);

	assert_int_equal(vfsim_vu_client_get_info(c, &flags, &nreg, &nirq), 0);
	assert_int_equal(flags & (VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET),
			 VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(nreg, 10);	/* 9 PCI regions + the profile's device region */
	assert_int_equal(nirq, 5);
	/* Config space: the profile's vendor and device IDs. */
	assert_int_equal(vfsim_vu_client_region_read(c, VFIO_PCI_CONFIG_REGION_INDEX, 0, id, 4), 4);
	assert_int_equal(id[0], 0x1b36);
	assert_int_equal(id[1], 0x0102);
	/* BAR0 is mmap-able with a sparse area: caps through the argsz retry, and the fd. */
	n = vfsim_vu_client_get_region_info(c, 0, buf, sizeof(buf), &fd);
	assert_true(n > 32);
	memcpy(&ri, buf, sizeof(ri));
	assert_int_equal(ri.size, 0x4000);
	assert_true(ri.flags & VFIO_REGION_INFO_FLAG_MMAP);
	assert_true(ri.flags & VFIO_REGION_INFO_FLAG_CAPS);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(vfsim_vu_client_get_irq_info(c, VFIO_PCI_MSIX_IRQ_INDEX, &flags, &icount), 0);
	assert_int_equal(icount, 8);

	/* Eventfds for every MSI-X vector, chunked by the server's max_msg_fds. */
	for (int i = 0; i < 8; i++)
		efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_int_equal(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
						  VFIO_PCI_MSIX_IRQ_INDEX, 0, 8, efd), 0);

	/* Window A in-band (DMA_READ/WRITE), window B through the memfd. */
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x100000, 0x1000, 3, false, (void **)&a), 0);
	assert_int_equal(vfsim_vu_client_dma_map(c, 0x200000, 0x1000, 3, true, (void **)&b), 0);
	for (int i = 0; i < 0x1000; i++)
		a[i] = (uint8_t)(i * 7);
	e2e_copy(c, 0x100000, 0x200000, 0x1000);
	assert_memory_equal(a, b, 0x1000);
	memset(b, 0x5a, 0x100);
	e2e_copy(c, 0x200000, 0x100080, 0x100);
	assert_int_equal(a[0x80], 0x5a);
	assert_int_equal(a[0x17f], 0x5a);
	assert_int_equal(a[0x180], (uint8_t)(0x180 * 7));
	assert_true(c->served > 0);

	/* Migration: to STOP_COPY, then MIG_DATA_READ until a short read. */
	{
		struct {
			struct vfio_device_feature f;
			struct vfio_device_feature_mig_state st;
		} fs = {
			.f = { .argsz = sizeof(fs), .flags = VFIO_DEVICE_FEATURE_SET |
							    VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE },
			.st = { .device_state = VFIO_DEVICE_STATE_STOP_COPY },
		};

		assert_int_equal(vfsim_vu_client_feature(c, &fs, sizeof(fs), sizeof(fs)), (int)sizeof(fs));
		do {
			n = vfsim_vu_client_mig_read(c, stream, sizeof(stream));
			assert_true(n >= 0);
			total += n;
		} while (n == (ssize_t)sizeof(stream) && total < (64 << 20));
		assert_true(total > 0);
		fs.f.argsz = sizeof(fs);
		fs.st.device_state = VFIO_DEVICE_STATE_RUNNING;
		assert_int_equal(vfsim_vu_client_feature(c, &fs, sizeof(fs), sizeof(fs)), (int)sizeof(fs));
	}

	assert_int_equal(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
						  VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL), 0);
	assert_int_equal(vfsim_vu_client_dma_unmap(c, 0x100000, 0x1000, 0), 0);
	assert_int_equal(vfsim_vu_client_dma_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL), 0);
	assert_int_equal(vfsim_vu_client_reset(c), 0);
	/* A server error is the caller's errno: region index out of range. */
	assert_true(vfsim_vu_client_region_read(c, 50, 0, buf, 4) < 0);
	assert_int_equal(c->broken, 0);

	vfsim_vu_client_free(c);
	pthread_join(e.th, NULL);
	assert_int_equal(e.result, 1);	/* the server saw the client leave */
	vfsim_vu_server_free(e.srv);
	vfsim_dev_free(e.dev);
	for (int i = 0; i < 8; i++)
		close(efd[i]);
	assert_int_equal(tu_fd_count(), fds0);
}

static void test_e2e(void **state)
{
	e2e_run(false);
}

static void test_e2e_twin(void **state)
{
	e2e_run(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dma_interleaved),
		cmocka_unit_test(test_dma_serve),
		cmocka_unit_test(test_dma_qemu_quirk),
		cmocka_unit_test(test_process_unexpected_reply),
		cmocka_unit_test(test_twin_dma),
		cmocka_unit_test(test_e2e),
		cmocka_unit_test(test_e2e_twin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
