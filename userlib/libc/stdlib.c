/*
 * <stdlib.h> for user programs, apart from the heap (malloc.c): errno, number parsing,
 * abs, qsort and bsearch, atexit, exit and abort.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "crt/runtime.h"

/* x86-64 SysV is LP64: long and long long are the same 64-bit type underneath. */
_Static_assert(sizeof(long) == sizeof(long long), "strtol relies on LP64");

/* One errno for the process until threads exist; then it moves to the thread block. */
static int errno_value;

int *_errno(void)
{
    return &errno_value;
}

/* ----------------------------------------------------------------------------------- */
/* Number parsing                                                                       */
/* ----------------------------------------------------------------------------------- */

static int is_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');     /* \t \n \v \f \r */
}

/* The value of c as a digit in bases up to 36, or 36 if it is not one. */
static unsigned digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'z')
        return (unsigned)(c - 'a' + 10);
    if (c >= 'A' && c <= 'Z')
        return (unsigned)(c - 'A' + 10);
    return 36;
}

struct parsed {
    uint64_t magnitude;     /* UINT64_MAX when overflowed */
    int negative;
    int overflowed;
};

/*
 * The part the strto* functions share (C11 7.22.1.4): white space, a sign, then digits
 * in the base, where base 0 picks 16 for a "0x" prefix, 8 for a leading 0 and else 10,
 * and base 16 also accepts "0x". The prefix counts only when a hex digit follows it:
 * "0xg" parses as 0 with *end at the 'x'. With no digits at all, *end = s.
 */
static struct parsed parse(const char *s, char **end, int base)
{
    struct parsed r = { 0, 0, 0 };
    const unsigned char *p = (const unsigned char *)s;

    if (base < 0 || base == 1 || base > 36) {
        errno = EINVAL;
        if (end)
            *end = (char *)s;
        return r;
    }
    while (is_space(*p))
        p++;
    if (*p == '+' || *p == '-')
        r.negative = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }

    const unsigned char *digits = p;
    for (unsigned d; (d = digit_value(*p)) < (unsigned)base; p++) {
        if (r.magnitude > (UINT64_MAX - d) / (unsigned)base)
            r.overflowed = 1;
        else
            r.magnitude = r.magnitude * (unsigned)base + d;
    }
    if (r.overflowed)
        r.magnitude = UINT64_MAX;
    if (end)
        *end = (char *)(p == digits ? (const unsigned char *)s : p);
    if (p == digits)
        r.negative = 0;
    return r;
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
    struct parsed r = parse(s, end, base);
    if (!r.negative) {
        if (r.overflowed || r.magnitude > (uint64_t)LLONG_MAX) {
            errno = ERANGE;
            return LLONG_MAX;
        }
        return (long long)r.magnitude;
    }
    if (r.overflowed || r.magnitude > (uint64_t)LLONG_MAX + 1) {
        errno = ERANGE;
        return LLONG_MIN;
    }
    /* -(m - 1) - 1 reaches LLONG_MIN without overflowing on the way. */
    return r.magnitude == 0 ? 0 : -(long long)(r.magnitude - 1) - 1;
}

/* A '-' negates in the unsigned type (C11 7.22.1.4p5): "-1" is ULLONG_MAX, no error. */
unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
{
    struct parsed r = parse(s, end, base);
    if (r.overflowed) {
        errno = ERANGE;
        return ULLONG_MAX;
    }
    return r.negative ? 0 - r.magnitude : r.magnitude;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
    return strtoll(s, end, base);
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
    return strtoull(s, end, base);
}

/* Out-of-range input is undefined for atoi (C11 7.22.1.2); here it wraps like a cast. */
int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
    return strtol(s, NULL, 10);
}

long long atoll(const char *s)
{
    return strtoll(s, NULL, 10);
}

int abs(int v)
{
    return v < 0 ? -v : v;
}

long labs(long v)
{
    return v < 0 ? -v : v;
}

long long llabs(long long v)
{
    return v < 0 ? -v : v;
}

/* ----------------------------------------------------------------------------------- */
/* Sorting and searching                                                                */
/* ----------------------------------------------------------------------------------- */

static void swap(char *a, char *b, size_t size)
{
    for (; size >= 8; size -= 8, a += 8, b += 8) {
        uint64_t t;
        __builtin_memcpy(&t, a, 8);
        __builtin_memcpy(a, b, 8);
        __builtin_memcpy(b, &t, 8);
    }
    for (; size; size--, a++, b++) {
        char t = *a;
        *a = *b;
        *b = t;
    }
}

/* Moves element `root` down the max-heap of the first n elements until no child is
 * greater. */
static void sift_down(char *base, size_t root, size_t n, size_t size,
                      int (*compare)(const void *, const void *))
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && compare(base + child * size, base + (child + 1) * size) < 0)
            child++;
        if (compare(base + root * size, base + child * size) >= 0)
            return;
        swap(base + root * size, base + child * size, size);
        root = child;
    }
}

/*
 * Heapsort: O(n log n) in the worst case, in place and without recursion, which suits
 * small user stacks. Like every qsort, it is not stable.
 */
void qsort(void *base, size_t count, size_t size,
           int (*compare)(const void *, const void *))
{
    char *b = base;
    if (count < 2 || size == 0)
        return;
    for (size_t i = count / 2; i-- > 0;)
        sift_down(b, i, count, size, compare);
    for (size_t last = count - 1; last > 0; last--) {
        swap(b, b + last * size, size);
        sift_down(b, 0, last, size, compare);
    }
}

void *bsearch(const void *key, const void *base, size_t count, size_t size,
              int (*compare)(const void *, const void *))
{
    const char *b = base;
    size_t lo = 0, hi = count;     /* the key, if present, is in [lo, hi) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare(key, b + mid * size);
        if (c == 0)
            return (void *)(b + mid * size);
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* ----------------------------------------------------------------------------------- */
/* Process exit                                                                         */
/* ----------------------------------------------------------------------------------- */

#define ATEXIT_MAX 32              /* the minimum C11 7.22.4.2 requires */

static void (*atexit_handlers[ATEXIT_MAX])(void);
static int atexit_count;

int atexit(void (*fn)(void))
{
    if (atexit_count == ATEXIT_MAX)
        return -1;
    atexit_handlers[atexit_count++] = fn;
    return 0;
}

/* Handlers run in reverse order of registration; one registered by a handler runs too. */
_Noreturn void exit(int status)
{
    while (atexit_count > 0)
        atexit_handlers[--atexit_count]();
    fflush(NULL);
    __process_exit(status);
}

/*
 * No handlers and no flushing (C11 7.22.4.1); stderr is unbuffered, so its messages are
 * already out. Exit code 3 is what the Microsoft C runtime's abort reports.
 */
_Noreturn void abort(void)
{
    __process_exit(3);
}
