/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule catalogue as one static table, built from rules/all.def at compile
 * time. Each row's printed id ("VU-TR-01") is spelled by the compiler from the
 * C identifier (VU_TR_01), so a .def line holds the id once and the two
 * spellings cannot drift. The enum of row indexes doubles as the uniqueness
 * check: a duplicated ID is a redeclared enumerator and fails the build.
 */
#include <string.h>

#include "catalogue.h"

/* Longest printed id, NUL included; a longer ID fails the build below. */
#define CONF_ID_MAX 24

/* The .def rows spell levels and roles bare. */
#define MUST CONF_MUST
#define SHOULD CONF_SHOULD
#define MAY CONF_MAY
#define IMPL CONF_IMPL
#define SERVER CONF_ROLE_SERVER
#define CLIENT CONF_ROLE_CLIENT
#define UAPI CONF_ROLE_UAPI

enum conf_rule_index {
#define CRULE(id, level, roles, ref, text) CONF_IDX_##id,
#include "rules/all.def"
#undef CRULE
	CONF_RULE_COUNT
};

#define CRULE(id, level, roles, ref, text) \
	_Static_assert(sizeof(#id) <= CONF_ID_MAX, "rule id too long: " #id);
#include "rules/all.def"
#undef CRULE

/*
 * Character @i of the printed form of string literal @s: '_' becomes '-',
 * NUL past the end. The index is clamped so no branch reads out of bounds.
 */
#define CONF_AT(s, i) ((s)[(i) < sizeof(s) ? (i) : sizeof(s) - 1])
#define CONF_CH(s, i) ((char)(CONF_AT(s, i) == '_' ? '-' : CONF_AT(s, i)))
#define CONF_PRINTED(s) { \
	CONF_CH(s, 0), CONF_CH(s, 1), CONF_CH(s, 2), CONF_CH(s, 3), \
	CONF_CH(s, 4), CONF_CH(s, 5), CONF_CH(s, 6), CONF_CH(s, 7), \
	CONF_CH(s, 8), CONF_CH(s, 9), CONF_CH(s, 10), CONF_CH(s, 11), \
	CONF_CH(s, 12), CONF_CH(s, 13), CONF_CH(s, 14), CONF_CH(s, 15), \
	CONF_CH(s, 16), CONF_CH(s, 17), CONF_CH(s, 18), CONF_CH(s, 19), \
	CONF_CH(s, 20), CONF_CH(s, 21), CONF_CH(s, 22), CONF_CH(s, 23) }

_Static_assert(CONF_ID_MAX == 24, "CONF_PRINTED spells exactly CONF_ID_MAX characters");

static const char conf_ids[CONF_RULE_COUNT][CONF_ID_MAX] = {
#define CRULE(id, level, roles, ref, text) [CONF_IDX_##id] = CONF_PRINTED(#id),
#include "rules/all.def"
#undef CRULE
};

static const struct conf_rule conf_rules[CONF_RULE_COUNT] = {
#define CRULE(id, level, roles, ref, text) \
	[CONF_IDX_##id] = { conf_ids[CONF_IDX_##id], level, roles, ref, text },
#include "rules/all.def"
#undef CRULE
};

#undef MUST
#undef SHOULD
#undef MAY
#undef IMPL
#undef SERVER
#undef CLIENT
#undef UAPI

static const char *const conf_level_names[] = {
	[CONF_MUST] = "MUST",
	[CONF_SHOULD] = "SHOULD",
	[CONF_MAY] = "MAY",
	[CONF_IMPL] = "IMPL-DEFINED",
};

size_t conf_rule_count(void)
{
	return CONF_RULE_COUNT;
}

const struct conf_rule *conf_rule_at(size_t i)
{
	if (i >= CONF_RULE_COUNT)
		return NULL;
	return &conf_rules[i];
}

const struct conf_rule *conf_rule_find(const char *id)
{
	size_t i;

	if (!id)
		return NULL;
	for (i = 0; i < CONF_RULE_COUNT; i++)
		if (!strcmp(conf_rules[i].id, id))
			return &conf_rules[i];
	return NULL;
}

const char *conf_level_name(enum conf_level l)
{
	if ((unsigned)l >= sizeof(conf_level_names) / sizeof(conf_level_names[0]))
		return "?";
	return conf_level_names[l];
}
