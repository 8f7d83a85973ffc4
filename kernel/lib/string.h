/*
 * The freestanding C string and memory functions the kernel uses. GCC may emit calls to
 * memset/memcpy/memmove/memcmp by itself, so these four must exist with their C names.
 */
#ifndef RESERVOIR_LIB_STRING_H
#define RESERVOIR_LIB_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/* Copies at most size-1 bytes and always terminates; returns strlen(src) (BSD strlcpy). */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif
