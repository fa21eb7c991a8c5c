/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * White-box tests of the migration data stream between real devices (the
 * FSM and the session rules are in test-mig.c): a full round trip with and
 * without PRE_COPY, each kind of damaged stream refused with its rule while
 * the target stays as it was, the resume cap, and device reset closing the
 * sessions. The same round trip for every fixture profile is in
 * test-mig-profiles.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <zlib.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dev.h"
#include "cfg.h"
#include "irq.h"
#include "mig.h"
#include "mig-stream.h"
#include "region.h"
#include "rules.h"
#include "mig-fixture.h"

/* ---- fixed test profile ---------------------------------------------------- */
static void test_profile(struct vfsim_profile *p, uint32_t flags)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "test-mig");
	snprintf(p->source, sizeof(p->source), "test-mig-stream.c");
	p->vendor_id = 0x1af4;
	p->device_id = 0x1234;
	p->subsys_vendor_id = 0x1af4;
	p->subsys_id = 0x0001;
	p->class_code = 0xff0000;
	p->pcie = true;
	p->pm = true;
	p->intx_pin = 1;
	p->msi_vectors = 4;
	p->msi_64bit = true;
	p->msi_maskable = true;
	p->msix_vectors = 8;
	p->msix_bar = 2;
	p->msix_table_offset = 0;
	p->msix_pba_offset = 0x800;
	p->bars[0].size = 0x4000;
	p->bars[0].mmap = true;
	p->bars[2].size = 0x1000;
	p->reset = true;
	p->mig_flags = flags;
	p->engine.present = true;
	p->engine.bar = 0;
	p->engine.offset = 0x3000;
	p->engine.irq_index = VFIO_PCI_MSIX_IRQ_INDEX;
	p->engine.irq_vector = 0;
}

static struct vfsim_dev *new_dev(uint32_t flags)
{
	struct vfsim_profile p;
	struct vfsim_dev *dev = NULL;

	test_profile(&p, flags);
	assert_int_equal(vfsim_dev_new(&p, &dev), 0);
	assert_non_null(dev->mig);
	return dev;
}

static void assert_same(const struct vfsim_dev *a, const struct vfsim_dev *b)
{
	char diff[128];

	if (vfsim_dev_compare(a, b, diff, sizeof(diff)))
		fail_msg("devices differ: %s", diff);
}

static void bar0_write(struct vfsim_dev *dev, uint64_t off, uint32_t v)
{
	assert_int_equal(region_rw(dev, VFIO_PCI_BAR0_REGION_INDEX, off, &v, sizeof(v), true), sizeof(v));
}

/* Change memory, config space and IRQ configuration of @dev. */
static void scribble(struct vfsim_dev *dev)
{
	struct {
		struct vfio_irq_set hdr;
		int32_t fd;
	} set;
	uint16_t cmd = 0x0006;	/* memory space, bus master */
	int efd;

	bar0_write(dev, 0x10, 0xdeadbeef);
	bar0_write(dev, 0x2ffc, 0x12345678);
	vfsim_dev_tick(dev);
	assert_int_equal(cfg_write(dev->cfg, 0x04, &cmd, sizeof(cmd)), sizeof(cmd));
	/* INTx enabled with a trigger, then masked. */
	efd = eventfd(0, EFD_CLOEXEC);
	assert_true(efd >= 0);
	memset(&set, 0, sizeof(set));
	set.hdr.argsz = sizeof(set);
	set.hdr.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set.hdr.index = VFIO_PCI_INTX_IRQ_INDEX;
	set.hdr.start = 0;
	set.hdr.count = 1;
	set.fd = efd;
	assert_int_equal(irq_set(dev->irq, &set.hdr, &set.fd), 0);
	close(efd);
	set.hdr.argsz = sizeof(set.hdr);
	set.hdr.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK;
	assert_int_equal(irq_set(dev->irq, &set.hdr, NULL), 0);
	assert_true(irq_masked(dev->irq, VFIO_PCI_INTX_IRQ_INDEX, 0));
}

/* A complete STOP->STOP_COPY image of @dev, device left in STOP. */
static void save_image(struct vfsim_dev *dev, struct tu_blob *b)
{
	uint32_t s;

	memset(b, 0, sizeof(*b));
	s = tu_mig_set_ok(dev->mig, SCOPY);
	tu_blob_read_all(dev->mig, s, b, false);
	tu_mig_set_ok(dev->mig, STOP);
}

static void write_chunks(struct vfsim_dev *dev, uint32_t s, const uint8_t *p, size_t len,
			 ssize_t *ret_last)
{
	size_t off = 0;
	ssize_t n = 0;

	while (off < len) {
		size_t k = len - off < 777 ? len - off : 777;

		n = tu_mig_write(dev->mig, s, p + off, k);
		if (n <= 0)
			break;
		off += n;
	}
	*ret_last = n;
}

/* Precopy, dirty tracking, then STOP_COPY; B resumes and equals A. */
static void test_round_trip_precopy(void **state)
{
	struct vfsim_dev *a = new_dev(0x7), *b = new_dev(0x7);
	struct tu_blob img = { 0 };
	uint64_t ini, dirty, dirty2;
	uint32_t sa, sb;
	ssize_t last;

	scribble(a);
	{
		char diff[64];

		assert_int_equal(vfsim_dev_compare(a, b, diff, sizeof(diff)), 1);	/* the test can fail */
	}
	sa = tu_mig_set_ok(a->mig, PRE);
	assert_int_not_equal(sa, 0);
	tu_blob_read_all(a->mig, sa, &img, true);
	tu_mig_info_ok(a->mig, sa, &ini, &dirty);
	assert_int_equal(ini, 0);
	assert_int_equal(dirty, 0);

	/* The running device changes memory: dirty rises, and falls as read. */
	bar0_write(a, 0x100, 0xcafef00d);
	tu_mig_info_ok(a->mig, sa, &ini, &dirty);
	assert_true(dirty > 0);
	vfsim_dev_tick(a);
	bar0_write(a, 0x1100, 0x1);
	tu_mig_info_ok(a->mig, sa, &ini, &dirty2);
	assert_true(dirty2 > dirty);
	/* img has room: cap - len >= 1000 */
	assert_true(tu_mig_read(a->mig, sa, img.p + img.len, 16) == 16);
	img.len += 16;
	tu_mig_info_ok(a->mig, sa, &ini, &dirty);
	assert_int_equal(ini, 0);
	assert_int_equal(dirty, dirty2 - 16);
	tu_blob_read_all(a->mig, sa, &img, true);
	tu_mig_info_ok(a->mig, sa, &ini, &dirty);
	assert_int_equal(dirty, 0);

	/* More changes after the last precopy read travel with STOP_COPY. */
	bar0_write(a, 0x2000, 0xabcdef01);
	assert_int_equal(tu_mig_set_ok(a->mig, SCOPY), 0);
	tu_blob_read_all(a->mig, sa, &img, false);

	sb = tu_mig_set_ok(b->mig, RESUME);
	write_chunks(b, sb, img.p, img.len, &last);
	assert_true(last > 0);
	assert_int_equal(tu_mig_set_ok(b->mig, RUN), 0);
	assert_same(a, b);
	free(img.p);
	vfsim_dev_free(a);
	vfsim_dev_free(b);
}

static void test_round_trip_stop_copy(void **state)
{
	struct vfsim_dev *a = new_dev(0x1), *b = new_dev(0x1);
	struct tu_blob img;
	uint64_t size;
	uint32_t sb;
	ssize_t last;

	scribble(a);
	tu_mig_set_ok(a->mig, STOP);
	assert_int_equal(mig_data_size(a->mig, &size), 0);
	save_image(a, &img);
	assert_int_equal(img.len, size);
	sb = tu_mig_set_ok(b->mig, RESUME);
	write_chunks(b, sb, img.p, img.len, &last);
	assert_true(last > 0);
	tu_mig_set_ok(b->mig, STOP);
	assert_same(a, b);
	free(img.p);
	vfsim_dev_free(a);
	vfsim_dev_free(b);
}

struct damage {
	const char *what;
	size_t keep;		/* bytes of the image written, 0 = all */
	size_t cut;		/* bytes removed from the end */
	size_t flip_at;		/* byte to change (when flip) */
	uint8_t flip;
	bool foreign;		/* image from a device with another profile */
	int write_err;		/* what the failing write returns, 0 = all accepted */
	int rule;
};

static void test_damaged_streams(void **state)
{
	static const struct damage cases[] = {
		{ "truncated by 1", .cut = 1, .rule = RULE_MIG_STREAM_SHORT },
		{ "truncated mid header", .keep = MIG_STREAM_HDR_SIZE / 2, .rule = RULE_MIG_STREAM_SHORT },
		{ "flipped page byte", .flip_at = MIG_STREAM_HDR_SIZE + MIG_STREAM_REC_SIZE + 5, .flip = 0x40,
		  .write_err = -EFAULT, .rule = RULE_MIG_STREAM_CRC },
		{ "wrong magic", .flip_at = 0, .flip = 0xff, .write_err = -EFAULT,
		  .rule = RULE_MIG_STREAM_MAGIC },
		{ "wrong version", .flip_at = 4, .flip = 0x02, .write_err = -EFAULT,
		  .rule = RULE_MIG_STREAM_VERSION },
		{ "foreign device", .foreign = true, .write_err = -EFAULT, .rule = RULE_MIG_STREAM_DEVICE },
		{ "bad record type", .flip_at = MIG_STREAM_HDR_SIZE, .flip = 0x10, .write_err = -EFAULT,
		  .rule = RULE_MIG_STREAM_RECORD },
	};
	struct vfsim_dev *a = new_dev(0x1), *pristine = new_dev(0x1);
	struct tu_blob good, foreign;
	unsigned i;

	scribble(a);
	save_image(a, &good);
	{
		struct vfsim_profile p;
		struct vfsim_dev *f;

		test_profile(&p, 0x1);
		p.device_id = 0x4321;
		assert_int_equal(vfsim_dev_new(&p, &f), 0);
		save_image(f, &foreign);
		assert_int_equal(foreign.len, good.len);
		vfsim_dev_free(f);
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct damage *c = &cases[i];
		struct vfsim_dev *b = new_dev(0x1);
		uint8_t *img = malloc(good.len);
		size_t len = good.len;
		uint32_t sb;
		ssize_t last;

		assert_non_null(img);
		memcpy(img, c->foreign ? foreign.p : good.p, len);
		if (c->keep)
			len = c->keep;
		len -= c->cut;
		if (c->flip)
			img[c->flip_at] ^= c->flip;
		sb = tu_mig_set_ok(b->mig, RESUME);
		write_chunks(b, sb, img, len, &last);
		if (c->write_err) {
			if (last != c->write_err)
				fail_msg("%s: last write %zd", c->what, last);
			assert_int_equal(vfsim_last_rule(NULL), c->rule);
		} else {
			assert_true(last > 0);
		}
		vfsim_reject_clear();
		if (tu_mig_set(b->mig, STOP, NULL) != -EINVAL || vfsim_last_rule(NULL) != c->rule)
			fail_msg("%s: STOP rule %s", c->what, vfsim_rule_name(vfsim_last_rule(NULL)));
		assert_int_equal(mig_get_state(b->mig), RESUME);
		assert_same(b, pristine);	/* untouched */
		free(img);
		vfsim_dev_free(b);
	}
	free(good.p);
	free(foreign.p);
	vfsim_dev_free(a);
	vfsim_dev_free(pristine);
}

/* Past the end of the image, and past the cap with valid but repeated
 * records: ENOMEM, nothing consumed, device untouched. */
static void test_oversize(void **state)
{
	struct vfsim_dev *a = new_dev(0x1), *b = new_dev(0x1), *pristine = new_dev(0x1);
	const size_t rec = MIG_STREAM_REC_SIZE + MIG_STREAM_PAGE;
	struct tu_blob img;
	uint32_t sb;
	ssize_t last;
	unsigned guard;
	uint8_t extra = 0;

	scribble(a);
	save_image(a, &img);
	sb = tu_mig_set_ok(b->mig, RESUME);
	write_chunks(b, sb, img.p, img.len, &last);
	assert_true(last > 0);
	tu_expect_rule(tu_mig_write(b->mig, sb, &extra, 1), -ENOMEM, RULE_MIG_RESUME_OVERSIZE);
	assert_same(b, pristine);
	tu_mig_set_ok(b->mig, STOP);	/* the image itself was fine */
	assert_same(a, b);
	vfsim_dev_free(b);

	/* The first record after the header is a full page of BAR0. */
	b = new_dev(0x1);
	sb = tu_mig_set_ok(b->mig, RESUME);
	assert_int_equal(tu_mig_write(b->mig, sb, img.p, MIG_STREAM_HDR_SIZE), MIG_STREAM_HDR_SIZE);
	for (guard = 0; guard < 10000; guard++) {
		last = tu_mig_write(b->mig, sb, img.p + MIG_STREAM_HDR_SIZE, rec);
		if (last < 0)
			break;
		assert_int_equal(last, rec);
	}
	tu_expect_rule(last, -ENOMEM, RULE_MIG_RESUME_OVERSIZE);
	assert_true(guard * rec <= (uint64_t)img.len * MIG_RESUME_CAP_FACTOR);
	tu_expect_rule(tu_mig_set(b->mig, STOP, NULL), -EINVAL, RULE_MIG_STREAM_SHORT);
	assert_same(b, pristine);
	free(img.p);
	vfsim_dev_free(a);
	vfsim_dev_free(b);
	vfsim_dev_free(pristine);
}

/* A stream that ends without a page is refused even with a good CRC. */
static void test_incomplete_stream(void **state)
{
	struct vfsim_dev *a = new_dev(0x1), *b = new_dev(0x1), *pristine = new_dev(0x1);
	struct tu_blob img;
	uint8_t *cut;
	size_t rec = MIG_STREAM_REC_SIZE + MIG_STREAM_PAGE, len;
	uint32_t crc, sb;
	ssize_t last;

	scribble(a);
	save_image(a, &img);
	/* Drop the first page record and recompute the CRC over the rest. */
	len = img.len - rec;
	cut = malloc(len);
	assert_non_null(cut);
	memcpy(cut, img.p, MIG_STREAM_HDR_SIZE);
	memcpy(cut + MIG_STREAM_HDR_SIZE, img.p + MIG_STREAM_HDR_SIZE + rec, len - MIG_STREAM_HDR_SIZE);
	crc = crc32(0, cut, len - MIG_STREAM_REC_SIZE - 4);
	cut[len - 4] = crc;
	cut[len - 3] = crc >> 8;
	cut[len - 2] = crc >> 16;
	cut[len - 1] = crc >> 24;
	sb = tu_mig_set_ok(b->mig, RESUME);
	write_chunks(b, sb, cut, len, &last);
	assert_true(last > 0);
	tu_expect_rule(tu_mig_set(b->mig, RUN, NULL), -EINVAL, RULE_MIG_STREAM_INCOMPLETE);
	assert_int_equal(mig_get_state(b->mig), RESUME);
	assert_same(b, pristine);
	free(cut);
	free(img.p);
	vfsim_dev_free(a);
	vfsim_dev_free(b);
	vfsim_dev_free(pristine);
}

/* Device reset (vfsim_dev_reset) goes back to RUNNING and closes sessions. */
static void test_dev_reset(void **state)
{
	struct vfsim_dev *a = new_dev(0x7);
	uint8_t buf[4];
	uint32_t s;

	s = tu_mig_set_ok(a->mig, PREP2P);
	assert_int_equal(vfsim_dev_reset(a), 0);
	assert_int_equal(mig_get_state(a->mig), RUN);
	tu_expect_rule(tu_mig_read(a->mig, s, buf, sizeof(buf)), -ENODEV, RULE_MIG_SESSION_CLOSED);
	vfsim_dev_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_precopy),
		cmocka_unit_test(test_round_trip_stop_copy),
		cmocka_unit_test(test_damaged_streams),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_incomplete_stream),
		cmocka_unit_test(test_dev_reset),
	};

	return cmocka_run_group_tests_name("mig-stream", tests, NULL, NULL);
}
