/* Numbers in JSON Schema: exact multipleOf on decimals, integer/real
 * comparison and equality (1 == 1.0). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "schema/equal.h"
#include "schema/number.h"

static bool multiple(json_t *x, json_t *m)
{
    bool r = nz_num_is_multiple(x, m);
    json_decref(x);
    json_decref(m);
    return r;
}

static void number_multiple_of_decimals_is_exact(void **state)
{
    (void)state;
    /* 0.0075 / 0.0001 is 74.99999999999999 in doubles */
    assert_true(multiple(json_real(0.0075), json_real(0.0001)));
    assert_false(multiple(json_real(0.00751), json_real(0.0001)));
    assert_true(multiple(json_real(19.99), json_real(0.01)));
    assert_true(multiple(json_real(4.5), json_real(1.5)));
    assert_false(multiple(json_integer(35), json_real(1.5)));
    assert_true(multiple(json_integer(10), json_integer(5)));
    assert_false(multiple(json_integer(7), json_integer(2)));
    assert_true(multiple(json_real(-0.3), json_real(0.1)));
    assert_true(multiple(json_integer(0), json_real(0.7)));
    /* huge values do not overflow */
    assert_true(multiple(json_real(1e308), json_real(0.5)));
    assert_false(multiple(json_real(1e-300), json_real(3.0)));
}

static void number_compare_integer_with_real(void **state)
{
    (void)state;
    json_t *i = json_integer(9007199254740993LL); /* 2^53 + 1 */
    json_t *r = json_real(9007199254740992.0);
    assert_int_equal(nz_num_cmp(i, r), 1);
    assert_int_equal(nz_num_cmp(r, i), -1);
    json_t *one = json_integer(1), *onef = json_real(1.0),
           *half = json_real(1.5);
    assert_int_equal(nz_num_cmp(one, onef), 0);
    assert_int_equal(nz_num_cmp(one, half), -1);
    assert_true(nz_num_is_integral(onef));
    assert_false(nz_num_is_integral(half));
    json_decref(i);
    json_decref(r);
    json_decref(one);
    json_decref(onef);
    json_decref(half);
}

static void number_equality_ignores_representation(void **state)
{
    (void)state;
    json_t *a = json_pack("{s:i, s:[i, f]}", "x", 1, "y", 2, 3.0);
    json_t *b = json_pack("{s:[f, i], s:f}", "y", 2.0, 3, "x", 1.0);
    assert_true(nz_json_equal(a, b));
    json_t *c = json_pack("{s:f}", "x", 1.5);
    json_t *d = json_pack("{s:i}", "x", 1);
    assert_false(nz_json_equal(c, d));
    json_t *t = json_true(), *one = json_integer(1);
    assert_false(nz_json_equal(t, one)); /* true is not 1 */
    json_decref(a);
    json_decref(b);
    json_decref(c);
    json_decref(d);
    json_decref(one);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(number_multiple_of_decimals_is_exact),
        cmocka_unit_test(number_compare_integer_with_real),
        cmocka_unit_test(number_equality_ignores_representation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
