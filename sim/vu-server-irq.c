/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interrupt commands of the vfio-user server (digest §3.7, §3.8, §4.2):
 * DEVICE_GET_IRQ_INFO and DEVICE_SET_IRQS, mapped onto the kernel's
 * validator and handlers (irq.h) by turning each message into the struct
 * vfio_irq_set the kernel would see: DATA_BOOL bytes from the payload;
 * DATA_EVENTFD fds from the message's SCM_RIGHTS array, one per vector of
 * the chunk [start, start + count); DATA_EVENTFD with no fds is the
 * vfio-user de-assign, the kernel's fd -1 for each vector.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vu-server.h"
#include "dev.h"
#include "fault.h"
#include "irq.h"
#include "rules.h"

int vu_srv_irq_info(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	struct vu_irq_info info;
	uint32_t flags, count;
	uint8_t *p;
	int r;

	memcpy(&info, m->payload, sizeof(info));
	if (info.argsz < sizeof(info))
		return vfsim_reject(RULE_VU_SRV_IRQINFO_ARGSZ, -EINVAL);
	/* irq_info refuses index >= 5 and, as vfio-pci does, ERR on a
	 * conventional device. vfio-user has no such exception: every index
	 * below num_irqs (5) gets an answer (digest 6.A IQ-01), so an index
	 * the device lacks is reported with count 0 (libvfio-user: EVENTFD). */
	if (info.index >= VFIO_PCI_NUM_IRQS)
		return vfsim_reject(RULE_VU_SRV_IRQINFO_INDEX, -EINVAL);
	r = irq_info(s->dev->irq, info.index, &flags, &count);
	if (r < 0) {
		flags = VFIO_IRQ_INFO_EVENTFD;
		count = 0;
	}
	info.flags = flags;
	info.count = count;
	/* Fault irq-count: one vector more than the device has. */
	if (vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_IRQ_COUNT))
		info.count++;
	info.argsz = sizeof(info);
	r = vu_srv_reply_alloc(rep, sizeof(info), &p);
	if (r < 0)
		return r;
	memcpy(p, &info, sizeof(info));
	return 0;
}

int vu_srv_set_irqs(struct vfsim_vu_server *s, struct vu_msg *m, struct vu_srv_reply *rep)
{
	const size_t hdrsz = sizeof(struct vu_irq_set);
	uint32_t type;
	struct vu_irq_set vs;
	struct vfio_irq_set ks;
	size_t data_size = 0;
	int32_t *fds = NULL;
	const void *data = NULL;
	uint32_t i;
	int r;

	memcpy(&vs, m->payload, sizeof(vs));
	if (vs.argsz < hdrsz)
		return vfsim_reject(RULE_VU_SRV_IRQSET_ARGSZ, -EINVAL);
	type = vs.flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	/* fds travel beside the payload: only EVENTFD takes them, one per vector */
	if (m->nfds && type != VFIO_IRQ_SET_DATA_EVENTFD)
		return vfsim_reject(RULE_VU_SRV_IRQSET_FDS, -EINVAL);
	if (type == VFIO_IRQ_SET_DATA_EVENTFD && m->nfds && m->nfds != vs.count)
		return vfsim_reject(RULE_VU_SRV_IRQSET_FDS, -EINVAL);
	if (type == VFIO_IRQ_SET_DATA_BOOL && m->len - hdrsz != vs.count)
		return vfsim_reject(RULE_VU_SRV_IRQSET_BOOL, -EINVAL);
	/* In vfio-user an EVENTFD|MASK or EVENTFD|UNMASK fd is one the server
	 * signals when the guest masks or unmasks (digest 3.8, 4.2 #4), not the
	 * kernel's unmask irqfd the model's irq.c implements. These optional
	 * notifications are not offered: refuse rather than give the fd the
	 * kernel's meaning. De-assigning (no fds) is harmless and passes. */
	if (type == VFIO_IRQ_SET_DATA_EVENTFD && m->nfds &&
	    (vs.flags & (VFIO_IRQ_SET_ACTION_MASK | VFIO_IRQ_SET_ACTION_UNMASK)))
		return vfsim_reject(RULE_VU_SRV_IRQSET_MASK_EVENTFD, -EINVAL);

	ks.flags = vs.flags;
	ks.index = vs.index;
	ks.start = vs.start;
	ks.count = vs.count;
	/* Fault irq-range: a range past the index's vectors is answered 0
	 * and nothing is done (the message's fds are closed with it). */
	if (vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_IRQ_RANGE) &&
	    irq_set_past_range(&ks, irq_count(s->dev->irq, vs.index)))
		return 0;
	/* The argsz the kernel validator expects: header + count items. */
	ks.argsz = (uint32_t)hdrsz;
	if (type == VFIO_IRQ_SET_DATA_BOOL)
		ks.argsz += vs.count;
	else if (type == VFIO_IRQ_SET_DATA_EVENTFD && vs.count <= (UINT32_MAX - hdrsz) / 4)
		ks.argsz += vs.count * 4;
	r = irq_set_validate(&ks, irq_count(s->dev->irq, vs.index), VFIO_PCI_NUM_IRQS, &data_size);
	if (r < 0)
		return r;
	/* Fault set-irqs-zero: the disable is answered and not done. */
	if (vfsim_fault_on(s->cfg.faults, VFSIM_FAULT_SET_IRQS_ZERO) && irq_set_is_disable(&ks))
		return 0;
	if (type == VFIO_IRQ_SET_DATA_BOOL) {
		data = m->payload + hdrsz;
	} else if (type == VFIO_IRQ_SET_DATA_EVENTFD && data_size) {
		/* count <= the index's vector count (validated): bounded */
		fds = malloc(data_size);
		if (!fds)
			return -ENOMEM;
		for (i = 0; i < vs.count; i++)
			fds[i] = m->nfds ? m->fds[i] : -1;
		data = fds;
	}
	/* irq_set dups the eventfds; the message's own are closed with it. */
	r = irq_set(s->dev->irq, &ks, data);
	free(fds);
	return r;
}
