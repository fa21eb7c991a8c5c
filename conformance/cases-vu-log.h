/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The second half of cases-vu-feature.c, included by it once (split for
 * length): DMA dirty logging (digest 3.13, 4.4; 6.A MG-09, MG-10, LG-*).
 * Uses the helpers of cases-vu-mig.h and the S/UP macros of the includer.
 */
#ifndef VFSIM_CASES_VU_LOG_H
#define VFSIM_CASES_VU_LOG_H

#define LG_PAGE 4096u
#define LG_DST 0x200000000ull		/* the logged window */
#define LG_SRC 0x300000000ull		/* where the engine reads from */

#define ENG_SRC 0x00u
#define ENG_DST 0x08u
#define ENG_LEN 0x10u
#define ENG_DOORBELL 0x14u
#define ENG_STATUS 0x18u

struct lg_log_control {
	uint64_t page_size;
	uint32_t num_ranges, reserved;
	uint64_t iova, length;		/* one range, sent only when num_ranges is 1 */
} __attribute__((packed));

struct lg_report {
	uint64_t iova, length, page_size;
} __attribute__((packed));

/* A case's logging set-up: the windows (memfds, mapped with their fd) and the engine. */
struct lg {
	int dst_fd, src_fd;
	uint64_t dst_size;
	bool engine;
	uint32_t bar;
	uint64_t eoff;
};

/* The profile's DMA engine ("engine": {"bar": N, "offset": "0x.."}), if any,
 * and only when the device is the profile's. */
static void lg_engine_find(struct conf_ctx *ctx, struct lg *l)
{
	struct json_object *top = ctx->target->profile_path ? json_object_from_file(ctx->target->profile_path) : NULL;
	struct json_object *e, *v;

	if (top && json_object_object_get_ex(top, "engine", &e) && json_object_is_type(e, json_type_object) &&
	    json_object_object_get_ex(e, "bar", &v) && json_object_is_type(v, json_type_int) &&
	    vm_device_is_profile(ctx, top)) {
		l->engine = true;
		l->bar = (uint32_t)json_object_get_int(v);
		if (json_object_object_get_ex(e, "offset", &v))
			l->eoff = json_object_is_type(v, json_type_string) ?
				  strtoull(json_object_get_string(v), NULL, 0) : (uint64_t)json_object_get_int64(v);
	}
	json_object_put(top);
}

static int lg_memfd(uint64_t size)
{
	int fd = memfd_create("vfsim-conf-log", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0) {
		close(fd);
		return -EIO;
	}
	return fd;
}

static void lg_down(struct lg *l)
{
	if (l->dst_fd >= 0)
		close(l->dst_fd);
	if (l->src_fd >= 0)
		close(l->src_fd);
}

/* Negotiate, require logging (and the engine when @engine), map the windows. */
static int lg_up(struct conf_ctx *ctx, struct lg *l, uint64_t dst_size, bool engine)
{
	static const uint8_t pattern[64] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	struct vd_caps caps;
	int r;

	memset(l, 0, sizeof(*l));
	l->dst_fd = l->src_fd = -1;
	l->dst_size = dst_size;
	NEGOTIATE(ctx, &caps);
	FT_NEED(ctx, FN_LOG);
	lg_engine_find(ctx, l);
	if (engine && !l->engine)
		return conf_not_supported(ctx, "the device is not the profile's DMA engine: the case cannot make the device "
					  "write");
	if (caps.max_fds < 1)
		return conf_not_supported(ctx, "the server accepts no fds: no mapped window to log");
	l->dst_fd = lg_memfd(dst_size);
	l->src_fd = lg_memfd(MAP_SIZE);
	if (l->dst_fd < 0 || l->src_fd < 0) {
		lg_down(l);
		return conf_harness_error(ctx, "memfd failed");
	}
	if (pwrite(l->src_fd, pattern, sizeof(pattern), 0) != (ssize_t)sizeof(pattern)) {
		lg_down(l);
		return conf_harness_error(ctx, "writing the source window failed");
	}
	r = vd_map(ctx, DMA_READ_F | DMA_WRITE_F, LG_DST, dst_size, l->dst_fd);
	if (r == 0)
		r = vd_map(ctx, DMA_READ_F | DMA_WRITE_F, LG_SRC, MAP_SIZE, l->src_fd);
	if (r < 0) {
		lg_down(l);
		return conf_fail(ctx, "setup: DMA_MAP of a memfd window failed: %s", conf_errno_name(r));
	}
	return CONF_PASS;
}

#define LG_UP(ctx, l, size, engine)                                   \
	do {                                                          \
		int lu_ = lg_up(ctx, l, size, engine);                \
		if (lu_ != CONF_PASS)                                 \
			return lu_;                                   \
	} while (0)

static int lg_start(struct conf_ctx *ctx, uint64_t page_size)
{
	struct lg_log_control lc = { .page_size = page_size };

	return vf_feat0(ctx, FT_SET | FEAT_LOG_START, 8 + 16, &lc, 16);
}

static int lg_stop(struct conf_ctx *ctx)
{
	return vf_feat0(ctx, FT_SET | FEAT_LOG_STOP, 8, NULL, 0);
}

/* REPORT [iova, +length) at @page_size: the bitmap (ceil(pages / 64) u64s)
 * into @bm (up to @nwords), the reply kept in @m when non-NULL. */
static int lg_report(struct conf_ctx *ctx, uint64_t iova, uint64_t length, uint64_t page_size, uint64_t *bm,
		     unsigned nwords, struct conf_vu_msg *keep)
{
	struct lg_report rq = { iova, length, page_size };
	uint64_t pages = page_size ? (length + page_size - 1) / page_size : 0;
	uint32_t bytes = (uint32_t)((pages + 63) / 64 * 8);
	struct conf_vu_msg m;
	int r = vf_feat(ctx, FT_GET | FEAT_LOG_REPORT, 8 + 24 + bytes, &rq, sizeof(rq), &m);

	if (r == 0 && bm) {
		if (conf_check(ctx, m.len >= 8 + 24 + (uint64_t)bytes && bytes <= nwords * 8,
			       "REPORT reply %u bytes, want 8 + 24 + a %u-byte bitmap", m.len, bytes))
			memcpy(bm, m.payload + 32, bytes);
		else
			r = -EPROTO;
	}
	if (keep)
		*keep = m;
	else
		conf_vu_msg_free(&m);
	return r;
}

/* The engine copies @len bytes from LG_SRC to @dst (a device read, then write). */
static int lg_dma(struct conf_ctx *ctx, const struct lg *l, uint64_t src, uint64_t dst, uint32_t len)
{
	uint32_t one = 1, status = 0;
	int r = rg_rw(ctx, true, l->bar, l->eoff + ENG_SRC, &src, 8);

	if (r == 0)
		r = rg_rw(ctx, true, l->bar, l->eoff + ENG_DST, &dst, 8);
	if (r == 0)
		r = rg_rw(ctx, true, l->bar, l->eoff + ENG_LEN, &len, 4);
	if (r == 0)
		r = rg_rw(ctx, true, l->bar, l->eoff + ENG_DOORBELL, &one, 4);
	if (r == 0)
		r = rg_rw(ctx, false, l->bar, l->eoff + ENG_STATUS, &status, 4);
	if (r < 0)
		return conf_fail(ctx, "setup: programming the DMA engine (BAR%u + 0x%llx) failed: %s", l->bar,
				 (unsigned long long)l->eoff, conf_errno_name(r));
	rg_rw(ctx, true, l->bar, l->eoff + ENG_STATUS, &status, 4);	/* RW1C: clear for the next */
	if ((status & 3u) != 1u)
		return conf_fail(ctx, "setup: the engine's copy 0x%llx -> 0x%llx (%u bytes) between mapped windows "
				 "ended with STATUS 0x%x, not DONE", (unsigned long long)src, (unsigned long long)dst,
				 len, status);
	return CONF_PASS;
}

#define DMA(ctx, l, src, dst, len)                                            \
	do {                                                                  \
		int dv_ = lg_dma(ctx, l, src, dst, len);                      \
		if (dv_ != CONF_PASS) {                                       \
			lg_down(l);                                           \
			return dv_;                                           \
		}                                                             \
	} while (0)

/* Judge one REPORT of the whole window against @want (bits). */
static void lg_expect(struct conf_ctx *ctx, const struct lg *l, uint64_t page_size, uint64_t want, const char *when)
{
	uint64_t bm[2] = { 0, 0 };
	int r = lg_report(ctx, LG_DST, l->dst_size, page_size, bm, 2, NULL);

	if (conf_expect_errno(ctx, "DMA_LOGGING_REPORT", r, 0, true) == CONF_PASS)
		conf_check(ctx, bm[0] == want && bm[1] == 0, "REPORT (page size %llu) %s: bitmap 0x%llx, want 0x%llx",
			   (unsigned long long)page_size, when, (unsigned long long)bm[0], (unsigned long long)want);
}

/* Device writes to the pages of @arg (a bit mask over the 16 pages of the
 * window, each written at offset 0x100 with 16 bytes), then REPORT at the
 * row's page size expects @want. */
struct lg_row {
	uint64_t pages;		/* pages the engine writes */
	uint64_t rep_page;	/* REPORT page size */
	uint64_t want;		/* bitmap expected */
	uint32_t off, len;	/* where in each page, how much */
	uint8_t kind;		/* LGK_* follow-up */
	uint64_t start_page;	/* START page size; 0 = 4 KiB */
};

enum { LGK_TWICE, LGK_AGAIN, LGK_READS, LGK_ONCE };

static int lg_writes(struct conf_ctx *ctx, const struct conf_case *c)
{
	const struct lg_row *row = c->arg;
	uint8_t got[16];
	struct lg l;
	unsigned i;

	LG_UP(ctx, &l, MAP_SIZE, true);
	if (conf_expect_errno(ctx, "DMA_LOGGING_START (all ranges)", lg_start(ctx, row->start_page ? row->start_page :
			      LG_PAGE), 0, true) != CONF_PASS) {
		lg_down(&l);
		return conf_pass(ctx);
	}
	for (i = 0; i < 16; i++)
		if (row->pages & (1ull << i))
			DMA(ctx, &l, LG_SRC, LG_DST + i * LG_PAGE + row->off, row->len);
	i = (unsigned)__builtin_ctzll(row->pages);
	if (pread(l.dst_fd, got, 16, (off_t)(i * LG_PAGE + row->off)) == 16)
		conf_check(ctx, got[0] == 0xde && got[3] == 0xef, "the engine's write did not reach the memfd window");
	lg_expect(ctx, &l, row->rep_page, row->want, "after the device writes");
	if (row->kind == LGK_TWICE) {
		lg_expect(ctx, &l, row->rep_page, 0, "a second time (reading clears the log)");
	} else if (row->kind == LGK_AGAIN) {
		DMA(ctx, &l, LG_SRC, LG_DST + 11 * LG_PAGE, 8);
		lg_expect(ctx, &l, row->rep_page, 1ull << 11, "after one more write to page 11 only");
	} else if (row->kind == LGK_READS) {
		uint64_t bm[1] = { 0 };
		int r = lg_report(ctx, LG_SRC, MAP_SIZE, LG_PAGE, bm, 1, NULL);

		if (conf_expect_errno(ctx, "REPORT of the window the engine read", r, 0, true) == CONF_PASS)
			conf_check(ctx, bm[0] == 0, "the source window the device only read reports 0x%llx, want 0",
				   (unsigned long long)bm[0]);
	}
	lg_stop(ctx);
	lg_down(&l);
	return conf_pass(ctx);
}

#define PGS(a, b) ((1ull << (a)) | (1ull << (b)))
static const struct lg_row lgw_basic = { PGS(2, 9), LG_PAGE, PGS(2, 9), 0x100, 16, LGK_TWICE, 0 };
static const struct lg_row lgw_again = { PGS(1, 4), LG_PAGE, PGS(1, 4), 0x100, 16, LGK_AGAIN, 0 };
static const struct lg_row lgw_reads = { 1ull << 1, LG_PAGE, 1ull << 1, 0, 16, LGK_READS, 0 };
static const struct lg_row lgw_last = { 1ull << 15, LG_PAGE, 1ull << 15, 0xff0, 16, LGK_ONCE, 0 };
static const struct lg_row lgw_bits = { PGS(0, 7) | PGS(8, 13), LG_PAGE, PGS(0, 7) | PGS(8, 13), 0x800, 16, LGK_ONCE, 0 };
static const struct lg_row lgw_cross = { 1ull << 3, LG_PAGE, PGS(3, 4), 0xff8, 16, LGK_ONCE, 0 };
static const struct lg_row lgw_8k = { PGS(5, 12), 2 * LG_PAGE, PGS(2, 6), 0x100, 8, LGK_ONCE, 0 };
static const struct lg_row lgw_rep = { PGS(1, 5), LG_PAGE, PGS(0, 1) | PGS(4, 5), 0x100, 8, LGK_ONCE, 2 * LG_PAGE };
#undef PGS

/* LG-01: stores the client makes itself into the memfd are not device writes. */
static int lg_client_store(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const uint8_t junk[32] = { 0x11 };
	struct lg l;

	LG_UP(ctx, &l, MAP_SIZE, false);
	if (conf_expect_errno(ctx, "DMA_LOGGING_START", lg_start(ctx, LG_PAGE), 0, true) == CONF_PASS) {
		if (pwrite(l.dst_fd, junk, sizeof(junk), 3 * LG_PAGE) != (ssize_t)sizeof(junk))
			conf_harness_error(ctx, "pwrite failed");
		lg_expect(ctx, &l, LG_PAGE, 0, "after only the client wrote the memfd");
		lg_stop(ctx);
	}
	lg_down(&l);
	return conf_pass(ctx);
}

/* MG-09: REPORT outside START..STOP gets an error (arg 0: never started; 1: after STOP). */
static int lg_report_off(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct lg l;

	LG_UP(ctx, &l, MAP_SIZE, false);
	if (c->arg) {
		if (conf_expect_errno(ctx, "DMA_LOGGING_START", lg_start(ctx, LG_PAGE), 0, true) != CONF_PASS ||
		    conf_expect_errno(ctx, "DMA_LOGGING_STOP", lg_stop(ctx), 0, true) != CONF_PASS) {
			lg_down(&l);
			return conf_pass(ctx);
		}
	}
	expect_any_err(ctx, c->arg ? "REPORT after STOP" : "REPORT before START",
		       lg_report(ctx, LG_DST, MAP_SIZE, LG_PAGE, NULL, 0, NULL));
	lg_down(&l);
	return conf_pass(ctx);
}

/* Malformed START / REPORT requests (SHOULD rules, the reference errno). */
enum { LGB_START0, LGB_START_TWICE, LGB_REP_SHORT, LGB_REP_PART, LGB_REP_PG0, LGB_REP_PG3000, LGB_REP_ARGSZ };

static int lg_bad(struct conf_ctx *ctx, const struct conf_case *c)
{
	static const char *const what[] = { "START page_size 0", "a second START with 8 KiB",
					     "REPORT length 2048 < page_size", "REPORT of half the window",
					     "REPORT page_size 0", "REPORT page_size 3000", "REPORT argsz 8 + 24" };
	unsigned k = (unsigned)(uintptr_t)c->arg;
	struct lg_report rq = { LG_DST, MAP_SIZE, LG_PAGE };
	int r, want = k == LGB_REP_PART ? -EOPNOTSUPP : -EINVAL;
	struct lg l;

	LG_UP(ctx, &l, MAP_SIZE, false);
	if (k != LGB_START0 &&
	    conf_expect_errno(ctx, "DMA_LOGGING_START", lg_start(ctx, LG_PAGE), 0, true) != CONF_PASS) {
		lg_down(&l);
		return conf_pass(ctx);
	}
	switch (k) {
	case LGB_START0:
		r = lg_start(ctx, 0);
		break;
	case LGB_START_TWICE:
		r = lg_start(ctx, 2 * LG_PAGE);
		break;
	case LGB_REP_SHORT:
		r = lg_report(ctx, LG_DST, LG_PAGE / 2, LG_PAGE, NULL, 0, NULL);
		break;
	case LGB_REP_PART:
		r = lg_report(ctx, LG_DST, MAP_SIZE / 2, LG_PAGE, NULL, 0, NULL);
		break;
	case LGB_REP_PG0:
		r = vf_feat0(ctx, FT_GET | FEAT_LOG_REPORT, 8 + 24 + 8, &(struct lg_report){ LG_DST, MAP_SIZE, 0 }, 24);
		break;
	case LGB_REP_PG3000:
		r = lg_report(ctx, LG_DST, MAP_SIZE, 3000, NULL, 0, NULL);
		break;
	default:
		r = vf_feat0(ctx, FT_GET | FEAT_LOG_REPORT, 8 + 24, &rq, sizeof(rq));
		break;
	}
	expect_err(ctx, what[k], r, want, false);
	still_usable(ctx, what[k]);
	lg_stop(ctx);
	lg_down(&l);
	return conf_pass(ctx);
}

/* LG-08 / MG-10: the REPORT reply is {iova, length, page_size} echoed, then
 * ceil(pages / 64) * 8 bitmap bytes (arg: window pages). */
static int lg_layout(struct conf_ctx *ctx, const struct conf_case *c)
{
	uint64_t pages = (uint64_t)(uintptr_t)c->arg, bytes = (pages + 63) / 64 * 8;
	struct lg_report rq = { LG_DST, pages * LG_PAGE, LG_PAGE };
	struct conf_vu_msg m;
	struct vf_hdr h;
	struct lg l;
	int r;

	LG_UP(ctx, &l, pages * LG_PAGE, false);
	if (conf_expect_errno(ctx, "DMA_LOGGING_START", lg_start(ctx, LG_PAGE), 0, true) != CONF_PASS) {
		lg_down(&l);
		return conf_pass(ctx);
	}
	r = lg_report(ctx, rq.iova, rq.length, rq.page_size, NULL, 0, &m);
	if (conf_expect_errno(ctx, "DMA_LOGGING_REPORT", r, 0, true) == CONF_PASS &&
	    conf_check(ctx, m.len == 8 + 24 + bytes, "REPORT reply %u bytes for %llu pages, want 8 + 24 + %llu", m.len,
		       (unsigned long long)pages, (unsigned long long)bytes)) {
		memcpy(&h, m.payload, 8);
		conf_check(ctx, h.argsz == 8 + 24 + bytes, "REPORT reply argsz %u, want %llu", h.argsz,
			   (unsigned long long)(8 + 24 + bytes));
		conf_check(ctx, !memcmp(m.payload + 8, &rq, 24), "REPORT reply does not echo {iova, length, page_size}");
	}
	conf_vu_msg_free(&m);
	lg_stop(ctx);
	lg_down(&l);
	return conf_pass(ctx);
}

/* LG-10 (implementation-defined): a START range leaving out page 6, a write
 * there; either answer is fine, the transcript says which. */
static int lg_ranges(struct conf_ctx *ctx, const struct conf_case *c)
{
	struct lg_log_control lc = { LG_PAGE, 1, 0, LG_DST, 4 * LG_PAGE };
	uint64_t bm[1] = { 0 };
	struct lg l;
	int r;

	LG_UP(ctx, &l, MAP_SIZE, true);
	r = vf_feat0(ctx, FT_SET | FEAT_LOG_START, 8 + sizeof(lc), &lc, sizeof(lc));
	if (r < 0) {
		lg_down(&l);
		return conf_expect_errno(ctx, "DMA_LOGGING_START with one range", r, 0, true);
	}
	DMA(ctx, &l, LG_SRC, LG_DST + 6 * LG_PAGE, 8);
	r = lg_report(ctx, LG_DST, MAP_SIZE, LG_PAGE, bm, 1, NULL);
	if (conf_expect_errno(ctx, "DMA_LOGGING_REPORT", r, 0, true) == CONF_PASS)
		conf_note(ctx, "a write outside the START range is %s", bm[0] ? "logged (everything is logged)" :
			  "not logged (ranges restrict logging)");
	lg_stop(ctx);
	lg_down(&l);
	return conf_pass(ctx);
}

#define LG_CASES                                                                                              \
	{ "VU-SRV-LG-001", "VU-MG-09", S, NULL, lg_writes, &lgw_basic,                                               \
	  "START, device writes to pages 2 and 9: REPORT has exactly those bits; a second REPORT is zero" },          \
	{ "VU-SRV-LG-002", "VU-MG-09", S, NULL, lg_writes, &lgw_again,                                               \
	  "after a REPORT cleared the log, a new write reports only its own page" },                                 \
	{ "VU-SRV-LG-003", "VU-MG-09", S, NULL, lg_report_off, UP(0), "REPORT before DMA_LOGGING_START gets an error" }, \
	{ "VU-SRV-LG-004", "VU-MG-09", S, NULL, lg_report_off, UP(1), "REPORT after DMA_LOGGING_STOP gets an error" },  \
	{ "VU-SRV-LG-005", "VU-LG-01", S, NULL, lg_writes, &lgw_reads,                                               \
	  "device reads are not logged: the window the engine read from reports zero" },                             \
	{ "VU-SRV-LG-006", "VU-LG-01", S, NULL, lg_client_store, NULL,                                               \
	  "the client's own stores into the memfd are not logged" },                                                 \
	{ "VU-SRV-LG-007", "VU-LG-02", S, NULL, lg_writes, &lgw_last,                                                \
	  "a write to the last of 16 pages sets bit 15 only; bits 16-63 stay 0" },                                   \
	{ "VU-SRV-LG-008", "VU-LG-03", S, NULL, lg_writes, &lgw_bits,                                                \
	  "writes to pages 0, 7, 8 and 13 set exactly bits 0, 7, 8 and 13 of word 0" },                              \
	{ "VU-SRV-LG-009", "VU-LG-03", S, NULL, lg_writes, &lgw_cross,                                               \
	  "a 16-byte write across the page 3/4 boundary sets bits 3 and 4" },                                        \
	{ "VU-SRV-LG-010", "VU-LG-04", S, NULL, lg_writes, &lgw_8k,                                                  \
	  "START 4 KiB, REPORT 8 KiB: writes to 4 KiB pages 5 and 12 set 8 KiB bits 2 and 6" },                      \
	{ "VU-SRV-LG-011", "VU-LG-04", S, NULL, lg_writes, &lgw_rep,                                                 \
	  "START 8 KiB, REPORT 4 KiB: writes to 4 KiB pages 1 and 5 set bits 0, 1, 4 and 5 (replicated)" },          \
	{ "VU-SRV-LG-012", "VU-LG-05", S, NULL, lg_bad, UP(LGB_START0), "START with page_size 0 gets [EINVAL]" },         \
	{ "VU-SRV-LG-013", "VU-LG-05", S, NULL, lg_bad, UP(LGB_START_TWICE),                                          \
	  "a second START with another page size gets [EINVAL]" },                                                   \
	{ "VU-SRV-LG-014", "VU-LG-06", S, NULL, lg_bad, UP(LGB_REP_SHORT), "REPORT with length < page_size gets [EINVAL]" }, \
	{ "VU-SRV-LG-015", "VU-LG-06", S, NULL, lg_bad, UP(LGB_REP_PART),                                            \
	  "REPORT of half a mapped window gets [ENOTSUP]" },                                                         \
	{ "VU-SRV-LG-016", "VU-LG-08", S, NULL, lg_layout, UP(16),                                                   \
	  "REPORT reply: argsz 40, the 24-byte echo, then an 8-byte bitmap for 16 pages" },                          \
	{ "VU-SRV-LG-017", "VU-MG-10", S, NULL, lg_bad, UP(LGB_REP_PG0), "REPORT with page_size 0 gets [EINVAL]" },       \
	{ "VU-SRV-LG-018", "VU-MG-10", S, NULL, lg_bad, UP(LGB_REP_PG3000),                                          \
	  "REPORT with page_size 3000 (not a power of two) gets [EINVAL]" },                                         \
	{ "VU-SRV-LG-019", "VU-MG-10", S, NULL, lg_layout, UP(65), "the bitmap of a 65-page window is 16 bytes" },   \
	{ "VU-SRV-LG-020", "VU-FT-04", S, NULL, lg_bad, UP(LGB_REP_ARGSZ),                                           \
	  "REPORT with argsz too small for the bitmap gets [EINVAL]" },                                              \
	{ "VU-SRV-LG-021", "VU-LG-10", S, NULL, lg_ranges, NULL,                                                     \
	  "whether START ranges restrict logging (implementation-defined; recorded)" }

#endif
