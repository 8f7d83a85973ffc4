/*
 * Freestanding string and memory functions (string.h), shared by the kernel and userlib
 * (userlib/libc/string.c adds the rest of C's <string.h> on top of these).
 *
 * memset, memcpy and memmove move 8 bytes at a time rather than using rep stosb/movsb:
 * under QEMU TCG the byte-wise string instructions are about ten times slower than an
 * 8-byte loop (docs/boot.md, measured costs). memset's and memcpy's main loops do 32
 * bytes a round: under TCG the loop's own counting and branching costs about as much as
 * the stores, and the kernel clears and copies 1232-byte CONTEXT records on every
 * exception. The moves go through __builtin_memcpy with a constant size, which GCC turns
 * into plain loads and stores even in a freestanding build, so nothing here calls back
 * into memcpy.
 */
#include "string.h"

#include <stdint.h>

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    uint64_t pattern = 0x0101010101010101ull * (unsigned char)c;

    while (n && ((uintptr_t)d & 7)) {
        *d++ = (unsigned char)c;
        n--;
    }
    for (; n >= 32; n -= 32, d += 32) {
        __builtin_memcpy(d, &pattern, 8);
        __builtin_memcpy(d + 8, &pattern, 8);
        __builtin_memcpy(d + 16, &pattern, 8);
        __builtin_memcpy(d + 24, &pattern, 8);
    }
    for (; n >= 8; n -= 8, d += 8)
        __builtin_memcpy(d, &pattern, 8);
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    for (; n >= 32; n -= 32, d += 32, s += 32) {
        uint64_t v[4];
        __builtin_memcpy(v, s, 32);
        __builtin_memcpy(d, v, 32);
    }
    for (; n >= 8; n -= 8, d += 8, s += 8) {
        uint64_t v;
        __builtin_memcpy(&v, s, 8);
        __builtin_memcpy(d, &v, 8);
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if ((uintptr_t)d < (uintptr_t)s) {
        for (; n >= 8; n -= 8, d += 8, s += 8) {
            uint64_t v;
            __builtin_memcpy(&v, s, 8);
            __builtin_memcpy(d, &v, 8);
        }
        while (n--)
            *d++ = *s++;
    } else {
        d += n;
        s += n;
        for (; n >= 8; n -= 8) {
            uint64_t v;
            d -= 8;
            s -= 8;
            __builtin_memcpy(&v, s, 8);
            __builtin_memcpy(d, &v, 8);
        }
        while (n--)
            *--d = *--s;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/* Bytes compare as unsigned char (C11 7.24.4p1), so "\xff" sorts after "a". */
int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    while (*x && *x == *y) {
        x++;
        y++;
    }
    return *x < *y ? -1 : *x > *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
        if (!*x)
            return 0;
    }
    return 0;
}

/* The terminating NUL counts as part of the string: strchr(s, 0) finds it. */
char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
