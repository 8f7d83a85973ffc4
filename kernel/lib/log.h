/*
 * Kernel console output: kprintf for plain text, log_* for leveled messages.
 *
 * Messages above the current level (set by the `loglevel=` command-line key) are dropped.
 * Each leveled line starts with its level so a reader, or the test runner, can tell them
 * apart from program output. The console itself is console_putc(), provided by the kernel
 * (serial) or by the host test harness (a capture buffer).
 */
#ifndef RESERVOIR_LIB_LOG_H
#define RESERVOIR_LIB_LOG_H

#include <stdarg.h>

enum log_level {
    LOG_ERROR = 0,
    LOG_WARN = 1,
    LOG_INFO = 2,
    LOG_DEBUG = 3,
};

void console_putc(char c);

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/*
 * Parses a level given as a name ("error", "warn", "info", "debug") or a digit 0-3.
 * Returns 0 and sets *level, or -1 when the text is neither.
 */
int log_parse_level(const char *text, enum log_level *level);

#endif
