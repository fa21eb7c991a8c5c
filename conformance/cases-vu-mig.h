/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the vfio-user server cases of cases-vu-feature.c, cases-vu-mig.c and
 * cases-vu-session.c: DEVICE_FEATURE, the migration FSM and MIG_DATA_READ/WRITE as
 * the digest defines them (3.13-3.16), transcribed here, not taken from sim/. Every
 * precondition is discovered over the protocol, so a third-party server (--socket,
 * --server-cmd) gets the same verdicts as the built-in one.
 */
#ifndef VFSIM_CASES_VU_MIG_H
#define VFSIM_CASES_VU_MIG_H

#include "cases-vu-common.h"

/* DEVICE_FEATURE flags (digest 3.13): index in bits 0-15, then the operations. */
#define FT_GET 0x10000u
#define FT_SET 0x20000u
#define FT_PROBE 0x40000u
#define FEAT_MIGRATION 1u
#define FEAT_MIG_STATE 2u
#define FEAT_LOG_START 6u
#define FEAT_LOG_STOP 7u
#define FEAT_LOG_REPORT 8u

/* MIGRATION GET data: flags u64. */
#define MIGF_STOP_COPY 1u
#define MIGF_P2P 2u
#define MIGF_PRE_COPY 4u

/* device_state values (digest 3.14). */
enum { ST_ERROR, ST_STOP, ST_RUNNING, ST_STOP_COPY, ST_RESUMING, ST_RUNNING_P2P, ST_PRE_COPY, ST_PRE_COPY_P2P };

#define MIG_STREAM_MAX (64u << 20)	/* a saved stream larger than this is a server fault */
#define MIG_CHUNK_MAX (1u << 20)

static inline const char *st_name(uint32_t s)
{
	static const char *const n[] = { "ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING", "RUNNING_P2P",
					 "PRE_COPY", "PRE_COPY_P2P" };

	return s < 8 ? n[s] : "(out of range)";
}

struct vf_hdr {
	uint32_t argsz, flags;
} __attribute__((packed));

struct vm_data {
	uint32_t argsz, size;
} __attribute__((packed));

/* DEVICE_FEATURE with @argsz and @len bytes of feature data after the 8-byte header. */
static inline int vf_feat(struct conf_ctx *ctx, uint32_t flags, uint32_t argsz, const void *data, size_t len,
			  struct conf_vu_msg *m)
{
	uint8_t buf[8 + 512];
	struct vf_hdr h = { argsz, flags };

	memset(m, 0, sizeof(*m));
	if (len > sizeof(buf) - 8)
		return -E2BIG;
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + 8, data, len);
	return conf_vu_call(ctx, CONF_VU_DEVICE_FEATURE, buf, 8 + len, m);
}

static inline int vf_feat0(struct conf_ctx *ctx, uint32_t flags, uint32_t argsz, const void *data, size_t len)
{
	struct conf_vu_msg m;
	int r = vf_feat(ctx, flags, argsz, data, len, &m);

	conf_vu_msg_free(&m);
	return r;
}

/* PROBE|GET MIGRATION, then GET it: the flags, or -errno. */
static inline int vf_mig_flags(struct conf_ctx *ctx, uint64_t *ret_flags)
{
	struct conf_vu_msg m;
	int r;

	*ret_flags = 0;
	r = vf_feat0(ctx, FT_PROBE | FT_GET | FEAT_MIGRATION, 8, NULL, 0);
	if (r < 0)
		return r;
	r = vf_feat(ctx, FT_GET | FEAT_MIGRATION, 16, NULL, 0, &m);
	if (r == 0 && m.len >= 16)
		memcpy(ret_flags, m.payload + 8, 8);
	else if (r == 0)
		r = -EPROTO;
	conf_vu_msg_free(&m);
	return r;
}

/* Negotiate and require migration (MIGRATION GET succeeds); @fl gets its flags. */
#define MIG_SETUP(ctx, caps, fl)                                                                         \
	do {                                                                                             \
		int mr_;                                                                                 \
		NEGOTIATE(ctx, caps);                                                                    \
		mr_ = vf_mig_flags(ctx, fl);                                                             \
		if (is_transport_err(mr_))                                                               \
			return conf_fail(ctx, "DEVICE_FEATURE MIGRATION: no reply (%s)", conf_errno_name(mr_)); \
		if (mr_ < 0)                                                                             \
			return conf_not_supported(ctx, "DEVICE_FEATURE PROBE|GET MIGRATION is refused: "      \
						       "the server offers no migration");                \
	} while (0)

static inline int vf_state(struct conf_ctx *ctx, uint32_t *ret_state)
{
	struct conf_vu_msg m;
	int r = vf_feat(ctx, FT_GET | FEAT_MIG_STATE, 16, NULL, 0, &m);

	if (r == 0 && m.len >= 12)
		memcpy(ret_state, m.payload + 8, 4);
	else if (r == 0)
		r = -EPROTO;
	conf_vu_msg_free(&m);
	return r;
}

static inline int vf_set(struct conf_ctx *ctx, uint32_t state)
{
	uint32_t d[2] = { state, 0 };

	return vf_feat0(ctx, FT_SET | FEAT_MIG_STATE, 16, d, sizeof(d));
}

/* Does GET MIG_DEVICE_STATE read @want? FAIL recorded otherwise. */
static inline bool vf_state_is(struct conf_ctx *ctx, uint32_t want, const char *when)
{
	uint32_t st = 0xffffffffu;
	int r = vf_state(ctx, &st);

	if (!conf_check(ctx, r == 0, "GET MIG_DEVICE_STATE %s: %s", when, conf_errno_name(r)))
		return false;
	return conf_check(ctx, st == want, "device_state %u (%s) %s, want %u (%s)", st, st_name(st), when, want,
			  st_name(want));
}

/* Walk legal direct arcs (digest 3.14) from RUNNING to @target. A refused
 * legal arc is FAIL (MG-04 requires each). */
static inline int vf_reach(struct conf_ctx *ctx, uint32_t target)
{
	static const uint8_t path[8][3] = {
		[ST_RUNNING] = { 0 }, [ST_STOP] = { ST_STOP }, [ST_STOP_COPY] = { ST_STOP, ST_STOP_COPY },
		[ST_RESUMING] = { ST_STOP, ST_RESUMING }, [ST_PRE_COPY] = { ST_PRE_COPY },
	};
	uint32_t prev = ST_RUNNING;
	unsigned i;

	if (target >= 8)
		return conf_harness_error(ctx, "vf_reach: state %u", target);
	for (i = 0; i < 3 && path[target][i]; i++) {
		int r = vf_set(ctx, path[target][i]);

		if (r < 0)
			return conf_fail(ctx, "setup: the legal arc %s -> %s was refused (%s)", st_name(prev),
					 st_name(path[target][i]), conf_errno_name(r));
		prev = path[target][i];
	}
	return CONF_PASS;
}

#define REACH(ctx, st)                               \
	do {                                         \
		int rr_ = vf_reach(ctx, st);         \
		if (rr_ != CONF_PASS)                \
			return rr_;                  \
	} while (0)

/* ---- MIG_DATA_READ / MIG_DATA_WRITE ------------------------------------------------------ */

static inline int vm_read(struct conf_ctx *ctx, uint32_t argsz, uint32_t size, struct conf_vu_msg *m)
{
	struct vm_data d = { argsz, size };

	return conf_vu_call(ctx, CONF_VU_MIG_DATA_READ, &d, sizeof(d), m);
}

/* MIG_DATA_WRITE of @size bytes with @argsz, the payload cut to @paylen
 * (normally 8 + size). */
static inline int vm_write_raw(struct conf_ctx *ctx, uint32_t argsz, uint32_t size, const void *data, size_t paylen,
			       struct conf_vu_msg *m)
{
	struct vm_data d = { argsz, size };
	uint8_t *buf = malloc(8 + (size_t)size);
	int r;

	memset(m, 0, sizeof(*m));
	if (!buf)
		return -ENOMEM;
	memcpy(buf, &d, sizeof(d));
	if (size)
		memcpy(buf + 8, data, size);
	r = conf_vu_call(ctx, CONF_VU_MIG_DATA_WRITE, buf, paylen < 8 + (size_t)size ? paylen : 8 + (size_t)size, m);
	free(buf);
	return r;
}

static inline int vm_write(struct conf_ctx *ctx, const void *data, uint32_t size)
{
	struct conf_vu_msg m;
	int r = vm_write_raw(ctx, 8 + size, size, data, 8 + (size_t)size, &m);

	conf_vu_msg_free(&m);
	return r;
}

/* Read the stream in @chunk-byte requests until a short read (digest 3.15);
 * each reply's layout is checked (MD-01: argsz = 8 + size, size <= asked,
 * data at 8). Returns 0 with the stream in *ret_buf (malloc'd), or -errno. */
static inline int vm_read_all(struct conf_ctx *ctx, uint32_t chunk, uint8_t **ret_buf, size_t *ret_len)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	unsigned n;
	int r = 0;

	ctx->v.mute = true;
	for (n = 0; n < 100000; n++) {
		struct vm_data rep;
		struct conf_vu_msg m;
		uint8_t *nb;

		r = vm_read(ctx, 8 + chunk, chunk, &m);
		if (r < 0) {
			conf_vu_msg_free(&m);
			conf_note(ctx, "MIG_DATA_READ #%u (size %u): %s", n, chunk, conf_errno_name(r));
			break;
		}
		if (!conf_check(ctx, m.len >= 8, "MIG_DATA_READ reply payload %u bytes, want >= 8", m.len)) {
			conf_vu_msg_free(&m);
			r = -EPROTO;
			break;
		}
		memcpy(&rep, m.payload, 8);
		if (!conf_check(ctx, rep.size <= chunk && m.len >= 8 + (uint64_t)rep.size && rep.argsz == 8 + rep.size,
				"MIG_DATA_READ reply argsz %u size %u payload %u for size %u: want size <= asked, "
				"argsz = 8 + size, size bytes at offset 8", rep.argsz, rep.size, m.len, chunk) ||
		    !conf_check(ctx, len + rep.size <= MIG_STREAM_MAX, "the stream exceeds %u bytes", MIG_STREAM_MAX)) {
			conf_vu_msg_free(&m);
			r = -EPROTO;
			break;
		}
		nb = realloc(buf, len + rep.size + 1);
		if (!nb) {
			conf_vu_msg_free(&m);
			r = -ENOMEM;
			break;
		}
		buf = nb;
		memcpy(buf + len, m.payload + 8, rep.size);
		len += rep.size;
		conf_vu_msg_free(&m);
		if (rep.size < chunk)
			break;
	}
	ctx->v.mute = false;
	conf_note(ctx, "read a %zu-byte stream in %u MIG_DATA_READs of %u", len, n + 1, chunk);
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

/* Write @len bytes; chunk sizes cycle through @sizes (n entries). */
static inline int vm_write_all(struct conf_ctx *ctx, const uint8_t *buf, size_t len, const uint32_t *sizes, unsigned n)
{
	size_t off = 0;
	unsigned i = 0;
	int r = 0;

	ctx->v.mute = true;
	while (off < len) {
		uint32_t c = sizes[i++ % n];

		if (c > len - off)
			c = (uint32_t)(len - off);
		r = vm_write(ctx, buf + off, c);
		if (r < 0) {
			conf_note(ctx, "MIG_DATA_WRITE of %u bytes at stream offset %zu: %s", c, off, conf_errno_name(r));
			break;
		}
		off += c;
	}
	ctx->v.mute = false;
	conf_note(ctx, "wrote %zu of %zu stream bytes", off, len);
	return r;
}

/* The chunk size for reads: the server's max_data_xfer_size, at most 1 MiB. */
static inline uint32_t vm_chunk(const struct vd_caps *caps)
{
	return caps->max_xfer < MIG_CHUNK_MAX ? (uint32_t)caps->max_xfer : MIG_CHUNK_MAX;
}

/* ---- a scratch register: device state a case can change and compare ------------------ */

static inline int rg_rw(struct conf_ctx *ctx, bool write, uint32_t region, uint64_t off, void *buf, uint32_t len)
{
	uint8_t p[sizeof(struct vd_access) + 8];
	struct vd_access a = { .offset = off, .region = region, .count = len };
	struct conf_vu_msg m;
	int r;

	if (len > 8)
		return -EINVAL;
	memcpy(p, &a, sizeof(a));
	if (write) {
		memcpy(p + sizeof(a), buf, len);
		return vd_call(ctx, CONF_VU_REGION_WRITE, p, sizeof(a) + len);
	}
	r = conf_vu_call(ctx, CONF_VU_REGION_READ, &a, sizeof(a), &m);
	if (r == 0 && m.len == sizeof(a) + len)
		memcpy(buf, m.payload + sizeof(a), len);
	else if (r == 0)
		r = -EPROTO;
	conf_vu_msg_free(&m);
	return r;
}

/* Is the device behind the connection the profile's? Discovery said so for
 * the built-in target; for a --socket/--server-cmd target its vendor, device
 * and subsystem IDs in config space must be the profile's, or the case would
 * program another device's registers. */
static inline bool vm_device_is_profile(struct conf_ctx *ctx, struct json_object *top)
{
	static const struct {
		const char *key;
		uint32_t off;
	} ids[] = { { "vendor_id", 0 }, { "device_id", 2 }, { "subsys_vendor_id", 0x2c }, { "subsys_id", 0x2e } };
	struct json_object *v;
	size_t i;

	if (ctx->target->features & CONF_FEAT_DMA_ENGINE)
		return true;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		uint16_t have = 0;
		uint64_t want;

		if (!json_object_object_get_ex(top, ids[i].key, &v))
			continue;
		want = json_object_is_type(v, json_type_string) ? strtoull(json_object_get_string(v), NULL, 0) :
								  (uint64_t)json_object_get_int64(v);
		if (rg_rw(ctx, false, 7, ids[i].off, &have, 2) < 0 || have != (uint16_t)want)
			return false;
	}
	return true;
}

/* The device state a case watches: the config Interrupt Line register and
 * 8 bytes of the first BAR that reads back what is written at offset 0. */
struct vm_scratch {
	bool bar;			/* a BAR scratch was found */
	uint32_t region;
	uint8_t line;
	uint64_t val;
};

static inline void vm_scratch_find(struct conf_ctx *ctx, struct vm_scratch *s)
{
	uint32_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < 6; i++) {
		struct conf_vu_msg m;
		struct vd_region ri;
		uint64_t v = 0x5a00000000000000ull | (conf_rand(ctx) & 0xffffffffffull), back = 0;

		if (vd_region_info(ctx, i, sizeof(ri), &m) < 0 || m.len < sizeof(ri)) {
			conf_vu_msg_free(&m);
			continue;
		}
		memcpy(&ri, m.payload, sizeof(ri));
		conf_vu_msg_free(&m);
		if (ri.size < 8 || (ri.flags & (RI_READ | RI_WRITE)) != (RI_READ | RI_WRITE))
			continue;
		if (rg_rw(ctx, true, i, 0, &v, 8) == 0 && rg_rw(ctx, false, i, 0, &back, 8) == 0 && back == v) {
			s->bar = true;
			s->region = i;
			conf_note(ctx, "scratch: BAR%u offset 0 reads back what is written", i);
			return;
		}
	}
}

/* Write fresh values to the scratch state (remembered in @s). */
static inline int vm_scratch_set(struct conf_ctx *ctx, struct vm_scratch *s)
{
	int r;

	s->line = (uint8_t)(0x10 + conf_rand(ctx) % 0xe0);
	s->val = 0xa500000000000000ull | (conf_rand(ctx) & 0xffffffffffull);
	r = cfg_write(ctx, CFG_INTERRUPT_LINE, &s->line, 1);
	if (r == 0 && s->bar)
		r = rg_rw(ctx, true, s->region, 0, &s->val, 8);
	return r;
}

/* Does the device hold the values of @s? FAIL (with @when) when not. */
static inline bool vm_scratch_check(struct conf_ctx *ctx, const struct vm_scratch *s, const char *when)
{
	uint8_t line = 0;
	uint64_t v = 0;
	bool ok;

	if (!conf_check(ctx, cfg_read(ctx, CFG_INTERRUPT_LINE, &line, 1) == 0, "reading Interrupt Line %s failed",
			when))
		return false;
	ok = conf_check(ctx, line == s->line, "Interrupt Line 0x%02x %s, want 0x%02x", line, when, s->line);
	if (s->bar) {
		if (!conf_check(ctx, rg_rw(ctx, false, s->region, 0, &v, 8) == 0, "reading BAR%u %s failed", s->region,
				when))
			return false;
		ok &= conf_check(ctx, v == s->val, "BAR%u[0] 0x%llx %s, want 0x%llx", s->region,
				 (unsigned long long)v, when, (unsigned long long)s->val);
	}
	return ok;
}

#endif
