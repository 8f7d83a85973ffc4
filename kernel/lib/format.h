/*
 * printf-style formatting with no dependencies, shared by the kernel console, the panic
 * path and userlib's stdio. Output goes through a callback so the same code can write to
 * a serial port, a buffer or a user stream.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, length modifiers hh h l ll z t j, flags
 * '-' '0' '+' ' ' '#', field width and precision (both may be '*'). An unknown conversion
 * is printed as it stands, so a bad format string shows up instead of reading the wrong
 * argument silently.
 *
 * Two dialects, because the kernel is a System V LP64 program and user programs are
 * written for Windows, which is LLP64 (userlib/README.md, "printf"):
 *   FORMAT_SYSV     long is 64 bits; %p is 0x-prefixed lowercase hex (glibc's form).
 *   FORMAT_WINDOWS  Microsoft's C runtime ("Format specification syntax: printf and
 *                   wprintf functions", "Size specification"): l is 32 bits, since long
 *                   is on Windows, so a DWORD passed for %lu is read exactly; the size
 *                   prefixes I (pointer-sized), I32 and I64; %p is the pointer as 16
 *                   uppercase hex digits with no prefix.
 */
#ifndef RESERVOIR_LIB_FORMAT_H
#define RESERVOIR_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_put_fn)(char c, void *ctx);

enum format_dialect {
    FORMAT_SYSV,
    FORMAT_WINDOWS,
};

/* Formats into put(); returns the number of characters produced. */
int format_va(format_put_fn put, void *ctx, enum format_dialect dialect, const char *fmt,
              va_list ap);

/*
 * Formats into buf (always NUL-terminated when size > 0). Returns the length the full
 * output would have had, as C's vsnprintf does. The kernel's vsnprintf (snprintf.c) and
 * userlib's are this with their dialects.
 */
int format_to_buffer(char *buf, size_t size, enum format_dialect dialect, const char *fmt,
                     va_list ap);

/* The kernel's (FORMAT_SYSV); kernel/lib/snprintf.c. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
