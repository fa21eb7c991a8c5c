/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule table: every rule has a unique name, a reference and a text, and
 * vfsim_reject() records the last rejection per call until cleared.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rules.h"
#include "include/vfsim.h"

static void test_rule_table_complete(void **state)
{
	int i, j, n = vfsim_rule_count();

	assert_true(n >= 1);
	for (i = 1; i < n; i++) {
		assert_non_null(vfsim_rule_name(i));
		assert_true(strlen(vfsim_rule_ref(i)) > 0);
		assert_true(strlen(vfsim_rule_text(i)) > 0);
		for (j = 1; j < i; j++)
			assert_string_not_equal(vfsim_rule_name(i), vfsim_rule_name(j));
	}
	assert_null(vfsim_rule_name(-1));
	assert_null(vfsim_rule_name(n));
}

static int last_level;
static char last_msg[256];

static void log_cb(void *opaque, int level, const char *msg)
{
	(void)opaque;
	last_level = level;
	strncpy(last_msg, msg, sizeof(last_msg) - 1);
}

static void test_reject_records_and_clears(void **state)
{
	int err = 0;

	if (RULE__COUNT < 2)
		skip();
	vfsim_set_log(log_cb, NULL);
	assert_int_equal(vfsim_reject((enum vfsim_rule)1, -EINVAL), -EINVAL);
	assert_int_equal(vfsim_last_rule(&err), 1);
	assert_int_equal(err, -EINVAL);
	assert_non_null(strstr(last_msg, vfsim_rule_name(1)));
	vfsim_reject_clear();
	assert_int_equal(vfsim_last_rule(&err), 0);
	assert_int_equal(err, 0);
	vfsim_set_log(NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_table_complete),
		cmocka_unit_test(test_reject_records_and_clears),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
