/*
 * Splitting a command line into words with the Windows rules (CommandLineToArgvW), used
 * for the kernel command line and, later, for a program's argv:
 *   - words are separated by spaces and tabs;
 *   - double quotes group words: `"a b"` is one word `a b`, `key="a b"` is `key=a b`;
 *   - 2n backslashes before a quote give n backslashes and the quote opens or closes;
 *     2n+1 backslashes before a quote give n backslashes and a literal quote;
 *   - backslashes not followed by a quote are literal;
 *   - inside quotes, `""` is a literal quote (the post-2008 MSVC runtime rule);
 *   - an unterminated quote ends at the end of the line.
 * Source: Microsoft Learn, "Parsing C++ command-line arguments".
 */
#ifndef RESERVOIR_LIB_ARGV_H
#define RESERVOIR_LIB_ARGV_H

#include <stddef.h>

enum argv_status {
    ARGV_OK = 0,
    ARGV_TOO_MANY = -1,     /* more than max_args words */
    ARGV_TOO_LONG = -2,     /* the words do not fit in buf */
};

/*
 * Splits text into words stored NUL-terminated in buf (size bytes), with argv[i] pointing
 * into buf and argv[*argc] = NULL (argv must hold max_args + 1 pointers). Returns ARGV_OK,
 * ARGV_TOO_MANY or ARGV_TOO_LONG; on error *argc and argv are unspecified.
 */
int argv_split(const char *text, char *buf, size_t size, char **argv, int max_args,
               int *argc);

/*
 * Where word `index` (0-based) of text begins, as argv_split counts words: the raw
 * text from there on, quotes and backslashes as written. The end of text when it has
 * no such word.
 */
const char *argv_word_start(const char *text, int index);

#endif
