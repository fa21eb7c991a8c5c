/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user client's injectable faults (sim/faults.def, WHERE = C):
 * for each one, a scripted server shows the deviation on the wire (or in
 * what the client accepts), and the same script with the fault off shows
 * the client keeping the rule. The expected behaviour is transcribed from
 * the digest (../shared/spec/vfio-user.md §1.4 message IDs, §1.6 NO_REPLY,
 * §1.7 errors, §1.8 and §1.1 limits, §2.2 VERSION); the fake server is in
 * vu-client-fixture.h. Every test counts this process's descriptors before
 * and after.
 */
#define _GNU_SOURCE
#include "vu-client-fixture.h"
#include "fault.h"

/* The mask for one fault, by the name faults.def gives it. */
static uint64_t fault_mask(const char *name)
{
	uint64_t m = 0;
	char err[128];

	assert_int_equal(vfsim_fault_parse(name, VFSIM_FAULT_AT_CLIENT, &m, err, sizeof(err)), 0);
	return m;
}

/* What the scripts saw, for the test to judge after fk_join. */
static struct {
	uint16_t ids[8];		/* ids of the client's replies to our requests */
	unsigned nids;
	uint32_t flags[16];		/* header flags of the client's requests */
	uint32_t counts[16];		/* count field of each SET_IRQS / REGION_* request */
	unsigned nfds[16];		/* fds carried by each request */
	unsigned nreq;
} seen;

static void seen_request(struct fake *f, uint32_t count)
{
	if (seen.nreq < TU_ARRAY_SIZE(seen.flags)) {
		seen.flags[seen.nreq] = f->h.flags;
		seen.counts[seen.nreq] = count;
		seen.nfds[seen.nreq] = f->nfds;
		seen.nreq++;
	}
}

static void seen_reply(struct fake *f)
{
	if (seen.nids < TU_ARRAY_SIZE(seen.ids))
		seen.ids[seen.nids++] = f->h.id;
}

static void attach(struct fake *f, void (*script)(struct fake *f), const void *arg, uint64_t faults,
		   int timeout_ms, struct vfsim_vu_client **ret)
{
	struct vfsim_vu_client_config cfg = { .timeout_ms = timeout_ms, .faults = faults };

	memset(&seen, 0, sizeof(seen));
	assert_int_equal(fk_attach(f, script, arg, &cfg, ret), 0);
}

/* ---- client-dma-reply-id, client-answers-no-reply ---------------------------------------- */

/* While a REGION_READ is pending: a DMA_READ (id 7) inside the window, one
 * (id 8) outside every window (EFAULT), a DMA_WRITE flagged NO_REPLY (id 9),
 * then a DMA_READ (id 10). Every reply the client sends is recorded, in
 * order; then the REGION_READ is answered. */
static void sc_dma(struct fake *f)
{
	struct vu_dma_access in = { 0x10000, 4 }, out = { 0x90000, 4 };
	uint8_t wr[20];
	struct vu_region_access a;
	uint8_t buf[20];
	uint16_t rid;

	fk_version(f, FK_CAPS);
	if (fk_expect(f, VU_CMD_DMA_MAP) < 0)
		return;
	fk_reply(f, NULL, 0);
	if (fk_expect(f, VU_CMD_REGION_READ) < 0)
		return;
	rid = f->h.id;
	memcpy(&a, f->p, sizeof(a));
	memcpy(wr, &in, 16);
	memcpy(wr + 16, "WXYZ", 4);
	fk_send_on(f->fd, 7, VU_CMD_DMA_READ, VU_FLAGS_TYPE_COMMAND, 0, &in, 16, NULL, 0);
	fk_send_on(f->fd, 8, VU_CMD_DMA_READ, VU_FLAGS_TYPE_COMMAND, 0, &out, 16, NULL, 0);
	fk_send_on(f->fd, 9, VU_CMD_DMA_WRITE, VU_FLAGS_TYPE_COMMAND | VU_FLAGS_NO_REPLY, 0, wr, 20, NULL, 0);
	fk_send_on(f->fd, 10, VU_CMD_DMA_READ, VU_FLAGS_TYPE_COMMAND, 0, &in, 16, NULL, 0);
	/* Replies to 7, 8 and 10 come, and with answers-no-reply one to 9. */
	for (unsigned i = 0; i < (f->arg ? 4u : 3u); i++) {
		if (fk_recv_on(f, f->fd) < 0) {
			fk_failf(f, "a reply to a DMA request is missing");
			return;
		}
		if ((f->h.flags & VU_FLAGS_TYPE_MASK) != VU_FLAGS_TYPE_REPLY)
			fk_failf(f, "expected a reply");
		seen_reply(f);
	}
	memcpy(buf, &a, 16);
	memcpy(buf + 16, "regn", 4);
	fk_send_on(f->fd, rid, VU_CMD_REGION_READ, VU_FLAGS_TYPE_REPLY, 0, buf, 20, NULL, 0);
	/* Nothing more: a stray reply would be seen here as a request. */
	if (fk_recv_on(f, f->fd) == 0)
		fk_failf(f, "an extra message after the REGION_READ reply");
}

struct dma_case {
	const char *fault;		/* NULL: none */
	uint16_t ids[4];		/* reply ids in the order sent (§1.4: the request's) */
	unsigned nids;
};

static const struct dma_case dma_cases[] = {
	{ NULL, { 7, 8, 10 }, 3 },
	/* every reply, success and error alike, carries msg_id + 1 */
	{ "client-dma-reply-id", { 8, 9, 11 }, 3 },
	/* §1.6 broken: the NO_REPLY DMA_WRITE 9 is answered too */
	{ "client-answers-no-reply", { 7, 8, 9, 10 }, 4 },
};

static void test_dma_faults(void **state)
{
	for (size_t i = 0; i < TU_ARRAY_SIZE(dma_cases); i++) {
		const struct dma_case *dc = &dma_cases[i];
		uint64_t mask = dc->fault ? fault_mask(dc->fault) : 0;
		bool answers = dc->fault && !strcmp(dc->fault, "client-answers-no-reply");
		int fds0 = tu_fd_count();
		struct vfsim_vu_client *c = NULL;
		uint8_t *mem, out[4];
		struct fake f;

		print_message("dma: %s\n", dc->fault ? dc->fault : "no fault");
		attach(&f, sc_dma, answers ? "4" : NULL, mask, 2000, &c);
		assert_int_equal(vfsim_vu_client_dma_map(c, 0x10000, 0x1000, 3, false, (void **)&mem), 0);
		memcpy(mem, "abcd", 4);
		assert_int_equal(vfsim_vu_client_region_read(c, 0, 0, out, 4), 4);
		assert_memory_equal(out, "regn", 4);
		assert_memory_equal(mem, "WXYZ", 4);	/* the NO_REPLY write was applied */
		fk_finish(&f, c);
		assert_int_equal(seen.nids, dc->nids);
		assert_memory_equal(seen.ids, dc->ids, dc->nids * sizeof(dc->ids[0]));
		assert_int_equal(tu_fd_count(), fds0);
	}
}

/* ---- client-id-unchecked, client-error-accepted ------------------------------------------ */

enum rep_kind { REP_WRONG_ID, REP_WRONG_ID_SHORT, REP_ERROR_ZERO, REP_ERROR_ENODEV };

static void sc_reply(struct fake *f)
{
	const enum rep_kind *k = f->arg;
	struct vu_device_info di = { 16, VFIO_DEVICE_FLAGS_PCI, 9, 5 };

	fk_version(f, FK_CAPS);
	if (fk_expect(f, VU_CMD_DEVICE_GET_INFO) < 0)
		return;
	switch (*k) {
	case REP_WRONG_ID:
		fk_send_on(f->fd, f->h.id + 5, f->h.cmd, VU_FLAGS_TYPE_REPLY, 0, &di, 16, NULL, 0);
		break;
	case REP_WRONG_ID_SHORT:
		fk_send_on(f->fd, f->h.id + 5, f->h.cmd, VU_FLAGS_TYPE_REPLY, 0, &di, 8, NULL, 0);
		break;
	case REP_ERROR_ZERO:
		fk_reply_err(f, 0);
		break;
	case REP_ERROR_ENODEV:
		fk_reply_err(f, ENODEV);
		break;
	}
	/* A client that takes the reply may go on: answer one GET_INFO. */
	if (fk_recv_on(f, f->fd) == 0)
		fk_reply(f, &di, 16);
}

struct reply_case {
	const char *name;
	const char *fault;
	enum rep_kind kind;
	int err;			/* the GET_INFO result */
	int rule;
	uint32_t num_regions;		/* on success */
	bool broken;
};

static const struct reply_case reply_cases[] = {
	/* §1.4: a reply whose ID matches no pending request ends the connection */
	{ "wrong id", NULL, REP_WRONG_ID, -EPROTO, RULE_VU_CLI_REPLY_UNEXPECTED, 0, true },
	{ "wrong id, id-unchecked", "client-id-unchecked", REP_WRONG_ID, 0, RULE_NONE, 9, false },
	/* the fault skips the ID only: the reply is still checked for size */
	{ "wrong id short, id-unchecked", "client-id-unchecked", REP_WRONG_ID_SHORT, -EPROTO,
	  RULE_VU_RPL_DEVICE_INFO_SIZE, 0, false },
	/* libvfio-user: ERROR with error 0 is EINVAL, never success */
	{ "error 0", NULL, REP_ERROR_ZERO, -EINVAL, RULE_NONE, 0, false },
	{ "error 0, error-accepted", "client-error-accepted", REP_ERROR_ZERO, 0, RULE_NONE, 0, false },
	/* a real errno is still an error with the fault */
	{ "error ENODEV, error-accepted", "client-error-accepted", REP_ERROR_ENODEV, -ENODEV, RULE_NONE, 0, false },
};

static void test_reply_faults(void **state)
{
	for (size_t i = 0; i < TU_ARRAY_SIZE(reply_cases); i++) {
		const struct reply_case *rc = &reply_cases[i];
		int fds0 = tu_fd_count();
		struct vfsim_vu_client *c = NULL;
		uint32_t flags = 0xdead, nregions = 0xdead, nirqs = 0xdead;
		struct fake f;
		int r;

		print_message("reply: %s\n", rc->name);
		attach(&f, sc_reply, &rc->kind, rc->fault ? fault_mask(rc->fault) : 0, 2000, &c);
		r = vfsim_vu_client_get_info(c, &flags, &nregions, &nirqs);
		tu_expect_rule(r, rc->err, rc->rule);
		if (r == 0) {
			/* error-accepted: the missing payload reads as zeroes, not past the end */
			assert_int_equal(nregions, rc->num_regions);
			assert_int_equal(vfsim_vu_client_get_info(c, NULL, &nregions, NULL), 0);
			assert_int_equal(nregions, 9);
		}
		if (rc->broken)
			tu_expect_rule(vfsim_vu_client_reset(c), -ENOTCONN, RULE_VU_CLI_BROKEN);
		else
			assert_int_equal(c->broken, 0);
		fk_finish(&f, c);
		assert_int_equal(tu_fd_count(), fds0);
	}
}

/* An ERROR reply with error 0 to a REGION_READ, taken as success: the
 * reader finds a zeroed fixed part (offset 0, count 0), nothing beyond. */
static void sc_read_error_zero(struct fake *f)
{
	fk_version(f, FK_CAPS);
	if (fk_expect(f, VU_CMD_REGION_READ) < 0)
		return;
	fk_reply_err(f, 0);
}

static void test_error_accepted_read(void **state)
{
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	uint8_t buf[8] = { 0 };
	struct fake f;

	attach(&f, sc_read_error_zero, NULL, 0, 2000, &c);
	tu_expect_rule(vfsim_vu_client_region_read(c, 0, 0, buf, 8), -EINVAL, RULE_NONE);
	fk_finish(&f, c);
	attach(&f, sc_read_error_zero, NULL, fault_mask("client-error-accepted"), 2000, &c);
	assert_int_equal(vfsim_vu_client_region_read(c, 0, 0, buf, 8), 0);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
}

/* ---- client-major-accepted ------------------------------------------------------------------ */

static void sc_major_1(struct fake *f)
{
	static const char json[] = FK_CAPS;

	fk_version_reply(f, 1, 0, json, sizeof(json), NULL, 0);
}

static void test_major(void **state)
{
	struct vfsim_vu_client_config cfg = { .timeout_ms = 2000 };
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	struct fake f;

	/* §2.2: the reply's major must equal the proposal's (0) */
	tu_expect_rule(fk_attach(&f, sc_major_1, NULL, &cfg, &c), -EPROTO, RULE_VU_RPL_VERSION_MAJOR);
	assert_null(c);
	fk_join(&f);
	fk_end(&f);
	cfg.faults = fault_mask("client-major-accepted");
	assert_int_equal(fk_attach(&f, sc_major_1, NULL, &cfg, &c), 0);
	assert_int_equal(vfsim_vu_client_server_info(c)->major, 1);
	assert_int_equal(vfsim_vu_client_server_info(c)->max_data_xfer_size, 64);
	fk_finish(&f, c);
	assert_int_equal(tu_fd_count(), fds0);
}

/* ---- client-fds-over-max --------------------------------------------------------------------- */

/* FK_CAPS: the server takes max_msg_fds 2. Record each SET_IRQS. */
static void sc_set_irqs(struct fake *f)
{
	uint32_t total = 0;

	fk_version(f, FK_CAPS);
	while (total < 5) {
		struct vu_irq_set s;

		if (fk_expect(f, VU_CMD_DEVICE_SET_IRQS) < 0 || f->len < sizeof(s))
			return;
		memcpy(&s, f->p, sizeof(s));
		seen_request(f, s.count);
		total += s.count ? s.count : 5;
		fk_reply(f, NULL, 0);
	}
}

static void test_fds_over_max(void **state)
{
	static const struct {
		const char *fault;
		unsigned n;
		uint32_t counts[3];
	} cases[] = {
		/* §1.1: at most max_msg_fds (2) per message */
		{ NULL, 3, { 2, 2, 1 } },
		{ "client-fds-over-max", 1, { 5 } },
	};

	for (size_t i = 0; i < TU_ARRAY_SIZE(cases); i++) {
		int fds0 = tu_fd_count();
		struct vfsim_vu_client *c = NULL;
		int efds[5];
		struct fake f;

		for (unsigned j = 0; j < 5; j++)
			efds[j] = eventfd(0, EFD_CLOEXEC);
		attach(&f, sc_set_irqs, NULL, cases[i].fault ? fault_mask(cases[i].fault) : 0, 2000, &c);
		assert_int_equal(vfsim_vu_client_set_irqs(c, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
							  VFIO_PCI_MSIX_IRQ_INDEX, 0, 5, efds), 0);
		fk_finish(&f, c);
		for (unsigned j = 0; j < 5; j++)
			close(efds[j]);
		assert_int_equal(seen.nreq, cases[i].n);
		for (unsigned j = 0; j < cases[i].n; j++) {
			assert_int_equal(seen.counts[j], cases[i].counts[j]);
			assert_int_equal(seen.nfds[j], cases[i].counts[j]);
		}
		assert_int_equal(tu_fd_count(), fds0);
	}
}

/* ---- client-xfer-over-max, client-no-reply-read ------------------------------------------------ */

/* Answer REGION_READ / REGION_WRITE requests until @total bytes are done,
 * each with what was asked (FK_CAPS: max_data_xfer_size 64 is ignored
 * here, so the fault's oversized request still gets its data). */
static void sc_region(struct fake *f)
{
	const uint32_t *total = f->arg;
	uint32_t done = 0;
	uint8_t *buf = malloc(16 + 4096);

	fk_version(f, FK_CAPS);
	while (buf && done < *total) {
		struct vu_region_access a;

		if (fk_recv_on(f, f->fd) < 0 || f->len < sizeof(a) ||
		    (f->h.cmd != VU_CMD_REGION_READ && f->h.cmd != VU_CMD_REGION_WRITE))
			break;
		memcpy(&a, f->p, sizeof(a));
		seen_request(f, a.count);
		if (a.count > 4096)
			break;
		done += a.count;
		if (f->h.flags & VU_FLAGS_NO_REPLY)
			continue;	/* §1.6: no reply owed; the client waits in vain */
		memcpy(buf, &a, sizeof(a));
		memset(buf + 16, 0x5a, a.count);
		fk_reply(f, buf, 16 + (f->h.cmd == VU_CMD_REGION_READ ? a.count : 0));
	}
	free(buf);
}

static void test_xfer_over_max(void **state)
{
	static const uint32_t total = 200;
	static const struct {
		const char *fault;
		unsigned n;
		uint32_t counts[4];
	} cases[] = {
		/* §1.8: split by the server's max_data_xfer_size (64) */
		{ NULL, 4, { 64, 64, 64, 8 } },
		{ "client-xfer-over-max", 1, { 200 } },
	};

	for (size_t i = 0; i < TU_ARRAY_SIZE(cases); i++) {
		for (int write = 0; write < 2; write++) {
			int fds0 = tu_fd_count();
			struct vfsim_vu_client *c = NULL;
			uint8_t buf[200];
			struct fake f;
			int r;

			memset(buf, 0, sizeof(buf));
			attach(&f, sc_region, &total, cases[i].fault ? fault_mask(cases[i].fault) : 0, 2000, &c);
			r = write ? vfsim_vu_client_region_write(c, 1, 0x100, buf, sizeof(buf))
				  : vfsim_vu_client_region_read(c, 1, 0x100, buf, sizeof(buf));
			assert_int_equal(r, 200);
			if (!write)
				assert_int_equal(buf[199], 0x5a);
			fk_finish(&f, c);
			assert_int_equal(seen.nreq, cases[i].n);
			for (unsigned j = 0; j < cases[i].n; j++)
				assert_int_equal(seen.counts[j], cases[i].counts[j]);
			assert_int_equal(tu_fd_count(), fds0);
		}
	}
}

static void test_no_reply_read(void **state)
{
	static const uint32_t total = 8;
	int fds0 = tu_fd_count();
	struct vfsim_vu_client *c = NULL;
	uint8_t buf[8];
	struct fake f;

	/* §1.6: REGION_READ's reply carries the data: never NO_REPLY */
	attach(&f, sc_region, &total, 0, 2000, &c);
	assert_int_equal(vfsim_vu_client_region_read(c, 1, 0, buf, 8), 8);
	fk_finish(&f, c);
	assert_int_equal(seen.nreq, 1);
	assert_int_equal(seen.flags[0], VU_FLAGS_TYPE_COMMAND);

	/* With the fault the request says NO_REPLY; the server obeys and the
	 * client waits out its timeout. */
	attach(&f, sc_region, &total, fault_mask("client-no-reply-read"), 100, &c);
	tu_expect_rule(vfsim_vu_client_region_read(c, 1, 0, buf, 8), -ETIMEDOUT, RULE_VU_CLI_TIMEOUT);
	fk_finish(&f, c);
	assert_int_equal(seen.nreq, 1);
	assert_int_equal(seen.flags[0], VU_FLAGS_TYPE_COMMAND | VU_FLAGS_NO_REPLY);
	assert_int_equal(tu_fd_count(), fds0);
}

/* Every client fault is covered above; a new one in faults.def must be
 * added here (the list is transcribed, not computed). */
static void test_all_client_faults_covered(void **state)
{
	static const char *const covered[] = {
		"client-dma-reply-id", "client-answers-no-reply", "client-id-unchecked", "client-major-accepted",
		"client-fds-over-max", "client-xfer-over-max", "client-no-reply-read", "client-error-accepted",
		/* the CLI workload's, not the library's: vfsim selftest sees VU-CLM-052 fail on it */
		"client-map-whole",
	};
	const struct vfsim_fault_info *fi;
	size_t n, nclient = 0;

	fi = vfsim_faults(&n);
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		if (!(fi[i].where & VFSIM_FAULT_AT_CLIENT))
			continue;
		nclient++;
		for (size_t j = 0; j < TU_ARRAY_SIZE(covered); j++)
			found |= !strcmp(fi[i].name, covered[j]);
		if (!found)
			fail_msg("client fault %s has no test", fi[i].name);
	}
	assert_int_equal(nclient, TU_ARRAY_SIZE(covered));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dma_faults),
		cmocka_unit_test(test_reply_faults),
		cmocka_unit_test(test_error_accepted_read),
		cmocka_unit_test(test_major),
		cmocka_unit_test(test_fds_over_max),
		cmocka_unit_test(test_xfer_over_max),
		cmocka_unit_test(test_no_reply_read),
		cmocka_unit_test(test_all_client_faults_covered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
