/*
 * The C library a <windows.h> program relies on: printf formatting, <string.h>,
 * strtoul and friends, the heap, qsort/bsearch, and main's argv. Runs on Reservoir
 * (userlib) and under Wine (mingw-w64's C library with __USE_MINGW_ANSI_STDIO).
 *
 * utest-args: alpha "beta gamma"
 *
 * The runners pass those arguments (tools/run-user-tests.sh reads the line above; so does
 * tools/check-wine.sh). Expected values come from the C standard, ISO/IEC 9899:2011
 * (N1570): 7.21.6.1 fprintf, 7.24 <string.h>, 7.22.1.4 strtol/strtoul, 7.22.3 memory
 * management, 7.22.5 qsort/bsearch, 5.1.2.2.1 program startup. Where C leaves a size
 * to the implementation (long is 64 bits on Reservoir's SysV ABI, 32 on Windows' LLP64),
 * the expected value is computed from sizeof(long).
 */
#include "utest.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char buf[256];

/* 7.21.6.5 snprintf: the output (truncated to the buffer) and the length it would have. */
#define FMT(expected, ...)                                                                \
    do {                                                                                  \
        int n_ = snprintf(buf, sizeof(buf), __VA_ARGS__);                                \
        int same_ = strcmp(buf, expected) == 0;                                          \
        if (!same_)                                                                       \
            UTEST_NOTE("snprintf(%s) gave \"%s\"", #__VA_ARGS__, buf);                   \
        CHECK(same_ && n_ == (int)strlen(expected), "snprintf(%s) -> \"%s\"", #__VA_ARGS__, \
              expected);                                                                  \
    } while (0)

static void test_printf(void)
{
    /* 7.21.6.1: conversions, flags, field width, precision and length modifiers. */
    FMT("-42", "%d", -42);
    FMT("17", "%i", 17);
    FMT("4000000000", "%u", 4000000000u);
    FMT("deadbeef", "%x", 0xdeadbeefu);
    FMT("DEADBEEF", "%X", 0xdeadbeefu);
    FMT("755", "%o", 0755u);
    FMT("x", "%c", 'x');
    FMT("hello", "%s", "hello");
    FMT("100%", "%d%%", 100);
    FMT("", "%s", "");
    FMT("   42", "%5d", 42);
    FMT("42   |", "%-5d|", 42);
    FMT("00042", "%05d", 42);
    FMT("-0042", "%05d", -42);
    FMT("+5", "%+d", 5);
    FMT(" 5", "% d", 5);
    FMT("-5", "% d", -5);
    FMT("007", "%.3d", 7);
    FMT("  007", "%5.3d", 7);
    FMT("", "%.0d", 0);             /* "The result of converting a zero value with a
                                       precision of zero is no characters." */
    FMT("0xff", "%#x", 255u);
    FMT("0XFF", "%#X", 255u);
    FMT("010", "%#o", 8u);
    FMT("0", "%#x", 0u);
    FMT("0x000ff", "%#07x", 255u);
    FMT("ab", "%.2s", "abcdef");
    FMT("     hello", "%10s", "hello");
    FMT("hello     |", "%-10s|", "hello");
    FMT("    42", "%*d", 6, 42);
    FMT("42    ", "%*d", -6, 42);       /* a negative width argument is the - flag */
    FMT("abc", "%.*s", 3, "abcdef");
    FMT("44", "%hhd", 300);             /* converted to signed char: 300 - 256 */
    FMT("255", "%hhu", -1);
    FMT("4464", "%hd", 70000);          /* 70000 - 65536 */
    FMT("65535", "%hu", -1);
    FMT("-123456", "%ld", -123456L);
    FMT("-9223372036854775808", "%lld", LLONG_MIN);
    FMT("18446744073709551615", "%llu", ULLONG_MAX);
    FMT("7fffffffffffffff", "%llx", (unsigned long long)LLONG_MAX);
    FMT("12345", "%zu", (size_t)12345);
    FMT("-1", "%jd", (intmax_t)-1);
    FMT("-3", "%td", (ptrdiff_t)-3);
    FMT("a1b-2c", "a%db%dc", 1, -2);
    FMT("[  abc][def  ]", "[%5s][%-5s]", "abc", "def");

    /*
     * Windows' C runtime is LLP64: l means 32 bits ("Size specification"), so a DWORD
     * prints exactly with %lu, and I64 / I32 / I give explicit widths. %p is 16
     * uppercase hex digits ("printf type field characters").
     */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"      /* gcc on Linux thinks long is 64 bits */
#pragma GCC diagnostic ignored "-Wformat-extra-args"
    DWORD big = 0xfffffffeu;
    FMT("4294967294 ffffffff", "%lu %lx", big, (DWORD)-1);
    FMT("-9223372036854775807 4294967295 -3", "%I64d %I32u %Id", -LLONG_MAX, (DWORD)-1,
        (SSIZE_T)-3);
    FMT("0000000000001000", "%p", (void *)0x1000);
#pragma GCC diagnostic pop

    /* Truncation: the return value is the length the whole output would have. */
    char small[5];
    int n = snprintf(small, sizeof(small), "hello world");
    CHECK(n == 11 && strcmp(small, "hell") == 0,
          "snprintf into 5 bytes: \"hell\" and returns 11");
    CHECK_EQ_U64(snprintf(NULL, 0, "%d", 12345), 5, "snprintf(NULL, 0, ...) returns the length");
    small[0] = 'z';
    CHECK(snprintf(small, 1, "abc") == 3 && small[0] == '\0', "snprintf into 1 byte: \"\"");
    CHECK_EQ_U64(sprintf(buf, "%s=%d", "x", 10), 4, "sprintf returns the characters written");
    CHECK(strcmp(buf, "x=10") == 0, "sprintf writes \"x=10\"");
}

static void test_strings(void)
{
    /* 7.24 */
    CHECK_EQ_U64(strlen(""), 0, "strlen(\"\")");
    CHECK_EQ_U64(strlen("abcdef"), 6, "strlen(\"abcdef\")");
    CHECK(strcmp("abc", "abc") == 0, "strcmp equal");
    CHECK(strcmp("abc", "abd") < 0 && strcmp("abd", "abc") > 0, "strcmp orders");
    CHECK(strcmp("ab", "abc") < 0, "strcmp: a prefix is smaller");
    CHECK(strcmp("\x80", "\x7f") > 0, "strcmp compares as unsigned char");
    CHECK(strncmp("abcX", "abcY", 3) == 0 && strncmp("abcX", "abcY", 4) < 0, "strncmp");
    const char *s = "hello, world";
    CHECK(strchr(s, 'o') == s + 4 && strrchr(s, 'o') == s + 8, "strchr / strrchr");
    CHECK(strchr(s, '\0') == s + 12, "strchr finds the terminator");
    CHECK(strchr(s, 'z') == NULL, "strchr: absent is NULL");
    CHECK(strstr(s, "world") == s + 7 && strstr(s, "") == s && strstr(s, "worlds") == NULL,
          "strstr");
    CHECK(memchr(s, 'w', 12) == s + 7 && memchr(s, 'w', 7) == NULL, "memchr");
    CHECK(memcmp("ab\x80", "ab\x7f", 3) > 0, "memcmp compares as unsigned char");

    char d[32];
    /* The truncations below are what is being tested. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-truncation"
    CHECK(strcpy(d, "abc") == d && strcmp(d, "abc") == 0, "strcpy");
    CHECK(strcat(d, "def") == d && strcmp(d, "abcdef") == 0, "strcat");
    CHECK(strncat(d, "ghijk", 2) == d && strcmp(d, "abcdefgh") == 0, "strncat");
    memset(d, 'x', sizeof(d));
    strncpy(d, "ab", 5);
    CHECK(memcmp(d, "ab\0\0\0x", 6) == 0, "strncpy pads with null characters");
    memset(d, 'x', sizeof(d));
    strncpy(d, "abcdef", 3);
    CHECK(memcmp(d, "abcx", 4) == 0, "strncpy does not terminate a long source");
#pragma GCC diagnostic pop

    char m[16] = "0123456789";
    memmove(m + 2, m, 5);
    CHECK(memcmp(m, "0101234789", 10) == 0, "memmove, overlapping forward");
    strcpy(m, "0123456789");
    memmove(m, m + 3, 5);
    CHECK(memcmp(m, "3456756789", 10) == 0, "memmove, overlapping backward");
    CHECK(memset(m, 'q', 4) == m && memcmp(m, "qqqq756789", 10) == 0, "memset");
    CHECK(memcpy(m, "AB", 2) == m && memcmp(m, "ABqq756789", 10) == 0, "memcpy");

    /* Long copies: each alignment of source and destination against each other. */
    static unsigned char src[300], dst[300];
    int ok = 1;
    for (int i = 0; i < 300; i++)
        src[i] = (unsigned char)(i * 7 + 1);
    for (int so = 0; so < 8; so++)
        for (int dof = 0; dof < 8; dof++) {
            memset(dst, 0, sizeof(dst));
            memcpy(dst + dof, src + so, 250);
            ok &= memcmp(dst + dof, src + so, 250) == 0 && dst[dof + 250] == 0 &&
                  (dof == 0 || dst[dof - 1] == 0);
        }
    CHECK(ok, "memcpy of 250 bytes at every alignment pair");

    char *dup = strdup("duplicate me");
    CHECK(dup != NULL && strcmp(dup, "duplicate me") == 0, "strdup");
    free(dup);
}

static void test_strtol(void)
{
    /* 7.22.1.4 */
    char *end;
    const char *s = "123abc";
    CHECK(strtoul(s, &end, 10) == 123 && end == s + 3, "strtoul(\"123abc\", 10) = 123, end at 'a'");
    s = "0x1F";
    CHECK(strtoul(s, &end, 16) == 31 && end == s + 4, "strtoul(\"0x1F\", 16) = 31");
    CHECK(strtoul(s, &end, 0) == 31 && end == s + 4, "strtoul(\"0x1F\", 0) = 31");
    s = "017";
    CHECK(strtoul(s, &end, 0) == 15, "strtoul(\"017\", 0) = 15 (octal)");
    CHECK(strtoul("zz", NULL, 36) == 1295, "strtoul(\"zz\", 36) = 1295");
    CHECK(strtoul("  +42", NULL, 10) == 42, "strtoul skips white space and takes a sign");
    /* "If the subject sequence has the expected form ... negated (in the return type)" */
    CHECK(strtoul("-1", NULL, 10) == ULONG_MAX, "strtoul(\"-1\") = ULONG_MAX");
    s = "xyz";
    CHECK(strtoul(s, &end, 10) == 0 && end == s, "no digits: 0 and end = the string");
    s = "0x";
#if defined(_WIN32)
    /* Microsoft's C runtime (msvcrt, which mingw-w64 uses) leaves end at the start. */
    UTEST_SKIP("msvcrt deviation from C11 7.22.1.4", "strtoul(\"0x\", 16): 0, end after the 0");
#else
    CHECK(strtoul(s, &end, 16) == 0 && end == s + 1, "strtoul(\"0x\", 16): 0, end after the 0");
#endif
    errno = 0;
    CHECK(strtoul("99999999999999999999999", NULL, 10) == ULONG_MAX && errno == ERANGE,
          "strtoul overflow: ULONG_MAX and ERANGE");
    errno = 0;
    CHECK(strtol("-99999999999999999999999", NULL, 10) == LONG_MIN && errno == ERANGE,
          "strtol underflow: LONG_MIN and ERANGE");
    CHECK(strtol("-2147483648", NULL, 10) == -2147483647L - 1, "strtol(INT_MIN's digits)");
    CHECK(strtoll("-9223372036854775808", NULL, 10) == LLONG_MIN, "strtoll(LLONG_MIN)");
    CHECK(strtoull("18446744073709551615", NULL, 10) == ULLONG_MAX, "strtoull(ULLONG_MAX)");
    CHECK(strtoull("ffffffffffffffff", NULL, 16) == ULLONG_MAX, "strtoull hex");
    CHECK(atoi("  -17xyz") == -17, "atoi");
    CHECK(atol("123456") == 123456L && atoll("-5000000000") == -5000000000LL, "atol / atoll");
    CHECK(abs(-5) == 5 && labs(-6L) == 6L && llabs(-7LL) == 7LL, "abs / labs / llabs");
}

static void test_heap(void)
{
    /* 7.22.3: "suitably aligned so that it may be assigned to a pointer to any type of
       object with a fundamental alignment requirement" (16 bytes on x86-64 SysV and
       Windows x64 alike); distinct live objects do not overlap. */
    enum { N = 200 };
    static unsigned char *blocks[N];
    static size_t sizes[N];
    int aligned = 1, kept = 1, all = 1;
    for (int i = 0; i < N; i++) {
        sizes[i] = (size_t)(i * 37 % 3000) + 1 + (i % 10 == 0 ? 70000 : 0);
        blocks[i] = malloc(sizes[i]);
        all &= blocks[i] != NULL;
        if (!blocks[i])
            continue;
        aligned &= (uintptr_t)blocks[i] % 16 == 0;
        memset(blocks[i], i & 0xFF, sizes[i]);
    }
    CHECK(all, "200 mallocs of 1 B to 73 KB succeed");
    CHECK(aligned, "every block is 16-byte aligned");
    for (int i = 0; i < N; i += 2) {     /* free half, reallocate them differently */
        free(blocks[i]);
        sizes[i] = sizes[i] / 2 + 1;
        blocks[i] = malloc(sizes[i]);
        if (blocks[i])
            memset(blocks[i], i & 0xFF, sizes[i]);
    }
    for (int i = 0; i < N; i++)
        for (size_t j = 0; blocks[i] && j < sizes[i]; j += 97)
            kept &= blocks[i][j] == (i & 0xFF) && blocks[i][sizes[i] - 1] == (i & 0xFF);
    CHECK(kept, "no block overwrote another");
    for (int i = N - 1; i >= 0; i--)
        free(blocks[i]);

    /* calloc: "space is initialized to all bits zero", also over reused blocks. */
    unsigned char *dirty = malloc(8000);
    if (dirty) {
        memset(dirty, 0xAB, 8000);
        free(dirty);
    }
    unsigned char *z = calloc(1000, 8);
    int zero = z != NULL;
    for (size_t i = 0; z && i < 8000; i++)
        zero &= z[i] == 0;
    CHECK(zero, "calloc(1000, 8) is all zero");
    free(z);
    volatile size_t huge = SIZE_MAX;    /* volatile: keeps gcc's size warnings quiet */
    CHECK(calloc(huge / 2, 4) == NULL, "calloc whose size overflows returns NULL");
    CHECK(malloc(huge) == NULL, "malloc(SIZE_MAX) returns NULL");

    /* realloc: "the contents ... unchanged up to the lesser of the new and old sizes" */
    char *r = realloc(NULL, 10);
    CHECK(r != NULL, "realloc(NULL, 10) acts as malloc");
    if (r) {
        memcpy(r, "0123456789", 10);
        char *g = realloc(r, 100000);
        CHECK(g != NULL && memcmp(g, "0123456789", 10) == 0, "realloc growing keeps contents");
        if (g) {
            r = g;
            r[99999] = 'e';
            g = realloc(r, 5);
            CHECK(g != NULL && memcmp(g, "01234", 5) == 0, "realloc shrinking keeps the prefix");
            if (g)
                r = g;
        }
        free(r);
    }
    free(NULL);
    CHECK(1, "free(NULL) does nothing");

    /* Many small allocations and frees in a loop do not grow without bound: the same
       pattern a thousand times succeeds. */
    int loop_ok = 1;
    for (int round = 0; round < 1000 && loop_ok; round++) {
        void *a = malloc(24), *b = malloc(500), *c = malloc(5000);
        loop_ok = a && b && c;
        free(b);
        free(a);
        free(c);
    }
    CHECK(loop_ok, "1000 rounds of malloc/free");
}

static int compare_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

struct record {
    unsigned key;
    unsigned order;     /* original position */
    char pad[9];
};

static int compare_record(const void *a, const void *b)
{
    const struct record *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

static void test_sort(void)
{
    /* 7.22.5.2 qsort: "sorts an array of nmemb objects ... into ascending order";
       7.22.5.1 bsearch. */
    enum { N = 1000 };
    static int a[N];
    uint32_t x = 12345;
    long long sum = 0, sum_after = 0;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        a[i] = (int)(x >> 8) % 1000 - 500;
        sum += a[i];
    }
    qsort(a, N, sizeof(a[0]), compare_int);
    int sorted = 1;
    for (int i = 0; i < N; i++) {
        sum_after += a[i];
        if (i > 0 && a[i - 1] > a[i])
            sorted = 0;
    }
    CHECK(sorted, "qsort of 1000 ints: ascending");
    CHECK(sum == sum_after, "qsort keeps the elements (same sum)");
    int key = a[N / 2];
    int *found = bsearch(&key, a, N, sizeof(a[0]), compare_int);
    CHECK(found != NULL && *found == key, "bsearch finds a present key");
    key = 1000;
    CHECK(bsearch(&key, a, N, sizeof(a[0]), compare_int) == NULL,
          "bsearch returns NULL for an absent key");

    static struct record r[257];
    for (unsigned i = 0; i < 257; i++) {
        r[i].key = (i * 7919u) % 257u;     /* a permutation of 0..256 */
        r[i].order = i;
    }
    qsort(r, 257, sizeof(r[0]), compare_record);
    int perm = 1;
    for (unsigned i = 0; i < 257; i++)
        perm &= r[i].key == i && (r[i].order * 7919u) % 257u == i;
    CHECK(perm, "qsort of 257 odd-sized records");
    qsort(r, 0, sizeof(r[0]), compare_record);
    CHECK(1, "qsort of 0 elements");
    int one = 5;
    qsort(&one, 1, sizeof(one), compare_int);
    CHECK(one == 5, "qsort of 1 element");
}

static void test_argv(int argc, char **argv)
{
    /* 5.1.2.2.1: argv[argc] is a null pointer; argv[0] the program name. The runners
       pass: alpha "beta gamma" (double quotes group words, as on Windows). */
    CHECK_EQ_U64(argc, 3, "argc is 3 (program, alpha, \"beta gamma\")");
    CHECK(argc >= 1 && argv[0] != NULL && strstr(argv[0], "test_libc") != NULL,
          "argv[0] names the program");
    CHECK(argc >= 2 && strcmp(argv[1], "alpha") == 0, "argv[1] is \"alpha\"");
    CHECK(argc >= 3 && strcmp(argv[2], "beta gamma") == 0, "argv[2] is \"beta gamma\"");
    CHECK(argv[argc] == NULL, "argv[argc] is NULL");
    for (int i = 0; i < argc; i++)
        UTEST_NOTE("argv[%d] = \"%s\"", i, argv[i]);
}

int main(int argc, char **argv)
{
    UTEST_NOTE("test_libc on %s", utest_platform());
    test_argv(argc, argv);
    test_printf();
    test_strings();
    test_strtol();
    test_heap();
    test_sort();
    return utest_done();
}
