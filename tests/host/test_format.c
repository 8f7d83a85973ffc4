/*
 * Host tests for kernel/lib/format.c: snprintf/vsnprintf against the C standard
 * (C11 7.21.6.1) and, byte for byte, against glibc's snprintf as an independent oracle.
 *
 * HOST_CFLAGS rename snprintf/vsnprintf to res_snprintf/res_vsnprintf everywhere. Here the
 * renames are undone after format.h, so `snprintf` below is glibc's and res_snprintf is
 * ours. <stdio.h> must come after the #undefs so it declares glibc's own names.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "lib/format.h"

#undef snprintf
#undef vsnprintf
#include <stdio.h>

#include "test.h"

int res_snprintf(char *buf, size_t size, const char *fmt, ...);
int res_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Formats with our snprintf into a 512-byte buffer; checks the return value is the length. */
static char out[512];
static int out_ret;

static const char *F(const char *fmt, ...)
{
    va_list ap;
    memset(out, 'X', sizeof(out));
    va_start(ap, fmt);
    out_ret = res_vsnprintf(out, sizeof(out), fmt, ap);
    va_end(ap);
    if (!CHECK(memchr(out, '\0', sizeof(out)) != NULL))
        out[sizeof(out) - 1] = '\0';
    else
        CHECK_EQ(out_ret, strlen(out));
    return out;
}

TEST(plain_text_and_percent)
{
    CHECK_STR_EQ(F("hello"), "hello");
    CHECK_EQ(out_ret, 5);
    CHECK_STR_EQ(F(""), "");
    CHECK_EQ(out_ret, 0);
    CHECK_STR_EQ(F("100%%"), "100%");
    CHECK_STR_EQ(F("%%%d%%", 5), "%5%");
}

TEST(signed_decimal)
{
    CHECK_STR_EQ(F("%d", 0), "0");
    CHECK_STR_EQ(F("%d", 42), "42");
    CHECK_STR_EQ(F("%d", -42), "-42");
    CHECK_STR_EQ(F("%i", -7), "-7");
    CHECK_STR_EQ(F("%i", 123456789), "123456789");
    CHECK_STR_EQ(F("%d", INT_MAX), "2147483647");
    CHECK_STR_EQ(F("%d", INT_MIN), "-2147483648");
    CHECK_STR_EQ(F("%d|%i", 1, 2), "1|2");
}

TEST(unsigned_hex_octal)
{
    CHECK_STR_EQ(F("%u", 0u), "0");
    CHECK_STR_EQ(F("%u", 3000000000u), "3000000000");
    CHECK_STR_EQ(F("%u", UINT_MAX), "4294967295");
    CHECK_STR_EQ(F("%x", 255u), "ff");
    CHECK_STR_EQ(F("%X", 255u), "FF");
    CHECK_STR_EQ(F("%x", 0xdeadbeefu), "deadbeef");
    CHECK_STR_EQ(F("%X", 0xdeadbeefu), "DEADBEEF");
    CHECK_STR_EQ(F("%x", 0u), "0");
    CHECK_STR_EQ(F("%o", 8u), "10");
    CHECK_STR_EQ(F("%o", 0777u), "777");
    CHECK_STR_EQ(F("%o", 0u), "0");
    CHECK_STR_EQ(F("%o", UINT_MAX), "37777777777");
}

TEST(length_modifiers)
{
    /* hh and h: the promoted int is converted back to (un)signed char / short. */
    CHECK_STR_EQ(F("%hhd", 255), "-1");
    CHECK_STR_EQ(F("%hhd", 127), "127");
    CHECK_STR_EQ(F("%hhd", 128), "-128");
    CHECK_STR_EQ(F("%hhu", 0x107), "7");
    CHECK_STR_EQ(F("%hhx", 0x1ff), "ff");
    CHECK_STR_EQ(F("%hhi", -129), "127");
    CHECK_STR_EQ(F("%hd", 65535), "-1");
    CHECK_STR_EQ(F("%hd", 32768), "-32768");
    CHECK_STR_EQ(F("%hu", 65537), "1");
    CHECK_STR_EQ(F("%hX", 0x12345), "2345");
    CHECK_STR_EQ(F("%ho", 0x10008), "10");
    /* l, ll, j: 64 bits on x86-64. */
    CHECK_STR_EQ(F("%ld", LONG_MIN), "-9223372036854775808");
    CHECK_STR_EQ(F("%ld", LONG_MAX), "9223372036854775807");
    CHECK_STR_EQ(F("%lu", ULONG_MAX), "18446744073709551615");
    CHECK_STR_EQ(F("%lx", 0x123456789abcdefUL), "123456789abcdef");
    CHECK_STR_EQ(F("%lld", (long long)INT64_MIN), "-9223372036854775808");
    CHECK_STR_EQ(F("%lli", -1LL), "-1");
    CHECK_STR_EQ(F("%llu", (unsigned long long)UINT64_MAX), "18446744073709551615");
    CHECK_STR_EQ(F("%llx", (unsigned long long)UINT64_MAX), "ffffffffffffffff");
    CHECK_STR_EQ(F("%llX", 0xABCDEF0123456789ULL), "ABCDEF0123456789");
    CHECK_STR_EQ(F("%llo", (unsigned long long)UINT64_MAX), "1777777777777777777777");
    CHECK_STR_EQ(F("%jd", (intmax_t)INT64_MIN), "-9223372036854775808");
    CHECK_STR_EQ(F("%ju", (uintmax_t)UINT64_MAX), "18446744073709551615");
    CHECK_STR_EQ(F("%jx", (uintmax_t)0x8000000000000000ULL), "8000000000000000");
    /* z and t. */
    CHECK_STR_EQ(F("%zu", (size_t)SIZE_MAX), "18446744073709551615");
    CHECK_STR_EQ(F("%zd", (ssize_t)-5), "-5");
    CHECK_STR_EQ(F("%zx", (size_t)4096), "1000");
    CHECK_STR_EQ(F("%td", (ptrdiff_t)-3), "-3");
    CHECK_STR_EQ(F("%td", (ptrdiff_t)PTRDIFF_MIN), "-9223372036854775808");
    CHECK_STR_EQ(F("%tx", (ptrdiff_t)255), "ff");
    /* The argument after a 64-bit one is still read correctly. */
    CHECK_STR_EQ(F("%lld %d %llu %s", -1LL, 7, 2ULL, "z"), "-1 7 2 z");
}

TEST(flags)
{
    CHECK_STR_EQ(F("%+d", 42), "+42");
    CHECK_STR_EQ(F("%+d", -42), "-42");
    CHECK_STR_EQ(F("%+d", 0), "+0");
    CHECK_STR_EQ(F("% d", 42), " 42");
    CHECK_STR_EQ(F("% d", -42), "-42");
    CHECK_STR_EQ(F("%+ d", 42), "+42");       /* '+' overrides ' ' */
    CHECK_STR_EQ(F("% +d", 42), "+42");
    CHECK_STR_EQ(F("%-5d|", 42), "42   |");
    CHECK_STR_EQ(F("%-5d|", -42), "-42  |");
    CHECK_STR_EQ(F("%05d", 42), "00042");
    CHECK_STR_EQ(F("%05d", -42), "-0042");
    CHECK_STR_EQ(F("%+05d", 42), "+0042");
    CHECK_STR_EQ(F("% 05d", 42), " 0042");
    CHECK_STR_EQ(F("%-05d|", 42), "42   |");   /* '-' overrides '0' */
    CHECK_STR_EQ(F("%0-5d|", 42), "42   |");
    CHECK_STR_EQ(F("%#x", 255u), "0xff");
    CHECK_STR_EQ(F("%#X", 255u), "0XFF");
    CHECK_STR_EQ(F("%#x", 0u), "0");          /* no prefix for zero */
    CHECK_STR_EQ(F("%#o", 8u), "010");
    CHECK_STR_EQ(F("%#o", 0u), "0");
    CHECK_STR_EQ(F("%#08x", 255u), "0x0000ff"); /* zeros go after the prefix */
    CHECK_STR_EQ(F("%#8x", 255u), "    0xff");
    CHECK_STR_EQ(F("%-#8x|", 255u), "0xff    |");
    CHECK_STR_EQ(F("%#08o", 8u), "00000010");
    CHECK_STR_EQ(F("%#5o", 8u), "  010");
}

TEST(width_and_precision)
{
    CHECK_STR_EQ(F("%5d", 42), "   42");
    CHECK_STR_EQ(F("%5d", -42), "  -42");
    CHECK_STR_EQ(F("%1d", 12345), "12345");   /* width is a minimum */
    CHECK_STR_EQ(F("%.3d", 7), "007");
    CHECK_STR_EQ(F("%.3d", -7), "-007");
    CHECK_STR_EQ(F("%.3d", 12345), "12345");
    CHECK_STR_EQ(F("%6.3d", -7), "  -007");
    CHECK_STR_EQ(F("%-6.3d|", 7), "007   |");
    CHECK_STR_EQ(F("%06.3d", 7), "   007");   /* '0' ignored with a precision */
    CHECK_STR_EQ(F("%+.3d", 7), "+007");
    CHECK_STR_EQ(F("%.4x", 0xabu), "00ab");
    CHECK_STR_EQ(F("%#10.4x", 255u), "    0x00ff");
    CHECK_STR_EQ(F("%#.3o", 8u), "010");       /* the precision zero satisfies '#' */
    CHECK_STR_EQ(F("%#.2o", 8u), "010");
    CHECK_STR_EQ(F("%.10u", 1u), "0000000001");
    CHECK_STR_EQ(F("%20llu", 1ULL), "                   1");
    CHECK_STR_EQ(F("%.d", 5), "5");            /* "." alone is precision 0 */
}

TEST(precision_zero_with_value_zero)
{
    /* C11 7.21.6.1p8: converting zero with precision zero yields no characters. */
    CHECK_STR_EQ(F("%.0d", 0), "");
    CHECK_EQ(out_ret, 0);
    CHECK_STR_EQ(F("%.d", 0), "");
    CHECK_STR_EQ(F("%.0i", 0), "");
    CHECK_STR_EQ(F("%.0u", 0u), "");
    CHECK_STR_EQ(F("%.0x", 0u), "");
    CHECK_STR_EQ(F("%#.0x", 0u), "");
    CHECK_STR_EQ(F("%.0o", 0u), "");
    CHECK_STR_EQ(F("%5.0d|", 0), "     |");
    CHECK_STR_EQ(F("%-3.0d|", 0), "   |");
    CHECK_STR_EQ(F("%+.0d", 0), "+");
    CHECK_STR_EQ(F("% .0d", 0), " ");
    CHECK_STR_EQ(F("%.0d", 1), "1");
    /* '#' with o: "if the value and precision are both 0, a single 0 is printed". */
    CHECK_STR_EQ(F("%#.0o", 0u), "0");
    CHECK_STR_EQ(F("%#3.0o|", 0u), "  0|");
}

TEST(star_width_and_precision)
{
    CHECK_STR_EQ(F("%*d", 5, 42), "   42");
    CHECK_STR_EQ(F("%*d", -5, 42), "42   ");   /* negative width: '-' flag */
    CHECK_STR_EQ(F("%-*d|", 5, 42), "42   |");
    CHECK_STR_EQ(F("%-*d|", -5, 42), "42   |");
    CHECK_STR_EQ(F("%0*d", 5, 42), "00042");
    CHECK_STR_EQ(F("%0*d|", -5, 42), "42   |");
    CHECK_STR_EQ(F("%*d", 0, 42), "42");
    CHECK_STR_EQ(F("%.*d", 3, 7), "007");
    CHECK_STR_EQ(F("%.*d", -1, 7), "7");       /* negative precision: as if omitted */
    CHECK_STR_EQ(F("%05.*d", -1, 42), "00042");
    CHECK_STR_EQ(F("%.*d", 0, 0), "");
    CHECK_STR_EQ(F("%*.*d", 6, 3, -7), "  -007");
    CHECK_STR_EQ(F("%*.*d|", -6, 3, -7), "-007  |");
    CHECK_STR_EQ(F("%.*s", 2, "abc"), "ab");
    CHECK_STR_EQ(F("%.*s", -1, "abc"), "abc");
    CHECK_STR_EQ(F("%*s|", -4, "ab"), "ab  |");
    CHECK_STR_EQ(F("%*c|", 3, 'q'), "  q|");
    /* The arguments that follow are still the right ones. */
    CHECK_STR_EQ(F("%*d %s %.*x", 3, 1, "mid", 4, 0xbu), "  1 mid 000b");
}

TEST(pointer)
{
    CHECK_STR_EQ(F("%p", (void *)0x1234), "0x1234");
    CHECK_STR_EQ(F("%p", (void *)(uintptr_t)0xffffffff80001000ULL), "0xffffffff80001000");
    CHECK_STR_EQ(F("[%20p]", (void *)0xabc), "[               0xabc]");
    CHECK_STR_EQ(F("[%-8p]", (void *)0xabc), "[0xabc   ]");
}

TEST(strings)
{
    CHECK_STR_EQ(F("%s", "abc"), "abc");
    CHECK_STR_EQ(F("%s", ""), "");
    CHECK_STR_EQ(F("%5s|", "abc"), "  abc|");
    CHECK_STR_EQ(F("%-5s|", "abc"), "abc  |");
    CHECK_STR_EQ(F("%2s", "abcd"), "abcd");
    CHECK_STR_EQ(F("%.2s", "abc"), "ab");
    CHECK_STR_EQ(F("%.0s|", "abc"), "|");
    CHECK_STR_EQ(F("%.9s", "abc"), "abc");
    CHECK_STR_EQ(F("%5.1s|", "abc"), "    a|");
    CHECK_STR_EQ(F("%-5.1s|", "abc"), "a    |");
    CHECK_STR_EQ(F("%s", (const char *)NULL), "(null)");
    CHECK_STR_EQ(F("%8s|", (const char *)NULL), "  (null)|");
}

TEST(string_precision_reads_no_further_than_precision)
{
    /* C11 7.21.6.1p8: with a precision the array need not hold a NUL. ASan watches the
       heap block, so a read of abc[3] fails the run. */
    char *abc = malloc(3);
    REQUIRE(abc != NULL);
    memcpy(abc, "abc", 3);
    CHECK_STR_EQ(F("%.3s", abc), "abc");
    CHECK_STR_EQ(F("%.2s", abc), "ab");
    CHECK_STR_EQ(F("%.*s", 3, abc), "abc");
    CHECK_STR_EQ(F("%-5.3s|", abc), "abc  |");
    free(abc);
}

TEST(characters)
{
    CHECK_STR_EQ(F("%c", 'A'), "A");
    CHECK_STR_EQ(F("%3c|", 'A'), "  A|");
    CHECK_STR_EQ(F("%-3c|", 'A'), "A  |");
    CHECK_STR_EQ(F("%c%c%c", 'x', 'y', 'z'), "xyz");
    /* A NUL character is output and counted. */
    char buf[8];
    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(res_snprintf(buf, sizeof(buf), "a%cb", 0), 3);
    CHECK_EQ(memcmp(buf, "a\0b\0", 4), 0);
    CHECK_EQ(buf[4], 'X');
}

TEST(mixed)
{
    CHECK_STR_EQ(F("[%s] %-6s%4d%%  0x%08llx", "info", "mem", 98, 0x1fULL),
                 "[info] mem     98%  0x0000001f");
    CHECK_STR_EQ(F("%d%s%u%x%c", -1, "-", 2u, 0xau, '!'), "-1-2a!");
    CHECK_STR_EQ(F("%300d", 1) + 299, "1");
    CHECK_EQ(out_ret, 300);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
TEST(unknown_conversion_printed_as_is)
{
    CHECK_STR_EQ(F("%y"), "%y");
    CHECK_STR_EQ(F("a%yb"), "a%yb");
    /* It consumes no argument: the %d after it gets the first one. */
    CHECK_STR_EQ(F("%y %d", 5), "%y 5");
    CHECK_STR_EQ(F("%-5y|"), "%-5y|");
    /* A '%' at the very end is shown too, and nothing past the NUL is read. */
    CHECK_STR_EQ(F("x%"), "x%");
    CHECK_STR_EQ(F("x%5"), "x%5");
    CHECK_STR_EQ(F("x%l"), "x%l");
}
#pragma GCC diagnostic pop

TEST(truncation)
{
    char buf[16];

    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(res_snprintf(buf, 4, "abcdef"), 6);    /* the full length */
    CHECK_EQ(memcmp(buf, "abc\0", 4), 0);
    CHECK_EQ(buf[4], 'X');                          /* nothing past size */

    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(res_snprintf(buf, 1, "abc"), 3);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(buf[1], 'X');

    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(res_snprintf(buf, 0, "abc%d", 12345), 8);
    CHECK_EQ(buf[0], 'X');                          /* size 0 writes nothing */
    CHECK_EQ(res_snprintf(NULL, 0, "%d", -12345), 6);

    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(res_snprintf(buf, 6, "%8d", 1), 8);    /* cut inside the padding */
    CHECK_STR_EQ(buf, "     ");
    CHECK_EQ(buf[6], 'X');

    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(res_snprintf(buf, 5, "%s-%s", "abc", "def"), 7);
    CHECK_STR_EQ(buf, "abc-");

    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(res_snprintf(buf, 7, "abcdef"), 6);    /* exact fit */
    CHECK_STR_EQ(buf, "abcdef");
    CHECK_EQ(buf[7], 'X');

    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(res_snprintf(buf, 6, "abcdef"), 6);    /* one short */
    CHECK_STR_EQ(buf, "abcde");
}

/* ----------------------------------------------------------------------------------- */
/* Differential test against glibc.                                                    */
/* ----------------------------------------------------------------------------------- */


/* Interesting values: zero, small, every magnitude, the extremes of each width. */
static uint64_t random_value(void)
{
    static const uint64_t edges[] = {
        0, 1, 7, 8, 9, 10, 15, 16, 127, 128, 255, 256, 32767, 32768, 65535, 65536,
        0x7fffffffULL, 0x80000000ULL, 0xffffffffULL, 0x100000000ULL,
        0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL,
        0xfffffffffffffffeULL, 0xffffffff80000000ULL, 0xffffffffffff8000ULL,
    };
    switch ((unsigned)test_rand_below(4)) {
    case 0: return edges[(unsigned)test_rand_below(sizeof(edges) / sizeof(edges[0]))];
    case 1: return test_rand() >> (unsigned)test_rand_below(64);                 /* any magnitude */
    case 2: return (uint64_t)0 - (test_rand() >> (unsigned)test_rand_below(64)); /* negative, any magnitude */
    default: return test_rand();
    }
}

enum arg_kind { A_INT, A_UINT, A_LONG, A_ULONG, A_LLONG, A_ULLONG, A_SSIZE, A_SIZE, A_PTRDIFF,
                A_INTMAX, A_UINTMAX };

/* Calls fn (ours or glibc's) with the stars and the value as the type the format wants. */
#define CALL_WITH(fn, buf, size, fmt, nstar, s1, s2, arg)                      \
    ((nstar) == 0 ? fn(buf, size, fmt, arg)                                  \
     : (nstar) == 1 ? fn(buf, size, fmt, s1, arg) : fn(buf, size, fmt, s1, s2, arg))

#define CALL_KIND(fn, buf, size, fmt, nstar, s1, s2, kind, v)                                \
    ((kind) == A_INT ? CALL_WITH(fn, buf, size, fmt, nstar, s1, s2, (int)(v))                \
     : (kind) == A_UINT ? CALL_WITH(fn, buf, size, fmt, nstar, s1, s2, (unsigned)(v))        \
     : (kind) == A_LONG ? CALL_WITH(fn, buf, size, fmt, nstar, s1, s2, (long)(v))            \
     : (kind) == A_ULONG ? CALL_WITH(fn, buf, size, fmt, nstar, s1, s2, (unsigned long)(v))  \
     : (kind) == A_LLONG ? CALL_WITH(fn, buf, size, fmt, nstar, s1, s2, (long long)(v))      \
     : (kind) == A_ULLONG                                                                   \
         ? CALL_WITH(fn, buf, size, fmt, nstar, s1, s2, (unsigned long long)(v))            \
     : (kind) == A_SSIZE ? CALL_WITH(fn, buf, size, fmt, nstar, s1, s2, (ssize_t)(v))        \
     : (kind) == A_SIZE ? CALL_WITH(fn, buf, size, fmt, nstar, s1, s2, (size_t)(v))          \
     : (kind) == A_PTRDIFF ? CALL_WITH(fn, buf, size, fmt, nstar, s1, s2, (ptrdiff_t)(v))    \
     : (kind) == A_INTMAX ? CALL_WITH(fn, buf, size, fmt, nstar, s1, s2, (intmax_t)(v))      \
                          : CALL_WITH(fn, buf, size, fmt, nstar, s1, s2, (uintmax_t)(v)))

static enum arg_kind kind_for(const char *length, int is_signed)
{
    if (!strcmp(length, "") || !strcmp(length, "hh") || !strcmp(length, "h"))
        return is_signed ? A_INT : A_UINT;
    if (!strcmp(length, "l"))
        return is_signed ? A_LONG : A_ULONG;
    if (!strcmp(length, "ll"))
        return is_signed ? A_LLONG : A_ULLONG;
    if (!strcmp(length, "z"))
        return is_signed ? A_SSIZE : A_SIZE;
    if (!strcmp(length, "t"))
        return A_PTRDIFF;   /* %tu/%tx take the unsigned type of the same width */
    return is_signed ? A_INTMAX : A_UINTMAX;
}

TEST(differential_against_glibc)
{
    test_rand_start("the glibc differential", 0x5eed0f0f2024ULL);

    static const char *const lengths[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };
    static const char convs[] = "diuxXo";
    int mismatches = 0;

    for (int iter = 0; iter < 5000 && mismatches < 10; iter++) {
        char fmt[64];
        size_t n = 0;
        int nstar = 0, s1 = 0, s2 = 0;
        int stars[2];

        fmt[n++] = (unsigned)test_rand_below(4) == 0 ? '<' : 0;   /* sometimes some plain text */
        if (!fmt[0])
            n = 0;
        fmt[n++] = '%';
        unsigned nflags = (unsigned)test_rand_below(4);
        for (unsigned i = 0; i < nflags; i++)
            fmt[n++] = "-0+ #"[(unsigned)test_rand_below(5)];
        switch ((unsigned)test_rand_below(4)) {
        case 0: break;
        case 1: n += (size_t)sprintf(fmt + n, "%u", (unsigned)test_rand_below(40)); break;
        case 2: n += (size_t)sprintf(fmt + n, "%u", 1 + (unsigned)test_rand_below(9)); break;
        default:
            fmt[n++] = '*';
            stars[nstar++] = (int)(unsigned)test_rand_below(81) - 40;
            break;
        }
        switch ((unsigned)test_rand_below(5)) {
        case 0: case 1: break;
        case 2: fmt[n++] = '.'; break;
        case 3: n += (size_t)sprintf(fmt + n, ".%u", (unsigned)test_rand_below(30)); break;
        default:
            fmt[n++] = '.';
            fmt[n++] = '*';
            stars[nstar++] = (int)(unsigned)test_rand_below(41) - 10;
            break;
        }
        const char *length = lengths[(unsigned)test_rand_below(8)];
        n += (size_t)sprintf(fmt + n, "%s", length);
        char conv = convs[(unsigned)test_rand_below(6)];
        fmt[n++] = conv;
        if ((unsigned)test_rand_below(4) == 0)
            fmt[n++] = '>';
        fmt[n] = '\0';
        if (nstar > 0)
            s1 = stars[0];
        if (nstar > 1)
            s2 = stars[1];

        enum arg_kind kind = kind_for(length, conv == 'd' || conv == 'i');
        uint64_t v = random_value();

        char ours[256], theirs[256];
        memset(ours, 'X', sizeof(ours));
        memset(theirs, 'Y', sizeof(theirs));
        int r_ours = CALL_KIND(res_snprintf, ours, sizeof(ours), fmt, nstar, s1, s2, kind, v);
        int r_theirs = CALL_KIND(snprintf, theirs, sizeof(theirs), fmt, nstar, s1, s2, kind, v);

        int same = r_ours == r_theirs && r_theirs >= 0 && (size_t)r_theirs < sizeof(ours) &&
                   memcmp(ours, theirs, (size_t)r_theirs + 1) == 0;

        /* And truncated to a random size: the same prefix, the same return value. */
        if (same && r_theirs > 0) {
            size_t size = (unsigned)test_rand_below((unsigned)r_theirs + 1);
            char cut[256];
            memset(cut, 'Z', sizeof(cut));
            int r_cut = CALL_KIND(res_snprintf, cut, size, fmt, nstar, s1, s2, kind, v);
            same = r_cut == r_theirs && cut[size] == 'Z' &&
                   (size == 0 || (memcmp(cut, theirs, size - 1) == 0 && cut[size - 1] == '\0'));
            if (!same)
                printf("# truncated to %zu differs\n", size);
        }
        if (!same) {
            mismatches++;
            printf("# MISMATCH fmt \"%s\" stars %d (%d, %d) value 0x%llx: ours %d \"%.*s\", "
                   "glibc %d \"%s\"\n", fmt, nstar, s1, s2, (unsigned long long)v, r_ours,
                   (int)sizeof(ours) - 1, ours, r_theirs, theirs);
        }
    }
    CHECK_EQ(mismatches, 0);
}
