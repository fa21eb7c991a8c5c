/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel-uAPI cases: VFIO_DEVICE_FEATURE, the migration v2 FSM, migration
 * data fds and device DMA logging, transcribed from the digest
 * (/work/shared/spec/kernel-uapi.md) §5.4 items 62-93 with the rule id of the
 * item (UAPI-FEAT-NN); expectations from §1.4, §1.7 and §1.8, never from sim/.
 * The FSM cases carry the §1.7 combination tables as data. Whatever a device
 * lacks (migration, P2P, PRE_COPY, DMA logging) is a `needs` precondition.
 * Items 84 and 85 describe mtty's image format and are not checked: the
 * image of another device is opaque (§1.8).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "include/vfsim.h"
#include "vfio-compat.h"
#include "conf.h"

#define U CONF_ROLE_UAPI
#define FEAT_HDR 8u			/* argsz + flags */
#define NSTATES 8

enum { ST_ERROR, ST_STOP, ST_RUN, ST_SCOPY, ST_RESUME, ST_RUNP2P, ST_PRE, ST_PREP2P };

/* DEVICE_FEATURE with @len payload bytes (copied in and back); argsz = 8 + @len
 * unless @argsz is non-zero. */
static int feat_ioctl(struct conf_ctx *ctx, uint32_t flags, void *payload, size_t len, uint32_t argsz)
{
	struct {
		struct vfio_device_feature f;
		uint8_t data[256];
	} buf;
	int r;

	if (len > sizeof(buf.data))
		return -E2BIG;
	memset(&buf, 0, sizeof(buf));
	buf.f.argsz = argsz ? argsz : FEAT_HDR + (uint32_t)len;
	buf.f.flags = flags;
	if (len)
		memcpy(buf.data, payload, len);
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_FEATURE, &buf);
	if (len)
		memcpy(payload, buf.data, len);
	return r;
}

static int mig_get(struct conf_ctx *ctx, uint32_t *state, int32_t *fd)
{
	struct vfio_device_feature_mig_state m = { .device_state = 0xdead, .data_fd = 1234 };
	int r = feat_ioctl(ctx, VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE | VFIO_DEVICE_FEATURE_GET, &m, sizeof(m), 0);

	*state = m.device_state;
	if (fd)
		*fd = m.data_fd;
	return r;
}

/* SET @state; *ret_fd gets the copied-back data_fd, *ret_state the copied-back device_state. */
static int mig_set(struct conf_ctx *ctx, uint32_t state, int32_t *ret_fd, uint32_t *ret_state)
{
	struct vfio_device_feature_mig_state m = { .device_state = state, .data_fd = 1234 };
	int r;

	conf_note(ctx, "MIG_DEVICE_STATE SET(%u)", state);
	r = feat_ioctl(ctx, VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE | VFIO_DEVICE_FEATURE_SET, &m, sizeof(m), 0);
	if (ret_fd)
		*ret_fd = m.data_fd;
	if (ret_state)
		*ret_state = m.device_state;
	return r;
}

/* SET @state that the spec says succeeds; closes a returned fd unless @keep. */
static bool mig_go(struct conf_ctx *ctx, uint32_t state, int32_t *keep)
{
	int32_t fd = -1;
	int r = mig_set(ctx, state, &fd, NULL);

	if (keep)
		*keep = fd;
	else if (fd >= 0)
		vfsim_close(ctx->u.host, fd);
	return conf_expect_errno(ctx, "SET on a path the spec allows", r, 0, true) == CONF_PASS;
}

static bool mig_state_is(struct conf_ctx *ctx, uint32_t want, const char *when)
{
	uint32_t st = 0;
	int r = mig_get(ctx, &st, NULL);

	if (conf_expect_errno(ctx, "MIG_DEVICE_STATE GET", r, 0, true) != CONF_PASS)
		return false;
	return conf_check(ctx, st == want, "%s: state %u, want %u", when, st, want);
}

/* ---- envelope: 62-68 -------------------------------------------------------- */

struct feat_row {
	uint32_t flags;
	uint32_t argsz;		/* 0: 8 + len */
	uint32_t len;
	int want;
};

static int feat_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct feat_row *row = c->arg;
	uint8_t payload[64];
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	memset(payload, 0, sizeof(payload));
	r = feat_ioctl(ctx, row->flags, payload, row->len, row->argsz);
	conf_expect_errno(ctx, c->summary, r, row->want, true);
	return conf_pass(ctx);
}

#define F_MIG VFIO_DEVICE_FEATURE_MIGRATION
#define F_STATE VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE
#define F_GET VFIO_DEVICE_FEATURE_GET
#define F_SET VFIO_DEVICE_FEATURE_SET
#define F_PROBE VFIO_DEVICE_FEATURE_PROBE

static const struct feat_row row_minsz = { F_MIG | F_GET, 7, 0, -EINVAL };
static const struct feat_row row_get_set = { F_STATE | F_GET | F_SET, 0, 8, -EINVAL };
static const struct feat_row row_get_set_mig = { F_MIG | F_GET | F_SET, 0, 8, -EINVAL };
static const struct feat_row row_bit19 = { F_MIG | F_GET | (1u << 19), 0, 8, -EINVAL };
static const struct feat_row row_probe_set = { F_MIG | F_SET | F_PROBE, 0, 8, -EINVAL };
static const struct feat_row row_no_mig = { F_MIG | F_GET, 0, 8, -ENOTTY };
static const struct feat_row row_no_mig_state = { F_STATE | F_GET, 0, 8, -ENOTTY };
static const struct feat_row row_no_mig_size = { VFIO_DEVICE_FEATURE_MIG_DATA_SIZE | F_GET, 0, 8, -ENOTTY };
static const struct feat_row row_short_state = { F_STATE | F_GET, 12, 4, -EINVAL };
static const struct feat_row row_no_log_start = { VFIO_DEVICE_FEATURE_DMA_LOGGING_START | F_SET, 0, 24, -ENOTTY };
static const struct feat_row row_no_log_stop = { VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP | F_SET, 0, 0, -ENOTTY };
static const struct feat_row row_no_log_report = { VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT | F_GET, 0, 32, -ENOTTY };

/* 65: PROBE answers 0 and leaves the payload alone. */
static int feat_probe_ok(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint8_t payload[8], want[8];
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	memset(payload, 0xa5, sizeof(payload));
	memcpy(want, payload, sizeof(want));
	r = feat_ioctl(ctx, F_MIG | F_GET | F_PROBE, payload, sizeof(payload), 0);
	if (conf_expect_errno(ctx, "PROBE|GET MIGRATION", r, 0, true) == CONF_PASS)
		conf_check(ctx, !memcmp(payload, want, sizeof(want)), "PROBE wrote into the payload");
	return conf_pass(ctx);
}

/* 69 */
static int mig_flags_stopcopy(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_device_feature_migration m = { .flags = 0 };
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = feat_ioctl(ctx, F_MIG | F_GET, &m, sizeof(m), 0);
	if (conf_expect_errno(ctx, "MIGRATION GET", r, 0, true) == CONF_PASS)
		conf_check(ctx, m.flags & VFIO_MIGRATION_STOP_COPY, "migration_flags 0x%llx lack STOP_COPY",
			   (unsigned long long)m.flags);
	return conf_pass(ctx);
}

/* 70 */
static int mig_state_initial(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t st;
	int32_t fd;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = mig_get(ctx, &st, &fd);
	if (conf_expect_errno(ctx, "MIG_DEVICE_STATE GET", r, 0, true) == CONF_PASS) {
		conf_check(ctx, st == ST_RUN, "initial state %u, want RUNNING (2)", st);
		conf_check(ctx, fd == -1, "GET data_fd %d, want -1", fd);
	}
	return conf_pass(ctx);
}

/* 71-73 and the support-set rule: SET(arg) fails EINVAL, state stays RUNNING. */
static int mig_set_refused(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t target = (uint32_t)(uintptr_t)c->arg;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = mig_set(ctx, target, NULL, NULL);
	conf_expect_errno(ctx, "SET of a state the device cannot enter", r, -EINVAL, true);
	mig_state_is(ctx, ST_RUN, "after the refused SET");
	return conf_pass(ctx);
}

/* ---- 74: the §1.7 combination tables ----------------------------------------- */

/* Cell: 'n' no-op, 'f' path ends in a new-fd arc, '-' no new fd, 'E' EINVAL,
 * ' ' a state outside the set. Rows are from, columns to, in uapi order
 * (ERROR, STOP, RUN, SCOPY, RESUME, RUNP2P, PRE, PREP2P). */
struct fsm_set {
	uint32_t flags;
	const char *cell[NSTATES];
};

static const struct fsm_set fsm_stopcopy = { 0x1, {
	"        ",
	" n-ff   ",
	" -nff   ",
	" --nf   ",
	" --fn   ",
	"        ", "        ", "        " } };
static const struct fsm_set fsm_p2p = { 0x3, {
	"        ",
	" n-ff-  ",
	" -nff-  ",
	" --nf-  ",
	" --fn-  ",
	" --ffn  ",
	"        ", "        " } };
static const struct fsm_set fsm_precopy = { 0x5, {
	"        ",
	" n-ff f ",
	" -nff f ",
	" --nf E ",
	" --fn f ",
	"        ",
	" ---f n ",
	"        " } };
static const struct fsm_set fsm_all = { 0x7, {
	"        ",
	" n-ff-ff",
	" -nff-ff",
	" --nf-EE",
	" --fn-ff",
	" --ffnff",
	" ---f-n-",
	" ---f--n" } };

struct image {
	uint8_t *buf;
	size_t len;
};

/* A whole saved image of this device: RUNNING -> STOP_COPY, read to the end,
 * back to RUNNING. */
static bool fsm_save_image(struct conf_ctx *ctx, struct image *img)
{
	int32_t fd = -1;
	int r;

	if (!mig_go(ctx, ST_SCOPY, &fd))
		return false;
	if (!conf_check(ctx, fd >= 0, "RUNNING -> STOP_COPY returned data_fd %d", fd))
		return false;
	r = conf_uapi_drain(ctx, fd, &img->buf, &img->len);
	vfsim_close(ctx->u.host, fd);
	if (r < 0) {
		conf_fail(ctx, "reading the STOP_COPY stream: -%s", conf_errno_name(r));
		return false;
	}
	return mig_go(ctx, ST_RUN, NULL);
}

/* Put the device in @from starting from RUNNING; a RESUMING device gets the
 * saved image so that leaving it can succeed. */
static bool fsm_reach(struct conf_ctx *ctx, uint32_t from, const struct image *img)
{
	int32_t fd = -1;
	int r;

	if (!mig_go(ctx, from, &fd))
		return false;
	if (from == ST_RESUME && fd >= 0) {
		r = conf_uapi_feed(ctx, fd, img->buf, img->len);
		if (r < 0)
			conf_fail(ctx, "writing the saved image to the resume fd: -%s", conf_errno_name(r));
	}
	if (fd >= 0)
		vfsim_close(ctx->u.host, fd);
	return true;
}

static int mig_fsm_table(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct fsm_set *set = c->arg;
	struct image img = { NULL, 0 };
	uint32_t from, to, st;
	int32_t fd;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (!conf_check(ctx, ctx->target->mig_flags == set->flags, "migration_flags 0x%x, the table is for 0x%x",
			ctx->target->mig_flags, set->flags))
		return conf_pass(ctx);
	if (!fsm_save_image(ctx, &img))
		goto out;
	for (from = ST_STOP; from < NSTATES; from++) {
		for (to = ST_STOP; to < NSTATES; to++) {
			char cell = set->cell[from][to];

			if (cell == ' ')
				continue;
			conf_note(ctx, "-- pair %u -> %u (cell '%c')", from, to, cell);
			/* Every table allows RUNNING as a target from any state. */
			if (!mig_go(ctx, ST_RUN, NULL) || !fsm_reach(ctx, from, &img))
				goto out;
			fd = 1234;
			r = mig_set(ctx, to, &fd, NULL);
			if (cell == 'E') {
				conf_expect_errno(ctx, "SET on a path the table refuses", r, -EINVAL, true);
				mig_state_is(ctx, from, "after the refused SET");
				continue;
			}
			if (conf_expect_errno(ctx, "SET on a path the table allows", r, 0, true) != CONF_PASS)
				continue;
			if (cell == 'f')
				conf_check(ctx, fd >= 0, "%u -> %u ends in a new-fd arc but data_fd is %d", from, to, fd);
			else
				conf_check(ctx, fd == -1, "%u -> %u opens no session but data_fd is %d", from, to, fd);
			/* A resume session left open gets the image, so that the
			 * next pair can leave RESUMING. */
			if (to == ST_RESUME && fd >= 0 && conf_uapi_feed(ctx, fd, img.buf, img.len) < 0)
				conf_fail(ctx, "writing the saved image to the resume fd failed");
			if (fd >= 0)
				vfsim_close(ctx->u.host, fd);
			if (mig_get(ctx, &st, NULL) == 0)
				conf_check(ctx, st == to, "%u -> %u: the device is in %u", from, to, st);
		}
	}
out:
	free(img.buf);
	return conf_pass(ctx);
}

/* ---- migration sessions: 75-87 ----------------------------------------------- */

/* 75 */
static int mig_stopcopy_to_precopy(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (!mig_go(ctx, ST_SCOPY, NULL))
		return conf_pass(ctx);
	r = mig_set(ctx, ST_PRE, NULL, NULL);
	conf_expect_errno(ctx, "STOP_COPY -> PRE_COPY", r, -EINVAL, true);
	r = mig_set(ctx, ST_PREP2P, NULL, NULL);
	conf_expect_errno(ctx, "STOP_COPY -> PRE_COPY_P2P", r, -EINVAL, true);
	mig_state_is(ctx, ST_SCOPY, "after the refused SETs");
	return conf_pass(ctx);
}

/* A resume session with a few bytes that cannot be a whole image. */
static bool mig_partial_resume(struct conf_ctx *ctx, int32_t *ret_fd)
{
	static const uint8_t junk[4] = { 0 };
	int32_t fd = -1;
	ssize_t n;

	if (!mig_go(ctx, ST_RESUME, &fd))
		return false;
	if (!conf_check(ctx, fd >= 0, "-> RESUMING returned data_fd %d", fd))
		return false;
	n = vfsim_write(ctx->u.host, fd, junk, sizeof(junk));
	conf_note(ctx, "write(resume fd, 4 bytes) = %zd", n);
	*ret_fd = fd;
	return true;
}

/* 76: the failing SET copies back the requested state and data_fd -1. */
static int mig_fail_copyback(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t st = 0;
	int32_t fd = -1, dfd = 0;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (!mig_partial_resume(ctx, &fd))
		return conf_pass(ctx);
	r = mig_set(ctx, ST_STOP, &dfd, &st);
	if (r >= 0) {
		conf_non_strict(ctx, "RESUMING -> STOP with a 4-byte image succeeded; no driver failure to observe");
	} else {
		conf_check(ctx, st == ST_STOP, "failed SET copied back device_state %u, want the requested 1", st);
		conf_check(ctx, dfd == -1, "failed SET copied back data_fd %d, want -1", dfd);
	}
	vfsim_close(ctx->u.host, fd);
	return conf_pass(ctx);
}

/* 83 (mtty personality, checked loosely: §1.7 lets a driver stay in
 * RESUMING, go to STOP or to ERROR after a failed load, but STOP means the
 * short image was accepted). */
static int mig_resume_short(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t st = 0;
	int32_t fd = -1;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (!mig_partial_resume(ctx, &fd))
		return conf_pass(ctx);
	r = mig_set(ctx, ST_STOP, NULL, NULL);
	conf_expect_errno(ctx, "RESUMING -> STOP with a partial image", r, -EINVAL, false);
	if (mig_get(ctx, &st, NULL) == 0 && st != ST_RESUME)
		conf_non_strict(ctx, "after the failed load the state is %u; mtty stays RESUMING (4)", st);
	vfsim_close(ctx->u.host, fd);
	return conf_pass(ctx);
}

/* 77, 78: the saving group keeps one fd. */
static int mig_saving_group(struct conf_ctx *ctx, const struct conf_case *c)
{
	bool info = c->arg != NULL;
	int32_t a = -1, fd2 = 1234;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (!mig_go(ctx, ST_PRE, &a))
		return conf_pass(ctx);
	if (!conf_check(ctx, a >= 0, "RUNNING -> PRE_COPY returned data_fd %d", a))
		return conf_pass(ctx);
	r = mig_set(ctx, ST_SCOPY, &fd2, NULL);
	if (conf_expect_errno(ctx, "PRE_COPY -> STOP_COPY", r, 0, true) == CONF_PASS) {
		conf_check(ctx, fd2 == -1, "PRE_COPY -> STOP_COPY returned a new data_fd %d", fd2);
		if (fd2 >= 0)
			vfsim_close(ctx->u.host, fd2);
		if (info) {
			struct vfio_precopy_info pi = { .argsz = sizeof(pi) };

			r = conf_ioctl(ctx, a, VFIO_MIG_GET_PRECOPY_INFO, &pi);
			conf_expect_errno(ctx, "PRECOPY_INFO in STOP_COPY", r, -EINVAL, true);
		} else {
			r = conf_uapi_drain(ctx, a, NULL, NULL);
			conf_check(ctx, r == 0, "fd A did not stream to a 0-byte end: -%s", conf_errno_name(r));
		}
	}
	vfsim_close(ctx->u.host, a);
	return conf_pass(ctx);
}

/* 79 and MFD-03: PRECOPY_INFO in PRE_COPY. */
static int mig_precopy_info(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_precopy_info pi;
	bool minsz = c->arg != NULL;
	int32_t a = -1;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (!mig_go(ctx, ST_PRE, &a) || !conf_check(ctx, a >= 0, "-> PRE_COPY returned data_fd %d", a))
		return conf_pass(ctx);
	memset(&pi, 0, sizeof(pi));
	pi.argsz = minsz ? 16 : sizeof(pi);
	r = conf_ioctl(ctx, a, VFIO_MIG_GET_PRECOPY_INFO, &pi);
	if (minsz) {
		conf_expect_errno(ctx, "PRECOPY_INFO argsz=16", r, -EINVAL, true);
	} else if (conf_expect_errno(ctx, "PRECOPY_INFO", r, 0, true) == CONF_PASS) {
		conf_check(ctx, pi.initial_bytes > 0, "initial_bytes is 0 at the start of PRE_COPY");
		conf_check(ctx, pi.dirty_bytes == 0, "dirty_bytes %llu at the start, want 0",
			   (unsigned long long)pi.dirty_bytes);
	}
	vfsim_close(ctx->u.host, a);
	return conf_pass(ctx);
}

/* 80, 81 on a save (arg NULL) or resume fd. */
static int mig_data_fd_misuse(struct conf_ctx *ctx, const struct conf_case *c)
{
	bool resume = c->arg != NULL;
	struct vfio_device_info info = { .argsz = sizeof(info) };
	uint8_t b[8] = { 0 };
	int32_t fd = -1;
	ssize_t n;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (!mig_go(ctx, resume ? ST_RESUME : ST_SCOPY, &fd) || !conf_check(ctx, fd >= 0, "no data fd: %d", fd))
		return conf_pass(ctx);
	if (!strcmp(c->rule, "UAPI-FEAT-80")) {
		r = conf_ioctl(ctx, fd, VFIO_DEVICE_GET_INFO, &info);
		conf_expect_errno(ctx, "DEVICE_GET_INFO on a data fd", r, -ENOTTY, true);
	} else if (resume) {
		n = vfsim_pwrite(ctx->u.host, fd, b, sizeof(b), 0);
		conf_expect_errno(ctx, "pwrite(offset 0) on the resume fd", (int)n, -ESPIPE, true);
	} else {
		n = vfsim_pread(ctx->u.host, fd, b, sizeof(b), 0);
		conf_expect_errno(ctx, "pread(offset 0) on the save fd", (int)n, -ESPIPE, true);
	}
	vfsim_close(ctx->u.host, fd);
	return conf_pass(ctx);
}

/* 82 (mtty personality: ENODEV; another failure is NON-STRICT, data is FAIL
 * only in that the session is over, so it is NON-STRICT too). */
static int mig_session_closed(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint8_t b[16];
	int32_t fd = -1;
	ssize_t n;
	int v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (!mig_go(ctx, ST_SCOPY, &fd) || !conf_check(ctx, fd >= 0, "no data fd: %d", fd))
		return conf_pass(ctx);
	if (mig_go(ctx, ST_STOP, NULL)) {
		n = vfsim_read(ctx->u.host, fd, b, sizeof(b));
		conf_note(ctx, "read(old save fd) = %zd", n);
		if (n >= 0)
			conf_non_strict(ctx, "read on an ended session returned %zd, mtty fails ENODEV", n);
		else
			conf_expect_errno(ctx, "read on an ended session", (int)n, -ENODEV, false);
	}
	vfsim_close(ctx->u.host, fd);
	return conf_pass(ctx);
}

/* 86: reset from @arg's state; a session fd no longer works. */
static int mig_reset_to_running(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t from = (uint32_t)(uintptr_t)c->arg;
	uint8_t b[16] = { 0 };
	int32_t fd = -1;
	ssize_t n;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (!mig_go(ctx, from, &fd))
		return conf_pass(ctx);
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_RESET, NULL);
	if (conf_expect_errno(ctx, "VFIO_DEVICE_RESET", r, 0, true) == CONF_PASS) {
		mig_state_is(ctx, ST_RUN, "after VFIO_DEVICE_RESET");
		if (fd >= 0) {
			if (from == ST_RESUME)
				n = vfsim_write(ctx->u.host, fd, b, sizeof(b));
			else
				n = vfsim_read(ctx->u.host, fd, b, sizeof(b));
			conf_note(ctx, "i/o on the old data fd = %zd", n);
			if (n >= 0)
				conf_fail(ctx, "the session fd still moves data after reset (%zd bytes)", n);
			else
				conf_expect_errno(ctx, "i/o on the old data fd", (int)n, -ENODEV, false);
		}
	}
	if (fd >= 0)
		vfsim_close(ctx->u.host, fd);
	return conf_pass(ctx);
}

/* 87 */
static int mig_data_size(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_device_feature_mig_data_size ds = { .stop_copy_length = 0 };
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = feat_ioctl(ctx, VFIO_DEVICE_FEATURE_MIG_DATA_SIZE | F_GET, &ds, sizeof(ds), 0);
	conf_expect_errno(ctx, "MIG_DATA_SIZE GET", r, 0, true);
	conf_note(ctx, "stop_copy_length = %llu", (unsigned long long)ds.stop_copy_length);
	return conf_pass(ctx);
}

/* ---- DMA logging: 88-93 ------------------------------------------------------- */

#define LOG_MAX_RANGES 300

struct log_row {
	uint64_t page_size;
	uint32_t num_ranges;
	struct vfio_device_feature_dma_logging_range r[2];	/* the rest are disjoint pages */
	int want;
};

static int dmalog_start_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct log_row *row = c->arg;
	struct vfio_device_feature_dma_logging_range *ranges;
	struct vfio_device_feature_dma_logging_control ctl;
	uint32_t i;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	ranges = calloc(LOG_MAX_RANGES, sizeof(*ranges));
	if (!ranges)
		return conf_harness_error(ctx, "out of memory");
	for (i = 0; i < LOG_MAX_RANGES; i++) {
		ranges[i].iova = (uint64_t)(i + 16) * 0x100000;
		ranges[i].length = 0x1000;
	}
	memcpy(ranges, row->r, sizeof(row->r));
	memset(&ctl, 0, sizeof(ctl));
	ctl.page_size = row->page_size;
	ctl.num_ranges = row->num_ranges;
	ctl.ranges = (uint64_t)(uintptr_t)ranges;
	r = feat_ioctl(ctx, VFIO_DEVICE_FEATURE_DMA_LOGGING_START | F_SET, &ctl, sizeof(ctl), 0);
	conf_expect_errno(ctx, c->summary, r, row->want, true);
	free(ranges);
	return conf_pass(ctx);
}

static const struct log_row log_zero = { 4096, 0, { { 0, 4096 }, { 0x100000, 4096 } }, -EINVAL };
static const struct log_row log_too_many = { 4096, 4096 / 16 + 1, { { 0, 4096 }, { 0x1000, 4096 } }, -E2BIG };
static const struct log_row log_overlap = { 4096, 2, { { 0, 0x3000 }, { 0x2000, 0x2000 } }, -EINVAL };
static const struct log_row log_unaligned_iova = { 4096, 1, { { 0x800, 4096 }, { 0, 0 } }, -EINVAL };
static const struct log_row log_unaligned_len = { 4096, 1, { { 0x1000, 0x1800 }, { 0, 0 } }, -EINVAL };
static const struct log_row log_overflow = { 4096, 1, { { 0xfffffffffffff000ull, 0x2000 }, { 0, 0 } },
					      -EOVERFLOW };

struct report_row {
	uint64_t iova, length, page_size;
	int want;
};

static int dmalog_report_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct report_row *row = c->arg;
	struct vfio_device_feature_dma_logging_report rep;
	uint64_t bitmap[4] = { 0 };
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	memset(&rep, 0, sizeof(rep));
	rep.iova = row->iova;
	rep.length = row->length;
	rep.page_size = row->page_size;
	rep.bitmap = (uint64_t)(uintptr_t)bitmap;
	r = feat_ioctl(ctx, VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT | F_GET, &rep, sizeof(rep), 0);
	conf_expect_errno(ctx, c->summary, r, row->want, true);
	return conf_pass(ctx);
}

static const struct report_row rep_small = { 0, 0x10000, 2048, -EINVAL };
static const struct report_row rep_not_pow2 = { 0, 0x30000, 12288, -EINVAL };
static const struct report_row rep_wrap = { 0xfffffffffffff000ull, 0x2000, 4096, -EOVERFLOW };

#define MIG "migration"
#define ST(s) ((void *)(uintptr_t)(s))

static const struct conf_case cases[] = {
	{ "UAPI-FEAT-001", "UAPI-FEAT-62", U, NULL, feat_row, &row_minsz,
	  "feat_minsz: DEVICE_FEATURE argsz=7 is EINVAL" },
	{ "UAPI-FEAT-002", "UAPI-FEAT-63", U, NULL, feat_row, &row_get_set,
	  "feat_get_and_set: MIG_DEVICE_STATE GET|SET without PROBE is EINVAL" },
	{ "UAPI-FEAT-003", "UAPI-FEAT-63", U, NULL, feat_row, &row_get_set_mig,
	  "MIGRATION GET|SET without PROBE is EINVAL" },
	{ "UAPI-FEAT-004", "UAPI-FEAT-64", U, NULL, feat_row, &row_bit19,
	  "feat_unknown_flag: flag bit 19 is EINVAL" },
	{ "UAPI-FEAT-005", "UAPI-FEAT-65", U, MIG, feat_probe_ok, NULL,
	  "feat_probe_ok: PROBE|GET MIGRATION returns 0 and writes no payload" },
	{ "UAPI-FEAT-006", "UAPI-FEAT-66", U, MIG, feat_row, &row_probe_set,
	  "feat_probe_unsupported_op: PROBE|SET MIGRATION (GET-only) is EINVAL" },
	{ "UAPI-FEAT-007", "UAPI-FEAT-67", U, "!" MIG, feat_row, &row_no_mig,
	  "feat_no_migration: MIGRATION GET without mig_ops is ENOTTY" },
	{ "UAPI-FEAT-008", "UAPI-FEAT-67", U, "!" MIG, feat_row, &row_no_mig_state,
	  "MIG_DEVICE_STATE GET without mig_ops is ENOTTY" },
	{ "UAPI-FEAT-009", "UAPI-FEAT-68", U, MIG, feat_row, &row_short_state,
	  "feat_short_payload: MIG_DEVICE_STATE GET argsz=8+4 is EINVAL" },
	{ "UAPI-FEAT-010", "UAPI-FEAT-69", U, MIG, mig_flags_stopcopy, NULL,
	  "mig_flags_require_stopcopy: MIGRATION GET has STOP_COPY" },
	{ "UAPI-FEAT-011", "UAPI-FEAT-70", U, MIG, mig_state_initial, NULL,
	  "mig_state_initial: GET after open is RUNNING with data_fd -1" },
	{ "UAPI-FEAT-012", "UAPI-FEAT-71", U, MIG, mig_set_refused, ST(ST_ERROR),
	  "mig_set_error: SET(ERROR) is EINVAL, state unchanged" },
	{ "UAPI-FEAT-013", "UAPI-FEAT-72", U, MIG ",!mig-p2p", mig_set_refused, ST(ST_RUNP2P),
	  "mig_set_unsupported_state: SET(RUNNING_P2P) without P2P is EINVAL" },
	{ "UAPI-FEAT-014", "UAPI-MIG-01", U, MIG ",!mig-precopy", mig_set_refused, ST(ST_PRE),
	  "SET(PRE_COPY) without PRE_COPY support is EINVAL" },
	{ "UAPI-FEAT-015", "UAPI-FEAT-73", U, MIG, mig_set_refused, ST(8),
	  "mig_set_out_of_range: SET(8) is EINVAL" },
	{ "UAPI-FEAT-016", "UAPI-FEAT-74", U, MIG ",!mig-p2p,!mig-precopy", mig_fsm_table, &fsm_stopcopy,
	  "mig_fsm_table_stopcopy: every (from, to) of the STOP_COPY set: result, fd, final state" },
	{ "UAPI-FEAT-017", "UAPI-FEAT-74", U, "mig-p2p,!mig-precopy", mig_fsm_table, &fsm_p2p,
	  "mig_fsm_table_p2p: every (from, to) of the STOP_COPY|P2P set" },
	{ "UAPI-FEAT-018", "UAPI-FEAT-74", U, "mig-precopy,!mig-p2p", mig_fsm_table, &fsm_precopy,
	  "mig_fsm_table_precopy: every (from, to) of the STOP_COPY|PRE_COPY set" },
	{ "UAPI-FEAT-019", "UAPI-FEAT-74", U, "mig-p2p,mig-precopy", mig_fsm_table, &fsm_all,
	  "mig_fsm_table_all: every (from, to) of the STOP_COPY|P2P|PRE_COPY set" },
	{ "UAPI-FEAT-020", "UAPI-FEAT-75", U, "mig-precopy", mig_stopcopy_to_precopy, NULL,
	  "mig_stopcopy_to_precopy: STOP_COPY -> PRE_COPY(_P2P) is EINVAL, state STOP_COPY" },
	{ "UAPI-FEAT-021", "UAPI-FEAT-76", U, MIG, mig_fail_copyback, NULL,
	  "mig_fail_copyback: a failed RESUMING -> STOP copies back device_state=STOP, data_fd=-1" },
	{ "UAPI-FEAT-022", "UAPI-FEAT-77", U, "mig-precopy", mig_saving_group, NULL,
	  "mig_saving_group_same_fd: PRE_COPY fd A, -> STOP_COPY gives data_fd -1, A streams to 0" },
	{ "UAPI-FEAT-023", "UAPI-FEAT-78", U, "mig-precopy", mig_saving_group, ST(1),
	  "mig_precopy_info_state: PRECOPY_INFO on A in STOP_COPY is EINVAL" },
	{ "UAPI-FEAT-024", "UAPI-FEAT-79", U, "mig-precopy", mig_precopy_info, ST(1),
	  "mig_precopy_info_minsz: PRECOPY_INFO argsz=16 is EINVAL" },
	{ "UAPI-FEAT-025", "UAPI-MFD-03", U, "mig-precopy", mig_precopy_info, NULL,
	  "PRECOPY_INFO at the start of PRE_COPY: initial_bytes > 0, dirty_bytes 0" },
	{ "UAPI-FEAT-026", "UAPI-FEAT-80", U, MIG, mig_data_fd_misuse, NULL,
	  "mig_precopy_info_bad_cmd: DEVICE_GET_INFO on a save fd is ENOTTY" },
	{ "UAPI-FEAT-027", "UAPI-FEAT-80", U, MIG, mig_data_fd_misuse, ST(1),
	  "DEVICE_GET_INFO on a resume fd is ENOTTY" },
	{ "UAPI-FEAT-028", "UAPI-FEAT-81", U, MIG, mig_data_fd_misuse, NULL,
	  "mig_data_fd_pread: pread with an offset on a save fd is ESPIPE" },
	{ "UAPI-FEAT-029", "UAPI-FEAT-81", U, MIG, mig_data_fd_misuse, ST(1),
	  "pwrite with an offset on a resume fd is ESPIPE" },
	{ "UAPI-FEAT-030", "UAPI-FEAT-82", U, MIG, mig_session_closed, NULL,
	  "mig_session_closed: STOP_COPY -> STOP, read on the old fd fails (mtty: ENODEV)" },
	{ "UAPI-FEAT-031", "UAPI-FEAT-83", U, MIG, mig_resume_short, NULL,
	  "mig_resume_short_image: RESUMING with 4 bytes, SET(STOP) is EINVAL (mtty: stays RESUMING)" },
	{ "UAPI-FEAT-032", "UAPI-FEAT-86", U, MIG ",reset", mig_reset_to_running, ST(ST_SCOPY),
	  "mig_reset_to_running: reset in STOP_COPY reads RUNNING, the save fd is dead" },
	{ "UAPI-FEAT-033", "UAPI-FEAT-86", U, MIG ",reset", mig_reset_to_running, ST(ST_RESUME),
	  "reset in RESUMING reads RUNNING, the resume fd is dead" },
	{ "UAPI-FEAT-034", "UAPI-FEAT-86", U, MIG ",reset", mig_reset_to_running, ST(ST_STOP),
	  "reset in STOP reads RUNNING" },
	{ "UAPI-FEAT-035", "UAPI-FEAT-86", U, "mig-precopy,reset", mig_reset_to_running, ST(ST_PRE),
	  "reset in PRE_COPY reads RUNNING, the save fd is dead" },
	{ "UAPI-FEAT-036", "UAPI-FEAT-87", U, MIG, mig_data_size, NULL,
	  "mig_data_size: MIG_DATA_SIZE GET returns 0" },
	{ "UAPI-FEAT-037", "UAPI-FEAT-87", U, "!" MIG, feat_row, &row_no_mig_size,
	  "MIG_DATA_SIZE GET without mig_ops is ENOTTY" },
	{ "UAPI-FEAT-038", "UAPI-FEAT-88", U, "dma-logging", dmalog_start_row, &log_zero,
	  "dmalog_zero_ranges: START num_ranges=0 is EINVAL" },
	{ "UAPI-FEAT-039", "UAPI-FEAT-89", U, "dma-logging", dmalog_start_row, &log_too_many,
	  "dmalog_too_many: START num_ranges=257 is E2BIG" },
	{ "UAPI-FEAT-040", "UAPI-FEAT-90", U, "dma-logging", dmalog_start_row, &log_overlap,
	  "dmalog_overlap: START with two overlapping ranges is EINVAL" },
	{ "UAPI-FEAT-041", "UAPI-FEAT-91", U, "dma-logging", dmalog_start_row, &log_unaligned_iova,
	  "dmalog_unaligned: START range iova 0x800 with page_size 4096 is EINVAL" },
	{ "UAPI-FEAT-042", "UAPI-FEAT-91", U, "dma-logging", dmalog_start_row, &log_unaligned_len,
	  "START range length 0x1800 with page_size 4096 is EINVAL" },
	{ "UAPI-FEAT-043", "UAPI-LOG-01", U, "dma-logging", dmalog_start_row, &log_overflow,
	  "START range with iova + length wrapping is EOVERFLOW" },
	{ "UAPI-FEAT-044", "UAPI-FEAT-92", U, "dma-logging", dmalog_report_row, &rep_small,
	  "dmalog_report_pgsize: REPORT page_size=2048 is EINVAL" },
	{ "UAPI-FEAT-045", "UAPI-FEAT-92", U, "dma-logging", dmalog_report_row, &rep_not_pow2,
	  "REPORT page_size=12288 (not a power of 2) is EINVAL" },
	{ "UAPI-FEAT-046", "UAPI-FEAT-93", U, "dma-logging", dmalog_report_row, &rep_wrap,
	  "dmalog_report_overflow: REPORT with iova + length wrapping is EOVERFLOW" },
	{ "UAPI-FEAT-047", "UAPI-LOG-02", U, "!dma-logging", feat_row, &row_no_log_start,
	  "DMA_LOGGING_START without log_ops is ENOTTY" },
	{ "UAPI-FEAT-048", "UAPI-LOG-02", U, "!dma-logging", feat_row, &row_no_log_stop,
	  "DMA_LOGGING_STOP without log_ops is ENOTTY" },
	{ "UAPI-FEAT-049", "UAPI-LOG-02", U, "!dma-logging", feat_row, &row_no_log_report,
	  "DMA_LOGGING_REPORT without log_ops is ENOTTY" },
};

const struct conf_table conf_uapi_feature_table = { cases, sizeof(cases) / sizeof(cases[0]) };
