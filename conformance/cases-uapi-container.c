/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel-uAPI cases: container, group and device fd ordering, transcribed
 * from the digest (/work/shared/spec/kernel-uapi.md) §5.1 items 1-20, with the
 * rule id of the item (UAPI-CTR-NN). Every expected errno comes from the
 * spec text (§1.1), never from sim/'s tables.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "include/vfsim.h"
#include "vfio-compat.h"
#include "conf.h"

#define U CONF_ROLE_UAPI

/* An ioctl number no VFIO object knows (VFIO_BASE + 60 is unassigned). */
#define CASE_UNKNOWN_IOCTL _IO(VFIO_TYPE, VFIO_BASE + 60)

/* 1 */
static int ctr_api_version(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_CONTAINER)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_GET_API_VERSION, NULL);
	conf_check(ctx, r == VFIO_API_VERSION, "GET_API_VERSION returned %d, want %d", r, VFIO_API_VERSION);
	return conf_pass(ctx);
}

/* 2: arg = the extension */
static int ctr_check_ext(struct conf_ctx *ctx, const struct conf_case *c)
{
	unsigned long ext = (unsigned long)(uintptr_t)c->arg;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_CONTAINER)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)ext);
	conf_check(ctx, r == 1, "CHECK_EXTENSION(%lu) with no group returned %d, want 1 (drivers are polled)", ext, r);
	return conf_pass(ctx);
}

/* 3 */
static int ctr_set_iommu_no_group(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_CONTAINER)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU);
	conf_expect_errno(ctx, "SET_IOMMU on an empty container", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* 4: arg = stage (container only, or a group attached) */
static int ctr_map_before_iommu(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = 0x10000, .iova = 0x100000, .size = 0x1000,
	};
	int r, v;

	if ((v = conf_uapi_setup(ctx, (enum conf_uapi_stage)(uintptr_t)c->arg)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_MAP_DMA, &map);
	conf_expect_errno(ctx, "MAP_DMA before SET_IOMMU", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* 5 */
static int ctr_set_iommu_twice(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU);
	conf_expect_errno(ctx, "second SET_IOMMU", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* 6 */
static int ctr_set_iommu_bad_type(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_ATTACHED)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_SET_IOMMU, (void *)(uintptr_t)0x77);
	conf_expect_errno(ctx, "SET_IOMMU(0x77)", r, -ENODEV, true);
	return conf_pass(ctx);
}

/* 7 */
static int grp_open_exclusive(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_GROUP_OPEN)) != CONF_PASS)
		return v;
	r = conf_open(ctx, CONF_UAPI_GROUP_PATH, O_RDWR);
	conf_expect_errno(ctx, "second open of the group", r, -EBUSY, true);
	if (r >= 0)
		conf_close(ctx, r);
	return conf_pass(ctx);
}

/* 8 */
static int grp_status_minsz(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_group_status st = { .argsz = 4 };
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_GROUP_OPEN)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_GET_STATUS, &st);
	conf_expect_errno(ctx, "GROUP_GET_STATUS argsz=4", r, -EINVAL, true);
	return conf_pass(ctx);
}

static int group_status(struct conf_ctx *ctx, uint32_t *ret_flags)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int r = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_GET_STATUS, &st);

	*ret_flags = st.flags;
	return r;
}

/* 9 */
static int grp_status_flags(struct conf_ctx *ctx, const struct conf_case *c)
{
	const uint32_t both = VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET;
	uint32_t flags = 0;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_GROUP_OPEN)) != CONF_PASS)
		return v;
	r = group_status(ctx, &flags);
	if (conf_expect_errno(ctx, "GROUP_GET_STATUS before SET_CONTAINER", r, 0, true) == CONF_PASS)
		conf_check(ctx, flags == VFIO_GROUP_FLAGS_VIABLE, "flags 0x%x before SET_CONTAINER, want VIABLE (0x1)",
			   flags);
	if ((v = conf_uapi_setup(ctx, CONF_UAPI_ATTACHED)) != CONF_PASS)
		return v;
	r = group_status(ctx, &flags);
	if (conf_expect_errno(ctx, "GROUP_GET_STATUS after SET_CONTAINER", r, 0, true) == CONF_PASS)
		conf_check(ctx, flags == both, "flags 0x%x after SET_CONTAINER, want VIABLE|CONTAINER_SET (0x3)",
			   flags);
	return conf_pass(ctx);
}

/* 10 */
static int grp_set_container_badfd(struct conf_ctx *ctx, const struct conf_case *c)
{
	int fd = -1, r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_GROUP_OPEN)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_SET_CONTAINER, &fd);
	conf_expect_errno(ctx, "GROUP_SET_CONTAINER(-1)", r, -EBADF, true);
	return conf_pass(ctx);
}

/* 11 */
static int grp_set_container_twice(struct conf_ctx *ctx, const struct conf_case *c)
{
	int second, r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_ATTACHED)) != CONF_PASS)
		return v;
	second = conf_open(ctx, "/dev/vfio/vfio", O_RDWR);
	if (second < 0)
		return conf_fail(ctx, "setup: a second container: -%s", conf_errno_name(second));
	r = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_SET_CONTAINER, &second);
	conf_expect_errno(ctx, "second GROUP_SET_CONTAINER (another container)", r, -EINVAL, true);
	r = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_SET_CONTAINER, &ctx->u.container);
	conf_expect_errno(ctx, "second GROUP_SET_CONTAINER (the same container)", r, -EINVAL, true);
	conf_close(ctx, second);
	return conf_pass(ctx);
}

/* 12: 6.1 gives EINVAL, newer kernels EBADFD; both are the spec. */
static int grp_set_container_notctr(struct conf_ctx *ctx, const struct conf_case *c)
{
	int efd, r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_GROUP_OPEN)) != CONF_PASS)
		return v;
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0)
		return conf_harness_error(ctx, "eventfd: %s", strerror(errno));
	r = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_SET_CONTAINER, &efd);
	close(efd);
	if (r == -EBADFD)
		return conf_pass(ctx);
	conf_expect_errno(ctx, "GROUP_SET_CONTAINER(an eventfd)", r, -EINVAL, true);
	return conf_pass(ctx);
}

static int get_device_fd(struct conf_ctx *ctx, const char *name)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s", name);
	return conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_GET_DEVICE_FD, buf);
}

/* 13, 14: arg = the stage reached before GET_DEVICE_FD */
static int grp_get_fd_early(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, (enum conf_uapi_stage)(uintptr_t)c->arg)) != CONF_PASS)
		return v;
	r = get_device_fd(ctx, CONF_UAPI_BDF);
	conf_expect_errno(ctx, "GROUP_GET_DEVICE_FD before the IOMMU is set", r, -EINVAL, true);
	if (r >= 0)
		conf_close(ctx, r);
	return conf_pass(ctx);
}

/* 15: arg = the name */
static int grp_get_fd_unknown(struct conf_ctx *ctx, const struct conf_case *c)
{
	const char *name = c->arg;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	r = get_device_fd(ctx, name);
	conf_expect_errno(ctx, "GROUP_GET_DEVICE_FD(a name no device has)", r, -ENODEV, true);
	if (r >= 0)
		conf_close(ctx, r);
	return conf_pass(ctx);
}

/* 16 */
static int grp_unset_with_open_dev(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_UNSET_CONTAINER, NULL);
	conf_expect_errno(ctx, "GROUP_UNSET_CONTAINER with a device fd open", r, -EBUSY, true);
	return conf_pass(ctx);
}

/* 17 */
static int grp_unset_not_set(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_GROUP_OPEN)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_UNSET_CONTAINER, NULL);
	conf_expect_errno(ctx, "GROUP_UNSET_CONTAINER without a container", r, -EINVAL, true);
	return conf_pass(ctx);
}

/* 18: arg = the stage (the group answers the same before and after attach) */
static int grp_unknown_ioctl(struct conf_ctx *ctx, const struct conf_case *c)
{
	int r, v;

	if ((v = conf_uapi_setup(ctx, (enum conf_uapi_stage)(uintptr_t)c->arg)) != CONF_PASS)
		return v;
	r = conf_ioctl(ctx, ctx->u.group, CASE_UNKNOWN_IOCTL, NULL);
	conf_expect_errno(ctx, "unknown group ioctl", r, -ENOTTY, true);
	return conf_pass(ctx);
}

/* 19 */
static int dev_get_fd_cloexec(struct conf_ctx *ctx, const struct conf_case *c)
{
	int fl, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE)) != CONF_PASS)
		return v;
	fl = fcntl(ctx->u.device, F_GETFD);
	conf_note(ctx, "fcntl(device, F_GETFD) = 0x%x", fl);
	conf_check(ctx, fl >= 0 && (fl & FD_CLOEXEC), "the device fd lacks FD_CLOEXEC (F_GETFD = %d)", fl);
	return conf_pass(ctx);
}

/* 20: DMA_AVAIL from IOMMU_GET_INFO's capability chain, -ENOENT without it. */
static int type1_dma_avail(struct conf_ctx *ctx, uint32_t *ret_avail)
{
	union {
		struct vfio_iommu_type1_info info;
		uint8_t raw[4096];
	} b;
	uint32_t off, hops;
	int r;

	memset(&b, 0, sizeof(b));
	b.info.argsz = sizeof(b);
	r = conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_GET_INFO, &b);
	if (r < 0)
		return r;
	if (!(b.info.flags & VFIO_IOMMU_INFO_CAPS))
		return -ENOENT;
	for (off = b.info.cap_offset, hops = 0; off && hops < 64; hops++) {
		struct vfio_info_cap_header h;

		if (off < sizeof(b.info) || off > sizeof(b) - sizeof(struct vfio_iommu_type1_info_dma_avail))
			return -EPROTO;
		memcpy(&h, b.raw + off, sizeof(h));
		if (h.id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			struct vfio_iommu_type1_info_dma_avail a;

			memcpy(&a, b.raw + off, sizeof(a));
			*ret_avail = a.avail;
			return 0;
		}
		off = h.next;
	}
	return -ENOENT;
}

static int ctr_teardown_drops_maps(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = 0x100000, .size = 0x1000,
	};
	uint32_t avail0 = 0, avail1 = 0, avail2 = 0;
	void *mem;
	int r, v;

	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		return v;
	r = type1_dma_avail(ctx, &avail0);
	if (r == -ENOENT)
		return conf_not_supported(ctx, "IOMMU_GET_INFO has no DMA_AVAIL capability to count mappings with");
	if (conf_expect_errno(ctx, "IOMMU_GET_INFO", r, 0, true) != CONF_PASS)
		return conf_pass(ctx);
	mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return conf_harness_error(ctx, "mmap: %s", strerror(errno));
	map.vaddr = (uintptr_t)mem;
	r = conf_ioctl(ctx, ctx->u.container, VFIO_IOMMU_MAP_DMA, &map);
	if (conf_expect_errno(ctx, "MAP_DMA of one page", r, 0, true) != CONF_PASS)
		goto out;
	if (type1_dma_avail(ctx, &avail1) == 0)
		conf_note(ctx, "DMA_AVAIL %u before the map, %u after", avail0, avail1);
	/* The last group leaves: the container is EMPTY, the driver and
	 * every mapping are gone. */
	r = conf_ioctl(ctx, ctx->u.group, VFIO_GROUP_UNSET_CONTAINER, NULL);
	if (conf_expect_errno(ctx, "GROUP_UNSET_CONTAINER of the last group", r, 0, true) != CONF_PASS)
		goto out;
	if ((v = conf_uapi_setup(ctx, CONF_UAPI_IOMMU)) != CONF_PASS)
		goto out;
	r = type1_dma_avail(ctx, &avail2);
	if (conf_expect_errno(ctx, "IOMMU_GET_INFO after re-attach", r, 0, true) == CONF_PASS)
		conf_check(ctx, avail2 == avail0, "DMA_AVAIL %u after teardown and SET_IOMMU, want %u: old mappings remain",
			   avail2, avail0);
out:
	munmap(mem, 0x1000);
	return conf_pass(ctx);
}

static const struct conf_case cases[] = {
	{ "UAPI-CTR-001", "UAPI-CTR-01", U, NULL, ctr_api_version, NULL,
	  "ctr_api_version: GET_API_VERSION on a new container returns 0" },
	{ "UAPI-CTR-002", "UAPI-CTR-02", U, NULL, ctr_check_ext, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU,
	  "ctr_check_ext_type1v2: CHECK_EXTENSION(TYPE1v2) before any group returns 1" },
	{ "UAPI-CTR-003", "UAPI-CTR-02", U, NULL, ctr_check_ext, (void *)(uintptr_t)VFIO_TYPE1_IOMMU,
	  "CHECK_EXTENSION(TYPE1) before any group returns 1" },
	{ "UAPI-CTR-004", "UAPI-CTR-03", U, NULL, ctr_set_iommu_no_group, NULL,
	  "ctr_set_iommu_no_group: SET_IOMMU with no group attached is EINVAL" },
	{ "UAPI-CTR-005", "UAPI-CTR-04", U, NULL, ctr_map_before_iommu, (void *)(uintptr_t)CONF_UAPI_CONTAINER,
	  "ctr_unknown_ioctl_unset: MAP_DMA on an empty container is EINVAL, not ENOTTY" },
	{ "UAPI-CTR-006", "UAPI-CTR-04", U, NULL, ctr_map_before_iommu, (void *)(uintptr_t)CONF_UAPI_ATTACHED,
	  "MAP_DMA with a group attached but no IOMMU set is EINVAL, not ENOTTY" },
	{ "UAPI-CTR-007", "UAPI-CTR-05", U, NULL, ctr_set_iommu_twice, NULL,
	  "ctr_set_iommu_twice: a second SET_IOMMU is EINVAL" },
	{ "UAPI-CTR-008", "UAPI-CTR-06", U, NULL, ctr_set_iommu_bad_type, NULL,
	  "ctr_set_iommu_bad_type: SET_IOMMU(0x77) is ENODEV" },
	{ "UAPI-CTR-009", "UAPI-CTR-07", U, NULL, grp_open_exclusive, NULL,
	  "grp_open_exclusive: a second open of the group is EBUSY" },
	{ "UAPI-CTR-010", "UAPI-CTR-08", U, NULL, grp_status_minsz, NULL,
	  "grp_status_minsz: GROUP_GET_STATUS with argsz=4 is EINVAL" },
	{ "UAPI-CTR-011", "UAPI-CTR-09", U, NULL, grp_status_flags, NULL,
	  "grp_status_flags: VIABLE before SET_CONTAINER, VIABLE|CONTAINER_SET after" },
	{ "UAPI-CTR-012", "UAPI-CTR-10", U, NULL, grp_set_container_badfd, NULL,
	  "grp_set_container_badfd: SET_CONTAINER(-1) is EBADF" },
	{ "UAPI-CTR-013", "UAPI-CTR-11", U, NULL, grp_set_container_twice, NULL,
	  "grp_set_container_twice: a second SET_CONTAINER is EINVAL" },
	{ "UAPI-CTR-014", "UAPI-CTR-12", U, NULL, grp_set_container_notctr, NULL,
	  "grp_set_container_notctr: SET_CONTAINER(eventfd) is EINVAL [6.1] or EBADFD [new]" },
	{ "UAPI-CTR-015", "UAPI-CTR-13", U, NULL, grp_get_fd_early, (void *)(uintptr_t)CONF_UAPI_GROUP_OPEN,
	  "grp_get_fd_no_container: GET_DEVICE_FD before SET_CONTAINER is EINVAL" },
	{ "UAPI-CTR-016", "UAPI-CTR-14", U, NULL, grp_get_fd_early, (void *)(uintptr_t)CONF_UAPI_ATTACHED,
	  "grp_get_fd_no_iommu: GET_DEVICE_FD after SET_CONTAINER, before SET_IOMMU is EINVAL" },
	{ "UAPI-CTR-017", "UAPI-CTR-15", U, NULL, grp_get_fd_unknown, "nope",
	  "grp_get_fd_unknown: GET_DEVICE_FD(\"nope\") is ENODEV" },
	{ "UAPI-CTR-018", "UAPI-CTR-15", U, NULL, grp_get_fd_unknown, CONF_UAPI_BDF "x",
	  "GET_DEVICE_FD(BDF followed by non-whitespace) matches nothing: ENODEV" },
	{ "UAPI-CTR-019", "UAPI-CTR-16", U, NULL, grp_unset_with_open_dev, NULL,
	  "grp_unset_with_open_dev: UNSET_CONTAINER while a device fd is open is EBUSY" },
	{ "UAPI-CTR-020", "UAPI-CTR-17", U, NULL, grp_unset_not_set, NULL,
	  "grp_unset_not_set: UNSET_CONTAINER without a container is EINVAL" },
	{ "UAPI-CTR-021", "UAPI-CTR-18", U, NULL, grp_unknown_ioctl, (void *)(uintptr_t)CONF_UAPI_GROUP_OPEN,
	  "grp_unknown_ioctl: an unknown ioctl on a fresh group is ENOTTY" },
	{ "UAPI-CTR-022", "UAPI-CTR-18", U, NULL, grp_unknown_ioctl, (void *)(uintptr_t)CONF_UAPI_DEVICE,
	  "an unknown ioctl on a group with an open device is ENOTTY" },
	{ "UAPI-CTR-023", "UAPI-CTR-19", U, NULL, dev_get_fd_cloexec, NULL,
	  "dev_get_fd_cloexec: the device fd from GET_DEVICE_FD has FD_CLOEXEC" },
	{ "UAPI-CTR-024", "UAPI-CTR-20", U, NULL, ctr_teardown_drops_maps, NULL,
	  "ctr_teardown_drops_maps: unsetting the last group drops every mapping" },
};

const struct conf_table conf_uapi_container_table = { cases, sizeof(cases) / sizeof(cases[0]) };
