/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interrupts: INTx (1 vector, maskable, automasked), MSI (N, noresize),
 * MSI-X (N), ERR (1, PCIe only), REQ (1). Per-vector eventfd triggers,
 * mask/unmask, pending bits; the SET_IRQS validator (a pure function) and
 * the vfio-pci handlers behind it.
 */
#ifndef VFSIM_IRQ_H
#define VFSIM_IRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vfio-compat.h"

struct vfsim_dev;
struct irq_state;

int irq_new(struct vfsim_dev *dev, struct irq_state **ret);
/* Closes every eventfd the state holds. */
void irq_free(struct irq_state *s);
/* Disable every index and close every trigger (device close / client gone). */
void irq_teardown(struct irq_state *s);

/* GET_IRQ_INFO semantics for @index: fills flags and count; -EINVAL for
 * index >= VFIO_PCI_NUM_IRQS or ERR on a non-PCIe device. */
int irq_info(const struct irq_state *s, uint32_t index, uint32_t *ret_flags, uint32_t *ret_count);
/* Number of vectors of @index (0 if out of range), the num_irqs of stage A. */
uint32_t irq_count(const struct irq_state *s, uint32_t index);

/* Stage A, vfio_set_irqs_validate_and_prepare(): pure. @argsz is the caller's
 * argsz; returns 0 and the payload size through ret_data_size, or -EINVAL. */
int irq_set_validate(const struct vfio_irq_set *hdr, uint32_t num_irqs, uint32_t max_irq_type,
		     size_t *ret_data_size);
/* Stage B, the vfio-pci handlers. @data holds count bytes (BOOL) or count
 * int32 fds (EVENTFD); fds are dup'ed, never taken over. */
int irq_set(struct irq_state *s, const struct vfio_irq_set *hdr, const void *data);

/* Fault irq-range (sim/fault.h), before stage A: does @hdr reach past the
 * @num_irqs vectors of its index (start + count > num_irqs, without the
 * u32 overflow stage A refuses first)? The faulty front end then answers
 * success and does nothing. */
bool irq_set_past_range(const struct vfio_irq_set *hdr, uint32_t num_irqs);
/* Fault set-irqs-zero: is @hdr the DATA_NONE|ACTION_TRIGGER count 0
 * request that disables an index? */
bool irq_set_is_disable(const struct vfio_irq_set *hdr);
/* Fault fd-leak: forget every eventfd the state holds without closing it
 * (a deliberate leak of the caller's descriptors); teardown then closes
 * nothing. */
void irq_forget_fds(struct irq_state *s);

/* Device side: 1 = signalled, 0 = masked/pending or no trigger, -EINVAL. */
int irq_raise(struct irq_state *s, uint32_t index, uint32_t vector);
/* MSI-X table vector control writes land here (from region.c). */
void irq_msix_set_mask(struct irq_state *s, uint32_t vector, bool masked);

/* Introspection for tests, compare and migration. */
int irq_mode(const struct irq_state *s);		/* -1 none, else enabled index */
bool irq_masked(const struct irq_state *s, uint32_t index, uint32_t vector);
bool irq_pending(const struct irq_state *s, uint32_t index, uint32_t vector);
bool irq_has_trigger(const struct irq_state *s, uint32_t index, uint32_t vector);
/* Serialised IRQ configuration (mode, enabled counts, masks, pending bits;
 * not the fds, which never cross a migration). */
size_t irq_save_size(const struct irq_state *s);
void irq_save(const struct irq_state *s, uint8_t *out);
int irq_load(struct irq_state *s, const uint8_t *in, size_t len);

#endif
