/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IRQ cases of cases-vu-extra.c (helpers in cases-vu-extra.h), included once:
 * de-assigning, GET_IRQ_INFO layout, SET_IRQS replies and wiring, masking.
 */
#ifndef VFSIM_CASES_VU_EXTRA_IRQ_H
#define VFSIM_CASES_VU_EXTRA_IRQ_H

/* ---- IRQ cases -------------------------------------------------------------------------------- */

#define NEED_FDS(ctx, caps)                                                                           \
	do {                                                                                          \
		if ((caps)->max_fds < 1)                                                              \
			return conf_not_supported(ctx, "the server accepts no fds: no eventfd can be bound"); \
	} while (0)

/* IS-01: every accepted SET_IRQS gets a header-only reply. */
static int xi_header_only(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint8_t zero[1] = { 0 };
	struct vd_caps caps;
	uint32_t flags, count, rlen = 0, i;
	unsigned rfds = 0;
	int fd, idx, r;
	const struct {
		const char *what;
		uint32_t flags, start, count;
		const uint8_t *data;
		uint32_t dlen;
		bool fd;
	} step[] = {
		{ "EVENTFD|TRIGGER count 1", IRQ_DATA_EVENTFD | IRQ_ACT_TRIGGER, 0, 1, NULL, 0, true },
		{ "NONE|TRIGGER count 1", IRQ_DATA_NONE | IRQ_ACT_TRIGGER, 0, 1, NULL, 0, false },
		{ "BOOL|TRIGGER count 1 {0}", IRQ_DATA_BOOL | IRQ_ACT_TRIGGER, 0, 1, zero, 1, false },
		{ "EVENTFD|TRIGGER count 1 with 0 fds (de-assign)", IRQ_DATA_EVENTFD | IRQ_ACT_TRIGGER, 0, 1, NULL, 0, false },
		{ "NONE|TRIGGER start 0 count 0 (disable)", IRQ_DATA_NONE | IRQ_ACT_TRIGGER, 0, 0, NULL, 0, false },
	};

	NEGOTIATE(ctx, &caps);
	NEED_FDS(ctx, &caps);
	idx = xi_pick(ctx, 1, &count, &flags);
	if (idx < 0)
		return conf_not_supported(ctx, "no INTx/MSI/MSI-X index with EVENTFD and vectors");
	if (xi_efds(&fd, 1) < 0)
		return conf_harness_error(ctx, "eventfd failed");
	for (i = 0; i < sizeof(step) / sizeof(step[0]); i++) {
		r = xi_set(ctx, step[i].flags, (uint32_t)idx, step[i].start, step[i].count, step[i].data, step[i].dlen,
			   &fd, step[i].fd ? 1 : 0, &rlen, &rfds);
		if (is_transport_err(r)) {
			conf_fail(ctx, "SET_IRQS %s: no reply (%s)", step[i].what, conf_errno_name(r));
			break;
		}
		conf_note(ctx, "SET_IRQS %s on index %d: %s, reply %u bytes %u fds", step[i].what, idx,
			  r < 0 ? conf_errno_name(r) : "ok", rlen, rfds);
		conf_check(ctx, rlen == 0 && rfds == 0, "SET_IRQS %s reply carries %u payload bytes and %u fds, want "
			   "a header-only reply", step[i].what, rlen, rfds);
		if (i == 0 && r < 0) {
			conf_fail(ctx, "SET_IRQS EVENTFD|TRIGGER with one eventfd failed: %s", conf_errno_name(r));
			break;
		}
	}
	close(fd);
	return conf_pass(ctx);
}

/* IS-02 (arg 0: from start 0; 1: from start 1), IS-03 (arg 2: DATA_BOOL),
 * IS-09 (arg 3: counter value 1 per trigger). Client-initiated triggers
 * (DATA_NONE or DATA_BOOL with TRIGGER) show which eventfd the server wired to
 * which vector. */
static int xi_wiring(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned what = (unsigned)(uintptr_t)c->arg, n, i;
	uint32_t flags, count, start = what == 1 ? 1 : 0, got;
	int fds[XE_NFDS], idx, r;
	uint64_t vals[XE_NFDS];
	struct vd_caps caps;

	NEGOTIATE(ctx, &caps);
	NEED_FDS(ctx, &caps);
	idx = xi_pick(ctx, what == 0 || what == 3 ? 1 : 2, &count, &flags);
	if (idx < 0)
		return conf_not_supported(ctx, what == 0 || what == 3 ? "no INTx/MSI/MSI-X index with EVENTFD and vectors" :
					  "no MSI/MSI-X index with EVENTFD and 2 vectors");
	n = count - start;
	if (n > caps.max_fds)
		n = caps.max_fds;
	if (n > XE_NFDS)
		n = XE_NFDS;
	if (what == 2 && n < 2)
		return conf_not_supported(ctx, "the server takes fewer than 2 fds per message");
	r = xi_bind(ctx, (uint32_t)idx, start, fds, n);
	if (r != CONF_PASS)
		return r;
	conf_note(ctx, "index %d (%u vectors): eventfds 0..%u bound to vectors %u..%u", idx, count, n - 1, start,
		  start + n - 1);
	if (what == 2) {
		uint8_t data[XE_NFDS];
		uint32_t want = 0;

		for (i = 0; i < n; i++) {
			data[i] = (i % 2) ? 0 : (uint8_t)(i + 1);
			if (data[i])
				want |= 1u << i;
		}
		r = xi_set(ctx, IRQ_DATA_BOOL | IRQ_ACT_TRIGGER, (uint32_t)idx, 0, n, data, n, NULL, 0, NULL, NULL);
		for (got = 0, i = 0; i < n; i++)
			if (xi_read(fds[i], i == 0 ? 100 : 0))
				got |= 1u << i;
		if (r < 0 && !is_transport_err(r))
			conf_not_supported(ctx, "the server refuses DATA_BOOL|TRIGGER (client-initiated trigger)");
		else if (r < 0)
			conf_fail(ctx, "SET_IRQS BOOL|TRIGGER: %s", conf_errno_name(r));
		else if (!got)
			conf_not_supported(ctx, "a client-initiated DATA_BOOL trigger signals no eventfd (IQ-09 is a SHOULD)");
		else
			conf_check(ctx, got == want, "DATA_BOOL|TRIGGER {1,0,1,0...} signalled eventfds 0x%x, want 0x%x (only "
				   "the vectors whose byte is non-zero)", got, want);
		goto out;
	}
	for (i = 0; i < n; i++) {
		got = xi_fire(ctx, (uint32_t)idx, start + i, fds, n, vals, &r, start, 100);
		if (is_transport_err(r)) {
			conf_fail(ctx, "SET_IRQS NONE|TRIGGER: %s", conf_errno_name(r));
			break;
		}
		if (i == 0 && (r < 0 || !got)) {
			conf_not_supported(ctx, "a client-initiated DATA_NONE|TRIGGER signals no eventfd (IQ-09 is a SHOULD): "
					   "nothing shows the wiring");
			break;
		}
		conf_check(ctx, got == 1u << i, "trigger of vector %u signalled eventfds 0x%x, want only eventfd %u (0x%x)",
			   start + i, got, i, 1u << i);
		if (what == 3)
			conf_check(ctx, vals[i] == 1, "vector %u: eventfd %u counter %llu after one trigger, want 1 (one "
				   "8-byte write of 1)", start + i, i, (unsigned long long)vals[i]);
	}
out:
	xi_close(fds, n);
	return conf_pass(ctx);
}

/* IQ-04: EVENTFD with 0 fds de-assigns vector 0's eventfd; vector 1 stays. */
static int xi_deassign(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t flags, count, got;
	int fds[2], idx, r;
	struct vd_caps caps;
	unsigned n;

	NEGOTIATE(ctx, &caps);
	NEED_FDS(ctx, &caps);
	idx = xi_pick(ctx, 1, &count, &flags);
	if (idx < 0)
		return conf_not_supported(ctx, "no INTx/MSI/MSI-X index with EVENTFD and vectors");
	n = count >= 2 && caps.max_fds >= 2 ? 2 : 1;
	r = xi_bind(ctx, (uint32_t)idx, 0, fds, n);
	if (r != CONF_PASS)
		return r;
	got = xi_fire(ctx, (uint32_t)idx, 0, fds, n, NULL, &r, 0, 100);
	if (r < 0 || got != 1u) {
		xi_close(fds, n);
		return conf_not_supported(ctx, "a client-initiated trigger of vector 0 does not signal its eventfd: the "
					  "de-assignment cannot be observed");
	}
	r = xi_set(ctx, IRQ_DATA_EVENTFD | IRQ_ACT_TRIGGER, (uint32_t)idx, 0, 1, NULL, 0, NULL, 0, NULL, NULL);
	if (conf_expect_errno(ctx, "SET_IRQS EVENTFD|TRIGGER start 0 count 1 with 0 fds (de-assign)", r, 0, true) ==
	    CONF_PASS) {
		got = xi_fire(ctx, (uint32_t)idx, 0, fds, n, NULL, &r, 0, 30);
		conf_check(ctx, !(got & 1u), "after the de-assign a trigger of vector 0 still signals its old eventfd");
		if (n == 2) {
			got = xi_fire(ctx, (uint32_t)idx, 1, fds, n, NULL, &r, 0, 100);
			conf_check(ctx, got == 2u, "vector 1 (outside the de-assigned range) signalled 0x%x, want eventfd 1",
				   got);
		}
	}
	xi_close(fds, n);
	return conf_pass(ctx);
}

/* II-03: GET_IRQ_INFO with a larger capacity still gets the 16-byte reply. */
static int xi_info16(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vd_caps caps;
	struct vd_info gi;
	uint32_t i;

	NEGOTIATE(ctx, &caps);
	GET_INFO(ctx, &gi);
	for (i = 0; i < gi.num_irqs && i < 50; i++) {
		struct vd_irq_info ii = { .argsz = 256, .index = i }, rep;
		struct conf_vu_msg m;
		int r = conf_vu_call(ctx, CONF_VU_GET_IRQ_INFO, &ii, sizeof(ii), &m);

		if (conf_expect_errno(ctx, "GET_IRQ_INFO argsz 256", r, 0, true) == CONF_PASS &&
		    conf_check(ctx, m.len == 16, "GET_IRQ_INFO %u reply %u bytes, want 16", i, m.len)) {
			memcpy(&rep, m.payload, sizeof(rep));
			conf_check(ctx, rep.argsz == 16, "GET_IRQ_INFO %u reply argsz %u, want 16", i, rep.argsz);
			conf_check(ctx, rep.index == i, "GET_IRQ_INFO %u reply index %u", i, rep.index);
			conf_check(ctx, !(rep.flags & ~0xfu), "GET_IRQ_INFO %u flags 0x%x beyond EVENTFD|MASKABLE|"
				   "AUTOMASKED|NORESIZE", i, rep.flags);
		}
		conf_vu_msg_free(&m);
	}
	return conf_pass(ctx);
}

/* Engine cases: the device is the profile's engine and its IRQ index takes
 * eventfds. Binds eventfds 0..n-1 to vectors 0..n-1 (n covers the engine's
 * vector) and enables the device. */
static int xe_irq_up(struct conf_ctx *ctx, struct xe *x, int *fds, unsigned *n, uint32_t *iflags)
{
	struct vd_caps caps;
	uint32_t count;
	int r;

	NEGOTIATE(ctx, &caps);
	xe_find(ctx, x);
	if (!x->engine || x->irq < 0)
		return conf_not_supported(ctx, "the device is not the profile's DMA engine (with an \"irq\"): nothing "
					  "raises a device interrupt on demand");
	NEED_FDS(ctx, &caps);
	r = xi_info(ctx, (uint32_t)x->irq, iflags, &count);
	if (r < 0 || count <= x->vec || !(*iflags & IRQI_EVENTFD))
		return conf_fail(ctx, "the engine's IRQ index %d: GET_IRQ_INFO %s, count %u, flags 0x%x: cannot bind "
				 "vector %u", x->irq, r < 0 ? conf_errno_name(r) : "ok", count, *iflags, x->vec);
	*n = count < caps.max_fds ? count : caps.max_fds;
	if (*n > XE_NFDS)
		*n = XE_NFDS;
	if (*n <= x->vec)
		return conf_not_supported(ctx, "the server takes too few fds per message to bind the engine's vector");
	r = xi_bind(ctx, (uint32_t)x->irq, 0, fds, *n);
	if (r != CONF_PASS)
		return r;
	r = xe_up(x);
	if (r != CONF_PASS) {
		xi_close(fds, *n);
		xe_down(x);
	}
	return r;
}

/* Ring the engine; the counters of @fds after it (200 ms for the vector). */
static int xe_raise(struct xe *x, const int *fds, unsigned n, uint64_t *vals, int ms)
{
	uint32_t st;
	unsigned i;
	int r = xe_ring(x, &st, NULL);

	for (i = 0; i < n; i++)
		vals[i] = xi_read(fds[i], i == x->vec ? ms : 0);
	if (r == CONF_PASS && !(st & 1u))
		return conf_fail(x->ctx, "the engine's copy between mapped windows ended with STATUS 0x%x, not DONE", st);
	return r;
}

/* IS-09: a device interrupt is one 8-byte write of 1 to the vector's eventfd. */
static int xe_is09(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint64_t vals[XE_NFDS];
	int fds[XE_NFDS], r;
	uint32_t iflags;
	unsigned n, i, round;
	struct xe x;

	r = xe_irq_up(ctx, &x, fds, &n, &iflags);
	if (r != CONF_PASS)
		return r;
	for (round = 0; round < 2; round++) {
		if (xe_raise(&x, fds, n, vals, 200) != CONF_PASS)
			break;
		conf_check(ctx, vals[x.vec] == 1, "engine interrupt %u: eventfd of vector %u counter %llu, want 1",
			   round, x.vec, (unsigned long long)vals[x.vec]);
		for (i = 0; i < n; i++)
			if (i != x.vec)
				conf_check(ctx, vals[i] == 0, "engine interrupt %u also signalled vector %u's eventfd", round, i);
		/* AUTOMASKED (INTx): the line masked itself; unmask for the next one. */
		if (iflags & IRQI_AUTOMASKED)
			conf_expect_errno(ctx, "SET_IRQS NONE|UNMASK", xi_set(ctx, IRQ_DATA_NONE | IRQ_ACT_UNMASK,
					  (uint32_t)x.irq, x.vec, 1, NULL, 0, NULL, 0, NULL, NULL), 0, true);
	}
	xi_close(fds, n);
	xe_down(&x);
	return conf_pass(ctx);
}

/* IS-04: NONE|MASK over [0, count) holds a device interrupt back; after
 * NONE|UNMASK the next one is signalled. */
static int xe_is04(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint64_t vals[XE_NFDS];
	int fds[XE_NFDS], r;
	uint32_t iflags, cnt = 0;
	unsigned n;
	struct xe x;

	r = xe_irq_up(ctx, &x, fds, &n, &iflags);
	if (r != CONF_PASS)
		return r;
	if (!(iflags & IRQI_MASKABLE)) {
		conf_not_supported(ctx, "the engine's IRQ index is not MASKABLE");
		goto out;
	}
	xi_info(ctx, (uint32_t)x.irq, &iflags, &cnt);
	if (xe_raise(&x, fds, n, vals, 200) != CONF_PASS)
		goto out;
	if (!conf_check(ctx, vals[x.vec] >= 1, "baseline: the engine interrupt did not signal vector %u's eventfd", x.vec))
		goto out;
	if (iflags & IRQI_AUTOMASKED)
		xi_set(ctx, IRQ_DATA_NONE | IRQ_ACT_UNMASK, (uint32_t)x.irq, 0, 1, NULL, 0, NULL, 0, NULL, NULL);
	r = xi_set(ctx, IRQ_DATA_NONE | IRQ_ACT_MASK, (uint32_t)x.irq, 0, cnt, NULL, 0, NULL, 0, NULL, NULL);
	if (conf_expect_errno(ctx, "SET_IRQS NONE|MASK start 0 count all on a MASKABLE index", r, 0, true) != CONF_PASS)
		goto out;
	if (xe_raise(&x, fds, n, vals, 30) != CONF_PASS)
		goto out;
	conf_check(ctx, vals[x.vec] == 0, "vector %u masked by NONE|MASK [0, %u): the engine interrupt still signalled "
		   "its eventfd", x.vec, cnt);
	r = xi_set(ctx, IRQ_DATA_NONE | IRQ_ACT_UNMASK, (uint32_t)x.irq, 0, cnt, NULL, 0, NULL, 0, NULL, NULL);
	if (conf_expect_errno(ctx, "SET_IRQS NONE|UNMASK start 0 count all", r, 0, true) != CONF_PASS)
		goto out;
	/* A held-back interrupt may be delivered at the unmask (pending). */
	if (xi_read(fds[x.vec], 20) && (iflags & IRQI_AUTOMASKED))
		xi_set(ctx, IRQ_DATA_NONE | IRQ_ACT_UNMASK, (uint32_t)x.irq, 0, 1, NULL, 0, NULL, 0, NULL, NULL);
	if (xe_raise(&x, fds, n, vals, 200) == CONF_PASS)
		conf_check(ctx, vals[x.vec] >= 1, "after NONE|UNMASK the engine interrupt did not signal vector %u", x.vec);
out:
	xi_close(fds, n);
	xe_down(&x);
	return conf_pass(ctx);
}

/* IS-05: EVENTFD|MASK / EVENTFD|UNMASK fds of a MASKABLE index are signalled
 * when the vector is masked / unmasked ("to generate an event when the guest
 * masks / unmasks the interrupt"). The guest's mask reaches the server as
 * NONE|MASK / NONE|UNMASK. */
static int xi_is05(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint32_t order[] = { 0, 1, 2 };
	int trig, ev[2] = { -1, -1 }, idx = -1, r;
	uint32_t flags = 0, count = 0;
	struct vd_caps caps;
	size_t i;

	NEGOTIATE(ctx, &caps);
	NEED_FDS(ctx, &caps);
	for (i = 0; i < 3 && idx < 0; i++)
		if (xi_info(ctx, order[i], &flags, &count) == 0 && count && (flags & IRQI_EVENTFD) &&
		    (flags & IRQI_MASKABLE))
			idx = (int)order[i];
	if (idx < 0)
		return conf_not_supported(ctx, "no MASKABLE INTx/MSI/MSI-X index with EVENTFD and vectors");
	r = xi_bind(ctx, (uint32_t)idx, 0, &trig, 1);
	if (r != CONF_PASS)
		return r;
	if (xi_efds(ev, 2) < 0) {
		close(trig);
		return conf_harness_error(ctx, "eventfd failed");
	}
	conf_note(ctx, "index %d flags 0x%x: binding a MASK and an UNMASK eventfd to vector 0", idx, flags);
	/* The notifications are optional (digest 4.2 #4): a server that refuses
	 * both bindings does not offer them; one it accepts must be signalled. */
	r = xi_set(ctx, IRQ_DATA_EVENTFD | IRQ_ACT_MASK, (uint32_t)idx, 0, 1, NULL, 0, &ev[0], 1, NULL, NULL);
	if (r < 0 && r != -ETIMEDOUT && r != -ECONNRESET && r != -EPROTO) {
		int r2 = xi_set(ctx, IRQ_DATA_EVENTFD | IRQ_ACT_UNMASK, (uint32_t)idx, 0, 1, NULL, 0, &ev[1], 1, NULL,
				NULL);

		if (r2 < 0 && r2 != -ETIMEDOUT && r2 != -ECONNRESET && r2 != -EPROTO) {
			close(trig);
			xi_close(ev, 2);
			return conf_not_supported(ctx, "the server refuses EVENTFD|MASK and EVENTFD|UNMASK: it does not "
						  "offer the optional mask notifications (digest 4.2)");
		}
		conf_fail(ctx, "EVENTFD|MASK refused (%s) but EVENTFD|UNMASK accepted", conf_errno_name(r));
	}
	if (r == 0) {
		r = xi_set(ctx, IRQ_DATA_NONE | IRQ_ACT_MASK, (uint32_t)idx, 0, 1, NULL, 0, NULL, 0, NULL, NULL);
		if (conf_expect_errno(ctx, "SET_IRQS NONE|MASK", r, 0, true) == CONF_PASS)
			conf_check(ctx, xi_read(ev[0], 40) >= 1, "vector 0 was masked: its MASK eventfd was not signalled");
	}
	r = xi_set(ctx, IRQ_DATA_EVENTFD | IRQ_ACT_UNMASK, (uint32_t)idx, 0, 1, NULL, 0, &ev[1], 1, NULL, NULL);
	if (conf_expect_errno(ctx, "SET_IRQS EVENTFD|UNMASK on a MASKABLE index", r, 0, true) == CONF_PASS) {
		xi_set(ctx, IRQ_DATA_NONE | IRQ_ACT_MASK, (uint32_t)idx, 0, 1, NULL, 0, NULL, 0, NULL, NULL);
		r = xi_set(ctx, IRQ_DATA_NONE | IRQ_ACT_UNMASK, (uint32_t)idx, 0, 1, NULL, 0, NULL, 0, NULL, NULL);
		if (conf_expect_errno(ctx, "SET_IRQS NONE|UNMASK", r, 0, true) == CONF_PASS)
			conf_check(ctx, xi_read(ev[1], 40) >= 1,
				   "vector 0 was unmasked: its UNMASK eventfd was not signalled");
	}
	close(trig);
	xi_close(ev, 2);
	return conf_pass(ctx);
}

/* SK-06 (arg 0): with no fds from us, regions work through REGION_READ and
 * device DMA through DMA_READ/DMA_WRITE. OR-01 (arg 1): a command of ours
 * sent between the server's DMA_READ and our reply to it is told apart by
 * TYPE and answered. */
static void xe_interleave(struct xe *x, const struct conf_vu_msg *m)
{
	struct vd_info gi = { .argsz = sizeof(gi) };

	x->info_id = conf_vu_id(x->ctx);
	conf_note(x->ctx, "sending GET_INFO id=%u before answering %s id=%u", x->info_id,
		  m->hdr.cmd == CONF_VU_DMA_READ ? "DMA_READ" : "DMA_WRITE", m->hdr.id);
	conf_vu_send(x->ctx, x->info_id, CONF_VU_GET_INFO, 0, &gi, sizeof(gi), NULL, 0);
}

static int xe_nofd(struct conf_ctx *ctx, const struct conf_case *c)
{
	bool interleave = c->arg != NULL;
	static const uint8_t pat[16] = { 0x5a, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0xa5 };
	struct conf_vu_msg m;
	struct vd_info gi;
	struct xe x;
	uint32_t i, st = 0;
	int r;

	r = conf_vu_version(ctx, 0, 0, "{\"capabilities\":{\"max_msg_fds\":0}}", &m);
	conf_vu_msg_free(&m);
	if (r < 0)
		return conf_harness_error(ctx, "setup: VERSION with max_msg_fds 0 failed: %s", conf_errno_name(r));
	xe_find(ctx, &x);
	if (interleave && !x.engine)
		return conf_not_supported(ctx, "the device is not the profile's DMA engine: nothing makes the server send "
					  "a DMA request");
	GET_INFO(ctx, &gi);
	for (i = 0; !interleave && i < gi.num_regions && i < 64; i++) {
		struct vd_region h = { 0 };
		uint32_t w = 0;

		r = vd_region_full(ctx, i, &m);
		if (r == 0 && m.len >= sizeof(h))
			memcpy(&h, m.payload, sizeof(h));
		conf_vu_msg_free(&m);
		if (r < 0 || m.len < sizeof(h) || !(h.flags & RI_READ) || h.size < 4)
			continue;
		r = xe_rw(&x, false, i, 0, &w, 4);
		conf_check(ctx, r == 0, "REGION_READ region %u offset 0 count 4 without any fd passed: %s", i,
			   conf_errno_name(r));
	}
	if (!x.engine) {
		conf_note(ctx, "not the profile's DMA engine: only region access was checked");
		return conf_pass(ctx);
	}
	if (xe_up(&x) != CONF_PASS) {
		xe_down(&x);
		return conf_pass(ctx);
	}
	memcpy(x.win, pat, sizeof(pat));
	if (xe_ring(&x, &st, interleave ? xe_interleave : NULL) != CONF_PASS)
		goto out;
	conf_check(ctx, st & 1u, "the engine's copy ended with STATUS 0x%x, not DONE", st);
	conf_check(ctx, x.nread >= 1 && x.nwrite >= 1, "device DMA into a window mapped without an fd came as %u "
		   "DMA_READ and %u DMA_WRITE messages, want both", x.nread, x.nwrite);
	conf_check(ctx, !memcmp(x.win + 0x100, pat, sizeof(pat)), "the copied bytes did not arrive in the window");
	conf_check(ctx, x.nfds_seen == 0, "the server's DMA requests carried %u fds (we take none)", x.nfds_seen);
	if (interleave) {
		conf_check(ctx, x.info_id != 0, "the server sent no DMA request to interleave with");
		if (x.info_id && !x.info_got && conf_vu_recv(ctx, &m, 200) == 0) {
			x.info_got = m.hdr.id == x.info_id && m.hdr.cmd == CONF_VU_GET_INFO && m.len == 16;
			conf_vu_msg_free(&m);
		}
		conf_check(ctx, !x.info_id || x.info_got, "the GET_INFO sent between the server's DMA request and our "
			   "reply got no 16-byte reply");
	}
out:
	xe_down(&x);
	return conf_pass(ctx);
}

#endif
