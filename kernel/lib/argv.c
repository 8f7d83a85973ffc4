/* Command-line splitting with the Windows quoting rules (argv.h). */
#include "argv.h"

struct writer {
    char *buf;
    size_t size;
    size_t used;
    int overflow;
};

static void put(struct writer *w, char c)
{
    if (w->used < w->size)
        w->buf[w->used++] = c;
    else
        w->overflow = 1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Handles a run of backslashes at *p; returns the position after what it consumed. */
static const char *put_backslashes(struct writer *w, const char *p)
{
    size_t n = 0;
    while (*p == '\\') {
        n++;
        p++;
    }
    if (*p != '"') {
        for (; n; n--)
            put(w, '\\');
        return p;
    }
    for (size_t i = 0; i < n / 2; i++)
        put(w, '\\');
    if (n % 2) {
        put(w, '"');
        return p + 1;
    }
    return p;       /* the quote is handled by the caller */
}

/* Writes the word at p (not blank) to w; returns the position after it. */
static const char *scan_word(struct writer *w, const char *p)
{
    int in_quotes = 0;
    while (*p && (in_quotes || !is_blank(*p))) {
        if (*p == '\\') {
            p = put_backslashes(w, p);
        } else if (*p == '"') {
            if (in_quotes && p[1] == '"') {
                put(w, '"');
                p += 2;
            } else {
                in_quotes = !in_quotes;
                p++;
            }
        } else {
            put(w, *p++);
        }
    }
    return p;
}

int argv_split(const char *text, char *buf, size_t size, char **argv, int max_args,
               int *argc)
{
    struct writer w = { buf, size, 0, 0 };
    const char *p = text;
    int count = 0;

    for (;;) {
        while (is_blank(*p))
            p++;
        if (!*p)
            break;
        if (count == max_args)
            return ARGV_TOO_MANY;
        size_t start = w.used;
        p = scan_word(&w, p);
        put(&w, '\0');
        if (w.overflow)
            return ARGV_TOO_LONG;
        argv[count++] = buf + start;
    }
    argv[count] = NULL;
    *argc = count;
    return ARGV_OK;
}

const char *argv_word_start(const char *text, int index)
{
    struct writer nowhere = { NULL, 0, 0, 0 };      /* every put overflows, harmlessly */
    const char *p = text;
    for (int i = 0;; i++) {
        while (is_blank(*p))
            p++;
        if (!*p || i == index)
            return p;
        p = scan_word(&nowhere, p);
    }
}
