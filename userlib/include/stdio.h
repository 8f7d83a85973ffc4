/*
 * <stdio.h> for Reservoir user programs (userlib/libc/stdio.c): formatted output to the
 * console through two streams, stdout (line buffered) and stderr (unbuffered). There is
 * no input and no files yet.
 *
 * Conversions are those of the kernel's formatting engine (kernel/lib/format.h): %d %i
 * %u %x %X %o %p %s %c %% with hh h l ll z t j, the flags - 0 + space #, width and
 * precision (also *). No floating point, no %n, no wide characters.
 */
#ifndef RESERVOIR_USERLIB_STDIO_H
#define RESERVOIR_USERLIB_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

typedef struct __reservoir_file FILE;

extern FILE *stdout;
extern FILE *stderr;

#define RESERVOIR_PRINTF(f, a) __attribute__((__format__(__printf__, f, a)))

int printf(const char *restrict fmt, ...) RESERVOIR_PRINTF(1, 2);
int vprintf(const char *restrict fmt, va_list ap) RESERVOIR_PRINTF(1, 0);
int fprintf(FILE *restrict f, const char *restrict fmt, ...) RESERVOIR_PRINTF(2, 3);
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap) RESERVOIR_PRINTF(2, 0);
int sprintf(char *restrict buf, const char *restrict fmt, ...) RESERVOIR_PRINTF(2, 3);
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap) RESERVOIR_PRINTF(2, 0);
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    RESERVOIR_PRINTF(3, 4);
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
    RESERVOIR_PRINTF(3, 0);

int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int fputs(const char *restrict s, FILE *restrict f);
int puts(const char *s);
size_t fwrite(const void *restrict p, size_t size, size_t count, FILE *restrict f);

int fflush(FILE *f);                   /* NULL: every stream */
int ferror(FILE *f);
void clearerr(FILE *f);

#undef RESERVOIR_PRINTF

#endif
