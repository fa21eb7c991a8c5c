/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shared test helpers of test-util.h. They set things up and assert that
 * the setup worked; what a test checks stays in the test, transcribed from
 * the spec and the fixtures.
 */
#include "test-util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "mig.h"
#include "vfio-compat.h"

/* ---- process and fixtures ------------------------------------------------- */

int tu_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory stream's own descriptor */
}

struct vfsim_profile *tu_profile_load(const char *name)
{
	char path[512], err[512];
	struct vfsim_profile *p = NULL;

	snprintf(path, sizeof(path), FIXTURES_DIR "/devices/%s.json", name);
	if (vfsim_profile_load(path, &p, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	return p;
}

struct vfsim_dev *tu_dev_from(const char *name)
{
	struct vfsim_profile *p = tu_profile_load(name);
	struct vfsim_dev *dev = NULL;

	assert_int_equal(vfsim_dev_new(p, &dev), 0);
	vfsim_profile_free(p);
	return dev;
}

static int tu_stem_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

void tu_fixture_stems(const char *subdir, struct tu_stems *ret)
{
	char dir[512];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), FIXTURES_DIR "/%s", subdir);
	d = opendir(dir);
	if (!d)
		fail_msg("%s: %s", dir, strerror(errno));
	ret->n = 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l < 6 || strcmp(e->d_name + l - 5, ".json"))
			continue;
		if (ret->n >= TU_STEMS_MAX || l - 5 >= sizeof(ret->name[0]))
			fail_msg("%s: too many files or %s too long", dir, e->d_name);
		snprintf(ret->name[ret->n++], sizeof(ret->name[0]), "%.*s", (int)(l - 5), e->d_name);
	}
	closedir(d);
	qsort(ret->name, ret->n, sizeof(ret->name[0]), tu_stem_cmp);
}

/* ---- rules ------------------------------------------------------------------ */

void tu_expect_rule(int r, int err, int rule)
{
	assert_int_equal(r, err);
	if (vfsim_last_rule(NULL) != rule)
		fail_msg("rule %s, expected %s", vfsim_rule_name(vfsim_last_rule(NULL)), vfsim_rule_name(rule));
}

void tu_assert_rejected(int r, int err, int rule)
{
	int last_err = 0;

	tu_expect_rule(r, err, rule);
	assert_int_equal(vfsim_last_rule(&last_err), rule);
	assert_int_equal(last_err, err);
}

/* ---- the uAPI as a client sees it --------------------------------------------- */

void *tu_val(unsigned long v)
{
	return (void *)(uintptr_t)v;
}

int tu_open_container(struct vfsim_host *h)
{
	int fd = vfsim_open(h, "/dev/vfio/vfio", O_RDWR);

	assert_true(fd >= 0);
	return fd;
}

int tu_open_group(struct vfsim_host *h, unsigned group)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "/dev/vfio/%u", group);
	fd = vfsim_open(h, path, O_RDWR);
	assert_true(fd >= 0);
	return fd;
}

void tu_set_container_ok(struct vfsim_host *h, int grp, int ctr)
{
	assert_int_equal(vfsim_ioctl(h, grp, VFIO_GROUP_SET_CONTAINER, &ctr), 0);
}

void tu_set_iommu_ok(struct vfsim_host *h, int ctr, unsigned long type)
{
	assert_int_equal(vfsim_ioctl(h, ctr, VFIO_SET_IOMMU, tu_val(type)), 0);
}

int tu_get_device_ok(struct vfsim_host *h, int grp, const char *bdf)
{
	int fd = vfsim_ioctl(h, grp, VFIO_GROUP_GET_DEVICE_FD, (void *)bdf);

	assert_true(fd >= 0);
	return fd;
}

void tu_vfio_init(struct tu_vfio *v)
{
	memset(v, 0, sizeof(*v));
	assert_int_equal(vfsim_host_new(NULL, &v->host), 0);
	v->ctr = tu_open_container(v->host);
}

struct tu_vdev *tu_vfio_add(struct tu_vfio *v, const char *profile, unsigned group, const char *bdf)
{
	struct tu_vdev *t;

	assert_true(v->n < TU_VFIO_DEVS);
	t = &v->d[v->n++];
	t->dev = tu_dev_from(profile);
	assert_int_equal(vfsim_host_add_device(v->host, t->dev, group, bdf), 0);
	t->grp = tu_open_group(v->host, group);
	tu_set_container_ok(v->host, t->grp, v->ctr);
	if (!v->iommu) {
		tu_set_iommu_ok(v->host, v->ctr, VFIO_TYPE1v2_IOMMU);
		v->iommu = true;
	}
	t->fd = tu_get_device_ok(v->host, t->grp, bdf);
	return t;
}

struct tu_vdev *tu_vfio_open(struct tu_vfio *v, const char *profile, unsigned group, const char *bdf)
{
	tu_vfio_init(v);
	return tu_vfio_add(v, profile, group, bdf);
}

void tu_vfio_close(struct tu_vfio *v)
{
	unsigned i;

	vfsim_host_free(v->host);
	v->host = NULL;
	for (i = 0; i < v->n; i++)
		vfsim_dev_free(v->d[i].dev);
	v->n = 0;
}

/* ---- migration sessions ------------------------------------------------------- */

int tu_mig_set(struct mig_state *m, uint32_t target, uint32_t *ret_session)
{
	uint32_t s = 0;
	int r;

	vfsim_reject_clear();
	r = mig_set_state(m, target, &s);
	if (ret_session)
		*ret_session = s;
	return r;
}

uint32_t tu_mig_set_ok(struct mig_state *m, uint32_t target)
{
	uint32_t s = 0;

	assert_int_equal(tu_mig_set(m, target, &s), 0);
	assert_int_equal(mig_get_state(m), target);
	return s;
}

ssize_t tu_mig_read(struct mig_state *m, uint32_t s, void *buf, size_t len)
{
	vfsim_reject_clear();
	return mig_read(m, s, buf, len);
}

ssize_t tu_mig_write(struct mig_state *m, uint32_t s, const void *buf, size_t len)
{
	vfsim_reject_clear();
	return mig_write(m, s, buf, len);
}

int tu_mig_info(struct mig_state *m, uint32_t s, uint64_t *ret_initial, uint64_t *ret_dirty)
{
	vfsim_reject_clear();
	return mig_precopy_info(m, s, ret_initial, ret_dirty);
}

void tu_mig_info_ok(struct mig_state *m, uint32_t s, uint64_t *ret_initial, uint64_t *ret_dirty)
{
	assert_int_equal(tu_mig_info(m, s, ret_initial, ret_dirty), 0);
}

void tu_blob_read_all(struct mig_state *m, uint32_t s, struct tu_blob *b, bool until_enomsg)
{
	ssize_t n;
	unsigned guard;

	for (guard = 0; guard < 100000; guard++) {
		if (b->cap - b->len < 1000) {
			b->cap = b->cap ? b->cap * 2 : 65536;
			b->p = realloc(b->p, b->cap);
			assert_non_null(b->p);
		}
		n = tu_mig_read(m, s, b->p + b->len, 1000);	/* odd chunks on purpose */
		if (until_enomsg && n == -ENOMSG)
			return;
		assert_true(n >= 0);
		if (n == 0)
			return;
		b->len += n;
	}
	fail_msg("stream does not end");
}

void tu_temp_template(char *buf, size_t len, const char *name)
{
	char x[7];

	memset(x, 'X', 6);	/* spelled out, the template reads like a marker to grep */
	x[6] = '\0';
	snprintf(buf, len, "/tmp/vfsim-%s-%s", name, x);
}
