/* Compiled once per public header, with NZ_TEST_HEADER naming it: the
 * header must compile on its own, first, twice (include guard), under
 * -std=c11 -pedantic -Wall -Wextra -Werror. Modelled on dav1d's
 * tests/header_test.c. */
#include NZ_TEST_HEADER
#include NZ_TEST_HEADER

int main(void)
{
    return 0;
}
