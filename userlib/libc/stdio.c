/*
 * <stdio.h> for user programs: two output streams on the console.
 *
 * Every output call puts its characters into the stream's buffer and, when it returns,
 * writes out what the stream's buffering says must go now:
 *
 *   stdout  line buffered: everything up to and including the last '\n' (and all of it
 *           on fflush or exit), so printf("a"); printf("b\n") is one console write;
 *   stderr  unbuffered: everything, so each call reaches the console before it returns.
 *
 * A buffer that fills in the middle of a call is written out whole. Output to stderr
 * first flushes stdout: both go to the same console, and a message should not overtake
 * the text printed before it.
 *
 * Formatting is the kernel's engine (kernel/lib/format.c, compiled into userlib as it
 * is) with Microsoft's rules, FORMAT_WINDOWS: programs are written for Windows, where
 * long is 32 bits, so %lu reads a DWORD exactly and %I64d, %Iu work. Nothing here is
 * thread-safe yet: locks come with threads.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "crt/console.h"
#include "kernel/lib/format.h"

enum buffering { UNBUFFERED, LINE_BUFFERED };

struct __reservoir_file {
    enum buffering mode;
    unsigned failures;      /* console writes that failed; ferror() is failures != 0 */
    char *buf;
    size_t size;
    size_t used;
    size_t line_end;        /* bytes up to and including the last '\n' in buf, or 0 */
};

/* stderr's buffer only gathers one call's output so it goes out in one write. */
static char stdout_buffer[1024];
static char stderr_buffer[256];

static FILE stdout_stream = { LINE_BUFFERED, 0, stdout_buffer, sizeof(stdout_buffer), 0, 0 };
static FILE stderr_stream = { UNBUFFERED, 0, stderr_buffer, sizeof(stderr_buffer), 0, 0 };

FILE *stdout = &stdout_stream;
FILE *stderr = &stderr_stream;

/* Writes the first n buffered bytes to the console and keeps the rest. */
static void write_out(FILE *f, size_t n)
{
    if (n == 0)
        return;
    const char *p = f->buf;
    size_t left = n;
    while (left) {
        int written = __console_write(p, left);
        if (written <= 0 || (size_t)written > left) {
            f->failures++;      /* the bytes are dropped: retrying could loop forever */
            break;
        }
        p += written;
        left -= (size_t)written;
    }
    memmove(f->buf, f->buf + n, f->used - n);
    f->used -= n;
    f->line_end = f->line_end > n ? f->line_end - n : 0;
}

static void put(FILE *f, char c)
{
    if (f->used == f->size)
        write_out(f, f->used);
    f->buf[f->used++] = c;
    if (c == '\n')
        f->line_end = f->used;
}

static void put_callback(char c, void *ctx)
{
    put(ctx, c);
}

/* Every output call starts with begin() and returns through end(). */
static unsigned begin(FILE *f)
{
    if (f != stdout)
        fflush(stdout);
    return f->failures;
}

/* Writes out what the buffering mode says must go now; 0, or EOF if a write failed. */
static int end(FILE *f, unsigned failures_before)
{
    if (f->mode == UNBUFFERED)
        write_out(f, f->used);
    else
        write_out(f, f->line_end);
    return f->failures == failures_before ? 0 : EOF;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
    unsigned before = begin(f);
    int n = format_va(put_callback, f, FORMAT_WINDOWS, fmt, ap);
    return end(f, before) == 0 ? n : -1;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *restrict fmt, va_list ap)
{
    return vfprintf(stdout, fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
    return format_to_buffer(buf, size, FORMAT_WINDOWS, fmt, ap);
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* No size is given, so the bound is the largest count an int return can report. */
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
    return vsnprintf(buf, INT_MAX, fmt, ap);
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, INT_MAX, fmt, ap);
    va_end(ap);
    return n;
}

int fputc(int c, FILE *f)
{
    unsigned before = begin(f);
    put(f, (char)c);
    return end(f, before) == 0 ? (unsigned char)c : EOF;
}

int putc(int c, FILE *f)
{
    return fputc(c, f);
}

int putchar(int c)
{
    return fputc(c, stdout);
}

int fputs(const char *restrict s, FILE *restrict f)
{
    unsigned before = begin(f);
    while (*s)
        put(f, *s++);
    return end(f, before);
}

int puts(const char *s)
{
    unsigned before = begin(stdout);
    while (*s)
        put(stdout, *s++);
    put(stdout, '\n');
    return end(stdout, before);
}

size_t fwrite(const void *restrict p, size_t size, size_t count, FILE *restrict f)
{
    const char *bytes = p;
    if (size == 0 || count == 0)
        return 0;
    unsigned before = begin(f);
    for (size_t i = 0; i < size * count; i++)
        put(f, bytes[i]);
    return end(f, before) == 0 ? count : 0;
}

int fflush(FILE *f)
{
    if (!f) {
        int result = fflush(stdout);
        return fflush(stderr) == 0 ? result : EOF;
    }
    unsigned before = f->failures;
    write_out(f, f->used);
    return f->failures == before ? 0 : EOF;
}

int ferror(FILE *f)
{
    return f->failures != 0;
}

void clearerr(FILE *f)
{
    f->failures = 0;
}
