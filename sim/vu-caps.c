/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user capabilities, both kinds (digest §2.3, §3.5): the VERSION JSON
 * that states what each side can receive (parsed with {name, check} tables
 * in the manner of QEMU's hw/vfio-user, emitted with json-c), and the walker
 * for the region-info capability chain a peer sends, which carries a hop
 * budget and only ever moves forward.
 *
 * Parsing policy. The JSON area must end in its only NUL, be at most
 * VU_CAPS_JSON_MAX bytes and nest at most VU_CAPS_JSON_DEPTH deep; the top
 * level must be an object; "capabilities", when present, an object. A known
 * key of the wrong JSON type, or out of its range, refuses the whole message
 * (libvfio-user and QEMU both do). Unknown keys are ignored at every level.
 * max_data_xfer_size above VU_LIMIT_MAX_DATA_XFER is clamped, not refused:
 * the value only caps what we send to that peer, so lowering it is always
 * safe, and refusing would break a peer that advertises a generous limit.
 * max_msg_fds above VU_LIMIT_MAX_MSG_FDS is refused, as libvfio-user does.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <json-c/json.h>

#include "rules.h"
#include "vu-wire.h"

void vu_caps_default(struct vu_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->max_msg_fds = VU_DEFAULT_MAX_MSG_FDS;
	caps->max_data_xfer_size = VU_DEFAULT_MAX_DATA_XFER;
	caps->max_dma_maps = VU_DEFAULT_MAX_DMA_MAPS;
	caps->pgsizes = VU_DEFAULT_PGSIZES;
	caps->twin_socket = false;
	caps->twin_fd_index = -1;
	caps->write_multiple = false;
	caps->has_migration = false;
	caps->migration_pgsize = 0;
}

/* ---- parsing ----------------------------------------------------------- */

struct vu_caps_key {
	const char *name;
	int (*check)(struct json_object *v, struct vu_caps *caps);
};

/* A non-negative JSON integer within [min, max]; a double, string or bool
 * is the wrong type even when it holds a whole number (QEMU: qnum_get_try_uint). */
static int vu_caps_uint(struct json_object *v, uint64_t min, uint64_t max, enum vfsim_rule range,
			uint64_t *ret)
{
	uint64_t x;

	if (!json_object_is_type(v, json_type_int))
		return vfsim_reject(RULE_VU_CAPS_TYPE, -EINVAL);
	if (json_object_get_int64(v) < 0)
		return vfsim_reject(range, -EINVAL);
	x = json_object_get_uint64(v);
	if (x < min || x > max)
		return vfsim_reject(range, -EINVAL);
	*ret = x;
	return 0;
}

static int vu_caps_bool(struct json_object *v, bool *ret)
{
	if (!json_object_is_type(v, json_type_boolean))
		return vfsim_reject(RULE_VU_CAPS_TYPE, -EINVAL);
	*ret = json_object_get_boolean(v);
	return 0;
}

static int vu_caps_object(struct json_object *obj, const struct vu_caps_key *keys, size_t nkeys,
			  struct vu_caps *caps)
{
	size_t i;
	int r;

	json_object_object_foreach(obj, name, v) {
		for (i = 0; i < nkeys; i++) {
			if (strcmp(name, keys[i].name))
				continue;
			r = keys[i].check(v, caps);
			if (r < 0)
				return r;
			break;
		}
	}
	return 0;
}

static int vu_caps_max_msg_fds(struct json_object *v, struct vu_caps *caps)
{
	uint64_t x;
	int r = vu_caps_uint(v, 0, VU_LIMIT_MAX_MSG_FDS, RULE_VU_CAPS_MAX_MSG_FDS, &x);

	if (r < 0)
		return r;
	caps->max_msg_fds = (uint32_t)x;
	return 0;
}

static int vu_caps_max_data_xfer(struct json_object *v, struct vu_caps *caps)
{
	uint64_t x;
	int r = vu_caps_uint(v, 1, UINT64_MAX, RULE_VU_CAPS_MAX_DATA_XFER, &x);

	if (r < 0)
		return r;
	caps->max_data_xfer_size = x > VU_LIMIT_MAX_DATA_XFER ? VU_LIMIT_MAX_DATA_XFER : (uint32_t)x;
	return 0;
}

static int vu_caps_max_dma_maps(struct json_object *v, struct vu_caps *caps)
{
	uint64_t x;
	int r = vu_caps_uint(v, 0, UINT32_MAX, RULE_VU_CAPS_MAX_DMA_MAPS, &x);

	if (r < 0)
		return r;
	caps->max_dma_maps = (uint32_t)x;
	return 0;
}

/* QEMU uses pgsizes as an IOVA page-size mask: no page smaller than 4 KiB. */
static int vu_caps_pgsizes(struct json_object *v, struct vu_caps *caps)
{
	uint64_t x;
	int r = vu_caps_uint(v, 4096, UINT64_MAX, RULE_VU_CAPS_PGSIZES, &x);

	if (r < 0)
		return r;
	if (x & 0xfff)
		return vfsim_reject(RULE_VU_CAPS_PGSIZES, -EINVAL);
	caps->pgsizes = x;
	return 0;
}

static int vu_caps_write_multiple(struct json_object *v, struct vu_caps *caps)
{
	return vu_caps_bool(v, &caps->write_multiple);
}

static int vu_caps_twin_supported(struct json_object *v, struct vu_caps *caps)
{
	return vu_caps_bool(v, &caps->twin_socket);
}

/* An index into the fds of the reply carrying it, so below any max_msg_fds. */
static int vu_caps_twin_fd_index(struct json_object *v, struct vu_caps *caps)
{
	uint64_t x;
	int r = vu_caps_uint(v, 0, VU_LIMIT_MAX_MSG_FDS - 1, RULE_VU_CAPS_TWIN_FD_INDEX, &x);

	if (r < 0)
		return r;
	caps->twin_fd_index = (int32_t)x;
	return 0;
}

static const struct vu_caps_key vu_caps_twin_keys[] = {
	{ "supported", vu_caps_twin_supported },
	{ "fd_index", vu_caps_twin_fd_index },
};

static int vu_caps_twin(struct json_object *v, struct vu_caps *caps)
{
	if (!json_object_is_type(v, json_type_object))
		return vfsim_reject(RULE_VU_CAPS_TYPE, -EINVAL);
	return vu_caps_object(v, vu_caps_twin_keys, sizeof(vu_caps_twin_keys) / sizeof(vu_caps_twin_keys[0]),
			      caps);
}

/* Legacy 0.9.1 dirty-bitmap page size: libvfio-user insists on an integer. */
static int vu_caps_mig_pgsize(struct json_object *v, struct vu_caps *caps)
{
	uint64_t x;
	int r = vu_caps_uint(v, 1, UINT64_MAX, RULE_VU_CAPS_MIGRATION, &x);

	if (r < 0)
		return r;
	if (x & (x - 1))
		return vfsim_reject(RULE_VU_CAPS_MIGRATION, -EINVAL);
	caps->migration_pgsize = x;
	return 0;
}

/* QEMU's addition (default 256 MiB); read for its type only. */
static int vu_caps_mig_bitmap(struct json_object *v, struct vu_caps *caps)
{
	uint64_t x;

	return vu_caps_uint(v, 0, UINT64_MAX, RULE_VU_CAPS_MIGRATION, &x);
}

static const struct vu_caps_key vu_caps_mig_keys[] = {
	{ "pgsize", vu_caps_mig_pgsize },
	{ "max_bitmap_size", vu_caps_mig_bitmap },
};

static int vu_caps_migration(struct json_object *v, struct vu_caps *caps)
{
	if (!json_object_is_type(v, json_type_object))
		return vfsim_reject(RULE_VU_CAPS_TYPE, -EINVAL);
	caps->has_migration = true;
	return vu_caps_object(v, vu_caps_mig_keys, sizeof(vu_caps_mig_keys) / sizeof(vu_caps_mig_keys[0]), caps);
}

static const struct vu_caps_key vu_caps_keys[] = {
	{ "max_msg_fds", vu_caps_max_msg_fds },
	{ "max_data_xfer_size", vu_caps_max_data_xfer },
	{ "max_dma_maps", vu_caps_max_dma_maps },
	{ "pgsizes", vu_caps_pgsizes },
	{ "twin_socket", vu_caps_twin },
	{ "write_multiple", vu_caps_write_multiple },
	{ "migration", vu_caps_migration },
};

static int vu_caps_capabilities(struct json_object *v, struct vu_caps *caps)
{
	if (!json_object_is_type(v, json_type_object))
		return vfsim_reject(RULE_VU_CAPS_NOT_OBJECT, -EINVAL);
	return vu_caps_object(v, vu_caps_keys, sizeof(vu_caps_keys) / sizeof(vu_caps_keys[0]), caps);
}

static const struct vu_caps_key vu_caps_top_keys[] = {
	{ "capabilities", vu_caps_capabilities },
};

/* Parse @len bytes (no NUL) of JSON text; the caller owns the result
 * (NULL for the JSON literal null). */
static int vu_caps_tokenize(const char *text, size_t len, struct json_object **ret)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	size_t end;

	*ret = NULL;
	tok = json_tokener_new_ex(VU_CAPS_JSON_DEPTH);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue && len) {
		/* A top-level number only ends at a terminator: give it one, so
		 * "42" is refused as not an object rather than as truncated. */
		obj = json_tokener_parse_ex(tok, "", 1);
		if (json_tokener_get_error(tok) == json_tokener_success) {
			jerr = json_tokener_success;
			end = len;
		}
	}
	json_tokener_free(tok);
	if (jerr == json_tokener_error_depth)
		return vfsim_reject(RULE_VU_CAPS_JSON_DEPTH, -EINVAL);
	/* success with no object is the literal null: valid JSON, not an object */
	if (jerr != json_tokener_success) {
		json_object_put(obj);
		return vfsim_reject(RULE_VU_CAPS_JSON_SYNTAX, -EINVAL);
	}
	for (; end < len; end++) {
		if (!strchr(" \t\r\n", text[end])) {
			json_object_put(obj);
			return vfsim_reject(RULE_VU_CAPS_JSON_SYNTAX, -EINVAL);
		}
	}
	*ret = obj;
	return 0;
}

int vu_caps_parse(const char *json, size_t len, struct vu_caps *ret)
{
	struct json_object *obj;
	struct vu_caps caps;
	int r;

	vu_caps_default(&caps);
	if (len == 0) {
		/* No JSON at all is legal: every capability takes its default. */
		*ret = caps;
		return 0;
	}
	if (len > VU_CAPS_JSON_MAX)
		return vfsim_reject(RULE_VU_CAPS_JSON_SIZE, -EINVAL);
	if (!json || json[len - 1] != '\0')
		return vfsim_reject(RULE_VU_CAPS_JSON_NUL, -EINVAL);
	/* The NUL counted in msg_size is the only one: bytes after an early
	 * NUL would be hidden from json-c yet still be part of the message. */
	if (memchr(json, '\0', len - 1))
		return vfsim_reject(RULE_VU_CAPS_JSON_EMBEDDED_NUL, -EINVAL);
	r = vu_caps_tokenize(json, len - 1, &obj);
	if (r < 0)
		return r;
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return vfsim_reject(RULE_VU_CAPS_TOP_OBJECT, -EINVAL);
	}
	r = vu_caps_object(obj, vu_caps_top_keys, sizeof(vu_caps_top_keys) / sizeof(vu_caps_top_keys[0]), &caps);
	json_object_put(obj);
	if (r < 0)
		return r;
	*ret = caps;
	return 0;
}

/* ---- emitting ---------------------------------------------------------- */

/* Adds @val (consumed) under @key; -ENOMEM if json-c could not allocate. */
static int vu_caps_put(struct json_object *obj, const char *key, struct json_object *val)
{
	if (!val)
		return -ENOMEM;
	if (json_object_object_add(obj, key, val)) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

static int vu_caps_build(const struct vu_caps *caps, struct json_object *c)
{
	struct json_object *o;
	int r;

	r = vu_caps_put(c, "max_msg_fds", json_object_new_int64(caps->max_msg_fds));
	if (!r)
		r = vu_caps_put(c, "max_data_xfer_size", json_object_new_int64(caps->max_data_xfer_size));
	if (!r)
		r = vu_caps_put(c, "max_dma_maps", json_object_new_int64(caps->max_dma_maps));
	if (!r)
		r = vu_caps_put(c, "pgsizes", json_object_new_uint64(caps->pgsizes));
	if (!r && caps->write_multiple)
		r = vu_caps_put(c, "write_multiple", json_object_new_boolean(1));
	if (!r && caps->twin_socket) {
		o = json_object_new_object();
		r = vu_caps_put(o, "supported", json_object_new_boolean(1));
		if (!r && caps->twin_fd_index >= 0)
			r = vu_caps_put(o, "fd_index", json_object_new_int64(caps->twin_fd_index));
		if (r < 0)
			json_object_put(o);
		else
			r = vu_caps_put(c, "twin_socket", o);
	}
	if (!r && caps->has_migration) {
		/* a "migration" object may come without pgsize; never emit the 0
		 * that stands for "absent", which the parser (rightly) refuses */
		o = json_object_new_object();
		r = caps->migration_pgsize ?
		    vu_caps_put(o, "pgsize", json_object_new_uint64(caps->migration_pgsize)) : (o ? 0 : -ENOMEM);
		if (r < 0)
			json_object_put(o);
		else
			r = vu_caps_put(c, "migration", o);
	}
	return r;
}

/* Returns the bytes written including the NUL, i.e. what the JSON area of
 * the VERSION payload adds to msg_size. */
int vu_caps_emit(const struct vu_caps *caps, char *buf, size_t buflen)
{
	struct json_object *top, *c;
	const char *s;
	size_t n = 0;
	int r;

	top = json_object_new_object();
	c = json_object_new_object();
	if (!top || !c) {
		json_object_put(top);
		json_object_put(c);
		return -ENOMEM;
	}
	r = vu_caps_build(caps, c);
	if (r < 0) {
		json_object_put(c);
		json_object_put(top);
		return r;
	}
	r = vu_caps_put(top, "capabilities", c);
	if (r < 0) {
		json_object_put(top);
		return r;
	}
	s = json_object_to_json_string_length(top, JSON_C_TO_STRING_PLAIN, &n);
	if (!s)
		r = -ENOMEM;
	else if (n + 1 > buflen || n + 1 > VU_CAPS_JSON_MAX)
		r = vfsim_reject(RULE_VU_CAPS_EMIT_SPACE, -ENOSPC);
	else {
		memcpy(buf, s, n + 1);
		r = (int)(n + 1);
	}
	json_object_put(top);
	return r;
}

/* ---- region-info capability chain -------------------------------------- */

/*
 * Offsets are from the start of @buf (the region-info struct). Each hop
 * must land inside the buffer with its whole 8-byte header, 4-byte aligned
 * (the kernel aligns caps to 8; 4 is what the packed u32 fields need), and
 * strictly after the previous header, so the walk ends within len/8 hops
 * even without the budget; the budget bounds work on a large buffer.
 */
int vu_caps_walk(const uint8_t *buf, uint32_t len, uint32_t first, unsigned max_hops,
		 int (*fn)(void *opaque, const struct vu_cap_hdr *cap, uint32_t off, uint32_t caplen),
		 void *opaque)
{
	struct vu_cap_hdr h;
	uint32_t off = first, end;
	unsigned hops = 0;
	int r;

	while (off) {
		if (hops >= max_hops)
			return vfsim_reject(RULE_VU_CAPS_WALK_HOPS, -EINVAL);
		if (off & 3)
			return vfsim_reject(RULE_VU_CAPS_WALK_ALIGN, -EINVAL);
		if ((uint64_t)off + sizeof(h) > len)
			return vfsim_reject(RULE_VU_CAPS_WALK_BOUNDS, -EINVAL);
		memcpy(&h, buf + off, sizeof(h));
		if (h.next == off)
			return vfsim_reject(RULE_VU_CAPS_WALK_SELF, -EINVAL);
		if (h.next && h.next < off)
			return vfsim_reject(RULE_VU_CAPS_WALK_BACKWARD, -EINVAL);
		if (h.next && h.next < off + sizeof(h))
			return vfsim_reject(RULE_VU_CAPS_WALK_OVERLAP, -EINVAL);
		end = h.next ? h.next : len;
		if (end > len)
			return vfsim_reject(RULE_VU_CAPS_WALK_BOUNDS, -EINVAL);
		hops++;
		if (fn) {
			r = fn(opaque, &h, off, end - off);
			if (r < 0)
				return r;
		}
		off = h.next;
	}
	return (int)hops;
}

struct vu_region_caps_ctx {
	const uint8_t *info;
	uint64_t region_size;
};

/* RI-05: known ids carry version 1; a sparse cap's areas fit both the cap
 * and the region; a type cap has its two u32 fields. Unknown ids pass. */
static int vu_region_cap_one(void *opaque, const struct vu_cap_hdr *cap, uint32_t off, uint32_t caplen)
{
	const struct vu_region_caps_ctx *c = opaque;
	uint32_t nr, i;
	uint64_t a[2];

	if (cap->id < VU_CAP_SPARSE_MMAP || cap->id > VU_CAP_MSIX_MAPPABLE)
		return 0;
	if (cap->version != 1)
		return vfsim_reject(RULE_VU_CAP_VERSION, -EINVAL);
	if (cap->id == VU_CAP_TYPE && caplen < 16)
		return vfsim_reject(RULE_VU_CAP_TYPE_SIZE, -EINVAL);
	if (cap->id != VU_CAP_SPARSE_MMAP)
		return 0;
	if (caplen < 16)
		return vfsim_reject(RULE_VU_CAP_SPARSE_SIZE, -EINVAL);
	memcpy(&nr, c->info + off + 8, sizeof(nr));
	if (16 + 16 * (uint64_t)nr > caplen)
		return vfsim_reject(RULE_VU_CAP_SPARSE_SIZE, -EINVAL);
	for (i = 0; i < nr; i++) {
		memcpy(a, c->info + off + 16 + 16 * (uint64_t)i, sizeof(a));
		if (a[0] > c->region_size || a[1] > c->region_size - a[0])
			return vfsim_reject(RULE_VU_CAP_SPARSE_AREA, -EINVAL);
	}
	return 0;
}

int vu_check_region_caps(const uint8_t *info, uint32_t len, uint32_t cap_offset, uint64_t region_size)
{
	struct vu_region_caps_ctx c = { info, region_size };

	return vu_caps_walk(info, len, cap_offset, VU_CAP_MAX_HOPS, vu_region_cap_one, &c);
}
