/* Host tests for kernel/options.c: the kernel command line (options.h, docs/boot.md). */
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "options.h"
#include "test.h"

/* struct kernel_options is large (its text buffer is 2 KiB); one static copy will do. */
static struct kernel_options opt;

static int parse(const char *cmdline)
{
    log_set_level(LOG_INFO);    /* warnings must reach the console capture */
    test_console_clear();
    return options_parse(cmdline, &opt);
}

static int console_has(const char *s)
{
    return strstr(test_console(), s) != NULL;
}

TEST(defaults)
{
    CHECK_EQ(parse(""), 0);
    CHECK_EQ(opt.loglevel, LOG_INFO);
    CHECK_EQ(opt.run_tests, 0);
    CHECK_EQ(opt.run_all_tests, 0);
    CHECK_EQ(opt.filter_count, 0);
    CHECK_EQ(opt.program_argc, 0);
    CHECK(opt.program_argv == NULL);
    CHECK_EQ(opt.word_count, 0);
    CHECK_STR_EQ(test_console(), "");

    CHECK_EQ(parse("   \t "), 0);
    CHECK_EQ(opt.loglevel, LOG_INFO);
    CHECK_EQ(opt.run_tests, 0);
}

TEST(parse_resets_previous_state)
{
    CHECK_EQ(parse("test loglevel=debug -- a"), 0);
    CHECK_EQ(parse(""), 0);
    CHECK_EQ(opt.loglevel, LOG_INFO);
    CHECK_EQ(opt.run_tests, 0);
    CHECK_EQ(opt.run_all_tests, 0);
    CHECK_EQ(opt.program_argc, 0);
}

TEST(loglevel_by_name_and_digit)
{
    static const struct {
        const char *cmdline;
        enum log_level level;
    } cases[] = {
        { "loglevel=error", LOG_ERROR }, { "loglevel=warn", LOG_WARN },
        { "loglevel=info", LOG_INFO },   { "loglevel=debug", LOG_DEBUG },
        { "loglevel=0", LOG_ERROR },     { "loglevel=1", LOG_WARN },
        { "loglevel=2", LOG_INFO },      { "loglevel=3", LOG_DEBUG },
        { "loglevel=\"debug\"", LOG_DEBUG },
        { "loglevel=warn loglevel=error", LOG_ERROR },  /* the last one wins */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (!CHECK_EQ(parse(cases[i].cmdline), 0) || !CHECK_EQ(opt.loglevel, cases[i].level))
            printf("#   cmdline: %s\n", cases[i].cmdline);
    }
    CHECK_STR_EQ(test_console(), "");
}

TEST(bad_loglevel_warns_and_keeps_default)
{
    static const char *const bad[] = {
        "loglevel=verbose", "loglevel=4", "loglevel=", "loglevel", "loglevel=-1",
        "loglevel=DEBUG", "loglevel=01", "loglevel=3x",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int warnings = parse(bad[i]);
        if (!CHECK_EQ(warnings, 1) || !CHECK_EQ(opt.loglevel, LOG_INFO) ||
            !CHECK(console_has("loglevel")))
            printf("#   cmdline: %s\n", bad[i]);
    }
    CHECK_EQ(parse("loglevel=debug loglevel=bogus"), 1);
    CHECK_EQ(opt.loglevel, LOG_DEBUG);       /* a bad value leaves the earlier good one */
    CHECK(console_has("bogus"));
}

TEST(test_runs_all)
{
    CHECK_EQ(parse("test"), 0);
    CHECK_EQ(opt.run_tests, 1);
    CHECK_EQ(opt.run_all_tests, 1);
    CHECK_EQ(opt.filter_count, 0);
}

TEST(test_patterns_split_at_commas)
{
    CHECK_EQ(parse("test=a.b,c*"), 0);
    CHECK_EQ(opt.run_tests, 1);
    CHECK_EQ(opt.run_all_tests, 0);
    REQUIRE(opt.filter_count == 2);
    CHECK_STR_EQ(opt.filters[0], "a.b");
    CHECK_STR_EQ(opt.filters[1], "c*");

    CHECK_EQ(parse("test=pfn test=\"mm.*,x.y\""), 0);
    REQUIRE(opt.filter_count == 3);
    CHECK_STR_EQ(opt.filters[0], "pfn");
    CHECK_STR_EQ(opt.filters[1], "mm.*");
    CHECK_STR_EQ(opt.filters[2], "x.y");

    CHECK_EQ(parse("test=only"), 0);
    REQUIRE(opt.filter_count == 1);
    CHECK_STR_EQ(opt.filters[0], "only");
}

TEST(empty_pattern_warns)
{
    CHECK_EQ(parse("test="), 1);
    CHECK_EQ(opt.filter_count, 0);
    CHECK(console_has("empty"));

    CHECK_EQ(parse("test=a,,b"), 1);
    REQUIRE(opt.filter_count == 2);
    CHECK_STR_EQ(opt.filters[0], "a");
    CHECK_STR_EQ(opt.filters[1], "b");

    CHECK_EQ(parse("test=,a,"), 2);
    REQUIRE(opt.filter_count == 1);
    CHECK_STR_EQ(opt.filters[0], "a");
}

TEST(too_many_patterns_warns)
{
    char cmdline[512] = "test=";
    for (int i = 0; i < OPTIONS_MAX_FILTERS; i++)
        snprintf(cmdline + strlen(cmdline), sizeof(cmdline) - strlen(cmdline), "%sp%d",
                 i ? "," : "", i);
    CHECK_EQ(parse(cmdline), 0);
    CHECK_EQ(opt.filter_count, OPTIONS_MAX_FILTERS);

    strcat(cmdline, ",extra1,extra2");
    CHECK_EQ(parse(cmdline), 2);
    REQUIRE(opt.filter_count == OPTIONS_MAX_FILTERS);
    CHECK_STR_EQ(opt.filters[0], "p0");
    CHECK_STR_EQ(opt.filters[OPTIONS_MAX_FILTERS - 1], "p15");
    CHECK(console_has("extra1"));
    CHECK(console_has("extra2"));
}

TEST(unknown_key_warns_and_is_named)
{
    CHECK_EQ(parse("frobnicate=yes"), 1);
    CHECK(console_has("frobnicate=yes"));
    CHECK_EQ(opt.run_tests, 0);

    CHECK_EQ(parse("quiet test nosmp"), 2);
    CHECK(console_has("quiet"));
    CHECK(console_has("nosmp"));
    CHECK_EQ(opt.run_all_tests, 1);      /* the good word in between still counts */

    CHECK_EQ(parse("tests"), 1);         /* no prefix matching */
    CHECK_EQ(opt.run_tests, 0);
    CHECK(console_has("tests"));

    CHECK_EQ(parse("bogus loglevel=x test="), 3);
}

TEST(ktest_fail_and_panic_add_selftests)
{
    CHECK_EQ(parse("ktest_fail"), 0);
    CHECK_EQ(opt.run_tests, 1);
    CHECK_EQ(opt.run_all_tests, 0);
    REQUIRE(opt.filter_count == 1);
    CHECK_STR_EQ(opt.filters[0], "selftest.deliberate_failure");

    CHECK_EQ(parse("ktest_panic"), 0);
    CHECK_EQ(opt.run_tests, 1);
    REQUIRE(opt.filter_count == 1);
    CHECK_STR_EQ(opt.filters[0], "selftest.deliberate_panic");

    CHECK_EQ(parse("test ktest_fail ktest_panic"), 0);
    CHECK_EQ(opt.run_all_tests, 1);
    REQUIRE(opt.filter_count == 2);
    CHECK_STR_EQ(opt.filters[0], "selftest.deliberate_failure");
    CHECK_STR_EQ(opt.filters[1], "selftest.deliberate_panic");

    /* They take no value. */
    CHECK_EQ(parse("ktest_fail=1"), 1);
    CHECK_EQ(opt.filter_count, 0);
    CHECK(console_has("ktest_fail=1"));
}

TEST(double_dash_gives_program_argv)
{
    CHECK_EQ(parse("loglevel=debug -- prog \"a b\" c"), 0);
    CHECK_EQ(opt.loglevel, LOG_DEBUG);
    REQUIRE(opt.program_argc == 3);
    REQUIRE(opt.program_argv != NULL);
    CHECK_STR_EQ(opt.program_argv[0], "prog");
    CHECK_STR_EQ(opt.program_argv[1], "a b");
    CHECK_STR_EQ(opt.program_argv[2], "c");
    CHECK(opt.program_argv[3] == NULL);

    /* Words after -- are the program's, not options. */
    CHECK_EQ(parse("-- test loglevel=bogus unknown"), 0);
    CHECK_EQ(opt.run_tests, 0);
    CHECK_EQ(opt.loglevel, LOG_INFO);
    CHECK_EQ(opt.program_argc, 3);
    CHECK_STR_EQ(test_console(), "");

    /* A second -- is an ordinary program word; a quoted "--" too. */
    CHECK_EQ(parse("test -- x -- y"), 0);
    CHECK_EQ(opt.run_all_tests, 1);
    REQUIRE(opt.program_argc == 3);
    CHECK_STR_EQ(opt.program_argv[1], "--");

    /* -- at the end: an empty argv. */
    CHECK_EQ(parse("test --"), 0);
    CHECK_EQ(opt.program_argc, 0);
    REQUIRE(opt.program_argv != NULL);
    CHECK(opt.program_argv[0] == NULL);

    /* No --: no program argv. */
    CHECK_EQ(parse("test"), 0);
    CHECK_EQ(opt.program_argc, 0);
    CHECK(opt.program_argv == NULL);
}

/* The raw text after `--` is the program's command line: quotes as written, trailing
   blanks (which loaders leave) dropped. */
TEST(double_dash_keeps_the_program_command_line)
{
    CHECK_EQ(parse("loglevel=info -- \"my prog.exe\"  a \"b  c\" d\\\"e \t "), 0);
    CHECK_STR_EQ(opt.program_command_line, "\"my prog.exe\"  a \"b  c\" d\\\"e");
    REQUIRE(opt.program_argc == 4);
    CHECK_STR_EQ(opt.program_argv[0], "my prog.exe");
    CHECK_STR_EQ(opt.program_argv[3], "d\"e");

    CHECK_EQ(parse("test -- x -- y"), 0);
    CHECK_STR_EQ(opt.program_command_line, "x -- y");
    CHECK_EQ(parse("test --"), 0);
    CHECK_STR_EQ(opt.program_command_line, "");
    CHECK_EQ(parse("test"), 0);
    CHECK_STR_EQ(opt.program_command_line, "");
}

TEST(too_many_words_ignores_the_command_line)
{
    char cmdline[1024] = "";
    for (int i = 0; i < OPTIONS_MAX_WORDS; i++)
        strcat(cmdline, "test ");
    CHECK_EQ(parse(cmdline), 0);
    CHECK_EQ(opt.word_count, OPTIONS_MAX_WORDS);
    CHECK_EQ(opt.run_all_tests, 1);

    strcat(cmdline, "loglevel=debug");       /* word 65 */
    CHECK_EQ(parse(cmdline), 1);
    CHECK(console_has("64"));
    CHECK_EQ(opt.word_count, 0);
    CHECK_EQ(opt.run_tests, 0);
    CHECK_EQ(opt.run_all_tests, 0);
    CHECK_EQ(opt.loglevel, LOG_INFO);
    CHECK(opt.words[0] == NULL);

    /* 65 words with the 65th after --: still too many, nothing applied. */
    char with_dash[1024] = "loglevel=error --";
    for (int i = 0; i < OPTIONS_MAX_WORDS - 1; i++)
        strcat(with_dash, " w");
    CHECK_EQ(parse(with_dash), 1);
    CHECK_EQ(opt.loglevel, LOG_INFO);
    CHECK_EQ(opt.program_argc, 0);
}

TEST(too_long_ignores_the_command_line)
{
    /* Longer than the text buffer: warned about and ignored, never overflowed. */
    static char cmdline[sizeof(opt.text) + 64];
    memset(cmdline, 'a', sizeof(cmdline) - 1);
    cmdline[sizeof(cmdline) - 1] = '\0';
    memcpy(cmdline, "test ", 5);
    CHECK_EQ(parse(cmdline), 1);
    CHECK(console_has("too long"));
    CHECK_EQ(opt.run_tests, 0);
    CHECK_EQ(opt.word_count, 0);
}
