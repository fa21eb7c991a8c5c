/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule table (names, references, texts from rules/<module>.def) and the one
 * helper every rejection of peer input goes through. The last rejection is
 * kept per thread, for tests, logs and conformance reports; the return value,
 * not this record, is the error channel.
 */
#include <stdio.h>
#include "rules.h"
#include "include/vfsim.h"

static const struct {
	const char *name, *ref, *text;
} rule_table[RULE__COUNT] = {
	[RULE_NONE] = { "NONE", "", "no rule" },
#define RULE(id, r, t) [RULE_##id] = { #id, r, t },
#include "rules/all.def"
#undef RULE
};

static __thread int last_rule;
static __thread int last_err;
static vfsim_log_fn log_fn;
static void *log_opaque;

void vfsim_set_log(vfsim_log_fn fn, void *opaque)
{
	log_fn = fn;
	log_opaque = opaque;
}

int vfsim_reject(enum vfsim_rule rule, int err)
{
	last_rule = rule;
	last_err = err;
	if (log_fn) {
		char msg[256];

		snprintf(msg, sizeof(msg), "rejected (%d): %s [%s] %s", err, rule_table[rule].name,
			 rule_table[rule].ref, rule_table[rule].text);
		log_fn(log_opaque, 1, msg);
	}
	return err;
}

void vfsim_reject_clear(void)
{
	last_rule = RULE_NONE;
	last_err = 0;
}

int vfsim_last_rule(int *ret_err)
{
	if (ret_err)
		*ret_err = last_err;
	return last_rule;
}

int vfsim_rule_count(void)
{
	return RULE__COUNT;
}

const char *vfsim_rule_name(int rule)
{
	return rule >= 0 && rule < RULE__COUNT ? rule_table[rule].name : NULL;
}

const char *vfsim_rule_ref(int rule)
{
	return rule >= 0 && rule < RULE__COUNT ? rule_table[rule].ref : NULL;
}

const char *vfsim_rule_text(int rule)
{
	return rule >= 0 && rule < RULE__COUNT ? rule_table[rule].text : NULL;
}
