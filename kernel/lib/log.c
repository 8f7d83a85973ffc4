/* Leveled console output (log.h). Portable: it only needs console_putc(). */
#include "log.h"

#include "format.h"
#include "string.h"

static enum log_level current_level = LOG_INFO;

static const char *const level_names[] = {
    [LOG_ERROR] = "error",
    [LOG_WARN] = "warn",
    [LOG_INFO] = "info",
    [LOG_DEBUG] = "debug",
};

static void put(char c, void *ctx)
{
    (void)ctx;
    console_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
    return format_va(put, NULL, FORMAT_SYSV, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}

static void log_line(enum log_level level, const char *fmt, va_list ap)
{
    if (level > current_level)
        return;
    kprintf("[%s] ", level_names[level]);
    kvprintf(fmt, ap);
    console_putc('\n');
}

#define DEFINE_LOG_FN(name, level)              \
    void name(const char *fmt, ...)             \
    {                                           \
        va_list ap;                             \
        va_start(ap, fmt);                      \
        log_line(level, fmt, ap);               \
        va_end(ap);                             \
    }

DEFINE_LOG_FN(log_error, LOG_ERROR)
DEFINE_LOG_FN(log_warn, LOG_WARN)
DEFINE_LOG_FN(log_info, LOG_INFO)
DEFINE_LOG_FN(log_debug, LOG_DEBUG)

void log_set_level(enum log_level level)
{
    current_level = level;
}

enum log_level log_get_level(void)
{
    return current_level;
}

int log_parse_level(const char *text, enum log_level *level)
{
    for (int i = LOG_ERROR; i <= LOG_DEBUG; i++) {
        if (strcmp(text, level_names[i]) == 0) {
            *level = (enum log_level)i;
            return 0;
        }
    }
    if (text[0] >= '0' && text[0] <= '3' && text[1] == '\0') {
        *level = (enum log_level)(text[0] - '0');
        return 0;
    }
    return -1;
}
