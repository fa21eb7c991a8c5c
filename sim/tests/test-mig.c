/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * White-box tests of migration: (a) the FSM, every request from every state
 * of every support set against an independent oracle (the kernel's arc lists
 * and path rules, searched exhaustively) and against cells of the spec's
 * combination tables transcribed literally; (b) data session semantics. Both
 * run on a bare struct vfsim_dev whose cfg, regions and irq are NULL
 * (mig-stream.h: treated as empty state). The stream between real devices is
 * tested in test-mig-stream.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dev.h"
#include "mig.h"
#include "rules.h"
#include "mig-fixture.h"

static const char *const state_abbr[NSTATES] = {
	[ERROR] = "ERROR", [STOP] = "STOP", [RUN] = "RUN", [SCOPY] = "SCOPY",
	[RESUME] = "RESUME", [RUNP2P] = "RUNP2P", [PRE] = "PRE", [PREP2P] = "PREP2P",
};

static const uint32_t support_sets[] = { 0x1, 0x3, 0x5, 0x7 };

/* ---- the oracle, transcribed from kernel-uapi.md §1.7 --------------------- */

struct arc {
	uint8_t from, to;
	bool star;	/* returns a new data_fd */
};

/* "Single arcs a driver must implement, per support set". */
static const struct arc arcs_0x1[] = {
	{ RUN, STOP, false }, { STOP, RUN, false }, { STOP, SCOPY, true }, { SCOPY, STOP, false },
	{ STOP, RESUME, true }, { RESUME, STOP, false },
};
static const struct arc arcs_0x3[] = {
	{ RUN, RUNP2P, false }, { RUNP2P, RUN, false }, { RUNP2P, STOP, false }, { STOP, RUNP2P, false },
	{ STOP, SCOPY, true }, { SCOPY, STOP, false }, { STOP, RESUME, true }, { RESUME, STOP, false },
};
static const struct arc arcs_0x5[] = {
	{ RUN, STOP, false }, { STOP, RUN, false }, { RUN, PRE, true }, { PRE, RUN, false },
	{ PRE, SCOPY, false },
	{ STOP, SCOPY, true }, { SCOPY, STOP, false }, { STOP, RESUME, true }, { RESUME, STOP, false },
};
static const struct arc arcs_0x7[] = {
	{ RUN, RUNP2P, false }, { RUNP2P, RUN, false }, { RUNP2P, STOP, false }, { STOP, RUNP2P, false },
	{ RUN, PRE, true }, { PRE, RUN, false }, { PRE, PREP2P, false }, { PREP2P, PRE, false },
	{ RUNP2P, PREP2P, true }, { PREP2P, RUNP2P, false }, { PREP2P, SCOPY, false },
	{ STOP, SCOPY, true }, { SCOPY, STOP, false }, { STOP, RESUME, true }, { RESUME, STOP, false },
};

/* "Which states a support set allows". */
static bool oracle_supported(uint32_t set, unsigned s)
{
	switch (s) {
	case STOP: case RUN: case SCOPY: case RESUME:
		return set & VFIO_MIGRATION_STOP_COPY;
	case RUNP2P:
		return (set & 0x3) == 0x3;
	case PRE:
		return (set & 0x5) == 0x5;
	case PREP2P:
		return (set & 0x7) == 0x7;
	}
	return false;	/* ERROR and out of range */
}

static const struct arc *oracle_arcs(uint32_t set, unsigned *ret_n)
{
	switch (set) {
	case 0x1: *ret_n = sizeof(arcs_0x1) / sizeof(arcs_0x1[0]); return arcs_0x1;
	case 0x3: *ret_n = sizeof(arcs_0x3) / sizeof(arcs_0x3[0]); return arcs_0x3;
	case 0x5: *ret_n = sizeof(arcs_0x5) / sizeof(arcs_0x5[0]); return arcs_0x5;
	default: *ret_n = sizeof(arcs_0x7) / sizeof(arcs_0x7[0]); return arcs_0x7;
	}
}

static const struct arc *oracle_arc(uint32_t set, unsigned from, unsigned to)
{
	unsigned i, n;
	const struct arc *a = oracle_arcs(set, &n);

	for (i = 0; i < n; i++)
		if (a[i].from == from && a[i].to == to)
			return &a[i];
	return NULL;
}

static bool saving(unsigned s)
{
	return s == PRE || s == PREP2P || s == SCOPY;
}

/* vfio.h: "The path cannot have saving group states as interior arcs, only
 * starting/end states"; the tables show one exception, a path that never
 * leaves the saving group (PRE -> PREP2P -> SCOPY). */
static bool oracle_path_ok(const uint8_t *p, unsigned len)
{
	bool all_saving = true;
	unsigned i;

	for (i = 0; i <= len; i++)
		all_saving &= saving(p[i]);
	if (all_saving)
		return true;
	for (i = 1; i < len; i++)
		if (saving(p[i]))
			return false;
	return true;
}

struct oracle_result {
	bool einval;
	unsigned len;		/* arcs */
	uint8_t path[NSTATES];	/* len + 1 states */
	bool star;		/* the last arc returns a new data_fd */
	unsigned nshortest;	/* valid paths of the shortest length: must be 1 */
};

static void oracle_dfs(uint32_t set, uint8_t *p, unsigned len, unsigned target, bool *visited,
		       struct oracle_result *res)
{
	unsigned i, n;
	const struct arc *a = oracle_arcs(set, &n);

	if (p[len] == target) {
		if (!oracle_path_ok(p, len))
			return;
		if (!res->nshortest || len < res->len) {
			res->len = len;
			memcpy(res->path, p, len + 1);
			res->nshortest = 1;
		} else if (len == res->len) {
			res->nshortest++;
		}
		return;
	}
	if (len + 1 >= NSTATES)
		return;
	for (i = 0; i < n; i++) {
		if (a[i].from != p[len] || visited[a[i].to])
			continue;
		visited[a[i].to] = true;
		p[len + 1] = a[i].to;
		oracle_dfs(set, p, len + 1, target, visited, res);
		visited[a[i].to] = false;
	}
}

/* Shortest valid path by exhaustive search (the state graph is tiny). */
static struct oracle_result oracle(uint32_t set, unsigned from, unsigned to)
{
	struct oracle_result res = { 0 };
	bool visited[NSTATES] = { 0 };
	uint8_t p[NSTATES];

	if (from >= NSTATES || to >= NSTATES || !oracle_supported(set, from) ||
	    !oracle_supported(set, to) || (from == SCOPY && (to == PRE || to == PREP2P))) {
		res.einval = true;
		return res;
	}
	p[0] = from;
	visited[from] = true;
	oracle_dfs(set, p, 0, to, visited, &res);
	if (!res.nshortest) {
		res.einval = true;
		return res;
	}
	if (res.len)
		res.star = oracle_arc(set, res.path[res.len - 1], res.path[res.len])->star;
	return res;
}

/* ---- literal cells of the combination tables ------------------------------ */

struct table_cell {
	uint32_t set;
	unsigned from, to;
	const char *cell;	/* as printed in the spec */
};

static const struct table_cell table_cells[] = {
	{ 0x1, RUN, RESUME, "RUN ->STOP ->RESUME*" },
	{ 0x1, RESUME, RUN, "RESUME ->STOP ->RUN" },
	{ 0x1, SCOPY, RESUME, "SCOPY ->STOP ->RESUME*" },
	{ 0x3, RUN, SCOPY, "RUN ->RUNP2P ->STOP ->SCOPY*" },
	{ 0x3, SCOPY, RUN, "SCOPY ->STOP ->RUNP2P ->RUN" },
	{ 0x3, STOP, RUN, "STOP ->RUNP2P ->RUN" },
	{ 0x5, STOP, PRE, "STOP ->RUN ->PRE*" },
	{ 0x5, SCOPY, PRE, "EINVAL" },
	{ 0x5, PRE, SCOPY, "PRE ->SCOPY" },
	{ 0x5, PRE, RESUME, "PRE ->RUN ->STOP ->RESUME*" },
	{ 0x5, RESUME, PRE, "RESUME ->STOP ->RUN ->PRE*" },
	{ 0x7, PRE, STOP, "PRE ->RUN ->RUNP2P ->STOP" },
	{ 0x7, PRE, SCOPY, "PRE ->PREP2P ->SCOPY" },
	{ 0x7, STOP, PRE, "STOP ->RUNP2P ->RUN ->PRE*" },
	{ 0x7, STOP, PREP2P, "STOP ->RUNP2P ->PREP2P*" },
	{ 0x7, SCOPY, PRE, "EINVAL" },
	{ 0x7, SCOPY, PREP2P, "EINVAL" },
	{ 0x7, RESUME, PREP2P, "RESUME ->STOP ->RUNP2P ->PREP2P*" },
	{ 0x7, PREP2P, RESUME, "PREP2P ->RUNP2P ->STOP ->RESUME*" },
	{ 0x7, PREP2P, RUN, "PREP2P ->RUNP2P ->RUN" },
	{ 0x7, RUNP2P, PRE, "RUNP2P ->RUN ->PRE*" },
	{ 0x7, PREP2P, PRE, "PREP2P ->PRE" },
};

/* Parse "A ->B ->C*" into states; returns the arc count, -1 for EINVAL. */
static int parse_cell(const char *cell, uint8_t *path, bool *ret_star)
{
	char buf[128], *tok, *save = NULL;
	int n = 0;
	unsigned s;

	*ret_star = false;
	if (!strcmp(cell, "EINVAL"))
		return -1;
	snprintf(buf, sizeof(buf), "%s", cell);
	for (tok = strtok_r(buf, " ->", &save); tok; tok = strtok_r(NULL, " ->", &save)) {
		size_t l = strlen(tok);

		if (l && tok[l - 1] == '*') {
			tok[l - 1] = '\0';
			*ret_star = true;
		}
		for (s = 0; s < NSTATES && strcmp(tok, state_abbr[s]); s++)
			;
		assert_true(s < NSTATES);
		assert_true(n < NSTATES);
		path[n++] = s;
	}
	return n - 1;
}

/* ---- a bare device and the arc log ---------------------------------------- */

struct arc_log {
	unsigned n;
	uint8_t from[16], to[16];
	uint32_t opened[16];
};

static void log_arc(void *opaque, uint32_t from, uint32_t to, uint32_t opened)
{
	struct arc_log *l = opaque;

	assert_true(l->n < 16);
	l->from[l->n] = from;
	l->to[l->n] = to;
	l->opened[l->n] = opened;
	l->n++;
}

static void bare_dev(struct vfsim_dev *dev, uint32_t flags)
{
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->prof.name, sizeof(dev->prof.name), "bare");
	dev->prof.vendor_id = 0x1af4;
	dev->prof.device_id = 0x10f0;
	dev->prof.mig_flags = flags;
	dev->low_power_wakeup_fd = -1;
}

/* The only way into ERROR: a failed arc. */
static void drive_to_error(struct mig_state *m, uint32_t set)
{
	uint32_t first = (set & VFIO_MIGRATION_P2P) ? RUNP2P : STOP;

	mig_reset(m);
	mig_inject_arc_failure(m, RUN, first, -EIO);
	tu_expect_rule(tu_mig_set(m, STOP, NULL), -EIO, RULE_MIG_ARC_FAILED);
	assert_int_equal(mig_get_state(m), ERROR);
}

/* A complete image of a bare device, saved by a twin of it. */
static void feed_bare_image(struct mig_state *m, uint32_t session, uint32_t set)
{
	struct vfsim_dev twin;
	struct mig_state *t;
	uint8_t buf[1024];
	uint32_t s = 0;
	ssize_t n, total = 0;

	bare_dev(&twin, set);
	assert_int_equal(mig_new(&twin, set, &t), 0);
	assert_int_equal(mig_set_state(t, SCOPY, &s), 0);
	while ((n = mig_read(t, s, buf + total, sizeof(buf) - total)) > 0)
		total += n;
	assert_int_equal(n, 0);
	assert_int_equal(mig_write(m, session, buf, total), total);
	mig_free(t);
}

/* Put @m into @from; a RESUMING device gets a valid image so that leaving
 * RESUMING can succeed. */
static void drive_to(struct mig_state *m, uint32_t set, unsigned from)
{
	uint32_t s;

	if (from == ERROR) {
		drive_to_error(m, set);
		return;
	}
	mig_reset(m);
	s = tu_mig_set_ok(m, from);
	if (from == RESUME)
		feed_bare_image(m, s, set);
}

/* ---- (a) the FSM ---------------------------------------------------------- */

static void test_oracle_is_unambiguous(void **state)
{
	unsigned k, from, to;

	/* If two shortest valid paths existed the oracle would need a
	 * tie-break the kernel text does not give. */
	for (k = 0; k < 4; k++)
		for (from = 0; from < NSTATES; from++)
			for (to = 0; to < NSTATES; to++) {
				struct oracle_result o = oracle(support_sets[k], from, to);

				if (!o.einval && o.nshortest != 1)
					fail_msg("set 0x%x %s->%s: %u shortest paths", support_sets[k],
						 state_abbr[from], state_abbr[to], o.nshortest);
			}
}

static void test_oracle_matches_spec_cells(void **state)
{
	unsigned i;

	for (i = 0; i < sizeof(table_cells) / sizeof(table_cells[0]); i++) {
		const struct table_cell *c = &table_cells[i];
		struct oracle_result o = oracle(c->set, c->from, c->to);
		uint8_t path[NSTATES];
		bool star;
		int len = parse_cell(c->cell, path, &star);

		if (len < 0) {
			assert_true(o.einval);
			continue;
		}
		assert_false(o.einval);
		assert_int_equal(o.len, len);
		assert_memory_equal(o.path, path, len + 1);
		assert_int_equal(o.star, star);
	}
}

static void check_request(uint32_t set, unsigned from, unsigned to)
{
	struct vfsim_dev dev;
	struct mig_state *m;
	struct arc_log log = { 0 };
	uint32_t session = 0;
	int r, rule;

	bare_dev(&dev, set);
	assert_int_equal(mig_new(&dev, set, &m), 0);
	drive_to(m, set, from);
	mig_set_arc_hook(m, log_arc, &log);
	r = tu_mig_set(m, to, &session);
	rule = vfsim_last_rule(NULL);

	if (from == ERROR) {
		tu_expect_rule(r, -EINVAL, RULE_MIG_FROM_ERROR);
	} else if (to >= NSTATES) {
		tu_expect_rule(r, -EINVAL, RULE_MIG_STATE_RANGE);
	} else if (to == ERROR) {
		tu_expect_rule(r, -EINVAL, RULE_MIG_STATE_ERROR);
	} else if (!oracle_supported(set, to)) {
		tu_expect_rule(r, -EINVAL, RULE_MIG_STATE_UNSUPPORTED);
	} else {
		struct oracle_result o = oracle(set, from, to);
		unsigned i;

		if (o.einval) {
			tu_expect_rule(r, -EINVAL, RULE_MIG_ARC_BLOCKED);
		} else {
			if (r)
				fail_msg("set 0x%x %s->%s: %d (%s)", set, state_abbr[from], state_abbr[to], r,
					 vfsim_rule_name(rule));
			if (log.n != o.len)
				fail_msg("set 0x%x %s->%s: %u arcs, oracle %u", set, state_abbr[from],
					 state_abbr[to], log.n, o.len);
			for (i = 0; i < o.len; i++) {
				if (log.from[i] != o.path[i] || log.to[i] != o.path[i + 1])
					fail_msg("set 0x%x %s->%s: arc %u is %s->%s, oracle %s->%s", set,
						 state_abbr[from], state_abbr[to], i, state_abbr[log.from[i]],
						 state_abbr[log.to[i]], state_abbr[o.path[i]],
						 state_abbr[o.path[i + 1]]);
				/* Only a starred arc opens a session, and only the last. */
				assert_int_equal(log.opened[i] != 0,
						 oracle_arc(set, o.path[i], o.path[i + 1])->star);
			}
			assert_int_equal(mig_get_state(m), to);
			assert_int_equal(session != 0, o.star);
			if (session)
				assert_true(mig_session_open(m, session));
			mig_free(m);
			return;
		}
	}
	/* Refused: nothing executed, nothing opened, state unchanged. */
	assert_int_equal(log.n, 0);
	assert_int_equal(session, 0);
	assert_int_equal(mig_get_state(m), from);
	mig_free(m);
}

static void test_fsm_every_request(void **state)
{
	unsigned k, from, to;

	for (k = 0; k < 4; k++)
		for (from = 0; from < NSTATES; from++) {
			if (from != ERROR && !oracle_supported(support_sets[k], from))
				continue;	/* unreachable; see test_next_step_pure */
			for (to = 0; to <= NSTATES; to++)
				check_request(support_sets[k], from, to);
		}
}

static void test_fsm_spec_cells_on_driver(void **state)
{
	unsigned i, j;

	for (i = 0; i < sizeof(table_cells) / sizeof(table_cells[0]); i++) {
		const struct table_cell *c = &table_cells[i];
		struct vfsim_dev dev;
		struct mig_state *m;
		struct arc_log log = { 0 };
		uint8_t path[NSTATES];
		uint32_t session;
		bool star;
		int len = parse_cell(c->cell, path, &star);

		bare_dev(&dev, c->set);
		assert_int_equal(mig_new(&dev, c->set, &m), 0);
		drive_to(m, c->set, c->from);
		mig_set_arc_hook(m, log_arc, &log);
		if (len < 0) {
			tu_expect_rule(tu_mig_set(m, c->to, &session), -EINVAL,
				       RULE_MIG_ARC_BLOCKED);
			assert_int_equal(mig_get_state(m), c->from);
		} else {
			assert_int_equal(tu_mig_set(m, c->to, &session), 0);
			assert_int_equal(log.n, len);
			for (j = 0; j < (unsigned)len; j++) {
				assert_int_equal(log.from[j], path[j]);
				assert_int_equal(log.to[j], path[j + 1]);
			}
			assert_int_equal(session != 0, star);
		}
		mig_free(m);
	}
}

/* mig_next_step is pure: check its first step against the oracle for every
 * (cur, target), including states outside the set and out of range. */
static void test_next_step_pure(void **state)
{
	unsigned k, cur, to;

	for (k = 0; k < 4; k++) {
		uint32_t set = support_sets[k];

		for (cur = 0; cur <= NSTATES; cur++)
			for (to = 0; to <= NSTATES; to++) {
				struct oracle_result o = oracle(set, cur, to);
				uint32_t next = 99;
				int r = mig_next_step(set, cur, to, &next);

				if (o.einval) {
					assert_int_equal(r, -EINVAL);
					assert_int_equal(next, 99);
				} else if (o.len == 0) {
					assert_int_equal(r, 0);
					assert_int_equal(next, cur);
				} else {
					assert_int_equal(r, 0);
					assert_int_equal(next, o.path[1]);
				}
			}
	}
}

static void test_fsm_rules(void **state)
{
	struct vfsim_dev dev;
	struct mig_state *m;

	bare_dev(&dev, 0x1);
	assert_int_equal(mig_new(&dev, 0x1, &m), 0);
	/* conformance 70: initial state RUNNING */
	assert_int_equal(mig_get_state(m), RUN);
	assert_int_equal(mig_flags(m), 0x1);
	/* 71, 72, 73 */
	tu_expect_rule(tu_mig_set(m, ERROR, NULL), -EINVAL, RULE_MIG_STATE_ERROR);
	tu_expect_rule(tu_mig_set(m, RUNP2P, NULL), -EINVAL, RULE_MIG_STATE_UNSUPPORTED);
	tu_expect_rule(tu_mig_set(m, PRE, NULL), -EINVAL, RULE_MIG_STATE_UNSUPPORTED);
	tu_expect_rule(tu_mig_set(m, 8, NULL), -EINVAL, RULE_MIG_STATE_RANGE);
	tu_expect_rule(tu_mig_set(m, 0xffffffffu, NULL), -EINVAL, RULE_MIG_STATE_RANGE);
	assert_int_equal(mig_get_state(m), RUN);
	mig_free(m);

	/* STOP_COPY is mandatory; unknown flags are refused. */
	tu_expect_rule(mig_new(&dev, 0x2, &m), -EINVAL, RULE_MIG_FLAGS);
	tu_expect_rule(mig_new(&dev, 0x9, &m), -EINVAL, RULE_MIG_FLAGS);
	mig_free(NULL);
}

/* conformance 75: no hang, EINVAL, state STOP_COPY, session still open. */
static void test_stopcopy_to_precopy(void **state)
{
	struct vfsim_dev dev;
	struct mig_state *m;
	uint32_t s;

	bare_dev(&dev, 0x7);
	assert_int_equal(mig_new(&dev, 0x7, &m), 0);
	s = tu_mig_set_ok(m, SCOPY);
	assert_int_not_equal(s, 0);
	tu_expect_rule(tu_mig_set(m, PRE, NULL), -EINVAL, RULE_MIG_ARC_BLOCKED);
	tu_expect_rule(tu_mig_set(m, PREP2P, NULL), -EINVAL, RULE_MIG_ARC_BLOCKED);
	assert_int_equal(mig_get_state(m), SCOPY);
	assert_true(mig_session_open(m, s));
	mig_free(m);
}

/* ERROR only through a failed arc; the arcs before it ran; SET is EINVAL
 * from ERROR, even SET(ERROR) and no-ops; reset leaves it (conformance 86). */
static void test_error_state(void **state)
{
	struct vfsim_dev dev;
	struct mig_state *m;
	struct arc_log log = { 0 };
	uint32_t s, t;

	bare_dev(&dev, 0x3);
	assert_int_equal(mig_new(&dev, 0x3, &m), 0);
	tu_mig_set_ok(m, RUNP2P);
	mig_set_arc_hook(m, log_arc, &log);
	mig_inject_arc_failure(m, STOP, SCOPY, -ENOSPC);
	tu_expect_rule(tu_mig_set(m, SCOPY, &s), -ENOSPC, RULE_MIG_ARC_FAILED);
	assert_int_equal(s, 0);
	assert_int_equal(log.n, 1);	/* RUNP2P->STOP ran, STOP->SCOPY failed */
	assert_int_equal(log.from[0], RUNP2P);
	assert_int_equal(log.to[0], STOP);
	assert_int_equal(mig_get_state(m), ERROR);
	for (t = 0; t <= NSTATES; t++)
		tu_expect_rule(tu_mig_set(m, t, NULL), -EINVAL, RULE_MIG_FROM_ERROR);
	mig_reset(m);
	assert_int_equal(mig_get_state(m), RUN);
	/* The injection was one-shot. */
	s = tu_mig_set_ok(m, SCOPY);
	assert_int_not_equal(s, 0);

	/* A session open when an arc fails is closed with the device in ERROR. */
	mig_inject_arc_failure(m, SCOPY, STOP, -EIO);
	tu_expect_rule(tu_mig_set(m, RUN, NULL), -EIO, RULE_MIG_ARC_FAILED);
	assert_false(mig_session_open(m, s));
	mig_free(m);
}

/* ---- (b) sessions --------------------------------------------------------- */

/* conformance 77, 78, 82 and the PRE_COPY temporary end. */
static void test_saving_group_same_session(void **state)
{
	struct vfsim_dev dev;
	struct mig_state *m;
	uint8_t buf[8192];
	uint64_t ini, dirty, ini2, size;
	uint32_t a, b;
	ssize_t n;

	bare_dev(&dev, 0x7);
	assert_int_equal(mig_new(&dev, 0x7, &m), 0);
	a = tu_mig_set_ok(m, PRE);
	assert_int_not_equal(a, 0);
	tu_mig_info_ok(m, a, &ini, &dirty);
	assert_true(ini > 0);		/* initial_bytes starts nonzero */
	assert_int_equal(dirty, 0);	/* dirty_bytes starts at 0 */
	assert_int_equal(tu_mig_read(m, a, buf, 7), 7);
	tu_mig_info_ok(m, a, &ini2, &dirty);
	assert_int_equal(ini2, ini - 7);	/* falls as data is read */
	n = tu_mig_read(m, a, buf, sizeof(buf));
	assert_int_equal(n, (ssize_t)ini2);
	tu_mig_info_ok(m, a, &ini, &dirty);
	assert_int_equal(ini, 0);
	assert_int_equal(dirty, 0);
	tu_expect_rule(tu_mig_read(m, a, buf, sizeof(buf)), -ENOMSG, RULE_MIG_PRECOPY_NO_DATA);

	/* PRE <-> PREP2P keeps the session. */
	assert_int_equal(tu_mig_set_ok(m, PREP2P), 0);
	assert_true(mig_session_open(m, a));
	tu_mig_info_ok(m, a, &ini, &dirty);
	assert_int_equal(tu_mig_set_ok(m, PRE), 0);
	assert_true(mig_session_open(m, a));

	/* ->STOP_COPY: no new session, the same one carries the final data. */
	assert_int_equal(tu_mig_set_ok(m, SCOPY), 0);
	assert_true(mig_session_open(m, a));
	tu_expect_rule(tu_mig_info(m, a, &ini, &dirty), -EINVAL, RULE_MIG_PRECOPY_STATE);
	assert_int_equal(mig_data_size(m, &size), 0);
	assert_true(size > 0);
	n = tu_mig_read(m, a, buf, sizeof(buf));
	assert_int_equal(n, (ssize_t)size);
	assert_int_equal(mig_data_size(m, &size), 0);
	assert_int_equal(size, 0);
	assert_int_equal(tu_mig_read(m, a, buf, sizeof(buf)), 0);	/* permanent end */
	assert_int_equal(tu_mig_read(m, a, buf, sizeof(buf)), 0);

	/* The arcs that end a session: afterwards ENODEV. */
	assert_int_equal(tu_mig_set_ok(m, STOP), 0);
	assert_false(mig_session_open(m, a));
	tu_expect_rule(tu_mig_read(m, a, buf, 1), -ENODEV, RULE_MIG_SESSION_CLOSED);
	tu_expect_rule(tu_mig_write(m, a, buf, 1), -ENODEV, RULE_MIG_SESSION_CLOSED);

	/* Closed session while in PRE_COPY: precopy_info is ENODEV. */
	tu_mig_set_ok(m, RUN);
	b = tu_mig_set_ok(m, PRE);
	assert_true(b > a);	/* monotonic */
	tu_expect_rule(tu_mig_info(m, a, &ini, &dirty), -ENODEV, RULE_MIG_SESSION_CLOSED);
	tu_expect_rule(tu_mig_info(m, 0, &ini, &dirty), -ENODEV, RULE_MIG_SESSION_CLOSED);
	tu_expect_rule(tu_mig_write(m, b, buf, 1), -EINVAL, RULE_MIG_WRITE_SAVE);
	assert_int_equal(tu_mig_set_ok(m, RUN), 0);	/* PRE->RUN ends it */
	assert_false(mig_session_open(m, b));
	tu_expect_rule(tu_mig_read(m, b, buf, 1), -ENODEV, RULE_MIG_SESSION_CLOSED);
	/* precopy_info outside PRE_COPY: the state check comes first (mtty). */
	tu_expect_rule(tu_mig_info(m, b, &ini, &dirty), -EINVAL, RULE_MIG_PRECOPY_STATE);
	mig_free(m);
}

static void test_noop_and_reset(void **state)
{
	struct vfsim_dev dev;
	struct mig_state *m;
	uint8_t buf[16];
	uint32_t s, t;

	bare_dev(&dev, 0x5);
	assert_int_equal(mig_new(&dev, 0x5, &m), 0);
	assert_int_equal(tu_mig_set_ok(m, RUN), 0);	/* no-op: 0, no session */
	s = tu_mig_set_ok(m, PRE);
	assert_int_equal(tu_mig_set_ok(m, PRE), 0);
	assert_true(mig_session_open(m, s));
	/* conformance 86: reset from any state closes the session. */
	mig_reset(m);
	assert_int_equal(mig_get_state(m), RUN);
	tu_expect_rule(tu_mig_read(m, s, buf, 1), -ENODEV, RULE_MIG_SESSION_CLOSED);
	t = tu_mig_set_ok(m, RESUME);
	tu_expect_rule(tu_mig_read(m, t, buf, 1), -EINVAL, RULE_MIG_READ_RESUME);
	mig_reset(m);
	tu_expect_rule(tu_mig_write(m, t, buf, 1), -ENODEV, RULE_MIG_SESSION_CLOSED);
	mig_free(m);
}

/* Save and resume on bare devices: a stream of header and END only. */
static void test_bare_round_trip(void **state)
{
	struct vfsim_dev da, db;
	struct mig_state *a, *b;
	uint8_t buf[4096];
	uint64_t size;
	uint32_t sa, sb;
	ssize_t n, total = 0;

	bare_dev(&da, 0x1);
	bare_dev(&db, 0x1);
	assert_int_equal(mig_new(&da, 0x1, &a), 0);
	assert_int_equal(mig_new(&db, 0x1, &b), 0);
	assert_int_equal(mig_data_size(a, &size), 0);	/* conformance 87 */
	assert_true(size > 0);
	sa = tu_mig_set_ok(a, SCOPY);
	while ((n = tu_mig_read(a, sa, buf + total, sizeof(buf) - total)) > 0)
		total += n;
	assert_int_equal(n, 0);
	assert_int_equal(total, (ssize_t)size);
	sb = tu_mig_set_ok(b, RESUME);
	/* conformance 83: a partial image, then STOP: EINVAL, stays RESUMING. */
	assert_int_equal(tu_mig_write(b, sb, buf, total - 1), total - 1);
	tu_expect_rule(tu_mig_set(b, STOP, NULL), -EINVAL, RULE_MIG_STREAM_SHORT);
	assert_int_equal(mig_get_state(b), RESUME);
	assert_true(mig_session_open(b, sb));
	assert_int_equal(tu_mig_write(b, sb, buf + total - 1, 1), 1);
	/* conformance 85: past the image, ENOMEM. */
	tu_expect_rule(tu_mig_write(b, sb, buf, 1), -ENOMEM, RULE_MIG_RESUME_OVERSIZE);
	assert_int_equal(tu_mig_set_ok(b, RUN), 0);
	assert_false(mig_session_open(b, sb));
	mig_free(a);
	mig_free(b);
}

int main(void)
{
	const struct CMUnitTest fsm[] = {
		cmocka_unit_test(test_oracle_is_unambiguous),
		cmocka_unit_test(test_oracle_matches_spec_cells),
		cmocka_unit_test(test_fsm_every_request),
		cmocka_unit_test(test_fsm_spec_cells_on_driver),
		cmocka_unit_test(test_next_step_pure),
		cmocka_unit_test(test_fsm_rules),
		cmocka_unit_test(test_stopcopy_to_precopy),
		cmocka_unit_test(test_error_state),
		cmocka_unit_test(test_saving_group_same_session),
		cmocka_unit_test(test_noop_and_reset),
		cmocka_unit_test(test_bare_round_trip),
	};

	return cmocka_run_group_tests_name("mig-fsm", fsm, NULL, NULL);
}
