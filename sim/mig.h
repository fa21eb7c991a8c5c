/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Migration v2: the eight states of enum vfio_device_mig_state, the four
 * support sets, the kernel's vfio_mig_get_next_state() step table, and the
 * data stream (versioned, integrity-checked) that carries the device state.
 *
 * Sessions: an arc marked '*' in the kernel tables opens a data session; the
 * front end (uapi data fd, vfio-user MIG_DATA_READ/WRITE) holds the session
 * id it was given and passes it back. A closed session answers -ENODEV.
 */
#ifndef VFSIM_MIG_H
#define VFSIM_MIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "vfio-compat.h"

struct vfsim_dev;
struct mig_state;

int mig_new(struct vfsim_dev *dev, uint32_t mig_flags, struct mig_state **ret);
void mig_free(struct mig_state *m);
uint32_t mig_flags(const struct mig_state *m);
uint32_t mig_get_state(const struct mig_state *m);

/* One step of vfio_mig_get_next_state(): the next state on the way from
 * @cur to @target under @mig_flags, or -EINVAL. Pure. */
int mig_next_step(uint32_t mig_flags, uint32_t cur, uint32_t target, uint32_t *ret_next);

/* SET MIG_DEVICE_STATE: walk arc by arc to @target. On success returns 0 and
 * *ret_session is the id of a newly opened data session, or 0 when the path
 * opened none. On failure returns -errno and the state is what the failed
 * arc left (unchanged for a refused request; ERROR if an arc failed and the
 * device could not stay). */
int mig_set_state(struct mig_state *m, uint32_t target, uint32_t *ret_session);

/* Data stream of session @session. read: PRE_COPY/STOP_COPY sessions;
 * returns bytes, 0 at the permanent end (STOP_COPY), -ENOMSG at the temporary
 * end of a PRE_COPY stream, -ENODEV when the session was closed, -EINVAL on
 * a resume session. write: RESUMING sessions; returns bytes or -errno
 * (-ENOMEM past the largest acceptable stream, -EFAULT once the bytes written
 * are not a stream for this device: they still count, mtty-like, and the
 * RESUMING->STOP arc then fails with -EINVAL and the same rule). */
ssize_t mig_read(struct mig_state *m, uint32_t session, void *buf, size_t len);
ssize_t mig_write(struct mig_state *m, uint32_t session, const void *buf, size_t len);
/* VFIO_MIG_GET_PRECOPY_INFO: -EINVAL unless in PRE_COPY/PRE_COPY_P2P,
 * -ENODEV for a closed session. */
int mig_precopy_info(struct mig_state *m, uint32_t session, uint64_t *ret_initial, uint64_t *ret_dirty);
/* MIG_DATA_SIZE: estimated bytes still to come in STOP_COPY. */
int mig_data_size(struct mig_state *m, uint64_t *ret_len);
/* Is @session still open (for poll and for closing fds)? */
bool mig_session_open(const struct mig_state *m, uint32_t session);
/* Device reset: state RUNNING, every session closed, ERROR left. */
void mig_reset(struct mig_state *m);

/* Deterministic fault injection: the next execution of the single arc
 * @from -> @to fails with @err (a -errno; anything else means -EIO), once.
 * The failing SET returns @err and leaves the device in ERROR with its
 * session closed; this is the only way into ERROR. */
void mig_inject_arc_failure(struct mig_state *m, uint32_t from, uint32_t to, int err);
/* Test hook: called after every single arc the driver executed, with the id
 * of the session the arc opened (0 if none). NULL removes it. */
typedef void (*mig_arc_fn)(void *opaque, uint32_t from, uint32_t to, uint32_t opened);
void mig_set_arc_hook(struct mig_state *m, mig_arc_fn fn, void *opaque);

#endif
