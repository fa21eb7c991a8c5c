/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one place that names VFIO uAPI newer than Debian 12's linux-libc-dev (6.1).
 * Each definition is guarded so a newer <linux/vfio.h> wins; values are those of
 * upstream include/uapi/linux/vfio.h (PRE_COPY and MIG_DATA_SIZE, Linux 6.2/6.3).
 */
#ifndef VFSIM_VFIO_COMPAT_H
#define VFSIM_VFIO_COMPAT_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/vfio.h>

#ifndef VFIO_MIGRATION_PRE_COPY
#define VFIO_MIGRATION_PRE_COPY (1 << 2)
/* enum vfio_device_mig_state members added with PRE_COPY */
#define VFIO_DEVICE_STATE_PRE_COPY 6
#define VFIO_DEVICE_STATE_PRE_COPY_P2P 7
#endif

#ifndef VFIO_MIG_GET_PRECOPY_INFO
struct vfio_precopy_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 initial_bytes;
	__aligned_u64 dirty_bytes;
};
#define VFIO_MIG_GET_PRECOPY_INFO _IO(VFIO_TYPE, VFIO_BASE + 21)
#endif

#ifndef VFIO_DEVICE_FEATURE_MIG_DATA_SIZE
struct vfio_device_feature_mig_data_size {
	__aligned_u64 stop_copy_length;
};
#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE 9
#endif

/* Number of uapi migration states (ERROR..PRE_COPY_P2P). */
#define VFSIM_MIG_NSTATES 8

#endif
