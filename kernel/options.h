/*
 * Kernel options from the boot command line.
 *
 * Recognised words (docs/boot.md lists them with examples):
 *   loglevel=error|warn|info|debug|0-3   console verbosity (default info)
 *   test                                 run every in-kernel test, then exit
 *   test=PATTERN[,PATTERN...]            run only the tests matching (suite.name, '*' glob)
 *   ktest_fail, ktest_panic              add the deliberately failing / panicking self-test
 *                                        (they prove the harness notices failures)
 *   --                                   everything after it belongs to the first program
 * Anything else is warned about and ignored: a typo never stops a boot.
 */
#ifndef RESERVOIR_OPTIONS_H
#define RESERVOIR_OPTIONS_H

#include "boot_info.h"
#include "lib/log.h"

#define OPTIONS_MAX_WORDS   64
#define OPTIONS_MAX_FILTERS 16

struct kernel_options {
    enum log_level loglevel;
    int run_tests;                  /* `test` or `test=` given */
    int run_all_tests;              /* plain `test` */
    int filter_count;
    const char *filters[OPTIONS_MAX_FILTERS];
    int program_argc;               /* words after `--` */
    char **program_argv;
    /* The text after `--` as written (quotes kept), trailing blanks dropped: the
       program's command line, GetCommandLineA's answer. Empty without `--`. */
    char program_command_line[BOOT_CMDLINE_MAX];
    int word_count;
    char *words[OPTIONS_MAX_WORDS + 1];
    char text[BOOT_CMDLINE_MAX * 2];  /* words and split filters live here */
};

/*
 * Parses cmdline into *opt. Never fails: each problem (unknown key, bad value, too many
 * words or filters) is logged as a warning and the word is ignored. Returns the number of
 * warnings, so tests can check that bad input was noticed.
 */
int options_parse(const char *cmdline, struct kernel_options *opt);

#endif
