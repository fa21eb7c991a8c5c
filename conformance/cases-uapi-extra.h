/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers of cases-uapi-extra.c (included once, from there): eventfds, a host
 * the case builds itself (a second device, in its own group or in ours),
 * config-space capability walks, and a small step interpreter for the
 * SET_IRQS handler matrix (UAPI-IRQM-*): each script is a list of SET_IRQS
 * calls, device-side interrupts and eventfd writes, with the errno each call
 * must give and which eventfds must have fired. Expectations are transcribed
 * from kernel 6.1 drivers/vfio/pci/vfio_pci_intrs.c and vfio_main.c
 * (vfio_set_irqs_validate_and_prepare), never from sim/.
 */
#ifndef VFSIM_CASES_UAPI_EXTRA_H
#define VFSIM_CASES_UAPI_EXTRA_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "include/vfsim.h"
#include "vfio-compat.h"
#include "conf.h"

#define XU CONF_ROLE_UAPI
#define X_BDF2 "0000:00:05.0"		/* the second device of an own host, same bus */
#define X_BDF3 "0000:01:00.0"		/* ... on another bus */
#define X_GROUP2 13
#define X_GROUP2_PATH "/dev/vfio/13"
#define X_NSLOTS 4			/* eventfds a script may use */

/* A non-blocking eventfd, or -1 with a harness error recorded. */
static int x_efd(struct conf_ctx *ctx)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (fd < 0)
		conf_harness_error(ctx, "eventfd: %s", strerror(errno));
	return fd;
}

/* 1 if @efd was signalled (consumed), 0 if not. */
static int x_fired(int efd)
{
	uint64_t n;

	return read(efd, &n, sizeof(n)) == sizeof(n) && n;
}

/* ---- a host the case builds: our device plus a second one -------------------- */

struct x_host {
	struct vfsim_dev *dev2;
};

/* Replace the per-case host by one holding our device (group 12, CONF_UAPI_BDF)
 * and a second device of the same profile in @group2 under @bdf2. */
static int x_host2(struct conf_ctx *ctx, struct x_host *x, unsigned group2, const char *bdf2)
{
	int r;

	x->dev2 = NULL;
	vfsim_host_free(ctx->u.host);
	ctx->u.host = NULL;
	ctx->u.container = ctx->u.group = ctx->u.device = -1;
	r = vfsim_host_new(NULL, &ctx->u.host);
	if (r < 0)
		return conf_harness_error(ctx, "vfsim_host_new: -%s", conf_errno_name(r));
	vfsim_host_set_faults(ctx->u.host, ctx->target->faults);
	r = vfsim_host_add_device(ctx->u.host, ctx->u.dev, CONF_UAPI_GROUP, CONF_UAPI_BDF);
	if (r < 0)
		return conf_harness_error(ctx, "vfsim_host_add_device: -%s", conf_errno_name(r));
	r = vfsim_dev_new(ctx->target->profile, &x->dev2);
	if (r < 0)
		return conf_harness_error(ctx, "vfsim_dev_new (second device): -%s", conf_errno_name(r));
	r = vfsim_host_add_device(ctx->u.host, x->dev2, group2, bdf2);
	if (r < 0)
		return conf_harness_error(ctx, "vfsim_host_add_device(%u, %s): -%s", group2, bdf2, conf_errno_name(r));
	conf_note(ctx, "own host: %s in group %u, %s in group %u", CONF_UAPI_BDF, CONF_UAPI_GROUP, bdf2, group2);
	return CONF_PASS;
}

/* Free the own host before the second device (closing device fds touches
 * it); the runner then frees our device. */
static int x_host_done(struct conf_ctx *ctx, struct x_host *x)
{
	vfsim_host_free(ctx->u.host);
	ctx->u.host = NULL;
	ctx->u.container = ctx->u.group = ctx->u.device = -1;
	vfsim_dev_free(x->dev2);
	x->dev2 = NULL;
	return conf_pass(ctx);
}

/* ---- config space -------------------------------------------------------------- */

/* Offset of the standard capability @id (hop budget 48), 0 if none, -errno. */
static int x_cfg_cap(struct conf_ctx *ctx, uint8_t id)
{
	uint8_t cfg[256];
	unsigned pos, hops;
	int r = conf_uapi_cfg_read(ctx, 0, cfg, sizeof(cfg));

	if (r < 0)
		return r;
	if (!(cfg[0x06] & 0x10))
		return 0;
	pos = cfg[0x34] & ~3u;
	for (hops = 0; pos >= 0x40 && pos < 0xff && hops < 48; hops++) {
		if (cfg[pos] == id)
			return (int)pos;
		pos = cfg[pos + 1] & ~3u;
	}
	return 0;
}

/* Offset of the extended capability @id (PCIe only; hop budget 960), 0 if none. */
static int x_cfg_ext_cap(struct conf_ctx *ctx, uint16_t id)
{
	unsigned pos = 0x100, hops;
	uint32_t hdr;

	for (hops = 0; pos >= 0x100 && pos < 0x1000 && hops < 960; hops++) {
		if (conf_uapi_cfg_read(ctx, pos, &hdr, 4) < 0 || hdr == 0 || hdr == 0xffffffff)
			return 0;
		if ((hdr & 0xffff) == id)
			return (int)pos;
		pos = (hdr >> 20) & ~3u;
	}
	return 0;
}

/* ---- SET_IRQS scripts (UAPI-IRQM-*) ----------------------------------------------- */

enum { XS_END, XS_SET, XS_RAISE, XS_SIGNAL };
#define XI 0xfe			/* the script's index */
#define XF_NOCHECK (-1)

struct xstep {
	uint8_t op;
	uint8_t index;		/* VFIO_PCI_*_IRQ_INDEX or XI */
	uint32_t flags;
	uint32_t start, count;	/* XS_RAISE: start is the vector */
	int8_t d[3];		/* EVENTFD: eventfd slot (>= 0) or the fd itself (< 0); BOOL: values; XS_SIGNAL: d[0] the slot */
	int8_t adj;		/* data bytes added to count * element size */
	int want;		/* 0 or -errno */
	int8_t fired;		/* mask of slots that must have fired now (others not); XF_NOCHECK */
};

struct xscript {
	uint8_t idx;		/* what XI stands for */
	uint8_t min_vec;	/* vectors idx must have */
	const struct xstep *s;
};

#define FNONE (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER)
#define FBOOL (VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER)
#define FFD (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)
#define MNONE (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK)
#define MBOOL (VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK)
#define UNONE (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK)
#define UBOOL (VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_UNMASK)
#define UFD (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK)
#define INTX VFIO_PCI_INTX_IRQ_INDEX
#define MSIX VFIO_PCI_MSIX_IRQ_INDEX
#define REQ VFIO_PCI_REQ_IRQ_INDEX
#define ERR VFIO_PCI_ERR_IRQ_INDEX

#define SET(i, f, st, n, w, fired, ...) { XS_SET, i, f, st, n, { __VA_ARGS__ }, 0, w, fired }
#define SETA(i, f, st, n, adj, w, ...) { XS_SET, i, f, st, n, { __VA_ARGS__ }, adj, w, XF_NOCHECK }
#define RAISE(i, v, fired) { XS_RAISE, i, 0, v, 0, { 0 }, 0, 0, fired }
#define SIGNAL(slot) { XS_SIGNAL, 0, 0, 0, 0, { slot }, 0, 0, XF_NOCHECK }
#define XEND { XS_END, 0, 0, 0, 0, { 0 }, 0, 0, XF_NOCHECK }

static int xs_set(struct conf_ctx *ctx, const struct xstep *st, uint32_t index, const int *efd)
{
	uint8_t data[16];
	size_t elem = 0, len, i;

	memset(data, 0, sizeof(data));
	if (st->flags & VFIO_IRQ_SET_DATA_BOOL)
		elem = 1;
	else if (st->flags & VFIO_IRQ_SET_DATA_EVENTFD)
		elem = 4;
	for (i = 0; i < 3 && i < st->count; i++) {
		if (elem == 1) {
			data[i] = (uint8_t)st->d[i];
		} else if (elem == 4) {
			int32_t fd = st->d[i] >= 0 ? efd[st->d[i] % X_NSLOTS] : st->d[i];

			memcpy(data + 4 * i, &fd, 4);
		}
	}
	len = elem * st->count + (size_t)(ssize_t)st->adj;
	if (len > sizeof(data))
		len = sizeof(data);
	return conf_uapi_set_irqs(ctx, st->flags, index, st->start, st->count, data, len);
}

static bool xs_check_fired(struct conf_ctx *ctx, unsigned step, const int *efd, int8_t want)
{
	unsigned i, got = 0;

	for (i = 0; i < X_NSLOTS; i++)
		if (x_fired(efd[i]))
			got |= 1u << i;
	return conf_check(ctx, got == (unsigned)want, "step %u: eventfds fired 0x%x, expected 0x%x", step, got,
			  (unsigned)want);
}

static int xs_run(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct xscript *sc = c->arg;
	int efd[X_NSLOTS] = { -1, -1, -1, -1 };
	uint32_t count = 0;
	unsigned i, n;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (sc->min_vec) {
		r = conf_uapi_irq_info(ctx, sc->idx, NULL, &count);
		if (r < 0 || count < sc->min_vec) {
			conf_note(ctx, "IRQ index %u has %u vectors, the script needs %u", sc->idx, count, sc->min_vec);
			return conf_not_supported(ctx, "the IRQ index has too few vectors for this script");
		}
	}
	for (i = 0; i < X_NSLOTS; i++)
		if ((efd[i] = x_efd(ctx)) < 0)
			goto out;
	for (n = 0; sc->s[n].op != XS_END && n < 32; n++) {
		const struct xstep *st = &sc->s[n];
		uint32_t index = st->index == XI ? sc->idx : st->index;
		char what[64];

		switch (st->op) {
		case XS_SET:
			r = xs_set(ctx, st, index, efd);
			snprintf(what, sizeof(what), "step %u: SET_IRQS", n);
			if (conf_expect_errno(ctx, what, r, st->want, true) != CONF_PASS)
				goto out;
			break;
		case XS_RAISE:
			r = vfsim_dev_raise_irq(ctx->u.dev, index, st->start);
			conf_note(ctx, "step %u: device raises index %u vector %u = %d", n, index, st->start, r);
			break;
		case XS_SIGNAL: {
			uint64_t one = 1;

			r = (int)write(efd[st->d[0] % X_NSLOTS], &one, sizeof(one));
			conf_note(ctx, "step %u: write 1 to eventfd slot %d", n, st->d[0]);
			break;
		}
		}
		if (st->fired != XF_NOCHECK && !xs_check_fired(ctx, n, efd, st->fired))
			goto out;
	}
out:
	for (i = 0; i < X_NSLOTS; i++)
		if (efd[i] >= 0)
			close(efd[i]);
	return conf_pass(ctx);
}

/* IRQM-01: several action bits, or a pair vfio-pci has no handler for: ENOTTY. */
static const struct xstep s01_intx_mask_unmask[] = {
	SET(INTX, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK | VFIO_IRQ_SET_ACTION_UNMASK, 0, 1, -ENOTTY, 0, 0), XEND };
static const struct xstep s01_intx_unmask_trigger[] = {
	SET(INTX, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, -ENOTTY, 0, 0),
	XEND };
static const struct xstep s01_vec_mask_trigger[] = {
	SET(XI, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, -ENOTTY, 0, 0),
	XEND };
static const struct xstep s01_vec_unmask_fd[] = { SET(XI, UFD, 0, 1, -ENOTTY, 0, 0), XEND };
static const struct xstep s01_single_mask[] = { SET(XI, MNONE, 0, 1, -ENOTTY, 0, 0), XEND };
static const struct xstep s01_single_unmask[] = { SET(XI, UNONE, 0, 1, -ENOTTY, 0, 0), XEND };
static const struct xstep s01_single_all[] = {
	SET(XI, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TYPE_MASK, 0, 1, -ENOTTY, 0, 0), XEND };

/* IRQM-02: INTx MASK/UNMASK preconditions. */
static const struct xstep s02_unmask_off[] = { SET(INTX, UNONE, 0, 1, -EINVAL, 0, 0), XEND };
static const struct xstep s02_mask_count0[] = {
	SET(INTX, FFD, 0, 1, 0, 0, 0), SET(INTX, MNONE, 0, 0, -EINVAL, 0, 0), XEND };
static const struct xstep s02_unmask_count0[] = {
	SET(INTX, FFD, 0, 1, 0, 0, 0), SET(INTX, UNONE, 0, 0, -EINVAL, 0, 0), XEND };
static const struct xstep s02_mask_works[] = {
	SET(INTX, FFD, 0, 1, 0, 0, 0), SET(INTX, MNONE, 0, 1, 0, 0, 0), RAISE(INTX, 0, 0),
	SET(INTX, UNONE, 0, 1, 0, XF_NOCHECK, 0), XEND };
static const struct xstep s02_mask_bool0[] = {
	SET(INTX, FFD, 0, 1, 0, 0, 0), SET(INTX, MBOOL, 0, 1, 0, 0, 0), RAISE(INTX, 0, 1),
	SET(INTX, UBOOL, 0, 1, 0, XF_NOCHECK, 1), XEND };

/* IRQM-03: the INTx unmask irqfd. A registered irqfd consumes its eventfd
 * (virqfd_wakeup reads it); an unregistered one leaves our write pending,
 * hence slot 1 still reads as fired there. */
static const struct xstep s03_irqfd_unmasks[] = {
	SET(INTX, FFD, 0, 1, 0, 0, 0), SET(INTX, UFD, 0, 1, 0, 0, 1), RAISE(INTX, 0, 1), SIGNAL(1),
	RAISE(INTX, 0, 1), XEND };
static const struct xstep s03_irqfd_unreg_m1[] = {
	SET(INTX, FFD, 0, 1, 0, 0, 0), SET(INTX, UFD, 0, 1, 0, 0, 1), SET(INTX, UFD, 0, 1, 0, 0, -1),
	RAISE(INTX, 0, 1), SIGNAL(1), RAISE(INTX, 0, 2), XEND };
static const struct xstep s03_irqfd_unreg_m2[] = {
	SET(INTX, FFD, 0, 1, 0, 0, 0), SET(INTX, UFD, 0, 1, 0, 0, 1), SET(INTX, UFD, 0, 1, 0, 0, -2),
	RAISE(INTX, 0, 1), SIGNAL(1), RAISE(INTX, 0, 2), XEND };

/* IRQM-04: INTx TRIGGER: disable with count 0|NONE, else start 0 / count 1. */
static const struct xstep s04_disable[] = {
	SET(INTX, FFD, 0, 1, 0, 0, 0), SET(INTX, FNONE, 0, 0, 0, 0, 0), SET(INTX, FNONE, 0, 1, -EINVAL, 0, 0),
	RAISE(INTX, 0, 0), XEND };
static const struct xstep s04_count0_off[] = { SET(INTX, FNONE, 0, 0, -EINVAL, 0, 0), XEND };
static const struct xstep s04_fd_count0[] = {
	SET(INTX, FFD, 0, 1, 0, 0, 0), SET(INTX, FFD, 0, 0, -EINVAL, 0, 0), XEND };
static const struct xstep s04_bool_count0[] = {
	SET(INTX, FFD, 0, 1, 0, 0, 0), SET(INTX, FBOOL, 0, 0, -EINVAL, 0, 0), XEND };
static const struct xstep s04_other_mode[] = {
	SET(XI, FFD, 0, 1, 0, 0, 0), SET(INTX, FFD, 0, 1, -EINVAL, 0, 1), XEND };
static const struct xstep s04_swap[] = {
	SET(INTX, FFD, 0, 1, 0, 0, 0), SET(INTX, FFD, 0, 1, 0, 0, 1), RAISE(INTX, 0, 2), XEND };

/* IRQM-05: INTx loopback needs INTx enabled. */
static const struct xstep s05_none_off[] = { SET(INTX, FNONE, 0, 1, -EINVAL, 0, 0), XEND };
static const struct xstep s05_bool_off[] = { SET(INTX, FBOOL, 0, 1, -EINVAL, 0, 1), XEND };
static const struct xstep s05_loopback[] = {
	SET(INTX, FFD, 0, 1, 0, 0, 0), SET(INTX, FNONE, 0, 1, 0, 1, 0), SET(INTX, FBOOL, 0, 1, 0, 1, 1),
	SET(INTX, FBOOL, 0, 1, 0, 0, 0), XEND };
static const struct xstep s05_null_trigger[] = {
	SET(INTX, FFD, 0, 1, 0, 0, -1), SET(INTX, FNONE, 0, 1, 0, 0, 0), XEND };

/* IRQM-06: MSI/MSI-X EVENTFD enables start + count vectors; fd < 0 releases. */
static const struct xstep s06_enable_range[] = {
	SET(XI, FFD, 1, 1, 0, 0, 1), SET(XI, FNONE, 0, 2, 0, 2, 0), SET(XI, FNONE, 0, 3, -EINVAL, 0, 0), XEND };
static const struct xstep s06_block_past[] = {
	SET(XI, FFD, 1, 1, 0, 0, 1), SET(XI, FFD, 2, 1, -EINVAL, 0, 2), XEND };
static const struct xstep s06_release_m1[] = {
	SET(XI, FFD, 0, 2, 0, 0, 0, 1), SET(XI, FFD, 0, 1, 0, 0, -1), SET(XI, FNONE, 0, 2, 0, 2, 0), XEND };
static const struct xstep s06_release_m2[] = {
	SET(XI, FFD, 0, 2, 0, 0, 0, 1), SET(XI, FFD, 0, 1, 0, 0, -2), SET(XI, FNONE, 0, 2, 0, 2, 0), XEND };

/* IRQM-07: MSI/MSI-X loopback. */
static const struct xstep s07_none_off[] = { SET(XI, FNONE, 0, 1, -EINVAL, 0, 0), XEND };
static const struct xstep s07_bool_off[] = { SET(XI, FBOOL, 0, 1, -EINVAL, 0, 1), XEND };
static const struct xstep s07_intx_on[] = {
	SET(INTX, FFD, 0, 1, 0, 0, 0), SET(XI, FNONE, 0, 1, -EINVAL, 0, 0), XEND };
static const struct xstep s07_bool_select[] = {
	SET(XI, FFD, 0, 2, 0, 0, 0, 1), SET(XI, FBOOL, 0, 2, 0, 2, 0, 1), SET(XI, FBOOL, 0, 2, 0, 1, 1, 0), XEND };
static const struct xstep s07_no_trigger[] = {
	SET(XI, FFD, 0, 2, 0, 0, -1, 1), SET(XI, FNONE, 0, 1, 0, 0, 0), SET(XI, FNONE, 0, 2, 0, 2, 0), XEND };

/* IRQM-08: ERR/REQ (vfio_pci_set_ctx_trigger_single). */
static const struct xstep s08_none0_unreg[] = { SET(XI, FNONE, 0, 0, -EINVAL, 0, 0), XEND };
static const struct xstep s08_bool0[] = { SET(XI, FFD, 0, 1, 0, 0, 0), SET(XI, FBOOL, 0, 0, -EINVAL, 0, 0), XEND };
static const struct xstep s08_fd0[] = { SET(XI, FFD, 0, 0, -EINVAL, 0, 0), XEND };
static const struct xstep s08_none0[] = {
	SET(XI, FFD, 0, 1, 0, 0, 0), SET(XI, FNONE, 0, 0, 0, 0, 0), SET(XI, FNONE, 0, 1, -EINVAL, 0, 0), XEND };
static const struct xstep s08_bool[] = {
	SET(XI, FFD, 0, 1, 0, 0, 0), SET(XI, FBOOL, 0, 1, 0, 1, 1), SET(XI, FBOOL, 0, 1, 0, 0, 0), XEND };
static const struct xstep s08_fd_m1[] = {
	SET(XI, FFD, 0, 1, 0, 0, 0), SET(XI, FFD, 0, 1, 0, 0, -1), SET(XI, FNONE, 0, 1, -EINVAL, 0, 0), XEND };
static const struct xstep s08_replace[] = {
	SET(XI, FFD, 0, 1, 0, 0, 0), SET(XI, FFD, 0, 1, 0, 0, 1), SET(XI, FNONE, 0, 1, 0, 2, 0), XEND };
static const struct xstep s08_count2[] = { SET(XI, FNONE, 0, 2, -EINVAL, 0, 0), XEND };
static const struct xstep s08_start1[] = { SET(XI, FNONE, 1, 0, -EINVAL, 0, 0), XEND };

/* IRQM-09: ERR without PCIe has 0 vectors, so 6.1's validator answers first. */
static const struct xstep s09_err_fd[] = { SET(ERR, FFD, 0, 1, -EINVAL, 0, 0), XEND };
static const struct xstep s09_err_none0[] = { SET(ERR, FNONE, 0, 0, -EINVAL, 0, 0), XEND };

/* IRQM-10: data sizes. */
static const struct xstep s10_bool_short[] = { SETA(REQ, FBOOL, 0, 1, -1, -EINVAL, 0), XEND };
static const struct xstep s10_bool_exact[] = { SETA(REQ, FBOOL, 0, 1, 0, 0, 0), XEND };
static const struct xstep s10_fd_short[] = { SETA(REQ, FFD, 0, 1, -1, -EINVAL, -1), XEND };
static const struct xstep s10_fd_exact[] = { SETA(REQ, FFD, 0, 1, 0, 0, -1), XEND };
static const struct xstep s10_count0[] = {
	SET(XI, FFD, 0, 1, 0, 0, 0), SETA(XI, FFD, 0, 0, 0, 0, 0), SETA(XI, FBOOL, 0, 0, 0, 0, 0), XEND };
static const struct xstep s10_bool2_short[] = {
	SET(XI, FFD, 0, 2, 0, 0, 0, 1), SETA(XI, FBOOL, 0, 2, -1, -EINVAL, 1, 1), XEND };

#define XSC(name, idx, minv) static const struct xscript name##_sc = { idx, minv, name }
XSC(s01_intx_mask_unmask, INTX, 1);
XSC(s01_intx_unmask_trigger, INTX, 1);
XSC(s01_vec_mask_trigger, MSIX, 1);
XSC(s01_vec_unmask_fd, VFIO_PCI_MSI_IRQ_INDEX, 1);
XSC(s01_single_mask, REQ, 1);
XSC(s01_single_unmask, REQ, 1);
XSC(s01_single_all, REQ, 1);
static const struct xscript s01_err_mask_sc = { ERR, 1, s01_single_mask };
XSC(s02_unmask_off, INTX, 1);
XSC(s02_mask_count0, INTX, 1);
XSC(s02_unmask_count0, INTX, 1);
XSC(s02_mask_works, INTX, 1);
XSC(s02_mask_bool0, INTX, 1);
XSC(s03_irqfd_unmasks, INTX, 1);
XSC(s03_irqfd_unreg_m1, INTX, 1);
XSC(s03_irqfd_unreg_m2, INTX, 1);
XSC(s04_disable, INTX, 1);
XSC(s04_count0_off, INTX, 1);
XSC(s04_fd_count0, INTX, 1);
XSC(s04_bool_count0, INTX, 1);
static const struct xscript s04_other_msix_sc = { MSIX, 1, s04_other_mode };
static const struct xscript s04_other_msi_sc = { VFIO_PCI_MSI_IRQ_INDEX, 1, s04_other_mode };
XSC(s04_swap, INTX, 1);
XSC(s05_none_off, INTX, 1);
XSC(s05_bool_off, INTX, 1);
XSC(s05_loopback, INTX, 1);
XSC(s05_null_trigger, INTX, 1);
static const struct xscript s06_msix_range_sc = { MSIX, 3, s06_enable_range };
static const struct xscript s06_msi_range_sc = { VFIO_PCI_MSI_IRQ_INDEX, 3, s06_enable_range };
static const struct xscript s06_msix_past_sc = { MSIX, 3, s06_block_past };
static const struct xscript s06_msix_rel1_sc = { MSIX, 2, s06_release_m1 };
static const struct xscript s06_msi_rel1_sc = { VFIO_PCI_MSI_IRQ_INDEX, 2, s06_release_m1 };
static const struct xscript s06_msix_rel2_sc = { MSIX, 2, s06_release_m2 };
static const struct xscript s07_msix_none_sc = { MSIX, 1, s07_none_off };
static const struct xscript s07_msi_none_sc = { VFIO_PCI_MSI_IRQ_INDEX, 1, s07_none_off };
static const struct xscript s07_msix_bool_sc = { MSIX, 1, s07_bool_off };
static const struct xscript s07_msix_intx_sc = { MSIX, 1, s07_intx_on };
static const struct xscript s07_msi_intx_sc = { VFIO_PCI_MSI_IRQ_INDEX, 1, s07_intx_on };
static const struct xscript s07_msix_sel_sc = { MSIX, 2, s07_bool_select };
static const struct xscript s07_msix_notrig_sc = { MSIX, 2, s07_no_trigger };
static const struct xscript s07_msi_notrig_sc = { VFIO_PCI_MSI_IRQ_INDEX, 2, s07_no_trigger };
XSC(s08_none0_unreg, REQ, 1);
XSC(s08_bool0, REQ, 1);
XSC(s08_fd0, REQ, 1);
XSC(s08_none0, REQ, 1);
XSC(s08_bool, REQ, 1);
XSC(s08_fd_m1, REQ, 1);
XSC(s08_replace, REQ, 1);
XSC(s08_count2, REQ, 1);
XSC(s08_start1, REQ, 1);
static const struct xscript s08_err_none0_sc = { ERR, 1, s08_none0 };
static const struct xscript s08_err_fd0_sc = { ERR, 1, s08_fd0 };
XSC(s09_err_fd, ERR, 0);
XSC(s09_err_none0, ERR, 0);
XSC(s10_bool_short, REQ, 1);
XSC(s10_bool_exact, REQ, 1);
XSC(s10_fd_short, REQ, 1);
XSC(s10_fd_exact, REQ, 1);
static const struct xscript s10_msix_count0_sc = { MSIX, 1, s10_count0 };
static const struct xscript s10_msi_count0_sc = { VFIO_PCI_MSI_IRQ_INDEX, 1, s10_count0 };
static const struct xscript s10_msix_bool2_sc = { MSIX, 2, s10_bool2_short };

/* ---- argsz and capability chains (UAPI-ARG-*) ------------------------------------------- */

enum { XO_GROUP, XO_DEVICE, XO_CONTAINER };

struct arg_row {
	uint8_t obj;
	unsigned long req;
	uint32_t argsz;
	uint32_t index;		/* written at offset 8 (region/IRQ index) */
	uint32_t keep_from;	/* ARG-03: bytes from here to 64 must come back untouched */
};

static int arg_fd(struct conf_ctx *ctx, uint8_t obj)
{
	return obj == XO_GROUP ? ctx->u.group : obj == XO_DEVICE ? ctx->u.device : ctx->u.container;
}

/* ARG-01: argsz below minsz. */
static int arg_minsz_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct arg_row *row = c->arg;
	uint32_t buf[16];
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	memset(buf, 0, sizeof(buf));
	buf[0] = row->argsz;
	buf[2] = row->index;
	r = conf_ioctl(ctx, arg_fd(ctx, row->obj), row->req, buf);
	conf_expect_errno(ctx, "argsz below minsz", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* ARG-03: only minsz bytes are copied back. */
static int arg_window_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct arg_row *row = c->arg;
	uint8_t buf[64];
	uint32_t i;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	memset(buf, 0xa5, sizeof(buf));
	memcpy(buf, &row->argsz, 4);
	memset(buf + 4, 0, 4);
	if (row->req == VFIO_DEVICE_GET_REGION_INFO || row->req == VFIO_DEVICE_GET_IRQ_INFO)
		memcpy(buf + 8, &row->index, 4);
	r = conf_ioctl(ctx, arg_fd(ctx, row->obj), row->req, buf);
	if (conf_expect_errno(ctx, "info ioctl", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	for (i = row->keep_from; i < sizeof(buf); i++)
		if (!conf_check(ctx, buf[i] == 0xa5, "byte %u past the copied window changed to 0x%02x", i, buf[i]))
			break;
	return conf_pass(ctx);
}

static const struct arg_row a_status = { XO_GROUP, VFIO_GROUP_GET_STATUS, 7, 0, 0 };
static const struct arg_row a_dev = { XO_DEVICE, VFIO_DEVICE_GET_INFO, 15, 0, 0 };
static const struct arg_row a_region = { XO_DEVICE, VFIO_DEVICE_GET_REGION_INFO, 31, VFIO_PCI_CONFIG_REGION_INDEX, 0 };
static const struct arg_row a_irq = { XO_DEVICE, VFIO_DEVICE_GET_IRQ_INFO, 15, VFIO_PCI_REQ_IRQ_INDEX, 0 };
static const struct arg_row a_iommu = { XO_CONTAINER, VFIO_IOMMU_GET_INFO, 15, 0, 0 };
static const struct arg_row w_dev16 = { XO_DEVICE, VFIO_DEVICE_GET_INFO, 16, 0, 16 };
static const struct arg_row w_iommu16 = { XO_CONTAINER, VFIO_IOMMU_GET_INFO, 16, 0, 16 };
static const struct arg_row w_irq64 = { XO_DEVICE, VFIO_DEVICE_GET_IRQ_INFO, 64, VFIO_PCI_REQ_IRQ_INDEX, 16 };
static const struct arg_row w_status16 = { XO_GROUP, VFIO_GROUP_GET_STATUS, 16, 0, 8 };
static const struct arg_row w_config64 = {
	XO_DEVICE, VFIO_DEVICE_GET_REGION_INFO, 64, VFIO_PCI_CONFIG_REGION_INDEX, 32 };

/* A region, IOMMU or device info with caps: which one a row judges. */
enum { XC_REGION, XC_IOMMU, XC_DEVICE };

struct x_info {
	uint32_t argsz, flags;
	uint8_t raw[2048];
};

/* Issue the info ioctl of @what with @argsz into @buf (0xa5-filled). For
 * XC_REGION the first index with caps (scan at argsz 32); -ENOENT if none. */
static int x_info_call(struct conf_ctx *ctx, int what, uint32_t argsz, uint8_t *buf, size_t len, uint32_t *ret_index)
{
	uint32_t i, nregions = ctx->target->num_regions;

	memset(buf, 0xa5, len);
	if (what == XC_IOMMU || what == XC_DEVICE) {
		memcpy(buf, &argsz, 4);
		memset(buf + 4, 0, 4);
		return conf_ioctl(ctx, what == XC_IOMMU ? ctx->u.container : ctx->u.device,
				  what == XC_IOMMU ? VFIO_IOMMU_GET_INFO : VFIO_DEVICE_GET_INFO, buf);
	}
	for (i = 0; i < nregions && i < 64; i++) {
		struct vfio_region_info ri = { .argsz = sizeof(ri), .index = i };

		if (conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_REGION_INFO, &ri) == 0 &&
		    (ri.flags & VFIO_REGION_INFO_FLAG_CAPS))
			break;
	}
	if (i >= nregions || i >= 64)
		return -ENOENT;
	*ret_index = i;
	memset(buf, 0xa5, len);
	memcpy(buf, &argsz, 4);
	memset(buf + 4, 0, 4);
	memcpy(buf + 8, &i, 4);
	return conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_REGION_INFO, buf);
}

/* struct size, CAPS flag and cap_offset position of @what. */
static void x_info_layout(int what, uint32_t *size, uint32_t *caps_flag, uint32_t *cap_off_at)
{
	*size = what == XC_REGION ? 32 : 24;
	*caps_flag = what == XC_REGION ? VFIO_REGION_INFO_FLAG_CAPS :
		     what == XC_IOMMU ? VFIO_IOMMU_INFO_CAPS : VFIO_DEVICE_FLAGS_CAPS;
	*cap_off_at = what == XC_REGION ? 12 : 16;
}

/* ARG-02 (arg: truncated call), ARG-05 (fitting call), ARG-04 (chain walk). */
enum { XM_TRUNC, XM_FIT, XM_CHAIN };

static int arg_caps(struct conf_ctx *ctx, int what, int mode)
{
	static uint8_t buf[4096];
	uint32_t size, caps_flag, cap_off_at, argsz, flags, cap_off, index = 0, need, off, hops;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	x_info_layout(what, &size, &caps_flag, &cap_off_at);
	r = x_info_call(ctx, what, size, buf, sizeof(buf), &index);
	if (r == -ENOENT)
		return conf_not_supported(ctx, "no region of the device has capabilities");
	if (conf_expect_errno(ctx, "info at argsz = sizeof(struct)", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	memcpy(&argsz, buf, 4);
	memcpy(&flags, buf + 4, 4);
	memcpy(&cap_off, buf + cap_off_at, 4);
	if (!(flags & caps_flag)) {
		if (what == XC_DEVICE)
			return conf_not_supported(ctx, "DEVICE_GET_INFO reports no capabilities");
		return conf_fail(ctx, "flags 0x%x lack the CAPS bit (type1 6.1 always builds MIGRATION, DMA_AVAIL and "
				 "IOVA_RANGE caps; a region found with CAPS lost it)", flags);
	}
	need = argsz;
	if (mode == XM_TRUNC) {
		conf_check(ctx, need > size, "CAPS set but argsz came back %u (must be the struct plus the caps)", need);
		conf_check(ctx, cap_off == 0, "caps did not fit but cap_offset is %u", cap_off);
		for (off = size; off < sizeof(buf); off++)
			if (!conf_check(ctx, buf[off] == 0xa5, "caps did not fit but byte %u was written", off))
				break;
		return conf_pass(ctx);
	}
	if (!conf_check(ctx, need > size && need <= sizeof(buf), "needed argsz %u unusable", need))
		return conf_pass(ctx);
	r = x_info_call(ctx, what, need, buf, sizeof(buf), &index);
	if (conf_expect_errno(ctx, "info retried with the reported argsz", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	memcpy(&cap_off, buf + cap_off_at, 4);
	if (mode == XM_FIT)
		return conf_check(ctx, cap_off == size, "caps fit but cap_offset is %u, not sizeof(struct) %u", cap_off,
				  size), conf_pass(ctx);
	/* XM_CHAIN */
	{
		uint16_t ids[16];
		unsigned nids = 0;

		for (off = cap_off, hops = 0; off && hops < 16; hops++) {
			uint16_t id, ver;
			uint32_t next;

			if (!conf_check(ctx, off >= size && off + 8 <= need, "cap at %u outside [%u, %u)", off, size, need))
				break;
			memcpy(&id, buf + off, 2);
			memcpy(&ver, buf + off + 2, 2);
			memcpy(&next, buf + off + 4, 4);
			conf_note(ctx, "cap at %u: id %u version %u next %u", off, id, ver, next);
			ids[nids++] = id;
			conf_check(ctx, ver >= 1, "cap id %u has version 0", id);
			if (next && !conf_check(ctx, next > off, "next %u does not move forward from %u", next, off))
				break;
			off = next;
		}
		conf_check(ctx, !off, "chain longer than 16 caps");
		if (what == XC_IOMMU)	/* vfio_iommu_type1_get_info: migration, dma_avail, iova ranges */
			conf_check(ctx, nids == 3 && ids[0] == VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION &&
				   ids[1] == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL &&
				   ids[2] == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE,
				   "type1 caps not in build order MIGRATION(2), DMA_AVAIL(3), IOVA_RANGE(1)");
		if (what == XC_REGION && index >= VFIO_PCI_NUM_REGIONS)	/* the TYPE cap is added first */
			conf_check(ctx, nids >= 1 && ids[0] == VFIO_REGION_INFO_CAP_TYPE,
				   "device-specific region %u: first cap is not TYPE (2)", index);
	}
	return conf_pass(ctx);
}

static int arg_caps_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	uintptr_t a = (uintptr_t)c->arg;

	return arg_caps(ctx, (int)(a & 0xf), (int)(a >> 4));
}

#define XCAPS(what, mode) ((const void *)(uintptr_t)((what) | ((mode) << 4)))

/* ---- hot reset (UAPI-HRST-*) -------------------------------------------------------------- */

struct x_hri {
	struct vfio_pci_hot_reset_info h;
	struct vfio_pci_dependent_device d[16];
};

static int hrst_info(struct conf_ctx *ctx, struct x_hri *hi, uint32_t argsz)
{
	memset(hi, 0, sizeof(*hi));
	hi->h.argsz = argsz;
	hi->h.flags = 0xffffffff;
	return conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, hi);
}

/* arg 0: argsz 11; 1: flags zeroed on success / ENODEV only; 2: flags zeroed on ENOSPC. */
static int hrst_info_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	uintptr_t mode = (uintptr_t)c->arg;
	struct x_hri hi;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (mode == 0) {
		conf_expect_errno(ctx, "HOT_RESET_INFO argsz 11", hrst_info(ctx, &hi, 11), -EINVAL, true);
		return conf_pass(ctx);
	}
	r = hrst_info(ctx, &hi, mode == 1 ? sizeof(hi) : sizeof(hi.h));
	if (mode == 1 && r == -ENODEV) {
		struct { struct vfio_pci_hot_reset h; int32_t fd; } hr = { { sizeof(hr), 0, 1 }, ctx->u.group };

		conf_note(ctx, "no slot or bus reset: ENODEV; PCI_HOT_RESET must agree");
		r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_PCI_HOT_RESET, &hr);
		conf_expect_errno(ctx, "PCI_HOT_RESET without a slot or bus reset", r, -ENODEV, true);
		return conf_pass(ctx);
	}
	if (conf_expect_errno(ctx, "HOT_RESET_INFO", r, mode == 1 ? 0 : -ENOSPC, true) == CONF_PASS)
		conf_check(ctx, hi.h.flags == 0, "flags came back 0x%x, not 0", hi.h.flags);
	return conf_pass(ctx);
}

/* PCI_HOT_RESET with one fd: arg 0 = -1, 1 = a closed fd, 2 = the container,
 * 3 = the device fd, 4 = an eventfd. */
static int hrst_fd_row(struct conf_ctx *ctx, const struct conf_case *c)
{
	uintptr_t kind = (uintptr_t)c->arg;
	struct { struct vfio_pci_hot_reset h; int32_t fd; } hr;
	int fd = -1, r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	if (kind == 1 || kind == 4) {
		if ((fd = x_efd(ctx)) < 0)
			return conf_pass(ctx);
		if (kind == 1) {
			close(fd);
			fd = fcntl(fd, F_GETFD) < 0 ? fd : -1;	/* a number nothing holds */
		}
	}
	memset(&hr, 0, sizeof(hr));
	hr.h.argsz = sizeof(hr);
	hr.h.count = 1;
	hr.fd = kind == 2 ? ctx->u.container : kind == 3 ? ctx->u.device : fd;
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_PCI_HOT_RESET, &hr);
	conf_expect_errno(ctx, "PCI_HOT_RESET", r, kind <= 1 ? -EBADF : -EINVAL, true);
	if (kind == 4)
		close(fd);
	return conf_pass(ctx);
}

/* Groups that do not cover the dev_set: another group's fd alone (other bus),
 * then, with a second device on our bus, what HOT_RESET_INFO lists must all be
 * covered. */
static int hrst_cover(struct conf_ctx *ctx, const struct conf_case *c)
{
	bool same_bus = c->arg != NULL;
	struct { struct vfio_pci_hot_reset h; int32_t fd[2]; } hr;
	struct x_host x;
	struct x_hri hi;
	bool lists2 = false;
	uint32_t i;
	int g2, r, v;

	if ((v = x_host2(ctx, &x, X_GROUP2, same_bus ? X_BDF2 : X_BDF3)) != CONF_PASS)
		return x_host_done(ctx, &x);
	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return x_host_done(ctx, &x);
	g2 = conf_open(ctx, X_GROUP2_PATH, O_RDWR);
	if (conf_expect_errno(ctx, "open the second group", g2, 0, true) != CONF_PASS)
		return x_host_done(ctx, &x);
	r = hrst_info(ctx, &hi, sizeof(hi));
	if (r < 0) {
		x_host_done(ctx, &x);
		return conf_not_supported(ctx, "GET_PCI_HOT_RESET_INFO fails on the own host");
	}
	for (i = 0; i < hi.h.count && i < 16; i++)
		lists2 |= hi.d[i].group_id == X_GROUP2;
	conf_note(ctx, "HOT_RESET_INFO lists %u device(s)%s", hi.h.count, lists2 ? ", group 13 among them" : "");
	memset(&hr, 0, sizeof(hr));
	hr.h.argsz = sizeof(hr.h) + 4;
	hr.h.count = 1;
	hr.fd[0] = same_bus ? ctx->u.group : g2;
	r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_PCI_HOT_RESET, &hr);
	if (!same_bus)
		conf_expect_errno(ctx, "PCI_HOT_RESET with only another bus's group", r, -EINVAL, true);
	else
		conf_expect_errno(ctx, lists2 ? "PCI_HOT_RESET with our group only (dev_set has group 13 too)" :
				  "PCI_HOT_RESET with our group (the dev_set is ours alone)", r, lists2 ? -EINVAL : 0, true);
	if (same_bus && lists2) {
		hr.h.argsz = sizeof(hr);
		hr.h.count = 2;
		hr.fd[1] = g2;
		r = conf_ioctl(ctx, ctx->u.device, VFIO_DEVICE_PCI_HOT_RESET, &hr);
		conf_expect_errno(ctx, "PCI_HOT_RESET with both groups", r, 0, true);
	}
	return x_host_done(ctx, &x);
}

#endif
