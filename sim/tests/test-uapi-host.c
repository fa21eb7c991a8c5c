/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uapi-host.c: the container, group and device-fd ordering rules of
 * kernel-uapi.md §1.1 (conformance items 1-19) as a table of {setup steps,
 * call, expected result, expected rule}, opening by path, FD_CLOEXEC, the
 * file-API routing by fd kind and the host setup limits. Object lifetimes
 * and fd bookkeeping are in test-uapi-lifetime.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

#include "uapi.h"
#include "rules.h"
#include "test-util.h"
#include "uapi-host-fixture.h"

#define UUID "bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3"

/* ---- items 1-18 as a table ---------------------------------------------- */

enum step { S_END, S_CTR, S_GRP, S_SETCTR, S_IOMMU, S_DEVFD };
enum target { T_CTR, T_GRP };
enum argk {
	A_VAL,		/* the integer in .v */
	A_MAP,		/* a valid struct vfio_iommu_type1_dma_map */
	A_STATUS,	/* struct vfio_group_status with argsz .v; check flags .flags */
	A_CTRFD,	/* pointer to the container fd */
	A_GRPFD,	/* pointer to the group fd */
	A_NEG1,		/* pointer to -1 */
	A_EVENTFD,	/* pointer to an eventfd not of the model */
	A_CLOSEDFD,	/* pointer to a descriptor number just closed */
	A_NAME,		/* the string .name */
	A_NULL,
};

#define OK_FD 1000	/* expect a descriptor (>= 0) */

struct host_case {
	const char *id;
	enum step setup[6];
	enum target target;
	unsigned long req;
	enum argk arg;
	unsigned long v;
	const char *name;
	int ret;		/* expected result: value, -errno or OK_FD */
	enum vfsim_rule rule;
	uint32_t flags;		/* A_STATUS: expected flags */
};

static const struct host_case host_cases[] = {
	{ "1 ctr_api_version", { S_CTR },
	  T_CTR, VFIO_GET_API_VERSION, A_VAL, 0, NULL, 0, RULE_NONE, 0 },
	{ "2 ctr_check_ext_type1v2", { S_CTR },
	  T_CTR, VFIO_CHECK_EXTENSION, A_VAL, 3, NULL, 1, RULE_NONE, 0 },
	{ "3 ctr_set_iommu_no_group", { S_CTR },
	  T_CTR, VFIO_SET_IOMMU, A_VAL, 3, NULL, -EINVAL, RULE_UAPI_SET_IOMMU_STATE, 0 },
	{ "4 ctr_unknown_ioctl_unset", { S_CTR },
	  T_CTR, VFIO_IOMMU_MAP_DMA, A_MAP, 0, NULL, -EINVAL, RULE_UAPI_CTR_NO_DRIVER, 0 },
	{ "4b ctr GET_INFO with a group, no IOMMU", { S_CTR, S_GRP, S_SETCTR },
	  T_CTR, VFIO_IOMMU_GET_INFO, A_NULL, 0, NULL, -EINVAL, RULE_UAPI_CTR_NO_DRIVER, 0 },
	{ "5 ctr_set_iommu_twice", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_CTR, VFIO_SET_IOMMU, A_VAL, 3, NULL, -EINVAL, RULE_UAPI_SET_IOMMU_STATE, 0 },
	{ "5b set_iommu v1 after v2", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_CTR, VFIO_SET_IOMMU, A_VAL, 1, NULL, -EINVAL, RULE_UAPI_SET_IOMMU_STATE, 0 },
	{ "6 ctr_set_iommu_bad_type", { S_CTR, S_GRP, S_SETCTR },
	  T_CTR, VFIO_SET_IOMMU, A_VAL, 0x77, NULL, -ENODEV, RULE_UAPI_SET_IOMMU_TYPE, 0 },
	{ "6b bad type on an empty container", { S_CTR },
	  T_CTR, VFIO_SET_IOMMU, A_VAL, 0x77, NULL, -EINVAL, RULE_UAPI_SET_IOMMU_STATE, 0 },
	{ "6c set_iommu noiommu", { S_CTR, S_GRP, S_SETCTR },
	  T_CTR, VFIO_SET_IOMMU, A_VAL, VFIO_NOIOMMU_IOMMU, NULL,
	  -ENODEV, RULE_UAPI_SET_IOMMU_TYPE, 0 },
	{ "6d set_iommu spapr", { S_CTR, S_GRP, S_SETCTR },
	  T_CTR, VFIO_SET_IOMMU, A_VAL, VFIO_SPAPR_TCE_IOMMU, NULL,
	  -ENODEV, RULE_UAPI_SET_IOMMU_TYPE, 0 },
	{ "6e set_iommu UNMAP_ALL (type1 claims it, open refuses)", { S_CTR, S_GRP, S_SETCTR },
	  T_CTR, VFIO_SET_IOMMU, A_VAL, VFIO_UNMAP_ALL, NULL,
	  -EINVAL, RULE_UAPI_SET_IOMMU_OPEN, 0 },
	{ "6f set_iommu nesting on x86", { S_CTR, S_GRP, S_SETCTR },
	  T_CTR, VFIO_SET_IOMMU, A_VAL, VFIO_TYPE1_NESTING_IOMMU, NULL,
	  -EINVAL, RULE_UAPI_SET_IOMMU_NESTING, 0 },
	{ "6g set_iommu type1 v1", { S_CTR, S_GRP, S_SETCTR },
	  T_CTR, VFIO_SET_IOMMU, A_VAL, VFIO_TYPE1_IOMMU, NULL, 0, RULE_NONE, 0 },
	{ "8 grp_status_minsz", { S_GRP }, T_GRP, VFIO_GROUP_GET_STATUS, A_STATUS, 4, NULL,
	  -EINVAL, RULE_UAPI_GROUP_STATUS_ARGSZ, 0 },
	{ "8b grp_status argsz 7", { S_GRP }, T_GRP, VFIO_GROUP_GET_STATUS, A_STATUS, 7, NULL,
	  -EINVAL, RULE_UAPI_GROUP_STATUS_ARGSZ, 0 },
	{ "8c grp_status NULL", { S_GRP },
	  T_GRP, VFIO_GROUP_GET_STATUS, A_NULL, 0, NULL, -EFAULT, RULE_UAPI_ARG_FAULT, 0 },
	{ "9 grp_status_flags before", { S_GRP },
	  T_GRP, VFIO_GROUP_GET_STATUS, A_STATUS, 8, NULL, 0, RULE_NONE, VFIO_GROUP_FLAGS_VIABLE },
	{ "9b grp_status_flags after", { S_CTR, S_GRP, S_SETCTR },
	  T_GRP, VFIO_GROUP_GET_STATUS, A_STATUS, 8, NULL,
	  0, RULE_NONE, VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET },
	{ "9c grp_status large argsz", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_GRP, VFIO_GROUP_GET_STATUS, A_STATUS, 64, NULL,
	  0, RULE_NONE, VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET },
	{ "10 grp_set_container_badfd", { S_CTR, S_GRP },
	  T_GRP, VFIO_GROUP_SET_CONTAINER, A_NEG1, 0, NULL,
	  -EBADF, RULE_UAPI_SET_CONTAINER_BADF, 0 },
	{ "10b badfd beats already-set", { S_CTR, S_GRP, S_SETCTR },
	  T_GRP, VFIO_GROUP_SET_CONTAINER, A_NEG1, 0, NULL,
	  -EBADF, RULE_UAPI_SET_CONTAINER_BADF, 0 },
	{ "10c closed descriptor", { S_CTR, S_GRP },
	  T_GRP, VFIO_GROUP_SET_CONTAINER, A_CLOSEDFD, 0, NULL,
	  -EBADF, RULE_UAPI_SET_CONTAINER_BADF, 0 },
	{ "10d NULL", { S_CTR, S_GRP },
	  T_GRP, VFIO_GROUP_SET_CONTAINER, A_NULL, 0, NULL, -EFAULT, RULE_UAPI_ARG_FAULT, 0 },
	{ "11 grp_set_container_twice", { S_CTR, S_GRP, S_SETCTR },
	  T_GRP, VFIO_GROUP_SET_CONTAINER, A_CTRFD, 0, NULL,
	  -EINVAL, RULE_UAPI_SET_CONTAINER_SET, 0 },
	{ "12 grp_set_container_notctr [6.1]", { S_GRP },
	  T_GRP, VFIO_GROUP_SET_CONTAINER, A_EVENTFD, 0, NULL,
	  -EINVAL, RULE_UAPI_SET_CONTAINER_NOT_CTR, 0 },
	{ "12b group fd as container", { S_GRP }, T_GRP, VFIO_GROUP_SET_CONTAINER, A_GRPFD, 0, NULL,
	  -EINVAL, RULE_UAPI_SET_CONTAINER_NOT_CTR, 0 },
	{ "13 grp_get_fd_no_container", { S_GRP }, T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, BDF,
	  -EINVAL, RULE_UAPI_DEVICE_FD_NO_IOMMU, 0 },
	{ "14 grp_get_fd_no_iommu", { S_CTR, S_GRP, S_SETCTR },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, BDF,
	  -EINVAL, RULE_UAPI_DEVICE_FD_NO_IOMMU, 0 },
	{ "15 grp_get_fd_unknown", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, "nope",
	  -ENODEV, RULE_UAPI_DEVICE_FD_NODEV, 0 },
	{ "15b name matched before the container", { S_GRP },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, "nope",
	  -ENODEV, RULE_UAPI_DEVICE_FD_NODEV, 0 },
	{ "15c bdf prefix only", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, "0000:00:04",
	  -ENODEV, RULE_UAPI_DEVICE_FD_NODEV, 0 },
	{ "15d non-space after bdf", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, BDF "1",
	  -ENODEV, RULE_UAPI_DEVICE_FD_NODEV, 0 },
	{ "15e trailing spaces match", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, BDF "   ", OK_FD, RULE_NONE, 0 },
	{ "15f unknown option", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, BDF " foo=1",
	  -EINVAL, RULE_UAPI_DEVICE_FD_OPTION, 0 },
	{ "15g short vf_token", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, BDF " vf_token=1234",
	  -EINVAL, RULE_UAPI_DEVICE_FD_OPTION, 0 },
	{ "15h malformed vf_token", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0,
	  BDF " vf_token=bd8d9d2b_5a5f-4f5a-a211-f591514ba1f3",
	  -EINVAL, RULE_UAPI_DEVICE_FD_OPTION, 0 },
	{ "15i vf_token on a non-SR-IOV device", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, BDF " vf_token=" UUID,
	  -EINVAL, RULE_UAPI_DEVICE_FD_TOKEN, 0 },
	{ "15j duplicate vf_token", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, BDF " vf_token=" UUID " vf_token=" UUID,
	  -EINVAL, RULE_UAPI_DEVICE_FD_OPTION, 0 },
	{ "15k junk glued to the token", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, BDF " vf_token=" UUID "x",
	  -EINVAL, RULE_UAPI_DEVICE_FD_OPTION, 0 },
	{ "15l token error beats no-container", { S_GRP },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, BDF " vf_token=" UUID,
	  -EINVAL, RULE_UAPI_DEVICE_FD_TOKEN, 0 },
	{ "15m NULL name", { S_GRP },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NULL, 0, NULL, -EFAULT, RULE_UAPI_ARG_FAULT, 0 },
	{ "15n exact name", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_GRP, VFIO_GROUP_GET_DEVICE_FD, A_NAME, 0, BDF, OK_FD, RULE_NONE, 0 },
	{ "16 grp_unset_with_open_dev", { S_CTR, S_GRP, S_SETCTR, S_IOMMU, S_DEVFD },
	  T_GRP, VFIO_GROUP_UNSET_CONTAINER, A_NULL, 0, NULL, -EBUSY, RULE_UAPI_UNSET_BUSY, 0 },
	{ "16b unset with no device", { S_CTR, S_GRP, S_SETCTR, S_IOMMU },
	  T_GRP, VFIO_GROUP_UNSET_CONTAINER, A_NULL, 0, NULL, 0, RULE_NONE, 0 },
	{ "17 grp_unset_not_set", { S_GRP },
	  T_GRP, VFIO_GROUP_UNSET_CONTAINER, A_NULL, 0, NULL, -EINVAL, RULE_UAPI_UNSET_NOT_SET, 0 },
	{ "18 grp_unknown_ioctl", { S_GRP }, T_GRP, _IO(VFIO_TYPE, VFIO_BASE + 50), A_NULL, 0, NULL,
	  -ENOTTY, RULE_UAPI_GROUP_UNKNOWN_IOCTL, 0 },
	{ "18b container ioctl on a group", { S_CTR, S_GRP, S_SETCTR },
	  T_GRP, VFIO_SET_IOMMU, A_VAL, 3, NULL, -ENOTTY, RULE_UAPI_GROUP_UNKNOWN_IOCTL, 0 },
};

static void run_host_case(const struct host_case *c)
{
	struct fx *f;
	void *state;
	struct vfio_group_status st;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ, .vaddr = 0x100000,
		.iova = 0x100000, .size = 0x1000,
	};
	int i, r, target, x = -1;
	void *arg = NULL;

	fx_setup(&state);
	f = state;
	for (i = 0; i < 6 && c->setup[i] != S_END; i++) {
		switch (c->setup[i]) {
		case S_CTR: f->ctr = tu_open_container(f->h); break;
		case S_GRP: f->grp = tu_open_group(f->h, GROUP); break;
		case S_SETCTR: tu_set_container_ok(f->h, f->grp, f->ctr); break;
		case S_IOMMU: tu_set_iommu_ok(f->h, f->ctr, VFIO_TYPE1v2_IOMMU); break;
		case S_DEVFD: f->devfd = tu_get_device_ok(f->h, f->grp, BDF); break;
		case S_END: break;
		}
	}
	target = c->target == T_CTR ? f->ctr : f->grp;
	switch (c->arg) {
	case A_VAL: arg = tu_val(c->v); break;
	case A_MAP: arg = &map; break;
	case A_STATUS:
		memset(&st, 0x5a, sizeof(st));
		st.argsz = (uint32_t)c->v;
		arg = &st;
		break;
	case A_CTRFD: arg = &f->ctr; break;
	case A_GRPFD: arg = &f->grp; break;
	case A_NEG1: arg = &x; break;
	case A_EVENTFD:
		f->efd = eventfd(0, EFD_CLOEXEC);
		assert_true(f->efd >= 0);
		arg = &f->efd;
		break;
	case A_CLOSEDFD:
		x = dup(0);
		assert_true(x >= 0);
		close(x);
		arg = &x;
		break;
	case A_NAME: arg = (void *)c->name; break;
	case A_NULL: arg = NULL; break;
	}
	r = vfsim_ioctl(f->h, target, c->req, arg);
	if (c->ret == OK_FD) {
		if (r < 0)
			fail_msg("%s: got %d, want a descriptor", c->id, r);
		assert_int_equal(fcntl(r, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	} else if (r != c->ret) {
		fail_msg("%s: got %d, want %d", c->id, r, c->ret);
	}
	if (vfsim_last_rule(NULL) != (int)c->rule)
		fail_msg("%s: rule %s, want %s", c->id, vfsim_rule_name(vfsim_last_rule(NULL)),
			 vfsim_rule_name(c->rule));
	if (c->arg == A_STATUS && c->ret == 0) {
		assert_int_equal(st.flags, c->flags);
		assert_int_equal(st.argsz, c->v);	/* argsz is input only */
	}
	fx_teardown(&state);
}

static void test_ordering_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(host_cases) / sizeof(host_cases[0]); i++)
		run_host_case(&host_cases[i]);
}

/* A device fd of a v1 container works like v2 for the ordering rules. */
static void test_v1_container_device_fd(void **state)
{
	struct fx *f = *state;

	fx_attach(f, VFIO_TYPE1_IOMMU);
	f->devfd = tu_get_device_ok(f->h, f->grp, BDF);
	assert_non_null(f->dev->dma);
}

/* ---- item 7: opening ----------------------------------------------------- */

static void test_open_paths(void **state)
{
	static const struct {
		const char *path;
		int err;	/* 0: opens */
		enum vfsim_rule rule;
	} rows[] = {
		{ "/dev/vfio/vfio", 0, RULE_NONE },
		{ "/dev/vfio/12", 0, RULE_NONE },
		{ "/dev/vfio/13", -ENOENT, RULE_UAPI_OPEN_NOENT },
		{ "/dev/vfio/012", -ENOENT, RULE_UAPI_OPEN_NOENT },
		{ "/dev/vfio/+12", -ENOENT, RULE_UAPI_OPEN_NOENT },
		{ "/dev/vfio/12 ", -ENOENT, RULE_UAPI_OPEN_NOENT },
		{ "/dev/vfio/", -ENOENT, RULE_UAPI_OPEN_NOENT },
		{ "/dev/vfio/4294967308", -ENOENT, RULE_UAPI_OPEN_NOENT },	/* 2^32 + 12 */
		{ "/dev/vfio/devices/vfio0", -ENOENT, RULE_UAPI_OPEN_NOENT },
		{ "/dev/null", -ENOENT, RULE_UAPI_OPEN_NOENT },
		{ "/dev/vfio/vfio2", -ENOENT, RULE_UAPI_OPEN_NOENT },
	};
	struct fx *f = *state;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fd = vfsim_open(f->h, rows[i].path, O_RDWR);
		if (rows[i].err) {
			assert_int_equal(fd, rows[i].err);
		} else {
			assert_true(fd >= 0);
			assert_int_equal(vfsim_close(f->h, fd), 0);
		}
		assert_int_equal(vfsim_last_rule(NULL), rows[i].rule);
	}
	assert_int_equal(vfsim_open(f->h, NULL, O_RDWR), -EFAULT);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_ARG_FAULT);
}

static void test_group_open_exclusive(void **state)
{
	struct fx *f = *state;
	int c2;

	f->grp = tu_open_group(f->h, GROUP);
	assert_int_equal(vfsim_open(f->h, "/dev/vfio/12", O_RDWR), -EBUSY);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_OPEN_GROUP_BUSY);
	/* containers are not exclusive */
	f->ctr = tu_open_container(f->h);
	c2 = tu_open_container(f->h);
	assert_int_not_equal(c2, f->ctr);
	assert_int_equal(vfsim_close(f->h, c2), 0);
	/* closing the group makes it openable again */
	assert_int_equal(vfsim_close(f->h, f->grp), 0);
	f->grp = tu_open_group(f->h, GROUP);
}

/* ---- item 19 and FD_CLOEXEC ---------------------------------------------- */

static void test_cloexec(void **state)
{
	struct fx *f = *state;
	int c2;

	f->ctr = vfsim_open(f->h, "/dev/vfio/vfio", O_RDWR);
	c2 = vfsim_open(f->h, "/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	assert_true(f->ctr >= 0 && c2 >= 0);
	assert_int_equal(fcntl(f->ctr, F_GETFD) & FD_CLOEXEC, 0);
	assert_int_equal(fcntl(c2, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	f->grp = tu_open_group(f->h, GROUP);
	tu_set_container_ok(f->h, f->grp, f->ctr);
	tu_set_iommu_ok(f->h, f->ctr, VFIO_TYPE1v2_IOMMU);
	f->devfd = tu_get_device_ok(f->h, f->grp, BDF);
	assert_int_equal(fcntl(f->devfd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(vfsim_close(f->h, c2), 0);
}

/* ---- routing by fd kind ---------------------------------------------------- */

static void test_rw_routing(void **state)
{
	struct fx *f = *state;
	struct ufd *m, *u;
	uint8_t buf[8];
	void *addr = NULL;
	ssize_t r;
	int err = 0;

	fx_attach(f, VFIO_TYPE1v2_IOMMU);
	f->devfd = tu_get_device_ok(f->h, f->grp, BDF);

	assert_int_equal(vfsim_pread(f->h, f->ctr, buf, 4, 0), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_RW_NO_OP);
	assert_int_equal(vfsim_read(f->h, f->grp, buf, 4), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_RW_NO_OP);
	assert_int_equal(vfsim_write(f->h, f->ctr, buf, 4), -EINVAL);
	/* a negative offset is refused before the fd is looked at */
	assert_int_equal(vfsim_pread(f->h, -1, buf, 4, -1), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_RW_NEG_POS);
	assert_int_equal(vfsim_pread(f->h, -1, buf, 4, 0), -EBADF);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_FD_BAD);
	assert_int_equal(vfsim_pwrite(f->h, f->devfd, buf, 4, INT64_MAX - 2), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_RW_OVERFLOW);
	assert_int_equal(vfsim_pread(f->h, f->devfd, NULL, 4, 0), -EFAULT);

	/* read() on a device fd uses and advances the file position */
	u = uapi_fd_lookup(f->h, f->devfd);
	assert_non_null(u);
	assert_int_equal(u->pos, 0);
	r = vfsim_read(f->h, f->devfd, buf, 4);
	assert_int_equal(u->pos, r > 0 ? (uint64_t)r : 0);

	/* a migration data fd is a stream, read-only when saving */
	m = uapi_fd_new(f->h, UFD_MIGDATA, &err);
	assert_non_null(m);
	m->mig.device = u->device;
	m->mig.saving = true;
	assert_int_equal(vfsim_pread(f->h, m->fd, buf, 4, 0), -ESPIPE);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_RW_SPIPE);
	assert_int_equal(vfsim_write(f->h, m->fd, buf, 4), -EBADF);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_RW_ACCMODE);
	m->mig.saving = false;
	assert_int_equal(vfsim_read(f->h, m->fd, buf, 4), -EBADF);
	assert_int_equal(vfsim_mmap(f->h, m->fd, 4096, PROT_READ, MAP_SHARED, 0, &addr), -ENODEV);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_MMAP_NO_OP);
	assert_int_equal(vfsim_close(f->h, m->fd), 0);

	assert_int_equal(vfsim_mmap(f->h, f->grp, 4096, PROT_READ, MAP_SHARED, 0, &addr), -ENODEV);
	assert_int_equal(vfsim_mmap(f->h, f->devfd, 0, PROT_READ, MAP_SHARED, 0, &addr), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_MMAP_ARGS);
	assert_int_equal(vfsim_mmap(f->h, -1, 4096, PROT_READ, MAP_SHARED, 1, &addr), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_MMAP_ARGS);
	assert_int_equal(vfsim_mmap(f->h, -1, 4096, PROT_READ, MAP_SHARED, 0, &addr), -EBADF);
	assert_int_equal(vfsim_close(f->h, -1), -EBADF);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_FD_BAD);

	/* the syscall's cmd is 32 bits wide */
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, (1ul << 32) | VFIO_GET_API_VERSION, NULL),
			 VFIO_API_VERSION);
	/* a successful call clears the previous rule */
	assert_int_equal(vfsim_ioctl(f->h, f->grp, VFIO_GROUP_UNSET_CONTAINER, NULL), -EBUSY);
	assert_int_equal(vfsim_ioctl(f->h, f->ctr, VFIO_GET_API_VERSION, NULL), 0);
	assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
}

/* ---- host setup ------------------------------------------------------------ */

static void test_host_config(void **state)
{
	struct vfsim_iommu_config cfg = {
		.pgsizes = 0x1000, .dma_entry_limit = 10, .niova_ranges = 2,
		.iova_ranges = { { 0, 0xffff }, { 0x20000, 0x2ffff } },
	};
	struct vfsim_host *h = NULL;

	assert_int_equal(vfsim_host_new(&cfg, &h), 0);
	assert_int_equal(h->iommu.dma_entry_limit, 10);
	vfsim_host_free(h);
	h = NULL;
	vfsim_host_free(NULL);
	assert_int_equal(vfsim_host_new(NULL, NULL), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_HOST_ARG);
	cfg.iova_ranges[1].start = 0xffff;	/* overlaps the first */
	assert_int_equal(vfsim_host_new(&cfg, &h), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_HOST_CONFIG);
	cfg.iova_ranges[1].start = 0x10000;	/* touching is fine, unsorted is not */
	cfg.iova_ranges[0].start = 0x40000;
	cfg.iova_ranges[0].end = 0x4ffff;
	assert_int_equal(vfsim_host_new(&cfg, &h), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_HOST_CONFIG);
	/* the IOMMU model's own checks run at host creation, not at SET_IOMMU */
	cfg.iova_ranges[0].start = 0;
	cfg.iova_ranges[0].end = 0xffff;
	cfg.iova_ranges[1].start = 0x30000;	/* start > end */
	assert_int_equal(vfsim_host_new(&cfg, &h), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_DMA_CFG_RANGES);
	cfg.iova_ranges[1].start = 0x20000;
	cfg.niova_ranges = 9;
	assert_int_equal(vfsim_host_new(&cfg, &h), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_DMA_CFG_RANGES);
	assert_null(h);	/* nothing comes back on failure */
}

static void test_add_device(void **state)
{
	struct fx *f = *state;
	struct vfsim_dev *devs = calloc(UAPI_MAX_DEVICES + 1, sizeof(*devs));
	char bdf[32];
	unsigned i;
	int r;

	assert_non_null(devs);
	assert_int_equal(vfsim_host_add_device(f->h, f->dev, 1, "0000:00:09.0"), -EEXIST);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_HOST_ADD_DUP);
	assert_int_equal(vfsim_host_add_device(f->h, &devs[0], 1, BDF), -EEXIST);
	assert_int_equal(vfsim_host_add_device(f->h, &devs[0], 1, "0000:00:09.0 x"), -EINVAL);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_HOST_ADD_ARG);
	assert_int_equal(vfsim_host_add_device(f->h, &devs[0], 1, ""), -EINVAL);
	/* 32 characters: no room for the NUL */
	r = vfsim_host_add_device(f->h, &devs[0], 1, "0123456789:0123456789:0123456789");
	assert_int_equal(r, -EINVAL);
	assert_int_equal(vfsim_host_add_device(f->h, &devs[0], 1, NULL), -EINVAL);
	assert_int_equal(vfsim_host_add_device(f->h, NULL, 1, "0000:00:09.0"), -EINVAL);
	/* one device exists (group 12); 63 more fit, each in a new group */
	for (i = 0; i < UAPI_MAX_GROUPS - 1; i++) {
		snprintf(bdf, sizeof(bdf), "0000:01:%02x.0", i);
		assert_int_equal(vfsim_host_add_device(f->h, &devs[i], 100 + i, bdf), 0);
	}
	assert_int_equal(vfsim_host_add_device(f->h, &devs[i], 999, "0000:02:00.0"), -ENOSPC);
	assert_int_equal(vfsim_last_rule(NULL), RULE_UAPI_HOST_ADD_LIMIT);
	assert_int_equal(vfsim_host_add_device(f->h, &devs[i], 100, "0000:02:00.0"), -ENOSPC);
	assert_int_equal(f->h->ndevices, UAPI_MAX_DEVICES);
	vfsim_host_free(f->h);
	assert_int_equal(vfsim_host_new(NULL, &f->h), 0);
	free(devs);
}

/* A device shared by a group: both found, each by its own name. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ordering_table),
		FX(test_v1_container_device_fd),
		FX(test_open_paths),
		FX(test_group_open_exclusive),
		FX(test_cloexec),
		FX(test_rw_routing),
		cmocka_unit_test(test_host_config),
		FX(test_add_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
