/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `vfsim fuzz --server-cmd CMD`: structure-aware fuzzing of a third-party
 * vfio-user server (issue #5). Valid sessions are built here from the spec's
 * layouts (digest §2, §3; or loaded with --corpus), mutated with a seeded
 * generator (header fields and the payload fields each command defines set
 * to boundary values, payloads cut or grown, messages duplicated, dropped,
 * swapped or made up, bytes flipped, fds added), and played against the
 * server by replay.c, whose detectors report crashes, hangs and
 * desynchronisation. A finding is minimized against fresh servers (drop
 * messages while it reproduces, then shrink payloads) and written as a
 * session file that `vfsim replay` plays again.
 *
 * --client-cmd fuzzes a client instead: fuzz-client.c.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "peerfuzz.h"

#define FZ_MAX_SEEDS 64
#define FZ_MIN_TRIES 120		/* replays one minimization may spend */
#define FZ_MIN_MS 60000			/* and wall time */
#define FZ_MAX_FINDINGS 16		/* distinct findings kept with --keep-going */

/* vfio.h's SET_IRQS flags and DEVICE_FEATURE bits, as the digest §3.8/§3.13 gives them. */
#define FZ_IRQ_DATA_NONE 0x1u
#define FZ_IRQ_DATA_BOOL 0x2u
#define FZ_IRQ_DATA_EVENTFD 0x4u
#define FZ_IRQ_ACTION_TRIGGER 0x20u
#define FZ_FEAT_GET 0x10000u
#define FZ_FEAT_SET 0x20000u
#define FZ_FEAT_PROBE 0x40000u

struct fz_state {
	uint64_t rng;
	struct pf_session seeds[FZ_MAX_SEEDS];
	size_t nseeds;
};

static uint64_t fz_rand(struct fz_state *st)
{
	/* xorshift64* */
	st->rng ^= st->rng >> 12;
	st->rng ^= st->rng << 25;
	st->rng ^= st->rng >> 27;
	return st->rng * 0x2545f4914f6cdd1dull;
}

static uint64_t fz_below(struct fz_state *st, uint64_t n)
{
	return n ? fz_rand(st) % n : 0;
}

static uint64_t fz_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- seeds: valid sessions, from the spec's layouts -------------------------------- */

static void fz_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void fz_put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* A small builder: each call adds one message with the next id. */
struct fz_build {
	struct pf_session *s;
	uint16_t id;
	int r;
};

static void fz_add(struct fz_build *b, uint16_t cmd, uint32_t flags, const void *p, uint32_t len, unsigned nfds)
{
	if (b->r == 0)
		b->r = pf_session_add(b->s, b->id++, cmd, flags, p, len, nfds);
}

static void fz_version(struct fz_build *b)
{
	static const char json[] = "{\"capabilities\":{\"max_msg_fds\":8,\"max_data_xfer_size\":1048576}}";
	uint8_t buf[4 + sizeof(json)] = { 0 };	/* major 0 (the wire's, digest 2.2), minor 0 */

	memcpy(buf + 4, json, sizeof(json));
	fz_add(b, CONF_VU_VERSION, 0, buf, sizeof(buf), 0);
}

/* Four u32 words (GET_INFO, GET_REGION_INFO's head, GET_IRQ_INFO, ...). */
static void fz_words(struct fz_build *b, uint16_t cmd, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3,
		     uint32_t len)
{
	uint8_t buf[32] = { 0 };

	fz_put32(buf, w0);
	fz_put32(buf + 4, w1);
	fz_put32(buf + 8, w2);
	fz_put32(buf + 12, w3);
	fz_add(b, cmd, 0, buf, len, 0);
}

static void fz_region_io(struct fz_build *b, uint16_t cmd, uint32_t flags, uint32_t region, uint64_t off,
			 uint32_t count, uint32_t value)
{
	uint8_t buf[16 + 256] = { 0 };

	fz_put64(buf, off);
	fz_put32(buf + 8, region);
	fz_put32(buf + 12, count);
	if (cmd == CONF_VU_REGION_WRITE && count <= 4)
		memcpy(buf + 16, &value, count);
	fz_add(b, cmd, flags, buf, 16 + (cmd == CONF_VU_REGION_WRITE ? count : 0), 0);
}

static void fz_feature(struct fz_build *b, uint32_t flags, uint32_t argsz, const void *data, uint32_t len)
{
	uint8_t buf[8 + 32] = { 0 };

	fz_put32(buf, argsz);
	fz_put32(buf + 4, flags);
	if (len)
		memcpy(buf + 8, data, len);
	fz_add(b, CONF_VU_DEVICE_FEATURE, 0, buf, 8 + len, 0);
}

static void fz_mig_state(struct fz_build *b, uint32_t state)
{
	uint8_t d[8] = { 0 };

	fz_put32(d, state);
	fz_feature(b, FZ_FEAT_SET | 2, 16, d, 8);
}

static int fz_seeds_builtin(struct fz_state *st)
{
	static const unsigned nseeds = 7;
	unsigned k, i;

	for (k = 0; k < nseeds && st->nseeds < FZ_MAX_SEEDS; k++) {
		struct fz_build b = { .s = &st->seeds[st->nseeds], .id = 1 };
		uint8_t buf[32] = { 0 };

		fz_version(&b);
		switch (k) {
		case 0:	/* discovery, as QEMU does it (digest 1.2) */
			fz_words(&b, CONF_VU_GET_INFO, 16, 0, 0, 0, 16);
			for (i = 0; i < 10; i++)
				fz_words(&b, CONF_VU_GET_REGION_INFO, 32, 0, i, 0, 32);
			for (i = 0; i < 5; i++)
				fz_words(&b, CONF_VU_GET_IRQ_INFO, 16, 0, i, 0, 16);
			break;
		case 1:	/* config space (region 7) and BAR 0 */
			fz_region_io(&b, CONF_VU_REGION_READ, 0, 7, 0, 4, 0);
			fz_region_io(&b, CONF_VU_REGION_READ, 0, 7, 0x10, 4, 0);
			fz_region_io(&b, CONF_VU_REGION_WRITE, 0, 7, 0x10, 4, 0xffffffff);
			fz_region_io(&b, CONF_VU_REGION_READ, 0, 7, 0x10, 4, 0);
			fz_region_io(&b, CONF_VU_REGION_WRITE, 0, 7, 0x4, 2, 0x6);
			fz_region_io(&b, CONF_VU_REGION_READ, 0, 7, 0x34, 1, 0);
			fz_region_io(&b, CONF_VU_REGION_READ, 0, 7, 0, 256, 0);
			fz_region_io(&b, CONF_VU_REGION_READ, 0, 0, 0, 4, 0);
			break;
		case 2:	/* DMA_MAP / DMA_UNMAP without an fd (digest 3.2, 3.3) */
			fz_put32(buf, 32);
			fz_put32(buf + 4, 3);		/* READ | WRITE */
			fz_put64(buf + 16, 0x100000);
			fz_put64(buf + 24, 0x10000);
			fz_add(&b, CONF_VU_DMA_MAP, 0, buf, 32, 0);
			fz_put64(buf + 16, 0x200000);
			fz_add(&b, CONF_VU_DMA_MAP, 0, buf, 32, 0);
			memset(buf, 0, sizeof(buf));
			fz_put32(buf, 24);
			fz_put64(buf + 8, 0x100000);
			fz_put64(buf + 16, 0x10000);
			fz_add(&b, CONF_VU_DMA_UNMAP, 0, buf, 24, 0);
			fz_put64(buf + 8, 0x200000);
			fz_add(&b, CONF_VU_DMA_UNMAP, 0, buf, 24, 0);
			break;
		case 3:	/* SET_IRQS: MSI-X eventfd, loopback trigger, disable (digest 3.8) */
			fz_words(&b, CONF_VU_GET_IRQ_INFO, 16, 0, 2, 0, 16);
			fz_put32(buf, 20);
			fz_put32(buf + 4, FZ_IRQ_DATA_EVENTFD | FZ_IRQ_ACTION_TRIGGER);
			fz_put32(buf + 8, 2);
			fz_put32(buf + 16, 1);
			fz_add(&b, CONF_VU_SET_IRQS, 0, buf, 20, 1);
			fz_put32(buf, 21);
			fz_put32(buf + 4, FZ_IRQ_DATA_BOOL | FZ_IRQ_ACTION_TRIGGER);
			buf[20] = 1;
			fz_add(&b, CONF_VU_SET_IRQS, 0, buf, 21, 0);
			fz_put32(buf, 20);
			fz_put32(buf + 4, FZ_IRQ_DATA_NONE | FZ_IRQ_ACTION_TRIGGER);
			fz_put32(buf + 16, 0);
			fz_add(&b, CONF_VU_SET_IRQS, 0, buf, 20, 0);
			break;
		case 4:	/* DEVICE_FEATURE probes and a migration save (digest 3.13-3.15) */
			fz_feature(&b, FZ_FEAT_PROBE | FZ_FEAT_GET | 1, 8, NULL, 0);
			fz_feature(&b, FZ_FEAT_GET | 1, 16, NULL, 0);
			fz_feature(&b, FZ_FEAT_GET | 2, 16, NULL, 0);
			fz_feature(&b, FZ_FEAT_PROBE | FZ_FEAT_SET | 6, 8, NULL, 0);
			fz_feature(&b, FZ_FEAT_PROBE | FZ_FEAT_GET | 8, 8, NULL, 0);
			fz_mig_state(&b, 1);		/* STOP */
			fz_mig_state(&b, 3);		/* STOP_COPY */
			fz_put32(buf, 8 + 4096);
			fz_put32(buf + 4, 4096);
			fz_add(&b, CONF_VU_MIG_DATA_READ, 0, buf, 8, 0);
			fz_add(&b, CONF_VU_MIG_DATA_READ, 0, buf, 8, 0);
			fz_mig_state(&b, 1);
			fz_mig_state(&b, 2);		/* RUNNING */
			break;
		case 5:	/* reset among accesses, a posted write flushed by a read (digest 1.5) */
			fz_words(&b, CONF_VU_GET_INFO, 16, 0, 0, 0, 16);
			fz_region_io(&b, CONF_VU_REGION_WRITE, CONF_VU_F_NO_REPLY, 7, 0x4, 2, 0x6);
			fz_region_io(&b, CONF_VU_REGION_READ, 0, 7, 0x4, 2, 0);
			fz_add(&b, CONF_VU_RESET, 0, NULL, 0, 0);
			fz_region_io(&b, CONF_VU_REGION_READ, 0, 7, 0x4, 2, 0);
			break;
		default:	/* dirty-page logging start / report / stop */
			fz_put64(buf, 4096);
			fz_feature(&b, FZ_FEAT_SET | 6, 24, buf, 16);
			memset(buf, 0, sizeof(buf));
			fz_put64(buf + 8, 0x10000);
			fz_put64(buf + 16, 4096);
			fz_feature(&b, FZ_FEAT_GET | 8, 8 + 24 + 8, buf, 24);
			fz_feature(&b, FZ_FEAT_SET | 7, 8, NULL, 0);
			break;
		}
		if (b.r < 0) {
			pf_session_free(b.s);
			return b.r;
		}
		st->nseeds++;
	}
	return 0;
}

static int fz_seeds_dir(struct fz_state *st, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	if (!d) {
		fprintf(stderr, "vfsim fuzz: --corpus %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	while ((e = readdir(d)) && st->nseeds < FZ_MAX_SEEDS && n++ < 4096) {
		char path[4096], err[512];
		size_t l = strlen(e->d_name);

		if (l < 5 || strcmp(e->d_name + l - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (pf_session_load(path, &st->seeds[st->nseeds], NULL, err, sizeof(err)) < 0) {
			fprintf(stderr, "vfsim fuzz: skipping %s\n", err);
			continue;
		}
		if (st->seeds[st->nseeds].n)
			st->nseeds++;
	}
	closedir(d);
	return 0;
}

/* ---- mutations ----------------------------------------------------------------------------- */

/* Where each command's payload has fields worth a boundary value (digest 3.16). */
struct fz_field {
	uint16_t cmd;
	uint8_t off, width;
};

static const struct fz_field fz_fields[] = {
	{ CONF_VU_VERSION, 0, 2 }, { CONF_VU_VERSION, 2, 2 },
	{ CONF_VU_DMA_MAP, 0, 4 }, { CONF_VU_DMA_MAP, 4, 4 }, { CONF_VU_DMA_MAP, 8, 8 },
	{ CONF_VU_DMA_MAP, 16, 8 }, { CONF_VU_DMA_MAP, 24, 8 },
	{ CONF_VU_DMA_UNMAP, 0, 4 }, { CONF_VU_DMA_UNMAP, 4, 4 }, { CONF_VU_DMA_UNMAP, 8, 8 },
	{ CONF_VU_DMA_UNMAP, 16, 8 },
	{ CONF_VU_GET_INFO, 0, 4 }, { CONF_VU_GET_INFO, 4, 4 },
	{ CONF_VU_GET_REGION_INFO, 0, 4 }, { CONF_VU_GET_REGION_INFO, 4, 4 }, { CONF_VU_GET_REGION_INFO, 8, 4 },
	{ CONF_VU_GET_REGION_INFO, 12, 4 },
	{ CONF_VU_GET_REGION_IO_FDS, 0, 4 }, { CONF_VU_GET_REGION_IO_FDS, 8, 4 },
	{ CONF_VU_GET_REGION_IO_FDS, 12, 4 },
	{ CONF_VU_GET_IRQ_INFO, 0, 4 }, { CONF_VU_GET_IRQ_INFO, 8, 4 },
	{ CONF_VU_SET_IRQS, 0, 4 }, { CONF_VU_SET_IRQS, 4, 4 }, { CONF_VU_SET_IRQS, 8, 4 },
	{ CONF_VU_SET_IRQS, 12, 4 }, { CONF_VU_SET_IRQS, 16, 4 },
	{ CONF_VU_REGION_READ, 0, 8 }, { CONF_VU_REGION_READ, 8, 4 }, { CONF_VU_REGION_READ, 12, 4 },
	{ CONF_VU_REGION_WRITE, 0, 8 }, { CONF_VU_REGION_WRITE, 8, 4 }, { CONF_VU_REGION_WRITE, 12, 4 },
	{ CONF_VU_REGION_WRITE_MULTI, 0, 8 }, { CONF_VU_REGION_WRITE_MULTI, 8, 8 },
	{ CONF_VU_REGION_WRITE_MULTI, 16, 4 }, { CONF_VU_REGION_WRITE_MULTI, 20, 4 },
	{ CONF_VU_DEVICE_FEATURE, 0, 4 }, { CONF_VU_DEVICE_FEATURE, 4, 4 }, { CONF_VU_DEVICE_FEATURE, 8, 4 },
	{ CONF_VU_DEVICE_FEATURE, 8, 8 }, { CONF_VU_DEVICE_FEATURE, 16, 4 },
	{ CONF_VU_MIG_DATA_READ, 0, 4 }, { CONF_VU_MIG_DATA_READ, 4, 4 },
	{ CONF_VU_MIG_DATA_WRITE, 0, 4 }, { CONF_VU_MIG_DATA_WRITE, 4, 4 },
};

static const uint64_t fz_bounds[] = {
	0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 20, 24, 31, 32, 33, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000,
	0x1001, 0xffff, 0x10000, 0x100000, 0x100001, 0x100020, 0x7fffffff, 0x80000000, 0xfffffff0,
	0xfffffffe, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xfffffffffffff000ull, 0xffffffffffffffffull,
};

static uint64_t fz_bound(struct fz_state *st, uint64_t near)
{
	switch (fz_below(st, 4)) {
	case 0:
		return near + 1;
	case 1:
		return near - 1;
	default:
		return fz_bounds[fz_below(st, sizeof(fz_bounds) / sizeof(fz_bounds[0]))];
	}
}

/* Resize message @m's payload to @len; msg_size follows unless @keep_size. */
static int fz_resize(struct pf_msg *m, uint32_t len, bool keep_size)
{
	bool framed = m->hdr.size == sizeof(m->hdr) + m->len;
	uint8_t *p;

	if (len > PF_MAX_PAYLOAD)
		len = PF_MAX_PAYLOAD;
	if (len > m->len) {
		p = realloc(m->payload, len);
		if (!p)
			return -ENOMEM;
		memset(p + m->len, 0, len - m->len);
		m->payload = p;
	}
	if (!len) {
		free(m->payload);
		m->payload = NULL;
	}
	m->len = len;
	if (framed && !keep_size)
		m->hdr.size = (uint32_t)sizeof(m->hdr) + len;
	return 0;
}

static void fz_set_field(struct pf_msg *m, uint32_t off, unsigned width, uint64_t v)
{
	if (off + width > m->len)
		return;
	memcpy(m->payload + off, &v, width);	/* little-endian hosts only, as the wire */
}

static uint64_t fz_get_field(const struct pf_msg *m, uint32_t off, unsigned width)
{
	uint64_t v = 0;

	if (off + width <= m->len)
		memcpy(&v, m->payload + off, width);
	return v;
}

/* Pick a message other than a leading VERSION most of the time. */
static size_t fz_pick(struct fz_state *st, const struct pf_session *s)
{
	if (s->n > 1 && s->msg[0].hdr.cmd == CONF_VU_VERSION && fz_below(st, 16))
		return 1 + (size_t)fz_below(st, s->n - 1);
	return (size_t)fz_below(st, s->n);
}

static int fz_mutate_one(struct fz_state *st, struct pf_session *s)
{
	size_t i = fz_pick(st, s), j, k;
	struct pf_msg *m = &s->msg[i], tmp;
	uint32_t len;

	switch (fz_below(st, 12)) {
	case 0:	/* a header field */
		switch (fz_below(st, 5)) {
		case 0:
			m->hdr.size = (uint32_t)fz_bound(st, m->hdr.size);
			break;
		case 1:
			m->hdr.cmd = (uint16_t)(fz_below(st, 2) ? fz_below(st, 20) : fz_rand(st));
			break;
		case 2:
			m->hdr.flags = fz_below(st, 2) ? (uint32_t)fz_below(st, 64) : (uint32_t)fz_bound(st, 0);
			break;
		case 3:
			m->hdr.error = (uint32_t)fz_bound(st, 0);
			break;
		default:
			m->hdr.id = (uint16_t)fz_bound(st, m->hdr.id);
			break;
		}
		return 0;
	case 1: case 2: case 3: {	/* a payload field the command defines */
		const struct fz_field *c[16];
		size_t n = 0;

		for (k = 0; k < sizeof(fz_fields) / sizeof(fz_fields[0]) && n < 16; k++)
			if (fz_fields[k].cmd == m->hdr.cmd && fz_fields[k].off + fz_fields[k].width <= m->len)
				c[n++] = &fz_fields[k];
		if (n) {
			const struct fz_field *fl = c[fz_below(st, n)];

			fz_set_field(m, fl->off, fl->width, fz_bound(st, fz_get_field(m, fl->off, fl->width)));
		} else if (m->len >= 4) {
			fz_set_field(m, (uint32_t)fz_below(st, m->len / 4) * 4, 4, fz_bound(st, m->len));
		}
		return 0;
	}
	case 4:	/* truncate */
		return m->len ? fz_resize(m, (uint32_t)fz_below(st, m->len), !fz_below(st, 8)) : 0;
	case 5:	/* extend */
		len = m->len + 1 + (uint32_t)(fz_below(st, 8) ? fz_below(st, 64) : fz_below(st, 4096));
		k = m->len;
		if (fz_resize(m, len, !fz_below(st, 8)) < 0)
			return -ENOMEM;
		for (; k < m->len; k++)
			m->payload[k] = fz_below(st, 2) ? 0 : (uint8_t)fz_rand(st);
		return 0;
	case 6:	/* duplicate */
		if (s->n >= PF_MAX_MSGS)
			return 0;
		tmp = *m;
		tmp.payload = NULL;
		if (m->len) {
			tmp.payload = malloc(m->len);
			if (!tmp.payload)
				return -ENOMEM;
			memcpy(tmp.payload, m->payload, m->len);
		}
		memmove(&s->msg[i + 2], &s->msg[i + 1], (s->n - i - 1) * sizeof(s->msg[0]));
		s->msg[i + 1] = tmp;
		s->n++;
		return 0;
	case 7:	/* drop */
		if (s->n < 2)
			return 0;
		free(m->payload);
		memmove(&s->msg[i], &s->msg[i + 1], (s->n - i - 1) * sizeof(s->msg[0]));
		s->n--;
		return 0;
	case 8:	/* swap with the next */
		if (i + 1 >= s->n)
			return 0;
		tmp = s->msg[i];
		s->msg[i] = s->msg[i + 1];
		s->msg[i + 1] = tmp;
		return 0;
	case 9: {	/* a made-up message */
		uint8_t junk[64];

		if (s->n >= PF_MAX_MSGS)
			return 0;
		len = (uint32_t)fz_below(st, sizeof(junk) + 1);
		for (k = 0; k < len; k++)
			junk[k] = fz_below(st, 2) ? 0 : (uint8_t)fz_rand(st);
		if (pf_session_add(s, (uint16_t)fz_rand(st), (uint16_t)fz_below(st, 20), 0, junk, len, 0) < 0)
			return 0;
		j = s->n - 1;
		k = i + 1 < s->n ? i + 1 : j;
		tmp = s->msg[j];
		memmove(&s->msg[k + 1], &s->msg[k], (j - k) * sizeof(s->msg[0]));
		s->msg[k] = tmp;
		return 0;
	}
	case 10:	/* flip bytes */
		for (k = 0; m->len && k < 1 + fz_below(st, 4); k++)
			m->payload[fz_below(st, m->len)] ^= (uint8_t)(1u << fz_below(st, 8));
		return 0;
	default:	/* fds along */
		m->nfds = (unsigned)(fz_below(st, 4) ? fz_below(st, 3) : fz_below(st, PF_MAX_FDS + 1));
		return 0;
	}
}

/* A mutated copy of a random seed in @out; the first sessions of a run are
 * the seeds as they are, which a conforming server must take without a
 * finding. */
static int fz_mutate(struct fz_state *st, uint64_t iter, struct pf_session *out)
{
	unsigned k, n = 1 + (unsigned)fz_below(st, 4);
	int r;

	if (iter < st->nseeds)
		return pf_session_copy(out, &st->seeds[iter]);
	r = pf_session_copy(out, &st->seeds[fz_below(st, st->nseeds)]);

	for (k = 0; r == 0 && k < n && out->n; k++)
		r = fz_mutate_one(st, out);
	if (r < 0)
		pf_session_free(out);
	return r;
}

/* ---- minimizing -------------------------------------------------------------------------------- */

struct fz_min {
	struct pf_server srv;		/* a fresh server per try, whatever --spawn says */
	enum pf_kind kind;
	unsigned tries;
	uint64_t deadline;
};

/* Does @s still give a finding of the same kind? Keeps @f when it does. */
static bool fz_reproduces(struct fz_min *mz, const struct pf_session *s, struct pf_finding *f)
{
	struct pf_finding got;

	if (mz->tries >= FZ_MIN_TRIES || fz_now_ms() >= mz->deadline)
		return false;
	mz->tries++;
	if (pf_play(&mz->srv, s, &got) < 0 || got.kind != mz->kind)
		return false;
	*f = got;
	return true;
}

/* Drop messages one at a time (from the end: later ones depend on earlier
 * ones), then shrink payloads, while the finding reproduces. */
static void fz_minimize(struct fz_min *mz, struct pf_session *s, struct pf_finding *f)
{
	struct pf_session t;
	size_t i;

	/* what follows the finding's message rarely matters */
	if (f->at >= 0 && (size_t)f->at + 1 < s->n && pf_session_copy(&t, s) == 0) {
		while (t.n > (size_t)f->at + 1)
			free(t.msg[--t.n].payload);
		if (fz_reproduces(mz, &t, f)) {
			pf_session_free(s);
			*s = t;
		} else {
			pf_session_free(&t);
		}
	}
	for (i = s->n; i-- > 0 && s->n > 1;) {
		if (pf_session_copy(&t, s) < 0)
			return;
		free(t.msg[i].payload);
		memmove(&t.msg[i], &t.msg[i + 1], (t.n - i - 1) * sizeof(t.msg[0]));
		t.n--;
		if (fz_reproduces(mz, &t, f)) {
			pf_session_free(s);
			*s = t;
		} else {
			pf_session_free(&t);
		}
	}
	for (i = 0; i < s->n; i++) {
		uint32_t len = 0;

		while (s->msg[i].len && len < s->msg[i].len) {
			if (pf_session_copy(&t, s) < 0)
				return;
			fz_resize(&t.msg[i], len, false);
			if (fz_reproduces(mz, &t, f)) {
				pf_session_free(s);
				*s = t;
				break;
			}
			pf_session_free(&t);
			/* try 0, then half, then three quarters, ... of what is left */
			len = len + (s->msg[i].len - len + 1) / 2;
			if (len >= s->msg[i].len)
				break;
		}
	}
}

/* ---- vfsim fuzz ------------------------------------------------------------------------------------ */

static void fuzz_usage(FILE *f)
{
	fprintf(f,
		"usage: vfsim fuzz --server-cmd CMD [OPTIONS]\n"
		"       vfsim fuzz --client-cmd CMD [OPTIONS]\n"
		"Send mutated vfio-user sessions to a server started from CMD ({socket} becomes the path it\n"
		"must listen on), or run a client from CMD ({socket}: where it must connect) against the\n"
		"built-in server with what the server sends mutated, and report crashes, hangs and\n"
		"desynchronisation with a minimized reproducer.\n\n"
		"  --server-cmd CMD      the server under test\n"
		"  --client-cmd CMD      the client under test: it runs a finite workload and exits\n"
		"  --profile FILE        the built-in server's device for --client-cmd\n"
		"                        (default fixtures/devices/dmaengine.json)\n"
		"  --iterations N        sessions to play (default 1000 unless --time is given)\n"
		"  --time SECONDS        stop after this long\n"
		"  --seed N              seed of the mutations (default 1)\n"
		"  --timeout MS          --server-cmd: wait this long for each reply (default 1000);\n"
		"                        --client-cmd: the time one session may take (default 5000)\n"
		"  --spawn iteration|suite   a fresh server per session (default), or one kept alive and\n"
		"                        restarted after a death (--server-cmd)\n"
		"  --corpus DIR          also start from the session files (*.json) in DIR (--server-cmd)\n"
		"  --out DIR             where reproducers go (default ./vfsim-fuzz-findings)\n"
		"  --keep-going          go on after a finding (distinct findings only, at most %u)\n"
		"  --no-minimize         write the reproducer as found\n"
		"  -v, --verbose         print every message sent and every reply\n"
		"exit: 0 nothing found, 1 a finding, 2 usage or harness error\n", FZ_MAX_FINDINGS);
}

struct fuzz_opts {
	const char *server_cmd, *client_cmd, *profile, *corpus, *out;
	uint64_t iterations, seconds, seed;
	unsigned timeout_ms;
	bool timeout_set, spawn_set, suite, keep_going, minimize, verbose;
};

static int fuzz_number(const char *opt, const char *s, uint64_t max, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v > max) {
		fprintf(stderr, "vfsim fuzz: %s: not a number in 0..%llu: '%s'\n", opt, (unsigned long long)max, s);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

static int fuzz_parse(int argc, char **argv, struct fuzz_opts *o)
{
	uint64_t v;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--keep-going")) {
			o->keep_going = true;
			continue;
		}
		if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			o->verbose = true;
			continue;
		}
		if (!strcmp(a, "--no-minimize")) {
			o->minimize = false;
			continue;
		}
		if (!strncmp(a, "--spawn=", 8)) {
			val = a + 8;
			a = "--spawn";
			i--;
		} else if (!val) {
			fprintf(stderr, "vfsim fuzz: unknown option or missing value: '%s'\n", a);
			return -EINVAL;
		}
		i++;
		if (!strcmp(a, "--server-cmd")) {
			o->server_cmd = val;
		} else if (!strcmp(a, "--client-cmd")) {
			o->client_cmd = val;
		} else if (!strcmp(a, "--profile")) {
			o->profile = val;
		} else if (!strcmp(a, "--corpus")) {
			o->corpus = val;
		} else if (!strcmp(a, "--out")) {
			o->out = val;
		} else if (!strcmp(a, "--spawn")) {
			if (strcmp(val, "iteration") && strcmp(val, "suite")) {
				fprintf(stderr, "vfsim fuzz: --spawn: iteration or suite\n");
				return -EINVAL;
			}
			o->suite = !strcmp(val, "suite");
			o->spawn_set = true;
		} else if (!strcmp(a, "--iterations")) {
			if (fuzz_number(a, val, UINT64_MAX, &o->iterations) < 0)
				return -EINVAL;
		} else if (!strcmp(a, "--time")) {
			if (fuzz_number(a, val, 1u << 30, &o->seconds) < 0)
				return -EINVAL;
		} else if (!strcmp(a, "--seed")) {
			if (fuzz_number(a, val, UINT64_MAX, &o->seed) < 0)
				return -EINVAL;
		} else if (!strcmp(a, "--timeout")) {
			if (fuzz_number(a, val, 600000, &v) < 0 || !v)
				return -EINVAL;
			o->timeout_ms = (unsigned)v;
			o->timeout_set = true;
		} else {
			fprintf(stderr, "vfsim fuzz: unknown option '%s'\n", a);
			return -EINVAL;
		}
	}
	if (!o->server_cmd == !o->client_cmd) {
		fprintf(stderr, "vfsim fuzz: one of --server-cmd CMD and --client-cmd CMD is required\n");
		return -EINVAL;
	}
	if (o->client_cmd && (o->spawn_set || o->corpus)) {
		fprintf(stderr, "vfsim fuzz: --spawn and --corpus apply to --server-cmd only\n");
		return -EINVAL;
	}
	if (o->server_cmd && o->profile) {
		fprintf(stderr, "vfsim fuzz: --profile applies to --client-cmd only (the server has its own device)\n");
		return -EINVAL;
	}
	if (!o->iterations && !o->seconds)
		o->iterations = 1000;
	return 0;
}

/* A finding's signature, for --keep-going: its kind, the command it
 * followed and its detail with addresses, pids and numbers left out. */
static void fuzz_signature(const struct pf_finding *f, const struct pf_session *s, char *buf, size_t len)
{
	size_t n, i;

	n = (size_t)snprintf(buf, len, "%s/%u/", pf_kind_name(f->kind),
			     f->at >= 0 && (size_t)f->at < s->n ? s->msg[f->at].hdr.cmd : 0xffffu);
	for (i = 0; f->detail[i] && n + 1 < len; i++)
		if (f->detail[i] < '0' || f->detail[i] > '9')
			buf[n++] = f->detail[i];
	buf[n < len ? n : len - 1] = '\0';
}

/* Minimize (unless told not to), write and announce one finding. */
static int fuzz_report(const struct fuzz_opts *o, struct pf_session *s, struct pf_finding *f, uint64_t iter)
{
	char path[4096], err[512], q[4096 + 64];
	size_t before = s->n;
	bool flaky = false;
	int r;

	printf("vfsim fuzz: iteration %llu: %s at message %ld: %s\n", (unsigned long long)iter,
	       pf_kind_name(f->kind), f->at, f->detail);
	if (o->minimize) {
		struct fz_min mz = { .srv = { .cmd = o->server_cmd, .timeout_ms = o->timeout_ms, .err_fd = -1 },
				     .kind = f->kind, .deadline = fz_now_ms() + FZ_MIN_MS };
		struct pf_finding again;

		if (!fz_reproduces(&mz, s, &again)) {
			flaky = true;
			printf("vfsim fuzz: it does not reproduce against a fresh server: written as found\n");
		} else {
			*f = again;
			fz_minimize(&mz, s, f);
			printf("vfsim fuzz: minimized to %zu of %zu messages in %u replays\n", s->n, before, mz.tries);
		}
	}
	if (mkdir(o->out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "vfsim fuzz: --out %s: %s\n", o->out, strerror(errno));
		return -errno;
	}
	snprintf(path, sizeof(path), "%s/%s-seed%llu-iter%llu%s.json", o->out, pf_kind_name(f->kind),
		 (unsigned long long)o->seed, (unsigned long long)iter, flaky ? "-flaky" : "");
	r = pf_session_save(path, s, f, o->server_cmd, o->seed, iter, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "vfsim fuzz: %s\n", err);
		return r;
	}
	printf("vfsim fuzz: %s at message %ld: %s\n", pf_kind_name(f->kind), f->at, f->detail);
	pf_shell_quote(o->server_cmd, q, sizeof(q));
	printf("vfsim fuzz: reproducer %s\nvfsim fuzz: replay with: vfsim replay %s --server-cmd %s\n", path, path, q);
	fflush(stdout);
	return 0;
}

int cli_fuzz(int argc, char **argv)
{
	struct fuzz_opts o = { .out = "./vfsim-fuzz-findings", .seed = 1, .timeout_ms = CONF_VU_TIMEOUT_MS,
			       .minimize = true };
	struct pf_server srv = { .err_fd = -1 };
	static struct fz_state st;
	static char sigs[FZ_MAX_FINDINGS][256];
	uint64_t iter = 0, played = 0, start, counts[4] = { 0 }, replies = 0, closed = 0, unframed = 0;
	unsigned nsigs = 0, nfound = 0;
	int r, status = 0;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fuzz_usage(stdout);
		return 0;
	}
	r = fuzz_parse(argc, argv, &o);
	if (r < 0) {
		fuzz_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (o.client_cmd) {
		struct pf_cl_opts co = { .client_cmd = o.client_cmd, .out = o.out, .iterations = o.iterations,
					 .seconds = o.seconds, .seed = o.seed, .keep_going = o.keep_going,
					 .minimize = o.minimize, .verbose = o.verbose,
					 .profile_path = o.profile ? o.profile : PF_CL_DEFAULT_PROFILE,
					 .timeout_ms = o.timeout_set ? o.timeout_ms : PF_CL_TIMEOUT_MS };

		return pf_cl_fuzz(&co);
	}
	memset(&st, 0, sizeof(st));
	st.rng = o.seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
	if (!st.rng)
		st.rng = 1;
	if (fz_seeds_builtin(&st) < 0 || (o.corpus && fz_seeds_dir(&st, o.corpus) < 0)) {
		fprintf(stderr, "vfsim fuzz: cannot build the seed sessions\n");
		return CLI_EXIT_USAGE;
	}
	srv.cmd = o.server_cmd;
	srv.suite = o.suite;
	srv.timeout_ms = o.timeout_ms;
	srv.verbose = o.verbose;
	start = fz_now_ms();
	for (iter = 0; (!o.iterations || iter < o.iterations) && (!o.seconds || fz_now_ms() - start < o.seconds * 1000);
	     iter++) {
		struct pf_session s;
		struct pf_finding f;
		char sig[256];
		unsigned k;

		if (o.verbose)
			printf("-- session %llu\n", (unsigned long long)iter);
		if (fz_mutate(&st, iter, &s) < 0) {
			fprintf(stderr, "vfsim fuzz: out of memory\n");
			status = CLI_EXIT_USAGE;
			break;
		}
		r = pf_play(&srv, &s, &f);
		if (r < 0) {
			fprintf(stderr, "vfsim fuzz: iteration %llu: %s\n", (unsigned long long)iter, f.detail);
			pf_session_free(&s);
			status = CLI_EXIT_USAGE;
			break;
		}
		played++;
		counts[f.kind]++;
		replies += f.replies;
		closed += f.closed;
		unframed += f.unframed;
		if (f.kind == PF_NONE) {
			pf_session_free(&s);
			continue;
		}
		fuzz_signature(&f, &s, sig, sizeof(sig));
		for (k = 0; k < nsigs && strcmp(sigs[k], sig); k++)
			;
		if (k < nsigs) {
			pf_session_free(&s);
			continue;
		}
		if (nsigs < FZ_MAX_FINDINGS)
			snprintf(sigs[nsigs++], sizeof(sigs[0]), "%s", sig);
		nfound++;
		status = CLI_EXIT_FAIL;
		r = fuzz_report(&o, &s, &f, iter);
		pf_session_free(&s);
		if (r < 0) {
			status = CLI_EXIT_USAGE;
			break;
		}
		if (!o.keep_going || nsigs >= FZ_MAX_FINDINGS)
			break;
	}
	pf_server_down(&srv, NULL);
	{
		uint64_t ms = fz_now_ms() - start;

		printf("vfsim fuzz: %llu sessions in %.1f s (%.1f/s): %llu crash, %llu hang, %llu desync "
		       "(%u distinct reported)\n", (unsigned long long)played, ms / 1000.0,
		       ms ? (played * 1000.0) / ms : 0.0, (unsigned long long)counts[PF_CRASH],
		       (unsigned long long)counts[PF_HANG], (unsigned long long)counts[PF_DESYNC], nfound);
		printf("vfsim fuzz: %llu replies in order; %llu sessions closed by the server, %llu with a "
		       "msg_size of their own\n", (unsigned long long)replies, (unsigned long long)closed,
		       (unsigned long long)unframed);
	}
	for (r = 0; (size_t)r < st.nseeds; r++)
		pf_session_free(&st.seeds[r]);
	return status;
}
