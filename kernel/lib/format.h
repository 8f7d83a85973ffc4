/*
 * printf-style formatting with no dependencies, shared by the kernel console, the panic
 * path and (later) userlib's stdio. Output goes through a callback so the same code can
 * write to a serial port, a buffer or a user stream.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, length modifiers hh h l ll z t j, flags
 * '-' '0' '+' ' ' '#', field width and precision (both may be '*'). An unknown conversion
 * is printed as it stands, so a bad format string shows up instead of reading the wrong
 * argument silently.
 */
#ifndef RESERVOIR_LIB_FORMAT_H
#define RESERVOIR_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_put_fn)(char c, void *ctx);

/* Formats into put(); returns the number of characters produced. */
int format_va(format_put_fn put, void *ctx, const char *fmt, va_list ap);

/*
 * Formats into buf (always NUL-terminated when size > 0). Returns the length the full
 * output would have had, as C's vsnprintf does.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
