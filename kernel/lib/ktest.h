/*
 * In-kernel tests.
 *
 *     KTEST(pfn, free_then_alloc_same_frame)
 *     {
 *         KEXPECT_EQ(pfn_state(f), PFN_FREE);
 *         KASSERT(p != NULL);        // stops this test on failure
 *     }
 *
 * KTEST places a record in the .ktests section; the linker gathers the records of every
 * object between __ktests_start and __ktests_end (kernel.ld), so a test lives next to the
 * code it tests and needs no registration. With `test` on the command line the kernel
 * runs them after boot and reports TAP version 13 on the console: one `ok N - suite.name`
 * or `not ok N - suite.name` line per test, failures explained by `#` lines before it.
 *
 * KTEST_EXPLICIT tests run only when a `test=` pattern names them exactly: they are the
 * deliberately failing self-tests that prove the harness notices failures.
 */
#ifndef RESERVOIR_LIB_KTEST_H
#define RESERVOIR_LIB_KTEST_H

#include <stdint.h>

struct kernel_options;

enum ktest_flags {
    KTEST_EXPLICIT = 1 << 0,
};

struct ktest {
    const char *suite;
    const char *name;
    void (*fn)(void);
    const char *file;
    int line;
    unsigned flags;
};

#define KTEST_DEFINE(suite_, name_, flags_)                                         \
    static void ktest_fn_##suite_##_##name_(void);                                  \
    static const struct ktest ktest_rec_##suite_##_##name_                          \
        __attribute__((used, section(".ktests"), aligned(8))) = {                   \
            #suite_, #name_, ktest_fn_##suite_##_##name_, __FILE__, __LINE__, flags_ \
        };                                                                          \
    static void ktest_fn_##suite_##_##name_(void)

#define KTEST(suite, name) KTEST_DEFINE(suite, name, 0)
#define KTEST_EXPLICIT_ONLY(suite, name) KTEST_DEFINE(suite, name, KTEST_EXPLICIT)

/* Records a failed check; returns cond so KASSERT can stop the test. */
int ktest_check(int cond, const char *expr, const char *file, int line);
int ktest_check_eq(uint64_t a, uint64_t b, const char *expr_a, const char *expr_b,
                   const char *file, int line);

#define KEXPECT(cond) ktest_check(!!(cond), #cond, __FILE__, __LINE__)
#define KEXPECT_EQ(a, b) \
    ktest_check_eq((uint64_t)(a), (uint64_t)(b), #a, #b, __FILE__, __LINE__)
#define KASSERT(cond)           \
    do {                        \
        if (!KEXPECT(cond))     \
            return;             \
    } while (0)
#define KASSERT_EQ(a, b)        \
    do {                        \
        if (!KEXPECT_EQ(a, b))  \
            return;             \
    } while (0)

/* 1 when the test suite.name is selected by the options (exposed for host tests). */
int ktest_selected(const struct ktest *t, const struct kernel_options *opt);

/*
 * Runs the selected tests in link order. Returns the number that failed. A test that
 * panics ends the run: the runner on the host counts the planned tests left as failed.
 */
int ktest_run(const struct kernel_options *opt);

/* Shell-style match with '*' only (exposed for host tests). */
int ktest_glob_match(const char *pattern, const char *text);

#endif
