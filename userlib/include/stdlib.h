/*
 * <stdlib.h> for Reservoir user programs: number parsing, sorting and searching, process
 * exit (userlib/libc/stdlib.c) and the heap (userlib/libc/malloc.c).
 */
#ifndef RESERVOIR_USERLIB_STDLIB_H
#define RESERVOIR_USERLIB_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/* The element count of an array, as Microsoft's C runtime defines it for C. */
#define _countof(array) (sizeof(array) / sizeof((array)[0]))

int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);

/*
 * C11 7.22.1.4: optional leading white space and sign, base 0 (prefix decides: 0x hex,
 * 0 octal, else decimal) or 2..36. Out of range: the nearest limit and errno = ERANGE.
 * An invalid base: 0, errno = EINVAL and *end = s.
 */
long strtol(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end, int base);

int abs(int v);
long labs(long v);
long long llabs(long long v);

void qsort(void *base, size_t count, size_t size,
           int (*compare)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t count, size_t size,
              int (*compare)(const void *, const void *));

/* abort() ends the process with exit code 3 as the Microsoft C runtime does. */
_Noreturn void abort(void);
_Noreturn void exit(int status);
int atexit(void (*fn)(void));          /* 0 on success; at most 32 handlers */

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

#endif
