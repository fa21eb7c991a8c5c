/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals shared by the runner (runner.c), the report writers (report.c,
 * report-json.c) and the case context (conf.c): the record stream a forked
 * case writes to its parent, and one run's results.
 *
 * Records on the pipe: a type byte, a little-endian u32 length, the payload.
 * The child streams transcript lines as they happen, so a case that crashes
 * still leaves its transcript up to the crash; the verdict comes last.
 */
#ifndef VFSIM_CONF_INT_H
#define VFSIM_CONF_INT_H

#include "conf.h"

enum conf_rec {
	CONF_REC_LINE = 'T',		/* a transcript line */
	CONF_REC_VERDICT = 'V',		/* u32 verdict, then the detail text */
	CONF_REC_TARGET = 'D',		/* a struct conf_target image from discovery */
};

#define CONF_REC_MAX (64u * 1024)	/* bound on one record's payload */
#define CONF_PIPE_MAX (1u << 20)	/* bound on what one child may send */
#define CONF_TRANSCRIPT_LINES 400	/* bound on transcript lines per case */

/* Write one record; 0 or -errno. */
int conf_rec_write(int fd, int type, const void *data, size_t len);

/* How a result counts toward the exit code. */
enum conf_outcome {
	CONF_OUT_OK,		/* PASS, NOT-SUPPORTED, or NON-STRICT without --strict */
	CONF_OUT_EXPECTED,	/* a non-PASS verdict the expectation file names */
	CONF_OUT_FAILED,	/* a required case failed */
	CONF_OUT_UNEXPECTED_PASS,	/* expected to fail, passed: the file is stale */
	CONF_OUT_HARNESS,
};

struct conf_result {
	const struct conf_case *c;
	const struct conf_rule *rule;	/* NULL: not in the catalogue */
	int verdict;
	int expected;			/* -1 = no expectation */
	const char *expect_reason;
	enum conf_outcome outcome;
	char *detail;			/* malloc'd, never NULL */
	char *transcript;		/* malloc'd lines, never NULL */
	unsigned ms;
};

struct conf_expect {
	char *id;
	int verdict;
	char *reason;
	bool seen;			/* names a case of the suite */
	unsigned line;
};

struct conf_runstate {
	const struct conf_opts *o;
	struct conf_target target;
	struct conf_result *res;
	size_t nres;
	struct conf_expect *exp;
	size_t nexp;
	size_t nstale;			/* expectations naming no case */
	unsigned count[CONF_NVERDICTS];
	unsigned nfailed, nunexpected, nharness, nexpected;
	unsigned total_ms;
	int exit_code;
};

/* conf-vu.c: connect to the vfio-user server listening at @path: the fd, or -errno. */
int conf_vu_connect_socket(struct conf_ctx *ctx, const char *path);
/* @cmd with each {socket} replaced by @path in single quotes (a ' inside
 * becomes '\''), so the shell sees one word whatever the path holds: the
 * number of {socket}s replaced, or -E2BIG when @cap is too small. */
int conf_subst_socket(const char *cmd, const char *path, char *out, size_t cap);
/* In the built-in server's (forked) process: die with the parent, drop the
 * case's record pipe, build the device and a server (@cfg plus the run's
 * faults) and attach @fd. 0, or -errno (@fd closed); *ret_dev and *ret_s
 * are NULL or for the caller to free. */
int conf_vu_serve_open(struct conf_ctx *ctx, const struct vfsim_vu_server_config *cfg, int fd,
		       struct vfsim_dev **ret_dev, struct vfsim_vu_server **ret_s);

/* report.c */
const char *conf_role_names(unsigned roles, char *buf, size_t len);	/* "server,uapi" */
void conf_report_progress(FILE *f, const struct conf_runstate *rs, size_t i);
void conf_report_summary(FILE *f, const struct conf_runstate *rs);
int conf_report_tap(const struct conf_runstate *rs, const char *path);
int conf_report_junit(const struct conf_runstate *rs, const char *path);
/* report-json.c */
int conf_report_json(const struct conf_runstate *rs, const char *path);
/* report-html.c: one page, one row per rule with its cases' verdicts */
int conf_report_html(const struct conf_runstate *rs, const char *path);

#endif
