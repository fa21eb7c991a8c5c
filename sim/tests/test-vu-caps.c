/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vu-caps.c: the VERSION capabilities JSON (digest §2.1-2.4) parsed,
 * refused and emitted, and the region-info capability chain walker and
 * checker (§3.5). Expected values come from the digest's tables and
 * examples: defaults 1 / 1 MiB / 65535 / 4096, max_msg_fds <= 1024, pgsizes
 * with the low 12 bits clear, the QEMU 10.1 and libvfio-user strings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "include/vfsim.h"
#include "rules.h"
#include "vu-wire.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void expect_rejected(int r, int err, int rule)
{
	int e = 0, got = vfsim_last_rule(&e);

	if (r != err || got != rule || e != err)
		fail_msg("got %d rule %s (errno %d), want %d rule %s", r, vfsim_rule_name(got), e, err,
			 vfsim_rule_name(rule));
}

/* ---- parse: accepted ----------------------------------------------------- */

/* A string literal with its NUL, as it travels in a VERSION payload. */
#define J(s) s, sizeof(s)

struct caps_ok {
	const char *what;
	const char *json;
	size_t len;
	uint32_t fds, xfer, maps;
	uint64_t pgsizes;
	bool twin;
	int32_t fd_index;
	bool wm, mig;
	uint64_t mig_pgsize;
};

#define DEF 1, 1048576, 65535, 4096, false, -1, false, false, 0

static const struct caps_ok caps_ok_rows[] = {
	{ "no JSON at all", NULL, 0, DEF },
	{ "empty object", J("{}"), DEF },
	{ "no capabilities key", J("{\"vendor\":{\"x\":1}}"), DEF },
	{ "empty capabilities", J("{\"capabilities\":{}}"), DEF },
	{ "whitespace around", J(" \n{ \"capabilities\" : { } }\t\r\n"), DEF },
	{ "unknown keys ignored (VN-10)", J("{\"capabilities\":{\"future_thing\":{},\"x\":[1,\"a\"]},\"y\":null}"), DEF },
	{ "QEMU 10.1 proposal (§2.3)",
	  J("{\"capabilities\":{\"migration\":{\"pgsize\":4096,\"max_bitmap_size\":268435456},"
	    "\"max_msg_fds\":16,\"max_data_xfer_size\":1048576,\"pgsizes\":4096,"
	    "\"max_dma_maps\":65535,\"write_multiple\":true}}"),
	  16, 1048576, 65535, 4096, false, -1, true, true, 4096 },
	{ "libvfio-user reply (§2.3)",
	  J("{\"capabilities\":{\"max_msg_fds\":8,\"max_data_xfer_size\":1048576,"
	    "\"migration\":{\"pgsize\":4096},\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}"),
	  8, 1048576, 65535, 4096, true, 0, false, true, 4096 },
	{ "max_msg_fds 0 and 1024 edges", J("{\"capabilities\":{\"max_msg_fds\":0}}"),
	  0, 1048576, 65535, 4096, false, -1, false, false, 0 },
	{ "max_msg_fds 1024", J("{\"capabilities\":{\"max_msg_fds\":1024}}"),
	  1024, 1048576, 65535, 4096, false, -1, false, false, 0 },
	{ "max_data_xfer_size 1", J("{\"capabilities\":{\"max_data_xfer_size\":1}}"),
	  1, 1, 65535, 4096, false, -1, false, false, 0 },
	{ "max_data_xfer_size 64 MiB kept", J("{\"capabilities\":{\"max_data_xfer_size\":67108864}}"),
	  1, 67108864, 65535, 4096, false, -1, false, false, 0 },
	{ "max_data_xfer_size 128 MiB clamped to 64 MiB", J("{\"capabilities\":{\"max_data_xfer_size\":134217728}}"),
	  1, 67108864, 65535, 4096, false, -1, false, false, 0 },
	{ "max_data_xfer_size 2^40 clamped", J("{\"capabilities\":{\"max_data_xfer_size\":1099511627776}}"),
	  1, 67108864, 65535, 4096, false, -1, false, false, 0 },
	{ "max_dma_maps 0 and 2^32-1", J("{\"capabilities\":{\"max_dma_maps\":0}}"),
	  1, 1048576, 0, 4096, false, -1, false, false, 0 },
	{ "max_dma_maps 2^32-1", J("{\"capabilities\":{\"max_dma_maps\":4294967295}}"),
	  1, 1048576, 4294967295u, 4096, false, -1, false, false, 0 },
	{ "pgsizes 4K|2M|1G", J("{\"capabilities\":{\"pgsizes\":1075843072}}"),
	  1, 1048576, 65535, 0x40201000ull, false, -1, false, false, 0 },
	{ "pgsizes above 2^63", J("{\"capabilities\":{\"pgsizes\":18446744069414584320}}"),
	  1, 1048576, 65535, 0xffffffff00000000ull, false, -1, false, false, 0 },
	{ "twin_socket unsupported", J("{\"capabilities\":{\"twin_socket\":{\"supported\":false}}}"), DEF },
	{ "twin_socket empty object", J("{\"capabilities\":{\"twin_socket\":{}}}"), DEF },
	{ "twin_socket offer without fd_index", J("{\"capabilities\":{\"twin_socket\":{\"supported\":true}}}"),
	  1, 1048576, 65535, 4096, true, -1, false, false, 0 },
	{ "write_multiple false", J("{\"capabilities\":{\"write_multiple\":false}}"), DEF },
	{ "migration without pgsize", J("{\"capabilities\":{\"migration\":{}}}"),
	  1, 1048576, 65535, 4096, false, -1, false, true, 0 },
	/* not JSON, but json-c (libvfio-user) and QEMU's parser both take it */
	{ "single-quoted keys", J("{'capabilities':{'max_msg_fds':4}}"),
	  4, 1048576, 65535, 4096, false, -1, false, false, 0 },
	{ "depth 8 exactly", J("{\"capabilities\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{}}}}}}}}"), DEF },
};

static void test_parse_ok(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(caps_ok_rows); i++) {
		const struct caps_ok *c = &caps_ok_rows[i];
		struct vu_caps caps;
		int r;

		memset(&caps, 0xa5, sizeof(caps));
		vfsim_reject_clear();
		r = vu_caps_parse(c->json, c->len, &caps);
		if (r != 0)
			fail_msg("%s: %d rule %s", c->what, r, vfsim_rule_name(vfsim_last_rule(NULL)));
		assert_int_equal(vfsim_last_rule(NULL), RULE_NONE);
		assert_int_equal(caps.max_msg_fds, c->fds);
		assert_int_equal(caps.max_data_xfer_size, c->xfer);
		assert_int_equal(caps.max_dma_maps, c->maps);
		assert_true(caps.pgsizes == c->pgsizes);
		assert_int_equal(caps.twin_socket, c->twin);
		assert_int_equal(caps.twin_fd_index, c->fd_index);
		assert_int_equal(caps.write_multiple, c->wm);
		assert_int_equal(caps.has_migration, c->mig);
		assert_true(caps.migration_pgsize == c->mig_pgsize);
	}
}

/* ---- parse: refused ------------------------------------------------------ */

struct caps_bad {
	const char *what;
	const char *json;
	size_t len;
	int rule;
};

#define CAP(s) J("{\"capabilities\":{" s "}}")

static const struct caps_bad caps_bad_rows[] = {
	/* framing (§2.1, VN-07) */
	{ "not NUL-terminated", "{}", 2, RULE_VU_CAPS_JSON_NUL },
	{ "one byte, not NUL", "{", 1, RULE_VU_CAPS_JSON_NUL },
	{ "NULL with a length", NULL, 3, RULE_VU_CAPS_JSON_NUL },
	{ "embedded NUL", J("{}\0{}"), RULE_VU_CAPS_JSON_EMBEDDED_NUL },
	{ "NUL then garbage", J("{}\0\xff"), RULE_VU_CAPS_JSON_EMBEDDED_NUL },
	/* syntax (VN-08) */
	{ "empty string", J(""), RULE_VU_CAPS_JSON_SYNTAX },
	{ "open brace", J("{"), RULE_VU_CAPS_JSON_SYNTAX },
	{ "lone quote", J("\""), RULE_VU_CAPS_JSON_SYNTAX },
	{ "garbage", J("hello"), RULE_VU_CAPS_JSON_SYNTAX },
	{ "trailing data", J("{} x"), RULE_VU_CAPS_JSON_SYNTAX },
	{ "two objects", J("{}{}"), RULE_VU_CAPS_JSON_SYNTAX },
	{ "trailing comma", J("{\"capabilities\":{},}"), RULE_VU_CAPS_JSON_SYNTAX },
	{ "invalid UTF-8", J("{\"\xff\xfe\":1}"), RULE_VU_CAPS_JSON_SYNTAX },
	{ "depth 9", J("{\"capabilities\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{}}}}}}}}}"),
	  RULE_VU_CAPS_JSON_DEPTH },
	{ "deep arrays", J("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"),
	  RULE_VU_CAPS_JSON_DEPTH },
	/* shape (§2.1: QEMU wants an object; capabilities an object) */
	{ "top-level array", J("[]"), RULE_VU_CAPS_TOP_OBJECT },
	{ "top-level number", J("42"), RULE_VU_CAPS_TOP_OBJECT },
	{ "top-level string", J("\"x\""), RULE_VU_CAPS_TOP_OBJECT },
	{ "top-level null", J("null"), RULE_VU_CAPS_TOP_OBJECT },
	{ "capabilities array", J("{\"capabilities\":[]}"), RULE_VU_CAPS_NOT_OBJECT },
	{ "capabilities number", J("{\"capabilities\":1}"), RULE_VU_CAPS_NOT_OBJECT },
	{ "capabilities null", J("{\"capabilities\":null}"), RULE_VU_CAPS_NOT_OBJECT },
	/* types (VN-09) */
	{ "max_msg_fds string", CAP("\"max_msg_fds\":\"x\""), RULE_VU_CAPS_TYPE },
	{ "max_msg_fds double", CAP("\"max_msg_fds\":1.5"), RULE_VU_CAPS_TYPE },
	{ "max_msg_fds bool", CAP("\"max_msg_fds\":true"), RULE_VU_CAPS_TYPE },
	{ "max_data_xfer_size string", CAP("\"max_data_xfer_size\":\"1048576\""), RULE_VU_CAPS_TYPE },
	{ "max_dma_maps object", CAP("\"max_dma_maps\":{}"), RULE_VU_CAPS_TYPE },
	{ "pgsizes null", CAP("\"pgsizes\":null"), RULE_VU_CAPS_TYPE },
	{ "twin_socket bool", CAP("\"twin_socket\":true"), RULE_VU_CAPS_TYPE },
	{ "twin supported number", CAP("\"twin_socket\":{\"supported\":1}"), RULE_VU_CAPS_TYPE },
	{ "twin fd_index string", CAP("\"twin_socket\":{\"supported\":true,\"fd_index\":\"0\"}"), RULE_VU_CAPS_TYPE },
	{ "write_multiple number", CAP("\"write_multiple\":1"), RULE_VU_CAPS_TYPE },
	{ "migration array", CAP("\"migration\":[]"), RULE_VU_CAPS_TYPE },
	{ "migration pgsize string", CAP("\"migration\":{\"pgsize\":\"4096\"}"), RULE_VU_CAPS_TYPE },
	/* ranges */
	{ "max_msg_fds -1", CAP("\"max_msg_fds\":-1"), RULE_VU_CAPS_MAX_MSG_FDS },
	{ "max_msg_fds 1025", CAP("\"max_msg_fds\":1025"), RULE_VU_CAPS_MAX_MSG_FDS },
	{ "max_msg_fds 2^64-1", CAP("\"max_msg_fds\":18446744073709551615"), RULE_VU_CAPS_MAX_MSG_FDS },
	{ "max_data_xfer_size 0", CAP("\"max_data_xfer_size\":0"), RULE_VU_CAPS_MAX_DATA_XFER },
	{ "max_data_xfer_size -4096", CAP("\"max_data_xfer_size\":-4096"), RULE_VU_CAPS_MAX_DATA_XFER },
	{ "max_dma_maps 2^32", CAP("\"max_dma_maps\":4294967296"), RULE_VU_CAPS_MAX_DMA_MAPS },
	{ "max_dma_maps -1", CAP("\"max_dma_maps\":-1"), RULE_VU_CAPS_MAX_DMA_MAPS },
	{ "pgsizes 0", CAP("\"pgsizes\":0"), RULE_VU_CAPS_PGSIZES },
	{ "pgsizes 2048", CAP("\"pgsizes\":2048"), RULE_VU_CAPS_PGSIZES },
	{ "pgsizes 4097", CAP("\"pgsizes\":4097"), RULE_VU_CAPS_PGSIZES },
	{ "pgsizes 6144 (bit 11)", CAP("\"pgsizes\":6144"), RULE_VU_CAPS_PGSIZES },
	{ "pgsizes -4096", CAP("\"pgsizes\":-4096"), RULE_VU_CAPS_PGSIZES },
	{ "fd_index -1", CAP("\"twin_socket\":{\"supported\":true,\"fd_index\":-1}"), RULE_VU_CAPS_TWIN_FD_INDEX },
	{ "fd_index 1024", CAP("\"twin_socket\":{\"supported\":true,\"fd_index\":1024}"), RULE_VU_CAPS_TWIN_FD_INDEX },
	{ "migration pgsize 0", CAP("\"migration\":{\"pgsize\":0}"), RULE_VU_CAPS_MIGRATION },
	{ "migration pgsize 3000", CAP("\"migration\":{\"pgsize\":3000}"), RULE_VU_CAPS_MIGRATION },
	{ "migration max_bitmap_size -1", CAP("\"migration\":{\"pgsize\":4096,\"max_bitmap_size\":-1}"),
	  RULE_VU_CAPS_MIGRATION },
	/* a bad key after good ones still refuses the whole message */
	{ "good keys then a bad one", CAP("\"max_msg_fds\":8,\"pgsizes\":4096,\"write_multiple\":\"yes\""),
	  RULE_VU_CAPS_TYPE },
};

static void test_parse_refused(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(caps_bad_rows); i++) {
		const struct caps_bad *c = &caps_bad_rows[i];
		struct vu_caps caps, before;
		int r;

		memset(&caps, 0x5a, sizeof(caps));
		before = caps;
		vfsim_reject_clear();
		r = vu_caps_parse(c->json, c->len, &caps);
		if (r != -EINVAL || vfsim_last_rule(NULL) != c->rule)
			fail_msg("%s: got %d rule %s, want -EINVAL rule %s", c->what, r,
				 vfsim_rule_name(vfsim_last_rule(NULL)), vfsim_rule_name(c->rule));
		/* a refused message leaves the caller's caps untouched */
		assert_memory_equal(&caps, &before, sizeof(caps));
	}
}

/* The JSON area may hold 4096 bytes including its NUL, not 4097. */
static void test_parse_length_bound(void **state)
{
	char *buf = malloc(VU_CAPS_JSON_MAX + 1);
	struct vu_caps caps;

	assert_non_null(buf);
	memset(buf, ' ', VU_CAPS_JSON_MAX + 1);
	buf[0] = '{';
	buf[VU_CAPS_JSON_MAX - 2] = '}';
	buf[VU_CAPS_JSON_MAX - 1] = '\0';
	assert_int_equal(vu_caps_parse(buf, 4096, &caps), 0);

	buf[VU_CAPS_JSON_MAX - 2] = ' ';
	buf[VU_CAPS_JSON_MAX - 1] = '}';
	buf[VU_CAPS_JSON_MAX] = '\0';
	vfsim_reject_clear();
	expect_rejected(vu_caps_parse(buf, 4097, &caps), -EINVAL, RULE_VU_CAPS_JSON_SIZE);
	free(buf);
}

/* ---- emit ---------------------------------------------------------------- */

static void test_emit_default(void **state)
{
	static const char want[] = "{\"capabilities\":{\"max_msg_fds\":1,\"max_data_xfer_size\":1048576,"
				   "\"max_dma_maps\":65535,\"pgsizes\":4096}}";
	struct vu_caps caps;
	char buf[512];

	vu_caps_default(&caps);
	assert_int_equal(vu_caps_emit(&caps, buf, sizeof(buf)), (int)sizeof(want));
	assert_string_equal(buf, want);
}

static void test_emit_full(void **state)
{
	static const char want[] = "{\"capabilities\":{\"max_msg_fds\":8,\"max_data_xfer_size\":65536,"
				   "\"max_dma_maps\":128,\"pgsizes\":1075843072,\"write_multiple\":true,"
				   "\"twin_socket\":{\"supported\":true,\"fd_index\":0},"
				   "\"migration\":{\"pgsize\":4096}}}";
	struct vu_caps caps, back;
	char buf[512];

	vu_caps_default(&caps);
	caps.max_msg_fds = 8;
	caps.max_data_xfer_size = 65536;
	caps.max_dma_maps = 128;
	caps.pgsizes = 0x40201000;
	caps.write_multiple = true;
	caps.twin_socket = true;
	caps.twin_fd_index = 0;
	caps.has_migration = true;
	caps.migration_pgsize = 4096;
	assert_int_equal(vu_caps_emit(&caps, buf, sizeof(buf)), (int)sizeof(want));
	assert_string_equal(buf, want);
	/* and what we send parses back to what we meant */
	assert_int_equal(vu_caps_parse(buf, sizeof(want), &back), 0);
	assert_memory_equal(&back, &caps, sizeof(caps));
}

/* A client offers the twin socket without an index (§2.4). */
static void test_emit_twin_offer(void **state)
{
	static const char want[] = "{\"capabilities\":{\"max_msg_fds\":1,\"max_data_xfer_size\":1048576,"
				   "\"max_dma_maps\":65535,\"pgsizes\":4096,\"twin_socket\":{\"supported\":true}}}";
	struct vu_caps caps;
	char buf[512];

	vu_caps_default(&caps);
	caps.twin_socket = true;
	assert_int_equal(vu_caps_emit(&caps, buf, sizeof(buf)), (int)sizeof(want));
	assert_string_equal(buf, want);
}

/* A legacy "migration" object without pgsize is accepted; emitting it must
 * not invent the refused pgsize 0 (found by fuzz-json,
 * fixtures/regress/json/caps-migration-without-pgsize). */
static void test_emit_migration_without_pgsize(void **state)
{
	static const char in[] = "{\"capabilities\":{\"migration\":{}}}";
	struct vu_caps a, b;
	char buf[512];
	int n;

	assert_int_equal(vu_caps_parse(in, sizeof(in), &a), 0);
	assert_true(a.has_migration);
	assert_int_equal(a.migration_pgsize, 0);
	n = vu_caps_emit(&a, buf, sizeof(buf));
	assert_true(n > 0);
	assert_null(strstr(buf, "\"pgsize\":0"));
	assert_int_equal(vu_caps_parse(buf, (size_t)n, &b), 0);
	assert_true(b.has_migration);
}

static void test_emit_space(void **state)
{
	static const char want[] = "{\"capabilities\":{\"max_msg_fds\":1,\"max_data_xfer_size\":1048576,"
				   "\"max_dma_maps\":65535,\"pgsizes\":4096}}";
	struct vu_caps caps;
	char buf[sizeof(want)];

	vu_caps_default(&caps);
	vfsim_reject_clear();
	expect_rejected(vu_caps_emit(&caps, buf, sizeof(want) - 1), -ENOSPC, RULE_VU_CAPS_EMIT_SPACE);
	assert_int_equal(vu_caps_emit(&caps, buf, sizeof(want)), (int)sizeof(want));
	assert_string_equal(buf, want);
}

/* ---- region-info capability chain ------------------------------------------ */

struct walk_log {
	unsigned n;
	uint32_t off[8], len[8];
	uint16_t id[8];
	int stop_at;		/* return -ECANCELED on this visit (1-based), 0 never */
};

static int walk_fn(void *opaque, const struct vu_cap_hdr *cap, uint32_t off, uint32_t caplen)
{
	struct walk_log *l = opaque;

	if (l->n < 8) {
		l->off[l->n] = off;
		l->len[l->n] = caplen;
		l->id[l->n] = cap->id;
	}
	l->n++;
	return l->stop_at && (int)l->n == l->stop_at ? -ECANCELED : 0;
}

static void put_cap(uint8_t *buf, uint32_t off, uint16_t id, uint16_t ver, uint32_t next)
{
	struct vu_cap_hdr h = { id, ver, next };

	memcpy(buf + off, &h, sizeof(h));
}

struct walk_case {
	const char *what;
	struct { uint32_t off, next; } caps[6];
	unsigned ncaps;
	uint32_t len, first;
	unsigned hops;
	int ret, rule;
	unsigned visits;
	uint32_t voff[4], vlen[4];
};

static const struct walk_case walk_rows[] = {
	{ "no chain", { { 0 } }, 0, 64, 0, 8, 0, 0, 0, { 0 }, { 0 } },
	{ "one cap to the end", { { 32, 0 } }, 1, 48, 32, 8, 1, 0, 1, { 32 }, { 16 } },
	{ "three caps", { { 32, 40 }, { 40, 56 }, { 56, 0 } }, 3, 64, 32, 8, 3, 0, 3, { 32, 40, 56 }, { 8, 16, 8 } },
	{ "hop budget exactly met", { { 8, 16 }, { 16, 24 }, { 24, 32 }, { 32, 0 } }, 4, 40, 8, 4, 4, 0, 4,
	  { 8, 16, 24, 32 }, { 8, 8, 8, 8 } },
	{ "too many hops", { { 8, 16 }, { 16, 24 }, { 24, 32 }, { 32, 40 }, { 40, 0 } }, 5, 48, 8, 4,
	  -EINVAL, RULE_VU_CAPS_WALK_HOPS, 4, { 8, 16, 24, 32 }, { 8, 8, 8, 8 } },
	{ "backward next", { { 32, 48 }, { 48, 32 } }, 2, 64, 32, 8, -EINVAL, RULE_VU_CAPS_WALK_BACKWARD, 1,
	  { 32 }, { 16 } },
	{ "self loop", { { 32, 32 } }, 1, 64, 32, 8, -EINVAL, RULE_VU_CAPS_WALK_SELF, 0, { 0 }, { 0 } },
	{ "next inside the header", { { 32, 36 } }, 1, 64, 32, 8, -EINVAL, RULE_VU_CAPS_WALK_OVERLAP, 0, { 0 },
	  { 0 } },
	{ "first beyond the buffer", { { 0 } }, 0, 64, 64, 8, -EINVAL, RULE_VU_CAPS_WALK_BOUNDS, 0, { 0 }, { 0 } },
	{ "header crosses the end", { { 0 } }, 0, 64, 60, 8, -EINVAL, RULE_VU_CAPS_WALK_BOUNDS, 0, { 0 }, { 0 } },
	{ "first near 2^32", { { 0 } }, 0, 64, 0xfffffffcu, 8, -EINVAL, RULE_VU_CAPS_WALK_BOUNDS, 0, { 0 }, { 0 } },
	{ "next beyond the buffer", { { 32, 100 } }, 1, 64, 32, 8, -EINVAL, RULE_VU_CAPS_WALK_BOUNDS, 0, { 0 },
	  { 0 } },
	{ "next header crosses the end", { { 32, 60 } }, 1, 64, 32, 8, -EINVAL, RULE_VU_CAPS_WALK_BOUNDS, 1, { 32 },
	  { 28 } },
	{ "misaligned first", { { 0 } }, 0, 64, 34, 8, -EINVAL, RULE_VU_CAPS_WALK_ALIGN, 0, { 0 }, { 0 } },
	{ "misaligned next", { { 32, 42 } }, 1, 64, 32, 8, -EINVAL, RULE_VU_CAPS_WALK_ALIGN, 1, { 32 }, { 10 } },
	{ "4-aligned next accepted", { { 32, 44 }, { 44, 0 } }, 2, 64, 32, 8, 2, 0, 2, { 32, 44 }, { 12, 20 } },
};

static void test_walk(void **state)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(walk_rows); i++) {
		const struct walk_case *w = &walk_rows[i];
		struct walk_log log = { 0 };
		uint8_t buf[128] = { 0 };
		int r;

		for (j = 0; j < w->ncaps; j++)
			put_cap(buf, w->caps[j].off, (uint16_t)(100 + j), 1, w->caps[j].next);
		vfsim_reject_clear();
		r = vu_caps_walk(buf, w->len, w->first, w->hops, walk_fn, &log);
		if (r != w->ret || vfsim_last_rule(NULL) != w->rule)
			fail_msg("%s: got %d rule %s, want %d rule %s", w->what, r,
				 vfsim_rule_name(vfsim_last_rule(NULL)), w->ret, vfsim_rule_name(w->rule));
		assert_int_equal(log.n, w->visits);
		for (j = 0; j < w->visits && j < 4; j++) {
			assert_int_equal(log.off[j], w->voff[j]);
			assert_int_equal(log.len[j], w->vlen[j]);
		}
	}
}

static void test_walk_callback_stops(void **state)
{
	struct walk_log log = { .stop_at = 2 };
	uint8_t buf[64] = { 0 };

	put_cap(buf, 8, 1, 1, 16);
	put_cap(buf, 16, 2, 1, 24);
	put_cap(buf, 24, 3, 1, 0);
	assert_int_equal(vu_caps_walk(buf, 32, 8, 8, walk_fn, &log), -ECANCELED);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.id[1], 2);
	/* without a callback the walk only counts */
	assert_int_equal(vu_caps_walk(buf, 32, 8, 8, NULL, NULL), 3);
}

/* A region info (32 bytes) followed by its chain. */
static size_t put_sparse(uint8_t *buf, uint32_t off, uint32_t next, uint16_t ver, uint32_t nr,
			 const uint64_t (*areas)[2], unsigned nareas)
{
	put_cap(buf, off, VU_CAP_SPARSE_MMAP, ver, next);
	memcpy(buf + off + 8, &nr, 4);
	memset(buf + off + 12, 0, 4);
	memcpy(buf + off + 16, areas, nareas * 16);
	return off + 16 + nareas * 16;
}

static void test_region_caps(void **state)
{
	static const uint64_t two[2][2] = { { 0, 0x1000 }, { 0x3000, 0x1000 } };
	static const uint64_t outside[1][2] = { { 0x3000, 0x1001 } };
	static const uint64_t wraps[1][2] = { { 0x1000, UINT64_MAX } };
	uint8_t buf[256];
	uint32_t t[2] = { 0x80008086u, 1 };
	size_t len;

	/* sparse (2 areas inside a 16 KiB region) then TYPE then MSIX_MAPPABLE */
	memset(buf, 0, sizeof(buf));
	put_sparse(buf, 32, 80, 1, 2, two, 2);
	put_cap(buf, 80, VU_CAP_TYPE, 1, 96);
	memcpy(buf + 88, t, sizeof(t));
	put_cap(buf, 96, VU_CAP_MSIX_MAPPABLE, 1, 104);
	put_cap(buf, 104, 99, 7, 0);	/* unknown id and version: tolerated */
	assert_int_equal(vu_check_region_caps(buf, 112, 32, 0x4000), 4);

	/* nr_areas claims more than the cap holds */
	memset(buf, 0, sizeof(buf));
	len = put_sparse(buf, 32, 0, 1, 3, two, 2);
	vfsim_reject_clear();
	expect_rejected(vu_check_region_caps(buf, (uint32_t)len, 32, 0x4000), -EINVAL, RULE_VU_CAP_SPARSE_SIZE);
	/* nr_areas near 2^32 must not wrap the size computation */
	len = put_sparse(buf, 32, 0, 1, 0xffffffffu, two, 2);
	expect_rejected(vu_check_region_caps(buf, (uint32_t)len, 32, 0x4000), -EINVAL, RULE_VU_CAP_SPARSE_SIZE);
	/* a cap too short for nr_areas itself */
	put_cap(buf, 32, VU_CAP_SPARSE_MMAP, 1, 40);
	put_cap(buf, 40, 99, 1, 0);
	expect_rejected(vu_check_region_caps(buf, 48, 32, 0x4000), -EINVAL, RULE_VU_CAP_SPARSE_SIZE);

	/* an area beyond the region, and one whose end wraps */
	len = put_sparse(buf, 32, 0, 1, 1, outside, 1);
	expect_rejected(vu_check_region_caps(buf, (uint32_t)len, 32, 0x4000), -EINVAL, RULE_VU_CAP_SPARSE_AREA);
	len = put_sparse(buf, 32, 0, 1, 1, wraps, 1);
	expect_rejected(vu_check_region_caps(buf, (uint32_t)len, 32, 0x4000), -EINVAL, RULE_VU_CAP_SPARSE_AREA);

	/* known id, version 2 */
	len = put_sparse(buf, 32, 0, 2, 1, two, 1);
	expect_rejected(vu_check_region_caps(buf, (uint32_t)len, 32, 0x4000), -EINVAL, RULE_VU_CAP_VERSION);

	/* TYPE cap cut to its header */
	memset(buf, 0, sizeof(buf));
	put_cap(buf, 32, VU_CAP_TYPE, 1, 40);
	put_cap(buf, 40, VU_CAP_MSIX_MAPPABLE, 1, 0);
	expect_rejected(vu_check_region_caps(buf, 48, 32, 0x4000), -EINVAL, RULE_VU_CAP_TYPE_SIZE);

	/* a chain longer than VU_CAP_MAX_HOPS (32) */
	{
		uint8_t big[8 * 40];
		uint32_t i;

		for (i = 0; i < 40; i++)
			put_cap(big, i * 8, 99, 1, i == 39 ? 0 : (i + 1) * 8);
		expect_rejected(vu_check_region_caps(big, sizeof(big), 8, 0), -EINVAL, RULE_VU_CAPS_WALK_HOPS);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_parse_length_bound),
		cmocka_unit_test(test_emit_default),
		cmocka_unit_test(test_emit_full),
		cmocka_unit_test(test_emit_twin_offer),
		cmocka_unit_test(test_emit_migration_without_pgsize),
		cmocka_unit_test(test_emit_space),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_walk_callback_stops),
		cmocka_unit_test(test_region_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
