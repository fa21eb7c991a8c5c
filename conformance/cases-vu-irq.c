/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user server cases: GET_IRQ_INFO and SET_IRQS. Expectations transcribed from the
 * vfio-user spec digest (sections 3 and 6.A); preconditions discovered over the
 * protocol, a missing one reports NOT-SUPPORTED.
 */
#define _GNU_SOURCE	/* memfd_create, pipe2 */
#include "cases-vu-common.h"

/* ---- GET_IRQ_INFO / SET_IRQS -------------------------------------------------------------- */

static int iq_info(struct conf_ctx *ctx, uint32_t index, struct vd_irq_info *out)
{
	struct vd_irq_info ii = { .argsz = sizeof(ii), .index = index };
	struct conf_vu_msg m;
	int r = conf_vu_call(ctx, CONF_VU_GET_IRQ_INFO, &ii, sizeof(ii), &m);

	if (r == 0 && m.len >= sizeof(*out))
		memcpy(out, m.payload, sizeof(*out));
	else if (r == 0)
		r = -EPROTO;
	conf_vu_msg_free(&m);
	return r;
}

/* An index that signals through eventfds and has vectors: MSI-X, MSI, then
 * INTx. -1 when there is none. */
static int iq_pick(struct conf_ctx *ctx, uint32_t *count)
{
	static const uint32_t order[] = { 2, 1, 0 };
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct vd_irq_info ii;

		if (iq_info(ctx, order[i], &ii) == 0 && ii.count && (ii.flags & IRQI_EVENTFD)) {
			*count = ii.count;
			return (int)order[i];
		}
	}
	return -1;
}

#define PICK_IRQ(ctx, idx, count)                                                                   \
	do {                                                                                         \
		idx = iq_pick(ctx, &count);                                                          \
		if (idx < 0)                                                                         \
			return conf_not_supported(ctx, "no INTx/MSI/MSI-X index with EVENTFD and vectors"); \
	} while (0)

static int iq_set(struct conf_ctx *ctx, uint32_t flags, uint32_t index, uint32_t start, uint32_t count,
		  const int *fds, unsigned nfds)
{
	struct vd_irq_set s = { .argsz = sizeof(s), .flags = flags, .index = index, .start = start, .count = count };
	struct conf_vu_msg m;
	int r = vd_call_fds(ctx, CONF_VU_SET_IRQS, &s, sizeof(s), fds, nfds, &m);

	if (r == 0 && m.len)
		conf_fail(ctx, "SET_IRQS reply carries a %u-byte payload (spec: header only)", m.len);
	conf_vu_msg_free(&m);
	return r;
}

static int iq_each(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_info gi;
	struct vd_caps caps;
	uint32_t i;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	for (i = 0; i < gi.num_irqs && i < 50; i++) {
		struct vd_irq_info ii = { .argsz = sizeof(ii), .index = i }, rep;
		struct conf_vu_msg m;
		int r = conf_vu_call(ctx, CONF_VU_GET_IRQ_INFO, &ii, sizeof(ii), &m);

		/* IQ-01 (MUST): every index below num_irqs gets an answer, count
		 * >= 0; unlike kernel VFIO, there is no refusal of ERR on a
		 * function without PCIe. */
		if (conf_expect_errno(ctx, "GET_IRQ_INFO", r, 0, true) == CONF_PASS &&
		    conf_check(ctx, m.len == 16, "GET_IRQ_INFO %u reply %u bytes, want 16", i, m.len)) {
			memcpy(&rep, m.payload, sizeof(rep));
			conf_note(ctx, "irq %u: flags 0x%x count %u", i, rep.flags, rep.count);
			conf_check(ctx, rep.index == i, "GET_IRQ_INFO %u reply index %u", i, rep.index);
			conf_check(ctx, rep.argsz == 16, "GET_IRQ_INFO %u reply argsz %u, want 16", i, rep.argsz);
			conf_check(ctx, !(rep.flags & ~0xfu), "GET_IRQ_INFO %u flags 0x%x beyond 0xF", i, rep.flags);
			if ((i == IRQ_ERR || i == IRQ_REQ) && rep.count > 1)
				conf_non_strict(ctx, "index %u (ERR/REQ) reports %u vectors, want at most 1", i, rep.count);
		}
		conf_vu_msg_free(&m);
	}
	return conf_pass(ctx);
}

/* arg: 0 index = num_irqs, 1 argsz 8. */
static int iq_info_bad(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_irq_info ii = { .argsz = sizeof(ii) };
	struct vd_info gi;
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	if (c->arg)
		ii.argsz = 8;
	else
		ii.index = gi.num_irqs;
	expect_err(ctx, "GET_IRQ_INFO", vd_call(ctx, CONF_VU_GET_IRQ_INFO, &ii, sizeof(ii)), -EINVAL, false);
	still_usable(ctx, "a refused GET_IRQ_INFO");
	return conf_pass(ctx);
}

static void close_all(int *fds, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* arg: 0 = set eventfds only; 1 = then DATA_NONE|TRIGGER count 1 fires the
 * first; 2 = disable the index first, then the trigger signals nothing. */
static int iq_eventfd(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned what = (unsigned)(uintptr_t)c->arg, n, i;
	int fds[8], idx, r;
	struct vd_caps caps;
	uint32_t count;
	uint64_t v = 0;

	NEGOTIATE(ctx, &caps);
	PICK_IRQ(ctx, idx, count);
	n = count < caps.max_fds ? count : caps.max_fds;
	if (n > 8)
		n = 8;
	if (!n)
		return conf_not_supported(ctx, "the server accepts no fds per message");
	for (i = 0; i < n; i++) {
		fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fds[i] < 0) {
			close_all(fds, i);
			return conf_harness_error(ctx, "eventfd failed");
		}
	}
	conf_note(ctx, "index %d: %u vectors, binding %u eventfds", idx, count, n);
	r = iq_set(ctx, IRQ_DATA_EVENTFD | IRQ_ACT_TRIGGER, (uint32_t)idx, 0, n, fds, n);
	if (conf_expect_errno(ctx, "SET_IRQS EVENTFD|TRIGGER", r, 0, true) != CONF_PASS || what == 0)
		goto out;
	if (what == 2)
		conf_expect_errno(ctx, "SET_IRQS NONE|TRIGGER start 0 count 0 (disable)",
				  iq_set(ctx, IRQ_DATA_NONE | IRQ_ACT_TRIGGER, (uint32_t)idx, 0, 0, NULL, 0), 0, true);
	r = iq_set(ctx, IRQ_DATA_NONE | IRQ_ACT_TRIGGER, (uint32_t)idx, 0, 1, NULL, 0);
	if (what == 1) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };

		if (conf_expect_errno(ctx, "SET_IRQS NONE|TRIGGER count 1", r, 0, false) != CONF_PASS)
			goto out;
		if (poll(&pfd, 1, 500) > 0 && read(fds[0], &v, 8) == 8)
			conf_check(ctx, v >= 1, "eventfd 0 read %llu", (unsigned long long)v);
		else
			conf_non_strict(ctx, "the client-initiated trigger did not signal eventfd 0");
		for (i = 1; i < n; i++)
			conf_check(ctx, read(fds[i], &v, 8) < 0, "eventfd %u signalled by a trigger of vector 0", i);
	} else {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };

		/* Disabled: a trigger is refused or signals nothing. */
		if (r == 0)
			conf_check(ctx, poll(&pfd, 1, 200) == 0, "eventfd 0 signalled after the index was disabled");
	}
out:
	close_all(fds, n);
	return conf_pass(ctx);
}

struct iq_bad_row {
	uint32_t flags;
	int index;		/* -1: num_irqs; -2: the picked index */
	uint32_t start, count;	/* count ~0 - 1: the picked index's count + 1 */
	unsigned nfds;		/* eventfds attached (checked closed afterwards) */
	uint32_t argsz;		/* 0: 20 */
};

static int iq_bad(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct iq_bad_row *row = c->arg;
	struct vd_irq_set s = { .argsz = row->argsz ? row->argsz : 20, .flags = row->flags, .start = row->start,
				.count = row->count };
	int rfd[2] = { -1, -1 }, wfd[2] = { -1, -1 }, idx = 0, r;
	struct conf_vu_msg m;
	struct vd_info gi;
	struct vd_caps caps;
	uint32_t count = 0;
	unsigned i, open_after = 0;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	if (row->index == -2 || row->count == ~0u - 1)
		PICK_IRQ(ctx, idx, count);
	s.index = row->index == -1 ? gi.num_irqs : row->index == -2 ? (uint32_t)idx : (uint32_t)row->index;
	if (row->count == ~0u - 1)
		s.count = count + 1;
	if (row->nfds > caps.max_fds)
		return conf_not_supported(ctx, "the server accepts fewer fds per message than the case sends");
	if (conf_vu_pipes(row->nfds < 2 ? row->nfds : 2, rfd, wfd) < 0)
		return conf_harness_error(ctx, "pipe failed");
	r = vd_call_fds(ctx, CONF_VU_SET_IRQS, &s, sizeof(s), wfd, row->nfds, &m);
	conf_vu_msg_free(&m);
	close_all(wfd, 2);
	expect_err(ctx, "SET_IRQS", r, -EINVAL, false);
	for (i = 0; i < row->nfds; i++)
		if (!pipe_eof(rfd[i], 500))
			open_after++;
	close_all(rfd, 2);
	conf_check(ctx, open_after == 0, "%u of %u fds of the refused SET_IRQS still open in the server", open_after,
		   row->nfds);
	still_usable(ctx, "a refused SET_IRQS");
	return conf_pass(ctx);
}

#define NT (IRQ_DATA_NONE | IRQ_ACT_TRIGGER)
static const struct iq_bad_row iq_bad_index = { NT, -1, 0, 1, 0, 0 };
static const struct iq_bad_row iq_overflow = { NT, -2, 1, 0xffffffffu, 0, 0 };
static const struct iq_bad_row iq_past_count = { NT, -2, 0, ~0u - 1, 0, 0 };
static const struct iq_bad_row iq_two_data = { IRQ_DATA_NONE | IRQ_DATA_BOOL | IRQ_ACT_TRIGGER, -2, 0, 1, 0, 0 };
static const struct iq_bad_row iq_no_action = { IRQ_DATA_NONE, -2, 0, 1, 0, 0 };
static const struct iq_bad_row iq_two_action = { IRQ_DATA_NONE | IRQ_ACT_MASK | IRQ_ACT_TRIGGER, -2, 0, 1, 0, 0 };
static const struct iq_bad_row iq_fds_no_eventfd = { NT, -2, 0, 1, 1, 0 };
static const struct iq_bad_row iq_fds_mismatch = { IRQ_DATA_EVENTFD | IRQ_ACT_TRIGGER, -2, 0, 1, 2, 0 };
static const struct iq_bad_row iq_short_argsz = { NT, -2, 0, 1, 0, 16 };
static const struct iq_bad_row iq_err_count2 = { NT, IRQ_ERR, 0, 2, 0, 0 };
#undef NT

/* ---- the table ---------------------------------------------------------------------------- */

#define S CONF_ROLE_SERVER
#define UP(v) ((const void *)(uintptr_t)(v))

static const struct conf_case cases[] = {
	{ "VU-SRV-IQ-001", "VU-IQ-01", S, NULL, iq_each, NULL,
	  "GET_IRQ_INFO of every index: 16 bytes, argsz 16, index echoed, flags within 0xF" },
	{ "VU-SRV-IQ-002", "VU-IQ-01", S, NULL, iq_info_bad, UP(0), "GET_IRQ_INFO index num_irqs gets [EINVAL]" },
	{ "VU-SRV-IQ-003", "VU-II-01", S, NULL, iq_info_bad, UP(1), "GET_IRQ_INFO with argsz 8 gets [EINVAL]" },
	{ "VU-SRV-IQ-004", "VU-IQ-02", S, NULL, iq_eventfd, UP(0),
	  "SET_IRQS EVENTFD|TRIGGER with one eventfd per vector succeeds header-only" },
	{ "VU-SRV-IQ-005", "VU-IQ-09", S, NULL, iq_eventfd, UP(1),
	  "SET_IRQS NONE|TRIGGER count 1 signals eventfd 0 and no other" },
	{ "VU-SRV-IQ-006", "VU-IQ-03", S, NULL, iq_eventfd, UP(2),
	  "after NONE|TRIGGER count 0 a trigger signals nothing" },
	{ "VU-SRV-IQ-007", "VU-IQ-05", S, NULL, iq_bad, &iq_bad_index, "SET_IRQS index num_irqs gets [EINVAL]" },
	{ "VU-SRV-IQ-008", "VU-IQ-05", S, NULL, iq_bad, &iq_overflow,
	  "SET_IRQS start 1 count 0xFFFFFFFF gets [EINVAL]" },
	{ "VU-SRV-IQ-009", "VU-IQ-05", S, NULL, iq_bad, &iq_past_count,
	  "SET_IRQS count = vectors + 1 gets [EINVAL]" },
	{ "VU-SRV-IQ-010", "VU-IQ-06", S, NULL, iq_bad, &iq_two_data, "SET_IRQS with two DATA bits gets [EINVAL]" },
	{ "VU-SRV-IQ-011", "VU-IQ-06", S, NULL, iq_bad, &iq_no_action, "SET_IRQS with no ACTION bit gets [EINVAL]" },
	{ "VU-SRV-IQ-012", "VU-IQ-06", S, NULL, iq_bad, &iq_two_action,
	  "SET_IRQS with two ACTION bits gets [EINVAL]" },
	{ "VU-SRV-IQ-013", "VU-IQ-07", S, NULL, iq_bad, &iq_fds_no_eventfd,
	  "an fd on SET_IRQS NONE|TRIGGER gets [EINVAL] and is closed" },
	{ "VU-SRV-IQ-014", "VU-IQ-07", S, NULL, iq_bad, &iq_fds_mismatch,
	  "2 fds on SET_IRQS EVENTFD count 1 get [EINVAL] and are closed" },
	{ "VU-SRV-IQ-015", "VU-IS-07", S, NULL, iq_bad, &iq_short_argsz, "SET_IRQS with argsz 16 gets [EINVAL]" },
	{ "VU-SRV-IQ-016", "VU-IQ-08", S, NULL, iq_bad, &iq_err_count2, "SET_IRQS on ERR with count 2 gets [EINVAL]" },
};

#undef S
#undef UP

const struct conf_table conf_vu_irq_table = { cases, sizeof(cases) / sizeof(cases[0]) };
