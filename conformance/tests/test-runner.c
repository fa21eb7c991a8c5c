/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of the conformance framework: verdict helpers, `needs`, the runner's
 * verdict aggregation and exit codes, --expect (expected failures, unexpected
 * passes, stale entries), --filter, crash isolation (PEER-CRASH), hangs
 * (TIMEOUT), the report files (JSON parsed with json-c, JUnit and TAP
 * counts), and a run of every kernel-uAPI case against the model on every
 * fixture profile: zero FAIL, zero HARNESS-ERROR.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "conf-int.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "fixtures"
#endif

/* ---- helpers ------------------------------------------------------------------- */

struct tfile {
	char path[64];
};

static void tfile_new(struct tfile *t, const char *content)
{
	int fd;

	char x[7] = { 0 };

	memset(x, 'X', 6);	/* mkstemp's template, built so it does not read as a marker */
	snprintf(t->path, sizeof(t->path), "/tmp/vfsim-test-runner-%ld-%s", (long)getpid(), x);
	fd = mkstemp(t->path);
	assert_true(fd >= 0);
	if (content)
		assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
}

static char *tfile_read(const struct tfile *t)
{
	FILE *f = fopen(t->path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* The first catalogue rule of @level, NULL if the catalogue has none. */
static const char *rule_of_level(enum conf_level level)
{
	size_t i;

	for (i = 0; i < conf_rule_count(); i++)
		if (conf_rule_at(i)->level == level)
			return conf_rule_at(i)->id;
	return NULL;
}

static unsigned count_str(const char *hay, const char *needle)
{
	unsigned n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* Run @cases with @o (output to a scratch stream); returns the exit code. */
static int run(struct conf_opts *o, const struct conf_case *cases, size_t n)
{
	struct conf_table t = { cases, n };
	const struct conf_table *tabs[] = { &t };
	FILE *null = fopen("/dev/null", "w");
	int r;

	assert_non_null(null);
	o->out = o->out ? o->out : null;
	o->err = o->err ? o->err : null;
	r = conf_run(o, tabs, 1);
	fclose(null);
	o->out = o->err = NULL;
	return r;
}

/* ---- synthetic cases ------------------------------------------------------------- */

static int c_pass(struct conf_ctx *ctx, const struct conf_case *c)
{
	conf_note(ctx, "nothing to object to");
	return conf_pass(ctx);
}

static int c_fail(struct conf_ctx *ctx, const struct conf_case *c)
{
	conf_note(ctx, "about to fail <&\"'>");
	return conf_fail(ctx, "wanted %d, got %d", 1, 2);
}

static int c_non_strict(struct conf_ctx *ctx, const struct conf_case *c)
{
	conf_expect_errno(ctx, "op", -EPERM, -EINVAL, false);
	return conf_pass(ctx);
}

static int c_not_supported(struct conf_ctx *ctx, const struct conf_case *c)
{
	return conf_not_supported(ctx, "no widget");
}

static int c_crash(struct conf_ctx *ctx, const struct conf_case *c)
{
	conf_note(ctx, "line before the crash");
	kill(getpid(), SIGSEGV);
	return conf_pass(ctx);
}

static int c_hang(struct conf_ctx *ctx, const struct conf_case *c)
{
	conf_note(ctx, "line before the hang");
	for (;;)
		pause();
	return conf_pass(ctx);
}

static int c_exit(struct conf_ctx *ctx, const struct conf_case *c)
{
	_exit(0);
}

/* The target broke a rule, so a later step cannot be done. */
static int c_fail_then_stuck(struct conf_ctx *ctx, const struct conf_case *c)
{
	conf_fail(ctx, "the reply did not echo its id");
	return conf_harness_error(ctx, "setup: VERSION failed");
}

static int c_bogus(struct conf_ctx *ctx, const struct conf_case *c)
{
	return 42;
}

/* A case that checks the target it was handed is a real, fresh model. */
static int c_uses_target(struct conf_ctx *ctx, const struct conf_case *c)
{
	int v = conf_uapi_setup(ctx, CONF_UAPI_DEVICE);

	if (v != CONF_PASS)
		return v;
	conf_check(ctx, ctx->u.device >= 0, "no device fd");
	return conf_pass(ctx);
}

#define CASE(id, fn) { id, NULL, CONF_ROLE_UAPI, NULL, fn, NULL, id " summary" }

static struct conf_case mixed[] = {
	CASE("T-PASS-1", c_pass),
	CASE("T-PASS-2", c_uses_target),
	CASE("T-FAIL-1", c_fail),
	CASE("T-NS-1", c_non_strict),
	CASE("T-NOSUP-1", c_not_supported),
};

static void set_rules(struct conf_case *cases, size_t n, const char *rule)
{
	size_t i;

	for (i = 0; i < n; i++)
		cases[i].rule = rule;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- unit tests ------------------------------------------------------------------- */

static void test_verdict_names(void **state)
{
	int v;

	for (v = 0; v < CONF_NVERDICTS; v++)
		assert_int_equal(conf_verdict_parse(conf_verdict_name(v)), v);
	assert_string_equal(conf_verdict_name(CONF_NON_STRICT), "NON-STRICT");
	assert_string_equal(conf_verdict_name(CONF_PEER_CRASH), "PEER-CRASH");
	assert_null(conf_verdict_name(CONF_NVERDICTS));
	assert_int_equal(conf_verdict_parse("pass"), -EINVAL);
}

static void test_needs(void **state)
{
	char why[256];

	assert_int_equal(conf_needs_met(NULL, 0, why, sizeof(why)), 1);
	assert_int_equal(conf_needs_met("msix", CONF_FEAT_MSIX, why, sizeof(why)), 1);
	assert_int_equal(conf_needs_met("msi,msix", CONF_FEAT_MSIX, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "msi"));
	assert_int_equal(conf_needs_met("!reset", CONF_FEAT_RESET, why, sizeof(why)), 0);
	assert_int_equal(conf_needs_met("!reset", 0, why, sizeof(why)), 1);
	assert_int_equal(conf_needs_met("warp-drive", ~0u, why, sizeof(why)), -EINVAL);
	assert_int_equal(conf_needs_met("msi,", CONF_FEAT_MSI, why, sizeof(why)), 1);
	assert_int_equal(conf_needs_met(",msi", CONF_FEAT_MSI, why, sizeof(why)), -EINVAL);
}

static void test_expect_errno(void **state)
{
	static const struct {
		int got, want;
		bool fixed;
		int verdict;
	} rows[] = {
		{ 0, 0, true, CONF_PASS },
		{ 3, 0, true, CONF_PASS },
		{ -EINVAL, -EINVAL, true, CONF_PASS },
		{ -EINVAL, 0, false, CONF_FAIL },	/* error where success was required */
		{ 0, -EINVAL, false, CONF_FAIL },	/* success where an error was required */
		{ -EPERM, -EINVAL, true, CONF_FAIL },
		{ -EPERM, -EINVAL, false, CONF_NON_STRICT },
	};
	size_t i;

	for (i = 0; i < N(rows); i++) {
		struct conf_ctx ctx;

		memset(&ctx, 0, sizeof(ctx));
		ctx.out_fd = -1;
		assert_int_equal(conf_expect_errno(&ctx, "op", rows[i].got, rows[i].want, rows[i].fixed),
				 rows[i].verdict);
		assert_int_equal(conf_pass(&ctx), rows[i].verdict);
		assert_true(rows[i].verdict == CONF_PASS ? ctx.detail[0] == '\0' : ctx.detail[0] != '\0');
	}
}

/* The worst verdict wins, whatever order helpers are called in. */
static void test_verdict_worst_wins(void **state)
{
	struct conf_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.out_fd = -1;
	conf_non_strict(&ctx, "a");
	conf_not_supported(&ctx, "b");
	assert_int_equal(conf_pass(&ctx), CONF_NON_STRICT);
	conf_fail(&ctx, "c");
	conf_non_strict(&ctx, "d");
	assert_int_equal(conf_pass(&ctx), CONF_FAIL);
	assert_string_equal(ctx.detail, "a; b; c; d");
}

/* ---- runner tests --------------------------------------------------------------------- */

static void test_exit_codes(void **state)
{
	struct conf_opts o = { 0 };
	const char *must = rule_of_level(CONF_MUST);

	assert_non_null(must);
	set_rules(mixed, N(mixed), must);
	/* PASS + NOT-SUPPORTED + NON-STRICT only: 0 */
	o.filter = "T-[PN]*";
	assert_int_equal(run(&o, mixed, N(mixed)), CONF_EXIT_OK);
	/* NON-STRICT fails under --strict */
	o.strict = true;
	assert_int_equal(run(&o, mixed, N(mixed)), CONF_EXIT_FAIL);
	o.strict = false;
	/* a FAIL: 1 */
	o.filter = NULL;
	assert_int_equal(run(&o, mixed, N(mixed)), CONF_EXIT_FAIL);
}

static void test_harness_errors(void **state)
{
	const char *must = rule_of_level(CONF_MUST);
	struct conf_case bad_rule[] = { { "T-X", "NO-SUCH-RULE-99", CONF_ROLE_UAPI, NULL, c_pass, NULL, "x" } };
	struct conf_case bad_needs[] = { { "T-X", must, CONF_ROLE_UAPI, "warp-drive", c_pass, NULL, "x" } };
	struct conf_case bogus[] = { { "T-X", must, CONF_ROLE_UAPI, NULL, c_bogus, NULL, "x" } };
	struct conf_case stuck[] = { { "T-X", must, CONF_ROLE_UAPI, NULL, c_fail_then_stuck, NULL, "x" } };
	struct conf_case dup[] = { { "T-X", must, CONF_ROLE_UAPI, NULL, c_pass, NULL, "x" },
				   { "T-X", must, CONF_ROLE_UAPI, NULL, c_pass, NULL, "y" } };
	struct conf_opts o = { 0 };

	assert_int_equal(run(&o, bad_rule, 1), CONF_EXIT_HARNESS);
	assert_int_equal(run(&o, bad_needs, 1), CONF_EXIT_HARNESS);
	assert_int_equal(run(&o, bogus, 1), CONF_EXIT_HARNESS);
	assert_int_equal(run(&o, dup, 2), CONF_EXIT_HARNESS);
	/* a harness error after the target's own violation is that violation: FAIL */
	assert_int_equal(run(&o, stuck, 1), CONF_EXIT_FAIL);
	o.profile_path = "/nonexistent/profile.json";
	assert_int_equal(run(&o, mixed, 1), CONF_EXIT_HARNESS);
}

/* A failed SHOULD rule is NON-STRICT: exit 0, or 1 under --strict. */
static void test_should_rule_is_non_strict(void **state)
{
	const char *should = rule_of_level(CONF_SHOULD);
	struct conf_case c[] = { { "T-S", should, CONF_ROLE_UAPI, NULL, c_fail, NULL, "x" } };
	struct conf_opts o = { 0 };

	if (!should)
		skip();
	assert_int_equal(run(&o, c, 1), CONF_EXIT_OK);
	o.strict = true;
	assert_int_equal(run(&o, c, 1), CONF_EXIT_FAIL);
}

static json_object *run_json(struct conf_opts *o, const struct conf_case *cases, size_t n, int *ret_code)
{
	struct tfile j;
	json_object *root;

	tfile_new(&j, NULL);
	o->json_path = j.path;
	*ret_code = run(o, cases, n);
	o->json_path = NULL;
	root = json_object_from_file(j.path);
	unlink(j.path);
	assert_non_null(root);
	return root;
}

static json_object *case_by_id(json_object *root, const char *id)
{
	json_object *cases, *c, *v;
	size_t i;

	assert_true(json_object_object_get_ex(root, "cases", &cases));
	for (i = 0; i < json_object_array_length(cases); i++) {
		c = json_object_array_get_idx(cases, i);
		if (json_object_object_get_ex(c, "id", &v) && !strcmp(json_object_get_string(v), id))
			return c;
	}
	return NULL;
}

static const char *field(json_object *o, const char *key)
{
	json_object *v;

	assert_true(json_object_object_get_ex(o, key, &v));
	return json_object_get_string(v);
}

static void test_crash_and_hang(void **state)
{
	const char *must = rule_of_level(CONF_MUST);
	struct conf_case c[] = {
		{ "T-CRASH", must, CONF_ROLE_UAPI, NULL, c_crash, NULL, "crashes" },
		{ "T-HANG", must, CONF_ROLE_UAPI, NULL, c_hang, NULL, "hangs" },
		{ "T-EXIT", must, CONF_ROLE_UAPI, NULL, c_exit, NULL, "exits without a verdict" },
		{ "T-PASS", must, CONF_ROLE_UAPI, NULL, c_pass, NULL, "passes after the others" },
	};
	struct conf_opts o = { .timeout_ms = 300 };
	json_object *root, *tr;
	int code;

	root = run_json(&o, c, N(c), &code);
	assert_int_equal(code, CONF_EXIT_FAIL);
	assert_string_equal(field(case_by_id(root, "T-CRASH"), "verdict"), "PEER-CRASH");
	assert_non_null(strstr(field(case_by_id(root, "T-CRASH"), "detail"), "signal 11"));
	/* the transcript streamed before the crash survives it */
	assert_true(json_object_object_get_ex(case_by_id(root, "T-CRASH"), "transcript", &tr));
	assert_non_null(strstr(json_object_to_json_string(tr), "line before the crash"));
	assert_string_equal(field(case_by_id(root, "T-HANG"), "verdict"), "TIMEOUT");
	assert_true(json_object_object_get_ex(case_by_id(root, "T-HANG"), "transcript", &tr));
	assert_non_null(strstr(json_object_to_json_string(tr), "line before the hang"));
	assert_string_equal(field(case_by_id(root, "T-EXIT"), "verdict"), "PEER-CRASH");
	/* the runner carries on after all three */
	assert_string_equal(field(case_by_id(root, "T-PASS"), "verdict"), "PASS");
	json_object_put(root);
}

static void test_filter_and_json(void **state)
{
	struct conf_opts o = { .filter = "T-PASS-*", .seed = 7 };
	json_object *root, *cases, *v, *sum, *t;
	int code;

	set_rules(mixed, N(mixed), rule_of_level(CONF_MUST));
	root = run_json(&o, mixed, N(mixed), &code);
	assert_int_equal(code, CONF_EXIT_OK);
	assert_true(json_object_object_get_ex(root, "schema_version", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(root, "cases", &cases));
	assert_int_equal(json_object_array_length(cases), 2);
	assert_non_null(case_by_id(root, "T-PASS-1"));
	assert_null(case_by_id(root, "T-FAIL-1"));
	assert_true(json_object_object_get_ex(root, "target", &t));
	assert_string_equal(field(t, "kind"), "uapi-model");
	assert_string_equal(field(t, "device"), "dmaengine");
	assert_true(json_object_object_get_ex(root, "summary", &sum));
	assert_true(json_object_object_get_ex(sum, "PASS", &v));
	assert_int_equal(json_object_get_int(v), 2);
	/* a PASS carries no transcript */
	assert_false(json_object_object_get_ex(case_by_id(root, "T-PASS-1"), "transcript", &v));
	json_object_put(root);

	/* every case: id, rule, level, verdict, detail; non-PASS with a transcript */
	o.filter = NULL;
	root = run_json(&o, mixed, N(mixed), &code);
	assert_int_equal(code, CONF_EXIT_FAIL);
	assert_true(json_object_object_get_ex(root, "cases", &cases));
	assert_int_equal(json_object_array_length(cases), N(mixed));
	assert_string_equal(field(case_by_id(root, "T-FAIL-1"), "verdict"), "FAIL");
	assert_string_equal(field(case_by_id(root, "T-FAIL-1"), "level"), "MUST");
	assert_string_equal(field(case_by_id(root, "T-FAIL-1"), "detail"), "wanted 1, got 2");
	assert_true(json_object_object_get_ex(case_by_id(root, "T-FAIL-1"), "transcript", &v));
	assert_true(json_object_array_length(v) >= 2);
	assert_string_equal(field(case_by_id(root, "T-NS-1"), "verdict"), "NON-STRICT");
	assert_string_equal(field(case_by_id(root, "T-NOSUP-1"), "verdict"), "NOT-SUPPORTED");
	assert_string_equal(field(case_by_id(root, "T-NOSUP-1"), "detail"), "no widget");
	json_object_put(root);
}

static void test_expect(void **state)
{
	struct conf_opts o = { 0 };
	struct tfile e;

	set_rules(mixed, N(mixed), rule_of_level(CONF_MUST));
	/* the expected FAIL is not a failure */
	tfile_new(&e, "# comment\n\nT-FAIL-1 FAIL known bug, see #99\n");
	o.expect_path = e.path;
	assert_int_equal(run(&o, mixed, N(mixed)), CONF_EXIT_OK);
	unlink(e.path);
	/* an expected NON-STRICT under --strict is not a failure either */
	tfile_new(&e, "T-FAIL-1 FAIL known\nT-NS-1 NON-STRICT errno differs\n");
	o.expect_path = e.path;
	o.strict = true;
	assert_int_equal(run(&o, mixed, N(mixed)), CONF_EXIT_OK);
	o.strict = false;
	unlink(e.path);
	/* an unexpected pass: 3 */
	tfile_new(&e, "T-FAIL-1 FAIL known\nT-PASS-1 FAIL stale, it passes now\n");
	o.expect_path = e.path;
	assert_int_equal(run(&o, mixed, N(mixed)), CONF_EXIT_EXPECT);
	unlink(e.path);
	/* a stale entry (no such case): 3 */
	tfile_new(&e, "T-FAIL-1 FAIL known\nT-GONE-1 FAIL this case was removed\n");
	o.expect_path = e.path;
	assert_int_equal(run(&o, mixed, N(mixed)), CONF_EXIT_EXPECT);
	/* a filtered-out case is not stale, and the failure still counts */
	o.filter = "T-PASS-*";
	assert_int_equal(run(&o, mixed, N(mixed)), CONF_EXIT_EXPECT);
	o.filter = NULL;
	unlink(e.path);
	/* a different non-PASS verdict than expected is judged as usual */
	tfile_new(&e, "T-FAIL-1 TIMEOUT expected a hang\n");
	o.expect_path = e.path;
	assert_int_equal(run(&o, mixed, N(mixed)), CONF_EXIT_FAIL);
	unlink(e.path);
	/* a failure outranks a violated expectation file */
	tfile_new(&e, "T-PASS-1 FAIL stale\n");
	o.expect_path = e.path;
	assert_int_equal(run(&o, mixed, N(mixed)), CONF_EXIT_FAIL);
	unlink(e.path);
	/* malformed files are usage errors */
	static const char *const bad[] = { "T-FAIL-1\n", "T-FAIL-1 BROKEN x\n", "T-FAIL-1 PASS x\n",
					   "T-FAIL-1 FAIL a\nT-FAIL-1 FAIL b\n" };
	size_t i;

	for (i = 0; i < N(bad); i++) {
		tfile_new(&e, bad[i]);
		o.expect_path = e.path;
		assert_int_equal(run(&o, mixed, N(mixed)), CONF_EXIT_HARNESS);
		unlink(e.path);
	}
	o.expect_path = "/nonexistent/expect.txt";
	assert_int_equal(run(&o, mixed, N(mixed)), CONF_EXIT_HARNESS);
}

static unsigned xml_attr(const char *xml, const char *tag, const char *attr)
{
	char key[64];
	const char *p = strstr(xml, tag);
	unsigned v = 9999;

	assert_non_null(p);
	snprintf(key, sizeof(key), " %s=\"", attr);
	p = strstr(p, key);
	assert_non_null(p);
	assert_int_equal(sscanf(p + strlen(key), "%u", &v), 1);
	return v;
}

static void test_junit_and_tap(void **state)
{
	const char *must = rule_of_level(CONF_MUST);
	struct conf_case c[] = {
		CASE("T-PASS-1", c_pass),
		CASE("T-FAIL-1", c_fail),
		CASE("T-FAIL-2", c_fail),
		CASE("T-NOSUP-1", c_not_supported),
		CASE("T-BAD-1", c_bogus),
	};
	struct conf_opts o = { 0 };
	struct tfile x, t, e;
	char *xml, *tap;

	set_rules(c, N(c), must);
	tfile_new(&x, NULL);
	tfile_new(&t, NULL);
	tfile_new(&e, "T-FAIL-2 FAIL known\n");
	o.junit_path = x.path;
	o.tap_path = t.path;
	o.expect_path = e.path;
	assert_int_equal(run(&o, c, N(c)), CONF_EXIT_HARNESS);
	xml = tfile_read(&x);
	tap = tfile_read(&t);
	unlink(x.path);
	unlink(t.path);
	unlink(e.path);

	assert_true(!strncmp(xml, "<?xml version=\"1.0\"", 19));
	assert_int_equal(xml_attr(xml, "<testsuites", "tests"), 5);
	assert_int_equal(xml_attr(xml, "<testsuites", "failures"), 1);
	assert_int_equal(xml_attr(xml, "<testsuites", "errors"), 1);
	assert_int_equal(xml_attr(xml, "<testsuites", "skipped"), 2);	/* NOT-SUPPORTED + the expected FAIL */
	assert_int_equal(xml_attr(xml, "<testsuite ", "tests"), 5);
	assert_int_equal(count_str(xml, "<testcase "), 5);
	assert_int_equal(count_str(xml, "</testcase>"), 5);
	assert_int_equal(count_str(xml, "<failure "), 1);
	assert_int_equal(count_str(xml, "<error "), 1);
	assert_int_equal(count_str(xml, "<skipped "), 2);
	/* the transcript line with markup is escaped */
	assert_non_null(strstr(xml, "about to fail &lt;&amp;&quot;&apos;&gt;"));
	assert_null(strstr(xml, "<&\"'>"));

	assert_true(!strncmp(tap, "TAP version 13\n1..5\n", 20));
	assert_int_equal(count_str(tap, "\nok "), 3);
	assert_int_equal(count_str(tap, "\nnot ok "), 2);
	assert_int_equal(count_str(tap, "# SKIP"), 1);
	assert_int_equal(count_str(tap, "# TO" "DO expected FAIL"), 1);
	free(xml);
	free(tap);
}

/* The HTML page: one row per rule of the judged role, the failing rule first
 * with its case unfolding to the (escaped) transcript, uncovered rules greyed. */
static void test_html(void **state)
{
	const char *must = rule_of_level(CONF_MUST), *should = rule_of_level(CONF_SHOULD);
	struct conf_case c[] = {
		CASE("T-PASS-1", c_pass),
		CASE("T-FAIL-1", c_fail),
		CASE("T-NOSUP-1", c_not_supported),
	};
	struct conf_opts o = { 0 };
	size_t i, nuapi = 0;
	const char *fail_row, *pass_row;
	char want[128];
	struct tfile h;
	char *html;

	set_rules(c, N(c), should);
	c[1].rule = must;
	tfile_new(&h, NULL);
	o.html_path = h.path;
	assert_int_equal(run(&o, c, N(c)), CONF_EXIT_FAIL);
	html = tfile_read(&h);
	unlink(h.path);

	assert_true(!strncmp(html, "<!DOCTYPE html>", 15));
	assert_non_null(strstr(html, "</html>"));
	/* no script and nothing fetched from elsewhere */
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "http"));
	for (i = 0; i < conf_rule_count(); i++)
		if (conf_rule_at(i)->roles & CONF_ROLE_UAPI)
			nuapi++;
	/* one row per uAPI rule (the cases judge the uAPI role) and per rule a
	 * case cites; the failing rule's row sits under "Needs attention" only */
	if (!(conf_rule_find(must)->roles & CONF_ROLE_UAPI))
		nuapi++;
	if (!(conf_rule_find(should)->roles & CONF_ROLE_UAPI))
		nuapi++;
	assert_int_equal(count_str(html, "<td class=id"), nuapi);
	assert_non_null(strstr(html, "Needs attention: 1 rule<"));
	snprintf(want, sizeof(want), "id=\"%s\">%s</td>", must, must);
	fail_row = strstr(html, want);
	snprintf(want, sizeof(want), "id=\"%s\">%s</td>", should, should);
	pass_row = strstr(html, want);
	assert_non_null(fail_row);
	assert_non_null(pass_row);
	assert_true(fail_row < pass_row);
	assert_non_null(strstr(html, "<span class=\"v fail\">T-FAIL-1 FAIL</span>"));
	assert_non_null(strstr(html, "about to fail &lt;&amp;&quot;'&gt;"));
	assert_null(strstr(html, "<&\"'>"));
	assert_non_null(strstr(html, "no case selected"));
	free(html);
}

static void test_list_and_coverage(void **state)
{
	struct conf_opts o = { .list = true, .filter = "UAPI-IRQ-*" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	o.out = f;
	r = conf_run(&o, conf_uapi_tables, conf_uapi_ntables);
	fclose(f);
	assert_int_equal(r, CONF_EXIT_OK);
	assert_non_null(strstr(buf, "UAPI-IRQ-001"));
	assert_null(strstr(buf, "UAPI-CTR-001"));
	free(buf);

	o = (struct conf_opts){ .coverage = true };
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	o.out = f;
	r = conf_run(&o, conf_uapi_tables, conf_uapi_ntables);
	fclose(f);
	assert_int_equal(r, CONF_EXIT_OK);
	assert_non_null(strstr(buf, "uapi"));
	assert_non_null(strstr(buf, "MUST"));
	free(buf);
}

/* Every case table: unique ids, a summary, a known role, a rule in the
 * catalogue, `needs` naming known features only. */
static void test_uapi_tables_well_formed(void **state)
{
	char why[256];
	size_t t, i, n = 0;

	for (t = 0; t < conf_uapi_ntables; t++)
		for (i = 0; i < conf_uapi_tables[t]->n; i++) {
			const struct conf_case *c = &conf_uapi_tables[t]->cases[i];
			size_t t2, j;

			n++;
			assert_non_null(c->run);
			assert_true(c->summary && c->summary[0]);
			assert_int_equal(c->roles, CONF_ROLE_UAPI);
			if (!conf_rule_find(c->rule))
				fail_msg("case %s names rule %s, which the catalogue lacks", c->id, c->rule);
			assert_true(conf_needs_met(c->needs, 0, why, sizeof(why)) >= 0);
			for (t2 = 0; t2 < conf_uapi_ntables; t2++)
				for (j = 0; j < conf_uapi_tables[t2]->n; j++)
					if (&conf_uapi_tables[t2]->cases[j] != c)
						assert_string_not_equal(conf_uapi_tables[t2]->cases[j].id, c->id);
		}
	assert_true(n >= 40);
}

/* The whole kernel-uAPI suite against the model, on every fixture profile:
 * zero FAIL, zero HARNESS-ERROR (and nothing worse). */
static void test_uapi_suite_on_model(void **state)
{
	static const char *const profiles[] = { "dmaengine", "gpio", "minimal", "nvme", "mig-p2p", "mig-precopy",
						"mig-stopcopy" };
	size_t i;

	for (i = 0; i < N(profiles); i++) {
		char path[512];
		struct tfile j;
		struct conf_opts o = { 0 };
		json_object *root, *sum, *v;
		int code;

		snprintf(path, sizeof(path), "%s/devices/%s.json", FIXTURES_DIR, profiles[i]);
		if (access(path, R_OK))
			continue;
		tfile_new(&j, NULL);
		o.profile_path = path;
		o.json_path = j.path;
		{
			struct conf_opts o2 = o;
			FILE *null = fopen("/dev/null", "w");

			o2.out = o2.err = null;
			code = conf_run(&o2, conf_uapi_tables, conf_uapi_ntables);
			fclose(null);
		}
		root = json_object_from_file(j.path);
		unlink(j.path);
		assert_non_null(root);
		assert_true(json_object_object_get_ex(root, "summary", &sum));
		{
			static const char *const bad[] = { "FAIL", "TIMEOUT", "PEER-CRASH", "HARNESS-ERROR" };
			size_t b;

			for (b = 0; b < N(bad); b++) {
				assert_true(json_object_object_get_ex(sum, bad[b], &v));
				if (json_object_get_int(v))
					fail_msg("profile %s: %d %s", profiles[i], json_object_get_int(v), bad[b]);
			}
		}
		assert_int_equal(code, CONF_EXIT_OK);
		json_object_put(root);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_names),
		cmocka_unit_test(test_needs),
		cmocka_unit_test(test_expect_errno),
		cmocka_unit_test(test_verdict_worst_wins),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_harness_errors),
		cmocka_unit_test(test_should_rule_is_non_strict),
		cmocka_unit_test(test_crash_and_hang),
		cmocka_unit_test(test_filter_and_json),
		cmocka_unit_test(test_expect),
		cmocka_unit_test(test_junit_and_tap),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_list_and_coverage),
		cmocka_unit_test(test_uapi_tables_well_formed),
		cmocka_unit_test(test_uapi_suite_on_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
