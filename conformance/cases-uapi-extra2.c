/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel-uAPI cases for MUST rules the item-by-item tables leave uncovered:
 * the DEVICE_FEATURE envelope (UAPI-FENV-*), the migration FSM and data fds
 * (UAPI-MIG-*, UAPI-MFD-*), device DMA logging (UAPI-LOG-*) here, and the
 * type1 IOMMU (UAPI-TINFO-*, UAPI-MAP-01, UAPI-UNMAP-*, UAPI-DIRTY-*,
 * UAPI-T1-111) in cases-uapi-extra2.h. Expectations come from the digest
 * (/work/shared/spec/kernel-uapi.md §1.4, §1.6-1.8) checked against kernel
 * 6.1 (vfio_main.c, vfio_pci_core.c, vfio_iommu_type1.c), never from sim/.
 * A bundled rule gets one row per distinct check.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <json-c/json.h>

#include "include/vfsim.h"
#include "vfio-compat.h"
#include "conf.h"

#define U CONF_ROLE_UAPI
#define X2_PG 0x1000ull

enum { ST_ERROR, ST_STOP, ST_RUN, ST_SCOPY, ST_RESUME, ST_RUNP2P, ST_PRE, ST_PREP2P };

/* DEVICE_FEATURE with @len payload bytes copied in and back; argsz 8 + @len
 * unless @argsz is non-zero. */
static int x2_feat(struct conf_ctx *ctx, uint32_t flags, void *payload, size_t len, uint32_t argsz)
{
	struct {
		struct vfio_device_feature f;
		uint8_t data[64];
	} buf;
	int r;

	if (len > sizeof(buf.data))
		return -E2BIG;
	memset(&buf, 0, sizeof(buf));
	buf.f.argsz = argsz ? argsz : 8 + (uint32_t)len;
	buf.f.flags = flags;
	if (len)
		memcpy(buf.data, payload, len);
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_FEATURE, &buf);
	if (len)
		memcpy(payload, buf.data, len);
	return r;
}

static int x2_mig_get(struct conf_ctx *ctx, uint32_t *state)
{
	struct vfio_device_feature_mig_state m = { .device_state = 0xdead, .data_fd = 1234 };
	int r = x2_feat(ctx, VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE | VFIO_DEVICE_FEATURE_GET, &m, sizeof(m), 0);

	*state = m.device_state;
	return r;
}

static int x2_mig_set(struct conf_ctx *ctx, uint32_t state, int32_t *ret_fd)
{
	struct vfio_device_feature_mig_state m = { .device_state = state, .data_fd = 1234 };
	int r;

	conf_note(ctx, "MIG_DEVICE_STATE SET(%u)", state);
	r = x2_feat(ctx, VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE | VFIO_DEVICE_FEATURE_SET, &m, sizeof(m), 0);
	if (ret_fd)
		*ret_fd = m.data_fd;
	return r;
}

/* A SET the spec allows; the returned fd in *keep (closed when @keep is NULL). */
static bool x2_go(struct conf_ctx *ctx, uint32_t state, int32_t *keep)
{
	int32_t fd = -1;
	int r = x2_mig_set(ctx, state, &fd);

	if (keep)
		*keep = fd;
	else if (fd >= 0)
		vfsim_close(ctx->u.host, fd);
	return conf_expect_errno(ctx, "SET on a path the spec allows", r, 0, true) == CONF_PASS;
}

static bool x2_state_is(struct conf_ctx *ctx, uint32_t want, const char *when)
{
	uint32_t st = 0;
	int r = x2_mig_get(ctx, &st);

	if (conf_expect_errno(ctx, "MIG_DEVICE_STATE GET", r, 0, true) != CONF_PASS)
		return false;
	return conf_check(ctx, st == want, "%s: state %u, want %u", when, st, want);
}

/* A whole image of this device: -> STOP_COPY, read to the end, -> RUNNING. */
static bool x2_save(struct conf_ctx *ctx, uint8_t **img, size_t *len)
{
	int32_t fd = -1;
	int r;

	if (!x2_go(ctx, ST_SCOPY, &fd) || !conf_check(ctx, fd >= 0, "-> STOP_COPY returned data_fd %d", fd))
		return false;
	r = conf_uapi_drain(ctx, fd, img, len);
	vfsim_close(ctx->u.host, fd);
	if (r < 0) {
		conf_fail(ctx, "reading the STOP_COPY stream: -%s", conf_errno_name(r));
		return false;
	}
	return x2_go(ctx, ST_RUN, NULL);
}

/* ---- the DEVICE_FEATURE envelope: FENV-01..03 --------------------------------- */

struct fenv_row {
	uint32_t flags;
	uint32_t len;
	int want;
};

static int fenv_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct fenv_row *row = c->arg;
	uint8_t payload[32];
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	memset(payload, 0, sizeof(payload));
	r = x2_feat(ctx, row->flags, payload, row->len, 0);
	conf_expect_errno(ctx, c->summary, r, row->want, true);
	return conf_pass(ctx);
}

#define F_GET VFIO_DEVICE_FEATURE_GET
#define F_SET VFIO_DEVICE_FEATURE_SET
#define F_PROBE VFIO_DEVICE_FEATURE_PROBE
#define F_UNKNOWN 0xfff0u		/* an index no kernel defines */

/* FENV-01: vfio_check_feature step 3, reached once the feature is present. */
static const struct fenv_row fenv_none_mig = { VFIO_DEVICE_FEATURE_MIGRATION, 8, -EINVAL };
static const struct fenv_row fenv_none_state = { VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, 8, -EINVAL };
static const struct fenv_row fenv_none_logstop = { VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, 0, -EINVAL };
static const struct fenv_row fenv_none_lowpower = { VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 0, -EINVAL };
/* FENV-02: vfio_pci_core_ioctl_feature's default case, before any op check. */
static const struct fenv_row fenv_unknown_get = { F_UNKNOWN | F_GET, 8, -ENOTTY };
static const struct fenv_row fenv_unknown_set = { F_UNKNOWN | F_SET, 8, -ENOTTY };
static const struct fenv_row fenv_unknown_probe = { F_UNKNOWN | F_GET | F_PROBE, 8, -ENOTTY };

/* Does config space hold an SR-IOV extended capability (id 0x0010)? Only a
 * physical function with one gets a VF token in vfio_pci_vf_token_init. */
static int x2_has_sriov(struct conf_ctx *ctx, bool *ret)
{
	uint64_t size = 0;
	uint32_t hdr, pos = 0x100;
	unsigned hops;
	int r;

	*ret = false;
	r = conf_uapi_region_info(ctx, VFIO_PCI_CONFIG_REGION_INDEX, &size, NULL, NULL);
	if (r < 0)
		return r;
	if (size < 0x1000)
		return 0;
	/* 4 KiB of extended space holds at most 960 capabilities of 4 bytes. */
	for (hops = 0; pos >= 0x100 && pos + 4 <= 0x1000 && hops < 960; hops++) {
		r = conf_uapi_cfg_read(ctx, pos, &hdr, sizeof(hdr));
		if (r < 0)
			return r;
		if (hdr == 0 || hdr == 0xffffffffu)
			break;
		if ((hdr & 0xffff) == 0x0010) {
			*ret = true;
			break;
		}
		pos = (hdr >> 20) & 0xffc;
	}
	return 0;
}

/* FENV-03, arg: the flags. With a token (SR-IOV PF) GET is EINVAL and
 * PROBE|SET 0; without one every op is ENOTTY. */
static int fenv_vf_token(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t flags = (uint32_t)(uintptr_t)c->arg;
	uint8_t uuid[16];
	bool sriov;
	int r, v, want;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = x2_has_sriov(ctx, &sriov);
	if (r < 0)
		return conf_harness_error(ctx, "reading config space: -%s", conf_errno_name(r));
	conf_note(ctx, "config space %s an SR-IOV capability: %s", sriov ? "has" : "lacks",
		  sriov ? "a VF token exists" : "no VF token support");
	if (!sriov)
		want = -ENOTTY;
	else
		want = (flags & F_GET) ? -EINVAL : 0;
	memset(uuid, 0x11, sizeof(uuid));
	r = x2_feat(ctx, VFIO_DEVICE_FEATURE_PCI_VF_TOKEN | flags, uuid, sizeof(uuid), 0);
	conf_expect_errno(ctx, c->summary, r, want, true);
	return conf_pass(ctx);
}

/* ---- the migration FSM: MIG-02..05 --------------------------------------------- */

/* MIG-02. Only a failed arc reaches ERROR; bad resume images are the public
 * way to fail one. If none ends in ERROR the rule cannot be tested. */
static int mig_from_error(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint32_t targets[] = { ST_STOP, ST_RUN, ST_SCOPY, ST_RESUME, ST_RUNP2P, ST_PRE, ST_PREP2P };
	uint8_t *img = NULL, *bad;
	size_t len = 0, i;
	uint32_t st = 0;
	int32_t fd = -1;
	int r, v, attempt;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (!x2_save(ctx, &img, &len))
		goto out;
	for (attempt = 0; attempt < 2; attempt++) {
		size_t blen = attempt == 0 ? 4 : len;

		bad = calloc(1, blen ? blen : 1);
		if (!bad) {
			conf_harness_error(ctx, "out of memory");
			goto out;
		}
		conf_note(ctx, "-- attempt %d: a %s of %zu bytes", attempt, attempt ? "zeroed image" : "partial image",
			  blen);
		if (!x2_go(ctx, ST_RESUME, &fd)) {
			free(bad);
			goto out;
		}
		if (fd >= 0) {
			r = conf_uapi_feed(ctx, fd, bad, blen);
			conf_note(ctx, "feeding the bad image: %d", r);
		}
		free(bad);
		r = x2_mig_set(ctx, ST_STOP, NULL);
		if (fd >= 0)
			vfsim_close(ctx->u.host, fd);
		fd = -1;
		if (x2_mig_get(ctx, &st) < 0 || st == ST_ERROR)
			break;
		/* Not ERROR: back to RUNNING for the next attempt. */
		r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_RESET, NULL);
		if (conf_expect_errno(ctx, "VFIO_DEVICE_RESET", r, 0, true) != CONF_PASS)
			goto out;
	}
	if (st != ST_ERROR) {
		conf_not_supported(ctx, "no public way to reach ERROR: the failed RESUMING -> STOP loads left the "
				   "device out of ERROR");
		goto out;
	}
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		r = x2_mig_set(ctx, targets[i], &fd);
		conf_expect_errno(ctx, "SET from ERROR", r, -EINVAL, true);
		if (r >= 0 && fd >= 0)
			vfsim_close(ctx->u.host, fd);
	}
	x2_state_is(ctx, ST_ERROR, "after SETs from ERROR");
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_RESET, NULL);
	if (conf_expect_errno(ctx, "VFIO_DEVICE_RESET in ERROR", r, 0, true) == CONF_PASS)
		x2_state_is(ctx, ST_RUN, "after VFIO_DEVICE_RESET");
out:
	free(img);
	return conf_pass(ctx);
}

/* MIG-03, arg: the state. SET to the state the device is in returns 0 with
 * data_fd -1 and leaves an open session working. */
static int mig_same_state(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t state = (uint32_t)(uintptr_t)c->arg;
	struct vfio_precopy_info pi;
	int32_t fd = -1, fd2 = 1234;
	uint8_t b[16];
	ssize_t n;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (state != ST_RUN && !x2_go(ctx, state, &fd))
		return conf_pass(ctx);
	r = x2_mig_set(ctx, state, &fd2);
	if (conf_expect_errno(ctx, "SET to the current state", r, 0, true) == CONF_PASS) {
		conf_check(ctx, fd2 == -1, "the no-op SET returned data_fd %d, want -1", fd2);
		x2_state_is(ctx, state, "after the no-op SET");
	}
	if (fd2 >= 0 && fd2 != 1234)
		vfsim_close(ctx->u.host, fd2);
	if (fd >= 0 && state == ST_SCOPY) {
		n = vfsim_read(ctx->u.host, fd, b, sizeof(b));
		conf_check(ctx, n >= 0, "the save session died on the no-op SET: read = -%s", conf_errno_name((int)n));
	} else if (fd >= 0 && state == ST_PRE) {
		memset(&pi, 0, sizeof(pi));
		pi.argsz = sizeof(pi);
		r = conf_ioctl(ctx, fd, VFIO_MIG_GET_PRECOPY_INFO, &pi);
		conf_expect_errno(ctx, "PRECOPY_INFO after the no-op SET", r, 0, true);
	}
	if (fd >= 0)
		vfsim_close(ctx->u.host, fd);
	return conf_pass(ctx);
}

/* Swap in a second host and device of the profile (the destination). */
static int x2_dest_up(struct conf_ctx *ctx, struct conf_uapi *save)
{
	struct conf_uapi d = { NULL, NULL, -1, -1, -1 };
	int r;

	r = vfsim_dev_new(ctx->target->profile, &d.dev);
	if (r == 0)
		r = vfsim_host_new(NULL, &d.host);
	if (r == 0) {
		vfsim_host_set_faults(d.host, ctx->target->faults);
		r = vfsim_host_add_device(d.host, d.dev, CONF_UAPI_GROUP, CONF_UAPI_BDF);
	}
	if (r < 0) {
		vfsim_host_free(d.host);
		vfsim_dev_free(d.dev);
		return conf_harness_error(ctx, "building the destination device: -%s", conf_errno_name(r));
	}
	*save = ctx->u;
	ctx->u = d;
	conf_note(ctx, "-- on the destination device");
	return CONF_PASS;
}

static void x2_dest_down(struct conf_ctx *ctx, const struct conf_uapi *save)
{
	vfsim_host_free(ctx->u.host);
	vfsim_dev_free(ctx->u.dev);
	ctx->u = *save;
	conf_note(ctx, "-- back on the source device");
}

/* MIG-04, arg 0: a valid image from another device of the profile loads;
 * 1: an empty image, 2: the image less its last byte, 3: zeros of its
 * length must fail the SET, leaving RESUMING, STOP or ERROR. */
static int mig_resume_load(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned mode = (unsigned)(uintptr_t)c->arg;
	static const uint8_t line = 0x5a;
	struct conf_uapi src;
	uint8_t *img = NULL;
	size_t len = 0, feedlen;
	char diff[256];
	uint32_t st = 0;
	int32_t fd = -1;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	/* Make the source differ from a fresh device: interrupt line (0x3c). */
	conf_uapi_cfg_write(ctx, 0x3c, &line, 1);
	if (!x2_save(ctx, &img, &len))
		goto out;
	if (mode == 3)
		memset(img, 0, len);
	feedlen = mode == 1 ? 0 : mode == 2 ? (len ? len - 1 : 0) : len;
	if (x2_dest_up(ctx, &src) != CONF_PASS)
		goto out;
	if (conf_uapi_setup(ctx, CONF_UAPI_DEVICE) != CONF_PASS)
		goto dest;
	if (!x2_go(ctx, ST_RESUME, &fd) || !conf_check(ctx, fd >= 0, "-> RESUMING returned data_fd %d", fd))
		goto dest;
	r = conf_uapi_feed(ctx, fd, img, feedlen);
	if (r < 0 && mode == 0)
		conf_fail(ctx, "writing a whole saved image failed: -%s", conf_errno_name(r));
	r = x2_mig_set(ctx, ST_STOP, NULL);
	if (mode == 0) {
		if (conf_expect_errno(ctx, "RESUMING -> STOP with a whole image", r, 0, true) == CONF_PASS) {
			x2_state_is(ctx, ST_STOP, "after loading the image");
			if (vfsim_dev_compare(src.dev, ctx->u.dev, diff, sizeof(diff)) != 0)
				conf_non_strict(ctx, "the loaded device differs from the saved one: %s", diff);
		}
	} else {
		conf_check(ctx, r < 0, "RESUMING -> STOP with a bad image (%zu bytes) succeeded", feedlen);
		if (r < 0 && x2_mig_get(ctx, &st) == 0)
			conf_check(ctx, st == ST_RESUME || st == ST_STOP || st == ST_ERROR,
				   "after the failed load the state is %u, want RESUMING, STOP or ERROR", st);
	}
	vfsim_close(ctx->u.host, fd);
dest:
	x2_dest_down(ctx, &src);
out:
	free(img);
	return conf_pass(ctx);
}

/* MIG-05, arg: the state whose arc opens a session. */
static int mig_fd_cloexec(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t state = (uint32_t)(uintptr_t)c->arg;
	int32_t fd = -1;
	int fl, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (!x2_go(ctx, state, &fd) || !conf_check(ctx, fd >= 0, "the session arc returned data_fd %d", fd))
		return conf_pass(ctx);
	fl = fcntl(fd, F_GETFD);
	if (fl < 0)
		conf_fail(ctx, "data_fd %d is not an open descriptor", fd);
	else
		conf_check(ctx, fl & FD_CLOEXEC, "data_fd %d lacks FD_CLOEXEC (F_GETFD 0x%x)", fd, fl);
	vfsim_close(ctx->u.host, fd);
	return conf_pass(ctx);
}

/* ---- data fds: MFD-01, MFD-04 ------------------------------------------------ */

/* MFD-01, arg: the state before STOP_COPY (STOP or PRE_COPY). */
static int mfd_end_permanent(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t via = (uint32_t)(uintptr_t)c->arg;
	struct pollfd p;
	uint8_t b[64];
	int32_t fd = -1, fd2 = -1;
	ssize_t n;
	int r, v, i;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (!x2_go(ctx, via, &fd))
		return conf_pass(ctx);
	if (!x2_go(ctx, ST_SCOPY, via == ST_PRE ? &fd2 : &fd))
		goto out;
	if (!conf_check(ctx, fd >= 0, "no save fd in STOP_COPY: %d", fd))
		goto out;
	r = conf_uapi_drain(ctx, fd, NULL, NULL);
	if (r < 0) {
		conf_fail(ctx, "the STOP_COPY stream ended in -%s, not a 0-byte read", conf_errno_name(r));
		goto out;
	}
	for (i = 0; i < 3; i++) {
		n = vfsim_read(ctx->u.host, fd, b, sizeof(b));
		if (!conf_check(ctx, n == 0, "read %d after the end in STOP_COPY = %s%s, want 0", i + 1,
				n < 0 ? "-" : "", n < 0 ? conf_errno_name((int)n) : "data"))
			break;
	}
	p.fd = fd;
	p.events = POLLIN;
	p.revents = 0;
	r = poll(&p, 1, 0);
	conf_check(ctx, r == 1 && (p.revents & POLLIN), "poll at the end of the STOP_COPY stream: %d, revents 0x%x; "
		   "it is always readable", r, (unsigned)p.revents);
out:
	if (fd2 >= 0)
		vfsim_close(ctx->u.host, fd2);
	if (fd >= 0)
		vfsim_close(ctx->u.host, fd);
	return conf_pass(ctx);
}

/* MFD-04, arg: the state opening the session; a save fd refuses write, a
 * resume fd read (the file's mode: EBADF in the kernel). */
static int mfd_direction(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint32_t state = (uint32_t)(uintptr_t)c->arg;
	uint8_t b[16] = { 0 };
	int32_t fd = -1;
	ssize_t n;
	int v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (!x2_go(ctx, state, &fd) || !conf_check(ctx, fd >= 0, "no data fd: %d", fd))
		return conf_pass(ctx);
	if (state == ST_RESUME) {
		n = vfsim_read(ctx->u.host, fd, b, sizeof(b));
		conf_note(ctx, "read(resume fd, 16) = %zd", n);
		conf_expect_errno(ctx, "read on the (write-only) resume fd", (int)n, -EBADF, false);
	} else {
		n = vfsim_write(ctx->u.host, fd, b, sizeof(b));
		conf_note(ctx, "write(save fd, 16) = %zd", n);
		conf_expect_errno(ctx, "write on the (read-only) save fd", (int)n, -EBADF, false);
	}
	vfsim_close(ctx->u.host, fd);
	return conf_pass(ctx);
}

/* ---- DMA logging: LOG-04, LOG-05 ------------------------------------------------ */

#define LOG_IOVA 0x10000000ull

static int x2_log_start(struct conf_ctx *ctx, struct vfio_device_feature_dma_logging_control *ctl)
{
	return x2_feat(ctx, VFIO_DEVICE_FEATURE_DMA_LOGGING_START | F_SET, ctl, sizeof(*ctl), 0);
}

static int x2_log_report(struct conf_ctx *ctx, uint64_t iova, uint64_t length, uint64_t page_size, uint64_t *bm)
{
	struct vfio_device_feature_dma_logging_report rep = { .iova = iova, .length = length,
							      .page_size = page_size,
							      .bitmap = (uint64_t)(uintptr_t)bm };

	return x2_feat(ctx, VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT | F_GET, &rep, sizeof(rep), 0);
}

/* LOG-04, arg: the page size asked for. The struct comes back with the
 * driver's page size (a power of two a REPORT accepts), the rest intact. */
static int log_start_copyback(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint64_t page = (uint64_t)(uintptr_t)c->arg, bm[8];
	struct vfio_device_feature_dma_logging_range range = { .iova = LOG_IOVA, .length = 16 * page };
	struct vfio_device_feature_dma_logging_control ctl;
	uint64_t ptr = (uint64_t)(uintptr_t)&range;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	memset(&ctl, 0, sizeof(ctl));
	ctl.page_size = page;
	ctl.num_ranges = 1;
	ctl.ranges = ptr;
	r = x2_log_start(ctx, &ctl);
	if (r < 0 && page != X2_PG) {
		conf_non_strict(ctx, "START with page_size 0x%llx failed (-%s); the driver may adjust it instead",
				(unsigned long long)page, conf_errno_name(r));
		return conf_pass(ctx);
	}
	if (conf_expect_errno(ctx, "DMA_LOGGING_START", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	conf_note(ctx, "copied back: page_size 0x%llx num_ranges %u ranges 0x%llx", (unsigned long long)ctl.page_size,
		  ctl.num_ranges, (unsigned long long)ctl.ranges);
	conf_check(ctx, ctl.num_ranges == 1 && ctl.ranges == ptr, "START copied back num_ranges %u ranges 0x%llx, "
		   "want what was sent", ctl.num_ranges, (unsigned long long)ctl.ranges);
	if (conf_check(ctx, ctl.page_size >= X2_PG && !(ctl.page_size & (ctl.page_size - 1)),
		       "START copied back page_size 0x%llx: not a power of two >= 4096",
		       (unsigned long long)ctl.page_size) &&
	    16 * page / ctl.page_size <= 8 * 64) {
		memset(bm, 0, sizeof(bm));
		r = x2_log_report(ctx, LOG_IOVA, 16 * page, ctl.page_size, bm);
		conf_expect_errno(ctx, "REPORT at the copied-back page size", r, 0, true);
	}
	x2_feat(ctx, VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP | F_SET, NULL, 0, 0);
	return conf_pass(ctx);
}

/* The profile's DMA engine (its datasheet: "engine": {"bar", "offset"}). */
static bool x2_engine(struct conf_ctx *ctx, uint32_t *bar, uint64_t *off)
{
	struct json_object *top = ctx->target->profile_path ? json_object_from_file(ctx->target->profile_path) : NULL;
	struct json_object *e, *o;
	bool ok = false;

	if (top && json_object_object_get_ex(top, "engine", &e) && json_object_is_type(e, json_type_object) &&
	    json_object_object_get_ex(e, "bar", &o) && json_object_is_type(o, json_type_int)) {
		ok = true;
		*bar = (uint32_t)json_object_get_int(o);
		*off = 0;
		if (json_object_object_get_ex(e, "offset", &o))
			*off = json_object_is_type(o, json_type_string) ?
			       strtoull(json_object_get_string(o), NULL, 0) : (uint64_t)json_object_get_int64(o);
	}
	json_object_put(top);
	return ok;
}

static int x2_engine_reg(struct conf_ctx *ctx, uint32_t bar, uint64_t off, const void *val, size_t len)
{
	ssize_t n = vfsim_pwrite(ctx->u.host, ctx->u.device, val, len, (off_t)(((uint64_t)bar << 40) + off));

	return n == (ssize_t)len ? 0 : n < 0 ? (int)n : -EIO;
}

/* The engine copies 16 bytes from page 0 of the source window to @dst
 * (registers: SRC 0x00, DST 0x08, LEN 0x10, DOORBELL 0x14, STATUS 0x18). */
static bool x2_engine_copy(struct conf_ctx *ctx, uint32_t bar, uint64_t off, uint64_t src, uint64_t dst)
{
	uint32_t len = 16, one = 1, status = 0;
	int r = x2_engine_reg(ctx, bar, off + 0x00, &src, 8);

	if (r == 0)
		r = x2_engine_reg(ctx, bar, off + 0x08, &dst, 8);
	if (r == 0)
		r = x2_engine_reg(ctx, bar, off + 0x10, &len, 4);
	if (r == 0)
		r = x2_engine_reg(ctx, bar, off + 0x14, &one, 4);
	if (r == 0 && vfsim_pread(ctx->u.host, ctx->u.device, &status, 4,
				  (off_t)(((uint64_t)bar << 40) + off + 0x18)) != 4)
		r = -EIO;
	if (r == 0)
		x2_engine_reg(ctx, bar, off + 0x18, &status, 4);	/* RW1C */
	if (r < 0 || (status & 3u) != 1u)
		conf_harness_error(ctx, "the DMA engine's copy to 0x%llx failed: %d, STATUS 0x%x",
				   (unsigned long long)dst, r, status);
	return r == 0 && (status & 3u) == 1u;
}

/* LOG-05: the device writes pages 2 and 9 of a logged 16-page window; a
 * REPORT shows them and clears them. */
static int log_report_clears(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_device_feature_dma_logging_range range = { .iova = LOG_IOVA, .length = 16 * X2_PG };
	struct vfio_device_feature_dma_logging_control ctl;
	struct vfio_iommu_type1_dma_map m;
	const uint64_t src = LOG_IOVA + 0x100000;
	uint64_t bm[1], eoff = 0;
	uint32_t bar = 0;
	uint8_t *mem;
	int r, v;

	if (!x2_engine(ctx, &bar, &eoff))
		return conf_not_supported(ctx, "the profile has no DMA engine: the case cannot make the device write");
	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	mem = mmap(NULL, 17 * X2_PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return conf_harness_error(ctx, "mmap failed");
	memset(mem + 16 * X2_PG, 0xa5, X2_PG);
	memset(&m, 0, sizeof(m));
	m.argsz = sizeof(m);
	m.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	m.vaddr = (uint64_t)(uintptr_t)mem;
	m.iova = LOG_IOVA;
	m.size = 16 * X2_PG;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_MAP_DMA, &m);
	m.vaddr += 16 * X2_PG;
	m.iova = src;
	m.size = X2_PG;
	if (r == 0)
		r = conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_MAP_DMA, &m);
	if (conf_expect_errno(ctx, "MAP_DMA of the windows", r, 0, true) != CONF_PASS)
		goto out;
	memset(&ctl, 0, sizeof(ctl));
	ctl.page_size = X2_PG;
	ctl.num_ranges = 1;
	ctl.ranges = (uint64_t)(uintptr_t)&range;
	r = x2_log_start(ctx, &ctl);
	if (conf_expect_errno(ctx, "DMA_LOGGING_START", r, 0, true) != CONF_PASS)
		goto out;
	if (!conf_check(ctx, ctl.page_size == X2_PG, "START changed page_size to 0x%llx; the case needs 4096",
			(unsigned long long)ctl.page_size))
		goto stop;
	if (!x2_engine_copy(ctx, bar, eoff, src, LOG_IOVA + 2 * X2_PG) ||
	    !x2_engine_copy(ctx, bar, eoff, src, LOG_IOVA + 9 * X2_PG + 0x100))
		goto stop;
	if (mem[2 * X2_PG] != 0xa5 || mem[9 * X2_PG + 0x100] != 0xa5) {
		conf_harness_error(ctx, "the engine's writes did not reach the mapped memory");
		goto stop;
	}
	bm[0] = 0;
	r = x2_log_report(ctx, LOG_IOVA, 16 * X2_PG, X2_PG, bm);
	if (conf_expect_errno(ctx, "REPORT after the device wrote pages 2 and 9", r, 0, true) == CONF_PASS)
		conf_check(ctx, bm[0] == 0x204, "first REPORT bitmap 0x%llx, want 0x204 (pages 2 and 9)",
			   (unsigned long long)bm[0]);
	/* The kernel only sets bits (iova_bitmap): the caller zeroes the bitmap. */
	bm[0] = 0;
	r = x2_log_report(ctx, LOG_IOVA, 16 * X2_PG, X2_PG, bm);
	if (conf_expect_errno(ctx, "second REPORT", r, 0, true) == CONF_PASS)
		conf_check(ctx, bm[0] == 0, "second REPORT bitmap 0x%llx, want 0: the first did not clear",
			   (unsigned long long)bm[0]);
stop:
	x2_feat(ctx, VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP | F_SET, NULL, 0, 0);
out:
	munmap(mem, 17 * X2_PG);
	return conf_pass(ctx);
}

#include "cases-uapi-extra2.h"

#define MIG "migration"
#define ST(s) ((void *)(uintptr_t)(s))

static const struct conf_case cases[] = {
	/* DEVICE_FEATURE envelope */
	{ "UAPI-X2-001", "UAPI-FENV-01", U, MIG, fenv_row, &fenv_none_mig,
	  "MIGRATION with neither GET, SET nor PROBE is EINVAL" },
	{ "UAPI-X2-002", "UAPI-FENV-01", U, MIG, fenv_row, &fenv_none_state,
	  "MIG_DEVICE_STATE with neither GET, SET nor PROBE is EINVAL" },
	{ "UAPI-X2-003", "UAPI-FENV-01", U, "dma-logging", fenv_row, &fenv_none_logstop,
	  "DMA_LOGGING_STOP with neither GET, SET nor PROBE is EINVAL" },
	{ "UAPI-X2-004", "UAPI-FENV-01", U, "low-power", fenv_row, &fenv_none_lowpower,
	  "LOW_POWER_ENTRY with neither GET, SET nor PROBE is EINVAL" },
	{ "UAPI-X2-005", "UAPI-FENV-02", U, NULL, fenv_row, &fenv_unknown_get,
	  "GET of feature index 0xfff0 (unknown to vfio-pci) is ENOTTY" },
	{ "UAPI-X2-006", "UAPI-FENV-02", U, NULL, fenv_row, &fenv_unknown_set,
	  "SET of feature index 0xfff0 is ENOTTY" },
	{ "UAPI-X2-007", "UAPI-FENV-02", U, NULL, fenv_row, &fenv_unknown_probe,
	  "PROBE|GET of feature index 0xfff0 is ENOTTY" },
	{ "UAPI-X2-008", "UAPI-FENV-03", U, NULL, fenv_vf_token, ST(F_GET),
	  "PCI_VF_TOKEN GET is EINVAL with a token (SR-IOV PF), ENOTTY without" },
	{ "UAPI-X2-009", "UAPI-FENV-03", U, NULL, fenv_vf_token, ST(F_SET | F_PROBE),
	  "PCI_VF_TOKEN PROBE|SET is 0 with a token (SR-IOV PF), ENOTTY without" },
	/* migration FSM */
	{ "UAPI-X2-010", "UAPI-MIG-02", U, MIG ",reset", mig_from_error, NULL,
	  "in ERROR (after a failed load) every SET is EINVAL; VFIO_DEVICE_RESET returns to RUNNING" },
	{ "UAPI-X2-011", "UAPI-MIG-03", U, MIG, mig_same_state, ST(ST_RUN),
	  "SET(RUNNING) in RUNNING is 0 with data_fd -1" },
	{ "UAPI-X2-012", "UAPI-MIG-03", U, MIG, mig_same_state, ST(ST_STOP),
	  "SET(STOP) in STOP is 0 with data_fd -1" },
	{ "UAPI-X2-013", "UAPI-MIG-03", U, MIG, mig_same_state, ST(ST_SCOPY),
	  "SET(STOP_COPY) in STOP_COPY is 0 with data_fd -1 and the save fd still reads" },
	{ "UAPI-X2-014", "UAPI-MIG-03", U, MIG, mig_same_state, ST(ST_RESUME),
	  "SET(RESUMING) in RESUMING is 0 with data_fd -1" },
	{ "UAPI-X2-015", "UAPI-MIG-03", U, "mig-p2p", mig_same_state, ST(ST_RUNP2P),
	  "SET(RUNNING_P2P) in RUNNING_P2P is 0 with data_fd -1" },
	{ "UAPI-X2-016", "UAPI-MIG-03", U, "mig-precopy", mig_same_state, ST(ST_PRE),
	  "SET(PRE_COPY) in PRE_COPY is 0 with data_fd -1 and PRECOPY_INFO still works" },
	{ "UAPI-X2-017", "UAPI-MIG-04", U, MIG, mig_resume_load, ST(0),
	  "RESUMING -> STOP with a whole image saved from another device of the profile succeeds" },
	{ "UAPI-X2-018", "UAPI-MIG-04", U, MIG, mig_resume_load, ST(1),
	  "RESUMING -> STOP with an empty image fails, the state RESUMING, STOP or ERROR" },
	{ "UAPI-X2-019", "UAPI-MIG-04", U, MIG, mig_resume_load, ST(2),
	  "RESUMING -> STOP with the image less its last byte fails" },
	{ "UAPI-X2-020", "UAPI-MIG-04", U, MIG, mig_resume_load, ST(3),
	  "RESUMING -> STOP with zeros of the image's length fails" },
	{ "UAPI-X2-021", "UAPI-MIG-05", U, MIG, mig_fd_cloexec, ST(ST_SCOPY),
	  "the save fd of RUNNING -> STOP_COPY has FD_CLOEXEC" },
	{ "UAPI-X2-022", "UAPI-MIG-05", U, MIG, mig_fd_cloexec, ST(ST_RESUME),
	  "the resume fd of RUNNING -> RESUMING has FD_CLOEXEC" },
	{ "UAPI-X2-023", "UAPI-MIG-05", U, "mig-precopy", mig_fd_cloexec, ST(ST_PRE),
	  "the save fd of RUNNING -> PRE_COPY has FD_CLOEXEC" },
	/* data fds */
	{ "UAPI-X2-024", "UAPI-MFD-01", U, MIG, mfd_end_permanent, ST(ST_STOP),
	  "STOP -> STOP_COPY: after the 0-byte end every read is 0 (never ENOMSG), poll readable" },
	{ "UAPI-X2-025", "UAPI-MFD-01", U, "mig-precopy", mfd_end_permanent, ST(ST_PRE),
	  "PRE_COPY -> STOP_COPY: the same fd ends in permanent 0-byte reads, never ENOMSG" },
	{ "UAPI-X2-026", "UAPI-MFD-04", U, MIG, mfd_direction, ST(ST_SCOPY),
	  "write on the STOP_COPY save fd fails (kernel: EBADF)" },
	{ "UAPI-X2-027", "UAPI-MFD-04", U, MIG, mfd_direction, ST(ST_RESUME),
	  "read on the resume fd fails (kernel: EBADF)" },
	{ "UAPI-X2-028", "UAPI-MFD-04", U, "mig-precopy", mfd_direction, ST(ST_PRE),
	  "write on the PRE_COPY save fd fails (kernel: EBADF)" },
	/* DMA logging */
	{ "UAPI-X2-029", "UAPI-LOG-04", U, "dma-logging", log_start_copyback, ST(0x1000),
	  "START (page 4 KiB) copies back the struct with a usable page_size" },
	{ "UAPI-X2-030", "UAPI-LOG-04", U, "dma-logging", log_start_copyback, ST(0x200000),
	  "START (page 2 MiB) copies back the struct with a usable page_size" },
	{ "UAPI-X2-031", "UAPI-LOG-05", U, "dma-logging,dma-engine", log_report_clears, NULL,
	  "after device writes to pages 2 and 9 REPORT shows 0x204, a second REPORT 0" },
	X2_TYPE1_CASES
};

const struct conf_table conf_uapi_extra2_table = { cases, sizeof(cases) / sizeof(cases[0]) };
