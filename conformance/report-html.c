/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTML report (--html FILE): one self-contained page (inline CSS, no
 * scripts, no external assets) with the run's summary, a bar per role, and
 * one row per rule of the catalogue with the verdict of every case that
 * cites it. Rules whose cases did not all pass come first, so the page opens
 * on what needs attention; each non-PASS case unfolds (<details>) to its
 * detail and message transcript. Rules no selected case cites are listed
 * last, greyed, so coverage holes are visible too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf-int.h"

static const char *const html_verdict_class[CONF_NVERDICTS] = {
	[CONF_PASS] = "pass", [CONF_NOT_SUPPORTED] = "ns", [CONF_NON_STRICT] = "nst", [CONF_FAIL] = "fail",
	[CONF_TIMEOUT] = "to", [CONF_PEER_CRASH] = "crash", [CONF_HARNESS_ERROR] = "herr",
};

static void html_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

static const char html_style[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}"
	"header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:20px}"
	"header p{margin:0;color:#c5cbd6}main{padding:20px 28px}"
	".cards{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 18px}"
	".card{background:#fff;border-radius:8px;padding:10px 14px;min-width:92px;box-shadow:0 1px 2px #0002}"
	".card b{display:block;font-size:22px}.card span{font-size:12px;color:#5a6272}"
	".exit{font-weight:600;padding:3px 10px;border-radius:12px}.exit.ok{background:#d9f2de;color:#185c2a}"
	".exit.bad{background:#fbdada;color:#8a1c1c}"
	".roles{display:grid;grid-template-columns:90px 1fr 260px;gap:6px 12px;align-items:center;margin-bottom:22px}"
	".bar{display:flex;height:14px;border-radius:7px;overflow:hidden;background:#e3e6eb}"
	".bar i{display:block;height:100%}"
	"table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0002;border-radius:8px}"
	"th,td{padding:7px 10px;border-bottom:1px solid #eceef2;vertical-align:top;text-align:left}"
	"th{background:#eef0f4;font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:#4a5263}"
	"td.id{white-space:nowrap;font-family:ui-monospace,monospace;font-size:13px}"
	".ref{color:#6a7282;font-size:12px}tr.none td{color:#98a0ae}"
	".lvl{font-size:11px;font-weight:600;padding:1px 6px;border-radius:4px;background:#e3e6eb}"
	".lvl.MUST{background:#1d2330;color:#fff}"
	".v{display:inline-block;font:600 11px ui-monospace,monospace;padding:2px 6px;margin:1px 2px 1px 0;"
	"border-radius:4px}"
	".pass{background:#d9f2de;color:#185c2a}.ns{background:#e3e6eb;color:#4a5263}"
	".nst{background:#fdf0c8;color:#6d5200}.fail{background:#fbdada;color:#8a1c1c}"
	".to{background:#f6d9f0;color:#6b1a5c}.crash{background:#8a1c1c;color:#fff}"
	".herr{background:#3c4250;color:#fff}"
	"i.pass{background:#3fa557}i.ns{background:#b9bfca}i.nst{background:#e3b32a}i.fail{background:#d64545}"
	"i.to{background:#b04fa0}i.crash{background:#7a1010}i.herr{background:#3c4250}"
	"details{margin:3px 0}summary{cursor:pointer}"
	"pre{white-space:pre-wrap;background:#f3f4f7;padding:8px;border-radius:6px;font-size:12px;max-height:340px;"
	"overflow:auto}h2{font-size:16px;margin:22px 0 8px}";

struct html_rule_row {
	const struct conf_rule *rule;
	int worst;			/* -1: no case cites it */
	size_t first;			/* first result index citing it (order) */
};

static int html_row_cmp(const void *a, const void *b)
{
	const struct html_rule_row *x = a, *y = b;
	bool xa = x->worst > CONF_NOT_SUPPORTED, ya = y->worst > CONF_NOT_SUPPORTED;

	/* attention first, then rules with cases, then uncovered; catalogue order within */
	if (xa != ya)
		return xa ? -1 : 1;
	if ((x->worst < 0) != (y->worst < 0))
		return x->worst < 0 ? 1 : -1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static void html_role_bar(FILE *f, const struct conf_runstate *rs, unsigned role, const char *name)
{
	unsigned cnt[CONF_NVERDICTS] = { 0 }, total = 0;
	size_t i;
	int v;

	for (i = 0; i < rs->nres; i++) {
		const struct conf_result *r = &rs->res[i];

		if (!(r->c->roles & role))
			continue;
		cnt[r->verdict]++;
		total++;
	}
	if (!total)
		return;
	fprintf(f, "<div><b>%s</b></div><div class=bar>", name);
	for (v = 0; v < CONF_NVERDICTS; v++)
		if (cnt[v])
			fprintf(f, "<i class=%s style=\"width:%.2f%%\" title=\"%s %u\"></i>", html_verdict_class[v],
				100.0 * cnt[v] / total, conf_verdict_name(v), cnt[v]);
	fprintf(f, "</div><div>%u cases: %u pass", total, cnt[CONF_PASS]);
	for (v = CONF_NOT_SUPPORTED; v < CONF_NVERDICTS; v++)
		if (cnt[v])
			fprintf(f, ", %u %s", cnt[v], conf_verdict_name(v));
	fputs("</div>\n", f);
}

static void html_case(FILE *f, const struct conf_result *r)
{
	const char *cls = html_verdict_class[r->verdict];

	if (r->verdict == CONF_PASS) {
		fprintf(f, "<span class=\"v pass\" title=\"");
		html_esc(f, r->c->summary);
		fprintf(f, "\">%s</span>", r->c->id);
		return;
	}
	fprintf(f, "<details><summary><span class=\"v %s\">%s %s</span>", cls, r->c->id,
		conf_verdict_name(r->verdict));
	if (r->expected >= 0)
		fputs(" <span class=\"v ns\">expected</span>", f);
	fputs(" ", f);
	html_esc(f, r->c->summary);
	fputs("</summary><pre>", f);
	html_esc(f, r->detail);
	if (r->expect_reason) {
		fputs("\nexpectation: ", f);
		html_esc(f, r->expect_reason);
	}
	if (r->transcript && r->transcript[0]) {
		fputs("\n\n", f);
		html_esc(f, r->transcript);
	}
	fputs("</pre></details>", f);
}

static void html_rows(FILE *f, const struct conf_runstate *rs, const struct html_rule_row *rows, size_t n)
{
	char roles[64];
	size_t i, j;

	fputs("<table><tr><th>Rule</th><th>Level</th><th>Role</th><th>What it says</th><th>Cases</th></tr>\n", f);
	for (i = 0; i < n; i++) {
		const struct conf_rule *rule = rows[i].rule;

		fprintf(f, "<tr%s><td class=id id=\"%s\">%s</td><td><span class=\"lvl %s\">%s</span></td><td>%s</td><td>",
			rows[i].worst < 0 ? " class=none" : "", rule->id, rule->id,
			rule->level == CONF_MUST ? "MUST" : "", conf_level_name(rule->level),
			conf_role_names(rule->roles, roles, sizeof(roles)));
		html_esc(f, rule->text);
		fputs("<div class=ref>", f);
		html_esc(f, rule->ref);
		fputs("</div></td><td>", f);
		if (rows[i].worst < 0)
			fputs("no case selected", f);
		for (j = 0; j < rs->nres; j++)
			if (rs->res[j].rule == rule)
				html_case(f, &rs->res[j]);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

int conf_report_html(const struct conf_runstate *rs, const char *path)
{
	size_t nrules = conf_rule_count(), n = 0, nattention = 0, i, j;
	struct html_rule_row *rows = calloc(nrules ? nrules : 1, sizeof(*rows));
	unsigned roles_run = 0;
	FILE *f;
	int v, r = 0;

	if (!rows)
		return -ENOMEM;
	for (i = 0; i < rs->nres; i++)
		roles_run |= rs->res[i].c->roles;
	for (i = 0; i < nrules; i++) {
		const struct conf_rule *rule = conf_rule_at(i);
		struct html_rule_row *row = &rows[n];

		/* only the roles this run judged (a client run lists no uAPI
		 * rules), and any rule a case of the run cites */
		for (j = 0; j < rs->nres && rs->res[j].rule != rule; j++)
			;
		if (!(rule->roles & roles_run) && j == rs->nres)
			continue;
		row->rule = rule;
		row->worst = -1;
		row->first = nrules + i;
		for (j = 0; j < rs->nres; j++) {
			if (rs->res[j].rule != rule)
				continue;
			if (row->worst < 0)
				row->first = j;
			if (rs->res[j].verdict > row->worst)
				row->worst = rs->res[j].verdict;
		}
		if (row->worst > CONF_NOT_SUPPORTED)
			nattention++;
		n++;
	}
	qsort(rows, n, sizeof(*rows), html_row_cmp);

	f = fopen(path, "w");
	if (!f) {
		free(rows);
		return -errno;
	}
	fprintf(f, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
		"<meta name=viewport content=\"width=device-width,initial-scale=1\">"
		"<title>vfsim check</title><style>%s</style></head><body>\n", html_style);
	fputs("<header><h1>vfsim check</h1><p>", f);
	if (rs->o->server_cmd) {
		fputs("server <code>", f);
		html_esc(f, rs->o->server_cmd);
		fputs("</code>", f);
	} else if (rs->o->socket_path) {
		fputs("server at ", f);
		html_esc(f, rs->o->socket_path);
	} else if (rs->o->client_cmd && !rs->o->builtin_client) {
		fputs("client <code>", f);
		html_esc(f, rs->o->client_cmd);
		fputs("</code>", f);
	} else {
		fputs("built-in kernel-uAPI model, vfio-user server and client", f);
	}
	if (!rs->o->server_cmd && !rs->o->socket_path) {
		fputs(" &middot; profile ", f);
		html_esc(f, rs->target.profile_path);
		if (rs->target.device_name[0]) {
			fputs(" (", f);
			html_esc(f, rs->target.device_name);
			fputs(")", f);
		}
	}
	fprintf(f, " &middot; seed %llu &middot; %s &middot; %u ms</p></header><main>\n",
		(unsigned long long)rs->o->seed, rs->o->strict ? "strict" : "not strict", rs->total_ms);

	fputs("<div class=cards>", f);
	fprintf(f, "<div class=card><b>%zu</b><span>cases</span></div>", rs->nres);
	for (v = 0; v < CONF_NVERDICTS; v++)
		fprintf(f, "<div class=card><b>%u</b><span class=\"v %s\">%s</span></div>", rs->count[v],
			html_verdict_class[v], conf_verdict_name(v));
	fprintf(f, "<div class=card><b>%u</b><span>as expected</span></div>", rs->nexpected);
	fprintf(f, "<div class=card><b><span class=\"exit %s\">%d</span></b><span>exit code</span></div>",
		rs->exit_code == 0 ? "ok" : "bad", rs->exit_code);
	fputs("</div>\n<div class=roles>", f);
	html_role_bar(f, rs, CONF_ROLE_UAPI, "kernel uAPI");
	html_role_bar(f, rs, CONF_ROLE_SERVER, "server");
	html_role_bar(f, rs, CONF_ROLE_CLIENT, "client");
	fputs("</div>\n", f);

	if (nattention) {
		fprintf(f, "<h2>Needs attention: %zu rule%s</h2>\n", nattention, nattention == 1 ? "" : "s");
		html_rows(f, rs, rows, nattention);
	}
	fprintf(f, "<h2>All rules (%zu)</h2>\n", n - nattention);
	html_rows(f, rs, rows + nattention, n - nattention);
	fputs("</main></body></html>\n", f);
	if (ferror(f))
		r = -EIO;
	if (fclose(f) != 0 && !r)
		r = -errno;
	free(rows);
	return r;
}
