/* The in-kernel test runner (ktest.h). */
#include "ktest.h"

#include "log.h"
#include "options.h"
#include "string.h"

extern const struct ktest __ktests_start[];
extern const struct ktest __ktests_end[];

static int current_failed;

int ktest_check(int cond, const char *expr, const char *file, int line)
{
    if (!cond) {
        kprintf("# FAIL %s:%d: %s\n", file, line, expr);
        current_failed = 1;
    }
    return cond;
}

int ktest_check_eq(uint64_t a, uint64_t b, const char *expr_a, const char *expr_b,
                   const char *file, int line)
{
    if (a != b) {
        kprintf("# FAIL %s:%d: %s == %s\n#   left:  %llu (0x%llx)\n#   right: %llu (0x%llx)\n",
                file, line, expr_a, expr_b, (unsigned long long)a, (unsigned long long)a,
                (unsigned long long)b, (unsigned long long)b);
        current_failed = 1;
    }
    return a == b;
}

int ktest_glob_match(const char *pattern, const char *text)
{
    /* Iterative match with one backtrack point: linear for the patterns we see. */
    const char *star = NULL, *resume = NULL;
    while (*text) {
        if (*pattern == '*') {
            star = pattern++;
            resume = text;
        } else if (*pattern == *text) {
            pattern++;
            text++;
        } else if (star) {
            pattern = star + 1;
            text = ++resume;
        } else {
            return 0;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

/* Matches "suite.name" against a pattern without building the string. */
static int matches(const char *pattern, const struct ktest *t, int exact)
{
    char full[128];
    size_t s = strlen(t->suite), n = strlen(t->name);
    if (s + 1 + n + 1 > sizeof(full))
        return 0;
    memcpy(full, t->suite, s);
    full[s] = '.';
    memcpy(full + s + 1, t->name, n + 1);
    if (exact)
        return strcmp(pattern, full) == 0;
    /* A bare suite name selects the whole suite. */
    if (!strchr(pattern, '.') && !strchr(pattern, '*'))
        return strcmp(pattern, t->suite) == 0;
    return ktest_glob_match(pattern, full);
}

int ktest_selected(const struct ktest *t, const struct kernel_options *opt)
{
    int explicit_only = t->flags & KTEST_EXPLICIT;
    if (opt->run_all_tests && !explicit_only)
        return 1;
    for (int i = 0; i < opt->filter_count; i++) {
        if (matches(opt->filters[i], t, explicit_only))
            return 1;
    }
    return 0;
}

int ktest_run(const struct kernel_options *opt)
{
    int planned = 0, number = 0, failed = 0;

    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
        planned += ktest_selected(t, opt);

    kprintf("TAP version 13\n1..%d\n", planned);
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
        if (!ktest_selected(t, opt))
            continue;
        number++;
        current_failed = 0;
        kprintf("# run %s.%s (%s:%d)\n", t->suite, t->name, t->file, t->line);
        t->fn();
        kprintf("%s %d - %s.%s\n", current_failed ? "not ok" : "ok", number, t->suite,
                t->name);
        failed += current_failed;
    }
    kprintf("# ktest: %d passed, %d failed\n", number - failed, failed);
    return failed;
}
