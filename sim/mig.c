/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Migration v2 for a simulated device: the FSM of enum vfio_device_mig_state
 * (one step table, as vfio_main.c's vfio_mig_get_next_state()), the arcs a
 * driver executes one at a time, and the data sessions those arcs open and
 * close. The bytes of a session belong to mig-stream.c.
 *
 * Kernel basis: the table is upstream's (with PRE_COPY rows; 6.1 predates
 * PRE_COPY), and the skip loop carries the June 2026 fix: it stops at ERROR,
 * so STOP_COPY -> PRE_COPY(_P2P) is a prompt EINVAL instead of a soft lockup.
 *
 * Choices where the kernel leaves them to the driver (mtty as the model):
 * a failed arc leaves the device in ERROR and closes its session, except
 * RESUMING->STOP refusing the stream, which leaves RESUMING and the resume
 * session open; from ERROR every SET is EINVAL, even SET(ERROR).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mig.h"
#include "mig-stream.h"
#include "dev.h"
#include "fault.h"

#define ST_ERROR VFIO_DEVICE_STATE_ERROR
#define ST_STOP VFIO_DEVICE_STATE_STOP
#define ST_RUNNING VFIO_DEVICE_STATE_RUNNING
#define ST_STOP_COPY VFIO_DEVICE_STATE_STOP_COPY
#define ST_RESUMING VFIO_DEVICE_STATE_RESUMING
#define ST_RUNNING_P2P VFIO_DEVICE_STATE_RUNNING_P2P
#define ST_PRE_COPY VFIO_DEVICE_STATE_PRE_COPY
#define ST_PRE_COPY_P2P VFIO_DEVICE_STATE_PRE_COPY_P2P

#define MIG_FLAGS_KNOWN (VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | VFIO_MIGRATION_PRE_COPY)

/*
 * Single arcs a driver implements (every other request is a combination):
 *         RESUMING -> STOP              (loads the received state)
 *         STOP -> RESUMING              (opens a resume session)
 *         STOP -> STOP_COPY             (opens a save session, whole state)
 *         STOP_COPY -> STOP             (closes the save session)
 * With P2P:
 *         RUNNING -> RUNNING_P2P, RUNNING_P2P -> RUNNING
 *         RUNNING_P2P -> STOP, STOP -> RUNNING_P2P
 * Without P2P:
 *         RUNNING -> STOP, STOP -> RUNNING
 * With PRE_COPY:
 *         RUNNING -> PRE_COPY           (opens a save session, initial data)
 *         PRE_COPY -> RUNNING           (closes it)
 *         PRE_COPY -> STOP_COPY         (same session, final data appended)
 * With PRE_COPY and P2P:
 *         PRE_COPY -> PRE_COPY_P2P, PRE_COPY_P2P -> PRE_COPY (same session)
 *         RUNNING_P2P -> PRE_COPY_P2P   (opens a save session)
 *         PRE_COPY_P2P -> RUNNING_P2P   (closes it)
 *         PRE_COPY_P2P -> STOP_COPY     (same session, final data appended)
 *
 * A cell is the next state on the way from [cur] to [target] with every
 * optional state supported; mig_next_step() skips the unsupported ones.
 * Saving states (PRE_COPY, PRE_COPY_P2P, STOP_COPY) are only ever the start
 * or the end of a path, except that PRE_COPY -> PRE_COPY_P2P -> STOP_COPY
 * stays inside the saving group. STOP_COPY -> PRE_COPY(_P2P) is ERROR: there
 * is no way back into pre-copy.
 */
static const uint8_t mig_next_table[VFSIM_MIG_NSTATES][VFSIM_MIG_NSTATES] = {
	[ST_ERROR] = {
		[ST_ERROR] = ST_ERROR,		[ST_STOP] = ST_ERROR,
		[ST_RUNNING] = ST_ERROR,	[ST_STOP_COPY] = ST_ERROR,
		[ST_RESUMING] = ST_ERROR,	[ST_RUNNING_P2P] = ST_ERROR,
		[ST_PRE_COPY] = ST_ERROR,	[ST_PRE_COPY_P2P] = ST_ERROR,
	},
	[ST_STOP] = {
		[ST_ERROR] = ST_ERROR,		[ST_STOP] = ST_STOP,
		[ST_RUNNING] = ST_RUNNING_P2P,	[ST_STOP_COPY] = ST_STOP_COPY,
		[ST_RESUMING] = ST_RESUMING,	[ST_RUNNING_P2P] = ST_RUNNING_P2P,
		[ST_PRE_COPY] = ST_RUNNING_P2P,	[ST_PRE_COPY_P2P] = ST_RUNNING_P2P,
	},
	[ST_RUNNING] = {
		[ST_ERROR] = ST_ERROR,		[ST_STOP] = ST_RUNNING_P2P,
		[ST_RUNNING] = ST_RUNNING,	[ST_STOP_COPY] = ST_RUNNING_P2P,
		[ST_RESUMING] = ST_RUNNING_P2P,	[ST_RUNNING_P2P] = ST_RUNNING_P2P,
		[ST_PRE_COPY] = ST_PRE_COPY,	[ST_PRE_COPY_P2P] = ST_RUNNING_P2P,
	},
	[ST_STOP_COPY] = {
		[ST_ERROR] = ST_ERROR,		[ST_STOP] = ST_STOP,
		[ST_RUNNING] = ST_STOP,		[ST_STOP_COPY] = ST_STOP_COPY,
		[ST_RESUMING] = ST_STOP,	[ST_RUNNING_P2P] = ST_STOP,
		[ST_PRE_COPY] = ST_ERROR,	[ST_PRE_COPY_P2P] = ST_ERROR,
	},
	[ST_RESUMING] = {
		[ST_ERROR] = ST_ERROR,		[ST_STOP] = ST_STOP,
		[ST_RUNNING] = ST_STOP,		[ST_STOP_COPY] = ST_STOP,
		[ST_RESUMING] = ST_RESUMING,	[ST_RUNNING_P2P] = ST_STOP,
		[ST_PRE_COPY] = ST_STOP,	[ST_PRE_COPY_P2P] = ST_STOP,
	},
	[ST_RUNNING_P2P] = {
		[ST_ERROR] = ST_ERROR,		[ST_STOP] = ST_STOP,
		[ST_RUNNING] = ST_RUNNING,	[ST_STOP_COPY] = ST_STOP,
		[ST_RESUMING] = ST_STOP,	[ST_RUNNING_P2P] = ST_RUNNING_P2P,
		[ST_PRE_COPY] = ST_RUNNING,	[ST_PRE_COPY_P2P] = ST_PRE_COPY_P2P,
	},
	[ST_PRE_COPY] = {
		[ST_ERROR] = ST_ERROR,		[ST_STOP] = ST_RUNNING,
		[ST_RUNNING] = ST_RUNNING,	[ST_STOP_COPY] = ST_PRE_COPY_P2P,
		[ST_RESUMING] = ST_RUNNING,	[ST_RUNNING_P2P] = ST_RUNNING,
		[ST_PRE_COPY] = ST_PRE_COPY,	[ST_PRE_COPY_P2P] = ST_PRE_COPY_P2P,
	},
	[ST_PRE_COPY_P2P] = {
		[ST_ERROR] = ST_ERROR,		[ST_STOP] = ST_RUNNING_P2P,
		[ST_RUNNING] = ST_RUNNING_P2P,	[ST_STOP_COPY] = ST_STOP_COPY,
		[ST_RESUMING] = ST_RUNNING_P2P,	[ST_RUNNING_P2P] = ST_RUNNING_P2P,
		[ST_PRE_COPY] = ST_PRE_COPY,	[ST_PRE_COPY_P2P] = ST_PRE_COPY_P2P,
	},
};

/* The migration flags a state needs; ERROR needs everything, so it is never
 * "supported" and can be neither requested nor skipped through. */
static const uint32_t mig_state_needs[VFSIM_MIG_NSTATES] = {
	[ST_ERROR] = ~0u,
	[ST_STOP] = VFIO_MIGRATION_STOP_COPY,
	[ST_RUNNING] = VFIO_MIGRATION_STOP_COPY,
	[ST_STOP_COPY] = VFIO_MIGRATION_STOP_COPY,
	[ST_RESUMING] = VFIO_MIGRATION_STOP_COPY,
	[ST_RUNNING_P2P] = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P,
	[ST_PRE_COPY] = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY,
	[ST_PRE_COPY_P2P] = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | VFIO_MIGRATION_PRE_COPY,
};

/* What executing a single arc does to the data sessions. */
enum mig_arc_kind {
	ARC_ILLEGAL = 0,	/* not an arc of the FSM: never produced by the table */
	ARC_PLAIN,		/* run state changes only */
	ARC_OPEN_STOP_COPY,	/* new save session, whole state at once */
	ARC_OPEN_PRE_COPY,	/* new save session, initial data, dirty tracking */
	ARC_OPEN_RESUME,	/* new resume session */
	ARC_KEEP,		/* inside the saving group: same session */
	ARC_FINISH,		/* pre-copy -> STOP_COPY: same session, final data */
	ARC_CLOSE,		/* ends the save session */
	ARC_LOAD,		/* RESUMING -> STOP: validate, commit, end the session */
};

static const uint8_t mig_arc_table[VFSIM_MIG_NSTATES][VFSIM_MIG_NSTATES] = {
	[ST_STOP] = {
		[ST_RUNNING] = ARC_PLAIN,		[ST_RUNNING_P2P] = ARC_PLAIN,
		[ST_STOP_COPY] = ARC_OPEN_STOP_COPY,	[ST_RESUMING] = ARC_OPEN_RESUME,
	},
	[ST_RUNNING] = {
		[ST_STOP] = ARC_PLAIN,			[ST_RUNNING_P2P] = ARC_PLAIN,
		[ST_PRE_COPY] = ARC_OPEN_PRE_COPY,
	},
	[ST_STOP_COPY] = {
		[ST_STOP] = ARC_CLOSE,
	},
	[ST_RESUMING] = {
		[ST_STOP] = ARC_LOAD,
	},
	[ST_RUNNING_P2P] = {
		[ST_RUNNING] = ARC_PLAIN,		[ST_STOP] = ARC_PLAIN,
		[ST_PRE_COPY_P2P] = ARC_OPEN_PRE_COPY,
	},
	[ST_PRE_COPY] = {
		[ST_RUNNING] = ARC_CLOSE,		[ST_PRE_COPY_P2P] = ARC_KEEP,
		[ST_STOP_COPY] = ARC_FINISH,
	},
	[ST_PRE_COPY_P2P] = {
		[ST_RUNNING_P2P] = ARC_CLOSE,		[ST_PRE_COPY] = ARC_KEEP,
		[ST_STOP_COPY] = ARC_FINISH,
	},
};

struct mig_session {
	uint32_t id;		/* 0 = no session open */
	struct mig_save *save;
	struct mig_resume *resume;
};

struct mig_state {
	struct vfsim_dev *dev;
	uint32_t flags;
	uint32_t state;
	uint32_t next_id;	/* monotonic, never 0 */
	struct mig_session sess;
	struct {		/* one-shot arc failure */
		bool armed;
		uint32_t from, to;
		int err;
	} inject;
	mig_arc_fn arc_fn;
	void *arc_opaque;
};

static bool mig_supported(uint32_t flags, uint32_t state)
{
	return (mig_state_needs[state] & flags) == mig_state_needs[state];
}

int mig_new(struct vfsim_dev *dev, uint32_t flags, struct mig_state **ret)
{
	struct mig_state *m;

	if (!(flags & VFIO_MIGRATION_STOP_COPY) || (flags & ~MIG_FLAGS_KNOWN))
		return vfsim_reject(RULE_MIG_FLAGS, -EINVAL);
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->dev = dev;
	m->flags = flags;
	m->state = ST_RUNNING;
	m->next_id = 1;
	*ret = m;
	return 0;
}

static void mig_session_close(struct mig_state *m)
{
	mig_save_free(m->sess.save);
	mig_resume_free(m->sess.resume);
	memset(&m->sess, 0, sizeof(m->sess));
}

void mig_free(struct mig_state *m)
{
	if (!m)
		return;
	mig_session_close(m);
	free(m);
}

uint32_t mig_flags(const struct mig_state *m)
{
	return m->flags;
}

uint32_t mig_get_state(const struct mig_state *m)
{
	return m->state;
}

int mig_next_step(uint32_t flags, uint32_t cur, uint32_t target, uint32_t *ret_next)
{
	uint32_t next;

	if (cur >= VFSIM_MIG_NSTATES)
		return vfsim_reject(RULE_MIG_STATE_RANGE, -EINVAL);
	if (cur == ST_ERROR)
		return vfsim_reject(RULE_MIG_FROM_ERROR, -EINVAL);
	if (!mig_supported(flags, cur))
		return vfsim_reject(RULE_MIG_STATE_UNSUPPORTED, -EINVAL);
	if (target >= VFSIM_MIG_NSTATES)
		return vfsim_reject(RULE_MIG_STATE_RANGE, -EINVAL);
	if (target == ST_ERROR)
		return vfsim_reject(RULE_MIG_STATE_ERROR, -EINVAL);
	if (!mig_supported(flags, target))
		return vfsim_reject(RULE_MIG_STATE_UNSUPPORTED, -EINVAL);

	/* Skip unsupported optional states; stop at ERROR (the June 2026 fix:
	 * ERROR is never supported, so without this the loop never ends). The
	 * hop budget bounds the loop even if the table were wrong. */
	next = mig_next_table[cur][target];
	for (unsigned hops = 0; next != ST_ERROR && !mig_supported(flags, next); hops++) {
		if (hops >= VFSIM_MIG_NSTATES)
			return vfsim_reject(RULE_MIG_ARC_BLOCKED, -EINVAL);
		next = mig_next_table[next][target];
	}
	if (next == ST_ERROR)
		return vfsim_reject(RULE_MIG_ARC_BLOCKED, -EINVAL);
	*ret_next = next;
	return 0;
}

static int mig_open(struct mig_state *m, enum mig_arc_kind kind)
{
	int r;

	mig_session_close(m);
	if (kind == ARC_OPEN_RESUME)
		r = mig_resume_new(m->dev, &m->sess.resume);
	else
		r = mig_save_new(m->dev, kind == ARC_OPEN_PRE_COPY, &m->sess.save);
	if (r < 0)
		return r;
	m->sess.id = m->next_id++;
	if (!m->next_id)
		m->next_id = 1;
	return 0;
}

/* Execute the single arc m->state -> @to. Returns 0, or -errno with the state
 * the failure leaves (ERROR, or RESUMING for a refused stream). */
static int mig_do_arc(struct mig_state *m, uint32_t to, uint32_t *ret_session)
{
	enum mig_arc_kind kind = mig_arc_table[m->state][to];
	uint32_t from = m->state;
	int r = 0;

	*ret_session = 0;
	if (m->inject.armed && m->inject.from == from && m->inject.to == to) {
		m->inject.armed = false;
		r = vfsim_reject(RULE_MIG_ARC_FAILED, m->inject.err);
		goto error;
	}
	switch (kind) {
	case ARC_PLAIN:
	case ARC_KEEP:
		break;
	case ARC_OPEN_STOP_COPY:
	case ARC_OPEN_PRE_COPY:
	case ARC_OPEN_RESUME:
		r = mig_open(m, kind);
		if (r < 0)
			goto error;
		*ret_session = m->sess.id;
		break;
	case ARC_FINISH:
		r = m->sess.save ? mig_save_finish(m->sess.save) : -EIO;
		if (r < 0)
			goto error;
		break;
	case ARC_CLOSE:
		mig_session_close(m);
		break;
	case ARC_LOAD:
		r = m->sess.resume ? mig_resume_load(m->sess.resume) : -EIO;
		if (r == -EINVAL)
			return r;	/* refused stream: stay RESUMING, device untouched */
		if (r < 0)
			goto error;
		mig_session_close(m);
		break;
	case ARC_ILLEGAL:
	default:
		r = vfsim_reject(RULE_MIG_ARC_BLOCKED, -EINVAL);
		goto error;
	}
	m->state = to;
	if (m->arc_fn)
		m->arc_fn(m->arc_opaque, from, to, *ret_session);
	return 0;
error:
	mig_session_close(m);
	m->state = ST_ERROR;
	return r;
}

int mig_set_state(struct mig_state *m, uint32_t target, uint32_t *ret_session)
{
	uint32_t next, opened = 0;
	unsigned hops;
	int r;

	*ret_session = 0;
	/* The kernel checks the current state before the requested one. */
	if (m->state == ST_ERROR)
		return vfsim_reject(RULE_MIG_FROM_ERROR, -EINVAL);
	if (target >= VFSIM_MIG_NSTATES)
		return vfsim_reject(RULE_MIG_STATE_RANGE, -EINVAL);
	if (target == ST_ERROR)
		return vfsim_reject(RULE_MIG_STATE_ERROR, -EINVAL);
	if (!mig_supported(m->flags, target))
		return vfsim_reject(RULE_MIG_STATE_UNSUPPORTED, -EINVAL);
	/* Fault mig-stopcopy-precopy: the way back into pre-copy the table
	 * refuses is taken as one arc. The finished save session stays open
	 * and keeps streaming what it had (mig_save_read and the PRECOPY_INFO
	 * arithmetic cope with a finished stream). */
	if (m->state == ST_STOP_COPY && (target == ST_PRE_COPY || target == ST_PRE_COPY_P2P) &&
	    m->dev && vfsim_fault_on(m->dev->faults, VFSIM_FAULT_MIG_STOPCOPY_PRECOPY)) {
		m->state = target;
		return 0;
	}

	/* The longest combination is four arcs; the budget only guards the loop. */
	for (hops = 0; m->state != target; hops++) {
		if (hops >= VFSIM_MIG_NSTATES)
			return vfsim_reject(RULE_MIG_ARC_BLOCKED, -EINVAL);
		r = mig_next_step(m->flags, m->state, target, &next);
		if (r < 0)
			return r;
		r = mig_do_arc(m, next, &opened);
		if (r < 0)
			return r;
	}
	/* Only the last arc of a path ever opens a session. */
	*ret_session = opened;
	return 0;
}

static int mig_session_lookup(const struct mig_state *m, uint32_t session)
{
	if (!session || session != m->sess.id)
		return vfsim_reject(RULE_MIG_SESSION_CLOSED, -ENODEV);
	return 0;
}

ssize_t mig_read(struct mig_state *m, uint32_t session, void *buf, size_t len)
{
	ssize_t r;

	r = mig_session_lookup(m, session);
	if (r < 0)
		return r;
	if (!m->sess.save)
		return vfsim_reject(RULE_MIG_READ_RESUME, -EINVAL);
	r = mig_save_read(m->sess.save, buf, len);
	if (r == -ENOMSG)
		return vfsim_reject(RULE_MIG_PRECOPY_NO_DATA, -ENOMSG);
	return r;
}

ssize_t mig_write(struct mig_state *m, uint32_t session, const void *buf, size_t len)
{
	int r;

	r = mig_session_lookup(m, session);
	if (r < 0)
		return r;
	if (!m->sess.resume)
		return vfsim_reject(RULE_MIG_WRITE_SAVE, -EINVAL);
	return mig_resume_write(m->sess.resume, buf, len);
}

int mig_precopy_info(struct mig_state *m, uint32_t session, uint64_t *ret_initial,
		     uint64_t *ret_dirty)
{
	int r;

	/* mtty checks the device state first, then whether the file is
	 * disabled. */
	if (m->state != ST_PRE_COPY && m->state != ST_PRE_COPY_P2P)
		return vfsim_reject(RULE_MIG_PRECOPY_STATE, -EINVAL);
	r = mig_session_lookup(m, session);
	if (r < 0)
		return r;
	if (!m->sess.save)
		return vfsim_reject(RULE_MIG_PRECOPY_STATE, -EINVAL);
	mig_save_precopy_info(m->sess.save, ret_initial, ret_dirty);
	return 0;
}

int mig_data_size(struct mig_state *m, uint64_t *ret_len)
{
	if (m->sess.save)
		*ret_len = mig_save_remaining(m->sess.save);
	else
		*ret_len = mig_stream_full_size(m->dev);
	return 0;
}

bool mig_session_open(const struct mig_state *m, uint32_t session)
{
	return session && session == m->sess.id;
}

void mig_reset(struct mig_state *m)
{
	mig_session_close(m);
	m->state = ST_RUNNING;
}

void mig_inject_arc_failure(struct mig_state *m, uint32_t from, uint32_t to, int err)
{
	m->inject.armed = true;
	m->inject.from = from;
	m->inject.to = to;
	m->inject.err = err < 0 ? err : -EIO;
}

void mig_set_arc_hook(struct mig_state *m, mig_arc_fn fn, void *opaque)
{
	m->arc_fn = fn;
	m->arc_opaque = opaque;
}
