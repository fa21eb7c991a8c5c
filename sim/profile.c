/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The profile loader: a JSON device description (fixtures/devices/) checked
 * key by key and turned into struct vfsim_profile. Every other module trusts
 * the result, so everything a device model relies on is checked here once:
 * nothing a profile says can make the model read out of bounds, allocate
 * without bound or build a device a real PCI function could not be.
 *
 * The checks that span more than one value live in profile-check.c.
 *
 * Schema. Numbers are JSON integers or strings "0x" + 1..16 hex digits.
 * Keys not listed are rejected (a typo must not silently mean "absent").
 *
 *   name              string, 1-63 of [A-Za-z0-9._-]                 required
 *   vendor_id         u16, not 0x0000/0xffff                           required
 *   device_id         u16                                              required
 *   subsys_vendor_id, subsys_id   u16                                  default 0
 *   revision          u8                                               default 0
 *   class_code        u24 (base class, subclass, prog-if)              required
 *   pcie, pm          bool: PCIe capability (4 KiB config space, ERR IRQ), PM capability
 *   intx_pin          "INTA".."INTD" | "none"                          default none
 *   msi               { vectors: 1,2,4..32 (required), 64bit: bool, maskable: bool }
 *   msix              { vectors: 1..2048, bar: 0..5, table_offset, pba_offset }  all required;
 *                     table 16 B/vector, PBA 8 B per 64 vectors, QWORD aligned, inside
 *                     the memory BAR, disjoint; no mmap-able area may cover a table page
 *   bars              [ { index: 0..5 (required), size (required), type: "mem"|"io" (default mem),
 *                         64bit, prefetchable, mmap: bool,
 *                         sparse: [ { offset, size } ] (at most VFSIM_MAX_SPARSE),
 *                         ioeventfds: [ { offset, size, datamatch } ] (at most VFSIM_MAX_IOEVENTFDS) } ]
 *                     size a power of two: mem 16 B..1 GiB (mmap: >= 4 KiB), io 4..256 B;
 *                     a 64-bit BAR also takes the next slot (so not BAR5); io BARs are
 *                     never 64-bit, prefetchable or mmap; sparse areas need mmap, are
 *                     page aligned, nonzero, inside the BAR and disjoint; mmap without
 *                     sparse makes the whole BAR mappable (so an empty list is refused);
 *                     ioeventfds (registers a vfio-user client may signal through an
 *                     eventfd, GET_REGION_IO_FDS): size 1, 2, 4 or 8, offset a multiple
 *                     of it, inside the BAR, disjoint, clear of the MSI-X table and PBA
 *                     and of the engine's block; datamatch (optional) fits in size bytes
 *   rom_size          power of two, 2 KiB..16 MiB                      default 0 (no ROM)
 *   vga               bool: VGA region (class 0x0300xx only)
 *   reset, low_power, dma_logging   bool
 *   migration         { stop_copy, p2p, pre_copy: bool } -> VFIO_MIGRATION_*; p2p or
 *                     pre_copy need stop_copy
 *   engine            { bar, offset, irq: { index: "intx"|"msi"|"msix", vector (default 0) } }
 *                     0x40-byte register block (engine.h), QWORD aligned, in a memory BAR,
 *                     not mmap-able, clear of the MSI-X table and PBA; the IRQ must exist
 *   regions           [ { type: u32, subtype: u32, size (all required), read, write, mmap } ]
 *                     at most VFSIM_MAX_DEV_REGIONS; size 1 B..1 GiB, a page multiple if mmap
 *
 * Errors read "FILE: key.path: what is wrong (value)" and every rejection is
 * a PROFILE_* rule. Bounds: files over 1 MiB are refused before parsing and
 * the tokener's nesting depth is capped just above what the schema needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "profile-int.h"
#include "vfio-compat.h"

#define PROFILE_MAX_FILE (1u << 20)
#define PROFILE_MAX_DEPTH 8		/* the schema nests 5 deep: {bars:[{sparse:[{}]}]}, ioeventfds alike */

/*
 * Config space fits by construction: the header plus the largest form of
 * every capability the cfg module can build (PM 8, MSI 64-bit maskable 24,
 * MSI-X 12, PCIe v2 60) stays inside 256 bytes, so no profile can overflow
 * conventional config space and PCIe only adds room (4 KiB).
 */
_Static_assert(0x40 + 8 + 24 + 12 + 60 <= 256, "capability list must fit conventional config space");

struct prof_key;
typedef int (*prof_check_fn)(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst);

/* One key of a JSON object: its parser writes at dst + off; numbers are
 * stored in @size bytes and may not exceed @max. */
struct prof_key {
	const char *name;
	prof_check_fn check;
	size_t off;
	bool required;
	uint64_t max;
	size_t size;
};

__attribute__((format(printf, 4, 5)))
int prof_fail(struct prof_ctx *c, enum vfsim_rule rule, int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (c->err && c->errlen) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		if (c->plen)
			snprintf(c->err, c->errlen, "%s: %s: %s", c->file, c->path, msg);
		else
			snprintf(c->err, c->errlen, "%s: %s", c->file, msg);
	}
	return vfsim_reject(rule, err);
}

/* Append to the key path; returns the length to restore with prof_pop. */
__attribute__((format(printf, 2, 3)))
size_t prof_push(struct prof_ctx *c, const char *fmt, ...)
{
	size_t mark = c->plen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->path + c->plen, sizeof(c->path) - c->plen, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->plen += (size_t)n < sizeof(c->path) - c->plen ? (size_t)n : sizeof(c->path) - 1 - c->plen;
	return mark;
}

void prof_pop(struct prof_ctx *c, size_t mark)
{
	c->plen = mark;
	c->path[mark] = '\0';
}

size_t prof_push_key(struct prof_ctx *c, const char *key)
{
	return c->plen ? prof_push(c, ".%.40s", key) : prof_push(c, "%.40s", key);
}

/* The offending JSON value, short enough for a one-line message. */
static const char *prof_show(struct json_object *v, char *buf, size_t len)
{
	const char *s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);

	if (strlen(s) < 40)
		snprintf(buf, len, "%s", s);
	else
		snprintf(buf, len, "%.36s...", s);
	return buf;
}

static int prof_type_fail(struct prof_ctx *c, struct json_object *v, const char *want)
{
	char b[48];

	return prof_fail(c, RULE_PROFILE_TYPE, -EINVAL, "expected %s (%s)", want, prof_show(v, b, sizeof(b)));
}

/* ---- scalar parsers ------------------------------------------------------- */

static int prof_number(struct prof_ctx *c, struct json_object *v, uint64_t max, uint64_t *ret)
{
	char b[48];
	uint64_t x = 0;

	if (json_object_is_type(v, json_type_int)) {
		if (json_object_get_int64(v) < 0)
			return prof_fail(c, RULE_PROFILE_RANGE, -EINVAL, "negative (%s)", prof_show(v, b, sizeof(b)));
		x = json_object_get_uint64(v);
	} else if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		size_t n = (size_t)json_object_get_string_len(v);

		/* strtoull alone would take signs, spaces and a trailing mess */
		if (n < 3 || n > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
		    strspn(s + 2, "0123456789abcdefABCDEF") != n - 2)
			return prof_fail(c, RULE_PROFILE_NUMBER, -EINVAL, "not a \"0x\" hex number (%s)",
					 prof_show(v, b, sizeof(b)));
		x = strtoull(s + 2, NULL, 16);
	} else {
		return prof_type_fail(c, v, "an integer or a \"0x\" hex string");
	}
	if (x > max)
		return prof_fail(c, RULE_PROFILE_RANGE, -EINVAL, "out of range (0x%llx, at most 0x%llx)",
				 (unsigned long long)x, (unsigned long long)max);
	*ret = x;
	return 0;
}

static int prof_num(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	uint64_t x = 0;
	int r = prof_number(c, v, k->max, &x);

	if (r < 0)
		return r;
	if (k->size == 1)
		*(uint8_t *)dst = (uint8_t)x;
	else if (k->size == 2)
		*(uint16_t *)dst = (uint16_t)x;
	else if (k->size == 4)
		*(uint32_t *)dst = (uint32_t)x;
	else
		*(uint64_t *)dst = x;
	return 0;
}

static int prof_bool(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	if (!json_object_is_type(v, json_type_boolean))
		return prof_type_fail(c, v, "true or false");
	*(bool *)dst = json_object_get_boolean(v);
	return 0;
}

static int prof_name(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	char b[48];
	const char *s;
	size_t n, i;

	if (!json_object_is_type(v, json_type_string))
		return prof_type_fail(c, v, "a string");
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (n == 0 || n >= sizeof(((struct vfsim_profile *)0)->name))
		return prof_fail(c, RULE_PROFILE_NAME, -EINVAL, "must be 1-63 characters (%zu)", n);
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '.' || ch == '_' || ch == '-'))
			return prof_fail(c, RULE_PROFILE_NAME, -EINVAL, "only [A-Za-z0-9._-] allowed (%s)",
					 prof_show(v, b, sizeof(b)));
	}
	memcpy(dst, s, n + 1);
	return 0;
}

/* A string that must be one of @names; stores its position through @ret. */
static int prof_enum(struct prof_ctx *c, struct json_object *v, const char *const *names, unsigned n,
		     enum vfsim_rule rule, const char *want, unsigned *ret)
{
	char b[48];
	unsigned i;

	if (!json_object_is_type(v, json_type_string))
		return prof_type_fail(c, v, want);
	for (i = 0; i < n; i++) {
		if (!strcmp(json_object_get_string(v), names[i])) {
			*ret = i;
			return 0;
		}
	}
	return prof_fail(c, rule, -EINVAL, "expected %s (%s)", want, prof_show(v, b, sizeof(b)));
}

static int prof_pin(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	static const char *const pins[] = { "none", "INTA", "INTB", "INTC", "INTD" };
	unsigned i;
	int r = prof_enum(c, v, pins, 5, RULE_PROFILE_INTX_PIN, "INTA, INTB, INTC, INTD or none", &i);

	if (r == 0)
		*(uint8_t *)dst = (uint8_t)i;
	return r;
}

static int prof_bar_type(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	static const char *const types[] = { "mem", "io" };
	unsigned i;
	int r = prof_enum(c, v, types, 2, RULE_PROFILE_BAR_TYPE, "\"mem\" or \"io\"", &i);

	if (r == 0)
		*(bool *)dst = i == 1;
	return r;
}

static int prof_irq_index(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	static const char *const idx[] = {
		[VFIO_PCI_INTX_IRQ_INDEX] = "intx",
		[VFIO_PCI_MSI_IRQ_INDEX] = "msi",
		[VFIO_PCI_MSIX_IRQ_INDEX] = "msix",
	};

	return prof_enum(c, v, idx, 3, RULE_PROFILE_ENGINE_IRQ, "\"intx\", \"msi\" or \"msix\"", dst);
}

/* ---- objects and arrays ----------------------------------------------------- */

static int prof_object(struct prof_ctx *c, struct json_object *o, const struct prof_key *keys, size_t nkeys,
		       void *dst)
{
	size_t i, mark;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return prof_type_fail(c, o, "an object");
	json_object_object_foreach(o, key, val) {
		(void)val;
		for (i = 0; i < nkeys && strcmp(keys[i].name, key); i++)
			;
		if (i == nkeys) {
			prof_push_key(c, key);
			return prof_fail(c, RULE_PROFILE_UNKNOWN_KEY, -EINVAL, "unknown key");
		}
	}
	for (i = 0; i < nkeys; i++) {
		struct json_object *v;

		mark = prof_push_key(c, keys[i].name);
		if (json_object_object_get_ex(o, keys[i].name, &v)) {
			r = keys[i].check(c, &keys[i], v, (char *)dst + keys[i].off);
			if (r < 0)
				return r;
		} else if (keys[i].required) {
			return prof_fail(c, RULE_PROFILE_MISSING_KEY, -EINVAL, "missing");
		}
		prof_pop(c, mark);
	}
	return 0;
}

/* An array of at most @max elements, each parsed by @each into element i. */
static int prof_array(struct prof_ctx *c, struct json_object *v, size_t max, enum vfsim_rule rule,
		      const char *what, int (*each)(struct prof_ctx *, struct json_object *, void *, size_t),
		      void *dst)
{
	size_t n, i, mark;
	int r;

	if (!json_object_is_type(v, json_type_array))
		return prof_type_fail(c, v, "an array");
	n = json_object_array_length(v);
	if (n > max)
		return prof_fail(c, rule, -EINVAL, "too many %s (%zu, at most %zu)", what, n, max);
	for (i = 0; i < n; i++) {
		mark = prof_push(c, "[%zu]", i);
		r = each(c, json_object_array_get_idx(v, i), dst, i);
		if (r < 0)
			return r;
		prof_pop(c, mark);
	}
	return 0;
}

#define KEY(n, fn, type, field, req) { n, fn, offsetof(type, field), req, 0, 0 }
/* A number: the field's width, and a bound below it where the field is wider than the value. */
#define NUM(n, type, field, mx, req) { n, prof_num, offsetof(type, field), req, mx, sizeof(((type *)0)->field) }
/* A key whose parser takes the whole destination struct. */
#define WHOLE(n, fn, req) { n, fn, 0, req, 0, 0 }

static const struct prof_key prof_area_keys[] = {
	NUM("offset", struct prof_area, offset, UINT64_MAX, true),
	NUM("size", struct prof_area, size, UINT64_MAX, true),
};

static int prof_sparse_one(struct prof_ctx *c, struct json_object *v, void *dst, size_t i)
{
	struct prof_bar *bar = dst;

	bar->nsparse = (unsigned)i + 1;
	return prof_object(c, v, prof_area_keys, 2, &bar->sparse[i]);
}

static int prof_sparse(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	/* No areas would mean "nothing mappable" to a VFIO user but "the whole BAR" here. */
	if (json_object_is_type(v, json_type_array) && !json_object_array_length(v))
		return prof_fail(c, RULE_PROFILE_SPARSE_COUNT, -EINVAL, "no areas (leave \"sparse\" out to map the whole BAR)");
	return prof_array(c, v, VFSIM_MAX_SPARSE, RULE_PROFILE_SPARSE_COUNT, "areas", prof_sparse_one, dst);
}

/* "datamatch" is optional and 0 is a value: record that it was given. */
static int prof_datamatch(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	struct prof_ioeventfd *e = dst;
	int r = prof_number(c, v, UINT64_MAX, &e->datamatch);

	if (r == 0)
		e->has_datamatch = true;
	return r;
}

static int prof_ioeventfd_one(struct prof_ctx *c, struct json_object *v, void *dst, size_t i)
{
	static const struct prof_key keys[] = {
		NUM("offset", struct prof_ioeventfd, offset, UINT64_MAX, true),
		NUM("size", struct prof_ioeventfd, size, UINT32_MAX, true),
		WHOLE("datamatch", prof_datamatch, false),
	};
	struct prof_bar *bar = dst;

	bar->nioeventfds = (unsigned)i + 1;
	return prof_object(c, v, keys, 3, &bar->ioeventfds[i]);
}

static int prof_ioeventfds(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	/* An empty list means what leaving the key out means: none. */
	return prof_array(c, v, VFSIM_MAX_IOEVENTFDS, RULE_PROFILE_IOEVENTFD_COUNT, "ioeventfds",
			  prof_ioeventfd_one, dst);
}

/* A BAR as written: its slot comes from "index". */
struct prof_bar_in {
	unsigned index;
	struct prof_bar bar;
};

static const struct prof_key prof_bar_keys[] = {
	NUM("index", struct prof_bar_in, index, UINT_MAX, true),
	NUM("size", struct prof_bar_in, bar.size, UINT64_MAX, true),
	KEY("type", prof_bar_type, struct prof_bar_in, bar.io, false),
	KEY("64bit", prof_bool, struct prof_bar_in, bar.is64, false),
	KEY("prefetchable", prof_bool, struct prof_bar_in, bar.prefetch, false),
	KEY("mmap", prof_bool, struct prof_bar_in, bar.mmap, false),
	KEY("sparse", prof_sparse, struct prof_bar_in, bar, false),
	KEY("ioeventfds", prof_ioeventfds, struct prof_bar_in, bar, false),
};

static int prof_bar_one(struct prof_ctx *c, struct json_object *v, void *dst, size_t i)
{
	struct vfsim_profile *p = dst;
	struct prof_bar_in in;
	size_t mark;
	int r;

	memset(&in, 0, sizeof(in));
	r = prof_object(c, v, prof_bar_keys, sizeof(prof_bar_keys) / sizeof(prof_bar_keys[0]), &in);
	if (r < 0)
		return r;
	mark = prof_push_key(c, "index");
	if (in.index > 5)
		return prof_fail(c, RULE_PROFILE_BAR_INDEX, -EINVAL, "must be 0-5 (%u)", in.index);
	if (c->bar_pos[in.index] >= 0)
		return prof_fail(c, RULE_PROFILE_BAR_INDEX, -EINVAL, "BAR%u already defined by bars[%d] (%u)",
				 in.index, c->bar_pos[in.index], in.index);
	prof_pop(c, mark);
	r = prof_check_bar(c, &in.bar);
	if (r < 0)
		return r;
	p->bars[in.index] = in.bar;
	c->bar_pos[in.index] = (int)i;
	return 0;
}

static int prof_bars(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	int r = prof_array(c, v, 6, RULE_PROFILE_BAR_INDEX, "BARs", prof_bar_one, dst);

	if (r < 0)
		return r;
	return prof_check_bar_slots(c, dst);
}

static int prof_msi(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	static const struct prof_key keys[] = {
		NUM("vectors", struct vfsim_profile, msi_vectors, UINT_MAX, true),
		KEY("64bit", prof_bool, struct vfsim_profile, msi_64bit, false),
		KEY("maskable", prof_bool, struct vfsim_profile, msi_maskable, false),
	};
	struct vfsim_profile *p = dst;
	int r = prof_object(c, v, keys, 3, p);

	if (r < 0)
		return r;
	return prof_check_msi(c, p);
}

static int prof_msix(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	static const struct prof_key keys[] = {
		NUM("vectors", struct vfsim_profile, msix_vectors, UINT_MAX, true),
		NUM("bar", struct vfsim_profile, msix_bar, UINT_MAX, true),
		NUM("table_offset", struct vfsim_profile, msix_table_offset, UINT32_MAX, true),
		NUM("pba_offset", struct vfsim_profile, msix_pba_offset, UINT32_MAX, true),
	};
	struct vfsim_profile *p = dst;
	int r = prof_object(c, v, keys, 4, p);

	if (r < 0)
		return r;
	return prof_check_msix_vectors(c, p);
}

static int prof_migration(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	static const struct prof_key keys[] = {
		KEY("stop_copy", prof_bool, struct prof_mig_in, stop_copy, false),
		KEY("p2p", prof_bool, struct prof_mig_in, p2p, false),
		KEY("pre_copy", prof_bool, struct prof_mig_in, pre_copy, false),
	};
	struct prof_mig_in m = { 0 };
	int r = prof_object(c, v, keys, 3, &m);

	if (r < 0)
		return r;
	r = prof_check_mig(c, &m);
	if (r < 0)
		return r;
	*(uint32_t *)dst = (m.stop_copy ? VFIO_MIGRATION_STOP_COPY : 0) | (m.p2p ? VFIO_MIGRATION_P2P : 0) |
			   (m.pre_copy ? VFIO_MIGRATION_PRE_COPY : 0);
	return 0;
}

static int prof_engine_irq(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	static const struct prof_key keys[] = {
		KEY("index", prof_irq_index, struct vfsim_profile, engine.irq_index, true),
		NUM("vector", struct vfsim_profile, engine.irq_vector, UINT_MAX, false),
	};

	return prof_object(c, v, keys, 2, dst);
}

static int prof_engine(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	static const struct prof_key keys[] = {
		NUM("bar", struct vfsim_profile, engine.bar, UINT_MAX, true),
		NUM("offset", struct vfsim_profile, engine.offset, UINT32_MAX, true),
		WHOLE("irq", prof_engine_irq, true),
	};
	struct vfsim_profile *p = dst;

	p->engine.present = true;
	return prof_object(c, v, keys, 3, p);
}

static int prof_region_one(struct prof_ctx *c, struct json_object *v, void *dst, size_t i)
{
	static const struct prof_key keys[] = {
		NUM("type", struct prof_dev_region, type, UINT32_MAX, true),
		NUM("subtype", struct prof_dev_region, subtype, UINT32_MAX, true),
		NUM("size", struct prof_dev_region, size, UINT64_MAX, true),
		KEY("read", prof_bool, struct prof_dev_region, read, false),
		KEY("write", prof_bool, struct prof_dev_region, write, false),
		KEY("mmap", prof_bool, struct prof_dev_region, mmap, false),
	};
	struct vfsim_profile *p = dst;
	struct prof_dev_region *reg = &p->dev_regions[i];
	int r = prof_object(c, v, keys, 6, reg);

	if (r < 0)
		return r;
	p->ndev_regions = (unsigned)i + 1;
	return prof_check_region(c, reg);
}

static int prof_regions(struct prof_ctx *c, const struct prof_key *k, struct json_object *v, void *dst)
{
	return prof_array(c, v, VFSIM_MAX_DEV_REGIONS, RULE_PROFILE_REGION_COUNT, "regions", prof_region_one,
			  dst);
}

static const struct prof_key prof_top_keys[] = {
	KEY("name", prof_name, struct vfsim_profile, name, true),
	NUM("vendor_id", struct vfsim_profile, vendor_id, UINT16_MAX, true),
	NUM("device_id", struct vfsim_profile, device_id, UINT16_MAX, true),
	NUM("subsys_vendor_id", struct vfsim_profile, subsys_vendor_id, UINT16_MAX, false),
	NUM("subsys_id", struct vfsim_profile, subsys_id, UINT16_MAX, false),
	NUM("revision", struct vfsim_profile, revision, UINT8_MAX, false),
	NUM("class_code", struct vfsim_profile, class_code, 0xffffff, true),
	KEY("pcie", prof_bool, struct vfsim_profile, pcie, false),
	KEY("pm", prof_bool, struct vfsim_profile, pm, false),
	KEY("intx_pin", prof_pin, struct vfsim_profile, intx_pin, false),
	WHOLE("msi", prof_msi, false),
	WHOLE("msix", prof_msix, false),
	WHOLE("bars", prof_bars, false),
	NUM("rom_size", struct vfsim_profile, rom_size, UINT64_MAX, false),
	KEY("vga", prof_bool, struct vfsim_profile, vga, false),
	KEY("reset", prof_bool, struct vfsim_profile, reset, false),
	KEY("low_power", prof_bool, struct vfsim_profile, low_power, false),
	KEY("migration", prof_migration, struct vfsim_profile, mig_flags, false),
	KEY("dma_logging", prof_bool, struct vfsim_profile, dma_logging, false),
	WHOLE("engine", prof_engine, false),
	WHOLE("regions", prof_regions, false),
};

/* ---- entry points -------------------------------------------------------------- */

static void prof_line_col(const char *s, size_t end, unsigned *line, unsigned *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < end; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int prof_parse(const char *json, size_t len, const char *name, struct vfsim_profile **ret, char *err,
		      size_t errlen)
{
	struct prof_ctx c = { .file = name ? name : "(profile)", .err = err, .errlen = errlen };
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	unsigned line, col;
	size_t end;
	int r, i;

	if (err && errlen)
		err[0] = '\0';
	if (!ret || (!json && len))
		return -EINVAL;
	*ret = NULL;
	if (len > PROFILE_MAX_FILE)
		return prof_fail(&c, RULE_PROFILE_FILE_SIZE, -EFBIG, "too large (%zu bytes, at most %u)", len,
				 PROFILE_MAX_FILE);
	if (len > INT_MAX)
		return -EFBIG;	/* unreachable: json_tokener takes an int length */
	tok = json_tokener_new_ex(PROFILE_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, json ? json : "", (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue && len) {
		/* A top-level number only ends at a terminator: give it one, so "42"
		 * is reported as the wrong type rather than as truncated. */
		obj = json_tokener_parse_ex(tok, "", 1);
		if (json_tokener_get_error(tok) == json_tokener_success) {
			jerr = json_tokener_success;
			end = len;
		}
	}
	json_tokener_free(tok);
	if (end > len)
		end = len;
	prof_line_col(json ? json : "", end, &line, &col);
	if (jerr == json_tokener_continue || (jerr == json_tokener_success && !obj && !len))
		return prof_fail(&c, RULE_PROFILE_JSON_SYNTAX, -EINVAL, "line %u, column %u: unexpected end of input",
				 line, col);
	if (jerr == json_tokener_error_depth)
		return prof_fail(&c, RULE_PROFILE_JSON_DEPTH, -EINVAL, "line %u, column %u: nested deeper than %d",
				 line, col, PROFILE_MAX_DEPTH);
	if (jerr != json_tokener_success) {
		json_object_put(obj);
		return prof_fail(&c, RULE_PROFILE_JSON_SYNTAX, -EINVAL, "line %u, column %u: %s", line, col,
				 json_tokener_error_desc(jerr));
	}
	for (; end < len; end++) {
		if (!strchr(" \t\r\n", json[end]) || !json[end]) {
			json_object_put(obj);
			prof_line_col(json, end, &line, &col);
			return prof_fail(&c, RULE_PROFILE_JSON_SYNTAX, -EINVAL,
					 "line %u, column %u: data after the top-level object", line, col);
		}
	}

	c.p = calloc(1, sizeof(*c.p));
	if (!c.p) {
		json_object_put(obj);
		return -ENOMEM;
	}
	snprintf(c.p->source, sizeof(c.p->source), "%s", c.file);
	for (i = 0; i < 6; i++)
		c.bar_pos[i] = -1;
	r = prof_object(&c, obj, prof_top_keys, sizeof(prof_top_keys) / sizeof(prof_top_keys[0]), c.p);
	if (r == 0)
		r = prof_validate(&c);
	json_object_put(obj);
	if (r < 0) {
		free(c.p);
		return r;
	}
	*ret = c.p;
	return 0;
}

int vfsim_profile_parse(const char *json, size_t len, const char *name, struct vfsim_profile **ret, char *err,
			size_t errlen)
{
	vfsim_reject_clear();
	return prof_parse(json, len, name, ret, err, errlen);
}

int vfsim_profile_load(const char *path, struct vfsim_profile **ret, char *err, size_t errlen)
{
	struct prof_ctx c = { .file = path, .err = err, .errlen = errlen };
	struct stat st;
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd, r;

	vfsim_reject_clear();
	if (!path || !ret)
		return -EINVAL;
	*ret = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > (off_t)PROFILE_MAX_FILE) {
		close(fd);
		return prof_fail(&c, RULE_PROFILE_FILE_SIZE, -EFBIG, "too large (%lld bytes, at most %u)",
				 (long long)st.st_size, PROFILE_MAX_FILE);
	}
	/* One byte more than allowed, so a file that grew or is not regular is still caught. */
	buf = malloc(PROFILE_MAX_FILE + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (len <= PROFILE_MAX_FILE) {
		n = read(fd, buf + len, PROFILE_MAX_FILE + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			if (err && errlen)
				snprintf(err, errlen, "%s: cannot read: %s", path, strerror(-r));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	r = prof_parse(buf, len, path, ret, err, errlen);
out:
	free(buf);
	close(fd);
	return r;
}

void vfsim_profile_free(struct vfsim_profile *p)
{
	free(p);
}

const char *vfsim_profile_name(const struct vfsim_profile *p)
{
	return p ? p->name : NULL;
}
