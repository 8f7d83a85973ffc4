/* Kernel command-line options (options.h). Portable: host tests run it. */
#include "options.h"

#include "lib/argv.h"
#include "lib/string.h"

/* Returns the warnings issued (0 or 1). pattern must outlive *opt. */
static int add_filter(struct kernel_options *opt, const char *pattern)
{
    if (*pattern == '\0') {
        log_warn("cmdline: empty pattern in test=");
        return 1;
    }
    if (opt->filter_count == OPTIONS_MAX_FILTERS) {
        log_warn("cmdline: more than %d test patterns; '%s' ignored",
                 OPTIONS_MAX_FILTERS, pattern);
        return 1;
    }
    opt->filters[opt->filter_count++] = pattern;
    return 0;
}

/* Splits a `test=` value at its commas, in place. Returns the warnings issued. */
static int add_filters(struct kernel_options *opt, char *list)
{
    int warnings = 0;
    for (char *p = list;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        warnings += add_filter(opt, p);
        if (!comma)
            return warnings;
        p = comma + 1;
    }
}

static int parse_word(struct kernel_options *opt, char *word)
{
    char *eq = strchr(word, '=');
    char *value = NULL;
    if (eq) {
        *eq = '\0';
        value = eq + 1;
    }

    if (strcmp(word, "test") == 0) {
        opt->run_tests = 1;
        if (!value) {
            opt->run_all_tests = 1;
            return 0;
        }
        return add_filters(opt, value);
    }
    if (strcmp(word, "loglevel") == 0) {
        enum log_level level;
        if (value && log_parse_level(value, &level) == 0) {
            opt->loglevel = level;
            return 0;
        }
        log_warn("cmdline: loglevel needs error, warn, info, debug or 0-3, not '%s'",
                 value ? value : "");
        return 1;
    }
    if (!value && strcmp(word, "ktest_fail") == 0) {
        opt->run_tests = 1;
        return add_filter(opt, "selftest.deliberate_failure");
    }
    if (!value && strcmp(word, "ktest_panic") == 0) {
        opt->run_tests = 1;
        return add_filter(opt, "selftest.deliberate_panic");
    }
    if (eq)
        *eq = '=';
    log_warn("cmdline: unknown option '%s' ignored", word);
    return 1;
}

/* Copies the raw text after `--`, without the blanks a loader may leave at the end. */
static void keep_program_command_line(struct kernel_options *opt, const char *text)
{
    size_t n = strnlen(text, sizeof(opt->program_command_line) - 1);
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    memcpy(opt->program_command_line, text, n);
    opt->program_command_line[n] = '\0';
}

int options_parse(const char *cmdline, struct kernel_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->loglevel = LOG_INFO;

    int status = argv_split(cmdline, opt->text, sizeof(opt->text), opt->words,
                            OPTIONS_MAX_WORDS, &opt->word_count);
    if (status != ARGV_OK) {
        log_warn("cmdline: %s; the command line is ignored",
                 status == ARGV_TOO_MANY ? "more than 64 words" : "too long");
        opt->word_count = 0;
        opt->words[0] = NULL;
        return 1;
    }

    int warnings = 0;
    for (int i = 0; i < opt->word_count; i++) {
        if (strcmp(opt->words[i], "--") == 0) {
            opt->program_argv = &opt->words[i + 1];
            opt->program_argc = opt->word_count - i - 1;
            keep_program_command_line(opt, argv_word_start(cmdline, i + 1));
            break;
        }
        warnings += parse_word(opt, opt->words[i]);
    }
    return warnings;
}
