/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The JSON report (--json FILE), built with json-c so it is always well
 * formed. Schema version 1:
 *   { "schema_version": 1, "tool": "vfsim check", "seed", "strict", "filter",
 *     "target": { "kind", "profile", "device", "features": [..], "num_regions",
 *                 "num_irqs", "irq_counts": [5], "migration_flags" },
 *     "summary": { "<VERDICT>": n..., "cases", "failed", "harness_errors",
 *                  "expected", "unexpected_passes", "stale_expectations", "exit_code" },
 *     "cases": [ { "id", "rule", "level", "roles": [..], "summary", "verdict",
 *                  "outcome", "expected"?, "expect_reason"?, "detail", "ms",
 *                  "transcript": [lines] (non-PASS cases only) } ],
 *     "stale_expectations": [ { "id", "verdict", "line" } ] }
 * A field is added, never renamed or retyped, without bumping the version.
 */
#include <errno.h>
#include <string.h>
#include <json-c/json.h>

#include "conf-int.h"

static const char *const conf_outcome_names[] = {
	[CONF_OUT_OK] = "ok",
	[CONF_OUT_EXPECTED] = "expected",
	[CONF_OUT_FAILED] = "failed",
	[CONF_OUT_UNEXPECTED_PASS] = "unexpected-pass",
	[CONF_OUT_HARNESS] = "harness-error",
};

static json_object *conf_json_roles(unsigned roles)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = { { CONF_ROLE_SERVER, "server" }, { CONF_ROLE_CLIENT, "client" }, { CONF_ROLE_UAPI, "uapi" } };
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (roles & names[i].bit)
			json_object_array_add(a, json_object_new_string(names[i].name));
	return a;
}

static json_object *conf_json_lines(const char *text)
{
	json_object *a = json_object_new_array();
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		json_object_array_add(a, json_object_new_string_len(p, (int)n));
		p += n + (p[n] == '\n');
	}
	return a;
}

static json_object *conf_json_target(const struct conf_target *t)
{
	json_object *o = json_object_new_object(), *feats = json_object_new_array(), *irqs;
	unsigned bit;
	size_t i;

	json_object_object_add(o, "kind", json_object_new_string("uapi-model"));
	json_object_object_add(o, "profile", json_object_new_string(t->profile_path ? t->profile_path : ""));
	json_object_object_add(o, "device", json_object_new_string(t->device_name));
	for (bit = 1; bit; bit <<= 1)
		if ((t->features & bit) && conf_feature_name(bit))
			json_object_array_add(feats, json_object_new_string(conf_feature_name(bit)));
	json_object_object_add(o, "features", feats);
	json_object_object_add(o, "device_flags", json_object_new_int64(t->dev_flags));
	json_object_object_add(o, "num_regions", json_object_new_int64(t->num_regions));
	json_object_object_add(o, "num_irqs", json_object_new_int64(t->num_irqs));
	irqs = json_object_new_array();
	for (i = 0; i < 5; i++)
		json_object_array_add(irqs, json_object_new_int64(t->irq_count[i]));
	json_object_object_add(o, "irq_counts", irqs);
	json_object_object_add(o, "migration_flags", json_object_new_int64(t->mig_flags));
	return o;
}

static json_object *conf_json_case(const struct conf_result *res)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(res->c->id));
	json_object_object_add(o, "rule", json_object_new_string(res->c->rule));
	json_object_object_add(o, "level", json_object_new_string(res->rule ? conf_level_name(res->rule->level) : "?"));
	json_object_object_add(o, "roles", conf_json_roles(res->c->roles));
	json_object_object_add(o, "summary", json_object_new_string(res->c->summary));
	json_object_object_add(o, "verdict", json_object_new_string(conf_verdict_name(res->verdict)));
	json_object_object_add(o, "outcome", json_object_new_string(conf_outcome_names[res->outcome]));
	if (res->expected >= 0) {
		json_object_object_add(o, "expected", json_object_new_string(conf_verdict_name(res->expected)));
		json_object_object_add(o, "expect_reason", json_object_new_string(res->expect_reason ? res->expect_reason : ""));
	}
	json_object_object_add(o, "detail", json_object_new_string(res->detail));
	json_object_object_add(o, "ms", json_object_new_int64(res->ms));
	if (res->verdict != CONF_PASS)
		json_object_object_add(o, "transcript", conf_json_lines(res->transcript));
	return o;
}

int conf_report_json(const struct conf_runstate *rs, const char *path)
{
	json_object *root = json_object_new_object(), *sum, *cases, *stale;
	size_t i;
	int v, r = 0;

	if (!root)
		return -ENOMEM;
	json_object_object_add(root, "schema_version", json_object_new_int(1));
	json_object_object_add(root, "tool", json_object_new_string("vfsim check"));
	json_object_object_add(root, "seed", json_object_new_int64((int64_t)rs->o->seed));
	json_object_object_add(root, "strict", json_object_new_boolean(rs->o->strict));
	json_object_object_add(root, "filter", rs->o->filter ? json_object_new_string(rs->o->filter) : NULL);
	json_object_object_add(root, "timeout_ms", json_object_new_int64(rs->o->timeout_ms));
	json_object_object_add(root, "target", conf_json_target(&rs->target));

	sum = json_object_new_object();
	for (v = 0; v < CONF_NVERDICTS; v++)
		json_object_object_add(sum, conf_verdict_name(v), json_object_new_int64(rs->count[v]));
	json_object_object_add(sum, "cases", json_object_new_int64((int64_t)rs->nres));
	json_object_object_add(sum, "failed", json_object_new_int64(rs->nfailed));
	json_object_object_add(sum, "harness_errors", json_object_new_int64(rs->nharness));
	json_object_object_add(sum, "expected", json_object_new_int64(rs->nexpected));
	json_object_object_add(sum, "unexpected_passes", json_object_new_int64(rs->nunexpected));
	json_object_object_add(sum, "stale_expectations", json_object_new_int64((int64_t)rs->nstale));
	json_object_object_add(sum, "exit_code", json_object_new_int(rs->exit_code));
	json_object_object_add(root, "summary", sum);

	cases = json_object_new_array();
	for (i = 0; i < rs->nres; i++)
		json_object_array_add(cases, conf_json_case(&rs->res[i]));
	json_object_object_add(root, "cases", cases);

	stale = json_object_new_array();
	for (i = 0; i < rs->nexp; i++)
		if (!rs->exp[i].seen) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "id", json_object_new_string(rs->exp[i].id));
			json_object_object_add(e, "verdict", json_object_new_string(conf_verdict_name(rs->exp[i].verdict)));
			json_object_object_add(e, "line", json_object_new_int64(rs->exp[i].line));
			json_object_array_add(stale, e);
		}
	json_object_object_add(root, "stale_expectations", stale);

	if (json_object_to_file_ext(path, root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED) < 0)
		r = -EIO;
	json_object_put(root);
	return r;
}
