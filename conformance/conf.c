/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The case context: verdict names and ordering, the device-feature names a
 * case's `needs` may use, and the helpers that record a verdict, a detail
 * and transcript lines while a case runs (in the runner's forked child, so
 * transcript lines go straight down the pipe to the parent).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf-int.h"

static const char *const conf_verdict_names[CONF_NVERDICTS] = {
	[CONF_PASS] = "PASS",
	[CONF_NOT_SUPPORTED] = "NOT-SUPPORTED",
	[CONF_NON_STRICT] = "NON-STRICT",
	[CONF_FAIL] = "FAIL",
	[CONF_TIMEOUT] = "TIMEOUT",
	[CONF_PEER_CRASH] = "PEER-CRASH",
	[CONF_HARNESS_ERROR] = "HARNESS-ERROR",
};

const char *conf_verdict_name(int v)
{
	if (v < 0 || v >= CONF_NVERDICTS)
		return NULL;
	return conf_verdict_names[v];
}

int conf_verdict_parse(const char *name)
{
	int v;

	for (v = 0; v < CONF_NVERDICTS; v++)
		if (!strcmp(name, conf_verdict_names[v]))
			return v;
	return -EINVAL;
}

/* ---- features --------------------------------------------------------------- */

static const struct {
	unsigned bit;
	const char *name;
	const char *how;	/* how the target says it has it */
} conf_features[] = {
	{ CONF_FEAT_RESET, "reset", "GET_INFO flags has VFIO_DEVICE_FLAGS_RESET" },
	{ CONF_FEAT_DEV_CAPS, "dev-caps", "GET_INFO flags has VFIO_DEVICE_FLAGS_CAPS" },
	{ CONF_FEAT_DEV_REGION, "dev-region", "GET_INFO num_regions > 9 (a device-specific region)" },
	{ CONF_FEAT_INTX, "intx", "GET_IRQ_INFO(INTX) count > 0" },
	{ CONF_FEAT_MSI, "msi", "GET_IRQ_INFO(MSI) count > 0" },
	{ CONF_FEAT_MSIX, "msix", "GET_IRQ_INFO(MSIX) count > 0" },
	{ CONF_FEAT_ERR, "err", "GET_IRQ_INFO(ERR) count > 0" },
	{ CONF_FEAT_REQ, "req", "GET_IRQ_INFO(REQ) count > 0" },
	{ CONF_FEAT_PCIE, "pcie", "a PCI Express capability (id 0x10) in config space" },
	{ CONF_FEAT_VGA, "vga", "config class code 0x0300 (VGA-compatible)" },
	{ CONF_FEAT_MIGRATION, "migration", "DEVICE_FEATURE PROBE|GET MIGRATION returns 0" },
	{ CONF_FEAT_MIG_P2P, "mig-p2p", "migration_flags has VFIO_MIGRATION_P2P" },
	{ CONF_FEAT_MIG_PRECOPY, "mig-precopy", "migration_flags has VFIO_MIGRATION_PRE_COPY" },
	{ CONF_FEAT_DMA_LOGGING, "dma-logging", "DEVICE_FEATURE PROBE|SET DMA_LOGGING_START returns 0" },
	{ CONF_FEAT_HOT_RESET, "hot-reset", "GET_PCI_HOT_RESET_INFO returns 0" },
	{ CONF_FEAT_LOW_POWER, "low-power", "DEVICE_FEATURE PROBE|SET LOW_POWER_ENTRY returns 0" },
	{ CONF_FEAT_BAR, "bar", "GET_REGION_INFO of some BAR 0-5 reports a size" },
	{ CONF_FEAT_DMA_ENGINE, "dma-engine", "the device profile has an \"engine\" object (vfsim's DMA engine)" },
};

#define CONF_NFEATURES (sizeof(conf_features) / sizeof(conf_features[0]))

unsigned conf_feature_parse(const char *name)
{
	size_t i;

	for (i = 0; i < CONF_NFEATURES; i++)
		if (!strcmp(name, conf_features[i].name))
			return conf_features[i].bit;
	return 0;
}

const char *conf_feature_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < CONF_NFEATURES; i++)
		if (conf_features[i].bit == bit)
			return conf_features[i].name;
	return NULL;
}

const char *conf_feature_how(unsigned bit)
{
	size_t i;

	for (i = 0; i < CONF_NFEATURES; i++)
		if (conf_features[i].bit == bit)
			return conf_features[i].how;
	return NULL;
}

int conf_needs_met(const char *needs, unsigned have, char *reason, size_t len)
{
	char word[32];
	const char *p = needs;

	if (!needs)
		return 1;
	while (*p) {
		size_t n = strcspn(p, ",");
		bool neg = *p == '!';
		unsigned bit;

		if (n - neg == 0 || n - neg >= sizeof(word)) {
			snprintf(reason, len, "needs \"%s\": empty or overlong feature name", needs);
			return -EINVAL;
		}
		memcpy(word, p + neg, n - neg);
		word[n - neg] = '\0';
		bit = conf_feature_parse(word);
		if (!bit) {
			snprintf(reason, len, "needs \"%s\": unknown feature \"%s\"", needs, word);
			return -EINVAL;
		}
		if (!neg && !(have & bit)) {
			snprintf(reason, len, "target lacks %s (%s)", word, conf_feature_how(bit));
			return 0;
		}
		if (neg && (have & bit)) {
			snprintf(reason, len, "case needs a target without %s, and this one has it (%s)", word,
				 conf_feature_how(bit));
			return 0;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 1;
}

/* ---- the record stream ------------------------------------------------------- */

static int conf_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int conf_rec_write(int fd, int type, const void *data, size_t len)
{
	uint8_t hdr[5];
	int r;

	if (fd < 0)
		return 0;
	if (len > CONF_REC_MAX)
		len = CONF_REC_MAX;
	hdr[0] = (uint8_t)type;
	hdr[1] = len & 0xff;
	hdr[2] = (len >> 8) & 0xff;
	hdr[3] = (len >> 16) & 0xff;
	hdr[4] = (len >> 24) & 0xff;
	r = conf_write_all(fd, hdr, sizeof(hdr));
	if (r < 0)
		return r;
	return conf_write_all(fd, data, len);
}

/* ---- verdicts ----------------------------------------------------------------- */

static void conf_record(struct conf_ctx *ctx, int verdict, const char *fmt, va_list ap)
{
	size_t used = strlen(ctx->detail);
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (verdict > ctx->verdict)
		ctx->verdict = verdict;
	conf_note(ctx, "%s: %s", conf_verdict_name(verdict), msg);
	if (used + 3 >= sizeof(ctx->detail))
		return;
	snprintf(ctx->detail + used, sizeof(ctx->detail) - used, "%s%s", used ? "; " : "", msg);
}

int conf_pass(struct conf_ctx *ctx)
{
	return ctx->verdict;
}

int conf_fail(struct conf_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_record(ctx, CONF_FAIL, fmt, ap);
	va_end(ap);
	return CONF_FAIL;
}

int conf_non_strict(struct conf_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_record(ctx, CONF_NON_STRICT, fmt, ap);
	va_end(ap);
	return CONF_NON_STRICT;
}

/* A step the suite needed failed. When the target has already broken a rule
 * in this case (a FAIL is recorded: a reply that did not echo its id, say),
 * that violation is why the case cannot go on, so the verdict stays FAIL:
 * the target's fault, not the suite's. */
int conf_harness_error(struct conf_ctx *ctx, const char *fmt, ...)
{
	int verdict = ctx->verdict == CONF_FAIL ? CONF_FAIL : CONF_HARNESS_ERROR;
	va_list ap;

	va_start(ap, fmt);
	conf_record(ctx, verdict, fmt, ap);
	va_end(ap);
	return verdict;
}

static int conf_record_str(struct conf_ctx *ctx, int verdict, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_record(ctx, verdict, fmt, ap);
	va_end(ap);
	return verdict;
}

int conf_not_supported(struct conf_ctx *ctx, const char *reason)
{
	return conf_record_str(ctx, CONF_NOT_SUPPORTED, "%s", reason);
}

bool conf_check(struct conf_ctx *ctx, bool cond, const char *fmt, ...)
{
	va_list ap;

	if (cond)
		return true;
	va_start(ap, fmt);
	conf_record(ctx, CONF_FAIL, fmt, ap);
	va_end(ap);
	return false;
}

static const struct {
	int err;
	const char *name;
} conf_errnos[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" }, { EIO, "EIO" },
	{ E2BIG, "E2BIG" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
	{ ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { ENFILE, "ENFILE" }, { EMFILE, "EMFILE" },
	{ ENOTTY, "ENOTTY" }, { ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" }, { ENOSYS, "ENOSYS" },
	{ EOVERFLOW, "EOVERFLOW" }, { EBADFD, "EBADFD" }, { EPROTO, "EPROTO" },
	{ EBADMSG, "EBADMSG" }, { EOPNOTSUPP, "EOPNOTSUPP" }, { ETIMEDOUT, "ETIMEDOUT" },
	{ ENXIO, "ENXIO" }, { ESPIPE, "ESPIPE" },
};

const char *conf_errno_name(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(conf_errnos) / sizeof(conf_errnos[0]); i++)
		if (conf_errnos[i].err == err)
			return conf_errnos[i].name;
	return "E?";
}

int conf_expect_errno(struct conf_ctx *ctx, const char *what, int got, int want, bool spec_fixes_errno)
{
	if (want >= 0) {
		if (got >= 0)
			return CONF_PASS;
		return conf_fail(ctx, "%s: -%s where the spec requires success", what, conf_errno_name(got));
	}
	if (got >= 0)
		return conf_fail(ctx, "%s: succeeded (%d) where the spec requires -%s", what, got,
				 conf_errno_name(want));
	if (got == want)
		return CONF_PASS;
	if (spec_fixes_errno)
		return conf_fail(ctx, "%s: -%s, the spec requires -%s", what, conf_errno_name(got),
				 conf_errno_name(want));
	return conf_non_strict(ctx, "%s: -%s, the reference gives -%s (the spec does not fix the errno)",
			       what, conf_errno_name(got), conf_errno_name(want));
}

void conf_note(struct conf_ctx *ctx, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	if (ctx->nlines >= CONF_TRANSCRIPT_LINES)
		return;
	ctx->nlines++;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (ctx->nlines == CONF_TRANSCRIPT_LINES)
		n = snprintf(line, sizeof(line), "(transcript truncated at %u lines)", CONF_TRANSCRIPT_LINES);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	conf_rec_write(ctx->out_fd, CONF_REC_LINE, line, (size_t)n);
}

uint64_t conf_rand(struct conf_ctx *ctx)
{
	uint64_t x = ctx->rng ? ctx->rng : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	ctx->rng = x;
	return x * 0x2545f4914f6cdd1dull;
}
