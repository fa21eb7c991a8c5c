/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Short names for the migration states (vfio.h enum vfio_device_mig_state),
 * shared by test-mig.c, test-mig-stream.c and test-mig-profiles.c so their
 * tables and arcs read like the spec's. The session callers they share are
 * tu_mig_* in test-util.h.
 */
#ifndef VFSIM_TEST_MIG_FIXTURE_H
#define VFSIM_TEST_MIG_FIXTURE_H

#include "vfio-compat.h"
#include "test-util.h"

enum {
	ERROR = VFIO_DEVICE_STATE_ERROR,
	STOP = VFIO_DEVICE_STATE_STOP,
	RUN = VFIO_DEVICE_STATE_RUNNING,
	SCOPY = VFIO_DEVICE_STATE_STOP_COPY,
	RESUME = VFIO_DEVICE_STATE_RESUMING,
	RUNP2P = VFIO_DEVICE_STATE_RUNNING_P2P,
	PRE = VFIO_DEVICE_STATE_PRE_COPY,
	PREP2P = VFIO_DEVICE_STATE_PRE_COPY_P2P,
	NSTATES = 8,
};

#endif
