/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interrupts of one simulated function, modelled on vfio-pci in Linux 6.1
 * (drivers/vfio/pci/vfio_pci_intrs.c): the five indexes and their counts as
 * GET_IRQ_INFO reports them, the SET_IRQS validator of vfio_main.c (stage A, a
 * pure function), the vfio-pci handlers behind it (stage B, a dispatch table),
 * the device side (raising a vector) and the IRQ part of migration state.
 *
 * Every trigger is our own F_DUPFD_CLOEXEC duplicate of the descriptor the
 * caller passed, as the kernel takes its own eventfd_ctx reference: the
 * caller keeps and closes its descriptor, we close ours.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "irq.h"
#include "dev.h"
#include "rules.h"

#define IRQ_MODE_NONE (-1)

#define IRQ_INTX VFIO_PCI_INTX_IRQ_INDEX
#define IRQ_MSI VFIO_PCI_MSI_IRQ_INDEX
#define IRQ_MSIX VFIO_PCI_MSIX_IRQ_INDEX
#define IRQ_ERR VFIO_PCI_ERR_IRQ_INDEX
#define IRQ_REQ VFIO_PCI_REQ_IRQ_INDEX

/* offsetofend(struct vfio_irq_set, count): the header every SET_IRQS carries. */
#define IRQ_SET_MINSZ (offsetof(struct vfio_irq_set, count) + sizeof(uint32_t))

/* [6.1] MSI-X reports NORESIZE like MSI. [new] Kernels with dynamic MSI-X
 * allocation (6.5+) drop NORESIZE for MSI-X; this is the one place to change. */
#define IRQ_INFO_FLAGS_INTX \
	(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED)
#define IRQ_INFO_FLAGS_OTHER (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE)
#define IRQ_INFO_FLAGS_MSIX IRQ_INFO_FLAGS_OTHER

struct irq_vec {
	int trigger;		/* our dup of the caller's eventfd, -1 = none */
	bool masked;		/* INTx: the virtual mask; MSI-X: the table's Vector Control bit */
	bool pending;		/* raised while masked (INTx: the level is still asserted) */
};

struct irq_state {
	uint32_t count[VFIO_PCI_NUM_IRQS];
	bool pcie;
	int mode;			/* vfio-pci's irq_type: IRQ_MODE_NONE, INTx, MSI or MSI-X */
	uint32_t nenabled;		/* vfio-pci's num_ctx: vectors of the enabled mode */
	int intx_unmask_fd;		/* the INTx UNMASK irqfd (virqfd), -1 = none */
	struct irq_vec *vec[VFIO_PCI_NUM_IRQS];	/* count[i] entries, NULL when 0 */
	struct irq_vec *all;		/* the one allocation vec[] points into */
};

int irq_new(struct vfsim_dev *dev, struct irq_state **ret)
{
	const struct vfsim_profile *p = &dev->prof;
	struct irq_state *s;
	uint32_t i, total = 0, off = 0;

	/* The profile loader validated these; irq.c still bounds what it allocates. */
	if (p->msi_vectors > VFSIM_MAX_MSI || p->msix_vectors > VFSIM_MAX_MSIX)
		return vfsim_reject(RULE_IRQ_PROFILE_COUNTS, -EINVAL);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	/* vfio_pci_get_irq_count() */
	s->count[IRQ_INTX] = p->intx_pin ? 1 : 0;
	s->count[IRQ_MSI] = p->msi_vectors;
	s->count[IRQ_MSIX] = p->msix_vectors;
	s->count[IRQ_ERR] = p->pcie ? 1 : 0;
	s->count[IRQ_REQ] = 1;
	s->pcie = p->pcie;
	s->mode = IRQ_MODE_NONE;
	s->intx_unmask_fd = -1;
	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++)
		total += s->count[i];
	s->all = calloc(total, sizeof(*s->all));
	if (!s->all) {
		free(s);
		return -ENOMEM;
	}
	for (i = 0; i < total; i++)
		s->all[i].trigger = -1;
	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		s->vec[i] = s->count[i] ? s->all + off : NULL;
		off += s->count[i];
	}
	/* The MSI-X table's Vector Control mask bit resets to 1 (PCI spec), and
	 * region.c starts the table that way: the two views agree from birth. */
	for (i = 0; i < s->count[IRQ_MSIX]; i++)
		s->vec[IRQ_MSIX][i].masked = true;
	*ret = s;
	return 0;
}

/* ---- eventfds ----------------------------------------------------------- */

/* eventfd_signal(): a failed write (a saturated counter) is not reported. */
static int irq_signal(int fd)
{
	uint64_t one = 1;

	if (fd < 0)
		return 0;
	return write(fd, &one, sizeof(one)) == (ssize_t)sizeof(one) ? 1 : 0;
}

static void irq_fd_put(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* eventfd_ctx_fdget(): EBADF for a descriptor that is not open, EINVAL for one
 * that is not an eventfd. Without /proc the type cannot be checked and the
 * descriptor is taken as it is. */
static int irq_fd_get(int32_t fd, int *ret_fd)
{
	char path[64], link[64];
	ssize_t n;
	int nfd;

	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (nfd < 0) {
		if (errno == EBADF)
			return vfsim_reject(RULE_IRQ_FD_BAD, -EBADF);
		return -errno;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", nfd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n >= 0) {
		link[n] = '\0';
		if (strcmp(link, "anon_inode:[eventfd]")) {
			close(nfd);
			return vfsim_reject(RULE_IRQ_FD_NOT_EVENTFD, -EINVAL);
		}
	}
	*ret_fd = nfd;
	return 0;
}

static int32_t irq_data_fd(const void *data, uint32_t i)
{
	int32_t fd;

	memcpy(&fd, (const uint8_t *)data + (size_t)i * sizeof(fd), sizeof(fd));
	return fd;
}

static uint8_t irq_data_bool(const void *data, uint32_t i)
{
	return ((const uint8_t *)data)[i];
}

/* ---- INTx ---------------------------------------------------------------- */

/* vfio_send_intx_eventfd(): loopback and re-sends ignore the mask. */
static int irq_intx_send(struct irq_state *s)
{
	return s->mode == IRQ_INTX ? irq_signal(s->vec[IRQ_INTX][0].trigger) : 0;
}

static void irq_intx_mask(struct irq_state *s)
{
	if (s->mode == IRQ_INTX)
		s->vec[IRQ_INTX][0].masked = true;
}

/* vfio_pci_intx_unmask_handler() then vfio_send_intx_eventfd(): a level still
 * asserted would fire again at once, so vfio-pci leaves the line masked and
 * re-sends the interrupt. Here: a pending interrupt is consumed, signalled
 * again, and the line stays masked until the next unmask. */
static void irq_intx_unmask(struct irq_state *s)
{
	struct irq_vec *v;

	if (s->mode != IRQ_INTX)
		return;
	v = &s->vec[IRQ_INTX][0];
	if (!v->masked)
		return;
	if (v->pending) {
		v->pending = false;
		irq_intx_send(s);
		return;
	}
	v->masked = false;
}

/* The kernel's virqfd runs the unmask handler when the irqfd is written. The
 * model has no thread: it consumes the irqfd's counter at the next SET_IRQS or
 * raise, which is the first moment anyone could observe the unmask. poll()
 * first, because the descriptor is shared with the caller and may be blocking. */
static void irq_intx_poll_unmask_fd(struct irq_state *s)
{
	struct pollfd pfd = { .fd = s->intx_unmask_fd, .events = POLLIN };
	uint64_t cnt;

	if (s->intx_unmask_fd < 0 || poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLIN))
		return;
	if (read(s->intx_unmask_fd, &cnt, sizeof(cnt)) != (ssize_t)sizeof(cnt))
		return;
	irq_intx_unmask(s);
}

/* vfio_intx_enable(): starts unmasked (the model has no DisINTx to inherit). */
static void irq_intx_enable(struct irq_state *s, int trigger)
{
	struct irq_vec *v = &s->vec[IRQ_INTX][0];

	s->mode = IRQ_INTX;
	s->nenabled = 1;
	v->trigger = trigger;
	v->masked = false;
	v->pending = false;
}

/* vfio_intx_disable(): the unmask irqfd and the trigger go with the mode. */
static void irq_intx_disable(struct irq_state *s)
{
	struct irq_vec *v = &s->vec[IRQ_INTX][0];

	irq_fd_put(&s->intx_unmask_fd);
	irq_fd_put(&v->trigger);
	v->masked = false;
	v->pending = false;
	s->mode = IRQ_MODE_NONE;
	s->nenabled = 0;
}

/* ---- MSI / MSI-X --------------------------------------------------------- */

/* vfio_msi_disable(): every vector's trigger is released. MSI-X mask and
 * pending bits live in the device's table and PBA and survive the disable. */
static void irq_msi_disable(struct irq_state *s)
{
	uint32_t i;

	for (i = 0; i < s->nenabled; i++)
		irq_fd_put(&s->vec[s->mode][i].trigger);
	s->mode = IRQ_MODE_NONE;
	s->nenabled = 0;
}

/* vfio_msi_set_block(): each vector's old trigger is released, then fd >= 0
 * installs a new one. A failure releases every vector of the block up to and
 * including the one that failed, as the kernel's unwind loop does. */
static int irq_msi_set_block(struct irq_state *s, uint32_t start, uint32_t count, const void *data)
{
	struct irq_vec *vec = s->vec[s->mode];
	uint32_t i, j;
	int r = 0;

	if (start >= s->nenabled || start + count > s->nenabled)
		return vfsim_reject(RULE_IRQ_MSI_BLOCK_RANGE, -EINVAL);
	for (i = 0, j = start; i < count && !r; i++, j++) {
		int32_t fd = irq_data_fd(data, i);

		irq_fd_put(&vec[j].trigger);
		if (fd >= 0)
			r = irq_fd_get(fd, &vec[j].trigger);
	}
	if (r)
		for (i = start; i < j; i++)
			irq_fd_put(&vec[i].trigger);
	return r;
}

static void irq_mode_disable(struct irq_state *s)
{
	if (s->mode == IRQ_INTX)
		irq_intx_disable(s);
	else if (s->mode != IRQ_MODE_NONE)
		irq_msi_disable(s);
}

/* ---- SET_IRQS stage A ------------------------------------------------------ */

int irq_set_validate(const struct vfio_irq_set *hdr, uint32_t num_irqs, uint32_t max_irq_type,
		     size_t *ret_data_size)
{
	size_t size;

	if (hdr->argsz < IRQ_SET_MINSZ)
		return vfsim_reject(RULE_IRQ_SET_ARGSZ, -EINVAL);
	if (hdr->index >= max_irq_type)
		return vfsim_reject(RULE_IRQ_SET_INDEX, -EINVAL);
	if (hdr->count >= UINT32_MAX - hdr->start)
		return vfsim_reject(RULE_IRQ_SET_OVERFLOW, -EINVAL);
	if (hdr->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK))
		return vfsim_reject(RULE_IRQ_SET_FLAGS, -EINVAL);
	if (ret_data_size)
		*ret_data_size = 0;
	/* No overflow: the guard above keeps start + count below U32_MAX. */
	if (hdr->start >= num_irqs || hdr->start + hdr->count > num_irqs)
		return vfsim_reject(RULE_IRQ_SET_RANGE, -EINVAL);
	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		size = 0;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		size = sizeof(uint8_t);
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		size = sizeof(int32_t);
		break;
	default:
		return vfsim_reject(RULE_IRQ_SET_DATA_TYPE, -EINVAL);
	}
	if (size && hdr->argsz - IRQ_SET_MINSZ < (uint64_t)hdr->count * size)
		return vfsim_reject(RULE_IRQ_SET_PAYLOAD, -EINVAL);
	if (ret_data_size)
		*ret_data_size = (size_t)hdr->count * size;
	return 0;
}

bool irq_set_past_range(const struct vfio_irq_set *hdr, uint32_t num_irqs)
{
	/* the overflow and the index stay stage A's to refuse */
	if (hdr->index >= VFIO_PCI_NUM_IRQS || hdr->count >= UINT32_MAX - hdr->start)
		return false;
	return hdr->start >= num_irqs || hdr->start + hdr->count > num_irqs;
}

bool irq_set_is_disable(const struct vfio_irq_set *hdr)
{
	return hdr->flags == (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER) && !hdr->count;
}

/* ---- SET_IRQS stage B: the vfio-pci handlers ------------------------------- */

static uint32_t irq_data_type(const struct vfio_irq_set *hdr)
{
	return hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
}

static int irq_set_intx_mask(struct irq_state *s, const struct vfio_irq_set *hdr,
			     const void *data)
{
	if (s->mode != IRQ_INTX)
		return vfsim_reject(RULE_IRQ_INTX_NOT_ENABLED, -EINVAL);
	if (hdr->start != 0 || hdr->count != 1)
		return vfsim_reject(RULE_IRQ_INTX_SINGLE, -EINVAL);
	switch (irq_data_type(hdr)) {
	case VFIO_IRQ_SET_DATA_NONE:
		irq_intx_mask(s);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (irq_data_bool(data, 0))
			irq_intx_mask(s);
		return 0;
	default:
		return vfsim_reject(RULE_IRQ_INTX_MASK_EVENTFD, -ENOTTY);
	}
}

static int irq_set_intx_unmask(struct irq_state *s, const struct vfio_irq_set *hdr,
			       const void *data)
{
	int32_t fd;
	int nfd, r;

	if (s->mode != IRQ_INTX)
		return vfsim_reject(RULE_IRQ_INTX_NOT_ENABLED, -EINVAL);
	if (hdr->start != 0 || hdr->count != 1)
		return vfsim_reject(RULE_IRQ_INTX_SINGLE, -EINVAL);
	switch (irq_data_type(hdr)) {
	case VFIO_IRQ_SET_DATA_NONE:
		irq_intx_unmask(s);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (irq_data_bool(data, 0))
			irq_intx_unmask(s);
		return 0;
	default:
		break;
	}
	fd = irq_data_fd(data, 0);
	if (fd < 0) {
		irq_fd_put(&s->intx_unmask_fd);
		return 0;
	}
	/* vfio_virqfd_enable(): the fd is resolved before the busy check. */
	r = irq_fd_get(fd, &nfd);
	if (r < 0)
		return r;
	if (s->intx_unmask_fd >= 0) {
		close(nfd);
		return vfsim_reject(RULE_IRQ_INTX_UNMASKFD_BUSY, -EBUSY);
	}
	s->intx_unmask_fd = nfd;
	/* An eventfd already signalled at registration unmasks at once. */
	irq_intx_poll_unmask_fd(s);
	return 0;
}

static int irq_set_intx_trigger(struct irq_state *s, const struct vfio_irq_set *hdr,
				const void *data)
{
	uint32_t type = irq_data_type(hdr);
	int32_t fd;
	int nfd = -1, r;

	if (s->mode == IRQ_INTX && !hdr->count && type == VFIO_IRQ_SET_DATA_NONE) {
		irq_intx_disable(s);
		return 0;
	}
	if (s->mode != IRQ_INTX && s->mode != IRQ_MODE_NONE)
		return vfsim_reject(RULE_IRQ_MODE_BUSY, -EINVAL);
	if (hdr->start != 0 || hdr->count != 1)
		return vfsim_reject(RULE_IRQ_INTX_SINGLE, -EINVAL);
	if (type == VFIO_IRQ_SET_DATA_EVENTFD) {
		/* fd < 0: enable (or keep) INTx with no trigger at all. */
		fd = irq_data_fd(data, 0);
		if (fd >= 0) {
			r = irq_fd_get(fd, &nfd);
			if (r < 0)
				return r;
		}
		if (s->mode == IRQ_INTX) {
			irq_fd_put(&s->vec[IRQ_INTX][0].trigger);
			s->vec[IRQ_INTX][0].trigger = nfd;
		} else {
			irq_intx_enable(s, nfd);
		}
		return 0;
	}
	if (s->mode != IRQ_INTX)
		return vfsim_reject(RULE_IRQ_INTX_NOT_ENABLED, -EINVAL);
	if (type == VFIO_IRQ_SET_DATA_NONE || irq_data_bool(data, 0))
		irq_intx_send(s);
	return 0;
}

static int irq_set_msi_trigger(struct irq_state *s, const struct vfio_irq_set *hdr,
			       const void *data)
{
	int index = (int)hdr->index;
	uint32_t type = irq_data_type(hdr), i;
	int r;

	if (s->mode == index && !hdr->count && type == VFIO_IRQ_SET_DATA_NONE) {
		irq_msi_disable(s);
		return 0;
	}
	if (s->mode != index && s->mode != IRQ_MODE_NONE)
		return vfsim_reject(RULE_IRQ_MODE_BUSY, -EINVAL);
	if (type == VFIO_IRQ_SET_DATA_EVENTFD) {
		if (s->mode == index)
			return irq_msi_set_block(s, hdr->start, hdr->count, data);
		/* vfio_msi_enable(start + count): pci_alloc_irq_vectors(1, 0) fails. */
		if (hdr->start + hdr->count == 0)
			return vfsim_reject(RULE_IRQ_MSI_ENABLE_ZERO, -EINVAL);
		s->mode = index;
		s->nenabled = hdr->start + hdr->count;
		r = irq_msi_set_block(s, hdr->start, hdr->count, data);
		if (r < 0)
			irq_msi_disable(s);
		return r;
	}
	if (s->mode != index)
		return vfsim_reject(RULE_IRQ_MSI_NOT_ENABLED, -EINVAL);
	if (hdr->start + hdr->count > s->nenabled)
		return vfsim_reject(RULE_IRQ_MSI_BLOCK_RANGE, -EINVAL);
	/* Loopback: vectors without a trigger are skipped, masks are ignored. */
	for (i = 0; i < hdr->count; i++)
		if (type == VFIO_IRQ_SET_DATA_NONE || irq_data_bool(data, i))
			irq_signal(s->vec[index][hdr->start + i].trigger);
	return 0;
}

/* vfio_pci_set_{err,req}_trigger() and vfio_pci_set_ctx_trigger_single(). */
static int irq_set_single_trigger(struct irq_state *s, const struct vfio_irq_set *hdr,
				  const void *data)
{
	struct irq_vec *v;
	int32_t fd;
	int nfd, r;

	/* The kernel leaves ERR's handler NULL on conventional PCI (ENOTTY). Stage
	 * A already rejects it there, since ERR has no vector without PCIe. */
	if (hdr->index == IRQ_ERR && !s->pcie)
		return vfsim_reject(RULE_IRQ_SET_ERR_NOT_PCIE, -ENOTTY);
	if (hdr->start != 0 || hdr->count > 1 || !s->vec[hdr->index])
		return vfsim_reject(RULE_IRQ_ERRREQ_RANGE, -EINVAL);
	v = &s->vec[hdr->index][0];
	switch (irq_data_type(hdr)) {
	case VFIO_IRQ_SET_DATA_NONE:
		if (v->trigger < 0)
			return vfsim_reject(RULE_IRQ_ERRREQ_NO_TRIGGER, -EINVAL);
		if (hdr->count)
			irq_signal(v->trigger);
		else
			irq_fd_put(&v->trigger);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (!hdr->count)
			return vfsim_reject(RULE_IRQ_ERRREQ_COUNT0, -EINVAL);
		if (irq_data_bool(data, 0))
			irq_signal(v->trigger);
		return 0;
	default:
		if (!hdr->count)
			return vfsim_reject(RULE_IRQ_ERRREQ_COUNT0, -EINVAL);
		fd = irq_data_fd(data, 0);
		if (fd == -1) {
			irq_fd_put(&v->trigger);
		} else if (fd >= 0) {
			r = irq_fd_get(fd, &nfd);
			if (r < 0)
				return r;
			irq_fd_put(&v->trigger);
			v->trigger = nfd;
		}
		/* fd < -1: accepted and ignored, exactly as vfio-pci does. */
		return 0;
	}
}

enum irq_action { IRQ_ACT_MASK, IRQ_ACT_UNMASK, IRQ_ACT_TRIGGER, IRQ_ACT__COUNT };

typedef int (*irq_set_fn)(struct irq_state *s, const struct vfio_irq_set *hdr, const void *data);

/*
 * vfio_pci_set_irqs_ioctl(), one cell per (index, action); NULL is ENOTTY.
 *   INTx      MASK/UNMASK need INTx enabled, start 0, count 1; MASK+EVENTFD is
 *             ENOTTY; UNMASK+EVENTFD registers (fd >= 0) or drops the unmask
 *             irqfd. TRIGGER count 0+NONE while enabled disables; EVENTFD
 *             enables from none or swaps the trigger; NONE/BOOL loop back and
 *             need INTx enabled.
 *   MSI/MSI-X only TRIGGER: count 0+NONE on the enabled mode disables it; the
 *             mode must be this index or none; EVENTFD from none enables
 *             start+count vectors, else sets the block (fd < 0 releases);
 *             NONE/BOOL loop back and need this mode enabled.
 *   ERR/REQ   only TRIGGER (ERR only on PCIe): start 0, count <= 1; see
 *             irq_set_single_trigger() for the NONE/BOOL/EVENTFD table.
 * Switching between INTx, MSI and MSI-X always goes through none.
 */
static const irq_set_fn irq_set_table[VFIO_PCI_NUM_IRQS][IRQ_ACT__COUNT] = {
	[IRQ_INTX] = { irq_set_intx_mask, irq_set_intx_unmask, irq_set_intx_trigger },
	[IRQ_MSI] = { NULL, NULL, irq_set_msi_trigger },
	[IRQ_MSIX] = { NULL, NULL, irq_set_msi_trigger },
	[IRQ_ERR] = { NULL, NULL, irq_set_single_trigger },
	[IRQ_REQ] = { NULL, NULL, irq_set_single_trigger },
};

int irq_set(struct irq_state *s, const struct vfio_irq_set *hdr, const void *data)
{
	irq_set_fn fn;
	size_t size;
	int act, r;

	/* Stage A again (it is pure): no caller can reach a handler with a
	 * header the validator would refuse, whatever it did before. */
	r = irq_set_validate(hdr, irq_count(s, hdr->index), VFIO_PCI_NUM_IRQS, &size);
	if (r < 0)
		return r;
	if (size && !data)
		return vfsim_reject(RULE_IRQ_SET_NO_DATA, -EFAULT);
	switch (hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_MASK:
		act = IRQ_ACT_MASK;
		break;
	case VFIO_IRQ_SET_ACTION_UNMASK:
		act = IRQ_ACT_UNMASK;
		break;
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		act = IRQ_ACT_TRIGGER;
		break;
	default:
		return vfsim_reject(RULE_IRQ_SET_ACTION, -ENOTTY);
	}
	fn = irq_set_table[hdr->index][act];
	if (!fn)
		return vfsim_reject(RULE_IRQ_SET_UNSUPPORTED, -ENOTTY);
	irq_intx_poll_unmask_fd(s);
	return fn(s, hdr, data);
}

/* ---- GET_IRQ_INFO and introspection ---------------------------------------- */

int irq_info(const struct irq_state *s, uint32_t index, uint32_t *ret_flags, uint32_t *ret_count)
{
	if (index >= VFIO_PCI_NUM_IRQS)
		return vfsim_reject(RULE_IRQ_INFO_INDEX, -EINVAL);
	if (index == IRQ_ERR && !s->pcie)
		return vfsim_reject(RULE_IRQ_INFO_ERR_NOT_PCIE, -EINVAL);
	if (index == IRQ_INTX)
		*ret_flags = IRQ_INFO_FLAGS_INTX;
	else if (index == IRQ_MSIX)
		*ret_flags = IRQ_INFO_FLAGS_MSIX;
	else
		*ret_flags = IRQ_INFO_FLAGS_OTHER;
	*ret_count = s->count[index];
	return 0;
}

uint32_t irq_count(const struct irq_state *s, uint32_t index)
{
	return index < VFIO_PCI_NUM_IRQS ? s->count[index] : 0;
}

int irq_mode(const struct irq_state *s)
{
	return s->mode;
}

static const struct irq_vec *irq_vec_get(const struct irq_state *s, uint32_t index, uint32_t vector)
{
	if (index >= VFIO_PCI_NUM_IRQS || vector >= s->count[index])
		return NULL;
	return &s->vec[index][vector];
}

bool irq_masked(const struct irq_state *s, uint32_t index, uint32_t vector)
{
	const struct irq_vec *v = irq_vec_get(s, index, vector);

	return v && v->masked;
}

bool irq_pending(const struct irq_state *s, uint32_t index, uint32_t vector)
{
	const struct irq_vec *v = irq_vec_get(s, index, vector);

	return v && v->pending;
}

bool irq_has_trigger(const struct irq_state *s, uint32_t index, uint32_t vector)
{
	const struct irq_vec *v = irq_vec_get(s, index, vector);

	return v && v->trigger >= 0;
}

/* ---- device side ------------------------------------------------------------ */

int irq_raise(struct irq_state *s, uint32_t index, uint32_t vector)
{
	struct irq_vec *v;

	if (index >= VFIO_PCI_NUM_IRQS || vector >= s->count[index])
		return vfsim_reject(RULE_IRQ_RAISE_RANGE, -EINVAL);
	irq_intx_poll_unmask_fd(s);
	v = &s->vec[index][vector];
	switch (index) {
	case IRQ_INTX:
		/* vfio_intx_handler(): nobody listens unless INTx is the mode; the
		 * line masks itself (AUTOMASKED); raised while masked it stays
		 * asserted (pending) until an unmask re-sends it. */
		if (s->mode != IRQ_INTX)
			return 0;
		if (v->masked) {
			v->pending = true;
			return 0;
		}
		v->masked = true;
		return irq_intx_send(s);
	case IRQ_MSIX:
		/* A masked MSI-X vector sets its PBA bit instead of sending. */
		if (v->masked) {
			v->pending = true;
			return 0;
		}
		/* fallthrough */
	case IRQ_MSI:
		if (s->mode != (int)index || vector >= s->nenabled)
			return 0;
		return irq_signal(v->trigger);
	default:
		return irq_signal(v->trigger);
	}
}

void irq_msix_set_mask(struct irq_state *s, uint32_t vector, bool masked)
{
	struct irq_vec *v;

	if (!s || vector >= s->count[IRQ_MSIX])
		return;
	v = &s->vec[IRQ_MSIX][vector];
	v->masked = masked;
	/* PCI: unmasking a vector with its pending bit set sends the message. */
	if (!masked && v->pending) {
		v->pending = false;
		if (s->mode == IRQ_MSIX && vector < s->nenabled)
			irq_signal(v->trigger);
	}
}

/* ---- teardown ------------------------------------------------------------------ */

void irq_teardown(struct irq_state *s)
{
	if (!s)
		return;
	/* vfio_pci_core_disable(): the enabled mode, then the ERR and REQ triggers. */
	irq_mode_disable(s);
	if (s->vec[IRQ_ERR])
		irq_fd_put(&s->vec[IRQ_ERR][0].trigger);
	irq_fd_put(&s->vec[IRQ_REQ][0].trigger);
}

void irq_forget_fds(struct irq_state *s)
{
	uint32_t i, n = 0;

	if (!s)
		return;
	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++)
		n += s->count[i];
	/* vec[] points into all[], n entries */
	for (i = 0; i < n; i++)
		s->all[i].trigger = -1;
	s->intx_unmask_fd = -1;
}

void irq_free(struct irq_state *s)
{
	if (!s)
		return;
	irq_teardown(s);
	free(s->all);
	free(s);
}

/* ---- migration state ----------------------------------------------------------
 *
 * Version 1, little endian:
 *   0  u8   version (1)
 *   1  u8   mode: 0xff none, else the enabled index (0 INTx, 1 MSI, 2 MSI-X)
 *   2  u8   INTx bits: bit 0 masked, bit 1 pending
 *   3  u8   reserved, 0
 *   4  u32  enabled vectors (num_ctx)
 *   8  u32  INTx, MSI, MSI-X vector counts (must equal the device's)
 *   20 u8   per MSI-X vector: bit 0 masked, bit 1 pending
 * Descriptors never cross: a loaded mode has no triggers until SET_IRQS.
 */
#define IRQ_SAVE_VERSION 1
#define IRQ_SAVE_HDR 20
#define IRQ_SAVE_NONE 0xff
#define IRQ_BIT_MASKED 0x1
#define IRQ_BIT_PENDING 0x2

static void irq_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t irq_get_le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t irq_vec_bits(const struct irq_vec *v)
{
	return (v->masked ? IRQ_BIT_MASKED : 0) | (v->pending ? IRQ_BIT_PENDING : 0);
}

/* Pending is only ever set on a masked vector, and unmasking clears it. */
static bool irq_bits_ok(uint8_t b)
{
	return !(b & ~(IRQ_BIT_MASKED | IRQ_BIT_PENDING)) &&
	       (!(b & IRQ_BIT_PENDING) || (b & IRQ_BIT_MASKED));
}

size_t irq_save_size(const struct irq_state *s)
{
	return IRQ_SAVE_HDR + s->count[IRQ_MSIX];
}

void irq_save(const struct irq_state *s, uint8_t *out)
{
	uint32_t i;

	out[0] = IRQ_SAVE_VERSION;
	out[1] = s->mode == IRQ_MODE_NONE ? IRQ_SAVE_NONE : (uint8_t)s->mode;
	out[2] = s->vec[IRQ_INTX] ? irq_vec_bits(&s->vec[IRQ_INTX][0]) : 0;
	out[3] = 0;
	irq_put_le32(out + 4, s->nenabled);
	irq_put_le32(out + 8, s->count[IRQ_INTX]);
	irq_put_le32(out + 12, s->count[IRQ_MSI]);
	irq_put_le32(out + 16, s->count[IRQ_MSIX]);
	for (i = 0; i < s->count[IRQ_MSIX]; i++)
		out[IRQ_SAVE_HDR + i] = irq_vec_bits(&s->vec[IRQ_MSIX][i]);
}

int irq_load(struct irq_state *s, const uint8_t *in, size_t len)
{
	uint32_t nen, i, max;
	int mode;

	/* Everything is checked before anything changes. */
	if (len < IRQ_SAVE_HDR)
		return vfsim_reject(RULE_IRQ_LOAD_SHORT, -EINVAL);
	if (in[0] != IRQ_SAVE_VERSION || in[3] != 0)
		return vfsim_reject(RULE_IRQ_LOAD_VERSION, -EINVAL);
	if (irq_get_le32(in + 8) != s->count[IRQ_INTX] ||
	    irq_get_le32(in + 12) != s->count[IRQ_MSI] ||
	    irq_get_le32(in + 16) != s->count[IRQ_MSIX])
		return vfsim_reject(RULE_IRQ_LOAD_COUNTS, -EINVAL);
	if (len != IRQ_SAVE_HDR + (size_t)s->count[IRQ_MSIX])
		return vfsim_reject(RULE_IRQ_LOAD_LENGTH, -EINVAL);
	if (in[1] == IRQ_SAVE_NONE)
		mode = IRQ_MODE_NONE;
	else if (in[1] <= IRQ_MSIX && s->count[in[1]])
		mode = in[1];
	else
		return vfsim_reject(RULE_IRQ_LOAD_MODE, -EINVAL);
	nen = irq_get_le32(in + 4);
	max = mode == IRQ_MODE_NONE ? 0 : s->count[mode];
	if (mode == IRQ_MODE_NONE ? nen != 0 : (nen < 1 || nen > max))
		return vfsim_reject(RULE_IRQ_LOAD_ENABLED, -EINVAL);
	if (!irq_bits_ok(in[2]) || (mode != IRQ_INTX && in[2]))
		return vfsim_reject(RULE_IRQ_LOAD_BITS, -EINVAL);
	for (i = 0; i < s->count[IRQ_MSIX]; i++)
		if (!irq_bits_ok(in[IRQ_SAVE_HDR + i]))
			return vfsim_reject(RULE_IRQ_LOAD_BITS, -EINVAL);

	/* The same mode and size keep the triggers already set (a client that
	 * wired its eventfds before loading); anything else starts bare. */
	if (mode != s->mode || nen != s->nenabled) {
		irq_mode_disable(s);
		s->mode = mode;
		s->nenabled = nen;
	}
	if (s->vec[IRQ_INTX]) {
		s->vec[IRQ_INTX][0].masked = in[2] & IRQ_BIT_MASKED;
		s->vec[IRQ_INTX][0].pending = in[2] & IRQ_BIT_PENDING;
	}
	for (i = 0; i < s->count[IRQ_MSIX]; i++) {
		s->vec[IRQ_MSIX][i].masked = in[IRQ_SAVE_HDR + i] & IRQ_BIT_MASKED;
		s->vec[IRQ_MSIX][i].pending = in[IRQ_SAVE_HDR + i] & IRQ_BIT_PENDING;
	}
	return 0;
}
