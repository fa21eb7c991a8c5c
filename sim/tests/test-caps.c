/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * caps.c: chains are built in order with zeroed caps rounded to 8 bytes
 * (packed ones unrounded, as Linux 6.1's vfio_info_cap_add), the builder
 * refuses to pass CAPS_MAX, and copying shifts every 'next' by the fixed
 * struct size while the last stays 0 (vfio_info_cap_shift).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "caps.h"
#include "vfio-compat.h"

static struct vfio_info_cap_header hdr_at(const uint8_t *p)
{
	struct vfio_info_cap_header h;

	memcpy(&h, p, sizeof(h));
	return h;
}

static void test_init_empty(void **state)
{
	struct capbuf cb;

	memset(&cb, 0xee, sizeof(cb));
	caps_init(&cb);
	assert_int_equal(cb.len, 0);
	assert_int_equal(cb.count, 0);
}

/* Sizes 12, 8, 20 round to 16, 8, 24: caps at 0, 16, 24; len 48. */
static void test_add_rounds_links_and_zeroes(void **state)
{
	static const struct {
		uint16_t id, version;
		size_t size;
		size_t off, next;	/* expected offset and 'next' relative to buf[0] */
	} rows[] = {
		{ 3, 1, 12, 0, 16 },
		{ 1, 2, 8, 16, 24 },
		{ 2, 1, 20, 24, 0 },
	};
	struct capbuf cb;
	size_t i, j;

	memset(&cb, 0xff, sizeof(cb));	/* stale bytes must not leak into caps */
	caps_init(&cb);
	for (i = 0; i < 3; i++) {
		uint8_t *p = caps_add(&cb, rows[i].id, rows[i].version, rows[i].size);

		assert_ptr_equal(p, cb.buf + rows[i].off);
		size_t rounded = (rows[i].size + 7) & ~(size_t)7;

		for (j = sizeof(struct vfio_info_cap_header); j < rounded; j++)
			assert_int_equal(p[j], 0);
		memset(p + sizeof(struct vfio_info_cap_header), 0xa5, rows[i].size - 8);
	}
	assert_int_equal(cb.len, 48);
	assert_int_equal(cb.count, 3);
	for (i = 0; i < 3; i++) {
		struct vfio_info_cap_header h = hdr_at(cb.buf + rows[i].off);

		assert_int_equal(h.id, rows[i].id);
		assert_int_equal(h.version, rows[i].version);
		assert_int_equal(h.next, rows[i].next);
	}
	/* padding after the 12-byte cap stays zero */
	assert_int_equal(cb.buf[12], 0);
	assert_int_equal(cb.buf[15], 0);
}

/* The type1 chain of 6.1: MIGRATION 32, DMA_AVAIL 12, IOVA_RANGE 48 at 0, 32, 44. */
static void test_add_packed(void **state)
{
	struct capbuf cb;

	caps_init(&cb);
	assert_ptr_equal(caps_add_packed(&cb, 2, 1, 32), cb.buf);
	assert_ptr_equal(caps_add_packed(&cb, 3, 1, 12), cb.buf + 32);
	assert_ptr_equal(caps_add_packed(&cb, 1, 1, 48), cb.buf + 44);
	assert_int_equal(cb.len, 92);
	assert_int_equal(hdr_at(cb.buf).next, 32);
	assert_int_equal(hdr_at(cb.buf + 32).next, 44);
	assert_int_equal(hdr_at(cb.buf + 44).next, 0);
}

static void test_add_bounds(void **state)
{
	struct capbuf cb;

	caps_init(&cb);
	assert_null(caps_add(&cb, 1, 1, 4));		/* smaller than a header */
	assert_null(caps_add(&cb, 1, 1, CAPS_MAX + 1));
	assert_null(caps_add(&cb, 1, 1, SIZE_MAX));
	assert_int_equal(cb.count, 0);
	assert_non_null(caps_add(&cb, 1, 1, CAPS_MAX - 8));
	assert_non_null(caps_add(&cb, 2, 1, 8));
	assert_int_equal(cb.len, CAPS_MAX);
	assert_null(caps_add(&cb, 3, 1, 8));
	assert_null(caps_add_packed(&cb, 3, 1, 8));
	assert_int_equal(cb.count, 2);
	assert_int_equal(cb.len, CAPS_MAX);
	assert_int_equal(hdr_at(cb.buf + CAPS_MAX - 8).next, 0);
}

static void test_copy_shifted(void **state)
{
	uint8_t dst[1 + 24 + 64];
	struct capbuf cb;
	uint8_t *p;

	caps_init(&cb);
	p = caps_add(&cb, 2, 1, 16);
	memset(p + 8, 0x11, 8);
	p = caps_add_packed(&cb, 3, 1, 12);
	memset(p + 8, 0x22, 4);
	p = caps_add(&cb, 1, 1, 16);
	memset(p + 8, 0x33, 8);
	assert_int_equal(cb.len, 44);

	/* a misaligned destination: the chain goes into a caller's buffer */
	memset(dst, 0x5a, sizeof(dst));
	caps_copy_shifted(&cb, dst + 1, 24);
	assert_int_equal(hdr_at(dst + 1).id, 2);
	assert_int_equal(hdr_at(dst + 1).next, 24 + 16);
	assert_int_equal(hdr_at(dst + 1 + 16).id, 3);
	assert_int_equal(hdr_at(dst + 1 + 16).next, 24 + 28);
	assert_int_equal(hdr_at(dst + 1 + 28).id, 1);
	assert_int_equal(hdr_at(dst + 1 + 28).next, 0);
	assert_int_equal(dst[1 + 8], 0x11);
	assert_int_equal(dst[1 + 16 + 8], 0x22);
	assert_int_equal(dst[1 + 28 + 15], 0x33);
	assert_int_equal(dst[0], 0x5a);
	assert_int_equal(dst[1 + 44], 0x5a);
	/* the source chain keeps offsets relative to buf[0] */
	assert_int_equal(hdr_at(cb.buf).next, 16);
}

static void test_copy_empty(void **state)
{
	uint8_t dst[8];
	struct capbuf cb;

	caps_init(&cb);
	memset(dst, 0x5a, sizeof(dst));
	caps_copy_shifted(&cb, dst, 24);
	assert_int_equal(dst[0], 0x5a);
	assert_int_equal(dst[7], 0x5a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty),
		cmocka_unit_test(test_add_rounds_links_and_zeroes),
		cmocka_unit_test(test_add_packed),
		cmocka_unit_test(test_add_bounds),
		cmocka_unit_test(test_copy_shifted),
		cmocka_unit_test(test_copy_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
