/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * White-box tests of uapi-feature.c through the public file API:
 * VFIO_DEVICE_FEATURE's envelope and vfio_check_feature matrix, migration
 * (MIGRATION, MIG_DEVICE_STATE, MIG_DATA_SIZE, the data fd), DMA logging,
 * low power, and a save/resume round trip between two dmaengine devices.
 * Expectations come from the kernel-uapi spec (conformance items 62-93) and
 * the fixtures, never from sim/'s tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "uapi.h"
#include "mig.h"
#include "rules.h"
#include "test-util.h"

#define IDX(i) ((off_t)((uint64_t)(i) << 40))
#define NOT_OPEN 0x7ffffff0
#define GET VFIO_DEVICE_FEATURE_GET
#define SET VFIO_DEVICE_FEATURE_SET
#define PROBE VFIO_DEVICE_FEATURE_PROBE

/* One DEVICE_FEATURE call: @payload (len bytes) follows the envelope and
 * is copied back. argsz is given separately so it can lie. */
static int feat(struct tu_vfio *e, struct tu_vdev *t, uint32_t flags, uint32_t argsz,
		void *payload, size_t len)
{
	uint8_t buf[256];
	struct vfio_device_feature hdr = { .argsz = argsz, .flags = flags };
	int rc;

	assert_true(len <= sizeof(buf) - sizeof(hdr));
	memset(buf, 0xa5, sizeof(buf));
	memcpy(buf, &hdr, sizeof(hdr));
	if (len)
		memcpy(buf + sizeof(hdr), payload, len);
	rc = vfsim_ioctl(e->host, t->fd, VFIO_DEVICE_FEATURE, buf);
	if (len)
		memcpy(payload, buf + sizeof(hdr), len);
	return rc;
}

static int mig_set(struct tu_vfio *e, struct tu_vdev *t, uint32_t state,
		   struct vfio_device_feature_mig_state *ret)
{
	struct vfio_device_feature_mig_state m = { .device_state = state, .data_fd = -7 };
	int rc = feat(e, t, SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, 16, &m, sizeof(m));

	if (ret)
		*ret = m;
	return rc;
}

static uint32_t mig_get(struct tu_vfio *e, struct tu_vdev *t)
{
	struct vfio_device_feature_mig_state m = { .device_state = 99, .data_fd = -7 };

	assert_int_equal(feat(e, t, GET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, 16, &m, sizeof(m)),
			 0);
	assert_int_equal(m.data_fd, -1);
	return m.device_state;
}

/* ---- envelope and vfio_check_feature ------------------------------------------- */

static const struct env_case {
	const char *profile;
	uint32_t flags, argsz;
	int rc;
	int rule;
	const char *what;
} env_cases[] = {
	{ "dmaengine", GET | VFIO_DEVICE_FEATURE_MIGRATION, 7, -EINVAL, RULE_FEAT_ARGSZ,
			"feat_minsz (62)" },
	{ "dmaengine", GET | SET | VFIO_DEVICE_FEATURE_MIGRATION, 16, -EINVAL,
			RULE_FEAT_GET_AND_SET,
	  "feat_get_and_set (63)" },
	{ "dmaengine", (1u << 19) | GET | VFIO_DEVICE_FEATURE_MIGRATION, 16, -EINVAL,
			RULE_FEAT_FLAGS_UNKNOWN,
	  "feat_unknown_flag (64)" },
	{ "dmaengine", PROBE | GET | VFIO_DEVICE_FEATURE_MIGRATION, 8, 0, RULE_NONE,
			"feat_probe_ok (65)" },
	{ "dmaengine", PROBE | SET | VFIO_DEVICE_FEATURE_MIGRATION, 16, -EINVAL,
			RULE_FEAT_OP_UNSUPPORTED,
	  "feat_probe_unsupported_op (66)" },
	{ "minimal", GET | VFIO_DEVICE_FEATURE_MIGRATION, 16, -ENOTTY, RULE_FEAT_NOT_SUPPORTED,
	  "feat_no_migration (67)" },
	{ "minimal", PROBE | VFIO_DEVICE_FEATURE_MIGRATION, 8, -ENOTTY, RULE_FEAT_NOT_SUPPORTED,
	  "no mig_ops answers ENOTTY before the PROBE" },
	{ "dmaengine", GET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, 12, -EINVAL,
			RULE_FEAT_PAYLOAD_SHORT,
	  "feat_short_payload (68)" },
	{ "dmaengine", PROBE | GET | SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, 8, 0, RULE_NONE,
	  "PROBE with GET|SET on a GET/SET feature" },
	{ "dmaengine", PROBE | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, 8, 0, RULE_NONE,
			"bare PROBE" },
	{ "dmaengine", VFIO_DEVICE_FEATURE_MIGRATION, 16, -EINVAL, RULE_FEAT_NO_OP,
			"neither GET nor SET" },
	{ "dmaengine", GET | 10, 64, -ENOTTY, RULE_FEAT_UNKNOWN_INDEX,
			"index 10 unknown to vfio-pci" },
	{ "dmaengine", GET | 0xffff, 64, -ENOTTY, RULE_FEAT_UNKNOWN_INDEX, "index 0xffff" },
	{ "dmaengine", SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, 24, -ENOTTY, RULE_FEAT_VF_TOKEN,
			"no VF token" },
	{ "dmaengine", GET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, 24, -ENOTTY, RULE_FEAT_VF_TOKEN,
	  "no VF token (before the GET check)" },
	{ "mig-stopcopy", SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, 8, -ENOTTY,
			RULE_FEAT_NOT_SUPPORTED,
	  "no log_ops" },
	{ "mig-stopcopy", PROBE | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, 8, -ENOTTY,
			RULE_FEAT_NOT_SUPPORTED,
	  "no log_ops, PROBE" },
	{ "gpio", SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 8, -ENOTTY, RULE_FEAT_NOT_SUPPORTED,
	  "no low power" },
	{ "minimal", GET | VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, 16, -ENOTTY, RULE_FEAT_NOT_SUPPORTED,
	  "MIG_DATA_SIZE without mig_ops" },
	{ "dmaengine", GET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 8, -EINVAL,
			RULE_FEAT_OP_UNSUPPORTED,
	  "LOW_POWER_ENTRY is SET only" },
	{ "dmaengine", SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, 64, -EINVAL,
			RULE_FEAT_OP_UNSUPPORTED,
	  "REPORT is GET only" },
	{ "dmaengine", SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_START, 8 + 23, -EINVAL,
			RULE_FEAT_PAYLOAD_SHORT,
	  "START needs 24 bytes" },
	{ "dmaengine", GET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, 8 + 31, -EINVAL,
			RULE_FEAT_PAYLOAD_SHORT,
	  "REPORT needs 32 bytes" },
	{ "dmaengine", SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP, 12, -EINVAL,
	  RULE_FEAT_PAYLOAD_SHORT, "WITH_WAKEUP needs 8 bytes" },
	{ "dmaengine", GET | VFIO_DEVICE_FEATURE_MIGRATION, 15, -EINVAL, RULE_FEAT_PAYLOAD_SHORT,
	  "MIGRATION needs 8 bytes" },
};

static void test_envelope_matrix(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(env_cases) / sizeof(env_cases[0]); i++) {
		const struct env_case *c = &env_cases[i];
		uint8_t payload[64];
		struct tu_vfio e;
		struct tu_vdev *t;
		size_t k;
		int rc;

		t = tu_vfio_open(&e, c->profile, 5, "0000:00:05.0");
		memset(payload, 0x5a, sizeof(payload));
		rc = feat(&e, t, c->flags, c->argsz, payload, sizeof(payload));
		if (c->rc) {
			tu_assert_rejected(rc, c->rc, c->rule);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
		}
		/* Refusals and PROBE write no payload. */
		for (k = 0; k < sizeof(payload); k++)
			assert_int_equal(payload[k], 0x5a);
		tu_vfio_close(&e);
	}
}

/* ---- MIGRATION and MIG_DEVICE_STATE ------------------------------------------------- */

static const struct {
	const char *profile;
	uint64_t flags;
} migflags_cases[] = {
	{ "mig-stopcopy", VFIO_MIGRATION_STOP_COPY },
	{ "mig-p2p", VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P },
	{ "mig-precopy", VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY },
	{ "dmaengine", VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | VFIO_MIGRATION_PRE_COPY },
};

/* mig_flags_require_stopcopy (69), mig_state_initial (70) */
static void test_migration_flags(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(migflags_cases) / sizeof(migflags_cases[0]); i++) {
		struct vfio_device_feature_migration m = { .flags = 0 };
		struct tu_vfio e;
		struct tu_vdev *t;

		t = tu_vfio_open(&e, migflags_cases[i].profile, 5, "0000:00:05.0");
		assert_int_equal(feat(&e, t, GET | VFIO_DEVICE_FEATURE_MIGRATION, 16, &m,
				      sizeof(m)), 0);
		assert_true(m.flags == migflags_cases[i].flags);
		assert_int_equal(mig_get(&e, t), VFIO_DEVICE_STATE_RUNNING);
		tu_vfio_close(&e);
	}
}

static const struct {
	const char *profile;
	uint32_t target;
	int rule;
	const char *what;
} migset_bad[] = {
	{ "mig-stopcopy", VFIO_DEVICE_STATE_ERROR, RULE_MIG_STATE_ERROR, "mig_set_error (71)" },
	{ "mig-stopcopy", VFIO_DEVICE_STATE_RUNNING_P2P, RULE_MIG_STATE_UNSUPPORTED,
			"mig_set_unsupported_state (72)" },
	{ "mig-stopcopy", VFIO_DEVICE_STATE_PRE_COPY, RULE_MIG_STATE_UNSUPPORTED,
			"PRE_COPY without the flag" },
	{ "mig-p2p", VFIO_DEVICE_STATE_PRE_COPY_P2P, RULE_MIG_STATE_UNSUPPORTED,
			"PRE_COPY_P2P without PRE_COPY" },
	{ "dmaengine", 8, RULE_MIG_STATE_RANGE, "mig_set_out_of_range (73)" },
	{ "dmaengine", 0xffffffffu, RULE_MIG_STATE_RANGE, "far out of range" },
};

static void test_mig_set_refused(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(migset_bad) / sizeof(migset_bad[0]); i++) {
		struct vfio_device_feature_mig_state m;
		struct tu_vfio e;
		struct tu_vdev *t;

		t = tu_vfio_open(&e, migset_bad[i].profile, 5, "0000:00:05.0");
		tu_assert_rejected(mig_set(&e, t, migset_bad[i].target, &m), -EINVAL,
				   migset_bad[i].rule);
		/* copied back: the requested state, data_fd -1; state unchanged */
		assert_int_equal(m.device_state, migset_bad[i].target);
		assert_int_equal(m.data_fd, -1);
		assert_int_equal(mig_get(&e, t), VFIO_DEVICE_STATE_RUNNING);
		tu_vfio_close(&e);
	}
}

/* mig_fail_copyback (76), then mig_reset_to_running (86) from ERROR */
static void test_mig_fail_copyback_and_reset(void **state)
{
	struct vfio_device_feature_mig_state m;
	struct tu_vfio e;
	struct tu_vdev *t;

	t = tu_vfio_open(&e, "mig-stopcopy", 5, "0000:00:05.0");
	mig_inject_arc_failure(t->dev->mig, VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_STOP,
			       -EIO);
	tu_assert_rejected(mig_set(&e, t, VFIO_DEVICE_STATE_STOP_COPY, &m), -EIO,
			   RULE_MIG_ARC_FAILED);
	assert_int_equal(m.device_state, VFIO_DEVICE_STATE_STOP_COPY);
	assert_int_equal(m.data_fd, -1);
	assert_int_equal(mig_get(&e, t), VFIO_DEVICE_STATE_ERROR);
	tu_assert_rejected(mig_set(&e, t, VFIO_DEVICE_STATE_RUNNING, &m), -EINVAL,
			   RULE_MIG_FROM_ERROR);
	assert_int_equal(vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_RESET, NULL), 0);
	assert_int_equal(mig_get(&e, t), VFIO_DEVICE_STATE_RUNNING);
	tu_vfio_close(&e);
}

/* mig_stopcopy_to_precopy (75) */
static void test_mig_stopcopy_to_precopy(void **state)
{
	struct vfio_device_feature_mig_state m;
	struct tu_vfio e;
	struct tu_vdev *t;

	t = tu_vfio_open(&e, "dmaengine", 5, "0000:00:05.0");
	assert_int_equal(mig_set(&e, t, VFIO_DEVICE_STATE_STOP_COPY, &m), 0);
	assert_true(m.data_fd >= 0);
	tu_assert_rejected(mig_set(&e, t, VFIO_DEVICE_STATE_PRE_COPY, &m), -EINVAL,
			   RULE_MIG_ARC_BLOCKED);
	tu_assert_rejected(mig_set(&e, t, VFIO_DEVICE_STATE_PRE_COPY_P2P, &m), -EINVAL,
			   RULE_MIG_ARC_BLOCKED);
	assert_int_equal(mig_get(&e, t), VFIO_DEVICE_STATE_STOP_COPY);
	tu_vfio_close(&e);
}

/* ---- the data fd --------------------------------------------------------------- */

static int precopy_info(struct tu_vfio *e, int fd, uint32_t argsz, struct vfio_precopy_info *ret)
{
	struct vfio_precopy_info p = { .argsz = argsz };
	int rc = vfsim_ioctl(e->host, fd, VFIO_MIG_GET_PRECOPY_INFO, &p);

	if (ret)
		*ret = p;
	return rc;
}

/* Read the stream until read() returns 0, ENOMSG or an error. */
static ssize_t drain(struct tu_vfio *e, int fd, uint8_t *buf, size_t cap, size_t *len)
{
	ssize_t r;

	for (;;) {
		assert_true(*len < cap);
		r = vfsim_read(e->host, fd, buf + *len, cap - *len > 4096 ? 4096 : cap - *len);
		if (r <= 0)
			return r;
		*len += (size_t)r;
	}
}

/* Items 77-82: the PRE_COPY fd continues into STOP_COPY, PRECOPY_INFO, ESPIPE,
 * ENOTTY, and ENODEV once the session ended. */
static void test_mig_precopy_fd(void **state)
{
	struct vfio_device_feature_mig_state m;
	struct vfio_precopy_info pi;
	struct tu_vfio e;
	struct tu_vdev *t;
	size_t cap = 8 << 20, len = 0;
	uint8_t *img = malloc(cap), b = 0;
	struct pollfd p;
	int fd, fl;

	assert_non_null(img);
	t = tu_vfio_open(&e, "mig-precopy", 5, "0000:00:05.0");
	assert_int_equal(mig_set(&e, t, VFIO_DEVICE_STATE_PRE_COPY, &m), 0);
	fd = m.data_fd;
	assert_true(fd >= 0);
	assert_int_equal(m.device_state, VFIO_DEVICE_STATE_PRE_COPY);
	fl = fcntl(fd, F_GETFD);
	assert_true(fl >= 0 && (fl & FD_CLOEXEC));
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 0), 1);

	tu_assert_rejected(precopy_info(&e, fd, 16, NULL), -EINVAL,
			   RULE_MIGFD_PRECOPY_ARGSZ);	/* 79 */
	assert_int_equal(precopy_info(&e, fd, 24, &pi), 0);
	assert_true(pi.initial_bytes > 0);
	tu_assert_rejected(vfsim_ioctl(e.host, fd, VFIO_DEVICE_GET_INFO, &pi), -ENOTTY,
			   RULE_MIGFD_IOCTL_UNKNOWN); /* 80 */
	tu_assert_rejected((int)vfsim_pread(e.host, fd, &b, 1, 0), -ESPIPE,
			   RULE_UAPI_RW_SPIPE);	/* 81 */
	tu_assert_rejected((int)vfsim_write(e.host, fd, &b, 1), -EBADF, RULE_UAPI_RW_ACCMODE);

	/* PRE_COPY: read the initial data up to the temporary end. */
	tu_assert_rejected((int)drain(&e, fd, img, cap, &len), -ENOMSG, RULE_MIG_PRECOPY_NO_DATA);
	assert_true(len > 0);
	assert_int_equal(precopy_info(&e, fd, 24, &pi), 0);
	assert_true(pi.initial_bytes == 0);

	/* mig_saving_group_same_fd (77): no new fd */
	assert_int_equal(mig_set(&e, t, VFIO_DEVICE_STATE_STOP_COPY, &m), 0);
	assert_int_equal(m.data_fd, -1);
	/* mig_precopy_info_state (78) */
	tu_assert_rejected(precopy_info(&e, fd, 24, NULL), -EINVAL, RULE_MIG_PRECOPY_STATE);
	assert_int_equal(drain(&e, fd, img, cap, &len), 0);
	assert_int_equal(drain(&e, fd, img, cap, &len), 0);	/* the end is permanent */

	/* mig_session_closed (82) */
	assert_int_equal(mig_set(&e, t, VFIO_DEVICE_STATE_STOP, &m), 0);
	assert_int_equal(m.data_fd, -1);
	tu_assert_rejected((int)vfsim_read(e.host, fd, img, 16), -ENODEV, RULE_MIG_SESSION_CLOSED);
	assert_int_equal(vfsim_close(e.host, fd), 0);
	free(img);
	tu_vfio_close(&e);
}

/* mig_reset_to_running (86) and the close of the device fd: old fds ENODEV */
static void test_mig_reset_and_close(void **state)
{
	struct vfio_device_feature_mig_state m;
	struct tu_vfio e;
	struct tu_vdev *t;
	uint8_t b[16];
	int fd;

	t = tu_vfio_open(&e, "mig-p2p", 5, "0000:00:05.0");
	assert_int_equal(mig_set(&e, t, VFIO_DEVICE_STATE_STOP_COPY, &m), 0);
	fd = m.data_fd;
	assert_true(fd >= 0);
	assert_int_equal(vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_RESET, NULL), 0);
	assert_int_equal(mig_get(&e, t), VFIO_DEVICE_STATE_RUNNING);
	tu_assert_rejected((int)vfsim_read(e.host, fd, b, sizeof(b)), -ENODEV,
			   RULE_MIG_SESSION_CLOSED);

	assert_int_equal(mig_set(&e, t, VFIO_DEVICE_STATE_RESUMING, &m), 0);
	fd = m.data_fd;
	assert_true(fd >= 0);
	tu_assert_rejected((int)vfsim_read(e.host, fd, b, sizeof(b)), -EBADF, RULE_UAPI_RW_ACCMODE);
	tu_assert_rejected(precopy_info(&e, fd, 24, NULL), -ENOTTY, RULE_MIGFD_IOCTL_UNKNOWN);
	assert_int_equal(vfsim_close(e.host, t->fd), 0);	/* last device close */
	memset(b, 0, sizeof(b));
	tu_assert_rejected((int)vfsim_write(e.host, fd, b, sizeof(b)), -ENODEV,
			   RULE_MIG_SESSION_CLOSED);
	t->fd = vfsim_ioctl(e.host, t->grp, VFIO_GROUP_GET_DEVICE_FD, (void *)"0000:00:05.0");
	assert_true(t->fd >= 0);
	assert_int_equal(mig_get(&e, t), VFIO_DEVICE_STATE_RUNNING);
	tu_vfio_close(&e);
}

/* mig_data_size (87) */
static void test_mig_data_size(void **state)
{
	struct vfio_device_feature_mig_data_size ds = { .stop_copy_length = 0 };
	struct tu_vfio e;
	struct tu_vdev *t;

	t = tu_vfio_open(&e, "mig-stopcopy", 5, "0000:00:05.0");
	assert_int_equal(feat(&e, t, GET | VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, 16, &ds, sizeof(ds)),
			 0);
	assert_true(ds.stop_copy_length > 0);
	tu_assert_rejected(feat(&e, t, SET | VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, 16, &ds,
				sizeof(ds)),
			   -EINVAL, RULE_FEAT_OP_UNSUPPORTED);
	tu_vfio_close(&e);
}

/* Save from A with read(), resume into B with write(), compare; then the
 * resume refusals (83-85) on a third device with the same image. */
static void test_mig_round_trip(void **state)
{
	struct vfio_device_feature_mig_state m;
	struct tu_vfio e;
	struct tu_vdev *a, *b, *c;
	size_t cap = 8 << 20, len = 0, off;
	uint8_t *img = malloc(cap);
	char diff[256];
	uint8_t pattern[256];
	uint16_t cmd = 0x0006;	/* memory space + bus master */
	int fa, fb, fc;
	ssize_t r;

	assert_non_null(img);
	a = tu_vfio_open(&e, "dmaengine", 1, "0000:00:01.0");
	b = tu_vfio_add(&e, "dmaengine", 2, "0000:00:02.0");
	c = tu_vfio_add(&e, "dmaengine", 3, "0000:00:03.0");
	for (off = 0; off < sizeof(pattern); off++)
		pattern[off] = (uint8_t)(off * 7 + 1);
	assert_int_equal(vfsim_pwrite(e.host, a->fd, pattern, sizeof(pattern), IDX(2) + 0x3000),
			 sizeof(pattern));
	assert_int_equal(vfsim_pwrite(e.host, a->fd, pattern, 64, IDX(9) + 0x40), 64);
	assert_int_equal(vfsim_pwrite(e.host, a->fd, &cmd, 2, IDX(7) + 4), 2);
	vfsim_dev_tick(a->dev);
	assert_int_equal(vfsim_dev_compare(a->dev, b->dev, diff, sizeof(diff)), 1);

	/* A: RUNNING -> PRE_COPY, drain, dirty more, -> STOP_COPY, drain to 0 */
	assert_int_equal(mig_set(&e, a, VFIO_DEVICE_STATE_PRE_COPY, &m), 0);
	fa = m.data_fd;
	assert_true(fa >= 0);
	r = drain(&e, fa, img, cap, &len);
	assert_int_equal(r, -ENOMSG);
	vfsim_dev_tick(a->dev);
	assert_int_equal(vfsim_pwrite(e.host, a->fd, pattern, 16, IDX(2) + 0x8000), 16);
	assert_int_equal(mig_set(&e, a, VFIO_DEVICE_STATE_STOP_COPY, &m), 0);
	assert_int_equal(m.data_fd, -1);
	assert_int_equal(drain(&e, fa, img, cap, &len), 0);
	assert_int_equal(mig_set(&e, a, VFIO_DEVICE_STATE_STOP, &m), 0);

	/* B: RUNNING -> RESUMING (new write-only fd), write in odd chunks, -> STOP */
	assert_int_equal(mig_set(&e, b, VFIO_DEVICE_STATE_RESUMING, &m), 0);
	fb = m.data_fd;
	assert_true(fb >= 0 && fb != fa);
	for (off = 0; off < len; off += (size_t)r) {
		size_t n = len - off < 1000 ? len - off : 1000;

		r = vfsim_write(e.host, fb, img + off, n);
		assert_true(r > 0);
	}
	assert_int_equal(mig_set(&e, b, VFIO_DEVICE_STATE_STOP, &m), 0);
	assert_int_equal(mig_get(&e, b), VFIO_DEVICE_STATE_STOP);
	if (vfsim_dev_compare(a->dev, b->dev, diff, sizeof(diff)))
		fail_msg("devices differ after migration: %s", diff);

	/* mig_resume_short_image (83): state stays RESUMING */
	assert_int_equal(mig_set(&e, c, VFIO_DEVICE_STATE_RESUMING, &m), 0);
	fc = m.data_fd;
	assert_int_equal(vfsim_write(e.host, fc, img, len / 2), (ssize_t)(len / 2));
	tu_assert_rejected(mig_set(&e, c, VFIO_DEVICE_STATE_STOP, &m), -EINVAL,
			   RULE_MIG_STREAM_SHORT);
	assert_int_equal(m.device_state, VFIO_DEVICE_STATE_STOP);
	assert_int_equal(m.data_fd, -1);
	assert_int_equal(mig_get(&e, c), VFIO_DEVICE_STATE_RESUMING);
	/* mig_resume_oversize (85): the rest, then one byte too many */
	assert_int_equal(vfsim_write(e.host, fc, img + len / 2, len - len / 2),
			 (ssize_t)(len - len / 2));
	tu_assert_rejected((int)vfsim_write(e.host, fc, img, 1), -ENOMEM, RULE_MIG_RESUME_OVERSIZE);
	assert_int_equal(vfsim_ioctl(e.host, c->fd, VFIO_DEVICE_RESET, NULL), 0);

	/* mig_resume_bad_header (84): wrong magic */
	assert_int_equal(mig_set(&e, c, VFIO_DEVICE_STATE_RESUMING, &m), 0);
	fc = m.data_fd;
	img[0] ^= 0xff;
	tu_assert_rejected((int)vfsim_write(e.host, fc, img, len), -EFAULT, RULE_MIG_STREAM_MAGIC);
	free(img);
	tu_vfio_close(&e);
}

/* ---- DMA logging (88-93) --------------------------------------------------------- */

static int log_start(struct tu_vfio *e, struct tu_vdev *t, uint64_t page_size, uint32_t n,
		     struct vfio_device_feature_dma_logging_range *ranges)
{
	struct vfio_device_feature_dma_logging_control ctl = {
		.page_size = page_size, .num_ranges = n, .ranges = (uint64_t)(uintptr_t)ranges,
	};

	return feat(e, t, SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_START, 8 + sizeof(ctl), &ctl,
		    sizeof(ctl));
}

static int log_report(struct tu_vfio *e, struct tu_vdev *t, uint64_t iova, uint64_t length,
		      uint64_t page_size,
		      uint64_t *bitmap)
{
	struct vfio_device_feature_dma_logging_report rep = {
		.iova = iova, .length = length, .page_size = page_size,
				.bitmap = (uint64_t)(uintptr_t)bitmap,
	};

	return feat(e, t, GET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, 8 + sizeof(rep), &rep,
		    sizeof(rep));
}

static void test_dma_logging(void **state)
{
	static struct vfio_device_feature_dma_logging_range ranges[257];
	struct tu_vfio e;
	struct tu_vdev *t;
	uint64_t bitmap[4] = { 0 };
	unsigned i;

	for (i = 0; i < 257; i++)
		ranges[i] = (struct vfio_device_feature_dma_logging_range){
			.iova = (uint64_t)i << 20, .length = 4096,
		};
	t = tu_vfio_open(&e, "dmaengine", 5, "0000:00:05.0");
	tu_assert_rejected(log_start(&e, t, 4096, 0, ranges), -EINVAL,
			   RULE_DMALOG_NO_RANGES);		/* 88 */
	tu_assert_rejected(log_start(&e, t, 4096, 257, ranges), -E2BIG,
			   RULE_DMALOG_TOO_MANY_RANGES);	/* 89 */
	ranges[1] = (struct vfio_device_feature_dma_logging_range){ .iova = 0, .length = 8192 };
	tu_assert_rejected(log_start(&e, t, 4096, 2, ranges), -EINVAL,
			   RULE_DMALOG_RANGE_OVERLAP);	/* 90 */
	ranges[1] = (struct vfio_device_feature_dma_logging_range){ .iova = 0x100800,
			.length = 4096 };
	tu_assert_rejected(log_start(&e, t, 4096, 2, ranges), -EINVAL,
			   RULE_DMALOG_RANGE_ALIGN);		/* 91 */
	ranges[1] = (struct vfio_device_feature_dma_logging_range){ .iova = 1 << 20,
			.length = 4096 };
	assert_int_equal(log_start(&e, t, 4096, 2, ranges), 0);
	tu_assert_rejected(log_report(&e, t, 0, 4096, 2048, bitmap), -EINVAL,
			   RULE_DMALOG_REPORT_PAGE_SIZE);	/* 92 */
	tu_assert_rejected(log_report(&e, t, 0, 4096, 12288, bitmap), -EINVAL,
			   RULE_DMALOG_REPORT_PAGE_SIZE);
	tu_assert_rejected(log_report(&e, t, ~0ull - 4095, 8192, 4096, bitmap), -EOVERFLOW,
			   RULE_DMALOG_REPORT_OVERFLOW);	/* 93 */
	assert_int_equal(log_report(&e, t, 0, 4096, 4096, bitmap), 0);
	assert_int_equal(feat(&e, t, SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, 8, NULL, 0), 0);
	tu_vfio_close(&e);
}

/* ---- low power ------------------------------------------------------------------ */

static int lp_wakeup(struct tu_vfio *e, struct tu_vdev *t, int32_t fd)
{
	struct vfio_device_low_power_entry_with_wakeup w = { .wakeup_eventfd = fd, .reserved = 0 };

	return feat(e, t, SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP, 16, &w, sizeof(w));
}

static void test_low_power(void **state)
{
	struct tu_vfio e;
	struct tu_vdev *t;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), p[2];
	struct vfio_device_info info = { .argsz = sizeof(info) };
	uint64_t v = 0;

	assert_int_equal(pipe(p), 0);
	t = tu_vfio_open(&e, "dmaengine", 5, "0000:00:05.0");
	assert_int_equal(feat(&e, t, SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 8, NULL, 0), 0);
	tu_assert_rejected(feat(&e, t, SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 8, NULL, 0),
			   -EINVAL,
			   RULE_FEAT_LOW_POWER_ENGAGED);
	tu_assert_rejected(lp_wakeup(&e, t, efd), -EINVAL, RULE_FEAT_LOW_POWER_ENGAGED);
	assert_int_equal(feat(&e, t, SET | VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, 8, NULL, 0), 0);
	assert_int_equal(feat(&e, t, SET | VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, 8, NULL, 0), 0);

	tu_assert_rejected(lp_wakeup(&e, t, -1), -EINVAL, RULE_FEAT_WAKEUP_FD_NEG);
	tu_assert_rejected(lp_wakeup(&e, t, NOT_OPEN), -EBADF, RULE_FEAT_WAKEUP_FD_BAD);
	tu_assert_rejected(lp_wakeup(&e, t, p[0]), -EINVAL, RULE_FEAT_WAKEUP_NOT_EVENTFD);
	assert_int_equal(lp_wakeup(&e, t, efd), 0);
	assert_int_equal(read(efd, &v, sizeof(v)), -1);	/* not signalled yet */
	/* Any device ioctl runtime-resumes the device: the wakeup fires and
	 * low power is left. */
	assert_int_equal(vfsim_ioctl(e.host, t->fd, VFIO_DEVICE_GET_INFO, &info), 0);
	assert_int_equal(read(efd, &v, sizeof(v)), sizeof(v));
	assert_true(v == 1);
	assert_int_equal(feat(&e, t, SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 8, NULL, 0), 0);
	close(p[0]);
	close(p[1]);
	close(efd);
	tu_vfio_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_envelope_matrix),
		cmocka_unit_test(test_migration_flags),
		cmocka_unit_test(test_mig_set_refused),
		cmocka_unit_test(test_mig_fail_copyback_and_reset),
		cmocka_unit_test(test_mig_stopcopy_to_precopy),
		cmocka_unit_test(test_mig_precopy_fd),
		cmocka_unit_test(test_mig_reset_and_close),
		cmocka_unit_test(test_mig_data_size),
		cmocka_unit_test(test_mig_round_trip),
		cmocka_unit_test(test_dma_logging),
		cmocka_unit_test(test_low_power),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
