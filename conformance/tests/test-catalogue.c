/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule catalogue as data: every row well-formed (id spelling, level,
 * roles, reference, text), ids unique, the printed id derived from the C
 * identifier, the per-role minimums of issue #4 met, every check of the
 * two spec digests present under its id, and lookup by id.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "catalogue.h"

/* Issue #4: at least 150 vfio-user rules and at least 60 kernel-uAPI rules. */
#define MIN_VU_RULES 150
#define MIN_UAPI_RULES 60

#define ALL_ROLES (CONF_ROLE_SERVER | CONF_ROLE_CLIENT | CONF_ROLE_UAPI)
#define VU_ROLES (CONF_ROLE_SERVER | CONF_ROLE_CLIENT)

static int is_upper_or_digit(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* "VU-" or "UAPI-" then upper-case/digit words joined by single '-'. */
static int id_well_formed(const char *id)
{
	const char *p;
	size_t n;

	if (!strncmp(id, "VU-", 3))
		p = id + 3;
	else if (!strncmp(id, "UAPI-", 5))
		p = id + 5;
	else
		return 0;
	n = 0;
	for (; *p; p++) {
		if (*p == '-') {
			if (n == 0)
				return 0;
			n = 0;
		} else if (is_upper_or_digit(*p)) {
			n++;
		} else {
			return 0;
		}
	}
	return n > 0;
}

/* @ref cites @cite as a whole item number ("5.1 #1" does not match "5.1 #12"). */
static int cites(const char *ref, const char *cite)
{
	const char *p;

	for (p = strstr(ref, cite); p; p = strstr(p + 1, cite))
		if (p[strlen(cite)] < '0' || p[strlen(cite)] > '9')
			return 1;
	return 0;
}

static void test_id_checker(void **state)
{
	(void)state;
	/* The checker itself, so a permissive checker cannot pass the table. */
	assert_true(id_well_formed("VU-TR-01"));
	assert_true(id_well_formed("UAPI-CTR-01"));
	assert_false(id_well_formed("VU_TR_01"));
	assert_false(id_well_formed("VU-TR-"));
	assert_false(id_well_formed("VU--01"));
	assert_false(id_well_formed("VU-tr-01"));
	assert_false(id_well_formed("XX-TR-01"));
	assert_false(id_well_formed("VU-"));
	assert_false(id_well_formed(""));
	assert_true(cites("f.c: g; kernel-uapi 5.1 #1", "5.1 #1"));
	assert_true(cites("5.1 #12, 5.1 #1", "5.1 #1"));
	assert_false(cites("f.c: g; kernel-uapi 5.1 #12", "5.1 #1"));
}

static void test_rows_well_formed(void **state)
{
	size_t i, n = conf_rule_count();

	(void)state;
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		const struct conf_rule *r = conf_rule_at(i);

		assert_non_null(r);
		assert_non_null(r->id);
		if (!id_well_formed(r->id))
			fail_msg("malformed id \"%s\" (row %zu)", r->id, i);
		assert_true(strlen(r->id) < 24);
		assert_in_range(r->level, CONF_MUST, CONF_IMPL);
		if (r->roles == 0 || (r->roles & ~ALL_ROLES))
			fail_msg("%s: bad roles 0x%x", r->id, r->roles);
		/* A vfio-user rule judges a server or a client, a uAPI rule the uAPI. */
		if (!strncmp(r->id, "VU-", 3) && (r->roles & ~VU_ROLES))
			fail_msg("%s: vfio-user rule with role 0x%x", r->id, r->roles);
		if (!strncmp(r->id, "UAPI-", 5) && r->roles != CONF_ROLE_UAPI)
			fail_msg("%s: uAPI rule with role 0x%x", r->id, r->roles);
		assert_non_null(r->ref);
		assert_non_null(r->text);
		if (strlen(r->ref) < 4 || strlen(r->text) < 10)
			fail_msg("%s: empty reference or text", r->id);
		/* One line of text each. */
		assert_null(strchr(r->ref, '\n'));
		assert_null(strchr(r->text, '\n'));
	}
	assert_null(conf_rule_at(n));
	assert_null(conf_rule_at((size_t)-1));
}

static void test_ids_unique(void **state)
{
	size_t i, j, n = conf_rule_count();

	(void)state;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (!strcmp(conf_rule_at(i)->id, conf_rule_at(j)->id))
				fail_msg("duplicate id %s (rows %zu, %zu)", conf_rule_at(i)->id, i, j);
}

static void test_role_minimums(void **state)
{
	size_t i, vu = 0, uapi = 0, server = 0, client = 0;

	(void)state;
	for (i = 0; i < conf_rule_count(); i++) {
		unsigned roles = conf_rule_at(i)->roles;

		if (roles & VU_ROLES)
			vu++;
		if (roles & CONF_ROLE_SERVER)
			server++;
		if (roles & CONF_ROLE_CLIENT)
			client++;
		if (roles & CONF_ROLE_UAPI)
			uapi++;
	}
	assert_true(vu >= MIN_VU_RULES);
	assert_true(uapi >= MIN_UAPI_RULES);
	/* Both sides of vfio-user are judged: spec 6.A has ~70 server, 6.B ~22 client checks. */
	assert_true(server >= 70);
	assert_true(client >= 22);
}

/* Every level is used, so a level the report cannot name would show. */
static void test_levels_used(void **state)
{
	size_t i, seen[CONF_IMPL + 1] = { 0 };

	(void)state;
	for (i = 0; i < conf_rule_count(); i++)
		seen[conf_rule_at(i)->level]++;
	for (i = 0; i <= CONF_IMPL; i++)
		assert_true(seen[i] > 0);
}

static void test_level_names(void **state)
{
	(void)state;
	assert_string_equal(conf_level_name(CONF_MUST), "MUST");
	assert_string_equal(conf_level_name(CONF_SHOULD), "SHOULD");
	assert_string_equal(conf_level_name(CONF_MAY), "MAY");
	assert_string_equal(conf_level_name(CONF_IMPL), "IMPL-DEFINED");
	assert_non_null(conf_level_name((enum conf_level)42));
}

static void test_find(void **state)
{
	size_t i;
	const struct conf_rule *r;

	(void)state;
	/* Rows transcribed from the spec digest, one per area file. */
	r = conf_rule_find("VU-TR-01");
	assert_non_null(r);
	assert_int_equal(r->level, CONF_MUST);
	assert_int_equal(r->roles, CONF_ROLE_SERVER);
	assert_non_null(strstr(r->ref, "TR-01"));
	r = conf_rule_find("VU-DM-03");
	assert_non_null(r);
	assert_int_equal(r->level, CONF_MUST);
	assert_non_null(strstr(r->text, "EEXIST"));
	r = conf_rule_find("VU-TR-09");
	assert_non_null(r);
	assert_int_equal(r->level, CONF_SHOULD);
	r = conf_rule_find("VU-CL-01");
	assert_non_null(r);
	assert_int_equal(r->roles, CONF_ROLE_CLIENT);
	assert_non_null(conf_rule_find("VU-VN-11"));
	assert_non_null(conf_rule_find("VU-RI-05"));
	assert_non_null(conf_rule_find("VU-IQ-09"));
	assert_non_null(conf_rule_find("VU-MG-13"));
	assert_non_null(conf_rule_find("VU-DC-03"));
	assert_non_null(conf_rule_find("VU-CL-22"));
	r = conf_rule_find("UAPI-CTR-01");
	assert_non_null(r);
	assert_int_equal(r->roles, CONF_ROLE_UAPI);
	assert_non_null(strstr(r->ref, "5.1 #1"));
	r = conf_rule_find("UAPI-T1-101");
	assert_non_null(r);
	assert_non_null(strstr(r->text, "EEXIST"));
	assert_non_null(conf_rule_find("UAPI-IRQ-44"));
	assert_non_null(conf_rule_find("UAPI-FEAT-93"));
	assert_non_null(conf_rule_find("UAPI-GRP-01"));
	assert_non_null(conf_rule_find("UAPI-MIG-01"));

	/* Every row is found under its own printed id, and it is that row. */
	for (i = 0; i < conf_rule_count(); i++)
		assert_ptr_equal(conf_rule_find(conf_rule_at(i)->id), conf_rule_at(i));
}

static void test_find_unknown(void **state)
{
	(void)state;
	assert_null(conf_rule_find(NULL));
	assert_null(conf_rule_find(""));
	assert_null(conf_rule_find("VU-TR-00"));
	assert_null(conf_rule_find("VU-NOPE-01"));
	/* The C spelling is not a printed id. */
	assert_null(conf_rule_find("VU_TR_01"));
	/* Prefixes and extensions of a real id do not match. */
	assert_null(conf_rule_find("VU-TR-0"));
	assert_null(conf_rule_find("VU-TR-011"));
	assert_null(conf_rule_find("vu-tr-01"));
}

/* §6.A lists TR-01..19, 6.B CL-01..22: all transcribed, none skipped. */
static void test_spec_checks_complete(void **state)
{
	static const struct {
		const char *prefix;
		unsigned n;
	} groups[] = {
		{ "VU-TR-", 19 }, { "VU-VN-", 13 }, { "VU-DM-", 12 }, { "VU-RI-", 8 },
		{ "VU-IO-", 4 }, { "VU-IQ-", 9 }, { "VU-RA-", 7 }, { "VU-RS-", 1 },
		{ "VU-WM-", 2 }, { "VU-MG-", 13 }, { "VU-DC-", 3 }, { "VU-CL-", 22 },
	};
	size_t g;
	unsigned k;
	char id[24];

	(void)state;
	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		for (k = 1; k <= groups[g].n; k++) {
			snprintf(id, sizeof(id), "%s%02u", groups[g].prefix, k);
			if (!conf_rule_find(id))
				fail_msg("spec check %s missing from the catalogue", id);
		}
		snprintf(id, sizeof(id), "%s%02u", groups[g].prefix, groups[g].n + 1);
		if (conf_rule_find(id))
			fail_msg("%s is not a spec check", id);
	}
}

/*
 * kernel-uapi 5.1-5.5 items 1-117: item N is UAPI-<section>-<N>, and each
 * row cites its item, so the id, the reference and the digest agree.
 */
static void test_uapi_checks_complete(void **state)
{
	static const struct {
		const char *prefix;
		const char *section;
		unsigned first, last;
	} sections[] = {
		{ "UAPI-CTR-", "5.1", 1, 20 }, { "UAPI-DEV-", "5.2", 21, 43 },
		{ "UAPI-IRQ-", "5.3", 44, 61 }, { "UAPI-FEAT-", "5.4", 62, 93 },
		{ "UAPI-T1-", "5.5", 94, 117 },
	};
	size_t s;
	unsigned k;
	char id[24], cite[24];

	(void)state;
	for (s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
		for (k = sections[s].first; k <= sections[s].last; k++) {
			const struct conf_rule *r;

			snprintf(id, sizeof(id), "%s%02u", sections[s].prefix, k);
			snprintf(cite, sizeof(cite), "%s #%u", sections[s].section, k);
			r = conf_rule_find(id);
			if (!r)
				fail_msg("kernel-uapi check %s (%s) missing", id, cite);
			if (!cites(r->ref, cite))
				fail_msg("%s does not cite kernel-uapi %s: %s", id, cite, r->ref);
		}
		snprintf(id, sizeof(id), "%s%02u", sections[s].prefix, sections[s].first - 1);
		if (conf_rule_find(id))
			fail_msg("%s is outside kernel-uapi %s", id, sections[s].section);
		snprintf(id, sizeof(id), "%s%02u", sections[s].prefix, sections[s].last + 1);
		if (conf_rule_find(id))
			fail_msg("%s is outside kernel-uapi %s", id, sections[s].section);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_checker),
		cmocka_unit_test(test_rows_well_formed),
		cmocka_unit_test(test_ids_unique),
		cmocka_unit_test(test_role_minimums),
		cmocka_unit_test(test_levels_used),
		cmocka_unit_test(test_level_names),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_find_unknown),
		cmocka_unit_test(test_spec_checks_complete),
		cmocka_unit_test(test_uapi_checks_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
