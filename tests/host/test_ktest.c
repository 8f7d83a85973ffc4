/* Host tests for kernel/lib/ktest.c: the '*' glob and which KTESTs a command line selects. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/ktest.h"
#include "options.h"
#include "test.h"

TEST(glob_exact)
{
    CHECK_EQ(ktest_glob_match("abc", "abc"), 1);
    CHECK_EQ(ktest_glob_match("abc", "abd"), 0);
    CHECK_EQ(ktest_glob_match("abc", "ab"), 0);
    CHECK_EQ(ktest_glob_match("ab", "abc"), 0);
    CHECK_EQ(ktest_glob_match("pfn.alloc", "pfn.alloc"), 1);
    CHECK_EQ(ktest_glob_match("pfn.alloc", "pfn.Alloc"), 0);   /* case matters */
    CHECK_EQ(ktest_glob_match("?", "a"), 0);                   /* only '*' is special */
    CHECK_EQ(ktest_glob_match("?", "?"), 1);
}

TEST(glob_star)
{
    CHECK_EQ(ktest_glob_match("*", ""), 1);
    CHECK_EQ(ktest_glob_match("*", "anything.at_all"), 1);
    CHECK_EQ(ktest_glob_match("**", "x"), 1);
    CHECK_EQ(ktest_glob_match("***", ""), 1);
}

TEST(glob_prefix_and_suffix)
{
    CHECK_EQ(ktest_glob_match("pfn.*", "pfn.alloc"), 1);
    CHECK_EQ(ktest_glob_match("pfn.*", "pfn."), 1);
    CHECK_EQ(ktest_glob_match("pfn.*", "pfn"), 0);
    CHECK_EQ(ktest_glob_match("pfn.*", "pfnx.alloc"), 0);
    CHECK_EQ(ktest_glob_match("pfn.*", "mm.pfn.alloc"), 0);
    CHECK_EQ(ktest_glob_match("*_free", "pfn.double_free"), 1);
    CHECK_EQ(ktest_glob_match("*_free", "_free"), 1);
    CHECK_EQ(ktest_glob_match("*_free", "pfn.free_x"), 0);
    CHECK_EQ(ktest_glob_match("*_free", "pfn.double_fre"), 0);
    CHECK_EQ(ktest_glob_match("*ab", "aab"), 1);               /* needs a backtrack */
    CHECK_EQ(ktest_glob_match("*ab", "abab"), 1);
    CHECK_EQ(ktest_glob_match("*ab", "aba"), 0);
    CHECK_EQ(ktest_glob_match("*.*", "x.y"), 1);
    CHECK_EQ(ktest_glob_match("*.*", "xy"), 0);
}

TEST(glob_several_stars)
{
    CHECK_EQ(ktest_glob_match("a*b*c", "abc"), 1);
    CHECK_EQ(ktest_glob_match("a*b*c", "aXbYc"), 1);
    CHECK_EQ(ktest_glob_match("a*b*c", "aXXbYYbZZc"), 1);
    CHECK_EQ(ktest_glob_match("a*b*c", "acb"), 0);
    CHECK_EQ(ktest_glob_match("a*b*c", "aXbYcZ"), 0);
    CHECK_EQ(ktest_glob_match("a*b*c", "abcbc"), 1);
    CHECK_EQ(ktest_glob_match("a*b*c", "Xabc"), 0);
    CHECK_EQ(ktest_glob_match("*a*b*", "xxaxxbxx"), 1);
    CHECK_EQ(ktest_glob_match("*a*b*", "xxbxxaxx"), 0);
    CHECK_EQ(ktest_glob_match("mm.*.*_x", "mm.pfn.free_x"), 1);
}

TEST(glob_empty_pattern)
{
    CHECK_EQ(ktest_glob_match("", ""), 1);
    CHECK_EQ(ktest_glob_match("", "a"), 0);
    CHECK_EQ(ktest_glob_match("a", ""), 0);
    CHECK_EQ(ktest_glob_match("a*", ""), 0);
}

TEST(glob_pathological_is_fast)
{
    enum { N = 20000 };
    char *text = malloc(N + 2);
    REQUIRE(text != NULL);
    memset(text, 'a', N);
    text[N] = '\0';

    clock_t start = clock();
    CHECK_EQ(ktest_glob_match("a*a*a*a*b", text), 0);
    CHECK_EQ(ktest_glob_match("*a*a*a*a*a*a*a*a*b", text), 0);
    text[N] = 'b';
    text[N + 1] = '\0';
    CHECK_EQ(ktest_glob_match("a*a*a*a*b", text), 1);
    CHECK_EQ(ktest_glob_match("*a*a*a*a*a*a*a*a*b", text), 1);
    CHECK_EQ(ktest_glob_match("a*a*a*a*bb", text), 0);
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    /* Backtracking over every star would take forever; one backtrack point is linear-ish. */
    CHECK(seconds < 2.0);
    free(text);
}

/* ----------------------------------------------------------------------------------- */

static void no_op(void)
{
}

static const struct ktest pfn_alloc = { "pfn", "alloc", no_op, "pfn.c", 1, 0 };
static const struct ktest pfn_free = { "pfn", "double_free", no_op, "pfn.c", 2, 0 };
static const struct ktest pfnx_alloc = { "pfnx", "alloc", no_op, "pfnx.c", 3, 0 };
static const struct ktest self_fail = { "selftest", "deliberate_failure", no_op, "s.c", 4,
                                        KTEST_EXPLICIT };
static const struct ktest self_ok = { "selftest", "passes", no_op, "s.c", 5, 0 };

static struct kernel_options opt;

static void set_filters(int run_all, int count, const char *const *filters)
{
    memset(&opt, 0, sizeof(opt));
    opt.run_all_tests = run_all;
    opt.run_tests = run_all || count > 0;
    opt.filter_count = count;
    for (int i = 0; i < count; i++)
        opt.filters[i] = filters[i];
}

TEST(nothing_selected_without_options)
{
    set_filters(0, 0, NULL);
    CHECK_EQ(ktest_selected(&pfn_alloc, &opt), 0);
    CHECK_EQ(ktest_selected(&self_fail, &opt), 0);
}

TEST(run_all_skips_explicit_tests)
{
    set_filters(1, 0, NULL);
    CHECK_EQ(ktest_selected(&pfn_alloc, &opt), 1);
    CHECK_EQ(ktest_selected(&pfnx_alloc, &opt), 1);
    CHECK_EQ(ktest_selected(&self_ok, &opt), 1);
    CHECK_EQ(ktest_selected(&self_fail, &opt), 0);
}

TEST(bare_suite_name_selects_the_suite)
{
    static const char *const f[] = { "pfn" };
    set_filters(0, 1, f);
    CHECK_EQ(ktest_selected(&pfn_alloc, &opt), 1);
    CHECK_EQ(ktest_selected(&pfn_free, &opt), 1);
    CHECK_EQ(ktest_selected(&pfnx_alloc, &opt), 0);  /* not a prefix match */
    CHECK_EQ(ktest_selected(&self_ok, &opt), 0);

    static const char *const g[] = { "alloc" };      /* a test name is not a suite */
    set_filters(0, 1, g);
    CHECK_EQ(ktest_selected(&pfn_alloc, &opt), 0);
}

TEST(suite_glob)
{
    static const char *const f[] = { "pfn.*" };
    set_filters(0, 1, f);
    CHECK_EQ(ktest_selected(&pfn_alloc, &opt), 1);
    CHECK_EQ(ktest_selected(&pfn_free, &opt), 1);
    CHECK_EQ(ktest_selected(&pfnx_alloc, &opt), 0);

    static const char *const g[] = { "*.alloc" };
    set_filters(0, 1, g);
    CHECK_EQ(ktest_selected(&pfn_alloc, &opt), 1);
    CHECK_EQ(ktest_selected(&pfnx_alloc, &opt), 1);
    CHECK_EQ(ktest_selected(&pfn_free, &opt), 0);

    static const char *const h[] = { "pfn*" };
    set_filters(0, 1, h);
    CHECK_EQ(ktest_selected(&pfn_alloc, &opt), 1);
    CHECK_EQ(ktest_selected(&pfnx_alloc, &opt), 1);
}

TEST(full_name_selects_one_test)
{
    static const char *const f[] = { "pfn.alloc" };
    set_filters(0, 1, f);
    CHECK_EQ(ktest_selected(&pfn_alloc, &opt), 1);
    CHECK_EQ(ktest_selected(&pfn_free, &opt), 0);
    CHECK_EQ(ktest_selected(&pfnx_alloc, &opt), 0);

    static const char *const g[] = { "pfn.all" };
    set_filters(0, 1, g);
    CHECK_EQ(ktest_selected(&pfn_alloc, &opt), 0);
}

TEST(any_of_several_filters)
{
    static const char *const f[] = { "nomatch", "mm.*", "pfnx" };
    set_filters(0, 3, f);
    CHECK_EQ(ktest_selected(&pfnx_alloc, &opt), 1);
    CHECK_EQ(ktest_selected(&pfn_alloc, &opt), 0);
}

TEST(explicit_tests_only_by_exact_name)
{
    static const char *const suite[] = { "selftest" };
    set_filters(0, 1, suite);
    CHECK_EQ(ktest_selected(&self_fail, &opt), 0);
    CHECK_EQ(ktest_selected(&self_ok, &opt), 1);

    static const char *const glob[] = { "selftest.*" };
    set_filters(0, 1, glob);
    CHECK_EQ(ktest_selected(&self_fail, &opt), 0);
    CHECK_EQ(ktest_selected(&self_ok, &opt), 1);

    static const char *const star[] = { "*" };
    set_filters(1, 1, star);
    CHECK_EQ(ktest_selected(&self_fail, &opt), 0);

    static const char *const prefix[] = { "selftest.deliberate_*" };
    set_filters(0, 1, prefix);
    CHECK_EQ(ktest_selected(&self_fail, &opt), 0);

    static const char *const exact[] = { "selftest.deliberate_failure" };
    set_filters(0, 1, exact);
    CHECK_EQ(ktest_selected(&self_fail, &opt), 1);
    CHECK_EQ(ktest_selected(&self_ok, &opt), 0);

    /* With `test` as well: everything normal plus the named explicit one. */
    set_filters(1, 1, exact);
    CHECK_EQ(ktest_selected(&self_fail, &opt), 1);
    CHECK_EQ(ktest_selected(&pfn_alloc, &opt), 1);
}

TEST(selection_from_a_parsed_command_line)
{
    /* The same path the kernel takes: options_parse, then ktest_selected. */
    CHECK_EQ(options_parse("test ktest_fail", &opt), 0);
    CHECK_EQ(ktest_selected(&pfn_alloc, &opt), 1);
    CHECK_EQ(ktest_selected(&self_fail, &opt), 1);

    CHECK_EQ(options_parse("test=pfn.*,selftest", &opt), 0);
    CHECK_EQ(ktest_selected(&pfn_free, &opt), 1);
    CHECK_EQ(ktest_selected(&self_ok, &opt), 1);
    CHECK_EQ(ktest_selected(&self_fail, &opt), 0);
    CHECK_EQ(ktest_selected(&pfnx_alloc, &opt), 0);
}

TEST(overlong_names_do_not_overflow)
{
    /* matches() builds "suite.name" in a 128-byte buffer; ASan checks a longer name does
       not overflow it (whether such a name can match a pattern is left open). */
    static char long_name[200];
    memset(long_name, 'n', sizeof(long_name) - 1);
    const struct ktest t = { "s", long_name, no_op, "x.c", 1, 0 };
    static const char *const f[] = { "s.*" };
    set_filters(0, 1, f);
    (void)ktest_selected(&t, &opt);
    set_filters(1, 0, NULL);
    CHECK_EQ(ktest_selected(&t, &opt), 1);
}
