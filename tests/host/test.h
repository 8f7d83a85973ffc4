/*
 * A small unit-test framework for host tests of the portable kernel sources.
 *
 *     TEST(splits_quoted_words)
 *     {
 *         CHECK_EQ(argc, 2);
 *         CHECK_STR_EQ(argv[1], "a b");
 *         REQUIRE(p != NULL);            // stops this test on failure
 *     }
 *
 * Each tests/host/test_NAME.c becomes one binary, build/host/test_NAME, which runs its
 * tests in file order and prints TAP lines "ok N - NAME.test" (tools/run-tests.sh counts
 * them). TEST_FILTER=pattern (with '*') runs a subset. Binaries are built with
 * AddressSanitizer and UBSan, so a memory error fails the run too.
 */
#ifndef RESERVOIR_HOST_TEST_H
#define RESERVOIR_HOST_TEST_H

#include <stdint.h>

void test_register(const char *name, void (*fn)(void));

#define TEST(name)                                                   \
    static void test_fn_##name(void);                                \
    __attribute__((constructor)) static void test_reg_##name(void)   \
    {                                                                \
        test_register(#name, test_fn_##name);                        \
    }                                                                \
    static void test_fn_##name(void)

int test_check(int ok, const char *expr, const char *file, int line);
int test_check_eq(uint64_t a, uint64_t b, const char *ea, const char *eb, const char *file,
                  int line);
int test_check_str_eq(const char *a, const char *b, const char *ea, const char *eb,
                      const char *file, int line);

#define CHECK(c) test_check(!!(c), #c, __FILE__, __LINE__)
#define CHECK_EQ(a, b) \
    test_check_eq((uint64_t)(a), (uint64_t)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_STR_EQ(a, b) test_check_str_eq((a), (b), #a, #b, __FILE__, __LINE__)
#define REQUIRE(c)           \
    do {                     \
        if (!CHECK(c))       \
            return;          \
    } while (0)

/*
 * Runs fn(arg) and returns 1 if it called panic() (or failed an ASSERT), 0 if it
 * returned normally. The panic message is left in the console capture.
 */
int test_expect_panic(void (*fn)(void *), void *arg);

/*
 * Seeded randomness for randomized and model tests. test_rand_start() picks the seed:
 * SEED=n from the environment, else the test's own default, and prints it in a
 * "# seed" line so any failing run can be replayed with SEED=n. splitmix64 underneath.
 */
uint64_t test_rand_start(const char *what, uint64_t default_seed);
uint64_t test_rand(void);
uint64_t test_rand_below(uint64_t n);       /* 0 <= result < n; n > 0 */

/* Everything the code under test wrote through console_putc since the last clear. */
const char *test_console(void);
void test_console_clear(void);

#endif
